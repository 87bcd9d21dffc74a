//! A consultation (domain brief §2): the record; its draft — the fields as given on the command
//! line, in the form, in an import row or in an amendment, one struct that `consult` and `amend`
//! both take as flags; the rules that turn a draft into a record; and its field table.

use chrono::NaiveDate;
use serde::Serialize;

use super::checklist::{self, Checklist, IndicatorId};
use super::codes::{Agency, Consent, Factor, Mode, Outcome};
use super::family::{FamilyKey, FamilyRule};
use super::fields::record_table;
use super::ids::ConsultationId;
use super::invalid::{FieldName, Invalid, Problem, Words};
use super::record::{Stamp, Timestamp, Voided, follow_up_after, not_after_today};
use super::text::{Note, Text, given};
use super::values::{Age, Ages, Children, Confidence, Day, Level, When};

/// A consultation as stored. Serialises with the field names of the domain brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consultation {
    pub id: ConsultationId,
    pub uuid: uuid::Uuid,
    pub date: NaiveDate,
    pub advisor: Text,
    pub setting: Text,
    pub mode: Mode,
    pub agency: Agency,
    pub role: Option<Text>,
    pub organisation: Option<Text>,
    pub family: Text,
    pub children: Children,
    /// The ages of the children the worry is about; none when they were not given.
    pub ages: Ages,
    pub factors: Vec<Factor>,
    pub indicators: Vec<IndicatorId>,
    pub consultee_level: Option<Level>,
    pub level: Level,
    pub suggested_level: Option<Level>,
    pub rationale: Option<Note>,
    pub confidence_before: Option<Confidence>,
    pub confidence_after: Option<Confidence>,
    pub consent: Option<Consent>,
    pub outcome: Outcome,
    pub worry: Option<Note>,
    pub voice: Option<Note>,
    pub strengths: Option<Note>,
    pub advice: Option<Note>,
    pub follow_up: Option<NaiveDate>,
    pub created_at: Timestamp,
    pub voided: Option<Voided>,
}

/// A consultation's fields as given, before the rules are checked: every one may be missing.
/// Codes, numbers and dates are already typed; whether they fit together is for `consultation`.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Draft {
    /// Date of the consultation: YYYY-MM-DD, DD/MM/YYYY, today or yesterday [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<Day>,

    /// Who gave the consultation [default: CASELOG_ADVISOR, or the config file's `advisor`]
    #[arg(long, env = "CASELOG_ADVISOR", value_name = "NAME")]
    pub advisor: Option<Text>,

    /// Where it took place, e.g. "Oakwood Primary surgery"
    #[arg(long, value_name = "TEXT")]
    pub setting: Option<Text>,

    /// How: surgery, phone, email, visit (joint visit) or meeting [default: surgery]
    #[arg(long, value_name = "MODE")]
    pub mode: Option<Mode>,

    /// The consultee's agency: a referral-source code or alias, e.g. 2A or school, 3B or
    /// health-visitor, 6 or police
    #[arg(long, value_name = "CODE")]
    pub agency: Option<Agency>,

    /// The consultee's role, e.g. DSL, class teacher, health visitor
    #[arg(long, value_name = "TEXT")]
    pub role: Option<Text>,

    /// The consultee's organisation, e.g. "Oakwood Primary School" (whose threshold judgement
    /// it was; the setting is where the conversation happened)
    #[arg(long, value_name = "TEXT")]
    pub organisation: Option<Text>,

    /// The family's pseudonymous reference (a case number or your own code — never a name;
    /// it needs a digit unless the config file sets family_pattern). Spacing, case and hyphens
    /// do not make another family: OAK-0142, oak 0142 and OAK0142 are one
    #[arg(long, value_name = "REF")]
    pub family: Option<Text>,

    /// How many children the worry is about [default: 1, or the number of --age given]
    #[arg(long, value_name = "N")]
    pub children: Option<Children>,

    /// The age of a child the worry is about: 0–17, or unborn for a pregnancy; repeat it for
    /// each child (twins are two ages) or separate ages with ';'
    #[arg(long = "age", value_name = "AGE", value_delimiter = ';')]
    pub ages: Vec<Age>,

    /// A factor code, e.g. 3B (domestic abuse, parent); repeat it or separate codes with ';'
    #[arg(long = "factor", value_name = "CODE", value_delimiter = ';')]
    pub factors: Vec<Factor>,

    /// A checklist indicator ticked, e.g. P3.2; repeat it or separate IDs with ';'
    #[arg(long = "indicator", value_name = "ID", value_delimiter = ';')]
    pub indicators: Vec<IndicatorId>,

    /// The level of need (1–4) the consultee believed before the consultation
    #[arg(long, value_name = "N")]
    pub consultee_level: Option<Level>,

    /// Your judgement of the level of need (1–4) [default: the level the checklist suggests]
    #[arg(long, value_name = "N")]
    pub level: Option<Level>,

    /// Why your level differs from the suggested one, or why this pathway for this level:
    /// required when your level differs from the suggestion, at level 4 without an outcome that
    /// counts as a referral, and at level 1 or 2 with one
    #[arg(long, value_name = "TEXT")]
    pub rationale: Option<Note>,

    /// The consultee's confidence before, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_before: Option<Confidence>,

    /// The consultee's confidence after, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_after: Option<Confidence>,

    /// Consent: given, refused, not-asked, withheld-risk (not sought because asking could put
    /// the child at risk; only with refer-csc or urgent) or not-applicable
    #[arg(long, value_name = "CODE")]
    pub consent: Option<Consent>,

    /// The pathway agreed: advice, signpost, early-help, refer-csc, urgent or reconsult
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<Outcome>,

    /// What the consultee is worried about, in their words
    #[arg(long, value_name = "TEXT")]
    pub worry: Option<Note>,

    /// The child's views and daily experience, as far as the consultee knows them: what is
    /// life like for this child?
    #[arg(long, value_name = "TEXT")]
    pub voice: Option<Note>,

    /// What is working well
    #[arg(long, value_name = "TEXT")]
    pub strengths: Option<Note>,

    /// Advice given and next steps agreed
    #[arg(long, value_name = "TEXT")]
    pub advice: Option<Note>,

    /// When to check back: a date, or +3d / +2w after the consultation
    #[arg(long, value_name = "DATE")]
    pub follow_up: Option<When>,
}

