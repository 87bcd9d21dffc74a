//! Opening the logbook: the file is created owner-only on first write, pragmas are set on every
//! open, the schema is brought up to date, and files that are not caselog logbooks — or come from
//! a newer caselog — are refused untouched.

pub mod amendments;
pub mod consultations;
pub mod figures;
pub mod referrals;
pub mod reviews;
pub mod schema;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::domain::ids::{RecordId, RecordKind};
use crate::error::{Error, Result};

/// How long a writer waits for another to finish before giving up, in milliseconds.
const BUSY_TIMEOUT_MS: u64 = 30_000;

/// Whether a command may create the logbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The logbook must already exist (reading commands).
    Existing,
    /// Create the logbook if it does not exist; `make_dir` also creates its directory (only
    /// for the default location — a directory given by the user must exist).
    Create { make_dir: bool },
}

/// An open logbook.
pub struct Logbook {
    pub conn: Connection,
    path: std::path::PathBuf,
    /// Whether this open created the file.
    pub created: bool,
}

impl Logbook {
    pub fn open(path: &Path, access: Access) -> Result<Logbook> {
        Logbook::open_if_any(path, access)?.ok_or_else(|| no_logbook_yet(path))
    }

    /// Opens the logbook, or gives none when there is no logbook there yet — no file, or (for
    /// `Access::Existing`) a file with nothing in it, which is then left as it is.
    pub fn open_if_any(path: &Path, access: Access) -> Result<Option<Logbook>> {
        let shown = path.display();
        let mut created = false;
        // What is at the path, following symbolic links.
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(Error::failure(format!(
                    "{shown} is a directory, not a logbook file"
                )));
            }
            Ok(m) if !m.is_file() => {
                return Err(Error::failure(format!(
                    "{shown} is not a logbook file: it is {}",
                    special_kind(&m.file_type())
                ))
                .hint(
                    "point --db, CASELOG_DB or the config file's `database` at your logbook file",
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Ok(to) = std::fs::read_link(path) {
                    return Err(Error::failure(format!(
                        "{shown} is a link to {}, which does not exist",
                        to.display()
                    ))
                    .hint("point the link at your logbook, or --db, CASELOG_DB or the config file's `database` at the logbook itself"));
                }
                match access {
                    Access::Existing => return Ok(None),
                    Access::Create { make_dir } => created = create_private(path, make_dir)?,
                }
            }
            Err(e) => {
                return Err(Error::failure(format!(
                    "cannot open logbook {shown}: {}",
                    crate::error::plain(&e)
                )));
            }
        }
        let read_only = std::fs::metadata(path)
            .map(|m| m.permissions().readonly())
            .unwrap_or(false);
        if read_only && matches!(access, Access::Create { .. }) {
            return Err(Error::failure(format!("the logbook {shown} is read-only"))
                .hint("caselog can read it but will not change it; make it writable (chmod u+w) to record"));
        }
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| unreadable(path, e))?;
        let mut logbook = Logbook {
            conn,
            path: path.to_path_buf(),
            created,
        };
        match logbook.prepare(read_only, access) {
            Ok(any) => Ok(any.then_some(logbook)),
            Err(e) => {
                if created {
                    // Best effort: the error is what is reported.
                    drop(logbook);
                    let _ = Logbook::discard_if_empty(path);
                }
                Err(e)
            }
        }
    }

    /// A logbook held in memory, with the same schema and checks as a file: for a dry run where
    /// there is no logbook yet, and for fuzzing and property tests, which open thousands of
    /// logbooks and need none of them on disk.
    pub fn in_memory() -> Result<Logbook> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| Error::failure(format!("cannot create its schema: {e}")))?;
        Ok(Logbook {
            conn,
            path: ":memory:".into(),
            created: true,
        })
    }

    /// A copy of this logbook held in memory, to try changes on without writing to the file
    /// (which may be read-only).
    pub fn copy_in_memory(&self) -> Result<Logbook> {
        let mut conn = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut conn)?.run_to_completion(
            1024,
            std::time::Duration::ZERO,
            None,
        )?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(Logbook {
            conn,
            path: self.path.clone(),
            created: false,
        })
    }

    /// Whether the logbook was opened read-only (its file is not writable).
    pub fn read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    /// Sets the pragmas and checks the schema; a read-only logbook is only checked. A file with
    /// no schema yet is given one only when the command may create the logbook; otherwise this
    /// returns false, having written nothing.
    fn prepare(&mut self, read_only: bool, access: Access) -> Result<bool> {
        let path = self.path.clone();
        let shown = path.display();
        let conn = &mut self.conn;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
        // One statement, so one snapshot: another caselog may be creating this logbook now.
        let (version, application_id, tables): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version), \
                        (SELECT application_id FROM pragma_application_id), \
                        (SELECT count(*) FROM sqlite_schema)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| unreadable(&path, e))?;
        if application_id != schema::APPLICATION_ID && (application_id != 0 || tables > 0) {
            return Err(Error::failure(format!(
                "logbook {shown}: not a caselog logbook (it is some other SQLite database)"
            ))
            .hint("check the path given by --db, CASELOG_DB or the config file"));
        }
        if version == 0 && tables == 0 && access == Access::Existing {
            // Reading it is all this command may do: making the schema would be writing.
            return Ok(false);
        }
        if version > schema::LATEST_VERSION {
            return Err(Error::failure(format!(
                "logbook {shown}: written by a newer caselog (schema version {version}; this caselog knows up to {})",
                schema::LATEST_VERSION
            ))
            .hint("upgrade caselog to open it; the file has not been changed"));
        }
        if read_only {
            if version < schema::LATEST_VERSION {
                return Err(Error::failure(format!(
                    "logbook {shown}: it is read-only and its schema (version {version}) needs updating first"
                ))
                .hint("make it writable (chmod u+w) and run caselog once to update it"));
            }
            return Ok(true);
        }
        let mode = wal_mode(conn).map_err(|e| unreadable(&path, e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::failure(format!(
                "logbook {shown}: cannot switch it to WAL mode (still {mode})"
            )));
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        if version < schema::LATEST_VERSION
            && let Err(e) = schema::migrations().to_latest(conn)
        {
            // Another caselog may have updated a new logbook at the same moment: then the
            // schema is what this one wanted, and its own attempt was rolled back.
            let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now != schema::LATEST_VERSION {
                if let rusqlite_migration::Error::RusqliteError { err, .. } = e {
                    return Err(unreadable(&path, err));
                }
                let first_line = e.to_string().lines().next().unwrap_or_default().to_string();
                return Err(Error::failure(format!(
                    "logbook {shown}: cannot update its schema to version {}: {first_line}",
                    schema::LATEST_VERSION
                )));
            }
        }
        Ok(true)
    }

    /// Removes a logbook that this command created but could not fill — it failed — so that a
    /// failed command leaves nothing behind. A logbook holding any record is kept: another
    /// caselog may have written to it meanwhile.
    pub fn discard_if_empty(path: &Path) -> Result<()> {
        {
            let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
            conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
            // No schema yet (the command failed before making it) counts as empty; a logbook
            // that cannot be read is kept.
            let has_schema: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'consultation')",
                [],
                |r| r.get(0),
            )?;
            let records: i64 = if has_schema {
                conn.query_row(
                    "SELECT (SELECT count(*) FROM consultation) + (SELECT count(*) FROM referral) \
                     + (SELECT count(*) FROM review) + (SELECT count(*) FROM amendment)",
                    [],
                    |r| r.get(0),
                )?
            } else {
                0
            };
            if records > 0 {
                return Ok(());
            }
        }
        for suffix in ["-wal", "-shm", ""] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The logbook's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction that takes the write lock at once, so concurrent writers queue
    /// (within the busy timeout) rather than fail half-way.
    pub fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// A read transaction: one consistent snapshot for everything a command reads.
    pub fn read(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?)
    }
}

