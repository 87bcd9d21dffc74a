//! Following up consultations (domain brief §5): the follow-ups a consultation and its reviews
//! set, which review answers each, what level of need now stands, and whether a date is due
//! for the weekly list. `follow_ups` is the one definition of a follow-up: the weekly list shows
//! the unanswered ones, and the report's figures count the same.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::codes::{ReferralResult, ReviewStatus};
use super::consultation::Consultation;
use super::ids::{RecordId, ReviewId};
use super::referral::Referral;
use super::review::Review;
use super::values::Level;

/// The latest review of a consultation that is not voided: the latest date, then the highest ID.
pub fn latest_review(reviews: &[Review]) -> Option<&Review> {
    reviews
        .iter()
        .filter(|v| v.voided.is_none())
        .max_by_key(|v| (v.date, v.id))
}

/// A date to check back with the consultee, set by a consultation (its `follow_up`) or by a
/// review of it (its next follow-up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    /// The consultation or review that set it.
    pub set_by: RecordId,
    /// The date of the record that set it.
    pub set_on: NaiveDate,
    /// When to check back.
    pub due: NaiveDate,
    /// The review that answered it, if any.
    pub answered: Option<Answer>,
}

/// The review that answered a follow-up, and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub review: ReviewId,
    pub date: NaiveDate,
}

/// Where a follow-up stands on a day, as the figures count follow-ups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// Answered on or before its date.
    OnTime,
    /// Answered after its date.
    Late,
    /// Not answered, and its date has passed.
    Overdue,
    /// Not answered, and its date is that day or later.
    Upcoming,
}

impl FollowUp {
    /// Where it stands as at `as_at`.
    pub fn standing(&self, as_at: NaiveDate) -> Standing {
        match self.answered {
            Some(a) if a.date <= self.due => Standing::OnTime,
            Some(_) => Standing::Late,
            None if self.due < as_at => Standing::Overdue,
            None => Standing::Upcoming,
        }
    }
}

/// The follow-ups of a consultation, given its reviews (domain brief §5). Voided records
/// neither set nor answer anything, and a voided consultation has none. A follow-up is set on
/// the date of the record that set it, and answered by the earliest review of the consultation
/// (by date, then ID) dated after that date or on it: for a follow-up set by a review, a review
/// on the same date answers it only when its ID is higher; for the consultation's own, any
/// review on that date does. A `resolved` review sets none. In the order they were set: the
/// consultation's own, then the reviews' by date, then ID.
pub fn follow_ups(consultation: &Consultation, reviews: &[Review]) -> Vec<FollowUp> {
    if consultation.voided.is_some() {
        return Vec::new();
    }
    let mut standing: Vec<&Review> = reviews
        .iter()
        .filter(|v| v.voided.is_none() && v.consultation == Some(consultation.id))
        .collect();
    standing.sort_by_key(|v| (v.date, v.id));
    // The earliest review (by date, then ID) that answers.
    let first = |answers: &dyn Fn(&Review) -> bool| {
        standing.iter().find(|v| answers(v)).map(|v| Answer {
            review: v.id,
            date: v.date,
        })
    };
    let own = consultation.follow_up.map(|due| FollowUp {
        set_by: consultation.id.any(),
        set_on: consultation.date,
        due,
        answered: first(&|v| v.date >= consultation.date),
    });
    let set_by_reviews = standing.iter().filter_map(|set| {
        let due = set
            .follow_up
            .filter(|_| set.status != Some(ReviewStatus::Resolved))?;
        Some(FollowUp {
            set_by: set.id.any(),
            set_on: set.date,
            due,
            answered: first(&|v| v.date > set.date || (v.date == set.date && v.id > set.id)),
        })
    });
    own.into_iter().chain(set_by_reviews).collect()
}

