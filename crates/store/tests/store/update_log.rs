//! The log of updates under every document: several handles on one store, compactions and
//! rebuilds that lose nothing (snapshots and the edits no hub confirmed included), a holder that
//! panicked, and numbers never given twice, which other connections follow the log by.

use recolte_core::programme::SAMPLE;
use recolte_core::schema::DocName;
use recolte_store::{Error, ProposalFilter, ProposalUpdate, Store};

use crate::{capture, first_session, new_store};

#[test]
fn two_handles_on_one_store_never_lose_each_others_edits() {
    let (dir, mut app, event) = new_store();
    let mut cli = Store::open(dir.path()).unwrap();
    let session = first_session(&app, event, 3);
    let id = capture(&mut app, session, "Rendre visible l'innovation");
    // The CLI edits a proposal the app created, then the app edits another part of it
    // from its (now stale) in-memory document.
    cli.edit_proposal(
        id,
        &ProposalUpdate { title: Some("Rendre visible l'innovation invisible".into()), ..Default::default() },
    )
    .unwrap();
    app.edit_proposal(id, &ProposalUpdate { body: Some("Un prix annuel".into()), ..Default::default() }).unwrap();
    for store in [&mut app, &mut cli] {
        let p = &store.proposals(event, &ProposalFilter::default()).unwrap()[0];
        assert_eq!(p.title, "Rendre visible l'innovation invisible");
        assert_eq!(p.body, "Un prix annuel");
    }
    let name = DocName::Session(event, session);
    assert_eq!(app.document_json(&name).unwrap(), cli.document_json(&name).unwrap());
}

#[test]
fn compaction_keeps_everything_and_other_handles_follow() {
    let (dir, mut store, event) = new_store();
    let mut other = Store::open(dir.path()).unwrap();
    let session = first_session(&store, event, 4);
    let id = capture(&mut store, session, "Évaluer");
    for i in 0..20 {
        store.edit_proposal(id, &ProposalUpdate { body: Some(format!("version {i}")), ..Default::default() }).unwrap();
    }
    let name = DocName::Session(event, session);
    let before = store.document_json(&name).unwrap();
    let _ = other.document_json(&name).unwrap(); // `other` has seen the log up to here
    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "{report:?}");
    assert_eq!(store.log_stats().unwrap().updates, report.updates_after);

    // Both a fresh handle and one that had read the old log see the same document.
    other
        .edit_proposal(id, &ProposalUpdate { title: Some("Évaluer pour essaimer".into()), ..Default::default() })
        .unwrap();
    let mut fresh = Store::open(dir.path()).unwrap();
    assert_eq!(fresh.document_json(&name).unwrap(), other.document_json(&name).unwrap());
    assert_ne!(fresh.document_json(&name).unwrap(), before);
    assert_eq!(fresh.proposals(event, &ProposalFilter::default()).unwrap()[0].body, "version 19");
}

/// A compaction folds what a hub confirmed and leaves this device's later edits as they are:
/// folded, they read as the log's own and were counted shared (the status, a join's hand-over).
#[test]
fn compaction_leaves_the_edits_no_hub_confirmed_as_they_are() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 4);
    let name = DocName::Session(event, session);
    let id = capture(&mut store, session, "Évaluer");
    for i in 0..10 {
        store.edit_proposal(id, &ProposalUpdate { body: Some(format!("partagée {i}")), ..Default::default() }).unwrap();
    }
    let hub = "ws://192.0.2.1:4455";
    store.set_confirmed_seq(hub, &name, store.last_seq(&name).unwrap()).unwrap();
    for i in 0..5 {
        store
            .edit_proposal(id, &ProposalUpdate { body: Some(format!("à partager {i}")), ..Default::default() })
            .unwrap();
    }
    assert_eq!(store.unconfirmed_local_edits(hub, &name).unwrap(), 5);
    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "what the hub has is folded: {report:?}");
    assert_eq!(store.unconfirmed_local_edits(hub, &name).unwrap(), 5, "still to share");
    assert_eq!(store.proposals(event, &ProposalFilter::default()).unwrap()[0].body, "à partager 4");
}

