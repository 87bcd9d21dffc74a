//! The second edition of the figures (DOMAIN §5), end to end: every key of `report` for a month
//! and for a from–to period on a fixture worked out by hand below — diversions that held or
//! came back as referrals, the front door's results, re-referrals with the same-day tie,
//! follow-ups answered on time, late or not at all, and audits — in JSON, the table and CSV;
//! `--by organisation`, `--against`, the weekly list agreeing with `follow_ups.overdue`, and
//! the figures the monthly export writes.

use serde_json::{Value, json};

use crate::common::{TestEnv, json};

/// The fixture logbook. Today (`as_at`) is 2026-03-15. Every consultation is by Sam Advisor at
/// Oakwood Primary surgery; "cl" is the consultee's level, "lvl" the advisor's (from the
/// indicators: C2.1 → 2, P3.2 → 3, C4.1 → 4).
///
/// | ID   | date       | family | agency | organisation           | cl | lvl | outcome    | consent       | ages / children | factors | confidence | follow-up  |
/// |------|------------|--------|--------|------------------------|----|-----|------------|---------------|-----------------|---------|------------|------------|
/// | C-1  | 2024-11-20 | RR-3   | 6      |                        |    | 3   | refer-csc  |               | 1               |         |            |            |
/// | C-2  | 2025-01-08 | RR-2   | 2A     |                        |    | 3   | refer-csc  |               | 1               |         |            |            |
/// | C-3  | 2025-10-20 | FU-5   | 2A     |                        |    | 2   | advice     |               | 1               |         |            | 2025-11-10 |
/// | C-4  | 2025-11-03 | DIV-1  | 2A     | Oakwood Primary School | 4  | 3   | early-help | given         | 4;9             | 3B;4B   | 1 → 3      |            |
/// | C-5  | 2025-11-05 | DIV-2  | 3B     |                        | 4  | 3   | signpost   | refused       | unborn          | 3B      |            |            |
/// | C-6  | 2025-11-10 | DIV-3  | 6      |                        | 4  | 3   | advice     |               | 3 children      |         |            |            |
/// | C-7  | 2025-11-12 | DIV-4  | 6      |                        | 4  | 4   | urgent     | withheld-risk | 1               |         |            |            |
/// | C-8  | 2025-11-12 | DIV-4  | 2A     |                        | 4  | 3   | early-help |               | 1               |         |            |            |
/// | C-9  | 2025-11-14 | RC-1   | 2A     |                        | 4  | 3   | reconsult  |               | 1               |         |            |            |
/// | C-10 | 2025-11-15 | RR-2   | 2A     | Oakwood Primary School | 3  | 3   | refer-csc  |               | 1               |         |            |            |
/// | C-11 | 2025-11-20 | RR-1   | 3A     | Northgate GP practice  | 2  | 3   | refer-csc  |               | 1               |         |            | 2025-11-27 |
/// | C-12 | 2025-11-25 | rr 3   | 6      |                        |    | 3   | refer-csc  |               | 1               |         |            |            |
/// | C-13 | 2025-11-08 | RR-4   | 2A     |                        | 4  | 3   | refer-csc  |               | 16              |         |            |            |
/// | C-14 | 2025-11-18 | FU-1   | 2A     |                        |    | 2   | advice     | not-asked     | 1               | 16A     |            | 2025-11-25 |
/// | C-15 | 2025-11-19 | FU-2   | 2A     |                        |    | 2   | early-help |               | 1               |         |            |            |
/// | C-16 | 2025-11-26 | FU-3   | 2A     |                        |    | 2   | early-help |               | 1               |         |            | 2025-11-30 |
/// | C-17 | 2025-11-28 | FU-4   | 2A     |                        | 1  | 2   | advice     |               | 1               |         | 2 → 4      | 2026-03-15 |
/// | C-18 | 2026-01-20 | DIV-5  | 3B     |                        | 4  | 3   | early-help | given         | 7               |         |            | 2026-03-14 |
/// | C-19 | 2025-11-21 | X-9    | 2A     |                        |    | 3   | refer-csc  |               | 1               |         |            | 2025-11-24 | voided
///
/// C-12's "rr 3" has the key of RR-3 (C-1), and is stored under that spelling.
///
/// | referral | from | to     | date       | result (review)                 | note                                         |
/// |----------|------|--------|------------|---------------------------------|----------------------------------------------|
/// | R-1      | C-1  | csc    | 2024-11-25 | pending                         | 365 days before R-10                         |
/// | R-2      | C-2  | csc    | 2025-01-10 | pending                         | 309 days before R-7                          |
/// | R-3      | C-4  | csc    | 2026-02-01 | assessment (V-1, 2026-02-10)    | day 90 after C-4: C-4 escalated              |
/// | R-4      | C-5  | health | 2025-11-15 | pending                         | CAMHS: does not end a diversion              |
/// | R-5      | C-5  | csc    | 2026-02-04 | pending                         | day 91 after C-5: too late to escalate it    |
/// | R-6      | C-6  | police | 2025-12-01 | pending                         | police: C-6 escalated                        |
/// | R-7      | C-10 | csc    | 2025-11-15 | s47 (V-2, 2025-11-20)           | re-referral                            |
/// | R-8      | C-11 | csc    | 2025-11-20 | nfa, disputed (V-3, 2025-11-21) | first of a same-day pair: not a re-referral  |
/// | R-9      | C-11 | csc    | 2025-11-20 | more-info (V-4, 2025-11-24)     | second of the pair (higher ID): re-referral  |
/// | R-10     | C-12 | csc    | 2025-11-25 | pending                         | re-referral (R-1, exactly 365 days before)   |
/// | R-11     | C-13 | csc    | 2025-11-08 | –                               | voided                                       |
/// | R-12     | C-13 | csc    | 2025-11-22 | assessment (V-5, 2025-11-29)    | not a re-referral: R-11 is voided            |
///
/// Reviews of consultations: V-6 C-11 on 2025-11-27 (answers its follow-up on its date);
/// V-7 C-14 on 2025-11-28 (answers the follow-up of 2025-11-25 late) setting 2025-12-12;
/// V-8 C-15 on 2025-11-22 setting 2025-11-29; V-9 C-15 on 2025-11-22, a higher ID on the same
/// day, answering V-8's follow-up.
///
/// Audits: A-1 C-10 2025-12-01 good, level yes, pathway yes; A-2 C-10 2025-12-05
/// requires-improvement, yes, no; A-3 C-11 2025-12-02 outstanding, no, yes; A-4 C-14 2025-12-03
/// inadequate (voided); A-5 C-4 2025-12-10 good, yes, yes; A-6 C-4 2025-12-10 inadequate, no,
/// no (the same date: the higher A-number is the latest); A-7 C-18 2026-02-01 good, yes, yes.
pub fn fixture() -> TestEnv {
    let env = TestEnv::new();
    record_fixture(&env);
    assert_eq!(
        env.sql("SELECT family FROM consultation WHERE id = 12"),
        [["RR-3"]]
    );
    env
}

