//! Where this device syncs: the hub, token and certificate its settings remember (all of them
//! or none), set by a join, a hub given by hand, a move of background sync, and the organiser's
//! own token, which the device holding the event's key signs itself and renews.

use recolte_core::access::Role;
use recolte_core::ids::EventId;
use recolte_core::invitation::Invitation;
use recolte_store::settings;

use crate::client::Target;

/// The hub and token this device syncs with, as its store remembers them (none before a
/// join or a first `recolte sync --hub … --token …`).
pub fn remembered_target(store: &recolte_store::Store) -> Result<Option<Target>, recolte_store::Error> {
    let hub = store.setting(settings::HUB)?.filter(|h| !h.trim().is_empty());
    let token = store.setting(settings::TOKEN)?.filter(|t| !t.trim().is_empty());
    let fingerprint = store.setting(settings::FINGERPRINT)?;
    Ok(hub.zip(token).map(|(hub, token)| Target::new(hub, token).pinned(fingerprint)))
}

/// The event this device syncs, as the token it syncs with names it: what `recolte status`
/// reports on, and whose clock its times are shown on, when the store holds several events.
pub fn synced_event(store: &recolte_store::Store) -> Option<recolte_core::ids::EventId> {
    let target = remembered_target(store).ok().flatten()?;
    recolte_core::token::peek(&target.token).ok().map(|grant| grant.scope.event)
}

/// The role of the invitation this device syncs with when it covers only part of the event (a
/// session, a theme, the panel) and the device does not hold the event's key: such a device
/// does not serve the room, since it passes on only what its invitation may write, and what
/// other devices sent it would go no further. `None`: it may serve (the organisers' devices,
/// and one with no invitation at all, whose work leaves by USB key).
pub fn serves_only_part(store: &recolte_store::Store) -> Result<Option<Role>, recolte_store::Error> {
    let Some(grant) = remembered_target(store)?.and_then(|target| recolte_core::token::peek(&target.token).ok()) else {
        return Ok(None);
    };
    let narrow = grant.scope.role != Role::Organiser && !store.holds_key(grant.scope.event)?;
    Ok(narrow.then_some(grant.scope.role))
}

/// Where to sync when a hub is given by hand (the settings' *Avancé*, `recolte sync --hub`) or
/// picked among the hubs served nearby: with the token given, else the one this device syncs
/// with, so that moving to the room's laptop when the venue's server is down needs no token
/// typed. The certificate is the one `fingerprint` names (a nearby hub's announcement), else
/// the one this device pinned for that same hub (a token pasted for it must not erase it;
/// another hub is not held to it). `None` when no token is given nor known.
pub fn hand_given_target(
    store: &recolte_store::Store,
    hub: &str,
    token: Option<&str>,
    fingerprint: Option<&str>,
) -> Result<Option<Target>, recolte_store::Error> {
    let hub = recolte_core::invitation::normalize_hub(hub)?;
    let remembered = remembered_target(store)?;
    let given = token.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let Some(token) = given.or_else(|| remembered.as_ref().map(|t| t.token.clone())) else { return Ok(None) };
    let announced = fingerprint.map(recolte_core::invitation::normalize_fingerprint).transpose()?;
    let fingerprint = announced.or_else(|| remembered.filter(|r| r.hub == hub).and_then(|r| r.fingerprint));
    Ok(Some(Target::new(hub, token).pinned(fingerprint)))
}

/// Remembers where this device syncs: background sync and `recolte sync` go on from there.
/// All of them or none (a hub saved without its token would be tried with the former one).
pub fn remember_target(store: &mut recolte_store::Store, target: &Target) -> Result<(), recolte_store::Error> {
    remember_with(store, target, None, false)
}

/// …a hub and token the person chose by hand (`recolte sync --hub`, the app's « Avancé »):
/// where the device stays, even when its invitation names an earlier hub (see `failover`).
pub fn remember_chosen(store: &mut recolte_store::Store, target: &Target) -> Result<(), recolte_store::Error> {
    let values = target_settings(store, target, None, false, Some(false))?;
    store.set_settings(&values.iter().map(|(key, value)| (*key, value.as_str())).collect::<Vec<_>>())
}

