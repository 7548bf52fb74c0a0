//! Synthesis documents: a theme's consolidated proposals and their sources.

use super::*;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
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
    /// What the rapporteur's field showed before the typing (see `ProposalPatch`).
    pub title_base: Option<String>,
    pub body_base: Option<String>,
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
        set_text_from(txn, &map, "title", patch.title_base.as_deref(), title);
    }
    if let Some(body) = &patch.body {
        set_text_from(txn, &map, "body", patch.body_base.as_deref(), body);
    }
    if let Some(status) = patch.status {
        set_if_changed(txn, &map, "status", Any::from(status.as_str()));
    }
    if let Some(priority) = patch.priority {
        set_if_changed(txn, &map, "priority", priority.map(Any::from).unwrap_or(Any::Null));
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

/// Root maps of a synthesis document for the rapporteur's triage (see docs/schema.md).
pub(crate) const SET_ASIDE: &str = "set_aside";
pub(crate) const NOT_DUPLICATES: &str = "not_duplicates";
pub(crate) const LEXICON: &str = "lexicon";

/// Why a rapporteur set a proposal aside without merging it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SetAsideReason {
    OffTopic,
    ExactDuplicate,
    Other,
}

impl SetAsideReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SetAsideReason::OffTopic => "off_topic",
            SetAsideReason::ExactDuplicate => "exact_duplicate",
            SetAsideReason::Other => "other",
        }
    }

    /// In words, as the rapporteur chose it.
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            SetAsideReason::OffTopic => lang.pick("hors sujet", "off topic"),
            SetAsideReason::ExactDuplicate => lang.pick("doublon exact", "exact duplicate"),
            SetAsideReason::Other => lang.pick("autre raison", "other reason"),
        }
    }
}

impl std::str::FromStr for SetAsideReason {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "off_topic" => Ok(SetAsideReason::OffTopic),
            "exact_duplicate" => Ok(SetAsideReason::ExactDuplicate),
            "other" => Ok(SetAsideReason::Other),
            other => Err(Error::UnknownSetAsideReason(other.chars().take(40).collect())),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SetAsideRecord {
    pub proposal_id: ProposalId,
    pub reason: SetAsideReason,
    pub by: String,
    pub at: String,
}

/// A pair of words the event's rapporteurs say mean the same thing here.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct LexiconEntry {
    pub a: String,
    pub b: String,
    /// Learned from a merge made by hand (else typed by a rapporteur).
    pub learned: bool,
    pub by: String,
    pub at: String,
}

fn record(by: &str, at: &str, extra: Vec<(&str, Any)>) -> Any {
    let mut map: HashMap<String, Any> =
        HashMap::from([("by".to_owned(), Any::from(by)), ("at".to_owned(), Any::from(at))]);
    map.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Any::Map(Arc::new(map))
}

