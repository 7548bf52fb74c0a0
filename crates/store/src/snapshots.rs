//! Named snapshots: a document as it stood, with a name and why it was taken, to read it or
//! put it back. Two kinds, for two needs:
//!
//! - **Taken by hand** (*Prendre un instantané*): a record of its own in the document it is of
//!   (`schema::take_snapshot`: the document's content as one Yjs update), so it travels with the
//!   document and every device that holds the document can read and restore it.
//! - **Taken on their own**, before every merge, undo of a merge, import of a bundle and
//!   restore, and at the end of each session's slot: a point in this device's log (the last
//!   entry the state includes), one row, kept on this device. They are about what this device
//!   did, or saw (every device takes its own end-of-slot snapshot), and would cost a copy of the
//!   document each if they travelled. `store compact` folds the log between points, never
//!   across one, so each stays exactly restorable.
//!
//! Restoring writes the snapshot's values back by difference (as an undo does), as a new edit
//! of this device that syncs like any other, after a snapshot of what it replaces.

use jiff::Timestamp;
use recolte_core::ids::EventId;
use recolte_core::schema::{self, DocName};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use yrs::{Doc, Transact};

use crate::error::{Error, ResultExt};
use crate::history::SessionContent;
use crate::{projection, Store};

/// Why a snapshot was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotReason {
    /// On demand, with a name.
    Manual,
    /// What had reached this device when the session's slot ended.
    SessionEnd,
    /// Just before a merge into a consolidated proposal (the name is the merge's title).
    Merge,
    /// Just before an undo took a merge back.
    UndoMerge,
    /// Just before a bundle brought changes (the name is when the bundle was made).
    Import,
    /// Just before another snapshot was restored (the name is that snapshot's).
    Restore,
}

impl SnapshotReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotReason::Manual => "manual",
            SnapshotReason::SessionEnd => "session_end",
            SnapshotReason::Merge => "merge",
            SnapshotReason::UndoMerge => "undo_merge",
            SnapshotReason::Import => "import",
            SnapshotReason::Restore => "restore",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "session_end" => SnapshotReason::SessionEnd,
            "merge" => SnapshotReason::Merge,
            "undo_merge" => SnapshotReason::UndoMerge,
            "import" => SnapshotReason::Import,
            "restore" => SnapshotReason::Restore,
            _ => SnapshotReason::Manual,
        }
    }

    /// How the snapshot is called, in French and in English.
    pub fn label(self, name: &str) -> (String, String) {
        match self {
            SnapshotReason::Manual => (name.to_owned(), name.to_owned()),
            SnapshotReason::SessionEnd => ("Fin du créneau".into(), "End of the slot".into()),
            SnapshotReason::Merge => (format!("Avant la fusion « {name} »"), format!("Before merging “{name}”")),
            SnapshotReason::UndoMerge => {
                (format!("Avant l'annulation de la fusion « {name} »"), format!("Before undoing the merge “{name}”"))
            }
            SnapshotReason::Import => {
                (format!("Avant l'import d'un paquet du {name}"), format!("Before importing a bundle of {name}"))
            }
            SnapshotReason::Restore => {
                (format!("Avant la restauration de « {name} »"), format!("Before restoring “{name}”"))
            }
        }
    }
}

/// A named snapshot of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NamedSnapshot {
    /// A number for one kept on this device, a UUID for one taken by hand (in the document).
    pub id: String,
    /// The document (`session:…`, `synthesis:…`, `panel:…`).
    pub doc: String,
    pub reason: SnapshotReason,
    /// The name given by hand, or what the automatic snapshot is about.
    pub name: String,
    /// How it reads, in French and in English.
    pub label: String,
    pub label_en: String,
    /// When it was taken (RFC 3339); an end-of-slot snapshot says when the slot ended.
    pub taken_at: String,
    /// The display name of the person on the device that took it.
    pub taken_by: String,
    /// Whether it travels with the document (taken by hand), or is kept on this device.
    pub shared: bool,
}

/// A document's content at a snapshot, as the screens read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SnapshotContent {
    Session(SessionContent),
    Synthesis { consolidated: Vec<schema::ConsolidatedRecord> },
    Panel { marks: Vec<schema::MarkRecord>, comments: Vec<schema::CommentRecord>, votes: Vec<schema::VoteRecord> },
}

