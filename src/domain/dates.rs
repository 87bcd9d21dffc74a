//! Reading dates as advisors type them: `YYYY-MM-DD`, `DD/MM/YYYY`, `today`, `yesterday`, and
//! for follow-ups `+3d` / `+2w` counted from the consultation's own date.

use chrono::{Days, NaiveDate};

use crate::error::{Error, Result};

/// The earliest date caselog accepts; anything before is taken to be a typing slip.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// How far ahead a date may be, in days: a year, leap day included. A follow-up is at most this
/// long after the date it follows (`+366d`, `+52w`), and no date is further ahead of today.
pub const HORIZON_DAYS: u64 = 366;

const FORMATS: &str = "YYYY-MM-DD, DD/MM/YYYY, today or yesterday";

/// Parses a date given for `field` (named in the error), relative to `today`: from 2000 to a
/// year ahead of today.
pub fn parse_date(field: &str, input: &str, today: NaiveDate) -> Result<NaiveDate> {
    let date = read_date(field, input, today)?;
    let latest = horizon(today);
    if date > latest {
        return Err(Error::input(format!(
            "{field} {date} is more than a year ahead (the latest date is {latest}): check the year"
        )));
    }
    Ok(date)
}

/// Reads a date in one of the accepted forms, not before 2000.
fn read_date(field: &str, input: &str, today: NaiveDate) -> Result<NaiveDate> {
    let text = input.trim();
    if text.is_empty() {
        return Err(
            Error::input(format!("{field} is empty")).hint(format!("write a date as {FORMATS}"))
        );
    }
    let date = match text.to_ascii_lowercase().as_str() {
        "today" => Some(today),
        "yesterday" => today.pred_opt(),
        _ => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
            .ok()
            .filter(|_| is_strict(text)),
    };
    let date = date.ok_or_else(|| {
        Error::input(format!("{field} '{text}' is not a date"))
            .hint(format!("write a date as {FORMATS}"))
    })?;
    if date < EARLIEST {
        return Err(Error::input(format!(
            "{field} {date} is before {EARLIEST}: check the year"
        )));
    }
    Ok(date)
}

