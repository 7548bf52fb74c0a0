//! A text saved from a field that did not show a colleague's words yet: the typing is rebased
//! onto the text as it is now, so that no one's words are lost, and refused when the result
//! would be empty or longer than its field allows.

use recolte_store::{Error, ProposalFilter, ProposalUpdate, Store};

use crate::{capture, first_session, new_store};

/// A card saved from a field that did not show a colleague's words yet (they arrived while its
/// save waited) keeps those words: the typing is rebased onto the text as it is now.
#[test]
fn a_card_saved_from_an_older_text_keeps_the_words_typed_meanwhile() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let colleague = ProposalUpdate { title: Some("Former tous les élus".into()), ..Default::default() };
    store.edit_proposal(id, &colleague).unwrap();
    let mine = ProposalUpdate {
        title: Some("Former les élus locaux".into()),
        title_base: Some("Former les élus".into()),
        body: Some("En 2026.".into()),
        body_base: Some(String::new()),
        ..Default::default()
    };
    store.edit_proposal(id, &mine).unwrap();
    let proposal = store.proposals(event, &ProposalFilter::default()).unwrap().remove(0);
    assert_eq!((proposal.title.as_str(), proposal.body.as_str()), ("Former tous les élus locaux", "En 2026."));
}

/// The same for a consolidated proposal's wording, which two rapporteurs may word at once.
#[test]
fn a_wording_saved_from_an_older_text_keeps_the_words_typed_meanwhile() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let merged = store.merge(event, 2, "Former les élus", "", &[id], None).unwrap();
    let colleague =
        recolte_core::schema::ConsolidatedPatch { title: Some("Former tous les élus".into()), ..Default::default() };
    store.edit_consolidated(merged, &colleague).unwrap();
    let mine = recolte_core::schema::ConsolidatedPatch {
        title: Some("Former les élus locaux".into()),
        title_base: Some("Former les élus".into()),
        ..Default::default()
    };
    store.edit_consolidated(merged, &mine).unwrap();
    assert_eq!(store.consolidated(event, 2, false).unwrap()[0].title, "Former tous les élus locaux");
}

/// A rebase that would leave a title empty is refused, and nothing is saved.
#[test]
fn a_rebased_title_left_empty_is_refused() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    store.edit_proposal(id, &ProposalUpdate { title: Some("Former".into()), ..Default::default() }).unwrap();
    let mine = ProposalUpdate {
        title: Some("les élus".into()),
        title_base: Some("Former les élus".into()),
        ..Default::default()
    };
    assert!(matches!(store.edit_proposal(id, &mine), Err(Error::Empty(_))));
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap()[0].title, "Former");
}

/// A rebase that would make a text longer than its field allows (a colleague and this editor
/// both added words) is refused, and nothing is saved; one already that long may still be
/// shortened.
#[test]
fn a_rebased_text_beyond_its_field_is_refused() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let id = capture(&mut store, session, "Former les élus");
    let start = "a".repeat(12_000);
    store.edit_proposal(id, &ProposalUpdate { body: Some(start.clone()), ..Default::default() }).unwrap();
    let theirs = format!("{start}{}", "b".repeat(7_000));
    store.edit_proposal(id, &ProposalUpdate { body: Some(theirs.clone()), ..Default::default() }).unwrap();
    let mine = ProposalUpdate {
        body: Some(format!("{}{start}", "c".repeat(7_000))),
        body_base: Some(start.clone()),
        ..Default::default()
    };
    let refused = store.edit_proposal(id, &mine).unwrap_err();
    assert!(matches!(refused, Error::TooLong { length: 26_000, .. }), "{refused:?}");
    let body = |store: &Store| store.proposals(event, &ProposalFilter::default()).unwrap().remove(0).body;
    assert!(body(&store) == theirs, "nothing saved");
    // Within bounds once rebased: saved.
    let shorter = ProposalUpdate {
        body: Some(format!("{}{start}", "c".repeat(10))),
        body_base: Some(start.clone()),
        ..Default::default()
    };
    store.edit_proposal(id, &shorter).unwrap();
    assert!(body(&store) == format!("{}{theirs}", "c".repeat(10)), "{} characters", body(&store).len());
}
