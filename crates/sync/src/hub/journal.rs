//! Where rooms are kept (a journal, or the store served) and the threads that save, watch and checkpoint it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use recolte_core::schema::DocName;
use recolte_core::token;
use recolte_store::{Journal, Store};
use tokio::sync::watch;

use recolte_core::Localize;

use super::connection::broadcast;
use super::{hub_log, lock, HubConfig, Shared};

/// A request to the writer thread: save this update, then say so.
pub(super) struct Persist {
    pub(super) name: DocName,
    pub(super) update: Vec<u8>,
    pub(super) done: tokio::sync::oneshot::Sender<Result<(), recolte_core::Both>>,
}

/// What the writer thread is asked: save an update, or say when everything asked before is
/// done (so that a room reloaded from the journal includes every update already accepted).
pub(super) enum WriterRequest {
    Save(Persist),
    Flush(std::sync::mpsc::Sender<()>),
}

/// Where the hub keeps rooms: its own journal, or the store it serves.
pub(super) enum Backend {
    Journal(Journal),
    // Boxed: a store keeps its caches inline, several times a journal's size.
    Store(Box<Store>),
}

impl Backend {
    /// See `Store::forget_cached`; a journal keeps nothing in memory.
    pub(super) fn forget_cached(&mut self) {
        if let Backend::Store(store) = self {
            store.forget_cached();
        }
    }

    pub(super) fn open(config: &HubConfig) -> Result<Backend, recolte_store::Error> {
        Ok(if config.serve_store {
            Backend::Store(Box::new(Store::open(&config.data_dir)?))
        } else {
            Backend::Journal(Journal::open(&config.data_dir)?)
        })
    }

    /// Why this backend cannot be written, if it cannot.
    pub(super) fn unwritable(&self) -> Option<recolte_store::Unwritable> {
        match self {
            Backend::Journal(journal) => journal.unwritable(),
            Backend::Store(store) => store.unwritable(),
        }
    }

    /// Every update of a room (the store gives its state as one).
    pub(super) fn load(&mut self, name: &DocName) -> Result<Vec<Vec<u8>>, recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.load(name),
            Backend::Store(store) => Ok(vec![store.document_state(name)?]),
        }
    }

    /// Serving a store, where its log stands: what other programs save after it reaches the
    /// rooms through the store's watcher. `None` for a journal, which only the hub writes.
    pub(super) fn position(&self) -> Result<Option<i64>, recolte_store::Error> {
        match self {
            Backend::Journal(_) => Ok(None),
            Backend::Store(store) => store.last_log_seq().map(Some),
        }
    }

    /// What other programs saved to a room after `seq` (serving a store); when the log cannot
    /// be read from there, the room's whole state (taking it in again changes nothing).
    pub(super) fn saved_after(&mut self, name: &DocName, seq: i64) -> Result<Vec<Vec<u8>>, recolte_store::Error> {
        let Backend::Store(store) = self else { return Ok(Vec::new()) };
        match store.log_after(seq, usize::MAX >> 1) {
            Ok(saved) => Ok(saved.into_iter().filter(|(_, doc, _)| doc == name).map(|(_, _, data)| data).collect()),
            Err(error) => {
                tracing::warn!("{name}: {error}; the room takes in its whole state instead");
                Ok(vec![store.document_state(name)?])
            }
        }
    }

    /// A setting of the hub's own (the store's settings when it serves one).
    pub(super) fn setting(&self, key: &str) -> Result<Option<String>, recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.setting(key),
            Backend::Store(store) => store.setting(key),
        }
    }

    pub(super) fn set_setting(&self, key: &str, value: &str) -> Result<(), recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.set_setting(key, value),
            Backend::Store(store) => store.set_setting(key, value),
        }
    }

    /// When a room last received a change.
    pub(super) fn last_saved(&self, name: &DocName) -> Result<Option<String>, recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.last_saved(name),
            Backend::Store(store) => store.last_saved(name),
        }
    }

    /// Saves updates in one transaction: durable when this returns.
    fn append_batch(&mut self, batch: &[Persist]) -> Result<(), recolte_store::Error> {
        let updates = batch.iter().map(|r| (&r.name, r.update.as_slice()));
        match self {
            Backend::Journal(journal) => journal.append_batch(updates).map(|_| ()),
            Backend::Store(store) => store.apply_remote_batch(updates),
        }
    }
}

