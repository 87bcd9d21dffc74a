//! Typed values as the command line delivers them: empty and far-off dates, flags given twice,
//! values that start with `-`, text typed two ways or carrying invisible characters, the report's
//! CSV numbers, and the help, man page and thresholds docs against what the program does.

use crate::common::{TestEnv, json, with_flag};

/// Every row of every table, to prove that nothing changed.
fn snapshot(env: &TestEnv) -> Vec<Vec<String>> {
    ["consultation", "referral", "review", "amendment"]
        .iter()
        .flat_map(|t| env.sql(&format!("SELECT '{t}', * FROM {t} ORDER BY id")))
        .collect()
}

/// A logbook with C-1 (2026-03-01, follow-up 2026-03-10), R-1 from it and V-1 on it.
fn fixture() -> TestEnv {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--follow-up", "2026-03-10"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    env.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--date",
        "2026-03-10",
    ]);
    env
}

/// Runs each command expecting exit 2 with every `says` in the message; collects what did not.
fn refusals(env: &TestEnv, cases: &[(Vec<&str>, &[&str])]) -> Vec<String> {
    let mut failures = Vec::new();
    for (args, says) in cases {
        let out = env.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2)
            || !stderr.starts_with("error: ")
            || !says.iter().all(|s| stderr.contains(s))
        {
            failures.push(format!(
                "{args:?}: exit {:?}, expected {says:?} in: {stderr}",
                out.status.code()
            ));
        }
    }
    failures
}

const CONSULT: &[&str] = &[
    "consult",
    "--advisor",
    "Sam",
    "--setting",
    "Oakwood",
    "--agency",
    "2A",
    "--family",
    "F-1",
    "--level",
    "1",
    "--outcome",
    "advice",
];

fn consult_with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = CONSULT.to_vec();
    args.extend_from_slice(extra);
    args
}

/// CONSULT with `flag` given `value`, in place of its own value if it has one.
fn consult_setting<'a>(flag: &'a str, value: &'a str) -> Vec<&'a str> {
    with_flag(CONSULT, flag, value)
}

#[test]
fn an_empty_date_is_refused_for_every_date_flag() {
    let env = fixture();
    let before = snapshot(&env);
    let empty: &[&str] = &["is empty"];
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (consult_with(&["--date", ""]), &["--date is empty"]),
        (
            consult_with(&["--follow-up", ""]),
            &["--follow-up is empty"],
        ),
        (consult_with(&["--follow-up="]), &["--follow-up is empty"]),
        (
            vec!["refer", "C-1", "--to", "csc", "--date", ""],
            &["--date is empty"],
        ),
        (
            vec!["review", "C-1", "--status", "ongoing", "--date", " "],
            &["--date is empty"],
        ),
        (
            vec!["review", "C-1", "--status", "ongoing", "--follow-up", ""],
            &["--follow-up is empty"],
        ),
        (
            vec!["review", "R-1", "--result", "nfa", "--date", ""],
            &["--date is empty"],
        ),
        (
            vec!["amend", "C-1", "--reason", "typo", "--date", ""],
            &["--date is empty", "--clear FIELD empties an optional one"],
        ),
        (vec!["report", "--month", ""], &["--month is empty"]),
        (
            vec!["report", "--from", "", "--to", "2026-03-01"],
            &["--from is empty"],
        ),
        (
            vec!["export", "--from", "2026-03-01", "--to", ""],
            &["--to is empty"],
        ),
        (vec!["list", "--from", ""], &["--from is empty"]),
        (vec!["list", "--to", ""], empty),
    ];
    let failures = refusals(&env, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&env), before, "nothing was written");

    // When amending, --clear empties an optional field.
    env.ok(&[
        "amend",
        "C-1",
        "--reason",
        "no longer needed",
        "--clear",
        "follow-up",
    ]);
    assert_eq!(
        env.sql("SELECT follow_up IS NULL FROM consultation WHERE id = 1"),
        [["1"]]
    );
}

