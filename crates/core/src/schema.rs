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
use yrs::{Any, Doc, GetString, Map, MapRef, OffsetKind, Options, Out, ReadTxn, TransactionMut, WriteTxn};

use crate::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
use crate::model::{Kind, Phase, Slot, Source, Speaker, Status, Theme};
use crate::programme::{Day, Place, Programme};
use crate::text::apply_diff;
use crate::Error;

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
            DocKind::Event => &["event", "themes", "slots", "sessions"],
            DocKind::Session => &[SUBGROUPS, PROPOSALS],
            DocKind::Synthesis => &[CONSOLIDATED],
            DocKind::Panel => &[MARKS, COMMENTS],
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

// ---------------------------------------------------------------------------------------------
// The event document.

/// A session as the programme lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionRecord {
    pub id: SessionId,
    pub theme: u32,
    pub slot: String,
    pub place: String,
    pub room: Option<String>,
}

/// Everything the event document holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventRecord {
    pub id: EventId,
    pub name: String,
    /// The event's public key (PASERK `k4.public`), which signs access tokens.
    pub public_key: Option<String>,
    pub organiser: Option<String>,
    pub timezone: String,
    pub places: Vec<Place>,
    pub days: Vec<Day>,
    pub run_sheet: Vec<Phase>,
    pub slots: Vec<Slot>,
    pub themes: Vec<Theme>,
    pub sessions: Vec<SessionRecord>,
}

/// Writes a validated programme into an empty event document. Returns the sessions with the
/// ids given to them.
pub fn write_programme(
    txn: &mut TransactionMut,
    event: EventId,
    programme: &Programme,
    public_key: &str,
) -> Vec<SessionRecord> {
    let ids: Vec<SessionId> = programme.sessions.iter().map(|_| SessionId::new()).collect();
    write_programme_with_ids(txn, event, programme, public_key, &ids)
}

/// Writes a programme whose sessions already have ids (`ids[i]` is the id of
/// `programme.sessions[i]`): restoring an event from its open data keeps its ids.
pub fn write_programme_with_ids(
    txn: &mut TransactionMut,
    event: EventId,
    programme: &Programme,
    public_key: &str,
    ids: &[SessionId],
) -> Vec<SessionRecord> {
    let info = txn.get_or_insert_map("event");
    info.insert(txn, "id", event.to_string());
    info.insert(txn, "public_key", public_key);
    info.insert(txn, "name", programme.name.as_str());
    if let Some(organiser) = &programme.organiser {
        info.insert(txn, "organiser", organiser.as_str());
    }
    info.insert(txn, "timezone", programme.timezone.as_str());
    info.insert(txn, "places", to_any(&programme.places));
    info.insert(txn, "days", to_any(&programme.days));
    info.insert(txn, "run_sheet", to_any(&programme.run_sheet));

    let themes = txn.get_or_insert_map("themes");
    for theme in &programme.themes {
        let prelim = MapPrelim::from([
            ("number", yrs::In::Any(Any::from(theme.number))),
            ("title", yrs::In::Any(Any::from(theme.title.as_str()))),
            ("description", yrs::In::Any(Any::from(theme.description.as_str()))),
            ("speakers", yrs::In::Any(to_any(&theme.speakers))),
        ]);
        themes.insert(txn, theme.number.to_string(), prelim);
    }

    let slots = txn.get_or_insert_map("slots");
    for slot in &programme.slots {
        let prelim = MapPrelim::from([
            ("id", yrs::In::Any(Any::from(slot.id.as_str()))),
            ("day", yrs::In::Any(Any::from(u32::from(slot.day)))),
            ("date", yrs::In::Any(Any::from(slot.date.as_str()))),
            ("start", yrs::In::Any(Any::from(slot.start.as_str()))),
            ("duration_minutes", yrs::In::Any(Any::from(slot.duration_minutes))),
            ("label", yrs::In::Any(Any::from(slot.label.as_str()))),
        ]);
        slots.insert(txn, slot.id.as_str(), prelim);
    }

    let sessions = txn.get_or_insert_map("sessions");
    let mut records = Vec::new();
    for (index, planned) in programme.sessions.iter().enumerate() {
        let record = SessionRecord {
            id: ids.get(index).copied().unwrap_or_default(),
            theme: planned.theme,
            slot: planned.slot.clone(),
            place: planned.place.clone(),
            room: planned.room.clone(),
        };
        let room = record.room.as_deref().map(Any::from).unwrap_or(Any::Null);
        let prelim = MapPrelim::from([
            ("id", yrs::In::Any(Any::from(record.id.to_string()))),
            ("theme", yrs::In::Any(Any::from(record.theme))),
            ("slot", yrs::In::Any(Any::from(record.slot.as_str()))),
            ("place", yrs::In::Any(Any::from(record.place.as_str()))),
            ("room", yrs::In::Any(room)),
        ]);
        sessions.insert(txn, record.id.to_string(), prelim);
        records.push(record);
    }
    records
}

