//! Sessions, sub-groups and proposals: what facilitators capture.

use clap::Subcommand;

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
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
    },
    /// Start the session now (its clock; else it follows the programme's time).
    Start {
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
    },
    /// Pause the session's clock.
    Pause {
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
    },
    /// Resume the session's clock.
    Resume {
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
    },
    /// Give the current phase more time.
    Extend {
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
        /// Minutes to add to the current phase (1 to 60).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
        minutes: u32,
        /// The phase meant, as `session clock` numbers it (phase_index): refused if the clock
        /// has moved on meanwhile.
        #[arg(long)]
        phase: Option<usize>,
    },
    /// End the current phase now: on to the next.
    Next {
        /// Session id (default: the one session this device's invitation covers).
        session: Option<String>,
        /// The phase meant, as `session clock` numbers it (phase_index): nothing is done if it
        /// has ended meanwhile (someone else went on to the next).
        #[arg(long)]
        phase: Option<usize>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SubgroupCmd {
    /// Create a sub-group; prints its id.
    Add {
        /// Session id (default: the one session this device's invitation covers).
        #[arg(long)]
        session: Option<String>,
        /// Name of the sub-group.
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
    /// List the sub-groups of a session.
    List {
        /// Session id (default: the one session this device's invitation covers).
        #[arg(long)]
        session: Option<String>,
        /// Include deleted sub-groups.
        #[arg(long)]
        all: bool,
    },
    /// Rename a sub-group (given by id or name).
    Rename {
        /// Session id (default: the one session this device's invitation covers).
        #[arg(long)]
        session: Option<String>,
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
        /// Session id (default: the one session this device's invitation covers).
        #[arg(long)]
        session: Option<String>,
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
        /// Session id (default: the one session this device's invitation covers).
        #[arg(long)]
        session: Option<String>,
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
        /// Only those not treated yet: neither merged nor set aside (the rapporteur's queue).
        #[arg(long, conflicts_with = "all")]
        untreated: bool,
    },
}
