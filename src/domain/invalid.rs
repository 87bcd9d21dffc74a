//! Typed validation errors. The domain says which field is wrong and what is wrong with it, never
//! how the field is named where it was typed: the command line names it as a flag (`--follow-up`),
//! an import as its column (`line 12, column follow_up`), the form by its question. `Invalid`
//! carries the field's name in the field tables (`follow_up`); a surface turns it into words with
//! `Invalid::words`, given how it names a field.

use std::fmt;

use chrono::NaiveDate;

use super::codes::NotACode;
use super::ids::{MAX_NUMBER, RecordId, RecordKind};

/// A field's name in its record's field table: its column, CSV header and amendment name.
pub type FieldName = &'static str;

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// Required, and not given (or given blank).
    Missing,
    /// Several required fields not given: this one and the others, in field order.
    MissingFields(Vec<FieldName>),
    /// Not in its code list.
    NotACode(NotACode),
    /// Not yes or no.
    NotYesNo { given: String },
    /// Not a number in range; `valid` says what is ("a level of need from 1 to 4").
    OutOfRange { given: String, valid: &'static str },
    /// Longer than the field's limit.
    TooLong { len: usize, max: usize },
    /// A character the field does not allow; `allowed` says what the field is.
    Character {
        found: char,
        what: &'static str,
        allowed: &'static str,
    },
    /// Not a date in any of the accepted forms.
    NotADate {
        given: String,
        formats: &'static str,
    },
    /// Before the earliest date caselog accepts.
    TooEarly {
        date: NaiveDate,
        earliest: NaiveDate,
    },
    /// After today, for a date that cannot be.
    Future { date: NaiveDate, today: NaiveDate },
    /// Before the record it follows ("the consultation C-3", dated `earliest`).
    BeforeRecord {
        date: NaiveDate,
        record: String,
        earliest: NaiveDate,
    },
    /// Given, but empty, where a value is needed (a date); `expected` says what to write.
    Empty { expected: &'static str },
    /// More than a year ahead of today: a slip in the year. `given` is the date or month as
    /// it was typed.
    TooFarAhead { given: String, latest: NaiveDate },
    /// Not a month written `YYYY-MM`.
    NotAMonth { given: String },
    /// Not a period written `FROM..TO`.
    NotAPeriod { given: String },
    /// A follow-up more than a year after the record that sets it (dated `from`).
    FollowUpTooLate {
        date: NaiveDate,
        from: NaiveDate,
        latest: NaiveDate,
    },
    /// Not an indicator of the checklist in use.
    NotAnIndicator { given: String, checklist: String },
    /// Not written as an indicator ID (`<domain><level>.<n>`) at all.
    NotAnIndicatorId { given: String },
    /// Not written as a record ID ("C-12").
    NotAnId { given: String },
    /// A record ID whose number is beyond `ids::MAX_NUMBER`.
    IdOutOfRange { given: String },
    /// A record ID of another kind than the one wanted.
    WrongKind { id: RecordId, expected: RecordKind },
    /// A rule about several fields, with the other fields named as the surface names them.
    Rule(Words),
}

/// A sentence in which some words are field names, so that each surface can name them its own
/// way: `Words::new().text("give ").field("rationale")` reads "give --rationale" on the command
/// line and "give rationale" in an import.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Words {
    pieces: Vec<Piece>,
    hint: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Field(FieldName),
}

impl Words {
    pub fn new() -> Words {
        Words::default()
    }

    /// Plain words.
    pub fn text(mut self, text: impl Into<String>) -> Words {
        self.pieces.push(Piece::Text(text.into()));
        self
    }

    /// A field, named as the surface names it.
    pub fn field(mut self, name: FieldName) -> Words {
        self.pieces.push(Piece::Field(name));
        self
    }

    /// Plain words of the hint.
    pub fn hint_text(mut self, text: impl Into<String>) -> Words {
        self.hint.push(Piece::Text(text.into()));
        self
    }

    /// A field in the hint.
    pub fn hint_field(mut self, name: FieldName) -> Words {
        self.hint.push(Piece::Field(name));
        self
    }

    fn render(pieces: &[Piece], name: &dyn Fn(FieldName) -> String) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Field(f) => name(f),
            })
            .collect()
    }
}

/// One field's value refused, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub field: FieldName,
    pub problem: Problem,
}

impl Invalid {
    pub fn new(field: FieldName, problem: Problem) -> Invalid {
        Invalid { field, problem }
    }

    pub fn missing(field: FieldName) -> Invalid {
        Invalid::new(field, Problem::Missing)
    }

    pub fn rule(field: FieldName, words: Words) -> Invalid {
        Invalid::new(field, Problem::Rule(words))
    }