/// Reads the event document; `None` if it holds no usable event (not yet synced, or foreign).
pub fn read_event<T: ReadTxn>(txn: &T) -> Option<EventRecord> {
    let info = txn.get_map("event")?;
    let id: EventId = get_str(txn, &info, "id")?.parse().ok()?;
    let name = get_str(txn, &info, "name").unwrap_or_default();
    let mut themes: Vec<Theme> = child_maps(txn, "themes")
        .into_iter()
        .filter_map(|(_, map)| {
            Some(Theme {
                number: get_u32(txn, &map, "number")?,
                title: get_str(txn, &map, "title").unwrap_or_default(),
                description: get_str(txn, &map, "description").unwrap_or_default(),
                speakers: from_json::<Vec<Speaker>>(get_json(txn, &map, "speakers")),
            })
        })
        .collect();
    themes.sort_by_key(|t| t.number);
    let mut slots: Vec<Slot> = child_maps(txn, "slots")
        .into_iter()
        .filter_map(|(_, map)| {
            Some(Slot {
                id: get_str(txn, &map, "id")?,
                day: get_u32(txn, &map, "day").and_then(|d| u8::try_from(d).ok())?,
                date: get_str(txn, &map, "date").unwrap_or_default(),
                start: get_str(txn, &map, "start").unwrap_or_default(),
                duration_minutes: get_u32(txn, &map, "duration_minutes").unwrap_or(0),
                label: get_str(txn, &map, "label").unwrap_or_default(),
            })
        })
        .collect();
    slots.sort_by(|a, b| (a.day, &a.start, &a.id).cmp(&(b.day, &b.start, &b.id)));
    let sessions = child_maps(txn, "sessions")
        .into_iter()
        .filter_map(|(key, map)| {
            let id: SessionId = key.parse().ok()?;
            Some(SessionRecord {
                id,
                theme: get_u32(txn, &map, "theme")?,
                slot: get_str(txn, &map, "slot")?,
                place: get_str(txn, &map, "place").unwrap_or_default(),
                room: get_str(txn, &map, "room"),
            })
        })
        .collect();
    Some(EventRecord {
        id,
        name,
        public_key: get_str(txn, &info, "public_key"),
        organiser: get_str(txn, &info, "organiser"),
        timezone: get_str(txn, &info, "timezone").unwrap_or_else(|| "Europe/Paris".into()),
        places: from_json(get_json(txn, &info, "places")),
        days: from_json(get_json(txn, &info, "days")),
        run_sheet: from_json(get_json(txn, &info, "run_sheet")),
        slots,
        themes,
        sessions,
    })
}

// ---------------------------------------------------------------------------------------------
// Session documents: sub-groups and proposals.

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SubgroupRecord {
    pub id: SubgroupId,
    pub name: String,
    pub created_at: String,
    pub deleted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ProposalRecord {
    pub id: ProposalId,
    pub title: String,
    pub body: String,
    pub kind: Kind,
    pub subgroup: Option<SubgroupId>,
    pub tags: Vec<String>,
    pub author: String,
    pub created_at: String,
    pub deleted: bool,
}

/// What a new proposal is made of.
#[derive(Clone, Debug, Default)]
pub struct NewProposal {
    pub title: String,
    pub body: String,
    pub kind: Kind,
    pub subgroup: Option<SubgroupId>,
    pub tags: Vec<String>,
    pub author: String,
    pub created_at: String,
}

/// Changes to a proposal; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ProposalPatch {
    pub title: Option<String>,
    pub body: Option<String>,
    pub kind: Option<Kind>,
    pub subgroup: Option<Option<SubgroupId>>,
    pub tags: Option<Vec<String>>,
}

