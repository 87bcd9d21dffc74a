//! Printing the figures: a summary for a manager to read (every rate with its numerator and
//! denominator, "as at" the day it was made), a table of the key figures row by row for `--by`,
//! a summary beside a baseline for `--against`, CSV with flattened keys (`threshold.over`), or
//! JSON with exactly the keys of domain brief §5.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::figures::{
    self, AgeBand, Cell, Change, CodeCounts, Comparison, Difference, Figures, GroupFigures,
    Grouping, UNRECORDED,
};
use crate::domain::codes::{
    Agency, CodeList, Consent, Destination, Factor, Grade, Outcome, ReferralResult,
};
use crate::domain::period::Period;
use crate::error::Result;
use crate::exchange;
use crate::output::{self as render, View};

/// The width the tables fit in: the `--by` table and the comparison with a baseline.
pub const TABLE_WIDTH: u16 = 100;

/// A stored code's label, or the code itself when the list does not know it.
fn label<C: CodeList>(code: &str) -> &str {
    match C::from_code(code) {
        Some(c) => c.label(),
        None => code,
    }
}

/// "6 of 42, 14%", or "0 of 0" when there is nothing to divide by.
pub fn of(numerator: u64, denominator: u64) -> String {
    match percent(numerator, denominator) {
        Some(percent) => format!("{numerator} of {denominator}, {percent}%"),
        None => format!("{numerator} of {denominator}"),
    }
}

/// A rate as a whole percentage, rounded for people, or none when there is nothing to divide
/// by.
pub(super) fn percent(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| (numerator as f64 * 100.0 / denominator as f64).round())
}

/// A mean to one decimal place, or "–" when there is none.
pub(super) fn mean(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |m| format!("{m:.1}"))
}

/// A figure as the summary shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value {
    Count(u64),
    /// A rate: numerator and denominator.
    Rate(u64, u64),
    /// A mean, or none.
    Mean(Option<f64>),
    /// A change of means, shown with its sign.
    Signed(Option<f64>),
}

impl Value {
    pub(super) fn shown(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Rate(n, d) => of(n, d),
            Value::Mean(m) => mean(m),
            Value::Signed(m) => m.map_or_else(|| "–".to_string(), |m| format!("{m:+.1}")),
        }
    }

    /// How it changed from `then` to `self`: a count by its difference and, when the
    /// baseline is not 0, as a percentage of it; a rate in percentage points; a mean by its
    /// difference.
    pub(super) fn change_from(self, then: Value) -> String {
        match (then, self) {
            (Value::Count(b), Value::Count(c)) => {
                let difference = c as f64 - b as f64;
                if b == 0 {
                    signed(difference, 0)
                } else {
                    let percent = difference * 100.0 / b as f64;
                    format!("{} ({}%)", signed(difference, 0), signed(percent, 0))
                }
            }
            (Value::Rate(bn, bd), Value::Rate(cn, cd)) if bd > 0 && cd > 0 => {
                let points = (cn as f64 * 100.0 / cd as f64) - (bn as f64 * 100.0 / bd as f64);
                format!("{} points", signed(points, 0))
            }
            (Value::Mean(Some(b)) | Value::Signed(Some(b)), Value::Mean(Some(c)))
            | (Value::Mean(Some(b)) | Value::Signed(Some(b)), Value::Signed(Some(c))) => {
                signed(c - b, 1)
            }
            _ => "–".to_string(),
        }
    }
}

/// A change to `decimals` places with its sign ("+3", "−1.5"), or "0" when it rounds to none.
fn signed(n: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let text = format!("{:.*}", decimals, (n.abs() * scale).round() / scale);
    if text.bytes().all(|b| b == b'0' || b == b'.') {
        text
    } else if n < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// One line of the summary: a label, or a code with its label after the value.
pub(super) struct Line {
    /// A code shown before its value, with its label after.
    pub code: Option<String>,
    pub label: String,
    pub value: Value,
    /// The figures the line shows, by their keys.
    pub keys: Keys,
}

/// The figures of the JSON a line shows, by their flattened keys (`threshold.over`): the count
/// (a count, or a rate's numerator) and the rate or mean, each where it is a figure of its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Keys {
    pub count: Option<String>,
    pub rate: Option<String>,
}

