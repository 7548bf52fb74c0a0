//! The domain records as the rest of the program sees them: plain values read out of the
//! documents, serialisable to JSON for the CLI, the app and the exports.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use crate::lang::Lang;
use crate::Error;

/// What a sub-group put forward. Stored in documents by its `as_str` name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Proposal,
    ConcreteAction,
    Obstacle,
    Question,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Proposal, Kind::ConcreteAction, Kind::Obstacle, Kind::Question];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::ConcreteAction => "concrete_action",
            Kind::Obstacle => "obstacle",
            Kind::Question => "question",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Proposal => lang.pick("proposition", "proposal"),
            Kind::ConcreteAction => lang.pick("action concrète", "concrete action"),
            Kind::Obstacle => lang.pick("frein", "obstacle"),
            Kind::Question => lang.pick("question", "question"),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    /// Accepts the stored names and the French words facilitators type.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "proposal" | "proposition" => Ok(Kind::Proposal),
            "concrete_action" | "action" | "action_concrète" | "action_concrete" => Ok(Kind::ConcreteAction),
            "obstacle" | "frein" => Ok(Kind::Obstacle),
            "question" => Ok(Kind::Question),
            _ => Err(Error::UnknownKind(s.to_owned())),
        }
    }
}

/// Where a rapporteur puts a consolidated proposal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Draft,
    Retained,
    SetAside,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Retained => "retained",
            Status::SetAside => "set_aside",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Draft => lang.pick("brouillon", "draft"),
            Status::Retained => lang.pick("retenue", "retained"),
            Status::SetAside => lang.pick("écartée", "set aside"),
        }
    }
}

impl FromStr for Status {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "draft" | "brouillon" => Ok(Status::Draft),
            "retained" | "retenue" => Ok(Status::Retained),
            "set_aside" | "écartée" | "ecartee" => Ok(Status::SetAside),
            _ => Err(Error::UnknownStatus(s.to_owned())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Speaker {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Days (1-based) on which the speaker takes part; empty means every day.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Theme {
    pub number: u32,
    pub title: String,
    pub description: String,
    pub speakers: Vec<Speaker>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Slot {
    pub id: String,
    pub day: u8,
    /// ISO date, `2025-10-01`.
    pub date: String,
    /// Local time `HH:MM`.
    pub start: String,
    pub duration_minutes: u32,
    pub label: String,
}

/// One phase of a session's run-sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Phase {
    pub key: String,
    pub label: String,
    pub minutes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionInfo {
    pub id: SessionId,
    pub theme: u32,
    pub theme_title: String,
    pub slot: String,
    pub day: u8,
    pub date: String,
    pub start: String,
    pub duration_minutes: u32,
    pub place: String,
    pub room: Option<String>,
    /// When the session's slot ends (RFC 3339, UTC), on the event's clock; `None` when the
    /// programme's date or time does not read.
    #[serde(default)]
    pub ends_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Subgroup {
    pub id: SubgroupId,
    pub session_id: SessionId,
    pub name: String,
    pub created_at: String,
    pub deleted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Proposal {
    pub id: ProposalId,
    pub session_id: SessionId,
    pub theme: u32,
    pub subgroup: Option<SubgroupId>,
    pub subgroup_name: Option<String>,
    pub title: String,
    pub body: String,
    pub kind: Kind,
    pub tags: Vec<String>,
    pub author: String,
    pub created_at: String,
    pub deleted: bool,
    /// Consolidated proposals of the theme's synthesis that cite this one.
    pub merged_into: Vec<ConsolidatedId>,
}

/// A source of a consolidated proposal: which proposal, captured in which session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Source {
    pub proposal_id: ProposalId,
    pub session_id: SessionId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Consolidated {
    pub id: ConsolidatedId,
    pub event_id: EventId,
    pub theme: u32,
    pub title: String,
    pub body: String,
    pub status: Status,
    pub priority: Option<u32>,
    pub sources: Vec<Source>,
    pub author: String,
    pub created_at: String,
    pub deleted: bool,
}

/// Search hit, from either the captured proposals or the consolidated ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SearchHit {
    /// `proposal` or `consolidated`.
    pub record: String,
    pub id: String,
    pub theme: u32,
    pub session_id: Option<SessionId>,
    pub title: String,
    /// Extract of the matching text, with the matches between `[` and `]`.
    pub snippet: String,
}
