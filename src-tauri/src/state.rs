//! What the app holds while it runs: the store (shared with the sync engine), the sync
//! engine's handle and status board, and the user's language.

use std::sync::{Arc, Mutex, MutexGuard};

use recolte_core::Lang;
use recolte_store::Store;
use recolte_sync::client::{PresenceBoard, SharedStore, StatusBoard, Target};

use crate::error::ApiError;

pub struct AppState {
    /// The window's connection to the store. The sync engine and the hub open their own.
    pub store: SharedStore,
    /// The store's folder.
    pub data_dir: std::path::PathBuf,
    /// An invitation link the system opened the app with, not yet shown.
    pub pending_link: Mutex<Option<String>>,
    pub board: StatusBoard,
    pub presence: PresenceBoard,
    pub sync: Mutex<Option<SyncHandle>>,
    /// A hub this app serves to the room, if started.
    pub hub: Mutex<Option<crate::commands::hub::Serving>>,
    /// Held while serving starts: the start at launch and a press on « Servir » must not both
    /// try (the second, failing on the port the first took, would mark it as not serving).
    pub hub_starting: tokio::sync::Mutex<()>,
    /// Files and folders the app wrote this run (exports, sheets, bundles): the only ones it opens.
    pub written: Mutex<Vec<std::path::PathBuf>>,
    /// Why serving failed, when the app was asked to serve (at start-up, the port was taken…).
    pub hub_error: Mutex<Option<String>>,
    /// The invitation being joined: the programme arrives before the join ends, and the
    /// window must draw it with the invitation's rights, not as a device with no role.
    pub joining: Mutex<Option<Target>>,
    /// The bundle file last chosen in the import dialog: importing it as another event, once
    /// the person has said so, reads that file again without asking for it again.
    pub picked_bundle: Mutex<Option<std::path::PathBuf>>,
    /// Whether the window was already asked to close once (see `commands::closing`).
    pub close_asked: std::sync::atomic::AtomicBool,
}

pub struct SyncHandle {
    pub target: Target,
    pub stop: tokio::sync::watch::Sender<bool>,
}

