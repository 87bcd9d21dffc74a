//! The SQLite engine: a logbook in one local file. The file is created owner-only on first
//! write, pragmas are set on every open, the schema is brought up to date, and files that are
//! not caselog logbooks — or come from a newer caselog — are refused untouched. Backups use
//! SQLite's online backup API; `check` its integrity checks.

mod due;
mod figures;
pub(super) mod records;
pub mod schema;
mod txn;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::store::{Count, Duplicate, Health, Reader, Storage, Writer};
use txn::SqliteTxn;

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

/// An open SQLite logbook.
pub struct SqliteLogbook {
    pub conn: Connection,
    path: std::path::PathBuf,
    /// Whether this open created the file.
    pub created: bool,
    /// Whether this open put the logbook under a rollback journal to fill it
    /// (`write_to_fill`): it is put back in WAL mode when it is closed.
    rollback_journal: bool,
}

impl SqliteLogbook {
    pub fn open(path: &Path, access: Access) -> Result<SqliteLogbook> {
        SqliteLogbook::open_if_any(path, access)?.ok_or_else(|| no_logbook_yet(path))
    }

    /// Opens the logbook, or gives none when there is no logbook there yet — no file, or (for
    /// `Access::Existing`) a file with nothing in it, which is then left as it is.
    pub fn open_if_any(path: &Path, access: Access) -> Result<Option<SqliteLogbook>> {
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
        let mut logbook = SqliteLogbook {
            conn,
            path: path.to_path_buf(),
            created,
            rollback_journal: false,
        };
        match logbook.prepare(read_only, access) {
            Ok(any) => Ok(any.then_some(logbook)),
            Err(e) => {
                if created {
                    // Best effort: the error is what is reported.
                    drop(logbook);
                    let _ = SqliteLogbook::discard_if_empty(path);
                }
                Err(e)
            }
        }
    }

    /// A logbook held in memory, with the same schema and checks as a file: for a dry run where
    /// there is no logbook yet, and for fuzzing and property tests, which open thousands of
    /// logbooks and need none of them on disk.
    pub fn in_memory() -> Result<SqliteLogbook> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| Error::failure(format!("cannot create its schema: {e}")))?;
        Ok(SqliteLogbook {
            conn,
            path: ":memory:".into(),
            created: true,
            rollback_journal: false,
        })
    }

    /// A copy of this logbook held in memory, to try changes on without writing to the file
    /// (which may be read-only).
    pub fn copy_in_memory(&self) -> Result<SqliteLogbook> {
        let mut conn = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut conn)?.run_to_completion(
            1024,
            std::time::Duration::ZERO,
            None,
        )?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(SqliteLogbook {
            conn,
            path: self.path.clone(),
            created: false,
            rollback_journal: false,
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
                "SELECT (SELECT user_version FROM pragma_user_version) AS version, \
                        (SELECT application_id FROM pragma_application_id) AS application_id, \
                        (SELECT count(*) FROM sqlite_schema) AS tables",
                [],
                |r| {
                    Ok((
                        r.get("version")?,
                        r.get("application_id")?,
                        r.get("tables")?,
                    ))
                },
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
            let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get("user_version"))?;
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
        schema::upkeep(conn)?;
        Ok(true)
    }

    /// Removes a logbook that this command created but could not fill — it failed or was
    /// interrupted — with its working files (-journal, -wal, -shm), so that such a command
    /// leaves nothing behind. A logbook holding any record is kept: another caselog may have
    /// written to it meanwhile.
    pub fn discard_if_empty(path: &Path) -> Result<()> {
        {
            let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
            conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
            // No schema yet (the command failed before making it) counts as empty; a logbook
            // that cannot be read is kept.
            let has_schema: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'consultation') AS found",
                [],
                |r| r.get("found"),
            )?;
            if has_schema && holds_records(&conn)? {
                return Ok(());
            }
        }
        for suffix in ["-journal", "-wal", "-shm", ""] {
            let mut file = path.as_os_str().to_owned();
            file.push(suffix);
            match std::fs::remove_file(&file) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        Ok(())
    }

    /// A second, read-only connection to the logbook's file, when it would make reading
    /// faster: there is a file (not a logbook held in memory) in WAL mode, a second core to
    /// read it on, and a SQLite built with a page cache per connection (`.cargo/config.toml`;
    /// with one cache for all, two threads wait on each other and take longer than one). None
    /// otherwise, or when it cannot be opened. Outside WAL mode a reader could be kept waiting
    /// by a writer that is itself waiting for the first connection's snapshot to end.
    fn second_reader(&self) -> Option<Connection> {
        let file = self.conn.path().filter(|p| !p.is_empty())?;
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return None;
        }
        let suits: bool = self
            .conn
            .query_row(
                "SELECT journal_mode = 'wal' \
                   AND NOT sqlite_compileoption_used('ENABLE_MEMORY_MANAGEMENT') \
                 FROM pragma_journal_mode",
                [],
                |r| r.get(0),
            )
            .ok()?;
        if !suits {
            return None;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(file, flags).ok()?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))
            .ok()?;
        Some(conn)
    }

    /// The logbook's file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl SqliteLogbook {
    /// Copies the logbook to `target` through SQLite's online backup API, so the copy is
    /// consistent even while others write. The copy is checked and left in rollback-journal
    /// mode, a file complete in itself.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        let mut copy = Connection::open(target)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(10), None)?;
        drop(backup);
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get("quick_check"))?;
        if check != "ok" {
            return Err(Error::failure(format!(
                "the copy failed its check: {check}"
            )));
        }
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        Ok(())
    }
}

