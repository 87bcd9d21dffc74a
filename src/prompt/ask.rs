//! The kinds of question the form asks, each drawn in a frame and answered with keys: a line of
//! text (with line editing, suggestions, and for a note an editor or several lines), a pick
//! list that typing narrows, a line of codes with the entries they name shown under it, and a
//! yes-or-no. Ctrl-C stops any of them; what was typed so far is left on the screen.

use console::measure_text_width;

use super::find::{Choice, find};
use super::keys::{self, Key, Raw};
use super::line::Line;
use super::screen::{Cursor, Frame, Look, printable};
use crate::error::{Error, Result};

/// At most this many entries of a list are shown under a question.
const LIST_ROWS: usize = 8;

/// Ctrl-C, as the reason the questions stopped.
fn interrupted() -> Error {
    Error::failure("Ctrl-C was pressed")
}

/// How many entries of a list fit under a question in this terminal.
fn list_rows() -> usize {
    let (_, height) = keys::size();
    LIST_ROWS.min(height.saturating_sub(5)).max(1)
}

/// A line of text to ask for.
pub struct TextQuestion<'a> {
    pub prompt: &'a str,
    /// Taken when the answer is left blank.
    pub default: Option<&'a str>,
    /// When set, a blank answer (and no default) is refused with these words.
    pub needed: Option<&'a str>,
    /// Values given before, offered as the answer is typed (Tab takes one).
    pub known: &'a [String],
    /// A note: Ctrl-O opens an editor, or lets the note run over several lines.
    pub note: bool,
    /// Optional with a default: `-` answers "none".
    pub clearable: bool,
}

