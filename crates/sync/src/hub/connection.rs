//! One device's connection to a room: admitted, greeted, then frames in and out until it closes.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::SinkExt;
use recolte_core::access::Access;
use recolte_core::schema::{self, DocName};
use recolte_core::{Both, Localize};
use tokio::sync::mpsc;

use super::admission::{authorize, Admission};
use super::journal::{Persist, WriterRequest};
use super::{close, hub_log, lock, LivePeer, Report, RoomEntry, RoomInner, Shared, READ_BUFFER};
use crate::protocol::{Effect, Presence, ProtocolError};

pub(super) async fn upgrade(
    ws: WebSocketUpgrade,
    Path(room): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    let limit = shared.config.max_message_bytes;
    let token = query.get("token").cloned();
    // Récolte's own devices ask for deflated frames; stock Yjs clients get plain ones.
    let deflate = query.get("compress").is_some_and(|asked| asked == "deflate");
    ws.max_message_size(limit)
        .max_frame_size(limit)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |socket| connection(socket, shared, room, token, deflate))
        .into_response()
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

pub(super) async fn send_close(socket: &mut (impl SinkExt<Message> + Unpin), code: u16, reason: &str) {
    // Close reasons are limited to 123 bytes by the protocol.
    let mut reason = reason.to_owned();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}

async fn connection(mut socket: WebSocket, shared: Arc<Shared>, room: String, token: Option<String>, deflate: bool) {
    shared.metrics.connections_total.fetch_add(1, Ordering::Relaxed);
    // Within what the open-files limit allows too: past it, accepting fails for everyone.
    if shared.metrics.clients.load(Ordering::Relaxed) >= shared.config.max_clients.min(shared.capacity) {
        shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
        send_close(&mut socket, close::HUB_FULL, "the hub is full: try again in a moment").await;
        return;
    }
    let Admission { name, access, token_id, role, expires_at } = match authorize(&shared, &room, token.as_deref()) {
        Ok(admitted) => admitted,
        Err(refusal) => {
            shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
            let lang = shared.config.lang;
            // The room is what an unknown client asked for: escaped, it cannot forge log lines.
            let room = truncate(&room, 80).escape_debug().to_string();
            // Who the token says it is for, so that the organiser knows whom to call; read, not
            // trusted (a refused token may be forged), and escaped like the room.
            let holder = token
                .as_deref()
                .and_then(|t| recolte_core::token::peek(t).ok())
                .and_then(|grant| grant.name)
                .filter(|name| !name.trim().is_empty())
                .map(|name| truncate(&name, 60).escape_debug().to_string());
            let (of_fr, of_en) = match &holder {
                Some(name) => (format!(" (invitation de « {name} »)"), format!(" (invitation of \"{name}\")")),
                None => (String::new(), String::new()),
            };
            hub_log!(
                warn,
                lang,
                "connexion refusée à « {} »{} : {}",
                "refused a connection to \"{}\"{}: {}",
                room,
                lang.pick(&of_fr, &of_en),
                refusal.reason.pick(lang),
            );
            send_close(&mut socket, refusal.code, &refusal.reason.en).await;
            return;
        }
    };
    let peer = shared.next_peer.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = mpsc::channel(shared.config.queue_frames);
    // A room taken from the map just before its last peer left, and joined just after, would
    // be one nobody else reaches (its peers would no longer hear each other, each told « à
    // jour »): the leaving marks it dropped, under its own lock, and it is taken again. (Not
    // joined under the rooms' lock: a room held long, by a reload, would stall every room.)
    let (entry, greeting) = loop {
        let entry = match shared.room(&name) {
            Ok(entry) => entry,
            Err(error) => {
                let lang = shared.config.lang;
                hub_log!(
                    error,
                    lang,
                    "impossible de charger la salle {} : {}",
                    "cannot load room {}: {}",
                    name,
                    error.localize(lang),
                );
                send_close(&mut socket, close::INTERNAL, "the hub cannot read this room").await;
                return;
            }
        };
        let mut inner = shared.room_lock(&entry);
        if inner.dropped {
            continue;
        }
        inner.peers.insert(peer, tx.clone());
        let greeting = inner.room.greeting();
        drop(inner);
        break (entry, greeting);
    };
    drop(tx);
    shared.metrics.clients.fetch_add(1, Ordering::Relaxed);
    let (kick, kicked) = tokio::sync::oneshot::channel();
    let mut presence = Presence::of(Some(token_id.clone()));
    let live = LivePeer { event: name.event(), room: name.clone(), role, label: None, token_id, kick: Some(kick) };
    lock(&shared.live).insert(peer, live);
    // A token is checked when a connection opens; one that ends while connected is closed then,
    // as a revoked one is (a device syncing on past its card's end was still taken).
    let ends = expires_at.parse::<jiff::Timestamp>().ok();
    let peer_io = PeerIo { peer, greeting, rx, kicked, deflate, ends };
    serve_peer(&mut socket, &shared, &entry, access, peer_io, &mut presence).await;
    if let Some(LivePeer { room, label: Some(label), .. }) = lock(&shared.live).remove(&peer) {
        let mut seen = lock(&shared.seen);
        let entry = seen.entry(room).or_default().entry(label).or_default();
        entry.connected = entry.connected.saturating_sub(1);
        entry.last_seen = Some(schema::now());
        shared.arrivals_changed.store(true, Ordering::Relaxed);
    }

    let remove_room = {
        let mut inner = shared.room_lock(&entry);
        inner.peers.remove(&peer);
        if let Some(frame) = inner.room.leave(presence) {
            broadcast(&shared, &mut inner, peer, Bytes::from(frame));
        }
        inner.peers.is_empty() && name.kind() != schema::DocKind::Event
    };
    if remove_room {
        // Rooms nobody uses leave memory; their journal keeps them.
        let mut rooms = lock(&shared.rooms);
        if rooms.get(&name).is_some_and(|e| Arc::ptr_eq(e, &entry)) {
            let mut inner = shared.room_lock(&entry);
            if inner.peers.is_empty() {
                inner.dropped = true;
                drop(inner);
                rooms.remove(&name);
            }
        }
    }
    shared.metrics.clients.fetch_sub(1, Ordering::Relaxed);
}

