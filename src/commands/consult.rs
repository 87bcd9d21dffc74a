//! `caselog consult`: records a consultation from flags, asking at a terminal for whatever
//! required field is missing, then prints its ID and the checklist result.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::CodeList;
use crate::domain::consultation::{self, Consultation, Draft, Rules};
use crate::domain::family::{FamilyKey, Respelled};
use crate::domain::ids::ConsultationId;
use crate::domain::invalid::Invalid;
use crate::domain::record::{Stamp, follow_up_after, not_after_today};
use crate::domain::text::{Text, given};
use crate::domain::values::{Day, Level, When};
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::output::{self, Output, View};
use crate::prompt::{self, Form, Known};
use crate::store::{Earlier, Family, Filter, Storage};

/// Record a consultation. Codes accept the code or its alias in any case; run `caselog
/// checklist` for the indicator IDs.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub fields: Draft,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let rules = Rules {
        checklist: &checklist,
        today: ctx.clock.today(),
        family: &ctx.config.family,
    };
    let flags = Flags::of::<Draft>();
    let mut draft = args.fields;
    // A blank advisor is no advisor: the config file's, or the question, takes its place.
    if given(&draft.advisor).is_none() {
        draft.advisor = ctx.config_advisor()?;
    }
    let asked = ctx.interactive() && !draft.missing().is_empty();
    let form = if asked {
        draft.check_given(rules).map_err(|e| flags.refuse(&e))?;
        // Nobody should answer every question for a logbook that cannot be written.
        drop(ctx.open_for_writing()?);
        let form = Form::new()?;
        // Answers are kept in the draft as they are given: if the form is broken off (Ctrl-C,
        // a closed terminal), what was typed so far is printed so that none of it is lost.
        let mut known = Lookups { ctx };
        form.complete(&mut draft, rules, &mut known).map_err(|e| {
            Error::failure(format!(
                "not saved: the questions were broken off ({})",
                e.message
            ))
            .hint(format!(
                "what you had typed, to finish later: {}",
                command_line(&draft, ctx)
            ))
        })?;
        Some(form)
    } else {
        None
    };
    // Whatever goes wrong after the questions, the answers are printed as a command that
    // records them.
    let (c, respelled, earlier) =
        confirm_and_save(&draft, rules, &flags, form, ctx).map_err(|e| {
            if asked {
                e.hint(format!(
                    "nothing was saved; to record it later, run: {}",
                    command_line(&draft, ctx)
                ))
            } else {
                e
            }
        })?;
    args.output.print(
        &Saved {
            consultation: &c,
            checklist: &checklist,
        },
        out,
    )?;
    // The notes follow the record on a terminal, but go to stderr: stdout is the record alone.
    out.flush()?;
    if let Some(respelled) = respelled {
        eprintln!("note: {respelled}");
    }
    for note in notes(&c, &checklist, &earlier) {
        eprintln!("note: {note}");
    }
    Ok(())
}

/// Checks the draft, asks to confirm when the form was shown, and saves the consultation under
/// its family's first spelling. Returns it with the spelling it replaced, if any, and the
/// family's consultations in the year before it.
fn confirm_and_save(
    draft: &Draft,
    rules: Rules,
    flags: &Flags,
    form: Option<Form>,
    ctx: &Context,
) -> Result<(Consultation, Option<Respelled>, Vec<Earlier>)> {
    let stamp = Stamp::fresh(ConsultationId(0), &ctx.clock.now());
    let refuse = |e: Invalid| match (&e.problem, form.is_some()) {
        // Several missing fields at once come with how to give them.
        (crate::domain::invalid::Problem::MissingFields(_), false) => flags
            .refuse(&e)
            .hint("give them as flags, or run `caselog consult` at a terminal to be asked"),
        _ => flags.refuse(&e),
    };
    let mut c = draft.consultation(rules, stamp).map_err(refuse)?;
    if let Some(form) = &form {
        eprintln!("\n{}", prompt::summary(&c, rules.checklist));
        let save = form.confirm("Save this consultation?").map_err(|e| {
            Error::failure(format!(
                "not saved: the confirmation was broken off ({})",
                e.message
            ))
        })?;
        if !save {
            return Err(Error::failure("not saved: you chose not to save it"));
        }
    }
    let mut logbook = ctx.open_for_writing()?;
    let mut tx = logbook.write()?;
    let respelled = tx.spell_family(&mut c, false)?;
    let earlier = tx.family_year_before(&c.family_key(), c.date)?;
    c.id = tx.add_consultation(&c)?;
    tx.commit()?;
    Ok((c, respelled, earlier))
}

/// The logbook as the form looks things up in it, opened for each look-up so that nothing is
/// held open while a person answers.
struct Lookups<'a> {
    ctx: &'a Context,
}

