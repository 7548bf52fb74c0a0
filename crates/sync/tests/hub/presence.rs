//! Who is there: devices in one session see each other come and go, and the organiser's
//! arrivals board says what each device has not shared, or that it could not count it, never
//! a zero it was not told.

use std::sync::Arc;

use recolte_core::access::Role;
use recolte_core::schema::DocName;
use recolte_sync::client;
use recolte_sync::protocol;

use crate::{board_until, eventually, World};
use recolte_test_support::Device;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_in_the_same_session_see_who_else_is_there() {
    use recolte_sync::client::{present, PresenceBoard, StatusBoard};
    let world = World::new().await;
    let session = world.sessions(8)[0];
    let token = world.token(Role::Facilitator, vec![session], vec![]);
    let room = DocName::Session(world.event, session);
    let mut engines = Vec::new();
    let mut boards = Vec::new();
    for name in ["Camille", "Léa"] {
        let device = Device::empty();
        world.sync(&device, &token).await.unwrap();
        device.store().set_setting("display_name", name).unwrap();
        let presence: PresenceBoard = Arc::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        engines.push((
            stop,
            tokio::spawn(client::watch(
                device.store.clone(),
                world.target(&token),
                StatusBoard::default(),
                presence.clone(),
                stopped,
            )),
            device,
        ));
        boards.push(presence);
    }
    eventually("Camille sees Léa", || present(&boards[0], &room) == ["Léa"]).await;
    eventually("Léa sees Camille", || present(&boards[1], &room) == ["Camille"]).await;
    // Camille leaves: Léa stops seeing her.
    let (stop, engine, _device) = engines.remove(0);
    let _ = stop.send(true);
    engine.await.unwrap().unwrap();
    eventually("Camille is gone", || present(&boards[1], &room).is_empty()).await;
    for (stop, engine, _) in engines {
        let _ = stop.send(true);
        engine.await.unwrap().unwrap();
    }
}

/// A presence as Récolte's devices send it: `unsent` is left out when the device could not
/// count its changes not yet shared.
fn presence(client: u64, clock: u32, device: &str, name: &str, unsent: Option<u64>) -> Vec<u8> {
    let mut state = serde_json::json!({ "user": { "name": name }, "device": { "id": device } });
    if let Some(unsent) = unsent {
        state["device"]["unsent"] = serde_json::json!(unsent);
    }
    let entry = yrs::sync::awareness::AwarenessUpdateEntry { clock, json: state.to_string().into() };
    let update = yrs::sync::AwarenessUpdate { clients: [(yrs::ClientID::new(client), entry)].into_iter().collect() };
    protocol::encode(&yrs::sync::Message::Awareness(update))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_count_a_device_could_not_read_is_unknown_on_the_arrivals_board_never_zero() {
    let world = World::new().await;
    let session = world.sessions(3)[0];
    let token = world.token(Role::Facilitator, vec![session], vec![]);
    let room = DocName::Session(world.event, session);
    let organiser = world.target(&world.token(Role::Organiser, vec![], vec![]));
    let unsent = |board: &recolte_sync::arrivals::ArrivalsBoard, device: &str| {
        board.devices.iter().find(|d| d.device == device).map(|d| d.unsent)
    };
    let mut camille = world.raw(&room, Some(&token)).await;
    let mut lea = world.raw(&room, Some(&token)).await;
    camille.send(presence(11, 1, "device-camille", "Camille", None)).await;
    lea.send(presence(12, 1, "device-lea", "Léa", Some(3))).await;
    let board = board_until(&organiser, world.event, "both devices", |b| {
        unsent(b, "device-camille").is_some() && unsent(b, "device-lea").is_some()
    })
    .await;
    assert_eq!(unsent(&board, "device-camille"), Some(None), "never counted: unknown, not 0");
    assert_eq!(unsent(&board, "device-lea"), Some(Some(3)));
    // Camille counts 2, then cannot count: the board keeps the 2 it was told. The name she
    // shows changes with the second presence, so that the board says when it was read.
    camille.send(presence(11, 2, "device-camille", "Camille", Some(2))).await;
    camille.send(presence(11, 3, "device-camille", "Camille D.", None)).await;
    lea.send(presence(12, 2, "device-lea", "Léa", Some(0))).await;
    let board = board_until(&organiser, world.event, "Camille's second presence and Léa's zero", |b| {
        b.devices.iter().any(|d| d.device == "device-camille" && d.name == "Camille D.")
            && unsent(b, "device-lea") == Some(Some(0))
    })
    .await;
    assert_eq!(unsent(&board, "device-camille"), Some(Some(2)), "the last count stays, not 0");
    assert_eq!(unsent(&board, "device-lea"), Some(Some(0)), "a zero that was counted is a zero");
}

/// The room's laptop restarted mid-day: its arrivals board still shows the devices that had
/// left, with what they had not shared (it forgot them, the very devices whose USB key the
/// organisers must ask for), and names seen in each session with when they left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_arrivals_board_remembers_the_devices_that_left_across_a_restart_of_the_hub() {
    use recolte_sync::hub::{self, HubConfig};
    let world = World::new().await;
    let session = world.sessions(3)[0];
    let room = DocName::Session(world.event, session);
    let token = world.token(Role::Facilitator, vec![session], vec![]);
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let (laptop, dir, url) = world.another_hub(true).await;
    let connect = |url: &str| format!("{url}/{room}?token={token}");
    let (socket, _) = tokio_tungstenite::connect_async(connect(&url)).await.unwrap();
    let mut lea = crate::Raw { socket };
    lea.send(presence(12, 1, "device-lea", "Léa", Some(3))).await;
    let board = |url: &str| recolte_sync::client::Target::new(url.to_owned(), organiser.clone());
    let lea_there = |b: &recolte_sync::arrivals::ArrivalsBoard| b.devices.iter().any(|d| d.device == "device-lea");
    board_until(&board(&url), world.event, "Léa's presence", lea_there).await;
    // Léa leaves (the venue's Wi-Fi), then the laptop is restarted.
    drop(lea);
    let left = |b: &recolte_sync::arrivals::ArrivalsBoard| {
        b.sessions.iter().any(|s| s.id == session && s.devices.iter().any(|d| d.name == "Léa" && !d.connected))
    };
    board_until(&board(&url), world.event, "Léa gone", left).await;
    laptop.stop().await.unwrap();
    let key = world.organiser.store().event(world.event).unwrap().public_key.unwrap();
    let again =
        hub::start(HubConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned(), vec![key])).await.unwrap();
    let url = format!("ws://{}", again.addr);
    let recalled = recolte_sync::arrivals::fetch(&board(&url), world.event).await.unwrap();
    let lea = recalled.devices.iter().find(|d| d.device == "device-lea").expect("Léa is remembered");
    assert_eq!((lea.name.as_str(), lea.unsent), ("Léa", Some(3)));
    assert!(left(&recalled), "{:?}", recalled.sessions.iter().find(|s| s.id == session));
    again.stop().await.unwrap();
}
