//! `caselog import`: reads consultations, referrals or reviews in the exchange format
//! (docs/export.md) back into the logbook. Columns are found by their header names, in any
//! order; optional columns may be left out. Every row is checked with the same rules as
//! `consult` before anything is kept, and the import is all or nothing: one write transaction,
//! committed only when every row is valid. Records keep their UUIDs (a UUID already in the
//! logbook is skipped, so importing a file twice adds nothing), their IDs when free, and their
//! `created_at`.

use std::borrow::BorrowMut;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rusqlite::Connection;

use crate::clock::Clock;
use crate::context::Context;
use crate::domain::checklist::Checklist;
use crate::domain::codes::RESULT;
use crate::domain::consultation::{self, Consultation, Draft, Voided};
use crate::domain::dates;
use crate::domain::ids::{RecordId, RecordKind};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{FollowUpDraft, ResultDraft, Review};
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::progress;
use crate::store::{self, BulkLoad, Logbook, consultations, referrals, reviews};

/// How many row errors are collected before the import stops looking.
const MAX_ERRORS: usize = 20;

/// Read records from CSV in the format `caselog export` writes (see docs/export.md).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file to read, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Which records the file holds
    #[arg(long, value_enum, default_value_t = Records::Consultations)]
    pub records: Records,

    /// Check every row and say what would be added, without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

/// The columns each kind of record must have.
fn required(records: Records) -> &'static [&'static str] {
    match records {
        Records::Consultations => &["date", "advisor", "setting", "agency", "family", "outcome"],
        Records::Referrals => &["date", "to"],
        Records::Reviews => &["date"],
    }
}

/// The page cache for an import, in KiB.
const IMPORT_CACHE_KIB: i64 = 32 * 1024;

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let shown = args.file.display().to_string();
    let input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(&args.file).map_err(|e| {
            Error::input(format!("cannot read {shown}: {e}"))
                .hint("give the path of a CSV file written by `caselog export`, or - for stdin")
        })?)
    };
    let request = Request {
        records: args.records,
        shown: &shown,
        checklist: &checklist,
        today: ctx.clock.today(),
        now: ctx.clock.timestamp(),
        dry_run: args.dry_run,
    };
    // A dry run writes nothing: it checks the rows against an empty logbook in memory when
    // there is none yet, against a copy in memory when the logbook is read-only, and otherwise
    // in a transaction that is rolled back. A real import that creates the logbook removes it
    // again if it is interrupted.
    let open = || {
        if args.dry_run {
            match ctx.open_if_any()? {
                None => Logbook::in_memory(),
                Some(logbook) if logbook.read_only() => logbook.copy_in_memory(),
                Some(logbook) => Ok(logbook),
            }
        } else {
            ctx.discard_created_logbook_when_interrupted()?;
            ctx.open_for_writing()
        }
    };
    let Summary { added, skipped } = import_csv(std::io::BufReader::new(input), &request, open)?;
    let added = args.records.count(added);
    if args.dry_run {
        writeln!(
            out,
            "Dry run: would add {added} from {shown}; would skip {skipped} already in the \
             logbook (same UUID). Nothing was written."
        )?;
    } else {
        writeln!(
            out,
            "Added {added} from {shown}; skipped {skipped} already in the logbook (same UUID)."
        )?;
    }
    Ok(())
}

/// What to import, and against what.
pub struct Request<'a> {
    /// Which records the file holds.
    pub records: Records,
    /// How the file is named in messages.
    pub shown: &'a str,
    /// The checklist the suggested levels are derived from.
    pub checklist: &'a Checklist,
    /// Today, for dates that may not be in the future.
    pub today: NaiveDate,
    /// The `created_at` of rows that do not give one.
    pub now: String,
    /// Check every row without writing anything.
    pub dry_run: bool,
}

/// What an import added, and what it skipped as already in the logbook (same UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub added: u64,
    pub skipped: u64,
}

