//! `caselog backup FILE`: a consistent copy of the logbook, taken while it may be in use,
//! through SQLite's online backup API. The copy is made in an owner-only temporary file and
//! checked; then it is renamed into place (so a failed backup never leaves a half-written
//! file), or written to standard output (`-`) or a special file such as a FIFO. It is never
//! written over the logbook or an existing file unless forced (see `destination`). A team
//! logbook is backed up on its server with pg_dump: this says so.

use std::io::Write;
use std::path::PathBuf;

use crate::context::Context;
use crate::destination::Destination;
use crate::error::{Error, Result};
use crate::store::Logbook;

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
    let logbook = match ctx.open_existing()? {
        Logbook::Sqlite(logbook) => logbook,
        Logbook::Postgres(team) => {
            return Err(Error::input(format!(
                "{} is a team logbook on a server: it is backed up there, with pg_dump",
                team.shown()
            ))
            .hint(format!(
                "pg_dump --format=custom --file caselog.dump '{}' (see \"Backing up\" in \
                 docs/team.md); to keep your own copy of some records, use caselog export",
                team.shown()
            )));
        }
    };
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
