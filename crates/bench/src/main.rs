//! `cargo run --release -p recolte-bench [-- --quick] [--dir DIR]`: the store.
//! `cargo run --release -p recolte-bench -- hub [--quick]`: the hub and network sync.
//! `cargo run --release -p recolte-bench -- scale [--quick]`: a store of 1k, 10k, 100k proposals.
//! `cargo run --release -p recolte-bench -- duplicates [--quick]`: the duplicate suggestions.
//! `cargo run --release -p recolte-bench -- soak [--seconds N] [--clients N]`: the hub soak.
//! `cargo run --release -p recolte-bench -- crash [--runs N]`: SIGKILL during edits and compaction.
//!
//! Measures, on this machine's disk, what users wait for:
//! - the durable save of one proposal edit, against a raw SQLite insert + commit with the
//!   same pragmas on the same disk (the floor no design can beat);
//! - bundle export and import of the full event workload (36 sessions × 6 sub-groups ×
//!   8 proposals, every character typed in its own transaction), in time and bytes.
//!
//! Prints a Markdown table for the README. Timing lives here, never in tests.

mod crash;
mod duplicates;
mod hub_bench;
mod scale;
mod soak;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::SeedableRng;
use recolte_core::bundle::{Bundle, BundleDocument, BundleHeader};
use recolte_core::ids::SubgroupId;
use recolte_core::model::Kind;
use recolte_core::schema::{self, DocKind, DocName, NewProposal};
use recolte_store::{ProposalInput, ProposalUpdate, Store};
use yrs::{GetString, Map, Out, ReadTxn, StateVector, Text, Transact};

pub(crate) const SAMPLE_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/assises-2025.json");
pub(crate) use recolte_core::programme::SAMPLE;

struct Options {
    quick: bool,
    dir: PathBuf,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .position(|a| a == "--dir")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/bench-tmp"));
    Options { quick: args.iter().any(|a| a == "--quick"), dir }
}

/// Resident memory of a process (`self` or a pid), in MiB.
pub(crate) fn resident_mib(process: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)
        })
        .unwrap_or(0);
    format!("{cpu}, {cores} cores, {memory} GiB RAM, {}", std::env::consts::OS)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, dir, key, rest @ ..] = &args[..] {
        if mode == "serve-hub" {
            let port = rest.first().and_then(|p| p.parse().ok()).unwrap_or(0);
            return hub_bench::serve_hub(dir, key, port);
        }
    }
    if let [mode, dir] = &args[..] {
        if mode == "scale-probe" {
            return scale::probe(dir);
        }
    }
    // `scale-store DIR EVENTS`: a store of EVENTS events of the full workload, kept, to look
    // into with `sqlite3` or the `recolte` command.
    if let [mode, dir, events] = &args[..] {
        if mode == "scale-store" {
            return scale::grow(std::path::Path::new(dir), events.parse().expect("a number of events"));
        }
    }
    // `workload-bundle FILE`: the full workload of an event of its own as a bundle, for the
    // desktop app's benchmark to import while it watches the window.
    if let [mode, file] = &args[..] {
        if mode == "workload-bundle" {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let mut store = Store::open(dir.path()).expect("store");
            let event = store.import_programme(SAMPLE).expect("import");
            let (sessions, _, _) = workload(&mut store, event);
            store.import_bundle(&sessions).expect("workload");
            // The whole event, its programme with it, as a device would write it to a USB key.
            let bundle = store.export_bundle(event).expect("bundle");
            std::fs::write(file, &bundle).expect("cannot write the bundle");
            println!("{} bytes of bundle in {file}", bundle.len());
            return;
        }
    }
    // `workload DIR`: a store holding the sample event and the full workload, for the
    // desktop app's benchmark (tests/e2e/bench.mjs).
    if let [mode, dir] = &args[..] {
        if mode == "workload" {
            let mut store = Store::open(std::path::Path::new(dir)).expect("store");
            let event = store.import_programme(SAMPLE).expect("import");
            let (bundle, text, keystrokes) = workload(&mut store, event);
            store.import_bundle(&bundle).expect("workload");
            println!("{keystrokes} keystrokes, {text} bytes of text in {dir}");
            return;
        }
    }
    let options = options();
    std::fs::create_dir_all(&options.dir).expect("cannot create the benchmark folder");
    println!("Machine: {}", machine());
    println!("Folder: {} (same disk for every measure)\n", options.dir.display());
    println!("| measure | result |");
    println!("|---|---|");
    if args.first().map(String::as_str) == Some("crash") {
        crash::run(&options.dir);
        return;
    }
    if args.first().map(String::as_str) == Some("soak") {
        soak::run(&options.dir);
        return;
    }
    if args.first().map(String::as_str) == Some("scale") {
        scale::run(options.quick, &options.dir);
        return;
    }
    if args.first().map(String::as_str) == Some("duplicates") {
        duplicates::run(options.quick);
        return;
    }
    if args.first().map(String::as_str) == Some("hub") {
        hub_bench::run(options.quick, &options.dir);
        return;
    }
    // `join`: the cold join alone (the hub bench ends with it), without the reference server.
    if args.first().map(String::as_str) == Some("join") {
        hub_bench::cold_join(&options.dir);
        return;
    }
    save_latency(&options);
    // `save`: the save alone, to profile it (`perf record -g recolte-bench save`).
    if args.first().map(String::as_str) != Some("save") {
        bundles(&options);
    }
}

