//! The rapporteurs' synthesis, the panel, and history: undo, wordings, snapshots.

use clap::Subcommand;

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
        #[arg(long, conflicts_with = "reason")]
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
        #[arg(long, conflicts_with = "no_priority", allow_negative_numbers = true,
              value_parser = clap::value_parser!(u32).range(1..=999))]
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
        #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(0..=99))]
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
        #[arg(allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..=99))]
        dots: u32,
    },
}
