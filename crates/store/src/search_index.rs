//! The full-text index catches up with the edits noted since it last did (migration 0010).
//!
//! A keystroke only notes, once per proposal, the text the index still holds for it; the
//! index itself is brought up to date before anything reads it. Rows that are added or
//! deleted reach the index at once (their triggers), so only edits wait here.

use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Error, ResultExt};

/// For each indexed table: take out what the index holds for every noted row (the text noted
/// is exactly what it was given), put back the row's text as it is now, forget the notes.
const CATCH_UP: &str = "
    INSERT INTO proposals_fts (proposals_fts, rowid, event_key, title, body)
        SELECT 'delete', rowid, event_key, title, body FROM proposals_fts_pending;
    INSERT INTO proposals_fts (rowid, event_key, title, body)
        SELECT p.rowid, p.event_key, p.title, p.body
        FROM proposals p JOIN proposals_fts_pending q ON q.rowid = p.rowid;
    DELETE FROM proposals_fts_pending;
    INSERT INTO consolidated_fts (consolidated_fts, rowid, event_key, title, body)
        SELECT 'delete', rowid, event_key, title, body FROM consolidated_fts_pending;
    INSERT INTO consolidated_fts (rowid, event_key, title, body)
        SELECT c.rowid, c.event_key, c.title, c.body
        FROM consolidated c JOIN consolidated_fts_pending q ON q.rowid = c.rowid;
    DELETE FROM consolidated_fts_pending;";

/// How long a search waits for another writer (the sync engine, the CLI) to let it bring the
/// index up to date, before it answers from the index as it stands.
const SEARCH_WAIT: Duration = Duration::from_millis(200);

const CTX: (&str, &str) = ("mise à jour de l'index de recherche", "updating the search index");

/// Brings the full-text indexes up to date before a search, waiting briefly for the write lock.
/// Writes only when an edit is waiting, so a search after no typing stays a pure read.
pub(crate) fn catch_up_for_search(conn: &Connection) -> Result<(), Error> {
    if !waiting(conn).ctx(CTX.0, CTX.1)? {
        return Ok(());
    }
    conn.busy_timeout(SEARCH_WAIT).ctx(CTX.0, CTX.1)?;
    let caught_up = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .ctx(CTX.0, CTX.1)
        .and_then(|tx| apply(&tx).and_then(|()| tx.commit().ctx(CTX.0, CTX.1)));
    conn.busy_timeout(crate::db::BUSY_TIMEOUT).ctx(CTX.0, CTX.1)?;
    caught_up
}

/// Brings the indexes up to date inside the caller's transaction (a check rolls it back).
pub(crate) fn apply(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch(CATCH_UP).ctx(CTX.0, CTX.1)
}

/// Forgets the notes once the indexes were rebuilt from their tables.
pub(crate) fn forget(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("DELETE FROM proposals_fts_pending; DELETE FROM consolidated_fts_pending;")
}

fn waiting(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM proposals_fts_pending) OR EXISTS (SELECT 1 FROM consolidated_fts_pending)",
    )?
    .query_row([], |r| r.get(0))
}
