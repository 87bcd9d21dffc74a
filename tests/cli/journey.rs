//! `caselog refer`, `review`, `history`, `amend` and `void`: a family's journey through
//! consultations, referrals and follow-ups, and corrections that keep history.

use crate::common::{TestEnv, json};

fn ids(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// The items of the weekly list, family after family.
fn items(list: &serde_json::Value) -> serde_json::Value {
    list.as_array()
        .expect("array")
        .iter()
        .flat_map(|family| family["items"].as_array().expect("items").clone())
        .collect()
}

fn due(env: &TestEnv) -> Vec<String> {
    ids(&items(&json(&env.ok(&["review", "--format", "json"]))))
}

fn history(env: &TestEnv, family: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["history", family, "--format", "json"];
    args.extend_from_slice(extra);
    json(&env.ok(&args))
}

#[test]
fn a_family_journey_through_consultations_referrals_and_reviews() {
    let env = TestEnv::new();
    // 1. A school consults about the family; follow-up in a week.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "OAK-7",
        "--indicator",
        "C2.1",
        "--outcome",
        "refer-csc",
        "--rationale",
        "Disclosure to the class teacher",
        "--follow-up",
        "2026-03-08",
    ]);
    assert_eq!(due(&env), ["C-1"]);
    let h = history(&env, "oak-7", &[]);
    assert_eq!(ids(&h["entries"]), ["C-1"]);
    assert_eq!(h["entries"][0]["level"], 2);

    // 2. The consultee refers to the front door.
    let out = env.ok(&[
        "refer",
        "C-1",
        "--date",
        "2026-03-02",
        "--to",
        "mash",
        "--reason",
        "Neglect worries",
        "--consent",
        "given",
        "--urgent",
    ]);
    assert!(
        out.starts_with("Recorded R-1: 2026-03-02 — from C-1 (family OAK-7) to csc"),
        "{out}"
    );
    assert_eq!(
        env.sql(
            "SELECT consultation_id, date, referred_to, referred_by, urgent, result FROM referral"
        ),
        [["1", "2026-03-02", "csc", "consultee", "1", "pending"]]
    );
    let families = json(&env.ok(&["review", "--format", "json"]));
    assert_eq!(families[0]["family"], "OAK-7");
    let list = items(&families);
    assert_eq!(
        ids(&list),
        ["R-1", "C-1"],
        "oldest first: R-1 made 03-02, C-1 due 03-08"
    );
    assert_eq!(list[0]["state"], "pending");
    assert_eq!(list[0]["to"], "csc");
    assert_eq!(list[1]["state"], "overdue");

    // 3. The front door decides: assessment.
    let out = env.ok(&[
        "review",
        "R-1",
        "--result",
        "assessment",
        "--date",
        "2026-03-05",
    ]);
    assert!(
        out.starts_with("Recorded V-1: 2026-03-05 — R-1 to csc"),
        "{out}"
    );
    assert_eq!(
        env.sql("SELECT result, result_date FROM referral"),
        [["assessment", "2026-03-05"]]
    );
    assert_eq!(
        env.sql("SELECT referral_id, consultation_id, result FROM review"),
        [["1", "", "assessment"]]
    );
    assert_eq!(due(&env), ["C-1"]);
    let shown = json(&env.ok(&["show", "R-1", "--format", "json"]));
    assert_eq!(shown["result"], "assessment");
    assert_eq!(shown["amendments"], serde_json::json!([]));

    // 4. The family comes back through a health visitor, with more worry.
    env.consult(&[
        "--date",
        "2026-03-10",
        "--family",
        "Oak-7",
        "--agency",
        "health-visitor",
        "--indicator",
        "P3.2",
        "--outcome",
        "early-help",
        "--follow-up",
        "+2w",
    ]);
    let h = history(&env, "OAK-7", &[]);
    assert_eq!(ids(&h["entries"]), ["C-1", "R-1", "V-1", "C-2"]);
    let levels: Vec<_> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["level"].clone())
        .collect();
    assert_eq!(
        levels,
        [
            serde_json::json!(2),
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::json!(3)
        ]
    );
    assert_eq!(h["entries"][1]["outcome"], "assessment");
    // C-2's follow-up (03-24) is beyond the week ahead.
    assert_eq!(due(&env), ["C-1"]);
    assert_eq!(
        ids(&items(&json(
            &env.ok(&["review", "--within", "10", "--format", "json"])
        ))),
        ["C-1", "C-2"]
    );

    // 5. The advisor reviews C-1: ongoing, level up, check again in a week.
    let out = env.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--level",
        "3",
        "--confidence",
        "3",
        "--note",
        "Assessment under way",
        "--follow-up",
        "+1w",
    ]);
    assert!(
        out.starts_with("Recorded V-2: 2026-03-15 — C-1 (family OAK-7), ongoing"),
        "{out}"
    );
    assert!(out.contains("Next follow-up: 2026-03-22"), "{out}");
    let list = items(&json(&env.ok(&["review", "--format", "json"])));
    assert_eq!(ids(&list), ["C-1"]);
    assert_eq!(list[0]["date"], "2026-03-22");
    assert_eq!(list[0]["state"], "due");
    assert_eq!(list[0]["level"], 3, "the level set at the review stands");

    let h = history(&env, "oak-7", &[]);
    assert_eq!(ids(&h["entries"]), ["C-1", "R-1", "V-1", "C-2", "V-2"]);
    assert_eq!(h["entries"][4]["outcome"], "ongoing");
    assert_eq!(h["entries"][4]["level"], 3);
    let table = env.ok(&["history", "oak-7"]);
    assert!(
        table.contains("2 consultations, 1 referral, 2 reviews"),
        "{table}"
    );

    let shown = json(&env.ok(&["show", "V-2", "--format", "json"]));
    assert_eq!(shown["consultation"], "C-1");
    assert_eq!(shown["follow_up"], "2026-03-22");

    // 6. Resolved: C-1 leaves the list.
    env.ok(&["review", "C-1", "--status", "resolved"]);
    assert!(due(&env).is_empty());
    let table = env.ok(&["review"]);
    assert!(
        table.contains("0 follow-ups due by 2026-03-22, 0 referrals pending"),
        "{table}"
    );
}

