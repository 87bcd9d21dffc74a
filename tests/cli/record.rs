//! A record a reviewer can follow: the children's ages and the child's voice, whose
//! organisation it was, one family whatever the spelling, reasons where the pathway departs
//! from the level, disputed front-door decisions, the family's chronology, and the weekly list
//! by family — and a logbook from the first version of caselog opening with all of it.

use std::fs;

use crate::common::{SCHEMA_VERSION, TestEnv, json};

/// Runs caselog, asserts it succeeded, and returns its standard output and standard error.
fn ok_with_stderr(env: &TestEnv, args: &[&str]) -> (String, String) {
    let out = env.run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "caselog {args:?} failed ({:?})\nstderr: {stderr}",
        out.status.code()
    );
    (String::from_utf8(out.stdout).expect("UTF-8"), stderr)
}

fn write_config(env: &TestEnv, text: &str) {
    let dir = env.path("home/.config/caselog");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("config.toml"), text).unwrap();
}

/// The rows a CSV text holds, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The cell of `column` in each row of a CSV text.
fn column(text: &str, name: &str) -> Vec<String> {
    let rows = csv_rows(text);
    let at = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

// 1. New consultation fields.

#[test]
fn ages_give_the_number_of_children_and_a_count_that_disagrees_is_refused() {
    let env = TestEnv::new();
    // Twins are two ages; the ages are kept youngest first, unborn before them.
    env.consult(&["--age", "4", "--age", "unborn;4"]);
    assert_eq!(
        env.sql("SELECT children, ages FROM consultation"),
        [["3", "unborn;4;4"]]
    );
    let shown = json(&env.ok(&["show", "C-1", "--format", "json"]));
    assert_eq!(shown["ages"], serde_json::json!(["unborn", 4, 4]));
    assert_eq!(shown["children"], 3);

    let err = env.fails(
        &[
            "consult",
            "--advisor",
            "S",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F-2",
            "--level",
            "1",
            "--outcome",
            "advice",
            "--children",
            "2",
            "--age",
            "7",
        ],
        2,
    );
    assert!(
        err.contains("--children 2 disagrees with the 1 given with --age (one age)"),
        "{err}"
    );
    let err = env.fails(
        &[
            "consult",
            "--advisor",
            "S",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F-2",
            "--level",
            "1",
            "--outcome",
            "advice",
            "--age",
            "18",
        ],
        2,
    );
    assert!(
        err.contains("--age '18' is not valid")
            && err.contains("an age in years from 0 to 17, or unborn"),
        "{err}"
    );
    assert_eq!(env.count("consultation"), 1, "nothing written");

    // New ages give the number of children; a number that disagrees with the stored ages is
    // refused; clearing the ages keeps the number.
    let out = env.ok(&["amend", "C-1", "--age", "9", "--reason", "one child only"]);
    assert!(out.contains("children: 3 → 1"), "{out}");
    assert!(out.contains("ages: unborn;4;4 → 9"), "{out}");
    let err = env.fails(&["amend", "C-1", "--children", "2", "--reason", "r"], 2);
    assert!(
        err.contains("--children 2 disagrees with the 1 given with C-1's stored ages"),
        "{err}"
    );
    env.ok(&["amend", "C-1", "--clear", "ages", "--reason", "not known"]);
    assert_eq!(
        env.sql("SELECT children, ages FROM consultation"),
        [["1", ""]]
    );

    // Ages go out and come back with the record.
    env.consult(&["--age", "unborn", "--age", "15", "--family", "F-3"]);
    let csv = env.ok(&["export", "--from", "2026-03-01", "--to", "2026-03-15"]);
    assert_eq!(column(&csv, "ages"), ["", "unborn;15"]);
    let copy = TestEnv::new();
    fs::write(copy.path("in.csv"), &csv).unwrap();
    copy.ok(&["import", "in.csv"]);
    assert_eq!(
        copy.sql("SELECT children, ages FROM consultation ORDER BY id"),
        [["1", ""], ["2", "unborn;15"]]
    );
}

#[test]
fn the_childs_voice_is_kept_as_a_narrative() {
    let env = TestEnv::new();
    env.consult(&["--voice", "Says home is loud at night;\nlikes her gran's"]);
    assert_eq!(
        env.sql("SELECT voice FROM consultation"),
        [["Says home is loud at night;\nlikes her gran's"]]
    );
    let table = env.ok(&["show", "C-1"]);
    assert!(
        table.contains("Child's voice") && table.contains("likes her gran's"),
        "{table}"
    );
    // Free text: exported only with --include-notes, and read back by import.
    let plain = env.ok(&["export", "--month", "2026-03"]);
    assert!(!csv_rows(&plain)[0].contains(&"voice".to_string()));
    assert!(!plain.contains("loud at night"));
    let notes = env.ok(&["export", "--month", "2026-03", "--include-notes"]);
    assert_eq!(
        column(&notes, "voice"),
        ["Says home is loud at night;\nlikes her gran's"]
    );
    let copy = TestEnv::new();
    fs::write(copy.path("in.csv"), &notes).unwrap();
    copy.ok(&["import", "in.csv"]);
    assert_eq!(
        copy.sql("SELECT voice FROM consultation"),
        env.sql("SELECT voice FROM consultation")
    );

    let out = env.ok(&[
        "amend",
        "C-1",
        "--voice",
        "Wants to stay at her school",
        "--reason",
        "heard from the DSL",
    ]);
    assert!(out.contains("voice: "), "{out}");
    env.ok(&["amend", "C-1", "--clear", "voice", "--reason", "r"]);
    assert_eq!(env.sql("SELECT voice FROM consultation"), [[""]]);
    let help = env.ok(&["consult", "--help"]);
    for flag in ["--age <AGE>", "--voice <TEXT>", "--organisation <TEXT>"] {
        assert!(help.contains(flag), "consult --help lacks {flag}:\n{help}");
    }
}

#[test]
fn an_organisation_is_recorded_listed_exported_imported_and_amended() {
    let env = TestEnv::new();
    env.consult(&["--organisation", "Oakwood Primary School"]);
    env.consult(&["--organisation", "Northgate GP practice", "--family", "F-2"]);
    env.consult(&["--family", "F-3"]);
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
    assert_eq!(ids(&["--organisation", "oakwood primary SCHOOL"]), ["C-1"]);
    assert_eq!(ids(&["--organisation", "Nowhere"]), Vec::<String>::new());
    assert!(
        env.ok(&["show", "C-1"]).contains("Oakwood Primary School"),
        "show"
    );
    let csv = env.ok(&["export", "--month", "2026-03"]);
    assert_eq!(
        column(&csv, "organisation"),
        ["Oakwood Primary School", "Northgate GP practice", ""]
    );
    let copy = TestEnv::new();
    fs::write(copy.path("in.csv"), &csv).unwrap();
    copy.ok(&["import", "in.csv"]);
    assert_eq!(
        copy.sql("SELECT organisation FROM consultation ORDER BY id"),
        [["Oakwood Primary School"], ["Northgate GP practice"], [""]]
    );
    let out = env.ok(&[
        "amend",
        "C-3",
        "--organisation",
        "Elm Academy",
        "--reason",
        "was missing",
    ]);
    assert!(out.contains("organisation: (none) → Elm Academy"), "{out}");
}

// 2. Family references by key.

#[test]
fn a_family_typed_three_ways_is_one_family_kept_under_its_first_spelling() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-01-05", "--family", "OAK-0142"]);
    let (_, stderr) = ok_with_stderr(
        &env,
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "gp",
            "--family",
            "oak 0142",
            "--date",
            "2026-02-05",
            "--level",
            "2",
            "--outcome",
            "advice",
        ],
    );
    assert!(
        stderr.contains("note: family 'oak 0142' recorded as OAK-0142, its first spelling"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "note: family OAK-0142 had 1 consultation in the 365 days up to 2026-02-05: C-1"
        ),
        "the earlier consultation is found by key: {stderr}"
    );
    env.consult(&["--date", "2026-03-01", "--family", "Oak_0142"]);
    env.consult(&["--date", "2026-03-02", "--family", "OAK-0143"]);
    assert_eq!(
        env.sql("SELECT family, family_key FROM consultation ORDER BY id"),
        [
            ["OAK-0142", "OAK0142"],
            ["OAK-0142", "OAK0142"],
            ["OAK-0142", "OAK0142"],
            ["OAK-0143", "OAK0143"],
        ]
    );
    // history, list and the figures find and count the family by its key.
    let h = json(&env.ok(&["history", "oak0142", "--format", "json"]));
    assert_eq!(h["family"], "OAK-0142");
    assert_eq!(h["key"], "OAK0142");
    assert_eq!(h["entries"].as_array().unwrap().len(), 3);
    let listed = json(&env.ok(&["list", "--family", "OAK 0142", "--format", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 3);
    let report = json(&env.ok(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-15",
        "--format",
        "json",
    ]));
    assert_eq!(report["families"], 2);
    assert_eq!(report["repeat_consultations"], 2);
    let err = env.fails(&["history", "--", "--"], 2);
    assert!(err.contains("has no letter or digit"), "{err}");
}

