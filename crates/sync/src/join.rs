//! Joining an event with an invitation link: the same steps for the app and `recolte join`.
//!
//! 1. read the link (its form, the event it names, the token's validity);
//! 2. pull what the invitation may read from the first hub that answers;
//! 3. remember the hub and token, so that background sync and `recolte sync` go on from there
//!    (and so that what follows is written with this invitation's rights);
//! 4. sign with the person's name, record the arrival in the documents the invitation may
//!    write (so that the organiser sees who joined, through any hub or bundle), and push it.
//!
//! A refused invitation (expired, revoked, another event…) changes nothing. A hub that cannot
//! be reached is not a failure of the join: the invitation is kept and sync retries.

use recolte_core::access::{Access, Role};
use recolte_core::ids::EventId;
use recolte_core::invitation::Invitation;
use recolte_core::schema::DocName;
use recolte_core::token::{self, TokenError};
use serde::Serialize;

use crate::client::{
    documents_for, sync_once, sync_once_unless, SharedStore, SyncError, SyncReport, Target, WithoutEvent,
};
use crate::refusal::RefusalCode;
use crate::served_nearby::{self, PinnedHub};

/// The settings a joined device keeps (never synced).
pub use recolte_store::settings;

pub use crate::remembered::{
    hand_given_target, nearly_ended_own, organiser_target, remember_chosen, remember_found_nearby, remember_target,
    remembered_target, renewed, synced_event, ORGANISER_TOKEN_VALIDITY,
};
pub(crate) use crate::remembered::{remember_move, remember_with};

/// What joining did.
#[derive(Debug)]
pub struct Joined {
    pub event: EventId,
    /// The hub and token kept for sync.
    pub target: Target,
    /// What the first sync brought, if a hub answered.
    pub report: Option<SyncReport>,
    /// Why nothing was pulled yet (every hub unreachable): sync keeps trying.
    pub pending: Option<SyncError>,
    /// The device holds the event's key (it made the event): it went on with its own organiser
    /// token to the link's hub, and the invitation was not used (nor marked as joined).
    pub as_organiser: bool,
    /// Changes only the former invitation may write that its hub did not take yet: kept aside,
    /// sent by background sync (and `recolte sync`) as soon as its hub, or the new invitation's, answers.
    pub left_behind: usize,
    /// Changes only the former invitation could write, which it can no longer share (it expired
    /// or was revoked): they stay on this device, and a bundle carries them to the organisers.
    pub stranded: usize,
}

#[derive(Debug, Serialize)]
pub struct JoinSummary {
    pub event: EventId,
    pub hub: String,
    pub pulled: bool,
}

fn lock(store: &SharedStore) -> std::sync::MutexGuard<'_, recolte_store::Store> {
    recolte_store::Store::lock_shared(store)
}

