//! `caselog list`: the consultations in the logbook (voided ones left out), filtered, as a
//! table, CSV or JSON.

use std::io::Write;

use crate::context::Context;
use crate::domain::codes::{AGENCY, OUTCOME};
use crate::domain::dates;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::exchange;
use crate::render::{self, RowFormat};
use crate::store::consultations::{self, Filter};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only consultations on or after this date
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub from: Option<String>,

    /// Only consultations on or before this date
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub to: Option<String>,

    /// Only this family's consultations
    #[arg(long, value_name = "REF")]
    pub family: Option<String>,

    /// Only consultations with this agency (code or alias)
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,

    /// Only consultations with this outcome
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<String>,

    /// How to print them
    #[arg(long, value_enum, default_value_t = RowFormat::Table)]
    pub format: RowFormat,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let filter = Filter {
        from: args
            .from
            .as_deref()
            .map(|d| dates::parse_date("--from", d, today))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|d| dates::parse_date("--to", d, today))
            .transpose()?,
        family: args
            .family
            .as_deref()
            .map(|f| text::short("--family", f))
            .transpose()?,
        agency: args
            .agency
            .as_deref()
            .map(|a| AGENCY.canonical(a).map_err(|e| e.context("--agency")))
            .transpose()?
            .map(str::to_string),
        outcome: args
            .outcome
            .as_deref()
            .map(|o| OUTCOME.canonical(o).map_err(|e| e.context("--outcome")))
            .transpose()?
            .map(str::to_string),
    };
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && from > to
    {
        return Err(Error::input(format!("--from {from} is after --to {to}")));
    }
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let found = consultations::list(&tx, &filter)?;
    match args.format {
        RowFormat::Json => render::json(out, &found),
        RowFormat::Csv => {
            let mut w = exchange::writer(out);
            w.write_record(exchange::consultation_header(false))?;
            for c in &found {
                exchange::write_row(&mut w, &exchange::consultation_row(c, false))?;
            }
            w.flush()?;
            Ok(())
        }
        RowFormat::Table => {
            let mut table = render::table([
                "ID",
                "Date",
                "Family",
                "Agency",
                "Level",
                "Outcome",
                "Follow-up",
                "Advisor",
            ]);
            for c in &found {
                table.add_row([
                    RecordId::new(RecordKind::Consultation, c.id).to_string(),
                    c.date.to_string(),
                    c.family.clone(),
                    format!("{} {}", c.agency, AGENCY.label(&c.agency)),
                    c.level.to_string(),
                    c.outcome.clone(),
                    render::or_blank(&c.follow_up),
                    c.advisor.clone(),
                ]);
            }
            if !found.is_empty() {
                writeln!(out, "{table}")?;
            }
            writeln!(
                out,
                "{} consultation{}",
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            )?;
            Ok(())
        }
    }
}
