//! `caselog import`: reads consultations, referrals, reviews or audits in the exchange format
//! (docs/export.md) back into the logbook. Columns are found by their header names, in any
//! order; optional columns may be left out. Every row is checked with the same rules as
//! `consult` before anything is kept, and the import is all or nothing: one write transaction,
//! committed only when every row is valid. Records keep their UUIDs (a UUID already in the
//! logbook is skipped, so importing a file twice adds nothing), their IDs when free, and their
//! `created_at`. A consultation is kept under its family's first spelling, and caselog says so;
//! a referral made from a consultation whose outcome does not count as a referral is imported
//! with a warning.

use std::borrow::BorrowMut;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};

use crate::context::Context;
use crate::domain::audit::{self, Audit};
use crate::domain::checklist::Checklist;
use crate::domain::codes::{Destination, ReferralResult};
use crate::domain::consultation::{self, Consultation};
use crate::domain::family::{self, FamilyKey, FamilyRule};
use crate::domain::fields::{Field, Value};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::{FieldName, Invalid};
use crate::domain::record::{Stamp, Timestamp, Voided, dated_after};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Of, Review};
use crate::domain::text::Text;
use crate::domain::values::{Day, Level, YesNo};
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::interruption::Interruption;
use crate::progress;
use crate::store::{self, Logbook, SqliteLogbook, Storage, Writer};

/// How many row errors are collected before the import stops looking.
const MAX_ERRORS: usize = 20;

/// How many notes or warnings of a kind are printed; the rest are counted.
const MAX_NOTES: usize = 10;

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
        Records::Audits => &["date", "auditor", "grade", "level_agreed", "pathway_agreed"],
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let checklist = ctx.checklist()?;
    let shown = args.file.display().to_string();
    let input: Box<dyn Read + Send> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(std::fs::File::open(&args.file).map_err(|e| {
            Error::input(format!("cannot read {shown}: {}", crate::error::plain(&e)))
                .hint("give the path of a CSV file written by `caselog export`, or - for stdin")
        })?)
    };
    let request = Request {
        records: args.records,
        shown: &shown,
        checklist: &checklist,
        family: &ctx.config.family,
        today: ctx.clock.today(),
        now: ctx.clock.now(),
        dry_run: args.dry_run,
        interruption: Some(ctx.interruption()),
    };
    // A dry run writes nothing: it checks the rows against an empty logbook in memory when
    // there is none yet, against a copy in memory when the logbook is read-only, and otherwise
    // (a team logbook too) in a transaction that is rolled back. A real import stops when it is
    // interrupted, rolls back and removes the logbook if it created it.
    let open = || {
        if args.dry_run {
            match ctx.open_if_any()? {
                None => SqliteLogbook::in_memory().map(Logbook::Sqlite),
                Some(Logbook::Sqlite(logbook)) if logbook.read_only() => {
                    logbook.copy_in_memory().map(Logbook::Sqlite)
                }
                Some(logbook) => Ok(logbook),
            }
        } else {
            ctx.discard_created_logbook_when_interrupted()?;
            ctx.open_for_writing()
        }
    };
    let Summary {
        added,
        skipped,
        respelled,
        warnings,
    } = import_csv::<_, Logbook, _>(std::io::BufReader::new(input), &request, open)?;
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
    // After the summary, on stderr.
    out.flush()?;
    for (kind, told) in [("note", respelled), ("warning", warnings)] {
        for line in &told.first {
            eprintln!("{kind}: {line}");
        }
        if told.more > 0 {
            eprintln!("{kind}: … and {} more like these", told.more);
        }
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
    /// What a family reference must look like.
    pub family: &'a FamilyRule,
    /// Today, for dates that may not be in the future.
    pub today: NaiveDate,
    /// The time of the import: the `created_at` of rows that do not give one, and no record
    /// was made after it.
    pub now: Timestamp,
    /// Check every row without writing anything.
    pub dry_run: bool,
    /// The interruptions the import stops at, if any are watched.
    pub interruption: Option<&'a Interruption>,
}

/// What an import added, and what it skipped as already in the logbook (same UUID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub added: u64,
    pub skipped: u64,
    /// The consultations added under their family's first spelling rather than the one in the
    /// file: "line 3: family 'oak 0142' recorded as OAK-0142, its first spelling".
    pub respelled: Told,
    /// The referrals added from a consultation whose outcome does not count as a referral.
    pub warnings: Told,
}

/// Notes or warnings of one kind: the first few in full, the rest only counted, so that a file
/// of a million rows that all warn is not held in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Told {
    pub first: Vec<String>,
    pub more: u64,
}

