//! A team logbook on a real PostgreSQL server (never a mock): the storage conformance suite,
//! the same answers as SQLite, access by role enforced by the server, `push`, concurrency,
//! a server restart in the middle of a command, and how caselog connects (TLS, passwords).

use std::process::Output;

use caselog::store::{PostgresLogbook, conformance};
use postgres::{Client, NoTls};

use crate::common::TestEnv;
use crate::support::postgres::PostgresServer;

/// A fresh database on the shared server, made a team logbook: its URL (as the superuser).
pub(crate) fn team_logbook() -> String {
    let url = PostgresServer::shared().create_database();
    PostgresLogbook::init(&url).expect("team init");
    url
}

/// A test environment whose logbook is the team logbook at `url`.
pub(crate) fn on(url: &str) -> TestEnv {
    TestEnv::new().env("CASELOG_DB", url)
}

/// A session on the database at `url`, as the superuser.
pub(crate) fn sql(url: &str) -> Client {
    Client::connect(url, NoTls).expect("connect")
}

pub(crate) fn count(url: &str, query: &str) -> i64 {
    sql(url).query_one(query, &[]).expect("count").get(0)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn postgresql_passes_every_conformance_check() {
    for (name, check) in conformance::CHECKS {
        let url = team_logbook();
        let mut logbook = PostgresLogbook::open(&url).expect("open");
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut logbook)));
        assert!(ran.is_ok(), "PostgreSQL fails the check: {name}");
    }
}

/// The URL of the same database as `url`, logging in as `role`.
pub(crate) fn as_role(url: &str, role: &str) -> String {
    url.replacen("postgres@", &format!("{role}@"), 1)
}

/// The database's name in a URL (`test_7`), to make role names no other test uses.
pub(crate) fn database_of(url: &str) -> &str {
    url.rsplit('/').next().expect("a database")
}

/// Records consultations, referrals, follow-ups and audits that exercise every figure: families
/// typed with different spellings (case, spaces, accents precomposed or combining), repeats
/// within a year, threshold and confidence pairs, children's ages, follow-ups done, due and
/// overdue, referral results, a disputed decision, notes on several lines, and audits of two
/// advisors' consultations (one audited twice).
pub(crate) fn record_fixture(env: &TestEnv) {
    let consults: &[&[&str]] = &[
        &[
            "--date",
            "2025-03-01",
            "--family",
            "OAK-1",
            "--consultee-level",
            "3",
            "--level",
            "2",
            "--rationale",
            "Steady now",
            "--confidence-before",
            "2",
            "--confidence-after",
            "4",
        ],
        &[
            "--date",
            "2025-11-20",
            "--family",
            "oak 1",
            "--age",
            "4",
            "--age",
            "unborn",
            "--agency",
            "health-visitor",
            "--consultee-level",
            "4",
            "--outcome",
            "refer-csc",
            "--follow-up",
            "2025-12-01",
            "--worry",
            "Bruises,\nseen twice",
            "--rationale",
            "Bruises seen twice: the front door should know",
        ],
        &[
            "--date",
            "2026-01-05",
            "--family",
            "ELM-2",
            "--agency",
            "police",
            "--advisor",
            "Jo Bloggs",
            "--setting",
            "Phone",
            "--mode",
            "phone",
            "--consultee-level",
            "1",
            "--confidence-before",
            "3",
            "--follow-up",
            "2026-01-20",
            "--voice",
            "Likes school;\nscared at home",
        ],
        &[
            "--date",
            "2026-01-15",
            "--family",
            "elm 2",
            "--consultee-level",
            "4",
            "--outcome",
            "urgent",
            "--rationale",
            "Danger today",
            "--strengths",
            "Grandmother \"nearby\" \\ aunt\\n",
            "--advice",
            "Call the front door; today",
        ],
        &[
            "--date",
            "2026-02-02",
            "--family",
            "ASH-3",
            "--organisation",
            "Ash Nursery",
            "--factor",
            "3B",
            "--factor",
            "16A",
            "--age",
            "9;16",
            "--follow-up",
            "2026-02-16",
        ],
        &[
            "--date",
            "2026-02-10",
            "--family",
            "ASH-3",
            "--consultee-level",
            "2",
            "--confidence-before",
            "1",
            "--confidence-after",
            "5",
            "--follow-up",
            "2026-03-20",
        ],
        &[
            "--date",
            "2026-03-01",
            "--family",
            "BIRCH-4",
            "--agency",
            "3B",
            "--advisor",
            "Jo Bloggs",
            "--consent",
            "given",
            "--outcome",
            "signpost",
        ],
        &[
            "--date",
            "2026-03-14",
            "--family",
            "OAK-1",
            "--consultee-level",
            "2",
            "--level",
            "3",
            "--rationale",
            "More worry\nthan said",
            "--follow-up",
            "+1w",
        ],
        &[
            "--date",
            "2026-03-02",
            "--family",
            "café-7",
            "--advisor",
            "Jo Bloggs",
            "--organisation",
            "Ash Nursery",
            "--age",
            "2",
        ],
        &[
            "--date",
            "2026-03-09",
            "--family",
            "CAFE\u{301} 7",
            "--advisor",
            "jo bloggs",
            "--organisation",
            "ASH NURSERY",
            "--follow-up",
            "2026-03-16",
        ],
    ];
    for extra in consults {
        env.consult(extra);
    }
    for args in [
        &[
            "refer",
            "C-2",
            "--date",
            "2025-11-21",
            "--to",
            "csc",
            "--reason",
            "Injuries",
            "--urgent",
        ][..],
        &[
            "refer",
            "C-4",
            "--date",
            "2026-01-15",
            "--to",
            "police",
            "--by",
            "advisor",
        ],
        &[
            "refer",
            "C-6",
            "--date",
            "2026-02-11",
            "--to",
            "csc",
            "--consent",
            "given",
        ],
        &[
            "review",
            "R-1",
            "--date",
            "2025-11-28",
            "--result",
            "assessment",
        ],
        &["review", "R-2", "--date", "2026-01-20", "--result", "nfa"],
        &[
            "review",
            "C-2",
            "--date",
            "2025-11-30",
            "--status",
            "ongoing",
            "--note",
            "Seen at\nschool",
            "--level",
            "3",
        ],
        &[
            "review",
            "C-5",
            "--date",
            "2026-02-20",
            "--status",
            "resolved",
            "--confidence",
            "4",
        ],
        &[
            "review",
            "C-3",
            "--date",
            "2026-02-01",
            "--status",
            "ongoing",
            "--follow-up",
            "2026-03-01",
        ],
        &[
            "review",
            "R-3",
            "--date",
            "2026-02-25",
            "--result",
            "nfa",
            "--dispute",
            "The school challenged it;\nescalated to the team manager",
        ],
        &[
            "audit",
            "C-2",
            "--date",
            "2025-12-01",
            "--auditor",
            "Pat Manager",
            "--grade",
            "good",
            "--level-agreed",
            "yes",
            "--pathway-agreed",
            "yes",
            "--note",
            "Clear reasoning",
        ],
        &[
            "audit",
            "C-2",
            "--date",
            "2026-01-10",
            "--auditor",
            "Lee Manager",
            "--grade",
            "requires-improvement",
            "--level-agreed",
            "no",
            "--pathway-agreed",
            "yes",
            "--learning",
            "Ask what a day is like\nfor the child",
        ],
        &[
            "audit",
            "C-3",
            "--date",
            "2026-02-03",
            "--auditor",
            "Pat Manager",
            "--grade",
            "outstanding",
            "--level-agreed",
            "yes",
            "--pathway-agreed",
            "yes",
            "--learning",
            "Use the police's own words",
        ],
        &[
            "audit",
            "C-9",
            "--date",
            "2026-03-05",
            "--auditor",
            "Pat Manager",
            "--grade",
            "inadequate",
            "--level-agreed",
            "no",
            "--pathway-agreed",
            "no",
        ],
    ] {
        env.ok(args);
    }
}

