//! `caselog review`: with no ID, the weekly list of follow-ups due or overdue and referrals
//! still pending; with `C-<n>`, records a follow-up on a consultation; with `R-<n>`, records
//! what the front door decided about a referral.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::codes::{Agency, CodeList, Destination, Outcome, ReviewStatus};
use crate::domain::follow_up::{self, Due};
use crate::domain::ids::{ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::{Invalid, Words};
use crate::domain::record::Stamp;
use crate::domain::referral::Referral;
use crate::domain::review::{Draft, Of, Review};
use crate::domain::text::Text;
use crate::domain::values::Level;
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::output::{self, Output, View};
use crate::store::Storage;

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
    pub id: Option<RecordId>,

    /// List: how many days ahead to look for follow-ups falling due (0–366) [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub within: Option<Within>,

    #[command(flatten)]
    pub fields: Draft,

    #[command(flatten)]
    pub output: Output,
}

/// How many days ahead the weekly list looks, 0 to 366.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Within(u16);

impl std::str::FromStr for Within {
    type Err = crate::domain::invalid::Problem;
    fn from_str(input: &str) -> std::result::Result<Within, Self::Err> {
        let text = input.trim();
        text.parse::<u16>()
            .ok()
            .filter(|n| *n <= 366 && text.bytes().all(|b| b.is_ascii_digit()))
            .map(Within)
            .ok_or(crate::domain::invalid::Problem::OutOfRange {
                given: text.to_string(),
                valid: "a number of days from 0 to 366",
            })
    }
}

/// The default number of days the list looks ahead.
pub const WITHIN_DEFAULT: Within = Within(7);

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let flags = Flags::of::<Args>();
    let Some(id) = args.id else {
        if let Some(field) = args.fields.given().first() {
            return Err(flags
                .refuse(&Invalid::rule(
                    field,
                    Words::new()
                        .field(field)
                        .text(" does not apply to the review list"),
                ))
                .hint(
                    "to record a review, give the ID: caselog review C-<n> --status CODE, or \
                     caselog review R-<n> --result CODE",
                ));
        }
        return list(args.within.unwrap_or(WITHIN_DEFAULT), args.output, ctx, out);
    };
    if args.within.is_some() {
        return Err(flags.refuse(&Invalid::rule(
            "within",
            Words::new().field("within").text(format!(
                " does not apply to a review of {id}: it is for the list"
            )),
        )));
    }
    let today = ctx.clock.today();
    let mut logbook = ctx.open_existing()?;
    let mut tx = logbook.write()?;
    let refused = "it cannot be reviewed; review the record that replaced it";
    let (of, family) = match id.kind {
        RecordKind::Consultation => {
            let c = tx
                .consultation(ConsultationId(id.number))?
                .ok_or_else(|| super::not_found(id))?;
            super::refuse_voided(id, c.voided.as_ref(), refused)?;
            (Of::Consultation(c.id, c.date), (c.family, Some(c.level)))
        }
        RecordKind::Referral => {
            let r = tx
                .referral(ReferralId(id.number))?
                .ok_or_else(|| super::not_found(id))?;
            super::refuse_voided(id, r.voided.as_ref(), refused)?;
            let c = tx
                .consultation(r.consultation)?
                .ok_or_else(|| super::not_found(r.consultation.any()))?;
            (Of::Referral(r.id, r.date), (c.family, None))
        }
        _ => {
            return Err(Error::input(format!(
                "{id} is {}: review a consultation (C-<n>) or a referral (R-<n>)",
                id.kind.a_noun()
            ))
            .hint("to correct a review, use `caselog amend`"));
        }
    };
    let of_date = match of {
        Of::Consultation(_, d) | Of::Referral(_, d) => d,
    };
    let stamp = Stamp::fresh(ReviewId(0), &ctx.clock.now());
    let mut v = args
        .fields
        .review(of, today, stamp)
        .map_err(|e| super::correcting(flags.refuse(&e), id, of_date))?;
    v.id = tx.add_review(&v)?;
    let referral = v.referral.map(|r| tx.referral(r)).transpose()?.flatten();
    tx.commit()?;
    let (family, level_was) = family;
    args.output.print(
        &SavedReview {
            review: &v,
            of: id,
            family: &family,
            level_was,
            referral: referral.as_ref(),
        },
        out,
    )
}

/// A review just recorded, with what it reviewed.
#[derive(Serialize)]
#[serde(transparent)]
struct SavedReview<'a> {
    review: &'a Review,
    #[serde(skip)]
    of: RecordId,
    #[serde(skip)]
    family: &'a Text,
    #[serde(skip)]
    level_was: Option<Level>,
    #[serde(skip)]
    referral: Option<&'a Referral>,
}

impl View for SavedReview<'_> {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let v = self.review;
        let (id, of) = (v.id, self.of);
        if let (Some(result), Some(r)) = (v.result, self.referral) {
            writeln!(
                out,
                "Recorded {id}: {} — {of} to {} ({}): {result} ({})",
                v.date,
                r.to,
                r.to.label(),
                result.label()
            )?;
            return Ok(());
        }
        let status = v.status.unwrap_or(ReviewStatus::Ongoing);
        writeln!(
            out,
            "Recorded {id}: {} — {of} (family {}), {status} ({})",
            v.date,
            self.family,
            status.label()
        )?;
        if let (Some(level), Some(was)) = (v.level, self.level_was) {
            writeln!(out, "  Level now: {level} (was {was})")?;
        }
        match v.follow_up {
            Some(f) => writeln!(out, "  Next follow-up: {f}")?,
            None if status == ReviewStatus::Resolved => {
                writeln!(out, "  Follow-up ended: resolved")?
            }
            None => writeln!(out, "  No further follow-up date set")?,
        }
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        exchange::write_csv(
            out,
            &Records::Reviews.header(false),
            [exchange::review_row(self.review, None, None, false)],
        )
    }
}