const SUBGROUPS: &str = "subgroups";
const PROPOSALS: &str = "proposals";

pub fn add_subgroup(txn: &mut TransactionMut, name: &str, created_at: &str) -> SubgroupId {
    insert_subgroup(txn, SubgroupId::new(), name, created_at)
}

/// Creates a sub-group with a given id (restoring an export keeps ids).
pub fn insert_subgroup(txn: &mut TransactionMut, id: SubgroupId, name: &str, created_at: &str) -> SubgroupId {
    let prelim = MapPrelim::from([
        ("id", yrs::In::Any(Any::from(id.to_string()))),
        ("name", yrs::In::Any(Any::from(name))),
        ("created_at", yrs::In::Any(Any::from(created_at))),
        ("deleted", yrs::In::Any(Any::Bool(false))),
    ]);
    txn.get_or_insert_map(SUBGROUPS).insert(txn, id.to_string(), prelim);
    id
}

pub fn rename_subgroup(txn: &mut TransactionMut, id: SubgroupId, name: &str) -> Result<(), Error> {
    let map = child_map(txn, SUBGROUPS, &id.to_string()).ok_or(Error::UnknownSubgroup(id.to_string()))?;
    map.insert(txn, "name", name);
    Ok(())
}

pub fn set_subgroup_deleted(txn: &mut TransactionMut, id: SubgroupId, deleted: bool) -> Result<(), Error> {
    set_deleted_flag(txn, SUBGROUPS, &id.to_string(), deleted).ok_or_else(|| Error::UnknownSubgroup(id.to_string()))
}

pub fn read_subgroups<T: ReadTxn>(txn: &T) -> Vec<SubgroupRecord> {
    read_all(txn, SUBGROUPS, read_subgroup_map)
}

pub fn read_subgroup<T: ReadTxn>(txn: &T, id: SubgroupId) -> Option<SubgroupRecord> {
    read_one(txn, SUBGROUPS, &id.to_string(), read_subgroup_map)
}

fn read_subgroup_map<T: ReadTxn>(txn: &T, key: &str, map: &MapRef) -> Option<SubgroupRecord> {
    Some(SubgroupRecord {
        id: key.parse().ok()?,
        name: get_str(txn, map, "name").unwrap_or_default(),
        created_at: get_str(txn, map, "created_at").unwrap_or_default(),
        deleted: get_bool(txn, map, "deleted"),
    })
}

fn tags_prelim(tags: &[String]) -> MapPrelim {
    tags.iter().map(|t| (t.as_str(), yrs::In::Any(Any::Bool(true)))).collect()
}

pub fn add_proposal(txn: &mut TransactionMut, new: &NewProposal) -> ProposalId {
    insert_proposal(txn, ProposalId::new(), new)
}

/// Creates a proposal with a given id (restoring an export keeps ids).
pub fn insert_proposal(txn: &mut TransactionMut, id: ProposalId, new: &NewProposal) -> ProposalId {
    let subgroup = new.subgroup.map(|s| Any::from(s.to_string())).unwrap_or(Any::Null);
    let prelim = MapPrelim::from([
        ("id", yrs::In::Any(Any::from(id.to_string()))),
        ("title", yrs::In::Text(TextPrelim::new(new.title.as_str()).into())),
        ("body", yrs::In::Text(TextPrelim::new(new.body.as_str()).into())),
        ("kind", yrs::In::Any(Any::from(new.kind.as_str()))),
        ("subgroup", yrs::In::Any(subgroup)),
        ("tags", yrs::In::Map(tags_prelim(&new.tags))),
        ("author", yrs::In::Any(Any::from(new.author.as_str()))),
        ("created_at", yrs::In::Any(Any::from(new.created_at.as_str()))),
        ("deleted", yrs::In::Any(Any::Bool(false))),
    ]);
    txn.get_or_insert_map(PROPOSALS).insert(txn, id.to_string(), prelim);
    id
}

/// Sets a text field by difference, replacing it by a `Y.Text` if another client stored a
/// plain string there.
fn set_text(txn: &mut TransactionMut, map: &MapRef, key: &str, value: &str) {
    match map.get(txn, key) {
        Some(Out::YText(text)) => apply_diff(&text, txn, value),
        _ => {
            map.insert(txn, key, TextPrelim::new(value));
        }
    }
}

