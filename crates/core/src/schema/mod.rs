//! The Yjs document schema (documented for other clients in `docs/schema.md`).
//!
//! Four kinds of document per event, each a sync room of its own:
//! - `EVENT/event`: the programme (event, themes, slots, sessions);
//! - `EVENT/session/SESSION`: the sub-groups and proposals captured in one session;
//! - `EVENT/synthesis/THEME`: a theme's consolidated proposals and their sources;
//! - `EVENT/panel`: the closing-plenary panel's marks and comments.
//!
//! Invariants:
//! - every record is a `Y.Map` stored under its UUID v7 in a root map, created with all its
//!   nested types in the transaction that creates the record: no nested type is ever created
//!   lazily, so two peers can never race to create the same one and lose one;
//! - free text that people edit together (titles, bodies, comments) is a `Y.Text`; the rest
//!   are plain values (last writer wins);
//! - nothing is removed: deletion sets `deleted: true`, which can be set back;
//! - readers are tolerant: a record written by another client with a missing or mistyped
//!   field is read with a default (or skipped if it has no usable id), never a panic.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde_json::Value;
use yrs::types::map::MapPrelim;
use yrs::types::text::TextPrelim;
use yrs::{Any, Doc, GetString, Map, MapRef, OffsetKind, Options, Out, ReadTxn, Transact, TransactionMut, WriteTxn};

use crate::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use crate::model::{Kind, Phase, Slot, Source, Speaker, Status, Theme};
use crate::programme::{Day, Place, Programme};
use crate::text::apply_diff;
use crate::Error;

mod clock;
mod event;
mod membership;
mod panel;
mod revert;
mod session;
mod snapshots;
mod synthesis;

pub use clock::*;
pub use event::*;
pub use membership::*;
pub use panel::*;
pub use revert::*;
pub use session::*;
pub use snapshots::*;
pub use synthesis::*;

/// Root maps of the documents (see docs/schema.md).
const SUBGROUPS: &str = "subgroups";
const PROPOSALS: &str = "proposals";
const CONSOLIDATED: &str = "consolidated";
const MARKS: &str = "marks";
const COMMENTS: &str = "comments";

/// Origin of transactions made by this device's user: undo tracks these only.
pub const ORIGIN_LOCAL: &str = "recolte-local";
/// Origin of updates that came from elsewhere (log, bundle, hub): never echoed back.
pub const ORIGIN_REMOTE: &str = "recolte-remote";

/// Decodes an update from outside (a peer, a bundle) into a form that is safe to apply.
///
/// yrs 0.28 trusts that an update lists each client once, with consecutive blocks; an update
/// crafted with the same client twice and overlapping clocks made it free a block it still
/// used (found by fuzzing, `fuzz/regressions/document_update/`). Merging the update with
/// itself through `merge_updates` rebuilds each client's blocks in order, slicing overlaps
/// away, as Yjs's own merge does; what comes out is what an honest peer would have sent.
pub fn sanitize_update(bytes: &[u8]) -> Result<yrs::Update, yrs::encoding::read::Error> {
    sanitize_update_bytes(bytes).map(|(update, _)| update)
}

/// [`sanitize_update`], and the sanitised update's bytes (what to store or pass on).
pub fn sanitize_update_bytes(bytes: &[u8]) -> Result<(yrs::Update, Vec<u8>), yrs::encoding::read::Error> {
    use yrs::updates::decoder::Decode;
    use yrs::updates::encoder::Encode;
    let update = yrs::Update::decode_v1(bytes)?;
    let merged = yrs::Update::merge_updates([update]).encode_v1();
    Ok((yrs::Update::decode_v1(&merged)?, merged))
}

