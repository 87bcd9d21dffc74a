//! Fuzzes date parsing: whatever is typed, the parsers answer with a date in range (from 2000 to
//! a year ahead) or a refusal — never a panic — and a date they accept reads back as itself.

#![no_main]

use caselog::domain::record::{follow_up_after, not_after_today};
use caselog::domain::values::{Day, EARLIEST, When, horizon};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let today = NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date");
    if let Ok(day) = text.parse::<Day>() {
        let date = day.on(today);
        assert!(date >= EARLIEST, "{text:?} gave {date}");
        assert_eq!(day.to_string().parse::<Day>().ok(), Some(day));
        if let Ok(date) = not_after_today("date", day, today) {
            assert!(date <= today);
        }
    }
    let from = NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date");
    if let Ok(when) = text.parse::<When>()
        && let Ok(date) = follow_up_after("follow_up", when, from, today)
    {
        assert!(
            date >= from && date <= horizon(from),
            "{text:?} gave {date}"
        );
    }
});
