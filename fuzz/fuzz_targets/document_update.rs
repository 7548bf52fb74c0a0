//! Yjs updates and state vectors as a peer sends them: applying never panics (nor touches
//! freed memory), and the tolerant readers read whatever shape the document ends up with.
//! Updates go through `recolte_core::schema::sanitize_update` first, as everywhere Récolte
//! applies an update from outside.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_core::schema::{self, new_doc_of, DocKind};
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact};

fuzz_target!(|data: &[u8]| {
    if let Ok(sv) = StateVector::decode_v1(data) {
        let doc = new_doc_of(DocKind::Session);
        let _ = doc.transact().encode_diff_v1(&sv);
    }
    for kind in [DocKind::Event, DocKind::Session, DocKind::Synthesis, DocKind::Panel] {
        let Ok(update) = schema::sanitize_update(data) else { return };
        let doc = new_doc_of(kind);
        let _ = doc.transact_mut().apply_update(update);
        let txn = doc.transact();
        let _ = schema::read_event(&txn);
        let _ = schema::read_subgroups(&txn);
        let _ = schema::read_proposals(&txn);
        let _ = schema::read_consolidated_all(&txn);
        let _ = schema::read_marks(&txn);
        let _ = schema::read_comments(&txn);
    }
});
