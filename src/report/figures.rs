//! The figures of domain brief §5, computed from the counts the store gathers for a period
//! (`Tally`). Pure: no I/O, so every definition can be checked by unit tests. Which outcome
//! counts as a referral or a diversion, which destination is the front door and which result
//! counts as taken up come from the code lists; children's ages fall into the bands here.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::domain::codes::{
    Agency, CodeList, Consent, Destination, Factor, Grade, Outcome, ReferralResult,
};
use crate::domain::period::Period;
use crate::domain::values::Age;

/// How `report --by` splits the figures into rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Grouping {
    /// The consultee's agency (referrals and follow-ups through their consultation)
    Agency,
    /// The consultee's organisation (consultations without one are a row of their own)
    Organisation,
    /// Where the consultation took place
    Setting,
    /// Who gave the consultation
    Advisor,
    /// Calendar month of each record's own date (follow-ups by their follow-up date)
    Month,
}

impl Grouping {
    /// The grouping's name in JSON and in messages: "agency".
    pub fn name(self) -> &'static str {
        match self {
            Grouping::Agency => "agency",
            Grouping::Organisation => "organisation",
            Grouping::Setting => "setting",
            Grouping::Advisor => "advisor",
            Grouping::Month => "month",
        }
    }
}

/// The name of the row of consultations with no organisation recorded.
pub const NO_ORGANISATION: &str = "(not recorded)";

/// What the store counts for one group of one period; everything else is derived. Voided
/// records, and records hanging from voided ones, are never counted.
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
    /// The advisor's level (1–4) → consultations.
    pub levels: BTreeMap<u8, u64>,
    /// Factor code → consultations naming it.
    pub factors: BTreeMap<String, u64>,
    /// Consent code → consultations; those without consent recorded apart.
    pub consent: BTreeMap<String, u64>,
    pub consent_unrecorded: u64,
    /// Age → children of that age, from the consultations with ages; the `children` of the
    /// consultations without ages apart.
    pub ages: BTreeMap<Age, u64>,
    pub children_unrecorded: u64,
    /// Consultations with both levels, and how they compare.
    pub threshold_compared: u64,
    pub threshold_agree: u64,
    pub threshold_over: u64,
    pub threshold_under: u64,
    /// Diversions (consultee's level 4, outcome advice, signpost or early-help), those whose
    /// family was referred within 90 days, and those not referred whose 90 days are over.
    pub diverted: u64,
    pub diverted_escalated: u64,
    pub diverted_held: u64,
    /// Consultations with both confidence figures, and the sums over them.
    pub confidence_compared: u64,
    pub confidence_before_sum: u64,
    pub confidence_after_sum: u64,
    /// Consultations whose family had another in the 365 days up to its date.
    pub repeats: u64,
    /// Consultations advising a referral from which no referral has been recorded.
    pub advised_not_made: u64,
    /// Destination code → referrals dated in the period.
    pub destinations: BTreeMap<String, u64>,
    /// Result code → front-door referrals dated in the period.
    pub front_door_results: BTreeMap<String, u64>,
    /// Front-door referrals whose family had another in the 365 days up to its date, and those
    /// disputed.
    pub re_referrals: u64,
    pub disputed: u64,
    /// Follow-ups falling due in the period, by where they stand (`follow_up::Standing`).
    pub follow_ups_on_time: u64,
    pub follow_ups_late: u64,
    pub follow_ups_overdue: u64,
    pub follow_ups_upcoming: u64,
    /// Consultations with an audit, by the grade of their latest audit, and how many of those
    /// latest audits agreed with the level and with the pathway.
    pub grades: BTreeMap<String, u64>,
    pub level_agreed: u64,
    pub pathway_agreed: u64,
}

/// One consultation dated in the period, as the figures count it: its own fields, and what the
/// store found around it in the rest of the logbook (the look-backs and look-aheads of §5).
#[derive(Debug, Clone, Copy)]
pub struct Consulted<'a> {
    pub level: u8,
    pub consultee_level: Option<u8>,
    pub outcome: &'a str,
    pub agency: &'a str,
    pub consent: Option<&'a str>,
    /// Factor codes joined with `;`.
    pub factors: &'a str,
    /// The children's ages; none recorded when empty.
    pub ages: &'a [Age],
    pub children: u64,
    pub confidence_before: Option<u8>,
    pub confidence_after: Option<u8>,
    /// Whether the family had another consultation in the 365 days up to this one.
    pub repeat: bool,
    /// Whether it is a diversion; if so, whether the family was referred within the 90 days
    /// after it, and whether those 90 days are over.
    pub diverted: bool,
    pub escalated: bool,
    pub over_90_days: bool,
    /// Whether it advised a referral from which none has been recorded.
    pub not_made: bool,
}

