//! Configuration and the threshold checklist: config file, environment and flags in order of
//! precedence, and a partnership's own thresholds file.

use std::fs;

use crate::common::{MINIMAL, TestEnv, json};

fn write_config(env: &TestEnv, text: &str) {
    let dir = env.path("home/.config/caselog");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("config.toml"), text).unwrap();
}

fn consult_without_advisor(env: &TestEnv, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "consult",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F1",
        "--indicator",
        "C2.1",
        "--outcome",
        "advice",
        "--json",
    ];
    args.extend_from_slice(extra);
    json(&env.ok(&args))
}

#[test]
fn advisor_comes_from_flag_then_environment_then_config() {
    let env = TestEnv::new();
    write_config(&env, "advisor = \"From Config\"\n");
    assert_eq!(consult_without_advisor(&env, &[])["advisor"], "From Config");
    let env = env.env("CASELOG_ADVISOR", "From Env");
    assert_eq!(consult_without_advisor(&env, &[])["advisor"], "From Env");
    assert_eq!(
        consult_without_advisor(&env, &["--advisor", "From Flag"])["advisor"],
        "From Flag"
    );
}

#[test]
fn config_can_name_the_logbook_relative_to_itself() {
    let env = TestEnv::new();
    write_config(&env, "advisor = \"Sam\"\ndatabase = \"book.db\"\n");
    let out = env
        .cmd()
        .env_remove("CASELOG_DB")
        // `consult` and every flag after `--advisor S`: the config file gives the advisor.
        .args(&MINIMAL[..1])
        .args(&MINIMAL[3..])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.path("home/.config/caselog/book.db").exists());
    assert!(
        !env.db().exists(),
        "CASELOG_DB was removed, so the config's path is used"
    );
}

#[test]
fn a_wrong_config_file_is_reported_with_its_line() {
    let env = TestEnv::new();
    write_config(&env, "advisor = \"Sam\"\nadvisr = \"typo\"\n");
    let err = env.fails(&["checklist"], 2);
    assert!(
        err.contains("config.toml:2: unknown field `advisr`"),
        "{err}"
    );
    let err = env.fails(&["--config", "missing.toml", "checklist"], 2);
    assert!(
        err.contains("cannot read config file missing.toml"),
        "{err}"
    );
}

#[test]
fn the_default_checklist_can_be_narrowed() {
    let env = TestEnv::new();
    let all = json(&env.ok(&["checklist", "--format", "json"]));
    assert_eq!(all["levels"].as_array().unwrap().len(), 4);
    assert_eq!(all["indicators"].as_array().unwrap().len(), 43);
    let p3 = json(&env.ok(&[
        "checklist",
        "--format",
        "json",
        "--level",
        "3",
        "--domain",
        "p",
    ]));
    let ids: Vec<&str> = p3["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["P3.1", "P3.2", "P3.3", "P3.4"]);
    let table = env.ok(&["checklist", "--level", "4"]);
    assert!(table.contains("F4.3") && !table.contains("F3.3"), "{table}");
    let md = env.ok(&[
        "checklist",
        "--format",
        "markdown",
        "--domain",
        "F",
        "--level",
        "1",
    ]);
    assert!(
        md.contains("## Family and environment (F)\n\n### Level 1 (Universal)\n\n- [ ] **F1.1**"),
        "{md}"
    );
    env.fails(&["checklist", "--level", "5"], 2);
    env.fails(&["checklist", "--domain", "X"], 2);
}

#[test]
fn a_partnership_checklist_replaces_the_default() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/thresholds.toml");
    let env = TestEnv::new().env("CASELOG_THRESHOLDS", example);
    let levels = json(&env.ok(&["checklist", "--format", "json"]))["levels"].clone();
    assert_eq!(levels[1]["label"], "Emerging needs");
    // P4.3 exists only in the bundled checklist.
    let err = env.fails(
        &[
            "consult",
            "--advisor",
            "S",
            "--setting",
            "S",
            "--agency",
            "2A",
            "--family",
            "F1",
            "--indicator",
            "P4.3",
            "--outcome",
            "advice",
        ],
        2,
    );
    assert!(
        err.contains("'P4.3' is not an indicator of the Northshire"),
        "{err}"
    );
    let out = env.ok(&[
        "consult",
        "--advisor",
        "S",
        "--setting",
        "S",
        "--agency",
        "2A",
        "--family",
        "F1",
        "--indicator",
        "F3.2",
        "--outcome",
        "early-help",
    ]);
    assert!(out.contains("Suggested level: 3 (Complex needs)"), "{out}");
}

#[test]
fn a_broken_thresholds_file_says_where() {
    let env = TestEnv::new();
    let bundled = include_str!("../../src/domain/default_thresholds.toml");
    let broken = bundled.replacen("id = \"C2.3\"", "id = \"C5.3\"", 1);
    let line = broken.lines().position(|l| l.contains("C5.3")).unwrap() + 1;
    fs::write(env.path("t.toml"), &broken).unwrap();
    let err = env.fails(&["--thresholds", "t.toml", "checklist"], 2);
    assert!(
        err.contains(&format!("t.toml:{line}: indicator ID 'C5.3'")),
        "{err}"
    );
    assert!(err.contains("hint: the thresholds file format is described in docs/thresholds.md"));
    fs::write(env.path("t.toml"), "name = \"x\"\n[[levels]\n").unwrap();
    let err = env.fails(&["--thresholds", "t.toml", "checklist"], 2);
    assert!(err.contains("t.toml:2:"), "{err}");
}
