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
impl SubgroupId {
    /// The id a device gives a sub-group it creates: the same on every device for one name in
    /// one session (a UUID v5 of the session and the name, case aside), so that two
    /// facilitators who each add « Groupe C » while apart end with one sub-group, not two,
    /// once their devices meet. See `docs/schema.md`.
    pub fn named(session: SessionId, name: &str) -> Self {
        let key = format!("{session}/{}", crate::text::name_key(name));
        Self(Uuid::new_v5(&SUBGROUP_NAMESPACE, key.as_bytes()))
    }
}

/// The namespace of [`SubgroupId::named`]; published in `docs/schema.md`, never to change.
pub const SUBGROUP_NAMESPACE: Uuid = uuid::uuid!("6f2b8c1e-5a4d-4e0b-9c3a-7d1e2f40a8b5");

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

    #[test]
    fn a_sub_group_of_one_name_has_one_id_on_every_device() {
        let session: SessionId = "0192f3a0-0000-7000-8000-000000000001".parse().expect("uuid");
        let other: SessionId = "0192f3a0-0000-7000-8000-000000000002".parse().expect("uuid");
        let named = SubgroupId::named(session, "Groupe C");
        assert_eq!(named, SubgroupId::named(session, " groupe  c "));
        // « Équipe » typed composed, or « E » and a combining accent as a Mac pastes it.
        assert_eq!(SubgroupId::named(session, "\u{c9}quipe"), SubgroupId::named(session, "E\u{301}QUIPE"));
        assert_ne!(named, SubgroupId::named(session, "Groupe D"));
        assert_ne!(named, SubgroupId::named(other, "Groupe C"));
        // Published in docs/schema.md for other clients: it must never change.
        assert_eq!(named.to_string(), "0153471c-1cd9-5bed-bb69-3b9e20437064");
    }
}
