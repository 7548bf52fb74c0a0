//! The one place that opens a store's database, sets its pragmas and applies migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, ResultExt};

/// The migrations, in order; each file says why it exists. Append only: never edit one that
/// has shipped.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial.sql", include_str!("../../../migrations/0001_initial.sql")),
    ("0002_device_settings.sql", include_str!("../../../migrations/0002_device_settings.sql")),
    ("0003_sync.sql", include_str!("../../../migrations/0003_sync.sql")),
    ("0004_search_by_event.sql", include_str!("../../../migrations/0004_search_by_event.sql")),
    ("0005_invitations.sql", include_str!("../../../migrations/0005_invitations.sql")),
    ("0006_panel_votes.sql", include_str!("../../../migrations/0006_panel_votes.sql")),
    ("0007_undo_steps.sql", include_str!("../../../migrations/0007_undo_steps.sql")),
    ("0008_undo_controls.sql", include_str!("../../../migrations/0008_undo_controls.sql")),
    ("0009_named_snapshots.sql", include_str!("../../../migrations/0009_named_snapshots.sql")),
    ("0010_search_index_pending.sql", include_str!("../../../migrations/0010_search_index_pending.sql")),
    ("0011_log_without_autoincrement.sql", include_str!("../../../migrations/0011_log_without_autoincrement.sql")),
    ("0012_log_origin_room.sql", include_str!("../../../migrations/0012_log_origin_room.sql")),
];

/// The oldest schema this version reads without migrating it (for a store that cannot be
/// written): 0012 only lets the log hold one more origin.
const READABLE_FROM: usize = 11;

/// How long a write waits for another process (the app and the CLI) that holds the write lock.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Statements kept prepared per connection: more than every distinct statement the store uses.
const STATEMENT_CACHE: usize = 128;

/// Opens a store for writing, else for reading only when its disk cannot be written
/// (see `open_for_reading`), saying why.
pub fn open_or_read(path: &Path) -> Result<(Connection, Option<Unwritable>), Error> {
    match open(path) {
        // SQLite may still open a store on a disk with not one page left (seen on a full
        // tmpfs): every save would fail; said at once, as for a store that could only be
        // opened for reading (and no longer once space is freed: `Store::unwritable`).
        Ok(conn) if disk_full(path) => Ok((conn, Some(Unwritable::DiskFull))),
        // SQLite falls back to reading by itself for a file it may not write (copied from a
        // read-only medium) or on a read-only disk that still holds a write-ahead log.
        Ok(conn) if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) => Ok((conn, Some(Unwritable::ReadOnly))),
        Ok(conn) => Ok((conn, None)),
        Err(error) => {
            let Some(code) = error.unwritable() else { return Err(error) };
            // Told by what the disk says, not only by SQLite's code: an input-output error
            // on a disk with space left is a disk that fails, not a full one.
            let why = match code {
                Unwritable::ReadOnly => Unwritable::ReadOnly,
                _ if disk_full(path) => Unwritable::DiskFull,
                _ => Unwritable::Failing,
            };
            match open_for_reading(path) {
                Some(conn) => {
                    tracing::warn!("the store {} is open for reading only: {error}", path.display());
                    Ok((conn, Some(why)))
                }
                None => Err(error),
            }
        }
    }
}

/// Opens a database for writing (a store, or a hub's journal, which never serves what it
/// cannot save), and brings its schema up to date.
pub fn open(path: &Path) -> Result<Connection, Error> {
    let failed = |source: rusqlite::Error| {
        if read_only(path) {
            Error::ReadOnly { path: path.to_owned() }
        } else {
            Error::Open { path: path.to_owned(), source }
        }
    };
    let conn = Connection::open(path).map_err(failed)?;
    configure(&conn).map_err(failed)?;
    migrate(&conn, MIGRATIONS.len())?;
    Ok(conn)
}

/// Whether the disk holding `path` has no space left for this user. Unknown is not full, and
/// neither is a file system that reports no size at all (some FUSE ones say 0 of 0).
pub(crate) fn disk_full(path: &Path) -> bool {
    let Some(dir) = path.parent() else { return false };
    let known = fs4::total_space(dir).is_ok_and(|total| total > 0);
    known && fs4::available_space(dir).ok() == Some(0)
}

/// Why a store could be opened for reading only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unwritable {
    /// The disk is full.
    DiskFull,
    /// A read-only disk, or a folder this user may not write to.
    ReadOnly,
    /// The disk does not answer as expected when written (removed, failing).
    Failing,
}

