//! What sync needs from the store: applying a peer's update durably, telling a peer what it
//! lacks, finding this device's changes a hub has not confirmed, and the event's keys.

use recolte_core::access::{Role, Scope};
use recolte_core::ids::EventId;
use recolte_core::schema::{self, DocName};
use recolte_core::token::{self, EventKeys};
use rusqlite::params;
use yrs::{ReadTxn, StateVector, Transact};

use crate::error::{Error, ResultExt};
use crate::write::LogOrigin;
use crate::Store;

/// What a device remembers of its last exchanges with a hub, per document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncRecord {
    pub last_exchange: Option<String>,
    /// The hub's last refusal: a code (`expired`, `revoked`, …) and its message.
    pub error: Option<(String, String)>,
}

impl Store {
    /// Applies one update received from a hub, durably: once this returns, the update is
    /// in the log and the projections, and may be acknowledged. Returns the bytes it added.
    pub fn apply_remote(&mut self, name: &DocName, update: &[u8]) -> Result<usize, Error> {
        self.write(("enregistrement d'une mise à jour reçue", "saving a received update"), |write| {
            Ok(write.foreign(name, update, LogOrigin::Hub)?.unwrap_or(0))
        })
    }

    /// Applies updates received by a hub that serves this store, in one transaction (group
    /// commit): durable, logged as coming from the room, and projected, when this returns.
    /// The room's changes are then shared with the hub this device syncs with, if any.
    pub fn apply_remote_batch<'a>(
        &mut self,
        updates: impl IntoIterator<Item = (&'a DocName, &'a [u8])>,
    ) -> Result<(), Error> {
        self.write(("enregistrement d'une mise à jour reçue", "saving a received update"), |write| {
            for (name, update) in updates {
                write.foreign(name, update, LogOrigin::Room)?;
            }
            Ok(())
        })
    }

    /// When a document last received a change (RFC 3339).
    pub fn last_saved(&self, name: &DocName) -> Result<Option<String>, Error> {
        crate::maintenance::last_saved(&self.conn, name)
    }

    /// The last entry of the whole log (0 if none): where to start watching for changes. It
    /// changes whenever anyone (another process, the sync engine) saves anything, so that
    /// screens know when to refresh.
    pub fn last_log_seq(&self) -> Result<i64, Error> {
        Ok(self
            .lookup(
                "SELECT COALESCE(max(seq), 0) FROM doc_updates",
                [],
                |r| r.get(0),
                ("lecture du journal", "reading the log"),
            )?
            .unwrap_or(0))
    }

    /// Log entries after `seq`, oldest first, at most `limit`: what other programs saved.
    pub fn log_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, DocName, Vec<u8>)>, Error> {
        let rows: Vec<(i64, String, Vec<u8>)> = self
            .conn
            .prepare_cached("SELECT seq, doc, data FROM doc_updates WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .and_then(|mut stmt| {
                stmt.query_map(params![seq, limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture du journal", "reading the log")?;
        Ok(rows.into_iter().filter_map(|(seq, doc, data)| Some((seq, doc.parse().ok()?, data))).collect())
    }

    /// What a peer whose state vector is `remote` lacks of a document (lib0 v1 update).
    pub fn diff_for(&mut self, name: &DocName, remote: &StateVector) -> Result<Vec<u8>, Error> {
        Ok(schema::diff_for(&self.read_doc(name)?.transact(), remote))
    }

    /// The last entry of a document's log (0 if none).
    pub fn last_seq(&self, name: &DocName) -> Result<i64, Error> {
        Ok(self
            .lookup(
                "SELECT COALESCE(max(seq), 0) FROM doc_updates WHERE doc = ?1",
                [name.to_string()],
                |r| r.get(0),
                ("lecture du journal", "reading the log"),
            )?
            .unwrap_or(0))
    }

    /// Changes to a document made on this device (or brought by a bundle, or by a device of the
    /// room this store serves) after `seq`: what a hub may not have yet. Updates that came
    /// from a hub are not sent back.
    pub fn local_updates_after(&self, name: &DocName, seq: i64) -> Result<Vec<(i64, Vec<u8>)>, Error> {
        self.conn
            .prepare_cached(
                "SELECT seq, data FROM doc_updates WHERE doc = ?1 AND seq > ?2 AND origin <> ?3 ORDER BY seq",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![name.to_string(), seq, LogOrigin::Hub.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture du journal", "reading the log")
    }

    /// Up to which log entry the hub confirmed having this device's changes to a document.
    pub fn confirmed_seq(&self, hub: &str, name: &DocName) -> Result<i64, Error> {
        Ok(self
            .lookup(
                "SELECT confirmed_seq FROM sync_state WHERE hub = ?1 AND doc = ?2",
                params![hub, name.to_string()],
                |r| r.get(0),
                ("lecture de l'état de synchronisation", "reading the sync state"),
            )?
            .unwrap_or(0))
    }

    /// Records that the hub confirmed this device's changes up to `seq`: an exchange that
    /// succeeded, which also clears the last refusal.
    pub fn set_confirmed_seq(&self, hub: &str, name: &DocName, seq: i64) -> Result<(), Error> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (hub, doc, confirmed_seq, synced_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (hub, doc) DO UPDATE SET confirmed_seq = max(confirmed_seq, excluded.confirmed_seq),
                     synced_at = excluded.synced_at, error_code = NULL, error_message = NULL, error_at = NULL",
            )
            .and_then(|mut stmt| stmt.execute(params![hub, name.to_string(), seq, schema::now()]))
            .ctx("enregistrement de l'état de synchronisation", "saving the sync state")?;
        Ok(())
    }

    /// Remembers why the hub refused (or could not be reached for) a document, so that the
    /// status says it after a restart and to another program on the same store.
    pub fn set_sync_error(&self, hub: &str, name: &DocName, code: &str, message: &str) -> Result<(), Error> {
        self.conn
            .prepare_cached(
                "INSERT INTO sync_state (hub, doc, confirmed_seq, synced_at, error_code, error_message, error_at)
                 VALUES (?1, ?2, 0, '', ?3, ?4, ?5)
                 ON CONFLICT (hub, doc) DO UPDATE SET error_code = excluded.error_code,
                     error_message = excluded.error_message, error_at = excluded.error_at",
            )
            .and_then(|mut stmt| stmt.execute(params![hub, name.to_string(), code, message, schema::now()]))
            .ctx("enregistrement de l'état de synchronisation", "saving the sync state")?;
        Ok(())
    }

    /// The last exchange with a hub for a document, and its last refusal: `(synced_at,
    /// Some((code, message)))`. `synced_at` is empty if no exchange ever succeeded.
    pub fn sync_record(&self, hub: &str, name: &DocName) -> Result<Option<SyncRecord>, Error> {
        self.lookup(
            "SELECT synced_at, error_code, error_message FROM sync_state WHERE hub = ?1 AND doc = ?2",
            params![hub, name.to_string()],
            |r| {
                let synced_at: String = r.get(0)?;
                let code: Option<String> = r.get(1)?;
                let message: Option<String> = r.get(2)?;
                Ok(SyncRecord {
                    last_exchange: Some(synced_at).filter(|s| !s.is_empty()),
                    error: code.map(|code| (code, message.unwrap_or_default())),
                })
            },
            ("lecture de l'état de synchronisation", "reading the sync state"),
        )
    }

    /// How many of this device's changes to a document the hub has not confirmed yet.
    pub fn unconfirmed_count(&self, hub: &str, name: &DocName) -> Result<usize, Error> {
        let confirmed = self.confirmed_seq(hub, name)?;
        Ok(self
            .lookup(
                "SELECT count(*) FROM doc_updates WHERE doc = ?1 AND seq > ?2 AND origin <> ?3",
                params![name.to_string(), confirmed, LogOrigin::Hub.as_str()],
                |r| r.get::<_, i64>(0),
                ("lecture du journal", "reading the log"),
            )?
            .unwrap_or(0) as usize)
    }

    /// How many edits made on this device (not brought by a bundle) to a document the hub has
    /// not confirmed: for a document this device may only read, changes that will never be shared.
    pub fn unconfirmed_local_edits(&self, hub: &str, name: &DocName) -> Result<usize, Error> {
        let confirmed = self.confirmed_seq(hub, name)?;
        Ok(self
            .lookup(
                "SELECT count(*) FROM doc_updates WHERE doc = ?1 AND seq > ?2 AND origin = ?3",
                params![name.to_string(), confirmed, LogOrigin::Local.as_str()],
                |r| r.get::<_, i64>(0),
                ("lecture du journal", "reading the log"),
            )?
            .unwrap_or(0) as usize)
    }

    /// This device's edits to a document that no hub it synced the document with has confirmed
    /// (the least count over those hubs); `None` when it never synced the document with a hub.
    pub fn unshared_local_edits(&self, name: &DocName) -> Result<Option<usize>, Error> {
        let least: Option<Option<i64>> = self.lookup(
            "SELECT min((SELECT count(*) FROM doc_updates u WHERE u.doc = s.doc AND u.seq > s.confirmed_seq AND u.origin = ?2))
             FROM sync_state s WHERE s.doc = ?1",
            params![name.to_string(), LogOrigin::Local.as_str()],
            |r| r.get(0),
            ("lecture du journal", "reading the log"),
        )?;
        Ok(least.flatten().map(|n| n as usize))
    }

    /// This device's edits to a document that none of `hubs`, nor any other hub it synced the
    /// document with, has confirmed: what a hand-over or the status still has to share (shared
    /// at a former card's hub is shared).
    pub fn unshared_local_edits_at(&self, hubs: &[&str], name: &DocName) -> Result<usize, Error> {
        let mut least = self.unshared_local_edits(name)?;
        for hub in hubs {
            let count = self.unconfirmed_local_edits(hub, name)?;
            least = Some(least.map_or(count, |least| least.min(count)));
        }
        Ok(least.unwrap_or(0))
    }

    /// The event's signing keys, on the organiser's device that created it.
    pub fn event_keys(&self, event: EventId) -> Result<Option<EventKeys>, Error> {
        self.lookup(
            "SELECT secret_key, public_key FROM event_keys WHERE event_id = ?1",
            [event.to_string()],
            |r| Ok(EventKeys { secret: r.get(0)?, public: r.get(1)? }),
            ("lecture de la clé de l'événement", "reading the event's key"),
        )
    }

    /// That this device does not hold `event`'s key, with the event's name (its id when this
    /// store does not hold the event either).
    pub(crate) fn no_event_key(&self, event: EventId) -> Error {
        let name = self.events().ok().and_then(|events| events.into_iter().find(|e| e.id == event)).map(|e| e.name);
        Error::NoEventKey(name.unwrap_or_else(|| event.to_string()))
    }

    /// Signs an access token for the event. Sessions and themes in the scope must exist.
    pub fn issue_token(&self, scope: &Scope, name: Option<&str>, valid_for: time::Duration) -> Result<String, Error> {
        let Some(keys) = self.event_keys(scope.event)? else { return Err(self.no_event_key(scope.event)) };
        let name = name.map(|n| crate::ops::within(n, crate::Field::Name)).transpose()?;
        let name = name.as_deref().filter(|n| !n.is_empty());
        match scope.role {
            Role::Facilitator if scope.sessions.is_empty() => return Err(Error::NoSessionGranted),
            Role::Rapporteur if scope.themes.is_empty() => return Err(Error::NoThemeGranted),
            _ => {}
        }
        if scope.role != Role::Facilitator && !scope.sessions.is_empty() {
            return Err(Error::SessionsForAnotherRole);
        }
        if scope.role != Role::Rapporteur && !scope.themes.is_empty() {
            return Err(Error::ThemesForAnotherRole);
        }
        for session in &scope.sessions {
            let known: Option<String> = self.lookup(
                "SELECT id FROM sessions WHERE id = ?1 AND event_id = ?2",
                params![session.to_string(), scope.event.to_string()],
                |r| r.get(0),
                ("recherche de la session", "looking up the session"),
            )?;
            known.ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        }
        for theme in &scope.themes {
            self.check_theme(scope.event, *theme)?;
        }
        token::issue(&keys.secret, scope, name, valid_for).map_err(Error::Token)
    }

    /// Reads a document as the programme (for access rules and joining).
    pub fn event_record(&mut self, event: EventId) -> Result<Option<schema::EventRecord>, Error> {
        let doc = self.read_doc(&DocName::Event(event))?;
        let record = schema::read_event(&doc.transact());
        Ok(record)
    }

    /// The state vector of every document this store holds of an event.
    pub fn state_vectors(&mut self, event: EventId) -> Result<Vec<(DocName, StateVector)>, Error> {
        let mut out = Vec::new();
        for name in self.documents(event)? {
            let sv = self.read_doc(&name)?.transact().state_vector();
            out.push((name, sv));
        }
        Ok(out)
    }
}

impl Store {
    /// The public keys of the events this store knows.
    pub fn event_public_keys(&self) -> Result<Vec<String>, Error> {
        self.conn
            .prepare("SELECT public_key FROM events WHERE public_key IS NOT NULL ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>())
            .ctx("lecture des clés des événements", "reading the events' keys")
    }
}
