#![allow(clippy::unwrap_used)]
//! The store as a device uses it: real SQLite files in temporary folders.

use recolte_core::ids::{EventId, ProposalId, SessionId};
use recolte_core::model::Kind;
use recolte_core::schema::DocName;
use recolte_store::{Error, ProposalFilter, ProposalInput, ProposalUpdate, Store};
use tempfile::TempDir;

use recolte_core::programme::SAMPLE;

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
    store.set_proposal_deleted(id, false).unwrap();
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap().len(), 1);
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
fn unknown_ids_and_empty_titles_are_errors_that_change_nothing() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    let before = store.dump_projections().unwrap();
    assert!(matches!(store.add_subgroup(SessionId::new(), "A"), Err(Error::UnknownSession(_))));
    assert!(matches!(
        store.edit_proposal(ProposalId::new(), &ProposalUpdate::default()),
        Err(Error::Core(recolte_core::Error::UnknownProposal(_)))
    ));
    assert!(matches!(
        store.add_proposal(
            session,
            &ProposalInput { title: "x".into(), subgroup: Some("nope".into()), ..Default::default() }
        ),
        Err(Error::Core(recolte_core::Error::UnknownSubgroup(_)))
    ));
    assert!(matches!(
        store.add_proposal(session, &ProposalInput { title: "  ".into(), ..Default::default() }),
        Err(Error::Empty(recolte_store::Field::Title))
    ));
    assert!(matches!(store.merge(event, 42, "x", "", &[], None), Err(Error::UnknownTheme(42))));
    assert_eq!(store.dump_projections().unwrap(), before);
}

#[test]
fn texts_longer_than_their_field_and_blank_names_are_refused_and_change_nothing() {
    use recolte_store::Field;
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 8);
    store.set_author("Camille").unwrap();
    let id = capture(&mut store, session, "Un glossaire commun");
    let before = store.dump_projections().unwrap();
    let long = |n: usize| "a".repeat(n);
    let too_long = |r: Result<_, Error>, field: Field| {
        assert!(matches!(r, Err(Error::TooLong { field: f, .. }) if f == field), "{field:?}");
    };
    too_long(
        store.add_proposal(session, &ProposalInput { title: long(501), ..Default::default() }).map(|_| ()),
        Field::Title,
    );
    too_long(
        store
            .add_proposal(session, &ProposalInput { title: "x".into(), body: long(20_001), ..Default::default() })
            .map(|_| ()),
        Field::Body,
    );
    too_long(
        store
            .add_proposal(session, &ProposalInput { title: "x".into(), tags: vec![long(201)], ..Default::default() })
            .map(|_| ()),
        Field::Tag,
    );
    too_long(store.edit_proposal(id, &ProposalUpdate { title: Some(long(501)), ..Default::default() }), Field::Title);
    too_long(store.add_subgroup(session, &long(201)).map(|_| ()), Field::Name);
    too_long(store.set_author(&long(201)), Field::Name);
    assert!(matches!(store.set_author("   "), Err(Error::Empty(Field::Name))));
    assert_eq!(store.author().unwrap(), "Camille", "a blank name does not erase the one given");
    assert_eq!(store.dump_projections().unwrap(), before);
    let merged = store.merge(event, 8, "Un glossaire", "", &[id], None).unwrap();
    too_long(store.comment(merged, &long(5_001), None).map(|_| ()), Field::Comment);
    too_long(
        store.edit_consolidated(
            merged,
            &recolte_core::schema::ConsolidatedPatch { body: Some(long(20_001)), ..Default::default() },
        ),
        Field::Body,
    );
    // The longest allowed is saved whole, and the message names the field and its limit.
    store.edit_proposal(id, &ProposalUpdate { body: Some(long(20_000)), ..Default::default() }).unwrap();
    let error =
        store.edit_proposal(id, &ProposalUpdate { body: Some(long(20_001)), ..Default::default() }).unwrap_err();
    assert_eq!(
        recolte_core::Localize::localize(&error, recolte_core::Lang::Fr),
        "le champ texte tient en 20\u{202f}000 caractères au plus, celui-ci en a 20\u{202f}001 : rien n'a été enregistré"
    );

    // A text that came longer from another device (a stock Yjs client has no limit) can be
    // corrected, not made longer.
    let name = DocName::Session(event, session);
    // Another device (a stock Yjs client, say) writes the patch on what it has of the session.
    let from_elsewhere = |store: &mut Store, patch: recolte_core::schema::ProposalPatch| {
        use yrs::updates::decoder::Decode;
        use yrs::{ReadTxn, Transact};
        let doc = yrs::Doc::new();
        let state = store.document_state(&name).unwrap();
        doc.transact_mut().apply_update(yrs::Update::decode_v1(&state).unwrap()).unwrap();
        let before = doc.transact().state_vector();
        recolte_core::schema::edit_proposal(&mut doc.transact_mut(), id, &patch).unwrap();
        let update = doc.transact().encode_state_as_update_v1(&before);
        store.apply_remote(&name, &update).unwrap();
    };
    from_elsewhere(&mut store, recolte_core::schema::ProposalPatch { body: Some(long(30_000)), ..Default::default() });
    store.edit_proposal(id, &ProposalUpdate { body: Some(long(29_000)), ..Default::default() }).unwrap();
    from_elsewhere(&mut store, recolte_core::schema::ProposalPatch { title: Some(long(800)), ..Default::default() });
    store.edit_proposal(id, &ProposalUpdate { title: Some(long(799)), ..Default::default() }).unwrap();
    too_long(store.edit_proposal(id, &ProposalUpdate { title: Some(long(801)), ..Default::default() }), Field::Title);
    too_long(store.edit_proposal(id, &ProposalUpdate { body: Some(long(29_001)), ..Default::default() }), Field::Body);
}

