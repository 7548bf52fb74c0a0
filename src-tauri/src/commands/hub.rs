//! A laptop in the room as the hub: the same hub as `recolte hub`, started from the app.

use std::net::{SocketAddr, UdpSocket};

use recolte_sync::hub::{self, HubConfig};
use serde::Serialize;
use tauri::State;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Clone, Serialize)]
pub struct HubInfo {
    /// The address other devices join, e.g. `ws://192.168.1.20:4455`.
    pub url: String,
    pub port: u16,
}

/// This computer's address on the local network: the source address the system would use to
/// reach another network. Connecting a UDP socket sends nothing; it only picks a route.
fn local_address() -> Option<std::net::IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    socket.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified())
}

#[tauri::command]
pub async fn hub_start(state: State<'_, AppState>, port: Option<u16>) -> Result<HubInfo, ApiError> {
    if let Some(running) = state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        return Ok(running.0.clone());
    }
    let lang = state.lang();
    let listen = SocketAddr::from(([0, 0, 0, 0], port.unwrap_or(4455)));
    // This laptop's own store, served as it is: no copy to keep in step.
    let config = HubConfig::serving_store(listen, state.data_dir.clone());
    let running = hub::start(config).await.map_err(|e| {
        ApiError::invalid(match e {
            hub::HubError::Listen { addr, .. } => lang
                .pick(
                    "impossible d'ouvrir le port {addr} : il est peut-être déjà pris",
                    "cannot open port {addr}: it may be taken",
                )
                .replace("{addr}", &addr.to_string()),
            other => other.to_string(),
        })
    })?;
    let port = running.addr.port();
    let host = local_address().map(|ip| ip.to_string()).unwrap_or_else(|| "127.0.0.1".into());
    let info = HubInfo { url: format!("ws://{host}:{port}"), port };
    *state.hub.lock().unwrap_or_else(|p| p.into_inner()) = Some((info.clone(), running));
    Ok(info)
}

#[tauri::command]
pub async fn hub_stop(state: State<'_, AppState>) -> Result<(), ApiError> {
    let running = state.hub.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some((_, running)) = running {
        let lang = state.lang();
        running.stop().await.map_err(|e| {
            ApiError::invalid(lang.pick("arrêt du serveur : ", "stopping the hub: ").to_owned() + &e.to_string())
        })?;
    }
    Ok(())
}

#[tauri::command]
pub fn hub_info(state: State<'_, AppState>) -> Option<HubInfo> {
    state.hub.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|(info, _)| info.clone())
}