impl Tally {
    /// Counts one consultation into every count it belongs to but `families`, which is a count
    /// of distinct keys that only the caller, seeing every consultation, can make.
    pub fn count(&mut self, c: &Consulted) {
        self.consultations += 1;
        *self.levels.entry(c.level).or_default() += 1;
        if let Some(theirs) = c.consultee_level {
            self.threshold_compared += 1;
            match theirs.cmp(&c.level) {
                std::cmp::Ordering::Equal => self.threshold_agree += 1,
                std::cmp::Ordering::Greater => self.threshold_over += 1,
                std::cmp::Ordering::Less => self.threshold_under += 1,
            }
        }
        if let (Some(before), Some(after)) = (c.confidence_before, c.confidence_after) {
            self.confidence_compared += 1;
            self.confidence_before_sum += u64::from(before);
            self.confidence_after_sum += u64::from(after);
        }
        self.repeats += u64::from(c.repeat);
        if c.diverted {
            self.diverted += 1;
            self.diverted_escalated += u64::from(c.escalated);
            self.diverted_held += u64::from(c.over_90_days && !c.escalated);
        }
        self.advised_not_made += u64::from(c.not_made);
        bump(&mut self.outcomes, c.outcome, 1);
        bump(&mut self.agencies, c.agency, 1);
        match c.consent {
            Some(consent) => bump(&mut self.consent, consent, 1),
            None => self.consent_unrecorded += 1,
        }
        for factor in c.factors.split(';').filter(|f| !f.is_empty()) {
            bump(&mut self.factors, factor, 1);
        }
        if c.ages.is_empty() {
            self.children_unrecorded += c.children;
        }
        for age in c.ages {
            *self.ages.entry(*age).or_default() += 1;
        }
    }

    /// Adds the counts of `other`, as when one group's counts were gathered in parts.
    /// `families` are added as they are: which families two parts share only the caller knows.
    pub fn add(&mut self, other: &Tally) {
        // Named one by one, so that a count added to `Tally` cannot be left out here.
        let Tally {
            consultations,
            families,
            outcomes,
            agencies,
            levels,
            factors,
            consent,
            consent_unrecorded,
            ages,
            children_unrecorded,
            threshold_compared,
            threshold_agree,
            threshold_over,
            threshold_under,
            diverted,
            diverted_escalated,
            diverted_held,
            confidence_compared,
            confidence_before_sum,
            confidence_after_sum,
            repeats,
            advised_not_made,
            destinations,
            front_door_results,
            re_referrals,
            disputed,
            follow_ups_on_time,
            follow_ups_late,
            follow_ups_overdue,
            follow_ups_upcoming,
            grades,
            level_agreed,
            pathway_agreed,
        } = other;
        for (mine, theirs) in [
            (&mut self.consultations, consultations),
            (&mut self.families, families),
            (&mut self.consent_unrecorded, consent_unrecorded),
            (&mut self.children_unrecorded, children_unrecorded),
            (&mut self.threshold_compared, threshold_compared),
            (&mut self.threshold_agree, threshold_agree),
            (&mut self.threshold_over, threshold_over),
            (&mut self.threshold_under, threshold_under),
            (&mut self.diverted, diverted),
            (&mut self.diverted_escalated, diverted_escalated),
            (&mut self.diverted_held, diverted_held),
            (&mut self.confidence_compared, confidence_compared),
            (&mut self.confidence_before_sum, confidence_before_sum),
            (&mut self.confidence_after_sum, confidence_after_sum),
            (&mut self.repeats, repeats),
            (&mut self.advised_not_made, advised_not_made),
            (&mut self.re_referrals, re_referrals),
            (&mut self.disputed, disputed),
            (&mut self.follow_ups_on_time, follow_ups_on_time),
            (&mut self.follow_ups_late, follow_ups_late),
            (&mut self.follow_ups_overdue, follow_ups_overdue),
            (&mut self.follow_ups_upcoming, follow_ups_upcoming),
            (&mut self.level_agreed, level_agreed),
            (&mut self.pathway_agreed, pathway_agreed),
        ] {
            *mine += theirs;
        }
        for (mine, theirs) in [
            (&mut self.outcomes, outcomes),
            (&mut self.agencies, agencies),
            (&mut self.factors, factors),
            (&mut self.consent, consent),
            (&mut self.destinations, destinations),
            (&mut self.front_door_results, front_door_results),
            (&mut self.grades, grades),
        ] {
            for (code, n) in theirs {
                bump(mine, code, *n);
            }
        }
        for (level, n) in levels {
            *self.levels.entry(*level).or_default() += n;
        }
        for (age, n) in ages {
            *self.ages.entry(*age).or_default() += n;
        }
    }
}

