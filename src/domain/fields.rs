//! Field tables: for each kind of record, its fields in one ordered list. A field's name is its
//! SQL column, its CSV header, its name in amendments and in `amend --clear`; its label is what
//! `show` prints beside it; its class says whether it is a narrative (exported only with
//! `--include-notes`), whether it can be cleared, and whether people give it at all. Export,
//! import, `show` and `amend` all read these tables, so a new field is added in one place.

use chrono::NaiveDate;

use super::checklist::Checklist;
use super::invalid::{FieldName, Problem};

/// What kind of field it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// What every record has and caselog sets: the ID, the UUID, when it was recorded.
    Stamp,
    /// Given by people, and every record of the kind has one: it cannot be cleared.
    Required,
    /// Given by people, and may be left out or cleared.
    Optional,
    /// Free text: exported only when asked for, and may be cleared.
    Narrative,
    /// Worked out by caselog from other fields and stored as it was (the suggested level).
    Derived,
    /// The record this one hangs from (a referral's consultation): exported with its UUID
    /// beside it, in a column `<name>_uuid`, so that an import can link it in another logbook.
    Link,
}

/// Reads a cell's text into a field of a draft `D`.
pub type ReadCell<D> = fn(&mut D, &str) -> Result<(), Problem>;

/// One field of a record `R` whose draft — its fields as given, before the rules — is `D`.
pub struct Field<R: 'static, D: 'static> {
    pub name: FieldName,
    pub label: &'static str,
    pub class: Class,
    /// Appends the stored value as text: a code, an ISO date, a number, codes joined with `;`,
    /// or nothing when there is none. This is what is exported and what amendments keep.
    pub text: fn(&R, &mut String),
    /// The value for people: codes with their labels, levels with their names.
    pub describe: fn(&R, &Checklist) -> String,
    /// Reads text (an import's cell) into the draft; none for stamps and derived fields.
    pub read: Option<ReadCell<D>>,
    /// Empties the draft's field (`amend --clear`); none for what cannot be cleared.
    pub clear: Option<fn(&mut D)>,
    /// The value as a storage engine keeps it.
    pub value: fn(&R) -> Value<'static>,
    /// The draft's value as typed: one text per value (several for a list), none when not
    /// given. A command line that records the draft again is made from these.
    pub typed: fn(&D) -> Vec<String>,
    /// Copies the field from one draft into another, when it is given there (`amend`: the new
    /// values over the stored ones). Says whether it was given.
    pub copy: fn(&mut D, &D) -> bool,
}

impl<R, D> Field<R, D> {
    /// The stored value as text.
    pub fn text_of(&self, record: &R) -> String {
        let mut text = String::new();
        (self.text)(record, &mut text);
        text
    }

    /// Whether the field is exported without `--include-notes`.
    pub fn always_exported(&self) -> bool {
        self.class != Class::Narrative
    }
}

/// The fields of a table that an export writes: every field but the narratives, then the
/// narratives when `include_notes`.
pub fn exported<R, D>(
    table: &'static [Field<R, D>],
    include_notes: bool,
) -> impl Iterator<Item = &'static Field<R, D>> {
    let always = table.iter().filter(|f| f.always_exported());
    let notes = table
        .iter()
        .filter(move |f| include_notes && !f.always_exported());
    always.chain(notes)
}

/// Finds a field by name.
pub fn find<R, D>(table: &'static [Field<R, D>], name: &str) -> Option<&'static Field<R, D>> {
    table.iter().find(|f| f.name == name)
}

/// A value as a storage engine keeps it: every field is one of these in its column. Text read
/// back borrows from the engine's row while it is parsed, so that a code or a date costs no copy.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Text(std::borrow::Cow<'a, str>),
}

impl Value<'_> {
    /// Text to keep.
    pub fn text(text: impl Into<String>) -> Value<'static> {
        Value::Text(std::borrow::Cow::Owned(text.into()))
    }
}

/// A value found in a column that no record field can hold: the logbook was changed outside
/// caselog, or by a newer caselog.
#[derive(Debug, Clone, PartialEq)]
pub struct BadValue {
    pub column: FieldName,
    pub found: String,
}

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "column {} holds {}, which caselog cannot read",
            self.column, self.found
        )
    }
}

