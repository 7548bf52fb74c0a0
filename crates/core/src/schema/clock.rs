//! The session clock, shared by every facilitator of a session: the start, the pauses, the
//! extensions and the skips live in the session's document (root map `clock`, plain values),
//! so every device shows the same clock, after restarts and on devices that join late.
//!
//! Each action is its own entry, never a shared counter: a pause made on one device while
//! another was offline, or two extensions given at once, all count when the devices meet.
//! Time is counted in *active* seconds since the start: pauses (the union of their
//! intervals) do not count.

use jiff::{SignedDuration, Timestamp};

use super::*;
use crate::model::Phase;

/// Root map of the session document.
pub const CLOCK: &str = "clock";

/// What the clock map holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClockRecord {
    /// When a facilitator pressed "start now" (else the programme's time is the start).
    pub started_at: Option<Timestamp>,
    /// Pauses: (from, to), `to` open while paused.
    pub pauses: Vec<(Timestamp, Option<Timestamp>)>,
    /// Seconds added to a phase, by phase index (summed over every extension given).
    pub extra: BTreeMap<usize, i64>,
    /// A phase ended early (skipped to the next), at this many active seconds.
    pub ends: BTreeMap<usize, i64>,
}

fn entry(txn: &mut TransactionMut, key: &str, value: Any) {
    txn.get_or_insert_map(CLOCK).insert(txn, key, value);
}

/// Starts the session now (again: every pause and skip of an earlier start is forgotten).
pub fn clock_start(txn: &mut TransactionMut, now: Timestamp) {
    let keys: Vec<String> = txn.get_map(CLOCK).map(|m| m.keys(txn).map(str::to_owned).collect()).unwrap_or_default();
    if let Some(map) = txn.get_map(CLOCK) {
        for key in keys {
            map.remove(txn, &key);
        }
    }
    entry(txn, "started_at", Any::from(now.to_string()));
}

/// Pauses the clock (a new pause entry, open).
pub fn clock_pause(txn: &mut TransactionMut, now: Timestamp, id: &str) {
    entry(txn, &format!("pause.{id}"), Any::from(now.to_string()));
}

/// Closes every open pause at `now` (a closed one keeps its end).
pub fn clock_resume(txn: &mut TransactionMut, now: Timestamp) {
    let open: Vec<(String, String)> = match txn.get_map(CLOCK) {
        Some(map) => map
            .iter(txn)
            .filter_map(|(key, value)| match value {
                Out::Any(Any::String(from)) if key.starts_with("pause.") && !from.contains('/') => {
                    Some((key.to_owned(), from.to_string()))
                }
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    };
    for (key, from) in open {
        entry(txn, &key, Any::from(format!("{from}/{now}")));
    }
}

/// Adds seconds to a phase (its own entry: concurrent extensions add up).
pub fn clock_extend(txn: &mut TransactionMut, phase: usize, seconds: i64, id: &str) {
    entry(txn, &format!("extra.{phase}.{id}"), Any::from(seconds as f64));
}

/// Ends a phase now (skip to the next), at `active` seconds since the start.
pub fn clock_end_phase(txn: &mut TransactionMut, phase: usize, active: i64) {
    entry(txn, &format!("end.{phase}"), Any::from(active as f64));
}

pub fn read_clock<T: ReadTxn>(txn: &T) -> ClockRecord {
    let mut record = ClockRecord::default();
    let Some(map) = txn.get_map(CLOCK) else { return record };
    for (key, value) in map.iter(txn) {
        let text = match &value {
            Out::Any(Any::String(s)) => Some(s.to_string()),
            _ => None,
        };
        let number = match &value {
            Out::Any(any) => any_to_json(any).as_f64().map(|n| n as i64),
            _ => None,
        };
        if key == "started_at" {
            record.started_at = text.and_then(|t| t.parse().ok());
        } else if key.starts_with("pause.") {
            let Some(text) = text else { continue };
            // "FROM/TO/LATER" was written by a resume of a running clock (before 2026-11-28):
            // the pause ended at TO.
            let mut parts = text.split('/');
            let from = parts.next().and_then(|from| from.parse().ok());
            let to = parts.next().and_then(|to| to.parse().ok());
            if let Some(from) = from {
                record.pauses.push((from, to));
            }
        } else if let Some(rest) = key.strip_prefix("extra.") {
            let phase = rest.split('.').next().and_then(|p| p.parse().ok());
            if let (Some(phase), Some(seconds)) = (phase, number) {
                *record.extra.entry(phase).or_default() += seconds.clamp(-86_400, 86_400);
            }
        } else if let Some(phase) = key.strip_prefix("end.").and_then(|p| p.parse().ok()) {
            if let Some(active) = number {
                record.ends.insert(phase, active);
            }
        }
    }
    record.pauses.sort();
    record
}

/// Where a session stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SessionClock {
    /// `before`, `during` or `after`.
    pub stage: &'static str,
    pub started_at: String,
    pub started_by_hand: bool,
    pub paused: bool,
    pub phase_index: Option<usize>,
    pub phase: Option<String>,
    /// Until the start (before), until the end of the phase (during), 0 after.
    pub remaining_seconds: i64,
    pub session_remaining_seconds: i64,
    pub phases: Vec<PhaseSpan>,
}

/// A phase in active seconds since the start.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct PhaseSpan {
    pub key: String,
    pub label: String,
    pub minutes: u32,
    pub start_seconds: i64,
    pub end_seconds: i64,
    pub extra_seconds: i64,
}

