//! When each consultation is due on the weekly list (`due_from`) on a team logbook: kept as
//! another advisor's reviews and referrals change it while the server still keeps them from
//! amending the consultation, set for what `push` sends, and worked out by `team init` for the
//! consultations of a logbook of schema version 4 as a fresh logbook has it.

use caselog::store::postgres::schema;
use postgres::error::SqlState;

use crate::common::TestEnv;
use crate::support::postgres::PostgresServer;
use crate::team::{
    as_role, copy_rows, correct_and_void, count, database_of, on, record_fixture, refused, sql,
    team_logbook,
};

/// Every consultation's `due_from` on the team logbook at `url`, in ID order (empty for none).
fn due_on_server(url: &str) -> Vec<Vec<String>> {
    sql(url)
        .query(
            "SELECT c.id::text, coalesce(c.due_from::text, '') FROM consultation c ORDER BY c.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| vec![r.get(0), r.get(1)])
        .collect()
}

/// Every consultation's `due_from` in a file, in ID order (empty for none).
fn due_in_file(env: &TestEnv) -> Vec<Vec<String>> {
    env.sql("SELECT id, due_from FROM consultation ORDER BY id")
}

/// The IDs of the items on the weekly list `review` prints with `args`.
fn listed(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let list = crate::common::json(&env.ok(&[&["review", "--format", "json"][..], args].concat()));
    list.as_array()
        .unwrap()
        .iter()
        .flat_map(|family| family["items"].as_array().unwrap().clone())
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

/// A database made a team logbook of schema version 4, as the caselog before `due_from` left it.
fn version_4_logbook() -> String {
    let url = PostgresServer::shared().create_database();
    let mut client = sql(&url);
    let mut tx = client.transaction().unwrap();
    for step in &schema::STEPS[..4] {
        tx.batch_execute(step.sql).unwrap();
        if let Some(then) = step.then {
            then(&mut tx).unwrap();
        }
    }
    tx.batch_execute("UPDATE caselog_schema SET version = 4")
        .unwrap();
    tx.commit().unwrap();
    url
}

#[test]
fn another_advisors_follow_up_or_referral_moves_when_a_consultation_is_due() {
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
        admin.ok(&["team", command, name, "--no-password"]);
    }
    let as_alice = on(&as_role(&url, &alice));
    let as_bob = on(&as_role(&url, &bob));
    let due = || due_on_server(&url)[0][1].clone();
    assert_eq!(
        as_alice.consult(&[
            "--family",
            "OAK-9",
            "--date",
            "2026-03-01",
            "--follow-up",
            "2026-03-10"
        ]),
        "C-1"
    );
    assert_eq!(due(), "2026-03-10");
    assert_eq!(listed(&as_alice, &["--advisor", "sam advisor"]), ["C-1"]);

    // Bob's follow-up on her consultation answers hers and sets the next one.
    as_bob.ok(&[
        "review",
        "C-1",
        "--date",
        "2026-03-12",
        "--status",
        "ongoing",
        "--follow-up",
        "2026-04-20",
    ]);
    assert_eq!(due(), "2026-04-20");
    assert_eq!(listed(&as_alice, &[]), Vec::<String>::new());
    // His referral from it is pending from the day it was made.
    as_bob.ok(&["refer", "C-1", "--date", "2026-03-13", "--to", "csc"]);
    assert_eq!(due(), "2026-03-13");
    assert_eq!(listed(&as_alice, &["--advisor", "SAM ADVISOR"]), ["R-1"]);
    // Corrected and voided, by him, his records leave hers as they now say.
    as_bob.ok(&["void", "R-1", "--reason", "entered in error"]);
    assert_eq!(due(), "2026-04-20");
    as_bob.ok(&[
        "amend",
        "V-1",
        "--follow-up",
        "2026-03-14",
        "--reason",
        "typed in error",
    ]);
    assert_eq!(due(), "2026-03-14");
    assert_eq!(listed(&as_alice, &[]), ["C-1"]);
    as_bob.ok(&["void", "V-1", "--reason", "the wrong family"]);
    assert_eq!(due(), "2026-03-10");
    let authors: Vec<(i64, String)> = sql(&url)
        .query(
            "SELECT id, created_by FROM consultation UNION ALL SELECT id, created_by FROM referral \
             UNION ALL SELECT id, created_by FROM review",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        authors,
        [(1, alice.clone()), (1, bob.clone()), (1, bob.clone())]
    );

    // The consultation is still hers alone to correct.
    let message = refused(
        &as_bob,
        &[
            "amend",
            "C-1",
            "--follow-up",
            "2026-05-01",
            "--reason",
            "mine now",
        ],
        1,
    );
    assert!(
        message.contains(&format!(
            "C-1 was recorded by {alice}: on the team logbook only its author may change it"
        )),
        "{message}"
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM amendment WHERE record = 'consultation'"
        ),
        0
    );
    // Straight to the server: no one updates due_from by hand, not even the author, and only
    // advisors may have caselog keep it; another's consultation is not changed.
    let changed = sql(&as_role(&url, &bob))
        .execute(
            "UPDATE consultation SET follow_up = '2026-05-01' WHERE id = 1",
            &[],
        )
        .unwrap();
    assert_eq!(changed, 0, "bob changed alice's consultation");
    for (who, statement) in [
        (&bob, "UPDATE consultation SET due_from = NULL WHERE id = 1"),
        (
            &alice,
            "UPDATE consultation SET due_from = NULL WHERE id = 1",
        ),
        (
            &mo,
            "SELECT caselog_keep_due_from(ARRAY[1]::bigint[], ARRAY[NULL]::date[])",
        ),
    ] {
        let result = sql(&as_role(&url, who)).batch_execute(statement);
        let code = result.as_ref().err().and_then(|e| e.code().cloned());
        assert_eq!(
            code,
            Some(SqlState::INSUFFICIENT_PRIVILEGE),
            "{who}: {statement}: {result:?}"
        );
    }
    assert_eq!(due(), "2026-03-10");
    // Her own correction moves it as ever.
    as_alice.ok(&[
        "amend",
        "C-1",
        "--follow-up",
        "2026-03-20",
        "--reason",
        "agreed a later date",
    ]);
    assert_eq!(due(), "2026-03-20");
}

