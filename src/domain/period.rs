//! The period a report, export or list covers: a calendar month, or a from–to range of dates
//! (both inclusive). Without either, it is last month.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::invalid::{FieldName, Invalid, Problem, Words};
use super::values::{Day, EARLIEST, horizon};

/// Dates from `from` to `to`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// A calendar month, typed `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month(NaiveDate);

impl FromStr for Month {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Month, Problem> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Problem::Empty {
                expected: "a month as YYYY-MM, e.g. 2026-02",
            });
        }
        let bad = || Problem::NotAMonth {
            given: text.to_string(),
        };
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(bad());
        }
        let first = NaiveDate::from_ymd_opt(
            year.parse().map_err(|_| bad())?,
            month.parse().map_err(|_| bad())?,
            1,
        )
        .ok_or_else(bad)?;
        if first < EARLIEST {
            return Err(Problem::TooEarly {
                date: first,
                earliest: EARLIEST,
            });
        }
        Ok(Month(first))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m"))
    }
}

impl Month {
    /// The month's days.
    pub fn period(self) -> Period {
        Period::month_of(self.0)
    }
}

/// A period typed as one value, `FROM..TO`, both days inclusive (`report --against`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: Day,
    pub to: Day,
}

impl FromStr for Span {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Span, Problem> {
        let text = input.trim();
        let (from, to) = text.split_once("..").ok_or_else(|| Problem::NotAPeriod {
            given: text.to_string(),
        })?;
        if from.trim().is_empty() || to.trim().is_empty() {
            return Err(Problem::NotAPeriod {
                given: text.to_string(),
            });
        }
        Ok(Span {
            from: from.parse()?,
            to: to.parse()?,
        })
    }
}

/// A date given for a period or a list, which may not be more than a year ahead of today:
/// that is a slip in the year.
pub fn near(field: FieldName, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let latest = horizon(today);
    if date > latest {
        let given = date.to_string();
        return Err(Invalid::new(field, Problem::TooFarAhead { given, latest }));
    }
    Ok(date)
}

