//! `caselog audit C-<n>`: records a manager's audit of a consultation (domain brief §8), asking at
//! a terminal for whatever was not given — after showing the consultation in full and the
//! family's chronology — then prints its ID and a short summary. `caselog audit
//! --learning-summary` lists the learning points of a period's audits, grouped by grade.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::audit_form::{AuditForm, Decision};
use crate::cli::{Flags, PeriodArgs};
use crate::context::Context;
use crate::domain::audit::{self, Audit, Draft, Of};
use crate::domain::codes::{CodeList, Grade};
use crate::domain::consultation::Consultation;
use crate::domain::ids::{AuditId, ConsultationId};
use crate::domain::invalid::{Invalid, Problem, Words};
use crate::domain::period::Period;
use crate::domain::record::{Stamp, not_after_today};
use crate::domain::text::{Note, Text, given};
use crate::domain::values::Day;
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::output::{self, Output, View};
use crate::store::{Reader, Storage};

/// Record a manager's audit of a consultation, or list the learning points of a period's audits.
///
/// `caselog audit C-<n> --grade CODE --level-agreed yes|no --pathway-agreed yes|no` records an
/// audit; at a terminal, the consultation and its family's history are shown first and whatever
/// is missing is asked. `caselog audit --learning-summary --month YYYY-MM` lists the learning
/// points of the latest audit of each of the period's consultations, by grade.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("month", |a| a.help(
        "Learning summary: the consultations of a calendar month, YYYY-MM [default: last month]"
    )),
    mut_arg("from", |a| a.help(
        "Learning summary: the first day of the period (inclusive); give --to as well"
    )),
    mut_arg("to", |a| a.help(
        "Learning summary: the last day of the period (inclusive); give --from as well"
    ))
)]
pub struct Args {
    /// The consultation audited: C-<n> (leave out with --learning-summary)
    #[arg(value_name = "CONSULTATION")]
    pub consultation: Option<ConsultationId>,

    /// List the learning points of the latest audit of each consultation of a period, grouped
    /// by grade, instead of recording an audit
    #[arg(long, conflicts_with = "consultation")]
    pub learning_summary: bool,

    #[command(flatten)]
    pub period: PeriodArgs,

    #[command(flatten)]
    pub fields: Draft,

    #[command(flatten)]
    pub output: Output,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let flags = Flags::of::<Args>();
    let period_given = [
        ("month", args.period.month.is_some()),
        ("from", args.period.from.is_some()),
        ("to", args.period.to.is_some()),
    ]
    .into_iter()
    .find_map(|(name, given)| given.then_some(name));
    if args.learning_summary {
        // The auditor may come from the environment or the config file: it is left alone.
        let fields = &args.fields;
        let recording = [
            ("date", fields.date.is_some()),
            ("grade", fields.grade.is_some()),
            ("level_agreed", fields.level_agreed.is_some()),
            ("pathway_agreed", fields.pathway_agreed.is_some()),
            ("note", fields.note.is_some()),
            ("learning", fields.learning.is_some()),
        ]
        .into_iter()
        .find_map(|(name, given)| given.then_some(name));
        if let Some(field) = recording {
            return Err(flags.refuse(&Invalid::rule(
                field,
                Words::new()
                    .field(field)
                    .text(" does not apply to ")
                    .field("learning_summary")
                    .hint_text("to record an audit, give the consultation: caselog audit C-<n>"),
            )));
        }
        let period = args.period.period(ctx.clock.today())?;
        return learning_summary(period, args.output, ctx, out);
    }
    let Some(id) = args.consultation else {
        return Err(
            Error::input("give the consultation to audit (C-<n>), or --learning-summary")
                .hint("caselog audit C-12 --grade good --level-agreed yes --pathway-agreed yes")
                .hint("`caselog sample --month YYYY-MM --size N` draws consultations to audit"),
        );
    };
    if let Some(field) = period_given {
        return Err(flags.refuse(&Invalid::rule(
            field,
            Words::new()
                .field(field)
                .text(format!(" does not apply to an audit of {id}: it is for "))
                .field("learning_summary"),
        )));
    }
    record(id, args.fields, args.output, ctx, out)
}

