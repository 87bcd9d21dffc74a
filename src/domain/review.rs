//! A review (domain brief §2, §3.6): a follow-up on a consultation, or the front door's decision
//! on a referral — and whether that decision was challenged (disputed). One record kind, one
//! draft (the flags of `review`, shared with `amend`), and the rules of each of the two: which
//! fields apply, and what each needs.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{CodeList, Destination, ReferralResult, ReviewStatus};
use super::fields::record_table;
use super::ids::{ConsultationId, ReferralId, ReviewId};
use super::invalid::{FieldName, Invalid, Words};
use super::record::{Stamp, Timestamp, Voided, dated_after, follow_up_after};
use super::text::{Note, given};
use super::values::{Confidence, Day, Level, When, YesNo};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: ReviewId,
    pub uuid: uuid::Uuid,
    /// The consultation followed up, for a follow-up.
    pub consultation: Option<ConsultationId>,
    /// The referral decided, for the front door's decision.
    pub referral: Option<ReferralId>,
    pub date: NaiveDate,
    /// Where things stand, for a follow-up.
    pub status: Option<ReviewStatus>,
    pub note: Option<Note>,
    /// A new level of need, if it changed.
    pub level: Option<Level>,
    /// The consultee's confidence now.
    pub confidence: Option<Confidence>,
    /// The next date to check back.
    pub follow_up: Option<NaiveDate>,
    /// What the front door decided, for a referral.
    pub result: Option<ReferralResult>,
    /// For a referral: whether the decision was challenged under the partnership's escalation
    /// protocol. A fact kept apart from its note, so that it is exported without the notes.
    pub disputed: Option<YesNo>,
    /// How and why the decision was challenged.
    pub dispute: Option<Note>,
    pub created_at: Timestamp,
    pub voided: Option<Voided>,
}

/// What a review is of, as the rules need it: the record and its date, and where a referral
/// went (only a front-door referral's decision can be disputed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Of {
    Consultation(ConsultationId, NaiveDate),
    Referral(ReferralId, NaiveDate, Destination),
}

/// A review's fields as given, before the rules are checked. A follow-up takes the status,
/// note, level, confidence and next follow-up; a decision takes the result.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Draft {
    /// Date of the review: YYYY-MM-DD, DD/MM/YYYY, today or yesterday; not before the record
    /// reviewed [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<Day>,

    /// Consultation: where things stand: ongoing, resolved (ends follow-up), escalated,
    /// stepped-down or lost-contact
    #[arg(long, value_name = "CODE")]
    pub status: Option<ReviewStatus>,

    /// Consultation: what was learnt or agreed
    #[arg(long, value_name = "TEXT")]
    pub note: Option<Note>,

    /// Consultation: the level of need now (1–4), if it has changed
    #[arg(long, value_name = "N")]
    pub level: Option<Level>,

    /// Consultation: the consultee's confidence now, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence: Option<Confidence>,

    /// Consultation: when to check back next: a date, or +3d / +2w after the review
    #[arg(long, value_name = "DATE")]
    pub follow_up: Option<When>,

    /// Referral: what the front door decided: nfa, advice, early-help, assessment, s47,
    /// more-info (returned for more information) or other
    #[arg(long, value_name = "CODE")]
    pub result: Option<ReferralResult>,

    /// Referral to csc: the front door's decision was challenged under the partnership's
    /// escalation protocol — by whom, why, and how
    #[arg(long, value_name = "TEXT")]
    pub dispute: Option<Note>,
}

/// The fields of a follow-up on a consultation.
pub const FOLLOW_UP_FIELDS: &[FieldName] =
    &["date", "status", "note", "level", "confidence", "follow_up"];
/// The fields of the front door's decision on a referral.
pub const DECISION_FIELDS: &[FieldName] = &["date", "result", "disputed", "dispute"];