/// Applies an update from elsewhere (a peer, a hub, a bundle) to a document, sanitised first.
/// Returns what to keep of it: what it brought that the document lacked, or the whole sanitised
/// update when parts of it wait for updates the document lacks (kept whole, so that they are
/// not lost on a restart); `None` when it brought nothing. The error says why it was refused.
pub fn apply_foreign(doc: &Doc, bytes: &[u8]) -> Result<Option<Vec<u8>>, ForeignRefusal> {
    let (decoded, clean) = sanitize_update_bytes(bytes).map_err(|e| ForeignRefusal::Unreadable(e.to_string()))?;
    let mut txn = doc.transact_mut_with(ORIGIN_REMOTE);
    let key_before = signing_key(&txn);
    let revoked_before = revoked_tokens(&txn);
    let pending_before = pending_of(&txn);
    txn.apply_update(decoded).map_err(|e| ForeignRefusal::Unreadable(e.to_string()))?;
    // Tokens are checked against the key the event's document holds: a change to it from
    // elsewhere (a bundle handed over by anyone, a crafted update) would hand the event to
    // whoever holds the new key. It is written once, when the programme is imported. The
    // document is left changed in memory: callers drop it and read it again from its log.
    if key_before.is_some() && signing_key(&txn) != key_before {
        return Err(ForeignRefusal::SigningKey);
    }
    // A revocation is for good (nothing in Récolte takes one back): a change that removes one
    // would let a lost or stolen invitation in again.
    if !revoked_before.is_empty() && !revoked_before.is_subset(&revoked_tokens(&txn)) {
        return Err(ForeignRefusal::Revocation);
    }
    // While a document waits for an update it lacks, an update that adds nothing (a bundle
    // imported again, a hub's answer) would otherwise be kept whole again each time, logged,
    // counted as new and sent on.
    if !txn.has_changes() && pending_of(&txn) == pending_before {
        return Ok(None);
    }
    Ok(if txn.has_missing_updates() {
        Some(clean)
    } else if txn.has_changes() {
        Some(txn.encode_update_v1())
    } else {
        None
    })
}

/// Why an update from elsewhere was refused.
#[derive(Debug, thiserror::Error)]
pub enum ForeignRefusal {
    #[error("{0}")]
    Unreadable(String),
    #[error("it replaces the event's signing key, which is written once, when the programme is imported")]
    SigningKey,
    #[error("it takes back a revocation, which is for good")]
    Revocation,
}

/// The token ids an event document says are revoked (none for other documents).
fn revoked_tokens<T: ReadTxn>(txn: &T) -> std::collections::BTreeSet<String> {
    read_revocations(txn).into_iter().map(|revocation| revocation.token).collect()
}

/// What a peer whose state vector is `remote` lacks of a document (lib0 v1), what waits in it
/// for updates it lacks included, as Yjs sends it: left out, it would be counted as sent and
/// reach no one until a later reconnection. The whole delete set then goes too, so only then.
pub fn diff_for<T: ReadTxn>(txn: &T, remote: &yrs::StateVector) -> Vec<u8> {
    if txn.has_missing_updates() {
        txn.encode_state_as_update_v1(remote)
    } else {
        txn.encode_diff_v1(remote)
    }
}

/// What a document holds that waits for updates it lacks (blocks, and deletions).
fn pending_of<T: ReadTxn>(txn: &T) -> Option<(Vec<u8>, Option<yrs::IdSet>)> {
    use yrs::updates::encoder::Encode;
    let store = txn.store();
    let blocks = store.pending_update().map(|pending| pending.update.encode_v1());
    let deletions = store.pending_ds().cloned();
    (blocks.is_some() || deletions.is_some()).then(|| (blocks.unwrap_or_default(), deletions))
}

/// The key an event document says its tokens are signed with (`None` for other documents).
fn signing_key<T: ReadTxn>(txn: &T) -> Option<String> {
    get_str(txn, &txn.get_map("event")?, "public_key").filter(|key| !key.is_empty())
}

/// A new, empty document with the offsets JavaScript uses (UTF-16 code units).
pub fn new_doc() -> Doc {
    Doc::with_options(Options { offset_kind: OffsetKind::Utf16, ..Options::default() })
}

