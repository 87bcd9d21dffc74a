//! The command-line interface: global options and the list of subcommands. Each subcommand's own
//! flags live beside its code in `commands/`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, Parser, Subcommand};

use crate::commands;
use crate::domain::invalid::{FieldName, Invalid, Problem};
use crate::domain::period::{Month, Period};
use crate::domain::values::Day;
use crate::error::{Error, Result};

/// A logbook for Early Help Advisors' consultations, referrals and follow-ups.
///
/// Record each consultation after a surgery, see the threshold checklist, keep track of
/// follow-ups, and export the month's figures. Records are kept in a local SQLite file
/// readable by you alone.
#[derive(Debug, Parser)]
#[command(
    name = "caselog",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The heading the options of every command are listed under.
const GLOBAL: &str = "Global options";

#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The logbook file, or a team logbook's URL, postgresql://USER@HOST[:PORT]/DBNAME
    /// [default: $XDG_DATA_HOME/caselog/caselog.db, or the config file's `database`]
    #[arg(long, global = true, env = "CASELOG_DB", value_name = "PATH", help_heading = GLOBAL)]
    pub db: Option<PathBuf>,

    /// The config file [default: $XDG_CONFIG_HOME/caselog/config.toml]
    #[arg(long, global = true, env = "CASELOG_CONFIG", value_name = "PATH", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,

    /// A partnership's threshold checklist (TOML; see docs/thresholds.md) instead of the bundled
    /// one [default: the config file's `thresholds`]
    #[arg(long, global = true, env = "CASELOG_THRESHOLDS", value_name = "FILE", help_heading = GLOBAL)]
    pub thresholds: Option<PathBuf>,

    /// Never ask questions: a missing required field is an error naming its flag. This is
    /// always so when standard input is not a terminal.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_input: bool,
}

/// The period a report or export covers: `--month`, or `--from` and `--to`; last month when
/// neither is given.
#[derive(Debug, Default, clap::Args)]
pub struct PeriodArgs {
    /// A calendar month, YYYY-MM [default: last month]
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub month: Option<Month>,

    /// The first day of the period (inclusive); give --to as well
    #[arg(long, value_name = "DATE")]
    pub from: Option<Day>,

    /// The last day of the period (inclusive); give --from as well
    #[arg(long, value_name = "DATE")]
    pub to: Option<Day>,
}

impl PeriodArgs {
    pub fn period(&self, today: chrono::NaiveDate) -> Result<Period> {
        Period::given(self.month, self.from, self.to, today).map_err(|e| Error::refused(&e, &flag))
    }
}

/// A field's flag when it is named after the field: `follow_up` is `--follow-up`.
pub fn flag(field: FieldName) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// How the command line names the fields of a set of flags: each field by the flag clap reads
/// it from (`factors` is `--factor`).
pub struct Flags(clap::Command);

impl Flags {
    /// The flags of an `Args` struct.
    pub fn of<A: clap::Args>() -> Flags {
        Flags(A::augment_args(clap::Command::new("caselog")))
    }

    /// The flags of a command as built.
    pub fn from_command(command: clap::Command) -> Flags {
        Flags(command)
    }

    /// The flag a field is given with.
    pub fn name(&self, field: FieldName) -> String {
        self.0
            .get_arguments()
            .find(|a| a.get_id().as_str() == field)
            .and_then(|a| a.get_long())
            .map_or_else(|| flag(field), |long| format!("--{long}"))
    }

    /// A refused value, naming its flag.
    pub fn refuse(&self, invalid: &Invalid) -> Error {
        Error::refused(invalid, &|f| self.name(f))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record a consultation (asks for what is missing when run at a terminal)
    Consult(Box<commands::consult::Args>),
    /// Print the threshold checklist
    Checklist(commands::checklist::Args),
    /// Show one record in full
    Show(commands::show::Args),
    /// List consultations
    List(commands::list::Args),
    /// Record a referral made from a consultation
    Refer(commands::refer::Args),
    /// List the follow-ups and referrals to chase, or record a follow-up or a referral's result
    Review(Box<commands::review::Args>),
    /// Show a family's consultations, referrals and reviews in date order
    History(commands::history::Args),
    /// Correct fields of a record, keeping the old values
    Amend(Box<commands::amend::Args>),
    /// Mark a record as entered in error (it is kept, but leaves lists and figures)
    Void(commands::void::Args),
    /// Record a manager's audit of a consultation, or list a period's learning points
    Audit(Box<commands::audit::Args>),
    /// Draw a reproducible random sample of a period's consultations to audit
    Sample(commands::sample::Args),
    /// The month's figures: consultations, threshold agreement, diversions, referrals, follow-ups,
    /// audits; row by row, or beside a baseline
    Report(commands::report::Args),
    /// Write a period's consultations, referrals, reviews or audits as CSV
    Export(commands::export::Args),
    /// Read consultations, referrals, reviews or audits from CSV written by export
    Import(commands::import::Args),
    /// Copy the logbook to a file, safely, even while it is in use
    Backup(commands::backup::Args),
    /// Check the logbook's integrity and count its records
    Check(commands::check::Args),
    /// Set up a team logbook on a PostgreSQL server: its schema, roles and people
    Team(commands::team::Args),
    /// Send your logbook's records to a team logbook (by UUID, all or nothing)
    Push(commands::push::Args),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page
    Man,
}

/// Reads the command line. What clap would accept wrongly, or refuse with advice that does not
/// work here, caselog refuses in its own words, naming the flag: a value that starts with `-`,
/// a flag given twice, a blank date. Help, the version and other usage errors are clap's.
pub fn parse() -> Result<Cli> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let mut command = Cli::command();
    command.build();
    check_flags(&command, &args)?;
    Cli::try_parse_from(&args).map_err(|e| {
        let Some(refused) = refusal(&e) else { e.exit() };
        let amending = args.iter().any(|a| a == "amend");
        let blank = matches!(
            refused.invalid().map(|i| &i.problem),
            Some(Problem::Empty { .. } | Problem::Missing)
        );
        if amending && blank {
            refused.hint(
                "an empty value does not clear a field: --clear FIELD empties an optional one",
            )
        } else {
            refused
        }
    })
}

