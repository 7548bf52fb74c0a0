//! The panel: marks, dots per member, and comments on consolidated proposals.

use recolte_core::ids::{CommentId, ConsolidatedId, EventId};
use recolte_core::schema::{self, DocName};
use rusqlite::params;

use super::{blank, non_empty, within};
use crate::error::{Error, Field, ResultExt, Setting};
use crate::projection;
use crate::Store;

impl Store {
    /// The panel marks a consolidated proposal to carry forward, or unmarks it. `false` when
    /// it already was so: nothing is written then (who marked it stays who marked it).
    pub fn mark(&mut self, id: ConsolidatedId, carry_forward: bool, by: Option<&str>) -> Result<bool, Error> {
        // A mark can be taken off a merge that was undone, not put on one.
        let (event, _, undone) = self.standing_consolidated(id)?;
        if carry_forward {
            undone?;
        }
        let marked: Option<bool> = self.lookup(
            "SELECT carry_forward FROM panel_marks WHERE event_id = ?1 AND consolidated_id = ?2",
            params![event.to_string(), id.to_string()],
            |r| r.get(0),
            ("lecture de la marque du panel", "reading the panel's mark"),
        )?;
        if marked.unwrap_or(false) == carry_forward {
            return Ok(false);
        }
        let by = match by {
            Some(b) => within(b, Field::Name)?,
            None => self.author()?,
        };
        let name = DocName::Panel(event);
        let now = schema::now();
        self.edit(
            &name,
            |txn| {
                schema::set_mark(txn, id, carry_forward, &by, &now);
                Ok(())
            },
            |conn, txn, ()| projection::project_document(conn, &name, txn),
        )?;
        Ok(true)
    }

    /// A panel member gives `dots` to a consolidated proposal (0 takes them back), within the
    /// dots each member has per theme. `member` defaults to this device's name.
    pub fn vote(&mut self, id: ConsolidatedId, dots: u32, member: Option<&str>) -> Result<(), Error> {
        // Dots can be taken back from a merge that was undone, not given to one.
        let (event, theme, undone) = self.standing_consolidated(id)?;
        if dots > 0 {
            undone?;
        }
        let member = self.voter(member)?;
        let limit = self.dots_per_theme(event)?;
        let elsewhere: u32 = self
            .lookup(
                "SELECT COALESCE(sum(v.dots), 0) FROM panel_votes v JOIN consolidated c ON c.id = v.consolidated_id
                 WHERE v.event_id = ?1 AND c.theme = ?2 AND v.member = ?3 AND v.consolidated_id <> ?4 AND c.deleted = 0",
                params![event.to_string(), theme, member, id.to_string()],
                |r| r.get(0),
                ("lecture des votes", "reading the votes"),
            )?
            .unwrap_or(0);
        if dots > limit {
            return Err(Error::MoreDotsThanTheTheme { dots, theme, limit });
        }
        if elsewhere + dots > limit {
            return Err(Error::TooManyDots { member, theme, limit, elsewhere });
        }
        let name = DocName::Panel(event);
        let now = schema::now();
        self.edit(
            &name,
            |txn| {
                schema::set_votes(txn, id, &member, dots, &now);
                Ok(())
            },
            |conn, txn, ()| projection::project_document(conn, &name, txn),
        )
    }

    /// One dot more from `member` (this device's name by default) to a consolidated proposal.
    pub fn vote_once_more(&mut self, id: ConsolidatedId, member: Option<&str>) -> Result<(), Error> {
        let (event, theme) = self.consolidated_theme(id)?;
        // The name as the votes hold it: « Hélène » typed « Hélène  » is the same member (it
        // counted none, and gave one dot instead of one more).
        let voter = self.voter(member)?;
        let current: u32 = self
            .reviews(event, theme)?
            .iter()
            .filter(|review| review.consolidated_id == id)
            .flat_map(|review| review.votes.iter().filter(|v| v.member == voter).map(|v| v.dots))
            .sum();
        self.vote(id, current + 1, Some(&voter))
    }

