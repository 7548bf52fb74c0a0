//! The organiser's screen (invitations, who joined, events held here), joining with an
//! invitation, and what this device may do. Each command is an adapter to the core.

use recolte_core::ids::EventId;
use recolte_core::schema::JoinedDevice;
use recolte_store::{EventSummary, InvitationRecord, InvitationRequest};
use recolte_sync::join::Preview;
use recolte_sync::status::{self, DeviceAccess, ErrorReport};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn device_access(state: State<'_, AppState>, event: String) -> Result<DeviceAccess, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let target = state.target_for(event);
    state.with_store(|store| status::device_access(store, target.as_ref(), event))
}

/// Removes an event from this device only; if it was the one syncing, sync stops.
#[tauri::command(async)]
pub fn event_remove(state: State<'_, AppState>, event: String) -> Result<(), ApiError> {
    let event: EventId = parse(&state, &event)?;
    let syncing = state.target().and_then(|t| recolte_core::token::peek(&t.token).ok()).map(|g| g.scope.event);
    if syncing == Some(event) {
        crate::stop_sync(&state);
    }
    state.with_store(|store| store.remove_event(event))
}

#[derive(Serialize, ts_rs::TS)]
pub struct OrganisationView {
    pub event: EventSummary,
    pub holds_key: bool,
    pub invitations: Vec<InvitationRecord>,
    pub devices: Vec<JoinedDevice>,
    /// Hub addresses to put in new invitations: the hub this device uses, the hub it serves.
    pub suggested_hubs: Vec<String>,
}

#[tauri::command(async)]
pub fn organisation_view(state: State<'_, AppState>, event: String) -> Result<OrganisationView, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let mut suggested_hubs: Vec<String> = super::hub::hub_info(state.clone()).addresses;
    if let Some(target) = state.target() {
        if !suggested_hubs.contains(&target.hub) {
            suggested_hubs.push(target.hub);
        }
    }
    state.with_store(|store| {
        let summary = store
            .events()?
            .into_iter()
            .find(|e| e.id == event)
            .ok_or_else(|| recolte_store::Error::UnknownEvent(event.to_string()))?;
        Ok(OrganisationView {
            event: summary,
            holds_key: store.holds_key(event)?,
            invitations: store.invitations(event, lang)?,
            devices: store.joined_devices(event)?,
            suggested_hubs,
        })
    })
}

/// A new invitation as the UI sends it.
#[derive(Deserialize, ts_rs::TS)]
pub struct NewInvitation {
    pub role: String,
    pub sessions: Vec<String>,
    pub themes: Vec<u32>,
    #[serde(rename = "for")]
    pub for_name: Option<String>,
    pub valid: String,
    pub hubs: Vec<String>,
}

#[tauri::command(async)]
pub fn invitation_create(
    state: State<'_, AppState>,
    event: String,
    request: NewInvitation,
) -> Result<InvitationRecord, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let role = request.role.parse().map_err(ApiError::invalid)?;
    let sessions = request.sessions.iter().map(|s| parse(&state, s)).collect::<Result<Vec<_>, _>>()?;
    let request = InvitationRequest {
        role,
        sessions,
        themes: request.themes,
        for_name: request.for_name,
        valid_for: state.with_store(|store| store.invitation_validity(event, &request.valid))?,
        fingerprint: None,
        hubs: request.hubs.into_iter().filter(|h| !h.trim().is_empty()).collect(),
    };
    let request = InvitationRequest { fingerprint: invitation_fingerprint(&state, &request.hubs)?, ..request };
    state.with_store(|store| store.create_invitation(event, &request, lang))
}

#[tauri::command(async)]
pub fn invitation_create_all(
    state: State<'_, AppState>,
    event: String,
    hubs: Vec<String>,
    valid: String,
) -> Result<recolte_store::AllInvitations, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let valid_for = state.with_store(|store| store.invitation_validity(event, &valid))?;
    let hubs: Vec<String> = hubs.into_iter().filter(|h| !h.trim().is_empty()).collect();
    let fingerprint = invitation_fingerprint(&state, &hubs)?;
    state.with_store(|store| store.create_all_invitations(event, &hubs, valid_for, fingerprint.as_deref(), lang))
}

