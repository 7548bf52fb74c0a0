//! A real hub on 127.0.0.1 (port 0), real stores in temporary folders, and raw WebSocket
//! clients for what a well-behaved client would never send.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::DocName;
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate, Store};
use recolte_sync::client::{self, SyncError, Target};
use recolte_sync::hub::{self, close, HubConfig, RunningHub};
use recolte_sync::protocol;
use tempfile::TempDir;
use tokio_tungstenite::tungstenite::Message;
use yrs::StateVector;

mod support;

use recolte_core::programme::SAMPLE;
use support::{organiser_with_event, Device};

struct World {
    organiser: Device,
    event: EventId,
    hub: RunningHub,
    _hub_dir: TempDir,
}

impl World {
    async fn new() -> World {
        World::with_config(|_| {}).await
    }

    async fn with_config(adjust: impl FnOnce(&mut HubConfig)) -> World {
        let organiser = Device::empty();
        let event = organiser.store().import_programme(SAMPLE).unwrap();
        let public_key = organiser.store().event(event).unwrap().public_key.unwrap();
        let hub_dir = tempfile::tempdir().unwrap();
        let mut config = HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![public_key]);
        adjust(&mut config);
        let hub = hub::start(config).await.unwrap();
        let world = World { organiser, event, hub, _hub_dir: hub_dir };
        let token = world.token(Role::Organiser, vec![], vec![]);
        client::sync_once(world.organiser.store.clone(), &world.target(&token)).await.unwrap();
        world
    }

    fn url(&self) -> String {
        format!("ws://{}", self.hub.addr)
    }

    fn target(&self, token: &str) -> Target {
        Target::new(self.url(), token.to_owned())
    }

    fn token(&self, role: Role, sessions: Vec<SessionId>, themes: Vec<u32>) -> String {
        let scope = Scope { event: self.event, role, sessions, themes };
        self.organiser.store().issue_token(&scope, Some("test"), time::Duration::hours(1)).unwrap()
    }

    fn sessions(&self, theme: u32) -> Vec<SessionId> {
        self.organiser.store().sessions(self.event, Some(theme)).unwrap().iter().map(|s| s.id).collect()
    }

    /// Another hub of the event on 127.0.0.1 (its key trusted), empty or holding what the
    /// organiser has (synced there); its address.
    async fn another_hub(&self, with_event: bool) -> (RunningHub, TempDir, String) {
        let public_key = self.organiser.store().event(self.event).unwrap().public_key.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = HubConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned(), vec![public_key]);
        let hub = hub::start(config).await.unwrap();
        let url = format!("ws://{}", hub.addr);
        if with_event {
            let target = Target::new(url.clone(), self.token(Role::Organiser, vec![], vec![]));
            client::sync_once(self.organiser.store.clone(), &target).await.unwrap();
        }
        (hub, dir, url)
    }

    /// A facilitator's card for one session, for Camille, made and recorded by the organiser.
    fn card(&self, session: SessionId, hubs: Vec<String>) -> recolte_store::InvitationRecord {
        let request = recolte_store::InvitationRequest {
            role: Role::Facilitator,
            sessions: vec![session],
            themes: vec![],
            for_name: Some("Camille".into()),
            valid_for: time::Duration::hours(4),
            hubs,
            fingerprint: None,
        };
        self.organiser.store().create_invitation(self.event, &request, recolte_core::Lang::Fr).unwrap()
    }

    async fn sync(&self, device: &Device, token: &str) -> Result<client::SyncReport, SyncError> {
        client::sync_once(device.store.clone(), &self.target(token)).await
    }

    async fn raw(&self, room: &DocName, token: Option<&str>) -> Raw {
        let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
        let (socket, _) = tokio_tungstenite::connect_async(format!("{}/{room}{query}", self.url())).await.unwrap();
        Raw { socket }
    }
}

/// A WebSocket client that sends whatever it is told to.
struct Raw {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Raw {
    async fn send(&mut self, frame: Vec<u8>) {
        let _ = self.socket.send(Message::Binary(frame.into())).await;
    }

    /// Reads until the hub closes the connection; returns the close code and reason.
    async fn closed(&mut self) -> (u16, String) {
        while let Some(message) = self.socket.next().await {
            if let Ok(Message::Close(Some(frame))) = message {
                return (frame.code.into(), frame.reason.to_string());
            }
            if message.is_err() {
                break;
            }
        }
        (0, String::new())
    }

