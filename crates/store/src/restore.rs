//! Restoring an event from a snapshot (the open data an export wrote): every document is
//! rebuilt with the same ids, so that the restored event exports exactly as the original.

use std::collections::BTreeMap;

use recolte_core::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use recolte_core::model::Status;
use recolte_core::programme::Programme;
use recolte_core::schema::{self, ConsolidatedPatch, DocName, NewConsolidated, NewProposal};
use yrs::{Doc, Transact, TransactionMut};

use crate::error::Error;
use crate::Store;

#[derive(Clone, Debug)]
pub struct SnapshotSubgroup {
    pub id: SubgroupId,
    pub session: SessionId,
    pub name: String,
    pub created_at: String,
}

#[derive(Clone, Debug)]
pub struct SnapshotProposal {
    pub id: ProposalId,
    pub session: SessionId,
    /// Set aside by the rapporteur without a merge, and why.
    pub set_aside: Option<schema::SetAsideReason>,
    pub proposal: NewProposal,
}

#[derive(Clone, Debug)]
pub struct SnapshotConsolidated {
    pub id: ConsolidatedId,
    pub theme: u32,
    pub consolidated: NewConsolidated,
    pub status: Status,
    pub priority: Option<u32>,
    /// The panel's dots, summed (open data keeps no names unless asked): restored as one
    /// entry of the member « panel ».
    pub votes: u32,
}

#[derive(Clone, Debug)]
pub struct SnapshotMark {
    pub consolidated: ConsolidatedId,
    pub carry_forward: bool,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug)]
pub struct SnapshotComment {
    pub id: CommentId,
    pub consolidated: ConsolidatedId,
    pub text: String,
    pub author: String,
    pub created_at: String,
}

/// An event as an export describes it.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub event: EventId,
    /// The dots each panel member may give per theme; `None`: the default.
    pub panel_dots: Option<u32>,
    pub programme: Programme,
    /// `session_ids[i]` is the id of `programme.sessions[i]`.
    pub session_ids: Vec<SessionId>,
    pub subgroups: Vec<SnapshotSubgroup>,
    pub proposals: Vec<SnapshotProposal>,
    pub consolidated: Vec<SnapshotConsolidated>,
    pub marks: Vec<SnapshotMark>,
    pub comments: Vec<SnapshotComment>,
}

fn build(name: &DocName, write: impl FnOnce(&mut TransactionMut)) -> (Doc, Vec<u8>) {
    let doc = schema::new_doc_of(name.kind());
    let update = {
        let mut txn = doc.transact_mut_with(schema::ORIGIN_LOCAL);
        write(&mut txn);
        txn.encode_update_v1()
    };
    (doc, update)
}

