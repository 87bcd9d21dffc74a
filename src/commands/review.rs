//! `caselog review`: with no ID, the weekly list of follow-ups due or overdue and referrals
//! still pending; with `C-<n>`, records a follow-up on a consultation; with `R-<n>`, records
//! what the front door decided about a referral.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::context::Context;
use crate::domain::codes::{AGENCY, DESTINATION, OUTCOME, RESULT, STATUS};
use crate::domain::follow_up::{self, Due};
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::referral::Referral;
use crate::domain::review::{FollowUpDraft, ResultDraft};
use crate::error::{Error, Result};
use crate::render::{self, ViewFormat};
use crate::store::consultations;
use crate::store::{referrals, reviews};

/// See what needs following up this week, or record a follow-up or a referral's result.
///
/// `caselog review` lists consultations whose follow-up date has passed or falls within
/// --within days, and referrals still pending, oldest first. `caselog review C-<n> --status
/// CODE` records a follow-up on a consultation; `caselog review R-<n> --result CODE` records
/// what the front door decided about a referral.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record reviewed: C-<n> (consultation) or R-<n> (referral); leave out for the list
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// List: how many days ahead to look for follow-ups falling due (0–366) [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub within: Option<String>,

    /// List: how to print it
    #[arg(long, value_enum)]
    pub format: Option<ViewFormat>,

    /// Date of the review: YYYY-MM-DD, DD/MM/YYYY, today or yesterday; not before the record
    /// reviewed [default: today]
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub date: Option<String>,

    /// Consultation: where things stand: ongoing, resolved (ends follow-up), escalated,
    /// stepped-down or lost-contact
    #[arg(long, value_name = "CODE")]
    pub status: Option<String>,

    /// Consultation: what was learnt or agreed
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,

    /// Consultation: the level of need now (1–4), if it has changed
    #[arg(long, value_name = "N")]
    pub level: Option<String>,

    /// Consultation: the consultee's confidence now, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence: Option<String>,

    /// Consultation: when to check back next: a date, or +3d / +2w after the review
    #[arg(long, value_name = "DATE", value_parser = crate::cli::not_blank)]
    pub follow_up: Option<String>,

    /// Referral: what the front door decided: nfa, advice, early-help, assessment, s47 or other
    #[arg(long, value_name = "CODE")]
    pub result: Option<String>,

    /// Print the saved review as one JSON object
    #[arg(long)]
    pub json: bool,
}

/// The default number of days the list looks ahead.
pub const WITHIN_DEFAULT: u32 = 7;

impl Args {
    /// The flags given, by name, for refusing those that do not apply.
    fn given(&self) -> Vec<&'static str> {
        let mut given = Vec::new();
        let mut flag = |name: &'static str, is: bool| {
            if is {
                given.push(name);
            }
        };
        flag("--within", self.within.is_some());
        flag("--format", self.format.is_some());
        flag("--date", self.date.is_some());
        flag("--status", self.status.is_some());
        flag("--note", self.note.is_some());
        flag("--level", self.level.is_some());
        flag("--confidence", self.confidence.is_some());
        flag("--follow-up", self.follow_up.is_some());
        flag("--result", self.result.is_some());
        flag("--json", self.json);
        given
    }
}

/// Refuses the flags given that are not among `allowed`, naming them and what they apply to.
fn only(given: &[&'static str], allowed: &[&str], what: &str, valid: &str) -> Result<()> {
    super::only(given, allowed, what, valid.to_string())
}

const LIST_FLAGS: &[&str] = &["--within", "--format"];
const CONSULTATION_FLAGS: &[&str] = &[
    "--date",
    "--status",
    "--note",
    "--level",
    "--confidence",
    "--follow-up",
    "--json",
];
const REFERRAL_FLAGS: &[&str] = &["--date", "--result", "--json"];

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let given = args.given();
    let Some(id) = &args.id else {
        only(
            &given,
            LIST_FLAGS,
            "the review list",
            "to record a review, give the ID: caselog review C-<n> --status CODE, or \
             caselog review R-<n> --result CODE",
        )?;
        return list(&args, ctx, out);
    };
    let id = RecordId::parse(id)?;
    match id.kind {
        RecordKind::Consultation => {
            only(
                &given,
                CONSULTATION_FLAGS,
                "a consultation's review",
                "a follow-up on a consultation takes --date, --status, --note, --level, \
                 --confidence and --follow-up; --result is for a referral (R-<n>)",
            )?;
            follow_up(&args, id.number, ctx, out)
        }
        RecordKind::Referral => {
            only(
                &given,
                REFERRAL_FLAGS,
                "a referral's review",
                "a referral's review takes --result and --date; --status, --note, --level, \
                 --confidence and --follow-up are for a consultation (C-<n>)",
            )?;
            decision(&args, id.number, ctx, out)
        }
        RecordKind::Review => Err(Error::input(format!(
            "{id} is a review: review a consultation (C-<n>) or a referral (R-<n>)"
        ))
        .hint("to correct a review, use `caselog amend`")),
    }
}

