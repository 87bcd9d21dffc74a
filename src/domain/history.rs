//! A family's chronology: every consultation, referral, review and audit about the family as one
//! list in date order, with the reasoning recorded in each — the worry, the child's voice, the
//! level and why, the outcome and advice, a referral's reason, result and dispute, a review's
//! note, an audit's grade and learning —
//! so that a reviewer can follow the family's story and the judgements made in it. Each kind of
//! record comes in through one constructor (`Entry::consultation`, …), which says what of it
//! the chronology shows; the renderings here (plain text, Markdown, the last year) are pure.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::SerializeMap;

use super::audit::{self, Audit};
use super::checklist::Checklist;
use super::codes::CodeList;
use super::consultation::{self, Consultation};
use super::fields::Field;
use super::ids::{RecordId, RecordKind};
use super::invalid::FieldName;
use super::record::Voided;
use super::referral::{self, Referral};
use super::review::{self, Review};
use super::text::Text;
use super::values::Level;

/// One record in a family's chronology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// C-<n>, R-<n>, V-<n> or A-<n>.
    pub id: RecordId,
    /// `consultation`, `referral`, `review` or `audit`.
    pub record: RecordKind,
    pub date: NaiveDate,
    /// What the record is about: the consultation a referral was made from, the consultation
    /// or referral a review follows up, or the consultation an audit looked at.
    pub about: Option<RecordId>,
    /// What the record is, in a few words: "consultation — 2A Schools", "referral from C-1 to
    /// csc", "review of R-1", "audit of C-1".
    pub heading: String,
    /// The level of need it gives: a consultation's, or a new level set at a review.
    pub level: Option<Level>,
    /// Where it ended: a consultation's outcome, a referral's result (as it stands now), a
    /// review's status or the result it recorded, an audit's grade.
    pub outcome: Option<Coded>,
    /// The check-back date set by a consultation or a review.
    pub follow_up: Option<NaiveDate>,
    /// What the chronology shows of it, in reading order: the fields recorded, with their
    /// labels. In JSON, an object of each field's name and its value as exported.
    #[serde(
        serialize_with = "details_object",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub details: Vec<Detail>,
    pub voided: Option<Voided>,
}

/// A code with its label; in JSON, the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded {
    pub code: &'static str,
    pub label: &'static str,
}

impl Coded {
    pub fn of<C: CodeList>(code: C) -> Coded {
        Coded {
            code: code.code(),
            label: code.label(),
        }
    }
}

impl std::fmt::Display for Coded {
    /// "early-help (Early help assessment / team around the family)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.label)
    }
}

impl Serialize for Coded {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code)
    }
}

/// One field of a record, as the chronology shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    /// The field's name: its column in the export.
    pub field: FieldName,
    /// Its label, for people.
    pub label: &'static str,
    /// The value as exported: codes, ISO dates, lists joined with `;`.
    pub value: String,
    /// The value for people: codes with their labels, one item of a list per line.
    pub shown: String,
}

fn details_object<S: serde::Serializer>(details: &[Detail], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(details.len()))?;
    for d in details {
        map.serialize_entry(d.field, &d.value)?;
    }
    map.end()
}

/// The yes/no fields a chronology shows only when the answer is yes.
const ONLY_WHEN_YES: &[FieldName] = &["urgent", "disputed"];

/// The fields of a record named in `names`, in that order, leaving out those it has no value
/// for (and an urgency or dispute that is not there).
pub fn details<R, D>(
    table: &'static [Field<R, D>],
    record: &R,
    checklist: &Checklist,
    names: &[FieldName],
) -> Vec<Detail> {
    names
        .iter()
        .filter_map(|name| table.iter().find(|f| f.name == *name))
        .filter_map(|f| {
            let value = f.text_of(record);
            let absent = value.is_empty() || (ONLY_WHEN_YES.contains(&f.name) && value == "no");
            (!absent).then(|| Detail {
                field: f.name,
                label: f.label,
                value,
                shown: (f.describe)(record, checklist),
            })
        })
        .collect()
}

/// What the chronology shows of a consultation: who and where, whom it is about, the worry and
/// the child's voice, the judgement and its reasons, the pathway and the advice.
const CONSULTATION: &[FieldName] = &[
    "advisor",
    "setting",
    "mode",
    "agency",
    "role",
    "organisation",
    "children",
    "ages",
    "worry",
    "voice",
    "strengths",
    "factors",
    "indicators",
    "consultee_level",
    "suggested_level",
    "level",
    "rationale",
    "confidence_before",
    "confidence_after",
    "consent",
    "outcome",
    "advice",
    "follow_up",
];

/// What it shows of a referral: where to, why, and what the front door decided.
const REFERRAL: &[FieldName] = &[
    "to",
    "by",
    "urgent",
    "reason",
    "consent",
    "result",
    "result_date",
    "disputed",
];

/// What it shows of an audit: who looked, the grade and whether they agreed, and what to learn.
const AUDIT: &[FieldName] = &[
    "auditor",
    "grade",
    "level_agreed",
    "pathway_agreed",
    "note",
    "learning",
];

