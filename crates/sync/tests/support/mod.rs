//! What the sync crate's test binaries share: a device with a store of its own, and an
//! organiser's device holding the sample event.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use recolte_core::access::{Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::programme::SAMPLE;
use recolte_store::Store;
use recolte_sync::client::SharedStore;
use tempfile::TempDir;

pub struct Device {
    _dir: TempDir,
    pub store: SharedStore,
}

impl Device {
    pub fn empty() -> Device {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        Device { _dir: dir, store: Arc::new(Mutex::new(store)) }
    }

    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap()
    }
}

/// An organiser's device holding the sample event, the event's public key and an organiser
/// token: for tests that start a hub of their own configuration.
pub fn organiser_with_event() -> (Device, EventId, String, String) {
    let organiser = Device::empty();
    let event = organiser.store().import_programme(SAMPLE).unwrap();
    let key = organiser.store().event(event).unwrap().public_key.unwrap();
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = organiser.store().issue_token(&scope, None, time::Duration::hours(1)).unwrap();
    (organiser, event, key, token)
}
