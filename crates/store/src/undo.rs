//! Undo and redo of this device's own changes, by document, in order, across restarts and
//! processes (the app and the command line share them): a change is a local entry of the
//! document's log; undoing it writes back, by difference, what it altered and what nobody has
//! changed since (`recolte_core::schema::revert`), as a new local entry that syncs like any
//! other. A change that arrived from another device is never on the stack.
//!
//! The stacks are not kept in memory: they are read from the log and the `undo_steps` table,
//! so that they survive the window re-rendering, the app restarting, and the command line
//! undoing what the app did.

use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::{self, DocName};
use rusqlite::{params, Connection};
use serde::Serialize;
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

use crate::error::{Error, ResultExt};
use crate::snapshots::{self, SnapshotReason};
use crate::write::LogOrigin;
use crate::{projection, Store};

/// Which way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum UndoAction {
    Undo,
    Redo,
}

impl UndoAction {
    fn as_str(self) -> &'static str {
        match self {
            UndoAction::Undo => "undo",
            UndoAction::Redo => "redo",
        }
    }
}

/// What an undo or a redo did, and what is left to undo and redo in that document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UndoOutcome {
    pub action: UndoAction,
    /// The log entry undone or redone.
    pub change: i64,
    /// Fields written back. 0: everything that change did was changed since by another device
    /// (or by this one, through another change), so nothing was written.
    pub written: usize,
    pub can_undo: usize,
    pub can_redo: usize,
    /// The titles of the proposals the change was about (the one voted for, marked, edited…),
    /// a few at most: what the app says was undone.
    pub about: Vec<String>,
    /// The titles of what this step left although it would have taken it away: a proposal a
    /// merge cites, a merge the panel voted on, marked or commented (undo it there first).
    pub kept: Vec<String>,
}

/// How many changes of this device can be undone and redone in a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UndoDepth {
    pub can_undo: usize,
    pub can_redo: usize,
}

/// Where an undo applies: the document of a session, of a theme's synthesis, or the panel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndoPlace {
    Session(SessionId),
    Theme(u32),
    Panel,
}

/// Changes of this device that only touched what undo leaves alone (the clock, an arrival)
/// are marked when written and left off the stacks; in a store written before that mark
/// existed, they are passed over when met, this many at most, so that a long run of them
/// cannot stall an undo.
const PASS_OVER: usize = 200;

impl Store {
    /// The document an undo in `place` applies to; an unknown session or theme is an error.
    pub fn undo_document(&self, event: EventId, place: UndoPlace) -> Result<DocName, Error> {
        Ok(match place {
            UndoPlace::Session(session) => {
                if self.session_event(session)? != event {
                    return Err(Error::UnknownSession(session.to_string()));
                }
                DocName::Session(event, session)
            }
            UndoPlace::Theme(theme) => {
                self.check_theme(event, theme)?;
                DocName::Synthesis(event, theme)
            }
            UndoPlace::Panel => DocName::Panel(self.resolve_event(Some(event))?),
        })
    }

    /// Undoes this device's last change to `doc` that is not undone yet.
    pub fn undo(&mut self, doc: &DocName) -> Result<UndoOutcome, Error> {
        self.step(doc, UndoAction::Undo)
    }

    /// Makes again the last change undone, if no new change was made since.
    pub fn redo(&mut self, doc: &DocName) -> Result<UndoOutcome, Error> {
        self.step(doc, UndoAction::Redo)
    }

    pub fn undo_depth(&self, doc: &DocName) -> Result<UndoDepth, Error> {
        let (undo, redo) = stacks(&self.conn, doc)?;
        Ok(UndoDepth { can_undo: undo.len(), can_redo: redo.len() })
    }

