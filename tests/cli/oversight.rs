//! Management oversight end to end: audits as records (recorded, shown, amended, voided,
//! exported and imported), the refusals that write nothing, the reproducible dip sample and its
//! strata, the learning summary, and the audit form in a pseudo-terminal.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Expect, Session};

use crate::common::{NOW, TestEnv, json};

/// The flags of a complete audit, but for its consultation.
const AUDIT: &[&str] = &[
    "--auditor",
    "Pat Manager",
    "--grade",
    "good",
    "--level-agreed",
    "yes",
    "--pathway-agreed",
    "no",
];

/// `args` with the flags of a complete audit added, but for those `args` gives.
fn completed<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    for pair in AUDIT.chunks(2) {
        if !args.contains(&pair[0]) {
            all.extend_from_slice(pair);
        }
    }
    all
}

/// Records an audit of `consultation`, complete but for what `extra` gives, and returns its ID.
fn audit(env: &TestEnv, consultation: &str, extra: &[&str]) -> String {
    let mut args = vec!["audit", consultation, "--format", "json"];
    args.extend_from_slice(extra);
    json(&env.ok(&completed(&args)))["id"]
        .as_str()
        .expect("an ID")
        .to_string()
}

/// Every audit row: id, consultation, date, auditor, grade, level agreed, pathway agreed, note,
/// learning, voided.
fn audits(env: &TestEnv) -> Vec<Vec<String>> {
    env.sql(
        "SELECT id, consultation_id, date, auditor, grade, level_agreed, pathway_agreed, note, \
         learning, voided_at IS NOT NULL FROM audit ORDER BY id",
    )
}