/// Adds `n` to the count of `code`, allocating its key only the first time it is seen.
fn bump(counts: &mut BTreeMap<String, u64>, code: &str, n: u64) {
    match counts.get_mut(code) {
        Some(count) => *count += n,
        None => {
            counts.insert(code.to_string(), n);
        }
    }
}

/// Codes and counts in the order of their list, serialised as a JSON object.
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

    /// These counts with every code of the list, zeros included, in the list's order, then any
    /// code the list does not know.
    fn with_every_code<C: CodeList>(&self) -> CodeCounts {
        CodeCounts::all::<C>(&self.0.iter().cloned().collect())
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

    /// The sum of the counts.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
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

/// The bands children's ages are counted in (§5 `children`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgeBand {
    Unborn,
    UnderFive,
    FiveToTen,
    ElevenToFifteen,
    SixteenOrSeventeen,
}

impl AgeBand {
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Unborn,
        AgeBand::UnderFive,
        AgeBand::FiveToTen,
        AgeBand::ElevenToFifteen,
        AgeBand::SixteenOrSeventeen,
    ];

    /// The band a child of this age falls in.
    pub fn of(age: Age) -> AgeBand {
        match age {
            Age::Unborn => AgeBand::Unborn,
            Age::Years(0..=4) => AgeBand::UnderFive,
            Age::Years(5..=10) => AgeBand::FiveToTen,
            Age::Years(11..=15) => AgeBand::ElevenToFifteen,
            Age::Years(_) => AgeBand::SixteenOrSeventeen,
        }
    }

    /// Its key in the figures.
    pub fn key(self) -> &'static str {
        match self {
            AgeBand::Unborn => "unborn",
            AgeBand::UnderFive => "0-4",
            AgeBand::FiveToTen => "5-10",
            AgeBand::ElevenToFifteen => "11-15",
            AgeBand::SixteenOrSeventeen => "16-17",
        }
    }
}

/// The key of children whose ages were not recorded, and of consultations without consent.
pub const UNRECORDED: &str = "unrecorded";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Threshold {
    pub compared: u64,
    pub agree: u64,
    pub over: u64,
    pub under: u64,
}

/// Diversions, and whether each held: a diversion is only a success when the family was not
/// referred after all within 90 days.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diverted {
    pub count: u64,
    pub escalated: u64,
    pub held: u64,
    pub too_early: u64,
    pub held_rate: Option<f64>,
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
    pub destinations: CodeCounts,
    pub advised: u64,
    pub advised_not_made: u64,
    pub front_door: u64,
    pub results: CodeCounts,
    pub taken_up: u64,
    pub taken_up_rate: Option<f64>,
    pub re_referrals: u64,
    pub re_referral_rate: Option<f64>,
    pub disputed: u64,
    /// Front-door referrals with a result other than pending: the take-up rate's denominator.
    #[serde(skip)]
    pub decided: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUps {
    pub due: u64,
    pub on_time: u64,
    pub late: u64,
    pub overdue: u64,
    pub upcoming: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Oversight {
    pub audited: u64,
    pub grades: CodeCounts,
    pub level_agreed_rate: Option<f64>,
    pub pathway_agreed_rate: Option<f64>,
    /// The rates' numerators.
    #[serde(skip)]
    pub level_agreed: u64,
    #[serde(skip)]
    pub pathway_agreed: u64,
}

/// The figures of §5, with exactly its JSON keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub period: Period,
    pub as_at: NaiveDate,
    pub consultations: u64,
    pub families: u64,
    pub outcomes: CodeCounts,
    pub agencies: CodeCounts,
    pub levels: CodeCounts,
    pub factors: CodeCounts,
    pub consent: CodeCounts,
    pub children: CodeCounts,
    pub referral_rate: Option<f64>,
    pub threshold: Threshold,
    pub diverted: Diverted,
    pub confidence: Confidence,
    pub repeat_consultations: u64,
    pub referrals: Referrals,
    pub follow_ups: FollowUps,
    pub oversight: Oversight,
}

