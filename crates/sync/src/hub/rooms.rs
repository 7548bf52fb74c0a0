//! The hub's rooms: one per document, loaded from the journal (or the store served) when a
//! device first asks for it, reloaded from there when what it holds in memory can no longer
//! be trusted (a connection that panicked holding it, an update that failed to save).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use recolte_core::schema::{self, DocName};
use recolte_core::Localize;
use tokio::sync::mpsc;
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

use super::{connection, hub_log, lock, Shared, WriterRequest};
use crate::protocol::Room;

#[derive(Debug)]
pub(super) struct RoomEntry {
    pub(super) name: DocName,
    pub(super) inner: Mutex<RoomInner>,
}

pub(super) struct RoomInner {
    pub(super) room: Room,
    pub(super) peers: HashMap<u64, mpsc::Sender<Bytes>>,
    /// Taken out of the hub's rooms as its last peer left: a connection that got it just
    /// before must not join it, but take the room again (loaded anew).
    pub(super) dropped: bool,
    /// A reload was due (a panic while changing the room, a malformed update, a failed save)
    /// and could not be made (the journal's writer still busy, the journal unreadable): tried
    /// again at the next lock of the room.
    stale: bool,
    /// When a reload last failed: tried again 10 s later at the soonest (each try may wait for
    /// the writer, the room's lock held).
    stale_tried: Option<std::time::Instant>,
}

impl std::fmt::Debug for RoomInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomInner").field("peers", &self.peers.len()).finish()
    }
}

impl Shared {
    /// A room's lock. A connection that panicked while holding it may have left an update half
    /// applied to the room's document: the room is reloaded from its journal first.
    pub(super) fn room_lock<'a>(&self, entry: &'a RoomEntry) -> std::sync::MutexGuard<'a, RoomInner> {
        let mut inner = entry.inner.lock().unwrap_or_else(|poisoned| {
            let mut inner = poisoned.into_inner();
            entry.inner.clear_poison();
            hub_log!(
                error,
                self.config.lang,
                "{} : une connexion s'est arrêtée en modifiant la salle ; rechargement depuis son journal",
                "{}: a connection stopped while changing the room; reloading it from its journal",
                entry.name,
            );
            inner.stale = true;
            inner.stale_tried = None;
            inner
        });
        if inner.stale && inner.stale_tried.is_none_or(|at| at.elapsed() >= Duration::from_secs(10)) {
            self.reload(&entry.name, &mut inner);
        }
        inner
    }
    pub(super) fn load_doc(&self, name: &DocName) -> Result<yrs::Doc, recolte_store::Error> {
        let updates = self.backend().load(name)?;
        let doc = schema::new_doc_of(name.kind());
        {
            let mut txn = doc.transact_mut_with(schema::ORIGIN_REMOTE);
            let mut unreadable = 0;
            for update in updates {
                // The journal only holds updates that applied once: one that no longer reads
                // (a damaged disk) is left out, said in the log and in /health, and the rest
                // of the room is served.
                let applied = Update::decode_v1(&update).map(|u| txn.apply_update(u).is_ok()).unwrap_or(false);
                if !applied {
                    unreadable += 1;
                }
            }
            if unreadable > 0 {
                hub_log!(
                    error,
                    self.config.lang,
                    "{} : {} entrées du journal ne peuvent être relues ; la salle est servie sans elles",
                    "{}: {} journal entries cannot be read back; the room is served without them",
                    name,
                    unreadable,
                );
                *lock(&self.unreadable).entry(name.to_string()).or_default() += unreadable;
            }
        }
        Ok(doc)
    }

    /// Reloads a room from its journal, the room's lock held: after the writer has saved every
    /// update already queued, so that no update accepted by the room (and acknowledged, or
    /// about to be) is forgotten; only what failed to save, or never applied, is left out.
    pub(super) fn reload(&self, name: &DocName, inner: &mut RoomInner) {
        let (done, flushed) = std::sync::mpsc::channel();
        // A writer still busy after 30 s may yet save what the room holds: the room is left as
        // it is rather than reset from a journal that lacks it (the hub stopping: reloaded),
        // and tried again at its next lock.
        if self.writer.send(WriterRequest::Flush(done)).is_ok()
            && flushed.recv_timeout(Duration::from_secs(30)).is_err()
        {
            hub_log!(
                error,
                self.config.lang,
                "{} : le journal n'a pas fini d'enregistrer en 30 s ; la salle sera rechargée plus tard",
                "{}: the journal did not finish saving within 30 s; the room will be reloaded later",
                name,
            );
            inner.stale = true;
            inner.stale_tried = Some(std::time::Instant::now());
            return;
        }
        // Until a reload succeeds, a lock of the room tries again (10 s apart).
        inner.stale = true;
        inner.stale_tried = Some(std::time::Instant::now());
        match self.load_doc(name) {
            Ok(doc) => {
                inner.room.reset(doc);
                inner.stale = false;
                inner.stale_tried = None;
            }
            Err(error) => hub_log!(
                error,
                self.config.lang,
                "{} : impossible de recharger la salle depuis son journal : {}",
                "{}: cannot reload the room from its journal: {}",
                name,
                error.localize(self.config.lang),
            ),
        }
    }

    pub(super) fn room(&self, name: &DocName) -> Result<Arc<RoomEntry>, recolte_store::Error> {
        if let Some(entry) = lock(&self.rooms).get(name) {
            return Ok(entry.clone());
        }
        // Loaded outside the rooms lock: a big room must not stall every other room.
        let since = self.backend().position()?;
        let doc = self.load_doc(name)?;
        let mut inserted = false;
        let entry = lock(&self.rooms)
            .entry(name.clone())
            .or_insert_with(|| {
                inserted = true;
                Arc::new(RoomEntry {
                    name: name.clone(),
                    inner: Mutex::new(RoomInner {
                        room: Room::new(doc),
                        peers: HashMap::new(),
                        dropped: false,
                        stale: false,
                        stale_tried: None,
                    }),
                })
            })
            .clone();
        // Serving a store, a save by another program (the organiser typing in the app) made
        // while the room loaded was passed over by the store's watcher, the room not being in
        // memory yet: taken in now, or the room's devices would never get it.
        if let (true, Some(since)) = (inserted, since) {
            let missed = self.backend().saved_after(name, since).unwrap_or_else(|error| {
                hub_log!(
                    error,
                    self.config.lang,
                    "{} : ce que l'organisation a enregistré pendant le chargement de la salle ne peut être relu : {}",
                    "{}: what the organisers saved while the room loaded cannot be read back: {}",
                    name,
                    error.localize(self.config.lang),
                );
                *lock(&self.unreadable).entry(name.to_string()).or_default() += 1;
                Vec::new()
            });
            let mut inner = self.room_lock(&entry);
            for update in missed {
                // To whoever joined it meanwhile, as the watcher would have.
                if let Ok(Some(frame)) = inner.room.absorb(&update) {
                    connection::broadcast(self, &mut inner, 0, Bytes::from(frame));
                }
            }
        }
        Ok(entry)
    }
}

