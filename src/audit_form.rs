//! The interactive form for `caselog audit C-<n>`: at a terminal, after the consultation's record
//! and the family's chronology have been shown, asks for every field of the audit that the
//! command line did not give — the grade from its list, yes or no for the level and the pathway,
//! text and dates checked as they are typed — then asks to confirm. Its questions are the
//! consultation form's (`prompt`): type-to-find lists, line editing, notes in an editor.

use chrono::NaiveDate;

use crate::domain::audit::{Draft, Of};
use crate::domain::codes::Grade;
use crate::domain::text::given;
use crate::domain::values::Day;
use crate::error::Result;
use crate::prompt::{Form, TextQuestion, no_rule};

/// What the questions say about the decision audited: the advisor's level and pathway, in words.
pub struct Decision {
    pub level: String,
    pub pathway: String,
}

/// The form, drawn on stderr; while it exists, Ctrl-C stops the question being asked rather than
/// the program, so that what was typed can be kept.
pub struct AuditForm {
    form: Form,
}

impl AuditForm {
    pub fn new() -> Result<AuditForm> {
        Ok(AuditForm { form: Form::new()? })
    }

    /// Asks for every field of `draft` still unset, and the auditor when blank. Answers are kept
    /// in the draft as they are given.
    pub fn complete(
        &self,
        draft: &mut Draft,
        of: Of,
        decision: &Decision,
        today: NaiveDate,
    ) -> Result<()> {
        let form = &self.form;
        eprintln!(
            "New audit of {} (Enter takes a [default]; Ctrl-C stops).",
            of.id
        );
        if draft.date.is_none() {
            let rule = |day: &Day| {
                Draft {
                    date: Some(*day),
                    ..Draft::default()
                }
                .check_given(of, today)
            };
            draft.date = form.answer(
                "date",
                TextQuestion {
                    default: Some("today"),
                    ..TextQuestion::new("Date of the audit")
                },
                rule,
            )?;
        }
        if given(&draft.auditor).is_none() {
            draft.auditor = form.answer(
                "auditor",
                TextQuestion {
                    needed: Some("the auditor is needed: your name as it is to be recorded"),
                    ..TextQuestion::new("Auditor (you)")
                },
                no_rule,
            )?;
        }
        if draft.grade.is_none() {
            draft.grade = Some(form.code::<Grade>("Grade of the decision", None)?);
        }
        if draft.level_agreed.is_none() {
            draft.level_agreed = Some(form.yes_or_no(&format!(
                "Would you have judged the same level of need? (the advisor's: {})",
                decision.level
            ))?);
        }
        if draft.pathway_agreed.is_none() {
            draft.pathway_agreed = Some(form.yes_or_no(&format!(
                "Would you have agreed the same pathway? (the advisor's: {})",
                decision.pathway
            ))?);
        }
        form.note(&mut draft.note, "note", "What you found")?;
        form.note(&mut draft.learning, "learning", "Learning for the service")?;
        Ok(())
    }

    /// Asks whether to save, after the summary has been shown.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        self.form.confirm(question)
    }
}