/// A connection's channels: what the room sends it, and a word from outside to close it.
struct PeerIo {
    peer: u64,
    greeting: Vec<Vec<u8>>,
    rx: mpsc::Receiver<Bytes>,
    kicked: tokio::sync::oneshot::Receiver<(u16, Both)>,
    /// The device asked for deflated frames (see [`crate::deflate`]).
    deflate: bool,
    /// When its token ends (never, when that cannot be read: it was read to admit it).
    ends: Option<jiff::Timestamp>,
}

/// Until `ends` on the wall clock, looked at again after each sleep (a clock set back meanwhile
/// does not close a connection early); for ever when there is no end.
async fn until(ends: Option<jiff::Timestamp>) {
    let Some(ends) = ends else { return std::future::pending().await };
    loop {
        let left = ends.duration_since(jiff::Timestamp::now());
        match Duration::try_from(left) {
            Ok(left) if !left.is_zero() => tokio::time::sleep(left).await,
            _ => return,
        }
    }
}

/// A frame as it goes on the wire to this connection: deflated for a device that asked for it
/// when that makes it smaller, or always for the first one, which tells the device the hub
/// speaks it.
async fn on_wire(deflate: bool, frame: Bytes, first: bool) -> Bytes {
    if !deflate {
        return frame;
    }
    let packed = if frame.len() >= OFF_THREAD_BYTES {
        let whole = frame.clone();
        tokio::task::spawn_blocking(move || crate::deflate::pack(&whole, first)).await.ok().flatten()
    } else {
        crate::deflate::pack(&frame, first)
    };
    packed.map(Bytes::from).unwrap_or(frame)
}

/// Frames this large are deflated or inflated on a blocking thread: a whole document of
/// megabytes takes milliseconds, which would hold up the other connections served by the
/// same runtime thread.
const OFF_THREAD_BYTES: usize = 256 << 10;

/// The frame a device sent deflated, inflated within the hub's message limit.
async fn inflated(frame: Bytes, limit: usize) -> Result<Bytes, ProtocolError> {
    // What comes in deflated may inflate up to the limit whatever its own size.
    let inner = if frame.len() >= OFF_THREAD_BYTES / 64 {
        tokio::task::spawn_blocking(move || crate::deflate::unpack(&frame, limit))
            .await
            .map_err(|e| ProtocolError::Malformed(e.to_string()))?
    } else {
        crate::deflate::unpack(&frame, limit)
    };
    inner.map(Bytes::from)
}