/// What the rules need besides the draft.
#[derive(Clone, Copy)]
pub struct Rules<'a> {
    /// The checklist that suggests a level from the indicators ticked.
    pub checklist: &'a Checklist,
    /// Today's date, which no consultation may be after.
    pub today: NaiveDate,
    /// What a family reference must look like.
    pub family: &'a FamilyRule,
}

/// Why a consultation needs a rationale (domain brief §2): the advisor's judgement departs from
/// what the checklist suggests, or the pathway departs from the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// The advisor's level differs from the level the indicators ticked suggest.
    FromChecklist { level: Level, suggested: Level },
    /// Level 4 with an outcome that does not count as a referral, or level 1 or 2 with one
    /// that does.
    FromLevel { level: Level, outcome: Outcome },
}

impl Departure {
    /// Whether a consultation at `level` needs a rationale, given the level suggested (if any)
    /// and the outcome (once it is known), and why. A level that differs from the suggestion
    /// is named first.
    pub fn find(
        level: Level,
        suggested: Option<Level>,
        outcome: Option<Outcome>,
    ) -> Option<Departure> {
        if let Some(suggested) = suggested
            && suggested != level
        {
            return Some(Departure::FromChecklist { level, suggested });
        }
        let outcome = outcome?;
        let departs = if outcome.counts_as_referral() {
            level.get() <= 2
        } else {
            level.get() == 4
        };
        departs.then_some(Departure::FromLevel { level, outcome })
    }

    /// The refusal of a consultation without a rationale, naming the fields as a surface does.
    fn refusal(self) -> Invalid {
        let words = match self {
            Departure::FromChecklist { level, suggested } => Words::new()
                .field("level")
                .text(format!(
                    " {level} differs from the suggested level {suggested}: give "
                ))
                .field("rationale")
                .hint_text("record why your judgement differs from the checklist with ")
                .hint_field("rationale"),
            Departure::FromLevel { level, outcome } => Words::new()
                .field("level")
                .text(format!(" {level} with "))
                .field("outcome")
                .text(format!(" {outcome}, which {}: give ", counts(outcome)))
                .field("rationale")
                .hint_text(format!("say why this pathway at level {level} with "))
                .hint_field("rationale"),
        };
        Invalid::rule("rationale", words)
    }
}

/// Whether an outcome counts as a referral, in words.
fn counts(outcome: Outcome) -> &'static str {
    if outcome.counts_as_referral() {
        "counts as a referral"
    } else {
        "does not count as a referral"
    }
}

