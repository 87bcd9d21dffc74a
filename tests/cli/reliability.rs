//! Reliability and privacy: concurrent writers, files that are not what they should be, backups,
//! the integrity check, and what error messages may say.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::common::{MINIMAL, NOW, TestEnv, json};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn eight_writers_at_once_lose_nothing() {
    let env = TestEnv::new();
    env.consult(&[]); // create the logbook first, as an advisor's would be
    let bin = env!("CARGO_BIN_EXE_caselog");
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let db = env.db();
            std::thread::spawn(move || {
                for n in 0..50 {
                    let out = Command::new(bin)
                        .env_clear()
                        .env("CASELOG_DB", &db)
                        .env("CASELOG_NOW", NOW)
                        .env("HOME", "/nonexistent")
                        .args([
                            "consult",
                            "--advisor",
                            "A",
                            "--setting",
                            "S",
                            "--agency",
                            "2A",
                            "--family",
                            &format!("W{w}-{n}"),
                            "--level",
                            "2",
                            "--outcome",
                            "advice",
                        ])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "writer {w} consultation {n}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer thread");
    }
    assert_eq!(env.count("consultation"), 401);
    assert_eq!(
        env.sql("SELECT count(DISTINCT family), max(id) FROM consultation"),
        [["401", "401"]]
    );
    assert_eq!(env.sql("PRAGMA integrity_check"), [["ok"]]);
}

#[test]
fn the_wal_and_shm_files_are_private_too() {
    let env = TestEnv::new();
    env.consult(&[]);
    // A reader holding a snapshot keeps the -wal file from being removed at close.
    let reader = rusqlite::Connection::open(env.db()).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM consultation;")
        .unwrap();
    env.consult(&[]);
    let wal = env.path("logbook.db-wal");
    let shm = env.path("logbook.db-shm");
    assert!(wal.exists() && shm.exists());
    assert_eq!((mode(&wal), mode(&shm)), (0o600, 0o600));
    drop(reader);
}

#[test]
fn a_read_only_logbook_can_be_read_but_not_written() {
    let env = TestEnv::new();
    env.consult(&[]);
    fs::set_permissions(env.db(), fs::Permissions::from_mode(0o400)).unwrap();
    let before = fs::read(env.db()).unwrap();
    let err = env.fails(MINIMAL, 1);
    assert!(err.contains("is read-only"), "{err}");
    assert_eq!(
        json(&env.ok(&["list", "--format", "json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        fs::read(env.db()).unwrap(),
        before,
        "the file is not modified"
    );
    fs::set_permissions(env.db(), fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn a_truncated_logbook_is_an_error_and_is_left_alone() {
    let env = TestEnv::new();
    for _ in 0..30 {
        env.consult(&["--worry", &"x".repeat(2000)]);
    }
    env.ok(&["check"]); // checkpoint everything into the main file
    let full = fs::read(env.db()).unwrap();
    let cut = &full[..full.len() / 2];
    fs::write(env.db(), cut).unwrap();
    let err = env.fails(&["list"], 1);
    assert!(
        err.contains("malformed") || err.contains("not a caselog logbook"),
        "{err}"
    );
    assert_eq!(fs::read(env.db()).unwrap(), cut);
}

#[test]
fn check_finds_corruption_without_changing_the_file() {
    let env = TestEnv::new();
    for _ in 0..30 {
        env.consult(&["--worry", &"x".repeat(2000)]);
    }
    let out = env.ok(&["check", "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["ok"], true);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(
        report["records"][0],
        serde_json::json!({"table": "consultation", "total": 30, "voided": 0})
    );

    let mut bytes = fs::read(env.db()).unwrap();
    let page = 4096;
    for b in &mut bytes[3 * page..3 * page + 64] {
        *b = 0xA5;
    }
    fs::write(env.db(), &bytes).unwrap();
    let out = env.run(&["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(
        fs::read(env.db()).unwrap(),
        bytes,
        "check does not modify the file"
    );
}

#[test]
fn backup_makes_a_private_consistent_copy_and_will_not_overwrite() {
    let env = TestEnv::new();
    env.consult(&[]);
    env.consult(&["--family", "F-2"]);
    let out = env.ok(&["backup", "copy.db"]);
    assert!(out.starts_with("Backed up "), "{out}");
    let copy = env.path("copy.db");
    assert_eq!(mode(&copy), 0o600);
    assert_eq!(
        env.ok(&["--db", "copy.db", "list", "--format", "json"]),
        env.ok(&["list", "--format", "json"])
    );

    env.consult(&["--family", "F-3"]);
    let err = env.fails(&["backup", "copy.db"], 2);
    assert!(
        err.contains("copy.db already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        crate::common::sql_at(&copy, "SELECT count(*) FROM consultation"),
        [["2"]]
    );
    env.ok(&["backup", "copy.db", "--force"]);
    assert_eq!(
        crate::common::sql_at(&copy, "SELECT count(*) FROM consultation"),
        [["3"]]
    );
    let leftovers: Vec<_> = fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".caselog-backup-")
        })
        .collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind");
    env.fails(&["backup", "no/such/dir/copy.db"], 1);
}

#[test]
fn error_messages_do_not_reveal_record_content() {
    let env = TestEnv::new();
    env.consult(&[
        "--family",
        "SECRET-FAMILY",
        "--worry",
        "SECRET-WORRY",
        "--setting",
        "SECRET-SETTING",
    ]);
    for args in [
        &["show", "C-2"][..],
        &["list", "--agency", "x"],
        &[
            "consult",
            "--advisor",
            "A",
            "--setting",
            "S",
            "--agency",
            "zz",
            "--family",
            "F",
            "--level",
            "1",
            "--outcome",
            "advice",
        ],
        &[
            "consult",
            "--advisor",
            "A",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F",
            "--level",
            "9",
            "--outcome",
            "advice",
        ],
    ] {
        let out = env.run(args);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("SECRET"),
            "{args:?} revealed record content: {stderr}"
        );
    }
}
