//! `caselog import` checks a file as strictly as a person typing: errors name the file's own
//! lines (whatever its line ends), and blank dates, out-of-range IDs, odd timestamps, malformed
//! quoting and links that are not UUIDs are refused by line and column, writing nothing.

use crate::common::TestEnv;

/// The header of the consultation files below: the required columns, and a free-text column
/// whose cells may hold line breaks.
const HEADER: &str = "date,advisor,setting,agency,family,level,outcome,rationale";

/// Writes `bytes` as `name` and runs an import of `records` that must be refused (exit 2), and
/// returns its standard error.
fn refused(env: &TestEnv, records: &str, name: &str, bytes: impl AsRef<[u8]>) -> String {
    std::fs::write(env.path(name), bytes).unwrap();
    env.fails(&["import", "--records", records, name], 2)
}

/// Writes `bytes` as `name` and runs an import of `records` that must succeed, and returns its
/// standard output.
fn imported(env: &TestEnv, records: &str, name: &str, bytes: impl AsRef<[u8]>) -> String {
    std::fs::write(env.path(name), bytes).unwrap();
    env.ok(&["import", "--records", records, name])
}

fn assert_all(err: &str, expected: &[&str]) {
    for e in expected {
        assert!(err.contains(e), "missing {e:?} in\n{err}");
    }
}

#[test]
fn line_numbers_are_the_file_s_own_lines_whatever_its_line_ends() {
    for (eol, bom) in [("\n", ""), ("\r\n", "\u{feff}"), ("\r\n", ""), ("\r", "")] {
        let env = TestEnv::new();
        env.consult(&[]);
        // Joined by the file's line end: each string is one line, except those whose quoted
        // cell holds line breaks of the same kind, which span two or three lines. The file ends
        // with blank lines.
        let lines = [
            format!("{bom}{HEADER}"),                                             // 1
            "2026-03-01,Sam,Oak,2A,F-1,1,advice,".to_string(),                    // 2
            String::new(),                                                        // 3
            "2026-03-01,Sam,Oak,teacher,F-2,1,advice,\"first".to_string(),        // 4
            "second\"".to_string(),                                               // 5
            format!("2026-03-02,Sam,Oak,2A,F-3,1,advice,\"one{eol}{eol}three\""), // 6, 7, 8
            String::new(),                                                        // 9
            "2026-03-01,Sam,Oak,2A,F-1,9,advice,".to_string(),                    // 10
            String::new(),                                                        // 11
            "2026-03-01,Sam".to_string(),                                         // 12
            "2026-03-01,Sam,Oak,2A,F-##,1,advice,".to_string(),                   // 13
            format!("2026-03-01,Sam,Oak,2A,F-5,9,advice,\"a{eol}b\""),            // 14, 15
            String::new(),                                                        // 16
            String::new(),                                                        // 17
            String::new(),
        ];
        // Line 13's family is not UTF-8: "##" stands for two bytes 0xFF.
        let bytes = lines.join(eol).replace("F-##", "F-\u{1}\u{1}").into_bytes();
        let bytes: Vec<u8> = bytes
            .into_iter()
            .map(|b| if b == 1 { 0xff } else { b })
            .collect();
        let err = refused(&env, "consultations", "in.csv", &bytes);
        assert_all(
            &err,
            &[
                "5 problems",
                "line 4, column agency: agency 'teacher' is not a valid code",
                "line 10, column level: level '9' is not valid",
                "line 12: the row has 2 cells but the header has 8",
                "line 13, column family: the cell is not UTF-8 text",
                "line 14, column level: level '9' is not valid",
                "nothing was imported",
            ],
        );
        assert_eq!(env.count("consultation"), 1, "{eol:?}: nothing was written");
    }
}

