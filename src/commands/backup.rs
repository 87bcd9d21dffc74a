//! `caselog backup FILE`: a consistent copy of the logbook, taken while it may be in use,
//! through SQLite's online backup API. The copy is written beside its destination and renamed
//! into place, so a failed backup never leaves a half-written file, and it is owner-only.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::Backup;

use crate::context::Context;
use crate::error::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write the copy
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Replace FILE if it already exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let target = &args.file;
    if target.is_dir() {
        return Err(Error::input(format!("{} is a directory", target.display()))
            .hint("give the backup's file name, e.g. caselog-2026-03-31.db"));
    }
    if target.exists() && !args.force {
        return Err(Error::input(format!("{} already exists", target.display()))
            .hint("use --force to replace it, or choose another name"));
    }
    let logbook = ctx.open_existing()?;
    if let (Ok(a), Ok(b)) = (target.canonicalize(), logbook.path().canonicalize())
        && a == b
    {
        return Err(Error::input(
            "the backup would overwrite the logbook itself",
        ));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::input(format!(
            "cannot write {}: the directory {} does not exist",
            target.display(),
            dir.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix(".caselog-backup-")
        .tempfile_in(dir)
        .map_err(|e| Error::failure(format!("cannot write in {}: {e}", dir.display())))?;
    {
        let mut copy = Connection::open(temp.path())?;
        let backup = Backup::new(&logbook.conn, &mut copy)?;
        backup.run_to_completion(256, Duration::from_millis(10), None)?;
        drop(backup);
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(Error::failure(format!(
                "the copy failed its check: {check}"
            )));
        }
        copy.pragma_update(None, "journal_mode", "DELETE")?;
    }
    let result = if args.force {
        temp.persist(target).map(|_| ())
    } else {
        temp.persist_noclobber(target).map(|_| ())
    };
    result
        .map_err(|e| Error::failure(format!("cannot write {}: {}", target.display(), e.error)))?;
    writeln!(
        out,
        "Backed up {} to {}",
        logbook.path().display(),
        target.display()
    )?;
    Ok(())
}