fn set_tags(txn: &mut TransactionMut, map: &MapRef, tags: &[String]) {
    match map.get(txn, "tags") {
        Some(Out::YMap(current)) => {
            let existing: Vec<String> = current.keys(txn).map(str::to_owned).collect();
            for old in existing.iter().filter(|t| !tags.contains(t)) {
                current.remove(txn, old);
            }
            for tag in tags.iter().filter(|t| !existing.contains(t)) {
                current.insert(txn, tag.as_str(), true);
            }
        }
        _ => {
            map.insert(txn, "tags", tags_prelim(tags));
        }
    }
}

pub fn edit_proposal(txn: &mut TransactionMut, id: ProposalId, patch: &ProposalPatch) -> Result<(), Error> {
    let map = child_map(txn, PROPOSALS, &id.to_string()).ok_or(Error::UnknownProposal(id.to_string()))?;
    if let Some(title) = &patch.title {
        set_text(txn, &map, "title", title);
    }
    if let Some(body) = &patch.body {
        set_text(txn, &map, "body", body);
    }
    if let Some(kind) = patch.kind {
        map.insert(txn, "kind", kind.as_str());
    }
    if let Some(subgroup) = patch.subgroup {
        map.insert(txn, "subgroup", subgroup.map(|s| Any::from(s.to_string())).unwrap_or(Any::Null));
    }
    if let Some(tags) = &patch.tags {
        set_tags(txn, &map, tags);
    }
    Ok(())
}

pub fn set_proposal_deleted(txn: &mut TransactionMut, id: ProposalId, deleted: bool) -> Result<(), Error> {
    set_deleted_flag(txn, PROPOSALS, &id.to_string(), deleted).ok_or_else(|| Error::UnknownProposal(id.to_string()))
}

pub fn read_proposals<T: ReadTxn>(txn: &T) -> Vec<ProposalRecord> {
    read_all(txn, PROPOSALS, read_proposal_map)
}

pub fn read_proposal<T: ReadTxn>(txn: &T, id: ProposalId) -> Option<ProposalRecord> {
    read_one(txn, PROPOSALS, &id.to_string(), read_proposal_map)
}

