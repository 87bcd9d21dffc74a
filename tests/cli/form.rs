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