/// Checks what a snapshot says as the screens check what people type, and cleans its texts
/// the same way (restored data is read from files anyone may edit): every proposal and
/// sub-group in a session of the programme, every consolidated proposal in one of its themes,
/// every comment and mark on a consolidated proposal it holds, no id twice, every title, text,
/// name, tag and comment within its field. A consolidated proposal may cite a proposal the
/// export left out (deleted after the merge, or of a session the exporting device did not
/// hold): its lineage is kept as it was.
fn checked(snapshot: &Snapshot) -> Result<Snapshot, Error> {
    use crate::error::Field;
    use crate::ops::{clean_tags, non_empty, within};
    use recolte_core::{Both, Lang, Localize};
    let invalid = |fr: String, en: String| Error::InvalidRestore { detail: Both::new(fr, en) };
    let text = |(fr, en): (&str, &str), id: &dyn std::fmt::Display, error: Error| {
        invalid(format!("{fr} {id} : {}", error.localize(Lang::Fr)), format!("{en} {id}: {}", error.localize(Lang::En)))
    };
    let (proposal, consolidated) =
        (("la proposition", "proposal"), ("la proposition consolidée", "consolidated proposal"));
    let mut clean = snapshot.clone();
    if let Some(dots) = snapshot.panel_dots {
        crate::error::Setting::Dots
            .check(i64::from(dots))
            .map_err(|e| text(("l'événement", "the event"), &"panel_dots", e))?;
    }
    for p in &mut clean.proposals {
        if !snapshot.session_ids.contains(&p.session) {
            return Err(invalid(
                format!("la proposition {} est d'une session que le programme n'a pas ({})", p.id, p.session),
                format!("proposal {} is in a session the programme does not have ({})", p.id, p.session),
            ));
        }
        p.proposal.title = non_empty(&p.proposal.title, Field::Title).map_err(|e| text(proposal, &p.id, e))?;
        p.proposal.body = within(&p.proposal.body, Field::Body).map_err(|e| text(proposal, &p.id, e))?;
    }
    for c in &mut clean.consolidated {
        if !snapshot.programme.themes.iter().any(|t| t.number == c.theme) {
            return Err(invalid(
                format!("la proposition consolidée {} est d'un thème que le programme n'a pas ({})", c.id, c.theme),
                format!("consolidated proposal {} is in a theme the programme does not have ({})", c.id, c.theme),
            ));
        }
        c.consolidated.title =
            non_empty(&c.consolidated.title, Field::Title).map_err(|e| text(consolidated, &c.id, e))?;
        c.consolidated.body = within(&c.consolidated.body, Field::Body).map_err(|e| text(consolidated, &c.id, e))?;
    }
    for p in &mut clean.proposals {
        p.proposal.tags = clean_tags(&p.proposal.tags).map_err(|e| text(proposal, &p.id, e))?;
    }
    for g in &mut clean.subgroups {
        if !snapshot.session_ids.contains(&g.session) {
            return Err(invalid(
                format!("le sous-groupe {} est d'une session que le programme n'a pas ({})", g.id, g.session),
                format!("sub-group {} is in a session the programme does not have ({})", g.id, g.session),
            ));
        }
        g.name = non_empty(&g.name, Field::Name).map_err(|e| text(("le sous-groupe", "sub-group"), &g.id, e))?;
    }
    for p in &clean.proposals {
        let Some(id) = p.proposal.subgroup else { continue };
        if !clean.subgroups.iter().any(|g| g.id == id && g.session == p.session) {
            return Err(invalid(
                format!("la proposition {} nomme un sous-groupe que sa session n'a pas ({id})", p.id),
                format!("proposal {} names a sub-group its session does not have ({id})", p.id),
            ));
        }
    }
    let held = |id: &ConsolidatedId| snapshot.consolidated.iter().any(|c| c.id == *id);
    for c in &mut clean.comments {
        if !held(&c.consolidated) {
            return Err(invalid(
                format!("le commentaire {} porte sur une proposition consolidée absente ({})", c.id, c.consolidated),
                format!("comment {} is on a consolidated proposal the data does not hold ({})", c.id, c.consolidated),
            ));
        }
        c.text = non_empty(&c.text, Field::Comment).map_err(|e| text(("le commentaire", "comment"), &c.id, e))?;
    }
    if let Some(m) = clean.marks.iter().find(|m| !held(&m.consolidated)) {
        return Err(invalid(
            format!("une marque porte sur une proposition consolidée absente ({})", m.consolidated),
            format!("a mark is on a consolidated proposal the data does not hold ({})", m.consolidated),
        ));
    }
    let twice = |ids: Vec<String>| -> Option<String> {
        let mut seen = std::collections::HashSet::new();
        ids.into_iter().find(|id| !seen.insert(id.clone()))
    };
    let repeated = twice(clean.proposals.iter().map(|p| p.id.to_string()).collect())
        .or_else(|| twice(clean.consolidated.iter().map(|c| c.id.to_string()).collect()))
        .or_else(|| twice(clean.subgroups.iter().map(|g| g.id.to_string()).collect()))
        .or_else(|| twice(clean.comments.iter().map(|c| c.id.to_string()).collect()));
    if let Some(id) = repeated {
        return Err(invalid(format!("l'identifiant {id} figure deux fois"), format!("the id {id} appears twice")));
    }
    Ok(clean)
}

