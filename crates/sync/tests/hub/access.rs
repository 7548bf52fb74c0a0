//! Who may read and write what: each role held to its own rooms, tokens that are missing,
//! forged, expired or another event's refused with the reason, and invitations followed only
//! when the event a device holds signed them, so that no link hands its work to someone else.

use recolte_core::access::{Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::schema::DocName;
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate};
use recolte_sync::client::{self, SyncError, Target};
use recolte_sync::hub::close;
use recolte_sync::protocol;
use yrs::StateVector;

use crate::{titles, World};
use recolte_test_support::Device;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_writes_its_session_and_the_organiser_sees_it() {
    let world = World::new().await;
    let [session, other, ..] = world.sessions(1)[..] else { panic!() };
    let token = world.token(Role::Facilitator, vec![session], vec![]);
    let facilitator = Device::empty();
    let joined = world.sync(&facilitator, &token).await.unwrap();
    assert_eq!(joined.documents, 2, "the programme and its own session");
    assert_eq!(facilitator.store().sessions(world.event, None).unwrap().len(), 36);

    facilitator
        .store()
        .add_proposal(session, &ProposalInput { title: "Des sponsors élus".into(), ..Default::default() })
        .unwrap();
    world.sync(&facilitator, &token).await.unwrap();
    world.sync(&world.organiser, &world.token(Role::Organiser, vec![], vec![])).await.unwrap();
    assert_eq!(titles(&world.organiser.store(), world.event), ["Des sponsors élus"]);
    assert_eq!(
        facilitator.store().unconfirmed_count(&world.url(), &DocName::Session(world.event, session)).unwrap(),
        0
    );

    // Another session's room stays closed to it.
    let mut raw = world.raw(&DocName::Session(world.event, other), Some(&token)).await;
    let (code, reason) = raw.closed().await;
    assert_eq!(code, close::FORBIDDEN, "{reason}");
    assert!(reason.contains("facilitator"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rapporteur_reads_its_theme_and_its_changes_to_sessions_are_dropped() {
    let world = World::new().await;
    let sessions = world.sessions(4);
    let facilitator_token = world.token(Role::Facilitator, vec![sessions[0]], vec![]);
    let facilitator = Device::empty();
    world.sync(&facilitator, &facilitator_token).await.unwrap();
    let id = facilitator
        .store()
        .add_proposal(sessions[0], &ProposalInput { title: "Évaluer vite".into(), ..Default::default() })
        .unwrap();
    world.sync(&facilitator, &facilitator_token).await.unwrap();

    let token = world.token(Role::Rapporteur, vec![], vec![4]);
    let rapporteur = Device::empty();
    let report = world.sync(&rapporteur, &token).await.unwrap();
    assert_eq!(report.documents, 1 + 4 + 1, "programme, the theme's 4 sessions, its synthesis");
    assert_eq!(titles(&rapporteur.store(), world.event), ["Évaluer vite"]);

    // It edits a proposal on its own device: its client does not send it, and a client that
    // does is not listened to.
    rapporteur
        .store()
        .edit_proposal(id, &ProposalUpdate { title: Some("Réécrit en douce".into()), ..Default::default() })
        .unwrap();
    let merged = rapporteur.store().merge(world.event, 4, "Évaluer autrement", "", &[id], Some("R4")).unwrap();
    world.sync(&rapporteur, &token).await.unwrap();
    let room = DocName::Session(world.event, sessions[0]);
    let edit = rapporteur.store().diff_for(&room, &StateVector::default()).unwrap();
    let mut raw = world.raw(&room, Some(&token)).await;
    raw.send(protocol::update(edit)).await;
    raw.send(protocol::step1(&StateVector::default())).await;
    raw.step2().await;
    assert_eq!(world.hub.metrics().dropped_read_only, 1);
    world.sync(&world.organiser, &world.token(Role::Organiser, vec![], vec![])).await.unwrap();
    assert_eq!(titles(&world.organiser.store(), world.event), ["Évaluer vite"]);
    let synthesis = world.organiser.store().consolidated(world.event, 4, false).unwrap();
    assert_eq!(synthesis.iter().map(|c| c.id).collect::<Vec<_>>(), [merged]);

    // The panel reads sessions and syntheses and writes the panel document, and nothing else.
    let panel_token = world.token(Role::Panel, vec![], vec![]);
    let panel = Device::empty();
    world.sync(&panel, &panel_token).await.unwrap();
    assert_eq!(panel.store().consolidated(world.event, 4, false).unwrap().len(), 1);
    panel.store().mark(merged, true, Some("Panel")).unwrap();
    world.sync(&panel, &panel_token).await.unwrap();
    // It reads the sessions too (provenance), without writing them.
    assert!(!panel.store().proposals(world.event, &ProposalFilter::default()).unwrap().is_empty());
    let other_event = recolte_core::ids::EventId::new();
    let (code, _) = world.raw(&DocName::Panel(other_event), Some(&panel_token)).await.closed().await;
    assert_eq!(code, close::WRONG_EVENT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_forged_expired_and_foreign_tokens_are_refused() {
    let world = World::new().await;
    let room = DocName::Session(world.event, world.sessions(2)[0]);
    let scope = Scope { event: world.event, role: Role::Organiser, sessions: vec![], themes: vec![] };

    let other_keys = recolte_core::token::generate_keys().unwrap();
    let forged = recolte_core::token::issue(&other_keys.secret, &scope, None, time::Duration::hours(1)).unwrap();
    let own = world.organiser.store().event_keys(world.event).unwrap().unwrap();
    let expired = recolte_core::token::issue(&own.secret, &scope, None, time::Duration::seconds(-60)).unwrap();
    // A token for another event, signed with this event's key: it names no room here.
    let foreign_scope = Scope { event: EventId::new(), ..scope.clone() };
    let foreign = recolte_core::token::issue(&own.secret, &foreign_scope, None, time::Duration::hours(1)).unwrap();

    let cases = [
        (None, close::UNAUTHORIZED, "missing token"),
        (Some("not-a-token"), close::UNAUTHORIZED, "malformed"),
        (Some(forged.as_str()), close::BAD_SIGNATURE, "trusted"),
        (Some(expired.as_str()), close::EXPIRED, "expired"),
        (Some(foreign.as_str()), close::WRONG_EVENT, "another event"),
    ];
    for (token, code, words) in cases {
        let (got, reason) = world.raw(&room, token).await.closed().await;
        assert_eq!(got, code, "{token:?}: {reason}");
        assert!(reason.contains(words), "{reason:?} does not say {words:?}");
    }
    let (code, _) = world.raw(&room, Some(&forged)).await.closed().await;
    assert_eq!(code, close::BAD_SIGNATURE);
    let (code, _) = world.raw_path("not-a-room", Some(&forged)).await.closed().await;
    assert_eq!(code, close::UNKNOWN_ROOM);
    assert!(world.hub.metrics().refused >= 7);

    // A client told "refused" gets that reason in its error.
    let error = world.sync(&Device::empty(), &expired).await.unwrap_err();
    assert!(matches!(error, SyncError::Refused { code: close::EXPIRED, .. }), "{error}");
    assert_eq!(error.refusal(), Some(recolte_sync::refusal::RefusalCode::Expired));
    // One that does not read is said so, not taken for a forged one (« signature inconnue »).
    let error = world.sync(&Device::empty(), "not-a-token").await.unwrap_err();
    assert_eq!(error.refusal(), Some(recolte_sync::refusal::RefusalCode::UnreadableToken), "{error}");

    // A token that ends while its device is connected: the hub closes the connection then, as
    // it does a revoked one (it was checked only when the connection opened).
    let short = recolte_core::token::issue(&own.secret, &scope, None, time::Duration::seconds(2)).unwrap();
    let started = std::time::Instant::now();
    let (code, reason) = world.raw(&room, Some(&short)).await.closed().await;
    assert_eq!(code, close::EXPIRED, "{reason}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(500), "closed at its end, not at once");

    // A device whose invitation ended is told so by its status with no hub in reach (it said
    // « 2 non partagées » and nothing else), the end on the event's clock (Paris, UTC+2 then).
    let device = Device::empty();
    world.sync(&device, &world.token(Role::Organiser, vec![], vec![])).await.unwrap();
    let ended = recolte_sync::client::Target::new("ws://127.0.0.1:9", expired.clone());
    let docs =
        recolte_sync::status::report(&mut device.store(), Some(&ended), None, world.event, recolte_core::Lang::Fr)
            .unwrap();
    let summary = recolte_sync::status::summarize(&docs, Some(&ended.hub));
    assert_eq!(summary.state, recolte_sync::status::Overall::Refused);
    let said = summary.error.expect("the reason").message;
    let end = recolte_core::token::peek(&expired).unwrap().expires_at;
    assert!(said.contains(&recolte_core::moment::local_moment(&end, Some("Europe/Paris"))), "{said}");
    // The engine running with its hub out of reach does not promise « … partiront à la
    // reconnexion »: the token's end is said; a hub that still answers is believed instead.
    let board: client::StatusBoard = Default::default();
    let out_of_reach = |state| client::DocStatus {
        state,
        unconfirmed: 0,
        error: Some((recolte_sync::refusal::RefusalCode::Unreachable, String::new())),
    };
    for doc in device.store().documents(world.event).unwrap() {
        board.lock().unwrap().insert(doc, out_of_reach(client::SyncState::Offline));
    }
    let docs = recolte_sync::status::report(
        &mut device.store(),
        Some(&ended),
        Some(&board),
        world.event,
        recolte_core::Lang::Fr,
    )
    .unwrap();
    assert_eq!(recolte_sync::status::summarize(&docs, Some(&ended.hub)).state, recolte_sync::status::Overall::Refused);
}

/// A link naming an event this device holds, with a token signed by someone else's key and
/// their own hub, is refused before anything is sent: it would hand this device's work to them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_not_signed_by_the_event_a_device_holds_is_refused() {
    use recolte_core::invitation::Invitation;
    use recolte_sync::join;
    let world = World::new().await;
    let session = world.sessions(1)[0];
    let device = Device::empty();
    let genuine = Invitation {
        event: world.event,
        event_name: "Assises".into(),
        hubs: vec![world.url()],
        fingerprint: None,
        token: world.token(Role::Facilitator, vec![session], vec![]),
    };
    join::join(device.store.clone(), &genuine.link(), "Camille").await.unwrap();

    let theirs = recolte_core::token::generate_keys().unwrap();
    let scope = Scope { event: world.event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let forged = Invitation {
        hubs: vec!["ws://127.0.0.1:9".into()],
        token: recolte_core::token::issue(&theirs.secret, &scope, Some("x"), time::Duration::hours(1)).unwrap(),
        ..genuine.clone()
    };
    let error = join::join(device.store.clone(), &forged.link(), "Camille").await.unwrap_err();
    assert!(matches!(error, SyncError::NotSignedByTheEvent { .. }), "{error}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.contains("peut-être falsifiée"), "{said}");
    assert_eq!(join::remembered_target(&device.store()).unwrap().unwrap().hub, world.url(), "nothing changed");
    // The same token given with a hub address instead of a link (`recolte join --hub --token`,
    // the app's « Avancé »): both shells check it first.
    let error = join::check_token(&mut device.store(), &forged.token).unwrap_err();
    assert!(matches!(error, SyncError::NotSignedByTheEvent { .. }), "{error}");
    join::check_token(&mut device.store(), &genuine.token).unwrap();
    // A new genuine invitation still joins.
    join::join(device.store.clone(), &genuine.link(), "Camille").await.unwrap();
}

/// The organiser opening one of their own links on their own device (to see that it works)
/// goes on as the organiser, with the link's hub: it does not become that facilitator (its
/// saves would then be held to one session), sign with their name, or mark the link joined.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organiser_trying_their_own_link_keeps_their_rights_and_the_invitation() {
    use recolte_store::InvitationState;
    use recolte_sync::join;
    let world = World::new().await;
    let session = world.sessions(1)[0];
    world.organiser.store().set_author("Claire (organisation)").unwrap();
    let link = world.card(session, vec![world.url()]).link;
    let record = world.organiser.store().event_record(world.event).unwrap();
    assert!(join::preview(&link, record.as_ref(), true, recolte_core::Lang::Fr).unwrap().organiser_device);

    let joined = join::join(world.organiser.store.clone(), &link, "Camille").await.unwrap();
    assert!(joined.as_organiser && joined.report.is_some());
    let kept = join::remembered_target(&world.organiser.store()).unwrap().unwrap();
    assert_eq!(kept.hub, world.url());
    assert_eq!(recolte_core::token::peek(&kept.token).unwrap().scope.role, Role::Organiser);
    assert_eq!(world.organiser.store().author().unwrap(), "Claire (organisation)");
    let invitations = world.organiser.store().invitations(world.event, recolte_core::Lang::Fr).unwrap();
    assert_eq!(invitations[0].state, InvitationState::Unused, "still Camille's to use");
    // Still the organiser: the event's own settings are written and shared.
    world.organiser.store().set_dots_per_theme(world.event, 5).unwrap();
    client::sync_once(world.organiser.store.clone(), &kept).await.unwrap();

    // Camille's device, with the same link, joins as the facilitator it names.
    let camille = Device::empty();
    let theirs = join::join(camille.store.clone(), &link, "Camille").await.unwrap();
    assert!(!theirs.as_organiser);
    assert_eq!(camille.store().dots_per_theme(world.event).unwrap(), 5);
    assert_eq!(recolte_core::token::peek(&theirs.target.token).unwrap().scope.role, Role::Facilitator);
}

/// A second organiser, joined with an organiser's invitation (it does not hold the event's
/// key): it has the Organisation screen, and reads the arrivals board with the token it joined
/// with, as the app does; a facilitator's card has neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_organiser_has_the_organisation_screen_and_reads_the_arrivals_board() {
    use recolte_sync::{arrivals, join, status};
    let world = World::new().await;
    let request = recolte_store::InvitationRequest {
        role: Role::Organiser,
        sessions: vec![],
        themes: vec![],
        for_name: Some("Nadia".into()),
        valid_for: time::Duration::hours(4),
        hubs: vec![world.url()],
        fingerprint: None,
    };
    let card = world.organiser.store().create_invitation(world.event, &request, recolte_core::Lang::Fr).unwrap();
    let second = Device::empty();
    let joined = join::join(second.store.clone(), &card.link, "Nadia").await.unwrap();
    assert!(!second.store().holds_key(world.event).unwrap());
    let access = status::device_access(&mut second.store(), Some(&joined.target), world.event).unwrap();
    assert!(access.screens.contains(&"organisation"), "{:?}", access.screens);
    let board = arrivals::fetch(&joined.target, world.event).await.unwrap();
    assert_eq!(board.sessions.len(), 36);

    let session = world.sessions(1)[0];
    let facilitator = Device::empty();
    let theirs =
        join::join(facilitator.store.clone(), &world.card(session, vec![world.url()]).link, "Camille").await.unwrap();
    let access = status::device_access(&mut facilitator.store(), Some(&theirs.target), world.event).unwrap();
    assert!(!access.screens.contains(&"organisation"), "{:?}", access.screens);
    assert!(arrivals::fetch(&theirs.target, world.event).await.is_err());
}

/// A hub and a token given by hand, on a device that does not hold their event yet: a hub that
/// does not hold it either is an answer (it was « à jour » with no programme).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_and_token_given_by_hand_must_bring_the_event() {
    use recolte_sync::join;
    let world = World::new().await;
    let (_empty, _dir, empty_url) = world.another_hub(false).await;
    let token = world.token(Role::Panel, vec![], vec![]);
    let device = Device::empty();
    let error = join::first_exchange(&device.store, &Target::new(empty_url.clone(), token.clone())).await.unwrap_err();
    assert!(matches!(error, SyncError::EventNotOnHub { .. }), "{error}");
    assert!(join::first_exchange(&device.store, &world.target(&token)).await.unwrap().is_some());
    device.store().event(world.event).unwrap();
    join::remember_target(&mut device.store(), &world.target(&token)).unwrap();
    assert!(join::first_exchange(&device.store, &world.target(&token)).await.unwrap().is_none(), "held: nothing to do");
    // Held, and another hub given (the room's laptop): reached once, so that what it answers
    // (out of reach, a certificate not accepted) is said before it is remembered.
    let elsewhere = Target::new("ws://127.0.0.1:9", token.clone());
    let error = join::first_exchange(&device.store, &elsewhere).await.unwrap_err();
    assert_eq!(error.refusal(), Some(recolte_sync::refusal::RefusalCode::Unreachable), "{error}");
    // Held, and a hub given that has nothing of the event: said, as for a device without it
    // (it read « à jour » there while no one else could see its work).
    let error = join::first_exchange(&device.store, &Target::new(empty_url, token)).await.unwrap_err();
    assert!(matches!(error, SyncError::HubWithoutEvent { .. }), "{error}");
}

/// A second card for an event this device holds, naming a hub that trusts the event's key but
/// that the organisers never synced: not joined there (the device would read « à jour » with a
/// hub that serves nothing of the event to the others); the first card's hub stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_card_naming_a_hub_without_the_event_is_not_joined_there() {
    use recolte_sync::join;
    let world = World::new().await;
    let (_empty, _dir, empty_url) = world.another_hub(false).await;
    let session = world.sessions(1)[0];
    let device = Device::empty();
    let first =
        join::join(device.store.clone(), &world.card(session, vec![world.url()]).link, "Camille").await.unwrap();
    let second = world.card(session, vec![empty_url.clone()]);
    let error = join::join(device.store.clone(), &second.link, "Camille").await.unwrap_err();
    assert!(matches!(error, SyncError::HubWithoutEvent { .. }), "{error}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.contains("ne détient rien de cet événement") && said.contains("reste avec le serveur"), "{said}");
    let kept = join::remembered_target(&device.store()).unwrap().unwrap();
    assert_eq!((kept.hub, kept.token), (first.target.hub, first.target.token));
    // A card naming that hub first, then one that holds the event: joined at the second.
    let third = world.card(session, vec![empty_url, world.url()]);
    let joined = join::join(device.store.clone(), &third.link, "Camille").await.unwrap();
    assert_eq!(joined.target.hub, world.url());
}
