#![allow(clippy::unwrap_used)]
//! Undo as a rapporteur and a panel meet it: one gesture is one step, and taking back a
//! creation never hides what other documents built on it.

use recolte_core::ids::{EventId, ProposalId, SessionId};
use recolte_core::programme::SAMPLE;
use recolte_core::schema::DocName;
use recolte_store::{Error, ProposalFilter, ProposalInput, ProposalUpdate, Store};
use tempfile::TempDir;

const THEME: u32 = 8;

fn new_store() -> (TempDir, Store, EventId, SessionId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    store.set_setting("display_name", "Alice").unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = store.sessions(event, Some(THEME)).unwrap()[0].id;
    (dir, store, event, session)
}

fn capture(store: &mut Store, session: SessionId, title: &str) -> ProposalId {
    store.add_proposal(session, &ProposalInput { title: title.into(), ..Default::default() }).unwrap()
}

fn titles_in_order(store: &Store, event: EventId) -> Vec<String> {
    store.consolidated(event, THEME, false).unwrap().into_iter().map(|c| c.title).collect()
}

/// `between` (a snapshot, a compaction) leaves undo and redo as they were, `what` says why:
/// the redo of the edit just undone still brings `edited` back.
fn leaves_undo_alone(
    store: &mut Store,
    name: &DocName,
    event: EventId,
    edited: &str,
    what: &str,
    between: impl FnOnce(&mut Store),
) {
    let before = store.undo_depth(name).unwrap();
    between(store);
    assert_eq!(store.undo_depth(name).unwrap(), before, "{what}");
    store.redo(name).unwrap();
    assert_eq!(store.proposals(event, &Default::default()).unwrap()[0].title, edited);
}

#[test]
fn a_move_in_the_ranking_is_one_step_to_undo() {
    let (_dir, mut store, event, session) = new_store();
    let ids: Vec<_> = ["Un", "Deux", "Trois"]
        .iter()
        .map(|title| {
            let p = capture(&mut store, session, title);
            store.merge(event, THEME, title, "", &[p], None).unwrap()
        })
        .collect();
    store.reorder_consolidated(&ids).unwrap();
    let synthesis = DocName::Synthesis(event, THEME);
    let depth = store.undo_depth(&synthesis).unwrap().can_undo;

    store.reorder_consolidated(&[ids[1], ids[0], ids[2]]).unwrap();
    assert_eq!(titles_in_order(&store, event), ["Deux", "Un", "Trois"]);
    assert_eq!(store.undo_depth(&synthesis).unwrap().can_undo, depth + 1, "one move, one step");
    store.undo(&synthesis).unwrap();
    assert_eq!(titles_in_order(&store, event), ["Un", "Deux", "Trois"], "one undo takes the whole move back");
}

#[test]
fn undoing_a_merge_that_taught_the_lexicon_takes_both_back() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Ouvrir des tiers-lieux");
    let b = capture(&mut store, session, "Ouvrir des fablabs");
    let (_, learned) = store.merge_and_learn(event, THEME, "Lieux", "", &[a, b], None).unwrap();
    assert!(!learned.is_empty(), "a merge by hand teaches the lexicon");
    assert_eq!(store.triage(event, THEME).unwrap().lexicon.len(), learned.len());

    store.undo(&DocName::Synthesis(event, THEME)).unwrap();
    assert!(titles_in_order(&store, event).is_empty(), "the merge is undone by the first undo");
    assert!(store.triage(event, THEME).unwrap().lexicon.is_empty(), "and the pairs it taught");
}

#[test]
fn a_merge_of_nothing_is_refused() {
    let (_dir, mut store, event, _) = new_store();
    let error = store.merge(event, THEME, "Vide", "", &[], None).unwrap_err();
    assert!(matches!(error, Error::NothingToMerge), "{error}");
    assert!(titles_in_order(&store, event).is_empty());
}

#[test]
fn a_merge_brought_back_cannot_make_a_set_aside_source_merged_too() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Former les agents");
    let merged = store.merge(event, THEME, "Former", "", &[a], None).unwrap();
    store.set_consolidated_deleted(merged, true).unwrap();
    store.set_proposal_aside(a, Some(recolte_core::schema::SetAsideReason::OffTopic)).unwrap();

    let error = store.set_consolidated_deleted(merged, false).unwrap_err();
    assert!(matches!(&error, Error::SetAsideNotMerged { title } if title == "Former les agents"), "{error}");
    assert!(titles_in_order(&store, event).is_empty(), "nothing was brought back");
}