impl AppState {
    pub fn new(store: Store, data_dir: std::path::PathBuf) -> AppState {
        AppState {
            store: Arc::new(Mutex::new(store)),
            data_dir,
            pending_link: Mutex::new(None),
            board: StatusBoard::default(),
            presence: PresenceBoard::default(),
            sync: Mutex::new(None),
            hub: Mutex::new(None),
            hub_starting: tokio::sync::Mutex::new(()),
            hub_error: Mutex::new(None),
            written: Mutex::new(Vec::new()),
            joining: Mutex::new(None),
            picked_bundle: Mutex::new(None),
            close_asked: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn remember_written(&self, path: &std::path::Path) {
        self.written.lock().unwrap_or_else(|p| p.into_inner()).push(path.to_owned());
    }

    /// Whether the app wrote `path` (or a folder holding it): this run, or in its exports folder
    /// (see [`may_open`]).
    pub fn wrote(&self, path: &std::path::Path) -> bool {
        let written = self.written.lock().unwrap_or_else(|p| p.into_inner()).clone();
        may_open(path, &crate::commands::export::exports_base(self), &written)
    }

    /// The target whose rights apply to `event`: the token this device syncs the event with,
    /// which is also what the store lets it write until a join has pulled and remembered the
    /// next one; for an event it does not sync yet, the invitation being joined, so that the
    /// programme arriving mid-join is drawn with that role's screens.
    pub fn target_for(&self, event: recolte_core::ids::EventId) -> Option<Target> {
        let for_event = |t: &Target| recolte_core::token::peek(&t.token).is_ok_and(|g| g.scope.event == event);
        let syncing = self.target();
        if syncing.as_ref().is_some_and(for_event) {
            return syncing;
        }
        let joining = self.joining.lock().unwrap_or_else(|p| p.into_inner()).clone();
        joining.filter(for_event).or(syncing)
    }

    /// The hub and token this device syncs with, if any.
    pub fn target(&self) -> Option<Target> {
        self.sync.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(|h| h.target.clone())
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        Store::lock_shared(&self.store)
    }

    /// The language of the interface: the device's setting, else the locale, else French.
    pub fn lang(&self) -> Lang {
        self.store()
            .setting(recolte_store::settings::LANG)
            .ok()
            .flatten()
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_else(Lang::from_env)
    }

    /// Runs `f` on the store and turns its error into the IPC error shape.
    pub fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, recolte_store::Error>) -> Result<T, ApiError> {
        let lang = self.lang();
        let mut store = self.store();
        f(&mut store).map_err(|e| ApiError::from_store(&e, lang))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use recolte_core::access::{Role, Scope};
    use recolte_core::ids::EventId;
    use recolte_core::token;

    use super::*;

    fn target(secret: &str, event: EventId, role: Role) -> Target {
        let scope = Scope { event, role, sessions: Vec::new(), themes: Vec::new() };
        Target::new("wss://hub.example:4455", token::issue(secret, &scope, None, time::Duration::days(1)).unwrap())
    }

    #[test]
    fn the_window_draws_the_rights_the_store_applies_while_an_invitation_is_joined() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::new(Store::open(dir.path()).unwrap(), dir.path().to_owned());
        let keys = token::generate_keys().unwrap();
        let (event, other) = (EventId::new(), EventId::new());
        let organiser = target(&keys.secret, event, Role::Organiser);
        let facilitator = target(&keys.secret, event, Role::Facilitator);

        // An event this device does not sync yet: the invitation's role, as its programme arrives.
        *state.joining.lock().unwrap() = Some(organiser.clone());
        assert_eq!(state.target_for(event).unwrap().token, organiser.token);
        assert!(state.target_for(other).is_none());

        // Joined again with a wider invitation while the event syncs with a narrower token:
        // the store refuses what the narrower one does not allow until the join has pulled.
        let stop = tokio::sync::watch::channel(false).0;
        *state.sync.lock().unwrap() = Some(SyncHandle { target: facilitator.clone(), stop });
        assert_eq!(state.target_for(event).unwrap().token, facilitator.token);

        // Joining another event while this one syncs.
        let other_key = token::generate_keys().unwrap();
        let elsewhere = target(&other_key.secret, other, Role::Rapporteur);
        *state.joining.lock().unwrap() = Some(elsewhere.clone());
        assert_eq!(state.target_for(other).unwrap().token, elsewhere.token);
        assert_eq!(state.target_for(event).unwrap().token, facilitator.token);
    }
}

/// Whether the window may have `path` opened: a file written this run, the folder it was
/// written to (a USB key), or in the exports folder a folder or a file of a kind the exports
/// write (anything else there, a script or a launcher someone put, is not the app's to open).
fn may_open(path: &std::path::Path, exports: &std::path::Path, written: &[std::path::PathBuf]) -> bool {
    use crate::commands::files::{inside, same};
    const EXPORTED: [&str; 6] = ["md", "html", "pdf", "csv", "json", "rclt"];
    let exported = path.is_dir()
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXPORTED.contains(&e.to_ascii_lowercase().as_str()));
    let folders = written.iter().filter(|w| w.is_file()).filter_map(|w| w.parent());
    // A folder written this run (an export's dated folder) is like the exports folder.
    let within =
        |base: &std::path::PathBuf| if base.is_dir() { exported && inside(path, base) } else { same(path, base) };
    (exported && inside(path, exports))
        || written.iter().any(within)
        || folders.into_iter().any(|folder| same(path, folder))
}

#[cfg(test)]
mod opening {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn the_window_opens_only_what_the_app_wrote_and_exports_of_its_kinds() {
        let home = tempfile::tempdir().unwrap();
        let exports = home.path().join("Récolte");
        let folder = exports.join("Assises 2025-11-28 10h00");
        std::fs::create_dir_all(&folder).unwrap();
        for name in ["rapport.pdf", "donnees.CSV", "lanceur.desktop", "script.sh"] {
            std::fs::write(folder.join(name), "x").unwrap();
        }
        let key = home.path().join("cle-usb");
        std::fs::create_dir(&key).unwrap();
        std::fs::write(key.join("atelier.rclt"), "x").unwrap();
        std::fs::write(home.path().join("notes.txt"), "x").unwrap();
        // An export's folder elsewhere, written this run, and a file of another kind put in it.
        let elsewhere = home.path().join("export-usb");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("rapport.html"), "x").unwrap();
        std::fs::write(elsewhere.join("lanceur.desktop"), "x").unwrap();
        let written = vec![key.join("atelier.rclt"), elsewhere.clone()];
        let opens = |path: std::path::PathBuf| super::may_open(&path, &exports, &written);
        assert!(opens(folder.join("rapport.pdf")) && opens(folder.join("donnees.CSV")) && opens(folder.clone()));
        assert!(!opens(folder.join("lanceur.desktop")) && !opens(folder.join("script.sh")), "not an export's kind");
        assert!(opens(key.join("atelier.rclt")) && opens(key.clone()), "written this run, and its folder");
        assert!(!opens(home.path().join("notes.txt")) && !opens(home.path().to_owned()));
        assert!(opens(elsewhere.join("rapport.html")) && !opens(elsewhere.join("lanceur.desktop")));
    }
}
