//! `recolte hub`: serves documents over WebSocket with the y-websocket protocol, one room per
//! document. Two ways to keep them:
//! - a hub on a device that holds the event (the organiser's laptop in the room) serves that
//!   device's own store: rooms start from what it holds, what devices send is saved into it
//!   (projected, so `proposal list` there shows it), and what other programs save into it (the
//!   app, the command line) reaches the connected devices: one store, not two copies;
//! - a hub on a server keeps a journal of its own, for the events whose keys it is given.
//!
//! Invariants:
//! - a connection is admitted only with a token signed by a trusted event key, and only to
//!   the rooms its scope covers; a read-only connection's changes are dropped and counted;
//! - an update is in the journal before it is broadcast or answered: a hub killed at any
//!   moment loses nothing it acknowledged;
//! - one slow or misbehaving connection never holds the others back: each has a bounded
//!   queue, and is disconnected (it will resync) when its queue is full;
//! - a bad frame closes the connection that sent it, with a reason, and nothing else.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use futures_util::SinkExt;
use recolte_core::access::Access;
use recolte_core::schema::{self, DocName, EventRecord};
use recolte_core::token::{self, TokenError};
use recolte_store::{Journal, Store};
use serde::Serialize;
use tokio::sync::{mpsc, watch};
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

use crate::protocol::{Effect, Presence, ProtocolError, Room};

/// Read buffer of a connection; larger frames grow it as needed. tungstenite zero-fills up to
/// this much before every read (128 KiB by default): small, since most frames are a few
/// hundred bytes.
pub const READ_BUFFER: usize = 4096;

pub use crate::refusal::close;

#[derive(Clone, Debug)]
pub struct HubConfig {
    pub listen: SocketAddr,
    /// The hub's own folder (its journal), or the store it serves.
    pub data_dir: PathBuf,
    /// Event public keys (PASERK `k4.public.…`) whose tokens are accepted. Serving a store,
    /// the keys of the events it holds are added, as they appear.
    pub trusted_keys: Vec<String>,
    /// Serve the store in `data_dir` itself instead of a journal of the hub's own.
    pub serve_store: bool,
    /// Serve `wss://` with this certificate (devices pin its fingerprint).
    pub tls: Option<crate::tls::HubIdentity>,
    /// Largest message accepted from a client.
    pub max_message_bytes: usize,
    /// Frames queued for one client before it counts as too slow and is disconnected.
    pub queue_frames: usize,
    /// Connections served at once; more are told to come back later.
    pub max_clients: u64,
    /// Fault injection for tests: the journal's writer waits this long before each batch, as a
    /// slow disk would (a window in which updates are accepted but not yet saved).
    pub slow_disk: Option<Duration>,
}

impl HubConfig {
    pub fn new(listen: SocketAddr, data_dir: PathBuf, trusted_keys: Vec<String>) -> HubConfig {
        HubConfig {
            listen,
            data_dir,
            trusted_keys,
            serve_store: false,
            tls: None,
            max_message_bytes: 16 << 20,
            queue_frames: 1024,
            max_clients: 4096,
            slow_disk: None,
        }
    }

    /// A hub that serves the store in `store_dir`, trusting the events it holds.
    pub fn serving_store(listen: SocketAddr, store_dir: PathBuf) -> HubConfig {
        HubConfig { serve_store: true, ..HubConfig::new(listen, store_dir, Vec::new()) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("no event to serve: this device holds the key of no event (only the device that created the event, or imported its programme, serves it); on the command line, give the event's public key with --trust (recolte event show --json prints it)")]
    NoTrustedKey,
    #[error("{0}")]
    Key(TokenError),
    #[error("cannot listen on {addr}: {source} (the port may be taken: is another Récolte already serving?)")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
    #[error(transparent)]
    Tls(crate::tls::TlsError),
}

impl recolte_core::Localize for HubError {
    fn localize(&self, lang: recolte_core::Lang) -> String {
        use recolte_core::Lang;
        match (self, lang) {
            (HubError::Store(e), _) => e.localize(lang),
            (HubError::Key(e), _) => e.localize(lang),
            (HubError::Tls(e), _) => e.localize(lang),
            (HubError::NoTrustedKey, Lang::Fr) => "aucun événement à servir : cet appareil ne détient la clé d'aucun événement (seul l'appareil qui a créé l'événement, ou importé son programme, le sert) ; en ligne de commande, donnez la clé publique de l'événement avec --trust (recolte event show --json l'affiche)".to_owned(),
            (HubError::NoTrustedKey, Lang::En) => "no event to serve: this device holds the key of no event (only the device that created the event, or imported its programme, serves it); on the command line, give the event's public key with --trust (recolte event show --json prints it)".to_owned(),
            (HubError::Listen { addr, source }, Lang::Fr) => {
                format!("impossible d'écouter sur {addr} : {source} (le port est peut-être déjà pris : un autre Récolte sert-il déjà ?)")
            }
            (HubError::Listen { addr, source }, Lang::En) => {
                format!("cannot listen on {addr}: {source} (the port may be taken: is another Récolte already serving?)")
            }
        }
    }
}

/// Counters served at `GET /metrics`.
#[derive(Debug, Default)]
struct Metrics {
    connections_total: AtomicU64,
    clients: AtomicU64,
    refused: AtomicU64,
    malformed: AtomicU64,
    bytes_in: AtomicU64,
    bytes_out: AtomicU64,
    updates_saved: AtomicU64,
    frames_delivered: AtomicU64,
    dropped_read_only: AtomicU64,
    slow_disconnects: AtomicU64,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct MetricsSnapshot {
    pub rooms: usize,
    pub clients: u64,
    pub connections_total: u64,
    pub refused: u64,
    pub malformed: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub updates_saved: u64,
    pub frames_delivered: u64,
    pub dropped_read_only: u64,
    pub slow_disconnects: u64,
}

#[derive(Debug)]
struct RoomEntry {
    name: DocName,
    inner: Mutex<RoomInner>,
}

struct RoomInner {
    room: Room,
    peers: HashMap<u64, mpsc::Sender<Bytes>>,
}

impl std::fmt::Debug for RoomInner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoomInner").field("peers", &self.peers.len()).finish()
    }
}

