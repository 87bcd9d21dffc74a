//! The consult form as an advisor uses it after a surgery, in a pseudo-terminal: type-to-find
//! in the pick lists, the checklist in one line, line editing, notes written in an editor or
//! over several lines, defaults from the logbook, the family's last year, the whole record
//! before saving, a screen left clean at 60 and 80 columns (read through a terminal emulator),
//! and a standard entry scripted key by key with its keystrokes counted.

use std::time::{Duration, Instant};

use expectrl::session::OsSession;
use expectrl::{Eof, Expect};

use crate::common::TestEnv;
use crate::interactive::{
    BACKSPACE, CTRL_C, DOWN, ENTER, UP, answer, rest, session, session_with, wait_for_raw_mode,
};

const TAB: &str = "\t";
const HOME: &str = "\x1b[H";
const END: &str = "\x1b[F";
const LEFT: &str = "\x1b[D";
const RIGHT: &str = "\x1b[C";
const WORD_LEFT: &str = "\x1b[1;5D";
const PAGE_DOWN: &str = "\x1b[6~";
const CTRL_K: &str = "\x0b";
const CTRL_O: &str = "\x0f";
const CTRL_U: &str = "\x15";
const CTRL_W: &str = "\x17";

/// A key in a scripted entry, as the keystroke count sees it.
#[derive(Clone, Copy)]
enum Key {
    /// One key pressed: Enter, Tab, an arrow, Space, or a single-key answer.
    Press(&'static str),
    /// Characters typed as an answer's code, ID, number or date: each is a key.
    Typed(&'static str),
    /// Free text (a setting, a name, a reference, a note): not counted.
    Free(&'static str),
}

use Key::{Free, Press, Typed};

/// The keys of an entry other than its free text: those pressed, and those typed.
#[derive(Debug, Default, PartialEq)]
struct Tally {
    pressed: usize,
    typed: usize,
}

/// The standard entry's keys on the form before it took typed answers, scripted the same way
/// (each domain of the checklist a list to tick with Space, each pick list moved with arrows):
/// 52 keys pressed, and `+2w` typed.
const BEFORE: Tally = Tally {
    pressed: 52,
    typed: 3,
};

/// Waits for a prompt, then sends its keys (each once the prompt is reading keys), counting.
fn step(s: &mut OsSession, tally: &mut Tally, prompt: &str, keys: &[Key]) {
    s.expect(prompt)
        .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    for key in keys {
        let text = match *key {
            Press(k) => {
                tally.pressed += 1;
                k
            }
            Typed(t) => {
                tally.typed += t.chars().count();
                t
            }
            Free(t) => t,
        };
        wait_for_raw_mode(s);
        s.send(text).expect("send keys");
    }
}

/// Sends keys to the question being asked, each once it is reading keys.
fn press(s: &mut OsSession, keys: &[&str]) {
    for k in keys {
        wait_for_raw_mode(s);
        s.send(k).expect("send keys");
    }
}

/// The config file's advisor, as a surgery's entries are typed with it.
fn with_advisor(env: &TestEnv) {
    let config = env.path("home/.config/caselog");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "advisor = \"Sam Advisor\"\n").unwrap();
}

/// A logbook where the advisor is set in the config file, and family OAK-0142 was discussed
/// with Oakwood Primary's DSL a month ago.
fn surgery_logbook() -> TestEnv {
    let env = TestEnv::new();
    with_advisor(&env);
    env.consult(&[
        "--date",
        "2026-02-16",
        "--family",
        "OAK-0142",
        "--organisation",
        "Oakwood Primary School",
        "--role",
        "DSL",
        "--indicator",
        "C2.1",
        "--outcome",
        "advice",
        "--worry",
        "Often late",
    ]);
    env
}

/// Every flag of a consultation but those listed in `asked`, so that the form asks only for
/// those (and the level, which is left to its question).
fn flags_but(asked: &[&str]) -> Vec<&'static str> {
    let all: &[(&str, &str)] = &[
        ("--date", "today"),
        ("--advisor", "Sam Advisor"),
        ("--setting", "Oakwood Primary surgery"),
        ("--mode", "surgery"),
        ("--agency", "school"),
        ("--organisation", "Oakwood Primary School"),
        ("--role", "DSL"),
        ("--family", "OAK-0142"),
        ("--children", "2"),
        ("--factor", "3B"),
        ("--indicator", "C2.1"),
        ("--consultee-level", "2"),
        ("--confidence-before", "2"),
        ("--confidence-after", "4"),
        ("--consent", "given"),
        ("--outcome", "early-help"),
        ("--worry", "Often late"),
        ("--voice", "Likes school"),
        ("--strengths", "Gran helps"),
        ("--advice", "Offer early help"),
        ("--follow-up", "+2w"),
    ];
    let mut args = vec!["consult"];
    for (flag, value) in all {
        if !asked.contains(flag) {
            args.extend([*flag, *value]);
        }
    }
    args
}

#[test]
fn a_standard_entry_takes_fewer_than_half_the_keys_it_did() {
    let env = surgery_logbook();
    let mut s = session(&env, &["consult"]);
    let mut tally = Tally::default();
    let enter = [Press(ENTER)];
    step(&mut s, &mut tally, "Date of the consultation", &enter);
    // The setting, the agency, the organisation and the role are those last recorded.
    step(
        &mut s,
        &mut tally,
        "Setting (where) [Oakwood Primary surgery]",
        &enter,
    );
    step(&mut s, &mut tally, "How", &enter);
    step(&mut s, &mut tally, "Consultee's agency", &enter);
    step(
        &mut s,
        &mut tally,
        "Consultee's organisation (optional) [Oakwood Primary School]",
        &enter,
    );
    step(
        &mut s,
        &mut tally,
        "Consultee's role (optional) [DSL]",
        &enter,
    );
    step(
        &mut s,
        &mut tally,
        "Family reference",
        &[Free("OAK-0142"), Press(ENTER)],
    );
    // The family's last year, at once.
    let seen = s.expect("Ages of the children").expect("the ages question");
    let before = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(
        before.contains("Family OAK-0142 since 2025-03-15: 1 consultation, 0 referrals, 0 reviews"),
        "{before}"
    );
    assert!(
        before.contains(
            "2026-02-16  C-1  2A, Oakwood Primary School, DSL; level 2; advice · “Often l…"
        ),
        "{before}"
    );
    wait_for_raw_mode(&s);
    s.send(ENTER).unwrap();
    tally.pressed += 1;
    step(&mut s, &mut tally, "Number of children", &enter);
    step(
        &mut s,
        &mut tally,
        "Level of need the consultee believed",
        &[Typed("3"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "confidence before",
        &[Typed("2"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "worried about",
        &[Free("Often late and hungry"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "child's voice", &enter);
    step(&mut s, &mut tally, "working well", &enter);
    step(&mut s, &mut tally, "Factors", &enter);
    step(
        &mut s,
        &mut tally,
        "Checklist indicators",
        &[Typed("C2.1 P3.2 F2.1"), Press(ENTER)],
    );
    s.expect("Suggested level: 3 (Targeted early help)")
        .expect("the suggested level");
    step(&mut s, &mut tally, "Your judgement", &enter);
    step(
        &mut s,
        &mut tally,
        "Outcome agreed",
        &[Typed("e"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "Consent", &[Typed("g"), Press(ENTER)]);
    step(
        &mut s,
        &mut tally,
        "Advice given",
        &[Free("DSL to offer an early help assessment"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "confidence after",
        &[Typed("4"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "Follow-up date",
        &[Typed("+2w"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "Save this consultation?", &[Press("y")]);
    s.expect("Recorded C-2").expect("saved");
    s.expect(Eof).expect("caselog ends");

    assert_eq!(
        env.sql(
            "SELECT date, advisor, setting, mode, agency, organisation, role, family, children, \
             indicators, consultee_level, level, confidence_before, confidence_after, consent, \
             outcome, worry, advice, follow_up FROM consultation WHERE id = 2"
        ),
        [[
            "2026-03-15",
            "Sam Advisor",
            "Oakwood Primary surgery",
            "surgery",
            "2A",
            "Oakwood Primary School",
            "DSL",
            "OAK-0142",
            "1",
            "C2.1;F2.1;P3.2",
            "3",
            "3",
            "2",
            "4",
            "given",
            "early-help",
            "Often late and hungry",
            "DSL to offer an early help assessment",
            "2026-03-29",
        ]]
    );
    // The counts docs/guide.md gives.
    assert_eq!(
        tally,
        Tally {
            pressed: 23,
            typed: 22
        }
    );
    assert!(tally.pressed * 2 <= BEFORE.pressed, "{tally:?}");
    assert!(
        tally.pressed + tally.typed < BEFORE.pressed + BEFORE.typed,
        "{tally:?}"
    );
}

#[test]
fn an_agency_is_found_by_its_code_its_alias_or_words_of_its_label() {
    let env = TestEnv::new();
    let size = (80, 24);
    let mut s = sized_session(&env, size, &flags_but(&["--agency"]), |_| {});
    let mut screen = Screen::new(size);
    screen.at(&mut s, "Consultee's agency");
    let listed = |screen: &Screen| -> Vec<String> {
        screen
            .rows()
            .into_iter()
            .skip_while(|r| !r.starts_with("Consultee's agency"))
            .skip(1)
            .take_while(|r| r.starts_with("  ") && !r.contains("Enter to choose"))
            .map(|r| r.trim().to_string())
            .collect()
    };
    for (typed, found) in [
        ("health vis", &["> 3B  Health – health visitor"][..]),
        (
            "school",
            &["> 2A  Schools", "3C  Health – school nurse"][..],
        ),
        ("2a", &["> 2A  Schools"][..]),
        ("POLICE", &["> 6   Police"][..]),
    ] {
        press(&mut s, &[CTRL_U, typed]);
        screen.typed(&mut s, typed);
        assert_eq!(listed(&screen), found, "{typed:?}:\n{}", screen.text());
    }
    press(&mut s, &[CTRL_U, "health vis", ENTER]);
    screen.at(&mut s, "Your judgement");
    assert_eq!(
        screen.count("Consultee's agency: 3B — Health – health visitor"),
        1,
        "{}",
        screen.text()
    );
    press(&mut s, &[ENTER]);
    screen.at(&mut s, "Save this consultation?");
    press(&mut s, &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(env.sql("SELECT agency FROM consultation"), [["3B"]]);
}

#[test]
fn factors_are_found_by_words_and_taken_with_tab() {
    let env = TestEnv::new();
    let size = (80, 24);
    let mut s = sized_session(&env, size, &flags_but(&["--factor", "--outcome"]), |_| {});
    let mut screen = Screen::new(size);
    screen.at(&mut s, "Factors");
    press(&mut s, &["negl"]);
    screen.typed(&mut s, "negl");
    assert_eq!(screen.count("> 16A  Neglect"), 1, "{}", screen.text());
    press(&mut s, &[TAB, "domestic"]);
    screen.typed(&mut s, "Factors: 16A domestic");
    for shown in ["✔ 16A  Neglect", "> 3A   Domestic abuse – child"] {
        assert_eq!(screen.count(shown), 1, "{shown:?}:\n{}", screen.text());
    }
    // Down marks the next one found; Tab takes it.
    press(&mut s, &[DOWN, TAB, "24a", ENTER]);
    screen.at(&mut s, "Your judgement");
    let rows = screen.text();
    assert!(rows.contains("Factors: 16A 3B 24A"), "{rows}");
    assert!(
        rows.contains("24A  Child criminal exploitation"),
        "the labels are echoed: {rows}"
    );
    press(&mut s, &[ENTER]);
    screen.at(&mut s, "Outcome agreed");
    press(&mut s, &[ENTER]);
    screen.at(&mut s, "Save this consultation?");
    press(&mut s, &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT factors FROM consultation"),
        [["16A;3B;24A"]]
    );
}

#[test]
fn the_checklist_in_one_line_of_ids_or_words() {
    let env = TestEnv::new();
    let size = (80, 24);
    let mut s = sized_session(&env, size, &flags_but(&["--indicator"]), |_| {});
    let mut screen = Screen::new(size);
    screen.at(&mut s, "Checklist indicators");
    // An ID begun is completed with Tab.
    press(&mut s, &["c2."]);
    screen.typed(&mut s, "c2.");
    assert_eq!(
        screen.count("> C2.1  Attendance below expected, or persistent lateness"),
        1,
        "{}",
        screen.text()
    );
    assert_eq!(screen.count("6 found"), 1, "{}", screen.text());
    press(&mut s, &[TAB, "p3.2 "]);
    screen.typed(&mut s, "C2.1 p3.2");
    // IDs typed in full, in any case, are echoed back with their text.
    for echoed in [
        "✔ C2.1  Attendance below expected, or persistent lateness",
        "✔ P3.2  Signs of neglect (hygiene, food, clothing, home conditions)",
    ] {
        assert_eq!(screen.count(echoed), 1, "{echoed:?}:\n{}", screen.text());
    }
    // Words of an indicator's text find it.
    press(&mut s, &["debt"]);
    screen.typed(&mut s, "C2.1 p3.2 debt");
    assert_eq!(
        screen.count("> F2.1  Financial hardship or debt"),
        1,
        "{}",
        screen.text()
    );
    // A word that names no indicator is refused, and the line kept.
    press(&mut s, &[ENTER]);
    screen.wait_until(&mut s, "the refusal", |screen| {
        screen.contents().contains(
            "“debt” is not an indicator of the checklist in use: Tab takes the one marked",
        )
    });
    press(&mut s, &[CTRL_W, "C2.9", ENTER]);
    screen.wait_until(&mut s, "the refusal", |screen| {
        screen
            .contents()
            .contains("“C2.9” is not an indicator of the checklist in use\n")
    });
    assert!(
        screen.cursor_row().ends_with("C2.1 p3.2 C2.9"),
        "the line is kept: {}",
        screen.text()
    );
    press(&mut s, &[CTRL_W, "debt", TAB, ENTER]);
    // The suggested level follows at once.
    let seen = s
        .expect("Your judgement of the level of need")
        .expect("the level question");
    let before = String::from_utf8_lossy(seen.before()).into_owned();
    let answered = before
        .find("Checklist indicators: C2.1 P3.2 F2.1")
        .expect("the checklist answered");
    let suggested = before
        .find("Suggested level: 3 (Targeted early help)")
        .expect("the suggested level");
    assert!(answered < suggested, "{before}");
    press(&mut s, &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT indicators, suggested_level FROM consultation"),
        [["C2.1;F2.1;P3.2", "3"]]
    );
}

#[test]
fn the_level_four_prompt_follows_the_checklist_at_once() {
    let env = TestEnv::new();
    let mut s = session(&env, &flags_but(&["--indicator"]));
    answer(&mut s, "Checklist indicators", &["C3.1 C3.2 P3.1", ENTER]);
    let seen = s
        .expect("Your judgement of the level of need")
        .expect("the level question");
    let before = String::from_utf8_lossy(seen.before()).into_owned();
    assert!(
        before.contains("3 level-3 indicators across 2 domains: consider whether level 4 applies."),
        "{before}"
    );
    s.send(CTRL_C).unwrap();
    s.expect(Eof).expect("caselog ends");
}

#[test]
fn text_can_be_edited_with_the_usual_keys() {
    let env = TestEnv::new();
    let mut s = session(&env, &flags_but(&["--setting"]));
    answer(
        &mut s,
        "Setting (where)",
        &[
            "wrong",
            CTRL_U,
            "Northgate hall",
            CTRL_W,
            "centre",
            HOME,
            "The ",
            END,
            " (main hall)",
            WORD_LEFT,
            WORD_LEFT,
            CTRL_K,
            BACKSPACE,
            LEFT,
            LEFT,
            LEFT,
            "\x1b[3~", // Delete
            RIGHT,
            "\x01", // Ctrl-A
            "\x1b[3~",
            "\x05", // Ctrl-E
            ENTER,
        ],
    );
    answer(&mut s, "Your judgement", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT setting FROM consultation"),
        [["he Northgate cente"]]
    );
}

/// An editor that adds to the note it is given, as a person would.
fn editor_script(env: &TestEnv) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = env.path("editor.sh");
    std::fs::write(
        &path,
        "#!/bin/sh\n\
         { cat \"$1\"; printf ' and tired.\\nMum says the new partner shouts.\\n\\n'; } > \"$1.new\"\n\
         mv \"$1.new\" \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_note_is_written_in_the_editor_on_request() {
    let env = TestEnv::new();
    let script = editor_script(&env);
    // $VISUAL comes before $EDITOR.
    let tmp = env.path("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut s = session_with(&env, &flags_but(&["--worry", "--outcome"]), |cmd| {
        cmd.env("VISUAL", &script)
            .env("EDITOR", "false")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TMPDIR", &tmp);
    });
    answer(&mut s, "worried about", &["Often late", CTRL_O]);
    s.expect(
        "What the consultee is worried about (optional): Often late and tired. (and 1 more line)",
    )
    .expect("the note, as written in the editor");
    answer(&mut s, "Your judgement", &[ENTER]);
    answer(&mut s, "Outcome agreed", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT worry FROM consultation"),
        [["Often late and tired.\nMum says the new partner shouts."]]
    );
    // The editor's file is gone.
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_editor_that_fails_leaves_the_note_as_it_was() {
    let env = TestEnv::new();
    let script = editor_script(&env);
    // $VISUAL comes before $EDITOR.
    let mut s = session_with(&env, &flags_but(&["--worry", "--outcome"]), |cmd| {
        cmd.env("VISUAL", "false")
            .env("EDITOR", &script)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    });
    answer(&mut s, "worried about", &["Often late", CTRL_O]);
    s.expect("your editor (false) ended with an error: the note is as it was")
        .expect("the editor's failure");
    answer(&mut s, "worried about", &[" again", ENTER]);
    answer(&mut s, "Your judgement", &[ENTER]);
    answer(&mut s, "Outcome agreed", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT worry FROM consultation"),
        [["Often late again"]]
    );
}

#[test]
fn without_an_editor_a_note_runs_over_lines_until_an_empty_one() {
    let env = TestEnv::new();
    let mut s = session(&env, &flags_but(&["--advice", "--outcome"]));
    answer(&mut s, "Your judgement", &[ENTER]);
    answer(&mut s, "Outcome agreed", &[ENTER]);
    answer(&mut s, "Advice given", &[]);
    s.expect("Ctrl-O to write more than one line")
        .expect("how to write more");
    press(
        &mut s,
        &[
            CTRL_O,
            "Talk to mum.",
            ENTER,
            "Offer early help.",
            ENTER,
            ENTER,
        ],
    );
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT advice FROM consultation"),
        [["Talk to mum.\nOffer early help."]]
    );
}

#[test]
fn the_consultee_is_offered_as_last_recorded() {
    let env = surgery_logbook();
    env.consult(&[
        "--agency",
        "police",
        "--organisation",
        "Northshire Police",
        "--role",
        "PCSO",
        "--setting",
        "Northgate station",
        "--mode",
        "phone",
    ]);
    let asked = [
        "--setting",
        "--mode",
        "--agency",
        "--organisation",
        "--role",
    ];
    let mut s = session(&env, &flags_but(&asked));
    // Where and how, and the agency: as last recorded.
    answer(&mut s, "Setting (where) [Northgate station]", &[ENTER]);
    answer(&mut s, "How", &[]);
    s.expect("> phone").expect("the last mode marked");
    press(&mut s, &[ENTER]);
    answer(&mut s, "Consultee's agency", &["school", ENTER]);
    // The organisation last recorded with the agency chosen; `-` for none.
    answer(
        &mut s,
        "Consultee's organisation (optional) [Oakwood Primary School]",
        &["-", ENTER],
    );
    // Roles recorded with the agency are suggested as they are typed.
    answer(&mut s, "Consultee's role (optional)", &["d"]);
    s.expect("> DSL").expect("the role suggested");
    press(&mut s, &[TAB, ENTER]);
    answer(&mut s, "Your judgement", &[ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT setting, mode, agency, organisation, role FROM consultation WHERE id = 3"),
        [["Northgate station", "phone", "2A", "", "DSL"]]
    );
}

#[test]
fn every_field_given_is_shown_before_saving() {
    let env = TestEnv::new();
    let mut args = flags_but(&["--setting"]);
    args.extend(["--level", "4", "--rationale", "Two schools worried"]);
    let mut s = session(&env, &args);
    answer(&mut s, "Setting (where)", &["Northgate", ENTER]);
    let seen = s
        .expect("Save this consultation?")
        .expect("the confirmation");
    let shown = without_escapes(&String::from_utf8_lossy(seen.before()));
    let summary = &shown[shown
        .find("The consultation to save:")
        .expect("the summary")..];
    // Each field's label and value, a value wrapped over several lines taken as one.
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in summary.lines().skip(1).map(|l| l.trim_end_matches('\r')) {
        match (line.starts_with("    "), line.trim().split_once("  ")) {
            (false, Some((label, value))) => {
                entries.push((label.to_string(), value.trim().to_string()))
            }
            _ => {
                let (_, value) = entries.last_mut().expect("a field first");
                value.push(' ');
                value.push_str(line.trim());
            }
        }
    }
    let expected = [
        ("Date", "2026-03-15"),
        ("Advisor", "Sam Advisor"),
        ("Setting", "Northgate"),
        ("Mode", "surgery — Social work surgery"),
        ("Agency", "2A — Schools"),
        ("Role", "DSL"),
        ("Organisation", "Oakwood Primary School"),
        ("Family", "OAK-0142"),
        ("Children", "2"),
        ("Factors", "3B — Domestic abuse – parent or carer"),
        (
            "Indicators",
            "C2.1 (level 2) Attendance below expected, or persistent lateness",
        ),
        ("Consultee's level", "2 (Early help)"),
        ("Advisor's level", "4 (Children's social care)"),
        ("Suggested level", "2 (Early help)"),
        ("Rationale", "Two schools worried"),
        ("Confidence before", "2"),
        ("Confidence after", "4"),
        ("Consent", "given — Consent given"),
        (
            "Outcome",
            "early-help — Early help assessment / team around the family",
        ),
        ("Worry", "Often late"),
        ("Child's voice", "Likes school"),
        ("Strengths", "Gran helps"),
        ("Advice", "Offer early help"),
        ("Follow-up", "2026-03-29"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(l, v)| (l.to_string(), v.to_string()))
        .collect();
    assert_eq!(entries, expected, "{summary}");
    press(&mut s, &["n"]);
    let output = rest(&mut s);
    assert!(
        output.contains("not saved: you chose not to save it"),
        "{output}"
    );
}

#[test]
fn arrow_keys_leave_no_stale_lines_at_80_or_60_columns() {
    // A worry long enough to wrap over several rows at either width.
    let worry = "Often late and hungry, sometimes in the same clothes all week; mum says \
                 money is tight since the new partner moved in, and the younger one has \
                 missed two health visits";
    // Plain at 80 columns, in colour at 60: colours take no room on the screen.
    for (size, mark) in [((80, 24), "> "), ((60, 24), "❯ ")] {
        let env = TestEnv::new();
        let args = flags_but(&["--agency", "--worry"]);
        let mut s = sized_session(&env, size, &args, |cmd| {
            if mark == "❯ " {
                cmd.env_remove("NO_COLOR");
            }
        });
        let mut screen = Screen::new(size);
        screen.at(&mut s, "Consultee's agency");
        press(&mut s, &[DOWN; 10]);
        press(&mut s, &[UP, UP, UP, PAGE_DOWN]);
        // 10 down from 1A, 3 up, then a page (8) down: 5C.
        let marked = format!("  {mark}5C");
        // Waited for until the screen is redrawn whole: the terminal may be read half-way
        // through a redraw.
        screen.wait_until(&mut s, "5C marked, and one list", |screen| {
            screen.rows().iter().any(|r| r.starts_with(&marked))
                && screen.count("Consultee's agency") == 1
                && screen.count(mark) == 1
        });
        assert_eq!(screen.count("Consultee's agency"), 1, "{}", screen.text());
        assert_eq!(
            screen.count(mark),
            1,
            "one entry marked:\n{}",
            screen.text()
        );
        press(&mut s, &["police", ENTER]);
        screen.at(&mut s, "worried about");
        press(&mut s, &[worry]);
        press(&mut s, &[LEFT; 30]);
        press(&mut s, &[HOME, RIGHT, RIGHT, END, WORD_LEFT, LEFT, "#"]);
        // The cursor was before the space before the last word.
        let at = worry.rfind(' ').unwrap();
        let marked = format!("{}#{}", &worry[..at], &worry[at..]);
        screen.wait_until(&mut s, "the mark typed, on one question", |screen| {
            screen.contents().contains(&marked) && screen.count("worried about") == 1
        });
        assert_eq!(screen.count("worried about"), 1, "{}", screen.text());
        assert_eq!(
            screen.contents().matches(&marked).count(),
            1,
            "{}",
            screen.text()
        );
        press(&mut s, &[BACKSPACE]);
        screen.wait_until(&mut s, "the mark deleted", |screen| {
            screen.contents().contains(worry)
        });
        assert_eq!(screen.count("Consultee's agency: 6 — Police"), 1);
        press(&mut s, &[ENTER]);
        screen.wait_until(
            &mut s,
            "the next question, the last one answered",
            |screen| {
                screen.contents().contains("Your judgement") && screen.count("worried about") == 1
            },
        );
        press(&mut s, &[ENTER]);
        screen.at(&mut s, "Save this consultation?");
        press(&mut s, &["y"]);
        s.expect(Eof).expect("caselog ends");
        assert_eq!(
            env.sql("SELECT agency, worry FROM consultation"),
            [["6", worry]]
        );
    }
}

/// Text without the terminal's control sequences (`ESC [ … letter`).
fn without_escapes(text: &str) -> String {
    let mut plain = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.clone().next() == Some('[') {
            chars.find(|c| c.is_ascii_alphabetic());
        } else {
            plain.push(c);
        }
    }
    plain
}

/// A session in a terminal of `cols` × `rows`, set before caselog starts.
fn sized_session(
    env: &TestEnv,
    (cols, rows): (u16, u16),
    args: &[&str],
    configure: impl FnOnce(&mut std::process::Command),
) -> OsSession {
    let mut words = vec![
        "-c".to_string(),
        format!("stty cols {cols} rows {rows} && exec \"$0\" \"$@\""),
        env!("CARGO_BIN_EXE_caselog").to_string(),
    ];
    words.extend(args.iter().map(|a| a.to_string()));
    session_with(env, &[], |cmd| {
        let mut sh = std::process::Command::new("/bin/sh");
        sh.args(&words).env_clear();
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                sh.env(k, v);
            }
        }
        sh.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        if let Some(dir) = cmd.get_current_dir() {
            sh.current_dir(dir);
        }
        configure(&mut sh);
        *cmd = sh;
    })
}

/// What a terminal shows of a session's output: the bytes caselog writes, read through a
/// terminal emulator.
struct Screen {
    parser: vt100::Parser,
}

impl Screen {
    fn new((cols, rows): (u16, u16)) -> Screen {
        Screen {
            parser: vt100::Parser::new(
                std::num::NonZero::new(rows).expect("rows"),
                std::num::NonZero::new(cols).expect("columns"),
                0,
            ),
        }
    }

    /// Reads whatever else is written until the output has been quiet for a moment.
    fn settle(&mut self, s: &mut OsSession) {
        let mut quiet = Instant::now();
        while quiet.elapsed() < Duration::from_millis(100) {
            let seen = match s.check(expectrl::Regex("(?s).+")) {
                Ok(seen) => seen,
                Err(expectrl::Error::Eof) => break,
                Err(e) => panic!("reading the output: {e}"),
            };
            if seen.as_bytes().is_empty() {
                std::thread::sleep(Duration::from_millis(10));
            } else {
                self.parser.process(seen.as_bytes());
                quiet = Instant::now();
            }
        }
    }

    /// Reads output until `done` holds of the screen, then whatever follows at once.
    fn wait_until(&mut self, s: &mut OsSession, what: &str, done: impl Fn(&Screen) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waiting for {what}:\n{}",
                self.text()
            );
            match s.check(expectrl::Regex("(?s).+")) {
                Ok(seen) if seen.as_bytes().is_empty() => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Ok(seen) => self.parser.process(seen.as_bytes()),
                Err(e) => panic!("waiting for {what}: {e}\n{}", self.text()),
            }
        }
        self.settle(s);
    }

    /// Waits until the cursor is on the row asking `prompt`.
    fn at(&mut self, s: &mut OsSession, prompt: &str) {
        self.wait_until(s, prompt, |screen| screen.cursor_row().contains(prompt));
    }

    /// Waits until the row the cursor is on ends with `typed`.
    fn typed(&mut self, s: &mut OsSession, typed: &str) {
        self.wait_until(s, typed, |screen| screen.cursor_row().ends_with(typed));
    }

    /// The row the cursor is on.
    fn cursor_row(&self) -> String {
        let (row, _) = self.parser.screen().cursor_position();
        self.rows()
            .get(usize::from(row))
            .cloned()
            .unwrap_or_default()
    }

    /// The screen's rows, trailing blanks trimmed.
    fn rows(&self) -> Vec<String> {
        let screen = self.parser.screen();
        let (_, width) = screen.size();
        screen
            .rows(0, width.into())
            .map(|l| l.trim_end().to_string())
            .collect()
    }

    /// The screen as text, one row a line.
    fn text(&self) -> String {
        self.rows().join("\n")
    }

    /// The screen as text, a line wrapped over several rows given as one line.
    fn contents(&self) -> String {
        self.parser.screen().contents()
    }

    /// How many rows show `text`.
    fn count(&self, text: &str) -> usize {
        self.rows().iter().filter(|r| r.contains(text)).count()
    }
}

#[test]
fn the_family_rules_ages_and_consent_are_kept_at_the_questions() {
    let env = surgery_logbook();
    let asked = ["--family", "--children", "--consent", "--voice"];
    let mut s = session(&env, &flags_but(&asked));
    // A reference with no digit is refused at the question, and can be corrected there.
    answer(&mut s, "Family reference", &["Smith", ENTER]);
    s.expect("family 'Smith'").expect("a name refused");
    press(&mut s, &[CTRL_U]);
    press(&mut s, &["oak 0142", ENTER]);
    s.expect("Family oak 0142 since 2025-03-15: 1 consultation")
        .expect("the family's last year, found by its key");
    // The ages give the number of children; a wrong age is refused with the valid ones.
    answer(&mut s, "Ages of the children", &["4 19", ENTER]);
    s.expect("an age in years from 0 to 17, or unborn")
        .expect("an age refused");
    press(&mut s, &[CTRL_U]);
    press(&mut s, &["4 unborn", ENTER]);
    answer(&mut s, "child's voice", &["Wants to stay at school", ENTER]);
    answer(&mut s, "Your judgement", &[ENTER]);
    // Consent withheld for the child's safety goes only with a referral: not offered here.
    answer(&mut s, "Consent", &["withheld"]);
    s.expect("nothing matches")
        .expect("withheld-risk not offered for early help");
    press(&mut s, &[CTRL_U]);
    press(&mut s, &["given", ENTER]);
    answer(&mut s, "Save this consultation?", &["y"]);
    s.expect("Recorded C-2").expect("saved");
    s.expect(Eof).expect("caselog ends");
    assert_eq!(
        env.sql("SELECT family, family_key, children, ages, voice, consent FROM consultation WHERE id = 2"),
        [["OAK-0142", "OAK0142", "2", "unborn;4", "Wants to stay at school", "given"]]
    );
}
