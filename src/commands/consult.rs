//! `caselog consult`: records a consultation from flags, asking at a terminal for whatever
//! required field is missing, then prints its ID and the checklist result.

use std::io::Write;

use crate::context::Context;
use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::{AGENCY, OUTCOME};
use crate::domain::consultation::{Consultation, Draft};
use crate::domain::dates;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::text::given;
use crate::error::{Error, Result};
use crate::prompt::Form;
use crate::render;
use crate::store::consultations::{self, Earlier};

/// Record a consultation. Codes accept the code or its alias in any case; run `caselog
/// checklist` for the indicator IDs.
#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Date of the consultation: YYYY-MM-DD, DD/MM/YYYY, today or yesterday [default: today]
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub date: Option<String>,

    /// Who gave the consultation [default: CASELOG_ADVISOR, or the config file's `advisor`]
    #[arg(long, env = "CASELOG_ADVISOR", value_name = "NAME")]
    pub advisor: Option<String>,

    /// Where it took place, e.g. "Oakwood Primary surgery"
    #[arg(long, value_name = "TEXT")]
    pub setting: Option<String>,

    /// How: surgery, phone, email, visit (joint visit) or meeting [default: surgery]
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,

    /// The consultee's agency: a referral-source code or alias, e.g. 2A or school, 3B or
    /// health-visitor, 6 or police
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,

    /// The consultee's role, e.g. DSL, class teacher, health visitor
    #[arg(long, value_name = "TEXT")]
    pub role: Option<String>,

    /// The family's pseudonymous reference (a case number or your own code — never a name)
    #[arg(long, value_name = "REF")]
    pub family: Option<String>,

    /// How many children the worry is about [default: 1]
    #[arg(long, value_name = "N")]
    pub children: Option<String>,

    /// A factor code, e.g. 3B (domestic abuse, parent); repeat the flag or separate with ';'
    #[arg(long = "factor", value_name = "CODE")]
    pub factors: Vec<String>,

    /// A checklist indicator ticked, e.g. P3.2; repeat the flag or separate with ';'
    #[arg(long = "indicator", value_name = "ID")]
    pub indicators: Vec<String>,

    /// The level of need (1–4) the consultee believed before the consultation
    #[arg(long, value_name = "N")]
    pub consultee_level: Option<String>,

    /// Your judgement of the level of need (1–4) [default: the level the checklist suggests]
    #[arg(long, value_name = "N")]
    pub level: Option<String>,

    /// Why your level differs from the suggested one (required when it does)
    #[arg(long, value_name = "TEXT")]
    pub rationale: Option<String>,

    /// The consultee's confidence before, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_before: Option<String>,

    /// The consultee's confidence after, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_after: Option<String>,

    /// Consent: given, refused, not-asked, withheld-risk or not-applicable
    #[arg(long, value_name = "CODE")]
    pub consent: Option<String>,

    /// The pathway agreed: advice, signpost, early-help, refer-csc, urgent or reconsult
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<String>,

    /// What the consultee is worried about, in their words
    #[arg(long, value_name = "TEXT")]
    pub worry: Option<String>,

    /// What is working well
    #[arg(long, value_name = "TEXT")]
    pub strengths: Option<String>,

    /// Advice given and next steps agreed
    #[arg(long, value_name = "TEXT")]
    pub advice: Option<String>,

    /// When to check back: a date, or +3d / +2w after the consultation
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub follow_up: Option<String>,

    /// Print the saved record as one JSON object
    #[arg(long)]
    pub json: bool,
}