/// Records the fixture above in `env`'s logbook, a file or a team logbook, through the
/// commands a user types.
pub fn record_fixture(env: &TestEnv) {
    let consult = |expected: &str, extra: &[&str]| {
        assert_eq!(env.consult(extra), expected);
    };
    let l3 = ["--indicator", "P3.2"];
    let with = |a: &[&'static str], b: &[&'static str]| [a, b].concat();
    consult(
        "C-1",
        &with(
            &l3,
            &[
                "--date",
                "2024-11-20",
                "--family",
                "RR-3",
                "--agency",
                "police",
                "--outcome",
                "refer-csc",
            ],
        ),
    );
    consult(
        "C-2",
        &with(
            &l3,
            &[
                "--date",
                "2025-01-08",
                "--family",
                "RR-2",
                "--outcome",
                "refer-csc",
            ],
        ),
    );
    consult(
        "C-3",
        &[
            "--date",
            "2025-10-20",
            "--family",
            "FU-5",
            "--outcome",
            "advice",
            "--follow-up",
            "2025-11-10",
        ],
    );
    consult(
        "C-4",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-03",
                "--family",
                "DIV-1",
                "--organisation",
                "Oakwood Primary School",
                "--consultee-level",
                "4",
                "--consent",
                "given",
                "--age",
                "4;9",
                "--factor",
                "3B;4B",
                "--confidence-before",
                "1",
                "--confidence-after",
                "3",
            ],
        ),
    );
    consult(
        "C-5",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-05",
                "--family",
                "DIV-2",
                "--agency",
                "health-visitor",
                "--consultee-level",
                "4",
                "--outcome",
                "signpost",
                "--consent",
                "refused",
                "--age",
                "unborn",
                "--factor",
                "3B",
            ],
        ),
    );
    consult(
        "C-6",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-10",
                "--family",
                "DIV-3",
                "--agency",
                "police",
                "--consultee-level",
                "4",
                "--outcome",
                "advice",
                "--children",
                "3",
            ],
        ),
    );
    consult(
        "C-7",
        &[
            "--date",
            "2025-11-12",
            "--family",
            "DIV-4",
            "--agency",
            "police",
            "--indicator",
            "C4.1",
            "--consultee-level",
            "4",
            "--outcome",
            "urgent",
            "--consent",
            "withheld-risk",
        ],
    );
    consult(
        "C-8",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-12",
                "--family",
                "DIV-4",
                "--consultee-level",
                "4",
            ],
        ),
    );
    consult(
        "C-9",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-14",
                "--family",
                "RC-1",
                "--consultee-level",
                "4",
                "--outcome",
                "reconsult",
            ],
        ),
    );
    consult(
        "C-10",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-15",
                "--family",
                "RR-2",
                "--organisation",
                "Oakwood Primary School",
                "--consultee-level",
                "3",
                "--outcome",
                "refer-csc",
            ],
        ),
    );
    consult(
        "C-11",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-20",
                "--family",
                "RR-1",
                "--agency",
                "gp",
                "--organisation",
                "Northgate GP practice",
                "--consultee-level",
                "2",
                "--outcome",
                "refer-csc",
                "--follow-up",
                "2025-11-27",
            ],
        ),
    );
    consult(
        "C-12",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-25",
                "--family",
                "rr 3",
                "--agency",
                "police",
                "--outcome",
                "refer-csc",
            ],
        ),
    );
    consult(
        "C-13",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-08",
                "--family",
                "RR-4",
                "--consultee-level",
                "4",
                "--outcome",
                "refer-csc",
                "--age",
                "16",
            ],
        ),
    );
    consult(
        "C-14",
        &[
            "--date",
            "2025-11-18",
            "--family",
            "FU-1",
            "--outcome",
            "advice",
            "--consent",
            "not-asked",
            "--factor",
            "16A",
            "--follow-up",
            "2025-11-25",
        ],
    );
    consult("C-15", &["--date", "2025-11-19", "--family", "FU-2"]);
    consult(
        "C-16",
        &[
            "--date",
            "2025-11-26",
            "--family",
            "FU-3",
            "--follow-up",
            "2025-11-30",
        ],
    );
    consult(
        "C-17",
        &[
            "--date",
            "2025-11-28",
            "--family",
            "FU-4",
            "--consultee-level",
            "1",
            "--outcome",
            "advice",
            "--confidence-before",
            "2",
            "--confidence-after",
            "4",
            "--follow-up",
            "2026-03-15",
        ],
    );
    consult(
        "C-18",
        &with(
            &l3,
            &[
                "--date",
                "2026-01-20",
                "--family",
                "DIV-5",
                "--agency",
                "health-visitor",
                "--consultee-level",
                "4",
                "--consent",
                "given",
                "--age",
                "7",
                "--follow-up",
                "2026-03-14",
            ],
        ),
    );
    consult(
        "C-19",
        &with(
            &l3,
            &[
                "--date",
                "2025-11-21",
                "--family",
                "X-9",
                "--outcome",
                "refer-csc",
                "--follow-up",
                "2025-11-24",
            ],
        ),
    );
    for (expected, from, to, date) in [
        ("R-1", "C-1", "csc", "2024-11-25"),
        ("R-2", "C-2", "csc", "2025-01-10"),
        ("R-3", "C-4", "csc", "2026-02-01"),
        ("R-4", "C-5", "health", "2025-11-15"),
        ("R-5", "C-5", "csc", "2026-02-04"),
        ("R-6", "C-6", "police", "2025-12-01"),
        ("R-7", "C-10", "csc", "2025-11-15"),
        ("R-8", "C-11", "csc", "2025-11-20"),
        ("R-9", "C-11", "csc", "2025-11-20"),
        ("R-10", "C-12", "csc", "2025-11-25"),
        ("R-11", "C-13", "csc", "2025-11-08"),
        ("R-12", "C-13", "csc", "2025-11-22"),
    ] {
        let out = env.ok(&["refer", from, "--to", to, "--date", date, "--json"]);
        assert_eq!(json(&out)["id"], expected);
    }
    for args in [
        &[
            "review",
            "R-3",
            "--result",
            "assessment",
            "--date",
            "2026-02-10",
        ][..],
        &["review", "R-7", "--result", "s47", "--date", "2025-11-20"],
        &[
            "review",
            "R-8",
            "--result",
            "nfa",
            "--date",
            "2025-11-21",
            "--dispute",
            "DSL escalated: the disclosure was not weighed",
        ],
        &[
            "review",
            "R-9",
            "--result",
            "more-info",
            "--date",
            "2025-11-24",
        ],
        &[
            "review",
            "R-12",
            "--result",
            "assessment",
            "--date",
            "2025-11-29",
        ],
        &[
            "review",
            "C-11",
            "--status",
            "ongoing",
            "--date",
            "2025-11-27",
        ],
        &[
            "review",
            "C-14",
            "--status",
            "ongoing",
            "--date",
            "2025-11-28",
            "--follow-up",
            "2025-12-12",
        ],
        &[
            "review",
            "C-15",
            "--status",
            "ongoing",
            "--date",
            "2025-11-22",
            "--follow-up",
            "2025-11-29",
        ],
        &[
            "review",
            "C-15",
            "--status",
            "ongoing",
            "--date",
            "2025-11-22",
        ],
    ] {
        env.ok(args);
    }
    for (of, date, grade, level, pathway) in [
        ("C-10", "2025-12-01", "good", "yes", "yes"),
        ("C-10", "2025-12-05", "requires-improvement", "yes", "no"),
        ("C-11", "2025-12-02", "outstanding", "no", "yes"),
        ("C-14", "2025-12-03", "inadequate", "no", "no"),
        ("C-4", "2025-12-10", "good", "yes", "yes"),
        ("C-4", "2025-12-10", "inadequate", "no", "no"),
        ("C-18", "2026-02-01", "good", "yes", "yes"),
    ] {
        env.ok(&[
            "audit",
            of,
            "--date",
            date,
            "--auditor",
            "Pat Manager",
            "--grade",
            grade,
            "--level-agreed",
            level,
            "--pathway-agreed",
            pathway,
        ]);
    }
    for id in ["R-11", "A-4", "C-19"] {
        env.ok(&["void", id, "--reason", "Entered in error"]);
    }
}

