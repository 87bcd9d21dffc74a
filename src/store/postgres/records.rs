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
    /// The name each column was last found by: the field tables' names are static, so a name
    /// seen before is known by its address, without comparing text.
    seen: Vec<Hint<usize>>,
    /// Where the last lookup ended: records are read in table order.
    next: Hint<usize>,
}

impl Positions {
    pub fn of(columns: &[Column]) -> Positions {
        Positions {
            names: columns.iter().map(|c| c.name().to_string()).collect(),
            seen: columns.iter().map(|_| Hint::new(0)).collect(),
            next: Hint::new(0),
        }
    }

    fn find(&self, name: &'static str) -> Option<usize> {
        let start = self.next.get();
        let address = name.as_ptr() as usize;
        if self.seen.get(start).is_some_and(|s| s.get() == address) {
            self.next.set(start + 1);
            return Some(start);
        }
        let found = (start..self.names.len())
            .chain(0..start)
            .find(|&i| self.names[i] == name)?;
        self.seen[found].set(address);
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

/// A date as `YYYY-MM-DD`.
fn iso_date(d: NaiveDate) -> String {
    let mut text = String::with_capacity(10);
    crate::domain::fields::push_iso_date(&mut text, d);
    text
}

/// A moment as caselog writes it (`Timestamp`'s form), `2026-03-15T10:00:00Z`.
fn iso_timestamp(t: DateTime<Utc>) -> String {
    crate::domain::record::Timestamp::new(t).to_string()
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

/// Turns every row of a query into a record, one at a time, through `COPY … TO STDOUT` in
/// PostgreSQL's binary format: the server sends each row as one message, as it does for `psql`'s
/// exports, and each value in its compact binary form, which costs both sides far less than the
/// client library's row decoding. For the long reads (an export); `sql` may hold no parameters,
/// only literals made by caselog (dates).
pub fn each_copied<R: Load>(
    tx: &mut Transaction,
    sql: &str,
    mut each: impl FnMut(R, &CopiedRow) -> Result<()>,
) -> Result<()> {
    use std::io::{BufRead, Read};
    let stmt = tx.prepare(sql)?;
    let positions = Positions::of(stmt.columns());
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    let mut reader = tx.copy_out(format!("COPY ({sql}) TO STDOUT (FORMAT binary)").as_str())?;
    let unreadable = || {
        damaged(BadValue {
            column: "a row",
            found: "a copy that does not follow PostgreSQL's binary format".into(),
        })
    };
    // The header: a signature, flags, and an extension caselog skips.
    let mut header = [0u8; 19];
    reader.read_exact(&mut header).map_err(lost)?;
    if &header[..11] != b"PGCOPY\n\xff\r\n\0" {
        return Err(unreadable());
    }
    let extension = u32::from_be_bytes([header[15], header[16], header[17], header[18]]);
    std::io::copy(
        &mut (&mut reader).take(u64::from(extension)),
        &mut std::io::sink(),
    )
    .map_err(lost)?;
    // Each row comes as one message: it is taken whole, and its values are found in place.
    let mut data: Vec<u8> = Vec::new();
    let mut fields: Vec<Option<std::ops::Range<usize>>> = Vec::with_capacity(types.len());
    loop {
        let length = loop {
            match tuple(&data, &mut fields) {
                Some(length) => break length,
                None => {
                    let chunk = reader.fill_buf().map_err(lost)?;
                    if chunk.is_empty() {
                        return Err(unreadable());
                    }
                    data.extend_from_slice(chunk);
                    let taken = chunk.len();
                    reader.consume(taken);
                }
            }
        };
        if length == 2 && fields.is_empty() {
            // The trailer: a field count of -1.
            return Ok(());
        }
        if fields.len() != types.len() {
            return Err(unreadable());
        }
        positions.next.set(0);
        let row = CopiedRow {
            data: &data,
            fields: &fields,
            types: &types,
            positions: &positions,
        };
        let record = R::load(&row).map_err(damaged)?;
        each(record, &row)?;
        data.drain(..length);
    }
}

/// The length of the binary COPY tuple at the start of `data`, with its values' places in
/// `fields`; none while it is not all there. The trailer is 2 bytes long with no fields.
fn tuple(data: &[u8], fields: &mut Vec<Option<std::ops::Range<usize>>>) -> Option<usize> {
    fields.clear();
    let count = i16::from_be_bytes(data.get(..2)?.try_into().ok()?);
    let mut at = 2;
    for _ in 0..count.max(0) {
        let length = i32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?);
        at += 4;
        if length < 0 {
            fields.push(None);
            continue;
        }
        let end = at + length as usize;
        data.get(at..end)?;
        fields.push(Some(at..end));
        at = end;
    }
    Some(at)
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

/// One row of a binary `COPY … TO STDOUT`: each value's bytes, or none for NULL.
pub struct CopiedRow<'r> {
    data: &'r [u8],
    fields: &'r [Option<std::ops::Range<usize>>],
    types: &'r [Type],
    positions: &'r Positions,
}

impl ColumnValues for CopiedRow<'_> {
    fn value(&self, name: FieldName) -> std::result::Result<Value<'_>, BadValue> {
        use postgres::types::FromSql;
        let bad = |found: String| BadValue {
            column: name,
            found,
        };
        let at = self
            .positions
            .find(column(name))
            .ok_or_else(|| bad("no such column".into()))?;
        let Some(range) = self.fields[at].clone() else {
            return Ok(Value::Null);
        };
        let raw = &self.data[range];
        let ty = &self.types[at];
        let unreadable = |_| bad(format!("a value of type {ty} that cannot be read"));
        let owned = |text: String| Value::Text(std::borrow::Cow::Owned(text));
        Ok(match *ty {
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => Value::Text(
                std::borrow::Cow::Borrowed(<&str>::from_sql(ty, raw).map_err(unreadable)?),
            ),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw).map_err(unreadable)?.into()),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw).map_err(unreadable)?.into()),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw).map_err(unreadable)?),
            Type::BOOL => Value::Integer(bool::from_sql(ty, raw).map_err(unreadable)?.into()),
            Type::DATE => owned(iso_date(NaiveDate::from_sql(ty, raw).map_err(unreadable)?)),
            Type::TIMESTAMPTZ => owned(iso_timestamp(
                DateTime::<Utc>::from_sql(ty, raw).map_err(unreadable)?,
            )),
            Type::UUID => owned(
                uuid::Uuid::from_sql(ty, raw)
                    .map_err(unreadable)?
                    .hyphenated()
                    .to_string(),
            ),
            _ => return Err(bad(format!("a value of type {ty}"))),
        })
    }
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
