//! `recolte-bench soak [--seconds N] [--clients N]`: the hub under many clients for a while,
//! some of them misbehaving, and killed with SIGKILL halfway: memory must stay bounded, the
//! hub must keep serving, and at the end it must hold every writer's last change.
//!
//! Writers (90 % of the clients) each set their own key in their room every second and,
//! after reconnecting, push their whole state again. Misbehaving clients: some never read,
//! some send garbage, some send frames over the size limit, some connect and leave in a loop.
//! Every loop is bounded in time and stops by itself.

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::DocName;
use tokio_tungstenite::tungstenite::Message;
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, Out, ReadTxn, StateVector, Transact, Update};

use crate::hub_bench::Server;

const ROOMS: usize = 50;

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

async fn connect(
    url: &str,
) -> Option<tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>> {
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    tokio_tungstenite::connect_async_with_config(url, Some(config), true).await.ok().map(|(s, _)| s)
}

/// A writer: returns the last value it set.
async fn writer(url: String, me: usize, until: Instant) -> u64 {
    let doc = Doc::new();
    let map = doc.get_or_insert_map("soak");
    let mut seq = 0u64;
    while Instant::now() < until {
        let Some(socket) = connect(&url).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let (mut sink, mut stream) = socket.split();
        // Whatever the hub may have lost or never had: our whole state again.
        let state = doc.transact().encode_state_as_update_v1(&StateVector::default());
        if sink.send(Message::Binary(recolte_sync::protocol::update(state).into())).await.is_err() {
            continue;
        }
        let reader = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            if Instant::now() >= until || reader.is_finished() {
                break;
            }
            seq += 1;
            let update = {
                let mut txn = doc.transact_mut();
                map.insert(&mut txn, format!("w{me}"), seq as f64);
                txn.encode_update_v1()
            };
            if sink.send(Message::Binary(recolte_sync::protocol::update(update).into())).await.is_err() {
                break;
            }
        }
        reader.abort();
        if Instant::now() >= until {
            // The last word: the whole state, then a barrier so that the hub has it.
            if let Some(socket) = connect(&url).await {
                let (mut sink, mut stream) = socket.split();
                let state = doc.transact().encode_state_as_update_v1(&StateVector::default());
                let _ = sink.send(Message::Binary(recolte_sync::protocol::update(state).into())).await;
                let _ = sink.send(Message::Binary(recolte_sync::protocol::step1(&StateVector::default()).into())).await;
                let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
                while let Ok(Some(Ok(Message::Binary(frame)))) = tokio::time::timeout_at(deadline, stream.next()).await
                {
                    if matches!(YMessage::decode_v1(&frame), Ok(YMessage::Sync(SyncMessage::SyncStep2(_)))) {
                        break;
                    }
                }
            }
        }
    }
    seq
}

/// Misbehaviours, in a loop until `until`. Returns how many times it was turned away.
async fn misbehave(url: String, kind: usize, until: Instant, refused: Arc<AtomicU64>) {
    while Instant::now() < until {
        let Some(mut socket) = connect(&url).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        match kind {
            // Never reads: the hub must drop it when its queue is full, not wait for it.
            0 => {
                let _ =
                    socket.send(Message::Binary(recolte_sync::protocol::step1(&StateVector::default()).into())).await;
                tokio::time::sleep(until.saturating_duration_since(Instant::now())).await;
                return;
            }
            // Garbage.
            1 => {
                let junk: Vec<u8> = (0..64).map(|i| (i * 37 % 251) as u8).collect();
                let _ = socket.send(Message::Binary(junk.into())).await;
            }
            // Over the size limit.
            2 => {
                let _ = socket.send(Message::Binary(vec![0u8; 17 << 20].into())).await;
            }
            // Comes and goes.
            _ => {}
        }
        // Count being told to leave (a close frame, or the connection cut under a huge frame);
        // the greeting comes first.
        if kind != 3 {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                match tokio::time::timeout_at(deadline, socket.next()).await {
                    Ok(Some(Ok(Message::Close(_))) | Some(Err(_)) | None) => {
                        refused.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    Ok(Some(Ok(_))) => continue,
                    Err(_) => break,
                }
            }
        } else {
            let _ = socket.close(None).await;
        }
        tokio::time::sleep(Duration::from_millis(if kind == 3 { 50 } else { 1000 })).await;
    }
}