#[test]
fn dates_are_refused_beyond_a_year_ahead() {
    let env = fixture();
    let before = snapshot(&env);
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            consult_with(&["--follow-up", "9999-12-31"]),
            &[
                "--follow-up 9999-12-31 is more than a year after",
                "2026-03-15",
            ],
        ),
        // C-1 is dated 2026-03-01: a year (366 days) on is 2027-03-02.
        (
            vec!["amend", "C-1", "--reason", "r", "--follow-up", "2027-03-03"],
            &["--follow-up 2027-03-03 is more than a year after the date it follows (2026-03-01)"],
        ),
        (
            vec![
                "review",
                "C-1",
                "--status",
                "ongoing",
                "--follow-up",
                "31/12/9999",
            ],
            &["--follow-up 9999-12-31 is more than a year after"],
        ),
        (
            vec!["report", "--from", "2026-01-01", "--to", "9999-12-31"],
            &["--to 9999-12-31 is more than a year ahead"],
        ),
        (
            vec!["report", "--month", "9999-12"],
            &["--month 9999-12 is more than a year ahead"],
        ),
        (
            vec!["list", "--to", "2099-01-01"],
            &["--to 2099-01-01 is more than a year ahead"],
        ),
    ];
    let failures = refusals(&env, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&env), before, "nothing was written");

    // The furthest a follow-up reaches is the same by date as by offset.
    env.ok(&["amend", "C-1", "--reason", "r", "--follow-up", "2027-03-02"]);
    env.ok(&["amend", "C-1", "--reason", "r", "--follow-up", "+1w"]);
    env.ok(&["amend", "C-1", "--reason", "r", "--follow-up", "+366d"]);
    assert_eq!(
        env.sql("SELECT follow_up FROM consultation WHERE id = 1"),
        [["2027-03-02"]]
    );
    env.fails(
        &["amend", "C-1", "--reason", "r", "--follow-up", "+367d"],
        2,
    );
}

#[test]
fn a_flag_given_twice_is_refused_naming_it() {
    let env = fixture();
    let before = snapshot(&env);
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            consult_with(&["--family", "F-2"]),
            &["--family is given twice"],
        ),
        (
            consult_with(&["--json", "--json"]),
            &["--json is given twice"],
        ),
        (
            vec![
                "amend", "C-1", "--reason", "a", "--level", "2", "--level", "3",
            ],
            &["--level is given twice"],
        ),
        (
            vec![
                "amend",
                "C-1",
                "--reason",
                "a",
                "--reason=b",
                "--level",
                "2",
            ],
            &["--reason is given twice"],
        ),
        (
            vec![
                "review", "C-1", "--status", "ongoing", "--status", "resolved",
            ],
            &["--status is given twice"],
        ),
        (
            vec!["refer", "C-1", "--to", "csc", "--to", "police"],
            &["--to is given twice"],
        ),
        (
            vec!["report", "--format", "csv", "--format", "json"],
            &["--format is given twice"],
        ),
        (
            vec!["--db", "a.db", "list", "--db", "b.db"],
            &["--db is given twice"],
        ),
    ];
    let failures = refusals(&env, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&env), before, "nothing was written");

    // Lists may be given a flag at a time.
    let out = json(&env.ok(&consult_with(&[
        "--factor",
        "3B",
        "--factor",
        "1A",
        "--indicator",
        "C2.1",
        "--indicator",
        "P3.2",
        "--rationale",
        "judgement",
        "--json",
    ])));
    assert_eq!(out["factors"], serde_json::json!(["3B", "1A"]));
    assert_eq!(out["indicators"], serde_json::json!(["C2.1", "P3.2"]));
}

#[test]
fn a_month_is_four_digits_a_dash_and_two_digits() {
    let env = fixture();
    for month in ["2026-+2", "+202-02", "2026-00", "2026- 2"] {
        let err = env.fails(&["report", "--month", month], 2);
        assert!(
            err.contains(&format!("--month '{month}' is not a month")),
            "{month}: {err}"
        );
        let err = env.fails(&["export", "--month", month], 2);
        assert!(err.contains("--month"), "{month}: {err}");
    }
    let out = json(&env.ok(&["report", "--month", "2026-03", "--format", "json"]));
    assert_eq!(out["consultations"], 1);
}

