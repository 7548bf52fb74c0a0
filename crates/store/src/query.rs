//! Reading the projections: listings, the event view and full-text search. Reads never
//! touch the documents, so they are fast and never wait for a writer (WAL).

use recolte_core::ids::{ConsolidatedId, EventId, SessionId};
use recolte_core::model::{
    Consolidated, Phase, Proposal, SearchHit, SessionInfo, Slot, Source, Speaker, Subgroup, Theme,
};
use recolte_core::programme::{Day, Place};
use rusqlite::{params, Row};
use serde::Serialize;

use crate::error::{Error, ResultExt};
use crate::Store;

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

fn collect<T>(
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

fn parse<T: std::str::FromStr>(text: String) -> rusqlite::Result<T> {
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
                    COALESCE(sl.start, ''), COALESCE(sl.duration_minutes, 0), s.place, s.room, e.programme
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
                Ok(SessionInfo {
                    id: parse(r.get(0)?)?,
                    theme: r.get(1)?,
                    theme_title: r.get(2)?,
                    slot: r.get(3)?,
                    day: r.get(4)?,
                    date: r.get(5)?,
                    start: r.get(6)?,
                    duration_minutes: r.get(7)?,
                    place: place_name(&programme, &place_id),
                    room: r.get(9)?,
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
                "SELECT proposal_id, session_id FROM consolidated_sources WHERE consolidated_id = ?1 ORDER BY proposal_id",
                [record.id.to_string()],
                |r| Ok(Source { proposal_id: parse(r.get(0)?)?, session_id: parse(r.get(1)?)? }),
                ("lecture des sources", "reading sources"),
            )?;
        }
        Ok(records)
    }

    /// Full-text search over titles and bodies of proposals and consolidated proposals,
    /// ignoring case and accents; the last word matches as a prefix (search as you type).
    /// SQLite ranks; extracts are made here, for the hits kept only (FTS5's `snippet()` ran on
    /// every match before the ranking cut them, half the time of a search at 100,000
    /// proposals).
    pub fn search(&self, event: EventId, query: &str, limit: usize) -> Result<Vec<SearchHit>, Error> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // A search finds every saved word: the index first catches up with the edits typed
        // since it last did. If it cannot (a read-only or full disk, or another writer holding
        // the lock longer than a search may wait), the search answers from the index as it
        // stands: the words of those edits are not found yet, and a proposal edited since may
        // still be found by a word it lost (its extract then marks nothing).
        if let Err(error) = crate::search_index::catch_up_for_search(&self.conn) {
            tracing::warn!("searching without the latest edits: {error}");
        }
        let words = search_words(query);
        collect(
            self,
            "SELECT * FROM (
               SELECT 'proposal', p.id, COALESCE(s.theme, 0), p.session_id, p.title, p.body,
                      bm25(proposals_fts) AS score
               FROM proposals_fts JOIN proposals p ON p.rowid = proposals_fts.rowid
               LEFT JOIN sessions s ON s.id = p.session_id
               WHERE proposals_fts MATCH ?1 AND p.deleted = 0
               UNION ALL
               SELECT 'consolidated', c.id, c.theme, NULL, c.title, c.body, bm25(consolidated_fts) AS score
               FROM consolidated_fts JOIN consolidated c ON c.rowid = consolidated_fts.rowid
               WHERE consolidated_fts MATCH ?1 AND c.deleted = 0
             ) ORDER BY score, 2 LIMIT ?2",
            params![format!("event_key : {} AND {{title body}} : ({fts})", event.0.simple()), limit as i64],
            |r| {
                let (title, body): (String, String) = (r.get(4)?, r.get(5)?);
                Ok(SearchHit {
                    record: r.get(0)?,
                    id: r.get(1)?,
                    theme: r.get(2)?,
                    session_id: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                    snippet: snippet(&title, &body, &words),
                    title,
                })
            },
            ("recherche", "searching"),
        )
    }
}

/// Words a search looks for, folded as the index folds them (case and accents).
fn search_words(input: &str) -> Vec<String> {
    input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(recolte_core::dedupe::fold).collect()
}