impl Told {
    fn push(&mut self, line: String) {
        if self.first.len() < MAX_NOTES {
            self.first.push(line);
        } else {
            self.more += 1;
        }
    }
}

/// The import itself: reads the header, then opens the logbook with `open` (so that a file
/// with a bad header creates nothing; `open` may also lend one already open), then checks and saves every row in one write
/// transaction, committed only when every row is valid and this is not a dry run.
pub fn import_csv<R: Read + Send, S: Storage, L: BorrowMut<S>>(
    input: R,
    request: &Request,
    open: impl FnOnce() -> Result<L>,
) -> Result<Summary> {
    let shown = request.shown;
    let mut reader = exchange::Reader::new(input);
    let columns = Columns::read(&mut reader, request.records, shown)?;
    let mut opened = open()?;
    let logbook: &mut S = opened.borrow_mut();
    // Interrupted once its transaction has begun, the import stops at its next batch of rows,
    // or the statement under way fails, and the transaction is rolled back before the import
    // stops cooperating (`_cooperating` is dropped after `tx`). Interrupted while it waits for
    // the write lock, it ends at once, as before it began.
    let interrupted = || request.interruption.map_or(Ok(()), Interruption::check);
    let stop = logbook.stopper();
    let _cooperating;
    let mut tx = logbook.write_to_fill()?;
    _cooperating = request.interruption.map(|i| i.cooperate(stop));
    let bulk = tx.begin_bulk(request.records.kind())?;
    let reading = Reading {
        records: request.records,
        shown,
        checklist: request.checklist,
        family: request.family,
        today: request.today,
        now: request.now.clone(),
        columns: &columns,
    };
    let mut import = Import {
        tx: tx.as_mut(),
        bulk,
        reading: &reading,
        first_spellings: FirstSpellings::default(),
        respelled: Told::default(),
        warnings: Told::default(),
        lines: Lines::default(),
        decided: Default::default(),
        errors: Vec::new(),
        added: 0,
        skipped: 0,
    };
    let bar = progress::bar(None, request.records.noun());
    // The file is read and its consultations checked on a thread of their own while the rows
    // before are saved: on two cores, reading and saving take turns no longer. The channel
    // holds a few batches of rows, so memory stays flat. Each batch saved goes back to the
    // reading thread, which frees its rows and fills it again: memory is freed by the thread
    // that allocated it, which is cheaper than freeing it from another.
    std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Found>>(4);
        let (give_back, saved) = std::sync::mpsc::sync_channel::<Vec<Found>>(8);
        let reading = &reading;
        let reader = scope.spawn(move || reading.read_all(reader, send, saved));
        'rows: for mut batch in &receive {
            interrupted()?;
            for found in &mut batch {
                match found {
                    Found::Problem(problem) => import.errors.push(std::mem::take(problem)),
                    Found::Consultation(line, parsed) => import.consultation(*line, parsed)?,
                    Found::Row(line, record) => {
                        let row = Row {
                            record,
                            columns: &columns,
                        };
                        import.row(*line, &row)?;
                    }
                }
                bar.inc(1);
                if import.errors.len() >= MAX_ERRORS {
                    break 'rows;
                }
            }
            // Should the reading thread be behind in taking batches back, this one is freed here.
            let _ = give_back.try_send(batch);
        }
        // The reader stops at its next batch once nothing receives it.
        drop(receive);
        reader
            .join()
            .expect("the reading thread ends without panicking")
    })?;
    bar.finish_and_clear();
    interrupted()?;
    // Records given the same UUID on two lines: caught as they are saved, or, when the table
    // was empty and its indexes were set aside, as they are built again.
    for duplicate in import.tx.finish_bulk(MAX_ERRORS)? {
        import.duplicate(&duplicate);
    }

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
        respelled: std::mem::take(&mut import.respelled),
        warnings: std::mem::take(&mut import.warnings),
    };
    let decided = std::mem::take(&mut import.decided);
    if !request.dry_run {
        // Referrals with a newly imported review: their results follow their latest review,
        // as after `caselog review R-<n>`, now that the review indexes are there again.
        for referral in decided {
            tx.follow_reviews(referral, None)?;
        }
        if bulk && matches!(request.records, Records::Referrals | Records::Reviews) {
            tx.refresh_every_due_from()?;
        }
        interrupted()?;
        tx.commit()?;
    }
    Ok(summary)
}

/// A file the `csv` crate could not read (a directory, a disk error), in words.
fn unreadable(shown: &str, e: csv::Error) -> Error {
    let reason = match e.kind() {
        csv::ErrorKind::Io(io) => crate::error::plain(io),
        _ => e.to_string(),
    };
    Error::input(format!("cannot read {shown}: {reason}"))
        .hint("give the path of a CSV file written by `caselog export`, or - for stdin")
}

