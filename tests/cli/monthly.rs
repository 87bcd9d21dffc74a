//! `examples/monthly-export.sh`, as a scheduled job runs it: last month's (or a given month's)
//! consultations, referrals and reviews to dated files, the month's figures by agency beside
//! them, and a non-zero exit when anything fails.

use std::process::Command;

use chrono::Datelike;

use crate::common::TestEnv;
use crate::reports::voided_fixture;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/monthly-export.sh");

fn script(env: &TestEnv, args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .arg(SCRIPT)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path("home"))
        .env("CASELOG", env!("CARGO_BIN_EXE_caselog"))
        .env("CASELOG_DB", env.db())
        .env("CASELOG_NOW", crate::common::NOW)
        .output()
        .expect("run the monthly export script")
}

#[test]
fn the_monthly_script_writes_each_kind_of_record_to_a_dated_file() {
    let env = voided_fixture();
    std::fs::create_dir(env.path("out")).unwrap();
    let out = script(&env, &[env.path("out").to_str().unwrap(), "2026-02"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for kind in ["consultations", "referrals", "reviews"] {
        let written =
            std::fs::read_to_string(env.path(&format!("out/{kind}-2026-02.csv"))).unwrap();
        let direct = env.ok(&["export", "--month", "2026-02", "--records", kind]);
        assert_eq!(written, direct, "{kind}");
        assert!(written.lines().count() > 1, "{kind} has rows");
    }
    // The figures by agency, as `report` gives them, beside the rows.
    let figures = std::fs::read_to_string(env.path("out/figures-by-agency-2026-02.csv")).unwrap();
    let direct = env.ok(&[
        "report", "--month", "2026-02", "--by", "agency", "--format", "csv",
    ]);
    assert_eq!(figures, direct);
    let mut reader = csv::Reader::from_reader(figures.as_bytes());
    assert_eq!(&reader.headers().unwrap()[0], "group");
    let groups: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(groups, ["2A", "3B", "6"]);
    assert_eq!(
        std::fs::read_dir(env.path("out")).unwrap().count(),
        5,
        "three exports and the figures as CSV and HTML, nothing left half-written"
    );
    // Without a month it exports last month by the system's calendar, as a scheduled job would.
    std::fs::create_dir(env.path("default")).unwrap();
    let today = chrono::Local::now().date_naive();
    let last_month = today
        .with_day(1)
        .unwrap()
        .pred_opt()
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let out = Command::new("bash")
        .arg(SCRIPT)
        .arg(env.path("default"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path("home"))
        .env("CASELOG", env!("CARGO_BIN_EXE_caselog"))
        .env("CASELOG_DB", env.db())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for kind in ["consultations", "referrals", "reviews", "figures-by-agency"] {
        assert!(
            env.path(&format!("default/{kind}-{last_month}.csv"))
                .exists(),
            "{kind}"
        );
    }
}

#[test]
fn the_monthly_script_fails_loudly() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path("out")).unwrap();
    // No logbook yet: caselog fails, so the script must too, leaving no file behind.
    let out = script(&env, &[env.path("out").to_str().unwrap(), "2026-02"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no logbook"));
    assert_eq!(std::fs::read_dir(env.path("out")).unwrap().count(), 0);
    // A directory that does not exist, or a bad month, is a usage error.
    env.consult(&[]);
    assert_eq!(
        script(&env, &[env.path("nowhere").to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        script(&env, &[env.path("out").to_str().unwrap(), "2026-13"])
            .status
            .code(),
        Some(2)
    );
}
