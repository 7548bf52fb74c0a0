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

use axum::routing::get;
use axum::Router;
use recolte_core::schema::{self, DocName, EventRecord};
use recolte_core::token::{self, TokenError};
use recolte_core::Lang;
use recolte_store::{Journal, Store};
use tokio::sync::watch;
use yrs::Transact;

mod admission;
mod arrivals;
mod connection;
mod health;
mod journal;
mod memory;
mod rooms;

use rooms::{RoomEntry, RoomInner};

use admission::revoked_reason;
use arrivals::arrivals_upgrade;
use connection::upgrade;
pub use health::MetricsSnapshot;
use health::{health, metrics, raise_open_files_limit, Metrics};
use journal::{checkpoint_thread, store_watcher, writer_thread, Backend, WriterRequest};

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
    /// Fault injection for tests: a connection waits this long between taking a device's
    /// update into its room and waiting for the update's save (a runtime thread that is busy
    /// elsewhere): a reload of the room meanwhile must not forget it.
    pub slow_connection: Option<Duration>,
    /// A device that sends nothing for this long, not even the answer to the hub's pings, is
    /// let go: it vanished without closing. Only whole messages count, so it is long: a device
    /// sending megabytes on a slow Wi-Fi must not be cut off midway, again and again.
    pub silence_limit: Duration,
    /// The language of the hub's log. What a refused device is told stays English: it is the
    /// protocol's close reason, and devices say it in their own language from its code.
    pub lang: Lang,
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
            slow_connection: None,
            silence_limit: Duration::from_secs(600),
            lang: Lang::Fr,
        }
    }

    /// A hub that serves the store in `store_dir`, trusting the events it holds.
    pub fn serving_store(listen: SocketAddr, store_dir: PathBuf) -> HubConfig {
        HubConfig { serve_store: true, ..HubConfig::new(listen, store_dir, Vec::new()) }
    }
}

/// A line of the hub's log in the hub's language: the person running it reads it.
macro_rules! hub_log {
    ($level:ident, $lang:expr, $fr:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            recolte_core::Lang::Fr => tracing::$level!($fr $(, $arg)*),
            recolte_core::Lang::En => tracing::$level!($en $(, $arg)*),
        }
    };
}
pub(crate) use hub_log;

#[derive(Debug, thiserror::Error, recolte_core::Localize)]
pub enum HubError {
    #[error("no event to serve: this device holds the key of no event (only the device that created the event, or imported its programme, serves it); on the command line, give the event's public key with --trust (recolte event show --json prints it)")]
    #[fr("aucun événement à servir : cet appareil ne détient la clé d'aucun événement (seul l'appareil qui a créé l'événement, ou importé son programme, le sert) ; en ligne de commande, donnez la clé publique de l'événement avec --trust (recolte event show --json l'affiche)")]
    NoTrustedKey,
    #[error("this device cannot serve the room: it syncs with a {} invitation for part of the event, so what other devices sent here would go no further than this computer; the room's hub runs on the organisers' laptop (or a device with no invitation)", role.label(Lang::En))]
    #[fr("cet appareil ne peut pas servir la salle : il se synchronise avec une invitation « {} » pour une partie de l'événement, et ce que les autres appareils enverraient ici n'irait pas plus loin que cet ordinateur ; le serveur de la salle tourne sur l'ordinateur de l'organisation (ou un appareil sans invitation)", role.label(Lang::Fr))]
    ServesOnlyPart { role: recolte_core::access::Role },
    #[error(transparent)]
    Key(TokenError),
    #[error("cannot listen on {addr}: {}{}", recolte_core::lang::io_en(source), listen_hint(source, Lang::En))]
    #[fr("impossible d'écouter sur {addr} : {}{}", recolte_core::lang::io_fr(source), listen_hint(source, Lang::Fr))]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
    #[error(transparent)]
    Tls(crate::tls::TlsError),
    #[error("the hub cannot serve this store: {}, so nothing devices send could be saved; free some space (or give a data folder that can be written), then start it again", .0.en())]
    #[fr("le serveur ne peut pas servir ce stockage : {} ; rien de ce qu'envoient les appareils ne pourrait y être enregistré : libérez de la place (ou donnez un dossier de données où l'on peut écrire), puis relancez-le", _0.fr())]
    CannotSave(recolte_store::Unwritable),
}

