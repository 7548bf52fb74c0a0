//! The commands that use the network: the hub, sync and join. They start a Tokio runtime and
//! hand over to `recolte-sync`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use recolte_core::{Lang, Localize};
use recolte_store::Store;
use recolte_sync::client::{self, StatusBoard, SyncError, Target};
use recolte_sync::failover::{NextTarget, Reached};
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
    recolte_sync::join::hand_given_target(store, &hub, token.as_deref(), None)?.ok_or_else(|| CliError::Usage {
        fr: "aucun jeton connu : rejoignez l'événement avec une invitation (recolte join --invitation LIEN) ou \
             indiquez --token JETON ; sur l'appareil de l'organisation qui tient plusieurs événements, précisez \
             lequel avec --event"
            .into(),
        en: "no token known yet: join the event with an invitation (recolte join --invitation LINK) or give \
             --token TOKEN; on the organiser's device that holds several events, say which with --event"
            .into(),
    })
}

fn remember(store: &Arc<Mutex<Store>>, target: &Target) -> Result<(), CliError> {
    Ok(recolte_sync::join::remember_target(&mut Store::lock_shared(store), target)?)
}

/// …a hub or token given on the command line: where the device stays (see `remember_chosen`).
fn remember_chosen(store: &Arc<Mutex<Store>>, target: &Target) -> Result<(), CliError> {
    Ok(recolte_sync::join::remember_chosen(&mut Store::lock_shared(store), target)?)
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
    // The organiser's own token is signed again before its last day, for its own event and hub
    // (the hub closes a connection when its token ends).
    if let Some(target) = remembered.as_ref().filter(|_| usable) {
        if recolte_sync::join::nearly_ended_own(store, target)? {
            return Ok(recolte_sync::join::renewed(store, target.clone())?);
        }
    }
    if !usable {
        // No event yet is no organiser's event; several, or a failed read, are said (it synced
        // with the expired token instead, and said « expirée »).
        match store.resolve_event(given) {
            Ok(event) => {
                if let Some(target) = recolte_sync::join::organiser_target(store, event, hub.clone(), valid)? {
                    return Ok(target);
                }
            }
            Err(recolte_store::Error::NoEvent | recolte_store::Error::EventNotArrivedYet) => {}
            // Several events on a device that organises none of them (the practice event and
            // the one joined): its remembered token says which, and why it fails.
            Err(recolte_store::Error::AmbiguousEvent(_)) if !organises_any(store)? => {}
            Err(error) => return Err(error.into()),
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
    store: Store,
    given: Option<recolte_core::ids::EventId>,
    hub: Option<String>,
    token: Option<String>,
    watch: bool,
    out: &Out,
) -> Result<(), CliError> {
    // The organiser's device signs its own token: a signature the hub does not know is then
    // its key not trusted there (a restored archive), not a damaged invitation link.
    let own = token.is_none() && store.resolve_event(given).is_ok_and(|event| store.holds_key(event).unwrap_or(false));
    sync_with(store, given, hub, token, watch, out).map_err(|error| match error {
        CliError::Sync(error) if own => CliError::Sync(error.of_own_key()),
        error => error,
    })
}

fn sync_with(
    mut store: Store,
    given: Option<recolte_core::ids::EventId>,
    hub: Option<String>,
    token: Option<String>,
    watch: bool,
    out: &Out,
) -> Result<(), CliError> {
    // A token given here is an invitation taken (`join --hub --token` as well): said in words below.
    let invited = token.is_some();
    // A hub given here is where this sync goes, even when the invitation names an earlier one.
    let hub_given = hub.is_some();
    let target = match token {
        Some(token) => saved_target(&store, hub, Some(token))?,
        None => own_target(&mut store, given, hub, recolte_sync::join::ORGANISER_TOKEN_VALIDITY)?,
    };
    recolte_core::token::peek(&target.token).map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?;
    recolte_sync::join::check_token(&mut store, &target.token)?;
    let store = Arc::new(Mutex::new(store));
    let runtime = runtime()?;
    // Another token than the one this device syncs with: what only the former may write goes first.
    let handed = runtime.block_on(recolte_sync::handover::before_switching(&store, &target))?;
    if handed.stranded > 0 {
        out.stranded(handed.stranded);
    }
    // What a former invitation kept aside still holds (a facilitator's previous session), tried
    // once this target is the one remembered (and, watching, by background sync every 30 s).
    let hand_over = |store: &Arc<Mutex<Store>>| match runtime.block_on(recolte_sync::handover::hand_over_later(store)) {
        Ok(0) => {}
        Ok(waiting) => out.left_behind(waiting),
        Err(error) => tracing::warn!("{error}"),
    };
    // A hub or token given here is where the device stays; otherwise a move made by itself
    // stays marked as one (see `failover`).
    let keep = |store: &Arc<Mutex<Store>>, target: &Target| match hub_given || invited {
        true => remember_chosen(store, target),
        false => remember(store, target),
    };
    // Moved away from the invitation's first hub while it was out of reach: back there when it
    // answers again (watching, background sync looks back every two minutes).
    if !watch && !invited && !hub_given {
        if let Some((report, earlier)) =
            runtime.block_on(recolte_sync::failover::back_to_an_earlier_hub(store.clone(), &target))
        {
            out.back_on(&target.hub, &earlier.hub);
            hand_over(&store);
            return out.synced(&report, out_of_rights_of(&store, &earlier, out)?);
        }
    }
    let first = runtime.block_on(recolte_sync::join::first_exchange(&store, &target));
    if !watch {
        let synced = match first {
            Ok(Some(report)) => Ok(report),
            Ok(None) => runtime.block_on(client::sync_once(store.clone(), &target)),
            Err(error) => Err(error),
        };
        // Its hub out of reach: the invitation's other hubs, in its order, then the event
        // served nearby (see `failover`).
        // Moved here by itself: remembered as a move (which a look back undoes), even when the
        // token was given here.
        let (report, target, moved) = match synced {
            Ok(report) => (report, target, false),
            // A hub given here that does not answer is said, not replaced by another (a typo in
            // the address synced elsewhere without a word).
            Err(error) if error.refusal() == Some(recolte_sync::refusal::RefusalCode::Unreachable) && !hub_given => {
                let waiting = |others, nearby| out.looking_elsewhere(&target.hub, others, nearby);
                match runtime.block_on(recolte_sync::failover::reach_another(store.clone(), &target, waiting))? {
                    Reached::Again(report) => (report, target, false),
                    Reached::Moved { report, target: other, found_nearby } => {
                        out.moved(&target.hub, &other.hub, found_nearby);
                        if found_nearby {
                            recolte_sync::join::remember_found_nearby(&mut Store::lock_shared(&store), &other)?;
                        }
                        (report, other, true)
                    }
                    Reached::Nowhere { answered } => {
                        for (hub, why) in &answered {
                            out.not_taken(hub, why);
                        }
                        return Err(error.into());
                    }
                }
            }
            Err(error) => return Err(error.into()),
        };
        match moved {
            true => remember(&store, &target)?,
            false => keep(&store, &target)?,
        }
        hand_over(&store);
        if invited {
            say_what_was_joined(&store, &target.token, out)?;
        }
        return out.synced(&report, out_of_rights_of(&store, &target, out)?);
    }
    // Watching goes on while the hub cannot be reached; a hub without the event is an answer.
    if let Err(error @ (SyncError::EventNotOnHub { .. } | SyncError::HubWithoutEvent { .. })) = first {
        return Err(error.into());
    }
    init_logs("error");
    keep(&store, &target)?;
    runtime.block_on(async {
        let mut target = target;
        loop {
            let board: StatusBoard = Arc::default();
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let engine =
                tokio::spawn(client::watch(store.clone(), target.clone(), board.clone(), Default::default(), stopped));
            let printer = tokio::spawn(print_status(store.clone(), target.clone(), board, out.lang, out.json));
            // Until interrupted, or until background sync moved to another of the invitation's
            // hubs or to the event's found nearby (its own gone for good): then the engine
            // starts again towards it.
            let moved = tokio::select! {
                () = interrupted() => None,
                moved = moved_from(&store, &target) => Some(moved),
            };
            let _ = stop.send(true);
            let _ = engine.await;
            printer.abort();
            match moved {
                Some(moved) => {
                    if moved.hub != target.hub {
                        let found_nearby =
                            recolte_sync::failover::found_nearby(&Store::lock_shared(&store), &moved.hub);
                        out.moved(&target.hub, &moved.hub, found_nearby.unwrap_or(false));
                    }
                    target = moved;
                }
                None => break,
            }
        }
    });
    Ok(())
}

/// This device's changes the hub will not take with `target`'s invitation, as the status counts them.
fn out_of_rights_of(store: &Arc<Mutex<Store>>, target: &Target, out: &Out) -> Result<usize, CliError> {
    let mut store = Store::lock_shared(store);
    let event = recolte_core::token::peek(&target.token)
        .map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?
        .scope
        .event;
    let docs = recolte_sync::status::report(&mut store, Some(target), None, event, out.lang)?;
    Ok(recolte_sync::status::summarize(&docs, Some(&target.hub)).out_of_rights)
}

/// Whether this device organises an event it holds (its key is here; the practice event aside).
fn organises_any(store: &Store) -> Result<bool, recolte_store::Error> {
    for event in store.events()?.into_iter().filter(|e| !e.practice) {
        if store.holds_key(event.id)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Waits until background sync moved from `running`'s hub to another of the invitation's, or
/// until the organiser's own token nears its end (signed again: the hub would close it then).
async fn moved_from(store: &Arc<Mutex<Store>>, running: &Target) -> Target {
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Read under the store's lock, let go before any wait.
        let next = recolte_sync::failover::next_target(&mut Store::lock_shared(store), running, true);
        match next {
            NextTarget::Restart(next) => return next,
            // Tried again later, not every two seconds.
            NextTarget::RenewalFailed => tokio::time::sleep(Duration::from_secs(300)).await,
            NextTarget::Stay => {}
        }
    }
}

/// Prints the sync status when it changes: the status the app shows (`recolte_sync::status`),
/// in one line, once the engine has something to say.
async fn print_status(store: Arc<Mutex<Store>>, target: Target, board: StatusBoard, lang: Lang, json: bool) {
    let event = recolte_core::token::peek(&target.token).map(|g| g.scope.event);
    let mut last = String::new();
    let (mut last_board, mut reported) = (String::new(), std::time::Instant::now());
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let Ok(event) = event else { return };
        // Read again when the engine moved, or every few seconds (what is typed meanwhile): not
        // twice a second on the store the engine writes through.
        let now = format!("{:?}", board.lock().unwrap_or_else(|p| p.into_inner()));
        if now == "{}" || (now == last_board && reported.elapsed() < Duration::from_secs(5)) {
            continue;
        }
        (last_board, reported) = (now, std::time::Instant::now());
        let report =
            recolte_sync::status::report(&mut Store::lock_shared(&store), Some(&target), Some(&board), event, lang);
        // A failed read is not a status: the last line stays until a read succeeds.
        let Ok(docs) = report else { continue };
        let found_nearby = recolte_sync::failover::found_nearby(&Store::lock_shared(&store), &target.hub);
        let Ok(found_nearby) = found_nearby else { continue };
        let summary =
            recolte_sync::status::Summary { found_nearby, ..recolte_sync::status::summarize(&docs, Some(&target.hub)) };
        let line = if json {
            serde_json::json!(summary).to_string()
        } else {
            crate::output::status_line(&summary, true, lang)
        };
        if line != last {
            // Through the same writer as every other line (a closed pipe is not an error, a
            // full disk behind `> file` is said once and the printing stops while the sync goes
            // on, and another device's text cannot steer the terminal): `println!` panicked on
            // a closed pipe.
            if let Err(error) = crate::output::print(&line) {
                eprintln!("{}", recolte_core::Localize::localize(&error, lang));
                return;
            }
            last = line;
        }
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
    let joined = runtime()?.block_on(recolte_sync::join::join(store.clone(), link, name.unwrap_or("")))?;
    say_what_was_joined(&store, &joined.target.token, out)?;
    out.joined(&joined)?;
    match joined.pending {
        Some(error) => Err(CliError::Sync(error)),
        None => Ok(()),
    }
}

/// What was joined, in words (the event and what the invitation lets this device do), when
/// the event is here already.
fn say_what_was_joined(store: &Arc<Mutex<Store>>, token: &str, out: &Out) -> Result<(), CliError> {
    let Ok(grant) = recolte_core::token::peek(token) else { return Ok(()) };
    if out.json {
        return Ok(());
    }
    if let Some(record) = Store::lock_shared(store).event_record(grant.scope.event)? {
        let what = recolte_core::invitation::describe(&grant.scope, Some(&record), out.lang);
        eprintln!("{} — {what}", record.name);
    }
    Ok(())
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
    // The hub is this event's only when the device syncs this event.
    let hub = target.as_ref().filter(|_| from_token == Some(event)).map(|t| t.hub.as_str());
    let found_nearby = match hub {
        Some(hub) => recolte_sync::failover::found_nearby(&store, hub)?,
        None => false,
    };
    let summary = recolte_sync::status::Summary { found_nearby, ..recolte_sync::status::summarize(&docs, hub) };
    out.status(&docs, &summary)
}