impl Entry {
    pub fn consultation(c: &Consultation, checklist: &Checklist) -> Entry {
        Entry {
            id: c.id.any(),
            record: RecordKind::Consultation,
            date: c.date,
            about: None,
            heading: format!("consultation — {} {}", c.agency, c.agency.label()),
            level: Some(c.level),
            outcome: Some(Coded::of(c.outcome)),
            follow_up: c.follow_up,
            details: details(consultation::FIELDS, c, checklist, CONSULTATION),
            voided: c.voided.clone(),
        }
    }

    pub fn referral(r: &Referral, checklist: &Checklist) -> Entry {
        Entry {
            id: r.id.any(),
            record: RecordKind::Referral,
            date: r.date,
            about: Some(r.consultation.any()),
            heading: format!("referral from {} to {}", r.consultation, r.to),
            level: None,
            outcome: Some(Coded::of(r.result)),
            follow_up: None,
            details: details(referral::FIELDS, r, checklist, REFERRAL),
            voided: r.voided.clone(),
        }
    }

    pub fn review(v: &Review, checklist: &Checklist) -> Entry {
        let about = v
            .consultation
            .map(|c| c.any())
            .or(v.referral.map(|r| r.any()));
        let outcome = v.result.map(Coded::of).or(v.status.map(Coded::of));
        let shown: Vec<FieldName> = v
            .fields()
            .iter()
            .copied()
            .filter(|f| *f != "date")
            .collect();
        Entry {
            id: v.id.any(),
            record: RecordKind::Review,
            date: v.date,
            about,
            heading: match about {
                Some(about) => format!("review of {about}"),
                None => "review".to_string(),
            },
            level: v.level,
            outcome,
            follow_up: v.follow_up,
            details: details(review::FIELDS, v, checklist, &shown),
            voided: v.voided.clone(),
        }
    }

    pub fn audit(a: &Audit, checklist: &Checklist) -> Entry {
        Entry {
            id: a.id.any(),
            record: RecordKind::Audit,
            date: a.date,
            about: Some(a.consultation.any()),
            heading: format!("audit of {}", a.consultation),
            level: None,
            outcome: Some(Coded::of(a.grade)),
            follow_up: None,
            details: details(audit::FIELDS, a, checklist, AUDIT),
            voided: a.voided.clone(),
        }
    }

    /// A field's value as exported, when the chronology shows it.
    pub fn detail(&self, field: FieldName) -> Option<&str> {
        self.details
            .iter()
            .find(|d| d.field == field)
            .map(|d| d.value.as_str())
    }

    /// The heading, marked when the record was voided.
    fn title(&self) -> String {
        match &self.voided {
            Some(v) => format!("{} (VOIDED {}: {})", self.heading, v.at, v.reason),
            None => self.heading.clone(),
        }
    }
}

/// Puts a chronology in order: by date, then consultations before the referrals, reviews and
/// audits made from them on the same day, then by number.
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by_key(|e| (e.date, e.id.kind, e.id.number));
}

