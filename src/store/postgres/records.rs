//! The PostgreSQL engine's reading and writing of records, built from the field tables as the
//! SQLite engine's are (the same table, column and select-list names): values go to the server
//! as text, which it reads with each column's own type (a date, a timestamp, a UUID, a
//! boolean), and come back by column name, turned into the values the field tables know.

use std::cell::Cell as Hint;
use std::error::Error as StdError;

use bytes::BytesMut;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Column, Row, Transaction};

use crate::domain::fields::{BadValue, Columns as ColumnValues, Field, Load, Value};
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::invalid::FieldName;
use crate::domain::record::Voided;
use crate::error::{Error, Result};
use crate::store::Columns;
pub use crate::store::sqlite::records::{column, select_list, table};

/// A statement's parameters.
pub type Params<'a> = [&'a (dyn ToSql + Sync)];

/// Where each column of a statement is, found once per statement.
pub struct Positions {
    names: Vec<String>,
    /// Where the last lookup ended: records are read in table order.
    next: Hint<usize>,
}

impl Positions {
    pub fn of(columns: &[Column]) -> Positions {
        Positions {
            names: columns.iter().map(|c| c.name().to_string()).collect(),
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
pub struct NamedRow<'r> {
    pub row: &'r Row,
    pub positions: &'r Positions,
}

impl NamedRow<'_> {
    fn typed<'a, T: postgres::types::FromSql<'a>>(
        &'a self,
        at: usize,
        name: FieldName,
    ) -> std::result::Result<Option<T>, BadValue> {
        self.row.try_get(at).map_err(|e| BadValue {
            column: name,
            found: match e.source() {
                Some(cause) => cause.to_string(),
                None => "a value of another type".to_string(),
            },
        })
    }
}

impl ColumnValues for NamedRow<'_> {
    fn value(&self, name: FieldName) -> std::result::Result<Value<'_>, BadValue> {
        let at = self.positions.find(column(name)).ok_or_else(|| BadValue {
            column: name,
            found: "no such column".into(),
        })?;
        let owned = |text: String| Value::Text(std::borrow::Cow::Owned(text));
        let ty = self.row.columns()[at].type_();
        let value = match *ty {
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => self
                .typed::<&str>(at, name)?
                .map(|t| Value::Text(std::borrow::Cow::Borrowed(t))),
            Type::INT2 => self
                .typed::<i16>(at, name)?
                .map(|n| Value::Integer(n.into())),
            Type::INT4 => self
                .typed::<i32>(at, name)?
                .map(|n| Value::Integer(n.into())),
            Type::INT8 => self.typed::<i64>(at, name)?.map(Value::Integer),
            Type::BOOL => self
                .typed::<bool>(at, name)?
                .map(|b| Value::Integer(b.into())),
            Type::DATE => self
                .typed::<NaiveDate>(at, name)?
                .map(|d| owned(iso_date(d))),
            Type::TIMESTAMPTZ => self
                .typed::<DateTime<Utc>>(at, name)?
                .map(|t| owned(iso_timestamp(t))),
            Type::UUID => self
                .typed::<uuid::Uuid>(at, name)?
                .map(|u| owned(u.hyphenated().to_string())),
            _ => {
                return Err(BadValue {
                    column: name,
                    found: format!("a value of type {ty}"),
                });
            }
        };
        Ok(value.unwrap_or(Value::Null))
    }
}

/// A date as `YYYY-MM-DD`, written without the general formatter: an export reads several
/// per row.
fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        return d.to_string();
    }
    let mut text = String::with_capacity(20);
    push_digits(&mut text, d.year() as u32, 4);
    text.push('-');
    push_digits(&mut text, d.month(), 2);
    text.push('-');
    push_digits(&mut text, d.day(), 2);
    text
}

/// A moment as caselog writes it (`Timestamp`'s form), `2026-03-15T10:00:00Z`.
fn iso_timestamp(t: DateTime<Utc>) -> String {
    use chrono::Timelike;
    let mut text = iso_date(t.date_naive());
    text.push('T');
    push_digits(&mut text, t.hour(), 2);
    text.push(':');
    push_digits(&mut text, t.minute(), 2);
    text.push(':');
    push_digits(&mut text, t.second(), 2);
    text.push('Z');
    text
}

