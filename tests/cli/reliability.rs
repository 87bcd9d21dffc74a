//! Reliability and privacy: concurrent writers, files that are not what they should be, backups,
//! the integrity check, and what error messages may say.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::common::{MINIMAL, NOW, SCHEMA_VERSION, TestEnv, json, with_flag};

fn mode(path: &std::path::Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Records `count` consultations one process at a time, as writer `w` (families W<w>-<n>),
/// asserting that each succeeds.
fn record_many(env: &TestEnv, w: usize, count: usize) {
    for n in 0..count {
        let family = format!("W{w}-{n}");
        let out = env
            .process()
            .args(with_flag(MINIMAL, "--family", &family))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "writer {w} consultation {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn eight_writers_at_once_lose_nothing() {
    let env = TestEnv::new();
    env.consult(&[]); // create the logbook first, as an advisor's would be
    std::thread::scope(|scope| {
        for w in 0..8 {
            let env = &env;
            scope.spawn(move || record_many(env, w, 50));
        }
    });
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
    for args in [
        &["refer", "C-1", "--to", "csc"][..],
        &["review", "C-1", "--status", "ongoing"],
        &["amend", "C-1", "--setting", "Elm", "--reason", "r"],
        &["void", "C-1", "--reason", "r"],
    ] {
        let err = env.fails(args, 1);
        assert!(
            err.contains("the logbook is read-only") && err.contains("chmod u+w"),
            "{args:?}: {err}"
        );
    }
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
    assert!(err.contains("is damaged"), "{err}");
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
    assert_eq!(report["schema_version"], SCHEMA_VERSION);
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
    let err = env.fails(&["backup", "no/such/dir/copy.db"], 2);
    assert!(
        err.contains("the directory no/such/dir does not exist"),
        "{err}"
    );
}

#[test]
fn error_messages_do_not_reveal_record_content() {
    let env = TestEnv::new();
    env.consult(&[
        "--family",
        "SECRET-FAMILY-7",
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

/// Every row of every table, and the schema, in a fixed order: what "unchanged" means.
fn every_row(db: &std::path::Path) -> Vec<(String, Vec<Vec<String>>)> {
    let mut tables: Vec<String> = crate::common::sql_at(
        db,
        "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
    )
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    tables.push("sqlite_schema".into());
    tables
        .into_iter()
        .map(|t| {
            let mut rows = crate::common::sql_at(db, &format!("SELECT * FROM \"{t}\""));
            rows.sort();
            (t, rows)
        })
        .collect()
}

/// Writes `n` valid consultations in the exchange format, each with its own UUID.
fn write_consultations(path: &std::path::Path, n: u64) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "uuid", "date", "advisor", "setting", "agency", "family", "level", "outcome", "worry",
    ])
    .unwrap();
    for i in 0..n {
        w.write_record([
            &format!("00000000-0000-4000-8000-{i:012x}"),
            "2026-03-01",
            "Imported Advisor",
            "Northgate children's centre",
            "3B",
            &format!("IMP-{i}"),
            "2",
            "advice",
            "Worried about attendance, and \"tiredness\" in class",
        ])
        .unwrap();
    }
    w.flush().unwrap();
}

/// A logbook of three consultations, checkpointed into its main file.
fn three_consultations() -> TestEnv {
    let env = TestEnv::new();
    for family in ["F-1", "F-2", "F-3"] {
        env.consult(&["--family", family, "--worry", "Late most days"]);
    }
    env.ok(&["check"]);
    env
}

/// Starts `caselog import` of a large consultations file into the logbook `setup` makes, kills
/// it (SIGKILL) once it has spilled uncommitted pages into the write-ahead log, and checks that
/// every row and the schema are as they were before. Returns the logbook and the exit status.
fn kill_an_import(setup: fn() -> TestEnv) -> (TestEnv, std::process::ExitStatus) {
    use std::time::{Duration, Instant};

    let mut rows = 200_000;
    loop {
        let env = setup();
        write_consultations(&env.path("big.csv"), rows);
        let before = every_row(&env.db());
        let mut import = env
            .process()
            .args(["import", "big.csv"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill it once it has spilled uncommitted pages into the write-ahead log: well into the
        // import, and long before its commit.
        let wal = env.path("logbook.db-wal");
        let started = Instant::now();
        let finished = loop {
            if let Some(status) = import.try_wait().unwrap() {
                break Some(status);
            }
            let spilled = fs::metadata(&wal).is_ok_and(|m| m.len() > 1 << 20);
            if spilled || started.elapsed() > Duration::from_secs(60) {
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if finished.is_some() {
            // The import won the race: try again with a file that takes longer.
            assert!(
                rows < 2_000_000,
                "an import of {rows} rows could not be interrupted"
            );
            rows *= 2;
            continue;
        }
        import.kill().unwrap();
        let status = import.wait().unwrap();
        assert_eq!(every_row(&env.db()), before, "the logbook changed");
        return (env, status);
    }
}

#[test]
fn a_crash_during_an_import_leaves_the_logbook_as_it_was() {
    use std::os::unix::process::ExitStatusExt;

    let (env, status) = kill_an_import(three_consultations);
    assert_eq!(
        status.signal(),
        Some(9),
        "the import was killed: {status:?}"
    );
    assert_eq!(env.sql("PRAGMA integrity_check"), [["ok"]]);
    assert_eq!(
        env.sql("SELECT id, family FROM consultation ORDER BY id"),
        [["1", "F-1"], ["2", "F-2"], ["3", "F-3"]]
    );
    let listed = json(&env.ok(&["list", "--format", "json"]));
    assert_eq!(listed.as_array().unwrap().len(), 3);
    let report = json(&env.ok(&["check", "--format", "json"]));
    assert_eq!(report["ok"], true);
}

#[test]
fn a_crash_during_a_bulk_import_leaves_every_index_in_place() {
    use std::os::unix::process::ExitStatusExt;

    // An empty consultation table is bulk-loaded: its indexes are dropped inside the import's
    // transaction. Killed half-way, the logbook must still have them all (every_row compares
    // the schema too).
    fn empty_logbook() -> TestEnv {
        let env = TestEnv::new();
        env.consult(&[]); // creates the logbook; its one row is then removed
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute_batch("DELETE FROM consultation").unwrap();
        env
    }
    let (env, status) = kill_an_import(empty_logbook);
    assert_eq!(
        status.signal(),
        Some(9),
        "the import was killed: {status:?}"
    );
    assert_eq!(env.sql("PRAGMA integrity_check"), [["ok"]]);
    assert_eq!(env.count("consultation"), 0);
    let indexes = env.sql("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'consultation' AND sql IS NOT NULL");
    assert_eq!(
        indexes,
        [["6"]],
        "uuid, date, family, follow-up, due and due-by-advisor indexes"
    );
}

#[test]
fn an_export_while_others_record_is_one_consistent_snapshot() {
    let env = TestEnv::new();
    env.consult(&[]);
    std::thread::scope(|scope| {
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let env = &env;
                scope.spawn(move || record_many(env, w, 25))
            })
            .collect();
        let mut exports = 0;
        let mut last = 0;
        loop {
            let done = writers.iter().all(|w| w.is_finished());
            let csv = env.ok(&["export", "--from", "2026-03-01", "--to", "2026-03-15"]);
            let mut reader = csv::Reader::from_reader(csv.as_bytes());
            assert_eq!(reader.headers().unwrap().len(), 23);
            let ids: Vec<u64> = reader
                .records()
                .map(|row| {
                    let row = row.unwrap_or_else(|e| panic!("unreadable row ({e}) in:\n{csv}"));
                    assert_eq!(row.len(), 23, "{row:?}");
                    assert!(!row[1].is_empty() && &row[22] == NOW, "{row:?}");
                    row[0].strip_prefix("C-").unwrap().parse().unwrap()
                })
                .collect();
            // IDs are given in order and none is voided: a snapshot is C-1 up to some C-n, and
            // each export sees at least what the one before it did.
            let n = ids.len() as u64;
            assert_eq!(ids, (1..=n).collect::<Vec<_>>(), "export {exports}");
            assert!(
                n >= last,
                "export {exports} saw {n} consultations, fewer than {last}"
            );
            last = n;
            exports += 1;
            if done {
                break;
            }
        }
        for w in writers {
            w.join().expect("every writer succeeded");
        }
        assert_eq!(
            last, 101,
            "the last export, after every writer, has them all"
        );
        assert!(
            exports > 2,
            "only {exports} exports ran while the writers wrote"
        );
    });
}

#[test]
fn eight_first_writers_on_a_new_logbook_all_succeed() {
    // Eight terminals recording at the same moment into a logbook that does not exist yet:
    // one creates it, the others wait for it; all eight consultations are there.
    for round in 0..12 {
        let env = TestEnv::new();
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let mut cmd = env.process();
                cmd.args(with_flag(MINIMAL, "--family", &format!("R{round}-{w}")));
                std::thread::spawn(move || cmd.output().expect("run caselog"))
            })
            .collect();
        for w in writers {
            let out = w.join().expect("writer thread");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(env.count("consultation"), 8, "round {round}");
        assert_eq!(
            env.sql("PRAGMA user_version"),
            [[SCHEMA_VERSION.to_string()]]
        );
    }
}
