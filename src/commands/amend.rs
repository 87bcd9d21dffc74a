//! `caselog amend ID --<field> VALUE … --reason TEXT`: corrects fields of a consultation,
//! referral or review with the same checks as when it was recorded, keeping each old value in an
//! amendment with when and why.

use std::io::Write;

use crate::context::Context;
use crate::domain::amendment::{self, Change};
use crate::domain::checklist::split_list;
use crate::domain::codes::STATUS;
use crate::domain::consultation::{Consultation, Voided};
use crate::domain::dates;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::review::{RESOLVED, Review};
use crate::domain::text;
use crate::error::{Error, Result};
use crate::store::{amendments, consultations, referrals, reviews};

/// Correct a record. Give each field to change as a flag with its new value (an empty value
/// clears an optional field), and say why with --reason. `caselog show ID` lists the
/// corrections made.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record to correct: C-<n>, R-<n> or V-<n>
    #[arg(value_name = "ID")]
    pub id: String,

    /// Why the record is corrected (required)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// Any record: the date
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,

    /// Consultation: who gave it
    #[arg(long, value_name = "NAME")]
    pub advisor: Option<String>,

    /// Consultation: where it took place
    #[arg(long, value_name = "TEXT")]
    pub setting: Option<String>,

    /// Consultation: surgery, phone, email, visit or meeting
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,

    /// Consultation: the consultee's agency (referral-source code or alias)
    #[arg(long, value_name = "CODE")]
    pub agency: Option<String>,

    /// Consultation: the consultee's role
    #[arg(long, value_name = "TEXT")]
    pub role: Option<String>,

    /// Consultation: the family's pseudonymous reference
    #[arg(long, value_name = "REF")]
    pub family: Option<String>,

    /// Consultation: how many children the worry is about
    #[arg(long, value_name = "N")]
    pub children: Option<String>,

    /// Consultation: the factor codes (replaces the whole list; repeat or separate with ';')
    #[arg(long = "factor", value_name = "CODE")]
    pub factors: Vec<String>,

    /// Consultation: the indicators ticked (replaces the whole list and recomputes the
    /// suggested level; repeat or separate with ';')
    #[arg(long = "indicator", value_name = "ID")]
    pub indicators: Vec<String>,

    /// Consultation: the level of need the consultee believed (1–4)
    #[arg(long, value_name = "N")]
    pub consultee_level: Option<String>,

    /// Consultation or review: the level of need (1–4)
    #[arg(long, value_name = "N")]
    pub level: Option<String>,

    /// Consultation: why the level differs from the suggested one
    #[arg(long, value_name = "TEXT")]
    pub rationale: Option<String>,

    /// Consultation: the consultee's confidence before (1–5)
    #[arg(long, value_name = "N")]
    pub confidence_before: Option<String>,

    /// Consultation: the consultee's confidence after (1–5)
    #[arg(long, value_name = "N")]
    pub confidence_after: Option<String>,

    /// Consultation or referral: consent (given, refused, not-asked, withheld-risk,
    /// not-applicable)
    #[arg(long, value_name = "CODE")]
    pub consent: Option<String>,

    /// Consultation: the pathway agreed
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<String>,

    /// Consultation: what the consultee was worried about
    #[arg(long, value_name = "TEXT")]
    pub worry: Option<String>,

    /// Consultation: what is working well
    #[arg(long, value_name = "TEXT")]
    pub strengths: Option<String>,

    /// Consultation: advice given and next steps agreed
    #[arg(long, value_name = "TEXT")]
    pub advice: Option<String>,

    /// Consultation or review: when to check back (a date, or +3d / +2w after the record's date)
    #[arg(long, value_name = "DATE")]
    pub follow_up: Option<String>,

    /// Referral: where it went (csc, early-help, police, health, other)
    #[arg(long, value_name = "CODE")]
    pub to: Option<String>,

    /// Referral: who made it (consultee or advisor)
    #[arg(long, value_name = "WHO")]
    pub by: Option<String>,

    /// Referral: the referral's own reason (--reason is why you are correcting it)
    #[arg(long, value_name = "TEXT")]
    pub referral_reason: Option<String>,

    /// Referral: whether it was urgent (yes or no)
    #[arg(long, value_name = "YES|NO")]
    pub urgent: Option<String>,

    /// Review of a consultation: ongoing, resolved, escalated, stepped-down or lost-contact
    #[arg(long, value_name = "CODE")]
    pub status: Option<String>,

    /// Review of a consultation: the note
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// Review of a consultation: the consultee's confidence (1–5)
    #[arg(long, value_name = "N")]
    pub confidence: Option<String>,

    /// Review of a referral: what the front door decided (nfa, advice, early-help, assessment,
    /// s47, other)
    #[arg(long, value_name = "CODE")]
    pub result: Option<String>,
}