/// November 2025, worked by hand from the fixture (C-19, R-11 and A-4 voided):
///
/// - consultations: C-4 … C-17 = 14; families: DIV-1, DIV-2, DIV-3, DIV-4 (C-7 and C-8), RC-1,
///   RR-2, RR-1, RR-3, RR-4, FU-1, FU-2, FU-3, FU-4 = 13.
/// - outcomes: advice C-6, C-14, C-17 = 3; signpost C-5 = 1; early-help C-4, C-8, C-15, C-16 =
///   4; refer-csc C-10 … C-13 = 4; urgent C-7 = 1; reconsult C-9 = 1.
/// - agencies: 2A C-4, C-8, C-9, C-10, C-13 … C-17 = 9; 3A C-11; 3B C-5; 6 C-6, C-7, C-12 = 3.
/// - levels: 2 C-14 … C-17 = 4; 3 C-4, C-5, C-6, C-8 … C-13 = 9; 4 C-7 = 1.
/// - factors: 3B C-4, C-5 = 2; 4B C-4; 16A C-14. consent: given C-4, refused C-5, not-asked
///   C-14, withheld-risk C-7, unrecorded the other 10.
/// - children: C-4 ages 4 and 9, C-5 unborn, C-13 16; unrecorded: C-6's 3 and one each for the
///   other 10 = 13.
/// - referral_rate: refer-csc 4 + urgent 1 = 5 of 14.
/// - threshold: both levels on C-4 … C-11, C-13, C-17 = 10; agree C-7 (4 = 4), C-10 (3 = 3);
///   over C-4, C-5, C-6, C-8, C-9, C-13 (4 > 3) = 6; under C-11 (2 < 3), C-17 (1 < 2).
/// - diverted (consultee said 4; advice, signpost or early-help): C-4, C-5, C-6, C-8 = 4 (C-9 is
///   reconsult, C-7 and C-13 referrals). Escalated: C-4 (R-3 to csc on day 90, 2026-02-01),
///   C-6 (R-6 to police), C-8 (C-7 urgent the same day, lower ID) = 3. C-5's R-4 went to
///   health and R-5 came on day 91 (2026-02-04): not escalated, and its 90 days ended
///   2026-02-03, before as_at: held. Too early: none. held_rate 1 of (1 + 3) = 0.25.
/// - confidence: C-4 (1 → 3), C-17 (2 → 4): means 1.5 and 3.5, change 2.
/// - repeat_consultations: C-8 (C-7 the same day, lower ID), C-10 (C-2 on 2025-01-08) = 2;
///   C-7 (C-8 has a higher ID) and C-12 (C-1 is 370 days before) are not.
/// - referrals dated in November, R-12 = 6 (R-11 voided; R-6 is in
///   December); destinations csc 5, health 1. advised 5 (C-7, C-10 … C-13), of which no
///   referral recorded from C-7 = 1.
/// - front door: R-7 s47, R-8 nfa (disputed), R-9 more-info, R-10 pending, R-12 assessment = 5;
///   taken up R-7, R-12 = 2 of the 4 decided = 0.5; re-referrals R-7, R-9 (R-8 the same
///   day, lower ID), R-10 (R-1, 365 days before) = 3 of 5 = 0.6; R-12 is not (R-11 voided);
///   disputed R-8 = 1.
/// - follow-ups due in November: C-3's (set in October, due 11-10) not answered: overdue; C-11's
///   (11-27) answered by V-6 on 11-27: on time; C-14's (11-25) answered by V-7 on 11-28: late;
///   V-8's (11-29) answered by V-9 the same day: on time; C-16's (11-30) not answered: overdue;
///   C-19's is voided. due 5 = on time 2 + late 1 + overdue 2 + upcoming 0.
/// - oversight: C-4 (A-6: inadequate, no, no), C-10 (A-2: requires-improvement, yes, no), C-11
///   outstanding, no, yes) = 3 audited (C-14's only audit is voided); level agreed 1 of
///   3, pathway agreed 1 of 3.
fn november() -> Value {
    json!({
        "period": {"from": "2025-11-01", "to": "2025-11-30"},
        "as_at": "2026-03-15",
        "consultations": 14,
        "families": 13,
        "outcomes": {"advice": 3, "signpost": 1, "early-help": 4, "refer-csc": 4, "urgent": 1,
                     "reconsult": 1},
        "agencies": {"2A": 9, "3A": 1, "3B": 1, "6": 3},
        "levels": {"1": 0, "2": 4, "3": 9, "4": 1},
        "factors": {"3B": 2, "4B": 1, "16A": 1},
        "consent": {"given": 1, "refused": 1, "not-asked": 1, "withheld-risk": 1,
                    "not-applicable": 0, "unrecorded": 10},
        "children": {"unborn": 1, "0-4": 1, "5-10": 1, "11-15": 0, "16-17": 1,
                     "unrecorded": 13},
        "referral_rate": 5.0 / 14.0,
        "threshold": {"compared": 10, "agree": 2, "over": 6, "under": 2},
        "diverted": {"count": 4, "escalated": 3, "held": 1, "too_early": 0, "held_rate": 0.25},
        "confidence": {"compared": 2, "mean_before": 1.5, "mean_after": 3.5,
                       "mean_change": 2.0},
        "repeat_consultations": 2,
        "referrals": {
            "made": 6,
            "destinations": {"csc": 5, "early-help": 0, "police": 0, "health": 1, "other": 0},
            "advised": 5,
            "advised_not_made": 1,
            "front_door": 5,
            "results": {"pending": 1, "nfa": 1, "advice": 0, "early-help": 0, "assessment": 1,
                        "s47": 1, "more-info": 1, "other": 0},
            "taken_up": 2,
            "taken_up_rate": 0.5,
            "re_referrals": 3,
            "re_referral_rate": 0.6,
            "disputed": 1,
        },
        "follow_ups": {"due": 5, "on_time": 2, "late": 1, "overdue": 2, "upcoming": 0},
        "oversight": {
            "audited": 3,
            "grades": {"outstanding": 1, "good": 0, "requires-improvement": 1, "inadequate": 1},
            "level_agreed_rate": 1.0 / 3.0,
            "pathway_agreed_rate": 1.0 / 3.0,
        },
    })
}

