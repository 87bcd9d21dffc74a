//! What caselog says, and where: notes on stderr beside the record's summary on stdout,
//! refusals that name the record holding a stored value and how to change it, and counts in the
//! singular when there is one.

use crate::common::{TestEnv, json};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `consult` for family F-1 with these indicators, printing the summary (not JSON).
fn consult_args<'a>(indicators: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "Oakwood",
        "--agency",
        "police",
        "--family",
        "F-1",
        "--indicator",
        indicators,
        "--outcome",
        "refer-csc",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn notes_go_to_stderr_and_the_summary_to_stdout() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    let out = env.run(&consult_args("C3.1;C3.2;P3.2", &[]));
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    assert!(summary.starts_with("Recorded C-2: 2026-03-15"), "{summary}");
    assert!(!summary.contains("note:"), "{summary}");
    assert_eq!(
        stderr(&out),
        "note: 3 level-3 indicators across 2 domains: consider whether level 4 (Children's \
         social care) applies\n\
         note: family F-1 had 1 consultation in the 365 days up to 2026-03-15: C-1 on \
         2026-03-01 (level 2, early-help)\n"
    );
}

#[test]
fn no_level_four_note_when_level_four_is_already_suggested() {
    let env = TestEnv::new();
    let out = env.run(&consult_args("C3.1;C3.2;P3.2;C4.1", &[]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Suggested level: 4"),
        "{}",
        stdout(&out)
    );
    for text in [stdout(&out), stderr(&out)] {
        assert!(!text.contains("consider"), "{text}");
    }
    // Nor when the advisor already judged level 4 over a suggested 3.
    let out = env.run(&consult_args(
        "C3.1;C3.2;P3.2",
        &["--level", "4", "--rationale", "three worries together"],
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("consider"), "{}", stderr(&out));
}

#[test]
fn one_imported_record_is_counted_in_the_singular() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-02-10"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-02-11"]);
    env.ok(&[
        "export",
        "--month",
        "2026-02",
        "--output",
        "consultations.csv",
    ]);
    env.ok(&[
        "export",
        "--month",
        "2026-02",
        "--records",
        "referrals",
        "--output",
        "referrals.csv",
    ]);
    let fresh = TestEnv::new();
    for name in ["consultations.csv", "referrals.csv"] {
        std::fs::copy(env.path(name), fresh.path(name)).unwrap();
    }
    let out = fresh.ok(&["import", "--dry-run", "consultations.csv"]);
    assert!(
        out.starts_with("Dry run: would add 1 consultation from consultations.csv;"),
        "{out}"
    );
    let out = fresh.ok(&["import", "consultations.csv"]);
    assert_eq!(
        out,
        "Added 1 consultation from consultations.csv; skipped 0 already in the logbook (same UUID).\n"
    );
    let out = fresh.ok(&["import", "--records", "referrals", "referrals.csv"]);
    assert!(out.starts_with("Added 1 referral from"), "{out}");
    let out = fresh.ok(&["import", "consultations.csv"]);
    assert!(out.starts_with("Added 0 consultations from"), "{out}");
}

