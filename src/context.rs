//! What every command needs besides its own flags: the settings (flags, then environment, then
//! config file, then defaults), the clock, and whether a person can be asked questions.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::cli::GlobalArgs;
use crate::clock::Clock;
use crate::config::{self, Config};
use crate::domain::checklist::Checklist;
use crate::domain::invalid::Invalid;
use crate::domain::text::Text;
use crate::error::{Error, Result};
use crate::interruption::Interruption;
use crate::store::postgres::connect;
use crate::store::{Access, Logbook, PostgresLogbook, SqliteLogbook};

pub struct Context {
    pub global: GlobalArgs,
    pub config: Config,
    pub clock: Clock,
    /// A logbook this command created, to be removed again if the command fails or is
    /// interrupted. Held locked while the logbook is being opened, so that an interruption
    /// waits to know whether this command created it.
    created: Arc<Mutex<Option<PathBuf>>>,
    /// What SIGINT and SIGTERM do, once a command asks to be told of them.
    interruption: Arc<Interruption>,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Result<Context> {
        let config = Config::load(global.config.as_deref())?;
        Ok(Context {
            global,
            config,
            clock: Clock::from_env()?,
            created: Arc::default(),
            interruption: Arc::default(),
        })
    }

    /// Whether questions can be asked: a person at a terminal, and `--no-input` not given.
    pub fn interactive(&self) -> bool {
        !self.global.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// The logbook path, and whether it is the default location.
    fn database(&self) -> Result<(PathBuf, bool)> {
        if let Some(p) = self
            .global
            .db
            .clone()
            .or_else(|| self.config.database.clone())
        {
            return Ok((p, false));
        }
        Ok((config::default_database()?, true))
    }

    /// The team logbook's URL, when `--db` (or the environment, or the config file) gives a
    /// `postgresql://` URL rather than a file.
    pub fn team_url(&self) -> Result<Option<String>> {
        let (db, _) = self.database()?;
        if !connect::is_url(db.as_os_str()) {
            return Ok(None);
        }
        db.into_os_string()
            .into_string()
            .map(Some)
            .map_err(|_| Error::input("the team logbook's URL is not UTF-8 text"))
    }

    /// Opens the logbook, which must already exist.
    pub fn open_existing(&self) -> Result<Logbook> {
        if let Some(url) = self.team_url()? {
            return Ok(Logbook::Postgres(Box::new(PostgresLogbook::open(&url)?)));
        }
        SqliteLogbook::open(&self.database()?.0, Access::Existing).map(Logbook::Sqlite)
    }

    /// Opens the logbook if there is one: none when there is no file, or an empty one (which
    /// is left as it is). A team logbook must be there.
    pub fn open_if_any(&self) -> Result<Option<Logbook>> {
        if self.team_url()?.is_some() {
            return self.open_existing().map(Some);
        }
        Ok(SqliteLogbook::open_if_any(&self.database()?.0, Access::Existing)?.map(Logbook::Sqlite))
    }

    /// Opens the logbook for writing, creating it (owner-only) if it is a file that does not
    /// exist. A team logbook is made by `caselog team init`, never here.
    pub fn open_for_writing(&self) -> Result<Logbook> {
        if self.team_url()?.is_some() {
            return self.open_existing();
        }
        let (path, is_default) = self.database()?;
        let mut created = self.created.lock().unwrap_or_else(PoisonError::into_inner);
        let logbook = SqliteLogbook::open(
            &path,
            Access::Create {
                make_dir: is_default,
            },
        )?;
        if logbook.created {
            *created = Some(path);
        }
        Ok(Logbook::Sqlite(logbook))
    }

    /// After a failed command: removes the logbook it created, if it is still empty, so that
    /// nothing is left behind.
    pub fn discard_created_logbook(&self) {
        discard(&self.created);
    }

    /// From now on, an interruption (SIGINT, SIGTERM) removes the logbook this command
    /// created, if it is still empty, and ends the program as the signal would have: at once,
    /// or, while a write cooperates (`interruption().cooperate`), once the command has stopped
    /// and rolled back (`end_if_interrupted`). For commands that write for long (an import),
    /// where an interruption is likely.
    pub fn discard_created_logbook_when_interrupted(&self) -> Result<()> {
        let created = Arc::clone(&self.created);
        self.interruption.watch(move || discard(&created))
    }

    /// The command's interruptions.
    pub fn interruption(&self) -> &Interruption {
        &self.interruption
    }

    /// After a command whose write was interrupted, and the removal of the logbook it created:
    /// ends the program as the signal would have.
    pub fn end_if_interrupted(&self) {
        self.interruption.end_if_interrupted();
    }

    /// The config file's `advisor`, when it is set and not blank.
    pub fn config_advisor(&self) -> Result<Option<Text>> {
        config_name(self.config.advisor.as_deref(), "advisor")
    }

    /// The config file's `auditor`, when it is set and not blank.
    pub fn config_auditor(&self) -> Result<Option<Text>> {
        config_name(self.config.auditor.as_deref(), "auditor")
    }

    /// The threshold checklist in use: `--thresholds`, `CASELOG_THRESHOLDS`, the config file's
    /// `thresholds`, or the bundled default.
    pub fn checklist(&self) -> Result<Checklist> {
        match self
            .global
            .thresholds
            .as_ref()
            .or(self.config.thresholds.as_ref())
        {
            Some(path) => Checklist::load(path),
            None => Ok(Checklist::bundled()),
        }
    }
}

/// A name the config file sets (`key`), when it is set and not blank.
fn config_name(value: Option<&str>, key: &'static str) -> Result<Option<Text>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text: Text = value.parse().map_err(|p| {
        Error::refused(&Invalid::new(key, p), &|_| {
            format!("the config file's {key}")
        })
    })?;
    Ok(Some(text).filter(|t| !t.is_empty()))
}

/// Removes the logbook in `created`, if any and if it is still empty.
fn discard(created: &Mutex<Option<PathBuf>>) {
    let path = created
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(path) = path {
        // Best effort: the command's own error, or the signal, is what is reported.
        let _ = SqliteLogbook::discard_if_empty(&path);
    }
}
