//! A whole interactive `caselog consult` in a pseudo-terminal: the prompts are answered as a
//! person would, and the saved record is checked.

use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Expect, Session};

use crate::common::{NOW, TestEnv, json};

pub(crate) const DOWN: &str = "\x1b[B";
pub(crate) const UP: &str = "\x1b[A";
pub(crate) const ENTER: &str = "\r";
pub(crate) const BACKSPACE: &str = "\x7f";
pub(crate) const CTRL_C: &str = "\x03";

pub(crate) fn session(env: &TestEnv, args: &[&str]) -> expectrl::session::OsSession {
    session_with(env, args, |_| {})
}

/// A session in the test's directory, with `configure` adding to its environment.
pub(crate) fn session_with(
    env: &TestEnv,
    args: &[&str],
    configure: impl FnOnce(&mut Command),
) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caselog"));
    cmd.env_clear()
        .env("HOME", env.path("home"))
        .env("CASELOG_DB", env.db())
        .env("CASELOG_NOW", NOW)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .current_dir(env.dir.path())
        .args(args);
    configure(&mut cmd);
    let mut s = Session::spawn(cmd).expect("spawn caselog in a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Waits for a prompt, then types keys, each once the prompt is reading keys.
pub(crate) fn answer(s: &mut expectrl::session::OsSession, prompt: &str, keys: &[&str]) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for k in keys {
        wait_for_raw_mode(s);
        s.send(k).expect("send keys");
    }
}

/// Waits until the terminal is in raw mode (no echo), which a prompt sets while it waits for a
/// key. A key sent while the terminal is still in line mode (just after a prompt is drawn,
/// before it reads) is taken by the terminal's line editing — a Backspace is swallowed — which
/// under load made these tests fail now and then.
pub(crate) fn wait_for_raw_mode(s: &expectrl::session::OsSession) {
    let start = std::time::Instant::now();
    while s.get_process().get_echo().unwrap_or(false) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the prompt never read a key"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn down(n: usize) -> Vec<&'static str> {
    let mut keys = vec![DOWN; n];
    keys.push(ENTER);
    keys
}

#[test]
fn a_whole_consultation_answered_at_the_prompts() {
    let env = TestEnv::new();
    let mut s = session(&env, &["consult", "--advisor", "Sam Advisor"]);
    answer(&mut s, "Date of the consultation", &[ENTER]);
    answer(&mut s, "Setting (where)", &["Oakwood surgery", ENTER]);
    answer(&mut s, "How", &[ENTER]); // surgery, the default
    answer(&mut s, "Consultee's agency", &down(4)); // 2A Schools
    answer(
        &mut s,
        "Consultee's organisation",
        &["Oakwood Primary", ENTER],
    );
    answer(&mut s, "Consultee's role", &["DSL", ENTER]);
    answer(&mut s, "Family reference", &["PTY-1", ENTER]);
    s.expect("Family PTY-1: nothing recorded since 2025-03-15.")
        .expect("the family's last year");
    answer(&mut s, "Ages of the children", &["7 unborn", ENTER]);
    answer(&mut s, "Level of need the consultee believed", &down(4)); // 4
    answer(&mut s, "confidence before", &down(2)); // 2
    answer(&mut s, "worried about", &["Often late and hungry", ENTER]);
    answer(&mut s, "child's voice", &["Likes school", ENTER]);
    answer(&mut s, "working well", &[ENTER]);
    answer(&mut s, "Factors", &["4B", ENTER]);
    answer(&mut s, "Checklist indicators", &["C2.1 P3.2", ENTER]);
    s.expect("Suggested level: 3 (Targeted early help)")
        .expect("suggested level shown");
    answer(&mut s, "Your judgement of the level of need", &[ENTER]); // suggested 3
    answer(&mut s, "Outcome agreed", &down(2)); // early-help
    answer(&mut s, "Consent", &down(1)); // given
    answer(
        &mut s,
        "Advice given",
        &["Talk to mum about early help", ENTER],
    );
    answer(&mut s, "confidence after", &down(4)); // 4
    answer(&mut s, "Follow-up date", &["+2w", ENTER]);
    s.expect("P3.2 (level 3) Signs of neglect")
        .expect("summary before saving");
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect("Recorded C-1").expect("saved");
    s.expect(Eof).expect("caselog ends");

    assert_eq!(
        env.sql(
            "SELECT date, advisor, setting, mode, agency, organisation, role, family, children, \
             ages, factors, indicators, consultee_level, suggested_level, level, \
             confidence_before, confidence_after, consent, outcome, worry, voice, strengths, \
             advice, follow_up FROM consultation"
        ),
        [[
            "2026-03-15",
            "Sam Advisor",
            "Oakwood surgery",
            "surgery",
            "2A",
            "Oakwood Primary",
            "DSL",
            "PTY-1",
            "2",
            "unborn;7",
            "4B",
            "C2.1;P3.2",
            "4",
            "3",
            "3",
            "2",
            "4",
            "given",
            "early-help",
            "Often late and hungry",
            "Likes school",
            "",
            "Talk to mum about early help",
            "2026-03-29",
        ]]
    );
}

