//! What a former invitation leaves to share. A device syncs with one invitation at a time:
//! joining with another (another event's, or the next session's card of a facilitator who runs
//! two) stops sharing what only the former could write. Changes made here and not yet shared
//! would then wait unseen for good (the rapporteur never receives a session's last proposals).
//!
//! So a join first sends them through the former invitation, at its hub and, for the same
//! event, at the new invitation's hubs (any hub of the event takes the former token). When
//! none answers (the venue's Wi-Fi is down), a join for the same event goes ahead all the same,
//! since the facilitator must be able to capture the next session, and the former invitation
//! is kept aside: sync tries it again until what it holds is shared, it expires, or a hub
//! refuses it for good. A join for another event is refused instead (its changes would wait
//! behind a device that no longer syncs that event). Documents the new invitation may write
//! as well are not concerned: they are shared under it.

use recolte_core::access::{Access, Scope};
use recolte_core::schema::DocName;
use recolte_core::token;

use crate::client::{documents_for, sync_once, SharedStore, SyncError, Target};
use crate::join::remembered_target;
use crate::refusal::RefusalCode;

/// The former invitations kept aside (a JSON list), in the store's settings.
const FORMER: &str = "sync.former";

fn lock(store: &SharedStore) -> std::sync::MutexGuard<'_, recolte_store::Store> {
    recolte_store::Store::lock_shared(store)
}

/// Changes made here, confirmed by none of `hubs`, in documents that `former` may write and
/// `next` may not. A refusal for good of the whole token (expired, revoked…) means they never
/// will be: 0; one of a single document (out of scope) leaves only that one out.
pub(crate) fn left_behind(
    store: &SharedStore,
    hubs: &[&str],
    former: &Scope,
    next: Option<&Scope>,
) -> Result<usize, SyncError> {
    let mut store = lock(store);
    let Some(record) = store.event_record(former.event)? else { return Ok(0) };
    let still_written: Vec<DocName> = next
        .filter(|next| next.event == former.event)
        .map(|next| documents_for(next, Some(&record)))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, access)| *access == Access::Write)
        .map(|(doc, _)| doc)
        .collect();
    let mut unshared = 0;
    for (doc, access) in documents_for(former, Some(&record)) {
        if access != Access::Write || still_written.contains(&doc) {
            continue;
        }
        let mut least = usize::MAX;
        for hub in hubs {
            let refusal = store
                .sync_record(hub, &doc)?
                .and_then(|r| r.error)
                .and_then(|(code, _)| RefusalCode::parse(&code))
                .filter(|code| code.is_final());
            match refusal {
                Some(code) if code.applies_to_every_document() => return Ok(0),
                Some(_) => least = 0,
                None => least = least.min(store.unconfirmed_local_edits(hub, &doc)?),
            }
        }
        unshared += if least == usize::MAX { 0 } else { least };
    }
    Ok(unshared)
}

/// Before joining with `next` (its token, its hubs): sends what only the invitation this
/// device syncs with may write. Returns what is still left (0: nothing), and the former target
/// when it is to be kept aside; refuses a join for another event while anything is left.
pub(crate) async fn hand_over_first(
    store: &SharedStore,
    next_token: &str,
    next_hubs: &[String],
    keeps_organiser: bool,
) -> Result<usize, SyncError> {
    let Some(previous) = remembered_target(&lock(store))? else { return Ok(0) };
    let Ok(former) = token::peek(&previous.token) else { return Ok(0) };
    let next = token::peek(next_token)?;
    let same_event = former.scope.event == next.scope.event;
    // The organiser's device joining its own event's link keeps its organiser token.
    if former.expired() || previous.token == next_token || (same_event && keeps_organiser) {
        return Ok(0);
    }
    let mut tried: Vec<String> = vec![previous.hub.clone()];
    let left = |tried: &[String]| {
        let hubs: Vec<&str> = tried.iter().map(String::as_str).collect();
        left_behind(store, &hubs, &former.scope, Some(&next.scope))
    };
    if left(&tried)? == 0 {
        return Ok(0);
    }
    if let Err(error) = sync_once(store.clone(), &previous).await {
        tracing::info!("{}: {error}; what is left to share goes another way", previous.hub);
    }
    // The same event's other hubs take the former token too (the room's laptop, the server).
    if same_event {
        for hub in next_hubs.iter().filter(|hub| **hub != previous.hub) {
            if left(&tried)? == 0 {
                break;
            }
            tried.push(hub.clone());
            if let Err(error) = sync_once(store.clone(), &Target::new(hub.clone(), previous.token.clone())).await {
                tracing::info!("{hub}: {error}");
            }
        }
    }
    let unshared = left(&tried)?;
    if unshared == 0 {
        return Ok(0);
    }
    if !same_event {
        let name = lock(store).event(former.scope.event)?.name;
        return Err(SyncError::UnsharedElsewhere { event: name, unshared });
    }
    keep_aside(store, previous)?;
    Ok(unshared)
}

