//! The one error type every command returns, and how it becomes an exit code. An error has a
//! kind — the user's input (exit 2), anything else (exit 1), or a closed output pipe, which is
//! not reported (exit 0) — a message, optional hints, and the underlying error it came from.
//! `main` prints it once as `error: …` / `hint: …`.

use std::fmt;

use crate::domain::invalid::{FieldName, Invalid};

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Invalid input or usage: a bad code, date or number, a missing flag. Exit code 2.
    Input,
    /// Anything else: the logbook, the file system, an internal fault. Exit code 1.
    Failure,
    /// The output was closed early (`caselog export | head`): not an error. Exit code 0.
    ClosedPipe,
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
        }
    }

    /// Invalid input or usage (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        Error::new(Kind::Input, message)
    }

    /// Anything that is not the user's input (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Error::new(Kind::Failure, message)
    }

    /// A value refused, worded by the surface it was typed at: `name` says how that surface
    /// names a field (a flag, a column, a question).
    pub fn refused(invalid: &Invalid, name: &dyn Fn(FieldName) -> String) -> Self {
        let (message, hint) = invalid.words(name);
        let err = Error::input(message).caused_by(invalid.clone());
        match hint {
            Some(h) => err.hint(h),
            None => err,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Keeps the error this one came from.
    pub fn caused_by(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Adds context in front of the message, keeping kind, hints and source.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The refused value behind an input error, if it was one.
    pub fn invalid(&self) -> Option<&Invalid> {
        self.source.as_ref()?.downcast_ref::<Invalid>()
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Input => 2,
            Kind::Failure => 1,
            Kind::ClosedPipe => 0,
        }
    }
}

/// The hint that sends a damaged logbook's owner to `caselog check`.
pub const RUN_CHECK: &str = "`caselog check` reports what is damaged";

/// The hint that says how to restore a damaged logbook.
pub const RESTORE: &str = "keep the damaged file for inspection and restore your latest backup: \
     see \"Restoring\" in docs/security.md";

impl Error {
    /// The disk (or the user's quota on it) is full. Every write is one transaction, so the
    /// logbook is as it was.
    pub fn disk_full() -> Error {
        Error::failure("the disk is full: nothing was written")
            .hint("the logbook is as it was; free some space on the disk and run the command again")
    }

    /// A logbook SQLite cannot read: `what` names it ("the logbook caselog.db").
    pub fn damaged(what: impl fmt::Display) -> Error {
        Error::failure(format!("{what} is damaged: SQLite cannot read all of it"))
            .hint(RUN_CHECK)
            .hint(RESTORE)
    }

    /// The logbook's folder cannot be written: the logbook is created there, and SQLite keeps
    /// its -wal and -shm files there, even to read. `folder` names it.
    pub fn folder_not_writable(folder: impl fmt::Display) -> Error {
        Error::failure(format!("the folder {folder} must be writable"))
            .hint(
                "caselog keeps the logbook's working files (-wal, -shm) beside it, and needs to \
                 create them even to read it",
            )
            .hint(
                "make the folder writable (chmod u+w), or move the logbook to a folder you can \
                 write to",
            )
    }
}

/// Whether SQLite failed for want of space. Besides SQLITE_FULL, that is its failure to grow the
/// shared-memory file, which it does by writing to it: on a full disk, the first thing to fail
/// when a logbook is opened.
pub fn is_disk_full(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
        || e.sqlite_error().map(|f| f.extended_code) == Some(rusqlite::ffi::SQLITE_IOERR_SHMSIZE)
}

/// An operating-system error in plain words, without its number.
pub fn plain(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "it does not exist".to_string(),
        ErrorKind::StorageFull => "the disk is full".to_string(),
        ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        kind => kind.to_string(),
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            return Error::disk_full().caused_by(e);
        }
        let kind = if e.kind() == std::io::ErrorKind::BrokenPipe {
            Kind::ClosedPipe
        } else {
            Kind::Failure
        };
        Error::new(kind, e.to_string()).caused_by(e)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        let extended = e.sqlite_error().map(|f| f.extended_code);
        if extended == Some(rusqlite::ffi::SQLITE_READONLY_DIRECTORY) {
            return Error::folder_not_writable("holding the logbook").caused_by(e);
        }
        if is_disk_full(&e) {
            return Error::disk_full().caused_by(e);
        }
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
            return Error::failure("the logbook is read-only: nothing was changed")
                .hint(
                    "caselog can read it but will not change it; make it writable (chmod u+w) \
                     to record",
                )
                .caused_by(e);
        }
        if matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        ) {
            return Error::damaged("the logbook").caused_by(e);
        }
        Error::failure(format!("database: {e}")).caused_by(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            return Error::from(std::io::Error::from(e));
        }
        Error::failure(format!("JSON: {e}")).caused_by(e)
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        if e.is_io_error() {
            if let csv::ErrorKind::Io(io) = e.into_kind() {
                return Error::from(io);
            }
            unreachable!("is_io_error was checked");
        }
        Error::failure(format!("CSV: {e}")).caused_by(e)
    }
}