#[test]
fn declining_to_save_writes_nothing_and_prints_the_command_to_record_it() {
    let env = TestEnv::new();
    let mut s = session(
        &env,
        &[
            "consult",
            "--advisor",
            "Sam",
            "--agency",
            "police",
            "--family",
            "F-2",
            "--indicator",
            "C2.1",
            "--consultee-level",
            "2",
            "--confidence-before",
            "3",
            "--confidence-after",
            "4",
            "--consent",
            "given",
            "--outcome",
            "advice",
            "--role",
            "PCSO",
            "--organisation",
            "Northshire Police",
            "--factor",
            "3B",
            "--worry",
            "w",
            "--voice",
            "v",
            "--strengths",
            "s",
            "--advice",
            "a",
            "--follow-up",
            "+1w",
            "--date",
            "2026-03-10",
            "--mode",
            "phone",
            "--children",
            "1",
        ],
    );
    answer(
        &mut s,
        "Setting (where)",
        &["Northgate children's centre", ENTER],
    );
    answer(&mut s, "Your judgement of the level of need", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["n"]);
    s.expect("not saved").expect("refusal reported");
    s.expect("--setting \"Northgate children's centre\" --mode phone")
        .expect("the command to re-run");
    s.expect(Eof).expect("caselog ends");
    assert!(!env.db().exists(), "nothing written");
}

#[test]
fn breaking_off_the_questions_keeps_what_was_typed() {
    let env = TestEnv::new();
    let mut s = session(&env, &["consult", "--advisor", "Sam", "--agency", "gp"]);
    answer(&mut s, "Date of the consultation", &["2026-03-02", ENTER]);
    answer(&mut s, "Setting (where)", &["Elm GP practice", ENTER]);
    answer(&mut s, "How", &[DOWN, ENTER]); // phone
    answer(&mut s, "Consultee's organisation", &[ENTER]);
    answer(&mut s, "Consultee's role", &["practice nurse", ENTER]);
    s.expect("Family reference").expect("the family question");
    s.send("\x03").expect("Ctrl-C");
    s.expect("not saved: the questions were broken off")
        .expect("reported");
    // Codes are typed values: an alias given ("gp") comes back as its code.
    s.expect("--date 2026-03-02 --advisor Sam --setting 'Elm GP practice' --mode phone --agency 3A --role 'practice nurse'")
        .expect("what was typed, as a command");
    s.expect(Eof).expect("caselog ends");
    assert!(!env.db().exists(), "nothing written");
}

/// Everything the session printed until it ended, as text.
pub(crate) fn rest(s: &mut expectrl::session::OsSession) -> String {
    let seen = s.expect(Eof).expect("caselog ends");
    String::from_utf8_lossy(seen.as_bytes()).into_owned()
}

