//! Record IDs as people write them: `C-12` (consultation), `R-3` (referral), `V-7` (review),
//! `A-2` (audit). Each kind has its own type, so a referral's number can never be taken for a
//! consultation's; `RecordId` is any of them, for the commands that take any record.

use std::fmt;
use std::str::FromStr;

use super::invalid::Problem;

/// The highest record number caselog accepts: far above any logbook's size, and far enough
/// below SQLite's largest integer that the next number is never chosen at random.
pub const MAX_NUMBER: i64 = 1_000_000_000;

/// The kinds of record, in the order a family's chronology lists one day's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Consultation,
    Referral,
    Review,
    Audit,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Consultation,
        RecordKind::Referral,
        RecordKind::Review,
        RecordKind::Audit,
    ];

    /// The letter IDs of this kind start with.
    pub fn prefix(self) -> char {
        match self {
            RecordKind::Consultation => 'C',
            RecordKind::Referral => 'R',
            RecordKind::Review => 'V',
            RecordKind::Audit => 'A',
        }
    }

    /// The kind in words: "consultation".
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Consultation => "consultation",
            RecordKind::Referral => "referral",
            RecordKind::Review => "review",
            RecordKind::Audit => "audit",
        }
    }

    /// The kind in words with its article: "a consultation", "an audit".
    pub fn a_noun(self) -> &'static str {
        match self {
            RecordKind::Consultation => "a consultation",
            RecordKind::Referral => "a referral",
            RecordKind::Review => "a review",
            RecordKind::Audit => "an audit",
        }
    }

    fn from_prefix(c: char) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.prefix() == c.to_ascii_uppercase())
    }
}

/// Any record's ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordId {
    pub kind: RecordKind,
    pub number: i64,
}

impl RecordId {
    pub fn new(kind: RecordKind, number: i64) -> RecordId {
        RecordId { kind, number }
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.kind.prefix(), self.number)
    }
}

/// Reads "C-12", "c12", "R-3", "V-7", "A-2" (surrounding space ignored).
impl FromStr for RecordId {
    type Err = Problem;

    fn from_str(input: &str) -> Result<RecordId, Problem> {
        let text = input.trim();
        let bad = || Problem::NotAnId {
            given: text.to_string(),
        };
        let mut chars = text.chars();
        let kind = chars
            .next()
            .and_then(RecordKind::from_prefix)
            .ok_or_else(bad)?;
        let rest = chars.as_str();
        let digits = rest.strip_prefix('-').unwrap_or(rest);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        match digits.parse::<i64>() {
            Ok(0) => Err(bad()),
            Ok(number) if number <= MAX_NUMBER => Ok(RecordId { kind, number }),
            // Only digits, so a number too large (even for a 64-bit integer).
            _ => Err(Problem::IdOutOfRange {
                given: text.to_string(),
            }),
        }
    }
}

impl serde::Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Declares the ID type of one kind of record: displayed and parsed as `C-12`, serialised as
/// that text, stored as its number.
macro_rules! record_id {
    ($(#[$meta:meta])* $name:ident, $kind:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            pub const KIND: RecordKind = $kind;

            /// The ID as any record's ID.
            pub fn any(self) -> RecordId {
                RecordId::new(Self::KIND, self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.any().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Problem;

            fn from_str(input: &str) -> Result<$name, Problem> {
                let id: RecordId = input.parse()?;
                if id.kind != Self::KIND {
                    return Err(Problem::WrongKind {
                        id,
                        expected: Self::KIND,
                    });
                }
                Ok($name(id.number))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        $crate::domain::fields::plain_cells!($name);

        impl $crate::domain::fields::Stored for $name {
            fn stored(&self) -> $crate::domain::fields::Value<'static> {
                $crate::domain::fields::Value::Integer(self.0)
            }
            fn restore(value: $crate::domain::fields::Value<'_>) -> Option<Self> {
                match value {
                    $crate::domain::fields::Value::Integer(n) => Some($name(n)),
                    _ => None,
                }
            }
        }
    };
}

record_id!(
    /// A consultation's ID, `C-<n>`.
    ConsultationId,
    RecordKind::Consultation
);
record_id!(
    /// A referral's ID, `R-<n>`.
    ReferralId,
    RecordKind::Referral
);
record_id!(
    /// A review's ID, `V-<n>`.
    ReviewId,
    RecordKind::Review
);
record_id!(
    /// An audit's ID, `A-<n>`.
    AuditId,
    RecordKind::Audit
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ids_forgivingly() {
        let id: RecordId = "C-12".parse().unwrap();
        assert_eq!(id, RecordId::new(RecordKind::Consultation, 12));
        assert_eq!("r3".parse::<RecordId>().unwrap().to_string(), "R-3");
        assert_eq!(" v-7 ".parse::<RecordId>().unwrap().to_string(), "V-7");
        assert_eq!("a-2".parse::<AuditId>().unwrap(), AuditId(2));
        for bad in ["", "C-", "C-0", "X-1", "C-1a", "12", "C--1"] {
            assert_eq!(
                bad.parse::<RecordId>(),
                Err(Problem::NotAnId {
                    given: bad.trim().to_string()
                }),
                "{bad}"
            );
        }
        assert_eq!(
            "C-1000000000".parse::<RecordId>().unwrap().number,
            MAX_NUMBER
        );
        for far in ["C-1000000001", "C-99999999999999999999999"] {
            assert_eq!(
                far.parse::<RecordId>(),
                Err(Problem::IdOutOfRange {
                    given: far.to_string()
                })
            );
        }
    }

    #[test]
    fn each_kind_refuses_the_others() {
        assert_eq!("C-4".parse::<ConsultationId>().unwrap(), ConsultationId(4));
        let err = "R-1".parse::<ConsultationId>().unwrap_err();
        assert_eq!(
            err,
            Problem::WrongKind {
                id: "R-1".parse().unwrap(),
                expected: RecordKind::Consultation
            }
        );
        assert_eq!(ReferralId(3).to_string(), "R-3");
        assert_eq!(serde_json::to_string(&ReviewId(9)).unwrap(), "\"V-9\"");
    }
}
