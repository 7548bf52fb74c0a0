//! Every wording a proposal or a consolidated proposal had, read back from its document's log:
//! the log is replayed, one entry at a time, into a fresh document, and the record is read after
//! each; a version is kept where it changed. Restoring writes the old wording back as a new
//! edit, applied by difference, so that it merges with concurrent edits like any other.
//!
//! What `store compact` folded into one entry is one version: history starts there.

use jiff::Timestamp;
use recolte_core::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId};
use recolte_core::model::{Kind, Status};
use recolte_core::schema::{self, ConsolidatedPatch, DocName};
use serde::Serialize;
use yrs::Transact;

use crate::error::Error;
use crate::{ProposalUpdate, Store};

/// One wording of a record, as it stood after a log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Version {
    /// 1 for the oldest.
    pub version: usize,
    /// When the entry that made it reached this device (RFC 3339).
    pub at: String,
    /// Where it came from: `local` (typed here), `hub`, `bundle` or `snapshot` (compacted).
    pub origin: String,
    /// Who made it: the name recorded in the document for the Yjs client that wrote it
    /// (`authors`, see docs/schema.md), on any device; none when the writer recorded no name
    /// (a client that is not Récolte, or before a name was given) or for what a compaction folded.
    pub by: Option<String>,
    pub title: String,
    pub body: String,
    /// The proposal's kind, or the consolidated proposal's status.
    pub state: String,
    /// A captured proposal's sub-group (its name then, and its id), if it had one.
    pub subgroup: Option<String>,
    pub subgroup_id: Option<String>,
    pub deleted: bool,
}

/// A record whose wording has a history.
#[derive(Clone, Copy)]
enum Wordable {
    Proposal(ProposalId),
    Consolidated(ConsolidatedId),
    Comment(CommentId),
}

#[derive(Clone, PartialEq, Eq)]
struct Wording {
    title: String,
    body: String,
    state: String,
    /// A captured proposal's sub-group: its id and its name then.
    subgroup: Option<(String, String)>,
    deleted: bool,
}

