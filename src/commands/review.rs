//! `caselog review`: with no ID, the weekly list — one entry per family, most urgent first, with
//! the follow-ups not yet answered that fall due and the referrals still pending; with `C-<n>`,
//! records a follow-up on a consultation; with `R-<n>`, records what the front door decided
//! about a referral, and whether that decision was disputed.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::codes::{Agency, CodeList, Destination, Outcome, ReviewStatus};
use crate::domain::family::FamilyKey;
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
/// `caselog review` lists, family by family, the follow-ups not yet answered whose date has
/// passed or falls within --within days, and the referrals still pending: families with level 4
/// or an urgent outcome first, then the longest overdue. `caselog review C-<n> --status CODE`
/// records a follow-up on a consultation; `caselog review R-<n> --result CODE` records what the
/// front door decided about a referral (--dispute TEXT when it was challenged).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The record reviewed: C-<n> (consultation) or R-<n> (referral); leave out for the list
    #[arg(value_name = "ID")]
    pub id: Option<RecordId>,

    /// List: how many days ahead to look for follow-ups falling due (0–366) [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub within: Option<Within>,

    /// List: only the follow-ups and referrals of this advisor's consultations (your own), in
    /// any case
    #[arg(long, value_name = "NAME")]
    pub advisor: Option<Text>,

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
        if args.advisor.as_ref().is_some_and(Text::is_empty) {
            return Err(Error::input("--advisor is empty")
                .hint("give the advisor's name, or leave out --advisor for everyone's list"));
        }
        return list(
            args.within.unwrap_or(WITHIN_DEFAULT),
            args.advisor.as_ref(),
            args.output,
            ctx,
            out,
        );
    };
    for (list_only, given) in [
        ("within", args.within.is_some()),
        ("advisor", args.advisor.is_some()),
    ] {
        if given {
            return Err(flags.refuse(&Invalid::rule(
                list_only,
                Words::new().field(list_only).text(format!(
                    " does not apply to a review of {id}: it is for the list"
                )),
            )));
        }
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
            (Of::Referral(r.id, r.date, r.to), (c.family, None))
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
        Of::Consultation(_, d) | Of::Referral(_, d, _) => d,
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
            if let Some(dispute) = &v.dispute {
                writeln!(out, "  Disputed: {dispute}")?;
            }
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

/// What an item of the weekly list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ItemKind {
    FollowUp,
    Referral,
}

/// Where an item of the weekly list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum State {
    Overdue,
    Due,
    Pending,
}

impl State {
    fn code(self) -> &'static str {
        match self {
            State::Overdue => "overdue",
            State::Due => "due",
            State::Pending => "pending",
        }
    }
}

/// A follow-up not yet answered, or a referral still pending.
#[derive(Debug, Serialize)]
struct Item {
    /// C-<n> for a follow-up (its consultation), R-<n> for a pending referral.
    id: RecordId,
    kind: ItemKind,
    /// The follow-up date, or the date the referral was made.
    date: NaiveDate,
    state: State,
    /// For a follow-up: the consultation or review that set it.
    set_by: Option<RecordId>,
    agency: Agency,
    advisor: Text,
    /// The level of need that stands now.
    level: Level,
    /// The consultation's outcome.
    outcome: Outcome,
    /// A referral's destination.
    to: Option<Destination>,
}

/// Why a family comes first on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Priority {
    /// A consultation whose level of need now is 4.
    #[serde(rename = "level-4")]
    Level4,
    /// A consultation whose outcome is `urgent`.
    Urgent,
}

impl Priority {
    fn words(self) -> &'static str {
        match self {
            Priority::Level4 => "level 4",
            Priority::Urgent => "urgent",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Priority::Level4 => "level-4",
            Priority::Urgent => "urgent",
        }
    }
}

/// One family's entry on the weekly list.
#[derive(Debug, Serialize)]
struct FamilyDue {
    /// The family's spelling: that of its first consultation.
    family: Text,
    key: FamilyKey,
    /// Why it comes first, if it does.
    priority: Vec<Priority>,
    /// Its follow-ups and pending referrals, oldest first.
    items: Vec<Item>,
}

impl FamilyDue {
    /// The order of the list: families with a priority first, then those with an overdue
    /// follow-up, the longest overdue first, then by their oldest item, then by key.
    fn rank(&self) -> (bool, bool, Option<NaiveDate>, NaiveDate, &FamilyKey) {
        let overdue = self
            .items
            .iter()
            .filter(|i| i.state == State::Overdue)
            .map(|i| i.date)
            .min();
        let oldest = self
            .items
            .iter()
            .map(|i| i.date)
            .min()
            .unwrap_or(NaiveDate::MAX);
        (
            self.priority.is_empty(),
            overdue.is_none(),
            overdue,
            oldest,
            &self.key,
        )
    }
}

/// The weekly list, as printed.
#[derive(Serialize)]
#[serde(transparent)]
struct WeeklyList {
    families: Vec<FamilyDue>,
    #[serde(skip)]
    today: NaiveDate,
    #[serde(skip)]
    horizon: NaiveDate,
}

