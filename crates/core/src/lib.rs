//! Récolte's domain: the event programme and its validation, the Yjs document schema shared by
//! every device, text edits by difference, and the bundle file format.
//!
//! This crate does no I/O: it turns values into Yjs transactions and bytes, and back. Storage
//! lives in `recolte-store`, the network in `recolte-sync`.

// The derived Localize names this crate by its path, from inside it too.
extern crate self as recolte_core;

pub mod access;
pub mod bundle;
pub mod dedupe;
mod error;
pub mod ids;
pub mod invitation;
pub mod lang;
pub mod model;
pub mod moment;
pub mod programme;
pub mod schema;
pub mod text;
pub mod token;

pub use error::Error;
pub use lang::{Both, Lang, Localize};
