//! Yjs updates and state vectors as a peer sends them: applying never panics, and the
//! tolerant readers read whatever shape the document ends up with.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_core::schema::{self, new_doc_of, DocKind};
use yrs::updates::decoder::Decode;
use yrs::{ReadTxn, StateVector, Transact, Update};

fuzz_target!(|data: &[u8]| {
    if let Ok(sv) = StateVector::decode_v1(data) {
        let doc = new_doc_of(DocKind::Session);
        let _ = doc.transact().encode_diff_v1(&sv);
    }
    let Ok(update) = Update::decode_v1(data) else { return };
    for kind in [DocKind::Event, DocKind::Session, DocKind::Synthesis, DocKind::Panel] {
        let doc = new_doc_of(kind);
        let update = match Update::decode_v1(data) {
            Ok(update) => update,
            Err(_) => return,
        };
        let _ = doc.transact_mut().apply_update(update);
        let txn = doc.transact();
        let _ = schema::read_event(&txn);
        let _ = schema::read_subgroups(&txn);
        let _ = schema::read_proposals(&txn);
        let _ = schema::read_consolidated_all(&txn);
        let _ = schema::read_marks(&txn);
        let _ = schema::read_comments(&txn);
    }
    drop(update);
});
