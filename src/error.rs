//! The one error type every command returns, and how it becomes an exit code.
//! An error has a kind (the user's input, or anything else), a message and optional hints;
//! `main` prints it once as `error: …` / `hint: …` and exits with the kind's code.

use std::fmt;

/// What went wrong, as far as the exit code is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Invalid input or usage: a bad code, date or number, a missing flag. Exit code 2.
    Input,
    /// Anything else: the database, the file system, an internal fault. Exit code 1.
    Failure,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
    /// Set when the failure is a closed output pipe, which is not reported.
    pub broken_pipe: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Invalid input or usage (exit code 2).
    pub fn input(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Input,
            message: message.into(),
            hints: Vec::new(),
            broken_pipe: false,
        }
    }

    /// Anything that is not the user's input (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Error {
            kind: Kind::Failure,
            message: message.into(),
            hints: Vec::new(),
            broken_pipe: false,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds context in front of the message, keeping kind and hints.
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Input => 2,
            Kind::Failure => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let mut err = Error::failure(e.to_string());
        err.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        err
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) {
            return Error::failure("the logbook is read-only: nothing was changed").hint(
                "caselog can read it but will not change it; make it writable (chmod u+w) to record",
            );
        }
        let damaged = matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        );
        let err = Error::failure(format!("database: {e}"));
        if damaged {
            err.hint("the logbook file is damaged: `caselog check` reports on it; restore your latest backup (docs/security.md)")
        } else {
            err
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        if e.is_io() {
            return Error::from(std::io::Error::from(e));
        }
        Error::failure(format!("JSON: {e}"))
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
        Error::failure(format!("CSV: {e}"))
    }
}

impl From<dialoguer::Error> for Error {
    fn from(e: dialoguer::Error) -> Self {
        match e {
            dialoguer::Error::IO(io) => Error::from(io),
        }
    }
}
