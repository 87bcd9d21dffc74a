//! The counts behind `caselog report`, aggregated in SQL so that a logbook of any size is read
//! without loading its records: one query per kind of record (the period's consultations are
//! read once, and every consultation figure counted from what that pass kept), each grouped by
//! the key of `report --by` (or by nothing), each going through the indexes (consultations by
//! date and by family key, referrals by date and by consultation, reviews by consultation and
//! by follow-up date, audits by consultation). Voided records never count, nor do records
//! hanging off a voided one. Which codes count as what comes from the code lists, written into
//! the SQL.
//!
//! The follow-ups are counted as `domain::follow_up::follow_ups` defines them (set by a
//! consultation or by a review that does not resolve it, answered by the earliest review of
//! the consultation from the day it was set on, one set by a review answered on its own day
//! only by a review with a higher number): the conformance check "follow-ups are counted as the
//! domain defines them" holds this SQL to that function on a logbook with every tie.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{Connection, ToSql};

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
        None => same("NULL"),
        Some(Grouping::Agency) => same("c.agency"),
        Some(Grouping::Organisation) => same("c.organisation"),
        Some(Grouping::Setting) => same("c.setting"),
        Some(Grouping::Advisor) => same("c.advisor"),
        Some(Grouping::Month) => Keys {
            consultation: "substr(c.date, 1, 7)",
            referral: "substr(r.date, 1, 7)",
            follow_up: "substr(f.due, 1, 7)",
        },
    }
}

/// The look-back of repeat consultations and re-referrals (domain brief §5), one rule for both:
/// the record `earlier` is dated from 365 days before the record `later` to the same day, and on
/// that day it has a lower number.
fn in_the_year_before(earlier: &str, later: &str) -> String {
    format!(
        "{earlier}.date BETWEEN date({later}.date, '-365 days') AND {later}.date \
         AND ({earlier}.date < {later}.date OR {earlier}.id < {later}.id)"
    )
}

/// The SQL of the consultations (`c`) dated in the period.
const IN_PERIOD: &str = "c.voided_at IS NULL AND c.date BETWEEN :from AND :to";

