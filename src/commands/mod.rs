//! One file per subcommand, each holding its flags and the function that runs it:
//! parse → validate into a domain value → one transaction → render.

pub mod amend;
pub mod audit;
pub mod backup;
pub mod check;
pub mod checklist;
pub mod completions;
pub mod consult;
pub mod export;
pub mod history;
pub mod import;
pub mod list;
pub mod push;
pub mod refer;
pub mod report;
pub mod review;
pub mod sample;
pub mod show;
pub mod team;
pub mod void;
pub mod weekly;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::invalid::Problem;
use crate::domain::record::Voided;
use crate::error::{Error, Result};

/// Refuses to act on a voided record. The message does not repeat why it was voided: that is
/// record content, which `caselog show` gives to whoever asks for it.
pub(crate) fn refuse_voided(id: RecordId, voided: Option<&Voided>, refused: &str) -> Result<()> {
    match voided {
        Some(_) => Err(Error::input(format!("{id} was voided: {refused}"))
            .hint(format!("`caselog show {id}` shows when and why"))),
        None => Ok(()),
    }
}

/// The refusal of an ID that is not in the logbook.
pub(crate) fn not_found(id: RecordId) -> Error {
    Error::input(format!(
        "there is no {} {id} in this logbook",
        id.kind.noun()
    ))
    .hint(match id.kind {
        RecordKind::Consultation => "`caselog list` shows the consultations and their IDs",
        _ => "`caselog history FAMILY` shows a family's records and their IDs",
    })
}

/// A refused date before the record it follows (`follows`, dated `date`): the message names
/// that record, and this adds how to correct its date, in case that is the one that is wrong.
pub(crate) fn correcting(e: Error, follows: RecordId, date: chrono::NaiveDate) -> Error {
    match e.invalid().map(|i| &i.problem) {
        Some(Problem::BeforeRecord { .. }) => e.hint(format!(
            "if {follows}'s date {date} is wrong, correct it first: caselog amend {follows} \
             --date DATE --reason TEXT"
        )),
        _ => e,
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // These need neither the logbook nor the settings.
    match cli.command {
        Command::Completions(args) => return completions::completions(args, &mut out),
        Command::Man => return completions::man(&mut out),
        _ => {}
    }
    let ctx = Context::new(cli.global)?;
    let ran = dispatch(cli.command, &ctx, &mut out);
    if ran.is_err() {
        ctx.discard_created_logbook();
    }
    ctx.end_if_interrupted();
    ran?;
    out.flush()?;
    Ok(())
}

fn dispatch(command: Command, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Consult(args) => consult::run(*args, ctx, out)?,
        Command::Checklist(args) => checklist::run(args, ctx, out)?,
        Command::Show(args) => show::run(args, ctx, out)?,
        Command::List(args) => list::run(args, ctx, out)?,
        Command::Refer(args) => refer::run(args, ctx, out)?,
        Command::Review(args) => review::run(*args, ctx, out)?,
        Command::History(args) => history::run(args, ctx, out)?,
        Command::Amend(args) => amend::run(*args, ctx, out)?,
        Command::Void(args) => void::run(args, ctx, out)?,
        Command::Audit(args) => audit::run(*args, ctx, out)?,
        Command::Sample(args) => sample::run(args, ctx, out)?,
        Command::Report(args) => report::run(args, ctx, out)?,
        Command::Export(args) => export::run(args, ctx, out)?,
        Command::Import(args) => import::run(args, ctx, out)?,
        Command::Backup(args) => backup::run(args, ctx, out)?,
        Command::Check(args) => check::run(args, ctx, out)?,
        Command::Team(args) => team::run(args, ctx, out)?,
        Command::Push(args) => push::run(args, ctx, out)?,
        Command::Completions(_) | Command::Man => unreachable!("handled above"),
    }
    Ok(())
}
