//! The one way anything is written to a store's documents: under the write lock (`BEGIN
//! IMMEDIATE`), the cached document is caught up with the log, the change is applied, appended
//! to the log with its origin, and projected into the tables, then everything commits together
//! or not at all. After a commit the cached documents know the entries they applied; after a
//! failure the documents the write touched are dropped from the cache, so that the next
//! operation reloads what was actually saved.

use std::collections::{HashMap, HashSet};

use recolte_core::access::{Access, Scope};
use recolte_core::schema::{self, DocName, ORIGIN_LOCAL, ORIGIN_REMOTE};
use recolte_core::token;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use yrs::{Doc, Transact, TransactionMut};

use crate::error::{Error, ResultExt};
use crate::{projection, Cached, Store};

/// Where a log entry came from. `Local` entries are this device's own changes (the ones it
/// shares, and undoes); the others arrived from elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LogOrigin {
    /// Typed or imported on this device.
    Local,
    /// Received from a hub (or, in a hub's journal, from a device).
    Hub,
    /// Received by the hub that serves this store, from a device in the room: passed on to
    /// the hub this device syncs with, as its own changes are (a laptop serving the room
    /// relays the room's work to the event's server).
    Room,
    /// Merged from a bundle file.
    Bundle,
    /// What `store compact` folded into one entry.
    Snapshot,
}

impl LogOrigin {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LogOrigin::Local => "local",
            LogOrigin::Hub => "hub",
            LogOrigin::Room => "room",
            LogOrigin::Bundle => "bundle",
            LogOrigin::Snapshot => "snapshot",
        }
    }
}

/// The scope of the access token this device syncs with, kept with the token's text it was
/// read from: a keystroke compares the text instead of decoding the token again.
#[derive(Debug, Default)]
pub(crate) struct Rights {
    token: String,
    scope: Option<Scope>,
}

/// A write in progress: the SQL transaction, and the documents it brought up to date.
pub(crate) struct Write<'a> {
    tx: Transaction<'a>,
    docs: &'a mut HashMap<DocName, Cached>,
    registered: &'a mut HashSet<DocName>,
    rights: &'a mut Rights,
    /// Log entries applied to cached documents, recorded once committed.
    seen: Vec<(DocName, i64)>,
    /// New documents, cached once committed.
    made: Vec<(DocName, Doc, i64)>,
    touched: Vec<DocName>,
}

impl Store {
    /// Runs `work` as one durable write (see the module's documentation).
    pub(crate) fn write<R>(
        &mut self,
        (fr, en): (&'static str, &'static str),
        work: impl FnOnce(&mut Write<'_>) -> Result<R, Error>,
    ) -> Result<R, Error> {
        self.reopen_if_space();
        self.ensure_writable()?;
        let Store { conn, docs, registered, rights, .. } = self;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("verrouillage du stockage", "locking the store")?;
        let mut write = Write { tx, docs, registered, rights, seen: Vec::new(), made: Vec::new(), touched: Vec::new() };
        let outcome = work(&mut write);
        let Write { tx, docs, registered, seen, made, touched, .. } = write;
        let committed = outcome.and_then(|value| tx.commit().ctx(fr, en).map(|()| value));
        match committed {
            Ok(value) => {
                for (name, seq) in seen {
                    if let Some(cached) = docs.get_mut(&name) {
                        cached.seen = cached.seen.max(seq);
                    }
                    registered.insert(name);
                }
                for (name, doc, seq) in made {
                    registered.insert(name.clone());
                    docs.insert(name, Cached { doc, seen: seq });
                }
                Ok(value)
            }
            Err(error) => {
                // The documents touched may hold changes that were rolled back.
                for name in touched {
                    docs.remove(&name);
                }
                Err(error)
            }
        }
    }
}

impl Store {
    /// Refuses, with the reason, a write to a store open for reading only (a full or
    /// read-only disk): said once, the same for every write, rather than as SQLite's
    /// "read-only database".
    pub(crate) fn ensure_writable(&self) -> Result<(), Error> {
        match self.unwritable() {
            Some(why) => Err(Error::OpenForReading { path: self.path.clone(), why }),
            None => Ok(()),
        }
    }
}

impl Write<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// A change of this device that undo passes over (the clock's controls, an arrival):
    /// logged as `local`, shared like any other, never on the undo stack.
    pub(crate) fn control(&mut self, name: &DocName, change: impl FnOnce(&mut TransactionMut)) -> Result<(), Error> {
        self.local(
            name,
            |txn| {
                change(txn);
                Ok(())
            },
            |conn, _, ()| pass_over_in_undo(conn),
        )
    }

