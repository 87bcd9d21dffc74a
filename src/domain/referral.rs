//! A referral made from a consultation (domain brief §2, §3.4–3.5): where to, by whom, and what
//! the front door decided. As for every record: the record, its draft (the flags of `refer`,
//! shared with `amend`), the rules, and its field table.

use chrono::NaiveDate;
use serde::Serialize;

use super::codes::{Consent, Destination, Outcome, ReferralResult, ReferredBy};
use super::fields::record_table;
use super::ids::{ConsultationId, ReferralId};
use super::invalid::Invalid;
use super::record::{Stamp, Timestamp, Voided, dated_after};
use super::review::Review;
use super::text::{Text, given};
use super::values::{Day, YesNo};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referral {
    pub id: ReferralId,
    pub uuid: uuid::Uuid,
    /// The consultation it was made from.
    pub consultation: ConsultationId,
    pub date: NaiveDate,
    pub to: Destination,
    pub by: ReferredBy,
    pub reason: Option<Text>,
    pub consent: Option<Consent>,
    pub urgent: YesNo,
    /// What the front door decided, as its latest review says; `pending` until then.
    pub result: ReferralResult,
    pub result_date: Option<NaiveDate>,
    /// Whether the front door's decision was challenged: yes when any of its reviews that is
    /// not voided records a dispute.
    pub disputed: YesNo,
    pub created_at: Timestamp,
    pub voided: Option<Voided>,
}

/// A referral's fields as given, before the rules are checked.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Draft {
    /// Date of the referral: YYYY-MM-DD, DD/MM/YYYY, today or yesterday; not before the
    /// consultation [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<Day>,

    /// Where it went: csc (children's social care front door / MASH), early-help, police,
    /// health (e.g. CAMHS) or other
    #[arg(long, value_name = "CODE")]
    pub to: Option<Destination>,

    /// Who made it: consultee or advisor [default: consultee]
    #[arg(long, value_name = "WHO")]
    pub by: Option<ReferredBy>,

    /// Why it was made
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<Text>,

    /// Consent to the referral: given, refused, not-asked, withheld-risk or not-applicable
    #[arg(long, value_name = "CODE")]
    pub consent: Option<Consent>,

    /// Whether it was made as urgent: yes (also when given alone) or no [default: no]
    #[arg(long, value_name = "YES|NO", num_args = 0..=1, default_missing_value = "yes")]
    pub urgent: Option<YesNo>,
}

/// The consultation a referral is made from, as the rules need it.
#[derive(Debug, Clone, Copy)]
pub struct From {
    pub id: ConsultationId,
    pub date: NaiveDate,
    /// The pathway agreed at the consultation.
    pub outcome: Outcome,
}

impl From {
    /// What to warn of when a referral is made from a consultation whose outcome does not
    /// count as a referral: it is recorded all the same, since the consultee may refer anyway,
    /// but never silently.
    pub fn warning(&self) -> Option<String> {
        (!self.outcome.counts_as_referral()).then(|| {
            format!(
                "{}'s outcome is {}, which does not count as a referral; the referral is \
                 recorded all the same (the consultee may refer anyway)",
                self.id, self.outcome
            )
        })
    }
}

impl Draft {
    /// Checks the draft and makes the referral it describes, made from `from`. Its result
    /// starts `pending`.
    pub fn referral(
        &self,
        from: From,
        today: NaiveDate,
        stamp: Stamp<ReferralId>,
    ) -> Result<Referral, Invalid> {
        let date = dated_after(
            "date",
            self.date.unwrap_or(Day::Today),
            format_args!("the consultation {} it was made from", from.id),
            from.date,
            today,
        )?;
        let to = self.to.ok_or_else(|| Invalid::missing("to"))?;
        Ok(Referral {
            id: stamp.id,
            uuid: stamp.uuid,
            consultation: from.id,
            date,
            to,
            by: self.by.unwrap_or(ReferredBy::Consultee),
            reason: given(&self.reason).cloned(),
            consent: self.consent,
            urgent: self.urgent.unwrap_or_default(),
            result: ReferralResult::Pending,
            result_date: None,
            disputed: YesNo(false),
            created_at: stamp.created_at,
            voided: None,
        })
    }
}

impl Referral {
    /// The referral as a draft, for amending.
    pub fn draft(&self) -> Draft {
        Draft {
            date: Some(Day::Date(self.date)),
            to: Some(self.to),
            by: Some(self.by),
            reason: self.reason.clone(),
            consent: self.consent,
            urgent: Some(self.urgent),
        }
    }