/// Runs `insert` (an `INSERT` whose first parameter is the record's wanted number and the rest
/// `values`), adding `ON CONFLICT (uuid) DO NOTHING` unless the table is being bulk-loaded. The
/// number is kept when it is above 0 and free (imports keep their IDs); otherwise the next number
/// is used. Returns the number given, or none when a record with the same UUID is already there.
pub(crate) fn insert_keeping_id(
    conn: &Connection,
    insert: &str,
    bulk: bool,
    wanted: i64,
    values: &[&dyn rusqlite::ToSql],
) -> Result<Option<i64>> {
    let mut stmt = if bulk {
        conn.prepare_cached(insert)?
    } else {
        conn.prepare_cached(&format!("{insert} ON CONFLICT (uuid) DO NOTHING"))?
    };
    let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(values.len() + 1);
    let wanted = (wanted > 0).then_some(wanted);
    params.push(&wanted);
    params.extend_from_slice(values);
    let changed = match stmt.execute(params.as_slice()) {
        Err(e) if wanted.is_some() && is_primary_key_conflict(&e) => {
            params[0] = &None::<i64>;
            stmt.execute(params.as_slice())?
        }
        other => other?,
    };
    Ok((changed == 1).then(|| conn.last_insert_rowid()))
}

/// How a query should find the rows of a table dated in a period, as an SQL condition on
/// `column` (such as `c.date`). A period covering most of the table's dates is read in ID order
/// without the date index (`+column`), which saves sorting a whole table by ID; a narrower one
/// uses the index.
pub(crate) fn date_condition(
    conn: &Connection,
    table: &str,
    column: &str,
    period: crate::domain::period::Period,
) -> Result<String> {
    let (first, last): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) = conn.query_row(
        &format!("SELECT min(date), max(date) FROM {table}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let wide = match (first, last) {
        (Some(first), Some(last)) => {
            let span = (last - first).num_days().max(1);
            let covered = (period.to.min(last) - period.from.max(first)).num_days();
            covered * 2 > span
        }
        _ => false,
    };
    let unindexed = if wide { "+" } else { "" };
    Ok(format!("{unindexed}{column} BETWEEN ?1 AND ?2"))
}