/// The command printed after "run: " (or "to finish later: "), as its words.
fn printed_command(output: &str) -> Vec<String> {
    let line = output
        .lines()
        .find_map(|l| {
            l.split_once("run: ")
                .or_else(|| l.split_once("to finish later: "))
                .map(|(_, c)| c.trim_end_matches('\r'))
        })
        .unwrap_or_else(|| panic!("no command printed in:\n{output}"));
    let words = shlex::split(line).unwrap_or_else(|| panic!("not a shell command: {line}"));
    assert_eq!(words[0], "caselog", "{line}");
    words[1..].to_vec()
}

/// Every flag for a consultation except --setting, --level and --rationale, so that the form
/// asks only for those (and the confirmation).
const ALMOST: &[&str] = &[
    "consult",
    "--date",
    "2026-03-10",
    "--advisor",
    "Sam",
    "--mode",
    "phone",
    "--agency",
    "police",
    "--role",
    "PCSO",
    "--organisation",
    "Northshire Police",
    "--family",
    "F-2",
    "--children",
    "1",
    "--factor",
    "3B",
    "--indicator",
    "C2.1",
    "--consultee-level",
    "2",
    "--confidence-before",
    "3",
    "--confidence-after",
    "4",
    "--consent",
    "given",
    "--outcome",
    "advice",
    "--worry",
    "w",
    "--voice",
    "v",
    "--strengths",
    "s",
    "--advice",
    "a",
    "--follow-up",
    "+1w",
];

#[test]
fn an_empty_advisor_from_a_flag_the_environment_or_the_config_is_asked_for() {
    let env = TestEnv::new();
    std::fs::write(env.path("config.toml"), "advisor = \"\"\n").unwrap();
    let cases: [(&[&str], (&str, &str)); 3] = [
        (&["consult", "--advisor="], ("TERM", "xterm")),
        (&["consult"], ("CASELOG_ADVISOR", "")),
        (&["--config", "config.toml", "consult"], ("TERM", "xterm")),
    ];
    for (args, (key, value)) in cases {
        let mut s = session_with(&env, args, |cmd| {
            cmd.env(key, value);
        });
        answer(&mut s, "Date of the consultation", &[ENTER]);
        answer(&mut s, "Advisor (you)", &["Robin Typed", ENTER]);
        answer(&mut s, "Setting (where)", &[CTRL_C]);
        let output = rest(&mut s);
        assert!(
            output.contains("not saved: the questions were broken off (Ctrl-C was pressed)"),
            "{args:?}: {output}"
        );
        let words = printed_command(&output);
        let at = words
            .iter()
            .position(|w| w == "--advisor")
            .expect("--advisor");
        assert_eq!(words[at + 1], "Robin Typed", "{args:?}: {words:?}");
    }
    assert!(!env.db().exists(), "nothing written");
}

#[test]
fn a_blank_answer_to_a_required_question_is_refused_at_the_prompt() {
    let env = TestEnv::new();
    let mut s = session(&env, ALMOST);
    answer(&mut s, "Setting (where)", &["   ", ENTER]);
    s.expect("the setting is needed: where the consultation took place")
        .expect("a blank setting refused");
    answer(&mut s, "Setting (where)", &["Northgate", ENTER]);
    answer(&mut s, "Your judgement of the level of need", &[UP, ENTER]); // 1, below the 2 suggested
    answer(&mut s, "Why your judgement differs", &["   ", ENTER]);
    s.expect("a rationale is needed: your level 1 differs from the suggested level 2")
        .expect("a blank rationale refused");
    answer(
        &mut s,
        "Why your judgement differs",
        &["Carer coping well", ENTER],
    );
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect("Recorded C-1").expect("saved");
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT setting, level, suggested_level, rationale FROM consultation"),
        [["Northgate", "1", "2", "Carer coping well"]]
    );
}

