//! `caselog export`: a period's consultations, referrals, reviews or audits as CSV in the exchange
//! format (docs/export.md), streamed row by row in ID order. Free text only with
//! `--include-notes`. With `--output`, a file appears whole or not at all, and never over the
//! logbook or an existing file unless forced (see `destination`).

use std::io::Write;
use std::path::PathBuf;

use crate::cli::PeriodArgs;
use crate::context::Context;
use crate::destination::Destination;
use crate::domain::period::Period;
use crate::error::Result;
use crate::exchange::{self, Records};
use crate::progress;
use crate::store::{Reader, Storage};

/// Write a period's records as CSV: one row per record, codes not labels, voided records left
/// out.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Which records: consultations (by consultation date), referrals (by referral date),
    /// reviews (by review date) or audits (by audit date)
    #[arg(long, value_enum, default_value_t = Records::Consultations)]
    pub records: Records,

    /// Include the free-text columns (consultations: rationale, worry, strengths, advice;
    /// referrals: reason; reviews: note; audits: note, learning)
    #[arg(long)]
    pub include_notes: bool,

    /// Write to this file instead of standard output (- for standard output). A new file is
    /// readable by you alone and appears whole or not at all; a device or FIFO is written to as
    /// it is, never replaced
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the --output file if it already exists (never the logbook)
    #[arg(long, requires = "output")]
    pub force: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let period = args.period.period(ctx.clock.today())?;
    let mut logbook = ctx.open_existing()?;
    let given = args.output.unwrap_or_else(|| PathBuf::from("-"));
    let shown = given.display().to_string();
    // A team logbook has no file here for the output to land on.
    let file = logbook.file().unwrap_or(std::path::Path::new(""));
    let destination = Destination::choose(&given, &shown, file, args.force)?;
    let tx = logbook.read()?;
    destination.write(out, &shown, |w| {
        write_csv(tx.as_ref(), period, args.records, args.include_notes, w)
    })
}

/// Writes the records as CSV to `out`, one row at a time.
pub fn write_csv(
    tx: &dyn Reader,
    period: Period,
    records: Records,
    include_notes: bool,
    out: &mut dyn Write,
) -> Result<()> {
    // Counting the rows costs a pass over them: only worth it for a bar someone sees.
    let total = if progress::watching() {
        Some(tx.count_in_period(records.kind(), period)?)
    } else {
        None
    };
    let bar = progress::bar(total, records.noun());
    let mut w = exchange::writer(out);
    w.write_record(records.header(include_notes))?;
    let mut cell = String::new();
    tx.each_in_period(records.kind(), period, &mut |record| {
        bar.inc(1);
        exchange::write_exported(&mut w, &record, include_notes, &mut cell)
    })?;
    w.flush()?;
    bar.finish_and_clear();
    Ok(())
}
