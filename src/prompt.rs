//! The interactive form for `caselog consult`: asks, at a terminal, for every field the command
//! line did not give — pick lists with labels for codes, the checklist as a multi-select per
//! domain, and text and dates checked as they are typed — then asks to confirm.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use dialoguer::console::{Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};
use signal_hook::SigId;
use signal_hook::consts::SIGINT;

use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::{AGENCY, CONSENT, CodeList, FACTOR, MODE, OUTCOME};
use crate::domain::consultation::{self, CHILDREN_MAX, Draft};
use crate::domain::dates;
use crate::domain::text::{self, given};
use crate::error::{Error, Result};

/// The interactive form, drawn on stderr. While it exists, Ctrl-C does not end the program:
/// the question being asked returns an error instead, so that the caller can keep what was
/// typed. The cursor is shown again when it is dropped.
pub struct Form {
    theme: Box<dyn Theme>,
    sigint: SigId,
}

impl Drop for Form {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.sigint);
        let _ = Term::stderr().show_cursor();
    }
}

impl Form {
    pub fn new() -> Result<Form> {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme: Box<dyn Theme> = if plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        // While a handler is registered, SIGINT no longer ends the process: the prompt that was
        // reading a key returns an "interrupted" error instead.
        let sigint = signal_hook::flag::register(SIGINT, Arc::new(AtomicBool::new(false)))?;
        Ok(Form { theme, sigint })
    }

    /// Asks for every field of `draft` that is still unset, and every required one that is
    /// blank. Answers are kept in the draft as they are given, so that what was typed is not
    /// lost if the questions are broken off.
    pub fn complete(
        &self,
        draft: &mut Draft,
        checklist: &Checklist,
        today: NaiveDate,
    ) -> Result<()> {
        // On an error, leave the half-answered question's line.
        self.ask(draft, checklist, today)
            .inspect_err(|_| eprintln!())
    }

