//! The arrivals board: who came, as an organiser's connection to `/arrivals/{event}` asks.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use recolte_core::schema::DocName;

use super::admission::{authorize, Admission, Refusal};
use super::connection::send_close;
use super::{close, lock, Shared};

pub(super) async fn arrivals_upgrade(
    ws: WebSocketUpgrade,
    Path(event): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    State(shared): State<Arc<Shared>>,
) -> Response {
    let token = query.get("token").cloned();
    ws.on_upgrade(move |socket| arrivals_connection(socket, shared, event, token)).into_response()
}

/// Sends the arrivals board to an organiser, as one JSON text message, then closes.
async fn arrivals_connection(mut socket: WebSocket, shared: Arc<Shared>, event: String, token: Option<String>) {
    let room = format!("{}/event", event.chars().take(40).collect::<String>());
    let admitted = authorize(&shared, &room, token.as_deref()).and_then(|admission| {
        if admission.role == recolte_core::access::Role::Organiser {
            Ok(admission)
        } else {
            Err(Refusal {
                code: close::FORBIDDEN,
                reason: recolte_core::Both::new(
                    format!(
                        "le tableau des arrivées est réservé à l'organisation, pas à un jeton « {} »",
                        admission.role.label(recolte_core::Lang::Fr)
                    ),
                    format!("the arrivals board is for organisers, not a {} token", admission.role),
                ),
            })
        }
    });
    let Admission { name, .. } = match admitted {
        Ok(admission) => admission,
        Err(refusal) => {
            shared.metrics.refused.fetch_add(1, Ordering::Relaxed);
            send_close(&mut socket, refusal.code, &refusal.reason.en).await;
            return;
        }
    };
    let computed = tokio::task::spawn_blocking({
        let shared = shared.clone();
        move || arrivals_board(&shared, name.event())
    })
    .await;
    match computed {
        Ok(Ok(Some(board))) => {
            let text = serde_json::to_string(&board).unwrap_or_default();
            let _ = socket.send(Message::Text(text.into())).await;
            send_close(&mut socket, 1000, "done").await;
        }
        Ok(Ok(None)) => {
            send_close(&mut socket, close::UNKNOWN_ROOM, "this hub does not hold the event's programme").await
        }
        // The event's own copy cannot be read: there is no board to show.
        Ok(Err(error)) => {
            let said = format!("the hub cannot read the event's programme back ({error}); try again");
            send_close(&mut socket, close::INTERNAL, &said).await
        }
        Err(_) => send_close(&mut socket, close::INTERNAL, "the hub failed to compute the board; try again").await,
    }
}

fn arrivals_board(
    shared: &Shared,
    event: recolte_core::ids::EventId,
) -> Result<Option<crate::arrivals::ArrivalsBoard>, recolte_store::Error> {
    use crate::arrivals::{ArrivalDevice, DeviceReport};
    let Some(record) = shared.event_record(event)? else { return Ok(None) };
    let seen: HashMap<DocName, Vec<ArrivalDevice>> = lock(&shared.seen)
        .iter()
        .filter(|(room, _)| room.event() == event)
        .map(|(room, names)| {
            let mut devices: Vec<ArrivalDevice> = names
                .iter()
                .map(|(name, seen)| ArrivalDevice {
                    name: name.clone(),
                    connected: seen.connected > 0,
                    last_seen: if seen.connected > 0 { None } else { seen.last_seen.clone() },
                })
                .collect();
            devices.sort_by(|a, b| (!a.connected, &a.name).cmp(&(!b.connected, &b.name)));
            (room.clone(), devices)
        })
        .collect();
    let mut devices: Vec<DeviceReport> = lock(&shared.reports)
        .iter()
        .filter(|(_, report)| report.event == event)
        .map(|(device, report)| DeviceReport {
            device: device.clone(),
            name: report.name.clone(),
            role: Some(report.role.as_str().to_owned()),
            // Unknown until the device gives a count for one of its documents.
            unsent: (!report.unsent.is_empty())
                .then(|| report.unsent.values().fold(0usize, |sum, n| sum.saturating_add(*n))),
            outside: report.outside,
            reported_at: Some(report.at.clone()),
        })
        .collect();
    devices.sort_by(|a, b| (&a.name, &a.device).cmp(&(&b.name, &b.device)));
    // A room that cannot be read is said so on its line, never shown empty (the organiser
    // would chase a facilitator whose work is here) and never taking the whole board down.
    let read = |name: &DocName| {
        let loaded = lock(&shared.rooms).get(name).cloned();
        let doc = match loaded {
            Some(entry) => Ok(shared.room_lock(&entry).room.doc().clone()),
            None => shared.load_doc(name),
        };
        match doc.and_then(|doc| Ok((doc, shared.backend().last_saved(name)?))) {
            Ok((doc, saved)) => Some((Some(doc), saved)),
            Err(error) => {
                tracing::warn!("{name}: {error}");
                None
            }
        }
    };
    Ok(Some(crate::arrivals::board(&record, read, &seen, devices, jiff::Timestamp::now())))
}
