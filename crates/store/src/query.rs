//! Reading the projections: listings and the event view; full-text search (`search`) and what
//! the closing plenary reads (`panel`) beside them. Reads never
//! touch the documents, so they are fast and never wait for a writer (WAL).

use recolte_core::ids::{ConsolidatedId, EventId, SessionId};
use recolte_core::model::{Consolidated, Phase, Proposal, SessionInfo, Slot, Source, Speaker, Subgroup, Theme};
use recolte_core::programme::{Day, Place};
use rusqlite::{params, Row};
use serde::Serialize;

use crate::error::{Error, ResultExt};
use crate::Store;

mod panel;
mod search;

pub use panel::{
    AlikeAcrossThemes, EventSummary, MemberVotes, PanelSummary, Review, ReviewComment, SummaryItem, SummarySource,
    ThemeSummary,
};
pub use search::has_search_words;

/// The event as `recolte event show` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct EventView {
    pub id: EventId,
    pub name: String,
    /// The key that signs this event's access tokens (PASERK `k4.public`).
    pub public_key: Option<String>,
    pub organiser: Option<String>,
    pub timezone: String,
    pub places: Vec<Place>,
    pub days: Vec<Day>,
    pub run_sheet: Vec<Phase>,
    pub slots: Vec<Slot>,
    pub themes: Vec<Theme>,
    pub sessions: Vec<SessionInfo>,
}

#[derive(Clone, Debug, Default)]
pub struct ProposalFilter {
    pub session: Option<SessionId>,
    pub theme: Option<u32>,
    /// Include deleted proposals.
    pub all: bool,
}

pub(super) fn collect<T>(
    store: &Store,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    what: (&'static str, &'static str),
) -> Result<Vec<T>, Error> {
    store
        .conn
        .prepare_cached(sql)
        .and_then(|mut stmt| stmt.query_map(params, map)?.collect::<Result<Vec<_>, _>>())
        .ctx(what.0, what.1)
}

pub(super) fn parse<T: std::str::FromStr>(text: String) -> rusqlite::Result<T> {
    text.parse().map_err(|_| rusqlite::Error::InvalidColumnType(0, text, rusqlite::types::Type::Text))
}

