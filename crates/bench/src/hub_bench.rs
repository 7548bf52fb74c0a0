//! `recolte-bench hub`: the hub under many clients, beside the reference y-websocket server
//! from npm under the identical load, in the same run; and the cold join of the full event.
//!
//! Each server runs in its own process, so that its CPU time (from /proc) and memory are its
//! own. The load: 36 rooms × 6 clients, each client sending one small update every 200 ms.
//! Every update carries its sender's sequence number, so receivers measure propagation.

use std::collections::HashMap;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::DocName;
use tokio_tungstenite::tungstenite::Message;
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, Out, Transact, Update};

const ROOMS: usize = 36;
const CLIENTS_PER_ROOM: usize = 6;
const EVERY: Duration = Duration::from_millis(200);

/// A server process under test.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
    name: &'static str,
}

impl Server {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, and wait for it to be gone.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub(crate) fn start(name: &'static str, mut command: Command) -> Server {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("cannot start the server");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("address");
        assert!(line.starts_with("ws://"), "{name} did not start: {line:?}");
        Server { child, url: line.trim().to_owned(), name }
    }

    /// CPU seconds (user + system) the process has used so far.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // Fields after the command name (which may hold spaces, hence the last ')').
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
        // utime and stime are fields 14 and 15 of /proc/PID/stat (11 and 12 after the name).
        (ticks(11) + ticks(12)) / 100.0
    }

    /// Peak resident memory, in MiB.
    fn peak_memory_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hidden `serve-hub DIR KEYS [PORT]` mode: the bench binary re-executes itself as our
/// hub. KEYS are event public keys separated by commas.
pub fn serve_hub(dir: &str, keys: &str, port: u16) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let listen = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let keys = keys.split(',').map(str::to_owned).collect();
        let config = recolte_sync::hub::HubConfig::new(listen, dir.into(), keys);
        let hub = recolte_sync::hub::start(config).await.expect("hub");
        println!("ws://{}", hub.addr);
        std::future::pending::<()>().await;
    });
}

pub(crate) fn our_hub(dir: &std::path::Path, key: &str) -> Server {
    let mut command = Command::new(std::env::current_exe().expect("exe"));
    command.args(["serve-hub", dir.to_str().expect("dir"), key]);
    Server::start("recolte hub", command)
}

fn reference_server() -> Option<Server> {
    let dir = std::path::Path::new("tests/interop");
    if !dir.join("node_modules/@y/websocket-server").exists() {
        println!("| reference server | not measured: run `npm ci --prefix tests/interop` first |");
        return None;
    }
    let mut command = Command::new("node");
    command.current_dir(dir).arg("reference-server.mjs");
    Some(Server::start("reference y-websocket server (npm)", command))
}

#[derive(Default)]
struct LoadResult {
    delivered: usize,
    latencies: Vec<Duration>,
}

type Sent = Arc<Mutex<HashMap<(usize, usize, u64), Instant>>>;

/// One simulated client: writes its own sequence number into the room's map every 200 ms,
/// and times every sequence number of the others when it arrives.
async fn client(
    url: String,
    room: usize,
    me: usize,
    sent: Sent,
    until: Instant,
    measure_from: Instant,
    result: Arc<Mutex<LoadResult>>,
) {
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    let Ok((socket, _)) = tokio_tungstenite::connect_async_with_config(&url, Some(config), true).await else { return };
    let (mut sink, mut stream) = socket.split();
    let doc = Doc::new();
    let map = doc.get_or_insert_map("load");
    let reader_doc = doc.clone();
    let reader_result = result.clone();
    let reader_sent = sent.clone();
    let reader = tokio::spawn(async move {
        let mut seen: HashMap<String, u64> = HashMap::new();
        while let Some(Ok(message)) = stream.next().await {
            let Message::Binary(frame) = message else { continue };
            let update = match YMessage::decode_v1(&frame) {
                Ok(YMessage::Sync(SyncMessage::Update(u) | SyncMessage::SyncStep2(u))) => u,
                _ => continue,
            };
            let Ok(update) = Update::decode_v1(&update) else { continue };
            let now = Instant::now();
            let map = reader_doc.get_or_insert_map("load");
            let _ = reader_doc.transact_mut().apply_update(update);
            let txn = reader_doc.transact();
            for (key, value) in map.iter(&txn) {
                let Out::Any(Any::Number(n)) = value else { continue };
                let seq = match n {
                    yrs::any::Number::Int(i) => i as u64,
                    yrs::any::Number::Float(f) => f as u64,
                };
                let previous = seen.insert(key.to_owned(), seq).unwrap_or(0);
                if seq <= previous || key == format!("c{me}") {
                    continue;
                }
                let Some(sender) = key.strip_prefix('c').and_then(|k| k.parse::<usize>().ok()) else { continue };
                if let Some(at) = reader_sent.lock().expect("sent").get(&(room, sender, seq)) {
                    if *at >= measure_from {
                        let mut result = reader_result.lock().expect("result");
                        result.delivered += 1;
                        result.latencies.push(now - *at);
                    }
                }
            }
        }
    });
    // Spread the clients over the period, as people do not type in step.
    tokio::time::sleep(EVERY.mul_f64(((room * CLIENTS_PER_ROOM + me) % 97) as f64 / 97.0)).await;
    let mut tick = tokio::time::interval(EVERY);
    let mut seq = 0u64;
    while Instant::now() < until {
        tick.tick().await;
        seq += 1;
        let update = {
            let mut txn = doc.transact_mut();
            map.insert(&mut txn, format!("c{me}"), seq as f64);
            txn.encode_update_v1()
        };
        sent.lock().expect("sent").insert((room, me, seq), Instant::now());
        if sink.send(Message::Binary(recolte_sync::protocol::update(update).into())).await.is_err() {
            break;
        }
    }
    // Let the last updates arrive, then leave.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _ = sink.close().await;
    reader.abort();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn load(server: &Server, event: EventId, rooms: &[SessionId], token: &str, seconds: u64) -> (f64, LoadResult) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let result = Arc::new(Mutex::new(LoadResult::default()));
    let sent: Sent = Arc::default();
    let warm_up = Duration::from_secs(2);
    let start = Instant::now();
    let measure_from = start + warm_up;
    let until = measure_from + Duration::from_secs(seconds);
    let mut cpu_at_start = 0.0;
    runtime.block_on(async {
        let mut tasks = Vec::new();
        for (r, session) in rooms.iter().enumerate() {
            let url = format!("{}/{}?token={token}", server.url, DocName::Session(event, *session));
            for me in 0..CLIENTS_PER_ROOM {
                tasks.push(tokio::spawn(client(url.clone(), r, me, sent.clone(), until, measure_from, result.clone())));
            }
        }
        tokio::time::sleep_until(tokio::time::Instant::from_std(measure_from)).await;
        cpu_at_start = server.cpu_seconds();
        for task in tasks {
            let _ = task.await;
        }
    });
    let cpu = server.cpu_seconds() - cpu_at_start;
    // Aborted reader tasks may still hold the result for a moment: take its content.
    let result = std::mem::take(&mut *result.lock().expect("result"));
    (cpu, result)
}