/// What is done on both engines after the import: corrections, records voided, and a
/// consultation typed with another spelling of a family. Returns what caselog said about it.
pub(crate) fn correct_and_void(env: &TestEnv) -> String {
    env.ok(&[
        "amend",
        "C-7",
        "--setting",
        "Birch Lane",
        "--reason",
        "typed in error",
    ]);
    env.ok(&["void", "V-5", "--reason", "entered twice"]);
    env.ok(&[
        "amend",
        "V-1",
        "--result",
        "s47",
        "--reason",
        "decision changed",
    ]);
    env.ok(&[
        "amend",
        "A-1",
        "--grade",
        "outstanding",
        "--reason",
        "graded again after supervision",
    ]);
    env.ok(&["void", "A-4", "--reason", "entered in error"]);
    let out = env.run(&[
        "consult",
        "--advisor",
        "Sam Advisor",
        "--setting",
        "Oakwood Primary surgery",
        "--agency",
        "school",
        "--family",
        "birch 4",
        "--indicator",
        "C2.1",
        "--outcome",
        "early-help",
        "--date",
        "2026-03-12",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    stderr(&out)
}

#[test]
fn one_fixture_gives_the_same_answers_on_sqlite_and_postgresql() {
    let source = TestEnv::new();
    record_fixture(&source);
    let mut files = Vec::new();
    for records in ["consultations", "referrals", "reviews", "audits"] {
        let file = source.path(&format!("{records}.csv"));
        source.ok(&[
            "export",
            "--records",
            records,
            "--include-notes",
            "--from",
            "2000-01-01",
            "--to",
            "2026-03-15",
            "--output",
            file.to_str().unwrap(),
        ]);
        files.push((records, file));
    }
    let sqlite = TestEnv::new();
    let team = on(&team_logbook());
    // A file that gives one UUID twice is refused whole by both, naming both lines.
    let twice = source.path("twice.csv");
    let row = "2026-03-02,Sam,S,2A,F-1,advice,1,6f9619ff-8b86-4011-b42d-00cf4fc964ff";
    std::fs::write(
        &twice,
        format!("date,advisor,setting,agency,family,outcome,level,uuid\n{row}\n{row}\n{row}\n"),
    )
    .unwrap();
    let refusals: Vec<String> = [&sqlite, &team]
        .map(|env| env.fails(&["import", twice.to_str().unwrap()], 2))
        .to_vec();
    assert_eq!(refusals[0], refusals[1]);
    assert!(
        refusals[1].contains("line 4, column uuid:")
            && refusals[1].contains("appears on line 2 too"),
        "{}",
        refusals[1]
    );
    let mut said = Vec::new();
    for env in [&sqlite, &team] {
        for (records, file) in &files {
            env.ok(&["import", file.to_str().unwrap(), "--records", records]);
        }
        said.push(correct_and_void(env));
    }
    assert_eq!(
        said[0], said[1],
        "what consult says of a family's other spelling"
    );
    assert_eq!(
        said[1],
        "note: family 'birch 4' recorded as BIRCH-4, its first spelling\n\
         note: family BIRCH-4 had 1 consultation in the 365 days up to 2026-03-12: C-7 on \
         2026-03-01 (level 2, signpost)\n"
    );

    // The consultation recorded on each engine has a UUID of its own.
    let uuid = |env: &TestEnv| {
        let c = crate::common::json(&env.ok(&["show", "C-11", "--format", "json"]));
        c["uuid"].as_str().expect("a UUID").to_string()
    };
    let (sqlite_uuid, team_uuid) = (uuid(&sqlite), uuid(&team));
    let both = |args: &[&str]| -> (String, String) {
        (
            sqlite.ok(args).replace(&sqlite_uuid, "<C-11's UUID>"),
            team.ok(args).replace(&team_uuid, "<C-11's UUID>"),
        )
    };
    let whole = ["--from", "2025-01-01", "--to", "2026-03-31"];
    let (a, b) = both(&[&["report", "--format", "json"][..], &whole].concat());
    assert_eq!(a, b, "report --format json");
    let report = crate::common::json(&b);
    assert_eq!(report["consultations"], 11, "{report}");
    assert_eq!(
        report["families"], 5,
        "OAK-1, ELM-2, ASH-3, BIRCH-4 and café-7, however typed: {report}"
    );
    for by in ["agency", "organisation", "setting", "advisor", "month"] {
        let (a, b) = both(&[&["report", "--format", "json", "--by", by][..], &whole].concat());
        assert_eq!(a, b, "report --by {by}");
    }
    for records in ["consultations", "referrals", "reviews", "audits"] {
        let (a, b) = both(&[
            "export",
            "--records",
            records,
            "--include-notes",
            "--from",
            "2000-01-01",
            "--to",
            "2026-03-15",
        ]);
        assert_eq!(a, b, "export --records {records}");
        assert!(a.lines().count() > 2, "{a}");
    }
    for family in [
        "oak-1",
        "ELM2",
        "Ash 3",
        "birch-4",
        "CAFÉ-7",
        "cafe\u{301}7",
    ] {
        let (a, b) = both(&["history", family, "--format", "json", "--all"]);
        assert_eq!(a, b, "history {family}");
    }
    let cafe = crate::common::json(&team.ok(&["history", "Café 7", "--format", "json"]));
    let entries = cafe["entries"].as_array().unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["id"].as_str().unwrap().starts_with("C-"))
            .count(),
        2,
        "both spellings of café-7 are one family: {cafe}"
    );
    for args in [
        &[
            "list",
            "--format",
            "json",
            "--from",
            "2025-01-01",
            "--to",
            "2026-03-15",
        ][..],
        &["list", "--format", "json", "--organisation", "ash nursery"],
        &["list", "--format", "json", "--family", "OAK 1"],
        &["review", "--format", "json"],
        &["review", "--format", "json", "--advisor", "JO BLOGGS"],
        &["review", "--format", "json", "--advisor", "sam advisor"],
        &["review"],
        &["review", "--advisor", "jo bloggs"],
        &["review", "--format", "csv", "--within", "366"],
        &[
            "review",
            "--format",
            "csv",
            "--within",
            "0",
            "--advisor",
            "Sam Advisor",
        ],
        &["report", "--format", "html", "--month", "2026-03"],
        &[
            "report",
            "--format",
            "html",
            "--from",
            "2025-01-01",
            "--to",
            "2026-03-31",
        ],
        &["show", "V-1", "--format", "json"],
        &["show", "R-1", "--format", "json"],
        &["show", "R-3", "--format", "json"],
        &["show", "C-2", "--format", "json"],
        &["show", "A-1", "--format", "json"],
        &[
            "sample",
            "--from",
            "2025-01-01",
            "--to",
            "2026-03-31",
            "--size",
            "4",
            "--by",
            "advisor",
            "--format",
            "json",
        ],
        &[
            "sample",
            "--month",
            "2026-03",
            "--size",
            "2",
            "--include-audited",
            "--format",
            "csv",
        ],
        &[
            "audit",
            "--learning-summary",
            "--from",
            "2025-01-01",
            "--to",
            "2026-03-31",
            "--format",
            "json",
        ],
    ] {
        let (a, b) = both(args);
        assert_eq!(a, b, "{args:?}");
    }
    // The same consultations listed for the same filters, alone and together: periods open at
    // either end, narrow, and wider than every date recorded.
    let filters: &[&[&str]] = &[
        &[],
        &["--from", "2026-01-15"],
        &["--to", "2026-01-15"],
        &["--from", "2026-03-01", "--to", "2026-03-09"],
        &["--from", "2000-01-01", "--to", "2027-01-31"],
        &["--from", "2026-03-09", "--to", "2026-03-09"],
        &["--agency", "police"],
        &["--agency", "school", "--from", "2026-02-01"],
        &["--outcome", "early-help", "--to", "2026-03-10"],
        &["--organisation", "ASH nursery", "--from", "2026-03-01"],
        &["--family", "elm 2"],
        &["--family", "cafe\u{301}7", "--organisation", "ash nursery"],
        &[
            "--family",
            "oak-1",
            "--from",
            "2025-06-01",
            "--outcome",
            "early-help",
        ],
    ];
    for filter in filters {
        for format in ["csv", "table"] {
            let (a, b) = both(&[&["list", "--format", format][..], filter].concat());
            assert_eq!(a, b, "list --format {format} {filter:?}");
        }
    }
    let rows = |filter: &[&str]| {
        team.ok(&[&["list", "--format", "csv"][..], filter].concat())
            .lines()
            .count()
            - 1
    };
    assert_eq!(
        filters.iter().map(|f| rows(f)).collect::<Vec<_>>(),
        [11, 8, 4, 3, 11, 1, 1, 6, 6, 2, 2, 2, 1],
        "the consultations each filter lists"
    );
    // What the comparisons above rest on, seen on the team logbook.
    let organisation = crate::common::json(&team.ok(&[
        "list",
        "--format",
        "json",
        "--organisation",
        "ash nursery",
    ]));
    assert_eq!(
        organisation.as_array().map(Vec::len),
        Some(3),
        "{organisation}"
    );
    let jo = team.ok(&["review", "--format", "json", "--advisor", "JO BLOGGS"]);
    let everyone = team.ok(&["review", "--format", "json"]);
    assert!(jo.contains("C-10") && !jo.contains("C-8"), "{jo}");
    assert!(
        everyone.contains("C-10") && everyone.contains("C-8"),
        "{everyone}"
    );
    let disputed = crate::common::json(&team.ok(&["show", "R-3", "--format", "json"]));
    assert_eq!(disputed["disputed"], true, "{disputed}");
    let audited = crate::common::json(&team.ok(&["show", "C-2", "--format", "json"]));
    assert_eq!(audited["audits"].as_array().map(Vec::len), Some(2));
    assert_eq!(audited["ages"], serde_json::json!(["unborn", 4]));
    let amended = crate::common::json(&team.ok(&["show", "A-1", "--format", "json"]));
    assert_eq!(amended["grade"], "outstanding", "{amended}");
    // The records each engine counts, amendments included.
    let counts = |env: &TestEnv| {
        crate::common::json(&env.ok(&["check", "--format", "json"]))["records"].clone()
    };
    assert_eq!(counts(&sqlite), counts(&team));
    assert_eq!(
        counts(&team)[3],
        serde_json::json!({"table": "audit", "total": 4, "voided": 1})
    );

    // The figures of the second edition on the fixture of tests/cli/figures.rs, recorded by
    // the same commands on a file and on a team logbook: diversions escalated and held,
    // front-door results (more-info among them), a same-day pair of front-door referrals,
    // re-referrals, a disputed referral, follow-ups set by reviews and answered late or not at
    // all, a voided referral and audits. Every report, whole, by every grouping, against a
    // baseline, in JSON, CSV and the table, is the same on both.
    let file = crate::figures::fixture();
    let team = on(&team_logbook());
    crate::figures::record_fixture(&team);
    let month = ["--month", "2025-11"];
    let from_to = ["--from", "2025-11-01", "--to", "2026-03-31"];
    let mut reports: Vec<Vec<&str>> = Vec::new();
    for period in [&month[..], &from_to] {
        for format in ["json", "csv", "table"] {
            reports.push([&["report", "--format", format][..], period].concat());
            for by in ["agency", "organisation", "setting", "advisor", "month"] {
                reports.push([&["report", "--format", format, "--by", by][..], period].concat());
            }
        }
    }
    for format in ["json", "csv", "table"] {
        reports.push(vec![
            "report",
            "--month",
            "2025-11",
            "--against",
            "2025-10-01..2025-10-31",
            "--format",
            format,
        ]);
        reports.push(vec![
            "report",
            "--from",
            "2025-11-01",
            "--to",
            "2026-03-31",
            "--against-month",
            "2025-10",
            "--format",
            format,
        ]);
    }
    // The weekly list, for everyone and one advisor, and the month on one page.
    for within in ["0", "7", "366"] {
        reports.push(vec!["review", "--within", within]);
        reports.push(vec!["review", "--within", within, "--format", "json"]);
        for advisor in ["sam advisor", "JO BLOGGS"] {
            reports.push(vec!["review", "--within", within, "--advisor", advisor]);
        }
    }
    for period in [&month[..], &["--month", "2026-01"], &from_to] {
        reports.push([&["report", "--format", "html"][..], period].concat());
        reports.push(
            [
                &["report", "--format", "html", "--against-month", "2025-10"][..],
                period,
            ]
            .concat(),
        );
    }
    for args in &reports {
        assert_eq!(file.ok(args), team.ok(args), "{args:?}");
    }
    // What the weekly lists compared rest on: follow-ups overdue and due, set by consultations
    // and reviews, and referrals pending, over several families.
    assert_eq!(
        team.ok(&["review", "--within", "0", "--format", "csv"]),
        "family,priority,follow_ups,referrals\n\
         FU-5,,C-3:2025-11-10:overdue,\n\
         FU-3,,C-16:2025-11-30:overdue,\n\
         FU-1,,C-14:2025-12-12:overdue,\n\
         DIV-5,,C-18:2026-03-14:overdue,\n\
         RR-3,,,R-1:csc:2024-11-25;R-10:csc:2025-11-25\n\
         RR-2,,,R-2:csc:2025-01-10\n\
         DIV-2,,,R-4:health:2025-11-15;R-5:csc:2026-02-04\n\
         DIV-3,,,R-6:police:2025-12-01\n\
         FU-4,,C-17:2026-03-15:due,\n"
    );
    // As at the day after the 90 days of DIV-5's diversion (2026-01-20) ended: it has held.
    let later = |env: &TestEnv, args: &[&str]| {
        let out = env
            .process()
            .env("CASELOG_NOW", "2026-04-21T09:00:00Z")
            .args(args)
            .output()
            .expect("run caselog");
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    for period in [&["--month", "2026-01"][..], &from_to] {
        let args = [&["report", "--format", "json"][..], period].concat();
        assert_eq!(
            later(&file, &args),
            later(&team, &args),
            "{args:?} as at 2026-04-21"
        );
    }
    let january = crate::common::json(&later(
        &team,
        &["report", "--format", "json", "--month", "2026-01"],
    ));
    assert_eq!(january["diverted"]["held"], 1, "{january}");
    // What the comparisons rest on, seen on the team logbook: November has every kind of
    // figure, and the organisations a row for consultations with none recorded.
    let november =
        crate::common::json(&team.ok(&["report", "--format", "json", "--month", "2025-11"]));
    assert_eq!(
        november["diverted"],
        serde_json::json!({"count": 4, "escalated": 3, "held": 1, "too_early": 0,
                           "held_rate": 0.25})
    );
    let referrals = &november["referrals"];
    assert_eq!(
        (
            &referrals["front_door"],
            &referrals["results"]["more-info"],
            &referrals["re_referrals"],
            &referrals["disputed"]
        ),
        (
            &serde_json::json!(5),
            &serde_json::json!(1),
            &serde_json::json!(3),
            &serde_json::json!(1)
        ),
        "{referrals}"
    );
    assert_eq!(
        november["follow_ups"],
        serde_json::json!({"due": 5, "on_time": 2, "late": 1, "overdue": 2, "upcoming": 0})
    );
    assert_eq!(november["oversight"]["audited"], 3);
    let by_organisation = team.ok(&[
        "report",
        "--format",
        "csv",
        "--month",
        "2025-11",
        "--by",
        "organisation",
    ]);
    assert!(
        by_organisation.contains("\n(not recorded),"),
        "{by_organisation}"
    );
}

/// Runs caselog in `env` and asserts it failed with `code`, with plain words: `error: …`, no
/// text of the client library or the server's internals. Returns standard error.
pub(crate) fn refused(env: &TestEnv, args: &[&str], code: i32) -> String {
    let message = env.fails(args, code);
    for library in [
        "db error",
        "ERROR:",
        "error connecting",
        "Error {",
        "SqlState",
    ] {
        assert!(!message.contains(library), "library text in: {message}");
    }
    message
}

#[test]
fn access_by_role_is_enforced_by_the_server() {
    let url = team_logbook();
    let db = database_of(&url).to_string();
    let (alice, bob, mo) = (
        format!("alice_{db}"),
        format!("bob_{db}"),
        format!("mo_{db}"),
    );
    let admin = on(&url);
    for (command, name) in [
        ("add-advisor", &alice),
        ("add-advisor", &bob),
        ("add-manager", &mo),
    ] {
        let out = admin.ok(&["team", command, name, "--no-password"]);
        assert!(out.starts_with(&format!("Added {name} to ")), "{out}");
    }
    let again = refused(&admin, &["team", "add-advisor", &alice, "--no-password"], 2);
    assert!(
        again.contains(&format!("already has a role named {alice}")),
        "{again}"
    );

    // Alice's records are hers: the server stamps them.
    let as_alice = on(&as_role(&url, &alice));
    assert_eq!(as_alice.consult(&["--family", "OAK-9"]), "C-1");
    as_alice.ok(&["refer", "C-1", "--to", "csc"]);
    let as_bob = on(&as_role(&url, &bob));
    assert_eq!(as_bob.consult(&["--family", "OAK-9"]), "C-2");
    let rows = sql(&url)
        .query("SELECT id, created_by FROM consultation ORDER BY id", &[])
        .unwrap();
    let authors: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(authors, [(1, alice.clone()), (2, bob.clone())]);

    // Bob reads the whole family, but changes only his own.
    let history = crate::common::json(&as_bob.ok(&["history", "oak-9", "--format", "json"]));
    assert_eq!(history["entries"].as_array().unwrap().len(), 3, "{history}");
    for args in [
        &[
            "amend",
            "C-1",
            "--setting",
            "Elsewhere",
            "--reason",
            "mine now",
        ][..],
        &["void", "R-1", "--reason", "not mine"],
        &["review", "R-1", "--result", "nfa"],
    ] {
        let message = refused(&as_bob, args, 1);
        assert!(
            message.contains(&format!(
                "was recorded by {alice}: on the team logbook only its author may change it"
            )),
            "{args:?}: {message}"
        );
    }
    assert_eq!(count(&url, "SELECT count(*) FROM amendment"), 0);
    assert_eq!(
        count(&url, "SELECT count(*) FROM review"),
        0,
        "nothing was written"
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM referral WHERE voided_at IS NULL"
        ),
        1
    );
    // A follow-up of his own on her consultation is his record, and he may make it.
    as_bob.ok(&[
        "review",
        "C-1",
        "--status",
        "ongoing",
        "--note",
        "Spoke to the school",
    ]);
    as_bob.ok(&[
        "amend",
        "C-2",
        "--setting",
        "Elm surgery",
        "--reason",
        "typed in error",
    ]);
    as_alice.ok(&["review", "R-1", "--result", "nfa"]);

    // The manager reads and reports, and records nothing.
    let as_mo = on(&as_role(&url, &mo));
    let report = crate::common::json(&as_mo.ok(&[
        "report",
        "--format",
        "json",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
    ]));
    assert_eq!(report["consultations"], 2, "{report}");
    let message = refused(&as_mo, crate::common::MINIMAL, 1);
    assert!(message.contains("does not let you do this"), "{message}");
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 2);

    // Audits are the managers' records; every advisor reads them in the family's chronology.
    let audit = [
        "audit",
        "C-1",
        "--auditor",
        "Mo Manager",
        "--grade",
        "good",
        "--level-agreed",
        "yes",
        "--pathway-agreed",
        "no",
    ];
    let message = refused(&as_alice, &audit, 1);
    assert!(message.contains("does not let you do this"), "{message}");
    assert_eq!(count(&url, "SELECT count(*) FROM audit"), 0);
    let out = as_mo.ok(&audit);
    assert!(out.starts_with("Recorded A-1"), "{out}");
    assert_eq!(
        count(
            &url,
            &format!("SELECT count(*) FROM audit WHERE created_by = '{mo}'")
        ),
        1
    );
    let history = crate::common::json(&as_bob.ok(&["history", "OAK 9", "--format", "json"]));
    let ids: Vec<&str> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"A-1"), "{history}");
    let shown = crate::common::json(&as_alice.ok(&["show", "C-1", "--format", "json"]));
    assert_eq!(shown["audits"][0]["id"], "A-1", "{shown}");
    // Her consultation stands while the audit of it does; the audit is not hers to change.
    let message = refused(
        &as_alice,
        &["void", "C-1", "--reason", "entered in error"],
        2,
    );
    assert!(
        message.contains("C-1 still has records made from it: R-1, V-2, A-1"),
        "{message}"
    );
    let message = refused(
        &as_alice,
        &["amend", "A-1", "--grade", "outstanding", "--reason", "mine"],
        1,
    );
    assert!(
        message.contains(&format!(
            "A-1 was recorded by {mo}: on the team logbook only its author may change it"
        )),
        "{message}"
    );
    as_mo.ok(&[
        "amend",
        "A-1",
        "--grade",
        "requires-improvement",
        "--reason",
        "graded again after supervision",
    ]);
    assert_eq!(
        count(
            &url,
            &format!(
                "SELECT count(*) FROM amendment WHERE record = 'audit' AND created_by = '{mo}'"
            )
        ),
        1
    );

    // Round caselog, straight to the server: the same rules hold.
    let mut bob_sql = sql(&as_role(&url, &bob));
    let changed = bob_sql
        .execute("UPDATE consultation SET setting = 'x' WHERE id = 1", &[])
        .unwrap();
    assert_eq!(changed, 0, "bob changed alice's consultation");
    for (who, statement) in [
        (&alice, "DELETE FROM consultation WHERE id = 1"),
        (&alice, "TRUNCATE referral"),
        (&alice, "DELETE FROM amendment"),
        (
            &alice,
            "UPDATE consultation SET created_by = 'x' WHERE id = 1",
        ),
        (
            &alice,
            "UPDATE consultation SET uuid = gen_random_uuid() WHERE id = 1",
        ),
        (&bob, "DELETE FROM consultation WHERE id = 2"),
        (
            &bob,
            "INSERT INTO amendment (record, record_id, field, reason, amended_at) \
          VALUES ('consultation', 1, 'setting', 'x', now())",
        ),
        (
            &bob,
            "INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, level, \
          outcome, created_at, created_by) VALUES (gen_random_uuid(), '2026-03-01', 'B', 'S', \
          'surgery', '2A', 'F', 1, 'advice', now(), 'alice')",
        ),
        (&mo, "DELETE FROM consultation"),
        (&mo, "UPDATE consultation SET setting = 'x'"),
        (&mo, "DELETE FROM audit"),
        (&bob, "UPDATE audit SET grade = 'good'"),
        (
            &alice,
            "INSERT INTO audit (uuid, consultation_id, date, auditor, grade, level_agreed, \
          pathway_agreed, created_at) VALUES (gen_random_uuid(), 1, '2026-03-01', 'A', 'good', \
          true, true, now())",
        ),
        (
            &mo,
            "INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, level, \
          outcome, created_at) VALUES (gen_random_uuid(), '2026-03-01', 'M', 'S', 'surgery', \
          '2A', 'F', 1, 'advice', now())",
        ),
    ] {
        let result = sql(&as_role(&url, who)).batch_execute(statement);
        let code = result.as_ref().err().and_then(|e| e.code().cloned());
        assert_eq!(
            code,
            Some(postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{who}: {statement}: {result:?}"
        );
    }
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 2);
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM amendment WHERE record = 'consultation'"
        ),
        1
    );

    // An advisor's import keeps numbers that are free; the team's numbering moves past them.
    let own = TestEnv::new();
    for _ in 0..7 {
        own.consult(&["--family", "ASH-1"]);
    }
    let file = own.path("mine.csv");
    own.ok(&[
        "export",
        "--records",
        "consultations",
        "--output",
        file.to_str().unwrap(),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-15",
    ]);
    let out = as_alice.ok(&["import", file.to_str().unwrap()]);
    assert!(out.starts_with("Added 7 consultations"), "{out}");
    let ids: Vec<i64> = sql(&url)
        .query(
            "SELECT id FROM consultation WHERE family = 'ASH-1' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        ids,
        [3, 4, 5, 6, 7, 8, 9],
        "C-1 and C-2 were taken: the next numbers"
    );
    assert_eq!(count(&url, "SELECT last_value FROM consultation_id_seq"), 9);
    assert_eq!(as_bob.consult(&[]), "C-10");
}

