//! What the hub acknowledged, it keeps: through malformed frames, a restart, a room reloaded
//! mid-write and a journal entry that no longer reads; and the background engine says truly
//! what is not shared yet while the hub is away, since that is what a facilitator trusts.

use std::sync::Arc;

use futures_util::SinkExt;
use recolte_core::access::{Role, Scope};
use recolte_core::programme::SAMPLE;
use recolte_core::schema::DocName;
use recolte_store::ProposalInput;
use recolte_sync::client::{self, Target};
use recolte_sync::hub::{self, close, HubConfig};
use recolte_sync::protocol;
use tokio_tungstenite::tungstenite::Message;
use yrs::StateVector;

use crate::{eventually, titles, World};
use recolte_test_support::{organiser_with_event, Device};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_frame_closes_only_its_connection_and_changes_nothing() {
    let world = World::new().await;
    let session = world.sessions(3)[0];
    let room = DocName::Session(world.event, session);
    world
        .organiser
        .store()
        .add_proposal(session, &ProposalInput { title: "Avant".into(), ..Default::default() })
        .unwrap();
    let token = world.token(Role::Organiser, vec![], vec![]);
    world.sync(&world.organiser, &token).await.unwrap();

    let mut bystander = world.raw(&room, Some(&token)).await;
    let garbage: Vec<Vec<u8>> = vec![
        vec![0xff, 0xff, 0xff, 0xff],
        protocol::update(vec![0xde, 0xad, 0xbe, 0xef, 0x01]),
        [protocol::step1(&StateVector::default()), vec![0]].concat(),
        vec![7, 1, 2, 3],
    ];
    for frame in garbage {
        let mut attacker = world.raw(&room, Some(&token)).await;
        attacker.send(frame.clone()).await;
        let (code, reason) = attacker.closed().await;
        assert_eq!(code, close::MALFORMED, "{frame:?}: {reason}");
        assert!(!reason.is_empty());
    }
    let mut texter = world.raw(&room, Some(&token)).await;
    texter.socket.send(Message::Text("hello".into())).await.unwrap();
    assert_eq!(texter.closed().await.0, close::MALFORMED);

    // The bystander still syncs, and the room holds exactly what it held.
    bystander.send(protocol::step1(&StateVector::default())).await;
    let state = bystander.step2().await;
    let doc = recolte_core::schema::new_doc_of(recolte_core::schema::DocKind::Session);
    {
        use yrs::updates::decoder::Decode;
        use yrs::Transact;
        doc.transact_mut().apply_update(yrs::Update::decode_v1(&state).unwrap()).unwrap();
    }
    let proposals = recolte_core::schema::read_proposals(&yrs::Transact::transact(&doc));
    assert_eq!(proposals.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["Avant"]);
    assert!(world.hub.metrics().malformed >= 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_hub_still_has_everything_it_acknowledged() {
    let (organiser, event, key, token) = organiser_with_event();
    let session = organiser.store().sessions(event, Some(5)).unwrap()[0].id;
    for i in 0..20 {
        organiser
            .store()
            .add_proposal(session, &ProposalInput { title: format!("Idée {i}"), ..Default::default() })
            .unwrap();
    }
    let hub_dir = tempfile::tempdir().unwrap();
    let config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    let first = hub::start(config.clone()).await.unwrap();
    client::sync_once(organiser.store.clone(), &Target::new(format!("ws://{}", first.addr), token.clone()))
        .await
        .unwrap();
    first.stop().await.unwrap();

    let second = hub::start(config).await.unwrap();
    let newcomer = Device::empty();
    client::sync_once(newcomer.store.clone(), &Target::new(format!("ws://{}", second.addr), token)).await.unwrap();
    assert_eq!(titles(&newcomer.store(), event).len(), 20);
    second.stop().await.unwrap();
}

/// A room reloaded from its journal (after a malformed update) while another connection's
/// update is accepted but not yet saved keeps it: once saved, it is served to the next
/// device, even if its author (here a stock client, which never re-sends) is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_reloaded_mid_write_forgets_no_saved_update() {
    // A slow disk keeps the update accepted but unsaved long enough for the reload to fall in.
    reloaded_while_saving(|config| config.slow_disk = Some(std::time::Duration::from_millis(600))).await;
}

/// The same when the reload falls between the room taking the update in and its connection
/// asking for its save (a runtime thread busy elsewhere): the update was already queued to
/// the writer, under the room's lock, and the reload waits for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_reloaded_before_its_update_is_queued_forgets_nothing() {
    reloaded_while_saving(|config| config.slow_connection = Some(std::time::Duration::from_millis(600))).await;
}