#[test]
fn a_reference_without_a_digit_is_refused_unless_the_config_pattern_allows_it() {
    let env = TestEnv::new();
    let named = |family: &str| -> Vec<String> {
        [
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            family,
            "--level",
            "1",
            "--outcome",
            "advice",
        ]
        .map(String::from)
        .to_vec()
    };
    let args = named("Jane Smith");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = env.fails(&args, 2);
    assert!(
        err.contains("--family 'Jane Smith' has no digit, so it may be a name")
            && err.contains("family_pattern"),
        "{err}"
    );
    assert!(!env.db().exists(), "nothing written, not even a logbook");

    // The service's references have no digits: the pattern replaces the digit rule, matched in
    // full and case-sensitive.
    write_config(&env, "family_pattern = '[A-Z]+ FAMILY'\n");
    for refused in ["Smith family", "SMITH FAMILY 2", "F-1"] {
        let args = named(refused);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = env.fails(&args, 2);
        assert!(
            err.contains(&format!(
                "--family '{refused}' does not match the config file's family_pattern [A-Z]+ FAMILY"
            )),
            "{err}"
        );
    }
    let args = named("SMITH FAMILY");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    env.ok(&args);
    assert_eq!(
        env.sql("SELECT family, family_key FROM consultation"),
        [["SMITH FAMILY", "SMITHFAMILY"]]
    );

    // Without the pattern, a stored reference stays valid while it is not changed; changing it
    // to a name is refused.
    write_config(&env, "");
    env.ok(&["amend", "C-1", "--role", "DSL", "--reason", "was missing"]);
    let err = env.fails(
        &["amend", "C-1", "--family", "Jones family", "--reason", "r"],
        2,
    );
    assert!(
        err.contains("--family 'Jones family' has no digit"),
        "{err}"
    );
    assert_eq!(
        env.sql("SELECT family FROM consultation"),
        [["SMITH FAMILY"]]
    );

    write_config(&env, "family_pattern = '[A-Z'\n");
    let err = env.fails(&["list"], 2);
    assert!(
        err.contains("family_pattern is not a valid regular expression: unclosed character class"),
        "{err}"
    );
}