#[cfg(test)]
mod poisoned {
    #![allow(clippy::unwrap_used)]
    use yrs::{Map, ReadTxn, Transact};

    use super::super::{start, HubConfig};
    use super::*;

    /// A connection that panicked with a room's lock held may have left an update half
    /// applied: the next to take the lock finds the room reloaded from its journal, not as the
    /// panic left it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_room_whose_holder_panicked_is_reloaded_from_its_journal() {
        let dir = tempfile::tempdir().unwrap();
        let event =
            recolte_store::Store::open(dir.path()).unwrap().import_programme(recolte_core::programme::SAMPLE).unwrap();
        let running =
            start(HubConfig::serving_store("127.0.0.1:0".parse().unwrap(), dir.path().to_owned())).await.unwrap();
        let shared = running.shared.0.clone().unwrap();
        let entry = shared.room(&DocName::Event(event)).unwrap();
        let holder = entry.clone();
        let stopped = std::thread::spawn(move || {
            let inner = holder.inner.lock().unwrap();
            let doc = inner.room.doc();
            doc.get_or_insert_map("à moitié").insert(&mut doc.transact_mut(), "écrit", "puis arrêt");
            panic!("a connection stops with the room's lock held");
        })
        .join();
        assert!(stopped.is_err() && entry.inner.is_poisoned());
        {
            let inner = shared.room_lock(&entry);
            assert!(inner.room.doc().transact().get_map("à moitié").is_none(), "the half-made change is gone");
            assert!(schema::read_event(&inner.room.doc().transact()).is_some(), "the room still holds the event");
        }
        assert!(!entry.inner.is_poisoned());
        running.stop().await.unwrap();
    }
}
