-- The columns of `caselog export` (consultations: the field table's exported columns), every
-- consultation not voided, in ID order, as CSV with a header row, written by psql. Dates and
-- timestamps are written as caselog writes them (2026-03-01T12:00:00Z).
\copy (SELECT 'C-' || id AS id, uuid, date, advisor, setting, mode, agency, role, organisation, family, children, ages, factors, indicators, consultee_level, level, suggested_level, confidence_before, confidence_after, consent, outcome, follow_up, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at FROM consultation WHERE voided_at IS NULL ORDER BY consultation.id) TO STDOUT WITH (FORMAT csv, HEADER)
