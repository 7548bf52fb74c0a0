//! What the hub says of itself: `GET /health`, `GET /metrics`, and how many connections it holds.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::{lock, Shared};

/// Counters served at `GET /metrics`.
#[derive(Debug, Default)]
pub(super) struct Metrics {
    pub(super) connections_total: AtomicU64,
    pub(super) clients: AtomicU64,
    pub(super) refused: AtomicU64,
    pub(super) malformed: AtomicU64,
    pub(super) bytes_in: AtomicU64,
    pub(super) bytes_out: AtomicU64,
    pub(super) updates_saved: AtomicU64,
    pub(super) frames_delivered: AtomicU64,
    pub(super) dropped_read_only: AtomicU64,
    pub(super) slow_disconnects: AtomicU64,
    /// Updates the hub could not save (its disk full or read-only), and whether the last
    /// save failed: `/health` says so until one succeeds.
    pub(super) save_failures: AtomicU64,
    pub(super) failing_to_save: AtomicBool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct MetricsSnapshot {
    pub rooms: usize,
    pub clients: u64,
    pub connections_total: u64,
    pub refused: u64,
    pub malformed: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub updates_saved: u64,
    pub frames_delivered: u64,
    pub dropped_read_only: u64,
    pub slow_disconnects: u64,
    pub save_failures: u64,
}

/// Raises the soft open-files limit to the hard one (each connection is a file) and says how
/// many connections that allows.
pub(super) fn raise_open_files_limit(lang: recolte_core::Lang) -> u64 {
    // The journal, its WAL, the store, the listener and the runtime keep some files open.
    const KEPT: u64 = 64;
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or_else(|error| {
        // Said, not hidden: the hub then counts on the usual soft limit.
        super::hub_log!(
            warn,
            lang,
            "la limite de fichiers ouverts n'a pu être relevée ({}) : 1024 est supposée",
            "the open-files limit could not be raised ({}): 1024 is assumed",
            error,
        );
        1024
    });
    let capacity = limit.saturating_sub(KEPT);
    super::hub_log!(
        info,
        lang,
        "limite de fichiers ouverts {} : de quoi servir environ {} connexions",
        "open-files limit {}: room for about {} connections",
        limit,
        capacity,
    );
    capacity
}

/// `GET /health`: `ok`, or `degraded` with the rooms whose journal has unreadable entries.
pub(super) async fn health(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    let unreadable = lock(&shared.unreadable).clone();
    let failing_to_save = shared.metrics.failing_to_save.load(Ordering::Relaxed);
    let status = if unreadable.is_empty() && !failing_to_save { "ok" } else { "degraded" };
    Json(serde_json::json!({
        "status": status,
        "saving": if failing_to_save { "failing" } else { "ok" },
        "unreadable_journal_entries": unreadable,
        "max_connections": shared.capacity,
    }))
}

pub(super) async fn metrics(State(shared): State<Arc<Shared>>) -> Json<MetricsSnapshot> {
    Json(shared.metrics())
}
