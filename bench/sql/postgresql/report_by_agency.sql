-- The figures of `caselog report --by agency` for one period, as psql would compute them on a team logbook.
-- bench/run replaces :period_from, :period_to and :today with quoted dates.
SELECT c.agency, count(*), count(DISTINCT family_key),
       count(*) FILTER (WHERE consultee_level IS NOT NULL),
       count(*) FILTER (WHERE consultee_level = level),
       count(*) FILTER (WHERE consultee_level > level),
       count(*) FILTER (WHERE consultee_level < level),
       count(*) FILTER (WHERE consultee_level = 4 AND outcome NOT IN ('refer-csc', 'urgent')),
       count(*) FILTER (WHERE outcome IN ('refer-csc', 'urgent')),
       count(*) FILTER (WHERE confidence_before IS NOT NULL AND confidence_after IS NOT NULL),
       avg(confidence_before) FILTER (WHERE confidence_after IS NOT NULL),
       avg(confidence_after) FILTER (WHERE confidence_before IS NOT NULL),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM consultation p
           WHERE p.family_key = c.family_key AND p.voided_at IS NULL
             AND p.date >= c.date - 365 AND p.date < c.date))
FROM consultation c
WHERE voided_at IS NULL AND date BETWEEN :period_from AND :period_to
GROUP BY c.agency;

SELECT agency, outcome, count(*) FROM consultation
WHERE voided_at IS NULL AND date BETWEEN :period_from AND :period_to GROUP BY agency, outcome;

SELECT agency, count(*) FROM consultation
WHERE voided_at IS NULL AND date BETWEEN :period_from AND :period_to GROUP BY agency;

SELECT c.agency, r.result, count(*) FROM referral r JOIN consultation c ON c.id = r.consultation_id
WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN :period_from AND :period_to
GROUP BY c.agency, r.result;

SELECT c.agency, count(*),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review v WHERE v.consultation_id = c.id
                     AND v.voided_at IS NULL AND v.date <= c.follow_up)),
       count(*) FILTER (WHERE c.follow_up < :today AND NOT EXISTS (SELECT 1 FROM review v
                     WHERE v.consultation_id = c.id AND v.voided_at IS NULL))
FROM consultation c
WHERE c.voided_at IS NULL AND c.follow_up BETWEEN :period_from AND :period_to
GROUP BY c.agency;
