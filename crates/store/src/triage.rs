//! The rapporteur's triage of a theme, besides merging: proposals set aside, pairs that are
//! not duplicates, the lexicon the event's rapporteurs teach; and the duplicate suggestions
//! that know them. All of it lives in the theme's synthesis document (docs/schema.md).

use std::collections::HashSet;

use recolte_core::ids::{EventId, ProposalId};
use recolte_core::schema::{self, DocName};
use serde::Serialize;
use yrs::Transact;

use crate::error::Error;
use crate::{ProposalFilter, Store};

/// What a rapporteur decided in a theme besides merging.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Triage {
    pub set_aside: Vec<schema::SetAsideRecord>,
    pub not_duplicates: Vec<(ProposalId, ProposalId)>,
    pub lexicon: Vec<schema::LexiconEntry>,
}

/// A theme's duplicate suggestions as they were at one entry of the log. The log's last entry
/// changes with every save and every removal, from any connection, and never comes back to an
/// earlier value (its numbers are never reused), so while it stays, so do the suggestions.
#[derive(Debug)]
pub(crate) struct Suggested {
    event: EventId,
    theme: u32,
    log_seq: i64,
    suggestions: Vec<recolte_core::dedupe::Suggestion>,
}

impl Store {
    /// Likely duplicates among a theme's proposals that are neither deleted, merged nor set
    /// aside, knowing what the event's rapporteurs said: pairs that are not duplicates, and
    /// the lexicon of every theme's synthesis.
    pub fn suggest_duplicates(
        &mut self,
        event: EventId,
        theme: u32,
    ) -> Result<Vec<recolte_core::dedupe::Suggestion>, Error> {
        let log_seq = self.last_log_seq()?;
        if let Some(known) = &self.suggested {
            if (known.event, known.theme, known.log_seq) == (event, theme, log_seq) {
                return Ok(known.suggestions.clone());
            }
        }
        let suggestions = self.suggest_duplicates_now(event, theme)?;
        self.suggested = Some(Suggested { event, theme, log_seq, suggestions: suggestions.clone() });
        Ok(suggestions)
    }

    fn suggest_duplicates_now(
        &mut self,
        event: EventId,
        theme: u32,
    ) -> Result<Vec<recolte_core::dedupe::Suggestion>, Error> {
        let triage = self.triage(event, theme)?;
        let aside: HashSet<ProposalId> = triage.set_aside.iter().map(|r| r.proposal_id).collect();
        let candidates: Vec<recolte_core::dedupe::Candidate> = self
            .proposals(event, &ProposalFilter { theme: Some(theme), ..Default::default() })?
            .into_iter()
            .filter(|p| p.merged_into.is_empty() && !aside.contains(&p.id))
            .map(|p| recolte_core::dedupe::Candidate { id: p.id, title: p.title, body: p.body })
            .collect();
        let mut lexicon: Vec<(String, String)> = Vec::new();
        let themes: Vec<u32> = self.event(event)?.themes.iter().map(|t| t.number).collect();
        for number in themes {
            let name = DocName::Synthesis(event, number);
            let doc = self.read_doc(&name)?;
            lexicon.extend(schema::read_lexicon(&doc.transact()).into_iter().map(|e| (e.a, e.b)));
        }
        let knowledge =
            recolte_core::dedupe::Knowledge { not_duplicates: triage.not_duplicates.into_iter().collect(), lexicon };
        Ok(recolte_core::dedupe::suggest_knowing(&candidates, &knowledge, recolte_core::dedupe::THRESHOLD))
    }

    /// The proposals of an event its rapporteurs set aside, from every theme's synthesis as its
    /// log has it: for exports, which only read the store.
    pub fn set_aside_in_event(&self, event: EventId) -> Result<Vec<schema::SetAsideRecord>, Error> {
        let mut aside = Vec::new();
        for theme in self.event(event)?.themes {
            let doc = crate::log::replay(&self.conn, &DocName::Synthesis(event, theme.number), i64::MAX)?;
            aside.extend(schema::read_set_aside(&doc.transact()));
        }
        Ok(aside)
    }

    /// The rapporteur's triage of a theme, from its synthesis document: proposals set aside,
    /// pairs that are not duplicates, and the theme's lexicon.
    pub fn triage(&mut self, event: EventId, theme: u32) -> Result<Triage, Error> {
        self.check_theme(event, theme)?;
        let name = DocName::Synthesis(event, theme);
        let doc = self.read_doc(&name)?;
        let txn = doc.transact();
        Ok(Triage {
            set_aside: schema::read_set_aside(&txn),
            not_duplicates: schema::read_not_duplicates(&txn),
            lexicon: schema::read_lexicon(&txn),
        })
    }
}