/// A CSV line with its record IDs (C-3, R-1, A-2) masked, to compare logbooks that number apart.
fn without_ids(line: &str) -> String {
    let is_id = |cell: &str| {
        let mut chars = cell.chars();
        matches!(chars.next(), Some('C' | 'R' | 'V' | 'A'))
            && chars.next() == Some('-')
            && chars.as_str().parse::<u64>().is_ok()
    };
    line.split(',')
        .map(|cell| if is_id(cell) { "#" } else { cell })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn push_sends_a_personal_logbook_by_uuid_all_or_nothing() {
    let url = team_logbook();
    let team = on(&url);
    // The team already has records, so numbers differ from the personal logbook's; and it has
    // the family OAK-3, spelt its own way.
    team.consult(&["--family", "TEAM-1"]);
    team.consult(&["--family", "oak 3", "--date", "2026-02-01"]);
    let theirs_uuid = crate::common::json(&team.ok(&["show", "C-2", "--format", "json"]))["uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let mine = TestEnv::new();
    mine.consult(&[
        "--date",
        "2026-03-01",
        "--family",
        "OAK-3",
        "--worry",
        "Late\nand hungry",
        "--age",
        "4",
        "--voice",
        "Wants her dinner",
    ]);
    mine.consult(&["--date", "2026-03-02", "--family", "ELM-4"]);
    mine.ok(&["refer", "C-1", "--date", "2026-03-03", "--to", "csc"]);
    mine.ok(&[
        "review",
        "R-1",
        "--date",
        "2026-03-05",
        "--result",
        "nfa",
        "--dispute",
        "The school challenged it",
    ]);
    mine.ok(&[
        "review",
        "C-2",
        "--date",
        "2026-03-06",
        "--status",
        "resolved",
    ]);
    mine.ok(&[
        "amend",
        "C-1",
        "--setting",
        "Oak Lane",
        "--reason",
        "typed in error",
    ]);
    mine.ok(&["void", "V-2", "--reason", "entered twice"]);
    for (of, grade) in [("C-1", "good"), ("C-2", "inadequate")] {
        mine.ok(&[
            "audit",
            of,
            "--date",
            "2026-03-07",
            "--auditor",
            "Pat Manager",
            "--grade",
            grade,
            "--level-agreed",
            "yes",
            "--pathway-agreed",
            "no",
            "--learning",
            "Ask the child",
        ]);
    }
    mine.ok(&[
        "amend",
        "A-1",
        "--grade",
        "outstanding",
        "--reason",
        "graded again",
    ]);
    mine.ok(&["void", "A-2", "--reason", "the wrong consultation"]);

    let pushed = mine.run(&["push", &url]);
    assert_eq!(pushed.status.code(), Some(0), "{pushed:?}");
    assert_eq!(
        String::from_utf8_lossy(&pushed.stdout),
        format!(
            "Pushed to {url}: 7 records added, 0 already there.\n\
             C-1 → C-3\nC-2 → C-4\nR-1 → R-1\nV-1 → V-1\nV-2 → V-2\nA-1 → A-1\nA-2 → A-2\n"
        )
    );
    assert_eq!(
        stderr(&pushed),
        "note: C-1: family 'OAK-3' recorded as oak 3, its first spelling\n"
    );
    // Dates, created_at, voiding, amendments and links came along.
    let row = sql(&url)
        .query_one(
            "SELECT r.consultation_id, to_char(c.created_at AT TIME ZONE 'UTC', \
             'YYYY-MM-DD\"T\"HH24:MI:SS') AS created, c.date::text AS date, c.setting \
             FROM referral r JOIN consultation c ON c.id = r.consultation_id",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 3);
    assert_eq!(row.get::<_, String>(1), "2026-03-15T10:00:00");
    assert_eq!(row.get::<_, String>(2), "2026-03-01");
    assert_eq!(row.get::<_, String>(3), "Oak Lane");
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM amendment WHERE record = 'consultation' AND record_id = 3"
        ),
        1
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM review WHERE voided_at IS NOT NULL AND id = 2"
        ),
        1
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM consultation WHERE id = 3 AND family = 'oak 3' \
             AND family_key = 'OAK3' AND ages = '4' AND voice = 'Wants her dinner'"
        ),
        1
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM referral WHERE id = 1 AND disputed"
        ),
        1
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM audit a JOIN amendment m ON m.record = 'audit' \
             AND m.record_id = a.id WHERE a.id = 1 AND a.consultation_id = 3 \
             AND a.grade = 'outstanding' AND m.old_value = 'good'"
        ),
        1
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM audit WHERE id = 2 AND consultation_id = 4 \
             AND voided_at IS NOT NULL"
        ),
        1
    );
    for records in ["consultations", "referrals", "reviews", "audits"] {
        let export = |env: &TestEnv| {
            env.ok(&[
                "export",
                "--records",
                records,
                "--include-notes",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-15",
            ])
        };
        let mut theirs: Vec<String> = export(&team).lines().map(without_ids).collect();
        let mine: Vec<String> = export(&mine)
            .replace(",OAK-3,", ",oak 3,")
            .lines()
            .map(without_ids)
            .collect();
        theirs.retain(|l| !l.contains("TEAM-") && !l.contains(&theirs_uuid));
        assert_eq!(theirs, mine, "{records}, but for their IDs");
    }

    // Again: nothing new, and a family the team spells its own way is no difference.
    let again = mine.ok(&["push", &url]);
    assert!(
        again.starts_with(&format!(
            "Pushed to {url}: 0 records added, 7 already there.\nC-1 → C-3 (already there)\n"
        )),
        "{again}"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 4);

    // A record changed here after it was pushed stops the whole push, named.
    mine.consult(&["--family", "NEW-5"]);
    mine.ok(&[
        "amend",
        "C-2",
        "--family",
        "ELM-44",
        "--reason",
        "wrong reference",
    ]);
    let message = refused(&mine, &["push", &url], 1);
    let uuid: String = sql(&url)
        .query_one("SELECT uuid::text FROM consultation WHERE id = 4", &[])
        .unwrap()
        .get(0);
    assert!(
        message.starts_with(&format!(
            "error: C-2 is on the team logbook as C-4 (UUID {uuid}) with different content: \
             family, amendments: nothing was pushed"
        )),
        "{message}"
    );
    assert_eq!(
        count(&url, "SELECT count(*) FROM consultation"),
        4,
        "C-3 of mine was not sent"
    );

    let message = refused(&mine, &["push", "team.db"], 2);
    assert!(message.contains("not a team logbook's URL"), "{message}");
}

