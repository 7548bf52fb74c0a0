//! Bundles, which carry an event's documents from device to device when there is no network:
//! they merge, change nothing when imported twice or damaged, and another event's bundle is
//! refused unless that event is added on purpose.

use recolte_core::ids::EventId;
use recolte_store::{Error, Store};

use crate::{capture, first_session, new_store};

#[test]
fn a_bundle_of_another_event_is_refused_unless_its_event_is_added() {
    let (_a_dir, mut a, event_a) = new_store();
    let (_b_dir, mut b, event_b) = new_store();
    let theirs = b.export_bundle(event_b).unwrap();
    let before = a.dump_projections().unwrap();
    // Both imported the same programme: the same name, and yet two events, which is said.
    let error = a.import_bundle(&theirs).unwrap_err();
    assert!(matches!(&error, Error::BundleOfAnotherEventSameName { .. }), "{error}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.starts_with("ce paquet est celui d'un autre événement qui porte le même nom, « Assises"), "{said}");
    assert!(said.contains("importé à part sur un autre appareil"), "{said}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::En);
    assert!(said.contains("imported separately on another device"), "{said}");
    assert_eq!(a.dump_projections().unwrap(), before, "nothing imported");
    // Another name: that event is named beside the ones this device holds.
    let c_dir = tempfile::tempdir().unwrap();
    let mut c = Store::open(c_dir.path()).unwrap();
    let mut programme: serde_json::Value = serde_json::from_str(recolte_core::programme::SAMPLE).unwrap();
    programme["event"]["name"] = "Rencontres de l'innovation 2026".into();
    let event_c = c.import_programme(&programme.to_string()).unwrap();
    let error = a.import_bundle(&c.export_bundle(event_c).unwrap()).unwrap_err();
    assert!(matches!(&error, Error::BundleOfAnotherEvent { .. }), "{error}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(
        said.starts_with("ce paquet est celui d'un autre événement, « Rencontres de l'innovation 2026 »"),
        "{said}"
    );
    assert_eq!(a.dump_projections().unwrap(), before, "nothing imported");
    a.import_bundle_with(&theirs, recolte_store::OtherEvent::Add, |_, _| {}).unwrap();
    let ids: Vec<EventId> = a.events().unwrap().into_iter().map(|e| e.id).collect();
    assert!(ids.contains(&event_a) && ids.contains(&event_b), "{ids:?}");
    // Its own event's bundle, and any bundle into an empty store, go in as before.
    a.import_bundle(&theirs).unwrap();
    let empty_dir = tempfile::tempdir().unwrap();
    Store::open(empty_dir.path()).unwrap().import_bundle(&theirs).unwrap();
}

#[test]
fn bundles_merge_and_importing_twice_changes_nothing() {
    let (_a_dir, mut a, event) = new_store();
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = Store::open(b_dir.path()).unwrap();
    let session = first_session(&a, event, 6);
    capture(&mut a, session, "Fiches métiers");
    let bundle = a.export_bundle(event).unwrap();
    let report = b.import_bundle(&bundle).unwrap();
    assert_eq!(report.event_id, event);
    assert!(report.changed >= 1);
    assert_eq!(b.resolve_event(None).unwrap(), event);
    assert_eq!(b.dump_projections().unwrap(), a.dump_projections().unwrap());

    let stats = b.log_stats().unwrap();
    let again = b.import_bundle(&bundle).unwrap();
    assert_eq!(again.changed, 0);
    assert_eq!(b.log_stats().unwrap(), stats);
}

#[test]
fn a_damaged_bundle_changes_nothing() {
    let (_a_dir, mut a, event) = new_store();
    let session = first_session(&a, event, 7);
    capture(&mut a, session, "Associer les citoyens");
    let bundle = a.export_bundle(event).unwrap();
    let (_b_dir, mut b, _) = new_store();
    let before = (b.dump_projections().unwrap(), b.log_stats().unwrap());
    let mut flipped = bundle.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    for bad in [&bundle[..bundle.len() / 3], &flipped[..], b"not a bundle"] {
        assert!(b.import_bundle(bad).is_err());
        assert_eq!((b.dump_projections().unwrap(), b.log_stats().unwrap()), before);
    }
}