/// What a check that could not be run at all says.
const UNREADABLE: &str = "damaged: SQLite cannot read all of it";

/// The lines a pragma that checks the logbook gives.
fn check_lines(
    conn: &Connection,
    sql: &str,
    line: fn(&rusqlite::Row) -> rusqlite::Result<String>,
) -> Vec<String> {
    // A damaged file can make the check itself fail: that is reported rather than stopping.
    conn.prepare(sql)
        .and_then(|mut stmt| stmt.query_map([], line)?.collect())
        .unwrap_or_else(|_: rusqlite::Error| vec![UNREADABLE.to_string()])
}

impl Storage for SqliteLogbook {
    fn check(&mut self) -> Result<Health> {
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let integrity = check_lines(&tx, "PRAGMA integrity_check", |r| r.get("integrity_check"));
        let foreign_keys = check_lines(&tx, "PRAGMA foreign_key_check", |r| {
            Ok(format!(
                "{} row {} refers to a missing {}",
                r.get::<_, String>("table")?,
                r.get::<_, i64>("rowid")?,
                r.get::<_, String>("parent")?
            ))
        });
        let mut records = Vec::new();
        let mut counted = true;
        for table in ["consultation", "referral", "review", "audit", "amendment"] {
            let voided = if table == "amendment" {
                "0"
            } else {
                "count(voided_at)"
            };
            let sql = format!("SELECT count(*) AS total, {voided} AS voided FROM {table}");
            match tx.query_row(&sql, [], |r| Ok((r.get("total")?, r.get("voided")?))) {
                Ok((total, voided)) => records.push(Count {
                    table,
                    total,
                    voided,
                }),
                Err(_) => counted = false,
            }
        }
        let schema_version = tx.query_row("PRAGMA user_version", [], |r| r.get("user_version"))?;
        Ok(Health {
            logbook: path,
            schema_version,
            latest_version: schema::LATEST_VERSION,
            ok: integrity == ["ok"] && foreign_keys.is_empty() && counted,
            integrity,
            foreign_keys,
            records,
        })
    }

    fn write(&mut self) -> Result<Box<dyn Writer + '_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Box::new(SqliteTxn::new(tx)))
    }

    /// A logbook this open created is filled under a rollback journal: each page is then
    /// written once, into the file itself, where in WAL mode it is written into the -wal file
    /// and again into the file when the log is checkpointed. It is put back in WAL mode when it
    /// is closed (`Drop`). The journal holds only the few pages the empty logbook had, so a
    /// crash half-way is rolled back by the next caselog to open it, which also puts it back
    /// in WAL mode. When another connection has the logbook open, it cannot leave WAL mode,
    /// and is filled in WAL mode.
    fn write_to_fill(&mut self) -> Result<Box<dyn Writer + '_>> {
        if self.created && !self.rollback_journal && !holds_records(&self.conn)? {
            let mode = self.conn.query_row("PRAGMA journal_mode", [], |r| {
                r.get::<_, String>("journal_mode")
            })?;
            // An in-memory logbook has no file, and keeps its journal in memory.
            if mode.eq_ignore_ascii_case("wal") {
                self.rollback_journal = self
                    .conn
                    .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                        r.get::<_, String>("journal_mode")
                    })
                    .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
            }
        }
        self.write()
    }

    fn stopper(&self) -> Option<crate::store::Stop> {
        let handle = self.conn.get_interrupt_handle();
        Some(Box::new(move || handle.interrupt()))
    }

    fn read(&mut self) -> Result<Box<dyn Reader + '_>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        Ok(Box::new(SqliteTxn::new(tx)))
    }

    /// A read transaction with, when the logbook is a file and there is a second core, a
    /// second connection reading the same snapshot. Each connection's snapshot is the logbook
    /// as it is when it first reads. The second one's data version, read before this one's
    /// snapshot begins and again once its own has, changes only when another connection
    /// commits in between (SQLite's `PRAGMA data_version`): unchanged, both read the same
    /// logbook; changed, the second is closed and everything is read on this one.
    fn read_figures(&mut self) -> Result<Box<dyn Reader + '_>> {
        Ok(Box::new(self.figures_txn()?))
    }
}

