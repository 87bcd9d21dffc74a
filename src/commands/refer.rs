//! `caselog refer C-<n>`: records a referral made from a consultation, then prints its ID and a
//! short summary (or the record as JSON).

use std::io::Write;

use crate::context::Context;
use crate::domain::codes::{DESTINATION, RESULT};
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::referral::{Draft, Referral};
use crate::error::Result;
use crate::render;
use crate::store::{consultations, referrals};

/// Record a referral made from a consultation. Codes accept the code or its alias in any case.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The consultation the referral was made from: C-<n>
    #[arg(value_name = "CONSULTATION")]
    pub consultation: String,

    /// Date the referral was made: YYYY-MM-DD, DD/MM/YYYY, today or yesterday; not before the
    /// consultation [default: today]
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub date: Option<String>,

    /// Where it went: csc (children's social care front door / MASH), early-help (early help
    /// hub), police, health (e.g. CAMHS) or other
    #[arg(long, value_name = "CODE")]
    pub to: Option<String>,

    /// Who made it: consultee or advisor [default: consultee]
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,

    /// Why, in a line
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// Consent: given, refused, not-asked, withheld-risk or not-applicable
    #[arg(long, value_name = "CODE")]
    pub consent: Option<String>,

    /// The referral was made as urgent
    #[arg(long)]
    pub urgent: bool,

    /// Print the saved record as one JSON object
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let number = RecordId::parse_kind(&args.consultation, RecordKind::Consultation)?;
    let draft = Draft {
        date: args.date,
        to: args.to,
        by: args.by,
        reason: args.reason,
        consent: args.consent,
        urgent: Some(crate::domain::referral::yes_no(args.urgent).to_string()),
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.write()?;
    let consultation = consultations::get(&tx, number)?
        .ok_or_else(|| super::show::not_found(RecordId::new(RecordKind::Consultation, number)))?;
    super::refuse_voided(
        RecordId::new(RecordKind::Consultation, number),
        &consultation.voided,
        "record the referral from the consultation that replaced it",
    )?;
    let mut r = draft.validate(
        number,
        consultation.date,
        today,
        uuid::Uuid::new_v4().to_string(),
        ctx.clock.timestamp(),
    )?;
    r.id = referrals::insert(&tx, &r)?;
    tx.commit()?;

    if args.json {
        return render::json(out, &r);
    }
    writeln!(out, "{}", summary(&r, &consultation.family))?;
    Ok(())
}

/// "Recorded R-1: 2026-03-15 — from C-1 (family F-1) to csc (…), by the consultee, urgent".
pub fn summary(r: &Referral, family: &str) -> String {
    format!(
        "Recorded {}: {} — from {} (family {family}) to {} ({}), by the {}{}\n  Result: {} — {}",
        RecordId::new(RecordKind::Referral, r.id),
        r.date,
        RecordId::new(RecordKind::Consultation, r.consultation),
        r.to,
        DESTINATION.label(&r.to),
        r.by,
        if r.urgent { ", urgent" } else { "" },
        r.result,
        RESULT.label(&r.result)
    )
}
