//! The edits people make: importing a programme, capturing and editing proposals, merging
//! them into consolidated proposals, marking them in the panel.

use recolte_core::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use recolte_core::model::{Kind, Phase, Source};
use recolte_core::programme;
use recolte_core::schema::{self, DocName, NewConsolidated, NewProposal, ProposalPatch};
use rusqlite::params;
use yrs::{ReadTxn, StateVector, Transact};

use crate::error::{Field, Setting};
use crate::error::{Error, ResultExt};
use crate::projection;
use crate::snapshots::{self, SnapshotReason};
use crate::Store;

/// A proposal as typed by a facilitator. The sub-group is named by id or by name.
#[derive(Clone, Debug, Default)]
pub struct ProposalInput {
    pub title: String,
    pub body: String,
    pub kind: Kind,
    pub subgroup: Option<String>,
    pub tags: Vec<String>,
    pub author: Option<String>,
}

/// Changes to a proposal; `None` leaves a field unchanged.
#[derive(Clone, Debug, Default)]
pub struct ProposalUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    pub kind: Option<Kind>,
    /// `Some(None)` takes the proposal out of its sub-group.
    pub subgroup: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>, Error> {
    let mut clean = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = within(tag, Field::Tag)?;
        if !tag.is_empty() {
            clean.push(tag);
        }
    }
    clean.sort();
    clean.dedup();
    Ok(clean)
}

/// The text trimmed and without control characters (a NUL, an escape sequence pasted from a
/// terminal; line breaks and tabs stay in a text or a comment).
fn clean(value: &str, what: Field) -> String {
    let multiline = matches!(what, Field::Body | Field::Comment);
    let kept: String = value.chars().filter(|c| !c.is_control() || multiline && (*c == '\n' || *c == '\t')).collect();
    kept.trim().to_owned()
}

/// The text cleaned, if it is not longer than its field allows.
pub(crate) fn within(value: &str, what: Field) -> Result<String, Error> {
    let value = clean(value, what);
    let length = value.chars().count();
    if length > what.longest() {
        return Err(Error::TooLong { field: what, longest: what.longest(), length });
    }
    Ok(value)
}

pub(crate) fn non_empty(value: &str, what: Field) -> Result<String, Error> {
    filled(within(value, what)?, what)
}

/// The text, if it is not empty.
fn filled(value: String, what: Field) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::Empty(what));
    }
    Ok(value)
}

/// An edited text within its field's length, or no longer than it already was: a text that
/// came longer from another device can still be corrected, not made longer.
fn within_or_no_longer(
    value: &str,
    what: Field,
    before: impl FnOnce() -> Result<usize, Error>,
) -> Result<String, Error> {
    match within(value, what) {
        Err(Error::TooLong { length, .. }) if length <= before()? => Ok(clean(value, what)),
        other => other,
    }
}

impl Store {
    /// Creates an event from a programme file's text. Nothing is written unless the whole
    /// programme is valid.
    pub fn import_programme(&mut self, text: &str) -> Result<EventId, Error> {
        self.import_programme_as(text, false)
    }