/// Durable save of one edit, against the raw commit floor.
fn save_latency(options: &Options) {
    let edits = if options.quick { 500 } else { 5000 };
    let dir = tempfile::tempdir_in(&options.dir).expect("temp dir");
    let mut store = Store::open(dir.path()).expect("open store");
    let event = store.import_programme(SAMPLE).expect("import");
    let session = store.sessions(event, Some(1)).expect("sessions")[0].id;
    let words = "Former les élus et les cadres dirigeants aux démarches d'innovation publique ";
    let mut times = Vec::with_capacity(edits);
    let mut id = None;
    let mut body = String::new();
    for i in 0..edits + 200 {
        // Typing: one character more per save; a new proposal every 300 characters.
        if i % 300 == 0 {
            id = Some(
                store
                    .add_proposal(session, &ProposalInput { title: format!("Proposition {i}"), ..Default::default() })
                    .expect("add"),
            );
            body.clear();
        }
        body.push(words.chars().nth(i % words.chars().count()).unwrap_or(' '));
        let update = ProposalUpdate { body: Some(body.clone()), ..Default::default() };
        let start = Instant::now();
        store.edit_proposal(id.expect("proposal"), &update).expect("edit");
        if i >= 200 {
            times.push(start.elapsed());
        }
    }
    times.sort();

    let raw_dir = tempfile::tempdir_in(&options.dir).expect("temp dir");
    let conn = rusqlite::Connection::open(raw_dir.path().join("raw.sqlite")).expect("open raw");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    conn.pragma_update(None, "synchronous", "NORMAL").expect("sync");
    conn.execute_batch("CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL, data BLOB NOT NULL)")
        .expect("table");
    let mut raw = Vec::with_capacity(edits);
    let blob = vec![7u8; 40];
    for i in 0..edits + 200 {
        let start = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE").expect("begin");
        conn.execute(
            "INSERT INTO t (doc, data) VALUES (?1, ?2)",
            rusqlite::params!["01a20094-5763-77ed-987c-fe069732c223/session/x", blob],
        )
        .expect("insert");
        conn.execute_batch("COMMIT").expect("commit");
        if i >= 200 {
            raw.push(start.elapsed());
        }
    }
    raw.sort();
    let (median, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    let (raw_median, raw_p99) = (percentile(&raw, 0.5), percentile(&raw, 0.99));
    println!(
        "| durable save of one proposal edit ({edits} keystroke edits), median / p99 | {} / {} |",
        ms(median),
        ms(p99)
    );
    println!(
        "| raw SQLite insert + commit, same pragmas and disk, median / p99 | {} / {} |",
        ms(raw_median),
        ms(raw_p99)
    );
    println!(
        "| ratio save / raw commit, median / p99 | {:.2}× / {:.2}× |",
        median.as_secs_f64() / raw_median.as_secs_f64(),
        p99.as_secs_f64() / raw_p99.as_secs_f64()
    );
}

const WORDS: &[&str] = &[
    "innovation",
    "publique",
    "élus",
    "agents",
    "territoires",
    "coopération",
    "laboratoire",
    "confiance",
    "évaluation",
    "citoyens",
    "communs",
    "documentation",
    "formation",
    "décideurs",
    "expérimentation",
    "usagers",
    "services",
    "mutualiser",
    "partager",
    "reconnaître",
    "capitaliser",
    "essaimer",
    "le",
    "la",
    "les",
    "des",
    "pour",
    "avec",
    "et",
];

/// The words of the labelled duplicates set's proposals (tests/fixtures/duplicates), each as
/// often as it occurs there: about 970 words at a real workshop's frequencies, for the measures
/// that depend on how text compresses, which the 29 words of [`WORDS`] would flatter.
pub(crate) fn workshop_words() -> Vec<&'static str> {
    use recolte_core::dedupe::labelled;
    static SETS: [&str; 3] = [
        include_str!("../../../tests/fixtures/duplicates/tune.json"),
        include_str!("../../../tests/fixtures/duplicates/measure.json"),
        include_str!("../../../tests/fixtures/duplicates/early.json"),
    ];
    static TEXTS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        SETS.iter()
            .flat_map(|set| labelled::read(set).expect("labelled set"))
            .flat_map(|item| [item.candidate.title, item.candidate.body])
            .collect()
    });
    texts.iter().flat_map(|text| text.split_whitespace()).collect()
}

