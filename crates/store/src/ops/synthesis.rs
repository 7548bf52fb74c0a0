//! Synthesis: merging proposals into consolidated proposals, setting them aside, what the
//! rapporteurs teach the duplicate suggestions, and the wording of a consolidated proposal.

use recolte_core::ids::{ConsolidatedId, EventId, ProposalId, SessionId};
use recolte_core::model::Source;
use recolte_core::schema::{self, DocName, NewConsolidated};
use yrs::Transact;

use super::{filled, non_empty, project_consolidated, within, within_or_no_longer};
use crate::error::{Error, Field, Setting};
use crate::snapshots::{self, SnapshotReason};
use crate::Store;

impl Store {
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
        self.merge_teaching(event, theme, (title, body), proposals, author, &[])
    }

    /// A merge and the word pairs it teaches the theme's lexicon, as one change: one undo
    /// takes both back (the lexicon saved apart was what a first undo took, the merge stayed).
    fn merge_teaching(
        &mut self,
        event: EventId,
        theme: u32,
        (title, body): (&str, &str),
        proposals: &[ProposalId],
        author: Option<&str>,
        teaches: &[(String, String)],
    ) -> Result<ConsolidatedId, Error> {
        self.check_theme(event, theme)?;
        if proposals.is_empty() {
            return Err(Error::NothingToMerge);
        }
        let doc = DocName::Synthesis(event, theme);
        let mut sources = Vec::new();
        for id in proposals {
            let session = self.session_in_theme(event, theme, *id)?;
            if self.proposal_deleted(*id)? == Some(true) {
                return Err(Error::DeletedProposal(self.proposal_title(*id)?));
            }
            // Set aside, it is treated already: merging it too would say two things of it.
            if schema::set_aside_reason(&self.read_doc(&doc)?.transact(), *id).is_some() {
                return Err(Error::SetAsideNotMerged { title: self.proposal_title(*id)? });
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
        let by = if teaches.is_empty() { String::new() } else { self.author()? };
        self.edit(
            &doc,
            |txn| {
                let id = schema::add_consolidated(txn, &new);
                for (a, b) in teaches {
                    schema::set_lexicon(txn, a, b, false, true, &by, &new.created_at);
                }
                Ok(id)
            },
            |conn, txn, id| {
                project_consolidated(conn, txn, event, theme, *id)?;
                // What the synthesis held just before, to go back to if the merge was wrong.
                snapshots::before_last(conn, &doc, SnapshotReason::Merge, &new.title, &new.author)
            },
        )
    }

    /// A proposal's title as this device holds it, its id when it holds none: what a refusal
    /// names.
    fn proposal_title(&self, id: ProposalId) -> Result<String, Error> {
        let title: Option<String> = self.lookup(
            "SELECT title FROM proposals WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
            ("recherche de la proposition", "looking up the proposal"),
        )?;
        Ok(title.unwrap_or_else(|| id.to_string()))
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
        let sources: Vec<recolte_core::dedupe::Candidate> = self
            .proposals(event, &crate::ProposalFilter { theme: Some(theme), ..Default::default() })?
            .into_iter()
            .filter(|p| proposals.contains(&p.id))
            .map(|p| recolte_core::dedupe::Candidate { id: p.id, title: p.title, body: p.body })
            .collect();
        let mut pairs = if proposals.len() >= 2 { recolte_core::dedupe::learned_pairs(&sources) } else { Vec::new() };
        // Only what the suggestions missed teaches the lexicon; asked only when there is
        // something to learn, before the merge changes the theme.
        if !pairs.is_empty()
            && self.suggest_duplicates(event, theme)?.iter().any(|s| proposals.iter().all(|p| s.proposals.contains(p)))
        {
            pairs.clear();
        }
        // Only the pairs it does not hold yet are said to be learned.
        if !pairs.is_empty() {
            let held = schema::read_lexicon(&self.read_doc(&DocName::Synthesis(event, theme))?.transact());
            let fold = |w: &str| w.trim().to_lowercase();
            pairs.retain(|(a, b)| {
                !held.iter().any(|e| {
                    (fold(&e.a), fold(&e.b)) == (fold(a), fold(b)) || (fold(&e.a), fold(&e.b)) == (fold(b), fold(a))
                })
            });
        }
        let id = self.merge_teaching(event, theme, (title, body), proposals, author, &pairs)?;
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
        // Merged, it is treated already: setting it aside too would say two things of it.
        if reason.is_some() {
            let merged_into = crate::query::collect(
                self,
                "SELECT c.title FROM consolidated_sources cs JOIN consolidated c ON c.id = cs.consolidated_id
                  WHERE cs.proposal_id = ?1 AND c.deleted = 0 ORDER BY c.title",
                [id.to_string()],
                |r| r.get(0),
                ("recherche des fusions", "looking up merges"),
            )?;
            if !merged_into.is_empty() {
                return Err(Error::MergedNotSetAside { titles: merged_into });
            }
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
            // The suggestions compare letters and digits: « !! » would never match anything.
            for word in [&a, &b] {
                if !word.chars().any(char::is_alphanumeric) {
                    return Err(Error::NoLetterInWord(word.clone()));
                }
            }
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
                Some(title) => {
                    Some(filled(within_or_no_longer(title, Field::Title, || length("title"))?, Field::Title)?)
                }
                None => None,
            },
            body: patch.body.as_deref().map(|b| within_or_no_longer(b, Field::Body, || length("body"))).transpose()?,
            title_base: patch.title_base.as_deref().map(|b| super::clean(b, Field::Title)),
            body_base: patch.body_base.as_deref().map(|b| super::clean(b, Field::Body)),
            ..patch.clone()
        };
        self.edit(
            &DocName::Synthesis(event, theme),
            |txn| schema::edit_consolidated(txn, id, &patch),
            |conn, txn, ()| {
                let now = schema::read_consolidated(txn, id);
                let rebased = [patch.title_base.is_some(), patch.body_base.is_some()];
                let now = now.as_ref().map(|now| [now.title.as_str(), now.body.as_str()]);
                super::rebased_within(conn, "consolidated", &id_text, rebased, now)?;
                project_consolidated(conn, txn, event, theme, id)
            },
        )
    }

    /// Undoes a merge (`true`) or brings it back (`false`): the sources become free again.
    /// `false` when it already was so: nothing is written then.
    pub fn set_consolidated_deleted(&mut self, id: ConsolidatedId, deleted: bool) -> Result<bool, Error> {
        let (event, theme, standing) = self.standing_consolidated(id)?;
        if standing.is_err() == deleted {
            return Ok(false);
        }
        // Brought back, its sources are merged again: one set aside meanwhile would then be
        // both, as a merge of it is refused.
        if !deleted {
            let doc = DocName::Synthesis(event, theme);
            let txn = self.read_doc(&doc)?.transact();
            let aside = schema::read_consolidated(&txn, id)
                .map(|c| c.sources)
                .unwrap_or_default()
                .into_iter()
                .find(|s| schema::set_aside_reason(&txn, s.proposal_id).is_some());
            drop(txn);
            if let Some(source) = aside {
                return Err(Error::SetAsideNotMerged { title: self.proposal_title(source.proposal_id)? });
            }
        }
        self.edit(
            &DocName::Synthesis(event, theme),
            |txn| schema::set_consolidated_deleted(txn, id, deleted),
            |conn, txn, ()| project_consolidated(conn, txn, event, theme, id),
        )?;
        Ok(true)
    }
}
