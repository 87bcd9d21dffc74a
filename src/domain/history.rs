//! A family's chronology: every consultation, referral, review and audit about the family as one
//! list in date order, so that repeat contacts and rising levels of need can be seen together.

use chrono::NaiveDate;
use serde::Serialize;

use super::audit::Audit;
use super::codes::{Agency, Destination, Grade, Outcome, ReferralResult, ReviewStatus};
use super::consultation::Consultation;
use super::ids::{RecordId, RecordKind};
use super::record::Voided;
use super::referral::Referral;
use super::review::Review;
use super::values::Level;

/// One record in a family's chronology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// C-<n>, R-<n>, V-<n> or A-<n>.
    pub id: RecordId,
    /// `consultation`, `referral`, `review` or `audit`.
    pub record: RecordKind,
    pub date: NaiveDate,
    /// What the record is about: the consultation a referral was made from, the consultation
    /// or referral a review follows up, or the consultation an audit looked at.
    pub about: Option<RecordId>,
    /// The consultee's agency, for a consultation.
    pub agency: Option<Agency>,
    /// The advisor's level of need, or a new level set at a review.
    pub level: Option<Level>,
    /// The consultation's outcome.
    pub outcome: Option<Outcome>,
    /// A referral's destination.
    pub to: Option<Destination>,
    /// A referral's result (as it stands now), or the result recorded at a review.
    pub result: Option<ReferralResult>,
    /// A review's status.
    pub status: Option<ReviewStatus>,
    /// The check-back date set by a consultation or a review.
    pub follow_up: Option<NaiveDate>,
    /// An audit's grade.
    pub grade: Option<Grade>,
    pub voided: Option<Voided>,
}

impl Entry {
    pub fn consultation(c: &Consultation) -> Entry {
        Entry {
            id: c.id.any(),
            record: RecordKind::Consultation,
            date: c.date,
            about: None,
            agency: Some(c.agency),
            level: Some(c.level),
            outcome: Some(c.outcome),
            to: None,
            result: None,
            status: None,
            follow_up: c.follow_up,
            grade: None,
            voided: c.voided.clone(),
        }
    }

    pub fn referral(r: &Referral) -> Entry {
        Entry {
            id: r.id.any(),
            record: RecordKind::Referral,
            date: r.date,
            about: Some(r.consultation.any()),
            agency: None,
            level: None,
            outcome: None,
            to: Some(r.to),
            result: Some(r.result),
            status: None,
            follow_up: None,
            grade: None,
            voided: r.voided.clone(),
        }
    }

    pub fn review(v: &Review) -> Entry {
        let about = v
            .consultation
            .map(|c| c.any())
            .or(v.referral.map(|r| r.any()));
        Entry {
            id: v.id.any(),
            record: RecordKind::Review,
            date: v.date,
            about,
            agency: None,
            level: v.level,
            outcome: None,
            to: None,
            result: v.result,
            status: v.status,
            follow_up: v.follow_up,
            grade: None,
            voided: v.voided.clone(),
        }
    }

    pub fn audit(a: &Audit) -> Entry {
        Entry {
            id: a.id.any(),
            record: RecordKind::Audit,
            date: a.date,
            about: Some(a.consultation.any()),
            agency: None,
            level: None,
            outcome: None,
            to: None,
            result: None,
            status: None,
            follow_up: None,
            grade: Some(a.grade),
            voided: a.voided.clone(),
        }
    }
}

/// Puts a chronology in order: by date, then consultations before the referrals, reviews and
/// audits made from them on the same day, then by number.
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by_key(|e| (e.date, e.id.kind, e.id.number));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: RecordKind, n: i64, date: &str) -> Entry {
        Entry {
            id: RecordId::new(kind, n),
            record: kind,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            about: None,
            agency: None,
            level: None,
            outcome: None,
            to: None,
            result: None,
            status: None,
            follow_up: None,
            grade: None,
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
