//! `caselog report --format html`: the month on one page, as a reader's browser shows it. On the
//! figures fixture (`figures::fixture`), headless Chromium loads the page the command wrote: its
//! DOM holds every figure of `report --format json` with the same value (and the rows by agency
//! and by month those of `report --by`), a screenshot shows text and the charts' colours, and it
//! prints on one or two A4 pages. The file is valid HTML with nothing to fetch, follows the
//! output-file rules of `export --output`, and the monthly export script writes it too. Also
//! the terminal tables: `--by --wide` and the summary within 100 columns.

use std::collections::BTreeMap;

use html5ever::driver::ParseOpts;
use html5ever::tendril::TendrilSink;
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::TreeBuilderOpts;
use scraper::{ElementRef, Html, HtmlTreeSink, Selector};
use serde_json::Value;

use crate::common::json;
use crate::support::chromium::{Chromium, Picture, pdf_pages};

/// Every leaf of a JSON object under its flattened key (`threshold.over`).
fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, v, out);
            }
        }
        leaf => {
            out.insert(prefix.to_string(), leaf.clone());
        }
    }
}

/// Whether a `value` attribute is the JSON's value: the same number, date or text; empty for
/// null.
fn same(attribute: &str, expected: &Value) -> bool {
    match expected {
        Value::Null => attribute.is_empty(),
        Value::Number(n) => attribute
            .parse::<f64>()
            .is_ok_and(|a| a == n.as_f64().unwrap()),
        Value::String(s) => attribute == s,
        other => panic!("unexpected figure {other}"),
    }
}

/// Parses HTML as a browser would, keeping every parse error, each with its exact words.
fn parse(html: &str) -> Html {
    let opts = ParseOpts {
        tokenizer: TokenizerOpts {
            exact_errors: true,
            ..TokenizerOpts::default()
        },
        tree_builder: TreeBuilderOpts {
            exact_errors: true,
            ..TreeBuilderOpts::default()
        },
    };
    html5ever::driver::parse_document(HtmlTreeSink::new(Html::new_document()), opts).one(html)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn inside_a_group(e: &ElementRef) -> bool {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| a.attr("data-group").is_some())
}

fn text(e: &ElementRef) -> String {
    e.text().collect()
}

/// The elements of the page marked with `attribute` (`data-figure`, `data-baseline`,
/// `data-change`), outside the rows by group, by key.
fn marked<'a>(doc: &'a Html, attribute: &str) -> BTreeMap<String, Vec<ElementRef<'a>>> {
    let mut by_key: BTreeMap<String, Vec<ElementRef>> = BTreeMap::new();
    for e in select(doc, &format!("[{attribute}]")) {
        if !inside_a_group(&e) {
            let key = e.attr(attribute).unwrap().to_string();
            by_key.entry(key).or_default().push(e);
        }
    }
    by_key
}

/// Checks that the page shows each figure of `expected` under `attribute`, every time with its
/// value, and no figure that is not there; counts are shown as they are and rates as "n of d,
/// p%".
fn holds_every_figure(
    doc: &Html,
    attribute: &str,
    expected: &BTreeMap<String, Value>,
    optional: &dyn Fn(&str) -> bool,
) {
    let shown = marked(doc, attribute);
    for (key, value) in expected {
        let Some(elements) = shown.get(key) else {
            assert!(
                optional(key),
                "{attribute}={key} ({value}) is not on the page"
            );
            continue;
        };
        for e in elements {
            let attr = e.attr("value").unwrap_or_else(|| {
                e.select(&Selector::parse("time").unwrap())
                    .next()
                    .and_then(|t| t.attr("datetime"))
                    .unwrap_or_default()
            });
            assert!(
                same(attr, value),
                "{attribute}={key}: the page says {attr:?}, the JSON {value}"
            );
            let words = text(e);
            match value {
                Value::Number(n) if n.is_u64() && attribute == "data-figure" => {
                    assert_eq!(words, n.to_string(), "{key}")
                }
                Value::Number(n) if key.ends_with("_rate") && attribute == "data-figure" => {
                    let percent = (n.as_f64().unwrap() * 100.0).round();
                    assert!(words.contains(" of "), "{key}: {words}");
                    assert!(words.ends_with(&format!(", {percent}%")), "{key}: {words}");
                }
                Value::Null if key.ends_with("_rate") && attribute != "data-change" => {
                    assert!(words.ends_with(" of 0"), "{key}: {words}")
                }
                Value::Null => assert_eq!(words, "–", "{attribute}={key}"),
                _ => {}
            }
        }
    }
    for (key, elements) in &shown {
        // The JSON lists agencies and factors only when counted; against a baseline, the page
        // shows those counted in either period.
        let uncounted = (key.starts_with("agencies.") || key.starts_with("factors."))
            && elements.iter().all(|e| e.attr("value") == Some("0"));
        assert!(
            expected.contains_key(key) || uncounted,
            "{attribute}={key} is on the page but not a figure"
        );
    }
}