    /// One undo or redo, under the write lock from reading the stacks to the new entry: a
    /// compaction or an edit by another process cannot slip in between.
    fn step(&mut self, doc: &DocName, action: UndoAction) -> Result<UndoOutcome, Error> {
        let by = self.author()?;
        let (change, written, records, kept) =
            self.write(("enregistrement de l'annulation", "saving the undo"), |write| {
                for _ in 0..PASS_OVER {
                    let (undo, redo) = stacks(write.conn(), doc)?;
                    let stack = if action == UndoAction::Undo { undo } else { redo };
                    let Some(&change) = stack.last() else {
                        return Err(nothing_to(write.conn(), action, doc));
                    };
                    let (before, after) = around(write.conn(), doc, change)?;
                    let kind = doc.kind();
                    let records = schema::changed_records(kind, &before.transact(), &after.transact());
                    let content = !records.is_empty();
                    let (from, to) = match action {
                        UndoAction::Undo => (&before, &after),
                        UndoAction::Redo => (&after, &before),
                    };
                    let held = if content { held_elsewhere(write.conn(), doc)? } else { Default::default() };
                    // The records this step would take away that other documents hold to: left.
                    let kept: Vec<String> = records
                        .iter()
                        .filter(|key| held.contains(*key) && schema::gone_in(kind, &from.transact(), key))
                        .cloned()
                        .collect();
                    let written = if content {
                        if action == UndoAction::Undo && kept.is_empty() {
                            if let Some(title) = merge_of(kind, &before, &after) {
                                // What the synthesis held with the merge, should its undo be the mistake.
                                if let Some(entry) = snapshots::last_entry(write.conn(), doc)? {
                                    let now = schema::now();
                                    snapshots::insert(
                                        write.conn(),
                                        doc,
                                        entry,
                                        SnapshotReason::UndoMerge,
                                        &title,
                                        &now,
                                        &by,
                                    )?;
                                }
                            }
                        }
                        write.local(
                            doc,
                            |txn| {
                                Ok(schema::revert(txn, kind, &from.transact(), &to.transact(), &|_, key| {
                                    held.contains(key)
                                }))
                            },
                            |conn, txn, _| {
                                projection::project_document(conn, doc, txn)?;
                                record(conn, doc, action, change, true)
                            },
                        )?
                    } else {
                        0
                    };
                    if written == 0 {
                        record(write.conn(), doc, action, change, false)?;
                    }
                    if content {
                        return Ok((change, written, records, kept));
                    }
                }
                Err(nothing_to(write.conn(), action, doc))
            })?;
        let depth = self.undo_depth(doc)?;
        let mut about: Vec<String> = Vec::new();
        for record in &records {
            if let Some(title) = title_of(&self.conn, record)? {
                if !about.contains(&title) {
                    about.push(title);
                }
            }
        }
        about.truncate(3);
        let mut kept_titles: Vec<String> = Vec::new();
        for record in &kept {
            if let Some(title) = title_of(&self.conn, record)? {
                kept_titles.push(title);
            }
        }
        Ok(UndoOutcome {
            action,
            change,
            written,
            can_undo: depth.can_undo,
            can_redo: depth.can_redo,
            about,
            kept: kept_titles,
        })
    }
}

/// The records of `doc` that other documents hold to: its proposals that a standing merge
/// cites, its consolidated proposals the panel voted on, marked or commented. Taking back
/// their creation (an undo, a restore) would hide that work too: the rapporteur's merge would
/// lose a source, the panel its votes.
pub(crate) fn held_elsewhere(conn: &Connection, doc: &DocName) -> Result<std::collections::HashSet<String>, Error> {
    let sql = match doc {
        DocName::Session(..) => {
            "SELECT cs.proposal_id FROM consolidated_sources cs JOIN consolidated c ON c.id = cs.consolidated_id
              WHERE c.deleted = 0 AND cs.session_id = ?1"
        }
        DocName::Synthesis(..) => {
            "SELECT consolidated_id FROM panel_votes WHERE event_id = ?1 AND dots > 0
             UNION SELECT consolidated_id FROM panel_marks WHERE event_id = ?1 AND carry_forward = 1
             UNION SELECT consolidated_id FROM panel_comments WHERE event_id = ?1 AND deleted = 0"
        }
        DocName::Event(_) | DocName::Panel(_) => return Ok(std::collections::HashSet::new()),
    };
    let key = match doc {
        DocName::Session(_, session) => session.to_string(),
        other => other.event().to_string(),
    };
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_map([key], |r| r.get(0))?.collect())
        .ctx("lecture de ce qui cite le document", "reading what cites the document")
}

/// The title of the consolidated proposal a change created (a merge), if it did.
fn merge_of(kind: schema::DocKind, before: &Doc, after: &Doc) -> Option<String> {
    if kind != schema::DocKind::Synthesis {
        return None;
    }
    let existing: Vec<_> = schema::read_consolidated_all(&before.transact()).into_iter().map(|c| c.id).collect();
    schema::read_consolidated_all(&after.transact()).into_iter().find(|c| !existing.contains(&c.id)).map(|c| c.title)
}

/// Nothing to undo or redo in `doc`: said with the compaction that folded its steps, if one did.
fn nothing_to(conn: &Connection, action: UndoAction, doc: &DocName) -> Error {
    // A failed read only loses the explanation, not the refusal.
    let compacted = action == UndoAction::Undo
        && conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM doc_updates WHERE doc = ?1 AND origin = ?2)")
            .and_then(|mut stmt| stmt.query_row(params![doc.to_string(), LogOrigin::Snapshot.as_str()], |r| r.get(0)))
            .unwrap_or(false);
    Error::NothingTo { action, doc: doc.clone(), compacted }
}

