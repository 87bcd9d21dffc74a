//! The time caselog runs at. Normally the system clock; `CASELOG_NOW` (an RFC 3339 timestamp or
//! an ISO date) fixes it, so that scripted tests and examples give the same output every time.

use chrono::{DateTime, Local, NaiveDate, Utc};

use crate::domain::record::Timestamp;
use crate::domain::values::EARLIEST;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    /// The system clock, or the time fixed by `CASELOG_NOW`. A clock that says today is before
    /// 2000 is wrong, and is refused rather than used as the default date of a record.
    pub fn from_env() -> Result<Self> {
        match std::env::var("CASELOG_NOW") {
            Ok(text) if !text.trim().is_empty() => {
                let clock = Self::parse(text.trim())?;
                if clock.today() < EARLIEST {
                    return Err(Error::input(format!(
                        "CASELOG_NOW '{}' is before {EARLIEST}: check the year",
                        text.trim()
                    ))
                    .hint("nothing was recorded; fix CASELOG_NOW, or unset it to use the system clock"));
                }
                Ok(clock)
            }
            _ => Self::system(Utc::now()),
        }
    }

    /// The system clock, reading `now`.
    fn system(now: DateTime<Utc>) -> Result<Self> {
        let clock = Clock { now };
        let today = clock.today();
        if today < EARLIEST {
            return Err(Error::failure(format!(
                "the system clock says today is {today}, before {EARLIEST}: it is wrong"
            ))
            .hint("nothing was recorded; set the computer's date and time, then try again"));
        }
        Ok(clock)
    }

    fn parse(text: &str) -> Result<Self> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(Clock {
                now: t.with_timezone(&Utc),
            });
        }
        if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Clock::fixed(
                d.and_hms_opt(12, 0, 0).expect("noon exists").and_utc(),
            ));
        }
        Err(Error::input(format!(
            "CASELOG_NOW '{text}' is neither an RFC 3339 timestamp nor a YYYY-MM-DD date"
        )))
    }

    pub fn fixed(now: DateTime<Utc>) -> Self {
        Clock { now }
    }

    /// Today's date where the advisor is (the local time zone): at ten past midnight in
    /// summer, today is already today, not UTC's yesterday.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&Local).date_naive()
    }

    /// Now, as records keep it (`created_at`): UTC, to the second.
    pub fn now(&self) -> Timestamp {
        Timestamp::new(self.now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_system_clock_before_2000_is_refused() {
        let broken = DateTime::parse_from_rfc3339("1970-01-02T12:00:00Z").unwrap();
        let err = Clock::system(broken.with_timezone(&Utc)).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.message.contains("system clock"), "{}", err.message);
        let right = DateTime::parse_from_rfc3339("2026-03-15T12:00:00Z").unwrap();
        assert!(Clock::system(right.with_timezone(&Utc)).is_ok());
    }
}