#[test]
fn a_row_that_starts_with_line_breaks_in_a_quoted_cell_is_named_by_its_first_line() {
    let env = TestEnv::new();
    let err = refused(
        &env,
        "consultations",
        "in.csv",
        "rationale,date,advisor,setting,agency,family,level,outcome\r\n\r\n\
         \"Two\r\nlines\",2026-03-01,Sam,Oak,teacher,F,1,advice\r\n\r\n",
    );
    assert!(err.contains("line 3, column agency"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn malformed_quoting_is_refused_with_line_and_column() {
    let env = TestEnv::new();
    let err = refused(
        &env,
        "consultations",
        "in.csv",
        format!(
            "{HEADER}\n\
             2026-03-01,Sam,\"Oak\"wood,2A,F-1,1,advice,\n\
             2026-03-01,Sam,Oak,2A,F-2,1,advice,\n\
             2026-03-01,Sam,Oak,2A,\"F-3,1,advice,\n\
             2026-03-01,Sam,Oak,2A,F-4,1,advice,\n"
        ),
    );
    assert_all(
        &err,
        &[
            "2 problems",
            "line 2, column setting: text follows the closing quote",
            "line 4, column family: the quote that opens the cell is never closed",
            "nothing was imported",
        ],
    );
    assert!(!env.db().exists());

    // In the header too, where the cell is named by its place.
    let err = refused(
        &env,
        "consultations",
        "head.csv",
        "date,\"advisor\"s,setting,agency,family,level,outcome\n",
    );
    assert!(
        err.contains("line 1, cell 2: text follows the closing quote"),
        "{err}"
    );
    assert!(!env.db().exists());
}

#[test]
fn a_blank_date_is_refused_rather_than_taken_as_today() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    let counts = |env: &TestEnv| {
        [
            env.count("consultation"),
            env.count("referral"),
            env.count("review"),
        ]
    };
    for (records, text) in [
        (
            "consultations",
            format!("{HEADER}\n2026-03-01,Sam,Oak,2A,F-1,1,advice,\n ,Sam,Oak,2A,F-2,1,advice,\n"),
        ),
        (
            "referrals",
            "consultation,date,to\nC-1,2026-03-03,csc\nC-1,,csc\n".to_string(),
        ),
        (
            "reviews",
            "consultation,date,status\nC-1,2026-03-03,ongoing\nC-1,,ongoing\n".to_string(),
        ),
        (
            "reviews",
            "referral,date,result\nR-1,2026-03-03,nfa\nR-1,,nfa\n".to_string(),
        ),
    ] {
        let err = refused(&env, records, "in.csv", text);
        assert!(
            err.contains("1 problem;") && err.contains("line 3, column date: missing date"),
            "{records}: {err}"
        );
        assert_eq!(counts(&env), [1, 1, 0], "{records}: nothing was written");
    }
}

#[test]
fn record_numbers_above_a_thousand_million_are_refused() {
    let env = TestEnv::new();
    env.consult(&[]);
    let err = refused(
        &env,
        "consultations",
        "in.csv",
        format!(
            "id,{HEADER}\n\
             C-9223372036854775807,2026-03-01,Sam,Oak,2A,F-1,1,advice,\n\
             C-1000000001,2026-03-01,Sam,Oak,2A,F-1,1,advice,\n\
             C-99999999999999999999999,2026-03-01,Sam,Oak,2A,F-1,1,advice,\n"
        ),
    );
    assert_all(
        &err,
        &[
            "3 problems",
            "line 2, column id: 'C-9223372036854775807' is out of range: record numbers go up to \
             1000000000",
            "line 3, column id: 'C-1000000001' is out of range",
            "line 4, column id: 'C-99999999999999999999999' is out of range",
        ],
    );
    assert_eq!(env.count("consultation"), 1);

    let err = refused(
        &env,
        "referrals",
        "ref.csv",
        "consultation,date,to\nC-99999999999,2026-03-15,csc\n",
    );
    assert!(
        err.contains("line 2, column consultation: 'C-99999999999' is out of range"),
        "{err}"
    );
    assert_eq!(env.count("referral"), 0);

    // The same bound wherever an ID is typed.
    for args in [
        &["show", "C-99999999999"][..],
        &["show", "V-99999999999999999999"],
        &["void", "C-99999999999", "--reason", "typo"],
        &["refer", "C-99999999999", "--to", "csc"],
    ] {
        let err = env.fails(args, 2);
        assert!(err.contains("is out of range"), "{args:?}: {err}");
    }
    assert_eq!(env.count("consultation"), 1);

    // Up to the bound, an ID is kept; the next record is numbered after it.
    imported(
        &env,
        "consultations",
        "top.csv",
        format!("id,{HEADER}\nC-1000000000,2026-03-01,Sam,Oak,2A,F-1,1,advice,\n"),
    );
    assert_eq!(
        env.sql("SELECT id FROM consultation ORDER BY id"),
        [["1"], ["1000000000"]]
    );
    assert!(env.ok(&["show", "C-1000000000"]).contains("C-1000000000"));
}

#[test]
fn created_at_must_be_past_and_in_utc_and_offsets_are_made_utc() {
    let env = TestEnv::new();
    let err = refused(
        &env,
        "consultations",
        "in.csv",
        format!(
            "{HEADER},created_at\n\
             2026-03-15,Sam,Oak,2A,F-1,1,advice,,2026-03-15T10:00:01Z\n\
             2026-03-15,Sam,Oak,2A,F-1,1,advice,,2026-03-15T10:00:00\n\
             2026-03-15,Sam,Oak,2A,F-1,1,advice,,2026-03-15 09:00\n\
             2026-03-15,Sam,Oak,2A,F-1,1,advice,,2026-03-15T11:30:00+02:00\n"
        ),
    );
    assert_all(
        &err,
        &[
            "3 problems",
            "line 2, column created_at: 2026-03-15T10:00:01Z is in the future (it is now \
             2026-03-15T10:00:00Z)",
            "line 3, column created_at: '2026-03-15T10:00:00' has no time zone",
            "line 4, column created_at: '2026-03-15 09:00' is not a timestamp",
        ],
    );
    assert!(!env.db().exists());

    // An offset is accepted and stored in UTC, to the second, as caselog writes it.
    let out = imported(
        &env,
        "consultations",
        "ok.csv",
        format!(
            "{HEADER},created_at\n\
             2026-03-15,Sam,Oak,2A,F-1,1,advice,,2026-03-15T11:30:00+02:00\n\
             2026-03-14,Sam,Oak,2A,F-2,1,advice,,2026-03-14T23:59:59.750-01:00\n\
             2026-03-14,Sam,Oak,2A,F-3,1,advice,,2026-03-15T10:00:00Z\n"
        ),
    );
    assert!(out.contains("Added 3 "), "{out}");
    assert_eq!(
        env.sql("SELECT created_at FROM consultation ORDER BY id"),
        [
            ["2026-03-15T09:30:00Z"],
            ["2026-03-15T00:59:59Z"],
            ["2026-03-15T10:00:00Z"]
        ]
    );
    let export = env.ok(&["export", "--month", "2026-03"]);
    assert!(export.contains(",2026-03-15T09:30:00Z\n"), "{export}");
}

#[test]
fn a_link_that_is_not_a_uuid_says_so_and_any_spelling_of_a_uuid_links() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01"]);
    let uuid = env.sql("SELECT uuid FROM consultation")[0][0].clone();
    let err = refused(
        &env,
        "referrals",
        "in.csv",
        "consultation_uuid,date,to\nC-1,2026-03-02,csc\n",
    );
    assert!(
        err.contains("line 2, column consultation_uuid: 'C-1' is not a UUID"),
        "{err}"
    );
    let err = refused(
        &env,
        "reviews",
        "in.csv",
        "referral_uuid,date,result\nR-1,2026-03-02,nfa\n",
    );
    assert!(
        err.contains("line 2, column referral_uuid: 'R-1' is not a UUID"),
        "{err}"
    );
    assert_eq!(env.count("referral") + env.count("review"), 0);

    let upper = uuid.to_uppercase();
    let braces = format!("{{{uuid}}}");
    let simple = uuid.replace('-', "");
    let out = imported(
        &env,
        "referrals",
        "ref.csv",
        format!(
            "consultation_uuid,date,to\n{upper},2026-03-02,csc\n{braces},2026-03-03,police\n\
             {simple},2026-03-04,health\n"
        ),
    );
    assert!(out.contains("Added 3 referrals"), "{out}");
    assert_eq!(
        env.sql("SELECT DISTINCT consultation_id FROM referral"),
        [["1"]]
    );

    let referral = env.sql("SELECT uuid FROM referral WHERE id = 1")[0][0].to_uppercase();
    let out = imported(
        &env,
        "reviews",
        "rev.csv",
        format!(
            "consultation_uuid,referral_uuid,date,status,result\n\
             {braces},,2026-03-05,ongoing,\n,{{{referral}}},2026-03-05,,nfa\n"
        ),
    );
    assert!(out.contains("Added 2 reviews"), "{out}");
    assert_eq!(
        env.sql("SELECT consultation_id, referral_id FROM review ORDER BY id"),
        [["1", ""], ["", "1"]]
    );
}

#[test]
fn rows_of_empty_cells_are_skipped_and_not_counted() {
    let env = TestEnv::new();
    let out = imported(
        &env,
        "consultations",
        "in.csv",
        format!(
            "{HEADER}\n\
             2026-03-01,Sam,Oak,2A,F-1,1,advice,\n\
             ,,,,,,,\n\
             \"\", ,,,,,,\n\
             2026-03-02,Sam,Oak,2A,F-2,1,advice,\n\
             ,,,,,,,\n"
        ),
    );
    assert!(out.contains("Added 2 consultations"), "{out}");
    assert_eq!(env.count("consultation"), 2);

    // A file of nothing but empty rows adds nothing; after empty rows, lines still count.
    let out = imported(
        &env,
        "consultations",
        "empty.csv",
        format!("{HEADER}\n,,,,,,,\n"),
    );
    assert!(out.contains("Added 0 consultations"), "{out}");
    let err = refused(
        &env,
        "consultations",
        "bad.csv",
        format!("{HEADER}\n,,,,,,,\n,,,,,,,\n2026-03-01,Sam,Oak,2A,F-3,7,advice,\n"),
    );
    assert!(
        err.contains("1 problem;") && err.contains("line 4, column level"),
        "{err}"
    );
    assert_eq!(env.count("consultation"), 2);
}

#[test]
fn a_semicolon_separated_file_gets_a_hint_about_the_delimiter() {
    let env = TestEnv::new();
    let err = refused(
        &env,
        "consultations",
        "in.csv",
        "date;advisor;setting;agency;family;level;outcome\r\n2026-03-01;Sam;Oak;2A;F-1;1;advice\r\n",
    );
    assert_all(
        &err,
        &[
            "in.csv, line 1: the columns are separated by semicolons",
            "caselog reads comma-separated files",
            "hint: save it again as comma-separated CSV",
        ],
    );
    assert!(!env.db().exists());
}
