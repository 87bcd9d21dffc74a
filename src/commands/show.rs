//! `caselog show ID`: one record in full, voided or not, with labels beside the codes and the
//! corrections made to it.

use std::io::Write;

use crate::context::Context;
use crate::domain::checklist::Checklist;
use serde::Serialize;

use crate::domain::amendment::Amendment;
use crate::domain::codes::{
    AGENCY, CONSENT, DESTINATION, FACTOR, MODE, OUTCOME, REFERRED_BY, RESULT, STATUS,
};
use crate::domain::consultation::{Consultation, Voided};
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::referral::{Referral, yes_no};
use crate::domain::review::Review;
use crate::error::{Error, Result};
use crate::render::{self, ViewFormat};
use crate::store::{amendments, consultations, referrals, reviews};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record: C-<n> (consultation), R-<n> (referral) or V-<n> (review)
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
    let amended = amendments::for_record(&tx, id.kind, id.number)?;
    match id.kind {
        RecordKind::Consultation => {
            let c = consultations::get(&tx, id.number)?.ok_or_else(|| not_found(id))?;
            match args.format {
                ViewFormat::Json => render::json(out, &WithAmendments::new(&c, &amended)),
                ViewFormat::Table => {
                    consultation_view(&c, &checklist, out)?;
                    amendments_view(&amended, out)
                }
            }
        }
        RecordKind::Referral => {
            let r = referrals::get(&tx, id.number)?.ok_or_else(|| not_found(id))?;
            match args.format {
                ViewFormat::Json => render::json(out, &WithAmendments::new(&r, &amended)),
                ViewFormat::Table => {
                    referral_view(&r, out)?;
                    amendments_view(&amended, out)
                }
            }
        }
        RecordKind::Review => {
            let v = reviews::get(&tx, id.number)?.ok_or_else(|| not_found(id))?;
            match args.format {
                ViewFormat::Json => render::json(out, &WithAmendments::new(&v, &amended)),
                ViewFormat::Table => {
                    review_view(&v, &checklist, out)?;
                    amendments_view(&amended, out)
                }
            }
        }
    }
}

/// A record's JSON with its corrections added as `"amendments"`.
#[derive(Serialize)]
struct WithAmendments<'a, T: Serialize> {
    #[serde(flatten)]
    record: &'a T,
    amendments: &'a [Amendment],
}

impl<'a, T: Serialize> WithAmendments<'a, T> {
    fn new(record: &'a T, amendments: &'a [Amendment]) -> Self {
        WithAmendments { record, amendments }
    }
}

pub fn not_found(id: RecordId) -> Error {
    Error::input(format!(
        "there is no {} {id} in this logbook",
        id.kind.noun()
    ))
    .hint(match id.kind {
        RecordKind::Consultation => "`caselog list` shows the consultations and their IDs",
        _ => "`caselog history FAMILY` shows a family's referrals and reviews and their IDs",
    })
}

fn consultation_view(c: &Consultation, checklist: &Checklist, out: &mut dyn Write) -> Result<()> {
    let level = |l: Option<u8>| l.map(|l| checklist.describe_level(l)).unwrap_or_default();
    let mut table = render::table(["Field", "Value"]);
    let mut row = |field: &str, value: String| {
        table.add_row([field.to_string(), value]);
    };
    row(
        "ID",
        RecordId::new(RecordKind::Consultation, c.id).to_string(),
    );
    if let Some(v) = voided_row(&c.voided) {
        row("VOIDED", v);
    }
    row("Date", c.date.to_string());
    row("Advisor", c.advisor.clone());
    row("Setting", c.setting.clone());
    row("Mode", MODE.describe(&c.mode));
    row("Agency", AGENCY.describe(&c.agency));
    row("Role", render::or_blank(&c.role));
    row("Family", c.family.clone());
    row("Children", c.children.to_string());
    row(
        "Factors",
        c.factors
            .iter()
            .map(|f| FACTOR.describe(f))
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
            .map(|k| CONSENT.describe(k))
            .unwrap_or_default(),
    );
    row("Outcome", OUTCOME.describe(&c.outcome));
    row("Worry", render::or_blank(&c.worry));
    row("Strengths", render::or_blank(&c.strengths));
    row("Advice", render::or_blank(&c.advice));
    row("Follow-up", render::or_blank(&c.follow_up));
    row("Recorded", c.created_at.clone());
    row("UUID", c.uuid.clone());
    writeln!(out, "{table}")?;
    Ok(())
}

