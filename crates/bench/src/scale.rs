//! `recolte-bench scale [--quick]`: one store holding many events' worth of proposals typed
//! keystroke by keystroke (up to about 100,000), and what a device then waits for: opening
//! it, its memory, a search, the list of a theme, a bundle export. Each size is measured in a
//! fresh process (the bench re-executes itself), so memory is the store's alone. Then a hub
//! holding every event of the store: how long a new device waits to join one event.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use recolte_core::access::{Role, Scope};
use recolte_store::{ProposalFilter, Store};
use recolte_sync::client::{sync_once, Target};

use crate::hub_bench::our_hub;

use crate::{workload, SAMPLE};

/// Proposals per event in the generated workload (36 sessions × 6 sub-groups × 8).
const PER_EVENT: usize = 1728;

/// Grows the store at `dir` to `events` events of the full workload.
pub fn grow(dir: &std::path::Path, events: usize) {
    let mut store = Store::open(dir).expect("store");
    let have = store.events().expect("events").len();
    for _ in have..events {
        let event = store.import_programme(SAMPLE).expect("import");
        let (bundle, _, _) = workload(&mut store, event);
        store.import_bundle_with(&bundle, recolte_store::OtherEvent::Add, |_, _| {}).expect("workload");
    }
}

/// The hidden `scale-probe DIR` mode: measures a store from a fresh process, prints one line.
pub fn probe(dir: &str) {
    let start = Instant::now();
    let store = Store::open(std::path::Path::new(dir)).expect("open");
    let events = store.events().expect("events");
    let event = events[events.len() / 2].id;
    let _sessions = store.sessions(event, None).expect("sessions");
    let opened = start.elapsed();

    let words = [
        "innovation",
        "elus",
        "cooperation",
        "laboratoire",
        "evaluation",
        "citoyens",
        "communs",
        "form",
        "territoires",
        "partager",
    ];
    let mut searches = Vec::new();
    for i in 0..200 {
        let query = format!("{} {}", words[i % words.len()], words[(i * 7 + 3) % words.len()]);
        let t = Instant::now();
        let _ = store.search(event, &query, 50).expect("search");
        searches.push(t.elapsed());
    }
    searches.sort();
    let mut lists = Vec::new();
    for theme in 1..=10 {
        let t = Instant::now();
        let _ = store.proposals(event, &ProposalFilter { theme: Some(theme), ..Default::default() }).expect("list");
        lists.push(t.elapsed());
    }
    lists.sort();
    let mut store = store;
    let t = Instant::now();
    let bundle = store.export_bundle(event).expect("export");
    let export = t.elapsed();
    let total: usize =
        events.iter().map(|e| store.proposals(e.id, &ProposalFilter::default()).map(|p| p.len()).unwrap_or(0)).sum();
    println!(
        "{total}\t{:.0}\t{:.1}\t{:.2}\t{:.2}\t{:.1}\t{:.0}\t{}",
        opened.as_secs_f64() * 1000.0,
        crate::resident_mib("self"),
        crate::percentile(&searches, 0.5).as_secs_f64() * 1000.0,
        crate::percentile(&searches, 0.99).as_secs_f64() * 1000.0,
        crate::percentile(&lists, 0.5).as_secs_f64() * 1000.0,
        export.as_secs_f64() * 1000.0,
        bundle.len()
    );
}

/// What joining one event costs on a hub that holds every event of the store.
struct HubJoin {
    /// Time to push the events not yet on the hub.
    filled: Duration,
    /// Size of the hub's journal on disk.
    journal_bytes: u64,
    /// A device with an empty store joins the middle event, right after the hub restarted.
    cold: Duration,
    /// The same, once the hub has the event's rooms in memory.
    warm: Duration,
    wire_bytes: usize,
    hub_mib: f64,
}

fn organiser_token(store: &Store, event: recolte_core::ids::EventId) -> String {
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    store.issue_token(&scope, Some("bench"), time::Duration::hours(2)).expect("token")
}

