//! One change taken back, or made again, by difference: what the change altered is set back
//! where it still stands as the change left it; what another device changed since stays.
//!
//! A change is read as two states of its document, the one before it and the one after it.
//! Undoing compares them field by field and writes the earlier value over the current one
//! only where the current value is the later one; redoing is the same with the two states
//! swapped. A record the change created is marked deleted (records are never removed), and
//! marked back when redone. Text fields are written by difference, so that the edit merges
//! with concurrent typing like any other; sets (tags, sources) key by key.
//!
//! The clock, the devices' arrivals, the names of the authors and the snapshots are not undone:
//! the clock is a control with its own buttons (a pause is undone by resuming), the others are facts.

use serde_json::Value;
use yrs::types::text::TextPrelim;
use yrs::{GetString, Map, MapRef, Out, ReadTxn, TransactionMut, WriteTxn};

use super::{
    any_to_json, DocKind, AUTHORS, CLOCK, COMMENTS, CONSOLIDATED, DEVICES, MARKS, PROPOSALS, SNAPSHOTS, SUBGROUPS,
};
use crate::text::apply_diff;

/// The root maps of a document that undo takes back.
pub fn undoable_roots(kind: DocKind) -> impl Iterator<Item = &'static str> {
    kind.roots().iter().copied().filter(|root| ![DEVICES, CLOCK, AUTHORS, SNAPSHOTS].contains(root))
}

/// Whether a change (the states before and after it) altered anything undo takes back.
pub fn changes_content<B: ReadTxn, A: ReadTxn>(kind: DocKind, before: &B, after: &A) -> bool {
    undoable_roots(kind).any(|root| root_json(before, root) != root_json(after, root))
}

/// The records (their keys, in undoable roots) a change altered, in key order: what an undo
/// of it is about.
pub fn changed_records<B: ReadTxn, A: ReadTxn>(kind: DocKind, before: &B, after: &A) -> Vec<String> {
    let mut keys = Vec::new();
    for root in undoable_roots(kind) {
        let (b, a) = (before.get_map(root), after.get_map(root));
        for key in union(before, b.as_ref(), after, a.as_ref()) {
            let (old, new) =
                (b.as_ref().and_then(|m| m.get(before, &key)), a.as_ref().and_then(|m| m.get(after, &key)));
            if json(before, old.as_ref()) != json(after, new.as_ref()) {
                keys.push(key);
            }
        }
    }
    keys
}

/// Writes `from`'s values where the current document still holds `to`'s, for every field that
/// differs between `from` and `to`. Undo passes (before, after); redo passes (after, before).
/// Returns how many fields were written: 0 when everything the change did was changed since.
/// `held(root, key)`: a record other documents hold to (a merge citing a proposal, the panel's
/// votes on a consolidated proposal), which an undo of its creation leaves, as it leaves one
/// another device wrote to.
pub fn revert<F: ReadTxn, T: ReadTxn>(
    txn: &mut TransactionMut,
    kind: DocKind,
    from: &F,
    to: &T,
    held: &dyn Fn(&str, &str) -> bool,
) -> usize {
    let mut written = 0;
    for root in undoable_roots(kind) {
        let (from_root, to_root) = (from.get_map(root), to.get_map(root));
        for key in union(from, from_root.as_ref(), to, to_root.as_ref()) {
            let wanted = from_root.as_ref().and_then(|m| m.get(from, &key));
            let left = to_root.as_ref().and_then(|m| m.get(to, &key));
            if json(from, wanted.as_ref()) == json(to, left.as_ref()) {
                continue;
            }
            let current_root = txn.get_or_insert_map(root);
            written += match (wanted, left, current_root.get(txn, &key)) {
                // A record both states hold: field by field, and sets (tags, sources) member
                // by member, so that another device's additions stay.
                // One that other documents hold to is not deleted that way either (an undo of
                // the *Annuler* that brought back a proposal merged since).
                (Some(Out::YMap(wanted)), Some(Out::YMap(left)), Some(Out::YMap(current))) => {
                    let keep_live = held(root, &key);
                    revert_map(txn, &current, from, &wanted, to, &left, 1, keep_live)
                }
                // A record the change created: deleted when undone, unless another device has
                // written to it since (a colleague's body under this device's title): deleting
                // it would hide their work from every screen. Nothing is written, and the undo
                // says the change was overtaken. So for a record another document holds to: a
                // proposal merged by the rapporteur, a consolidated proposal voted on.
                (None, Some(Out::YMap(left)), Some(Out::YMap(current))) => {
                    let untouched = json(to, Some(&Out::YMap(left))) == json(txn, Some(&Out::YMap(current.clone())));
                    if untouched && !held(root, &key) {
                        set_deleted(txn, &current, true)
                    } else {
                        0
                    }
                }
                // A record the undo deleted: back when redone.
                (Some(Out::YMap(wanted)), None, Some(Out::YMap(current))) => {
                    let deleted = matches!(wanted.get(from, "deleted"), Some(Out::Any(yrs::Any::Bool(true))));
                    set_deleted(txn, &current, deleted)
                }
                // A plain entry (a mark, a vote, a word of the lexicon).
                (wanted, left, current) => {
                    put_back_if_untouched(txn, &current_root, &key, from, wanted, to, left, current)
                }
            };
        }
    }
    written
}

