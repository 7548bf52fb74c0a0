//! The sync engine of a device: for every document its token covers, one WebSocket to the
//! hub's room for that document, speaking the standard y-websocket protocol.
//!
//! Per document: we send our state vector (sync step 1); the hub answers with what we lack
//! (step 2), which is saved to the store before anything else happens. When the hub sends
//! its state vector, we answer with what it lacks, then send step 1 again as a *barrier*:
//! the hub handles a connection's messages in order, so its answer to the barrier proves it
//! has received everything we sent before. Only then is a document "up to date", and the
//! changes we sent "confirmed". The same barrier follows every later push.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::{Access, Role, Scope};
use recolte_core::schema::{DocName, EventRecord};
use recolte_core::token;
use recolte_store::Store;
use serde::Serialize;
use tokio_tungstenite::tungstenite::Message;
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::encoder::Encode;
use yrs::StateVector;

use crate::deflate;
use crate::protocol::{self, ProtocolError};
use crate::refusal::RefusalCode;

mod connection;
mod error;
mod presence;
mod watch;

use connection::connect;
pub(crate) use connection::{connect_url, refused};
pub use error::SyncError;
use presence::{awareness_frame, Me};
pub use presence::{present, PresenceBoard};
pub use watch::watch;

/// The store, shared between the sync tasks and whoever edits (the app, the CLI).
pub type SharedStore = Arc<Mutex<Store>>;

/// Where to sync and with which rights.
#[derive(Clone, Debug)]
pub struct Target {
    /// `ws://host:port` (or `wss://`), without a room.
    pub hub: String,
    pub token: String,
    /// SHA-256 of the hub's own certificate: with `wss://`, only that certificate is accepted
    /// (a laptop hub in a room has no certificate authority). Without it, `wss://` checks the
    /// system's authorities.
    pub fingerprint: Option<String>,
}

impl Target {
    pub fn new(hub: impl Into<String>, token: impl Into<String>) -> Target {
        Target { hub: hub.into(), token: token.into(), fingerprint: None }
    }

    pub fn pinned(self, fingerprint: Option<String>) -> Target {
        Target { fingerprint: fingerprint.filter(|f| !f.trim().is_empty()), ..self }
    }
}

/// What one sync did, summed over documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub documents: usize,
    pub updates_sent: usize,
    pub updates_received: usize,
    pub bytes_sent: usize,
    /// Bytes of the frames received from the hub, as they came (deflated or not).
    pub bytes_on_wire: usize,
    /// Bytes of the same frames once inflated: what a client that does not deflate receives.
    pub bytes_of_messages: usize,
    /// Bytes the received updates added to the store.
    pub bytes_received: usize,
    /// The hub held nothing of the event's programme, and this device may not give it: a hub
    /// that trusts the event's key but that the organisers never synced. A device moving there
    /// would read « à jour » with a hub that serves nothing of the event to the others.
    #[serde(skip)]
    pub hub_lacks_event: bool,
}

impl SyncReport {
    fn add(&mut self, other: &SyncReport) {
        self.documents += other.documents;
        self.updates_sent += other.updates_sent;
        self.updates_received += other.updates_received;
        self.bytes_sent += other.bytes_sent;
        self.bytes_on_wire += other.bytes_on_wire;
        self.bytes_of_messages += other.bytes_of_messages;
        self.bytes_received += other.bytes_received;
        self.hub_lacks_event |= other.hub_lacks_event;
    }
}

/// Where a document stands with the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    Offline,
    Connecting,
    Syncing,
    UpToDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DocStatus {
    pub state: SyncState,
    /// This device's changes the hub has not confirmed yet.
    pub unconfirmed: usize,
    /// Why the hub last refused (or could not be reached), and the message to show.
    pub error: Option<(RefusalCode, String)>,
}

/// The status of every document, shared with whoever shows it.
pub type StatusBoard = Arc<Mutex<HashMap<DocName, DocStatus>>>;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The changes of `name` the hub has not confirmed. A failed read keeps the count last shown
/// (never a "0 non partagées" that nobody checked), and says so in the log.
fn count_unconfirmed(store: &SharedStore, board: Option<&StatusBoard>, hub: &str, name: &DocName) -> usize {
    match lock_store(store).unconfirmed_count(hub, name) {
        Ok(count) => count,
        Err(error) => {
            tracing::warn!("{name}: cannot count the changes not shared yet ({error}); the last count stays shown");
            board.and_then(|b| lock(b).get(name).map(|s| s.unconfirmed)).unwrap_or(0)
        }
    }
}

