//! Property tests of the exchange format, run with the rest of the suite: any valid
//! consultation, saved in a logbook, exported with its notes by the real export writer and read
//! back by the real import reader into an empty logbook, comes back field for field, and
//! exports again to the same bytes.

use caselog::commands::export::write_csv;
use caselog::commands::import::{Request, Summary, import_csv};
use caselog::domain::checklist::{self, Checklist};
use caselog::domain::codes::{AGENCY, CONSENT, CodeList, FACTOR, MODE, OUTCOME};
use caselog::domain::consultation::{Consultation, Draft};
use caselog::domain::dates::EARLIEST;
use caselog::domain::period::Period;
use caselog::exchange::Records;
use caselog::store::{Logbook, consultations};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

/// A code from a list, as its code or its alias, in any case.
fn code(list: &'static CodeList) -> impl Strategy<Value = String> {
    (select(list.codes), any::<bool>(), any::<bool>()).prop_map(|(c, alias, upper)| {
        let text = if alias {
            c.alias.unwrap_or(c.code)
        } else {
            c.code
        };
        if upper {
            text.to_uppercase()
        } else {
            text.to_string()
        }
    })
}

/// What spreadsheets take for a formula, quotes, separators and text beyond ASCII.
const AWKWARD: &str = "[=+@'\\-\"]?[a-zA-Z0-9 ,;\"'=+@é漢🙂\\-]{0,24}";

/// A one-line field: never blank.
fn short() -> impl Strategy<Value = String> {
    AWKWARD.prop_filter("not blank", |s| !s.trim().is_empty())
}

/// A note: may hold line breaks and tabs.
fn note() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        "[=+@'\\-\"\t]?[a-zA-Z0-9 ,;\"'=+@é漢🙂\\-\n\r\t]{0,40}"
            .prop_filter("not blank", |s| !s.trim().is_empty()),
    )
}

fn number(range: std::ops::RangeInclusive<u8>) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(range.prop_map(|n| n.to_string()))
}

/// A consultation as someone might give it, valid by construction.
fn draft() -> impl Strategy<Value = Draft> {
    let ids: Vec<String> = Checklist::bundled()
        .indicators
        .into_iter()
        .map(|i| i.id)
        .collect();
    let codes = |list: &'static CodeList| list.codes.iter().map(|c| c.code).collect::<Vec<_>>();
    (
        (
            0u64..9000,
            any::<bool>(),
            short(),
            short(),
            proptest::option::of(code(&MODE)),
            code(&AGENCY),
            proptest::option::of(short()),
            short(),
            number(1..=30),
            subsequence(codes(&FACTOR), 0..4),
            subsequence(ids, 0..5),
        ),
        (
            number(1..=4),
            number(1..=4),
            note(),
            number(1..=5),
            number(1..=5),
            proptest::option::of(code(&CONSENT)),
            code(&OUTCOME),
            note(),
            note(),
            note(),
            proptest::option::of((1u64..=366, 0u8..3)),
        ),
    )
        .prop_map(
            |(
                (days_ago, slashed, advisor, setting, mode, agency, role, family, children, f, i),
                (consultee_level, level, rationale, before, after, consent, outcome, w, s, a, fu),
            )| {
                let date = today() - Days::new(days_ago);
                let follow_up = fu.map(|(n, form)| match form {
                    0 => format!("+{n}d"),
                    1 => format!("+{}w", n.div_ceil(7).min(52)),
                    _ => (date + Days::new(n)).to_string(),
                });
                let mut draft = Draft {
                    date: Some(if slashed {
                        date.format("%d/%m/%Y").to_string()
                    } else {
                        date.to_string()
                    }),
                    advisor: Some(advisor),
                    setting: Some(setting),
                    mode,
                    agency: Some(agency),
                    role,
                    family: Some(family),
                    children,
                    factors: vec![f.join(";")],
                    indicators: i,
                    consultee_level,
                    level,
                    rationale,
                    confidence_before: before,
                    confidence_after: after,
                    consent,
                    outcome: Some(outcome),
                    worry: w,
                    strengths: s,
                    advice: a,
                    follow_up,
                };
                // A level is needed when nothing is ticked, and a rationale when it differs
                // from the one the checklist suggests.
                let suggested =
                    checklist::suggested_level(&Checklist::bundled().ticked(&draft.indicators));
                match (suggested, &draft.level) {
                    (None, None) => draft.level = Some("2".into()),
                    (Some(s), Some(l)) if *l != s.to_string() && draft.rationale.is_none() => {
                        draft.rationale = Some("=Judged differently, \"on balance\"".into())
                    }
                    _ => {}
                }
                draft
            },
        )
}

fn export(logbook: &Logbook) -> Vec<u8> {
    let everything = Period {
        from: EARLIEST,
        to: today(),
    };
    let mut out = Vec::new();
    write_csv(
        &logbook.conn,
        everything,
        Records::Consultations,
        true,
        &mut out,
    )
    .unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_consultation_survives_export_and_import(
        drafts in proptest::collection::vec((draft(), 0u32..86_400), 1..4)
    ) {
        let checklist = Checklist::bundled();
        let original = Logbook::in_memory().unwrap();
        let mut saved: Vec<Consultation> = Vec::new();
        for (n, (draft, second)) in drafts.iter().enumerate() {
            let created_at = format!(
                "2026-03-{:02}T{:02}:{:02}:{:02}Z",
                1 + n,
                second / 3600,
                second / 60 % 60,
                second % 60
            );
            let uuid = uuid::Uuid::new_v4().to_string();
            let c = draft.validate(&checklist, today(), uuid, created_at);
            let c = match c {
                Ok(c) => c,
                Err(e) => return Err(TestCaseError::fail(format!("{draft:?}: {}", e.message))),
            };
            let id = consultations::insert(&original.conn, &c).unwrap();
            let stored = consultations::get(&original.conn, id).unwrap().unwrap();
            prop_assert_eq!(&stored, &Consultation { id, ..c });
            saved.push(stored);
        }

        let csv = export(&original);
        let mut copy = Logbook::in_memory().unwrap();
        let request = Request {
            records: Records::Consultations,
            shown: "consultations.csv",
            checklist: &checklist,
            today: today(),
            now: "2026-03-15T10:00:00Z".into(),
            dry_run: false,
        };
        let summary = import_csv(csv.as_slice(), &request, || Ok(&mut copy))
            .map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(summary, Summary { added: saved.len() as u64, skipped: 0 });
        for c in &saved {
            let back = consultations::get(&copy.conn, c.id).unwrap();
            prop_assert_eq!(back.as_ref(), Some(c));
        }
        prop_assert_eq!(
            String::from_utf8(export(&copy)).unwrap(),
            String::from_utf8(csv).unwrap()
        );
    }
}