/// Records an audit of consultation `id`.
fn record(
    id: ConsultationId,
    mut draft: Draft,
    output: Output,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<()> {
    let today = ctx.clock.today();
    let flags = Flags::of::<Draft>();
    // A blank auditor is no auditor: the config file's, or the question, takes its place.
    if given(&draft.auditor).is_none() {
        draft.auditor = ctx.config_auditor()?;
    }
    let mut logbook = ctx.open_existing()?;
    let c = standing(logbook.read()?.as_ref(), id)?;
    let of = Of { id, date: c.date };
    let asked = ctx.interactive() && !draft.missing().is_empty();
    let form = if asked {
        draft
            .check_given(of, today)
            .map_err(|e| super::correcting(flags.refuse(&e), id.any(), c.date))?;
        // Nobody should answer every question for a logbook that cannot be written.
        drop(ctx.open_for_writing()?);
        let checklist = ctx.checklist()?;
        let mut shown = Vec::new();
        {
            let tx = logbook.read()?;
            writeln!(shown, "Consultation {id}")?;
            super::show::write_table(tx.as_ref(), id.any(), &checklist, &mut shown)?;
            writeln!(shown)?;
            super::history::write_chronology(tx.as_ref(), &c.family, &checklist, &mut shown)?;
        }
        eprintln!("{}", String::from_utf8_lossy(&shown));
        let decision = Decision {
            level: checklist.describe_level(c.level),
            pathway: c.outcome.describe(),
        };
        let form = AuditForm::new()?;
        form.complete(&mut draft, of, &decision, today)
            .map_err(|e| {
                Error::failure(format!(
                    "not saved: the questions were broken off ({})",
                    e.message
                ))
                .hint(format!(
                    "what you had typed, to finish later: {}",
                    command_line(id, &draft, ctx)
                ))
            })?;
        Some(form)
    } else {
        None
    };
    let saved = save(id, &draft, form, &flags, &mut logbook, ctx).map_err(|e| {
        if asked {
            e.hint(format!(
                "nothing was saved; to record it later, run: {}",
                command_line(id, &draft, ctx)
            ))
        } else {
            e
        }
    })?;
    output.print(&saved, out)
}

/// The consultation `id`, which must be in the logbook and not voided.
fn standing(tx: &dyn Reader, id: ConsultationId) -> Result<Consultation> {
    let c = tx
        .consultation(id)?
        .ok_or_else(|| super::not_found(id.any()))?;
    super::refuse_voided(
        id.any(),
        c.voided.as_ref(),
        "a voided consultation cannot be audited; audit the consultation that replaced it",
    )?;
    Ok(c)
}

/// Checks the draft, asks to confirm when the form was shown, and saves the audit.
fn save(
    id: ConsultationId,
    draft: &Draft,
    form: Option<AuditForm>,
    flags: &Flags,
    logbook: &mut crate::store::Logbook,
    ctx: &Context,
) -> Result<Saved> {
    let today = ctx.clock.today();
    let mut tx = logbook.write()?;
    // Read again in the write transaction: it may have changed while the questions were asked.
    let c = standing(tx.as_ref(), id)?;
    let of = Of { id, date: c.date };
    let stamp = Stamp::fresh(AuditId(0), &ctx.clock.now());
    let mut a = draft.audit(of, today, stamp).map_err(|e| {
        let refused = flags.refuse(&e);
        let refused = match (&e.problem, form.is_some()) {
            (Problem::MissingFields(_), false) => refused.hint(format!(
                "give them as flags, or run `caselog audit {id}` at a terminal to be asked"
            )),
            _ => refused,
        };
        super::correcting(refused, id.any(), c.date)
    })?;
    if let Some(form) = &form {
        eprintln!("\n{}", summary(&a, &c, false));
        if !form.confirm("Save this audit?").map_err(|e| {
            Error::failure(format!(
                "not saved: the confirmation was broken off ({})",
                e.message
            ))
        })? {
            return Err(Error::failure("not saved: you chose not to save it"));
        }
    }
    a.id = tx.add_audit(&a)?;
    tx.commit()?;
    Ok(Saved {
        audit: a,
        consultation: c,
    })
}

/// An audit just recorded, with the consultation it is of.
#[derive(Serialize)]
#[serde(transparent)]
struct Saved {
    audit: Audit,
    #[serde(skip)]
    consultation: Consultation,
}

impl View for Saved {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        writeln!(out, "{}", summary(&self.audit, &self.consultation, true))?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        exchange::write_csv(
            out,
            &Records::Audits.header(false),
            [exchange::audit_row(
                &self.audit,
                self.consultation.uuid,
                false,
            )],
        )
    }
}

/// "Recorded A-1: 2026-03-15 — audit of C-1 (family OAK-0142) by Pat Manager", then the grade
/// and the agreements.
fn summary(a: &Audit, c: &Consultation, saved: bool) -> String {
    let heading = if saved {
        format!("Recorded {}", a.id)
    } else {
        "Audit".to_string()
    };
    let mut lines = vec![
        format!(
            "{heading}: {} — audit of {} (family {}, {}) by {}",
            a.date, c.id, c.family, c.date, a.auditor
        ),
        format!("  Grade: {}", a.grade.describe()),
        format!(
            "  Same level: {} (the advisor's: {}); same pathway: {} (the advisor's: {})",
            a.level_agreed, c.level, a.pathway_agreed, c.outcome
        ),
    ];
    if let Some(learning) = &a.learning {
        lines.push(format!("  Learning: {learning}"));
    }
    lines.join("\n")
}