impl<'a> TextQuestion<'a> {
    /// A question with no default, nothing typed, no suggestions, not required, not a note.
    pub fn new(prompt: &'a str) -> TextQuestion<'a> {
        TextQuestion {
            prompt,
            default: None,
            needed: None,
            known: &[],
            note: false,
            clearable: false,
        }
    }

    /// Asks until an answer passes `check` (which says what is wrong), and returns it, trimmed;
    /// blank when none was given. A refused answer stays on the line to be corrected.
    pub fn ask(&self, look: Look, check: &dyn Fn(&str) -> Result<(), String>) -> Result<String> {
        let mut state = TextState {
            line: Line::default(),
            refusal: None,
            marked: 0,
            several_lines: false,
        };
        let mut frame = Frame::default();
        let mut raw = Some(Raw::on()?);
        let result = (|| loop {
            frame.draw(&self.lines(look, &state), self.cursor(look, &state))?;
            let key = keys::read()?;
            let suggestions = self.suggestions(&state.line);
            match key {
                Key::Interrupt => return Err(interrupted()),
                Key::Enter if state.several_lines && !state.line.current_line_is_empty() => {
                    state.line.insert("\n");
                }
                Key::Enter => {
                    let typed = state.line.text();
                    let answer = match (typed.trim(), self.default) {
                        ("", Some(d)) => d.to_string(),
                        (t, _) => t.to_string(),
                    };
                    if self.clearable && answer == "-" {
                        return Ok(String::new());
                    }
                    let refused = match (answer.is_empty(), self.needed) {
                        (true, Some(needed)) => Some(needed.to_string()),
                        (true, None) => None,
                        (false, _) => check(&answer).err(),
                    };
                    match refused {
                        None => return Ok(answer),
                        Some(why) => {
                            if typed.trim().is_empty() {
                                state.line = Line::default();
                            }
                            state.refusal = Some(why);
                        }
                    }
                }
                Key::Tab => {
                    if let Some(s) = suggestions.get(state.marked) {
                        state.line = Line::new(s);
                    } else if state.line.is_empty()
                        && let Some(d) = self.default
                    {
                        state.line = Line::new(d);
                    }
                    state.marked = 0;
                }
                Key::Down if !suggestions.is_empty() => {
                    state.marked = (state.marked + 1) % suggestions.len();
                }
                Key::Up if !suggestions.is_empty() => {
                    state.marked = (state.marked + suggestions.len() - 1) % suggestions.len();
                }
                Key::Editor if self.note => match editor() {
                    Some(editor) => {
                        frame.clear()?;
                        drop(raw.take());
                        let edited = edit(&editor, &state.line.text());
                        raw = Some(Raw::on()?);
                        match edited {
                            Ok(text) => {
                                state.several_lines |= text.contains('\n');
                                state.line = Line::new(&text);
                                state.refusal = None;
                                if !text.is_empty() {
                                    match check(&text) {
                                        Ok(()) => return Ok(text),
                                        Err(why) => state.refusal = Some(why),
                                    }
                                }
                            }
                            Err(why) => state.refusal = Some(why),
                        }
                    }
                    None => state.several_lines = true,
                },
                Key::Paste(text) => {
                    if self.note {
                        state.several_lines |= text.contains('\n');
                        state
                            .line
                            .insert(&text.replace("\r\n", "\n").replace('\r', "\n"));
                    } else {
                        let flat: Vec<&str> = text.split_whitespace().collect();
                        state.line.insert(&flat.join(" "));
                    }
                    state.marked = 0;
                }
                key => {
                    if state.line.edit(&key) {
                        state.marked = 0;
                    }
                }
            }
        })();
        let shown = match &result {
            Ok(answer) => look.answered(self.prompt, &one_line(answer)),
            Err(_) => format!(
                "{}{}",
                look.question(self.prompt, None),
                printable(&state.line.text().replace('\n', " "))
            ),
        };
        frame.close(&[shown])?;
        drop(raw);
        result
    }

    /// The known values that start with what was typed (any word of them), other than itself.
    fn suggestions(&self, line: &Line) -> Vec<String> {
        let typed = line.text();
        if typed.trim().is_empty() || self.known.is_empty() {
            return Vec::new();
        }
        let choices: Vec<Choice> = self
            .known
            .iter()
            .map(|k| Choice::new(k.clone(), None, k.clone()))
            .collect();
        find(&choices, &typed)
            .into_iter()
            .map(|i| self.known[i].clone())
            .filter(|k| !k.eq_ignore_ascii_case(typed.trim()))
            .take(list_rows().min(4))
            .collect()
    }

    fn lines(&self, look: Look, state: &TextState) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(why) = &state.refusal {
            lines.push(look.refusal(why));
        }
        let question = look.question(self.prompt, self.default);
        let text = state.line.text();
        let mut parts = text.split('\n');
        lines.push(format!(
            "{question}{}",
            printable(parts.next().unwrap_or_default())
        ));
        for part in parts {
            lines.push(format!("  {}", printable(part)));
        }
        let suggestions = self.suggestions(&state.line);
        for (i, s) in suggestions.iter().enumerate() {
            lines.push(look.entry(s, i == state.marked));
        }
        if !suggestions.is_empty() {
            lines.push(look.help("Tab takes the one marked (↑↓ to move)"));
        } else if self.clearable && self.default.is_some() && state.line.is_empty() {
            lines.push(look.help("Enter keeps it; type another, or - for none"));
        } else if self.note && state.several_lines {
            lines.push(look.help("Enter on an empty line ends the note"));
        } else if self.note && state.line.is_empty() {
            lines.push(look.help(match editor() {
                Some(_) => "Ctrl-O to write it in your editor",
                None => "Ctrl-O to write more than one line",
            }));
        }
        lines
    }

    fn cursor(&self, look: Look, state: &TextState) -> Cursor {
        let before = state.line.before_cursor();
        let breaks = before.matches('\n').count();
        let last = before.rsplit('\n').next().unwrap_or_default();
        let start = if breaks == 0 {
            measure_text_width(&look.question(self.prompt, self.default))
        } else {
            2
        };
        Cursor {
            line: usize::from(state.refusal.is_some()) + breaks,
            column: start + measure_text_width(&printable(last)),
        }
    }
}

/// What a text question holds while it is being answered.
struct TextState {
    line: Line,
    refusal: Option<String>,
    /// Which suggestion Tab takes.
    marked: usize,
    /// Whether Enter starts a new line of the note (an empty line ends it).
    several_lines: bool,
}

/// A note as one row: its first line, and how many more there are.
fn one_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = printable(lines.next().unwrap_or_default());
    match lines.count() {
        0 => first,
        1 => format!("{first} (and 1 more line)"),
        n => format!("{first} (and {n} more lines)"),
    }
}

/// The editor the person has chosen: `$VISUAL`, else `$EDITOR`.
fn editor() -> Option<String> {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|v| v.to_string_lossy().trim().to_string())
        .find(|v| !v.is_empty())
}

