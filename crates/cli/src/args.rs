//! The command line's grammar.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
        #[arg(required = true)]
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

#[derive(Debug, Subcommand)]
pub enum InviteCmd {
    /// Create an invitation; prints its link.
    Create {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Hub address the device joins, ws://… or wss://… (repeatable, tried in order).
        #[arg(long = "hub")]
        hubs: Vec<String>,
        /// Validity: 90m, 12h, 3d, 2w.
        #[arg(long, default_value = "3d")]
        valid: String,
        /// The person it is for (printed on the card).
        #[arg(long = "for", allow_hyphen_values = true)]
        for_name: Option<String>,
        /// SHA-256 of the hub's own certificate, for wss:// to a laptop (default: the
        /// certificate of this device's hub, if it serves TLS).
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// One invitation per session, per theme, and one for the panel, and the printable sheet.
    All {
        /// Hub address the invitations carry, ws://… or wss://… (repeatable).
        #[arg(long = "hub")]
        hubs: Vec<String>,
        /// As for `invite create`.
        #[arg(long)]
        fingerprint: Option<String>,
        /// Validity: 90m, 12h, 3d, 2w.
        #[arg(long, default_value = "3d")]
        valid: String,
        /// Where to write the printable A4 sheet (HTML).
        #[arg(long)]
        sheet: PathBuf,
    },
    /// The invitations of the event, with their state.
    List,
    /// Revoke an invitation: hubs refuse it as soon as this device has synced.
    Revoke {
        /// Invitation id.
        id: String,
    },
    /// Write the printable sheet of the invitations that can still be used (or of the given ids).
    Sheet {
        /// HTML file to write.
        #[arg(long)]
        out: PathBuf,
        /// Invitation ids (default: every one that can still be used).
        ids: Vec<String>,
    },
}

/// Where to undo or redo: one of a session, a theme's synthesis, the panel.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct UndoArgs {
    /// This session (id).
    #[arg(long)]
    pub session: Option<String>,
    /// This theme's synthesis (number).
    #[arg(long)]
    pub theme: Option<u32>,
    /// The panel.
    #[arg(long)]
    pub panel: bool,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCmd {
    /// Take a snapshot now, with a name.
    Create {
        #[command(flatten)]
        place: UndoArgs,
        /// Name of the snapshot.
        #[arg(long, allow_hyphen_values = true)]
        name: String,
    },
    /// The snapshots of the event, or of one session, theme or the panel, oldest first.
    List {
        /// Only those of this session (id).
        #[arg(long, conflicts_with_all = ["theme", "panel"])]
        session: Option<String>,
        /// Only those of this theme's synthesis (number).
        #[arg(long, conflicts_with = "panel")]
        theme: Option<u32>,
        /// Only those of the panel.
        #[arg(long)]
        panel: bool,
    },
    /// What a snapshot holds (read only).
    Show {
        /// Snapshot id.
        id: String,
    },
    /// Put the document back as it stood at the snapshot, as a new edit (a snapshot of what
    /// it replaces is taken first).
    Restore {
        /// Snapshot id.
        id: String,
    },
}

/// What a token or an invitation grants.
#[derive(Debug, clap::Args)]
pub struct ScopeArgs {
    /// organiser, facilitator, rapporteur or panel.
    #[arg(long)]
    pub role: String,
    /// Sessions a facilitator runs (repeatable).
    #[arg(long = "session")]
    pub sessions: Vec<String>,
    /// Themes a rapporteur consolidates (repeatable).
    #[arg(long = "theme")]
    pub themes: Vec<u32>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Create a token; prints it.
    Create {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Validity: 90m, 12h, 3d, 2w.
        #[arg(long, default_value = "14d")]
        expires: String,
        /// Who the token is for, shown in the hub's logs.
        #[arg(long, allow_hyphen_values = true)]
        name: Option<String>,
    },
    /// Show what a token grants (without checking its signature).
    Inspect {
        /// The token to look at.
        token: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    /// Create an event from a programme file (JSON, see docs/programme-format.md).
    Import {
        /// Programme file (JSON).
        file: PathBuf,
    },
    /// Show the event: themes, slots, sessions.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum SessionCmd {
    /// List sessions in programme order.
    List {
        /// Only the sessions of this theme (number).
        #[arg(long)]
        theme: Option<u32>,
    },
    /// The session's clock, shared by its facilitators: the phase and the time left.
    Clock {
        /// Session id.
        session: String,
    },
    /// Start the session now (its clock; else it follows the programme's time).
    Start {
        /// Session id.
        session: String,
    },
    /// Pause the session's clock.
    Pause {
        /// Session id.
        session: String,
    },
    /// Resume the session's clock.
    Resume {
        /// Session id.
        session: String,
    },
    /// Give the current phase more time.
    Extend {
        /// Session id.
        session: String,
        /// Minutes to add to the current phase (1 to 60).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
        minutes: u32,
    },
    /// End the current phase now: on to the next.
    Next {
        /// Session id.
        session: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubgroupCmd {
    /// Create a sub-group; prints its id.
    Add {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Name of the sub-group.
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
    /// List the sub-groups of a session.
    List {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Include deleted sub-groups.
        #[arg(long)]
        all: bool,
    },
    /// Rename a sub-group (given by id or name).
    Rename {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Id or current name of the sub-group.
        subgroup: String,
        /// New name of the sub-group.
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProposalCmd {
    /// Capture a proposal; prints its id once it is saved.
    Add {
        /// Session id.
        #[arg(long)]
        session: String,
        /// Title of the proposal.
        #[arg(long, allow_hyphen_values = true)]
        title: String,
        /// Text of the proposal.
        #[arg(long, allow_hyphen_values = true)]
        body: Option<String>,
        /// proposal, concrete_action, obstacle or question (French words work too).
        #[arg(long)]
        kind: Option<String>,
        /// Sub-group id or name.
        #[arg(long, allow_hyphen_values = true)]
        subgroup: Option<String>,
        /// A tag (repeatable).
        #[arg(long = "tag", allow_hyphen_values = true)]
        tags: Vec<String>,
        /// Display name of the author (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        author: Option<String>,
    },
    /// Capture proposals read from standard input, one JSON object per line
    /// ({"title": …, "body": …, "kind": …, "subgroup": …, "tags": […], "author": …});
    /// prints each id as soon as it is saved.
    AddBatch {
        /// Session id.
        #[arg(long)]
        session: String,
    },
    /// Edit a proposal; text changes merge with concurrent edits from other devices.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true)
        .args(["title", "body", "kind", "subgroup", "no_subgroup", "tags", "clear_tags"])))]
    Edit {
        /// Proposal id.
        id: String,
        /// New title.
        #[arg(long, allow_hyphen_values = true)]
        title: Option<String>,
        /// New text.
        #[arg(long, allow_hyphen_values = true)]
        body: Option<String>,
        /// New kind: proposal, concrete_action, obstacle or question (French words work too).
        #[arg(long)]
        kind: Option<String>,
        /// New sub-group (id or name).
        #[arg(long, conflicts_with = "no_subgroup", allow_hyphen_values = true)]
        subgroup: Option<String>,
        /// Take the proposal out of its sub-group.
        #[arg(long)]
        no_subgroup: bool,
        /// Replace the tags by these.
        #[arg(long = "tag", conflicts_with = "clear_tags", allow_hyphen_values = true)]
        tags: Vec<String>,
        /// Remove every tag.
        #[arg(long)]
        clear_tags: bool,
    },
    /// Delete a proposal (it can be restored).
    Delete {
        /// Proposal id.
        id: String,
    },
    /// Restore a deleted proposal.
    Restore {
        /// Proposal id.
        id: String,
    },
    /// List proposals.
    List {
        /// Only those of this session (id).
        #[arg(long)]
        session: Option<String>,
        /// Only those of this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// Include deleted proposals.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SynthesisCmd {
    /// Merge proposals of a theme into a consolidated proposal; prints its id.
    Merge {
        /// Theme number.
        #[arg(long)]
        theme: u32,
        /// Title of the consolidated proposal.
        #[arg(long, allow_hyphen_values = true)]
        title: String,
        /// Text of the consolidated proposal.
        #[arg(long, allow_hyphen_values = true)]
        body: Option<String>,
        /// Display name of the author (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        author: Option<String>,
        /// Ids of the proposals to merge.
        #[arg(required = true)]
        proposals: Vec<String>,
    },
    /// Suggest groups of likely duplicates among a theme's proposals not merged yet.
    Suggest {
        /// Theme number.
        #[arg(long)]
        theme: u32,
    },
    /// "Pas des doublons": these proposals are not suggested together again.
    Dismiss {
        /// Theme number.
        #[arg(long)]
        theme: u32,
        /// Ids of the proposals (at least two).
        #[arg(required = true, num_args = 2..)]
        proposals: Vec<String>,
    },
    /// Set a proposal aside without merging it (off_topic, exact_duplicate, other), or --clear.
    SetAside {
        /// Proposal id.
        proposal: String,
        /// Why: off_topic, exact_duplicate or other.
        #[arg(long, required_unless_present = "clear")]
        reason: Option<String>,
        /// Bring the proposal back: no longer set aside.
        #[arg(long)]
        clear: bool,
    },
    /// The theme's lexicon (words its rapporteurs say mean the same), or add / remove a pair.
    Lexicon {
        /// Theme number.
        #[arg(long)]
        theme: u32,
        /// Add this pair of words that mean the same here.
        #[arg(long, num_args = 2, value_names = ["WORD", "WORD"], conflicts_with = "remove", allow_hyphen_values = true)]
        add: Option<Vec<String>>,
        /// Take this pair of words out.
        #[arg(long, num_args = 2, value_names = ["WORD", "WORD"], allow_hyphen_values = true)]
        remove: Option<Vec<String>>,
    },
    /// List the consolidated proposals of a theme.
    List {
        /// Theme number.
        #[arg(long)]
        theme: u32,
        /// Include deleted (unmerged) ones.
        #[arg(long)]
        all: bool,
    },
    /// Edit the wording, status (draft, retained, set_aside) or priority.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true)
        .args(["title", "body", "status", "priority", "no_priority"])))]
    Edit {
        /// Consolidated proposal id.
        id: String,
        /// New title.
        #[arg(long, allow_hyphen_values = true)]
        title: Option<String>,
        /// New text.
        #[arg(long, allow_hyphen_values = true)]
        body: Option<String>,
        /// New status: draft, retained or set_aside.
        #[arg(long)]
        status: Option<String>,
        /// Priority (1 = the highest).
        #[arg(long, conflicts_with = "no_priority")]
        priority: Option<u32>,
        /// Take the priority away.
        #[arg(long)]
        no_priority: bool,
    },
    /// Undo a merge: the consolidated proposal is deleted, its sources are free again.
    Delete {
        /// Consolidated proposal id.
        id: String,
    },
    /// Bring back a deleted consolidated proposal.
    Restore {
        /// Consolidated proposal id.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum HistoryCmd {
    /// A captured proposal's versions, oldest first.
    Proposal {
        /// Proposal id.
        id: String,
    },
    /// A consolidated proposal's versions, oldest first.
    Consolidated {
        /// Consolidated proposal id.
        id: String,
    },
    /// A panel comment's versions (its text, deleted or not), oldest first.
    Comment {
        /// Comment id.
        id: String,
    },
    /// Write a former version back as a new edit (it merges with others' edits).
    Restore {
        /// Id of the proposal, consolidated proposal or comment.
        id: String,
        /// The version's number, as `history proposal` (or consolidated, comment) lists them.
        #[arg(long, required_unless_present = "at", conflicts_with = "at")]
        version: Option<usize>,
        /// The version that stood at this moment (15:30 today, 2025-10-01 15:30, RFC 3339).
        #[arg(long)]
        at: Option<String>,
    },
    /// A session's sub-groups and proposals as they stood at a moment (read only).
    Session {
        /// Session id.
        id: String,
        /// 15:30 (the session's day), 2025-10-01 15:30 (the event's time zone), or RFC 3339;
        /// default: now.
        #[arg(long)]
        at: Option<String>,
    },
    /// A theme's consolidated proposals as they stood at a moment (read only).
    Theme {
        /// Theme number.
        number: u32,
        /// 15:30 (today), 2025-10-01 15:30 (the event's time zone), or RFC 3339; default: now.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PanelCmd {
    /// Mark a consolidated proposal to carry forward (or --clear the mark).
    Mark {
        /// Consolidated proposal id.
        id: String,
        /// Take the "to carry forward" mark away.
        #[arg(long)]
        clear: bool,
        /// Panel member who marks it (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        by: Option<String>,
    },
    /// Comment a consolidated proposal; prints the comment's id.
    Comment {
        /// Consolidated proposal id.
        id: String,
        /// Text of the comment.
        #[arg(allow_hyphen_values = true)]
        text: String,
        /// Display name of the author (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        author: Option<String>,
    },
    /// Delete a comment (or --restore it).
    Uncomment {
        /// Comment id.
        id: String,
        /// Bring the deleted comment back.
        #[arg(long)]
        restore: bool,
    },
    /// Give a dot to a consolidated proposal as a panel member (one more each time), or
    /// --clear them; within the dots each member has per theme.
    Vote {
        /// Consolidated proposal id.
        id: String,
        /// Take this member's dots back from the proposal.
        #[arg(long, conflicts_with = "dots")]
        clear: bool,
        /// Set this many dots instead of adding one.
        #[arg(long)]
        dots: Option<u32>,
        /// The panel member (default: this device's name).
        #[arg(long, allow_hyphen_values = true)]
        member: Option<String>,
    },
    /// The whole event for the closing plenary: every theme, its consolidated proposals in the
    /// rapporteur's order with status, votes, marks, comments and sources.
    Summary,
    /// Set how many dots each panel member may give per theme (organiser; default 3).
    Dots {
        /// Dots per member and per theme.
        dots: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCmd {
    /// Write every document of the event to a bundle file.
    Export {
        /// Bundle file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Merge a bundle file into this store (importing it twice changes nothing).
    Import {
        /// Bundle file.
        file: PathBuf,
        /// Add the bundle's event to this store even though the store holds another event
        /// (without it, a bundle of another event is refused and named).
        #[arg(long)]
        add_event: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Rebuild every table and the search index from the update logs.
    Rebuild,
    /// Merge each document's log into one snapshot.
    Compact,
    /// Check the database file and the search index.
    Check,
    /// Where the store is and how big its logs are.
    Info,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCmd {
    /// Show, or set, the name this device signs proposals with.
    /// (A name that begins with "-" goes after "--": recolte device name -- -Camille.)
    Name {
        /// New name of the device.
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Markdown and self-contained HTML report (prints to A4), and a PDF with --pdf.
    Report {
        /// Folder to write the report into.
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// Also write the report as PDF (rapport.pdf), typeset without a browser.
        #[arg(long)]
        pdf: bool,
    },
    /// Open data: CSV, JSON, a JSON Schema per JSON file, and a data card (README.md).
    Opendata {
        /// Folder to write the open data into.
        #[arg(long)]
        out: PathBuf,
        /// Include the display names of authors (personal data).
        #[arg(long)]
        include_names: bool,
        /// Licence stated in the data card (default: Licence Ouverte 2.0).
        #[arg(long, value_parser = clap::builder::NonEmptyStringValueParser::new())]
        licence: Option<String>,
    },
    /// Import file for Decidim's proposals (FILE.csv, `;`-separated, or FILE.json).
    Decidim {
        /// File to write (.csv or .json).
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// The Decidim organisation's default locale: the columns are title/LOCALE, body/LOCALE.
        #[arg(long, default_value = "fr")]
        locale: String,
        /// Export the captured proposals instead of the consolidated ones (before any merge).
        #[arg(long)]
        captured: bool,
    },
    /// Decidim's answers import file (`id;state;answer/LOCALE`), from Decidim's own export of
    /// the proposals imported before: retained → accepted, set aside → rejected, drafts unanswered.
    DecidimAnswers {
        /// Decidim's proposals export (CSV or JSON), downloaded after the import.
        #[arg(long)]
        decidim_export: PathBuf,
        /// File of answers to write.
        #[arg(long)]
        out: PathBuf,
        /// Only this theme (number).
        #[arg(long)]
        theme: Option<u32>,
        /// Language of Decidim's columns (fr, en, ca, pt-BR…).
        #[arg(long, default_value = "fr")]
        locale: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Restore an event (same ids, same lineage) from an open-data folder.
    Opendata {
        /// Open-data folder.
        dir: PathBuf,
    },
}
