//! What a former invitation leaves to share. A device syncs with one invitation at a time:
//! joining with another (another event's, or the next session's card of a facilitator who runs
//! two) stops sharing what only the former could write. Changes not yet shared would then wait
//! unseen for good (the rapporteur never receives a session's last proposals).
//!
//! So a join first sends them through the former invitation, at its own hub. When it does not
//! answer (the venue's Wi-Fi is down, the hub moved), a join for the same event goes ahead all
//! the same, since the facilitator must capture the next session: the former invitation is
//! kept aside, and tried again (at its hub, and at the hub this device now syncs with, which
//! takes any token of the event) right after the join and then by background sync and
//! `recolte sync`, until what it holds is shared, it expires or it is revoked. A join for
//! another event is refused instead while anything is left, kept aside or not (those changes
//! would wait behind a device that no longer syncs that event). Documents the new invitation
//! may write as well are not concerned: they are shared under it.
//!
//! The former token only ever goes to hubs this device already synced with: the former's own,
//! and the one that took the new invitation (a link's hub addresses are not signed).

use recolte_core::access::{Access, Role, Scope};
use recolte_core::schema::DocName;
use recolte_core::token::{self, Grant};
use recolte_store::settings::FORMER_INVITATIONS;

use crate::client::{documents_for, sync_quietly, SharedStore, SyncError, Target, WithoutEvent};
use crate::join::remembered_target;
use crate::refusal::RefusalCode;

fn lock(store: &SharedStore) -> std::sync::MutexGuard<'_, recolte_store::Store> {
    recolte_store::Store::lock_shared(store)
}

/// Edits made on this device, confirmed by none of `hubs`, in documents that `former` may
/// write and `next` may not (`None`: this device no longer syncs that event). What came from
/// elsewhere (a bundle, a room's device) was shared by whoever made it. None when the former
/// token expired or was revoked (the token, the event's own document say so): they never will
/// be shared through it.
pub(crate) fn left_behind(
    store: &SharedStore,
    hubs: &[&str],
    former: &Grant,
    token: &str,
    next: Option<&Scope>,
) -> Result<usize, SyncError> {
    if refused_for_good(&mut lock(store), former, token)? {
        return Ok(0);
    }
    written_only_by(store, hubs, former, next)
}

/// The former token expired, the event's own document says it was revoked, or it is not
/// signed by the event's key.
fn refused_for_good(store: &mut recolte_store::Store, former: &Grant, token: &str) -> Result<bool, SyncError> {
    if former.expired() || store.revocations(former.scope.event)?.iter().any(|r| r.token == former.id) {
        return Ok(true);
    }
    // Not signed by the event's key as this device holds it (the key changed): no hub of the
    // event takes it. (Checked here: a hub's « bad signature » may only mean it serves another
    // event, and the card is then tried elsewhere.)
    match crate::join::check_token(store, token) {
        Err(SyncError::NotSignedByTheEvent { .. }) => Ok(true),
        Err(SyncError::Store(error)) => Err(error.into()),
        _ => Ok(false),
    }
}

/// [`left_behind`], whether or not the former token can still share them.
fn written_only_by(
    store: &SharedStore,
    hubs: &[&str],
    former: &Grant,
    next: Option<&Scope>,
) -> Result<usize, SyncError> {
    let mut store = lock(store);
    let scope = &former.scope;
    let Some(record) = store.event_record(scope.event)? else { return Ok(0) };
    let still_written: Vec<DocName> = next
        .filter(|next| next.event == scope.event)
        .map(|next| documents_for(next, Some(&record)))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, access)| *access == Access::Write)
        .map(|(doc, _)| doc)
        .collect();
    let mut unshared = 0;
    for (doc, access) in documents_for(scope, Some(&record)) {
        if access != Access::Write || still_written.contains(&doc) {
            continue;
        }
        unshared += store.unshared_local_edits_at(hubs, &doc)?;
    }
    Ok(unshared)
}

/// Hands over with the former token, quietly. `true` when the hub says that token ended or was
/// revoked: what it holds can never be shared through it, and waiting for it would hold this
/// device (and another event's join) for nothing. Any other refusal is about that hub (its
/// certificate made again, another computer at its address): the card is tried elsewhere.
async fn try_former(store: &SharedStore, target: &Target) -> bool {
    match sync_quietly(store.clone(), target, WithoutEvent::GoOn).await {
        Ok(_) => false,
        Err(error) => {
            tracing::info!("{}: {error}", target.hub);
            error.refusal().is_some_and(|code| matches!(code, RefusalCode::Expired | RefusalCode::Revoked))
        }
    }
}

/// What a join leaves of the invitation it replaces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HandOver {
    /// Changes kept aside with the former invitation, still to share through it.
    pub kept_aside: usize,
    /// Changes only the former invitation could write, which it can no longer share (it
    /// expired, or was revoked): they stay on this device, and a bundle carries them.
    pub stranded: usize,
}