/// What to do when the hub cannot listen, for the two causes people meet.
fn listen_hint(error: &std::io::Error, lang: Lang) -> &'static str {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => lang.pick(
            " (un autre Récolte sert-il déjà sur ce port ?)",
            " (is another Récolte already serving on this port?)",
        ),
        std::io::ErrorKind::AddrNotAvailable => lang.pick(
            " (écoutez sur 0.0.0.0:PORT pour servir sur toutes les adresses de cet appareil)",
            " (listen on 0.0.0.0:PORT to serve on every address of this device)",
        ),
        _ => "",
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
    /// The board changed since it was last written (see `memory`).
    arrivals_changed: std::sync::atomic::AtomicBool,
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
    /// Its changes outside the documents it syncs (out of its rights, kept for a former card).
    outside: Option<usize>,
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
    kick: Option<tokio::sync::oneshot::Sender<(u16, recolte_core::Both)>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a room's lock must not take the whole hub down with it.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// The store or journal the hub reads. After a panic while it was held, the store's cached
    /// documents are dropped (read again from its log), as the app's and the CLI's are.
    fn backend(&self) -> std::sync::MutexGuard<'_, Backend> {
        self.backend.lock().unwrap_or_else(|poisoned| {
            let mut backend = poisoned.into_inner();
            backend.forget_cached();
            self.backend.clear_poison();
            backend
        })
    }

    /// The event's record as the hub's copy says (none until an organiser pushed it); an error when that copy cannot be loaded
    /// (never "no event": its key and revocations would then go unchecked).
    fn event_record(&self, event: recolte_core::ids::EventId) -> Result<Option<EventRecord>, recolte_store::Error> {
        let entry = self.room(&DocName::Event(event))?;
        let inner = self.room_lock(&entry);
        let record = schema::read_event(&inner.room.doc().transact());
        Ok(record.filter(|r| r.id == event))
    }

    /// The token ids an event's organisers revoked, as the hub's copy of the event says.
    fn revoked(&self, event: recolte_core::ids::EventId) -> Result<Vec<String>, recolte_store::Error> {
        let entry = self.room(&DocName::Event(event))?;
        let inner = self.room_lock(&entry);
        let revoked = schema::read_revocations(&inner.room.doc().transact());
        Ok(revoked.into_iter().map(|r| r.token).collect())
    }

    /// Closes the connections whose token the event's document now says is revoked.
    fn close_revoked(&self, event: recolte_core::ids::EventId) {
        // Called once the event's room changed: it is loaded, so this reads from memory.
        let revoked = self.revoked(event).unwrap_or_default();
        if revoked.is_empty() {
            return;
        }
        let mut live = lock(&self.live);
        for peer in live.values_mut().filter(|p| p.event == event && revoked.contains(&p.token_id)) {
            if let Some(kick) = peer.kick.take() {
                let _ = kick.send((close::REVOKED, revoked_reason()));
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
            save_failures: get(&m.save_failures),
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
    /// Writes the arrivals board; joined at the stop, after its last write.
    memory: Option<std::thread::JoinHandle<()>>,
    shared: Arc<SharedHandle>,
}

/// Keeps `Shared` out of the public API.
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
        if let Some(memory) = self.memory.take() {
            let _ = tokio::task::spawn_blocking(move || memory.join()).await;
        }
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

/// Binds the listening socket and starts serving. Returns once the hub accepts connections.
pub async fn start(config: HubConfig) -> Result<RunningHub, HubError> {
    let mut keys = config.trusted_keys.clone();
    if config.serve_store {
        let store = Store::open(&config.data_dir)?;
        if let Some(role) = crate::remembered::serves_only_part(&store)? {
            return Err(HubError::ServesOnlyPart { role });
        }
        keys.extend(store.event_public_keys()?);
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
    // The arrivals board is written through a connection of its own (see `memory`), and a
    // store served is watched through another: both opened before any thread starts.
    let memory_backend = Backend::open(&config)?;
    let watched_store = if config.serve_store { Some(Store::open(&config.data_dir)?) } else { None };
    // A hub that cannot save would take updates and lose them: it does not start.
    if let Some(why) = backend.unwritable() {
        return Err(HubError::CannotSave(why));
    }
    // Everything that can fail before any thread starts: a hub that does not start leaves none
    // behind (pressing « Servir » again after a damaged certificate added threads each time).
    let tls = match &config.tls {
        Some(identity) => Some(identity.server_config().map_err(HubError::Tls)?),
        None => None,
    };
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
    let capacity = raise_open_files_limit(config.lang);
    let (seen, reports) = memory::recall(&backend, config.lang);
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
        seen: Mutex::new(seen),
        reports: Mutex::new(reports),
        arrivals_changed: std::sync::atomic::AtomicBool::new(false),
        unreadable: Mutex::new(BTreeMap::new()),
        capacity,
    });
    let (remembering, remember_stop) = (shared.clone(), shutdown.clone());
    let memory_thread = std::thread::Builder::new()
        .name("hub-arrivals".into())
        .spawn(move || memory::keep(remembering, memory_backend, remember_stop))
        .map_err(|source| HubError::Listen { addr: shared.config.listen, source })?;
    if let Some(store) = watched_store {
        let (watched, watcher_stop) = (shared.clone(), shutdown.clone());
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
    let lang = shared.config.lang;
    let server = tokio::spawn(async move {
        let stopped = async move {
            let _ = until.wait_for(|stop| *stop).await;
        };
        let served = match tls {
            Some(config) => {
                let listener = crate::tls::TlsListener::new(listener, config, lang);
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
            hub_log!(error, lang, "le serveur s'est arrêté : {}", "hub stopped: {}", error);
        }
    });
    hub_log!(info, lang, "serveur à l'écoute sur {}", "hub listening on {}", addr);
    Ok(RunningHub {
        addr,
        stop,
        server,
        writer: Some(writer_handle),
        memory: Some(memory_thread),
        shared: Arc::new(SharedHandle(Some(shared))),
    })
}

#[cfg(test)]
mod localized {
    use recolte_core::{Lang, Localize as _};

    use super::HubError;

    #[test]
    fn hub_errors_say_what_to_do_in_french_and_english() {
        let taken = HubError::Listen {
            addr: "0.0.0.0:4455".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        };
        assert_eq!(
            taken.localize(Lang::Fr),
            "impossible d'écouter sur 0.0.0.0:4455 : adresse déjà utilisée (un autre Récolte sert-il déjà sur ce port ?)"
        );
        assert_eq!(taken.localize(Lang::En), taken.to_string());
        // An address of another machine is not a port already taken.
        let elsewhere = HubError::Listen {
            addr: "10.255.255.1:4455".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrNotAvailable),
        };
        assert!(elsewhere
            .localize(Lang::Fr)
            .ends_with("(écoutez sur 0.0.0.0:PORT pour servir sur toutes les adresses de cet appareil)"));
        assert!(!elsewhere.localize(Lang::En).contains("another Récolte"));
        let nothing = HubError::NoTrustedKey;
        assert!(nothing.localize(Lang::Fr).contains("--trust") && nothing.localize(Lang::En).contains("--trust"));
        assert_ne!(nothing.localize(Lang::Fr), nothing.localize(Lang::En));
    }
}
