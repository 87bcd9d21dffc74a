//! The command-line interface: global options and the list of subcommands. Each subcommand's own
//! flags live beside its code in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::domain::period::Period;

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
    /// The logbook file [default: $XDG_DATA_HOME/caselog/caselog.db, or the config file's
    /// `database`]
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
    pub month: Option<String>,

    /// The first day of the period (inclusive); give --to as well
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// The last day of the period (inclusive); give --from as well
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

impl PeriodArgs {
    pub fn period(&self, today: chrono::NaiveDate) -> crate::error::Result<Period> {
        Period::from_flags(
            self.month.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            today,
        )
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
    /// The month's figures: consultations, threshold agreement, referrals, follow-ups
    Report(commands::report::Args),
    /// Write a period's consultations, referrals or reviews as CSV
    Export(commands::export::Args),
    /// Read consultations, referrals or reviews from CSV written by export
    Import(commands::import::Args),
    /// Copy the logbook to a file, safely, even while it is in use
    Backup(commands::backup::Args),
    /// Check the logbook's integrity and count its records
    Check(commands::check::Args),
    /// Print a shell completion script
    Completions(commands::completions::CompletionsArgs),
    /// Print the man page
    Man,
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
