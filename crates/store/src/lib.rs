//! Récolte's durable local store.
//!
//! The source of truth is, per Yjs document, an append-only log of updates in SQLite. Every
//! local edit is one SQLite transaction that (1) catches the in-memory document up with what
//! other processes appended, (2) applies the edit, (3) appends its update to the log and
//! (4) updates the projections (queryable tables and full-text index). Once `commit` returns,
//! the edit survives a kill of the process (WAL, `synchronous=NORMAL`).
//!
//! Several processes may use one store at once (the app and the CLI): writes take SQLite's
//! write lock (`BEGIN IMMEDIATE`) and catch up from the log before changing anything, so no
//! process ever writes from a stale document.

mod db;
mod error;
mod files;
mod history;
mod journal;
mod log;
mod maintenance;
mod membership;
mod ops;
mod projection;
mod query;
mod remote;
mod restore;
mod search_index;
mod serving;
mod snapshots;
mod triage;
mod undo;
mod write;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use recolte_core::ids::EventId;
use recolte_core::schema::DocName;
use rusqlite::{Connection, OptionalExtension};
use yrs::{Doc, ReadTxn, Transact, TransactionMut};

pub use db::{Unwritable, MIGRATIONS};

/// The data folder holds the event's signing key and this device's tokens: a folder made here
/// is readable by its owner only (on Unix), whatever the system's default.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| Error::Io {
        context: "cannot create the data folder",
        context_fr: "impossible de créer le dossier de données",
        path: dir.to_owned(),
        source,
    })
}

/// The database (with SQLite's write-ahead log and its index) readable by its owner only, also
/// when made by an earlier version or by hand. Before the database
/// opens, as SQLite gives the files it makes the database's permissions; and after, for those
/// it made. What cannot be changed (a folder of someone else's) is left as it is.
pub(crate) fn keep_private(database: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Not the folder: made here it is private already (`create_private_dir`), and one given
        // by hand may be shared on purpose (`--data-dir /tmp` would lock everyone else out).
        for suffix in ["", "-wal", "-shm"] {
            let mut file = database.as_os_str().to_owned();
            file.push(suffix);
            if let Ok(meta) = std::fs::metadata(&file) {
                if meta.permissions().mode() & 0o077 != 0 {
                    let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600));
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
}

/// Creates a store with only the first `version` migrations applied, as an older Récolte
/// left it: for upgrade tests.
#[doc(hidden)]
pub fn create_at_version(dir: &Path, version: usize) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        context: "cannot create",
        context_fr: "impossible de créer",
        path: dir.to_owned(),
        source,
    })?;
    let conn = Connection::open(dir.join(DB_FILE)).map_err(|source| Error::Open { path: dir.join(DB_FILE), source })?;
    db::migrate(&conn, version)
}
pub use error::{Error, Field, Setting};
pub use files::{ImportReport, OtherEvent};
pub use history::{local_moment, parse_moment, Moment, SessionContent, Version};
pub use journal::Journal;
pub use maintenance::{CompactReport, LogStats, RebuildReport};
pub use membership::{AllInvitations, InvitationRecord, InvitationRequest, InvitationState, FOR_THE_EVENT};
pub use ops::{OverDots, ProposalInput, ProposalUpdate};
pub use query::{
    has_search_words, AlikeAcrossThemes, EventSummary, EventView, MemberVotes, PanelSummary, ProposalFilter, Review,
    ReviewComment, SummaryItem, SummarySource, ThemeSummary,
};
pub use remote::SyncRecord;
pub use restore::{Snapshot, SnapshotComment, SnapshotConsolidated, SnapshotMark, SnapshotProposal, SnapshotSubgroup};
pub use snapshots::{NamedSnapshot, RestorePreview, SnapshotContent, SnapshotReason, SnapshotRestore};
pub use triage::Triage;
pub use undo::{UndoAction, UndoDepth, UndoOutcome, UndoPlace};

use error::ResultExt;

