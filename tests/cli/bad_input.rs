//! Bad input, everywhere: for every flag of every writing command, invalid values — a wrong code,
//! a wrong date, an out-of-range number, empty text where text is required, text over its limit,
//! control characters — give exit 2, a message naming the field and what is valid, and no change
//! to the logbook. One table drives the whole matrix.

use crate::common::{TestEnv, with_flag};

/// Every row of every table, to prove that nothing changed.
fn snapshot(env: &TestEnv) -> Vec<Vec<String>> {
    ["consultation", "referral", "review", "amendment"]
        .iter()
        .flat_map(|t| env.sql(&format!("SELECT '{t}', * FROM {t} ORDER BY id")))
        .collect()
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
    "--indicator",
    "C2.1",
    "--outcome",
    "advice",
];

#[test]
fn every_writing_flag_refuses_bad_values_and_writes_nothing() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-03-01", "--follow-up", "2026-03-10"]); // C-1
    env.ok(&["refer", "C-1", "--to", "csc", "--date", "2026-03-02"]);
    env.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--date",
        "2026-03-10",
    ]); // V-1
    let before = snapshot(&env);

    let long_short = "x".repeat(201);
    let long_note = "x".repeat(4001);
    let bell = "a\u{7}b";
    // (command prefix, flag, bad value, what the message must say besides the flag)
    let mut cases: Vec<(&[&str], &str, &str, &str)> = Vec::new();
    for (flag, bad, says) in [
        ("--date", "2026-13-01", "is not a date"),
        ("--date", "2026-03-16", "is in the future"),
        ("--advisor", " ", "missing --advisor"),
        ("--advisor", long_short.as_str(), "the limit is 200"),
        ("--advisor", bell, "control character"),
        ("--setting", "", "missing --setting"),
        ("--setting", long_short.as_str(), "the limit is 200"),
        ("--setting", "line\nbreak", "control character"),
        ("--mode", "fax", "valid mode codes"),
        ("--agency", "21", "valid agency codes"),
        ("--role", long_short.as_str(), "the limit is 200"),
        ("--role", bell, "control character"),
        ("--family", "", "missing --family"),
        ("--family", long_short.as_str(), "the limit is 200"),
        ("--family", "F\u{1b}[2J", "control character"),
        ("--children", "31", "from 1 to 30"),
        ("--children", "two", "from 1 to 30"),
        ("--factor", "21", "valid factor codes"),
        ("--indicator", "P9.1", "is not an indicator"),
        ("--consultee-level", "5", "from 1 to 4"),
        ("--level", "-1", "--level=-1"),
        ("--rationale", long_note.as_str(), "the limit is 4000"),
        ("--rationale", bell, "control character"),
        ("--confidence-before", "0", "1 (not at all confident) to 5"),
        ("--confidence-after", "5.5", "1 (not at all confident) to 5"),
        ("--consent", "maybe", "valid consent codes"),
        ("--outcome", "", "missing --outcome"),
        ("--outcome", "refer-now", "valid outcome codes"),
        ("--worry", long_note.as_str(), "the limit is 4000"),
        ("--strengths", bell, "control character"),
        ("--advice", long_note.as_str(), "the limit is 4000"),
        ("--follow-up", "+1y", "+3d (days) or +2w (weeks)"),
        ("--follow-up", "2026-02-01", "is before"),
        ("--follow-up", "9999-12-31", "more than a year after"),
        ("--follow-up", "", "is empty"),
        ("--date", "", "is empty"),
        ("--family", "F\u{200B}1", "U+200B"),
        ("--worry", "late\u{202E}again", "U+202E"),
    ] {
        cases.push((CONSULT, flag, bad, says));
    }
    let refer: &[&str] = &["refer", "C-1", "--to", "csc"];
    for (flag, bad, says) in [
        ("--date", "yesterday-ish", "is not a date"),
        ("--date", "2026-02-28", "before"),
        ("--date", "", "is empty"),
        ("--to", "school", "valid referral destination codes"),
        ("--by", "teacher", "valid referred by codes"),
        ("--reason", long_short.as_str(), "the limit is 200"),
        ("--reason", bell, "control character"),
        ("--consent", "yes", "valid consent codes"),
    ] {
        cases.push((refer, flag, bad, says));
    }
    let review_c: &[&str] = &["review", "C-1", "--status", "ongoing"];
    for (flag, bad, says) in [
        ("--date", "32/01/2026", "is not a date"),
        ("--status", "closed", "valid review status codes"),
        ("--note", long_note.as_str(), "the limit is 4000"),
        ("--note", bell, "control character"),
        ("--level", "0", "from 1 to 4"),
        ("--level", "-2", "--level=-2"),
        ("--confidence", "9", "1 (not at all confident) to 5"),
        ("--follow-up", "soon", "is not a date"),
        ("--follow-up", "2099-01-01", "more than a year after"),
        ("--note", "a\u{2028}b", "U+2028"),
    ] {
        cases.push((review_c, flag, bad, says));
    }
    let review_r: &[&str] = &["review", "R-1", "--result", "nfa"];
    for (flag, bad, says) in [
        ("--result", "accepted", "valid referral result codes"),
        ("--date", "2026-02-30", "is not a date"),
    ] {
        cases.push((review_r, flag, bad, says));
    }
    let amend: &[&str] = &["amend", "C-1", "--reason", "Typed in error"];
    for (flag, bad, says) in [
        ("--agency", "teacher", "valid agency codes"),
        ("--date", "2026-03-99", "is not a date"),
        ("--level", "7", "from 1 to 4"),
        ("--children", "-3", "--children=-3"),
        ("--setting", bell, "control character"),
        ("--family", long_short.as_str(), "the limit is 200"),
        ("--reason", "", "--reason"),
        // An empty value is not a way to clear a field (`--clear FIELD` is): it is refused.
        ("--date", "", "--date is empty"),
        ("--mode", " ", "missing --mode"),
        ("--children", "", "--children is empty"),
    ] {
        cases.push((amend, flag, bad, says));
    }
    let void: &[&str] = &["void", "V-1"];
    for (flag, bad, says) in [
        ("--reason", "", "--reason"),
        ("--reason", long_short.as_str(), "the limit is 200"),
        ("--reason", bell, "control character"),
    ] {
        cases.push((void, flag, bad, says));
    }

    let mut failures = Vec::new();
    for (prefix, flag, bad, says) in &cases {
        let args = with_flag(prefix, flag, bad);
        let out = env.run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let shown = if bad.len() > 20 { &bad[..20] } else { bad };
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{} {flag} {shown:?}: exit {:?}: {stderr}",
                prefix[0],
                out.status.code()
            ));
        } else if !stderr.starts_with("error: ") || !stderr.contains(flag) || !stderr.contains(says)
        {
            failures.push(format!(
                "{} {flag} {shown:?}: expected the flag and {says:?} in: {stderr}",
                prefix[0]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(snapshot(&env), before, "the logbook did not change");
}