#[test]
fn a_corrected_family_moves_the_record_and_keeps_the_first_spelling() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--family", "ELM-7"]);
    env.consult(&["--date", "2026-03-02", "--family", "OAK-9"]);
    let (out, stderr) = ok_with_stderr(
        &env,
        &[
            "amend",
            "C-2",
            "--family",
            "elm 7",
            "--reason",
            "wrong family",
        ],
    );
    assert!(out.contains("family: OAK-9 → ELM-7"), "{out}");
    assert!(
        stderr.contains("note: family 'elm 7' recorded as ELM-7, its first spelling"),
        "{stderr}"
    );
    assert_eq!(
        env.sql("SELECT family, family_key FROM consultation WHERE id = 2"),
        [["ELM-7", "ELM7"]]
    );
    let h = json(&env.ok(&["history", "ELM7", "--format", "json"]));
    assert_eq!(h["entries"].as_array().unwrap().len(), 2);
    let err = env.fails(&["history", "OAK-9"], 2);
    assert!(err.contains("no records about family OAK-9"), "{err}");
}

#[test]
fn an_import_keeps_each_familys_first_spelling_and_says_so() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--family", "OAK-0142"]);
    fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level\n\
         2026-03-02,Sam,S,2A,oak 0142,advice,1\n\
         2026-03-03,Sam,S,2A,NG-7,advice,1\n\
         2026-03-04,Sam,S,2A,ng7,advice,1\n",
    )
    .unwrap();
    let (out, stderr) = ok_with_stderr(&env, &["import", "in.csv"]);
    assert!(out.starts_with("Added 3 consultations"), "{out}");
    assert!(
        stderr.contains("note: line 2: family 'oak 0142' recorded as OAK-0142, its first spelling")
            && stderr.contains("note: line 4: family 'ng7' recorded as NG-7, its first spelling"),
        "{stderr}"
    );
    assert_eq!(
        env.sql("SELECT family FROM consultation ORDER BY id"),
        [["OAK-0142"], ["OAK-0142"], ["NG-7"], ["NG-7"]]
    );
    // Into an empty logbook too (loaded in bulk).
    let copy = TestEnv::new();
    fs::write(copy.path("in.csv"), fs::read(env.path("in.csv")).unwrap()).unwrap();
    let (_, stderr) = ok_with_stderr(&copy, &["import", "in.csv"]);
    assert!(
        stderr.contains("line 4: family 'ng7' recorded as NG-7"),
        "{stderr}"
    );
    assert_eq!(
        copy.sql("SELECT family, family_key FROM consultation ORDER BY id"),
        [["oak 0142", "OAK0142"], ["NG-7", "NG7"], ["NG-7", "NG7"]]
    );
    // A name is refused by line and column; nothing is imported.
    fs::write(
        env.path("names.csv"),
        "date,advisor,setting,agency,family,outcome,level\n2026-03-05,Sam,S,2A,Smiths,advice,1\n",
    )
    .unwrap();
    let err = env.fails(&["import", "names.csv"], 2);
    assert!(
        err.contains("line 2, column family: family 'Smiths' has no digit"),
        "{err}"
    );
    assert_eq!(env.count("consultation"), 4);
}

#[test]
fn an_import_gives_ten_notes_and_counts_the_rest() {
    let env = TestEnv::new();
    let mut csv = String::from("date,advisor,setting,agency,family,outcome,level\n");
    for i in 0..13 {
        let spelling = if i == 0 { "OAK-0142" } else { "oak 0142" };
        csv.push_str(&format!("2026-03-02,Sam,S,2A,{spelling},advice,1\n"));
    }
    fs::write(env.path("in.csv"), csv).unwrap();
    let (out, stderr) = ok_with_stderr(&env, &["import", "in.csv"]);
    assert!(out.starts_with("Added 13 consultations"), "{out}");
    let notes: Vec<&str> = stderr.lines().collect();
    assert_eq!(notes.len(), 11, "{stderr}");
    assert_eq!(
        notes[0],
        "note: line 3: family 'oak 0142' recorded as OAK-0142, its first spelling"
    );
    assert_eq!(notes[10], "note: … and 2 more like these");
    assert_eq!(
        env.sql("SELECT DISTINCT family FROM consultation"),
        [["OAK-0142"]]
    );
}