/// A new document of a kind, with its root types defined. Root types are shared by name
/// across peers (defining them is not an edit), but a document that has not defined them
/// locally cannot list or serialise them.
pub fn new_doc_of(kind: DocKind) -> Doc {
    let doc = new_doc();
    for root in kind.roots() {
        doc.get_or_insert_map(*root);
    }
    doc
}

/// The name of a document, which is also its sync room.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocName {
    Event(EventId),
    Session(EventId, SessionId),
    Synthesis(EventId, u32),
    Panel(EventId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    Event,
    Session,
    Synthesis,
    Panel,
}

impl DocKind {
    /// The root maps of a document of this kind.
    pub fn roots(self) -> &'static [&'static str] {
        match self {
            DocKind::Event => &["event", "themes", "slots", "sessions", REVOCATIONS, DEVICES, AUTHORS],
            DocKind::Session => &[SUBGROUPS, PROPOSALS, CLOCK, DEVICES, AUTHORS, SNAPSHOTS],
            DocKind::Synthesis => &[CONSOLIDATED, SET_ASIDE, NOT_DUPLICATES, LEXICON, DEVICES, AUTHORS, SNAPSHOTS],
            DocKind::Panel => &[MARKS, COMMENTS, VOTES, DEVICES, AUTHORS, SNAPSHOTS],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Event => "event",
            DocKind::Session => "session",
            DocKind::Synthesis => "synthesis",
            DocKind::Panel => "panel",
        }
    }
}

impl DocName {
    pub fn event(&self) -> EventId {
        match self {
            DocName::Event(e) | DocName::Session(e, _) | DocName::Synthesis(e, _) | DocName::Panel(e) => *e,
        }
    }

    pub fn kind(&self) -> DocKind {
        match self {
            DocName::Event(_) => DocKind::Event,
            DocName::Session(..) => DocKind::Session,
            DocName::Synthesis(..) => DocKind::Synthesis,
            DocName::Panel(_) => DocKind::Panel,
        }
    }
}

impl fmt::Display for DocName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocName::Event(e) => write!(f, "{e}/event"),
            DocName::Session(e, s) => write!(f, "{e}/session/{s}"),
            DocName::Synthesis(e, t) => write!(f, "{e}/synthesis/{t}"),
            DocName::Panel(e) => write!(f, "{e}/panel"),
        }
    }
}

impl FromStr for DocName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || Error::MalformedDocName(s.chars().take(200).collect());
        if s.len() > 120 {
            return Err(bad());
        }
        let parts: Vec<&str> = s.split('/').collect();
        let event: EventId = parts.first().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let name = match parts[1..] {
            ["event"] => DocName::Event(event),
            ["panel"] => DocName::Panel(event),
            ["session", id] => DocName::Session(event, id.parse().map_err(|_| bad())?),
            ["synthesis", theme] => DocName::Synthesis(event, theme.parse().map_err(|_| bad())?),
            _ => return Err(bad()),
        };
        // Only the canonical spelling names a room: `01` and `1` must not be two rooms.
        if name.to_string() != s {
            return Err(bad());
        }
        Ok(name)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading values tolerantly.

fn get_str<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> Option<String> {
    match map.get(txn, key)? {
        Out::Any(Any::String(s)) => Some(s.to_string()),
        Out::YText(text) => Some(text.get_string(txn)),
        _ => None,
    }
}

fn get_bool<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> bool {
    matches!(map.get(txn, key), Some(Out::Any(Any::Bool(true))))
}

fn any_u64(any: &Any) -> Option<u64> {
    match any {
        Any::Number(n) => {
            let f = match n {
                yrs::any::Number::Int(i) => *i as f64,
                yrs::any::Number::Float(f) => *f,
            };
            (f >= 0.0 && f.fract() == 0.0 && f <= 9.0e15).then_some(f as u64)
        }
        _ => None,
    }
}

