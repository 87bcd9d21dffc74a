//! Keys as the form's questions understand them, read from the terminal in raw mode: the
//! terminal's many spellings of a key (Home as `ESC [ H`, `ESC [ 1 ~` or Ctrl-A; a word left as
//! Alt-B or Ctrl-Left) become one `Key`. Raw mode lasts while a question waits for keys.

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;

use crate::error::{Error, Result};

/// A key, or text pasted at once.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Char(char),
    Paste(String),
    Enter,
    Tab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    WordLeft,
    WordRight,
    /// Ctrl-U: delete back to the start of the line.
    KillToStart,
    /// Ctrl-K: delete to the end of the line.
    KillToEnd,
    /// Ctrl-W: delete the word before the cursor.
    KillWord,
    /// Ctrl-O: open the answer in an editor.
    Editor,
    /// Ctrl-C: stop the questions.
    Interrupt,
    /// The terminal changed size: draw again.
    Resize,
    /// Any other key, which questions ignore.
    Other,
}

/// Raw mode, for as long as it is held: each key reaches the question as it is pressed, and
/// pasted text arrives as one piece. Dropping it gives the terminal back as it was.
pub struct Raw(());

impl Raw {
    pub fn on() -> Result<Raw> {
        terminal::enable_raw_mode().map_err(terminal_error)?;
        // Best effort: a terminal without bracketed paste sends pasted text as keys.
        let _ = crossterm::execute!(std::io::stderr(), event::EnableBracketedPaste);
        Ok(Raw(()))
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stderr(), event::DisableBracketedPaste);
        let _ = terminal::disable_raw_mode();
    }
}

/// Waits for the next key (raw mode must be on).
pub fn read() -> Result<Key> {
    loop {
        match event::read().map_err(terminal_error)? {
            Event::Key(k) if k.kind != KeyEventKind::Release => return Ok(key(k)),
            Event::Paste(text) => return Ok(Key::Paste(text)),
            Event::Resize(..) => return Ok(Key::Resize),
            _ => {}
        }
    }
}

/// The terminal's width and height, or 80 × 24 when it does not say.
pub fn size() -> (usize, usize) {
    match terminal::size() {
        Ok((w, h)) if w > 0 && h > 0 => (usize::from(w), usize::from(h)),
        _ => (80, 24),
    }
}

fn key(k: KeyEvent) -> Key {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    match k.code {
        KeyCode::Char(c) if ctrl => match c.to_ascii_lowercase() {
            'c' => Key::Interrupt,
            'a' => Key::Home,
            'e' => Key::End,
            'b' => Key::Left,
            'f' => Key::Right,
            'h' => Key::Backspace,
            'd' => Key::Delete,
            'u' => Key::KillToStart,
            'k' => Key::KillToEnd,
            'w' => Key::KillWord,
            'o' => Key::Editor,
            'p' => Key::Up,
            'n' => Key::Down,
            'j' | 'm' => Key::Enter,
            'i' => Key::Tab,
            _ => Key::Other,
        },
        KeyCode::Char(c) if alt => match c {
            'b' => Key::WordLeft,
            'f' => Key::WordRight,
            _ => Key::Other,
        },
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Tab => Key::Tab,
        KeyCode::Backspace if ctrl || alt => Key::KillWord,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left if ctrl || alt => Key::WordLeft,
        KeyCode::Right if ctrl || alt => Key::WordRight,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => Key::Other,
    }
}

/// The terminal failing while a question waits, in plain words.
fn terminal_error(e: std::io::Error) -> Error {
    Error::failure(format!(
        "the terminal could not be read ({})",
        crate::error::plain(&e)
    ))
    .caused_by(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pressed(code: KeyCode, modifiers: KeyModifiers) -> Key {
        key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn each_spelling_of_a_key_is_one_key() {
        let ctrl = KeyModifiers::CONTROL;
        let alt = KeyModifiers::ALT;
        let none = KeyModifiers::NONE;
        assert_eq!(pressed(KeyCode::Char('a'), ctrl), Key::Home);
        assert_eq!(pressed(KeyCode::Home, none), Key::Home);
        assert_eq!(pressed(KeyCode::Char('e'), ctrl), Key::End);
        assert_eq!(pressed(KeyCode::Char('u'), ctrl), Key::KillToStart);
        assert_eq!(pressed(KeyCode::Char('w'), ctrl), Key::KillWord);
        assert_eq!(pressed(KeyCode::Backspace, alt), Key::KillWord);
        assert_eq!(pressed(KeyCode::Char('b'), alt), Key::WordLeft);
        assert_eq!(pressed(KeyCode::Left, ctrl), Key::WordLeft);
        assert_eq!(pressed(KeyCode::Char('c'), ctrl), Key::Interrupt);
        assert_eq!(pressed(KeyCode::Char('o'), ctrl), Key::Editor);
        assert_eq!(pressed(KeyCode::Char('x'), ctrl), Key::Other);
        assert_eq!(pressed(KeyCode::Char('é'), none), Key::Char('é'));
    }
}
