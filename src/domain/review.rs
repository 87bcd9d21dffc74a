//! A review (domain brief §2, §3.6): a follow-up on a consultation, or the front door's decision
//! on a referral; the answers a person gives for each, and their validation.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{RESULT, STATUS};
use super::consultation::{Voided, parse_confidence, parse_level};
use super::dates;
use super::ids::{
    serialize_optional_consultation_id, serialize_optional_referral_id, serialize_review_id,
};
use super::text::{self, given};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    #[serde(serialize_with = "serialize_review_id")]
    pub id: i64,
    pub uuid: String,
    /// The consultation reviewed (C-<n>), for a follow-up.
    #[serde(serialize_with = "serialize_optional_consultation_id")]
    pub consultation: Option<i64>,
    /// The referral reviewed (R-<n>), for the front door's decision.
    #[serde(serialize_with = "serialize_optional_referral_id")]
    pub referral: Option<i64>,
    pub date: NaiveDate,
    /// Review status code (§3.6), for a follow-up.
    pub status: Option<String>,
    pub note: Option<String>,
    /// A new level of need, if it changed.
    pub level: Option<u8>,
    /// The consultee's confidence now, 1 to 5.
    pub confidence: Option<u8>,
    /// The next date to check back.
    pub follow_up: Option<NaiveDate>,
    /// The front door's result code (§3.5), for a referral.
    pub result: Option<String>,
    pub created_at: String,
    pub voided: Option<Voided>,
}

/// The status that ends following up a consultation.
pub const RESOLVED: &str = "resolved";

/// What a person gave for a follow-up on a consultation, before validation.
#[derive(Debug, Clone, Default)]
pub struct FollowUpDraft {
    pub date: Option<String>,
    pub status: Option<String>,
    pub note: Option<String>,
    pub level: Option<String>,
    pub confidence: Option<String>,
    pub follow_up: Option<String>,
}

/// What a person gave for the front door's decision on a referral, before validation.
#[derive(Debug, Clone, Default)]
pub struct ResultDraft {
    pub date: Option<String>,
    pub result: Option<String>,
}

impl FollowUpDraft {
    /// Checks a follow-up on consultation `consultation` (dated `consultation_date`).
    pub fn validate(
        &self,
        consultation: i64,
        consultation_date: NaiveDate,
        today: NaiveDate,
        uuid: String,
        created_at: String,
    ) -> Result<Review> {
        let date = dates::parse_date_after(
            "--date",
            given(&self.date),
            &format!("the consultation C-{consultation}"),
            consultation_date,
            today,
        )?;
        let status = match given(&self.status) {
            Some(s) => STATUS.canonical(s).map_err(|e| e.context("--status"))?,
            None => {
                return Err(Error::input("missing --status")
                    .hint(format!("give where things stand: {}", STATUS.summary())));
            }
        };
        let follow_up = given(&self.follow_up)
            .map(|f| dates::parse_follow_up("--follow-up", f, date, today))
            .transpose()?;
        if status == RESOLVED && follow_up.is_some() {
            return Err(Error::input(
                "--follow-up cannot be given with --status resolved: resolved ends follow-up",
            )
            .hint("leave out --follow-up, or choose another --status such as ongoing"));
        }
        Ok(Review {
            id: 0,
            uuid,
            consultation: Some(consultation),
            referral: None,
            date,
            status: Some(status.to_string()),
            note: self
                .note
                .as_deref()
                .map(|n| text::note("--note", n))
                .transpose()?
                .flatten(),
            level: given(&self.level)
                .map(|l| parse_level("--level", l))
                .transpose()?,
            confidence: given(&self.confidence)
                .map(|c| parse_confidence("--confidence", c))
                .transpose()?,
            follow_up,
            result: None,
            created_at,
            voided: None,
        })
    }
}

