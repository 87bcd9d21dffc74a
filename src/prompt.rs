//! The interactive form for `caselog consult`: asks, at a terminal, for every field the command
//! line did not give — pick lists with labels for codes, the checklist as a multi-select per
//! domain, and text and dates checked as they are typed — then asks to confirm.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use std::str::FromStr;

use dialoguer::console::{Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, MultiSelect, Select};
use signal_hook::SigId;
use signal_hook::consts::SIGINT;

use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::{Agency, CodeList, Consent, Factor, Mode, Outcome};
use crate::domain::consultation::{Draft, Rules};
use crate::domain::invalid::{FieldName, Invalid, Problem};
use crate::domain::record::{follow_up_after, not_after_today};
use crate::domain::text::{Note, Text, given};
use crate::domain::values::{Children, Confidence, Day, Level, When};
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
    pub fn complete(&self, draft: &mut Draft, rules: Rules) -> Result<()> {
        // On an error, leave the half-answered question's line.
        self.ask(draft, rules).inspect_err(|_| eprintln!())
    }

    fn ask(&self, draft: &mut Draft, rules: Rules) -> Result<()> {
        let (checklist, today) = (rules.checklist, rules.today);
        eprintln!("New consultation — press Enter to accept a default or skip an optional field.");
        if draft.date.is_none() {
            draft.date = self.answer(
                "date",
                "Date of the consultation",
                Some("today"),
                None,
                |d: &Day| not_after_today("date", *d, today).map(|_| ()),
            )?;
        }
        let date = not_after_today("date", draft.date.unwrap_or(Day::Today), today)
            .map_err(|e| shown(&e))?;
        self.required_text(
            &mut draft.advisor,
            "advisor",
            "Advisor (you)",
            "the advisor is needed: your name as it is to be recorded",
        )?;
        self.required_text(
            &mut draft.setting,
            "setting",
            "Setting (where)",
            "the setting is needed: where the consultation took place",
        )?;
        if draft.mode.is_none() {
            draft.mode = Some(self.code("How", Some(Mode::Surgery))?);
        }
        if draft.agency.is_none() {
            draft.agency = Some(self.code::<Agency>("Consultee's agency", None)?);
        }
        if draft.role.is_none() {
            draft.role = self.answer("role", "Consultee's role (optional)", None, None, no_rule)?;
        }
        self.required_text(
            &mut draft.family,
            "family",
            "Family reference (never a name)",
            "the family reference is needed: a case number or your own code, never a name",
        )?;
        if draft.children.is_none() {
            draft.children = self.answer(
                "children",
                &format!("Number of children ({}–{})", Children::MIN, Children::MAX),
                Some("1"),
                None,
                no_rule,
            )?;
        }
        if draft.factors.is_empty() {
            let picked = self.many(
                "Factors (Space to tick, Enter when done)",
                Factor::ALL
                    .iter()
                    .map(|c| format!("{:<4} {}", c.code(), c.label())),
            )?;
            draft.factors = picked.into_iter().map(|i| Factor::ALL[i]).collect();
        }
        if draft.indicators.is_empty() {
            self.tick_checklist(draft, checklist)?;
        }
        let ticked = checklist
            .recognised("indicators", &draft.indicators)
            .map_err(|e| shown(&e))?;
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
        if draft.level.is_none() {
            draft.level = self.level(
                checklist,
                "Your judgement of the level of need",
                suggested,
                false,
            )?;
        }
        if let (Some(suggested), Some(level)) = (suggested, draft.level)
            && level != suggested
            && given(&draft.rationale).is_none()
        {
            let needed = format!(
                "a rationale is needed: your level {level} differs from the suggested level \
                 {suggested}"
            );
            draft.rationale = self.answer(
                "rationale",
                "Why your judgement differs from the checklist",
                None,
                Some(&needed),
                no_rule,
            )?;
        }
        if draft.confidence_before.is_none() {
            draft.confidence_before = self.confidence("Consultee's confidence before (1–5)")?;
        }
        if draft.confidence_after.is_none() {
            draft.confidence_after = self.confidence("Consultee's confidence after (1–5)")?;
        }
        if draft.consent.is_none() {
            draft.consent = self.optional_code::<Consent>("Consent")?;
        }
        if draft.outcome.is_none() {
            draft.outcome = Some(self.code::<Outcome>("Outcome agreed", None)?);
        }
        self.note(
            &mut draft.worry,
            "worry",
            "What the consultee is worried about",
        )?;
        self.note(&mut draft.strengths, "strengths", "What is working well")?;
        self.note(&mut draft.advice, "advice", "Advice given and next steps")?;
        if draft.follow_up.is_none() {
            draft.follow_up = self.answer(
                "follow_up",
                "Follow-up date (a date, or +3d / +2w after the consultation; optional)",
                None,
                None,
                |when: &When| follow_up_after("follow_up", *when, date, today).map(|_| ()),
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

    fn tick_checklist(&self, draft: &mut Draft, checklist: &Checklist) -> Result<()> {
        for domain in Domain::ALL {
            let mut items: Vec<_> = checklist
                .indicators
                .iter()
                .filter(|i| i.domain == domain)
                .collect();
            items.sort_by_key(|i| i.id);
            let picked = self.many(
                &format!(
                    "Checklist — {} (Space to tick, Enter when done)",
                    domain.label()
                ),
                items
                    .iter()
                    .map(|i| format!("L{} {:<5} {}", i.level, i.id.to_string(), i.text)),
            )?;
            draft
                .indicators
                .extend(picked.into_iter().map(|n| items[n].id));
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

    /// A typed answer: text read as `T`, then checked by `rule`; none when it is blank and
    /// not required.
    fn answer<T: FromStr<Err = Problem>>(
        &self,
        field: FieldName,
        prompt: &str,
        default: Option<&str>,
        needed: Option<&str>,
        rule: impl Fn(&T) -> std::result::Result<(), Invalid>,
    ) -> Result<Option<T>> {
        let read = |s: &str| -> Result<T> {
            let value = s.parse::<T>().map_err(|p| shown(&Invalid::new(field, p)))?;
            rule(&value).map_err(|e| shown(&e))?;
            Ok(value)
        };
        let answer = self.text(prompt, default, needed, |s| read(s).map(|_| ()))?;
        if answer.trim().is_empty() {
            return Ok(None);
        }
        read(&answer).map(Some)
    }

    fn code<C: CodeList + PartialEq>(&self, prompt: &str, default: Option<C>) -> Result<C> {
        let items: Vec<String> = C::ALL
            .iter()
            .map(|c| format!("{:<14} {}", c.code(), c.label()))
            .collect();
        let start = default
            .and_then(|d| C::ALL.iter().position(|c| *c == d))
            .unwrap_or(0);
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(start)
            .max_length(12)
            .interact()
            .map_err(broken_off)?;
        Ok(C::ALL[chosen])
    }

    fn optional_code<C: CodeList>(&self, prompt: &str) -> Result<Option<C>> {
        let mut items = vec!["(not recorded)".to_string()];
        items.extend(
            C::ALL
                .iter()
                .map(|c| format!("{:<14} {}", c.code(), c.label())),
        );
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(0)
            .interact()
            .map_err(broken_off)?;
        Ok(chosen.checked_sub(1).map(|i| C::ALL[i]))
    }

    fn level(
        &self,
        checklist: &Checklist,
        prompt: &str,
        default: Option<Level>,
        optional: bool,
    ) -> Result<Option<Level>> {
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
        let start = default
            .map(|l| usize::from(l.get()) - 1 + offset)
            .unwrap_or(0);
        let chosen = Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(&items)
            .default(start)
            .interact()
            .map_err(broken_off)?;
        Ok(chosen
            .checked_sub(offset)
            .map(|i| checklist.levels[i].level))
    }

    fn confidence(&self, prompt: &str) -> Result<Option<Confidence>> {
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
        Ok(u8::try_from(chosen).ok().and_then(Confidence::new))
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
    /// blank; `needed` is the refusal of a blank answer.
    fn required_text(
        &self,
        slot: &mut Option<Text>,
        field: FieldName,
        prompt: &str,
        needed: &str,
    ) -> Result<()> {
        if given(slot).is_none() {
            *slot = self.answer(field, prompt, None, Some(needed), no_rule)?;
        }
        Ok(())
    }

    /// An optional note, asked when unset.
    fn note(&self, slot: &mut Option<Note>, field: FieldName, prompt: &str) -> Result<()> {
        if slot.is_none() {
            *slot = self.answer(field, &format!("{prompt} (optional)"), None, None, no_rule)?;
        }
        Ok(())
    }
}

/// An answer with no rule beyond its type.
fn no_rule<T>(_: &T) -> std::result::Result<(), Invalid> {
    Ok(())
}

/// A refusal as the form shows it: a field by its name in words, not by a flag.
fn shown(invalid: &Invalid) -> Error {
    Error::refused(invalid, &|f: FieldName| f.replace('_', " "))
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
