//! Family references (domain brief §2.1). A family is compared by its key — the reference in
//! NFC, upper-cased, keeping only its letters and digits — so that `OAK-0142`, `oak 0142` and
//! `OAK0142` are one family. A reference must hold a decimal digit, since case numbers and
//! advisors' codes do and names do not, unless the config file's `family_pattern` says what the
//! service's references look like. A family keeps the spelling it was first recorded with: a
//! record typed with another spelling of it is kept under that one, and caselog says so.

use std::fmt;

use regex::Regex;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::invalid::{FieldName, Invalid, Words};
use super::text::Text;

/// A family's key: what family references are compared, looked up and counted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FamilyKey(String);

impl FamilyKey {
    /// The key of a reference: the reference in NFC, upper-cased (Unicode), in NFC again (an
    /// upper-case letter may be written with a combining mark: `ΐ` becomes `Ϊ́`), keeping only
    /// its letters and digits (general categories L and N).
    pub fn of(reference: &str) -> FamilyKey {
        // Most references are ASCII, which is already NFC: its key is its letters and digits,
        // upper-cased.
        if reference.is_ascii() {
            return FamilyKey(
                reference
                    .bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| char::from(b.to_ascii_uppercase()))
                    .collect(),
            );
        }
        FamilyKey(unicode_key(reference))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the reference had no letter or digit at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The key of any reference, by the Unicode rules.
fn unicode_key(reference: &str) -> String {
    let upper: String = reference.nfc().flat_map(char::to_uppercase).collect();
    upper
        .nfc()
        .filter(|c| {
            matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
            )
        })
        .collect()
}

impl fmt::Display for FamilyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a family reference must look like to be recorded: a decimal digit somewhere in it, or,
/// when the config file sets `family_pattern`, a match of the whole reference.
#[derive(Debug, Clone, Default)]
pub struct FamilyRule {
    /// The pattern as written, and compiled to match the whole reference.
    pattern: Option<(String, Regex)>,
    /// A reference already stored in the record being corrected, accepted as it is.
    known: Option<Text>,
}

impl FamilyRule {
    /// The rule of a `family_pattern` (Rust `regex` syntax, case-sensitive), which the trimmed
    /// NFC reference must match in full. A pattern that is not a regular expression is refused,
    /// with what is wrong with it.
    pub fn pattern(pattern: &str) -> Result<FamilyRule, String> {
        let whole = Regex::new(&format!(r"\A(?:{pattern})\z")).map_err(|e| {
            // The regex crate's message draws the pattern with a caret; its last line says
            // what is wrong.
            let text = e.to_string();
            let last = text.lines().rev().find(|l| !l.trim().is_empty());
            last.unwrap_or(&text)
                .trim()
                .trim_start_matches("error: ")
                .to_string()
        })?;
        Ok(FamilyRule {
            pattern: Some((pattern.to_string(), whole)),
            known: None,
        })
    }

    /// The same rule, also accepting `stored`, the reference a record being corrected already
    /// has: a reference recorded before the rule (or the pattern) was in force stays valid
    /// until it is changed.
    pub fn knowing(&self, stored: &Text) -> FamilyRule {
        FamilyRule {
            pattern: self.pattern.clone(),
            known: Some(stored.clone()),
        }
    }

    /// Checks a reference typed for a record (`field` names it) and gives its key.
    pub fn check(&self, field: FieldName, reference: &Text) -> Result<FamilyKey, Invalid> {
        let key = FamilyKey::of(reference.as_str());
        if self.known.as_ref() == Some(reference) {
            return Ok(key);
        }
        match &self.pattern {
            Some((pattern, whole)) if !whole.is_match(reference.as_str()) => {
                return Err(Invalid::rule(
                    field,
                    Words::new()
                        .field(field)
                        .text(format!(
                            " '{reference}' does not match the config file's family_pattern \
                             {pattern}"
                        ))
                        .hint_text(
                            "a family reference is a case number or your own code, never a name",
                        ),
                ));
            }
            Some(_) => {}
            None if !reference
                .as_str()
                .chars()
                .any(|c| c.general_category() == GeneralCategory::DecimalNumber) =>
            {
                return Err(Invalid::rule(
                    field,
                    Words::new()
                        .field(field)
                        .text(format!(
                            " '{reference}' has no digit, so it may be a name: a family \
                             reference is a case number or your own code, never a name"
                        ))
                        .hint_text(
                            "give the family's case number or your code for it; if your \
                             service's references have no digits, set family_pattern in the \
                             config file (docs/configuration.md)",
                        ),
                ));
            }
            None => {}
        }
        if key.is_empty() {
            return Err(Invalid::rule(
                field,
                Words::new().field(field).text(format!(
                    " '{reference}' has no letter or digit to tell the family by"
                )),
            ));
        }
        Ok(key)
    }
}

/// A record typed with another spelling of a family already recorded, and kept under the
/// family's own spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Respelled {
    pub typed: Text,
    pub kept: Text,
}