impl ResultDraft {
    /// Checks the front door's decision on referral `referral` (dated `referral_date`).
    pub fn validate(
        &self,
        referral: i64,
        referral_date: NaiveDate,
        today: NaiveDate,
        uuid: String,
        created_at: String,
    ) -> Result<Review> {
        let date = dates::parse_date_after(
            "--date",
            given(&self.date),
            &format!("the referral R-{referral}"),
            referral_date,
            today,
        )?;
        let result = match given(&self.result) {
            Some(r) => RESULT.canonical(r).map_err(|e| e.context("--result"))?,
            None => {
                return Err(Error::input("missing --result").hint(format!(
                    "give what the front door decided: {}",
                    decided_results()
                )));
            }
        };
        if result == super::referral::PENDING {
            return Err(Error::input(
                "--result pending is not a decision: a referral is pending until one is recorded",
            )
            .hint(format!("valid results: {}", decided_results())));
        }
        Ok(Review {
            id: 0,
            uuid,
            consultation: None,
            referral: Some(referral),
            date,
            status: None,
            note: None,
            level: None,
            confidence: None,
            follow_up: None,
            result: Some(result.to_string()),
            created_at,
            voided: None,
        })
    }
}

/// The result codes that are decisions (all but `pending`).
fn decided_results() -> String {
    RESULT
        .codes
        .iter()
        .filter(|c| c.code != super::referral::PENDING)
        .map(|c| c.code)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Review {
    /// A follow-up's fields as a draft, for amending.
    pub fn follow_up_draft(&self) -> FollowUpDraft {
        FollowUpDraft {
            date: Some(self.date.to_string()),
            status: self.status.clone(),
            note: self.note.clone(),
            level: self.level.map(|l| l.to_string()),
            confidence: self.confidence.map(|c| c.to_string()),
            follow_up: self.follow_up.map(|f| f.to_string()),
        }
    }

    /// A referral decision's fields as a draft, for amending.
    pub fn result_draft(&self) -> ResultDraft {
        ResultDraft {
            date: Some(self.date.to_string()),
            result: self.result.clone(),
        }
    }

    /// Every field a person can change, by name, as text (for amendments).
    pub fn fields(&self) -> Vec<(&'static str, Option<String>)> {
        let text = |v: Option<u8>| v.map(|n| n.to_string());
        if self.referral.is_some() {
            return vec![
                ("date", Some(self.date.to_string())),
                ("result", self.result.clone()),
            ];
        }
        vec![
            ("date", Some(self.date.to_string())),
            ("status", self.status.clone()),
            ("note", self.note.clone()),
            ("level", text(self.level)),
            ("confidence", text(self.confidence)),
            ("follow_up", self.follow_up.map(|d| d.to_string())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn follow_up(draft: &FollowUpDraft) -> Result<Review> {
        draft.validate(3, d("2026-03-01"), d("2026-03-15"), "u".into(), "t".into())
    }

    #[test]
    fn a_follow_up_needs_a_status_and_counts_offsets_from_its_own_date() {
        assert_eq!(
            follow_up(&FollowUpDraft::default()).unwrap_err().message,
            "missing --status"
        );
        let v = follow_up(&FollowUpDraft {
            date: Some("2026-03-10".into()),
            status: Some("Ongoing".into()),
            follow_up: Some("+1w".into()),
            level: Some("3".into()),
            ..FollowUpDraft::default()
        })
        .unwrap();
        assert_eq!(v.status.as_deref(), Some("ongoing"));
        assert_eq!(v.follow_up, Some(d("2026-03-17")));
        assert_eq!(v.level, Some(3));
        let again = v
            .follow_up_draft()
            .validate(3, d("2026-03-01"), d("2026-03-15"), "u".into(), "t".into())
            .unwrap();
        assert_eq!(again, v);
    }

    #[test]
    fn resolved_ends_follow_up() {
        let err = follow_up(&FollowUpDraft {
            status: Some("resolved".into()),
            follow_up: Some("+1w".into()),
            ..FollowUpDraft::default()
        })
        .unwrap_err();
        assert!(err.message.contains("--follow-up"), "{}", err.message);
    }

    #[test]
    fn a_review_is_not_before_what_it_reviews() {
        let err = follow_up(&FollowUpDraft {
            date: Some("2026-02-28".into()),
            status: Some("ongoing".into()),
            ..FollowUpDraft::default()
        })
        .unwrap_err();
        assert!(err.message.starts_with("--date"), "{}", err.message);
    }

    #[test]
    fn a_result_is_a_decision() {
        let result = |r: &str| {
            ResultDraft {
                date: None,
                result: Some(r.into()),
            }
            .validate(1, d("2026-03-01"), d("2026-03-15"), "u".into(), "t".into())
        };
        assert_eq!(result("S47").unwrap().result.as_deref(), Some("s47"));
        assert!(result("pending").is_err());
        assert!(result("maybe").unwrap_err().message.starts_with("--result"));
    }
}