#[test]
fn a_refused_answer_is_offered_again_to_edit_with_the_valid_range() {
    let env = TestEnv::new();
    let args: Vec<&str> = ALMOST
        .iter()
        .copied()
        .filter(|a| !["--children", "1"].contains(a))
        .collect();
    let mut s = session(&env, &args);
    answer(&mut s, "Setting (where)", &["Northgate", ENTER]);
    answer(&mut s, "Ages of the children", &[ENTER]);
    answer(&mut s, "Number of children (1–30)", &["40", ENTER]);
    s.expect("children '40' is not valid; children is a number of children from 1 to 30")
        .expect("the range shown");
    // The refused "40" is typed again: one backspace leaves "4".
    answer(&mut s, "Number of children (1–30)", &[BACKSPACE, ENTER]);
    answer(&mut s, "Your judgement of the level of need", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect("Recorded C-1").expect("saved");
    s.expect(Eof).expect("caselog ends");
    assert_eq!(env.sql("SELECT children FROM consultation"), [["4"]]);
}

#[test]
fn ctrl_c_at_the_confirmation_prints_the_command_to_record_it() {
    let env = TestEnv::new();
    let mut s = session(&env, ALMOST);
    answer(&mut s, "Setting (where)", &["Northgate", ENTER]);
    answer(&mut s, "Your judgement of the level of need", &[ENTER]);
    answer(&mut s, "Save this consultation?", &[CTRL_C]);
    let output = rest(&mut s);
    assert!(
        output.contains("not saved: the confirmation was broken off (Ctrl-C was pressed)"),
        "{output}"
    );
    let words = printed_command(&output);
    assert!(!env.db().exists(), "nothing written");
    let out = env.cmd().args(&words).output().unwrap();
    assert!(out.status.success(), "{words:?}: {out:?}");
    assert_eq!(
        env.sql("SELECT date, setting, follow_up FROM consultation"),
        [["2026-03-10", "Northgate", "2026-03-17"]]
    );
}

#[test]
fn the_printed_command_records_the_same_consultation_later() {
    let env = TestEnv::new();
    // A partnership's checklist with an indicator of its own, and a config with the advisor.
    let thresholds = format!(
        "{}\n[[indicators]]\nid = \"C2.9\"\ntext = \"A partnership's own indicator\"\n",
        include_str!("../../src/domain/default_thresholds.toml")
    );
    std::fs::write(env.path("partnership.toml"), thresholds).unwrap();
    std::fs::write(env.path("config.toml"), "advisor = \"Sam Config\"\n").unwrap();
    let args = [
        "--db",
        "other.db",
        "--config",
        "config.toml",
        "--thresholds",
        "partnership.toml",
        "consult",
        "--agency",
        "police",
        "--family",
        "F-3",
        "--indicator",
        "C2.9",
        "--indicator",
        "P3.2",
        "--outcome",
        "refer-csc",
        "--consultee-level",
        "2",
        "--confidence-before",
        "2",
        "--confidence-after",
        "3",
        "--consent",
        "given",
        "--worry",
        "w",
        "--voice",
        "v",
        "--strengths",
        "s",
        "--advice",
        "a",
        "--mode",
        "phone",
        "--children",
        "2",
        "--factor",
        "3B",
    ];
    let fill = |save: &str| {
        let mut s = session(&env, &args);
        answer(&mut s, "Date of the consultation", &["yesterday", ENTER]);
        answer(&mut s, "Setting (where)", &["-Northgate hall", ENTER]);
        answer(&mut s, "Consultee's organisation", &[ENTER]);
        answer(&mut s, "Consultee's role", &["DSL", ENTER]);
        answer(&mut s, "Your judgement of the level of need", &[UP, ENTER]); // 2, not 3
        answer(&mut s, "Why your judgement differs", &["Gran helps", ENTER]);
        answer(&mut s, "Follow-up date", &["+2w", ENTER]);
        answer(&mut s, "Save this consultation?", &[save]);
        rest(&mut s)
    };
    fill("y"); // C-1
    let output = fill("n");
    assert!(
        output.contains("not saved: you chose not to save it"),
        "{output}"
    );
    let words = printed_command(&output);
    let line = words.join(" ");
    for part in [
        "--date 2026-03-14 ",
        "--setting=-Northgate hall ",
        "--follow-up 2026-03-28",
    ] {
        assert!(line.contains(part), "{part:?} in {line}");
    }
    // Run a week later, from the same directory, with no settings in the environment.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_caselog"))
        .env_clear()
        .env("HOME", env.path("home"))
        .env("CASELOG_NOW", "2026-03-22T09:00:00Z")
        .current_dir(env.dir.path())
        .args(&words)
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}: {out:?}");
    let show = |id: &str| {
        let shown = env.ok(&["--db", "other.db", "show", id, "--format", "json"]);
        let mut record = json(&shown);
        let fields = record.as_object_mut().expect("a JSON object");
        for varying in ["id", "uuid", "created_at"] {
            fields.remove(varying);
        }
        record
    };
    let first = show("C-1");
    assert_eq!(first["date"], "2026-03-14");
    assert_eq!(first["setting"], "-Northgate hall");
    assert_eq!(first["indicators"], json(r#"["P3.2", "C2.9"]"#));
    assert_eq!(show("C-2"), first);
    assert!(!env.db().exists(), "--db was followed, not CASELOG_DB");
}

#[test]
fn the_logbook_is_checked_before_any_question_is_asked() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    env.consult(&[]);
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o400)).unwrap();
    let mut s = session(&env, &["consult"]);
    let output = rest(&mut s);
    assert!(output.contains("is read-only"), "{output}");
    assert!(!output.contains("New consultation"), "{output}");
    assert!(!output.contains("Date of the consultation"), "{output}");
}