fn get_u32<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> Option<u32> {
    match map.get(txn, key)? {
        Out::Any(any) => any_u64(&any).and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
}

fn get_json<T: ReadTxn>(txn: &T, map: &MapRef, key: &str) -> Value {
    match map.get(txn, key) {
        Some(Out::Any(any)) => any_to_json(&any),
        _ => Value::Null,
    }
}

fn child_maps<T: ReadTxn>(txn: &T, root: &str) -> Vec<(String, MapRef)> {
    let Some(root) = txn.get_map(root) else {
        return Vec::new();
    };
    let mut children: Vec<(String, MapRef)> = root
        .iter(txn)
        .filter_map(|(key, value)| match value {
            Out::YMap(map) => Some((key.to_owned(), map)),
            _ => None,
        })
        .collect();
    children.sort_by(|a, b| a.0.cmp(&b.0));
    children
}

fn child_map<T: ReadTxn>(txn: &T, root: &str, key: &str) -> Option<MapRef> {
    match txn.get_map(root)?.get(txn, key)? {
        Out::YMap(map) => Some(map),
        _ => None,
    }
}

/// Every readable record of a root map, in key order.
fn read_all<T: ReadTxn, R>(txn: &T, root: &str, read: fn(&T, &str, &MapRef) -> Option<R>) -> Vec<R> {
    child_maps(txn, root).into_iter().filter_map(|(key, map)| read(txn, &key, &map)).collect()
}

/// One record of a root map, if it is there and readable.
fn read_one<T: ReadTxn, R>(txn: &T, root: &str, key: &str, read: fn(&T, &str, &MapRef) -> Option<R>) -> Option<R> {
    read(txn, key, &child_map(txn, root, key)?)
}

/// Sets the `deleted` flag of a record; `None` if there is no such record.
fn set_deleted_flag(txn: &mut TransactionMut, root: &str, key: &str, deleted: bool) -> Option<()> {
    let map = child_map(txn, root, key)?;
    map.insert(txn, "deleted", deleted);
    Some(())
}

/// Sets a field unless it holds that value already: a Yjs map insert of the same value is
/// still a change, which every device would receive and undo would count.
fn set_if_changed(txn: &mut TransactionMut, map: &MapRef, key: &str, value: Any) {
    let same = matches!(map.get(txn, key), Some(Out::Any(current)) if current == value);
    if !same {
        map.insert(txn, key, value);
    }
}

/// Sets a text field by difference, replacing it by a `Y.Text` if another client stored a
/// plain string there.
fn set_text(txn: &mut TransactionMut, map: &MapRef, key: &str, value: &str) {
    set_text_from(txn, map, key, None, value)
}

/// The same, for an editor whose field showed `base` (see [`crate::text::apply_rebased`]).
fn set_text_from(txn: &mut TransactionMut, map: &MapRef, key: &str, base: Option<&str>, value: &str) {
    match (map.get(txn, key), base) {
        (Some(Out::YText(text)), Some(base)) => crate::text::apply_rebased(&text, txn, base, value),
        (Some(Out::YText(text)), None) => apply_diff(&text, txn, value),
        _ => {
            map.insert(txn, key, TextPrelim::new(value));
        }
    }
}

/// Converts a plain Yjs value to JSON (buffers become arrays of numbers, undefined becomes null).
pub fn any_to_json(any: &Any) -> Value {
    match any {
        Any::Null | Any::Undefined => Value::Null,
        Any::Bool(b) => Value::Bool(*b),
        Any::Number(yrs::any::Number::Int(i)) => Value::from(*i),
        Any::Number(yrs::any::Number::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null)
            }
        }
        Any::String(s) => Value::String(s.to_string()),
        Any::Buffer(b) => Value::Array(b.iter().map(|x| Value::from(*x)).collect()),
        Any::Array(items) => Value::Array(items.iter().map(any_to_json).collect()),
        Any::Map(map) => {
            let ordered: BTreeMap<&String, Value> = map.iter().map(|(k, v)| (k, any_to_json(v))).collect();
            Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
    }
}