async fn serve_peer(
    socket: &mut WebSocket,
    shared: &Shared,
    entry: &RoomEntry,
    access: Access,
    io: PeerIo,
    presence: &mut Presence,
) {
    let PeerIo { peer, greeting, mut rx, mut kicked, deflate, ends } = io;
    let ended = until(ends);
    tokio::pin!(ended);
    for (i, frame) in greeting.into_iter().enumerate() {
        let frame = on_wire(deflate, frame.into(), i == 0).await;
        shared.metrics.bytes_out.fetch_add(frame.len() as u64, Ordering::Relaxed);
        if socket.send(Message::Binary(frame)).await.is_err() {
            return;
        }
    }
    let mut shutdown = shared.shutdown.clone();
    // Devices and browsers answer pings by themselves.
    let mut heartbeat = tokio::time::interval((shared.config.silence_limit * 2 / 5).min(Duration::from_secs(60)));
    heartbeat.tick().await;
    let mut last_heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                last_heard = tokio::time::Instant::now();
                let frame = match incoming {
                    Some(Ok(Message::Binary(frame))) => frame,
                    Some(Ok(Message::Text(_))) => {
                        shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
                        send_close(socket, close::MALFORMED, "text frames are not part of the y-websocket protocol").await;
                        return;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_))) | None => return,
                    Some(Err(error)) => {
                        let text = error.to_string();
                        if text.contains("too long") || text.contains("Space limit") || text.contains("size") {
                            shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
                            send_close(socket, close::TOO_BIG, "message too big").await;
                        }
                        return;
                    }
                };
                shared.metrics.bytes_in.fetch_add(frame.len() as u64, Ordering::Relaxed);
                // Only from a device that asked: for anyone else it stays an unknown message type.
                let frame = if deflate && crate::deflate::is_deflated(&frame) {
                    match inflated(frame, shared.config.max_message_bytes).await {
                        Ok(inner) => inner,
                        Err(error) => {
                            shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
                            let code = if matches!(error, ProtocolError::TooBig { .. }) { close::TOO_BIG } else { close::MALFORMED };
                            send_close(socket, code, &error.to_string()).await;
                            return;
                        }
                    }
                } else {
                    frame
                };
                let outcome = match handle_frame(shared, entry, access, &frame, presence) {
                    Ok(outcome) => outcome,
                    Err((code, reason)) => {
                        tracing::warn!("{}", closing(shared, &entry.name, &reason));
                        send_close(socket, code, &reason.en).await;
                        return;
                    }
                };
                if let (Some(pause), false) = (shared.config.slow_connection, outcome.persist.is_empty()) {
                    tokio::time::sleep(pause).await;
                }
                // What the room kept of a presence (its own, within bounds), for the arrivals
                // board: not what a connection says of others.
                for kept in outcome.broadcast.iter().filter(|frame| frame.first() == Some(&1)) {
                    note_presence(shared, peer, kept);
                }
                // Saved before anything is sent about it: what this connection is told
                // afterwards (an answer to its next step 1) implies it is durable.
                let changed_document = !outcome.persist.is_empty();
                if let Err((code, reason)) = persist(shared, entry, outcome.persist).await {
                    send_close(socket, code, &reason.en).await;
                    return;
                }
                if !outcome.broadcast.is_empty() {
                    {
                        let mut inner = shared.room_lock(entry);
                        for frame in outcome.broadcast {
                            broadcast(shared, &mut inner, peer, frame);
                        }
                    }
                    // The programme changed: it may revoke tokens in use (not for presence).
                    if let (true, DocName::Event(event)) = (changed_document, &entry.name) {
                        shared.close_revoked(*event);
                    }
                }
                for reply in outcome.replies {
                    let reply = on_wire(deflate, reply.into(), false).await;
                    shared.metrics.bytes_out.fetch_add(reply.len() as u64, Ordering::Relaxed);
                    if socket.send(Message::Binary(reply)).await.is_err() {
                        return;
                    }
                }
            }
            outgoing = rx.recv() => match outgoing {
                Some(frame) => {
                    // Everything already queued goes out in one write.
                    let mut frames = vec![frame];
                    while frames.len() < 64 {
                        match rx.try_recv() {
                            Ok(frame) => frames.push(frame),
                            Err(_) => break,
                        }
                    }
                    for frame in frames {
                        let frame = on_wire(deflate, frame, false).await;
                        shared.metrics.bytes_out.fetch_add(frame.len() as u64, Ordering::Relaxed);
                        if socket.feed(Message::Binary(frame)).await.is_err() {
                            return;
                        }
                    }
                    if socket.flush().await.is_err() {
                        return;
                    }
                }
                None => {
                    // Dropped from the room because its queue was full.
                    send_close(socket, close::TRY_AGAIN, "too slow to keep up: reconnect to resync").await;
                    return;
                }
            },
            () = async { let _ = shutdown.wait_for(|stop| *stop).await; } => {
                send_close(socket, close::GOING_AWAY, "the hub is stopping").await;
                return;
            }
            // A device that vanished without closing (out of the Wi-Fi's reach, its battery
            // flat) would stay a peer for ever, shown as connected on the arrivals board: it is
            // pinged, as the reference server does, and let go when nothing came back.
            _ = heartbeat.tick() => {
                if last_heard.elapsed() >= shared.config.silence_limit {
                    send_close(socket, close::GOING_AWAY, "nothing heard from this device: reconnect").await;
                    return;
                }
                if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                    return;
                }
            }
            Ok((code, reason)) = &mut kicked => {
                tracing::info!("{}", closing(shared, &entry.name, &reason));
                send_close(socket, code, &reason.en).await;
                return;
            }
            () = &mut ended => {
                let ended_at = ends.map(|at| at.to_string()).unwrap_or_default();
                let reason = Both::of(&recolte_core::token::TokenError::Expired(ended_at));
                tracing::info!("{}", closing(shared, &entry.name, &reason));
                send_close(socket, close::EXPIRED, &reason.en).await;
                return;
            }
        }
    }
}

