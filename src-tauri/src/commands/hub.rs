//! A laptop in the room as the hub: the same hub as `recolte hub`, serving this device's own
//! store, announced on the local network, and started again when the app reopens.

use std::net::SocketAddr;

use recolte_sync::hub::{self, HubConfig, RunningHub};
use recolte_sync::nearby::{self, Announcement};
use serde::Serialize;
use tauri::State;

use crate::error::ApiError;
use crate::state::AppState;

/// Whether this device serves the room, where, and why not if it failed.
#[derive(Clone, Debug, Default, Serialize, ts_rs::TS)]
pub struct ServeInfo {
    pub serving: bool,
    pub port: Option<u16>,
    /// `ws://IP:PORT` for every network interface other devices can use.
    pub addresses: Vec<String>,
    /// Announced on the local network (DNS-SD).
    pub announced: bool,
    pub error: Option<String>,
}

/// The hub this app runs, with its announcement.
pub struct Serving {
    pub info: ServeInfo,
    running: RunningHub,
    announcement: Option<Announcement>,
}

/// The port the room's devices are told by default.
const DEFAULT_PORT: u16 = 4455;

/// Starts serving (or says it already does); remembers it, so that the app serves again when
/// it is reopened. Used by the command and at start-up. A start that fails says why in the
/// header and the serve box, and leaves the device not serving (so background sync may look
/// for a hub nearby) while it still tries again at the next start.
pub async fn start_serving(state: &AppState, port: Option<u16>) -> Result<ServeInfo, ApiError> {
    let _one_at_a_time = state.hub_starting.lock().await;
    if let Some(serving) = state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        return Ok(serving.info.clone());
    }
    let started = serve(state, port).await;
    let failed = |message: String| *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message);
    match started {
        Ok(serving) => {
            let info = serving.info.clone();
            *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
            *state.hub.lock().unwrap_or_else(|p| p.into_inner()) = Some(serving);
            Ok(info)
        }
        Err(Failed::Refused(error)) => {
            failed(error.message.clone());
            Err(error)
        }
        Err(Failed::NotStarted(error)) => {
            failed(error.message.clone());
            // Nothing more is said if this cannot be saved either (a full disk): the failure is.
            let _ = state.with_store(|store| store.remember_serving_failed());
            Err(error)
        }
    }
}

/// Why serving did not start.
enum Failed {
    /// This device may not serve the room, or not now: nothing to try again at start.
    Refused(ApiError),
    /// It could not start (its port taken, its certificate unreadable, a full disk).
    NotStarted(ApiError),
}

async fn serve(state: &AppState, port: Option<u16>) -> Result<Serving, Failed> {
    let lang = state.lang();
    // A hub acknowledges only what it saved: on a store open for reading only, it would
    // turn every device away. Said, instead of served.
    if let Some(why) = state.store().unwritable() {
        return Err(Failed::Refused(ApiError::invalid(why.notice(lang))));
    }
    if let Some(refused) = narrow_role(state).map_err(Failed::Refused)? {
        // Not served again at every start either: the laptop that served with no invitation
        // has joined with one for part of the event since.
        state.with_store(|store| store.forget_serving()).map_err(Failed::Refused)?;
        return Err(Failed::Refused(ApiError::invalid(refused)));
    }
    let not_started = |message: String| Failed::NotStarted(ApiError::invalid(message));
    let port = port.unwrap_or(DEFAULT_PORT);
    let listen = SocketAddr::from(([0, 0, 0, 0], port));
    // This laptop's own store, served as it is: no copy to keep in step; over wss:// with a
    // certificate it keeps, whose fingerprint its invitations carry (the venue's Wi-Fi is shared).
    let identity = recolte_sync::tls::HubIdentity::load_or_create(&recolte_sync::tls::identity_dir(&state.data_dir))
        .map_err(|e| not_started(recolte_core::Localize::localize(&e, lang)))?;
    let fingerprint = identity.fingerprint();
    let mut config = HubConfig::serving_store(listen, state.data_dir.clone());
    config.tls = Some(identity);
    config.lang = lang;
    let running = hub::start(config).await.map_err(|e| not_started(recolte_core::Localize::localize(&e, lang)))?;
    let announcement = {
        let store = state.store();
        match nearby::announce_store(running.addr, &store, Some(&fingerprint)) {
            Ok(announcement) => Some(announcement),
            Err(error) => {
                eprintln!("Récolte: {}", recolte_core::Localize::localize(&error, lang));
                None
            }
        }
    };
    let info = ServeInfo {
        serving: true,
        port: Some(running.addr.port()),
        addresses: nearby::addresses(running.addr, "wss"),
        announced: announcement.is_some(),
        error: None,
    };
    if let Err(error) = state.with_store(|store| store.remember_serving(running.addr.port())) {
        // Not left serving behind an error: stopped, as if never started, and said in the header.
        if let Some(announcement) = announcement {
            announcement.stop();
        }
        let _ = running.stop().await;
        return Err(Failed::NotStarted(error));
    }
    Ok(Serving { info, running, announcement })
}

#[tauri::command]
pub async fn hub_start(state: State<'_, AppState>, port: Option<u16>) -> Result<ServeInfo, ApiError> {
    start_serving(&state, port).await
}

