//! The SQLite engine's reading and writing of records: every statement is built from the field
//! tables, so a record's columns are listed once, and rows are read back by column name.

use std::cell::Cell as Hint;

use chrono::NaiveDate;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Row, Statement, ToSql};

use crate::domain::fields::{BadValue, Columns as ColumnValues, Field, Load, Value};
use crate::domain::ids::{ConsultationId, RecordId, RecordKind};
use crate::domain::invalid::FieldName;
use crate::domain::record::Voided;
use crate::error::Result;
use crate::store::Columns;

/// The table holding a kind of record.
pub fn table(kind: RecordKind) -> &'static str {
    kind.noun()
}

/// The column holding a field. A field's name is its column, but for the two that are SQL
/// words and the links, kept as the linked record's number.
pub fn column(name: FieldName) -> &'static str {
    match name {
        "to" => "referred_to",
        "by" => "referred_by",
        "consultation" => "consultation_id",
        "referral" => "referral_id",
        other => other,
    }
}

/// The column list of a record kind, in table order, with the voiding last:
/// `c.id, c.uuid, …, c.voided_at, c.void_reason` for `alias` "c".
pub fn select_list<R, D>(table: &'static [Field<R, D>], alias: &str) -> String {
    table
        .iter()
        .map(|f| column(f.name))
        .chain([Voided::AT, Voided::REASON])
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where each column of a statement is, found once per statement.
pub struct Positions {
    names: Vec<String>,
    /// Where the last lookup ended: records are read in table order, so the next column is
    /// almost always the one after.
    next: Hint<usize>,
}

impl Positions {
    pub fn of(stmt: &Statement) -> Positions {
        Positions {
            names: stmt.column_names().iter().map(|n| n.to_string()).collect(),
            next: Hint::new(0),
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        let start = self.next.get();
        let found = (start..self.names.len())
            .chain(0..start)
            .find(|&i| self.names[i] == name)?;
        self.next.set(found + 1);
        Some(found)
    }
}

/// A row read by column name.
pub struct NamedRow<'r, 's> {
    pub row: &'r Row<'s>,
    pub positions: &'r Positions,
}

impl ColumnValues for NamedRow<'_, '_> {
    fn value(&self, name: FieldName) -> std::result::Result<Value<'_>, BadValue> {
        let bad = |found: String| BadValue {
            column: name,
            found,
        };
        let at = self
            .positions
            .find(column(name))
            .ok_or_else(|| bad("no such column".into()))?;
        match self.row.get_ref(at).map_err(|e| bad(e.to_string()))? {
            ValueRef::Null => Ok(Value::Null),
            ValueRef::Integer(n) => Ok(Value::Integer(n)),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|s| Value::Text(std::borrow::Cow::Borrowed(s)))
                .map_err(|_| bad("text that is not UTF-8".into())),
            ValueRef::Real(x) => Err(bad(format!("the number {x}"))),
            ValueRef::Blob(_) => Err(bad("binary data".into())),
        }
    }
}

/// A field's value as an SQL parameter.
pub struct Param<'a>(pub &'a Value<'a>);

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Integer(n) => ToSqlOutput::from(*n),
            Value::Text(t) => ToSqlOutput::from(t.as_ref()),
        })
    }
}

/// Reads every row of a prepared statement as records, one at a time.
pub fn each_record<R: Load>(
    stmt: &mut Statement,
    params: impl rusqlite::Params,
    mut each: impl FnMut(R, &NamedRow) -> Result<()>,
) -> Result<()> {
    let positions = Positions::of(stmt);
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        let named = NamedRow {
            row,
            positions: &positions,
        };
        positions.next.set(0);
        let record = R::load(&named).map_err(damaged)?;
        each(record, &named)?;
    }
    Ok(())
}

/// The records a statement gives in consultation order (a consultation's reviews or
/// referrals), taken off the front one consultation at a time as another statement goes through
/// the consultations in ID order: no more than one consultation's are held.
pub struct ByConsultation<'s, R> {
    rows: rusqlite::Rows<'s>,
    positions: Positions,
    next: Option<R>,
    of: fn(&R) -> Option<ConsultationId>,
}

impl<'s, R: Load> ByConsultation<'s, R> {
    pub fn new(
        stmt: &'s mut Statement,
        params: impl rusqlite::Params,
        of: fn(&R) -> Option<ConsultationId>,
    ) -> Result<ByConsultation<'s, R>> {
        let positions = Positions::of(stmt);
        let rows = stmt.query(params)?;
        Ok(ByConsultation {
            rows,
            positions,
            next: None,
            of,
        })
    }

    fn read(&mut self) -> Result<Option<R>> {
        let Some(row) = self.rows.next()? else {
            return Ok(None);
        };
        self.positions.next.set(0);
        let named = NamedRow {
            row,
            positions: &self.positions,
        };
        Ok(Some(R::load(&named).map_err(damaged)?))
    }

    /// The records of consultation `id`, into `into` (emptied first); those of consultations
    /// before it are passed over.
    pub fn take(&mut self, id: ConsultationId, into: &mut Vec<R>) -> Result<()> {
        into.clear();
        loop {
            let record = match self.next.take() {
                Some(record) => record,
                None => match self.read()? {
                    Some(record) => record,
                    None => return Ok(()),
                },
            };
            match (self.of)(&record) {
                Some(of) if of > id => {
                    self.next = Some(record);
                    return Ok(());
                }
                Some(of) if of == id => into.push(record),
                _ => {}
            }
        }
    }
}

/// Every record a statement gives.
pub fn records<R: Load>(stmt: &mut Statement, params: impl rusqlite::Params) -> Result<Vec<R>> {
    let mut found = Vec::new();
    each_record(stmt, params, |r, _| {
        found.push(r);
        Ok(())
    })?;
    Ok(found)
}

