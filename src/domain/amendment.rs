//! Corrections that keep history (domain brief §2): each changed field of a record becomes one
//! amendment with the old value, the new value, when and why.

use serde::Serialize;

/// One field's correction, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Amendment {
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: String,
    pub amended_at: String,
}

/// A field whose value differs between two versions of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The fields that differ between the old and new versions of a record, in field order. Both
/// lists come from the same record type's `fields()`, so they name the same fields in order.
pub fn changes(
    old: &[(&'static str, Option<String>)],
    new: &[(&'static str, Option<String>)],
) -> Vec<Change> {
    old.iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| Change {
            field,
            old: a.clone(),
            new: b.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_fields_are_kept() {
        let old = [
            ("a", Some("1".into())),
            ("b", None),
            ("c", Some("x".into())),
        ];
        let new = [
            ("a", Some("1".into())),
            ("b", Some("2".into())),
            ("c", None),
        ];
        assert_eq!(
            changes(&old, &new),
            [
                Change {
                    field: "b",
                    old: None,
                    new: Some("2".into())
                },
                Change {
                    field: "c",
                    old: Some("x".into()),
                    new: None
                },
            ]
        );
    }
}
