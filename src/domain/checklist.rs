//! The threshold checklist (domain brief §4): levels of need, the three domains and their
//! indicators, read from a human-editable TOML file (the bundled default, or a partnership's own),
//! and the rules that turn ticked indicators into a suggested level.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::fields::{Cell, Describe};
use super::invalid::{FieldName, Invalid, Problem};
use super::values::Level;
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

/// How a partnership names and describes a level of need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelDefinition {
    pub level: Level,
    pub label: String,
    pub description: String,
}

/// An indicator's ID, `<domain><level>.<n>` such as `P3.2`: its domain and level are part of
/// it. IDs order as people read them: by domain (C, P, F), level, then number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorId {
    pub domain: Domain,
    pub level: Level,
    pub number: u32,
}

/// Reads an ID in any case ("p3.2"); whether the checklist in use has it is checked later.
impl FromStr for IndicatorId {
    type Err = Problem;
    fn from_str(input: &str) -> std::result::Result<IndicatorId, Problem> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Problem::Missing);
        }
        let bad = || Problem::NotAnIndicatorId {
            given: text.to_string(),
        };
        let mut chars = text.chars();
        let domain = chars.next().and_then(Domain::from_letter).ok_or_else(bad)?;
        let (level, n) = chars.as_str().split_once('.').ok_or_else(bad)?;
        if level.len() != 1 || n.is_empty() || n.starts_with('0') || n.len() > 6 {
            return Err(bad());
        }
        let level: Level = level.parse().map_err(|_| bad())?;
        if !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Ok(IndicatorId {
            domain,
            level,
            number: n.parse().map_err(|_| bad())?,
        })
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}.{}", self.domain, self.level, self.number)
    }
}

impl Serialize for IndicatorId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

super::fields::stored_as_text!(IndicatorId);

impl Cell for IndicatorId {
    fn cell(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{self}");
    }
}

/// "P3.2 (level 3) signs of neglect …", with the text of the checklist in use.
impl Describe for IndicatorId {
    fn describe(&self, checklist: &Checklist) -> String {
        match checklist.indicator(self) {
            Some(i) => format!("{self} (level {}) {}", self.level, i.text),
            None => format!("{self} (level {}, not in the checklist in use)", self.level),
        }
    }
}

/// One indicator a person can tick, such as `P3.2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub domain: Domain,
    pub level: Level,
    pub text: String,
}

/// A whole checklist, validated.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub name: String,
    pub levels: Vec<LevelDefinition>,
    pub indicators: Vec<Indicator>,
}

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
            let (span, number) = (entry.level.span(), *entry.level.get_ref());
            let Some(level) = u8::try_from(number).ok().and_then(Level::new) else {
                return wrong(span, format!("level {number} is not 1, 2, 3 or 4"));
            };
            if levels.iter().any(|l: &LevelDefinition| l.level == level) {
                return wrong(span, format!("level {level} is defined twice"));
            }
            if entry.label.get_ref().trim().is_empty() {
                return wrong(
                    entry.label.span(),
                    format!("level {level} has an empty label"),
                );
            }
            levels.push(LevelDefinition {
                level,
                label: entry.label.get_ref().trim().to_string(),
                description: entry.description.trim().to_string(),
            });
        }
        if let Some(missing) = Level::all().find(|n| !levels.iter().any(|l| l.level == *n)) {
            return Err(Error::input(format!(
                "{origin}: level {missing} is missing: define levels 1, 2, 3 and 4"
            )));
        }
        levels.sort_by_key(|l| l.level);

        let mut indicators = Vec::new();
        let mut seen = HashSet::new();
        for entry in &file.indicators {
            let (span, id) = (entry.id.span(), entry.id.get_ref());
            let Ok(parsed) = id.parse::<IndicatorId>() else {
                return wrong(
                    span,
                    format!(
                        "indicator ID '{id}' is not <domain><level>.<n>, such as P3.2 \
                         (domain C, P or F; level 1 to 4)"
                    ),
                );
            };
            let id = parsed;
            if !seen.insert(id) {
                return wrong(span, format!("indicator {id} is defined twice"));
            }
            if entry.text.get_ref().trim().is_empty() {
                return wrong(entry.text.span(), format!("indicator {id} has empty text"));
            }
            indicators.push(Indicator {
                id,
                domain: id.domain,
                level: id.level,
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
    pub fn level_label(&self, level: Level) -> &str {
        self.levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.label.as_str())
            .unwrap_or("unknown level")
    }

    /// "3 (Targeted early help)".
    pub fn describe_level(&self, level: Level) -> String {
        format!("{level} ({})", self.level_label(level))
    }

    pub fn indicator(&self, id: &IndicatorId) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == *id)
    }

    /// The indicators of a record, each of which this checklist must have: de-duplicated, in
    /// the checklist's order. `field` names them in the refusal.
    pub fn recognised(
        &self,
        field: FieldName,
        ids: &[IndicatorId],
    ) -> std::result::Result<Vec<IndicatorId>, Invalid> {
        // A record has a handful of indicators: one pass along the checklist finds them all.
        let found: Vec<IndicatorId> = self
            .indicators
            .iter()
            .map(|i| i.id)
            .filter(|id| ids.contains(id))
            .collect();
        match ids.iter().find(|id| !found.contains(id)) {
            Some(unknown) => Err(Invalid::new(
                field,
                Problem::NotAnIndicator {
                    given: unknown.to_string(),
                    checklist: self.name.clone(),
                },
            )),
            None => Ok(found),
        }
    }

    /// This checklist, also knowing the indicators a record was made with that it no longer
    /// has (a partnership's checklist changed since): correcting another field of that record
    /// must not fail on them. An ID carries its domain and level, so the suggested level stays
    /// as it was.
    pub fn knowing(&self, recorded: &[IndicatorId]) -> Checklist {
        let mut checklist = self.clone();
        for id in recorded {
            if checklist.indicator(id).is_none() {
                checklist.indicators.push(Indicator {
                    id: *id,
                    domain: id.domain,
                    level: id.level,
                    text: "(no longer in the checklist in use)".to_string(),
                });
            }
        }
        checklist
    }

    /// The ticked indicators that this checklist knows, in the order given.
    pub fn ticked<'a>(&'a self, ids: &[IndicatorId]) -> Vec<&'a Indicator> {
        ids.iter().filter_map(|id| self.indicator(id)).collect()
    }
}

