//! What every record has besides its own fields — its ID, its UUID, when it was recorded, and
//! whether it was voided — and the date rules all kinds of record share (domain brief §2: no
//! record is dated after today; a record is not dated before the record it follows; a
//! follow-up is at most a year after the record that sets it).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::fields::{BadValue, Columns};
use super::invalid::{FieldName, Invalid, Problem};
use super::text::Text;
use super::values::{Day, When, horizon};

/// A moment, in UTC to the second, written `2026-03-15T10:00:00Z`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn new(at: DateTime<Utc>) -> Timestamp {
        Timestamp(at)
    }

    pub fn at(&self) -> DateTime<Utc> {
        self.0
    }
}

impl fmt::Display for Timestamp {
    /// Written digit by digit rather than by the general formatter: exports write one per row.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::fields::{push_digits, push_iso_date};
        use chrono::Timelike;
        let t = self.0;
        let mut text = String::with_capacity(20);
        push_iso_date(&mut text, t.date_naive());
        text.push('T');
        for (i, part) in [t.hour(), t.minute(), t.second()].into_iter().enumerate() {
            if i > 0 {
                text.push(':');
            }
            push_digits(&mut text, part, 2);
        }
        text.push('Z');
        f.write_str(&text)
    }
}

/// Reads an RFC 3339 timestamp with any offset, kept as UTC to the second.
impl FromStr for Timestamp {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Timestamp, Problem> {
        let text = input.trim();
        // The form caselog writes, `2026-03-15T10:00:00Z`, read without the general parser.
        if let Some(at) = canonical(text) {
            return Ok(Timestamp(at));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|t| {
                let utc = t.with_timezone(&Utc);
                Timestamp(
                    utc - chrono::Duration::nanoseconds(i64::from(utc.timestamp_subsec_nanos())),
                )
            })
            .map_err(|_| Problem::OutOfRange {
                given: text.to_string(),
                valid: "a timestamp such as 2026-03-15T10:00:00Z",
            })
    }
}

/// A timestamp in exactly the form caselog writes, `YYYY-MM-DDTHH:MM:SSZ`.
fn canonical(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let date = super::fields::iso_date(&text[..10])?;
    let number = |at: usize| -> Option<u32> {
        let (x, y) = (b[at], b[at + 1]);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
    };
    let time = date.and_hms_opt(number(11)?, number(14)?, number(17)?)?;
    Some(time.and_utc())
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

super::fields::stored_as_text!(Timestamp);

super::fields::plain_cells!(Timestamp);

/// What caselog gives a record when it is saved: its ID (0 until then, or the number an
/// import would keep), a UUID so that logbooks can be merged, and when it was recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp<Id> {
    pub id: Id,
    pub uuid: uuid::Uuid,
    pub created_at: Timestamp,
}

impl<Id> Stamp<Id> {
    /// The same stamp with its ID made another type (a number read from a file made a
    /// record's ID).
    pub fn map<J>(self, f: impl FnOnce(Id) -> J) -> Stamp<J> {
        Stamp {
            id: f(self.id),
            uuid: self.uuid,
            created_at: self.created_at,
        }
    }

    /// A new record's stamp: a fresh UUID, recorded `now`.
    pub fn fresh(id: Id, now: &Timestamp) -> Stamp<Id> {
        Stamp {
            id,
            uuid: uuid::Uuid::new_v4(),
            created_at: now.clone(),
        }
    }

    /// A stamp for tests and examples, recorded at `created_at` (an RFC 3339 timestamp).
    pub fn new(id: Id, created_at: &str) -> Stamp<Id> {
        let at = created_at.parse().expect("an RFC 3339 timestamp");
        Stamp::fresh(id, &at)
    }
}

/// When and why a record was voided: it stays in the logbook but leaves lists and figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Voided {
    pub at: Timestamp,
    pub reason: Text,
}

impl Voided {
    /// The columns a record's voiding is kept in.
    pub const AT: FieldName = "voided_at";
    pub const REASON: FieldName = "void_reason";

