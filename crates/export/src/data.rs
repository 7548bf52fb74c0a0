//! The open data model: what an export holds, gathered from a store, and turned back into a
//! snapshot to restore.

use recolte_core::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use recolte_core::model::{Kind, Phase, Slot, Speaker, Status};
use recolte_core::programme::{Day, Place};
use recolte_core::schema::{NewConsolidated, NewProposal, SetAsideReason};
use recolte_core::Lang;
use recolte_store::{ProposalFilter, Snapshot, Store};
use serde::{Deserialize, Serialize};

use crate::ExportError;

pub const FORMAT: &str = "recolte-opendata/1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeRow {
    pub number: u32,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub speakers: Vec<Speaker>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: SessionId,
    pub theme: u32,
    pub slot: String,
    pub day: u8,
    pub date: String,
    pub start: String,
    pub duration_minutes: u32,
    pub place: String,
    pub room: Option<String>,
}

/// `event.json`: the programme, with the ids it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFile {
    pub format: String,
    pub id: EventId,
    pub name: String,
    pub organiser: Option<String>,
    pub timezone: String,
    pub places: Vec<Place>,
    pub days: Vec<Day>,
    pub run_sheet: Vec<Phase>,
    pub slots: Vec<Slot>,
    pub themes: Vec<ThemeRow>,
    pub sessions: Vec<SessionRow>,
    /// How many dots each panel member may give per theme (absent from packages written
    /// before it was exported: the default then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel_dots: Option<u32>,
}

