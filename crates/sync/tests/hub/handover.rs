//! A facilitator's work outlives the card and the hub it was typed with: a second card sends
//! what only the first could write, a card kept aside is tried again until shared or revoked,
//! an invitation's other hub takes over when its own is gone, and a move to another event says
//! what stays behind, so that nothing waits unseen for good.

use recolte_core::access::{Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::schema::DocName;
use recolte_store::ProposalInput;
use recolte_sync::client::{self, SyncError, Target};

use crate::{board_until, titles, World};
use recolte_test_support::Device;

/// A facilitator who runs two sessions joins with the second card: the first session's last
/// proposals, not yet shared, go first (the new card may not write there, so they would wait
/// unseen for good), through the first card's hub or, when it is gone, the new card's hub.
/// With no hub in reach (the venue's Wi-Fi down) the join goes ahead all the same, so that the
/// next session can be captured, and they are sent once a hub of the event answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_card_sends_what_only_the_first_could_write_now_or_later() {
    use recolte_core::invitation::Invitation;
    use recolte_sync::{handover, join};
    let world = World::new().await;
    let sessions = world.sessions(8);
    let card = |session, hubs: Vec<String>| Invitation {
        event: world.event,
        event_name: "Assises".into(),
        hubs,
        fingerprint: None,
        token: world.token(Role::Facilitator, vec![session], vec![]),
    };
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let add = |device: &Device, session, title: &str| {
        let last = ProposalInput { title: title.into(), ..Default::default() };
        device.store().add_proposal(session, &last).unwrap();
    };

    // The first card's hub is gone (another address now): the new card's hub takes them.
    let (first, second) = (card(sessions[0], vec![world.url()]), card(sessions[1], vec![world.url()]));
    let device = Device::empty();
    join::join(device.store.clone(), &first.link(), "Camille").await.unwrap();
    add(&device, sessions[0], "La dernière de la session 1");
    join::remember_target(&mut device.store(), &Target::new("ws://127.0.0.1:9", first.token.clone())).unwrap();
    let joined = join::join(device.store.clone(), &second.link(), "Camille").await.unwrap();
    assert_eq!((joined.target.token.as_str(), joined.left_behind), (second.token.as_str(), 0));
    world.sync(&world.organiser, &organiser).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"La dernière de la session 1".to_owned()));

    // No hub answers at all: joined anyway, the session's last proposal kept aside…
    let third = card(sessions[2], vec!["ws://127.0.0.1:9".into()]);
    add(&device, sessions[1], "La dernière de la session 2");
    join::remember_target(&mut device.store(), &Target::new("ws://127.0.0.1:9", second.token.clone())).unwrap();
    let joined = join::join(device.store.clone(), &third.link(), "Camille").await.unwrap();
    // (its arrival record too: the card's hub here is a made-up address, which confirmed nothing)
    assert_eq!(joined.target.token, third.token);
    assert!(joined.left_behind >= 1, "{}", joined.left_behind);
    assert!(joined.pending.is_some(), "nothing was reached");
    // …the next session is captured meanwhile…
    add(&device, sessions[2], "Première de la session 3");
    assert_eq!(handover::hand_over_later(&device.store).await.unwrap(), joined.left_behind, "still no hub");
    assert_eq!(handover::kept_aside(&device.store()).unwrap(), std::slice::from_ref(&second.token));
    // The third card's own work reaches the hub (its address given again): only what was kept
    // aside is left, and another event's link waits for it.
    let here = world.target(&third.token);
    join::remember_target(&mut device.store(), &here).unwrap();
    client::sync_once(device.store.clone(), &here).await.unwrap();
    let theirs = recolte_core::token::generate_keys().unwrap();
    let elsewhere = Scope { event: EventId::new(), role: Role::Panel, sessions: vec![], themes: vec![] };
    let other = Invitation {
        event: elsewhere.event,
        event_name: "Un autre événement".into(),
        hubs: vec!["ws://127.0.0.1:9".into()],
        fingerprint: None,
        token: recolte_core::token::issue(&theirs.secret, &elsewhere, Some("x"), time::Duration::hours(1)).unwrap(),
    };
    let refused = join::join(device.store.clone(), &other.link(), "Camille").await.unwrap_err();
    assert!(matches!(refused, SyncError::UnsharedElsewhere { .. }), "{refused}");
    // …and background sync's next try sends it through the hub the device now reaches, with the
    // second card's token, and lets that card go.
    assert_eq!(handover::hand_over_later(&device.store).await.unwrap(), 0);
    world.sync(&world.organiser, &organiser).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"La dernière de la session 2".to_owned()));
    assert!(handover::kept_aside(&device.store()).unwrap().is_empty(), "nothing kept aside any more");
}

