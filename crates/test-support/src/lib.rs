//! What the tests of several crates share: a device with a store of its own (in a temporary
//! folder, removed with it), held as the sync engine and the shells hold it, and an
//! organiser's device holding the sample event.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex, MutexGuard};

use recolte_core::access::{Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::programme::SAMPLE;
use recolte_store::Store;
use tempfile::TempDir;

/// A device: its data folder and its store, shared as background sync shares it.
#[derive(Debug)]
pub struct Device {
    pub dir: TempDir,
    pub store: Arc<Mutex<Store>>,
}

impl Device {
    /// A device with an empty store, as after installing the app.
    pub fn empty() -> Device {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        Device::holding(dir, store)
    }

    /// A device whose store, in `dir`, is already open.
    pub fn holding(dir: TempDir, store: Store) -> Device {
        Device { dir, store: Arc::new(Mutex::new(store)) }
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap()
    }

    /// The store alone, once no one else holds it (its folder goes with the returned `TempDir`).
    pub fn into_store(self) -> (TempDir, Store) {
        let store = Arc::try_unwrap(self.store).ok().unwrap().into_inner().unwrap();
        (self.dir, store)
    }
}

/// An organiser's device holding the sample event, the event's public key and an organiser
/// token valid for an hour: for tests that start a hub of their own configuration.
pub fn organiser_with_event() -> (Device, EventId, String, String) {
    let organiser = Device::empty();
    let event = organiser.store().import_programme(SAMPLE).unwrap();
    let key = organiser.store().event(event).unwrap().public_key.unwrap();
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = organiser.store().issue_token(&scope, None, time::Duration::hours(1)).unwrap();
    (organiser, event, key, token)
}