/// Tokens of an extract, at most.
const SNIPPET_TOKENS: usize = 12;

/// The title's extract when a word is found there, else the body's: up to 12 words around the
/// first one found, found words in brackets, `…` where the text was cut.
fn snippet(title: &str, body: &str, words: &[String]) -> String {
    match extract(title, words) {
        (marked, true) => marked,
        (marked, false) => match extract(body, words) {
            (in_body, true) => in_body,
            _ => marked,
        },
    }
}

/// One text's extract, and whether a word was found in it. Words are runs of letters and
/// digits, as the index's tokenizer cuts them; the last searched word matches as a prefix.
fn extract(text: &str, words: &[String]) -> (String, bool) {
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, text.len()));
    }
    let found = |token: &str| {
        let token = recolte_core::dedupe::fold(token);
        words
            .iter()
            .enumerate()
            .any(|(i, w)| if i + 1 == words.len() { token.starts_with(w.as_str()) } else { token == *w })
    };
    let hits: Vec<bool> = tokens.iter().map(|&(s, e)| found(&text[s..e])).collect();
    let first = hits.iter().position(|&h| h);
    // A little context before the first word found, and the window kept full near the end.
    let end = (first.map_or(0, |f| f.saturating_sub(3)) + SNIPPET_TOKENS).min(tokens.len());
    let begin = end.saturating_sub(SNIPPET_TOKENS);
    let mut out = String::new();
    let mut at = if begin == 0 { 0 } else { tokens[begin].0 };
    if begin > 0 {
        out.push('…');
    }
    for (&(s, e), &hit) in tokens[begin..end].iter().zip(&hits[begin..end]) {
        out.push_str(&text[at..s]);
        if hit {
            out.push('[');
            out.push_str(&text[s..e]);
            out.push(']');
        } else {
            out.push_str(&text[s..e]);
        }
        at = e;
    }
    if end < tokens.len() {
        out.push('…');
    } else {
        out.push_str(&text[at..]);
    }
    (out, first.is_some())
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

/// Whether a search text holds a word to look for (letters or digits): "", "-" or "« »" do not,
/// and a search for them finds nothing.
pub fn has_search_words(input: &str) -> bool {
    fts_query(input).is_some()
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word
/// quoted, all required, the last one a prefix.
fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let (last, rest) = words.split_last()?;
    let mut query: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    query.push(format!("\"{last}\"*"));
    Some(query.join(" "))
}

#[cfg(test)]
mod tests {
    use super::{fts_query, search_words, snippet};

    #[test]
    fn extracts_mark_the_words_found_ignoring_case_and_accents() {
        let words = search_words("ELUS form");
        assert_eq!(snippet("Former les élus", "", &words), "[Former] les [élus]");
        assert_eq!(
            snippet(
                "Un titre",
                "Il faut que les décideurs et les élus aient un vrai temps de formation à l'innovation, chaque année",
                &words
            ),
            "…décideurs et les [élus] aient un vrai temps de [formation] à l…"
        );
        // Nothing found (the index matched otherwise): the title, whole or cut.
        assert_eq!(snippet("Un titre", "Rien ici", &search_words("absent")), "Un titre");
        assert_eq!(snippet("", "", &words), "");
        // Only the last word is a prefix.
        assert_eq!(snippet("Les élusives", "", &search_words("élus x")), "Les élusives");
    }

    proptest::proptest! {
        /// Whatever the text and the query: no panic, and the extract is the text's own
        /// characters with brackets and ellipses added.
        #[test]
        fn extracts_are_made_of_the_text(title in ".{0,80}", body in ".{0,300}", query in ".{0,30}") {
            let extract = snippet(&title, &body, &search_words(&query));
            let bare: String = extract.chars().filter(|c| !matches!(c, '[' | ']' | '…')).collect();
            let from = |text: &str| text.chars().filter(|c| !matches!(c, '[' | ']' | '…')).collect::<String>();
            proptest::prop_assert!(from(&title).contains(&bare) || from(&body).contains(&bare), "{:?}", extract);
        }
    }