/// A card kept aside is tried again by background sync on its own beat (here every 50 ms, 30 s
/// in the app) until the hub the device reaches takes what it holds, then let go; the loop ends
/// with the engine. Meanwhile the status says those changes go with the former card (it said
/// « hors de vos droits »). A card revoked while the device was away is let go at once: what it
/// holds will never be shared through it, and the status says so. A list kept aside that
/// cannot be read is an error, left as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_card_is_tried_again_in_the_background_until_shared_or_revoked() {
    use recolte_core::invitation::Invitation;
    use recolte_store::settings::FORMER_INVITATIONS;
    use recolte_sync::{handover, join, status};
    let world = World::new().await;
    let sessions = world.sessions(8);
    let nowhere = "ws://127.0.0.1:9".to_owned();
    let card = |session, hubs: Vec<String>| {
        let record = world.card(session, hubs);
        let token = Invitation::parse(&record.link).unwrap().token;
        (record, token)
    };
    let (first, first_token) = card(sessions[0], vec![world.url()]);
    let (second, second_token) = card(sessions[1], vec![nowhere.clone()]);
    let (third, _) = card(sessions[2], vec![nowhere.clone()]);
    let device = Device::empty();
    let add = |session, title: &str| {
        let input = ProposalInput { title: title.into(), ..Default::default() };
        device.store().add_proposal(session, &input).unwrap();
    };
    let status_of = |target: &Target| {
        let docs =
            status::report(&mut device.store(), Some(target), None, world.event, recolte_core::Lang::Fr).unwrap();
        let summary = status::summarize(&docs, Some(&target.hub));
        (docs, summary)
    };

    // The first card's session ends while the venue's Wi-Fi is down; the second card is joined.
    join::join(device.store.clone(), &first.link, "Camille").await.unwrap();
    add(sessions[0], "La dernière de la session 1");
    join::remember_target(&mut device.store(), &Target::new(nowhere.clone(), first_token.clone())).unwrap();
    let joined = join::join(device.store.clone(), &second.link, "Camille").await.unwrap();
    // (with its arrival record: the made-up address confirmed nothing)
    assert!(joined.left_behind >= 1, "{}", joined.left_behind);
    let (docs, summary) = status_of(&joined.target);
    let session_1 = DocName::Session(world.event, sessions[0]).to_string();
    let line = docs.iter().find(|d| d.doc == session_1).expect("the first session's line");
    assert!(line.former_invitation && !line.out_of_rights && line.unsent == joined.left_behind, "{line:?}");
    assert_eq!((summary.former_invitation, summary.out_of_rights), (joined.left_behind, 0), "{summary:?}");
    assert_ne!(summary.state, status::Overall::OutOfRights);

    // The Wi-Fi is back: background sync takes it through the hub the device now reaches.
    let here = world.target(&second_token);
    join::remember_target(&mut device.store(), &here).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let engine =
        tokio::spawn(handover::keep_handing_over(device.store.clone(), std::time::Duration::from_millis(50), stopped));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !handover::kept_aside(&device.store()).unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the kept card was never handed over");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), engine)
        .await
        .expect("the loop ends with the engine")
        .unwrap();
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    world.sync(&world.organiser, &organiser).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"La dernière de la session 1".to_owned()));
    client::sync_once(device.store.clone(), &here).await.unwrap();
    let (_, summary) = status_of(&here);
    assert_eq!((summary.former_invitation, summary.unshared, summary.state), (0, 0, status::Overall::UpToDate));

    // The second card is revoked while the device is away with its session's last proposal.
    add(sessions[1], "La dernière de la session 2");
    join::remember_target(&mut device.store(), &Target::new(nowhere.clone(), second_token.clone())).unwrap();
    let joined = join::join(device.store.clone(), &third.link, "Camille").await.unwrap();
    assert!(joined.left_behind >= 1, "{}", joined.left_behind);
    assert!(world.organiser.store().revoke_invitation(world.event, &second.id).unwrap());
    world.sync(&world.organiser, &organiser).await.unwrap();
    let here = world.target(&joined.target.token);
    join::remember_target(&mut device.store(), &here).unwrap();
    client::sync_once(device.store.clone(), &here).await.unwrap();
    assert_eq!(handover::hand_over_later(&device.store).await.unwrap(), 0);
    assert!(handover::kept_aside(&device.store()).unwrap().is_empty(), "a revoked card is let go");
    let (docs, summary) = status_of(&here);
    let session_2 = DocName::Session(world.event, sessions[1]).to_string();
    let line = docs.iter().find(|d| d.doc == session_2).expect("the second session's line");
    assert!(line.out_of_rights && !line.former_invitation, "never shared now, and said so: {line:?}");
    assert_eq!(summary.state, status::Overall::OutOfRights);
    // The organiser's board says so too: a USB key to ask for (it read « 0 non partagée »).
    client::sync_once(device.store.clone(), &here).await.unwrap();
    let me = device.store().device_id().unwrap();
    board_until(&world.target(&organiser), world.event, "the device's changes outside its invitation", |board| {
        board.devices.iter().any(|d| d.device == me && d.outside == Some(summary.out_of_rights) && d.unsent == Some(0))
    })
    .await;

    // The third card is revoked with its session's last proposal still here, unshared: the next
    // card's join says it will not go over the network any more (a bundle carries it).
    let (fourth, _) = card(sessions[3], vec![world.url()]);
    add(sessions[2], "La dernière de la session 3");
    assert!(world.organiser.store().revoke_invitation(world.event, &third.id).unwrap());
    world.sync(&world.organiser, &organiser).await.unwrap();
    let joined = join::join(device.store.clone(), &fourth.link, "Camille").await.unwrap();
    assert_eq!((joined.stranded, joined.left_behind), (1, 0));
    assert!(handover::kept_aside(&device.store()).unwrap().is_empty(), "nothing to keep aside for it");

    // A list that cannot be read is said, and left as it was.
    device.store().set_setting(FORMER_INVITATIONS, "[{\"hub\": 1").unwrap();
    let error = handover::hand_over_later(&device.store).await.unwrap_err();
    assert!(error.to_string().contains(FORMER_INVITATIONS), "{error}");
    assert!(handover::kept_aside(&device.store()).is_err());
    assert_eq!(device.store().setting(FORMER_INVITATIONS).unwrap().as_deref(), Some("[{\"hub\": 1"));
}

