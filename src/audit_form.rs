//! The interactive form for `caselog audit C-<n>`: at a terminal, after the consultation's record
//! and the family's chronology have been shown, asks for every field of the audit that the
//! command line did not give — the grade from its list, yes or no for the level and the pathway,
//! text and dates checked as they are typed — then asks to confirm.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};
use signal_hook::SigId;
use signal_hook::consts::SIGINT;

use crate::domain::audit::{Draft, Of};
use crate::domain::codes::{CodeList, Grade};
use crate::domain::invalid::{FieldName, Invalid, Problem};
use crate::domain::text::given;
use crate::domain::values::{Day, YesNo};
use crate::error::{Error, Result};

/// What the questions say about the decision audited: the advisor's level and pathway, in words.
pub struct Decision {
    pub level: String,
    pub pathway: String,
}

/// The form, drawn on stderr. While it exists, Ctrl-C does not end the program: the question
/// being asked returns an error instead, so that what was typed can be kept. The cursor is shown
/// again when it is dropped.
pub struct AuditForm {
    theme: Box<dyn Theme>,
    sigint: SigId,
}

impl Drop for AuditForm {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.sigint);
        let _ = Term::stderr().show_cursor();
    }
}

impl AuditForm {
    pub fn new() -> Result<AuditForm> {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme: Box<dyn Theme> = if plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        let sigint = signal_hook::flag::register(SIGINT, Arc::new(AtomicBool::new(false)))?;
        Ok(AuditForm { theme, sigint })
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
        self.ask(draft, of, decision, today)
            .inspect_err(|_| eprintln!())
    }

    fn ask(&self, draft: &mut Draft, of: Of, decision: &Decision, today: NaiveDate) -> Result<()> {
        eprintln!(
            "New audit of {} — press Enter to accept a default or skip an optional field.",
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
            draft.date = self.answer("date", "Date of the audit", Some("today"), true, rule)?;
        }
        if given(&draft.auditor).is_none() {
            draft.auditor = self.answer("auditor", "Auditor (you)", None, true, no_rule)?;
        }
        if draft.grade.is_none() {
            let items: Vec<String> = Grade::ALL
                .iter()
                .map(|g| format!("{:<21} {}", g.code(), g.label()))
                .collect();
            let chosen = self.select("Grade of the decision", &items)?;
            draft.grade = Some(Grade::ALL[chosen]);
        }
        if draft.level_agreed.is_none() {
            draft.level_agreed = Some(self.yes_no(&format!(
                "Would you have judged the same level of need? (the advisor's: {})",
                decision.level
            ))?);
        }
        if draft.pathway_agreed.is_none() {
            draft.pathway_agreed = Some(self.yes_no(&format!(
                "Would you have agreed the same pathway? (the advisor's: {})",
                decision.pathway
            ))?);
        }
        if draft.note.is_none() {
            draft.note = self.answer("note", "What you found (optional)", None, false, no_rule)?;
        }
        if draft.learning.is_none() {
            draft.learning = self.answer(
                "learning",
                "Learning for the service (optional)",
                None,
                false,
                no_rule,
            )?;
        }
        Ok(())
    }

    /// Asks whether to save, after the summary has been shown.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        Confirm::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .default(true)
            .interact()
            .map_err(|e| {
                eprintln!();
                broken_off(e)
            })
    }

    /// A typed answer: text read as `T` and checked by `rule` when Enter is pressed, and asked
    /// again, with what is wrong, until it is right. A blank answer gives the default if there
    /// is one; otherwise it is refused when `required`, and means "none" when not.
    fn answer<T: FromStr<Err = Problem>>(
        &self,
        field: FieldName,
        prompt: &str,
        default: Option<&str>,
        required: bool,
        rule: impl Fn(&T) -> std::result::Result<(), Invalid>,
    ) -> Result<Option<T>> {
        let read = |text: &str| -> std::result::Result<Option<T>, String> {
            let blank = text.trim().is_empty();
            if blank && !required {
                return Ok(None);
            }
            let refused = |invalid: Invalid| {
                let (message, hint) = invalid.words(&|f| f.replace('_', " "));
                hint.map_or(message.clone(), |hint| format!("{message}; {hint}"))
            };
            if blank {
                return Err(refused(Invalid::missing(field)));
            }
            let value = text
                .parse::<T>()
                .map_err(|p| refused(Invalid::new(field, p)))?;
            rule(&value).map_err(refused)?;
            Ok(Some(value))
        };
        let mut input = Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(true)
            .validate_with(|text: &String| read(text).map(|_| ()));
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        let text = input.interact_text().map_err(broken_off)?;
        read(&text).map_err(Error::input)
    }

    fn select(&self, prompt: &str, items: &[String]) -> Result<usize> {
        Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact()
            .map_err(broken_off)
    }

    fn yes_no(&self, prompt: &str) -> Result<YesNo> {
        let chosen = self.select(prompt, &["yes".to_string(), "no".to_string()])?;
        Ok(YesNo(chosen == 0))
    }
}

/// An answer with no rule beyond its type.
fn no_rule<T>(_: &T) -> std::result::Result<(), Invalid> {
    Ok(())
}

/// Why a question was broken off, in plain words.
fn broken_off(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(io) = e;
    match io.kind() {
        std::io::ErrorKind::Interrupted => Error::failure("Ctrl-C was pressed"),
        std::io::ErrorKind::UnexpectedEof => Error::failure("the terminal was closed"),
        _ => Error::from(io),
    }
}