/// The event's signing key is written once, when the programme is imported: a change to it
/// from elsewhere (a bundle handed over by a facilitator, a crafted update) is refused with
/// the reason, and the store keeps the key it had, so that no one can take the event over.
#[test]
fn a_change_to_the_events_signing_key_from_elsewhere_is_refused() {
    use yrs::updates::decoder::Decode;
    use yrs::{Map, ReadTxn, Transact};
    let (_dir, mut store, event) = new_store();
    let name = DocName::Event(event);
    let key = store.event_public_keys().unwrap();
    let doc = yrs::Doc::new();
    doc.transact_mut().apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap()).unwrap();
    let before = doc.transact().state_vector();
    let info = doc.get_or_insert_map("event");
    info.insert(&mut doc.transact_mut(), "public_key", "k4.public.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let swap = doc.transact().encode_state_as_update_v1(&before);
    let projections = store.dump_projections().unwrap();

    let error = store.apply_remote(&name, &swap).unwrap_err();
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.contains("remplace la clé de signature de l'événement"), "{said}");
    assert!(recolte_core::Localize::localize(&error, recolte_core::Lang::En).contains("signing key"));
    assert_eq!(store.event_public_keys().unwrap(), key);
    assert_eq!(store.dump_projections().unwrap(), projections);
    // The same change carried in a bundle (bundles are not signed): nothing imported.
    let mut bundle = recolte_core::bundle::Bundle::decode(&store.export_bundle(event).unwrap()).unwrap();
    for document in &mut bundle.documents {
        if document.name == name {
            document.update = swap.clone();
        }
    }
    let error = store.import_bundle(&bundle.encode()).unwrap_err();
    assert!(recolte_core::Localize::localize(&error, recolte_core::Lang::Fr).contains("rien n'a été importé"));
    assert_eq!(store.event_public_keys().unwrap(), key);
    assert_eq!(store.dump_projections().unwrap(), projections);
    // A change that leaves the key alone still goes through.
    let doc = yrs::Doc::new();
    doc.transact_mut().apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap()).unwrap();
    let before = doc.transact().state_vector();
    doc.get_or_insert_map("event").insert(&mut doc.transact_mut(), "name", "Assises, renommées");
    store.apply_remote(&name, &doc.transact().encode_state_as_update_v1(&before)).unwrap();
}

/// Whoever may write one session cannot replace another session's proposal by writing a
/// record of the same id in its own document (ids leak: bundles, the open data): the row stays
/// the other session's, as its own document says.
#[test]
fn a_record_with_the_id_of_another_sessions_proposal_does_not_replace_it() {
    use yrs::updates::decoder::Decode;
    use yrs::{ReadTxn, Transact};
    let (_dir, mut store, event) = new_store();
    let (mine, theirs) = (first_session(&store, event, 1), first_session(&store, event, 2));
    let alice = capture(&mut store, theirs, "La proposition d'Alice");
    capture(&mut store, mine, "Une des miennes");
    let name = DocName::Session(event, mine);
    let doc = yrs::Doc::new();
    doc.transact_mut().apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap()).unwrap();
    let before = doc.transact().state_vector();
    recolte_core::schema::insert_proposal(
        &mut doc.transact_mut(),
        alice,
        &recolte_core::schema::NewProposal { title: "Réécrite par un autre".into(), ..Default::default() },
    );
    store.apply_remote(&name, &doc.transact().encode_state_as_update_v1(&before)).unwrap();
    let listed = store.proposals(event, &ProposalFilter::default()).unwrap();
    let row = listed.iter().find(|p| p.id == alice).unwrap();
    assert_eq!((row.title.as_str(), row.session_id), ("La proposition d'Alice", theirs));
    assert!(!listed.iter().any(|p| p.title == "Réécrite par un autre"), "{listed:?}");
}

/// A consolidated proposal of one theme made elsewhere that cites another theme's proposal
/// (the rapporteur's own device refuses such a merge) does not show it merged there: neither
/// among its sources nor as « fusionnée » in the other theme, whatever session it claims.
#[test]
fn a_synthesis_record_citing_another_themes_proposal_is_not_read_as_merging_it() {
    use recolte_core::model::Source;
    use yrs::updates::decoder::Decode;
    use yrs::{ReadTxn, Transact};
    let (_dir, mut store, event) = new_store();
    let (one, two) = (first_session(&store, event, 1), first_session(&store, event, 2));
    let own = capture(&mut store, one, "Du thème 1");
    let elsewhere = capture(&mut store, two, "Du thème 2");
    let name = DocName::Synthesis(event, 1);
    let doc = yrs::Doc::new();
    doc.transact_mut().apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap()).unwrap();
    let before = doc.transact().state_vector();
    let sources = vec![
        Source { proposal_id: own, session_id: one },
        Source { proposal_id: elsewhere, session_id: two },
        // The same proposal, claiming a session of theme 1.
        Source { proposal_id: elsewhere, session_id: one },
    ];
    let new = recolte_core::schema::NewConsolidated {
        title: "Fusion venue d'ailleurs".into(),
        sources,
        ..Default::default()
    };
    recolte_core::schema::insert_consolidated(&mut doc.transact_mut(), recolte_core::ids::ConsolidatedId::new(), &new);
    store.apply_remote(&name, &doc.transact().encode_state_as_update_v1(&before)).unwrap();
    let merged = store.consolidated(event, 1, false).unwrap();
    let cited: Vec<_> = merged[0].sources.iter().map(|s| s.proposal_id).collect();
    assert_eq!(cited, [own]);
    let listed = store.proposals(event, &ProposalFilter::default()).unwrap();
    let merged_into = |id| listed.iter().find(|p| p.id == id).unwrap().merged_into.len();
    assert_eq!((merged_into(own), merged_into(elsewhere)), (1, 0));
}

/// An arrival recorded in a document the invitation may not write (anyone who writes a session
/// can record one naming any invitation's id) does not mark that invitation joined.
#[test]
fn an_arrival_counts_only_where_its_invitation_may_write() {
    use recolte_core::access::Role;
    use recolte_store::{InvitationRequest, InvitationState};
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    let request = InvitationRequest {
        role: Role::Panel,
        sessions: vec![],
        themes: vec![],
        for_name: Some("Ana".into()),
        valid_for: time::Duration::hours(4),
        hubs: vec!["ws://127.0.0.1:4455".into()],
        fingerprint: None,
    };
    let panel = store.create_invitation(event, &request, recolte_core::Lang::Fr).unwrap();
    let state = |store: &mut Store| store.invitations(event, recolte_core::Lang::Fr).unwrap()[0].state;
    store.record_arrival(&[DocName::Session(event, session)], &panel.id, Role::Panel, "Quelqu'un d'autre").unwrap();
    assert_eq!(state(&mut store), InvitationState::Unused);
    store.record_arrival(&[DocName::Panel(event)], &panel.id, Role::Panel, "Ana").unwrap();
    assert_eq!(state(&mut store), InvitationState::Joined);
    assert_eq!(store.invitations(event, recolte_core::Lang::Fr).unwrap()[0].joined_by.as_deref(), Some("Ana"));
}