/// The import itself: reads the header, then opens the logbook with `open` (so that a file
/// with a bad header creates nothing; `open` may also lend one already open), then checks and saves every row in one write
/// transaction, committed only when every row is valid and this is not a dry run.
pub fn import_csv<R: Read, L: BorrowMut<Logbook>>(
    input: R,
    request: &Request,
    open: impl FnOnce() -> Result<L>,
) -> Result<Summary> {
    let shown = request.shown;
    let now = DateTime::parse_from_rfc3339(&request.now)
        .map_err(|_| Error::failure(format!("'{}' is not a timestamp", request.now)))?
        .with_timezone(&Utc);
    let mut reader = exchange::Reader::new(input);
    let columns = Columns::read(&mut reader, request.records, shown)?;
    let mut opened = open()?;
    let logbook: &mut Logbook = opened.borrow_mut();
    // A large import touches index pages all over the file: a bigger page cache keeps them in
    // memory instead of reading them back from the operating system again and again.
    logbook
        .conn
        .pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    let tx = logbook.write()?;
    let table = match request.records {
        Records::Consultations => "consultation",
        Records::Referrals => "referral",
        Records::Reviews => "review",
    };
    let bulk = BulkLoad::begin(&tx, table)?;
    let mut import = Import {
        bulk: bulk.is_some(),
        conn: &tx,
        checklist: request.checklist,
        today: request.today,
        now,
        now_text: request.now.clone(),
        columns: &columns,
        seen: HashSet::new(),
        decided: Default::default(),
        errors: Vec::new(),
        added: 0,
        skipped: 0,
    };
    let bar = progress::bar(None, request.records.noun());
    let mut cells = csv::ByteRecord::new();
    while let Some(at) = reader.read(&mut cells).map_err(|e| unreadable(shown, e))? {
        let line = at.line;
        if let Some((cell, quoting)) = at.quoting {
            import.errors.push(format!(
                "line {line}, {}: {}",
                columns.cell(cell),
                quoting.problem()
            ));
        } else if cells.iter().all(|cell| cell.trim_ascii().is_empty()) {
            // A row of empty cells (a spreadsheet's trailing commas) holds no record.
            continue;
        } else if cells.len() != columns.names.len() {
            import.errors.push(format!(
                "line {line}: the row has {} cells but the header has {}",
                cells.len(),
                columns.names.len()
            ));
        } else {
            match csv::StringRecord::from_byte_record(std::mem::take(&mut cells)) {
                Ok(record) => {
                    let row = Row {
                        record: &record,
                        columns: &columns,
                    };
                    import.row(request.records, line, &row)?;
                    cells = record.into_byte_record();
                }
                Err(e) => {
                    import.errors.push(format!(
                        "line {line}, {}: the cell is not UTF-8 text ({SAVE_AS_UTF8})",
                        columns.cell(e.utf8_error().field())
                    ));
                    cells = e.into_byte_record();
                }
            }
        }
        bar.inc(1);
        if import.errors.len() >= MAX_ERRORS {
            break;
        }
    }
    bar.finish_and_clear();

    if !import.errors.is_empty() {
        let n = import.errors.len();
        let more = if n >= MAX_ERRORS {
            format!(" (stopped after {MAX_ERRORS})")
        } else {
            String::new()
        };
        return Err(Error::input(format!(
            "{shown}: {n} problem{}{more}; nothing was imported\n  {}",
            if n == 1 { "" } else { "s" },
            import.errors.join("\n  ")
        ))
        .hint("correct those rows and import the file again; docs/export.md lists the columns"));
    }
    let summary = Summary {
        added: import.added,
        skipped: import.skipped,
    };
    if request.dry_run {
        drop(tx);
    } else {
        if let Some(bulk) = bulk {
            bulk.finish(&tx)?;
        }
        for &number in &import.decided {
            follow_referral(&tx, number)?;
        }
        tx.commit()?;
    }
    Ok(summary)
}

/// Brings a referral's result into line with its reviews, as `caselog review R-<n>` does.
fn follow_referral(conn: &Connection, number: i64) -> Result<()> {
    if let Some(mut r) = referrals::get(conn, number)? {
        r.follow_latest_review(&reviews::for_referral(conn, number)?);
        referrals::update(conn, &r)?;
    }
    Ok(())
}

/// A file the `csv` crate could not read (a directory, a disk error), in words.
fn unreadable(shown: &str, e: csv::Error) -> Error {
    let reason = match e.kind() {
        csv::ErrorKind::Io(io) => io.kind().to_string(),
        _ => e.to_string(),
    };
    Error::input(format!("cannot read {shown}: {reason}"))
        .hint("give the path of a CSV file written by `caselog export`, or - for stdin")
}