#[test]
fn a_manager_pushes_the_audits_of_consultations_the_advisors_pushed() {
    let url = team_logbook();
    let db = database_of(&url).to_string();
    let (alice, mo) = (format!("alice_{db}"), format!("mo_{db}"));
    let admin = on(&url);
    admin.ok(&["team", "add-advisor", &alice, "--no-password"]);
    admin.ok(&["team", "add-manager", &mo, "--no-password"]);
    let hers = TestEnv::new();
    hers.consult(&["--family", "OAK-3", "--date", "2026-03-01"]);
    hers.consult(&["--family", "ELM-4", "--date", "2026-03-02"]);
    // The manager's own logbook: her consultations, brought in from her export, and his audit.
    let file = hers.path("hers.csv");
    hers.ok(&[
        "export",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-15",
        "--include-notes",
        "--output",
        file.to_str().unwrap(),
    ]);
    let his = TestEnv::new();
    his.ok(&["import", file.to_str().unwrap()]);
    let audit = [
        "audit",
        "C-2",
        "--auditor",
        "Mo Manager",
        "--grade",
        "good",
        "--level-agreed",
        "yes",
        "--pathway-agreed",
        "yes",
    ];
    his.ok(&audit);

    // Audits are not an advisor's to send: her file with one is refused whole.
    hers.ok(&audit);
    let as_alice = &as_role(&url, &alice);
    let message = refused(&hers, &["push", as_alice], 1);
    assert!(
        message.contains("the team logbook's server does not let you do this"),
        "{message}"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 0);
    hers.ok(&["void", "A-1", "--reason", "not mine to record"]);
    let message = refused(&hers, &["push", as_alice], 1);
    assert!(message.contains("does not let you do this"), "{message}");
    // Without it, her consultations go; then his audit of one of them.
    let hers_only = TestEnv::new();
    std::fs::copy(hers.path("hers.csv"), hers_only.path("hers.csv")).unwrap();
    hers_only.ok(&["import", "hers.csv"]);
    let out = hers_only.ok(&["push", as_alice]);
    assert!(out.contains("2 records added"), "{out}");
    let out = his.ok(&["push", &as_role(&url, &mo)]);
    assert!(
        out.starts_with(&format!(
            "Pushed to {}: 1 record added, 2 already there.\n",
            as_role(&url, &mo)
        )) && out.ends_with("A-1 → A-1\n"),
        "{out}"
    );
    assert_eq!(
        count(
            &url,
            &format!(
                "SELECT count(*) FROM audit a JOIN consultation c ON c.id = a.consultation_id \
                 WHERE c.family = 'ELM-4' AND c.created_by = '{alice}' \
                   AND a.created_by = '{mo}'"
            )
        ),
        1
    );
}

