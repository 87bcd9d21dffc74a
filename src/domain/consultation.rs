//! A consultation (domain brief §2): the record itself, the raw answers a person gives (from flags
//! or prompts), and the validation that turns one into the other.

use chrono::NaiveDate;
use serde::Serialize;

use super::checklist::{self, Checklist};
use super::codes::{AGENCY, CONSENT, FACTOR, MODE, OUTCOME};
use super::dates;
use super::ids::serialize_consultation_id;
use super::text::{self, given};
use crate::error::{Error, Result};

/// A consultation as stored. Serialises with the field names of the domain brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consultation {
    #[serde(serialize_with = "serialize_consultation_id")]
    pub id: i64,
    pub uuid: String,
    pub date: NaiveDate,
    pub advisor: String,
    pub setting: String,
    pub mode: String,
    pub agency: String,
    pub role: Option<String>,
    pub family: String,
    pub children: u32,
    pub factors: Vec<String>,
    pub indicators: Vec<String>,
    pub consultee_level: Option<u8>,
    pub level: u8,
    pub suggested_level: Option<u8>,
    pub rationale: Option<String>,
    pub confidence_before: Option<u8>,
    pub confidence_after: Option<u8>,
    pub consent: Option<String>,
    pub outcome: String,
    pub worry: Option<String>,
    pub strengths: Option<String>,
    pub advice: Option<String>,
    pub follow_up: Option<NaiveDate>,
    pub created_at: String,
    pub voided: Option<Voided>,
}

/// Why and when a record was voided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Voided {
    pub at: String,
    pub reason: String,
}

/// What a person gave for a consultation, before validation: every field as typed.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub date: Option<String>,
    pub advisor: Option<String>,
    pub setting: Option<String>,
    pub mode: Option<String>,
    pub agency: Option<String>,
    pub role: Option<String>,
    pub family: Option<String>,
    pub children: Option<String>,
    pub factors: Vec<String>,
    pub indicators: Vec<String>,
    pub consultee_level: Option<String>,
    pub level: Option<String>,
    pub rationale: Option<String>,
    pub confidence_before: Option<String>,
    pub confidence_after: Option<String>,
    pub consent: Option<String>,
    pub outcome: Option<String>,
    pub worry: Option<String>,
    pub strengths: Option<String>,
    pub advice: Option<String>,
    pub follow_up: Option<String>,
}

/// Largest number of children one consultation can be about.
pub const CHILDREN_MAX: u32 = 30;

/// A level of need, 1 to 4.
pub fn parse_level(field: &str, input: &str) -> Result<u8> {
    parse_number(field, input, 1, 4, "a level of need from 1 to 4")
}

/// A consultee's confidence, 1 (not at all) to 5 (fully).
pub fn parse_confidence(field: &str, input: &str) -> Result<u8> {
    parse_number(
        field,
        input,
        1,
        5,
        "1 (not at all confident) to 5 (fully confident)",
    )
}

pub fn parse_children(field: &str, input: &str) -> Result<u32> {
    parse_number(
        field,
        input,
        1,
        CHILDREN_MAX as u8,
        "a number of children from 1 to 30",
    )
    .map(u32::from)
}

fn parse_number(field: &str, input: &str, min: u8, max: u8, valid: &str) -> Result<u8> {
    let text = input.trim();
    // Digits only: Rust would also read "+2" as 2.
    Some(text)
        .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u8>().ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Error::input(format!("{field} '{text}' is not valid"))
                .hint(format!("{field} is {valid}"))
        })
}

/// Factor codes typed as repeated flags or `;`/`,` lists: canonical and de-duplicated, in order.
pub fn parse_factors<S: AsRef<str>>(field: &str, inputs: &[S]) -> Result<Vec<String>> {
    let mut factors: Vec<String> = Vec::new();
    for input in inputs {
        for part in checklist::split_list(input.as_ref()) {
            let code = FACTOR
                .canonical(part)
                .map_err(|e| e.context(field))?
                .to_string();
            if !factors.contains(&code) {
                factors.push(code);
            }
        }
    }
    Ok(factors)
}

