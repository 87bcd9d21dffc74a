-- The weekly review list (`caselog review --format json`) as the sqlite3 shell would compute it:
-- for everyone, or for one advisor's consultations. bench/run replaces :today, :horizon (today
-- plus the 7 days the list looks ahead) with quoted dates, and :advisor with a quoted name, or
-- with NULL for everyone.
--
-- What is on the list (docs/follow-ups.md):
--  * the follow-ups no review has answered that fall on or before the horizon. A consultation's
--    own follow-up is answered by any review of it, and one set by a review by any later review
--    (by date, then ID), so the one left unanswered is that of the consultation's latest review
--    that is not voided (latest date, then highest ID) — none when that review resolved the
--    matter or set no date — otherwise, with no such review, the consultation's own. It is
--    `overdue` before today, `due` from today on, and names what set it;
--  * a referral, not voided, whose result is still `pending` (a referral's result follows its
--    latest review), dated the day it was made.
-- Each names its consultation's agency, advisor and outcome, and the level of need that stands
-- now: that of the latest review (not voided) that set a level, otherwise the consultation's own.
-- The items are grouped by family (its key), each family under the spelling of its first
-- consultation not voided, and marked `level-4` or `urgent` when one of its consultations is at
-- level 4 now or has the outcome `urgent`. Families with a mark come first, then those with an
-- overdue follow-up, longest overdue first, then by their oldest item, then by key; each
-- family's items oldest first, follow-ups before referrals on one date, then by number. The keys
-- and values are those of caselog's JSON.
--
-- How: only a consultation with some follow-up on or before the horizon — its own (found with
-- the follow-up index) or one set by a review (one pass over the reviews) — can be due, so the
-- latest review is looked up, with the review_by_consultation index, for those alone.
.mode list
WITH candidate (id) AS (
    SELECT id FROM consultation WHERE follow_up <= :horizon
    UNION
    SELECT consultation_id FROM review
    WHERE consultation_id IS NOT NULL AND voided_at IS NULL AND follow_up <= :horizon
),
followed AS MATERIALIZED (
    SELECT c.id, c.follow_up,
           (SELECT v.id FROM review v WHERE v.consultation_id = c.id AND v.voided_at IS NULL
            ORDER BY v.date DESC, v.id DESC LIMIT 1) AS latest_review
    FROM candidate JOIN consultation c ON c.id = candidate.id
    WHERE c.voided_at IS NULL AND (:advisor IS NULL OR c.advisor = :advisor)
),
current AS (
    SELECT f.id,
           CASE WHEN f.latest_review IS NULL THEN f.follow_up
                WHEN v.status = 'resolved' THEN NULL
                ELSE v.follow_up END AS current_follow_up,
           CASE WHEN f.latest_review IS NULL THEN 'C-' || f.id
                ELSE 'V-' || f.latest_review END AS set_by
    FROM followed f LEFT JOIN review v ON v.id = f.latest_review
),
item (consultation, id, kind, kind_order, date, state, set_by, "to", n) AS (
    SELECT id, 'C-' || id, 'follow-up', 0, current_follow_up,
           CASE WHEN current_follow_up < :today THEN 'overdue' ELSE 'due' END, set_by, NULL, id
    FROM current WHERE current_follow_up <= :horizon
    UNION ALL
    SELECT c.id, 'R-' || r.id, 'referral', 1, r.date, 'pending', NULL, r.referred_to, r.id
    FROM referral r JOIN consultation c ON c.id = r.consultation_id
    WHERE r.voided_at IS NULL AND r.result = 'pending' AND c.voided_at IS NULL
      AND (:advisor IS NULL OR c.advisor = :advisor)
),
detail AS MATERIALIZED (
    SELECT i.*, c.family_key AS key, c.agency, c.advisor, c.outcome,
           coalesce((SELECT v.level FROM review v
                     WHERE v.consultation_id = i.consultation AND v.voided_at IS NULL
                       AND v.level IS NOT NULL
                     ORDER BY v.date DESC, v.id DESC LIMIT 1), c.level) AS level
    FROM item i JOIN consultation c ON c.id = i.consultation
),
family AS (
    SELECT key,
           (SELECT f.family FROM consultation f
            WHERE f.family_key = detail.key AND f.voided_at IS NULL ORDER BY f.id LIMIT 1)
             AS family,
           max(level = 4) AS level4, max(outcome = 'urgent') AS urgent,
           min(CASE WHEN state = 'overdue' THEN date END) AS overdue, min(date) AS oldest
    FROM detail GROUP BY key
)
SELECT json_group_array(json(entry)) FROM (
    SELECT json_object(
             'family', f.family,
             'key', f.key,
             'priority', json(CASE WHEN f.level4 AND f.urgent THEN '["level-4","urgent"]'
                                   WHEN f.level4 THEN '["level-4"]'
                                   WHEN f.urgent THEN '["urgent"]'
                                   ELSE '[]' END),
             'items', (SELECT json_group_array(json_object(
                                'id', d.id, 'kind', d.kind, 'date', d.date, 'state', d.state,
                                'set_by', d.set_by, 'agency', d.agency, 'advisor', d.advisor,
                                'level', d.level, 'outcome', d.outcome, 'to', d."to"))
                       FROM (SELECT * FROM detail WHERE key = f.key
                             ORDER BY date, kind_order, n) d)) AS entry
    FROM family f
    ORDER BY NOT (f.level4 OR f.urgent), f.overdue IS NULL, f.overdue, f.oldest, f.key
);