/// This device's settings (never synced): their keys, in one place.
pub mod settings {
    /// The hub this device syncs with, `ws://…` or `wss://…`.
    pub const HUB: &str = "sync.hub";
    /// The access token it syncs with.
    pub const TOKEN: &str = "sync.token";
    /// The SHA-256 of the hub's own certificate, when it serves one (pinned).
    pub const FINGERPRINT: &str = "sync.fingerprint";
    /// The invitation link it joined with.
    pub const INVITATION: &str = "sync.invitation";
    /// The name this device signs with.
    pub const DISPLAY_NAME: &str = "display_name";
    /// This device's id, made once.
    pub const DEVICE_ID: &str = "device.id";
    /// The interface's language.
    pub const LANG: &str = "lang";
    /// The port this device serves the room on (empty: not serving); served again at start.
    pub const SERVE_PORT: &str = "hub.serve_port";
    /// The port this device served the room on and could not serve on again at its last start
    /// (empty: none); tried again at the next start (see `Store::port_to_serve`).
    pub const SERVE_PORT_FAILED: &str = "hub.serve_port_failed";
    /// Former invitations kept aside until what only they may write is shared (a JSON list).
    pub const FORMER_INVITATIONS: &str = "sync.former";
    /// The hub this device syncs with when it was found serving the event on the local network
    /// (the room's laptop) because the hubs expected were out of reach: by background sync, a
    /// one-off `recolte sync` or a join. Empty otherwise.
    pub const FOUND_NEARBY: &str = "sync.found_nearby";
    /// The hub background sync or a one-off `recolte sync` moved this device to by itself, its
    /// invitation's earlier hub out of reach (see `recolte_sync::failover`): it goes back there
    /// once that one answers. Empty when the device syncs where it joined or was told to.
    pub const MOVED_TO: &str = "sync.moved_to";
}

fn read_setting(conn: &Connection, key: &str) -> Result<Option<String>, Error> {
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .ctx("lecture d'un réglage", "reading a setting")
}

fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )
    .ctx("enregistrement d'un réglage", "saving a setting")?;
    Ok(())
}

/// The file a store keeps in its data directory.
pub const DB_FILE: &str = "recolte.sqlite";

/// A document as this process knows it, and the last log entry it has applied.
#[derive(Debug)]
struct Cached {
    doc: Doc,
    seen: i64,
}

/// An open store. Cheap to keep open for the life of a process; not shared between threads.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Set when the store could only be opened for reading (a full or read-only disk).
    unwritable: Option<db::Unwritable>,
    /// The one event records may be looked up in, when the caller named one (`--event`).
    scope: Option<recolte_core::ids::EventId>,
    path: PathBuf,
    docs: HashMap<DocName, Cached>,
    /// Documents known to be listed in `documents`, to skip re-listing them on every edit.
    registered: HashSet<DocName>,
    /// The event and session of each proposal already looked up: a proposal never moves to
    /// another session, and a keystroke then skips a read of the database.
    homes: std::cell::RefCell<
        HashMap<recolte_core::ids::ProposalId, (recolte_core::ids::EventId, recolte_core::ids::SessionId)>,
    >,
    /// The duplicate suggestions last made, and for which theme at which entry of the log: a
    /// merge asks whether its proposals were suggested together, and at 2,000 proposals a
    /// theme's suggestions take a second, which the screen has usually just paid.
    suggested: Option<triage::Suggested>,
    /// What the invitation this device syncs with lets it write, read again when it changes.
    rights: write::Rights,
}

impl Store {
    /// Opens (and creates, and migrates) the store in `dir`.
    /// Locks a store shared between threads. If a thread panicked while holding it (in the
    /// middle of an edit), the documents it kept in memory may be half-changed: they are
    /// dropped and reloaded from the log, which holds only what was committed.
    pub fn lock_shared(shared: &std::sync::Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
        shared.lock().unwrap_or_else(|poisoned| {
            let mut store = poisoned.into_inner();
            store.forget_cached();
            shared.clear_poison();
            store
        })
    }

    /// Drops what this connection keeps in memory (documents, the duplicate suggestions): read
    /// again from the log when next needed. After a thread stopped while using the store, an
    /// edit may have been left half made in a cached document.
    pub fn forget_cached(&mut self) {
        tracing::warn!("a thread stopped while using the store: its cached documents are reloaded from the log");
        self.docs.clear();
        self.registered.clear();
        self.suggested = None;
    }

