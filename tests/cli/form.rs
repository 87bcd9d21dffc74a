//! The consult form as an advisor uses it after a surgery, in a pseudo-terminal: a standard
//! entry scripted key by key, with its keystrokes counted.

use expectrl::Expect;
use expectrl::session::OsSession;

use crate::common::TestEnv;
use crate::interactive::{DOWN, ENTER, session_with, wait_for_raw_mode};

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

fn times(n: usize, key: &'static str) -> Vec<Key> {
    vec![Press(key); n]
}

fn keys(groups: &[&[Key]]) -> Vec<Key> {
    groups.concat()
}

/// A logbook where the advisor is set in the config file, and family OAK-0142 was discussed
/// with Oakwood Primary's DSL a month ago.
fn surgery_logbook() -> TestEnv {
    let env = TestEnv::new();
    let config = env.path("home/.config/caselog");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "advisor = \"Sam Advisor\"\n").unwrap();
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
    ]);
    env
}

#[test]
fn a_standard_entry_and_its_keystrokes() {
    let env = surgery_logbook();
    let mut s = session_with(&env, &["consult"], |_| {});
    let mut tally = Tally::default();
    let enter = [Press(ENTER)];
    step(&mut s, &mut tally, "Date of the consultation", &enter);
    step(
        &mut s,
        &mut tally,
        "Setting (where)",
        &[Free("Oakwood Primary surgery"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "How", &enter);
    step(
        &mut s,
        &mut tally,
        "Consultee's agency",
        &keys(&[&times(4, DOWN), &enter]),
    );
    step(
        &mut s,
        &mut tally,
        "Consultee's role",
        &[Free("DSL"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "Family reference",
        &[Free("OAK-0142"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "Number of children", &enter);
    step(&mut s, &mut tally, "Factors", &enter);
    step(
        &mut s,
        &mut tally,
        "Child's developmental needs",
        &keys(&[&times(3, DOWN), &[Press(" "), Press(ENTER)]]),
    ); // C2.1
    step(
        &mut s,
        &mut tally,
        "Parenting capacity",
        &keys(&[&times(6, DOWN), &[Press(" "), Press(ENTER)]]),
    ); // P3.2
    step(
        &mut s,
        &mut tally,
        "Family and environment",
        &keys(&[&times(2, DOWN), &[Press(" "), Press(ENTER)]]),
    ); // F2.1
    step(
        &mut s,
        &mut tally,
        "Level of need the consultee believed",
        &keys(&[&times(3, DOWN), &enter]),
    );
    step(&mut s, &mut tally, "Your judgement", &enter);
    step(
        &mut s,
        &mut tally,
        "confidence before",
        &keys(&[&times(2, DOWN), &enter]),
    );
    step(
        &mut s,
        &mut tally,
        "confidence after",
        &keys(&[&times(4, DOWN), &enter]),
    );
    step(&mut s, &mut tally, "Consent", &[Press(DOWN), Press(ENTER)]);
    step(
        &mut s,
        &mut tally,
        "Outcome agreed",
        &keys(&[&times(2, DOWN), &enter]),
    );
    step(
        &mut s,
        &mut tally,
        "worried about",
        &[Free("Often late and hungry"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "working well", &enter);
    step(
        &mut s,
        &mut tally,
        "Advice given",
        &[Free("DSL to offer an early help assessment"), Press(ENTER)],
    );
    step(
        &mut s,
        &mut tally,
        "Follow-up date",
        &[Typed("+2w"), Press(ENTER)],
    );
    step(&mut s, &mut tally, "Save this consultation?", &[Press("y")]);
    s.expect("Recorded C-2").expect("saved");
    s.expect(expectrl::Eof).expect("caselog ends");

    assert_eq!(
        env.sql(
            "SELECT date, advisor, setting, mode, agency, role, family, children, \
             indicators, consultee_level, level, confidence_before, confidence_after, consent, \
             outcome, worry, advice, follow_up FROM consultation WHERE id = 2"
        ),
        [[
            "2026-03-15",
            "Sam Advisor",
            "Oakwood Primary surgery",
            "surgery",
            "2A",
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
    assert_eq!(
        tally,
        Tally {
            pressed: 52,
            typed: 3
        }
    );
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
        sh.args(&words);
        sh.env_clear();
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

/// What a terminal shows of a session's output.
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

    /// Reads output until `needle` has been shown.
    fn until(&mut self, s: &mut OsSession, needle: &str) {
        let seen = s
            .expect(needle)
            .unwrap_or_else(|e| panic!("waiting for {needle:?}: {e}"));
        self.parser.process(seen.as_bytes());
    }

    /// Reads whatever else is written until the output has been quiet for a moment.
    fn settle(&mut self, s: &mut OsSession) {
        let mut quiet = std::time::Instant::now();
        while quiet.elapsed() < std::time::Duration::from_millis(300) {
            let seen = match s.check(expectrl::Regex("(?s).+")) {
                Ok(seen) => seen,
                Err(expectrl::Error::Eof) => break,
                Err(e) => panic!("reading the output: {e}"),
            };
            if seen.as_bytes().is_empty() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            } else {
                self.parser.process(seen.as_bytes());
                quiet = std::time::Instant::now();
            }
        }
    }

    /// Waits until the cursor is on the row asking `prompt`.
    fn at(&mut self, s: &mut OsSession, prompt: &str) {
        if !self.cursor_row().contains(prompt) {
            self.until(s, prompt);
            self.settle(s);
        }
        assert!(
            self.cursor_row().contains(prompt),
            "the cursor is not at {prompt:?}:\n{}",
            self.rows().join("\n")
        );
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

    /// How many rows show `text`.
    fn count(&self, text: &str) -> usize {
        self.rows().iter().filter(|r| r.contains(text)).count()
    }
}

#[test]
fn scratch_new_form_screen() {
    let env = surgery_logbook();
    let size = (80, 24);
    let mut s = sized_session(&env, size, &["consult"], |_| {});
    let mut screen = Screen::new(size);
    let go = |s: &mut OsSession, screen: &mut Screen, prompt: &str, keys: &[&str]| {
        screen.at(s, prompt);
        for k in keys {
            wait_for_raw_mode(s);
            s.send(k).unwrap();
        }
        screen.settle(s);
        eprintln!(
            "----- after {prompt:?} {keys:?}\n{}",
            screen.rows().join("\n")
        );
    };
    go(&mut s, &mut screen, "Date of the consultation", &[ENTER]);
    go(&mut s, &mut screen, "Setting (where)", &[ENTER]);
    go(&mut s, &mut screen, "How", &[ENTER]);
    go(&mut s, &mut screen, "Consultee's agency", &["health vis"]);
    go(&mut s, &mut screen, "health vis", &["\x15", "sch", ENTER]);
    go(&mut s, &mut screen, "Consultee's organisation", &[ENTER]);
    go(&mut s, &mut screen, "Consultee's role", &[ENTER]);
    go(
        &mut s,
        &mut screen,
        "Family reference",
        &["OAK-0142", ENTER],
    );
    go(&mut s, &mut screen, "Number of children", &[ENTER]);
    go(
        &mut s,
        &mut screen,
        "Level of need the consultee believed",
        &["3", ENTER],
    );
    go(&mut s, &mut screen, "confidence before", &["2", ENTER]);
    go(
        &mut s,
        &mut screen,
        "worried about",
        &["Often late and hungry", ENTER],
    );
    go(&mut s, &mut screen, "working well", &[ENTER]);
    go(&mut s, &mut screen, "Factors", &["negl"]);
    go(&mut s, &mut screen, "negl", &["\t", ENTER]);
    go(
        &mut s,
        &mut screen,
        "Checklist indicators",
        &["C2.1 p3.2 debt"],
    );
    go(&mut s, &mut screen, "debt", &["\t", ENTER]);
    go(&mut s, &mut screen, "Your judgement", &[ENTER]);
    go(&mut s, &mut screen, "Outcome agreed", &["e", ENTER]);
    go(&mut s, &mut screen, "Consent", &["g", ENTER]);
    go(
        &mut s,
        &mut screen,
        "Advice given",
        &["Offer early help", ENTER],
    );
    go(&mut s, &mut screen, "confidence after", &["4", ENTER]);
    go(&mut s, &mut screen, "Follow-up date", &["+2w", ENTER]);
    go(&mut s, &mut screen, "Save this consultation?", &["y"]);
}

#[test]
fn scratch_old_form_screen() {
    let env = surgery_logbook();
    let size = (80, 24);
    let mut s = sized_session(
        &env,
        size,
        &[
            "consult",
            "--agency",
            "2A",
            "--family",
            "F-1",
            "--setting",
            "S",
            "--date",
            "today",
            "--mode",
            "surgery",
            "--children",
            "1",
            "--factor",
            "3B",
            "--role",
            "DSL",
        ],
        |_| {},
    );
    let mut screen = Screen::new(size);
    screen.until(&mut s, "Child's developmental needs");
    wait_for_raw_mode(&s);
    s.send("\r").unwrap();
    screen.until(&mut s, "Parenting capacity");
    for _ in 0..6 {
        wait_for_raw_mode(&s);
        s.send(DOWN).unwrap();
    }
    screen.settle(&mut s);
    eprintln!("{}", screen.rows().join("\n"));
    eprintln!("count {}", screen.count("Parenting capacity"));
}
