//! Queries on the `referral` table.

use rusqlite::{Connection, Row, named_params};

use crate::domain::period::Period;
use crate::domain::referral::Referral;
use crate::error::Result;

/// Every column, in the order `from_row` reads them.
pub const COLUMNS: &str = "id, uuid, consultation_id, date, referred_to, referred_by, reason, \
     consent, urgent, result, result_date, created_at, voided_at, void_reason";

pub fn from_row(row: &Row) -> rusqlite::Result<Referral> {
    Ok(Referral {
        id: row.get(0)?,
        uuid: row.get(1)?,
        consultation: row.get(2)?,
        date: row.get(3)?,
        to: row.get(4)?,
        by: row.get(5)?,
        reason: row.get(6)?,
        consent: row.get(7)?,
        urgent: row.get(8)?,
        result: row.get(9)?,
        result_date: row.get(10)?,
        created_at: row.get(11)?,
        voided: super::voided(row, 12)?,
    })
}

/// Saves a new referral and returns its number; see `insert_new`.
pub fn insert(conn: &Connection, r: &Referral) -> Result<i64> {
    super::saved("referral", insert_new(conn, false, r)?)
}

/// Saves one referral: the columns in `insert_new`'s order.
const INSERT: &str = "INSERT INTO referral (id, uuid, consultation_id, date, referred_to, referred_by, reason, \
         consent, urgent, result, result_date, created_at, voided_at, void_reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Saves a referral unless one with the same UUID is already there, and returns its number (none
/// when it was already there). `bulk` is for a table being bulk-loaded (`BulkLoad`), whose UUID
/// index is built again at the end. When `r.id` is above 0 and free, that number is kept
/// (imports); otherwise the next number is used.
pub fn insert_new(conn: &Connection, bulk: bool, r: &Referral) -> Result<Option<i64>> {
    super::insert_keeping_id(
        conn,
        INSERT,
        bulk,
        r.id,
        &[
            &r.uuid,
            &r.consultation,
            &r.date,
            &r.to,
            &r.by,
            &r.reason,
            &r.consent,
            &r.urgent,
            &r.result,
            &r.result_date,
            &r.created_at,
            &r.voided.as_ref().map(|v| &v.at),
            &r.voided.as_ref().map(|v| &v.reason),
        ],
    )
}

/// One referral, voided or not.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Referral>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM referral WHERE id = ?1"))?;
    let mut rows = stmt.query_map([id], from_row)?;
    Ok(rows.next().transpose()?)
}

/// Writes every changeable field of a referral back (an amendment, or a new result); `id`,
/// `uuid`, the consultation, `created_at` and the voiding are kept as stored.
pub fn update(conn: &Connection, r: &Referral) -> Result<()> {
    conn.prepare_cached(
        "UPDATE referral SET date = :date, referred_to = :to, referred_by = :by, \
         reason = :reason, consent = :consent, urgent = :urgent, result = :result, \
         result_date = :result_date WHERE id = :id",
    )?
    .execute(named_params! {
        ":id": r.id,
        ":date": r.date,
        ":to": r.to,
        ":by": r.by,
        ":reason": r.reason,
        ":consent": r.consent,
        ":urgent": r.urgent,
        ":result": r.result,
        ":result_date": r.result_date,
    })?;
    Ok(())
}

/// The referrals made from one consultation, voided ones too, in ID order.
pub fn for_consultation(conn: &Connection, consultation: i64) -> Result<Vec<Referral>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM referral WHERE consultation_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([consultation], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every referral made from a consultation about a family (matched in any case), voided ones
/// too, in ID order.
pub fn for_family(conn: &Connection, family: &str) -> Result<Vec<Referral>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM referral WHERE consultation_id IN \
         (SELECT id FROM consultation WHERE family = ?1) ORDER BY id"
    ))?;
    let rows = stmt.query_map([family], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Referrals not voided whose result is still `pending`, oldest first.
pub fn pending(conn: &Connection) -> Result<Vec<Referral>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM referral WHERE voided_at IS NULL AND result = 'pending' \
         ORDER BY date, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many referrals `each_in_period` would give.
pub fn count_in_period(conn: &Connection, period: Period) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM referral r JOIN consultation c ON c.id = r.consultation_id \
         WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND r.date BETWEEN ?1 AND ?2",
        rusqlite::params![period.from, period.to],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Calls `each` with every referral dated in the period and its consultation's UUID, in ID
/// order, one row at a time. Voided referrals, and referrals from a voided consultation, are
/// left out.
pub fn each_in_period(
    conn: &Connection,
    period: Period,
    mut each: impl FnMut(&Referral, &str) -> Result<()>,
) -> Result<()> {
    let columns = super::prefixed(COLUMNS, "r");
    let dated = super::date_condition(conn, "referral", "r.date", period)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns}, c.uuid FROM referral r JOIN consultation c ON c.id = r.consultation_id \
         WHERE r.voided_at IS NULL AND c.voided_at IS NULL AND {dated} ORDER BY r.id"
    ))?;
    let mut rows = stmt.query(rusqlite::params![period.from, period.to])?;
    while let Some(row) = rows.next()? {
        let consultation_uuid: String = row.get(14)?;
        each(&from_row(row)?, &consultation_uuid)?;
    }
    Ok(())
}
