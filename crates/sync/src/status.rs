//! What a device tells its user about sharing, per document and in one word: may write or
//! only read, changes not yet shared, the last exchange, and why the hub refused. The app
//! and `recolte status` both show this; neither computes it.
//!
//! Truthfulness rules: a change made in a document this device may only read is never
//! "up to date" (it is counted apart: it will never be shared with this invitation); a
//! failed read is an error, never "0 changes".

use recolte_core::access::{Access, Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::invitation::describe_doc;
use recolte_core::schema::DocName;
use recolte_core::token;
use recolte_core::Lang;
use recolte_store::Store;
use serde::Serialize;

use crate::client::{documents_for, StatusBoard, SyncState, Target};
use crate::refusal::RefusalCode;

/// An error as the status shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ErrorReport {
    pub code: RefusalCode,
    pub message: String,
}

/// One document's line of the status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DocReport {
    pub doc: String,
    pub label: String,
    pub access: Access,
    /// Live state when the background engine runs; otherwise, as of the last exchange.
    pub state: SyncState,
    /// Changes this device made (or brought by a bundle) that the hub has not confirmed.
    pub unsent: usize,
    /// The unsent changes are in a document this device may not write: never shared.
    pub out_of_rights: bool,
    /// The unsent changes go with a former invitation kept aside (a facilitator's previous
    /// session card): tried again at its hub and at this one until they are shared.
    pub former_invitation: bool,
    pub last_exchange: Option<String>,
    pub error: Option<ErrorReport>,
}

/// The status in one word, the worst of the documents'.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// No hub set: this device shares by bundles only.
    Off,
    /// The hub refused this device's invitation.
    Refused,
    Offline,
    /// Changes were made where this device may only read.
    OutOfRights,
    Syncing,
    UpToDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Summary {
    pub state: Overall,
    pub hub: Option<String>,
    pub documents: usize,
    pub up_to_date: usize,
    /// Changes not yet shared, out-of-rights ones included.
    pub unshared: usize,
    pub out_of_rights: usize,
    /// Changes on their way with a former invitation kept aside, counted in `unshared`.
    pub former_invitation: usize,
    pub error: Option<ErrorReport>,
    /// The hub was found serving the event nearby when the one expected was out of reach: by
    /// background sync (see `failover`), or by a join whose card's hubs did not answer.
    pub found_nearby: bool,
}

/// The scope this device works with in an event: its invitation's, or the organiser's if it
/// holds the event's key and no invitation of that event. `None`: neither (it shares by
/// bundles only, and everything is open locally).
pub fn device_scope(
    store: &Store,
    target: Option<&Target>,
    event: EventId,
) -> Result<Option<Scope>, recolte_store::Error> {
    if let Some(grant) = target.and_then(|t| token::peek(&t.token).ok()).filter(|g| g.scope.event == event) {
        return Ok(Some(grant.scope));
    }
    Ok(store.holds_key(event)?.then(|| Scope {
        event,
        role: Role::Organiser,
        sessions: Vec::new(),
        themes: Vec::new(),
    }))
}

