//! Each command, by what it is about; `main` opens the store and hands each its arguments.

pub(crate) mod access;
pub(crate) mod capture;
pub(crate) mod files;
pub(crate) mod history;
pub(crate) mod synthesis;

use recolte_core::ids::EventId;
use recolte_store::Store;

use crate::CliError;

/// What every command needs beside its arguments.
pub(crate) struct Context {
    /// The event named with `--event`, if any.
    pub given_event: Option<EventId>,
    /// The last entry of the log before the command ran (None: the log could not be read, and
    /// the commands that diagnose it still run).
    pub before: Option<i64>,
}

impl Context {
    /// The event the command is about: the one named, or the store's only one.
    pub fn event(&self, store: &Store) -> Result<EventId, recolte_store::Error> {
        store.resolve_event(self.given_event)
    }

    /// Whether the command saved anything (an edit to the same text, a pair not in the
    /// lexicon): said, instead of a « fait » for nothing.
    pub fn changed(&self, store: &Store) -> Result<bool, CliError> {
        Ok(match self.before {
            Some(before) => store.last_log_seq()? != before,
            None => true,
        })
    }
}
