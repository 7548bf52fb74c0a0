//! What the arrivals board remembers across a restart of the hub: the names seen in each room
//! and when they left, and what each device last said of itself (its changes not shared yet).
//! A room laptop restarted mid-day forgot the devices that had left, the very ones whose
//! unshared work the organisers must ask for on a USB key. Written to the hub's own settings a
//! few seconds after a change (a name seen or gone, a count a device reported), every minute
//! while devices are connected (the app quits without stopping its hub), and once more when the
//! hub stops; a device still connected is remembered as seen at that moment.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use recolte_core::schema::{self, DocName};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::journal::Backend;
use super::{hub_log, lock, Report, Seen, Shared};

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
pub(super) fn recall(backend: &Backend, lang: recolte_core::Lang) -> Board {
    let mut board = Board::default();
    let not_recalled = |why: String| {
        hub_log!(warn, lang, "tableau des arrivées non relu : {}", "arrivals board not recalled: {}", why);
    };
    let text = match backend.setting(KEY) {
        Ok(Some(text)) if !text.is_empty() => text,
        Ok(_) => return board,
        Err(error) => {
            not_recalled(recolte_core::Localize::localize(&error, lang));
            return board;
        }
    };
    let remembered: Remembered = match serde_json::from_str(&text) {
        Ok(remembered) => remembered,
        Err(error) => {
            not_recalled(error.to_string());
            return board;
        }
    };
    let now = jiff::Timestamp::now();
    for row in remembered.seen {
        let Ok(room) = row.room.parse::<DocName>() else { continue };
        if row.last_seen.as_deref().is_some_and(|at| !recent(at, now)) {
            continue;
        }
        board.0.entry(room).or_default().insert(row.name, Seen { connected: 0, last_seen: row.last_seen });
    }
    for row in remembered.reports {
        let (Ok(event), Ok(role)) = (row.event.parse(), row.role.parse()) else { continue };
        if !recent(&row.at, now) {
            continue;
        }
        let unsent = row.unsent.into_iter().filter_map(|(room, n)| Some((room.parse().ok()?, n))).collect();
        let report = Report { event, name: row.name, role, unsent, outside: row.outside, at: row.at };
        board.1.insert(row.device, report);
    }
    board
}

/// How long a name or a device stays on the board after it was last seen: the event's days
/// and the next, not every event the hub ever served.
const KEPT_FOR: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

/// Whether a moment (RFC 3339) is recent enough to keep; one that does not read is kept.
fn recent(at: &str, now: jiff::Timestamp) -> bool {
    at.parse::<jiff::Timestamp>().map_or(true, |at| now.duration_since(at) < KEPT_FOR)
}

/// Writes the board as it stands, through the hub's own connection for it (`backend`): never
/// the connection that loads rooms, which a write waiting for the database's lock would hold
/// up. Names and devices not seen for a week are left out.
fn write(shared: &Shared, backend: &Backend) -> Result<(), recolte_store::Error> {
    let now = schema::now();
    let instant = jiff::Timestamp::now();
    // Trimmed in memory too: a hub that runs for weeks does not carry every name it ever saw.
    lock(&shared.seen).values_mut().for_each(|names| {
        names.retain(|_, seen| seen.connected > 0 || seen.last_seen.as_deref().is_none_or(|at| recent(at, instant)))
    });
    lock(&shared.reports).retain(|_, report| recent(&report.at, instant));
    let seen = lock(&shared.seen)
        .iter()
        .flat_map(|(room, names)| {
            names.iter().map(|(name, seen)| SeenRow {
                room: room.to_string(),
                name: name.clone(),
                last_seen: if seen.connected > 0 { Some(now.clone()) } else { seen.last_seen.clone() },
            })
        })
        .filter(|row| row.last_seen.as_deref().is_none_or(|at| recent(at, instant)))
        .collect();
    let reports = lock(&shared.reports)
        .iter()
        .filter(|(_, report)| recent(&report.at, instant))
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
    backend.set_setting(KEY, &text)
}

/// How often the board is written while devices are connected, changed or not: the app quits
/// without stopping its hub, so a device there at the end is remembered as seen this recently.
const WHILE_CONNECTED: Duration = Duration::from_secs(60);

/// Writes the board a moment after it changed, at least every minute while devices are
/// connected, and once more when the hub stops. A write that fails (the disk full, the database
/// busy) is tried again at the next beat, and said once until one succeeds.
pub(super) fn keep(shared: Arc<Shared>, backend: Backend, mut stop: watch::Receiver<bool>) {
    let (mut checked, mut written) = (std::time::Instant::now(), std::time::Instant::now());
    let mut said = false;
    loop {
        let stopping = stop.has_changed().is_err() || *stop.borrow_and_update();
        if stopping || checked.elapsed() >= EVERY {
            checked = std::time::Instant::now();
            let connected = || lock(&shared.seen).values().any(|names| names.values().any(|seen| seen.connected > 0));
            let due = written.elapsed() >= WHILE_CONNECTED && connected();
            if shared.arrivals_changed.swap(false, Ordering::Relaxed) || stopping || due {
                match write(&shared, &backend) {
                    Ok(()) => (written, said) = (std::time::Instant::now(), false),
                    Err(error) => {
                        shared.arrivals_changed.store(true, Ordering::Relaxed);
                        let lang = shared.config.lang;
                        if !std::mem::replace(&mut said, true) {
                            hub_log!(
                                warn,
                                lang,
                                "tableau des arrivées non enregistré : {}",
                                "arrivals board not saved: {}",
                                recolte_core::Localize::localize(&error, lang)
                            );
                        }
                    }
                }
            }
        }
        if stopping {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