impl Store {
    fn versions(
        &self,
        name: &DocName,
        read: impl Fn(&yrs::Transaction) -> Option<Wording>,
    ) -> Result<Vec<Version>, Error> {
        let entries = crate::log::all_entries(&self.conn, name)?;
        let me = Some(self.author()?).filter(|name| !name.is_empty());
        let doc = schema::new_doc_of(name.kind());
        let mut versions: Vec<Version> = Vec::new();
        // The Yjs clients that wrote each version's entry: their names are read at the end.
        let mut writers: Vec<Vec<u64>> = Vec::new();
        let mut last: Option<Wording> = None;
        for entry in entries {
            // An entry that no longer reads is a damaged log, said as everywhere else: a
            // history without it would offer to restore wordings that lack words.
            let update = entry.update(name)?;
            let clients: Vec<u64> = update.state_vector_lower().iter().map(|(client, _)| client.get()).collect();
            doc.transact_mut_with(schema::ORIGIN_REMOTE)
                .apply_update(update)
                .map_err(|e| crate::log::corrupt(name, entry.seq, e))?;
            let crate::log::Entry { saved_at: at, origin, .. } = entry;
            let now = read(&doc.transact());
            if let Some(w) = now.clone().filter(|_| now != last) {
                let local = origin == crate::write::LogOrigin::Local.as_str();
                versions.push(Version {
                    version: versions.len() + 1,
                    at,
                    by: if local { me.clone() } else { None },
                    origin,
                    title: w.title,
                    body: w.body,
                    state: w.state,
                    subgroup_id: w.subgroup.as_ref().map(|(id, _)| id.clone()),
                    subgroup: w.subgroup.map(|(_, name)| name),
                    deleted: w.deleted,
                });
                writers.push(clients);
                last = now;
            }
        }
        // A folded entry (compaction) holds many writers: it names none.
        let authors = schema::read_authors(&doc.transact());
        for (version, clients) in versions.iter_mut().zip(writers) {
            let mut names: Vec<&str> = clients.iter().filter_map(|c| authors.get(c).map(String::as_str)).collect();
            names.dedup();
            if names.len() == 1 && version.origin != crate::write::LogOrigin::Snapshot.as_str() {
                version.by = Some(names[0].to_owned());
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
                subgroup: p.subgroup.map(|group| {
                    let name = schema::read_subgroups(txn).into_iter().find(|g| g.id == group).map(|g| g.name);
                    (group.to_string(), name.unwrap_or_default())
                }),
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
                subgroup: None,
                deleted: c.deleted,
            })
        })
    }

    /// Every text a panel comment had (its state: `comment`), oldest first.
    pub fn comment_history(&self, id: CommentId) -> Result<Vec<Version>, Error> {
        let event = self.comment_home(id)?;
        self.versions(&DocName::Panel(event), |txn| {
            schema::read_comments(txn).into_iter().find(|c| c.id == id).map(|c| Wording {
                title: String::new(),
                body: c.text,
                state: "comment".to_owned(),
                subgroup: None,
                deleted: c.deleted,
            })
        })
    }

    /// The event of a panel comment.
    pub(crate) fn comment_home(&self, id: CommentId) -> Result<EventId, Error> {
        let found: Option<String> = self.lookup(
            "SELECT event_id FROM panel_comments WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
            ("recherche du commentaire", "looking up the comment"),
        )?;
        let event =
            found.and_then(|e| e.parse().ok()).ok_or_else(|| recolte_core::Error::UnknownComment(id.to_string()))?;
        self.within_scope(event, &id.to_string())?;
        Ok(event)
    }

    /// Which record `id` names, and its event: a captured proposal, a consolidated one, or a
    /// panel comment.
    fn wording_of(&self, id: &str) -> Result<(Wordable, EventId), Error> {
        // Not this kind of record: the next kind is tried. Another event's: said so.
        let other_event = |error: &Error| matches!(error, Error::OtherEvent { .. });
        let proposal: ProposalId = id.parse()?;
        match self.proposal_home(proposal) {
            Ok((event, _)) => return Ok((Wordable::Proposal(proposal), event)),
            Err(error) if other_event(&error) => return Err(error),
            Err(_) => {}
        }
        let comment: CommentId = id.parse()?;
        match self.comment_home(comment) {
            Ok(event) => return Ok((Wordable::Comment(comment), event)),
            Err(error) if other_event(&error) => return Err(error),
            Err(_) => {}
        }
        let consolidated: ConsolidatedId = id.parse()?;
        Ok((Wordable::Consolidated(consolidated), self.consolidated_home(consolidated)?.0))
    }

    /// The versions of a captured or a consolidated proposal or a comment, whichever `id` names.
    pub fn wording_history(&self, id: &str) -> Result<Vec<Version>, Error> {
        match self.wording_of(id)?.0 {
            Wordable::Proposal(proposal) => self.proposal_history(proposal),
            Wordable::Consolidated(consolidated) => self.consolidated_history(consolidated),
            Wordable::Comment(comment) => self.comment_history(comment),
        }
    }

    /// The version of `id` that stood at `at` (the last one at or before it; `at` as
    /// [`parse_moment`] reads it, a time alone meaning today in the event's time zone).
    pub fn version_at(&self, id: &str, at: &str) -> Result<usize, Error> {
        let event = self.wording_of(id)?.1;
        let versions = self.wording_history(id)?;
        let timezone = self.event(event)?.timezone;
        let at = parse_moment(at, None, &timezone)?;
        versions
            .iter()
            .rev()
            .find(|v| v.at.parse::<Timestamp>().is_ok_and(|t| stood_by(t, at)))
            .map(|v| v.version)
            .ok_or_else(|| Error::NoVersionYet(local_moment(&at.to_string(), Some(&timezone))))
    }

    /// Restores a version of whichever record `id` names: a captured proposal or a consolidated one.
    pub fn restore_version(&mut self, id: &str, version: usize) -> Result<(), Error> {
        match self.wording_of(id)?.0 {
            Wordable::Proposal(proposal) => self.restore_proposal_version(proposal, version),
            Wordable::Consolidated(consolidated) => self.restore_consolidated_version(consolidated, version),
            Wordable::Comment(comment) => self.restore_comment_version(comment, version),
        }
    }

    /// Writes a former text of a panel comment back (and whether it was deleted) as a new edit.
    pub fn restore_comment_version(&mut self, id: CommentId, version: usize) -> Result<(), Error> {
        let versions = self.comment_history(id)?;
        let v = pick(&versions, version)?.clone();
        let name = DocName::Panel(self.comment_home(id)?);
        self.edit(
            &name,
            |txn| schema::restore_comment(txn, id, &v.body, v.deleted),
            |conn, txn, ()| crate::projection::project_document(conn, &name, txn),
        )
    }

    /// Writes a former wording back (title, text, kind or status) as a new edit.
    pub fn restore_proposal_version(&mut self, id: ProposalId, version: usize) -> Result<(), Error> {
        let versions = self.proposal_history(id)?;
        let v = pick(&versions, version)?;
        // Its wording written back would not show (it said « Version restaurée » and the
        // proposal stayed deleted).
        if self.proposal_deleted(id)? == Some(true) {
            return Err(Error::DeletedNotReworded(
                versions.last().map_or_else(|| v.title.clone(), |l| l.title.clone()),
            ));
        }
        let kind: Kind = v.state.parse()?;
        let update = ProposalUpdate {
            title: Some(v.title.clone()),
            body: Some(v.body.clone()),
            kind: Some(kind),
            subgroup: Some(v.subgroup_id.clone()),
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
            ..Default::default()
        };
        self.edit_consolidated(id, &patch)
    }
}

