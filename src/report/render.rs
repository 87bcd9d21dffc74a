//! Printing the figures: a summary for a manager to read (every rate with its numerator and
//! denominator), CSV with one row per group and flattened keys (`threshold.over`), or JSON with
//! exactly the keys of domain brief §5.

use std::fmt::Write as _;
use std::io::Write;

use serde::Serialize;

use super::figures::{Figures, GroupFigures, Grouping};
use crate::domain::codes::{Agency, CodeList, Outcome, ReferralResult};
use crate::domain::period::Period;
use crate::error::Result;
use crate::exchange;
use crate::output::{self as render, View};

/// A stored code's label, or the code itself when the list does not know it.
fn label<C: CodeList>(code: &str) -> &str {
    match C::from_code(code) {
        Some(c) => c.label(),
        None => code,
    }
}

/// "6 of 42, 14%", or "0 of 0" when there is nothing to divide by.
pub fn of(numerator: u64, denominator: u64) -> String {
    if denominator == 0 {
        return format!("{numerator} of {denominator}");
    }
    let percent = (numerator as f64 * 100.0 / denominator as f64).round();
    format!("{numerator} of {denominator}, {percent}%")
}

/// A mean to one decimal place, or "–" when there is none.
fn mean(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |m| format!("{m:.1}"))
}

/// The summary of one period, for people to read.
pub fn summary(f: &Figures) -> String {
    let mut s = String::new();
    let line = |s: &mut String, label: &str, value: String| {
        let _ = writeln!(s, "  {label:<44} {value}");
    };
    // A code, its count against the whole, and its label.
    let coded = |s: &mut String, code: &str, value: String, label: &str| {
        let _ = writeln!(s, "  {code:<11} {value:<16} {label}");
    };
    let _ = writeln!(s, "Consultations from {} to {}", f.period.from, f.period.to);
    line(&mut s, "Consultations", f.consultations.to_string());
    line(&mut s, "Families", f.families.to_string());
    line(
        &mut s,
        "Repeat (family consulted on in year before)",
        of(f.repeat_consultations, f.consultations),
    );
    line(
        &mut s,
        "Referral advised (refer-csc or urgent)",
        of(f.referred, f.consultations),
    );
    line(
        &mut s,
        "Diverted (consultee said 4, no referral)",
        of(f.diverted, f.consultee_level_four),
    );

    let _ = writeln!(s, "\nOutcomes");
    for (code, n) in &f.outcomes.0 {
        coded(
            &mut s,
            code,
            of(*n, f.consultations),
            label::<Outcome>(code),
        );
    }

    let _ = writeln!(s, "\nAgencies consulting");
    if f.agencies.0.is_empty() {
        let _ = writeln!(s, "  none");
    }
    for (code, n) in &f.agencies.0 {
        coded(&mut s, code, of(*n, f.consultations), label::<Agency>(code));
    }

    let t = &f.threshold;
    let _ = writeln!(
        s,
        "\nThreshold: consultee's level against the advisor's ({} with both)",
        t.compared
    );
    line(&mut s, "Agreed", of(t.agree, t.compared));
    line(&mut s, "Consultee over-estimated", of(t.over, t.compared));
    line(&mut s, "Consultee under-estimated", of(t.under, t.compared));

    let c = &f.confidence;
    let _ = writeln!(
        s,
        "\nConsultee confidence, 1 to 5 ({} with before and after)",
        c.compared
    );
    line(&mut s, "Mean before", mean(c.mean_before));
    line(&mut s, "Mean after", mean(c.mean_after));
    line(
        &mut s,
        "Mean change",
        c.mean_change
            .map_or_else(|| "–".to_string(), |m| format!("{m:+.1}")),
    );

    let r = &f.referrals;
    let _ = writeln!(s, "\nReferrals made in the period: {}", r.made);
    for (code, n) in &r.results.0 {
        coded(&mut s, code, of(*n, r.made), label::<ReferralResult>(code));
    }
    line(
        &mut s,
        "Taken up (assessment or s47) of decided",
        of(r.taken_up, r.decided),
    );

    let u = &f.follow_ups;
    let _ = writeln!(s, "\nFollow-ups falling due in the period: {}", u.due);
    line(&mut s, "Done by the follow-up date", of(u.done, u.due));
    line(&mut s, "Overdue (no review yet)", of(u.overdue, u.due));
    s
}

/// The table of `report --by`: one row per group with the key figures.
pub fn groups_table(by: Grouping, period: Period, groups: &[GroupFigures]) -> String {
    let mut table = render::table([
        group_title(by),
        "Consultations",
        "Families",
        "Referral advised",
        "Threshold agree / over / under",
        "Diverted",
        "Confidence before → after",
        "Repeat",
        "Referrals made",
        "Taken up",
        "Follow-ups due / done / overdue",
    ]);
    for g in groups {
        let f = &g.figures;
        let t = &f.threshold;
        let name = match by {
            Grouping::Agency => format!("{} {}", g.group, label::<Agency>(&g.group)),
            _ => g.group.clone(),
        };
        table.add_row([
            name,
            f.consultations.to_string(),
            f.families.to_string(),
            of(f.referred, f.consultations),
            if t.compared == 0 {
                "–".to_string()
            } else {
                format!("{} / {} / {} of {}", t.agree, t.over, t.under, t.compared)
            },
            f.diverted.to_string(),
            if f.confidence.compared == 0 {
                "–".to_string()
            } else {
                format!(
                    "{} → {} ({})",
                    mean(f.confidence.mean_before),
                    mean(f.confidence.mean_after),
                    f.confidence.compared
                )
            },
            of(f.repeat_consultations, f.consultations),
            f.referrals.made.to_string(),
            of(f.referrals.taken_up, f.referrals.decided),
            format!(
                "{} / {} / {}",
                f.follow_ups.due, f.follow_ups.done, f.follow_ups.overdue
            ),
        ]);
    }
    format!(
        "Figures by {} from {} to {}\n{table}\n",
        group_title(by).to_lowercase(),
        period.from,
        period.to
    )
}