/// The store, reloaded from its log if a thread stopped while holding it.
fn lock_store(store: &SharedStore) -> std::sync::MutexGuard<'_, Store> {
    Store::lock_shared(store)
}

/// The documents a scope lets this device sync, with the access it has to each. Without the
/// programme yet (a device joining), only what the token itself names.
pub fn documents_for(scope: &Scope, event: Option<&EventRecord>) -> Vec<(DocName, Access)> {
    let names = match event {
        Some(record) => scope.readable(record),
        None => {
            let id = scope.event;
            let mut names = vec![DocName::Event(id)];
            names.extend(scope.sessions.iter().map(|s| DocName::Session(id, *s)));
            if scope.role == Role::Rapporteur {
                names.extend(scope.themes.iter().map(|t| DocName::Synthesis(id, *t)));
            }
            if scope.role == Role::Panel {
                names.push(DocName::Panel(id));
            }
            names
        }
    };
    names
        .into_iter()
        .map(|name| (name.clone(), scope.access(&name, event)))
        .filter(|(_, a)| *a > Access::None)
        .collect()
}

/// The room address of a document on a hub, asking for deflated frames.
fn room_url(target: &Target, name: &DocName) -> String {
    format!("{}/{}?token={}&{}", target.hub.trim_end_matches('/'), name, target.token.trim(), deflate::ASK)
}

/// The largest frame a hub may send once inflated: tungstenite's own limit for a message.
const MAX_FRAME_BYTES: usize = 64 << 20;

/// Syncs every document the token covers, once: returns when the hub and this store have
/// each other's changes, document by document. The programme comes first, since it says
/// which sessions exist.
pub async fn sync_once(store: SharedStore, target: &Target) -> Result<SyncReport, SyncError> {
    sync_once_unless(store, target, WithoutEvent::GoOn).await
}

/// What a sync does when the hub holds nothing of the event (its programme empty there) and
/// this device may not bring it (it may not write the programme).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WithoutEvent {
    /// Every document all the same: the hub this device syncs with, which may have lost its
    /// journal and gets back what this device may write.
    GoOn,
    /// Stops after the programme: a hub this device would not join or move to (its report
    /// says `hub_lacks_event`), which is sent nothing of the sessions.
    Stop,
}

/// [`sync_once`], stopping after the programme at a hub without the event when told to.
pub(crate) async fn sync_once_unless(
    store: SharedStore,
    target: &Target,
    without_event: WithoutEvent,
) -> Result<SyncReport, SyncError> {
    let scope = token::peek(&target.token)?.scope;
    let result = sync_every_document(&store, target, &scope, without_event).await;
    match result {
        Ok(report) => Ok(report),
        Err((doc, error)) => {
            remember_failure(&store, target, &scope, &doc, &error);
            Err(error)
        }
    }
}

/// A sync that remembers nothing of a failure: a former invitation's changes handed over
/// with its token (see `handover`), or a hub tried in place of one out of reach (see
/// `failover`), whose refusals are not the status of the hub this device syncs with now.
pub(crate) async fn sync_quietly(
    store: SharedStore,
    target: &Target,
    without_event: WithoutEvent,
) -> Result<SyncReport, SyncError> {
    let scope = token::peek(&target.token)?.scope;
    sync_every_document(&store, target, &scope, without_event).await.map_err(|(_, error)| error)
}

/// Remembers why a sync failed, for the status: on the document it happened to, or on every
/// document of the scope when it is about the token or the hub.
fn remember_failure(store: &SharedStore, target: &Target, scope: &Scope, doc: &DocName, error: &SyncError) {
    let Some(code) = error.refusal() else { return };
    let mut store = lock_store(store);
    let docs = if code.applies_to_every_document() {
        let record = store.event_record(scope.event).ok().flatten();
        documents_for(scope, record.as_ref()).into_iter().map(|(name, _)| name).collect()
    } else {
        vec![doc.clone()]
    };
    for name in docs {
        if let Err(failed) = store.set_sync_error(&target.hub, &name, code.as_str(), &error.to_string()) {
            tracing::warn!("cannot remember the sync error of {name}: {failed}");
        }
    }
}

