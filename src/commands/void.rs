//! `caselog void ID --reason TEXT`: marks a record entered in error. It stays in the logbook
//! (`show` finds it) but leaves lists, the review list, history and the figures.

use std::io::Write;

use crate::context::Context;
use crate::domain::amendment;
use crate::domain::consultation::Voided;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::store::{self, amendments, consultations, referrals, reviews};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record entered in error: C-<n>, R-<n> or V-<n>
    #[arg(value_name = "ID")]
    pub id: String,

    /// Why it is voided, e.g. "recorded against the wrong family" (required)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = RecordId::parse(&args.id)?;
    let reason = match &args.reason {
        Some(r) => text::short("--reason", r)?,
        None => {
            return Err(Error::input("missing --reason")
                .hint("say why the record was made in error: --reason TEXT"));
        }
    };
    let at = ctx.clock.timestamp();
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.write()?;
    let missing = || super::show::not_found(id);
    match id.kind {
        RecordKind::Consultation => {
            let c = consultations::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_twice(id, &c.voided)?;
            let mut standing: Vec<RecordId> = referrals::for_consultation(&tx, id.number)?
                .iter()
                .filter(|r| r.voided.is_none())
                .map(|r| RecordId::new(RecordKind::Referral, r.id))
                .collect();
            standing.extend(
                reviews::for_consultation(&tx, id.number)?
                    .iter()
                    .filter(|v| v.voided.is_none())
                    .map(|v| RecordId::new(RecordKind::Review, v.id)),
            );
            refuse_standing(id, &standing)?;
            store::void(&tx, id, &at, &reason)?;
        }
        RecordKind::Referral => {
            let r = referrals::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_twice(id, &r.voided)?;
            let standing: Vec<RecordId> = reviews::for_referral(&tx, id.number)?
                .iter()
                .filter(|v| v.voided.is_none())
                .map(|v| RecordId::new(RecordKind::Review, v.id))
                .collect();
            refuse_standing(id, &standing)?;
            store::void(&tx, id, &at, &reason)?;
        }
        RecordKind::Review => {
            let v = reviews::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_twice(id, &v.voided)?;
            store::void(&tx, id, &at, &reason)?;
            if let Some(number) = v.referral {
                // The referral's result goes back to what its remaining reviews say.
                let old = referrals::get(&tx, number)?.ok_or_else(|| {
                    Error::failure(format!("{id} reviews R-{number}, which is missing"))
                })?;
                let mut new = old.clone();
                new.follow_latest_review(&reviews::for_referral(&tx, number)?);
                let why = format!("{id} voided: {reason}");
                for change in amendment::changes(&old.fields(), &new.fields()) {
                    amendments::insert(&tx, RecordKind::Referral, number, &change, &why, &at)?;
                }
                referrals::update(&tx, &new)?;
            }
        }
    }
    tx.commit()?;
    writeln!(out, "Voided {id}: {reason}")?;
    Ok(())
}

fn refuse_twice(id: RecordId, voided: &Option<Voided>) -> Result<()> {
    super::refuse_voided(id, voided, "it is already voided")
}

/// Refuses to void a record while records made from it still stand.
fn refuse_standing(id: RecordId, standing: &[RecordId]) -> Result<()> {
    if standing.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = standing.iter().map(ToString::to_string).collect();
    Err(Error::input(format!(
        "{id} still has records made from it: {}",
        list.join(", ")
    ))
    .hint(format!(
        "void those first if they were also made in error: caselog void {} --reason TEXT",
        list[0]
    )))
}
