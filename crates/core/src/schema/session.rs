//! Session documents: sub-groups and proposals.

use super::*;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SubgroupRecord {
    pub id: SubgroupId,
    pub name: String,
    pub created_at: String,
    pub deleted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
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
    /// The text the editor's field showed when they changed it into `title` / `body`: their
    /// change is rebased onto what the document holds now ([`crate::text::apply_rebased`]).
    /// `None`: the field showed what the document holds.
    pub title_base: Option<String>,
    pub body_base: Option<String>,
    pub kind: Option<Kind>,
    pub subgroup: Option<Option<SubgroupId>>,
    pub tags: Option<Vec<String>>,
}

/// Creates a sub-group under the id its name gives in `session` ([`SubgroupId::named`]), or a
/// fresh one when that id is already taken here (the sub-group of that name was renamed or
/// deleted since): a new « Groupe C » must not bring back the old one's proposals.
pub fn add_subgroup(txn: &mut TransactionMut, session: SessionId, name: &str, created_at: &str) -> SubgroupId {
    let named = SubgroupId::named(session, name);
    let taken = txn.get_map(SUBGROUPS).is_some_and(|map| map.contains_key(txn, &named.to_string()));
    insert_subgroup(txn, if taken { SubgroupId::new() } else { named }, name, created_at)
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
    // The same name again writes nothing (and sends nothing to other devices).
    if get_str(txn, &map, "name").as_deref() != Some(name) {
        map.insert(txn, "name", name);
    }
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
    // A deleted proposal is not changed out of sight (the edit went where no one looks, and
    // was reported done): brought back first. Read here, from the document the edit changes.
    if get_bool(txn, &map, "deleted") {
        return Err(Error::DeletedNotEdited(get_str(txn, &map, "title").unwrap_or_default()));
    }
    if let Some(title) = &patch.title {
        set_text_from(txn, &map, "title", patch.title_base.as_deref(), title);
    }
    if let Some(body) = &patch.body {
        set_text_from(txn, &map, "body", patch.body_base.as_deref(), body);
    }
    if let Some(kind) = patch.kind {
        set_if_changed(txn, &map, "kind", Any::from(kind.as_str()));
    }
    if let Some(subgroup) = patch.subgroup {
        set_if_changed(txn, &map, "subgroup", subgroup.map(|s| Any::from(s.to_string())).unwrap_or(Any::Null));
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