#[test]
fn a_clock_before_2000_is_refused_rather_than_recorded() {
    let env = TestEnv::new().env("CASELOG_NOW", "1999-12-31T12:00:00Z");
    let err = env.fails(CONSULT, 2);
    assert!(
        err.contains("CASELOG_NOW '1999-12-31T12:00:00Z' is before 2000-01-01"),
        "{err}"
    );
    assert!(!env.db().exists(), "no logbook was created");
    let env = TestEnv::new().env("CASELOG_NOW", "1970-01-01");
    env.fails(&["list"], 2);
}

#[test]
fn a_value_that_starts_with_a_dash_is_refused_showing_the_joined_form() {
    let env = fixture();
    let before = snapshot(&env);
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            consult_with(&["--worry", "-late", "again"]),
            &["--worry", "write it as --worry=-late"],
        ),
        (
            consult_setting("--family", "-7"),
            &["write it as --family=-7"],
        ),
        (
            consult_with(&["--worry", "-late again"]),
            &["write it as '--worry=-late again'"],
        ),
        (
            vec!["amend", "C-1", "--reason", "r", "--level", "-1"],
            &["write it as --level=-1"],
        ),
        (
            vec!["review", "C-1", "--status", "ongoing", "--note", "-x"],
            &["write it as --note=-x"],
        ),
        (
            vec!["export", "--output", "-x"],
            &["write it as --output=-x"],
        ),
        (
            vec!["refer", "C-1", "--to", "csc", "--reason", "--urgent"],
            &["--reason needs a value", "--reason=-"],
        ),
        (consult_with(&["--worry"]), &["--worry needs a value"]),
        (
            consult_with(&["--worry", "--", "-x"]),
            &["--worry needs a value"],
        ),
    ];
    let failures = refusals(&env, &cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (args, _) in &cases {
        let stderr = String::from_utf8_lossy(&env.run(args).stderr).into_owned();
        assert!(
            !stderr.contains("-- -"),
            "clap's tip does not work here: {stderr}"
        );
    }
    assert_eq!(snapshot(&env), before, "nothing was written");

    // Joined to its flag, the value reaches caselog's own checks.
    let out = json(&env.ok(&consult_with(&["--worry=-late again", "--json"])));
    assert_eq!(out["worry"], "-late again");
    let err = env.fails(&["amend", "C-1", "--reason", "r", "--level=-1"], 2);
    assert!(err.contains("--level '-1' is not valid"), "{err}");
    assert!(err.contains("from 1 to 4"), "{err}");
}

