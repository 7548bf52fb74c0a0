//! The store as found on disk: a data folder readable by its owner only, one made by the first
//! version, a file where a folder or a store should be, and a log entry or a search index that
//! no longer reads, each named so that whoever reads the message knows what to do.

use recolte_core::programme::SAMPLE;
use recolte_core::schema::DocName;
use recolte_store::{Error, Store};

use crate::{capture, first_session, new_store};

/// The data folder holds the event's signing key and the device's tokens: readable by its
/// owner only, a store made by an earlier version (world-readable) included.
#[cfg(unix)]
#[test]
fn the_data_folder_and_the_store_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("recolte");
    drop(Store::open(&dir).unwrap());
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    // As an earlier version left them: the folder and every file readable by all.
    let store = Store::open(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for file in ["recolte.sqlite", "recolte.sqlite-wal", "recolte.sqlite-shm"] {
        std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let again = Store::open(&dir).unwrap();
    // A folder it did not make is left as it is (it may be shared on purpose); the files hold
    // the secrets.
    assert_eq!(mode(&dir), 0o755);
    for file in ["recolte.sqlite", "recolte.sqlite-wal", "recolte.sqlite-shm"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    drop((store, again));
}

#[test]
fn a_store_made_by_the_first_migration_upgrades_to_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    recolte_store::create_at_version(dir.path(), 1).unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = store.import_programme(SAMPLE).unwrap();
    store.set_setting("display_name", "Camille").unwrap();
    drop(store);
    // …and a store of the current version opens again unchanged.
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.author().unwrap(), "Camille");
    assert_eq!(store.sessions(event, None).unwrap().len(), 36);
}

#[test]
fn a_data_folder_that_is_a_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "gardé").unwrap();
    let err = Store::open(&file).unwrap_err();
    let text = recolte_core::Localize::localize(&err, recolte_core::Lang::Fr);
    assert!(text.contains("est un fichier, pas un dossier de données"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "gardé");
}

#[test]
fn a_file_that_is_not_a_store_is_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(recolte_store::DB_FILE),
        b"this is a text file, not a database at all..........................................................",
    )
    .unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    let text = recolte_core::Localize::localize(&err, recolte_core::Lang::Fr);
    assert!(text.contains("n'est pas un stockage Récolte"), "{text}");
}

/// Writes bytes that are no update over the last entry of `doc`'s log (the store closed), as a
/// damaged disk would: its number.
fn damage_last_entry(dir: &std::path::Path, doc: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join(recolte_store::DB_FILE)).unwrap();
    let seq: i64 = conn.query_row("SELECT max(seq) FROM doc_updates WHERE doc = ?1", [doc], |r| r.get(0)).unwrap();
    conn.execute("UPDATE doc_updates SET data = x'deadbeef00ff' WHERE seq = ?1", [seq]).unwrap();
    seq
}

/// One entry of one document's log that no longer reads stops that document's loading and
/// export: the check names it, in the reader's language, with what to do.
#[test]
fn the_check_names_a_log_entry_that_no_longer_reads() {
    let (dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Former les élus");
    assert!(store.integrity_check(recolte_core::Lang::Fr).unwrap().is_empty());
    drop(store);
    let doc = DocName::Session(event, session).to_string();
    let seq = damage_last_entry(dir.path(), &doc);
    let store = Store::open(dir.path()).unwrap();
    let fr = store.integrity_check(recolte_core::Lang::Fr).unwrap();
    assert_eq!(fr.len(), 1, "{fr:?}");
    assert!(fr[0].contains(&doc) && fr[0].contains(&format!("n° {seq} est illisible")), "{fr:?}");
    assert!(fr[0].contains("importez un paquet d'un autre appareil"), "{fr:?}");
    let en = store.integrity_check(recolte_core::Lang::En).unwrap();
    assert!(en[0].contains(&format!("update #{seq} cannot be read")), "{en:?}");
}

/// The history of a document whose log is damaged says so, as its loading does, instead of
/// showing (and offering to restore) wordings rebuilt without the entry that no longer reads.
#[test]
fn the_history_of_a_damaged_log_names_the_entry() {
    let (dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    let id = capture(&mut store, session, "Former les élus");
    drop(store);
    let seq = damage_last_entry(dir.path(), &DocName::Session(event, session).to_string());
    let store = Store::open(dir.path()).unwrap();
    let history = store.proposal_history(id).unwrap_err();
    assert!(matches!(history, Error::CorruptLog { seq: s, .. } if s == seq), "{history:?}");
    let moment = store.session_at(session, None).unwrap_err();
    assert!(matches!(moment, Error::CorruptLog { seq: s, .. } if s == seq), "{moment:?}");
}

/// A damaged search index is said to be the index (a copy of the tables), never the store;
/// the documents still leave in a bundle.
#[test]
fn a_damaged_search_index_is_named_and_the_documents_still_leave() {
    let (dir, mut store, event) = new_store();
    let session = first_session(&store, event, 1);
    capture(&mut store, session, "Former les élus");
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(recolte_store::DB_FILE)).unwrap();
    conn.execute("UPDATE proposals_fts_data SET block = x'00ff00ff00ff' WHERE id > 1", []).unwrap();
    drop(conn);
    let mut store = Store::open(dir.path()).unwrap();
    assert!(matches!(store.search(event, "élus", 10), Err(Error::SearchIndexDamaged { .. })));
    let problems = store.integrity_check(recolte_core::Lang::Fr).unwrap();
    assert!(
        !problems.is_empty() && problems.iter().all(|p| p.starts_with("index de recherche endommagé")),
        "{problems:?}"
    );
    assert!(matches!(store.rebuild(), Err(Error::TooDamagedToRebuild { .. })));
    assert!(!store.export_bundle(event).unwrap().is_empty());
}
