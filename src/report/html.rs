//! The report as one page of HTML (`report --format html`), for a manager or a partnership board
//! to look at on a screen or on paper: the headline figures, threshold agreement by agency and
//! by organisation, consultations and front-door referrals by month over the year to the
//! period's end, diversions, follow-ups and oversight, then every other figure. One
//! self-contained file — inline CSS and SVG, nothing fetched, no script — that prints on one or
//! two A4 pages.
//!
//! It lays out figures computed elsewhere, never computing its own: its lines are the summary's
//! (`render::sections`), each figure marked with its JSON key and its value as the JSON and CSV
//! give it (`<data data-figure="threshold.over" value="3">`), the rows by agency, organisation
//! and month are those of `report --by`, and the charts are drawn by `charts`.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::charts::{self, Agreement, Drawing, Part};
use super::figures::{self, Comparison, Figures, GroupFigures, Grouping, NO_ORGANISATION};
use super::render::{
    Counted, Keys, Line, Section, Value, cell_text, difference_text, group_title, percent, sections,
};
use crate::domain::codes::{Agency, CodeList, Grade, ReferralResult};
use crate::error::Result;

/// The most organisations the page shows: those with the most consultations compared.
const ORGANISATIONS_SHOWN: usize = 12;

/// The headline figures, each with what it is and its key.
const HEADLINE: [(&str, &str); 10] = [
    ("Consultations", "consultations"),
    ("Families", "families"),
    (
        "Repeat consultations (family consulted on in the year before)",
        "repeat_consultations",
    ),
    ("Referral advised (refer-csc or urgent)", "referral_rate"),
    (
        "Consultee agreed with the advisor's level",
        "threshold.agree",
    ),
    ("Diversions held, of those known", "diverted.held_rate"),
    (
        "Front-door referrals taken up, of those decided",
        "referrals.taken_up_rate",
    ),
    ("Front-door re-referrals", "referrals.re_referral_rate"),
    ("Follow-ups overdue, of those due", "follow_ups.overdue"),
    ("Consultations audited", "oversight.audited"),
];

/// What the page shows: the period's figures (beside a baseline's, with `--against`) and the
/// rows of `report --by` for agencies and organisations over the period and for each month of
/// the year to its end.
pub struct Page {
    pub whole: Whole,
    pub agencies: Vec<GroupFigures>,
    pub organisations: Vec<GroupFigures>,
    /// Every month of the year to the period's end, in order, a month with nothing to count
    /// included.
    pub months: Vec<GroupFigures>,
}

/// The period's figures, alone or beside a baseline's.
pub enum Whole {
    Period(Box<Figures>),
    Against(Box<Comparison>),
}

impl Whole {
    fn current(&self) -> &Figures {
        match self {
            Whole::Period(f) => f,
            Whole::Against(c) => &c.current,
        }
    }

    fn baseline(&self) -> Option<&Figures> {
        match self {
            Whole::Period(_) => None,
            Whole::Against(c) => Some(&c.baseline),
        }
    }
}

/// Writes the page.
pub fn write(page: &Page, out: &mut dyn Write) -> Result<()> {
    out.write_all(page.markup()?.into_string().as_bytes())?;
    Ok(())
}

/// Each figure's value as the JSON and CSV give it, by its flattened key: a count, a fraction
/// in full, a date; empty for a rate with nothing to divide by.
struct Values(HashMap<String, String>);