/// The writer thread: every update waiting when a commit starts goes into that commit, so
/// that under load a commit carries many updates, and an idle hub commits each at once.
pub(super) fn writer_thread(
    mut backend: Backend,
    requests: std::sync::mpsc::Receiver<WriterRequest>,
    slow_disk: Option<Duration>,
) {
    while let Ok(first) = requests.recv() {
        if let Some(delay) = slow_disk {
            std::thread::sleep(delay);
        }
        let (mut batch, mut flushes) = (Vec::new(), Vec::new());
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                WriterRequest::Save(persist) => batch.push(persist),
                WriterRequest::Flush(done) => flushes.push(done),
            }
            if batch.len() >= 1024 {
                break;
            }
            next = requests.try_recv().ok();
        }
        if !batch.is_empty() {
            let result = backend.append_batch(&batch).map_err(|e| recolte_core::Both::of(&e));
            for request in batch {
                let _ = request.done.send(result.clone());
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Serving a store: brings what other programs save into it (the app, the command line, a
/// bundle imported) to the rooms in memory and their connections, and trusts the events that
/// appear in it. The hub's own saves come back too, and change nothing.
pub(super) fn store_watcher(shared: Arc<Shared>, store: Store, mut stop: watch::Receiver<bool>) {
    let mut last = store.last_log_seq().unwrap_or(0);
    // Until told to stop, or until the hub is gone without saying so (dropped, or its start failed).
    while stop.has_changed().is_ok() && !*stop.borrow_and_update() {
        std::thread::sleep(Duration::from_millis(200));
        let rows = match store.log_after(last, 512) {
            Ok(rows) => rows,
            Err(error) => {
                let lang = shared.config.lang;
                hub_log!(
                    warn,
                    lang,
                    "impossible de lire le journal du stockage : {}",
                    "cannot read the store's log: {}",
                    error.localize(lang),
                );
                continue;
            }
        };
        for (seq, name, data) in rows {
            last = seq;
            let Some(entry) = lock(&shared.rooms).get(&name).cloned() else { continue };
            let changed = {
                let mut inner = shared.room_lock(&entry);
                match inner.room.absorb(&data) {
                    Ok(Some(frame)) => {
                        broadcast(&shared, &mut inner, 0, Bytes::from(frame));
                        true
                    }
                    Ok(None) => false,
                    Err(error) => {
                        hub_log!(
                            warn,
                            shared.config.lang,
                            "{} : une mise à jour enregistrée dans le stockage ne peut être appliquée : {}",
                            "{}: an update saved in the store cannot be applied: {}",
                            name,
                            error.localize(shared.config.lang),
                        );
                        false
                    }
                }
            };
            if let (true, DocName::Event(event)) = (changed, &name) {
                shared.close_revoked(*event);
            }
        }
        if let Ok(keys) = store.event_public_keys() {
            let keys: Vec<token::PublicKey> = keys.iter().filter_map(|k| token::parse_public_key(k).ok()).collect();
            let mut trusted = lock(&shared.trusted);
            for key in keys {
                if !trusted.contains(&key) {
                    trusted.push(key);
                }
            }
        }
    }
}

/// Checkpoints the journal now and then from its own connection, off the writer's path.
pub(super) fn checkpoint_thread(journal: Journal, mut stop: watch::Receiver<bool>) {
    while stop.has_changed().is_ok() && !*stop.borrow_and_update() {
        let _ = journal.checkpoint_passive();
        std::thread::sleep(Duration::from_millis(500));
    }
}
