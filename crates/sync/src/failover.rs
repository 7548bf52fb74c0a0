//! An invitation may name several hubs (the event's server and the room's laptop, say); a join
//! syncs with the first that answers. When that one stops answering for good (the laptop left
//! at the end of the day, the server's network went down), background sync tries the
//! invitation's other hubs, with the same token and certificate, and moves to the first that
//! answers, so that what is typed next still goes somewhere. When none answers, it looks for
//! the event served on the local network (the room's laptop, started when the venue's Wi-Fi
//! failed) and moves there, under the join's rules: the certificate the invitation names, else
//! the one the laptop announces; never on the organiser's own device, nor on one serving the
//! room, which may be the one serving. It never moves while its hub answers, nor with another
//! token.
//!
//! The move is the hub remembered (the settings), which the shells follow: the app's window
//! restarts its engine, `recolte sync --watch` too, and the next `recolte sync` syncs there.

use std::future::Future;
use std::time::Duration;

use recolte_core::ids::EventId;
use recolte_core::invitation::{normalize_hub, Invitation};
use recolte_store::settings;

use crate::client::{StatusBoard, SyncError, SyncReport, SyncState, Target};
use crate::refusal::RefusalCode;

/// The invitation this device joined with, when it syncs with that invitation's token.
fn invitation_of(store: &recolte_store::Store, current: &Target) -> Result<Option<Invitation>, recolte_store::Error> {
    let Some(link) = store.setting(settings::INVITATION)? else { return Ok(None) };
    Ok(Invitation::parse(&link).ok().filter(|invitation| invitation.token == current.token))
}

pub(crate) fn normal(hub: &str) -> String {
    normalize_hub(hub).unwrap_or_else(|_| hub.to_owned())
}

/// The other hubs of the invitation this device joined with, when it syncs with that
/// invitation's token: each with the invitation's certificate, in the invitation's order.
pub fn other_hubs(store: &recolte_store::Store, current: &Target) -> Result<Vec<Target>, recolte_store::Error> {
    let Some(invitation) = invitation_of(store, current)? else { return Ok(Vec::new()) };
    let here = normal(&current.hub);
    Ok(invitation
        .hubs
        .iter()
        .filter(|hub| normal(hub) != here)
        .map(|hub| Target::new(hub.clone(), invitation.token.clone()).pinned(invitation.fingerprint.clone()))
        .collect())
}

/// Of the hubs found serving an event nearby (`found`: each address with the certificate its
/// announcement names), those that may be given the token of an invitation naming the
/// certificate `named`, each with the certificate to expect there; the same rule for a join
/// and for background sync. Anyone on the network can announce the event, so: the certificate
/// the invitation names (a hub announcing another, or none, is left out: over `ws://` the
/// token would go in clear), else the one announced; never a certificate that cannot be
/// checked at its address (`ws://`), nor this device's own hub (its own certificate: a device
/// serving from the app does not look at all), nor an address in `tried` (normalised).
pub(crate) fn trusted_announcements(
    store: &recolte_store::Store,
    named: Option<&str>,
    tried: &[String],
    found: Vec<(String, Option<String>)>,
) -> Vec<(String, Option<String>)> {
    let own = store.path().parent().and_then(crate::tls::local_fingerprint);
    let mut trusted: Vec<(String, Option<String>)> = Vec::new();
    for (hub, announced) in found {
        if named.is_some() && announced.as_deref() != named {
            continue;
        }
        if announced.as_ref().is_some_and(|announced| !crate::tls::pins(&hub) || Some(announced) == own.as_ref()) {
            continue;
        }
        if tried.contains(&normal(&hub)) || trusted.iter().any(|(t, _)| *t == hub) {
            continue;
        }
        trusted.push((hub, announced));
    }
    trusted
}

/// The hubs serving the event nearby that background sync may move to from `current` (see
/// [`trusted_announcements`]), with the invitation's token. None for a token given by hand.
fn trusted_nearby(
    store: &recolte_store::Store,
    current: &Target,
    found: Vec<(String, Option<String>)>,
) -> Result<Vec<Target>, recolte_store::Error> {
    let Some(invitation) = invitation_of(store, current)? else { return Ok(Vec::new()) };
    let tried: Vec<String> = invitation.hubs.iter().map(|hub| normal(hub)).chain([normal(&current.hub)]).collect();
    let trusted = trusted_announcements(store, invitation.fingerprint.as_deref(), &tried, found);
    Ok(trusted.into_iter().map(|(hub, pinned)| Target::new(hub, invitation.token.clone()).pinned(pinned)).collect())
}