/// Before joining with `next_token`: sends, at its own hub, what only the invitation this device
/// syncs with may write. For the same event, whatever its hub did not take is kept aside, and
/// counted; for another event, the join is refused while anything is left (of this invitation
/// or of one kept aside). What the former can no longer share is counted too, to be said.
/// `organiser`: the device goes on with its own organiser token for that event (it keeps every
/// right), so nothing of that event is left behind.
pub(crate) async fn hand_over_first(
    store: &SharedStore,
    next_token: &str,
    organiser: bool,
) -> Result<HandOver, SyncError> {
    let next = token::peek(next_token)?;
    let mut elsewhere = 0;
    let mut outcome = HandOver::default();
    let remembered = remembered_target(&lock(store))?;
    if let Some(previous) = remembered.filter(|p| p.token != next_token) {
        if let Ok(former) = token::peek(&previous.token) {
            let same_event = former.scope.event == next.scope.event;
            let next_scope = (same_event && !organiser).then_some(&next.scope);
            let hubs = [previous.hub.as_str()];
            if !(same_event && organiser) && written_only_by(store, &hubs, &former, next_scope)? > 0 {
                let refused =
                    refused_for_good(&mut lock(store), &former, &previous.token)? || try_former(store, &previous).await;
                if refused {
                    outcome.stranded = written_only_by(store, &hubs, &former, next_scope)?;
                } else {
                    match written_only_by(store, &hubs, &former, next_scope)? {
                        0 => {}
                        left if same_event => {
                            keep_aside(store, previous)?;
                            outcome.kept_aside = left;
                        }
                        left => elsewhere += left,
                    }
                }
            }
        }
    }
    // Those kept aside earlier, for another event than the one joined.
    let kept = formers(&lock(store))?;
    for former in kept {
        let Ok(grant) = token::peek(&former.token) else { continue };
        if grant.scope.event == next.scope.event {
            continue;
        }
        if refused_for_good(&mut lock(store), &grant, &former.token)? {
            outcome.stranded += written_only_by(store, &[&former.hub], &grant, None)?;
        } else {
            elsewhere += left_behind(store, &[&former.hub], &grant, &former.token, None)?;
        }
    }
    if elsewhere > 0 {
        let event = previous_event(store, &next)?;
        let name = lock(store).event(event)?.name;
        return Err(SyncError::UnsharedElsewhere { event: name, unshared: elsewhere });
    }
    Ok(outcome)
}

/// The event this device synced (or kept aside an invitation for) other than `next`'s.
fn previous_event(store: &SharedStore, next: &Grant) -> Result<recolte_core::ids::EventId, SyncError> {
    let remembered = remembered_target(&lock(store))?;
    let kept = formers(&lock(store))?;
    let candidates = remembered.into_iter().chain(kept);
    Ok(candidates
        .filter_map(|t| token::peek(&t.token).ok())
        .map(|g| g.scope.event)
        .find(|event| *event != next.scope.event)
        .unwrap_or(next.scope.event))
}

/// Before a device syncs with a hub and token given by hand (`recolte sync --hub … --token …`,
/// the app's « Avancé »): the same hand-over as a join's, when the token is not the one it
/// syncs with (an organiser token keeps every right, so nothing is left behind by it).
pub async fn before_switching(store: &SharedStore, target: &Target) -> Result<HandOver, SyncError> {
    let organiser = token::peek(&target.token)?.scope.role == Role::Organiser;
    hand_over_first(store, &target.token, organiser).await
}

/// Keeps a former invitation aside until what only it may write is shared.
fn keep_aside(store: &SharedStore, former: Target) -> Result<(), SyncError> {
    change(store, |kept| {
        kept.retain(|t| t.token != former.token);
        kept.push(former);
    })
}

/// Lets go of the former invitations whose changes are all shared (or never will be).
fn let_go(store: &SharedStore, done: &[String]) -> Result<(), SyncError> {
    if done.is_empty() {
        return Ok(());
    }
    change(store, |kept| kept.retain(|t| !done.contains(&t.token)))
}

/// One former invitation kept aside, as the setting stores it.
#[derive(serde::Deserialize)]
struct Kept {
    hub: String,
    token: String,
    fingerprint: Option<String>,
}

