//! Récolte's desktop shell. Thin: it opens the store, registers the commands (each an
//! adapter to the core), starts the background sync engine when a hub is set, and tells the
//! UI when anything changed in the store (its own edits, the sync engine's, another process's).

mod bindings;
mod commands;
mod error;
mod single_instance;
mod state;

use std::time::Duration;

use recolte_store::Store;
use recolte_sync::client::Target;
use recolte_sync::failover::NextTarget;
use tauri::{Emitter, Manager};

pub use error::{ApiError, ErrorCode};
use state::{AppState, SyncHandle};

pub(crate) fn sync_summary(state: &AppState) -> Option<recolte_sync::status::Summary> {
    commands::sync::summarize(state).ok()
}

/// Stops the background sync engine (the device keeps its data).
pub(crate) fn stop_sync(state: &AppState) {
    if let Some(previous) = state.sync.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = previous.stop.send(true);
    }
    state.board.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// (Re)starts the background sync engine towards `target`. Not on a store open for reading
/// only: what arrives could not be saved, so every document would fail and be fetched again
/// every half-minute; the notice above the screen says why, and a bundle still leaves.
pub(crate) fn start_sync(state: &AppState, target: Target) {
    if state.store().unwritable().is_some() {
        return;
    }
    // The organiser's own token is signed again as it nears its end, never left to expire.
    let target = state.with_store(|store| recolte_sync::join::renewed(store, target.clone())).unwrap_or(target);
    let mut slot = state.sync.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(previous) = slot.take() {
        let _ = previous.stop.send(true);
    }
    state.board.lock().unwrap_or_else(|p| p.into_inner()).clear();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // The engine writes what it receives through its own connection: a long sync never holds
    // the window's store (the log makes several connections safe).
    let store = match Store::open(&state.data_dir) {
        Ok(store) => std::sync::Arc::new(std::sync::Mutex::new(store)),
        Err(error) => {
            eprintln!("Récolte: {}", recolte_core::Localize::localize(&error, state.lang()));
            state.store.clone()
        }
    };
    let (board, presence, engine_target) = (state.board.clone(), state.presence.clone(), target.clone());
    tauri::async_runtime::spawn(async move {
        let _ = recolte_sync::client::watch(store, engine_target, board, presence, stopped).await;
    });
    *slot = Some(SyncHandle { target, stop });
}

/// Tells the UI when the store changed or the sync status moved, by polling two cheap
/// counters: the UI never has to poll, and changes made by other processes show too.
/// `unread`: where this device syncs could not be read at start (sync not started): read again
/// until it can be, rather than leaving the device unshared, its status « off », until a restart.
fn watch_changes(app: tauri::AppHandle, mut unread: bool) {
    std::thread::spawn(move || {
        let mut last_change = -1;
        let mut last_status = String::new();
        let mut last_board = String::new();
        let mut summarised = std::time::Instant::now();
        // The store or the engine moved since the last summary.
        let mut unsummarised = true;
        let mut followed = std::time::Instant::now();
        // When signing the organiser's token again last failed: tried every few minutes, not
        // the engine restarted every five seconds.
        let mut renew_failed: Option<std::time::Instant> = None;
        loop {
            std::thread::sleep(Duration::from_millis(250));
            let state = app.state::<AppState>();
            // Opened for reading on a full disk, and space came back: writable again, and the
            // window is told (its notice goes).
            let reopened = state.store().reopen_if_space();
            if reopened {
                last_change = -1;
                // The sync it did not start can start now.
                unread = true;
            }
            // Every few seconds, on its own beat: background sync moved to another of the
            // invitation's hubs or to the event's found nearby (its own gone for good), or the organiser's own token nears its
            // end (the hub closes a connection when its token ends): the engine starts again,
            // towards the new hub, with a token signed again. (Each store read is a statement of
            // its own: its lock is let go before `start_sync` takes it.)
            if followed.elapsed() >= Duration::from_secs(5) {
                followed = std::time::Instant::now();
                if let Some(running) = state.target() {
                    let may_renew = renew_failed.is_none_or(|at| at.elapsed() >= Duration::from_secs(300));
                    let next =
                        state.with_store(|store| Ok(recolte_sync::failover::next_target(store, &running, may_renew)));
                    match next {
                        Ok(NextTarget::Restart(next)) => start_sync(&state, next),
                        Ok(NextTarget::RenewalFailed) => renew_failed = Some(std::time::Instant::now()),
                        Ok(NextTarget::Stay) | Err(_) => {}
                    }
                }
            }
            if unread && state.target().is_none() {
                // An error was said at start; it is tried again at the next turn.
                let remembered = recolte_sync::join::remembered_target(&state.store());
                if let Ok(remembered) = remembered {
                    unread = false;
                    if let Some(target) = remembered {
                        start_sync(&state, target);
                    }
                }
            }
            let change = state.store().last_log_seq().unwrap_or(last_change);
            let changed = change != last_change;
            if changed {
                last_change = change;
                let _ = app.emit("store-changed", change);
            }
            // The summary reads every document's sync state on the window's connection: only when
            // the store or the sync engine moved, or every few seconds (times shown in it age),
            // and at most once a second (a whole event's sync moves both at every turn).
            let board = format!("{:?}", state.board.lock().unwrap_or_else(|p| p.into_inner()));
            unsummarised |= changed || board != last_board;
            let due = unsummarised && summarised.elapsed() >= Duration::from_secs(1);
            if !due && summarised.elapsed() < Duration::from_secs(5) {
                continue;
            }
            unsummarised = false;
            last_board = board;
            summarised = std::time::Instant::now();
            // A failed read is not shown as a status: the last one stays until a read succeeds.
            if let Some(status) = sync_summary(&state) {
                let text = serde_json::to_string(&status).unwrap_or_default();
                if text != last_status {
                    last_status = text;
                    let _ = app.emit("sync-status", status);
                }
            }
        }
    });
}

