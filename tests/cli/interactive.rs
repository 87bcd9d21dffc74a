//! A whole interactive `caselog consult` in a pseudo-terminal: the prompts are answered as a
//! person would, and the saved record is checked.

use std::process::Command;
use std::time::Duration;

use expectrl::{Eof, Expect, Session};

use crate::common::{NOW, TestEnv};

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
        .args(args);
    let mut s = Session::spawn(cmd).expect("spawn caselog in a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Waits for a prompt, then types keys.
fn answer(s: &mut expectrl::session::OsSession, prompt: &str, keys: &[&str]) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for k in keys {
        s.send(k).expect("send keys");
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
    answer(&mut s, "Consultee's role", &["DSL", ENTER]);
    answer(&mut s, "Family reference", &["PTY-1", ENTER]);
    answer(&mut s, "Number of children", &["2", ENTER]);
    answer(
        &mut s,
        "Factors",
        &[
            DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, " ", ENTER,
        ],
    ); // 4B
    answer(
        &mut s,
        "Child's developmental needs",
        &[DOWN, DOWN, DOWN, " ", ENTER],
    ); // C2.1
    answer(
        &mut s,
        "Parenting capacity",
        &[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, " ", ENTER],
    ); // P3.2
    answer(&mut s, "Family and environment", &[ENTER]);
    answer(&mut s, "Level of need the consultee believed", &down(4)); // 4
    s.expect("Suggested level: 3 (Targeted early help)")
        .expect("suggested level shown");
    answer(&mut s, "Your judgement of the level of need", &[ENTER]); // suggested 3
    answer(&mut s, "confidence before", &down(2)); // 2
    answer(&mut s, "confidence after", &down(4)); // 4
    answer(&mut s, "Consent", &down(1)); // given
    answer(&mut s, "Outcome agreed", &down(2)); // early-help
    answer(&mut s, "worried about", &["Often late and hungry", ENTER]);
    answer(&mut s, "working well", &[ENTER]);
    answer(
        &mut s,
        "Advice given",
        &["Talk to mum about early help", ENTER],
    );
    answer(&mut s, "Follow-up date", &["+2w", ENTER]);
    s.expect("Parenting capacity: P3.2")
        .expect("summary before saving");
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect("Recorded C-1").expect("saved");
    s.expect(Eof).expect("caselog ends");

    assert_eq!(
        env.sql(
            "SELECT date, advisor, setting, mode, agency, role, family, children, factors, \
             indicators, consultee_level, suggested_level, level, confidence_before, \
             confidence_after, consent, outcome, worry, strengths, advice, follow_up \
             FROM consultation"
        ),
        [[
            "2026-03-15",
            "Sam Advisor",
            "Oakwood surgery",
            "surgery",
            "2A",
            "DSL",
            "PTY-1",
            "2",
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
            "--factor",
            "3B",
            "--worry",
            "w",
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
    answer(&mut s, "Consultee's role", &["practice nurse", ENTER]);
    s.expect("Family reference").expect("the family question");
    s.send("\x03").expect("Ctrl-C");
    s.expect("not saved: the questions were broken off")
        .expect("reported");
    s.expect("--date 2026-03-02 --advisor Sam --setting 'Elm GP practice' --mode phone --agency gp --role 'practice nurse'")
        .expect("what was typed, as a command");
    s.expect(Eof).expect("caselog ends");
    assert!(!env.db().exists(), "nothing written");
}
