//! A document's log read back: its entries in order, and each one replayed into a Yjs
//! document. Loading, catching up, compaction, the history, undo and snapshots all read the
//! log through here, so that an entry that no longer reads is named the same way everywhere.

use rusqlite::{params, Connection};
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, TransactionMut, Update};

use recolte_core::schema::{self, DocName, ORIGIN_REMOTE};

use crate::error::{Error, ResultExt};

/// One entry of a document's log.
#[derive(Debug)]
pub(crate) struct Entry {
    pub seq: i64,
    pub data: Vec<u8>,
    pub saved_at: String,
    pub origin: String,
}

impl Entry {
    /// The entry's update; one that no longer reads is a damaged log.
    pub fn update(&self, name: &DocName) -> Result<Update, Error> {
        Update::decode_v1(&self.data).map_err(|e| corrupt(name, self.seq, e))
    }

    /// Applies the entry to a document being replayed.
    pub fn apply(&self, txn: &mut TransactionMut, name: &DocName) -> Result<(), Error> {
        txn.apply_update(self.update(name)?).map_err(|e| corrupt(name, self.seq, e))
    }
}

/// The entries of a document's log after `after` and up to `upto`, oldest first.
pub(crate) fn entries(conn: &Connection, name: &DocName, after: i64, upto: i64) -> Result<Vec<Entry>, Error> {
    conn.prepare_cached(
        "SELECT seq, data, saved_at, origin FROM doc_updates WHERE doc = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
    )
    .and_then(|mut stmt| {
        stmt.query_map(params![name.to_string(), after, upto], |r| {
            Ok(Entry { seq: r.get(0)?, data: r.get(1)?, saved_at: r.get(2)?, origin: r.get(3)? })
        })?
        .collect::<Result<Vec<_>, _>>()
    })
    .ctx("lecture du journal", "reading the log")
}

/// Every entry of a document's log, oldest first.
pub(crate) fn all_entries(conn: &Connection, name: &DocName) -> Result<Vec<Entry>, Error> {
    entries(conn, name, 0, i64::MAX)
}

/// The document as it stood after entry `upto`, replayed from its log.
pub(crate) fn replay(conn: &Connection, name: &DocName, upto: i64) -> Result<Doc, Error> {
    let doc = schema::new_doc_of(name.kind());
    {
        let mut txn = doc.transact_mut_with(ORIGIN_REMOTE);
        for entry in entries(conn, name, 0, upto)? {
            entry.apply(&mut txn, name)?;
        }
    }
    Ok(doc)
}

pub(crate) fn corrupt(name: &DocName, seq: i64, error: impl std::fmt::Display) -> Error {
    Error::CorruptLog { doc: name.to_string(), seq, reason: error.to_string() }
}