async fn sync_every_document(
    store: &SharedStore,
    target: &Target,
    scope: &Scope,
    without_event: WithoutEvent,
) -> Result<SyncReport, (DocName, SyncError)> {
    let event_doc = DocName::Event(scope.event);
    let event_access = scope.access(&event_doc, None);
    let mut report =
        sync_document(store, target, &event_doc, event_access, None).await.map_err(|e| (event_doc.clone(), e))?;
    if report.hub_lacks_event && without_event == WithoutEvent::Stop {
        return Ok(report);
    }
    let record = lock_store(store).event_record(scope.event).map_err(|e| (event_doc.clone(), e.into()))?;
    let mut tasks = tokio::task::JoinSet::new();
    for (name, access) in documents_for(scope, record.as_ref()) {
        if name == event_doc {
            continue;
        }
        let (store, target) = (store.clone(), target.clone());
        tasks.spawn(async move { sync_document(&store, &target, &name, access, None).await.map_err(|e| (name, e)) });
    }
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(Ok(part)) => report.add(&part),
            Ok(Err(error)) => {
                first_error.get_or_insert(error);
            }
            Err(join) => {
                first_error.get_or_insert((event_doc.clone(), SyncError::Lost { doc: join.to_string() }));
            }
        }
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(report),
    }
}

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<connection::Heard<tokio::net::TcpStream>>>;

/// How long the hub may stay silent while we wait for an answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
struct Session<'a> {
    store: &'a SharedStore,
    target: &'a Target,
    name: &'a DocName,
    access: Access,
    board: Option<&'a StatusBoard>,
    presence: Option<&'a PresenceBoard>,
    /// Our own awareness client id on this connection.
    me: u64,
    report: SyncReport,
    /// Step 1 messages sent and not answered yet.
    barriers: usize,
    /// Log entry up to which our changes are sent; confirmed by the next answered barrier.
    pushed: i64,
    awaiting_confirmation: Option<i64>,
    seen_hub_state: bool,
    /// The hub sent a deflated frame: it reads them too.
    hub_deflates: bool,
}