impl SqliteLogbook {
    /// `read_figures`' transaction.
    fn figures_txn(&mut self) -> Result<SqliteTxn<'_>> {
        // The second connection only makes reading faster: should it fail, everything is read
        // on this one.
        let second = self.second_reader();
        let before = second.as_ref().and_then(|s| data_version(s).ok());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        data_version(&tx)?;
        let mut reader = SqliteTxn::new(tx);
        if let (Some(second), Some(before)) = (second, before)
            && second.execute_batch("BEGIN").is_ok()
            && data_version(&second).is_ok_and(|now| now == before)
        {
            reader.second = Some(std::sync::Mutex::new(second));
        }
        Ok(reader)
    }
}

/// The connection's data version, which begins its snapshot when it is in a transaction.
fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

impl Drop for SqliteLogbook {
    /// Puts a logbook filled under a rollback journal back in WAL mode, its transaction over,
    /// whether it was committed or rolled back.
    fn drop(&mut self) {
        if self.rollback_journal {
            // Best effort: should it fail, the next caselog to open the logbook switches it.
            let _ = wal_mode(&self.conn);
        }
    }
}

/// Whether the logbook holds any record.
fn holds_records(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM consultation) OR EXISTS (SELECT 1 FROM referral) \
           OR EXISTS (SELECT 1 FROM review) OR EXISTS (SELECT 1 FROM audit) \
           OR EXISTS (SELECT 1 FROM amendment) AS found",
        [],
        |r| r.get("found"),
    )
}

/// A table being filled from empty by an import: its indexes are dropped while the rows go in
/// and built again, sorted, at the end — far faster than keeping them up to date row by row.
/// Everything happens inside the import's transaction, so a failure or a crash leaves the
/// indexes as they were. Only an empty table is bulk-loaded: rows already there might share a
/// UUID with a new one, which only the UUID index can tell.
pub struct BulkLoad {
    /// The table being filled.
    table: &'static str,
    indexes: Vec<String>,
}

impl BulkLoad {
    /// Starts a bulk load of `table` when it is empty; otherwise there is nothing to do.
    pub fn begin(conn: &Connection, table: &'static str) -> Result<Option<BulkLoad>> {
        let empty: bool = conn.query_row(
            &format!("SELECT NOT EXISTS (SELECT 1 FROM {table}) AS empty"),
            [],
            |r| r.get("empty"),
        )?;
        if !empty {
            return Ok(None);
        }
        let mut stmt = conn.prepare(
            "SELECT name, sql FROM sqlite_schema \
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
        )?;
        let indexes: Vec<(String, String)> = stmt
            .query_map([table], |r| Ok((r.get("name")?, r.get("sql")?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX {name}"))?;
        }
        Ok(Some(BulkLoad {
            table,
            indexes: indexes.into_iter().map(|(_, sql)| sql).collect(),
        }))
    }

    /// Builds the indexes again; when the UUID index cannot be built because records share a
    /// UUID, returns the first `limit` of those UUIDs instead, with the records that have them.
    pub fn finish(self, conn: &Connection, limit: usize) -> Result<Vec<Duplicate>> {
        conn.flush_prepared_statement_cache();
        // Each index is sorted by SQLite's sorter, which may share the work out among a few
        // threads of its own.
        let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) - 1;
        conn.pragma_update(None, "threads", helpers as i64)?;
        for sql in &self.indexes {
            match conn.execute_batch(sql) {
                Err(e)
                    if e.sqlite_error().map(|f| f.extended_code)
                        == Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE) =>
                {
                    return self.duplicates(conn, limit);
                }
                other => other?,
            }
        }
        Ok(Vec::new())
    }

