//! `caselog void ID --reason TEXT`: marks a record entered in error. It stays in the logbook
//! (`show` finds it) but leaves lists, the review list, history and the figures.

use std::io::Write;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::ids::RecordId;
use crate::domain::invalid::Invalid;
use crate::domain::text::{Text, given};
use crate::error::Result;
use crate::store::Storage;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record entered in error: C-<n>, R-<n>, V-<n> or A-<n>
    #[arg(value_name = "ID")]
    pub id: RecordId,

    /// Why it is voided, e.g. "recorded against the wrong family" (required)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<Text>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = args.id;
    let reason = given(&args.reason).cloned().ok_or_else(|| {
        Flags::of::<Args>()
            .refuse(&Invalid::missing("reason"))
            .hint("say why the record was made in error: --reason TEXT")
    })?;
    let at = ctx.clock.now();
    let mut logbook = ctx.open_existing()?;
    let mut tx = logbook.write()?;
    let shown = super::show::Shown::read(tx.as_ref(), id)?.ok_or_else(|| super::not_found(id))?;
    super::refuse_voided(id, shown.voided(), "it is already voided")?;
    tx.void(id, &reason, &at)?;
    tx.commit()?;
    writeln!(out, "Voided {id}: {reason}")?;
    Ok(())
}
