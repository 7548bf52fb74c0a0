//! Proposals as a facilitator captures them: the programme they belong to, listed, edited,
//! deleted and restored, tagged, and found by search (every saved word, accents aside, and only
//! within their own event).

use recolte_core::model::Kind;
use recolte_core::programme::SAMPLE;
use recolte_store::{Error, ProposalFilter, ProposalInput, ProposalUpdate, Store};

use crate::{capture, first_session, new_store};

#[test]
fn the_sample_programme_has_36_sessions_in_10_themes() {
    let (_dir, store, event) = new_store();
    let view = store.event(event).unwrap();
    assert_eq!(view.themes.len(), 10);
    assert_eq!(view.slots.len(), 4);
    assert_eq!(view.sessions.len(), 36);
    assert_eq!(store.sessions(event, Some(9)).unwrap().len(), 2);
    assert!(store.sessions(event, Some(9)).unwrap().iter().all(|s| s.day == 1));
    assert!(store.sessions(event, Some(10)).unwrap().iter().all(|s| s.day == 2));
    assert_eq!(view.sessions[0].start, "14:00");
    assert_eq!(view.sessions[0].place, "INSET de Nancy");
    assert_eq!(store.resolve_event(None).unwrap(), event);
}

/// The practice event is one per device: a second press of *Essayer avec un événement
/// d'exercice* while the first imported gives the same event, not a second one beside it.
#[test]
fn the_practice_event_is_made_once_per_device() {
    let (_dir, mut store, real) = new_store();
    let practice = store.import_practice(SAMPLE).unwrap();
    assert_ne!(practice, real);
    assert_eq!(store.import_practice(SAMPLE).unwrap(), practice);
    let events = store.events().unwrap();
    assert_eq!(events.iter().filter(|e| e.practice).count(), 1, "{events:?}");
    assert_eq!(events.len(), 2);
}

#[test]
fn an_invalid_programme_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let broken = SAMPLE.replace("\"theme\": 3,", "\"theme\": 33,");
    let err = store.import_programme(&broken).unwrap_err();
    assert!(err.to_string().contains("$.sessions"), "{err}");
    assert!(matches!(store.resolve_event(None), Err(Error::NoEvent)));
    assert_eq!(store.log_stats().unwrap().updates, 0);
}

#[test]
fn captured_proposals_are_listed_and_found_without_accents() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    let group = store.add_subgroup(session, "Groupe A").unwrap();
    let id = store
        .add_proposal(
            session,
            &ProposalInput {
                title: "Former les élus à l'innovation".into(),
                body: "Un module de deux jours pour les nouveaux élus".into(),
                kind: Kind::ConcreteAction,
                subgroup: Some("groupe a".into()),
                tags: vec!["formation".into(), " formation ".into(), "élus".into()],
                author: None,
            },
        )
        .unwrap();
    let listed = store.proposals(event, &ProposalFilter { theme: Some(1), ..Default::default() }).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].subgroup, Some(group));
    assert_eq!(listed[0].subgroup_name.as_deref(), Some("Groupe A"));
    assert_eq!(listed[0].tags, ["formation", "élus"]);
    let hits = store.search(event, "ELUS", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, id.to_string());
    assert!(hits[0].snippet.contains("[élus]"), "{}", hits[0].snippet);
    assert_eq!(store.search(event, "innov", 10).unwrap().len(), 1, "the last word is a prefix");
}

#[test]
fn edits_delete_and_restore_show_in_listings_and_search() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Droit à l'erreur");
    store
        .edit_proposal(
            id,
            &ProposalUpdate {
                title: Some("Droit à l'erreur pour les agents".into()),
                kind: Some(Kind::Obstacle),
                ..Default::default()
            },
        )
        .unwrap();
    let p = &store.proposals(event, &ProposalFilter::default()).unwrap()[0];
    assert_eq!((p.title.as_str(), p.kind), ("Droit à l'erreur pour les agents", Kind::Obstacle));
    assert_eq!(store.search(event, "agents", 10).unwrap().len(), 1);

    store.set_proposal_deleted(id, true).unwrap();
    assert!(store.proposals(event, &ProposalFilter::default()).unwrap().is_empty());
    assert!(store.search(event, "agents", 10).unwrap().is_empty());
    assert!(store.proposals(event, &ProposalFilter { all: true, ..Default::default() }).unwrap()[0].deleted);
    // Deleted, it is not changed out of sight: said, and nothing is written.
    let stats = store.log_stats().unwrap();
    let retitled = ProposalUpdate { title: Some("Changée après sa suppression".into()), ..Default::default() };
    let refused = store.edit_proposal(id, &retitled).unwrap_err();
    assert!(
        matches!(&refused, Error::Core(recolte_core::Error::DeletedNotEdited(title)) if title == "Droit à l'erreur pour les agents"),
        "{refused}"
    );
    assert_eq!(store.log_stats().unwrap(), stats);
    store.set_proposal_deleted(id, false).unwrap();
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap().len(), 1);
    store.edit_proposal(id, &retitled).unwrap();
}