impl Store {
    pub fn event(&self, event: EventId) -> Result<EventView, Error> {
        let e = event.to_string();
        let (name, organiser, timezone, programme, public_key): (
            String,
            Option<String>,
            String,
            String,
            Option<String>,
        ) = self
            .conn
            .query_row("SELECT name, organiser, timezone, programme, public_key FROM events WHERE id = ?1", [&e], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .map_err(|err| match err {
                rusqlite::Error::QueryReturnedNoRows => Error::UnknownEvent(e.clone()),
                source => {
                    Error::Sqlite { context: "reading the event", context_fr: "lecture de l'événement", source }
                }
            })?;
        #[derive(serde::Deserialize, Default)]
        struct Extra {
            #[serde(default)]
            places: Vec<Place>,
            #[serde(default)]
            days: Vec<Day>,
            #[serde(default)]
            run_sheet: Vec<Phase>,
        }
        let extra: Extra = serde_json::from_str(&programme).unwrap_or_default();
        let themes = collect(
            self,
            "SELECT number, title, description, speakers FROM themes WHERE event_id = ?1 ORDER BY number",
            [&e],
            |r| {
                let speakers: String = r.get(3)?;
                Ok(Theme {
                    number: r.get(0)?,
                    title: r.get(1)?,
                    description: r.get(2)?,
                    speakers: serde_json::from_str::<Vec<Speaker>>(&speakers).unwrap_or_default(),
                })
            },
            ("lecture des thèmes", "reading themes"),
        )?;
        let slots = collect(
            self,
            "SELECT id, day, date, start, duration_minutes, label FROM slots WHERE event_id = ?1 ORDER BY day, start, id",
            [&e],
            |r| Ok(Slot { id: r.get(0)?, day: r.get(1)?, date: r.get(2)?, start: r.get(3)?, duration_minutes: r.get(4)?, label: r.get(5)? }),
            ("lecture des créneaux", "reading slots"),
        )?;
        Ok(EventView {
            id: event,
            name,
            public_key,
            organiser,
            timezone,
            places: extra.places,
            days: extra.days,
            run_sheet: extra.run_sheet,
            slots,
            themes,
            sessions: self.sessions(event, None)?,
        })
    }

    /// Sessions of an event in programme order (day, time, theme), optionally of one theme.
    pub fn sessions(&self, event: EventId, theme: Option<u32>) -> Result<Vec<SessionInfo>, Error> {
        // A theme the programme does not have is named as such, not listed as empty.
        if let Some(theme) = theme {
            self.check_theme(event, theme)?;
        }
        collect(
            self,
            "SELECT s.id, s.theme, COALESCE(t.title, ''), s.slot, COALESCE(sl.day, 0), COALESCE(sl.date, ''),
                    COALESCE(sl.start, ''), COALESCE(sl.duration_minutes, 0), s.place, s.room, e.programme,
                    e.timezone
             FROM sessions s
             JOIN events e ON e.id = s.event_id
             LEFT JOIN themes t ON t.event_id = s.event_id AND t.number = s.theme
             LEFT JOIN slots sl ON sl.event_id = s.event_id AND sl.id = s.slot
             WHERE s.event_id = ?1 AND (?2 IS NULL OR s.theme = ?2)
             ORDER BY sl.day, sl.start, s.theme, s.id",
            params![event.to_string(), theme],
            |r| {
                let place_id: String = r.get(8)?;
                let programme: String = r.get(10)?;
                let (date, start, duration_minutes, timezone): (String, String, u32, String) =
                    (r.get(5)?, r.get(6)?, r.get(7)?, r.get(11)?);
                let ends_at = recolte_core::moment::slot_end(&date, &start, duration_minutes, &timezone)
                    .map(|end| end.to_string());
                Ok(SessionInfo {
                    id: parse(r.get(0)?)?,
                    theme: r.get(1)?,
                    theme_title: r.get(2)?,
                    slot: r.get(3)?,
                    day: r.get(4)?,
                    date,
                    start,
                    duration_minutes,
                    place: place_name(&programme, &place_id),
                    room: r.get(9)?,
                    ends_at,
                })
            },
            ("lecture des sessions", "reading sessions"),
        )
    }

    pub fn subgroups(&self, session: SessionId, all: bool) -> Result<Vec<Subgroup>, Error> {
        self.session_event(session)?;
        collect(
            self,
            "SELECT id, session_id, name, created_at, deleted FROM subgroups
             WHERE session_id = ?1 AND (?2 OR deleted = 0) ORDER BY created_at, id",
            params![session.to_string(), all],
            |r| {
                Ok(Subgroup {
                    id: parse(r.get(0)?)?,
                    session_id: parse(r.get(1)?)?,
                    name: r.get(2)?,
                    created_at: r.get(3)?,
                    deleted: r.get(4)?,
                })
            },
            ("lecture des sous-groupes", "reading sub-groups"),
        )
    }

    /// Proposals in programme order, then in the order they were captured.
    pub fn proposals(&self, event: EventId, filter: &ProposalFilter) -> Result<Vec<Proposal>, Error> {
        // A theme or a session this event does not have is named as such, not listed as empty.
        if let Some(theme) = filter.theme {
            self.check_theme(event, theme)?;
        }
        if let Some(session) = filter.session {
            if self.session_event(session)? != event {
                return Err(Error::UnknownSession(session.to_string()));
            }
        }
        collect(
            self,
            "SELECT p.id, p.session_id, COALESCE(s.theme, 0), p.subgroup_id, g.name, p.title, p.body, p.kind, p.tags,
                    p.author, p.created_at, p.deleted,
                    (SELECT group_concat(cs.consolidated_id, ',') FROM consolidated_sources cs
                       JOIN consolidated c ON c.id = cs.consolidated_id AND c.deleted = 0
                        AND c.event_id = p.event_id AND c.theme = s.theme
                      WHERE cs.proposal_id = p.id)
             FROM proposals p
             LEFT JOIN sessions s ON s.id = p.session_id
             LEFT JOIN slots sl ON sl.event_id = s.event_id AND sl.id = s.slot
             LEFT JOIN subgroups g ON g.id = p.subgroup_id
             WHERE p.event_id = ?1 AND (?2 IS NULL OR p.session_id = ?2) AND (?3 IS NULL OR s.theme = ?3)
               AND (?4 OR p.deleted = 0)
             ORDER BY s.theme, sl.day, sl.start, p.session_id, p.created_at, p.id",
            params![event.to_string(), filter.session.map(|s| s.to_string()), filter.theme, filter.all],
            |r| {
                let tags: String = r.get(8)?;
                let merged: Option<String> = r.get(12)?;
                let mut merged_into: Vec<ConsolidatedId> =
                    merged.unwrap_or_default().split(',').filter_map(|id| id.parse().ok()).collect();
                merged_into.sort();
                Ok(Proposal {
                    id: parse(r.get(0)?)?,
                    session_id: parse(r.get(1)?)?,
                    theme: r.get(2)?,
                    subgroup: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                    subgroup_name: r.get(4)?,
                    title: r.get(5)?,
                    body: r.get(6)?,
                    kind: r.get::<_, String>(7)?.parse().unwrap_or_default(),
                    tags: serde_json::from_str(&tags).unwrap_or_default(),
                    author: r.get(9)?,
                    created_at: r.get(10)?,
                    deleted: r.get(11)?,
                    merged_into,
                })
            },
            ("lecture des propositions", "reading proposals"),
        )
    }

    /// Consolidated proposals of a theme, by priority then creation.
    pub fn consolidated(&self, event: EventId, theme: u32, all: bool) -> Result<Vec<Consolidated>, Error> {
        self.check_theme(event, theme)?;
        let mut records = collect(
            self,
            "SELECT id, theme, title, body, status, priority, author, created_at, deleted FROM consolidated
             WHERE event_id = ?1 AND theme = ?2 AND (?3 OR deleted = 0)
             ORDER BY priority IS NULL, priority, created_at, id",
            params![event.to_string(), theme, all],
            |r| {
                Ok(Consolidated {
                    id: parse(r.get(0)?)?,
                    event_id: event,
                    theme: r.get(1)?,
                    title: r.get(2)?,
                    body: r.get(3)?,
                    status: r.get::<_, String>(4)?.parse().unwrap_or_default(),
                    priority: r.get(5)?,
                    sources: Vec::new(),
                    author: r.get(6)?,
                    created_at: r.get(7)?,
                    deleted: r.get(8)?,
                })
            },
            ("lecture de la synthèse", "reading the synthesis"),
        )?;
        for record in &mut records {
            record.sources = collect(
                self,
                // A source is one of the theme's proposals: a record made elsewhere that cites
                // another theme's (its own session, or the one it claims when the proposal has
                // not reached this device) would show it merged in a theme it is not part of.
                // One deleted after the merge is left out, as the report and the exports leave
                // it out (the panel read it as « not on this device »).
                "SELECT cs.proposal_id, cs.session_id FROM consolidated_sources cs
                   JOIN consolidated c ON c.id = cs.consolidated_id
                   LEFT JOIN proposals p ON p.id = cs.proposal_id
                   JOIN sessions s ON s.id = COALESCE(p.session_id, cs.session_id)
                  WHERE cs.consolidated_id = ?1 AND s.event_id = c.event_id AND s.theme = c.theme
                    AND COALESCE(p.deleted, 0) = 0
                  ORDER BY cs.proposal_id",
                [record.id.to_string()],
                |r| Ok(Source { proposal_id: parse(r.get(0)?)?, session_id: parse(r.get(1)?)? }),
                ("lecture des sources", "reading sources"),
            )?;
        }
        Ok(records)
    }
}

fn place_name(programme: &str, place_id: &str) -> String {
    serde_json::from_str::<serde_json::Value>(programme)
        .ok()
        .and_then(|p| {
            p["places"]
                .as_array()?
                .iter()
                .find(|place| place["id"] == place_id)
                .and_then(|place| place["name"].as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| place_id.to_owned())
}
