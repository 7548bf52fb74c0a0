//! The facilitator's screen: sub-groups and proposals of a session.

use recolte_core::ids::{EventId, ProposalId, SessionId, SubgroupId};
use recolte_core::model::{Proposal, Subgroup};
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ts_rs::TS)]
pub struct SessionView {
    pub subgroups: Vec<Subgroup>,
    pub proposals: Vec<Proposal>,
}

#[tauri::command(async)]
pub fn session_view(state: State<'_, AppState>, event: String, session: String) -> Result<SessionView, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let session: SessionId = parse(&state, &session)?;
    state.with_store(|store| {
        Ok(SessionView {
            subgroups: store.subgroups(session, false)?,
            proposals: store
                .proposals(event, &ProposalFilter { session: Some(session), all: true, ..Default::default() })?,
        })
    })
}

#[tauri::command(async)]
pub fn subgroup_add(state: State<'_, AppState>, session: String, name: String) -> Result<SubgroupId, ApiError> {
    let session: SessionId = parse(&state, &session)?;
    state.with_store(|store| store.add_subgroup(session, &name))
}

#[tauri::command(async)]
pub fn subgroup_rename(
    state: State<'_, AppState>,
    session: String,
    subgroup: String,
    name: String,
) -> Result<(), ApiError> {
    let session: SessionId = parse(&state, &session)?;
    state.with_store(|store| store.rename_subgroup(session, &subgroup, &name))
}

#[derive(Deserialize, ts_rs::TS)]
pub struct NewProposal {
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub kind: String,
    pub subgroup: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

#[tauri::command(async)]
pub fn proposal_add(
    state: State<'_, AppState>,
    session: String,
    proposal: NewProposal,
) -> Result<ProposalId, ApiError> {
    let session: SessionId = parse(&state, &session)?;
    let input = ProposalInput {
        title: proposal.title,
        body: proposal.body,
        kind: parse(&state, &proposal.kind)?,
        subgroup: proposal.subgroup.filter(|s| !s.is_empty()),
        tags: proposal.tags,
        author: None,
    };
    state.with_store(|store| store.add_proposal(session, &input))
}

#[derive(Deserialize, ts_rs::TS)]
pub struct ProposalChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    #[serde(flatten)]
    #[ts(flatten)]
    pub bases: super::TextBases,
    pub kind: Option<String>,
    /// An empty string takes the proposal out of its sub-group.
    pub subgroup: Option<String>,
    pub tags: Option<Vec<String>>,
}

#[tauri::command(async)]
pub fn proposal_edit(state: State<'_, AppState>, id: String, changes: ProposalChanges) -> Result<(), ApiError> {
    let id: ProposalId = parse(&state, &id)?;
    let update = ProposalUpdate {
        title: changes.title,
        body: changes.body,
        title_base: changes.bases.title_base,
        body_base: changes.bases.body_base,
        kind: changes.kind.as_deref().map(|k| parse(&state, k)).transpose()?,
        subgroup: changes.subgroup.map(|s| Some(s).filter(|s| !s.is_empty())),
        tags: changes.tags,
    };
    state.with_store(|store| store.edit_proposal(id, &update))
}

#[tauri::command(async)]
pub fn proposal_set_deleted(state: State<'_, AppState>, id: String, deleted: bool) -> Result<(), ApiError> {
    let id: ProposalId = parse(&state, &id)?;
    // Already so (deleted twice from two windows): nothing to do, nothing to say.
    state.with_store(|store| store.set_proposal_deleted(id, deleted).map(|_| ()))
}

/// The session's clock, shared by its facilitators.
#[tauri::command(async)]
pub fn session_clock(
    state: State<'_, AppState>,
    session: String,
) -> Result<recolte_core::schema::SessionClock, ApiError> {
    let session = parse(&state, &session)?;
    state.with_store(|store| store.session_clock(session))
}

/// Start now, pause, resume, extend the current phase, or skip to the next; `phase`, the one
/// the window showed as current (see `Store::clock_action`).
#[tauri::command(async)]
pub fn session_clock_action(
    state: State<'_, AppState>,
    session: String,
    action: recolte_core::schema::ClockAction,
    minutes: Option<u32>,
    phase: Option<usize>,
) -> Result<recolte_core::schema::SessionClock, ApiError> {
    let session = parse(&state, &session)?;
    state.with_store(|store| store.clock_action(session, action, minutes, phase))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    /// The window sends a card's base beside its text, flattened as the generated type says.
    #[test]
    fn a_card_s_save_reads_its_base() {
        let changes: super::ProposalChanges = serde_json::from_value(
            serde_json::json!({ "title": "Former les élus locaux", "title_base": "Former les élus" }),
        )
        .unwrap();
        assert_eq!(changes.bases.title_base.as_deref(), Some("Former les élus"));
        assert!(changes.bases.body_base.is_none() && changes.body.is_none());
    }
}