    #[test]
    fn typed_text_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("élus format").as_deref(), Some("\"élus\" \"format\"*"));
        assert_eq!(fts_query("\"OR\" NEAR( -x :*").as_deref(), Some("\"OR\" \"NEAR\" \"x\"*"));
        assert_eq!(fts_query("  ,;  "), None);
    }
}

/// An event in the list a device shows at start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct EventSummary {
    pub id: EventId,
    pub name: String,
    /// The sample event, for practice: it never merges with a real event.
    pub practice: bool,
    /// When the event was made, read from its id (the same on every device); tells apart two
    /// events of the same name, as two organisers who each import the programme make.
    pub created_at: Option<String>,
}

/// What the panel said about a consolidated proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Review {
    pub consolidated_id: ConsolidatedId,
    pub carry_forward: bool,
    pub marked_by: Option<String>,
    pub comments: Vec<ReviewComment>,
    /// Each member's dots, merged from every device.
    pub votes: Vec<MemberVotes>,
    pub total: u32,
    /// The dots this device's member gave.
    pub mine: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MemberVotes {
    pub member: String,
    pub dots: u32,
}

/// The whole event for the closing plenary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PanelSummary {
    pub dots_per_theme: u32,
    /// Who votes from this device.
    pub member: String,
    pub themes: Vec<ThemeSummary>,
    /// Consolidated proposals of different themes that say the same thing.
    pub alike: Vec<AlikeAcrossThemes>,
}

/// Consolidated proposals of two or more themes that likely say the same thing (the duplicate
/// suggestions' engine, over the whole event's consolidated proposals): the panel may carry
/// them forward together, or tell the plenary that several themes arrived at one idea.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AlikeAcrossThemes {
    pub consolidated: Vec<ConsolidatedId>,
    /// Why, in French: the words that met.
    pub reason: String,
    pub reason_en: String,
}