#[test]
fn a_logbook_from_the_first_version_opens_with_every_record_and_keys_computed() {
    let env = TestEnv::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logbook-v1.db");
    let untouched = fs::read(&fixture).unwrap();
    fs::copy(&fixture, env.db()).unwrap();
    // What the first version wrote, read from a copy of its own.
    let original = env.path("original.db");
    fs::copy(&fixture, &original).unwrap();
    let before = |table: &str| {
        crate::common::sql_at(&original, &format!("SELECT * FROM {table} ORDER BY id"))
    };
    let (consultations, referrals, reviews, amendments) = (
        before("consultation"),
        before("referral"),
        before("review"),
        before("amendment"),
    );
    let check = json(&env.ok(&["check", "--format", "json"]));
    assert_eq!(check["schema_version"], SCHEMA_VERSION);
    // What is due is worked out for every consultation: C-1's own follow-up answered by V-2,
    // which set the next; C-2's referral decided; C-4's follow-up resolved but its referral R-2
    // pending since 2026-02-12; C-5 voided.
    assert_eq!(
        env.sql("SELECT id, coalesce(due_from, '') FROM consultation ORDER BY id"),
        [
            ["1", "2026-02-16"],
            ["2", ""],
            ["3", ""],
            ["4", "2026-02-12"],
            ["5", ""]
        ]
    );
    assert_eq!(env.count("upkeep"), 0);
    assert_eq!(check["ok"], true);
    // Every record, spelling and amendment is as it was; the keys are computed.
    let columns = "id, uuid, date, advisor, setting, mode, agency, role, family, children, \
                   factors, indicators, consultee_level, level, suggested_level, rationale, \
                   confidence_before, confidence_after, consent, outcome, worry, strengths, \
                   advice, follow_up, created_at, voided_at, void_reason";
    assert_eq!(
        env.sql(&format!("SELECT {columns} FROM consultation ORDER BY id")),
        consultations
    );
    assert_eq!(
        env.sql("SELECT family, family_key, ages, voice FROM consultation ORDER BY id"),
        [
            ["OAK-0142", "OAK0142", "", ""],
            ["oak 0142", "OAK0142", "", ""],
            ["OAK0142", "OAK0142", "", ""],
            ["NG-7", "NG7", "", ""],
            ["NG-8", "NG8", "", ""],
        ]
    );
    let referral_columns = "id, uuid, consultation_id, date, referred_to, referred_by, reason, \
                            consent, urgent, result, result_date, created_at, voided_at, \
                            void_reason";
    assert_eq!(
        env.sql(&format!(
            "SELECT {referral_columns} FROM referral ORDER BY id"
        )),
        referrals
    );
    let review_columns = "id, uuid, consultation_id, referral_id, date, status, note, level, \
                          confidence, follow_up, result, created_at, voided_at, void_reason";
    assert_eq!(
        env.sql(&format!("SELECT {review_columns} FROM review ORDER BY id")),
        reviews
    );
    assert_eq!(env.sql("SELECT * FROM amendment ORDER BY id"), amendments);
    assert_eq!(
        env.sql("SELECT disputed FROM referral ORDER BY id"),
        [["0"], ["0"]]
    );

    // The three spellings are one family, shown under the first.
    let h = json(&env.ok(&["history", "OAK0142", "--format", "json"]));
    assert_eq!(h["family"], "OAK-0142");
    let ids: Vec<&str> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C-1", "V-2", "C-2", "R-1", "V-1", "C-3"]);
    let show = env.ok(&["show", "C-4"]);
    assert!(show.contains("Role was missing"), "the amendment: {show}");
    assert!(env.ok(&["show", "C-5"]).contains("VOIDED"));
    // A record typed now with another spelling joins the family under its first spelling.
    let (_, stderr) = ok_with_stderr(
        &env,
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "Oak.0142",
            "--level",
            "2",
            "--outcome",
            "advice",
        ],
    );
    assert!(stderr.contains("recorded as OAK-0142"), "{stderr}");
    assert!(
        stderr.contains("had 3 consultations in the 365 days up to"),
        "{stderr}"
    );
    let report = json(&env.ok(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-28",
        "--format",
        "json",
    ]));
    assert_eq!(report["families"], 2, "OAK-0142 and NG-7; NG-8 was voided");
    assert_eq!(report["repeat_consultations"], 2);
    // The fixture itself is never changed.
    assert_eq!(fs::read(&fixture).unwrap(), untouched);
    assert_eq!(
        crate::common::sql_at(&original, "PRAGMA user_version"),
        [["1"]]
    );
}

// 3. Reasons where the pathway departs from the level.