impl Line {
    /// The key of the count the line shows.
    fn count(mut self, key: &str) -> Line {
        self.keys.count = Some(key.to_string());
        self
    }

    /// The key of the rate or mean the line shows.
    fn rate(mut self, key: &str) -> Line {
        self.keys.rate = Some(key.to_string());
        self
    }
}

/// A section of the summary: its heading, what it counts and its lines.
pub(super) struct Section {
    pub heading: &'static str,
    pub counted: Option<Counted>,
    pub lines: Vec<Line>,
}

/// What a section counts: after its heading in one period's summary ("(10 with both)"), a
/// line of its own when two periods are compared.
pub(super) struct Counted {
    pub n: u64,
    /// Words after the number in the heading.
    pub after: &'static str,
    /// The line's label in a comparison.
    pub label: &'static str,
    /// The count's key, where it is a figure of its own.
    pub key: Option<&'static str>,
}

fn counted(
    n: u64,
    after: &'static str,
    label: &'static str,
    key: Option<&'static str>,
) -> Option<Counted> {
    Some(Counted {
        n,
        after,
        label,
        key,
    })
}

fn line(label: &str, value: Value) -> Line {
    Line {
        code: None,
        label: label.to_string(),
        value,
        keys: Keys::default(),
    }
}

/// A code's line, showing the count under `prefix.code`.
fn coded(prefix: &str, code: &str, label: &str, value: Value) -> Line {
    Line {
        code: Some(code.to_string()),
        label: label.to_string(),
        value,
        keys: Keys::default(),
    }
    .count(&format!("{prefix}.{code}"))
}

/// The codes of a list of counts (the figures under `prefix`), each against `whole`, labelled
/// by its code list.
fn codes<C: CodeList>(prefix: &str, counts: &CodeCounts, whole: u64) -> Vec<Line> {
    counts
        .0
        .iter()
        .map(|(code, n)| coded(prefix, code, label::<C>(code), Value::Rate(*n, whole)))
        .collect()
}

/// The codes counted in either `counts` or `also` (the other period of a comparison), in the
/// list's order, each against `whole`.
fn shown_codes<C: CodeList>(
    prefix: &str,
    counts: &CodeCounts,
    also: Option<&CodeCounts>,
    whole: u64,
) -> Vec<Line> {
    let wanted = |code: &str| counts.get(code) > 0 || also.is_some_and(|a| a.get(code) > 0);
    let mut lines: Vec<Line> = C::ALL
        .iter()
        .filter(|c| wanted(c.code()))
        .map(|c| {
            coded(
                prefix,
                c.code(),
                c.label(),
                Value::Rate(counts.get(c.code()), whole),
            )
        })
        .collect();
    // Codes the list does not know, in the same order for both periods.
    let unknown: std::collections::BTreeSet<&String> = counts
        .0
        .iter()
        .chain(also.into_iter().flat_map(|a| &a.0))
        .map(|(code, _)| code)
        .filter(|code| C::from_code(code).is_none())
        .collect();
    for code in unknown {
        lines.push(coded(
            prefix,
            code,
            code,
            Value::Rate(counts.get(code), whole),
        ));
    }
    lines
}