/// A request to the writer thread: save this update, then say so.
struct Persist {
    name: DocName,
    update: Vec<u8>,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// What the writer thread is asked: save an update, or say when everything asked before is
/// done (so that a room reloaded from the journal includes every update already accepted).
enum WriterRequest {
    Save(Persist),
    Flush(std::sync::mpsc::Sender<()>),
}

/// Where the hub keeps rooms: its own journal, or the store it serves.
enum Backend {
    Journal(Journal),
    Store(Store),
}

impl Backend {
    fn open(config: &HubConfig) -> Result<Backend, recolte_store::Error> {
        Ok(if config.serve_store {
            Backend::Store(Store::open(&config.data_dir)?)
        } else {
            Backend::Journal(Journal::open(&config.data_dir)?)
        })
    }

    /// Every update of a room (the store gives its state as one).
    fn load(&mut self, name: &DocName) -> Result<Vec<Vec<u8>>, recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.load(name),
            Backend::Store(store) => Ok(vec![store.document_state(name)?]),
        }
    }

    /// When a room last received a change.
    fn last_saved(&self, name: &DocName) -> Result<Option<String>, recolte_store::Error> {
        match self {
            Backend::Journal(journal) => journal.last_saved(name),
            Backend::Store(store) => store.last_saved(name),
        }
    }

    /// Saves updates in one transaction: durable when this returns.
    fn append_batch(&mut self, batch: &[Persist]) -> Result<(), recolte_store::Error> {
        let updates = batch.iter().map(|r| (&r.name, r.update.as_slice()));
        match self {
            Backend::Journal(journal) => journal.append_batch(updates).map(|_| ()),
            Backend::Store(store) => store.apply_remote_batch(updates),
        }
    }
}

struct Shared {
    /// Reads rooms when they are loaded.
    backend: Mutex<Backend>,
    /// The writer thread, which saves updates in batches (group commit).
    writer: std::sync::mpsc::Sender<WriterRequest>,
    rooms: Mutex<HashMap<DocName, Arc<RoomEntry>>>,
    trusted: Mutex<Vec<token::PublicKey>>,
    config: HubConfig,
    metrics: Metrics,
    next_peer: AtomicU64,
    shutdown: watch::Receiver<bool>,
    /// Connections by peer: the token each uses, so that a revocation closes them.
    live: Mutex<HashMap<u64, LivePeer>>,
    /// For the arrivals board: who was seen in each room, and what devices reported.
    seen: Mutex<HashMap<DocName, HashMap<String, Seen>>>,
    reports: Mutex<HashMap<String, Report>>,
    /// Journal entries that could not be read back, by room: the room is served without
    /// them, and `/health` says so.
    unreadable: Mutex<BTreeMap<String, usize>>,
    /// Connections the process can hold (its open-files limit, less what the hub keeps).
    capacity: u64,
}

/// A name seen in a room: connections showing it now, and when the last one left.
#[derive(Debug, Default)]
struct Seen {
    connected: usize,
    last_seen: Option<String>,
}

/// What a device last said of itself in its presence.
#[derive(Debug)]
struct Report {
    event: recolte_core::ids::EventId,
    name: String,
    role: recolte_core::access::Role,
    unsent: HashMap<DocName, usize>,
    at: String,
}