/// Converts JSON to a plain Yjs value.
pub fn json_to_any(value: &Value) -> Any {
    match value {
        Value::Null => Any::Null,
        Value::Bool(b) => Any::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Any::from(i),
            None => Any::from(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Any::from(s.as_str()),
        Value::Array(items) => Any::Array(items.iter().map(json_to_any).collect::<Vec<_>>().into()),
        Value::Object(map) => {
            Any::Map(Arc::new(map.iter().map(|(k, v)| (k.clone(), json_to_any(v))).collect::<HashMap<_, _>>()))
        }
    }
}

fn to_any<T: serde::Serialize>(value: &T) -> Any {
    json_to_any(&serde_json::to_value(value).unwrap_or(Value::Null))
}

fn from_json<T: serde::de::DeserializeOwned + Default>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_default()
}

/// The current time as the documents store it: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// A moment as the documents store it: RFC 3339, UTC, milliseconds.
pub fn timestamp(at: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::Transact;

    #[test]
    fn a_crafted_update_is_sanitised_before_yrs_applies_it() {
        // Found by fuzzing: the same client twice with overlapping clocks made yrs 0.28 use
        // freed memory when the update was applied as it came.
        let crafted = include_bytes!("../../../../fuzz/regressions/document_update/duplicate-client-overlap.bin");
        for kind in [DocKind::Event, DocKind::Session, DocKind::Synthesis, DocKind::Panel] {
            if let Ok(update) = sanitize_update(crafted) {
                let doc = new_doc_of(kind);
                let _ = doc.transact_mut().apply_update(update);
                let _ = read_proposals(&doc.transact());
            }
        }
    }

    #[test]
    fn an_update_waiting_for_another_is_kept_once_not_each_time_it_comes_again() {
        use yrs::updates::decoder::Decode;
        use yrs::ReadTxn;
        let doc = new_doc_of(DocKind::Session);
        let (id, first) = {
            let mut txn = doc.transact_mut();
            let id = add_proposal(&mut txn, &NewProposal { title: "Première".into(), ..Default::default() });
            (id, txn.encode_update_v1())
        };
        // Another device edits that proposal: its update needs the first to apply.
        let other = new_doc_of(DocKind::Session);
        other.transact_mut().apply_update(yrs::Update::decode_v1(&first).unwrap()).unwrap();
        let before = other.transact().state_vector();
        edit_proposal(
            &mut other.transact_mut(),
            id,
            &ProposalPatch { title: Some("Première, revue".into()), ..Default::default() },
        )
        .unwrap();
        let second = other.transact().encode_state_as_update_v1(&before);

        let copy = new_doc_of(DocKind::Session);
        assert!(apply_foreign(&copy, &second).unwrap().is_some(), "kept whole while it waits");
        assert!(pending_of(&copy.transact()).is_some());
        assert!(apply_foreign(&copy, &second).unwrap().is_none(), "the same again brings nothing");
        // What it tells a peer includes what waits: the peer that has the first gets the edit.
        let told = diff_for(&copy.transact(), &yrs::StateVector::default());
        let peer = new_doc_of(DocKind::Session);
        apply_foreign(&peer, &first).unwrap();
        apply_foreign(&peer, &told).unwrap();
        assert_eq!(read_proposals(&peer.transact())[0].title, "Première, revue");
        assert!(apply_foreign(&copy, &first).unwrap().is_some());
        assert_eq!(read_proposals(&copy.transact())[0].title, "Première, revue");
        assert!(apply_foreign(&copy, &second).unwrap().is_none());
    }

    #[test]
    fn sanitising_an_honest_update_changes_nothing() {
        use yrs::{ReadTxn, StateVector};
        let doc = new_doc();
        add_proposal(
            &mut doc.transact_mut(),
            &NewProposal { title: "Idée".into(), tags: vec!["a".into()], ..Default::default() },
        );
        let update = doc.transact().encode_state_as_update_v1(&StateVector::default());
        let copy = new_doc();
        copy.transact_mut().apply_update(sanitize_update(&update).unwrap()).unwrap();
        assert_eq!(read_proposals(&copy.transact()), read_proposals(&doc.transact()));
    }

    #[test]
    fn doc_names_round_trip_and_refuse_lookalikes() {
        let event = EventId::new();
        let session = SessionId::new();
        for name in [
            DocName::Event(event),
            DocName::Session(event, session),
            DocName::Synthesis(event, 3),
            DocName::Panel(event),
        ] {
            assert_eq!(name.to_string().parse::<DocName>().unwrap(), name);
        }
        for bad in [
            format!("{event}/synthesis/03"),
            format!("{event}/session/../panel"),
            format!("{event}/events"),
            format!("{event}"),
            "../../etc/passwd".to_owned(),
            format!("{}/event", event.to_string().to_uppercase()),
        ] {
            assert!(bad.parse::<DocName>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn a_proposal_reads_back_as_written() {
        let doc = new_doc();
        let subgroup;
        let id;
        {
            let mut txn = doc.transact_mut();
            subgroup = add_subgroup(&mut txn, SessionId::new(), "Groupe A", "2025-10-01T14:50:00.000Z");
            id = add_proposal(
                &mut txn,
                &NewProposal {
                    title: "Former les élus".into(),
                    body: "Un module court".into(),
                    kind: Kind::ConcreteAction,
                    subgroup: Some(subgroup),
                    tags: vec!["formation".into(), "élus".into()],
                    author: "Camille".into(),
                    created_at: "2025-10-01T15:00:00.000Z".into(),
                },
            );
        }
        let txn = doc.transact();
        let proposal = read_proposal(&txn, id).unwrap();
        assert_eq!(proposal.title, "Former les élus");
        assert_eq!(proposal.kind, Kind::ConcreteAction);
        assert_eq!(proposal.subgroup, Some(subgroup));
        assert_eq!(proposal.tags, ["formation", "élus"]);
        assert!(!proposal.deleted);
        assert_eq!(read_subgroups(&txn)[0].name, "Groupe A");
    }

    #[test]
    fn a_deleted_proposal_can_be_restored() {
        let doc = new_doc();
        let id = add_proposal(&mut doc.transact_mut(), &NewProposal { title: "x".into(), ..Default::default() });
        set_proposal_deleted(&mut doc.transact_mut(), id, true).unwrap();
        assert!(read_proposal(&doc.transact(), id).unwrap().deleted);
        set_proposal_deleted(&mut doc.transact_mut(), id, false).unwrap();
        assert!(!read_proposal(&doc.transact(), id).unwrap().deleted);
    }

    #[test]
    fn editing_an_unknown_proposal_is_an_error() {
        let doc = new_doc();
        let err = edit_proposal(&mut doc.transact_mut(), ProposalId::new(), &ProposalPatch::default()).unwrap_err();
        assert!(matches!(err, Error::UnknownProposal(_)));
    }

    #[test]
    fn a_mistyped_field_from_another_client_reads_as_a_default() {
        let doc = new_doc();
        let id = ProposalId::new();
        {
            let mut txn = doc.transact_mut();
            let proposals = txn.get_or_insert_map("proposals");
            proposals.insert(&mut txn, id.to_string(), MapPrelim::from([("title", yrs::In::Any(Any::from(42)))]));
            proposals.insert(&mut txn, "not-an-id", MapPrelim::default());
        }
        let all = read_proposals(&doc.transact());
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].title, "");
        assert_eq!(all[0].kind, Kind::Proposal);
        // Editing replaces the mistyped field with a real Y.Text.
        edit_proposal(&mut doc.transact_mut(), id, &ProposalPatch { title: Some("ok".into()), ..Default::default() })
            .unwrap();
        assert_eq!(read_proposal(&doc.transact(), id).unwrap().title, "ok");
    }
}