/// The groups of alike consolidated proposals that span more than one theme.
fn alike_across_themes(themes: &[ThemeSummary]) -> Vec<AlikeAcrossThemes> {
    use recolte_core::dedupe::{suggest, Candidate};
    // The engine names proposals by a proposal id: one made up for each consolidated proposal.
    let mut named = std::collections::HashMap::new();
    let mut candidates = Vec::new();
    for theme in themes {
        for item in &theme.consolidated {
            let id = recolte_core::ids::ProposalId::new();
            named.insert(id, (item.id, theme.number));
            candidates.push(Candidate { id, title: item.title.clone(), body: item.body.clone() });
        }
    }
    suggest(&candidates)
        .into_iter()
        .filter_map(|group| {
            let members: Vec<(ConsolidatedId, u32)> =
                group.proposals.iter().filter_map(|p| named.get(p).copied()).collect();
            let themes: std::collections::BTreeSet<u32> = members.iter().map(|(_, theme)| *theme).collect();
            (themes.len() >= 2).then(|| AlikeAcrossThemes {
                consolidated: members.into_iter().map(|(id, _)| id).collect(),
                reason: group.reason,
                reason_en: group.reason_en,
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ThemeSummary {
    pub number: u32,
    pub title: String,
    pub consolidated: Vec<SummaryItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SummaryItem {
    pub id: ConsolidatedId,
    pub title: String,
    pub body: String,
    pub status: recolte_core::model::Status,
    pub priority: Option<u32>,
    pub votes: u32,
    pub carry_forward: bool,
    pub comments: Vec<ReviewComment>,
    pub sources: Vec<SummarySource>,
}

/// A source of a consolidated proposal, by its title (empty when this device lacks it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SummarySource {
    pub proposal_id: recolte_core::ids::ProposalId,
    pub title: String,
    pub session_id: recolte_core::ids::SessionId,
    pub subgroup: Option<String>,
    pub kind: Option<recolte_core::model::Kind>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ReviewComment {
    pub id: String,
    pub text: String,
    pub author: String,
    pub created_at: String,
}

impl Store {
    pub fn events(&self) -> Result<Vec<EventSummary>, Error> {
        collect(
            self,
            // Real events first: a device that tried the sample and then joined shows the event.
            "SELECT id, name, practice FROM events ORDER BY practice, name, id",
            [],
            |r| {
                let id: EventId = parse(r.get(0)?)?;
                Ok(EventSummary { id, name: r.get(1)?, practice: r.get(2)?, created_at: id.created_at() })
            },
            ("liste des événements", "listing events"),
        )
    }

    /// The panel's marks and comments on the consolidated proposals of a theme.
    pub fn reviews(&self, event: EventId, theme: u32) -> Result<Vec<Review>, Error> {
        let me = self.author()?;
        let mut reviews = Vec::new();
        for consolidated in self.consolidated(event, theme, false)? {
            let id = consolidated.id.to_string();
            let mark: Option<(bool, String)> = self.lookup(
                "SELECT carry_forward, marked_by FROM panel_marks WHERE event_id = ?1 AND consolidated_id = ?2",
                params![event.to_string(), id],
                |r| Ok((r.get(0)?, r.get(1)?)),
                ("lecture du panel", "reading the panel"),
            )?;
            let comments = collect(
                self,
                "SELECT id, text, author, created_at FROM panel_comments
                 WHERE event_id = ?1 AND consolidated_id = ?2 AND deleted = 0 ORDER BY created_at, id",
                params![event.to_string(), id],
                |r| Ok(ReviewComment { id: r.get(0)?, text: r.get(1)?, author: r.get(2)?, created_at: r.get(3)? }),
                ("lecture du panel", "reading the panel"),
            )?;
            let votes = collect(
                self,
                "SELECT member, dots FROM panel_votes WHERE event_id = ?1 AND consolidated_id = ?2 AND dots > 0
                 ORDER BY member",
                params![event.to_string(), id],
                |r| Ok(MemberVotes { member: r.get(0)?, dots: r.get(1)? }),
                ("lecture des votes", "reading the votes"),
            )?;
            reviews.push(Review {
                consolidated_id: consolidated.id,
                carry_forward: mark.as_ref().is_some_and(|m| m.0),
                marked_by: mark.map(|m| m.1),
                comments,
                total: votes.iter().map(|v| v.dots).sum(),
                mine: votes.iter().filter(|v| v.member == me).map(|v| v.dots).sum(),
                votes,
            });
        }
        Ok(reviews)
    }

    /// Every theme, its consolidated proposals in the rapporteur's order with status, votes,
    /// mark, comments and sources by title: what the closing plenary reviews.
    pub fn panel_summary(&self, event: EventId) -> Result<PanelSummary, Error> {
        let view = self.event(event)?;
        let mut themes = Vec::new();
        for theme in &view.themes {
            let reviews = self.reviews(event, theme.number)?;
            let mut consolidated = Vec::new();
            for record in self.consolidated(event, theme.number, false)? {
                let review = reviews.iter().find(|r| r.consolidated_id == record.id);
                let mut sources = Vec::new();
                for source in &record.sources {
                    let found: Option<(String, Option<String>, String)> = self.lookup(
                        "SELECT p.title, s.name, p.kind FROM proposals p LEFT JOIN subgroups s ON s.id = p.subgroup_id
                         WHERE p.id = ?1",
                        [source.proposal_id.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                        ("lecture des sources", "reading the sources"),
                    )?;
                    sources.push(SummarySource {
                        proposal_id: source.proposal_id,
                        session_id: source.session_id,
                        title: found.as_ref().map(|f| f.0.clone()).unwrap_or_default(),
                        subgroup: found.as_ref().and_then(|f| f.1.clone()),
                        kind: found.and_then(|f| f.2.parse().ok()),
                    });
                }
                consolidated.push(SummaryItem {
                    votes: review.map_or(0, |r| r.total),
                    carry_forward: review.is_some_and(|r| r.carry_forward),
                    comments: review.map(|r| r.comments.clone()).unwrap_or_default(),
                    id: record.id,
                    title: record.title,
                    body: record.body,
                    status: record.status,
                    priority: record.priority,
                    sources,
                });
            }
            themes.push(ThemeSummary { number: theme.number, title: theme.title.clone(), consolidated });
        }
        let alike = alike_across_themes(&themes);
        Ok(PanelSummary { dots_per_theme: self.dots_per_theme(event)?, member: self.author()?, themes, alike })
    }
}
