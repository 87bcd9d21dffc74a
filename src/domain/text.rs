//! Checks on free text: short labels (advisor, setting, role, family reference) and longer notes
//! (worry, strengths, advice, rationale, review notes). Every field is stored in Unicode NFC, and
//! characters that cannot be seen or that reorder text are refused (domain brief §2). Limits are
//! documented in docs/reference.md.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::error::{Error, Result};

/// Longest short field (advisor, setting, role, family reference, referral reason), in characters.
pub const SHORT_MAX: usize = 200;
/// Longest note (worry, strengths, advice, rationale, review note), in characters.
pub const NOTE_MAX: usize = 4000;

/// A value that was given and is not blank: white space and refused characters alone (a
/// zero-width space, say) count as not given.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !blank(s))
}

/// Whether `text` holds nothing but white space and refused characters.
fn blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || refused(c, false))
}

/// A required one-line field: trimmed, not empty, no control, format or separator characters,
/// at most SHORT_MAX, in NFC.
pub fn short(field: &str, input: &str) -> Result<String> {
    let text = trim(input);
    if blank(text) {
        return Err(
            Error::input(format!("{field} is empty")).hint(format!("give {field} some text"))
        );
    }
    refuse_characters(field, text, false)?;
    let text: String = text.nfc().collect();
    check_length(field, &text, SHORT_MAX)?;
    Ok(text)
}

/// An optional note: trimmed; empty means none. Line breaks and tabs are kept; other control
/// characters, and format and separator characters, are refused. Stored in NFC.
pub fn note(field: &str, input: &str) -> Result<Option<String>> {
    let text = trim(input);
    if text.is_empty() {
        return Ok(None);
    }
    refuse_characters(field, text, true)?;
    let text: String = text.nfc().collect();
    check_length(field, &text, NOTE_MAX)?;
    // Every line break stored as \n, so that reading a note back (an import) changes nothing.
    Ok(Some(text.replace("\r\n", "\n").replace('\r', "\n")))
}

/// Removes the white space around a value. The characters refused in a field are not trimmed
/// away but refused, wherever they are.
fn trim(input: &str) -> &str {
    input.trim_matches(|c: char| c.is_whitespace() && !refused(c, true))
}

/// Whether `c` is refused in a field (domain brief §2): control characters (but line breaks and
/// tabs in a `narrative` field), format characters other than the zero-width joiner and
/// non-joiner, and the line and paragraph separators.
fn refused(c: char, narrative: bool) -> bool {
    match c {
        '\n' | '\r' | '\t' => !narrative,
        '\u{200C}' | '\u{200D}' => false,
        _ => matches!(
            c.general_category(),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        ),
    }
}

/// Refuses the first refused character in `text`, naming the field and the character's code
/// point.
fn refuse_characters(field: &str, text: &str, narrative: bool) -> Result<()> {
    let Some(c) = text.chars().find(|c| refused(*c, narrative)) else {
        return Ok(());
    };
    let what = match c.general_category() {
        GeneralCategory::Control => "a control character",
        GeneralCategory::Format => "an invisible formatting character",
        _ => "a line or paragraph separator",
    };
    let hint = if narrative {
        format!("{field} is plain text; line breaks and tabs are allowed")
    } else {
        format!("{field} is one line of plain text")
    };
    Err(
        Error::input(format!("{field} contains {what} (U+{:04X})", u32::from(c))).hint(format!(
            "{hint}: remove the character (text copied from elsewhere can carry it)"
        )),
    )
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

    #[test]
    fn text_is_stored_in_nfc() {
        let combining = "cafe\u{301}-7";
        assert_eq!(short("--family", combining).unwrap(), "caf\u{e9}-7");
        assert_eq!(note("--worry", combining).unwrap().unwrap(), "caf\u{e9}-7");
    }

    #[test]
    fn invisible_and_reordering_characters_are_refused_by_code_point() {
        for (c, code) in [
            ('\u{200B}', "U+200B"),
            ('\u{202E}', "U+202E"),
            ('\u{FEFF}', "U+FEFF"),
            ('\u{2028}', "U+2028"),
            ('\u{2029}', "U+2029"),
            ('\u{85}', "U+0085"),
        ] {
            for text in [format!("F{c}1"), format!("F-1{c}"), format!("{c}F-1")] {
                let err = short("--family", &text).unwrap_err();
                assert!(
                    err.message.starts_with("--family contains"),
                    "{}",
                    err.message
                );
                assert!(err.message.contains(code), "{}", err.message);
                assert!(note("--worry", &text).is_err(), "{code}");
            }
        }
        // Joiners shape scripts and emoji; line breaks and tabs belong in notes only.
        assert!(short("--family", "F\u{200D}1").is_ok());
        assert!(short("--family", "F\u{200C}1").is_ok());
        assert!(note("--worry", "a\n\tb").is_ok());
        assert!(short("--family", "a\tb").is_err());
    }

    #[test]
    fn invisible_characters_alone_are_not_a_value() {
        assert_eq!(given(&Some("\u{200B}\u{FEFF} ".to_string())), None);
        assert_eq!(given(&Some(" F-1 ".to_string())), Some(" F-1 "));
        assert!(
            short("--family", "\u{200B}")
                .unwrap_err()
                .message
                .contains("is empty")
        );
    }
}