fn voided_row(voided: &Option<Voided>) -> Option<String> {
    voided.as_ref().map(|v| format!("{} — {}", v.at, v.reason))
}

fn referral_view(r: &Referral, out: &mut dyn Write) -> Result<()> {
    let mut table = render::table(["Field", "Value"]);
    let mut row = |field: &str, value: String| {
        table.add_row([field.to_string(), value]);
    };
    row("ID", RecordId::new(RecordKind::Referral, r.id).to_string());
    if let Some(v) = voided_row(&r.voided) {
        row("VOIDED", v);
    }
    row(
        "Consultation",
        RecordId::new(RecordKind::Consultation, r.consultation).to_string(),
    );
    row("Date", r.date.to_string());
    row("To", DESTINATION.describe(&r.to));
    row("By", REFERRED_BY.describe(&r.by));
    row("Reason", render::or_blank(&r.reason));
    row(
        "Consent",
        r.consent
            .as_deref()
            .map(|k| CONSENT.describe(k))
            .unwrap_or_default(),
    );
    row("Urgent", yes_no(r.urgent).to_string());
    row("Result", RESULT.describe(&r.result));
    row("Result date", render::or_blank(&r.result_date));
    row("Recorded", r.created_at.clone());
    row("UUID", r.uuid.clone());
    writeln!(out, "{table}")?;
    Ok(())
}

fn review_view(v: &Review, checklist: &Checklist, out: &mut dyn Write) -> Result<()> {
    let mut table = render::table(["Field", "Value"]);
    let mut row = |field: &str, value: String| {
        table.add_row([field.to_string(), value]);
    };
    row("ID", RecordId::new(RecordKind::Review, v.id).to_string());
    if let Some(x) = voided_row(&v.voided) {
        row("VOIDED", x);
    }
    if let Some(c) = v.consultation {
        row(
            "Consultation",
            RecordId::new(RecordKind::Consultation, c).to_string(),
        );
    }
    if let Some(r) = v.referral {
        row(
            "Referral",
            RecordId::new(RecordKind::Referral, r).to_string(),
        );
    }
    row("Date", v.date.to_string());
    if v.consultation.is_some() {
        row(
            "Status",
            v.status
                .as_deref()
                .map(|s| STATUS.describe(s))
                .unwrap_or_default(),
        );
        row("Note", render::or_blank(&v.note));
        row(
            "Level now",
            v.level
                .map(|l| checklist.describe_level(l))
                .unwrap_or_default(),
        );
        row("Confidence now", render::or_blank(&v.confidence));
        row("Next follow-up", render::or_blank(&v.follow_up));
    }
    if v.referral.is_some() {
        row(
            "Result",
            v.result
                .as_deref()
                .map(|r| RESULT.describe(r))
                .unwrap_or_default(),
        );
    }
    row("Recorded", v.created_at.clone());
    row("UUID", v.uuid.clone());
    writeln!(out, "{table}")?;
    Ok(())
}

/// The corrections made to a record, oldest first; nothing when there are none.
fn amendments_view(amended: &[Amendment], out: &mut dyn Write) -> Result<()> {
    if amended.is_empty() {
        return Ok(());
    }
    let mut table = render::table(["Amended", "Field", "Old value", "New value", "Reason"]);
    for a in amended {
        table.add_row([
            a.amended_at.clone(),
            a.field.clone(),
            render::or_blank(&a.old_value),
            render::or_blank(&a.new_value),
            a.reason.clone(),
        ]);
    }
    writeln!(out, "Amendments\n{table}")?;
    Ok(())
}
