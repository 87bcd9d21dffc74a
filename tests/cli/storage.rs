//! The logbook file: created owner-only, versioned, and left untouched when it is not ours or
//! comes from a newer caselog.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::common::{MINIMAL, SCHEMA_VERSION, TestEnv};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_logbook_is_readable_by_its_owner_only() {
    let env = TestEnv::new();
    env.consult(&[]);
    assert_eq!(mode(&env.db()), 0o600);
}

#[test]
fn the_default_logbook_and_its_directory_are_private() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .env_remove("CASELOG_DB")
        .args(MINIMAL)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = env.path("home/.local/share/caselog/caselog.db");
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
}

#[test]
fn reading_commands_do_not_create_a_logbook() {
    let env = TestEnv::new();
    let err = env.fails(&["list"], 1);
    assert!(err.contains("there is no logbook at"), "{err}");
    assert!(!env.db().exists());
}

#[test]
fn the_schema_is_versioned_and_named_in_the_domains_words() {
    let env = TestEnv::new();
    env.consult(&[]);
    assert_eq!(
        env.sql("PRAGMA user_version"),
        [[SCHEMA_VERSION.to_string()]]
    );
    assert_eq!(env.sql("PRAGMA journal_mode"), [["wal"]]);
    let tables: Vec<String> = env
        .sql("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        tables,
        [
            "amendment",
            "audit",
            "consultation",
            "referral",
            "review",
            "upkeep"
        ]
    );
    // The upkeep a migration leaves (working out what is due) is done once, at the next open.
    assert_eq!(env.count("upkeep"), 0);
    assert_eq!(
        env.sql("SELECT family, agency, outcome, level FROM consultation"),
        [["F-1", "2A", "early-help", "2"]]
    );
}

#[test]
fn a_logbook_from_a_newer_caselog_is_refused_untouched() {
    let env = TestEnv::new();
    env.consult(&[]);
    env.sql("PRAGMA user_version = 99");
    let before = fs::read(env.db()).unwrap();
    for args in [&["list"][..], MINIMAL] {
        let err = env.fails(args, 1);
        assert!(
            err.contains(
                &format!("written by a newer caselog (schema version 99; this caselog knows up to {SCHEMA_VERSION})")
            ),
            "{err}"
        );
    }
    assert_eq!(
        fs::read(env.db()).unwrap(),
        before,
        "the file is not modified"
    );
}

#[test]
fn other_files_are_refused_untouched() {
    let env = TestEnv::new();
    fs::write(env.db(), "family,notes\nF-1,this is not a database\n").unwrap();
    let err = env.fails(&["list"], 1);
    assert!(err.contains("not a caselog logbook"), "{err}");
    assert_eq!(
        fs::read_to_string(env.db()).unwrap(),
        "family,notes\nF-1,this is not a database\n"
    );

    let other = env.path("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE pupils (name TEXT)")
        .unwrap();
    drop(conn);
    let before = fs::read(&other).unwrap();
    let err = env.fails(&["--db", other.to_str().unwrap(), "list"], 1);
    assert!(err.contains("it is some other SQLite database"), "{err}");
    assert_eq!(fs::read(&other).unwrap(), before);
}

#[test]
fn a_logbook_in_a_missing_directory_is_an_error() {
    let env = TestEnv::new();
    let err = env.fails(
        &[
            "--db",
            "no/such/dir/book.db",
            "consult",
            "--advisor",
            "S",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F1",
            "--level",
            "1",
            "--outcome",
            "advice",
        ],
        1,
    );
    assert!(
        err.contains("the directory no/such/dir does not exist"),
        "{err}"
    );
}