/// The status of every document of `event` this device syncs or changed.
pub fn report(
    store: &mut Store,
    target: Option<&Target>,
    board: Option<&StatusBoard>,
    event: EventId,
    lang: Lang,
) -> Result<Vec<DocReport>, recolte_store::Error> {
    let record = store.event_record(event)?;
    let scope = device_scope(store, target, event)?;
    let target = target.filter(|t| token::peek(&t.token).is_ok_and(|g| g.scope.event == event));
    let grant = target.and_then(|t| token::peek(&t.token).ok());
    // Known here without a hub: what is typed after the invitation's end will not be taken.
    // (Not the organiser's own token on the device that holds the key: it is signed again.)
    let own = grant.as_ref().is_some_and(|g| g.scope.role == Role::Organiser) && store.holds_key(event)?;
    let expired = grant.as_ref().is_some_and(|g| g.expired()) && !own;
    let expires_at = grant.map(|g| g.expires_at);
    let timezone = record.as_ref().map(|r| r.timezone.clone());
    let mut docs: Vec<DocName> = match &scope {
        Some(scope) => documents_for(scope, record.as_ref()).into_iter().map(|(name, _)| name).collect(),
        None => Vec::new(),
    };
    let Some(target) = target else {
        // Not syncing this event: what it may do; and what it once synced with a hub and changed
        // since, which no hub confirmed: it will not go over the network any more (a bundle
        // carries it), and is not forgotten when the device moves to another event.
        // Its line, with nothing to share over a network.
        let quiet = |doc: &DocName, access: Access| DocReport {
            doc: doc.to_string(),
            label: describe_doc(doc, record.as_ref(), lang),
            access,
            state: SyncState::Offline,
            unsent: 0,
            out_of_rights: false,
            former_invitation: false,
            last_exchange: None,
            error: None,
        };
        let mut out: Vec<DocReport> = docs
            .iter()
            .map(|doc| quiet(doc, scope.as_ref().map(|s| s.access(doc, record.as_ref())).unwrap_or(Access::Write)))
            .collect();
        for doc in store.documents(event)? {
            let Some(unshared) = store.unshared_local_edits(&doc)?.filter(|n| *n > 0) else { continue };
            let at = match out.iter().position(|line| line.doc == doc.to_string()) {
                Some(at) => at,
                None => {
                    let access = scope.as_ref().map(|s| s.access(&doc, record.as_ref())).unwrap_or(Access::None);
                    out.push(quiet(&doc, access));
                    out.len() - 1
                }
            };
            // The organiser's own device shares them as soon as it syncs again: not out of rights.
            (out[at].unsent, out[at].out_of_rights) = (unshared, out[at].access != Access::Write);
        }
        return Ok(out);
    };
    let formers: Vec<_> =
        crate::handover::waiting_in(store, event)?.into_iter().filter(|(t, _)| t.token != target.token).collect();
    // What this device made and no hub took (the hub it syncs with, or any other it synced the
    // document with).
    for doc in store.documents(event)? {
        if !docs.contains(&doc) && store.unshared_local_edits_at(&[&target.hub], &doc)? > 0 {
            docs.push(doc);
        }
    }
    let live = board.map(|b| b.lock().unwrap_or_else(|p| p.into_inner()).clone());
    let mut out = Vec::new();
    for doc in docs {
        let access = scope.as_ref().map(|s| s.access(&doc, record.as_ref())).unwrap_or(Access::None);
        // A former invitation kept aside may write it: its changes go with that one, and are
        // shared once its hub, or this one, confirms them.
        let former_hubs: Vec<&str> = formers
            .iter()
            .filter(|(_, grant)| grant.scope.access(&doc, record.as_ref()) == Access::Write)
            .map(|(former, _)| former.hub.as_str())
            .collect();
        let (unsent, out_of_rights, former_invitation) = if access == Access::Write {
            (store.unconfirmed_count(&target.hub, &doc)?, false, false)
        } else {
            let hubs: Vec<&str> = std::iter::once(target.hub.as_str()).chain(former_hubs.iter().copied()).collect();
            let edits = store.unshared_local_edits_at(&hubs, &doc)?;
            match former_hubs.is_empty() {
                true => (edits, edits > 0, false),
                false => (edits, false, edits > 0),
            }
        };
        let saved = store.sync_record(&target.hub, &doc)?;
        let now = live.as_ref().and_then(|l| l.get(&doc)).cloned();
        let error_code = match &now {
            // Not synced at all under this invitation: a refusal it holds was a former one's.
            _ if access == Access::None => None,
            // The hub's own word wins over this device's clock: it still takes the changes, or
            // refused them for a reason of its own.
            Some(status)
                if !expired
                    || matches!(status.state, SyncState::UpToDate | SyncState::Syncing)
                    || status.error.as_ref().is_some_and(|(code, _)| *code != RefusalCode::Unreachable) =>
            {
                status.error.as_ref().map(|(code, _)| *code)
            }
            // No hub to say (out of reach, the command line): the token's end.
            Some(_) => Some(RefusalCode::Expired),
            None if expired => Some(RefusalCode::Expired),
            None => saved.as_ref().and_then(|s| s.error.as_ref()).and_then(|(code, _)| RefusalCode::parse(code)),
        };
        let last_exchange = saved.and_then(|s| s.last_exchange);
        // Without the engine running (the command line), the last exchange is all there is
        // to go by: up to date as of then if nothing is waiting and nothing was refused.
        let state = match &now {
            // On their way with the former card (tried every 30 s), not a connection of this one.
            _ if former_invitation => SyncState::Syncing,
            Some(status) => status.state,
            None if last_exchange.is_some() && unsent == 0 && error_code.is_none() => SyncState::UpToDate,
            None => SyncState::Offline,
        };
        out.push(DocReport {
            label: describe_doc(&doc, record.as_ref(), lang),
            doc: doc.to_string(),
            access,
            state,
            unsent,
            out_of_rights,
            former_invitation,
            last_exchange,
            error: error_code.map(|code| ErrorReport {
                code,
                message: code.explain_in(expires_at.as_deref(), timezone.as_deref(), lang),
            }),
        });
    }
    Ok(out)
}