#[test]
fn a_pathway_that_departs_from_the_level_needs_a_rationale() {
    let env = TestEnv::new();
    let consult = |level: &str, outcome: &str, extra: &[&str]| {
        let mut args = vec![
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
            level,
            "--outcome",
            outcome,
        ];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    let refused = |level, outcome| {
        let out = consult(level, outcome, &[]);
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = refused("4", "advice");
    assert!(
        err.contains(
            "error: --level 4 with --outcome advice, which does not count as a referral: give --rationale"
        ),
        "{err}"
    );
    let err = refused("2", "refer-csc");
    assert!(
        err.contains(
            "--level 2 with --outcome refer-csc, which counts as a referral: give --rationale"
        ),
        "{err}"
    );
    assert!(refused("1", "urgent").contains("--rationale"));
    assert!(!env.db().exists(), "nothing written");
    assert!(
        consult(
            "4",
            "early-help",
            &["--rationale", "Family already with the team"]
        )
        .status
        .success()
    );
    assert!(consult("4", "urgent", &[]).status.success());
    assert!(consult("3", "refer-csc", &[]).status.success());

    // The same rule when correcting: C-2 is level 4 with urgent.
    let err = env.fails(
        &["amend", "C-2", "--outcome", "signpost", "--reason", "r"],
        2,
    );
    assert!(
        err.contains(
            "C-2's level 4 (stored) with --outcome signpost departs from the level (the outcome \
             signpost does not count as a referral at level 4), so a rationale is needed"
        ),
        "{err}"
    );
    let err = env.fails(
        &["amend", "C-1", "--clear", "rationale", "--reason", "r"],
        2,
    );
    assert!(err.contains("so its rationale cannot be cleared"), "{err}");
    env.ok(&[
        "amend",
        "C-2",
        "--outcome",
        "signpost",
        "--rationale",
        "Police already involved",
        "--reason",
        "r",
    ]);
    assert_eq!(
        env.sql("SELECT outcome, rationale FROM consultation WHERE id = 2"),
        [["signpost", "Police already involved"]]
    );

    // And in an import, by line and column.
    fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level\n2026-03-01,Sam,S,2A,F-1,advice,4\n",
    )
    .unwrap();
    let err = env.fails(&["import", "in.csv"], 2);
    assert!(
        err.contains("line 2, column rationale: level 4 with outcome advice"),
        "{err}"
    );
    assert_eq!(env.count("consultation"), 3);
}

#[test]
fn consent_withheld_for_the_childs_safety_goes_with_a_referral() {
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
            "F-1",
            "--level",
            "3",
            "--outcome",
            "early-help",
            "--consent",
            "withheld-risk",
        ],
        2,
    );
    assert!(
        err.contains(
            "--consent withheld-risk is only valid with an outcome that counts as a referral \
             (refer-csc or urgent), and --outcome is early-help"
        ),
        "{err}"
    );
    assert!(!env.db().exists(), "nothing written");
    env.consult(&[
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
        "--consent",
        "withheld-risk",
    ]);
    let err = env.fails(
        &["amend", "C-1", "--outcome", "early-help", "--reason", "r"],
        2,
    );
    assert!(
        err.contains("C-1's stored consent withheld-risk is only valid")
            && err.contains("and --outcome is early-help"),
        "{err}"
    );
    assert_eq!(env.sql("SELECT outcome FROM consultation"), [["refer-csc"]]);
    fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level,consent\n\
         2026-03-01,Sam,S,2A,F-1,advice,1,withheld-risk\n",
    )
    .unwrap();
    let err = env.fails(&["import", "in.csv"], 2);
    assert!(
        err.contains("line 2, column consent: consent withheld-risk is only valid"),
        "{err}"
    );
}

// 4. Referrals.

#[test]
fn more_info_is_a_referral_result() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
    ]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    let out = env.ok(&[
        "review",
        "R-1",
        "--result",
        "more-info",
        "--date",
        "2026-03-04",
    ]);
    assert!(
        out.contains("more-info (Returned to the referrer for more information)"),
        "{out}"
    );
    assert_eq!(env.sql("SELECT result FROM referral"), [["more-info"]]);
    let report = json(&env.ok(&["report", "--month", "2026-03", "--format", "json"]));
    assert_eq!(report["referrals"]["results"]["more-info"], 1);
}