/// 2025-11-01 to 2026-03-31, worked by hand: November's figures and
///
/// - C-18 (2026-01-20): consultations 15, families 14 (DIV-5), early-help 5, 3B 2, level 3 10,
///   consent given 2, a child of 7 (5-10: 2), referral_rate 5 of 15, threshold compared 11
///   with over 7 (4 > 3). C-18 is a diversion whose 90 days end 2026-04-20, after as_at, and
///   nothing escalated it: too early. diverted: 5 = escalated 3 + held 1 + too early 1.
/// - referrals: also R-6 (police, 12-01), R-3 (csc, 2026-02-01, assessment) and R-5 (csc,
///   2026-02-04, pending): made 9, csc 7, police 1, health 1; front door 7 with pending 2, nfa
///   1, assessment 2, s47 1, more-info 1; taken up 3 of 5 decided = 0.6; are their
///   families' first front-door referrals: re-referrals 3 of 7; disputed 1.
/// - follow-ups: also V-7's (2025-12-12) and C-18's (2026-03-14), not answered and before as_at:
///   overdue; C-17's (2026-03-15, as_at itself): upcoming. due 8 = 2 + 1 + 4 + 1.
/// - oversight: also C-18 (A-7: good, yes, yes): 4 audited, a grade each; level agreed 2 of 4,
///   pathway agreed 2 of 4.
fn november_to_march() -> Value {
    let mut v = november();
    let set = |v: &mut Value, path: &str, value: Value| {
        let mut at = v;
        let keys: Vec<&str> = path.split('.').collect();
        for key in &keys[..keys.len() - 1] {
            at = &mut at[*key];
        }
        at[keys[keys.len() - 1]] = value;
    };
    for (path, value) in [
        ("period", json!({"from": "2025-11-01", "to": "2026-03-31"})),
        ("consultations", json!(15)),
        ("families", json!(14)),
        ("outcomes.early-help", json!(5)),
        ("agencies.3B", json!(2)),
        ("levels.3", json!(10)),
        ("consent.given", json!(2)),
        ("children.5-10", json!(2)),
        ("referral_rate", json!(5.0 / 15.0)),
        (
            "threshold",
            json!({"compared": 11, "agree": 2, "over": 7, "under": 2}),
        ),
        (
            "diverted",
            json!({"count": 5, "escalated": 3, "held": 1, "too_early": 1, "held_rate": 0.25}),
        ),
        ("referrals.made", json!(9)),
        (
            "referrals.destinations",
            json!({"csc": 7, "early-help": 0, "police": 1, "health": 1, "other": 0}),
        ),
        ("referrals.front_door", json!(7)),
        (
            "referrals.results",
            json!({"pending": 2, "nfa": 1, "advice": 0, "early-help": 0, "assessment": 2,
                   "s47": 1, "more-info": 1, "other": 0}),
        ),
        ("referrals.taken_up", json!(3)),
        ("referrals.taken_up_rate", json!(0.6)),
        ("referrals.re_referral_rate", json!(3.0 / 7.0)),
        (
            "follow_ups",
            json!({"due": 8, "on_time": 2, "late": 1, "overdue": 4, "upcoming": 1}),
        ),
        (
            "oversight",
            json!({"audited": 4,
                   "grades": {"outstanding": 1, "good": 1, "requires-improvement": 1,
                              "inadequate": 1},
                   "level_agreed_rate": 0.5, "pathway_agreed_rate": 0.5}),
        ),
    ] {
        set(&mut v, path, value);
    }
    v
}

