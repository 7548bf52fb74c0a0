//! One device never holds up the others: a silent or slow one is let go, a full hub asks
//! newcomers to come back later, odd room names, oversized messages and bad deflated frames
//! close only their own connection, and the hub keeps serving.

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::Role;
use recolte_core::schema::DocName;
use recolte_store::ProposalInput;
use recolte_sync::client::{self, Target};
use recolte_sync::hub::{self, close, HubConfig};
use recolte_sync::protocol;
use tokio_tungstenite::tungstenite::Message;
use yrs::StateVector;

use crate::{titles, Raw, World};
use recolte_test_support::{organiser_with_event, Device};

/// A device that vanished without closing (out of the Wi-Fi's reach) is let go once it has
/// answered nothing, not even the hub's pings, for the silence limit; one that answers stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_gone_silent_is_let_go_and_one_that_answers_pings_stays() {
    let world = World::with_config(|config| config.silence_limit = std::time::Duration::from_secs(1)).await;
    let room = DocName::Session(world.event, world.sessions(2)[0]);
    let token = world.token(Role::Organiser, vec![], vec![]);
    // Never reads, so never answers a ping; and one that reads (tungstenite answers for it).
    let mut vanished = world.raw(&room, Some(&token)).await;
    let mut present = world.raw(&room, Some(&token)).await;
    // The organiser's sync that set the world up may still be closing on the hub's side.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while world.hub.metrics().clients != 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(world.hub.metrics().clients, 2);
    let until = tokio::time::Instant::now() + std::time::Duration::from_millis(2500);
    while tokio::time::Instant::now() < until {
        let _ = tokio::time::timeout(std::time::Duration::from_millis(100), present.socket.next()).await;
    }
    assert_eq!(world.hub.metrics().clients, 1, "the silent device is let go, the other stays");
    // Its reading starts by answering the pings it missed, on a connection the hub has closed.
    let (code, _) = vanished.closed().await;
    assert!(code == close::GOING_AWAY || code == 0, "{code}");
    present.send(protocol::step1(&StateVector::default())).await;
    assert!(tokio::time::timeout(std::time::Duration::from_secs(5), present.step2()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_disconnected_and_others_keep_going() {
    let (organiser, event, key, token) = organiser_with_event();
    let session = organiser.store().sessions(event, Some(2)).unwrap()[0].id;
    let room = DocName::Session(event, session);
    let hub_dir = tempfile::tempdir().unwrap();
    let mut config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    config.queue_frames = 64;
    let hub = hub::start(config).await.unwrap();
    let url = format!("ws://{}/{room}?token={token}", hub.addr);

    // Connected, but never reads a byte.
    let (sleeper, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (mut writer, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (mut reader, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    // The reader publishes how many frames it has; the writer sleeps on it instead of spinning
    // (a spinning writer took one of the runtime's two threads from the hub, and under a loaded
    // machine the reader once fell a minute behind).
    let (count, mut counted) = tokio::sync::watch::channel(0usize);
    let reading = tokio::spawn(async move {
        let mut frames = 0usize;
        while let Some(Ok(message)) = reader.next().await {
            if matches!(message, Message::Binary(_)) {
                frames += 1;
                count.send_replace(frames);
            }
            if frames >= 1501 {
                break;
            }
        }
        frames
    });
    let doc = recolte_core::schema::new_doc_of(recolte_core::schema::DocKind::Session);
    // Enough to fill what the kernel buffers for the sleeper (a few MB), then its queue.
    let big = "texte ".repeat(1300);
    for i in 0..1500 {
        let update = {
            use yrs::Transact;
            let mut txn = doc.transact_mut();
            recolte_core::schema::add_proposal(
                &mut txn,
                &recolte_core::schema::NewProposal { title: format!("{i}"), body: big.clone(), ..Default::default() },
            );
            txn.encode_update_v1()
        };
        writer.send(Message::Binary(protocol::update(update).into())).await.unwrap();
        // A reader that keeps up: the writer never gets more than a few frames ahead of it.
        let waited =
            tokio::time::timeout(std::time::Duration::from_secs(60), counted.wait_for(|frames| i < frames + 16));
        assert!(matches!(waited.await, Ok(Ok(_))), "the reader stopped receiving: {:?}", hub.metrics());
    }
    let received = tokio::time::timeout(std::time::Duration::from_secs(60), reading)
        .await
        .expect("the reader was held back")
        .unwrap();
    assert!(received >= 1501, "{received} {:?}", hub.metrics());
    assert_eq!(hub.metrics().slow_disconnects, 1, "{:?}", hub.metrics());
    drop(sleeper);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_hub_asks_newcomers_to_come_back_later() {
    let (_organiser, event, key, token) = organiser_with_event();
    let hub_dir = tempfile::tempdir().unwrap();
    let mut config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    config.max_clients = 2;
    let hub = hub::start(config).await.unwrap();
    let room = DocName::Panel(event);
    let url = format!("ws://{}/{room}?token={token}", hub.addr);
    let mut kept = Vec::new();
    for _ in 0..2 {
        let (mut socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
        // Wait for the greeting: the connection is counted.
        socket.next().await.unwrap().unwrap();
        kept.push(socket);
    }
    let (socket, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (code, reason) = Raw { socket }.closed().await;
    assert_eq!(code, close::HUB_FULL, "{reason}");
    drop(kept);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_room_names_and_oversized_messages_are_refused_and_the_hub_keeps_serving() {
    let (organiser, event, key, token) = organiser_with_event();
    let hub_dir = tempfile::tempdir().unwrap();
    let mut config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key]);
    config.max_message_bytes = 64 << 10;
    let hub = hub::start(config).await.unwrap();
    let base = format!("ws://{}", hub.addr);

    // Names that are not rooms: refused by name, cut short in the reason, nothing loaded.
    let long = "a".repeat(4000);
    let odd = [
        format!("event:{event}/../../../../etc/passwd"),
        "..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("session:{event}:not-a-session"),
        format!("event:{event}{long}"),
        "%00".to_owned(),
    ];
    for room in &odd {
        match tokio_tungstenite::connect_async(format!("{base}/{room}?token={token}")).await {
            Ok((socket, _)) => {
                let (code, reason) = Raw { socket }.closed().await;
                assert!(
                    code == close::UNKNOWN_ROOM || code == close::FORBIDDEN,
                    "{room:.60}: closed with {code} {reason}"
                );
                assert!(reason.len() < 200, "{room:.60}: the reason repeats the whole name");
            }
            // Paths with more segments do not reach the WebSocket route at all.
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert!(response.status().is_client_error(), "{room:.60}: {}", response.status())
            }
            Err(error) => panic!("{room:.60}: {error}"),
        }
    }
    // A name longer than any request line the server reads is refused at the HTTP level.
    let huge = "b".repeat(200_000);
    match tokio_tungstenite::connect_async(format!("{base}/{huge}?token={token}")).await {
        Ok((socket, _)) => assert_ne!(Raw { socket }.closed().await.0, 0),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert!(response.status().is_client_error()),
        Err(error) => assert!(!matches!(error, tokio_tungstenite::tungstenite::Error::Url(_)), "{error}"),
    }
    assert_eq!(hub.metrics().rooms, 0, "an odd name made the hub load a room");

    // A message over the limit closes its connection with 1009.
    let room = DocName::Panel(event);
    let (socket, _) = tokio_tungstenite::connect_async(format!("{base}/{room}?token={token}")).await.unwrap();
    let mut sender = Raw { socket };
    sender.send(protocol::update(vec![0; 70 << 10])).await;
    let (code, reason) = sender.closed().await;
    assert_eq!(code, close::TOO_BIG, "{reason}");

    // And the hub still serves a well-behaved device.
    let target = Target::new(base, token);
    client::sync_once(organiser.store.clone(), &target).await.unwrap();
    let device = Device::empty();
    client::sync_once(device.store.clone(), &target).await.unwrap();
    assert_eq!(device.store().sessions(event, None).unwrap().len(), 36);
    hub.stop().await.unwrap();
}

/// Frames as a raw client reads them, until a sync step 2 (inflating deflated ones): whether
/// each came deflated, and the step 2's update.
async fn frames_until_step2(raw: &mut Raw) -> (Vec<bool>, Vec<u8>) {
    let mut deflated = Vec::new();
    while let Some(Ok(message)) = raw.socket.next().await {
        let Message::Binary(frame) = message else { continue };
        deflated.push(recolte_sync::deflate::is_deflated(&frame));
        let frame = if deflated[deflated.len() - 1] {
            recolte_sync::deflate::unpack(&frame, 1 << 24).unwrap()
        } else {
            frame.to_vec()
        };
        if let Ok(yrs::sync::Message::Sync(yrs::sync::SyncMessage::SyncStep2(update))) = protocol::decode(&frame) {
            return (deflated, update);
        }
    }
    panic!("the connection closed before a sync step 2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deflated_frames_go_only_to_devices_that_ask_and_bad_ones_close_only_their_connection() {
    let world = World::with_config(|config| config.max_message_bytes = 1 << 20).await;
    let session = world.sessions(2)[0];
    let room = DocName::Session(world.event, session);
    let token = world.token(Role::Organiser, vec![], vec![]);
    for i in 0..40 {
        let input = ProposalInput {
            title: format!("Proposition {i} : ouvrir les données des démarches"),
            body: "Un référent par service, formé, qui documente ce qui marche et ce qui ne marche pas.".into(),
            ..Default::default()
        };
        world.organiser.store().add_proposal(session, &input).unwrap();
    }
    // The organiser's device sends its forty proposals deflated: the hub reads them.
    let sent = world.sync(&world.organiser, &token).await.unwrap();
    assert!(sent.updates_sent >= 1);

    // A device joining gets the same documents in fewer bytes.
    let device = Device::empty();
    let report = world.sync(&device, &token).await.unwrap();
    assert_eq!(titles(&device.store(), world.event), titles(&world.organiser.store(), world.event));
    assert!(
        report.bytes_on_wire * 2 < report.bytes_of_messages,
        "{} bytes on the wire for {} of messages",
        report.bytes_on_wire,
        report.bytes_of_messages
    );

    // A client that does not ask (any stock Yjs client) gets plain frames only.
    let mut stock = world.raw(&room, Some(&token)).await;
    stock.send(protocol::step1(&StateVector::default())).await;
    let (deflated, plain_state) = frames_until_step2(&mut stock).await;
    assert!(deflated.iter().all(|d| !d), "{deflated:?}");
    // One that asks gets its first frame deflated (the hub saying it speaks it), and the same state.
    let ask = |raw: &str| format!("{}/{room}?token={raw}&compress=deflate", world.url());
    let (socket, _) = tokio_tungstenite::connect_async(ask(&token)).await.unwrap();
    let mut asking = Raw { socket };
    asking.send(protocol::step1(&StateVector::default())).await;
    let (deflated, state) = frames_until_step2(&mut asking).await;
    assert!(deflated[0] && deflated[deflated.len() - 1], "{deflated:?}");
    assert_eq!(state, plain_state);

    // Refused, each closing only its own connection: a deflated frame from a client that did
    // not ask, a bomb beyond the hub's limit, a damaged stream, bytes after the stream.
    let big_step1 = recolte_sync::deflate::pack(&vec![0; 2 << 20], false).unwrap();
    let mut damaged = recolte_sync::deflate::pack(&protocol::update(vec![7; 4000]), false).unwrap();
    damaged.truncate(damaged.len() - 4);
    let mut trailing = recolte_sync::deflate::pack(&protocol::update(vec![7; 4000]), false).unwrap();
    trailing.push(0);
    let cases = [
        (false, big_step1.clone(), close::MALFORMED),
        (true, big_step1, close::TOO_BIG),
        (true, damaged, close::MALFORMED),
        (true, trailing, close::MALFORMED),
    ];
    for (asks, frame, expected) in cases {
        let url = if asks { ask(&token) } else { format!("{}/{room}?token={token}", world.url()) };
        let (socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let mut attacker = Raw { socket };
        attacker.send(frame).await;
        let (code, reason) = attacker.closed().await;
        assert_eq!(code, expected, "{reason}");
    }
    // The room is as it was, and the hub serves the next device.
    let late = Device::empty();
    world.sync(&late, &token).await.unwrap();
    assert_eq!(titles(&late.store(), world.event).len(), 40);
}
