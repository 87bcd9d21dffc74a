//! Queries on the `review` table.

use rusqlite::{Connection, Row, named_params};

use crate::domain::period::Period;
use crate::domain::review::Review;
use crate::error::Result;

/// Every column, in the order `from_row` reads them.
pub const COLUMNS: &str = "id, uuid, consultation_id, referral_id, date, status, note, level, \
     confidence, follow_up, result, created_at, voided_at, void_reason";

pub fn from_row(row: &Row) -> rusqlite::Result<Review> {
    Ok(Review {
        id: row.get(0)?,
        uuid: row.get(1)?,
        consultation: row.get(2)?,
        referral: row.get(3)?,
        date: row.get(4)?,
        status: row.get(5)?,
        note: row.get(6)?,
        level: row.get(7)?,
        confidence: row.get(8)?,
        follow_up: row.get(9)?,
        result: row.get(10)?,
        created_at: row.get(11)?,
        voided: super::voided(row, 12)?,
    })
}

/// Saves a new review and returns its number; see `insert_new`.
pub fn insert(conn: &Connection, v: &Review) -> Result<i64> {
    super::saved("review", insert_new(conn, false, v)?)
}

/// Saves one review: the columns in `insert_new`'s order.
const INSERT: &str = "INSERT INTO review (id, uuid, consultation_id, referral_id, date, status, note, level, \
         confidence, follow_up, result, created_at, voided_at, void_reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Saves a review unless one with the same UUID is already there, and returns its number (none
/// when it was already there). `bulk` is for a table being bulk-loaded (`BulkLoad`), whose UUID
/// index is built again at the end. When `v.id` is above 0 and free, that number is kept
/// (imports); otherwise the next number is used.
pub fn insert_new(conn: &Connection, bulk: bool, v: &Review) -> Result<Option<i64>> {
    super::insert_keeping_id(
        conn,
        INSERT,
        bulk,
        v.id,
        &[
            &v.uuid,
            &v.consultation,
            &v.referral,
            &v.date,
            &v.status,
            &v.note,
            &v.level,
            &v.confidence,
            &v.follow_up,
            &v.result,
            &v.created_at,
            &v.voided.as_ref().map(|x| &x.at),
            &v.voided.as_ref().map(|x| &x.reason),
        ],
    )
}

/// One review, voided or not.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Review>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM review WHERE id = ?1"))?;
    let mut rows = stmt.query_map([id], from_row)?;
    Ok(rows.next().transpose()?)
}

/// Writes every changeable field of a review back (an amendment); `id`, `uuid`, what it
/// reviews, `created_at` and the voiding are kept as stored.
pub fn update(conn: &Connection, v: &Review) -> Result<()> {
    conn.prepare_cached(
        "UPDATE review SET date = :date, status = :status, note = :note, level = :level, \
         confidence = :confidence, follow_up = :follow_up, result = :result WHERE id = :id",
    )?
    .execute(named_params! {
        ":id": v.id,
        ":date": v.date,
        ":status": v.status,
        ":note": v.note,
        ":level": v.level,
        ":confidence": v.confidence,
        ":follow_up": v.follow_up,
        ":result": v.result,
    })?;
    Ok(())
}

fn query(conn: &Connection, filter: &str, param: &dyn rusqlite::ToSql) -> Result<Vec<Review>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM review WHERE {filter} ORDER BY date, id"
    ))?;
    let rows = stmt.query_map([param], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reviews of one consultation, voided ones too, oldest first.
pub fn for_consultation(conn: &Connection, consultation: i64) -> Result<Vec<Review>> {
    query(conn, "consultation_id = ?1", &consultation)
}

/// The reviews of one referral, voided ones too, oldest first.
pub fn for_referral(conn: &Connection, referral: i64) -> Result<Vec<Review>> {
    query(conn, "referral_id = ?1", &referral)
}

/// Every review of a consultation or referral about a family (matched in any case), voided
/// ones too, oldest first.
pub fn for_family(conn: &Connection, family: &str) -> Result<Vec<Review>> {
    query(
        conn,
        "consultation_id IN (SELECT id FROM consultation WHERE family = ?1) \
         OR referral_id IN (SELECT r.id FROM referral r JOIN consultation c \
         ON c.id = r.consultation_id WHERE c.family = ?1)",
        &family,
    )
}

/// The reviews `each_in_period` gives: not voided, dated in the period, and not about a voided
/// consultation or referral.
const IN_PERIOD: &str = "FROM review v \
     LEFT JOIN consultation c ON c.id = v.consultation_id \
     LEFT JOIN referral r ON r.id = v.referral_id \
     LEFT JOIN consultation rc ON rc.id = r.consultation_id \
     WHERE v.voided_at IS NULL AND c.voided_at IS NULL AND r.voided_at IS NULL \
       AND rc.voided_at IS NULL AND v.date BETWEEN ?1 AND ?2";

/// How many reviews `each_in_period` would give.
pub fn count_in_period(conn: &Connection, period: Period) -> Result<u64> {
    Ok(conn.query_row(
        &format!("SELECT count(*) {IN_PERIOD}"),
        rusqlite::params![period.from, period.to],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Calls `each` with every review dated in the period and the UUID of the consultation or
/// referral it is about, in ID order, one row at a time.
pub fn each_in_period(
    conn: &Connection,
    period: Period,
    mut each: impl FnMut(&Review, Option<&str>, Option<&str>) -> Result<()>,
) -> Result<()> {
    let columns = super::prefixed(COLUMNS, "v");
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns}, c.uuid, r.uuid {IN_PERIOD} ORDER BY v.id"
    ))?;
    let mut rows = stmt.query(rusqlite::params![period.from, period.to])?;
    while let Some(row) = rows.next()? {
        let consultation_uuid: Option<String> = row.get(14)?;
        let referral_uuid: Option<String> = row.get(15)?;
        each(
            &from_row(row)?,
            consultation_uuid.as_deref(),
            referral_uuid.as_deref(),
        )?;
    }
    Ok(())
}
