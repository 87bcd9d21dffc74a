//! What every command needs besides its own flags: the settings (flags, then environment, then
//! config file, then defaults), the clock, and whether a person can be asked questions.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::GlobalArgs;
use crate::clock::Clock;
use crate::config::{self, Config};
use crate::domain::checklist::Checklist;
use crate::error::Result;
use crate::store::{Access, Logbook};

pub struct Context {
    pub global: GlobalArgs,
    pub config: Config,
    pub clock: Clock,
    /// A logbook this command created, to be removed again if the command fails.
    created: std::cell::RefCell<Option<PathBuf>>,
}

impl Context {
    pub fn new(global: GlobalArgs) -> Result<Context> {
        let config = Config::load(global.config.as_deref())?;
        Ok(Context {
            global,
            config,
            clock: Clock::from_env()?,
            created: std::cell::RefCell::new(None),
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

    /// Whether the logbook file exists yet.
    pub fn logbook_exists(&self) -> Result<bool> {
        Ok(self.database()?.0.exists())
    }

    /// Opens the logbook, which must already exist.
    pub fn open_existing(&self) -> Result<Logbook> {
        Logbook::open(&self.database()?.0, Access::Existing)
    }

    /// Opens the logbook for writing, creating it (owner-only) if it does not exist.
    pub fn open_for_writing(&self) -> Result<Logbook> {
        let (path, is_default) = self.database()?;
        let logbook = Logbook::open(
            &path,
            Access::Create {
                make_dir: is_default,
            },
        )?;
        if logbook.created {
            self.created.replace(Some(path));
        }
        Ok(logbook)
    }

    /// After a failed command: removes the logbook it created, if it is still empty, so that
    /// nothing is left behind.
    pub fn discard_created_logbook(&self) {
        if let Some(path) = self.created.take() {
            // Best effort: the command's own error is the one to report.
            let _ = Logbook::discard_if_empty(&path);
        }
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
