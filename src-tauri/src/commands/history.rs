//! Undo and redo of this device's own changes, and the versions of a wording.

use recolte_core::ids::EventId;
use recolte_core::schema::ConsolidatedRecord;
use recolte_store::{
    Moment, NamedSnapshot, RestorePreview, SessionContent, SnapshotContent, SnapshotRestore, UndoDepth, UndoOutcome,
    UndoPlace, Version,
};
use serde::Deserialize;
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

/// Where the UI asks to undo: the session on screen, the theme on screen, or the panel.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PlaceArg {
    Session(String),
    Theme(u32),
    Panel,
}

fn place(state: &AppState, place: &PlaceArg) -> Result<UndoPlace, ApiError> {
    Ok(match place {
        PlaceArg::Session(id) => UndoPlace::Session(parse(state, id)?),
        PlaceArg::Theme(theme) => UndoPlace::Theme(*theme),
        PlaceArg::Panel => UndoPlace::Panel,
    })
}

#[tauri::command(async)]
pub fn undo_step(
    state: State<'_, AppState>,
    event: String,
    place: PlaceArg,
    redo: bool,
) -> Result<UndoOutcome, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let place = self::place(&state, &place)?;
    state.with_store(|store| {
        let doc = store.undo_document(event, place)?;
        if redo {
            store.redo(&doc)
        } else {
            store.undo(&doc)
        }
    })
}

#[tauri::command(async)]
pub fn undo_depth(state: State<'_, AppState>, event: String, place: PlaceArg) -> Result<UndoDepth, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let place = self::place(&state, &place)?;
    state.with_store(|store| store.undo_depth(&store.undo_document(event, place)?))
}

/// The versions of a captured or a consolidated proposal, oldest first.
#[tauri::command(async)]
pub fn wording_history(state: State<'_, AppState>, id: String) -> Result<Vec<Version>, ApiError> {
    state.with_store(|store| store.wording_history(&id))
}

/// Writes a former version back as a new edit.
#[tauri::command(async)]
pub fn wording_restore(state: State<'_, AppState>, id: String, version: usize) -> Result<(), ApiError> {
    state.with_store(|store| store.restore_version(&id, version))
}

/// A session as it stood at a moment (`at`: as `recolte history session --at` reads it; none:
/// now), with every moment it changed, for a slider. Read only.
#[tauri::command(async)]
pub fn session_at(
    state: State<'_, AppState>,
    session: String,
    at: Option<String>,
) -> Result<Moment<SessionContent>, ApiError> {
    let session = parse(&state, &session)?;
    state.with_store(|store| store.session_at(session, at.as_deref()))
}

/// A theme's consolidated proposals as they stood at a moment. Read only.
#[tauri::command(async)]
pub fn synthesis_at(
    state: State<'_, AppState>,
    event: String,
    theme: u32,
    at: Option<String>,
) -> Result<Moment<Vec<ConsolidatedRecord>>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.synthesis_at(event, theme, at.as_deref()))
}

/// The named snapshots of the document on screen, oldest first (the end-of-slot ones that are
/// due are taken first).
#[tauri::command(async)]
pub fn snapshot_list(
    state: State<'_, AppState>,
    event: String,
    place: PlaceArg,
) -> Result<Vec<NamedSnapshot>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let place = self::place(&state, &place)?;
    state.with_store(|store| {
        let doc = store.undo_document(event, place)?;
        store.snapshots(event, Some(&doc))
    })
}

/// Takes a snapshot of the document on screen now, with a name.
#[tauri::command(async)]
pub fn snapshot_take(
    state: State<'_, AppState>,
    event: String,
    place: PlaceArg,
    name: String,
) -> Result<NamedSnapshot, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let place = self::place(&state, &place)?;
    state.with_store(|store| {
        let doc = store.undo_document(event, place)?;
        store.take_snapshot(&doc, &name)
    })
}

/// What a snapshot holds. Read only.
#[tauri::command(async)]
pub fn snapshot_show(state: State<'_, AppState>, id: String) -> Result<SnapshotContent, ApiError> {
    state.with_store(|store| store.snapshot_content(&id))
}

/// What restoring the snapshot would do now (fields written back, records taken away from
/// everyone), to say before doing it. Nothing is written.
#[tauri::command(async)]
pub fn snapshot_restore_preview(state: State<'_, AppState>, id: String) -> Result<RestorePreview, ApiError> {
    state.with_store(|store| store.restore_preview(&id))
}

/// Puts the document back as it stood at the snapshot, as a new edit of this device.
#[tauri::command(async)]
pub fn snapshot_restore(state: State<'_, AppState>, id: String) -> Result<SnapshotRestore, ApiError> {
    state.with_store(|store| store.restore_snapshot(&id))
}
