//! Small typed values that records are made of: levels of need, confidence, how many children,
//! yes/no, and dates as people type them (`today`, `+2w`). Each reads itself from text with
//! `FromStr`, so the command line, an import and the form all check a value the same way, and
//! turns back into the text it is stored and exported as with `Display`.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::invalid::Problem;

/// Reads a whole number from `min` to `max`, written with digits only (Rust would also read
/// "+2" as 2, and a number typed that way is probably a slip).
fn number(input: &str, min: u8, max: u8, valid: &'static str) -> Result<u8, Problem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Problem::Empty { expected: valid });
    }
    Some(text)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u8>().ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| Problem::OutOfRange {
            given: text.to_string(),
            valid,
        })
}

/// Declares a whole number within a range: read from digits, shown, serialised and stored as
/// the number.
macro_rules! bounded {
    ($(#[$meta:meta])* $name:ident, $min:literal ..= $max:literal, $valid:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u8);

        impl $name {
            pub const MIN: u8 = $min;
            pub const MAX: u8 = $max;
            /// What a valid value is, in words.
            pub const VALID: &'static str = $valid;

            /// The value, if it is in range.
            pub fn new(n: u8) -> Option<$name> {
                ($min..=$max).contains(&n).then_some($name(n))
            }

            pub fn get(self) -> u8 {
                self.0
            }

            /// Every value, lowest first.
            pub fn all() -> impl Iterator<Item = $name> {
                ($min..=$max).map($name)
            }
        }

        impl FromStr for $name {
            type Err = Problem;
            fn from_str(input: &str) -> Result<$name, Problem> {
                number(input, $min, $max, $valid).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.0)
            }
        }

        impl super::fields::Stored for $name {
            fn stored(&self) -> super::fields::Value<'static> {
                super::fields::Value::Integer(i64::from(self.0))
            }
            fn restore(value: super::fields::Value<'_>) -> Option<Self> {
                match value {
                    super::fields::Value::Integer(n) => u8::try_from(n).ok().and_then($name::new),
                    _ => None,
                }
            }
        }
    };
}

bounded!(
    /// A level of need (§3.7), 1 (universal) to 4 (children's social care).
    Level,
    1..=4,
    "a level of need from 1 to 4"
);

bounded!(
    /// A consultee's confidence in managing the situation safely, 1 (not at all) to 5 (fully).
    Confidence,
    1..=5,
    "1 (not at all confident) to 5 (fully confident)"
);

bounded!(
    /// How many children a worry is about.
    Children,
    1..=30,
    "a number of children from 1 to 30"
);

super::fields::plain_cells!(Confidence, Children, YesNo);

impl super::fields::Cell for Level {
    fn cell(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

/// "3 (Targeted early help)", with the level's name in the checklist in use.
impl super::fields::Describe for Level {
    fn describe(&self, checklist: &super::checklist::Checklist) -> String {
        checklist.describe_level(*self)
    }
}

impl Default for Children {
    fn default() -> Children {
        Children(1)
    }
}

/// A child's age in whole years, 0 to 17, or `unborn` for a pregnancy. Ages sort unborn first,
/// then youngest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Age {
    Unborn,
    Years(u8),
}

impl Age {
    /// The oldest age a child has: caselog's records are about children, under 18.
    pub const MAX_YEARS: u8 = 17;
    /// What a valid age is, in words.
    pub const VALID: &'static str = "an age in years from 0 to 17, or unborn";
}

impl FromStr for Age {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Age, Problem> {
        if input.trim().eq_ignore_ascii_case("unborn") {
            return Ok(Age::Unborn);
        }
        number(input, 0, Age::MAX_YEARS, Age::VALID).map(Age::Years)
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Age::Unborn => f.write_str("unborn"),
            Age::Years(n) => n.fmt(f),
        }
    }
}

/// In JSON, an age is a number of years, or "unborn".
impl serde::Serialize for Age {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Age::Unborn => s.serialize_str("unborn"),
            Age::Years(n) => s.serialize_u8(*n),
        }
    }
}

super::fields::stored_as_text!(Age);
super::fields::plain_cells!(Age);

/// The ages of the children a worry is about, unborn first, then youngest first (twins are two
/// ages). Stored and exported joined with `;` (`unborn;4;9`), shown as `unborn, 4, 9`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Ages(pub Vec<Age>);

impl super::fields::Cell for Ages {
    fn cell(&self, out: &mut String) {
        self.0.cell(out);
    }
}

