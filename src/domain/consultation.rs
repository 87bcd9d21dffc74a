//! A consultation (domain brief §2): the record; its draft — the fields as given on the command
//! line, in the form, in an import row or in an amendment, one struct that `consult` and `amend`
//! both take as flags; the rules that turn a draft into a record; and its field table.

use chrono::NaiveDate;
use serde::Serialize;

use super::checklist::{self, Checklist, IndicatorId};
use super::codes::{Agency, Consent, Factor, Mode, Outcome};
use super::fields::record_table;
use super::ids::ConsultationId;
use super::invalid::{FieldName, Invalid, Problem, Words};
use super::record::{Stamp, Timestamp, Voided, follow_up_after, not_after_today};
use super::text::{Note, Text, given};
use super::values::{Children, Confidence, Day, Level, When};

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

    /// The family's pseudonymous reference (a case number or your own code — never a name)
    #[arg(long, value_name = "REF")]
    pub family: Option<Text>,

    /// How many children the worry is about [default: 1]
    #[arg(long, value_name = "N")]
    pub children: Option<Children>,

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

    /// Why your level differs from the suggested one (required when it does)
    #[arg(long, value_name = "TEXT")]
    pub rationale: Option<Note>,

    /// The consultee's confidence before, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_before: Option<Confidence>,

    /// The consultee's confidence after, 1 (not at all) to 5 (fully)
    #[arg(long, value_name = "N")]
    pub confidence_after: Option<Confidence>,

    /// Consent: given, refused, not-asked, withheld-risk or not-applicable
    #[arg(long, value_name = "CODE")]
    pub consent: Option<Consent>,

    /// The pathway agreed: advice, signpost, early-help, refer-csc, urgent or reconsult
    #[arg(long, value_name = "CODE")]
    pub outcome: Option<Outcome>,

    /// What the consultee is worried about, in their words
    #[arg(long, value_name = "TEXT")]
    pub worry: Option<Note>,

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
        rules.checklist.recognised("indicators", &self.indicators)?;
        if let Some(when) = self.follow_up {
            follow_up_after("follow_up", when, date, rules.today)?;
        }
        Ok(())
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
        let indicators = rules.checklist.recognised("indicators", &self.indicators)?;
        let suggested_level = checklist::suggested_level(&rules.checklist.ticked(&indicators));
        let level = self
            .level
            .or(suggested_level)
            .ok_or_else(|| Invalid::missing("level"))?;
        let rationale = given(&self.rationale).cloned();
        if let Some(suggested) = suggested_level
            && suggested != level
            && rationale.is_none()
        {
            return Err(Invalid::rule(
                "rationale",
                Words::new()
                    .field("level")
                    .text(format!(
                        " {level} differs from the suggested level {suggested}: give "
                    ))
                    .field("rationale")
                    .hint_text("record why your judgement differs from the checklist with ")
                    .hint_field("rationale"),
            ));
        }
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
            family: given(&self.family).cloned().expect("checked by missing"),
            children: self.children.unwrap_or_default(),
            factors,
            indicators,
            consultee_level: self.consultee_level,
            level,
            suggested_level,
            rationale,
            confidence_before: self.confidence_before,
            confidence_after: self.confidence_after,
            consent: self.consent,
            outcome: self.outcome.expect("checked by missing"),
            worry: given(&self.worry).cloned(),
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
            strengths: self.strengths.clone(),
            advice: self.advice.clone(),
            follow_up: self.follow_up.map(|d| When::On(Day::Date(d))),
        }
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
        let c = check(&d).unwrap();
        assert_eq!(stamped(&c.draft(), c.stamp()).unwrap(), c);
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
        assert_eq!(cells[12], "C2.1;P3.2");
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
