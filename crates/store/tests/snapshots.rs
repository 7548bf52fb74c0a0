#![allow(clippy::unwrap_used)]
//! Restoring a named snapshot, as a facilitator does after the break: what it takes away from
//! everyone is told before and after, never as a bare count of fields.

use recolte_core::programme::SAMPLE;
use recolte_core::schema::{DocName, TakenAway};
use recolte_store::{ProposalFilter, ProposalInput, Store};

#[test]
fn a_restore_names_what_it_takes_away_before_and_after_and_the_preview_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = store.sessions(event, Some(3)).unwrap()[0].id;
    let add = |store: &mut Store, title: &str, author: &str| {
        let input = ProposalInput { title: title.into(), author: Some(author.into()), ..Default::default() };
        store.add_proposal(session, &input).unwrap()
    };
    add(&mut store, "Former les élus", "Camille");
    let named = store.take_snapshot(&DocName::Session(event, session), "Avant la pause").unwrap();
    add(&mut store, "Proposition de Karim", "Karim");
    let live = |store: &Store| -> Vec<String> {
        store
            .proposals(event, &ProposalFilter { session: Some(session), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect()
    };

    let expected = vec![TakenAway { kind: "proposal", label: "Proposition de Karim".into(), author: "Karim".into() }];
    let preview = store.restore_preview(&named.id).unwrap();
    assert_eq!(preview.taken_away, expected);
    assert!(preview.written >= 1);
    assert_eq!(live(&store).len(), 2, "a preview writes nothing");

    let restored = store.restore_snapshot(&named.id).unwrap();
    assert_eq!(restored.taken_away, expected);
    assert_eq!(live(&store), ["Former les élus"]);
    // Restored again, it has nothing to write back: no second « Avant la restauration ».
    let count = |store: &mut Store| store.snapshots(event, Some(&DocName::Session(event, session))).unwrap().len();
    let snapshots = count(&mut store);
    let again = store.restore_snapshot(&named.id).unwrap();
    assert!(again.before.is_none() && again.written == 0, "{again:?}");
    assert_eq!(count(&mut store), snapshots);
    // Restoring the state it replaced brings the proposal back, and takes nothing away.
    let back = store.restore_snapshot(&restored.before.unwrap().id).unwrap();
    assert!(back.taken_away.is_empty(), "{back:?}");
    assert_eq!(live(&store).len(), 2);
    assert!(store.restore_preview("999").is_err(), "an unknown snapshot is named as such");
}

/// A store with the sample event, and the first session of its theme 8.
fn theme_8() -> (tempfile::TempDir, Store, recolte_core::ids::EventId, recolte_core::ids::SessionId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = store.sessions(event, Some(8)).unwrap()[0].id;
    (dir, store, event, session)
}

fn capture(store: &mut Store, session: recolte_core::ids::SessionId, title: &str) -> recolte_core::ids::ProposalId {
    store.add_proposal(session, &ProposalInput { title: title.into(), ..Default::default() }).unwrap()
}

/// A restore of a theme's synthesis or of the panel names the decisions it takes away from
/// everyone (a colleague's set-aside, a lexicon pair, the panel's dots and marks), as it names
/// proposals: it said « 1 champ réécrit » and took them silently, so the app did not ask.
#[test]
fn a_restore_names_the_decisions_it_takes_away() {
    let (_dir, mut store, event, session) = theme_8();
    let add = |store: &mut Store, title: &str| capture(store, session, title);
    let (a, b) = (add(&mut store, "Former les agents"), add(&mut store, "Wiki des communs"));
    let merged = store.merge(event, 8, "Wiki des communs", "", &[b], Some("Alice")).unwrap();
    let synthesis = DocName::Synthesis(event, 8);
    let named = store.take_snapshot(&synthesis, "Midi").unwrap();
    store.set_proposal_aside(a, Some(recolte_core::schema::SetAsideReason::OffTopic)).unwrap();
    store.set_lexicon(event, 8, "wiki", "encyclopédie", false).unwrap();

    let kinds = |taken: &[TakenAway]| -> Vec<(&'static str, String)> {
        taken.iter().map(|t| (t.kind, t.label.clone())).collect()
    };
    let expected = vec![("set_aside", "Former les agents".to_owned()), ("lexicon", "wiki ≈ encyclopédie".to_owned())];
    assert_eq!(kinds(&store.restore_preview(&named.id).unwrap().taken_away), expected);
    assert_eq!(kinds(&store.restore_snapshot(&named.id).unwrap().taken_away), expected);

    let panel = DocName::Panel(event);
    store.comment(merged, "À porter au national", Some("Bob")).unwrap();
    let before_votes = store.take_snapshot(&panel, "Avant les votes").unwrap();
    store.vote(merged, 2, Some("Bob")).unwrap();
    store.mark(merged, true, Some("Bob")).unwrap();
    let taken = store.restore_preview(&before_votes.id).unwrap().taken_away;
    assert_eq!(
        kinds(&taken),
        [("vote", "Wiki des communs".to_owned()), ("mark", "Wiki des communs".to_owned())],
        "{taken:?}"
    );
    assert_eq!(taken[0].author, "Bob");
}

/// A restore leaves a proposal captured since that a merge now cites, and says so: it said
/// « rien à restaurer : déjà dans cet état » while the proposal stood.
#[test]
fn a_restore_says_what_it_left_because_a_merge_cites_it() {
    let (_dir, mut store, event, session) = theme_8();
    let add = |store: &mut Store, title: &str| capture(store, session, title);
    add(&mut store, "Former les agents");
    let named = store.take_snapshot(&DocName::Session(event, session), "Avant").unwrap();
    let cited = add(&mut store, "Wiki des communs");
    store.merge(event, 8, "Wiki", "", &[cited], None).unwrap();

    assert_eq!(store.restore_preview(&named.id).unwrap().kept, ["Wiki des communs"]);
    let restored = store.restore_snapshot(&named.id).unwrap();
    assert_eq!((restored.written, restored.before.is_none()), (0, true));
    assert_eq!(restored.kept, ["Wiki des communs"]);
    let titles: Vec<String> =
        store.proposals(event, &ProposalFilter::default()).unwrap().into_iter().map(|p| p.title).collect();
    assert_eq!(titles, ["Former les agents", "Wiki des communs"]);
}