#[test]
fn refer_refuses_unknown_voided_and_invalid_input() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-10"]);
    let err = env.fails(&["refer", "C-9", "--to", "csc"], 2);
    assert!(err.contains("there is no consultation C-9"), "{err}");
    let err = env.fails(&["refer", "C-1", "--to", "school"], 2);
    assert!(
        err.contains("--to") && err.contains("valid referral destination codes: csc (mash)"),
        "{err}"
    );
    let err = env.fails(&["refer", "C-1"], 2);
    assert!(err.contains("missing --to"), "{err}");
    let err = env.fails(&["refer", "C-1", "--to", "csc", "--date", "2026-03-09"], 2);
    assert!(
        err.contains("--date 2026-03-09 is before the consultation"),
        "{err}"
    );
    let err = env.fails(&["refer", "C-1", "--to", "csc", "--by", "teacher"], 2);
    assert!(err.contains("--by"), "{err}");
    let err = env.fails(&["refer", "R-1", "--to", "csc"], 2);
    assert!(
        err.contains("R-1 is a referral, not a consultation"),
        "{err}"
    );
    env.ok(&["void", "C-1", "--reason", "wrong family"]);
    let err = env.fails(&["refer", "C-1", "--to", "csc"], 2);
    assert!(err.contains("C-1 was voided"), "{err}");
    assert_eq!(env.count("referral"), 0);

    env.consult(&[]);
    let out = json(&env.ok(&[
        "refer", "C-2", "--to", "police", "--by", "ADVISOR", "--json",
    ]));
    assert_eq!(out["id"], "R-1");
    assert_eq!(out["consultation"], "C-2");
    assert_eq!(out["by"], "advisor");
    assert_eq!(out["urgent"], false);
    assert_eq!(out["result"], "pending");
}

