//! Capture: importing a programme, the sub-groups of a session, and the proposals facilitators
//! type.

use recolte_core::ids::{EventId, ProposalId, SessionId, SubgroupId};
use recolte_core::programme;
use recolte_core::schema::{self, DocName, NewProposal, ProposalPatch};
use rusqlite::params;
use yrs::Transact;

use super::{
    clean_tags, filled, non_empty, project_proposal, save_event_keys, within, within_or_no_longer, ProposalInput,
    ProposalUpdate,
};
use crate::error::{Error, Field, ResultExt};
use crate::projection;
use crate::Store;

impl Store {
    /// Creates an event from a programme file's text. Nothing is written unless the whole
    /// programme is valid.
    pub fn import_programme(&mut self, text: &str) -> Result<EventId, Error> {
        self.import_programme_as(text, false)
    }

    /// Creates a practice event from a programme (the sample): named so, marked so, and with
    /// ids of its own, so that it never merges with the real event of the same programme. One
    /// per device: asked again (a second press while the first imported), it is the one here.
    pub fn import_practice(&mut self, text: &str) -> Result<EventId, Error> {
        if let Some(held) = self.events()?.into_iter().find(|event| event.practice) {
            return Ok(held.id);
        }
        self.import_programme_as(text, true)
    }

    fn import_programme_as(&mut self, text: &str, practice: bool) -> Result<EventId, Error> {
        let mut programme = programme::parse(text).map_err(recolte_core::Error::InvalidProgramme)?;
        if practice {
            programme.name = format!("Exercice — {}", programme.name);
        }
        let event = EventId::new();
        let keys = recolte_core::token::generate_keys().map_err(Error::Token)?;
        let doc = schema::new_doc_of(schema::DocKind::Event);
        let (sessions, update) = {
            let mut txn = doc.transact_mut_with(schema::ORIGIN_LOCAL);
            let sessions = schema::write_programme(&mut txn, event, &programme, &keys.public);
            if practice {
                schema::mark_practice(&mut txn);
            }
            (sessions, txn.encode_update_v1())
        };
        let name = DocName::Event(event);
        self.write(("enregistrement de l'événement", "saving the event"), |write| {
            write.register(&name)?;
            for session in &sessions {
                write.register(&DocName::Session(event, session.id))?;
            }
            for theme in &programme.themes {
                write.register(&DocName::Synthesis(event, theme.number))?;
            }
            write.register(&DocName::Panel(event))?;
            save_event_keys(write.conn(), event, &keys)?;
            write.new_document(name, doc, &update)
        })?;
        Ok(event)
    }

    /// The event a session belongs to.
    pub(crate) fn session_event(&self, session: SessionId) -> Result<EventId, Error> {
        let event: Option<String> = self.lookup(
            "SELECT event_id FROM sessions WHERE id = ?1",
            [session.to_string()],
            |r| r.get(0),
            ("recherche de la session", "looking up the session"),
        )?;
        let event = event.and_then(|e| e.parse().ok()).ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        self.within_scope(event, &session.to_string())?;
        Ok(event)
    }