/// A sub-group of a session, whether or not it holds a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubgroupRow {
    pub id: SubgroupId,
    pub session_id: SessionId,
    pub theme: u32,
    pub name: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalRow {
    pub id: ProposalId,
    pub theme: u32,
    pub session_id: SessionId,
    pub day: u8,
    pub start: String,
    pub subgroup_id: Option<SubgroupId>,
    pub subgroup: Option<String>,
    pub kind: Kind,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub created_at: String,
    pub merged_into: Vec<ConsolidatedId>,
    /// Set aside by the rapporteur without a merge, and why (absent from packages written
    /// before it was exported).
    #[serde(default)]
    pub set_aside: Option<SetAsideReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

impl ProposalRow {
    /// Whether the sub-group it names, if any, is one of `subgroups` in its own session: the
    /// package's key to it holds.
    pub fn names_a_subgroup_of_its_session(&self, subgroups: &[SubgroupRow]) -> bool {
        self.subgroup_id.is_none_or(|id| subgroups.iter().any(|g| g.id == id && g.session_id == self.session_id))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsolidatedRow {
    pub id: ConsolidatedId,
    pub theme: u32,
    pub title: String,
    pub body: String,
    pub status: Status,
    pub priority: Option<u32>,
    pub sources: usize,
    pub carry_forward: bool,
    /// Dots the panel members gave, summed (files from before votes have none: 0).
    #[serde(default)]
    pub votes: u32,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineageRow {
    pub consolidated_id: ConsolidatedId,
    pub proposal_id: ProposalId,
    pub session_id: SessionId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRow {
    pub id: CommentId,
    pub consolidated_id: ConsolidatedId,
    pub text: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// Everything an export holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenData {
    pub event: EventFile,
    pub subgroups: Vec<SubgroupRow>,
    pub proposals: Vec<ProposalRow>,
    pub consolidated: Vec<ConsolidatedRow>,
    pub lineage: Vec<LineageRow>,
    pub comments: Vec<CommentRow>,
    /// Documents of the event the exporting device did not hold: what the export lacks.
    pub missing: Vec<recolte_core::schema::DocName>,
}

/// Reads an event out of a store. Deleted proposals (and their links from the merges that
/// cited them) and undone merges are left out; author
/// names only with `include_names` (they are personal data).
pub fn gather(store: &Store, event: EventId, include_names: bool) -> Result<OpenData, ExportError> {
    let view = store.event(event)?;
    let missing = store.missing_documents(event)?;
    let name = |author: &str| (include_names && !author.is_empty()).then(|| author.to_owned());
    let sessions: Vec<SessionRow> = view
        .sessions
        .iter()
        .map(|s| SessionRow {
            id: s.id,
            theme: s.theme,
            slot: s.slot.clone(),
            day: s.day,
            date: s.date.clone(),
            start: s.start.clone(),
            duration_minutes: s.duration_minutes,
            place: s.place.clone(),
            room: s.room.clone(),
        })
        .collect();
    let aside: std::collections::HashMap<ProposalId, SetAsideReason> =
        store.set_aside_in_event(event)?.into_iter().map(|r| (r.proposal_id, r.reason)).collect();
    let mut proposals: Vec<ProposalRow> = store
        .proposals(event, &ProposalFilter::default())?
        .into_iter()
        .map(|p| {
            let session = sessions.iter().find(|s| s.id == p.session_id);
            ProposalRow {
                id: p.id,
                theme: p.theme,
                session_id: p.session_id,
                day: session.map(|s| s.day).unwrap_or(0),
                start: session.map(|s| s.start.clone()).unwrap_or_default(),
                subgroup_id: p.subgroup,
                subgroup: p.subgroup_name,
                kind: p.kind,
                title: p.title,
                body: p.body,
                tags: p.tags,
                created_at: p.created_at,
                // Merged on one device while set aside on another: the merge stands, as the
                // rapporteur's screen shows it (with the set-aside beside it, to clear).
                set_aside: if p.merged_into.is_empty() { aside.get(&p.id).copied() } else { None },
                merged_into: p.merged_into,
                author: name(&p.author),
            }
        })
        .collect();
    // Every sub-group a session made, those that wrote nothing included; one removed during
    // the session only while a proposal still names it (the proposals' key to it holds).
    let named: std::collections::HashSet<SubgroupId> = proposals.iter().filter_map(|p| p.subgroup_id).collect();
    let mut subgroups = Vec::new();
    for session in &sessions {
        if missing.contains(&recolte_core::schema::DocName::Session(event, session.id)) {
            continue;
        }
        for g in store.subgroups(session.id, true)? {
            if !g.deleted || named.contains(&g.id) {
                subgroups.push(SubgroupRow {
                    id: g.id,
                    session_id: session.id,
                    theme: session.theme,
                    name: g.name,
                    created_at: g.created_at,
                });
            }
        }
    }
    // A proposal naming a sub-group its session does not have (an id a peer made up, or one of
    // another session): its sub-group is not given, as the package's key to it would not hold.
    for p in &mut proposals {
        if !p.names_a_subgroup_of_its_session(&subgroups) {
            p.subgroup_id = None;
            p.subgroup = None;
        }
    }
    // Deleted on this device, not merely absent from it: a source whose session has not reached
    // this device keeps its link (the export says it is incomplete).
    let deleted: std::collections::HashSet<ProposalId> = store
        .proposals(event, &ProposalFilter { all: true, ..Default::default() })?
        .into_iter()
        .filter(|p| p.deleted)
        .map(|p| p.id)
        .collect();
    let mut consolidated = Vec::new();
    let mut lineage = Vec::new();
    let mut comments = Vec::new();
    for theme in &view.themes {
        let reviews = store.reviews(event, theme.number)?;
        for (rank, c) in store.consolidated(event, theme.number, false)?.into_iter().enumerate() {
            let review = reviews.iter().find(|r| r.consolidated_id == c.id);
            // A source deleted after the merge is left out with its link: the package's
            // lineage names only proposals it holds (its foreign key says so).
            let sources: Vec<_> = c.sources.iter().filter(|s| !deleted.contains(&s.proposal_id)).collect();
            for source in &sources {
                lineage.push(LineageRow {
                    consolidated_id: c.id,
                    proposal_id: source.proposal_id,
                    session_id: source.session_id,
                });
            }
            for comment in review.map(|r| r.comments.clone()).unwrap_or_default() {
                comments.push(CommentRow {
                    id: comment.id.parse().map_err(ExportError::Core)?,
                    consolidated_id: c.id,
                    text: comment.text,
                    created_at: comment.created_at,
                    author: name(&comment.author),
                });
            }
            consolidated.push(ConsolidatedRow {
                id: c.id,
                theme: c.theme,
                title: c.title,
                body: c.body,
                status: c.status,
                // The place the rapporteur's screen shows (by priority, then creation): two
                // devices that reordered apart can leave two cards at one priority, or a
                // merge made after an ordering without one.
                priority: Some(rank as u32 + 1),
                sources: sources.len(),
                carry_forward: review.is_some_and(|r| r.carry_forward),
                votes: review.map_or(0, |r| r.total),
                created_at: c.created_at,
                author: name(&c.author),
            });
        }
    }
    let themes = view
        .themes
        .iter()
        .map(|t| ThemeRow {
            number: t.number,
            title: t.title.clone(),
            description: t.description.clone(),
            speakers: t.speakers.clone(),
        })
        .collect();
    Ok(OpenData {
        event: EventFile {
            format: FORMAT.into(),
            id: view.id,
            name: view.name,
            organiser: view.organiser,
            timezone: view.timezone,
            places: view.places,
            days: view.days,
            run_sheet: view.run_sheet,
            slots: view.slots,
            themes,
            sessions,
            panel_dots: Some(store.dots_per_theme(event)?),
        },
        subgroups,
        proposals,
        consolidated,
        lineage,
        comments,
        missing,
    })
}

/// Documents an export lacks, in words; `session` tells a session's theme, day and start.
pub fn missing_in_words(
    missing: &[recolte_core::schema::DocName],
    session: impl Fn(&SessionId) -> Option<(u32, u8, String)>,
    lang: Lang,
) -> Vec<String> {
    use recolte_core::schema::DocName;
    missing
        .iter()
        .map(|doc| match doc {
            DocName::Event(_) => lang.pick("le programme", "the programme").to_owned(),
            DocName::Panel(_) => lang.pick("le document du panel", "the panel's document").to_owned(),
            DocName::Synthesis(_, theme) => match lang {
                Lang::Fr => format!("la synthèse du thème {theme}"),
                Lang::En => format!("the synthesis of theme {theme}"),
            },
            DocName::Session(_, id) => match (session(id), lang) {
                (Some((theme, day, start)), Lang::Fr) => format!("la session du thème {theme}, jour {day} à {start}"),
                (Some((theme, day, start)), Lang::En) => format!("the session of theme {theme}, day {day} at {start}"),
                (None, _) => format!("{} {id}", lang.pick("la session", "the session")),
            },
        })
        .collect()
}

impl OpenData {
    /// What the export lacks, in words: "la session du thème 3, jour 1 à 14:00", "la synthèse
    /// du thème 8", "le panel". Empty when the device held every document.
    pub fn missing_in_words(&self, lang: Lang) -> Vec<String> {
        let session = |id: &SessionId| {
            self.event.sessions.iter().find(|s| s.id == *id).map(|s| (s.theme, s.day, s.start.clone()))
        };
        missing_in_words(&self.missing, session, lang)
    }

    /// The snapshot that restores this event into a store.
    pub fn snapshot(&self) -> Result<Snapshot, ExportError> {
        let event = &self.event;
        // The programme goes through the same validation as a programme file: an edited or
        // damaged event.json is refused with the JSON path of each problem.
        let programme_json = serde_json::json!({
            "format": recolte_core::programme::FORMAT,
            "event": { "name": event.name, "organiser": event.organiser, "timezone": event.timezone, "places": event.places },
            "days": event.days,
            "run_sheet": event.run_sheet,
            "slots": event.slots.iter().map(|s| serde_json::json!({
                "id": s.id, "day": s.day, "start": s.start, "duration_minutes": s.duration_minutes, "label": s.label,
            })).collect::<Vec<_>>(),
            "themes": event.themes,
            "sessions": event.sessions.iter().map(|s| {
                let place = event.places.iter().find(|p| p.name == s.place).map(|p| p.id.clone()).unwrap_or_else(|| s.place.clone());
                serde_json::json!({ "theme": s.theme, "slot": s.slot, "place": place, "room": s.room })
            }).collect::<Vec<_>>(),
        });
        let programme = recolte_core::programme::validate(&strip_nulls(programme_json))
            .map_err(|problems| ExportError::Core(recolte_core::Error::InvalidProgramme(problems)))?;
        let subgroups: Vec<recolte_store::SnapshotSubgroup> = self
            .subgroups
            .iter()
            .map(|g| recolte_store::SnapshotSubgroup {
                id: g.id,
                session: g.session_id,
                name: g.name.clone(),
                created_at: g.created_at.clone(),
            })
            .collect();
        let author = |a: &Option<String>| a.clone().unwrap_or_default();
        Ok(Snapshot {
            event: event.id,
            panel_dots: event.panel_dots,
            programme,
            session_ids: event.sessions.iter().map(|s| s.id).collect(),
            subgroups,
            proposals: self
                .proposals
                .iter()
                .map(|p| recolte_store::SnapshotProposal {
                    id: p.id,
                    session: p.session_id,
                    set_aside: p.set_aside,
                    proposal: NewProposal {
                        title: p.title.clone(),
                        body: p.body.clone(),
                        kind: p.kind,
                        subgroup: p.subgroup_id,
                        tags: p.tags.clone(),
                        author: author(&p.author),
                        created_at: p.created_at.clone(),
                    },
                })
                .collect(),
            consolidated: self
                .consolidated
                .iter()
                .map(|c| recolte_store::SnapshotConsolidated {
                    id: c.id,
                    theme: c.theme,
                    consolidated: NewConsolidated {
                        title: c.title.clone(),
                        body: c.body.clone(),
                        sources: self
                            .lineage
                            .iter()
                            .filter(|l| l.consolidated_id == c.id)
                            .map(|l| recolte_core::model::Source {
                                proposal_id: l.proposal_id,
                                session_id: l.session_id,
                            })
                            .collect(),
                        author: author(&c.author),
                        created_at: c.created_at.clone(),
                    },
                    status: c.status,
                    priority: c.priority,
                    votes: c.votes,
                })
                .collect(),
            marks: self
                .consolidated
                .iter()
                .filter(|c| c.carry_forward)
                .map(|c| recolte_store::SnapshotMark {
                    consolidated: c.id,
                    carry_forward: true,
                    by: String::new(),
                    at: c.created_at.clone(),
                })
                .collect(),
            comments: self
                .comments
                .iter()
                .map(|c| recolte_store::SnapshotComment {
                    id: c.id,
                    consolidated: c.consolidated_id,
                    text: c.text.clone(),
                    author: author(&c.author),
                    created_at: c.created_at.clone(),
                })
                .collect(),
        })
    }
}

/// Optional fields are absent rather than null in a programme file.
fn strip_nulls(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}