impl Period {
    /// The calendar month containing `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        let from = day.with_day(1).expect("day 1 exists");
        let to = from + Months::new(1) - Days::new(1);
        Period { from, to }
    }

    /// The calendar month before the one containing `today`.
    pub fn last_month(today: NaiveDate) -> Period {
        Period::month_of(today.with_day(1).expect("day 1 exists") - Days::new(1))
    }

    /// The period given as a month, or as from and to (both or neither), or else last month.
    /// Neither may start more than a year ahead of today: that is a slip in the year.
    pub fn given(
        month: Option<Month>,
        from: Option<Day>,
        to: Option<Day>,
        today: NaiveDate,
    ) -> Result<Period, Invalid> {
        if let Some(m) = month {
            let latest = horizon(today);
            if m.period().from > latest {
                let given = m.to_string();
                return Err(Invalid::new(
                    "month",
                    Problem::TooFarAhead { given, latest },
                ));
            }
            return Ok(m.period());
        }
        let near = |field, day: Day| near(field, day.on(today), today);
        let both = || {
            Words::new()
                .hint_text("give both ")
                .hint_field("from")
                .hint_text(" and ")
                .hint_field("to")
                .hint_text(", or ")
                .hint_field("month")
        };
        match (from, to) {
            (None, None) => Ok(Period::last_month(today)),
            (Some(from), Some(to)) => Period::between(near("from", from)?, near("to", to)?),
            (Some(_), None) => Err(Invalid::rule(
                "to",
                both().field("from").text(" needs ").field("to"),
            )),
            (None, Some(_)) => Err(Invalid::rule(
                "from",
                both().field("to").text(" needs ").field("from"),
            )),
        }
    }

    /// The period to compare with (`report --against FROM..TO` or `--against-month`), if one
    /// was given; the same rules as for the period itself.
    pub fn baseline(
        span: Option<Span>,
        month: Option<Month>,
        today: NaiveDate,
    ) -> Result<Option<Period>, Invalid> {
        if let Some(m) = month {
            let latest = horizon(today);
            if m.period().from > latest {
                let given = m.to_string();
                return Err(Invalid::new(
                    "against_month",
                    Problem::TooFarAhead { given, latest },
                ));
            }
            return Ok(Some(m.period()));
        }
        let Some(span) = span else {
            return Ok(None);
        };
        let from = near("against", span.from.on(today), today)?;
        let to = near("against", span.to.on(today), today)?;
        if from > to {
            return Err(Invalid::rule(
                "against",
                Words::new()
                    .field("against")
                    .text(format!(" {from}..{to} ends before it starts"))
                    .hint_text("write the period as FROM..TO, the earlier date first"),
            ));
        }
        Ok(Some(Period { from, to }))
    }

    /// From `from` to `to`, which may not be before it.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Period, Invalid> {
        if from > to {
            return Err(Invalid::rule(
                "from",
                Words::new()
                    .field("from")
                    .text(format!(" {from} is after "))
                    .field("to")
                    .text(format!(" {to}"))
                    .hint_text("the period runs from ")
                    .hint_field("from")
                    .hint_text(" to ")
                    .hint_field("to")
                    .hint_text(", both inclusive"),
            ));
        }
        Ok(Period { from, to })
    }

    /// Whether `date` is in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.from..=self.to).contains(&date)
    }

    /// The year to `to`: from the first day of the month eleven months before `to`'s (but not
    /// before the earliest date a record may have) to `to`, twelve calendar months in all.
    pub fn year_to(to: NaiveDate) -> Period {
        let from = Period::month_of(to).from - Months::new(11);
        Period {
            from: from.max(EARLIEST),
            to,
        }
    }

    /// The calendar months the period falls in, in order, each as `YYYY-MM`.
    pub fn months(&self) -> Vec<String> {
        let mut months = Vec::new();
        let mut first = Period::month_of(self.from).from;
        while first <= self.to {
            months.push(first.format("%Y-%m").to_string());
            first = first + Months::new(1);
        }
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_year_to_a_day_is_twelve_calendar_months() {
        let year = Period::year_to(d("2025-11-30"));
        assert_eq!((year.from, year.to), (d("2024-12-01"), d("2025-11-30")));
        let months = year.months();
        assert_eq!(months.len(), 12);
        assert_eq!(
            (months[0].as_str(), months[11].as_str()),
            ("2024-12", "2025-11")
        );
        assert_eq!(Period::year_to(d("2000-03-10")).from, EARLIEST);
        assert_eq!(
            Period::year_to(d("2000-03-10")).months(),
            ["2000-01", "2000-02", "2000-03"]
        );
    }

    #[test]
    fn last_month_is_the_calendar_month_before() {
        assert_eq!(
            Period::last_month(d("2026-03-15")),
            Period {
                from: d("2026-02-01"),
                to: d("2026-02-28")
            }
        );
        assert_eq!(Period::last_month(d("2026-01-01")).from, d("2025-12-01"));
        assert_eq!(
            "2024-02".parse::<Month>().unwrap().period().to,
            d("2024-02-29")
        );
    }

    #[test]
    fn months_and_ranges_are_checked() {
        for bad in [
            "2026-2", "2026-13", "26-02", "2026/02", "2026-+2", "+026-02", "1999-12",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
        assert!(matches!("".parse::<Month>(), Err(Problem::Empty { .. })));
        let today = d("2026-03-15");
        let day = |s: &str| Some(s.parse::<Day>().unwrap());
        assert!(Period::given(None, day("2026-02-10"), day("2026-02-01"), today).is_err());
        let err = Period::given(None, day("2026-02-10"), None, today).unwrap_err();
        assert_eq!(err.words(&|n| format!("<{n}>")).0, "<from> needs <to>");
    }
}