/// How to mend a file that is not UTF-8.
const SAVE_AS_UTF8: &str = "save the file as CSV UTF-8 from the spreadsheet";

/// Where each known column is in the file.
struct Columns {
    index: HashMap<&'static str, usize>,
    /// The column of each cell of a row, in the file's order.
    names: Vec<&'static str>,
}

impl Columns {
    fn read<R: Read>(
        reader: &mut exchange::Reader<R>,
        records: Records,
        shown: &str,
    ) -> Result<Columns> {
        let mut cells = csv::ByteRecord::new();
        let at = reader.read(&mut cells).map_err(|e| unreadable(shown, e))?;
        // An empty file has no columns, as if its first line were an empty header.
        let line = at.map_or(1, |at| at.line);
        if let Some((cell, quoting)) = at.and_then(|at| at.quoting) {
            return Err(Error::input(format!(
                "{shown}, line {line}, cell {}: {}",
                cell + 1,
                quoting.problem()
            )));
        }
        let header = csv::StringRecord::from_byte_record(cells).map_err(|e| {
            Error::input(format!(
                "{shown}, line {line}, cell {}: the header is not UTF-8 text",
                e.utf8_error().field() + 1
            ))
            .hint(SAVE_AS_UTF8)
        })?;
        let (always, notes) = records.columns();
        let known: Vec<&'static str> = always.iter().chain(notes).copied().collect();
        let name_of = |cell: &str| exchange::restore(cell.trim()).trim().to_ascii_lowercase();
        let semicolons = header.iter().any(|cell| {
            cell.contains(';') && cell.split(';').any(|part| known.contains(&&*name_of(part)))
        });
        if semicolons {
            return Err(Error::input(format!(
                "{shown}, line {line}: the columns are separated by semicolons (;), but caselog \
                 reads comma-separated files"
            ))
            .hint(
                "save it again as comma-separated CSV: in LibreOffice Calc, File > Save As > Text \
                 CSV with 'Edit filter settings' ticked and ',' as the field delimiter; Google \
                 Sheets' File > Download > Comma-separated values writes commas; Excel writes the \
                 list separator of the computer's region settings, so that must be a comma",
            ));
        }
        let mut index = HashMap::new();
        let mut names = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name_of(name);
            let Some(column) = known.iter().find(|k| **k == name) else {
                return Err(Error::input(format!(
                    "{shown}, line {line}: '{name}' is not a column of {}",
                    records.noun()
                ))
                .hint(format!("the columns are: {}", known.join(", "))));
            };
            if index.insert(*column, i).is_some() {
                return Err(Error::input(format!(
                    "{shown}, line {line}: column '{name}' appears twice"
                )));
            }
            names.push(*column);
        }
        let missing: Vec<&str> = required(records)
            .iter()
            .filter(|c| !index.contains_key(**c))
            .copied()
            .collect();
        if !missing.is_empty() {
            return Err(Error::input(format!(
                "{shown}, line {line}: the header has no {} column{}",
                missing.join(", "),
                if missing.len() == 1 { "" } else { "s" }
            ))
            .hint(format!(
                "{} need the columns: {}",
                records.noun(),
                required(records).join(", ")
            )));
        }
        Ok(Columns { index, names })
    }

    /// A cell of a row named in messages: by its column, or by its place when the row has more
    /// cells than the header.
    fn cell(&self, i: usize) -> String {
        match self.names.get(i) {
            Some(name) => format!("column {name}"),
            None => format!("cell {}", i + 1),
        }
    }

    fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
}

/// One row, read by column name.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a Columns,
}

impl Row<'_> {
    /// The cell of a column, made plain again (`exchange::restore`); none when the column is
    /// absent or the cell blank.
    fn get(&self, column: &str) -> Option<String> {
        let i = *self.columns.index.get(column)?;
        let cell = exchange::restore(self.record.get(i)?);
        (!cell.trim().is_empty()).then(|| cell.to_string())
    }
}

/// A problem with one cell: the column, and what is wrong.
struct Problem {
    column: &'static str,
    message: String,
}