/// A connection's token, and how to close it from outside.
struct LivePeer {
    event: recolte_core::ids::EventId,
    room: DocName,
    role: recolte_core::access::Role,
    /// The name the device shows in its presence, once it said it.
    label: Option<String>,
    token_id: String,
    kick: Option<tokio::sync::oneshot::Sender<(u16, String)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a room's lock must not take the whole hub down with it.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn load_doc(&self, name: &DocName) -> Result<yrs::Doc, recolte_store::Error> {
        let updates = lock(&self.backend).load(name)?;
        let doc = schema::new_doc_of(name.kind());
        {
            let mut txn = doc.transact_mut_with(schema::ORIGIN_REMOTE);
            let mut unreadable = 0;
            for update in updates {
                // The journal only holds updates that applied once: one that no longer reads
                // (a damaged disk) is left out, said in the log and in /health, and the rest
                // of the room is served.
                let applied = Update::decode_v1(&update).map(|u| txn.apply_update(u).is_ok()).unwrap_or(false);
                if !applied {
                    unreadable += 1;
                }
            }
            if unreadable > 0 {
                tracing::error!(
                    "{name}: {unreadable} journal entries cannot be read back; the room is served without them"
                );
                *lock(&self.unreadable).entry(name.to_string()).or_default() += unreadable;
            }
        }
        Ok(doc)
    }

    /// Reloads a room from its journal, the room's lock held: after the writer has saved every
    /// update already queued, so that no update accepted by the room (and acknowledged, or
    /// about to be) is forgotten; only what failed to save, or never applied, is left out.
    fn reload(&self, name: &DocName, inner: &mut RoomInner) {
        let (done, flushed) = std::sync::mpsc::channel();
        if self.writer.send(WriterRequest::Flush(done)).is_ok() {
            let _ = flushed.recv_timeout(Duration::from_secs(30));
        }
        match self.load_doc(name) {
            Ok(doc) => inner.room.reset(doc),
            Err(error) => tracing::error!("{name}: cannot reload the room from its journal: {error}"),
        }
    }

    fn room(&self, name: &DocName) -> Result<Arc<RoomEntry>, recolte_store::Error> {
        if let Some(entry) = lock(&self.rooms).get(name) {
            return Ok(entry.clone());
        }
        // Loaded outside the rooms lock: a big room must not stall every other room.
        let doc = self.load_doc(name)?;
        let mut rooms = lock(&self.rooms);
        let entry = rooms.entry(name.clone()).or_insert_with(|| {
            Arc::new(RoomEntry {
                name: name.clone(),
                inner: Mutex::new(RoomInner { room: Room::new(doc), peers: HashMap::new() }),
            })
        });
        Ok(entry.clone())
    }

    /// The programme of an event, as the hub knows it (none until an organiser pushed it).
    fn event_record(&self, event: recolte_core::ids::EventId) -> Option<EventRecord> {
        let entry = self.room(&DocName::Event(event)).ok()?;
        let inner = lock(&entry.inner);
        let record = schema::read_event(&inner.room.doc().transact());
        record.filter(|r| r.id == event)
    }

    /// The token ids an event's organisers revoked, as the hub's copy of the event says.
    fn revoked(&self, event: recolte_core::ids::EventId) -> Vec<String> {
        let Ok(entry) = self.room(&DocName::Event(event)) else { return Vec::new() };
        let inner = lock(&entry.inner);
        let revoked = schema::read_revocations(&inner.room.doc().transact());
        revoked.into_iter().map(|r| r.token).collect()
    }

    /// Closes the connections whose token the event's document now says is revoked.
    fn close_revoked(&self, event: recolte_core::ids::EventId) {
        let revoked = self.revoked(event);
        if revoked.is_empty() {
            return;
        }
        let mut live = lock(&self.live);
        for peer in live.values_mut().filter(|p| p.event == event && revoked.contains(&p.token_id)) {
            if let Some(kick) = peer.kick.take() {
                let _ = kick.send((close::REVOKED, REVOKED_REASON.into()));
            }
        }
    }

    fn metrics(&self) -> MetricsSnapshot {
        let m = &self.metrics;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        MetricsSnapshot {
            rooms: lock(&self.rooms).len(),
            clients: get(&m.clients),
            connections_total: get(&m.connections_total),
            refused: get(&m.refused),
            malformed: get(&m.malformed),
            bytes_in: get(&m.bytes_in),
            bytes_out: get(&m.bytes_out),
            updates_saved: get(&m.updates_saved),
            frames_delivered: get(&m.frames_delivered),
            dropped_read_only: get(&m.dropped_read_only),
            slow_disconnects: get(&m.slow_disconnects),
        }
    }
}

/// A hub that is listening.
#[derive(Debug)]
pub struct RunningHub {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    writer: Option<std::thread::JoinHandle<()>>,
    shared: Arc<SharedHandle>,
}

/// Keeps `Shared` out of the public API.
/// Raises the soft open-files limit to the hard one (each connection is a file) and says how
/// many connections that allows.
fn raise_open_files_limit() -> u64 {
    // The journal, its WAL, the store, the listener and the runtime keep some files open.
    const KEPT: u64 = 64;
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let capacity = limit.saturating_sub(KEPT);
    tracing::info!("open-files limit {limit}: room for about {capacity} connections");
    capacity
}

/// `GET /health`: `ok`, or `degraded` with the rooms whose journal has unreadable entries.
async fn health(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let unreadable = lock(&shared.unreadable).clone();
    let status = if unreadable.is_empty() { "ok" } else { "degraded" };
    Json(serde_json::json!({
        "status": status,
        "unreadable_journal_entries": unreadable,
        "max_connections": shared.capacity,
    }))
}

struct SharedHandle(Option<Arc<Shared>>);

impl std::fmt::Debug for SharedHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hub")
    }
}