impl Known for Lookups<'_> {
    fn recent(&mut self) -> Result<Vec<Consultation>> {
        let Some(mut logbook) = self.ctx.open_if_any()? else {
            return Ok(Vec::new());
        };
        let tx = logbook.read()?;
        let filter = Filter {
            from: self
                .ctx
                .clock
                .today()
                .checked_sub_days(chrono::Days::new(90)),
            ..Filter::default()
        };
        let mut found = Vec::new();
        tx.consultations(&filter, &mut |c| {
            found.push(c);
            Ok(())
        })?;
        found.reverse();
        Ok(found)
    }

    fn last_year(&mut self, family: &Text, date: NaiveDate) -> Result<Family> {
        let Some(mut logbook) = self.ctx.open_if_any()? else {
            return Ok(Family::default());
        };
        let tx = logbook.read()?;
        tx.family_last_year(&FamilyKey::of(family.as_str()), date)
    }
}

/// A consultation just recorded, as `consult` prints it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Saved<'a> {
    pub consultation: &'a Consultation,
    #[serde(skip)]
    pub checklist: &'a Checklist,
}

impl View for Saved<'_> {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "{}", summary(self.consultation, self.checklist))?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        exchange::write_csv(
            out,
            &Records::Consultations.header(false),
            [exchange::consultation_row(self.consultation, false)],
        )
    }
}

/// The short summary of a consultation recorded: who, the checklist result by domain, suggested
/// and chosen level, outcome.
pub fn summary(c: &Consultation, checklist: &Checklist) -> String {
    let mut lines = Vec::new();
    lines.push(format!(
        "Recorded {}: {} — family {}, {} ({})",
        c.id,
        c.date,
        c.family,
        c.agency.label(),
        c.agency
    ));
    let ticked = checklist.ticked(&c.indicators);
    if ticked.is_empty() {
        lines.push("  Checklist: nothing ticked".to_string());
    } else {
        lines.push("  Checklist:".to_string());
        for domain in Domain::ALL {
            let ids: Vec<String> = ticked
                .iter()
                .filter(|i| i.domain == domain)
                .map(|i| i.id.to_string())
                .collect();
            if !ids.is_empty() {
                lines.push(format!("    {}: {}", domain.label(), ids.join(", ")));
            }
        }
    }
    let suggested = c
        .suggested_level
        .map(|l| checklist.describe_level(l))
        .unwrap_or_else(|| "none (nothing ticked)".to_string());
    lines.push(format!("  Suggested level: {suggested}"));
    lines.push(format!(
        "  Advisor's level: {}",
        checklist.describe_level(c.level)
    ));
    if let Some(r) = &c.rationale {
        lines.push(format!("  Rationale: {r}"));
    }
    lines.push(format!("  Outcome: {}", c.outcome.describe()));
    if let Some(f) = c.follow_up {
        lines.push(format!("  Follow-up: {f}"));
    }
    lines.join("\n")
}

/// What the advisor should notice: a possible level 4, and the family's recent consultations.
fn notes(c: &Consultation, checklist: &Checklist, earlier: &[Earlier]) -> Vec<String> {
    let mut notes = Vec::new();
    let four = Level::new(4).expect("4 is a level");
    if let Some((n, domains)) = checklist::consider_level_four(&checklist.ticked(&c.indicators))
        && c.level != four
    {
        notes.push(format!(
            "{n} level-3 indicators across {domains} domains: consider whether level 4 ({}) applies",
            checklist.level_label(four)
        ));
    }
    if !earlier.is_empty() {
        let list: Vec<String> = earlier
            .iter()
            .map(|e| format!("{} on {} (level {}, {})", e.id, e.date, e.level, e.outcome))
            .collect();
        notes.push(format!(
            "family {} had {} in the 365 days up to {}: {}",
            c.family,
            output::count(earlier.len(), "consultation"),
            c.date,
            list.join("; ")
        ));
    }
    notes
}

/// The `caselog consult` command that records this draft when run later, from the same
/// directory: with the logbook, config and thresholds files in use, the date resolved (not
/// `today`) and a follow-up offset resolved to its date. A value that starts with `-` is joined
/// to its flag with `=`, so that it is not read as a flag.
fn command_line(d: &Draft, ctx: &Context) -> String {
    let today = ctx.clock.today();
    let mut d = d.clone();
    // Resolved when valid; a value that is not is kept as typed, to be refused when run.
    if let Ok(date) = not_after_today("date", d.date.unwrap_or(Day::Today), today) {
        d.date = Some(Day::Date(date));
        if let Some(when) = d.follow_up
            && let Ok(f) = follow_up_after("follow_up", when, date, today)
        {
            d.follow_up = Some(When::On(Day::Date(f)));
        }
    }
    let mut words: Vec<String> = vec!["caselog".into()];
    let global = &ctx.global;
    for (flag, path) in [
        ("--db", &global.db),
        ("--config", &global.config),
        ("--thresholds", &global.thresholds),
    ] {
        if let Some(path) = path {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            words.push(flag.into());
            words.push(path.to_string_lossy().into_owned());
        }
    }
    words.push("consult".into());
    let flags = Flags::of::<Draft>();
    for field in consultation::FIELDS {
        for value in (field.typed)(&d) {
            let flag = flags.name(field.name);
            if value.trim_start().starts_with('-') {
                words.push(format!("{flag}={value}"));
            } else {
                words.push(flag);
                words.push(value);
            }
        }
    }
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
}