impl ClockRecord {
    /// Seconds of pause between `start` and `now` (the union of the pauses' intervals).
    fn paused_seconds(&self, start: Timestamp, now: Timestamp) -> i64 {
        let mut total = 0;
        let mut covered_until = start;
        for (from, to) in &self.pauses {
            let from = (*from).max(covered_until);
            let to = to.unwrap_or(now).min(now);
            if to > from {
                total += to.duration_since(from).as_secs();
                covered_until = to;
            }
        }
        total
    }

    fn paused(&self) -> bool {
        self.pauses.iter().any(|(_, to)| to.is_none())
    }

    /// Active seconds since the start at `now` (negative before it).
    pub fn active_seconds(&self, start: Timestamp, now: Timestamp) -> i64 {
        if now < start {
            return -(start.duration_since(now).as_secs());
        }
        now.duration_since(start).as_secs() - self.paused_seconds(start, now)
    }

    /// The phases, with extensions and early ends.
    pub fn spans(&self, run_sheet: &[Phase]) -> Vec<PhaseSpan> {
        let mut at = 0;
        run_sheet
            .iter()
            .enumerate()
            .map(|(i, phase)| {
                let extra = self.extra.get(&i).copied().unwrap_or(0);
                let natural = at + i64::from(phase.minutes) * 60 + extra;
                let end = match self.ends.get(&i) {
                    Some(early) if *early >= at && *early < natural => *early,
                    _ => natural.max(at),
                };
                let span = PhaseSpan {
                    key: phase.key.clone(),
                    label: phase.label.clone(),
                    minutes: phase.minutes,
                    start_seconds: at,
                    end_seconds: end,
                    extra_seconds: extra,
                };
                at = end;
                span
            })
            .collect()
    }

    /// The clock at `now`; `scheduled` is the programme's start of the session.
    pub fn at(&self, scheduled: Timestamp, run_sheet: &[Phase], now: Timestamp) -> SessionClock {
        let start = self.started_at.unwrap_or(scheduled);
        let active = self.active_seconds(start, now);
        let phases = self.spans(run_sheet);
        let end = phases.last().map_or(0, |p| p.end_seconds);
        let current = phases.iter().position(|p| active >= p.start_seconds && active < p.end_seconds);
        let (stage, remaining) = if active < 0 {
            ("before", -active)
        } else if active >= end {
            ("after", 0)
        } else {
            ("during", current.map_or(0, |i| phases[i].end_seconds - active))
        };
        SessionClock {
            stage,
            started_at: start.to_string(),
            started_by_hand: self.started_at.is_some(),
            paused: self.paused(),
            phase_index: current.filter(|_| stage == "during"),
            phase: current.filter(|_| stage == "during").map(|i| phases[i].label.clone()),
            remaining_seconds: remaining,
            session_remaining_seconds: if stage == "during" { end - active } else { 0 },
            phases,
        }
    }
}

/// When a session is scheduled to start: its slot's date and time in the event's time zone.
pub fn scheduled_start(date: &str, start: &str, timezone: &str) -> Option<Timestamp> {
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil: jiff::civil::DateTime = format!("{date}T{start}").parse().ok()?;
    civil.to_zoned(zone).ok().map(|z| z.timestamp())
}