fn problem(column: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        column,
        message: message.into(),
    }
}

/// `consult`'s flags and the columns that carry the same fields, longest flag first so that
/// `--consultee-level` is found before `--level`.
const FLAG_COLUMNS: &[(&str, &str)] = &[
    ("--confidence-before", "confidence_before"),
    ("--confidence-after", "confidence_after"),
    ("--consultee-level", "consultee_level"),
    ("--confidence", "confidence"),
    ("--follow-up", "follow_up"),
    ("--indicator", "indicators"),
    ("--rationale", "rationale"),
    ("--strengths", "strengths"),
    ("--children", "children"),
    ("--advisor", "advisor"),
    ("--setting", "setting"),
    ("--outcome", "outcome"),
    ("--consent", "consent"),
    ("--factor", "factors"),
    ("--agency", "agency"),
    ("--family", "family"),
    ("--advice", "advice"),
    ("--level", "level"),
    ("--worry", "worry"),
    ("--mode", "mode"),
    ("--role", "role"),
    ("--date", "date"),
    ("--result", "result"),
    ("--status", "status"),
    ("--urgent", "urgent"),
    ("--reason", "reason"),
    ("--note", "note"),
    ("--to", "to"),
    ("--by", "by"),
];

/// Turns a validation error worded for `consult`'s flags into one about the file's columns.
fn from_flags(e: Error) -> Problem {
    let mut message = e.message;
    let mut first: Option<(usize, &'static str)> = None;
    for (flag, column) in FLAG_COLUMNS {
        if let Some(at) = message.find(flag) {
            if first.is_none_or(|(f, _)| at < f) {
                first = Some((at, column));
            }
            message = message.replace(flag, column);
        }
    }
    let column = first.map_or("", |(_, c)| c);
    // "agency: agency 'x' is not a valid code" reads better without the repeated name.
    if let Some(rest) = message.strip_prefix(&format!("{column}: ")) {
        message = rest.to_string();
    }
    // Hints about the field's values help; hints about flags and prompts do not.
    if let Some(hint) = e
        .hints
        .first()
        .filter(|h| !h.contains("consult") && !h.contains("TEXT"))
    {
        let mut hint = hint.clone();
        for (flag, column) in FLAG_COLUMNS {
            hint = hint.replace(flag, column);
        }
        message = format!("{message} ({hint})");
    }
    problem(column, message)
}

/// The state of one import: where it writes, what it has seen, and what it found.
struct Import<'a> {
    conn: &'a Connection,
    checklist: &'a Checklist,
    today: NaiveDate,
    /// The time of the import: no record was made after it.
    now: DateTime<Utc>,
    /// The same, as the `created_at` of rows that do not give one.
    now_text: String,
    columns: &'a Columns,
    /// UUIDs met in the file so far, to catch one given twice.
    seen: HashSet<u128>,
    /// Whether the table is being bulk-loaded (`BulkLoad`).
    bulk: bool,
    /// Referrals with a newly imported review: their results are brought up to date at the end,
    /// once the review indexes are there again.
    decided: std::collections::BTreeSet<i64>,
    errors: Vec<String>,
    added: u64,
    skipped: u64,
}

