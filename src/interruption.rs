//! Interrupting a command that writes for long (an import) with SIGINT or SIGTERM. A watcher
//! thread receives the signals. Before the command's write transaction begins, and once it has
//! ended, an interruption cleans up at once (removes the logbook the command created, if it is
//! still empty) and ends the program as the signal would have. While the transaction is under
//! way the command cooperates instead: the watcher notes the signal and stops the statement
//! running on the logbook; the command sees the note at its next check (`check`, at least once
//! per batch of rows) and stops; its transaction is rolled back; then the program cleans up
//! and ends as the signal would have (`end_if_interrupted`). A second signal while it stops
//! ends the program at once, leaving the transaction for the next caselog to roll back.

use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::error::{Error, Result};
use crate::store::Stop;

/// The signals of one program run, shared by the command and the watcher thread.
#[derive(Default)]
pub struct Interruption {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Whether a write is under way that stops by itself when interrupted.
    cooperating: bool,
    /// What stops the statement running on the logbook, while a write cooperates.
    stop: Option<Stop>,
    /// The signal that interrupted a cooperating write.
    noted: Option<i32>,
}

/// A write that stops by itself when interrupted, for as long as this is held.
pub struct Cooperating<'a>(&'a Interruption);

impl Interruption {
    /// From now on, SIGINT and SIGTERM interrupt the program as described above; `clean_up` is
    /// what is done before it ends.
    pub fn watch(self: &std::sync::Arc<Self>, clean_up: impl Fn() + Send + 'static) -> Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        let interruption = std::sync::Arc::clone(self);
        std::thread::spawn(move || {
            for signal in signals.forever() {
                interruption.interrupted(signal, &clean_up);
            }
        });
        Ok(())
    }

    /// What the watcher does with each signal.
    fn interrupted(&self, signal: i32, clean_up: &dyn Fn()) {
        // Held until the program ends, so that no write begins meanwhile.
        let mut state = self.lock();
        if state.cooperating {
            if state.noted.is_none() {
                state.noted = Some(signal);
                if let Some(stop) = &state.stop {
                    stop();
                }
                return;
            }
            // A second signal: the logbook is locked by the write, which is left as it stands.
            end(signal);
        }
        clean_up();
        end(signal);
    }

    /// Starts a write that stops by itself when interrupted: until the returned guard is
    /// dropped, an interruption only calls `stop` and is noted for `check`.
    pub fn cooperate(&self, stop: Option<Stop>) -> Cooperating<'_> {
        let mut state = self.lock();
        state.cooperating = true;
        state.stop = stop;
        Cooperating(self)
    }

    /// Refuses to go on once the write has been interrupted.
    pub fn check(&self) -> Result<()> {
        match self.lock().noted {
            Some(_) => Err(Error::failure("interrupted: nothing was written")),
            None => Ok(()),
        }
    }

    /// Ends the program as the signal would have if a cooperating write was interrupted: once
    /// the command has returned and cleaned up after itself.
    pub fn end_if_interrupted(&self) {
        let state = self.lock();
        if let Some(signal) = state.noted {
            end(signal);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Cooperating<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.cooperating = false;
        state.stop = None;
    }
}

/// Ends the program as `signal`'s own action does.
fn end(signal: i32) -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal);
}
