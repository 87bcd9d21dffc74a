//! The counts behind `caselog report`, so that a logbook of any size is read without loading
//! its records: one query per kind of record, each by the key of `report --by` (or by nothing),
//! each going through the indexes (consultations by date and by family key, referrals by date
//! and by consultation, reviews by consultation and by follow-up date, audits by consultation).
//! The period's consultations are read once, each with its look-backs and look-aheads worked
//! out in SQL, and counted here as they come; referrals, follow-ups and audits are grouped and
//! counted in SQL. Voided records never count, nor do records
//! hanging off a voided one. Which codes count as what comes from the code lists, written into
//! the SQL.
//!
//! The follow-ups are counted as `domain::follow_up::follow_ups` defines them (set by a
//! consultation or by a review that does not resolve it, answered by the earliest review of
//! the consultation from the day it was set on, one set by a review answered on its own day
//! only by a review with a higher number): the conformance check "follow-ups are counted as the
//! domain defines them" holds this SQL to that function on a logbook with every tie.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{Connection, ToSql};

use crate::domain::codes::{CodeList, Destination, Outcome, ReviewStatus};
use crate::domain::fields::{Stored, Value};
use crate::domain::period::Period;
use crate::domain::values::Age;
use crate::error::{Error, Result};
use crate::report::figures::{Consulted, Grouping, Tally};
use crate::store::sql_codes as codes;

/// The SQL giving a row's group: for consultations (`c`), referrals (`r`, joined to their
/// consultation `c`) and follow-ups (`f`, which carry their consultation's group as `f.grp`).
struct Keys {
    consultation: &'static str,
    referral: &'static str,
    follow_up: &'static str,
}

