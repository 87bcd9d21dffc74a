//! A family's chronology: every consultation, referral and review about the family as one list
//! in date order, so that repeat contacts and rising levels of need can be seen together.

use chrono::NaiveDate;
use serde::Serialize;

use super::consultation::{Consultation, Voided};
use super::ids::{RecordId, RecordKind};
use super::referral::Referral;
use super::review::Review;

/// One record in a family's chronology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// C-<n>, R-<n> or V-<n>.
    #[serde(serialize_with = "serialize_id")]
    pub id: RecordId,
    /// `consultation`, `referral` or `review`.
    pub record: &'static str,
    pub date: NaiveDate,
    /// What the record is about: the consultation a referral was made from, or the consultation
    /// or referral a review follows up.
    pub about: Option<String>,
    /// The consultee's agency code, for a consultation.
    pub agency: Option<String>,
    /// The advisor's level of need, or a new level set at a review.
    pub level: Option<u8>,
    /// The consultation's outcome code.
    pub outcome: Option<String>,
    /// A referral's destination code.
    pub to: Option<String>,
    /// A referral's result (as it stands now), or the result recorded at a review.
    pub result: Option<String>,
    /// A review's status code.
    pub status: Option<String>,
    /// The check-back date set by a consultation or a review.
    pub follow_up: Option<NaiveDate>,
    pub voided: Option<Voided>,
}

fn serialize_id<S: serde::Serializer>(id: &RecordId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

impl Entry {
    pub fn consultation(c: &Consultation) -> Entry {
        Entry {
            id: RecordId::new(RecordKind::Consultation, c.id),
            record: "consultation",
            date: c.date,
            about: None,
            agency: Some(c.agency.clone()),
            level: Some(c.level),
            outcome: Some(c.outcome.clone()),
            to: None,
            result: None,
            status: None,
            follow_up: c.follow_up,
            voided: c.voided.clone(),
        }
    }

    pub fn referral(r: &Referral) -> Entry {
        Entry {
            id: RecordId::new(RecordKind::Referral, r.id),
            record: "referral",
            date: r.date,
            about: Some(RecordId::new(RecordKind::Consultation, r.consultation).to_string()),
            agency: None,
            level: None,
            outcome: None,
            to: Some(r.to.clone()),
            result: Some(r.result.clone()),
            status: None,
            follow_up: None,
            voided: r.voided.clone(),
        }
    }

    pub fn review(v: &Review) -> Entry {
        let about = match (v.consultation, v.referral) {
            (Some(c), _) => Some(RecordId::new(RecordKind::Consultation, c).to_string()),
            (None, Some(r)) => Some(RecordId::new(RecordKind::Referral, r).to_string()),
            (None, None) => None,
        };
        Entry {
            id: RecordId::new(RecordKind::Review, v.id),
            record: "review",
            date: v.date,
            about,
            agency: None,
            level: v.level,
            outcome: None,
            to: None,
            result: v.result.clone(),
            status: v.status.clone(),
            follow_up: v.follow_up,
            voided: v.voided.clone(),
        }
    }
}

/// Puts a chronology in order: by date, then consultations before the referrals and reviews
/// made from them on the same day, then by number.
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by_key(|e| (e.date, e.id.kind, e.id.number));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: RecordKind, n: i64, date: &str) -> Entry {
        Entry {
            id: RecordId::new(kind, n),
            record: kind.noun(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            about: None,
            agency: None,
            level: None,
            outcome: None,
            to: None,
            result: None,
            status: None,
            follow_up: None,
            voided: None,
        }
    }

    #[test]
    fn date_order_then_consultation_referral_review_then_number() {
        let mut entries = vec![
            entry(RecordKind::Review, 1, "2026-03-02"),
            entry(RecordKind::Consultation, 2, "2026-03-02"),
            entry(RecordKind::Referral, 1, "2026-03-02"),
            entry(RecordKind::Consultation, 1, "2026-03-01"),
            entry(RecordKind::Consultation, 3, "2026-03-02"),
        ];
        sort(&mut entries);
        let ids: Vec<String> = entries.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(ids, ["C-1", "C-2", "C-3", "R-1", "V-1"]);
    }
}
