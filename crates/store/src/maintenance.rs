//! Keeping a store small and honest: compaction of the logs, rebuild of the projections.

use recolte_core::schema::{new_doc_of, DocName, ORIGIN_REMOTE};
use rusqlite::types::Value;
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;
use yrs::{ReadTxn, StateVector, Transact};

use recolte_core::{Lang, Localize};

use crate::error::{Error, ResultExt};
use crate::log;
use crate::projection::{self, TABLES};
use crate::write::LogOrigin;
use crate::Store;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CompactReport {
    pub documents: usize,
    pub compacted: usize,
    pub updates_before: usize,
    pub updates_after: usize,
    pub bytes_before: usize,
    pub bytes_after: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RebuildReport {
    pub documents: usize,
    pub proposals: usize,
    pub consolidated: usize,
}

impl Store {
    fn all_documents(&self) -> Result<Vec<DocName>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM documents ORDER BY name")
            .ctx("liste des documents", "listing documents")?;
        let names = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx("liste des documents", "listing documents")?;
        Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
    }

    /// Folds each document's log into one entry, or one per stretch between its named
    /// snapshots (see [`compact_document`]). One transaction per document, under the
    /// write lock: an edit made meanwhile by another process waits for it, then lands after
    /// the snapshot, and is kept.
    pub fn compact(&mut self) -> Result<CompactReport, Error> {
        self.ensure_writable()?;
        // Sessions whose slot has ended keep their end-of-slot state through the compaction.
        self.take_due_snapshots(jiff::Timestamp::now())?;
        let mut report = CompactReport::default();
        for name in self.all_documents()? {
            report.documents += 1;
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .ctx("verrouillage du stockage", "locking the store")?;
            let folded = compact_document_until(&tx, &name, unshared_from(&tx, &name)?)?;
            report.updates_before += folded.entries;
            report.bytes_before += folded.bytes;
            report.updates_after += folded.entries_after;
            report.bytes_after += folded.bytes_after;
            if folded.entries_after == folded.entries {
                continue;
            }
            tx.commit().ctx("compactage du journal", "compacting the log")?;
            report.compacted += 1;
        }
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").ctx("point de contrôle", "checkpointing")?;
        Ok(report)
    }

    /// Rebuilds every projection (tables and full-text index) from the logs alone.
    pub fn rebuild(&mut self) -> Result<RebuildReport, Error> {
        self.ensure_writable()?;
        // The documents hold everything; a file too damaged for its tables to be emptied
        // (a search index that no longer opens) is said so, with the way out.
        self.rebuilding().map_err(|error| match error.sqlite_cause() {
            Some(cause) if error.is_corrupt() => Error::TooDamagedToRebuild { cause },
            _ => error,
        })
    }

    fn rebuilding(&mut self) -> Result<RebuildReport, Error> {
        self.homes.get_mut().clear();
        let names = self.all_documents()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("verrouillage du stockage", "locking the store")?;
        let ctx = ("reconstruction des tables", "rebuilding the tables");
        for table in TABLES {
            tx.execute(&format!("DELETE FROM {table}"), []).ctx(ctx.0, ctx.1)?;
        }
        let mut ordered = names;
        ordered.sort_by_key(|n| !matches!(n, DocName::Event(_)));
        for name in &ordered {
            let doc = new_doc_of(name.kind());
            {
                let mut txn = doc.transact_mut_with(ORIGIN_REMOTE);
                for entry in log::all_entries(&tx, name)? {
                    entry.apply(&mut txn, name)?;
                }
            }
            projection::project_document(&tx, name, &doc.transact())?;
        }
        tx.execute_batch(
            "INSERT INTO proposals_fts (proposals_fts) VALUES ('rebuild');
             INSERT INTO consolidated_fts (consolidated_fts) VALUES ('rebuild');",
        )
        .and_then(|()| crate::search_index::forget(&tx))
        .ctx(ctx.0, ctx.1)?;
        let count = |table: &str| -> Result<usize, Error> {
            tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
                .map(|n| n as usize)
                .ctx(ctx.0, ctx.1)
        };
        let report = RebuildReport {
            documents: ordered.len(),
            proposals: count("proposals")?,
            consolidated: count("consolidated")?,
        };
        tx.commit().ctx(ctx.0, ctx.1)?;
        Ok(report)
    }

    /// Every projection row as text, in a fixed order and without internal row ids: equal
    /// strings mean equal projections (used to check rebuild against incremental updates,
    /// and replicas against each other).
    pub fn dump_projections(&self) -> Result<String, Error> {
        let ctx = ("lecture des tables", "reading the tables");
        let mut out = String::new();
        for table in TABLES {
            let columns: Vec<String> = self
                .conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}') WHERE name <> 'rowid' ORDER BY cid"))
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>())
                .ctx(ctx.0, ctx.1)?;
            let list = columns.join(", ");
            let mut stmt =
                self.conn.prepare(&format!("SELECT {list} FROM {table} ORDER BY {list}")).ctx(ctx.0, ctx.1)?;
            let rows = stmt
                .query_map([], |r| (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>())
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .ctx(ctx.0, ctx.1)?;
            out.push_str(&format!("## {table}\n"));
            for row in rows {
                out.push_str(&format!("{row:?}\n"));
            }
        }
        Ok(out)
    }

    /// SQLite's own check of the file, every document's log read entry by entry, and the
    /// full-text indexes against their tables; each problem said in `lang` with what to do.
    pub fn integrity_check(&self, lang: Lang) -> Result<Vec<String>, Error> {
        let ctx = ("vérification du stockage", "checking the store");
        let mut problems: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>())
            .ctx(ctx.0, ctx.1)?
            .into_iter()
            .filter(|line| line != "ok")
            .map(|line| {
                // A search index is a copy of the tables: rebuilt from the documents.
                if line.contains("fts5") || line.contains("_fts") {
                    return said(
                        lang,
                        format!("index de recherche endommagé (SQLite : {line}) : `recolte store rebuild` le refait depuis les documents, sans rien perdre (s'il n'y parvient pas : exportez un paquet et importez-le dans un dossier de données neuf)"),
                        format!("damaged search index (SQLite: {line}): `recolte store rebuild` makes it again from the documents, losing nothing (if it cannot: export a bundle and import it into a new data folder)"),
                    );
                }
                // SQLite's own words, in English only, after ours.
                said(lang,
                    format!("fichier endommagé (SQLite : {line}) : dans un dossier de données neuf, importez un paquet d'un autre appareil de l'événement"),
                    format!("damaged file (SQLite: {line}): in a new data folder, import a bundle from another device of the event"),
                )
            })
            .collect();
        // An entry that no longer reads stops the loading, the export and the compaction of
        // its document: named here, before one of them fails on it.
        for name in self.all_documents()? {
            for entry in crate::log::all_entries(&self.conn, &name)? {
                if let Err(error) = entry.update(&name) {
                    problems.push(error.localize(lang));
                }
            }
        }
        // The indexes are checked against their tables as they are once caught up with the
        // edits waiting (migration 0010), in a transaction that is rolled back: a check writes
        // nothing to the file it checks. That catching up needs the write lock, which a store
        // open for reading only (full or read-only disk, said when it opened) cannot take:
        // there, the file alone is checked.
        if self.unwritable().is_some() {
            return Ok(problems);
        }
        let unchecked = |why: String| {
            said(lang, format!("index de recherche non vérifié ({why})"), format!("search index not checked ({why})"))
        };
        let tx = match rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                problems.push(unchecked(crate::error::sqlite_words(&e, lang)));
                return Ok(problems);
            }
        };
        if let Err(e) = crate::search_index::apply(&tx) {
            problems.push(unchecked(e.localize(lang)));
            return Ok(problems);
        }
        for fts in ["proposals_fts", "consolidated_fts"] {
            if let Err(e) = tx.execute(&format!("INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)"), []) {
                problems.push(said(lang,
                    format!("index de recherche endommagé ({fts} : {e}) : `recolte store rebuild` le refait depuis les documents, sans rien perdre (s'il n'y parvient pas : exportez un paquet et importez-le dans un dossier de données neuf)"),
                    format!("damaged search index ({fts}: {e}): `recolte store rebuild` makes it again from the documents, losing nothing (if it cannot: export a bundle and import it into a new data folder)"),
                ));
            }
        }
        tx.rollback().ctx(ctx.0, ctx.1)?;
        Ok(problems)
    }
}

