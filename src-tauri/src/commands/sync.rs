//! The sync indicator and the hub settings.

use recolte_sync::client::{SyncState, Target};
use serde::Serialize;
use tauri::State;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Clone, Serialize)]
pub struct SyncSummary {
    /// `off` (no hub set), `offline`, `syncing` or `up_to_date`.
    pub state: &'static str,
    pub hub: Option<String>,
    pub documents: usize,
    pub up_to_date: usize,
    /// This device's changes the hub has not confirmed.
    pub unshared: usize,
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> SyncSummary {
    crate::sync_summary(&state)
}

#[tauri::command]
pub fn sync_configure(state: State<'_, AppState>, hub: String, token: String) -> Result<(), ApiError> {
    let lang = state.lang();
    let target = Target { hub: hub.trim().trim_end_matches('/').to_owned(), token: token.trim().to_owned() };
    if !(target.hub.starts_with("ws://") || target.hub.starts_with("wss://")) {
        return Err(ApiError::invalid(
            lang.pick(
                "l'adresse du serveur commence par ws:// ou wss://",
                "the hub address starts with ws:// or wss://",
            )
            .to_owned(),
        ));
    }
    recolte_core::token::peek(&target.token).map_err(|e| ApiError::from_sync(&e.into(), lang))?;
    state.with_store(|store| {
        store.set_setting("sync.hub", &target.hub)?;
        store.set_setting("sync.token", &target.token)
    })?;
    crate::start_sync(&state, target);
    Ok(())
}

/// Reconnects every document now instead of waiting for the back-off.
#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), ApiError> {
    let target = state.sync.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|h| h.target.clone());
    if let Some(target) = target {
        crate::start_sync(&state, target);
    }
    Ok(())
}

pub fn summarize(state: &AppState) -> SyncSummary {
    let hub = state.sync.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|h| h.target.hub.clone());
    let board = state.board.lock().unwrap_or_else(|p| p.into_inner());
    let documents = board.len();
    let up_to_date = board.values().filter(|s| s.state == SyncState::UpToDate).count();
    let unshared = board.values().map(|s| s.unconfirmed).sum();
    let syncing = board.values().any(|s| matches!(s.state, SyncState::Syncing | SyncState::Connecting));
    let state = match (&hub, documents) {
        (None, _) => "off",
        (Some(_), 0) => "syncing",
        _ if up_to_date == documents => "up_to_date",
        _ if syncing => "syncing",
        _ => "offline",
    };
    SyncSummary { state, hub, documents, up_to_date, unshared }
}

/// Who else is connected to a session right now.
#[tauri::command]
pub fn presence(state: State<'_, AppState>, event: String, session: String) -> Result<Vec<String>, ApiError> {
    let event = super::parse(&state, &event)?;
    let session = super::parse(&state, &session)?;
    Ok(recolte_sync::client::present(&state.presence, &recolte_core::schema::DocName::Session(event, session)))
}
