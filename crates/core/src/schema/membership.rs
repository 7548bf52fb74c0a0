//! Who may still sync, and who has joined: revocations (in the event document, written by
//! organisers only, so that every hub holding the event learns them by syncing) and the
//! devices that joined (in every document a device may write, so that the organiser learns
//! of an arrival through any hub or bundle).

use super::*;

/// Root map of the event document: revoked token ids.
pub const REVOCATIONS: &str = "revocations";
/// Root map of every document: devices that joined with an invitation, by device id.
pub const DEVICES: &str = "devices";

/// Root map of every document: the name of the person behind each Yjs client id that wrote in
/// it (`"4022341789": "Camille"`), recorded with a device's first change in a document it
/// loaded, so that a version can say who made it on any device that reads it.
pub const AUTHORS: &str = "authors";

/// Records the name of the person behind this transaction's client, once per client.
pub fn record_author(txn: &mut TransactionMut, name: &str) {
    let client = txn.doc().client_id().to_string();
    let root = txn.get_or_insert_map(AUTHORS);
    if !name.is_empty() && root.get(txn, &client).is_none() {
        root.insert(txn, client, name);
    }
}

/// Whether this transaction's client has its name recorded in the document.
pub fn author_recorded<T: ReadTxn>(txn: &T, client: u64) -> bool {
    txn.get_map(AUTHORS).is_some_and(|root| root.get(txn, &client.to_string()).is_some())
}

/// The names behind the client ids that wrote in a document.
pub fn read_authors<T: ReadTxn>(txn: &T) -> std::collections::HashMap<u64, String> {
    let Some(root) = txn.get_map(AUTHORS) else { return Default::default() };
    root.iter(txn)
        .filter_map(|(client, name)| match name {
            Out::Any(Any::String(name)) => Some((client.parse().ok()?, name.to_string())),
            _ => None,
        })
        .collect()
}

/// A revoked invitation, as the event document records it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revocation {
    /// The token's id (`jti`).
    pub token: String,
    pub revoked_at: String,
}

/// A device that joined the event, as it recorded itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct JoinedDevice {
    pub device: String,
    /// The display name of the person using it.
    pub name: String,
    /// The id of the token it joined with.
    #[serde(rename = "invitation_id")]
    pub invitation: Option<String>,
    pub role: Option<String>,
    pub joined_at: String,
}

/// Records that a token is revoked. Idempotent: revoking twice keeps the first date.
pub fn revoke(txn: &mut TransactionMut, token: &str) {
    let root = txn.get_or_insert_map(REVOCATIONS);
    if root.get(txn, token).is_some() {
        return;
    }
    let prelim =
        MapPrelim::from([("token", yrs::In::Any(Any::from(token))), ("revoked_at", yrs::In::Any(Any::from(now())))]);
    root.insert(txn, token, prelim);
}

/// Every revoked token id of an event document.
pub fn read_revocations<T: ReadTxn>(txn: &T) -> Vec<Revocation> {
    read_all(txn, REVOCATIONS, |txn, key, map| {
        Some(Revocation { token: key.to_owned(), revoked_at: get_str(txn, map, "revoked_at").unwrap_or_default() })
    })
}

/// Records (or renews) this device's arrival in a document it may write.
pub fn record_join(txn: &mut TransactionMut, device: &JoinedDevice) {
    let root = txn.get_or_insert_map(DEVICES);
    let optional = |value: &Option<String>| value.as_deref().map(Any::from).unwrap_or(Any::Null);
    let prelim = MapPrelim::from([
        ("name", yrs::In::Any(Any::from(device.name.as_str()))),
        ("invitation", yrs::In::Any(optional(&device.invitation))),
        ("role", yrs::In::Any(optional(&device.role))),
        ("joined_at", yrs::In::Any(Any::from(device.joined_at.as_str()))),
    ]);
    root.insert(txn, device.device.as_str(), prelim);
}

/// The devices a document says joined.
pub fn read_joins<T: ReadTxn>(txn: &T) -> Vec<JoinedDevice> {
    read_all(txn, DEVICES, |txn, key, map| {
        Some(JoinedDevice {
            device: key.to_owned(),
            name: get_str(txn, map, "name").unwrap_or_default(),
            invitation: get_str(txn, map, "invitation"),
            role: get_str(txn, map, "role"),
            joined_at: get_str(txn, map, "joined_at")?,
        })
    })
}

/// Marks the event as a practice event (the sample): shown as such, easy to remove.
pub fn mark_practice(txn: &mut TransactionMut) {
    let info = txn.get_or_insert_map("event");
    info.insert(txn, "practice", true);
}

pub fn is_practice<T: ReadTxn>(txn: &T) -> bool {
    txn.get_map("event").is_some_and(|info| get_bool(txn, &info, "practice"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::Transact;

    #[test]
    fn revocations_and_arrivals_read_back_and_merge() {
        let a = new_doc_of(DocKind::Event);
        let b = new_doc_of(DocKind::Event);
        revoke(&mut a.transact_mut(), "t1");
        revoke(&mut b.transact_mut(), "t2");
        record_join(
            &mut b.transact_mut(),
            &JoinedDevice {
                device: "d1".into(),
                name: "Camille".into(),
                invitation: Some("t2".into()),
                role: Some("organiser".into()),
                joined_at: "2025-10-01T09:00:00Z".into(),
            },
        );
        let update = b.transact().encode_state_as_update_v1(&yrs::StateVector::default());
        a.transact_mut().apply_update(yrs::Update::decode_v1(&update).unwrap()).unwrap();
        let tokens: Vec<String> = read_revocations(&a.transact()).into_iter().map(|r| r.token).collect();
        assert_eq!(tokens, ["t1", "t2"]);
        let joins = read_joins(&a.transact());
        assert_eq!(joins.len(), 1);
        assert_eq!((joins[0].name.as_str(), joins[0].invitation.as_deref()), ("Camille", Some("t2")));
        let first = read_revocations(&a.transact())[0].revoked_at.clone();
        revoke(&mut a.transact_mut(), "t1");
        assert_eq!(read_revocations(&a.transact())[0].revoked_at, first, "revoking twice keeps the date");
    }
}
