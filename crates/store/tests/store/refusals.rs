//! What cannot be saved as asked is refused, with the reason, and changes nothing: unknown ids,
//! empty or too long texts, names that could not be told apart, numbers out of range, merges
//! that would say two things of one proposal.

use recolte_core::ids::{ProposalId, SessionId};
use recolte_core::schema::DocName;
use recolte_store::{Error, ProposalFilter, ProposalInput, ProposalUpdate, Store};

use crate::{capture, first_session, new_store};

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
    // Two spaces typed between the words: the same name.
    assert!(matches!(store.add_subgroup(session, "Équipe  Élus"), Err(Error::SubgroupExists(n)) if n == "Équipe Élus"));
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