#[test]
fn a_logbook_that_cannot_be_written_after_the_questions_keeps_the_answers() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    env.consult(&[]);
    let mut s = session(&env, ALMOST);
    s.expect("Setting (where)").expect("the setting question");
    // Between the questions and the save, the logbook becomes read-only.
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o400)).unwrap();
    s.send("Northgate").unwrap();
    s.send(ENTER).unwrap();
    answer(&mut s, "Your judgement of the level of need", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    let output = rest(&mut s);
    assert!(output.contains("is read-only"), "{output}");
    let words = printed_command(&output);
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.cmd().args(&words).output().unwrap();
    assert!(out.status.success(), "{words:?}: {out:?}");
    assert_eq!(
        env.sql("SELECT id, setting FROM consultation WHERE id = 2"),
        [["2", "Northgate"]]
    );
}

#[test]
fn no_level_four_prompt_when_level_four_is_already_suggested() {
    let env = TestEnv::new();
    // Ticked with one flag each, and as one list.
    let one_each = [
        "--indicator",
        "C3.1",
        "--indicator",
        "C3.2",
        "--indicator",
        "P3.2",
        "--indicator",
        "C4.1",
    ];
    let one_list = ["--indicator", "C3.1;C3.2;P3.2;C4.1"];
    for indicators in [&one_each[..], &one_list[..]] {
        let mut args: Vec<&str> = ALMOST
            .iter()
            .copied()
            .filter(|a| !["--indicator", "C2.1"].contains(a))
            .collect();
        args.extend_from_slice(indicators);
        let mut s = session(&env, &args);
        answer(&mut s, "Setting (where)", &["Northgate", ENTER]);
        let seen = s
            .expect("Your judgement of the level of need")
            .expect("the level question");
        let before = String::from_utf8_lossy(seen.before()).into_owned();
        assert!(
            before.contains("Suggested level: 4"),
            "{indicators:?}: {before}"
        );
        assert!(!before.contains("consider"), "{indicators:?}: {before}");
        s.send(CTRL_C).unwrap();
        s.expect(Eof).expect("caselog ends");
    }
}