/// How to mend a file that is not UTF-8.
const SAVE_AS_UTF8: &str = "save the file as CSV UTF-8 from the spreadsheet";

/// Where each known column is in the file.
struct Columns {
    /// The column of each cell of a row, in the file's order. A file has a few dozen columns at
    /// most, so a column is found by looking along them, sooner than by hashing its name.
    names: Vec<String>,
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
        let known = records.columns();
        let name_of = |cell: &str| exchange::restore(cell.trim()).trim().to_ascii_lowercase();
        let semicolons = header.iter().any(|cell| {
            cell.contains(';') && cell.split(';').any(|part| known.contains(&name_of(part)))
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
        let mut names: Vec<String> = Vec::new();
        for name in header.iter() {
            let name = name_of(name);
            let Some(column) = known.iter().find(|k| **k == name).cloned() else {
                return Err(Error::input(format!(
                    "{shown}, line {line}: '{name}' is not a column of {}",
                    records.noun()
                ))
                .hint(format!("the columns are: {}", known.join(", "))));
            };
            if names.contains(&column) {
                return Err(Error::input(format!(
                    "{shown}, line {line}: column '{name}' appears twice"
                )));
            }
            names.push(column);
        }
        let missing: Vec<&str> = required(records)
            .iter()
            .filter(|c| !names.iter().any(|n| n == *c))
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
        Ok(Columns { names })
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
        self.position(name).is_some()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// One row, read by column name.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a Columns,
}

impl<'a> Row<'a> {
    /// The cell of a column, made plain again (`exchange::restore`); none when the column is
    /// absent or the cell blank.
    fn get(&self, column: &str) -> Option<&'a str> {
        let i = self.columns.position(column)?;
        let cell = exchange::restore(self.record.get(i)?);
        (!cell.trim().is_empty()).then_some(cell)
    }
}

/// A problem with one cell: the column, and what is wrong.
struct Problem {
    column: String,
    message: String,
}

fn problem(column: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        column: column.into(),
        message: message.into(),
    }
}

/// A value refused by the rules, worded for a file: each field is named as its column, the
/// column the problem is in is named once, before it, and the hint follows in brackets.
fn refused(invalid: Invalid) -> Problem {
    let column = invalid.field;
    let (mut message, hint) = invalid.words(&|f| f.to_string());
    if let Some(rest) = message.strip_prefix(&format!("{column}: ")) {
        message = rest.to_string();
    }
    if let Some(hint) = hint {
        message = format!("{message} ({hint})");
    }
    problem(column, message)
}

/// How the rows of a file are read and checked before anything is looked up in the logbook:
/// shared by the thread that reads the file and by the import that saves what it read.
struct Reading<'a> {
    records: Records,
    /// How the file is named in messages.
    shown: &'a str,
    checklist: &'a Checklist,
    family: &'a FamilyRule,
    today: NaiveDate,
    /// The time of the import: no record was made after it.
    now: Timestamp,
    columns: &'a Columns,
}

/// What the reading thread passes on, a batch at a time: a problem with a line, a consultation
/// checked (or why it was refused), or a row of records that hang from others, to be checked
/// against the logbook.
/// Most are consultations, so the largest variant is the common one: boxing it would allocate
/// for every row.
#[allow(clippy::large_enum_variant)]
enum Found {
    Problem(String),
    Consultation(u64, Result<Checked, Problem>),
    Row(u64, csv::StringRecord),
}

/// How many rows go to the import at a time.
const BATCH: usize = 256;

