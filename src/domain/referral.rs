//! A referral made from a consultation (domain brief §2, §3.4–3.5): where to, by whom, and what
//! the front door decided.

use chrono::NaiveDate;
use serde::Serialize;

use super::consultation::Voided;
use super::ids::{serialize_consultation_id, serialize_referral_id};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referral {
    #[serde(serialize_with = "serialize_referral_id")]
    pub id: i64,
    pub uuid: String,
    /// The consultation it was made from (C-<n>).
    #[serde(serialize_with = "serialize_consultation_id")]
    pub consultation: i64,
    pub date: NaiveDate,
    /// Destination code (§3.4).
    pub to: String,
    /// `consultee` or `advisor`.
    pub by: String,
    pub reason: Option<String>,
    pub consent: Option<String>,
    pub urgent: bool,
    /// Result code (§3.5), `pending` until the front door decides.
    pub result: String,
    pub result_date: Option<NaiveDate>,
    pub created_at: String,
    pub voided: Option<Voided>,
}
