//! Fuzzes date parsing: whatever is typed, the parsers answer with a date in range (from 2000 to
//! a year ahead) or an input error — never a panic — and a date they accept reads back as itself.

#![no_main]

use caselog::domain::dates::{EARLIEST, horizon, parse_date, parse_follow_up};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date");
    if let Ok(date) = parse_date("date", text, today) {
        assert!(date >= EARLIEST && date <= horizon(today));
        assert_eq!(parse_date("date", &date.to_string(), today).ok(), Some(date));
    }
    if let Err(e) = parse_date("date", text, today) {
        assert_eq!(e.exit_code(), 2);
    }
    let from = NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date");
    if let Ok(date) = parse_follow_up("follow-up", text, from, today) {
        assert!(date >= from && date <= horizon(from));
    }
});
