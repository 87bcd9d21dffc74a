//! `caselog report`: the figures of domain brief §5 for a month or a from–to period, as a
//! summary, CSV or JSON; with `--by`, the same figures row by row for each agency, setting,
//! advisor or month.

use std::io::Write;

use crate::cli::PeriodArgs;
use crate::context::Context;
use crate::error::Result;
use crate::render;
use crate::report::figures::{self, Figures, GroupFigures, Grouping};
use crate::report::render as show;
use crate::store;

/// The figures for a period. Voided records never count.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// Split the figures into one row per agency, setting, advisor or month. Referrals and
    /// follow-ups count under their consultation's agency, setting or advisor; by month, each
    /// record counts in the month of its own date (a follow-up in the month it falls due)
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<Grouping>,

    /// How to print them
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// How the figures are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A summary for people to read; with --by, a table with one row per group
    Table,
    /// CSV: a header of keys such as threshold.over, then one row, or with --by one per group
    Csv,
    /// One JSON object with the keys of docs/reports.md; with --by, an object holding the
    /// grouping, the period and one object per group
    Json,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let period = args.period.period(today)?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let tallies = store::figures::tallies(&tx, period, today, args.by)?;
    drop(tx);

    let Some(by) = args.by else {
        let tally = tallies.get("").cloned().unwrap_or_default();
        let f = Figures::compute(period, &tally);
        return match args.format {
            Format::Json => render::json(out, &f),
            Format::Csv => show::csv(out, false, &[(String::new(), &f)]),
            Format::Table => Ok(write!(out, "{}", show::summary(&f))?),
        };
    };
    let mut groups: Vec<GroupFigures> = tallies
        .iter()
        .map(|(group, t)| GroupFigures {
            group: group.clone(),
            figures: Figures::compute(period, t),
        })
        .collect();
    figures::sort_groups(by, &mut groups);
    match args.format {
        Format::Json => render::json(
            out,
            &show::GroupedJson {
                by: show::GroupedJson::by_name(by),
                period,
                groups: &groups,
            },
        ),
        Format::Csv => {
            let rows: Vec<(String, &Figures)> = groups
                .iter()
                .map(|g| (g.group.clone(), &g.figures))
                .collect();
            show::csv(out, true, &rows)
        }
        Format::Table => Ok(write!(out, "{}", show::groups_table(by, period, &groups))?),
    }
}