/// Reads what a device says of itself in its presence (`{"user": {"name"}, "device": {"id",
/// "unsent"}}`, the first part as any Yjs client writes it), for the arrivals board.
fn note_presence(shared: &Shared, peer: u64, frame: &[u8]) {
    let Ok(yrs::sync::Message::Awareness(update)) = crate::protocol::decode(frame) else { return };
    for entry in update.clients.values() {
        let Ok(state) = serde_json::from_str::<serde_json::Value>(&entry.json) else { continue };
        let name = state["user"]["name"].as_str().map(|n| n.chars().take(120).collect::<String>());
        let mut live = lock(&shared.live);
        let Some(me) = live.get_mut(&peer) else { return };
        if let (Some(name), None) = (&name, &me.label) {
            me.label = Some(name.clone());
            let mut seen = lock(&shared.seen);
            let entry = seen.entry(me.room.clone()).or_default().entry(name.clone()).or_default();
            entry.connected += 1;
            shared.arrivals_changed.store(true, Ordering::Relaxed);
        }
        let id = state["device"]["id"].as_str().filter(|d| !d.is_empty());
        let Some(device) = id.map(|d| d.chars().take(64).collect::<String>()) else {
            continue;
        };
        let mut reports = lock(&shared.reports);
        // Bounded: a misbehaving client cannot grow the hub's memory without end.
        if reports.len() >= 10_000 && !reports.contains_key(&device) {
            continue;
        }
        let report = reports.entry(device).or_insert_with(|| Report {
            event: me.event,
            name: String::new(),
            role: me.role,
            unsent: HashMap::new(),
            outside: None,
            at: String::new(),
        });
        let before = (report.name.clone(), report.unsent.get(&me.room).copied(), report.outside);
        if let Some(name) = name {
            report.name = name;
        }
        // Left out when the device could not count it: the last count it gave stays.
        if let Some(unsent) = state["device"]["unsent"].as_u64() {
            report.unsent.insert(me.room.clone(), usize::try_from(unsent).unwrap_or(usize::MAX));
        }
        if let Some(outside) = state["device"]["outside"].as_u64() {
            report.outside = Some(usize::try_from(outside).unwrap_or(usize::MAX));
        }
        report.at = schema::now();
        // Written again when what the board shows changed, not at every renewed presence.
        if before != (report.name.clone(), report.unsent.get(&me.room).copied(), report.outside) {
            shared.arrivals_changed.store(true, Ordering::Relaxed);
        }
    }
}

/// What a frame asks of the connection task once the room's lock is released.
#[derive(Default)]
struct Outcome {
    replies: Vec<Vec<u8>>,
    /// The updates the room took in, already handed to the writer (see [`queue_save`]).
    persist: Vec<Saving>,
    broadcast: Vec<Bytes>,
}

/// An update on its way to the journal: the writer's answer, or `None` when the writer is gone.
type Saving = Option<tokio::sync::oneshot::Receiver<Result<(), Both>>>;

/// Hands an update the room has just taken in to the writer, the room's lock still held. A
/// reload of the room (after another connection's save failed) asks the writer to finish
/// what was queued before it, under the same lock: the update is then in the journal the room
/// is reloaded from. Queued after the lock was released, a reload could slip in between and
/// forget an update that is then saved and acknowledged.
fn queue_save(shared: &Shared, entry: &RoomEntry, update: Vec<u8>) -> Saving {
    let (done, saved) = tokio::sync::oneshot::channel();
    let request = Persist { name: entry.name.clone(), update, done };
    shared.writer.send(WriterRequest::Save(request)).ok().map(|()| saved)
}

