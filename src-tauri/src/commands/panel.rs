//! The closing panel's screen: consolidated proposals, marks and comments.

use recolte_core::ids::{CommentId, ConsolidatedId, EventId};
use recolte_store::Review;
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn panel_view(state: State<'_, AppState>, event: String, theme: u32) -> Result<Vec<Review>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.reviews(event, theme))
}

#[tauri::command(async)]
pub fn panel_mark(state: State<'_, AppState>, id: String, carry_forward: bool) -> Result<(), ApiError> {
    let id: ConsolidatedId = parse(&state, &id)?;
    state.with_store(|store| store.mark(id, carry_forward, None).map(|_| ()))
}

#[tauri::command(async)]
pub fn panel_comment(state: State<'_, AppState>, id: String, text: String) -> Result<CommentId, ApiError> {
    let id: ConsolidatedId = parse(&state, &id)?;
    state.with_store(|store| store.comment(id, &text, None))
}

/// Deletes a comment (Ctrl+Z brings it back; its history keeps every text it had).
#[tauri::command(async)]
pub fn panel_comment_delete(state: State<'_, AppState>, id: String) -> Result<(), ApiError> {
    let id: CommentId = parse(&state, &id)?;
    state.with_store(|store| store.set_comment_deleted(id, true).map(|_| ()))
}

/// The organisers set how many dots each panel member has per theme; the members who gave
/// more than that already are returned, to be told (their dots stay counted).
#[tauri::command(async)]
pub fn panel_set_dots(
    state: State<'_, AppState>,
    event: String,
    dots: u32,
) -> Result<Vec<recolte_store::OverDots>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| {
        store.set_dots_per_theme(event, dots)?;
        store.members_over_dots(event, dots)
    })
}

/// This device's member gives `dots` to a consolidated proposal (0 takes them back).
#[tauri::command(async)]
pub fn panel_vote(state: State<'_, AppState>, id: String, dots: u32) -> Result<(), ApiError> {
    let id: ConsolidatedId = parse(&state, &id)?;
    state.with_store(|store| store.vote(id, dots, None))
}

#[tauri::command(async)]
pub fn panel_summary(state: State<'_, AppState>, event: String) -> Result<recolte_store::PanelSummary, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.panel_summary(event))
}

/// The window itself full screen (the projector mode), or back.
#[tauri::command(async)]
pub fn window_fullscreen(window: tauri::WebviewWindow, on: bool) -> Result<(), ApiError> {
    window.set_fullscreen(on).map_err(|e| ApiError::invalid(e.to_string()))
}
