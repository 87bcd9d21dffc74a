//! Drawing a question on stderr, and drawing it again in place as keys are pressed. A frame
//! knows how many rows of the terminal it covers — a line wider than the terminal wraps onto
//! several — so that each redraw starts on its first row and nothing of an earlier drawing is
//! left behind, at any width. And the form's look: colours, or plain text under `NO_COLOR`.

use std::io::Write;

use console::{Style, measure_text_width, truncate_str};

use super::keys;

/// Where the cursor goes in a frame: on which of its lines, after how many columns.
#[derive(Debug, Clone, Copy)]
pub struct Cursor {
    pub line: usize,
    pub column: usize,
}

/// What a question has drawn, to be drawn over.
#[derive(Debug, Default)]
pub struct Frame {
    /// The terminal rows the frame covers.
    rows: usize,
    /// The row of the frame the cursor is on.
    cursor_row: usize,
}

impl Frame {
    /// Draws `lines` over what the frame showed, and puts the cursor at `cursor`.
    pub fn draw(&mut self, lines: &[String], cursor: Cursor) -> std::io::Result<()> {
        let (width, _) = keys::size();
        let mut out = self.rewind();
        let mut row = 0; // the row being written
        let mut cursor_at = (0, 0);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str("\r\n");
                row += 1;
            }
            out.push_str(line);
            let mut rows = measure_text_width(line).div_ceil(width).max(1);
            if i == cursor.line {
                let (down, across) = (cursor.column / width, cursor.column % width);
                cursor_at = (row + down, across);
                if down >= rows {
                    // The line fills its last row exactly: the cursor starts the next one.
                    out.push_str("\r\n");
                    rows = down + 1;
                }
            }
            row += rows - 1;
        }
        let up = row - cursor_at.0;
        if up > 0 {
            out.push_str(&format!("\x1b[{up}A"));
        }
        out.push('\r');
        if cursor_at.1 > 0 {
            out.push_str(&format!("\x1b[{}C", cursor_at.1));
        }
        self.rows = row + 1;
        self.cursor_row = cursor_at.0;
        write(&out)
    }

    /// Draws `lines` over what the frame showed, for good, and leaves the cursor below them.
    pub fn close(&mut self, lines: &[String]) -> std::io::Result<()> {
        let mut out = self.rewind();
        for line in lines {
            out.push_str(line);
            out.push_str("\r\n");
        }
        self.rows = 0;
        self.cursor_row = 0;
        write(&out)
    }

    /// Clears what the frame showed, leaving the cursor where it started.
    pub fn clear(&mut self) -> std::io::Result<()> {
        let out = self.rewind();
        self.rows = 0;
        self.cursor_row = 0;
        write(&out)
    }

    /// Moves to the frame's first row and clears from there down.
    fn rewind(&self) -> String {
        let mut out = String::new();
        if self.rows > 0 {
            if self.cursor_row > 0 {
                out.push_str(&format!("\x1b[{}A", self.cursor_row));
            }
            out.push_str("\r\x1b[J");
        }
        out
    }
}

fn write(out: &str) -> std::io::Result<()> {
    let mut err = std::io::stderr().lock();
    err.write_all(out.as_bytes())?;
    err.flush()
}

/// The form's look: colours and marks, or plain text when `NO_COLOR` is set.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    colour: bool,
}

impl Look {
    pub fn from_env() -> Look {
        Look {
            colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.colour {
            style.force_styling(true).apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// A question being asked, up to where the answer is typed.
    pub fn question(&self, prompt: &str, default: Option<&str>) -> String {
        let default = default
            .map(|d| format!(" {}", self.paint(Style::new().dim(), &format!("[{d}]"))))
            .unwrap_or_default();
        if self.colour {
            format!(
                "{} {}{default}: ",
                self.paint(Style::new().yellow().bold(), "?"),
                self.paint(Style::new().bold(), prompt)
            )
        } else {
            format!("{prompt}{default}: ")
        }
    }

    /// A question answered.
    pub fn answered(&self, prompt: &str, answer: &str) -> String {
        if self.colour {
            format!(
                "{} {}: {}",
                self.paint(Style::new().green(), "✔"),
                self.paint(Style::new().bold(), prompt),
                self.paint(Style::new().cyan(), answer)
            )
        } else {
            format!("{prompt}: {answer}")
        }
    }

    /// An answer refused, and why.
    pub fn refusal(&self, message: &str) -> String {
        if self.colour {
            self.paint(Style::new().red(), &format!("✘ {message}"))
        } else {
            format!("! {message}")
        }
    }

    /// Help under a question.
    pub fn help(&self, text: &str) -> String {
        self.paint(Style::new().dim(), &format!("  {text}"))
    }

    /// An entry of a list under a question, marked when it is the one Enter or Tab takes,
    /// cut to fit one row.
    pub fn entry(&self, text: &str, marked: bool) -> String {
        let (width, _) = keys::size();
        let mark = match (marked, self.colour) {
            (true, true) => "❯ ",
            (true, false) => "> ",
            (false, _) => "  ",
        };
        let line = format!("  {mark}{text}");
        let line = truncate_str(&line, width.saturating_sub(1), "…").into_owned();
        if marked {
            self.paint(Style::new().cyan(), &line)
        } else {
            line
        }
    }
}

/// Text as it can be shown on one row: tabs as spaces, other control characters as `?`.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect()
}