    fn ask(&self, draft: &mut Draft, checklist: &Checklist, today: NaiveDate) -> Result<()> {
        eprintln!("New consultation — press Enter to accept a default or skip an optional field.");
        if given(&draft.date).is_none() {
            let answer = self.text("Date of the consultation", Some("today"), None, |s| {
                dates::parse_past_date("date", s, today).map(|_| ())
            })?;
            draft.date = Some(answer);
        }
        let date = dates::parse_past_date("--date", given(&draft.date).unwrap_or("today"), today)?;
        self.required_text(
            &mut draft.advisor,
            "Advisor (you)",
            "advisor",
            "the advisor is needed: your name as it is to be recorded",
        )?;
        self.required_text(
            &mut draft.setting,
            "Setting (where)",
            "setting",
            "the setting is needed: where the consultation took place",
        )?;
        if draft.mode.is_none() {
            draft.mode = Some(self.code(&MODE, "How", Some(0))?);
        }
        if given(&draft.agency).is_none() {
            draft.agency = Some(self.code(&AGENCY, "Consultee's agency", None)?);
        }
        if draft.role.is_none() {
            let answer = self.text("Consultee's role (optional)", None, None, |s| {
                text::short("role", s).map(|_| ())
            })?;
            draft.role = Some(answer).filter(|s| !s.is_empty());
        }
        self.required_text(
            &mut draft.family,
            "Family reference (never a name)",
            "family reference",
            "the family reference is needed: a case number or your own code, never a name",
        )?;
        if draft.children.is_none() {
            draft.children = Some(self.text(
                &format!("Number of children (1–{CHILDREN_MAX})"),
                Some("1"),
                None,
                |s| consultation::parse_children("children", s).map(|_| ()),
            )?);
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
        // As typed, a flag may hold several IDs ("C2.1;P3.2") in any case.
        let ticked = checklist.parse_indicators("--indicator", &draft.indicators)?;
        let ticked = checklist.ticked(&ticked);
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
        if given(&draft.level).is_none() {
            draft.level = self.level(
                checklist,
                "Your judgement of the level of need",
                suggested,
                false,
            )?;
        }
        let level = given(&draft.level).and_then(|l| consultation::parse_level("--level", l).ok());
        if let (Some(suggested), Some(level)) = (suggested, level)
            && level != suggested
            && given(&draft.rationale).is_none()
        {
            let needed = format!(
                "a rationale is needed: your level {level} differs from the suggested level \
                 {suggested}"
            );
            draft.rationale = Some(self.text(
                "Why your judgement differs from the checklist",
                None,
                Some(&needed),
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
        if given(&draft.outcome).is_none() {
            draft.outcome = Some(self.code(&OUTCOME, "Outcome agreed", None)?);
        }
        self.note(
            &mut draft.worry,
            "What the consultee is worried about",
            "worry",
        )?;
        self.note(&mut draft.strengths, "What is working well", "strengths")?;
        self.note(&mut draft.advice, "Advice given and next steps", "advice")?;
        if draft.follow_up.is_none() {
            let answer = self.text(
                "Follow-up date (a date, or +3d / +2w after the consultation; optional)",
                None,
                None,
                |s| dates::parse_follow_up("follow-up", s, date, today).map(|_| ()),
            )?;
            draft.follow_up = Some(answer).filter(|s| !s.is_empty());
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

    /// A line of text, checked by `check` when Enter is pressed. A blank answer gives the
    /// default if there is one; otherwise it is refused with `needed` when the question is
    /// required, and means "none" when it is not. A refused answer is shown with what is wrong
    /// and offered again for editing.
    fn text(
        &self,
        prompt: &str,
        default: Option<&str>,
        needed: Option<&str>,
        check: impl Fn(&str) -> Result<()>,
    ) -> Result<String> {
        let term = Term::stderr();
        let mut refused: Option<(String, usize)> = None; // the answer refused, and its error's lines
        loop {
            let mut input = Input::<String>::with_theme(self.theme.as_ref())
                .with_prompt(prompt)
                .allow_empty(true)
                .report(false);
            if let Some(d) = default {
                input = input.default(d.to_string());
            }
            if let Some((typed, _)) = &refused {
                input = input.with_initial_text(typed);
            }
            let answer = input.interact_text().map_err(broken_off)?;
            if let Some((_, lines)) = refused.take() {
                term.clear_last_lines(lines)?;
            }
            let answer = match (answer.trim(), default) {
                ("", Some(d)) => d.to_string(),
                _ => answer,
            };
            let checked = match (answer.trim(), needed) {
                ("", Some(needed)) => Err(Error::input(needed)),
                ("", None) => Ok(()),
                _ => check(&answer),
            };
            let mut line = String::new();
            match checked {
                Ok(()) => {
                    let answer = answer.trim().to_string();
                    let _ = self
                        .theme
                        .format_input_prompt_selection(&mut line, prompt, &answer);
                    term.write_line(&line)?;
                    return Ok(answer);
                }
                Err(e) => {
                    let mut shown = e.message;
                    for hint in e.hints {
                        shown = format!("{shown}; {hint}");
                    }
                    let _ = self.theme.format_error(&mut line, &shown);
                    term.write_line(&line)?;
                    let width = usize::from(term.size().1).max(1);
                    let lines = measure_text_width(&line).div_ceil(width).max(1);
                    let keep = if answer.trim().is_empty() {
                        String::new()
                    } else {
                        answer
                    };
                    refused = Some((keep, lines));
                }
            }
        }
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
            .interact()
            .map_err(broken_off)?;
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
            .interact()
            .map_err(broken_off)?;
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
            .interact()
            .map_err(broken_off)?;
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
            .interact()
            .map_err(broken_off)?;
        Ok((chosen > 0).then(|| chosen.to_string()))
    }

    fn many(&self, prompt: &str, items: impl Iterator<Item = String>) -> Result<Vec<usize>> {
        let items: Vec<String> = items.collect();
        MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .max_length(12)
            .interact()
            .map_err(broken_off)
    }
}

impl Form {
    /// A required line of text (advisor, setting, family reference), asked when it is unset or
    /// blank; `field` names it in errors, `needed` is the refusal of a blank answer.
    fn required_text(
        &self,
        slot: &mut Option<String>,
        prompt: &str,
        field: &str,
        needed: &str,
    ) -> Result<()> {
        if given(slot).is_none() {
            let answer = self.text(prompt, None, Some(needed), |s| {
                text::short(field, s).map(|_| ())
            })?;
            *slot = Some(answer);
        }
        Ok(())
    }

    /// An optional note, asked when unset.
    fn note(&self, slot: &mut Option<String>, prompt: &str, field: &str) -> Result<()> {
        if slot.is_none() {
            let answer = self.text(&format!("{prompt} (optional)"), None, None, |s| {
                text::note(field, s).map(|_| ())
            })?;
            *slot = Some(answer).filter(|s| !s.is_empty());
        }
        Ok(())
    }
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