/// What a restore wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SnapshotRestore {
    /// Fields written back (0: the document already stood as the snapshot).
    pub written: usize,
    /// The records it took away from everyone (written since the snapshot, by anyone).
    pub taken_away: Vec<schema::TakenAway>,
    /// The snapshot taken just before, of what the restore replaced.
    pub before: Option<NamedSnapshot>,
    /// The titles of what it left although the snapshot does not have it: a proposal a merge
    /// cites, a merge the panel voted on, marked or commented.
    pub kept: Vec<String>,
}

/// What restoring a snapshot would do, told before it is done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RestorePreview {
    /// Fields it would write back (0: the document already stands as the snapshot).
    pub written: usize,
    /// The records it would take away from everyone: a colleague's proposal added since.
    pub taken_away: Vec<schema::TakenAway>,
    /// What it would leave although the snapshot does not have it (see [`SnapshotRestore`]).
    pub kept: Vec<String>,
}

/// The last entry of a document's log, if it has any.
pub(crate) fn last_entry(conn: &Connection, doc: &DocName) -> Result<Option<i64>, Error> {
    conn.prepare_cached("SELECT max(seq) FROM doc_updates WHERE doc = ?1")
        .and_then(|mut stmt| stmt.query_row([doc.to_string()], |r| r.get(0)))
        .ctx("lecture du journal", "reading the log")
}