/// What an entry of the weekly list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ItemKind {
    FollowUp,
    Referral,
}

/// Where an entry of the weekly list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum State {
    Overdue,
    Due,
    Pending,
}

/// One line of the weekly list.
#[derive(Debug, Serialize)]
struct Item {
    /// C-<n> for a follow-up, R-<n> for a pending referral.
    id: RecordId,
    kind: ItemKind,
    /// The follow-up date, or the date the referral was made.
    date: NaiveDate,
    state: State,
    family: Text,
    agency: Agency,
    /// The level of need that stands now.
    level: Level,
    /// The consultation's outcome.
    outcome: Outcome,
    /// A referral's destination.
    to: Option<Destination>,
}

/// The weekly list, as printed.
#[derive(Serialize)]
#[serde(transparent)]
struct WeeklyList {
    items: Vec<Item>,
    #[serde(skip)]
    today: NaiveDate,
    #[serde(skip)]
    horizon: NaiveDate,
}

fn list(within: Within, output: Output, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let today = ctx.clock.today();
    let within = u32::from(within.0);
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let horizon = today + chrono::Days::new(u64::from(within));
    let mut pending: HashMap<ConsultationId, Vec<Referral>> = HashMap::new();
    for r in tx.pending_referrals()? {
        pending.entry(r.consultation).or_default().push(r);
    }
    let mut items = Vec::new();
    tx.may_be_due(horizon, &mut |c, reviews| {
        let level = follow_up::current_level(c, reviews);
        let item = |id: RecordId, kind, date, state, to| Item {
            id,
            kind,
            date,
            state,
            family: c.family.clone(),
            agency: c.agency,
            level,
            outcome: c.outcome,
            to,
        };
        if let Some(date) = follow_up::current_follow_up(c, reviews)
            && let Some(due) = follow_up::due(date, today, within)
        {
            let state = match due {
                Due::Overdue => State::Overdue,
                Due::Due => State::Due,
            };
            items.push(item(c.id.any(), ItemKind::FollowUp, date, state, None));
        }
        // A referral's consultation is never voided while the referral stands (see `void`).
        for r in pending.get(&c.id).into_iter().flatten() {
            items.push(item(
                r.id.any(),
                ItemKind::Referral,
                r.date,
                State::Pending,
                Some(r.to),
            ));
        }
        Ok(())
    })?;
    items.sort_by_key(|i| (i.date, i.kind, i.id.number));
    output.print(
        &WeeklyList {
            items,
            today,
            horizon,
        },
        out,
    )
}

impl WeeklyList {
    /// What an entry is, in words: "follow-up due tomorrow", "referral pending 3 days".
    fn what(&self, i: &Item) -> String {
        let today = self.today;
        let days = |n: i64| output::count(n as usize, "day");
        match i.state {
            State::Overdue => format!("follow-up {} overdue", days((today - i.date).num_days())),
            State::Due => match (i.date - today).num_days() {
                0 => "follow-up due today".to_string(),
                1 => "follow-up due tomorrow".to_string(),
                n => format!("follow-up due in {}", days(n)),
            },
            State::Pending => match (today - i.date).num_days() {
                0 => "referral pending since today".to_string(),
                n => format!("referral pending {}", days(n)),
            },
        }
    }

    fn outcome(i: &Item) -> String {
        match i.to {
            Some(to) => format!("to {to} ({})", to.label()),
            None => format!("{} ({})", i.outcome, i.outcome.label()),
        }
    }
}

impl View for WeeklyList {
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let mut table = output::table([
            "Date",
            "ID",
            "What",
            "Family",
            "Agency",
            "Level",
            "Outcome / to",
        ]);
        for i in &self.items {
            table.add_row([
                i.date.to_string(),
                i.id.to_string(),
                self.what(i),
                i.family.to_string(),
                format!("{} {}", i.agency, i.agency.label()),
                i.level.to_string(),
                WeeklyList::outcome(i),
            ]);
        }
        if !self.items.is_empty() {
            writeln!(out, "{table}")?;
        }
        let follow_ups = self
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::FollowUp)
            .count();
        let referrals = self.items.len() - follow_ups;
        writeln!(
            out,
            "{} due by {}, {} pending",
            output::count(follow_ups, "follow-up"),
            self.horizon,
            output::count(referrals, "referral"),
        )?;
        Ok(())
    }

    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header: Vec<String> = [
            "date", "id", "kind", "state", "family", "agency", "level", "outcome", "to",
        ]
        .map(String::from)
        .to_vec();
        let rows = self.items.iter().map(|i| {
            vec![
                i.date.to_string(),
                i.id.to_string(),
                match i.kind {
                    ItemKind::FollowUp => "follow-up",
                    ItemKind::Referral => "referral",
                }
                .to_string(),
                match i.state {
                    State::Overdue => "overdue",
                    State::Due => "due",
                    State::Pending => "pending",
                }
                .to_string(),
                i.family.to_string(),
                i.agency.to_string(),
                i.level.to_string(),
                i.outcome.to_string(),
                i.to.map(|t| t.to_string()).unwrap_or_default(),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