fn pick(versions: &[Version], version: usize) -> Result<&Version, Error> {
    versions.get(version.wrapping_sub(1)).ok_or(Error::UnknownVersion { version, count: versions.len() })
}

/// A session or a synthesis as it stood at a moment, read back from this device's log (what had
/// reached this device by then), read only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Moment<T> {
    /// The moment asked for (RFC 3339), or the last change when none was.
    pub at: String,
    /// Every moment the document changed on this device, oldest first: the steps of a slider.
    pub moments: Vec<String>,
    pub content: T,
}

/// A session's sub-groups and proposals at a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SessionContent {
    pub subgroups: Vec<schema::SubgroupRecord>,
    pub proposals: Vec<schema::ProposalRecord>,
}

impl Store {
    /// A session as it stood at `at` (see [`parse_moment`] for what `at` may be).
    pub fn session_at(&self, session: SessionId, at: Option<&str>) -> Result<Moment<SessionContent>, Error> {
        let event = self.session_event(session)?;
        let view = self.event(event)?;
        let date = view.sessions.iter().find(|s| s.id == session).map(|s| s.date.clone());
        let at = at.map(|text| parse_moment(text, date.as_deref(), &view.timezone)).transpose()?;
        self.moment(&DocName::Session(event, session), at, |txn| SessionContent {
            subgroups: schema::read_subgroups(txn),
            proposals: schema::read_proposals(txn),
        })
    }

    /// A theme's consolidated proposals as they stood at `at`.
    pub fn synthesis_at(
        &self,
        event: EventId,
        theme: u32,
        at: Option<&str>,
    ) -> Result<Moment<Vec<schema::ConsolidatedRecord>>, Error> {
        self.check_theme(event, theme)?;
        let timezone = self.event(event)?.timezone;
        let at = at.map(|text| parse_moment(text, None, &timezone)).transpose()?;
        self.moment(&DocName::Synthesis(event, theme), at, |txn| schema::read_consolidated_all(txn))
    }

    fn moment<T>(
        &self,
        name: &DocName,
        at: Option<Timestamp>,
        read: impl Fn(&yrs::Transaction) -> T,
    ) -> Result<Moment<T>, Error> {
        let entries = crate::log::all_entries(&self.conn, name)?;
        let doc = schema::new_doc_of(name.kind());
        let mut moments: Vec<String> = Vec::new();
        let mut last = None;
        {
            let mut txn = doc.transact_mut_with(schema::ORIGIN_REMOTE);
            for entry in &entries {
                let saved_at = &entry.saved_at;
                let when = saved_at.parse::<Timestamp>().ok();
                if moments.last() != Some(saved_at) {
                    moments.push(saved_at.clone());
                }
                if at.is_some_and(|at| when.is_some_and(|when| !stood_by(when, at))) {
                    continue;
                }
                // An entry that no longer reads is a damaged log: a moment without it, restored,
                // would write back a text that lacks words.
                entry.apply(&mut txn, name)?;
                last = Some(saved_at.clone());
            }
        }
        let content = read(&doc.transact());
        // Asked for no moment, of a document with nothing yet: it stands so now.
        let at = at.map(|a| a.to_string()).or(last).unwrap_or_else(|| {
            Timestamp::from_second(Timestamp::now().as_second()).map(|t| t.to_string()).unwrap_or_default()
        });
        Ok(Moment { at, moments, content })
    }
}

