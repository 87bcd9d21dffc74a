//! Queries on the `consultation` table: saving, fetching, listing and a family's recent history.

use chrono::NaiveDate;
use rusqlite::{Connection, Row, named_params};

use crate::domain::consultation::Consultation;
use crate::domain::period::Period;
use crate::error::Result;

/// Every column, in the order `from_row` reads them.
pub const COLUMNS: &str = "id, uuid, date, advisor, setting, mode, agency, role, family, children, \
     factors, indicators, consultee_level, level, suggested_level, rationale, confidence_before, \
     confidence_after, consent, outcome, worry, strengths, advice, follow_up, created_at, \
     voided_at, void_reason";

/// Joins a list for a `;`-separated column.
pub fn join(items: &[String]) -> String {
    items.join(";")
}

/// Splits a `;`-separated column.
pub fn split(text: &str) -> Vec<String> {
    text.split(';')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn from_row(row: &Row) -> rusqlite::Result<Consultation> {
    Ok(Consultation {
        id: row.get(0)?,
        uuid: row.get(1)?,
        date: row.get(2)?,
        advisor: row.get(3)?,
        setting: row.get(4)?,
        mode: row.get(5)?,
        agency: row.get(6)?,
        role: row.get(7)?,
        family: row.get(8)?,
        children: row.get(9)?,
        factors: split(&row.get::<_, String>(10)?),
        indicators: split(&row.get::<_, String>(11)?),
        consultee_level: row.get(12)?,
        level: row.get(13)?,
        suggested_level: row.get(14)?,
        rationale: row.get(15)?,
        confidence_before: row.get(16)?,
        confidence_after: row.get(17)?,
        consent: row.get(18)?,
        outcome: row.get(19)?,
        worry: row.get(20)?,
        strengths: row.get(21)?,
        advice: row.get(22)?,
        follow_up: row.get(23)?,
        created_at: row.get(24)?,
        voided: super::voided(row, 25)?,
    })
}

/// Saves a new consultation and returns its number; see `insert_new`.
pub fn insert(conn: &Connection, c: &Consultation) -> Result<i64> {
    super::saved("consultation", insert_new(conn, false, c)?)
}

/// Saves one consultation: the columns in `insert_new`'s order.
const INSERT: &str = "INSERT INTO consultation (id, uuid, date, advisor, setting, mode, agency, role, family, \
         children, factors, indicators, consultee_level, level, suggested_level, rationale, \
         confidence_before, confidence_after, consent, outcome, worry, strengths, advice, \
         follow_up, created_at, voided_at, void_reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)";

/// Saves a consultation unless one with the same UUID is already there, and returns its number (none
/// when it was already there). `bulk` is for a table being bulk-loaded (`BulkLoad`), whose UUID
/// index is built again at the end. When `c.id` is above 0 and free, that number is kept
/// (imports); otherwise the next number is used.
pub fn insert_new(conn: &Connection, bulk: bool, c: &Consultation) -> Result<Option<i64>> {
    super::insert_keeping_id(
        conn,
        INSERT,
        bulk,
        c.id,
        &[
            &c.uuid,
            &c.date,
            &c.advisor,
            &c.setting,
            &c.mode,
            &c.agency,
            &c.role,
            &c.family,
            &c.children,
            &join(&c.factors),
            &join(&c.indicators),
            &c.consultee_level,
            &c.level,
            &c.suggested_level,
            &c.rationale,
            &c.confidence_before,
            &c.confidence_after,
            &c.consent,
            &c.outcome,
            &c.worry,
            &c.strengths,
            &c.advice,
            &c.follow_up,
            &c.created_at,
            &c.voided.as_ref().map(|v| &v.at),
            &c.voided.as_ref().map(|v| &v.reason),
        ],
    )
}

/// One consultation, voided or not.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Consultation>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM consultation WHERE id = ?1"))?;
    let mut rows = stmt.query_map([id], from_row)?;
    Ok(rows.next().transpose()?)
}

/// What `list` narrows consultations by; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub family: Option<String>,
    pub agency: Option<String>,
    pub outcome: Option<String>,
}

