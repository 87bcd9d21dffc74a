//! The interactive form for `caselog consult`: asks, at a terminal, for every field the command
//! line did not give — pick lists with labels for codes, the checklist as a multi-select per
//! domain, and text and dates checked as they are typed — then asks to confirm.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};
use signal_hook::consts::SIGINT;

use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::{AGENCY, CONSENT, CodeList, FACTOR, MODE, OUTCOME};
use crate::domain::consultation::{self, Draft};
use crate::domain::{dates, text};
use crate::error::Result;

/// The interactive form, drawn on stderr.
pub struct Form {
    theme: Box<dyn Theme>,
}

impl Default for Form {
    fn default() -> Form {
        Form::new()
    }
}

impl Form {
    pub fn new() -> Form {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme: Box<dyn Theme> = if plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        Form { theme }
    }

    /// Asks for every field of `draft` that is still unset. Ctrl-C breaks the questions off
    /// with an error rather than ending the program, so that the caller can keep what was
    /// typed; the cursor is shown again either way.
    pub fn complete(
        &self,
        draft: &mut Draft,
        checklist: &Checklist,
        today: NaiveDate,
    ) -> Result<()> {
        // While a handler is registered, SIGINT no longer ends the process: the prompt that was
        // reading a key returns an "interrupted" error instead.
        let interrupted = Arc::new(AtomicBool::new(false));
        let handler = signal_hook::flag::register(SIGINT, interrupted)?;
        let asked = self.ask(draft, checklist, today);
        signal_hook::low_level::unregister(handler);
        let _ = dialoguer::console::Term::stderr().show_cursor();
        if asked.is_err() {
            eprintln!(); // leave the half-answered question's line
        }
        asked
    }

    fn ask(&self, draft: &mut Draft, checklist: &Checklist, today: NaiveDate) -> Result<()> {
        eprintln!("New consultation — press Enter to accept a default or skip an optional field.");
        if draft.date.is_none() {
            let answer = self.text("Date of the consultation", Some("today"), true, |s| {
                dates::parse_past_date("date", s, today).map(|_| ())
            })?;
            draft.date = Some(answer);
        }
        let date =
            dates::parse_past_date("--date", draft.date.as_deref().unwrap_or("today"), today)?;
        ask_text(self, &mut draft.advisor, "Advisor (you)", true)?;
        ask_text(self, &mut draft.setting, "Setting (where)", true)?;
        if draft.mode.is_none() {
            draft.mode = Some(self.code(&MODE, "How", Some(0))?);
        }
        if draft.agency.is_none() {
            draft.agency = Some(self.code(&AGENCY, "Consultee's agency", None)?);
        }
        ask_text(self, &mut draft.role, "Consultee's role (optional)", false)?;
        ask_text(
            self,
            &mut draft.family,
            "Family reference (never a name)",
            true,
        )?;
        if draft.children.is_none() {
            draft.children = Some(self.text("Number of children", Some("1"), true, |s| {
                consultation::parse_children("children", s).map(|_| ())
            })?);
        }
        if draft.factors.is_empty() {
            let picked = self.many(
                "Factors (Space to tick, Enter when done)",
                FACTOR
                    .codes
                    .iter()
                    .map(|c| format!("{:<4} {}", c.code, c.label)),
            )?;
            draft.factors = picked
                .into_iter()
                .map(|i| FACTOR.codes[i].code.to_string())
                .collect();
        }
        if draft.indicators.is_empty() {
            self.tick_checklist(draft, checklist)?;
        }
        let ticked = checklist.ticked(&draft.indicators);
        let suggested = checklist::suggested_level(&ticked);
        if draft.consultee_level.is_none() {
            draft.consultee_level = self.level(
                checklist,
                "Level of need the consultee believed",
                None,
                true,
            )?;
        }
        match suggested {
            Some(level) => eprintln!("Suggested level: {}", checklist.describe_level(level)),
            None => eprintln!("No indicator ticked, so there is no suggested level."),
        }
        if let Some((n, domains)) = checklist::consider_level_four(&ticked) {
            eprintln!(
                "{n} level-3 indicators across {domains} domains: consider whether level 4 applies."
            );
        }
        if draft.level.is_none() {
            draft.level = self.level(
                checklist,
                "Your judgement of the level of need",
                suggested,
                false,
            )?;
        }
        let level = draft.level.as_deref().and_then(|l| l.parse::<u8>().ok());
        if draft.rationale.is_none() && suggested.is_some() && level != suggested {
            draft.rationale = Some(self.text(
                "Why your judgement differs from the checklist",
                None,
                true,
                |s| text::note("rationale", s).map(|_| ()),
            )?);
        }
        if draft.confidence_before.is_none() {
            draft.confidence_before = self.confidence("Consultee's confidence before (1–5)")?;
        }
        if draft.confidence_after.is_none() {
            draft.confidence_after = self.confidence("Consultee's confidence after (1–5)")?;
        }
        if draft.consent.is_none() {
            draft.consent = self.optional_code(&CONSENT, "Consent")?;
        }
        if draft.outcome.is_none() {
            draft.outcome = Some(self.code(&OUTCOME, "Outcome agreed", None)?);
        }
        ask_note(
            self,
            &mut draft.worry,
            "What the consultee is worried about",
        )?;
        ask_note(self, &mut draft.strengths, "What is working well")?;
        ask_note(self, &mut draft.advice, "Advice given and next steps")?;
        if draft.follow_up.is_none() {
            let answer = self.text("Follow-up date (e.g. +2w; optional)", None, false, |s| {
                dates::parse_follow_up("follow-up", s, date, today).map(|_| ())
            })?;
            draft.follow_up = Some(answer).filter(|s| !s.is_empty());
        }
        Ok(())
    }

