//! The code lists of the domain brief (§3, §8): agencies, factors, modes, consent, outcomes,
//! referral destinations, who referred, referral results, review statuses and audit grades.
//! Each list is an enum generated from one table (code, alias, label, in list order): codes are
//! what is stored and exported, labels what people read, and input accepts the code or its
//! alias in any case. Anything else is refused with the list of valid values.

use std::fmt;

/// A code that is not in its list, with what was typed and the list it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACode {
    /// What the list is called ("agency").
    pub list: &'static str,
    /// What was typed, trimmed.
    pub given: String,
    /// The valid values, "code (alias), …".
    pub valid: String,
}

impl fmt::Display for NotACode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} '{}' is not a valid code", self.list, self.given)
    }
}

impl std::error::Error for NotACode {}

/// What every code list offers beyond its own enum: the shared reading and describing.
pub trait CodeList: Sized + Copy + 'static {
    /// What the list is called in messages ("agency").
    const NAME: &'static str;
    /// Every code, in list order.
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn alias(self) -> Option<&'static str>;
    fn label(self) -> &'static str;

    /// Finds the code a person typed: code or alias, any case, surrounding space ignored.
    fn parse(input: &str) -> Result<Self, NotACode> {
        let wanted = input.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|c| {
                c.code().eq_ignore_ascii_case(wanted)
                    || c.alias().is_some_and(|a| a.eq_ignore_ascii_case(wanted))
            })
            .ok_or_else(|| NotACode {
                list: Self::NAME,
                given: wanted.to_string(),
                valid: Self::summary(),
            })
    }

    /// The entry for a stored code (exact), if the list has it.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    /// "code — label", as `show` prints a code.
    fn describe(self) -> String {
        format!("{} — {}", self.code(), self.label())
    }

    /// "code (alias), code (alias), …" for hints.
    fn summary() -> String {
        Self::ALL
            .iter()
            .map(|c| match c.alias() {
                Some(a) => format!("{} ({a})", c.code()),
                None => c.code().to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares a code list: an enum whose variants are listed once with their code, optional
/// alias and label, in list order. The enum gets `CodeList`, `FromStr` (code or alias, any
/// case), `Display` (the code), `Ord` in list order, serde as the code, and is stored as the code.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($list:literal) {
            $( $variant:ident = $code:literal $(/ $alias:literal)? : $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $variant, )+
        }

        impl CodeList for $name {
            const NAME: &'static str = $list;
            const ALL: &'static [Self] = &[ $( $name::$variant, )+ ];

            fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            fn alias(self) -> Option<&'static str> {
                match self { $( $name::$variant => code_list!(@alias $($alias)?), )+ }
            }

            fn label(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }
        }

        /// Reads a code or alias as typed; blank is missing.
        impl std::str::FromStr for $name {
            type Err = $crate::domain::invalid::Problem;
            fn from_str(input: &str) -> Result<Self, Self::Err> {
                if input.trim().is_empty() {
                    return Err($crate::domain::invalid::Problem::Missing);
                }
                <$name as CodeList>::parse(input).map_err($crate::domain::invalid::Problem::NotACode)
            }
        }

        impl $crate::domain::fields::Cell for $name {
            fn cell(&self, out: &mut String) {
                out.push_str(self.code());
            }
        }

        impl $crate::domain::fields::Describe for $name {
            fn describe(&self, _: &$crate::domain::checklist::Checklist) -> String {
                CodeList::describe(*self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl $crate::domain::fields::Stored for $name {
            fn stored(&self) -> $crate::domain::fields::Value<'static> {
                $crate::domain::fields::Value::Text(std::borrow::Cow::Borrowed(self.code()))
            }
            fn restore(value: $crate::domain::fields::Value<'_>) -> Option<Self> {
                match value {
                    $crate::domain::fields::Value::Text(t) => <$name as CodeList>::from_code(&t),
                    _ => None,
                }
            }
        }
    };
    (@alias $alias:literal) => { Some($alias) };
    (@alias) => { None };
}

code_list! {
    /// §3.1: the consultee's agency, as the national referral-source codes.
    pub enum Agency ("agency") {
        FamilyMember = "1A" / "family": "Individual – family member, relative or carer",
        Acquaintance = "1B" / "acquaintance": "Individual – acquaintance (neighbour, childminder)",
        SelfReferral = "1C" / "self": "Individual – self",
        IndividualOther = "1D" / "individual": "Individual – other",
        School = "2A" / "school": "Schools",
        Education = "2B" / "education": "Education services",
        Gp = "3A" / "gp": "Health – GP",
        HealthVisitor = "3B" / "health-visitor": "Health – health visitor",
        SchoolNurse = "3C" / "school-nurse": "Health – school nurse",
        PrimaryHealth = "3D" / "primary-health": "Health – other primary health services",
        AccidentAndEmergency = "3E" / "ae": "Health – A&E",
        HealthOther = "3F" / "health-other": "Health – other",
        Housing = "4" / "housing": "Housing",
        AdultSocialCare = "5A" / "adult-social-care": "LA services – social care (e.g. adults)",
        LocalAuthorityOther = "5B" / "la-other": "LA services – other internal (e.g. youth offending)",
        LocalAuthorityExternal = "5C" / "la-external": "LA services – external (another authority)",
        EarlyHelp = "5D" / "early-help": "LA services – early help",
        Police = "6" / "police": "Police",
        Legal = "7" / "legal": "Other legal agency (courts, probation, CAFCASS)",
        Other = "8" / "other": "Other (children's centres, voluntary organisations)",
        Anonymous = "9" / "anonymous": "Anonymous",
        Unknown = "10" / "unknown": "Unknown",
    }
}

code_list! {
    /// §3.2: the national "factors identified at assessment" codes. Suffix A is about the
    /// child, B a parent or carer, C another person in the household.
    pub enum Factor ("factor") {
        AlcoholChild = "1A": "Alcohol misuse – child",
        AlcoholCarer = "1B": "Alcohol misuse – parent or carer",
        AlcoholOther = "1C": "Alcohol misuse – other person in household",
        DrugsChild = "2A": "Drug misuse – child",
        DrugsCarer = "2B": "Drug misuse – parent or carer",
        DrugsOther = "2C": "Drug misuse – other person in household",
        DomesticAbuseChild = "3A": "Domestic abuse – child",
        DomesticAbuseCarer = "3B": "Domestic abuse – parent or carer",
        DomesticAbuseOther = "3C": "Domestic abuse – other person in household",
        MentalHealthChild = "4A": "Mental health – child",
        MentalHealthCarer = "4B": "Mental health – parent or carer",
        MentalHealthOther = "4C": "Mental health – other person in household",
        LearningDisabilityChild = "5A": "Learning disability – child",
        LearningDisabilityCarer = "5B": "Learning disability – parent or carer",
        LearningDisabilityOther = "5C": "Learning disability – other person in household",
        PhysicalDisabilityChild = "6A": "Physical disability or illness – child",
        PhysicalDisabilityCarer = "6B": "Physical disability or illness – parent or carer",
        PhysicalDisabilityOther = "6C": "Physical disability or illness – other person in household",
        YoungCarer = "7A": "Young carer",
        FosteredOverseasReturning = "8B": "Privately fostered – overseas, intends to return",
        FosteredOverseasStaying = "8C": "Privately fostered – overseas, intends to stay",
        FosteredUkEducation = "8D": "Privately fostered – UK, education placement",
        FosteredUkFamily = "8E": "Privately fostered – UK, family arrangement",
        FosteredOther = "8F": "Privately fostered – other",
        UnaccompaniedAsylumSeeker = "9A": "Unaccompanied asylum-seeking child",
        Missing = "10A": "Going or being missing",
        SexualExploitation = "11A": "Child sexual exploitation",
        Trafficking = "12A": "Trafficking",
        Gangs = "13A": "Gangs",
        UnacceptableBehaviour = "14A": "Socially unacceptable behaviour",
        SelfHarm = "15A": "Self-harm",
        Neglect = "16A": "Neglect",
        EmotionalAbuse = "17A": "Emotional abuse",
        PhysicalAbuseByChild = "18B": "Physical abuse – child on child",
        PhysicalAbuseByAdult = "18C": "Physical abuse – adult on child",
        SexualAbuseByChild = "19B": "Sexual abuse – child on child",
        SexualAbuseByAdult = "19C": "Sexual abuse – adult on child",
        OtherFactor = "20": "Other",
        FemaleGenitalMutilation = "22A": "Female genital mutilation",
        FaithOrBelief = "23A": "Abuse linked to faith or belief",
        CriminalExploitation = "24A": "Child criminal exploitation",
    }
}

code_list! {
    /// §2: how the consultation took place.
    pub enum Mode ("mode") {
        Surgery = "surgery": "Social work surgery",
        Phone = "phone": "Phone",
        Email = "email": "Email",
        Visit = "visit": "Joint visit",
        Meeting = "meeting": "Partnership meeting",
    }
}

code_list! {
    /// §2: whether the family's consent was sought and given.
    pub enum Consent ("consent") {
        Given = "given": "Consent given",
        Refused = "refused": "Consent refused",
        NotAsked = "not-asked": "Not asked",
        WithheldRisk = "withheld-risk":
            "Not sought: asking could put the child at risk of significant harm",
        NotApplicable = "not-applicable": "Not applicable",
    }
}

code_list! {
    /// §3.3: the pathway agreed at a consultation.
    pub enum Outcome ("outcome") {
        Advice = "advice": "Advice only — consultee continues to support",
        Signpost = "signpost": "Signposted to community or voluntary services",
        EarlyHelp = "early-help": "Early help assessment / team around the family",
        ReferCsc = "refer-csc": "Referral to children's social care advised",
        Urgent = "urgent": "Immediate safeguarding action (police, strategy discussion)",
        Reconsult = "reconsult": "More information needed — consult again",
    }
}

impl Outcome {
    /// §3.3: whether the outcome counts as a referral in the figures.
    pub fn counts_as_referral(self) -> bool {
        matches!(self, Outcome::ReferCsc | Outcome::Urgent)
    }

    /// §5: a pathway other than children's social care agreed with a consultee who believed
    /// the child needed it (level 4): a diversion. `reconsult` decides nothing yet, so it is
    /// not one.
    pub fn diverts(self) -> bool {
        matches!(
            self,
            Outcome::Advice | Outcome::Signpost | Outcome::EarlyHelp
        )
    }
}

code_list! {
    /// §3.4: where a referral was made to.
    pub enum Destination ("referral destination") {
        Csc = "csc" / "mash": "Children's social care front door / MASH",
        EarlyHelp = "early-help": "Early help hub",
        Police = "police": "Police",
        Health = "health" / "camhs": "Health (e.g. CAMHS)",
        Other = "other": "Other",
    }
}

impl Destination {
    /// §3.5: a referral to children's social care is a front-door referral; results, take-up
    /// and re-referrals are figures of these alone.
    pub fn is_front_door(self) -> bool {
        self == Destination::Csc
    }

    /// §5: a referral that ends a diversion — the family was referred after all.
    pub fn escalates(self) -> bool {
        matches!(self, Destination::Csc | Destination::Police)
    }
}

code_list! {
    /// §2: who made a referral.
    pub enum ReferredBy ("referred by") {
        Consultee = "consultee": "The consultee",
        Advisor = "advisor": "The advisor",
    }
}

code_list! {
    /// §3.5: what the front door decided about a referral.
    pub enum ReferralResult ("referral result") {
        Pending = "pending": "Pending",
        Nfa = "nfa": "No further action",
        Advice = "advice": "Information and advice to the referrer",
        EarlyHelp = "early-help": "Stepped down to early help",
        Assessment = "assessment": "Social work assessment",
        S47 = "s47": "Strategy discussion / child protection enquiry",
        MoreInfo = "more-info": "Returned to the referrer for more information",
        Other = "other": "Other",
    }
}

impl ReferralResult {
    /// §3.5: a referral is taken up when the front door assessed or enquired.
    pub fn is_taken_up(self) -> bool {
        matches!(self, ReferralResult::Assessment | ReferralResult::S47)
    }
}

code_list! {
    /// §3.6: where things stand at a review of a consultation.
    pub enum ReviewStatus ("review status") {
        Ongoing = "ongoing": "Ongoing",
        Resolved = "resolved": "Resolved",
        Escalated = "escalated": "Escalated",
        SteppedDown = "stepped-down": "Stepped down",
        LostContact = "lost-contact": "Lost contact",
    }
}

code_list! {
    /// §8: a manager's grade of a decision looked at in an audit.
    pub enum Grade ("grade") {
        Outstanding = "outstanding": "Outstanding",
        Good = "good": "Good",
        RequiresImprovement = "requires-improvement": "Requires improvement",
        Inadequate = "inadequate": "Inadequate",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_code_or_alias_in_any_case() {
        assert_eq!("2a".parse::<Agency>().unwrap(), Agency::School);
        assert_eq!("School".parse::<Agency>().unwrap(), Agency::School);
        assert_eq!(" police ".parse::<Agency>().unwrap(), Agency::Police);
        assert_eq!("REFER-CSC".parse::<Outcome>().unwrap(), Outcome::ReferCsc);
        assert_eq!("MASH".parse::<Destination>().unwrap(), Destination::Csc);
        assert_eq!(Agency::School.to_string(), "2A");
    }

    #[test]
    fn rejects_unknown_codes_listing_the_valid_ones() {
        let err = Agency::parse("teacher").unwrap_err();
        assert_eq!(err.to_string(), "agency 'teacher' is not a valid code");
        assert!(err.valid.contains("2A (school)"), "{}", err.valid);
    }

    #[test]
    fn excluded_factor_codes_are_invalid() {
        for bad in ["8A", "18A", "19A", "21"] {
            assert!(bad.parse::<Factor>().is_err(), "{bad} should be rejected");
        }
        assert_eq!(
            "24a".parse::<Factor>().unwrap(),
            Factor::CriminalExploitation
        );
    }

    fn unique<C: CodeList>() {
        let mut seen = std::collections::HashSet::new();
        for c in C::ALL {
            assert!(
                seen.insert(c.code().to_lowercase()),
                "{} repeats {}",
                C::NAME,
                c.code()
            );
            if let Some(a) = c.alias() {
                assert!(seen.insert(a.to_lowercase()), "{} repeats {a}", C::NAME);
            }
        }
    }

    #[test]
    fn codes_are_unique_within_each_list() {
        unique::<Agency>();
        unique::<Factor>();
        unique::<Mode>();
        unique::<Consent>();
        unique::<Outcome>();
        unique::<Destination>();
        unique::<ReferredBy>();
        unique::<ReferralResult>();
        unique::<ReviewStatus>();
        unique::<Grade>();
    }

    #[test]
    fn list_order_is_the_order_of_the_table() {
        assert!(Agency::School < Agency::Police);
        assert!(Agency::Police < Agency::Unknown);
        assert_eq!(Agency::ALL.len(), 22);
        assert_eq!(Factor::ALL.len(), 41);
    }

    #[test]
    fn referral_outcomes_and_taken_up_results() {
        let referral: Vec<_> = Outcome::ALL
            .iter()
            .filter(|o| o.counts_as_referral())
            .map(|o| o.code())
            .collect();
        assert_eq!(referral, ["refer-csc", "urgent"]);
        let taken: Vec<_> = ReferralResult::ALL
            .iter()
            .filter(|r| r.is_taken_up())
            .map(|r| r.code())
            .collect();
        assert_eq!(taken, ["assessment", "s47"]);
    }
}