/// An update accepted, a malformed one 200 ms later from another connection (the room
/// reloads), and a newcomer reading the room once the first is saved.
async fn reloaded_while_saving(slow: impl FnOnce(&mut recolte_sync::hub::HubConfig)) {
    let world = World::with_config(slow).await;
    let session = world.sessions(4)[0];
    let room = DocName::Session(world.event, session);
    let token = world.token(Role::Organiser, vec![], vec![]);
    // The organiser's edit, sent by hand as a stock y-websocket client would (it never re-sends).
    world
        .organiser
        .store()
        .add_proposal(session, &ProposalInput { title: "Acceptée puis rechargée".into(), ..Default::default() })
        .unwrap();
    let bytes: Vec<Vec<u8>> =
        world.organiser.store().local_updates_after(&room, 0).unwrap().into_iter().map(|(_, u)| u).collect();
    // Someone stays in the room all along, so that the hub keeps it in memory.
    let bystander = world.raw(&room, Some(&token)).await;
    let mut author = world.raw(&room, Some(&token)).await;
    for update in bytes {
        author.send(protocol::update(update)).await;
    }
    // While the writer is still saving it, a malformed update makes the room reload.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut attacker = world.raw(&room, Some(&token)).await;
    attacker.send(protocol::update(vec![0xde, 0xad, 0xbe, 0xef, 0x01])).await;
    assert_eq!(attacker.closed().await.0, close::MALFORMED);
    drop(author);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    // A newcomer, a stock client too: asks for everything, reads what the room holds.
    let mut newcomer = world.raw(&room, Some(&token)).await;
    newcomer.send(protocol::step1(&StateVector::default())).await;
    let state = newcomer.step2().await;
    let doc = recolte_core::schema::new_doc_of(recolte_core::schema::DocKind::Session);
    {
        use yrs::updates::decoder::Decode;
        use yrs::Transact;
        doc.transact_mut().apply_update(yrs::Update::decode_v1(&state).unwrap()).unwrap();
    }
    let proposals = recolte_core::schema::read_proposals(&yrs::Transact::transact(&doc));
    assert_eq!(proposals.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["Acceptée puis rechargée"]);
    drop(bystander);
}

