-- One consultation, as `caselog consult` would record it, through psql on a team logbook: the
-- same row, with the server's next number and a fresh UUID.
-- bench/run replaces :family with the quoted family reference that caselog consults about. Its
-- key is the reference without hyphens in capitals, which is the key of the generator's
-- references (FAM-0012627 is FAM0012627).
INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, family_key, children,
    factors, indicators, level, suggested_level, outcome, follow_up, due_from, created_at)
VALUES (gen_random_uuid(), '2026-03-01', 'Bench', 'Bench surgery', 'surgery', '2A',
    :family, upper(replace(:family, '-', '')), 1, '', 'C2.1;P3.2', 3, 3, 'early-help',
    '2026-03-15', '2026-03-15', '2026-03-01T12:00:00Z');
