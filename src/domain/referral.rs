//! A referral made from a consultation (domain brief §2, §3.4–3.5): where to, by whom, and what
//! the front door decided; the answers a person gives for one, and their validation.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{CONSENT, DESTINATION, REFERRED_BY};
use super::consultation::Voided;
use super::dates;
use super::ids::{serialize_consultation_id, serialize_referral_id};
use super::text::{self, given};
use crate::error::{Error, Result};

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

/// What a person gave for a referral, before validation: every field as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub date: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub reason: Option<String>,
    pub consent: Option<String>,
    /// `yes` or `no`.
    pub urgent: Option<String>,
}

/// The result every referral starts with.
pub const PENDING: &str = "pending";

/// Reads a yes/no answer (`yes`, `no`, `y`, `n`, `true`, `false`, `1`, `0`, any case).
pub fn parse_yes_no(field: &str, input: &str) -> Result<bool> {
    match input.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        other => Err(Error::input(format!("{field} '{other}' is not yes or no"))
            .hint(format!("{field} is yes or no"))),
    }
}

impl Draft {
    /// Checks every field against the consultation it is made from (number and date). The
    /// result starts `pending`; `uuid` and `created_at` are given by the caller.
    pub fn validate(
        &self,
        consultation: i64,
        consultation_date: NaiveDate,
        today: NaiveDate,
        uuid: String,
        created_at: String,
    ) -> Result<Referral> {
        let date = dates::parse_date_after(
            "--date",
            given(&self.date),
            &format!("the consultation C-{consultation} it was made from"),
            consultation_date,
            today,
        )?;
        let to = match given(&self.to) {
            Some(t) => DESTINATION.canonical(t).map_err(|e| e.context("--to"))?,
            None => {
                return Err(Error::input("missing --to").hint(format!(
                    "give where the referral went: {}",
                    DESTINATION.summary()
                )));
            }
        };
        let by = match given(&self.by) {
            Some(b) => REFERRED_BY.canonical(b).map_err(|e| e.context("--by"))?,
            None => "consultee",
        };
        Ok(Referral {
            id: 0,
            uuid,
            consultation,
            date,
            to: to.to_string(),
            by: by.to_string(),
            reason: given(&self.reason)
                .map(|r| text::short("--reason", r))
                .transpose()?,
            consent: given(&self.consent)
                .map(|c| CONSENT.canonical(c).map_err(|e| e.context("--consent")))
                .transpose()?
                .map(str::to_string),
            urgent: match given(&self.urgent) {
                Some(u) => parse_yes_no("--urgent", u)?,
                None => false,
            },
            result: PENDING.to_string(),
            result_date: None,
            created_at,
            voided: None,
        })
    }
}

impl Referral {
    /// The referral's fields as a draft, for amending.
    pub fn draft(&self) -> Draft {
        Draft {
            date: Some(self.date.to_string()),
            to: Some(self.to.clone()),
            by: Some(self.by.clone()),
            reason: self.reason.clone(),
            consent: self.consent.clone(),
            urgent: Some(yes_no(self.urgent).to_string()),
        }
    }

    /// Every field a person can change, by name, as text (for amendments).
    pub fn fields(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("date", Some(self.date.to_string())),
            ("to", Some(self.to.clone())),
            ("by", Some(self.by.clone())),
            ("reason", self.reason.clone()),
            ("consent", self.consent.clone()),
            ("urgent", Some(yes_no(self.urgent).to_string())),
            ("result", Some(self.result.clone())),
            ("result_date", self.result_date.map(|d| d.to_string())),
        ]
    }
}

impl Referral {
    /// Takes the result and its date from the latest review of this referral that is not
    /// voided; back to pending when there is none. The front door's latest word stands.
    pub fn follow_latest_review(&mut self, reviews: &[super::review::Review]) {
        match super::follow_up::latest_review(reviews) {
            Some(v) => {
                self.result = v.result.clone().unwrap_or_else(|| PENDING.to_string());
                self.result_date = Some(v.date);
            }
            None => {
                self.result = PENDING.to_string();
                self.result_date = None;
            }
        }
    }
}

pub fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn validate(draft: &Draft) -> Result<Referral> {
        draft.validate(7, d("2026-03-10"), d("2026-03-15"), "u".into(), "t".into())
    }

    #[test]
    fn defaults_fill_in() {
        let r = validate(&Draft {
            to: Some("MASH".into()),
            ..Draft::default()
        })
        .unwrap();
        assert_eq!(
            (
                r.consultation,
                r.date,
                r.to.as_str(),
                r.by.as_str(),
                r.urgent
            ),
            (7, d("2026-03-15"), "csc", "consultee", false)
        );
        assert_eq!(r.result, "pending");
    }

    #[test]
    fn destination_is_required_and_checked() {
        let err = validate(&Draft::default()).unwrap_err();
        assert_eq!(err.message, "missing --to");
        let err = validate(&Draft {
            to: Some("school".into()),
            ..Draft::default()
        })
        .unwrap_err();
        assert!(err.message.starts_with("--to"), "{}", err.message);
    }

    #[test]
    fn not_before_the_consultation() {
        let err = validate(&Draft {
            to: Some("csc".into()),
            date: Some("2026-03-09".into()),
            ..Draft::default()
        })
        .unwrap_err();
        assert!(
            err.message.contains("before the consultation"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_referral_round_trips_through_its_draft() {
        let r = validate(&Draft {
            to: Some("police".into()),
            by: Some("advisor".into()),
            reason: Some("Disclosure".into()),
            consent: Some("withheld-risk".into()),
            urgent: Some("yes".into()),
            date: Some("2026-03-12".into()),
        })
        .unwrap();
        let again = r
            .draft()
            .validate(7, d("2026-03-10"), d("2026-03-15"), "u".into(), "t".into())
            .unwrap();
        assert_eq!(again, r);
        assert!(parse_yes_no("--urgent", "maybe").is_err());
    }
}