    /// The message and hint, with every field named by `name` (a flag, a column, a question).
    pub fn words(&self, name: &dyn Fn(FieldName) -> String) -> (String, Option<String>) {
        let this = name(self.field);
        match &self.problem {
            Problem::Missing => (
                format!("missing {this}"),
                Some(format!("give {this} a value")),
            ),
            Problem::NotACode(e) => (
                format!("{this}: {e}"),
                Some(format!("valid {} codes: {}", e.list, e.valid)),
            ),
            Problem::MissingFields(fields) => (
                format!(
                    "missing {}",
                    fields
                        .iter()
                        .map(|f| name(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            ),
            Problem::NotYesNo { given } => (
                format!("{this} '{given}' is not yes or no"),
                Some(format!("{this} is yes or no")),
            ),
            Problem::OutOfRange { given, valid } => (
                format!("{this} '{given}' is not valid"),
                Some(format!("{this} is {valid}")),
            ),
            Problem::TooLong { len, max } => (
                format!("{this} is {len} characters long; the limit is {max}"),
                None,
            ),
            Problem::Character {
                found,
                what,
                allowed,
            } => (
                format!(
                    "{this} contains {what} (U+{:04X}{})",
                    u32::from(*found),
                    char_name(*found)
                ),
                Some(format!("{this} is {allowed}")),
            ),
            Problem::NotADate { given, formats } => (
                format!("{this} '{given}' is not a date"),
                Some(format!("write a date as {formats}")),
            ),
            Problem::TooEarly { date, earliest } => (
                format!("{this} {date} is before {earliest}: check the year"),
                None,
            ),
            Problem::Future { date, today } => (
                format!("{this} {date} is in the future (today is {today})"),
                None,
            ),
            Problem::BeforeRecord {
                date,
                record,
                earliest,
            } => (
                format!("{this} {date} is before {record} ({earliest})"),
                Some("a record is dated on or after the record it follows".to_string()),
            ),
            Problem::Empty { expected } => (
                format!("{this} is empty"),
                Some(format!("write {expected}")),
            ),
            Problem::TooFarAhead { given, latest } => (
                format!(
                    "{this} {given} is more than a year ahead (the latest date is {latest}): \
                     check the year"
                ),
                None,
            ),
            Problem::NotAMonth { given } => (
                format!("{this} '{given}' is not a month"),
                Some("write a month as YYYY-MM, e.g. 2026-02".to_string()),
            ),
            Problem::NotAPeriod { given } => (
                format!("{this} '{given}' is not a period"),
                Some(
                    "write a period as FROM..TO, both dates inclusive, e.g. \
                     2025-01-01..2025-03-31"
                        .to_string(),
                ),
            ),
            Problem::FollowUpTooLate { date, from, latest } => (
                format!("{this} {date} is more than a year after the date it follows ({from})"),
                Some(format!(
                    "a follow-up is at most {} days after, by {latest}; check the year",
                    super::values::FOLLOW_UP_MAX_DAYS
                )),
            ),
            Problem::NotAnIndicator { given, checklist } => (
                format!("{this} '{given}' is not an indicator of the {checklist}"),
                Some("`caselog checklist` lists the indicators and their IDs".to_string()),
            ),
            Problem::NotAnIndicatorId { given } => (
                format!("{this} '{given}' is not an indicator ID"),
                Some(
                    "`caselog checklist` lists the indicators and their IDs: <domain><level>.<n>, \
                     such as P3.2 (domain C, P or F; level 1 to 4)"
                        .to_string(),
                ),
            ),
            // An ID names itself: what it is typed for is plain from the command.
            Problem::NotAnId { given } => (
                format!("'{given}' is not a record ID"),
                Some(
                    "IDs look like C-12 (consultation), R-3 (referral), V-7 (review) or A-2 \
                     (audit)"
                        .to_string(),
                ),
            ),
            Problem::IdOutOfRange { given } => (
                format!("'{given}' is out of range: record numbers go up to {MAX_NUMBER}"),
                None,
            ),
            Problem::WrongKind { id, expected } => (
                format!("{id} is {}, not {}", id.kind.a_noun(), expected.a_noun()),
                Some(format!(
                    "{} IDs start with {}-",
                    expected.noun(),
                    expected.prefix()
                )),
            ),
            Problem::Rule(words) => {
                let hint = (!words.hint.is_empty()).then(|| Words::render(&words.hint, name));
                (Words::render(&words.pieces, name), hint)
            }
        }
    }
}

/// A short name for the characters people ask about.
fn char_name(c: char) -> &'static str {
    match c {
        '\u{200B}' => ", zero-width space",
        '\u{FEFF}' => ", zero-width no-break space",
        '\u{202E}' => ", right-to-left override",
        '\u{202D}' => ", left-to-right override",
        '\u{2028}' => ", line separator",
        '\u{2029}' => ", paragraph separator",
        '\n' => ", line break",
        '\t' => ", tab",
        '\u{1b}' => ", escape",
        _ => "",
    }
}

/// Shown where no surface names the field (a panic message, a log): the field as it is called
/// in the field table.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (message, _) = self.words(&|name| name.to_string());
        f.write_str(&message)
    }
}

impl std::error::Error for Invalid {}

/// A problem on its own, before it is known which field it is about (a value refused while
/// the command line was read): the value is called "value". The command line names the flag
/// instead, by catching the problem as the source of clap's error.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (message, _) = Invalid::new("value", self.clone()).words(&|name| name.to_string());
        f.write_str(&message)
    }
}

impl std::error::Error for Problem {}

#[cfg(test)]
mod tests {
    use super::*;

    /// A surface that names a field <like_this>.
    fn flag(name: FieldName) -> String {
        format!("<{name}>")
    }

    #[test]
    fn each_surface_names_the_field_its_own_way() {
        let invalid = Invalid::new(
            "consultee_level",
            Problem::OutOfRange {
                given: "7".into(),
                valid: "a level of need from 1 to 4",
            },
        );
        assert_eq!(
            invalid.words(&flag),
            (
                "<consultee_level> '7' is not valid".to_string(),
                Some("<consultee_level> is a level of need from 1 to 4".to_string())
            )
        );
        assert_eq!(
            invalid.words(&|n| n.to_string()).0,
            "consultee_level '7' is not valid"
        );
    }

    #[test]
    fn rules_name_every_field_they_mention() {
        let invalid = Invalid::rule(
            "rationale",
            Words::new()
                .field("level")
                .text(" 2 differs from the suggested level 3: give ")
                .field("rationale")
                .hint_text("record why with ")
                .hint_field("rationale"),
        );
        let (message, hint) = invalid.words(&flag);
        assert_eq!(
            message,
            "<level> 2 differs from the suggested level 3: give <rationale>"
        );
        assert_eq!(hint.as_deref(), Some("record why with <rationale>"));
    }
}