/// The counts for `period` as at `as_at`, by group. A group appears when it has anything to
/// count.
pub fn tallies(
    conn: &Connection,
    period: Period,
    as_at: NaiveDate,
    by: Option<Grouping>,
) -> Result<BTreeMap<Option<String>, Tally>> {
    let keys = keys(by);
    let mut groups: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let (from, to) = (period.from, period.to);
    let in_period: [(&str, &dyn ToSql); 2] = [(":from", &from), (":to", &to)];
    let with_as_at: [(&str, &dyn ToSql); 3] = [(":from", &from), (":to", &to), (":as_at", &as_at)];
    let referral_outcomes = codes::<Outcome>(Outcome::counts_as_referral);
    let diversions = codes::<Outcome>(Outcome::diverts);
    let escalating = codes::<Destination>(Destination::escalates);
    let front_door = codes::<Destination>(Destination::is_front_door);

    // The consultations: one pass over the period's, with the look-backs (repeats) and
    // look-aheads (diversions) through the family key index, kept aside; then the sums and the
    // counts of each code from what was kept, in one statement whose rows say what they hold.
    let diverted = format!("(c.consultee_level = 4 AND c.outcome IN ({diversions}))");
    let escalated = format!(
        "(EXISTS (SELECT 1 FROM consultation o JOIN referral r ON r.consultation_id = o.id
                  WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                    AND r.voided_at IS NULL AND r.referred_to IN ({escalating})
                    AND r.date BETWEEN c.date AND date(c.date, '+90 days'))
          OR EXISTS (SELECT 1 FROM consultation o
                     WHERE o.family_key = c.family_key AND o.voided_at IS NULL AND o.id <> c.id
                       AND o.date BETWEEN c.date AND date(c.date, '+90 days')
                       AND o.outcome IN ({referral_outcomes})))"
    );
    // A row of counts of one code list: its kind, the group, the code, how many consultations
    // had it and how many children they were about (for ages); the sums' columns empty.
    let codes_of = |kind: &str, code: &str, filter: &str| {
        format!(
            "SELECT '{kind}', grp, {code}, count(*), total(children), {empty}
             FROM facts {filter} GROUP BY grp, {code}",
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
             {diverted} AND date(c.date, '+90 days') < :as_at AS over_90_days,
             CASE WHEN c.outcome IN ({referral_outcomes})
                  THEN NOT EXISTS (SELECT 1 FROM referral r
                                   WHERE r.consultation_id = c.id AND r.voided_at IS NULL)
             END AS not_made
           FROM consultation c WHERE {IN_PERIOD}
         )
         SELECT 'sums' AS kind, grp, NULL AS code, count(*) AS n, NULL AS children,
           count(DISTINCT family_key) AS families,
           total(level = 1) AS level_1, total(level = 2) AS level_2,
           total(level = 3) AS level_3, total(level = 4) AS level_4,
           total(consultee_level IS NOT NULL) AS compared,
           total(consultee_level = level) AS agree,
           total(consultee_level > level) AS over,
           total(consultee_level < level) AS under,
           total(confidence_before IS NOT NULL AND confidence_after IS NOT NULL)
             AS confidence_compared,
           total(CASE WHEN confidence_after IS NOT NULL THEN confidence_before END)
             AS before_sum,
           total(CASE WHEN confidence_before IS NOT NULL THEN confidence_after END)
             AS after_sum,
           total(repeat) AS repeats,
           total(diverted) AS diverted,
           total(escalated) AS escalated,
           total(over_90_days AND NOT escalated) AS held,
           total(not_made) AS advised_not_made
         FROM facts GROUP BY grp
         UNION ALL {outcomes}
         UNION ALL {agencies}
         UNION ALL {consent}
         UNION ALL {factors}
         UNION ALL {ages}",
        key = keys.consultation,
        repeat = in_the_year_before("p", "c"),
        outcomes = codes_of("outcome", "outcome", ""),
        agencies = codes_of("agency", "agency", ""),
        consent = codes_of("consent", "consent", ""),
        factors = codes_of("factors", "factors", "WHERE factors <> ''"),
        ages = codes_of("ages", "ages", ""),
    );
    each_row(conn, &sql, &with_as_at, |row| {
        let t = groups.entry(group(row)?).or_default();
        let n = |name: &str| count(row, name);
        let kind: String = row.get("kind")?;
        let code: Option<String> = row.get("code")?;
        match (kind.as_str(), code) {
            ("sums", _) => {
                t.consultations = n("n")?;
                t.families = n("families")?;
                for level in 1..=4u8 {
                    let found = n(&format!("level_{level}"))?;
                    if found > 0 {
                        t.levels.insert(level, found);
                    }
                }
                t.threshold_compared = n("compared")?;
                t.threshold_agree = n("agree")?;
                t.threshold_over = n("over")?;
                t.threshold_under = n("under")?;
                t.confidence_compared = n("confidence_compared")?;
                t.confidence_before_sum = n("before_sum")?;
                t.confidence_after_sum = n("after_sum")?;
                t.repeats = n("repeats")?;
                t.diverted = n("diverted")?;
                t.diverted_escalated = n("escalated")?;
                t.diverted_held = n("held")?;
                t.advised_not_made = n("advised_not_made")?;
            }
            ("outcome", Some(code)) => *t.outcomes.entry(code).or_default() += n("n")?,
            ("agency", Some(code)) => *t.agencies.entry(code).or_default() += n("n")?,
            ("consent", Some(code)) => *t.consent.entry(code).or_default() += n("n")?,
            ("consent", None) => t.consent_unrecorded += n("n")?,
            // Each list of factors once, with how many consultations named it.
            ("factors", Some(factors)) => {
                for code in factors.split(';').filter(|c| !c.is_empty()) {
                    *t.factors.entry(code.to_string()).or_default() += n("n")?;
                }
            }
            // Each list of ages once, with how many consultations gave it; the number of
            // children of the consultations without ages.
            ("ages", Some(ages)) if ages.is_empty() => t.children_unrecorded += n("children")?,
            ("ages", Some(ages)) => {
                let ages = Vec::<Age>::restore(Value::text(ages.clone())).ok_or_else(|| {
                    Error::failure(format!(
                        "the logbook holds ages caselog cannot read: '{ages}'"
                    ))
                })?;
                for age in ages {
                    *t.ages.entry(age).or_default() += n("n")?;
                }
            }
            (kind, code) => {
                return Err(Error::failure(format!(
                    "the figures' query gave a row it does not know: {kind} {code:?}"
                )));
            }
        }
        Ok(())
    })?;

    // Referrals dated in the period, by destination and result; front-door ones looked back
    // on for re-referrals through the family key index.
    let sql = format!(
        "SELECT {key} AS grp, r.referred_to AS destination, r.result, count(*) AS n,
           total(r.disputed) AS disputed,
           total(CASE WHEN r.referred_to IN ({front_door}) THEN EXISTS (
               SELECT 1 FROM consultation o JOIN referral q ON q.consultation_id = o.id
               WHERE o.family_key = c.family_key AND o.voided_at IS NULL
                 AND q.voided_at IS NULL AND q.referred_to IN ({front_door})
                 AND {re_referral}) END) AS re_referrals
         FROM referral r JOIN consultation c ON c.id = r.consultation_id
         WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN :from AND :to
         GROUP BY 1, 2, 3",
        key = keys.referral,
        re_referral = in_the_year_before("q", "r"),
    );
    each_row(conn, &sql, &in_period, |row| {
        let t = groups.entry(group(row)?).or_default();
        let n = count(row, "n")?;
        let destination: String = row.get("destination")?;
        if Destination::from_code(&destination).is_some_and(Destination::is_front_door) {
            *t.front_door_results.entry(row.get("result")?).or_default() += n;
            t.re_referrals += count(row, "re_referrals")?;
            t.disputed += count(row, "disputed")?;
        }
        *t.destinations.entry(destination).or_default() += n;
        Ok(())
    })?;

    // Follow-ups falling due in the period: set by a consultation, or by a review of it that
    // does not resolve it; each with the date of the review that answered it, if any.
    let resolved = ReviewStatus::Resolved.code();
    let sql = format!(
        "WITH follow_up (consultation_id, set_by, set_on, due) AS (
           SELECT c.id, 0, c.date, c.follow_up FROM consultation c
           WHERE c.voided_at IS NULL AND c.follow_up BETWEEN :from AND :to
           UNION ALL
           SELECT v.consultation_id, v.id, v.date, v.follow_up
           FROM review v JOIN consultation c ON c.id = v.consultation_id
           WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND v.status IS NOT '{resolved}'
             AND v.follow_up BETWEEN :from AND :to
         ),
         answered AS MATERIALIZED (
           SELECT f.*, (SELECT min(a.date) FROM review a
                        WHERE a.consultation_id = f.consultation_id AND a.voided_at IS NULL
                          AND (a.date > f.set_on OR (a.date = f.set_on AND a.id > f.set_by)))
                       AS answered_on
           FROM follow_up f
         )
         SELECT {key} AS grp,
           total(f.answered_on <= f.due) AS on_time,
           total(f.answered_on > f.due) AS late,
           total(f.answered_on IS NULL AND f.due < :as_at) AS overdue,
           total(f.answered_on IS NULL AND f.due >= :as_at) AS upcoming
         FROM answered f JOIN consultation c ON c.id = f.consultation_id
         GROUP BY 1",
        key = keys.follow_up
    );
    each_row(conn, &sql, &with_as_at, |row| {
        let t = groups.entry(group(row)?).or_default();
        t.follow_ups_on_time = count(row, "on_time")?;
        t.follow_ups_late = count(row, "late")?;
        t.follow_ups_overdue = count(row, "overdue")?;
        t.follow_ups_upcoming = count(row, "upcoming")?;
        Ok(())
    })?;

    // The latest audit (by date, then number) of each consultation of the period. Audits are
    // a sample, far fewer than consultations: they are read first.
    let sql = format!(
        "SELECT {key} AS grp, a.grade, count(*) AS n,
           total(a.level_agreed) AS level_agreed, total(a.pathway_agreed) AS pathway_agreed
         FROM audit a CROSS JOIN consultation c
         WHERE c.id = a.consultation_id AND a.voided_at IS NULL AND {IN_PERIOD}
           AND NOT EXISTS (SELECT 1 FROM audit b
                           WHERE b.consultation_id = a.consultation_id AND b.voided_at IS NULL
                             AND (b.date > a.date OR (b.date = a.date AND b.id > a.id)))
         GROUP BY 1, 2",
        key = keys.consultation
    );
    each_row(conn, &sql, &in_period, |row| {
        let t = groups.entry(group(row)?).or_default();
        *t.grades.entry(row.get("grade")?).or_default() += count(row, "n")?;
        t.level_agreed += count(row, "level_agreed")?;
        t.pathway_agreed += count(row, "pathway_agreed")?;
        Ok(())
    })?;
    Ok(groups)
}

/// Runs a query and hands each row to `each`.
fn each_row(
    conn: &Connection,
    sql: &str,
    params: &[(&str, &dyn ToSql)],
    mut each: impl FnMut(&rusqlite::Row) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

/// A row's group.
fn group(row: &rusqlite::Row) -> rusqlite::Result<Option<String>> {
    row.get("grp")
}

/// A count or `total()` from a row (SQLite gives `total()` as a real number).
fn count(row: &rusqlite::Row, name: &str) -> rusqlite::Result<u64> {
    Ok(row.get::<_, f64>(name)? as u64)
}
