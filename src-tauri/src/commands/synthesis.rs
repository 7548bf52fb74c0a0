//! The rapporteur's screen: a theme's proposals, duplicates, consolidated proposals.

use recolte_core::dedupe::Suggestion;
use recolte_core::ids::{ConsolidatedId, EventId, ProposalId};
use recolte_core::model::{Consolidated, Proposal, SearchHit};
use recolte_core::schema::ConsolidatedPatch;
use recolte_store::ProposalFilter;
use serde::{Deserialize, Serialize};
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ts_rs::TS)]
pub struct ThemeView {
    pub proposals: Vec<Proposal>,
    pub consolidated: Vec<Consolidated>,
}

#[tauri::command(async)]
pub fn theme_view(state: State<'_, AppState>, event: String, theme: u32) -> Result<ThemeView, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| {
        Ok(ThemeView {
            proposals: store.proposals(event, &ProposalFilter { theme: Some(theme), ..Default::default() })?,
            consolidated: store.consolidated(event, theme, false)?,
        })
    })
}

#[tauri::command(async)]
pub fn search(state: State<'_, AppState>, event: String, query: String) -> Result<Vec<SearchHit>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.search(event, &query, 100))
}

#[tauri::command(async)]
pub fn duplicates_suggest(state: State<'_, AppState>, event: String, theme: u32) -> Result<Vec<Suggestion>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.suggest_duplicates(event, theme))
}

#[derive(Deserialize, ts_rs::TS)]
pub struct Merge {
    pub theme: u32,
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub proposals: Vec<String>,
}

#[derive(Serialize, ts_rs::TS)]
pub struct Merged {
    pub id: ConsolidatedId,
    /// Word pairs a merge made by hand taught the theme's lexicon.
    pub learned: Vec<(String, String)>,
}

#[tauri::command(async)]
pub fn synthesis_merge(state: State<'_, AppState>, event: String, merge: Merge) -> Result<Merged, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let ids = merge.proposals.iter().map(|p| parse::<ProposalId>(&state, p)).collect::<Result<Vec<_>, _>>()?;
    state.with_store(|store| {
        let (id, learned) = store.merge_and_learn(event, merge.theme, &merge.title, &merge.body, &ids, None)?;
        Ok(Merged { id, learned })
    })
}

/// The rapporteur's triage of a theme: proposals set aside, pairs dismissed, the lexicon.
#[tauri::command(async)]
pub fn synthesis_triage(
    state: State<'_, AppState>,
    event: String,
    theme: u32,
) -> Result<recolte_store::Triage, ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.triage(event, theme))
}

/// Sets a proposal aside (`reason`: off_topic, exact_duplicate, other) or takes it back (null).
#[tauri::command(async)]
pub fn proposal_set_aside(state: State<'_, AppState>, id: String, reason: Option<String>) -> Result<(), ApiError> {
    let id: ProposalId = parse(&state, &id)?;
    let reason = reason.as_deref().map(|r| parse(&state, r)).transpose()?;
    state.with_store(|store| store.set_proposal_aside(id, reason).map(|_| ()))
}

/// "Pas des doublons".
#[tauri::command(async)]
pub fn duplicates_dismiss(
    state: State<'_, AppState>,
    event: String,
    theme: u32,
    proposals: Vec<String>,
) -> Result<(), ApiError> {
    let event: EventId = parse(&state, &event)?;
    let ids = proposals.iter().map(|p| parse::<ProposalId>(&state, p)).collect::<Result<Vec<_>, _>>()?;
    state.with_store(|store| store.dismiss_duplicates(event, theme, &ids))
}

/// Adds a pair of words to the theme's lexicon, or takes it out.
#[tauri::command(async)]
pub fn lexicon_set(
    state: State<'_, AppState>,
    event: String,
    theme: u32,
    a: String,
    b: String,
    removed: bool,
) -> Result<(), ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.set_lexicon(event, theme, &a, &b, removed))
}

#[derive(Deserialize, ts_rs::TS)]
pub struct ConsolidatedChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub bases: super::TextBases,
    pub status: Option<String>,
    /// `0` clears the priority.
    pub priority: Option<u32>,
}

#[tauri::command(async)]
pub fn synthesis_edit(state: State<'_, AppState>, id: String, changes: ConsolidatedChanges) -> Result<(), ApiError> {
    let id: ConsolidatedId = parse(&state, &id)?;
    let patch = ConsolidatedPatch {
        title: changes.title,
        body: changes.body,
        title_base: changes.bases.title_base,
        body_base: changes.bases.body_base,
        status: changes.status.as_deref().map(|s| parse(&state, s)).transpose()?,
        priority: changes.priority.map(|p| Some(p).filter(|p| *p > 0)),
    };
    state.with_store(|store| store.edit_consolidated(id, &patch))
}

#[tauri::command(async)]
pub fn synthesis_set_deleted(state: State<'_, AppState>, id: String, deleted: bool) -> Result<(), ApiError> {
    let id: ConsolidatedId = parse(&state, &id)?;
    state.with_store(|store| store.set_consolidated_deleted(id, deleted).map(|_| ()))
}

/// Orders a theme's consolidated proposals: the order given becomes their priorities 1, 2, 3…
#[tauri::command(async)]
pub fn synthesis_reorder(state: State<'_, AppState>, ids: Vec<String>) -> Result<(), ApiError> {
    let ids = ids.iter().map(|id| parse::<ConsolidatedId>(&state, id)).collect::<Result<Vec<_>, _>>()?;
    state.with_store(|store| store.reorder_consolidated(&ids))
}