fn keys(by: Option<Grouping>) -> Keys {
    let same = |key| Keys {
        consultation: key,
        referral: key,
        follow_up: "f.grp",
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

/// The counts of one group, by group.
type Groups = BTreeMap<Option<String>, Tally>;

/// What every pass needs: the period, the day the figures are as at, and the SQL of the groups.
struct Pass {
    period: Period,
    as_at: NaiveDate,
    keys: Keys,
}

/// What the passes have counted: the counts by group, and the families seen in each group
/// (how many distinct families a group has is known once all its consultations are counted).
#[derive(Default)]
struct Counted {
    groups: Groups,
    families: HashMap<Option<String>, HashSet<String>>,
}

impl Counted {
    fn add(&mut self, other: Counted) {
        for (group, tally) in other.groups {
            self.groups.entry(group).or_default().add(&tally);
        }
        for (group, seen) in other.families {
            self.families.entry(group).or_default().extend(seen);
        }
    }

    fn finish(mut self) -> Groups {
        for (group, seen) in self.families {
            self.groups.entry(group).or_default().families = seen.len() as u64;
        }
        self.groups
    }
}

/// The counts for `period` as at `as_at`, by group. A group appears when it has anything to
/// count. With a second connection at the same snapshot (`SqliteLogbook::read_figures`), the
/// work is shared out between two threads: this one counts the consultations of the first two
/// thirds of the period; the other, on the second connection, those of the last third, then
/// the referrals, follow-ups and audits, which take about as long again.
pub fn tallies(
    conn: &Connection,
    second: Option<&mut Connection>,
    period: Period,
    as_at: NaiveDate,
    by: Option<Grouping>,
) -> Result<Groups> {
    let pass = &Pass {
        period,
        as_at,
        keys: keys(by),
    };
    let the_rest = |conn: &Connection, groups: &mut Groups| -> Result<()> {
        referrals(conn, pass, groups)?;
        follow_ups(conn, pass, groups)?;
        audits(conn, pass, groups)
    };
    let mut counted = Counted::default();
    match second {
        None => {
            consultations(conn, pass, period, &mut counted)?;
            the_rest(conn, &mut counted.groups)?;
        }
        Some(second) => {
            let (first, last) = two_thirds(period);
            let theirs = std::thread::scope(|scope| {
                let theirs = scope.spawn(move || -> Result<Counted> {
                    let mut theirs = Counted::default();
                    if let Some(last) = last {
                        consultations(second, pass, last, &mut theirs)?;
                    }
                    the_rest(second, &mut theirs.groups)?;
                    Ok(theirs)
                });
                let mine = consultations(conn, pass, first, &mut counted);
                let theirs = theirs
                    .join()
                    .expect("the figures' thread ends without panicking");
                mine.and(theirs)
            })?;
            counted.add(theirs);
        }
    }
    Ok(counted.finish())
}

/// A period cut in two: its first two thirds of days, and the rest, if any.
fn two_thirds(period: Period) -> (Period, Option<Period>) {
    let days = (period.to - period.from).num_days();
    let cut = period.from + chrono::Days::new((days * 2 / 3).unsigned_abs());
    let first = Period {
        from: period.from,
        to: cut,
    };
    let last = cut
        .succ_opt()
        .filter(|next| *next <= period.to)
        .map(|from| Period {
            from,
            to: period.to,
        });
    (first, last)
}

/// The parameters of a pass: its dates, and the day the figures are as at, when it needs it.
fn params<'a>(
    dates: &'a Period,
    as_at: Option<&'a NaiveDate>,
) -> Vec<(&'static str, &'a dyn ToSql)> {
    let mut params: Vec<(&str, &dyn ToSql)> = vec![(":from", &dates.from), (":to", &dates.to)];
    if let Some(as_at) = as_at {
        params.push((":as_at", as_at));
    }
    params
}

/// The consultations dated in `dates` (the period, or part of it).
fn consultations(
    conn: &Connection,
    pass: &Pass,
    dates: Period,
    counted: &mut Counted,
) -> Result<()> {
    let referral_outcomes = codes::<Outcome>(Outcome::counts_as_referral);
    let diversions = codes::<Outcome>(Outcome::diverts);
    let escalating = codes::<Destination>(Destination::escalates);
    // The consultations: one pass over the period's, each with what its look-backs (repeats)
    // and look-aheads (diversions) through the family key index found, counted here as it is
    // read (SQL's GROUP BY would sort the period's consultations once for each code list).
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
    // The columns, in the order each row is read below.
    let sql = format!(
        "SELECT {key}, c.family_key, c.level, c.consultee_level, c.outcome, c.agency,
           c.consent, c.factors, c.ages, c.children, c.confidence_before, c.confidence_after,
           EXISTS (SELECT 1 FROM consultation p
                   WHERE p.family_key = c.family_key AND p.voided_at IS NULL AND {repeat}),
           {diverted},
           CASE WHEN {diverted} THEN {escalated} END,
           {diverted} AND date(c.date, '+90 days') < :as_at,
           CASE WHEN c.outcome IN ({referral_outcomes})
                THEN NOT EXISTS (SELECT 1 FROM referral r
                                 WHERE r.consultation_id = c.id AND r.voided_at IS NULL)
           END
         FROM consultation c WHERE {IN_PERIOD}",
        key = pass.keys.consultation,
        repeat = in_the_year_before("p", "c"),
    );
    let mut ages = Vec::new();
    each_row(conn, &sql, &params(&dates, Some(&pass.as_at)), |row| {
        let grp: Option<String> = row.get(0)?;
        let family_key = text(row, 1)?;
        let seen = counted.families.entry(grp.clone()).or_default();
        if !seen.contains(family_key) {
            seen.insert(family_key.to_string());
        }
        let stored_ages = text(row, 8)?;
        ages.clear();
        if !stored_ages.is_empty() {
            ages = Vec::<Age>::restore(Value::text(stored_ages)).ok_or_else(|| {
                Error::failure(format!(
                    "the logbook holds ages caselog cannot read: '{stored_ages}'"
                ))
            })?;
        }
        let flag =
            |i| -> rusqlite::Result<bool> { Ok(row.get::<_, Option<bool>>(i)? == Some(true)) };
        counted.groups.entry(grp).or_default().count(&Consulted {
            level: row.get(2)?,
            consultee_level: row.get(3)?,
            outcome: text(row, 4)?,
            agency: text(row, 5)?,
            consent: text_or_null(row, 6)?,
            factors: text(row, 7)?,
            ages: &ages,
            children: u64::from(row.get::<_, u32>(9)?),
            confidence_before: row.get(10)?,
            confidence_after: row.get(11)?,
            repeat: flag(12)?,
            diverted: flag(13)?,
            escalated: flag(14)?,
            over_90_days: flag(15)?,
            not_made: flag(16)?,
        });
        Ok(())
    })?;
    Ok(())
}

/// The referrals dated in the period.
fn referrals(conn: &Connection, pass: &Pass, groups: &mut Groups) -> Result<()> {
    let front_door = codes::<Destination>(Destination::is_front_door);
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
        key = pass.keys.referral,
        re_referral = in_the_year_before("q", "r"),
    );
    each_row(conn, &sql, &params(&pass.period, None), |row| {
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
    })
}