    /// Who votes: the name given, cleaned as every name is, or this device's.
    fn voter(&self, member: Option<&str>) -> Result<String, Error> {
        match member {
            Some(m) => non_empty(m, Field::Name),
            // A dot is given by someone: a device with no name asks for one.
            None => match self.author()? {
                name if blank(&name) => Err(Error::NoVoterName),
                name => Ok(name),
            },
        }
    }

    /// How many dots each panel member may give per theme.
    pub fn dots_per_theme(&self, event: EventId) -> Result<u32, Error> {
        Ok(self
            .lookup(
                "SELECT panel_dots FROM events WHERE id = ?1",
                [event.to_string()],
                |r| r.get(0),
                ("lecture de l'événement", "reading the event"),
            )?
            .unwrap_or(schema::DEFAULT_DOTS_PER_THEME))
    }

    /// Sets how many dots each panel member may give per theme (an organiser's setting).
    pub fn set_dots_per_theme(&mut self, event: EventId, dots: u32) -> Result<(), Error> {
        self.resolve_event(Some(event))?;
        Setting::Dots.check(i64::from(dots))?;
        let name = DocName::Event(event);
        self.edit(
            &name,
            |txn| {
                schema::set_dots_per_theme(txn, dots);
                Ok(())
            },
            |conn, txn, ()| projection::project_document(conn, &name, txn),
        )
    }

    /// The panel members who gave more than `dots` on a theme: lowering the dots per theme
    /// keeps what was given, which the organiser is told.
    pub fn members_over_dots(&self, event: EventId, dots: u32) -> Result<Vec<OverDots>, Error> {
        self.conn
            .prepare_cached(
                "SELECT v.member, c.theme, sum(v.dots) FROM panel_votes v JOIN consolidated c ON c.id = v.consolidated_id
                 WHERE v.event_id = ?1 AND c.deleted = 0 GROUP BY v.member, c.theme HAVING sum(v.dots) > ?2
                 ORDER BY c.theme, v.member",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![event.to_string(), dots], |r| {
                    Ok(OverDots { member: r.get(0)?, theme: r.get(1)?, given: r.get(2)? })
                })?
                    .collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture des votes", "reading the votes")
    }

    /// A panel member comments a consolidated proposal.
    pub fn comment(&mut self, id: ConsolidatedId, text: &str, author: Option<&str>) -> Result<CommentId, Error> {
        let (event, _, undone) = self.standing_consolidated(id)?;
        undone?;
        let text = non_empty(text, Field::Comment)?;
        let author = match author {
            Some(a) => within(a, Field::Name)?,
            None => self.author()?,
        };
        let name = DocName::Panel(event);
        let now = schema::now();
        self.edit(
            &name,
            |txn| Ok(schema::add_comment(txn, id, &text, &author, &now)),
            |conn, txn, _| projection::project_document(conn, &name, txn),
        )
    }

    /// Deletes a panel comment (its author took it back), or brings it back; `false` when it
    /// already was so (nothing is written then).
    pub fn set_comment_deleted(&mut self, id: CommentId, deleted: bool) -> Result<bool, Error> {
        let name = DocName::Panel(self.comment_home(id)?);
        let now: Option<bool> = self.lookup(
            "SELECT deleted FROM panel_comments WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
            ("recherche du commentaire", "looking up the comment"),
        )?;
        if now == Some(deleted) {
            return Ok(false);
        }
        self.edit(
            &name,
            |txn| schema::set_comment_deleted(txn, id, deleted),
            |conn, txn, ()| projection::project_document(conn, &name, txn),
        )?;
        Ok(true)
    }
}

/// A panel member who gave more dots on a theme than the event now allows (see
/// [`Store::members_over_dots`]): they stay counted until the member takes them back.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct OverDots {
    pub member: String,
    pub theme: u32,
    pub given: u32,
}