/// A device moves to another event while its former card, revoked meanwhile, holds a proposal
/// no hub took: the join goes ahead (nothing could send it over the network any more), says it
/// stays on the device and that a bundle carries it, and the first event's status still counts
/// it (it said « aucun document à synchroniser »).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_another_event_says_what_a_revoked_card_leaves_here() {
    use recolte_sync::{join, status};
    let (first, second) = (World::new().await, World::new().await);
    let session = first.sessions(1)[0];
    let card = first.card(session, vec![first.url()]);
    let device = Device::empty();
    join::join(device.store.clone(), &card.link, "Camille").await.unwrap();
    let input = ProposalInput { title: "Jamais partie".into(), ..Default::default() };
    device.store().add_proposal(session, &input).unwrap();
    assert!(first.organiser.store().revoke_invitation(first.event, &card.id).unwrap());
    first.sync(&first.organiser, &first.token(Role::Organiser, vec![], vec![])).await.unwrap();

    let elsewhere = second.card(second.sessions(1)[0], vec![second.url()]);
    let joined = join::join(device.store.clone(), &elsewhere.link, "Camille").await.unwrap();
    assert_eq!((joined.event, joined.stranded, joined.left_behind), (second.event, 1, 0));
    let now = join::remembered_target(&device.store()).unwrap();
    let docs = status::report(&mut device.store(), now.as_ref(), None, first.event, recolte_core::Lang::Fr).unwrap();
    let room = DocName::Session(first.event, session).to_string();
    let line = docs.iter().find(|d| d.doc == room).expect("the first event's session is still listed");
    assert!(line.out_of_rights && line.unsent == 1, "{line:?}");
}