const CONSULTATION_FLAGS: &[&str] = &[
    "--date",
    "--advisor",
    "--setting",
    "--mode",
    "--agency",
    "--role",
    "--family",
    "--children",
    "--factor",
    "--indicator",
    "--consultee-level",
    "--level",
    "--rationale",
    "--confidence-before",
    "--confidence-after",
    "--consent",
    "--outcome",
    "--worry",
    "--strengths",
    "--advice",
    "--follow-up",
];
const REFERRAL_FLAGS: &[&str] = &[
    "--date",
    "--to",
    "--by",
    "--referral-reason",
    "--consent",
    "--urgent",
];
const FOLLOW_UP_FLAGS: &[&str] = &[
    "--date",
    "--status",
    "--note",
    "--level",
    "--confidence",
    "--follow-up",
];
const RESULT_FLAGS: &[&str] = &["--date", "--result"];

impl Args {
    /// The field flags given, by name.
    fn given(&self) -> Vec<&'static str> {
        [
            ("--date", self.date.is_some()),
            ("--advisor", self.advisor.is_some()),
            ("--setting", self.setting.is_some()),
            ("--mode", self.mode.is_some()),
            ("--agency", self.agency.is_some()),
            ("--role", self.role.is_some()),
            ("--family", self.family.is_some()),
            ("--children", self.children.is_some()),
            ("--factor", !self.factors.is_empty()),
            ("--indicator", !self.indicators.is_empty()),
            ("--consultee-level", self.consultee_level.is_some()),
            ("--level", self.level.is_some()),
            ("--rationale", self.rationale.is_some()),
            ("--confidence-before", self.confidence_before.is_some()),
            ("--confidence-after", self.confidence_after.is_some()),
            ("--consent", self.consent.is_some()),
            ("--outcome", self.outcome.is_some()),
            ("--worry", self.worry.is_some()),
            ("--strengths", self.strengths.is_some()),
            ("--advice", self.advice.is_some()),
            ("--follow-up", self.follow_up.is_some()),
            ("--to", self.to.is_some()),
            ("--by", self.by.is_some()),
            ("--referral-reason", self.referral_reason.is_some()),
            ("--urgent", self.urgent.is_some()),
            ("--status", self.status.is_some()),
            ("--note", self.note.is_some()),
            ("--confidence", self.confidence.is_some()),
            ("--result", self.result.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect()
    }
}

/// The flags whose field every record of its kind has: an empty value would not clear it but
/// put a default in its place, so it is refused.
const NOT_CLEARABLE: &[&str] = &[
    "--date",
    "--advisor",
    "--setting",
    "--mode",
    "--agency",
    "--family",
    "--children",
    "--level",
    "--outcome",
    "--to",
    "--by",
    "--urgent",
    "--status",
    "--result",
];

impl Args {
    /// The first flag of `NOT_CLEARABLE` given with a blank value.
    fn blank_required(&self) -> Option<&'static str> {
        let values = [
            &self.date,
            &self.advisor,
            &self.setting,
            &self.mode,
            &self.agency,
            &self.family,
            &self.children,
            &self.level,
            &self.outcome,
            &self.to,
            &self.by,
            &self.urgent,
            &self.status,
            &self.result,
        ];
        NOT_CLEARABLE
            .iter()
            .zip(values)
            .find(|(_, v)| v.as_deref().is_some_and(|v| v.trim().is_empty()))
            .map(|(flag, _)| *flag)
    }
}

