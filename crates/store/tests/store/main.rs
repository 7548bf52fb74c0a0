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

/// Where a device syncs is saved over only what the saver read: a hub given by hand in the
/// window meanwhile (another connection) stays, and the settings change together or not at all.
#[test]
fn settings_saved_only_if_what_was_read_still_holds() {
    use recolte_store::settings::{HUB, TOKEN};
    let (dir, mut engine, _) = new_store();
    let mut window = Store::open(dir.path()).unwrap();
    engine.set_settings(&[(HUB, "ws://venue:4455"), (TOKEN, "t")]).unwrap();
    let read = [(HUB, "ws://venue:4455"), (TOKEN, "t")];
    window.set_settings(&[(HUB, "ws://by-hand:4455")]).unwrap();
    assert!(!engine.set_settings_if(&read, &[(HUB, "ws://laptop:4455"), (TOKEN, "t")]).unwrap());
    assert_eq!(engine.setting(HUB).unwrap().as_deref(), Some("ws://by-hand:4455"));
    let now = [(HUB, "ws://by-hand:4455"), (TOKEN, "t")];
    assert!(engine.set_settings_if(&now, &[(HUB, "ws://laptop:4455"), (TOKEN, "u")]).unwrap());
    assert_eq!(window.setting(HUB).unwrap().as_deref(), Some("ws://laptop:4455"));
    assert_eq!(window.setting(TOKEN).unwrap().as_deref(), Some("u"));
    // An unset setting reads as empty.
    assert!(engine.set_settings_if(&[("never.set", "")], &[("never.set", "x")]).unwrap());
}

/// Removing the event this device syncs forgets where it synced it, the hub it found nearby
/// included (the status would say « trouvé à proximité » of the next event's hub).
#[test]
fn removing_the_event_synced_forgets_its_hub_and_the_one_found_nearby() {
    use recolte_core::access::{Role, Scope};
    use recolte_store::settings::{FOUND_NEARBY, HUB, TOKEN};
    let (_dir, mut store, event) = new_store();
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = store.issue_token(&scope, None, time::Duration::hours(1)).unwrap();
    store.set_settings(&[(HUB, "ws://laptop:4455"), (TOKEN, &token), (FOUND_NEARBY, "ws://laptop:4455")]).unwrap();
    store.remove_event(event).unwrap();
    for key in [HUB, TOKEN, FOUND_NEARBY] {
        assert_eq!(store.setting(key).unwrap(), None, "{key}");
    }
}