/// WebKitGTK draws the window through GPU compositing by default. Measured under software
/// rendering with the full event loaded, its web process then held 258 MiB (PSS) instead of 124
/// MiB, and the window started 90 ms later (README, *The window*), for screens of forms and
/// lists that need no compositing; without it the projector still fills the screen (checked
/// from the X server's own picture). Set before any thread starts, as WebKit reads it when
/// its first web view is made. A person who wants compositing back starts Récolte with
/// `WEBKIT_DISABLE_COMPOSITING_MODE=0` (WebKit reads "0" as "keep it").
#[cfg(target_os = "linux")]
fn without_gpu_compositing() {
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

/// Says why the store cannot be opened, in a message box: the app is started from a menu or an
/// icon, where nothing reads what it writes to a terminal, and without a word the person
/// would see no window at all. The store's own message names the cause and what to do.
fn cannot_open(dir: &std::path::Path, error: &recolte_store::Error) {
    let lang = recolte_core::Lang::from_env();
    let why = recolte_core::Localize::localize(error, lang);
    eprintln!("Récolte: {why}");
    // The store's message is written to follow « erreur : »; here it starts a paragraph.
    let mut letters = why.chars();
    let why = letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or(why);
    let said = match lang {
        recolte_core::Lang::Fr => {
            format!("Récolte ne peut pas ouvrir ses données.\n\n{why}\n\nDossier des données : {}", dir.display())
        }
        recolte_core::Lang::En => {
            format!("Récolte cannot open its data.\n\n{why}\n\nData folder: {}", dir.display())
        }
    };
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Récolte")
        .set_description(said)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

pub fn run() {
    #[cfg(target_os = "linux")]
    without_gpu_compositing();
    let dir = recolte_store::Store::data_dir(None);
    // Opened with an invitation link (a click in a mail, a scanned card): the join screen shows it.
    let link = std::env::args().skip(1).find(|arg| arg.starts_with("recolte://"));
    let _ = std::fs::create_dir_all(&dir);
    let listener = match single_instance::claim(&dir, link.as_deref()) {
        single_instance::Start::Handed => return,
        single_instance::Start::First(listener) => listener,
    };
    let socket = listener.as_ref().map(|l| l.path().to_owned());
    let store = match Store::open(&dir) {
        Ok(store) => store,
        Err(error) => {
            cannot_open(&dir, &error);
            std::process::exit(1);
        }
    };
    let saved = recolte_sync::join::remembered_target(&store);
    if let Err(error) = &saved {
        eprintln!("Récolte: {}", recolte_core::Localize::localize(error, recolte_core::Lang::from_env()));
    }
    let unread = saved.is_err();
    let state = AppState::new(store, dir);
    *state.pending_link.lock().unwrap_or_else(|p| p.into_inner()) = link;
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .on_window_event(commands::closing::on_window_event)
        .setup(move |app| {
            if let Ok(Some(target)) = saved {
                start_sync(&app.state::<AppState>(), target);
            }
            // It served the room when it was closed: it serves again (or says why it cannot).
            if let Some(port) = commands::hub::remembered_port(&app.state::<AppState>()) {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    let state = handle.state::<AppState>();
                    let _ = commands::hub::start_serving(&state, Some(port)).await;
                    // The window may have asked before the start ended: it is told how it went
                    // (serving, or why not), in the header of whatever screen it shows.
                    let _ = handle.emit("serving", commands::hub::serve_info(&state));
                });
            }
            watch_changes(app.handle().clone(), unread);
            if let Some(listener) = listener {
                listener.serve(app.handle().clone());
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::history::undo_step,
            commands::history::undo_depth,
            commands::history::wording_history,
            commands::history::wording_restore,
            commands::history::session_at,
            commands::history::synthesis_at,
            commands::history::snapshot_list,
            commands::history::snapshot_take,
            commands::history::snapshot_show,
            commands::history::snapshot_restore,
            commands::history::snapshot_restore_preview,
            commands::app::settings_save,
            commands::app::events_list,
            commands::app::event_load_sample,
            commands::app::event_import_text,
            commands::app::event_show,
            commands::app::sessions_list,
            commands::capture::session_view,
            commands::capture::subgroup_add,
            commands::capture::subgroup_rename,
            commands::capture::proposal_add,
            commands::capture::proposal_edit,
            commands::capture::proposal_set_deleted,
            commands::synthesis::theme_view,
            commands::synthesis::search,
            commands::synthesis::duplicates_suggest,
            commands::synthesis::synthesis_merge,
            commands::synthesis::synthesis_edit,
            commands::synthesis::synthesis_set_deleted,
            commands::synthesis::synthesis_reorder,
            commands::panel::panel_view,
            commands::panel::panel_mark,
            commands::panel::panel_comment,
            commands::panel::panel_comment_delete,
            commands::sync::sync_status,
            commands::sync::sync_configure,
            commands::sync::sync_now,
            commands::sync::presence,
            commands::hub::hub_start,
            commands::hub::hub_stop,
            commands::hub::hub_info,
            commands::hub::nearby_hubs,
            commands::organisation::qr_code,
            commands::organisation::arrivals_board,
            commands::files::bundle_export,
            commands::files::bundle_import,
            commands::files::open_path,
            commands::panel::panel_vote,
            commands::panel::panel_summary,
            commands::panel::panel_set_dots,
            commands::panel::window_fullscreen,
            commands::closing::window_close_ready,
            commands::capture::session_clock,
            commands::capture::session_clock_action,
            commands::export::export_write,
            commands::synthesis::synthesis_triage,
            commands::synthesis::proposal_set_aside,
            commands::synthesis::duplicates_dismiss,
            commands::synthesis::lexicon_set,
            commands::export::decidim_answers,
            commands::sync::sync_details,
            commands::organisation::device_access,
            commands::organisation::event_remove,
            commands::organisation::organisation_view,
            commands::organisation::invitation_create,
            commands::organisation::invitation_create_all,
            commands::organisation::invitation_revoke,
            commands::organisation::invitation_sheet,
            commands::organisation::invitation_preview,
            commands::organisation::join_invitation,
            commands::organisation::pending_link,
        ])
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(move |_, event| {
                // Closing: the next start opens a window of its own rather than handing over.
                if matches!(event, tauri::RunEvent::ExitRequested { .. } | tauri::RunEvent::Exit) {
                    if let Some(socket) = &socket {
                        let _ = std::fs::remove_file(socket);
                    }
                }
            })
        });
    if let Err(error) = result {
        eprintln!("Récolte: {error}");
        std::process::exit(1);
    }
}
