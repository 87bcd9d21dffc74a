//! The IDs people see: `C-<n>` for a consultation, `R-<n>` for a referral, `V-<n>` for a review.

use std::fmt;

use serde::Serializer;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Consultation,
    Referral,
    Review,
}

impl RecordKind {
    pub fn prefix(self) -> char {
        match self {
            RecordKind::Consultation => 'C',
            RecordKind::Referral => 'R',
            RecordKind::Review => 'V',
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Consultation => "consultation",
            RecordKind::Referral => "referral",
            RecordKind::Review => "review",
        }
    }
}

/// The highest record number caselog reads, wherever an ID is typed or imported: far beyond any
/// logbook's records, and low enough that a new record's number (one more than the highest)
/// never runs out.
pub const MAX_NUMBER: i64 = 1_000_000_000;

/// A record's ID as people write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordId {
    pub kind: RecordKind,
    pub number: i64,
}

impl RecordId {
    pub fn new(kind: RecordKind, number: i64) -> Self {
        RecordId { kind, number }
    }

    /// Reads "C-12", "c12", "R-3", "V-7".
    pub fn parse(input: &str) -> Result<RecordId> {
        let text = input.trim();
        let bad = || {
            Error::input(format!("'{text}' is not a record ID"))
                .hint("IDs look like C-12 (consultation), R-3 (referral) or V-7 (review)")
        };
        let mut chars = text.chars();
        let kind = match chars.next().map(|c| c.to_ascii_uppercase()) {
            Some('C') => RecordKind::Consultation,
            Some('R') => RecordKind::Referral,
            Some('V') => RecordKind::Review,
            _ => return Err(bad()),
        };
        let rest = chars.as_str();
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number = match digits.parse::<i64>() {
            Ok(0) => return Err(bad()),
            Ok(n) if n <= MAX_NUMBER => n,
            // Only digits: a number too large even for i64.
            _ => {
                return Err(Error::input(format!(
                    "'{text}' is out of range: record numbers go up to {MAX_NUMBER}"
                ))
                .hint("IDs look like C-12 (consultation), R-3 (referral) or V-7 (review)"));
            }
        };
        Ok(RecordId { kind, number })
    }

    /// Reads an ID that must be of one kind.
    pub fn parse_kind(input: &str, kind: RecordKind) -> Result<i64> {
        let id = RecordId::parse(input)?;
        if id.kind != kind {
            return Err(Error::input(format!(
                "{id} is a {}, not a {}",
                id.kind.noun(),
                kind.noun()
            ))
            .hint(format!("{} IDs start with {}-", kind.noun(), kind.prefix())));
        }
        Ok(id.number)
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.kind.prefix(), self.number)
    }
}

/// serde helpers writing a numeric ID as "C-1", "R-1" or "V-1" (or null when absent).
pub fn serialize_consultation_id<S: Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&RecordId::new(RecordKind::Consultation, *n))
}

pub fn serialize_referral_id<S: Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&RecordId::new(RecordKind::Referral, *n))
}

pub fn serialize_review_id<S: Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&RecordId::new(RecordKind::Review, *n))
}

pub fn serialize_optional_consultation_id<S: Serializer>(
    n: &Option<i64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => serialize_consultation_id(n, s),
        None => s.serialize_none(),
    }
}

pub fn serialize_optional_referral_id<S: Serializer>(
    n: &Option<i64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match n {
        Some(n) => serialize_referral_id(n, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_forgivingly() {
        assert_eq!(
            RecordId::parse("C-12").unwrap(),
            RecordId::new(RecordKind::Consultation, 12)
        );
        assert_eq!(
            RecordId::parse("r3").unwrap(),
            RecordId::new(RecordKind::Referral, 3)
        );
        assert_eq!(RecordId::parse(" v-7 ").unwrap().to_string(), "V-7");
        for bad in ["", "C-", "C-0", "X-1", "C-1a", "12", "C--1"] {
            assert!(RecordId::parse(bad).is_err(), "{bad}");
        }
        assert!(RecordId::parse_kind("R-1", RecordKind::Consultation).is_err());
    }

    #[test]
    fn numbers_above_the_bound_are_out_of_range() {
        assert_eq!(RecordId::parse("C-1000000000").unwrap().number, MAX_NUMBER);
        for big in [
            "C-1000000001",
            "C-9223372036854775807",
            "R-99999999999999999999",
        ] {
            let e = RecordId::parse(big).unwrap_err();
            assert!(
                e.message.contains("is out of range"),
                "{big}: {}",
                e.message
            );
        }
    }
}