impl Reading<'_> {
    /// Reads every row after the header and passes on what it found, until the file ends or
    /// nothing receives it any more (the import stopped).
    fn read_all<R: std::io::Read>(
        &self,
        mut reader: exchange::Reader<R>,
        send: std::sync::mpsc::SyncSender<Vec<Found>>,
        saved: std::sync::mpsc::Receiver<Vec<Found>>,
    ) -> Result<()> {
        let columns = self.columns;
        let mut cells = csv::ByteRecord::new();
        // A batch the import has saved, emptied here, or a new one.
        let next_batch = || match saved.try_recv() {
            Ok(mut batch) => {
                batch.clear();
                batch
            }
            Err(_) => Vec::with_capacity(BATCH),
        };
        let mut batch = next_batch();
        while let Some(at) = reader
            .read(&mut cells)
            .map_err(|e| unreadable(self.shown, e))?
        {
            let line = at.line;
            let found = if let Some((cell, quoting)) = at.quoting {
                Found::Problem(format!(
                    "line {line}, {}: {}",
                    columns.cell(cell),
                    quoting.problem()
                ))
            } else if cells.iter().all(|cell| cell.trim_ascii().is_empty()) {
                // A row of empty cells (a spreadsheet's trailing commas) holds no record.
                continue;
            } else if cells.len() != columns.names.len() {
                Found::Problem(format!(
                    "line {line}: the row has {} cells but the header has {}",
                    cells.len(),
                    columns.names.len()
                ))
            } else {
                match csv::StringRecord::from_byte_record(std::mem::take(&mut cells)) {
                    Ok(record) if self.records == Records::Consultations => {
                        let row = Row {
                            record: &record,
                            columns,
                        };
                        let checked = self.consultation(&row).map(|c| {
                            let mut checked = Checked::new(
                                RecordKind::Consultation,
                                c.id.0,
                                c.uuid,
                                store::columns(&c),
                            );
                            checked.family = Some((c.family_key(), c.family));
                            checked
                        });
                        cells = record.into_byte_record();
                        Found::Consultation(line, checked)
                    }
                    Ok(record) => Found::Row(line, record),
                    Err(e) => {
                        let problem = format!(
                            "line {line}, {}: the cell is not UTF-8 text ({SAVE_AS_UTF8})",
                            columns.cell(e.utf8_error().field())
                        );
                        cells = e.into_byte_record();
                        Found::Problem(problem)
                    }
                }
            };
            batch.push(found);
            if batch.len() == BATCH
                && send
                    .send(std::mem::replace(&mut batch, next_batch()))
                    .is_err()
            {
                return Ok(());
            }
        }
        if !batch.is_empty() {
            // The import may have stopped already: then there is no one to tell.
            let _ = send.send(batch);
        }
        Ok(())
    }

    /// The row's stamp and its fields as a draft, read through the record's field table. A
    /// blank date is refused, not left to default to today.
    fn draft<R, D: Default>(
        &self,
        row: &Row,
        kind: RecordKind,
        table: &'static [Field<R, D>],
    ) -> Result<(Stamp<i64>, D), Problem> {
        let stamp = self.stamp(row, kind)?;
        if row.get("date").is_none() {
            return Err(problem(
                "date",
                "missing date (a blank date is not taken as today)",
            ));
        }
        let mut draft = D::default();
        for field in table {
            if let (Some(read), Some(text)) = (field.read, row.get(field.name)) {
                read(&mut draft, text).map_err(|p| refused(Invalid::new(field.name, p)))?;
            }
        }
        Ok((stamp, draft))
    }

    /// The row's stamp: its ID's number when given (kept if free, else 0), its UUID (a new one
    /// when the column is absent or blank), and `created_at` (now when absent).
    fn stamp(&self, row: &Row, kind: RecordKind) -> Result<Stamp<i64>, Problem> {
        let id = match row.get("id") {
            None => 0,
            Some(text) => {
                let id: RecordId = text.parse().map_err(|p| refused(Invalid::new("id", p)))?;
                if id.kind != kind {
                    let wrong = crate::domain::invalid::Problem::WrongKind { id, expected: kind };
                    return Err(refused(Invalid::new("id", wrong)));
                }
                id.number
            }
        };
        Ok(Stamp {
            id,
            uuid: self.uuid(row)?,
            created_at: self.created_at(row)?,
        })
    }

    /// The row's UUID (a new one when the column is absent or blank).
    fn uuid(&self, row: &Row) -> Result<uuid::Uuid, Problem> {
        match row.get("uuid") {
            None => Ok(uuid::Uuid::new_v4()),
            Some(text) => uuid::Uuid::parse_str(text.trim())
                .map_err(|_| problem("uuid", format!("'{}' is not a UUID", text.trim()))),
        }
    }

    /// `created_at` as in the file — an RFC 3339 timestamp not after now, made UTC to the
    /// second as the logbook writes it — or now when absent.
    fn created_at(&self, row: &Row) -> Result<Timestamp, Problem> {
        let Some(text) = row.get("created_at") else {
            return Ok(self.now.clone());
        };
        let text = text.trim();
        let at: Timestamp = text.parse().map_err(|_| {
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
        })?;
        if at > self.now {
            return Err(problem(
                "created_at",
                format!("{text} is in the future (it is now {})", self.now),
            ));
        }
        Ok(at)
    }

    /// A consultation, checked with the same rules as `caselog consult`, and its suggested level
    /// against the file's.
    fn consultation(&self, row: &Row) -> Result<Consultation, Problem> {
        let (stamp, draft): (_, consultation::Draft) =
            self.draft(row, RecordKind::Consultation, consultation::FIELDS)?;
        let rules = consultation::Rules {
            checklist: self.checklist,
            today: self.today,
            family: self.family,
        };
        let c = draft
            .consultation(rules, stamp.map(ConsultationId))
            .map_err(|e| {
                let mut p = refused(e);
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
            let given: Option<Level> = row
                .get("suggested_level")
                .map(|t| {
                    t.parse()
                        .map_err(|p| refused(Invalid::new("suggested_level", p)))
                })
                .transpose()?;
            if given != c.suggested_level {
                let shown = |l: Option<Level>| l.map_or("none".to_string(), |l| l.to_string());
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
        Ok(c)
    }
}

/// The state of one import: where it writes, what it has seen, and what it found.
struct Import<'a, 't> {
    tx: &'a mut (dyn Writer + 't),
    /// Whether the table was empty and is being bulk-loaded: what this import adds is then all
    /// it holds, and its indexes are not there to look families up by.
    bulk: bool,
    /// How rows are read, which `Import` shares with the thread reading the file.
    reading: &'a Reading<'a>,
    /// The first spelling of each family added while bulk-loading an empty table.
    first_spellings: FirstSpellings,
    respelled: Told,
    warnings: Told,
    /// The line each added record came from, to name the earlier line of a UUID given twice.
    lines: Lines,
    /// Referrals with a newly imported review: their results are brought up to date at the end,
    /// once the review indexes are there again.
    decided: BTreeSet<ReferralId>,
    errors: Vec<String>,
    added: u64,
    skipped: u64,
}

/// A record checked and ready to save.
struct Checked {
    kind: RecordKind,
    /// The number to keep.
    wanted: i64,
    uuid: uuid::Uuid,
    columns: store::Columns,
    /// The referral it decides, for a review of one.
    decides: Option<ReferralId>,
    /// The consultation whose `due_from` it may change: that of a referral, or a consultation's
    /// review.
    follows: Option<ConsultationId>,
    /// For a consultation: its family's key and the spelling it is kept under.
    family: Option<(FamilyKey, Text)>,
    /// What to say about it once it is added.
    note: Option<String>,
    warning: Option<String>,
}

impl Checked {
    fn new(kind: RecordKind, wanted: i64, uuid: uuid::Uuid, columns: store::Columns) -> Checked {
        Checked {
            kind,
            wanted,
            uuid,
            columns,
            decides: None,
            follows: None,
            family: None,
            note: None,
            warning: None,
        }
    }
}

impl Import<'_, '_> {
    /// A consultation checked by the reader, its columns ready: kept under its family's first
    /// spelling, and saved.
    fn consultation(&mut self, line: u64, checked: &mut Result<Checked, Problem>) -> Result<()> {
        if let Ok(checked) = checked
            && let Some((key, spelling)) = &mut checked.family
            && let Some(respelled) = self.spell_family(key, spelling)?
        {
            *spelling = respelled.kept.clone();
            for (name, value) in &mut checked.columns {
                if *name == "family" {
                    *value = Value::text(respelled.kept.as_str());
                }
            }
            checked.note = Some(format!("line {line}: {respelled}"));
        }
        self.save(line, checked.as_mut())
    }

    /// Checks a row of referrals, reviews or audits, which hang from records in the logbook,
    /// and saves it.
    fn row(&mut self, line: u64, row: &Row) -> Result<()> {
        let mut checked: std::result::Result<Checked, Problem> = match self.reading.records {
            Records::Consultations => unreachable!("consultations are checked as they are read"),
            Records::Referrals => self.referral(row).map(|(r, warning)| {
                let mut checked =
                    Checked::new(RecordKind::Referral, r.id.0, r.uuid, store::columns(&r));
                checked.warning = warning.map(|w| format!("line {line}: {w}"));
                checked.follows = Some(r.consultation);
                checked
            }),
            Records::Reviews => self.review(row).map(|v| {
                let mut checked =
                    Checked::new(RecordKind::Review, v.id.0, v.uuid, store::columns(&v));
                checked.decides = v.referral;
                checked.follows = v.consultation;
                checked
            }),
            Records::Audits => self
                .audit(row)
                .map(|a| Checked::new(RecordKind::Audit, a.id.0, a.uuid, store::columns(&a))),
        };
        self.save(line, checked.as_mut())
    }

    /// Saves a record checked, or notes why it was refused.
    fn save(
        &mut self,
        line: u64,
        checked: std::result::Result<&mut Checked, &mut Problem>,
    ) -> Result<()> {
        match checked {
            Err(p) if p.column.is_empty() => {
                self.errors.push(format!("line {line}: {}", p.message))
            }
            Err(p) => self
                .errors
                .push(format!("line {line}, column {}: {}", p.column, p.message)),
            // Every valid row is saved, even after a row has failed: the import is then rolled
            // back, but a UUID given twice is still caught. A record whose UUID was in the
            // logbook before is skipped, not added again.
            Ok(checked) => {
                let (kind, uuid) = (checked.kind, checked.uuid);
                match self.tx.insert(kind, checked.wanted, &checked.columns)? {
                    Some(number) => {
                        self.added += 1;
                        self.lines.add(number, line);
                        self.decided.extend(checked.decides);
                        // While bulk-loading, every consultation's is brought up to date at
                        // the end, once the indexes are there again.
                        if let Some(c) = checked.follows
                            && !self.bulk
                        {
                            self.tx.refresh_due_from(c)?;
                        }
                        if let Some((key, spelling)) = &checked.family
                            && self.bulk
                        {
                            self.first_spellings.add(key, spelling, number);
                        }
                        if let Some(note) = checked.note.take() {
                            self.respelled.push(note);
                        }
                        if let Some(warning) = checked.warning.take() {
                            self.warnings.push(warning);
                        }
                    }
                    None => {
                        let taken = self.tx.find_uuid(kind, uuid)?;
                        match taken.and_then(|number| self.lines.of(number)) {
                            Some(earlier) => self.errors.push(format!(
                                "line {line}, column uuid: {uuid} appears on line {earlier} too"
                            )),
                            None => self.skipped += 1,
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The family's first spelling when a consultation typed it otherwise: that of the first
    /// consultation of the family this import added to an empty table, or of the family's first
    /// one in the logbook (which holds what this import has added so far).
    fn spell_family(&mut self, key: &FamilyKey, typed: &Text) -> Result<Option<family::Respelled>> {
        let known = if self.bulk {
            match self.first_spellings.other_than(key, typed) {
                Some(first) => self
                    .tx
                    .consultation(ConsultationId(first))?
                    .filter(|first| first.family_key() == *key)
                    .map(|first| first.family),
                None => None,
            }
        } else {
            self.tx.family_spelling(key, None)?
        };
        Ok(family::spelling(known, typed).1)
    }

    /// Records of the file that share a UUID, found as the bulk load ended: each line after the
    /// first is refused.
    fn duplicate(&mut self, duplicate: &store::Duplicate) {
        let mut lines: Vec<u64> = duplicate
            .numbers
            .iter()
            .filter_map(|n| self.lines.of(*n))
            .collect();
        lines.sort_unstable();
        if let Some((first, later)) = lines.split_first() {
            for line in later {
                self.errors.push(format!(
                    "line {line}, column uuid: {} appears on line {first} too",
                    duplicate.uuid
                ));
            }
        }
    }

    /// The record a referral or review hangs from: by UUID, or by ID when the UUID column is
    /// blank. It must already be in the logbook.
    fn link(
        &self,
        row: &Row,
        kind: RecordKind,
        id_column: FieldName,
    ) -> Result<Option<i64>, Problem> {
        let uuid_column = exchange::uuid_column(id_column);
        if let Some(text) = row.get(&uuid_column) {
            let text = text.trim();
            // Any spelling of a UUID: capitals, braces, no hyphens.
            let uuid = uuid::Uuid::parse_str(text)
                .map_err(|_| problem(&uuid_column, format!("'{text}' is not a UUID")))?;
            let found = self
                .tx
                .find_uuid(kind, uuid)
                .map_err(|e| problem(&uuid_column, e.message))?;
            return found.map(Some).ok_or_else(|| {
                problem(
                    &uuid_column,
                    format!(
                        "no {} with UUID {} in this logbook (import the {}s first)",
                        kind.noun(),
                        uuid.hyphenated(),
                        kind.noun()
                    ),
                )
            });
        }
        let Some(text) = row.get(id_column) else {
            return Ok(None);
        };
        let id: RecordId = text
            .parse()
            .map_err(|p| refused(Invalid::new(id_column, p)))?;
        if id.kind != kind {
            let wrong = crate::domain::invalid::Problem::WrongKind { id, expected: kind };
            return Err(refused(Invalid::new(id_column, wrong)));
        }
        let exists = self
            .tx
            .exists(id)
            .map_err(|e| problem(id_column, e.message))?;
        if !exists {
            return Err(problem(id_column, format!("{id} is not in this logbook")));
        }
        Ok(Some(id.number))
    }

    /// The consultation a referral or review is linked to, which must stand (not voided).
    fn parent_consultation(&self, id: ConsultationId) -> Result<Consultation, Problem> {
        let c = self
            .tx
            .consultation(id)
            .map_err(|e| problem("consultation", e.message))?
            .ok_or_else(|| problem("consultation", format!("{id} is not in this logbook")))?;
        refuse_voided_parent(id.any(), c.voided.as_ref(), "consultation")?;
        Ok(c)
    }

    /// A referral, and what to warn of when its consultation's outcome does not count as a
    /// referral.
    fn referral(&mut self, row: &Row) -> Result<(Referral, Option<String>), Problem> {
        let (stamp, draft): (_, referral::Draft) =
            self.reading
                .draft(row, RecordKind::Referral, referral::FIELDS)?;
        let consultation = self
            .link(row, RecordKind::Consultation, "consultation")?
            .ok_or_else(|| {
                problem(
                    "consultation",
                    "missing: give the consultation's UUID (consultation_uuid) or ID (C-n)",
                )
            })?;
        let parent = self.parent_consultation(ConsultationId(consultation))?;
        let from = referral::From {
            id: parent.id,
            date: parent.date,
            outcome: parent.outcome,
        };
        let mut referral = draft
            .referral(from, self.reading.today, stamp.map(ReferralId))
            .map_err(refused)?;
        // What the front door decided, as the file says; a review of the referral imported
        // later takes its place, as `caselog review R-<n>` would.
        if let Some(result) = row.get("result") {
            referral.result = result
                .parse()
                .map_err(|p| refused(Invalid::new("result", p)))?;
        }
        referral.result_date = row
            .get("result_date")
            .map(|t| {
                let day: Day = t
                    .parse()
                    .map_err(|p| refused(Invalid::new("result_date", p)))?;
                dated_after(
                    "result_date",
                    day,
                    "the referral's date",
                    referral.date,
                    self.reading.today,
                )
                .map_err(refused)
            })
            .transpose()?;
        if (referral.result == ReferralResult::Pending) != referral.result_date.is_none() {
            return Err(problem(
                "result_date",
                "give a result date with a decided result, and none while it is pending",
            ));
        }
        // Whether the decision was disputed, as the file says, until its reviews are imported.
        if let Some(disputed) = row.get("disputed") {
            referral.disputed = disputed
                .parse()
                .map_err(|p| refused(Invalid::new("disputed", p)))?;
            if referral.disputed.0 {
                front_door_only(referral.to)?;
            }
        }
        Ok((referral, from.warning()))
    }

    fn review(&mut self, row: &Row) -> Result<Review, Problem> {
        let (stamp, draft): (_, review::Draft) =
            self.reading
                .draft(row, RecordKind::Review, review::FIELDS)?;
        let consultation = self.link(row, RecordKind::Consultation, "consultation")?;
        let referral = self.link(row, RecordKind::Referral, "referral")?;
        // The same rules as `caselog review C-<n>` and `caselog review R-<n>`.
        let of = match (consultation, referral) {
            (Some(c), None) => {
                let parent = self.parent_consultation(ConsultationId(c))?;
                Of::Consultation(parent.id, parent.date)
            }
            (None, Some(r)) => {
                let id = ReferralId(r);
                let parent = self
                    .tx
                    .referral(id)
                    .map_err(|e| problem("referral", e.message))?
                    .ok_or_else(|| problem("referral", format!("{id} is not in this logbook")))?;
                refuse_voided_parent(id.any(), parent.voided.as_ref(), "referral")?;
                self.parent_consultation(parent.consultation)?;
                Of::Referral(parent.id, parent.date, parent.to)
            }
            _ => {
                return Err(problem(
                    "consultation",
                    "a review is about one consultation or one referral: fill either the \
                     consultation columns or the referral columns",
                ));
            }
        };
        let mut review = draft
            .review(of, self.reading.today, stamp.map(ReviewId))
            .map_err(refused)?;
        // A dispute exported without its note (no --include-notes) is still a dispute.
        if let Some(text) = row.get("disputed") {
            let disputed: YesNo = text
                .parse()
                .map_err(|p| refused(Invalid::new("disputed", p)))?;
            match of {
                Of::Consultation(..) if disputed.0 => {
                    return Err(problem(
                        "disputed",
                        "a consultation's review is not disputed: only the front door's \
                         decision on a referral is",
                    ));
                }
                Of::Consultation(..) => {}
                Of::Referral(_, _, to) => {
                    if !disputed.0 && review.dispute.is_some() {
                        return Err(problem(
                            "disputed",
                            "says no, but the row has a dispute: give yes, or leave the cell \
                             blank",
                        ));
                    }
                    if disputed.0 {
                        front_door_only(to)?;
                    }
                    review.disputed = Some(YesNo(disputed.0 || review.dispute.is_some()));
                }
            }
        }
        Ok(review)
    }

    /// An audit, with the same rules as `caselog audit C-<n>`: of a consultation that stands,
    /// and not dated before it.
    fn audit(&mut self, row: &Row) -> Result<Audit, Problem> {
        let (stamp, draft): (_, audit::Draft) =
            self.reading.draft(row, RecordKind::Audit, audit::FIELDS)?;
        let consultation = self
            .link(row, RecordKind::Consultation, "consultation")?
            .ok_or_else(|| {
                problem(
                    "consultation",
                    "missing: give the consultation's UUID (consultation_uuid) or ID (C-n)",
                )
            })?;
        let parent = self.parent_consultation(ConsultationId(consultation))?;
        let of = audit::Of {
            id: parent.id,
            date: parent.date,
        };
        draft
            .audit(of, self.reading.today, stamp.map(AuditId))
            .map_err(refused)
    }
}

/// Refuses a dispute of a referral that did not go to the front door.
fn front_door_only(to: Destination) -> Result<(), Problem> {
    if to == Destination::Csc {
        return Ok(());
    }
    Err(problem(
        "disputed",
        format!("only a front-door referral (to csc) can be disputed, and this one went to {to}"),
    ))
}

/// Refuses a link to a record that was voided: nothing new may hang off it.
fn refuse_voided_parent(
    id: RecordId,
    voided: Option<&Voided>,
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

/// The first spelling of each family a bulk load has added, kept small — a million
/// consultations are a third of a million families: by a hash of the family's key, the number of
/// the consultation that first spelled it and a hash of that spelling. A consultation spelled
/// otherwise is the rare case that reads the first one back (which also rules out two keys with
/// one hash).
#[derive(Debug, Default)]
struct FirstSpellings(HashMap<u64, (i64, u64)>);

impl FirstSpellings {
    fn hash(text: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        text.hash(&mut hasher);
        hasher.finish()
    }

    fn add(&mut self, key: &FamilyKey, spelling: &Text, number: i64) {
        let spelling = FirstSpellings::hash(spelling.as_str());
        self.0
            .entry(FirstSpellings::hash(key.as_str()))
            .or_insert((number, spelling));
    }

    /// The consultation that first spelled the family otherwise than `spelling`, if one did.
    fn other_than(&self, key: &FamilyKey, spelling: &Text) -> Option<i64> {
        let (first, spelled) = self.0.get(&FirstSpellings::hash(key.as_str()))?;
        (*spelled != FirstSpellings::hash(spelling.as_str())).then_some(*first)
    }
}

/// The line of the file each added record came from, by the record's number. Records are kept
/// as runs of consecutive numbers from consecutive lines, so that a file of a million rows is
/// a handful of runs, not a million entries.
#[derive(Debug, Default)]
struct Lines {
    /// Each run by its first number: its first line and its length.
    runs: BTreeMap<i64, (u64, i64)>,
    /// The first number of the run the last record joined, which the next most likely extends.
    last: Option<i64>,
}

impl Lines {
    fn add(&mut self, number: i64, line: u64) {
        if let Some((start, (first_line, len))) = self
            .last
            .and_then(|start| self.runs.get_mut(&start).map(|run| (start, run)))
            && start + *len == number
            && *first_line + *len as u64 == line
        {
            *len += 1;
            return;
        }
        self.runs.insert(number, (line, 1));
        self.last = Some(number);
    }

    /// The line an added record came from; none for a record this import did not add.
    fn of(&self, number: i64) -> Option<u64> {
        let (start, (line, len)) = self.runs.range(..=number).next_back()?;
        (number < start + len).then(|| line + (number - start) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_are_kept_as_runs_and_found_by_number() {
        let mut lines = Lines::default();
        for (number, line) in [(1, 2), (2, 3), (3, 4), (10, 6), (11, 7), (4, 8), (12, 9)] {
            lines.add(number, line);
        }
        assert_eq!(lines.runs.len(), 4, "{lines:?}");
        let found: Vec<Option<u64>> = (0..=13).map(|n| lines.of(n)).collect();
        let expected = [
            None,
            Some(2),
            Some(3),
            Some(4),
            Some(8),
            None,
            None,
            None,
            None,
            None,
            Some(6),
            Some(7),
            Some(9),
            None,
        ];
        assert_eq!(found, expected);
    }
}