/// Why a rationale is needed, in words (what the form asks about).
impl std::fmt::Display for Departure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Departure::FromChecklist { level, suggested } => write!(
                f,
                "your level {level} differs from the suggested level {suggested}"
            ),
            Departure::FromLevel { level, outcome } => write!(
                f,
                "the outcome {outcome} {} at level {level}",
                counts(outcome)
            ),
        }
    }
}

/// Refuses consent `withheld-risk` with an outcome that does not count as a referral: consent
/// is not sought only because asking could put the child at risk, which calls for a referral.
pub fn consent_fits(consent: Option<Consent>, outcome: Outcome) -> Result<(), Invalid> {
    if consent == Some(Consent::WithheldRisk) && !outcome.counts_as_referral() {
        return Err(Invalid::rule(
            "consent",
            Words::new()
                .field("consent")
                .text(" withheld-risk is only valid with an outcome that counts as a referral (refer-csc or urgent), and ")
                .field("outcome")
                .text(format!(" is {outcome}"))
                .hint_text(
                    "withheld-risk means consent was not sought because asking could put the \
                     child at risk of significant harm; otherwise record given, refused, \
                     not-asked or not-applicable",
                ),
        ));
    }
    Ok(())
}

impl Draft {
    /// The required fields not given, in field order. The level is required only when no
    /// indicator is ticked, since there is then no suggested level to take.
    pub fn missing(&self) -> Vec<FieldName> {
        let mut missing = Vec::new();
        let mut need = |name, given: bool| {
            if !given {
                missing.push(name);
            }
        };
        need("advisor", given(&self.advisor).is_some());
        need("setting", given(&self.setting).is_some());
        need("agency", self.agency.is_some());
        need("family", given(&self.family).is_some());
        need("outcome", self.outcome.is_some());
        need("level", self.level.is_some() || !self.indicators.is_empty());
        missing
    }

    /// Checks the fields given so far against the rules that need no other field: run before
    /// asking for the rest, so that a mistyped flag is caught before anyone answers a question.
    pub fn check_given(&self, rules: Rules) -> Result<(), Invalid> {
        let date = not_after_today("date", self.date.unwrap_or(Day::Today), rules.today)?;
        if let Some(family) = given(&self.family) {
            rules.family.check("family", family)?;
        }
        self.children()?;
        rules.checklist.recognised("indicators", &self.indicators)?;
        if let Some(outcome) = self.outcome {
            consent_fits(self.consent, outcome)?;
        }
        if let Some(when) = self.follow_up {
            follow_up_after("follow_up", when, date, rules.today)?;
        }
        Ok(())
    }

    /// How many children, and their ages in order: the ages' count when ages are given, and a
    /// number of children that disagrees with it is refused.
    pub fn children(&self) -> Result<(Children, Ages), Invalid> {
        let mut ages = self.ages.clone();
        ages.sort();
        if ages.is_empty() {
            return Ok((self.children.unwrap_or_default(), Ages(ages)));
        }
        let counted = u8::try_from(ages.len())
            .ok()
            .and_then(Children::new)
            .ok_or_else(|| {
                Invalid::rule(
                    "ages",
                    Words::new().field("ages").text(format!(
                        " is given {} times: a consultation is about at most {} children",
                        ages.len(),
                        Children::MAX
                    )),
                )
            })?;
        if let Some(given) = self.children
            && given != counted
        {
            return Err(Invalid::rule(
                "children",
                Words::new()
                    .field("children")
                    .text(format!(
                        " {given} disagrees with the {} given with ",
                        ages.len()
                    ))
                    .field("ages")
                    .text(if ages.len() == 1 {
                        " (one age)"
                    } else {
                        " (one age each)"
                    })
                    .hint_text("give one ")
                    .hint_field("ages")
                    .hint_text(" per child (twins are two ages), or leave out ")
                    .hint_field("children"),
            ));
        }
        Ok((counted, Ages(ages)))
    }

