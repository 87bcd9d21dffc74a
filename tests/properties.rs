//! Property tests of the exchange format, run with the rest of the suite: any valid
//! consultation, saved in a logbook, exported with its notes by the real export writer and read
//! back by the real import reader into an empty logbook, comes back field for field, and
//! exports again to the same bytes.

use caselog::commands::export::write_csv;
use caselog::commands::import::{Request, import_csv};
use caselog::domain::checklist::{self, Checklist, IndicatorId};
use caselog::domain::codes::{Agency, CodeList, Consent, Factor, Mode, Outcome};
use caselog::domain::consultation::{Consultation, Departure, Draft, Rules};
use caselog::domain::family::FamilyRule;
use caselog::domain::ids::ConsultationId;
use caselog::domain::period::Period;
use caselog::domain::record::Stamp;
use caselog::domain::values::{Age, Children, EARLIEST, Level};
use caselog::exchange::Records;
use caselog::store::{SqliteLogbook, Storage};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

/// A code from a list, typed as its code or its alias, in any case, and read as people's
/// input is.
fn code<C: CodeList + std::fmt::Debug>() -> impl Strategy<Value = C> {
    (select(C::ALL), any::<bool>(), any::<bool>()).prop_map(|(c, alias, upper)| {
        let text = if alias {
            c.alias().unwrap_or(c.code())
        } else {
            c.code()
        };
        let typed = if upper {
            text.to_uppercase()
        } else {
            text.to_string()
        };
        C::parse(&typed).expect("a code or alias of the list")
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

/// A number in range, typed as digits and read as people's input is.
fn number<T: std::str::FromStr + std::fmt::Debug>(
    range: std::ops::RangeInclusive<u8>,
) -> impl Strategy<Value = Option<T>>
where
    T::Err: std::fmt::Debug,
{
    proptest::option::of(range.prop_map(|n| n.to_string().parse().unwrap()))
}

/// Text read as people's input is.
fn typed<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().unwrap()
}

/// A consultation as someone might give it, valid by construction.
fn draft() -> impl Strategy<Value = Draft> {
    let ids: Vec<IndicatorId> = Checklist::bundled()
        .indicators
        .into_iter()
        .map(|i| i.id)
        .collect();
    (
        (
            0u64..9000,
            any::<bool>(),
            short(),
            short(),
            proptest::option::of(code::<Mode>()),
            code::<Agency>(),
            proptest::option::of(short()),
            short(),
            number(1..=30),
            subsequence(Factor::ALL.to_vec(), 0..4),
            subsequence(ids, 0..5),
        ),
        (
            number(1..=4),
            number(1..=4),
            note(),
            number(1..=5),
            number(1..=5),
            proptest::option::of(code::<Consent>()),
            code::<Outcome>(),
            note(),
            note(),
            note(),
            proptest::option::of((1u64..=366, 0u8..3)),
            proptest::option::of(short()),
        ),
        (
            0u32..100_000,
            proptest::collection::vec(
                prop_oneof![
                    Just("unborn".to_string()),
                    (0u8..=17).prop_map(|n| n.to_string())
                ],
                0..4,
            ),
            note(),
        ),
    )
        .prop_map(
            |(
                (days_ago, slashed, advisor, setting, mode, agency, role, family, children, f, i),
                (
                    consultee_level,
                    level,
                    rationale,
                    before,
                    after,
                    consent,
                    outcome,
                    w,
                    s,
                    a,
                    fu,
                    organisation,
                ),
                (case_number, ages, voice),
            )| {
                let date = today() - Days::new(days_ago);
                let follow_up = fu.map(|(n, form)| match form {
                    0 => format!("+{n}d"),
                    1 => format!("+{}w", n.div_ceil(7).min(52)),
                    _ => (date + Days::new(n)).to_string(),
                });
                let note = |n: Option<String>| n.map(|n| typed(&n));
                let mut draft = Draft {
                    date: Some(typed(&if slashed {
                        date.format("%d/%m/%Y").to_string()
                    } else {
                        date.to_string()
                    })),
                    advisor: Some(typed(&advisor)),
                    setting: Some(typed(&setting)),
                    mode,
                    agency: Some(agency),
                    role: role.map(|r| typed(&r)),
                    organisation: organisation.map(|o| typed(&o)),
                    // A family reference holds a digit.
                    family: Some(typed(&format!("{family}{case_number}"))),
                    children,
                    ages: ages.iter().map(|a| typed::<Age>(a)).collect(),
                    factors: f,
                    indicators: i,
                    consultee_level,
                    level,
                    rationale: note(rationale),
                    confidence_before: before,
                    confidence_after: after,
                    consent,
                    outcome: Some(outcome),
                    worry: note(w),
                    voice: note(voice),
                    strengths: note(s),
                    advice: note(a),
                    follow_up: follow_up.map(|f| typed(&f)),
                };
                // The number of children is that of the ages, when there are any.
                if !draft.ages.is_empty() && draft.children.is_some() {
                    draft.children = Children::new(draft.ages.len() as u8);
                }
                // A level is needed when nothing is ticked, and a rationale when it differs
                // from the one the checklist suggests or the pathway departs from it.
                let suggested =
                    checklist::suggested_level(&Checklist::bundled().ticked(&draft.indicators));
                if suggested.is_none() && draft.level.is_none() {
                    draft.level = Level::new(2);
                }
                let level = draft.level.or(suggested).expect("a level");
                if Departure::find(level, suggested, draft.outcome).is_some()
                    && draft.rationale.is_none()
                {
                    draft.rationale = Some(typed("=Judged differently, \"on balance\""));
                }
                // Consent withheld for the child's safety goes with a referral.
                if draft.consent == Some(Consent::WithheldRisk) && !outcome.counts_as_referral() {
                    draft.consent = Some(Consent::NotAsked);
                }
                draft
            },
        )
}

fn export(logbook: &mut SqliteLogbook) -> Vec<u8> {
    let everything = Period {
        from: EARLIEST,
        to: today(),
    };
    let mut out = Vec::new();
    let tx = logbook.read().unwrap();
    write_csv(
        tx.as_ref(),
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
        let family = FamilyRule::default();
        let rules = Rules { checklist: &checklist, today: today(), family: &family };
        let mut original = SqliteLogbook::in_memory().unwrap();
        let mut saved: Vec<Consultation> = Vec::new();
        for (n, (draft, second)) in drafts.iter().enumerate() {
            let created_at = format!(
                "2026-03-{:02}T{:02}:{:02}:{:02}Z",
                1 + n,
                second / 3600,
                second / 60 % 60,
                second % 60
            );
            let stamp = Stamp::new(ConsultationId(0), &created_at);
            let mut c = match draft.consultation(rules, stamp) {
                Ok(c) => c,
                Err(e) => return Err(TestCaseError::fail(format!("{draft:?}: {e}"))),
            };
            let mut tx = original.write().unwrap();
            // Kept under its family's first spelling, as `consult` keeps it.
            tx.spell_family(&mut c, false).unwrap();
            let id = tx.add_consultation(&c).unwrap();
            let stored = tx.consultation(id).unwrap().unwrap();
            tx.commit().unwrap();
            prop_assert_eq!(&stored, &Consultation { id, ..c });
            saved.push(stored);
        }

        let csv = export(&mut original);
        let mut copy = SqliteLogbook::in_memory().unwrap();
        let request = Request {
            records: Records::Consultations,
            shown: "consultations.csv",
            checklist: &checklist,
            family: &family,
            today: today(),
            now: "2026-03-15T10:00:00Z".parse().unwrap(),
            dry_run: false,
            interruption: None,
        };
        let summary = import_csv::<_, SqliteLogbook, _>(csv.as_slice(), &request, || Ok(&mut copy))
            .map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(
            (summary.added, summary.skipped),
            (saved.len() as u64, 0),
            "{:?}",
            summary
        );
        prop_assert!(summary.respelled == Default::default(), "{:?}", summary.respelled);
        for c in &saved {
            let back = copy.read().unwrap().consultation(c.id).unwrap();
            prop_assert_eq!(back.as_ref(), Some(c));
        }
        prop_assert_eq!(
            String::from_utf8(export(&mut copy)).unwrap(),
            String::from_utf8(csv).unwrap()
        );
    }
}