#[test]
fn review_refuses_flags_that_do_not_apply_and_bad_values() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-10"]);
    env.ok(&["refer", "C-1", "--to", "csc"]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["review", "C-1", "--result", "nfa"],
            "--result does not apply to a consultation's review",
        ),
        (
            &["review", "R-1", "--status", "ongoing"],
            "--status does not apply to a referral's review",
        ),
        (
            &["review", "--status", "ongoing"],
            "--status does not apply to the review list",
        ),
        (
            &["review", "C-1", "--within", "3"],
            "--within does not apply",
        ),
        (&["review", "C-1"], "missing --status"),
        (
            &["review", "C-1", "--status", "done"],
            "valid review status codes: ongoing",
        ),
        (
            &[
                "review",
                "C-1",
                "--status",
                "resolved",
                "--follow-up",
                "+1w",
            ],
            "--follow-up cannot be given with --status resolved",
        ),
        (
            &["review", "C-1", "--status", "ongoing", "--level", "7"],
            "--level",
        ),
        (
            &[
                "review",
                "C-1",
                "--status",
                "ongoing",
                "--date",
                "2026-03-01",
            ],
            "--date 2026-03-01 is before the consultation C-1",
        ),
        (&["review", "R-1"], "missing --result"),
        (
            &["review", "R-1", "--result", "pending"],
            "--result pending is not a decision",
        ),
        (
            &["review", "R-1", "--result", "yes"],
            "valid referral result codes",
        ),
        (
            &["review", "C-5", "--status", "ongoing"],
            "there is no consultation C-5",
        ),
        (
            &["review", "R-5", "--result", "nfa"],
            "there is no referral R-5",
        ),
        (&["review", "V-1", "--status", "ongoing"], "V-1 is a review"),
        (&["review", "--within", "x"], "--within 'x' is not valid"),
    ];
    for (args, expected) in cases {
        let err = env.fails(args, 2);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err}"
        );
    }
    assert_eq!(env.count("review"), 0);
    assert_eq!(env.sql("SELECT result FROM referral"), [["pending"]]);
}

#[test]
fn the_review_list_follows_the_latest_review_and_ignores_voided_ones() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--follow-up", "2026-03-05"]); // C-1 overdue
    env.consult(&["--date", "2026-03-01", "--follow-up", "2026-04-30"]); // C-2 far off
    env.consult(&["--date", "2026-03-01"]); // C-3 no follow-up
    assert_eq!(due(&env), ["C-1"]);
    // A review without a new follow-up ends the check-backs.
    env.ok(&["review", "C-1", "--status", "escalated"]);
    assert!(due(&env).is_empty());
    // Voiding that review brings the consultation's own follow-up back.
    env.ok(&[
        "void",
        "V-1",
        "--reason",
        "recorded against the wrong consultation",
    ]);
    assert_eq!(due(&env), ["C-1"]);
    // A review can bring a distant follow-up forward.
    env.ok(&[
        "review",
        "C-2",
        "--status",
        "ongoing",
        "--follow-up",
        "today",
    ]);
    let list = items(&json(&env.ok(&["review", "--format", "json"])));
    assert_eq!(ids(&list), ["C-1", "C-2"]);
    assert_eq!(list[1]["state"], "due");
    let table = env.ok(&["review"]);
    assert!(table.contains("follow-up 10 days overdue"), "{table}");
    assert!(table.contains("follow-up due today"), "{table}");
}

