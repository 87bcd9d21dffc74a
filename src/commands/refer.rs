//! `caselog refer C-<n>`: records a referral made from a consultation, then prints its ID and a
//! short summary. A referral from a consultation whose outcome does not count as a referral is
//! recorded with a warning.

use std::io::Write;

use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::codes::CodeList;
use crate::domain::consultation::Consultation;
use crate::domain::ids::{ConsultationId, ReferralId};
use crate::domain::record::Stamp;
use crate::domain::referral::{Draft, From, Referral};
use crate::error::Result;
use crate::exchange::{self, Records};
use crate::output::{Output, View};
use crate::store::Storage;

/// Record a referral made from a consultation. Codes accept the code or its alias in any case.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The consultation the referral was made from: C-<n>
    #[arg(value_name = "CONSULTATION")]
    pub consultation: ConsultationId,

    #[command(flatten)]
    pub fields: Draft,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let id = args.consultation;
    let mut logbook = ctx.open_existing()?;
    let mut tx = logbook.write()?;
    let c = tx
        .consultation(id)?
        .ok_or_else(|| super::not_found(id.any()))?;
    super::refuse_voided(
        id.any(),
        c.voided.as_ref(),
        "record the referral from the consultation that replaced it",
    )?;
    let from = From {
        id,
        date: c.date,
        outcome: c.outcome,
    };
    let stamp = Stamp::fresh(ReferralId(0), &ctx.clock.now());
    let mut r = args
        .fields
        .referral(from, today, stamp)
        .map_err(|e| super::correcting(Flags::of::<Draft>().refuse(&e), id.any(), c.date))?;
    r.id = tx.add_referral(&r)?;
    tx.commit()?;
    args.output.print(
        &SavedReferral {
            referral: &r,
            from: &c,
        },
        out,
    )?;
    // After the record, on stderr: stdout is the record alone.
    if let Some(warning) = from.warning() {
        out.flush()?;
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// A referral just recorded, with the consultation it was made from.
#[derive(Serialize)]
#[serde(transparent)]
struct SavedReferral<'a> {
    referral: &'a Referral,
    #[serde(skip)]
    from: &'a Consultation,
}

impl View for SavedReferral<'_> {
    /// "Recorded R-1: 2026-03-15 — from C-1 (family F-1) to csc (…), by the consultee, urgent".
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let r = self.referral;
        writeln!(
            out,
            "Recorded {}: {} — from {} (family {}) to {} ({}), by the {}{}\n  Result: {}",
            r.id,
            r.date,
            r.consultation,
            self.from.family,
            r.to,
            r.to.label(),
            r.by,
            if r.urgent.0 { ", urgent" } else { "" },
            r.result.describe()
        )?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        exchange::write_csv(
            out,
            &Records::Referrals.header(false),
            [exchange::referral_row(self.referral, self.from.uuid, false)],
        )
    }
}