#[test]
fn a_front_door_decision_that_was_challenged_is_marked_disputed() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
    ]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    env.ok(&["refer", "C-1", "--to", "health", "--date", "2026-03-02"]);
    let out = env.ok(&[
        "review",
        "R-1",
        "--result",
        "nfa",
        "--date",
        "2026-03-05",
        "--dispute",
        "DSL escalated: the disclosure was not weighed",
    ]);
    assert!(
        out.contains("Disputed: DSL escalated: the disclosure was not weighed"),
        "{out}"
    );
    assert_eq!(
        env.sql("SELECT disputed, dispute FROM review"),
        [["1", "DSL escalated: the disclosure was not weighed"]]
    );
    assert_eq!(
        env.sql("SELECT disputed FROM referral ORDER BY id"),
        [["1"], ["0"]]
    );
    let shown = env.ok(&["show", "R-1"]);
    assert!(
        shown
            .lines()
            .any(|l| l.contains("Disputed") && l.contains("yes")),
        "{shown}"
    );
    assert!(
        env.ok(&["show", "V-1"])
            .contains("DSL escalated: the disclosure was not weighed")
    );
    let history = env.ok(&["history", "F-1"]);
    assert!(
        history.contains("Dispute:  DSL escalated: the disclosure was not weighed")
            && history.contains("Disputed:    yes"),
        "{history}"
    );

    // Only a front-door referral's decision can be disputed; nothing is written otherwise.
    let err = env.fails(
        &[
            "review",
            "R-2",
            "--result",
            "nfa",
            "--dispute",
            "challenged",
        ],
        2,
    );
    assert!(
        err.contains("--dispute is for a front-door referral (to csc), and R-2 went to health"),
        "{err}"
    );
    let err = env.fails(
        &[
            "review",
            "C-1",
            "--status",
            "ongoing",
            "--dispute",
            "challenged",
        ],
        2,
    );
    assert!(
        err.contains("--dispute does not apply to a consultation's review"),
        "{err}"
    );
    assert_eq!(env.count("review"), 1);

    // The fact of the dispute is exported without the notes; the note only with them.
    let plain = env.ok(&["export", "--records", "reviews", "--month", "2026-03"]);
    assert_eq!(column(&plain, "disputed"), ["yes"]);
    assert!(!plain.contains("not weighed"));
    let referrals = env.ok(&["export", "--records", "referrals", "--month", "2026-03"]);
    assert_eq!(column(&referrals, "disputed"), ["yes", "no"]);
    let notes = env.ok(&[
        "export",
        "--records",
        "reviews",
        "--month",
        "2026-03",
        "--include-notes",
    ]);
    assert_eq!(
        column(&notes, "dispute"),
        ["DSL escalated: the disclosure was not weighed"]
    );
    // Imported without the note, the dispute is still there.
    let copy = TestEnv::new();
    for (kind, text) in [
        (
            "consultations",
            env.ok(&["export", "--month", "2026-03", "--include-notes"]),
        ),
        ("referrals", referrals.clone()),
        ("reviews", plain.clone()),
    ] {
        fs::write(copy.path("in.csv"), text).unwrap();
        copy.ok(&["import", "--records", kind, "in.csv"]);
    }
    assert_eq!(
        copy.sql("SELECT disputed, dispute FROM review"),
        [["1", ""]]
    );
    assert_eq!(
        copy.sql("SELECT disputed FROM referral ORDER BY id"),
        [["1"], ["0"]]
    );
    // Correcting the review keeps the dispute; clearing the dispute ends it.
    copy.ok(&["amend", "V-1", "--date", "2026-03-06", "--reason", "typo"]);
    assert_eq!(copy.sql("SELECT disputed FROM review"), [["1"]]);
    env.ok(&[
        "amend",
        "V-1",
        "--clear",
        "dispute",
        "--reason",
        "recorded on the wrong referral",
    ]);
    assert_eq!(env.sql("SELECT disputed, dispute FROM review"), [["0", ""]]);
    assert_eq!(
        env.sql("SELECT disputed FROM referral WHERE id = 1"),
        [["0"]]
    );
}

#[test]
fn a_referral_from_a_consultation_that_advised_none_is_recorded_with_a_warning() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--outcome",
        "advice",
        "--level",
        "2",
    ]);
    env.consult(&[
        "--date",
        "2026-03-01",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
    ]);
    let (out, stderr) = ok_with_stderr(&env, &["refer", "C-1", "--to", "csc"]);
    assert!(out.starts_with("Recorded R-1"), "{out}");
    assert_eq!(
        stderr,
        "warning: C-1's outcome is advice, which does not count as a referral; the referral is \
         recorded all the same (the consultee may refer anyway)\n"
    );
    let (_, stderr) = ok_with_stderr(&env, &["refer", "C-2", "--to", "csc"]);
    assert_eq!(stderr, "", "no warning for a referral advised");
    // An import says so too, by line.
    let copy = TestEnv::new();
    for kind in ["consultations", "referrals"] {
        fs::write(
            copy.path("in.csv"),
            env.ok(&["export", "--records", kind, "--month", "2026-03"]),
        )
        .unwrap();
        let (_, stderr) = ok_with_stderr(&copy, &["import", "--records", kind, "in.csv"]);
        if kind == "referrals" {
            assert!(
                stderr.contains("warning: line 2: C-1's outcome is advice")
                    && !stderr.contains("line 3"),
                "{stderr}"
            );
        }
    }
    assert_eq!(copy.count("referral"), 2);
}

// 5. The chronology.