/// Opens `text` in `editor` (a command, run by the shell, that may have arguments of its own)
/// in a file only its owner can read, removed afterwards; returns the text as saved, without
/// trailing blank lines and spaces. The error says, in words, why there is no text.
fn edit(editor: &str, text: &str) -> std::result::Result<String, String> {
    use std::io::Write;
    let words = |e: std::io::Error| {
        format!(
            "your editor could not be used ({})",
            crate::error::plain(&e)
        )
    };
    let mut file = tempfile::Builder::new()
        .prefix("caselog-note-")
        .suffix(".txt")
        .tempfile()
        .map_err(words)?;
    file.write_all(text.as_bytes()).map_err(words)?;
    file.flush().map_err(words)?;
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(words)?;
    if !status.success() {
        return Err(format!(
            "your editor ({editor}) ended with an error: the note is as it was"
        ));
    }
    let bytes = std::fs::read(file.path()).map_err(words)?;
    let edited = String::from_utf8(bytes)
        .map_err(|_| "the note saved by your editor is not UTF-8 text".to_string())?;
    Ok(edited.trim_end().to_string())
}

/// Asks to pick one of `choices`, typing to narrow the list; `default` is marked at first.
/// Returns the index of the one picked.
pub fn pick(look: Look, prompt: &str, choices: &[Choice], default: Option<usize>) -> Result<usize> {
    let mut query = Line::default();
    let mut found = find(choices, "");
    let pad = code_width(choices);
    let mut marked = default.unwrap_or(0);
    let mut frame = Frame::default();
    let raw = Raw::on()?;
    let result = (|| loop {
        let rows = list_rows();
        let question = look.question(prompt, None);
        let mut lines = vec![format!("{question}{}", printable(&query.text()))];
        let first = marked
            .saturating_sub(rows - 1)
            .min(found.len().saturating_sub(rows));
        for (n, &i) in found.iter().enumerate().skip(first).take(rows) {
            lines.push(look.entry(&listed(&choices[i], pad), n == marked));
        }
        lines.push(look.help(&if found.is_empty() {
            format!("nothing matches “{}”", query.text().trim())
        } else if query.text().trim().is_empty() {
            format!(
                "type to find, ↑↓ to move, Enter to choose ({} in all)",
                choices.len()
            )
        } else {
            format!("{} of {} — Enter to choose", found.len(), choices.len())
        }));
        let column = measure_text_width(&question) + measure_text_width(&query.before_cursor());
        frame.draw(&lines, Cursor { line: 0, column })?;
        match keys::read()? {
            Key::Interrupt => return Err(interrupted()),
            Key::Enter => {
                if let Some(&i) = found.get(marked) {
                    return Ok(i);
                }
            }
            Key::Down | Key::Tab if !found.is_empty() => marked = (marked + 1) % found.len(),
            Key::Up if !found.is_empty() => marked = (marked + found.len() - 1) % found.len(),
            Key::PageDown if !found.is_empty() => {
                marked = (marked + rows).min(found.len() - 1);
            }
            Key::PageUp => marked = marked.saturating_sub(rows),
            key => {
                if query.edit(&key) {
                    found = find(choices, &query.text());
                    marked = match query.text().trim() {
                        "" => default.unwrap_or(0),
                        _ => 0,
                    };
                }
            }
        }
    })();
    let shown = match result {
        Ok(i) => look.answered(prompt, &answered(&choices[i])),
        Err(_) => format!(
            "{}{}",
            look.question(prompt, None),
            printable(&query.text())
        ),
    };
    frame.close(&[shown])?;
    drop(raw);
    result
}

/// The width of the longest code of a list.
fn code_width(choices: &[Choice]) -> usize {
    choices
        .iter()
        .map(|c| measure_text_width(&c.code))
        .max()
        .unwrap_or(0)
}

/// An entry as a list shows it: its code, then its label, in columns.
fn listed(choice: &Choice, pad: usize) -> String {
    let gap = pad.saturating_sub(measure_text_width(&choice.code));
    format!("{}{}  {}", choice.code, " ".repeat(gap), choice.label)
        .trim()
        .to_string()
}