/// The last day of the year ahead of `day`.
pub fn horizon(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(HORIZON_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

/// chrono accepts "2026-1-5" and five-digit years; a date typed that way is probably a slip.
fn is_strict(text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let dashed: Vec<&str> = text.split('-').collect();
    let slashed: Vec<&str> = text.split('/').collect();
    (dashed.len() == 3 && digits(dashed[0], 4) && digits(dashed[1], 2) && digits(dashed[2], 2))
        || (slashed.len() == 3
            && (1..=2).contains(&slashed[0].len())
            && (1..=2).contains(&slashed[1].len())
            && digits(slashed[2], 4))
}

/// Parses a date that must not be after `today` (a consultation, referral or review date).
pub fn parse_past_date(field: &str, input: &str, today: NaiveDate) -> Result<NaiveDate> {
    let date = parse_date(field, input, today)?;
    if date > today {
        return Err(Error::input(format!(
            "{field} {date} is in the future (today is {today})"
        )));
    }
    Ok(date)
}

/// The date of a record that follows another (a referral its consultation, a review what it
/// reviews): today when not given, not in the future, and not before `earliest`, the date of
/// the record it follows, which `follows` names ("the consultation C-3").
pub fn parse_date_after(
    field: &str,
    input: Option<&str>,
    follows: &str,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let date = match input {
        Some(d) => parse_past_date(field, d, today)?,
        None => today,
    };
    if date < earliest {
        return Err(
            Error::input(format!("{field} {date} is before {follows} ({earliest})"))
                .hint("a record is dated on or after the record it follows"),
        );
    }
    Ok(date)
}

/// Parses a follow-up date: a date as above, or `+Nd` / `+Nw` after `from`.
/// The result may not be before `from`, nor more than a year (HORIZON_DAYS) after it.
pub fn parse_follow_up(
    field: &str,
    input: &str,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let text = input.trim();
    let date = match text.strip_prefix('+') {
        Some(offset) => {
            let bad = || {
                Error::input(format!("{field} '{text}' is not a date or an offset"))
                    .hint("write an offset as +3d (days) or +2w (weeks), up to a year ahead")
            };
            let lower = offset.to_ascii_lowercase();
            let unit = lower.chars().last().ok_or_else(bad)?;
            let number = &lower[..lower.len() - unit.len_utf8()];
            let n: u64 = number.parse().map_err(|_| bad())?;
            let days = match unit {
                'd' => n,
                'w' => n.saturating_mul(7),
                _ => return Err(bad()),
            };
            if days == 0 || days > HORIZON_DAYS {
                return Err(bad());
            }
            from.checked_add_days(Days::new(days)).ok_or_else(bad)?
        }
        None => read_date(field, text, today).map_err(|e| {
            e.hint("or an offset from the consultation date: +3d (days), +2w (weeks)")
        })?,
    };
    if date < from {
        return Err(Error::input(format!(
            "{field} {date} is before the date it follows ({from})"
        )));
    }
    let latest = horizon(from);
    if date > latest {
        return Err(Error::input(format!(
            "{field} {date} is more than a year after the date it follows ({from})"
        ))
        .hint(format!(
            "a follow-up is at most {HORIZON_DAYS} days after, by {latest}; check the year"
        )));
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
    fn accepts_the_documented_forms() {
        let today = d("2026-03-15");
        assert_eq!(
            parse_date("date", "2026-03-01", today).unwrap(),
            d("2026-03-01")
        );
        assert_eq!(
            parse_date("date", "01/03/2026", today).unwrap(),
            d("2026-03-01")
        );
        assert_eq!(
            parse_date("date", "1/3/2026", today).unwrap(),
            d("2026-03-01")
        );
        assert_eq!(parse_date("date", "Today", today).unwrap(), today);
        assert_eq!(
            parse_date("date", "yesterday", today).unwrap(),
            d("2026-03-14")
        );
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        let today = d("2026-03-15");
        for bad in [
            "2026-02-30",
            "31/02/2026",
            "2026-3-1",
            "03/15/2026",
            "tomorrow",
            "",
            "20260301",
            "9999-12-31",
            "2027-03-17",
        ] {
            let err = parse_date("--date", bad, today).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}");
            assert!(err.message.starts_with("--date"), "{}", err.message);
        }
        assert!(parse_date("--date", "1999-12-31", today).is_err());
        assert_eq!(
            parse_date("--date", "2027-03-16", today).unwrap(),
            d("2027-03-16")
        );
        assert!(
            parse_date("--date", " ", today)
                .unwrap_err()
                .message
                .contains("--date is empty")
        );
    }

    #[test]
    fn past_dates_only_where_asked() {
        let today = d("2026-03-15");
        assert!(parse_past_date("--date", "2026-03-16", today).is_err());
        assert!(parse_past_date("--date", "2026-03-15", today).is_ok());
    }

    #[test]
    fn follow_up_offsets_count_from_the_consultation() {
        let today = d("2026-03-15");
        let from = d("2026-03-10");
        assert_eq!(
            parse_follow_up("f", "+3d", from, today).unwrap(),
            d("2026-03-13")
        );
        assert_eq!(
            parse_follow_up("f", "+2W", from, today).unwrap(),
            d("2026-03-24")
        );
        assert_eq!(
            parse_follow_up("f", "2026-04-01", from, today).unwrap(),
            d("2026-04-01")
        );
        // A date and an offset reach as far: a year, leap day included.
        assert_eq!(
            parse_follow_up("f", "+366d", from, today).unwrap(),
            d("2027-03-11")
        );
        assert_eq!(
            parse_follow_up("f", "2027-03-10", from, today).unwrap(),
            d("2027-03-10")
        );
        // "+1с" ends in a Cyrillic letter: found by fuzzing, it once split a character in two.
        for bad in [
            "+0d",
            "+3m",
            "+d",
            "+-1d",
            "+400d",
            "2026-03-09",
            "+1с",
            "+",
            "+99999999999999999999w",
            "+367d",
            "+53w",
            "2027-03-12",
            "9999-12-31",
        ] {
            assert!(parse_follow_up("f", bad, from, today).is_err(), "{bad}");
        }
    }
}
