//! The code lists of the domain brief (§3): agencies, factors, modes, consent, outcomes,
//! referral destinations and results, review statuses. Codes are stored and exported; labels are
//! what people read. Input accepts a code or its alias in any case.

use crate::error::{Error, Result};

/// One entry of a code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub alias: Option<&'static str>,
    pub label: &'static str,
}

const fn code(code: &'static str, alias: &'static str, label: &'static str) -> Code {
    Code {
        code,
        alias: if alias.is_empty() { None } else { Some(alias) },
        label,
    }
}

/// A named list of codes, such as the agencies.
#[derive(Debug)]
pub struct CodeList {
    /// What the list is called in messages ("agency").
    pub name: &'static str,
    pub codes: &'static [Code],
}

impl CodeList {
    /// Finds the code a person typed (code or alias, any case, surrounding space ignored).
    pub fn parse(&self, input: &str) -> Result<&'static Code> {
        let wanted = input.trim();
        self.codes
            .iter()
            .find(|c| {
                c.code.eq_ignore_ascii_case(wanted)
                    || c.alias.is_some_and(|a| a.eq_ignore_ascii_case(wanted))
            })
            .ok_or_else(|| {
                Error::input(format!("{} '{}' is not a valid code", self.name, wanted))
                    .hint(format!("valid {} codes: {}", self.name, self.summary()))
            })
    }

    /// The stored code for what a person typed.
    pub fn canonical(&self, input: &str) -> Result<&'static str> {
        self.parse(input).map(|c| c.code)
    }

    /// The entry for a stored code.
    pub fn get(&self, code: &str) -> Option<&'static Code> {
        self.codes.iter().find(|c| c.code == code)
    }

    /// The label for a stored code, or the code itself if it is not in the list.
    pub fn label<'a>(&self, code: &'a str) -> &'a str {
        match self.get(code) {
            Some(c) => c.label,
            None => code,
        }
    }

    /// "code — label", as `show` prints a code.
    pub fn describe(&self, code: &str) -> String {
        format!("{code} — {}", self.label(code))
    }

    /// "code (alias), code (alias), …" for hints.
    pub fn summary(&self) -> String {
        self.codes
            .iter()
            .map(|c| match c.alias {
                Some(a) => format!("{} ({a})", c.code),
                None => c.code.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// §3.1: the consultee's agency, as the national referral-source codes.
pub static AGENCY: CodeList = CodeList {
    name: "agency",
    codes: &[
        code(
            "1A",
            "family",
            "Individual – family member, relative or carer",
        ),
        code(
            "1B",
            "acquaintance",
            "Individual – acquaintance (neighbour, childminder)",
        ),
        code("1C", "self", "Individual – self"),
        code("1D", "individual", "Individual – other"),
        code("2A", "school", "Schools"),
        code("2B", "education", "Education services"),
        code("3A", "gp", "Health – GP"),
        code("3B", "health-visitor", "Health – health visitor"),
        code("3C", "school-nurse", "Health – school nurse"),
        code(
            "3D",
            "primary-health",
            "Health – other primary health services",
        ),
        code("3E", "ae", "Health – A&E"),
        code("3F", "health-other", "Health – other"),
        code("4", "housing", "Housing"),
        code(
            "5A",
            "adult-social-care",
            "LA services – social care (e.g. adults)",
        ),
        code(
            "5B",
            "la-other",
            "LA services – other internal (e.g. youth offending)",
        ),
        code(
            "5C",
            "la-external",
            "LA services – external (another authority)",
        ),
        code("5D", "early-help", "LA services – early help"),
        code("6", "police", "Police"),
        code(
            "7",
            "legal",
            "Other legal agency (courts, probation, CAFCASS)",
        ),
        code(
            "8",
            "other",
            "Other (children's centres, voluntary organisations)",
        ),
        code("9", "anonymous", "Anonymous"),
        code("10", "unknown", "Unknown"),
    ],
};

/// §3.2: the national "factors identified at assessment" codes.
pub static FACTOR: CodeList = CodeList {
    name: "factor",
    codes: &[
        code("1A", "", "Alcohol misuse – child"),
        code("1B", "", "Alcohol misuse – parent or carer"),
        code("1C", "", "Alcohol misuse – other person in household"),
        code("2A", "", "Drug misuse – child"),
        code("2B", "", "Drug misuse – parent or carer"),
        code("2C", "", "Drug misuse – other person in household"),
        code("3A", "", "Domestic abuse – child"),
        code("3B", "", "Domestic abuse – parent or carer"),
        code("3C", "", "Domestic abuse – other person in household"),
        code("4A", "", "Mental health – child"),
        code("4B", "", "Mental health – parent or carer"),
        code("4C", "", "Mental health – other person in household"),
        code("5A", "", "Learning disability – child"),
        code("5B", "", "Learning disability – parent or carer"),
        code("5C", "", "Learning disability – other person in household"),
        code("6A", "", "Physical disability or illness – child"),
        code("6B", "", "Physical disability or illness – parent or carer"),
        code(
            "6C",
            "",
            "Physical disability or illness – other person in household",
        ),
        code("7A", "", "Young carer"),
        code("8B", "", "Privately fostered – overseas, intends to return"),
        code("8C", "", "Privately fostered – overseas, intends to stay"),
        code("8D", "", "Privately fostered – UK, education placement"),
        code("8E", "", "Privately fostered – UK, family arrangement"),
        code("8F", "", "Privately fostered – other"),
        code("9A", "", "Unaccompanied asylum-seeking child"),
        code("10A", "", "Going or being missing"),
        code("11A", "", "Child sexual exploitation"),
        code("12A", "", "Trafficking"),
        code("13A", "", "Gangs"),
        code("14A", "", "Socially unacceptable behaviour"),
        code("15A", "", "Self-harm"),
        code("16A", "", "Neglect"),
        code("17A", "", "Emotional abuse"),
        code("18B", "", "Physical abuse – child on child"),
        code("18C", "", "Physical abuse – adult on child"),
        code("19B", "", "Sexual abuse – child on child"),
        code("19C", "", "Sexual abuse – adult on child"),
        code("20", "", "Other"),
        code("22A", "", "Female genital mutilation"),
        code("23A", "", "Abuse linked to faith or belief"),
        code("24A", "", "Child criminal exploitation"),
    ],
};

/// §2: how the consultation took place.
pub static MODE: CodeList = CodeList {
    name: "mode",
    codes: &[
        code("surgery", "", "Social work surgery"),
        code("phone", "", "Phone"),
        code("email", "", "Email"),
        code("visit", "", "Joint visit"),
        code("meeting", "", "Partnership meeting"),
    ],
};

/// §2: whether the family's consent was sought and given.
pub static CONSENT: CodeList = CodeList {
    name: "consent",
    codes: &[
        code("given", "", "Consent given"),
        code("refused", "", "Consent refused"),
        code("not-asked", "", "Not asked"),
        code(
            "withheld-risk",
            "",
            "Not sought: asking could put the child at risk of significant harm",
        ),
        code("not-applicable", "", "Not applicable"),
    ],
};

/// §3.3: the pathway agreed at a consultation.
pub static OUTCOME: CodeList = CodeList {
    name: "outcome",
    codes: &[
        code("advice", "", "Advice only — consultee continues to support"),
        code(
            "signpost",
            "",
            "Signposted to community or voluntary services",
        ),
        code(
            "early-help",
            "",
            "Early help assessment / team around the family",
        ),
        code(
            "refer-csc",
            "",
            "Referral to children's social care advised",
        ),
        code(
            "urgent",
            "",
            "Immediate safeguarding action (police, strategy discussion)",
        ),
        code("reconsult", "", "More information needed — consult again"),
    ],
};

/// §3.3: whether an outcome counts as a referral in the figures.
pub fn outcome_counts_as_referral(outcome: &str) -> bool {
    matches!(outcome, "refer-csc" | "urgent")
}

/// §3.4: where a referral was made to.
pub static DESTINATION: CodeList = CodeList {
    name: "referral destination",
    codes: &[
        code("csc", "mash", "Children's social care front door / MASH"),
        code("early-help", "", "Early help hub"),
        code("police", "", "Police"),
        code("health", "camhs", "Health (e.g. CAMHS)"),
        code("other", "", "Other"),
    ],
};

/// §2: who made a referral.
pub static REFERRED_BY: CodeList = CodeList {
    name: "referred by",
    codes: &[
        code("consultee", "", "The consultee"),
        code("advisor", "", "The advisor"),
    ],
};

/// §3.5: what the front door decided about a referral.
pub static RESULT: CodeList = CodeList {
    name: "referral result",
    codes: &[
        code("pending", "", "Pending"),
        code("nfa", "", "No further action"),
        code("advice", "", "Information and advice to the referrer"),
        code("early-help", "", "Stepped down to early help"),
        code("assessment", "", "Social work assessment"),
        code("s47", "", "Strategy discussion / child protection enquiry"),
        code("other", "", "Other"),
    ],
};

/// §3.5: a referral is taken up when the front door assessed or enquired.
pub fn result_is_taken_up(result: &str) -> bool {
    matches!(result, "assessment" | "s47")
}

/// §3.6: where things stand at a review of a consultation.
pub static STATUS: CodeList = CodeList {
    name: "review status",
    codes: &[
        code("ongoing", "", "Ongoing"),
        code("resolved", "", "Resolved"),
        code("escalated", "", "Escalated"),
        code("stepped-down", "", "Stepped down"),
        code("lost-contact", "", "Lost contact"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_code_or_alias_in_any_case() {
        assert_eq!(AGENCY.canonical("2a").unwrap(), "2A");
        assert_eq!(AGENCY.canonical("School").unwrap(), "2A");
        assert_eq!(AGENCY.canonical(" police ").unwrap(), "6");
        assert_eq!(OUTCOME.canonical("REFER-CSC").unwrap(), "refer-csc");
    }

    #[test]
    fn rejects_unknown_codes_listing_the_valid_ones() {
        let err = AGENCY.parse("teacher").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message.contains("agency 'teacher'"), "{}", err.message);
        assert!(err.hints[0].contains("2A (school)"), "{:?}", err.hints);
    }

    #[test]
    fn excluded_factor_codes_are_invalid() {
        for bad in ["8A", "18A", "19A", "21"] {
            assert!(FACTOR.parse(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(FACTOR.canonical("24a").unwrap(), "24A");
    }

    #[test]
    fn codes_are_unique_within_each_list() {
        for list in [
            &AGENCY,
            &FACTOR,
            &MODE,
            &CONSENT,
            &OUTCOME,
            &DESTINATION,
            &REFERRED_BY,
            &RESULT,
            &STATUS,
        ] {
            let mut seen = std::collections::HashSet::new();
            for c in list.codes {
                assert!(
                    seen.insert(c.code.to_lowercase()),
                    "{} repeats {}",
                    list.name,
                    c.code
                );
                if let Some(a) = c.alias {
                    assert!(seen.insert(a.to_lowercase()), "{} repeats {a}", list.name);
                }
            }
        }
    }

    #[test]
    fn referral_outcomes_and_taken_up_results() {
        let referral: Vec<_> = OUTCOME
            .codes
            .iter()
            .filter(|c| outcome_counts_as_referral(c.code))
            .map(|c| c.code)
            .collect();
        assert_eq!(referral, ["refer-csc", "urgent"]);
        let taken: Vec<_> = RESULT
            .codes
            .iter()
            .filter(|c| result_is_taken_up(c.code))
            .map(|c| c.code)
            .collect();
        assert_eq!(taken, ["assessment", "s47"]);
    }
}
