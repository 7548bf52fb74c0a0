//! The arrivals board: before the closing plenary, did every session reach the hub?
//!
//! Per session, what the hub holds (proposals, the time of the last change) and the devices
//! seen there (connected now, or when last seen), with a mark for a session that has nothing
//! once its slot has ended; per theme, the synthesis by status; per device that reported
//! (in its presence), the changes it had not shared yet. The hub computes it for organiser
//! tokens only, and sends it over a WebSocket at `/arrivals/EVENT_ID?token=…` (one JSON text
//! message), so that devices reach it exactly as they reach rooms, `wss://` included.

use std::collections::HashMap;

use futures_util::StreamExt;
use recolte_core::ids::{EventId, SessionId};
use recolte_core::model::Status;
use recolte_core::schema::{self, DocName, EventRecord};
use serde::{Deserialize, Serialize};
use tokio_tungstenite::tungstenite::Message;
use yrs::Transact;

use crate::client::{SyncError, Target};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ArrivalsBoard {
    pub generated_at: String,
    pub sessions: Vec<SessionArrival>,
    pub themes: Vec<ThemeArrival>,
    pub devices: Vec<DeviceReport>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionArrival {
    pub id: SessionId,
    pub theme: u32,
    pub theme_title: String,
    pub day: u8,
    pub start: String,
    pub room: Option<String>,
    /// Proposals the hub holds (deleted ones aside).
    pub proposals: usize,
    /// When the hub last received a change to the session (RFC 3339).
    pub last_change: Option<String>,
    pub devices: Vec<ArrivalDevice>,
    /// The slot has ended and the hub holds nothing of the session.
    pub missing: bool,
    /// The hub cannot read the session back (a damaged journal entry, its disk): its count is
    /// unknown, not 0, and it is not called missing.
    pub unreadable: bool,
}

/// A device seen in a session's room, by the name it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ArrivalDevice {
    pub name: String,
    pub connected: bool,
    /// When it left (`None` while connected).
    pub last_seen: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ThemeArrival {
    pub number: u32,
    pub title: String,
    pub consolidated: usize,
    pub retained: usize,
    pub set_aside: usize,
    pub draft: usize,
    /// The theme's synthesis could not be read back: its counts are unknown, not zero.
    pub unreadable: bool,
}

/// What a device last said of itself in its presence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceReport {
    pub device: String,
    pub name: String,
    pub role: Option<String>,
    /// Changes it had not shared yet, summed over the documents it reported on.
    pub unsent: Option<usize>,
    /// Changes it holds that no network sync will carry (outside its invitation's rights): a
    /// bundle brings them, or a new invitation.
    pub outside: Option<usize>,
    pub reported_at: Option<String>,
}

/// Whether a slot of the programme has ended at `now`, in the event's time zone.
pub fn slot_ended(event: &EventRecord, slot: &str, now: jiff::Timestamp) -> bool {
    let Some(slot) = event.slots.iter().find(|s| s.id == slot) else { return false };
    recolte_core::moment::slot_end(&slot.date, &slot.start, slot.duration_minutes, &event.timezone)
        .is_some_and(|end| end <= now)
}

/// Computes the board from what the hub holds. `read` gives a document and when it last
/// changed, or `None` when it cannot be read back; `seen` the devices seen per room.
pub fn board(
    event: &EventRecord,
    mut read: impl FnMut(&DocName) -> Option<(Option<yrs::Doc>, Option<String>)>,
    seen: &HashMap<DocName, Vec<ArrivalDevice>>,
    devices: Vec<DeviceReport>,
    now: jiff::Timestamp,
) -> ArrivalsBoard {
    let slot_of = |id: &str| event.slots.iter().find(|s| s.id == id);
    let title_of = |n: u32| event.themes.iter().find(|t| t.number == n).map(|t| t.title.clone()).unwrap_or_default();
    let mut sessions: Vec<SessionArrival> = event
        .sessions
        .iter()
        .map(|session| {
            let name = DocName::Session(event.id, session.id);
            let read = read(&name);
            let unreadable = read.is_none();
            let (doc, last_change) = read.unwrap_or_default();
            let proposals = doc
                .map(|d| schema::read_proposals(&d.transact()).into_iter().filter(|p| !p.deleted).count())
                .unwrap_or(0);
            let slot = slot_of(&session.slot);
            let place = event.places.iter().find(|p| p.id == session.place).map(|p| p.name.clone());
            SessionArrival {
                id: session.id,
                theme: session.theme,
                theme_title: title_of(session.theme),
                day: slot.map(|s| s.day).unwrap_or(0),
                start: slot.map(|s| s.start.clone()).unwrap_or_default(),
                room: session.room.clone().or(place),
                proposals,
                last_change,
                devices: seen.get(&name).cloned().unwrap_or_default(),
                missing: !unreadable && proposals == 0 && slot_ended(event, &session.slot, now),
                unreadable,
            }
        })
        .collect();
    sessions.sort_by(|a, b| (a.day, &a.start, a.theme).cmp(&(b.day, &b.start, b.theme)));
    let themes = event
        .themes
        .iter()
        .map(|theme| {
            let read = read(&DocName::Synthesis(event.id, theme.number));
            let unreadable = read.is_none();
            let (doc, _) = read.unwrap_or_default();
            let records: Vec<_> = doc
                .map(|d| schema::read_consolidated_all(&d.transact()).into_iter().filter(|c| !c.deleted).collect())
                .unwrap_or_default();
            let count = |status: Status| records.iter().filter(|c| c.status == status).count();
            ThemeArrival {
                number: theme.number,
                title: theme.title.clone(),
                consolidated: records.len(),
                retained: count(Status::Retained),
                set_aside: count(Status::SetAside),
                draft: count(Status::Draft),
                unreadable,
            }
        })
        .collect();
    ArrivalsBoard { generated_at: now.to_string(), sessions, themes, devices }
}