/// The follow-ups falling due in the period.
fn follow_ups(conn: &Connection, pass: &Pass, groups: &mut Groups) -> Result<()> {
    // Follow-ups falling due in the period: set by a consultation, or by a review of it that
    // does not resolve it; each with its consultation's group and the date of the review that
    // answered it, if any. Without a grouping, those set by consultations are read from the
    // index of follow-ups alone.
    let resolved = ReviewStatus::Resolved.code();
    let sql = format!(
        "WITH follow_up (consultation_id, set_by, set_on, due, grp) AS (
           SELECT c.id, 0, c.date, c.follow_up, {group} FROM consultation c
           WHERE c.voided_at IS NULL AND c.follow_up BETWEEN :from AND :to
           UNION ALL
           SELECT v.consultation_id, v.id, v.date, v.follow_up, {group}
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
         FROM answered f
         GROUP BY 1",
        group = pass.keys.consultation,
        key = pass.keys.follow_up
    );
    each_row(
        conn,
        &sql,
        &params(&pass.period, Some(&pass.as_at)),
        |row| {
            let t = groups.entry(group(row)?).or_default();
            t.follow_ups_on_time = count(row, "on_time")?;
            t.follow_ups_late = count(row, "late")?;
            t.follow_ups_overdue = count(row, "overdue")?;
            t.follow_ups_upcoming = count(row, "upcoming")?;
            Ok(())
        },
    )
}

/// The audits of the consultations dated in the period.
fn audits(conn: &Connection, pass: &Pass, groups: &mut Groups) -> Result<()> {
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
        key = pass.keys.consultation
    );
    each_row(conn, &sql, &params(&pass.period, None), |row| {
        let t = groups.entry(group(row)?).or_default();
        *t.grades.entry(row.get("grade")?).or_default() += count(row, "n")?;
        t.level_agreed += count(row, "level_agreed")?;
        t.pathway_agreed += count(row, "pathway_agreed")?;
        Ok(())
    })
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

/// A column's text, borrowed from the row.
fn text<'r>(row: &'r rusqlite::Row, column: usize) -> rusqlite::Result<&'r str> {
    text_or_null(row, column)?.ok_or(rusqlite::Error::InvalidColumnType(
        column,
        String::new(),
        rusqlite::types::Type::Null,
    ))
}

/// A column's text, borrowed from the row, or None for NULL.
fn text_or_null<'r>(row: &'r rusqlite::Row, column: usize) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(column)?;
    value.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(column, value.data_type(), Box::new(e))
    })
}

/// A row's group.
fn group(row: &rusqlite::Row) -> rusqlite::Result<Option<String>> {
    row.get("grp")
}

/// A count or `total()` from a row (SQLite gives `total()` as a real number).
fn count(row: &rusqlite::Row, name: &str) -> rusqlite::Result<u64> {
    Ok(row.get::<_, f64>(name)? as u64)
}
