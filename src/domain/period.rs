//! The period a report or export covers: a calendar month, or a from–to range of dates
//! (both inclusive). Without either, it is last month.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use super::dates;
use crate::error::{Error, Result};

/// Dates from `from` to `to`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
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

    /// Reads a month written `YYYY-MM`, for `field` (named in the error).
    pub fn parse_month(field: &str, input: &str) -> Result<Period> {
        let text = input.trim();
        let bad = || {
            Error::input(format!("{field} '{text}' is not a month"))
                .hint("write a month as YYYY-MM, e.g. 2026-02")
        };
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        // Digits only: Rust would also read "+2" as 2.
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        if first < dates::EARLIEST {
            return Err(Error::input(format!(
                "{field} {text} is before {}: check the year",
                dates::EARLIEST
            )));
        }
        Ok(Period::month_of(first))
    }

    /// Reads `--month` as typed, relative to `today`: no further ahead than a year, as any date.
    fn parse_month_flag(input: &str, today: NaiveDate) -> Result<Period> {
        let period = Period::parse_month("--month", input)?;
        if period.from > dates::horizon(today) {
            return Err(Error::input(format!(
                "--month {} is more than a year ahead: check the year",
                input.trim()
            )));
        }
        Ok(period)
    }

    /// The period given by `--month`, or `--from` and `--to`, or else last month.
    pub fn from_flags(
        month: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Period> {
        if let Some(m) = month {
            return Period::parse_month_flag(m, today);
        }
        match (from, to) {
            (None, None) => Ok(Period::last_month(today)),
            (Some(from), Some(to)) => {
                let from = dates::parse_date("--from", from, today)?;
                let to = dates::parse_date("--to", to, today)?;
                if from > to {
                    return Err(Error::input(format!("--from {from} is after --to {to}"))
                        .hint("the period runs from --from to --to, both inclusive"));
                }
                Ok(Period { from, to })
            }
            (Some(_), None) => Err(Error::input("--from needs --to")
                .hint("give both --from DATE and --to DATE, or --month YYYY-MM")),
            (None, Some(_)) => Err(Error::input("--to needs --from")
                .hint("give both --from DATE and --to DATE, or --month YYYY-MM")),
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
    fn last_month_is_the_calendar_month_before() {
        assert_eq!(
            Period::last_month(d("2026-03-15")),
            Period {
                from: d("2026-02-01"),
                to: d("2026-02-28")
            }
        );
        assert_eq!(
            Period::last_month(d("2026-01-01")),
            Period {
                from: d("2025-12-01"),
                to: d("2025-12-31")
            }
        );
        assert_eq!(
            Period::parse_month("--month", "2024-02").unwrap().to,
            d("2024-02-29")
        );
    }

    #[test]
    fn months_and_ranges_are_checked() {
        for bad in [
            "2026-2", "2026-13", "26-02", "2026/02", "", "1999-12", "2026-+2", "+202-02", "2026-00",
        ] {
            let err = Period::parse_month("--month", bad).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.message.starts_with("--month"), "{}", err.message);
        }
        let today = d("2026-03-15");
        assert!(Period::from_flags(Some("9999-12"), None, None, today).is_err());
        assert!(Period::from_flags(Some("2027-03"), None, None, today).is_ok());
        assert!(Period::from_flags(None, Some("2026-02-10"), Some("2026-02-01"), today).is_err());
        assert!(Period::from_flags(None, Some("2026-02-10"), None, today).is_err());
    }
}