/// A moment as people write it: an RFC 3339 timestamp (`2025-10-01T15:30:00+02:00`), a date and
/// a time in the event's time zone (`2025-10-01 15:30`), or a time alone (`15:30`, `15h30`) on
/// `date` (the session's day) or, without one, today in the event's time zone.
pub fn parse_moment(text: &str, date: Option<&str>, timezone: &str) -> Result<Timestamp, Error> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        return Ok(at);
    }
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let civil = |date: &str, time: &str| -> Option<Timestamp> {
        let time = time.replace(['h', 'H'], ":");
        let time = if time.ends_with(':') { format!("{time}00") } else { time };
        // 9:30 and 9h30 as people write them in the morning.
        let time = if time.find(':') == Some(1) { format!("0{time}") } else { time };
        let parsed: jiff::civil::DateTime = format!("{date}T{time}").parse().ok()?;
        parsed.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
    };
    let found = match text.split_once([' ', 'T']) {
        Some((day, time)) => civil(day, time),
        None => {
            let today = Timestamp::now().to_zoned(zone.clone()).date().to_string();
            civil(date.unwrap_or(&today), text)
        }
    };
    found.ok_or_else(|| Error::BadMoment(text.chars().take(60).collect()))
}

/// Whether what was saved at `saved` stood by `at`. Moments are shown and typed to the second
/// (see [`local_moment`]): a change saved at 15:30:12.218 stood at the « 15:30:12 » its history
/// shows. A moment given finer (RFC 3339 with a fraction, as the JSON gives it) is taken as it is.
fn stood_by(saved: Timestamp, at: Timestamp) -> bool {
    if at.subsec_nanosecond() == 0 {
        saved.as_second() <= at.as_second()
    } else {
        saved <= at
    }
}

pub use recolte_core::moment::local_moment;

#[cfg(test)]
mod tests {
    use super::{local_moment, parse_moment};

    #[test]
    fn a_moment_is_shown_on_the_event_clock_and_reads_back_the_same() {
        let paris = Some("Europe/Paris");
        assert_eq!(local_moment("2025-10-01T13:30:00Z", paris), "2025-10-01 15:30");
        assert_eq!(local_moment("2025-10-01T13:30:12.218Z", paris), "2025-10-01 15:30:12");
        // Winter time, and a moment written with its own offset.
        assert_eq!(local_moment("2026-11-28T06:38:28Z", paris), "2026-11-28 07:38:28");
        assert_eq!(local_moment("2025-10-01T15:30:00+02:00", Some("America/Montreal")), "2025-10-01 09:30");
        for at in ["2025-10-01T13:30:12Z", "2026-11-28T06:38:00Z"] {
            let shown = local_moment(at, paris);
            let back = parse_moment(&shown, None, "Europe/Paris").unwrap();
            assert_eq!(back, at.parse::<jiff::Timestamp>().unwrap(), "{shown}");
        }
        assert_eq!(local_moment("pas un moment", paris), "pas un moment");
        assert_eq!(local_moment("2025-10-01T13:30:00Z", Some("Mars/Olympus")).len(), "2025-10-01 15:30".len());
    }

    #[test]
    fn moments_are_read_as_people_write_them() {
        let paris = "Europe/Paris";
        let at = |text: &str, date| parse_moment(text, date, paris).map(|t| t.to_string());
        assert_eq!(at("2025-10-01T15:30:00+02:00", None).unwrap(), "2025-10-01T13:30:00Z");
        assert_eq!(at("2025-10-01 15:30", None).unwrap(), "2025-10-01T13:30:00Z");
        assert_eq!(at("15:30", Some("2025-10-01")).unwrap(), "2025-10-01T13:30:00Z");
        assert_eq!(at("15h30", Some("2025-10-01")).unwrap(), "2025-10-01T13:30:00Z");
        assert_eq!(at("15h", Some("2025-10-02")).unwrap(), "2025-10-02T13:00:00Z");
        assert_eq!(at("9h30", Some("2025-10-01")).unwrap(), "2025-10-01T07:30:00Z");
        assert_eq!(at("9:05", Some("2025-10-01")).unwrap(), "2025-10-01T07:05:00Z");
        assert_eq!(at("2025-10-01 9h", None).unwrap(), "2025-10-01T07:00:00Z");
        assert!(at("15:30", None).is_ok(), "a time alone is today's");
        for wrong in ["", "demain", "25:00", "2025-13-01 10:00"] {
            assert!(at(wrong, Some("2025-10-01")).is_err(), "{wrong:?}");
        }
    }
}
