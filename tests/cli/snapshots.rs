//! Snapshots of the whole human output of every command — standard output, standard error and
//! the exit status — on one small logbook, so that any change to what a person sees shows up in
//! review (`cargo insta review`). The figures and rows themselves are asserted elsewhere.

use crate::common::TestEnv;

/// A command's whole output, as one text: the command, its exit status, stdout and stderr.
fn whole(env: &TestEnv, args: &[&str]) -> String {
    let out = env.run(args);
    format!(
        "$ caselog {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Snapshots a command's whole output, with the test's own folder written as [DIR] and UUIDs
/// (random per run) as [UUID].
macro_rules! snapshot {
    ($name:literal, $env:expr, $args:expr) => {{
        let env: &TestEnv = $env;
        let dir = regex_escape(&env.dir.path().display().to_string());
        insta::with_settings!({
            filters => vec![
                (dir.as_str(), "[DIR]"),
                (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[UUID]"),
            ],
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, whole(env, $args));
        });
    }};
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '/' || c == '_' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// A family with a consultation, a referral, its result and a follow-up, and a second family.
fn logbook() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "consult",
        "--date",
        "2026-02-02",
        "--advisor",
        "Sam Patel",
        "--setting",
        "Oakwood Primary surgery",
        "--agency",
        "school",
        "--role",
        "DSL",
        "--family",
        "OAK-0142",
        "--indicator",
        "C2.1;P3.2",
        "--consultee-level",
        "4",
        "--outcome",
        "early-help",
        "--consent",
        "given",
        "--worry",
        "Often late and hungry",
        "--follow-up",
        "2026-03-10",
    ]);
    env.ok(&[
        "consult",
        "--date",
        "2026-02-09",
        "--advisor",
        "Jo Smith",
        "--setting",
        "Northgate GP practice",
        "--agency",
        "gp",
        "--family",
        "NG-7",
        "--level",
        "2",
        "--outcome",
        "advice",
    ]);
    env.ok(&[
        "refer",
        "C-1",
        "--date",
        "2026-02-03",
        "--to",
        "csc",
        "--reason",
        "Neglect",
    ]);
    env.ok(&[
        "review",
        "R-1",
        "--date",
        "2026-02-10",
        "--result",
        "assessment",
    ]);
    env.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-02-16",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-03-16",
    ]);
    env
}

#[test]
fn recording() {
    let env = logbook();
    snapshot!(
        "consult",
        &env,
        &[
            "consult",
            "--advisor",
            "Sam Patel",
            "--setting",
            "Oakwood Primary surgery",
            "--agency",
            "school",
            "--family",
            "oak 0142",
            "--indicator",
            "C3.1;P3.2;F3.1",
            "--outcome",
            "refer-csc",
        ]
    );
    snapshot!(
        "refer",
        &env,
        &["refer", "C-2", "--to", "police", "--urgent"]
    );
    snapshot!(
        "review_consultation",
        &env,
        &[
            "review",
            "C-2",
            "--status",
            "resolved",
            "--note",
            "Family engaged"
        ]
    );
    snapshot!(
        "review_referral",
        &env,
        &["review", "R-2", "--result", "nfa"]
    );
    snapshot!(
        "amend",
        &env,
        &[
            "amend",
            "C-2",
            "--role",
            "Practice nurse",
            "--reason",
            "Role was missing"
        ]
    );
    snapshot!("void", &env, &["void", "V-3", "--reason", "Entered twice"]);
}

#[test]
fn reading() {
    let env = logbook();
    snapshot!("show_consultation", &env, &["show", "C-1"]);
    snapshot!("show_referral", &env, &["show", "R-1"]);
    snapshot!("show_review", &env, &["show", "V-2"]);
    snapshot!("list", &env, &["list"]);
    snapshot!("history", &env, &["history", "oak-0142"]);
    snapshot!("history_brief", &env, &["history", "OAK0142", "--brief"]);
    snapshot!(
        "history_markdown",
        &env,
        &["history", "oak 0142", "--format", "markdown"]
    );
    snapshot!("review_list", &env, &["review"]);
    snapshot!("report", &env, &["report", "--month", "2026-02"]);
    snapshot!(
        "report_by_agency",
        &env,
        &["report", "--month", "2026-02", "--by", "agency"]
    );
    snapshot!(
        "report_by_organisation",
        &env,
        &["report", "--month", "2026-02", "--by", "organisation"]
    );
    snapshot!(
        "report_against",
        &env,
        &["report", "--month", "2026-02", "--against-month", "2026-01"]
    );
    snapshot!("checklist", &env, &["checklist", "--level", "4"]);
    snapshot!("check", &env, &["check"]);
}

#[test]
fn exchanging() {
    let env = logbook();
    snapshot!("export", &env, &["export", "--month", "2026-02"]);
    let out = env.ok(&["export", "--month", "2026-02", "--records", "referrals"]);
    std::fs::write(env.path("referrals.csv"), out).expect("write the file");
    snapshot!(
        "import",
        &env,
        &["import", "referrals.csv", "--records", "referrals"]
    );
    snapshot!("backup", &env, &["backup", "copy.db"]);
}