#[test]
fn the_review_list_says_today_tomorrow_and_days_in_plain_words() {
    let env = TestEnv::new();
    for (date, follow_up) in [
        ("2026-03-01", "2026-03-10"), // C-1: 5 days overdue
        ("2026-03-01", "2026-03-14"), // C-2: 1 day overdue
        ("2026-03-01", "2026-03-15"), // C-3: due today
        ("2026-03-01", "2026-03-16"), // C-4: due tomorrow
        ("2026-03-01", "2026-03-18"), // C-5: due in 3 days
    ] {
        env.consult(&["--date", date, "--follow-up", follow_up]);
    }
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-14"]); // R-1: 1 day
    env.ok(&["refer", "C-2", "--to", "csc"]); // R-2: made today
    env.ok(&["refer", "C-3", "--to", "csc", "--date", "2026-03-12"]); // R-3: 3 days
    let table = env.ok(&["review"]);
    let what = |id: &str| -> String {
        let line = table
            .lines()
            .find(|l| l.contains(&format!(" {id} ")))
            .unwrap_or_else(|| panic!("{id} not listed:\n{table}"));
        line.split('┆').nth(4).unwrap().trim().to_string()
    };
    assert_eq!(what("C-1"), "follow-up 5 days overdue");
    assert_eq!(what("C-2"), "follow-up 1 day overdue");
    assert_eq!(what("C-3"), "follow-up due today");
    assert_eq!(what("C-4"), "follow-up due tomorrow");
    assert_eq!(what("C-5"), "follow-up due in 3 days");
    assert_eq!(what("R-1"), "referral pending 1 day");
    assert_eq!(what("R-2"), "referral pending since today");
    assert_eq!(what("R-3"), "referral pending 3 days");
    assert!(
        table.ends_with("5 follow-ups due by 2026-03-22, 3 referrals pending\n"),
        "{table}"
    );
}

/// The error and hint lines of a refused command (exit 2).
fn refused(env: &TestEnv, args: &[&str]) -> String {
    env.fails(args, 2)
}

#[test]
fn amending_a_level_says_the_stored_suggestion_needs_a_rationale() {
    let env = TestEnv::new();
    env.consult(&["--indicator", "P3.2"]); // C-1: suggested 3, level 3, no rationale
    let err = refused(&env, &["amend", "C-1", "--level", "2", "--reason", "r"]);
    assert_eq!(
        err,
        "error: --level 2 differs from C-1's suggested level 3 (from its stored indicators), \
         so a rationale is needed: C-1 has none stored\n\
         hint: say why the level differs with --rationale TEXT, or give --level 3 to follow the \
         checklist\n"
    );
    assert_eq!(env.count("amendment"), 0);
}

#[test]
fn new_indicators_against_a_stored_level_name_the_stored_level() {
    let env = TestEnv::new();
    // C-1: nothing ticked, level 2 given, so no suggestion and no rationale.
    env.ok(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F-1",
        "--level",
        "2",
        "--outcome",
        "advice",
    ]);
    let err = refused(
        &env,
        &["amend", "C-1", "--indicator", "C3.1", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: C-1's level 2 (stored) differs from the level 3 the new indicators suggest, so a \
         rationale is needed: C-1 has none stored\n\
         hint: say why the level differs with --rationale TEXT, or give --level 3 to follow the \
         checklist\n"
    );
}

