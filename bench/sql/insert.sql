-- One consultation, as `caselog consult` would record it (a hyphenated UUID, and the day it is due
-- on the weekly list: its follow-up), through the sqlite3
-- shell.
-- bench/run replaces :family with the quoted family reference that caselog consults about. Its
-- key is the reference without hyphens in capitals, which is the key of the generator's
-- references (FAM-0012627 is FAM0012627).
PRAGMA busy_timeout = 30000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = FULL;
INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, family_key, children,
    factors, indicators, level, suggested_level, outcome, follow_up, due_from, created_at)
VALUES ((SELECT substr(u, 1, 8) || '-' || substr(u, 9, 4) || '-' || substr(u, 13, 4) || '-'
            || substr(u, 17, 4) || '-' || substr(u, 21) FROM (SELECT lower(hex(randomblob(16))) AS u)),
    '2026-03-01', 'Bench', 'Bench surgery', 'surgery', '2A',
    :family, upper(replace(:family, '-', '')), 1, '', 'C2.1;P3.2', 3, 3, 'early-help', '2026-03-15', '2026-03-15', '2026-03-01T12:00:00Z');
