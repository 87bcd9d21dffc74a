//! `caselog check`: is the logbook sound? SQLite's integrity and foreign-key checks, the schema
//! version, and how many records of each kind it holds. Exits 1 when a problem is found.

use std::io::Write;

use serde::Serialize;

use crate::context::Context;
use crate::error::{self, Error, Result};
use crate::render::{self, ViewFormat};
use crate::store::schema;

/// What a check that could not be run at all says.
const UNREADABLE: &str = "damaged: SQLite cannot read all of it";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How to print the result
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

#[derive(Debug, Serialize)]
struct Report {
    logbook: String,
    schema_version: i64,
    integrity: Vec<String>,
    foreign_keys: Vec<String>,
    records: Vec<Count>,
    ok: bool,
}

#[derive(Debug, Serialize)]
struct Count {
    table: &'static str,
    total: i64,
    voided: i64,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    // This is the command that says a logbook is damaged: no point sending its user here.
    let mut logbook = ctx.open_existing().map_err(|mut e| {
        e.hints.retain(|h| h != error::RUN_CHECK);
        e
    })?;
    let path = logbook.path().display().to_string();
    let tx = logbook.read()?;
    // A damaged file can make any of these fail: report the failure rather than stop.
    let unreadable = |_| vec![UNREADABLE.to_string()];
    let integrity = strings(&tx, "PRAGMA integrity_check").unwrap_or_else(unreadable);
    let foreign_keys = foreign_key_problems(&tx).unwrap_or_else(unreadable);
    let mut records = Vec::new();
    let mut counted = true;
    for table in ["consultation", "referral", "review", "amendment"] {
        let sql = if table == "amendment" {
            "SELECT count(*), 0 FROM amendment".to_string()
        } else {
            format!("SELECT count(*), count(voided_at) FROM {table}")
        };
        match tx.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?))) {
            Ok((total, voided)) => records.push(Count {
                table,
                total,
                voided,
            }),
            Err(_) => counted = false,
        }
    }
    let report = Report {
        logbook: path,
        schema_version: tx.query_row("PRAGMA user_version", [], |r| r.get(0))?,
        ok: integrity == ["ok"] && foreign_keys.is_empty() && counted,
        integrity,
        foreign_keys,
        records,
    };
    match args.format {
        ViewFormat::Json => render::json(out, &report)?,
        ViewFormat::Table => {
            writeln!(out, "Logbook: {}", report.logbook)?;
            writeln!(
                out,
                "Schema version: {} (this caselog writes {})",
                report.schema_version,
                schema::LATEST_VERSION
            )?;
            writeln!(out, "Integrity: {}", report.integrity.join("; "))?;
            let fk = if report.foreign_keys.is_empty() {
                "ok".to_string()
            } else {
                report.foreign_keys.join("; ")
            };
            writeln!(out, "Links between records: {fk}")?;
            let mut table = render::table(["Records", "Total", "Voided"]);
            for c in &report.records {
                table.add_row([
                    c.table.to_string(),
                    c.total.to_string(),
                    c.voided.to_string(),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    if !report.ok {
        return Err(Error::failure(format!(
            "the logbook {} is damaged (see above)",
            report.logbook
        ))
        .hint(error::RESTORE));
    }
    Ok(())
}

fn foreign_key_problems(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} row {} refers to a missing {}",
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?
        ))
    })?;
    rows.collect()
}

fn strings(conn: &rusqlite::Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