#[test]
fn twenty_advisors_recording_at_once_lose_nothing() {
    let url = team_logbook();
    let db = database_of(&url).to_string();
    let advisors: Vec<String> = (0..4).map(|i| format!("adv{i}_{db}")).collect();
    for name in &advisors {
        on(&url).ok(&["team", "add-advisor", name, "--no-password"]);
    }
    let envs: Vec<TestEnv> = (0..20)
        .map(|i| on(&as_role(&url, &advisors[i % advisors.len()])))
        .collect();
    let running: Vec<_> = envs
        .iter()
        .enumerate()
        .map(|(i, env)| {
            let mut cmd = env.process();
            let family = format!("FAM-{i}");
            cmd.args(crate::common::with_flag(
                crate::common::MINIMAL,
                "--family",
                &family,
            ))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("start caselog")
        })
        .collect();
    let mut recorded = Vec::new();
    for child in running {
        let out = child.wait_with_output().expect("caselog ends");
        assert!(out.status.success(), "a writer failed: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        let id = text
            .split_whitespace()
            .find(|w| w.starts_with("C-"))
            .map(|w| w.trim_end_matches(':').to_string())
            .unwrap_or_else(|| panic!("no ID in {text}"));
        recorded.push(id);
    }
    recorded.sort();
    recorded.dedup();
    assert_eq!(
        recorded.len(),
        20,
        "every writer got its own number: {recorded:?}"
    );
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 20);
    assert_eq!(
        count(&url, "SELECT count(DISTINCT family) FROM consultation"),
        20
    );
    assert_eq!(count(&url, "SELECT max(id) FROM consultation"), 20);
}

