//! The threshold checklist (domain brief §4): levels of need, the three domains and their
//! indicators, read from a human-editable TOML file (the bundled default, or a partnership's own),
//! and the rules that turn ticked indicators into a suggested level.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};

/// The bundled default checklist, in the same format a partnership's file uses.
pub const DEFAULT_FILE: &str = include_str!("default_thresholds.toml");

/// The three domains of the assessment triangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Domain {
    C,
    P,
    F,
}

impl Domain {
    pub const ALL: [Domain; 3] = [Domain::C, Domain::P, Domain::F];

    pub fn label(self) -> &'static str {
        match self {
            Domain::C => "Child's developmental needs",
            Domain::P => "Parenting capacity",
            Domain::F => "Family and environment",
        }
    }

    pub fn from_letter(letter: char) -> Option<Domain> {
        match letter.to_ascii_uppercase() {
            'C' => Some(Domain::C),
            'P' => Some(Domain::P),
            'F' => Some(Domain::F),
            _ => None,
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Domain::C => "C",
            Domain::P => "P",
            Domain::F => "F",
        })
    }
}

/// A level of need, 1 to 4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    pub level: u8,
    pub label: String,
    pub description: String,
}

/// One indicator a person can tick, such as `P3.2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub id: String,
    pub domain: Domain,
    pub level: u8,
    pub text: String,
}

impl Indicator {
    /// The number after the dot: `P3.12` → 12.
    pub fn number(&self) -> u32 {
        self.id
            .split_once('.')
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0)
    }

    /// The order people read indicators in: by domain (C, P, F), level, then number.
    pub fn reading_order(&self) -> (Domain, u8, u32) {
        (self.domain, self.level, self.number())
    }
}

/// A whole checklist, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub name: String,
    pub levels: Vec<Level>,
    pub indicators: Vec<Indicator>,
}

/// The lowest and highest levels of need.
pub const LEVELS: std::ops::RangeInclusive<u8> = 1..=4;

