//! A first import into a new logbook: its rows are written under a rollback journal, once,
//! rather than through the write-ahead log; the logbook is in WAL mode again afterwards, and
//! after a crash half-way; the journal is one of the logbook's working files, never written
//! over; and an import into a logbook that has records is interrupted without losing them,
//! while it saves its rows or while it waits for the write lock.

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, filling_a_new_logbook, json, write_consultations};

/// The journal mode the logbook's header records, read without opening it through SQLite
/// (which would roll back a journal left behind): bytes 18 and 19 are 2 in WAL mode, 1 under
/// a rollback journal.
fn wal_in_header(env: &TestEnv) -> bool {
    let header = fs::read(env.db()).unwrap();
    header[18] == 2 && header[19] == 2
}

/// Starts `caselog import big.csv` with `rows` consultations in the file.
fn start_import(env: &TestEnv, rows: u64) -> Child {
    write_consultations(&env.path("big.csv"), rows);
    env.process()
        .args(["import", "big.csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `under_way` holds while the import runs; none when it ended first.
fn wait_until(import: &mut Child, under_way: impl Fn() -> bool) -> Option<()> {
    let started = Instant::now();
    loop {
        if import.try_wait().unwrap().is_some() {
            return None;
        }
        if under_way() {
            return Some(());
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the import never got under way"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_killed_first_import_is_rolled_back_by_the_next_command() {
    let mut rows = 100_000;
    let env = loop {
        let env = TestEnv::new();
        let mut import = start_import(&env, rows);
        if wait_until(&mut import, || filling_a_new_logbook(&env)).is_some() {
            import.kill().unwrap();
            let status = import.wait().unwrap();
            assert_eq!(status.signal(), Some(9), "killed: {status:?}");
            break env;
        }
        // The import ended before it could be killed: a larger file is tried.
        assert!(
            rows < 1_600_000,
            "an import of {rows} rows could not be killed"
        );
        rows *= 2;
    };
    // Killed while filling the logbook: its journal is left behind, hot.
    assert!(env.path("logbook.db-journal").exists());
    assert!(fs::metadata(env.db()).unwrap().len() > 1 << 20);

    // The next command rolls the journal back, and finds a sound logbook with no records, in
    // WAL mode again.
    let health = json(&env.ok(&["check", "--format", "json"]));
    assert_eq!(health["ok"], true, "{health}");
    let consultations = &health["records"][0];
    assert_eq!(consultations["table"], "consultation");
    assert_eq!(consultations["total"], 0, "{health}");
    assert!(!env.path("logbook.db-journal").exists());
    assert!(wal_in_header(&env));
    assert_eq!(env.sql("PRAGMA journal_mode"), [["wal"]]);
    assert_eq!(env.sql("PRAGMA integrity_check"), [["ok"]]);
    assert_eq!(env.count("consultation"), 0);
    let indexes = env.sql(
        "SELECT count(*) FROM sqlite_schema \
         WHERE type = 'index' AND tbl_name = 'consultation' AND sql IS NOT NULL",
    );
    assert_eq!(indexes, [["6"]], "the indexes set aside are back");
    assert_eq!(json(&env.ok(&["list", "--format", "json"])), json("[]"));

    // And the file can be imported again, whole.
    let out = env.ok(&["import", "big.csv"]);
    assert!(
        out.starts_with(&format!("Added {rows} consultations")),
        "{out}"
    );
    assert_eq!(env.count("consultation"), rows as i64);
    assert!(wal_in_header(&env));
}

#[test]
fn a_first_import_leaves_a_logbook_in_wal_mode_and_no_journal() {
    let env = TestEnv::new();
    write_consultations(&env.path("in.csv"), 500);
    let out = env.ok(&["import", "in.csv"]);
    assert!(out.starts_with("Added 500 consultations"), "{out}");
    let mut names: Vec<String> = fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["in.csv", "logbook.db"]);
    assert!(wal_in_header(&env));
    assert_eq!(env.count("consultation"), 500);
    assert_eq!(json(&env.ok(&["check", "--format", "json"]))["ok"], true);
}

#[test]
fn the_journal_is_never_written_over() {
    let env = TestEnv::new();
    env.consult(&[]);
    std::os::unix::fs::symlink("logbook.db-journal", env.path("journal-link")).unwrap();
    for target in ["logbook.db-journal", "journal-link"] {
        for force in [false, true] {
            let mut export = vec!["export", "--month", "2026-03", "--output", target];
            let mut backup = vec!["backup", target];
            if force {
                export.push("--force");
                backup.push("--force");
            }
            for args in [export, backup] {
                let err = env.fails(&args, 2);
                assert!(
                    err.contains("is the logbook itself or one of its working files"),
                    "{args:?}: {err}"
                );
            }
        }
    }
    assert!(!env.path("logbook.db-journal").exists());
    assert_eq!(env.count("consultation"), 1);
}

#[test]
fn an_interrupted_import_into_a_logbook_with_records_leaves_them_as_they_were() {
    let mut rows = 50_000;
    loop {
        let env = TestEnv::new();
        env.consult(&["--family", "F-1"]);
        env.ok(&["check"]);
        let mut import = start_import(&env, rows);
        // Under way: rows spill into the write-ahead log.
        let wal = env.path("logbook.db-wal");
        let under_way = || fs::metadata(&wal).is_ok_and(|m| m.len() > 1 << 20);
        if wait_until(&mut import, under_way).is_some() {
            assert!(!env.path("logbook.db-journal").exists());
            let sent = std::process::Command::new("kill")
                .args(["-s", "INT", &import.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            let status = import.wait().unwrap();
            assert_eq!(status.signal(), Some(2), "ended by SIGINT: {status:?}");
            let count = env.count("consultation");
            if count == 1 {
                assert_eq!(
                    env.sql("SELECT id, family FROM consultation"),
                    [["1", "F-1"]]
                );
                assert_eq!(env.sql("PRAGMA journal_mode"), [["wal"]]);
                assert_eq!(json(&env.ok(&["check", "--format", "json"]))["ok"], true);
                return;
            }
            // The signal came after the commit: the whole file is in.
            assert_eq!(count, rows as i64 + 1);
        }
        // The import ended before the signal could stop it: a larger file is tried.
        assert!(
            rows < 1_000_000,
            "an import of {rows} rows could not be interrupted"
        );
        rows *= 4;
    }
}

#[test]
fn an_import_waiting_for_the_write_lock_ends_at_once_when_interrupted() {
    let env = TestEnv::new();
    env.consult(&["--family", "F-1"]);
    // Another program writing to the logbook holds its write lock throughout.
    let other = rusqlite::Connection::open(env.db()).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut import = start_import(&env, 100);
    // Time to read the file and begin waiting for the lock (the busy timeout is 30 s).
    std::thread::sleep(Duration::from_secs(1));
    assert!(import.try_wait().unwrap().is_none(), "the import waits");
    let sent = std::process::Command::new("kill")
        .args(["-s", "INT", &import.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = import.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the import went on waiting for the lock after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.signal(), Some(2), "ended by SIGINT: {status:?}");
    other.execute_batch("ROLLBACK").unwrap();
    drop(other);
    assert_eq!(
        env.sql("SELECT id, family FROM consultation"),
        [["1", "F-1"]]
    );
}
