//! The panel document: marks and comments per consolidated proposal.

use super::*;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct MarkRecord {
    pub consolidated_id: ConsolidatedId,
    pub carry_forward: bool,
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
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

/// Writes a comment's text back (by difference) and its deleted flag: a former version restored.
pub fn restore_comment(txn: &mut TransactionMut, id: CommentId, text: &str, deleted: bool) -> Result<(), Error> {
    let map = child_map(txn, COMMENTS, &id.to_string()).ok_or_else(|| Error::UnknownComment(id.to_string()))?;
    set_text(txn, &map, "text", text);
    map.insert(txn, "deleted", deleted);
    Ok(())
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

/// Root map of the panel document: each member's dots on a consolidated proposal, one plain
/// value per (proposal, member) under the key `CONSOLIDATED_ID|MEMBER`. Never a shared counter:
/// two members voting at once on two devices both count, and tallies are sums of entries.
pub const VOTES: &str = "votes";

/// Dots a panel member may give per theme when the event does not say.
pub const DEFAULT_DOTS_PER_THEME: u32 = 3;

/// The most dots per theme an organiser may give each member, and so the most one vote can
/// hold: a vote written with more (by a crafted update: the app and the command line never
/// do) is read as this many, not as four billion.
pub const MAX_DOTS_PER_THEME: u32 = 99;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct VoteRecord {
    pub consolidated_id: ConsolidatedId,
    pub member: String,
    pub dots: u32,
    pub at: String,
}

fn vote_key(consolidated: ConsolidatedId, member: &str) -> String {
    format!("{consolidated}|{member}")
}

/// Sets a member's dots on a consolidated proposal (0 takes them back).
pub fn set_votes(txn: &mut TransactionMut, consolidated: ConsolidatedId, member: &str, dots: u32, at: &str) {
    // The member's entry alone, by its key (not every vote of the event read and sorted).
    let key = vote_key(consolidated, member);
    let given = match txn.get_map(VOTES).and_then(|votes| votes.get(txn, &key)) {
        Some(Out::Any(Any::Map(map))) => map.get("dots").and_then(any_u64).unwrap_or(0),
        _ => 0,
    };
    if given == u64::from(dots) {
        return;
    }
    let value = Any::Map(Arc::new(HashMap::from([
        ("consolidated".to_owned(), Any::from(consolidated.to_string())),
        ("member".to_owned(), Any::from(member)),
        ("dots".to_owned(), Any::from(dots)),
        ("at".to_owned(), Any::from(at)),
    ])));
    txn.get_or_insert_map(VOTES).insert(txn, key, value);
}

/// Every vote with at least one dot.
pub fn read_votes<T: ReadTxn>(txn: &T) -> Vec<VoteRecord> {
    let Some(votes) = txn.get_map(VOTES) else {
        return Vec::new();
    };
    let mut records: Vec<VoteRecord> = votes
        .iter(txn)
        .filter_map(|(_, value)| {
            let Out::Any(Any::Map(map)) = value else {
                return None;
            };
            let text = |k: &str| match map.get(k) {
                Some(Any::String(s)) => Some(s.to_string()),
                _ => None,
            };
            let dots = map.get("dots").and_then(any_u64)?.min(u64::from(MAX_DOTS_PER_THEME)) as u32;
            Some(VoteRecord {
                consolidated_id: text("consolidated")?.parse().ok()?,
                member: text("member")?,
                dots,
                at: text("at").unwrap_or_default(),
            })
        })
        .filter(|v| v.dots > 0)
        .collect();
    records.sort_by(|a, b| (a.consolidated_id, &a.member).cmp(&(b.consolidated_id, &b.member)));
    records
}

/// Sets how many dots each panel member may give per theme (in the event document).
pub fn set_dots_per_theme(txn: &mut TransactionMut, dots: u32) {
    // The default counts as set: asking for it changes nothing.
    if read_dots_per_theme(txn) == dots {
        return;
    }
    let info = txn.get_or_insert_map("event");
    info.insert(txn, "panel_dots", dots);
}

pub fn read_dots_per_theme<T: ReadTxn>(txn: &T) -> u32 {
    txn.get_map("event").and_then(|info| get_u32(txn, &info, "panel_dots")).unwrap_or(DEFAULT_DOTS_PER_THEME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ConsolidatedId;
    use yrs::Transact;

    #[test]
    fn a_vote_holds_at_most_the_dots_a_theme_can_give() {
        let doc = super::super::new_doc_of(super::super::DocKind::Panel);
        let proposal = ConsolidatedId::new();
        set_votes(&mut doc.transact_mut(), proposal, "Hélène", 4_000_000_000, "2026-11-28T10:00:00Z");
        set_votes(&mut doc.transact_mut(), ConsolidatedId::new(), "Camille", 2, "2026-11-28T10:00:00Z");
        let votes = read_votes(&doc.transact());
        let dots = |member: &str| votes.iter().find(|v| v.member == member).map(|v| v.dots);
        assert_eq!((dots("Hélène"), dots("Camille")), (Some(MAX_DOTS_PER_THEME), Some(2)));
    }
}
