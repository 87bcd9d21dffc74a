//! `caselog export`: a period's consultations, referrals or reviews as CSV in the exchange
//! format (docs/export.md), streamed row by row in ID order. Free text only with
//! `--include-notes`. With `--output`, the file appears whole or not at all: it is written to
//! an owner-only temporary file beside it and renamed into place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::PeriodArgs;
use crate::context::Context;
use crate::domain::period::Period;
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::progress;
use crate::store::{consultations, referrals, reviews};

/// Write a period's records as CSV: one row per record, codes not labels, voided records left
/// out.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Which records: consultations (by consultation date), referrals (by referral date) or
    /// reviews (by review date)
    #[arg(long, value_enum, default_value_t = Records::Consultations)]
    pub records: Records,

    /// Include the free-text columns (consultations: rationale, worry, strengths, advice;
    /// referrals: reason; reviews: note)
    #[arg(long)]
    pub include_notes: bool,

    /// Write to this file (created readable by you alone) instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let period = args.period.period(ctx.clock.today())?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let write = |w: &mut dyn Write| write_csv(&tx, period, args.records, args.include_notes, w);
    match &args.output {
        None => write(out),
        Some(path) => write_file(path, write),
    }
}

/// Writes the records as CSV to `out`, one row at a time.
pub fn write_csv(
    conn: &rusqlite::Connection,
    period: Period,
    records: Records,
    include_notes: bool,
    out: &mut dyn Write,
) -> Result<()> {
    // Counting the rows costs a pass over them: only worth it for a bar someone sees.
    let total = match (progress::watching(), records) {
        (false, _) => None,
        (true, Records::Consultations) => Some(consultations::count_in_period(conn, period)?),
        (true, Records::Referrals) => Some(referrals::count_in_period(conn, period)?),
        (true, Records::Reviews) => Some(reviews::count_in_period(conn, period)?),
    };
    let bar = progress::bar(total, records.noun());
    let mut w = exchange::writer(out);
    w.write_record(records.header(include_notes))?;
    match records {
        Records::Consultations => consultations::each_in_period(conn, period, |c| {
            bar.inc(1);
            exchange::write_row(&mut w, &exchange::consultation_row(c, include_notes))
        })?,
        Records::Referrals => referrals::each_in_period(conn, period, |r, c_uuid| {
            bar.inc(1);
            exchange::write_row(&mut w, &exchange::referral_row(r, c_uuid, include_notes))
        })?,
        Records::Reviews => reviews::each_in_period(conn, period, |v, c_uuid, r_uuid| {
            bar.inc(1);
            exchange::write_row(
                &mut w,
                &exchange::review_row(v, c_uuid, r_uuid, include_notes),
            )
        })?,
    }
    w.flush()?;
    bar.finish_and_clear();
    Ok(())
}

/// Writes a file whole or not at all: into an owner-only temporary file in the same directory,
/// synced, then renamed over `path`. On failure the temporary file is removed.
fn write_file(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::input(format!("--output {shown} is a directory"))
            .hint("give a file name, e.g. --output consultations-2026-02.csv"));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::input(format!(
            "--output {shown}: the directory {} does not exist",
            dir.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix(".caselog-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::failure(format!("cannot write {shown}: {e}")))?;
    let mut buffered = std::io::BufWriter::new(temp);
    write(&mut buffered).map_err(|e| e.context(format_args!("writing {shown}")))?;
    let temp = buffered
        .into_inner()
        .map_err(|e| Error::failure(format!("cannot write {shown}: {}", e.error())))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::failure(format!("cannot write {shown}: {e}")))?;
    temp.persist(path)
        .map_err(|e| Error::failure(format!("cannot write {shown}: {}", e.error)))?;
    Ok(())
}
