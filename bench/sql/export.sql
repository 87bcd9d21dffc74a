-- The columns of `caselog export` (consultations), every consultation, as the sqlite3 shell
-- writes them with -csv -header.
SELECT 'C-' || id AS id, uuid, date, advisor, setting, mode, agency, role, family, children,
       factors, indicators, consultee_level, level, suggested_level, confidence_before,
       confidence_after, consent, outcome, follow_up, created_at
FROM consultation WHERE voided_at IS NULL ORDER BY id;