fn record_text(value: &Out, key: &str) -> Option<String> {
    match value {
        Out::Any(Any::Map(map)) => match map.get(key) {
            Some(Any::String(s)) => Some(s.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn record_bool(value: &Out, key: &str) -> bool {
    matches!(value, Out::Any(Any::Map(map)) if matches!(map.get(key), Some(Any::Bool(true))))
}

/// Sets a proposal aside (with a reason) or takes it back (`None`). The last word wins, per
/// proposal: a rapporteur's decision, not a counter.
pub fn set_aside(txn: &mut TransactionMut, proposal: ProposalId, reason: Option<SetAsideReason>, by: &str, at: &str) {
    let value = record(by, at, vec![("reason", reason.map_or(Any::Null, |r| Any::from(r.as_str())))]);
    txn.get_or_insert_map(SET_ASIDE).insert(txn, proposal.to_string(), value);
}

/// The reason a proposal is set aside for, as written, even one this version does not know
/// (a newer device's); `None` when it is not set aside.
pub fn set_aside_reason<T: ReadTxn>(txn: &T, proposal: ProposalId) -> Option<String> {
    let root = txn.get_map(SET_ASIDE)?;
    record_text(&root.get(txn, &proposal.to_string())?, "reason")
}

pub fn read_set_aside<T: ReadTxn>(txn: &T) -> Vec<SetAsideRecord> {
    let Some(root) = txn.get_map(SET_ASIDE) else { return Vec::new() };
    let mut records: Vec<SetAsideRecord> = root
        .iter(txn)
        .filter_map(|(key, value)| {
            Some(SetAsideRecord {
                proposal_id: key.parse().ok()?,
                reason: record_text(&value, "reason")?.parse().ok()?,
                by: record_text(&value, "by").unwrap_or_default(),
                at: record_text(&value, "at").unwrap_or_default(),
            })
        })
        .collect();
    records.sort_by_key(|r| r.proposal_id);
    records
}

fn pair_key(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}|{b}")
    } else {
        format!("{b}|{a}")
    }
}

/// Records that these proposals are not duplicates of one another (every pair of them not
/// recorded yet).
pub fn dismiss_duplicates(txn: &mut TransactionMut, proposals: &[ProposalId], by: &str, at: &str) {
    let root = txn.get_or_insert_map(NOT_DUPLICATES);
    for (i, a) in proposals.iter().enumerate() {
        for b in &proposals[i + 1..] {
            let key = pair_key(&a.to_string(), &b.to_string());
            if a != b && !root.contains_key(txn, &key) {
                root.insert(txn, key, record(by, at, vec![]));
            }
        }
    }
}

pub fn read_not_duplicates<T: ReadTxn>(txn: &T) -> Vec<(ProposalId, ProposalId)> {
    let Some(root) = txn.get_map(NOT_DUPLICATES) else { return Vec::new() };
    let mut pairs: Vec<(ProposalId, ProposalId)> = root
        .iter(txn)
        .filter_map(|(key, _)| {
            let (a, b) = key.split_once('|')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    pairs.sort();
    pairs
}

/// Adds a pair of words to the lexicon, or takes it out (`removed`); words are kept as typed
/// (lower case, trimmed) and compared by the duplicate suggestions as they compare any text.
pub fn set_lexicon(txn: &mut TransactionMut, a: &str, b: &str, removed: bool, learned: bool, by: &str, at: &str) {
    let (a, b) = (a.trim().to_lowercase(), b.trim().to_lowercase());
    // A pair already in force is not added again; one not there is not taken out.
    let in_force = txn
        .get_map(LEXICON)
        .and_then(|root| root.get(txn, &pair_key(&a, &b)))
        .is_some_and(|value| !record_bool(&value, "removed"));
    if in_force != removed {
        return;
    }
    let value = record(
        by,
        at,
        vec![
            ("a", Any::from(a.as_str())),
            ("b", Any::from(b.as_str())),
            ("removed", Any::Bool(removed)),
            ("learned", Any::Bool(learned)),
        ],
    );
    txn.get_or_insert_map(LEXICON).insert(txn, pair_key(&a, &b), value);
}

/// The lexicon's pairs in force.
pub fn read_lexicon<T: ReadTxn>(txn: &T) -> Vec<LexiconEntry> {
    let Some(root) = txn.get_map(LEXICON) else { return Vec::new() };
    let mut entries: Vec<LexiconEntry> = root
        .iter(txn)
        .filter(|(_, value)| !record_bool(value, "removed"))
        .filter_map(|(_, value)| {
            Some(LexiconEntry {
                a: record_text(&value, "a")?,
                b: record_text(&value, "b")?,
                learned: record_bool(&value, "learned"),
                by: record_text(&value, "by").unwrap_or_default(),
                at: record_text(&value, "at").unwrap_or_default(),
            })
        })
        .collect();
    entries.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{new_doc_of, DocKind};
    use yrs::{Map, Transact};

    #[test]
    fn a_reason_this_version_does_not_know_still_counts_as_set_aside() {
        let doc = new_doc_of(DocKind::Synthesis);
        let (known, newer) = (ProposalId::new(), ProposalId::new());
        set_aside(&mut doc.transact_mut(), known, Some(SetAsideReason::OffTopic), "Inès", "2025-10-01T10:00:00.000Z");
        {
            // As a newer device would write it.
            let mut txn = doc.transact_mut();
            let root = txn.get_or_insert_map(SET_ASIDE);
            root.insert(
                &mut txn,
                newer.to_string(),
                record("Inès", "2025-10-01T10:00:00.000Z", vec![("reason", Any::from("too_late"))]),
            );
        }
        let txn = doc.transact();
        assert_eq!(set_aside_reason(&txn, known).as_deref(), Some("off_topic"));
        assert_eq!(set_aside_reason(&txn, newer).as_deref(), Some("too_late"));
        assert_eq!(set_aside_reason(&txn, ProposalId::new()), None);
        assert_eq!(read_set_aside(&txn).len(), 1, "the list shows what it can name");
    }
}