#[test]
fn a_search_finds_every_saved_word_though_typing_leaves_the_index_for_later() {
    let (_a_dir, mut a, event) = new_store();
    let session = first_session(&a, event, 2);
    let retitle = |store: &mut Store, id, title: &str| {
        store.edit_proposal(id, &ProposalUpdate { title: Some(title.into()), ..Default::default() }).unwrap();
    };
    let titles = |store: &Store, words: &str| -> Vec<String> {
        let mut found: Vec<String> = store.search(event, words, 10).unwrap().into_iter().map(|h| h.title).collect();
        found.sort();
        found
    };
    let essai = capture(&mut a, session, "Droit à l'erreur");
    let budget = capture(&mut a, session, "Budget participatif");
    // Typed word by word, no search in between: the index is behind.
    for title in ["Droit à l'erreur pour", "Droit à l'erreur pour les agents", "Droit à l'essai pour les agents"] {
        retitle(&mut a, essai, title);
    }

    // Another device edits the other proposal; its bundle makes this store project the whole
    // session again (its rows deleted and inserted) while this store's edit is still waiting.
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = Store::open(b_dir.path()).unwrap();
    b.import_bundle(&a.export_bundle(event).unwrap()).unwrap();
    retitle(&mut b, budget, "Budget participatif des agents");
    retitle(&mut a, essai, "Droit à l'essai pour tous les agents");
    a.import_bundle(&b.export_bundle(event).unwrap()).unwrap();

    assert_eq!(titles(&a, "essai"), ["Droit à l'essai pour tous les agents"]);
    assert!(titles(&a, "erreur").is_empty(), "an edited word is no longer found");
    assert_eq!(titles(&a, "agents"), ["Budget participatif des agents", "Droit à l'essai pour tous les agents"]);
    assert!(a.integrity_check(recolte_core::Lang::En).unwrap().is_empty(), "the index agrees with its table");

    // Edits waiting when the indexes are rebuilt from their tables.
    retitle(&mut a, essai, "Droit à l'expérimentation");
    a.rebuild().unwrap();
    retitle(&mut a, budget, "Budget participatif");
    assert_eq!(titles(&a, "expérimentation"), ["Droit à l'expérimentation"]);
    assert!(titles(&a, "agents").is_empty());
    assert!(a.integrity_check(recolte_core::Lang::En).unwrap().is_empty());

    // A check looks at the index as it will be once caught up, and writes nothing itself.
    retitle(&mut a, budget, "Budget participatif des habitants");
    assert!(a.integrity_check(recolte_core::Lang::En).unwrap().is_empty());
    let file = rusqlite::Connection::open(_a_dir.path().join(recolte_store::DB_FILE)).unwrap();
    let waiting = |file: &rusqlite::Connection| -> i64 {
        file.query_row("SELECT count(*) FROM proposals_fts_pending", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(waiting(&file), 1);

    // Another writer holds the lock: the search does not wait for it, and answers from the
    // index as it stands; once the lock is free, the index catches up.
    file.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    assert!(titles(&a, "habitants").is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the search waited {:?}", started.elapsed());
    file.execute_batch("ROLLBACK").unwrap();
    assert_eq!(titles(&a, "habitants"), ["Budget participatif des habitants"]);
    assert_eq!(waiting(&file), 0);
}

#[test]
fn search_and_listings_stay_within_their_event() {
    let (_dir, mut store, first) = new_store();
    let second = store.import_programme(SAMPLE).unwrap();
    for event in [first, second] {
        let session = first_session(&store, event, 1);
        capture(&mut store, session, "Former les élus à l'innovation");
    }
    for event in [first, second] {
        let hits = store.search(event, "elus", 10).unwrap();
        assert_eq!(hits.len(), 1);
        let listed = store.proposals(event, &ProposalFilter::default()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(hits[0].id, listed[0].id.to_string());
    }
}

/// A tag « x; y » is two tags: open data joins a proposal's tags with « ; », and the tag could
/// not be read back as one.
#[test]
fn a_tag_with_a_semicolon_is_two_tags() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = store
        .add_proposal(
            session,
            &ProposalInput { title: "Ouvrir".into(), tags: vec!["données; ouverture".into()], ..Default::default() },
        )
        .unwrap();
    let tags = |store: &Store| store.proposals(event, &ProposalFilter::default()).unwrap()[0].tags.clone();
    assert_eq!(tags(&store), ["données", "ouverture"]);
    store.edit_proposal(id, &ProposalUpdate { tags: Some(vec!["a;b;".into()]), ..Default::default() }).unwrap();
    assert_eq!(tags(&store), ["a", "b"]);
}

/// Two facilitators of one session, each on a laptop without a network, each add the
/// sub-group « Groupe C » (one types it in small letters) and capture into it: once their
/// devices meet there is one « Groupe C » holding both proposals, not two that a name cannot
/// tell apart. A « Groupe C » added after the first was renamed is a new one.
#[test]
fn a_sub_group_added_on_two_devices_apart_is_one_once_they_meet() {
    let (_a_dir, mut a, event) = new_store();
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = Store::open(b_dir.path()).unwrap();
    b.import_bundle(&a.export_bundle(event).unwrap()).unwrap();
    let session = first_session(&a, event, 2);

    let on_a = a.add_subgroup(session, "Groupe C").unwrap();
    let on_b = b.add_subgroup(session, "groupe c").unwrap();
    assert_eq!(on_a, on_b, "one name, one id, made apart");
    let input =
        |title: &str| ProposalInput { title: title.into(), subgroup: Some("Groupe C".into()), ..Default::default() };
    a.add_proposal(session, &input("Un référent innovation par direction")).unwrap();
    b.add_proposal(session, &input("Des binômes agent-élu")).unwrap();

    a.import_bundle(&b.export_bundle(event).unwrap()).unwrap();
    b.import_bundle(&a.export_bundle(event).unwrap()).unwrap();
    for store in [&a, &b] {
        let groups = store.subgroups(session, false).unwrap();
        assert_eq!(groups.len(), 1, "{groups:?}");
        let listed = store.proposals(event, &ProposalFilter::default()).unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|p| p.subgroup == Some(on_a)), "{listed:?}");
    }
    assert_eq!(a.dump_projections().unwrap(), b.dump_projections().unwrap());

    // A rename on one device meets an add of that name on the other: two of one name, which
    // a name alone no longer picks (one was taken silently).
    a.rename_subgroup(session, "Groupe C", "Groupe F").unwrap();
    let added = b.add_subgroup(session, "Groupe F").unwrap();
    a.import_bundle(&b.export_bundle(event).unwrap()).unwrap();
    match a.resolve_subgroup(session, "groupe f") {
        Err(Error::AmbiguousSubgroup { name, ids }) => {
            assert_eq!(name, "Groupe F");
            assert_eq!(ids.len(), 2);
            assert!(ids.contains(&added.to_string()) && ids.contains(&on_a.to_string()), "{ids:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(a.resolve_subgroup(session, &added.to_string()).unwrap(), added, "by its id");
    a.rename_subgroup(session, &added.to_string(), "Groupe G").unwrap();
    assert_eq!(a.resolve_subgroup(session, "Groupe F").unwrap(), on_a);

    a.rename_subgroup(session, "Groupe F", "Les castors").unwrap();
    let again = a.add_subgroup(session, "Groupe C").unwrap();
    assert_ne!(again, on_a, "a new « Groupe C » does not take the renamed one's proposals");
    let groups = a.subgroups(session, false).unwrap();
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Les castors", "Groupe G", "Groupe C"]);
}