/// The flags that must be given when nobody can be asked.
pub const REQUIRED: [&str; 5] = [
    "--advisor",
    "--setting",
    "--agency",
    "--family",
    "--outcome",
];

impl Draft {
    /// The required fields still missing, by flag. `--level` is required when no indicator is
    /// ticked, since there is then no suggested level to default to.
    pub fn missing(&self) -> Vec<&'static str> {
        let required = [
            &self.advisor,
            &self.setting,
            &self.agency,
            &self.family,
            &self.outcome,
        ];
        let mut missing: Vec<_> = REQUIRED
            .iter()
            .zip(required)
            .filter(|(_, value)| given(value).is_none())
            .map(|(flag, _)| *flag)
            .collect();
        let ticked = self
            .indicators
            .iter()
            .any(|i| checklist::split_list(i).next().is_some());
        if !ticked && given(&self.level).is_none() {
            missing.push("--level");
        }
        missing
    }

    /// Checks every field and derives the suggested level. `uuid` and `created_at` are given by
    /// the caller; the ID is assigned when the consultation is saved.
    pub fn validate(
        &self,
        checklist: &Checklist,
        today: NaiveDate,
        uuid: String,
        created_at: String,
    ) -> Result<Consultation> {
        let c = self.validate_except_rationale(checklist, today, uuid, created_at)?;
        if c.needs_rationale() {
            let (level, suggested) = (c.level, c.suggested_level.unwrap_or_default());
            return Err(Error::input(format!(
                "--level {level} differs from the suggested level {suggested}: give --rationale"
            ))
            .hint("record why your judgement differs from the checklist with --rationale TEXT"));
        }
        Ok(c)
    }

    /// Checks every field as `validate` does, except the rule that a level differing from the
    /// suggested one needs a rationale: `amend` words that refusal for the record it corrects.
    pub fn validate_except_rationale(
        &self,
        checklist: &Checklist,
        today: NaiveDate,
        uuid: String,
        created_at: String,
    ) -> Result<Consultation> {
        let missing = self.missing();
        if !missing.is_empty() {
            return Err(Error::input(format!("missing {}", missing.join(", ")))
                .hint("give them as flags, or run `caselog consult` at a terminal to be asked"));
        }
        self.build(checklist, today, uuid, created_at, true)
    }

    /// Checks the fields that were given, ignoring those still missing: run before asking for
    /// the rest, so that a mistyped flag is caught before anyone answers a question.
    pub fn check_given(&self, checklist: &Checklist, today: NaiveDate) -> Result<()> {
        self.build(checklist, today, String::new(), String::new(), false)
            .map(|_| ())
    }

    fn build(
        &self,
        checklist: &Checklist,
        today: NaiveDate,
        uuid: String,
        created_at: String,
        complete: bool,
    ) -> Result<Consultation> {
        // A required field is checked when given; while incomplete, a missing one is left empty.
        let required = |field: &str, v: &Option<String>, check: &dyn Fn(&str) -> Result<String>| {
            match given(v) {
                Some(v) => check(v),
                None => Ok(String::new()),
            }
            .map_err(|e: Error| {
                if e.message.starts_with(field) {
                    e
                } else {
                    e.context(field)
                }
            })
        };
        let short = |field: &'static str| move |v: &str| text::short(field, v);
        let note = |field: &str, v: &Option<String>| match v {
            Some(v) => text::note(field, v),
            None => Ok(None),
        };

        let date = match given(&self.date) {
            Some(d) => dates::parse_past_date("--date", d, today)?,
            None => today,
        };
        let indicators = checklist.parse_indicators("--indicator", &self.indicators)?;
        let suggested_level = checklist::suggested_level(&checklist.ticked(&indicators));
        let given_level = given(&self.level)
            .map(|l| parse_level("--level", l))
            .transpose()?;
        let level = match given_level.or(suggested_level) {
            Some(level) => level,
            None if complete => {
                return Err(Error::input("missing --level")
                    .hint("no indicator is ticked, so give your judgement of the level (1–4)"));
            }
            None => 0, // only checking the fields given so far
        };
        let rationale = note("--rationale", &self.rationale)?;
        let code = |list: &'static super::codes::CodeList| {
            move |v: &str| list.canonical(v).map(str::to_string)
        };
        Ok(Consultation {
            id: 0,
            uuid,
            date,
            advisor: required("--advisor", &self.advisor, &short("--advisor"))?,
            setting: required("--setting", &self.setting, &short("--setting"))?,
            mode: match given(&self.mode) {
                Some(m) => MODE.canonical(m).map_err(|e| e.context("--mode"))?,
                None => "surgery",
            }
            .to_string(),
            agency: required("--agency", &self.agency, &code(&AGENCY))?,
            role: given(&self.role)
                .map(|r| text::short("--role", r))
                .transpose()?,
            family: required("--family", &self.family, &short("--family"))?,
            children: match given(&self.children) {
                Some(c) => parse_children("--children", c)?,
                None => 1,
            },
            factors: parse_factors("--factor", &self.factors)?,
            indicators,
            consultee_level: given(&self.consultee_level)
                .map(|l| parse_level("--consultee-level", l))
                .transpose()?,
            level,
            suggested_level,
            rationale,
            confidence_before: given(&self.confidence_before)
                .map(|c| parse_confidence("--confidence-before", c))
                .transpose()?,
            confidence_after: given(&self.confidence_after)
                .map(|c| parse_confidence("--confidence-after", c))
                .transpose()?,
            consent: given(&self.consent)
                .map(|c| CONSENT.canonical(c).map_err(|e| e.context("--consent")))
                .transpose()?
                .map(str::to_string),
            outcome: required("--outcome", &self.outcome, &code(&OUTCOME))?,
            worry: note("--worry", &self.worry)?,
            strengths: note("--strengths", &self.strengths)?,
            advice: note("--advice", &self.advice)?,
            follow_up: given(&self.follow_up)
                .map(|f| dates::parse_follow_up("--follow-up", f, date, today))
                .transpose()?,
            created_at,
            voided: None,
        })
    }
}

