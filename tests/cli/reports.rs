//! `caselog report`: every figure of DOMAIN §5 for a fixture logbook whose figures are worked
//! out by hand below, for a month, a from–to period and `--by agency`; voided records left out.

use serde_json::{Value, json};

use crate::common::{TestEnv, json};

/// Records a consultation with the harness defaults (advisor Sam Advisor, Oakwood Primary
/// surgery, agency school, family F-1, indicator C2.1 so level 2, early-help) and `extra`.
fn consult(env: &TestEnv, extra: &[&str]) {
    env.consult(extra);
}

/// The fixture logbook, before anything is voided. Today is 2026-03-15 (the harness clock).
///
/// | ID  | date       | family | agency | consultee→level | confidence | outcome    | follow-up  |
/// |-----|------------|--------|--------|-----------------|------------|------------|------------|
/// | C-1 | 2025-03-10 | F-1    | 2A     | –  → 2          |            | advice     |            |
/// | C-2 | 2026-01-20 | F-2    | 6      | 3  → 3          |            | refer-csc  | 2026-02-10 |
/// | C-3 | 2026-02-05 | f-1    | 2A     | 3  → 2          | 2 → 4      | early-help | 2026-02-20 |
/// | C-4 | 2026-02-10 | F-3    | 2A     | 4  → 3          | 1 → 3      | early-help | 2026-03-20 |
/// | C-5 | 2026-02-12 | F-4    | 3B     | 2  → 3          |            | refer-csc  | 2026-02-25 |
/// | C-6 | 2026-02-20 | f-2    | 6      | 4  → 4          | 3 → –      | urgent     | 2026-02-27 |
/// | C-7 | 2026-02-08 | F-3    | 3B     | 4  → 3          |            | refer-csc  | 2026-02-26 | voided
/// | C-8 | 2026-03-02 | F-1    | 3A     | –  → 2          | 4 → 5      | signpost   |            |
/// | C-9 | 2025-02-11 | F-4    | 2A     | –  → 2          |            | advice     |            |
///
/// Referrals: R-1 C-2 2026-01-22 assessment · R-2 C-5 2026-02-13 s47 · R-3 C-6 2026-02-20
/// pending · R-4 C-4 2026-02-11 nfa · R-5 C-6 2026-02-21 assessment (voided).
/// Reviews: V-1 of C-3 2026-02-18 · V-2 of C-6 2026-03-01 · V-3 of R-2 2026-02-20 (s47) ·
/// V-4 of C-2 2026-02-09 (voided).
pub fn fixture() -> TestEnv {
    let env = TestEnv::new();
    let l3 = "P3.2";
    consult(&env, &["--date", "2025-03-10", "--outcome", "advice"]);
    consult(
        &env,
        &[
            "--date",
            "2026-01-20",
            "--family",
            "F-2",
            "--agency",
            "police",
            "--indicator",
            l3,
            "--consultee-level",
            "3",
            "--outcome",
            "refer-csc",
            "--follow-up",
            "2026-02-10",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-02-05",
            "--family",
            "f-1",
            "--consultee-level",
            "3",
            "--confidence-before",
            "2",
            "--confidence-after",
            "4",
            "--follow-up",
            "2026-02-20",
            "--role",
            "DSL",
            "--worry",
            "Late most days",
            "--strengths",
            "Gran helps",
            "--advice",
            "Talk to mum about early help",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-02-10",
            "--family",
            "F-3",
            "--indicator",
            l3,
            "--consultee-level",
            "4",
            "--confidence-before",
            "1",
            "--confidence-after",
            "3",
            "--follow-up",
            "2026-03-20",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-02-12",
            "--family",
            "F-4",
            "--agency",
            "health-visitor",
            "--indicator",
            l3,
            "--consultee-level",
            "2",
            "--outcome",
            "refer-csc",
            "--follow-up",
            "2026-02-25",
            "--factor",
            "3B;4B",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-02-20",
            "--family",
            "f-2",
            "--agency",
            "police",
            "--indicator",
            "C4.1",
            "--consultee-level",
            "4",
            "--confidence-before",
            "3",
            "--outcome",
            "urgent",
            "--follow-up",
            "2026-02-27",
            "--setting",
            "=HYPERLINK(\"http://x\")",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-02-08",
            "--family",
            "F-3",
            "--agency",
            "3B",
            "--indicator",
            l3,
            "--consultee-level",
            "4",
            "--outcome",
            "refer-csc",
            "--follow-up",
            "2026-02-26",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2026-03-02",
            "--agency",
            "gp",
            "--outcome",
            "signpost",
            "--confidence-before",
            "4",
            "--confidence-after",
            "5",
        ],
    );
    consult(
        &env,
        &[
            "--date",
            "2025-02-11",
            "--family",
            "F-4",
            "--outcome",
            "advice",
        ],
    );

    // Referrals and reviews go in through import, linked by consultation/referral ID.
    std::fs::write(
        env.path("referrals.csv"),
        "consultation,date,to,by,urgent,result,result_date,reason\n\
         C-2,2026-01-22,csc,consultee,no,assessment,2026-01-29,Neglect concerns\n\
         C-5,2026-02-13,csc,advisor,yes,s47,2026-02-20,Unexplained bruise\n\
         C-6,2026-02-20,police,consultee,yes,pending,,\n\
         C-4,2026-02-11,csc,consultee,no,nfa,2026-02-18,\n\
         C-6,2026-02-21,csc,consultee,no,assessment,2026-02-28,\n",
    )
    .unwrap();
    env.ok(&["import", "--records", "referrals", "referrals.csv"]);
    std::fs::write(
        env.path("reviews.csv"),
        "consultation,referral,date,status,result,note\n\
         C-3,,2026-02-18,ongoing,,Attendance better\n\
         C-6,,2026-03-01,resolved,,\n\
         ,R-2,2026-02-20,,s47,\n\
         C-2,,2026-02-09,ongoing,,\n",
    )
    .unwrap();
    env.ok(&["import", "--records", "reviews", "reviews.csv"]);
    env
}

