//! An audit (domain brief §8): a manager's look at one consultation — the grade of the decision,
//! whether the auditor would have judged the same level and the same pathway, a note and a
//! learning point. As for every record: the record, its draft (the flags of `audit`, shared with
//! `amend`, the form and an import row), the rules, and its field table.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::Grade;
use super::fields::record_table;
use super::ids::{AuditId, ConsultationId};
use super::invalid::{FieldName, Invalid, Problem};
use super::record::{Stamp, Timestamp, Voided, dated_after};
use super::text::{Note, Text, given};
use super::values::{Day, YesNo};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub id: AuditId,
    pub uuid: uuid::Uuid,
    /// The consultation looked at.
    pub consultation: ConsultationId,
    pub date: NaiveDate,
    /// Who looked at it.
    pub auditor: Text,
    pub grade: Grade,
    /// Whether the auditor would have judged the same level of need.
    pub level_agreed: YesNo,
    /// Whether the auditor would have agreed the same pathway (outcome).
    pub pathway_agreed: YesNo,
    pub note: Option<Note>,
    /// What the service can learn from it.
    pub learning: Option<Note>,
    pub created_at: Timestamp,
    pub voided: Option<Voided>,
}

/// An audit's fields as given, before the rules are checked.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Draft {
    /// Date of the audit: YYYY-MM-DD, DD/MM/YYYY, today or yesterday; not before the
    /// consultation audited [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<Day>,

    /// Who audited the consultation [default: CASELOG_AUDITOR, or the config file's `auditor`]
    #[arg(long, env = "CASELOG_AUDITOR", value_name = "NAME")]
    pub auditor: Option<Text>,

    /// The grade of the decision: outstanding, good, requires-improvement or inadequate
    #[arg(long, value_name = "GRADE")]
    pub grade: Option<Grade>,

    /// Whether you would have judged the same level of need: yes or no
    #[arg(long, value_name = "YES|NO")]
    pub level_agreed: Option<YesNo>,

    /// Whether you would have agreed the same pathway (outcome): yes or no
    #[arg(long, value_name = "YES|NO")]
    pub pathway_agreed: Option<YesNo>,

    /// What you found
    #[arg(long, value_name = "TEXT")]
    pub note: Option<Note>,

    /// What the service can learn from it (listed by `audit --learning-summary`)
    #[arg(long, value_name = "TEXT")]
    pub learning: Option<Note>,
}

/// The consultation an audit is of, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct Of {
    pub id: ConsultationId,
    pub date: NaiveDate,
}

impl Draft {
    /// The required fields not given, in field order.
    pub fn missing(&self) -> Vec<FieldName> {
        [
            ("auditor", given(&self.auditor).is_some()),
            ("grade", self.grade.is_some()),
            ("level_agreed", self.level_agreed.is_some()),
            ("pathway_agreed", self.pathway_agreed.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| (!given).then_some(name))
        .collect()
    }

    /// Checks the fields given so far against the rules that need no other field: run before
    /// asking for the rest, so that a mistyped date is caught before anyone answers a question.
    pub fn check_given(&self, of: Of, today: NaiveDate) -> Result<(), Invalid> {
        self.dated(of, today).map(|_| ())
    }

    /// The audit's date: today by default, not after today and not before the consultation.
    fn dated(&self, of: Of, today: NaiveDate) -> Result<NaiveDate, Invalid> {
        dated_after(
            "date",
            self.date.unwrap_or(Day::Today),
            format_args!("the consultation {} it audits", of.id),
            of.date,
            today,
        )
    }

    /// Checks the draft and makes the audit of `of` it describes.
    pub fn audit(&self, of: Of, today: NaiveDate, stamp: Stamp<AuditId>) -> Result<Audit, Invalid> {
        let missing = self.missing();
        if let Some(first) = missing.first() {
            return Err(Invalid::new(first, Problem::MissingFields(missing)));
        }
        let date = self.dated(of, today)?;
        Ok(Audit {
            id: stamp.id,
            uuid: stamp.uuid,
            consultation: of.id,
            date,
            auditor: given(&self.auditor).cloned().expect("checked by missing"),
            grade: self.grade.expect("checked by missing"),
            level_agreed: self.level_agreed.expect("checked by missing"),
            pathway_agreed: self.pathway_agreed.expect("checked by missing"),
            note: given(&self.note).cloned(),
            learning: given(&self.learning).cloned(),
            created_at: stamp.created_at,
            voided: None,
        })
    }
}

impl Audit {
    /// The audit as a draft, for amending: checking it again gives the same record.
    pub fn draft(&self) -> Draft {
        Draft {
            date: Some(Day::Date(self.date)),
            auditor: Some(self.auditor.clone()),
            grade: Some(self.grade),
            level_agreed: Some(self.level_agreed),
            pathway_agreed: Some(self.pathway_agreed),
            note: self.note.clone(),
            learning: self.learning.clone(),
        }
    }

