//! `caselog checklist`: prints the threshold checklist in use, grouped by domain and level.

use std::io::Write;

use crate::context::Context;
use crate::domain::checklist::{Checklist, Domain, Indicator};
use crate::error::{Error, Result};
use crate::render;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the indicators of this level of need (1–4)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=4))]
    pub level: Option<u8>,

    /// Only this domain: C (child's developmental needs), P (parenting capacity) or F (family
    /// and environment)
    #[arg(long, value_name = "C|P|F", value_parser = parse_domain)]
    pub domain: Option<Domain>,

    /// How to print it
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people to read
    Table,
    /// Markdown, to paste into a document
    Markdown,
    /// JSON: the levels and the indicators shown
    Json,
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
    match args.format {
        Format::Json => render::json(
            out,
            &serde_json::json!({
                "name": checklist.name,
                "levels": checklist.levels,
                "indicators": shown,
            }),
        ),
        Format::Table => {
            let mut table = render::table(["Domain", "Level", "ID", "Indicator"]);
            for i in &shown {
                table.add_row([
                    i.domain.label().to_string(),
                    checklist.describe_level(i.level),
                    i.id.clone(),
                    i.text.clone(),
                ]);
            }
            writeln!(out, "{}\n{table}", checklist.name)?;
            Ok(())
        }
        Format::Markdown => markdown(&checklist, &shown, out),
    }
}

/// Indicators grouped by domain (C, P, F), then level, then number.
fn ordered(checklist: &Checklist) -> Vec<&Indicator> {
    let mut all: Vec<&Indicator> = checklist.indicators.iter().collect();
    all.sort_by_key(|i| i.reading_order());
    all
}

fn markdown(checklist: &Checklist, shown: &[&Indicator], out: &mut dyn Write) -> Result<()> {
    writeln!(out, "# {}", checklist.name)?;
    for domain in Domain::ALL {
        let mut level = 0;
        for i in shown.iter().filter(|i| i.domain == domain) {
            if level == 0 {
                writeln!(out, "\n## {} ({domain})", domain.label())?;
            }
            if i.level != level {
                level = i.level;
                writeln!(out, "\n### Level {}\n", checklist.describe_level(level))?;
            }
            writeln!(out, "- [ ] **{}** {}", i.id, i.text)?;
        }
    }
    Ok(())
}