#[test]
fn a_server_restart_in_the_middle_of_an_import_writes_nothing() {
    let server = PostgresServer::start();
    let url = server.create_database();
    PostgresLogbook::init(&url).expect("team init");
    let env = on(&url);
    let file = env.path("many.csv");
    let mut csv = String::from("date,advisor,setting,agency,family,level,outcome\n");
    for i in 0..40_000 {
        csv.push_str(&format!("2026-03-01,Sam,Surgery,school,F-{i},1,advice\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let mut import = env.process();
    import
        .args(["import", file.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = import.spawn().expect("start caselog import");
    // Wait until the import's transaction has written something, then restart the server.
    let started = std::time::Instant::now();
    let mut watcher = sql(&url);
    loop {
        let writing = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE application_name = 'caselog' AND backend_xid IS NOT NULL",
                &[],
            )
            .unwrap()
            .get::<_, i64>(0);
        if writing > 0 {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            panic!("the import ended before the restart: {}", stderr(&out));
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the import never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(watcher);
    server.restart();
    let out = child.wait_with_output().expect("caselog ends");
    let message = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{message}");
    assert_eq!(
        message,
        "error: the connection to the team logbook's server was lost (the server stopped or \
         restarted): nothing was written\nhint: run the command again once the server is back\n"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 0);
    // The logbook works again once the server is back.
    env.ok(crate::common::MINIMAL);
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 1);
}

/// A certificate authority made for a test, and its certificate as PEM.
fn authority(name: &str) -> (rcgen::CertifiedIssuer<'static, rcgen::KeyPair>, String) {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let ca =
        rcgen::CertifiedIssuer::self_signed(params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let pem = ca.pem();
    (ca, pem)
}

/// Writes a file the server reads, owned by the server's user, readable by it alone.
fn server_file(data: &std::path::Path, name: &str, text: &str) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let owner = std::fs::metadata(data).unwrap();
    let path = data.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&path, Some(owner.uid()), Some(owner.gid())).unwrap();
}

#[test]
fn connecting_with_tls_a_password_or_the_password_file() {
    let server = PostgresServer::start();
    let url = server.create_database();
    PostgresLogbook::init(&url).expect("team init");
    let data = server.directory().join("data");
    // A server certificate for 127.0.0.1 from an authority made here; TLS switched on.
    let (ca, ca_pem) = authority("caselog test authority");
    let (_, other_pem) = authority("some other authority");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    server_file(&data, "server.crt", &cert.pem());
    server_file(&data, "server.key", &key.serialize_pem());
    // Carol may only come in encrypted, with her password.
    let hba = std::fs::read_to_string(data.join("pg_hba.conf")).unwrap();
    server_file(
        &data,
        "pg_hba.conf",
        &format!(
            "hostnossl all carol 127.0.0.1/32 reject\n\
             hostssl all carol 127.0.0.1/32 scram-sha-256\n{hba}"
        ),
    );
    let mut admin = sql(&url);
    admin.batch_execute("ALTER SYSTEM SET ssl = on").unwrap();
    admin.batch_execute("SELECT pg_reload_conf()").unwrap();
    let started = std::time::Instant::now();
    while sql(&url)
        .query_one("SHOW ssl", &[])
        .unwrap()
        .get::<_, String>(0)
        != "on"
    {
        assert!(started.elapsed().as_secs() < 30, "TLS never came on");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let env = on(&url);
    std::fs::create_dir_all(env.path("home")).unwrap();
    std::fs::write(env.path("password"), "s3cret word\n").unwrap();
    std::fs::write(env.path("root.crt"), &ca_pem).unwrap();
    std::fs::write(env.path("other.crt"), &other_pem).unwrap();
    let password_file = env.path("password");
    env.ok(&[
        "team",
        "add-advisor",
        "carol",
        "--password-file",
        password_file.to_str().unwrap(),
    ]);
    let secret: String = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'carol'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(secret.starts_with("SCRAM-SHA-256$"), "{secret}");

    let carol = |params: &str| as_role(&url, "carol") + params;
    let require = carol("?sslmode=require");
    let message = refused(&on(&require), crate::common::MINIMAL, 1);
    assert!(
        message.contains("asks carol for a password, and none was given"),
        "{message}"
    );
    let message = refused(
        &on(&require).env("PGPASSWORD", "wrong"),
        crate::common::MINIMAL,
        1,
    );
    assert!(message.contains("refused to let carol in"), "{message}");
    on(&require).env("PGPASSWORD", "s3cret word").consult(&[]);
    let message = refused(
        &on(&carol("?sslmode=disable")).env("PGPASSWORD", "s3cret word"),
        crate::common::MINIMAL,
        1,
    );
    assert!(
        message.contains("refused to let carol in") && message.contains("no encryption"),
        "{message}"
    );

    // The password file, as libpq reads it: only when others cannot read it.
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    let pgpass = env.path("home/.pgpass");
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{port}:{}:carol:s3cret word\n", database_of(&url)),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    let with_home = |u: &str| on(u).env("HOME", env.path("home").to_str().unwrap());
    with_home(&require).consult(&[]);
    std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
    let message = refused(&with_home(&require), crate::common::MINIMAL, 1);
    assert!(message.contains("none was given"), "{message}");

    // Checking the server's certificate against its authority, and its name.
    let root = env.path("root.crt");
    let other = env.path("other.crt");
    let verified = |file: &std::path::Path| {
        carol(&format!(
            "?sslmode=verify-full&sslrootcert={}",
            file.display()
        ))
    };
    on(&verified(&root))
        .env("PGPASSWORD", "s3cret word")
        .consult(&[]);
    let message = refused(
        &on(&verified(&other)).env("PGPASSWORD", "s3cret word"),
        crate::common::MINIMAL,
        1,
    );
    assert!(
        message
            .contains("cannot make an encrypted (TLS) connection to postgresql://carol@127.0.0.1:"),
        "{message}"
    );
    assert!(
        message
            .contains("the server's certificate does not come from the authority in sslrootcert"),
        "{message}"
    );

    // The config file may name the team logbook.
    let config = env.path("config.toml");
    std::fs::write(&config, format!("database = \"{require}\"\n")).unwrap();
    let mut cmd = env.process();
    cmd.env_remove("CASELOG_DB")
        .env("PGPASSWORD", "s3cret word")
        .args([
            "--config",
            config.to_str().unwrap(),
            "list",
            "--format",
            "json",
        ]);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = crate::common::json(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM consultation WHERE created_by = 'carol'"
        ),
        3
    );
}

#[test]
fn team_init_check_backup_and_schema_versions() {
    let url = PostgresServer::shared().create_database();
    let env = on(&url);
    let message = refused(&env, &["list"], 1);
    assert!(
        message.contains("is not a team logbook yet: it is empty"),
        "{message}"
    );
    assert!(message.contains("team init"), "{message}");
    let out = env.ok(&["team", "init"]);
    assert!(
        out.starts_with(&format!(
            "Made {url} a team logbook (schema version 5), with the roles caselog_advisor and \
             caselog_manager and their access rules.\n"
        )),
        "{out}"
    );
    let out = env.ok(&["team", "init"]);
    assert!(
        out.starts_with(&format!("The team logbook {url} was up to date")),
        "{out}"
    );
    env.consult(&[]);
    env.ok(&["void", "C-1", "--reason", "wrong family"]);

    let out = env.ok(&["check"]);
    for line in [
        format!("Logbook: {url}"),
        "Schema version: 5 (this caselog writes 5)".to_string(),
        "Integrity: ok".to_string(),
        "Links between records: ok".to_string(),
    ] {
        assert!(out.contains(&line), "{line} in {out}");
    }
    let health = crate::common::json(&env.ok(&["check", "--format", "json"]));
    assert_eq!(
        health["records"][0],
        serde_json::json!({"table": "consultation", "total": 1, "voided": 1})
    );
    sql(&url)
        .batch_execute("ALTER TABLE review DISABLE ROW LEVEL SECURITY")
        .unwrap();
    let out = env.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: the team logbook {url} has problems (see above)\nhint: whoever runs it puts \
             its access rules right with `caselog team init`, and looks into broken links on the \
             server (docs/team.md)\n"
        )
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("row-level security is off on review: run `caselog team init` again"),
        "{out:?}"
    );
    env.ok(&["team", "init"]);
    env.ok(&["check"]);
    // An audit whose consultation is not there (the server's own check taken off by hand) is
    // named, and counted.
    sql(&url)
        .batch_execute(
            "ALTER TABLE audit DROP CONSTRAINT audit_consultation_id_fkey;
             INSERT INTO audit (id, uuid, consultation_id, date, auditor, grade, level_agreed,
                 pathway_agreed, created_at)
             VALUES (7, gen_random_uuid(), 99, '2026-03-01', 'P', 'good', true, true, now())",
        )
        .unwrap();
    let out = env.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("audit row 7 refers to a missing consultation"),
        "{shown}"
    );
    let out = env.run(&["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let health = crate::common::json(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        health["records"][3],
        serde_json::json!({"table": "audit", "total": 1, "voided": 0})
    );
    sql(&url).batch_execute("DELETE FROM audit").unwrap();

    let message = refused(&env, &["backup", "copy.db"], 2);
    assert!(
        message.contains("is a team logbook on a server: it is backed up there, with pg_dump"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "pg_dump --format=custom --file caselog.dump '{url}'"
        )),
        "{message}"
    );
    assert!(!env.path("copy.db").exists());

    // A logbook of a newer caselog is refused, and left as it is.
    sql(&url)
        .batch_execute("UPDATE caselog_schema SET version = 99")
        .unwrap();
    for args in [&["list"][..], &["team", "init"], crate::common::MINIMAL] {
        let message = refused(&env, args, 1);
        assert!(
            message.contains(
                "was written by a newer caselog (schema version 99; this caselog knows up to 5)"
            ),
            "{args:?}: {message}"
        );
    }
    assert_eq!(
        count(&url, "SELECT version::bigint FROM caselog_schema"),
        99
    );
    assert_eq!(count(&url, "SELECT count(*) FROM consultation"), 1);

    // A database holding something else is not made a team logbook.
    let other = PostgresServer::shared().create_database();
    sql(&other)
        .batch_execute("CREATE TABLE payroll (id int)")
        .unwrap();
    let message = refused(&on(&other), &["team", "init"], 1);
    assert!(
        message.contains("is not a caselog team logbook: it holds other tables"),
        "{message}"
    );
    assert_eq!(
        count(
            &other,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        1
    );

    // The team commands need a team logbook.
    let message = refused(&TestEnv::new(), &["team", "init"], 2);
    assert!(
        message.contains("caselog team works on a team logbook"),
        "{message}"
    );
    let message = refused(&on(&url), &["team", "add-advisor", "dee"], 2);
    assert!(message.contains("no password given for dee"), "{message}");
}

/// Copies every row of a SQLite logbook's tables into the same tables of a team logbook, as
/// they are (each value as text, read by the server as its column's type).
pub(crate) fn copy_rows(file: &std::path::Path, url: &str, tables: &[&str]) {
    let from = rusqlite::Connection::open(file).expect("open the file");
    let mut to = sql(url);
    for table in tables {
        let mut stmt = from
            .prepare(&format!("SELECT * FROM {table} ORDER BY id"))
            .unwrap();
        let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let rows: Vec<serde_json::Value> = stmt
            .query_map([], |row| {
                let mut object = serde_json::Map::new();
                for (i, name) in names.iter().enumerate() {
                    let value = match row.get::<_, rusqlite::types::Value>(i)? {
                        rusqlite::types::Value::Null => serde_json::Value::Null,
                        rusqlite::types::Value::Integer(n) => n.to_string().into(),
                        rusqlite::types::Value::Text(t) => t.into(),
                        other => panic!("{table}.{name}: {other:?}"),
                    };
                    object.insert(name.clone(), value);
                }
                Ok(serde_json::Value::Object(object))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for row in rows {
            let columns: Vec<&String> = row.as_object().unwrap().keys().collect();
            let list = columns
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            to.execute(
                &format!(
                    "INSERT INTO {table} ({list}) SELECT {list} \
                     FROM json_populate_record(NULL::{table}, $1::text::json)"
                ),
                &[&row.to_string()],
            )
            .unwrap_or_else(|e| panic!("{table}: {row}: {e}"));
        }
    }
}

#[test]
fn an_older_team_logbook_gets_the_family_keys_a_file_gets() {
    use caselog::store::postgres::schema;
    // The first version's logbook, with families whose keys need Unicode's rules: a letter
    // that upper-cases to a letter and a combining mark, and ß, which upper-cases to SS.
    let file = TestEnv::new();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logbook-v1.db");
    std::fs::copy(&fixture, file.db()).unwrap();
    let older = rusqlite::Connection::open(file.db()).unwrap();
    for (n, family) in ["ΐ-1", "\u{3AA}\u{301} 1", "straße-3", "STRASSE 3"]
        .iter()
        .enumerate()
    {
        older
            .execute(
                "INSERT INTO consultation (uuid, date, advisor, setting, mode, agency, family, \
                 level, outcome, created_at) VALUES (?1, ?2, 'Sam', 'S', 'surgery', '2A', ?3, \
                 1, 'advice', '2026-03-01T09:00:00Z')",
                rusqlite::params![
                    format!("00000000-0000-4000-8000-00000000000{n}"),
                    format!("2026-03-0{}", n + 1),
                    family
                ],
            )
            .unwrap();
    }
    drop(older);
    // The same records on a team logbook of schema version 1.
    let url = PostgresServer::shared().create_database();
    sql(&url)
        .batch_execute(&format!(
            "{} UPDATE caselog_schema SET version = 1;",
            schema::STEPS[0].sql
        ))
        .unwrap();
    copy_rows(
        &file.db(),
        &url,
        &["consultation", "referral", "review", "amendment"],
    );
    let team = on(&url);
    let message = refused(&team, &["list"], 1);
    assert!(
        message.contains("has the schema of an older caselog (version 1; this caselog writes 5)"),
        "{message}"
    );
    let out = team.ok(&["team", "init"]);
    assert!(
        out.starts_with(&format!(
            "Brought the team logbook {url} up to date: schema version 1 → 5"
        )),
        "{out}"
    );

    // Each spelling kept; each key caselog's own, as the file's.
    let keys = "SELECT family, family_key FROM consultation ORDER BY id";
    let on_the_server: Vec<Vec<String>> = sql(&url)
        .query(keys, &[])
        .unwrap()
        .iter()
        .map(|r| vec![r.get(0), r.get(1)])
        .collect();
    file.ok(&["check"]);
    assert_eq!(on_the_server, file.sql(keys));
    assert_eq!(
        on_the_server[5..],
        [
            ["ΐ-1", "\u{3AA}1"],
            ["\u{3AA}\u{301} 1", "\u{3AA}1"],
            ["straße-3", "STRASSE3"],
            ["STRASSE 3", "STRASSE3"],
        ]
        .map(|pair| pair.map(String::from))
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'consultation_by_family_key'"
        ),
        1
    );
    // Version 4's index of reviews by follow-up date, and version 5's of what is due, for
    // everyone and by advisor, which replaced version 4's of consultations by advisor.
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM pg_indexes WHERE indexname IN ('review_by_follow_up', \
             'consultation_due', 'consultation_due_by_advisor', 'consultation_by_advisor')"
        ),
        3
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM review WHERE referral_id IS NOT NULL AND disputed = false"
        ),
        count(
            &url,
            "SELECT count(*) FROM review WHERE referral_id IS NOT NULL"
        )
    );

    // The same answers from the file and the team logbook.
    for args in [
        &["history", "oak 0142", "--format", "json", "--all"][..],
        &["history", "ΐ1", "--format", "json"],
        &["history", "Strasse-3", "--format", "json"],
        &[
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-15",
            "--format",
            "json",
        ],
        &["list", "--family", "STRAßE 3", "--format", "json"],
        &["show", "C-4", "--format", "json"],
        &[
            "export",
            "--records",
            "reviews",
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-15",
        ],
    ] {
        assert_eq!(file.ok(args), team.ok(args), "{args:?}");
    }
    let report = crate::common::json(&team.ok(&[
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-15",
        "--format",
        "json",
    ]));
    assert_eq!(
        report["families"], 4,
        "OAK-0142, NG-7, ΐ-1 and straße-3: {report}"
    );
    // A consultation typed now with another spelling joins its family under the first one.
    let out = team.run(&[
        "consult",
        "--advisor",
        "Sam",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "Straße 3",
        "--level",
        "1",
        "--outcome",
        "advice",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        stderr(&out).contains("family 'Straße 3' recorded as straße-3, its first spelling"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_consultation_of_a_large_older_team_logbook_gets_its_key() {
    use caselog::store::postgres::schema;
    // More consultations than are keyed in one batch.
    let url = PostgresServer::shared().create_database();
    sql(&url)
        .batch_execute(&format!(
            "{} UPDATE caselog_schema SET version = 1;
             INSERT INTO consultation (id, uuid, date, advisor, setting, mode, agency, family,
                 level, outcome, created_at)
             SELECT n, gen_random_uuid(), '2026-03-01', 'Sam', 'S', 'surgery', '2A',
                 'f-' || n, 1, 'advice', '2026-03-01T09:00:00Z'
             FROM generate_series(1, 12345) AS n;",
            schema::STEPS[0].sql
        ))
        .unwrap();
    on(&url).ok(&["team", "init"]);
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM consultation WHERE family_key = 'F' || id"
        ),
        12345
    );
}

#[test]
fn a_new_persons_password_is_asked_for_twice_and_never_shown() {
    use crate::interactive::{BACKSPACE, ENTER, answer, rest, session_with};
    let url = team_logbook();
    let name = format!("dee_{}", database_of(&url));
    let env = TestEnv::new();
    let mut s = session_with(&env, &["team", "add-advisor", &name], |cmd| {
        cmd.env("CASELOG_DB", &url);
    });
    let prompt = format!("Password for {name}: ");
    answer(&mut s, &prompt, &[ENTER]);
    answer(
        &mut s,
        "nothing was typed",
        &["s3cre", "tX", BACKSPACE, ENTER],
    );
    answer(&mut s, "Again: ", &["other", ENTER]);
    answer(
        &mut s,
        "the two did not match: type it again",
        &["s3cret", ENTER],
    );
    answer(&mut s, "Again: ", &["s3cret", ENTER]);
    let screen = rest(&mut s);
    assert!(screen.contains(&format!("Added {name} to ")), "{screen}");
    assert!(
        !screen.contains("s3cre") && !screen.contains("other"),
        "{screen}"
    );
    let verifier: Option<String> = sql(&url)
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    let verifier = verifier.expect("a password");
    assert!(is_scram_verifier_of(&verifier, "s3cret"), "{verifier}");
    assert!(!is_scram_verifier_of(&verifier, "s3cretX"));
}

/// Whether a server's SCRAM-SHA-256 verifier (`SCRAM-SHA-256$ITERATIONS:SALT$STOREDKEY:SERVERKEY`,
/// base64) was made from `password` (RFC 5802: StoredKey = H(HMAC(Hi(password, salt, i),
/// "Client Key"))).
fn is_scram_verifier_of(verifier: &str, password: &str) -> bool {
    use sha2::{Digest, Sha256};
    fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut block = [0u8; 64];
        block[..key.len()].copy_from_slice(key);
        let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(message)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .to_vec()
    }
    fn base64(text: &str) -> Vec<u8> {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0u32;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.bytes().filter(|&c| c != b'=') {
            let value = alphabet.iter().position(|&a| a == c).expect("base64") as u32;
            bits = (bits << 6) | value;
            count += 6;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
            }
        }
        out
    }
    let rest = verifier
        .strip_prefix("SCRAM-SHA-256$")
        .expect("a SCRAM verifier");
    let (salting, keys) = rest.split_once('$').expect("keys");
    let (iterations, salt) = salting.split_once(':').expect("a salt");
    let stored = base64(keys.split_once(':').expect("two keys").0);
    let mut u = hmac(
        password.as_bytes(),
        &[base64(salt), vec![0, 0, 0, 1]].concat(),
    );
    let mut salted = u.clone();
    for _ in 1..iterations.parse::<u32>().expect("iterations") {
        u = hmac(password.as_bytes(), &u);
        salted.iter_mut().zip(&u).for_each(|(s, b)| *s ^= b);
    }
    Sha256::digest(hmac(&salted, b"Client Key")).to_vec() == stored
}