impl std::error::Error for BadValue {}

/// A field's type as a storage engine keeps it.
pub trait Stored: Sized {
    fn stored(&self) -> Value<'static>;
    /// The field back from its column; `None` when the value does not fit.
    fn restore(value: Value<'_>) -> Option<Self>;
}

/// A stored record's columns, by name, as an engine gives them to `Load`.
pub trait Columns {
    fn value(&self, name: FieldName) -> Result<Value<'_>, BadValue>;

    /// The column read as the field's type.
    fn get<T: Stored>(&self, name: FieldName) -> Result<T, BadValue>
    where
        Self: Sized,
    {
        match T::restore(self.value(name)?) {
            Some(value) => Ok(value),
            // Read again to say what it holds: only on this rare path.
            None => Err(BadValue {
                column: name,
                found: format!("{:?}", self.value(name)?),
            }),
        }
    }
}

/// A record read back from its columns (the field table lists them).
pub trait Load: Sized {
    fn load(columns: &impl Columns) -> Result<Self, BadValue>;
}

impl<T: Stored> Stored for Option<T> {
    fn stored(&self) -> Value<'static> {
        self.as_ref().map_or(Value::Null, Stored::stored)
    }
    fn restore(value: Value<'_>) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::restore(other).map(Some),
        }
    }
}

/// A list is kept as its items' text joined with `;`, and "" when empty.
impl<T: Stored> Stored for Vec<T> {
    fn stored(&self) -> Value<'static> {
        let mut joined = String::new();
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                joined.push(';');
            }
            match item.stored() {
                Value::Text(t) => joined.push_str(&t),
                Value::Integer(n) => joined.push_str(&n.to_string()),
                Value::Null => {}
            }
        }
        Value::text(joined)
    }
    fn restore(value: Value<'_>) -> Option<Self> {
        let Value::Text(text) = value else {
            return None;
        };
        text.split(';')
            .filter(|item| !item.is_empty())
            .map(|item| T::restore(Value::Text(std::borrow::Cow::Borrowed(item))))
            .collect()
    }
}

/// Implements `Stored` as the value's text, read back with `FromStr`.
macro_rules! stored_as_text {
    ($($t:ty),* $(,)?) => {
        $(
            impl $crate::domain::fields::Stored for $t {
                fn stored(&self) -> $crate::domain::fields::Value<'static> {
                    $crate::domain::fields::Value::text(self.to_string())
                }
                fn restore(value: $crate::domain::fields::Value<'_>) -> Option<Self> {
                    match value {
                        $crate::domain::fields::Value::Text(t) => t.parse().ok(),
                        _ => None,
                    }
                }
            }
        )*
    };
}
pub(crate) use stored_as_text;

/// A UUID is kept as its lower-case hyphenated text.
impl Stored for uuid::Uuid {
    fn stored(&self) -> Value<'static> {
        let mut text = uuid::Uuid::encode_buffer();
        Value::text(&*self.hyphenated().encode_lower(&mut text))
    }
    fn restore(value: Value<'_>) -> Option<Self> {
        match value {
            Value::Text(t) => t.parse().ok(),
            _ => None,
        }
    }
}

/// A date is kept as its ISO text, `YYYY-MM-DD`, read back without chrono's general parser:
/// an export reads one per row and column.
impl Stored for NaiveDate {
    fn stored(&self) -> Value<'static> {
        let mut text = String::with_capacity(10);
        push_iso_date(&mut text, *self);
        Value::text(text)
    }
    fn restore(value: Value<'_>) -> Option<Self> {
        let Value::Text(text) = value else {
            return None;
        };
        iso_date(&text)
    }
}

/// Appends `YYYY-MM-DD` (years 0 to 9999, all a logbook holds), without the formatting
/// machinery: an import writes one per row and date field.
pub fn push_iso_date(out: &mut String, date: NaiveDate) {
    use chrono::Datelike;
    push_digits(out, date.year().unsigned_abs(), 4);
    out.push('-');
    push_digits(out, date.month(), 2);
    out.push('-');
    push_digits(out, date.day(), 2);
}

