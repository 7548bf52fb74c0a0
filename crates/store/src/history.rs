//! Every wording a proposal or a consolidated proposal had, read back from its document's log:
//! the log is replayed, one entry at a time, into a fresh document, and the record is read after
//! each; a version is kept where it changed. Restoring writes the old wording back as a new
//! edit, applied by difference, so that it merges with concurrent edits like any other.
//!
//! What `store compact` folded into one entry is one version: history starts there.

use recolte_core::ids::{ConsolidatedId, ProposalId};
use recolte_core::model::{Kind, Status};
use recolte_core::schema::{self, ConsolidatedPatch, DocName};
use rusqlite::params;
use serde::Serialize;
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

use crate::error::{Error, ResultExt};
use crate::{ProposalUpdate, Store};

/// One wording of a record, as it stood after a log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    /// 1 for the oldest.
    pub version: usize,
    /// When the entry that made it reached this device (RFC 3339).
    pub at: String,
    /// Where it came from: `local` (typed here), `hub`, `bundle` or `snapshot` (compacted).
    pub origin: String,
    pub title: String,
    pub body: String,
    /// The proposal's kind, or the consolidated proposal's status.
    pub state: String,
    pub deleted: bool,
}

#[derive(Clone, PartialEq, Eq)]
struct Wording {
    title: String,
    body: String,
    state: String,
    deleted: bool,
}

impl Store {
    fn versions(
        &self,
        name: &DocName,
        read: impl Fn(&yrs::Transaction) -> Option<Wording>,
    ) -> Result<Vec<Version>, Error> {
        let rows: Vec<(i64, Vec<u8>, String, String)> = self
            .conn
            .prepare_cached("SELECT seq, data, saved_at, origin FROM doc_updates WHERE doc = ?1 ORDER BY seq")
            .and_then(|mut stmt| {
                stmt.query_map(params![name.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture du journal", "reading the log")?;
        let doc = schema::new_doc_of(name.kind());
        let mut versions: Vec<Version> = Vec::new();
        let mut last: Option<Wording> = None;
        for (_, data, at, origin) in rows {
            {
                let mut txn = doc.transact_mut_with(schema::ORIGIN_REMOTE);
                // An entry that no longer reads is left out, as a reload of the document does.
                if let Ok(update) = Update::decode_v1(&data) {
                    let _ = txn.apply_update(update);
                }
            }
            let now = read(&doc.transact());
            if let Some(w) = now.clone().filter(|_| now != last) {
                versions.push(Version {
                    version: versions.len() + 1,
                    at,
                    origin,
                    title: w.title,
                    body: w.body,
                    state: w.state,
                    deleted: w.deleted,
                });
                last = now;
            }
        }
        Ok(versions)
    }

    /// Every wording a captured proposal had, oldest first.
    pub fn proposal_history(&self, id: ProposalId) -> Result<Vec<Version>, Error> {
        let (event, session) = self.proposal_home(id)?;
        self.versions(&DocName::Session(event, session), |txn| {
            schema::read_proposal(txn, id).map(|p| Wording {
                title: p.title,
                body: p.body,
                state: p.kind.as_str().to_owned(),
                deleted: p.deleted,
            })
        })
    }

    /// Every wording a consolidated proposal had, oldest first.
    pub fn consolidated_history(&self, id: ConsolidatedId) -> Result<Vec<Version>, Error> {
        let (event, theme) = self.consolidated_home(id)?;
        self.versions(&DocName::Synthesis(event, theme), |txn| {
            schema::read_consolidated(txn, id).map(|c| Wording {
                title: c.title,
                body: c.body,
                state: c.status.as_str().to_owned(),
                deleted: c.deleted,
            })
        })
    }

    /// Restores a version of whichever record `id` names: a captured proposal or a consolidated one.
    /// The versions of a captured or a consolidated proposal, whichever `id` names.
    pub fn wording_history(&self, id: &str) -> Result<Vec<Version>, Error> {
        let proposal: ProposalId = id.parse()?;
        if self.proposal_home(proposal).is_ok() {
            return self.proposal_history(proposal);
        }
        self.consolidated_history(id.parse()?)
    }

    pub fn restore_version(&mut self, id: &str, version: usize) -> Result<(), Error> {
        let proposal: ProposalId = id.parse()?;
        if self.proposal_home(proposal).is_ok() {
            return self.restore_proposal_version(proposal, version);
        }
        self.restore_consolidated_version(id.parse()?, version)
    }

    /// Writes a former wording back (title, text, kind or status) as a new edit.
    pub fn restore_proposal_version(&mut self, id: ProposalId, version: usize) -> Result<(), Error> {
        let versions = self.proposal_history(id)?;
        let v = pick(&versions, version)?;
        let kind: Kind = v.state.parse()?;
        let update = ProposalUpdate {
            title: Some(v.title.clone()),
            body: Some(v.body.clone()),
            kind: Some(kind),
            ..Default::default()
        };
        self.edit_proposal(id, &update)
    }

    /// The same for a consolidated proposal.
    pub fn restore_consolidated_version(&mut self, id: ConsolidatedId, version: usize) -> Result<(), Error> {
        let versions = self.consolidated_history(id)?;
        let v = pick(&versions, version)?;
        let status: Status = v.state.parse()?;
        let patch = ConsolidatedPatch {
            title: Some(v.title.clone()),
            body: Some(v.body.clone()),
            status: Some(status),
            priority: None,
        };
        self.edit_consolidated(id, &patch)
    }
}

fn pick(versions: &[Version], version: usize) -> Result<&Version, Error> {
    versions.get(version.wrapping_sub(1)).ok_or(Error::UnknownVersion { version, count: versions.len() })
}
