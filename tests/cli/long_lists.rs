//! Lists longer than a screenful many times over: `list` prints records as it reads them, so a
//! table comes in blocks that keep their shape, and CSV and JSON are the same as they would be
//! if the whole list were held at once.

use crate::common::{TestEnv, json};

/// How many rows a table block holds (`output::TABLE_BLOCK`).
const BLOCK: usize = 5_000;

/// A logbook of `n` consultations, imported from CSV: the first of a family with a long
/// reference, the rest of short ones.
fn logbook_of(n: usize) -> TestEnv {
    let env = TestEnv::new();
    let mut csv = String::from("date,advisor,setting,agency,family,level,outcome\n");
    for i in 1..=n {
        let family = if i == 1 {
            "A-VERY-LONG-FAMILY-REFERENCE-1".to_string()
        } else {
            format!("F-{}", i % 97)
        };
        csv.push_str(&format!(
            "2026-01-{:02},Sam,Oakwood,school,{family},2,advice\n",
            1 + i % 28
        ));
    }
    std::fs::write(env.path("many.csv"), csv).unwrap();
    env.ok(&["import", "many.csv"]);
    env
}

#[test]
fn a_long_table_comes_in_blocks_that_keep_their_shape() {
    let n = BLOCK + 3;
    let env = logbook_of(n);
    let table = env.ok(&["list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.last(), Some(&format!("{n} consultations").as_str()));
    let headings: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("│ ID"))
        .collect();
    assert_eq!(headings.len(), 2, "one heading per block of {BLOCK} rows");
    let rows: Vec<&&str> = lines.iter().filter(|l| l.contains("┆ 2026-")).collect();
    assert_eq!(rows.len(), n);
    // The second block is as wide as the first, whose first row has the long family
    // reference, though its own rows are all short.
    let width = |line: &str| line.chars().count();
    assert!(
        rows.iter().all(|r| width(r) == width(rows[0])),
        "every row as wide as the first: {} and {}",
        rows[0],
        rows[n - 1]
    );
    assert_eq!(width(lines[headings[1]]), width(lines[headings[0]]));
}

#[test]
fn long_csv_and_json_lists_hold_every_record_once() {
    let n = BLOCK + 3;
    let env = logbook_of(n);
    let listed = json(&env.ok(&["list", "--format", "json"]));
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), n);
    assert_eq!(ids.first(), Some(&"C-1"));
    assert_eq!(ids.last(), Some(&format!("C-{n}").as_str()));

    let csv = env.ok(&["list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(&reader.headers().unwrap()[0], "id");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), n);
    assert_eq!(&records[0][0], "C-1");
    assert_eq!(&records[n - 1][0], format!("C-{n}"));
}

#[test]
fn an_empty_list_is_a_count_an_empty_array_or_a_header() {
    let env = TestEnv::new();
    env.consult(&["--date", "2026-01-05"]);
    let none = ["list", "--from", "2026-02-01"];
    assert_eq!(env.ok(&none), "0 consultations\n");
    assert_eq!(env.ok(&[&none[..], &["--format", "json"]].concat()), "[]\n");
    let csv = env.ok(&[&none[..], &["--format", "csv"]].concat());
    assert_eq!(csv.lines().count(), 1);
    assert!(csv.starts_with("id,uuid,date,"), "{csv}");
}

#[test]
fn a_list_has_no_markdown() {
    let env = TestEnv::new();
    env.consult(&[]);
    let err = env.fails(&["list", "--format", "markdown"], 2);
    assert!(
        err.contains("--format markdown is not available for a list of consultations"),
        "{err}"
    );
    assert!(
        err.contains("hint: use --format table, csv or json"),
        "{err}"
    );
}