/// The undo and redo stacks of a document, oldest first, as log entries.
fn stacks(conn: &Connection, doc: &DocName) -> Result<(Vec<i64>, Vec<i64>), Error> {
    let name = doc.to_string();
    let ctx = ("lecture de l'historique d'annulation", "reading the undo history");
    let changes: Vec<i64> = conn
        .prepare_cached(
            "SELECT seq FROM doc_updates WHERE doc = ?1 AND origin = ?2
               AND seq NOT IN (SELECT entry FROM undo_steps WHERE doc = ?1 AND entry IS NOT NULL)
               AND seq NOT IN (SELECT entry FROM undo_ignored)
             ORDER BY seq",
        )
        .and_then(|mut stmt| {
            stmt.query_map(params![&name, LogOrigin::Local.as_str()], |r| r.get(0))?.collect::<Result<Vec<_>, _>>()
        })
        .ctx(ctx.0, ctx.1)?;
    let steps: Vec<(i64, String, i64)> = conn
        .prepare_cached("SELECT position, action, change FROM undo_steps WHERE doc = ?1 ORDER BY id")
        .and_then(|mut stmt| {
            stmt.query_map([&name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()
        })
        .ctx(ctx.0, ctx.1)?;
    let (mut undo, mut redo) = (Vec::new(), Vec::new());
    let mut changes = changes.into_iter().peekable();
    let mut steps = steps.into_iter().peekable();
    loop {
        // A change and the steps that came after it, in the order they were made; a step
        // that wrote nothing sits at the log's last entry of its time, after that entry.
        let take_change = match (changes.peek(), steps.peek()) {
            (Some(&seq), Some(&(position, _, _))) => seq <= position,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_change {
            if let Some(seq) = changes.next() {
                undo.push(seq);
                redo.clear();
            }
            continue;
        }
        let Some((_, action, change)) = steps.next() else { break };
        let (from, to) = if action == "undo" { (&mut undo, &mut redo) } else { (&mut redo, &mut undo) };
        if from.last() == Some(&change) {
            from.pop();
            to.push(change);
        }
    }
    Ok((undo, redo))
}

/// The document as it stood just before a log entry of this device, and just after it.
fn around(conn: &Connection, doc: &DocName, change: i64) -> Result<(Doc, Doc), Error> {
    let entries = crate::log::entries(conn, doc, 0, change)?;
    // Only a change of this device is taken back: never a compacted snapshot that took its
    // number, which would read as "everything was created by it".
    let Some((last, earlier)) = entries.split_last() else {
        return Err(nothing_to(conn, UndoAction::Undo, doc));
    };
    if last.seq != change || last.origin != LogOrigin::Local.as_str() {
        return Err(nothing_to(conn, UndoAction::Undo, doc));
    }
    let before = schema::new_doc_of(doc.kind());
    {
        let mut txn = before.transact_mut_with(schema::ORIGIN_REMOTE);
        for entry in earlier {
            entry.apply(&mut txn, doc)?;
        }
    }
    let after = schema::new_doc_of(doc.kind());
    {
        let state = before.transact().encode_state_as_update_v1(&StateVector::default());
        let mut txn = after.transact_mut_with(schema::ORIGIN_REMOTE);
        txn.apply_update(Update::decode_v1(&state).map_err(|e| crate::log::corrupt(doc, change, e))?)
            .map_err(|e| crate::log::corrupt(doc, change, e))?;
        last.apply(&mut txn, doc)?;
    }
    Ok((before, after))
}

/// The title of the proposal a record is about: itself (a proposal, a consolidated one, set
/// aside), or the consolidated proposal it concerns (a mark, a vote `ID|member`, a comment).
pub(crate) fn title_of(conn: &Connection, key: &str) -> Result<Option<String>, Error> {
    let id = key.split('|').next().unwrap_or(key);
    conn.prepare_cached(
        "SELECT title FROM proposals WHERE id = ?1
         UNION ALL SELECT title FROM consolidated WHERE id = ?1
         UNION ALL SELECT c.title FROM panel_comments p JOIN consolidated c ON c.id = p.consolidated_id WHERE p.id = ?1
         LIMIT 1",
    )
    .and_then(|mut stmt| {
        let mut rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        rows.next().transpose()
    })
    .ctx("lecture des titres", "reading the titles")
}

/// Records a step; `wrote`: it appended the log's last entry (inside the same transaction).
fn record(
    conn: &rusqlite::Connection,
    doc: &DocName,
    action: UndoAction,
    change: i64,
    wrote: bool,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO undo_steps (doc, action, change, entry, position, taken_at)
         SELECT ?1, ?2, ?3, CASE WHEN ?4 THEN max(seq) END, coalesce(max(seq), 0), ?5 FROM doc_updates",
    )
    .and_then(|mut stmt| stmt.execute(params![doc.to_string(), action.as_str(), change, wrote, schema::now()]))
    .ctx("enregistrement de l'annulation", "saving the undo step")?;
    Ok(())
}
