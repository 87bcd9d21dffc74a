//! `caselog sample`: a reproducible dip sample of a period's consultations for managers to audit
//! (domain brief §8). The eligible consultations are read in ID order, their strata worked out,
//! and the draw made by `domain::sample`; the seed is always printed, so the same command gives
//! the same sample.

use std::collections::HashSet;
use std::io::Write;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::cli::PeriodArgs;
use crate::context::Context;
use crate::domain::codes::{Agency, CodeList, Outcome};
use crate::domain::consultation::Consultation;
use crate::domain::ids::ConsultationId;
use crate::domain::period::Period;
use crate::domain::sample::{self, SampleSize, Seed};
use crate::domain::text::Text;
use crate::domain::values::Level;
use crate::error::Result;
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::{Filter, Storage};

/// Draw a reproducible random sample of a period's consultations to audit.
///
/// Voided consultations are never drawn, nor those already audited unless --include-audited.
/// With --by, one consultation is drawn from each advisor (agency, organisation, weekday) that
/// has any, then the rest from all that are left. The seed is printed: give it again with --seed
/// to draw the same sample. docs/oversight.md describes the draw step by step.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub period: PeriodArgs,

    /// How many consultations to draw (1–10000)
    #[arg(long, value_name = "N", required = true)]
    pub size: Option<SampleSize>,

    /// The seed of the draw, a whole number [default: worked out from the period, and printed]
    #[arg(long, value_name = "S")]
    pub seed: Option<Seed>,

    /// Spread the draw so that every advisor, agency, organisation or weekday with eligible
    /// consultations is in the sample (as far as the size allows)
    #[arg(long, value_enum, value_name = "STRATA")]
    pub by: Option<Strata>,

    /// Also draw consultations that have already been audited
    #[arg(long)]
    pub include_audited: bool,

    #[command(flatten)]
    pub output: Output,
}

/// What a draw is spread over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strata {
    /// Who gave the consultation
    Advisor,
    /// The consultee's agency
    Agency,
    /// The consultee's organisation (consultations without one are a stratum of their own)
    Organisation,
    /// The day of the week of the consultation
    Weekday,
}

impl Strata {
    /// The stratum of a consultation, as it is shown.
    fn of(self, c: &Consultation) -> String {
        match self {
            Strata::Advisor => c.advisor.to_string(),
            Strata::Agency => format!("{} {}", c.agency, c.agency.label()),
            Strata::Organisation => c
                .organisation
                .as_ref()
                .map_or_else(|| NO_ORGANISATION.to_string(), ToString::to_string),
            Strata::Weekday => weekday(c.date).to_string(),
        }
    }

    /// "advisor", for the summary.
    fn singular(self) -> &'static str {
        match self {
            Strata::Advisor => "advisor",
            Strata::Agency => "agency",
            Strata::Organisation => "organisation",
            Strata::Weekday => "weekday",
        }
    }

    /// "advisors", for the summary.
    fn plural(self) -> &'static str {
        match self {
            Strata::Advisor => "advisors",
            Strata::Agency => "agencies",
            Strata::Organisation => "organisations",
            Strata::Weekday => "weekdays",
        }
    }
}

/// The stratum of consultations with no organisation recorded.
const NO_ORGANISATION: &str = "(not recorded)";

/// The day of the week, in words.
fn weekday(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let period = args.period.period(ctx.clock.today())?;
    let size = args.size.expect("clap requires --size");
    let (seed, seed_from) = match args.seed {
        Some(seed) => (seed, SeedFrom::Given),
        None => (Seed::of_period(period), SeedFrom::Period),
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let audited: HashSet<ConsultationId> = tx
        .audits_of_period(period)?
        .iter()
        .map(|a| a.consultation)
        .collect();
    let filter = Filter {
        from: Some(period.from),
        to: Some(period.to),
        ..Filter::default()
    };
    let mut eligible = Vec::new();
    tx.consultations(&filter, &mut |c| {
        if args.include_audited || !audited.contains(&c.id) {
            eligible.push(c);
        }
        Ok(())
    })?;
    let strata: Option<Vec<String>> = args
        .by
        .map(|by| eligible.iter().map(|c| by.of(c)).collect());
    let picks = sample::draw(strata.as_deref(), eligible.len(), size.get(), seed);
    let strata_count = strata.as_ref().map(|keys| {
        let distinct: HashSet<&String> = keys.iter().collect();
        distinct.len()
    });
    let mut drawn: Vec<Drawn> = picks
        .iter()
        .enumerate()
        .map(|(i, pick)| {
            let c = &eligible[pick.index];
            Drawn {
                drawn: i + 1,
                for_stratum: pick.for_stratum,
                stratum: strata.as_ref().map(|keys| keys[pick.index].clone()),
                id: c.id,
                date: c.date,
                weekday: weekday(c.date),
                advisor: c.advisor.clone(),
                agency: c.agency,
                organisation: c.organisation.clone(),
                family: c.family.clone(),
                level: c.level,
                outcome: c.outcome,
            }
        })
        .collect();
    drawn.sort_by_key(|d| d.id);
    let view = Sample {
        period,
        seed,
        seed_from,
        size: size.get(),
        by: args.by,
        include_audited: args.include_audited,
        eligible: eligible.len(),
        audited_left_out: if args.include_audited {
            0
        } else {
            audited.len()
        },
        strata: strata_count,
        all_taken: size.get() >= eligible.len(),
        sample: drawn,
    };
    args.output.print(&view, out)?;
    if !args.output.for_people() {
        out.flush()?;
        for line in view.summary() {
            eprintln!("note: {line}");
        }
    }
    Ok(())
}

/// Where the seed came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum SeedFrom {
    /// Given with --seed.
    Given,
    /// Worked out from the period.
    Period,
}