/// Whether this device serves the room from the app (it is served again at start).
pub(crate) fn serves_the_room(store: &recolte_store::Store) -> Result<bool, recolte_store::Error> {
    Ok(store.setting(settings::SERVE_PORT)?.is_some_and(|port| !port.trim().is_empty()))
}

/// Whether background sync may look for its event served nearby: not on the device that made
/// the event, nor on one that serves the room itself (it would find its own hub, which always
/// answers, and stop passing the room's work on to the server when it comes back).
fn may_look_nearby(store: &recolte_store::Store, event: EventId) -> Result<bool, recolte_store::Error> {
    Ok(!serves_the_room(store)? && !crate::join::keeps_organiser(store, event)?)
}

/// How long background sync waits before it looks nearby again after finding nothing there:
/// doubled at each fruitless look from `every`, up to this (a multicast query on a venue's
/// network is heard by every device of the room).
const NEARBY_LOOKS_AT_MOST_EVERY: Duration = Duration::from_secs(300);

/// Whether no document reaches the hub: every one the engine watches is offline, or trying
/// again, because the hub did not answer (a refusal is an answer: the hub is there).
fn out_of_reach(board: &StatusBoard) -> bool {
    let board = board.lock().unwrap_or_else(|p| p.into_inner());
    !board.is_empty()
        && board.values().all(|doc| {
            matches!(doc.state, SyncState::Offline | SyncState::Connecting)
                && doc.error.as_ref().is_some_and(|(code, _)| *code == RefusalCode::Unreachable)
        })
}

/// Background sync's part: every `every`, when the hub has been out of reach at two checks in
/// a row, tries the invitation's other hubs, then the hubs serving the event nearby, and
/// remembers the first that takes a full sync. Returns once it moved (the shell restarts the
/// engine towards it), or when `stop` turns true.
pub async fn keep_a_hub_in_reach(
    store: crate::client::SharedStore,
    current: Target,
    board: StatusBoard,
    every: Duration,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let nearby = |event| crate::join::served_nearby(event, crate::join::NEARBY_FALLBACK_WAIT);
    keep_a_hub_in_reach_looking(store, current, board, every, stop, nearby).await;
}