    /// Applies a change made on this device to a document: logged as `local` and projected.
    /// A change that changes nothing writes nothing.
    pub(crate) fn local<R>(
        &mut self,
        name: &DocName,
        change: impl FnOnce(&mut TransactionMut) -> Result<R, recolte_core::Error>,
        project: impl FnOnce(&Connection, &yrs::Transaction, &R) -> Result<(), Error>,
    ) -> Result<R, Error> {
        ensure_writable(&self.tx, self.rights, name)?;
        self.touched.push(name.clone());
        if !self.registered.contains(name) {
            register(&self.tx, name)?;
        }
        let cached = catch_up(&self.tx, self.docs, name)?;
        let (value, update) = {
            let mut txn = cached.doc.transact_mut_with(ORIGIN_LOCAL);
            let value = change(&mut txn)?;
            // Who is behind this client, with its first change in the document: what history
            // shows on every device. Read once per document loaded, not per keystroke.
            if txn.has_changes() && !schema::author_recorded(&txn, cached.doc.client_id().get()) {
                schema::record_author(&mut txn, &display_name(&self.tx)?);
            }
            let update = txn.has_changes().then(|| txn.encode_update_v1());
            (value, update)
        };
        let Some(update) = update else {
            return Ok(value);
        };
        let seq = append(&self.tx, name, &update, LogOrigin::Local)?;
        project(&self.tx, &cached.doc.transact(), &value)?;
        self.seen.push((name.clone(), seq));
        Ok(value)
    }

    /// Applies an update that came from elsewhere (a hub, a bundle): sanitised, logged with
    /// its origin if it brought anything, and projected. Returns the bytes logged, if any.
    pub(crate) fn foreign(&mut self, name: &DocName, update: &[u8], origin: LogOrigin) -> Result<Option<usize>, Error> {
        self.touched.push(name.clone());
        register(&self.tx, name)?;
        let cached = catch_up(&self.tx, self.docs, name)?;
        let to_log = schema::apply_foreign(&cached.doc, update).map_err(|refusal| {
            recolte_core::Error::from(match refusal {
                schema::ForeignRefusal::SigningKey => {
                    recolte_core::bundle::BundleError::SigningKeyChanged { doc: name.to_string() }
                }
                schema::ForeignRefusal::Revocation => {
                    recolte_core::bundle::BundleError::RevocationTakenBack { doc: name.to_string() }
                }
                schema::ForeignRefusal::Unreadable(reason) => {
                    recolte_core::bundle::BundleError::InvalidUpdate { doc: name.to_string(), reason }
                }
            })
        })?;
        let Some(to_log) = to_log else {
            return Ok(None);
        };
        let seq = append(&self.tx, name, &to_log, origin)?;
        projection::project_document(&self.tx, name, &cached.doc.transact())?;
        self.seen.push((name.clone(), seq));
        Ok(Some(to_log.len()))
    }

    /// A document made whole on this device (an imported programme, a restored event): its
    /// first entry, logged as `local`, projected, and cached once committed.
    /// Not a change undo takes back: undoing it would empty the whole document (a programme
    /// imported, an event restored from its package), on every device.
    pub(crate) fn new_document(&mut self, name: DocName, doc: Doc, update: &[u8]) -> Result<(), Error> {
        register(&self.tx, &name)?;
        let seq = append(&self.tx, &name, update, LogOrigin::Local)?;
        pass_over_in_undo(&self.tx)?;
        projection::project_document(&self.tx, &name, &doc.transact())?;
        self.made.push((name, doc, seq));
        Ok(())
    }

    /// Lists a document that has no entry yet (a session's, written later).
    pub(crate) fn register(&mut self, name: &DocName) -> Result<(), Error> {
        register(&self.tx, name)
    }
}

