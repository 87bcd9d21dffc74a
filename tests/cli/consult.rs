//! `caselog consult`, `show` and `list`: recording by flags and reading it back.

use crate::common::{TestEnv, json, with_flag};

#[test]
fn a_consultation_recorded_by_flags_comes_back_field_for_field() {
    let env = TestEnv::new();
    let out = env.ok(&[
        "consult",
        "--date",
        "12/03/2026",
        "--advisor",
        "Sam Advisor",
        "--setting",
        "Oakwood Primary surgery",
        "--mode",
        "phone",
        "--agency",
        "3B",
        "--role",
        "health visitor",
        "--family",
        "HV-204",
        "--children",
        "2",
        "--age",
        "6",
        "--age",
        "unborn",
        "--factor",
        "3b",
        "--factor",
        "4B;16a",
        "--indicator",
        "c2.2",
        "--indicator",
        "P3.3",
        "--consultee-level",
        "4",
        "--level",
        "3",
        "--confidence-before",
        "2",
        "--confidence-after",
        "4",
        "--consent",
        "given",
        "--outcome",
        "EARLY-HELP",
        "--worry",
        "Mum's partner shouts",
        "--voice",
        "Says he likes school because it is quiet",
        "--strengths",
        "Gran helps",
        "--advice",
        "Talk to mum about early help",
        "--follow-up",
        "+2w",
        "--json",
    ]);
    let saved = json(&out);
    let expected = serde_json::json!({
        "id": "C-1", "uuid": saved["uuid"], "date": "2026-03-12", "advisor": "Sam Advisor",
        "setting": "Oakwood Primary surgery", "mode": "phone", "agency": "3B",
        "role": "health visitor", "organisation": null, "family": "HV-204", "children": 2,
        "ages": ["unborn", 6], "factors": ["3B", "4B", "16A"], "indicators": ["C2.2", "P3.3"], "consultee_level": 4,
        "level": 3, "suggested_level": 3, "rationale": null, "confidence_before": 2,
        "confidence_after": 4, "consent": "given", "outcome": "early-help",
        "worry": "Mum's partner shouts",
        "voice": "Says he likes school because it is quiet", "strengths": "Gran helps",
        "advice": "Talk to mum about early help", "follow_up": "2026-03-26",
        "created_at": "2026-03-15T10:00:00Z", "voided": null,
    });
    assert_eq!(saved, expected);
    assert_eq!(saved["uuid"].as_str().unwrap().len(), 36);

    let mut shown = expected.clone();
    shown["amendments"] = serde_json::json!([]);
    shown["audits"] = serde_json::json!([]);
    assert_eq!(json(&env.ok(&["show", "C-1", "--format", "json"])), shown);
    assert_eq!(
        json(&env.ok(&["list", "--format", "json"])),
        serde_json::json!([expected])
    );

    let csv = env.ok(&["list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| rows[0][header.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(cell("id"), "C-1");
    assert_eq!(cell("agency"), "3B");
    assert_eq!(cell("factors"), "3B;4B;16A");
    assert_eq!(cell("indicators"), "C2.2;P3.3");
    assert_eq!(cell("follow_up"), "2026-03-26");
    assert_eq!(cell("ages"), "unborn;6");
    for narrative in ["worry", "voice"] {
        assert!(
            !header.contains(&narrative.to_string()),
            "free text stays out of CSV lists"
        );
    }
    assert_eq!(
        env.sql("SELECT children, ages, voice FROM consultation"),
        [["2", "unborn;6", "Says he likes school because it is quiet"]]
    );

    let shown = env.ok(&["show", "c-1"]);
    for text in [
        "3B — Health – health visitor",
        "P3.3 (level 3)",
        "3 (Targeted early help)",
        "Child's voice",
        "Says he likes school because it is quiet",
    ] {
        assert!(shown.contains(text), "show lacks {text:?}:\n{shown}");
    }
}

#[test]
fn the_summary_shows_the_checklist_result_by_domain() {
    let env = TestEnv::new();
    let out = env.ok(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "Oakwood",
        "--agency",
        "police",
        "--family",
        "F-9",
        "--indicator",
        "C3.1;C3.2",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
        "--level",
        "4",
        "--rationale",
        "Three level-3 concerns together",
    ]);
    assert_eq!(
        out,
        "Recorded C-1: 2026-03-15 — family F-9, Police (6)\n\
         \x20 Checklist:\n\
         \x20   Child's developmental needs: C3.1, C3.2\n\
         \x20   Parenting capacity: P3.2\n\
         \x20 Suggested level: 3 (Targeted early help)\n\
         \x20 Advisor's level: 4 (Children's social care)\n\
         \x20 Rationale: Three level-3 concerns together\n\
         \x20 Outcome: refer-csc — Referral to children's social care advised\n"
    );
}

#[test]
fn level_defaults_to_the_suggested_one() {
    let env = TestEnv::new();
    env.consult(&["--indicator", "F3.1"]);
    assert_eq!(
        env.sql("SELECT suggested_level, level FROM consultation"),
        [["3", "3"]]
    );
}

#[test]
fn a_level_differing_from_the_suggestion_needs_a_rationale() {
    let env = TestEnv::new();
    let err = env.fails(
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F1",
            "--indicator",
            "C2.1",
            "--level",
            "1",
            "--outcome",
            "advice",
        ],
        2,
    );
    assert!(
        err.contains("--level 1 differs from the suggested level 2: give --rationale"),
        "{err}"
    );
    assert!(
        !env.db().exists(),
        "nothing is written when a command fails"
    );
}