#[test]
fn rebuild_gives_the_same_projections_as_incremental_updates() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 5);
    store.add_subgroup(session, "Silos").unwrap();
    let a = capture(&mut store, session, "Coopérer entre services");
    let b = capture(&mut store, session, "Coalitions inter-administrations");
    store.edit_proposal(b, &ProposalUpdate { tags: Some(vec!["réseau".into()]), ..Default::default() }).unwrap();
    let merged = store.merge(event, 5, "Coopérer", "", &[a, b], None).unwrap();
    // A source deleted after its merge (or on another device meanwhile).
    store.set_proposal_deleted(a, true).unwrap();
    store.mark(merged, true, Some("Panel")).unwrap();
    store.comment(merged, "À porter au national", Some("Panel")).unwrap();
    let incremental = store.dump_projections().unwrap();
    let report = store.rebuild().unwrap();
    assert_eq!(report.proposals, 2);
    assert_eq!(store.dump_projections().unwrap(), incremental);
    assert_eq!(store.search(event, "cooperer", 10).unwrap().len(), 1, "the index was rebuilt too");
    assert!(store.integrity_check(recolte_core::Lang::En).unwrap().is_empty());
}

/// A thread that panicked while holding the shared store (in the middle of an edit) leaves
/// its in-memory documents in doubt: the next holder gets them reloaded from the log, and
/// every committed edit is still there.
#[test]
fn a_store_whose_holder_panicked_reloads_from_its_log() {
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Avant la panne");
    let shared = std::sync::Arc::new(std::sync::Mutex::new(store));
    let holder = shared.clone();
    let crashed = std::thread::spawn(move || {
        let mut store = holder.lock().unwrap();
        capture(&mut store, session, "Pendant la panne");
        panic!("a thread stops while holding the store");
    })
    .join();
    assert!(crashed.is_err() && shared.is_poisoned());
    {
        let mut store = Store::lock_shared(&shared);
        capture(&mut store, session, "Après la panne");
        let titles: Vec<String> = store
            .proposals(event, &recolte_store::ProposalFilter { session: Some(session), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
    }
    assert!(!shared.is_poisoned(), "the store is usable again");
}

#[test]
fn named_snapshots_stay_exactly_restorable_through_a_compaction() {
    use recolte_store::{SnapshotContent, SnapshotReason};
    let (_dir, mut store, event) = new_store();
    let session = first_session(&store, event, 2);
    let doc = DocName::Session(event, session);
    let first = capture(&mut store, session, "Ouvrir les données");
    let second = capture(&mut store, session, "Former les agents");
    let edit = |store: &mut Store, id, title: &str| {
        store.edit_proposal(id, &ProposalUpdate { title: Some(title.into()), ..Default::default() }).unwrap();
    };
    edit(&mut store, first, "Ouvrir les données publiques");
    let named = store.take_snapshot(&doc, "Avant la pause").unwrap();
    assert_eq!((named.reason, named.label.as_str(), named.shared), (SnapshotReason::Manual, "Avant la pause", true));
    for i in 0..10 {
        edit(&mut store, first, &format!("Open data, essai {i}"));
    }
    // A merge takes a snapshot of the synthesis as it stood before it.
    let theme_doc = DocName::Synthesis(event, 2);
    store.merge(event, 2, "Une première fusion", "", &[first], Some("Rapporteur")).unwrap();
    let merged = store.merge(event, 2, "Open data", "", &[first, second], Some("Rapporteur")).unwrap();
    store.set_proposal_deleted(second, true).unwrap();
    let merges: Vec<_> = store.snapshots(event, Some(&theme_doc)).unwrap();
    assert_eq!(merges.len(), 2, "{merges:?}");
    assert_eq!(merges[1].label, "Avant la fusion « Open data »");
    assert_eq!(merges[1].taken_by, "Rapporteur");

    let listed = store.snapshots(event, None).unwrap();
    let contents: Vec<SnapshotContent> = listed.iter().map(|s| store.snapshot_content(&s.id).unwrap()).collect();
    let by_hand = listed.iter().position(|s| s.id == named.id).unwrap();
    let titles_then = match &contents[by_hand] {
        SnapshotContent::Session(session) => session.proposals.iter().map(|p| p.title.clone()).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(titles_then, ["Ouvrir les données publiques", "Former les agents"]);
    let versions_before = store.proposal_history(first).unwrap().len();

    let report = store.compact().unwrap();
    assert!(report.updates_after < report.updates_before, "{report:?}");
    let listed = store.snapshots(event, None).unwrap();
    let after: Vec<SnapshotContent> = listed.iter().map(|s| store.snapshot_content(&s.id).unwrap()).collect();
    assert_eq!(after, contents, "every snapshot reads the same after the compaction");
    // The history keeps a version at each snapshot: the wording before the pause is still there.
    let versions: Vec<String> = store.proposal_history(first).unwrap().into_iter().map(|v| v.title).collect();
    assert!(versions.contains(&"Ouvrir les données publiques".to_owned()), "{versions:?}");
    assert!(versions.len() < versions_before, "the log between snapshots was folded: {versions:?}");

    // Restoring puts the session back as it stood, as one edit, after a snapshot of what it replaces.
    let restored = store.restore_snapshot(&named.id).unwrap();
    assert!(restored.written >= 2, "{restored:?}");
    let before_restore = restored.before.unwrap();
    assert_eq!(before_restore.reason, SnapshotReason::Restore);
    let now: Vec<(String, bool)> = store
        .proposals(event, &ProposalFilter { session: Some(session), all: true, ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|p| (p.title, p.deleted))
        .collect();
    assert!(now.contains(&("Ouvrir les données publiques".to_owned(), false)), "{now:?}");
    assert!(now.contains(&("Former les agents".to_owned(), false)), "{now:?}");
    assert_eq!(store.restore_snapshot(&named.id).unwrap().written, 0, "already as it was");
    // And the state it replaced can be restored in turn.
    store.restore_snapshot(&before_restore.id).unwrap();
    assert!(store.proposal_history(first).unwrap().last().unwrap().title.starts_with("Open data, essai 9"));
    // The synthesis before the second merge held only the first one.
    match store.snapshot_content(&merges[1].id).unwrap() {
        SnapshotContent::Synthesis { consolidated } => {
            assert_eq!(consolidated.len(), 1);
            assert_ne!(consolidated[0].id, merged);
        }
        other => panic!("{other:?}"),
    }
    // Unknown snapshots and empty names are refused, and name the problem.
    assert!(matches!(store.snapshot_content("999"), Err(Error::UnknownSnapshot(id)) if id == "999"));
    assert!(matches!(store.snapshot_content("pas-un-id"), Err(Error::UnknownSnapshot(_))));
    let nowhere = "0190a3c4-0000-7000-8000-000000000000";
    assert!(matches!(store.snapshot_content(nowhere), Err(Error::UnknownSnapshot(id)) if id == nowhere));
    assert!(store.take_snapshot(&doc, "  ").is_err());
}

#[test]
fn each_session_gets_its_end_of_slot_snapshot_once() {
    use recolte_store::SnapshotReason;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    // Sessions in 2099: what is captured now was captured before their end.
    let event = store.import_programme(&SAMPLE.replace("\"2025-", "\"2099-")).unwrap();
    let session = first_session(&store, event, 5);
    capture(&mut store, session, "Mutualiser les achats");
    let later: jiff::Timestamp = "2100-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0, "no slot has ended yet");
    assert_eq!(store.take_due_snapshots(later).unwrap(), 1, "only the session that holds something");
    assert_eq!(store.take_due_snapshots(later).unwrap(), 0, "once");
    let ends = store.snapshots(event, Some(&DocName::Session(event, session))).unwrap();
    assert_eq!(ends.len(), 1);
    assert_eq!((ends[0].reason, ends[0].label.as_str()), (SnapshotReason::SessionEnd, "Fin du créneau"));
    assert!(ends[0].taken_at.starts_with("2099-"), "{:?}", ends[0]);

    // A session whose slot ended before anything reached this device gets none: what came
    // later is not what stood at its end.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    let session = first_session(&store, event, 5);
    capture(&mut store, session, "Arrivé après la fin");
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0);
    assert_eq!(store.take_due_snapshots(jiff::Timestamp::now()).unwrap(), 0, "looked at again, still none");
}

#[test]
fn the_logs_numbers_keep_growing_after_an_event_with_the_last_entries_is_removed() {
    let (dir, mut store, first) = new_store();
    let second = store.import_programme(SAMPLE).unwrap();
    let session = first_session(&store, second, 2);
    capture(&mut store, session, "Un laboratoire par région");
    // An automatic snapshot (the end of the session's slot), as this device keeps it.
    let doc = recolte_core::schema::DocName::Session(second, session).to_string();
    let raw = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    raw.execute(
        "INSERT INTO named_snapshots (doc, entry, reason, name, taken_at, taken_by) VALUES (?1, 1, 'session_end', 'fin', '', '')",
        [&doc],
    )
    .unwrap();
    let reached = store.last_log_seq().unwrap();
    // Another connection has applied everything up to `reached`.
    let watcher = Store::open(dir.path()).unwrap();
    assert_eq!(watcher.last_log_seq().unwrap(), reached);

    store.remove_event(second).unwrap();
    assert!(store.last_log_seq().unwrap() < reached, "the event held the log's last entries");
    // Its snapshots went with it: kept, they would point below a later copy's log.
    let left: i64 = raw.query_row("SELECT count(*) FROM named_snapshots WHERE doc = ?1", [&doc], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    let session = first_session(&store, first, 1);
    capture(&mut store, session, "Former les élus");
    let after = watcher.log_after(reached, 100).unwrap();
    assert_eq!(after.len(), 1, "the watcher sees the new entry: numbers were not given twice");
    assert!(after[0].0 > reached);
}

#[test]
fn a_store_whose_last_entries_were_deleted_keeps_numbering_above_them_after_the_upgrade() {
    // Before migration 0011, AUTOINCREMENT remembered the highest number ever given.
    let dir = tempfile::tempdir().unwrap();
    recolte_store::create_at_version(dir.path(), 10).unwrap();
    let conn = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    let doc = "01a20094-5763-77ed-987c-fe069732c223/event";
    conn.execute(
        "INSERT INTO documents (name, event_id, kind, created_at) VALUES (?1, '01a20094-5763-77ed-987c-fe069732c223', 'event', '2026-11-28T00:00:00Z')",
        [doc],
    )
    .unwrap();
    for _ in 0..3 {
        conn.execute(
            "INSERT INTO doc_updates (doc, data, origin, saved_at) VALUES (?1, x'0000', 'local', '2026-11-28T00:00:00Z')",
            [doc],
        )
        .unwrap();
    }
    conn.execute("DELETE FROM doc_updates WHERE seq > 1", []).unwrap();
    drop(conn);

    let mut store = Store::open(dir.path()).unwrap();
    assert_eq!(store.last_log_seq().unwrap(), 1, "the entries kept are kept");
    store.import_programme(SAMPLE).unwrap();
    let numbers: Vec<i64> = store.log_after(0, 1000).unwrap().into_iter().map(|(seq, _, _)| seq).collect();
    assert_eq!(numbers[0], 1);
    assert!(numbers[1] > 3, "numbers 2 and 3 were given once already: {numbers:?}");
}