/// Refuses a change that the token this device syncs with does not let it make: a hub would
/// refuse it, so it would stay on this device, never shared, while its author believed it
/// saved. A device with no token for the event (it shares by bundles) writes everything; the
/// organiser's device syncs with an organiser token, which writes everything, and if it syncs
/// with a narrower one (to see what a facilitator sees), that one is the rule: what it wrote
/// beyond would never reach the hub.
fn ensure_writable(conn: &Connection, rights: &mut Rights, name: &DocName) -> Result<(), Error> {
    let token: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut stmt| stmt.query_row([crate::settings::TOKEN], |r| r.get(0)).optional())
        .ctx("lecture d'un réglage", "reading a setting")?;
    let token = token.unwrap_or_default();
    if rights.token != token {
        *rights = Rights { scope: token::peek(&token).ok().map(|grant| grant.scope), token };
    }
    let Some(scope) = rights.scope.as_ref().filter(|scope| scope.event == name.event()) else {
        return Ok(());
    };
    if scope.access(name, None) == Access::Write {
        return Ok(());
    }
    Err(Error::OutOfRights { doc: name.clone(), role: scope.role })
}

/// Marks the entry just appended as one undo passes over.
fn pass_over_in_undo(conn: &Connection) -> Result<(), Error> {
    conn.prepare_cached("INSERT INTO undo_ignored (entry) SELECT max(seq) FROM doc_updates")
        .and_then(|mut stmt| stmt.execute([]))
        .ctx("enregistrement", "saving")?;
    Ok(())
}

/// The name of the person using this device (empty until they give one).
fn display_name(conn: &Connection) -> Result<String, Error> {
    conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")
        .and_then(|mut stmt| stmt.query_row([crate::settings::DISPLAY_NAME], |r| r.get(0)).optional())
        .ctx("lecture d'un réglage", "reading a setting")
        .map(Option::unwrap_or_default)
}

/// Makes sure a document is listed (documents of an event are listed when it is imported,
/// but a synthesis or the panel may be written first on a device that joined later).
pub(crate) fn register(conn: &Connection, name: &DocName) -> Result<(), Error> {
    conn.prepare_cached("INSERT OR IGNORE INTO documents (name, event_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut stmt| {
            stmt.execute(params![name.to_string(), name.event().to_string(), name.kind().as_str(), schema::now()])
        })
        .ctx("enregistrement du document", "registering the document")?;
    Ok(())
}

/// Appends an update to a document's log; returns its sequence number.
pub(crate) fn append(conn: &Connection, name: &DocName, update: &[u8], origin: LogOrigin) -> Result<i64, Error> {
    // Above the floor an event's deletion may have left (migration 0011): numbers only grow.
    conn.prepare_cached(
        "INSERT INTO doc_updates (seq, doc, data, origin, saved_at)
         VALUES (max((SELECT ifnull(max(seq), 0) FROM doc_updates), (SELECT seq FROM log_floor)) + 1,
                 ?1, ?2, ?3, ?4)",
    )
    .and_then(|mut stmt| stmt.execute(params![name.to_string(), update, origin.as_str(), schema::now()]))
    .ctx("écriture dans le journal", "appending to the log")?;
    Ok(conn.last_insert_rowid())
}

/// Brings the cached document up to date with every log entry it has not applied yet.
pub(crate) fn catch_up<'a>(
    conn: &Connection,
    docs: &'a mut HashMap<DocName, Cached>,
    name: &DocName,
) -> Result<&'a mut Cached, Error> {
    let cached = docs.entry(name.clone()).or_insert_with(|| Cached { doc: schema::new_doc_of(name.kind()), seen: 0 });
    let entries = crate::log::entries(conn, name, cached.seen, i64::MAX)?;
    if entries.is_empty() {
        return Ok(cached);
    }
    let mut txn = cached.doc.transact_mut_with(ORIGIN_REMOTE);
    for entry in entries {
        entry.apply(&mut txn, name)?;
        cached.seen = entry.seq;
    }
    drop(txn);
    Ok(cached)
}