/// One row of `report --by`: the group's name (a code, organisation, setting, advisor or
/// YYYY-MM) and its figures.
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

/// The sum of the counts of the codes that `keep` picks.
fn sum_of<C: CodeList>(counts: &BTreeMap<String, u64>, keep: fn(C) -> bool) -> u64 {
    counts
        .iter()
        .filter(|(code, _)| C::from_code(code).is_some_and(keep))
        .map(|(_, n)| n)
        .sum()
}

impl Figures {
    pub fn compute(period: Period, as_at: NaiveDate, t: &Tally) -> Figures {
        let advised = sum_of(&t.outcomes, Outcome::counts_as_referral);
        let front_door: u64 = t.front_door_results.values().sum();
        let pending = t
            .front_door_results
            .get(ReferralResult::Pending.code())
            .copied()
            .unwrap_or(0);
        let taken_up = sum_of(&t.front_door_results, ReferralResult::is_taken_up);
        let n = t.confidence_compared;
        let mean_change = (n > 0)
            .then(|| (t.confidence_after_sum as f64 - t.confidence_before_sum as f64) / n as f64);
        let mut consent = CodeCounts::all::<Consent>(&t.consent);
        consent
            .0
            .push((UNRECORDED.to_string(), t.consent_unrecorded));
        let mut children = CodeCounts(
            AgeBand::ALL
                .iter()
                .map(|band| {
                    let n = t
                        .ages
                        .iter()
                        .filter(|(age, _)| AgeBand::of(**age) == *band)
                        .map(|(_, n)| n)
                        .sum();
                    (band.key().to_string(), n)
                })
                .collect(),
        );
        children
            .0
            .push((UNRECORDED.to_string(), t.children_unrecorded));
        let levels = CodeCounts(
            (1..=4u8)
                .map(|l| (l.to_string(), t.levels.get(&l).copied().unwrap_or(0)))
                .collect(),
        );
        let grades = CodeCounts::all::<Grade>(&t.grades);
        let audited = grades.total();
        let due =
            t.follow_ups_on_time + t.follow_ups_late + t.follow_ups_overdue + t.follow_ups_upcoming;
        Figures {
            period,
            as_at,
            consultations: t.consultations,
            families: t.families,
            outcomes: CodeCounts::all::<Outcome>(&t.outcomes),
            agencies: CodeCounts::nonzero::<Agency>(&t.agencies),
            levels,
            factors: CodeCounts::nonzero::<Factor>(&t.factors),
            consent,
            children,
            referral_rate: rate(advised, t.consultations),
            threshold: Threshold {
                compared: t.threshold_compared,
                agree: t.threshold_agree,
                over: t.threshold_over,
                under: t.threshold_under,
            },
            diverted: Diverted {
                count: t.diverted,
                escalated: t.diverted_escalated,
                held: t.diverted_held,
                too_early: t.diverted - t.diverted_escalated - t.diverted_held,
                held_rate: rate(t.diverted_held, t.diverted_held + t.diverted_escalated),
            },
            confidence: Confidence {
                compared: n,
                mean_before: rate(t.confidence_before_sum, n),
                mean_after: rate(t.confidence_after_sum, n),
                mean_change,
            },
            repeat_consultations: t.repeats,
            referrals: Referrals {
                made: t.destinations.values().sum(),
                destinations: CodeCounts::all::<Destination>(&t.destinations),
                advised,
                advised_not_made: t.advised_not_made,
                front_door,
                results: CodeCounts::all::<ReferralResult>(&t.front_door_results),
                taken_up,
                taken_up_rate: rate(taken_up, front_door - pending),
                re_referrals: t.re_referrals,
                re_referral_rate: rate(t.re_referrals, front_door),
                disputed: t.disputed,
                decided: front_door - pending,
            },
            follow_ups: FollowUps {
                due,
                on_time: t.follow_ups_on_time,
                late: t.follow_ups_late,
                overdue: t.follow_ups_overdue,
                upcoming: t.follow_ups_upcoming,
            },
            oversight: Oversight {
                audited,
                grades,
                level_agreed_rate: rate(t.level_agreed, audited),
                pathway_agreed_rate: rate(t.pathway_agreed, audited),
                level_agreed: t.level_agreed,
                pathway_agreed: t.pathway_agreed,
            },
        }
    }

