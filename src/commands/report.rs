//! `caselog report`: the figures of domain brief §5 for a month or a from–to period, as a
//! summary, CSV or JSON; with `--by`, the same figures row by row for each agency,
//! organisation, setting, advisor or month; with `--against`, beside a baseline period with the
//! change of each count and rate; as a page of HTML with `--format html`, which adds the rows
//! by agency and organisation and by month over the year to the period's end. With `--output`,
//! a file appears whole or not at all, and never over the logbook or an existing file unless
//! forced (see `destination`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::{Flags, PeriodArgs};
use crate::context::Context;
use crate::destination::Destination;
use crate::domain::period::{Month, Period, Span};
use crate::error::{Error, Result};
use crate::output::{Format, Output};
use crate::report::figures::{self, Comparison, Figures, GroupFigures, Grouping, Tally};
use crate::report::html::{self, Page, Whole};
use crate::report::render::{GroupedJson, Report};
use crate::store::{Reader, Storage};

/// The figures for a period. Voided records never count.
#[derive(Debug, clap::Args)]
#[command(mut_arg("format", |a| a.help(
    "How to print them: table (a summary; with --by, one row per group; with --against, the \
     two periods side by side), csv (a header of keys such as threshold.over, then one row, or \
     one per group; with --against, one row per figure), json (One JSON object with the keys \
     of docs/reports.md; with --by, an object holding the grouping, the period and one object \
     per group; with --against, an object holding the current figures, the baseline's and the \
     change of each) or html (one page to look at or print on A4: the headline figures, charts \
     of threshold agreement by agency and organisation, of consultations and front-door \
     referrals by month over the year to the period's end, of diversions, follow-ups and \
     audits, and every other figure; with --against, the change beside each figure)"
)))]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Split the figures into one row per agency, organisation, setting, advisor or month.
    /// Referrals and follow-ups count under their consultation's group; by month, each record
    /// counts in the month of its own date (a follow-up in the month it falls due)
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<Grouping>,

    /// With --by, a table with every figure it has in a column of its own (wider than a
    /// 100-column terminal) instead of the figures that tell most about a group, two to a column
    #[arg(long, requires = "by")]
    pub wide: bool,

    /// Set the figures beside those of a baseline period, FROM..TO (both inclusive), with the
    /// change of each count and rate
    #[arg(long, value_name = "FROM..TO", conflicts_with = "against_month")]
    pub against: Option<Span>,

    /// The same as --against, for a calendar month as the baseline (YYYY-MM)
    #[arg(long, value_name = "YYYY-MM")]
    pub against_month: Option<Month>,

    #[command(flatten)]
    pub output: Output,

    /// Write to this file instead of standard output (- for standard output). A new file is
    /// readable by you alone and appears whole or not at all; a device or FIFO is written to as
    /// it is, never replaced
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Replace the --output file if it already exists (never the logbook)
    #[arg(long, requires = "file")]
    pub force: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let period = args.period.period(today)?;
    let flags = Flags::of::<Args>();
    let baseline =
        Period::baseline(args.against, args.against_month, today).map_err(|e| flags.refuse(&e))?;
    let html = args.output.format() == Format::Html;
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
    if let (Some(by), true) = (args.by, html) {
        return Err(Error::input(format!(
            "--format html is the whole page, with its own rows by agency, organisation and \
             month: it cannot be given with --by {}",
            by.name()
        ))
        .hint("leave out --by for the page, or choose --format table, csv or json for the rows"));
    }
    let mut logbook = ctx.open_existing()?;
    let given = args.file.unwrap_or_else(|| PathBuf::from("-"));
    let shown = given.display().to_string();
    // A team logbook has no file here for the output to land on.
    let file = logbook.file().unwrap_or(std::path::Path::new(""));
    let destination = Destination::choose(&given, &shown, file, args.force)?;
    let reader = logbook.read_figures()?;
    let tx = reader.as_ref();
    let whole = |period: Period| -> Result<Figures> {
        let tally = tx
            .tallies(period, today, None)?
            .into_values()
            .next()
            .unwrap_or_default();
        Ok(Figures::compute(period, today, &tally))
    };
    if html {
        let whole = match baseline {
            Some(baseline) => {
                Whole::Against(Box::new(Comparison::new(whole(period)?, whole(baseline)?)))
            }
            None => Whole::Period(Box::new(whole(period)?)),
        };
        let year = Period::year_to(period.to);
        let mut by_month = grouped(tx, Grouping::Month, year, today)?;
        let months = year
            .months()
            .into_iter()
            .map(
                |month| match by_month.iter().position(|g| g.group == month) {
                    Some(i) => by_month.swap_remove(i),
                    // A month with nothing to count.
                    None => GroupFigures {
                        group: month,
                        figures: Figures::compute(year, today, &Tally::default()),
                    },
                },
            )
            .collect();
        let page = Page {
            whole,
            agencies: grouped(tx, Grouping::Agency, period, today)?,
            organisations: grouped(tx, Grouping::Organisation, period, today)?,
            months,
        };
        drop(reader);
        return destination.write(out, &shown, |w| html::write(&page, w));
    }
    let report = match (args.by, baseline) {
        (Some(by), _) => Report::Grouped(GroupedJson {
            by: by.name(),
            period,
            as_at: today,
            groups: grouped(tx, by, period, today)?,
            grouping: by,
            wide: args.wide,
        }),
        (None, Some(baseline)) => {
            Report::Compared(Box::new(Comparison::new(whole(period)?, whole(baseline)?)))
        }
        (None, None) => Report::Whole(Box::new(whole(period)?)),
    };
    drop(reader);
    destination.write(out, &shown, |w| args.output.print(&report, w))
}

/// The figures of each group of the period, in the order of `report --by`.
fn grouped(
    tx: &dyn Reader,
    by: Grouping,
    period: Period,
    today: NaiveDate,
) -> Result<Vec<GroupFigures>> {
    let tallies: BTreeMap<Option<String>, Tally> = tx.tallies(period, today, Some(by))?;
    let mut groups: Vec<(Option<String>, Figures)> = tallies
        .iter()
        .map(|(group, t)| (group.clone(), Figures::compute(period, today, t)))
        .collect();
    figures::sort_groups(by, &mut groups);
    Ok(groups
        .into_iter()
        .map(|(group, figures)| GroupFigures {
            group: figures::group_name(group.as_deref()),
            figures,
        })
        .collect())
}