/// The summary's sections. `also` is the other period of a comparison: a code counted in
/// either period gets a line in both.
pub(super) fn sections(f: &Figures, also: Option<&Figures>) -> Vec<Section> {
    let n = f.consultations;
    let section = |heading: &'static str, counted: Option<Counted>, lines: Vec<Line>| Section {
        heading,
        counted,
        lines,
    };
    let mut out = Vec::new();
    out.push(section(
        "Consultations",
        None,
        vec![
            line("Consultations", Value::Count(n)).count("consultations"),
            line("Families", Value::Count(f.families)).count("families"),
            line(
                "Repeat (family consulted on in year before)",
                Value::Rate(f.repeat_consultations, n),
            )
            .count("repeat_consultations"),
            line(
                "Referral advised (refer-csc or urgent)",
                Value::Rate(f.referred(), n),
            )
            .count("referrals.advised")
            .rate("referral_rate"),
        ],
    ));
    out.push(section(
        "Advisor's level of need",
        None,
        f.levels
            .0
            .iter()
            .map(|(level, count)| {
                line(&format!("Level {level}"), Value::Rate(*count, n))
                    .count(&format!("levels.{level}"))
            })
            .collect(),
    ));
    out.push(section(
        "Outcomes",
        None,
        codes::<Outcome>("outcomes", &f.outcomes, n),
    ));
    out.push(section(
        "Agencies consulting",
        None,
        shown_codes::<Agency>("agencies", &f.agencies, also.map(|a| &a.agencies), n),
    ));
    out.push(section(
        "Factors named",
        None,
        shown_codes::<Factor>("factors", &f.factors, also.map(|a| &a.factors), n),
    ));
    let mut consent = codes::<Consent>("consent", &f.consent, n);
    for l in &mut consent {
        if l.code.as_deref() == Some(UNRECORDED) {
            l.label = "Not recorded".to_string();
        }
    }
    out.push(section("Consent", None, consent));
    let children = f.children.total();
    out.push(section(
        "Children the worries were about, by age",
        counted(children, "", "Children", None),
        f.children
            .0
            .iter()
            .map(|(band, count)| {
                let words = match AgeBand::ALL.iter().find(|b| b.key() == band) {
                    Some(AgeBand::Unborn) => "Unborn".to_string(),
                    Some(_) => format!("Aged {band}"),
                    None => "Ages not recorded".to_string(),
                };
                line(&words, Value::Rate(*count, children)).count(&format!("children.{band}"))
            })
            .collect(),
    ));
    let t = &f.threshold;
    out.push(section(
        "Threshold: consultee's level against the advisor's",
        counted(
            t.compared,
            " with both",
            "With both levels",
            Some("threshold.compared"),
        ),
        vec![
            line("Agreed", Value::Rate(t.agree, t.compared)).count("threshold.agree"),
            line("Consultee over-estimated", Value::Rate(t.over, t.compared))
                .count("threshold.over"),
            line(
                "Consultee under-estimated",
                Value::Rate(t.under, t.compared),
            )
            .count("threshold.under"),
        ],
    ));
    let d = &f.diverted;
    out.push(section(
        "Diverted: consultee said level 4, advice, signpost or early help agreed",
        counted(d.count, "", "Diverted", Some("diverted.count")),
        vec![
            line(
                "Escalated (family referred within 90 days)",
                Value::Rate(d.escalated, d.count),
            )
            .count("diverted.escalated"),
            line(
                "Held (90 days over, not referred)",
                Value::Rate(d.held, d.count),
            )
            .count("diverted.held"),
            line(
                "Too early to tell (90 days not over)",
                Value::Rate(d.too_early, d.count),
            )
            .count("diverted.too_early"),
            line(
                "Held of those known (held or escalated)",
                Value::Rate(d.held, d.held + d.escalated),
            )
            .count("diverted.held")
            .rate("diverted.held_rate"),
        ],
    ));
    let c = &f.confidence;
    out.push(section(
        "Consultee confidence, 1 to 5",
        counted(
            c.compared,
            " with before and after",
            "With before and after",
            Some("confidence.compared"),
        ),
        vec![
            line("Mean before", Value::Mean(c.mean_before)).rate("confidence.mean_before"),
            line("Mean after", Value::Mean(c.mean_after)).rate("confidence.mean_after"),
            line("Mean change", Value::Signed(c.mean_change)).rate("confidence.mean_change"),
        ],
    ));
    let r = &f.referrals;
    let mut made = codes::<Destination>("referrals.destinations", &r.destinations, r.made);
    made.push(
        line(
            "Advised but no referral recorded",
            Value::Rate(r.advised_not_made, r.advised),
        )
        .count("referrals.advised_not_made"),
    );
    out.push(section(
        "Referrals made in the period",
        counted(r.made, "", "Referrals made", Some("referrals.made")),
        made,
    ));
    let mut front_door = codes::<ReferralResult>("referrals.results", &r.results, r.front_door);
    front_door.extend([
        line(
            "Taken up (assessment or s47) of decided",
            Value::Rate(r.taken_up, r.decided),
        )
        .count("referrals.taken_up")
        .rate("referrals.taken_up_rate"),
        line(
            "Re-referral (family referred in year before)",
            Value::Rate(r.re_referrals, r.front_door),
        )
        .count("referrals.re_referrals")
        .rate("referrals.re_referral_rate"),
        line("Decision disputed", Value::Rate(r.disputed, r.front_door))
            .count("referrals.disputed"),
    ]);
    out.push(section(
        "Front-door referrals (to csc) made in the period",
        counted(
            r.front_door,
            "",
            "Front-door referrals",
            Some("referrals.front_door"),
        ),
        front_door,
    ));
    let u = &f.follow_ups;
    out.push(section(
        "Follow-ups falling due in the period",
        counted(u.due, "", "Falling due", Some("follow_ups.due")),
        vec![
            line(
                "Answered on or before the date",
                Value::Rate(u.on_time, u.due),
            )
            .count("follow_ups.on_time"),
            line("Answered late", Value::Rate(u.late, u.due)).count("follow_ups.late"),
            line(
                "Overdue (not answered, date passed)",
                Value::Rate(u.overdue, u.due),
            )
            .count("follow_ups.overdue"),
            line(
                "Upcoming (not answered, date to come)",
                Value::Rate(u.upcoming, u.due),
            )
            .count("follow_ups.upcoming"),
        ],
    ));
    let o = &f.oversight;
    let mut oversight = vec![line("Audited", Value::Rate(o.audited, n)).count("oversight.audited")];
    oversight.extend(o.grades.0.iter().map(|(code, n)| {
        line(
            &format!("Graded {}", label::<Grade>(code).to_lowercase()),
            Value::Rate(*n, o.audited),
        )
        .count(&format!("oversight.grades.{code}"))
    }));
    oversight.extend([
        line(
            "Auditor agreed with the level",
            Value::Rate(o.level_agreed, o.audited),
        )
        .rate("oversight.level_agreed_rate"),
        line(
            "Auditor agreed with the pathway",
            Value::Rate(o.pathway_agreed, o.audited),
        )
        .rate("oversight.pathway_agreed_rate"),
    ]);
    out.push(section(
        "Oversight: the latest audit of each consultation",
        None,
        oversight,
    ));
    out
}

