//! The counts behind `caselog report` on a team logbook, aggregated in SQL on the server — the
//! PostgreSQL counterpart of the SQLite engine's figures, query for query: one query per kind
//! of figure, each grouped by the key of `report --by` (or by nothing). Voided records never
//! count, nor do referrals and follow-up reviews hanging off a voided consultation or referral.
//! Every figure's SQL is in this file.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use postgres::Transaction;

use crate::domain::period::Period;
use crate::error::Result;
use crate::report::figures::{Grouping, Tally};

/// The SQL giving a row's group: for consultations (`c`), referrals (`r`, joined to their
/// consultation `c`) and follow-ups (consultations by their follow-up date).
fn keys(by: Option<Grouping>) -> (&'static str, &'static str, &'static str) {
    match by {
        None => ("''", "''", "''"),
        Some(Grouping::Agency) => ("c.agency", "c.agency", "c.agency"),
        Some(Grouping::Setting) => ("c.setting", "c.setting", "c.setting"),
        Some(Grouping::Advisor) => ("c.advisor", "c.advisor", "c.advisor"),
        Some(Grouping::Month) => (
            "to_char(c.date, 'YYYY-MM')",
            "to_char(r.date, 'YYYY-MM')",
            "to_char(c.follow_up, 'YYYY-MM')",
        ),
    }
}

/// The counts for `period`, by group (one group named "" when `by` is none). A group appears
/// when it has anything to count.
pub fn tallies(
    tx: &mut Transaction,
    period: Period,
    today: NaiveDate,
    by: Option<Grouping>,
) -> Result<BTreeMap<String, Tally>> {
    let (consultation_key, referral_key, follow_up_key) = keys(by);
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let (from, to) = (period.from, period.to);
    let in_period = "c.voided_at IS NULL AND c.date BETWEEN $1 AND $2";

    let rows = tx.query(
        format!(
            "SELECT {consultation_key} AS grp, count(*) AS consultations,
               count(DISTINCT c.family_key) AS families,
               count(*) FILTER (WHERE c.consultee_level IS NOT NULL) AS compared,
               count(*) FILTER (WHERE c.consultee_level = c.level) AS agree,
               count(*) FILTER (WHERE c.consultee_level > c.level) AS over,
               count(*) FILTER (WHERE c.consultee_level < c.level) AS under,
               count(*) FILTER (WHERE c.confidence_before IS NOT NULL
                                  AND c.confidence_after IS NOT NULL) AS confidence_compared,
               coalesce(sum(c.confidence_before) FILTER (WHERE c.confidence_after IS NOT NULL), 0)
                 AS before_sum,
               coalesce(sum(c.confidence_after) FILTER (WHERE c.confidence_before IS NOT NULL), 0)
                 AS after_sum,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM consultation p
                   WHERE p.family_key = c.family_key AND p.voided_at IS NULL
                     AND p.date >= c.date - 365 AND p.date < c.date)) AS repeats
             FROM consultation c
             WHERE {in_period}
             GROUP BY 1"
        )
        .as_str(),
        &[&from, &to],
    )?;
    for row in &rows {
        let t = groups.entry(row.get("grp")).or_default();
        let n = |name: &str| count(row, name);
        t.consultations = n("consultations");
        t.families = n("families");
        t.threshold_compared = n("compared");
        t.threshold_agree = n("agree");
        t.threshold_over = n("over");
        t.threshold_under = n("under");
        t.confidence_compared = n("confidence_compared");
        t.confidence_before_sum = n("before_sum");
        t.confidence_after_sum = n("after_sum");
        t.repeats = n("repeats");
    }

    let mut code_counts = |sql: String,
                           groups: &mut BTreeMap<String, Tally>,
                           field: fn(&mut Tally) -> &mut BTreeMap<String, u64>|
     -> Result<()> {
        for row in tx.query(sql.as_str(), &[&from, &to])? {
            let t = groups.entry(row.get("grp")).or_default();
            field(t).insert(row.get("code"), count(&row, "n"));
        }
        Ok(())
    };
    code_counts(
        format!(
            "SELECT {consultation_key} AS grp, c.outcome AS code, count(*) AS n \
             FROM consultation c WHERE {in_period} GROUP BY 1, 2"
        ),
        &mut groups,
        |t| &mut t.outcomes,
    )?;
    code_counts(
        format!(
            "SELECT {consultation_key} AS grp, c.agency AS code, count(*) AS n \
             FROM consultation c WHERE {in_period} GROUP BY 1, 2"
        ),
        &mut groups,
        |t| &mut t.agencies,
    )?;
    code_counts(
        format!(
            "SELECT {consultation_key} AS grp, c.outcome AS code, count(*) AS n \
             FROM consultation c WHERE {in_period} AND c.consultee_level = 4 GROUP BY 1, 2"
        ),
        &mut groups,
        |t| &mut t.level_four_outcomes,
    )?;
    code_counts(
        format!(
            "SELECT {referral_key} AS grp, r.result AS code, count(*) AS n FROM referral r \
             JOIN consultation c ON c.id = r.consultation_id \
             WHERE r.voided_at IS NULL AND c.voided_at IS NULL \
               AND r.date BETWEEN $1 AND $2 GROUP BY 1, 2"
        ),
        &mut groups,
        |t| &mut t.referral_results,
    )?;

    let rows = tx.query(
        format!(
            "SELECT {follow_up_key} AS grp, count(*) AS due,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM review v WHERE v.consultation_id = c.id
                   AND v.voided_at IS NULL AND v.date <= c.follow_up)) AS done,
               count(*) FILTER (WHERE c.follow_up < $3 AND NOT EXISTS (
                   SELECT 1 FROM review v
                   WHERE v.consultation_id = c.id AND v.voided_at IS NULL)) AS overdue
             FROM consultation c
             WHERE c.voided_at IS NULL AND c.follow_up BETWEEN $1 AND $2
             GROUP BY 1"
        )
        .as_str(),
        &[&from, &to, &today],
    )?;
    for row in &rows {
        let t = groups.entry(row.get("grp")).or_default();
        t.follow_ups_due = count(row, "due");
        t.follow_ups_done = count(row, "done");
        t.follow_ups_overdue = count(row, "overdue");
    }
    Ok(groups)
}

/// A count or a sum from a row (bigint).
fn count(row: &postgres::Row, name: &str) -> u64 {
    row.get::<_, i64>(name) as u64
}