impl super::fields::Describe for Ages {
    fn describe(&self, _: &super::checklist::Checklist) -> String {
        self.0
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl super::fields::Stored for Ages {
    fn stored(&self) -> super::fields::Value<'static> {
        self.0.stored()
    }
    fn restore(value: super::fields::Value<'_>) -> Option<Self> {
        Vec::restore(value).map(Ages)
    }
}

/// A yes or no answer: `yes`, `no`, `y`, `n`, `true`, `false`, `1`, `0`, in any case. Shown and
/// exported as `yes` or `no`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YesNo(pub bool);

impl FromStr for YesNo {
    type Err = Problem;
    fn from_str(input: &str) -> Result<YesNo, Problem> {
        match input.trim().to_ascii_lowercase().as_str() {
            "yes" | "y" | "true" | "1" => Ok(YesNo(true)),
            "no" | "n" | "false" | "0" => Ok(YesNo(false)),
            other => Err(Problem::NotYesNo {
                given: other.to_string(),
            }),
        }
    }
}

/// Stored as 1 or 0.
impl super::fields::Stored for YesNo {
    fn stored(&self) -> super::fields::Value<'static> {
        super::fields::Value::Integer(i64::from(self.0))
    }
    fn restore(value: super::fields::Value<'_>) -> Option<Self> {
        match value {
            super::fields::Value::Integer(0) => Some(YesNo(false)),
            super::fields::Value::Integer(1) => Some(YesNo(true)),
            _ => None,
        }
    }
}

/// In JSON, a yes/no answer is `true` or `false`.
impl serde::Serialize for YesNo {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(self.0)
    }
}

impl fmt::Display for YesNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "yes" } else { "no" })
    }
}

/// The earliest date caselog accepts; anything before is taken to be a typing slip.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The forms a date may be typed in, for messages.
pub const DATE_FORMATS: &str = "YYYY-MM-DD, DD/MM/YYYY, today or yesterday";

/// A day as a person types it: a date, `today` or `yesterday`. Which date `today` is depends on
/// the clock, so it is resolved when the record is made (`Day::on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Date(NaiveDate),
    Today,
    Yesterday,
}

impl Day {
    /// The date this day is, when today is `today`.
    pub fn on(self, today: NaiveDate) -> NaiveDate {
        match self {
            Day::Date(d) => d,
            Day::Today => today,
            Day::Yesterday => today.pred_opt().unwrap_or(today),
        }
    }
}

/// Reads `YYYY-MM-DD` or `DD/MM/YYYY` strictly: chrono alone would also take "2026-1-5" and
/// five-digit years, which are probably slips.
fn strict_date(text: &str) -> Option<NaiveDate> {
    if text.contains('-') {
        return super::fields::iso_date(text);
    }
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let slashed: Vec<&str> = text.split('/').collect();
    let short = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if slashed.len() == 3 && short(slashed[0]) && short(slashed[1]) && digits(slashed[2], 4) {
        return NaiveDate::parse_from_str(text, "%d/%m/%Y").ok();
    }
    None
}

/// Reads a date typed as `YYYY-MM-DD` or `DD/MM/YYYY`, not before `EARLIEST`.
pub fn parse_date(input: &str) -> Result<NaiveDate, Problem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Problem::Empty {
            expected: "a date as YYYY-MM-DD, DD/MM/YYYY, today or yesterday",
        });
    }
    let date = strict_date(text).ok_or_else(|| Problem::NotADate {
        given: text.to_string(),
        formats: DATE_FORMATS,
    })?;
    if date < EARLIEST {
        return Err(Problem::TooEarly {
            date,
            earliest: EARLIEST,
        });
    }
    Ok(date)
}

impl FromStr for Day {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Day, Problem> {
        let word = input.trim();
        if word.eq_ignore_ascii_case("today") {
            Ok(Day::Today)
        } else if word.eq_ignore_ascii_case("yesterday") {
            Ok(Day::Yesterday)
        } else {
            parse_date(input).map(Day::Date)
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Day::Date(d) => d.fmt(f),
            Day::Today => f.write_str("today"),
            Day::Yesterday => f.write_str("yesterday"),
        }
    }
}

/// The furthest ahead a follow-up may be set, in days after the record that sets it; no date
/// at all is accepted further ahead of today than this.
pub const FOLLOW_UP_MAX_DAYS: u64 = 366;