#[test]
fn without_indicators_the_level_is_required() {
    let env = TestEnv::new();
    let err = env.fails(
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F1",
            "--outcome",
            "advice",
            "--no-input",
        ],
        2,
    );
    assert!(err.contains("error: missing --level"), "{err}");
    env.ok(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F1",
        "--outcome",
        "advice",
        "--level",
        "2",
    ]);
    assert_eq!(
        env.sql("SELECT suggested_level, level FROM consultation"),
        [["", "2"]]
    );
}

#[test]
fn a_missing_required_field_names_the_flag_and_writes_nothing() {
    let env = TestEnv::new();
    for (flag, args) in [
        (
            "--setting",
            vec![
                "--advisor",
                "Sam",
                "--agency",
                "2A",
                "--family",
                "F1",
                "--outcome",
                "advice",
                "--level",
                "2",
            ],
        ),
        (
            "--agency",
            vec![
                "--advisor",
                "Sam",
                "--setting",
                "S",
                "--family",
                "F1",
                "--outcome",
                "advice",
                "--level",
                "2",
            ],
        ),
        (
            "--family",
            vec![
                "--advisor",
                "Sam",
                "--setting",
                "S",
                "--agency",
                "2A",
                "--outcome",
                "advice",
                "--level",
                "2",
            ],
        ),
        (
            "--outcome",
            vec![
                "--advisor",
                "Sam",
                "--setting",
                "S",
                "--agency",
                "2A",
                "--family",
                "F1",
                "--level",
                "2",
            ],
        ),
        (
            "--advisor",
            vec![
                "--setting",
                "S",
                "--agency",
                "2A",
                "--family",
                "F1",
                "--outcome",
                "advice",
                "--level",
                "2",
            ],
        ),
    ] {
        let mut full = vec!["consult", "--no-input"];
        full.extend(args);
        let err = env.fails(&full, 2);
        assert!(
            err.starts_with(&format!("error: missing {flag}\n")),
            "{flag}: {err}"
        );
    }
    assert!(!env.db().exists());
}

#[test]
fn invalid_values_are_refused_with_the_valid_ones() {
    let env = TestEnv::new();
    env.consult(&[]);
    let cases: &[(&str, &str, &str)] = &[
        ("--agency", "teacher", "valid agency codes: 1A (family)"),
        ("--mode", "zoom", "valid mode codes: surgery"),
        ("--outcome", "refer", "valid outcome codes: advice"),
        ("--consent", "yes", "valid consent codes: given"),
        ("--factor", "8A", "valid factor codes:"),
        (
            "--indicator",
            "C9.1",
            "`caselog checklist` lists the indicators",
        ),
        (
            "--date",
            "31/02/2026",
            "write a date as YYYY-MM-DD, DD/MM/YYYY",
        ),
        ("--date", "2026-03-16", "is in the future"),
        ("--follow-up", "2026-03-01", "is before the date it follows"),
        ("--follow-up", "+3m", "+3d (days) or +2w (weeks)"),
        ("--level", "5", "a level of need from 1 to 4"),
        ("--consultee-level", "0", "a level of need from 1 to 4"),
        ("--confidence-before", "6", "1 (not at all confident) to 5"),
        ("--confidence-after", "x", "1 (not at all confident) to 5"),
        ("--children", "0", "a number of children from 1 to 30"),
        ("--setting", "a\u{7}b", "control character"),
    ];
    for (flag, value, expected) in cases {
        let base = [
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F1",
            "--indicator",
            "C2.1",
            "--outcome",
            "advice",
        ];
        let err = env.fails(&with_flag(&base, flag, value), 2);
        assert!(
            err.contains(flag),
            "{flag} {value}: message should name the flag: {err}"
        );
        assert!(
            err.contains(expected),
            "{flag} {value}: expected {expected:?} in {err}"
        );
    }
    assert_eq!(
        env.count("consultation"),
        1,
        "no refused consultation was written"
    );
}

