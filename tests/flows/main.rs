//! Whole flows, driving the real `recolte` binary and the store on real SQLite files in
//! temporary folders: the CLI contract, convergence of replicas through bundles, and
//! durability under SIGKILL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod clock;
mod common;
mod convergence;
mod crash;
mod exports;
mod arrivals;
mod interop;
mod panel;
mod invitations;
mod sync;
mod tls;