/// Checks the rows marked `data-group` in the table `table` against the groups of `report --by`.
fn rows_match(doc: &Html, table: &str, groups: &[Value], every: &[String]) {
    let rows = select(doc, &format!("#{table} tr[data-group]"));
    assert!(!rows.is_empty(), "no rows in #{table}");
    for row in &rows {
        let name = row.attr("data-group").unwrap();
        // A month with nothing to count is not a group of `--by`: its figures are all 0.
        let group = groups.iter().find(|g| g["group"] == name);
        let mut figures = BTreeMap::new();
        if let Some(group) = group {
            flatten("", group, &mut figures);
        }
        for e in row.select(&Selector::parse("[data-figure]").unwrap()) {
            let key = e.attr("data-figure").unwrap();
            let value = match group {
                Some(_) => figures
                    .get(key)
                    .cloned()
                    .unwrap_or_else(|| panic!("#{table} {name}: {key} is not a figure")),
                None => Value::from(0),
            };
            assert!(
                same(e.attr("value").unwrap(), &value),
                "#{table} {name} {key}: {:?}, --by gives {value}",
                e.attr("value")
            );
        }
    }
    let names: Vec<&str> = rows.iter().map(|r| r.attr("data-group").unwrap()).collect();
    assert_eq!(names, every, "#{table}");
}

/// Checks what every page must be: valid HTML, nothing to fetch or run, at least `charts`
/// charts, each titled and described by the table of its numbers, every id once.
fn well_formed(html: &str, charts: usize) -> Html {
    let doc = parse(html);
    assert!(doc.errors.is_empty(), "HTML errors: {:?}", doc.errors);
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    let lower = html.to_lowercase();
    for reference in [
        "http://", "https://", "<script", "<link", "<img", "@import", "url(",
    ] {
        assert!(!lower.contains(reference), "the page has {reference:?}");
    }
    let mut ids = std::collections::BTreeSet::new();
    for e in select(&doc, "[id]") {
        assert!(
            ids.insert(e.attr("id").unwrap()),
            "id {:?} twice",
            e.attr("id")
        );
    }
    let svgs = select(&doc, "svg");
    assert!(svgs.len() >= charts, "{} charts", svgs.len());
    for svg in svgs {
        assert_eq!(svg.attr("role"), Some("img"));
        let title = svg.attr("aria-labelledby").unwrap();
        let described = svg.attr("aria-describedby").unwrap();
        let title = select(&doc, &format!("#{title}"));
        assert_eq!(title[0].value().name(), "title");
        assert!(text(&title[0]).len() > 20, "{}", text(&title[0]));
        // The numbers the chart shows, as a table (or the tables of a section).
        let numbers = select(&doc, &format!("#{described}"));
        assert!(
            numbers[0].select(&Selector::parse("td").unwrap()).count() > 2,
            "#{described}"
        );
    }
    assert_eq!(
        select(&doc, "html")[0].attr("lang"),
        Some("en-GB"),
        "the page's language"
    );
    doc
}