/// The latest date accepted: a year (`FOLLOW_UP_MAX_DAYS`) after `day`.
pub fn horizon(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(chrono::Days::new(FOLLOW_UP_MAX_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

/// When to check back, as a person types it: a day, or `+3d` / `+2w` after the record that
/// sets it, which is only known when the record is made (`When::after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    On(Day),
    DaysAfter(u64),
}

impl When {
    /// The date meant, counting an offset from `from` (the record's own date).
    pub fn after(self, from: NaiveDate, today: NaiveDate) -> NaiveDate {
        match self {
            When::On(day) => day.on(today),
            When::DaysAfter(n) => from
                .checked_add_days(chrono::Days::new(n))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

impl FromStr for When {
    type Err = Problem;
    fn from_str(input: &str) -> Result<When, Problem> {
        let text = input.trim();
        let Some(offset) = text.strip_prefix('+') else {
            return text.parse().map(When::On).map_err(|p| match p {
                Problem::NotADate { given, .. } => Problem::NotADate {
                    given,
                    formats: "a date (YYYY-MM-DD, DD/MM/YYYY, today) or an offset after the \
                              record's date: +3d (days), +2w (weeks), up to a year ahead",
                },
                other => other,
            });
        };
        let bad = || Problem::OutOfRange {
            given: text.to_string(),
            valid: "an offset such as +3d (days) or +2w (weeks), up to a year ahead",
        };
        let lower = offset.to_ascii_lowercase();
        let unit = lower.chars().last().ok_or_else(bad)?;
        let count = &lower[..lower.len() - unit.len_utf8()];
        if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u64 = count.parse().map_err(|_| bad())?;
        let days = match unit {
            'd' => n,
            'w' => n.saturating_mul(7),
            _ => return Err(bad()),
        };
        if days == 0 || days > FOLLOW_UP_MAX_DAYS {
            return Err(bad());
        }
        Ok(When::DaysAfter(days))
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::On(day) => day.fmt(f),
            When::DaysAfter(n) => write!(f, "+{n}d"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn numbers_are_digits_in_range() {
        assert_eq!("3".parse::<Level>().unwrap().get(), 3);
        assert_eq!(" 4 ".parse::<Level>().unwrap().get(), 4);
        for bad in ["0", "5", "+2", "-1", "2.0", "", "three"] {
            assert!(bad.parse::<Level>().is_err(), "{bad}");
        }
        assert!("5".parse::<Confidence>().is_ok());
        assert!("31".parse::<Children>().is_err());
        assert_eq!(Children::default().get(), 1);
    }

    #[test]
    fn ages_are_years_under_18_or_unborn() {
        assert_eq!("0".parse::<Age>().unwrap(), Age::Years(0));
        assert_eq!(" 17 ".parse::<Age>().unwrap(), Age::Years(17));
        assert_eq!("Unborn".parse::<Age>().unwrap(), Age::Unborn);
        for bad in ["18", "-1", "4.5", "+4", "baby", ""] {
            assert!(bad.parse::<Age>().is_err(), "{bad}");
        }
        let mut ages = vec![Age::Years(9), Age::Unborn, Age::Years(4)];
        ages.sort();
        assert_eq!(ages, [Age::Unborn, Age::Years(4), Age::Years(9)]);
        assert_eq!(Age::Unborn.to_string(), "unborn");
    }

    #[test]
    fn yes_and_no() {
        assert_eq!("Y".parse::<YesNo>().unwrap(), YesNo(true));
        assert_eq!("false".parse::<YesNo>().unwrap().to_string(), "no");
        assert!("maybe".parse::<YesNo>().is_err());
    }

    #[test]
    fn days_are_dates_today_or_yesterday() {
        let today = d("2026-03-15");
        assert_eq!(
            "2026-03-01".parse::<Day>().unwrap().on(today),
            d("2026-03-01")
        );
        assert_eq!(
            "1/3/2026".parse::<Day>().unwrap().on(today),
            d("2026-03-01")
        );
        assert_eq!("Today".parse::<Day>().unwrap().on(today), today);
        assert_eq!(
            "yesterday".parse::<Day>().unwrap().on(today),
            d("2026-03-14")
        );
        for bad in [
            "2026-02-30",
            "31/02/2026",
            "2026-3-1",
            "03/15/2026",
            "tomorrow",
            "20260301",
        ] {
            assert!(
                matches!(bad.parse::<Day>(), Err(Problem::NotADate { .. })),
                "{bad}"
            );
        }
        assert!(matches!("".parse::<Day>(), Err(Problem::Empty { .. })));
        assert!(matches!(
            "1999-12-31".parse::<Day>(),
            Err(Problem::TooEarly { .. })
        ));
    }

    #[test]
    fn follow_ups_are_days_or_offsets_from_the_record() {
        let today = d("2026-03-15");
        let from = d("2026-03-10");
        assert_eq!(
            "+3d".parse::<When>().unwrap().after(from, today),
            d("2026-03-13")
        );
        assert_eq!(
            "+2W".parse::<When>().unwrap().after(from, today),
            d("2026-03-24")
        );
        assert_eq!("+52w".parse::<When>().unwrap(), When::DaysAfter(364));
        assert_eq!(
            "2026-04-01".parse::<When>().unwrap().after(from, today),
            d("2026-04-01")
        );
        // "+1с" ends in a Cyrillic letter: found by fuzzing, it once split a character in two.
        for bad in [
            "+0d",
            "+3m",
            "+d",
            "+-1d",
            "+400d",
            "+1с",
            "+",
            "+99999999999999999999w",
        ] {
            assert!(bad.parse::<When>().is_err(), "{bad}");
        }
    }
}
