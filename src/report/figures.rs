//! The figures of domain brief §5, computed from the counts the store gathers for a period
//! (`Tally`). Pure: no I/O, so every definition can be checked by unit tests. Which outcome
//! counts as a referral and which result counts as taken up come from the code lists.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::domain::codes::{Agency, CodeList, Outcome, ReferralResult};
use crate::domain::period::Period;

/// How `report --by` splits the figures into rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Grouping {
    /// The consultee's agency (referrals and follow-ups through their consultation)
    Agency,
    /// Where the consultation took place
    Setting,
    /// Who gave the consultation
    Advisor,
    /// Calendar month of each record's own date (follow-ups by their follow-up date)
    Month,
}

/// What the store counts for one group of one period; everything else is derived.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Consultations dated in the period.
    pub consultations: u64,
    /// Distinct families among them, by key.
    pub families: u64,
    /// Outcome code → consultations.
    pub outcomes: BTreeMap<String, u64>,
    /// Agency code → consultations.
    pub agencies: BTreeMap<String, u64>,
    /// Outcome code → consultations whose consultee believed level 4.
    pub level_four_outcomes: BTreeMap<String, u64>,
    /// Consultations with both levels, and how they compare.
    pub threshold_compared: u64,
    pub threshold_agree: u64,
    pub threshold_over: u64,
    pub threshold_under: u64,
    /// Consultations with both confidence figures, and the sums over them.
    pub confidence_compared: u64,
    pub confidence_before_sum: u64,
    pub confidence_after_sum: u64,
    /// Consultations whose family had another in the 365 days before.
    pub repeats: u64,
    /// Result code → referrals dated in the period.
    pub referral_results: BTreeMap<String, u64>,
    /// Consultations whose follow-up date is in the period, and what became of them.
    pub follow_ups_due: u64,
    pub follow_ups_done: u64,
    pub follow_ups_overdue: u64,
}

/// Codes and counts in the order of their code list, serialised as a JSON object.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CodeCounts(pub Vec<(String, u64)>);

impl CodeCounts {
    /// Every code of the list, zeros included, then any code the list does not know.
    fn all<C: CodeList>(counts: &BTreeMap<String, u64>) -> CodeCounts {
        let mut out: Vec<(String, u64)> = C::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_string(),
                    counts.get(c.code()).copied().unwrap_or(0),
                )
            })
            .collect();
        for (code, n) in counts {
            if C::from_code(code).is_none() {
                out.push((code.clone(), *n));
            }
        }
        CodeCounts(out)
    }

    /// Only the codes with a count above 0, in the list's order.
    fn nonzero<C: CodeList>(counts: &BTreeMap<String, u64>) -> CodeCounts {
        let mut all = CodeCounts::all::<C>(counts);
        all.0.retain(|(_, n)| *n > 0);
        all
    }

    pub fn get(&self, code: &str) -> u64 {
        self.0
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }
}

