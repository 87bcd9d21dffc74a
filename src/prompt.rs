//! The interactive form for `caselog consult`: asks, at a terminal, for every field the command
//! line did not give, in the order of the conversation — who the consultee is, which family
//! (and, at once, the family's last year), what the consultee thought, the worry, the checklist,
//! your judgement, the pathway, consent, advice and follow-up — then shows the whole record and
//! asks to save it. Every pick list is narrowed by typing; the checklist is one line of IDs;
//! notes can be written in an editor; defaults come from the config and the logbook.

mod ask;
mod find;
mod keys;
mod line;
mod screen;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use signal_hook::SigId;
use signal_hook::consts::SIGINT;

use crate::domain::checklist::{self, Checklist};
use crate::domain::codes::{CodeList, Consent, Factor, Mode, Outcome};
use crate::domain::consultation::{self, Consultation, Draft, Rules};
use crate::domain::fields::Class;
use crate::domain::history;
use crate::domain::ids::ConsultationId;
use crate::domain::invalid::{FieldName, Invalid, Problem};
use crate::domain::record::{Stamp, Timestamp, follow_up_after, not_after_today};
use crate::domain::text::{Note, Text, given};
use crate::domain::values::{Age, Ages, Children, Confidence, Day, Level, When, YesNo};
use crate::error::{Error, Result};
use crate::store::Family;
use ask::CodesQuestion;
pub(crate) use ask::TextQuestion;
use find::Choice;
use screen::Look;

/// Asks at the terminal for a new password, twice, showing nothing typed, until the two match.
pub fn new_password(prompt: &str) -> Result<String> {
    let look = Look::from_env();
    let mut refusal = None;
    loop {
        let first = ask::secret(look, prompt, refusal)?;
        let again = ask::secret(look, "Again", None)?;
        if first == again {
            return Ok(first);
        }
        refusal = Some("the two did not match: type it again");
    }
}

/// What the form looks up in the logbook as it asks.
pub trait Known {
    /// The consultations dated in the last 90 days, the most recently recorded first: where
    /// the defaults and the suggestions for the consultee come from.
    fn recent(&mut self) -> Result<Vec<Consultation>>;
    /// The family's records, none voided, dated in the 365 days up to `date`.
    fn last_year(&mut self, family: &Text, date: NaiveDate) -> Result<Family>;
}

/// The interactive form, drawn on stderr. While it exists, Ctrl-C does not end the program:
/// the question being asked returns an error instead, so that the caller can keep what was
/// typed.
pub struct Form {
    look: Look,
    sigint: SigId,
}

impl Drop for Form {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.sigint);
    }
}

impl Form {
    pub fn new() -> Result<Form> {
        // While a handler is registered, SIGINT no longer ends the process. A question reads
        // Ctrl-C as a key; between questions, the signal is ignored.
        let sigint = signal_hook::flag::register(SIGINT, Arc::new(AtomicBool::new(false)))?;
        Ok(Form {
            look: Look::from_env(),
            sigint,
        })
    }

