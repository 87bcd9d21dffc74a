//! Corrections that keep history (domain brief §2): each changed field of a record becomes one
//! amendment with the old value, the new value, when and why. Fields are compared as their
//! stored text, through the record's field table.

use serde::Serialize;

use super::fields::{Class, Field};
use super::invalid::FieldName;
use super::record::Timestamp;

/// One field's correction, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub amended_at: Timestamp,
}

/// A field whose value differs between two versions of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: FieldName,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields that differ between the old and new versions of a record, in table order. The
/// stamp and the record it hangs from never change.
pub fn changes<R, D>(table: &'static [Field<R, D>], old: &R, new: &R) -> Vec<Change> {
    let text = |f: &Field<R, D>, r: &R| Some(f.text_of(r)).filter(|t| !t.is_empty());
    table
        .iter()
        .filter(|f| !matches!(f.class, Class::Stamp | Class::Link))
        .filter_map(|f| {
            let (a, b) = (text(f, old), text(f, new));
            (a != b).then_some(Change {
                field: f.name,
                old: a,
                new: b,
            })
        })
        .collect()
}