    /// Creates a practice event from a programme (the sample): named so, marked so, and with
    /// ids of its own, so that it never merges with the real event of the same programme.
    pub fn import_practice(&mut self, text: &str) -> Result<EventId, Error> {
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
        event.and_then(|e| e.parse().ok()).ok_or_else(|| Error::UnknownSession(session.to_string()))
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
            None => self.subgroup_named(session, wanted, None)?.map(|(id, _)| id),
        };
        found
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| recolte_core::Error::UnknownSubgroup(wanted.to_owned()).into())
    }

    /// The first sub-group of the session (not deleted, other than `except`) whose name is
    /// `name` case aside, with its name. Compared here, not by SQLite, whose `lower()` leaves
    /// « É » as it is: « Équipe A » and « équipe a » are one name, typed on a Mac or not.
    fn subgroup_named(
        &self,
        session: SessionId,
        name: &str,
        except: Option<SubgroupId>,
    ) -> Result<Option<(String, String)>, Error> {
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
        Ok(rows.into_iter().find(|(_, n)| recolte_core::text::same_name(n, name)))
    }

    /// A sub-group of the session already called `name` (case aside), other than `except`:
    /// two of one name could not be told apart when a proposal names its sub-group.
    fn ensure_subgroup_name_free(&self, session: SessionId, name: &str, except: Option<SubgroupId>) -> Result<(), Error> {
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
            |txn| Ok(schema::add_subgroup(txn, &name, &now)),
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
    fn text_length(&self, table: &str, column: &str, id: &str) -> Result<usize, Error> {
        let length: Option<i64> = self.lookup(
            &format!("SELECT length({column}) FROM {table} WHERE id = ?1"),
            [id],
            |r| r.get(0),
            ("lecture d'un texte", "reading a text"),
        )?;
        Ok(length.unwrap_or(0).max(0) as usize)
    }

    /// Whether a proposal is deleted, as projected (`None` for an unknown one).
    fn proposal_deleted(&self, id: ProposalId) -> Result<Option<bool>, Error> {
        self.lookup(
            "SELECT deleted FROM proposals WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
            ("recherche de la proposition", "looking up the proposal"),
        )
    }

    /// Where a proposal lives: its event and session.
    pub(crate) fn proposal_home(&self, id: ProposalId) -> Result<(EventId, SessionId), Error> {
        if let Some(home) = self.homes.borrow().get(&id) {
            return Ok(*home);
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
                Some(title) => Some(filled(within_or_no_longer(title, Field::Title, || length("title"))?, Field::Title)?),
                None => None,
            },
            body: update.body.as_deref().map(|b| within_or_no_longer(b, Field::Body, || length("body"))).transpose()?,
            kind: update.kind,
            subgroup,
            tags: update.tags.as_deref().map(clean_tags).transpose()?,
        };
        self.edit(
            &DocName::Session(event, session),
            |txn| schema::edit_proposal(txn, id, &patch),
            |conn, txn, ()| project_proposal(conn, txn, event, session, id),
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

    /// Merges proposals of one theme into a new consolidated proposal of its synthesis.
    pub fn merge(
        &mut self,
        event: EventId,
        theme: u32,
        title: &str,
        body: &str,
        proposals: &[ProposalId],
        author: Option<&str>,
    ) -> Result<ConsolidatedId, Error> {
        self.check_theme(event, theme)?;
        let mut sources = Vec::new();
        for id in proposals {
            let session = self.session_in_theme(event, theme, *id)?;
            if self.proposal_deleted(*id)? == Some(true) {
                let title: Option<String> = self.lookup(
                    "SELECT title FROM proposals WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                    ("recherche de la proposition", "looking up the proposal"),
                )?;
                return Err(Error::DeletedProposal(title.unwrap_or_else(|| id.to_string())));
            }
            if !sources.iter().any(|s: &Source| s.proposal_id == *id) {
                sources.push(Source { proposal_id: *id, session_id: session });
            }
        }
        let new = NewConsolidated {
            title: non_empty(title, Field::Title)?,
            body: within(body, Field::Body)?,
            sources,
            author: match author {
                Some(a) => within(a, Field::Name)?,
                None => self.author()?,
            },
            created_at: schema::now(),
        };
        let doc = DocName::Synthesis(event, theme);
        self.edit(
            &doc,
            |txn| Ok(schema::add_consolidated(txn, &new)),
            |conn, txn, id| {
                project_consolidated(conn, txn, event, theme, *id)?;
                // What the synthesis held just before, to go back to if the merge was wrong.
                snapshots::before_last(conn, &doc, SnapshotReason::Merge, &new.title, &new.author)
            },
        )
    }

    /// The session a proposal was captured in, if it belongs to `theme` of `event`.
    fn session_in_theme(&self, event: EventId, theme: u32, id: ProposalId) -> Result<SessionId, Error> {
        let (proposal_event, session) = self.proposal_home(id)?;
        let actual = self.session_theme(session)?;
        if proposal_event != event || actual != theme {
            return Err(Error::NotInTheme { proposal: id.to_string(), theme, actual });
        }
        Ok(session)
    }

    /// A change to a document's own records that no table projects (the session's clock, the
    /// rapporteur's triage): saved and logged like any edit.
    /// A change of the clock's controls or an arrival: shared like any other, passed over by undo.
    pub(crate) fn control(
        &mut self,
        name: &DocName,
        change: impl FnOnce(&mut yrs::TransactionMut),
    ) -> Result<(), Error> {
        self.write(("enregistrement", "saving"), |write| write.control(name, change))
    }

    fn record(&mut self, name: &DocName, change: impl FnOnce(&mut yrs::TransactionMut)) -> Result<(), Error> {
        self.edit(
            name,
            |txn| {
                change(txn);
                Ok(())
            },
            |_, _, ()| Ok(()),
        )
    }

    /// Merges as a rapporteur does in the app or with `recolte synthesis merge`: a merge made
    /// by hand (its sources were not suggested together) also teaches the theme's lexicon the
    /// word pairs between its sources' titles ([`recolte_core::dedupe::learned_pairs`]), which
    /// the rapporteurs see and may take out. Returns the new id and the pairs learned.
    pub fn merge_and_learn(
        &mut self,
        event: EventId,
        theme: u32,
        title: &str,
        body: &str,
        proposals: &[ProposalId],
        author: Option<&str>,
    ) -> Result<(ConsolidatedId, Vec<(String, String)>), Error> {
        let suggested = self.suggest_duplicates(event, theme)?;
        let by_hand =
            proposals.len() >= 2 && !suggested.iter().any(|s| proposals.iter().all(|p| s.proposals.contains(p)));
        let sources: Vec<recolte_core::dedupe::Candidate> = self
            .proposals(event, &crate::ProposalFilter { theme: Some(theme), ..Default::default() })?
            .into_iter()
            .filter(|p| proposals.contains(&p.id))
            .map(|p| recolte_core::dedupe::Candidate { id: p.id, title: p.title, body: p.body })
            .collect();
        let id = self.merge(event, theme, title, body, proposals, author)?;
        let pairs = if by_hand { recolte_core::dedupe::learned_pairs(&sources) } else { Vec::new() };
        if !pairs.is_empty() {
            let (by, at) = (self.author()?, schema::now());
            self.record(&DocName::Synthesis(event, theme), |txn| {
                for (a, b) in &pairs {
                    schema::set_lexicon(txn, a, b, false, true, &by, &at);
                }
            })?;
        }
        Ok((id, pairs))
    }

    /// Sets a proposal aside without merging it ("hors sujet", "doublon exact"), or takes it
    /// back. `false` when it already was so: nothing is written then.
    pub fn set_proposal_aside(
        &mut self,
        id: ProposalId,
        reason: Option<schema::SetAsideReason>,
    ) -> Result<bool, Error> {
        let (event, session) = self.proposal_home(id)?;
        let theme = self.session_theme(session)?;
        let name = DocName::Synthesis(event, theme);
        let now = schema::set_aside_reason(&self.read_doc(&name)?.transact(), id);
        if now.as_deref() == reason.map(|r| r.as_str()) {
            return Ok(false);
        }
        let (by, at) = (self.author()?, schema::now());
        self.record(&name, |txn| {
            schema::set_aside(txn, id, reason, &by, &at);
        })?;
        Ok(true)
    }

    /// "Pas des doublons": these proposals are not suggested together again.
    pub fn dismiss_duplicates(&mut self, event: EventId, theme: u32, proposals: &[ProposalId]) -> Result<(), Error> {
        self.check_theme(event, theme)?;
        if proposals.iter().collect::<std::collections::BTreeSet<_>>().len() < 2 {
            return Err(Error::OneProposal);
        }
        for id in proposals {
            self.session_in_theme(event, theme, *id)?;
        }
        let (by, at) = (self.author()?, schema::now());
        self.record(&DocName::Synthesis(event, theme), |txn| {
            schema::dismiss_duplicates(txn, proposals, &by, &at);
        })
    }

    /// Adds a pair of words to the theme's lexicon, or takes it out.
    pub fn set_lexicon(&mut self, event: EventId, theme: u32, a: &str, b: &str, removed: bool) -> Result<(), Error> {
        self.check_theme(event, theme)?;
        // Any pair can be taken out (one learned from long words, one from another device);
        // only a pair added is checked.
        let (a, b) = if removed {
            (a.trim().to_owned(), b.trim().to_owned())
        } else {
            let (a, b) = (non_empty(a, Field::Word)?, non_empty(b, Field::Word)?);
            if recolte_core::dedupe::fold(&a) == recolte_core::dedupe::fold(&b) {
                return Err(Error::SameWord(a));
            }
            (a, b)
        };
        let (by, at) = (self.author()?, schema::now());
        self.record(&DocName::Synthesis(event, theme), |txn| {
            schema::set_lexicon(txn, &a, &b, removed, false, &by, &at);
        })
    }

    /// Changes the wording, status or priority of a consolidated proposal.
    pub fn edit_consolidated(&mut self, id: ConsolidatedId, patch: &schema::ConsolidatedPatch) -> Result<(), Error> {
        if let Some(Some(priority)) = patch.priority {
            Setting::Priority.check(i64::from(priority))?;
        }
        let (event, theme, undone) = self.standing_consolidated(id)?;
        undone?;
        let id_text = id.to_string();
        let length = |column: &str| self.text_length("consolidated", column, &id_text);
        let patch = schema::ConsolidatedPatch {
            title: match &patch.title {
                Some(title) => Some(filled(within_or_no_longer(title, Field::Title, || length("title"))?, Field::Title)?),
                None => None,
            },
            body: patch.body.as_deref().map(|b| within_or_no_longer(b, Field::Body, || length("body"))).transpose()?,
            ..patch.clone()
        };
        self.edit(
            &DocName::Synthesis(event, theme),
            |txn| schema::edit_consolidated(txn, id, &patch),
            |conn, txn, ()| project_consolidated(conn, txn, event, theme, id),
        )
    }

    /// Undoes a merge (`true`) or brings it back (`false`): the sources become free again.
    /// `false` when it already was so: nothing is written then.
    pub fn set_consolidated_deleted(&mut self, id: ConsolidatedId, deleted: bool) -> Result<bool, Error> {
        let (event, theme, standing) = self.standing_consolidated(id)?;
        if standing.is_err() == deleted {
            return Ok(false);
        }
        self.edit(
            &DocName::Synthesis(event, theme),
            |txn| schema::set_consolidated_deleted(txn, id, deleted),
            |conn, txn, ()| project_consolidated(conn, txn, event, theme, id),
        )?;
        Ok(true)
    }

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
        let member = match member {
            Some(m) => within(m, Field::Name)?,
            None => self.author()?,
        };
        let member = non_empty(&member, Field::Name)?;
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
        if elsewhere + dots > limit {
            return Err(Error::TooManyDots { member, theme, limit });
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

    /// The event and theme of a consolidated proposal.
    pub fn consolidated_theme(&self, id: ConsolidatedId) -> Result<(EventId, u32), Error> {
        self.consolidated_home(id)
    }

    /// The session's clock, as every facilitator of the session sees it.
    pub fn session_clock(&mut self, session: SessionId) -> Result<schema::SessionClock, Error> {
        let (event, scheduled, run_sheet) = self.clock_context(session)?;
        let doc = self.read_doc(&DocName::Session(event, session))?;
        Ok(schema::read_clock(&doc.transact()).at(scheduled, &run_sheet, jiff::Timestamp::now()))
    }

    /// Starts, pauses, resumes, extends (the current phase, by `minutes`, 5 by default) or
    /// skips to the next phase; returns the clock after it.
    pub fn clock_action(
        &mut self,
        session: SessionId,
        action: schema::ClockAction,
        minutes: Option<u32>,
    ) -> Result<schema::SessionClock, Error> {
        use schema::ClockAction as A;
        let (event, scheduled, run_sheet) = self.clock_context(session)?;
        let name = DocName::Session(event, session);
        let now = jiff::Timestamp::now();
        let record = schema::read_clock(&self.read_doc(&name)?.transact());
        let clock = record.at(scheduled, &run_sheet, now);
        let id = uuid::Uuid::now_v7().to_string();
        let running = clock.phase_index.ok_or(Error::ClockNotRunning);
        match action {
            A::Start => self.control(&name, |txn| {
                schema::clock_start(txn, now);
            })?,
            A::Pause if clock.paused => {}
            A::Pause => self.control(&name, |txn| {
                schema::clock_pause(txn, now, &id);
            })?,
            A::Resume => self.control(&name, |txn| {
                schema::clock_resume(txn, now);
            })?,
            A::Extend => {
                let phase = running?;
                let seconds = schema::extension_seconds(minutes.unwrap_or(5));
                self.control(&name, |txn| {
                    schema::clock_extend(txn, phase, seconds, &id);
                })?
            }
            A::Next => {
                let phase = running?;
                let active = record.active_seconds(record.started_at.unwrap_or(scheduled), now);
                self.control(&name, |txn| {
                    schema::clock_end_phase(txn, phase, active);
                })?
            }
        }
        self.session_clock(session)
    }

    /// A session's event, its scheduled start and the event's run-sheet.
    fn clock_context(&self, session: SessionId) -> Result<(EventId, jiff::Timestamp, Vec<Phase>), Error> {
        let event = self.session_event(session)?;
        let view = self.event(event)?;
        let info =
            view.sessions.iter().find(|s| s.id == session).ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        let scheduled = schema::scheduled_start(&info.date, &info.start, &view.timezone)
            .ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        Ok((event, scheduled, view.run_sheet))
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

    pub(crate) fn consolidated_home(&self, id: ConsolidatedId) -> Result<(EventId, u32), Error> {
        let found: Option<(String, u32)> = self.lookup(
            "SELECT event_id, theme FROM consolidated WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
            ("recherche de la proposition consolidée", "looking up the consolidated proposal"),
        )?;
        found
            .and_then(|(e, t)| Some((e.parse().ok()?, t)))
            .ok_or_else(|| recolte_core::Error::UnknownConsolidated(id.to_string()).into())
    }

    /// Where a consolidated proposal lives, and whether its merge stands: the panel votes,
    /// marks and comments, and the rapporteur words, only merges that were not undone.
    fn standing_consolidated(&self, id: ConsolidatedId) -> Result<(EventId, u32, Result<(), Error>), Error> {
        let found: Option<(String, u32, bool, String)> = self.lookup(
            "SELECT event_id, theme, deleted, title FROM consolidated WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            ("recherche de la proposition consolidée", "looking up the consolidated proposal"),
        )?;
        let (event, theme, deleted, title) = found
            .and_then(|(e, t, d, title)| Some((e.parse().ok()?, t, d, title)))
            .ok_or_else(|| recolte_core::Error::UnknownConsolidated(id.to_string()))?;
        Ok((event, theme, if deleted { Err(Error::UndoneMerge(title)) } else { Ok(()) }))
    }

    fn session_theme(&self, session: SessionId) -> Result<u32, Error> {
        self.lookup(
            "SELECT theme FROM sessions WHERE id = ?1",
            [session.to_string()],
            |r| r.get(0),
            ("recherche de la session", "looking up the session"),
        )?
        .ok_or_else(|| Error::UnknownSession(session.to_string()))
    }

    pub(crate) fn check_theme(&self, event: EventId, theme: u32) -> Result<(), Error> {
        let found: Option<u32> = self.lookup(
            "SELECT number FROM themes WHERE event_id = ?1 AND number = ?2",
            params![event.to_string(), theme],
            |r| r.get(0),
            ("recherche du thème", "looking up the theme"),
        )?;
        found.map(|_| ()).ok_or(Error::UnknownTheme(theme))
    }

    /// The state vector of a document: what this store has of it. Used to build bundles that
    /// carry only what another device lacks.
    pub fn state_vector(&mut self, name: &DocName) -> Result<StateVector, Error> {
        Ok(self.read_doc(name)?.transact().state_vector())
    }
}

fn project_proposal(
    conn: &rusqlite::Connection,
    txn: &yrs::Transaction,
    event: EventId,
    session: SessionId,
    id: ProposalId,
) -> Result<(), Error> {
    match schema::read_proposal(txn, id) {
        Some(record) => projection::upsert_proposal(conn, event, session, &record),
        None => Ok(()),
    }
}

fn project_consolidated(
    conn: &rusqlite::Connection,
    txn: &yrs::Transaction,
    event: EventId,
    theme: u32,
    id: ConsolidatedId,
) -> Result<(), Error> {
    match schema::read_consolidated(txn, id) {
        Some(record) => projection::upsert_consolidated(conn, event, theme, &record),
        None => Ok(()),
    }
}

impl Store {
    /// Gives the consolidated proposals, in this order, the priorities 1, 2, 3…
    /// Merges undone meanwhile (on another device) are passed over: they are no longer listed.
    pub fn reorder_consolidated(&mut self, order: &[ConsolidatedId]) -> Result<(), Error> {
        let mut standing = Vec::with_capacity(order.len());
        for id in order {
            if self.standing_consolidated(*id)?.2.is_ok() {
                standing.push(*id);
            }
        }
        for (index, id) in standing.iter().enumerate() {
            let patch = schema::ConsolidatedPatch { priority: Some(Some(index as u32 + 1)), ..Default::default() };
            self.edit_consolidated(*id, &patch)?;
        }
        Ok(())
    }
}

/// Keeps the signing key of an event this device creates (imports, restores): the key that
/// makes it the event's organiser's device.
pub(crate) fn save_event_keys(
    conn: &rusqlite::Connection,
    event: EventId,
    keys: &recolte_core::token::EventKeys,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO event_keys (event_id, secret_key, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![event.to_string(), keys.secret, keys.public, schema::now()],
    )
    .ctx("enregistrement de la clé de l'événement", "saving the event's key")?;
    Ok(())
}