#[test]
fn a_month_gives_every_figure_of_the_second_edition_as_worked_by_hand() {
    let env = fixture();
    let out = env.ok(&["report", "--month", "2025-11", "--format", "json"]);
    assert_eq!(json(&out), november());
}

#[test]
fn a_from_to_period_gives_every_figure_as_worked_by_hand() {
    let env = fixture();
    let out = env.ok(&[
        "report",
        "--from",
        "2025-11-01",
        "--to",
        "2026-03-31",
        "--format",
        "json",
    ]);
    assert_eq!(json(&out), november_to_march());
}

#[test]
fn the_table_shows_every_rate_with_its_numerator_and_denominator_as_at_today() {
    let env = fixture();
    let out = env.ok(&["report", "--month", "2025-11"]);
    for expected in [
        "Figures from 2025-11-01 to 2025-11-30, as at 2026-03-15",
        "  Referral advised (refer-csc or urgent)       5 of 14, 36%",
        "  Level 3                                      9 of 14, 64%",
        "  3B          2 of 14, 14%     Domestic abuse – parent or carer",
        "  unrecorded     10 of 14, 71%    Not recorded",
        "  withheld-risk  1 of 14, 7%      Not sought: asking could put the child at risk of significant harm",
        "  Ages not recorded                            13 of 17, 76%",
        "Diverted: consultee said level 4, advice, signpost or early help agreed (4)",
        "  Escalated (family referred within 90 days)   3 of 4, 75%",
        "  Held (90 days over, not referred)            1 of 4, 25%",
        "  Held of those known (held or escalated)      1 of 4, 25%",
        "  Advised but no referral recorded             1 of 5, 20%",
        "Front-door referrals (to csc) made in the period (5)",
        "  Taken up (assessment or s47) of decided      2 of 4, 50%",
        "  Re-referral (family referred in year before) 3 of 5, 60%",
        "  Decision disputed                            1 of 5, 20%",
        "Follow-ups falling due in the period (5)",
        "  Answered late                                1 of 5, 20%",
        "  Overdue (not answered, date passed)          2 of 5, 40%",
        "  Audited                                      3 of 14, 21%",
        "  Graded requires improvement                  1 of 3, 33%",
        "  Auditor agreed with the level                1 of 3, 33%",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
}

#[test]
fn csv_has_every_key_as_a_column_and_every_figure_as_a_number() {
    let env = fixture();
    let out = env.ok(&["report", "--month", "2025-11", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| {
        let i = header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"));
        rows[0][i].to_string()
    };
    for (key, value) in [
        ("period.from", "2025-11-01"),
        ("as_at", "2026-03-15"),
        ("consultations", "14"),
        ("agencies.1A", "0"),
        ("factors.16A", "1"),
        ("factors.24A", "0"),
        ("consent.unrecorded", "10"),
        ("children.16-17", "1"),
        ("diverted.held_rate", "0.25"),
        ("referrals.destinations.health", "1"),
        ("referrals.re_referral_rate", "0.6"),
        ("follow_ups.late", "1"),
        ("oversight.grades.inadequate", "1"),
    ] {
        assert_eq!(cell(key), value, "{key}");
    }
    // Every figure of the JSON has its column, under its flattened key.
    fn flatten(prefix: &str, v: &Value, keys: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, keys);
                }
            }
            _ => keys.push(prefix.to_string()),
        }
    }
    let mut keys = Vec::new();
    flatten("", &november(), &mut keys);
    for key in keys {
        assert!(header.iter().any(|h| h == key), "no column {key}");
    }
}