/// The summary of one period, for people to read.
pub fn summary(f: &Figures) -> String {
    let mut s = format!(
        "Figures from {} to {}, as at {}\n",
        f.period.from, f.period.to, f.as_at
    );
    for section in sections(f, None) {
        match &section.counted {
            Some(c) => s.push_str(&format!("\n{} ({}{})\n", section.heading, c.n, c.after)),
            None => s.push_str(&format!("\n{}\n", section.heading)),
        }
        if section.lines.is_empty() {
            s.push_str("  none\n");
        }
        // Codes in a column as wide as the section's longest.
        let width = section
            .lines
            .iter()
            .filter_map(|l| l.code.as_ref().map(|c| c.chars().count()))
            .fold(11, usize::max);
        for l in &section.lines {
            let value = l.value.shown();
            match &l.code {
                Some(code) => s.push_str(&format!("  {code:<width$} {value:<16} {}\n", l.label)),
                None => s.push_str(&format!("  {:<44} {value}\n", l.label)),
            }
        }
    }
    s
}

/// At most `width` characters of `text`, cut with "…".
fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// The summary of a period beside its baseline, with the change of each figure.
pub fn comparison(c: &Comparison) -> String {
    let (now, then) = (&c.current, &c.baseline);
    let mut s = format!(
        "Figures from {} to {} against {} to {}, as at {}\n",
        now.period.from, now.period.to, then.period.from, then.period.to, now.as_at
    );
    /// A line of the comparison: a section's heading, a row of a name and three values, or
    /// none for a section with nothing to list.
    enum Printed {
        Heading(&'static str),
        Row([String; 4]),
        Nothing,
    }
    let mut printed = Vec::new();
    let row = |name: &str, then: String, now: String, change: String| {
        Printed::Row([name.to_string(), then, now, change])
    };
    for (section, baseline) in sections(now, Some(then))
        .into_iter()
        .zip(sections(then, Some(now)))
    {
        printed.push(Printed::Heading(section.heading));
        printed.push(row(
            "",
            "Baseline".into(),
            "This period".into(),
            "Change".into(),
        ));
        if let (Some(now), Some(then)) = (&section.counted, &baseline.counted) {
            let (now, then) = (Value::Count(now.n), Value::Count(then.n));
            printed.push(row(
                section.counted.as_ref().map_or("", |c| c.label),
                then.shown(),
                now.shown(),
                now.change_from(then),
            ));
        }
        if section.lines.is_empty() {
            printed.push(Printed::Nothing);
        }
        for l in &section.lines {
            let name = match &l.code {
                Some(code) => format!("{code} {}", l.label),
                None => l.label.clone(),
            };
            // The same line of the baseline's section, if it has one.
            let then = baseline
                .lines
                .iter()
                .find(|b| b.code == l.code && b.label == l.label)
                .map(|b| b.value);
            printed.push(row(
                &name,
                then.map_or_else(|| "–".to_string(), Value::shown),
                l.value.shown(),
                then.map_or_else(|| "–".to_string(), |b| l.value.change_from(b)),
            ));
        }
    }
    // The values' columns as wide as their widest, the names cut to fit the rest of the width.
    let widest = |column: usize| {
        printed
            .iter()
            .filter_map(|p| match p {
                Printed::Row(cells) => Some(cells[column].chars().count()),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    };
    let (then_width, now_width) = (widest(1).max(17), widest(2).max(17));
    let name_width = (TABLE_WIDTH as usize)
        .saturating_sub(2 + then_width + now_width + widest(3) + 3)
        .clamp(20, 44);
    for p in printed {
        match p {
            Printed::Heading(heading) => s.push_str(&format!("\n{heading}\n")),
            Printed::Nothing => s.push_str("  none\n"),
            Printed::Row([name, then, now, change]) => {
                let name = cut(&name, name_width);
                let line =
                    format!("  {name:<name_width$} {then:<then_width$} {now:<now_width$} {change}");
                s.push_str(line.trim_end());
                s.push('\n');
            }
        }
    }
    s
}

/// The table of `report --by`: one row per group with the figures that tell most about a
/// group — how it judges the threshold, what came of the referrals it was advised to make, of
/// its diversions and of its front-door referrals, and its follow-ups — two to a column, in a
/// table that fits 100 columns. CSV and JSON have every figure.
pub fn groups_table(
    by: Grouping,
    period: Period,
    as_at: NaiveDate,
    groups: &[GroupFigures],
) -> String {
    let mut table = render::table_within(
        [
            group_title(by).to_string(),
            "Threshold\nover\nunder".to_string(),
            "Referral\nadvised\nnot made".to_string(),
            "Diversions\nheld\nescalated".to_string(),
            "Front door\ntaken up\nre-referred".to_string(),
            "Follow-ups\non time\noverdue".to_string(),
        ],
        TABLE_WIDTH,
    );
    let pair = |a: String, b: String| format!("{a}\n{b}");
    for g in groups {
        let f = &g.figures;
        let t = &f.threshold;
        let d = &f.diverted;
        let r = &f.referrals;
        let u = &f.follow_ups;
        let name = match by {
            Grouping::Agency => format!("{} {}", g.group, label::<Agency>(&g.group)),
            _ => g.group.clone(),
        };
        table.add_row([
            pair(
                name,
                render::count(f.consultations as usize, "consultation"),
            ),
            pair(of(t.over, t.compared), of(t.under, t.compared)),
            pair(
                of(f.referred(), f.consultations),
                of(r.advised_not_made, r.advised),
            ),
            pair(of(d.held, d.held + d.escalated), of(d.escalated, d.count)),
            pair(of(r.taken_up, r.decided), of(r.re_referrals, r.front_door)),
            pair(of(u.on_time, u.due), of(u.overdue, u.due)),
        ]);
    }
    format!(
        "Figures by {} from {} to {}, as at {}\n{table}\n",
        by.name(),
        period.from,
        period.to,
        as_at
    )
}

/// The table of `report --by --wide`: one row per group, every figure of the summary that is
/// not a count of codes in a column of its own, on one line, however wide that makes it.
pub fn groups_table_wide(
    by: Grouping,
    period: Period,
    as_at: NaiveDate,
    groups: &[GroupFigures],
) -> String {
    let mut table = render::table([
        group_title(by),
        "Consultations",
        "Families",
        "Repeat",
        "Referral\nadvised",
        "Advised\nnot made",
        "Threshold\ncompared",
        "Agreed",
        "Over-\nestimated",
        "Under-\nestimated",
        "Diverted",
        "Escalated",
        "Held",
        "Too early",
        "Held of\nknown",
        "Confidence\nbefore",
        "Confidence\nafter",
        "Confidence\nchange",
        "Referrals\nmade",
        "Front door",
        "Taken up of\ndecided",
        "Re-referred",
        "Disputed",
        "Follow-ups\ndue",
        "On time",
        "Late",
        "Overdue",
        "Upcoming",
        "Audited",
        "Level\nagreed",
        "Pathway\nagreed",
    ]);
    table.set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    for g in groups {
        let f = &g.figures;
        let n = f.consultations;
        let t = &f.threshold;
        let d = &f.diverted;
        let c = &f.confidence;
        let r = &f.referrals;
        let u = &f.follow_ups;
        let o = &f.oversight;
        let name = match by {
            Grouping::Agency => format!("{} {}", g.group, label::<Agency>(&g.group)),
            _ => g.group.clone(),
        };
        let mut row = vec![name];
        row.extend(
            [
                Value::Count(n),
                Value::Count(f.families),
                Value::Rate(f.repeat_consultations, n),
                Value::Rate(f.referred(), n),
                Value::Rate(r.advised_not_made, r.advised),
                Value::Count(t.compared),
                Value::Rate(t.agree, t.compared),
                Value::Rate(t.over, t.compared),
                Value::Rate(t.under, t.compared),
                Value::Count(d.count),
                Value::Rate(d.escalated, d.count),
                Value::Rate(d.held, d.count),
                Value::Rate(d.too_early, d.count),
                Value::Rate(d.held, d.held + d.escalated),
                Value::Mean(c.mean_before),
                Value::Mean(c.mean_after),
                Value::Signed(c.mean_change),
                Value::Count(r.made),
                Value::Count(r.front_door),
                Value::Rate(r.taken_up, r.decided),
                Value::Rate(r.re_referrals, r.front_door),
                Value::Rate(r.disputed, r.front_door),
                Value::Count(u.due),
                Value::Rate(u.on_time, u.due),
                Value::Rate(u.late, u.due),
                Value::Rate(u.overdue, u.due),
                Value::Rate(u.upcoming, u.due),
                Value::Rate(o.audited, n),
                Value::Rate(o.level_agreed, o.audited),
                Value::Rate(o.pathway_agreed, o.audited),
            ]
            .map(Value::shown),
        );
        table.add_row(row);
    }
    format!(
        "Figures by {} from {} to {}, as at {}\n{table}\n",
        by.name(),
        period.from,
        period.to,
        as_at
    )
}

/// What a group is called in a table's heading: "Agency".
pub(super) fn group_title(by: Grouping) -> &'static str {
    match by {
        Grouping::Agency => "Agency",
        Grouping::Organisation => "Organisation",
        Grouping::Setting => "Setting",
        Grouping::Advisor => "Advisor",
        Grouping::Month => "Month",
    }
}

/// A figure as a CSV cell: dates as ISO dates, counts and fractions as plain numbers, none as
/// an empty cell.
pub(super) fn cell_text(cell: Cell) -> String {
    match cell {
        Cell::Date(d) => d.to_string(),
        Cell::Count(n) => n.to_string(),
        Cell::Fraction(f) => f.map(|x| x.to_string()).unwrap_or_default(),
    }
}

/// CSV: a header of flattened keys (after `group` when grouped) and one row per group. Figures
/// are written as numbers (`-2`, never `'-2`); only the group's name, which is text a person
/// typed, is made inert for spreadsheets.
pub fn csv(out: &mut dyn Write, grouped: bool, rows: &[(String, &Figures)]) -> Result<()> {
    let mut w = exchange::writer(out);
    // Every group has the same columns: the keys of the code lists, then any code found in
    // the logbook that is not in them.
    let flattened: Vec<Vec<(String, Cell)>> = rows.iter().map(|(_, f)| figures::cells(f)).collect();
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
                .map(|(_, v)| cell_text(*v))
                .unwrap_or_else(|| "0".to_string())
        }));
        w.write_record(&cells)?;
    }
    w.flush()?;
    Ok(())
}