/// Asks a hub for its arrivals board (an organiser token is needed).
pub async fn fetch(target: &Target, event: EventId) -> Result<ArrivalsBoard, SyncError> {
    let url = format!("{}/arrivals/{event}?token={}", target.hub.trim_end_matches('/'), target.token.trim());
    let mut socket = crate::client::connect_url(target, &url).await?;
    let doc = format!("arrivals/{event}");
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                let _ = socket.close(None).await;
                return serde_json::from_str(&text)
                    .map_err(|e| SyncError::Protocol { doc: doc.clone(), reason: e.to_string() });
            }
            Some(Ok(Message::Close(frame))) => return Err(crate::client::refused(target, &doc, frame)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(SyncError::Lost { doc }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_ends_at_its_local_time() {
        let programme = recolte_core::programme::parse(include_str!("../../../examples/assises-2025.json")).unwrap();
        let doc = schema::new_doc_of(schema::DocKind::Event);
        let event = EventId::new();
        schema::write_programme(&mut doc.transact_mut(), event, &programme, "k4.public.x");
        let record = schema::read_event(&doc.transact()).unwrap();
        let first = &record.slots[0];
        assert_eq!((first.date.as_str(), first.start.as_str(), first.duration_minutes), ("2025-10-01", "14:00", 105));
        // 14:00 + 1h45 in Paris (summer time, UTC+2) is 13:45 UTC.
        let before: jiff::Timestamp = "2025-10-01T13:44:00Z".parse().unwrap();
        let after: jiff::Timestamp = "2025-10-01T13:45:00Z".parse().unwrap();
        assert!(!slot_ended(&record, &first.id, before));
        assert!(slot_ended(&record, &first.id, after));
        // At the calendar's end a slot never ends (it panicked, taking the board with it).
        let mut last = record.clone();
        last.slots[0].date = "9999-12-31".into();
        last.slots[0].duration_minutes = u32::MAX;
        assert!(!slot_ended(&last, &first.id, after));
    }

    /// A session the hub cannot read back is said so, its count unknown: not « rien reçu »,
    /// and not the whole board refused (one damaged room took all 36 sessions down).
    #[test]
    fn a_room_that_cannot_be_read_is_said_on_its_line() {
        let programme = recolte_core::programme::parse(include_str!("../../../examples/assises-2025.json")).unwrap();
        let doc = schema::new_doc_of(schema::DocKind::Event);
        schema::write_programme(&mut doc.transact_mut(), EventId::new(), &programme, "k4.public.x");
        let record = schema::read_event(&doc.transact()).unwrap();
        let damaged = DocName::Session(record.id, record.sessions[0].id);
        let late: jiff::Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let read = |name: &DocName| (*name != damaged).then(|| (None, None));
        let board = board(&record, read, &HashMap::new(), Vec::new(), late);
        let line = board.sessions.iter().find(|s| s.id == record.sessions[0].id).unwrap();
        assert!(line.unreadable && !line.missing, "{line:?}");
        assert!(board.sessions.iter().filter(|s| s.id != line.id).all(|s| s.missing && !s.unreadable));

        // A theme's synthesis the same: unknown, never « 0 consolidated ».
        let synthesis = DocName::Synthesis(record.id, 2);
        let read = |name: &DocName| (*name != synthesis).then(|| (None, None));
        let board = super::board(&record, read, &HashMap::new(), Vec::new(), late);
        let themes: Vec<(u32, bool)> = board.themes.iter().map(|t| (t.number, t.unreadable)).collect();
        assert!(themes.iter().all(|&(number, unreadable)| unreadable == (number == 2)), "{themes:?}");
    }
}