#[test]
fn push_sets_when_each_consultation_it_sends_is_due() {
    let url = team_logbook();
    let team = on(&url);
    let mine = TestEnv::new();
    for (date, follow_up) in [
        ("2026-03-01", Some("2026-03-10")),
        ("2026-03-02", None),
        ("2026-03-03", Some("2026-03-12")),
        ("2026-03-04", None),
        ("2026-03-05", Some("2026-03-08")),
        ("2026-03-06", Some("2026-03-07")),
    ] {
        let mut args = vec!["--date", date, "--family", "ASH-2"];
        if let Some(f) = follow_up {
            args.extend(["--follow-up", f]);
        }
        mine.consult(&args);
    }
    for args in [
        // C-1's follow-up answered; C-2's referral pending; C-4's decided.
        &[
            "review",
            "C-1",
            "--date",
            "2026-03-09",
            "--status",
            "ongoing",
        ][..],
        &["refer", "C-2", "--date", "2026-03-03", "--to", "csc"],
        &["refer", "C-4", "--date", "2026-03-04", "--to", "csc"],
        &["review", "R-2", "--date", "2026-03-05", "--result", "nfa"],
        // C-5's answered, and the next one set; C-6 voided.
        &[
            "review",
            "C-5",
            "--date",
            "2026-03-08",
            "--status",
            "ongoing",
            "--follow-up",
            "2026-03-18",
        ],
        &["void", "C-6", "--reason", "entered in error"],
    ] {
        mine.ok(args);
    }
    let out = mine.ok(&["push", &url]);
    assert!(
        out.starts_with(&format!(
            "Pushed to {url}: 11 records added, 0 already there.\n"
        )),
        "{out}"
    );
    let expected = [
        ["1", ""],
        ["2", "2026-03-03"],
        ["3", "2026-03-12"],
        ["4", ""],
        ["5", "2026-03-18"],
        ["6", ""],
    ]
    .map(|row| row.map(String::from).to_vec());
    assert_eq!(due_in_file(&mine), expected);
    assert_eq!(due_on_server(&url), expected);
    for args in [
        &["review"][..],
        &["review", "--within", "30", "--format", "json"],
        &["review", "--advisor", "sam advisor", "--format", "csv"],
    ] {
        assert_eq!(mine.ok(args), team.ok(args), "{args:?}");
    }
    assert_eq!(listed(&team, &["--within", "30"]), ["R-1", "C-3", "C-5"]);
    // Pushed again: nothing is sent, and nothing changes.
    mine.ok(&["push", &url]);
    assert_eq!(due_on_server(&url), expected);
}