#[test]
fn a_server_that_cannot_be_reached_is_named_in_plain_words() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = on(&format!("postgresql://sam:secret@127.0.0.1:{port}/team"));
    let message = refused(&env, &["list"], 1);
    assert_eq!(
        message,
        format!(
            "error: cannot reach the server of postgresql://sam@127.0.0.1:{port}/team: \
             connection refused\nhint: check that the server is running and that the URL's host \
             and port are right\n"
        )
    );
    let message = refused(
        &on("postgresql://sam@127.0.0.1/team?colour=blue"),
        &["list"],
        2,
    );
    assert!(message.contains("unknown parameter `colour`"), "{message}");
    let url = PostgresServer::shared().create_database();
    let missing = url.replace("/test_", "/nothing_");
    let message = refused(&on(&missing), &["list"], 1);
    assert!(
        message.contains("there is no database nothing_"),
        "{message}"
    );
}

#[test]
fn the_database_owner_with_createrole_sets_up_the_team_logbook() {
    let url = PostgresServer::shared().create_database();
    let db = database_of(&url).to_string();
    let owner = format!("admin_{db}");
    sql(&url)
        .batch_execute(&format!(
            "CREATE ROLE {owner} LOGIN CREATEROLE; ALTER DATABASE {db} OWNER TO {owner}"
        ))
        .unwrap();
    let admin = on(&as_role(&url, &owner));
    admin.ok(&["team", "init"]);
    let advisor = format!("kim_{db}");
    admin.ok(&["team", "add-advisor", &advisor, "--no-password"]);
    let kim = on(&as_role(&url, &advisor));
    assert_eq!(kim.consult(&[]), "C-1");
    kim.ok(&[
        "amend",
        "C-1",
        "--setting",
        "Elm",
        "--reason",
        "typed in error",
    ]);
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM pg_policies WHERE policyname = 'correct_own'"
        ),
        4,
        "one on each record table"
    );
    // Someone who is neither owner nor allowed to make roles cannot set one up.
    let other = PostgresServer::shared().create_database();
    let nobody = format!("nobody_{}", database_of(&other));
    sql(&other)
        .batch_execute(&format!("CREATE ROLE {nobody} LOGIN"))
        .unwrap();
    let message = refused(&on(&as_role(&other, &nobody)), &["team", "init"], 1);
    assert!(
        message.contains("cannot set up the team logbook"),
        "{message}"
    );
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(
        count(
            &other,
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
}