/// The data folder holds the event's signing key and the device's tokens: readable by its
/// owner only, a store made by an earlier version (world-readable) included.
#[cfg(unix)]
#[test]
fn the_data_folder_and_the_store_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("recolte");
    drop(Store::open(&dir).unwrap());
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    // As an earlier version left them: the folder and every file readable by all.
    let store = Store::open(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for file in ["recolte.sqlite", "recolte.sqlite-wal", "recolte.sqlite-shm"] {
        std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let again = Store::open(&dir).unwrap();
    // A folder it did not make is left as it is (it may be shared on purpose); the files hold
    // the secrets.
    assert_eq!(mode(&dir), 0o755);
    for file in ["recolte.sqlite", "recolte.sqlite-wal", "recolte.sqlite-shm"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    drop((store, again));
}

/// A revocation is for good: a change from elsewhere (a bundle made on purpose) that takes one
/// back is refused, and the revoked invitation stays refused.
#[test]
fn a_change_that_takes_back_a_revocation_is_refused() {
    use yrs::updates::decoder::Decode;
    use yrs::{Map, ReadTxn, Transact, WriteTxn};
    let (_dir, mut store, event) = new_store();
    let name = DocName::Event(event);
    let from_elsewhere = |store: &mut Store, change: &dyn Fn(&mut yrs::TransactionMut)| {
        let doc = yrs::Doc::new();
        doc.transact_mut()
            .apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap())
            .unwrap();
        let before = doc.transact().state_vector();
        change(&mut doc.transact_mut());
        let update = doc.transact().encode_state_as_update_v1(&before);
        store.apply_remote(&name, &update)
    };
    from_elsewhere(&mut store, &|txn| recolte_core::schema::revoke(txn, "invitation-perdue")).unwrap();
    let error = from_elsewhere(&mut store, &|txn| {
        txn.get_or_insert_map("revocations").remove(txn, "invitation-perdue");
    })
    .unwrap_err();
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.contains("annule une révocation"), "{said}");
    let doc = yrs::Doc::new();
    doc.transact_mut().apply_update(yrs::Update::decode_v1(&store.document_state(&name).unwrap()).unwrap()).unwrap();
    let revoked = recolte_core::schema::read_revocations(&doc.transact());
    assert_eq!(revoked.iter().map(|r| r.token.as_str()).collect::<Vec<_>>(), ["invitation-perdue"]);
}

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
fn what_would_mislead_is_refused_and_changes_nothing() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 8);
    store.add_subgroup(session, "Groupe A").unwrap();
    let b = store.add_subgroup(session, "Groupe B").unwrap();
    let (p, q) = (capture(&mut store, session, "Un glossaire"), capture(&mut store, session, "Un lexique"));
    let merged = store.merge(event, 8, "Un vocabulaire commun", "", &[p, q], None).unwrap();
    let before = store.dump_projections().unwrap();
    // Two sub-groups of one name could not be told apart.
    assert!(matches!(store.add_subgroup(session, "groupe a"), Err(Error::SubgroupExists(n)) if n == "Groupe A"));
    assert!(matches!(store.rename_subgroup(session, &b.to_string(), "GROUPE A"), Err(Error::SubgroupExists(_))));
    // Numbers out of their range are said, not bent.
    let dots = store.set_dots_per_theme(event, 0).unwrap_err();
    assert_eq!(
        recolte_core::Localize::localize(&dots, recolte_core::Lang::Fr),
        "le nombre de points par thème doit être entre 1 et 99 (0 donné)"
    );
    assert!(matches!(store.set_dots_per_theme(event, 1_000), Err(Error::OutOfRange { .. })));
    let zero = recolte_core::schema::ConsolidatedPatch { priority: Some(Some(0)), ..Default::default() };
    assert!(matches!(store.edit_consolidated(merged, &zero), Err(Error::OutOfRange { .. })));
    assert!(matches!(store.set_lexicon(event, 8, "Mot", "mot", false), Err(Error::SameWord(_))));
    assert!(matches!(store.dismiss_duplicates(event, 8, &[p, p]), Err(Error::OneProposal)));
    // Merged, a proposal is treated: setting it aside too would say two things of it.
    let aside = store.set_proposal_aside(p, Some(recolte_core::schema::SetAsideReason::OffTopic));
    assert!(
        matches!(aside, Err(Error::MergedNotSetAside { ref titles }) if titles == &["Un vocabulaire commun"]),
        "{aside:?}"
    );
    assert_eq!(store.dump_projections().unwrap(), before);
    // Merged twice (a proposal may feed two consolidated ones): both merges are named.
    store.merge(event, 8, "Des mots partagés", "", &[p], None).unwrap();
    let merged_twice = store.dump_projections().unwrap();
    let twice = store.set_proposal_aside(p, Some(recolte_core::schema::SetAsideReason::OffTopic)).unwrap_err();
    assert_eq!(
        recolte_core::Localize::localize(&twice, recolte_core::Lang::Fr),
        "cette proposition est fusionnée dans « Des mots partagés » et « Un vocabulaire commun » : défaites d'abord ces fusions pour la mettre de côté"
    );
    assert_eq!(store.dump_projections().unwrap(), merged_twice);
    // Case aside in French too: SQLite's lower() would leave « É » as it is.
    let team = store.add_subgroup(session, "Équipe Élus").unwrap();
    assert!(matches!(store.add_subgroup(session, "équipe élus"), Err(Error::SubgroupExists(n)) if n == "Équipe Élus"));
    assert_eq!(store.resolve_subgroup(session, "ÉQUIPE ÉLUS").unwrap(), team);
    assert_eq!(
        store.resolve_subgroup(session, "E\u{301}quipe e\u{301}lus").unwrap(),
        team,
        "decomposed, as a Mac pastes"
    );
    // An undone merge is neither voted, marked, commented nor worded.
    store.set_consolidated_deleted(merged, true).unwrap();
    let undone = |r: Result<(), Error>| assert!(matches!(r, Err(Error::UndoneMerge(_))), "{r:?}");
    undone(store.vote(merged, 1, Some("Inès")));
    undone(store.mark(merged, true, Some("Panel")).map(|_| ()));
    // What was given can be taken back.
    store.vote(merged, 0, Some("Inès")).unwrap();
    assert!(!store.mark(merged, false, Some("Panel")).unwrap(), "it was not marked");
    undone(store.comment(merged, "Oui", Some("Panel")).map(|_| ()));
    let wording = recolte_core::schema::ConsolidatedPatch { title: Some("Autre".into()), ..Default::default() };
    undone(store.edit_consolidated(merged, &wording));
    // Control characters (an escape sequence, whole; a NUL) do not reach the documents.
    let id = capture(&mut store, session, "A\u{1b}[31mROUGE\u{0}");
    store
        .edit_proposal(id, &ProposalUpdate { body: Some("ligne 1\r\nligne 2\u{7}".into()), ..Default::default() })
        .unwrap();
    let saved = store.proposals(event, &ProposalFilter::default()).unwrap().into_iter().find(|x| x.id == id).unwrap();
    assert_eq!((saved.title.as_str(), saved.body.as_str()), ("AROUGE", "ligne 1\nligne 2"));
}