/// November by organisation: a row per organisation as typed, and "(not recorded)" for the
/// consultations with none, last. Referrals, follow-ups and audits count under their
/// consultation's organisation.
///
/// - Northgate GP practice: C-11 (3A, refer-csc, consultee 2 < 3): R-8 nfa disputed and R-9
///   more-info (re-referral) → front door 2, taken up 0 of 2, re-referrals 1 of 2; its
///   follow-up answered on time; A-3.
/// - Oakwood Primary School: C-4 (diverted, escalated), C-10 (refer-csc, a repeat): R-7 s47
///   (re-referral) → taken up 1 of 1; audited 2.
/// - (not recorded): the other 11 consultations; the follow-ups of C-3,
///   C-14, C-15 and C-16.
#[test]
fn by_organisation_gives_a_row_to_consultations_with_none_recorded() {
    let env = fixture();
    let out = json(&env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--by",
        "organisation",
        "--format",
        "json",
    ]));
    assert_eq!(out["by"], "organisation");
    assert_eq!(out["as_at"], "2026-03-15");
    let groups = out["groups"].as_array().unwrap();
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Northgate GP practice",
            "Oakwood Primary School",
            "(not recorded)"
        ]
    );
    let (north, oak, none) = (&groups[0], &groups[1], &groups[2]);
    assert_eq!(north["consultations"], 1);
    assert_eq!(north["threshold"]["under"], 1);
    assert_eq!(north["referrals"]["front_door"], 2);
    assert_eq!(north["referrals"]["taken_up_rate"], 0.0);
    assert_eq!(north["referrals"]["re_referrals"], 1);
    assert_eq!(north["referrals"]["disputed"], 1);
    assert_eq!(
        north["follow_ups"],
        json!({"due": 1, "on_time": 1, "late": 0, "overdue": 0, "upcoming": 0})
    );
    assert_eq!(north["oversight"]["grades"]["outstanding"], 1);
    assert_eq!(oak["consultations"], 2);
    assert_eq!(oak["repeat_consultations"], 1);
    assert_eq!(
        oak["diverted"],
        json!({"count": 1, "escalated": 1, "held": 0, "too_early": 0, "held_rate": 0.0})
    );
    assert_eq!(oak["referrals"]["taken_up_rate"], 1.0);
    assert_eq!(oak["oversight"]["audited"], 2);
    assert_eq!(none["consultations"], 11);
    assert_eq!(none["referrals"]["made"], 3);
    assert_eq!(none["referrals"]["advised_not_made"], 1);
    assert_eq!(
        none["follow_ups"],
        json!({"due": 4, "on_time": 1, "late": 1, "overdue": 2, "upcoming": 0})
    );
    // The rows add up to the whole month.
    let whole = november();
    for key in ["consultations", "families"] {
        let sum: u64 = groups.iter().map(|g| g[key].as_u64().unwrap()).sum();
        assert_eq!(sum, whole[key].as_u64().unwrap(), "{key}");
    }

    let table = env.ok(&["report", "--month", "2025-11", "--by", "organisation"]);
    assert!(
        table.starts_with(
            "Figures by organisation from 2025-11-01 to 2025-11-30, as at 2026-03-15\n"
        ),
        "{table}"
    );
    assert!(table.contains("(not recorded)"), "{table}");
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "{widest} columns wide:\n{table}");

    let csv = env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--by",
        "organisation",
        "--format",
        "csv",
    ]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[2][col("group")], "(not recorded)");
    assert_eq!(&rows[0][col("referrals.re_referral_rate")], "0.5");
    assert_eq!(&rows[1][col("oversight.level_agreed_rate")], "0.5");
}