impl Values {
    fn of(f: &Figures) -> Values {
        Values(
            figures::cells(f)
                .into_iter()
                .map(|(key, cell)| (key, cell_text(cell)))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }
}

/// Each figure's change from the baseline (now − then), as the JSON gives it.
struct Changes(HashMap<String, String>);

impl Changes {
    fn of(c: &Comparison) -> Changes {
        Changes(
            c.rows()
                .into_iter()
                .filter_map(|(key, _, _, change)| Some((key, difference_text(change?.difference))))
                .collect(),
        )
    }
}

/// Whose figure a value is: the period's or the baseline's.
#[derive(Clone, Copy)]
enum Of {
    Period,
    Baseline,
}

/// A figure's value marked with its key: `content` is what people read.
fn figure(of: Of, key: &str, values: &Values, content: Markup) -> Markup {
    let value = values.get(key);
    match of {
        Of::Period => html! { data data-figure=(key) value=(value) { (content) } },
        Of::Baseline => html! { data data-baseline=(key) value=(value) { (content) } },
    }
}

/// A line's value as the summary shows it ("6 of 42, 14%"), its figures marked.
fn value(line: &Line, of: Of, values: &Values) -> Markup {
    let count = |n: u64| match &line.keys.count {
        Some(key) => figure(of, key, values, html! { (n) }),
        None => html! { (n) },
    };
    let shown = match line.value {
        Value::Count(n) => count(n),
        Value::Rate(n, d) => html! {
            (count(n)) " of " (d)
            @if let Some(p) = percent(n, d) { ", " (p) "%" }
        },
        other => html! { (other.shown()) },
    };
    match &line.keys.rate {
        Some(key) => figure(of, key, values, shown),
        None => shown,
    }
}

/// How a line's figures changed from the baseline's line: a count by its difference (and as a
/// share of the baseline), a rate in percentage points, a mean by its difference.
fn change(now: &Line, then: &Line, changes: &Changes) -> Markup {
    let numerator = |v: Value| match v {
        Value::Count(n) | Value::Rate(n, _) => n,
        Value::Mean(_) | Value::Signed(_) => 0,
    };
    let marked = |key: &str, text: String| {
        let difference = changes.0.get(key).map_or("", String::as_str);
        html! { data data-change=(key) value=(difference) { (text) } }
    };
    let count = now.keys.count.as_ref().map(|key| {
        let text =
            Value::Count(numerator(now.value)).change_from(Value::Count(numerator(then.value)));
        marked(key, text)
    });
    let rate = match &now.keys.rate {
        Some(key) => Some(marked(key, now.value.change_from(then.value))),
        // A count shown as a share of the whole changes as a count.
        None if count.is_some() => None,
        None => Some(html! { (now.value.change_from(then.value)) }),
    };
    html! {
        @if let Some(count) = &count { (count) }
        @if count.is_some() && rate.is_some() { "; " }
        @if let Some(rate) = &rate { (rate) }
    }
}

/// The line of a section, or of a list of sections, that shows the figure `key`.
fn line_of<'s>(sections: &'s [Section], key: &str) -> Option<&'s Line> {
    sections
        .iter()
        .flat_map(|s| &s.lines)
        .find(|l| l.keys.count.as_deref() == Some(key) || l.keys.rate.as_deref() == Some(key))
}

/// Whether a section shows the figure `key`, in its lines or as what it counts.
fn holds(section: &Section, key: &str) -> bool {
    section.counted.as_ref().and_then(|c| c.key) == Some(key)
        || line_of(std::slice::from_ref(section), key).is_some()
}

/// The baseline's line matching a line of the period's (the same code and label).
fn matching<'s>(then: Option<&'s Section>, line: &Line) -> Option<&'s Line> {
    then?
        .lines
        .iter()
        .find(|b| b.code == line.code && b.label == line.label)
}

/// The figures shown on the page, with the baseline's beside them when there is one.
struct Context<'a> {
    now: &'a Figures,
    then: Option<&'a Figures>,
    values: Values,
    baseline_values: Option<Values>,
    changes: Option<Changes>,
}