#[test]
fn a_deleted_proposal_is_restored_before_it_is_merged() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 8);
    let (a, b) =
        (capture(&mut store, session, "Un glossaire commun"), capture(&mut store, session, "Un lexique partagé"));
    store.set_proposal_deleted(b, true).unwrap();
    let before = store.dump_projections().unwrap();
    let error = store.merge(event, 8, "Un vocabulaire commun", "", &[a, b], None).unwrap_err();
    assert!(matches!(&error, Error::DeletedProposal(title) if title == "Un lexique partagé"), "{error}");
    assert_eq!(store.dump_projections().unwrap(), before);
    store.set_proposal_deleted(b, false).unwrap();
    store.merge(event, 8, "Un vocabulaire commun", "", &[a, b], None).unwrap();
}

#[test]
fn merging_keeps_sources_and_marks_originals() {
    let (_dir, mut store, event) = new_store();
    let sessions = store.sessions(event, Some(8)).unwrap();
    let a = capture(&mut store, sessions[0].id, "Créer une base de retours d'expérience");
    let b = capture(&mut store, sessions[1].id, "Base commune des retours d'expériences");
    let theme_1 = first_session(&store, event, 1);
    let other_theme = capture(&mut store, theme_1, "Autre chose");
    let err = store.merge(event, 8, "x", "", &[a, other_theme], None).unwrap_err();
    assert!(matches!(err, Error::NotInTheme { actual: 1, .. }), "{err}");

    let merged = store
        .merge(event, 8, "Une base commune de retours d'expérience", "", &[a, b, a], Some("Rapporteur 8"))
        .unwrap();
    let synthesis = store.consolidated(event, 8, false).unwrap();
    assert_eq!(synthesis.len(), 1);
    assert_eq!(synthesis[0].sources.len(), 2);
    let proposals = store.proposals(event, &ProposalFilter { theme: Some(8), ..Default::default() }).unwrap();
    assert!(proposals.iter().all(|p| p.merged_into == [merged]));

    // Undoing the merge frees the originals.
    store.set_consolidated_deleted(merged, true).unwrap();
    let proposals = store.proposals(event, &ProposalFilter { theme: Some(8), ..Default::default() }).unwrap();
    assert!(proposals.iter().all(|p| p.merged_into.is_empty()));
}

#[test]
fn two_handles_on_one_store_never_lose_each_others_edits() {
    let (dir, mut app, event) = new_store();
    let mut cli = Store::open(dir.path()).unwrap();
    let session = first_session(&app, event, 3);
    let id = capture(&mut app, session, "Rendre visible l'innovation");
    // The CLI edits a proposal the app created, then the app edits another part of it
    // from its (now stale) in-memory document.
    cli.edit_proposal(
        id,
        &ProposalUpdate { title: Some("Rendre visible l'innovation invisible".into()), ..Default::default() },
    )
    .unwrap();
    app.edit_proposal(id, &ProposalUpdate { body: Some("Un prix annuel".into()), ..Default::default() }).unwrap();
    for store in [&mut app, &mut cli] {
        let p = &store.proposals(event, &ProposalFilter::default()).unwrap()[0];
        assert_eq!(p.title, "Rendre visible l'innovation invisible");
        assert_eq!(p.body, "Un prix annuel");
    }
    let name = DocName::Session(event, session);
    assert_eq!(app.document_json(&name).unwrap(), cli.document_json(&name).unwrap());
}

#[test]
fn compaction_keeps_everything_and_other_handles_follow() {
    let (dir, mut store, event) = new_store();
    let mut other = Store::open(dir.path()).unwrap();
    let session = first_session(&store, event, 4);
    let id = capture(&mut store, session, "Évaluer");
    for i in 0..20 {
        store.edit_proposal(id, &ProposalUpdate { body: Some(format!("version {i}")), ..Default::default() }).unwrap();
    }
    let name = DocName::Session(event, session);
    let before = store.document_json(&name).unwrap();
    let _ = other.document_json(&name).unwrap(); // `other` has seen the log up to here
    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "{report:?}");
    assert_eq!(store.log_stats().unwrap().updates, report.updates_after);

    // Both a fresh handle and one that had read the old log see the same document.
    other
        .edit_proposal(id, &ProposalUpdate { title: Some("Évaluer pour essaimer".into()), ..Default::default() })
        .unwrap();
    let mut fresh = Store::open(dir.path()).unwrap();
    assert_eq!(fresh.document_json(&name).unwrap(), other.document_json(&name).unwrap());
    assert_ne!(fresh.document_json(&name).unwrap(), before);
    assert_eq!(fresh.proposals(event, &ProposalFilter::default()).unwrap()[0].body, "version 19");
}

/// A compaction folds what a hub confirmed and leaves this device's later edits as they are:
/// folded, they read as the log's own and were counted shared (the status, a join's hand-over).
#[test]
fn compaction_leaves_the_edits_no_hub_confirmed_as_they_are() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 4);
    let name = DocName::Session(event, session);
    let id = capture(&mut store, session, "Évaluer");
    for i in 0..10 {
        store.edit_proposal(id, &ProposalUpdate { body: Some(format!("partagée {i}")), ..Default::default() }).unwrap();
    }
    let hub = "ws://192.0.2.1:4455";
    store.set_confirmed_seq(hub, &name, store.last_seq(&name).unwrap()).unwrap();
    for i in 0..5 {
        store
            .edit_proposal(id, &ProposalUpdate { body: Some(format!("à partager {i}")), ..Default::default() })
            .unwrap();
    }
    assert_eq!(store.unconfirmed_local_edits(hub, &name).unwrap(), 5);
    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "what the hub has is folded: {report:?}");
    assert_eq!(store.unconfirmed_local_edits(hub, &name).unwrap(), 5, "still to share");
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap()[0].body, "à partager 4");
}

