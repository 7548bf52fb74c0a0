//! Bundles: every document of an event in one checksummed file (see
//! `recolte_core::bundle`), merged on import exactly as network sync merges.

use recolte_core::bundle::{Bundle, BundleDocument, BundleHeader};
use recolte_core::ids::EventId;
use recolte_core::schema::{self, DocName};
use serde::Serialize;
use yrs::{ReadTxn, StateVector, Transact};

use crate::error::{Error, ResultExt};
use crate::snapshots::{self, SnapshotReason};
use crate::write::{catch_up, LogOrigin};
use crate::Store;

/// What to do with a bundle of an event this store does not hold, when it holds others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherEvent {
    /// Refuse it and name it: most likely a key brought from another event.
    Refuse,
    /// Add that event to the store beside the others (the person said so).
    Add,
}

impl From<bool> for OtherEvent {
    /// `--add-event` given (or the person's yes) or not.
    fn from(add: bool) -> OtherEvent {
        match add {
            true => OtherEvent::Add,
            false => OtherEvent::Refuse,
        }
    }
}

/// The event's name as the bundle's programme gives it (its id if it cannot be read).
/// The bundle's programme, read from its event document (sanitised first, as every update
/// from elsewhere is).
fn bundle_event(bundle: &Bundle) -> Option<schema::EventRecord> {
    let document = bundle.documents.iter().find(|d| matches!(d.name, DocName::Event(_)))?;
    let doc = yrs::Doc::new();
    schema::apply_foreign(&doc, &document.update).ok()?;
    let record = schema::read_event(&doc.transact());
    record
}

fn event_name(bundle: &Bundle) -> String {
    bundle_event(bundle).map(|r| r.name).unwrap_or_else(|| bundle.header.event_id.to_string())
}

/// What importing a bundle did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportReport {
    pub event_id: EventId,
    /// Documents in the bundle.
    pub documents: usize,
    /// Documents that brought something this store did not have.
    pub changed: usize,
    /// Bytes appended to the store's logs.
    pub bytes_saved: usize,
}

impl Store {
    /// Every document of the event, in the bundle format.
    pub fn export_bundle(&mut self, event: EventId) -> Result<Vec<u8>, Error> {
        let names = self.documents(event)?;
        if names.is_empty() {
            return Err(Error::UnknownEvent(event.to_string()));
        }
        // One read transaction: the bundle is a consistent picture even if another process
        // writes meanwhile.
        let Store { conn, docs, .. } = self;
        let tx = conn.unchecked_transaction().ctx("lecture du stockage", "reading the store")?;
        let mut documents = Vec::with_capacity(names.len());
        for name in names {
            let cached = catch_up(&tx, docs, &name)?;
            let update = cached.doc.transact().encode_state_as_update_v1(&StateVector::default());
            documents.push(BundleDocument { name, update });
        }
        drop(tx);
        let header = BundleHeader {
            event_id: event,
            created_at: schema::now(),
            producer: format!("recolte {}", env!("CARGO_PKG_VERSION")),
            documents: documents.len() as u32,
        };
        Ok(Bundle { header, documents }.encode())
    }

    /// Merges a bundle. The whole file is checked before anything is written, and the merge
    /// is one transaction: a bad file changes nothing. Importing a bundle twice adds nothing.
    /// A bundle of an event this store does not hold, when it holds others, is refused (a
    /// key brought from another event): see [`OtherEvent`].
    pub fn import_bundle(&mut self, bytes: &[u8]) -> Result<ImportReport, Error> {
        self.import_bundle_with(bytes, OtherEvent::Refuse, |_, _| {})
    }

    /// As [`Store::import_bundle`], adding another event if asked, and telling
    /// `progress(done, total)` after each document (all of them commit together at the end: a
    /// failure changes nothing).
    pub fn import_bundle_with(
        &mut self,
        bytes: &[u8],
        other: OtherEvent,
        progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport, Error> {
        let bundle = Bundle::decode(bytes).map_err(recolte_core::Error::from)?;
        if other == OtherEvent::Refuse {
            let events = self.events()?;
            // The practice event (the sample tried first) is not a reason to refuse the real one.
            let held: Vec<String> = events.iter().filter(|e| !e.practice).map(|e| e.name.clone()).collect();
            if !held.is_empty() && !events.iter().any(|e| e.id == bundle.header.event_id) {
                let name = event_name(&bundle);
                // Two organisers who each imported the programme: the same name, two events.
                if held.contains(&name) {
                    return Err(Error::BundleOfAnotherEventSameName { name });
                }
                return Err(Error::BundleOfAnotherEvent { name, held: held.join(", ") });
            }
        }
        // A bundle of the same event signed with another key: one of them was restored from
        // open data. Merged, the event would hold two keys, one of them arbitrary, and the
        // organisers' invitations could all be refused.
        if let Some(held) = self.events()?.iter().find(|e| e.id == bundle.header.event_id) {
            let held_key = self.event(held.id)?.public_key;
            let their_key = bundle_event(&bundle).and_then(|r| r.public_key);
            if let (Some(ours), Some(theirs)) = (held_key, their_key) {
                if ours != theirs {
                    return Err(Error::BundleOfAnotherKey { name: held.name.clone() });
                }
            }
        }
        self.import_decoded(&bundle, progress)
    }

    fn import_decoded(
        &mut self,
        bundle: &Bundle,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<ImportReport, Error> {
        let mut report = ImportReport {
            event_id: bundle.header.event_id,
            documents: bundle.documents.len(),
            changed: 0,
            bytes_saved: 0,
        };
        // The event document first, so that sessions are known when theirs are projected.
        let mut ordered: Vec<&BundleDocument> = bundle.documents.iter().collect();
        ordered.sort_by_key(|d| !matches!(d.name, DocName::Event(_)));
        let total = ordered.len();
        let (by, at) = (self.author()?, recolte_core::schema::now());
        let what = bundle.header.created_at.clone();
        self.write(("enregistrement du paquet", "saving the bundle"), |write| {
            for (done, document) in ordered.into_iter().enumerate() {
                progress(done, total);
                let before = snapshots::last_entry(write.conn(), &document.name)?;
                if let Some(bytes) = write.foreign(&document.name, &document.update, LogOrigin::Bundle)? {
                    report.changed += 1;
                    report.bytes_saved += bytes;
                    // What the document held before the bundle changed it.
                    if let Some(entry) = before.filter(|_| !matches!(document.name, DocName::Event(_))) {
                        snapshots::insert(
                            write.conn(),
                            &document.name,
                            entry,
                            SnapshotReason::Import,
                            &what,
                            &at,
                            &by,
                        )?;
                    }
                }
            }
            Ok(report)
        })
    }
}
