//! Snapshots taken by hand, with a name: records of their own in the document they are of, so
//! that every device that holds the document can read and restore them. Each holds the
//! document's content as it stood (a Yjs update of the whole document, garbage-collected,
//! without the snapshots themselves, so that one snapshot never carries the others).

use super::*;
use yrs::updates::decoder::Decode;
use yrs::{StateVector, Update};

/// Root map of the session, synthesis and panel documents: snapshots taken by hand.
pub const SNAPSHOTS: &str = "snapshots";

/// A snapshot taken by hand, as a document holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRecord {
    /// A UUID v7.
    pub id: String,
    pub name: String,
    pub taken_at: String,
    pub taken_by: String,
    /// The document as it stood: a Yjs v1 update of the whole document.
    pub state: Vec<u8>,
}

/// The content of a document as one update, without its snapshots: what a snapshot keeps.
pub fn content_state<T: ReadTxn>(txn: &T, kind: DocKind) -> Vec<u8> {
    let whole = txn.encode_state_as_update_v1(&StateVector::default());
    let copy = new_doc_of(kind);
    {
        let mut copy_txn = copy.transact_mut_with(ORIGIN_REMOTE);
        if let Ok(update) = Update::decode_v1(&whole) {
            let _ = copy_txn.apply_update(update);
        }
        // Removed from the copy only: what they held is collected, not carried.
        let snapshots = copy_txn.get_or_insert_map(SNAPSHOTS);
        snapshots.clear(&mut copy_txn);
    }
    let state = copy.transact().encode_state_as_update_v1(&StateVector::default());
    state
}

/// Records a snapshot of the document as it stands, taken by hand.
pub fn take_snapshot(txn: &mut TransactionMut, kind: DocKind, id: &str, name: &str, by: &str, at: &str) {
    let state = content_state(txn, kind);
    let record = MapPrelim::from([
        ("name", yrs::In::Any(Any::from(name))),
        ("taken_at", yrs::In::Any(Any::from(at))),
        ("taken_by", yrs::In::Any(Any::from(by))),
        ("state", yrs::In::Any(Any::Buffer(state.into()))),
    ]);
    txn.get_or_insert_map(SNAPSHOTS).insert(txn, id, record);
}

/// How many snapshots a document holds (without reading them).
pub fn snapshot_count<T: ReadTxn>(txn: &T) -> u32 {
    txn.get_map(SNAPSHOTS).map_or(0, |root| root.len(txn))
}

/// The snapshots a document holds, oldest first.
pub fn read_snapshots<T: ReadTxn>(txn: &T) -> Vec<SnapshotRecord> {
    let mut records = read_all(txn, SNAPSHOTS, |txn, key, map| {
        let state = match map.get(txn, "state")? {
            Out::Any(Any::Buffer(bytes)) => bytes.to_vec(),
            _ => return None,
        };
        Some(SnapshotRecord {
            id: key.to_owned(),
            name: get_str(txn, map, "name").unwrap_or_default(),
            taken_at: get_str(txn, map, "taken_at").unwrap_or_default(),
            taken_by: get_str(txn, map, "taken_by").unwrap_or_default(),
            state,
        })
    });
    records.sort_by(|a, b| (&a.taken_at, &a.id).cmp(&(&b.taken_at, &b.id)));
    records
}

/// A document rebuilt from a snapshot's state.
pub fn snapshot_doc(kind: DocKind, state: &[u8]) -> Result<Doc, String> {
    let doc = new_doc_of(kind);
    let update = Update::decode_v1(state).map_err(|e| e.to_string())?;
    doc.transact_mut_with(ORIGIN_REMOTE).apply_update(update).map_err(|e| e.to_string())?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_the_content_and_never_the_other_snapshots() {
        let doc = new_doc_of(DocKind::Session);
        let mut txn = doc.transact_mut();
        let id = add_proposal(&mut txn, &NewProposal { title: "Former les élus".into(), ..Default::default() });
        take_snapshot(&mut txn, DocKind::Session, "first", "Avant la pause", "Camille", "2025-10-01T12:00:00Z");
        let first = read_snapshots(&txn)[0].state.len();
        take_snapshot(&mut txn, DocKind::Session, "second", "Après la pause", "Camille", "2025-10-01T13:00:00Z");
        let snapshots = read_snapshots(&txn);
        assert_eq!(snapshots.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Avant la pause", "Après la pause"]);
        // The second holds the first only as a collected deletion, not its bytes.
        assert!(snapshots[1].state.len() < first + 64, "{} against {first}", snapshots[1].state.len());
        let then = snapshot_doc(DocKind::Session, &snapshots[0].state).unwrap();
        assert_eq!(read_proposal(&then.transact(), id).unwrap().title, "Former les élus");
        assert!(read_snapshots(&then.transact()).is_empty());
        assert!(snapshot_doc(DocKind::Session, b"not an update").is_err());
    }
}