#[test]
fn rebuild_gives_the_same_projections_as_incremental_updates() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 5);
    store.add_subgroup(session, "Silos").unwrap();
    let a = capture(&mut store, session, "Coopérer entre services");
    let b = capture(&mut store, session, "Coalitions inter-administrations");
    store.edit_proposal(b, &ProposalUpdate { tags: Some(vec!["réseau".into()]), ..Default::default() }).unwrap();
    let merged = store.merge(event, 5, "Coopérer", "", &[a, b], None).unwrap();
    // A source deleted after its merge (or on another device meanwhile).
    store.set_proposal_deleted(a, true).unwrap();
    store.mark(merged, true, Some("Panel")).unwrap();
    store.comment(merged, "À porter au national", Some("Panel")).unwrap();
    let incremental = store.dump_projections().unwrap();
    let report = store.rebuild().unwrap();
    assert_eq!(report.proposals, 2);
    assert_eq!(store.dump_projections().unwrap(), incremental);
    assert_eq!(store.search(event, "cooperer", 10).unwrap().len(), 1, "the index was rebuilt too");
    assert!(store.integrity_check(recolte_core::Lang::En).unwrap().is_empty());
}

#[test]
fn a_store_made_by_the_first_migration_upgrades_to_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    recolte_store::create_at_version(dir.path(), 1).unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    store.set_setting("display_name", "Camille").unwrap();
    drop(store);
    // …and a store of the current version opens again unchanged.
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.author().unwrap(), "Camille");
    assert_eq!(store.sessions(event, None).unwrap().len(), 36);
}

#[test]
fn a_data_folder_that_is_a_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "gardé").unwrap();
    let err = Store::open(&file).unwrap_err();
    let text = recolte_core::Localize::localize(&err, recolte_core::Lang::Fr);
    assert!(text.contains("est un fichier, pas un dossier de données"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "gardé");
}

#[test]
fn a_file_that_is_not_a_store_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(recolte_store::DB_FILE),
        b"this is a text file, not a database at all..........................................................",
    )
    .unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    let text = recolte_core::Localize::localize(&err, recolte_core::Lang::Fr);
    assert!(text.contains("n'est pas un stockage Récolte"), "{text}");
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

#[test]
fn the_event_signing_key_never_leaves_the_organisers_store() {
    let (_dir, mut store, event) = new_store();
    let secret = store.event_keys(event).unwrap().unwrap().secret;
    // The key's material, whatever text wraps it.
    let material = secret.rsplit('.').next().unwrap().to_owned();
    assert!(material.len() > 40);
    let bundle = store.export_bundle(event).unwrap();
    assert!(!bundle.windows(material.len()).any(|w| w == material.as_bytes()), "a bundle carries the signing key");
    for name in store.documents(event).unwrap() {
        assert!(!store.document_json(&name).unwrap().contains(&material), "{name} carries the signing key");
    }
    // A device that imports the bundle can check tokens but not make them.
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = Store::open(other_dir.path()).unwrap();
    other.import_bundle(&bundle).unwrap();
    assert!(other.event_keys(event).unwrap().is_none());
    assert!(other.event(event).unwrap().public_key.is_some());
}

/// A thread that panicked while holding the shared store (in the middle of an edit) leaves
/// its in-memory documents in doubt: the next holder gets them reloaded from the log, and
/// every committed edit is still there.
#[test]
fn a_store_whose_holder_panicked_reloads_from_its_log() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Avant la panne");
    let shared = std::sync::Arc::new(std::sync::Mutex::new(store));
    let holder = shared.clone();
    let crashed = std::thread::spawn(move || {
        let mut store = holder.lock().unwrap();
        capture(&mut store, session, "Pendant la panne");
        panic!("a thread stops while holding the store");
    })
    .join();
    assert!(crashed.is_err() && shared.is_poisoned());
    {
        let mut store = Store::lock_shared(&shared);
        capture(&mut store, session, "Après la panne");
        let titles: Vec<String> = store
            .proposals(event, &recolte_store::ProposalFilter { session: Some(session), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
    }
    assert!(!shared.is_poisoned(), "the store is usable again");
}

#[test]
fn named_snapshots_stay_exactly_restorable_through_a_compaction() {
    use recolte_store::{SnapshotContent, SnapshotReason};
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let doc = DocName::Session(event, session);
    let first = capture(&mut store, session, "Ouvrir les données");
    let second = capture(&mut store, session, "Former les agents");
    let edit = |store: &mut Store, id, title: &str| {
        store.edit_proposal(id, &ProposalUpdate { title: Some(title.into()), ..Default::default() }).unwrap();
    };
    edit(&mut store, first, "Ouvrir les données publiques");
    let named = store.take_snapshot(&doc, "Avant la pause").unwrap();
    assert_eq!((named.reason, named.label.as_str(), named.shared), (SnapshotReason::Manual, "Avant la pause", true));
    for i in 0..10 {
        edit(&mut store, first, &format!("Open data, essai {i}"));
    }
    // A merge takes a snapshot of the synthesis as it stood before it.
    let theme_doc = DocName::Synthesis(event, 2);
    store.merge(event, 2, "Une première fusion", "", &[first], Some("Rapporteur")).unwrap();
    let merged = store.merge(event, 2, "Open data", "", &[first, second], Some("Rapporteur")).unwrap();
    store.set_proposal_deleted(second, true).unwrap();
    let merges: Vec<_> = store.snapshots(event, Some(&theme_doc)).unwrap();
    assert_eq!(merges.len(), 2, "{merges:?}");
    assert_eq!(merges[1].label, "Avant la fusion « Open data »");
    assert_eq!(merges[1].taken_by, "Rapporteur");

    let listed = store.snapshots(event, None).unwrap();
    let contents: Vec<SnapshotContent> = listed.iter().map(|s| store.snapshot_content(&s.id).unwrap()).collect();
    let by_hand = listed.iter().position(|s| s.id == named.id).unwrap();
    let titles_then = match &contents[by_hand] {
        SnapshotContent::Session(session) => session.proposals.iter().map(|p| p.title.clone()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(titles_then, ["Ouvrir les données publiques", "Former les agents"]);
    let versions_before = store.proposal_history(first).unwrap().len();

    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "{report:?}");
    let listed = store.snapshots(event, None).unwrap();
    let after: Vec<SnapshotContent> = listed.iter().map(|s| store.snapshot_content(&s.id).unwrap()).collect();
    assert_eq!(after, contents, "every snapshot reads the same after the compaction");
    // The history keeps a version at each snapshot: the wording before the pause is still there.
    let versions: Vec<String> = store.proposal_history(first).unwrap().into_iter().map(|v| v.title).collect();
    assert!(versions.contains(&"Ouvrir les données publiques".to_owned()), "{versions:?}");
    assert!(versions.len() < versions_before, "the log between snapshots was folded: {versions:?}");

    // Restoring puts the session back as it stood, as one edit, after a snapshot of what it replaces.
    let restored = store.restore_snapshot(&named.id).unwrap();
    assert!(restored.written >= 2, "{restored:?}");
    let before_restore = restored.before.unwrap();
    assert_eq!(before_restore.reason, SnapshotReason::Restore);
    let now: Vec<(String, bool)> = store
        .proposals(event, &ProposalFilter { session: Some(session), all: true, ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|p| (p.title, p.deleted))
        .collect();
    assert!(now.contains(&("Ouvrir les données publiques".to_owned(), false)), "{now:?}");
    assert!(now.contains(&("Former les agents".to_owned(), false)), "{now:?}");
    assert_eq!(store.restore_snapshot(&named.id).unwrap().written, 0, "already as it was");
    // And the state it replaced can be restored in turn.
    store.restore_snapshot(&before_restore.id).unwrap();
    assert!(store.proposal_history(first).unwrap().last().unwrap().title.starts_with("Open data, essai 9"));
    // The synthesis before the second merge held only the first one.
    match store.snapshot_content(&merges[1].id).unwrap() {
        SnapshotContent::Synthesis { consolidated } => {
            assert_eq!(consolidated.len(), 1);
            assert_ne!(consolidated[0].id, merged);
        }
        other => panic!("{other:?}"),
    }
    // Unknown snapshots and empty names are refused, and name the problem.
    assert!(matches!(store.snapshot_content("999"), Err(Error::UnknownSnapshot(id)) if id == "999"));
    assert!(matches!(store.snapshot_content("pas-un-id"), Err(Error::UnknownSnapshot(_))));
    let nowhere = "0190a3c4-0000-7000-8000-000000000000";
    assert!(matches!(store.snapshot_content(nowhere), Err(Error::UnknownSnapshot(id)) if id == nowhere));
    assert!(store.take_snapshot(&doc, "  ").is_err());
}

#[test]
fn each_session_gets_its_end_of_slot_snapshot_once() {
    use recolte_store::SnapshotReason;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Sessions in 2099: what is captured now was captured before their end.
    let event = store.import_programme(&SAMPLE.replace("\"2025-", "\"2099-")).unwrap();
    let session = first_session(&store, event, 5);
    capture(&mut store, session, "Mutualiser les achats");
    let later: jiff::Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0, "no slot has ended yet");
    assert_eq!(store.take_due_snapshots(later).unwrap(), 1, "only the session that holds something");
    assert_eq!(store.take_due_snapshots(later).unwrap(), 0, "once");
    let ends = store.snapshots(event, Some(&DocName::Session(event, session))).unwrap();
    assert_eq!(ends.len(), 1);
    assert_eq!((ends[0].reason, ends[0].label.as_str()), (SnapshotReason::SessionEnd, "Fin du créneau"));
    assert!(ends[0].taken_at.starts_with("2099-"), "{:?}", ends[0]);

    // A session whose slot ended before anything reached this device gets none: what came
    // later is not what stood at its end.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = first_session(&store, event, 5);
    capture(&mut store, session, "Arrivé après la fin");
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0);
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0, "looked at again, still none");
}

