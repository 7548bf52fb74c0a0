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

use crate::client::{StatusBoard, SyncError, SyncReport, SyncState, Target, WithoutEvent};
use crate::refusal::RefusalCode;
use crate::served_nearby::{self, PinnedHub};

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
    Ok(invitation_of(store, current)?.map(|invitation| hubs_besides(&invitation, current)).unwrap_or_default())
}

fn hubs_besides(invitation: &Invitation, current: &Target) -> Vec<Target> {
    let here = normal(&current.hub);
    targets(invitation, invitation.hubs.iter().filter(|hub| normal(hub) != here))
}

/// `hubs` of `invitation`, each with its token and certificate.
fn targets<'a>(invitation: &Invitation, hubs: impl Iterator<Item = &'a String>) -> Vec<Target> {
    hubs.map(|hub| Target::new(hub.clone(), invitation.token.clone()).pinned(invitation.fingerprint.clone())).collect()
}

/// The invitation's hubs before `current`'s in its order (all of them when `current` is a hub
/// found nearby): where a device that moved away by itself while they were out of reach goes
/// back once one of them takes a full sync again. None when it syncs with the invitation's
/// first hub, or where it joined or was told to (a hub or token given by hand).
fn earlier_hubs(store: &recolte_store::Store, current: &Target) -> Result<Vec<Target>, recolte_store::Error> {
    let Some(invitation) = invitation_of(store, current)? else { return Ok(Vec::new()) };
    // Every arrival made by itself is marked so, a laptop found nearby included; a hub chosen
    // by hand is not, found nearby or not.
    if store.setting(settings::MOVED_TO)?.is_none_or(|hub| hub != current.hub) {
        return Ok(Vec::new());
    }
    let here = normal(&current.hub);
    Ok(targets(&invitation, invitation.hubs.iter().take_while(|hub| normal(hub) != here)))
}

/// Whether `target` is its invitation's first hub (or no invitation's: a hub given by hand).
pub(crate) fn is_first_hub(store: &recolte_store::Store, target: &Target) -> Result<bool, recolte_store::Error> {
    let first = invitation_of(store, target)?.and_then(|invitation| invitation.hubs.first().map(|hub| normal(hub)));
    Ok(first.is_none_or(|first| first == normal(&target.hub)))
}

/// How many of background sync's beats pass between two looks back at the invitation's
/// earlier hubs (every 2 minutes at the shells' 20 s): a hub back after an outage has the
/// room's devices again within minutes, and one still down costs a refused connection.
const LOOK_BACK_EVERY_BEATS: u32 = 6;