    /// Whether, when and why a stored record was voided.
    pub fn load(columns: &impl Columns) -> Result<Option<Voided>, BadValue> {
        let at: Option<Timestamp> = columns.get(Voided::AT)?;
        Ok(match at {
            None => None,
            Some(at) => Some(Voided {
                at,
                reason: columns.get(Voided::REASON)?,
            }),
        })
    }
}

/// The date of `day`, which may not be after today.
pub fn not_after_today(field: FieldName, day: Day, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let date = day.on(today);
    if date > today {
        return Err(Invalid::new(field, Problem::Future { date, today }));
    }
    Ok(date)
}

/// The date of a record that follows another — a referral its consultation, a review what it
/// reviews, an audit its consultation: not after today, and not before `earliest`, the date of
/// `record` ("the consultation C-3").
pub fn dated_after(
    field: FieldName,
    day: Day,
    record: impl fmt::Display,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    let date = not_after_today(field, day, today)?;
    if date < earliest {
        return Err(Invalid::new(
            field,
            Problem::BeforeRecord {
                date,
                record: record.to_string(),
                earliest,
            },
        ));
    }
    Ok(date)
}

/// A follow-up set by a record dated `from`: on or after it, and at most a year after.
pub fn follow_up_after(
    field: FieldName,
    when: When,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    let date = when.after(from, today);
    if date < from {
        return Err(Invalid::new(
            field,
            Problem::BeforeRecord {
                date,
                record: "the date it follows".to_string(),
                earliest: from,
            },
        ));
    }
    let latest = horizon(from);
    if date > latest {
        return Err(Invalid::new(
            field,
            Problem::FollowUpTooLate { date, from, latest },
        ));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_written_form_reads_as_the_general_parser_reads_it() {
        for text in [
            "2026-03-15T10:00:00Z",
            "1999-12-31T23:59:59Z",
            "2024-02-29T00:00:00Z",
        ] {
            let general = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(canonical(text), Some(general));
            assert_eq!(Timestamp(general).to_string(), text);
        }
        for bad in [
            "2026-02-30T10:00:00Z",
            "2026-03-15T24:00:00Z",
            "2026-03-15T10:00:0xZ",
        ] {
            assert_eq!(canonical(bad), None, "{bad}");
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_are_utc_to_the_second() {
        let t: Timestamp = "2026-03-15T11:00:00.75+01:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-03-15T10:00:00Z");
        assert!("2026-03-15".parse::<Timestamp>().is_err());
    }

    #[test]
    fn dates_follow_what_they_follow() {
        let today = d("2026-03-15");
        assert_eq!(
            dated_after(
                "date",
                Day::Today,
                "the consultation C-1",
                d("2026-03-01"),
                today
            ),
            Ok(today)
        );
        let before = dated_after(
            "date",
            Day::Date(d("2026-02-28")),
            "the consultation C-1",
            d("2026-03-01"),
            today,
        )
        .unwrap_err();
        assert_eq!(
            before.words(&|n| format!("<{n}>")).0,
            "<date> 2026-02-28 is before the consultation C-1 (2026-03-01)"
        );
        assert!(not_after_today("date", Day::Date(d("2026-03-16")), today).is_err());
    }

    #[test]
    fn a_follow_up_is_within_a_year() {
        let today = d("2026-03-15");
        let from = d("2026-03-10");
        assert_eq!(
            follow_up_after("follow_up", When::DaysAfter(366), from, today),
            Ok(d("2027-03-11"))
        );
        let far = When::On(Day::Date(d("9999-12-31")));
        assert!(matches!(
            follow_up_after("follow_up", far, from, today),
            Err(Invalid {
                problem: Problem::FollowUpTooLate { .. },
                ..
            })
        ));
        let early = When::On(Day::Date(d("2026-03-09")));
        assert!(follow_up_after("follow_up", early, from, today).is_err());
    }
}
