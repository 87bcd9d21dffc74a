-- The columns of `caselog export` and `caselog list --format csv` (consultations: the field
-- table's exported columns), every consultation not voided, in ID order, as the sqlite3 shell
-- writes them in its CSV mode with a header row.
--
-- The rows and cells are caselog's; only the quoting differs: the shell puts quotes around every
-- cell with a space, an apostrophe or a character outside ASCII ("Advisor 07") and writes an empty
-- text as "" where caselog quotes only what CSV requires. bench/run checks that both outputs read
-- back as the same rows. (Order by the table's id: the alias `id` is the text 'C-…', and sorting
-- by it would make the shell sort the whole table.)
.mode csv
.headers on
SELECT 'C-' || id AS id, uuid, date, advisor, setting, mode, agency, role, organisation, family,
       children, ages,
       factors, indicators, consultee_level, level, suggested_level, confidence_before,
       confidence_after, consent, outcome, follow_up, created_at
FROM consultation WHERE voided_at IS NULL ORDER BY consultation.id;
