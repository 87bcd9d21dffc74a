//! `caselog export` and `import`: the CSV exchange format of DOMAIN §6, read back with the
//! `csv` crate; export → import → export gives the same bytes; imports are all or nothing.

use std::os::unix::fs::PermissionsExt;

use crate::common::TestEnv;
use crate::reports::voided_fixture;

const KINDS: [&str; 3] = ["consultations", "referrals", "reviews"];

/// Every record of the fixture: the whole span of its dates.
const ALL: [&str; 4] = ["--from", "2025-01-01", "--to", "2026-03-15"];

fn export(env: &TestEnv, kind: &str, extra: &[&str]) -> String {
    let mut args = vec!["export", "--records", kind];
    args.extend_from_slice(&ALL);
    args.extend_from_slice(extra);
    env.ok(&args)
}

fn read(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

#[test]
fn export_then_import_into_an_empty_logbook_gives_the_same_bytes() {
    let env = voided_fixture();
    for notes in [&["--include-notes"][..], &[][..]] {
        let copy = TestEnv::new();
        for kind in KINDS {
            let first = export(&env, kind, notes);
            std::fs::write(copy.path("in.csv"), &first).unwrap();
            let out = copy.ok(&["import", "--records", kind, "in.csv"]);
            assert!(out.starts_with("Added "), "{out}");
            assert_eq!(export(&copy, kind, notes), first, "{kind} {notes:?}");
        }
        // Importing the same files again adds nothing.
        for kind in KINDS {
            std::fs::write(copy.path("in.csv"), export(&env, kind, notes)).unwrap();
            let out = copy.ok(&["import", "--records", kind, "in.csv"]);
            assert!(out.starts_with("Added 0 "), "{out}");
        }
    }
}

#[test]
fn the_csv_has_the_documented_columns_codes_and_inert_formulas() {
    let env = voided_fixture();
    let (header, rows) = read(&export(&env, "consultations", &[]));
    assert_eq!(
        header,
        [
            "id",
            "uuid",
            "date",
            "advisor",
            "setting",
            "mode",
            "agency",
            "role",
            "organisation",
            "family",
            "children",
            "ages",
            "factors",
            "indicators",
            "consultee_level",
            "level",
            "suggested_level",
            "confidence_before",
            "confidence_after",
            "consent",
            "outcome",
            "follow_up",
            "created_at",
        ]
    );
    // Voided C-7 is not exported; rows are in ID order.
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        ids,
        ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6", "C-8", "C-9"]
    );
    let c5 = &rows[4];
    assert_eq!(&c5[6], "3B", "agency as a code");
    assert_eq!(&c5[12], "3B;4B", "factors joined with ;");
    assert_eq!(
        &rows[5][4], "'=HYPERLINK(\"http://x\")",
        "formula made inert"
    );
    let all = export(&env, "consultations", &[]);
    assert!(
        !all.contains("Late most days"),
        "no free text without --include-notes"
    );

    let (header, rows) = read(&export(&env, "consultations", &["--include-notes"]));
    assert_eq!(
        &header[23..],
        ["rationale", "worry", "voice", "strengths", "advice"]
    );
    assert_eq!(&rows[2][24], "Late most days");

    let (header, rows) = read(&export(&env, "referrals", &[]));
    assert_eq!(
        header,
        [
            "id",
            "uuid",
            "consultation",
            "consultation_uuid",
            "date",
            "to",
            "by",
            "consent",
            "urgent",
            "result",
            "result_date",
            "disputed",
            "created_at",
        ]
    );
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, ["R-1", "R-2", "R-3", "R-4"], "voided R-5 left out");
    assert_eq!(&rows[1][2], "C-5");
    assert_eq!(rows[1][3].len(), 36, "the consultation's UUID");
    assert_eq!((&rows[1][8], &rows[1][9]), ("yes", "s47"));
    let (header, _) = read(&export(&env, "referrals", &["--include-notes"]));
    assert_eq!(header.last().unwrap(), "reason");

    let (header, rows) = read(&export(&env, "reviews", &["--include-notes"]));
    assert_eq!(
        header,
        [
            "id",
            "uuid",
            "consultation",
            "consultation_uuid",
            "referral",
            "referral_uuid",
            "date",
            "status",
            "level",
            "confidence",
            "follow_up",
            "result",
            "disputed",
            "created_at",
            "note",
            "dispute",
        ]
    );
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, ["V-1", "V-2", "V-3"], "voided V-4 left out");
    assert_eq!((&rows[2][4], &rows[2][11]), ("R-2", "s47"));
    assert_eq!(&rows[0][14], "Attendance better");
    assert_eq!(
        (&rows[0][12], &rows[2][12]),
        ("", "no"),
        "disputed: blank for a follow-up, no for an undisputed decision"
    );
}