    /// Asks for every field of `draft` that is still unset, and every required one that is
    /// blank. Answers are kept in the draft as they are given, so that what was typed is not
    /// lost if the questions are broken off.
    pub fn complete(&self, draft: &mut Draft, rules: Rules, known: &mut dyn Known) -> Result<()> {
        let (checklist, today) = (rules.checklist, rules.today);
        eprintln!("New consultation (Enter takes a [default]; Ctrl-C stops).");
        let recent = known.recent()?;
        let last = recent.first();

        // When and where.
        if draft.date.is_none() {
            draft.date = self.answer(
                "date",
                TextQuestion {
                    default: Some("today"),
                    ..TextQuestion::new("Date of the consultation")
                },
                |d: &Day| not_after_today("date", *d, today).map(|_| ()),
            )?;
        }
        let date = not_after_today("date", draft.date.unwrap_or(Day::Today), today)
            .map_err(|e| shown(&e))?;
        if given(&draft.advisor).is_none() {
            draft.advisor = self.answer(
                "advisor",
                TextQuestion {
                    needed: Some("the advisor is needed: your name as it is to be recorded"),
                    ..TextQuestion::new("Advisor (you)")
                },
                no_rule,
            )?;
        }
        if given(&draft.setting).is_none() {
            let settings = distinct(recent.iter().map(|c| &c.setting));
            draft.setting = self.answer(
                "setting",
                TextQuestion {
                    default: last.map(|c| c.setting.as_str()),
                    needed: Some("the setting is needed: where the consultation took place"),
                    known: &settings,
                    ..TextQuestion::new("Setting (where)")
                },
                no_rule,
            )?;
        }
        if draft.mode.is_none() {
            let mode = last.map_or(Mode::Surgery, |c| c.mode);
            draft.mode = Some(self.code("How", Some(mode))?);
        }

        // Who: the consultee. Defaults are the last consultation's, and what was last recorded
        // with the agency chosen.
        if draft.agency.is_none() {
            draft.agency = Some(self.code("Consultee's agency", last.map(|c| c.agency))?);
        }
        let agency = draft.agency.expect("asked");
        let with_agency: Vec<&Consultation> =
            recent.iter().filter(|c| c.agency == agency).collect();
        if draft.organisation.is_none() {
            let organisations =
                distinct(with_agency.iter().filter_map(|c| c.organisation.as_ref()));
            draft.organisation = self.remembered(
                "organisation",
                "Consultee's organisation",
                organisations.first(),
                &organisations,
            )?;
        }
        if draft.role.is_none() {
            let here = given(&draft.organisation);
            let same_place = with_agency
                .iter()
                .filter(|c| c.organisation.as_ref() == here)
                .filter_map(|c| c.role.as_ref());
            let latest = distinct(same_place).into_iter().next();
            let roles = distinct(with_agency.iter().filter_map(|c| c.role.as_ref()));
            draft.role = self.remembered("role", "Consultee's role", latest.as_ref(), &roles)?;
        }

        // Which family, and what happened in its last year.
        if given(&draft.family).is_none() {
            draft.family = self.answer(
                "family",
                TextQuestion {
                    needed: Some(
                        "the family reference is needed: a case number or your own code, never \
                         a name",
                    ),
                    ..TextQuestion::new("Family reference (never a name)")
                },
                |f: &Text| rules.family.check("family", f).map(|_| ()),
            )?;
        }
        let family = given(&draft.family).cloned().expect("asked");
        let year = known.last_year(&family, date)?;
        eprint!("{}", last_year(&family, date, &year, checklist));
        let latest = year.consultations.iter().max_by_key(|c| (c.date, c.id));
        if draft.ages.is_empty() && draft.children.is_none() {
            draft.ages = self.ages(latest.map(|c| &c.ages))?;
        }
        if draft.ages.is_empty() && draft.children.is_none() {
            let children = latest.map_or_else(|| "1".to_string(), |c| c.children.to_string());
            draft.children = self.answer(
                "children",
                TextQuestion {
                    default: Some(&children),
                    ..TextQuestion::new(&format!(
                        "Number of children ({}–{})",
                        Children::MIN,
                        Children::MAX
                    ))
                },
                no_rule,
            )?;
        }

        // What the consultee thought, before you talked.
        if draft.consultee_level.is_none() {
            draft.consultee_level = self.level(
                checklist,
                "Level of need the consultee believed",
                None,
                true,
            )?;
        }
        if draft.confidence_before.is_none() {
            draft.confidence_before = self.confidence("Consultee's confidence before (1–5)")?;
        }

        // The worry, and what is going well.
        self.note(
            &mut draft.worry,
            "worry",
            "What the consultee is worried about",
        )?;
        self.note(
            &mut draft.voice,
            "voice",
            "The child's voice: what is life like for this child",
        )?;
        self.note(&mut draft.strengths, "strengths", "What is working well")?;

        // The factors and the checklist, and what the checklist suggests.
        if draft.factors.is_empty() {
            let choices: Vec<Choice> = Factor::ALL
                .iter()
                .map(|f| Choice::new(f.code(), f.alias(), f.label()))
                .collect();
            let picked = CodesQuestion {
                prompt: "Factors",
                choices: &choices,
                what: "a factor code",
            }
            .ask(self.look)?;
            draft.factors = picked.into_iter().map(|i| Factor::ALL[i]).collect();
        }
        if draft.indicators.is_empty() {
            let mut indicators: Vec<_> = checklist.indicators.iter().collect();
            indicators.sort_by_key(|i| i.id);
            let choices: Vec<Choice> = indicators
                .iter()
                .map(|i| Choice::new(i.id.to_string(), None, i.text.as_str()))
                .collect();
            let picked = CodesQuestion {
                prompt: "Checklist indicators",
                choices: &choices,
                what: "an indicator of the checklist in use",
            }
            .ask(self.look)?;
            draft.indicators = picked.into_iter().map(|i| indicators[i].id).collect();
        }
        let ticked = checklist
            .recognised("indicators", &draft.indicators)
            .map_err(|e| shown(&e))?;
        let ticked = checklist.ticked(&ticked);
        let suggested = checklist::suggested_level(&ticked);
        match suggested {
            Some(level) => eprintln!("Suggested level: {}", checklist.describe_level(level)),
            None => eprintln!("No indicator ticked, so there is no suggested level."),
        }
        if let Some((n, domains)) = checklist::consider_level_four(&ticked) {
            eprintln!(
                "{n} level-3 indicators across {domains} domains: consider whether level 4 applies."
            );
        }

        // Your judgement, and the pathway agreed.
        if draft.level.is_none() {
            draft.level = self.level(
                checklist,
                "Your judgement of the level of need",
                suggested,
                false,
            )?;
        }
        if draft.outcome.is_none() {
            draft.outcome = Some(self.code::<Outcome>("Outcome agreed", None)?);
        }
        self.rationale(draft, rules, suggested)?;
        if draft.consent.is_none() {
            // Consent withheld for the child's safety goes only with a referral.
            let outcome = draft.outcome.expect("asked");
            draft.consent = self.optional_code::<Consent>("Consent", |c| {
                consultation::consent_fits(Some(*c), outcome).is_ok()
            })?;
        }

        // What was agreed, and when to check back.
        self.note(&mut draft.advice, "advice", "Advice given and next steps")?;
        if draft.confidence_after.is_none() {
            draft.confidence_after = self.confidence("Consultee's confidence after (1–5)")?;
        }
        if draft.follow_up.is_none() {
            draft.follow_up = self.answer(
                "follow_up",
                TextQuestion::new("Follow-up date (a date, or +3d / +2w; optional)"),
                |when: &When| follow_up_after("follow_up", *when, date, today).map(|_| ()),
            )?;
        }
        Ok(())
    }

