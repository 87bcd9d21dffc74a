//! One file per subcommand, each holding its flags and the function that runs it:
//! parse → validate into a domain value → one transaction → render.

pub mod amend;
pub mod backup;
pub mod check;
pub mod checklist;
pub mod completions;
pub mod consult;
pub mod export;
pub mod history;
pub mod import;
pub mod list;
pub mod refer;
pub mod report;
pub mod review;
pub mod show;
pub mod void;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::context::Context;
use crate::error::Result;

/// Refuses flags that do not apply: `given` are the flags given, `allowed` those that apply to
/// `what` ("a consultation"); `hint` says what does apply.
pub(crate) fn only(
    given: &[&'static str],
    allowed: &[&str],
    what: &str,
    hint: String,
) -> Result<()> {
    let wrong: Vec<&str> = given
        .iter()
        .copied()
        .filter(|f| !allowed.contains(f))
        .collect();
    if wrong.is_empty() {
        return Ok(());
    }
    Err(crate::error::Error::input(format!(
        "{} {} not apply to {what}",
        wrong.join(", "),
        if wrong.len() == 1 { "does" } else { "do" }
    ))
    .hint(hint))
}

/// Refuses to act on a voided record. The message does not repeat why it was voided: that is
/// record content, which `caselog show` gives to whoever asks for it.
pub(crate) fn refuse_voided(
    id: crate::domain::ids::RecordId,
    voided: &Option<crate::domain::consultation::Voided>,
    refused: &str,
) -> Result<()> {
    match voided {
        Some(_) => Err(
            crate::error::Error::input(format!("{id} was voided: {refused}"))
                .hint(format!("`caselog show {id}` shows when and why")),
        ),
        None => Ok(()),
    }
}

/// A refusal of a date before the record it follows (`follows`, dated `date`) names that
/// record; this adds how to correct that record's date, in case it is the one that is wrong.
pub(crate) fn hint_correcting(
    e: crate::error::Error,
    follows: crate::domain::ids::RecordId,
    date: chrono::NaiveDate,
) -> crate::error::Error {
    if e.message.contains(&format!(" {follows} ")) {
        e.hint(format!(
            "if {follows}'s date {date} is wrong, correct it first: caselog amend {follows} \
             --date DATE --reason TEXT"
        ))
    } else {
        e
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
        Command::Report(args) => report::run(args, ctx, out)?,
        Command::Export(args) => export::run(args, ctx, out)?,
        Command::Import(args) => import::run(args, ctx, out)?,
        Command::Backup(args) => backup::run(args, ctx, out)?,
        Command::Check(args) => check::run(args, ctx, out)?,
        Command::Completions(_) | Command::Man => unreachable!("handled above"),
    }
    Ok(())
}