impl Draft {
    /// The fields given, by name.
    pub fn given(&self) -> Vec<FieldName> {
        [
            ("date", self.date.is_some()),
            ("status", self.status.is_some()),
            ("note", self.note.is_some()),
            ("level", self.level.is_some()),
            ("confidence", self.confidence.is_some()),
            ("follow_up", self.follow_up.is_some()),
            ("result", self.result.is_some()),
            ("dispute", self.dispute.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }

    /// Checks the draft and makes the review of `of` it describes.
    pub fn review(
        &self,
        of: Of,
        today: NaiveDate,
        stamp: Stamp<ReviewId>,
    ) -> Result<Review, Invalid> {
        let (what, fields) = match of {
            Of::Consultation(..) => ("a consultation's review", FOLLOW_UP_FIELDS),
            Of::Referral(..) => ("a referral's review", DECISION_FIELDS),
        };
        if let Some(wrong) = self.given().into_iter().find(|f| !fields.contains(f)) {
            return Err(Invalid::rule(
                wrong,
                Words::new()
                    .field(wrong)
                    .text(format!(" does not apply to {what}")),
            ));
        }
        let day = self.date.unwrap_or(Day::Today);
        let mut review = Review {
            id: stamp.id,
            uuid: stamp.uuid,
            consultation: None,
            referral: None,
            date: today,
            status: None,
            note: given(&self.note).cloned(),
            level: self.level,
            confidence: self.confidence,
            follow_up: None,
            result: None,
            disputed: None,
            dispute: None,
            created_at: stamp.created_at,
            voided: None,
        };
        match of {
            Of::Consultation(id, date) => {
                review.consultation = Some(id);
                review.date = dated_after(
                    "date",
                    day,
                    format_args!("the consultation {id}"),
                    date,
                    today,
                )?;
                let status = self.status.ok_or_else(|| Invalid::missing("status"))?;
                review.status = Some(status);
                review.follow_up = self
                    .follow_up
                    .map(|when| follow_up_after("follow_up", when, review.date, today))
                    .transpose()?;
                if status == ReviewStatus::Resolved && review.follow_up.is_some() {
                    return Err(Invalid::rule(
                        "follow_up",
                        Words::new()
                            .field("follow_up")
                            .text(" cannot be given with ")
                            .field("status")
                            .text(" resolved: resolved ends follow-up")
                            .hint_text("leave out ")
                            .hint_field("follow_up")
                            .hint_text(", or choose another ")
                            .hint_field("status")
                            .hint_text(" such as ongoing"),
                    ));
                }
            }
            Of::Referral(id, date, to) => {
                review.referral = Some(id);
                review.date =
                    dated_after("date", day, format_args!("the referral {id}"), date, today)?;
                let result = self.result.ok_or_else(|| Invalid::missing("result"))?;
                if result == ReferralResult::Pending {
                    return Err(Invalid::rule(
                        "result",
                        Words::new()
                            .field("result")
                            .text(" pending is not a decision: a referral is pending until one is recorded")
                            .hint_text(format!("valid results: {}", decided_results())),
                    ));
                }
                review.result = Some(result);
                review.dispute = given(&self.dispute).cloned();
                if review.dispute.is_some() && to != Destination::Csc {
                    return Err(Invalid::rule(
                        "dispute",
                        Words::new().field("dispute").text(format!(
                            " is for a front-door referral (to csc), and {id} went to {to}"
                        )).hint_text(
                            "only a decision of the children's social care front door is disputed \
                             under the escalation protocol",
                        ),
                    ));
                }
                review.disputed = Some(YesNo(review.dispute.is_some()));
            }
        }
        Ok(review)
    }
}

/// The result codes that are decisions (all but `pending`).
pub fn decided_results() -> String {
    ReferralResult::ALL
        .iter()
        .filter(|r| **r != ReferralResult::Pending)
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Review {
    /// The review as a draft, for amending. A dispute recorded without its note (imported from
    /// a file exported without notes) is not in the draft: what corrects the review keeps it.
    pub fn draft(&self) -> Draft {
        Draft {
            date: Some(Day::Date(self.date)),
            status: self.status,
            note: self.note.clone(),
            level: self.level,
            confidence: self.confidence,
            follow_up: self.follow_up.map(|d| When::On(Day::Date(d))),
            result: self.result,
            dispute: self.dispute.clone(),
        }
    }

    /// The stamp it was saved with.
    pub fn stamp(&self) -> Stamp<ReviewId> {
        Stamp {
            id: self.id,
            uuid: self.uuid,
            created_at: self.created_at.clone(),
        }
    }

    /// The fields of a review of its kind.
    pub fn fields(&self) -> &'static [FieldName] {
        if self.referral.is_some() {
            DECISION_FIELDS
        } else {
            FOLLOW_UP_FIELDS
        }
    }
}

record_table! {
    /// A review's fields, in the order of the export's columns. A review fills the consultation
    /// columns or the referral columns, and the fields of its kind.
    pub static FIELDS: Review, Draft = [
        id: "ID", Stamp;
        uuid: "UUID", Stamp;
        consultation: "Consultation", Link;
        referral: "Referral", Link;
        date: "Date", Required;
        status: "Status", Optional;
        note: "Note", Narrative;
        level: "Level now", Optional;
        confidence: "Confidence now", Optional;
        follow_up: "Next follow-up", Optional;
        result: "Result", Optional;
        disputed: "Disputed", Derived;
        dispute: "Dispute", Narrative;
        created_at: "Recorded", Stamp;
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn follow_up(draft: &Draft) -> Result<Review, Invalid> {
        let of = Of::Consultation(ConsultationId(3), d("2026-03-01"));
        draft.review(
            of,
            d("2026-03-15"),
            Stamp::new(ReviewId(1), "2026-03-15T10:00:00Z"),
        )
    }

    /// A surface that names a field <like_this>.
    fn flag(name: FieldName) -> String {
        format!("<{name}>")
    }

    #[test]
    fn a_follow_up_needs_a_status_and_counts_offsets_from_its_own_date() {
        assert_eq!(
            follow_up(&Draft::default()).unwrap_err(),
            Invalid::missing("status")
        );
        let v = follow_up(&Draft {
            date: Some("2026-03-10".parse().unwrap()),
            status: Some("Ongoing".parse().unwrap()),
            follow_up: Some("+1w".parse().unwrap()),
            level: Level::new(3),
            ..Draft::default()
        })
        .unwrap();
        assert_eq!(v.status, Some(ReviewStatus::Ongoing));
        assert_eq!(v.follow_up, Some(d("2026-03-17")));
        let of = Of::Consultation(ConsultationId(3), d("2026-03-01"));
        assert_eq!(v.draft().review(of, d("2026-03-15"), v.stamp()).unwrap(), v);
        assert_eq!(v.disputed, None);
    }

    #[test]
    fn resolved_ends_follow_up() {
        let err = follow_up(&Draft {
            status: Some(ReviewStatus::Resolved),
            follow_up: Some("+1w".parse().unwrap()),
            ..Draft::default()
        })
        .unwrap_err();
        assert_eq!(
            err.words(&flag).0,
            "<follow_up> cannot be given with <status> resolved: resolved ends follow-up"
        );
    }

    #[test]
    fn fields_of_the_other_kind_do_not_apply() {
        let err = follow_up(&Draft {
            status: Some(ReviewStatus::Ongoing),
            result: Some(ReferralResult::Nfa),
            ..Draft::default()
        })
        .unwrap_err();
        assert_eq!(
            err.words(&flag).0,
            "<result> does not apply to a consultation's review"
        );
    }

    #[test]
    fn a_result_is_a_decision() {
        let result = |r: &str| {
            Draft {
                result: Some(r.parse().unwrap()),
                ..Draft::default()
            }
            .review(
                Of::Referral(ReferralId(1), d("2026-03-01"), Destination::Csc),
                d("2026-03-15"),
                Stamp::new(ReviewId(1), "2026-03-15T10:00:00Z"),
            )
        };
        assert_eq!(result("S47").unwrap().result, Some(ReferralResult::S47));
        assert_eq!(
            result("more-info").unwrap().result,
            Some(ReferralResult::MoreInfo)
        );
        assert_eq!(result("nfa").unwrap().disputed, Some(YesNo(false)));
        assert!(result("pending").is_err());
        assert!("maybe".parse::<ReferralResult>().is_err());
    }

    #[test]
    fn only_a_front_door_decision_is_disputed() {
        let decide = |to| {
            Draft {
                result: Some(ReferralResult::Nfa),
                dispute: Some(
                    "DSL escalated: the disclosure was not weighed"
                        .parse()
                        .unwrap(),
                ),
                ..Draft::default()
            }
            .review(
                Of::Referral(ReferralId(2), d("2026-03-01"), to),
                d("2026-03-15"),
                Stamp::new(ReviewId(1), "2026-03-15T10:00:00Z"),
            )
        };
        let v = decide(Destination::Csc).unwrap();
        assert_eq!(v.disputed, Some(YesNo(true)));
        let of = Of::Referral(ReferralId(2), d("2026-03-01"), Destination::Csc);
        assert_eq!(v.draft().review(of, d("2026-03-15"), v.stamp()).unwrap(), v);
        let err = decide(Destination::Health).unwrap_err();
        assert_eq!(
            err.words(&flag).0,
            "<dispute> is for a front-door referral (to csc), and R-2 went to health"
        );
        let err = follow_up(&Draft {
            status: Some(ReviewStatus::Ongoing),
            dispute: Some("x".parse().unwrap()),
            ..Draft::default()
        })
        .unwrap_err();
        assert_eq!(err.field, "dispute");
    }
}