/// …a hub found serving the event nearby (the status says so; the app follows a move there).
pub fn remember_found_nearby(store: &mut recolte_store::Store, target: &Target) -> Result<(), recolte_store::Error> {
    remember_with(store, target, None, true)
}

/// Moves background sync from `from` to `to` (see `failover`): remembered only if `from` is
/// still where this device syncs (never over a hub given by hand or a join saved meanwhile,
/// from another connection), in one transaction. `found_nearby`: `to` is a hub found serving
/// the event nearby; the shells follow either move, and the status says the second.
pub(crate) fn remember_move(
    store: &mut recolte_store::Store,
    from: &Target,
    to: &Target,
    found_nearby: bool,
) -> Result<bool, recolte_store::Error> {
    let moved = !crate::failover::is_first_hub(store, to)?;
    let values = target_settings(store, to, None, found_nearby, Some(moved))?;
    let values: Vec<(&str, &str)> = values.iter().map(|(key, value)| (*key, value.as_str())).collect();
    let expected = [
        (settings::HUB, from.hub.as_str()),
        (settings::TOKEN, from.token.as_str()),
        (settings::FINGERPRINT, from.fingerprint.as_deref().unwrap_or("")),
    ];
    store.set_settings_if(&expected, &values)
}

/// …and the invitation link it came from, with them.
pub(crate) fn remember_with(
    store: &mut recolte_store::Store,
    target: &Target,
    link: Option<&str>,
    found_nearby: bool,
) -> Result<(), recolte_store::Error> {
    let values = target_settings(store, target, link, found_nearby, None)?;
    store.set_settings(&values.iter().map(|(key, value)| (*key, value.as_str())).collect::<Vec<_>>())
}

/// The settings that say where this device syncs. `moved`: whether failover moved it there by
/// itself (`Some`), or a join or a sync remembers it (`None`).
fn target_settings(
    store: &recolte_store::Store,
    target: &Target,
    link: Option<&str>,
    found_nearby: bool,
    moved: Option<bool>,
) -> Result<Vec<(&'static str, String)>, recolte_store::Error> {
    // The marks stay while the hub and token do (`recolte sync` remembers the hub it syncs
    // with again), not through a join (it says itself whether it found its hub nearby).
    let same = link.is_none() && store.setting(settings::TOKEN)?.is_some_and(|token| token == target.token);
    let kept = same && crate::failover::found_nearby(store, &target.hub)?;
    let moved = match (moved, link) {
        (Some(moved), _) => moved,
        // A join that took a later hub of its card (the first did not answer then): it goes
        // back to the first once it answers, as a device moved there by background sync does.
        (None, Some(link)) => Invitation::parse(link)
            .ok()
            .and_then(|invitation| invitation.hubs.first().cloned())
            .is_some_and(|first| crate::failover::normal(&first) != crate::failover::normal(&target.hub)),
        (None, None) => same && store.setting(settings::MOVED_TO)?.is_some_and(|hub| hub == target.hub),
    };
    let mut values = vec![
        (settings::HUB, target.hub.clone()),
        (settings::TOKEN, target.token.clone()),
        (settings::FINGERPRINT, target.fingerprint.clone().unwrap_or_default()),
        (settings::FOUND_NEARBY, if found_nearby || kept { target.hub.clone() } else { String::new() }),
        (settings::MOVED_TO, if moved { target.hub.clone() } else { String::new() }),
    ];
    values.extend(link.map(|link| (settings::INVITATION, link.trim().to_owned())));
    Ok(values)
}