impl RunningHub {
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.0.as_ref().map(|s| s.metrics()).unwrap_or_else(|| unreachable!("metrics of a stopped hub"))
    }

    /// Closes every connection ("going away"), stops listening, lets the writer save what
    /// it holds, and flushes the journal.
    pub async fn stop(mut self) -> Result<(), HubError> {
        let _ = self.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(5), &mut self.server).await;
        let shared = Arc::get_mut(&mut self.shared).and_then(|handle| handle.0.take());
        if let Some(shared) = shared {
            // Connections still alive hold the writer's sender: wait for them a little.
            let dir = shared.config.data_dir.clone();
            let alone = Arc::try_unwrap(shared).is_ok();
            if let Some(writer) = self.writer.take() {
                if alone {
                    let _ = tokio::task::spawn_blocking(move || writer.join()).await;
                }
            }
            Journal::open(&dir)?.checkpoint()?;
        }
        Ok(())
    }
}

/// The writer thread: every update waiting when a commit starts goes into that commit, so
/// that under load a commit carries many updates, and an idle hub commits each at once.
fn writer_thread(
    mut backend: Backend,
    requests: std::sync::mpsc::Receiver<WriterRequest>,
    slow_disk: Option<Duration>,
) {
    while let Ok(first) = requests.recv() {
        if let Some(delay) = slow_disk {
            std::thread::sleep(delay);
        }
        let (mut batch, mut flushes) = (Vec::new(), Vec::new());
        let mut next = Some(first);
        while let Some(request) = next.take() {
            match request {
                WriterRequest::Save(persist) => batch.push(persist),
                WriterRequest::Flush(done) => flushes.push(done),
            }
            if batch.len() >= 1024 {
                break;
            }
            next = requests.try_recv().ok();
        }
        if !batch.is_empty() {
            let result = backend.append_batch(&batch).map_err(|e| e.to_string());
            for request in batch {
                let _ = request.done.send(result.clone());
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Serving a store: brings what other programs save into it (the app, the command line, a
/// bundle imported) to the rooms in memory and their connections, and trusts the events that
/// appear in it. The hub's own saves come back too, and change nothing.
fn store_watcher(shared: Arc<Shared>, store: Store, mut stop: watch::Receiver<bool>) {
    let mut last = store.last_log_seq().unwrap_or(0);
    while !*stop.borrow_and_update() {
        std::thread::sleep(Duration::from_millis(200));
        let rows = match store.log_after(last, 512) {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!("cannot read the store's log: {error}");
                continue;
            }
        };
        for (seq, name, data) in rows {
            last = seq;
            let Some(entry) = lock(&shared.rooms).get(&name).cloned() else { continue };
            let changed = {
                let mut inner = lock(&entry.inner);
                match inner.room.absorb(&data) {
                    Ok(Some(frame)) => {
                        broadcast(&shared, &mut inner, 0, Bytes::from(frame));
                        true
                    }
                    Ok(None) => false,
                    Err(error) => {
                        tracing::warn!("{name}: an update saved in the store cannot be applied: {error}");
                        false
                    }
                }
            };
            if let (true, DocName::Event(event)) = (changed, &name) {
                shared.close_revoked(*event);
            }
        }
        if let Ok(keys) = store.event_public_keys() {
            let keys: Vec<token::PublicKey> = keys.iter().filter_map(|k| token::parse_public_key(k).ok()).collect();
            let mut trusted = lock(&shared.trusted);
            for key in keys {
                if !trusted.contains(&key) {
                    trusted.push(key);
                }
            }
        }
    }
}

/// Checkpoints the journal now and then from its own connection, off the writer's path.
fn checkpoint_thread(journal: Journal, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow_and_update() {
        let _ = journal.checkpoint_passive();
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Binds the listening socket and starts serving. Returns once the hub accepts connections.
pub async fn start(config: HubConfig) -> Result<RunningHub, HubError> {
    let mut keys = config.trusted_keys.clone();
    if config.serve_store {
        keys.extend(Store::open(&config.data_dir)?.event_public_keys()?);
    }
    let mut trusted = Vec::new();
    for key in &keys {
        let key = token::parse_public_key(key).map_err(HubError::Key)?;
        if !trusted.contains(&key) {
            trusted.push(key);
        }
    }
    if trusted.is_empty() {
        return Err(HubError::NoTrustedKey);
    }
    let backend = Backend::open(&config)?;
    let writer_backend = Backend::open(&config)?;
    if let Backend::Journal(journal) = &writer_backend {
        journal.disable_auto_checkpoint()?;
    }
    let checkpointer = Journal::open(&config.data_dir)?;
    let (writer, requests) = std::sync::mpsc::channel();
    let writer_handle = std::thread::Builder::new()
        .name("hub-writer".into())
        .spawn({
            let slow_disk = config.slow_disk;
            move || writer_thread(writer_backend, requests, slow_disk)
        })
        .map_err(|source| HubError::Listen { addr: config.listen, source })?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| HubError::Listen { addr: config.listen, source })?;
    let addr = listener.local_addr().map_err(|source| HubError::Listen { addr: config.listen, source })?;
    let (stop, shutdown) = watch::channel(false);
    let checkpoint_stop = shutdown.clone();
    std::thread::Builder::new()
        .name("hub-checkpoint".into())
        .spawn(move || checkpoint_thread(checkpointer, checkpoint_stop))
        .map_err(|source| HubError::Listen { addr: config.listen, source })?;
    let shared = Arc::new(Shared {
        backend: Mutex::new(backend),
        writer,
        rooms: Mutex::new(HashMap::new()),
        trusted: Mutex::new(trusted),
        config,
        metrics: Metrics::default(),
        next_peer: AtomicU64::new(1),
        shutdown: shutdown.clone(),
        live: Mutex::new(HashMap::new()),
        seen: Mutex::new(HashMap::new()),
        reports: Mutex::new(HashMap::new()),
        unreadable: Mutex::new(BTreeMap::new()),
        capacity: raise_open_files_limit(),
    });
    if shared.config.serve_store {
        let (watched, watcher_stop) = (shared.clone(), shutdown.clone());
        let store = Store::open(&shared.config.data_dir)?;
        std::thread::Builder::new()
            .name("hub-store-watcher".into())
            .spawn(move || store_watcher(watched, store, watcher_stop))
            .map_err(|source| HubError::Listen { addr: shared.config.listen, source })?;
    }
    let app = Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/arrivals/{event}", get(arrivals_upgrade))
        .route("/{*room}", get(upgrade))
        .with_state(shared.clone());
    let mut until = shutdown;
    // Keystrokes are tiny frames: Nagle's algorithm would hold them back for the peer's
    // delayed acknowledgement (40 ms).
    let tls = match &shared.config.tls {
        Some(identity) => Some(identity.server_config().map_err(HubError::Tls)?),
        None => None,
    };
    let server = tokio::spawn(async move {
        let stopped = async move {
            let _ = until.wait_for(|stop| *stop).await;
        };
        let served = match tls {
            Some(config) => {
                let listener = crate::tls::TlsListener::new(listener, config);
                axum::serve(listener, app).with_graceful_shutdown(stopped).await
            }
            None => {
                let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
                    let _ = tcp.set_nodelay(true);
                });
                axum::serve(listener, app).with_graceful_shutdown(stopped).await
            }
        };
        if let Err(error) = served {
            tracing::error!("hub stopped: {error}");
        }
    });
    tracing::info!("hub listening on {addr}");
    Ok(RunningHub { addr, stop, server, writer: Some(writer_handle), shared: Arc::new(SharedHandle(Some(shared))) })
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Json<MetricsSnapshot> {
    Json(shared.metrics())
}

async fn upgrade(
    ws: WebSocketUpgrade,
    Path(room): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    let limit = shared.config.max_message_bytes;
    let token = query.get("token").cloned();
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| connection(socket, shared, room, token))
        .into_response()
}

async fn arrivals_upgrade(
    ws: WebSocketUpgrade,
    Path(event): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    let token = query.get("token").cloned();
    ws.on_upgrade(move |socket| arrivals_connection(socket, shared, event, token)).into_response()
}

/// Sends the arrivals board to an organiser, as one JSON text message, then closes.
async fn arrivals_connection(mut socket: WebSocket, shared: Arc<Shared>, event: String, token: Option<String>) {
    let room = format!("{}/event", event.chars().take(40).collect::<String>());
    let admitted = authorize(&shared, &room, token.as_deref()).and_then(|admission| {
        if admission.role == recolte_core::access::Role::Organiser {
            Ok(admission)
        } else {
            Err(Refusal {
                code: close::FORBIDDEN,
                reason: format!("the arrivals board is for organisers, not a {} token", admission.role),
            })
        }
    });
    let Admission { name, .. } = match admitted {
        Ok(admission) => admission,
        Err(refusal) => {
            shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
            send_close(&mut socket, refusal.code, &refusal.reason).await;
            return;
        }
    };
    let computed = tokio::task::spawn_blocking({
        let shared = shared.clone();
        move || arrivals_board(&shared, name.event())
    })
    .await;
    match computed {
        Ok(Some(board)) => {
            let text = serde_json::to_string(&board).unwrap_or_default();
            let _ = socket.send(Message::Text(text.into())).await;
            send_close(&mut socket, 1000, "done").await;
        }
        _ => send_close(&mut socket, close::UNKNOWN_ROOM, "this hub does not hold the event's programme").await,
    }
}

fn arrivals_board(shared: &Shared, event: recolte_core::ids::EventId) -> Option<crate::arrivals::ArrivalsBoard> {
    use crate::arrivals::{ArrivalDevice, DeviceReport};
    let record = shared.event_record(event)?;
    let seen: HashMap<DocName, Vec<ArrivalDevice>> = lock(&shared.seen)
        .iter()
        .filter(|(room, _)| room.event() == event)
        .map(|(room, names)| {
            let mut devices: Vec<ArrivalDevice> = names
                .iter()
                .map(|(name, seen)| ArrivalDevice {
                    name: name.clone(),
                    connected: seen.connected > 0,
                    last_seen: if seen.connected > 0 { None } else { seen.last_seen.clone() },
                })
                .collect();
            devices.sort_by(|a, b| (!a.connected, &a.name).cmp(&(!b.connected, &b.name)));
            (room.clone(), devices)
        })
        .collect();
    let mut devices: Vec<DeviceReport> = lock(&shared.reports)
        .iter()
        .filter(|(_, report)| report.event == event)
        .map(|(device, report)| DeviceReport {
            device: device.clone(),
            name: report.name.clone(),
            role: Some(report.role.as_str().to_owned()),
            unsent: Some(report.unsent.values().sum()),
            reported_at: Some(report.at.clone()),
        })
        .collect();
    devices.sort_by(|a, b| (&a.name, &a.device).cmp(&(&b.name, &b.device)));
    let read = |name: &DocName| {
        let loaded = lock(&shared.rooms).get(name).cloned();
        let doc = match loaded {
            Some(entry) => Some(lock(&entry.inner).room.doc().clone()),
            None => shared.load_doc(name).ok(),
        };
        (doc, lock(&shared.backend).last_saved(name).ok().flatten())
    };
    Some(crate::arrivals::board(&record, read, &seen, devices, jiff::Timestamp::now()))
}

/// Why a connection is not admitted.
struct Refusal {
    code: u16,
    reason: String,
}

const REVOKED_REASON: &str = "revoked: the organisers revoked this invitation";

/// Who a connection is, once admitted.
struct Admission {
    name: DocName,
    access: Access,
    token_id: String,
    role: recolte_core::access::Role,
}

fn authorize(shared: &Shared, room: &str, token: Option<&str>) -> Result<Admission, Refusal> {
    let name: DocName = room
        .trim_start_matches('/')
        .parse()
        .map_err(|_| Refusal { code: close::UNKNOWN_ROOM, reason: format!("unknown room {:?}", truncate(room, 80)) })?;
    let token = token.filter(|t| !t.is_empty()).ok_or_else(|| Refusal {
        code: close::UNAUTHORIZED,
        reason: "missing token: add ?token=… to the address".into(),
    })?;
    let trusted = lock(&shared.trusted).clone();
    let grant = token::verify(token, &trusted).map_err(|e| Refusal {
        code: match e {
            TokenError::Expired(_) => close::EXPIRED,
            TokenError::Untrusted => close::BAD_SIGNATURE,
            _ => close::UNAUTHORIZED,
        },
        reason: e.to_string(),
    })?;
    // Before any room is touched: a token never opens another event's rooms (and cannot make
    // the hub load rooms of events it names at random).
    if grant.scope.event != name.event() {
        return Err(Refusal {
            code: close::WRONG_EVENT,
            reason: format!("a {} token of another event does not give access to {name}", grant.scope.role),
        });
    }
    let event = shared.event_record(name.event());
    // A token must be signed by its own event's key: a key trusted for one event does not
    // open another event's rooms.
    if let Some(key) = event.as_ref().and_then(|e| e.public_key.as_deref()) {
        let own =
            token::parse_public_key(key).map_err(|e| Refusal { code: close::BAD_SIGNATURE, reason: e.to_string() })?;
        token::verify(token, &[own]).map_err(|_| Refusal {
            code: close::BAD_SIGNATURE,
            reason: "the token is not signed by this event's key".into(),
        })?;
    }
    if shared.revoked(name.event()).contains(&grant.id) {
        return Err(Refusal { code: close::REVOKED, reason: REVOKED_REASON.into() });
    }
    match grant.scope.access(&name, event.as_ref()) {
        Access::None => Err(Refusal {
            code: close::FORBIDDEN,
            reason: format!("a {} token does not give access to {name}", grant.scope.role),
        }),
        access => Ok(Admission { name, access, token_id: grant.id, role: grant.scope.role }),
    }
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

async fn send_close(socket: &mut (impl SinkExt<Message> + Unpin), code: u16, reason: &str) {
    // Close reasons are limited to 123 bytes by the protocol.
    let mut reason = reason.to_owned();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

async fn connection(mut socket: WebSocket, shared: Arc<Shared>, room: String, token: Option<String>) {
    shared.metrics.connections_total.fetch_add(1, Ordering::Relaxed);
    if shared.metrics.clients.load(Ordering::Relaxed) >= shared.config.max_clients {
        shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
        send_close(&mut socket, close::HUB_FULL, "the hub is full: try again in a moment").await;
        return;
    }
    let Admission { name, access, token_id, role } = match authorize(&shared, &room, token.as_deref()) {
        Ok(admitted) => admitted,
        Err(refusal) => {
            shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
            tracing::warn!("refused a connection to {:?}: {}", truncate(&room, 80), refusal.reason);
            send_close(&mut socket, refusal.code, &refusal.reason).await;
            return;
        }
    };
    let entry = match shared.room(&name) {
        Ok(entry) => entry,
        Err(error) => {
            tracing::error!("cannot load room {name}: {error}");
            send_close(&mut socket, close::INTERNAL, "the hub cannot read this room").await;
            return;
        }
    };
    shared.metrics.clients.fetch_add(1, Ordering::Relaxed);
    let peer = shared.next_peer.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = mpsc::channel(shared.config.queue_frames);
    let greeting = {
        let mut inner = lock(&entry.inner);
        inner.peers.insert(peer, tx);
        inner.room.greeting()
    };
    let (kick, kicked) = tokio::sync::oneshot::channel();
    let live = LivePeer { event: name.event(), room: name.clone(), role, label: None, token_id, kick: Some(kick) };
    lock(&shared.live).insert(peer, live);
    let mut presence = Presence::default();
    let peer_io = PeerIo { peer, greeting, rx, kicked };
    serve_peer(&mut socket, &shared, &entry, access, peer_io, &mut presence).await;
    if let Some(LivePeer { room, label: Some(label), .. }) = lock(&shared.live).remove(&peer) {
        let mut seen = lock(&shared.seen);
        let entry = seen.entry(room).or_default().entry(label).or_default();
        entry.connected = entry.connected.saturating_sub(1);
        entry.last_seen = Some(schema::now());
    }

    let remove_room = {
        let mut inner = lock(&entry.inner);
        inner.peers.remove(&peer);
        if let Some(frame) = inner.room.leave(presence) {
            broadcast(&shared, &mut inner, peer, Bytes::from(frame));
        }
        inner.peers.is_empty() && name.kind() != schema::DocKind::Event
    };
    if remove_room {
        // Rooms nobody uses leave memory; their journal keeps them.
        let mut rooms = lock(&shared.rooms);
        if rooms.get(&name).is_some_and(|e| Arc::ptr_eq(e, &entry) && lock(&e.inner).peers.is_empty()) {
            rooms.remove(&name);
        }
    }
    shared.metrics.clients.fetch_sub(1, Ordering::Relaxed);
}

/// A connection's channels: what the room sends it, and a word from outside to close it.
struct PeerIo {
    peer: u64,
    greeting: Vec<Vec<u8>>,
    rx: mpsc::Receiver<Bytes>,
    kicked: tokio::sync::oneshot::Receiver<(u16, String)>,
}

async fn serve_peer(
    socket: &mut WebSocket,
    shared: &Shared,
    entry: &RoomEntry,
    access: Access,
    io: PeerIo,
    presence: &mut Presence,
) {
    let PeerIo { peer, greeting, mut rx, mut kicked } = io;
    for frame in greeting {
        shared.metrics.bytes_out.fetch_add(frame.len() as u64, Ordering::Relaxed);
        if socket.send(Message::Binary(frame.into())).await.is_err() {
            return;
        }
    }
    let mut shutdown = shared.shutdown.clone();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let frame = match incoming {
                    Some(Ok(Message::Binary(frame))) => frame,
                    Some(Ok(Message::Text(_))) => {
                        shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
                        send_close(socket, close::MALFORMED, "text frames are not part of the y-websocket protocol").await;
                        return;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Err(error)) => {
                        let text = error.to_string();
                        if text.contains("too long") || text.contains("Space limit") || text.contains("size") {
                            shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
                            send_close(socket, close::TOO_BIG, "message too big").await;
                        }
                        return;
                    }
                };
                shared.metrics.bytes_in.fetch_add(frame.len() as u64, Ordering::Relaxed);
                if frame.first() == Some(&1) {
                    note_presence(shared, peer, &frame);
                }
                let outcome = match handle_frame(shared, entry, access, &frame, presence) {
                    Ok(outcome) => outcome,
                    Err((code, reason)) => {
                        tracing::warn!("closing a connection to {}: {reason}", entry.name);
                        send_close(socket, code, &reason).await;
                        return;
                    }
                };
                // Saved before anything is sent about it: what this connection is told
                // afterwards (an answer to its next step 1) implies it is durable.
                if let Err((code, reason)) = persist(shared, entry, outcome.persist).await {
                    send_close(socket, code, &reason).await;
                    return;
                }
                if !outcome.broadcast.is_empty() {
                    {
                        let mut inner = lock(&entry.inner);
                        for frame in outcome.broadcast {
                            broadcast(shared, &mut inner, peer, frame);
                        }
                    }
                    // The programme changed: it may revoke tokens in use.
                    if let DocName::Event(event) = entry.name {
                        shared.close_revoked(event);
                    }
                }
                for reply in outcome.replies {
                    shared.metrics.bytes_out.fetch_add(reply.len() as u64, Ordering::Relaxed);
                    if socket.send(Message::Binary(reply.into())).await.is_err() {
                        return;
                    }
                }
            }
            outgoing = rx.recv() => match outgoing {
                Some(frame) => {
                    // Everything already queued goes out in one write.
                    let mut frames = vec![frame];
                    while frames.len() < 64 {
                        match rx.try_recv() {
                            Ok(frame) => frames.push(frame),
                            Err(_) => break,
                        }
                    }
                    for frame in frames {
                        shared.metrics.bytes_out.fetch_add(frame.len() as u64, Ordering::Relaxed);
                        if socket.feed(Message::Binary(frame)).await.is_err() {
                            return;
                        }
                    }
                    if socket.flush().await.is_err() {
                        return;
                    }
                }
                None => {
                    // Dropped from the room because its queue was full.
                    send_close(socket, close::TRY_AGAIN, "too slow to keep up: reconnect to resync").await;
                    return;
                }
            },
            () = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
                send_close(socket, close::GOING_AWAY, "the hub is stopping").await;
                return;
            }
            Ok((code, reason)) = &mut kicked => {
                tracing::info!("closing a connection to {}: {reason}", entry.name);
                send_close(socket, code, &reason).await;
                return;
            }
        }
    }
}

/// Reads what a device says of itself in its presence (`{"user": {"name"}, "device": {"id",
/// "unsent"}}`, the first part as any Yjs client writes it), for the arrivals board.
fn note_presence(shared: &Shared, peer: u64, frame: &[u8]) {
    let Ok(yrs::sync::Message::Awareness(update)) = crate::protocol::decode(frame) else { return };
    for entry in update.clients.values() {
        let Ok(state) = serde_json::from_str::<serde_json::Value>(&entry.json) else { continue };
        let name = state["user"]["name"].as_str().map(|n| n.chars().take(120).collect::<String>());
        let mut live = lock(&shared.live);
        let Some(me) = live.get_mut(&peer) else { return };
        if let (Some(name), None) = (&name, &me.label) {
            me.label = Some(name.clone());
            let mut seen = lock(&shared.seen);
            let entry = seen.entry(me.room.clone()).or_default().entry(name.clone()).or_default();
            entry.connected += 1;
        }
        let Some(device) = state["device"]["id"].as_str().map(|d| d.chars().take(64).collect::<String>()) else {
            continue;
        };
        let unsent = state["device"]["unsent"].as_u64().unwrap_or(0) as usize;
        let mut reports = lock(&shared.reports);
        // Bounded: a misbehaving client cannot grow the hub's memory without end.
        if reports.len() >= 10_000 && !reports.contains_key(&device) {
            continue;
        }
        let report = reports.entry(device).or_insert_with(|| Report {
            event: me.event,
            name: String::new(),
            role: me.role,
            unsent: HashMap::new(),
            at: String::new(),
        });
        if let Some(name) = name {
            report.name = name;
        }
        report.unsent.insert(me.room.clone(), unsent);
        report.at = schema::now();
    }
}

/// What a frame asks of the connection task once the room's lock is released.
#[derive(Default)]
struct Outcome {
    replies: Vec<Vec<u8>>,
    persist: Vec<Vec<u8>>,
    broadcast: Vec<Bytes>,
}

/// Applies one frame under the room's lock. Returns what to save, send back and broadcast,
/// or the close code and reason if the frame is refused.
fn handle_frame(
    shared: &Shared,
    entry: &RoomEntry,
    access: Access,
    frame: &[u8],
    presence: &mut Presence,
) -> Result<Outcome, (u16, String)> {
    let mut inner = lock(&entry.inner);
    let effects = match inner.room.receive(access, frame, presence) {
        Ok(effects) => effects,
        Err(error) => {
            shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
            if matches!(error, ProtocolError::InvalidUpdate(_)) {
                // The update may have been half applied: reload the room from its journal.
                shared.reload(&entry.name, &mut inner);
            }
            return Err((close::MALFORMED, error.to_string()));
        }
    };
    let mut outcome = Outcome::default();
    for effect in effects {
        match effect {
            Effect::Persist(update) => outcome.persist.push(update),
            Effect::Reply(frame) => outcome.replies.push(frame),
            Effect::Broadcast(frame) => outcome.broadcast.push(Bytes::from(frame)),
            Effect::Dropped { bytes } => {
                shared.metrics.dropped_read_only.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("dropped {bytes} bytes of changes to {} from a read-only connection", entry.name);
            }
        }
    }
    Ok(outcome)
}

/// Saves updates through the writer thread and waits until they are durable.
async fn persist(shared: &Shared, entry: &RoomEntry, updates: Vec<Vec<u8>>) -> Result<(), (u16, String)> {
    for update in updates {
        let (done, saved) = tokio::sync::oneshot::channel();
        let request = Persist { name: entry.name.clone(), update, done };
        let result = match shared.writer.send(WriterRequest::Save(request)) {
            Ok(()) => saved.await.unwrap_or_else(|_| Err("the writer stopped".into())),
            Err(_) => Err("the writer stopped".into()),
        };
        if let Err(error) = result {
            tracing::error!("cannot save an update of {}: {error}", entry.name);
            // Not saved, so not kept: the room goes back to what the journal holds, with every
            // other update saved in the meantime.
            shared.reload(&entry.name, &mut lock(&entry.inner));
            return Err((close::INTERNAL, "the hub could not save this update; retry later".into()));
        }
        shared.metrics.updates_saved.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

fn broadcast(shared: &Shared, inner: &mut RoomInner, from: u64, frame: Bytes) {
    let mut too_slow = Vec::new();
    for (id, tx) in &inner.peers {
        if *id == from {
            continue;
        }
        match tx.try_send(frame.clone()) {
            Ok(()) => {
                shared.metrics.frames_delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
    for id in too_slow {
        // Dropping its sender ends its queue: it closes with "try again" and resyncs later.
        inner.peers.remove(&id);
        shared.metrics.slow_disconnects.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod localized {
    use recolte_core::{Lang, Localize};

    use super::HubError;

    #[test]
    fn hub_errors_say_what_to_do_in_french_and_english() {
        let taken = HubError::Listen {
            addr: "0.0.0.0:4455".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        assert!(taken.localize(Lang::Fr).starts_with("impossible d'écouter sur 0.0.0.0:4455 : "));
        assert!(taken.localize(Lang::Fr).contains("un autre Récolte sert-il déjà ?"));
        assert_eq!(taken.localize(Lang::En), taken.to_string());
        let nothing = HubError::NoTrustedKey;
        assert!(nothing.localize(Lang::Fr).contains("--trust") && nothing.localize(Lang::En).contains("--trust"));
        assert_ne!(nothing.localize(Lang::Fr), nothing.localize(Lang::En));
    }
}