    /// Asks whether to save, after the summary has been shown.
    pub fn confirm(&self, question: &str) -> Result<bool> {
        ask::confirm(self.look, question)
    }

    /// Asks for the rationale when the rules want one for the level and the pathway chosen
    /// (your level differs from the suggested one), saying why it is needed.
    fn rationale(&self, draft: &mut Draft, rules: Rules, suggested: Option<Level>) -> Result<()> {
        if given(&draft.rationale).is_some() {
            return Ok(());
        }
        let stamp = Stamp::fresh(
            ConsultationId(0),
            &Timestamp::new(chrono::DateTime::UNIX_EPOCH),
        );
        let Err(refused) = draft.consultation(rules, stamp) else {
            return Ok(());
        };
        if refused.field != "rationale" {
            return Ok(());
        }
        let needed = match (suggested, draft.level) {
            (Some(suggested), Some(level)) if level != suggested => format!(
                "a rationale is needed: your level {level} differs from the suggested level \
                 {suggested}"
            ),
            _ => format!("a rationale is needed: {}", shown(&refused).message),
        };
        draft.rationale = self.answer(
            "rationale",
            TextQuestion {
                needed: Some(&needed),
                note: true,
                ..TextQuestion::new("Why your judgement differs from the checklist")
            },
            no_rule,
        )?;
        Ok(())
    }

    /// A typed answer: text read as `T`, then checked by `rule`; none when it is blank and
    /// not required. A refused answer is shown with what is wrong, and offered again to edit.
    pub(crate) fn answer<T: FromStr<Err = Problem>>(
        &self,
        field: FieldName,
        question: TextQuestion,
        rule: impl Fn(&T) -> std::result::Result<(), Invalid>,
    ) -> Result<Option<T>> {
        let read = |s: &str| -> Result<T> {
            let value = s.parse::<T>().map_err(|p| shown(&Invalid::new(field, p)))?;
            rule(&value).map_err(|e| shown(&e))?;
            Ok(value)
        };
        let answer = question.ask(self.look, &|s| read(s).map(|_| ()).map_err(words))?;
        if answer.is_empty() {
            return Ok(None);
        }
        read(&answer).map(Some)
    }