    /// Checks the draft against every rule and makes the consultation it describes.
    pub fn consultation(
        &self,
        rules: Rules,
        stamp: Stamp<ConsultationId>,
    ) -> Result<Consultation, Invalid> {
        let missing = self.missing();
        if let Some(first) = missing.first() {
            return Err(Invalid::new(first, Problem::MissingFields(missing)));
        }
        let date = not_after_today("date", self.date.unwrap_or(Day::Today), rules.today)?;
        let family = given(&self.family).cloned().expect("checked by missing");
        rules.family.check("family", &family)?;
        let (children, ages) = self.children()?;
        let indicators = rules.checklist.recognised("indicators", &self.indicators)?;
        let suggested_level = checklist::suggested_level(&rules.checklist.ticked(&indicators));
        let level = self
            .level
            .or(suggested_level)
            .ok_or_else(|| Invalid::missing("level"))?;
        let outcome = self.outcome.expect("checked by missing");
        let rationale = given(&self.rationale).cloned();
        if rationale.is_none()
            && let Some(departure) = Departure::find(level, suggested_level, Some(outcome))
        {
            return Err(departure.refusal());
        }
        consent_fits(self.consent, outcome)?;
        let mut factors = self.factors.clone();
        factors.sort_by_key(|f| self.factors.iter().position(|g| g == f));
        factors.dedup();
        Ok(Consultation {
            id: stamp.id,
            uuid: stamp.uuid,
            date,
            advisor: given(&self.advisor).cloned().expect("checked by missing"),
            setting: given(&self.setting).cloned().expect("checked by missing"),
            mode: self.mode.unwrap_or(Mode::Surgery),
            agency: self.agency.expect("checked by missing"),
            role: given(&self.role).cloned(),
            organisation: given(&self.organisation).cloned(),
            family,
            children,
            ages,
            factors,
            indicators,
            consultee_level: self.consultee_level,
            level,
            suggested_level,
            rationale,
            confidence_before: self.confidence_before,
            confidence_after: self.confidence_after,
            consent: self.consent,
            outcome,
            worry: given(&self.worry).cloned(),
            voice: given(&self.voice).cloned(),
            strengths: given(&self.strengths).cloned(),
            advice: given(&self.advice).cloned(),
            follow_up: self
                .follow_up
                .map(|when| follow_up_after("follow_up", when, date, rules.today))
                .transpose()?,
            created_at: stamp.created_at,
            voided: None,
        })
    }
}

impl Consultation {
    /// The consultation as a draft, for amending: checking it again gives the same record.
    pub fn draft(&self) -> Draft {
        Draft {
            date: Some(Day::Date(self.date)),
            advisor: Some(self.advisor.clone()),
            setting: Some(self.setting.clone()),
            mode: Some(self.mode),
            agency: Some(self.agency),
            role: self.role.clone(),
            organisation: self.organisation.clone(),
            family: Some(self.family.clone()),
            children: Some(self.children),
            ages: self.ages.0.clone(),
            factors: self.factors.clone(),
            indicators: self.indicators.clone(),
            consultee_level: self.consultee_level,
            level: Some(self.level),
            rationale: self.rationale.clone(),
            confidence_before: self.confidence_before,
            confidence_after: self.confidence_after,
            consent: self.consent,
            outcome: Some(self.outcome),
            worry: self.worry.clone(),
            voice: self.voice.clone(),
            strengths: self.strengths.clone(),
            advice: self.advice.clone(),
            follow_up: self.follow_up.map(|d| When::On(Day::Date(d))),
        }
    }

    /// The key its family is compared by (domain brief §2.1).
    pub fn family_key(&self) -> FamilyKey {
        FamilyKey::of(self.family.as_str())
    }

    /// The stamp it was saved with.
    pub fn stamp(&self) -> Stamp<ConsultationId> {
        Stamp {
            id: self.id,
            uuid: self.uuid,
            created_at: self.created_at.clone(),
        }
    }
}