impl Args {
    fn draft(&self, ctx: &Context) -> Draft {
        Draft {
            date: self.date.clone(),
            // A blank advisor is no advisor: the config file's, or the question, takes its place.
            advisor: given(&self.advisor)
                .or_else(|| given(&ctx.config.advisor))
                .map(str::to_string),
            setting: self.setting.clone(),
            mode: self.mode.clone(),
            agency: self.agency.clone(),
            role: self.role.clone(),
            family: self.family.clone(),
            children: self.children.clone(),
            factors: self.factors.clone(),
            indicators: self.indicators.clone(),
            consultee_level: self.consultee_level.clone(),
            level: self.level.clone(),
            rationale: self.rationale.clone(),
            confidence_before: self.confidence_before.clone(),
            confidence_after: self.confidence_after.clone(),
            consent: self.consent.clone(),
            outcome: self.outcome.clone(),
            worry: self.worry.clone(),
            strengths: self.strengths.clone(),
            advice: self.advice.clone(),
            follow_up: self.follow_up.clone(),
        }
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let today = ctx.clock.today();
    let mut draft = args.draft(ctx);
    let asked = ctx.interactive() && !draft.missing().is_empty();
    let form = if asked {
        draft.check_given(&checklist, today)?;
        // Nobody should answer every question for a logbook that cannot be written.
        drop(ctx.open_for_writing()?);
        let form = Form::new()?;
        // Answers are kept in the draft as they are given: if the form is broken off (Ctrl-C,
        // a closed terminal), what was typed so far is printed so that none of it is lost.
        form.complete(&mut draft, &checklist, today).map_err(|e| {
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
    let (c, earlier) = confirm_and_save(&draft, &checklist, form, ctx).map_err(|e| {
        if asked {
            e.hint(format!(
                "nothing was saved; to record it later, run: {}",
                command_line(&draft, ctx)
            ))
        } else {
            e
        }
    })?;

    if args.json {
        render::json(out, &c)?;
    } else {
        writeln!(out, "{}", summary(&c, &checklist, Some(c.id)))?;
    }
    // The notes follow the record on a terminal, but go to stderr: stdout is the record alone.
    out.flush()?;
    for note in notes(&c, &checklist, &earlier) {
        eprintln!("note: {note}");
    }
    Ok(())
}

/// Checks the draft, asks to confirm when the form was shown, and saves the consultation.
/// Returns it with the family's consultations in the year before it.
fn confirm_and_save(
    draft: &Draft,
    checklist: &Checklist,
    form: Option<Form>,
    ctx: &Context,
) -> Result<(Consultation, Vec<Earlier>)> {
    let today = ctx.clock.today();
    if let Some(form) = form {
        let c = draft.validate(checklist, today, String::new(), String::new())?;
        eprintln!("\n{}", summary(&c, checklist, None));
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
    let uuid = uuid::Uuid::new_v4().to_string();
    let mut c = draft.validate(checklist, today, uuid, ctx.clock.timestamp())?;
    let earlier = save(ctx, &mut c)?;
    Ok((c, earlier))
}

/// Saves the consultation in one transaction; returns the family's consultations in the year
/// before it.
fn save(ctx: &Context, c: &mut Consultation) -> Result<Vec<Earlier>> {
    let mut logbook = ctx.open_for_writing()?;
    let tx = logbook.write()?;
    let earlier = consultations::family_year_before(&tx, &c.family, c.date)?;
    c.id = consultations::insert(&tx, c)?;
    tx.commit()?;
    Ok(earlier)
}

/// The short summary: who, the checklist result by domain, suggested and chosen level, outcome.
pub fn summary(c: &Consultation, checklist: &Checklist, id: Option<i64>) -> String {
    let mut lines = Vec::new();
    let heading = match id {
        Some(n) => format!("Recorded {}", RecordId::new(RecordKind::Consultation, n)),
        None => "Consultation".to_string(),
    };
    lines.push(format!(
        "{heading}: {} — family {}, {} ({})",
        c.date,
        c.family,
        AGENCY.label(&c.agency),
        c.agency
    ));
    let ticked = checklist.ticked(&c.indicators);
    if ticked.is_empty() {
        lines.push("  Checklist: nothing ticked".to_string());
    } else {
        lines.push("  Checklist:".to_string());
        for domain in Domain::ALL {
            let ids: Vec<&str> = ticked
                .iter()
                .filter(|i| i.domain == domain)
                .map(|i| i.id.as_str())
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
    lines.push(format!(
        "  Outcome: {} — {}",
        c.outcome,
        OUTCOME.label(&c.outcome)
    ));
    if let Some(f) = c.follow_up {
        lines.push(format!("  Follow-up: {f}"));
    }
    lines.join("\n")
}

/// What the advisor should notice: a possible level 4, and the family's recent consultations.
fn notes(c: &Consultation, checklist: &Checklist, earlier: &[Earlier]) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some((n, domains)) = checklist::consider_level_four(&checklist.ticked(&c.indicators))
        && c.level != 4
    {
        notes.push(format!(
            "{n} level-3 indicators across {domains} domains: consider whether level 4 ({}) applies",
            checklist.level_label(4)
        ));
    }
    if !earlier.is_empty() {
        let list: Vec<String> = earlier
            .iter()
            .map(|e| {
                format!(
                    "{} on {} (level {}, {})",
                    RecordId::new(RecordKind::Consultation, e.id),
                    e.date,
                    e.level,
                    e.outcome
                )
            })
            .collect();
        notes.push(format!(
            "family {} had {} consultation{} in the 365 days before {}: {}",
            c.family,
            earlier.len(),
            if earlier.len() == 1 { "" } else { "s" },
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
    // Resolved when valid; a value that is not is kept as typed, to be refused when run.
    let date = match given(&d.date) {
        Some(typed) => dates::parse_past_date("--date", typed, today).ok(),
        None => Some(today),
    };
    let follow_up = given(&d.follow_up).map(|typed| {
        date.and_then(|from| dates::parse_follow_up("--follow-up", typed, from, today).ok())
            .map_or_else(|| typed.to_string(), |f| f.to_string())
    });
    let date = date.map_or_else(
        || given(&d.date).unwrap_or_default().to_string(),
        |d| d.to_string(),
    );
    let mut flag = |name: &str, value: Option<&str>| {
        let Some(value) = value.filter(|v| !v.trim().is_empty()) else {
            return;
        };
        if value.trim_start().starts_with('-') {
            words.push(format!("--{name}={value}"));
        } else {
            words.push(format!("--{name}"));
            words.push(value.to_string());
        }
    };
    flag("date", Some(&date));
    flag("advisor", d.advisor.as_deref());
    flag("setting", d.setting.as_deref());
    flag("mode", d.mode.as_deref());
    flag("agency", d.agency.as_deref());
    flag("role", d.role.as_deref());
    flag("family", d.family.as_deref());
    flag("children", d.children.as_deref());
    for f in &d.factors {
        flag("factor", Some(f));
    }
    for i in &d.indicators {
        flag("indicator", Some(i));
    }
    flag("consultee-level", d.consultee_level.as_deref());
    flag("level", d.level.as_deref());
    flag("rationale", d.rationale.as_deref());
    flag("confidence-before", d.confidence_before.as_deref());
    flag("confidence-after", d.confidence_after.as_deref());
    flag("consent", d.consent.as_deref());
    flag("outcome", d.outcome.as_deref());
    flag("worry", d.worry.as_deref());
    flag("strengths", d.strengths.as_deref());
    flag("advice", d.advice.as_deref());
    flag("follow-up", follow_up.as_deref());
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
}