fn read_proposal_map<T: ReadTxn>(txn: &T, key: &str, map: &MapRef) -> Option<ProposalRecord> {
    let mut tags: Vec<String> = match map.get(txn, "tags") {
        Some(Out::YMap(tags)) => tags.keys(txn).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    tags.sort();
    Some(ProposalRecord {
        id: key.parse().ok()?,
        title: get_str(txn, map, "title").unwrap_or_default(),
        body: get_str(txn, map, "body").unwrap_or_default(),
        kind: get_str(txn, map, "kind").and_then(|k| k.parse().ok()).unwrap_or_default(),
        subgroup: get_str(txn, map, "subgroup").and_then(|s| s.parse().ok()),
        tags,
        author: get_str(txn, map, "author").unwrap_or_default(),
        created_at: get_str(txn, map, "created_at").unwrap_or_default(),
        deleted: get_bool(txn, map, "deleted"),
    })
}

// ---------------------------------------------------------------------------------------------
// Synthesis documents: consolidated proposals.

const CONSOLIDATED: &str = "consolidated";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ConsolidatedRecord {
    pub id: ConsolidatedId,
    pub title: String,
    pub body: String,
    pub status: Status,
    pub priority: Option<u32>,
    pub sources: Vec<Source>,
    pub author: String,
    pub created_at: String,
    pub deleted: bool,
}

#[derive(Clone, Debug, Default)]
pub struct NewConsolidated {
    pub title: String,
    pub body: String,
    pub sources: Vec<Source>,
    pub author: String,
    pub created_at: String,
}

#[derive(Clone, Debug, Default)]
pub struct ConsolidatedPatch {
    pub title: Option<String>,
    pub body: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Option<u32>>,
}

fn sources_prelim(sources: &[Source]) -> MapPrelim {
    sources.iter().map(|s| (s.proposal_id.to_string(), yrs::In::Any(Any::from(s.session_id.to_string())))).collect()
}

pub fn add_consolidated(txn: &mut TransactionMut, new: &NewConsolidated) -> ConsolidatedId {
    insert_consolidated(txn, ConsolidatedId::new(), new)
}

/// Creates a consolidated proposal with a given id (restoring an export keeps ids).
pub fn insert_consolidated(txn: &mut TransactionMut, id: ConsolidatedId, new: &NewConsolidated) -> ConsolidatedId {
    let prelim = MapPrelim::from([
        ("id", yrs::In::Any(Any::from(id.to_string()))),
        ("title", yrs::In::Text(TextPrelim::new(new.title.as_str()).into())),
        ("body", yrs::In::Text(TextPrelim::new(new.body.as_str()).into())),
        ("status", yrs::In::Any(Any::from(Status::Draft.as_str()))),
        ("priority", yrs::In::Any(Any::Null)),
        ("sources", yrs::In::Map(sources_prelim(&new.sources))),
        ("author", yrs::In::Any(Any::from(new.author.as_str()))),
        ("created_at", yrs::In::Any(Any::from(new.created_at.as_str()))),
        ("deleted", yrs::In::Any(Any::Bool(false))),
    ]);
    txn.get_or_insert_map(CONSOLIDATED).insert(txn, id.to_string(), prelim);
    id
}

pub fn edit_consolidated(txn: &mut TransactionMut, id: ConsolidatedId, patch: &ConsolidatedPatch) -> Result<(), Error> {
    let map = child_map(txn, CONSOLIDATED, &id.to_string()).ok_or(Error::UnknownConsolidated(id.to_string()))?;
    if let Some(title) = &patch.title {
        set_text(txn, &map, "title", title);
    }
    if let Some(body) = &patch.body {
        set_text(txn, &map, "body", body);
    }
    if let Some(status) = patch.status {
        map.insert(txn, "status", status.as_str());
    }
    if let Some(priority) = patch.priority {
        map.insert(txn, "priority", priority.map(Any::from).unwrap_or(Any::Null));
    }
    Ok(())
}

pub fn set_consolidated_deleted(txn: &mut TransactionMut, id: ConsolidatedId, deleted: bool) -> Result<(), Error> {
    set_deleted_flag(txn, CONSOLIDATED, &id.to_string(), deleted)
        .ok_or_else(|| Error::UnknownConsolidated(id.to_string()))
}

pub fn read_consolidated_all<T: ReadTxn>(txn: &T) -> Vec<ConsolidatedRecord> {
    read_all(txn, CONSOLIDATED, read_consolidated_map)
}

pub fn read_consolidated<T: ReadTxn>(txn: &T, id: ConsolidatedId) -> Option<ConsolidatedRecord> {
    read_one(txn, CONSOLIDATED, &id.to_string(), read_consolidated_map)
}

fn read_consolidated_map<T: ReadTxn>(txn: &T, key: &str, map: &MapRef) -> Option<ConsolidatedRecord> {
    let mut sources: Vec<Source> = match map.get(txn, "sources") {
        Some(Out::YMap(sources)) => sources
            .iter(txn)
            .filter_map(|(proposal, session)| {
                let session = match session {
                    Out::Any(Any::String(s)) => s.parse().ok()?,
                    _ => return None,
                };
                Some(Source { proposal_id: proposal.parse().ok()?, session_id: session })
            })
            .collect(),
        _ => Vec::new(),
    };
    sources.sort_by_key(|s| s.proposal_id);
    Some(ConsolidatedRecord {
        id: key.parse().ok()?,
        title: get_str(txn, map, "title").unwrap_or_default(),
        body: get_str(txn, map, "body").unwrap_or_default(),
        status: get_str(txn, map, "status").and_then(|s| s.parse().ok()).unwrap_or_default(),
        priority: get_u32(txn, map, "priority"),
        sources,
        author: get_str(txn, map, "author").unwrap_or_default(),
        created_at: get_str(txn, map, "created_at").unwrap_or_default(),
        deleted: get_bool(txn, map, "deleted"),
    })
}

// ---------------------------------------------------------------------------------------------
// The panel document: marks and comments per consolidated proposal.

const MARKS: &str = "marks";
const COMMENTS: &str = "comments";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MarkRecord {
    pub consolidated_id: ConsolidatedId,
    pub carry_forward: bool,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CommentRecord {
    pub id: CommentId,
    pub consolidated_id: ConsolidatedId,
    pub text: String,
    pub author: String,
    pub created_at: String,
    pub deleted: bool,
}

/// A mark is one plain value per consolidated proposal (last writer wins): a nested map here
/// would be created lazily by whichever panel member marks first, and two of them could race.
pub fn set_mark(txn: &mut TransactionMut, consolidated: ConsolidatedId, carry_forward: bool, by: &str, at: &str) {
    let value = Any::Map(Arc::new(HashMap::from([
        ("carry_forward".to_owned(), Any::Bool(carry_forward)),
        ("by".to_owned(), Any::from(by)),
        ("at".to_owned(), Any::from(at)),
    ])));
    txn.get_or_insert_map(MARKS).insert(txn, consolidated.to_string(), value);
}

pub fn read_marks<T: ReadTxn>(txn: &T) -> Vec<MarkRecord> {
    let Some(marks) = txn.get_map(MARKS) else {
        return Vec::new();
    };
    let mut records: Vec<MarkRecord> = marks
        .iter(txn)
        .filter_map(|(key, value)| {
            let Out::Any(Any::Map(map)) = value else {
                return None;
            };
            let text = |k: &str| match map.get(k) {
                Some(Any::String(s)) => s.to_string(),
                _ => String::new(),
            };
            Some(MarkRecord {
                consolidated_id: key.parse().ok()?,
                carry_forward: matches!(map.get("carry_forward"), Some(Any::Bool(true))),
                by: text("by"),
                at: text("at"),
            })
        })
        .collect();
    records.sort_by_key(|m| m.consolidated_id);
    records
}

pub fn add_comment(
    txn: &mut TransactionMut,
    consolidated: ConsolidatedId,
    text: &str,
    author: &str,
    at: &str,
) -> CommentId {
    insert_comment(txn, CommentId::new(), consolidated, text, author, at)
}

/// Creates a comment with a given id (restoring an export keeps ids).
pub fn insert_comment(
    txn: &mut TransactionMut,
    id: CommentId,
    consolidated: ConsolidatedId,
    text: &str,
    author: &str,
    at: &str,
) -> CommentId {
    let prelim = MapPrelim::from([
        ("id", yrs::In::Any(Any::from(id.to_string()))),
        ("consolidated", yrs::In::Any(Any::from(consolidated.to_string()))),
        ("text", yrs::In::Text(TextPrelim::new(text).into())),
        ("author", yrs::In::Any(Any::from(author))),
        ("created_at", yrs::In::Any(Any::from(at))),
        ("deleted", yrs::In::Any(Any::Bool(false))),
    ]);
    txn.get_or_insert_map(COMMENTS).insert(txn, id.to_string(), prelim);
    id
}

pub fn set_comment_deleted(txn: &mut TransactionMut, id: CommentId, deleted: bool) -> Result<(), Error> {
    set_deleted_flag(txn, COMMENTS, &id.to_string(), deleted).ok_or_else(|| Error::UnknownComment(id.to_string()))
}

pub fn read_comments<T: ReadTxn>(txn: &T) -> Vec<CommentRecord> {
    child_maps(txn, COMMENTS)
        .into_iter()
        .filter_map(|(key, map)| {
            Some(CommentRecord {
                id: key.parse().ok()?,
                consolidated_id: get_str(txn, &map, "consolidated")?.parse().ok()?,
                text: get_str(txn, &map, "text").unwrap_or_default(),
                author: get_str(txn, &map, "author").unwrap_or_default(),
                created_at: get_str(txn, &map, "created_at").unwrap_or_default(),
                deleted: get_bool(txn, &map, "deleted"),
            })
        })
        .collect()
}

/// The current time as the documents store it: RFC 3339, UTC, milliseconds.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    now.format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::Transact;

    #[test]
    fn a_crafted_update_is_sanitised_before_yrs_applies_it() {
        // Found by fuzzing: the same client twice with overlapping clocks made yrs 0.28 use
        // freed memory when the update was applied as it came.
        let crafted = include_bytes!("../../../fuzz/regressions/document_update/duplicate-client-overlap.bin");
        for kind in [DocKind::Event, DocKind::Session, DocKind::Synthesis, DocKind::Panel] {
            if let Ok(update) = sanitize_update(crafted) {
                let doc = new_doc_of(kind);
                let _ = doc.transact_mut().apply_update(update);
                let _ = read_proposals(&doc.transact());
            }
        }
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
            subgroup = add_subgroup(&mut txn, "Groupe A", "2025-10-01T14:50:00.000Z");
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