/// Where the device that holds `event`'s key syncs when it is given no token: it needs no
/// invitation, it signs itself an organiser token valid for `valid`. The hub is the one given,
/// else the one it last used, else the first its own invitations name, with the certificate
/// fingerprint it knows for that hub; `None` when it does not hold the key, for the practice
/// event (whose key no hub trusts), or when it knows no hub.
pub fn organiser_target(
    store: &mut recolte_store::Store,
    event: EventId,
    hub: Option<String>,
    valid: time::Duration,
) -> Result<Option<Target>, recolte_store::Error> {
    let practice = store.events()?.iter().any(|e| e.id == event && e.practice);
    if practice || !store.holds_key(event)? {
        return Ok(None);
    }
    let last = store.setting(settings::HUB)?.filter(|h| !h.trim().is_empty());
    let invitations = store.invitations(event, recolte_core::Lang::En)?;
    let Some(hub) = hub.or(last.clone()).or_else(|| invitations.iter().rev().find_map(|i| i.hubs.first().cloned()))
    else {
        return Ok(None);
    };
    let hub = recolte_core::invitation::normalize_hub(&hub)?;
    // The fingerprint this device knows for that hub: the one it last used there, else the
    // one its own invitations carry for it.
    let fingerprint = if Some(&hub) == last.as_ref() {
        store.setting(settings::FINGERPRINT)?.filter(|f| !f.trim().is_empty())
    } else {
        None
    }
    .or_else(|| {
        invitations
            .iter()
            .rev()
            .filter(|i| i.hubs.contains(&hub))
            .find_map(|i| Invitation::parse(&i.link).ok().and_then(|i| i.fingerprint))
    });
    let scope = recolte_core::access::Scope { event, role: Role::Organiser, sessions: Vec::new(), themes: Vec::new() };
    let name = store.author()?;
    let token = store.issue_token(&scope, Some(name.as_str()).filter(|n| !n.is_empty()), valid)?;
    Ok(Some(Target::new(hub, token).pinned(fingerprint)))
}

/// Whether `target` is this device's own organiser token (it holds the event's key) with
/// less than a day left: [`renewed`] signs it again, before the hub closes its connections.
pub fn nearly_ended_own(store: &recolte_store::Store, target: &Target) -> Result<bool, recolte_store::Error> {
    let Ok(grant) = recolte_core::token::peek(&target.token) else { return Ok(false) };
    let soon = time::OffsetDateTime::parse(&grant.expires_at, &time::format_description::well_known::Rfc3339)
        .is_ok_and(|at| at - time::Duration::days(1) <= time::OffsetDateTime::now_utc());
    Ok(grant.scope.role == Role::Organiser && soon && crate::join::keeps_organiser(store, grant.scope.event)?)
}

/// The target to keep syncing with, its organiser token signed again when it has expired or
/// expires within a day: the organiser's device signs its own (see [`organiser_target`]) and
/// never needs to be told its own token expired. Any other target is returned as it is.
pub fn renewed(store: &mut recolte_store::Store, target: Target) -> Result<Target, recolte_store::Error> {
    let Ok(grant) = recolte_core::token::peek(&target.token) else {
        return Ok(target);
    };
    if !nearly_ended_own(store, &target)? {
        return Ok(target);
    }
    match organiser_target(store, grant.scope.event, Some(target.hub.clone()), ORGANISER_TOKEN_VALIDITY)? {
        Some(fresh) => {
            remember_target(store, &fresh)?;
            Ok(fresh)
        }
        None => Ok(target),
    }
}

