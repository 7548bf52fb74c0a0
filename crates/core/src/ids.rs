//! Typed identifiers. Every record is keyed by a UUID v7 so that keys created on two devices
//! never collide and sort by creation time.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// What this id names, for error messages.
            pub const WHAT: &'static str = $what;
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim())
                    .map(Self)
                    .map_err(|_| crate::Error::MalformedId { what: $what, value: s.to_owned() })
            }
        }
    };
}

id_type!(
    /// An event (one programme, one set of access keys).
    EventId, "event"
);
id_type!(
    /// One session: a theme in a slot.
    SessionId, "session"
);
id_type!(
    /// A sub-group of a session.
    SubgroupId, "sub-group"
);
id_type!(
    /// A proposal captured in a session.
    ProposalId, "proposal"
);
id_type!(
    /// A consolidated proposal in a theme's synthesis.
    ConsolidatedId, "consolidated proposal"
);
id_type!(
    /// A panel comment.
    CommentId, "comment"
);