    fn duplicates(&self, conn: &Connection, limit: usize) -> Result<Vec<Duplicate>> {
        let table = self.table;
        let mut stmt = conn.prepare(&format!(
            "SELECT uuid, group_concat(id, ';') AS numbers FROM \
               (SELECT uuid, id FROM {table} WHERE uuid IN \
                  (SELECT uuid FROM {table} GROUP BY uuid HAVING count(*) > 1 LIMIT ?1) \
                ORDER BY id) \
             GROUP BY uuid ORDER BY min(id)"
        ))?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((r.get::<_, String>("uuid")?, r.get::<_, String>("numbers")?))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (uuid, numbers) = row?;
            let damaged = || Error::failure(format!("{table}: a bad UUID or ID '{uuid}'"));
            found.push(Duplicate {
                uuid: uuid.parse().map_err(|_| damaged())?,
                numbers: numbers
                    .split(';')
                    .map(|n| n.parse().map_err(|_| damaged()))
                    .collect::<Result<_>>()?,
            });
        }
        Ok(found)
    }
}

/// Puts the logbook in WAL mode (a no-op once it is). Switching a new logbook takes a lock that
/// SQLite does not wait for, so when another caselog is switching it at the same moment this
/// waits and tries again, within the busy timeout.
fn wal_mode(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| {
            r.get::<_, String>("journal_mode")
        }) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file_logbook(dir: &tempfile::TempDir) -> SqliteLogbook {
        let access = Access::Create { make_dir: false };
        SqliteLogbook::open(&dir.path().join("logbook.db"), access).expect("a logbook")
    }

    #[test]
    fn a_file_logbooks_figures_are_read_on_two_connections() {
        let dir = tempfile::tempdir().expect("a folder");
        let mut logbook = file_logbook(&dir);
        let on_a_file = logbook.figures_txn().expect("read").second.is_some();
        let two_cores = std::thread::available_parallelism().map_or(1, |n| n.get()) > 1;
        assert_eq!(on_a_file, two_cores);
        let mut in_memory = SqliteLogbook::in_memory().expect("a logbook");
        assert!(in_memory.figures_txn().expect("read").second.is_none());
        // Outside WAL mode (a backup copy, say), everything is read on one connection.
        let mode: String = logbook
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
            .expect("a journal mode");
        assert_eq!(mode, "delete");
        assert!(logbook.figures_txn().expect("read").second.is_none());
    }

    /// What `read_figures` relies on to know that its two connections read the same logbook.
    #[test]
    fn the_data_version_changes_when_another_connection_commits() {
        let dir = tempfile::tempdir().expect("a folder");
        let mut writer = file_logbook(&dir);
        let reader = writer.second_reader().expect("a second connection");
        let before = data_version(&reader).expect("read");
        reader.execute_batch("BEGIN").expect("begin");
        assert_eq!(
            data_version(&reader).expect("read"),
            before,
            "nothing committed"
        );
        reader.execute_batch("COMMIT").expect("commit");

        let before = data_version(&reader).expect("read");
        let tx = writer.conn.transaction().expect("a write");
        tx.execute("INSERT INTO upkeep (task) VALUES ('none')", [])
            .expect("write");
        tx.commit().expect("commit");
        reader.execute_batch("BEGIN").expect("begin");
        assert_ne!(
            data_version(&reader).expect("read"),
            before,
            "a commit between"
        );
    }

    fn journal_mode(conn: &Connection) -> String {
        conn.query_row("PRAGMA journal_mode", [], |r| r.get("journal_mode"))
            .expect("the journal mode")
    }

    #[test]
    fn only_a_new_logbook_is_filled_under_a_rollback_journal_and_it_is_left_in_wal_mode() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("logbook.db");
        let create = Access::Create { make_dir: false };
        let mut logbook = SqliteLogbook::open(&path, create).expect("a new logbook");
        assert!(logbook.created);
        drop(logbook.write_to_fill().expect("a write transaction"));
        assert_eq!(journal_mode(&logbook.conn), "delete");
        drop(logbook);
        let conn = Connection::open(&path).expect("the logbook");
        assert_eq!(journal_mode(&conn), "wal");
        drop(conn);

        // The logbook is there now: it is filled in WAL mode.
        let mut logbook = SqliteLogbook::open(&path, create).expect("the logbook");
        assert!(!logbook.created);
        drop(logbook.write_to_fill().expect("a write transaction"));
        assert_eq!(journal_mode(&logbook.conn), "wal");
    }
}
