//! `caselog import`: reads consultations, referrals or reviews in the exchange format
//! (docs/export.md) back into the logbook. Columns are found by their header names, in any
//! order; optional columns may be left out. Every row is checked with the same rules as
//! `consult` before anything is kept, and the import is all or nothing: one write transaction,
//! committed only when every row is valid. Records keep their UUIDs (a UUID already in the
//! logbook is skipped, so importing a file twice adds nothing), their IDs when free, and their
//! `created_at`.

use std::borrow::BorrowMut;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};

use crate::context::Context;
use crate::domain::checklist::Checklist;
use crate::domain::codes::ReferralResult;
use crate::domain::consultation::{self, Consultation};
use crate::domain::fields::Field;
use crate::domain::ids::{ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::invalid::{FieldName, Invalid};
use crate::domain::record::{Stamp, Timestamp, Voided, dated_after};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Of, Review};
use crate::domain::values::{Day, Level};
use crate::error::{Error, Result};
use crate::exchange::{self, Records};
use crate::progress;
use crate::store::{self, Logbook, SqliteLogbook, Storage, Writer};

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
        now: ctx.clock.now(),
        dry_run: args.dry_run,
    };
    // A dry run writes nothing: it checks the rows against an empty logbook in memory when
    // there is none yet, against a copy in memory when the logbook is read-only, and otherwise
    // (a team logbook too) in a transaction that is rolled back. A real import that creates the
    // logbook removes it again if it is interrupted.
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
    let Summary { added, skipped } =
        import_csv::<_, Logbook, _>(std::io::BufReader::new(input), &request, open)?;
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
    /// The time of the import: the `created_at` of rows that do not give one, and no record
    /// was made after it.
    pub now: Timestamp,
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
pub fn import_csv<R: Read, S: Storage, L: BorrowMut<S>>(
    input: R,
    request: &Request,
    open: impl FnOnce() -> Result<L>,
) -> Result<Summary> {
    let shown = request.shown;
    let mut reader = exchange::Reader::new(input);
    let columns = Columns::read(&mut reader, request.records, shown)?;
    let mut opened = open()?;
    let logbook: &mut S = opened.borrow_mut();
    let mut tx = logbook.write()?;
    tx.begin_bulk(request.records.kind())?;
    let mut import = Import {
        tx: tx.as_mut(),
        checklist: request.checklist,
        today: request.today,
        now: request.now.clone(),
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
    let decided = std::mem::take(&mut import.decided);
    if request.dry_run {
        drop(tx);
    } else {
        tx.finish_bulk()?;
        // Referrals with a newly imported review: their results follow their latest review,
        // as after `caselog review R-<n>`, now that the review indexes are there again.
        for referral in decided {
            tx.follow_reviews(referral, None)?;
        }
        tx.commit()?;
    }
    Ok(summary)
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
    index: HashMap<String, usize>,
    /// The column of each cell of a row, in the file's order.
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
        let mut index = HashMap::new();
        let mut names = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name_of(name);
            let Some(column) = known.iter().find(|k| **k == name).cloned() else {
                return Err(Error::input(format!(
                    "{shown}, line {line}: '{name}' is not a column of {}",
                    records.noun()
                ))
                .hint(format!("the columns are: {}", known.join(", "))));
            };
            if index.insert(column.clone(), i).is_some() {
                return Err(Error::input(format!(
                    "{shown}, line {line}: column '{name}' appears twice"
                )));
            }
            names.push(column);
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

/// The state of one import: where it writes, what it has seen, and what it found.
struct Import<'a, 't> {
    tx: &'a mut (dyn Writer + 't),
    checklist: &'a Checklist,
    today: NaiveDate,
    /// The time of the import: no record was made after it.
    now: Timestamp,
    columns: &'a Columns,
    /// UUIDs met in the file so far, to catch one given twice.
    seen: HashSet<u128>,
    /// Referrals with a newly imported review: their results are brought up to date at the end,
    /// once the review indexes are there again.
    decided: BTreeSet<ReferralId>,
    errors: Vec<String>,
    added: u64,
    skipped: u64,
}

/// A record checked and ready to save: its kind, the number to keep, its columns, and the
/// referral it decides (for a review of one).
type Checked = (RecordKind, i64, store::Columns, Option<ReferralId>);

impl Import<'_, '_> {
    /// Checks one row and, while every row so far has been valid, saves it.
    fn row(&mut self, records: Records, line: u64, row: &Row) -> Result<()> {
        let checked: std::result::Result<Checked, Problem> = match records {
            Records::Consultations => self.consultation(row).map(|c| {
                let columns = store::columns(consultation::FIELDS, &c);
                (RecordKind::Consultation, c.id.0, columns, None)
            }),
            Records::Referrals => self.referral(row).map(|r| {
                let columns = store::columns(referral::FIELDS, &r);
                (RecordKind::Referral, r.id.0, columns, None)
            }),
            Records::Reviews => self.review(row).map(|v| {
                let columns = store::columns(review::FIELDS, &v);
                (RecordKind::Review, v.id.0, columns, v.referral)
            }),
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
            // A record whose UUID is already in the logbook is skipped, not added again.
            Ok((kind, wanted, columns, decides)) => match self.tx.insert(kind, wanted, &columns)? {
                Some(_) => {
                    self.added += 1;
                    self.decided.extend(decides);
                }
                None => self.skipped += 1,
            },
        }
        Ok(())
    }

    /// The row's stamp and its fields as a draft, read through the record's field table. A
    /// blank date is refused, not left to default to today.
    fn draft<R, D: Default>(
        &mut self,
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
                read(&mut draft, &text).map_err(|p| refused(Invalid::new(field.name, p)))?;
            }
        }
        Ok((stamp, draft))
    }

    /// The row's stamp: its ID's number when given (kept if free, else 0), its UUID (a new one
    /// when the column is absent or blank), and `created_at` (now when absent).
    fn stamp(&mut self, row: &Row, kind: RecordKind) -> Result<Stamp<i64>, Problem> {
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

    /// The row's UUID (a new one when the column is absent or blank), which no earlier line
    /// may have.
    fn uuid(&mut self, row: &Row) -> Result<uuid::Uuid, Problem> {
        let uuid = match row.get("uuid") {
            None => return Ok(uuid::Uuid::new_v4()),
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
        Ok(uuid)
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

    fn consultation(&mut self, row: &Row) -> Result<Consultation, Problem> {
        let (stamp, draft): (_, consultation::Draft) =
            self.draft(row, RecordKind::Consultation, consultation::FIELDS)?;
        let rules = consultation::Rules {
            checklist: self.checklist,
            today: self.today,
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

    fn referral(&mut self, row: &Row) -> Result<Referral, Problem> {
        let (stamp, draft): (_, referral::Draft) =
            self.draft(row, RecordKind::Referral, referral::FIELDS)?;
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
        };
        let mut referral = draft
            .referral(from, self.today, stamp.map(ReferralId))
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
                    self.today,
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
        Ok(referral)
    }

    fn review(&mut self, row: &Row) -> Result<Review, Problem> {
        let (stamp, draft): (_, review::Draft) =
            self.draft(row, RecordKind::Review, review::FIELDS)?;
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
                Of::Referral(parent.id, parent.date)
            }
            _ => {
                return Err(problem(
                    "consultation",
                    "a review is about one consultation or one referral: fill either the \
                     consultation columns or the referral columns",
                ));
            }
        };
        draft
            .review(of, self.today, stamp.map(ReviewId))
            .map_err(refused)
    }
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
