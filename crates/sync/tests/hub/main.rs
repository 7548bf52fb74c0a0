//! A real hub on 127.0.0.1 (port 0), real stores in temporary folders, and raw WebSocket
//! clients for what a well-behaved client would never send.
//!
//! The tests are in the modules below, by subject. What they share is here: a `World` (an
//! organiser's device and a hub holding its event), `Raw` clients, and ways to wait and read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::DocName;
use recolte_store::{ProposalFilter, Store};
use recolte_sync::client::{self, SyncError, Target};
use recolte_sync::hub::{self, HubConfig, RunningHub};
use recolte_sync::protocol;
use tempfile::TempDir;
use tokio_tungstenite::tungstenite::Message;

mod access;
mod durability;
mod handover;
mod limits;
mod presence;

use recolte_core::programme::SAMPLE;
use recolte_test_support::Device;

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

    async fn raw_path(&self, path: &str, token: Option<&str>) -> Raw {
        let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
        let (socket, _) = tokio_tungstenite::connect_async(format!("{}/{path}{query}", self.url())).await.unwrap();
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