/// Consultations that are not voided and match the filter, in ID order.
pub fn list(conn: &Connection, filter: &Filter) -> Result<Vec<Consultation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM consultation WHERE voided_at IS NULL \
         AND (:from IS NULL OR date >= :from) AND (:to IS NULL OR date <= :to) \
         AND (:family IS NULL OR family = :family) AND (:agency IS NULL OR agency = :agency) \
         AND (:outcome IS NULL OR outcome = :outcome) ORDER BY id"
    ))?;
    let rows = stmt.query_map(
        named_params! {
            ":from": filter.from,
            ":to": filter.to,
            ":family": filter.family,
            ":agency": filter.agency,
            ":outcome": filter.outcome,
        },
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The consultations (not voided) that could be on the weekly review list with this horizon
/// (the last day looked at): a follow-up date on or before it, set by the consultation or by
/// one of its reviews, or a referral still pending. The list's own rules then decide; this
/// only spares reading the whole logbook.
pub const MAY_BE_DUE: &str = "SELECT c.id FROM consultation c WHERE c.voided_at IS NULL AND (\
     c.follow_up <= ?1 \
     OR EXISTS (SELECT 1 FROM review v WHERE v.consultation_id = c.id AND v.voided_at IS NULL \
                AND v.follow_up <= ?1) \
     OR EXISTS (SELECT 1 FROM referral r WHERE r.consultation_id = c.id AND r.voided_at IS NULL \
                AND r.result = 'pending'))";

/// Calls `each` with every consultation of `MAY_BE_DUE`, in ID order, and its reviews that are
/// not voided (oldest first), one consultation at a time: the weekly list of a county's logbook
/// never holds the whole logbook in memory.
pub fn each_may_be_due(
    conn: &Connection,
    horizon: NaiveDate,
    mut each: impl FnMut(&Consultation, &[crate::domain::review::Review]) -> Result<()>,
) -> Result<()> {
    let mut reviews_stmt = conn.prepare(&format!(
        "SELECT {} FROM review WHERE voided_at IS NULL AND consultation_id IN ({MAY_BE_DUE}) \
         ORDER BY consultation_id, date, id",
        super::reviews::COLUMNS
    ))?;
    let mut reviews = reviews_stmt
        .query_map([horizon], super::reviews::from_row)?
        .peekable();
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM consultation WHERE id IN ({MAY_BE_DUE}) ORDER BY id"
    ))?;
    let mut rows = stmt.query([horizon])?;
    let mut own = Vec::new();
    while let Some(row) = rows.next()? {
        let c = from_row(row)?;
        own.clear();
        // Both are in consultation order: take this consultation's reviews off the front.
        while let Some(Ok(v)) = reviews.peek() {
            if v.consultation.is_some_and(|n| n > c.id) {
                break;
            }
            let v = reviews.next().expect("peeked")?;
            if v.consultation == Some(c.id) {
                own.push(v);
            }
        }
        if let Some(Err(_)) = reviews.peek() {
            reviews.next().expect("peeked")?;
        }
        each(&c, &own)?;
    }
    Ok(())
}

/// An earlier consultation about the same family, as shown when a new one is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Earlier {
    pub id: i64,
    pub date: NaiveDate,
    pub level: u8,
    pub outcome: String,
}

/// The family's consultations (not voided) in the 365 days before `date` — from `date` − 365
/// up to the day before — oldest first. This is the same window as `repeat_consultations`.
pub fn family_year_before(
    conn: &Connection,
    family: &str,
    date: NaiveDate,
) -> Result<Vec<Earlier>> {
    let since = date - chrono::Days::new(365);
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, level, outcome FROM consultation \
         WHERE family = ?1 AND voided_at IS NULL AND date >= ?2 AND date < ?3 ORDER BY date, id",
    )?;
    let rows = stmt.query_map(rusqlite::params![family, since, date], |r| {
        Ok(Earlier {
            id: r.get(0)?,
            date: r.get(1)?,
            level: r.get(2)?,
            outcome: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes every changeable field of a consultation back (an amendment); `id`, `uuid`,
/// `created_at` and the voiding are kept as stored.
pub fn update(conn: &Connection, c: &Consultation) -> Result<()> {
    conn.prepare_cached(
        "UPDATE consultation SET date = :date, advisor = :advisor, setting = :setting, \
         mode = :mode, agency = :agency, role = :role, family = :family, children = :children, \
         factors = :factors, indicators = :indicators, consultee_level = :consultee_level, \
         level = :level, suggested_level = :suggested_level, rationale = :rationale, \
         confidence_before = :confidence_before, confidence_after = :confidence_after, \
         consent = :consent, outcome = :outcome, worry = :worry, strengths = :strengths, \
         advice = :advice, follow_up = :follow_up WHERE id = :id",
    )?
    .execute(named_params! {
        ":id": c.id,
        ":date": c.date,
        ":advisor": c.advisor,
        ":setting": c.setting,
        ":mode": c.mode,
        ":agency": c.agency,
        ":role": c.role,
        ":family": c.family,
        ":children": c.children,
        ":factors": join(&c.factors),
        ":indicators": join(&c.indicators),
        ":consultee_level": c.consultee_level,
        ":level": c.level,
        ":suggested_level": c.suggested_level,
        ":rationale": c.rationale,
        ":confidence_before": c.confidence_before,
        ":confidence_after": c.confidence_after,
        ":consent": c.consent,
        ":outcome": c.outcome,
        ":worry": c.worry,
        ":strengths": c.strengths,
        ":advice": c.advice,
        ":follow_up": c.follow_up,
    })?;
    Ok(())
}

/// Every consultation about a family (the reference matched in any case), voided ones too,
/// oldest first.
pub fn for_family(conn: &Connection, family: &str) -> Result<Vec<Consultation>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM consultation WHERE family = ?1 ORDER BY date, id"
    ))?;
    let rows = stmt.query_map([family], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many consultations `each_in_period` would give.
pub fn count_in_period(conn: &Connection, period: Period) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM consultation WHERE voided_at IS NULL AND date BETWEEN ?1 AND ?2",
        rusqlite::params![period.from, period.to],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// Calls `each` with every consultation (not voided) dated in the period, in ID order, one row
/// at a time.
pub fn each_in_period(
    conn: &Connection,
    period: Period,
    mut each: impl FnMut(&Consultation) -> Result<()>,
) -> Result<()> {
    let dated = super::date_condition(conn, "consultation", "date", period)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM consultation WHERE voided_at IS NULL AND {dated} ORDER BY id"
    ))?;
    let mut rows = stmt.query(rusqlite::params![period.from, period.to])?;
    while let Some(row) = rows.next()? {
        each(&from_row(row)?)?;
    }
    Ok(())
}