/// The first day a consultation belongs on the weekly list, whatever the day looked from: the
/// date of its follow-up that no review has answered, or of a referral from it whose result is
/// still pending, whichever is earlier; none when it has neither, or was voided. The logbook
/// keeps it beside each consultation (and keeps it up to date as records are added, corrected
/// and voided), so that the list is read from an index rather than worked out from every
/// consultation's reviews.
pub fn due_from(
    consultation: &Consultation,
    reviews: &[Review],
    referrals: &[Referral],
) -> Option<NaiveDate> {
    if consultation.voided.is_some() {
        return None;
    }
    let unanswered = follow_ups(consultation, reviews)
        .into_iter()
        .filter(|f| f.answered.is_none())
        .map(|f| f.due);
    let pending = referrals
        .iter()
        .filter(|r| r.voided.is_none() && r.result == ReferralResult::Pending)
        .map(|r| r.date);
    unanswered.chain(pending).min()
}

/// The level of need that stands now: the level set by the latest review that set one
/// (voided reviews ignored), otherwise the consultation's own level.
pub fn current_level(consultation: &Consultation, reviews: &[Review]) -> Level {
    reviews
        .iter()
        .filter(|v| v.voided.is_none() && v.level.is_some())
        .max_by_key(|v| (v.date, v.id))
        .and_then(|v| v.level)
        .unwrap_or(consultation.level)
}

/// Where a follow-up date stands on the weekly list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Due {
    /// The date has passed.
    Overdue,
    /// Today, or within the days looked ahead.
    Due,
}