#[test]
fn the_page_shows_every_figure_of_the_json_and_prints_on_one_or_two_a4_pages() {
    let env = crate::figures::fixture();
    let out = env.run(&[
        "report",
        "--month",
        "2025-11",
        "--format",
        "html",
        "--output",
        "november.html",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let page = env.path("november.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let written = well_formed(&html, 6);
    // The same page as standard output gives.
    assert_eq!(
        env.ok(&[
            "report", "--month", "2025-11", "--format", "html", "--output", "-"
        ]),
        html
    );

    let chromium = Chromium::find();
    let dom = Html::parse_document(&chromium.dump_dom(&page));
    let mut figures = BTreeMap::new();
    flatten(
        "",
        &json(&env.ok(&["report", "--month", "2025-11", "--format", "json"])),
        &mut figures,
    );
    holds_every_figure(&dom, "data-figure", &figures, &|_| false);
    assert!(marked(&dom, "data-change").is_empty());
    assert_eq!(
        marked(&written, "data-figure").len(),
        marked(&dom, "data-figure").len()
    );

    // The rows by agency and by month are those of `report --by`.
    let by_agency = json(&env.ok(&[
        "report", "--month", "2025-11", "--by", "agency", "--format", "json",
    ]));
    let compared: Vec<String> = by_agency["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["threshold"]["compared"].as_u64().unwrap() > 0)
        .map(|g| g["group"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(compared, ["2A", "3A", "3B", "6"]);
    rows_match(
        &dom,
        "agency-agreement-numbers",
        by_agency["groups"].as_array().unwrap(),
        &compared,
    );
    let by_organisation = json(&env.ok(&[
        "report",
        "--month",
        "2025-11",
        "--by",
        "organisation",
        "--format",
        "json",
    ]));
    rows_match(
        &dom,
        "organisation-agreement-numbers",
        by_organisation["groups"].as_array().unwrap(),
        &[
            "Northgate GP practice".to_string(),
            "Oakwood Primary School".to_string(),
            "(not recorded)".to_string(),
        ],
    );
    // The year to November 2025: December 2024 to November 2025, each month a row.
    let by_month = json(&env.ok(&[
        "report",
        "--from",
        "2024-12-01",
        "--to",
        "2025-11-30",
        "--by",
        "month",
        "--format",
        "json",
    ]));
    let months: Vec<String> = (0..12)
        .map(|i| {
            let (year, month) = if i == 0 { (2024, 12) } else { (2025, i) };
            format!("{year}-{month:02}")
        })
        .collect();
    rows_match(
        &dom,
        "months-numbers",
        by_month["groups"].as_array().unwrap(),
        &months,
    );
    let january = select(&dom, "#months-numbers tr[data-group=\"2025-01\"] td");
    let january: Vec<String> = january.iter().map(text).collect();
    assert_eq!(january[..2], ["1", "1"], "C-2 and R-2 in January 2025");

    // What a reader sees: text and each chart's colours, and no more than two A4 pages.
    let png = env.path("november.png");
    chromium.screenshot(&page, &png, 900, 1300);
    let picture = Picture::load(&png);
    assert!(!picture.is_blank());
    assert!(
        picture.distinct_colours() > 50,
        "{}",
        picture.distinct_colours()
    );
    assert!(
        picture.non_white_pixels() > 50_000,
        "{}",
        picture.non_white_pixels()
    );
    for (what, colour) in [
        ("under-estimated", [0x00, 0x72, 0xb2]),
        ("over-estimated", [0xe6, 0x9f, 0x00]),
        ("agreed", [0xd9, 0xd9, 0xd9]),
        ("consultations by month", [0xbd, 0xbd, 0xbd]),
        ("taken up", [0x08, 0x30, 0x6b]),
    ] {
        assert!(
            picture.pixels_of(colour) > 100,
            "no {what} in the screenshot"
        );
    }
    let pdf = env.path("november.pdf");
    chromium.print_to_pdf(&page, &pdf);
    let pages = pdf_pages(&pdf);
    assert!((1..=2).contains(&pages.len()), "{pages:?}");
    assert!(pages.iter().all(|p| p.is_a4()), "{pages:?}");
}

#[test]
fn against_a_baseline_the_page_shows_the_change_beside_each_figure() {
    let env = crate::figures::fixture();
    let args = [
        "report",
        "--month",
        "2025-11",
        "--against-month",
        "2025-10",
        "--format",
    ];
    let html = env.ok(&[&args[..], &["html"]].concat());
    well_formed(&html, 6);
    std::fs::write(env.path("against.html"), &html).unwrap();
    let chromium = Chromium::find();
    let dom = Html::parse_document(&chromium.dump_dom(&env.path("against.html")));
    let compared = json(&env.ok(&[&args[..], &["json"]].concat()));
    let (mut current, mut baseline, mut change) = Default::default();
    flatten("", &compared["current"], &mut current);
    flatten("", &compared["baseline"], &mut baseline);
    flatten("", &compared["change"], &mut change);
    // Agencies and factors are listed when either period counted them.
    let neither = |key: &str| {
        let code = |m: &BTreeMap<String, Value>| m.get(key).and_then(Value::as_u64).unwrap_or(0);
        (key.starts_with("agencies.") || key.starts_with("factors."))
            && code(&current) == 0
            && code(&baseline) == 0
    };
    holds_every_figure(&dom, "data-figure", &current, &|_| false);
    // Both are as at the same day, which the page gives once.
    holds_every_figure(&dom, "data-baseline", &baseline, &|key| key == "as_at");
    let mut differences = BTreeMap::new();
    for (key, value) in &change {
        if let Some(figure) = key.strip_suffix(".difference") {
            differences.insert(figure.to_string(), value.clone());
        }
    }
    holds_every_figure(&dom, "data-change", &differences, &neither);
    let consultations = &marked(&dom, "data-change")["consultations"];
    assert!(
        consultations.iter().all(|e| text(e) == "+13 (+1300%)"),
        "{:?}",
        consultations.iter().map(text).collect::<Vec<_>>()
    );
    let rate = &marked(&dom, "data-change")["referral_rate"];
    assert_eq!(text(&rate[0]), "+36 points");

    let pdf = env.path("against.pdf");
    chromium.print_to_pdf(&env.path("against.html"), &pdf);
    let pages = pdf_pages(&pdf);
    assert!((1..=2).contains(&pages.len()), "{pages:?}");
}

/// A month with nothing in it: every figure 0 or without a rate, no bars to draw but the
/// months', and still a valid page that says so.
#[test]
fn a_month_with_nothing_to_count_is_a_page_of_zeros() {
    let env = crate::figures::fixture();
    let html = env.ok(&["report", "--month", "2025-06", "--format", "html"]);
    let doc = well_formed(&html, 4);
    let mut figures = BTreeMap::new();
    flatten(
        "",
        &json(&env.ok(&["report", "--month", "2025-06", "--format", "json"])),
        &mut figures,
    );
    assert_eq!(figures["consultations"], 0);
    holds_every_figure(&doc, "data-figure", &figures, &|_| false);
    assert!(
        html.contains("No consultation in the period had both levels recorded."),
        "{html}"
    );
    // Every section of the summary is there, those with nothing to list saying so.
    for heading in ["Agencies consulting", "Factors named"] {
        let section = select(&doc, "h3")
            .into_iter()
            .find(|h| text(h) == heading)
            .unwrap_or_else(|| panic!("no {heading}"));
        let table = section.next_siblings().find_map(ElementRef::wrap).unwrap();
        assert_eq!(text(&table).trim(), "none", "{heading}");
    }
    // No organisation was recorded in the period: no chart by organisation.
    assert!(select(&doc, "#organisation-agreement").is_empty());
    assert_eq!(
        select(&doc, "#months-numbers tr[data-group]").len(),
        12,
        "the year to June 2025"
    );
}

#[test]
fn the_page_is_written_by_the_rules_of_output_files() {
    let env = crate::figures::fixture();
    let html = |extra: &[&str]| {
        let mut args = vec!["report", "--month", "2025-11", "--format", "html"];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    std::fs::write(env.path("existing.html"), "keep me").unwrap();
    let out = html(&["--output", "existing.html"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: existing.html already exists"),
        "{err}"
    );
    assert!(err.contains("hint: use --force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(env.path("existing.html")).unwrap(),
        "keep me"
    );
    let out = html(&["--output", "existing.html", "--force"]);
    assert!(out.status.success());
    let replaced = std::fs::read_to_string(env.path("existing.html")).unwrap();
    assert!(replaced.starts_with("<!DOCTYPE html>"));
    // A new file is readable by its owner alone.
    use std::os::unix::fs::PermissionsExt;
    assert!(html(&["--output", "new.html"]).status.success());
    let mode = std::fs::metadata(env.path("new.html"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Never the logbook, and nothing written when refused.
    let before = std::fs::read(env.db()).unwrap();
    let err = env.fails(
        &[
            "report",
            "--month",
            "2025-11",
            "--format",
            "html",
            "--output",
            env.db().to_str().unwrap(),
            "--force",
        ],
        2,
    );
    assert!(err.contains("is the logbook itself"), "{err}");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
    // Other formats go to a file the same way.
    assert!(
        env.run(&[
            "report",
            "--month",
            "2025-11",
            "--format",
            "csv",
            "-o",
            "figures.csv"
        ])
        .status
        .success()
    );
    assert_eq!(
        std::fs::read_to_string(env.path("figures.csv")).unwrap(),
        env.ok(&["report", "--month", "2025-11", "--format", "csv"])
    );

    // The page is the whole figures: not with --by, and only `report` has one.
    let err = env.fails(
        &[
            "report", "--month", "2025-11", "--format", "html", "--by", "agency",
        ],
        2,
    );
    assert!(
        err.contains("--format html is the whole page") && err.contains("--by agency"),
        "{err}"
    );
    let err = env.fails(&["list", "--format", "html"], 2);
    assert!(err.contains("--format html is for `report`"), "{err}");
    let err = env.fails(&["report", "--force"], 2);
    assert!(err.contains("--output"), "{err}");
    assert!(!env.path("-").exists() && !env.path("--force").exists());
}

#[test]
fn the_monthly_script_writes_the_month_as_a_page() {
    let env = crate::reports::voided_fixture();
    std::fs::create_dir(env.path("out")).unwrap();
    let out = std::process::Command::new("bash")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/monthly-export.sh"
        ))
        .args([env.path("out").to_str().unwrap(), "2026-02"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.path("home"))
        .env("CASELOG", env!("CARGO_BIN_EXE_caselog"))
        .env("CASELOG_DB", env.db())
        .env("CASELOG_NOW", crate::common::NOW)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(env.path("out/figures-2026-02.html")).unwrap();
    assert_eq!(
        page,
        env.ok(&["report", "--month", "2026-02", "--format", "html"])
    );
    well_formed(&page, 5);
}

/// How wide the widest line is, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn wide_gives_every_column_and_the_summary_fits_100_columns() {
    let env = crate::figures::fixture();
    for by in ["agency", "organisation", "setting", "advisor", "month"] {
        let args = [
            "report",
            "--from",
            "2025-11-01",
            "--to",
            "2026-03-31",
            "--by",
            by,
        ];
        let narrow = env.ok(&args);
        assert!(widest(&narrow) <= 100, "--by {by}:\n{narrow}");
        let wide = env.ok(&[&args[..], &["--wide"]].concat());
        assert!(widest(&wide) > 100, "--by {by} --wide:\n{wide}");
        // One line of cells per group, below headings of two lines.
        let groups = json(&env.ok(&[&args[..], &["--format", "json"]].concat()))["groups"]
            .as_array()
            .unwrap()
            .len();
        let rows = wide.lines().filter(|l| l.starts_with("│")).count();
        assert_eq!(rows, 2 + groups, "--by {by} --wide:\n{wide}");
        for heading in ["Families", "Too early", "Disputed", "Upcoming", "Pathway"] {
            assert!(wide.contains(heading), "{heading} in\n{wide}");
        }
    }
    let wide = env.ok(&["report", "--month", "2025-11", "--by", "agency", "--wide"]);
    let school = wide.lines().find(|l| l.contains("2A Schools")).unwrap();
    // Schools in November: 9 consultations, over-estimated 4 of the 6 compared, confidence up
    // 2.0, both decided front-door referrals taken up, 2 of 4 follow-ups overdue.
    for cell in ["┆ 9 ", "4 of 6, 67%", "+2.0", "2 of 2, 100%", "2 of 4, 50%"] {
        assert!(school.contains(cell), "{cell} in {school}");
    }
    let err = env.fails(&["report", "--wide"], 2);
    assert!(err.contains("--by"), "{err}");

    // The summary, with the longest labels of the code lists, fits 100 columns too.
    env.consult(&[
        "--date",
        "2025-11-30",
        "--family",
        "W-1",
        "--agency",
        "5B",
        "--factor",
        "6C",
        "--factor",
        "8B",
    ]);
    for args in [
        &["report", "--month", "2025-11"][..],
        &["report", "--month", "2025-11", "--against-month", "2025-10"],
    ] {
        let summary = env.ok(args);
        assert!(
            summary.contains("LA services – other internal"),
            "{summary}"
        );
        assert!(widest(&summary) <= 100, "{args:?}:\n{summary}");
    }
}