    /// The stamp it was saved with.
    pub fn stamp(&self) -> Stamp<AuditId> {
        Stamp {
            id: self.id,
            uuid: self.uuid,
            created_at: self.created_at.clone(),
        }
    }
}

/// The latest of a consultation's audits that stand (not voided): the latest by date, and on
/// one date the higher A-number (domain brief §5).
pub fn latest(audits: &[Audit]) -> Option<&Audit> {
    audits
        .iter()
        .filter(|a| a.voided.is_none())
        .max_by_key(|a| (a.date, a.id))
}

record_table! {
    /// An audit's fields, in the order of the export's columns (narratives last there).
    pub static FIELDS: Audit, Draft = [
        id: "ID", Stamp;
        uuid: "UUID", Stamp;
        consultation: "Consultation", Link;
        date: "Date", Required;
        auditor: "Auditor", Required;
        grade: "Grade", Required;
        level_agreed: "Level agreed", Required;
        pathway_agreed: "Pathway agreed", Required;
        note: "Note", Narrative;
        learning: "Learning", Narrative;
        created_at: "Recorded", Stamp;
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn of() -> Of {
        Of {
            id: ConsultationId(4),
            date: d("2026-03-01"),
        }
    }

    fn draft() -> Draft {
        Draft {
            auditor: Some("Pat Manager".parse().unwrap()),
            grade: Some("requires-improvement".parse().unwrap()),
            level_agreed: Some("yes".parse().unwrap()),
            pathway_agreed: Some("no".parse().unwrap()),
            ..Draft::default()
        }
    }

    fn check(draft: &Draft) -> Result<Audit, Invalid> {
        draft.audit(
            of(),
            d("2026-03-15"),
            Stamp::new(AuditId(1), "2026-03-15T10:00:00Z"),
        )
    }

    #[test]
    fn every_required_field_is_named_when_missing() {
        let err = check(&Draft::default()).unwrap_err();
        assert_eq!(
            err.problem,
            Problem::MissingFields(vec!["auditor", "grade", "level_agreed", "pathway_agreed"])
        );
        let blank = Draft {
            auditor: Some("  ".parse().unwrap()),
            ..draft()
        };
        assert_eq!(
            check(&blank).unwrap_err().problem,
            Problem::MissingFields(vec!["auditor"])
        );
    }

    #[test]
    fn an_audit_is_dated_from_its_consultation_to_today() {
        let a = check(&draft()).unwrap();
        assert_eq!(
            (a.consultation, a.date, a.grade),
            (
                ConsultationId(4),
                d("2026-03-15"),
                Grade::RequiresImprovement
            )
        );
        let before = Draft {
            date: Some(Day::Date(d("2026-02-28"))),
            ..draft()
        };
        assert_eq!(
            check(&before).unwrap_err().words(&|n| format!("<{n}>")).0,
            "<date> 2026-02-28 is before the consultation C-4 it audits (2026-03-01)"
        );
        let future = Draft {
            date: Some(Day::Date(d("2026-03-16"))),
            ..draft()
        };
        assert!(matches!(
            check(&future).unwrap_err().problem,
            Problem::Future { .. }
        ));
    }

    #[test]
    fn an_audit_round_trips_through_its_draft() {
        let a = check(&Draft {
            note: Some(
                "Sound reasoning,\nthin on the child's voice"
                    .parse()
                    .unwrap(),
            ),
            learning: Some("Ask what life is like for the child".parse().unwrap()),
            date: Some(Day::Date(d("2026-03-02"))),
            ..draft()
        })
        .unwrap();
        assert_eq!(
            a.draft().audit(of(), d("2026-03-15"), a.stamp()).unwrap(),
            a
        );
        let names: Vec<_> = fields::exported(FIELDS, false).map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "id",
                "uuid",
                "consultation",
                "date",
                "auditor",
                "grade",
                "level_agreed",
                "pathway_agreed",
                "created_at"
            ]
        );
    }

    #[test]
    fn the_latest_audit_is_by_date_then_number_among_those_standing() {
        let on = |n: i64, date: &str| {
            let mut a = check(&draft()).unwrap();
            a.id = AuditId(n);
            a.date = d(date);
            a
        };
        let mut audits = vec![
            on(1, "2026-03-05"),
            on(3, "2026-03-02"),
            on(2, "2026-03-05"),
        ];
        assert_eq!(latest(&audits).map(|a| a.id), Some(AuditId(2)));
        audits[2].voided = Some(Voided {
            at: "2026-03-15T10:00:00Z".parse().unwrap(),
            reason: "typed twice".parse().unwrap(),
        });
        assert_eq!(latest(&audits).map(|a| a.id), Some(AuditId(1)));
        assert_eq!(latest(&[]), None);
    }
}