#[test]
fn codes_accept_aliases_in_any_case() {
    let env = TestEnv::new();
    env.consult(&[
        "--agency",
        "Health-Visitor",
        "--mode",
        "VISIT",
        "--consent",
        "Not-Applicable",
    ]);
    assert_eq!(
        env.sql("SELECT agency, mode, consent FROM consultation"),
        [["3B", "visit", "not-applicable"]]
    );
}

#[test]
fn dates_accept_the_documented_forms() {
    let env = TestEnv::new();
    for date in ["2026-03-01", "02/03/2026", "today", "yesterday"] {
        env.consult(&["--date", date]);
    }
    let dates: Vec<String> = env
        .sql("SELECT date FROM consultation ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        dates,
        ["2026-03-01", "2026-03-02", "2026-03-15", "2026-03-14"]
    );
}

#[test]
fn earlier_consultations_about_the_family_are_shown() {
    let env = TestEnv::new();
    env.consult(&["--date", "2025-03-14", "--family", "F-7"]); // 366 days before: outside
    env.consult(&[
        "--date",
        "2025-03-15",
        "--family",
        "F-7",
        "--level",
        "1",
        "--rationale",
        "r",
    ]);
    env.consult(&[
        "--date",
        "2026-01-10",
        "--family",
        "f-7",
        "--indicator",
        "P3.1",
    ]);
    env.consult(&["--date", "2026-01-10", "--family", "OTHER-1"]);
    // Earlier the same day: a repeat consultation too (domain brief §5).
    env.consult(&["--date", "2026-03-15", "--family", "F 7"]);
    let out = env.run(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F-7",
        "--indicator",
        "C2.1",
        "--outcome",
        "advice",
    ]);
    assert!(out.status.success());
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(
        notes.contains(
            "note: family F-7 had 3 consultations in the 365 days up to 2026-03-15: \
             C-2 on 2025-03-15 (level 1, early-help); C-3 on 2026-01-10 (level 3, early-help); \
             C-5 on 2026-03-15 (level 2, early-help)"
        ),
        "{notes}"
    );
}

#[test]
fn json_output_sends_notes_to_stderr() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    let out = env.run(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F-1",
        "--indicator",
        "C2.1",
        "--outcome",
        "advice",
        "--json",
    ]);
    assert!(out.status.success());
    assert_eq!(json(&String::from_utf8_lossy(&out.stdout))["id"], "C-2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: family F-1 had 1 consultation"));
}

#[test]
fn list_filters_by_date_family_agency_and_outcome() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-01-05",
        "--family",
        "A1",
        "--agency",
        "police",
    ]);
    env.consult(&[
        "--date",
        "2026-02-05",
        "--family",
        "B1",
        "--outcome",
        "advice",
    ]);
    env.consult(&["--date", "2026-03-05", "--family", "A1", "--agency", "gp"]);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["list", "--format", "json"];
        full.extend_from_slice(args);
        json(&env.ok(&full))
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&[]), ["C-1", "C-2", "C-3"]);
    assert_eq!(ids(&["--from", "2026-02-01"]), ["C-2", "C-3"]);
    assert_eq!(ids(&["--to", "05/02/2026"]), ["C-1", "C-2"]);
    assert_eq!(ids(&["--family", "a-1"]), ["C-1", "C-3"]);
    assert_eq!(ids(&["--agency", "6"]), ["C-1"]);
    assert_eq!(ids(&["--outcome", "advice"]), ["C-2"]);
    let table = env.ok(&["list"]);
    assert!(table.contains("3 consultations"), "{table}");
    env.fails(&["list", "--agency", "nope"], 2);
    env.fails(&["list", "--from", "2026-03-01", "--to", "2026-02-01"], 2);
}

#[test]
fn show_refuses_unknown_ids() {
    let env = TestEnv::new();
    env.consult(&[]);
    assert!(
        env.fails(&["show", "C-9"], 2)
            .contains("there is no consultation C-9")
    );
    assert!(
        env.fails(&["show", "Z-1"], 2)
            .contains("is not a record ID")
    );
}