    /// An optional line of text offered as it was last recorded (Enter keeps it, `-` is none),
    /// with the values recorded before as suggestions.
    fn remembered(
        &self,
        field: FieldName,
        prompt: &str,
        latest: Option<&String>,
        known: &[String],
    ) -> Result<Option<Text>> {
        self.answer(
            field,
            TextQuestion {
                default: latest.map(String::as_str),
                known,
                clearable: true,
                ..TextQuestion::new(&format!("{prompt} (optional)"))
            },
            no_rule,
        )
    }

    /// An optional note, asked when unset; Ctrl-O writes it in an editor.
    pub(crate) fn note(
        &self,
        slot: &mut Option<Note>,
        field: FieldName,
        prompt: &str,
    ) -> Result<()> {
        if slot.is_none() {
            *slot = self.answer(
                field,
                TextQuestion {
                    note: true,
                    ..TextQuestion::new(&format!("{prompt} (optional)"))
                },
                no_rule,
            )?;
        }
        Ok(())
    }

    pub(crate) fn code<C: CodeList + PartialEq>(
        &self,
        prompt: &str,
        default: Option<C>,
    ) -> Result<C> {
        let choices = codes::<C>();
        let start = default.and_then(|d| C::ALL.iter().position(|c| *c == d));
        Ok(C::ALL[ask::pick(self.look, prompt, &choices, start)?])
    }

    /// Yes or no, picked from a list with yes marked first: a judgement to make, not a key to
    /// press by habit as with `confirm`.
    pub(crate) fn yes_or_no(&self, prompt: &str) -> Result<YesNo> {
        let choices = [Choice::new("yes", None, ""), Choice::new("no", None, "")];
        Ok(YesNo(ask::pick(self.look, prompt, &choices, Some(0))? == 0))
    }

    /// A code of the list that `offered` keeps, or none.
    fn optional_code<C: CodeList>(
        &self,
        prompt: &str,
        offered: impl Fn(&C) -> bool,
    ) -> Result<Option<C>> {
        let offered: Vec<C> = C::ALL.iter().copied().filter(|c| offered(c)).collect();
        let mut choices = vec![not_recorded()];
        choices.extend(
            offered
                .iter()
                .map(|c| Choice::new(c.code(), c.alias(), c.label())),
        );
        let chosen = ask::pick(self.look, prompt, &choices, Some(0))?;
        Ok(chosen.checked_sub(1).map(|i| offered[i]))
    }

    /// The children's ages, on one line (`4 9 unborn`), offered as last recorded for the family;
    /// none when left blank (then the number of children is asked).
    fn ages(&self, last: Option<&Ages>) -> Result<Vec<Age>> {
        let default = last.filter(|a| !a.0.is_empty()).map(|a| {
            let ages: Vec<String> = a.0.iter().map(ToString::to_string).collect();
            ages.join(" ")
        });
        let read = |text: &str| -> std::result::Result<Vec<Age>, String> {
            text.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .filter(|t| !t.is_empty())
                .map(|t| {
                    t.parse::<Age>()
                        .map_err(|p| words(shown(&Invalid::new("ages", p))))
                })
                .collect()
        };
        let answer = TextQuestion {
            default: default.as_deref(),
            clearable: true,
            ..TextQuestion::new("Ages of the children (0–17 or unborn, e.g. 4 9; optional)")
        }
        .ask(self.look, &|text| read(text).map(|_| ()))?;
        read(&answer).map_err(Error::input)
    }

    fn level(
        &self,
        checklist: &Checklist,
        prompt: &str,
        default: Option<Level>,
        optional: bool,
    ) -> Result<Option<Level>> {
        let mut choices = Vec::new();
        if optional {
            choices.push(not_recorded());
        }
        let offset = choices.len();
        choices.extend(
            checklist
                .levels
                .iter()
                .map(|l| Choice::new(l.level.to_string(), None, l.label.as_str())),
        );
        let start = default.map_or(0, |l| usize::from(l.get()) - 1 + offset);
        let chosen = ask::pick(self.look, prompt, &choices, Some(start))?;
        Ok(chosen
            .checked_sub(offset)
            .map(|i| checklist.levels[i].level))
    }