    /// Consultations whose outcome counts as a referral: `referral_rate`'s numerator.
    pub fn referred(&self) -> u64 {
        self.referrals.advised
    }
}

/// The name a group is shown under: the stored value, or for organisations none recorded.
pub fn group_name(group: Option<&str>) -> String {
    group.unwrap_or(NO_ORGANISATION).to_string()
}

/// Orders groups for `--by`: agencies in the order of the code list, anything else by name,
/// the consultations with no organisation recorded last.
pub fn sort_groups(by: Grouping, groups: &mut [(Option<String>, Figures)]) {
    let position = |code: &str| Agency::from_code(code).map_or(usize::MAX, |a| a as usize);
    match by {
        Grouping::Agency => groups.sort_by(|(a, _), (b, _)| {
            let a = a.as_deref().unwrap_or_default();
            let b = b.as_deref().unwrap_or_default();
            (position(a), a).cmp(&(position(b), b))
        }),
        _ => groups.sort_by(|(a, _), (b, _)| (a.is_none(), a).cmp(&(b.is_none(), b))),
    }
}

/// A figure as CSV and the comparison with a baseline see it: a date, a count, or a fraction
/// (a rate or a mean, none when its denominator is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Date(NaiveDate),
    Count(u64),
    Fraction(Option<f64>),
}

/// Every figure under its flattened key (`threshold.over`, `referrals.results.s47`), in the
/// order of the JSON keys. Agencies and factors are given for every code, zeros included, so
/// that every row and every period has the same keys.
pub fn cells(f: &Figures) -> Vec<(String, Cell)> {
    let mut cells: Vec<(String, Cell)> = Vec::new();
    let mut put = |k: &str, v: Cell| cells.push((k.to_string(), v));
    let count = Cell::Count;
    let fraction = Cell::Fraction;
    put("period.from", Cell::Date(f.period.from));
    put("period.to", Cell::Date(f.period.to));
    put("as_at", Cell::Date(f.as_at));
    put("consultations", count(f.consultations));
    put("families", count(f.families));
    let codes = |prefix: &str, counts: &CodeCounts, put: &mut dyn FnMut(&str, Cell)| {
        for (code, n) in &counts.0 {
            put(&format!("{prefix}.{code}"), count(*n));
        }
    };
    codes("outcomes", &f.outcomes, &mut put);
    codes(
        "agencies",
        &f.agencies.with_every_code::<Agency>(),
        &mut put,
    );
    codes("levels", &f.levels, &mut put);
    codes("factors", &f.factors.with_every_code::<Factor>(), &mut put);
    codes("consent", &f.consent, &mut put);
    codes("children", &f.children, &mut put);
    put("referral_rate", fraction(f.referral_rate));
    let t = &f.threshold;
    put("threshold.compared", count(t.compared));
    put("threshold.agree", count(t.agree));
    put("threshold.over", count(t.over));
    put("threshold.under", count(t.under));
    let d = &f.diverted;
    put("diverted.count", count(d.count));
    put("diverted.escalated", count(d.escalated));
    put("diverted.held", count(d.held));
    put("diverted.too_early", count(d.too_early));
    put("diverted.held_rate", fraction(d.held_rate));
    let c = &f.confidence;
    put("confidence.compared", count(c.compared));
    put("confidence.mean_before", fraction(c.mean_before));
    put("confidence.mean_after", fraction(c.mean_after));
    put("confidence.mean_change", fraction(c.mean_change));
    put("repeat_consultations", count(f.repeat_consultations));
    let r = &f.referrals;
    put("referrals.made", count(r.made));
    codes("referrals.destinations", &r.destinations, &mut put);
    put("referrals.advised", count(r.advised));
    put("referrals.advised_not_made", count(r.advised_not_made));
    put("referrals.front_door", count(r.front_door));
    codes("referrals.results", &r.results, &mut put);
    put("referrals.taken_up", count(r.taken_up));
    put("referrals.taken_up_rate", fraction(r.taken_up_rate));
    put("referrals.re_referrals", count(r.re_referrals));
    put("referrals.re_referral_rate", fraction(r.re_referral_rate));
    put("referrals.disputed", count(r.disputed));
    let u = &f.follow_ups;
    put("follow_ups.due", count(u.due));
    put("follow_ups.on_time", count(u.on_time));
    put("follow_ups.late", count(u.late));
    put("follow_ups.overdue", count(u.overdue));
    put("follow_ups.upcoming", count(u.upcoming));
    let o = &f.oversight;
    put("oversight.audited", count(o.audited));
    codes("oversight.grades", &o.grades, &mut put);
    put("oversight.level_agreed_rate", fraction(o.level_agreed_rate));
    put(
        "oversight.pathway_agreed_rate",
        fraction(o.pathway_agreed_rate),
    );
    cells
}