/// Appends the last `width` decimal digits of `n`, with leading zeros.
pub fn push_digits(out: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Reads `YYYY-MM-DD`.
pub fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

/// A draft's value as typed, for a command line.
pub trait Typed {
    fn typed(&self) -> Vec<String>;
    fn is_given(&self) -> bool;
}

impl<T: std::fmt::Display> Typed for Option<T> {
    fn typed(&self) -> Vec<String> {
        self.iter()
            .map(ToString::to_string)
            .filter(|t| !t.trim().is_empty())
            .collect()
    }
    fn is_given(&self) -> bool {
        !self.typed().is_empty()
    }
}

impl<T: std::fmt::Display> Typed for Vec<T> {
    fn typed(&self) -> Vec<String> {
        self.iter().map(ToString::to_string).collect()
    }
    fn is_given(&self) -> bool {
        !self.is_empty()
    }
}

/// A stored value written as text for export and amendments, appended to `out`.
pub trait Cell {
    fn cell(&self, out: &mut String);
}

/// A stored value written for people to read.
pub trait Describe {
    fn describe(&self, checklist: &Checklist) -> String;
}

/// A draft's value read from text, such as an import's cell: blank is none.
pub trait FromCell: Sized {
    fn from_cell(text: &str) -> Result<Self, Problem>;
}

impl<T: Cell> Cell for Option<T> {
    fn cell(&self, out: &mut String) {
        if let Some(value) = self {
            value.cell(out);
        }
    }
}

impl<T: Cell> Cell for Vec<T> {
    fn cell(&self, out: &mut String) {
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            item.cell(out);
        }
    }
}

impl<T: Describe> Describe for Option<T> {
    fn describe(&self, checklist: &Checklist) -> String {
        self.as_ref()
            .map(|v| v.describe(checklist))
            .unwrap_or_default()
    }
}

