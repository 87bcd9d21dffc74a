//! The text being typed at a prompt, and the line-editing keys that change it: the arrows,
//! Home and End (Ctrl-A, Ctrl-E), a word left or right (Alt-B, Alt-F, Ctrl-arrows), Backspace
//! and Delete, Ctrl-U (to the start), Ctrl-K (to the end) and Ctrl-W (the word before). A note
//! may hold line breaks: Home, End, Ctrl-U and Ctrl-K then work within the line the cursor is on.

use super::keys::Key;

/// The characters typed and where the cursor is among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    chars: Vec<char>,
    cursor: usize,
}

impl Line {
    /// A line holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Line {
        let chars: Vec<char> = text.chars().collect();
        Line {
            cursor: chars.len(),
            chars,
        }
    }

    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The text before the cursor.
    pub fn before_cursor(&self) -> String {
        self.chars[..self.cursor].iter().collect()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Types `text` at the cursor.
    pub fn insert(&mut self, text: &str) {
        for c in text.chars() {
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    /// Replaces the characters from `start` (a character index) to the end with `text`.
    pub fn replace_from(&mut self, start: usize, text: &str) {
        self.chars.truncate(start.min(self.chars.len()));
        self.cursor = self.chars.len();
        self.insert(text);
    }

    /// Whether the line the cursor is on (after the last line break) is empty.
    pub fn current_line_is_empty(&self) -> bool {
        self.line_start() == self.cursor && self.line_end() == self.cursor
    }

    /// Applies an editing key; says whether it was one.
    pub fn edit(&mut self, key: &Key) -> bool {
        match key {
            Key::Char(c) => self.insert(&c.to_string()),
            Key::Paste(text) => self.insert(text),
            Key::Left => self.cursor = self.cursor.saturating_sub(1),
            Key::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            Key::Home => self.cursor = self.line_start(),
            Key::End => self.cursor = self.line_end(),
            Key::WordLeft => self.cursor = self.word_left(),
            Key::WordRight => self.cursor = self.word_right(),
            Key::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    self.chars.remove(self.cursor);
                }
            }
            Key::Delete => {
                if self.cursor < self.chars.len() {
                    self.chars.remove(self.cursor);
                }
            }
            Key::KillToStart => {
                let start = self.line_start();
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            Key::KillToEnd => {
                let end = self.line_end();
                self.chars.drain(self.cursor..end);
            }
            Key::KillWord => {
                // As a shell does: the spaces before the cursor, then the word before them.
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            _ => return false,
        }
        true
    }

    fn line_start(&self) -> usize {
        self.chars[..self.cursor]
            .iter()
            .rposition(|c| *c == '\n')
            .map_or(0, |i| i + 1)
    }

    fn line_end(&self) -> usize {
        self.chars[self.cursor..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(self.chars.len(), |i| self.cursor + i)
    }

    fn word_left(&self) -> usize {
        let mut at = self.cursor;
        while at > 0 && !self.chars[at - 1].is_alphanumeric() {
            at -= 1;
        }
        while at > 0 && self.chars[at - 1].is_alphanumeric() {
            at -= 1;
        }
        at
    }

    fn word_right(&self) -> usize {
        let mut at = self.cursor;
        let end = self.chars.len();
        while at < end && !self.chars[at].is_alphanumeric() {
            at += 1;
        }
        while at < end && self.chars[at].is_alphanumeric() {
            at += 1;
        }
        at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[Key]) -> Line {
        let mut line = Line::default();
        for k in keys {
            line.edit(k);
        }
        line
    }

    fn chars(text: &str) -> Vec<Key> {
        text.chars().map(Key::Char).collect()
    }

    #[test]
    fn typing_and_moving_the_cursor() {
        let mut keys = chars("late hungry");
        keys.extend([Key::Home, Key::Char('O'), Key::End, Key::Char('!')]);
        assert_eq!(typed(&keys).text(), "Olate hungry!");
        let mut keys = chars("ab");
        keys.extend([Key::Left, Key::Left, Key::Left, Key::Char('x'), Key::Right]);
        keys.extend([Key::Right, Key::Right, Key::Char('y')]);
        assert_eq!(typed(&keys).text(), "xaby");
    }

    #[test]
    fn deleting_characters_words_and_to_either_end() {
        let mut keys = chars("often late  ");
        keys.push(Key::KillWord);
        assert_eq!(typed(&keys).text(), "often ");
        let mut keys = chars("often late");
        keys.extend([Key::WordLeft, Key::KillToStart]);
        assert_eq!(typed(&keys).text(), "late");
        let mut keys = chars("often late");
        keys.extend([Key::WordLeft, Key::KillToEnd]);
        assert_eq!(typed(&keys).text(), "often ");
        let mut keys = chars("abc");
        keys.extend([Key::Home, Key::Delete, Key::End, Key::Backspace]);
        assert_eq!(typed(&keys).text(), "b");
        let mut keys = chars("abc");
        keys.extend([Key::Home, Key::Backspace, Key::End, Key::Delete]);
        assert_eq!(typed(&keys).text(), "abc");
    }

    #[test]
    fn words_are_letters_and_digits() {
        let mut keys = chars("C2.1 P3.2");
        keys.extend([Key::WordLeft, Key::WordLeft, Key::Char('x')]);
        assert_eq!(typed(&keys).text(), "C2.1 xP3.2");
        let mut keys = chars("C2.1 P3.2");
        keys.extend([Key::Home, Key::WordRight, Key::Char('x')]);
        assert_eq!(typed(&keys).text(), "C2x.1 P3.2");
    }

    #[test]
    fn line_keys_work_within_the_line_of_a_note() {
        let mut line = Line::new("first\nsecond");
        line.edit(&Key::Home);
        line.edit(&Key::Char('>'));
        assert_eq!(line.text(), "first\n>second");
        line.edit(&Key::KillToStart);
        assert_eq!(line.text(), "first\nsecond");
        assert!(!line.current_line_is_empty());
        line.edit(&Key::End);
        line.insert("\n");
        assert!(line.current_line_is_empty());
    }

    #[test]
    fn replacing_the_end_of_the_line() {
        let mut line = Line::new("C2.1 negl");
        line.replace_from(5, "P3.2 ");
        assert_eq!(line.text(), "C2.1 P3.2 ");
        assert_eq!(line.before_cursor(), "C2.1 P3.2 ");
    }
}