/// Folds a document's log, inside the caller's (immediate) transaction: into one entry, or,
/// when the document has named snapshots, into one entry per stretch between them, so that
/// replaying the log up to a snapshot's entry still gives exactly its state. Returns the
/// number of entries before and after, and their bytes before and after. A log with nothing to
/// fold is left as it is.
pub(crate) fn compact_document(tx: &rusqlite::Connection, name: &DocName) -> Result<Folded, Error> {
    compact_document_until(tx, name, None)
}

/// Where this device's edits not confirmed by a hub it synced the document with begin: the
/// least such hub's confirmed entry, when local edits follow it. Folded, they would read as
/// the log's (`origin = 'snapshot'`), and the status and a join's hand-over would count them
/// shared (`unconfirmed_local_edits` counts local entries): they are left as they are.
fn unshared_from(tx: &rusqlite::Connection, name: &DocName) -> Result<Option<i64>, Error> {
    tx.query_row(
        "SELECT min(s.confirmed_seq) FROM sync_state s WHERE s.doc = ?1 AND EXISTS
           (SELECT 1 FROM doc_updates u WHERE u.doc = s.doc AND u.seq > s.confirmed_seq AND u.origin = ?2)",
        params![name.to_string(), LogOrigin::Local.as_str()],
        |r| r.get(0),
    )
    .ctx("lecture de l'état de synchronisation", "reading the sync state")
}