/// The certificate fingerprint the invitations for `hubs` carry (see the library's).
fn invitation_fingerprint(state: &AppState, hubs: &[String]) -> Result<Option<String>, ApiError> {
    recolte_sync::tls::invitation_fingerprint(&state.data_dir, hubs, state.target().as_ref())
        .map_err(|e| ApiError::invalid(recolte_core::Localize::localize(&e, state.lang())))
}

#[tauri::command(async)]
pub fn invitation_revoke(state: State<'_, AppState>, event: String, id: String) -> Result<(), ApiError> {
    let event: EventId = parse(&state, &event)?;
    state.with_store(|store| store.revoke_invitation(event, &id).map(|_| ()))
}

/// Writes the printable sheet into the exports folder.
#[tauri::command(async)]
pub fn invitation_sheet(
    state: State<'_, AppState>,
    event: String,
    ids: Vec<String>,
) -> Result<super::export::Written, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let name = state.with_store(|store| Ok(store.event(event)?.name))?;
    let folder = super::export::folder(&state, &name);
    let path = folder.join(lang.pick("invitations.html", "invitations.html"));
    let mut store = state.store();
    recolte_export::export_invitation_sheet(&mut store, event, &ids, &path, lang).map_err(|e| ApiError {
        code: crate::error::ErrorCode::Storage,
        message: recolte_core::Localize::localize(&e, lang),
    })?;
    Ok(super::export::Written {
        folder: folder.display().to_string(),
        files: vec![path.display().to_string()],
        incomplete: None,
    })
}

#[tauri::command(async)]
pub fn invitation_preview(state: State<'_, AppState>, link: String) -> Result<Preview, ApiError> {
    let lang = state.lang();
    let event = recolte_core::invitation::Invitation::parse(&link).ok().map(|i| i.event);
    let (record, holds_key) = match event {
        Some(event) => state.with_store(|store| {
            let organiser_device = recolte_sync::join::keeps_organiser(store, event)?;
            Ok((store.event_record(event)?, organiser_device))
        })?,
        None => (None, false),
    };
    recolte_sync::join::preview(&link, record.as_ref(), holds_key, lang).map_err(|e| ApiError::from_sync(&e, lang))
}

#[derive(Serialize, ts_rs::TS)]
pub struct JoinResult {
    pub event: EventId,
    /// Whether the first exchange with the hub happened (else sync keeps trying).
    pub pulled: bool,
    pub error: Option<ErrorReport>,
    /// This device made the event: it kept its organiser rights (the invitation was not used).
    pub as_organiser: bool,
    /// Changes only the former invitation may write, not shared yet: background sync sends
    /// them as soon as its hub, or the new invitation's, answers.
    pub left_behind: usize,
    /// Changes only the former invitation could write, which it can no longer share (expired
    /// or revoked): they stay on this device, and a bundle carries them.
    pub stranded: usize,
}