#[test]
fn a_rationale_cannot_be_cleared_while_the_stored_levels_differ() {
    let env = TestEnv::new();
    env.consult(&["--level", "3", "--rationale", "Gran cannot cope"]); // C2.1 suggests 2
    let err = refused(
        &env,
        &["amend", "C-1", "--clear", "rationale", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: C-1's level 3 (stored) differs from C-1's suggested level 2 (from its stored \
         indicators), so its rationale cannot be cleared\n\
         hint: keep the rationale (leave out --clear rationale), give a new one with --rationale \
         TEXT, or give --level 2 to follow the checklist\n"
    );
}

#[test]
fn a_new_date_after_the_stored_follow_up_names_it() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--follow-up", "2026-03-05"]);
    let err = refused(
        &env,
        &["amend", "C-1", "--date", "2026-03-10", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: C-1's follow-up 2026-03-05 (stored) is before the new date 2026-03-10; change it \
         with --follow-up or clear it\n\
         hint: --follow-up takes a date, or +3d / +2w after the new date; --clear follow-up \
         clears it\n"
    );
    // Giving both is accepted.
    env.ok(&[
        "amend",
        "C-1",
        "--date",
        "2026-03-10",
        "--clear",
        "follow-up",
        "--reason",
        "r",
    ]);
    assert_eq!(
        env.sql("SELECT date, follow_up FROM consultation"),
        [["2026-03-10", ""]]
    );
}

#[test]
fn amending_a_review_names_its_stored_follow_up_and_status() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-02",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-03-06",
    ]); // V-1
    let err = refused(
        &env,
        &["amend", "V-1", "--date", "2026-03-09", "--reason", "r"],
    );
    assert!(
        err.starts_with(
            "error: V-1's follow-up 2026-03-06 (stored) is before the new date 2026-03-09; \
             change it with --follow-up or clear it\n"
        ),
        "{err}"
    );
    let err = refused(
        &env,
        &["amend", "V-1", "--status", "resolved", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: V-1 has a follow-up 2026-03-06 (stored), and --status resolved ends follow-up\n\
         hint: clear the follow-up in the same amendment with --clear follow-up, or choose \
         another --status\n"
    );
    env.ok(&[
        "amend",
        "V-1",
        "--status",
        "resolved",
        "--clear",
        "follow-up",
        "--reason",
        "r",
    ]);
    let err = refused(
        &env,
        &["amend", "V-1", "--follow-up", "2026-03-20", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: V-1's status is resolved (stored), which ends follow-up, so it cannot have a \
         --follow-up\n\
         hint: change the status in the same amendment, e.g. --status ongoing\n"
    );
    assert_eq!(env.count("amendment"), 2);
}

#[test]
fn moving_a_date_past_later_records_says_how_to_change_them() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-05"]);
    let err = refused(
        &env,
        &["amend", "C-1", "--date", "2026-03-10", "--reason", "r"],
    );
    assert_eq!(
        err,
        "error: --date 2026-03-10 would put C-1 after records made from it: R-1 (2026-03-05)\n\
         hint: give a --date on or before 2026-03-05, or correct their dates first: caselog \
         amend R-1 --date DATE --reason TEXT\n"
    );
}

#[test]
fn a_date_before_the_record_reviewed_says_how_to_correct_that_record() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-10"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-11"]);
    let err = refused(
        &env,
        &[
            "review",
            "C-1",
            "--status",
            "ongoing",
            "--date",
            "2026-03-01",
        ],
    );
    assert!(
        err.starts_with("error: --date 2026-03-01 is before the consultation C-1 (2026-03-10)\n"),
        "{err}"
    );
    assert!(
        err.contains(
            "hint: if C-1's date 2026-03-10 is wrong, correct it first: caselog amend C-1 --date \
             DATE --reason TEXT\n"
        ),
        "{err}"
    );
    let err = refused(
        &env,
        &["review", "R-1", "--result", "nfa", "--date", "2026-03-10"],
    );
    assert!(
        err.contains(
            "hint: if R-1's date 2026-03-11 is wrong, correct it first: caselog amend R-1 --date \
             DATE --reason TEXT\n"
        ),
        "{err}"
    );
    let err = refused(
        &env,
        &["amend", "R-1", "--date", "2026-03-09", "--reason", "r"],
    );
    assert!(
        err.contains(
            "hint: if C-1's date 2026-03-10 is wrong, correct it first: caselog amend C-1 --date \
             DATE --reason TEXT\n"
        ),
        "{err}"
    );
}

#[test]
fn a_stored_value_that_no_longer_passes_is_named_as_stored() {
    // Recorded today; the clock is then set back, so the stored date is in its future.
    let env = TestEnv::new();
    env.consult(&[]);
    let earlier = TestEnv::new().env("CASELOG_NOW", "2026-03-10T10:00:00Z");
    std::fs::copy(env.db(), earlier.db()).unwrap();
    let err = refused(
        &earlier,
        &["amend", "C-1", "--role", "DSL", "--reason", "r"],
    );
    assert!(
        err.starts_with(
            "error: C-1's stored date 2026-03-15 is in the future (today is 2026-03-10)\n"
        ),
        "{err}"
    );
    assert!(err.contains("hint: change it with --date\n"), "{err}");
    assert_eq!(
        json(&earlier.ok(&["show", "C-1", "--format", "json"]))["role"],
        serde_json::Value::Null
    );
}