/// [`compact_document`], folding only the entries up to `until` (all when `None`).
fn compact_document_until(tx: &rusqlite::Connection, name: &DocName, until: Option<i64>) -> Result<Folded, Error> {
    let mut rows = log::all_entries(tx, name)?;
    let kept_apart: Vec<log::Entry> = match until {
        Some(until) => {
            let at = rows.partition_point(|entry| entry.seq <= until);
            rows.split_off(at)
        }
        None => Vec::new(),
    };
    let mut folded = fold(tx, name, &rows)?;
    let apart: usize = kept_apart.iter().map(|entry| entry.data.len()).sum();
    folded.entries += kept_apart.len();
    folded.entries_after += kept_apart.len();
    folded.bytes += apart;
    folded.bytes_after += apart;
    Ok(folded)
}

/// Folds `rows`, the first entries of a document's log (see [`compact_document`]).
fn fold(tx: &rusqlite::Connection, name: &DocName, rows: &[log::Entry]) -> Result<Folded, Error> {
    let before: usize = rows.iter().map(|entry| entry.data.len()).sum();
    let Some(last_seq) = rows.last().map(|entry| entry.seq) else { return Ok(Folded::default()) };
    let mut ends: Vec<i64> = crate::snapshots::points(tx, name)?;
    ends.extend(shared_snapshot_points(name, rows)?);
    ends.retain(|p| *p < last_seq);
    ends.sort_unstable();
    ends.dedup();
    ends.push(last_seq);
    // A stretch ends at the last entry at or before each point.
    let mut stretches: Vec<(&log::Entry, Vec<&log::Entry>)> = Vec::new();
    let mut rest = rows.iter().peekable();
    for end in ends {
        let stretch: Vec<&log::Entry> = std::iter::from_fn(|| rest.next_if(|entry| entry.seq <= end)).collect();
        if let Some(&last) = stretch.last() {
            stretches.push((last, stretch));
        }
    }
    if stretches.iter().all(|(_, stretch)| stretch.len() == 1) {
        return Ok(Folded { entries: rows.len(), entries_after: rows.len(), bytes: before, bytes_after: before });
    }
    let doc = new_doc_of(name.kind());
    let mut folded: Vec<(&log::Entry, Vec<u8>)> = Vec::new();
    let mut known = StateVector::default();
    for (end, stretch) in &stretches {
        {
            let mut txn = doc.transact_mut_with(ORIGIN_REMOTE);
            for entry in stretch {
                entry.apply(&mut txn, name)?;
            }
        }
        // What this stretch added (and the deletions up to its end); it includes updates
        // still waiting for their dependencies.
        let txn = doc.transact();
        folded.push((end, txn.encode_state_as_update_v1(&known)));
        known = txn.state_vector();
    }
    let ctx = ("compactage du journal", "compacting the log");
    tx.execute(
        "DELETE FROM undo_ignored WHERE entry IN (SELECT seq FROM doc_updates WHERE doc = ?1 AND seq <= ?2)",
        params![name.to_string(), last_seq],
    )
    .ctx(ctx.0, ctx.1)?;
    tx.execute("DELETE FROM doc_updates WHERE doc = ?1 AND seq <= ?2", params![name.to_string(), last_seq])
        .ctx(ctx.0, ctx.1)?;
    // The changes folded are no longer entries of their own: nothing left to undo among them.
    // Steps about the entries kept stay (an edit this device shared with no hub, and its undo,
    // are kept as they were: forgetting that undo made it a change, and the next Ctrl+Z did the
    // edit again). An entry kept that undid or redid a change folded can be neither undone
    // nor redone any more: passed over, not taken for a change of its own.
    tx.execute(
        "INSERT OR IGNORE INTO undo_ignored (entry)
           SELECT entry FROM undo_steps WHERE doc = ?1 AND change <= ?2 AND entry > ?2",
        params![name.to_string(), last_seq],
    )
    .ctx(ctx.0, ctx.1)?;
    tx.execute(
        "DELETE FROM undo_steps WHERE doc = ?1 AND (change <= ?2 OR entry <= ?2)",
        params![name.to_string(), last_seq],
    )
    .ctx(ctx.0, ctx.1)?;
    // Each folded entry keeps the highest sequence number it covers (a process that has
    // applied up to it has nothing to reload; one that has not reloads it) and when that
    // entry was saved, so the moments before the compaction stay where they were.
    let mut after = Folded { entries: rows.len(), entries_after: folded.len(), bytes: before, bytes_after: 0 };
    for (end, data) in folded {
        tx.execute(
            "INSERT INTO doc_updates (seq, doc, data, origin, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![end.seq, name.to_string(), data, LogOrigin::Snapshot.as_str(), end.saved_at],
        )
        .ctx(ctx.0, ctx.1)?;
        after.bytes_after += data.len();
    }
    Ok(after)
}

