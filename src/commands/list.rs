//! `caselog list`: the consultations in the logbook (voided ones left out), filtered, as a
//! table, CSV or JSON.

use std::io::Write;

use crate::cli::flag;
use crate::context::Context;
use crate::domain::codes::{Agency, CodeList, Outcome};
use crate::domain::consultation::Consultation;
use crate::domain::family::FamilyKey;
use crate::domain::invalid::{Invalid, Words};
use crate::domain::period::{self, Period};
use crate::domain::text::{Text, given};
use crate::domain::values::Day;
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::output::{self, Output};
use crate::store::{Filter, Storage};

#[derive(Debug, clap::Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print them: table (for people), csv (the export's columns, without notes) or json \
     (A JSON array of consultations)"
)))]
pub struct Args {
    /// Only consultations on or after this date
    #[arg(long, value_name = "DATE")]
    pub from: Option<Day>,

    /// Only consultations on or before this date
    #[arg(long, value_name = "DATE")]
    pub to: Option<Day>,

    /// Only this family's consultations (in any case, spacing or hyphens: OAK-0142, oak 0142
    /// and OAK0142 are one family)
    #[arg(long, value_name = "REF")]
    pub family: Option<Text>,

    /// Only consultations with this agency (code or alias)
    #[arg(long, value_name = "CODE")]
    pub agency: Option<Agency>,

    /// Only consultations with this consultee's organisation, e.g. "Oakwood Primary School"
    /// (in any case)
    #[arg(long, value_name = "TEXT")]
    pub organisation: Option<Text>,

    /// Only consultations with this outcome
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<Outcome>,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let refused = |e: Invalid| Error::refused(&e, &flag);
    let on = |field, day: Option<Day>| {
        day.map(|d| period::near(field, d.on(today), today))
            .transpose()
            .map_err(refused)
    };
    let (from, to) = (on("from", args.from)?, on("to", args.to)?);
    if let (Some(from), Some(to)) = (from, to) {
        Period::between(from, to).map_err(refused)?;
    }
    let family = given(&args.family)
        .map(|typed| {
            let key = FamilyKey::of(typed.as_str());
            if key.is_empty() {
                return Err(refused(Invalid::rule(
                    "family",
                    Words::new().field("family").text(format!(
                        " '{typed}' has no letter or digit to find a family by"
                    )),
                )));
            }
            Ok(key)
        })
        .transpose()?;
    let filter = Filter {
        from,
        to,
        family,
        agency: args.agency,
        organisation: given(&args.organisation).cloned(),
        outcome: args.outcome,
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    args.output.print_rows(&mut Listed::default(), out, |each| {
        tx.consultations(&filter, &mut |c| each(c))
    })
}

/// Consultations, as `list` prints them: in JSON, each as `show` gives it.
#[derive(Default)]
struct Listed {
    /// A cell's text while it is written, kept from row to row.
    cell: String,
}

impl output::Rows for Listed {
    type Row = Consultation;
    const NOUN: &'static str = "consultation";

    fn headings(&self) -> &[&'static str] {
        &[
            "ID",
            "Date",
            "Family",
            "Agency",
            "Level",
            "Outcome",
            "Follow-up",
            "Advisor",
        ]
    }

    fn cells(&self, c: &Consultation) -> Vec<String> {
        vec![
            c.id.to_string(),
            c.date.to_string(),
            c.family.to_string(),
            format!("{} {}", c.agency, c.agency.label()),
            c.level.to_string(),
            c.outcome.to_string(),
            c.follow_up.map(|f| f.to_string()).unwrap_or_default(),
            c.advisor.to_string(),
        ]
    }

    fn csv_header(&self, w: &mut csv::Writer<&mut dyn Write>) -> Result<()> {
        Ok(w.write_record(Records::Consultations.header(false))?)
    }

    fn csv_row(&mut self, w: &mut csv::Writer<&mut dyn Write>, c: &Consultation) -> Result<()> {
        exchange::write_consultation(w, c, false, &mut self.cell)
    }
}