    fn confidence(&self, prompt: &str) -> Result<Option<Confidence>> {
        let mut choices = vec![not_recorded()];
        choices.extend((Confidence::MIN..=Confidence::MAX).map(|n| {
            let label = match n {
                Confidence::MIN => "not at all confident",
                Confidence::MAX => "fully confident",
                _ => "",
            };
            Choice::new(n.to_string(), None, label)
        }));
        let chosen = ask::pick(self.look, prompt, &choices, Some(0))?;
        Ok(u8::try_from(chosen).ok().and_then(Confidence::new))
    }
}

/// A code list as pick-list entries.
fn codes<C: CodeList>() -> Vec<Choice> {
    C::ALL
        .iter()
        .map(|c| Choice::new(c.code(), c.alias(), c.label()))
        .collect()
}

/// The entry that leaves an optional field unrecorded.
fn not_recorded() -> Choice {
    Choice::new("", None, "(not recorded)")
}

/// Each value once, in the order first met.
fn distinct<'a, T: AsRef<str> + 'a>(values: impl Iterator<Item = &'a T>) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for v in values {
        let v = v.as_ref();
        if !v.is_empty() && !seen.iter().any(|s| s == v) {
            seen.push(v.to_string());
        }
    }
    seen
}

/// The family's last year as the form shows it when the family is entered: its chronology one
/// line per record (`history::last_year`), the latest few, each cut to the terminal's width.
fn last_year(family: &Text, date: NaiveDate, year: &Family, checklist: &Checklist) -> String {
    const SHOWN: usize = 8;
    let entries = year.chronology(checklist);
    let text = history::last_year(family, &entries, date);
    let mut lines = text.lines();
    let mut shown = format!("{}\n", lines.next().unwrap_or_default());
    let records: Vec<&str> = lines.collect();
    if records.len() > SHOWN {
        shown.push_str(&format!("  … {} earlier\n", records.len() - SHOWN));
    }
    let (width, _) = keys::size();
    for line in &records[records.len().saturating_sub(SHOWN)..] {
        shown.push_str(&console::truncate_str(
            &screen::printable(line),
            width.saturating_sub(1),
            "…",
        ));
        shown.push('\n');
    }
    shown
}

/// The whole consultation about to be saved: every field given, with its label, codes with
/// their meaning, in the record's order.
pub fn summary(c: &Consultation, checklist: &Checklist) -> String {
    let given: Vec<_> = consultation::FIELDS
        .iter()
        .filter(|f| f.class != Class::Stamp && !f.text_of(c).is_empty())
        .collect();
    let label_width = given
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0);
    let (width, _) = keys::size();
    let room = width.saturating_sub(label_width + 5).max(20);
    let mut lines = vec!["The consultation to save:".to_string()];
    for field in given {
        let value = (field.describe)(c, checklist);
        let mut label = field.label;
        for part in value.lines().flat_map(|l| wrap(l, room)) {
            lines.push(format!("  {label:<label_width$}  {part}"));
            label = "";
        }
    }
    lines.join("\n")
}

/// A line cut into pieces of at most `width` columns, at spaces where it can be.
fn wrap(line: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for word in line.split(' ') {
        let joined = if piece.is_empty() {
            word.to_string()
        } else {
            format!("{piece} {word}")
        };
        if console::measure_text_width(&joined) <= width || piece.is_empty() {
            piece = joined;
        } else {
            pieces.push(std::mem::take(&mut piece));
            piece = word.to_string();
        }
    }
    pieces.push(piece);
    pieces
}

/// An answer with no rule beyond its type.
pub(crate) fn no_rule<T>(_: &T) -> std::result::Result<(), Invalid> {
    Ok(())
}

/// A refusal as the form shows it: a field by its name in words, not by a flag.
fn shown(invalid: &Invalid) -> Error {
    Error::refused(invalid, &|f: FieldName| f.replace('_', " "))
}

/// An error as one line under a question: the message, then its hints.
fn words(e: Error) -> String {
    let mut words = e.message;
    for hint in e.hints {
        words = format!("{words}; {hint}");
    }
    words
}
