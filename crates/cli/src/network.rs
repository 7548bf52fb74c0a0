//! The commands that use the network: the hub, sync and join. They start a Tokio runtime and
//! hand over to `recolte-sync`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use recolte_core::{Lang, Localize};
use recolte_store::Store;
use recolte_sync::client::{self, StatusBoard, SyncError, SyncState, Target};
use recolte_sync::hub::{self, HubConfig};

use crate::output::Out;
use crate::CliError;

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| CliError::Usage {
        fr: format!("impossible de démarrer le moteur réseau : {e}"),
        en: format!("cannot start the network engine: {e}"),
    })
}

/// Logs on stderr at `default` (`RECOLTE_LOG` overrides it): the hub's own lines are said in
/// the chosen language; the sync engine's are in English, for whoever debugs, so `sync --watch`
/// shows only its warnings, its status line saying the rest in the person's language.
fn init_logs(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RECOLTE_LOG").unwrap_or_else(|_| default.into());
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Waits for Ctrl-C or SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// How a hub on the organiser's laptop serves the room.
pub struct Serving {
    /// Announce it on the local network (DNS-SD).
    pub announce: bool,
    /// Serve wss:// with its own certificate.
    pub tls: bool,
}

/// The hub's limits, from the command line.
pub struct Limits {
    pub max_message_bytes: usize,
    pub queue: usize,
    pub max_clients: u64,
}

pub fn hub(
    store: &mut Store,
    data_dir: PathBuf,
    listen: SocketAddr,
    trust: Vec<String>,
    limits: Limits,
    serving: Serving,
    out: &Out,
) -> Result<(), CliError> {
    init_logs("info");
    let serve_store = trust.is_empty();
    let identity = match serving.tls {
        true => Some(
            recolte_sync::tls::HubIdentity::load_or_create(&recolte_sync::tls::identity_dir(&data_dir))
                .map_err(|e| CliError::Hub(hub::HubError::Tls(e)))?,
        ),
        false => None,
    };
    // Without --trust, the hub serves this device's own store (the organiser's laptop in
    // the room): everything it holds at once, and what devices send goes into it. With
    // --trust, it is a server keeping a journal of its own for the events it is given.
    let mut config = if trust.is_empty() {
        if store.event_public_keys()?.is_empty() {
            return Err(CliError::Hub(hub::HubError::NoTrustedKey));
        }
        HubConfig::serving_store(listen, data_dir)
    } else {
        HubConfig::new(listen, data_dir.join("hub"), trust)
    };
    let fingerprint = identity.as_ref().map(|i| i.fingerprint());
    let scheme = if identity.is_some() { "wss" } else { "ws" };
    config.tls = identity;
    config.max_message_bytes = limits.max_message_bytes;
    config.queue_frames = limits.queue.max(1);
    config.max_clients = limits.max_clients.max(1);
    config.lang = out.lang;
    let runtime = runtime()?;
    runtime.block_on(async {
        let running = hub::start(config).await.map_err(CliError::Hub)?;
        out.listening(&format!("{scheme}://{}", running.addr))?;
        if let Some(fingerprint) = &fingerprint {
            let said = out.lang.pick(
                "empreinte du certificat (SHA-256), que portent les invitations :",
                "certificate fingerprint (SHA-256), which invitations carry:",
            );
            tracing::info!("{said} {fingerprint}");
        }
        // Found in the room without an address; multicast may be blocked: then the address
        // on the invitation does the job.
        let _announcement = if serving.announce && serve_store && !running.addr.ip().is_loopback() {
            match recolte_sync::nearby::announce_store(running.addr, store, fingerprint.as_deref()) {
                Ok(announcement) => Some(announcement),
                Err(error) => {
                    tracing::warn!("{}", recolte_core::Localize::localize(&error, out.lang));
                    None
                }
            }
        } else {
            None
        };
        if !running.addr.ip().is_loopback() {
            for url in recolte_sync::nearby::addresses(running.addr, scheme) {
                let said = out.lang.pick("les appareils joignent ce serveur à", "devices reach this hub at");
                tracing::info!("{said} {url}");
            }
        }
        interrupted().await;
        let said = out.lang.pick(
            "arrêt : fermeture des connexions et écriture du journal",
            "stopping: closing connections and flushing the journal",
        );
        tracing::info!("{said}");
        running.stop().await.map_err(CliError::Hub)
    })
}

fn saved_target(store: &Store, hub: Option<String>, token: Option<String>) -> Result<Target, CliError> {
    let remembered = recolte_sync::join::remembered_target(store)?;
    let hub = hub.or_else(|| remembered.as_ref().map(|t| t.hub.clone())).ok_or_else(|| CliError::Usage {
        fr: "aucun serveur connu : indiquez --hub ws://ADRESSE:PORT".into(),
        en: "no hub known yet: give --hub ws://ADDRESS:PORT".into(),
    })?;
    let token = token.or_else(|| remembered.as_ref().map(|t| t.token.clone())).ok_or_else(|| CliError::Usage {
        fr: "aucun jeton connu : rejoignez l'événement avec une invitation (recolte join --invitation LIEN) ou \
             indiquez --token JETON ; sur l'appareil de l'organisation qui tient plusieurs événements, précisez \
             lequel avec --event"
            .into(),
        en: "no token known yet: join the event with an invitation (recolte join --invitation LINK) or give \
             --token TOKEN; on the organiser's device that holds several events, say which with --event"
            .into(),
    })?;
    let hub = recolte_core::invitation::normalize_hub(&hub)
        .map_err(|e| CliError::Store(recolte_store::Error::Invitation(e)))?;
    let fingerprint = store.setting(recolte_sync::join::settings::FINGERPRINT)?;
    Ok(Target::new(hub, token.trim().to_owned()).pinned(fingerprint))
}

fn remember(store: &Arc<Mutex<Store>>, target: &Target) -> Result<(), CliError> {
    let store = Store::lock_shared(store);
    Ok(recolte_sync::join::remember_target(&store, target)?)
}

/// With no token given: the one this device last used, while it is valid and for the event
/// asked; else, on the device that holds the event's key, an organiser token it signs itself
/// (it needs no invitation to sync its own event).
fn own_target(
    store: &mut Store,
    given: Option<recolte_core::ids::EventId>,
    hub: Option<String>,
    valid: time::Duration,
) -> Result<Target, CliError> {
    let remembered = recolte_sync::join::remembered_target(store)?;
    let usable = remembered
        .as_ref()
        .and_then(|t| recolte_core::token::peek(&t.token).ok())
        .is_some_and(|grant| !grant.expired() && given.is_none_or(|event| grant.scope.event == event));
    if !usable {
        if let Ok(event) = store.resolve_event(given) {
            if let Some(target) = recolte_sync::join::organiser_target(store, event, hub.clone(), valid)? {
                return Ok(target);
            }
        }
    }
    // An event asked for that the remembered token is not for: never sync another one silently.
    let remembered_event = remembered.and_then(|t| recolte_core::token::peek(&t.token).ok()).map(|g| g.scope.event);
    if let (Some(asked), Some(held)) = (given, remembered_event) {
        if asked != held {
            return Err(CliError::Usage {
                fr: format!(
                    "cet appareil n'a pas d'invitation pour l'événement {asked} (il se synchronise pour {held}) : \
                     rejoignez-le avec une invitation (recolte join --invitation LIEN)"
                ),
                en: format!(
                    "this device has no invitation for event {asked} (it syncs for {held}): join it with an \
                     invitation (recolte join --invitation LINK)"
                ),
            });
        }
    }
    saved_target(store, hub, None)
}

pub fn sync(
    mut store: Store,
    given: Option<recolte_core::ids::EventId>,
    hub: Option<String>,
    token: Option<String>,
    watch: bool,
    out: &Out,
) -> Result<(), CliError> {
    let target = match token {
        Some(token) => saved_target(&store, hub, Some(token))?,
        None => own_target(&mut store, given, hub, recolte_sync::join::ORGANISER_TOKEN_VALIDITY)?,
    };
    recolte_core::token::peek(&target.token).map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?;
    recolte_sync::join::check_token(&mut store, &target.token)?;
    let store = Arc::new(Mutex::new(store));
    let runtime = runtime()?;
    // Another token than the one this device syncs with: what only the former may write goes first.
    runtime.block_on(recolte_sync::handover::before_switching(&store, &target))?;
    let first = runtime.block_on(recolte_sync::join::first_exchange(&store, &target));
    // What a former invitation kept aside still holds (a facilitator's previous session), tried
    // once this target is the one remembered (and, watching, by background sync every 30 s).
    let hand_over = |store: &Arc<Mutex<Store>>| match runtime.block_on(recolte_sync::handover::hand_over_later(store)) {
        Ok(0) => {}
        Ok(waiting) => out.left_behind(waiting),
        Err(error) => tracing::warn!("{error}"),
    };
    if !watch {
        let report = match first? {
            Some(report) => report,
            None => runtime.block_on(client::sync_once(store.clone(), &target))?,
        };
        remember(&store, &target)?;
        hand_over(&store);
        let out_of_rights = {
            let mut store = Store::lock_shared(&store);
            let event = recolte_core::token::peek(&target.token)
                .map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?
                .scope
                .event;
            let docs = recolte_sync::status::report(&mut store, Some(&target), None, event, out.lang)?;
            recolte_sync::status::summarize(&docs, Some(&target.hub)).out_of_rights
        };
        return out.synced(&report, out_of_rights);
    }
    // Watching goes on while the hub cannot be reached; a hub without the event is an answer.
    if let Err(error @ SyncError::EventNotOnHub { .. }) = first {
        return Err(error.into());
    }
    init_logs("error");
    remember(&store, &target)?;
    let board: StatusBoard = Arc::default();
    runtime.block_on(async {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let engine = tokio::spawn(client::watch(store.clone(), target, board.clone(), Default::default(), stopped));
        let printer = tokio::spawn(print_status(board.clone(), out.lang, out.json));
        interrupted().await;
        let _ = stop.send(true);
        let _ = engine.await;
        printer.abort();
    });
    Ok(())
}

/// Prints the sync status when it changes.
async fn print_status(board: StatusBoard, lang: Lang, json: bool) {
    let mut last = String::new();
    loop {
        let line = {
            let board = board.lock().unwrap_or_else(|p| p.into_inner());
            let total = board.len();
            let up = board.values().filter(|s| s.state == SyncState::UpToDate).count();
            // A document the hub refused (or could not save) is not « offline »: it says why, in
            // words, by the reason most documents share.
            let refusal = |s: &&recolte_sync::client::DocStatus| {
                s.error
                    .as_ref()
                    .map(|(code, _)| *code)
                    .filter(|code| *code != recolte_sync::refusal::RefusalCode::Unreachable)
            };
            let refused: Vec<_> = board.values().filter_map(|s| refusal(&s)).collect();
            let mut shares = std::collections::BTreeMap::new();
            for code in &refused {
                shares.entry(code.as_str()).or_insert((0, *code)).0 += 1;
            }
            // The reason most documents share; between equals, the first by its name.
            let reason =
                shares.values().max_by_key(|(n, code)| (*n, std::cmp::Reverse(code.as_str()))).map(|(_, code)| *code);
            let offline = board.values().filter(|s| s.state == SyncState::Offline && refusal(s).is_none()).count();
            let unconfirmed: usize = board.values().map(|s| s.unconfirmed).sum();
            if json {
                serde_json::json!({
                    "documents": total, "up_to_date": up, "offline": offline, "refused": refused.len(),
                    "reason": reason.map(|code| code.as_str()), "unconfirmed": unconfirmed,
                })
                .to_string()
            } else {
                let why = reason.map(|code| {
                    let (count, said) = (refused.len(), code.explain(None, lang));
                    match lang {
                        Lang::Fr => format!(", {count} {} : {said}", if count < 2 { "refusé" } else { "refusés" }),
                        Lang::En => format!(", {count} refused: {said}"),
                    }
                });
                let why = why.unwrap_or_default();
                match lang {
                    Lang::Fr => format!(
                        "{up}/{} à jour, {offline} hors ligne, {}{why}",
                        lang.count(total, "document", "documents"),
                        lang.count(unconfirmed, "modification non partagée", "modifications non partagées")
                    ),
                    Lang::En => format!(
                        "{up}/{} up to date, {offline} offline, {} not yet shared{why}",
                        lang.count(total, "document", "documents"),
                        lang.count(unconfirmed, "change", "changes")
                    ),
                }
            }
        };
        if line != last {
            println!("{line}");
            last = line;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

pub fn join(store: Store, hub: String, token: String, out: &Out) -> Result<(), CliError> {
    sync(store, None, Some(hub), Some(token), false, out)
}

/// The arrivals board of the event, from the hub.
pub fn arrivals(
    mut store: Store,
    given: Option<recolte_core::ids::EventId>,
    hub: Option<String>,
    token: Option<String>,
    out: &Out,
) -> Result<(), CliError> {
    let target = match token {
        Some(token) => saved_target(&store, hub, Some(token))?,
        None => {
            // The organiser's device signs itself a short organiser token; the board is theirs.
            let event = store.resolve_event(given)?;
            if !store.holds_key(event)? {
                return Err(CliError::Usage {
                    fr: "le tableau des arrivées est celui de l'organisation : il se lit sur l'appareil qui détient \
                         la clé de l'événement, ou avec un jeton d'organisation (--token JETON)"
                        .into(),
                    en: "the arrivals board is the organisers': it is read on the device that holds the event's \
                         key, or with an organiser's token (--token TOKEN)"
                        .into(),
                });
            }
            match recolte_sync::join::organiser_target(&mut store, event, hub.clone(), time::Duration::minutes(10))? {
                Some(target) => target,
                None => saved_target(&store, hub, None)?,
            }
        }
    };
    let event = recolte_core::token::peek(&target.token)
        .map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?
        .scope
        .event;
    let board = runtime()?.block_on(recolte_sync::arrivals::fetch(&target, event))?;
    out.arrivals(&board)
}

/// The hubs announced on the local network.
pub fn discover(seconds: u64, out: &Out) -> Result<(), CliError> {
    let hubs = recolte_sync::nearby::discover(Duration::from_secs(seconds.clamp(1, 60)))
        .map_err(|e| CliError::Usage { fr: e.localize(Lang::Fr), en: e.localize(Lang::En) })?;
    out.nearby(&hubs)
}

/// Joins with an invitation link. When no hub answers, the invitation is kept (`recolte
/// sync` goes on from it) and the command fails with the reason.
pub fn join_invitation(store: Store, link: &str, name: Option<&str>, out: &Out) -> Result<(), CliError> {
    let store = Arc::new(Mutex::new(store));
    let joined = runtime()?.block_on(recolte_sync::join::join(store, link, name.unwrap_or("")))?;
    out.joined(&joined)?;
    match joined.pending {
        Some(error) => Err(CliError::Sync(error)),
        None => Ok(()),
    }
}

/// The status of every document of the event this device syncs, from what the store
/// remembers of the last exchanges.
pub fn status(mut store: Store, given: Option<recolte_core::ids::EventId>, out: &Out) -> Result<(), CliError> {
    let target = recolte_sync::join::remembered_target(&store)?;
    let from_token = target.as_ref().and_then(|t| recolte_core::token::peek(&t.token).ok()).map(|g| g.scope.event);
    let event = match (given, from_token) {
        (Some(event), _) => event,
        (None, Some(event)) => event,
        (None, None) => store.resolve_event(None)?,
    };
    let docs = recolte_sync::status::report(&mut store, target.as_ref(), None, event, out.lang)?;
    let summary = recolte_sync::status::summarize(&docs, target.as_ref().map(|t| t.hub.as_str()));
    out.status(&docs, &summary)
}
