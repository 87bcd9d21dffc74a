//! The counts behind `caselog report` on a team logbook, aggregated in SQL on the server — the
//! PostgreSQL counterpart of the SQLite engine's figures, query for query: one query per kind
//! of record (the period's consultations are read once, and every consultation figure counted
//! from what that pass kept), each grouped by the key of `report --by` (or by nothing), each
//! going through the indexes (consultations by date and by family key, referrals by date and by
//! consultation, reviews by consultation and by follow-up date, audits by consultation). Only
//! the counts come back to caselog, never the records. Voided records never count, nor do
//! records hanging off a voided one. Which codes count as what comes from the code lists,
//! written into the SQL. Every figure's SQL is in this file.
//!
//! The follow-ups are counted as `domain::follow_up::follow_ups` defines them (set by a
//! consultation or by a review that does not resolve it, answered by the earliest review of
//! the consultation from the day it was set on, one set by a review answered on its own day
//! only by a review with a higher number): the conformance check "follow-ups are counted as the
//! domain defines them" holds this SQL to that function on a logbook with every tie.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use postgres::Transaction;

use crate::domain::codes::{CodeList, Destination, Outcome, ReviewStatus};
use crate::domain::fields::{Stored, Value};
use crate::domain::period::Period;
use crate::domain::values::Age;
use crate::error::{Error, Result};
use crate::report::figures::{Grouping, Tally};
use crate::store::sql_codes as codes;

/// The SQL giving a row's group: for consultations (`c`), referrals (`r`, joined to their
/// consultation `c`) and follow-ups (`f`, joined to their consultation `c`).
struct Keys {
    consultation: &'static str,
    referral: &'static str,
    follow_up: &'static str,
}

fn keys(by: Option<Grouping>) -> Keys {
    let same = |key| Keys {
        consultation: key,
        referral: key,
        follow_up: key,
    };
    match by {
        None => same("NULL::text"),
        Some(Grouping::Agency) => same("c.agency"),
        Some(Grouping::Organisation) => same("c.organisation"),
        Some(Grouping::Setting) => same("c.setting"),
        Some(Grouping::Advisor) => same("c.advisor"),
        Some(Grouping::Month) => Keys {
            consultation: "to_char(c.date, 'YYYY-MM')",
            referral: "to_char(r.date, 'YYYY-MM')",
            follow_up: "to_char(f.due, 'YYYY-MM')",
        },
    }
}

/// The look-back of repeat consultations and re-referrals (domain brief §5), one rule for both:
/// the record `earlier` is dated from 365 days before the record `later` to the same day, and on
/// that day it has a lower number. The window is written as the number of days between the two
/// dates, which no date index serves: the server then reaches the earlier records through the
/// family (its key's index, then each consultation's referrals), a handful of rows, rather than
/// through every referral of the year, whose number it cannot foresee.
fn in_the_year_before(earlier: &str, later: &str) -> String {
    format!(
        "{later}.date - {earlier}.date BETWEEN 0 AND 365 \
         AND ({earlier}.date < {later}.date OR {earlier}.id < {later}.id)"
    )
}

/// The SQL of the consultations (`c`) dated in the period (`$1` to `$2`).
const IN_PERIOD: &str = "c.voided_at IS NULL AND c.date BETWEEN $1 AND $2";