impl Context<'_> {
    /// A section of the summary as a table: each line's value and, against a baseline, the
    /// baseline's value and the change.
    fn table(&self, section: &Section, then: Option<&Section>) -> Markup {
        let compared = then.is_some();
        let counted = |c: &Counted, of: Of, values: &Values| match c.key {
            Some(key) => figure(of, key, values, html! { (c.n) }),
            None => html! { (c.n) },
        };
        html! {
            // Against a baseline, the heading heads the column of the figures' names.
            @if !compared {
                h3 {
                    (section.heading)
                    @if let Some(c) = &section.counted {
                        " (" (counted(c, Of::Period, &self.values)) (c.after) ")"
                    }
                }
            }
            table {
                @if compared {
                    thead { tr {
                        th scope="col" { (section.heading) }
                        th scope="col" { "Baseline" }
                        th scope="col" { "Period" }
                        th scope="col" { "Change" }
                    } }
                }
                tbody {
                    @if let (Some(c), Some(then), Some(values), Some(changes)) =
                        (&section.counted, then, &self.baseline_values, &self.changes)
                    {
                        @if let Some(b) = &then.counted {
                            tr {
                                th scope="row" { (c.label) }
                                td { (counted(b, Of::Baseline, values)) }
                                td { (counted(c, Of::Period, &self.values)) }
                                td { (change(
                                    &count_line(c.label, c.n, c.key),
                                    &count_line(b.label, b.n, b.key),
                                    changes,
                                )) }
                            }
                        }
                    }
                    @if section.lines.is_empty() {
                        tr { td colspan=(if compared { 4 } else { 2 }) { "none" } }
                    }
                    @for line in &section.lines {
                        tr {
                            th scope="row" {
                                @if let Some(code) = &line.code { span.code { (code) } " " }
                                (line.label)
                            }
                            @if let (Some(values), Some(then)) = (&self.baseline_values, then) {
                                td { @match matching(Some(then), line) {
                                    Some(b) => (value(b, Of::Baseline, values)),
                                    None => "–",
                                } }
                            }
                            td { (value(line, Of::Period, &self.values)) }
                            @if let (Some(changes), Some(_)) = (&self.changes, then) {
                                td { @match matching(then, line) {
                                    Some(b) => (change(line, b, changes)),
                                    None => "–",
                                } }
                            }
                        }
                    }
                }
            }
        }
    }

    /// A headline figure: what it is, its value, and against a baseline the baseline's value
    /// and the change.
    fn card(&self, title: &str, key: &str, now: &[Section], then: Option<&[Section]>) -> Markup {
        let Some(line) = line_of(now, key) else {
            return html! {};
        };
        let before = then.and_then(|t| line_of(t, key));
        html! {
            div.card {
                p.what { (title) }
                p.value { (value(line, Of::Period, &self.values)) }
                @if let (Some(b), Some(values), Some(changes)) =
                    (before, &self.baseline_values, &self.changes)
                {
                    p.then {
                        "Baseline " (value(b, Of::Baseline, values))
                        br;
                        "Change " (change(line, b, changes))
                    }
                }
            }
        }
    }
}

/// A count shown as a line, for comparing what two sections count.
fn count_line(label: &str, n: u64, key: Option<&str>) -> Line {
    Line {
        code: None,
        label: label.to_string(),
        value: Value::Count(n),
        keys: Keys {
            count: key.map(str::to_string),
            rate: None,
        },
    }
}

/// An SVG chart with its title, described by the table of its numbers (`described_by`).
fn chart(id: &str, title: &str, drawing: &Drawing, described_by: &str) -> Markup {
    let title_id = format!("{id}-title");
    html! {
        svg viewBox=(format!("0 0 {} {}", drawing.width, drawing.height))
            width=(drawing.width) height=(drawing.height)
            role="img" aria-labelledby=(title_id) aria-describedby=(described_by)
        {
            title id=(title_id) { (title) }
            (PreEscaped(&drawing.elements))
        }
    }
}

/// A group's figure in a row of a table by group, marked with its key.
fn group_value(line: Option<&Line>, values: &Values) -> Markup {
    match line {
        Some(line) => value(line, Of::Period, values),
        None => html! { "–" },
    }
}

/// How a group is named: an agency by its code and label.
fn agency_name(code: &str) -> String {
    match Agency::from_code(code) {
        Some(a) => format!("{code} {}", a.label()),
        None => code.to_string(),
    }
}