/// Replaces `field` with the new value when one was given.
fn set(field: &mut Option<String>, value: &Option<String>) {
    if value.is_some() {
        field.clone_from(value);
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = RecordId::parse(&args.id)?;
    let given = args.given();
    let reason = match &args.reason {
        Some(r) => text::short("--reason", r)?,
        None => {
            return Err(Error::input("missing --reason")
                .hint("say why the record is corrected: --reason TEXT"));
        }
    };
    if let Some(flag) = args.blank_required() {
        return Err(Error::input(format!("{flag} cannot be empty"))
            .hint("only optional fields can be cleared with an empty value; give the new value"));
    }
    if given.is_empty() {
        return Err(Error::input(format!(
            "nothing to amend: give the fields of {id} to change"
        ))
        .hint("`caselog amend --help` lists the fields of each kind of record"));
    }
    let today = ctx.clock.today();
    let at = ctx.clock.timestamp();
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.write()?;
    let missing = || super::show::not_found(id);
    let changes: Vec<Change> = match id.kind {
        RecordKind::Consultation => {
            only(&given, CONSULTATION_FLAGS, id, "a consultation")?;
            let old = consultations::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_voided(id, &old.voided)?;
            // Indicators not being changed are checked against the checklist they were
            // recorded with, not only the one in use now.
            let checklist = ctx.checklist()?.knowing(&old.indicators);
            let mut draft = old.draft();
            set(&mut draft.date, &args.date);
            set(&mut draft.advisor, &args.advisor);
            set(&mut draft.setting, &args.setting);
            set(&mut draft.mode, &args.mode);
            set(&mut draft.agency, &args.agency);
            set(&mut draft.role, &args.role);
            set(&mut draft.family, &args.family);
            set(&mut draft.children, &args.children);
            if !args.factors.is_empty() {
                draft.factors.clone_from(&args.factors);
            }
            if !args.indicators.is_empty() {
                draft.indicators.clone_from(&args.indicators);
                // A level that simply followed the checklist follows it still.
                let ticks = args
                    .indicators
                    .iter()
                    .any(|i| split_list(i).next().is_some());
                if args.level.is_none() && old.suggested_level == Some(old.level) && ticks {
                    draft.level = None;
                }
            }
            set(&mut draft.consultee_level, &args.consultee_level);
            set(&mut draft.level, &args.level);
            set(&mut draft.rationale, &args.rationale);
            set(&mut draft.confidence_before, &args.confidence_before);
            set(&mut draft.confidence_after, &args.confidence_after);
            set(&mut draft.consent, &args.consent);
            set(&mut draft.outcome, &args.outcome);
            set(&mut draft.worry, &args.worry);
            set(&mut draft.strengths, &args.strengths);
            set(&mut draft.advice, &args.advice);
            set(&mut draft.follow_up, &args.follow_up);
            refuse_stored_follow_up(id, old.follow_up, &args, today)?;
            let mut new = draft
                .validate_except_rationale(
                    &checklist,
                    today,
                    old.uuid.clone(),
                    old.created_at.clone(),
                )
                .map_err(|e| about_stored(e, id, &given))?;
            if new.needs_rationale() {
                return Err(rationale_needed(id, &new, &args, old.rationale.is_some()));
            }
            new.id = old.id;
            if new.date != old.date {
                let later: Vec<(String, chrono::NaiveDate)> =
                    referrals::for_consultation(&tx, id.number)?
                        .iter()
                        .filter(|r| r.voided.is_none())
                        .map(|r| (format!("R-{}", r.id), r.date))
                        .chain(
                            reviews::for_consultation(&tx, id.number)?
                                .iter()
                                .filter(|v| v.voided.is_none())
                                .map(|v| (format!("V-{}", v.id), v.date)),
                        )
                        .collect();
                refuse_after(id, new.date, &later)?;
            }
            let changes = amendment::changes(&old.fields(), &new.fields());
            if !changes.is_empty() {
                consultations::update(&tx, &new)?;
            }
            changes
        }
        RecordKind::Referral => {
            only(&given, REFERRAL_FLAGS, id, "a referral").map_err(|e| {
                if given.contains(&"--result") {
                    e.hint("a referral's result is recorded by `caselog review R-<n> --result`; to correct it, amend that review (V-<n>)")
                } else {
                    e
                }
            })?;
            let old = referrals::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_voided(id, &old.voided)?;
            let c = consultations::get(&tx, old.consultation)?.ok_or_else(|| {
                Error::failure(format!(
                    "{id} was made from C-{}, which is missing",
                    old.consultation
                ))
            })?;
            let mut draft = old.draft();
            set(&mut draft.date, &args.date);
            set(&mut draft.to, &args.to);
            set(&mut draft.by, &args.by);
            set(&mut draft.reason, &args.referral_reason);
            set(&mut draft.consent, &args.consent);
            set(&mut draft.urgent, &args.urgent);
            let mut new = draft
                .validate(
                    old.consultation,
                    c.date,
                    today,
                    old.uuid.clone(),
                    old.created_at.clone(),
                )
                .map_err(|e| {
                    let e = if e.message.starts_with("--reason") {
                        Error::input(e.message.replacen("--reason", "--referral-reason", 1))
                    } else {
                        e
                    };
                    let consultation = RecordId::new(RecordKind::Consultation, old.consultation);
                    let e = super::hint_correcting(e, consultation, c.date);
                    about_stored(e, id, &given)
                })?;
            new.id = old.id;
            new.result.clone_from(&old.result);
            new.result_date = old.result_date;
            if new.date != old.date {
                let later: Vec<(String, chrono::NaiveDate)> =
                    reviews::for_referral(&tx, id.number)?
                        .iter()
                        .filter(|v| v.voided.is_none())
                        .map(|v| (format!("V-{}", v.id), v.date))
                        .collect();
                refuse_after(id, new.date, &later)?;
            }
            let changes = amendment::changes(&old.fields(), &new.fields());
            if !changes.is_empty() {
                referrals::update(&tx, &new)?;
            }
            changes
        }
        RecordKind::Review => {
            let old = reviews::get(&tx, id.number)?.ok_or_else(missing)?;
            refuse_voided(id, &old.voided)?;
            let mut new = match (old.consultation, old.referral) {
                (Some(c), _) => {
                    only(&given, FOLLOW_UP_FLAGS, id, "a review of a consultation")?;
                    let consultation = consultations::get(&tx, c)?.ok_or_else(|| {
                        Error::failure(format!("{id} reviews C-{c}, which is missing"))
                    })?;
                    let mut draft = old.follow_up_draft();
                    set(&mut draft.date, &args.date);
                    set(&mut draft.status, &args.status);
                    set(&mut draft.note, &args.note);
                    set(&mut draft.level, &args.level);
                    set(&mut draft.confidence, &args.confidence);
                    set(&mut draft.follow_up, &args.follow_up);
                    refuse_stored_follow_up(id, old.follow_up, &args, today)?;
                    refuse_against_stored_status(id, &old, &args)?;
                    draft
                        .validate(
                            c,
                            consultation.date,
                            today,
                            old.uuid.clone(),
                            old.created_at.clone(),
                        )
                        .map_err(|e| {
                            let reviewed = RecordId::new(RecordKind::Consultation, c);
                            let e = super::hint_correcting(e, reviewed, consultation.date);
                            about_stored(e, id, &given)
                        })?
                }
                (None, Some(r)) => {
                    only(&given, RESULT_FLAGS, id, "a review of a referral")?;
                    let referral = referrals::get(&tx, r)?.ok_or_else(|| {
                        Error::failure(format!("{id} reviews R-{r}, which is missing"))
                    })?;
                    let mut draft = old.result_draft();
                    set(&mut draft.date, &args.date);
                    set(&mut draft.result, &args.result);
                    draft
                        .validate(
                            r,
                            referral.date,
                            today,
                            old.uuid.clone(),
                            old.created_at.clone(),
                        )
                        .map_err(|e| {
                            let reviewed = RecordId::new(RecordKind::Referral, r);
                            let e = super::hint_correcting(e, reviewed, referral.date);
                            about_stored(e, id, &given)
                        })?
                }
                (None, None) => {
                    return Err(Error::failure(format!("{id} reviews nothing")));
                }
            };
            new.id = old.id;
            let changes = amendment::changes(&old.fields(), &new.fields());
            if !changes.is_empty() {
                reviews::update(&tx, &new)?;
                if let Some(r) = old.referral {
                    // The referral's result follows its latest review.
                    let before = referrals::get(&tx, r)?
                        .ok_or_else(|| Error::failure(format!("R-{r} is missing")))?;
                    let mut after = before.clone();
                    after.follow_latest_review(&reviews::for_referral(&tx, r)?);
                    let why = format!("{id} amended: {reason}");
                    for change in amendment::changes(&before.fields(), &after.fields()) {
                        amendments::insert(&tx, RecordKind::Referral, r, &change, &why, &at)?;
                    }
                    referrals::update(&tx, &after)?;
                }
            }
            changes
        }
    };
    if changes.is_empty() {
        return Err(Error::input(format!(
            "nothing to amend: the values given are those already recorded for {id}"
        )));
    }
    for change in &changes {
        amendments::insert(&tx, id.kind, id.number, change, &reason, &at)?;
    }
    tx.commit()?;

    writeln!(
        out,
        "Amended {id} ({} field{}): {reason}",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" }
    )?;
    let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
    for c in &changes {
        writeln!(out, "  {}: {} → {}", c.field, shown(&c.old), shown(&c.new))?;
    }
    Ok(())
}

/// Refuses the field flags given that do not belong to this kind of record.
fn only(given: &[&'static str], allowed: &[&str], id: RecordId, what: &str) -> Result<()> {
    let hint = format!("the fields of {what} are {}", allowed.join(", "));
    super::only(given, allowed, &format!("{id}, {what}"), hint)
}

fn refuse_voided(id: RecordId, voided: &Option<Voided>) -> Result<()> {
    super::refuse_voided(
        id,
        voided,
        "a voided record cannot be amended; record a new entry if one is needed",
    )
}

/// Refuses a new date that would put record `id` after records made from it.
fn refuse_after(
    id: RecordId,
    date: chrono::NaiveDate,
    later: &[(String, chrono::NaiveDate)],
) -> Result<()> {
    let before: Vec<&(String, chrono::NaiveDate)> =
        later.iter().filter(|(_, d)| *d < date).collect();
    let Some(earliest) = before.iter().map(|(_, d)| *d).min() else {
        return Ok(());
    };
    let listed: Vec<String> = before.iter().map(|(id, d)| format!("{id} ({d})")).collect();
    Err(Error::input(format!(
        "--date {date} would put {id} after records made from it: {}",
        listed.join(", ")
    ))
    .hint(format!(
        "give a --date on or before {earliest}, or correct their dates first: caselog amend {} \
         --date DATE --reason TEXT",
        before[0].0
    )))
}

/// Refuses a new `--date` after the follow-up stored in record `id` when no new `--follow-up`
/// is given: the follow-up would be before the date it follows.
fn refuse_stored_follow_up(
    id: RecordId,
    stored: Option<chrono::NaiveDate>,
    args: &Args,
    today: chrono::NaiveDate,
) -> Result<()> {
    let new_date = args
        .date
        .as_deref()
        .and_then(|d| dates::parse_past_date("--date", d, today).ok());
    match (stored, new_date) {
        (Some(follow_up), Some(date)) if args.follow_up.is_none() && follow_up < date => {
            Err(Error::input(format!(
                "{id}'s follow-up {follow_up} (stored) is before the new date {date}; change it \
                 with --follow-up or clear it"
            ))
            .hint("--follow-up takes a date, or +3d / +2w after the new date; --follow-up \"\" clears it"))
        }
        _ => Ok(()),
    }
}

/// Refuses, for a review of a consultation, a change that clashes with its stored status or
/// follow-up: `resolved` ends follow-up.
fn refuse_against_stored_status(id: RecordId, old: &Review, args: &Args) -> Result<()> {
    let resolving = text::given(&args.status)
        .and_then(|s| STATUS.canonical(s).ok())
        .is_some_and(|s| s == RESOLVED);
    if resolving
        && args.follow_up.is_none()
        && let Some(follow_up) = old.follow_up
    {
        return Err(Error::input(format!(
            "{id} has a follow-up {follow_up} (stored), and --status resolved ends follow-up"
        ))
        .hint("clear the follow-up in the same amendment with --follow-up \"\", or choose another --status"));
    }
    if args.status.is_none()
        && text::given(&args.follow_up).is_some()
        && old.status.as_deref() == Some(RESOLVED)
    {
        return Err(Error::input(format!(
            "{id}'s status is resolved (stored), which ends follow-up, so it cannot have a \
             --follow-up"
        ))
        .hint("change the status in the same amendment, e.g. --status ongoing"));
    }
    Ok(())
}

/// The refusal of a consultation's level that differs from the suggested level with no
/// rationale, saying which of the values are stored in it and which were given; `stored` is
/// whether it had a rationale before this amendment.
fn rationale_needed(id: RecordId, new: &Consultation, args: &Args, stored: bool) -> Error {
    let suggested = new.suggested_level.unwrap_or_default();
    let level = if args.level.is_some() {
        format!("--level {}", new.level)
    } else {
        format!("{id}'s level {} (stored)", new.level)
    };
    let from = if args.indicators.is_empty() {
        format!("{id}'s suggested level {suggested} (from its stored indicators)")
    } else {
        format!("the level {suggested} the new indicators suggest")
    };
    if stored {
        Error::input(format!(
            "{level} differs from {from}, so its rationale cannot be cleared"
        ))
        .hint(format!(
            "keep the rationale (leave out --rationale), give a new one with --rationale TEXT, \
             or give --level {suggested} to follow the checklist"
        ))
    } else {
        Error::input(format!(
            "{level} differs from {from}, so a rationale is needed: {id} has none stored"
        ))
        .hint(format!(
            "say why the level differs with --rationale TEXT, or give --level {suggested} to \
             follow the checklist"
        ))
    }
}

/// A refusal that names a flag which was not given is about the value stored in record `id`
/// (a date now in the future, a follow-up beyond what the new date allows…): it says so, and
/// how to change it.
fn about_stored(e: Error, id: RecordId, given: &[&str]) -> Error {
    let Some(flag) = e
        .message
        .split([' ', ':'])
        .next()
        .filter(|w| w.starts_with("--") && !given.contains(w))
    else {
        return e;
    };
    let field = flag.trim_start_matches("--").replace('-', " ");
    let mut hint = format!("change it with {flag}");
    if !NOT_CLEARABLE.contains(&flag) {
        hint.push_str(&format!(", or clear it with {flag} \"\""));
    }
    Error {
        message: format!("{id}'s stored {field}{}", &e.message[flag.len()..]),
        ..e
    }
    .hint(hint)
}