/// The keys every figures row has, whatever the logbook holds.
fn blank_keys() -> Vec<String> {
    let period = Period {
        from: crate::domain::values::EARLIEST,
        to: crate::domain::values::EARLIEST,
    };
    let blank = Figures::compute(period, period.from, &figures::Tally::default());
    figures::cells(&blank).into_iter().map(|(k, _)| k).collect()
}

/// A change's difference as a CSV cell: a plain number, none as an empty cell.
pub(super) fn difference_text(difference: Option<Difference>) -> String {
    match difference {
        Some(Difference::Count(n)) => n.to_string(),
        Some(Difference::Fraction(x)) => x.to_string(),
        None => String::new(),
    }
}

/// CSV of a comparison: one row per figure, with its value in the baseline and in the period,
/// the difference and the relative change (the difference as a fraction of the baseline).
fn comparison_csv(out: &mut dyn Write, c: &Comparison) -> Result<()> {
    let mut w = exchange::writer(out);
    w.write_record(["figure", "baseline", "current", "difference", "relative"])?;
    for (key, then, now, change) in c.rows() {
        let (difference, relative) = match change {
            Some(Change {
                difference,
                relative,
            }) => (
                difference_text(difference),
                relative.map(|x| x.to_string()).unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        w.write_record([key, cell_text(then), cell_text(now), difference, relative])?;
    }
    w.flush()?;
    Ok(())
}

/// JSON for `--by`: the grouping, the period, the day the report was made and one object per
/// group.
#[derive(Serialize)]
pub struct GroupedJson {
    pub by: &'static str,
    pub period: Period,
    pub as_at: NaiveDate,
    pub groups: Vec<GroupFigures>,
    #[serde(skip)]
    pub grouping: Grouping,
    /// Whether the table has every figure it has in a column of its own (`--wide`).
    #[serde(skip)]
    pub wide: bool,
}

/// What `report` prints: the figures of one period, of each group of it, or of a period beside
/// a baseline.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Report {
    Whole(Box<Figures>),
    Grouped(GroupedJson),
    Compared(Box<Comparison>),
}

impl View for Report {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        match self {
            Report::Whole(f) => write!(out, "{}", summary(f))?,
            Report::Grouped(g) if g.wide => write!(
                out,
                "{}",
                groups_table_wide(g.grouping, g.period, g.as_at, &g.groups)
            )?,
            Report::Grouped(g) => write!(
                out,
                "{}",
                groups_table(g.grouping, g.period, g.as_at, &g.groups)
            )?,
            Report::Compared(c) => write!(out, "{}", comparison(c))?,
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
            Report::Compared(c) => comparison_csv(out, c),
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
    fn changes_are_shown_with_their_sign() {
        assert_eq!(Value::Count(9).change_from(Value::Count(10)), "−1 (−10%)");
        assert_eq!(Value::Count(3).change_from(Value::Count(0)), "+3");
        assert_eq!(
            Value::Rate(1, 4).change_from(Value::Rate(1, 2)),
            "−25 points"
        );
        assert_eq!(Value::Rate(1, 4).change_from(Value::Rate(0, 0)), "–");
        assert_eq!(
            Value::Mean(Some(3.5)).change_from(Value::Mean(Some(2.0))),
            "+1.5"
        );
        assert_eq!(
            Value::Signed(Some(1.0)).change_from(Value::Signed(Some(2.0))),
            "−1.0"
        );
    }

    #[test]
    fn a_comparison_of_hundreds_of_thousands_fits_100_columns() {
        let period = |month: u32| Period {
            from: NaiveDate::from_ymd_opt(2025, month, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2025, month, 28).unwrap(),
        };
        let as_at = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let tally = |n: u64| figures::Tally {
            consultations: n,
            families: n,
            outcomes: [("advice".to_string(), n - 1), ("urgent".to_string(), 1)].into(),
            ..figures::Tally::default()
        };
        let c = Comparison::new(
            Figures::compute(period(2), as_at, &tally(123_456)),
            Figures::compute(period(1), as_at, &tally(234_567)),
        );
        let table = comparison(&c);
        assert!(table.contains("123455 of 123456, 100%"), "{table}");
        assert!(table.contains("234566 of 234567, 100%"), "{table}");
        let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 100, "{widest} columns:\n{table}");
        // The names are cut to make room, and the values are whole.
        assert!(
            table.contains("  advice Advice only — consultee conti… 234566 of 234567, 100% "),
            "{table}"
        );
    }

    #[test]
    fn every_key_has_a_csv_column() {
        let keys = blank_keys();
        assert!(keys.contains(&"agencies.10".to_string()));
        assert!(keys.contains(&"oversight.pathway_agreed_rate".to_string()));
    }
}
