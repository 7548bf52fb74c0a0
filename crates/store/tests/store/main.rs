//! The store as a device uses it: real SQLite files in temporary folders.
//!
//! The tests are in the modules below, by subject; how they all start (a store holding the
//! sample event, a session of a theme, a proposal captured in it) is here.
#![allow(clippy::unwrap_used)]

use recolte_core::ids::{EventId, ProposalId, SessionId};
use recolte_store::{ProposalInput, Store};
use tempfile::TempDir;

use recolte_core::programme::SAMPLE;

mod bundles;
mod disk;
mod merging;
mod proposals;
mod rebase;
mod refusals;
mod security;
mod update_log;

fn new_store() -> (TempDir, Store, EventId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    (dir, store, event)
}

fn first_session(store: &Store, event: EventId, theme: u32) -> SessionId {
    store.sessions(event, Some(theme)).unwrap()[0].id
}

fn capture(store: &mut Store, session: SessionId, title: &str) -> ProposalId {
    store
        .add_proposal(
            session,
            &ProposalInput { title: title.into(), author: Some("Camille".into()), ..Default::default() },
        )
        .unwrap()
}
