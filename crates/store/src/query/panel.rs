//! What the closing plenary reads: the events a device holds, the panel's marks, votes and
//! comments, and the summary of every theme.

use recolte_core::ids::{ConsolidatedId, EventId};
use rusqlite::params;
use serde::Serialize;

use super::{collect, parse};
use crate::error::Error;
use crate::Store;

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
            for (rank, record) in self.consolidated(event, theme.number, false)?.into_iter().enumerate() {
                let review = reviews.iter().find(|r| r.consolidated_id == record.id);
                let mut sources = Vec::new();
                for source in &record.sources {
                    // (A source deleted after the merge is not among them: see `consolidated`.)
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
                    // The place in the rapporteur's order, as Synthèse and the exports number it
                    // (two devices that reordered apart can leave two at one stored priority).
                    priority: Some(rank as u32 + 1),
                    sources,
                });
            }
            themes.push(ThemeSummary { number: theme.number, title: theme.title.clone(), consolidated });
        }
        let alike = alike_across_themes(&themes);
        Ok(PanelSummary { dots_per_theme: self.dots_per_theme(event)?, member: self.author()?, themes, alike })
    }
}