/// The suggested level: the highest level among the ticked indicators, or none when none is ticked.
pub fn suggested_level(ticked: &[&Indicator]) -> Option<Level> {
    ticked.iter().map(|i| i.level).max()
}

/// Three or more level-3 indicators spanning two or more domains invite a look at level 4,
/// unless a level-4 indicator is ticked too (level 4 is then the suggested level already).
/// Returns how many level-3 indicators and domains there are when that is so.
pub fn consider_level_four(ticked: &[&Indicator]) -> Option<(usize, usize)> {
    let three = Level::new(3).expect("3 is a level");
    if suggested_level(ticked) == Level::new(4) {
        return None;
    }
    let level_three: Vec<_> = ticked.iter().filter(|i| i.level == three).collect();
    let domains: BTreeSet<Domain> = level_three.iter().map(|i| i.domain).collect();
    (level_three.len() >= 3 && domains.len() >= 2).then_some((level_three.len(), domains.len()))
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
            assert!(c.indicator(&id.parse().unwrap()).is_some(), "{id} missing");
        }
        assert_eq!(c.indicators.len(), 43);
        assert_eq!(c.level_label(Level::new(3).unwrap()), "Targeted early help");
    }

    fn ids(list: &[&str]) -> Vec<IndicatorId> {
        list.iter().map(|i| i.parse().unwrap()).collect()
    }

    #[test]
    fn suggested_level_is_the_highest_ticked() {
        let c = Checklist::bundled();
        assert_eq!(
            suggested_level(&c.ticked(&ids(&["C2.1", "P3.2", "F1.1"]))),
            Level::new(3)
        );
        assert_eq!(suggested_level(&c.ticked(&[])), None);
    }

    #[test]
    fn level_four_prompt_needs_three_level_three_across_two_domains() {
        let c = Checklist::bundled();
        let four = |list: &[&str]| consider_level_four(&c.ticked(&ids(list)));
        assert_eq!(four(&["C3.1", "C3.2", "P3.1"]), Some((3, 2)));
        assert_eq!(four(&["C3.1", "C3.2", "C3.3"]), None);
        assert_eq!(four(&["C3.1", "P3.2", "F2.1"]), None);
        assert_eq!(four(&["C3.1", "C3.2", "P3.1", "F4.1"]), None);
    }

    #[test]
    fn indicators_are_read_in_any_case_and_kept_in_checklist_order() {
        let c = Checklist::bundled();
        let got = c.recognised("indicators", &ids(&["p3.2", "c3.1", "F3.1", "C3.1"]));
        assert_eq!(got.unwrap(), ids(&["C3.1", "P3.2", "F3.1"]));
        let err = c.recognised("indicators", &ids(&["C3.9"])).unwrap_err();
        assert!(matches!(err.problem, Problem::NotAnIndicator { .. }));
        for bad in ["X9.9", "C5.1", "C1", "C1.0", "C01.1", "Q1.1", "C1.1a"] {
            assert!(bad.parse::<IndicatorId>().is_err(), "{bad}");
        }
        assert!(IndicatorId::from_str("P3.2").unwrap() < IndicatorId::from_str("F1.1").unwrap());
    }

    #[test]
    fn a_record_s_old_indicators_stay_known() {
        let c = Checklist::bundled();
        let old = ids(&["C2.1", "P3.9"]);
        assert!(c.recognised("indicators", &old).is_err());
        let knowing = c.knowing(&old);
        assert_eq!(knowing.recognised("indicators", &old).unwrap(), old);
        assert_eq!(suggested_level(&knowing.ticked(&old)), Level::new(3));
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
