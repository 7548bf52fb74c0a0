//! No one takes the event over from elsewhere: a change to its signing key or to a revocation is
//! refused, a record borrowing another session's id or another theme's proposal and an arrival
//! where its invitation may not write are not believed; the signing key never leaves the
//! organiser's store, and a device writes only what its invitation lets it.

use recolte_core::programme::SAMPLE;
use recolte_core::schema::DocName;
use recolte_store::{Error, ProposalFilter, ProposalInput, Store};

use crate::{capture, first_session, new_store};

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

/// Invitations are printed weeks before the event: one made « for the event » lasts until the
/// end of the day after its last day on the event's clock, and 3 days at least (a practice
/// event whose days are past); a length that does not read is refused by name.
#[test]
fn an_invitation_for_the_event_lasts_until_the_day_after_it_and_three_days_at_least() {
    let (_dir, mut store, past) = new_store();
    let three_days = store.invitation_validity(past, recolte_store::FOR_THE_EVENT).unwrap();
    assert_eq!(three_days, time::Duration::days(3), "the sample's days are past");

    let in_six_weeks = jiff::Zoned::now().date().checked_add(jiff::Span::new().days(42)).unwrap();
    let programme =
        SAMPLE.replace("2025-10-01", &in_six_weeks.to_string()).replace("2025-10-02", &in_six_weeks.to_string());
    let dir = tempfile::tempdir().unwrap();
    let mut other = Store::open(dir.path()).unwrap();
    let coming = other.import_programme(&programme).unwrap();
    let valid_for = other.invitation_validity(coming, " event ").unwrap();
    let expires = jiff::Timestamp::now().as_second() + valid_for.whole_seconds();
    let day_after = in_six_weeks.checked_add(jiff::Span::new().days(2)).unwrap().in_tz("Europe/Paris").unwrap();
    assert!((expires - day_after.timestamp().as_second()).abs() <= 2, "midnight ending the day after, Paris time");

    // A last day typed in the wrong year is said, not signed for decades.
    let programme = SAMPLE.replace("2025-10-01", "2062-10-01").replace("2025-10-02", "2062-10-02");
    let far_dir = tempfile::tempdir().unwrap();
    let mut far = Store::open(far_dir.path()).unwrap();
    let typo = far.import_programme(&programme).unwrap();
    let refused = far.invitation_validity(typo, "event").unwrap_err();
    assert!(matches!(refused, Error::EventTooFar(ref day) if day == "2062-10-02"), "{refused:?}");
    assert_eq!(far.invitation_validity(typo, "2w").unwrap(), time::Duration::weeks(2));

    assert_eq!(store.invitation_validity(past, "2w").unwrap(), time::Duration::weeks(2));
    let refused = store.invitation_validity(past, "demain").unwrap_err();
    assert!(matches!(refused, Error::InvalidValidity(ref text) if text == "demain"), "{refused:?}");
}