/// Before a device syncs with a hub and token given by hand (`recolte sync --hub … --token …`,
/// the app's « Avancé »): the same hand-over as a join's, when the token is not the one it
/// syncs with. Returns what is kept aside to share later.
pub async fn before_switching(store: &SharedStore, target: &Target) -> Result<usize, SyncError> {
    let event = token::peek(&target.token)?.scope.event;
    let organiser = crate::join::keeps_organiser(&lock(store), event)?;
    hand_over_first(store, &target.token, std::slice::from_ref(&target.hub), organiser).await
}

/// Keeps a former invitation aside until what only it may write is shared.
fn keep_aside(store: &SharedStore, former: Target) -> Result<(), SyncError> {
    let mut kept = formers(store)?;
    kept.retain(|t| t.token != former.token);
    kept.push(former);
    save(store, &kept)
}

fn formers(store: &SharedStore) -> Result<Vec<Target>, SyncError> {
    let text = lock(store).setting(FORMER)?.unwrap_or_default();
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
    Ok(list
        .iter()
        .filter_map(|t| {
            let (hub, token) = (t["hub"].as_str()?, t["token"].as_str()?);
            Some(Target::new(hub, token).pinned(t["fingerprint"].as_str().map(str::to_owned)))
        })
        .collect())
}

fn save(store: &SharedStore, formers: &[Target]) -> Result<(), SyncError> {
    let list: Vec<serde_json::Value> = formers
        .iter()
        .map(|t| serde_json::json!({ "hub": t.hub, "token": t.token, "fingerprint": t.fingerprint }))
        .collect();
    let text = if list.is_empty() { String::new() } else { serde_json::Value::Array(list).to_string() };
    lock(store).set_setting(FORMER, &text)?;
    Ok(())
}

/// Tries again every former invitation kept aside (at its hub, and at the hub this device now
/// syncs with): those whose changes are shared, that expired or were refused for good are let
/// go. Returns how many changes are still waiting. Called by background sync and `recolte sync`.
pub async fn hand_over_later(store: &SharedStore) -> Result<usize, SyncError> {
    let kept = formers(store)?;
    if kept.is_empty() {
        return Ok(0);
    }
    let current = remembered_target(&lock(store))?;
    let next = current.as_ref().and_then(|t| token::peek(&t.token).ok());
    let mut still = Vec::new();
    let mut waiting = 0;
    for former in kept {
        let Ok(grant) = token::peek(&former.token) else { continue };
        if grant.expired() {
            continue;
        }
        // Syncing another event now: every document the former may write is left behind.
        let next_scope = next.as_ref().map(|n| &n.scope);
        let mut tried = vec![former.hub.clone()];
        let left = |tried: &[String]| {
            let hubs: Vec<&str> = tried.iter().map(String::as_str).collect();
            left_behind(store, &hubs, &grant.scope, next_scope)
        };
        if left(&tried)? > 0 {
            let _ = sync_once(store.clone(), &former).await;
        }
        if let Some(current) = current.as_ref().filter(|c| c.hub != former.hub) {
            if left(&tried)? > 0 && next.as_ref().is_some_and(|n| n.scope.event == grant.scope.event) {
                tried.push(current.hub.clone());
                let there = Target::new(current.hub.clone(), former.token.clone()).pinned(current.fingerprint.clone());
                let _ = sync_once(store.clone(), &there).await;
            }
        }
        let left = left(&tried)?;
        if left > 0 {
            waiting += left;
            still.push(former);
        }
    }
    save(store, &still)?;
    Ok(waiting)
}