/// [`keep_a_hub_in_reach`], with the local network searched by `nearby` (the hubs serving an
/// event there, each with the certificate it announces): tests give the hubs a network
/// namespace would announce.
pub async fn keep_a_hub_in_reach_looking<F, Found>(
    store: crate::client::SharedStore,
    current: Target,
    board: StatusBoard,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
    nearby: F,
) where
    F: Fn(EventId) -> Found,
    Found: Future<Output = Result<Vec<(String, Option<String>)>, SyncError>>,
{
    let Ok(event) = recolte_core::token::peek(&current.token).map(|grant| grant.scope.event) else { return };
    let mut missed = 0;
    // After a fruitless look nearby: when to look again, and how long to wait after the next.
    let (mut next_look, mut look_gap) = (tokio::time::Instant::now(), every);
    loop {
        tokio::select! {
            () = async { let _ = stop.wait_for(|s| *s).await; } => return,
            () = tokio::time::sleep(every) => {}
        }
        missed = if out_of_reach(&board) { missed + 1 } else { 0 };
        if missed == 0 {
            (next_look, look_gap) = (tokio::time::Instant::now(), every);
        }
        if missed < 2 {
            continue;
        }
        let looked = {
            let held = recolte_store::Store::lock_shared(&store);
            invitation_of(&held, &current).and_then(|joined| match joined {
                Some(joined) => Ok(Some((other_hubs(&held, &current)?, may_look_nearby(&held, joined.event)?))),
                None => Ok(None),
            })
        };
        let (others, may_look_nearby) = match looked {
            Ok(Some(looked)) => looked,
            // A token given by hand: no invitation to move with.
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!("reading the invitation's other hubs: {error}");
                continue;
            }
        };
        if others.is_empty() && !may_look_nearby {
            continue;
        }
        // Its own hub once more first: the documents' back-off may lag behind a network that
        // just came back (this device's own Wi-Fi, not the hub, was gone). Each try gives way to
        // a stop (a join, a hub given by hand, Ctrl-C): nothing is saved after it.
        let tried = |target: Target| {
            let (store, mut stop) = (store.clone(), stop.clone());
            async move {
                tokio::select! {
                    biased;
                    () = async { let _ = stop.wait_for(|s| *s).await; } => None,
                    synced = crate::client::sync_quietly(store, &target) => Some(synced.is_ok()),
                }
            }
        };
        match tried(current.clone()).await {
            None => return,
            Some(true) => {
                missed = 0;
                continue;
            }
            Some(false) => {}
        }
        if moved_to(&store, &current, others, false, &tried).await {
            return;
        }
        if !may_look_nearby || tokio::time::Instant::now() < next_look {
            continue;
        }
        // Every hub of the invitation out of reach: the room's laptop, if one serves the
        // event nearby (a network that cannot be searched is tried again at the next look).
        let mut waiting = stop.clone();
        let found = tokio::select! {
            biased;
            () = async { let _ = waiting.wait_for(|s| *s).await; } => return,
            found = nearby(event) => found.unwrap_or_default(),
        };
        // Read under the store's lock, let go before the tries (each takes it to remember).
        let trusted = trusted_nearby(&recolte_store::Store::lock_shared(&store), &current, found);
        match trusted {
            Ok(trusted) => {
                if moved_to(&store, &current, trusted, true, &tried).await {
                    return;
                }
            }
            Err(error) => tracing::warn!("reading the invitation for the hubs found nearby: {error}"),
        }
        next_look = tokio::time::Instant::now() + look_gap;
        look_gap = (look_gap * 2).min(NEARBY_LOOKS_AT_MOST_EVERY);
    }
}

/// Tries each candidate and remembers the first that takes a full sync. Whether this engine's
/// watch is over: it moved (or another target was saved meanwhile), or a stop came.
async fn moved_to<T, Tried>(
    store: &crate::client::SharedStore,
    current: &Target,
    candidates: Vec<Target>,
    found_nearby: bool,
    tried: &T,
) -> bool
where
    T: Fn(Target) -> Tried,
    Tried: Future<Output = Option<bool>>,
{
    for other in candidates {
        match tried(other.clone()).await {
            None => return true,
            Some(false) => continue,
            Some(true) => {}
        }
        // Only over this engine's own target: never over one a join or a hub given by hand
        // saved meanwhile (checked and written in one transaction: the window has its own
        // connection).
        let moved =
            crate::join::remember_move(&mut recolte_store::Store::lock_shared(store), current, &other, found_nearby);
        let whose = if found_nearby { "found serving the event nearby" } else { "the invitation's" };
        match moved {
            Ok(true) => tracing::info!("{} does not answer: syncing with {} ({whose})", current.hub, other.hub),
            Ok(false) => tracing::info!("{}: another target was saved meanwhile; not moving", current.hub),
            // Not saved (a full disk): this engine stays, and tries again at its next look.
            Err(error) => {
                tracing::warn!("moving to {}: {error}", other.hub);
                return false;
            }
        }
        return true;
    }
    false
}

/// What a one-shot sync found when its hub did not answer (see [`reach_another`]).
#[derive(Debug)]
pub enum Reached {
    /// Its own hub answered when tried again.
    Again(SyncReport),
    /// Another hub took the full sync, for the caller to remember (with the mark of a hub found
    /// nearby, `found_nearby`, that the status and the app follow).
    Moved { report: SyncReport, target: Target, found_nearby: bool },
    /// Nothing answered.
    Nowhere,
}