    /// Reads frames until a sync step 2 arrives.
    async fn step2(&mut self) -> Vec<u8> {
        while let Some(Ok(message)) = self.socket.next().await {
            if let Message::Binary(frame) = message {
                if let Ok(yrs::sync::Message::Sync(yrs::sync::SyncMessage::SyncStep2(update))) =
                    protocol::decode(&frame)
                {
                    return update;
                }
            }
        }
        panic!("the connection closed before a sync step 2");
    }
}

fn titles(store: &Store, event: EventId) -> Vec<String> {
    let mut titles: Vec<String> =
        store.proposals(event, &ProposalFilter::default()).unwrap().into_iter().map(|p| p.title).collect();
    titles.sort();
    titles
}

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

impl World {
    async fn raw_path(&self, path: &str, token: Option<&str>) -> Raw {
        let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
        let (socket, _) = tokio_tungstenite::connect_async(format!("{}/{path}{query}", self.url())).await.unwrap();
        Raw { socket }
    }
}

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

/// A hub and a token given by hand, on a device that does not hold their event yet: a hub that
/// does not hold it either is an answer (it was « à jour » with no programme).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_and_token_given_by_hand_must_bring_the_event() {
    use recolte_sync::join;
    let world = World::new().await;
    let (_empty, _dir, empty_url) = world.another_hub(false).await;
    let token = world.token(Role::Panel, vec![], vec![]);
    let device = Device::empty();
    let error = join::first_exchange(&device.store, &Target::new(empty_url, token.clone())).await.unwrap_err();
    assert!(matches!(error, SyncError::EventNotOnHub { .. }), "{error}");
    assert!(join::first_exchange(&device.store, &world.target(&token)).await.unwrap().is_some());
    device.store().event(world.event).unwrap();
    assert!(join::first_exchange(&device.store, &world.target(&token)).await.unwrap().is_none(), "held: nothing to do");
}

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

/// An invitation names two hubs (the server, the room's laptop); the device joined the first.
/// While that one answers, it stays; once it is gone (out of reach at two looks in a row),
/// background sync moves to the invitation's other hub, with the same token, takes what was
/// typed there, and remembers it, which the shells follow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn background_sync_moves_to_the_invitations_other_hub_when_its_own_is_gone() {
    use recolte_sync::client::{DocStatus, SyncState};
    use recolte_sync::failover;
    use recolte_sync::join;
    let world = World::new().await;
    let organiser = world.token(Role::Organiser, vec![], vec![]);
    let (first, _first_dir, first_url) = world.another_hub(true).await;
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
    let says = |state, error: Option<recolte_sync::refusal::RefusalCode>| {
        let status = DocStatus { state, unconfirmed: 0, error: error.map(|code| (code, String::new())) };
        board.lock().unwrap().insert(room.clone(), status);
    };

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
    client::sync_once(world.organiser.store.clone(), &Target::new(second_url, organiser)).await.unwrap();
    assert!(titles(&world.organiser.store(), world.event).contains(&"Après le départ du portable".to_owned()));
    second.stop().await.unwrap();
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
    let world = World::with_config(|config| config.slow_disk = Some(std::time::Duration::from_millis(600))).await;
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

/// Polls `condition` until it holds; fails after 30 s (a slow machine is not a failure).
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..1500 {
        if condition() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("never happened: {what}");
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
    let counted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = counted.clone();
    let reading = tokio::spawn(async move {
        let mut frames = 0usize;
        while let Some(Ok(message)) = reader.next().await {
            if matches!(message, Message::Binary(_)) {
                frames += 1;
                count.store(frames, std::sync::atomic::Ordering::SeqCst);
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
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while i + 1 > counted.load(std::sync::atomic::Ordering::SeqCst) + 16 {
            assert!(std::time::Instant::now() < deadline, "the reader stopped receiving: {:?}", hub.metrics());
            tokio::task::yield_now().await;
        }
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

/// The hub's arrivals board, asked again until it shows what `condition` waits for.
async fn board_until(
    organiser: &Target,
    event: EventId,
    what: &str,
    condition: impl Fn(&recolte_sync::arrivals::ArrivalsBoard) -> bool,
) -> recolte_sync::arrivals::ArrivalsBoard {
    for _ in 0..500 {
        if let Ok(board) = recolte_sync::arrivals::fetch(organiser, event).await {
            if condition(&board) {
                return board;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the arrivals board never showed: {what}");
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