/// Records a snapshot at `entry`. Returns its id.
pub(crate) fn insert(
    conn: &Connection,
    doc: &DocName,
    entry: i64,
    reason: SnapshotReason,
    name: &str,
    taken_at: &str,
    by: &str,
) -> Result<i64, Error> {
    conn.prepare_cached(
        "INSERT INTO named_snapshots (doc, entry, reason, name, taken_at, taken_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut stmt| stmt.execute(params![doc.to_string(), entry, reason.as_str(), name, taken_at, by]))
    .ctx("enregistrement de l'instantané", "saving the snapshot")?;
    Ok(conn.last_insert_rowid())
}

/// Records a snapshot of the document as it stands before the change being written: at the
/// entry before its last one (the change's own), inside the change's transaction.
pub(crate) fn before_last(
    conn: &Connection,
    doc: &DocName,
    reason: SnapshotReason,
    name: &str,
    by: &str,
) -> Result<(), Error> {
    let entry: Option<i64> = conn
        .prepare_cached(
            "SELECT max(seq) FROM doc_updates WHERE doc = ?1
               AND seq < (SELECT max(seq) FROM doc_updates WHERE doc = ?1)",
        )
        .and_then(|mut stmt| stmt.query_row([doc.to_string()], |r| r.get(0)))
        .ctx("lecture du journal", "reading the log")?;
    // A document the change began holds nothing before it: entry 0, its empty state.
    insert(conn, doc, entry.unwrap_or(0), reason, name, &schema::now(), by)?;
    Ok(())
}

/// The points of a document's log that compaction keeps: its snapshots' entries.
pub(crate) fn points(conn: &Connection, doc: &DocName) -> Result<Vec<i64>, Error> {
    conn.prepare_cached("SELECT DISTINCT entry FROM named_snapshots WHERE doc = ?1 ORDER BY entry")
        .and_then(|mut stmt| stmt.query_map([doc.to_string()], |r| r.get(0))?.collect::<Result<Vec<_>, _>>())
        .ctx("lecture des instantanés", "reading the snapshots")
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(NamedSnapshot, LocalPoint)> {
    let reason = SnapshotReason::parse(&r.get::<_, String>(3)?);
    let name: String = r.get(4)?;
    let (label, label_en) = reason.label(&name);
    let point = LocalPoint { doc: r.get(1)?, entry: r.get(2)? };
    let snapshot = NamedSnapshot {
        id: r.get::<_, i64>(0)?.to_string(),
        doc: point.doc.clone(),
        shared: false,
        reason,
        name,
        label,
        label_en,
        taken_at: r.get(5)?,
        taken_by: r.get(6)?,
    };
    Ok((snapshot, point))
}

/// Where a snapshot kept on this device is: its document and its log entry.
struct LocalPoint {
    doc: String,
    entry: i64,
}

fn from_record(doc: &DocName, record: &schema::SnapshotRecord) -> NamedSnapshot {
    let (label, label_en) = SnapshotReason::Manual.label(&record.name);
    NamedSnapshot {
        id: record.id.clone(),
        doc: doc.to_string(),
        reason: SnapshotReason::Manual,
        name: record.name.clone(),
        label,
        label_en,
        taken_at: record.taken_at.clone(),
        taken_by: record.taken_by.clone(),
        shared: true,
    }
}

const COLUMNS: &str = "id, doc, entry, reason, name, taken_at, taken_by";

impl Store {
    /// Takes a snapshot of a document now, by hand, with a name: a record in the document, so
    /// that it travels with it.
    pub fn take_snapshot(&mut self, doc: &DocName, name: &str) -> Result<NamedSnapshot, Error> {
        let name = crate::ops::non_empty(name, crate::Field::Name)?;
        if doc.kind() == schema::DocKind::Event || self.last_seq(doc)? == 0 {
            return Err(Error::NothingToSnapshot(doc.clone()));
        }
        let (by, at, id) = (self.author()?, schema::now(), recolte_core::ids::ProposalId::new().to_string());
        let kind = doc.kind();
        // A mark in the document, not a change of its content: undo passes over it (on the
        // stack, Ctrl+Z found nothing to take back in it, and it ended what could be redone).
        self.control(doc, |txn| schema::take_snapshot(txn, kind, &id, &name, &by, &at))?;
        self.snapshot(&id)
    }

    /// One snapshot, by its id.
    pub fn snapshot(&mut self, id: &str) -> Result<NamedSnapshot, Error> {
        Ok(self.find(id)?.0)
    }

    /// A snapshot and the state it names.
    fn find(&mut self, id: &str) -> Result<(NamedSnapshot, Doc), Error> {
        let unknown = || Error::UnknownSnapshot(id.chars().take(60).collect());
        if let Ok(number) = id.trim().parse::<i64>() {
            let (snapshot, point) = self
                .conn
                .prepare_cached(&format!("SELECT {COLUMNS} FROM named_snapshots WHERE id = ?1"))
                .and_then(|mut stmt| stmt.query_row([number], read_row).optional())
                .ctx("lecture des instantanés", "reading the snapshots")?
                .ok_or_else(unknown)?;
            let doc: DocName = point.doc.parse().map_err(|_| unknown())?;
            self.within_scope(doc.event(), id.trim())?;
            let state = crate::log::replay(&self.conn, &doc, point.entry)?;
            return Ok((snapshot, state));
        }
        // A snapshot taken by hand is a record keyed by its id in its document: the documents
        // whose log holds those bytes are read first (SQLite scans bytes much faster than
        // documents load), and every document only if none of them has it.
        let id = id.trim();
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(unknown());
        }
        let holding: Vec<DocName> = self
            .conn
            .prepare_cached("SELECT DISTINCT doc FROM doc_updates WHERE instr(data, ?1) > 0")
            .and_then(|mut stmt| {
                stmt.query_map([id.as_bytes()], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture des instantanés", "reading the snapshots")?
            .into_iter()
            .filter_map(|name| name.parse().ok())
            .collect();
        let mut everywhere = Vec::new();
        for summary in self.events()? {
            everywhere.extend(self.documents(summary.id)?.into_iter().filter(|doc| !holding.contains(doc)));
        }
        for doc in holding.into_iter().chain(everywhere) {
            if let Some(record) = self.shared_snapshots(&doc)?.into_iter().find(|r| r.id == id) {
                self.within_scope(doc.event(), id)?;
                let state = schema::snapshot_doc(doc.kind(), &record.state).map_err(|reason| {
                    Error::Core(recolte_core::Error::from(recolte_core::bundle::BundleError::InvalidUpdate {
                        doc: doc.to_string(),
                        reason,
                    }))
                })?;
                return Ok((from_record(&doc, &record), state));
            }
        }
        Err(unknown())
    }

    /// The snapshots taken by hand that a document holds.
    fn shared_snapshots(&mut self, doc: &DocName) -> Result<Vec<schema::SnapshotRecord>, Error> {
        if doc.kind() == schema::DocKind::Event {
            return Ok(Vec::new());
        }
        Ok(schema::read_snapshots(&self.read_doc(doc)?.transact()))
    }

    /// The snapshots of an event's documents (or of one of them), oldest first: those taken by
    /// hand (in the documents) and those kept on this device. The end-of-slot snapshots of
    /// sessions whose slot has ended are taken first, if they were not.
    pub fn snapshots(&mut self, event: EventId, doc: Option<&DocName>) -> Result<Vec<NamedSnapshot>, Error> {
        // (not on a store open for reading only: listing must not need the disk)
        if self.unwritable().is_none() {
            self.take_due_snapshots(Timestamp::now())?;
        }
        let kept: Vec<NamedSnapshot> = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM named_snapshots"))
            .and_then(|mut stmt| stmt.query_map([], read_row)?.collect::<Result<Vec<_>, _>>())
            .ctx("lecture des instantanés", "reading the snapshots")?
            .into_iter()
            .map(|(snapshot, _)| snapshot)
            .collect();
        let docs = match doc {
            Some(doc) => vec![doc.clone()],
            None => self.documents(event)?,
        };
        let mut all: Vec<NamedSnapshot> =
            kept.into_iter().filter(|s| docs.iter().any(|d| s.doc == d.to_string())).collect();
        for doc in &docs {
            all.extend(self.shared_snapshots(doc)?.iter().map(|record| from_record(doc, record)));
        }
        all.sort_by(|a, b| (&a.taken_at, a.id.len(), &a.id).cmp(&(&b.taken_at, b.id.len(), &b.id)));
        Ok(all)
    }

    /// Takes the end-of-slot snapshot of every session whose slot ended before `now` and has
    /// none yet: the last entry that had reached this device when the slot ended. A session of
    /// which nothing had reached this device by then gets none.
    pub fn take_due_snapshots(&mut self, now: Timestamp) -> Result<usize, Error> {
        let mut due: Vec<(DocName, Timestamp)> = Vec::new();
        for summary in self.events()? {
            let view = self.event(summary.id)?;
            for session in &view.sessions {
                let end = recolte_core::moment::slot_end(
                    &session.date,
                    &session.start,
                    session.duration_minutes,
                    &view.timezone,
                );
                if let Some(end) = end.filter(|end| *end <= now) {
                    due.push((DocName::Session(summary.id, session.id), end));
                }
            }
        }
        let mut taken = 0;
        for (doc, end) in due {
            let done: Option<i64> = self.lookup(
                "SELECT id FROM named_snapshots WHERE doc = ?1 AND reason = 'session_end'",
                [doc.to_string()],
                |r| r.get(0),
                ("lecture des instantanés", "reading the snapshots"),
            )?;
            if done.is_some() {
                continue;
            }
            // Read until the first entry saved after the slot's end: a session whose entries
            // all came later (looked at again on every listing) costs one row, not its log.
            let entry = self
                .conn
                .prepare_cached("SELECT seq, saved_at FROM doc_updates WHERE doc = ?1 ORDER BY seq")
                .and_then(|mut stmt| {
                    let mut rows = stmt.query([doc.to_string()])?;
                    let mut last = None;
                    while let Some(row) = rows.next()? {
                        if !row.get::<_, String>(1)?.parse::<Timestamp>().is_ok_and(|at| at <= end) {
                            break;
                        }
                        last = Some(row.get::<_, i64>(0)?);
                    }
                    Ok(last)
                })
                .ctx("lecture du journal", "reading the log")?;
            let Some(entry) = entry else { continue };
            // Not "by" anyone: every device takes its own at the same moment.
            let ctx = ("enregistrement de l'instantané", "saving the snapshot");
            self.conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO named_snapshots (doc, entry, reason, name, taken_at, taken_by)
                     VALUES (?1, ?2, 'session_end', '', ?3, '')",
                )
                .and_then(|mut stmt| stmt.execute(params![doc.to_string(), entry, end.to_string()]))
                .ctx(ctx.0, ctx.1)?;
            taken += 1;
        }
        Ok(taken)
    }

    /// What a document held at a snapshot.
    pub fn snapshot_content(&mut self, id: &str) -> Result<SnapshotContent, Error> {
        let (snapshot, state) = self.find(id)?;
        let txn = state.transact();
        Ok(match snapshot_doc(&snapshot)? {
            DocName::Session(..) => SnapshotContent::Session(SessionContent {
                subgroups: schema::read_subgroups(&txn),
                proposals: schema::read_proposals(&txn),
            }),
            DocName::Synthesis(..) => SnapshotContent::Synthesis { consolidated: schema::read_consolidated_all(&txn) },
            DocName::Panel(_) | DocName::Event(_) => SnapshotContent::Panel {
                marks: schema::read_marks(&txn),
                comments: schema::read_comments(&txn),
                votes: schema::read_votes(&txn),
            },
        })
    }

    /// Puts a document back as it stood at a snapshot: every field that changed since is
    /// written back by difference, a record created since is marked deleted, as one edit of
    /// this device (undoable, synced like any other), after a snapshot of what it replaces.
    pub fn restore_snapshot(&mut self, id: &str) -> Result<SnapshotRestore, Error> {
        let (snapshot, then) = self.find(id)?;
        let doc = snapshot_doc(&snapshot)?;
        let by = self.author()?;
        let kind = doc.kind();
        let ((written, taken_away), before, kept) =
            self.write(("restauration de l'instantané", "restoring the snapshot"), |write| {
                let current = last_entry(write.conn(), &doc)?.unwrap_or(0);
                let now = crate::log::replay(write.conn(), &doc, current)?;
                if !schema::changes_content(kind, &then.transact(), &now.transact()) {
                    return Ok(((0, Vec::new()), None, Vec::new()));
                }
                let held = crate::undo::held_elsewhere(write.conn(), &doc)?;
                let kept = kept_by_others(write.conn(), kind, &then, &now, &held)?;
                // Tried on a copy first: a document that differs from the snapshot only by
                // records deleted since (restored once already) has nothing to write back, and
                // each such restore kept one more « Avant la restauration » that held nothing.
                let copy = crate::log::replay(write.conn(), &doc, current)?;
                let would =
                    schema::revert(&mut copy.transact_mut(), kind, &then.transact(), &now.transact(), &|_, key| {
                        held.contains(key)
                    });
                if would == 0 {
                    return Ok(((0, Vec::new()), None, kept));
                }
                let before =
                    insert(write.conn(), &doc, current, SnapshotReason::Restore, &snapshot.label, &schema::now(), &by)?;
                let (written, mut taken) = write.local(
                    &doc,
                    |txn| {
                        let written =
                            schema::revert(txn, kind, &then.transact(), &now.transact(), &|_, key| held.contains(key));
                        Ok((written, schema::taken_away(kind, &now.transact(), txn)))
                    },
                    |conn, txn, _| projection::project_document(conn, &doc, txn),
                )?;
                name_decisions(write.conn(), &mut taken)?;
                Ok(((written, taken), Some(before), kept))
            })?;
        let before = before.map(|id| self.snapshot(&id.to_string())).transpose()?;
        Ok(SnapshotRestore { written, taken_away, before, kept })
    }

    /// What [`Store::restore_snapshot`] would do now, worked out on a copy: nothing is written.
    pub fn restore_preview(&mut self, id: &str) -> Result<RestorePreview, Error> {
        let (snapshot, then) = self.find(id)?;
        let doc = snapshot_doc(&snapshot)?;
        let kind = doc.kind();
        let current = last_entry(&self.conn, &doc)?.unwrap_or(0);
        let now = crate::log::replay(&self.conn, &doc, current)?;
        let copy = crate::log::replay(&self.conn, &doc, current)?;
        let held = crate::undo::held_elsewhere(&self.conn, &doc)?;
        let kept = kept_by_others(&self.conn, kind, &then, &now, &held)?;
        let mut txn = copy.transact_mut();
        let written = schema::revert(&mut txn, kind, &then.transact(), &now.transact(), &|_, key| held.contains(key));
        let mut taken_away = schema::taken_away(kind, &now.transact(), &txn);
        drop(txn);
        name_decisions(&self.conn, &mut taken_away)?;
        Ok(RestorePreview { written, taken_away, kept })
    }
}

/// The titles of the records live now, gone in the snapshot, that other documents hold to:
/// what a restore leaves, and says it left.
fn kept_by_others(
    conn: &rusqlite::Connection,
    kind: schema::DocKind,
    then: &Doc,
    now: &Doc,
    held: &std::collections::HashSet<String>,
) -> Result<Vec<String>, Error> {
    let (then, now) = (then.transact(), now.transact());
    let mut titles = Vec::new();
    for key in held {
        if schema::gone_in(kind, &then, key) && !schema::gone_in(kind, &now, key) {
            titles.push(crate::undo::title_of(conn, key)?.unwrap_or_else(|| key.clone()));
        }
    }
    titles.sort();
    Ok(titles)
}

/// A decision taken away is about proposals known here by their ids: named by their titles
/// (an id this device does not hold stays as it is).
fn name_decisions(conn: &rusqlite::Connection, taken: &mut [schema::TakenAway]) -> Result<(), Error> {
    let title =
        |id: &str| -> Result<String, Error> { Ok(crate::undo::title_of(conn, id)?.unwrap_or_else(|| id.to_owned())) };
    for record in taken.iter_mut() {
        record.label = match record.kind {
            "set_aside" | "vote" | "mark" => title(&record.label)?,
            "not_duplicates" => record.label.split('|').map(title).collect::<Result<Vec<_>, _>>()?.join(" / "),
            _ => continue,
        };
    }
    Ok(())
}

/// The document a snapshot is of.
fn snapshot_doc(snapshot: &NamedSnapshot) -> Result<DocName, Error> {
    snapshot.doc.parse().map_err(|_| Error::UnknownSnapshot(snapshot.id.clone()))
}