#[test]
fn undoing_a_capture_leaves_a_proposal_the_rapporteur_merged() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Former au logiciel libre");
    let merged = store.merge(event, THEME, "Libre et formation", "", &[a], None).unwrap();

    let outcome = store.undo(&DocName::Session(event, session)).unwrap();
    assert_eq!(outcome.written, 0, "left: a merge cites it");
    assert_eq!(outcome.kept, ["Former au logiciel libre"], "and said so");
    let sources = &store.consolidated(event, THEME, false).unwrap()[0].sources;
    assert_eq!(sources.len(), 1);
    let all = ProposalFilter { all: true, ..Default::default() };
    assert!(store.proposals(event, &all).unwrap().iter().any(|p| p.id == a && !p.deleted));
    assert_eq!(store.consolidated(event, THEME, false).unwrap()[0].id, merged);
}

/// Deleted by mistake and brought back with *Annuler* (a change of its own), then merged: an
/// undo of that *Annuler* would delete it again, out of the merge.
#[test]
fn undoing_the_return_of_a_proposal_merged_since_leaves_it() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Former au logiciel libre");
    store.set_proposal_deleted(a, true).unwrap();
    store.set_proposal_deleted(a, false).unwrap();
    store.merge(event, THEME, "Libre et formation", "", &[a], None).unwrap();

    let outcome = store.undo(&DocName::Session(event, session)).unwrap();
    assert_eq!((outcome.written, outcome.kept.as_slice()), (0, &["Former au logiciel libre".to_owned()][..]));
    let all = ProposalFilter { all: true, ..Default::default() };
    assert!(store.proposals(event, &all).unwrap().iter().any(|p| p.id == a && !p.deleted));
}

#[test]
fn undoing_a_merge_leaves_it_when_the_panel_voted_on_it() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Wiki des communs");
    let merged = store.merge(event, THEME, "Wiki des communs", "", &[a], None).unwrap();
    store.vote(merged, 2, Some("Bob")).unwrap();

    let outcome = store.undo(&DocName::Synthesis(event, THEME)).unwrap();
    assert_eq!(outcome.written, 0, "left: the panel voted on it");
    assert_eq!(outcome.kept, ["Wiki des communs"]);
    assert_eq!(titles_in_order(&store, event), ["Wiki des communs"]);
}

#[test]
fn a_snapshot_by_hand_is_not_a_change_to_undo() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Évaluer");
    store
        .edit_proposal(a, &ProposalUpdate { title: Some("Évaluer les projets".into()), ..Default::default() })
        .unwrap();
    let name = DocName::Session(event, session);
    store.undo(&name).unwrap();
    assert_eq!(store.undo_depth(&name).unwrap().can_redo, 1);

    leaves_undo_alone(
        &mut store,
        &name,
        event,
        "Évaluer les projets",
        "neither a change to undo nor the end of redo",
        |store| {
            store.take_snapshot(&name, "Avant la pause").unwrap();
        },
    );
}

#[test]
fn a_compaction_keeps_the_undo_of_an_edit_no_hub_confirmed() {
    let (_dir, mut store, event, session) = new_store();
    let name = DocName::Session(event, session);
    let a = capture(&mut store, session, "Mutualiser les outils numériques");
    store.set_confirmed_seq("ws://192.0.2.1:4455", &name, store.last_seq(&name).unwrap()).unwrap();
    store
        .edit_proposal(a, &ProposalUpdate { title: Some("Mutualiser les outils".into()), ..Default::default() })
        .unwrap();
    store.undo(&name).unwrap();

    leaves_undo_alone(&mut store, &name, event, "Mutualiser les outils", "the undo is still an undo", |store| {
        store.compact().unwrap();
    });
}

#[test]
fn one_dot_more_counts_the_member_s_dots_under_the_name_the_votes_hold() {
    let (_dir, mut store, event, session) = new_store();
    let a = capture(&mut store, session, "Former");
    let merged = store.merge(event, THEME, "Former", "", &[a], None).unwrap();
    store.set_dots_per_theme(event, 5).unwrap();
    store.vote(merged, 2, Some("Hélène")).unwrap();
    store.vote_once_more(merged, Some("Hélène  ")).unwrap();
    let review = store.reviews(event, THEME).unwrap().into_iter().find(|r| r.consolidated_id == merged).unwrap();
    assert_eq!(review.total, 3, "{review:?}");
}

#[test]
fn a_version_of_a_deleted_proposal_is_not_restored_in_silence() {
    let (_dir, mut store, _, session) = new_store();
    let a = capture(&mut store, session, "Évaluer");
    store
        .edit_proposal(a, &ProposalUpdate { title: Some("Évaluer les projets".into()), ..Default::default() })
        .unwrap();
    store.set_proposal_deleted(a, true).unwrap();
    let error = store.restore_version(&a.to_string(), 1).unwrap_err();
    assert!(matches!(&error, Error::DeletedNotReworded(title) if title == "Évaluer les projets"), "{error}");
    let said = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(said.contains("est supprimée") && said.contains("rien n'a été changé"), "{said}");
}
