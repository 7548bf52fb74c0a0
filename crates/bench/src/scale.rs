//! `recolte-bench scale [--quick]`: one store holding many events' worth of proposals typed
//! keystroke by keystroke (up to about 100,000), and what a device then waits for: opening
//! it, its memory, a search, the list of a theme, a bundle export. Each size is measured in a
//! fresh process (the bench re-executes itself), so memory is the store's alone.

use std::time::Instant;

use recolte_store::{ProposalFilter, Store};

use crate::{workload, SAMPLE};

/// Proposals per event in the generated workload (36 sessions × 6 sub-groups × 8).
const PER_EVENT: usize = 1728;

/// Grows the store at `dir` to `events` events of the full workload.
fn grow(dir: &std::path::Path, events: usize) {
    let mut store = Store::open(dir).expect("store");
    let have = store.events().expect("events").len();
    for _ in have..events {
        let event = store.import_programme(SAMPLE).expect("import");
        let (bundle, _, _) = workload(&mut store, event);
        store.import_bundle(&bundle).expect("workload");
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

pub fn run(quick: bool, base: &std::path::Path) {
    let sizes: &[usize] = if quick { &[1, 6] } else { &[1, 6, 58] };
    let dir = tempfile::tempdir_in(base).expect("temp dir");
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
            "| {} ({events} events, {} per event; generated in {:.0} s) | {} ms | {} MiB | {} ms / {} ms | {} ms | {} ms ({} bytes) |",
            f[0], PER_EVENT, grown.as_secs_f64(), f[1], f[2], f[3], f[4], f[5], f[6], f[7]
        );
    }
}