fn group_title(by: Grouping) -> &'static str {
    match by {
        Grouping::Agency => "Agency",
        Grouping::Setting => "Setting",
        Grouping::Advisor => "Advisor",
        Grouping::Month => "Month",
    }
}

/// Flattened keys and values, in the order of the JSON keys. Agencies are given for every
/// code (zeros included) so that every row and every month has the same columns.
pub fn flatten(f: &Figures) -> Vec<(String, String)> {
    let mut cells: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| cells.push((k.to_string(), v));
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    put("period.from", f.period.from.to_string());
    put("period.to", f.period.to.to_string());
    put("consultations", f.consultations.to_string());
    put("families", f.families.to_string());
    for (code, n) in &f.outcomes.0 {
        put(&format!("outcomes.{code}"), n.to_string());
    }
    for agency in Agency::ALL {
        put(
            &format!("agencies.{}", agency.code()),
            f.agencies.get(agency.code()).to_string(),
        );
    }
    put("referral_rate", opt(f.referral_rate));
    put("threshold.compared", f.threshold.compared.to_string());
    put("threshold.agree", f.threshold.agree.to_string());
    put("threshold.over", f.threshold.over.to_string());
    put("threshold.under", f.threshold.under.to_string());
    put("diverted", f.diverted.to_string());
    put("confidence.compared", f.confidence.compared.to_string());
    put("confidence.mean_before", opt(f.confidence.mean_before));
    put("confidence.mean_after", opt(f.confidence.mean_after));
    put("confidence.mean_change", opt(f.confidence.mean_change));
    put("repeat_consultations", f.repeat_consultations.to_string());
    put("referrals.made", f.referrals.made.to_string());
    for (code, n) in &f.referrals.results.0 {
        put(&format!("referrals.results.{code}"), n.to_string());
    }
    put("referrals.taken_up_rate", opt(f.referrals.taken_up_rate));
    put("follow_ups.due", f.follow_ups.due.to_string());
    put("follow_ups.done", f.follow_ups.done.to_string());
    put("follow_ups.overdue", f.follow_ups.overdue.to_string());
    cells
}

/// CSV: a header of flattened keys (after `group` when grouped) and one row per group. Figures
/// are written as numbers (`-2`, never `'-2`); only the group's name, which is text a person
/// typed, is made inert for spreadsheets.
pub fn csv(out: &mut dyn Write, grouped: bool, rows: &[(String, &Figures)]) -> Result<()> {
    let mut w = exchange::writer(out);
    // Every group has the same columns: the keys of the code lists, then any code found in
    // the logbook that is not in them.
    let flattened: Vec<Vec<(String, String)>> = rows.iter().map(|(_, f)| flatten(f)).collect();
    let mut keys = blank_keys();
    for (key, _) in flattened.iter().flatten() {
        if !keys.contains(key) {
            keys.push(key.clone());
        }
    }
    let mut header: Vec<String> = Vec::new();
    if grouped {
        header.push("group".into());
    }
    header.extend(keys.iter().cloned());
    w.write_record(&header)?;
    for ((group, _), cells_by_key) in rows.iter().zip(&flattened) {
        let mut cells: Vec<String> = Vec::new();
        if grouped {
            cells.push(exchange::inert(group).into_owned());
        }
        cells.extend(keys.iter().map(|key| {
            cells_by_key
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "0".to_string())
        }));
        w.write_record(&cells)?;
    }
    w.flush()?;
    Ok(())
}

fn blank_keys() -> Vec<String> {
    use super::figures::Tally;
    let period = Period {
        from: crate::domain::values::EARLIEST,
        to: crate::domain::values::EARLIEST,
    };
    flatten(&Figures::compute(period, &Tally::default()))
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

/// JSON for `--by`: the grouping, the period, and one object per group.
#[derive(Serialize)]
pub struct GroupedJson {
    pub by: &'static str,
    pub period: Period,
    pub groups: Vec<GroupFigures>,
    #[serde(skip)]
    pub grouping: Grouping,
}

impl GroupedJson {
    pub fn by_name(by: Grouping) -> &'static str {
        match by {
            Grouping::Agency => "agency",
            Grouping::Setting => "setting",
            Grouping::Advisor => "advisor",
            Grouping::Month => "month",
        }
    }
}

/// What `report` prints: the figures of one period, or of each group of it.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Report {
    Whole(Box<Figures>),
    Grouped(GroupedJson),
}

impl View for Report {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        match self {
            Report::Whole(f) => write!(out, "{}", summary(f))?,
            Report::Grouped(g) => write!(out, "{}", groups_table(g.grouping, g.period, &g.groups))?,
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        match self {
            Report::Whole(f) => csv(out, false, &[(String::new(), f)]),
            Report::Grouped(g) => {
                let rows: Vec<(String, &Figures)> = g
                    .groups
                    .iter()
                    .map(|row| (row.group.clone(), &row.figures))
                    .collect();
                csv(out, true, &rows)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_show_numerator_denominator_and_percent() {
        assert_eq!(of(6, 42), "6 of 42, 14%");
        assert_eq!(of(1, 3), "1 of 3, 33%");
        assert_eq!(of(0, 0), "0 of 0");
    }

    #[test]
    fn flattened_keys_are_unique_and_cover_every_agency() {
        let keys = blank_keys();
        let unique: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        assert!(keys.contains(&"agencies.10".to_string()));
        assert!(keys.contains(&"threshold.over".to_string()));
    }
}