#[test]
fn every_grouping_fits_a_100_column_terminal() {
    let env = fixture();
    for by in ["agency", "organisation", "setting", "advisor", "month"] {
        let out = env.ok(&[
            "report",
            "--from",
            "2025-11-01",
            "--to",
            "2026-03-31",
            "--by",
            by,
        ]);
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 100, "--by {by}: {widest} columns wide:\n{out}");
    }
    let by_agency = env.ok(&["report", "--month", "2025-11", "--by", "agency"]);
    assert!(by_agency.contains("2A Schools"), "{by_agency}");
    assert!(
        by_agency.contains("4 of 6,"),
        "2A over-estimated:\n{by_agency}"
    );
}

/// By month over the from–to period: each record in the month of its own date — R-6 and V-7's
/// follow-up in December, R-3 and R-5 in February, C-17's and C-18's follow-ups in March.
#[test]
fn by_month_counts_each_record_in_the_month_of_its_own_date() {
    let env = fixture();
    let out = json(&env.ok(&[
        "report",
        "--from",
        "2025-11-01",
        "--to",
        "2026-03-31",
        "--by",
        "month",
        "--format",
        "json",
    ]));
    let groups = out["groups"].as_array().unwrap();
    let months: Vec<&str> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(
        months,
        ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    );
    let mut november = november();
    november["period"] = json!({"from": "2025-11-01", "to": "2026-03-31"});
    november["group"] = json!("2025-11");
    assert_eq!(groups[0], november);
    assert_eq!(groups[1]["referrals"]["destinations"]["police"], 1);
    assert_eq!(groups[1]["follow_ups"]["overdue"], 1);
    assert_eq!(groups[2]["diverted"]["too_early"], 1);
    assert_eq!(groups[3]["referrals"]["front_door"], 2);
    assert_eq!(groups[3]["referrals"]["re_referrals"], 0);
    assert_eq!(
        groups[4]["follow_ups"],
        json!({"due": 2, "on_time": 0, "late": 0, "overdue": 1, "upcoming": 1})
    );
}