#[test]
fn voided_records_leave_list_review_and_history_but_show_finds_them() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "VX-1",
        "--follow-up",
        "2026-03-05",
    ]);
    env.consult(&[
        "--date",
        "2026-03-02",
        "--family",
        "VX-1",
        "--follow-up",
        "2026-03-06",
    ]);
    env.ok(&["refer", "C-2", "--to", "csc"]);
    assert_eq!(due(&env), ["C-1", "C-2", "R-1"]);

    // A consultation with a standing referral cannot be voided until the referral is.
    let err = env.fails(&["void", "C-2", "--reason", "duplicate"], 2);
    assert!(
        err.contains("C-2 still has records made from it: R-1"),
        "{err}"
    );
    let err = env.fails(&["void", "C-2"], 2);
    assert!(err.contains("missing --reason"), "{err}");
    env.ok(&["void", "R-1", "--reason", "duplicate"]);
    let out = env.ok(&["void", "C-2", "--reason", "duplicate of C-1"]);
    assert_eq!(out, "Voided C-2: duplicate of C-1\n");
    assert_eq!(
        env.sql("SELECT voided_at, void_reason FROM consultation WHERE id = 2"),
        [["2026-03-15T10:00:00Z", "duplicate of C-1"]]
    );

    assert_eq!(ids(&json(&env.ok(&["list", "--format", "json"]))), ["C-1"]);
    assert_eq!(due(&env), ["C-1"]);
    assert_eq!(ids(&history(&env, "vx-1", &[])["entries"]), ["C-1"]);
    let all = history(&env, "vx-1", &["--all"]);
    assert_eq!(ids(&all["entries"]), ["C-1", "C-2", "R-1"]);
    assert_eq!(all["entries"][1]["voided"]["reason"], "duplicate of C-1");
    assert!(
        env.ok(&["history", "vx-1", "--all", "--brief"])
            .contains("C-2 (voided)")
    );

    let shown = json(&env.ok(&["show", "C-2", "--format", "json"]));
    assert_eq!(shown["voided"]["reason"], "duplicate of C-1");
    assert!(env.ok(&["show", "R-1"]).contains("VOIDED"));

    let err = env.fails(&["void", "C-2", "--reason", "again"], 2);
    assert!(
        err.contains("C-2 was voided: it is already voided"),
        "{err}"
    );
    assert!(
        !err.contains("duplicate"),
        "the reason is record content: {err}"
    );
    let err = env.fails(&["amend", "C-2", "--level", "3", "--reason", "r"], 2);
    assert!(err.contains("C-2 was voided"), "{err}");
    let err = env.fails(&["void", "V-9", "--reason", "r"], 2);
    assert!(err.contains("there is no review V-9"), "{err}");
    let err = env.fails(&["history", "nobody-1"], 2);
    assert!(
        err.contains("there are no records about family nobody-1"),
        "{err}"
    );
}

#[test]
fn voiding_a_referral_review_puts_the_result_back() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    env.ok(&["review", "R-1", "--result", "nfa", "--date", "2026-03-10"]);
    env.ok(&["review", "R-1", "--result", "s47", "--date", "2026-03-12"]);
    assert_eq!(
        env.sql("SELECT result, result_date FROM referral"),
        [["s47", "2026-03-12"]]
    );
    env.ok(&["void", "V-2", "--reason", "wrong referral"]);
    assert_eq!(
        env.sql("SELECT result, result_date FROM referral"),
        [["nfa", "2026-03-10"]]
    );
    env.ok(&["void", "V-1", "--reason", "wrong referral"]);
    assert_eq!(
        env.sql("SELECT result, result_date FROM referral"),
        [["pending", ""]]
    );
    assert_eq!(due(&env), ["R-1"]);
    let shown = json(&env.ok(&["show", "R-1", "--format", "json"]));
    let fields: Vec<_> = shown["amendments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["result", "result_date", "result", "result_date"]);
    assert_eq!(
        shown["amendments"][0]["reason"],
        "V-2 voided: wrong referral"
    );
}