/// Pushes the events of the store that the hub does not have yet (the first `pushed`), then
/// restarts the hub and joins the middle event from an empty store, twice.
fn hub_join(store_dir: &std::path::Path, hub_dir: &std::path::Path, pushed: &mut usize) -> HubJoin {
    let store = Store::open(store_dir).expect("store");
    let events = store.events().expect("events");
    let keys: Vec<String> = events.iter().map(|e| store.event(e.id).expect("event").public_key.expect("key")).collect();
    let keys = keys.join(",");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut hub = our_hub(hub_dir, &keys);
    let store = Arc::new(Mutex::new(store));
    let t = Instant::now();
    for event in &events[*pushed..] {
        let token = organiser_token(&store.lock().expect("store"), event.id);
        let target = Target::new(hub.url.clone(), token);
        runtime.block_on(sync_once(store.clone(), &target)).expect("push");
    }
    let filled = t.elapsed();
    *pushed = events.len();
    hub.kill();
    let journal_bytes =
        std::fs::read_dir(hub_dir).expect("hub folder").filter_map(|f| f.ok()?.metadata().ok()).map(|m| m.len()).sum();

    let hub = our_hub(hub_dir, &keys);
    let event = events[events.len() / 2].id;
    let token = organiser_token(&store.lock().expect("store"), event);
    let target = Target::new(hub.url.clone(), token);
    let join = || {
        let device_dir = tempfile::tempdir_in(hub_dir.parent().expect("parent")).expect("temp dir");
        let device = Arc::new(Mutex::new(Store::open(device_dir.path()).expect("store")));
        let t = Instant::now();
        let report = runtime.block_on(sync_once(device, &target)).expect("join");
        (t.elapsed(), report.bytes_on_wire)
    };
    let (cold, wire_bytes) = join();
    let (warm, _) = join();
    HubJoin { filled, journal_bytes, cold, warm, wire_bytes, hub_mib: crate::resident_mib(&hub.pid().to_string()) }
}

pub fn run(quick: bool, base: &std::path::Path) {
    let sizes: &[usize] = if quick { &[1, 6] } else { &[1, 6, 58] };
    let dir = tempfile::tempdir_in(base).expect("temp dir");
    let hub_dir = tempfile::tempdir_in(base).expect("temp dir");
    let mut pushed = 0;
    let mut joins = Vec::new();
    println!("| proposals in the store | open (cold process, to a session list) | resident memory | search p50 / p99 (one event, 200 queries) | list of a theme (median) | bundle export of one event |");
    println!("|---|---|---|---|---|---|");
    for &events in sizes {
        let t = Instant::now();
        grow(dir.path(), events);
        let grown = t.elapsed();
        let output = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args(["scale-probe", dir.path().to_str().expect("dir")])
            .output()
            .expect("probe");
        let line = String::from_utf8_lossy(&output.stdout);
        let f: Vec<&str> = line.trim().split('\t').collect();
        if f.len() < 8 {
            println!("| {events} events | probe failed: {} |", String::from_utf8_lossy(&output.stderr).trim());
            continue;
        }
        println!(
            "| {} ({events} event{}, {} per event; generated in {:.1} s) | {} ms | {} MiB | {} ms / {} ms | {} ms | {} ms ({} bytes) |",
            f[0], if events == 1 { "" } else { "s" }, PER_EVENT, grown.as_secs_f64(), f[1], f[2], f[3], f[4], f[5], f[6], f[7]
        );
        joins.push((f[0].to_owned(), events, hub_join(dir.path(), hub_dir.path(), &mut pushed)));
    }
    println!();
    println!("| events on the hub | journal on disk | join one event: hub just restarted / rooms in memory | received | hub memory after |");
    println!("|---|---|---|---|---|");
    for (proposals, events, join) in joins {
        println!(
            "| {events} ({proposals} proposals; pushed in {:.1} s) | {:.0} MiB | {:.0} ms / {:.0} ms | {} bytes | {:.0} MiB |",
            join.filled.as_secs_f64(),
            join.journal_bytes as f64 / (1 << 20) as f64,
            join.cold.as_secs_f64() * 1000.0,
            join.warm.as_secs_f64() * 1000.0,
            join.wire_bytes,
            join.hub_mib
        );
    }
}