/// A one-shot sync's part (`recolte sync`), once `current`'s hub did not answer: as background
/// sync does, its own hub once more a moment later (one room timing out on a wavering Wi-Fi is
/// not a hub gone), then the invitation's other hubs, then the event served nearby, under the
/// same rules. `waiting` is called first when there is somewhere else to try (it takes a few
/// seconds: the caller says so), with whether the invitation has other hubs and whether the
/// event will be looked for nearby. A refusal from its own hub is the answer (the error).
pub async fn reach_another(
    store: crate::client::SharedStore,
    current: &Target,
    waiting: impl FnOnce(bool, bool),
) -> Result<Reached, SyncError> {
    let nearby = |event| crate::join::served_nearby(event, crate::join::NEARBY_FALLBACK_WAIT);
    reach_another_looking(store, current, waiting, nearby).await
}

/// [`reach_another`], with the local network searched by `nearby` (as for
/// [`keep_a_hub_in_reach_looking`]: tests give the hubs a network namespace would announce).
pub async fn reach_another_looking<Found>(
    store: crate::client::SharedStore,
    current: &Target,
    waiting: impl FnOnce(bool, bool),
    nearby: impl FnOnce(EventId) -> Found,
) -> Result<Reached, SyncError>
where
    Found: Future<Output = Result<Vec<(String, Option<String>)>, SyncError>>,
{
    let event = recolte_core::token::peek(&current.token)?.scope.event;
    let (others, look_nearby) = {
        let held = recolte_store::Store::lock_shared(&store);
        match invitation_of(&held, current)? {
            Some(joined) => (other_hubs(&held, current)?, may_look_nearby(&held, joined.event)?),
            None => return Ok(Reached::Nowhere),
        }
    };
    if others.is_empty() && !look_nearby {
        return Ok(Reached::Nowhere);
    }
    waiting(!others.is_empty(), look_nearby);
    tokio::time::sleep(Duration::from_secs(2)).await;
    match crate::client::sync_once(store.clone(), current).await {
        Ok(report) => return Ok(Reached::Again(report)),
        Err(error) if error.refusal() != Some(RefusalCode::Unreachable) => return Err(error),
        Err(_) => {}
    }
    if let Some(moved) = first_to_take(&store, others, false).await {
        return Ok(moved);
    }
    if look_nearby {
        let found = nearby(event).await.unwrap_or_default();
        let trusted = trusted_nearby(&recolte_store::Store::lock_shared(&store), current, found)?;
        if let Some(moved) = first_to_take(&store, trusted, true).await {
            return Ok(moved);
        }
    }
    Ok(Reached::Nowhere)
}

/// The first of `candidates` that takes a full sync.
async fn first_to_take(
    store: &crate::client::SharedStore,
    candidates: Vec<Target>,
    found_nearby: bool,
) -> Option<Reached> {
    for other in candidates {
        if let Ok(report) = crate::client::sync_once(store.clone(), &other).await {
            return Some(Reached::Moved { report, target: other, found_nearby });
        }
    }
    None
}

/// Whether `hub` is the one this device found serving the event nearby when the hubs it
/// expected were out of reach (background sync, `recolte sync`, a join).
pub fn found_nearby(store: &recolte_store::Store, hub: &str) -> Result<bool, recolte_store::Error> {
    Ok(store.setting(settings::FOUND_NEARBY)?.is_some_and(|found| !found.is_empty() && found == hub))
}

/// What background sync does next with the target it runs with (see [`next_target`]).
#[derive(Debug)]
pub enum NextTarget {
    /// Go on as it is.
    Stay,
    /// Start again with this target: the invitation's other hub (its own gone for good), or
    /// the organiser's own token signed again as it nears its end (the hub closes a connection
    /// when its token ends).
    Restart(Target),
    /// The organiser's token nears its end and could not be signed again (a full disk): try
    /// again in a few minutes, not at every turn.
    RenewalFailed,
}

/// Asked every few seconds by both shells while background sync runs with `running`;
/// `may_renew`: whether a renewal may be tried now (the shell's clock after a failed one).
/// A store that cannot be read is asked again at the next turn.
pub fn next_target(store: &mut recolte_store::Store, running: &Target, may_renew: bool) -> NextTarget {
    if let Ok(Some(moved)) = moved(store, running) {
        return NextTarget::Restart(moved);
    }
    if !may_renew || !crate::join::nearly_ended_own(store, running).unwrap_or(false) {
        return NextTarget::Stay;
    }
    match crate::join::renewed(store, running.clone()) {
        Ok(fresh) if fresh.token != running.token => NextTarget::Restart(fresh),
        _ => NextTarget::RenewalFailed,
    }
}