/// On the day a report is made, its `follow_ups.overdue` for a period is the number of
/// overdue follow-ups on the weekly list that fall due in that period.
#[test]
fn overdue_follow_ups_are_those_of_the_weekly_list() {
    let env = fixture();
    let list = json(&env.ok(&["review", "--format", "json"]));
    let overdue: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["items"].as_array().unwrap())
        .filter(|i| i["kind"] == "follow-up" && i["state"] == "overdue")
        .map(|i| i["date"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(overdue.len(), 4, "{list:#}");
    for (from, to) in [
        ("2025-11-01", "2025-11-30"),
        ("2025-11-01", "2026-03-31"),
        ("2025-12-01", "2025-12-31"),
        ("2026-03-01", "2026-03-31"),
        ("2025-10-01", "2025-11-15"),
    ] {
        let report = json(&env.ok(&["report", "--from", from, "--to", to, "--format", "json"]));
        let listed = overdue
            .iter()
            .filter(|d| from <= d.as_str() && d.as_str() <= to)
            .count();
        assert_eq!(
            report["follow_ups"]["overdue"].as_u64().unwrap(),
            listed as u64,
            "{from}..{to}"
        );
    }
}

/// November against October 2025, whose only consultation is C-3 (advice, 2A, level 2) and
/// which has no referral, follow-up or audit.
#[test]
fn against_sets_the_figures_beside_a_baseline_with_the_change_of_each() {
    let env = fixture();
    let out = json(&env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--against",
        "2025-10-01..2025-10-31",
        "--format",
        "json",
    ]));
    assert_eq!(out["current"], november());
    assert_eq!(
        out["baseline"]["period"],
        json!({"from": "2025-10-01", "to": "2025-10-31"})
    );
    assert_eq!(out["baseline"]["consultations"], 1);
    let change = &out["change"];
    assert_eq!(
        change["consultations"],
        json!({"difference": 13, "relative": 13.0})
    );
    assert_eq!(
        change["outcomes"]["advice"],
        json!({"difference": 2, "relative": 2.0})
    );
    assert_eq!(
        change["outcomes"]["urgent"],
        json!({"difference": 1, "relative": null})
    );
    assert_eq!(
        change["referral_rate"],
        json!({"difference": 5.0 / 14.0, "relative": null})
    );
    assert_eq!(
        change["diverted"]["held_rate"],
        json!({"difference": null, "relative": null})
    );
    assert!(change.get("period").is_none() && change.get("as_at").is_none());
    // --against-month is the same baseline.
    let by_month = json(&env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--against-month",
        "2025-10",
        "--format",
        "json",
    ]));
    assert_eq!(by_month, out);

    let table = env.ok(&["report", "--month", "2025-11", "--against-month", "2025-10"]);
    for expected in [
        "Figures from 2025-11-01 to 2025-11-30 against 2025-10-01 to 2025-10-31, as at 2026-03-15",
        "  Consultations                                1                 14                +13 (+1300%)",
        "  Referral advised (refer-csc or urgent)       0 of 1, 0%        5 of 14, 36%      +36 points",
        "  Falling due                                  0                 5                 +5",
        "  Answered late                                0 of 0            1 of 5, 20%       –",
    ] {
        assert!(table.contains(expected), "missing {expected:?} in\n{table}");
    }
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "{widest} columns wide:\n{table}");

    let csv = env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--against-month",
        "2025-10",
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "figure,baseline,current,difference,relative");
    for expected in [
        "period.from,2025-10-01,2025-11-01,,",
        "consultations,1,14,13,13",
        "referrals.taken_up_rate,,0.5,,",
        "follow_ups.overdue,0,2,2,",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{csv}");
    }
}

#[test]
fn a_bad_baseline_is_refused_naming_its_flag() {
    let env = fixture();
    for (args, message) in [
        (
            &["report", "--against", "2025-10-01"][..],
            "--against '2025-10-01' is not a period",
        ),
        (
            &["report", "--against", "2025-10-31..2025-10-01"],
            "--against 2025-10-31..2025-10-01 ends before it starts",
        ),
        (
            &["report", "--against", "2025-10-01..2025-13-01"],
            "'2025-13-01' is not a date",
        ),
        (
            &["report", "--against-month", "2025-13"],
            "'2025-13' is not a month",
        ),
        (
            &["report", "--against-month", "2028-01"],
            "--against-month 2028-01 is more than a year ahead",
        ),
        (
            &["report", "--against-month", "2025-10", "--by", "agency"],
            "--against-month compares the whole figures of two periods, not row by row: it \
             cannot be given with --by",
        ),
        (
            &[
                "report",
                "--against-month",
                "2025-10",
                "--against",
                "2025-10-01..2025-10-31",
            ],
            "--against",
        ),
    ] {
        let err = env.fails(args, 2);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}