/// One record by its number, voided or not.
pub fn get<R: Load, D>(
    conn: &Connection,
    kind: RecordKind,
    fields: &'static [Field<R, D>],
    number: i64,
) -> Result<Option<R>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} r WHERE r.id = ?1",
        select_list(fields, "r"),
        table(kind)
    ))?;
    Ok(records(&mut stmt, [number])?.pop())
}

/// A value in a column that caselog cannot read: the logbook was changed outside caselog.
fn damaged(e: BadValue) -> crate::error::Error {
    crate::error::Error::failure(format!(
        "the logbook holds a record caselog cannot read: {e}"
    ))
    .hint("`caselog check` reports on the logbook; restore your latest backup (docs/security.md)")
}

/// The `INSERT` statement of a record kind's columns, kept while the same columns are saved
/// again (an import saves a whole file of them): making its text costs more than the insert.
#[derive(Default)]
pub struct InsertSql {
    made: Option<(RecordKind, bool, Vec<FieldName>)>,
    sql: String,
}

impl InsertSql {
    /// The statement for `columns` of `kind`: `INSERT` of the record's number and its columns
    /// and, unless the table is being bulk-loaded, nothing when its UUID is already there.
    fn of(&mut self, kind: RecordKind, columns: &Columns, bulk: bool) -> &str {
        let same = self.made.as_ref().is_some_and(|(k, b, names)| {
            *k == kind && *b == bulk && names.iter().copied().eq(columns.iter().map(|(n, _)| *n))
        });
        if !same {
            let names: Vec<FieldName> = columns.iter().map(|(name, _)| *name).collect();
            let list: Vec<&str> = std::iter::once("id")
                .chain(names.iter().map(|name| column(name)))
                .collect();
            let marks: Vec<String> = (1..=list.len()).map(|i| format!("?{i}")).collect();
            self.sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table(kind),
                list.join(", "),
                marks.join(", ")
            );
            if !bulk {
                self.sql.push_str(" ON CONFLICT (uuid) DO NOTHING");
            }
            self.made = Some((kind, bulk, names));
        }
        &self.sql
    }
}

/// Saves a record: its columns and its number (kept when above 0 and free, else the next).
/// Unless the table is being bulk-loaded, a record whose UUID is already there is skipped
/// (none).
pub fn insert(
    conn: &Connection,
    sql: &mut InsertSql,
    kind: RecordKind,
    wanted: i64,
    columns: &Columns,
    bulk: bool,
) -> Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(sql.of(kind, columns, bulk))?;
    let number = (wanted > 0).then_some(wanted);
    stmt.raw_bind_parameter(1, number)?;
    for (i, (_, value)) in columns.iter().enumerate() {
        stmt.raw_bind_parameter(i + 2, Param(value))?;
    }
    let changed = match stmt.raw_execute() {
        // The number is taken: use the next one.
        Err(e) if number.is_some() && is_primary_key_conflict(&e) => {
            stmt.raw_bind_parameter(1, None::<i64>)?;
            stmt.raw_execute()?
        }
        other => other?,
    };
    Ok((changed == 1).then(|| conn.last_insert_rowid()))
}

fn is_primary_key_conflict(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Writes some of a record's columns back.
pub fn update(conn: &Connection, id: RecordId, columns: &Columns) -> Result<()> {
    if columns.is_empty() {
        return Ok(());
    }
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{} = ?{}", column(name), i + 2))
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "UPDATE {} SET {} WHERE id = ?1",
        table(id.kind),
        sets.join(", ")
    ))?;
    let values: Vec<Param> = columns.iter().map(|(_, v)| Param(v)).collect();
    let mut params: Vec<&dyn ToSql> = vec![&id.number];
    params.extend(values.iter().map(|v| v as &dyn ToSql));
    stmt.execute(params.as_slice())?;
    Ok(())
}

/// Marks a record voided.
pub fn set_voided(conn: &Connection, id: RecordId, voided: &Voided) -> Result<()> {
    conn.prepare_cached(&format!(
        "UPDATE {} SET {} = ?2, {} = ?3 WHERE id = ?1",
        table(id.kind),
        Voided::AT,
        Voided::REASON
    ))?
    .execute(rusqlite::params![
        id.number,
        voided.at.to_string(),
        voided.reason.as_str()
    ])?;
    Ok(())
}

/// The date condition for rows of `table` (named `alias`) dated in a period, for a query that
/// reads them in ID order. A period covering most of the table's dates is read in ID order
/// without the date index (`+date`); a narrower one finds its IDs in the date index, and its
/// rows are then read in ID order, so that only IDs are sorted, never whole rows.
pub fn date_condition(
    conn: &Connection,
    table: &str,
    alias: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<String> {
    // Each in a query of its own, which SQLite answers from the date index; `min` and `max`
    // in one query would read the whole table.
    let (first, last): (Option<NaiveDate>, Option<NaiveDate>) = conn.query_row(
        &format!(
            "SELECT (SELECT min(date) FROM {table}) AS first, (SELECT max(date) FROM {table}) AS last"
        ),
        [],
        |r| Ok((r.get("first")?, r.get("last")?)),
    )?;
    let wide = match (first, last) {
        (Some(first), Some(last)) => {
            let span = (last - first).num_days().max(1);
            let covered = (to.min(last) - from.max(first)).num_days();
            covered * 2 > span
        }
        _ => false,
    };
    Ok(if wide {
        format!("+{alias}.date BETWEEN ?1 AND ?2")
    } else {
        format!("{alias}.id IN (SELECT id FROM {table} WHERE date BETWEEN ?1 AND ?2)")
    })
}