impl fmt::Display for Respelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "family '{}' recorded as {}, its first spelling",
            self.typed, self.kept
        )
    }
}

/// The spelling a record typed with `typed` is kept under, given the family's spelling so far
/// (none for a family not yet recorded), and what was changed, if anything.
pub fn spelling(family: Option<Text>, typed: &Text) -> (Text, Option<Respelled>) {
    match family {
        Some(kept) if kept != *typed => {
            let respelled = Respelled {
                typed: typed.clone(),
                kept: kept.clone(),
            };
            (kept, Some(respelled))
        }
        _ => (typed.clone(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Text {
        s.parse().unwrap()
    }

    fn key(s: &str) -> String {
        FamilyKey::of(text(s).as_str()).to_string()
    }

    #[test]
    fn the_ascii_key_is_the_unicode_key() {
        let every: String = (0u8..0x80).map(char::from).collect();
        assert_eq!(FamilyKey::of(&every).as_str(), unicode_key(&every));
        assert_eq!(FamilyKey::of(&every).as_str().len(), 62);
    }

    #[test]
    fn spacing_case_and_punctuation_do_not_make_another_family() {
        for typed in ["OAK-0142", "oak 0142", "OAK0142", " Oak_0142 ", "oak.0142"] {
            assert_eq!(key(typed), "OAK0142", "{typed}");
        }
        assert_ne!(key("OAK-0142"), key("OAK-0143"));
    }

    #[test]
    fn accents_count_however_they_were_typed() {
        assert_eq!(key("café-7"), key("cafe\u{301}-7"));
        assert_eq!(key("café-7"), "CAFÉ7");
        assert_ne!(key("café-7"), key("cafe-7"));
        // An upper-case letter written with a combining mark is the same family as its
        // precomposed lower case.
        assert_eq!(key("\u{390}-1"), key("\u{399}\u{308}\u{301}-1"));
        // Digits of any script are digits; marks and symbols are not kept.
        assert_eq!(key("٣-ab"), "٣AB");
        assert_eq!(key("Ⅻ/½"), "Ⅻ½");
    }

    #[test]
    fn a_reference_without_a_digit_may_be_a_name() {
        let rule = FamilyRule::default();
        assert_eq!(
            rule.check("family", &text("oak 0142")).unwrap().as_str(),
            "OAK0142"
        );
        let err = rule.check("family", &text("Jane Smith")).unwrap_err();
        let (message, hint) = err.words(&|f| format!("<{f}>"));
        assert!(
            message.starts_with("<family> 'Jane Smith' has no digit"),
            "{message}"
        );
        assert!(hint.unwrap().contains("family_pattern"));
        assert!(
            rule.check("family", &text("٣٤")).is_ok(),
            "any decimal digit"
        );
        assert!(
            rule.check("family", &text("Ⅻ")).is_err(),
            "a numeral is not a digit"
        );
    }

    #[test]
    fn a_pattern_replaces_the_digit_rule_and_matches_in_full() {
        let rule = FamilyRule::pattern("[A-Z]{3}-[A-Z]{2}").unwrap();
        assert!(rule.check("family", &text("OAK-AB")).is_ok());
        for refused in ["oak-ab", "OAK-ABC", "xOAK-AB", "OAK-0142"] {
            let err = rule.check("family", &text(refused)).unwrap_err();
            assert!(
                err.words(&|f| f.to_string())
                    .0
                    .contains("does not match the config file's family_pattern"),
                "{refused}"
            );
        }
        // Alternatives are matched in full too.
        let either = FamilyRule::pattern("F-[0-9]+|[A-Z]{4}").unwrap();
        assert!(either.check("family", &text("ABCD")).is_ok());
        assert!(either.check("family", &text("F-12x")).is_err());
        // A pattern that lets anything through still needs something to tell the family by.
        let any = FamilyRule::pattern(".*").unwrap();
        assert!(any.check("family", &text("--")).is_err());
        assert_eq!(FamilyRule::pattern("(").unwrap_err(), "unclosed group");
    }

    #[test]
    fn a_stored_reference_stays_valid_while_it_is_not_changed() {
        let rule = FamilyRule::default().knowing(&text("Smiths"));
        assert!(rule.check("family", &text("Smiths")).is_ok());
        assert!(rule.check("family", &text("Jones")).is_err());
    }

    #[test]
    fn a_family_keeps_its_first_spelling() {
        let (kept, note) = spelling(Some(text("OAK-0142")), &text("oak 0142"));
        assert_eq!(kept, text("OAK-0142"));
        assert_eq!(
            note.unwrap().to_string(),
            "family 'oak 0142' recorded as OAK-0142, its first spelling"
        );
        assert_eq!(spelling(None, &text("oak 0142")).0, text("oak 0142"));
        assert_eq!(spelling(Some(text("X-1")), &text("X-1")).1, None);
    }
}