pub fn run(quick: bool, dir: &std::path::Path) {
    let seconds = if quick { 6 } else { 20 };
    let keys = recolte_core::token::generate_keys().expect("keys");
    let event = EventId::new();
    let rooms: Vec<SessionId> = (0..ROOMS).map(|_| SessionId::new()).collect();
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = recolte_core::token::issue(&keys.secret, &scope, None, time::Duration::hours(2)).expect("token");

    let hub_dir = tempfile::tempdir_in(dir).expect("temp dir");
    let mut servers = vec![our_hub(hub_dir.path(), &keys.public)];
    servers.extend(reference_server());
    println!(
        "| load | {ROOMS} rooms × {CLIENTS_PER_ROOM} clients, one update per client every {} ms, {seconds} s measured after 2 s of warm-up |",
        EVERY.as_millis()
    );
    let mut cpu_per_thousand = Vec::new();
    for server in &servers {
        let (cpu, mut result) = load(server, event, &rooms, &token, seconds);
        result.latencies.sort();
        let per_thousand = cpu / (result.delivered.max(1) as f64 / 1000.0);
        cpu_per_thousand.push(per_thousand);
        println!(
            "| {}: CPU per 1,000 delivered updates, propagation p50 / p99, peak memory | {:.3} s ({} delivered, {:.2} s CPU); {:.1} ms / {:.1} ms; {:.0} MiB |",
            server.name,
            per_thousand,
            result.delivered,
            cpu,
            percentile(&result.latencies, 0.5).as_secs_f64() * 1000.0,
            percentile(&result.latencies, 0.99).as_secs_f64() * 1000.0,
            server.peak_memory_mib()
        );
    }
    if let [ours, reference] = cpu_per_thousand[..] {
        println!("| CPU per delivered update, reference ÷ recolte hub | {:.1}× |", reference / ours);
    }
    drop(servers);
    cold_join(dir);
}

/// A device with an empty store joins an event whose hub holds the full workload: typed with
/// the bench's 29 words, then with the labelled set's words at their frequencies (text that
/// compresses as a workshop's does, not better).
pub(crate) fn cold_join(dir: &std::path::Path) {
    cold_join_of(dir, "", crate::WORDS);
    cold_join_of(dir, ", typed with the labelled set's 970 words", &crate::workshop_words());
}

fn cold_join_of(dir: &std::path::Path, typed: &str, words: &[&str]) {
    let organiser_dir = tempfile::tempdir_in(dir).expect("temp dir");
    let mut organiser = recolte_store::Store::open(organiser_dir.path()).expect("store");
    let event = organiser.import_programme(crate::SAMPLE).expect("import");
    let (bundle, text_bytes, _) = crate::workload_of(&mut organiser, event, words);
    organiser.import_bundle(&bundle).expect("workload");
    let key = organiser.event(event).expect("event").public_key.expect("key");
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = organiser.issue_token(&scope, None, time::Duration::hours(1)).expect("token");
    let hub_dir = tempfile::tempdir_in(dir).expect("temp dir");
    let hub = our_hub(hub_dir.path(), &key);
    let target = recolte_sync::client::Target::new(hub.url.clone(), token);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let organiser = Arc::new(Mutex::new(organiser));
    runtime.block_on(recolte_sync::client::sync_once(organiser, &target)).expect("push");

    let mut times = Vec::new();
    let (mut wire, mut plain) = (0, 0);
    for _ in 0..3 {
        let device_dir = tempfile::tempdir_in(dir).expect("temp dir");
        let device = Arc::new(Mutex::new(recolte_store::Store::open(device_dir.path()).expect("store")));
        let start = Instant::now();
        let report = runtime.block_on(recolte_sync::client::sync_once(device, &target)).expect("join");
        times.push(start.elapsed());
        wire = report.bytes_on_wire;
        plain = report.bytes_of_messages;
    }
    times.sort();
    println!(
        "| cold join of the full event{typed} (empty store → up to date, 48 documents, median of 3) | {:.0} ms |",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
    );
    println!(
        "| bytes received for the cold join{typed}, deflated (Récolte's devices) / as plain frames (what a stock Yjs client receives) | {wire} / {plain} bytes for {text_bytes} bytes of text ({:.2}× / {:.2}×) |",
        wire as f64 / text_bytes as f64,
        plain as f64 / text_bytes as f64
    );
}