impl<'a> Session<'a> {
    fn new(
        store: &'a SharedStore,
        target: &'a Target,
        name: &'a DocName,
        access: Access,
        board: Option<&'a StatusBoard>,
        presence: Option<&'a PresenceBoard>,
    ) -> Result<Session<'a>, SyncError> {
        Ok(Session {
            store,
            target,
            name,
            access,
            board,
            presence,
            // A random 53-bit id (what Yjs clients use): two readings of the clock could collide.
            me: rand::random::<u64>() & ((1 << 53) - 1),
            report: SyncReport::default(),
            barriers: 0,
            pushed: lock_store(store).confirmed_seq(&target.hub, name)?,
            awaiting_confirmation: None,
            seen_hub_state: false,
            hub_deflates: false,
        })
    }

    fn set_state(&self, state: SyncState) {
        let Some(board) = self.board else { return };
        let unconfirmed = count_unconfirmed(self.store, Some(board), &self.target.hub, self.name);
        // Called once the hub answers: whatever it refused before, it accepts us now.
        lock(board).insert(self.name.clone(), DocStatus { state, unconfirmed, error: None });
    }

    async fn send(&mut self, socket: &mut Socket, frame: Vec<u8>) -> Result<(), SyncError> {
        let frame = match self.hub_deflates.then(|| deflate::pack(&frame, false)).flatten() {
            Some(packed) => packed,
            None => frame,
        };
        self.report.bytes_sent += frame.len();
        socket.send(Message::Binary(frame.into())).await.map_err(|_| SyncError::Lost { doc: self.name.to_string() })
    }

    /// Sends step 1 as a barrier. `hub_state` is what the hub said it had: claiming it too
    /// keeps the answer to the changes the hub got since, instead of everything we lack,
    /// which the answer to our first step 1 already brings.
    async fn barrier(&mut self, socket: &mut Socket, hub_state: Option<StateVector>) -> Result<(), SyncError> {
        let mut sv = lock_store(self.store).state_vector(self.name)?;
        if let Some(hub_state) = hub_state {
            sv.merge(hub_state);
        }
        self.barriers += 1;
        self.send(socket, protocol::step1(&sv)).await
    }

    /// Sends the changes made on this device since the last push, if any.
    async fn push_local(&mut self, socket: &mut Socket) -> Result<(), SyncError> {
        if self.access < Access::Write {
            return Ok(());
        }
        let updates = lock_store(self.store).local_updates_after(self.name, self.pushed)?;
        let Some(&(last, _)) = updates.last() else { return Ok(()) };
        for (_, update) in updates {
            self.report.updates_sent += 1;
            self.send(socket, protocol::update(update)).await?;
        }
        self.pushed = last;
        self.awaiting_confirmation = Some(last);
        self.set_state(SyncState::Syncing);
        self.barrier(socket, None).await
    }

    /// Handles one frame from the hub. Returns true when the document became up to date.
    async fn receive(&mut self, socket: &mut Socket, frame: &[u8]) -> Result<bool, SyncError> {
        self.report.bytes_on_wire += frame.len();
        let protocol_error =
            |e: ProtocolError| SyncError::Protocol { doc: self.name.to_string(), reason: e.to_string() };
        let inflated;
        let frame = if deflate::is_deflated(frame) {
            self.hub_deflates = true;
            inflated = deflate::unpack(frame, MAX_FRAME_BYTES).map_err(protocol_error)?;
            &inflated[..]
        } else {
            frame
        };
        self.report.bytes_of_messages += frame.len();
        let message = protocol::decode(frame).map_err(protocol_error)?;
        match message {
            YMessage::Sync(SyncMessage::SyncStep1(hub_state)) => {
                if !self.seen_hub_state && matches!(self.name, DocName::Event(_)) && self.access < Access::Write {
                    self.report.hub_lacks_event = hub_state.is_empty();
                }
                self.seen_hub_state = true;
                if self.access >= Access::Write {
                    let (seq, diff) = {
                        let mut store = lock_store(self.store);
                        (store.last_seq(self.name)?, store.diff_for(self.name, &hub_state)?)
                    };
                    if diff.len() > 2 {
                        self.report.updates_sent += 1;
                    }
                    self.send(socket, protocol::step2(diff)).await?;
                    self.pushed = self.pushed.max(seq);
                    self.awaiting_confirmation = Some(seq);
                } else {
                    let empty = yrs::Update::new().encode_v1();
                    self.send(socket, protocol::step2(empty)).await?;
                }
                self.barrier(socket, Some(hub_state)).await?;
                Ok(false)
            }
            YMessage::Sync(SyncMessage::SyncStep2(update)) | YMessage::Sync(SyncMessage::Update(update)) => {
                let is_answer = matches!(message_kind(frame), Some(1));
                let saved = lock_store(self.store).apply_remote(self.name, &update)?;
                if saved > 0 {
                    self.report.updates_received += 1;
                    self.report.bytes_received += saved;
                }
                if is_answer {
                    self.barriers = self.barriers.saturating_sub(1);
                }
                if self.barriers == 0 && self.seen_hub_state {
                    // Also for a document this device only reads: the exchange is what the status shows.
                    let seq = self.awaiting_confirmation.take().unwrap_or(0);
                    lock_store(self.store).set_confirmed_seq(&self.target.hub, self.name, seq)?;
                    self.set_state(SyncState::UpToDate);
                    return Ok(true);
                }
                Ok(false)
            }
            // Presence is for the app's screens; the engine has nothing to do with it.
            YMessage::Awareness(update) => {
                if let Some(presence) = self.presence {
                    let mut board = lock(presence);
                    let peers = board.entry(self.name.clone()).or_default();
                    for (client, entry) in update.clients {
                        let id = client.get();
                        if id == self.me {
                            continue;
                        }
                        let name = serde_json::from_str::<serde_json::Value>(&entry.json)
                            .ok()
                            .and_then(|v| v["user"]["name"].as_str().map(str::to_owned));
                        match name {
                            Some(name) => {
                                peers.insert(id, (name, std::time::Instant::now()));
                            }
                            None => {
                                peers.remove(&id);
                            }
                        }
                    }
                }
                Ok(false)
            }
            YMessage::AwarenessQuery | YMessage::Auth(_) | YMessage::Custom(..) => Ok(false),
        }
    }
}