/// Whether the record `key` is gone in `state` (absent, or marked deleted): what an undo or a
/// restore towards that state would do to it.
pub fn gone_in<T: ReadTxn>(kind: DocKind, state: &T, key: &str) -> bool {
    undoable_roots(kind).all(|root| match state.get_map(root).and_then(|m| m.get(state, key)) {
        Some(Out::YMap(record)) => matches!(record.get(state, "deleted"), Some(Out::Any(yrs::Any::Bool(true)))),
        Some(_) => false,
        None => true,
    })
}

/// A record a change takes away (marks deleted), as people know it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TakenAway {
    /// `proposal`, `consolidated`, `comment` or `subgroup`; and a rapporteur's or the panel's
    /// decision on one: `set_aside`, `not_duplicates`, `lexicon`, `vote`, `mark`.
    pub kind: &'static str,
    /// Its title, text or name. For a decision: the id of the proposal it is about (for
    /// `not_duplicates`, the two ids joined by `|`; for `lexicon`, « a ≈ b »), which the
    /// store names.
    pub label: String,
    /// Who wrote it, when the record says (empty otherwise).
    pub author: String,
}

/// The records live in `before` and marked deleted in `after`: what a restore takes away from
/// everyone (a colleague's proposal added since the snapshot), said before and after it.
pub fn taken_away<B: ReadTxn, A: ReadTxn>(kind: DocKind, before: &B, after: &A) -> Vec<TakenAway> {
    let deleted = |txn: &dyn Fn(&str) -> Option<Value>| txn("deleted") == Some(Value::Bool(true));
    let mut out = Vec::new();
    for (root, what) in
        [(PROPOSALS, "proposal"), (SUBGROUPS, "subgroup"), (CONSOLIDATED, "consolidated"), (COMMENTS, "comment")]
    {
        if !kind.roots().contains(&root) {
            continue;
        }
        let (Some(b), Some(a)) = (before.get_map(root), after.get_map(root)) else { continue };
        for key in b.keys(before).map(str::to_owned).collect::<Vec<_>>() {
            let (Some(Out::YMap(was)), Some(Out::YMap(is))) = (b.get(before, &key), a.get(after, &key)) else {
                continue;
            };
            let then = |field: &str| was.get(before, field).map(|v| json(before, Some(&v)));
            let now = |field: &str| is.get(after, field).map(|v| json(after, Some(&v)));
            if deleted(&then) || !deleted(&now) {
                continue;
            }
            let text = |field: &str| match then(field) {
                Some(Value::String(text)) => text,
                _ => String::new(),
            };
            let label =
                ["title", "text", "name"].into_iter().map(text).find(|t| !t.trim().is_empty()).unwrap_or_default();
            let author = ["author", "by"].into_iter().map(text).find(|t| !t.trim().is_empty()).unwrap_or_default();
            out.push(TakenAway { kind: what, label, author });
        }
    }
    out.extend(decisions_taken_away(kind, before, after));
    out
}