/// What a compaction did to one document's log.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Folded {
    pub entries: usize,
    pub entries_after: usize,
    pub bytes: usize,
    pub bytes_after: usize,
}

/// The entries just before each snapshot taken by hand arrived in the log: points too, so that
/// the history before a compaction keeps a version at each of them.
fn shared_snapshot_points(name: &DocName, rows: &[log::Entry]) -> Result<Vec<i64>, Error> {
    if !name.kind().roots().contains(&recolte_core::schema::SNAPSHOTS) {
        return Ok(Vec::new());
    }
    let doc = new_doc_of(name.kind());
    let (mut points, mut known, mut previous) = (Vec::new(), 0, 0);
    for entry in rows {
        entry.apply(&mut doc.transact_mut_with(ORIGIN_REMOTE), name)?;
        let count = recolte_core::schema::snapshot_count(&doc.transact());
        if count > known && previous > 0 {
            points.push(previous);
        }
        (known, previous) = (count, entry.seq);
    }
    Ok(points)
}

/// When a document's log last grew (RFC 3339), if it holds anything.
pub(crate) fn last_saved(conn: &rusqlite::Connection, name: &DocName) -> Result<Option<String>, Error> {
    conn.prepare_cached("SELECT max(saved_at) FROM doc_updates WHERE doc = ?1")
        .and_then(|mut stmt| stmt.query_row([name.to_string()], |r| r.get(0)))
        .ctx("lecture du journal", "reading the log")
}

/// Size of a store's logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogStats {
    pub documents: usize,
    pub updates: usize,
    pub bytes: usize,
}

impl Store {
    pub fn log_stats(&self) -> Result<LogStats, Error> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM documents), count(*), COALESCE(sum(length(data)), 0) FROM doc_updates",
                [],
                |r| {
                    Ok(LogStats {
                        documents: r.get::<_, i64>(0)? as usize,
                        updates: r.get::<_, i64>(1)? as usize,
                        bytes: r.get::<_, i64>(2)? as usize,
                    })
                },
            )
            .ctx("lecture des statistiques", "reading statistics")
    }
}

/// One of two texts made for a check's report, in `lang`.
fn said(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}