impl Unwritable {
    pub fn fr(self) -> &'static str {
        match self {
            Unwritable::DiskFull => "le disque est plein",
            Unwritable::ReadOnly => "le disque ou le dossier de données n'accepte pas l'écriture",
            Unwritable::Failing => "le disque ne répond pas comme attendu à l'écriture (retiré ou défaillant)",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Unwritable::DiskFull => "the disk is full",
            Unwritable::ReadOnly => "the disk or the data folder cannot be written",
            Unwritable::Failing => "the disk does not answer as expected when written (removed or failing)",
        }
    }

    /// What a device tells its user when its store opened this way, before anything fails.
    pub fn notice(self, lang: recolte_core::Lang) -> String {
        match lang {
            recolte_core::Lang::Fr => format!(
                "stockage ouvert en lecture seule : {} ; vous pouvez lire et exporter, rien ne peut être enregistré ({})",
                self.fr(),
                self.remedy_fr()
            ),
            recolte_core::Lang::En => format!(
                "store open for reading only: {}; you can read and export, nothing can be saved ({})",
                self.en(),
                self.remedy_en()
            ),
        }
    }

    pub(crate) fn remedy_fr(self) -> &'static str {
        match self {
            Unwritable::DiskFull => "libérez de la place sur le disque",
            Unwritable::ReadOnly => "rendez le dossier de données accessible en écriture",
            Unwritable::Failing => "vérifiez le disque, puis relancez Récolte",
        }
    }

    pub(crate) fn remedy_en(self) -> &'static str {
        match self {
            Unwritable::DiskFull => "free some space on the disk",
            Unwritable::ReadOnly => "make the data folder writable",
            Unwritable::Failing => "check the disk, then start Récolte again",
        }
    }
}

/// A store whose disk is full, or read-only, is still read: its proposals can be listed,
/// searched and exported to another disk (a USB key), which is what one needs most then.
/// Opening for writing needs the disk: the write-ahead log's index file (`-shm`) is made or
/// grown at open, and an old schema is migrated. Read-only, SQLite still needs that index
/// unless the file is opened as immutable, which reads the database file alone; that is only
/// right when no saved change waits in the write-ahead log (`-wal` absent or empty, as after
/// every clean close), so with a non-empty log the store is not opened rather than opened
/// without its last saves. A schema older than `READABLE_FROM` is not read either.
fn open_for_reading(path: &Path) -> Option<Connection> {
    use rusqlite::OpenFlags;
    if !path.is_file() {
        return None;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let usable = |conn: Connection| -> Option<Connection> {
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()?;
        (READABLE_FROM..=MIGRATIONS.len()).contains(&(version as usize)).then_some(conn)
    };
    if let Some(conn) = Connection::open_with_flags(path, flags).ok().and_then(usable) {
        return Some(conn);
    }
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // Only a log that is not there, or empty, holds nothing: one that cannot be read may.
    let log_empty = match std::fs::metadata(&wal) {
        Ok(meta) => meta.len() == 0,
        Err(error) => error.kind() == std::io::ErrorKind::NotFound,
    };
    if !log_empty {
        return None;
    }
    // A file URL names an absolute path: `--data-dir store` is relative to where one stands.
    let mut uri = url::Url::from_file_path(std::path::absolute(path).ok()?).ok()?;
    uri.set_query(Some("immutable=1"));
    Connection::open_with_flags(uri.as_str(), flags).ok().and_then(usable)
}

/// Whether the store's folder cannot be written (a read-only disk, or no permission): SQLite
/// then only says it cannot open the file, which does not tell the user what to fix.
fn read_only(path: &Path) -> bool {
    let Some(dir) = path.parent() else { return false };
    let probe = dir.join(".recolte-write-probe");
    match std::fs::OpenOptions::new().create(true).truncate(true).write(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(error) => {
            matches!(error.kind(), std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied)
        }
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    // Another process (the app and the CLI) may hold the write lock for a moment: wait for it.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Readers never block the writer and the writer never blocks readers.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // In WAL mode, NORMAL survives a crash or kill of the process (not a power cut) and
    // makes a commit ~100× cheaper than FULL: the bar is "saved survives kill -9".
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A save alone uses about twenty statements; with rusqlite's default cache of 16 the
    // least recently used were evicted and prepared again on every keystroke.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Without the query planner stability guarantee, SQLite re-prepares a statement whenever
    // a parameter its planner looked at changes: the log's catch-up (`seq > ?2`) was prepared
    // again on every save (9 % of a keystroke's time under perf). The store's queries have
    // one good plan whatever their values.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // A file that is not a database must fail here, at open, with a clear error.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    Ok(())
}

/// Brings the schema to `target` migrations (all of them, except in upgrade tests).
pub fn migrate(conn: &Connection, target: usize) -> Result<(), Error> {
    let version = |conn: &Connection| -> Result<usize, Error> {
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .ctx("lecture de la version du schéma", "reading the schema version")?;
        Ok(v as usize)
    };
    if version(conn)? >= target {
        return check_not_newer(version(conn)?);
    }
    // Immediate: two processes opening an old store at once must not both migrate it.
    let mut conn_tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .ctx("verrouillage pour la migration", "locking the store to migrate it")?;
    let current = version(&conn_tx)?;
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        conn_tx.execute_batch(sql).map_err(|source| Error::Migration { name, source })?;
        conn_tx
            .pragma_update(None, "user_version", (index + 1) as i64)
            .map_err(|source| Error::Migration { name, source })?;
    }
    conn_tx.set_drop_behavior(rusqlite::DropBehavior::Commit);
    conn_tx.commit().ctx("enregistrement de la migration", "committing the migration")?;
    check_not_newer(version(conn)?)
}

fn check_not_newer(found: usize) -> Result<(), Error> {
    if found > MIGRATIONS.len() {
        return Err(Error::StoreTooNew { found, supported: MIGRATIONS.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<&str> = super::MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(files, listed);
        for (index, name) in listed.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", index + 1)), "{name} is out of sequence");
        }
    }
}