#[test]
fn amending_a_consultation_revalidates_and_keeps_history() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--indicator", "C2.1"]);
    let uuid = env.sql("SELECT uuid, created_at FROM consultation");
    // Changing indicators recomputes the suggested level; a level that followed it follows it.
    let out = env.ok(&[
        "amend",
        "C-1",
        "--indicator",
        "P3.2",
        "--reason",
        "ticked the wrong box",
    ]);
    assert!(
        out.starts_with("Amended C-1 (3 fields): ticked the wrong box"),
        "{out}"
    );
    assert!(out.contains("indicators: C2.1 → P3.2"), "{out}");
    assert_eq!(
        env.sql("SELECT indicators, suggested_level, level FROM consultation"),
        [["P3.2", "3", "3"]]
    );
    assert_eq!(env.sql("SELECT uuid, created_at FROM consultation"), uuid);
    assert_eq!(
        env.sql("SELECT record, record_id, field, old_value, new_value, reason, amended_at FROM amendment ORDER BY id"),
        [
            ["consultation", "1", "indicators", "C2.1", "P3.2", "ticked the wrong box", "2026-03-15T10:00:00Z"],
            ["consultation", "1", "level", "2", "3", "ticked the wrong box", "2026-03-15T10:00:00Z"],
            ["consultation", "1", "suggested_level", "2", "3", "ticked the wrong box", "2026-03-15T10:00:00Z"],
        ]
    );
    // A level differing from the suggestion still needs a rationale.
    let err = env.fails(&["amend", "C-1", "--level", "2", "--reason", "r"], 2);
    assert!(
        err.contains("--level 2 differs from C-1's suggested level 3"),
        "{err}"
    );
    env.ok(&[
        "amend",
        "C-1",
        "--level",
        "2",
        "--rationale",
        "Gran is caring well",
        "--role",
        "DSL",
        "--reason",
        "after talking to the DSL",
    ]);
    assert_eq!(
        env.sql("SELECT level, rationale, role FROM consultation"),
        [["2", "Gran is caring well", "DSL"]]
    );
    // --clear empties an optional field.
    env.ok(&[
        "amend",
        "C-1",
        "--clear",
        "role",
        "--reason",
        "role unknown",
    ]);
    assert_eq!(env.sql("SELECT role IS NULL FROM consultation"), [["1"]]);

    let shown = json(&env.ok(&["show", "C-1", "--format", "json"]));
    assert_eq!(shown["amendments"].as_array().unwrap().len(), 7);
    assert_eq!(shown["amendments"][0]["field"], "indicators");
    assert_eq!(shown["amendments"][0]["old_value"], "C2.1");
    assert_eq!(shown["level"], 2);
    let table = env.ok(&["show", "C-1"]);
    assert!(
        table.contains("Amendments") && table.contains("ticked the wrong box"),
        "{table}"
    );
}

#[test]
fn amending_with_an_invalid_value_changes_nothing() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-05", "--follow-up", "2026-03-12"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-06"]);
    env.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--follow-up",
        "+1w",
        "--date",
        "2026-03-10",
    ]);
    let before = env.sql("SELECT * FROM consultation");
    let cases: &[(&[&str], &str)] = &[
        (
            &["amend", "C-1", "--agency", "teacher", "--reason", "r"],
            "--agency",
        ),
        (
            &["amend", "C-1", "--outcome", "refer", "--reason", "r"],
            "--outcome",
        ),
        (
            &["amend", "C-1", "--level", "9", "--reason", "r"],
            "--level",
        ),
        (
            &["amend", "C-1", "--date", "2026-03-20", "--reason", "r"],
            "--date 2026-03-20 is in the future",
        ),
        (
            &["amend", "C-1", "--date", "2026-03-08", "--reason", "r"],
            "--date 2026-03-08 would put C-1 after records made from it: R-1 (2026-03-06)",
        ),
        (
            &["amend", "C-1", "--follow-up", "2026-03-01", "--reason", "r"],
            "--follow-up",
        ),
        (
            &["amend", "C-1", "--setting", "", "--reason", "r"],
            "--setting is empty",
        ),
        (
            &["amend", "C-1", "--clear", "setting", "--reason", "r"],
            "every consultation needs its setting, so it cannot be cleared",
        ),
        (
            &["amend", "C-1", "--status", "ongoing", "--reason", "r"],
            "--status does not apply to C-1, a consultation",
        ),
        (&["amend", "C-1", "--level", "2"], "missing --reason"),
        (&["amend", "C-1", "--reason", "r"], "nothing to amend"),
        (
            &["amend", "C-1", "--level", "2", "--reason", "r"],
            "nothing to amend: the values given are those already recorded",
        ),
        (
            &["amend", "C-7", "--level", "2", "--reason", "r"],
            "there is no consultation C-7",
        ),
        (
            &["amend", "R-1", "--to", "nowhere", "--reason", "r"],
            "--to",
        ),
        (
            &["amend", "R-1", "--urgent", "maybe", "--reason", "r"],
            "--urgent 'maybe' is not yes or no",
        ),
        (
            &["amend", "R-1", "--result", "nfa", "--reason", "r"],
            "--result does not apply to R-1, a referral",
        ),
        (
            &["amend", "V-1", "--status", "resolved", "--reason", "r"],
            "--status resolved ends follow-up",
        ),
        (
            &["amend", "V-1", "--result", "nfa", "--reason", "r"],
            "--result does not apply to V-1, a review of a consultation",
        ),
    ];
    for (args, expected) in cases {
        let err = env.fails(args, 2);
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in {err}"
        );
    }
    assert_eq!(env.sql("SELECT * FROM consultation"), before);
    assert_eq!(env.count("amendment"), 0);
    assert_eq!(
        env.sql("SELECT referred_to, urgent FROM referral"),
        [["csc", "0"]]
    );
}

