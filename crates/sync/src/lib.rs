//! Récolte's network sync, on the standard y-websocket protocol so that any Yjs server can
//! stand in for the hub and any Yjs client can read a room.
//!
//! - [`protocol`]: the protocol as a sans-IO state machine (frames in, effects out);
//! - [`hub`]: `recolte hub`, the WebSocket server around it, with per-room access checks
//!   from signed tokens and a durable journal;
//! - [`client`]: the engine that syncs a device's store with a hub;
//! - [`deflate`]: deflated frames between Récolte's own devices and hubs, asked for, never imposed.

pub mod arrivals;
pub mod client;
pub mod deflate;
pub mod failover;
pub mod handover;
pub mod hub;
pub mod join;
pub mod nearby;
pub mod protocol;
pub mod refusal;
pub mod remembered;
pub mod served_nearby;
pub mod status;
pub mod tls;