// The file as written, with positions kept for error messages.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    name: Option<String>,
    levels: Vec<LevelEntry>,
    indicators: Vec<IndicatorEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelEntry {
    level: Spanned<i64>,
    label: Spanned<String>,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorEntry {
    id: Spanned<String>,
    text: Spanned<String>,
}

impl Checklist {
    /// The bundled default.
    pub fn bundled() -> Checklist {
        Checklist::parse(DEFAULT_FILE, "bundled checklist").expect("the bundled checklist is valid")
    }

    /// Reads and validates a thresholds file.
    pub fn load(path: &Path) -> Result<Checklist> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::input(format!(
                "cannot read thresholds file {}: {e}",
                path.display()
            ))
        })?;
        Checklist::parse(&text, &path.display().to_string())
    }

    /// Parses a checklist from TOML text; `origin` names it in errors ("file.toml").
    pub fn parse(text: &str, origin: &str) -> Result<Checklist> {
        let at = |span: std::ops::Range<usize>| format!("{origin}:{}", line_of(text, span.start));
        let file: File = toml::from_str(text).map_err(|e| {
            let place = e.span().map(at).unwrap_or_else(|| origin.to_string());
            Error::input(format!("{place}: {}", e.message()))
                .hint("the thresholds file format is described in docs/thresholds.md")
        })?;
        let wrong = |span, message: String| {
            Err(Error::input(format!("{}: {message}", at(span)))
                .hint("the thresholds file format is described in docs/thresholds.md"))
        };

        // A mistake is placed on the line of the value at fault.
        let mut levels = Vec::new();
        for entry in &file.levels {
            let (span, level) = (entry.level.span(), *entry.level.get_ref());
            if !(1..=4).contains(&level) {
                return wrong(span, format!("level {level} is not 1, 2, 3 or 4"));
            }
            let level = level as u8;
            if levels.iter().any(|l: &Level| l.level == level) {
                return wrong(span, format!("level {level} is defined twice"));
            }
            if entry.label.get_ref().trim().is_empty() {
                return wrong(
                    entry.label.span(),
                    format!("level {level} has an empty label"),
                );
            }
            levels.push(Level {
                level,
                label: entry.label.get_ref().trim().to_string(),
                description: entry.description.trim().to_string(),
            });
        }
        if let Some(missing) = LEVELS
            .clone()
            .find(|n| !levels.iter().any(|l| l.level == *n))
        {
            return Err(Error::input(format!(
                "{origin}: level {missing} is missing: define levels 1, 2, 3 and 4"
            )));
        }
        levels.sort_by_key(|l| l.level);

        let mut indicators = Vec::new();
        let mut seen = HashSet::new();
        for entry in &file.indicators {
            let (span, id) = (entry.id.span(), entry.id.get_ref());
            let Some((domain, level)) = split_id(id) else {
                return wrong(
                    span,
                    format!(
                        "indicator ID '{id}' is not <domain><level>.<n>, such as P3.2 \
                         (domain C, P or F; level 1 to 4)"
                    ),
                );
            };
            let id = id.trim().to_ascii_uppercase();
            if !seen.insert(id.clone()) {
                return wrong(span, format!("indicator {id} is defined twice"));
            }
            if entry.text.get_ref().trim().is_empty() {
                return wrong(entry.text.span(), format!("indicator {id} has empty text"));
            }
            indicators.push(Indicator {
                id,
                domain,
                level,
                text: entry.text.get_ref().trim().to_string(),
            });
        }
        if indicators.is_empty() {
            return Err(Error::input(format!("{origin}: there are no indicators")));
        }
        Ok(Checklist {
            name: file.name.unwrap_or_else(|| origin.to_string()),
            levels,
            indicators,
        })
    }

    /// The label of a level ("Targeted early help").
    pub fn level_label(&self, level: u8) -> &str {
        self.levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.label.as_str())
            .unwrap_or("unknown level")
    }

    /// "3 (Targeted early help)".
    pub fn describe_level(&self, level: u8) -> String {
        format!("{level} ({})", self.level_label(level))
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(id.trim()))
    }

    /// Checks indicator IDs typed by a person; returns them canonical, de-duplicated, in the
    /// checklist's order.
    pub fn parse_indicators<S: AsRef<str>>(
        &self,
        field: &str,
        inputs: &[S],
    ) -> Result<Vec<String>> {
        let mut wanted = BTreeSet::new();
        for input in inputs {
            for part in split_list(input.as_ref()) {
                let indicator = self.indicator(part).ok_or_else(|| {
                    Error::input(format!(
                        "{field} '{part}' is not an indicator of the {}",
                        self.name
                    ))
                    .hint("`caselog checklist` lists the indicators and their IDs")
                })?;
                wanted.insert(indicator.id.clone());
            }
        }
        Ok(self
            .indicators
            .iter()
            .filter(|i| wanted.contains(&i.id))
            .map(|i| i.id.clone())
            .collect())
    }

    /// This checklist, also knowing the indicators a record was made with that it no longer
    /// has (a partnership's checklist changed since): correcting another field of that record
    /// must not fail on them. An ID carries its domain and level, so the suggested level stays
    /// as it was.
    pub fn knowing(&self, recorded: &[String]) -> Checklist {
        let mut checklist = self.clone();
        for id in recorded {
            if checklist.indicator(id).is_none()
                && let Some((domain, level)) = split_id(id)
            {
                checklist.indicators.push(Indicator {
                    id: id.clone(),
                    domain,
                    level,
                    text: "(no longer in the checklist in use)".to_string(),
                });
            }
        }
        checklist
    }

    /// The ticked indicators that this checklist knows, in its order.
    pub fn ticked<'a, S: AsRef<str>>(&'a self, ids: &[S]) -> Vec<&'a Indicator> {
        ids.iter()
            .filter_map(|id| self.indicator(id.as_ref()))
            .collect()
    }
}

/// The suggested level: the highest level among the ticked indicators, or none when none is ticked.
pub fn suggested_level(ticked: &[&Indicator]) -> Option<u8> {
    ticked.iter().map(|i| i.level).max()
}

/// Three or more level-3 indicators spanning two or more domains invite a look at level 4,
/// unless a level-4 indicator is ticked too (level 4 is then the suggested level already).
/// Returns how many level-3 indicators and domains there are when that is so.
pub fn consider_level_four(ticked: &[&Indicator]) -> Option<(usize, usize)> {
    if suggested_level(ticked) == Some(4) {
        return None;
    }
    let level_three: Vec<_> = ticked.iter().filter(|i| i.level == 3).collect();
    let domains: BTreeSet<Domain> = level_three.iter().map(|i| i.domain).collect();
    (level_three.len() >= 3 && domains.len() >= 2).then_some((level_three.len(), domains.len()))
}