/// Threshold agreement by agency or organisation, one group per row, as a chart and a table of
/// its numbers: the groups with consultations where both levels were recorded, of which
/// `left_out` more are not shown.
fn agreement_block(
    ctx: &Context,
    by: Grouping,
    groups: &[&GroupFigures],
    left_out: usize,
) -> Result<Markup> {
    let id = format!("{}-agreement", by.name());
    let heading = format!("Threshold agreement by {}", by.name());
    let names: Vec<String> = groups
        .iter()
        .map(|g| match by {
            Grouping::Agency => agency_name(&g.group),
            _ => g.group.clone(),
        })
        .collect();
    let bars: Vec<Agreement> = groups
        .iter()
        .zip(&names)
        .map(|(g, name)| {
            let t = &g.figures.threshold;
            Agreement {
                name,
                compared: t.compared,
                under: t.under,
                agree: t.agree,
                over: t.over,
            }
        })
        .collect();
    let drawing = (!groups.is_empty())
        .then(|| charts::agreement(&bars))
        .transpose()?;
    let table_id = format!("{id}-numbers");
    let title = format!(
        "{heading}: for each {}, of the consultations with both levels recorded, the consultee's \
         level of need below the advisor's (left), the same (middle) or above (right); the \
         numbers are in the table that follows",
        by.name()
    );
    Ok(html! {
        section {
            h2 { (heading) }
            @if let Some(drawing) = &drawing {
                figure {
                    (chart(&id, &title, drawing, &table_id))
                    figcaption {
                        @if by == Grouping::Agency {
                            "Of the consultations where both the consultee's and the advisor's \
                             levels were recorded (how many, in brackets): the consultee \
                             under-estimated the level of need, agreed with it, or over-estimated it."
                        } @else {
                            "The same, by the consultee's " (by.name()) " (how many compared, in \
                             brackets)."
                        }
                        @if left_out > 0 {
                            " The " (groups.len()) " with the most compared are shown; "
                            (left_out) " more are in "
                            code { "caselog report --by " (by.name()) } "."
                        }
                    }
                }
            } @else {
                p { "No consultation in the period had both levels recorded." }
            }
            table id=(table_id) {
                thead { tr {
                    th scope="col" { (group_title(by)) }
                    th scope="col" { "With both levels" }
                    th scope="col" { "Under-estimated" }
                    th scope="col" { "Agreed" }
                    th scope="col" { "Over-estimated" }
                } }
                tbody {
                    @for (g, name) in groups.iter().zip(&names) {
                        (agreement_row(Some(&g.group), name, &g.figures, &Values::of(&g.figures)))
                    }
                }
                tfoot {
                    (agreement_row(None, "All", ctx.now, &ctx.values))
                }
            }
        }
    })
}

/// A row of threshold agreement: a group's (marked with its name), or the period's.
fn agreement_row(group: Option<&str>, name: &str, f: &Figures, values: &Values) -> Markup {
    let lines = sections(f, None);
    html! {
        tr data-group=[group] {
            th scope="row" { (name) }
            td { (figure(Of::Period, "threshold.compared", values, html! { (f.threshold.compared) })) }
            td { (group_value(line_of(&lines, "threshold.under"), values)) }
            td { (group_value(line_of(&lines, "threshold.agree"), values)) }
            td { (group_value(line_of(&lines, "threshold.over"), values)) }
        }
    }
}

