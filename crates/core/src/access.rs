//! Who may read and write which document. Pure rules, shared by the hub (which enforces them)
//! and by clients (which use them to know what to sync).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::{EventId, SessionId};
use crate::lang::Lang;
use crate::schema::{DocName, EventRecord};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Organiser,
    Facilitator,
    Rapporteur,
    Panel,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Facilitator => "facilitator",
            Role::Rapporteur => "rapporteur",
            Role::Panel => "panel",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Organiser => lang.pick("organisation", "organiser"),
            Role::Facilitator => lang.pick("animation", "facilitator"),
            Role::Rapporteur => lang.pick("rapporteur", "rapporteur"),
            Role::Panel => lang.pick("panel de clôture", "closing panel"),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_lowercase().as_str() {
            "organiser" | "organizer" | "organisation" => Ok(Role::Organiser),
            "facilitator" | "animation" | "animateur" | "animatrice" => Ok(Role::Facilitator),
            "rapporteur" | "rapporteuse" => Ok(Role::Rapporteur),
            "panel" => Ok(Role::Panel),
            other => Err(format!("unknown role {other:?}: use organiser, facilitator, rapporteur or panel")),
        }
    }
}

/// What a token grants within one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub event: EventId,
    pub role: Role,
    /// For facilitators: the sessions they run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<SessionId>,
    /// For rapporteurs: the themes they consolidate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    None,
    Read,
    Write,
}

impl Scope {
    /// The access this scope gives to a document. `event` is the programme, needed to know the
    /// theme of a session; without it, a rapporteur cannot be granted any session yet.
    pub fn access(&self, doc: &DocName, event: Option<&EventRecord>) -> Access {
        if doc.event() != self.event {
            return Access::None;
        }
        let theme_of =
            |session: &SessionId| event.and_then(|e| e.sessions.iter().find(|s| s.id == *session)).map(|s| s.theme);
        match (self.role, doc) {
            (Role::Organiser, _) => Access::Write,
            (_, DocName::Event(_)) => Access::Read,
            (Role::Facilitator, DocName::Session(_, session)) if self.sessions.contains(session) => Access::Write,
            (Role::Rapporteur, DocName::Session(_, session)) => match theme_of(session) {
                Some(theme) if self.themes.contains(&theme) => Access::Read,
                _ => Access::None,
            },
            (Role::Rapporteur, DocName::Synthesis(_, theme)) if self.themes.contains(theme) => Access::Write,
            // The panel reads everything (provenance, the whole event) and writes its own document.
            (Role::Panel, DocName::Session(..) | DocName::Synthesis(..)) => Access::Read,
            (Role::Panel, DocName::Panel(_)) => Access::Write,
            _ => Access::None,
        }
    }

    /// Every document of the event this scope may at least read.
    pub fn readable(&self, event: &EventRecord) -> Vec<DocName> {
        let id = self.event;
        let mut docs = vec![DocName::Event(id)];
        docs.extend(event.sessions.iter().map(|s| DocName::Session(id, s.id)));
        docs.extend(event.themes.iter().map(|t| DocName::Synthesis(id, t.number)));
        docs.push(DocName::Panel(id));
        docs.retain(|doc| self.access(doc, Some(event)) >= Access::Read);
        docs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SessionRecord;

    fn event() -> EventRecord {
        EventRecord {
            id: EventId::new(),
            name: "Test".into(),
            public_key: None,
            organiser: None,
            timezone: "Europe/Paris".into(),
            places: vec![],
            days: vec![],
            run_sheet: vec![],
            slots: vec![],
            themes: vec![],
            sessions: vec![
                SessionRecord { id: SessionId::new(), theme: 1, slot: "a".into(), place: "p".into(), room: None },
                SessionRecord { id: SessionId::new(), theme: 2, slot: "a".into(), place: "p".into(), room: None },
            ],
        }
    }

    #[test]
    fn each_role_reaches_what_it_needs_and_nothing_else() {
        let e = event();
        let (s1, s2) = (e.sessions[0].id, e.sessions[1].id);
        let scope = |role, sessions: Vec<SessionId>, themes: Vec<u32>| Scope { event: e.id, role, sessions, themes };
        let facilitator = scope(Role::Facilitator, vec![s1], vec![]);
        let rapporteur = scope(Role::Rapporteur, vec![], vec![2]);
        let panel = scope(Role::Panel, vec![], vec![]);
        let organiser = scope(Role::Organiser, vec![], vec![]);
        let cases = [
            (&facilitator, DocName::Event(e.id), Access::Read),
            (&facilitator, DocName::Session(e.id, s1), Access::Write),
            (&facilitator, DocName::Session(e.id, s2), Access::None),
            (&facilitator, DocName::Synthesis(e.id, 1), Access::None),
            (&facilitator, DocName::Panel(e.id), Access::None),
            (&rapporteur, DocName::Session(e.id, s2), Access::Read),
            (&rapporteur, DocName::Session(e.id, s1), Access::None),
            (&rapporteur, DocName::Synthesis(e.id, 2), Access::Write),
            (&rapporteur, DocName::Synthesis(e.id, 1), Access::None),
            (&panel, DocName::Synthesis(e.id, 1), Access::Read),
            (&panel, DocName::Panel(e.id), Access::Write),
            (&panel, DocName::Session(e.id, s1), Access::Read),
            (&organiser, DocName::Session(e.id, s2), Access::Write),
            (&organiser, DocName::Panel(EventId::new()), Access::None),
        ];
        for (scope, doc, expected) in cases {
            assert_eq!(scope.access(&doc, Some(&e)), expected, "{:?} on {doc}", scope.role);
        }
        assert_eq!(rapporteur.access(&DocName::Session(e.id, s2), None), Access::None, "no programme, no session");
        assert_eq!(facilitator.readable(&e), vec![DocName::Event(e.id), DocName::Session(e.id, s1)]);
    }
}