/// Whether a follow-up date belongs on the list that looks `within` days ahead of `today`.
pub fn due(date: NaiveDate, today: NaiveDate, within: u32) -> Option<Due> {
    let horizon = today
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(NaiveDate::MAX);
    if date < today {
        Some(Due::Overdue)
    } else if date <= horizon {
        Some(Due::Due)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checklist::Checklist;
    use crate::domain::consultation::{Draft, Rules};
    use crate::domain::ids::{ConsultationId, ReviewId};
    use crate::domain::record::{Stamp, Voided};
    use crate::domain::review::{self, Of};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const NOW: &str = "2026-03-15T10:00:00Z";

    fn consultation(follow_up: Option<&str>) -> Consultation {
        let checklist = Checklist::bundled();
        Draft {
            date: Some("2026-03-01".parse().unwrap()),
            advisor: Some("Sam".parse().unwrap()),
            setting: Some("S".parse().unwrap()),
            agency: Some("2A".parse().unwrap()),
            family: Some("F-1".parse().unwrap()),
            outcome: Some("advice".parse().unwrap()),
            level: Level::new(2),
            follow_up: follow_up.map(|f| f.parse().unwrap()),
            ..Draft::default()
        }
        .consultation(
            Rules {
                checklist: &checklist,
                today: d("2026-03-15"),
                family: &crate::domain::family::FamilyRule::default(),
            },
            Stamp::new(ConsultationId(1), NOW),
        )
        .unwrap()
    }

    fn review(id: i64, date: &str, status: &str, follow_up: Option<&str>) -> Review {
        review::Draft {
            date: Some(date.parse().unwrap()),
            status: Some(status.parse().unwrap()),
            follow_up: follow_up.map(|f| f.parse().unwrap()),
            ..review::Draft::default()
        }
        .review(
            Of::Consultation(ConsultationId(1), d("2026-03-01")),
            d("2026-03-15"),
            Stamp::new(ReviewId(id), NOW),
        )
        .unwrap()
    }

    fn voided<T>(mut record: T, set: impl FnOnce(&mut T, Option<Voided>)) -> T {
        set(
            &mut record,
            Some(Voided {
                at: NOW.parse().unwrap(),
                reason: "error".parse().unwrap(),
            }),
        );
        record
    }

    /// Each follow-up as (set by, due, answered by).
    fn listed(c: &Consultation, reviews: &[Review]) -> Vec<(String, String, Option<String>)> {
        follow_ups(c, reviews)
            .into_iter()
            .map(|f| {
                (
                    f.set_by.to_string(),
                    f.due.to_string(),
                    f.answered.map(|a| a.review.any().to_string()),
                )
            })
            .collect()
    }

    fn row(set_by: &str, due: &str, answered: Option<&str>) -> (String, String, Option<String>) {
        (set_by.into(), due.into(), answered.map(String::from))
    }

    #[test]
    fn a_consultations_own_follow_up_is_answered_by_any_review() {
        let c = consultation(Some("2026-03-10"));
        assert_eq!(listed(&c, &[]), [row("C-1", "2026-03-10", None)]);
        assert!(listed(&consultation(None), &[]).is_empty());
        // A review on the consultation's own date answers it.
        let same_day = review(4, "2026-03-01", "ongoing", None);
        assert_eq!(
            listed(&c, std::slice::from_ref(&same_day)),
            [row("C-1", "2026-03-10", Some("V-4"))]
        );
        // The earliest review by date, then ID, answers it, whatever order they were typed in.
        let later = review(2, "2026-03-12", "ongoing", None);
        let earlier = review(3, "2026-03-08", "escalated", None);
        assert_eq!(
            listed(&c, &[later, earlier]),
            [row("C-1", "2026-03-10", Some("V-3"))]
        );
    }

    #[test]
    fn a_consultation_is_due_from_its_unanswered_follow_up_or_pending_referral() {
        let c = consultation(Some("2026-03-10"));
        assert_eq!(due_from(&c, &[], &[]), Some(d("2026-03-10")));
        assert_eq!(due_from(&consultation(None), &[], &[]), None);
        // Answered by a review that sets the next one.
        let next = review(1, "2026-03-09", "ongoing", Some("2026-03-20"));
        assert_eq!(
            due_from(&c, std::slice::from_ref(&next), &[]),
            Some(d("2026-03-20"))
        );
        // A pending referral from it: due from the day it was made, if that is earlier.
        let mut referral = crate::store::conformance::referral(&c, "csc", "2026-03-02");
        assert_eq!(
            due_from(
                &c,
                std::slice::from_ref(&next),
                std::slice::from_ref(&referral)
            ),
            Some(d("2026-03-02"))
        );
        referral.result = ReferralResult::Nfa;
        assert_eq!(
            due_from(
                &c,
                std::slice::from_ref(&next),
                std::slice::from_ref(&referral)
            ),
            Some(d("2026-03-20"))
        );
        // Resolved and nothing pending: off the list; voided: never on it.
        let resolved = review(2, "2026-03-14", "resolved", None);
        assert_eq!(due_from(&c, &[next, resolved], &[referral]), None);
        let mut voided = consultation(Some("2026-03-10"));
        voided.voided = Some(Voided {
            at: NOW.parse().unwrap(),
            reason: "entered twice".parse().unwrap(),
        });
        assert_eq!(due_from(&voided, &[], &[]), None);
    }

    #[test]
    fn a_review_sets_the_next_follow_up_and_a_later_review_answers_it() {
        let c = consultation(Some("2026-03-05"));
        let first = review(1, "2026-03-05", "ongoing", Some("2026-03-12"));
        let second = review(2, "2026-03-12", "ongoing", Some("2026-03-26"));
        assert_eq!(
            listed(&c, &[second.clone(), first.clone()]),
            [
                row("C-1", "2026-03-05", Some("V-1")),
                row("V-1", "2026-03-12", Some("V-2")),
                row("V-2", "2026-03-26", None),
            ]
        );
        // A review that sets no follow-up, or resolves the matter, leaves none unanswered.
        let quiet = review(3, "2026-03-13", "escalated", None);
        let unanswered = |reviews: &[Review]| {
            follow_ups(&c, reviews)
                .into_iter()
                .filter(|f| f.answered.is_none())
                .count()
        };
        assert_eq!(unanswered(&[first.clone(), second.clone(), quiet]), 0);
        let resolved = review(5, "2026-03-14", "resolved", None);
        assert_eq!(unanswered(&[first, second, resolved]), 0);
    }

    #[test]
    fn on_the_same_day_only_a_review_with_a_higher_id_answers_a_review() {
        let c = consultation(None);
        let set = review(5, "2026-03-05", "ongoing", Some("2026-03-12"));
        // Typed before it, on the same date: it does not answer.
        let lower = review(4, "2026-03-05", "ongoing", None);
        assert_eq!(
            listed(&c, &[set.clone(), lower.clone()]),
            [row("V-5", "2026-03-12", None)]
        );
        // Typed after it, on the same date: it answers, though dated before the follow-up.
        let higher = review(6, "2026-03-05", "ongoing", None);
        assert_eq!(
            listed(&c, &[set.clone(), lower, higher]),
            [row("V-5", "2026-03-12", Some("V-6"))]
        );
        // Dated earlier but typed later: it neither answers nor is answered by the later date.
        let backdated = review(7, "2026-03-03", "ongoing", Some("2026-03-04"));
        assert_eq!(
            listed(&c, &[set, backdated]),
            [
                row("V-7", "2026-03-04", Some("V-5")),
                row("V-5", "2026-03-12", None),
            ]
        );
    }

    #[test]
    fn voided_records_neither_set_nor_answer() {
        let c = consultation(Some("2026-03-05"));
        let set = review(1, "2026-03-05", "ongoing", Some("2026-03-12"));
        let answer = review(2, "2026-03-12", "ongoing", None);
        let gone_answer = voided(answer.clone(), |v, x| v.voided = x);
        assert_eq!(
            listed(&c, &[set.clone(), gone_answer]),
            [
                row("C-1", "2026-03-05", Some("V-1")),
                row("V-1", "2026-03-12", None),
            ]
        );
        let gone_set = voided(set, |v, x| v.voided = x);
        assert_eq!(
            listed(&c, &[gone_set, answer]),
            [row("C-1", "2026-03-05", Some("V-2"))]
        );
        let c = voided(consultation(Some("2026-03-05")), |c, x| c.voided = x);
        assert!(listed(&c, &[]).is_empty());
    }

    #[test]
    fn a_follow_up_stands_on_time_late_overdue_or_upcoming() {
        let at = |due: &str, answered: Option<&str>| {
            FollowUp {
                set_by: ConsultationId(1).any(),
                set_on: d("2026-03-01"),
                due: d(due),
                answered: answered.map(|a| Answer {
                    review: ReviewId(1),
                    date: d(a),
                }),
            }
            .standing(d("2026-03-15"))
        };
        assert_eq!(at("2026-03-10", Some("2026-03-10")), Standing::OnTime);
        assert_eq!(at("2026-03-10", Some("2026-03-11")), Standing::Late);
        assert_eq!(at("2026-03-14", None), Standing::Overdue);
        assert_eq!(at("2026-03-15", None), Standing::Upcoming);
    }

    #[test]
    fn the_current_level_follows_reviews_that_set_one() {
        let c = consultation(None);
        let mut up = review(1, "2026-03-05", "escalated", None);
        up.level = Level::new(3);
        let later = review(2, "2026-03-06", "ongoing", None);
        assert_eq!(
            current_level(&c, &[up.clone(), later]),
            Level::new(3).unwrap()
        );
        let gone = voided(up, |v, x| v.voided = x);
        assert_eq!(current_level(&c, &[gone]), Level::new(2).unwrap());
    }

    #[test]
    fn due_looks_ahead_from_today() {
        let today = d("2026-03-15");
        assert_eq!(due(d("2026-03-14"), today, 7), Some(Due::Overdue));
        assert_eq!(due(d("2026-03-15"), today, 7), Some(Due::Due));
        assert_eq!(due(d("2026-03-22"), today, 7), Some(Due::Due));
        assert_eq!(due(d("2026-03-23"), today, 7), None);
        assert_eq!(due(d("2026-03-16"), today, 0), None);
    }
}
