-- `caselog history FAMILY`: the family's consultations, referrals and reviews (voided ones left
-- out) in date order — on one date, consultations, then referrals, then reviews, each by number —
-- through the sqlite3 shell, then the counts caselog prints under the table.
-- bench/run replaces :family with the quoted family reference. The family's records are found
-- by its key (family_key), as caselog finds them, the key being that of the reference given.
-- caselog prints each record's fields under it and labels the codes; the shell prints one line
-- per record (as `history --brief` does) with the agency's label only.
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
    ('10', 'Unknown')),
family_consultation AS (
    SELECT * FROM consultation
    WHERE family_key = (SELECT family_key FROM consultation WHERE family = :family LIMIT 1)
      AND voided_at IS NULL
),
family_referral AS (
    SELECT r.* FROM referral r JOIN family_consultation c ON c.id = r.consultation_id
    WHERE r.voided_at IS NULL
),
entry (date, kind, n, id, record, level, outcome, follow_up) AS (
    SELECT c.date, 1, c.id, 'C-' || c.id, 'consultation — ' || c.agency || ' ' || a.label,
           c.level, c.outcome, c.follow_up
    FROM family_consultation c LEFT JOIN agency a ON a.code = c.agency
    UNION ALL
    SELECT date, 2, id, 'R-' || id, 'referral from C-' || consultation_id || ' to ' || referred_to,
           NULL, result, NULL
    FROM family_referral
    UNION ALL
    SELECT v.date, 3, v.id, 'V-' || v.id,
           'review of ' || coalesce('C-' || v.consultation_id, 'R-' || v.referral_id),
           v.level, coalesce(v.result, v.status), v.follow_up
    FROM review v
    WHERE v.voided_at IS NULL
      AND (v.consultation_id IN (SELECT id FROM family_consultation)
           OR v.referral_id IN (SELECT id FROM family_referral))
)
SELECT date AS Date, id AS ID, record AS Record, coalesce(level, '') AS Level,
       coalesce(outcome, '') AS "Outcome / result", coalesce(follow_up, '') AS "Follow-up"
FROM entry ORDER BY date, kind, n;

.mode list
WITH family_consultation AS (
    SELECT id FROM consultation
    WHERE family_key = (SELECT family_key FROM consultation WHERE family = :family LIMIT 1)
      AND voided_at IS NULL
),
family_referral AS (
    SELECT r.id FROM referral r JOIN family_consultation c ON c.id = r.consultation_id
    WHERE r.voided_at IS NULL
)
SELECT (SELECT count(*) FROM family_consultation) || ' consultations, '
       || (SELECT count(*) FROM family_referral) || ' referrals, '
       || (SELECT count(*) FROM review v WHERE v.voided_at IS NULL
             AND (v.consultation_id IN (SELECT id FROM family_consultation)
                  OR v.referral_id IN (SELECT id FROM family_referral))) || ' reviews' AS "";