impl Import<'_> {
    /// Checks one row and, while every row so far has been valid, saves it.
    fn row(&mut self, records: Records, line: u64, row: &Row) -> Result<()> {
        let checked = match records {
            Records::Consultations => self
                .consultation(row)
                .map(|c| Saved::Consultation(Box::new(c))),
            Records::Referrals => self.referral(row).map(Saved::Referral),
            Records::Reviews => self.review(row).map(Saved::Review),
        };
        match checked {
            Err(p) if p.column.is_empty() => {
                self.errors.push(format!("line {line}: {}", p.message))
            }
            Err(p) => self
                .errors
                .push(format!("line {line}, column {}: {}", p.column, p.message)),
            // Once a row has failed nothing more is saved; the rows are still all checked.
            Ok(_) if !self.errors.is_empty() => {}
            Ok(saved) => {
                // A record whose UUID is already in the logbook is skipped, not added again.
                let added = match saved {
                    Saved::Consultation(c) => consultations::insert_new(self.conn, self.bulk, &c)?,
                    Saved::Referral(r) => referrals::insert_new(self.conn, self.bulk, &r)?,
                    Saved::Review(v) => {
                        let added = reviews::insert_new(self.conn, self.bulk, &v)?;
                        if let (Some(_), Some(r)) = (added, v.referral) {
                            self.decided.insert(r);
                        }
                        added
                    }
                };
                match added {
                    Some(_) => self.added += 1,
                    None => self.skipped += 1,
                }
            }
        }
        Ok(())
    }

    /// The row's UUID (a new one when the column is absent or blank), which no earlier line
    /// may have.
    fn uuid(&mut self, row: &Row) -> Result<String, Problem> {
        let uuid = match row.get("uuid") {
            None => return Ok(uuid::Uuid::new_v4().to_string()),
            Some(text) => uuid::Uuid::parse_str(text.trim())
                .map_err(|_| problem("uuid", format!("'{}' is not a UUID", text.trim())))?,
        };
        // Kept as 16 bytes, not text: a county's import can hold a million of them.
        if !self.seen.insert(uuid.as_u128()) {
            return Err(problem(
                "uuid",
                format!("{uuid} appears on an earlier line too"),
            ));
        }
        Ok(uuid.hyphenated().to_string())
    }

    /// The row's ID number when given (kept if free), else 0.
    fn id(&self, row: &Row, kind: RecordKind) -> Result<i64, Problem> {
        row.get("id")
            .map(|t| RecordId::parse_kind(&t, kind).map_err(|e| problem("id", e.message)))
            .transpose()
            .map(|n| n.unwrap_or(0))
    }

    /// `created_at` as in the file — an RFC 3339 timestamp not after now, made UTC to the
    /// second as the logbook writes it — or now when absent.
    fn created_at(&self, row: &Row) -> Result<String, Problem> {
        let Some(text) = row.get("created_at") else {
            return Ok(self.now_text.clone());
        };
        let text = text.trim();
        let at = DateTime::parse_from_rfc3339(text)
            .map_err(|_| {
                let zoneless = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                    .iter()
                    .any(|format| NaiveDateTime::parse_from_str(text, format).is_ok());
                problem(
                    "created_at",
                    if zoneless {
                        format!(
                            "'{text}' has no time zone: write it in UTC, such as \
                             2026-03-15T10:00:00Z, or with its offset, such as \
                             2026-03-15T11:00:00+01:00"
                        )
                    } else {
                        format!("'{text}' is not a timestamp such as 2026-03-15T10:00:00Z")
                    },
                )
            })?
            .with_timezone(&Utc);
        if at > self.now {
            return Err(problem(
                "created_at",
                format!("{text} is in the future (it is now {})", self.now_text),
            ));
        }
        Ok(Clock::fixed(at).timestamp())
    }

    fn consultation(&mut self, row: &Row) -> Result<Consultation, Problem> {
        let uuid = self.uuid(row)?;
        let id = self.id(row, RecordKind::Consultation)?;
        let created_at = self.created_at(row)?;
        let draft = Draft {
            date: Some(date(row)?),
            advisor: row.get("advisor"),
            setting: row.get("setting"),
            mode: row.get("mode"),
            agency: row.get("agency"),
            role: row.get("role"),
            family: row.get("family"),
            children: row.get("children"),
            factors: row.get("factors").into_iter().collect(),
            indicators: row.get("indicators").into_iter().collect(),
            consultee_level: row.get("consultee_level"),
            level: row.get("level"),
            rationale: row.get("rationale"),
            confidence_before: row.get("confidence_before"),
            confidence_after: row.get("confidence_after"),
            consent: row.get("consent"),
            outcome: row.get("outcome"),
            worry: row.get("worry"),
            strengths: row.get("strengths"),
            advice: row.get("advice"),
            follow_up: row.get("follow_up"),
        };
        let mut c = draft
            .validate(self.checklist, self.today, uuid, created_at)
            .map_err(|e| {
                let mut p = from_flags(e);
                if p.message.contains("rationale") && !self.columns.has("rationale") {
                    p.message.push_str(
                        " (the file has no rationale column: export with --include-notes)",
                    );
                }
                p
            })?;
        // The suggested level is derived from the indicators against the checklist in use; a
        // file that says otherwise was written against another checklist.
        if self.columns.has("suggested_level") {
            let given = row
                .get("suggested_level")
                .map(|t| {
                    consultation::parse_level("suggested_level", &t)
                        .map_err(|e| problem("suggested_level", e.message))
                })
                .transpose()?;
            if given != c.suggested_level {
                let shown = |l: Option<u8>| l.map_or("none".to_string(), |l| l.to_string());
                return Err(problem(
                    "suggested_level",
                    format!(
                        "the file says {} but the indicators give {} against the {}; import with \
                         the checklist used at the time (--thresholds)",
                        shown(given),
                        shown(c.suggested_level),
                        self.checklist.name
                    ),
                ));
            }
        }
        c.id = id;
        Ok(c)
    }

    /// The consultation a referral or review is about: by UUID, or by ID when the UUID column
    /// is blank. It must already be in the logbook.
    fn link(
        &self,
        row: &Row,
        kind: RecordKind,
        id_column: &'static str,
        uuid_column: &'static str,
    ) -> Result<Option<i64>, Problem> {
        let conn = self.conn;
        if let Some(text) = row.get(uuid_column) {
            let text = text.trim();
            // Written as the logbook keeps it, whether the file has capitals, braces or no
            // hyphens.
            let uuid = uuid::Uuid::parse_str(text)
                .map_err(|_| problem(uuid_column, format!("'{text}' is not a UUID")))?
                .hyphenated()
                .to_string();
            let found = store::id_by_uuid(conn, kind, &uuid)
                .map_err(|e| problem(uuid_column, e.message))?;
            return found.map(Some).ok_or_else(|| {
                problem(
                    uuid_column,
                    format!(
                        "no {} with UUID {uuid} in this logbook (import the {}s first)",
                        kind.noun(),
                        kind.noun()
                    ),
                )
            });
        }
        let Some(text) = row.get(id_column) else {
            return Ok(None);
        };
        let id = RecordId::parse_kind(&text, kind).map_err(|e| problem(id_column, e.message))?;
        let exists = store::exists(conn, RecordId::new(kind, id))
            .map_err(|e| problem(id_column, e.message))?;
        if !exists {
            return Err(problem(
                id_column,
                format!("{} is not in this logbook", RecordId::new(kind, id)),
            ));
        }
        Ok(Some(id))
    }

    /// The consultation a referral or review is linked to, which must stand (not voided).
    fn parent_consultation(&self, id: i64) -> Result<Consultation, Problem> {
        let c = consultations::get(self.conn, id)
            .map_err(|e| problem("consultation", e.message))?
            .ok_or_else(|| problem("consultation", format!("C-{id} is not in this logbook")))?;
        refuse_voided_parent(
            RecordId::new(RecordKind::Consultation, id),
            &c.voided,
            "consultation",
        )?;
        Ok(c)
    }

    fn referral(&mut self, row: &Row) -> Result<Referral, Problem> {
        let uuid = self.uuid(row)?;
        let id = self.id(row, RecordKind::Referral)?;
        let created_at = self.created_at(row)?;
        let consultation = self
            .link(
                row,
                RecordKind::Consultation,
                "consultation",
                "consultation_uuid",
            )?
            .ok_or_else(|| {
                problem(
                    "consultation",
                    "missing: give the consultation's UUID (consultation_uuid) or ID (C-n)",
                )
            })?;
        let parent = self.parent_consultation(consultation)?;
        let draft = referral::Draft {
            date: Some(date(row)?),
            to: row.get("to"),
            by: row.get("by"),
            reason: row.get("reason"),
            consent: row.get("consent"),
            urgent: row.get("urgent"),
        };
        let mut referral = draft
            .validate(consultation, parent.date, self.today, uuid, created_at)
            .map_err(from_flags)?;
        referral.id = id;
        // What the front door decided, as the file says; a review of the referral imported
        // later takes its place, as `caselog review R-<n>` would.
        if let Some(result) = row.get("result") {
            referral.result = RESULT
                .canonical(&result)
                .map_err(|e| problem("result", with_hint(e)))?
                .to_string();
        }
        referral.result_date = row
            .get("result_date")
            .map(|t| {
                let follows = "the referral's date";
                dates::parse_date_after("result_date", Some(&t), follows, referral.date, self.today)
                    .map_err(|e| problem("result_date", e.message))
            })
            .transpose()?;
        if (referral.result == referral::PENDING) != referral.result_date.is_none() {
            return Err(problem(
                "result_date",
                "give a result date with a decided result, and none while it is pending",
            ));
        }
        Ok(referral)
    }

    fn review(&mut self, row: &Row) -> Result<Review, Problem> {
        let uuid = self.uuid(row)?;
        let id = self.id(row, RecordKind::Review)?;
        let created_at = self.created_at(row)?;
        let consultation = self.link(
            row,
            RecordKind::Consultation,
            "consultation",
            "consultation_uuid",
        )?;
        let referral = self.link(row, RecordKind::Referral, "referral", "referral_uuid")?;
        let date = Some(date(row)?);
        // The same rules as `caselog review C-<n>` and `caselog review R-<n>`.
        let mut review = match (consultation, referral) {
            (Some(c), None) => {
                refuse_columns(row, &["result"], "a follow-up on a consultation")?;
                let parent = self.parent_consultation(c)?;
                let draft = FollowUpDraft {
                    date,
                    status: row.get("status"),
                    note: row.get("note"),
                    level: row.get("level"),
                    confidence: row.get("confidence"),
                    follow_up: row.get("follow_up"),
                };
                draft.validate(c, parent.date, self.today, uuid, created_at)
            }
            (None, Some(r)) => {
                refuse_columns(
                    row,
                    &["status", "note", "level", "confidence", "follow_up"],
                    "a referral's result",
                )?;
                let parent = referrals::get(self.conn, r)
                    .map_err(|e| problem("referral", e.message))?
                    .ok_or_else(|| problem("referral", format!("R-{r} is not in this logbook")))?;
                refuse_voided_parent(
                    RecordId::new(RecordKind::Referral, r),
                    &parent.voided,
                    "referral",
                )?;
                self.parent_consultation(parent.consultation)?;
                let draft = ResultDraft {
                    date,
                    result: row.get("result"),
                };
                draft.validate(r, parent.date, self.today, uuid, created_at)
            }
            _ => {
                return Err(problem(
                    "consultation",
                    "a review is about one consultation or one referral: fill either the \
                     consultation columns or the referral columns",
                ));
            }
        }
        .map_err(from_flags)?;
        review.id = id;
        Ok(review)
    }
}