/// Voids C-7, R-5 and V-4 directly (the `void` command lives elsewhere).
pub fn void_some(env: &TestEnv) {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    for table in [
        "consultation WHERE id = 7",
        "referral WHERE id = 5",
        "review WHERE id = 4",
    ] {
        let (table, filter) = table.split_once(' ').unwrap();
        conn.execute(
            &format!(
                "UPDATE {table} SET voided_at = '2026-03-10T09:00:00Z', \
                 void_reason = 'entered in error' {filter}"
            ),
            [],
        )
        .unwrap();
    }
}

/// The whole fixture, voids included.
pub fn voided_fixture() -> TestEnv {
    let env = fixture();
    void_some(&env);
    env
}

fn results(pairs: &[(&str, u64)]) -> Value {
    let mut all = json!({"pending": 0, "nfa": 0, "advice": 0, "early-help": 0,
                         "assessment": 0, "s47": 0, "more-info": 0,
                         "other": 0});
    for (k, v) in pairs {
        all[*k] = json!(v);
    }
    all
}

fn outcomes(pairs: &[(&str, u64)]) -> Value {
    let mut all = json!({"advice": 0, "signpost": 0, "early-help": 0, "refer-csc": 0,
                         "urgent": 0, "reconsult": 0});
    for (k, v) in pairs {
        all[*k] = json!(v);
    }
    all
}

fn destinations(pairs: &[(&str, u64)]) -> Value {
    let mut all = json!({"csc": 0, "early-help": 0, "police": 0, "health": 0, "other": 0});
    for (k, v) in pairs {
        all[*k] = json!(v);
    }
    all
}

fn levels(pairs: &[(&str, u64)]) -> Value {
    let mut all = json!({"1": 0, "2": 0, "3": 0, "4": 0});
    for (k, v) in pairs {
        all[*k] = json!(v);
    }
    all
}

/// No consent recorded on `n` consultations.
fn consent(n: u64) -> Value {
    json!({"given": 0, "refused": 0, "not-asked": 0, "withheld-risk": 0, "not-applicable": 0,
           "unrecorded": n})
}