    /// Asks whether to save, after the summary has been shown.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        Ok(Confirm::with_theme(self.theme.as_ref())
            .with_prompt(question)
            .default(true)
            .interact()?)
    }

    fn tick_checklist(&self, draft: &mut Draft, checklist: &Checklist) -> Result<()> {
        for domain in Domain::ALL {
            let mut items: Vec<_> = checklist
                .indicators
                .iter()
                .filter(|i| i.domain == domain)
                .collect();
            items.sort_by_key(|i| i.reading_order());
            let picked = self.many(
                &format!(
                    "Checklist — {} (Space to tick, Enter when done)",
                    domain.label()
                ),
                items
                    .iter()
                    .map(|i| format!("L{} {:<5} {}", i.level, i.id, i.text)),
            )?;
            draft
                .indicators
                .extend(picked.into_iter().map(|n| items[n].id.clone()));
        }
        Ok(())
    }

    /// A line of text, checked by `check` as it is typed; empty is allowed when not `required`.
    fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        required: bool,
        check: impl Fn(&str) -> Result<()>,
    ) -> Result<String> {
        let mut input = Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(!required || default.is_some())
            .validate_with(move |s: &String| -> std::result::Result<(), String> {
                if s.trim().is_empty() && !required {
                    return Ok(());
                }
                check(s).map_err(|e| e.message)
            });
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        Ok(input.interact_text()?.trim().to_string())
    }

    fn code(
        &self,
        list: &'static CodeList,
        prompt: &str,
        default: Option<usize>,
    ) -> Result<String> {
        let items: Vec<String> = list
            .codes
            .iter()
            .map(|c| format!("{:<14} {}", c.code, c.label))
            .collect();
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(default.unwrap_or(0))
            .max_length(12)
            .interact()?;
        Ok(list.codes[chosen].code.to_string())
    }

    fn optional_code(&self, list: &'static CodeList, prompt: &str) -> Result<Option<String>> {
        let mut items = vec!["(not recorded)".to_string()];
        items.extend(
            list.codes
                .iter()
                .map(|c| format!("{:<14} {}", c.code, c.label)),
        );
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(0)
            .interact()?;
        Ok(chosen
            .checked_sub(1)
            .map(|i| list.codes[i].code.to_string()))
    }

    fn level(
        &self,
        checklist: &Checklist,
        prompt: &str,
        default: Option<u8>,
        optional: bool,
    ) -> Result<Option<String>> {
        let mut items: Vec<String> = Vec::new();
        if optional {
            items.push("(not recorded)".into());
        }
        items.extend(
            checklist
                .levels
                .iter()
                .map(|l| format!("{} {}", l.level, l.label)),
        );
        let offset = usize::from(optional);
        let start = default.map(|l| usize::from(l) - 1 + offset).unwrap_or(0);
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(start)
            .interact()?;
        Ok(chosen
            .checked_sub(offset)
            .map(|i| checklist.levels[i].level.to_string()))
    }

    fn confidence(&self, prompt: &str) -> Result<Option<String>> {
        let items = [
            "(not recorded)",
            "1 not at all confident",
            "2",
            "3",
            "4",
            "5 fully confident",
        ];
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact()?;
        Ok((chosen > 0).then(|| chosen.to_string()))
    }

    fn many(&self, prompt: &str, items: impl Iterator<Item = String>) -> Result<Vec<usize>> {
        let items: Vec<String> = items.collect();
        Ok(MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .max_length(12)
            .interact()?)
    }
}

fn ask_text(form: &Form, slot: &mut Option<String>, prompt: &str, required: bool) -> Result<()> {
    if slot.is_none() {
        let answer = form.text(prompt, None, required, |s| {
            text::short(prompt, s).map(|_| ())
        })?;
        *slot = Some(answer).filter(|s| !s.is_empty());
    }
    Ok(())
}

fn ask_note(form: &Form, slot: &mut Option<String>, prompt: &str) -> Result<()> {
    if slot.is_none() {
        let answer = form.text(&format!("{prompt} (optional)"), None, false, |s| {
            text::note(prompt, s).map(|_| ())
        })?;
        *slot = Some(answer).filter(|s| !s.is_empty());
    }
    Ok(())
}