/// `n` in `width` decimal digits, with leading zeros.
fn push_digits(text: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

/// A field's value as a statement parameter: sent as text, which the server reads as the
/// column's type.
#[derive(Debug)]
pub struct Param<'a>(pub &'a Value<'a>);

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0 {
            Value::Null => return Ok(IsNull::Yes),
            Value::Integer(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::Text(t) => out.extend_from_slice(t.as_bytes()),
        }
        Ok(IsNull::No)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn encode_format(&self, _ty: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// Turns every row of a query into a record, one at a time.
pub fn each_record<R: Load>(
    tx: &mut Transaction,
    sql: &str,
    params: &Params,
    mut each: impl FnMut(R, &NamedRow) -> Result<()>,
) -> Result<()> {
    let stmt = tx.prepare(sql)?;
    let positions = Positions::of(stmt.columns());
    // A batch of rows at a time: few round trips, and memory that does not grow with the table.
    let portal = tx.bind(&stmt, params)?;
    loop {
        let rows = tx.query_portal(&portal, BATCH)?;
        for row in &rows {
            positions.next.set(0);
            let named = NamedRow {
                row,
                positions: &positions,
            };
            let record = R::load(&named).map_err(damaged)?;
            each(record, &named)?;
        }
        if rows.len() < BATCH as usize {
            return Ok(());
        }
    }
}

/// How many rows are fetched at a time.
pub const BATCH: i32 = 2000;

/// Turns every row of a query into a record, one at a time, through `COPY … TO STDOUT`: the
/// server writes each value as text, as `psql` does for an export, which costs far less per
/// row than the client library's decoding of each value. For the long reads (an export);
/// `sql` may hold no parameters, only literals made by caselog (dates).
pub fn each_copied<R: Load>(
    tx: &mut Transaction,
    sql: &str,
    mut each: impl FnMut(R, &CopiedRow) -> Result<()>,
) -> Result<()> {
    use std::io::BufRead;
    let stmt = tx.prepare(sql)?;
    let positions = Positions::of(stmt.columns());
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    // Moments in UTC, so that they are written as caselog writes them.
    tx.batch_execute("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO'")?;
    let mut reader = tx.copy_out(format!("COPY ({sql}) TO STDOUT").as_str())?;
    let mut line = Vec::new();
    let mut fields = Vec::with_capacity(types.len());
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(lost)?;
        if read == 0 {
            return Ok(());
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        fields.clear();
        let mut start = 0;
        for (i, b) in line.iter().enumerate() {
            if *b == b'\t' {
                fields.push(start..i);
                start = i + 1;
            }
        }
        fields.push(start..line.len());
        positions.next.set(0);
        let row = CopiedRow {
            line: &line,
            fields: &fields,
            types: &types,
            positions: &positions,
        };
        let record = R::load(&row).map_err(damaged)?;
        each(record, &row)?;
    }
}

/// A failure reading a COPY's rows: the connection went.
fn lost(e: std::io::Error) -> Error {
    Error::failure(
        "the connection to the team logbook's server was lost (the server stopped or \
         restarted): nothing was written",
    )
    .hint("run the command again once the server is back")
    .caused_by(e)
}

/// One row of a `COPY … TO STDOUT` in its text format: fields separated by tabs, `\N` for
/// none, backslash escapes for tabs, newlines and backslashes.
pub struct CopiedRow<'r> {
    line: &'r [u8],
    fields: &'r [std::ops::Range<usize>],
    types: &'r [Type],
    positions: &'r Positions,
}

impl ColumnValues for CopiedRow<'_> {
    fn value(&self, name: FieldName) -> std::result::Result<Value<'_>, BadValue> {
        let bad = |found: &str| BadValue {
            column: name,
            found: found.to_string(),
        };
        let at = self
            .positions
            .find(column(name))
            .ok_or_else(|| bad("no such column"))?;
        let range = self.fields.get(at).ok_or_else(|| bad("a row too short"))?;
        let raw = &self.line[range.clone()];
        if raw == b"\\N" {
            return Ok(Value::Null);
        }
        let text = std::str::from_utf8(raw).map_err(|_| bad("text that is not UTF-8"))?;
        let text: std::borrow::Cow<str> = if raw.contains(&b'\\') {
            std::borrow::Cow::Owned(unescaped(text))
        } else {
            std::borrow::Cow::Borrowed(text)
        };
        Ok(match self.types[at] {
            Type::INT2 | Type::INT4 | Type::INT8 => {
                Value::Integer(text.parse().map_err(|_| bad(&text))?)
            }
            Type::BOOL => Value::Integer(i64::from(text == "t")),
            // `2026-03-15 10:00:00+00` (in UTC, to the second or finer) as `2026-03-15T10:00:00Z`.
            Type::TIMESTAMPTZ => match (text.get(..10), text.get(11..19)) {
                (Some(day), Some(time)) if text.ends_with("+00") => {
                    Value::Text(std::borrow::Cow::Owned(format!("{day}T{time}Z")))
                }
                _ => return Err(bad(&text)),
            },
            _ => Value::Text(text),
        })
    }
}