/// `n` children, none with ages recorded.
fn children(n: u64) -> Value {
    json!({"unborn": 0, "0-4": 0, "5-10": 0, "11-15": 0, "16-17": 0, "unrecorded": n})
}

fn no_oversight() -> Value {
    json!({"audited": 0,
           "grades": {"outstanding": 0, "good": 0, "requires-improvement": 0, "inadequate": 0},
           "level_agreed_rate": null, "pathway_agreed_rate": null})
}

/// February 2026, worked by hand (C-7, R-5 and V-4 voided), as at 2026-03-15:
/// - consultations: C-3, C-4, C-5, C-6 = 4; families f-1, F-3, F-4, f-2 = 4.
/// - outcomes: early-help 2 (C-3, C-4), refer-csc 1 (C-5), urgent 1 (C-6).
/// - agencies: 2A 2 (C-3, C-4), 3B 1 (C-5), 6 1 (C-6); levels: 2 C-3, 3 C-4 and C-5, 4 C-6;
///   factors 3B and 4B (C-5); no consent or ages recorded: 4 unrecorded, 4 children.
/// - referral_rate: refer-csc + urgent = 2 of 4 = 0.5.
/// - threshold: all 4 have both; C-3 3>2 over, C-4 4>3 over, C-5 2<3 under, C-6 4=4 agree.
/// - diverted: consultee said 4 and early-help: C-4 = 1; its family was referred to csc the
///   next day: escalated, so none held (held_rate 0 of 1).
/// - confidence: C-3 (2→4), C-4 (1→3): before 1.5, after 3.5, change 2.0 (C-6 has no after).
/// - repeat: C-3 (F-1's C-1 on 2025-03-10 ≥ 2025-02-05, case-insensitive), C-6 (f-2's C-2)
///   = 2; C-4 only had voided C-7; C-5's C-9 (2025-02-11) is 366 days before, just outside.
/// - referrals dated in Feb: R-2 csc s47, R-3 police pending, R-4 csc nfa = 3 (R-5 voided);
///   advised C-5 and C-6, both with a referral. Front door: R-2, R-4 = 2, taken up 1 of 2
///   decided; neither family had an earlier front-door referral: no re-referral.
/// - follow-ups due in Feb: C-2 (02-10, its consultation in January; its only review is
///   voided): overdue; C-3 (02-20, V-1 on 02-18): on time; C-5 (02-25, no review): overdue;
///   C-6 (02-27, V-2 on 03-01): late; C-7's is voided. due 4.
fn february() -> Value {
    json!({
        "period": {"from": "2026-02-01", "to": "2026-02-28"},
        "as_at": "2026-03-15",
        "consultations": 4,
        "families": 4,
        "outcomes": outcomes(&[("early-help", 2), ("refer-csc", 1), ("urgent", 1)]),
        "agencies": {"2A": 2, "3B": 1, "6": 1},
        "levels": levels(&[("2", 1), ("3", 2), ("4", 1)]),
        "factors": {"3B": 1, "4B": 1},
        "consent": consent(4),
        "children": children(4),
        "referral_rate": 0.5,
        "threshold": {"compared": 4, "agree": 1, "over": 2, "under": 1},
        "diverted": {"count": 1, "escalated": 1, "held": 0, "too_early": 0, "held_rate": 0.0},
        "confidence": {"compared": 2, "mean_before": 1.5, "mean_after": 3.5, "mean_change": 2.0},
        "repeat_consultations": 2,
        "referrals": {"made": 3, "destinations": destinations(&[("csc", 2), ("police", 1)]),
                      "advised": 2, "advised_not_made": 0, "front_door": 2,
                      "results": results(&[("nfa", 1), ("s47", 1)]),
                      "taken_up": 1, "taken_up_rate": 0.5,
                      "re_referrals": 0, "re_referral_rate": 0.0, "disputed": 0},
        "follow_ups": {"due": 4, "on_time": 1, "late": 1, "overdue": 2, "upcoming": 0},
        "oversight": no_oversight(),
    })
}