/// The list kept aside, changed in one transaction: a join on another connection (the app's)
/// keeping one aside while background sync lets another go loses neither. A list that cannot
/// be read is left as it is (writing over it would forget the invitations it holds).
fn change(store: &SharedStore, edit: impl FnOnce(&mut Vec<Target>)) -> Result<(), SyncError> {
    let mut unreadable = None;
    lock(store).update_setting(FORMER_INVITATIONS, |text| match parse(text.as_deref()) {
        Ok(mut kept) => {
            edit(&mut kept);
            if kept.is_empty() {
                return String::new();
            }
            let list: Vec<serde_json::Value> = kept
                .iter()
                .map(|t| serde_json::json!({ "hub": t.hub, "token": t.token, "fingerprint": t.fingerprint }))
                .collect();
            serde_json::Value::Array(list).to_string()
        }
        Err(error) => {
            unreadable = Some(error);
            text.unwrap_or_default()
        }
    })?;
    match unreadable {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

/// The former invitations kept aside, never the one this device syncs with now: a join that
/// set the current card aside and then failed (its hub without the event, a refusal) leaves it
/// the current card, and it is kept aside again only once another is remembered.
fn formers(store: &recolte_store::Store) -> Result<Vec<Target>, recolte_store::Error> {
    let current = remembered_target(store)?.map(|target| target.token);
    let kept = parse(store.setting(FORMER_INVITATIONS)?.as_deref())?;
    Ok(kept.into_iter().filter(|former| current.as_ref() != Some(&former.token)).collect())
}

fn parse(text: Option<&str>) -> Result<Vec<Target>, recolte_store::Error> {
    let text = text.unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<Kept> = serde_json::from_str(text).map_err(|error| recolte_store::Error::CorruptSetting {
        key: FORMER_INVITATIONS.to_owned(),
        reason: error.to_string(),
    })?;
    Ok(list.into_iter().map(|k| Target::new(k.hub, k.token).pinned(k.fingerprint)).collect())
}

/// The former invitations kept aside, by their tokens (for the status and the tests).
pub fn kept_aside(store: &recolte_store::Store) -> Result<Vec<String>, recolte_store::Error> {
    Ok(formers(store)?.into_iter().map(|t| t.token).collect())
}

/// The former invitations kept aside for `event` that may still share what they hold (neither
/// expired nor revoked), with what they grant: the status counts their documents' changes as
/// on their way, not as out of this device's rights.
pub fn waiting_in(
    store: &mut recolte_store::Store,
    event: recolte_core::ids::EventId,
) -> Result<Vec<(Target, Grant)>, recolte_store::Error> {
    let revoked: Vec<String> = store.revocations(event)?.into_iter().map(|r| r.token).collect();
    Ok(formers(store)?
        .into_iter()
        .filter_map(|t| token::peek(&t.token).ok().map(|g| (t, g)))
        .filter(|(_, g)| g.scope.event == event && !g.expired() && !revoked.contains(&g.id))
        .collect())
}

/// Tries again every former invitation kept aside, at its own hub and at the hub this device
/// syncs with now (when it is for the same event); lets go of those whose changes are shared,
/// or that expired or were revoked. Returns how many changes are still waiting. Called right
/// after a join, by background sync every 30 s, and by `recolte sync`.
pub async fn hand_over_later(store: &SharedStore) -> Result<usize, SyncError> {
    let kept = formers(&lock(store))?;
    if kept.is_empty() {
        return Ok(0);
    }
    let current = remembered_target(&lock(store))?;
    let next = current.as_ref().and_then(|t| token::peek(&t.token).ok());
    let mut done = Vec::new();
    let mut waiting = 0;
    for former in kept {
        let Ok(grant) = token::peek(&former.token) else {
            done.push(former.token.clone());
            continue;
        };
        let same_event = next.as_ref().is_some_and(|n| n.scope.event == grant.scope.event);
        let next_scope = next.as_ref().filter(|_| same_event).map(|n| &n.scope);
        let mut hubs = vec![former.hub.clone()];
        let left = |hubs: &[String]| {
            let hubs: Vec<&str> = hubs.iter().map(String::as_str).collect();
            left_behind(store, &hubs, &grant, &former.token, next_scope)
        };
        let mut refused = false;
        if left(&hubs)? > 0 {
            refused |= try_former(store, &former).await;
        }
        if let Some(current) = current.as_ref().filter(|c| same_event && c.hub != former.hub) {
            if !refused && left(&hubs)? > 0 {
                hubs.push(current.hub.clone());
                let there = Target::new(current.hub.clone(), former.token.clone()).pinned(current.fingerprint.clone());
                refused |= try_former(store, &there).await;
            }
        }
        match if refused { 0 } else { left(&hubs)? } {
            0 => done.push(former.token.clone()),
            left => waiting += left,
        }
    }
    let_go(store, &done)?;
    Ok(waiting)
}

/// Background sync's part: [`hand_over_later`] now, then every `every`, until `stop` turns true.
pub async fn keep_handing_over(
    store: SharedStore,
    every: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            () = async { let _ = stop.wait_for(|s| *s).await; } => return,
            handed = hand_over_later(&store) => match handed {
                Ok(0) => {}
                Ok(waiting) => tracing::info!("{waiting} changes of a former invitation still to share"),
                Err(error) => tracing::warn!("handing over a former invitation's changes: {error}"),
            },
        }
        tokio::select! {
            () = async { let _ = stop.wait_for(|s| *s).await; } => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}