/// Joins the event an invitation is for. `name` signs this device's proposals (kept if
/// empty and already set).
pub async fn join(store: SharedStore, link: &str, name: &str) -> Result<Joined, SyncError> {
    let invitation = Invitation::parse(link)?;
    let grant = invitation.grant()?;
    // Checked here too, so that an expired invitation is refused even with no hub in reach.
    if grant.expired() {
        return Err(SyncError::Token(TokenError::Expired(grant.expires_at)));
    }
    check_token(&mut lock(&store), &invitation.token)?;
    let organiser_device = keeps_organiser(&lock(&store), invitation.event)?;
    if name.trim().is_empty() && lock(&store).author()?.trim().is_empty() && !organiser_device {
        return Err(SyncError::NameNeeded);
    }
    let handed = crate::handover::hand_over_first(&store, &invitation.token, organiser_device).await?;
    let joining = Joining { store: &store, invitation: &invitation, link, name, handed: &handed };
    // Each hub to try with the certificate expected there: the card's addresses, or, when it
    // names none, the hubs serving this event found on the local network (only those the card
    // may be given to, see `served_nearby::trusted`).
    let card_names_hubs = !invitation.hubs.is_empty();
    let hubs: Vec<PinnedHub> = if card_names_hubs {
        invitation.hubs.iter().map(|hub| (hub.clone(), invitation.fingerprint.clone())).collect()
    } else {
        let found = served_nearby::find(invitation.event, served_nearby::WAIT).await?;
        let announced = !found.is_empty();
        let trusted = served_nearby::trusted(&lock(&store), invitation.fingerprint.as_deref(), &[], found);
        if announced && trusted.is_empty() {
            return Err(SyncError::UntrustedNearby);
        }
        trusted
    };
    let Some((first_hub, fingerprint)) = hubs.first().cloned() else {
        return Err(SyncError::NoHub);
    };
    let (mut unreachable, mut without_event) = (None, None);
    for (hub, pinned) in &hubs {
        match joining.at(hub, pinned, false).await? {
            Tried::Joined(joined) => return Ok(joined),
            Tried::Unreachable(error) => unreachable = Some(error),
            Tried::WithoutEvent(error) => {
                without_event.get_or_insert(error);
            }
            Tried::Passed => {}
        }
    }
    // One of the card's hubs answered without the event, and none took the join: said (the
    // next hub of the card was tried first).
    if let Some(error) = without_event {
        return Err(error);
    }
    // Every address of the card out of reach (the venue's server down, its Wi-Fi gone): the
    // room's laptop, if one serves this event nearby. Not found, or the local network cannot be
    // searched: the card's own hub is kept, as before, for later. Not on the device that made
    // the event, nor on one serving the room: it may be the one serving, and keeps the hub it
    // syncs with. A card that names a certificate accepts no other.
    if card_names_hubs && !organiser_device && !lock(&store).serves_the_room()? {
        let found = served_nearby::find(invitation.event, served_nearby::FALLBACK_WAIT).await.unwrap_or_default();
        let tried: Vec<&str> = hubs.iter().map(|(hub, _)| hub.as_str()).collect();
        let trusted = served_nearby::trusted(&lock(&store), invitation.fingerprint.as_deref(), &tried, found);
        for (hub, pinned) in &trusted {
            if let Tried::Joined(joined) = joining.at(hub, pinned, true).await? {
                return Ok(joined);
            }
        }
    }
    if let Some(own) = joining.as_organiser(&first_hub, &fingerprint)? {
        // Nothing answered: the laptop stays on the hub it syncs with, if any (an organiser
        // trying a room's link from elsewhere would otherwise lose their working hub).
        let kept = remembered_target(&lock(&store))?
            .filter(|t| recolte_core::token::peek(&t.token).is_ok_and(|g| g.scope.event == invitation.event));
        let target = match kept {
            Some(kept) => kept,
            None => {
                remember_target(&mut lock(&store), &own)?;
                own
            }
        };
        return Ok(Joined {
            event: invitation.event,
            target,
            report: None,
            pending: unreachable,
            as_organiser: true,
            left_behind: 0,
            stranded: handed.stranded,
        });
    }
    let target = Target::new(first_hub, invitation.token.clone()).pinned(fingerprint);
    remember(&store, &target, link, false)?;
    arrive(&store, &invitation, name)?;
    Ok(Joined {
        event: invitation.event,
        target,
        report: None,
        pending: unreachable,
        as_organiser: false,
        left_behind: handed.kept_aside,
        stranded: handed.stranded,
    })
}

/// A join under way, tried at one hub after another.
struct Joining<'a> {
    store: &'a SharedStore,
    invitation: &'a Invitation,
    link: &'a str,
    name: &'a str,
    handed: &'a crate::handover::HandOver,
}

/// What a join found at one hub.
enum Tried {
    Joined(Joined),
    /// Out of reach: the next is tried, and this is why the join is pending if none answers.
    Unreachable(SyncError),
    /// It answered but holds nothing of the event: the next is tried, and this is what the
    /// join says if none takes it.
    WithoutEvent(SyncError),
    /// Found nearby but not joined there: it holds nothing of the event or does not take the
    /// card (full, another certificate than announced, refusing).
    Passed,
}