#[test]
fn a_month_gives_every_figure_as_worked_by_hand() {
    let env = voided_fixture();
    let out = env.ok(&["report", "--month", "2026-02", "--format", "json"]);
    assert_eq!(json(&out), february());
    // Last month is the default (today is 2026-03-15).
    assert_eq!(json(&env.ok(&["report", "--format", "json"])), february());
}

#[test]
fn voided_records_are_left_out() {
    let env = fixture();
    let before = json(&env.ok(&["report", "--format", "json"]));
    // With C-7, R-5 and V-4 still in: one more consultation, referral and a done-looking
    // follow-up history.
    assert_eq!(before["consultations"], 5);
    assert_eq!(before["referrals"]["made"], 4);
    assert_eq!(before["follow_ups"]["due"], 5);
    assert_eq!(
        before["repeat_consultations"], 3,
        "C-4 repeats the voided C-7"
    );
    void_some(&env);
    assert_eq!(json(&env.ok(&["report", "--format", "json"])), february());
}

/// 2026-02-10 to 2026-03-05, worked by hand:
/// - consultations: C-4, C-5, C-6, C-8 = 4 (C-7 voided), families 4.
/// - outcomes: early-help C-4, refer-csc C-5, urgent C-6, signpost C-8; agencies 2A, 3A, 3B, 6;
///   levels 2 (C-8), 3 (C-4, C-5), 4 (C-6).
/// - referral_rate 2 of 4 = 0.5; threshold: C-4 over, C-5 under, C-6 agree (C-8 has none).
/// - diverted: C-4, escalated. confidence: C-4 (1→3), C-8 (4→5): 2.5, 4.0, change 1.5.
/// - repeat: C-6 (C-2), C-8 (F-1's C-3 on 02-05) = 2.
/// - referrals: R-4 (02-11), R-2 (02-13), R-3 (02-20) = 3, front door, taken up
///   1 of 2.
/// - follow-ups due 02-10..03-05: C-2 overdue, C-3 on time, C-5 overdue, C-6 late = 4.
#[test]
fn a_from_to_period_gives_every_figure_as_worked_by_hand() {
    let env = voided_fixture();
    let out = env.ok(&[
        "report",
        "--from",
        "2026-02-10",
        "--to",
        "2026-03-05",
        "--format",
        "json",
    ]);
    assert_eq!(
        json(&out),
        json!({
            "period": {"from": "2026-02-10", "to": "2026-03-05"},
            "as_at": "2026-03-15",
            "consultations": 4,
            "families": 4,
            "outcomes": outcomes(&[("signpost", 1), ("early-help", 1), ("refer-csc", 1),
                                   ("urgent", 1)]),
            "agencies": {"2A": 1, "3A": 1, "3B": 1, "6": 1},
            "levels": levels(&[("2", 1), ("3", 2), ("4", 1)]),
            "factors": {"3B": 1, "4B": 1},
            "consent": consent(4),
            "children": children(4),
            "referral_rate": 0.5,
            "threshold": {"compared": 3, "agree": 1, "over": 1, "under": 1},
            "diverted": {"count": 1, "escalated": 1, "held": 0, "too_early": 0,
                         "held_rate": 0.0},
            "confidence": {"compared": 2, "mean_before": 2.5, "mean_after": 4.0,
                           "mean_change": 1.5},
            "repeat_consultations": 2,
            "referrals": {"made": 3, "destinations": destinations(&[("csc", 2), ("police", 1)]),
                          "advised": 2, "advised_not_made": 0, "front_door": 2,
                          "results": results(&[("nfa", 1), ("s47", 1)]),
                          "taken_up": 1, "taken_up_rate": 0.5,
                          "re_referrals": 0, "re_referral_rate": 0.0, "disputed": 0},
            "follow_ups": {"due": 4, "on_time": 1, "late": 1, "overdue": 2, "upcoming": 0},
            "oversight": no_oversight(),
        })
    );
}