/// An entry chosen, as the answer to its question: "2A — Schools".
fn answered(choice: &Choice) -> String {
    match (choice.code.as_str(), choice.label.as_str()) {
        ("", label) => label.to_string(),
        (code, "") => code.to_string(),
        (code, label) => format!("{code} — {label}"),
    }
}

/// A line of codes to ask for, such as `C2.1 P3.2 F2.1`: each code typed is shown under the
/// line with its label; words that are not a code find entries by their label, and Tab puts
/// the one marked in their place.
pub struct CodesQuestion<'a> {
    pub prompt: &'a str,
    pub choices: &'a [Choice],
    /// What one code is, for a refusal: "an indicator of the checklist in use".
    pub what: &'a str,
}

/// A line of codes read: the entries named, and the words at its end that name none yet.
struct Reading {
    named: Vec<usize>,
    /// The first word that names no entry, when others follow it.
    stray: Option<String>,
    /// The words at the end that name no entry, and the character where they start.
    query: Option<(String, usize)>,
    /// The entries those words find.
    found: Vec<usize>,
}

impl CodesQuestion<'_> {
    /// Asks until every word typed is a code, and returns the entries named, in the order typed
    /// (each once); none when the line is left blank.
    pub fn ask(&self, look: Look) -> Result<Vec<usize>> {
        let mut line = Line::default();
        let mut marked = 0;
        let mut refusal: Option<String> = None;
        let mut frame = Frame::default();
        let raw = Raw::on()?;
        let pad = code_width(self.choices);
        let result = (|| loop {
            let reading = self.read(&line.text());
            let found = &reading.found;
            let (lines, cursor) = self.lines(look, &line, &reading, marked, &refusal);
            frame.draw(&lines, cursor)?;
            match keys::read()? {
                Key::Interrupt => return Err(interrupted()),
                Key::Enter => match (&reading.stray, &reading.query) {
                    (Some(word), _) | (None, Some((word, _))) => {
                        refusal = Some(if found.is_empty() {
                            format!("“{word}” is not {}", self.what)
                        } else {
                            format!("“{word}” is not {}: Tab takes the one marked", self.what)
                        });
                    }
                    (None, None) => return Ok(reading.named),
                },
                Key::Tab => {
                    if let (Some((_, start)), Some(&i)) = (&reading.query, found.get(marked)) {
                        line.replace_from(*start, &format!("{} ", self.choices[i].code));
                        refusal = None;
                    }
                    marked = 0;
                }
                Key::Down if !found.is_empty() => marked = (marked + 1) % found.len(),
                Key::Up if !found.is_empty() => marked = (marked + found.len() - 1) % found.len(),
                Key::Paste(text) => {
                    let flat: Vec<&str> = text.split_whitespace().collect();
                    line.insert(&flat.join(" "));
                    marked = 0;
                }
                key => {
                    if line.edit(&key) {
                        marked = 0;
                    }
                }
            }
        })();
        let mut shown = vec![match &result {
            Ok(named) if named.is_empty() => look.answered(self.prompt, "none"),
            Ok(named) => look.answered(
                self.prompt,
                &named
                    .iter()
                    .map(|&i| self.choices[i].code.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(_) => format!(
                "{}{}",
                look.question(self.prompt, None),
                printable(&line.text())
            ),
        }];
        if let Ok(named) = &result {
            shown.extend(
                named
                    .iter()
                    .map(|&i| look.entry(&listed(&self.choices[i], pad), false)),
            );
        }
        frame.close(&shown)?;
        drop(raw);
        result
    }

    /// Reads a line: each word a code (any case), or words at the end to find one by.
    fn read(&self, text: &str) -> Reading {
        let mut reading = Reading {
            named: Vec::new(),
            stray: None,
            query: None,
            found: Vec::new(),
        };
        let mut at = 0; // in characters
        let mut pending: Option<usize> = None; // where the words naming no entry start
        for word in text.split_inclusive(|c: char| c.is_whitespace() || c == ',' || c == ';') {
            let length = word.chars().count();
            let bare = word.trim_matches(|c: char| c.is_whitespace() || c == ',' || c == ';');
            if !bare.is_empty() {
                match self
                    .choices
                    .iter()
                    .position(|c| c.code.eq_ignore_ascii_case(bare))
                {
                    Some(i) => {
                        if let Some(start) = pending.take()
                            && reading.stray.is_none()
                        {
                            reading.stray = Some(words_from(text, start, at));
                        }
                        if !reading.named.contains(&i) {
                            reading.named.push(i);
                        }
                    }
                    None => {
                        pending.get_or_insert(at);
                    }
                }
            }
            at += length;
        }
        if let Some(start) = pending {
            let query = words_from(text, start, at);
            reading.found = find(self.choices, &query);
            reading.query = Some((query, start));
        }
        reading
    }

    fn lines(
        &self,
        look: Look,
        line: &Line,
        reading: &Reading,
        marked: usize,
        refusal: &Option<String>,
    ) -> (Vec<String>, Cursor) {
        let pad = code_width(self.choices);
        let mut lines = Vec::new();
        if let Some(why) = refusal {
            lines.push(look.refusal(why));
        }
        let question = look.question(self.prompt, None);
        let cursor = Cursor {
            line: lines.len(),
            column: measure_text_width(&question) + measure_text_width(&line.before_cursor()),
        };
        lines.push(format!("{question}{}", printable(&line.text())));
        for &i in &reading.named {
            lines.push(look.entry(&format!("✔ {}", listed(&self.choices[i], pad)), false));
        }
        if let Some((query, _)) = &reading.query {
            let rows = list_rows().min(5);
            let first = marked.saturating_sub(rows - 1);
            for (n, &i) in reading.found.iter().enumerate().skip(first).take(rows) {
                lines.push(look.entry(&listed(&self.choices[i], pad), n == marked));
            }
            lines.push(look.help(&match reading.found.len() {
                0 => format!("nothing matches “{query}”"),
                n => format!("{n} found: Tab takes the one marked (↑↓ to move)"),
            }));
        } else if line.is_empty() {
            lines.push(look.help("type codes, or words to find one by; Enter when done"));
        }
        (lines, cursor)
    }
}

/// The characters of `text` from `start` to `end` (character positions), trimmed.
fn words_from(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end - start)
        .collect::<String>()
        .trim_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .to_string()
}

