//! Whole flows, driving the real `recolte` binary and the store on real SQLite files in
//! temporary folders: the CLI contract, convergence of replicas through bundles, and
//! durability under SIGKILL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod arrivals;
mod cli;
mod clock;
mod common;
mod convergence;
mod crash;
mod exports;
mod interop;
mod invitations;
mod panel;
mod sync;
mod synthesis;
mod tls;
mod undo;
