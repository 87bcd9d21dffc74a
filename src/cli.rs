//! The command-line interface: global options and the list of subcommands. Each subcommand's own
//! flags live beside its code in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::domain::period::Period;

/// caselog — a logbook for Early Help Advisors' consultations, referrals and follow-ups.
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

#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// The logbook file [default: $XDG_DATA_HOME/caselog/caselog.db, or the config file's
    /// `database`]
    #[arg(long, global = true, env = "CASELOG_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The config file [default: $XDG_CONFIG_HOME/caselog/config.toml]
    #[arg(long, global = true, env = "CASELOG_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// A partnership's threshold checklist (TOML; see docs/thresholds.md) instead of the bundled
    /// one [default: the config file's `thresholds`]
    #[arg(long, global = true, env = "CASELOG_THRESHOLDS", value_name = "FILE")]
    pub thresholds: Option<PathBuf>,

    /// Never ask questions: a missing required field is an error naming its flag. This is
    /// always so when standard input is not a terminal.
    #[arg(long, global = true)]
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
    /// The month's figures: consultations, threshold agreement, referrals, follow-ups
    Report(commands::report::Args),
    /// Write a period's consultations, referrals or reviews as CSV
    Export(commands::export::Args),
    /// Read consultations, referrals or reviews from CSV written by export
    Import(commands::import::Args),
}