#[test]
fn amending_referrals_and_reviews() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--reason", "Neglect"]);
    env.ok(&["review", "R-1", "--result", "nfa"]);
    env.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-03-20",
    ]);

    let out = env.ok(&[
        "amend",
        "R-1",
        "--to",
        "early-help",
        "--urgent",
        "yes",
        "--referral-reason",
        "Neglect and housing",
        "--reason",
        "checked with the DSL",
    ]);
    assert!(out.contains("to: csc → early-help"), "{out}");
    assert_eq!(
        env.sql("SELECT referred_to, urgent, reason, result FROM referral"),
        [["early-help", "1", "Neglect and housing", "nfa"]]
    );

    env.ok(&[
        "amend",
        "V-1",
        "--result",
        "assessment",
        "--reason",
        "front door rang back",
    ]);
    assert_eq!(
        env.sql("SELECT result FROM review WHERE id = 1"),
        [["assessment"]]
    );
    assert_eq!(env.sql("SELECT result FROM referral"), [["assessment"]]);

    env.ok(&[
        "amend",
        "V-2",
        "--follow-up",
        "2026-03-18",
        "--reason",
        "earlier check",
    ]);
    assert_eq!(
        items(&json(&env.ok(&["review", "--format", "json"])))[0]["date"],
        "2026-03-18"
    );

    let shown = json(&env.ok(&["show", "V-1", "--format", "json"]));
    assert_eq!(shown["referral"], "R-1");
    assert_eq!(shown["amendments"][0]["old_value"], "nfa");
    assert_eq!(shown["amendments"][0]["new_value"], "assessment");
    assert_eq!(
        env.sql("SELECT record, record_id, field, new_value FROM amendment ORDER BY id"),
        [
            ["referral", "1", "to", "early-help"],
            ["referral", "1", "reason", "Neglect and housing"],
            ["referral", "1", "urgent", "yes"],
            ["referral", "1", "result", "assessment"],
            ["review", "1", "result", "assessment"],
            ["review", "2", "follow_up", "2026-03-18"],
        ]
    );
    let table = env.ok(&["show", "R-1"]);
    assert!(table.contains("early-help — Early help hub"), "{table}");
}

#[test]
fn amending_under_a_new_checklist_keeps_the_indicators_recorded() {
    let env = TestEnv::new();
    env.consult(&["--indicator", "P3.2"]); // P3.2 is in the bundled checklist only
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/thresholds.toml");
    let err = env.fails(
        &[
            "--thresholds",
            example,
            "amend",
            "C-1",
            "--indicator",
            "P3.9",
            "--reason",
            "r",
        ],
        2,
    );
    assert!(err.contains("'P3.9' is not an indicator"), "{err}");
    env.ok(&[
        "--thresholds",
        example,
        "amend",
        "C-1",
        "--advisor",
        "Sam P",
        "--reason",
        "name",
    ]);
    assert_eq!(
        env.sql("SELECT advisor, indicators, suggested_level, level FROM consultation"),
        [["Sam P", "C2.1;P3.2", "3", "3"]]
    );
}