/// A COPY text field with its backslash escapes undone.
fn unescaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Every record a query gives.
pub fn records<R: Load>(tx: &mut Transaction, sql: &str, params: &Params) -> Result<Vec<R>> {
    let mut found = Vec::new();
    each_record(tx, sql, params, |r, _| {
        found.push(r);
        Ok(())
    })?;
    Ok(found)
}

/// One record by its number, voided or not.
pub fn get<R: Load, D>(
    tx: &mut Transaction,
    kind: RecordKind,
    fields: &'static [Field<R, D>],
    number: i64,
) -> Result<Option<R>> {
    let sql = format!(
        "SELECT {} FROM {} r WHERE r.id = $1",
        select_list(fields, "r"),
        table(kind)
    );
    Ok(records(tx, &sql, &[&number])?.pop())
}

/// A value in a column that caselog cannot read: the logbook was changed outside caselog.
pub fn damaged(e: BadValue) -> Error {
    Error::failure(format!(
        "the team logbook holds a record caselog cannot read: {e}"
    ))
    .hint("`caselog check` reports on the logbook; ask whoever runs its server (docs/team.md)")
}

/// The statement that saves a record of a kind with these columns: its number when `$1` is
/// above 0 and free, else the server's next — past any number an import kept in this
/// transaction — and a record whose UUID is already there is skipped (no row returned).
pub fn insert_sql(kind: RecordKind, columns: &Columns) -> String {
    let table = table(kind);
    let names: Vec<&str> = std::iter::once("id")
        .chain(columns.iter().map(|(name, _)| column(name)))
        .collect();
    let marks: Vec<String> = std::iter::once(format!(
        "CASE WHEN $1::bigint IS NULL OR EXISTS (SELECT 1 FROM {table} WHERE id = $1) \
         THEN (SELECT greatest(nextval('{table}_id_seq'), coalesce(max(id), 0) + 1) FROM {table}) \
         ELSE $1 END"
    ))
    .chain((2..=names.len()).map(|i| format!("${i}")))
    .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT (uuid) DO NOTHING RETURNING id",
        names.join(", "),
        marks.join(", ")
    )
}

/// Saves a record with the statement of `insert_sql`; gives its number, or none when its UUID
/// is already there.
pub fn insert(
    tx: &mut Transaction,
    stmt: &postgres::Statement,
    wanted: i64,
    columns: &Columns,
) -> Result<Option<i64>> {
    let number = (wanted > 0).then_some(wanted);
    let values: Vec<Param> = columns.iter().map(|(_, v)| Param(v)).collect();
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(values.len() + 1);
    params.push(&number);
    params.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
    Ok(tx
        .query_opt(stmt, &params)?
        .map(|row| row.get::<_, i64>("id")))
}

/// Writes some of a record's columns back; says how many rows the server let it change.
pub fn update(tx: &mut Transaction, id: RecordId, columns: &Columns) -> Result<u64> {
    if columns.is_empty() {
        return Ok(1);
    }
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{} = ${}", column(name), i + 2))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = $1",
        table(id.kind),
        sets.join(", ")
    );
    let values: Vec<Param> = columns.iter().map(|(_, v)| Param(v)).collect();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&id.number];
    params.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
    Ok(tx.execute(sql.as_str(), &params)?)
}

/// Marks a record voided; says how many rows the server let it change.
pub fn set_voided(tx: &mut Transaction, id: RecordId, voided: &Voided) -> Result<u64> {
    let at = Value::text(voided.at.to_string());
    let reason = Value::text(voided.reason.as_str());
    Ok(tx.execute(
        format!(
            "UPDATE {} SET {} = $2, {} = $3 WHERE id = $1",
            table(id.kind),
            Voided::AT,
            Voided::REASON
        )
        .as_str(),
        &[&id.number, &Param(&at), &Param(&reason)],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::Timestamp;

    #[test]
    fn dates_and_moments_are_written_as_caselog_writes_them() {
        for text in [
            "2026-03-15T10:00:00Z",
            "0999-01-02T03:04:05Z",
            "2024-12-31T23:59:59Z",
        ] {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(iso_timestamp(t.at()), text);
            assert_eq!(
                iso_date(t.at().date_naive()),
                t.at().date_naive().to_string()
            );
        }
    }
}