/// Consultations and front-door referrals with their results, month by month over the year to
/// the period's end, as a chart and a table of its numbers.
fn months_block(months: &[GroupFigures]) -> Result<Markup> {
    let labels: Vec<String> = months
        .iter()
        .map(|m| {
            NaiveDate::parse_from_str(&format!("{}-01", m.group), "%Y-%m-%d")
                .map_or_else(|_| m.group.clone(), |d| d.format("%b %y").to_string())
        })
        .collect();
    let bars: Vec<charts::Month> = months
        .iter()
        .zip(&labels)
        .map(|(m, label)| {
            let r = &m.figures.referrals;
            charts::Month {
                label,
                consultations: m.figures.consultations,
                taken_up: r.taken_up,
                other_decision: r.decided - r.taken_up,
                pending: r.results.get(ReferralResult::Pending.code()),
            }
        })
        .collect();
    let drawing = charts::months(&bars)?;
    let (first, last) = match (months.first(), months.last()) {
        (Some(first), Some(last)) => (first.group.as_str(), last.group.as_str()),
        _ => ("", ""),
    };
    let title = format!(
        "Consultations and front-door referrals by month from {first} to {last}: for each month \
         a bar of consultations and a bar of front-door referrals, taken up, decided otherwise \
         or pending; the numbers are in the table that follows"
    );
    Ok(html! {
        section {
            h2 { "Consultations and front-door referrals by month, " (first) " to " (last) }
            figure {
                (chart("months", &title, &drawing, "months-numbers"))
                figcaption {
                    "Each month: its consultations, and its front-door referrals (to children's \
                     social care) by the front door's latest decision — taken up (assessment or \
                     s47), decided otherwise, or pending. A referral counts in the month of its \
                     own date."
                }
            }
            table #months-numbers .months {
                thead { tr {
                    th scope="col" { "Month" }
                    th scope="col" { "Consultations" }
                    th scope="col" { "Front door" }
                    @for result in ReferralResult::ALL {
                        th scope="col" { abbr title=(result.label()) { (result.code()) } }
                    }
                } }
                tbody {
                    @for m in months {
                        @let values = Values::of(&m.figures);
                        @let count = |key: &str| figure(Of::Period, key, &values,
                            html! { (values.get(key)) });
                        tr data-group=(m.group) {
                            th scope="row" { (m.group) }
                            td { (count("consultations")) }
                            td { (count("referrals.front_door")) }
                            @for result in ReferralResult::ALL {
                                td { (count(&format!("referrals.results.{}", result.code()))) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// The chart of the parts of a section's whole, with the section's table below it when `beside`
/// (else the table is with every other figure, under the id `{id}-numbers`).
fn parts_block(
    ctx: &Context,
    id: &str,
    heading: &str,
    parts: &[Part],
    section: (&Section, Option<&Section>),
    beside: bool,
) -> Result<Markup> {
    let drawing = charts::parts(parts)?;
    let table_id = format!("{id}-numbers");
    let described: Vec<String> = parts
        .iter()
        .map(|p| format!("{} {}", p.label, p.count))
        .collect();
    let title = format!("{heading}: {}", described.join(", "));
    Ok(html! {
        section {
            h2 { (heading) }
            (chart(id, &title, &drawing, &table_id))
            @if beside {
                div id=(table_id) { (ctx.table(section.0, section.1)) }
            }
        }
    })
}

impl Page {
    fn markup(&self) -> Result<Markup> {
        let now = self.whole.current();
        let then = self.whole.baseline();
        let ctx = Context {
            now,
            then,
            values: Values::of(now),
            baseline_values: then.map(Values::of),
            changes: match &self.whole {
                Whole::Against(c) => Some(Changes::of(c)),
                Whole::Period(_) => None,
            },
        };
        let shown = sections(now, then);
        let shown_then = then.map(|t| sections(t, Some(now)));
        let pair = |key: &str| -> Option<(&Section, Option<&Section>)> {
            let i = shown.iter().position(|s| holds(s, key))?;
            Some((&shown[i], shown_then.as_ref().map(|t| &t[i])))
        };
        let title = format!(
            "Early help consultations: figures from {} to {}",
            now.period.from, now.period.to
        );

        let agencies: Vec<&GroupFigures> = self
            .agencies
            .iter()
            .filter(|g| g.figures.threshold.compared > 0)
            .collect();
        let agency_block = agreement_block(&ctx, Grouping::Agency, &agencies, 0)?;
        let recorded = self
            .organisations
            .iter()
            .any(|g| g.group != NO_ORGANISATION);
        let organisation_block = if recorded {
            let mut compared: Vec<&GroupFigures> = self
                .organisations
                .iter()
                .filter(|g| g.figures.threshold.compared > 0)
                .collect();
            let all = compared.len();
            // The organisations with the most compared, in the order of `report --by`.
            compared.sort_by_key(|g| std::cmp::Reverse(g.figures.threshold.compared));
            compared.truncate(ORGANISATIONS_SHOWN);
            let shown: Vec<&GroupFigures> = self
                .organisations
                .iter()
                .filter(|g| compared.iter().any(|c| std::ptr::eq(*c, *g)))
                .collect();
            Some(agreement_block(
                &ctx,
                Grouping::Organisation,
                &shown,
                all - shown.len(),
            )?)
        } else {
            None
        };
        let months_block = months_block(&self.months)?;

        let beside = then.is_none();
        let d = &now.diverted;
        let diverted = pair("diverted.count")
            .map(|section| {
                parts_block(
                    &ctx,
                    "diverted",
                    "Diversions",
                    &[
                        part("Escalated", d.escalated, charts::SCALE[0]),
                        part("Held", d.held, charts::SCALE[1]),
                        part("Too early", d.too_early, charts::SCALE[3]),
                    ],
                    section,
                    beside,
                )
            })
            .transpose()?;
        let u = &now.follow_ups;
        let follow_ups = pair("follow_ups.due")
            .map(|section| {
                parts_block(
                    &ctx,
                    "follow-ups",
                    "Follow-ups",
                    &[
                        part("On time", u.on_time, charts::SCALE[0]),
                        part("Late", u.late, charts::SCALE[1]),
                        part("Overdue", u.overdue, charts::SCALE[2]),
                        part("Upcoming", u.upcoming, charts::SCALE[3]),
                    ],
                    section,
                    beside,
                )
            })
            .transpose()?;
        let grades: Vec<Part> = now
            .oversight
            .grades
            .0
            .iter()
            .zip(charts::SCALE.iter().cycle())
            .map(|((code, n), paint)| {
                let label = Grade::from_code(code).map_or(code.as_str(), |g| g.label());
                part(label, *n, *paint)
            })
            .collect();
        let oversight = pair("oversight.audited")
            .map(|section| {
                parts_block(
                    &ctx,
                    "oversight",
                    "Oversight: audits",
                    &grades,
                    section,
                    beside,
                )
            })
            .transpose()?;
        // The sections whose figures are shown with a chart, and the chart's id. Against a
        // baseline, their tables (wider, with the baseline and the change) are with every other
        // figure, and so is threshold agreement, whose change the tables by group do not show.
        let charted = [
            ("diverted.count", "diverted"),
            ("follow_ups.due", "follow-ups"),
            ("oversight.audited", "oversight"),
        ];
        let rest: Vec<(Option<String>, &Section, Option<&Section>)> = shown
            .iter()
            .enumerate()
            .filter(|(_, s)| !(beside && holds(s, "threshold.compared")))
            .filter_map(|(i, s)| {
                let id = charted
                    .iter()
                    .find(|(key, _)| holds(s, key))
                    .map(|(_, id)| format!("{id}-numbers"));
                if beside && id.is_some() {
                    return None;
                }
                Some((id, s, shown_then.as_ref().map(|t| &t[i])))
            })
            .collect();
        // A section whose every line is a headline figure is not shown again.
        let in_headline = |section: &Section| {
            !section.lines.is_empty()
                && section.lines.iter().all(|l| {
                    HEADLINE.iter().any(|(_, key)| {
                        l.keys.count.as_deref() == Some(*key)
                            || l.keys.rate.as_deref() == Some(*key)
                    })
                })
        };
        let rest: Vec<&(Option<String>, &Section, Option<&Section>)> =
            rest.iter().filter(|(_, s, _)| !in_headline(s)).collect();

        Ok(html! {
            (DOCTYPE)
            html lang="en-GB" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    style { (PreEscaped(STYLE)) }
                }
                body class=[then.is_some().then_some("against")] {
                    header {
                        h1 { "Early help consultations" }
                        p.period {
                            "Figures from "
                            (date(Of::Period, "period.from", now.period.from, &ctx.values))
                            " to "
                            (date(Of::Period, "period.to", now.period.to, &ctx.values))
                            ", as at "
                            (date(Of::Period, "as_at", now.as_at, &ctx.values))
                        }
                        @if let (Some(then), Some(values)) = (ctx.then, &ctx.baseline_values) {
                            p.period {
                                "Against the baseline from "
                                (date(Of::Baseline, "period.from", then.period.from, values))
                                " to "
                                (date(Of::Baseline, "period.to", then.period.to, values))
                                ": each figure beside the baseline's, with the change."
                            }
                        }
                        p.note {
                            "Figures are for discussion, not targets: every rate is shown with its \
                             numerator and denominator. Figures that look ahead — diversions held, \
                             follow-ups overdue, referrals pending — are as at the day above."
                        }
                    }
                    main {
                        section.headline aria-label="Headline figures" {
                            @for (title, key) in HEADLINE {
                                (ctx.card(title, key, &shown, shown_then.as_deref()))
                            }
                        }
                        (agency_block)
                        @if let Some(block) = organisation_block { (block) }
                        (months_block)
                        div.parts {
                            @if let Some(block) = diverted { (block) }
                            @if let Some(block) = follow_ups { (block) }
                            @if let Some(block) = oversight { (block) }
                        }
                        section {
                            h2 { "Every other figure" }
                            div.columns {
                                @for (id, section, then) in rest {
                                    div.figures id=[id] { (ctx.table(section, *then)) }
                                }
                            }
                        }
                    }
                }
            }
        })
    }
}

fn part(label: &str, count: u64, paint: charts::Paint) -> Part<'_> {
    Part {
        label,
        count,
        paint,
    }
}

/// A date of the figures, marked with its key.
fn date(of: Of, key: &str, day: NaiveDate, values: &Values) -> Markup {
    let shown = html! { time datetime=(day.to_string()) { (day) } };
    figure(of, key, values, shown)
}

/// The page's look: A4 on paper, a column as wide as A4 on a screen; greys and one type face
/// the reader's system has.
const STYLE: &str = r#"
@page { size: A4; margin: 8mm 12mm; }
:root { color: #1a1a1a; background: #fff; font: 8.5pt/1.25 "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
body { margin: 0 auto; max-width: 186mm; padding: 6mm 4mm; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 14pt; margin: 0; }
h2 { font-size: 10pt; margin: 6pt 0 2pt; padding-bottom: 1pt; border-bottom: 1.5px solid #1a1a1a; break-after: avoid; }
h3 { font-size: 8.5pt; margin: 4pt 0 1pt; break-after: avoid; }
p { margin: 1pt 0; }
.period { font-size: 10pt; }
.note, figcaption { color: #444; font-size: 7.5pt; }
.headline { display: grid; grid-template-columns: repeat(5, 1fr); gap: 3pt; margin-top: 4pt; }
.card { border: 1px solid #999; border-radius: 2pt; padding: 2pt 4pt; break-inside: avoid; }
.card .what { font-size: 7.5pt; color: #333; }
.card .value { font-size: 11pt; font-weight: bold; }
.card .then { font-size: 7.5pt; color: #333; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; line-height: 1.15; break-inside: avoid; }
th, td { text-align: left; padding: 0.3pt 3pt; border-bottom: 0.5pt solid #d0d0d0; vertical-align: top; font-weight: normal; }
thead th { font-weight: bold; border-bottom: 1px solid #1a1a1a; }
tfoot th, tfoot td { font-weight: bold; border-top: 1px solid #1a1a1a; }
td { white-space: nowrap; font-variant-numeric: tabular-nums; }
.code { font-weight: bold; }
figure { margin: 0; break-inside: avoid; }
svg { display: block; width: 100%; height: auto; }
.months { break-inside: auto; }
.months td, .months th { text-align: right; }
.months th:first-child { text-align: left; }
.parts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 8pt; }
.columns { columns: 4; column-gap: 7pt; }
.figures { break-inside: avoid; }
.against .columns { columns: 2; }
.against .figures, .against .figures table { break-inside: auto; }
.against .figures table { font-size: 7pt; line-height: 1.1; table-layout: fixed; }
.against .figures th:first-child { width: 44%; }
.against .figures thead th { vertical-align: bottom; padding-top: 4pt; }
.against .figures thead th:first-child { font-size: 8pt; }
.against .figures tr { break-inside: avoid; }
.figures h3 { margin-top: 2pt; }
.figures td:first-child, .figures th { white-space: normal; }
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::period::Period;

    #[test]
    fn every_headline_figure_has_its_line() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let f = Figures::compute(
            Period { from: day, to: day },
            day,
            &figures::Tally::default(),
        );
        let shown = sections(&f, None);
        for (_, key) in HEADLINE {
            assert!(line_of(&shown, key).is_some(), "{key}");
        }
    }

    #[test]
    fn every_key_a_line_shows_is_a_figure() {
        let day = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
        let f = Figures::compute(
            Period { from: day, to: day },
            day,
            &figures::Tally::default(),
        );
        let values = Values::of(&f);
        for section in sections(&f, None) {
            for key in section
                .lines
                .iter()
                .flat_map(|l| [&l.keys.count, &l.keys.rate])
                .flatten()
                .map(String::as_str)
                .chain(section.counted.as_ref().and_then(|c| c.key))
            {
                assert!(values.0.contains_key(key), "{key}");
            }
        }
    }
}