#[test]
fn refusals() {
    let env = logbook();
    snapshot!(
        "refused_code",
        &env,
        &["consult", "--agency", "teacher", "--no-input"]
    );
    snapshot!(
        "refused_missing",
        &env,
        &["consult", "--advisor", "Sam", "--no-input"]
    );
    snapshot!("refused_id", &env, &["show", "C-99"]);
    snapshot!(
        "refused_void",
        &env,
        &["void", "C-1", "--reason", "wrong family"]
    );
    snapshot!(
        "refused_clear",
        &env,
        &["amend", "C-1", "--clear", "family", "--reason", "r"]
    );
    snapshot!(
        "refused_pathway",
        &env,
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "school",
            "--family",
            "OAK-0142",
            "--level",
            "4",
            "--outcome",
            "advice",
        ]
    );
    snapshot!(
        "refused_family",
        &env,
        &[
            "consult",
            "--advisor",
            "Sam",
            "--setting",
            "S",
            "--agency",
            "school",
            "--family",
            "Jane Smith",
            "--level",
            "1",
            "--outcome",
            "advice",
        ]
    );
}

#[test]
fn oversight() {
    let env = logbook();
    snapshot!(
        "audit",
        &env,
        &[
            "audit",
            "C-1",
            "--date",
            "2026-03-02",
            "--auditor",
            "Pat Manager",
            "--grade",
            "requires-improvement",
            "--level-agreed",
            "yes",
            "--pathway-agreed",
            "no",
            "--note",
            "Level well reasoned; the hunger was not followed up",
            "--learning",
            "Ask what a day is like for the child before agreeing a pathway",
        ]
    );
    snapshot!("show_audit", &env, &["show", "A-1"]);
    snapshot!(
        "learning_summary",
        &env,
        &["audit", "--learning-summary", "--month", "2026-02"]
    );
    snapshot!(
        "sample",
        &env,
        &[
            "sample",
            "--month",
            "2026-02",
            "--size",
            "1",
            "--by",
            "advisor",
            "--include-audited"
        ]
    );
    snapshot!(
        "refused_audit",
        &env,
        &["audit", "C-2", "--grade", "good", "--no-input"]
    );
}

/// Snapshots a command's whole output on a team logbook: as `snapshot!`, with the test server's
/// address and database written as [SERVER]/[DATABASE], and role names made unique by the
/// database's name written plainly.
macro_rules! team_snapshot {
    ($name:literal, $env:expr, $args:expr) => {{
        let env: &TestEnv = $env;
        let dir = regex_escape(&env.dir.path().display().to_string());
        insta::with_settings!({
            filters => vec![
                (dir.as_str(), "[DIR]"),
                (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "[UUID]"),
                (r"127\.0\.0\.1:\d+/test_\d+", "[SERVER]/[DATABASE]"),
                (r"_test_\d+", ""),
            ],
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, whole(env, $args));
        });
    }};
}

#[test]
fn team_logbook_commands() {
    let url = crate::support::postgres::PostgresServer::shared().create_database();
    let team = TestEnv::new().env("CASELOG_DB", &url);
    let sam = format!("sam_{}", url.rsplit('/').next().unwrap());
    team_snapshot!("team_init", &team, &["team", "init"]);
    team_snapshot!(
        "team_add_advisor",
        &team,
        &["team", "add-advisor", &sam, "--no-password"]
    );
    team_snapshot!(
        "team_add_advisor_again",
        &team,
        &["team", "add-advisor", &sam, "--no-password"]
    );
    team_snapshot!(
        "team_add_manager_without_password",
        &team,
        &["team", "add-manager", "jo"]
    );
    // The team logbook knows the family already, spelt its own way.
    team.ok(&[
        "consult",
        "--advisor",
        "Jo Smith",
        "--setting",
        "Northgate children's centre",
        "--agency",
        "school",
        "--family",
        "oak 0142",
        "--level",
        "2",
        "--outcome",
        "advice",
        "--date",
        "2026-01-05",
    ]);
    let mine = logbook();
    mine.ok(&[
        "audit",
        "C-1",
        "--date",
        "2026-03-02",
        "--auditor",
        "Pat Manager",
        "--grade",
        "good",
        "--level-agreed",
        "yes",
        "--pathway-agreed",
        "yes",
    ]);
    team_snapshot!("push", &mine, &["push", &url]);
    team_snapshot!("push_again", &mine, &["push", &url]);
    team_snapshot!("team_check", &team, &["check"]);
    team_snapshot!("team_backup", &team, &["backup", "copy.db"]);
    let as_sam = TestEnv::new().env(
        "CASELOG_DB",
        &url.replacen("postgres@", &format!("{sam}@"), 1),
    );
    team_snapshot!(
        "team_amend_not_yours",
        &as_sam,
        &["amend", "C-1", "--setting", "Elm", "--reason", "x"]
    );
}