impl Joining<'_> {
    /// The organiser trying one of their own links on their own device (to see that it works)
    /// must not become a facilitator there: every later save would be checked against the
    /// link's narrower rights, and the invitation would read as joined by the organiser.
    fn as_organiser(&self, hub: &str, pinned: &Option<String>) -> Result<Option<Target>, SyncError> {
        let mut store = lock(self.store);
        let own = organiser_target(&mut store, self.invitation.event, Some(hub.to_owned()), ORGANISER_TOKEN_VALIDITY)?;
        Ok(own.map(|own| match pinned {
            Some(pinned) => own.pinned(Some(pinned.clone())),
            None => own,
        }))
    }

    /// Joins at `hub` (expecting the certificate `pinned` there), `found_nearby` when the card's
    /// own hubs were out of reach and this one announced the event on the local network.
    async fn at(&self, hub: &str, pinned: &Option<String>, found_nearby: bool) -> Result<Tried, SyncError> {
        let (store, invitation, handed) = (self.store, self.invitation, self.handed);
        let own = self.as_organiser(hub, pinned)?;
        let target =
            own.clone().unwrap_or_else(|| Target::new(hub.to_owned(), invitation.token.clone()).pinned(pinned.clone()));
        match sync_once_unless(store.clone(), &target, WithoutEvent::Stop).await {
            // A hub that answers but holds nothing of the event (a fresh one, before the
            // organisers synced it): joining it would leave a device with no programme, whose
            // every message then says to import one, which would make a second event. One found
            // nearby that announced the event and holds none of it is passed.
            Ok(_) if !holds_event(store, invitation.event)? => match found_nearby {
                true => Ok(Tried::Passed),
                false => Ok(Tried::WithoutEvent(SyncError::EventNotOnHub { hub: hub.to_owned() })),
            },
            // A hub that had nothing of the event, for a device that holds it already (a second
            // card): it would read « à jour » there while no one else sees its work.
            Ok(report) if report.hub_lacks_event => match found_nearby {
                true => Ok(Tried::Passed),
                false => Ok(Tried::WithoutEvent(SyncError::HubWithoutEvent { hub: hub.to_owned() })),
            },
            Ok(report) if own.is_some() => {
                remember_target(&mut lock(store), &target)?;
                Ok(Tried::Joined(Joined {
                    event: invitation.event,
                    target,
                    report: Some(report),
                    pending: None,
                    as_organiser: true,
                    left_behind: 0,
                    stranded: handed.stranded,
                }))
            }
            Ok(report) => {
                // Remembered first: the arrival is written with the new invitation's rights,
                // not those of the one it replaces.
                remember(store, &target, self.link, found_nearby)?;
                arrive(store, invitation, self.name)?;
                // Tells the organiser now; if this fails, background sync will.
                if let Err(error) = sync_once(store.clone(), &target).await {
                    tracing::warn!("the arrival is saved but not shared yet: {error}");
                }
                // What the former invitation's hub did not take: this hub, which took the new
                // invitation, is tried with the former token now.
                let left_behind = match handed.kept_aside {
                    0 => 0,
                    kept => crate::handover::hand_over_later(store).await.unwrap_or_else(|error| {
                        // Joined all the same; background sync tries again.
                        tracing::warn!("handing over the former invitation's changes: {error}");
                        kept
                    }),
                };
                Ok(Tried::Joined(Joined {
                    event: invitation.event,
                    target,
                    report: Some(report),
                    pending: None,
                    as_organiser: false,
                    left_behind,
                    stranded: handed.stranded,
                }))
            }
            // A hub found nearby that does not take the card: the card stays as it was, kept
            // for later with its own hub's reason.
            Err(error) if found_nearby => {
                tracing::info!("{hub} (found nearby): {error}; not joined there");
                Ok(Tried::Passed)
            }
            Err(error) if error.refusal() == Some(RefusalCode::Unreachable) => {
                tracing::info!("{hub}: {error}; trying the next address");
                Ok(Tried::Unreachable(error))
            }
            Err(error) => Err(error),
        }
    }
}

/// Whether this device made `event` (and it is not the practice one): it joins that event's
/// links as its organiser (see [`organiser_target`]).
pub fn keeps_organiser(store: &recolte_store::Store, event: EventId) -> Result<bool, recolte_store::Error> {
    Ok(store.holds_key(event)? && !store.events()?.iter().any(|e| e.id == event && e.practice))
}

/// A token for an event this device already holds must be signed with that event's key:
/// anyone can make an invitation link (or hand over a hub and a token) naming the event, a hub
/// of theirs and a token of their own key, which would send this device's work to them. (For
/// an event the device does not hold yet, the hub checks the token against the event it
/// holds.) Both shells call this before syncing with a hub and token they were given.
pub fn check_token(store: &mut recolte_store::Store, token: &str) -> Result<(), SyncError> {
    let event = token::peek(token)?.scope.event;
    let Some(record) = store.event_record(event)? else { return Ok(()) };
    let Some(key) = record.public_key.as_deref().filter(|key| !key.is_empty()) else { return Ok(()) };
    let key = token::parse_public_key(key)?;
    match token::verify(token, &[key]) {
        Err(TokenError::Untrusted | TokenError::Malformed) => {
            Err(SyncError::NotSignedByTheEvent { event: record.name })
        }
        // Expired is told by the caller, as for an event not held yet.
        Ok(_) | Err(_) => Ok(()),
    }
}

