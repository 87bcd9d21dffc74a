//! The time caselog runs at. Normally the system clock; `CASELOG_NOW` (an RFC 3339 timestamp or
//! an ISO date) fixes it, so that scripted tests and examples give the same output every time.

use chrono::{DateTime, Local, NaiveDate, Utc};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub struct Clock {
    now: DateTime<Utc>,
}

impl Clock {
    /// The system clock, or the time fixed by `CASELOG_NOW`.
    pub fn from_env() -> Result<Self> {
        match std::env::var("CASELOG_NOW") {
            Ok(text) if !text.trim().is_empty() => Self::parse(text.trim()),
            _ => Ok(Clock { now: Utc::now() }),
        }
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

    /// The timestamp stored as `created_at`: UTC, to the second.
    pub fn timestamp(&self) -> String {
        self.now.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }
}