/// How a figure changed from the baseline: the difference (now − then) and, where the baseline
/// is not 0, that difference as a fraction of the baseline. None where either side has no
/// value (a rate with nothing to divide by).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub difference: Option<Difference>,
    pub relative: Option<f64>,
}

/// A difference of counts is a whole number; of rates and means, a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Difference {
    Count(i64),
    Fraction(f64),
}

impl Change {
    /// The change from `then` to `now`; none for dates.
    pub fn between(then: Cell, now: Cell) -> Option<Change> {
        match (then, now) {
            (Cell::Count(b), Cell::Count(c)) => {
                let difference = c as i64 - b as i64;
                Some(Change {
                    difference: Some(Difference::Count(difference)),
                    relative: (b > 0).then(|| difference as f64 / b as f64),
                })
            }
            (Cell::Fraction(b), Cell::Fraction(c)) => Some(match (b, c) {
                (Some(b), Some(c)) => Change {
                    difference: Some(Difference::Fraction(c - b)),
                    relative: (b != 0.0).then(|| (c - b) / b),
                },
                _ => Change {
                    difference: None,
                    relative: None,
                },
            }),
            _ => None,
        }
    }
}

/// The figures of a period beside those of a baseline period (`report --against`), with the
/// change of each count and rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub current: Figures,
    pub baseline: Figures,
    pub change: Tree,
}

impl Comparison {
    pub fn new(current: Figures, baseline: Figures) -> Comparison {
        let then = cells(&baseline);
        let now = cells(&current);
        let mut change = Tree::default();
        for (key, cell) in &now {
            let Some(before) = then.iter().find(|(k, _)| k == key).map(|(_, c)| *c) else {
                continue;
            };
            if let Some(c) = Change::between(before, *cell) {
                change.insert(key, c);
            }
        }
        Comparison {
            current,
            baseline,
            change,
        }
    }

    /// Each figure's key, its value then and now, and its change (none for dates), in the
    /// order of the JSON keys.
    pub fn rows(&self) -> Vec<(String, Cell, Cell, Option<Change>)> {
        let then = cells(&self.baseline);
        cells(&self.current)
            .into_iter()
            .filter_map(|(key, now)| {
                let before = then.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)?;
                let change = Change::between(before, now);
                Some((key, before, now, change))
            })
            .collect()
    }
}

/// Changes under the JSON keys of the figures, nested as they are (`threshold.over` is
/// `{"threshold": {"over": …}}`), in their order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tree(Vec<(String, Node)>);

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Leaf(Change),
    Branch(Tree),
}

impl Tree {
    fn insert(&mut self, key: &str, change: Change) {
        match key.split_once('.') {
            None => self.0.push((key.to_string(), Node::Leaf(change))),
            Some((head, rest)) => {
                let branch = match self.0.iter_mut().find(|(k, _)| k == head) {
                    Some((_, Node::Branch(tree))) => tree,
                    _ => {
                        self.0
                            .push((head.to_string(), Node::Branch(Tree::default())));
                        match self.0.last_mut() {
                            Some((_, Node::Branch(tree))) => tree,
                            _ => unreachable!("a branch was just added"),
                        }
                    }
                };
                branch.insert(rest, change);
            }
        }
    }
}