/// A table being filled from empty by an import: its indexes are dropped while the rows go in
/// and built again, sorted, at the end — far faster than keeping them up to date row by row.
/// Everything happens inside the import's transaction, so a failure or a crash leaves the
/// indexes as they were. Only an empty table is bulk-loaded: rows already there might share a
/// UUID with a new one, which only the UUID index can tell.
pub struct BulkLoad {
    indexes: Vec<String>,
}

impl BulkLoad {
    /// Starts a bulk load of `table` when it is empty; otherwise there is nothing to do.
    pub fn begin(conn: &Connection, table: &str) -> Result<Option<BulkLoad>> {
        let empty: bool = conn.query_row(
            &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
            [],
            |r| r.get(0),
        )?;
        if !empty {
            return Ok(None);
        }
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?;
        let indexes: Vec<(String, String)> = stmt
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX {name}"))?;
        }
        Ok(Some(BulkLoad {
            indexes: indexes.into_iter().map(|(_, sql)| sql).collect(),
        }))
    }

    /// Builds the indexes again.
    pub fn finish(self, conn: &Connection) -> Result<()> {
        conn.flush_prepared_statement_cache();
        for sql in &self.indexes {
            conn.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// The table holding a kind of record.
fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Consultation => "consultation",
        RecordKind::Referral => "referral",
        RecordKind::Review => "review",
    }
}

/// Marks a record as entered in error: it stays, with when and why.
pub fn void(conn: &Connection, id: RecordId, at: &str, reason: &str) -> Result<()> {
    conn.prepare_cached(&format!(
        "UPDATE {} SET voided_at = ?2, void_reason = ?3 WHERE id = ?1",
        table(id.kind)
    ))?
    .execute(rusqlite::params![id.number, at, reason])?;
    Ok(())
}

/// The number of the record of this kind with this UUID, if there is one.
pub fn id_by_uuid(conn: &Connection, kind: RecordKind, uuid: &str) -> Result<Option<i64>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT id FROM {} WHERE uuid = ?1", table(kind)))?;
    let mut rows = stmt.query_map([uuid], |r| r.get(0))?;
    Ok(rows.next().transpose()?)
}

/// Whether the record exists (voided or not).
pub fn exists(conn: &Connection, id: RecordId) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE id = ?1", table(id.kind)))?
        .exists([id.number])?)
}