/// Joins with an invitation: pulls what it may read, then keeps syncing in the background.
#[tauri::command]
pub async fn join_invitation(state: State<'_, AppState>, link: String, name: String) -> Result<JoinResult, ApiError> {
    let lang = state.lang();
    // A link parsed here only to know its event; the join reads it again and says what is wrong.
    let invitation = recolte_core::invitation::Invitation::parse(&link).ok();
    // The device that made the event keeps its own name (see `join`): it asks for none.
    let organiser_device = match &invitation {
        Some(i) => state.with_store(|store| recolte_sync::join::keeps_organiser(store, i.event))?,
        None => false,
    };
    if name.trim().is_empty() && !organiser_device {
        return Err(ApiError::invalid(
            lang.pick("indiquez votre nom : il signe vos propositions", "give your name: it signs your proposals")
                .to_owned(),
        ));
    }
    *state.joining.lock().unwrap_or_else(|p| p.into_inner()) =
        invitation.map(|i| recolte_sync::client::Target::new(String::new(), i.token));
    // The first pull writes a whole event: through a connection of its own, so that the
    // window's reads never wait for it (its documents catch up from the log when next read).
    let own = recolte_store::Store::open(&state.data_dir).map_err(|e| ApiError::from_store(&e, lang))?;
    let joined = recolte_sync::join::join(std::sync::Arc::new(std::sync::Mutex::new(own)), &link, &name).await;
    if let Ok(joined) = &joined {
        crate::start_sync(&state, joined.target.clone());
    }
    // Cleared once the sync engine holds the token, so no redraw falls between the two.
    *state.joining.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let joined = joined.map_err(|e| ApiError::from_sync(&e, lang))?;
    *state.pending_link.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let error = joined.pending.as_ref().and_then(|e| {
        let expires_at = recolte_core::token::peek(&joined.target.token).ok().map(|g| g.expires_at);
        e.refusal().map(|code| ErrorReport { code, message: code.explain(expires_at.as_deref(), lang) })
    });
    Ok(JoinResult {
        event: joined.event,
        pulled: joined.report.is_some(),
        error,
        as_organiser: joined.as_organiser,
        left_behind: joined.left_behind,
        stranded: joined.stranded,
    })
}

/// The invitation link the app was opened with, once.
#[tauri::command(async)]
pub fn pending_link(state: State<'_, AppState>) -> Option<String> {
    state.pending_link.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// The QR code of a link, drawn by the interface from one SVG path.
#[tauri::command(async)]
pub fn qr_code(state: State<'_, AppState>, text: String) -> Result<recolte_export::sheet::QrPath, ApiError> {
    let lang = state.lang();
    recolte_export::sheet::qr_path(&text).map_err(|e| ApiError::invalid(recolte_core::Localize::localize(&e, lang)))
}

/// The arrivals board, from the hub this device serves or syncs with; signed for by this
/// device's own key (only the organiser's device may read it).
#[tauri::command]
pub async fn arrivals_board(
    state: State<'_, AppState>,
    event: String,
) -> Result<recolte_sync::arrivals::ArrivalsBoard, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let served = super::hub::hub_info(state.clone()).port.map(|port| format!("wss://127.0.0.1:{port}"));
    let fingerprint = served.as_ref().and_then(|_| recolte_sync::tls::local_fingerprint(&state.data_dir));
    let target = match served {
        Some(hub) => Some(recolte_sync::client::Target::new(hub, String::new()).pinned(fingerprint)),
        None => state.target(),
    };
    let target = target.ok_or_else(|| {
        ApiError::invalid(
            lang.pick(
                "aucun serveur : servez l'événement depuis cet ordinateur, ou synchronisez avec le serveur de la salle",
                "no hub: serve the event from this computer, or sync with the room's hub",
            )
            .to_owned(),
        )
    })?;
    // The device that holds the event's key signs itself a short organiser token; a second
    // organiser reads the board with the organiser's invitation it joined with (the hub
    // refuses any other role's, in words).
    let token = if state.with_store(|store| store.holds_key(event))? {
        let scope = recolte_core::access::Scope {
            event,
            role: recolte_core::access::Role::Organiser,
            sessions: Vec::new(),
            themes: Vec::new(),
        };
        state.with_store(|store| store.issue_token(&scope, Some("arrivals"), time::Duration::minutes(10)))?
    } else {
        match state.target() {
            Some(joined) => joined.token,
            None => target.token.clone(),
        }
    };
    let target = recolte_sync::client::Target { token, ..target };
    recolte_sync::arrivals::fetch(&target, event).await.map_err(|e| ApiError::from_sync(&e, lang))
}