/// A second card that cannot be joined (its hub has nothing of the event) after the first
/// card's unshared work was set aside for it: the device stays with the first card, which is
/// not also counted as kept aside, so a move to another event then counts its changes once
/// (they were counted twice, as this card's and as a card kept aside).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_join_that_fails_after_setting_the_current_card_aside_keeps_it_as_the_current_one() {
    use recolte_sync::{handover, join};
    let (world, second) = (World::new().await, World::new().await);
    let sessions = world.sessions(2);
    let nowhere = "ws://127.0.0.1:9".to_owned();
    let first = world.card(sessions[0], vec![world.url()]);
    let device = Device::empty();
    join::join(device.store.clone(), &first.link, "Camille").await.unwrap();
    let input = ProposalInput { title: "Pas encore partie".into(), ..Default::default() };
    device.store().add_proposal(sessions[0], &input).unwrap();
    // The first card's hub out of reach: what only it may write waits for it.
    let first_token = recolte_core::invitation::Invitation::parse(&first.link).unwrap().token;
    join::remember_target(&mut device.store(), &Target::new(nowhere.clone(), first_token.clone())).unwrap();
    let elsewhere = second.card(second.sessions(1)[0], vec![second.url()]);
    let unshared = match join::join(device.store.clone(), &elsewhere.link, "Camille").await {
        Err(SyncError::UnsharedElsewhere { unshared, .. }) => unshared,
        other => panic!("{other:?}"),
    };
    assert!(unshared >= 1);

    let (_empty_hub, _dir, empty) = world.another_hub(false).await;
    let next = world.card(sessions[1], vec![empty]);
    let error = join::join(device.store.clone(), &next.link, "Camille").await.unwrap_err();
    assert!(matches!(error, SyncError::HubWithoutEvent { .. }), "{error}");
    assert_eq!(join::remembered_target(&device.store()).unwrap().map(|t| t.token), Some(first_token));
    assert!(handover::kept_aside(&device.store()).unwrap().is_empty(), "the current card is not kept aside");
    match join::join(device.store.clone(), &elsewhere.link, "Camille").await {
        Err(SyncError::UnsharedElsewhere { unshared: counted, .. }) => assert_eq!(counted, unshared, "counted once"),
        other => panic!("{other:?}"),
    }
}

/// What background sync's status board says of `doc`, as its engine would write it.
fn board_says(
    board: &client::StatusBoard,
    doc: &DocName,
    state: recolte_sync::client::SyncState,
    error: Option<recolte_sync::refusal::RefusalCode>,
) {
    let status =
        recolte_sync::client::DocStatus { state, unconfirmed: 0, error: error.map(|code| (code, String::new())) };
    board.lock().unwrap().insert(doc.clone(), status);
}

/// An invitation names two hubs (the server, the room's laptop); the device joined the first.
/// While that one answers, it stays; once it is gone (out of reach at two looks in a row),
/// background sync moves to the invitation's other hub, with the same token, takes what was
/// typed there, and remembers it, which the shells follow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_sync_moves_to_the_invitations_other_hub_when_its_own_is_gone() {
    use recolte_sync::client::SyncState;
    use recolte_sync::failover;
    use recolte_sync::join;
    let world = World::new().await;
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let (first, first_dir, first_url) = world.another_hub(true).await;
    let first_addr = first.addr;
    let (second, _second_dir, second_url) = world.another_hub(true).await;
    let session = world.sessions(1)[0];
    let card = world.card(session, vec![first_url.clone(), second_url.clone()]);
    let device = Device::empty();
    let joined = join::join(device.store.clone(), &card.link, "Camille").await.unwrap();
    assert_eq!(joined.target.hub, first_url);
    let others = failover::other_hubs(&device.store(), &joined.target).unwrap();
    assert_eq!(others.iter().map(|t| t.hub.as_str()).collect::<Vec<_>>(), [second_url.as_str()]);
    let every = std::time::Duration::from_millis(50);
    let board: client::StatusBoard = Default::default();
    let room = DocName::Session(world.event, session);
    let says = |state, error| board_says(&board, &room, state, error);

    // Its hub answers: it stays where it is.
    says(SyncState::UpToDate, None);
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let stays =
        failover::keep_a_hub_in_reach(device.store.clone(), joined.target.clone(), board.clone(), every, stopped);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(400), stays).await.is_err(), "it moved");
    assert_eq!(join::remembered_target(&device.store()).unwrap().unwrap().hub, first_url);

    // The laptop leaves with the room's last proposal still to share.
    first.stop().await.unwrap();
    let input = ProposalInput { title: "Après le départ du portable".into(), ..Default::default() };
    device.store().add_proposal(session, &input).unwrap();
    says(SyncState::Offline, Some(recolte_sync::refusal::RefusalCode::Unreachable));
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let moves =
        failover::keep_a_hub_in_reach(device.store.clone(), joined.target.clone(), board.clone(), every, stopped);
    tokio::time::timeout(std::time::Duration::from_secs(20), moves).await.expect("it never moved");
    let now = failover::moved(&device.store(), &joined.target).unwrap().expect("the shells are told");
    assert_eq!((now.hub.as_str(), now.token.as_str()), (second_url.as_str(), joined.target.token.as_str()));
    client::sync_once(world.organiser.store.clone(), &Target::new(second_url.clone(), organiser.clone()))
        .await
        .unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"Après le départ du portable".to_owned()));

    // The first hub back where it was: background sync, its second hub answering, looks back
    // and returns to the first, with what was typed meanwhile, where the devices that never
    // left it are (it stayed on the second for good, both reading « à jour »).
    let public_key = world.organiser.store().event(world.event).unwrap().public_key.unwrap();
    let config = recolte_sync::hub::HubConfig::new(first_addr, first_dir.path().to_owned(), vec![public_key]);
    let first_again = recolte_sync::hub::start(config).await.unwrap();
    let input = ProposalInput { title: "Tapée sur le second serveur".into(), ..Default::default() };
    device.store().add_proposal(session, &input).unwrap();
    says(SyncState::UpToDate, None);
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let back = failover::keep_a_hub_in_reach(device.store.clone(), now.clone(), board.clone(), every, stopped);
    tokio::time::timeout(std::time::Duration::from_secs(20), back).await.expect("it never went back");
    let again = failover::moved(&device.store(), &now).unwrap().expect("the shells are told");
    assert_eq!(again.hub, first_url);
    client::sync_once(world.organiser.store.clone(), &Target::new(first_url.clone(), organiser)).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"Tapée sur le second serveur".to_owned()));
    // Back on its first hub, the mark of a move made by itself is gone.
    let moved_to = device.store().setting(recolte_store::settings::MOVED_TO).unwrap();
    assert_eq!(moved_to.as_deref(), Some(""));
    // The second hub chosen by hand: it stays there, the first answering or not.
    join::remember_chosen(&mut device.store(), &now).unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let stays = failover::keep_a_hub_in_reach(device.store.clone(), now.clone(), board.clone(), every, stopped);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(800), stays).await.is_err(), "it moved");
    assert_eq!(join::remembered_target(&device.store()).unwrap().unwrap().hub, second_url);

    // A join made while the card's first hub was away took the second: it goes back too.
    first_again.stop().await.unwrap();
    let late = Device::empty();
    let joined_late = join::join(late.store.clone(), &card.link, "Camille").await.unwrap();
    assert_eq!(joined_late.target.hub, second_url);
    let config = recolte_sync::hub::HubConfig::new(
        first_addr,
        first_dir.path().to_owned(),
        vec![world.organiser.store().event(world.event).unwrap().public_key.unwrap()],
    );
    let first_third = recolte_sync::hub::start(config).await.unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    let back =
        failover::keep_a_hub_in_reach(late.store.clone(), joined_late.target.clone(), board.clone(), every, stopped);
    tokio::time::timeout(std::time::Duration::from_secs(20), back).await.expect("the late joiner never went back");
    assert_eq!(join::remembered_target(&late.store()).unwrap().unwrap().hub, first_url);
    first_third.stop().await.unwrap();
    second.stop().await.unwrap();
}

