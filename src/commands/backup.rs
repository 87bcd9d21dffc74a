//! `caselog backup FILE`: a consistent copy of the logbook, taken while it may be in use,
//! through SQLite's online backup API. The copy is made in an owner-only temporary file and
//! checked; then it is renamed into place (so a failed backup never leaves a half-written
//! file), or written to standard output (`-`) or a special file such as a FIFO. It is never
//! written over the logbook or an existing file unless forced (see `destination`).

use std::io::Write;
use std::path::PathBuf;

use crate::context::Context;
use crate::destination::Destination;
use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy (- for standard output)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Replace FILE if it already exists (never the logbook)
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let logbook = ctx.open_existing()?;
    let shown = args.file.display().to_string();
    let destination = Destination::choose(&args.file, &shown, logbook.path(), args.force)?;
    let temp = destination.temporary(&shown)?;
    logbook.backup_to(temp.path())?;
    destination.finish(temp, out, &shown)?;
    let done = format!("Backed up {} to {shown}", logbook.path().display());
    match destination {
        // The copy itself is on standard output.
        Destination::Stdout => eprintln!("{done}"),
        _ => writeln!(out, "{done}")?,
    }
    Ok(())
}