fn sentence(rng: &mut StdRng, words: &[&str], chars: usize) -> String {
    let mut text = String::new();
    while text.chars().count() < chars {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(words.choose(rng).unwrap_or(&"idée"));
    }
    text
}

/// Builds the full event workload, every character in its own transaction as the app's
/// capture box would send it. Returns the bundle of the session documents and the number
/// of raw text bytes typed.
pub(crate) fn workload(store: &mut Store, event: recolte_core::ids::EventId) -> (Vec<u8>, usize, usize) {
    workload_of(store, event, WORDS)
}

/// The full event workload typed with the given words.
pub(crate) fn workload_of(
    store: &mut Store,
    event: recolte_core::ids::EventId,
    words: &[&str],
) -> (Vec<u8>, usize, usize) {
    let mut rng = StdRng::seed_from_u64(2025);
    let sessions = store.sessions(event, None).expect("sessions");
    let mut documents = Vec::new();
    let mut text_bytes = 0;
    let mut keystrokes = 0;
    for session in &sessions {
        let doc = schema::new_doc_of(DocKind::Session);
        let groups: Vec<SubgroupId> = (1..=6)
            .map(|g| {
                schema::add_subgroup(&mut doc.transact_mut(), session.id, &format!("Sous-groupe {g}"), &schema::now())
            })
            .collect();
        for group in &groups {
            for _ in 0..8 {
                let id = schema::add_proposal(
                    &mut doc.transact_mut(),
                    &NewProposal {
                        kind: Kind::Proposal,
                        subgroup: Some(*group),
                        author: "Bench".into(),
                        created_at: schema::now(),
                        ..Default::default()
                    },
                );
                let proposals = doc.get_or_insert_map("proposals");
                let record = match proposals.get(&doc.transact(), &id.to_string()) {
                    Some(Out::YMap(map)) => map,
                    _ => unreachable!("the proposal was just created"),
                };
                for (field, length) in [("title", 60), ("body", 320)] {
                    let text = match record.get(&doc.transact(), field) {
                        Some(Out::YText(text)) => text,
                        _ => unreachable!("created with the proposal"),
                    };
                    let content = sentence(&mut rng, words, length);
                    text_bytes += content.len();
                    for ch in content.chars() {
                        let mut txn = doc.transact_mut();
                        let end = text.len(&txn);
                        text.insert(&mut txn, end, ch.encode_utf8(&mut [0; 4]));
                        keystrokes += 1;
                    }
                    debug_assert_eq!(text.get_string(&doc.transact()), content);
                }
            }
        }
        let update = doc.transact().encode_state_as_update_v1(&StateVector::default());
        documents.push(BundleDocument { name: DocName::Session(event, session.id), update });
    }
    let header = BundleHeader {
        event_id: event,
        created_at: schema::now(),
        producer: "bench".into(),
        documents: documents.len() as u32,
    };
    (Bundle { header, documents }.encode(), text_bytes, keystrokes)
}

fn bundles(options: &Options) {
    let a_dir = tempfile::tempdir_in(&options.dir).expect("temp dir");
    let mut a = Store::open(a_dir.path()).expect("open");
    let event = a.import_programme(SAMPLE).expect("import");
    let start = Instant::now();
    let (typed, text_bytes, keystrokes) = workload(&mut a, event);
    let typing = start.elapsed();
    a.import_bundle(&typed).expect("load workload");
    println!("| workload: 36 sessions × 6 sub-groups × 8 proposals | {keystrokes} keystrokes, {text_bytes} bytes of text, typed in {:.2} s |", typing.as_secs_f64());

    let runs = if options.quick { 3 } else { 10 };
    let mut export_times = Vec::new();
    let mut bundle = Vec::new();
    for _ in 0..runs {
        let mut fresh = Store::open(a_dir.path()).expect("reopen");
        let start = Instant::now();
        bundle = fresh.export_bundle(event).expect("export");
        export_times.push(start.elapsed());
    }
    export_times.sort();
    let mut import_times = Vec::new();
    for _ in 0..runs {
        let b_dir = tempfile::tempdir_in(&options.dir).expect("temp dir");
        let mut b = Store::open(b_dir.path()).expect("open");
        let start = Instant::now();
        b.import_bundle(&bundle).expect("import");
        import_times.push(start.elapsed());
    }
    import_times.sort();
    println!(
        "| bundle export, full event from a freshly opened store (median of {runs}) | {} |",
        ms(percentile(&export_times, 0.5))
    );
    println!(
        "| bundle import into an empty store, projections and search index included (median of {runs}) | {} |",
        ms(percentile(&import_times, 0.5))
    );
    println!(
        "| bundle size vs raw text | {} bytes for {} bytes of text ({:.2}×) |",
        bundle.len(),
        text_bytes,
        bundle.len() as f64 / text_bytes as f64
    );
}
