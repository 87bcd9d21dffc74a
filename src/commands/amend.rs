//! `caselog amend ID --<field> VALUE … --reason TEXT`: corrects fields of a consultation,
//! referral, review or audit with the same checks as when it was recorded, keeping each old value
//! in an amendment with when and why. Its field flags are those of `consult`, `refer`, `review`
//! and `audit` —
//! the same definitions, read for the kind of record amended — and `--clear FIELD` empties an
//! optional field.

use std::io::Write;

use chrono::NaiveDate;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args as _, Command, FromArgMatches};
use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::amendment::Change;
use crate::domain::audit;
use crate::domain::codes::ReviewStatus;
use crate::domain::consultation::{self, Consultation, Departure, Rules};
use crate::domain::family::Respelled;
use crate::domain::fields::{Class, Field};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::{FieldName, Invalid};
use crate::domain::record::Timestamp;
use crate::domain::referral;
use crate::domain::review::{self, Of, Review};
use crate::domain::text::{Text, given};
use crate::domain::values::Day;
use crate::error::{Error, Result};
use crate::exchange;
use crate::output::{self, Output, View};
use crate::store::{Storage, Writer};

/// Correct a record. Give each field to change as a flag with its new value, empty optional
/// fields with --clear, and say why with --reason. `caselog show ID` lists the corrections made.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record to correct: C-<n>, R-<n>, V-<n> or A-<n>
    #[arg(value_name = "ID")]
    pub id: RecordId,

    /// Why the record is corrected (required)
    #[arg(long = "reason", id = "why", value_name = "TEXT")]
    pub reason: Option<Text>,

    /// Empty an optional field, e.g. --clear follow-up (repeat for several)
    #[arg(long, value_name = "FIELD")]
    pub clear: Vec<String>,

    #[command(flatten)]
    pub fields: Fields,

    #[command(flatten)]
    pub output: Output,
}

/// Every kind of record's field flags at once — a consultation's, a referral's, a review's and an
/// audit's, a flag several kinds share given once — read for the kind of the record amended. A
/// referral's own `--reason` is `--referral-reason` here, since `--reason` says why the record
/// is corrected.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    matches: ArgMatches,
}