/// Walks the words of the command line as clap will read them, refusing a flag given twice
/// (only --factor, --indicator and --age may be repeated) and a flag whose value is missing or starts
/// with `-` (clap would read it as a flag of its own).
fn check_flags(root: &clap::Command, args: &[OsString]) -> Result<()> {
    let mut command = root;
    let mut in_subcommand = false;
    let mut seen: Vec<&str> = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let word = args[i].to_string_lossy();
        i += 1;
        if word == "--" {
            break;
        }
        let (flag, attached) = if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            let flag = command.get_arguments().find(|a| a.get_long() == Some(name));
            (flag, value.is_some())
        } else if word.len() > 1 && word.starts_with('-') {
            let mut letters = word[1..].chars();
            let short = letters.next();
            let flag = command.get_arguments().find(|a| a.get_short() == short);
            (flag, !letters.as_str().is_empty())
        } else {
            if !in_subcommand {
                match command.find_subcommand(word.as_ref()) {
                    Some(sub) => {
                        command = sub;
                        in_subcommand = true;
                    }
                    None => break, // not a command: clap says so
                }
            }
            continue;
        };
        let Some(flag) = flag else {
            continue; // not a flag of this command: clap says so
        };
        let name = match (flag.get_long(), flag.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => continue,
        };
        let action = flag.get_action();
        if matches!(
            action,
            ArgAction::Set | ArgAction::SetTrue | ArgAction::SetFalse
        ) {
            let id = flag.get_id().as_str();
            if seen.contains(&id) {
                return Err(Error::input(format!("{name} is given twice")).hint(format!(
                    "give {name} once: only --factor, --indicator and --age add up when repeated"
                )));
            }
            seen.push(id);
        }
        // A flag whose value may be left out (`--urgent`) is read as clap reads it.
        let optional = flag.get_num_args().is_some_and(|n| n.min_values() == 0);
        if !action.takes_values() || attached || optional {
            continue;
        }
        let value_name = flag
            .get_value_names()
            .and_then(|names| names.first())
            .map_or_else(|| "VALUE".to_string(), |n| n.to_string());
        let missing = || {
            Error::input(format!("{name} needs a value")).hint(format!(
                "write {name} {value_name}; a value that starts with '-' is written \
                 {name}=-…"
            ))
        };
        match args.get(i).map(|next| next.to_string_lossy()) {
            None => return Err(missing()),
            Some(next) if next.starts_with('-') && next != "-" => {
                if is_flag(command, &next) {
                    return Err(missing());
                }
                let joined = format!("{name}={next}");
                let plain = |c: char| c.is_alphanumeric() || "-_.,/:+@%=".contains(c);
                let shown = if joined.chars().all(plain) {
                    joined.clone()
                } else {
                    shlex::try_quote(&joined).map_or(joined.clone(), |q| q.into_owned())
                };
                return Err(Error::input(format!(
                    "the value of {name} starts with '-': write it as {shown}"
                ))
                .hint(format!("on its own, '{next}' would be read as a flag")));
            }
            Some(_) => i += 1,
        }
    }
    Ok(())
}

/// Whether `word` is one of `command`'s flags, or `--`, which ends them.
fn is_flag(command: &clap::Command, word: &str) -> bool {
    if word == "--" {
        return true;
    }
    match word.strip_prefix("--") {
        Some(long) => {
            let name = long.split_once('=').map_or(long, |(name, _)| name);
            command.get_arguments().any(|a| a.get_long() == Some(name))
        }
        None => {
            let short = word.chars().nth(1);
            command.get_arguments().any(|a| a.get_short() == short)
        }
    }
}

/// A clap error that caselog words itself: a value its own parser refused, with the flag (or
/// the argument, such as an ID) named.
fn refusal(e: &clap::Error) -> Option<Error> {
    if e.kind() != ErrorKind::ValueValidation {
        return None;
    }
    let ContextValue::String(arg) = e.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let name = arg.split(' ').next()?.to_string();
    let problem = std::error::Error::source(e)?.downcast_ref::<Problem>()?;
    Some(Error::refused(
        &Invalid::new("value", problem.clone()),
        &|_| name.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_flag_has_help() {
        let cli = Cli::command();
        for cmd in cli.get_subcommands() {
            assert!(cmd.get_about().is_some(), "{} has no help", cmd.get_name());
            for arg in cmd.get_arguments() {
                if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
                    continue;
                }
                assert!(
                    arg.get_help().is_some(),
                    "{} --{} has no help",
                    cmd.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