/// A duration to add, in seconds, from minutes (bounded: an hour at most at a time).
pub fn extension_seconds(minutes: u32) -> i64 {
    i64::from(minutes.clamp(1, 60)) * SignedDuration::from_mins(1).as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::Transact;

    fn run_sheet() -> Vec<Phase> {
        [("a", 20), ("b", 20), ("c", 65)]
            .iter()
            .map(|(k, m)| Phase { key: (*k).into(), label: k.to_uppercase(), minutes: *m })
            .collect()
    }

    fn t(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_clock_follows_the_programme_then_pauses_extensions_and_skips() {
        let doc = new_doc_of(DocKind::Session);
        let scheduled = t("2025-10-01T12:00:00Z");
        let at = |now: &str| read_clock(&doc.transact()).at(scheduled, &run_sheet(), t(now));
        assert_eq!(at("2025-10-01T11:59:00Z").stage, "before");
        assert_eq!(at("2025-10-01T11:59:00Z").remaining_seconds, 60);
        assert_eq!(at("2025-10-01T12:25:00Z").phase.as_deref(), Some("B"));
        assert_eq!(at("2025-10-01T12:25:00Z").remaining_seconds, 15 * 60);

        // Paused for 10 minutes during B: B ends 10 minutes later.
        clock_pause(&mut doc.transact_mut(), t("2025-10-01T12:30:00Z"), "p1");
        assert!(at("2025-10-01T12:35:00Z").paused);
        clock_resume(&mut doc.transact_mut(), t("2025-10-01T12:40:00Z"));
        let clock = at("2025-10-01T12:45:00Z");
        assert_eq!((clock.phase.as_deref(), clock.remaining_seconds, clock.paused), (Some("B"), 5 * 60, false));

        // Five more minutes for B, then skipped to C.
        clock_extend(&mut doc.transact_mut(), 1, extension_seconds(5), "e1");
        assert_eq!(at("2025-10-01T12:45:00Z").remaining_seconds, 10 * 60);
        let active = read_clock(&doc.transact()).active_seconds(scheduled, t("2025-10-01T12:46:00Z"));
        clock_end_phase(&mut doc.transact_mut(), 1, active);
        assert_eq!(at("2025-10-01T12:46:00Z").phase.as_deref(), Some("C"));
        assert_eq!(at("2025-10-01T14:00:00Z").stage, "after");
    }

    #[test]
    fn a_pause_made_offline_and_an_extension_made_elsewhere_both_count() {
        let scheduled = t("2025-10-01T12:00:00Z");
        let (a, b) = (new_doc_of(DocKind::Session), new_doc_of(DocKind::Session));
        clock_start(&mut a.transact_mut(), scheduled);
        let sync = |from: &yrs::Doc, to: &yrs::Doc| {
            let update = from.transact().encode_state_as_update_v1(&to.transact().state_vector());
            to.transact_mut().apply_update(yrs::Update::decode_v1(&update).unwrap()).unwrap();
        };
        sync(&a, &b);
        // B, offline, pauses 5 minutes; A extends phase A by 5 minutes twice (two people).
        clock_pause(&mut b.transact_mut(), t("2025-10-01T12:05:00Z"), "pb");
        clock_resume(&mut b.transact_mut(), t("2025-10-01T12:10:00Z"));
        clock_extend(&mut a.transact_mut(), 0, 300, "x1");
        clock_extend(&mut a.transact_mut(), 0, 300, "x2");
        sync(&a, &b);
        sync(&b, &a);
        let now = t("2025-10-01T12:20:00Z");
        let (ca, cb) = (
            read_clock(&a.transact()).at(now, &run_sheet(), now),
            read_clock(&b.transact()).at(now, &run_sheet(), now),
        );
        assert_eq!(ca, cb);
        // 20 minutes passed, 5 paused: 15 active, in phase A (20 + 10 minutes long).
        assert_eq!((ca.phase.as_deref(), ca.remaining_seconds), (Some("A"), 15 * 60));
    }

    #[test]
    fn resuming_a_running_clock_leaves_its_pauses_closed() {
        let doc = new_doc_of(DocKind::Session);
        let scheduled = t("2025-10-01T12:00:00Z");
        let at = |now: &str| read_clock(&doc.transact()).at(scheduled, &run_sheet(), t(now));
        clock_pause(&mut doc.transact_mut(), t("2025-10-01T12:30:00Z"), "p1");
        clock_resume(&mut doc.transact_mut(), t("2025-10-01T12:40:00Z"));
        clock_resume(&mut doc.transact_mut(), t("2025-10-01T12:43:00Z"));
        let clock = at("2025-10-01T12:45:00Z");
        assert_eq!((clock.phase.as_deref(), clock.remaining_seconds, clock.paused), (Some("B"), 5 * 60, false));

        // A pause written "FROM/TO/LATER" by that mistake (before 2026-11-28) ended at TO.
        let damaged = new_doc_of(DocKind::Session);
        let entry_of = "2025-10-01T12:30:00Z/2025-10-01T12:40:00Z/2025-10-01T12:43:00Z";
        entry(&mut damaged.transact_mut(), "pause.p1", Any::from(entry_of));
        let clock = read_clock(&damaged.transact()).at(scheduled, &run_sheet(), t("2025-10-01T12:45:00Z"));
        assert_eq!((clock.remaining_seconds, clock.paused), (5 * 60, false));
    }

    #[test]
    fn the_programmes_time_is_read_in_the_events_time_zone() {
        assert_eq!(scheduled_start("2025-10-01", "14:00", "Europe/Paris"), Some(t("2025-10-01T12:00:00Z")));
    }
}

/// What a facilitator does to the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ClockAction {
    Start,
    Pause,
    Resume,
    Extend,
    Next,
}

impl std::str::FromStr for ClockAction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "start" | "démarrer" => ClockAction::Start,
            "pause" => ClockAction::Pause,
            "resume" | "reprendre" => ClockAction::Resume,
            "extend" | "prolonger" => ClockAction::Extend,
            "next" | "suivante" => ClockAction::Next,
            other => return Err(Error::MalformedDocName(format!("clock action {other:?}"))),
        })
    }
}