/// A dip sample, and how it was drawn.
#[derive(Serialize)]
struct Sample {
    period: Period,
    seed: Seed,
    seed_from: SeedFrom,
    size: usize,
    by: Option<Strata>,
    include_audited: bool,
    /// How many consultations could be drawn.
    eligible: usize,
    /// The period's consultations left out because they have been audited.
    audited_left_out: usize,
    /// How many strata have eligible consultations.
    strata: Option<usize>,
    /// Whether every eligible consultation is in the sample.
    all_taken: bool,
    /// The consultations drawn, in ID order.
    sample: Vec<Drawn>,
}

/// One consultation drawn.
#[derive(Serialize)]
struct Drawn {
    /// Its place in the order of drawing, from 1.
    drawn: usize,
    /// Whether it was drawn as its stratum's one.
    for_stratum: bool,
    stratum: Option<String>,
    id: ConsultationId,
    date: NaiveDate,
    weekday: &'static str,
    advisor: Text,
    agency: Agency,
    organisation: Option<Text>,
    family: Text,
    level: Level,
    outcome: Outcome,
}

impl Sample {
    /// How the sample was drawn, in a few lines for people.
    fn summary(&self) -> Vec<String> {
        let consultations = |n| output::count(n, "consultation");
        let mut lines = Vec::new();
        lines.push(format!(
            "Dip sample of {} to {}: {} drawn from {} eligible",
            self.period.from,
            self.period.to,
            consultations(self.sample.len()),
            self.eligible
        ));
        let from = match self.seed_from {
            SeedFrom::Given => "given".to_string(),
            SeedFrom::Period => format!(
                "from the period: SHA-256 of {}",
                Seed::period_text(self.period)
            ),
        };
        lines.push(format!(
            "Seed {} ({from}); --seed {} draws this sample again",
            self.seed, self.seed
        ));
        if self.eligible == 0 {
            lines.push("No consultation of the period is eligible: nothing was drawn".to_string());
        } else if self.all_taken {
            lines.push(format!(
                "--size {} is not less than the {} eligible: all of them are taken",
                self.size,
                consultations(self.eligible)
            ));
        } else if let (Some(by), Some(strata)) = (self.by, self.strata) {
            let first = self.sample.iter().filter(|d| d.for_stratum).count();
            lines.push(if strata > self.size {
                format!(
                    "Spread by {0}: --size {1} is less than the {strata} {2} with eligible \
                     consultations: the draw chose {1} {3}, then one consultation of each",
                    by.singular(),
                    self.size,
                    by.plural(),
                    if self.size == 1 {
                        by.singular()
                    } else {
                        by.plural()
                    }
                )
            } else {
                format!(
                    "Spread by {}: one consultation from each of the {strata} {}, then {} from \
                     all that are left",
                    by.singular(),
                    by.plural(),
                    self.size - first
                )
            });
        }
        lines.push(if self.include_audited {
            "Voided consultations left out; audited ones included".to_string()
        } else {
            format!(
                "Voided consultations left out, and {} already audited (--include-audited to draw \
                 them too)",
                consultations(self.audited_left_out)
            )
        });
        lines
    }
}

const COLUMNS: [&str; 11] = [
    "drawn",
    "id",
    "date",
    "weekday",
    "advisor",
    "agency",
    "organisation",
    "family",
    "level",
    "outcome",
    "stratum",
];

impl View for Sample {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        for line in self.summary() {
            writeln!(out, "{line}")?;
        }
        if self.sample.is_empty() {
            return Ok(());
        }
        let mut table = output::table([
            "ID",
            "Date",
            "Day",
            "Advisor",
            "Agency",
            "Organisation",
            "Family",
            "Level",
            "Outcome",
            "Drawn",
        ]);
        for d in &self.sample {
            table.add_row([
                d.id.to_string(),
                d.date.to_string(),
                d.weekday.to_string(),
                d.advisor.to_string(),
                format!("{} {}", d.agency, d.agency.label()),
                d.organisation
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                d.family.to_string(),
                d.level.to_string(),
                d.outcome.to_string(),
                if d.for_stratum {
                    format!(
                        "{} (for its {})",
                        d.drawn,
                        self.by.map_or("", Strata::singular)
                    )
                } else {
                    d.drawn.to_string()
                },
            ]);
        }
        writeln!(out, "{table}")?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header: Vec<String> = COLUMNS.map(String::from).to_vec();
        let rows = self.sample.iter().map(|d| {
            vec![
                d.drawn.to_string(),
                d.id.to_string(),
                d.date.to_string(),
                d.weekday.to_string(),
                d.advisor.to_string(),
                d.agency.to_string(),
                d.organisation
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                d.family.to_string(),
                d.level.to_string(),
                d.outcome.to_string(),
                d.stratum.clone().unwrap_or_default(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
