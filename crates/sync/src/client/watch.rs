//! Background sync: every document the token covers kept in sync for as long as the device
//! runs, through reconnections with back-off, with the hand-over of a former invitation's
//! changes and the move to another hub (`failover`) running beside it.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use recolte_core::access::Access;
use recolte_core::schema::DocName;
use recolte_core::token;
use tokio_tungstenite::tungstenite::Message;

use super::connection::{self, connect, refused};
use super::presence::{awareness_frame, PRESENCE_RENEW};
use super::{
    count_unconfirmed, documents_for, lock, lock_store, outside_of, unsent_of, who_i_am, DocStatus, PresenceBoard,
    Session, SharedStore, StatusBoard, SyncError, SyncState, Target,
};

/// How often a watching session looks for local changes to push.
const PUSH_EVERY: Duration = Duration::from_millis(200);

/// How often background sync tries again a former invitation's changes still to share.
const HAND_OVER_EVERY: Duration = Duration::from_secs(30);

/// How often background sync looks whether its hub is out of reach (two looks in a row: the
/// invitation's other hubs are tried, then the event served nearby). Under a minute: the room
/// moves to its laptop while the session goes on.
const FAILOVER_EVERY: Duration = Duration::from_secs(20);

/// A watching connection pings the hub this often…
const HEARTBEAT: Duration = Duration::from_secs(5);

/// …and takes it for lost when nothing at all came back for this long.
const SILENCE_LIMIT: Duration = Duration::from_secs(20);

