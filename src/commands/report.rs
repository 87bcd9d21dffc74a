//! `caselog report`: the figures of domain brief §5 for a month or a from–to period, as a
//! summary, CSV or JSON; with `--by`, the same figures row by row for each agency,
//! organisation, setting, advisor or month; with `--against`, beside a baseline period with the
//! change of each count and rate.

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::{Flags, PeriodArgs};
use crate::context::Context;
use crate::domain::period::{Month, Period, Span};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::report::figures::{self, Comparison, Figures, GroupFigures, Grouping, Tally};
use crate::report::render::{GroupedJson, Report};
use crate::store::Storage;

/// The figures for a period. Voided records never count.
#[derive(Debug, clap::Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print them: table (a summary; with --by, one row per group; with --against, the \
     two periods side by side), csv (a header of keys such as threshold.over, then one row, or \
     one per group; with --against, one row per figure) or json (One JSON object with the keys \
     of docs/reports.md; with --by, an object holding the grouping, the period and one object \
     per group; with --against, an object holding the current figures, the baseline's and the \
     change of each)"
)))]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Split the figures into one row per agency, organisation, setting, advisor or month.
    /// Referrals and follow-ups count under their consultation's group; by month, each record
    /// counts in the month of its own date (a follow-up in the month it falls due)
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<Grouping>,

    /// Set the figures beside those of a baseline period, FROM..TO (both inclusive), with the
    /// change of each count and rate
    #[arg(long, value_name = "FROM..TO", conflicts_with = "against_month")]
    pub against: Option<Span>,

    /// The same as --against, for a calendar month as the baseline (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub against_month: Option<Month>,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let period = args.period.period(today)?;
    let flags = Flags::of::<Args>();
    let baseline =
        Period::baseline(args.against, args.against_month, today).map_err(|e| flags.refuse(&e))?;
    if args.by.is_some() && baseline.is_some() {
        let against = if args.against.is_some() {
            "--against"
        } else {
            "--against-month"
        };
        return Err(Error::input(format!(
            "{against} compares the whole figures of two periods, not row by row: it cannot \
             be given with --by"
        ))
        .hint(format!(
            "leave out --by to compare the periods, or leave out {against} for the figures row \
             by row"
        )));
    }
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let whole = |tallies: BTreeMap<Option<String>, Tally>, period: Period| {
        let tally = tallies.into_values().next().unwrap_or_default();
        Figures::compute(period, today, &tally)
    };
    let report = match (args.by, baseline) {
        (Some(by), _) => {
            let mut groups: Vec<(Option<String>, Figures)> = tx
                .tallies(period, today, Some(by))?
                .iter()
                .map(|(group, t)| (group.clone(), Figures::compute(period, today, t)))
                .collect();
            figures::sort_groups(by, &mut groups);
            Report::Grouped(GroupedJson {
                by: by.name(),
                period,
                as_at: today,
                groups: groups
                    .into_iter()
                    .map(|(group, figures)| GroupFigures {
                        group: figures::group_name(group.as_deref()),
                        figures,
                    })
                    .collect(),
                grouping: by,
            })
        }
        (None, Some(baseline)) => {
            let current = whole(tx.tallies(period, today, None)?, period);
            let then = whole(tx.tallies(baseline, today, None)?, baseline);
            Report::Compared(Box::new(Comparison::new(current, then)))
        }
        (None, None) => Report::Whole(Box::new(whole(tx.tallies(period, today, None)?, period))),
    };
    drop(tx);
    args.output.print(&report, out)
}