/// "id, uuid" → "r.id, r.uuid".
pub(crate) fn prefixed(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the `voided_at` and `void_reason` columns, at `at` and the one after it.
pub(crate) fn voided(
    row: &rusqlite::Row,
    at: usize,
) -> rusqlite::Result<Option<crate::domain::consultation::Voided>> {
    let voided_at: Option<String> = row.get(at)?;
    voided_at
        .map(|when| {
            Ok(crate::domain::consultation::Voided {
                at: when,
                reason: row.get::<_, Option<String>>(at + 1)?.unwrap_or_default(),
            })
        })
        .transpose()
}

/// The number of a record just saved with a new UUID.
pub(crate) fn saved(kind: &str, number: Option<i64>) -> Result<i64> {
    number.ok_or_else(|| Error::failure(format!("a {kind} with the same UUID is already saved")))
}

fn is_primary_key_conflict(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// Puts the logbook in WAL mode (a no-op once it is). Switching a new logbook takes a lock that
/// SQLite does not wait for, so when another caselog is switching it at the same moment this
/// waits and tries again, within the busy timeout.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => return Ok(mode),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && started.elapsed().as_millis() < u128::from(BUSY_TIMEOUT_MS) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The refusal for a path with no logbook at it: nothing there, or an empty file.
fn no_logbook_yet(path: &Path) -> Error {
    let shown = path.display();
    let message = if path.exists() {
        format!("there is no logbook in {shown} yet: the file is empty")
    } else {
        format!("there is no logbook at {shown} yet")
    };
    Error::failure(message)
        .hint("record a consultation to create it, or point --db or CASELOG_DB at your logbook")
}

/// What a file that is neither a regular file nor a directory is, in words.
fn special_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_fifo() {
        "a pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// The folder a file is in, as it is shown: the path's own folder, or the current one.
fn folder_of(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => std::env::current_dir().unwrap_or_else(|_| ".".into()),
    }
}

/// Whether a file can be made in `dir` (a file that is removed again at once).
fn writable(dir: &Path) -> bool {
    tempfile::tempfile_in(dir).is_ok()
}

/// Whether the file starts as a SQLite database or a caselog logbook does (the magic string,
/// or the application ID at byte 68), so that one SQLite cannot read is called damaged rather
/// than something else.
fn looks_like_a_logbook(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 72];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head));
    read.is_ok()
        && (head.starts_with(b"SQLite format 3\0")
            || head[68..72] == (schema::APPLICATION_ID as u32).to_be_bytes())
}

/// Why SQLite could not open or read the logbook at `path`, in plain words.
fn unreadable(path: &Path, e: rusqlite::Error) -> Error {
    let shown = path.display();
    if e.sqlite_error().map(|f| f.extended_code) == Some(rusqlite::ffi::SQLITE_READONLY_DIRECTORY) {
        return Error::folder_not_writable(folder_of(path).display());
    }
    if crate::error::is_disk_full(&e) {
        return Error::disk_full();
    }
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            if looks_like_a_logbook(path) {
                Error::damaged(format_args!("the logbook {shown}"))
            } else {
                Error::failure(format!(
                    "logbook {shown}: not a caselog logbook (it is not a SQLite database)"
                ))
                .hint("check the path given by --db, CASELOG_DB or the config file")
            }
        }
        Some(rusqlite::ErrorCode::CannotOpen) => {
            if let Err(io) = std::fs::File::open(path) {
                Error::failure(format!(
                    "cannot open logbook {shown}: {}",
                    crate::error::plain(&io)
                ))
            } else if !writable(&folder_of(path)) {
                Error::folder_not_writable(folder_of(path).display())
            } else {
                Error::failure(format!("cannot open logbook {shown}"))
            }
        }
        _ => Error::from(e).context(format_args!("logbook {shown}")),
    }
}

/// Creates an empty logbook file readable by its owner alone (SQLite gives its -wal and -shm
/// files the same permissions).
/// Returns whether this call created it (false when another caselog did a moment before).
fn create_private(path: &Path, make_dir: bool) -> Result<bool> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent
        && !dir.is_dir()
    {
        if !make_dir {
            return Err(Error::failure(format!(
                "cannot create logbook {}: the directory {} does not exist",
                path.display(),
                dir.display()
            )));
        }
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                Error::failure(format!(
                    "cannot create directory {}: {}",
                    dir.display(),
                    crate::error::plain(&e)
                ))
            })?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        // Another caselog created it a moment ago: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            Err(Error::folder_not_writable(folder_of(path).display())
                .context(format_args!("cannot create logbook {}", path.display())))
        }
        Err(e) => Err(Error::failure(format!(
            "cannot create logbook {}: {}",
            path.display(),
            crate::error::plain(&e)
        ))),
        Ok(_) => Ok(true),
    }
}