#[test]
fn the_summary_names_consolidated_proposals_of_different_themes_that_say_the_same_thing() {
    let (_dir, mut store, event) = new_store();
    let mut merged = Vec::new();
    for (theme, title) in [
        (2, "Un glossaire commun de l'innovation publique"),
        (5, "Rédiger un lexique commun de l'innovation publique"),
        (5, "Ouvrir un tiers-lieu pour les agents"),
        (8, "Financer les expérimentations des communes rurales"),
    ] {
        let session = first_session(&store, event, theme);
        let source = capture(&mut store, session, title);
        merged.push(store.merge(event, theme, title, "", &[source], None).unwrap());
    }
    let summary = store.panel_summary(event).unwrap();
    assert_eq!(summary.alike.len(), 1, "{:?}", summary.alike);
    let mut alike = summary.alike[0].consolidated.clone();
    alike.sort();
    let mut expected = vec![merged[0], merged[1]];
    expected.sort();
    assert_eq!(alike, expected);
    assert!(summary.alike[0].reason.contains("glossaire ≈ lexique"), "{}", summary.alike[0].reason);
    // Within one theme it is the rapporteur's business, not the summary's.
    store.set_consolidated_deleted(merged[0], true).unwrap();
    let session = first_session(&store, event, 5);
    let twin = capture(&mut store, session, "Un glossaire commun de l'innovation publique");
    store.merge(event, 5, "Un glossaire commun de l'innovation publique", "", &[twin], None).unwrap();
    assert!(store.panel_summary(event).unwrap().alike.is_empty());
}

#[test]
fn duplicate_suggestions_follow_every_change_from_this_handle_or_another() {
    let (dir, mut app, event) = new_store();
    let mut cli = Store::open(dir.path()).unwrap();
    let session = first_session(&app, event, 2);
    let appli = capture(&mut app, session, "Créer une appli de covoiturage pour les agents");
    let application = capture(&mut app, session, "Créer une application de covoiturage pour les agents");
    let members = |store: &mut Store| -> Vec<Vec<ProposalId>> {
        store.suggest_duplicates(event, 2).unwrap().into_iter().map(|s| s.proposals).collect()
    };
    assert_eq!(members(&mut app), vec![vec![appli, application]]);
    assert_eq!(members(&mut app), vec![vec![appli, application]], "asked again, nothing changed");

    // Another handle on the store (the sync engine, the command line) adds a third one.
    let third = capture(&mut cli, session, "Une appli de covoiturage pour les agents");
    assert_eq!(members(&mut app).concat().len(), 3, "the other handle's proposal is suggested");

    // And sets one aside: it leaves the suggestions.
    cli.set_proposal_aside(third, Some(recolte_core::schema::SetAsideReason::ExactDuplicate)).unwrap();
    assert_eq!(members(&mut app), vec![vec![appli, application]]);

    // Another theme is another question.
    assert!(members(&mut app).iter().all(|group| group.len() == 2));
    assert_eq!(app.suggest_duplicates(event, 3).unwrap(), Vec::new());
    assert_eq!(members(&mut app), vec![vec![appli, application]]);
}

