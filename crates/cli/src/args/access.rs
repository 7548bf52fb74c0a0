//! Invitations and access tokens (the organiser's device).

use clap::Subcommand;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum InviteCmd {
    /// Create an invitation; prints its link.
    Create {
        #[command(flatten)]
        scope: ScopeArgs,
        /// Hub address the device joins, ws://… or wss://… (repeatable, tried in order).
        #[arg(long = "hub")]
        hubs: Vec<String>,
        /// Validity: 90m, 12h, 3d, 2w, or event (until the end of the day after the event, 3 days at least).
        #[arg(long, default_value = "event")]
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
        /// Validity: 90m, 12h, 3d, 2w, or event (until the end of the day after the event, 3 days at least).
        #[arg(long, default_value = "event")]
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
        /// Validity: 90m, 12h, 3d, 2w, or event (until the end of the day after the event, 3 days at least).
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
