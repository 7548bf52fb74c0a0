//! The sync indicator and the hub settings.

use recolte_sync::client::SyncError;
use recolte_sync::status::{self, DocReport, Summary};
use tauri::State;

use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn sync_status(state: State<'_, AppState>) -> Result<Summary, ApiError> {
    summarize(&state)
}

/// Per document: may write or read, changes not yet shared, the last exchange, and why the
/// hub refused.
#[tauri::command(async)]
pub fn sync_details(state: State<'_, AppState>, event: String) -> Result<Vec<DocReport>, ApiError> {
    let event = super::parse(&state, &event)?;
    let (target, lang) = (state.target(), state.lang());
    state.with_store(|store| status::report(store, target.as_ref(), Some(&state.board), event, lang))
}

#[tauri::command]
pub async fn sync_configure(
    state: State<'_, AppState>,
    hub: String,
    token: String,
    event: Option<String>,
    fingerprint: Option<String>,
) -> Result<(), ApiError> {
    let lang = state.lang();
    let hub = recolte_core::invitation::normalize_hub(&hub)
        .map_err(|e| ApiError::invalid(recolte_core::Localize::localize(&e, lang)))?;
    // The organiser's device needs no token: it signs its own with the event's key (it never
    // leaves this device, and is signed again as it nears its end). Any other device, given no
    // token, goes on with the one it syncs with (to the room's laptop, the venue's server down).
    let event = event.map(|e| super::parse(&state, &e)).transpose()?;
    let own = match event.filter(|_| token.trim().is_empty()) {
        Some(event) => state.with_store(|store| {
            recolte_sync::join::organiser_target(
                store,
                event,
                Some(hub.clone()),
                recolte_sync::join::ORGANISER_TOKEN_VALIDITY,
            )
        })?,
        None => None,
    };
    let given = match own {
        Some(own) => Some(own),
        None => state.with_store(|store| {
            recolte_sync::join::hand_given_target(store, &hub, Some(&token), fingerprint.as_deref())
        })?,
    };
    let target = given.ok_or_else(|| {
        ApiError::invalid(
            lang.pick(
                "indiquez le jeton d'accès reçu, ou rejoignez avec le lien d'invitation (seul l'appareil de \
                 l'organisation, qui détient la clé de l'événement, se passe de jeton)",
                "give the access token you received, or join with the invitation link (only the organiser's \
                 device, which holds the event's key, needs no token)",
            )
            .to_owned(),
        )
    })?;
    let grant = recolte_core::token::peek(&target.token).map_err(|e| ApiError::from_sync(&e.into(), lang))?;
    // The token kept (none typed) is for another event than the one shown: its hub is not that
    // event's (a nearby laptop of the event on screen while this device syncs another).
    if event.is_some_and(|event| event != grant.scope.event) && token.trim().is_empty() {
        return Err(ApiError::invalid(
            lang.pick(
                "cet appareil se synchronise avec une invitation d'un autre événement : rejoignez celui-ci avec son \
                 lien d'invitation",
                "this device syncs with an invitation of another event: join this one with its invitation link",
            )
            .to_owned(),
        ));
    }
    state
        .with_store(|store| Ok(recolte_sync::join::check_token(store, &target.token)))?
        .map_err(|e| ApiError::from_sync(&e, lang))?;
    // Through a connection of its own, as a link's join: the window's reads never wait for it.
    // Only a hub without the event is refused here; one out of reach is retried by the engine.
    let own = recolte_store::Store::open(&state.data_dir).map_err(|e| ApiError::from_store(&e, lang))?;
    let own = std::sync::Arc::new(std::sync::Mutex::new(own));
    // Another token than the one this device syncs with: what only the former may write goes
    // first, or is kept aside for background sync (another event's join is refused meanwhile).
    // (What the former can no longer share shows in the status, with what carries it: a bundle.)
    recolte_sync::handover::before_switching(&own, &target).await.map_err(|e| ApiError::from_sync(&e, lang))?;
    let first = recolte_sync::join::first_exchange(&own, &target).await;
    // A hub without the event, or one whose certificate is not the one expected, is said and
    // nothing is remembered: the device stays with the hub (and the certificate) it had.
    if let Err(
        error @ (SyncError::EventNotOnHub { .. }
        | SyncError::HubWithoutEvent { .. }
        | SyncError::WrongCertificate { .. }
        | SyncError::UnknownCertificate { .. }),
    ) = first
    {
        return Err(ApiError::from_sync(&error, lang));
    }
    state.with_store(|store| recolte_sync::join::remember_chosen(store, &target))?;
    crate::start_sync(&state, target);
    Ok(())
}

/// Reconnects every document now instead of waiting for the back-off.
#[tauri::command(async)]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), ApiError> {
    if let Some(target) = state.target() {
        crate::start_sync(&state, target);
    }
    Ok(())
}

/// The status pill: the worst state of the documents of the event this device syncs.
pub fn summarize(state: &AppState) -> Result<Summary, ApiError> {
    let Some(target) = state.target() else {
        return Ok(status::summarize(&[], None));
    };
    let lang = state.lang();
    let event = match recolte_core::token::peek(&target.token) {
        Ok(grant) => grant.scope.event,
        Err(error) => {
            return Ok(status::unreadable_token(&target.hub, ApiError::from_sync(&error.into(), lang).message))
        }
    };
    let (docs, found_nearby) = state.with_store(|store| {
        let docs = status::report(store, Some(&target), Some(&state.board), event, lang)?;
        Ok((docs, recolte_sync::failover::found_nearby(store, &target.hub)?))
    })?;
    Ok(status::Summary { found_nearby, ..status::summarize(&docs, Some(&target.hub)) })
}

/// Who else is connected to a session right now.
#[tauri::command(async)]
pub fn presence(state: State<'_, AppState>, event: String, session: String) -> Result<Vec<String>, ApiError> {
    let event = super::parse(&state, &event)?;
    let session = super::parse(&state, &session)?;
    Ok(recolte_sync::client::present(&state.presence, &recolte_core::schema::DocName::Session(event, session)))
}