/// The `caselog audit` command that records this draft when run later, from the same directory:
/// with the logbook and config files in use, and the date resolved (not `today`).
fn command_line(id: ConsultationId, draft: &Draft, ctx: &Context) -> String {
    let mut d = draft.clone();
    if let Ok(date) = not_after_today("date", d.date.unwrap_or(Day::Today), ctx.clock.today()) {
        d.date = Some(Day::Date(date));
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
    words.push("audit".into());
    words.push(id.to_string());
    let flags = Flags::of::<Draft>();
    for field in audit::FIELDS {
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

/// Lists the learning points of the latest audit of each of the period's consultations.
fn learning_summary(
    period: Period,
    output: Output,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<()> {
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let audits = tx.audits_of_period(period)?;
    let mut by_consultation: BTreeMap<ConsultationId, Vec<Audit>> = BTreeMap::new();
    for a in audits {
        by_consultation.entry(a.consultation).or_default().push(a);
    }
    let mut grades: BTreeMap<Grade, Vec<Learning>> =
        Grade::ALL.iter().map(|g| (*g, Vec::new())).collect();
    let mut counts: BTreeMap<Grade, usize> = Grade::ALL.iter().map(|g| (*g, 0)).collect();
    for (id, audits) in &by_consultation {
        let Some(latest) = audit::latest(audits) else {
            continue;
        };
        *counts.entry(latest.grade).or_default() += 1;
        let Some(learning) = &latest.learning else {
            continue;
        };
        let c = tx.consultation(*id)?.ok_or_else(|| {
            Error::failure(format!("{} audits {id}, which is missing", latest.id))
        })?;
        grades.entry(latest.grade).or_default().push(Learning {
            audit: latest.id,
            audit_date: latest.date,
            auditor: latest.auditor.clone(),
            consultation: c.id,
            consultation_date: c.date,
            family: c.family,
            advisor: c.advisor,
            learning: learning.clone(),
        });
    }
    let summary = LearningSummary {
        period,
        audited: by_consultation.len(),
        grades: Grade::ALL
            .iter()
            .map(|g| GradeLearning {
                grade: *g,
                audited: counts[g],
                learning: grades.remove(g).unwrap_or_default(),
            })
            .collect(),
    };
    output.print(&summary, out)
}

/// The learning points of a period's audits, by grade.
#[derive(Serialize)]
struct LearningSummary {
    period: Period,
    /// The period's consultations with an audit standing.
    audited: usize,
    /// Every grade, in list order.
    grades: Vec<GradeLearning>,
}

/// One grade: how many consultations' latest audit gave it, and their learning points.
#[derive(Serialize)]
struct GradeLearning {
    grade: Grade,
    audited: usize,
    learning: Vec<Learning>,
}

/// A learning point, with the audit and the consultation it came from.
#[derive(Serialize)]
struct Learning {
    audit: AuditId,
    audit_date: NaiveDate,
    auditor: Text,
    consultation: ConsultationId,
    consultation_date: NaiveDate,
    family: Text,
    advisor: Text,
    learning: Note,
}

impl View for LearningSummary {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let points: usize = self.grades.iter().map(|g| g.learning.len()).sum();
        writeln!(
            out,
            "Learning from audits of consultations dated {} to {}: {} audited, {} with a \
             learning point (the latest audit of each)",
            self.period.from,
            self.period.to,
            output::count(self.audited, "consultation"),
            points
        )?;
        for g in &self.grades {
            writeln!(
                out,
                "\n{}: {}",
                g.grade.label(),
                output::count(g.audited, "consultation")
            )?;
            for l in &g.learning {
                writeln!(
                    out,
                    "  - {} ({}, family {}, {}) — {} by {} on {}:",
                    l.consultation,
                    l.consultation_date,
                    l.family,
                    l.advisor,
                    l.audit,
                    l.auditor,
                    l.audit_date
                )?;
                for line in l.learning.as_str().lines() {
                    writeln!(out, "      {line}")?;
                }
            }
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header: Vec<String> = [
            "grade",
            "audit",
            "audit_date",
            "auditor",
            "consultation",
            "consultation_date",
            "family",
            "advisor",
            "learning",
        ]
        .map(String::from)
        .to_vec();
        let rows = self.grades.iter().flat_map(|g| {
            g.learning.iter().map(|l| {
                vec![
                    g.grade.to_string(),
                    l.audit.to_string(),
                    l.audit_date.to_string(),
                    l.auditor.to_string(),
                    l.consultation.to_string(),
                    l.consultation_date.to_string(),
                    l.family.to_string(),
                    l.advisor.to_string(),
                    l.learning.to_string(),
                ]
            })
        });
        exchange::write_csv(out, &header, rows)
    }
}
