//! Fuzzes `caselog import`: arbitrary bytes, read as consultations, referrals or reviews into a
//! logbook that already holds a consultation, a referral and a review. The import never
//! panics; when it fails the logbook is exactly as it was (every row of every table, and the
//! schema); when it succeeds every kind of record exports, and importing those exports into an
//! empty logbook and exporting again gives the same bytes.

#![no_main]

use caselog::commands::export::write_csv;
use caselog::commands::import::{Request, import_csv};
use caselog::domain::checklist::Checklist;
use caselog::domain::family::FamilyRule;
use caselog::domain::period::Period;
use caselog::domain::values::EARLIEST;
use caselog::exchange::Records;
use caselog::store::{SqliteLogbook as Logbook, Storage};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use rusqlite::types::Value;

const KINDS: [Records; 3] = [Records::Consultations, Records::Referrals, Records::Reviews];

/// The records every run starts from.
const SEED: [(Records, &str); 3] = [
    (
        Records::Consultations,
        "id,uuid,date,advisor,setting,agency,family,indicators,level,outcome,rationale,worry\n\
         C-1,0b1c7d3e-3d5a-4d35-9f3c-1f6a1e0c2a01,2026-03-01,Sam,Oakwood surgery,2A,F-1,C2.1,3,\
         refer-csc,Two schools worried,\"Late, \"\"tired\"\"\"\n",
    ),
    (
        Records::Referrals,
        "id,uuid,consultation_uuid,date,to,result,result_date,reason\n\
         R-1,5f0e2b9a-8c4d-4e7a-b1f2-3a4b5c6d7e01,0b1c7d3e-3d5a-4d35-9f3c-1f6a1e0c2a01,\
         2026-03-02,csc,assessment,2026-03-05,Neglect\n",
    ),
    (
        Records::Reviews,
        "id,uuid,consultation,date,status,level,note\n\
         V-1,9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c01,C-1,2026-03-10,ongoing,3,=still worried\n",
    ),
];

/// Headers the fuzzer may put before its bytes, so that it reaches the rows sooner.
const HEADERS: [&str; 4] = [
    "",
    "id,uuid,date,advisor,setting,mode,agency,role,organisation,family,children,ages,factors,\
     indicators,consultee_level,level,suggested_level,confidence_before,confidence_after,consent,\
     outcome,follow_up,created_at,rationale,worry,voice,strengths,advice\n",
    "id,uuid,consultation,consultation_uuid,date,to,by,consent,urgent,result,result_date,\
     disputed,created_at,reason\n",
    "id,uuid,consultation,consultation_uuid,referral,referral_uuid,date,status,level,\
     confidence,follow_up,result,disputed,created_at,note,dispute\n",
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date")
}

/// The rule family references are checked by: a digit, as without a config file.
static FAMILY: std::sync::LazyLock<FamilyRule> = std::sync::LazyLock::new(FamilyRule::default);

fn request<'a>(records: Records, checklist: &'a Checklist) -> Request<'a> {
    Request {
        records,
        shown: "fuzz.csv",
        checklist,
        family: &FAMILY,
        today: today(),
        now: "2026-03-15T10:00:00Z".parse().expect("a timestamp"),
        dry_run: false,
        interruption: None,
    }
}

/// Every row of every table, and the schema itself.
fn dump(logbook: &Logbook) -> Vec<(String, Vec<Vec<Value>>)> {
    let conn = &logbook.conn;
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("table names");
    tables.push("sqlite_schema".to_string());
    tables
        .into_iter()
        .map(|table| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
                .expect("prepare");
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            (table, rows)
        })
        .collect()
}

fn export(logbook: &mut Logbook, records: Records) -> Vec<u8> {
    let everything = Period {
        from: EARLIEST,
        to: today(),
    };
    let mut out = Vec::new();
    let tx = logbook.read().expect("a read transaction");
    write_csv(tx.as_ref(), everything, records, true, &mut out).expect("export");
    out
}

fn seeded(checklist: &Checklist) -> Logbook {
    let mut logbook = Logbook::in_memory().expect("logbook");
    for (records, csv) in SEED {
        import_csv::<_, Logbook, _>(csv.as_bytes(), &request(records, checklist), || {
            Ok(&mut logbook)
        })
        .expect("seed records");
    }
    logbook
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let records = KINDS[usize::from(choice % 3)];
    let mut input = HEADERS[usize::from(choice / 3 % 4)].as_bytes().to_vec();
    input.extend_from_slice(rest);

    let checklist = Checklist::bundled();
    let mut logbook = seeded(&checklist);
    let before = dump(&logbook);
    let result =
        import_csv::<_, Logbook, _>(input.as_slice(), &request(records, &checklist), || {
            Ok(&mut logbook)
        });
    match result {
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "an input error: {}", e.message);
            assert!(
                dump(&logbook) == before,
                "a failed import changed the logbook"
            );
        }
        Ok(_) => {
            let mut copy = Logbook::in_memory().expect("logbook");
            for records in KINDS {
                let first = export(&mut logbook, records);
                import_csv::<_, Logbook, _>(
                    first.as_slice(),
                    &request(records, &checklist),
                    || Ok(&mut copy),
                )
                .unwrap_or_else(|e| panic!("re-importing the {}: {}", records.noun(), e.message));
                assert_eq!(
                    String::from_utf8_lossy(&export(&mut copy, records)),
                    String::from_utf8_lossy(&first),
                    "{} re-export differently",
                    records.noun()
                );
            }
        }
    }
});