impl Consultation {
    /// Whether the advisor's level differs from the suggested one with no rationale given.
    pub fn needs_rationale(&self) -> bool {
        self.suggested_level.is_some_and(|s| s != self.level) && self.rationale.is_none()
    }

    /// The stored record as a draft, for amending: validating it again gives the same record
    /// (apart from `uuid` and `created_at`, which the caller keeps).
    pub fn draft(&self) -> Draft {
        let text = |v: Option<u8>| v.map(|n| n.to_string());
        Draft {
            date: Some(self.date.to_string()),
            advisor: Some(self.advisor.clone()),
            setting: Some(self.setting.clone()),
            mode: Some(self.mode.clone()),
            agency: Some(self.agency.clone()),
            role: self.role.clone(),
            family: Some(self.family.clone()),
            children: Some(self.children.to_string()),
            factors: self.factors.clone(),
            indicators: self.indicators.clone(),
            consultee_level: text(self.consultee_level),
            level: Some(self.level.to_string()),
            rationale: self.rationale.clone(),
            confidence_before: text(self.confidence_before),
            confidence_after: text(self.confidence_after),
            consent: self.consent.clone(),
            outcome: Some(self.outcome.clone()),
            worry: self.worry.clone(),
            strengths: self.strengths.clone(),
            advice: self.advice.clone(),
            follow_up: self.follow_up.map(|d| d.to_string()),
        }
    }