/// The kinds of record and the draft whose flags they take.
fn drafts() -> [(&'static str, Command); 4] {
    let bare = || Command::new("caselog");
    [
        (
            "Consultation fields",
            consultation::Draft::augment_args(bare()),
        ),
        ("Referral fields", referral::Draft::augment_args(bare())),
        ("Review fields", review::Draft::augment_args(bare())),
        ("Audit fields", audit::Draft::augment_args(bare())),
    ]
}

impl clap::Args for Fields {
    fn augment_args(mut cmd: Command) -> Command {
        for (heading, draft) in drafts() {
            for arg in draft.get_arguments() {
                if cmd.get_arguments().any(|a| a.get_id() == arg.get_id()) {
                    continue;
                }
                let mut arg = arg.clone().help_heading(heading).env(None::<&str>);
                // What a field defaults to when a record is made does not apply to a correction.
                if let Some(help) = arg.get_help() {
                    let help = help.to_string();
                    let plain = help.split(" [default:").next().unwrap_or(&help).to_string();
                    arg = arg.help(plain);
                }
                if heading == "Referral fields" && arg.get_id() == "reason" {
                    arg = arg
                        .long("referral-reason")
                        .help("The referral's own reason (--reason is why you correct it)");
                }
                cmd = cmd.arg(arg);
            }
        }
        cmd
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Fields::augment_args(cmd)
    }
}

impl FromArgMatches for Fields {
    fn from_arg_matches(matches: &ArgMatches) -> std::result::Result<Self, clap::Error> {
        Ok(Fields {
            matches: matches.clone(),
        })
    }

    fn update_from_arg_matches(
        &mut self,
        matches: &ArgMatches,
    ) -> std::result::Result<(), clap::Error> {
        self.matches = matches.clone();
        Ok(())
    }
}

impl Fields {
    /// The field flags given on the command line, by field name.
    fn given(&self) -> Vec<FieldName> {
        let fields: Vec<FieldName> = [
            names(consultation::FIELDS),
            names(referral::FIELDS),
            names(review::FIELDS),
            names(audit::FIELDS),
        ]
        .concat();
        fields
            .into_iter()
            .filter(|name| self.matches.value_source(name) == Some(ValueSource::CommandLine))
            .fold(Vec::new(), |mut seen, name| {
                if !seen.contains(&name) {
                    seen.push(name);
                }
                seen
            })
    }

    /// The values given, as a draft of `D`.
    fn draft<D: FromArgMatches>(&self) -> Result<D> {
        D::from_arg_matches(&self.matches).map_err(|e| Error::input(e.to_string()))
    }
}

/// The names of a table's fields that people give.
fn names<R, D>(table: &'static [Field<R, D>]) -> Vec<FieldName> {
    table
        .iter()
        .filter(|f| f.read.is_some())
        .map(|f| f.name)
        .collect()
}

/// How amend's command line names a field.
fn flags() -> Flags {
    Flags::from_command(Args::augment_args(Command::new("amend")))
}

/// One kind of record being amended: its ID, what is stored, the fields given, and how the
/// messages name a field — by its flag when it was given, as stored in the record otherwise.
struct Amending {
    id: RecordId,
    given: Vec<FieldName>,
    cleared: Vec<FieldName>,
    flags: Flags,
}

impl Amending {
    fn new<R, D>(
        args: &Args,
        table: &'static [Field<R, D>],
        what: &'static str,
    ) -> Result<Amending> {
        let flags = flags();
        let given = args.fields.given();
        let fields = names(table);
        let id = args.id;
        let wrong: Vec<String> = given
            .iter()
            .filter(|f| !fields.contains(f))
            .map(|f| flags.name(f))
            .collect();
        if !wrong.is_empty() {
            let hint: Vec<String> = fields.iter().map(|f| flags.name(f)).collect();
            return Err(Error::input(format!(
                "{} {} not apply to {id}, {what}",
                wrong.join(", "),
                if wrong.len() == 1 { "does" } else { "do" }
            ))
            .hint(format!("the fields of {what} are {}", hint.join(", "))));
        }
        let mut cleared = Vec::new();
        for name in &args.clear {
            let name = name.trim().replace('-', "_");
            let field = table.iter().find(|f| f.name == name && f.read.is_some());
            match field {
                None => {
                    return Err(Error::input(format!(
                        "--clear {name}: {what} has no field {name}"
                    ))
                    .hint(format!("the fields of {what} are {}", fields.join(", "))));
                }
                Some(f) if f.clear.is_none() || f.class == Class::Required => {
                    return Err(Error::input(format!(
                        "--clear {}: every {} needs its {}, so it cannot be cleared",
                        f.name,
                        id.kind.noun(),
                        f.label.to_lowercase()
                    ))
                    .hint(format!("give the new value with {}", flags.name(f.name))));
                }
                Some(f) => cleared.push(f.name),
            }
        }
        Ok(Amending {
            id,
            given,
            cleared,
            flags,
        })
    }

    /// Whether a field is given or cleared in this amendment.
    fn touches(&self, field: FieldName) -> bool {
        self.given.contains(&field) || self.cleared.contains(&field)
    }

    /// The new values over the stored ones, and the fields cleared. A field given empty is
    /// refused: `--clear` is how a field is emptied.
    fn apply<R, D>(&self, table: &'static [Field<R, D>], base: &mut D, new: &D) -> Result<()> {
        for field in table {
            let copied = (field.copy)(base, new);
            if !copied && self.given.contains(&field.name) {
                let flag = self.flags.name(field.name);
                let name = field.name.replace('_', "-");
                return Err(Error::input(format!("{flag} is empty")).hint(
                    if field.clear.is_some() {
                        format!("to empty the field, give --clear {name}")
                    } else {
                        format!("give the new value with {flag}")
                    },
                ));
            }
            if self.cleared.contains(&field.name)
                && let Some(clear) = field.clear
            {
                clear(base);
            }
        }
        Ok(())
    }

    /// A refusal, naming each field by its flag when it was given, and as stored in the record
    /// when it was not — with how to change it.
    fn refuse(&self, invalid: &Invalid) -> Error {
        let id = self.id;
        let err = Error::refused(invalid, &|f| {
            if self.touches(f) {
                self.flags.name(f)
            } else {
                format!("{id}'s stored {}", f.replace('_', " "))
            }
        });
        if self.touches(invalid.field) {
            return err;
        }
        let flag = self.flags.name(invalid.field);
        err.hint(format!("change it with {flag}"))
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = args.id;
    let reason = given(&args.reason).cloned().ok_or_else(|| {
        Error::input("missing --reason").hint("say why the record is corrected: --reason TEXT")
    })?;
    if args.fields.given().is_empty() && args.clear.is_empty() {
        return Err(Error::input(format!(
            "nothing to amend: give the fields of {id} to change"
        ))
        .hint("`caselog amend --help` lists the fields of each kind of record"));
    }
    let today = ctx.clock.today();
    let at = ctx.clock.now();
    let mut logbook = ctx.open_existing()?;
    let mut tx = logbook.write()?;
    let reason = reason.as_str();
    let mut respelled = None;
    let changes = match id.kind {
        RecordKind::Consultation => {
            consultation(&args, ctx, tx.as_mut(), reason, &at, &mut respelled)?
        }
        RecordKind::Referral => referral(&args, today, tx.as_mut(), reason, &at)?,
        RecordKind::Review => review(&args, today, tx.as_mut(), reason, &at)?,
        RecordKind::Audit => audit(&args, today, tx.as_mut(), reason, &at)?,
    };
    if let Some(respelled) = &respelled {
        eprintln!("note: {respelled}");
    }
    if changes.is_empty() {
        return Err(Error::input(format!(
            "nothing to amend: the values given are those already recorded for {id}"
        )));
    }
    tx.commit()?;
    args.output.print(
        &Amended {
            id,
            reason: reason.to_string(),
            changes: changes.iter().map(Changed::from).collect(),
        },
        out,
    )
}

/// Refuses to amend a voided record.
fn refuse_voided(id: RecordId, voided: Option<&crate::domain::record::Voided>) -> Result<()> {
    super::refuse_voided(
        id,
        voided,
        "a voided record cannot be amended; record a new entry if one is needed",
    )
}

/// Corrects a consultation. A family reference given is kept under the family's first
/// spelling, which `respelled` then says.
fn consultation(
    args: &Args,
    ctx: &Context,
    tx: &mut dyn Writer,
    reason: &str,
    at: &Timestamp,
    respelled: &mut Option<Respelled>,
) -> Result<Vec<Change>> {
    let amending = Amending::new(args, consultation::FIELDS, "a consultation")?;
    let id = args.id;
    let old = tx
        .consultation(ConsultationId(id.number))?
        .ok_or_else(|| super::not_found(id))?;
    refuse_voided(id, old.voided.as_ref())?;
    let new_values: consultation::Draft = args.fields.draft()?;
    let mut draft = old.draft();
    amending.apply(consultation::FIELDS, &mut draft, &new_values)?;
    // A level that simply followed the checklist follows it still.
    if amending.touches("indicators")
        && !amending.touches("level")
        && old.suggested_level == Some(old.level)
    {
        draft.level = None;
    }
    // New ages give the number of children, unless it is given too.
    if amending.given.contains(&"ages") && !amending.touches("children") {
        draft.children = None;
    }
    refuse_stored_follow_up(&amending, old.follow_up, draft.date, ctx.clock.today())?;
    // Indicators not being changed are checked against the checklist they were recorded
    // with, not only the one in use now.
    let checklist = ctx.checklist()?.knowing(&old.indicators);
    // The stored family reference stays valid while it is not changed, whatever the rule now.
    let family = ctx.config.family.knowing(&old.family);
    let rules = Rules {
        checklist: &checklist,
        today: ctx.clock.today(),
        family: &family,
    };
    let mut new = draft
        .consultation(rules, old.stamp())
        .map_err(|e| match e.field {
            "rationale" => rationale_needed(&amending, &old, &draft, &checklist),
            _ => amending.refuse(&e),
        })?;
    if new.date != old.date {
        let mut later: Vec<(RecordId, NaiveDate)> = tx
            .referrals_from(old.id)?
            .iter()
            .filter(|r| r.voided.is_none())
            .map(|r| (r.id.any(), r.date))
            .collect();
        later.extend(standing_reviews(tx, id)?);
        later.extend(
            tx.audits_of(old.id)?
                .iter()
                .filter(|a| a.voided.is_none())
                .map(|a| (a.id.any(), a.date)),
        );
        refuse_after(id, new.date, &later)?;
    }
    if amending.touches("family") {
        *respelled = tx.spell_family(&mut new, true)?;
    }
    tx.amend_consultation(&old, &new, reason, at)
}

fn referral(
    args: &Args,
    today: NaiveDate,
    tx: &mut dyn Writer,
    reason: &str,
    at: &Timestamp,
) -> Result<Vec<Change>> {
    let amending = Amending::new(args, referral::FIELDS, "a referral").map_err(|e| {
        if args.fields.given().contains(&"result") {
            e.hint(
                "a referral's result is recorded by `caselog review R-<n> --result`; to correct \
                 it, amend that review (V-<n>)",
            )
        } else {
            e
        }
    })?;
    let id = args.id;
    let old = tx
        .referral(ReferralId(id.number))?
        .ok_or_else(|| super::not_found(id))?;
    refuse_voided(id, old.voided.as_ref())?;
    let c = tx.consultation(old.consultation)?.ok_or_else(|| {
        Error::failure(format!(
            "{id} was made from {}, which is missing",
            old.consultation
        ))
    })?;
    let new_values: referral::Draft = args.fields.draft()?;
    let mut draft = old.draft();
    amending.apply(referral::FIELDS, &mut draft, &new_values)?;
    let from = referral::From {
        id: c.id,
        date: c.date,
        outcome: c.outcome,
    };
    let mut new = draft
        .referral(from, today, old.stamp())
        .map_err(|e| super::correcting(amending.refuse(&e), c.id.any(), c.date))?;
    new.result = old.result;
    new.result_date = old.result_date;
    if new.date != old.date {
        refuse_after(id, new.date, &standing_reviews(tx, id)?)?;
    }
    tx.amend_referral(&old, &new, reason, at)
}

fn review(
    args: &Args,
    today: NaiveDate,
    tx: &mut dyn Writer,
    reason: &str,
    at: &Timestamp,
) -> Result<Vec<Change>> {
    let id = args.id;
    let old = tx
        .review(ReviewId(id.number))?
        .ok_or_else(|| super::not_found(id))?;
    refuse_voided(id, old.voided.as_ref())?;
    let (what, reviewed, of) = match (old.consultation, old.referral) {
        (_, Some(r)) => {
            let referral = tx
                .referral(r)?
                .ok_or_else(|| Error::failure(format!("{id} reviews {r}, which is missing")))?;
            let of = Of::Referral(r, referral.date, referral.to);
            ("a review of a referral", r.any(), of)
        }
        (Some(c), None) => {
            let consultation = tx
                .consultation(c)?
                .ok_or_else(|| Error::failure(format!("{id} reviews {c}, which is missing")))?;
            let of = Of::Consultation(c, consultation.date);
            ("a review of a consultation", c.any(), of)
        }
        (None, None) => return Err(Error::failure(format!("{id} reviews nothing"))),
    };
    let reviewed_date = match of {
        Of::Consultation(_, date) | Of::Referral(_, date, _) => date,
    };
    let table: Vec<FieldName> = old.fields().to_vec();
    let amending = Amending::new(args, review::FIELDS, what)?;
    if let Some(wrong) = amending.given.iter().find(|f| !table.contains(f)) {
        let fields: Vec<String> = table.iter().map(|f| amending.flags.name(f)).collect();
        return Err(Error::input(format!(
            "{} does not apply to {id}, {what}",
            amending.flags.name(wrong)
        ))
        .hint(format!("the fields of {what} are {}", fields.join(", "))));
    }
    let new_values: review::Draft = args.fields.draft()?;
    let mut draft = old.draft();
    amending.apply(review::FIELDS, &mut draft, &new_values)?;
    refuse_stored_follow_up(&amending, old.follow_up, draft.date, today)?;
    refuse_against_stored_status(&amending, &old, &draft)?;
    let mut new = draft
        .review(of, today, old.stamp())
        .map_err(|e| super::correcting(amending.refuse(&e), reviewed, reviewed_date))?;
    // A dispute recorded without its note (imported from a file exported without notes)
    // stands until the dispute itself is corrected.
    if !amending.touches("dispute") {
        new.disputed = old.disputed;
    }
    tx.amend_review(&old, &new, reason, at)
}

fn audit(
    args: &Args,
    today: NaiveDate,
    tx: &mut dyn Writer,
    reason: &str,
    at: &Timestamp,
) -> Result<Vec<Change>> {
    let amending = Amending::new(args, audit::FIELDS, "an audit")?;
    let id = args.id;
    let old = tx
        .audit(AuditId(id.number))?
        .ok_or_else(|| super::not_found(id))?;
    refuse_voided(id, old.voided.as_ref())?;
    let c = tx.consultation(old.consultation)?.ok_or_else(|| {
        Error::failure(format!(
            "{id} audits {}, which is missing",
            old.consultation
        ))
    })?;
    let new_values: audit::Draft = args.fields.draft()?;
    let mut draft = old.draft();
    amending.apply(audit::FIELDS, &mut draft, &new_values)?;
    let of = audit::Of {
        id: c.id,
        date: c.date,
    };
    let new = draft
        .audit(of, today, old.stamp())
        .map_err(|e| super::correcting(amending.refuse(&e), c.id.any(), c.date))?;
    tx.amend_audit(&old, &new, reason, at)
}

/// The reviews of a record that still stand, with their dates.
fn standing_reviews(tx: &dyn Writer, id: RecordId) -> Result<Vec<(RecordId, NaiveDate)>> {
    Ok(tx
        .reviews_of(id)?
        .iter()
        .filter(|v| v.voided.is_none())
        .map(|v| (v.id.any(), v.date))
        .collect())
}

/// Refuses a new date that would put record `id` after records made from it.
fn refuse_after(id: RecordId, date: NaiveDate, later: &[(RecordId, NaiveDate)]) -> Result<()> {
    let before: Vec<&(RecordId, NaiveDate)> = later.iter().filter(|(_, d)| *d < date).collect();
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

/// Refuses a new date after the follow-up stored in the record when the follow-up is neither
/// given nor cleared: the follow-up would be before the date it follows.
fn refuse_stored_follow_up(
    amending: &Amending,
    stored: Option<NaiveDate>,
    date: Option<Day>,
    today: NaiveDate,
) -> Result<()> {
    let id = amending.id;
    // A new date that is itself refused (in the future) is refused as such, later.
    let date = date.and_then(|d| crate::domain::record::not_after_today("date", d, today).ok());
    match (stored, date) {
        (Some(follow_up), Some(date))
            if amending.touches("date") && !amending.touches("follow_up") && follow_up < date =>
        {
            Err(Error::input(format!(
                "{id}'s follow-up {follow_up} (stored) is before the new date {date}; change it \
                 with --follow-up or clear it"
            ))
            .hint(
                "--follow-up takes a date, or +3d / +2w after the new date; --clear follow-up \
                 clears it",
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses, for a review of a consultation, a change that clashes with its stored status or
/// follow-up: `resolved` ends follow-up.
fn refuse_against_stored_status(
    amending: &Amending,
    old: &Review,
    new: &review::Draft,
) -> Result<()> {
    let id = amending.id;
    let resolving = amending.touches("status") && new.status == Some(ReviewStatus::Resolved);
    if resolving
        && !amending.touches("follow_up")
        && let Some(follow_up) = old.follow_up
    {
        return Err(Error::input(format!(
            "{id} has a follow-up {follow_up} (stored), and --status resolved ends follow-up"
        ))
        .hint(
            "clear the follow-up in the same amendment with --clear follow-up, or choose \
             another --status",
        ));
    }
    if !amending.touches("status")
        && amending.given.contains(&"follow_up")
        && old.status == Some(ReviewStatus::Resolved)
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
/// rationale, saying which of the values are stored in it and which were given.
fn rationale_needed(
    amending: &Amending,
    old: &Consultation,
    draft: &consultation::Draft,
    checklist: &crate::domain::checklist::Checklist,
) -> Error {
    let id = amending.id;
    let indicators = checklist
        .recognised("indicators", &draft.indicators)
        .unwrap_or_default();
    let suggested_level = crate::domain::checklist::suggested_level(&checklist.ticked(&indicators));
    // The pathway departing from the level, when the level is not what differs.
    if let Some(departure @ Departure::FromLevel { .. }) = Departure::find(
        draft.level.or(suggested_level).unwrap_or(old.level),
        suggested_level,
        Some(draft.outcome.unwrap_or(old.outcome)),
    ) {
        return pathway_needs_rationale(amending, departure);
    }
    let suggested = suggested_level.map(|l| l.to_string()).unwrap_or_default();
    let level = draft.level.or(old.suggested_level).unwrap_or(old.level);
    let level = if amending.touches("level") {
        format!("--level {level}")
    } else {
        format!("{id}'s level {level} (stored)")
    };
    let from = if amending.touches("indicators") {
        format!("the level {suggested} the new indicators suggest")
    } else {
        format!("{id}'s suggested level {suggested} (from its stored indicators)")
    };
    if amending.cleared.contains(&"rationale") {
        Error::input(format!(
            "{level} differs from {from}, so its rationale cannot be cleared"
        ))
        .hint(format!(
            "keep the rationale (leave out --clear rationale), give a new one with --rationale \
             TEXT, or give --level {suggested} to follow the checklist"
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

/// The refusal of a consultation whose pathway departs from its level with no rationale,
/// saying which of the level and outcome are stored and which were given.
fn pathway_needs_rationale(amending: &Amending, departure: Departure) -> Error {
    let id = amending.id;
    let Departure::FromLevel { level, outcome } = departure else {
        unreachable!("only a pathway's departure is worded here")
    };
    let named = |field: FieldName, value: String| {
        if amending.touches(field) {
            format!("--{field} {value}")
        } else {
            format!("{id}'s {field} {value} (stored)")
        }
    };
    let what = format!(
        "{} with {} departs from the level ({departure})",
        named("level", level.to_string()),
        named("outcome", outcome.to_string())
    );
    if amending.cleared.contains(&"rationale") {
        Error::input(format!("{what}, so its rationale cannot be cleared")).hint(
            "keep the rationale (leave out --clear rationale), or give a new one with \
             --rationale TEXT",
        )
    } else {
        Error::input(format!(
            "{what}, so a rationale is needed: {id} has none stored"
        ))
        .hint(format!(
            "say why this pathway at level {level} with --rationale TEXT"
        ))
    }
}

/// What an amendment changed.
#[derive(Serialize)]
struct Amended {
    id: RecordId,
    reason: String,
    changes: Vec<Changed>,
}

#[derive(Serialize)]
struct Changed {
    field: FieldName,
    old: Option<String>,
    new: Option<String>,
}

impl From<&Change> for Changed {
    fn from(c: &Change) -> Changed {
        Changed {
            field: c.field,
            old: c.old.clone(),
            new: c.new.clone(),
        }
    }
}

impl View for Amended {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        writeln!(
            out,
            "Amended {} ({}): {}",
            self.id,
            output::count(self.changes.len(), "field"),
            self.reason
        )?;
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
        for c in &self.changes {
            writeln!(out, "  {}: {} → {}", c.field, shown(&c.old), shown(&c.new))?;
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header = ["id", "field", "old_value", "new_value", "reason"]
            .map(String::from)
            .to_vec();
        let rows = self.changes.iter().map(|c| {
            vec![
                self.id.to_string(),
                c.field.to_string(),
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
                self.reason.clone(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
