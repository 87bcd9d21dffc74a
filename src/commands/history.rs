//! `caselog history FAMILY`: the family's chronology — every consultation, referral and review in
//! date order — with levels and outcomes, so that a rising pattern is plain to see.

use std::io::Write;

use serde::Serialize;

use crate::context::Context;
use crate::domain::codes::{AGENCY, OUTCOME, RESULT, STATUS};
use crate::domain::history::{self, Entry};
use crate::error::{Error, Result};
use crate::render::{self, ViewFormat};
use crate::store::{consultations, referrals, reviews};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The family's reference, in any case
    #[arg(value_name = "FAMILY")]
    pub family: String,

    /// Include voided records, marked as voided
    #[arg(long)]
    pub all: bool,

    /// How to print it
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

#[derive(Serialize)]
struct History<'a> {
    family: &'a str,
    entries: &'a [Entry],
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let family = crate::domain::text::short("FAMILY", &args.family)?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let mut entries: Vec<Entry> = consultations::for_family(&tx, &family)?
        .iter()
        .map(Entry::consultation)
        .chain(
            referrals::for_family(&tx, &family)?
                .iter()
                .map(Entry::referral),
        )
        .chain(reviews::for_family(&tx, &family)?.iter().map(Entry::review))
        .collect();
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

    match args.format {
        ViewFormat::Json => render::json(
            out,
            &History {
                family: &family,
                entries: &entries,
            },
        ),
        ViewFormat::Table => {
            let mut table = render::table([
                "Date",
                "ID",
                "Record",
                "Level",
                "Outcome / result",
                "Follow-up",
            ]);
            for e in &entries {
                let mut id = e.id.to_string();
                if e.voided.is_some() {
                    id.push_str(" (voided)");
                }
                table.add_row([
                    e.date.to_string(),
                    id,
                    record(e),
                    render::or_blank(&e.level),
                    outcome(e),
                    render::or_blank(&e.follow_up),
                ]);
            }
            writeln!(out, "Family {family}\n{table}")?;
            let count = |record: &str| entries.iter().filter(|e| e.record == record).count();
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            writeln!(
                out,
                "{}, {}, {}",
                plural(count("consultation"), "consultation"),
                plural(count("referral"), "referral"),
                plural(count("review"), "review")
            )?;
            Ok(())
        }
    }
}

/// "consultation — 2A Schools", "referral from C-1 to csc", "review of R-1".
fn record(e: &Entry) -> String {
    match e.record {
        "consultation" => {
            let agency = e.agency.as_deref().unwrap_or_default();
            format!("consultation — {agency} {}", AGENCY.label(agency))
        }
        "referral" => format!(
            "referral from {} to {}",
            e.about.as_deref().unwrap_or_default(),
            e.to.as_deref().unwrap_or_default()
        ),
        _ => format!("review of {}", e.about.as_deref().unwrap_or_default()),
    }
}

/// The outcome, result or status, with its label.
fn outcome(e: &Entry) -> String {
    let coded = |code: &str, label: &str| format!("{code} ({label})");
    if let Some(o) = &e.outcome {
        return coded(o, OUTCOME.label(o));
    }
    if let Some(r) = &e.result {
        return coded(r, RESULT.label(r));
    }
    if let Some(s) = &e.status {
        return coded(s, STATUS.label(s));
    }
    String::new()
}