/// Splits "C3.1; P3.2,F3.1" into its items.
pub fn split_list(input: &str) -> impl Iterator<Item = &str> {
    input
        .split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn split_id(id: &str) -> Option<(Domain, u8)> {
    let id = id.trim();
    let mut chars = id.chars();
    let domain = Domain::from_letter(chars.next()?)?;
    let rest = chars.as_str();
    let (level, n) = rest.split_once('.')?;
    if level.len() != 1 {
        return None;
    }
    let level: u8 = level.parse().ok().filter(|l| LEVELS.contains(l))?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
        .then_some((domain, level))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_checklist_covers_the_brief() {
        let c = Checklist::bundled();
        assert_eq!(c.levels.len(), 4);
        for id in [
            "C1.1", "C1.3", "P1.2", "F1.2", "C2.6", "P2.3", "F2.4", "C3.5", "P3.4", "F3.3", "C4.4",
            "P4.4", "F4.3",
        ] {
            assert!(c.indicator(id).is_some(), "{id} missing");
        }
        assert_eq!(c.indicators.len(), 43);
        assert_eq!(c.level_label(3), "Targeted early help");
    }

    #[test]
    fn suggested_level_is_the_highest_ticked() {
        let c = Checklist::bundled();
        assert_eq!(
            suggested_level(&c.ticked(&["C2.1", "P3.2", "F1.1"])),
            Some(3)
        );
        assert_eq!(suggested_level(&c.ticked::<&str>(&[])), None);
    }

    #[test]
    fn level_four_prompt_needs_three_level_three_across_two_domains() {
        let c = Checklist::bundled();
        assert_eq!(
            consider_level_four(&c.ticked(&["C3.1", "C3.2", "P3.1"])),
            Some((3, 2))
        );
        assert_eq!(
            consider_level_four(&c.ticked(&["C3.1", "C3.2", "C3.3"])),
            None
        );
        assert_eq!(
            consider_level_four(&c.ticked(&["C3.1", "P3.2", "F2.1"])),
            None
        );
        assert_eq!(
            consider_level_four(&c.ticked(&["C3.1", "C3.2", "P3.1", "F4.1"])),
            None
        );
    }

    #[test]
    fn indicators_are_parsed_case_insensitively_in_checklist_order() {
        let c = Checklist::bundled();
        let ids = c
            .parse_indicators("--indicator", &["p3.2", "c3.1;F3.1", "C3.1"])
            .unwrap();
        assert_eq!(ids, ["C3.1", "P3.2", "F3.1"]);
        let err = c.parse_indicators("--indicator", &["X9.9"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("'X9.9'"), "{}", err.message);
    }

    #[test]
    fn a_record_s_old_indicators_stay_known() {
        let c = Checklist::bundled();
        let old = vec!["C2.1".to_string(), "P3.9".to_string()];
        assert!(c.parse_indicators("--indicator", &old).is_err());
        let knowing = c.knowing(&old);
        assert_eq!(knowing.parse_indicators("--indicator", &old).unwrap(), old);
        assert_eq!(suggested_level(&knowing.ticked(&old)), Some(3));
        assert_eq!(knowing.indicators.len(), c.indicators.len() + 1);
    }

    #[test]
    fn file_errors_name_the_line() {
        let levels = "[[levels]]\nlevel=1\nlabel='a'\n[[levels]]\nlevel=2\nlabel='b'\n\
                      [[levels]]\nlevel=3\nlabel='c'\n[[levels]]\nlevel=4\nlabel='d'\n";
        let bad_id = format!("{levels}[[indicators]]\nid = 'C5.1'\ntext = 'x'\n");
        let err = Checklist::parse(&bad_id, "t.toml").unwrap_err();
        assert!(err.message.starts_with("t.toml:14:"), "{}", err.message);
        assert!(err.message.contains("'C5.1'"), "{}", err.message);

        let dup = format!(
            "{levels}[[indicators]]\nid='C1.1'\ntext='x'\n[[indicators]]\nid='C1.1'\ntext='y'\n"
        );
        let err = Checklist::parse(&dup, "t.toml").unwrap_err();
        assert!(
            err.message
                .contains("t.toml:17: indicator C1.1 is defined twice"),
            "{}",
            err.message
        );

        let unknown = format!("{levels}[[indicators]]\nid='C1.1'\ntxt='x'\n");
        let err = Checklist::parse(&unknown, "t.toml").unwrap_err();
        assert!(err.message.starts_with("t.toml:1"), "{}", err.message);

        let missing = "[[levels]]\nlevel=1\nlabel='a'\n[[indicators]]\nid='C1.1'\ntext='x'\n";
        let err = Checklist::parse(missing, "t.toml").unwrap_err();
        assert!(
            err.message.contains("level 2 is missing"),
            "{}",
            err.message
        );

        for id in ["C1", "C1.0", "C01.1", "Q1.1", "C1.1a"] {
            let text = format!("{levels}[[indicators]]\nid='{id}'\ntext='x'\n");
            assert!(Checklist::parse(&text, "t").is_err(), "{id}");
        }
    }
}