    /// The stamp it was saved with.
    pub fn stamp(&self) -> Stamp<ReferralId> {
        Stamp {
            id: self.id,
            uuid: self.uuid,
            created_at: self.created_at.clone(),
        }
    }

    /// What it was made from.
    pub fn from(&self) -> ConsultationId {
        self.consultation
    }

    /// Takes the result and its date from the latest review of this referral that is not
    /// voided (by date, then ID); back to pending when there is none. The front door's latest
    /// word stands. It is disputed when any of those reviews records a dispute.
    pub fn follow_latest_review(&mut self, reviews: &[Review]) {
        self.disputed = YesNo(
            reviews
                .iter()
                .any(|v| v.voided.is_none() && v.disputed == Some(YesNo(true))),
        );
        match super::follow_up::latest_review(reviews) {
            Some(v) => {
                self.result = v.result.unwrap_or(ReferralResult::Pending);
                self.result_date = Some(v.date);
            }
            None => {
                self.result = ReferralResult::Pending;
                self.result_date = None;
            }
        }
    }
}

record_table! {
    /// A referral's fields, in the order of the export's columns (narratives last there).
    pub static FIELDS: Referral, Draft = [
        id: "ID", Stamp;
        uuid: "UUID", Stamp;
        consultation: "Consultation", Link;
        date: "Date", Required;
        to: "To", Required;
        by: "By", Required;
        reason: "Reason", Narrative;
        consent: "Consent", Optional;
        urgent: "Urgent", Required;
        result: "Result", Derived;
        result_date: "Result date", Derived;
        disputed: "Disputed", Derived;
        created_at: "Recorded", Stamp;
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn check(draft: &Draft) -> Result<Referral, Invalid> {
        let from = From {
            id: ConsultationId(7),
            date: d("2026-03-10"),
            outcome: Outcome::ReferCsc,
        };
        draft.referral(
            from,
            d("2026-03-15"),
            Stamp::new(ReferralId(1), "2026-03-15T10:00:00Z"),
        )
    }

    #[test]
    fn defaults_fill_in() {
        let r = check(&Draft {
            to: Some("MASH".parse().unwrap()),
            ..Draft::default()
        })
        .unwrap();
        assert_eq!(
            (r.consultation, r.date, r.to, r.by, r.urgent),
            (
                ConsultationId(7),
                d("2026-03-15"),
                Destination::Csc,
                ReferredBy::Consultee,
                YesNo(false)
            )
        );
        assert_eq!(r.result, ReferralResult::Pending);
    }

    #[test]
    fn destination_is_required_and_the_date_follows_the_consultation() {
        assert_eq!(
            check(&Draft::default()).unwrap_err(),
            Invalid::missing("to")
        );
        let err = check(&Draft {
            to: Some(Destination::Csc),
            date: Some(Day::Date(d("2026-03-09"))),
            ..Draft::default()
        })
        .unwrap_err();
        let (message, _) = err.words(&|n| format!("<{n}>"));
        assert_eq!(
            message,
            "<date> 2026-03-09 is before the consultation C-7 it was made from (2026-03-10)"
        );
    }

    #[test]
    fn a_referral_round_trips_through_its_draft() {
        let r = check(&Draft {
            to: Some(Destination::Police),
            by: Some(ReferredBy::Advisor),
            reason: Some("Disclosure".parse().unwrap()),
            consent: Some(Consent::WithheldRisk),
            urgent: Some(YesNo(true)),
            date: Some(Day::Date(d("2026-03-12"))),
        })
        .unwrap();
        let from = From {
            id: r.consultation,
            date: d("2026-03-10"),
            outcome: Outcome::Urgent,
        };
        assert_eq!(
            r.draft()
                .referral(from, d("2026-03-15"), r.stamp())
                .unwrap(),
            r
        );
    }

    #[test]
    fn a_referral_against_the_outcome_is_recorded_with_a_warning() {
        let from = |outcome| From {
            id: ConsultationId(3),
            date: d("2026-03-10"),
            outcome,
        };
        assert_eq!(from(Outcome::ReferCsc).warning(), None);
        assert_eq!(
            from(Outcome::Advice).warning().unwrap(),
            "C-3's outcome is advice, which does not count as a referral; the referral is \
             recorded all the same (the consultee may refer anyway)"
        );
    }
}
