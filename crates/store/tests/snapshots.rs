#![allow(clippy::unwrap_used)]
//! Restoring a named snapshot, as a facilitator does after the break: what it takes away from
//! everyone is told before and after, never as a bare count of fields.

use recolte_core::programme::SAMPLE;
use recolte_core::schema::{DocName, TakenAway};
use recolte_store::{ProposalFilter, ProposalInput, Store};

#[test]
fn a_restore_names_what_it_takes_away_before_and_after_and_the_preview_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = store.sessions(event, Some(3)).unwrap()[0].id;
    let add = |store: &mut Store, title: &str, author: &str| {
        let input = ProposalInput { title: title.into(), author: Some(author.into()), ..Default::default() };
        store.add_proposal(session, &input).unwrap()
    };
    add(&mut store, "Former les élus", "Camille");
    let named = store.take_snapshot(&DocName::Session(event, session), "Avant la pause").unwrap();
    add(&mut store, "Proposition de Karim", "Karim");
    let live = |store: &Store| -> Vec<String> {
        store
            .proposals(event, &ProposalFilter { session: Some(session), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect()
    };

    let expected = vec![TakenAway { kind: "proposal", label: "Proposition de Karim".into(), author: "Karim".into() }];
    let preview = store.restore_preview(&named.id).unwrap();
    assert_eq!(preview.taken_away, expected);
    assert!(preview.written >= 1);
    assert_eq!(live(&store).len(), 2, "a preview writes nothing");

    let restored = store.restore_snapshot(&named.id).unwrap();
    assert_eq!(restored.taken_away, expected);
    assert_eq!(live(&store), ["Former les élus"]);
    // Restoring the state it replaced brings the proposal back, and takes nothing away.
    let back = store.restore_snapshot(&restored.before.unwrap().id).unwrap();
    assert!(back.taken_away.is_empty(), "{back:?}");
    assert_eq!(live(&store).len(), 2);
    assert!(store.restore_preview("999").is_err(), "an unknown snapshot is named as such");
}