/// The sub-type of a sync frame (0 step 1, 1 step 2, 2 update).
fn message_kind(frame: &[u8]) -> Option<u8> {
    (frame.first() == Some(&0)).then(|| frame.get(1).copied()).flatten()
}

/// Who this device is, as its presence says.
fn who_i_am(store: &SharedStore) -> Me {
    let store = lock_store(store);
    Me { name: store.author().unwrap_or_default(), device: store.device_id().ok().filter(|id| !id.is_empty()) }
}

/// This device's changes to `name` the hub has not confirmed, for its presence; `None` (left
/// out, never 0) when they cannot be counted.
fn unsent_of(store: &SharedStore, target: &Target, name: &DocName, access: Access) -> Option<usize> {
    // A room this device may only read takes nothing from it: what it changed there is counted
    // with what no room will carry (`outside_of`), not twice.
    if access != Access::Write {
        return Some(0);
    }
    match lock_store(store).unconfirmed_count(&target.hub, name) {
        Ok(count) => Some(count),
        Err(error) => {
            tracing::warn!("{name}: cannot count the changes not shared yet ({error}); the presence leaves it out");
            None
        }
    }
}

/// In the event's room only (every device syncs it): this device's changes that no network
/// sync will carry, as its status counts them (outside its invitation's rights), so that the
/// organiser's board does not read « 0 non partagée » for a device holding a session's last
/// proposals. Those kept for a former card are not among them: they are on their way. `None`
/// elsewhere, on a former card's hand-over (its view is not this device's), or when they
/// cannot be counted.
fn outside_of(store: &SharedStore, target: &Target, name: &DocName) -> Option<usize> {
    let DocName::Event(event) = name else { return None };
    let mut store = lock_store(store);
    let current = crate::join::remembered_target(&store).ok().flatten();
    if current.is_none_or(|current| current.token != target.token) {
        return None;
    }
    match crate::status::report(&mut store, Some(target), None, *event, recolte_core::Lang::En) {
        Ok(docs) => Some(crate::status::summarize(&docs, Some(&target.hub)).out_of_rights),
        Err(error) => {
            tracing::warn!("{name}: cannot count the changes outside this invitation ({error})");
            None
        }
    }
}

/// Syncs one document until it is up to date (or, with `watch`, until `stop` says so).
async fn sync_document(
    store: &SharedStore,
    target: &Target,
    name: &DocName,
    access: Access,
    board: Option<&StatusBoard>,
) -> Result<SyncReport, SyncError> {
    let mut socket = connect(target, name).await?;
    let mut session = Session::new(store, target, name, access, board, None)?;
    session.report.documents = 1;
    session.set_state(SyncState::Syncing);
    session.barrier(&mut socket, None).await?;
    loop {
        let next = tokio::time::timeout(ANSWER_TIMEOUT, socket.next())
            .await
            .map_err(|_| SyncError::Lost { doc: name.to_string() })?;
        match next {
            Some(Ok(Message::Binary(frame))) => {
                if session.receive(&mut socket, &frame).await? {
                    // Said once before leaving, as a watching device says it all along: the
                    // hub's arrivals board then shows who synced, when, and what is left.
                    let (me, who) = (yrs::ClientID::new(session.me), who_i_am(store));
                    let _ = session
                        .send(
                            &mut socket,
                            awareness_frame(
                                me,
                                1,
                                &who,
                                unsent_of(store, target, name, access),
                                outside_of(store, target, name),
                            ),
                        )
                        .await;
                    let _ = socket.close(None).await;
                    return Ok(session.report);
                }
            }
            Some(Ok(Message::Close(frame))) => return Err(refused(target, name, frame)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(SyncError::Lost { doc: name.to_string() }),
        }
    }
}

/// State vector of a document as the store has it (re-exported for tests).
pub fn state_vector(store: &SharedStore, name: &DocName) -> Result<StateVector, SyncError> {
    Ok(lock_store(store).state_vector(name)?)
}