#[test]
fn only_a_merge_the_suggestions_missed_teaches_the_lexicon() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let appli = capture(&mut store, session, "Créer une appli de covoiturage pour les agents");
    let application = capture(&mut store, session, "Créer une application de covoiturage pour les agents");
    let glossaire = capture(&mut store, session, "Une gazette");
    let lexique = capture(&mut store, session, "Un bulletin");
    assert!(store.suggest_duplicates(event, 2).unwrap().iter().all(|s| !s.proposals.contains(&glossaire)));

    let (_, learned) = store.merge_and_learn(event, 2, "Covoiturage", "", &[appli, application], None).unwrap();
    assert_eq!(learned, Vec::new(), "suggested together: nothing to learn");
    let (_, learned) = store.merge_and_learn(event, 2, "Glossaire", "", &[glossaire, lexique], None).unwrap();
    assert_eq!(learned, vec![("bulletin".to_owned(), "gazette".to_owned())]);
    let lexicon = store.triage(event, 2).unwrap().lexicon;
    assert!(lexicon.iter().any(|e| (e.a.as_str(), e.b.as_str()) == ("bulletin", "gazette")), "{lexicon:?}");
}

#[test]
fn a_device_writes_only_what_its_invitation_lets_it_and_is_told_why_otherwise() {
    use recolte_core::access::{Role, Scope};
    use recolte_core::{Lang, Localize};
    let (_organiser_dir, mut organiser, event) = new_store();
    let (own, other) = (first_session(&organiser, event, 1), first_session(&organiser, event, 2));
    let scope = Scope { event, role: Role::Facilitator, sessions: vec![own], themes: Vec::new() };
    let token = organiser.issue_token(&scope, Some("Camille"), time::Duration::days(1)).unwrap();
    // The organiser's device with no token, or its own organiser token, writes everywhere.
    capture(&mut organiser, other, "L'organisation écrit partout");
    let whole = Scope { event, role: Role::Organiser, sessions: Vec::new(), themes: Vec::new() };
    let whole = organiser.issue_token(&whole, None, time::Duration::days(1)).unwrap();
    organiser.set_setting(recolte_store::settings::TOKEN, &whole).unwrap();
    capture(&mut organiser, other, "Avec son jeton d'organisation aussi");
    // Syncing with a facilitator's token (to see what a facilitator sees), that token is the
    // rule: what it wrote beyond would never reach the hub.
    organiser.set_setting(recolte_store::settings::TOKEN, &token).unwrap();
    assert!(matches!(organiser.add_subgroup(other, "Groupe Y"), Err(Error::OutOfRights { .. })));
    organiser.set_setting(recolte_store::settings::TOKEN, "").unwrap();

    let device_dir = tempfile::tempdir().unwrap();
    let mut device = Store::open(device_dir.path()).unwrap();
    device.import_bundle(&organiser.export_bundle(event).unwrap()).unwrap();
    // Without an invitation (it shares by bundles), a device writes everything.
    capture(&mut device, other, "Sans invitation, tout s'écrit");
    device.set_setting(recolte_store::settings::TOKEN, &token).unwrap();
    capture(&mut device, own, "Dans sa session");

    let before = device.dump_projections().unwrap();
    let input = ProposalInput { title: "Hors de ses droits".into(), ..Default::default() };
    let refused = device.add_proposal(other, &input).unwrap_err();
    assert!(matches!(refused, Error::OutOfRights { role: Role::Facilitator, .. }), "{refused:?}");
    assert_eq!(
        refused.localize(Lang::Fr),
        "l'invitation avec laquelle cet appareil se synchronise (animation) ne lui permet pas d'écrire dans cette \
         session : le serveur refuserait ce changement, qui ne serait jamais partagé ; rien n'a été enregistré \
         (demandez à l'équipe d'organisation une invitation qui le couvre)"
    );
    assert!(refused
        .localize(Lang::En)
        .starts_with("the invitation this device syncs with (facilitator) does not let it write in this session"));
    let subgroup = device.add_subgroup(other, "Groupe Z").unwrap_err();
    assert!(matches!(subgroup, Error::OutOfRights { .. }), "{subgroup:?}");
    assert_eq!(device.dump_projections().unwrap(), before, "nothing was saved");

    // A new invitation that covers it: the same device writes there at once.
    let wider = Scope { sessions: vec![own, other], ..scope };
    device
        .set_setting(
            recolte_store::settings::TOKEN,
            &organiser.issue_token(&wider, None, time::Duration::days(1)).unwrap(),
        )
        .unwrap();
    capture(&mut device, other, "Avec la nouvelle invitation");
}

#[test]
fn the_logs_numbers_keep_growing_after_an_event_with_the_last_entries_is_removed() {
    let (dir, mut store, first) = new_store();
    let second = store.import_programme(SAMPLE).unwrap();
    let session = first_session(&store, second, 2);
    capture(&mut store, session, "Un laboratoire par région");
    // An automatic snapshot (the end of the session's slot), as this device keeps it.
    let doc = recolte_core::schema::DocName::Session(second, session).to_string();
    let raw = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    raw.execute(
        "INSERT INTO named_snapshots (doc, entry, reason, name, taken_at, taken_by) VALUES (?1, 1, 'session_end', 'fin', '', '')",
        [&doc],
    )
    .unwrap();
    let reached = store.last_log_seq().unwrap();
    // Another connection has applied everything up to `reached`.
    let watcher = Store::open(dir.path()).unwrap();
    assert_eq!(watcher.last_log_seq().unwrap(), reached);

    store.remove_event(second).unwrap();
    assert!(store.last_log_seq().unwrap() < reached, "the event held the log's last entries");
    // Its snapshots went with it: kept, they would point below a later copy's log.
    let left: i64 = raw.query_row("SELECT count(*) FROM named_snapshots WHERE doc = ?1", [&doc], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    let session = first_session(&store, first, 1);
    capture(&mut store, session, "Former les élus");
    let after = watcher.log_after(reached, 100).unwrap();
    assert_eq!(after.len(), 1, "the watcher sees the new entry: numbers were not given twice");
    assert!(after[0].0 > reached);
}

#[test]
fn a_store_whose_last_entries_were_deleted_keeps_numbering_above_them_after_the_upgrade() {
    // Before migration 0011, AUTOINCREMENT remembered the highest number ever given.
    let dir = tempfile::tempdir().unwrap();
    recolte_store::create_at_version(dir.path(), 10).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    let doc = "01a20094-5763-77ed-987c-fe069732c223/event";
    conn.execute(
        "INSERT INTO documents (name, event_id, kind, created_at) VALUES (?1, '01a20094-5763-77ed-987c-fe069732c223', 'event', '2026-11-28T00:00:00Z')",
        [doc],
    )
    .unwrap();
    for _ in 0..3 {
        conn.execute(
            "INSERT INTO doc_updates (doc, data, origin, saved_at) VALUES (?1, x'0000', 'local', '2026-11-28T00:00:00Z')",
            [doc],
        )
        .unwrap();
    }
    conn.execute("DELETE FROM doc_updates WHERE seq > 1", []).unwrap();
    drop(conn);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.last_log_seq().unwrap(), 1, "the entries kept are kept");
    store.import_programme(SAMPLE).unwrap();
    let numbers: Vec<i64> = store.log_after(0, 1000).unwrap().into_iter().map(|(seq, _, _)| seq).collect();
    assert_eq!(numbers[0], 1);
    assert!(numbers[1] > 3, "numbers 2 and 3 were given once already: {numbers:?}");
}