/// A family with reasoning at every step.
fn reasoned_family() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "consult",
        "--date",
        "2026-02-02",
        "--advisor",
        "Sam Patel",
        "--setting",
        "Oakwood Primary surgery",
        "--agency",
        "school",
        "--organisation",
        "Oakwood Primary School",
        "--family",
        "OAK-0142",
        "--age",
        "7",
        "--age",
        "9",
        "--indicator",
        "C2.1;P3.2",
        "--level",
        "4",
        "--rationale",
        "Disclosure on top of neglect",
        "--outcome",
        "refer-csc",
        "--worry",
        "Arrives hungry;\nbruise on arm",
        "--voice",
        "Says he is scared of mum's partner",
        "--advice",
        "DSL to refer to the front door today",
    ]);
    env.ok(&[
        "refer",
        "C-1",
        "--date",
        "2026-02-02",
        "--to",
        "csc",
        "--reason",
        "Disclosure of harm",
    ]);
    env.ok(&[
        "review",
        "R-1",
        "--date",
        "2026-02-06",
        "--result",
        "nfa",
        "--dispute",
        "Escalated under the protocol",
    ]);
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-02-10",
        "--status",
        "ongoing",
        "--note",
        "School watching closely",
        "--follow-up",
        "2026-03-10",
    ]);
    env
}

#[test]
fn the_chronology_shows_the_reasoning_of_every_record_in_date_order() {
    let env = reasoned_family();
    let text = env.ok(&["history", "oak 0142"]);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("history lacks {needle:?}:\n{text}"))
    };
    let order = [
        "Family OAK-0142: 1 consultation, 1 referral, 2 reviews",
        "2026-02-02  C-1  consultation — 2A Schools",
        "Organisation:",
        "Ages:            7, 9",
        "Arrives hungry;",
        "                     bruise on arm",
        "Says he is scared of mum's partner",
        "Advisor's level: 4 (Children's social care)",
        "Disclosure on top of neglect",
        "refer-csc — Referral to children's social care advised",
        "DSL to refer to the front door today",
        "2026-02-02  R-1  referral from C-1 to csc",
        "Disclosure of harm",
        "nfa — No further action",
        "Disputed:    yes",
        "2026-02-06  V-1  review of R-1",
        "Escalated under the protocol",
        "2026-02-10  V-2  review of C-1",
        "School watching closely",
        "Next follow-up: 2026-03-10",
    ];
    let places: Vec<usize> = order.iter().map(|n| at(n)).collect();
    assert!(
        places.windows(2).all(|w| w[0] < w[1]),
        "in this order: {order:?}\n{text}"
    );

    // --brief: one line per record.
    let brief = env.ok(&["history", "OAK-0142", "--brief"]);
    assert!(brief.starts_with("Family OAK-0142\n┌"), "{brief}");
    assert!(!brief.contains("scared"), "{brief}");
    assert!(
        brief.ends_with("1 consultation, 1 referral, 2 reviews\n"),
        "{brief}"
    );

    // Markdown, to attach to a referral: a heading per record.
    let md = env.ok(&["history", "OAK-0142", "--format", "markdown"]);
    assert!(md.starts_with("# Family OAK-0142\n"), "{md}");
    for heading in [
        "\n## 2026-02-02 — C-1: consultation — 2A Schools\n",
        "\n## 2026-02-02 — R-1: referral from C-1 to csc\n",
        "\n## 2026-02-06 — V-1: review of R-1\n",
        "\n## 2026-02-10 — V-2: review of C-1\n",
    ] {
        assert!(md.contains(heading), "{heading:?} in\n{md}");
    }
    assert!(
        md.contains("- **Worry:** Arrives hungry;  \n  bruise on arm\n"),
        "{md}"
    );
    assert!(md.contains("- **Child's voice:** Says he is scared of mum's partner\n"));

    // JSON and CSV carry every field by its export name.
    let h = json(&env.ok(&["history", "OAK-0142", "--format", "json"]));
    let c = &h["entries"][0]["details"];
    assert_eq!(c["voice"], "Says he is scared of mum's partner");
    assert_eq!(c["rationale"], "Disclosure on top of neglect");
    assert_eq!(c["ages"], "7;9");
    assert_eq!(
        h["entries"][2]["details"]["dispute"],
        "Escalated under the protocol"
    );
    let csv = env.ok(&["history", "OAK-0142", "--format", "csv"]);
    let rows = csv_rows(&csv);
    assert_eq!(
        rows[0],
        [
            "date", "id", "record", "about", "voided", "field", "label", "value"
        ]
    );
    assert!(
        rows.contains(
            &[
                "2026-02-02",
                "C-1",
                "consultation",
                "",
                "no",
                "voice",
                "Child's voice",
                "Says he is scared of mum's partner"
            ]
            .map(String::from)
            .to_vec()
        ),
        "{csv}"
    );
    let brief_json = json(&env.ok(&["history", "OAK-0142", "--brief", "--format", "json"]));
    assert!(brief_json["entries"][0].get("details").is_none());
    assert_eq!(brief_json["entries"][0]["outcome"], "refer-csc");
}

// 6. The weekly list.