impl Serialize for Tree {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, node) in &self.0 {
            match node {
                Node::Leaf(change) => map.serialize_entry(key, change)?,
                Node::Branch(tree) => map.serialize_entry(key, tree)?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn period() -> Period {
        Period {
            from: d("2026-02-01"),
            to: d("2026-02-28"),
        }
    }

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn an_empty_period_has_zeros_and_nulls() {
        let f = Figures::compute(period(), d("2026-03-15"), &Tally::default());
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(
            v,
            json!({
                "period": {"from": "2026-02-01", "to": "2026-02-28"},
                "as_at": "2026-03-15",
                "consultations": 0, "families": 0,
                "outcomes": {"advice": 0, "signpost": 0, "early-help": 0, "refer-csc": 0,
                             "urgent": 0, "reconsult": 0},
                "agencies": {},
                "levels": {"1": 0, "2": 0, "3": 0, "4": 0},
                "factors": {},
                "consent": {"given": 0, "refused": 0, "not-asked": 0, "withheld-risk": 0,
                            "not-applicable": 0, "unrecorded": 0},
                "children": {"unborn": 0, "0-4": 0, "5-10": 0, "11-15": 0, "16-17": 0,
                             "unrecorded": 0},
                "referral_rate": null,
                "threshold": {"compared": 0, "agree": 0, "over": 0, "under": 0},
                "diverted": {"count": 0, "escalated": 0, "held": 0, "too_early": 0,
                             "held_rate": null},
                "confidence": {"compared": 0, "mean_before": null, "mean_after": null,
                               "mean_change": null},
                "repeat_consultations": 0,
                "referrals": {"made": 0,
                    "destinations": {"csc": 0, "early-help": 0, "police": 0, "health": 0,
                                     "other": 0},
                    "advised": 0, "advised_not_made": 0, "front_door": 0,
                    "results": {"pending": 0, "nfa": 0, "advice": 0, "early-help": 0,
                                "assessment": 0, "s47": 0, "more-info": 0, "other": 0},
                    "taken_up": 0, "taken_up_rate": null,
                    "re_referrals": 0, "re_referral_rate": null, "disputed": 0},
                "follow_ups": {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "upcoming": 0},
                "oversight": {"audited": 0,
                    "grades": {"outstanding": 0, "good": 0, "requires-improvement": 0,
                               "inadequate": 0},
                    "level_agreed_rate": null, "pathway_agreed_rate": null},
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
            diverted: 5,
            diverted_escalated: 2,
            diverted_held: 1,
            confidence_compared: 4,
            confidence_before_sum: 6,
            confidence_after_sum: 15,
            destinations: counts(&[("csc", 5), ("health", 2)]),
            // 5 to the front door, 1 pending → 4 decided, 1 assessment + 1 s47 taken up.
            front_door_results: counts(&[
                ("pending", 1),
                ("assessment", 1),
                ("s47", 1),
                ("nfa", 2),
            ]),
            re_referrals: 1,
            ages: [(Age::Unborn, 1), (Age::Years(4), 2), (Age::Years(5), 1)]
                .into_iter()
                .collect(),
            children_unrecorded: 3,
            grades: counts(&[("good", 3), ("inadequate", 1)]),
            level_agreed: 3,
            pathway_agreed: 2,
            ..Tally::default()
        };
        let f = Figures::compute(period(), d("2026-03-15"), &t);
        assert_eq!(f.referred(), 3);
        assert_eq!(f.referral_rate, Some(0.375));
        assert_eq!(
            (f.diverted.too_early, f.diverted.held_rate),
            (2, Some(1.0 / 3.0))
        );
        assert_eq!(f.confidence.mean_before, Some(1.5));
        assert_eq!(f.confidence.mean_after, Some(3.75));
        assert_eq!(f.confidence.mean_change, Some(2.25));
        assert_eq!((f.referrals.made, f.referrals.front_door), (7, 5));
        assert_eq!((f.referrals.taken_up, f.referrals.decided), (2, 4));
        assert_eq!(f.referrals.taken_up_rate, Some(0.5));
        assert_eq!(f.referrals.re_referral_rate, Some(0.2));
        assert_eq!(
            serde_json::to_string(&f.children).unwrap(),
            r#"{"unborn":1,"0-4":2,"5-10":1,"11-15":0,"16-17":0,"unrecorded":3}"#
        );
        assert_eq!(f.oversight.audited, 4);
        assert_eq!(f.oversight.level_agreed_rate, Some(0.75));
        assert_eq!(f.oversight.pathway_agreed_rate, Some(0.5));
        // Agencies: only those above 0, in the code list's order (2A before 6).
        let agencies = serde_json::to_string(&f.agencies).unwrap();
        assert_eq!(agencies, r#"{"2A":6,"6":2}"#);
    }

    #[test]
    fn ages_fall_into_their_bands() {
        let band = |a: &str| AgeBand::of(a.parse().unwrap()).key();
        let bands: Vec<&str> = ["unborn", "0", "4", "5", "10", "11", "15", "16", "17"]
            .into_iter()
            .map(band)
            .collect();
        assert_eq!(
            bands,
            [
                "unborn", "0-4", "0-4", "5-10", "5-10", "11-15", "11-15", "16-17", "16-17"
            ]
        );
    }

    #[test]
    fn rates_are_null_when_nothing_is_decided() {
        let t = Tally {
            destinations: counts(&[("csc", 2)]),
            front_door_results: counts(&[("pending", 2)]),
            diverted: 2,
            ..Tally::default()
        };
        let f = Figures::compute(period(), d("2026-03-15"), &t);
        assert_eq!(f.referrals.front_door, 2);
        assert_eq!(f.referrals.taken_up_rate, None);
        assert_eq!(f.referrals.re_referral_rate, Some(0.0));
        assert_eq!((f.diverted.too_early, f.diverted.held_rate), (2, None));
    }

    #[test]
    fn groups_follow_the_code_list_and_names_with_no_organisation_last() {
        let f = Figures::compute(period(), d("2026-03-15"), &Tally::default());
        let mut groups: Vec<(Option<String>, Figures)> = ["6", "10", "2A", "1A"]
            .iter()
            .map(|g| (Some(g.to_string()), f.clone()))
            .collect();
        sort_groups(Grouping::Agency, &mut groups);
        let order: Vec<&str> = groups.iter().filter_map(|g| g.0.as_deref()).collect();
        assert_eq!(order, ["1A", "2A", "6", "10"]);
        let mut groups: Vec<(Option<String>, Figures)> = [None, Some("Oakwood"), Some("Ash")]
            .into_iter()
            .map(|g| (g.map(String::from), f.clone()))
            .collect();
        sort_groups(Grouping::Organisation, &mut groups);
        let order: Vec<String> = groups.iter().map(|g| group_name(g.0.as_deref())).collect();
        assert_eq!(order, ["Ash", "Oakwood", "(not recorded)"]);
    }

    #[test]
    fn a_comparison_gives_the_change_of_each_count_and_rate() {
        let baseline = Tally {
            consultations: 10,
            outcomes: counts(&[("refer-csc", 4), ("advice", 6)]),
            ..Tally::default()
        };
        let current = Tally {
            consultations: 9,
            outcomes: counts(&[("refer-csc", 3), ("advice", 6)]),
            ..Tally::default()
        };
        let jan = Period {
            from: d("2026-01-01"),
            to: d("2026-01-31"),
        };
        let c = Comparison::new(
            Figures::compute(period(), d("2026-03-15"), &current),
            Figures::compute(jan, d("2026-03-15"), &baseline),
        );
        let v = serde_json::to_value(&c.change).unwrap();
        assert_eq!(
            v["consultations"],
            json!({"difference": -1, "relative": -0.1})
        );
        let rate = &v["referral_rate"];
        assert!((rate["difference"].as_f64().unwrap() - (1.0 / 3.0 - 0.4)).abs() < 1e-12);
        assert_eq!(
            v["outcomes"]["urgent"],
            json!({"difference": 0, "relative": null})
        );
        assert_eq!(
            v["referrals"]["taken_up_rate"],
            json!({"difference": null, "relative": null})
        );
        assert!(v.get("period").is_none() && v.get("as_at").is_none());
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert!(keys.contains(&&"oversight".to_string()));
    }

    #[test]
    fn flattened_keys_are_unique_and_cover_every_agency_and_factor() {
        let f = Figures::compute(period(), d("2026-03-15"), &Tally::default());
        let keys: Vec<String> = cells(&f).into_iter().map(|(k, _)| k).collect();
        let unique: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
        for key in [
            "agencies.10",
            "factors.24A",
            "threshold.over",
            "diverted.held_rate",
            "children.16-17",
            "oversight.grades.inadequate",
        ] {
            assert!(keys.contains(&key.to_string()), "{key}");
        }
    }
}
