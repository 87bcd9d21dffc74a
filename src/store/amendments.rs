//! Queries on the `amendment` table: one row per corrected field of a record.

use rusqlite::{Connection, named_params};

use crate::domain::amendment::{Amendment, Change};
use crate::domain::ids::RecordKind;
use crate::error::Result;

/// Saves one field's correction of record `id` of `kind`.
pub fn insert(
    conn: &Connection,
    kind: RecordKind,
    id: i64,
    change: &Change,
    reason: &str,
    amended_at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO amendment (record, record_id, field, old_value, new_value, reason, \
         amended_at) VALUES (:record, :record_id, :field, :old, :new, :reason, :at)",
    )?
    .execute(named_params! {
        ":record": kind.noun(),
        ":record_id": id,
        ":field": change.field,
        ":old": change.old,
        ":new": change.new,
        ":reason": reason,
        ":at": amended_at,
    })?;
    Ok(())
}

/// The corrections of one record, oldest first.
pub fn for_record(conn: &Connection, kind: RecordKind, id: i64) -> Result<Vec<Amendment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT field, old_value, new_value, reason, amended_at FROM amendment \
         WHERE record = ?1 AND record_id = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(rusqlite::params![kind.noun(), id], |r| {
        Ok(Amendment {
            field: r.get(0)?,
            old_value: r.get(1)?,
            new_value: r.get(2)?,
            reason: r.get(3)?,
            amended_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
