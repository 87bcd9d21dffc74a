//! The files caselog writes and opens: an export or a backup never lands on the logbook or its
//! companion files, never replaces an existing file without `--force`, and writes into special
//! files rather than replacing them; reading commands leave an empty file as it is; a first
//! import that fails or is interrupted leaves no logbook behind; and a logbook that is a device,
//! a dangling link, in a folder that cannot be written, on a full disk or damaged is named in
//! plain words.
//!
//! Some of these need what a test process cannot get by itself: a full disk and a folder the
//! caselog process may not write. They run caselog inside Linux user namespaces (`unshare`),
//! which work unprivileged and as root alike, and fail with a message saying so when the
//! namespaces are not available.

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{MINIMAL, TestEnv, filling_a_new_logbook, json, sql_at, write_consultations};

/// The names in the test's folder, sorted.
fn names(env: &TestEnv) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Names as `names` returns them.
fn listed(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|n| n.to_string()).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// caselog run through `wrapper` (such as `unshare --user --`) with this test's environment;
/// caselog's path is the wrapper's last argument.
fn wrapped(env: &TestEnv, wrapper: &[&str]) -> std::process::Command {
    let caselog = env.process();
    let mut cmd = std::process::Command::new(wrapper[0]);
    cmd.args(&wrapper[1..])
        .arg(caselog.get_program())
        .env_clear()
        .current_dir(env.dir.path())
        .stdin(Stdio::null());
    for (key, value) in caselog.get_envs() {
        if let Some(value) = value {
            cmd.env(key, value);
        }
    }
    cmd
}

/// Fails the test, saying what it needs, when user namespaces cannot be made here.
fn require_user_namespaces(flags: &[&str], why: &str) {
    let out = std::process::Command::new("unshare")
        .args(flags)
        .arg("true")
        .output();
    match out {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "this test needs `unshare {}` (Linux user namespaces) {why}: {}",
            flags.join(" "),
            stderr(&out)
        ),
        Err(e) => panic!("this test needs the `unshare` program (util-linux) {why}: {e}"),
    }
}

fn assert_refused(out: &Output, code: i32, words: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.starts_with("error: "), "{err}");
    for w in words {
        assert!(err.contains(w), "expected {w:?} in: {err}");
    }
    for raw in [
        "os error",
        "disk I/O error",
        "unable to open",
        "malformed",
        "database:",
    ] {
        assert!(!err.contains(raw), "library text {raw:?} in: {err}");
    }
}

// --- export --output and backup -------------------------------------------------------------