/// Asks a yes-or-no question; Enter means yes.
pub fn confirm(look: Look, prompt: &str) -> Result<bool> {
    let mut frame = Frame::default();
    let raw = Raw::on()?;
    let question = look.question(prompt, Some("Y/n"));
    let result = (|| loop {
        frame.draw(
            std::slice::from_ref(&question),
            Cursor {
                line: 0,
                column: measure_text_width(&question),
            },
        )?;
        match keys::read()? {
            Key::Interrupt => return Err(interrupted()),
            Key::Enter | Key::Char('y' | 'Y') => return Ok(true),
            Key::Char('n' | 'N') => return Ok(false),
            _ => {}
        }
    })();
    frame.close(&[match result {
        Ok(true) => look.answered(prompt, "yes"),
        Ok(false) => look.answered(prompt, "no"),
        Err(_) => question,
    }])?;
    drop(raw);
    result
}

/// Asks for a secret (a password): nothing typed is shown; Backspace takes back the last
/// character, Enter ends it. A blank answer is refused, with `refusal` said again until one is
/// given.
pub fn secret(look: Look, prompt: &str, refusal: Option<&str>) -> Result<String> {
    let mut frame = Frame::default();
    let raw = Raw::on()?;
    let question = look.question(prompt, None);
    let mut typed = String::new();
    let mut refused = refusal.map(|r| look.refusal(r));
    let result = (|| loop {
        let mut lines = vec![question.clone()];
        lines.extend(refused.clone());
        frame.draw(
            &lines,
            Cursor {
                line: 0,
                column: measure_text_width(&question),
            },
        )?;
        match keys::read()? {
            Key::Interrupt => return Err(interrupted()),
            Key::Enter if typed.is_empty() => {
                refused = Some(look.refusal("nothing was typed"));
            }
            Key::Enter => return Ok(std::mem::take(&mut typed)),
            Key::Char(c) => typed.push(c),
            Key::Paste(text) => typed.push_str(text.trim_end_matches(['\r', '\n'])),
            Key::Backspace => {
                typed.pop();
            }
            Key::KillToStart | Key::KillWord => typed.clear(),
            _ => {}
        }
    })();
    frame.close(&[match result {
        Ok(_) => look.answered(prompt, "********"),
        Err(_) => question,
    }])?;
    drop(raw);
    result
}