impl Store {
    /// Rebuilds an event from a snapshot, in one transaction. The event must not be in this
    /// store already, nor another one unless `other` says to add it beside (the practice event
    /// too: every command would then have to name its event). A new signing key is made: tokens
    /// of the original event do not apply.
    pub fn restore(&mut self, snapshot: &Snapshot, other: crate::OtherEvent) -> Result<EventId, Error> {
        let event = snapshot.event;
        let events = self.events()?;
        if let Some(held) = events.iter().find(|e| e.id == event) {
            return Err(Error::EventExists(held.name.clone()));
        }
        let held: Vec<&str> = events.iter().map(|e| e.name.as_str()).collect();
        if other == crate::OtherEvent::Refuse && !held.is_empty() {
            return Err(Error::RestoreBesideAnotherEvent {
                name: snapshot.programme.name.clone(),
                held: held.join(", "),
            });
        }
        let snapshot = &checked(snapshot)?;
        let keys = recolte_core::token::generate_keys().map_err(Error::Token)?;
        let mut documents: Vec<(DocName, Doc, Vec<u8>)> = Vec::new();

        let name = DocName::Event(event);
        let (doc, update) = build(&name, |txn| {
            schema::write_programme_with_ids(txn, event, &snapshot.programme, &keys.public, &snapshot.session_ids);
            if let Some(dots) = snapshot.panel_dots {
                schema::set_dots_per_theme(txn, dots);
            }
        });
        documents.push((name, doc, update));

        for session in &snapshot.session_ids {
            let name = DocName::Session(event, *session);
            let (doc, update) = build(&name, |txn| {
                for g in snapshot.subgroups.iter().filter(|g| g.session == *session) {
                    schema::insert_subgroup(txn, g.id, &g.name, &g.created_at);
                }
                for p in snapshot.proposals.iter().filter(|p| p.session == *session) {
                    schema::insert_proposal(txn, p.id, &p.proposal);
                }
            });
            documents.push((name, doc, update));
        }

        let mut by_theme: BTreeMap<u32, Vec<&SnapshotConsolidated>> = BTreeMap::new();
        for theme in &snapshot.programme.themes {
            by_theme.entry(theme.number).or_default();
        }
        for c in &snapshot.consolidated {
            by_theme.entry(c.theme).or_default().push(c);
        }
        let theme_of = |session: &SessionId| {
            let index = snapshot.session_ids.iter().position(|s| s == session);
            index.and_then(|i| snapshot.programme.sessions.get(i)).map(|s| s.theme)
        };
        for (theme, records) in by_theme {
            let name = DocName::Synthesis(event, theme);
            let (doc, update) = build(&name, |txn| {
                for p in snapshot.proposals.iter().filter(|p| theme_of(&p.session) == Some(theme)) {
                    if let Some(reason) = p.set_aside {
                        schema::set_aside(txn, p.id, Some(reason), "", &p.proposal.created_at);
                    }
                }
                for c in records {
                    schema::insert_consolidated(txn, c.id, &c.consolidated);
                    let patch =
                        ConsolidatedPatch { status: Some(c.status), priority: Some(c.priority), ..Default::default() };
                    let _ = schema::edit_consolidated(txn, c.id, &patch);
                }
            });
            documents.push((name, doc, update));
        }

        let name = DocName::Panel(event);
        let (doc, update) = build(&name, |txn| {
            for m in &snapshot.marks {
                schema::set_mark(txn, m.consolidated, m.carry_forward, &m.by, &m.at);
            }
            for c in &snapshot.comments {
                schema::insert_comment(txn, c.id, c.consolidated, &c.text, &c.author, &c.created_at);
            }
            for c in snapshot.consolidated.iter().filter(|c| c.votes > 0) {
                schema::set_votes(txn, c.id, "panel", c.votes, &c.consolidated.created_at);
            }
        });
        documents.push((name, doc, update));

        self.write(("enregistrement de l'événement restauré", "saving the restored event"), |write| {
            crate::ops::save_event_keys(write.conn(), event, &keys)?;
            for (name, doc, update) in documents {
                write.new_document(name, doc, &update)?;
            }
            Ok(())
        })?;
        Ok(event)
    }
}