/// The counts for `period` as at `as_at`, by group. A group appears when it has anything to
/// count.
pub fn tallies(
    tx: &mut Transaction,
    period: Period,
    as_at: NaiveDate,
    by: Option<Grouping>,
) -> Result<BTreeMap<Option<String>, Tally>> {
    // The server's estimate of these queries (many small look-ups through the indexes) is
    // high enough for it to compile them to machine code first (JIT), which takes far longer
    // than running them (a second, against tens of milliseconds, for a year of a large
    // logbook): it is turned off until this reading transaction ends.
    tx.batch_execute("SET LOCAL jit = off")?;
    let keys = keys(by);
    let mut groups: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let (from, to) = (period.from, period.to);
    let referral_outcomes = codes::<Outcome>(Outcome::counts_as_referral);
    let diversions = codes::<Outcome>(Outcome::diverts);
    let escalating = codes::<Destination>(Destination::escalates);
    let front_door = codes::<Destination>(Destination::is_front_door);

    // The consultations: one pass over the period's, with the look-backs (repeats) and
    // look-aheads (diversions) through the family key index, kept aside; then the sums and the
    // counts of each code from what was kept, in one statement whose rows say what they hold.
    // A family's referrals are found through its consultations, the 90 days written as a
    // number of days for the reason `in_the_year_before` gives.
    let diverted = format!("(c.consultee_level = 4 AND c.outcome IN ({diversions}))");
    let escalated = format!(
        "(EXISTS (SELECT 1 FROM consultation o JOIN referral r ON r.consultation_id = o.id
                  WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                    AND r.voided_at IS NULL AND r.referred_to IN ({escalating})
                    AND r.date - c.date BETWEEN 0 AND 90)
          OR EXISTS (SELECT 1 FROM consultation o
                     WHERE o.family_key = c.family_key AND o.voided_at IS NULL AND o.id <> c.id
                       AND o.date BETWEEN c.date AND c.date + 90
                       AND o.outcome IN ({referral_outcomes})))"
    );
    // A row of counts of one code list: its kind, the group, the code, how many consultations
    // had it and how many children they were about (for ages); the sums' columns empty.
    let codes_of = |kind: &str, code: &str, from: &str| {
        format!(
            "SELECT '{kind}', grp, {code}, count(*), sum(children), {empty}
             FROM {from} GROUP BY grp, {code}",
            empty = ["NULL"; 17].join(", ")
        )
    };
    let sql = format!(
        "WITH facts AS MATERIALIZED (
           SELECT {key} AS grp, c.family_key, c.level, c.consultee_level, c.outcome, c.agency,
             c.consent, c.factors, c.ages, c.children, c.confidence_before, c.confidence_after,
             EXISTS (SELECT 1 FROM consultation p
                     WHERE p.family_key = c.family_key AND p.voided_at IS NULL
                       AND {repeat}) AS repeat,
             {diverted} AS diverted,
             CASE WHEN {diverted} THEN {escalated} END AS escalated,
             {diverted} AND c.date + 90 < $3 AS over_90_days,
             CASE WHEN c.outcome IN ({referral_outcomes})
                  THEN NOT EXISTS (SELECT 1 FROM referral r
                                   WHERE r.consultation_id = c.id AND r.voided_at IS NULL)
             END AS not_made
           FROM consultation c WHERE {IN_PERIOD}
         )
         SELECT 'sums' AS kind, grp, NULL::text AS code, count(*) AS n,
           NULL::bigint AS children,
           count(DISTINCT family_key) AS families,
           count(*) FILTER (WHERE level = 1) AS level_1,
           count(*) FILTER (WHERE level = 2) AS level_2,
           count(*) FILTER (WHERE level = 3) AS level_3,
           count(*) FILTER (WHERE level = 4) AS level_4,
           count(*) FILTER (WHERE consultee_level IS NOT NULL) AS compared,
           count(*) FILTER (WHERE consultee_level = level) AS agree,
           count(*) FILTER (WHERE consultee_level > level) AS over,
           count(*) FILTER (WHERE consultee_level < level) AS under,
           count(*) FILTER (WHERE confidence_before IS NOT NULL
                              AND confidence_after IS NOT NULL) AS confidence_compared,
           sum(confidence_before) FILTER (WHERE confidence_after IS NOT NULL) AS before_sum,
           sum(confidence_after) FILTER (WHERE confidence_before IS NOT NULL) AS after_sum,
           count(*) FILTER (WHERE repeat) AS repeats,
           count(*) FILTER (WHERE diverted) AS diverted,
           count(*) FILTER (WHERE escalated) AS escalated,
           count(*) FILTER (WHERE over_90_days AND NOT escalated) AS held,
           count(*) FILTER (WHERE not_made) AS advised_not_made
         FROM facts GROUP BY grp
         UNION ALL {outcomes}
         UNION ALL {agencies}
         UNION ALL {consent}
         UNION ALL {factors}
         UNION ALL {ages}",
        key = keys.consultation,
        repeat = in_the_year_before("p", "c"),
        outcomes = codes_of("outcome", "outcome", "facts"),
        agencies = codes_of("agency", "agency", "facts"),
        consent = codes_of("consent", "consent", "facts"),
        factors = codes_of(
            "factors",
            "factor",
            "facts, unnest(string_to_array(factors, ';')) AS factor WHERE factor <> ''"
        ),
        ages = codes_of("ages", "ages", "facts"),
    );
    for row in tx.query(sql.as_str(), &[&from, &to, &as_at])? {
        let t = groups.entry(row.get("grp")).or_default();
        let n = |name: &str| count(&row, name);
        let kind: String = row.get("kind");
        let code: Option<String> = row.get("code");
        match (kind.as_str(), code) {
            ("sums", _) => {
                t.consultations = n("n");
                t.families = n("families");
                for level in 1..=4u8 {
                    let found = n(&format!("level_{level}"));
                    if found > 0 {
                        t.levels.insert(level, found);
                    }
                }
                t.threshold_compared = n("compared");
                t.threshold_agree = n("agree");
                t.threshold_over = n("over");
                t.threshold_under = n("under");
                t.confidence_compared = n("confidence_compared");
                t.confidence_before_sum = n("before_sum");
                t.confidence_after_sum = n("after_sum");
                t.repeats = n("repeats");
                t.diverted = n("diverted");
                t.diverted_escalated = n("escalated");
                t.diverted_held = n("held");
                t.advised_not_made = n("advised_not_made");
            }
            ("outcome", Some(code)) => *t.outcomes.entry(code).or_default() += n("n"),
            ("agency", Some(code)) => *t.agencies.entry(code).or_default() += n("n"),
            ("consent", Some(code)) => *t.consent.entry(code).or_default() += n("n"),
            ("consent", None) => t.consent_unrecorded += n("n"),
            ("factors", Some(code)) => *t.factors.entry(code).or_default() += n("n"),
            // Each list of ages once, with how many consultations gave it; the number of
            // children of the consultations without ages.
            ("ages", Some(ages)) if ages.is_empty() => t.children_unrecorded += n("children"),
            ("ages", Some(ages)) => {
                let ages = Vec::<Age>::restore(Value::text(ages.clone())).ok_or_else(|| {
                    Error::failure(format!(
                        "the team logbook holds ages caselog cannot read: '{ages}'"
                    ))
                })?;
                for age in ages {
                    *t.ages.entry(age).or_default() += n("n");
                }
            }
            (kind, code) => {
                return Err(Error::failure(format!(
                    "the figures' query gave a row it does not know: {kind} {code:?}"
                )));
            }
        }
    }

    // Referrals dated in the period, by destination and result; front-door ones looked back
    // on for re-referrals through the family key index.
    let sql = format!(
        "SELECT {key} AS grp, r.referred_to AS destination, r.result, count(*) AS n,
           count(*) FILTER (WHERE r.disputed) AS disputed,
           count(*) FILTER (WHERE r.referred_to IN ({front_door}) AND EXISTS (
               SELECT 1 FROM consultation o JOIN referral q ON q.consultation_id = o.id
               WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                 AND q.voided_at IS NULL AND q.referred_to IN ({front_door})
                 AND {re_referral})) AS re_referrals
         FROM referral r JOIN consultation c ON c.id = r.consultation_id
         WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN $1 AND $2
         GROUP BY 1, 2, 3",
        key = keys.referral,
        re_referral = in_the_year_before("q", "r"),
    );
    for row in tx.query(sql.as_str(), &[&from, &to])? {
        let t = groups.entry(row.get("grp")).or_default();
        let n = count(&row, "n");
        let destination: String = row.get("destination");
        if Destination::from_code(&destination).is_some_and(Destination::is_front_door) {
            *t.front_door_results.entry(row.get("result")).or_default() += n;
            t.re_referrals += count(&row, "re_referrals");
            t.disputed += count(&row, "disputed");
        }
        *t.destinations.entry(destination).or_default() += n;
    }

    // Follow-ups falling due in the period: set by a consultation, or by a review of it that
    // does not resolve it; each with the date of the review that answered it, if any.
    let resolved = ReviewStatus::Resolved.code();
    let sql = format!(
        "WITH follow_up (consultation_id, set_by, set_on, due) AS (
           SELECT c.id, 0::bigint, c.date, c.follow_up FROM consultation c
           WHERE c.voided_at IS NULL AND c.follow_up BETWEEN $1 AND $2
           UNION ALL
           SELECT v.consultation_id, v.id, v.date, v.follow_up
           FROM review v JOIN consultation c ON c.id = v.consultation_id
           WHERE v.voided_at IS NULL AND c.voided_at IS NULL
             AND v.status IS DISTINCT FROM '{resolved}'
             AND v.follow_up BETWEEN $1 AND $2
         ),
         answered AS MATERIALIZED (
           SELECT f.*, (SELECT min(a.date) FROM review a
                        WHERE a.consultation_id = f.consultation_id AND a.voided_at IS NULL
                          AND (a.date > f.set_on OR (a.date = f.set_on AND a.id > f.set_by)))
                       AS answered_on
           FROM follow_up f
         )
         SELECT {key} AS grp,
           count(*) FILTER (WHERE f.answered_on <= f.due) AS on_time,
           count(*) FILTER (WHERE f.answered_on > f.due) AS late,
           count(*) FILTER (WHERE f.answered_on IS NULL AND f.due < $3) AS overdue,
           count(*) FILTER (WHERE f.answered_on IS NULL AND f.due >= $3) AS upcoming
         FROM answered f JOIN consultation c ON c.id = f.consultation_id
         GROUP BY 1",
        key = keys.follow_up
    );
    for row in tx.query(sql.as_str(), &[&from, &to, &as_at])? {
        let t = groups.entry(row.get("grp")).or_default();
        t.follow_ups_on_time = count(&row, "on_time");
        t.follow_ups_late = count(&row, "late");
        t.follow_ups_overdue = count(&row, "overdue");
        t.follow_ups_upcoming = count(&row, "upcoming");
    }

    // The latest audit (by date, then number) of each consultation of the period.
    let sql = format!(
        "SELECT {key} AS grp, a.grade, count(*) AS n,
           count(*) FILTER (WHERE a.level_agreed) AS level_agreed,
           count(*) FILTER (WHERE a.pathway_agreed) AS pathway_agreed
         FROM audit a JOIN consultation c ON c.id = a.consultation_id
         WHERE a.voided_at IS NULL AND {IN_PERIOD}
           AND NOT EXISTS (SELECT 1 FROM audit b
                           WHERE b.consultation_id = a.consultation_id AND b.voided_at IS NULL
                             AND (b.date > a.date OR (b.date = a.date AND b.id > a.id)))
         GROUP BY 1, 2",
        key = keys.consultation
    );
    for row in tx.query(sql.as_str(), &[&from, &to])? {
        let t = groups.entry(row.get("grp")).or_default();
        *t.grades.entry(row.get("grade")).or_default() += count(&row, "n");
        t.level_agreed += count(&row, "level_agreed");
        t.pathway_agreed += count(&row, "pathway_agreed");
    }
    Ok(groups)
}

/// A count or a sum from a row (bigint; a sum over no rows is null, and counts as 0).
fn count(row: &postgres::Row, name: &str) -> u64 {
    row.get::<_, Option<i64>>(name).unwrap_or(0) as u64
}