/// How long the organiser's device's own token is valid: it never leaves that device, and is
/// signed again as it nears its end.
pub const ORGANISER_TOKEN_VALIDITY: time::Duration = time::Duration::days(30);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use recolte_core::access::Scope;

    fn organiser_store() -> (tempfile::TempDir, recolte_store::Store, EventId) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = recolte_store::Store::open(dir.path()).unwrap();
        let event = store.import_programme(recolte_core::programme::SAMPLE).unwrap();
        (dir, store, event)
    }

    #[test]
    fn the_organisers_own_token_is_signed_again_before_it_expires_and_no_other_is() {
        let (_dir, mut store, event) = organiser_store();
        let whole = Scope { event, role: Role::Organiser, sessions: Vec::new(), themes: Vec::new() };
        let ending = store.issue_token(&whole, None, time::Duration::hours(2)).unwrap();
        let target = Target::new("ws://127.0.0.1:4455", ending.clone());
        let fresh = renewed(&mut store, target).unwrap();
        assert_ne!(fresh.token, ending, "a token ending within a day is signed again");
        let grant = recolte_core::token::peek(&fresh.token).unwrap();
        assert_eq!((grant.scope.role, grant.scope.event), (Role::Organiser, event));
        assert!(!grant.expired());
        assert_eq!(remembered_target(&store).unwrap().unwrap().token, fresh.token, "and remembered");
        // Far from its end, it is kept.
        assert_eq!(renewed(&mut store, fresh.clone()).unwrap().token, fresh.token);

        // A facilitator's token is the organisers' to give again, not this device's.
        let session = store.sessions(event, Some(1)).unwrap()[0].id;
        let narrow = Scope { event, role: Role::Facilitator, sessions: vec![session], themes: Vec::new() };
        let theirs = store.issue_token(&narrow, None, time::Duration::hours(2)).unwrap();
        assert_eq!(renewed(&mut store, Target::new("ws://127.0.0.1:4455", theirs.clone())).unwrap().token, theirs);
    }

    #[test]
    fn no_organiser_target_without_the_key_for_the_practice_event_or_without_a_hub() {
        let (_dir, mut store, event) = organiser_store();
        let day = time::Duration::days(1);
        assert!(organiser_target(&mut store, event, None, day).unwrap().is_none(), "no hub known");
        let target = organiser_target(&mut store, event, Some("ws://10.0.0.2:4455/".into()), day).unwrap().unwrap();
        assert_eq!(target.hub, "ws://10.0.0.2:4455", "the address as invitations write it");

        let practice = store.import_practice(recolte_core::programme::SAMPLE).unwrap();
        assert!(organiser_target(&mut store, practice, Some("ws://10.0.0.2:4455".into()), day).unwrap().is_none());

        let other_dir = tempfile::tempdir().unwrap();
        let mut device = recolte_store::Store::open(other_dir.path()).unwrap();
        device.import_bundle(&store.export_bundle(event).unwrap()).unwrap();
        assert!(organiser_target(&mut device, event, Some("ws://10.0.0.2:4455".into()), day).unwrap().is_none());
    }

    /// A token pasted in the settings for the hub this device syncs with keeps the certificate
    /// it pinned there; another hub (the room's laptop) is not held to it, and is reached with
    /// the token this device already has when none is typed.
    #[test]
    fn a_hub_given_by_hand_keeps_its_pinned_certificate_and_the_known_token() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = recolte_store::Store::open(dir.path()).unwrap();
        assert!(
            hand_given_target(&store, "ws://10.0.0.2:4455", None, None).unwrap().is_none(),
            "no token given nor known"
        );
        let pinned = "a".repeat(64);
        remember_target(
            &mut store,
            &Target::new("wss://10.0.0.2:4455", "v4.public.first").pinned(Some(pinned.clone())),
        )
        .unwrap();

        let same = hand_given_target(&store, "wss://10.0.0.2:4455", Some(" v4.public.second "), None).unwrap().unwrap();
        assert_eq!((same.token.as_str(), same.fingerprint.as_deref()), ("v4.public.second", Some(pinned.as_str())));
        let laptop = hand_given_target(&store, "ws://192.168.1.20:4455", Some(""), None).unwrap().unwrap();
        assert_eq!(laptop.hub, "ws://192.168.1.20:4455");
        assert_eq!((laptop.token.as_str(), laptop.fingerprint), ("v4.public.first", None));
        // Picked among the hubs served nearby: the certificate its announcement names.
        let announced = "b".repeat(64);
        let nearby = hand_given_target(&store, "wss://192.168.1.20:4455", None, Some(&announced)).unwrap().unwrap();
        assert_eq!(
            (nearby.token.as_str(), nearby.fingerprint.as_deref()),
            ("v4.public.first", Some(announced.as_str()))
        );
        assert!(hand_given_target(&store, "ftp://ailleurs", None, None).is_err(), "an address that is no hub's");
        assert!(hand_given_target(&store, "wss://192.168.1.20:4455", None, Some("pas une empreinte")).is_err());
    }
}