#[test]
fn a_version_4_team_logbook_is_due_as_a_fresh_one_is() {
    // The same records on a file, on a fresh team logbook, and copied into a logbook of
    // schema version 4, which has no due_from.
    let file = TestEnv::new();
    let fresh_url = team_logbook();
    let fresh = on(&fresh_url);
    for env in [&file, &fresh] {
        record_fixture(env);
        correct_and_void(env);
    }
    let older = file.path("older.db");
    let conn = rusqlite::Connection::open(file.db()).unwrap();
    conn.execute("VACUUM INTO ?1", [older.to_str().unwrap()])
        .unwrap();
    rusqlite::Connection::open(&older)
        .unwrap()
        .execute_batch(
            "DROP INDEX consultation_due; DROP INDEX consultation_due_by_advisor;
             ALTER TABLE consultation DROP COLUMN due_from;",
        )
        .unwrap();
    let url = version_4_logbook();
    copy_rows(
        &older,
        &url,
        &["consultation", "referral", "review", "audit", "amendment"],
    );
    for table in ["consultation", "referral", "review", "audit"] {
        sql(&url)
            .batch_execute(&format!(
                "SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"
            ))
            .unwrap();
    }
    let upgraded = on(&url);
    let message = refused(&upgraded, &["review"], 1);
    assert!(
        message.contains("has the schema of an older caselog (version 4; this caselog writes 5)"),
        "{message}"
    );
    let out = upgraded.ok(&["team", "init"]);
    assert!(
        out.starts_with(&format!(
            "Brought the team logbook {url} up to date: schema version 4 → 5"
        )),
        "{out}"
    );

    // Each consultation due as on the fresh logbook and the file: those with a follow-up not
    // answered or a referral pending, from the earlier; the others not at all.
    let due = due_on_server(&url);
    assert_eq!(due, due_on_server(&fresh_url));
    assert_eq!(due, due_in_file(&file));
    let dates: Vec<&str> = due.iter().map(|row| row[1].as_str()).collect();
    assert_eq!(
        dates,
        [
            "",
            "",
            "2026-01-20",
            "",
            "",
            "2026-03-20",
            "",
            "2026-03-21",
            "",
            "2026-03-16",
            ""
        ],
        "{due:?}"
    );
    for args in [
        &["review"][..],
        &["review", "--within", "30", "--format", "json"],
        &["review", "--advisor", "JO BLOGGS", "--format", "csv"],
        &["review", "--advisor", "sam advisor", "--within", "366"],
    ] {
        assert_eq!(upgraded.ok(args), fresh.ok(args), "{args:?}");
    }
    // Kept from then on as on the fresh logbook.
    for env in [&upgraded, &fresh] {
        env.ok(&[
            "review",
            "C-10",
            "--status",
            "ongoing",
            "--follow-up",
            "+2w",
        ]);
        env.ok(&["refer", "C-8", "--to", "csc"]);
    }
    assert_eq!(due_on_server(&url), due_on_server(&fresh_url));
}

#[test]
fn every_consultation_of_a_large_version_4_team_logbook_is_due_as_caselog_says() {
    // More consultations than are worked out in one batch, some with a follow-up answered, some
    // with a referral pending (earlier than the follow-up), some voided.
    let url = version_4_logbook();
    sql(&url)
        .batch_execute(
            "INSERT INTO consultation (id, uuid, date, advisor, setting, mode, agency, family,
                 family_key, level, outcome, follow_up, created_at, voided_at, void_reason)
             SELECT n, gen_random_uuid(), '2026-01-01', 'Sam', 'S', 'surgery', '2A', 'f-' || n,
                 'F' || n, 1, 'advice', date '2026-03-01' + n % 20, '2026-01-01T09:00:00Z',
                 CASE WHEN n % 11 = 0 THEN timestamptz '2026-01-02T09:00:00Z' END,
                 CASE WHEN n % 11 = 0 THEN 'entered in error' END
             FROM generate_series(1, 12345) AS n;
             INSERT INTO review (uuid, consultation_id, date, status, created_at)
             SELECT gen_random_uuid(), n, date '2026-03-01' + n % 20, 'ongoing',
                 '2026-03-01T09:00:00Z'
             FROM generate_series(3, 12345, 3) AS n;
             INSERT INTO referral (uuid, consultation_id, date, referred_to, referred_by,
                 created_at)
             SELECT gen_random_uuid(), n, date '2026-02-01' + n % 7, 'csc', 'advisor',
                 '2026-02-01T09:00:00Z'
             FROM generate_series(5, 12345, 5) AS n;",
        )
        .unwrap();
    on(&url).ok(&["team", "init"]);
    let expected = "CASE WHEN id % 11 = 0 THEN NULL \
                    ELSE least(CASE WHEN id % 3 <> 0 THEN date '2026-03-01' + (id % 20)::int END, \
                               CASE WHEN id % 5 = 0 THEN date '2026-02-01' + (id % 7)::int END) END";
    assert_eq!(
        count(
            &url,
            &format!(
                "SELECT count(*) FROM consultation WHERE due_from IS NOT DISTINCT FROM {expected}"
            )
        ),
        12345
    );
    assert_eq!(
        count(
            &url,
            "SELECT count(*) FROM consultation WHERE due_from IS NULL"
        ),
        12345 / 11
            + (1..=12345)
                .filter(|n| n % 11 != 0 && n % 3 == 0 && n % 5 != 0)
                .count() as i64
    );
}
