//! A hermetic test environment: a temporary HOME, config and logbook per test, a cleared
//! environment, a fixed clock (2026-03-15 10:00 UTC) and no terminal.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

/// The schema version this caselog writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 9;

/// The fixed "now" every test runs at.
pub const NOW: &str = "2026-03-15T10:00:00Z";

/// The fewest flags that record a consultation.
pub const MINIMAL: &[&str] = &[
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
];

pub struct TestEnv {
    pub dir: TempDir,
    extra_env: Vec<(String, String)>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temporary directory"),
            extra_env: Vec::new(),
        }
    }

    /// Sets an environment variable for every command this environment runs.
    pub fn env(mut self, key: &str, value: &str) -> TestEnv {
        self.extra_env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The logbook every command uses (through CASELOG_DB).
    pub fn db(&self) -> PathBuf {
        self.path("logbook.db")
    }

    /// The caselog binary with a clean environment pointing at this test's files.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    /// The same as `cmd`, as a plain process to spawn and control (kill) while it runs.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_caselog"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("home/.local/share"))
            .env("XDG_CONFIG_HOME", self.path("home/.config"))
            .env("CASELOG_DB", self.db())
            .env("CASELOG_NOW", NOW)
            .env("NO_COLOR", "1")
            .env("LC_ALL", "C.UTF-8")
            .current_dir(self.dir.path());
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs caselog with these arguments and no standard input.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd()
            .args(args)
            .write_stdin("")
            .output()
            .expect("run caselog")
    }

    /// Runs caselog, asserts it succeeded, and returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "caselog {args:?} failed ({:?})\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// Runs caselog, asserts it failed with `code` and wrote nothing to stdout, and returns
    /// its standard error.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "caselog {args:?}: expected exit {code}\nstdout: {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(stderr.starts_with("error: "), "stderr: {stderr}");
        stderr
    }

    /// Records a valid consultation (school, family F-1, early help) with `extra` flags and
    /// their values added, or replacing the value of a flag given here (a flag may be given
    /// once; --factor, --indicator and --age add to their lists), and returns its ID ("C-1").
    pub fn consult(&self, extra: &[&str]) -> String {
        let mut args = vec![
            "consult",
            "--advisor",
            "Sam Advisor",
            "--setting",
            "Oakwood Primary surgery",
            "--agency",
            "school",
            "--family",
            "F-1",
            "--indicator",
            "C2.1",
            "--outcome",
            "early-help",
            "--json",
        ];
        for pair in extra.chunks(2) {
            let [flag, value] = pair else {
                panic!("consult takes flags with values: {extra:?}")
            };
            args = with_flag(&args, flag, value);
        }
        let out = self.ok(&args);
        let json: serde_json::Value = serde_json::from_str(&out).expect("consult --json output");
        json["id"].as_str().expect("id").to_string()
    }

    /// Runs a query on the logbook directly and returns every row as strings.
    pub fn sql(&self, query: &str) -> Vec<Vec<String>> {
        sql_at(&self.db(), query)
    }

    /// How many rows a table holds.
    pub fn count(&self, table: &str) -> i64 {
        if !self.db().exists() {
            return 0;
        }
        self.sql(&format!("SELECT count(*) FROM {table}"))[0][0]
            .parse()
            .expect("count")
    }
}

pub fn sql_at(db: &Path, query: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).expect("open logbook");
    let mut stmt = conn.prepare(query).expect("prepare");
    let columns = stmt.column_count();
    stmt.query_map([], |row| {
        (0..columns)
            .map(|i| {
                let v: rusqlite::types::Value = row.get(i)?;
                Ok(match v {
                    rusqlite::types::Value::Null => String::new(),
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Real(f) => f.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Blob(_) => "<blob>".into(),
                })
            })
            .collect()
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// The arguments `base` with `flag` given `value`: in place of the value `base` gives it, or
/// added. Each flag is given once, but --factor, --indicator and --age add to their lists.
pub fn with_flag<'a>(base: &[&'a str], flag: &'a str, value: &'a str) -> Vec<&'a str> {
    let mut args = base.to_vec();
    match args.iter().position(|a| *a == flag) {
        Some(i) if !["--factor", "--indicator", "--age"].contains(&flag) => args[i + 1] = value,
        _ => args.extend_from_slice(&[flag, value]),
    }
    args
}

/// Parses JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Writes `n` valid consultations in the exchange format, each with its own UUID.
pub fn write_consultations(path: &std::path::Path, n: u64) {
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

/// Whether a first import is filling the new logbook: writing under its rollback journal, with
/// rows spilling into the logbook's file (past 1 MiB; the empty logbook is a tenth of that).
pub fn filling_a_new_logbook(env: &TestEnv) -> bool {
    env.path("logbook.db-journal").exists()
        && std::fs::metadata(env.db()).is_ok_and(|m| m.len() > 1 << 20)
}
