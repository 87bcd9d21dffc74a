-- `caselog list --from … --to …` as a table: the consultations of one period, not voided, in ID
-- order, with the columns caselog shows (the agency with its label), through the sqlite3 shell
--, then the count caselog prints under the table. bench/run replaces :period_from
-- and :period_to with quoted dates.
.mode box
WITH agency (code, label) AS (VALUES
    ('1A', 'Individual – family member, relative or carer'),
    ('1B', 'Individual – acquaintance (neighbour, childminder)'),
    ('1C', 'Individual – self'), ('1D', 'Individual – other'), ('2A', 'Schools'),
    ('2B', 'Education services'), ('3A', 'Health – GP'), ('3B', 'Health – health visitor'),
    ('3C', 'Health – school nurse'), ('3D', 'Health – other primary health services'),
    ('3E', 'Health – A&E'), ('3F', 'Health – other'), ('4', 'Housing'),
    ('5A', 'LA services – social care (e.g. adults)'),
    ('5B', 'LA services – other internal (e.g. youth offending)'),
    ('5C', 'LA services – external (another authority)'), ('5D', 'LA services – early help'),
    ('6', 'Police'), ('7', 'Other legal agency (courts, probation, CAFCASS)'),
    ('8', 'Other (children''s centres, voluntary organisations)'), ('9', 'Anonymous'),
    ('10', 'Unknown'))
SELECT 'C-' || c.id AS ID, c.date AS Date, c.family AS Family,
       c.agency || ' ' || a.label AS Agency, c.level AS Level, c.outcome AS Outcome,
       coalesce(c.follow_up, '') AS "Follow-up", c.advisor AS Advisor
FROM consultation c LEFT JOIN agency a ON a.code = c.agency
WHERE c.voided_at IS NULL AND c.date BETWEEN :period_from AND :period_to
ORDER BY c.id;

.mode list
SELECT count(*) || ' consultations' AS "" FROM consultation
WHERE voided_at IS NULL AND date BETWEEN :period_from AND :period_to;