/// Keeps every document the token covers in sync until `stop` turns true: pushes local
/// changes as they are saved, applies the hub's as they come, reconnects with back-off,
/// and keeps `board` truthful. Never blocks local edits: the store is only locked for the
/// moment of a read or a write.
pub async fn watch(
    store: SharedStore,
    target: Target,
    board: StatusBoard,
    presence: PresenceBoard,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Result<(), SyncError> {
    let grant = token::peek(&target.token)?;
    let scope = grant.scope;
    let mut tasks = tokio::task::JoinSet::new();
    let mut started: Vec<DocName> = Vec::new();
    // What a former invitation still holds to share (see `handover`): tried again now and then.
    tasks.spawn(crate::handover::keep_handing_over(store.clone(), HAND_OVER_EVERY, stop.clone()));
    // Its hub gone for good: another of the invitation's hubs, or the event's nearby (see
    // `failover`).
    tasks.spawn(crate::failover::keep_a_hub_in_reach(
        store.clone(),
        target.clone(),
        board.clone(),
        FAILOVER_EVERY,
        stop.clone(),
    ));
    loop {
        // New sessions may appear in the programme: look again now and then.
        let record = lock_store(&store).event_record(scope.event).ok().flatten();
        for (name, access) in documents_for(&scope, record.as_ref()) {
            if started.contains(&name) {
                continue;
            }
            started.push(name.clone());
            lock(&board).insert(name.clone(), DocStatus { state: SyncState::Connecting, unconfirmed: 0, error: None });
            let (store, target, board, presence, stop) =
                (store.clone(), target.clone(), board.clone(), presence.clone(), stop.clone());
            tasks.spawn(async move { watch_document(store, target, name, access, board, presence, stop).await });
        }
        tokio::select! {
            () = async { let _ = stop.wait_for(|s| *s).await; } => break,
            () = tokio::time::sleep(Duration::from_secs(5)) => {}
        }
    }
    while tasks.join_next().await.is_some() {}
    Ok(())
}

async fn watch_document(
    store: SharedStore,
    target: Target,
    name: DocName,
    access: Access,
    board: StatusBoard,
    presence: PresenceBoard,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(250);
    loop {
        if *stop.borrow() {
            return;
        }
        let outcome = tokio::select! {
            outcome = watch_connection(&store, &target, &name, access, &board, &presence) => outcome,
            () = async { let _ = stop.wait_for(|s| *s).await; } => return,
        };
        let error = match &outcome {
            Err(error) => error.refusal().map(|code| (code, error.to_string())),
            Ok(()) => None,
        };
        if let Some((code, message)) = &error {
            let _ = lock_store(&store).set_sync_error(&target.hub, &name, code.as_str(), message);
        }
        let unconfirmed = count_unconfirmed(&store, Some(&board), &target.hub, &name);
        lock(&board).insert(name.clone(), DocStatus { state: SyncState::Offline, unconfirmed, error: error.clone() });
        lock(&presence).remove(&name);
        match (&outcome, &error) {
            (Err(refused), Some((code, _))) if code.is_final() => {
                tracing::warn!("{name}: refused by the hub ({refused}); not retrying with this token");
                // Not retried, but still counted: what is typed meanwhile waits here, and the
                // status says how much.
                loop {
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_millis(500)) => {}
                        () = async { let _ = stop.wait_for(|s| *s).await; } => return,
                    }
                    let unconfirmed = count_unconfirmed(&store, Some(&board), &target.hub, &name);
                    lock(&board).insert(
                        name.clone(),
                        DocStatus { state: SyncState::Offline, unconfirmed, error: error.clone() },
                    );
                }
            }
            (Err(error), _) => tracing::debug!("{name}: {error}; retrying in {backoff:?}"),
            (Ok(()), _) => {}
        }
        // Back-off with jitter, so that a hub coming back is not hit by every device at once.
        // Meanwhile the count of changes not shared keeps up with the typing.
        let jitter = Duration::from_millis(u64::from(rand_jitter()) % (backoff.as_millis() as u64 / 2 + 1));
        let until = tokio::time::Instant::now() + backoff + jitter;
        while tokio::time::Instant::now() < until {
            tokio::select! {
                () = tokio::time::sleep_until(until.min(tokio::time::Instant::now() + Duration::from_millis(500))) => {}
                () = async { let _ = stop.wait_for(|s| *s).await; } => return,
            }
            let unconfirmed = count_unconfirmed(&store, Some(&board), &target.hub, &name);
            lock(&board)
                .insert(name.clone(), DocStatus { state: SyncState::Offline, unconfirmed, error: error.clone() });
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

fn rand_jitter() -> u32 {
    // Good enough for spreading reconnections; not for anything secret.
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    nanos ^ (nanos >> 7)
}

async fn watch_connection(
    store: &SharedStore,
    target: &Target,
    name: &DocName,
    access: Access,
    board: &StatusBoard,
    presence: &PresenceBoard,
) -> Result<(), SyncError> {
    lock(board).entry(name.clone()).and_modify(|s| s.state = SyncState::Connecting);
    let mut socket = connect(target, name).await?;
    let mut session = Session::new(store, target, name, access, Some(board), Some(presence))?;
    session.set_state(SyncState::Syncing);
    session.barrier(&mut socket, None).await?;
    // Say who we are, and renew it before peers forget us.
    let who = who_i_am(store);
    let me = yrs::ClientID::new(session.me);
    let mut clock = 1;
    let unsent = |store: &SharedStore| unsent_of(store, target, name, access);
    let outside = |store: &SharedStore| outside_of(store, target, name);
    session.send(&mut socket, awareness_frame(me, clock, &who, unsent(store), outside(store))).await?;
    let mut renew = tokio::time::interval(PRESENCE_RENEW);
    renew.tick().await;
    let mut tick = tokio::time::interval(PUSH_EVERY);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        tokio::select! {
            next = socket.next() => match next {
                Some(Ok(Message::Binary(frame))) => {
                    session.receive(&mut socket, &frame).await?;
                }
                Some(Ok(Message::Close(frame))) => return Err(refused(target, name, frame)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Err(SyncError::Lost { doc: name.to_string() }),
            },
            // A hub that stops answering without closing (its laptop asleep, a device dropped by
            // the access point) would leave this connection open for ever, and what is typed
            // unsent while the status said « à jour »: any hub answers a ping, so silence for
            // this long is a lost connection, tried again as one.
            _ = heartbeat.tick() => {
                if connection::since_heard(&socket) >= SILENCE_LIMIT {
                    return Err(SyncError::Lost { doc: name.to_string() });
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return Err(SyncError::Lost { doc: name.to_string() });
                }
            }
            _ = renew.tick() => {
                clock += 1;
                session.send(&mut socket, awareness_frame(me, clock, &who, unsent(store), outside(store))).await?;
            }
            _ = tick.tick() => {
                if session.seen_hub_state {
                    session.push_local(&mut socket).await?;
                }
            }
        }
    }
}