fn list(
    within: Within,
    advisor: Option<&Text>,
    output: Output,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<()> {
    let today = ctx.clock.today();
    let within = u32::from(within.0);
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let horizon = today + chrono::Days::new(u64::from(within));
    let mut pending: HashMap<ConsultationId, Vec<Referral>> = HashMap::new();
    for r in tx.pending_referrals(advisor)? {
        pending.entry(r.consultation).or_default().push(r);
    }
    let mut families: HashMap<FamilyKey, FamilyDue> = HashMap::new();
    tx.may_be_due(horizon, advisor, &mut |c, reviews| {
        let level = follow_up::current_level(c, reviews);
        let item = |id: RecordId, kind, date, state, set_by, to| Item {
            id,
            kind,
            date,
            state,
            set_by,
            agency: c.agency,
            advisor: c.advisor.clone(),
            level,
            outcome: c.outcome,
            to,
        };
        let mut items = Vec::new();
        // The follow-ups not answered (domain brief §5) that fall due by the horizon.
        for f in follow_up::follow_ups(c, reviews) {
            if f.answered.is_some() {
                continue;
            }
            if let Some(due) = follow_up::due(f.due, today, within) {
                let state = match due {
                    Due::Overdue => State::Overdue,
                    Due::Due => State::Due,
                };
                let id = c.id.any();
                items.push(item(
                    id,
                    ItemKind::FollowUp,
                    f.due,
                    state,
                    Some(f.set_by),
                    None,
                ));
            }
        }
        // A referral's consultation is never voided while the referral stands (see `void`).
        for r in pending.get(&c.id).into_iter().flatten() {
            items.push(item(
                r.id.any(),
                ItemKind::Referral,
                r.date,
                State::Pending,
                None,
                Some(r.to),
            ));
        }
        if items.is_empty() {
            return Ok(());
        }
        let entry = families.entry(c.family_key()).or_insert_with(|| FamilyDue {
            family: c.family.clone(),
            key: c.family_key(),
            priority: Vec::new(),
            items: Vec::new(),
        });
        if level.get() == 4 {
            entry.priority.push(Priority::Level4);
        }
        if c.outcome == Outcome::Urgent {
            entry.priority.push(Priority::Urgent);
        }
        entry.items.extend(items);
        Ok(())
    })?;
    let mut families: Vec<FamilyDue> = families.into_values().collect();
    for f in &mut families {
        f.priority.sort();
        f.priority.dedup();
        f.items.sort_by_key(|i| (i.date, i.kind, i.id.number));
        if let Some(spelling) = tx.family_spelling(&f.key, None)? {
            f.family = spelling;
        }
    }
    families.sort_by(|a, b| a.rank().cmp(&b.rank()));
    output.print(
        &WeeklyList {
            families,
            today,
            horizon,
        },
        out,
    )
}

impl WeeklyList {
    /// What an item is, in words: "follow-up due tomorrow", "referral pending 3 days".
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

    fn items(&self) -> impl Iterator<Item = &Item> {
        self.families.iter().flat_map(|f| &f.items)
    }
}

impl View for WeeklyList {
    /// One row per family; each of its items on a line of its own in every column.
    fn table(&self, out: &mut dyn Write) -> Result<()> {
        let mut table = output::table([
            "Family",
            "Priority",
            "Date",
            "ID",
            "What",
            "Agency",
            "Level",
            "Outcome / to",
        ]);
        for f in &self.families {
            let lines = |cell: &dyn Fn(&Item) -> String| {
                f.items.iter().map(cell).collect::<Vec<_>>().join("\n")
            };
            let priority: Vec<&str> = f.priority.iter().map(|p| p.words()).collect();
            table.add_row([
                f.family.to_string(),
                priority.join(", "),
                lines(&|i| i.date.to_string()),
                lines(&|i| i.id.to_string()),
                lines(&|i| self.what(i)),
                lines(&|i| format!("{} {}", i.agency, i.agency.label())),
                lines(&|i| i.level.to_string()),
                lines(&WeeklyList::outcome),
            ]);
        }
        if !self.families.is_empty() {
            writeln!(out, "{table}")?;
        }
        let follow_ups = self
            .items()
            .filter(|i| i.kind == ItemKind::FollowUp)
            .count();
        let referrals = self.items().count() - follow_ups;
        writeln!(
            out,
            "{}: {} due by {}, {} pending",
            match self.families.len() {
                1 => "1 family".to_string(),
                n => format!("{n} families"),
            },
            output::count(follow_ups, "follow-up"),
            self.horizon,
            output::count(referrals, "referral"),
        )?;
        Ok(())
    }

    /// One row per family: its follow-ups as `C-<n>:<date>:<state>` and its referrals as
    /// `R-<n>:<to>:<date>`, each list joined with `;`.
    fn csv(&self, out: &mut dyn Write) -> Result<()> {
        let header: Vec<String> = ["family", "priority", "follow_ups", "referrals"]
            .map(String::from)
            .to_vec();
        let rows = self.families.iter().map(|f| {
            let joined = |kind: ItemKind, cell: &dyn Fn(&Item) -> String| {
                f.items
                    .iter()
                    .filter(|i| i.kind == kind)
                    .map(cell)
                    .collect::<Vec<_>>()
                    .join(";")
            };
            vec![
                f.family.to_string(),
                f.priority
                    .iter()
                    .map(|p| p.code())
                    .collect::<Vec<_>>()
                    .join(";"),
                joined(ItemKind::FollowUp, &|i| {
                    format!("{}:{}:{}", i.id, i.date, i.state.code())
                }),
                joined(ItemKind::Referral, &|i| {
                    let to = i.to.map(|t| t.to_string()).unwrap_or_default();
                    format!("{}:{to}:{}", i.id, i.date)
                }),
            ]
        });
        exchange::write_csv(out, &header, rows)
    }
}
