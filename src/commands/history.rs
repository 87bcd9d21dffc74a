//! `caselog history FAMILY`: the family's chronology — every consultation, referral, review and
//! audit in date order — with levels and outcomes, so that a rising pattern is plain to see.

use std::io::Write;

use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::codes::CodeList;
use crate::domain::history::{self, Entry};
use crate::domain::ids::RecordKind;
use crate::domain::invalid::Invalid;
use crate::domain::text::{Text, given};
use crate::error::{Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::{Reader, Storage};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The family's reference, in any case
    #[arg(value_name = "FAMILY")]
    pub family: Text,

    /// Include voided records, marked as voided
    #[arg(long)]
    pub all: bool,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let family = given(&Some(args.family))
        .cloned()
        .ok_or_else(|| Flags::of::<Args>().refuse(&Invalid::missing("family")))?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let mut entries = chronology(tx.as_ref(), &family)?;
    let had_any = !entries.is_empty();
    if !args.all {
        entries.retain(|e| e.voided.is_none());
    }
    if entries.is_empty() {
        let err = Error::input(format!("there are no records about family {family}"));
        return Err(if had_any {
            err.hint("every record about this family was voided; --all shows them")
        } else {
            err.hint("`caselog list` shows the families recorded")
        });
    }
    history::sort(&mut entries);
    args.output.print(&History { family, entries }, out)
}

/// Every record about a family, voided ones too, not yet in order.
fn chronology(tx: &dyn Reader, family: &Text) -> Result<Vec<Entry>> {
    let records = tx.family(family)?;
    Ok(records
        .consultations
        .iter()
        .map(Entry::consultation)
        .chain(records.referrals.iter().map(Entry::referral))
        .chain(records.reviews.iter().map(Entry::review))
        .chain(records.audits.iter().map(Entry::audit))
        .collect())
}

/// Writes a family's chronology for people, as `caselog history FAMILY` prints it.
pub(crate) fn write_table(tx: &dyn Reader, family: &Text, out: &mut dyn Write) -> Result<()> {
    let mut entries = chronology(tx, family)?;
    entries.retain(|e| e.voided.is_none());
    history::sort(&mut entries);
    let family = family.clone();
    History { family, entries }.table(out)
}

/// A family's chronology.
#[derive(Serialize)]
struct History {
    family: Text,
    entries: Vec<Entry>,
}

/// "consultation — 2A Schools", "referral from C-1 to csc", "review of R-1".
fn record(e: &Entry) -> String {
    let about = e.about.map(|a| a.to_string()).unwrap_or_default();
    match e.record {
        RecordKind::Consultation => match e.agency {
            Some(agency) => format!("consultation — {agency} {}", agency.label()),
            None => "consultation".to_string(),
        },
        RecordKind::Referral => format!(
            "referral from {about} to {}",
            e.to.map(|t| t.to_string()).unwrap_or_default()
        ),
        RecordKind::Review => format!("review of {about}"),
        RecordKind::Audit => format!("audit of {about}"),
    }
}

/// The outcome, result or status, with its label.
fn outcome(e: &Entry) -> String {
    if let Some(o) = e.outcome {
        return format!("{o} ({})", o.label());
    }
    if let Some(r) = e.result {
        return format!("{r} ({})", r.label());
    }
    if let Some(s) = e.status {
        return format!("{s} ({})", s.label());
    }
    if let Some(g) = e.grade {
        return format!("{g} ({})", g.label());
    }
    String::new()
}

impl View for History {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let mut table = output::table([
            "Date",
            "ID",
            "Record",
            "Level",
            "Outcome / result",
            "Follow-up",
        ]);
        for e in &self.entries {
            let mut id = e.id.to_string();
            if e.voided.is_some() {
                id.push_str(" (voided)");
            }
            table.add_row([
                e.date.to_string(),
                id,
                record(e),
                e.level.map(|l| l.to_string()).unwrap_or_default(),
                outcome(e),
                e.follow_up.map(|f| f.to_string()).unwrap_or_default(),
            ]);
        }
        writeln!(out, "Family {}\n{table}", self.family)?;
        let count = |kind: RecordKind| {
            let n = self.entries.iter().filter(|e| e.record == kind).count();
            output::count(n, kind.noun())
        };
        write!(
            out,
            "{}, {}, {}",
            count(RecordKind::Consultation),
            count(RecordKind::Referral),
            count(RecordKind::Review)
        )?;
        if self.entries.iter().any(|e| e.record == RecordKind::Audit) {
            write!(out, ", {}", count(RecordKind::Audit))?;
        }
        writeln!(out)?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header: Vec<String> = [
            "date",
            "id",
            "record",
            "about",
            "agency",
            "level",
            "outcome",
            "to",
            "result",
            "status",
            "follow_up",
            "grade",
            "voided",
        ]
        .map(String::from)
        .to_vec();
        let text = |v: Option<String>| v.unwrap_or_default();
        let rows = self.entries.iter().map(|e| {
            vec![
                e.date.to_string(),
                e.id.to_string(),
                e.record.noun().to_string(),
                text(e.about.map(|a| a.to_string())),
                text(e.agency.map(|a| a.to_string())),
                text(e.level.map(|l| l.to_string())),
                text(e.outcome.map(|o| o.to_string())),
                text(e.to.map(|t| t.to_string())),
                text(e.result.map(|r| r.to_string())),
                text(e.status.map(|s| s.to_string())),
                text(e.follow_up.map(|f| f.to_string())),
                text(e.grade.map(|g| g.to_string())),
                if e.voided.is_some() { "yes" } else { "no" }.to_string(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
