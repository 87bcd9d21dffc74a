//! `caselog history FAMILY`: the family's chronology — every consultation, referral, review and
//! audit in date order, with the reasoning recorded in each — found by the family's key, whatever
//! spelling each record was typed with. `--brief` gives one line per record; `--format markdown`
//! a chronology to attach to a referral.

use std::io::Write;

use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::checklist::Checklist;
use crate::domain::family::FamilyKey;
use crate::domain::history::{self, Entry};
use crate::domain::invalid::{Invalid, Words};
use crate::domain::text::{Text, given};
use crate::error::{Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::{Reader, Storage};

#[derive(Debug, clap::Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print it: table (for people: the chronology, or with --brief a table), markdown \
     (headings per record, to attach to a referral), csv or json"
)))]
pub struct Args {
    /// The family's reference, in any case, spacing or hyphens (OAK-0142, oak 0142 and OAK0142
    /// are one family)
    #[arg(value_name = "FAMILY")]
    pub family: Text,

    /// Include voided records, marked as voided
    #[arg(long)]
    pub all: bool,

    /// One line per record — date, ID, what it is, level, outcome and follow-up — without the
    /// reasoning
    #[arg(long)]
    pub brief: bool,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let refuse = |invalid| Flags::of::<Args>().refuse(&invalid);
    let typed = given(&Some(args.family))
        .cloned()
        .ok_or_else(|| refuse(Invalid::missing("family")))?;
    let key = FamilyKey::of(typed.as_str());
    if key.is_empty() {
        return Err(refuse(Invalid::rule(
            "family",
            Words::new().field("family").text(format!(
                " '{typed}' has no letter or digit to find a family by"
            )),
        )));
    }
    let checklist = ctx.checklist()?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let records = tx.family(&key)?;
    let mut entries = records.chronology(&checklist);
    let had_any = !entries.is_empty();
    if !args.all {
        entries.retain(|e| e.voided.is_none());
    }
    if entries.is_empty() {
        let err = Error::input(format!("there are no records about family {typed}"));
        return Err(if had_any {
            err.hint("every record about this family was voided; --all shows them")
        } else {
            err.hint("`caselog list` shows the families recorded")
        });
    }
    let family = records.spelling().cloned().unwrap_or(typed);
    if args.brief {
        for e in &mut entries {
            e.details.clear();
        }
    }
    args.output.print(
        &History {
            family,
            key,
            brief: args.brief,
            entries,
        },
        out,
    )
}

/// Writes a family's chronology for people, the records that stand, as `caselog history FAMILY`
/// prints it (the audit form shows it before its questions).
pub(crate) fn write_chronology(
    tx: &dyn Reader,
    family: &Text,
    checklist: &Checklist,
    out: &mut dyn Write,
) -> Result<()> {
    let records = tx.family(&FamilyKey::of(family.as_str()))?;
    let mut entries = records.chronology(checklist);
    entries.retain(|e| e.voided.is_none());
    let family = records.spelling().unwrap_or(family);
    write!(out, "{}", history::text(family, &entries))?;
    Ok(())
}

/// A family's chronology.
#[derive(Serialize)]
struct History {
    /// The family's spelling: that of its first consultation.
    family: Text,
    /// The key its records were found by.
    key: FamilyKey,
    #[serde(skip)]
    brief: bool,
    entries: Vec<Entry>,
}

impl History {
    /// The ID, marked when voided.
    fn id(e: &Entry) -> String {
        let mut id = e.id.to_string();
        if e.voided.is_some() {
            id.push_str(" (voided)");
        }
        id
    }

    /// One line per record, as cells: date, ID, what, level, outcome, follow-up.
    fn brief_rows(&self) -> impl Iterator<Item = [String; 6]> + '_ {
        self.entries.iter().map(|e| {
            [
                e.date.to_string(),
                History::id(e),
                e.heading.clone(),
                e.level.map(|l| l.to_string()).unwrap_or_default(),
                e.outcome.map(|o| o.to_string()).unwrap_or_default(),
                e.follow_up.map(|f| f.to_string()).unwrap_or_default(),
            ]
        })
    }
}

const BRIEF_HEADER: [&str; 6] = [
    "Date",
    "ID",
    "Record",
    "Level",
    "Outcome / result",
    "Follow-up",
];

impl View for History {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        if !self.brief {
            write!(out, "{}", history::text(&self.family, &self.entries))?;
            return Ok(());
        }
        let mut table = output::table(BRIEF_HEADER);
        for row in self.brief_rows() {
            table.add_row(row);
        }
        writeln!(out, "Family {}\n{table}", self.family)?;
        writeln!(out, "{}", history::counts(&self.entries))?;
        Ok(())
    }

    fn markdown(&self, out: &mut dyn Write) -> Result<()> {
        if !self.brief {
            write!(out, "{}", history::markdown(&self.family, &self.entries))?;
            return Ok(());
        }
        writeln!(out, "# Family {}\n", self.family)?;
        writeln!(out, "| {} |", BRIEF_HEADER.join(" | "))?;
        writeln!(out, "|{}", "---|".repeat(BRIEF_HEADER.len()))?;
        for row in self.brief_rows() {
            writeln!(out, "| {} |", row.join(" | "))?;
        }
        writeln!(out, "\n{}", history::counts(&self.entries))?;
        Ok(())
    }

    /// Brief: one row per record. Full: one row per field of each record, so that every kind
    /// of record fits the same columns.
    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let voided = |e: &Entry| if e.voided.is_some() { "yes" } else { "no" }.to_string();
        let about = |e: &Entry| e.about.map(|a| a.to_string()).unwrap_or_default();
        if self.brief {
            let header: Vec<String> = [
                "date",
                "id",
                "record",
                "about",
                "what",
                "level",
                "outcome",
                "follow_up",
                "voided",
            ]
            .map(String::from)
            .to_vec();
            let rows = self.entries.iter().map(|e| {
                vec![
                    e.date.to_string(),
                    e.id.to_string(),
                    e.record.noun().to_string(),
                    about(e),
                    e.heading.clone(),
                    e.level.map(|l| l.to_string()).unwrap_or_default(),
                    e.outcome.map(|o| o.code.to_string()).unwrap_or_default(),
                    e.follow_up.map(|f| f.to_string()).unwrap_or_default(),
                    voided(e),
                ]
            });
            return exchange::write_csv(out, &header, rows);
        }
        let header: Vec<String> = [
            "date", "id", "record", "about", "voided", "field", "label", "value",
        ]
        .map(String::from)
        .to_vec();
        let rows = self.entries.iter().flat_map(|e| {
            e.details.iter().map(move |d| {
                vec![
                    e.date.to_string(),
                    e.id.to_string(),
                    e.record.noun().to_string(),
                    about(e),
                    voided(e),
                    d.field.to_string(),
                    d.label.to_string(),
                    d.value.clone(),
                ]
            })
        });
        exchange::write_csv(out, &header, rows)
    }
}