pub fn run(base: &std::path::Path) {
    let seconds = arg("--seconds", 600);
    let clients = arg("--clients", 500) as usize;
    let keys = recolte_core::token::generate_keys().expect("keys");
    let event = EventId::new();
    let rooms: Vec<DocName> = (0..ROOMS).map(|_| DocName::Session(event, SessionId::new())).collect();
    let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
    let token = recolte_core::token::issue(&keys.secret, &scope, None, time::Duration::hours(4)).expect("token");
    let hub_dir = tempfile::tempdir_in(base).expect("temp dir");
    let serve = |port: u16| {
        let mut command = Command::new(std::env::current_exe().expect("exe"));
        command.args(["serve-hub", hub_dir.path().to_str().expect("dir"), &keys.public, &port.to_string()]);
        Server::start("recolte hub", command)
    };
    let mut hub = serve(0);
    let url = hub.url.clone();
    let port: u16 = url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let writers = clients * 9 / 10;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let refused = Arc::new(AtomicU64::new(0));
    let samples: Arc<Mutex<Vec<(u64, f64)>>> = Arc::default();

    let finals: HashMap<(usize, usize), u64> = runtime.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..writers {
            let room = i % ROOMS;
            let room_url = format!("{url}/{}?token={token}", rooms[room]);
            tasks.push((room, i, tokio::spawn(writer(room_url, i, until))));
        }
        for i in 0..clients - writers {
            let room_url = format!("{url}/{}?token={token}", rooms[i % ROOMS]);
            tokio::spawn(misbehave(room_url, i % 4, until, refused.clone()));
        }
        // Halfway, SIGKILL the hub, and start it again on the same journal and port.
        tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
        samples.lock().expect("samples").push((start.elapsed().as_secs(), crate::resident_mib(&hub.pid().to_string())));
        hub.kill();
        hub = serve(port);
        let pid = hub.pid();
        let sampler = {
            let samples = samples.clone();
            tokio::spawn(async move {
                while Instant::now() < until {
                    samples
                        .lock()
                        .expect("samples")
                        .push((start.elapsed().as_secs(), crate::resident_mib(&pid.to_string())));
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            })
        };
        let mut finals = HashMap::new();
        for (room, i, task) in tasks {
            finals.insert((room, i), task.await.unwrap_or(0));
        }
        sampler.abort();
        finals
    });

    // What the hub holds, room by room, read by a fresh client.
    let missing = runtime.block_on(async {
        let mut missing = 0usize;
        for (r, room) in rooms.iter().enumerate() {
            let Some(socket) = connect(&format!("{url}/{room}?token={token}")).await else { return usize::MAX };
            let (mut sink, mut stream) = socket.split();
            let _ = sink.send(Message::Binary(recolte_sync::protocol::step1(&StateVector::default()).into())).await;
            let doc = Doc::new();
            while let Ok(Some(Ok(Message::Binary(frame)))) =
                tokio::time::timeout(Duration::from_secs(20), stream.next()).await
            {
                if let Ok(YMessage::Sync(SyncMessage::SyncStep2(update))) = YMessage::decode_v1(&frame) {
                    if let Ok(update) = Update::decode_v1(&update) {
                        let _ = doc.transact_mut().apply_update(update);
                    }
                    break;
                }
            }
            let map = doc.get_or_insert_map("soak");
            let txn = doc.transact();
            for ((room, i), last) in finals.iter().filter(|((room, _), _)| *room == r) {
                let _ = room;
                let held = match map.get(&txn, &format!("w{i}")) {
                    Some(Out::Any(Any::Number(yrs::any::Number::Float(f)))) => f as u64,
                    Some(Out::Any(Any::Number(yrs::any::Number::Int(n)))) => n as u64,
                    _ => 0,
                };
                if held != *last {
                    missing += 1;
                }
            }
        }
        missing
    });
    let samples = samples.lock().expect("samples").clone();
    let peak = samples.iter().map(|(_, m)| *m).fold(0.0, f64::max);
    let first_half = samples.first().map(|(_, m)| *m).unwrap_or(0.0);
    let last = samples.last().map(|(_, m)| *m).unwrap_or(0.0);
    println!("| soak | {seconds} s, {clients} clients ({writers} writers in {ROOMS} rooms, {} misbehaving), SIGKILL and restart halfway |", clients - writers);
    println!("| hub memory: before the kill / end / peak after restart | {first_half:.0} MiB / {last:.0} MiB / {peak:.0} MiB |");
    println!(
        "| misbehaving connections closed by the hub (garbage, oversized frames) | {} |",
        refused.load(Ordering::Relaxed)
    );
    println!("| writers whose last change the hub does not hold | {missing} of {writers} |");
    if missing > 0 {
        std::process::exit(1);
    }
}