/// Applies one frame under the room's lock. Returns what to save, send back and broadcast,
/// or the close code and reason if the frame is refused.
fn handle_frame(
    shared: &Shared,
    entry: &RoomEntry,
    access: Access,
    frame: &[u8],
    presence: &mut Presence,
) -> Result<Outcome, (u16, Both)> {
    let mut inner = shared.room_lock(entry);
    let effects = match inner.room.receive(access, frame, presence) {
        Ok(effects) => effects,
        Err(error) => {
            shared.metrics.malformed.fetch_add(1, Ordering::Relaxed);
            if matches!(error, ProtocolError::InvalidUpdate(_)) {
                // The update may have been half applied: reload the room from its journal.
                shared.reload(&entry.name, &mut inner);
            }
            return Err((close::MALFORMED, Both::of(&error)));
        }
    };
    let mut outcome = Outcome::default();
    for effect in effects {
        match effect {
            Effect::Persist(update) => outcome.persist.push(queue_save(shared, entry, update)),
            Effect::Reply(frame) => outcome.replies.push(frame),
            Effect::Broadcast(frame) => outcome.broadcast.push(Bytes::from(frame)),
            Effect::Dropped { bytes } => {
                shared.metrics.dropped_read_only.fetch_add(1, Ordering::Relaxed);
                hub_log!(
                    warn,
                    shared.config.lang,
                    "{} octets de modifications de {} ignorés : la connexion est en lecture seule",
                    "dropped {} bytes of changes to {} from a read-only connection",
                    bytes,
                    entry.name,
                );
            }
        }
    }
    Ok(outcome)
}

/// Waits until the updates handed to the writer are durable.
async fn persist(shared: &Shared, entry: &RoomEntry, updates: Vec<Saving>) -> Result<(), (u16, Both)> {
    for saving in updates {
        let result = match saving {
            Some(saved) => saved.await.unwrap_or_else(|_| Err(writer_stopped())),
            None => Err(writer_stopped()),
        };
        if let Err(error) = result {
            hub_log!(
                error,
                shared.config.lang,
                "impossible d'enregistrer une mise à jour de {} : {}",
                "cannot save an update of {}: {}",
                entry.name,
                error.pick(shared.config.lang),
            );
            // Not saved, so not kept: the room goes back to what the journal holds, with every
            // other update saved in the meantime.
            shared.reload(&entry.name, &mut shared.room_lock(entry));
            // The writer gone is the hub stopping: the device comes back, as to a hub away.
            if error == writer_stopped() {
                return Err((close::GOING_AWAY, error));
            }
            shared.metrics.save_failures.fetch_add(1, Ordering::Relaxed);
            shared.metrics.failing_to_save.store(true, Ordering::Relaxed);
            return Err((
                close::CANNOT_SAVE,
                Both::new(
                    "le serveur n'a pas pu enregistrer cette mise à jour ; réessayez plus tard",
                    "the hub could not save this update; retry later",
                ),
            ));
        }
        shared.metrics.updates_saved.fetch_add(1, Ordering::Relaxed);
        shared.metrics.failing_to_save.store(false, Ordering::Relaxed);
    }
    Ok(())
}

/// The hub's log line for a connection it closes, in the hub's language.
fn closing(shared: &Shared, name: &DocName, reason: &Both) -> String {
    match shared.config.lang {
        recolte_core::Lang::Fr => format!("connexion à {name} fermée : {}", reason.fr),
        recolte_core::Lang::En => format!("closing a connection to {name}: {}", reason.en),
    }
}

fn writer_stopped() -> Both {
    Both::new("le fil d'écriture du journal s'est arrêté", "the writer stopped")
}

pub(super) fn broadcast(shared: &Shared, inner: &mut RoomInner, from: u64, frame: Bytes) {
    let mut too_slow = Vec::new();
    for (id, tx) in &inner.peers {
        if *id == from {
            continue;
        }
        match tx.try_send(frame.clone()) {
            Ok(()) => {
                shared.metrics.frames_delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(_)) => too_slow.push(*id),
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
    for id in too_slow {
        // Dropping its sender ends its queue: it closes with "try again" and resyncs later.
        inner.peers.remove(&id);
        shared.metrics.slow_disconnects.fetch_add(1, Ordering::Relaxed);
    }
}