    /// Every field that can change, by name, as text (for amendments).
    pub fn fields(&self) -> Vec<(&'static str, Option<String>)> {
        let text = |v: Option<u8>| v.map(|n| n.to_string());
        let list = |v: &[String]| (!v.is_empty()).then(|| v.join(";"));
        vec![
            ("date", Some(self.date.to_string())),
            ("advisor", Some(self.advisor.clone())),
            ("setting", Some(self.setting.clone())),
            ("mode", Some(self.mode.clone())),
            ("agency", Some(self.agency.clone())),
            ("role", self.role.clone()),
            ("family", Some(self.family.clone())),
            ("children", Some(self.children.to_string())),
            ("factors", list(&self.factors)),
            ("indicators", list(&self.indicators)),
            ("consultee_level", text(self.consultee_level)),
            ("level", Some(self.level.to_string())),
            ("suggested_level", text(self.suggested_level)),
            ("rationale", self.rationale.clone()),
            ("confidence_before", text(self.confidence_before)),
            ("confidence_after", text(self.confidence_after)),
            ("consent", self.consent.clone()),
            ("outcome", Some(self.outcome.clone())),
            ("worry", self.worry.clone()),
            ("strengths", self.strengths.clone()),
            ("advice", self.advice.clone()),
            ("follow_up", self.follow_up.map(|d| d.to_string())),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
    }

    fn draft() -> Draft {
        Draft {
            advisor: Some("Sam".into()),
            setting: Some("Oakwood Primary surgery".into()),
            agency: Some("school".into()),
            family: Some("F-101".into()),
            outcome: Some("early-help".into()),
            indicators: vec!["C2.1".into(), "P3.2".into()],
            ..Draft::default()
        }
    }

    #[test]
    fn a_consultation_round_trips_through_its_draft() {
        let mut d = draft();
        d.level = Some("4".into());
        d.rationale = Some("Several level-3 worries together".into());
        d.follow_up = Some("+2w".into());
        d.factors = vec!["3B".into()];
        d.role = Some("DSL".into());
        let c = validate(&d).unwrap();
        assert_eq!(validate(&c.draft()).unwrap(), c);
    }

    fn validate(d: &Draft) -> Result<Consultation> {
        d.validate(&Checklist::bundled(), today(), "u".into(), "t".into())
    }

    #[test]
    fn defaults_fill_in() {
        let c = validate(&draft()).unwrap();
        assert_eq!(c.date, today());
        assert_eq!(c.mode, "surgery");
        assert_eq!(c.agency, "2A");
        assert_eq!(c.children, 1);
        assert_eq!(c.suggested_level, Some(3));
        assert_eq!(c.level, 3);
    }

    #[test]
    fn level_differing_from_suggestion_needs_rationale() {
        let mut d = draft();
        d.level = Some("2".into());
        let err = validate(&d).unwrap_err();
        assert!(err.message.contains("--rationale"), "{}", err.message);
        d.rationale = Some("Carer already working with the school nurse".into());
        assert_eq!(validate(&d).unwrap().level, 2);
    }

    #[test]
    fn missing_fields_are_named_together() {
        let d = Draft {
            advisor: Some("Sam".into()),
            ..Draft::default()
        };
        let err = validate(&d).unwrap_err();
        assert_eq!(
            err.message,
            "missing --setting, --agency, --family, --outcome, --level"
        );
    }

    #[test]
    fn numbers_are_range_checked() {
        for (field, bad) in [
            ("level", "5"),
            ("level", "0"),
            ("confidence", "6"),
            ("children", "0"),
        ] {
            let mut d = draft();
            match field {
                "level" => d.consultee_level = Some(bad.into()),
                "confidence" => d.confidence_before = Some(bad.into()),
                _ => d.children = Some(bad.into()),
            }
            assert_eq!(validate(&d).unwrap_err().exit_code(), 2, "{field} {bad}");
        }
    }

    #[test]
    fn factors_are_canonical_and_unique() {
        assert_eq!(
            parse_factors("--factor", &["3b", "4B;3B", "16a"]).unwrap(),
            ["3B", "4B", "16A"]
        );
        assert!(
            parse_factors("--factor", &["8A"])
                .unwrap_err()
                .message
                .starts_with("--factor")
        );
    }
}