/// `GET path` on the hub, plain HTTP: the body as JSON.
async fn http_json(addr: std::net::SocketAddr, path: &str) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{e}: {response}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_entry_that_no_longer_reads_is_reported_and_the_room_still_served() {
    let (organiser, event, key, token) = organiser_with_event();
    let session = organiser.store().sessions(event, Some(5)).unwrap()[0].id;
    organiser.store().add_proposal(session, &ProposalInput { title: "Avant".into(), ..Default::default() }).unwrap();
    let hub_dir = tempfile::tempdir().unwrap();
    let config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    let first = hub::start(config.clone()).await.unwrap();
    client::sync_once(organiser.store.clone(), &Target::new(format!("ws://{}", first.addr), token.clone()))
        .await
        .unwrap();
    assert_eq!(http_json(first.addr, "/health").await["status"], "ok");
    first.stop().await.unwrap();
    // A damaged entry in the journal of the session's room (as a failing disk would leave).
    let room = DocName::Session(event, session);
    recolte_store::Journal::open(hub_dir.path()).unwrap().append(&room, b"\xff\x07not an update").unwrap();

    let second = hub::start(config).await.unwrap();
    let newcomer = Device::empty();
    client::sync_once(newcomer.store.clone(), &Target::new(format!("ws://{}", second.addr), token)).await.unwrap();
    assert_eq!(titles(&newcomer.store(), event), ["Avant"], "the rest of the room is served");
    let health = http_json(second.addr, "/health").await;
    assert_eq!(health["status"], "degraded", "{health}");
    assert_eq!(health["unreadable_journal_entries"][room.to_string()], 1, "{health}");
    assert!(health["max_connections"].as_u64().unwrap() >= 900, "{health}");
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_engine_tells_the_truth_about_unshared_changes() {
    use recolte_sync::client::{DocStatus, StatusBoard, SyncState};
    let organiser = Device::empty();
    let event = organiser.store().import_programme(SAMPLE).unwrap();
    let key = organiser.store().event(event).unwrap().public_key.unwrap();
    let session = organiser.store().sessions(event, Some(1)).unwrap()[0].id;
    let scope = Scope { event, role: Role::Facilitator, sessions: vec![session], themes: vec![] };
    let token = organiser.store().issue_token(&scope, None, time::Duration::hours(1)).unwrap();
    let organiser_scope = Scope { role: Role::Organiser, sessions: vec![], ..scope.clone() };
    let organiser_token = organiser.store().issue_token(&organiser_scope, None, time::Duration::hours(1)).unwrap();

    let hub_dir = tempfile::tempdir().unwrap();
    let config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    let hub = hub::start(config.clone()).await.unwrap();
    let addr = hub.addr;
    let target = Target::new(format!("ws://{addr}"), token.clone());
    client::sync_once(organiser.store.clone(), &Target::new(target.hub.clone(), organiser_token)).await.unwrap();

    let device = Device::empty();
    client::sync_once(device.store.clone(), &target).await.unwrap();
    let board: StatusBoard = Arc::default();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let presence: recolte_sync::client::PresenceBoard = Arc::default();
    let engine =
        tokio::spawn(client::watch(device.store.clone(), target.clone(), board.clone(), presence.clone(), stopped));
    let room = DocName::Session(event, session);
    let status = |board: &StatusBoard| board.lock().unwrap().get(&room).cloned();
    let up_to_date = Some(DocStatus { state: SyncState::UpToDate, unconfirmed: 0, error: None });
    eventually("the session is up to date", || status(&board) == up_to_date).await;

    // Typing while connected: shared, and only then up to date again.
    device.store().add_proposal(session, &ProposalInput { title: "En direct".into(), ..Default::default() }).unwrap();
    eventually("the new proposal is confirmed", || {
        status(&board) == up_to_date && device.store().unconfirmed_count(&target.hub, &room).unwrap() == 0
    })
    .await;

    // The hub goes away: typing goes on, and the changes are counted as not shared.
    hub.stop().await.unwrap();
    eventually("offline", || status(&board).is_some_and(|s| s.state != SyncState::UpToDate)).await;
    for i in 0..3 {
        device
            .store()
            .add_proposal(session, &ProposalInput { title: format!("Hors ligne {i}"), ..Default::default() })
            .unwrap();
    }
    eventually("three changes not shared", || status(&board).is_some_and(|s| s.unconfirmed == 3)).await;

    // It comes back on the same address: the engine reconnects and shares them.
    let mut config = config;
    config.listen = addr;
    let hub = hub::start(config).await.unwrap();
    eventually("shared after reconnecting", || status(&board) == up_to_date).await;
    let _ = stop.send(true);
    engine.await.unwrap().unwrap();

    let check = Device::empty();
    client::sync_once(check.store.clone(), &target).await.unwrap();
    assert_eq!(titles(&check.store(), event).len(), 4);
    hub.stop().await.unwrap();
}