/// Before a device syncs with a hub and token given by hand (`recolte join --hub --token`, the
/// app's « Avancé »), when it does not hold their event yet: a first exchange, refused as a
/// link's join is when the hub does not hold the event either (the device would say « à jour »
/// with no programme, and every message would ask it to join). `None` when the device already
/// holds the event and syncs it there (nothing is done); a hub that cannot be reached is the
/// caller's to retry.
pub async fn first_exchange(store: &SharedStore, target: &Target) -> Result<Option<SyncReport>, SyncError> {
    let event = token::peek(&target.token)?.scope.event;
    if holds_event(store, event)? {
        let remembered = remembered_target(&lock(store))?;
        if remembered.is_some_and(|r| r.hub == target.hub && r.fingerprint == target.fingerprint) {
            return Ok(None);
        }
        // Another hub or certificate for an event it holds (the room's laptop): reached once,
        // so that a certificate it does not accept, or a hub that has nothing of the event, is
        // said before anything is remembered.
        let report = sync_once_unless(store.clone(), target, WithoutEvent::Stop).await?;
        if report.hub_lacks_event {
            return Err(SyncError::HubWithoutEvent { hub: target.hub.clone() });
        }
        return Ok(Some(report));
    }
    let report = sync_once(store.clone(), target).await?;
    if !holds_event(store, event)? {
        return Err(SyncError::EventNotOnHub { hub: target.hub.clone() });
    }
    Ok(Some(report))
}

fn holds_event(store: &SharedStore, event: EventId) -> Result<bool, SyncError> {
    Ok(lock(store).event_record(event)?.is_some())
}

/// Signs with the person's name and records the arrival in the documents the invitation may
/// write (the programme for an organiser, who writes everything).
fn arrive(store: &SharedStore, invitation: &Invitation, name: &str) -> Result<(), SyncError> {
    let grant = invitation.grant()?;
    let mut store = lock(store);
    if !name.trim().is_empty() {
        store.set_author(name)?;
    }
    let signer = store.author()?;
    let record = store.event_record(invitation.event)?;
    let organiser = grant.scope.role == Role::Organiser;
    let arrival: Vec<DocName> = documents_for(&grant.scope, record.as_ref())
        .into_iter()
        .filter(|(doc, access)| *access == Access::Write && matches!(doc, DocName::Event(_)) == organiser)
        .map(|(doc, _)| doc)
        .collect();
    store.record_arrival(&arrival, &grant.id, grant.scope.role, &signer)?;
    Ok(())
}

/// `found_nearby`: the hub was found serving the event nearby while the card's own were out of
/// reach (said in the status, as after background sync's move there).
fn remember(store: &SharedStore, target: &Target, link: &str, found_nearby: bool) -> Result<(), SyncError> {
    Ok(remember_with(&mut lock(store), target, Some(link), found_nearby)?)
}

/// What an invitation link opens, shown before joining.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Preview {
    pub event_id: EventId,
    pub event_name: String,
    pub role: Role,
    pub label: String,
    #[serde(rename = "for")]
    pub for_name: Option<String>,
    pub expires_at: String,
    pub expired: bool,
    pub hubs: Vec<String>,
    /// This device made the event (not the practice one): joining keeps its organiser rights
    /// (see [`join`]).
    pub organiser_device: bool,
}

/// Reads a link without joining. `event` is the programme if this device already holds it
/// (then sessions are described by theme, day and room); `organiser_device`, whether this
/// device made that event and keeps its organiser rights ([`keeps_organiser`]).
pub fn preview(
    link: &str,
    event: Option<&recolte_core::schema::EventRecord>,
    organiser_device: bool,
    lang: recolte_core::Lang,
) -> Result<Preview, SyncError> {
    let invitation = Invitation::parse(link)?;
    let grant = invitation.grant()?;
    let event = event.filter(|e| e.id == invitation.event);
    Ok(Preview {
        event_id: invitation.event,
        event_name: invitation.event_name.clone(),
        role: grant.scope.role,
        label: recolte_core::invitation::describe(&grant.scope, event, lang),
        for_name: grant.name.clone(),
        expired: grant.expired(),
        expires_at: grant.expires_at,
        hubs: invitation.hubs,
        organiser_device: organiser_device && event.is_some(),
    })
}
