//! Checks on free text: short labels (advisor, setting, role, family reference) and longer notes
//! (worry, strengths, advice, rationale, review notes). Limits are documented in docs/reference.md.

use crate::error::{Error, Result};

/// Longest short field (advisor, setting, role, family reference, referral reason), in characters.
pub const SHORT_MAX: usize = 200;
/// Longest note (worry, strengths, advice, rationale, review note), in characters.
pub const NOTE_MAX: usize = 4000;

/// A value that was given and is not blank.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

/// A required one-line field: trimmed, not empty, no control characters, at most SHORT_MAX.
pub fn short(field: &str, input: &str) -> Result<String> {
    let text = input.trim();
    if text.is_empty() {
        return Err(
            Error::input(format!("{field} is empty")).hint(format!("give {field} some text"))
        );
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(
            Error::input(format!("{field} contains a control character ({:?})", c))
                .hint(format!("{field} is one line of plain text")),
        );
    }
    check_length(field, text, SHORT_MAX)?;
    Ok(text.to_string())
}

/// An optional note: trimmed; empty means none. Line breaks and tabs are kept; other control
/// characters are refused.
pub fn note(field: &str, input: &str) -> Result<Option<String>> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(
            Error::input(format!("{field} contains a control character ({:?})", c)).hint(format!(
                "{field} is plain text; line breaks and tabs are allowed"
            )),
        );
    }
    check_length(field, text, NOTE_MAX)?;
    // Every line break stored as \n, so that reading a note back (an import) changes nothing.
    Ok(Some(text.replace("\r\n", "\n").replace('\r', "\n")))
}

fn check_length(field: &str, text: &str, max: usize) -> Result<()> {
    let len = text.chars().count();
    if len > max {
        return Err(Error::input(format!(
            "{field} is {len} characters long; the limit is {max}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_trimmed_and_checked() {
        assert_eq!(short("--setting", "  Oakwood  ").unwrap(), "Oakwood");
        assert!(
            short("--setting", "   ")
                .unwrap_err()
                .message
                .contains("--setting is empty")
        );
        assert!(short("--setting", "a\u{7}b").is_err());
        assert!(short("--setting", "a\nb").is_err());
        assert!(short("--setting", &"x".repeat(SHORT_MAX)).is_ok());
        let err = short("--setting", &"x".repeat(SHORT_MAX + 1)).unwrap_err();
        assert!(err.message.contains("limit is 200"), "{}", err.message);
    }

    #[test]
    fn notes_keep_line_breaks_and_may_be_empty() {
        assert_eq!(note("--worry", "").unwrap(), None);
        assert_eq!(note("--worry", "a\r\nb").unwrap().unwrap(), "a\nb");
        // Found by the export → import property test: "\r\r\n" once became "\r\n", then "\n".
        let once = note("--worry", "a\r\r\nb").unwrap().unwrap();
        assert_eq!(once, "a\n\nb");
        assert_eq!(note("--worry", &once).unwrap().unwrap(), once);
        assert!(note("--worry", "a\u{1b}[31m").is_err());
        assert!(note("--worry", &"é".repeat(NOTE_MAX + 1)).is_err());
    }
}
