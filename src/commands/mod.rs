//! One file per subcommand, each holding its flags and the function that runs it:
//! parse → validate into a domain value → one transaction → render.

pub mod checklist;
pub mod consult;
pub mod export;
pub mod import;
pub mod list;
pub mod report;
pub mod show;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;

pub fn run(cli: Cli) -> Result<()> {
    let ctx = Context::new(cli.global)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Consult(args) => consult::run(*args, &ctx, &mut out)?,
        Command::Checklist(args) => checklist::run(args, &ctx, &mut out)?,
        Command::Show(args) => show::run(args, &ctx, &mut out)?,
        Command::List(args) => list::run(args, &ctx, &mut out)?,
        Command::Report(args) => report::run(args, &ctx, &mut out)?,
        Command::Export(args) => export::run(args, &ctx, &mut out)?,
        Command::Import(args) => import::run(args, &ctx, &mut out)?,
    }
    out.flush()?;
    Ok(())
}
