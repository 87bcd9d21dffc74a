//! `caselog consult`: records a consultation from flags, asking at a terminal for whatever
//! required field is missing, then prints its ID and the checklist result.

use std::io::Write;

use crate::context::Context;
use crate::domain::checklist::{self, Checklist, Domain};
use crate::domain::codes::{AGENCY, OUTCOME};
use crate::domain::consultation::{Consultation, Draft};
use crate::domain::ids::{RecordId, RecordKind};
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
            advisor: self.advisor.clone().or_else(|| ctx.config.advisor.clone()),
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
    if asked {
        draft.check_given(&checklist, today)?;
        let form = Form::new();
        // Answers are kept in the draft as they are given: if the form is broken off (Ctrl-C,
        // a closed terminal), what was typed so far is printed so that none of it is lost.
        form.complete(&mut draft, &checklist, today).map_err(|e| {
            Error::failure(format!(
                "not saved: the questions were broken off ({})",
                e.message
            ))
            .hint(format!(
                "what you had typed, to finish later: {}",
                command_line(&draft)
            ))
        })?;
        let c = draft.validate(&checklist, today, String::new(), String::new())?;
        eprintln!("\n{}", summary(&c, &checklist, None));
        if !form.confirm("Save this consultation?")? {
            return Err(Error::failure("not saved: you chose not to save it")
                .hint(format!("to record it later, run: {}", command_line(&draft))));
        }
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let mut c = draft.validate(&checklist, today, uuid, ctx.clock.timestamp())?;
    let earlier = save(ctx, &mut c).map_err(|e| {
        if asked {
            e.hint(format!(
                "nothing was saved; to try again, run: {}",
                command_line(&draft)
            ))
        } else {
            e
        }
    })?;

    let notes = notes(&c, &checklist, &earlier);
    if args.json {
        for note in &notes {
            eprintln!("note: {note}");
        }
        return render::json(out, &c);
    }
    writeln!(out, "{}", summary(&c, &checklist, Some(c.id)))?;
    for note in &notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
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
    if let Some((n, domains)) = checklist::consider_level_four(&checklist.ticked(&c.indicators)) {
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

/// The `caselog consult` command that would record this draft, for re-running.
fn command_line(d: &Draft) -> String {
    let mut words: Vec<String> = vec!["caselog".into(), "consult".into()];
    let mut flag = |name: &str, value: &Option<String>| {
        if let Some(v) = value {
            words.push(format!("--{name}"));
            words.push(v.clone());
        }
    };
    flag("date", &d.date);
    flag("advisor", &d.advisor);
    flag("setting", &d.setting);
    flag("mode", &d.mode);
    flag("agency", &d.agency);
    flag("role", &d.role);
    flag("family", &d.family);
    flag("children", &d.children);
    for f in &d.factors {
        flag("factor", &Some(f.clone()));
    }
    for i in &d.indicators {
        flag("indicator", &Some(i.clone()));
    }
    flag("consultee-level", &d.consultee_level);
    flag("level", &d.level);
    flag("rationale", &d.rationale);
    flag("confidence-before", &d.confidence_before);
    flag("confidence-after", &d.confidence_after);
    flag("consent", &d.consent);
    flag("outcome", &d.outcome);
    flag("worry", &d.worry);
    flag("strengths", &d.strengths);
    flag("advice", &d.advice);
    flag("follow-up", &d.follow_up);
    shlex::try_join(words.iter().map(String::as_str)).unwrap_or_else(|_| words.join(" "))
}
