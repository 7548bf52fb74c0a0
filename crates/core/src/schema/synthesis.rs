//! Synthesis documents: a theme's consolidated proposals and their sources.

use super::*;

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