    /// A sub-group of the session, by id or (case-insensitively) by name.
    pub fn resolve_subgroup(&self, session: SessionId, id_or_name: &str) -> Result<SubgroupId, Error> {
        let wanted = id_or_name.trim();
        let by_id: Option<String> = self.lookup(
            "SELECT id FROM subgroups WHERE session_id = ?1 AND id = ?2",
            params![session.to_string(), wanted],
            |r| r.get(0),
            ("recherche du sous-groupe", "looking up the sub-group"),
        )?;
        let found = match by_id {
            Some(id) => Some(id),
            None => {
                // Two of one name (made apart, one renamed since): not one picked silently.
                let named = self.subgroups_named(session, wanted, None)?;
                if let [(_, name), _, ..] = named.as_slice() {
                    let ids = named.iter().map(|(id, _)| id.clone()).collect();
                    return Err(Error::AmbiguousSubgroup { name: name.clone(), ids });
                }
                named.into_iter().next().map(|(id, _)| id)
            }
        };
        found
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| recolte_core::Error::UnknownSubgroup(wanted.to_owned()).into())
    }

    /// The first sub-group of the session (not deleted, other than `except`) whose name is
    /// `name` case aside, with its name.
    fn subgroup_named(
        &self,
        session: SessionId,
        name: &str,
        except: Option<SubgroupId>,
    ) -> Result<Option<(String, String)>, Error> {
        Ok(self.subgroups_named(session, name, except)?.into_iter().next())
    }

    /// Every sub-group of the session (not deleted, other than `except`) whose name is `name`
    /// case aside, with its name, oldest first: two once devices that each made one apart meet.
    /// Compared here, not by SQLite, whose `lower()` leaves « É » as it is: « Équipe A » and
    /// « équipe a » are one name, typed on a Mac or not.
    fn subgroups_named(
        &self,
        session: SessionId,
        name: &str,
        except: Option<SubgroupId>,
    ) -> Result<Vec<(String, String)>, Error> {
        let except = except.map(|e| e.to_string()).unwrap_or_default();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, name FROM subgroups WHERE session_id = ?1 AND deleted = 0 AND id <> ?2 ORDER BY created_at, id",
            )
            .ctx("recherche du sous-groupe", "looking up the sub-group")?;
        let rows = stmt
            .query_map(params![session.to_string(), except], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .ctx("recherche du sous-groupe", "looking up the sub-group")?;
        Ok(rows.into_iter().filter(|(_, n)| recolte_core::text::same_name(n, name)).collect())
    }

    /// A sub-group of the session already called `name` (case aside), other than `except`:
    /// two of one name could not be told apart when a proposal names its sub-group.
    fn ensure_subgroup_name_free(
        &self,
        session: SessionId,
        name: &str,
        except: Option<SubgroupId>,
    ) -> Result<(), Error> {
        match self.subgroup_named(session, name, except)? {
            Some((_, taken)) => Err(Error::SubgroupExists(taken)),
            None => Ok(()),
        }
    }

    pub fn add_subgroup(&mut self, session: SessionId, name: &str) -> Result<SubgroupId, Error> {
        let name = non_empty(name, Field::Name)?;
        self.ensure_subgroup_name_free(session, &name, None)?;
        let event = self.session_event(session)?;
        let now = schema::now();
        self.edit(
            &DocName::Session(event, session),
            |txn| Ok(schema::add_subgroup(txn, session, &name, &now)),
            |conn, txn, id| match schema::read_subgroup(txn, *id) {
                Some(record) => projection::upsert_subgroup(conn, event, session, &record),
                None => Ok(()),
            },
        )
    }

    pub fn rename_subgroup(&mut self, session: SessionId, subgroup: &str, name: &str) -> Result<(), Error> {
        let name = non_empty(name, Field::Name)?;
        let event = self.session_event(session)?;
        let id = self.resolve_subgroup(session, subgroup)?;
        self.ensure_subgroup_name_free(session, &name, Some(id))?;
        self.edit(
            &DocName::Session(event, session),
            |txn| schema::rename_subgroup(txn, id, &name),
            |conn, txn, ()| match schema::read_subgroup(txn, id) {
                Some(record) => projection::upsert_subgroup(conn, event, session, &record),
                None => Ok(()),
            },
        )
    }

    /// Captures a proposal; returns once it is durably saved.
    pub fn add_proposal(&mut self, session: SessionId, input: &ProposalInput) -> Result<ProposalId, Error> {
        let event = self.session_event(session)?;
        let subgroup = match &input.subgroup {
            Some(s) => Some(self.resolve_subgroup(session, s)?),
            None => None,
        };
        let author = match &input.author {
            Some(author) => within(author, Field::Name)?,
            None => self.author()?,
        };
        let new = NewProposal {
            title: non_empty(&input.title, Field::Title)?,
            body: within(&input.body, Field::Body)?,
            kind: input.kind,
            subgroup,
            tags: clean_tags(&input.tags)?,
            author,
            created_at: schema::now(),
        };
        self.edit(
            &DocName::Session(event, session),
            |txn| Ok(schema::add_proposal(txn, &new)),
            |conn, txn, id| project_proposal(conn, txn, event, session, *id),
        )
    }

    /// How many characters a text of a record holds now, as projected (0 for an unknown one).
    pub(super) fn text_length(&self, table: &str, column: &str, id: &str) -> Result<usize, Error> {
        let length: Option<i64> = self.lookup(
            &format!("SELECT length({column}) FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
            ("lecture d'un texte", "reading a text"),
        )?;
        Ok(length.unwrap_or(0).max(0) as usize)
    }

    /// Whether a proposal is deleted, as projected (`None` for an unknown one).
    pub(crate) fn proposal_deleted(&self, id: ProposalId) -> Result<Option<bool>, Error> {
        self.lookup(
            "SELECT deleted FROM proposals WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
            ("recherche de la proposition", "looking up the proposal"),
        )
    }

    /// Where a proposal lives: its event and session.
    pub(crate) fn proposal_home(&self, id: ProposalId) -> Result<(EventId, SessionId), Error> {
        if let Some(&home) = self.homes.borrow().get(&id) {
            self.within_scope(home.0, &id.to_string())?;
            return Ok(home);
        }
        let found: Option<(String, String)> = self.lookup(
            "SELECT event_id, session_id FROM proposals WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
            ("recherche de la proposition", "looking up the proposal"),
        )?;
        let home: (EventId, SessionId) = found
            .and_then(|(e, s)| Some((e.parse().ok()?, s.parse().ok()?)))
            .ok_or_else(|| recolte_core::Error::UnknownProposal(id.to_string()))?;
        self.homes.borrow_mut().insert(id, home);
        self.within_scope(home.0, &id.to_string())?;
        Ok(home)
    }

    /// Edits a proposal. Text fields change by difference, so that concurrent edits of other
    /// parts of the same text are kept.
    pub fn edit_proposal(&mut self, id: ProposalId, update: &ProposalUpdate) -> Result<(), Error> {
        let (event, session) = self.proposal_home(id)?;
        let subgroup = match &update.subgroup {
            Some(Some(s)) => Some(Some(self.resolve_subgroup(session, s)?)),
            Some(None) => Some(None),
            None => None,
        };
        let id_text = id.to_string();
        let length = |column: &str| self.text_length("proposals", column, &id_text);
        let patch = ProposalPatch {
            title: match update.title.as_deref() {
                Some(title) => {
                    Some(filled(within_or_no_longer(title, Field::Title, || length("title"))?, Field::Title)?)
                }
                None => None,
            },
            body: update.body.as_deref().map(|b| within_or_no_longer(b, Field::Body, || length("body"))).transpose()?,
            // Cleaned as the text is, so that base and text differ only by what was typed.
            title_base: update.title_base.as_deref().map(|b| super::clean(b, Field::Title)),
            body_base: update.body_base.as_deref().map(|b| super::clean(b, Field::Body)),
            kind: update.kind,
            subgroup,
            tags: update.tags.as_deref().map(clean_tags).transpose()?,
        };
        self.edit(
            &DocName::Session(event, session),
            |txn| schema::edit_proposal(txn, id, &patch),
            |conn, txn, ()| {
                let now = schema::read_proposal(txn, id);
                let rebased = [patch.title_base.is_some(), patch.body_base.is_some()];
                let now = now.as_ref().map(|now| [now.title.as_str(), now.body.as_str()]);
                super::rebased_within(conn, "proposals", &id_text, rebased, now)?;
                project_proposal(conn, txn, event, session, id)
            },
        )
    }

    /// Deletes (`true`) or restores (`false`) a proposal. Nothing is ever erased. `false` when
    /// it already was so: then nothing is written, and nothing travels to other devices.
    pub fn set_proposal_deleted(&mut self, id: ProposalId, deleted: bool) -> Result<bool, Error> {
        let (event, session) = self.proposal_home(id)?;
        if self.proposal_deleted(id)? == Some(deleted) {
            return Ok(false);
        }
        self.edit(
            &DocName::Session(event, session),
            |txn| schema::set_proposal_deleted(txn, id, deleted),
            |conn, txn, ()| project_proposal(conn, txn, event, session, id),
        )?;
        Ok(true)
    }
}
