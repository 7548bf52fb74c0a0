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
/// it is reopened. Used by the command and at start-up.
pub async fn start_serving(state: &AppState, port: Option<u16>) -> Result<ServeInfo, ApiError> {
    if let Some(serving) = state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        return Ok(serving.info.clone());
    }
    let lang = state.lang();
    // A hub acknowledges only what it saved: on a store open for reading only, it would
    // turn every device away. Said, instead of served.
    if let Some(why) = state.store().unwritable() {
        let message = why.notice(lang);
        *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
        return Err(ApiError::invalid(message));
    }
    if let Some(refused) = narrow_role(state)? {
        // Not served again at every start either: the laptop that served with no invitation
        // has joined with one for part of the event since.
        state.with_store(|store| store.set_setting(recolte_store::settings::SERVE_PORT, ""))?;
        let message = refused.pick(lang).to_owned();
        *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
        return Err(ApiError::invalid(message));
    }
    let port = port.unwrap_or(DEFAULT_PORT);
    let listen = SocketAddr::from(([0, 0, 0, 0], port));
    // This laptop's own store, served as it is: no copy to keep in step; over wss:// with a
    // certificate it keeps, whose fingerprint its invitations carry (the venue's Wi-Fi is shared).
    let identity = recolte_sync::tls::HubIdentity::load_or_create(&recolte_sync::tls::identity_dir(&state.data_dir))
        .map_err(|e| ApiError::invalid(recolte_core::Localize::localize(&e, lang)))?;
    let fingerprint = identity.fingerprint();
    let mut config = HubConfig::serving_store(listen, state.data_dir.clone());
    config.tls = Some(identity);
    config.lang = lang;
    let running = match hub::start(config).await {
        Ok(running) => running,
        Err(error) => {
            let message = recolte_core::Localize::localize(&error, lang);
            *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(message.clone());
            return Err(ApiError::invalid(message));
        }
    };
    let port = running.addr.port();
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
        port: Some(port),
        addresses: nearby::addresses(running.addr, "wss"),
        announced: announcement.is_some(),
        error: None,
    };
    // Written when it changes only: serving again at start rewrites nothing.
    let port_text = port.to_string();
    let unchanged = state.store().setting(recolte_store::settings::SERVE_PORT).ok().flatten().as_deref()
        == Some(port_text.as_str());
    let saved = if unchanged {
        Ok(())
    } else {
        state.with_store(|store| store.set_setting(recolte_store::settings::SERVE_PORT, &port_text))
    };
    if let Err(error) = saved {
        // Not left serving behind an error: stopped, as if never started, and said in the header.
        if let Some(announcement) = announcement {
            announcement.stop();
        }
        let _ = running.stop().await;
        *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error.message.clone());
        return Err(error);
    }
    *state.hub_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
    *state.hub.lock().unwrap_or_else(|p| p.into_inner()) = Some(Serving { info: info.clone(), running, announcement });
    Ok(info)
}

#[tauri::command]
pub async fn hub_start(state: State<'_, AppState>, port: Option<u16>) -> Result<ServeInfo, ApiError> {
    start_serving(&state, port).await
}

#[tauri::command]
pub async fn hub_stop(state: State<'_, AppState>) -> Result<(), ApiError> {
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
            ApiError::invalid(lang.pick("arrêt du serveur : ", "stopping the hub: ").to_owned() + &e.to_string())
        });
    }
    let forgotten = state.with_store(|store| store.set_setting(recolte_store::settings::SERVE_PORT, ""));
    stopped.and(forgotten)
}

#[tauri::command(async)]
pub fn hub_info(state: State<'_, AppState>) -> ServeInfo {
    match state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        // Interfaces come and go (a hotspot started after the hub): read them again.
        Some(serving) => {
            ServeInfo { addresses: nearby::addresses(serving.running.addr, "wss"), ..serving.info.clone() }
        }
        None => ServeInfo {
            error: state.hub_error.lock().unwrap_or_else(|p| p.into_inner()).clone(),
            ..ServeInfo::default()
        },
    }
}

/// Why this device may not serve the room: it syncs with an invitation for part of the event
/// (a session, a theme, the panel), and passes on only what that invitation may write, so what
/// other devices sent it would go no further. The organisers' devices serve (the one holding
/// the event's key, one with an organiser's invitation), and one with no invitation at all
/// (its work leaves by USB key).
fn narrow_role(state: &AppState) -> Result<Option<recolte_core::Both>, ApiError> {
    let Some(grant) = state.target().and_then(|target| recolte_core::token::peek(&target.token).ok()) else {
        return Ok(None);
    };
    let holds_key = state.with_store(|store| store.holds_key(grant.scope.event))?;
    Ok((grant.scope.role != recolte_core::access::Role::Organiser && !holds_key).then(|| {
        recolte_core::Both::new(
            "le serveur de la salle tourne sur l'ordinateur de l'organisation (ou un appareil sans invitation) : \
             avec une invitation pour une partie de l'événement, ce que les autres appareils enverraient ici \
             n'irait pas plus loin que cet ordinateur",
            "the room's hub runs on the organisers' laptop (or a device with no invitation): with an invitation \
             for part of the event, what other devices sent here would go no further than this computer",
        )
    }))
}

/// The port to serve again at start-up, if the app served when it was closed. A setting that
/// cannot be read is said where a failed start is (the header and the serve box), not taken
/// for « did not serve »: the room's devices would lose their hub without a word.
pub fn remembered_port(state: &AppState) -> Option<u16> {
    match state.with_store(|store| store.setting(recolte_store::settings::SERVE_PORT)) {
        Ok(port) => port.and_then(|p| p.parse().ok()),
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