/// The invitation's other hub trusts the event's key but the organisers never synced it: a
/// device whose own hub is gone does not move there (it would read « à jour » with a hub that
/// serves nothing of the event to the others), until the organisers bring the event there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_sync_does_not_move_to_a_hub_that_holds_nothing_of_the_event() {
    use recolte_sync::client::SyncState;
    use recolte_sync::failover;
    use recolte_sync::join;
    let world = World::new().await;
    let (first, _first_dir, first_url) = world.another_hub(true).await;
    let (second, _second_dir, second_url) = world.another_hub(false).await;
    let session = world.sessions(1)[0];
    let card = world.card(session, vec![first_url.clone(), second_url.clone()]);
    let device = Device::empty();
    let joined = join::join(device.store.clone(), &card.link, "Camille").await.unwrap();
    assert_eq!(joined.target.hub, first_url);
    first.stop().await.unwrap();
    let input = ProposalInput { title: "Saisie pendant la panne".into(), ..Default::default() };
    device.store().add_proposal(session, &input).unwrap();
    let board: client::StatusBoard = Default::default();
    let room = DocName::Session(world.event, session);
    board_says(&board, &room, SyncState::Offline, Some(recolte_sync::refusal::RefusalCode::Unreachable));
    let every = std::time::Duration::from_millis(50);
    let watching = || {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let (store, target, board) = (device.store.clone(), joined.target.clone(), board.clone());
        async move {
            let _stop = stop;
            // Nothing serves the event nearby.
            let nearby = |_| async { Ok(Vec::new()) };
            failover::keep_a_hub_in_reach_looking(store, target, board, every, stopped, nearby).await
        }
    };
    // Looks every 50 ms from the second: many looks within these 2 s, none moving.
    assert!(tokio::time::timeout(std::time::Duration::from_secs(2), watching()).await.is_err(), "it moved");
    assert_eq!(join::remembered_target(&device.store()).unwrap().unwrap().hub, first_url);
    // A one-off sync does not take it either, and says why (not only that its own is gone).
    let nearby = |_| async { Ok(Vec::new()) };
    let reached =
        failover::reach_another_looking(device.store.clone(), &joined.target, |_, _| {}, nearby).await.unwrap();
    let failover::Reached::Nowhere { answered } = reached else { panic!("{reached:?}") };
    assert!(matches!(&answered[..], [(hub, SyncError::HubWithoutEvent { .. })] if *hub == second_url), "{answered:?}");
    // Nothing of its session was sent there: the hub was refused after the programme.
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let url = format!("{second_url}/{room}?token={organiser}");
    let mut there = crate::Raw { socket: tokio_tungstenite::connect_async(url).await.unwrap().0 };
    there.send(recolte_sync::protocol::step1(&yrs::StateVector::default())).await;
    assert_eq!(there.step2().await, [0, 0], "the session's proposals reached a hub without the event");

    // The organisers sync that hub: it holds the event now, and the device moves there.
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    client::sync_once(world.organiser.store.clone(), &Target::new(second_url.clone(), organiser)).await.unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(20), watching()).await.expect("it never moved");
    assert_eq!(failover::moved(&device.store(), &joined.target).unwrap().unwrap().hub, second_url);
    second.stop().await.unwrap();
}