/// The rapporteur's and the panel's decisions in force in `before` and no longer in `after`:
/// a proposal set aside, two said not to be duplicates, a pair of the lexicon, a member's
/// dots, a mark « à porter ». A restore took them from everyone without naming them.
fn decisions_taken_away<B: ReadTxn, A: ReadTxn>(kind: DocKind, before: &B, after: &A) -> Vec<TakenAway> {
    use super::{LEXICON, NOT_DUPLICATES, SET_ASIDE, VOTES};
    let field = |value: &Value, name: &str| value.get(name).cloned().unwrap_or(Value::Null);
    let text = |value: &Value, name: &str| field(value, name).as_str().unwrap_or_default().to_owned();
    // Whether an entry is a decision in force, and how it is named.
    let in_force = |root: &str, value: &Value| {
        value.is_object()
            && match root {
                SET_ASIDE => !field(value, "reason").is_null(),
                LEXICON => field(value, "removed") != Value::Bool(true),
                VOTES => field(value, "dots").as_u64().is_some_and(|dots| dots > 0),
                MARKS => field(value, "carry_forward") == Value::Bool(true),
                _ => !value.is_null(),
            }
    };
    let mut out = Vec::new();
    for (root, what) in [
        (SET_ASIDE, "set_aside"),
        (NOT_DUPLICATES, "not_duplicates"),
        (LEXICON, "lexicon"),
        (VOTES, "vote"),
        (MARKS, "mark"),
    ] {
        if !kind.roots().contains(&root) {
            continue;
        }
        let (then, now) = (root_json(before, root), root_json(after, root));
        let Value::Object(then) = then else { continue };
        for (key, was) in then {
            let is = now.get(&key).cloned().unwrap_or(Value::Null);
            // Still in force after (re-marked at another moment, say) is not taken away; a
            // member left with fewer dots is.
            let dots = |value: &Value| field(value, "dots").as_u64().unwrap_or(0);
            let fewer = root == VOTES && dots(&is) < dots(&was);
            if !in_force(root, &was) || (in_force(root, &is) && !fewer) {
                continue;
            }
            let (label, author) = match root {
                LEXICON => (format!("{} ≈ {}", text(&was, "a"), text(&was, "b")), text(&was, "by")),
                VOTES => (text(&was, "consolidated"), text(&was, "member")),
                _ => (key.clone(), text(&was, "by")),
            };
            out.push(TakenAway { kind: what, label, author });
        }
    }
    out
}

/// The entries of a map that differ between `from` and `to`, put back; `depth` levels of
/// nested maps are gone into rather than replaced.
/// `keep_live`: the record's `deleted` is not set to true.
#[allow(clippy::too_many_arguments)]
fn revert_map<F: ReadTxn, T: ReadTxn>(
    txn: &mut TransactionMut,
    current: &MapRef,
    from: &F,
    wanted: &MapRef,
    to: &T,
    left: &MapRef,
    depth: usize,
    keep_live: bool,
) -> usize {
    let mut written = 0;
    for key in union(from, Some(wanted), to, Some(left)) {
        let (w, l) = (wanted.get(from, &key), left.get(to, &key));
        if json(from, w.as_ref()) == json(to, l.as_ref()) {
            continue;
        }
        if keep_live && key == "deleted" && matches!(w, Some(Out::Any(yrs::Any::Bool(true)))) {
            continue;
        }
        written += match (w, l, current.get(txn, &key)) {
            (Some(Out::YMap(w)), Some(Out::YMap(l)), Some(Out::YMap(c))) if depth > 0 => {
                revert_map(txn, &c, from, &w, to, &l, depth - 1, false)
            }
            (w, l, c) => put_back_if_untouched(txn, current, &key, from, w, to, l, c),
        };
    }
    written
}