#[test]
fn a_month_is_exported_by_each_record_s_own_date() {
    let env = voided_fixture();
    let (_, rows) = read(&env.ok(&["export", "--month", "2026-02"]));
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, ["C-3", "C-4", "C-5", "C-6"]);
    // Last month by default.
    assert_eq!(
        env.ok(&["export", "--records", "referrals"]),
        env.ok(&["export", "--records", "referrals", "--month", "2026-02"])
    );
}

#[test]
fn output_files_are_owner_only_and_written_whole() {
    let env = voided_fixture();
    env.ok(&["export", "--month", "2026-02", "--output", "feb.csv"]);
    let path = env.path("feb.csv");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        env.ok(&["export", "--month", "2026-02"])
    );
    // A failed export leaves no file and no temporary file behind.
    let err = env.fails(&["export", "--output", "missing/feb.csv"], 2);
    assert!(err.contains("does not exist"), "{err}");
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("caselog-export"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

const HEADER: &str = "date,advisor,setting,agency,family,indicators,outcome\n";

#[test]
fn an_import_with_one_bad_row_writes_nothing_and_names_the_row() {
    let env = TestEnv::new();
    env.consult(&[]);
    std::fs::write(
        env.path("in.csv"),
        format!(
            "{HEADER}2026-02-01,Sam,Oak,school,F-7,C2.1,advice\n\
             2026-02-02,Sam,Oak,teacher,F-8,C2.1,advice\n\
             2026-02-03,Sam,Oak,police,F-9,C2.1,advice\n"
        ),
    )
    .unwrap();
    let err = env.fails(&["import", "in.csv"], 2);
    assert!(
        err.contains("line 3, column agency: agency 'teacher' is not a valid code"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(env.count("consultation"), 1);
}

#[test]
fn errors_are_collected_with_line_and_column() {
    let env = TestEnv::new();
    std::fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,indicators,outcome,suggested_level,uuid\n\
         2026-02-30,Sam,Oak,school,F-7,C2.1,advice,2,\n\
         2026-02-01,Sam,Oak,school,F-7,C2.1,somewhere,2,\n\
         2026-02-01,Sam,Oak,school,F-7,C2.1,advice,3,\n\
         2026-02-01,Sam,Oak,school,F-7,C2.1,advice,2,not-a-uuid\n",
    )
    .unwrap();
    let err = env.fails(&["import", "in.csv"], 2);
    for expected in [
        "4 problems",
        "line 2, column date: date '2026-02-30' is not a date",
        "line 3, column outcome: outcome 'somewhere' is not a valid code",
        "line 4, column suggested_level: the file says 3 but the indicators give 2",
        "line 5, column uuid: 'not-a-uuid' is not a UUID",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
    assert!(!env.db().exists() || env.count("consultation") == 0);

    std::fs::write(env.path("cols.csv"), "date,advisor,agncy\n").unwrap();
    let err = env.fails(&["import", "cols.csv"], 2);
    assert!(
        err.contains("line 1: 'agncy' is not a column of consultations"),
        "{err}"
    );
}

#[test]
fn a_dry_run_writes_nothing_and_a_second_import_adds_nothing() {
    let env = TestEnv::new();
    env.consult(&[]);
    let body = format!(
        "uuid,{HEADER}0b6c7f3e-0a0c-4d5e-9f00-000000000001,2026-02-01,Sam,Oak,school,F-7,C2.1,advice\n\
         0b6c7f3e-0a0c-4d5e-9f00-000000000002,2026-02-02,Sam,Oak,6,F-8,C2.1,advice\n"
    );
    std::fs::write(env.path("in.csv"), body).unwrap();
    let out = env.ok(&["import", "--dry-run", "in.csv"]);
    assert!(out.contains("would add 2 consultations"), "{out}");
    assert_eq!(env.count("consultation"), 1);
    let out = env.ok(&["import", "in.csv"]);
    assert!(out.contains("Added 2 consultations"), "{out}");
    let out = env.ok(&["import", "in.csv"]);
    assert!(out.contains("Added 0 consultations"), "{out}");
    assert!(out.contains("skipped 2"), "{out}");
    assert_eq!(env.count("consultation"), 3);

    // A dry run against a logbook that does not exist does not create it.
    let fresh = TestEnv::new();
    std::fs::write(
        fresh.path("in.csv"),
        std::fs::read(env.path("in.csv")).unwrap(),
    )
    .unwrap();
    fresh.ok(&["import", "--dry-run", "in.csv"]);
    assert!(!fresh.db().exists());
}

#[test]
fn import_reads_standard_input_and_links_by_uuid() {
    let env = voided_fixture();
    let copy = TestEnv::new();
    for kind in KINDS {
        let out = copy
            .cmd()
            .args(["import", "--records", kind, "-"])
            .write_stdin(export(&env, kind, &[]))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A referral to a consultation this logbook does not have is refused by UUID.
    std::fs::write(
        copy.path("ref.csv"),
        "consultation_uuid,date,to\n0b6c7f3e-0a0c-4d5e-9f00-00000000dead,2026-02-01,csc\n",
    )
    .unwrap();
    let err = copy.fails(&["import", "--records", "referrals", "ref.csv"], 2);
    assert!(
        err.contains("line 2, column consultation_uuid: no consultation with UUID"),
        "{err}"
    );
}

#[test]
fn a_file_that_cannot_be_read_is_named_in_plain_words() {
    let env = TestEnv::new();
    let err = env.fails(&["import", "missing.csv"], 2);
    assert!(
        err.starts_with("error: cannot read missing.csv: it does not exist\n"),
        "{err}"
    );
    let err = env.fails(&["import", "."], 2);
    assert!(err.starts_with("error: cannot read .: "), "{err}");
    assert!(!err.contains("os error"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn an_import_into_an_empty_table_rebuilds_every_index() {
    let fresh = TestEnv::new();
    fresh.consult(&[]);
    let indexes = |env: &TestEnv| {
        env.sql("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name")
    };
    let expected = indexes(&fresh);
    assert!(expected.iter().any(|r| r[0] == "consultation_by_uuid"));

    let env = voided_fixture();
    let copy = TestEnv::new();
    for kind in KINDS {
        std::fs::write(
            copy.path("in.csv"),
            export(&env, kind, &["--include-notes"]),
        )
        .unwrap();
        copy.ok(&["import", "--records", kind, "in.csv"]);
    }
    assert_eq!(indexes(&copy), expected);
    assert_eq!(copy.sql("PRAGMA integrity_check"), [["ok"]]);

    // A UUID twice in one file is refused by line, even when the table was empty.
    let empty = TestEnv::new();
    let text = export(&env, "consultations", &["--include-notes"]);
    let mut lines: Vec<&str> = text.lines().collect();
    let again = lines[1].replacen("C-", "C-9", 1);
    lines.push(&again);
    std::fs::write(empty.path("dup.csv"), lines.join("\n") + "\n").unwrap();
    let err = empty.fails(&["import", "--records", "consultations", "dup.csv"], 2);
    let uuid = &lines[1][lines[1].find(',').unwrap() + 1..][..36];
    let line = lines.len();
    assert!(
        err.contains(&format!(
            "1 problem; nothing was imported\n  line {line}, column uuid: {uuid} appears on line \
             2 too\n"
        )),
        "{err}"
    );
    assert_eq!(empty.count("consultation"), 0);
    // So is one given twice in a file imported into a table that has records: a UUID already
    // in the logbook is skipped, one added by an earlier line is refused.
    let kept = TestEnv::new();
    kept.consult(&[]);
    let dup = empty.path("dup.csv");
    let err = kept.fails(
        &[
            "import",
            "--records",
            "consultations",
            dup.to_str().unwrap(),
        ],
        2,
    );
    assert!(
        err.contains(&format!(
            "line {line}, column uuid: {uuid} appears on line 2 too"
        )),
        "{err}"
    );
    assert_eq!(kept.count("consultation"), 1);
    std::fs::write(kept.path("once.csv"), lines[..line - 1].join("\n") + "\n").unwrap();
    kept.ok(&["import", "--records", "consultations", "once.csv"]);
    let again = kept.ok(&["import", "--records", "consultations", "once.csv"]);
    assert!(
        again.contains(&format!(
            "Added 0 consultations from once.csv; skipped {}",
            line - 2
        )),
        "{again}"
    );
}

#[test]
fn imported_referrals_and_reviews_follow_the_same_rules_as_refer_and_review() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]); // C-1
    env.consult(&["--date", "2026-03-01", "--family", "F-2"]); // C-2, voided below
    env.ok(&["void", "C-2", "--reason", "entered twice"]);
    let before = env.count("referral") + env.count("review");
    let cases: &[(&str, &str, &str)] = &[
        (
            "referrals",
            "consultation,date,to\nC-1,2026-02-28,csc\n",
            "column date: date 2026-02-28 is before",
        ),
        (
            "referrals",
            "consultation,date,to\nC-2,2026-03-02,csc\n",
            "C-2 was voided",
        ),
        (
            "referrals",
            "consultation,date,to,result\nC-1,2026-03-02,csc,s47\n",
            "column result_date",
        ),
        (
            "referrals",
            "consultation,date,to,urgent\nC-1,2026-03-02,csc,maybe\n",
            "column urgent",
        ),
        (
            "reviews",
            "consultation,date,status\nC-1,2026-02-27,ongoing\n",
            "column date",
        ),
        (
            "reviews",
            "consultation,date,status,follow_up\nC-1,2026-03-05,resolved,2026-03-20\n",
            "column follow_up",
        ),
        (
            "reviews",
            "consultation,date,status,result\nC-1,2026-03-05,ongoing,nfa\n",
            "column result: result does not apply",
        ),
        (
            "reviews",
            "consultation,date\nC-1,2026-03-05\n",
            "column status",
        ),
    ];
    for (kind, csv, expected) in cases {
        std::fs::write(env.path("in.csv"), csv).unwrap();
        let err = env.fails(&["import", "--records", kind, "in.csv"], 2);
        assert!(
            err.contains("line 2") && err.contains(expected),
            "{kind} {csv:?}: {err}"
        );
    }
    assert_eq!(
        env.count("referral") + env.count("review"),
        before,
        "nothing was imported"
    );
}

#[test]
fn an_imported_review_of_a_referral_sets_its_result() {
    let env = TestEnv::new();
    env.consult(&[
        "--date",
        "2026-02-10",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
    ]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-02-11"]);
    env.ok(&["review", "R-1", "--result", "s47", "--date", "2026-03-02"]);
    let copy = TestEnv::new();
    for (kind, period) in [
        ("consultations", ["--month", "2026-02"]),
        ("referrals", ["--month", "2026-02"]),
        ("reviews", ["--month", "2026-03"]),
    ] {
        // As if February's referrals had been exported before the front door decided.
        let text = env.ok(&["export", "--records", kind, period[0], period[1]]);
        let text = if kind == "referrals" {
            let pending = text.replace(",s47,2026-03-02,", ",pending,,");
            assert_ne!(pending, text, "the referral's result is in the export");
            pending
        } else {
            text
        };
        std::fs::write(copy.path("in.csv"), text).unwrap();
        copy.ok(&["import", "--records", kind, "in.csv"]);
    }
    assert_eq!(
        copy.sql("SELECT result, result_date FROM referral"),
        [["s47", "2026-03-02"]]
    );
    let report =
        crate::common::json(&copy.ok(&["report", "--month", "2026-02", "--format", "json"]));
    assert_eq!(report["referrals"]["taken_up_rate"], 1.0);
}

#[test]
fn a_failed_import_into_a_new_logbook_leaves_no_file() {
    let env = TestEnv::new();
    std::fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level\n2026-03-01,Sam,S,2A,F,advice,1\n2026-03-01,Sam,S,teacher,F,advice,1\n",
    )
    .unwrap();
    let err = env.fails(&["import", "--records", "consultations", "in.csv"], 2);
    assert!(err.contains("line 3, column agency"), "{err}");
    assert!(!env.db().exists(), "the new logbook was removed again");
    assert!(!env.path("logbook.db-wal").exists() && !env.path("logbook.db-shm").exists());
}
