//! Free text as records hold it: `Text` for one-line fields (advisor, setting, role, a
//! referral's reason) and `Note` for narratives (worry, voice, strengths, advice, rationale, a
//! review's note). Both are trimmed and stored in Unicode NFC, and refuse the characters the
//! domain brief (§2) refuses: control characters (but line breaks and tabs in a note), format
//! characters other than the zero-width joiner and non-joiner, and the line and paragraph
//! separators. Limits are documented in docs/reference.md.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::invalid::Problem;

/// Longest one-line field, in characters.
pub const SHORT_MAX: usize = 200;
/// Longest note, in characters.
pub const NOTE_MAX: usize = 4000;

/// Whether `c` is refused in a field; `narrative` fields keep line breaks and tabs.
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

/// Removes the white space around a value. Refused characters are not trimmed away but
/// refused, wherever they are.
fn trim(input: &str) -> &str {
    input.trim_matches(|c: char| c.is_whitespace() && !refused(c, true))
}

/// Whether `text` holds nothing but white space and refused characters: such a value counts as
/// not given.
fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || refused(c, false))
}

/// Checks and normalises a value: trimmed, no refused character, at most `max` characters, in
/// NFC; a note's line breaks all become `\n`. A blank value is empty: as typed, it counts as not
/// given (`given`), which a required field then refuses as missing.
fn checked(input: &str, narrative: bool, max: usize) -> Result<String, Problem> {
    let text = trim(input);
    // Most text is plain printable ASCII: nothing in it is refused, it is already NFC, and
    // one character is one byte.
    let plain = |b: u8| (0x20..0x7f).contains(&b) || (narrative && matches!(b, b'\n' | b'\t'));
    if !text.is_empty() && text.bytes().all(plain) {
        if text.len() > max {
            return Err(Problem::TooLong {
                len: text.len(),
                max,
            });
        }
        return Ok(text.to_string());
    }
    if is_blank(text) {
        return Ok(String::new());
    }
    if let Some(found) = text.chars().find(|c| refused(*c, narrative)) {
        let what = match found.general_category() {
            GeneralCategory::Control => "a control character",
            GeneralCategory::Format => "an invisible formatting character",
            _ => "a line or paragraph separator",
        };
        let allowed = if narrative {
            "plain text (line breaks and tabs are allowed): remove the character, which text \
             copied from elsewhere can carry"
        } else {
            "one line of plain text: remove the character, which text copied from elsewhere \
             can carry"
        };
        return Err(Problem::Character {
            found,
            what,
            allowed,
        });
    }
    let mut text: String = text.nfc().collect();
    if narrative {
        // Every line break stored as \n, so that reading a note back (an import) changes
        // nothing.
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let len = text.chars().count();
    if len > max {
        return Err(Problem::TooLong { len, max });
    }
    Ok(text)
}

/// Declares a text value type: checked by `FromStr`, shown and stored as the text itself.
macro_rules! text_type {
    ($(#[$meta:meta])* $name:ident, narrative: $narrative:literal, max: $max:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the value is empty: typed blank, it counts as not given.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl FromStr for $name {
            type Err = Problem;
            fn from_str(input: &str) -> Result<$name, Problem> {
                checked(input, $narrative, $max).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl super::fields::Stored for $name {
            fn stored(&self) -> super::fields::Value<'static> {
                super::fields::Value::text(self.0.clone())
            }
            /// Text read back from the logbook was checked when it was recorded.
            fn restore(value: super::fields::Value<'_>) -> Option<Self> {
                match value {
                    super::fields::Value::Text(t) => Some($name(t.into_owned())),
                    _ => None,
                }
            }
        }
    };
}

super::fields::plain_cells!(Text, Note);

text_type!(
    /// One line of text: an advisor, a setting, a role, an organisation, a referral's reason.
    Text,
    narrative: false,
    max: SHORT_MAX
);

text_type!(
    /// A narrative: what the consultee is worried about, the child's voice, strengths, advice,
    /// a rationale, a review's note. Line breaks and tabs are kept.
    Note,
    narrative: true,
    max: NOTE_MAX
);

/// A draft's value when it was given and is not blank.
pub fn given<T: AsRef<str>>(value: &Option<T>) -> Option<&T> {
    value.as_ref().filter(|v| !v.as_ref().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_text_is_trimmed_and_checked() {
        assert_eq!("  Oakwood  ".parse::<Text>().unwrap().as_str(), "Oakwood");
        assert!("   ".parse::<Text>().unwrap().is_empty());
        assert!(matches!(
            "a\u{7}b".parse::<Text>(),
            Err(Problem::Character { .. })
        ));
        assert!(matches!(
            "a\nb".parse::<Text>(),
            Err(Problem::Character { .. })
        ));
        assert!("x".repeat(SHORT_MAX).parse::<Text>().is_ok());
        assert_eq!(
            "x".repeat(SHORT_MAX + 1).parse::<Text>(),
            Err(Problem::TooLong { len: 201, max: 200 })
        );
    }

    #[test]
    fn notes_keep_line_breaks() {
        assert_eq!("a\r\nb".parse::<Note>().unwrap().as_str(), "a\nb");
        // Found by the export → import property test: "\r\r\n" once became "\r\n", then "\n".
        let once: Note = "a\r\r\nb".parse().unwrap();
        assert_eq!(once.as_str(), "a\n\nb");
        assert_eq!(once.as_str().parse::<Note>().unwrap(), once);
        assert!("a\u{1b}[31m".parse::<Note>().is_err());
        assert!("é".repeat(NOTE_MAX + 1).parse::<Note>().is_err());
    }

    #[test]
    fn text_is_stored_in_nfc_and_invisible_characters_are_refused() {
        assert_eq!(
            "cafe\u{301}-7".parse::<Text>().unwrap().as_str(),
            "caf\u{e9}-7"
        );
        for bad in ["a\u{200B}b", "\u{202E}abc", "\u{FEFF}abc", "a\u{2028}b"] {
            assert!(
                matches!(bad.parse::<Text>(), Err(Problem::Character { .. })),
                "{bad:?}"
            );
            assert!(
                matches!(bad.parse::<Note>(), Err(Problem::Character { .. })),
                "{bad:?}"
            );
        }
        // Joiners are part of some scripts' spelling and of emoji.
        assert!("a\u{200D}b".parse::<Text>().is_ok());
        assert!("\u{200B} ".parse::<Text>().unwrap().is_empty());
    }
}
