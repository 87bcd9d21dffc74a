-- The figures of `caselog report --by agency --format json` for one period, as psql would
-- compute them on a team logbook: the same JSON object (the grouping, the period, the day the
-- report is made and one object per agency with every key of docs/reports.md), built with
-- PostgreSQL's JSON functions. bench/run replaces :period_from, :period_to and :today with quoted
-- dates.
--
-- The definitions (docs/reports.md, domain brief §5): voided records, and records hanging from
-- voided ones, never count. Consultations are those dated in the period; referrals those dated in
-- it; follow-ups those falling due in it (set by a consultation, or by a review of it that does
-- not resolve it; answered by the earliest review of the consultation dated on or after the day
-- it was set, on that day only by a review with a higher number when a review set it). A
-- diversion (consultee's level 4; advice, signpost or early-help) is escalated when the family
-- (by key) was referred to csc or the police, or had another consultation advising a referral,
-- from its date to 90 days after; held when not, and its 90 days are over. Repeats and
-- re-referrals look back 365 days, on the same day only to a lower number. Oversight counts the
-- latest audit (by date, then number) of each consultation. Each referral, follow-up and audit
-- counts under its consultation's agency; agencies come in the code list's order. As in caselog's
-- own queries (src/store/postgres/figures.rs), the look-backs and look-aheads through a family's
-- referrals count the days between two dates, so that the server reaches those referrals through
-- the family's consultations rather than through every referral of the window.
\pset format unaligned
\pset tuples_only on
-- As caselog does for its figures: no compiling of the query to machine code (JIT), which takes
-- far longer than running it.
SET jit = off;
WITH
consultation_facts AS MATERIALIZED (
    SELECT c.agency AS grp, c.agency, c.id, c.family_key, c.date, c.level, c.consultee_level,
           c.outcome, c.consent, c.factors, c.ages, c.children, c.confidence_before,
           c.confidence_after,
           EXISTS (SELECT 1 FROM consultation p
                   WHERE p.family_key = c.family_key AND p.voided_at IS NULL
                     AND c.date - p.date BETWEEN 0 AND 365
                     AND (p.date < c.date OR p.id < c.id)) AS repeat,
           (c.consultee_level = 4 AND c.outcome IN ('advice', 'signpost', 'early-help'))
             AS diverted,
           CASE WHEN c.consultee_level = 4 AND c.outcome IN ('advice', 'signpost', 'early-help')
                THEN EXISTS (SELECT 1 FROM consultation o
                             JOIN referral r ON r.consultation_id = o.id
                             WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                               AND r.voided_at IS NULL AND r.referred_to IN ('csc', 'police')
                               AND r.date - c.date BETWEEN 0 AND 90)
                  OR EXISTS (SELECT 1 FROM consultation o
                             WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                               AND o.id <> c.id
                               AND o.date BETWEEN c.date AND c.date + 90
                               AND o.outcome IN ('refer-csc', 'urgent'))
           END AS escalated,
           CASE WHEN c.outcome IN ('refer-csc', 'urgent')
                THEN NOT EXISTS (SELECT 1 FROM referral r
                                 WHERE r.consultation_id = c.id AND r.voided_at IS NULL)
           END AS not_made
    FROM consultation c
    WHERE c.voided_at IS NULL AND c.date BETWEEN :period_from AND :period_to
),
referral_facts AS MATERIALIZED (
    SELECT c.agency AS grp, r.referred_to, r.result, r.disputed,
           CASE WHEN r.referred_to = 'csc'
                THEN EXISTS (SELECT 1 FROM consultation o
                             JOIN referral q ON q.consultation_id = o.id
                             WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                               AND q.voided_at IS NULL AND q.referred_to = 'csc'
                               AND r.date - q.date BETWEEN 0 AND 365
                               AND (q.date < r.date OR q.id < r.id))
           END AS re_referral
    FROM referral r JOIN consultation c ON c.id = r.consultation_id
    WHERE r.voided_at IS NULL AND c.voided_at IS NULL
      AND r.date BETWEEN :period_from AND :period_to
),
follow_up (consultation_id, set_by, set_on, due) AS (
    SELECT c.id, 0::bigint, c.date, c.follow_up FROM consultation c
    WHERE c.voided_at IS NULL AND c.follow_up BETWEEN :period_from AND :period_to
    UNION ALL
    SELECT v.consultation_id, v.id, v.date, v.follow_up
    FROM review v JOIN consultation c ON c.id = v.consultation_id
    WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND v.status IS DISTINCT FROM 'resolved'
      AND v.follow_up BETWEEN :period_from AND :period_to
),
follow_up_facts AS MATERIALIZED (
    SELECT c.agency AS grp, f.due,
           (SELECT min(a.date) FROM review a
            WHERE a.consultation_id = f.consultation_id AND a.voided_at IS NULL
              AND (a.date > f.set_on OR (a.date = f.set_on AND a.id > f.set_by))) AS answered_on
    FROM follow_up f JOIN consultation c ON c.id = f.consultation_id
),
audit_facts AS MATERIALIZED (
    SELECT c.agency AS grp, a.grade, a.level_agreed, a.pathway_agreed
    FROM audit a JOIN consultation c ON c.id = a.consultation_id
    WHERE a.voided_at IS NULL AND c.voided_at IS NULL
      AND c.date BETWEEN :period_from AND :period_to
      AND NOT EXISTS (SELECT 1 FROM audit b
                      WHERE b.consultation_id = a.consultation_id AND b.voided_at IS NULL
                        AND (b.date > a.date OR (b.date = a.date AND b.id > a.id)))
),
-- The sums of each group.
consultation_sums AS MATERIALIZED (
    SELECT grp, count(*) AS consultations, count(DISTINCT family_key) AS families,
           count(*) FILTER (WHERE consultee_level IS NOT NULL) AS compared,
           count(*) FILTER (WHERE consultee_level = level) AS agree,
           count(*) FILTER (WHERE consultee_level > level) AS over,
           count(*) FILTER (WHERE consultee_level < level) AS under,
           count(*) FILTER (WHERE confidence_before IS NOT NULL
                              AND confidence_after IS NOT NULL) AS confident,
           sum(confidence_before) FILTER (WHERE confidence_after IS NOT NULL) AS before_sum,
           sum(confidence_after) FILTER (WHERE confidence_before IS NOT NULL) AS after_sum,
           count(*) FILTER (WHERE repeat) AS repeats,
           count(*) FILTER (WHERE outcome IN ('refer-csc', 'urgent')) AS advised,
           count(*) FILTER (WHERE not_made) AS not_made,
           count(*) FILTER (WHERE diverted) AS diverted,
           count(*) FILTER (WHERE escalated) AS escalated,
           count(*) FILTER (WHERE diverted AND NOT escalated AND date + 90 < :today) AS held
    FROM consultation_facts GROUP BY grp
),
counted (grp, list, code, n) AS MATERIALIZED (
    SELECT grp, 'outcomes', outcome, count(*) FROM consultation_facts GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'agencies', agency, count(*) FROM consultation_facts GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'levels', level::text, count(*) FROM consultation_facts GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'consent', coalesce(consent, 'unrecorded'), count(*) FROM consultation_facts
    GROUP BY 1, 3
    UNION ALL
    SELECT f.grp, 'factors', factor, count(*)
    FROM consultation_facts f, unnest(string_to_array(f.factors, ';')) AS factor
    WHERE factor <> '' GROUP BY 1, 3
    UNION ALL
    SELECT f.grp, 'children',
           CASE WHEN age = 'unborn' THEN 'unborn'
                WHEN age::integer <= 4 THEN '0-4'
                WHEN age::integer <= 10 THEN '5-10'
                WHEN age::integer <= 15 THEN '11-15'
                ELSE '16-17' END, count(*)
    FROM consultation_facts f, unnest(string_to_array(f.ages, ';')) AS age
    WHERE age <> '' GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'children', 'unrecorded', sum(children) FROM consultation_facts
    WHERE ages = '' GROUP BY 1
    UNION ALL
    SELECT grp, 'destinations', referred_to, count(*) FROM referral_facts GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'results', result, count(*) FROM referral_facts
    WHERE referred_to = 'csc' GROUP BY 1, 3
    UNION ALL
    SELECT grp, 'grades', grade, count(*) FROM audit_facts GROUP BY 1, 3
),
referral_sums AS MATERIALIZED (
    SELECT grp, count(*) AS made, count(*) FILTER (WHERE referred_to = 'csc') AS front_door,
           count(*) FILTER (WHERE referred_to = 'csc' AND result IN ('assessment', 's47'))
             AS taken_up,
           count(*) FILTER (WHERE referred_to = 'csc' AND result <> 'pending') AS decided,
           count(*) FILTER (WHERE re_referral) AS re_referrals,
           count(*) FILTER (WHERE referred_to = 'csc' AND disputed) AS disputed
    FROM referral_facts GROUP BY grp
),
follow_up_sums AS MATERIALIZED (
    SELECT grp, count(*) AS due, count(*) FILTER (WHERE answered_on <= due) AS on_time,
           count(*) FILTER (WHERE answered_on > due) AS late,
           count(*) FILTER (WHERE answered_on IS NULL AND due < :today) AS overdue,
           count(*) FILTER (WHERE answered_on IS NULL AND due >= :today) AS upcoming
    FROM follow_up_facts GROUP BY grp
),
audit_sums AS MATERIALIZED (
    SELECT grp, count(*) AS audited, count(*) FILTER (WHERE level_agreed) AS level_agreed,
           count(*) FILTER (WHERE pathway_agreed) AS pathway_agreed
    FROM audit_facts GROUP BY grp
),
code_list (list, code, position) AS (VALUES
    ('outcomes', 'advice', 1), ('outcomes', 'signpost', 2), ('outcomes', 'early-help', 3),
    ('outcomes', 'refer-csc', 4), ('outcomes', 'urgent', 5), ('outcomes', 'reconsult', 6),
    ('levels', '1', 1), ('levels', '2', 2), ('levels', '3', 3), ('levels', '4', 4),
    ('consent', 'given', 1), ('consent', 'refused', 2), ('consent', 'not-asked', 3),
    ('consent', 'withheld-risk', 4), ('consent', 'not-applicable', 5),
    ('consent', 'unrecorded', 6),
    ('children', 'unborn', 1), ('children', '0-4', 2), ('children', '5-10', 3),
    ('children', '11-15', 4), ('children', '16-17', 5), ('children', 'unrecorded', 6),
    ('destinations', 'csc', 1), ('destinations', 'early-help', 2),
    ('destinations', 'police', 3), ('destinations', 'health', 4), ('destinations', 'other', 5),
    ('results', 'pending', 1), ('results', 'nfa', 2), ('results', 'advice', 3),
    ('results', 'early-help', 4), ('results', 'assessment', 5), ('results', 's47', 6),
    ('results', 'more-info', 7), ('results', 'other', 8),
    ('grades', 'outstanding', 1), ('grades', 'good', 2), ('grades', 'requires-improvement', 3),
    ('grades', 'inadequate', 4)
),
agency_order (code, position) AS (VALUES
    ('1A', 1), ('1B', 2), ('1C', 3), ('1D', 4), ('2A', 5), ('2B', 6), ('3A', 7), ('3B', 8),
    ('3C', 9), ('3D', 10), ('3E', 11), ('3F', 12), ('4', 13), ('5A', 14), ('5B', 15),
    ('5C', 16), ('5D', 17), ('6', 18), ('7', 19), ('8', 20), ('9', 21), ('10', 22)
),
grp (grp) AS (
    SELECT grp FROM consultation_facts UNION SELECT grp FROM referral_facts
    UNION SELECT grp FROM follow_up_facts UNION SELECT grp FROM audit_facts
),
-- Every code of a list with its count in a group, zeros included.
every_code AS MATERIALIZED (
    SELECT g.grp, l.list, l.code, l.position, coalesce(n.n, 0) AS n
    FROM grp g CROSS JOIN code_list l
    LEFT JOIN counted n ON n.grp = g.grp AND n.list = l.list AND n.code = l.code
),
-- Each list as one JSON object per group: every code in the list's order, zeros included; for
-- agencies and factors, only the codes counted.
lists AS MATERIALIZED (
    SELECT grp,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'outcomes') AS outcomes,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'levels') AS levels,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'consent') AS consent,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'children') AS children,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'destinations')
             AS destinations,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'results') AS results,
           json_object_agg(code, n ORDER BY position) FILTER (WHERE list = 'grades') AS grades
    FROM every_code GROUP BY grp
),
counted_only AS MATERIALIZED (
    SELECT grp,
           json_object_agg(code, n) FILTER (WHERE list = 'agencies') AS agencies,
           json_object_agg(code, n) FILTER (WHERE list = 'factors') AS factors
    FROM counted GROUP BY grp
),
figures AS (
    SELECT g.grp,
      json_build_object(
        'period', json_build_object('from', :period_from, 'to', :period_to),
        'as_at', :today,
        'consultations', coalesce(cs.consultations, 0),
        'families', coalesce(cs.families, 0),
        'outcomes', l.outcomes,
        'agencies', coalesce(o.agencies, '{}'),
        'levels', l.levels,
        'factors', coalesce(o.factors, '{}'),
        'consent', l.consent,
        'children', l.children,
        'referral_rate', cs.advised::float8 / nullif(cs.consultations, 0),
        'threshold', json_build_object('compared', coalesce(cs.compared, 0),
                                       'agree', coalesce(cs.agree, 0),
                                       'over', coalesce(cs.over, 0),
                                       'under', coalesce(cs.under, 0)),
        'diverted', json_build_object(
            'count', coalesce(cs.diverted, 0),
            'escalated', coalesce(cs.escalated, 0),
            'held', coalesce(cs.held, 0),
            'too_early', coalesce(cs.diverted - cs.escalated - cs.held, 0),
            'held_rate', cs.held::float8 / nullif(cs.held + cs.escalated, 0)),
        'confidence', json_build_object(
            'compared', coalesce(cs.confident, 0),
            'mean_before', cs.before_sum::float8 / nullif(cs.confident, 0),
            'mean_after', cs.after_sum::float8 / nullif(cs.confident, 0),
            'mean_change', (cs.after_sum - cs.before_sum)::float8 / nullif(cs.confident, 0)),
        'repeat_consultations', coalesce(cs.repeats, 0),
        'referrals', json_build_object(
            'made', coalesce(rs.made, 0),
            'destinations', l.destinations,
            'advised', coalesce(cs.advised, 0),
            'advised_not_made', coalesce(cs.not_made, 0),
            'front_door', coalesce(rs.front_door, 0),
            'results', l.results,
            'taken_up', coalesce(rs.taken_up, 0),
            'taken_up_rate', rs.taken_up::float8 / nullif(rs.decided, 0),
            're_referrals', coalesce(rs.re_referrals, 0),
            're_referral_rate', rs.re_referrals::float8 / nullif(rs.front_door, 0),
            'disputed', coalesce(rs.disputed, 0)),
        'follow_ups', json_build_object(
            'due', coalesce(fs.due, 0), 'on_time', coalesce(fs.on_time, 0),
            'late', coalesce(fs.late, 0), 'overdue', coalesce(fs.overdue, 0),
            'upcoming', coalesce(fs.upcoming, 0)),
        'oversight', json_build_object(
            'audited', coalesce(au.audited, 0),
            'grades', l.grades,
            'level_agreed_rate', au.level_agreed::float8 / nullif(au.audited, 0),
            'pathway_agreed_rate', au.pathway_agreed::float8 / nullif(au.audited, 0))
      ) AS figures
    FROM grp g
    JOIN lists l ON l.grp = g.grp
    LEFT JOIN counted_only o ON o.grp = g.grp
    LEFT JOIN consultation_sums cs ON cs.grp = g.grp
    LEFT JOIN referral_sums rs ON rs.grp = g.grp
    LEFT JOIN follow_up_sums fs ON fs.grp = g.grp
    LEFT JOIN audit_sums au ON au.grp = g.grp
)
SELECT json_build_object(
    'by', 'agency',
    'period', json_build_object('from', :period_from, 'to', :period_to),
    'as_at', :today,
    'groups', (SELECT coalesce(json_agg(jsonb_build_object('group', f.grp) || f.figures::jsonb
                                        ORDER BY coalesce(a.position, 99), f.grp), '[]')
               FROM figures f LEFT JOIN agency_order a ON a.code = f.grp));