/// One entry of one document's log that no longer reads stops that document's loading and
/// export: the check names it, in the reader's language, with what to do.
#[test]
fn the_check_names_a_log_entry_that_no_longer_reads() {
    let (dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Former les élus");
    assert!(store.integrity_check(recolte_core::Lang::Fr).unwrap().is_empty());
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    let doc = DocName::Session(event, session).to_string();
    let seq: i64 = conn.query_row("SELECT max(seq) FROM doc_updates WHERE doc = ?1", [&doc], |r| r.get(0)).unwrap();
    conn.execute("UPDATE doc_updates SET data = x'deadbeef00ff' WHERE seq = ?1", [seq]).unwrap();
    drop(conn);
    let store = Store::open(dir.path()).unwrap();
    let fr = store.integrity_check(recolte_core::Lang::Fr).unwrap();
    assert_eq!(fr.len(), 1, "{fr:?}");
    assert!(fr[0].contains(&doc) && fr[0].contains(&format!("n° {seq} est illisible")), "{fr:?}");
    assert!(fr[0].contains("importez un paquet d'un autre appareil"), "{fr:?}");
    let en = store.integrity_check(recolte_core::Lang::En).unwrap();
    assert!(en[0].contains(&format!("update #{seq} cannot be read")), "{en:?}");
}

/// A damaged search index is said to be the index (a copy of the tables), never the store;
/// the documents still leave in a bundle.
#[test]
fn a_damaged_search_index_is_named_and_the_documents_still_leave() {
    let (dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Former les élus");
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    conn.execute("UPDATE proposals_fts_data SET block = x'00ff00ff00ff' WHERE id > 1", []).unwrap();
    drop(conn);
    let mut store = Store::open(dir.path()).unwrap();
    assert!(matches!(store.search(event, "élus", 10), Err(Error::SearchIndexDamaged { .. })));
    let problems = store.integrity_check(recolte_core::Lang::Fr).unwrap();
    assert!(
        !problems.is_empty() && problems.iter().all(|p| p.starts_with("index de recherche endommagé")),
        "{problems:?}"
    );
    assert!(matches!(store.rebuild(), Err(Error::TooDamagedToRebuild { .. })));
    assert!(!store.export_bundle(event).unwrap().is_empty());
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

/// A card saved from a field that did not show a colleague's words yet (they arrived while its
/// save waited) keeps those words: the typing is rebased onto the text as it is now.
#[test]
fn a_card_saved_from_an_older_text_keeps_the_words_typed_meanwhile() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let colleague = ProposalUpdate { title: Some("Former tous les élus".into()), ..Default::default() };
    store.edit_proposal(id, &colleague).unwrap();
    let mine = ProposalUpdate {
        title: Some("Former les élus locaux".into()),
        title_base: Some("Former les élus".into()),
        body: Some("En 2026.".into()),
        body_base: Some(String::new()),
        ..Default::default()
    };
    store.edit_proposal(id, &mine).unwrap();
    let proposal = store.proposals(event, &ProposalFilter::default()).unwrap().remove(0);
    assert_eq!((proposal.title.as_str(), proposal.body.as_str()), ("Former tous les élus locaux", "En 2026."));
}

/// The same for a consolidated proposal's wording, which two rapporteurs may word at once.
#[test]
fn a_wording_saved_from_an_older_text_keeps_the_words_typed_meanwhile() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let merged = store.merge(event, 2, "Former les élus", "", &[id], None).unwrap();
    let colleague =
        recolte_core::schema::ConsolidatedPatch { title: Some("Former tous les élus".into()), ..Default::default() };
    store.edit_consolidated(merged, &colleague).unwrap();
    let mine = recolte_core::schema::ConsolidatedPatch {
        title: Some("Former les élus locaux".into()),
        title_base: Some("Former les élus".into()),
        ..Default::default()
    };
    store.edit_consolidated(merged, &mine).unwrap();
    assert_eq!(store.consolidated(event, 2, false).unwrap()[0].title, "Former tous les élus locaux");
}

/// A rebase that would leave a title empty is refused, and nothing is saved.
#[test]
fn a_rebased_title_left_empty_is_refused() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    store.edit_proposal(id, &ProposalUpdate { title: Some("Former".into()), ..Default::default() }).unwrap();
    let mine = ProposalUpdate {
        title: Some("les élus".into()),
        title_base: Some("Former les élus".into()),
        ..Default::default()
    };
    assert!(matches!(store.edit_proposal(id, &mine), Err(Error::Empty(_))));
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap()[0].title, "Former");
}

/// A rebase that would make a text longer than its field allows (a colleague and this editor
/// both added words) is refused, and nothing is saved; one already that long may still be
/// shortened.
#[test]
fn a_rebased_text_beyond_its_field_is_refused() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let start = "a".repeat(12_000);
    store.edit_proposal(id, &ProposalUpdate { body: Some(start.clone()), ..Default::default() }).unwrap();
    let theirs = format!("{start}{}", "b".repeat(7_000));
    store.edit_proposal(id, &ProposalUpdate { body: Some(theirs.clone()), ..Default::default() }).unwrap();
    let mine = ProposalUpdate {
        body: Some(format!("{}{start}", "c".repeat(7_000))),
        body_base: Some(start.clone()),
        ..Default::default()
    };
    let refused = store.edit_proposal(id, &mine).unwrap_err();
    assert!(matches!(refused, Error::TooLong { length: 26_000, .. }), "{refused:?}");
    let body = |store: &Store| store.proposals(event, &ProposalFilter::default()).unwrap().remove(0).body;
    assert!(body(&store) == theirs, "nothing saved");
    // Within bounds once rebased: saved.
    let shorter = ProposalUpdate {
        body: Some(format!("{}{start}", "c".repeat(10))),
        body_base: Some(start.clone()),
        ..Default::default()
    };
    store.edit_proposal(id, &shorter).unwrap();
    assert!(body(&store) == format!("{}{theirs}", "c".repeat(10)), "{} characters", body(&store).len());
}
