//! A review (domain brief §2, §3.6): a follow-up on a consultation, or the front door's decision
//! on a referral.

use chrono::NaiveDate;
use serde::Serialize;

use super::consultation::Voided;
use super::ids::{
    serialize_optional_consultation_id, serialize_optional_referral_id, serialize_review_id,
};

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