#[tauri::command]
pub async fn hub_stop(state: State<'_, AppState>) -> Result<(), ApiError> {
    // After a start under way, not beside it: it would serve on after this stop.
    let _one_at_a_time = state.hub_starting.lock().await;
    let serving = state.hub.lock().unwrap_or_else(|p| p.into_inner()).take();
    // Stopped first (a setting that cannot be saved, a full disk, must not leave it serving),
    // and not served again at the next start whatever the stop said.
    let mut stopped = Ok(());
    if let Some(serving) = serving {
        if let Some(announcement) = serving.announcement {
            announcement.stop();
        }
        let lang = state.lang();
        stopped = serving.running.stop().await.map_err(|e| {
            let why = recolte_core::Localize::localize(&e, lang);
            ApiError::invalid(lang.pick("arrêt du serveur : ", "stopping the hub: ").to_owned() + &why)
        });
    }
    let forgotten = state.with_store(|store| store.forget_serving());
    stopped.and(forgotten)
}

#[tauri::command(async)]
pub fn hub_info(state: State<'_, AppState>) -> ServeInfo {
    serve_info(&state)
}

/// Whether this device serves the room, where, or why its last start failed (with the port it
/// meant to serve on, which the serve box then offers again).
pub fn serve_info(state: &AppState) -> ServeInfo {
    match state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        // Interfaces come and go (a hotspot started after the hub): read them again.
        Some(serving) => {
            ServeInfo { addresses: nearby::addresses(serving.running.addr, "wss"), ..serving.info.clone() }
        }
        None => {
            let error = state.hub_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let port =
                error.is_some().then(|| state.with_store(|store| store.port_to_serve()).ok().flatten()).flatten();
            ServeInfo { error, port, ..ServeInfo::default() }
        }
    }
}

/// Why this device may not serve the room: it syncs with an invitation for part of the event
/// (the library's rule, which `hub::start` applies too).
fn narrow_role(state: &AppState) -> Result<Option<String>, ApiError> {
    let lang = state.lang();
    let role = state.with_store(|store| recolte_sync::remembered::serves_only_part(store))?;
    Ok(role.map(|role| recolte_core::Localize::localize(&hub::HubError::ServesOnlyPart { role }, lang)))
}

/// The port to serve again at start-up, if the app served when it was closed (or meant to and
/// could not at its last start). A setting that cannot be read is said where a failed start is
/// (the header and the serve box), not taken for « did not serve »: the room's devices would
/// lose their hub without a word.
pub fn remembered_port(state: &AppState) -> Option<u16> {
    match state.with_store(|store| store.port_to_serve()) {
        Ok(port) => port,
        Err(error) => {
            *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error.message);
            None
        }
    }
}

/// Hubs announced on the local network.
#[tauri::command]
pub async fn nearby_hubs(state: State<'_, AppState>, seconds: u64) -> Result<Vec<nearby::NearbyHub>, ApiError> {
    let lang = state.lang();
    let wait = std::time::Duration::from_secs(seconds.clamp(1, 30));
    tauri::async_runtime::spawn_blocking(move || nearby::discover(wait))
        .await
        .map_err(|e| ApiError::invalid(e.to_string()))?
        .map_err(|e| ApiError {
            code: crate::error::ErrorCode::Network,
            message: recolte_core::Localize::localize(&e, lang),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use recolte_store::Store;

    use super::*;

    /// Reopened with its port taken (another program listening there): it says why, it does
    /// not count as serving (so background sync may look for a hub nearby), and it serves
    /// again on that port once it is free.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_start_on_a_taken_port_is_said_is_not_serving_and_is_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        // The device that made the event (it holds its key): the one that serves the room.
        store.import_programme(recolte_core::programme::SAMPLE).unwrap();
        let state = AppState::new(store, dir.path().to_owned());
        let taken = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        state.with_store(|store| store.remember_serving(port)).unwrap();

        assert_eq!(remembered_port(&state), Some(port));
        assert!(start_serving(&state, remembered_port(&state)).await.is_err());
        let info = serve_info(&state);
        assert!(!info.serving && info.error.is_some(), "{info:?}");
        assert_eq!(info.port, Some(port), "the serve box offers the port it meant");
        assert!(!state.with_store(|store| store.serves_the_room()).unwrap(), "not serving: it may look nearby");
        assert_eq!(remembered_port(&state), Some(port), "tried again at the next start");

        drop(taken);
        let info = start_serving(&state, remembered_port(&state)).await.unwrap();
        assert_eq!((info.serving, info.port), (true, Some(port)));
        assert!(serve_info(&state).error.is_none());
        assert!(state.with_store(|store| store.serves_the_room()).unwrap());
        let serving = state.hub.lock().unwrap().take().unwrap();
        serving.running.stop().await.unwrap();
    }

    /// The start at launch and a press on « Servir » at the same moment: one serves, the other
    /// says so, and the laptop counts as serving (the second start, failing on the port the
    /// first took, marked it as not serving).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_starts_at_once_serve_once_and_the_laptop_counts_as_serving() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.import_programme(recolte_core::programme::SAMPLE).unwrap();
        let state = std::sync::Arc::new(AppState::new(store, dir.path().to_owned()));
        let free = std::net::TcpListener::bind("0.0.0.0:0").unwrap().local_addr().unwrap().port();
        // It served on that port when it was closed.
        state.with_store(|store| store.remember_serving(free)).unwrap();
        let start =
            |state: std::sync::Arc<AppState>| tokio::spawn(async move { start_serving(&state, Some(free)).await });
        let (a, b) = (start(state.clone()), start(state.clone()));
        let (a, b) = (a.await.unwrap(), b.await.unwrap());
        assert_eq!((a.unwrap().port, b.unwrap().port), (Some(free), Some(free)));
        assert!(state.with_store(|store| store.serves_the_room()).unwrap());
        assert!(serve_info(&state).error.is_none());
        let serving = state.hub.lock().unwrap().take().unwrap();
        serving.running.stop().await.unwrap();
    }
}