/// February by agency, worked by hand. Referrals and follow-ups count under their
/// consultation's agency:
/// - 2A: C-3, C-4 (both over, C-4 diverted and escalated, confidences as for the month, C-3 a
///   repeat); R-4 csc nfa → taken up 0 of 1; follow-up C-3 due and on time.
/// - 3B: C-5 (under, refer-csc); R-2 csc s47 → 1 of 1; follow-up C-5 due and overdue.
/// - 6: C-6 (agree, urgent, a repeat); R-3 to the police, pending: no front-door referral, so
///   the rates are null; follow-ups C-2 (January's consultation, overdue) and C-6 (late) due.
#[test]
fn by_agency_gives_the_figures_row_by_row() {
    let env = voided_fixture();
    let out = env.ok(&[
        "report", "--month", "2026-02", "--by", "agency", "--format", "json",
    ]);
    let period = json!({"from": "2026-02-01", "to": "2026-02-28"});
    let no_confidence =
        json!({"compared": 0, "mean_before": null, "mean_after": null, "mean_change": null});
    let not_diverted =
        json!({"count": 0, "escalated": 0, "held": 0, "too_early": 0, "held_rate": null});
    assert_eq!(
        json(&out),
        json!({
            "by": "agency",
            "period": period,
            "as_at": "2026-03-15",
            "groups": [
                {
                    "group": "2A", "period": period, "as_at": "2026-03-15",
                    "consultations": 2, "families": 2,
                    "outcomes": outcomes(&[("early-help", 2)]), "agencies": {"2A": 2},
                    "levels": levels(&[("2", 1), ("3", 1)]), "factors": {},
                    "consent": consent(2), "children": children(2),
                    "referral_rate": 0.0,
                    "threshold": {"compared": 2, "agree": 0, "over": 2, "under": 0},
                    "diverted": {"count": 1, "escalated": 1, "held": 0, "too_early": 0,
                                 "held_rate": 0.0},
                    "confidence": {"compared": 2, "mean_before": 1.5, "mean_after": 3.5,
                                   "mean_change": 2.0},
                    "repeat_consultations": 1,
                    "referrals": {"made": 1, "destinations": destinations(&[("csc", 1)]),
                                  "advised": 0, "advised_not_made": 0, "front_door": 1,
                                  "results": results(&[("nfa", 1)]),
                                  "taken_up": 0, "taken_up_rate": 0.0,
                                  "re_referrals": 0, "re_referral_rate": 0.0, "disputed": 0},
                    "follow_ups": {"due": 1, "on_time": 1, "late": 0, "overdue": 0,
                                   "upcoming": 0},
                    "oversight": no_oversight(),
                },
                {
                    "group": "3B", "period": period, "as_at": "2026-03-15",
                    "consultations": 1, "families": 1,
                    "outcomes": outcomes(&[("refer-csc", 1)]), "agencies": {"3B": 1},
                    "levels": levels(&[("3", 1)]), "factors": {"3B": 1, "4B": 1},
                    "consent": consent(1), "children": children(1),
                    "referral_rate": 1.0,
                    "threshold": {"compared": 1, "agree": 0, "over": 0, "under": 1},
                    "diverted": not_diverted, "confidence": no_confidence,
                    "repeat_consultations": 0,
                    "referrals": {"made": 1, "destinations": destinations(&[("csc", 1)]),
                                  "advised": 1, "advised_not_made": 0, "front_door": 1,
                                  "results": results(&[("s47", 1)]),
                                  "taken_up": 1, "taken_up_rate": 1.0,
                                  "re_referrals": 0, "re_referral_rate": 0.0, "disputed": 0},
                    "follow_ups": {"due": 1, "on_time": 0, "late": 0, "overdue": 1,
                                   "upcoming": 0},
                    "oversight": no_oversight(),
                },
                {
                    "group": "6", "period": period, "as_at": "2026-03-15",
                    "consultations": 1, "families": 1,
                    "outcomes": outcomes(&[("urgent", 1)]), "agencies": {"6": 1},
                    "levels": levels(&[("4", 1)]), "factors": {},
                    "consent": consent(1), "children": children(1),
                    "referral_rate": 1.0,
                    "threshold": {"compared": 1, "agree": 1, "over": 0, "under": 0},
                    "diverted": not_diverted, "confidence": no_confidence,
                    "repeat_consultations": 1,
                    "referrals": {"made": 1, "destinations": destinations(&[("police", 1)]),
                                  "advised": 1, "advised_not_made": 0, "front_door": 0,
                                  "results": results(&[]),
                                  "taken_up": 0, "taken_up_rate": null,
                                  "re_referrals": 0, "re_referral_rate": null, "disputed": 0},
                    "follow_ups": {"due": 2, "on_time": 0, "late": 1, "overdue": 1,
                                   "upcoming": 0},
                    "oversight": no_oversight(),
                },
            ],
        })
    );
}

