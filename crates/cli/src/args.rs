//! The command line's grammar.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod access;
mod capture;
mod files;
mod synthesis;

pub use access::*;
pub use capture::*;
pub use files::*;
pub use synthesis::*;

#[derive(Debug, Parser)]
#[command(
    name = "recolte",
    version = recolte_build_info::DESCRIBE,
    about = "Récolte : capturer, consolider et partager les propositions des ateliers"
)]
pub struct Cli {
    /// Data folder of the store (default: $RECOLTE_DATA_DIR, else the system's data folder).
    #[arg(long, global = true, env = "RECOLTE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of messages: fr or en (default: from the locale, else French).
    #[arg(long, global = true, value_parser = ["fr", "en"])]
    pub lang: Option<String>,
    /// Event to work on (may be omitted when the store holds one event).
    #[arg(long, global = true)]
    pub event: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Events: import a programme, show it.
    #[command(subcommand)]
    Event(EventCmd),
    /// Sessions of the programme.
    #[command(subcommand)]
    Session(SessionCmd),
    /// Sub-groups of a session.
    #[command(subcommand)]
    Subgroup(SubgroupCmd),
    /// Proposals captured in sessions.
    #[command(subcommand)]
    Proposal(ProposalCmd),
    /// Full-text search (accents and case ignored).
    Search {
        /// Words to search for.
        #[arg(required = true, allow_negative_numbers = true)]
        query: Vec<String>,
        /// Largest number of results.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Consolidated proposals of a theme.
    #[command(subcommand)]
    Synthesis(SynthesisCmd),
    /// Every wording a proposal or a consolidated proposal had, and restoring one.
    #[command(subcommand)]
    History(HistoryCmd),
    /// Named snapshots of a session, a theme's synthesis or the panel: taken by hand, at the
    /// end of each slot, before every merge, undo of a merge, import and restore.
    #[command(subcommand)]
    Snapshot(SnapshotCmd),
    /// Undo this device's last change to a session, a theme's synthesis or the panel (never
    /// another device's).
    Undo(UndoArgs),
    /// Make again the last change undone there.
    Redo(UndoArgs),
    /// Closing-plenary panel: marks and comments.
    #[command(subcommand)]
    Panel(PanelCmd),
    /// Bundle files for sync without a network (USB key, e-mail).
    #[command(subcommand)]
    Bundle(BundleCmd),
    /// Maintenance of the local store.
    #[command(subcommand)]
    Store(StoreCmd),
    /// This device's settings.
    #[command(subcommand)]
    Device(DeviceCmd),
    /// Access tokens for the event's devices (organiser's device only).
    #[command(subcommand)]
    Token(TokenCmd),
    /// Outputs as Commons: report, open data, Decidim import file.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Restore an event from its open data.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Serve the event's documents to devices on the network (y-websocket protocol).
    Hub {
        /// Address to listen on; port 0 picks a free port. Use 0.0.0.0:PORT in a venue.
        #[arg(long, default_value = "127.0.0.1:4455")]
        listen: std::net::SocketAddr,
        /// Public key of an event whose tokens are accepted (repeatable); default: the
        /// events of this data folder.
        #[arg(long = "trust")]
        trust: Vec<String>,
        /// Largest message accepted from a device, in bytes (at least 1024).
        #[arg(long, default_value_t = 16 << 20, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1024..))]
        max_message_bytes: usize,
        /// Messages queued for a device before it counts as too slow and is disconnected.
        #[arg(long, default_value_t = 1024, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        queue: usize,
        /// Connections served at once (each device opens one per document it syncs).
        #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..))]
        max_clients: u64,
        /// Do not announce the hub on the local network (DNS-SD).
        #[arg(long)]
        no_announce: bool,
        /// Serve wss:// with a certificate this hub makes once and keeps (in DATA/hub-certificate);
        /// invitations made on this device carry its fingerprint, which devices pin.
        #[arg(long)]
        tls: bool,
    },
    /// The arrivals board (organisers): per session what reached the hub and which devices
    /// were there; per theme the synthesis; per device its unshared changes.
    Arrivals {
        /// ws://HOST:PORT (default: the hub this device syncs with).
        #[arg(long)]
        hub: Option<String>,
        /// An organiser token (default: one made here, on the device that holds the event's key).
        #[arg(long)]
        token: Option<String>,
    },
    /// List the hubs announced on the local network (DNS-SD), with their events.
    Discover {
        /// How long to listen.
        #[arg(long, default_value_t = 3)]
        seconds: u64,
    },
    /// Sync this device with a hub: push local changes, pull remote ones.
    Sync {
        /// ws://HOST:PORT (default: the last hub used).
        #[arg(long)]
        hub: Option<String>,
        /// Access token (default: the last token used).
        #[arg(long)]
        token: Option<String>,
        /// Keep syncing until interrupted.
        #[arg(long)]
        watch: bool,
    },
    /// Set up this device for an event with an invitation link (or a hub and a token), and
    /// pull what it may read.
    Join {
        /// The invitation link, recolte://join?…
        #[arg(long, conflicts_with_all = ["hub", "token"], required_unless_present_any = ["hub", "token"])]
        invitation: Option<String>,
        /// Your name: it signs your proposals (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        name: Option<String>,
        /// Hub address, ws://… or wss://… (with --token, without an invitation).
        #[arg(long, requires = "token")]
        hub: Option<String>,
        /// Access token (with --hub, without an invitation).
        #[arg(long, requires = "hub")]
        token: Option<String>,
    },
    /// What this device shares with the hub, per document: may write or read, changes not
    /// yet shared, the last exchange, and why the hub refused.
    Status,
    /// Invitations: one link per person or role, to join the event (organiser's device only).
    #[command(subcommand)]
    Invite(InviteCmd),
}
