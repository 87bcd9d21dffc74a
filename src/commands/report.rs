//! `caselog report`: the figures of domain brief §5 for a month or a from–to period, as a
//! summary, CSV or JSON; with `--by`, the same figures row by row for each agency, setting,
//! advisor or month.

use std::io::Write;

use crate::cli::PeriodArgs;
use crate::context::Context;
use crate::error::Result;
use crate::output::Output;
use crate::report::figures::{self, Figures, GroupFigures, Grouping};
use crate::report::render::{GroupedJson, Report};
use crate::store::Storage;

/// The figures for a period. Voided records never count.
#[derive(Debug, clap::Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print them: table (a summary; with --by, one row per group), csv (a header of keys \
     such as threshold.over, then one row, or one per group) or json (One JSON object with the \
     keys of docs/reports.md; with --by, an object holding the grouping, the period and one \
     object per group)"
)))]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Split the figures into one row per agency, setting, advisor or month. Referrals and
    /// follow-ups count under their consultation's agency, setting or advisor; by month, each
    /// record counts in the month of its own date (a follow-up in the month it falls due)
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<Grouping>,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let period = args.period.period(today)?;
    let mut logbook = ctx.open_existing()?;
    let tallies = logbook.read()?.tallies(period, today, args.by)?;
    let report = match args.by {
        None => {
            let tally = tallies.get("").cloned().unwrap_or_default();
            Report::Whole(Box::new(Figures::compute(period, &tally)))
        }
        Some(by) => {
            let mut groups: Vec<GroupFigures> = tallies
                .iter()
                .map(|(group, t)| GroupFigures {
                    group: group.clone(),
                    figures: Figures::compute(period, t),
                })
                .collect();
            figures::sort_groups(by, &mut groups);
            Report::Grouped(GroupedJson {
                by: GroupedJson::by_name(by),
                period,
                groups,
                grouping: by,
            })
        }
    };
    args.output.print(&report, out)
}