#[test]
fn by_month_counts_each_record_in_its_own_month() {
    let env = voided_fixture();
    let out = env.ok(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--by",
        "month",
        "--format",
        "json",
    ]);
    let groups = json(&out)["groups"].clone();
    let months: Vec<&str> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2026-01", "2026-02", "2026-03"]);
    // January: C-2 and R-1 (assessment); March: C-8, and C-4's follow-up on 03-20 (not yet
    // overdue on 03-15).
    assert_eq!(groups[0]["consultations"], 1);
    assert_eq!(groups[0]["referrals"]["taken_up_rate"], 1.0);
    assert_eq!(groups[1]["consultations"], 4);
    assert_eq!(groups[2]["consultations"], 1);
    assert_eq!(
        groups[2]["follow_ups"],
        json!({"due": 1, "on_time": 0, "late": 0, "overdue": 0, "upcoming": 1})
    );
}

#[test]
fn the_table_shows_rates_with_numerator_and_denominator() {
    let env = voided_fixture();
    let out = env.ok(&["report", "--month", "2026-02"]);
    for expected in [
        "Figures from 2026-02-01 to 2026-02-28, as at 2026-03-15",
        "2 of 4, 50%",
        "Schools",
        "Health – health visitor",
        "Consultee over-estimated",
        "Mean before                                  1.5",
        "Taken up (assessment or s47) of decided      1 of 2, 50%",
        "Overdue (not answered, date passed)          2 of 4, 50%",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    let by = env.ok(&["report", "--month", "2026-02", "--by", "agency"]);
    assert!(by.contains("2A Schools"), "{by}");
    assert!(by.contains("2 of 2, 100%"), "{by}");
}

#[test]
fn csv_has_one_row_per_group_with_flattened_keys() {
    let env = voided_fixture();
    let out = env.ok(&[
        "report", "--month", "2026-02", "--by", "agency", "--format", "csv",
    ]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("group")], "2A");
    assert_eq!(&rows[0][col("threshold.over")], "2");
    assert_eq!(
        &rows[2][col("referrals.taken_up_rate")],
        "",
        "null is an empty cell"
    );
    assert_eq!(&rows[1][col("agencies.3B")], "1");

    let whole = env.ok(&["report", "--month", "2026-02", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(whole.as_bytes());
    assert_eq!(&reader.headers().unwrap()[0], "period.from");
    assert_eq!(reader.records().count(), 1);
}

#[test]
fn an_empty_period_has_nulls_and_bad_periods_are_refused() {
    let env = voided_fixture();
    let empty = json(&env.ok(&["report", "--month", "2024-06", "--format", "json"]));
    assert_eq!(empty["consultations"], 0);
    assert_eq!(empty["referral_rate"], Value::Null);
    assert_eq!(empty["agencies"], json!({}));
    let err = env.fails(&["report", "--month", "2026-2"], 2);
    assert!(err.contains("--month '2026-2' is not a month"), "{err}");
    let err = env.fails(&["report", "--from", "2026-02-10", "--to", "2026-02-01"], 2);
    assert!(
        err.contains("--from 2026-02-10 is after --to 2026-02-01"),
        "{err}"
    );
    env.fails(&["report", "--from", "2026-02-10"], 2);
    let out = env.run(&["report", "--month", "2026-02", "--from", "2026-02-01"]);
    assert_eq!(out.status.code(), Some(2));
}
