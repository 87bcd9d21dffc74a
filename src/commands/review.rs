//! `caselog review`: with no ID, the weekly list (`weekly`) — one entry per family, most urgent
//! first, with the follow-ups not yet answered that fall due and the referrals still pending; with `C-<n>`,
//! records a follow-up on a consultation; with `R-<n>`, records what the front door decided
//! about a referral, and whether that decision was disputed.

use std::io::Write;

use serde::Serialize;

use crate::cli::Flags;
use crate::context::Context;
use crate::domain::codes::{CodeList, ReviewStatus};
use crate::domain::ids::{ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::{Invalid, Words};
use crate::domain::record::Stamp;
use crate::domain::referral::Referral;
use crate::domain::review::{Draft, Of, Review};
use crate::domain::text::Text;
use crate::domain::values::Level;
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::output::{Output, View};
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
pub struct Within(pub u16);

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
        return super::weekly::list(
            args.within.unwrap_or(WITHIN_DEFAULT).0,
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