/// The status of a device whose remembered token no longer reads (a damaged setting): refused,
/// with why, instead of « synchronisation… » for ever with no document (the engine cannot
/// start on it).
pub fn unreadable_token(hub: &str, message: String) -> Summary {
    let mut summary = summarize(&[], Some(hub));
    summary.state = Overall::Refused;
    summary.error = Some(ErrorReport { code: RefusalCode::UnreadableToken, message });
    summary
}

/// The worst state of the documents, as the status pill shows it.
pub fn summarize(docs: &[DocReport], hub: Option<&str>) -> Summary {
    let documents = docs.len();
    let up_to_date =
        docs.iter().filter(|d| d.state == SyncState::UpToDate && !d.out_of_rights && !d.former_invitation).count();
    let unshared = docs.iter().map(|d| d.unsent).sum();
    let out_of_rights = docs.iter().filter(|d| d.out_of_rights).map(|d| d.unsent).sum();
    let former_invitation = docs.iter().filter(|d| d.former_invitation).map(|d| d.unsent).sum();
    // The refusal that matters most: one that will not go away by itself first.
    let error = docs.iter().filter_map(|d| d.error.clone()).min_by_key(|e| (!e.code.is_final(), e.code.as_str()));
    // A document changed out of this device's rights is not synced at all: its state says
    // nothing about the others.
    let synced = docs.iter().filter(|d| !(d.former_invitation || d.out_of_rights && d.access < Access::Write));
    let state = if hub.is_none() {
        Overall::Off
    } else if error.as_ref().is_some_and(|e| e.code.is_final()) {
        Overall::Refused
    } else if error.is_some() || synced.clone().any(|d| d.state == SyncState::Offline) {
        Overall::Offline
    } else if out_of_rights > 0 {
        Overall::OutOfRights
    } else if documents == 0 || former_invitation > 0 || synced.clone().any(|d| d.state != SyncState::UpToDate) {
        Overall::Syncing
    } else {
        Overall::UpToDate
    };
    Summary {
        state,
        hub: hub.map(str::to_owned),
        documents,
        up_to_date,
        unshared,
        out_of_rights,
        former_invitation,
        error,
        found_nearby: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(state: SyncState, unsent: usize, out_of_rights: bool, error: Option<RefusalCode>) -> DocReport {
        DocReport {
            doc: "d".into(),
            label: "d".into(),
            access: if out_of_rights { Access::Read } else { Access::Write },
            state,
            unsent,
            out_of_rights,
            former_invitation: false,
            last_exchange: None,
            error: error.map(|code| ErrorReport { code, message: String::new() }),
        }
    }

    #[test]
    fn a_token_that_no_longer_reads_is_refused_with_why_not_syncing_for_ever() {
        let summary = unreadable_token("ws://192.168.1.20:4455", "le jeton est illisible".into());
        assert_eq!(summary.state, Overall::Refused);
        assert_eq!(
            summary.error.map(|e| (e.code, e.message)),
            Some((RefusalCode::UnreadableToken, "le jeton est illisible".into()))
        );
        assert_eq!(summarize(&[], Some("ws://192.168.1.20:4455")).state, Overall::Syncing, "what it showed before");
    }

    #[test]
    fn the_summary_shows_the_worst_state() {
        let up = line(SyncState::UpToDate, 0, false, None);
        assert_eq!(summarize(std::slice::from_ref(&up), None).state, Overall::Off);
        assert_eq!(summarize(std::slice::from_ref(&up), Some("ws://h")).state, Overall::UpToDate);
        let stray = line(SyncState::UpToDate, 3, true, None);
        let summary = summarize(&[up.clone(), stray.clone()], Some("ws://h"));
        assert_eq!((summary.state, summary.out_of_rights, summary.up_to_date), (Overall::OutOfRights, 3, 1));
        let unreachable = line(SyncState::Offline, 2, false, Some(RefusalCode::Unreachable));
        assert_eq!(summarize(&[stray.clone(), unreachable.clone()], Some("ws://h")).state, Overall::Offline);
        let revoked = line(SyncState::Offline, 0, false, Some(RefusalCode::Revoked));
        let summary = summarize(&[unreachable, revoked, stray], Some("ws://h"));
        assert_eq!(summary.state, Overall::Refused);
        assert_eq!(summary.error.map(|e| e.code), Some(RefusalCode::Revoked));
        assert_eq!(summarize(&[], Some("ws://h")).state, Overall::Syncing);
        // A former card's changes on their way: syncing, whatever that line's own state says
        // (it is no connection of this card's; it made the pill say « hors ligne »).
        let former =
            DocReport { former_invitation: true, access: Access::None, ..line(SyncState::Offline, 2, false, None) };
        let summary = summarize(&[up, former], Some("ws://h"));
        assert_eq!((summary.state, summary.former_invitation, summary.up_to_date), (Overall::Syncing, 2, 1));
    }
}

/// What this device may do in an event, for the app to show only that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeviceAccess {
    /// `None`: no invitation for this event and not its organiser's device (everything is
    /// open locally; it shares by bundles).
    pub role: Option<Role>,
    pub holds_key: bool,
    /// The name on the invitation.
    #[serde(rename = "for")]
    pub for_name: Option<String>,
    pub programme: Access,
    pub sessions: Vec<SessionAccess>,
    pub themes: Vec<ThemeAccess>,
    pub panel: Access,
    /// The screens to show, in order.
    pub screens: Vec<&'static str>,
    /// Where the holder works.
    pub home: Home,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SessionAccess {
    pub id: recolte_core::ids::SessionId,
    pub access: Access,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ThemeAccess {
    pub number: u32,
    pub access: Access,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Home {
    pub screen: &'static str,
    pub session: Option<recolte_core::ids::SessionId>,
    pub theme: Option<u32>,
}

/// What the device may do in `event`, and where its holder works.
pub fn device_access(
    store: &mut Store,
    target: Option<&Target>,
    event: EventId,
) -> Result<DeviceAccess, recolte_store::Error> {
    let record = store.event_record(event)?;
    let holds_key = store.holds_key(event)?;
    let practice = store.events()?.iter().any(|e| e.id == event && e.practice);
    let grant = target.and_then(|t| token::peek(&t.token).ok()).filter(|g| g.scope.event == event);
    let scope = device_scope(store, target, event)?;
    let access = |doc: DocName| scope.as_ref().map_or(Access::Write, |s| s.access(&doc, record.as_ref()));
    let sessions: Vec<SessionAccess> = record
        .as_ref()
        .map(|r| {
            let slot_order = |slot: &str| r.slots.iter().position(|s| s.id == slot).unwrap_or(usize::MAX);
            let mut sessions: Vec<_> = r.sessions.iter().collect();
            sessions.sort_by_key(|s| (slot_order(&s.slot), s.theme));
            sessions
                .into_iter()
                .map(|s| SessionAccess { id: s.id, access: access(DocName::Session(event, s.id)) })
                .collect()
        })
        .unwrap_or_default();
    let themes: Vec<ThemeAccess> = record
        .as_ref()
        .map(|r| {
            r.themes
                .iter()
                .map(|t| ThemeAccess { number: t.number, access: access(DocName::Synthesis(event, t.number)) })
                .collect()
        })
        .unwrap_or_default();
    let role = scope.as_ref().map(|s| s.role);
    let mut screens: Vec<&'static str> = match role {
        Some(Role::Facilitator) => vec!["capture"],
        Some(Role::Rapporteur) => vec!["synthesis"],
        Some(Role::Panel) => vec!["panel"],
        Some(Role::Organiser) | None => vec!["capture", "synthesis", "panel"],
    };
    // A second organiser, joined with an organiser's invitation, has the screen too: its
    // arrivals board, the room and the exports (inviting needs the event's key).
    if holds_key || role == Some(Role::Organiser) {
        screens.push("organisation");
    }
    screens.push("settings");
    let first_writable_session = sessions.iter().find(|s| s.access == Access::Write).map(|s| s.id);
    let first_writable_theme = themes.iter().find(|t| t.access == Access::Write).map(|t| t.number);
    let home = match role {
        Some(Role::Facilitator) => Home { screen: "capture", session: first_writable_session, theme: None },
        Some(Role::Rapporteur) => Home { screen: "synthesis", session: None, theme: first_writable_theme },
        Some(Role::Panel) => Home { screen: "panel", session: None, theme: None },
        // The organiser of a real event starts on its invitations; on the practice event,
        // one tries capture first.
        _ if holds_key && !practice => Home { screen: "organisation", session: None, theme: None },
        _ => Home { screen: "capture", session: None, theme: None },
    };
    Ok(DeviceAccess {
        role,
        holds_key,
        for_name: grant.and_then(|g| g.name),
        programme: access(DocName::Event(event)),
        sessions,
        themes,
        panel: access(DocName::Panel(event)),
        screens,
        home,
    })
}