/// Puts `wanted` (read in `from`) under `key` if the current value is still `left` (read in
/// `to`); 1 if written.
#[allow(clippy::too_many_arguments)]
fn put_back_if_untouched<F: ReadTxn, T: ReadTxn>(
    txn: &mut TransactionMut,
    map: &MapRef,
    key: &str,
    from: &F,
    wanted: Option<Out>,
    to: &T,
    left: Option<Out>,
    current: Option<Out>,
) -> usize {
    if json(txn, current.as_ref()) != json(to, left.as_ref()) {
        return 0;
    }
    match (wanted, current) {
        (None, _) => {
            map.remove(txn, key);
        }
        (Some(Out::YText(w)), Some(Out::YText(c))) => apply_diff(&c, txn, &w.get_string(from)),
        (Some(Out::YText(w)), _) => {
            map.insert(txn, key, TextPrelim::new(w.get_string(from)));
        }
        (Some(Out::Any(value)), _) => {
            map.insert(txn, key, value);
        }
        // A nested type where the current one is plain: not ours to rebuild.
        _ => return 0,
    }
    1
}

fn set_deleted(txn: &mut TransactionMut, record: &MapRef, deleted: bool) -> usize {
    if matches!(record.get(txn, "deleted"), Some(Out::Any(yrs::Any::Bool(d))) if d == deleted) {
        return 0;
    }
    record.insert(txn, "deleted", deleted);
    1
}

/// The keys of two maps read in two documents, each once, in order.
fn union<F: ReadTxn, T: ReadTxn>(from: &F, a: Option<&MapRef>, to: &T, b: Option<&MapRef>) -> Vec<String> {
    let mut keys: Vec<String> = a.map(|m| m.keys(from).map(str::to_owned).collect()).unwrap_or_default();
    keys.extend(b.into_iter().flat_map(|m| m.keys(to).map(str::to_owned)));
    keys.sort();
    keys.dedup();
    keys
}

fn root_json<T: ReadTxn>(txn: &T, root: &str) -> Value {
    match txn.get_map(root) {
        Some(map) => map_json(txn, &map),
        None => Value::Object(Default::default()),
    }
}

fn map_json<T: ReadTxn>(txn: &T, map: &MapRef) -> Value {
    Value::Object(map.iter(txn).map(|(key, value)| (key.to_owned(), json(txn, Some(&value)))).collect())
}

