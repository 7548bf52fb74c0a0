//! Who else is connected to a document (Yjs awareness), and what this device says of itself:
//! the names a facilitator sees beside a session, and the count of changes not yet shared
//! that the hub's arrivals board shows.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use recolte_core::schema::DocName;
use yrs::sync::Message as YMessage;

use super::lock;
use crate::protocol;

/// Who else is connected to each document (awareness): their display names, by client.
pub type PresenceBoard = Arc<Mutex<HashMap<DocName, HashMap<u64, (String, std::time::Instant)>>>>;

/// Peers stop counting as present when their state was not renewed for this long (as in
/// JavaScript Yjs, which renews every 15 s and drops after 30 s).
pub(super) const PRESENCE_TIMEOUT: Duration = Duration::from_secs(30);
pub(super) const PRESENCE_RENEW: Duration = Duration::from_secs(15);

/// The display names of the other people connected to a document.
pub fn present(board: &PresenceBoard, name: &DocName) -> Vec<String> {
    let board = lock(board);
    let mut names: Vec<String> = board
        .get(name)
        .map(|peers| {
            peers.values().filter(|(_, seen)| seen.elapsed() < PRESENCE_TIMEOUT).map(|(n, _)| n.clone()).collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

/// Who this device is, as its presence says.
pub(super) struct Me {
    pub(super) name: String,
    /// `None` when this device's id could not be read: then it says nothing of itself for the
    /// board (an empty id would merge it with every other such device there).
    pub(super) device: Option<String>,
}

/// Our awareness state for a connection: who we are, as JavaScript clients read it.
/// `outside`: this device's changes that no document it syncs will carry (outside its
/// invitation's rights, or kept aside for a former card), said in the event's room only.
pub(super) fn awareness_frame(
    client: yrs::ClientID,
    clock: u32,
    me: &Me,
    unsent: Option<usize>,
    outside: Option<usize>,
) -> Vec<u8> {
    // `user.name` as JavaScript Yjs clients write it; `device` for the hub's arrivals board.
    // A count that could not be read is left out (the hub keeps the last one it was told),
    // never sent as 0, which the organiser would read as "everything shared".
    let mut state = serde_json::json!({});
    if let Some(device) = &me.device {
        state["device"] = serde_json::json!({ "id": device });
        if let Some(unsent) = unsent {
            state["device"]["unsent"] = serde_json::json!(unsent);
        }
        if let Some(outside) = outside {
            state["device"]["outside"] = serde_json::json!(outside);
        }
    }
    if !me.name.is_empty() {
        state["user"] = serde_json::json!({ "name": me.name });
    }
    let json = state.to_string();
    let update = yrs::sync::AwarenessUpdate {
        clients: [(client, yrs::sync::awareness::AwarenessUpdateEntry { clock, json: json.into() })]
            .into_iter()
            .collect(),
    };
    protocol::encode(&YMessage::Awareness(update))
}
