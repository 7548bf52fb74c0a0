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

            /// When this id was made (RFC 3339, UTC), read from the id itself, so every device
            /// reads the same moment: Récolte's ids are UUID v7; another client's may carry
            /// no time (a v4), and then there is none.
            pub fn created_at(&self) -> Option<String> {
                let (seconds, nanos) = self.0.get_timestamp()?.to_unix();
                let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).ok()?).ok()?
                    + time::Duration::nanoseconds(i64::from(nanos));
                Some(crate::schema::timestamp(at))
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_made_here_says_when_it_was_made_and_one_without_a_time_says_nothing() {
        let made = uuid::Timestamp::from_unix(uuid::NoContext, 1_795_774_500, 123_000_000);
        let event = EventId(Uuid::new_v7(made));
        assert_eq!(event.created_at().as_deref(), Some("2026-11-27T10:15:00.123Z"));

        let before = crate::schema::now();
        let fresh = EventId::new().created_at().expect("a v7 id carries its time");
        let after = crate::schema::now();
        assert!(before <= fresh && fresh <= after, "{before} <= {fresh} <= {after}");

        // A UUID v4, as another client may make one: no time in it.
        let other: EventId = "0f8fad5b-d9cb-469f-a165-70867728950e".parse().expect("uuid");
        assert_eq!(other.created_at(), None);
    }
}
