//! `caselog show ID`: one record in full, voided or not, with labels beside the codes.

use std::io::Write;

use crate::context::Context;
use crate::domain::checklist::Checklist;
use crate::domain::codes::{AGENCY, CONSENT, FACTOR, MODE, OUTCOME};
use crate::domain::consultation::Consultation;
use crate::domain::ids::{RecordId, RecordKind};
use crate::error::{Error, Result};
use crate::render::{self, ViewFormat};
use crate::store::consultations;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record: C-<n> (consultation)
    #[arg(value_name = "ID")]
    pub id: String,

    /// How to print it
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = RecordId::parse(&args.id)?;
    let checklist = ctx.checklist()?;
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    match id.kind {
        RecordKind::Consultation => {
            let c = consultations::get(&tx, id.number)?.ok_or_else(|| not_found(id))?;
            match args.format {
                ViewFormat::Json => render::json(out, &c),
                ViewFormat::Table => consultation_view(&c, &checklist, out),
            }
        }
        _ => Err(not_found(id)),
    }
}

pub fn not_found(id: RecordId) -> Error {
    Error::input(format!(
        "there is no {} {id} in this logbook",
        id.kind.noun()
    ))
    .hint("`caselog list` shows the consultations and their IDs")
}

fn consultation_view(c: &Consultation, checklist: &Checklist, out: &mut dyn Write) -> Result<()> {
    let coded = |code: &str, label: &str| format!("{code} — {label}");
    let level = |l: Option<u8>| l.map(|l| checklist.describe_level(l)).unwrap_or_default();
    let mut table = render::table(["Field", "Value"]);
    let mut row = |field: &str, value: String| {
        table.add_row([field.to_string(), value]);
    };
    row(
        "ID",
        RecordId::new(RecordKind::Consultation, c.id).to_string(),
    );
    if let Some(v) = &c.voided {
        row("VOIDED", format!("{} — {}", v.at, v.reason));
    }
    row("Date", c.date.to_string());
    row("Advisor", c.advisor.clone());
    row("Setting", c.setting.clone());
    row("Mode", coded(&c.mode, MODE.label(&c.mode)));
    row("Agency", coded(&c.agency, AGENCY.label(&c.agency)));
    row("Role", render::or_blank(&c.role));
    row("Family", c.family.clone());
    row("Children", c.children.to_string());
    row(
        "Factors",
        c.factors
            .iter()
            .map(|f| coded(f, FACTOR.label(f)))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    row(
        "Indicators",
        c.indicators
            .iter()
            .map(|i| match checklist.indicator(i) {
                Some(ind) => format!("{i} (level {}) {}", ind.level, ind.text),
                None => i.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    row("Consultee's level", level(c.consultee_level));
    row("Suggested level", level(c.suggested_level));
    row("Advisor's level", level(Some(c.level)));
    row("Rationale", render::or_blank(&c.rationale));
    row("Confidence before", render::or_blank(&c.confidence_before));
    row("Confidence after", render::or_blank(&c.confidence_after));
    row(
        "Consent",
        c.consent
            .as_deref()
            .map(|k| coded(k, CONSENT.label(k)))
            .unwrap_or_default(),
    );
    row("Outcome", coded(&c.outcome, OUTCOME.label(&c.outcome)));
    row("Worry", render::or_blank(&c.worry));
    row("Strengths", render::or_blank(&c.strengths));
    row("Advice", render::or_blank(&c.advice));
    row("Follow-up", render::or_blank(&c.follow_up));
    row("Recorded", c.created_at.clone());
    row("UUID", c.uuid.clone());
    writeln!(out, "{table}")?;
    Ok(())
}