#[test]
fn an_audit_is_recorded_shown_amended_exported_imported_and_voided() {
    let env = TestEnv::new();
    let c = env.consult(&["--date", "2026-02-10", "--family", "OAK-0142"]);
    let out = env.ok(&[
        "audit",
        &c,
        "--date",
        "2026-03-02",
        "--auditor",
        "Pat Manager",
        "--grade",
        "Requires-Improvement",
        "--level-agreed",
        "y",
        "--pathway-agreed",
        "no",
        "--note",
        "Level right;\nthe hunger was not followed up",
        "--learning",
        "Ask what a day is like for the child",
    ]);
    assert!(
        out.starts_with("Recorded A-1: 2026-03-02 — audit of C-1 (family OAK-0142, 2026-02-10)"),
        "{out}"
    );
    assert_eq!(
        audits(&env),
        [[
            "1",
            "1",
            "2026-03-02",
            "Pat Manager",
            "requires-improvement",
            "1",
            "0",
            "Level right;\nthe hunger was not followed up",
            "Ask what a day is like for the child",
            "0"
        ]]
    );

    // show A-1, and the audit under its consultation and in the family's history.
    let shown = json(&env.ok(&["show", "A-1", "--format", "json"]));
    assert_eq!(shown["consultation"], "C-1");
    assert_eq!(shown["grade"], "requires-improvement");
    assert_eq!(shown["level_agreed"], true);
    assert_eq!(shown["pathway_agreed"], false);
    assert_eq!(shown["uuid"].as_str().expect("a UUID").len(), 36);
    let table = env.ok(&["show", "A-1"]);
    assert!(
        table.contains("requires-improvement — Requires improvement"),
        "{table}"
    );
    let consultation = json(&env.ok(&["show", "C-1", "--format", "json"]));
    assert_eq!(consultation["audits"][0]["id"], "A-1");
    assert!(env.ok(&["show", "C-1"]).contains("Audits\n"));
    let history = json(&env.ok(&["history", "OAK-0142", "--format", "json"]));
    let entries = history["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["id"], "A-1");
    assert_eq!(entries[1]["record"], "audit");
    assert_eq!(entries[1]["about"], "C-1");
    assert_eq!(entries[1]["outcome"], "requires-improvement");
    assert_eq!(entries[1]["details"]["grade"], "requires-improvement");

    // amend: the new grade, the old one kept.
    let amended = env.ok(&[
        "amend",
        "A-1",
        "--grade",
        "inadequate",
        "--clear",
        "note",
        "--reason",
        "Graded again after supervision",
    ]);
    assert!(
        amended.contains("grade: requires-improvement → inadequate"),
        "{amended}"
    );
    assert_eq!(
        env.sql("SELECT grade, note FROM audit"),
        [["inadequate", ""]]
    );
    assert_eq!(
        env.sql(
            "SELECT record, record_id, field, old_value, new_value, reason FROM amendment \
             ORDER BY id"
        ),
        [
            [
                "audit",
                "1",
                "grade",
                "requires-improvement",
                "inadequate",
                "Graded again after supervision"
            ],
            [
                "audit",
                "1",
                "note",
                "Level right;\nthe hunger was not followed up",
                "",
                "Graded again after supervision"
            ]
        ]
    );

    // export (notes only when asked for) and import into another logbook.
    let plain = env.ok(&["export", "--month", "2026-03", "--records", "audits"]);
    let mut lines = plain.lines();
    assert_eq!(
        lines.next(),
        Some(
            "id,uuid,consultation,consultation_uuid,date,auditor,grade,level_agreed,\
             pathway_agreed,created_at"
        )
    );
    assert!(lines.next().expect("a row").contains(",C-1,"), "{plain}");
    assert!(!plain.contains("Ask what a day"), "no notes: {plain}");
    let consultations = env.ok(&[
        "export",
        "--month",
        "2026-02",
        "--include-notes",
        "--output",
        "consultations.csv",
    ]);
    assert!(consultations.is_empty());
    env.ok(&[
        "export",
        "--month",
        "2026-03",
        "--records",
        "audits",
        "--include-notes",
        "--output",
        "audits.csv",
    ]);
    let exported = std::fs::read_to_string(env.path("audits.csv")).expect("the file");
    assert!(exported.contains(",note,learning\n"), "{exported}");
    assert!(exported.contains("Ask what a day is like for the child"));

    let other = TestEnv::new();
    let at = |name: &str| env.path(name).display().to_string();
    // Audits cannot come before the consultations they are of.
    let refused = other.fails(&["import", &at("audits.csv"), "--records", "audits"], 2);
    assert!(refused.contains("no consultation with UUID"), "{refused}");
    assert_eq!(other.count("audit"), 0);
    other.ok(&["import", &at("consultations.csv")]);
    let imported = other.ok(&["import", &at("audits.csv"), "--records", "audits"]);
    assert!(imported.contains("Added 1 audit"), "{imported}");
    assert_eq!(audits(&other), audits(&env));
    let again = other.ok(&[
        "export",
        "--month",
        "2026-03",
        "--records",
        "audits",
        "--include-notes",
    ]);
    assert_eq!(again, exported, "the same bytes back");
    let twice = other.ok(&["import", &at("audits.csv"), "--records", "audits"]);
    assert!(
        twice.contains("Added 0 audits") && twice.contains("skipped 1"),
        "{twice}"
    );

    // void: the consultation waits for its audit; a voided audit leaves the export.
    let refused = env.fails(&["void", "C-1", "--reason", "wrong family"], 2);
    assert!(
        refused.contains("C-1 still has records made from it: A-1"),
        "{refused}"
    );
    env.ok(&[
        "void",
        "A-1",
        "--reason",
        "Entered against the wrong consultation",
    ]);
    assert_eq!(audits(&env)[0][9], "1");
    let after = env.ok(&["export", "--month", "2026-03", "--records", "audits"]);
    assert_eq!(after.lines().count(), 1, "the header alone: {after}");
    let refused = env.fails(&["amend", "A-1", "--grade", "good", "--reason", "r"], 2);
    assert!(refused.contains("A-1 was voided"), "{refused}");
    env.ok(&["void", "C-1", "--reason", "wrong family"]);
}

#[test]
fn refused_audits_write_nothing() {
    let env = TestEnv::new();
    let c = env.consult(&["--date", "2026-03-01"]);
    let gone = env.consult(&["--date", "2026-03-01"]);
    env.ok(&["void", &gone, "--reason", "typed twice"]);
    let amendments = env.count("amendment");

    // Each refusal as typed (what is missing), then each with the rest of an audit complete.
    let missing: &[(&[&str], &[&str])] = &[
        (
            &["audit", &c, "--no-input"],
            &["missing --auditor, --grade, --level-agreed, --pathway-agreed"],
        ),
        (
            &["audit", &c, "--grade", "good", "--auditor", "Pat"],
            &["missing --level-agreed, --pathway-agreed", "at a terminal"],
        ),
        (&["audit", "C-99"], &["there is no consultation C-99"]),
        (
            &["audit", "R-1"],
            &["R-1 is a referral, not a consultation"],
        ),
        (&["audit", "A-1"], &["A-1 is an audit, not a consultation"]),
        (
            &["review", "A-1"],
            &["A-1 is an audit: review a consultation"],
        ),
        (
            &["audit"],
            &["give the consultation to audit (C-<n>), or --learning-summary"],
        ),
    ];
    let wrong: &[(&[&str], &[&str])] = &[
        (
            &["audit", &gone, "--date", "2026-03-02"],
            &["C-2 was voided", "audit the consultation that replaced it"],
        ),
        (
            &["audit", &c, "--date", "2026-02-28"],
            &[
                "--date 2026-02-28 is before the consultation C-1 it audits (2026-03-01)",
                "caselog amend C-1 --date",
            ],
        ),
        (
            &["audit", &c, "--date", "2026-03-16"],
            &["--date 2026-03-16 is in the future (today is 2026-03-15)"],
        ),
        (
            &["audit", &c, "--grade", "excellent"],
            &[
                "--grade: grade 'excellent' is not a valid code",
                "outstanding, good, requires-improvement, inadequate",
            ],
        ),
        (
            &["audit", &c, "--level-agreed", "maybe"],
            &["--level-agreed 'maybe' is not yes or no"],
        ),
        (
            &["audit", &c, "--month", "2026-03"],
            &["--month does not apply to an audit of C-1"],
        ),
        (
            &["audit", "--learning-summary", "--grade", "good"],
            &["--grade does not apply to --learning-summary"],
        ),
    ];
    let refusals = missing
        .iter()
        .map(|(args, words)| (args.to_vec(), *words))
        .chain(wrong.iter().map(|(args, words)| (completed(args), *words)));
    for (args, words) in refusals {
        let err = env.fails(&args, 2);
        for w in words {
            assert!(err.contains(w), "caselog {args:?}: wanted {w:?} in\n{err}");
        }
        assert_eq!(env.count("audit"), 0, "caselog {args:?} wrote an audit");
    }

    // An import is checked row by row, with the same rules, and is all or nothing.
    let gone_uuid = &env.sql("SELECT uuid FROM consultation WHERE id = 2")[0][0];
    let c_uuid = &env.sql("SELECT uuid FROM consultation WHERE id = 1")[0][0];
    std::fs::write(
        env.path("audits.csv"),
        format!(
            "consultation_uuid,date,auditor,grade,level_agreed,pathway_agreed\n\
             {c_uuid},2026-03-05,Pat,good,yes,yes\n\
             {gone_uuid},2026-03-05,Pat,good,yes,yes\n\
             {c_uuid},2026-03-05,Pat,excellent,yes,yes\n\
             {c_uuid},2026-02-01,Pat,good,yes,yes\n"
        ),
    )
    .expect("write the file");
    let err = env.fails(&["import", "audits.csv", "--records", "audits"], 2);
    for w in [
        "line 3, column consultation: C-2 was voided",
        "line 4, column grade: grade 'excellent' is not a valid code",
        "line 5, column date: date 2026-02-01 is before the consultation C-1 it audits",
        "nothing was imported",
    ] {
        assert!(err.contains(w), "wanted {w:?} in\n{err}");
    }
    assert_eq!(env.count("audit"), 0);

    // A consultation's date cannot move after an audit of it.
    audit(&env, &c, &["--date", "2026-03-03"]);
    let err = env.fails(
        &["amend", &c, "--date", "2026-03-04", "--reason", "typo"],
        2,
    );
    assert!(
        err.contains(
            "--date 2026-03-04 would put C-1 after records made from it: A-1 (2026-03-03)"
        ),
        "{err}"
    );
    assert_eq!(
        env.sql("SELECT date FROM consultation WHERE id = 1"),
        [["2026-03-01"]]
    );
    assert_eq!(env.count("amendment"), amendments);
}

#[test]
fn the_auditor_comes_from_the_flag_the_environment_or_the_config_file() {
    let env = TestEnv::new();
    std::fs::write(env.path("config.toml"), "auditor = \"Config Manager\"\n")
        .expect("write the config");
    let c = env.consult(&["--date", "2026-03-01"]);
    let run = |auditor_env: Option<&str>, extra: &[&str]| {
        let mut cmd = env.process();
        cmd.env("CASELOG_CONFIG", env.path("config.toml"));
        if let Some(name) = auditor_env {
            cmd.env("CASELOG_AUDITOR", name);
        }
        cmd.args(["audit", c.as_str(), "--grade", "good"])
            .args(["--level-agreed", "yes", "--pathway-agreed", "yes"])
            .args(extra);
        let out = cmd.output().expect("run caselog");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(None, &[]);
    run(Some("Env Manager"), &[]);
    run(Some("Env Manager"), &["--auditor", "Flag Manager"]);
    assert_eq!(
        env.sql("SELECT auditor FROM audit ORDER BY id"),
        [["Config Manager"], ["Env Manager"], ["Flag Manager"]]
    );
}

/// A logbook of February 2026: 24 consultations by four advisors, of two agencies, at three
/// organisations and none, on every day of the week.
fn february() -> TestEnv {
    let env = TestEnv::new();
    let advisors = ["Sam Patel", "Jo Smith", "Ali Khan", "Mo Green"];
    let agencies = ["school", "gp", "police"];
    let organisations = ["Oakwood Primary", "Northgate GP", "Elm Academy", ""];
    for day in 1..=24 {
        let date = format!("2026-02-{day:02}");
        let family = format!("F-{day}");
        let mut args = vec![
            "--date",
            date.as_str(),
            "--family",
            family.as_str(),
            "--advisor",
            advisors[day % 4],
            "--agency",
            agencies[day % 3],
        ];
        let organisation = organisations[(day / 2) % 4];
        if !organisation.is_empty() {
            args.extend_from_slice(&["--organisation", organisation]);
        }
        env.consult(&args);
    }
    env
}

/// The IDs a sample drew, in ID order.
fn drawn(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = vec!["sample", "--month", "2026-02", "--format", "json"];
    all.extend_from_slice(args);
    let out = json(&env.ok(&all));
    out["sample"]
        .as_array()
        .expect("the sample")
        .iter()
        .map(|d| d["id"].as_str().expect("an ID").to_string())
        .collect()
}

#[test]
fn the_same_seed_draws_the_same_sample_and_another_seed_another() {
    let env = february();
    let first = env.ok(&["sample", "--month", "2026-02", "--size", "6"]);
    // The seed of February 2026: `printf %s 2026-02-01/2026-02-28 | sha256sum` starts
    // 1bc4d430c4e7ce45, which is 2000957440386387525.
    assert!(
        first.contains(
            "Seed 2000957440386387525 (from the period: SHA-256 of 2026-02-01/2026-02-28)"
        ),
        "{first}"
    );
    assert_eq!(
        env.ok(&["sample", "--month", "2026-02", "--size", "6"]),
        first
    );
    let from = ["--from", "2026-02-01", "--to", "2026-02-28"];
    let same_period = env.ok(&[&["sample", "--size", "6"][..], &from[..]].concat());
    assert_eq!(same_period, first, "the same period, typed as from and to");
    let given = drawn(&env, &["--size", "6", "--seed", "2000957440386387525"]);
    assert_eq!(given, drawn(&env, &["--size", "6"]));
    assert_eq!(given.len(), 6);
    assert_eq!(
        given.iter().collect::<BTreeSet<_>>().len(),
        6,
        "six different ones"
    );

    let other = drawn(&env, &["--size", "6", "--seed", "42"]);
    assert_eq!(other, drawn(&env, &["--size", "6", "--seed", "42"]));
    assert_ne!(other, given);
    // The draw is the documented one (docs/oversight.md): seed 42 over C-1…C-24.
    assert_eq!(other, ["C-1", "C-2", "C-3", "C-13", "C-15", "C-22"]);
    let sample = json(&env.ok(&[
        "sample", "--month", "2026-02", "--size", "6", "--seed", "42", "--format", "json",
    ]));
    let mut in_order: Vec<(u64, String)> = sample["sample"]
        .as_array()
        .expect("the sample")
        .iter()
        .map(|d| (d["drawn"].as_u64().expect("a number"), d["id"].to_string()))
        .collect();
    in_order.sort();
    let in_order: Vec<&str> = in_order
        .iter()
        .map(|(_, id)| id.trim_matches('"'))
        .collect();
    assert_eq!(in_order, ["C-2", "C-1", "C-3", "C-13", "C-22", "C-15"]);
    let csv = env.ok(&[
        "sample", "--month", "2026-02", "--size", "6", "--seed", "42", "--format", "csv",
    ]);
    assert!(csv.starts_with(
        "drawn,id,date,weekday,advisor,agency,organisation,family,level,outcome,stratum\n"
    ));
    assert_eq!(csv.lines().count(), 7);
}

#[test]
fn every_stratum_with_eligible_consultations_is_in_the_sample() {
    let env = february();
    let column = |by: &str, ids: &[String]| -> BTreeSet<String> {
        ids.iter()
            .map(|id| {
                let number = id.trim_start_matches("C-");
                let sql = match by {
                    "advisor" => "advisor",
                    "agency" => "agency",
                    "organisation" => "coalesce(organisation, '')",
                    _ => "strftime('%w', date)",
                };
                env.sql(&format!(
                    "SELECT {sql} FROM consultation WHERE id = {number}"
                ))[0][0]
                    .clone()
            })
            .collect()
    };
    for (by, strata) in [
        ("advisor", 4),
        ("agency", 3),
        ("organisation", 4),
        ("weekday", 7),
    ] {
        for seed in ["1", "2", "3", "99"] {
            for size in [strata, strata + 2] {
                let size = size.to_string();
                let ids = drawn(&env, &["--size", &size, "--by", by, "--seed", seed]);
                assert_eq!(ids.len().to_string(), size);
                assert_eq!(
                    column(by, &ids).len(),
                    strata,
                    "--by {by} --seed {seed} --size {size}: {ids:?}"
                );
            }
            // Fewer places than strata: each from a different one.
            let ids = drawn(&env, &["--size", "2", "--by", by, "--seed", seed]);
            assert_eq!(
                column(by, &ids).len(),
                2,
                "--by {by} --seed {seed}: {ids:?}"
            );
        }
    }
    let out = env.ok(&[
        "sample", "--month", "2026-02", "--size", "5", "--by", "advisor",
    ]);
    assert!(
        out.contains("Spread by advisor: one consultation from each of the 4 advisors, then 1 from all that are left"),
        "{out}"
    );
    assert_eq!(out.matches("(for its advisor)").count(), 4, "{out}");
}

#[test]
fn voided_and_audited_consultations_are_not_drawn() {
    let env = february();
    for c in ["C-3", "C-10"] {
        env.ok(&["void", c, "--reason", "typed twice"]);
    }
    for c in ["C-5", "C-17"] {
        audit(&env, c, &["--date", "2026-03-01"]);
    }
    // An audit voided does not count: C-20 can be drawn again.
    let voided = audit(&env, "C-20", &["--date", "2026-03-01"]);
    env.ok(&["void", &voided, "--reason", "wrong consultation"]);
    let left_out = ["C-3", "C-10", "C-5", "C-17"];
    for seed in 0..30 {
        let seed = seed.to_string();
        let ids = drawn(&env, &["--size", "15", "--seed", &seed, "--by", "weekday"]);
        assert_eq!(ids.len(), 15);
        assert!(
            ids.iter().all(|id| !left_out.contains(&id.as_str())),
            "--seed {seed}: {ids:?}"
        );
    }
    // 24 − 2 voided − 2 audited = 20 eligible: a larger size takes them all, and says so.
    let out = env.run(&[
        "sample", "--month", "2026-02", "--size", "25", "--format", "json",
    ]);
    let sample = json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(sample["eligible"], 20);
    assert_eq!(sample["all_taken"], true);
    assert_eq!(sample["audited_left_out"], 2);
    assert_eq!(sample["sample"].as_array().expect("a list").len(), 20);
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains(
            "note: --size 25 is not less than the 20 consultations eligible: all of them are taken"
        ),
        "{note}"
    );
    let table = env.ok(&["sample", "--month", "2026-02", "--size", "25"]);
    assert!(table.contains("all of them are taken"), "{table}");
    assert!(
        table.contains("and 2 consultations already audited"),
        "{table}"
    );
    // With --include-audited, the audited ones can be drawn; the voided ones never.
    let all = drawn(&env, &["--size", "30", "--include-audited"]);
    assert_eq!(all.len(), 22);
    assert!(all.contains(&"C-5".to_string()) && all.contains(&"C-17".to_string()));
    assert!(!all.contains(&"C-3".to_string()) && !all.contains(&"C-10".to_string()));
}

#[test]
fn a_sample_is_refused_plainly() {
    let env = february();
    for (args, words) in [
        (
            &["sample", "--month", "2026-02", "--size", "0"][..],
            "--size '0' is not valid",
        ),
        (
            &[
                "sample", "--month", "2026-02", "--size", "5", "--seed", "-1",
            ][..],
            "--seed",
        ),
        (
            &["sample", "--month", "2026-02", "--size", "5", "--seed", "x"][..],
            "--seed 'x' is not valid",
        ),
        (
            &[
                "sample", "--month", "2026-02", "--size", "5", "--by", "school",
            ][..],
            "--by",
        ),
        (&["sample", "--month", "2026-02"][..], "--size"),
        (
            &["sample", "--from", "2026-02-01", "--size", "5"][..],
            "--from needs --to",
        ),
    ] {
        let err = env.fails(args, 2);
        assert!(
            err.contains(words),
            "caselog {args:?}: wanted {words:?} in\n{err}"
        );
    }
}

#[test]
fn the_learning_summary_lists_the_latest_audit_s_learning_by_grade() {
    let env = TestEnv::new();
    let a = env.consult(&["--date", "2026-02-03", "--family", "OAK-1"]);
    let b = env.consult(&["--date", "2026-02-10", "--family", "ELM-2"]);
    let c = env.consult(&["--date", "2026-02-12", "--family", "ELM-3"]);
    let march = env.consult(&["--date", "2026-03-01", "--family", "NG-4"]);
    // C-1: the latest by date is A-2, whatever the order they were typed in.
    audit(
        &env,
        &a,
        &[
            "--date",
            "2026-03-04",
            "--grade",
            "inadequate",
            "--learning",
            "Superseded",
        ],
    );
    audit(
        &env,
        &a,
        &[
            "--date",
            "2026-03-05",
            "--grade",
            "good",
            "--learning",
            "Clear rationale",
        ],
    );
    // C-2: two audits on one date; the higher A-number is the latest. A-4 is voided.
    audit(
        &env,
        &b,
        &[
            "--date",
            "2026-03-06",
            "--grade",
            "good",
            "--learning",
            "Lower number",
        ],
    );
    let voided = audit(
        &env,
        &b,
        &[
            "--date",
            "2026-03-06",
            "--grade",
            "inadequate",
            "--learning",
            "Voided",
        ],
    );
    audit(
        &env,
        &b,
        &[
            "--date",
            "2026-03-06",
            "--grade",
            "requires-improvement",
            "--learning",
            "Line one\nline two",
        ],
    );
    env.ok(&["void", &voided, "--reason", "entered twice"]);
    // C-3: audited without a learning point; C-4 is outside the period.
    audit(&env, &c, &["--date", "2026-03-07", "--grade", "good"]);
    audit(
        &env,
        &march,
        &[
            "--date",
            "2026-03-08",
            "--grade",
            "outstanding",
            "--learning",
            "March",
        ],
    );

    let out = json(&env.ok(&[
        "audit",
        "--learning-summary",
        "--month",
        "2026-02",
        "--format",
        "json",
    ]));
    assert_eq!(out["audited"], 3);
    let grades = out["grades"].as_array().expect("grades");
    let codes: Vec<&str> = grades
        .iter()
        .map(|g| g["grade"].as_str().expect("a code"))
        .collect();
    assert_eq!(
        codes,
        ["outstanding", "good", "requires-improvement", "inadequate"]
    );
    let learning = |i: usize| -> Vec<(String, String)> {
        grades[i]["learning"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|l| {
                (
                    l["audit"].as_str().expect("an ID").to_string(),
                    l["learning"].as_str().expect("text").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(grades[0]["audited"], 0);
    assert_eq!(grades[1]["audited"], 2, "C-1 and C-3 are good");
    assert_eq!(
        learning(1),
        [("A-2".to_string(), "Clear rationale".to_string())]
    );
    assert_eq!(grades[2]["audited"], 1);
    assert_eq!(
        learning(2),
        [("A-5".to_string(), "Line one\nline two".to_string())]
    );
    assert_eq!(grades[3]["audited"], 0);
    assert!(learning(3).is_empty());

    let table = env.ok(&[
        "audit",
        "--learning-summary",
        "--from",
        "2026-02-01",
        "--to",
        "2026-02-28",
    ]);
    assert!(
        table.contains("3 consultations audited, 2 with a learning point"),
        "{table}"
    );
    assert!(table.contains("Good: 2 consultations\n  - C-1 (2026-02-03, family OAK-1, Sam Advisor) — A-2 by Pat Manager on 2026-03-05:\n      Clear rationale\n"), "{table}");
    assert!(
        table.contains("      Line one\n      line two\n"),
        "{table}"
    );
    assert!(!table.contains("Superseded") && !table.contains("Voided") && !table.contains("March"));
    let csv = env.ok(&[
        "audit",
        "--learning-summary",
        "--month",
        "2026-02",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with("grade,audit,audit_date,auditor,consultation,consultation_date,family,advisor,learning\ngood,A-2,"), "{csv}");
}

// The form, in a pseudo-terminal, as in tests/cli/interactive.rs.

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

fn session(env: &TestEnv, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caselog"));
    cmd.env_clear()
        .env("HOME", env.path("home"))
        .env("CASELOG_DB", env.db())
        .env("CASELOG_NOW", NOW)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .current_dir(env.dir.path())
        .args(args);
    let mut s = Session::spawn(cmd).expect("spawn caselog in a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Waits for a prompt, then types keys, each once the prompt is reading keys.
fn answer(s: &mut expectrl::session::OsSession, prompt: &str, keys: &[&str]) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for k in keys {
        wait_for_raw_mode(s);
        s.send(k).expect("send keys");
    }
}

/// Waits until the terminal is in raw mode (no echo), which a prompt sets while it waits for a
/// key: a key sent before would be taken by the terminal's line editing.
fn wait_for_raw_mode(s: &expectrl::session::OsSession) {
    let start = std::time::Instant::now();
    while s.get_process().get_echo().unwrap_or(false) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the prompt never read a key"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn an_audit_answered_at_the_prompts_after_the_record_and_the_family_s_history() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-02-02",
        "--family",
        "OAK-0142",
        "--worry",
        "Often late and hungry",
    ]);
    env.ok(&["refer", "C-1", "--date", "2026-02-03", "--to", "csc"]);
    let mut s = session(&env, &["audit", "C-1", "--grade", "good"]);
    // The consultation in full, then the family's chronology, before any question.
    s.expect("Consultation C-1").expect("the record's heading");
    s.expect("Often late and hungry")
        .expect("the record in full");
    s.expect("Family OAK-0142")
        .expect("the family's chronology");
    s.expect("R-1").expect("the referral in it");
    answer(&mut s, "Date of the audit", &["2026-03-01", ENTER]);
    answer(&mut s, "Auditor (you)", &[ENTER]);
    s.expect("the auditor is needed")
        .expect("a blank auditor refused");
    wait_for_raw_mode(&s);
    s.send("Pat Manager").expect("type");
    wait_for_raw_mode(&s);
    s.send(ENTER).expect("enter");
    answer(
        &mut s,
        "Would you have judged the same level of need? (the advisor's: 2",
        &[ENTER],
    ); // yes
    answer(
        &mut s,
        "Would you have agreed the same pathway?",
        &[DOWN, ENTER],
    ); // no
    answer(&mut s, "What you found", &["Sound level", ENTER]);
    answer(
        &mut s,
        "Learning for the service",
        &["Ask about the child's day", ENTER],
    );
    s.expect("Grade: good — Good").expect("the summary");
    answer(&mut s, "Save this audit?", &["y"]);
    s.expect("Recorded A-1").expect("saved");
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        audits(&env),
        [[
            "1",
            "1",
            "2026-03-01",
            "Pat Manager",
            "good",
            "1",
            "0",
            "Sound level",
            "Ask about the child's day",
            "0"
        ]]
    );
}

#[test]
fn declining_to_save_an_audit_writes_nothing_and_prints_the_command() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-02-02"]);
    let mut s = session(
        &env,
        &[
            "audit",
            "C-1",
            "--auditor",
            "Pat Manager",
            "--date",
            "2026-03-01",
            "--note",
            "n",
            "--learning",
            "l",
        ],
    );
    answer(&mut s, "Grade of the decision", &[DOWN, DOWN, ENTER]); // requires-improvement
    answer(&mut s, "same level of need", &[DOWN, ENTER]); // no
    answer(&mut s, "same pathway", &[ENTER]); // yes
    answer(&mut s, "Save this audit?", &["n"]);
    s.expect("not saved: you chose not to save it")
        .expect("refused");
    s.expect(
        "audit C-1 --date 2026-03-01 --auditor 'Pat Manager' --grade requires-improvement \
         --level-agreed no --pathway-agreed yes --note n --learning l",
    )
    .expect("the command to record it later");
    s.expect(Eof).expect("caselog ends");
    assert_eq!(env.count("audit"), 0);
}

#[test]
fn a_read_only_logbook_is_refused_before_any_question() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    env.consult(&["--date", "2026-02-02"]);
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o400)).expect("chmod");
    let mut s = session(&env, &["audit", "C-1"]);
    let seen = s.expect(Eof).expect("caselog ends");
    let output = String::from_utf8_lossy(seen.as_bytes()).into_owned();
    assert!(output.contains("is read-only"), "{output}");
    assert!(!output.contains("Date of the audit"), "{output}");
}
