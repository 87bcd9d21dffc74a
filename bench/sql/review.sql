-- The weekly review list (`caselog review --format json`) as the sqlite3 shell would compute it:
-- for everyone, or for one advisor's consultations. bench/run replaces :today, :horizon (today
-- plus the 7 days the list looks ahead) with quoted dates, and :advisor with a quoted name, or
-- with NULL for everyone.
--
-- What is on the list (docs/follow-ups.md):
--  * a consultation, not voided, whose CURRENT follow-up falls on or before the horizon: the
--    follow-up set by its latest review that is not voided (latest date, then highest ID) — none
--    when that review resolved the matter or set no date — otherwise, with no such review, the
--    consultation's own follow-up. It is `overdue` before today, `due` from today on;
--  * a referral, not voided, whose result is still `pending` (a referral's result follows its
--    latest review), dated the day it was made.
-- Each names its consultation's family, agency and outcome, and the level of need that stands
-- now: that of the latest review (not voided) that set a level, otherwise the consultation's own.
-- Items come oldest first; on one date follow-ups before referrals, then by number. The keys
-- and values are those of caselog's JSON.
--
-- How: only a consultation with some follow-up on or before the horizon — its own (found with
-- the follow-up index) or one set by a review (one pass over the reviews) — can be due, so the
-- latest review is looked up, with the review_by_consultation index, for those alone.
.mode json
WITH candidate (id) AS (
    SELECT id FROM consultation WHERE follow_up <= :horizon
    UNION
    SELECT consultation_id FROM review
    WHERE consultation_id IS NOT NULL AND voided_at IS NULL AND follow_up <= :horizon
),
followed AS MATERIALIZED (
    SELECT c.id, c.family, c.agency, c.level, c.outcome, c.follow_up,
           (SELECT v.id FROM review v WHERE v.consultation_id = c.id AND v.voided_at IS NULL
            ORDER BY v.date DESC, v.id DESC LIMIT 1) AS latest_review
    FROM candidate JOIN consultation c ON c.id = candidate.id
    WHERE c.voided_at IS NULL AND (:advisor IS NULL OR c.advisor = :advisor)
),
current AS (
    SELECT f.*,
           CASE WHEN f.latest_review IS NULL THEN f.follow_up
                WHEN v.status = 'resolved' THEN NULL
                ELSE v.follow_up END AS current_follow_up
    FROM followed f LEFT JOIN review v ON v.id = f.latest_review
),
item (id, kind, date, state, family, agency, consultation, level, outcome, "to", n) AS (
    SELECT 'C-' || id, 'follow-up', current_follow_up,
           CASE WHEN current_follow_up < :today THEN 'overdue' ELSE 'due' END,
           family, agency, id, level, outcome, NULL, id
    FROM current WHERE current_follow_up <= :horizon
    UNION ALL
    SELECT 'R-' || r.id, 'referral', r.date, 'pending', c.family, c.agency, c.id, c.level,
           c.outcome, r.referred_to, r.id
    FROM referral r JOIN consultation c ON c.id = r.consultation_id
    WHERE r.voided_at IS NULL AND r.result = 'pending' AND c.voided_at IS NULL
      AND (:advisor IS NULL OR c.advisor = :advisor)
)
SELECT id, kind, date, state, family, agency,
       coalesce((SELECT v.level FROM review v
                 WHERE v.consultation_id = item.consultation AND v.voided_at IS NULL
                   AND v.level IS NOT NULL
                 ORDER BY v.date DESC, v.id DESC LIMIT 1), level) AS level,
       outcome, "to"
FROM item ORDER BY date, kind, n;