    /// The data folder of this device's store: the one given (`--data-dir`, or
    /// `RECOLTE_DATA_DIR` when it is not empty), else the platform's folder for application
    /// data (`~/.local/share/recolte` on Linux, `%APPDATA%\\Recolte\\recolte\\data` on
    /// Windows, `~/Library/Application Support/fr.Recolte.recolte` on macOS).
    pub fn data_dir(given: Option<PathBuf>) -> PathBuf {
        given
            .filter(|dir| !dir.as_os_str().is_empty())
            .or_else(|| std::env::var_os("RECOLTE_DATA_DIR").filter(|dir| !dir.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| {
                directories::ProjectDirs::from("fr", "Recolte", "recolte")
                    .map(|dirs| dirs.data_dir().to_owned())
                    .unwrap_or_else(|| PathBuf::from(".recolte"))
            })
    }

    pub fn open(dir: &Path) -> Result<Store, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::DataDirIsFile { path: dir.to_owned() });
        }
        create_private_dir(dir)?;
        let path = dir.join(DB_FILE);
        keep_private(&path);
        let (conn, unwritable) = db::open_or_read(&path)?;
        if unwritable.is_none() {
            keep_private(&path);
        }
        Ok(Store {
            conn,
            unwritable,
            scope: None,
            path,
            docs: HashMap::new(),
            registered: HashSet::new(),
            homes: Default::default(),
            suggested: None,
            rights: Default::default(),
        })
    }

    /// Why this store is open for reading only, if it is: its disk was full or read-only when
    /// it was opened. Reading and exporting work; every write is refused with that reason.
    pub fn unwritable(&self) -> Option<db::Unwritable> {
        match self.unwritable {
            // Opened for writing on a full disk: space freed since lets it save again.
            Some(db::Unwritable::DiskFull) if !self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) => {
                db::disk_full(&self.path).then_some(db::Unwritable::DiskFull)
            }
            other => other,
        }
    }

    /// Opened for reading only because its disk was full, and space was freed since: opens
    /// it for writing again (a long-running window must not need a restart for it). `true`
    /// when it did.
    pub fn reopen_if_space(&mut self) -> bool {
        if self.unwritable != Some(db::Unwritable::DiskFull)
            || !self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
            || db::disk_full(&self.path)
        {
            return false;
        }
        match db::open_or_read(&self.path) {
            Ok((conn, None)) => {
                self.conn = conn;
                self.unwritable = None;
                true
            }
            _ => false,
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// One optional row of a cached statement: the lookups of the edit path run thousands of
    /// times, and preparing their SQL each time would cost more than running it.
    pub(crate) fn lookup<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        map: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
        what: (&'static str, &'static str),
    ) -> Result<Option<T>, Error> {
        self.conn.prepare_cached(sql).and_then(|mut stmt| stmt.query_row(params, map).optional()).ctx(what.0, what.1)
    }

    /// From now on, a record (session, proposal, consolidated proposal, comment) named by its
    /// id must belong to `event`: a command that names an event and another event's record
    /// is refused instead of changing that other event.
    pub fn keep_to_event(&mut self, event: EventId) {
        self.scope = Some(event);
    }

    pub(crate) fn within_scope(&self, event: EventId, record: &str) -> Result<(), Error> {
        match self.scope {
            Some(scope) if scope != event => {
                Err(Error::OtherEvent { record: record.to_owned(), event: scope.to_string() })
            }
            _ => Ok(()),
        }
    }

    /// The event to work on: the one given, else the only one in the store.
    pub fn resolve_event(&self, given: Option<EventId>) -> Result<EventId, Error> {
        if let Some(event) = given {
            let known: Option<String> = self.lookup(
                "SELECT id FROM events WHERE id = ?1",
                [event.to_string()],
                |r| r.get(0),
                ("recherche de l'événement", "looking up the event"),
            )?;
            return known.map(|_| event).ok_or_else(|| Error::UnknownEvent(event.to_string()));
        }
        let mut stmt = self
            .conn
            .prepare("SELECT id, name FROM events ORDER BY name, id")
            .ctx("liste des événements", "listing events")?;
        let events: Vec<(EventId, String)> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx("liste des événements", "listing events")?
            .into_iter()
            .filter_map(|(id, name)| Some((id.parse().ok()?, name)))
            .collect();
        match events.as_slice() {
            // Joined while the hub did not answer: the event is on its way, not to be imported.
            [] if self.setting(settings::TOKEN)?.is_some_and(|t| !t.trim().is_empty()) => {
                Err(Error::EventNotArrivedYet)
            }
            [] => Err(Error::NoEvent),
            [(id, _)] => Ok(*id),
            _ => Err(Error::AmbiguousEvent(events)),
        }
    }

    /// A setting of this device (never synced).
    pub fn setting(&self, key: &str) -> Result<Option<String>, Error> {
        read_setting(&self.conn, key)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<(), Error> {
        self.ensure_writable()?;
        put_setting(&self.conn, key, value)
    }

    /// Saves several settings together or none of them (where this device syncs: a hub saved
    /// without its token would be tried with the former one).
    pub fn set_settings(&mut self, values: &[(&str, &str)]) -> Result<(), Error> {
        self.write(("enregistrement d'un réglage", "saving a setting"), |write| {
            values.iter().try_for_each(|(key, value)| put_setting(write.conn(), key, value))
        })
    }

    /// Saves several settings together, in one transaction, only if the settings `expected`
    /// still hold their values then (an empty value: unset or empty). Whether they were saved:
    /// a process that decided from what it read earlier never writes over what another
    /// connection saved meanwhile (the window's hub given by hand, while the sync engine moves).
    pub fn set_settings_if(&mut self, expected: &[(&str, &str)], values: &[(&str, &str)]) -> Result<bool, Error> {
        self.write(("enregistrement d'un réglage", "saving a setting"), |write| {
            for (key, value) in expected {
                let current = read_setting(write.conn(), key)?;
                if current.as_deref().unwrap_or("") != *value {
                    return Ok(false);
                }
            }
            values.iter().try_for_each(|(key, value)| put_setting(write.conn(), key, value))?;
            Ok(true)
        })
    }

    /// Changes a setting from its current value in one transaction: two connections (the
    /// app's window and its sync engine) changing the same list never lose each other's entry.
    pub fn update_setting(&mut self, key: &str, change: impl FnOnce(Option<String>) -> String) -> Result<(), Error> {
        self.write(("enregistrement d'un réglage", "saving a setting"), |write| {
            let current = read_setting(write.conn(), key)?;
            put_setting(write.conn(), key, &change(current))
        })
    }

    /// The display name this device signs with, or an empty string.
    pub fn author(&self) -> Result<String, Error> {
        Ok(self.setting(settings::DISPLAY_NAME)?.unwrap_or_default())
    }

    /// The name this device signs its changes with: a name, not an empty text (that would
    /// sign nothing and erase the one given before).
    pub fn set_author(&self, name: &str) -> Result<(), Error> {
        let name = ops::non_empty(name, Field::Name)?;
        self.set_setting(settings::DISPLAY_NAME, &name)
    }

    /// Applies a local change to a document, durably: the change, its log entry and its
    /// projection commit together or not at all (see `write`).
    fn edit<R>(
        &mut self,
        name: &DocName,
        change: impl FnOnce(&mut TransactionMut) -> Result<R, recolte_core::Error>,
        project: impl FnOnce(&Connection, &yrs::Transaction, &R) -> Result<(), Error>,
    ) -> Result<R, Error> {
        self.write(("enregistrement", "saving"), |write| write.local(name, change, project))
    }

    /// The document, caught up with the log. Read-only use.
    fn read_doc(&mut self, name: &DocName) -> Result<&Doc, Error> {
        let Store { conn, docs, .. } = self;
        if let Err(e) = write::catch_up(conn, docs, name) {
            docs.remove(name);
            return Err(e);
        }
        Ok(&self.docs[name].doc)
    }
}

/// A document's full state as one update, and its content as JSON for comparisons.
impl Store {
    pub fn document_state(&mut self, name: &DocName) -> Result<Vec<u8>, Error> {
        let doc = self.read_doc(name)?;
        let state = doc.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        Ok(state)
    }

    /// The content of a document as canonical JSON (keys sorted): two replicas that have
    /// converged give the same string.
    pub fn document_json(&mut self, name: &DocName) -> Result<String, Error> {
        use yrs::types::ToJson;
        let doc = self.read_doc(name)?;
        let json = recolte_core::schema::any_to_json(&doc.to_json(&doc.transact()));
        Ok(json.to_string())
    }

    /// The names of every document of an event that this store holds.
    pub fn documents(&self, event: EventId) -> Result<Vec<DocName>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM documents WHERE event_id = ?1 ORDER BY name")
            .ctx("liste des documents", "listing documents")?;
        let names = stmt
            .query_map([event.to_string()], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx("liste des documents", "listing documents")?;
        Ok(names.iter().filter_map(|n| n.parse().ok()).collect())
    }
}