#[test]
fn one_family_typed_two_ways_is_one_family() {
    let env = TestEnv::new();
    let precomposed = "caf\u{e9}-7";
    let combining = "cafe\u{301}-7";
    env.consult(&["--family", precomposed, "--date", "2026-03-01"]);
    env.consult(&["--family", combining, "--worry", "Ame\u{301}lie's worry"]);
    assert_eq!(
        env.sql("SELECT DISTINCT family FROM consultation"),
        [[precomposed]]
    );
    assert_eq!(
        env.sql("SELECT worry FROM consultation WHERE id = 2"),
        [["Am\u{e9}lie's worry"]]
    );
    let history = json(&env.ok(&["history", combining, "--format", "json"]));
    assert_eq!(history["entries"].as_array().unwrap().len(), 2);
    let listed = json(&env.ok(&["list", "--family", combining, "--format", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[test]
fn invisible_and_reordering_characters_are_refused_in_every_field() {
    let env = fixture();
    let before = snapshot(&env);
    let mut failures = Vec::new();
    for (c, code) in [
        ('\u{200B}', "U+200B"),
        ('\u{202E}', "U+202E"),
        ('\u{FEFF}', "U+FEFF"),
        ('\u{2028}', "U+2028"),
    ] {
        let middle = format!("F{c}1");
        let end = format!("Oakwood{c}");
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (consult_setting("--family", &middle), "--family"),
            (consult_setting("--family", &end), "--family"),
            (consult_setting("--advisor", &middle), "--advisor"),
            (consult_setting("--setting", &end), "--setting"),
            (consult_setting("--role", &middle), "--role"),
            (consult_setting("--worry", &end), "--worry"),
            (consult_setting("--strengths", &middle), "--strengths"),
            (consult_setting("--advice", &middle), "--advice"),
            (
                [
                    &consult_setting("--level", "2")[..],
                    &["--indicator", "C2.1", "--rationale", &middle],
                ]
                .concat(),
                "--rationale",
            ),
            (
                vec!["refer", "C-1", "--to", "csc", "--reason", &middle],
                "--reason",
            ),
            (
                vec!["review", "C-1", "--status", "ongoing", "--note", &end],
                "--note",
            ),
            (
                vec!["amend", "C-1", "--reason", "r", "--setting", &middle],
                "--setting",
            ),
            (
                vec!["amend", "C-1", "--reason", &middle, "--level", "2"],
                "--reason",
            ),
            (vec!["void", "V-1", "--reason", &end], "--reason"),
        ];
        for (args, field) in cases {
            let out = env.run(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let says = format!("{field} contains");
            if out.status.code() != Some(2) || !stderr.contains(&says) || !stderr.contains(code) {
                failures.push(format!("{args:?}: {:?} {stderr}", out.status.code()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(snapshot(&env), before, "nothing was written");

    // Joiners are part of some scripts and emoji; line breaks and tabs belong in notes.
    env.consult(&["--family", "F\u{200D}2", "--worry", "first\n\tsecond"]);
    // A reference of nothing but invisible characters is no reference.
    let err = env.fails(&consult_setting("--family", "\u{200B}\u{FEFF}"), 2);
    assert!(err.contains("missing --family"), "{err}");
}

#[test]
fn an_import_stores_text_in_nfc_and_refuses_invisible_characters() {
    let env = fixture();
    let csv = env.ok(&["export", "--month", "2026-03", "--include-notes"]);
    let copy = TestEnv::new();
    let decomposed = csv.replace("F-1", "cafe\u{301}-1");
    std::fs::write(copy.path("in.csv"), &decomposed).unwrap();
    copy.ok(&["import", "in.csv"]);
    assert_eq!(
        copy.sql("SELECT family FROM consultation"),
        [["caf\u{e9}-1"]]
    );

    let other = TestEnv::new();
    std::fs::write(other.path("in.csv"), csv.replace("F-1", "F\u{202E}1")).unwrap();
    let err = other.fails(&["import", "in.csv"], 2);
    assert!(err.contains("U+202E"), "{err}");
    assert!(err.contains("family"), "{err}");
    assert_eq!(other.count("consultation"), 0);
}

#[test]
fn report_csv_writes_numbers_as_numbers_and_keeps_text_inert() {
    let env = TestEnv::new();
    for setting in ["=SUM(A1:A9)", "-Oak"] {
        env.ok(&[
            "consult",
            "--advisor",
            "Sam",
            &format!("--setting={setting}"),
            "--agency",
            "2A",
            "--family",
            "F-1",
            "--level",
            "1",
            "--outcome",
            "advice",
            "--confidence-before",
            "4",
            "--confidence-after",
            "2",
        ]);
    }
    let read = |out: &str| {
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        (header, rows)
    };
    let (header, rows) = read(&env.ok(&["report", "--month", "2026-03", "--format", "csv"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("confidence.mean_change")], "-2");
    assert_eq!(&rows[0][col("confidence.mean_before")], "4");

    let by = env.ok(&[
        "report", "--month", "2026-03", "--by", "setting", "--format", "csv",
    ]);
    let (header, rows) = read(&by);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let groups: Vec<&str> = rows.iter().map(|r| &r[col("group")]).collect();
    assert!(groups.contains(&"'=SUM(A1:A9)"), "{by}");
    assert!(groups.contains(&"'-Oak"), "{by}");
    for row in &rows {
        assert_eq!(&row[col("confidence.mean_change")], "-2", "{by}");
    }
}

#[test]
fn report_help_says_json_is_one_object_as_it_is() {
    let env = fixture();
    let help = env.ok(&["report", "--help"]);
    assert!(help.contains("One JSON object"), "{help}");
    assert!(!help.contains("JSON array"), "{help}");
    for by in [&[][..], &["--by", "agency"][..]] {
        let mut args = vec!["report", "--month", "2026-03", "--format", "json"];
        args.extend_from_slice(by);
        assert!(json(&env.ok(&args)).is_object(), "{by:?}");
    }
    // `list` does print an array, and says so.
    assert!(env.ok(&["list", "--help"]).contains("A JSON array"));
    assert!(json(&env.ok(&["list", "--format", "json"])).is_array());
}

#[test]
fn the_man_page_documents_every_command_and_refers_to_no_other_page() {
    let env = TestEnv::new();
    let page = env.ok(&["man"]);
    assert!(!page.contains("caselog\\-consult(1)"), "{page}");
    let references = page.matches("(1)").count();
    assert_eq!(references, 0, "no page refers to another:\n{page}");
    for command in [
        "consult", "refer", "review", "amend", "report", "export", "import",
    ] {
        assert!(
            page.contains(&format!(".SS \"caselog {command}\"")),
            "{command}"
        );
    }
    // Each command's own options are on the page, the global ones once.
    assert!(page.contains("\\-\\-follow\\-up"), "{page}");
    assert!(page.contains("\\-\\-include\\-notes"), "{page}");
    assert_eq!(page.matches("\\fB\\-\\-db\\fR \\fI").count(), 1, "{page}");
}

/// The thresholds file of docs/thresholds.md's examples: examples/thresholds.toml, saved as
/// `northshire.toml`, with one mistake made in it.
fn thresholds_with(env: &TestEnv, mistake: impl Fn(&str) -> String) -> String {
    let example = include_str!("../../examples/thresholds.toml");
    std::fs::write(env.path("northshire.toml"), mistake(example)).unwrap();
    let out = env.run(&["--thresholds", "northshire.toml", "checklist"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    stderr.lines().next().unwrap().to_string()
}

#[test]
fn the_thresholds_docs_show_what_the_loader_prints() {
    let docs = include_str!("../../docs/thresholds.md");
    let env = TestEnv::new();
    let replace_line = |n: usize, with: &'static str| {
        move |text: &str| {
            let mut lines: Vec<&str> = text.lines().collect();
            lines[n - 1] = with;
            lines.join("\n")
        }
    };
    let errors = [
        thresholds_with(&env, replace_line(42, "id = \"C5.1\"")),
        thresholds_with(&env, replace_line(42, "id = \"C2.1\"")),
        thresholds_with(&env, replace_line(13, "lable = \"Universal\"")),
        thresholds_with(&env, |text| {
            let lines: Vec<&str> = text.lines().collect();
            [&lines[..25], &lines[29..]].concat().join("\n")
        }),
    ];
    for error in &errors {
        assert!(
            docs.contains(error.as_str()),
            "docs/thresholds.md lacks: {error}"
        );
    }

    // Without `name`, the checklist's title is the file's path as given.
    std::fs::write(
        env.path("northshire.toml"),
        include_str!("../../examples/thresholds.toml").replace("\nname = ", "\n# name = "),
    )
    .unwrap();
    let out = env.ok(&[
        "--thresholds",
        "northshire.toml",
        "checklist",
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["name"], "northshire.toml");
    assert!(
        docs.contains("the checklist's title (default: the file's path as given"),
        "the docs give the default"
    );
}
