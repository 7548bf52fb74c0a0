//! Start of the app: settings, events, the programme.

use recolte_core::ids::EventId;
use recolte_core::model::SessionInfo;
use recolte_store::{EventSummary, EventView};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

/// The sample programme shipped with the app: the Assises de l'innovation publique 2025.
use recolte_core::programme::SAMPLE;

#[derive(Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: &'static str,
    pub data_dir: String,
    pub lang: recolte_core::Lang,
    pub author: String,
    pub hub: Option<String>,
    /// Set when the store could only be opened for reading (a full or read-only disk): what
    /// the window says about it, in the device's language, on every screen.
    pub read_only: Option<String>,
}

#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    let lang = state.lang();
    state.with_store(|store| {
        Ok(AppInfo {
            version: recolte_build_info::DESCRIBE,
            data_dir: store.path().parent().map(|p| p.display().to_string()).unwrap_or_default(),
            lang,
            author: store.author()?,
            hub: store.setting(recolte_sync::join::settings::HUB)?,
            read_only: store.unwritable().map(|why| why.notice(lang)),
        })
    })
}

#[derive(Deserialize, ts_rs::TS)]
pub struct Settings {
    pub author: String,
    pub lang: String,
}

#[tauri::command(async)]
pub fn settings_save(state: State<'_, AppState>, settings: Settings) -> Result<(), ApiError> {
    let lang = recolte_core::Lang::parse(&settings.lang).unwrap_or_default();
    state.with_store(|store| {
        // Clearing a name given before is refused (it would sign nothing); a device not named
        // yet may still change its language alone.
        if !settings.author.trim().is_empty() || !store.author()?.is_empty() {
            store.set_author(&settings.author)?;
        }
        store.set_setting(recolte_store::settings::LANG, if lang == recolte_core::Lang::En { "en" } else { "fr" })
    })
}

#[tauri::command(async)]
pub fn events_list(state: State<'_, AppState>) -> Result<Vec<EventSummary>, ApiError> {
    state.with_store(|store| store.events())
}

#[tauri::command(async)]
pub fn event_load_sample(state: State<'_, AppState>) -> Result<EventId, ApiError> {
    state.with_store(|store| store.import_practice(SAMPLE))
}

#[tauri::command(async)]
pub fn event_import_text(state: State<'_, AppState>, text: String) -> Result<EventId, ApiError> {
    state.with_store(|store| store.import_programme(&text))
}

#[tauri::command(async)]
pub fn event_show(state: State<'_, AppState>, event: String) -> Result<EventView, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let view = state.with_store(|store| store.event(event))?;
    // What the backend's messages say of times (an invitation's expiry), on the event's clock
    // as the window shows them.
    recolte_core::moment::show_times_in(&view.timezone);
    Ok(view)
}

#[tauri::command(async)]
pub fn sessions_list(
    state: State<'_, AppState>,
    event: String,
    theme: Option<u32>,
) -> Result<Vec<SessionInfo>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.sessions(event, theme))
}