/// The card names the venue's server only; the server goes down and the organiser's laptop
/// serves the event in the room. Background sync finds it nearby, moves there with the card's
/// token (the certificate the laptop announces: the card names none), takes what was typed
/// meanwhile, and remembers it, which the shells follow. A laptop announcing another
/// certificate than the card names is not trusted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_sync_moves_to_the_laptop_serving_the_event_nearby_when_the_cards_hub_is_gone() {
    use recolte_sync::client::SyncState;
    use recolte_sync::failover;
    use recolte_sync::join;
    let world = World::new().await;
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let (venue, _venue_dir, venue_url) = world.another_hub(true).await;
    let (laptop, _laptop_dir, laptop_url) = world.another_hub(true).await;
    let session = world.sessions(1)[0];
    let device = Device::empty();
    let joined =
        join::join(device.store.clone(), &world.card(session, vec![venue_url.clone()]).link, "Camille").await.unwrap();
    assert_eq!(joined.target.hub, venue_url);
    assert!(failover::other_hubs(&device.store(), &joined.target).unwrap().is_empty());
    venue.stop().await.unwrap();
    let input = ProposalInput { title: "Saisie pendant la panne".into(), ..Default::default() };
    device.store().add_proposal(session, &input).unwrap();
    let board: client::StatusBoard = Default::default();
    let room = DocName::Session(world.event, session);
    board_says(&board, &room, SyncState::Offline, Some(recolte_sync::refusal::RefusalCode::Unreachable));
    let every = std::time::Duration::from_millis(50);
    let looked_for = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));

    let mut card = recolte_core::invitation::Invitation::parse(&joined_link(&device)).unwrap();
    let announced = |fingerprint: Option<String>| {
        let (looked_for, hub) = (looked_for.clone(), laptop_url.clone());
        move |event| {
            looked_for.lock().unwrap().push(event);
            let found = vec![(hub.clone(), fingerprint.clone())];
            async move { Ok(found) }
        }
    };
    let watching = |nearby| {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let store = device.store.clone();
        let (target, board) = (joined.target.clone(), board.clone());
        async move {
            let _stop = stop;
            failover::keep_a_hub_in_reach_looking(store, target, board, every, stopped, nearby).await
        }
    };
    let (named, other) = (Some("ab".repeat(32)), Some("cd".repeat(32)));
    // Not trusted: a laptop announcing another certificate than the card names, or none (its
    // token would travel in clear), or a certificate that cannot be checked at its address
    // (`ws://`); and nothing is looked for on a device that serves the room itself.
    let untrusted = [(named.clone(), other.clone()), (named.clone(), None), (None, other.clone())];
    for (in_card, in_announcement) in untrusted {
        card.fingerprint = in_card.clone();
        device.store().set_setting(join::settings::INVITATION, &card.link()).unwrap();
        looked_for.lock().unwrap().clear();
        let stays = watching(announced(in_announcement.clone()));
        // Until it looked nearby, and a moment more to try what it found: it must not move.
        let looked = async {
            while looked_for.lock().unwrap().is_empty() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        };
        let waited = tokio::time::timeout(std::time::Duration::from_secs(15), async {
            tokio::select! {
                () = stays => panic!("it moved: card {in_card:?}, announced {in_announcement:?}"),
                () = looked => {}
            }
        });
        waited.await.expect("it never looked nearby");
        assert!(looked_for.lock().unwrap().iter().all(|event| *event == world.event));
        assert_eq!(join::remembered_target(&device.store()).unwrap().unwrap().hub, venue_url);
    }
    card.fingerprint = None;
    device.store().set_setting(join::settings::INVITATION, &card.link()).unwrap();
    device.store().set_setting(join::settings::SERVE_PORT, "4455").unwrap();
    looked_for.lock().unwrap().clear();
    let serving = watching(announced(None));
    // Its own hub is tried again at the second look (100 ms): far within these 3 s.
    assert!(tokio::time::timeout(std::time::Duration::from_secs(3), serving).await.is_err(), "it moved");
    assert!(looked_for.lock().unwrap().is_empty(), "a device serving the room looked nearby");
    device.store().set_setting(join::settings::SERVE_PORT, "").unwrap();

    // The card as printed (no certificate), the laptop serving `ws://`: taken.
    let moves = watching(announced(None));
    tokio::time::timeout(std::time::Duration::from_secs(20), moves).await.expect("it never moved");
    let now = failover::moved(&device.store(), &joined.target).unwrap().expect("the shells are told");
    assert_eq!((now.hub.as_str(), now.token.as_str()), (laptop_url.as_str(), joined.target.token.as_str()));
    client::sync_once(world.organiser.store.clone(), &Target::new(laptop_url.clone(), organiser)).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"Saisie pendant la panne".to_owned()));
    // Once there, the card's own hub is where a later move goes back to.
    let back = failover::other_hubs(&device.store(), &now).unwrap();
    assert_eq!(back.iter().map(|t| t.hub.as_str()).collect::<Vec<_>>(), [venue_url.as_str()]);
    laptop.stop().await.unwrap();
}