/// The first of the invitation's earlier hubs (see [`earlier_hubs`]) that takes a full sync and
/// holds the event, remembered in place of `current` (only over `current`: never over a target
/// a join or a hub given by hand saved meanwhile). One that still does not answer, refuses, or
/// holds nothing of the event is passed over. `None` when it stays where it is (or a stop came).
async fn look_back(
    store: &crate::client::SharedStore,
    current: &Target,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Option<(SyncReport, Target)> {
    let earlier = match earlier_hubs(&recolte_store::Store::lock_shared(store), current) {
        Ok(earlier) => earlier,
        Err(error) => {
            tracing::warn!("reading the invitation's hubs: {error}");
            return None;
        }
    };
    for target in earlier {
        // A hub still away is passed over in a moment: a connection's own wait (15 s, on a route
        // that swallows packets) held every one-off sync and background sync's beat that long.
        if !until_stopped(stop, answers(&target.hub)).await? {
            continue;
        }
        let tried = crate::client::sync_quietly(store.clone(), &target, WithoutEvent::Stop);
        match until_stopped(stop, tried).await? {
            Ok(report) if !report.hub_lacks_event => {
                return match crate::join::remember_move(
                    &mut recolte_store::Store::lock_shared(store),
                    current,
                    &target,
                    false,
                ) {
                    Ok(true) => Some((report, target)),
                    Ok(false) => None,
                    Err(error) => {
                        tracing::warn!("going back to {}: {error}", target.hub);
                        None
                    }
                };
            }
            Ok(_) => tracing::info!("{}: holds nothing of the event; staying on {}", target.hub, current.hub),
            Err(error) => tracing::debug!("{} still not taken: {error}", target.hub),
        }
    }
    None
}

/// How long a look back waits for an earlier hub to take a connection.
const LOOK_BACK_WAIT: Duration = Duration::from_secs(3);

/// Whether something takes a TCP connection at `hub`'s address within [`LOOK_BACK_WAIT`].
async fn answers(hub: &str) -> bool {
    let Ok(url) = url::Url::parse(hub) else { return false };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
    let connecting = tokio::net::TcpStream::connect((host, port));
    matches!(tokio::time::timeout(LOOK_BACK_WAIT, connecting).await, Ok(Ok(_)))
}

/// A one-shot sync's first step (`recolte sync`) on a device that moved away from its
/// invitation's first hub (out of reach then): that hub, and any before the current one, tried
/// again; the first that takes a full sync is remembered and returned, with its report, for
/// the caller to say. Without it, a device moved during a one-second outage stayed on the other
/// hub for good, its work seen by none of the devices back on the first.
pub async fn back_to_an_earlier_hub(
    store: crate::client::SharedStore,
    current: &Target,
) -> Option<(SyncReport, Target)> {
    // Nothing stops a one-shot sync but its end (see `reach_another_looking`).
    let (_running, stop) = tokio::sync::watch::channel(false);
    look_back(&store, current, &stop).await
}

/// Where else a sync whose hub is out of reach may go, read once per look.
struct Elsewhere {
    /// The invitation this device joined with, whose token it syncs with.
    invitation: Invitation,
    /// Its other hubs, in its order.
    others: Vec<Target>,
    /// Whether the event may be looked for nearby (see [`may_look_nearby`]).
    may_look_nearby: bool,
}

/// None when there is nowhere else to go: a token given by hand (no invitation to move
/// with), or an invitation naming one hub on a device that may not look nearby.
fn elsewhere(store: &recolte_store::Store, current: &Target) -> Result<Option<Elsewhere>, recolte_store::Error> {
    let Some(invitation) = invitation_of(store, current)? else { return Ok(None) };
    let others = hubs_besides(&invitation, current);
    let may_look_nearby = may_look_nearby(store, invitation.event)?;
    Ok((!others.is_empty() || may_look_nearby).then_some(Elsewhere { invitation, others, may_look_nearby }))
}

/// The hubs serving the event nearby that a sync may move to from `current` (see
/// [`served_nearby::trusted`]), with the invitation's token.
fn trusted_nearby(
    store: &recolte_store::Store,
    invitation: &Invitation,
    current: &Target,
    found: Vec<PinnedHub>,
) -> Vec<Target> {
    let tried: Vec<&str> = invitation.hubs.iter().map(String::as_str).chain([current.hub.as_str()]).collect();
    let trusted = served_nearby::trusted(store, invitation.fingerprint.as_deref(), &tried, found);
    trusted.into_iter().map(|(hub, pinned)| Target::new(hub, invitation.token.clone()).pinned(pinned)).collect()
}

/// Whether background sync may look for its event served nearby: not on the device that made
/// the event, nor on one that serves the room itself (it would find its own hub, which always
/// answers, and stop passing the room's work on to the server when it comes back).
fn may_look_nearby(store: &recolte_store::Store, event: EventId) -> Result<bool, recolte_store::Error> {
    Ok(!store.serves_the_room()? && !crate::join::keeps_organiser(store, event)?)
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
    let nearby = |event| served_nearby::find(event, served_nearby::FALLBACK_WAIT);
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
    stop: tokio::sync::watch::Receiver<bool>,
    nearby: F,
) where
    F: Fn(EventId) -> Found,
    Found: Future<Output = Result<Vec<PinnedHub>, SyncError>>,
{
    let mut missed = 0;
    // After a fruitless look nearby: when to look again, and how long to wait after the next.
    let (mut next_look, mut look_gap) = (tokio::time::Instant::now(), every);
    let mut beats_to_look_back = LOOK_BACK_EVERY_BEATS;
    loop {
        if until_stopped(&stop, tokio::time::sleep(every)).await.is_none() {
            return;
        }
        missed = if out_of_reach(&board) { missed + 1 } else { 0 };
        if missed == 0 {
            (next_look, look_gap) = (tokio::time::Instant::now(), every);
            // Moved away from the invitation's first hub while it was out of reach: back there
            // once it takes a full sync again, so that the room's devices meet on one hub.
            beats_to_look_back -= 1;
            if beats_to_look_back == 0 {
                beats_to_look_back = LOOK_BACK_EVERY_BEATS;
                if let Some((_, target)) = look_back(&store, &current, &stop).await {
                    tracing::info!("{} answers again: syncing with it, not {}", target.hub, current.hub);
                    return;
                }
                if *stop.borrow() {
                    return;
                }
            }
        }
        if missed < 2 {
            continue;
        }
        let elsewhere = match elsewhere(&recolte_store::Store::lock_shared(&store), &current) {
            Ok(Some(elsewhere)) => elsewhere,
            Ok(None) => continue,
            Err(error) => {
                tracing::warn!("reading the invitation's other hubs: {error}");
                continue;
            }
        };
        // Its own hub once more first: the documents' back-off may lag behind a network that
        // just came back (this device's own Wi-Fi, not the hub, was gone). Each try gives way to
        // a stop (a join, a hub given by hand, Ctrl-C): nothing is saved after it.
        match until_stopped(&stop, crate::client::sync_quietly(store.clone(), &current, WithoutEvent::GoOn)).await {
            None => return,
            Some(Ok(_)) => {
                missed = 0;
                continue;
            }
            // A refusal is an answer: it stays, and the next look tries again. Any other failure
            // (no answer in time, a connection lost midway) counts as out of reach.
            Some(Err(error)) if error.refusal().is_some_and(|code| code != RefusalCode::Unreachable) => continue,
            Some(Err(_)) => {}
        }
        let look_nearby = elsewhere.may_look_nearby && tokio::time::Instant::now() >= next_look;
        match look_elsewhere(&store, &current, &elsewhere, look_nearby, &stop, &nearby).await {
            Look::Stopped => return,
            Look::Took { target, found_nearby, .. } => {
                // Only over this engine's own target: never over one a join or a hub given by
                // hand saved meanwhile (checked and written in one transaction: the window has
                // its own connection).
                let moved = crate::join::remember_move(
                    &mut recolte_store::Store::lock_shared(&store),
                    &current,
                    &target,
                    found_nearby,
                );
                let whose = if found_nearby { "found serving the event nearby" } else { "the invitation's" };
                match moved {
                    Ok(true) => {
                        tracing::info!("{} does not answer: syncing with {} ({whose})", current.hub, target.hub);
                        return;
                    }
                    Ok(false) => {
                        tracing::info!("{}: another target was saved meanwhile; not moving", current.hub);
                        return;
                    }
                    // Not saved (a full disk): this engine stays, and tries again at its next look.
                    Err(error) => tracing::warn!("moving to {}: {error}", target.hub),
                }
            }
            Look::Nowhere { laptop_without_event, .. } => {
                // A laptop nearby that serves the event's key and holds nothing of it yet (the
                // organisers are setting it up): looked for again at the usual pace, not ever
                // later, so that the device moves there soon after the event is brought.
                if laptop_without_event {
                    look_gap = every;
                }
            }
        }
        // Looked nearby without moving there: the next look nearby waits longer.
        if look_nearby {
            next_look = tokio::time::Instant::now() + look_gap;
            look_gap = (look_gap * 2).min(NEARBY_LOOKS_AT_MOST_EVERY);
        }
    }
}

/// `work`, unless `stop` turns true first (or its sender is gone).
async fn until_stopped<T>(stop: &tokio::sync::watch::Receiver<bool>, work: impl Future<Output = T>) -> Option<T> {
    let mut stop = stop.clone();
    tokio::select! {
        biased;
        _ = stop.wait_for(|s| *s) => None,
        done = work => Some(done),
    }
}

/// What a look elsewhere found, its own hub out of reach.
enum Look {
    /// A stop came first.
    Stopped,
    /// `target` took a full sync.
    Took { report: SyncReport, target: Target, found_nearby: bool },
    /// None took it; `answered`: the hubs that answered and why they were not taken;
    /// `laptop_without_event`: one of them was found nearby and holds nothing of the event.
    Nowhere { answered: Vec<(String, SyncError)>, laptop_without_event: bool },
}

/// The invitation's other hubs in its order, then, when `look_nearby`, the hubs serving the
/// event nearby that may be given its token (a network that cannot be searched is as if none
/// were found): the first that takes a full sync. The same order for both syncs.
async fn look_elsewhere<F, Found>(
    store: &crate::client::SharedStore,
    current: &Target,
    elsewhere: &Elsewhere,
    look_nearby: bool,
    stop: &tokio::sync::watch::Receiver<bool>,
    nearby: F,
) -> Look
where
    F: FnOnce(EventId) -> Found,
    Found: Future<Output = Result<Vec<PinnedHub>, SyncError>>,
{
    let mut answered = Vec::new();
    let mut laptop_without_event = false;
    let mut first_to_take = async |candidates: Vec<Target>, found_nearby: bool| {
        for target in candidates {
            let tried = crate::client::sync_quietly(store.clone(), &target, WithoutEvent::Stop);
            let error = match until_stopped(stop, tried).await {
                None => return Some(Look::Stopped),
                // Its key trusted, the event never brought there by the organisers: the work
                // typed here would reach no one through it.
                Some(Ok(report)) if report.hub_lacks_event => SyncError::HubWithoutEvent { hub: target.hub.clone() },
                Some(Ok(report)) => return Some(Look::Took { report, target, found_nearby }),
                Some(Err(error)) => error,
            };
            tracing::info!("{}: {error}", target.hub);
            laptop_without_event |= found_nearby && matches!(error, SyncError::HubWithoutEvent { .. });
            // An answer, not a connection that failed: a refusal, a certificate not accepted, a
            // hub without the event. Each hub once (an invitation may name one twice).
            let answer = matches!(error, SyncError::HubWithoutEvent { .. })
                || error.refusal().is_some_and(|code| code != RefusalCode::Unreachable);
            if answer && !answered.iter().any(|(hub, _): &(String, SyncError)| normal(hub) == normal(&target.hub)) {
                answered.push((target.hub, error));
            }
        }
        None
    };
    if let Some(look) = first_to_take(elsewhere.others.clone(), false).await {
        return look;
    }
    if look_nearby {
        let Some(found) = until_stopped(stop, nearby(elsewhere.invitation.event)).await else { return Look::Stopped };
        let trusted = trusted_nearby(
            &recolte_store::Store::lock_shared(store),
            &elsewhere.invitation,
            current,
            found.unwrap_or_default(),
        );
        if let Some(look) = first_to_take(trusted, true).await {
            return look;
        }
    }
    Look::Nowhere { answered, laptop_without_event }
}

/// What a one-shot sync found when its hub did not answer (see [`reach_another`]).
#[derive(Debug)]
pub enum Reached {
    /// Its own hub answered when tried again.
    Again(SyncReport),
    /// Another hub took the full sync, for the caller to remember (with the mark of a hub found
    /// nearby, `found_nearby`, that the status and the app follow).
    Moved { report: SyncReport, target: Target, found_nearby: bool },
    /// None took the sync; `answered`: the hubs that answered, and why each was not taken
    /// (a refusal, a hub that holds nothing of the event), for the caller to say.
    Nowhere { answered: Vec<(String, SyncError)> },
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
    let nearby = |event| served_nearby::find(event, served_nearby::FALLBACK_WAIT);
    reach_another_looking(store, current, waiting, nearby).await
}

/// [`reach_another`], with the local network searched by `nearby` (as for
/// [`keep_a_hub_in_reach_looking`]: tests give the hubs a network namespace would announce).
pub async fn reach_another_looking<F, Found>(
    store: crate::client::SharedStore,
    current: &Target,
    waiting: impl FnOnce(bool, bool),
    nearby: F,
) -> Result<Reached, SyncError>
where
    F: FnOnce(EventId) -> Found,
    Found: Future<Output = Result<Vec<PinnedHub>, SyncError>>,
{
    let Some(elsewhere) = elsewhere(&recolte_store::Store::lock_shared(&store), current)? else {
        return Ok(Reached::Nowhere { answered: Vec::new() });
    };
    waiting(!elsewhere.others.is_empty(), elsewhere.may_look_nearby);
    tokio::time::sleep(Duration::from_secs(2)).await;
    match crate::client::sync_once(store.clone(), current).await {
        Ok(report) => return Ok(Reached::Again(report)),
        Err(error) if error.refusal() != Some(RefusalCode::Unreachable) => return Err(error),
        Err(_) => {}
    }
    // Nothing stops a one-shot sync but its end. The sender is kept until then: dropped, it
    // would read as a stop, and every look would end before it began.
    let (_running, stop) = tokio::sync::watch::channel(false);
    Ok(match look_elsewhere(&store, current, &elsewhere, elsewhere.may_look_nearby, &stop, nearby).await {
        Look::Took { report, target, found_nearby } => {
            // Marked as a move made by itself, which the next syncs undo once the hub it left
            // answers again (see `look_back`); the caller remembers the rest, as before.
            let marked = crate::join::remember_move(
                &mut recolte_store::Store::lock_shared(&store),
                current,
                &target,
                found_nearby,
            );
            if let Err(error) = marked {
                tracing::warn!("moving to {}: {error}", target.hub);
            }
            Reached::Moved { report, target, found_nearby }
        }
        Look::Nowhere { answered, .. } => Reached::Nowhere { answered },
        Look::Stopped => Reached::Nowhere { answered: Vec::new() },
    })
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