/// Refuses a record that was voided.
fn refuse_voided(id: RecordId, voided: &Option<crate::domain::consultation::Voided>) -> Result<()> {
    super::refuse_voided(
        id,
        voided,
        "it cannot be reviewed; review the record that replaced it",
    )
}

fn follow_up(args: &Args, number: i64, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = RecordId::new(RecordKind::Consultation, number);
    let draft = FollowUpDraft {
        date: args.date.clone(),
        status: args.status.clone(),
        note: args.note.clone(),
        level: args.level.clone(),
        confidence: args.confidence.clone(),
        follow_up: args.follow_up.clone(),
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.write()?;
    let c = consultations::get(&tx, number)?.ok_or_else(|| super::show::not_found(id))?;
    refuse_voided(id, &c.voided)?;
    let mut v = draft
        .validate(
            number,
            c.date,
            ctx.clock.today(),
            uuid::Uuid::new_v4().to_string(),
            ctx.clock.timestamp(),
        )
        .map_err(|e| super::hint_correcting(e, id, c.date))?;
    v.id = reviews::insert(&tx, &v)?;
    tx.commit()?;
    if args.json {
        return render::json(out, &v);
    }
    let status = v.status.as_deref().unwrap_or_default();
    writeln!(
        out,
        "Recorded {}: {} — {id} (family {}), {status} ({})",
        RecordId::new(RecordKind::Review, v.id),
        v.date,
        c.family,
        STATUS.label(status)
    )?;
    if let Some(level) = v.level {
        writeln!(out, "  Level now: {level} (was {})", c.level)?;
    }
    match v.follow_up {
        Some(f) => writeln!(out, "  Next follow-up: {f}")?,
        None if status == crate::domain::review::RESOLVED => {
            writeln!(out, "  Follow-up ended: resolved")?
        }
        None => writeln!(out, "  No further follow-up date set")?,
    }
    Ok(())
}

fn decision(args: &Args, number: i64, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let id = RecordId::new(RecordKind::Referral, number);
    let draft = ResultDraft {
        date: args.date.clone(),
        result: args.result.clone(),
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.write()?;
    let mut r = referrals::get(&tx, number)?.ok_or_else(|| super::show::not_found(id))?;
    refuse_voided(id, &r.voided)?;
    let mut v = draft
        .validate(
            number,
            r.date,
            ctx.clock.today(),
            uuid::Uuid::new_v4().to_string(),
            ctx.clock.timestamp(),
        )
        .map_err(|e| super::hint_correcting(e, id, r.date))?;
    v.id = reviews::insert(&tx, &v)?;
    r.follow_latest_review(&reviews::for_referral(&tx, number)?);
    referrals::update(&tx, &r)?;
    tx.commit()?;
    if args.json {
        return render::json(out, &v);
    }
    let result = v.result.as_deref().unwrap_or_default();
    writeln!(
        out,
        "Recorded {}: {} — {id} to {} ({}): {result} ({})",
        RecordId::new(RecordKind::Review, v.id),
        v.date,
        r.to,
        DESTINATION.label(&r.to),
        RESULT.label(result)
    )?;
    Ok(())
}

/// One line of the weekly list.
#[derive(Debug, Serialize)]
struct Item {
    /// C-<n> for a follow-up, R-<n> for a pending referral.
    id: String,
    /// `follow-up` or `referral`.
    kind: &'static str,
    /// The follow-up date, or the date the referral was made.
    date: NaiveDate,
    /// `overdue`, `due` or `pending`.
    state: &'static str,
    family: String,
    agency: String,
    /// The level of need that stands now.
    level: u8,
    /// The consultation's outcome code.
    outcome: String,
    /// A referral's destination code.
    to: Option<String>,
}

fn list(args: &Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let within = match &args.within {
        Some(w) => w
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= 366)
            .ok_or_else(|| {
                Error::input(format!("--within '{}' is not valid", w.trim()))
                    .hint("--within is a number of days from 0 to 366")
            })?,
        None => WITHIN_DEFAULT,
    };
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let horizon = today + chrono::Days::new(u64::from(within));
    let mut pending: HashMap<i64, Vec<Referral>> = HashMap::new();
    for r in referrals::pending(&tx)? {
        pending.entry(r.consultation).or_default().push(r);
    }
    let mut items = Vec::new();
    consultations::each_may_be_due(&tx, horizon, |c, reviews| {
        let level = follow_up::current_level(c, reviews);
        let item = |id: RecordId, kind, date, state, to| Item {
            id: id.to_string(),
            kind,
            date,
            state,
            family: c.family.clone(),
            agency: c.agency.clone(),
            level,
            outcome: c.outcome.clone(),
            to,
        };
        if let Some(date) = follow_up::current_follow_up(c, reviews)
            && let Some(due) = follow_up::due(date, today, within)
        {
            let state = match due {
                Due::Overdue => "overdue",
                Due::Due => "due",
            };
            let id = RecordId::new(RecordKind::Consultation, c.id);
            items.push(item(id, "follow-up", date, state, None));
        }
        // A referral's consultation is never voided while the referral stands (see `void`).
        for r in pending.get(&c.id).into_iter().flatten() {
            let id = RecordId::new(RecordKind::Referral, r.id);
            items.push(item(id, "referral", r.date, "pending", Some(r.to.clone())));
        }
        Ok(())
    })?;
    items.sort_by(|a, b| (a.date, a.kind, number(&a.id)).cmp(&(b.date, b.kind, number(&b.id))));

    match args.format.unwrap_or(ViewFormat::Table) {
        ViewFormat::Json => render::json(out, &items),
        ViewFormat::Table => {
            let mut table = render::table([
                "Date",
                "ID",
                "What",
                "Family",
                "Agency",
                "Level",
                "Outcome / to",
            ]);
            for i in &items {
                let what = match i.state {
                    "overdue" => format!("follow-up {} overdue", days((today - i.date).num_days())),
                    "due" => match (i.date - today).num_days() {
                        0 => "follow-up due today".to_string(),
                        1 => "follow-up due tomorrow".to_string(),
                        n => format!("follow-up due in {}", days(n)),
                    },
                    _ => match (today - i.date).num_days() {
                        0 => "referral pending since today".to_string(),
                        n => format!("referral pending {}", days(n)),
                    },
                };
                let outcome = match &i.to {
                    Some(to) => format!("to {to} ({})", DESTINATION.label(to)),
                    None => format!("{} ({})", i.outcome, OUTCOME.label(&i.outcome)),
                };
                table.add_row([
                    i.date.to_string(),
                    i.id.clone(),
                    what,
                    i.family.clone(),
                    format!("{} {}", i.agency, AGENCY.label(&i.agency)),
                    i.level.to_string(),
                    outcome,
                ]);
            }
            if !items.is_empty() {
                writeln!(out, "{table}")?;
            }
            let follow_ups = items.iter().filter(|i| i.kind == "follow-up").count();
            writeln!(
                out,
                "{follow_ups} follow-up{} due by {}, {} referral{} pending",
                if follow_ups == 1 { "" } else { "s" },
                horizon,
                items.len() - follow_ups,
                if items.len() - follow_ups == 1 {
                    ""
                } else {
                    "s"
                },
            )?;
            Ok(())
        }
    }
}

/// "1 day", "3 days".
fn days(n: i64) -> String {
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// The number in "C-12".
fn number(id: &str) -> i64 {
    id.split_once('-')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}
