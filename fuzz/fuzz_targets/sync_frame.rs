//! WebSocket frames from any client, as the hub's room receives them: never a panic, and a
//! refused frame leaves the room's document as it was. A deflated frame (from a device that
//! asked for them) is inflated as the hub does, within a limit, and what it holds goes the same way.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_core::access::Access;
use recolte_core::schema::{add_proposal, new_doc_of, DocKind, NewProposal};
use recolte_sync::protocol::{Presence, Room};
use yrs::{ReadTxn, StateVector, Transact};

fuzz_target!(|data: &[u8]| {
    let inflated;
    let data = if recolte_sync::deflate::is_deflated(data) {
        match recolte_sync::deflate::unpack(data, 1 << 20) {
            Ok(inner) => {
                assert!(inner.len() <= 1 << 20 && !recolte_sync::deflate::is_deflated(&inner));
                inflated = inner;
                &inflated[..]
            }
            Err(_) => return,
        }
    } else {
        data
    };
    let doc = new_doc_of(DocKind::Session);
    add_proposal(&mut doc.transact_mut(), &NewProposal { title: "Idée".into(), ..Default::default() });
    let mut room = Room::new(doc);
    let before = room.doc().transact().encode_state_as_update_v1(&StateVector::default());
    for access in [Access::Read, Access::Write] {
        let mut presence = Presence::default();
        let result = room.receive(access, data, &mut presence);
        if result.is_err() || access == Access::Read {
            let after = room.doc().transact().encode_state_as_update_v1(&StateVector::default());
            if result.is_err() && !matches!(result, Err(recolte_sync::protocol::ProtocolError::InvalidUpdate(_))) {
                assert_eq!(before, after, "a refused frame changed the room");
            }
        }
        let _ = room.leave(presence);
        let _ = room.greeting();
    }
});