/// The hub the shells should sync with now, when background sync moved to another of the
/// invitation's hubs or to one found nearby: the remembered target, if it is `running`'s token
/// at such a hub.
pub fn moved(store: &recolte_store::Store, running: &Target) -> Result<Option<Target>, recolte_store::Error> {
    let Some(remembered) = crate::join::remembered_target(store)? else { return Ok(None) };
    if remembered.token != running.token || remembered.hub == running.hub {
        return Ok(None);
    }
    let theirs = other_hubs(store, running)?.iter().any(|other| other.hub == remembered.hub);
    Ok((theirs || found_nearby(store, &remembered.hub)?).then_some(remembered))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use recolte_core::access::{Role, Scope};

    /// Who may be given an invitation's token among the hubs announcing its event nearby: the
    /// join and background sync ask the same question.
    #[test]
    fn a_token_goes_only_to_an_announcement_it_can_check() {
        let dir = tempfile::tempdir().unwrap();
        let store = recolte_store::Store::open(dir.path()).unwrap();
        let (named, other) = ("ab".repeat(32), "cd".repeat(32));
        let laptop = |scheme: &str| format!("{scheme}://192.0.2.7:4455");
        let found = |announced: Option<&String>| {
            vec![(laptop(if announced.is_some() { "wss" } else { "ws" }), announced.cloned())]
        };
        let trusted = |named: Option<&str>, found| trusted_announcements(&store, named, &[], found);
        // The card names a certificate: that one, over wss://, and no other, nor none.
        assert_eq!(trusted(Some(&named), found(Some(&named))), [(laptop("wss"), Some(named.clone()))]);
        assert!(trusted(Some(&named), found(Some(&other))).is_empty());
        assert!(trusted(Some(&named), found(None)).is_empty(), "the token would go in clear");
        // It names none: the announced one, or plain ws:// when none is announced.
        assert_eq!(trusted(None, found(Some(&other))), [(laptop("wss"), Some(other.clone()))]);
        assert_eq!(trusted(None, found(None)), [(laptop("ws"), None)]);
        // A certificate that cannot be checked at its address, an address tried already.
        assert!(trusted(None, vec![(laptop("ws"), Some(other.clone()))]).is_empty());
        let tried = [normal(&laptop("ws"))];
        assert!(trusted_announcements(&store, None, &tried, found(None)).is_empty());
        // This device's own hub, by its certificate.
        let own = crate::tls::invitation_fingerprint(dir.path(), &[laptop("wss")], None).unwrap().unwrap();
        assert!(trusted(None, found(Some(&own))).is_empty(), "its own certificate");
    }

    /// The organiser's own token nearing its end is signed again (the engine restarts with it),
    /// not while a failed renewal waits its turn, and never another role's.
    #[test]
    fn the_next_target_is_the_organisers_token_signed_again_near_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = recolte_store::Store::open(dir.path()).unwrap();
        let event = store.import_programme(recolte_core::programme::SAMPLE).unwrap();
        let whole = Scope { event, role: Role::Organiser, sessions: Vec::new(), themes: Vec::new() };
        let ending =
            Target::new("ws://127.0.0.1:4455", store.issue_token(&whole, None, time::Duration::hours(2)).unwrap());
        assert!(matches!(next_target(&mut store, &ending, false), NextTarget::Stay), "a failed renewal waits its turn");
        let NextTarget::Restart(fresh) = next_target(&mut store, &ending, true) else { panic!("signed again") };
        assert_ne!(fresh.token, ending.token);
        assert!(matches!(next_target(&mut store, &fresh, true), NextTarget::Stay), "far from its end");

        let session = store.sessions(event, Some(1)).unwrap()[0].id;
        let narrow = Scope { event, role: Role::Facilitator, sessions: vec![session], themes: Vec::new() };
        let theirs =
            Target::new("ws://127.0.0.1:4455", store.issue_token(&narrow, None, time::Duration::hours(2)).unwrap());
        assert!(matches!(next_target(&mut store, &theirs, true), NextTarget::Stay), "the organisers give it again");
    }
}
