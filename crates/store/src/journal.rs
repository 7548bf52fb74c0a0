//! The hub's persistence: the same database format as a device's store, but only its update
//! logs are written (projecting every keystroke of every room would cost the hub more than
//! serving it). `recolte store rebuild` on a hub's folder fills the tables when wanted.

use std::path::{Path, PathBuf};

use recolte_core::schema::DocName;
use rusqlite::{params, Connection, TransactionBehavior};

use crate::error::{Error, ResultExt};
use crate::maintenance::compact_document;
use crate::write::{append, register, LogOrigin};
use crate::{db, DB_FILE};

/// Above this many entries, a room's log is compacted when the room is loaded.
const COMPACT_ABOVE: usize = 256;

#[derive(Debug)]
pub struct Journal {
    conn: Connection,
    path: PathBuf,
}

impl Journal {
    pub fn open(dir: &Path) -> Result<Journal, Error> {
        crate::create_private_dir(dir)?;
        let path = dir.join(DB_FILE);
        // A hub's journal holds the event's documents, its revocations and devices' names.
        crate::keep_private(&path);
        let conn = db::open(&path)?;
        crate::keep_private(&path);
        Ok(Journal { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A setting of the hub (never synced): what its arrivals board remembers across restarts.
    pub fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        crate::read_setting(&self.conn, key)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), Error> {
        crate::put_setting(&self.conn, key, value)
    }

    /// Why the journal cannot be written, if it cannot: SQLite opened its file read-only (a
    /// read-only disk or folder), or the disk holding it is full.
    pub fn unwritable(&self) -> Option<crate::Unwritable> {
        if self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            Some(crate::Unwritable::ReadOnly)
        } else if crate::db::disk_full(&self.path) {
            Some(crate::Unwritable::DiskFull)
        } else {
            None
        }
    }

    /// Every update of a room, oldest first, compacting the log first if it grew long.
    pub fn load(&mut self, name: &DocName) -> Result<Vec<Vec<u8>>, Error> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM doc_updates WHERE doc = ?1")
            .and_then(|mut s| s.query_row([name.to_string()], |r| r.get(0)))
            .ctx("lecture du journal", "reading the log")?;
        if count as usize > COMPACT_ABOVE {
            // Folding only saves time at the next load: a room whose log cannot be folded (an
            // entry that no longer reads, the lock busy) is still served from its entries, the
            // hub leaving out, and saying, what no longer reads.
            let folded = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .ctx("verrouillage du journal", "locking the log")
                .and_then(|tx| {
                    compact_document(&tx, name)?;
                    tx.commit().ctx("compactage du journal", "compacting the log")
                });
            if let Err(error) = folded {
                tracing::warn!("{name}: {error}");
            }
        }
        Ok(crate::log::all_entries(&self.conn, name)?.into_iter().map(|entry| entry.data).collect())
    }

    /// When a room last received a change.
    pub fn last_saved(&self, name: &DocName) -> Result<Option<String>, Error> {
        crate::maintenance::last_saved(&self.conn, name)
    }

    /// Appends an update; durable (survives a kill of the hub) when this returns.
    pub fn append(&mut self, name: &DocName, update: &[u8]) -> Result<i64, Error> {
        self.append_batch([(name, update)])
    }

    /// Appends several updates in one transaction (group commit): durable when this returns.
    /// Returns the last sequence number.
    pub fn append_batch<'a>(
        &mut self,
        updates: impl IntoIterator<Item = (&'a DocName, &'a [u8])>,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction().ctx("écriture dans le journal", "appending to the log")?;
        let mut last = 0;
        for (name, update) in updates {
            register(&tx, name)?;
            last = append(&tx, name, update, LogOrigin::Hub)?;
        }
        tx.commit().ctx("écriture dans le journal", "appending to the log")?;
        Ok(last)
    }

    /// Leaves checkpoints to [`Journal::checkpoint_passive`] on another connection, so that
    /// the writer never waits for one (a checkpoint syncs the file to disk).
    pub fn disable_auto_checkpoint(&self) -> Result<(), Error> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0).ctx("réglage du journal", "configuring the log")
    }

    /// Copies what it can of the WAL into the database without blocking writers.
    pub fn checkpoint_passive(&self) -> Result<(), Error> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(PASSIVE);").ctx("point de contrôle", "checkpointing")
    }

    /// Rooms that hold something.
    pub fn rooms(&self) -> Result<usize, Error> {
        self.conn
            .query_row("SELECT count(DISTINCT doc) FROM doc_updates", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .ctx("lecture du journal", "reading the log")
    }

    /// Writes the WAL back into the database file: called when the hub stops.
    pub fn checkpoint(&self) -> Result<(), Error> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").ctx("point de contrôle", "checkpointing")
    }

    /// Total bytes of updates for one room (for metrics and tests).
    pub fn room_bytes(&self, name: &DocName) -> Result<usize, Error> {
        self.conn
            .query_row(
                "SELECT COALESCE(sum(length(data)), 0) FROM doc_updates WHERE doc = ?1",
                params![name.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .ctx("lecture du journal", "reading the log")
    }
}