#[test]
fn export_refuses_to_write_over_the_logbook_by_any_path() {
    let env = TestEnv::new();
    env.consult(&[]);
    env.consult(&["--family", "F-2"]);
    env.ok(&["check"]); // everything in the main file
    let before = fs::read(env.db()).unwrap();
    std::os::unix::fs::symlink("logbook.db", env.path("link.db")).unwrap();
    fs::hard_link(env.db(), env.path("hard.db")).unwrap();
    std::os::unix::fs::symlink("logbook.db-wal", env.path("wal-link")).unwrap();
    let absolute = env.db().display().to_string();
    let folder = env.dir.path().file_name().unwrap().to_string_lossy();
    let via_dir = format!("{}/../{folder}/logbook.db", env.dir.path().display());
    for target in [
        "logbook.db",
        "./logbook.db",
        absolute.as_str(),
        via_dir.as_str(),
        "link.db",
        "hard.db",
        "logbook.db-wal",
        "logbook.db-shm",
        "wal-link",
    ] {
        for force in [false, true] {
            let mut args = vec!["export", "--month", "2026-03", "--output", target];
            if force {
                args.push("--force");
            }
            let out = env.run(&args);
            assert_refused(&out, 2, &["the logbook"]);
            assert!(out.stdout.is_empty());
        }
    }
    assert_eq!(
        fs::read(env.db()).unwrap(),
        before,
        "the logbook is untouched"
    );
    assert!(
        !env.path("logbook.db-wal").exists()
            || fs::metadata(env.path("logbook.db-wal")).unwrap().len() == 0
    );
    assert!(
        fs::symlink_metadata(env.path("link.db"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(json(&env.ok(&["check", "--format", "json"]))["ok"], true);
    assert_eq!(env.count("consultation"), 2);
}

#[test]
fn backup_refuses_the_logbook_and_its_companion_files() {
    let env = TestEnv::new();
    env.consult(&[]);
    std::os::unix::fs::symlink("logbook.db-shm", env.path("shm-link")).unwrap();
    for target in ["logbook.db", "logbook.db-wal", "logbook.db-shm", "shm-link"] {
        for force in [false, true] {
            let mut args = vec!["backup", target];
            if force {
                args.push("--force");
            }
            let out = env.run(&args);
            assert_refused(&out, 2, &["the logbook"]);
        }
    }
    assert_eq!(names(&env), listed(&["logbook.db", "shm-link"]));
    assert_eq!(json(&env.ok(&["check", "--format", "json"]))["ok"], true);
}

#[test]
fn export_replaces_an_existing_file_only_with_force() {
    let env = TestEnv::new();
    env.consult(&[]);
    fs::write(env.path("march.csv"), "someone's spreadsheet\n").unwrap();
    let out = env.run(&["export", "--month", "2026-03", "--output", "march.csv"]);
    assert_refused(&out, 2, &["march.csv already exists", "--force"]);
    assert_eq!(
        fs::read_to_string(env.path("march.csv")).unwrap(),
        "someone's spreadsheet\n"
    );

    env.ok(&[
        "export",
        "--month",
        "2026-03",
        "--output",
        "march.csv",
        "--force",
    ]);
    assert_eq!(
        fs::read_to_string(env.path("march.csv")).unwrap(),
        env.ok(&["export", "--month", "2026-03"])
    );
    let mode = fs::metadata(env.path("march.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let help = env.ok(&["export", "--help"]);
    assert!(help.contains("--force"), "{help}");
}

#[test]
fn export_through_a_symbolic_link_writes_the_file_it_points_to() {
    let env = TestEnv::new();
    env.consult(&[]);
    fs::create_dir(env.path("shared")).unwrap();
    std::os::unix::fs::symlink("shared/march.csv", env.path("latest.csv")).unwrap();
    env.ok(&["export", "--month", "2026-03", "--output", "latest.csv"]);
    assert!(
        fs::symlink_metadata(env.path("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(env.path("shared/march.csv")).unwrap(),
        env.ok(&["export", "--month", "2026-03"])
    );
    // It now exists: replacing it needs --force, and keeps the link.
    let out = env.run(&["export", "--month", "2026-03", "--output", "latest.csv"]);
    assert_refused(&out, 2, &["already exists"]);
    env.ok(&[
        "export",
        "--month",
        "2026-03",
        "--output",
        "latest.csv",
        "--force",
    ]);
    assert!(
        fs::symlink_metadata(env.path("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn output_dash_is_standard_output() {
    let env = TestEnv::new();
    env.consult(&[]);
    let to_stdout = env.ok(&["export", "--month", "2026-03", "--output", "-"]);
    assert_eq!(to_stdout, env.ok(&["export", "--month", "2026-03"]));
    assert!(to_stdout.starts_with("id,uuid,date,"), "{to_stdout}");

    let out = env.run(&["backup", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.starts_with(b"SQLite format 3\0"));
    assert!(stderr(&out).contains("Backed up "), "{}", stderr(&out));
    fs::write(env.path("piped.db"), &out.stdout).unwrap();
    assert_eq!(
        sql_at(&env.path("piped.db"), "SELECT family FROM consultation"),
        [["F-1"]]
    );
    fs::remove_file(env.path("piped.db")).unwrap();
    assert_eq!(names(&env), listed(&["logbook.db"]));
}

/// The monthly export script is run again for the same month after a failure: it replaces its
/// own files, now that an export refuses an existing file without `--force`.
#[test]
fn the_monthly_script_can_run_again_for_a_month() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-02-10"]);
    fs::create_dir(env.path("out")).unwrap();
    for _ in 0..2 {
        let out = std::process::Command::new("bash")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/monthly-export.sh"
            ))
            .args([env.path("out").to_str().unwrap(), "2026-02"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CASELOG", env!("CARGO_BIN_EXE_caselog"))
            .env("CASELOG_DB", env.db())
            .env("CASELOG_NOW", crate::common::NOW)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(
        fs::read_to_string(env.path("out/consultations-2026-02.csv")).unwrap(),
        env.ok(&["export", "--month", "2026-02"])
    );
}

/// Makes a FIFO at `path` and runs caselog with `args`, reading everything caselog writes into
/// the FIFO on another thread; returns what was read once caselog has finished, having checked
/// that the FIFO is still there (a caselog that replaced it would leave the reader waiting).
fn through_fifo(env: &TestEnv, path: &Path, args: &[&str]) -> Vec<u8> {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let (sender, received) = std::sync::mpsc::channel();
    let fifo = path.to_path_buf();
    std::thread::spawn(move || sender.send(fs::read(fifo).unwrap()));
    let out = env.run(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    assert!(
        fs::symlink_metadata(path).unwrap().file_type().is_fifo(),
        "{args:?} replaced the FIFO"
    );
    received
        .recv_timeout(Duration::from_secs(30))
        .expect("the FIFO was written and closed")
}

#[test]
fn a_fifo_is_written_to_not_replaced() {
    let env = TestEnv::new();
    env.consult(&[]);
    let csv = through_fifo(
        &env,
        &env.path("pipe"),
        &["export", "--month", "2026-03", "--output", "pipe"],
    );
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        env.ok(&["export", "--month", "2026-03"])
    );

    let bytes = through_fifo(&env, &env.path("pipe2"), &["backup", "pipe2"]);
    fs::write(env.path("copy.db"), bytes).unwrap();
    assert_eq!(
        sql_at(&env.path("copy.db"), "SELECT family FROM consultation"),
        [["F-1"]]
    );
}

/// A character device is written to, never replaced. /dev/null and /dev/stdout are reached
/// through links here (a link in the test's folder, and /proc/self/fd/1, which /dev/stdout
/// links to): a caselog that replaced the file it was given would replace the link in the
/// test's folder, or fail in /proc, rather than replace a device of the machine running the
/// tests.
#[test]
fn a_device_is_written_to_not_replaced() {
    let env = TestEnv::new();
    env.consult(&[]);
    std::os::unix::fs::symlink("/dev/null", env.path("null.csv")).unwrap();
    let out = env.ok(&["export", "--month", "2026-03", "--output", "null.csv"]);
    assert_eq!(out, "");
    assert!(
        fs::symlink_metadata(env.path("null.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    env.ok(&["backup", "null.csv"]);
    assert!(
        fs::symlink_metadata(env.path("null.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // Standard output, a pipe here, by its path.
    let csv = env.ok(&[
        "export",
        "--month",
        "2026-03",
        "--output",
        "/proc/self/fd/1",
    ]);
    assert_eq!(csv, env.ok(&["export", "--month", "2026-03"]));
    // Standard output that is the null device.
    let status = env
        .process()
        .args([
            "export",
            "--month",
            "2026-03",
            "--output",
            "/proc/self/fd/1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{status:?}");
    // Standard output that is a regular file: written as standard output, not replaced.
    let file = fs::File::create(env.path("out.csv")).unwrap();
    let status = env
        .process()
        .args([
            "export",
            "--month",
            "2026-03",
            "--output",
            "/proc/self/fd/1",
        ])
        .stdin(Stdio::null())
        .stdout(file)
        .status()
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        fs::read_to_string(env.path("out.csv")).unwrap(),
        env.ok(&["export", "--month", "2026-03"])
    );
    fs::remove_file(env.path("out.csv")).unwrap();
    assert_eq!(names(&env), listed(&["logbook.db", "null.csv"]));
}

// --- reading commands never write ---------------------------------------------------------

#[test]
fn reading_commands_leave_an_empty_file_as_it_is() {
    let env = TestEnv::new();
    fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level\n2026-03-01,Sam,S,2A,F1,advice,1\n",
    )
    .unwrap();
    // A file of no bytes, and a SQLite file with no tables in it.
    let schemaless = env.path("schemaless.db");
    let conn = rusqlite::Connection::open(&schemaless).unwrap();
    conn.execute_batch("PRAGMA user_version = 0; VACUUM")
        .unwrap();
    drop(conn);
    let schemaless_bytes = fs::read(&schemaless).unwrap();
    assert!(!schemaless_bytes.is_empty());
    fs::write(env.db(), b"").unwrap();
    for (db, bytes) in [
        ("logbook.db", Vec::new()),
        ("schemaless.db", schemaless_bytes),
    ] {
        for args in [
            &["list"][..],
            &["report", "--month", "2026-03"],
            &["export", "--month", "2026-03"],
            &["export", "--month", "2026-03", "--output", "out.csv"],
            &["show", "C-1"],
            &["history", "F-1"],
            &["check"],
            &["review"],
            &["backup", "copy.db"],
        ] {
            let mut all = vec!["--db", db];
            all.extend_from_slice(args);
            let out = env.run(&all);
            assert_refused(&out, 1, &["there is no logbook in", "is empty"]);
            assert_eq!(
                fs::read(env.path(db)).unwrap(),
                bytes,
                "{args:?} left {db} as it was"
            );
        }
        let out = env.ok(&["--db", db, "import", "--dry-run", "in.csv"]);
        assert!(
            out.starts_with("Dry run: would add 1 consultation"),
            "{out}"
        );
        assert_eq!(
            fs::read(env.path(db)).unwrap(),
            bytes,
            "a dry run left {db} as it was"
        );
    }
    assert_eq!(
        names(&env),
        listed(&["in.csv", "logbook.db", "schemaless.db"])
    );
}

#[test]
fn a_dry_run_works_on_a_read_only_logbook() {
    let env = TestEnv::new();
    env.consult(&[]);
    env.ok(&["check"]);
    fs::write(
        env.path("in.csv"),
        "date,advisor,setting,agency,family,outcome,level\n2026-03-01,Sam,S,2A,F-2,advice,1\n",
    )
    .unwrap();
    fs::set_permissions(env.db(), fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::read(env.db()).unwrap();
    let out = env.ok(&["import", "--dry-run", "in.csv"]);
    assert!(
        out.starts_with("Dry run: would add 1 consultation") && out.contains("Nothing was written"),
        "{out}"
    );
    assert_eq!(fs::read(env.db()).unwrap(), before);
    // A real import is still refused: the file is read-only.
    let err = env.fails(&["import", "in.csv"], 1);
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(env.count("consultation"), 1);
}

/// Starts a first import into a new logbook, sends it `signal` (with the `kill` program) while
/// it is writing the rows, and checks that it ended by that signal leaving nothing but the CSV
/// file.
fn interrupt_a_first_import(signal: &str, number: i32) {
    let mut rows: u64 = 50_000;
    loop {
        let env = TestEnv::new();
        write_consultations(&env.path("big.csv"), rows);
        let mut import = env
            .process()
            .args(["import", "big.csv"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Under way: the rows are going into the new logbook, under its rollback journal.
        let started = Instant::now();
        let finished = loop {
            if let Some(status) = import.try_wait().unwrap() {
                break Some(status);
            }
            if filling_a_new_logbook(&env) {
                break None;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the import never started"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        if finished.is_none() {
            let sent = std::process::Command::new("kill")
                .args(["-s", signal, &import.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            let status = import.wait().unwrap();
            assert_eq!(
                status.signal(),
                Some(number),
                "ended by SIG{signal}: {status:?}"
            );
            // The signal can come after the rows were committed, while the import was
            // finishing: then the whole file is in, as it should be.
            let whole_file_in = env.db().exists() && env.count("consultation") == rows as i64;
            if !whole_file_in {
                assert_eq!(
                    names(&env),
                    listed(&["big.csv"]),
                    "the new logbook was removed"
                );
                return;
            }
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
fn an_interrupted_first_import_leaves_no_logbook() {
    interrupt_a_first_import("INT", 2);
    interrupt_a_first_import("TERM", 15);
}

// --- plain messages --------------------------------------------------------------------------

#[test]
fn a_device_as_the_logbook_is_refused_plainly() {
    let env = TestEnv::new();
    for args in [&["list"][..], MINIMAL, &["check"]] {
        let mut all = vec!["--db", "/dev/null"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_refused(&out, 1, &["/dev/null is not a logbook file", "device"]);
    }
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_dangling_link_as_the_logbook_is_named_plainly() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink("gone/logbook.db", env.path("link.db")).unwrap();
    for args in [&["list"][..], MINIMAL] {
        let mut all = vec!["--db", "link.db"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_refused(
            &out,
            1,
            &["link.db is a link to gone/logbook.db, which does not exist"],
        );
    }
    assert_eq!(names(&env), listed(&["link.db"]));
}

/// Root may write in any folder, so the folder's permissions are tested with caselog running
/// in a new user namespace without a user mapping: there it is an ordinary user ("nobody") to
/// whom the test's files belong to no one it knows, and the folder's mode applies.
#[test]
fn a_folder_that_cannot_be_written_is_named() {
    require_user_namespaces(
        &["--user"],
        "to run caselog as a user who may not write the folder",
    );
    let env = TestEnv::new();
    fs::set_permissions(env.dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let folder = env.path("locked");
    fs::create_dir(&folder).unwrap();
    let book = folder.join("logbook.db");
    env.ok(&[
        "--db",
        book.to_str().unwrap(),
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
    ]);
    env.ok(&["--db", book.to_str().unwrap(), "check"]);
    fs::set_permissions(&book, fs::Permissions::from_mode(0o666)).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let before = fs::read(&book).unwrap();

    // A new logbook there.
    let out = wrapped(&env, &["unshare", "--user", "--"])
        .args(["--db", "locked/new.db"])
        .args(MINIMAL)
        .output()
        .unwrap();
    assert_refused(
        &out,
        1,
        &["locked/new.db", "the folder locked must be writable"],
    );
    // The existing one: SQLite keeps its -wal and -shm files beside it, even to read.
    for args in [&["list"][..], MINIMAL] {
        let out = wrapped(&env, &["unshare", "--user", "--"])
            .args(["--db", "locked/logbook.db"])
            .args(args)
            .output()
            .unwrap();
        assert_refused(&out, 1, &["the folder locked must be writable"]);
    }
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    let mut names: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["logbook.db"]);
    assert_eq!(fs::read(&book).unwrap(), before);
}

/// The disk is a small tmpfs mounted in a new user and mount namespace (which needs no
/// privilege), filled to the last block before caselog runs on it.
#[test]
fn a_full_disk_is_named_and_the_logbook_is_kept() {
    require_user_namespaces(
        &["--user", "--map-root-user", "--mount"],
        "to mount a small file system and fill it",
    );
    let env = TestEnv::new();
    env.consult(&[]); // a logbook off the full disk, to export and back up onto it
    fs::create_dir(env.path("disk")).unwrap();
    const SCRIPT: &str = r#"
        caselog="$1"
        mount -t tmpfs -o size=512k caselog-test disk || exit 90
        record="consult --advisor S --setting S --agency 2A --level 1 --outcome advice"
        "$caselog" --db disk/full.db $record --family F-1 > /dev/null || exit 91
        "$caselog" --db disk/full.db $record --family F-2 > /dev/null || exit 91
        # Full to the last block, but for room to open the logbook (32 KiB of shared memory)
        # and none to write to it.
        head -c 32768 /dev/zero > disk/reserve
        cat /dev/zero > disk/filler 2> /dev/null
        rm disk/reserve
        "$caselog" --db disk/full.db $record --family F-3 > write.out 2> write.err
        echo $? > write.code
        # Full to the last block.
        cat /dev/zero > disk/filler2 2> /dev/null
        "$caselog" --db disk/full.db $record --family F-3 > open.out 2> open.err
        echo $? > open.code
        "$caselog" --db disk/new.db $record --family F-3 > new.out 2> new.err
        echo $? > new.code
        "$caselog" export --month 2026-03 --output disk/march.csv > export.out 2> export.err
        echo $? > export.code
        "$caselog" backup disk/copy.db > backup.out 2> backup.err
        echo $? > backup.code
        ls -A disk > left.txt
        rm disk/filler disk/filler2
        "$caselog" --db disk/full.db check --format json > check.json 2> check.err
        echo $? > check.code
        "$caselog" --db disk/full.db list --format json > list.json
    "#;
    let out = wrapped(
        &env,
        &[
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            SCRIPT,
            "sh",
        ],
    )
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "the full-disk script failed ({:?}): {}",
        out.status.code(),
        stderr(&out)
    );
    let read = |name: &str| fs::read_to_string(env.path(name)).unwrap();
    let words = ["the disk is full", "nothing was written"];
    for step in ["write", "open", "new", "export", "backup"] {
        assert_eq!(
            read(&format!("{step}.code")).trim(),
            "1",
            "{step}: {}",
            read(&format!("{step}.err"))
        );
        let err = read(&format!("{step}.err"));
        for w in words {
            assert!(err.contains(w), "{step}: expected {w:?} in: {err}");
        }
        assert!(
            !err.contains("I/O error") && !err.contains("os error"),
            "{step}: {err}"
        );
        assert_eq!(read(&format!("{step}.out")), "", "{step}");
    }
    let left = read("left.txt");
    for name in ["new.db", "march.csv", "copy.db", ".caselog-"] {
        assert!(!left.contains(name), "nothing half-written is left: {left}");
    }
    assert_eq!(read("check.code").trim(), "0", "{}", read("check.err"));
    assert_eq!(json(&read("check.json"))["ok"], true);
    let families: Vec<_> = json(&read("list.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["family"].as_str().unwrap().to_string())
        .collect();
    let mut families = families;
    families.sort();
    assert_eq!(
        families,
        ["F-1", "F-2"],
        "exactly the records made before the disk was full"
    );
}

/// Three kinds of damage: the header overwritten, every page but the first and the last
/// overwritten, the file cut short.
#[test]
fn a_damaged_logbook_is_called_damaged() {
    let env = TestEnv::new();
    for _ in 0..30 {
        env.consult(&["--worry", &"x".repeat(2000)]);
    }
    env.ok(&["check"]);
    let good = fs::read(env.db()).unwrap();
    let mut header = good.clone();
    header[16..56].fill(0xFF);
    let mut middle = good.clone();
    let end = middle.len() - 4096;
    middle[2 * 4096..end].fill(0xAB);
    let short = good[..4096 * 2].to_vec();
    for (what, bytes) in [("header", header), ("middle", middle), ("short", short)] {
        fs::write(env.db(), &bytes).unwrap();
        let out = env.run(&["check"]);
        assert_refused(&out, 1, &["is damaged", "backup", "docs/security.md"]);
        assert!(
            !stderr(&out).contains("not a caselog logbook"),
            "{what}: {}",
            stderr(&out)
        );
        for args in [&["list"][..], &["export", "--month", "2026-03"], MINIMAL] {
            let out = env.run(args);
            assert_refused(
                &out,
                1,
                &["is damaged", "caselog check", "docs/security.md"],
            );
        }
        assert_eq!(
            fs::read(env.db()).unwrap(),
            bytes,
            "{what}: the file is left as it was"
        );
    }
}