#[test]
fn the_weekly_list_has_one_entry_per_family_most_urgent_first() {
    let env = TestEnv::new();
    // OAK-1: a follow-up 10 days overdue, level 2.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "OAK-1",
        "--follow-up",
        "2026-03-05",
    ]);
    // ELM-2: level 4, due tomorrow; and a second consultation of the family, overdue 2 days.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "ELM-2",
        "--indicator",
        "C4.1",
        "--outcome",
        "refer-csc",
        "--follow-up",
        "2026-03-16",
    ]);
    env.consult(&[
        "--date",
        "2026-03-02",
        "--family",
        "elm 2",
        "--follow-up",
        "2026-03-13",
    ]);
    // ASH-3: a follow-up 3 days overdue.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "ASH-3",
        "--follow-up",
        "2026-03-12",
    ]);
    // BIRCH-4: urgent, a referral pending, no follow-up.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "BIRCH-4",
        "--indicator",
        "P3.2",
        "--outcome",
        "urgent",
    ]);
    env.ok(&["refer", "C-5", "--to", "police", "--date", "2026-03-03"]);
    // FIR-5: nothing due.
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "FIR-5",
        "--follow-up",
        "2026-04-30",
    ]);

    let list = json(&env.ok(&["review", "--format", "json"]));
    let families: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["family"].as_str().unwrap())
        .collect();
    assert_eq!(families, ["ELM-2", "BIRCH-4", "OAK-1", "ASH-3"]);
    assert_eq!(list[0]["priority"], serde_json::json!(["level-4"]));
    assert_eq!(list[1]["priority"], serde_json::json!(["urgent"]));
    let items: Vec<(&str, &str, &str)> = list[0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap(),
                i["date"].as_str().unwrap(),
                i["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("C-3", "2026-03-13", "overdue"),
            ("C-2", "2026-03-16", "due")
        ]
    );
    assert_eq!(list[1]["items"][0]["id"], "R-1");
    assert_eq!(list[1]["items"][0]["state"], "pending");

    let table = env.ok(&["review"]);
    assert!(table.contains("follow-up due tomorrow"), "{table}");
    assert!(table.contains("follow-up 10 days overdue"), "{table}");
    assert!(
        table.ends_with("4 families: 4 follow-ups due by 2026-03-22, 1 referral pending\n"),
        "{table}"
    );
    let csv = env.ok(&["review", "--format", "csv"]);
    assert_eq!(
        csv_rows(&csv),
        [
            ["family", "priority", "follow_ups", "referrals"],
            [
                "ELM-2",
                "level-4",
                "C-3:2026-03-13:overdue;C-2:2026-03-16:due",
                ""
            ],
            ["BIRCH-4", "urgent", "", "R-1:police:2026-03-03"],
            ["OAK-1", "", "C-1:2026-03-05:overdue", ""],
            ["ASH-3", "", "C-4:2026-03-12:overdue", ""],
        ]
        .map(|r| r.map(String::from).to_vec())
    );
}

#[test]
fn an_advisor_sees_their_own_list() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "OAK-1",
        "--follow-up",
        "2026-03-05",
    ]);
    env.consult(&[
        "--date",
        "2026-03-01",
        "--advisor",
        "Jo Smith",
        "--family",
        "ELM-2",
        "--follow-up",
        "2026-03-06",
    ]);
    let families = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["review", "--format", "json"];
        full.extend_from_slice(args);
        json(&env.ok(&full))
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["family"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(families(&[]), ["OAK-1", "ELM-2"]);
    assert_eq!(families(&["--advisor", "jo smith"]), ["ELM-2"]);
    assert_eq!(families(&["--advisor", "Sam Advisor"]), ["OAK-1"]);
    assert!(families(&["--advisor", "Nobody"]).is_empty());
    let err = env.fails(
        &["review", "C-1", "--status", "ongoing", "--advisor", "Jo"],
        2,
    );
    assert!(
        err.contains("--advisor does not apply to a review of C-1: it is for the list"),
        "{err}"
    );
    assert_eq!(env.count("review"), 0);
    let err = env.fails(&["review", "--advisor", ""], 2);
    assert!(err.contains("--advisor"), "{err}");
}

#[test]
fn the_list_shows_exactly_the_follow_ups_no_review_has_answered() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "OAK-1",
        "--follow-up",
        "2026-03-05",
    ]);
    // V-1 answers the consultation's follow-up and sets its own.
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-06",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-03-09",
    ]);
    // V-2, the same day but recorded after, answers V-1's and sets another.
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-06",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-03-11",
    ]);
    // V-3, dated before V-2 but recorded after it, does not answer V-2's.
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-04",
        "--status",
        "ongoing",
    ]);
    let list = json(&env.ok(&["review", "--format", "json"]));
    let items = list[0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["date"], "2026-03-11");
    assert_eq!(items[0]["set_by"], "V-2");
    assert_eq!(items[0]["state"], "overdue");
    // Voiding V-2 brings back V-1's, which nothing else answers.
    env.ok(&["void", "V-2", "--reason", "entered twice"]);
    let list = json(&env.ok(&["review", "--format", "json"]));
    assert_eq!(list[0]["items"][0]["date"], "2026-03-09");
    assert_eq!(list[0]["items"][0]["set_by"], "V-1");
    // A resolved review answers it and sets none.
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-10",
        "--status",
        "resolved",
    ]);
    assert_eq!(
        json(&env.ok(&["review", "--format", "json"])),
        serde_json::json!([])
    );
}
