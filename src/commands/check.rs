//! `caselog check`: is the logbook sound? The engine's integrity and link checks, the schema
//! version, and how many records of each kind it holds. Exits 1 when a problem is found.

use std::io::Write;

use crate::context::Context;
use crate::error::{self, Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::postgres::connect::is_url;
use crate::store::{Health, Storage};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    // This is the command that says a logbook is damaged: no point sending its user here.
    let mut logbook = ctx.open_existing().map_err(|mut e| {
        e.hints.retain(|h| h != error::RUN_CHECK);
        e
    })?;
    let health = logbook.check()?;
    args.output.print(&health, out)?;
    if !health.ok && is_url(health.logbook.as_ref()) {
        return Err(Error::failure(format!(
            "the team logbook {} has problems (see above)",
            health.logbook
        ))
        .hint(
            "whoever runs it puts its access rules right with `caselog team init`, and looks \
             into broken links on the server (docs/team.md)",
        ));
    }
    if !health.ok {
        return Err(Error::failure(format!(
            "the logbook {} is damaged (see above)",
            health.logbook
        ))
        .hint(error::RESTORE));
    }
    Ok(())
}

impl View for Health {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "Logbook: {}", self.logbook)?;
        writeln!(
            out,
            "Schema version: {} (this caselog writes {})",
            self.schema_version, self.latest_version
        )?;
        writeln!(out, "Integrity: {}", self.integrity.join("; "))?;
        let links = if self.foreign_keys.is_empty() {
            "ok".to_string()
        } else {
            self.foreign_keys.join("; ")
        };
        writeln!(out, "Links between records: {links}")?;
        let mut table = output::table(["Records", "Total", "Voided"]);
        for c in &self.records {
            table.add_row([
                c.table.to_string(),
                c.total.to_string(),
                c.voided.to_string(),
            ]);
        }
        writeln!(out, "{table}")?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header = ["records", "total", "voided"].map(String::from).to_vec();
        let rows = self.records.iter().map(|c| {
            vec![
                c.table.to_string(),
                c.total.to_string(),
                c.voided.to_string(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
