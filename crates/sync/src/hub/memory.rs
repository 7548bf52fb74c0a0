//! What the arrivals board remembers across a restart of the hub: the names seen in each room
//! and when they left, and what each device last said of itself (its changes not shared yet).
//! A room laptop restarted mid-day forgot the devices that had left, the very ones whose
//! unshared work the organisers must ask for on a USB key. Written to the hub's own settings a
//! few seconds after a change, and once more when the hub stops; a device still connected is
//! remembered as seen at that moment.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use recolte_core::schema::{self, DocName};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::journal::Backend;
use super::{lock, Report, Seen, Shared};

/// The setting that holds it, as JSON.
const KEY: &str = "hub.arrivals";

/// How long after a change it is written: presences arrive in bursts.
const EVERY: Duration = Duration::from_secs(3);

#[derive(Serialize, Deserialize)]
struct Remembered {
    seen: Vec<SeenRow>,
    reports: Vec<ReportRow>,
}

#[derive(Serialize, Deserialize)]
struct SeenRow {
    room: String,
    name: String,
    last_seen: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ReportRow {
    device: String,
    event: String,
    name: String,
    role: String,
    unsent: Vec<(String, usize)>,
    outside: Option<usize>,
    at: String,
}

type Board = (HashMap<DocName, HashMap<String, Seen>>, HashMap<String, Report>);

/// What the hub remembered when it last stopped (nothing for a new one). What does not read
/// (a damaged setting, a room name of an older format) is left out and said in the log: the
/// board fills again as devices come back.
pub(super) fn recall(backend: &Backend) -> Board {
    let mut board = Board::default();
    let text = match backend.setting(KEY) {
        Ok(Some(text)) if !text.is_empty() => text,
        Ok(_) => return board,
        Err(error) => {
            tracing::warn!("arrivals board not recalled: {error}");
            return board;
        }
    };
    let remembered: Remembered = match serde_json::from_str(&text) {
        Ok(remembered) => remembered,
        Err(error) => {
            tracing::warn!("arrivals board not recalled: {error}");
            return board;
        }
    };
    for row in remembered.seen {
        let Ok(room) = row.room.parse::<DocName>() else { continue };
        board.0.entry(room).or_default().insert(row.name, Seen { connected: 0, last_seen: row.last_seen });
    }
    for row in remembered.reports {
        let (Ok(event), Ok(role)) = (row.event.parse(), row.role.parse()) else { continue };
        let unsent = row.unsent.into_iter().filter_map(|(room, n)| Some((room.parse().ok()?, n))).collect();
        let report = Report { event, name: row.name, role, unsent, outside: row.outside, at: row.at };
        board.1.insert(row.device, report);
    }
    board
}

/// Writes the board as it stands.
fn write(shared: &Shared) {
    let now = schema::now();
    let seen = lock(&shared.seen)
        .iter()
        .flat_map(|(room, names)| {
            names.iter().map(|(name, seen)| SeenRow {
                room: room.to_string(),
                name: name.clone(),
                last_seen: if seen.connected > 0 { Some(now.clone()) } else { seen.last_seen.clone() },
            })
        })
        .collect();
    let reports = lock(&shared.reports)
        .iter()
        .map(|(device, report)| ReportRow {
            device: device.clone(),
            event: report.event.to_string(),
            name: report.name.clone(),
            role: report.role.as_str().to_owned(),
            unsent: report.unsent.iter().map(|(room, n)| (room.to_string(), *n)).collect(),
            outside: report.outside,
            at: report.at.clone(),
        })
        .collect();
    let text = serde_json::to_string(&Remembered { seen, reports }).unwrap_or_default();
    if let Err(error) = shared.backend().set_setting(KEY, &text) {
        tracing::warn!("arrivals board not saved: {error}");
    }
}

/// Writes the board a moment after it changed, and once more when the hub stops.
pub(super) fn keep(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut written = std::time::Instant::now();
    loop {
        let stopping = stop.has_changed().is_err() || *stop.borrow_and_update();
        if stopping || written.elapsed() >= EVERY {
            if shared.arrivals_changed.swap(false, Ordering::Relaxed) || stopping {
                write(&shared);
            }
            written = std::time::Instant::now();
        }
        if stopping {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