record_table! {
    /// A consultation's fields, in the order of the export's columns (narratives last there).
    pub static FIELDS: Consultation, Draft = [
        id: "ID", Stamp;
        uuid: "UUID", Stamp;
        date: "Date", Required;
        advisor: "Advisor", Required;
        setting: "Setting", Required;
        mode: "Mode", Required;
        agency: "Agency", Required;
        role: "Role", Optional;
        organisation: "Organisation", Optional;
        family: "Family", Required;
        children: "Children", Required;
        ages: "Ages", Optional;
        factors: "Factors", Optional;
        indicators: "Indicators", Optional;
        consultee_level: "Consultee's level", Optional;
        level: "Advisor's level", Required;
        suggested_level: "Suggested level", Derived;
        rationale: "Rationale", Narrative;
        confidence_before: "Confidence before", Optional;
        confidence_after: "Confidence after", Optional;
        consent: "Consent", Optional;
        outcome: "Outcome", Required;
        worry: "Worry", Narrative;
        voice: "Child's voice", Narrative;
        strengths: "Strengths", Narrative;
        advice: "Advice", Narrative;
        follow_up: "Follow-up", Optional;
        created_at: "Recorded", Stamp;
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn draft() -> Draft {
        Draft {
            advisor: Some("Sam".parse().unwrap()),
            setting: Some("Oakwood Primary surgery".parse().unwrap()),
            agency: Some(Agency::School),
            family: Some("F-101".parse().unwrap()),
            outcome: Some(Outcome::EarlyHelp),
            indicators: vec!["C2.1".parse().unwrap(), "P3.2".parse().unwrap()],
            ..Draft::default()
        }
    }

    fn check(d: &Draft) -> Result<Consultation, Invalid> {
        stamped(d, Stamp::new(ConsultationId(1), "2026-03-15T10:00:00Z"))
    }

    fn stamped(d: &Draft, stamp: Stamp<ConsultationId>) -> Result<Consultation, Invalid> {
        let checklist = Checklist::bundled();
        let rules = Rules {
            checklist: &checklist,
            today: today(),
            family: &FamilyRule::default(),
        };
        d.consultation(rules, stamp)
    }

    #[test]
    fn defaults_fill_in() {
        let c = check(&draft()).unwrap();
        assert_eq!(c.date, today());
        assert_eq!(c.mode, Mode::Surgery);
        assert_eq!(c.children.get(), 1);
        assert_eq!(c.suggested_level, Level::new(3));
        assert_eq!(c.level, Level::new(3).unwrap());
    }

    #[test]
    fn a_consultation_round_trips_through_its_draft() {
        let mut d = draft();
        d.level = Level::new(4);
        d.rationale = Some("Several level-3 worries together".parse().unwrap());
        d.follow_up = Some("+2w".parse().unwrap());
        d.factors = vec![Factor::DomesticAbuseCarer];
        d.role = Some("DSL".parse().unwrap());
        d.ages = vec!["9".parse().unwrap(), "unborn".parse().unwrap()];
        d.voice = Some("Says home is noisy at night".parse().unwrap());
        let c = check(&d).unwrap();
        assert_eq!(c.ages.0, [Age::Unborn, Age::Years(9)]);
        assert_eq!(c.children.get(), 2);
        assert_eq!(stamped(&c.draft(), c.stamp()).unwrap(), c);
    }

    #[test]
    fn the_children_are_counted_from_their_ages() {
        let mut d = draft();
        d.ages = vec![Age::Years(4), Age::Years(4)];
        assert_eq!(check(&d).unwrap().children.get(), 2, "twins are two ages");
        d.children = Children::new(2);
        assert!(check(&d).is_ok());
        d.children = Children::new(3);
        let err = check(&d).unwrap_err();
        assert_eq!(err.field, "children");
        assert_eq!(
            err.words(&|n| format!("<{n}>")).0,
            "<children> 3 disagrees with the 2 given with <ages> (one age each)"
        );
        d.ages = vec![Age::Years(1); 31];
        d.children = None;
        assert_eq!(check(&d).unwrap_err().field, "ages");
    }

    #[test]
    fn a_pathway_that_departs_from_the_level_needs_a_rationale() {
        let level = |n, outcome| {
            let mut d = draft();
            d.indicators.clear();
            d.level = Level::new(n);
            d.outcome = Some(outcome);
            d
        };
        let err = check(&level(4, Outcome::Advice)).unwrap_err();
        assert_eq!(err.field, "rationale");
        assert_eq!(
            err.words(&|n| format!("<{n}>")).0,
            "<level> 4 with <outcome> advice, which does not count as a referral: give <rationale>"
        );
        let err = check(&level(2, Outcome::ReferCsc)).unwrap_err();
        assert_eq!(
            err.words(&|n| format!("<{n}>")).0,
            "<level> 2 with <outcome> refer-csc, which counts as a referral: give <rationale>"
        );
        for (n, outcome) in [
            (4, Outcome::Urgent),
            (3, Outcome::Advice),
            (3, Outcome::ReferCsc),
            (1, Outcome::Signpost),
        ] {
            assert!(check(&level(n, outcome)).is_ok(), "{n} {outcome}");
        }
        let mut given = level(1, Outcome::Urgent);
        given.rationale = Some("Police already on their way".parse().unwrap());
        assert!(check(&given).is_ok());
        assert_eq!(
            Departure::find(Level::new(4).unwrap(), None, Some(Outcome::Advice))
                .unwrap()
                .to_string(),
            "the outcome advice does not count as a referral at level 4"
        );
        assert_eq!(Departure::find(Level::new(4).unwrap(), None, None), None);
    }

    #[test]
    fn consent_withheld_for_risk_goes_with_a_referral() {
        let mut d = draft();
        d.consent = Some(Consent::WithheldRisk);
        let err = check(&d).unwrap_err();
        assert_eq!(err.field, "consent");
        assert!(
            err.words(&|n| format!("<{n}>"))
                .0
                .ends_with("and <outcome> is early-help"),
            "{err}"
        );
        d.outcome = Some(Outcome::ReferCsc);
        assert!(check(&d).is_ok());
    }

    #[test]
    fn a_family_reference_needs_a_digit() {
        let mut d = draft();
        d.family = Some("Smith family".parse().unwrap());
        assert_eq!(check(&d).unwrap_err().field, "family");
        let checklist = Checklist::bundled();
        let rule = FamilyRule::pattern("[A-Z ]+").unwrap();
        let rules = Rules {
            checklist: &checklist,
            today: today(),
            family: &rule,
        };
        assert!(
            d.check_given(rules).is_err(),
            "the pattern is case-sensitive"
        );
        d.family = Some("SMITH FAMILY".parse().unwrap());
        assert!(
            d.consultation(rules, Stamp::new(ConsultationId(1), "2026-03-15T10:00:00Z"))
                .is_ok()
        );
        assert_eq!(check(&draft()).unwrap().family_key().as_str(), "F101");
    }

    #[test]
    fn level_differing_from_suggestion_needs_rationale() {
        let mut d = draft();
        d.level = Level::new(2);
        let err = check(&d).unwrap_err();
        assert_eq!(err.field, "rationale");
        let (message, _) = err.words(&|n| format!("<{n}>"));
        assert_eq!(
            message,
            "<level> 2 differs from the suggested level 3: give <rationale>"
        );
        d.rationale = Some(
            "Carer already working with the school nurse"
                .parse()
                .unwrap(),
        );
        assert_eq!(check(&d).unwrap().level.get(), 2);
    }

    #[test]
    fn missing_fields_are_named_together() {
        let d = Draft {
            advisor: Some("Sam".parse().unwrap()),
            setting: Some("  ".parse().unwrap()),
            ..Draft::default()
        };
        let err = check(&d).unwrap_err();
        assert_eq!(
            err.problem,
            Problem::MissingFields(vec!["setting", "agency", "family", "outcome", "level"])
        );
    }

    #[test]
    fn the_table_names_every_column_once_in_export_order() {
        let names: Vec<_> = fields::exported(FIELDS, true).map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "id",
                "uuid",
                "date",
                "advisor",
                "setting",
                "mode",
                "agency",
                "role",
                "organisation",
                "family",
                "children",
                "ages",
                "factors",
                "indicators",
                "consultee_level",
                "level",
                "suggested_level",
                "confidence_before",
                "confidence_after",
                "consent",
                "outcome",
                "follow_up",
                "created_at",
                "rationale",
                "worry",
                "voice",
                "strengths",
                "advice",
            ]
        );
        let c = check(&draft()).unwrap();
        let cells: Vec<String> = fields::exported(FIELDS, false)
            .map(|f| f.text_of(&c))
            .collect();
        assert_eq!(cells[0], "C-1");
        assert_eq!(cells[6], "2A");
        assert_eq!(cells[13], "C2.1;P3.2");
    }

    #[test]
    fn an_import_cell_reads_into_the_draft() {
        let mut d = Draft::default();
        let agency = fields::find(FIELDS, "agency").unwrap();
        (agency.read.unwrap())(&mut d, "health-visitor").unwrap();
        assert_eq!(d.agency, Some(Agency::HealthVisitor));
        let factors = fields::find(FIELDS, "factors").unwrap();
        (factors.read.unwrap())(&mut d, "3B;4b").unwrap();
        assert_eq!(
            d.factors,
            [Factor::DomesticAbuseCarer, Factor::MentalHealthCarer]
        );
        assert!((agency.read.unwrap())(&mut d, "teacher").is_err());
        assert!(agency.clear.is_none());
    }
}