/// The card's hub is gone and the organisers' laptop found nearby serves the event's key but
/// holds nothing of it yet (they are setting it up): the device does not move there, and keeps
/// looking at its usual pace instead of ever more slowly, so that it moves within a look of the
/// event being brought there (it waited up to 5 minutes in the app).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_nearby_without_the_event_is_looked_at_again_soon_and_taken_once_it_has_it() {
    use recolte_sync::client::SyncState;
    use recolte_sync::failover;
    use recolte_sync::join;
    let world = World::new().await;
    let (venue, _venue_dir, venue_url) = world.another_hub(true).await;
    let (laptop, _laptop_dir, laptop_url) = world.another_hub(false).await;
    let session = world.sessions(1)[0];
    let device = Device::empty();
    let joined =
        join::join(device.store.clone(), &world.card(session, vec![venue_url.clone()]).link, "Camille").await.unwrap();
    venue.stop().await.unwrap();
    let board: client::StatusBoard = Default::default();
    board_says(
        &board,
        &DocName::Session(world.event, session),
        SyncState::Offline,
        Some(recolte_sync::refusal::RefusalCode::Unreachable),
    );
    let every = std::time::Duration::from_millis(50);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let announced = laptop_url.clone();
    let nearby = move |_| {
        let found = vec![(announced.clone(), None)];
        async move { Ok(found) }
    };
    let watching = tokio::spawn(failover::keep_a_hub_in_reach_looking(
        device.store.clone(),
        joined.target.clone(),
        board.clone(),
        every,
        stopped,
        nearby,
    ));
    // Looks nearby for 4 s: doubling from 50 ms, its next look would come after 6 s.
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert!(!watching.is_finished(), "it moved to a laptop without the event");
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    client::sync_once(world.organiser.store.clone(), &Target::new(laptop_url.clone(), organiser)).await.unwrap();
    let brought = std::time::Instant::now();
    tokio::time::timeout(std::time::Duration::from_secs(20), watching).await.expect("it never moved").unwrap();
    assert!(brought.elapsed() < std::time::Duration::from_millis(1500), "moved {:?} after", brought.elapsed());
    assert_eq!(failover::moved(&device.store(), &joined.target).unwrap().unwrap().hub, laptop_url);
    drop(stop);
    laptop.stop().await.unwrap();
}

