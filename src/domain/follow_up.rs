//! Following up consultations: which check-back date is current once reviews have been
//! recorded, what level of need now stands, and whether a date is due for the weekly list.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::codes::ReviewStatus;
use super::consultation::Consultation;
use super::review::Review;
use super::values::Level;

/// The latest review of a consultation that is not voided: the latest date, then the highest ID.
pub fn latest_review(reviews: &[Review]) -> Option<&Review> {
    reviews
        .iter()
        .filter(|v| v.voided.is_none())
        .max_by_key(|v| (v.date, v.id))
}

/// The current follow-up date of a consultation, given its reviews (voided ones are ignored):
/// the follow-up set by the latest review if there is one — none when that review set no
/// follow-up or resolved the matter — otherwise the consultation's own follow-up. A voided
/// consultation has none.
pub fn current_follow_up(consultation: &Consultation, reviews: &[Review]) -> Option<NaiveDate> {
    if consultation.voided.is_some() {
        return None;
    }
    match latest_review(reviews) {
        Some(v) if v.status == Some(ReviewStatus::Resolved) => None,
        Some(v) => v.follow_up,
        None => consultation.follow_up,
    }
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

    #[test]
    fn without_reviews_the_consultations_own_follow_up_stands() {
        let c = consultation(Some("2026-03-10"));
        assert_eq!(current_follow_up(&c, &[]), Some(d("2026-03-10")));
        assert_eq!(current_follow_up(&consultation(None), &[]), None);
    }

    #[test]
    fn the_latest_review_sets_the_follow_up() {
        let c = consultation(Some("2026-03-05"));
        let early = review(1, "2026-03-05", "ongoing", Some("2026-03-12"));
        let late = review(2, "2026-03-12", "ongoing", Some("2026-03-26"));
        assert_eq!(
            current_follow_up(&c, &[late.clone(), early.clone()]),
            Some(d("2026-03-26"))
        );
        // A latest review without a new follow-up leaves none.
        let quiet = review(3, "2026-03-13", "escalated", None);
        assert_eq!(current_follow_up(&c, &[early.clone(), quiet]), None);
        // Same date: the higher ID is the later.
        let same_day = review(4, "2026-03-05", "ongoing", Some("2026-03-20"));
        assert_eq!(
            current_follow_up(&c, &[same_day, early]),
            Some(d("2026-03-20"))
        );
    }

    #[test]
    fn resolved_ends_follow_up_and_voided_reviews_are_absent() {
        let c = consultation(Some("2026-03-05"));
        let resolved = review(1, "2026-03-05", "resolved", None);
        assert_eq!(current_follow_up(&c, std::slice::from_ref(&resolved)), None);
        let gone = voided(resolved, |v, x| v.voided = x);
        assert_eq!(current_follow_up(&c, &[gone]), Some(d("2026-03-05")));
        let c = voided(consultation(Some("2026-03-05")), |c, x| c.voided = x);
        assert_eq!(current_follow_up(&c, &[]), None);
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
