-- One consultation, as `caselog consult` would record it, through psql on a team logbook: the
-- same row, with the server's next number and a fresh UUID.
-- bench/run replaces :family with the quoted family reference that caselog consults about.
INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, children, factors,
    indicators, level, suggested_level, outcome, follow_up, created_at)
VALUES (gen_random_uuid(), '2026-03-01', 'Bench', 'Bench surgery', 'surgery', '2A',
    :family, 1, '', 'C2.1;P3.2', 3, 3, 'early-help', '2026-03-15', '2026-03-01T12:00:00Z');