/// A one-off sync (`recolte sync`) whose card's hub is gone reaches the laptop serving the event
/// nearby under the same rule, and says what it will try first; a laptop announcing no
/// certificate is not given a card that names one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_off_sync_whose_hub_is_gone_reaches_the_laptop_found_nearby_under_the_same_rule() {
    use recolte_sync::failover::{self, Reached};
    use recolte_sync::join;
    let world = World::new().await;
    let (venue, _venue_dir, venue_url) = world.another_hub(true).await;
    let (laptop, _laptop_dir, laptop_url) = world.another_hub(true).await;
    let session = world.sessions(1)[0];
    let device = Device::empty();
    let card = world.card(session, vec![venue_url.clone()]).link;
    let joined = join::join(device.store.clone(), &card, "Camille").await.unwrap();
    venue.stop().await.unwrap();
    let found = |fingerprint: Option<String>| {
        let hub = laptop_url.clone();
        move |event| {
            assert_eq!(event, world.event);
            async move { Ok(vec![(hub, fingerprint)]) }
        }
    };

    let mut named = recolte_core::invitation::Invitation::parse(&card).unwrap();
    named.fingerprint = Some("ab".repeat(32));
    device.store().set_setting(join::settings::INVITATION, &named.link()).unwrap();
    let said = std::cell::Cell::new(None);
    let reached = failover::reach_another_looking(
        device.store.clone(),
        &joined.target,
        |o, n| said.set(Some((o, n))),
        found(None),
    )
    .await
    .unwrap();
    assert!(matches!(reached, Reached::Nowhere { .. }), "{reached:?}");
    assert_eq!(said.get(), Some((false, true)), "no other hub of the card; the event looked for nearby");

    device.store().set_setting(join::settings::INVITATION, &card).unwrap();
    let reached =
        failover::reach_another_looking(device.store.clone(), &joined.target, |_, _| {}, found(None)).await.unwrap();
    let Reached::Moved { target, found_nearby, .. } = reached else { panic!("{reached:?}") };
    assert_eq!(
        (target.hub.as_str(), target.token.as_str(), found_nearby),
        (laptop_url.as_str(), joined.target.token.as_str(), true)
    );
    laptop.stop().await.unwrap();
}

fn joined_link(device: &Device) -> String {
    device.store().setting(recolte_sync::join::settings::INVITATION).unwrap().unwrap()
}

/// The next session's card names another hub: what the first card shared at its own hub is
/// shared, not « hors de vos droits » at the new one (nor on the organiser's board).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_card_shared_at_its_hub_is_not_out_of_rights_at_the_next_cards_hub() {
    use recolte_sync::{join, status};
    let world = World::new().await;
    let (other, _dir, other_url) = world.another_hub(true).await;
    let sessions = world.sessions(2);
    let device = Device::empty();
    join::join(device.store.clone(), &world.card(sessions[0], vec![world.url()]).link, "Camille").await.unwrap();
    let input = ProposalInput { title: "Partagée à son serveur".into(), ..Default::default() };
    device.store().add_proposal(sessions[0], &input).unwrap();
    let first = join::remembered_target(&device.store()).unwrap().unwrap();
    client::sync_once(device.store.clone(), &first).await.unwrap();
    let joined =
        join::join(device.store.clone(), &world.card(sessions[1], vec![other_url]).link, "Camille").await.unwrap();
    assert_eq!((joined.left_behind, joined.stranded), (0, 0));
    let docs =
        status::report(&mut device.store(), Some(&joined.target), None, world.event, recolte_core::Lang::Fr).unwrap();
    let summary = status::summarize(&docs, Some(&joined.target.hub));
    assert_eq!((summary.out_of_rights, summary.former_invitation), (0, 0), "{docs:?}");
    other.stop().await.unwrap();
}

/// A former card's hub address now serves another event (it answers « bad signature »): the
/// card is not taken for revoked, its changes go through the hub the device reaches now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_former_cards_hub_serving_another_event_does_not_strand_its_changes() {
    use recolte_sync::join;
    let (world, elsewhere) = (World::new().await, World::new().await);
    let sessions = world.sessions(3);
    let device = Device::empty();
    join::join(device.store.clone(), &world.card(sessions[0], vec![world.url()]).link, "Camille").await.unwrap();
    let first = join::remembered_target(&device.store()).unwrap().unwrap();
    let input = ProposalInput { title: "Par le serveur de la salle".into(), ..Default::default() };
    device.store().add_proposal(sessions[0], &input).unwrap();
    join::remember_target(&mut device.store(), &Target::new(elsewhere.url(), first.token)).unwrap();
    let joined =
        join::join(device.store.clone(), &world.card(sessions[1], vec![world.url()]).link, "Camille").await.unwrap();
    assert_eq!((joined.stranded, joined.left_behind), (0, 0));
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    world.sync(&world.organiser, &organiser).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"Par le serveur de la salle".to_owned()));
}