impl<T: Describe> Describe for Vec<T> {
    fn describe(&self, checklist: &Checklist) -> String {
        self.iter()
            .map(|v| v.describe(checklist))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl<T: std::str::FromStr<Err = Problem>> FromCell for Option<T> {
    fn from_cell(text: &str) -> Result<Self, Problem> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        text.parse().map(Some)
    }
}

/// A list cell: items separated by `;`.
impl<T: std::str::FromStr<Err = Problem>> FromCell for Vec<T> {
    fn from_cell(text: &str) -> Result<Self, Problem> {
        text.split(';')
            .filter(|item| !item.trim().is_empty())
            .map(str::parse)
            .collect()
    }
}

/// Implements `Cell` and `Describe` as the value's own `Display`.
macro_rules! plain_cells {
    ($($t:ty),* $(,)?) => {
        $(
            impl $crate::domain::fields::Cell for $t {
                fn cell(&self, out: &mut String) {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{self}");
                }
            }
            impl $crate::domain::fields::Describe for $t {
                fn describe(&self, _: &$crate::domain::checklist::Checklist) -> String {
                    self.to_string()
                }
            }
        )*
    };
}
pub(crate) use plain_cells;

plain_cells!(uuid::Uuid);

impl Cell for NaiveDate {
    fn cell(&self, out: &mut String) {
        push_iso_date(out, *self);
    }
}

impl Describe for NaiveDate {
    fn describe(&self, _: &Checklist) -> String {
        self.to_string()
    }
}

/// One entry of a field table, for a field of both the record and its draft: its text and
/// description come from the record's field, and import and `--clear` set the draft's field of
/// the same name.
macro_rules! field {
    ($name:ident, $label:literal, $class:ident) => {
        $crate::domain::fields::Field {
            name: stringify!($name),
            label: $label,
            class: $crate::domain::fields::Class::$class,
            text: |r, out| $crate::domain::fields::Cell::cell(&r.$name, out),
            describe: |r, c| $crate::domain::fields::Describe::describe(&r.$name, c),
            read: Some(|d, s| {
                d.$name = $crate::domain::fields::FromCell::from_cell(s)?;
                Ok(())
            }),
            clear: $crate::domain::fields::field!(@clear $name, $class),
            value: |r| $crate::domain::fields::Stored::stored(&r.$name),
            typed: |d| $crate::domain::fields::Typed::typed(&d.$name),
            copy: |to, from| {
                let given = $crate::domain::fields::Typed::is_given(&from.$name);
                if given {
                    to.$name = from.$name.clone();
                }
                given
            },
        }
    };
    // What every record has cannot be cleared.
    (@clear $name:ident, Required) => {
        None
    };
    (@clear $name:ident, $class:ident) => {
        Some(|d| d.$name = Default::default())
    };
}
pub(crate) use field;

/// One entry of a field table for a field of the record alone — a stamp, or a derived value —
/// which people do not give.
macro_rules! record_field {
    ($name:ident, $label:literal, $class:ident) => {
        $crate::domain::fields::Field {
            name: stringify!($name),
            label: $label,
            class: $crate::domain::fields::Class::$class,
            text: |r, out| $crate::domain::fields::Cell::cell(&r.$name, out),
            describe: |r, c| $crate::domain::fields::Describe::describe(&r.$name, c),
            read: None,
            clear: None,
            value: |r| $crate::domain::fields::Stored::stored(&r.$name),
            typed: |_| Vec::new(),
            copy: |_, _| false,
        }
    };
}
pub(crate) use record_field;

/// Declares a record's field table — every field but `voided`, in the order of the export's
/// columns — and how the record is read back from its columns. Each line is
/// `name: "Label", Class`; fields people give (`Required`, `Optional`, `Narrative`) are also
/// fields of the draft, the others (`Stamp`, `Derived`, `Link`) only of the record.
macro_rules! record_table {
    (
        $(#[$meta:meta])*
        $vis:vis static $table:ident: $record:ident, $draft:ident = [
            $( $name:ident : $label:literal, $class:ident; )+
        ]
    ) => {
        $(#[$meta])*
        $vis static $table: &[$crate::domain::fields::Field<$record, $draft>] = &[
            $( $crate::domain::fields::record_table!(@entry $name, $label, $class), )+
        ];

        impl $crate::domain::fields::Load for $record {
            fn load(
                columns: &impl $crate::domain::fields::Columns,
            ) -> Result<Self, $crate::domain::fields::BadValue> {
                Ok($record {
                    $( $name: columns.get(stringify!($name))?, )+
                    voided: $crate::domain::record::Voided::load(columns)?,
                })
            }
        }
    };
    (@entry $name:ident, $label:literal, Stamp) => {
        $crate::domain::fields::record_field!($name, $label, Stamp)
    };
    (@entry $name:ident, $label:literal, Derived) => {
        $crate::domain::fields::record_field!($name, $label, Derived)
    };
    (@entry $name:ident, $label:literal, Link) => {
        $crate::domain::fields::record_field!($name, $label, Link)
    };
    (@entry $name:ident, $label:literal, $class:ident) => {
        $crate::domain::fields::field!($name, $label, $class)
    };
}
pub(crate) use record_table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_stored_as_the_text_they_read_back_from() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(date.stored(), Value::text("2026-03-05"));
        assert_eq!(NaiveDate::restore(date.stored()), Some(date));

        let uuid: uuid::Uuid = "6F9619FF-8B86-D011-B42D-00CF4FC964FF".parse().unwrap();
        assert_eq!(
            uuid.stored(),
            Value::text("6f9619ff-8b86-d011-b42d-00cf4fc964ff")
        );
        assert_eq!(uuid::Uuid::restore(uuid.stored()), Some(uuid));

        let dates = vec![date, date.succ_opt().unwrap()];
        assert_eq!(dates.stored(), Value::text("2026-03-05;2026-03-06"));
        assert_eq!(Vec::<NaiveDate>::restore(dates.stored()), Some(dates));
        assert_eq!(Vec::<NaiveDate>::new().stored(), Value::text(""));
    }

    #[test]
    fn digits_are_padded_to_their_width() {
        let mut text = String::new();
        push_digits(&mut text, 7, 2);
        push_digits(&mut text, 12, 4);
        push_digits(&mut text, 0, 1);
        assert_eq!(text, "0700120");
    }
}