/// A value as JSON, for comparing states of different documents.
fn json<T: ReadTxn>(txn: &T, value: Option<&Out>) -> Value {
    match value {
        None => Value::Null,
        Some(Out::Any(any)) => any_to_json(any),
        Some(Out::YText(text)) => Value::String(text.get_string(txn)),
        Some(Out::YMap(map)) => map_json(txn, map),
        // Arrays and other shared types are not in the schema: compared as absent.
        Some(_) => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, StateVector, Transact, Update};

    use super::*;
    use crate::model::Kind;
    use crate::schema::{self, NewProposal, ProposalPatch, ORIGIN_LOCAL};

    fn copy(doc: &Doc) -> Doc {
        let other = schema::new_doc_of(DocKind::Session);
        let state = doc.transact().encode_state_as_update_v1(&StateVector::default());
        other.transact_mut().apply_update(Update::decode_v1(&state).unwrap()).unwrap();
        other
    }

    fn sync(from: &Doc, to: &Doc) {
        let missing = from.transact().encode_state_as_update_v1(&to.transact().state_vector());
        to.transact_mut().apply_update(Update::decode_v1(&missing).unwrap()).unwrap();
    }

    fn edit(doc: &Doc, change: impl FnOnce(&mut TransactionMut)) -> (Doc, Doc) {
        let before = copy(doc);
        change(&mut doc.transact_mut_with(ORIGIN_LOCAL));
        (before, copy(doc))
    }

    /// Takes `doc` from `from`'s state back to `to`'s where it differs.
    fn back(doc: &Doc, from: &Doc, to: &Doc) -> usize {
        revert(&mut doc.transact_mut_with(ORIGIN_LOCAL), DocKind::Session, &to.transact(), &from.transact(), &|_, _| {
            false
        })
    }

    fn undo(doc: &Doc, (before, after): &(Doc, Doc)) -> usize {
        back(doc, after, before)
    }

    fn redo(doc: &Doc, (before, after): &(Doc, Doc)) -> usize {
        back(doc, before, after)
    }

    fn new(title: &str) -> NewProposal {
        NewProposal { title: title.into(), kind: Kind::Proposal, tags: vec!["rh".into()], ..Default::default() }
    }

    #[test]
    fn a_creation_is_undone_as_a_deletion_and_redone() {
        let doc = schema::new_doc_of(DocKind::Session);
        let mut id = None;
        let change = edit(&doc, |txn| id = Some(schema::add_proposal(txn, &new("Former les élus"))));
        let id = id.unwrap();
        assert!(changes_content(DocKind::Session, &change.0.transact(), &change.1.transact()));
        assert_eq!(undo(&doc, &change), 1);
        assert!(schema::read_proposal(&doc.transact(), id).unwrap().deleted);
        assert_eq!(redo(&doc, &change), 1);
        assert!(!schema::read_proposal(&doc.transact(), id).unwrap().deleted);
    }

    #[test]
    fn undo_takes_back_my_fields_and_keeps_what_another_device_changed_since() {
        let a = schema::new_doc_of(DocKind::Session);
        let id = schema::add_proposal(&mut a.transact_mut(), &new("Former les élus"));
        let b = copy(&a);
        // A rewrites the title and the kind and adds a tag; B then rewrites the body and the kind.
        let mine = edit(&a, |txn| {
            let patch = ProposalPatch {
                title: Some("Former tous les élus".into()),
                kind: Some(Kind::Obstacle),
                tags: Some(vec!["rh".into(), "élus".into()]),
                ..Default::default()
            };
            schema::edit_proposal(txn, id, &patch).unwrap();
        });
        sync(&a, &b);
        let patch = ProposalPatch {
            body: Some("Dans chaque collectivité".into()),
            kind: Some(Kind::Question),
            ..Default::default()
        };
        schema::edit_proposal(&mut b.transact_mut(), id, &patch).unwrap();
        // B also adds a tag of its own.
        let tags =
            ProposalPatch { tags: Some(vec!["rh".into(), "élus".into(), "formation".into()]), ..Default::default() };
        schema::edit_proposal(&mut b.transact_mut(), id, &tags).unwrap();
        sync(&b, &a);
        assert_eq!(undo(&a, &mine), 2, "the title and my tag; the kind was changed since by B");
        sync(&a, &b);
        for doc in [&a, &b] {
            let p = schema::read_proposal(&doc.transact(), id).unwrap();
            assert_eq!(p.title, "Former les élus");
            assert_eq!(p.body, "Dans chaque collectivité");
            assert_eq!(p.kind, Kind::Question);
            assert_eq!(p.tags, vec!["formation".to_string(), "rh".to_string()]);
        }
    }

    #[test]
    fn a_change_overtaken_everywhere_undoes_nothing() {
        let a = schema::new_doc_of(DocKind::Session);
        let id = schema::add_proposal(&mut a.transact_mut(), &new("Former les élus"));
        let mine = edit(&a, |txn| {
            schema::edit_proposal(txn, id, &ProposalPatch { title: Some("Former".into()), ..Default::default() })
                .unwrap()
        });
        schema::edit_proposal(
            &mut a.transact_mut(),
            id,
            &ProposalPatch { title: Some("Autre".into()), ..Default::default() },
        )
        .unwrap();
        assert_eq!(undo(&a, &mine), 0);
        assert_eq!(schema::read_proposal(&a.transact(), id).unwrap().title, "Autre");
    }

    #[test]
    fn the_records_a_change_altered_are_named() {
        let doc = schema::new_doc_of(DocKind::Session);
        let mut id = None;
        let change = edit(&doc, |txn| id = Some(schema::add_proposal(txn, &new("Former les élus"))));
        let keys = changed_records(DocKind::Session, &change.0.transact(), &change.1.transact());
        assert_eq!(keys, vec![id.unwrap().to_string()]);
    }

    #[test]
    fn the_clock_and_arrivals_are_not_content() {
        let doc = schema::new_doc_of(DocKind::Session);
        let change = edit(&doc, |txn| schema::clock_start(txn, jiff::Timestamp::UNIX_EPOCH));
        assert!(!changes_content(DocKind::Session, &change.0.transact(), &change.1.transact()));
        assert_eq!(undo(&doc, &change), 0);
    }
}