/// "2 consultations, 1 referral, 0 reviews": how many records of each kind, every kind of
/// record but those the chronology has none of beyond the first three.
pub fn counts(entries: &[Entry]) -> String {
    RecordKind::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, kind)| {
            let n = entries.iter().filter(|e| e.record == *kind).count();
            (i < 3 || n > 0).then(|| {
                let noun = kind.noun();
                format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The chronology as plain text for people: each record under a line with its date, ID and
/// what it is, then each field with its label, narratives kept to their own lines.
pub fn text(family: &Text, entries: &[Entry]) -> String {
    let mut out = format!("Family {family}: {}\n", counts(entries));
    for e in entries {
        let _ = writeln!(out, "\n{}  {}  {}", e.date, e.id, e.title());
        let width = e
            .details
            .iter()
            .map(|d| d.label.chars().count())
            .max()
            .unwrap_or(0);
        for d in &e.details {
            let label = format!("{}:", d.label);
            let mut lines = d.shown.lines();
            let first = lines.next().unwrap_or_default();
            let _ = writeln!(out, "    {label:<w$} {first}", w = width + 1);
            for line in lines {
                let _ = writeln!(out, "    {:<w$} {line}", "", w = width + 1);
            }
        }
    }
    out
}

/// Escapes what Markdown would read as formatting in text people typed.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The chronology in Markdown, to attach to a referral: a heading per record, its fields as a
/// list, line breaks in notes kept.
pub fn markdown(family: &Text, entries: &[Entry]) -> String {
    let mut out = format!(
        "# Family {}\n\n{}\n",
        escaped(family.as_str()),
        counts(entries)
    );
    for e in entries {
        let _ = writeln!(out, "\n## {} — {}: {}\n", e.date, e.id, escaped(&e.title()));
        for d in &e.details {
            let lines: Vec<String> = d.shown.lines().map(escaped).collect();
            let _ = writeln!(out, "- **{}:** {}", d.label, lines.join("  \n  "));
        }
    }
    out
}

/// A family's last year as a few lines of plain text, as the form shows it when a family is
/// entered: one line per record (date, ID, what it is, level and outcome; for a consultation,
/// who brought it and the first line of the worry), or that there is nothing. `entries` are the
/// family's records in the year up to `today`, in order.
pub fn last_year(family: &Text, entries: &[Entry], today: NaiveDate) -> String {
    let since = today - chrono::Days::new(365);
    if entries.is_empty() {
        return format!("Family {family}: nothing recorded since {since}.\n");
    }
    let mut out = format!("Family {family} since {since}: {}\n", counts(entries));
    for e in entries {
        // A consultation is named by who brought it (agency code, organisation, role), so that
        // the line fits a terminal with the worry at its end.
        let what = match e.record {
            RecordKind::Consultation => ["agency", "organisation", "role"]
                .iter()
                .filter_map(|f| e.detail(f))
                .collect::<Vec<_>>()
                .join(", "),
            _ => e.heading.clone(),
        };
        let mut line = format!("  {}  {}  {what}", e.date, e.id);
        if let Some(level) = e.level {
            let _ = write!(line, "; level {level}");
        }
        if let Some(outcome) = e.outcome {
            let _ = write!(line, "; {}", outcome.code);
        }
        if let Some(f) = e.follow_up {
            let _ = write!(line, "; follow-up {f}");
        }
        if let Some(worry) = e.detail("worry") {
            let first = worry.lines().next().unwrap_or_default();
            let _ = write!(line, " · “{first}”");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: RecordKind, n: i64, date: &str) -> Entry {
        Entry {
            id: RecordId::new(kind, n),
            record: kind,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            about: None,
            heading: kind.noun().to_string(),
            level: None,
            outcome: None,
            follow_up: None,
            details: Vec::new(),
            voided: None,
        }
    }

    #[test]
    fn date_order_then_consultation_referral_review_then_number() {
        let mut entries = vec![
            entry(RecordKind::Review, 1, "2026-03-02"),
            entry(RecordKind::Consultation, 2, "2026-03-02"),
            entry(RecordKind::Referral, 1, "2026-03-02"),
            entry(RecordKind::Consultation, 1, "2026-03-01"),
            entry(RecordKind::Consultation, 3, "2026-03-02"),
        ];
        sort(&mut entries);
        let ids: Vec<String> = entries.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(ids, ["C-1", "C-2", "C-3", "R-1", "V-1"]);
        assert_eq!(counts(&entries), "3 consultations, 1 referral, 1 review");
    }

    fn detail(field: FieldName, label: &'static str, shown: &str) -> Detail {
        Detail {
            field,
            label,
            value: shown.to_string(),
            shown: shown.to_string(),
        }
    }

    #[test]
    fn notes_keep_their_lines_in_text_and_markdown() {
        let mut e = entry(RecordKind::Consultation, 1, "2026-03-02");
        e.details = vec![
            detail("worry", "Worry", "Hungry *every* day\nand tired"),
            detail("level", "Advisor's level", "3 (Targeted early help)"),
        ];
        let family: Text = "OAK-0142".parse().unwrap();
        assert_eq!(
            text(&family, std::slice::from_ref(&e)),
            "Family OAK-0142: 1 consultation, 0 referrals, 0 reviews\n\n\
             2026-03-02  C-1  consultation\n    \
             Worry:           Hungry *every* day\n                     \
             and tired\n    \
             Advisor's level: 3 (Targeted early help)\n"
        );
        assert_eq!(
            markdown(&family, std::slice::from_ref(&e)),
            "# Family OAK-0142\n\n1 consultation, 0 referrals, 0 reviews\n\n\
             ## 2026-03-02 — C-1: consultation\n\n\
             - **Worry:** Hungry \\*every\\* day  \n  and tired\n\
             - **Advisor's level:** 3 (Targeted early help)\n"
        );
    }

    #[test]
    fn the_last_year_is_a_line_per_record() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let family: Text = "OAK-0142".parse().unwrap();
        assert_eq!(
            last_year(&family, &[], today),
            "Family OAK-0142: nothing recorded since 2025-03-15.\n"
        );
        let mut e = entry(RecordKind::Consultation, 4, "2026-01-05");
        e.level = Level::new(3);
        e.outcome = Some(Coded::of(super::super::codes::Outcome::EarlyHelp));
        e.details = vec![
            detail("agency", "Consultee's agency", "2A"),
            detail("role", "Consultee's role", "DSL"),
            detail("worry", "Worry", "Hungry\nand tired"),
        ];
        let mut r = entry(RecordKind::Referral, 2, "2026-01-06");
        r.heading = "referral from C-4 to csc".to_string();
        r.outcome = Some(Coded::of(super::super::codes::ReferralResult::Nfa));
        assert_eq!(
            last_year(&family, &[e, r], today),
            "Family OAK-0142 since 2025-03-15: 1 consultation, 1 referral, 0 reviews\n  \
             2026-01-05  C-4  2A, DSL; level 3; early-help · “Hungry”\n  \
             2026-01-06  R-2  referral from C-4 to csc; nfa\n"
        );
    }
}
