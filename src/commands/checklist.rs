//! `caselog checklist`: prints the threshold checklist in use, grouped by domain and level.

use std::io::Write;

use serde::Serialize;

use crate::context::Context;
use crate::domain::checklist::{Checklist, Domain, Indicator, LevelDefinition};
use crate::domain::values::Level;
use crate::error::{Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the indicators of this level of need (1–4)
    #[arg(long, value_name = "N")]
    pub level: Option<Level>,

    /// Only this domain: C (child's developmental needs), P (parenting capacity) or F (family
    /// and environment)
    #[arg(long, value_name = "C|P|F", value_parser = parse_domain)]
    pub domain: Option<Domain>,

    #[command(flatten)]
    pub output: Output,
}

fn parse_domain(text: &str) -> std::result::Result<Domain, String> {
    let mut chars = text.trim().chars();
    match (chars.next().and_then(Domain::from_letter), chars.next()) {
        (Some(d), None) => Ok(d),
        _ => Err("a domain is C, P or F".to_string()),
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let shown: Vec<&Indicator> = ordered(&checklist)
        .into_iter()
        .filter(|i| args.level.is_none_or(|l| i.level == l))
        .filter(|i| args.domain.is_none_or(|d| i.domain == d))
        .collect();
    if shown.is_empty() {
        return Err(Error::input(
            "no indicator matches --level and --domain in this checklist",
        ));
    }
    args.output.print(
        &Shown {
            name: &checklist.name,
            levels: &checklist.levels,
            indicators: shown,
            checklist: &checklist,
        },
        out,
    )
}

/// The checklist, or the part of it asked for.
#[derive(Serialize)]
struct Shown<'a> {
    name: &'a str,
    levels: &'a [LevelDefinition],
    indicators: Vec<&'a Indicator>,
    #[serde(skip)]
    checklist: &'a Checklist,
}

impl View for Shown<'_> {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let mut table = output::table(["Domain", "Level", "ID", "Indicator"]);
        for i in &self.indicators {
            table.add_row([
                i.domain.label().to_string(),
                self.checklist.describe_level(i.level),
                i.id.to_string(),
                i.text.clone(),
            ]);
        }
        writeln!(out, "{}\n{table}", self.name)?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header = ["id", "domain", "level", "text"].map(String::from).to_vec();
        let rows = self.indicators.iter().map(|i| {
            vec![
                i.id.to_string(),
                i.domain.to_string(),
                i.level.to_string(),
                i.text.clone(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }

    fn markdown(&self, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "# {}", self.name)?;
        for domain in Domain::ALL {
            let mut level = None;
            for i in self.indicators.iter().filter(|i| i.domain == domain) {
                if level.is_none() {
                    writeln!(out, "\n## {} ({domain})", domain.label())?;
                }
                if level != Some(i.level) {
                    level = Some(i.level);
                    writeln!(
                        out,
                        "\n### Level {}\n",
                        self.checklist.describe_level(i.level)
                    )?;
                }
                writeln!(out, "- [ ] **{}** {}", i.id, i.text)?;
            }
        }
        Ok(())
    }
}

/// Indicators grouped by domain (C, P, F), then level, then number.
fn ordered(checklist: &Checklist) -> Vec<&Indicator> {
    let mut all: Vec<&Indicator> = checklist.indicators.iter().collect();
    all.sort_by_key(|i| i.id);
    all
}