impl Serialize for CodeCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (code, n) in &self.0 {
            map.serialize_entry(code, n)?;
        }
        map.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    pub compared: u64,
    pub agree: u64,
    pub over: u64,
    pub under: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confidence {
    pub compared: u64,
    pub mean_before: Option<f64>,
    pub mean_after: Option<f64>,
    pub mean_change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referrals {
    pub made: u64,
    pub results: CodeCounts,
    pub taken_up_rate: Option<f64>,
    /// Referrals taken up (assessment or s47): the rate's numerator.
    #[serde(skip)]
    pub taken_up: u64,
    /// Referrals with a result other than pending: the rate's denominator.
    #[serde(skip)]
    pub decided: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUps {
    pub due: u64,
    pub done: u64,
    pub overdue: u64,
}

/// The figures of §5, with exactly its JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub period: Period,
    pub consultations: u64,
    pub families: u64,
    pub outcomes: CodeCounts,
    pub agencies: CodeCounts,
    pub referral_rate: Option<f64>,
    pub threshold: Threshold,
    pub diverted: u64,
    pub confidence: Confidence,
    pub repeat_consultations: u64,
    pub referrals: Referrals,
    pub follow_ups: FollowUps,
    /// Consultations whose outcome counts as a referral: `referral_rate`'s numerator.
    #[serde(skip)]
    pub referred: u64,
    /// Consultations whose consultee believed level 4: what `diverted` is out of.
    #[serde(skip)]
    pub consultee_level_four: u64,
}

/// One row of `report --by`: the group's name (a code, setting, advisor or YYYY-MM) and its
/// figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    pub group: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// `numerator ÷ denominator`, or none when the denominator is 0.
pub fn rate(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

impl Figures {
    pub fn compute(period: Period, t: &Tally) -> Figures {
        let referred: u64 = t
            .outcomes
            .iter()
            .filter(|(o, _)| Outcome::from_code(o).is_some_and(Outcome::counts_as_referral))
            .map(|(_, n)| n)
            .sum();
        let diverted: u64 = t
            .level_four_outcomes
            .iter()
            .filter(|(o, _)| !Outcome::from_code(o).is_some_and(Outcome::counts_as_referral))
            .map(|(_, n)| n)
            .sum();
        let made: u64 = t.referral_results.values().sum();
        let pending = t
            .referral_results
            .get(ReferralResult::Pending.code())
            .copied()
            .unwrap_or(0);
        let taken_up: u64 = t
            .referral_results
            .iter()
            .filter(|(r, _)| ReferralResult::from_code(r).is_some_and(ReferralResult::is_taken_up))
            .map(|(_, n)| n)
            .sum();
        let n = t.confidence_compared;
        let mean = |sum: u64| rate(sum, n);
        let mean_change = (n > 0)
            .then(|| (t.confidence_after_sum as f64 - t.confidence_before_sum as f64) / n as f64);
        Figures {
            period,
            consultations: t.consultations,
            families: t.families,
            outcomes: CodeCounts::all::<Outcome>(&t.outcomes),
            agencies: CodeCounts::nonzero::<Agency>(&t.agencies),
            referral_rate: rate(referred, t.consultations),
            threshold: Threshold {
                compared: t.threshold_compared,
                agree: t.threshold_agree,
                over: t.threshold_over,
                under: t.threshold_under,
            },
            diverted,
            consultee_level_four: t.level_four_outcomes.values().sum(),
            confidence: Confidence {
                compared: n,
                mean_before: mean(t.confidence_before_sum),
                mean_after: mean(t.confidence_after_sum),
                mean_change,
            },
            repeat_consultations: t.repeats,
            referrals: Referrals {
                made,
                results: CodeCounts::all::<ReferralResult>(&t.referral_results),
                taken_up_rate: rate(taken_up, made - pending),
                taken_up,
                decided: made - pending,
            },
            follow_ups: FollowUps {
                due: t.follow_ups_due,
                done: t.follow_ups_done,
                overdue: t.follow_ups_overdue,
            },
            referred,
        }
    }
}

/// Orders groups for `--by`: agencies in the order of the code list, anything else by name.
pub fn sort_groups(by: Grouping, groups: &mut [GroupFigures]) {
    let position = |code: &str| Agency::from_code(code).map_or(usize::MAX, |a| a as usize);
    match by {
        Grouping::Agency => groups
            .sort_by(|a, b| (position(&a.group), &a.group).cmp(&(position(&b.group), &b.group))),
        _ => groups.sort_by(|a, b| a.group.cmp(&b.group)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde_json::json;

    use super::*;

    fn period() -> Period {
        Period {
            from: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
        }
    }

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn an_empty_period_has_zeros_and_nulls() {
        let f = Figures::compute(period(), &Tally::default());
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v,
            json!({
                "period": {"from": "2026-02-01", "to": "2026-02-28"},
                "consultations": 0, "families": 0,
                "outcomes": {"advice": 0, "signpost": 0, "early-help": 0, "refer-csc": 0,
                             "urgent": 0, "reconsult": 0},
                "agencies": {},
                "referral_rate": null,
                "threshold": {"compared": 0, "agree": 0, "over": 0, "under": 0},
                "diverted": 0,
                "confidence": {"compared": 0, "mean_before": null, "mean_after": null,
                               "mean_change": null},
                "repeat_consultations": 0,
                "referrals": {"made": 0, "results": {"pending": 0, "nfa": 0, "advice": 0,
                    "early-help": 0, "assessment": 0, "s47": 0, "more-info": 0,
                    "other": 0},
                    "taken_up_rate": null},
                "follow_ups": {"due": 0, "done": 0, "overdue": 0},
            })
        );
    }

    #[test]
    fn rates_and_means_follow_the_definitions() {
        let t = Tally {
            consultations: 8,
            families: 6,
            // 2 refer-csc + 1 urgent count as referrals: 3 of 8.
            outcomes: counts(&[
                ("advice", 3),
                ("refer-csc", 2),
                ("urgent", 1),
                ("early-help", 2),
            ]),
            agencies: counts(&[("6", 2), ("2A", 6)]),
            // Consultee thought level 4: 1 urgent (not diverted), 2 early-help (diverted).
            level_four_outcomes: counts(&[("urgent", 1), ("early-help", 2)]),
            confidence_compared: 4,
            confidence_before_sum: 6,
            confidence_after_sum: 15,
            // 5 made, 1 pending → 4 decided, 1 assessment + 1 s47 taken up: 2 of 4.
            referral_results: counts(&[("pending", 1), ("assessment", 1), ("s47", 1), ("nfa", 2)]),
            ..Tally::default()
        };
        let f = Figures::compute(period(), &t);
        assert_eq!(f.referred, 3);
        assert_eq!(f.referral_rate, Some(0.375));
        assert_eq!(f.diverted, 2);
        assert_eq!(f.confidence.mean_before, Some(1.5));
        assert_eq!(f.confidence.mean_after, Some(3.75));
        assert_eq!(f.confidence.mean_change, Some(2.25));
        assert_eq!(f.referrals.made, 5);
        assert_eq!((f.referrals.taken_up, f.referrals.decided), (2, 4));
        assert_eq!(f.referrals.taken_up_rate, Some(0.5));
        // Agencies: only those above 0, in the code list's order (2A before 6).
        let agencies = serde_json::to_string(&f.agencies).unwrap();
        assert_eq!(agencies, r#"{"2A":6,"6":2}"#);
    }

    #[test]
    fn taken_up_rate_is_null_when_every_referral_is_pending() {
        let t = Tally {
            referral_results: counts(&[("pending", 2)]),
            ..Tally::default()
        };
        let f = Figures::compute(period(), &t);
        assert_eq!(f.referrals.made, 2);
        assert_eq!(f.referrals.taken_up_rate, None);
    }

    #[test]
    fn agency_groups_follow_the_code_list() {
        let f = Figures::compute(period(), &Tally::default());
        let mut groups: Vec<GroupFigures> = ["6", "10", "2A", "1A"]
            .iter()
            .map(|g| GroupFigures {
                group: g.to_string(),
                figures: f.clone(),
            })
            .collect();
        sort_groups(Grouping::Agency, &mut groups);
        let order: Vec<&str> = groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(order, ["1A", "2A", "6", "10"]);
    }
}