/// The row's date, which may not be blank: a file's blank date is not taken as today, as a
/// command's missing `--date` is.
fn date(row: &Row) -> Result<String, Problem> {
    row.get("date")
        .ok_or_else(|| problem("date", "missing date (a blank date is not taken as today)"))
}

/// Refuses a link to a record that was voided: nothing new may hang off it.
fn refuse_voided_parent(
    id: RecordId,
    voided: &Option<Voided>,
    column: &'static str,
) -> Result<(), Problem> {
    match voided {
        Some(_) => Err(problem(
            column,
            format!("{id} was voided: nothing can be linked to it"),
        )),
        None => Ok(()),
    }
}

/// Refuses cells in columns that do not apply to this kind of review.
fn refuse_columns(row: &Row, columns: &[&'static str], what: &str) -> Result<(), Problem> {
    match columns.iter().find(|c| row.get(c).is_some()) {
        Some(column) => Err(problem(
            column,
            format!("{column} does not apply to {what}"),
        )),
        None => Ok(()),
    }
}

/// A record checked and ready to save.
enum Saved {
    Consultation(Box<Consultation>),
    Referral(Referral),
    Review(Review),
}

/// An error's message with its first hint, which for a code lists the valid values.
fn with_hint(e: Error) -> String {
    match e.hints.first() {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_errors_become_column_errors() {
        let p = from_flags(
            Error::input("--consultee-level '7' is not valid").hint("--consultee-level is 1–4"),
        );
        assert_eq!(p.column, "consultee_level");
        assert_eq!(p.message, "consultee_level '7' is not valid");
        let p = from_flags(Error::input("missing --setting, --family"));
        assert_eq!(p.column, "setting");
        assert_eq!(p.message, "missing setting, family");
    }
}
