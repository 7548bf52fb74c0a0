//! Files from the app: bundles to and from a USB key through the system's file dialog, and
//! opening what the app wrote (exports, the invitation sheet, a bundle) in the system's
//! application. The window itself gets no file-system or opener permission: these commands
//! choose the paths (a dialog, or a file the app wrote) and do the work in Rust.

use std::path::{Path, PathBuf};

use recolte_core::ids::EventId;
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use super::parse;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

#[derive(Clone, Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

#[derive(Serialize, ts_rs::TS)]
pub struct BundleWritten {
    pub path: String,
    pub bytes: usize,
}

fn storage(error: impl recolte_core::Localize, lang: recolte_core::Lang) -> ApiError {
    ApiError { code: ErrorCode::Storage, message: error.localize(lang) }
}

/// Writes a bundle of the event where the user chooses; `None` if the dialog was cancelled.
#[tauri::command]
pub async fn bundle_export(
    app: AppHandle,
    state: State<'_, AppState>,
    event: String,
) -> Result<Option<BundleWritten>, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let name = state.with_store(|store| Ok(store.event(event)?.name))?;
    let suggested = format!("{}.rclt", recolte_export::folder_name(&name, &recolte_export::now()));
    let chosen = app
        .dialog()
        .file()
        .set_title(lang.pick("Exporter un paquet (clé USB)", "Export a bundle (USB key)"))
        .set_file_name(suggested)
        .add_filter(lang.pick("Paquet Récolte", "Récolte bundle"), &["rclt"])
        .blocking_save_file();
    let Some(path) = chosen.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    let _ = app.emit("bundle-progress", Progress { done: 0, total: 2 });
    let data_dir = state.data_dir.clone();
    let bytes = tauri::async_runtime::spawn_blocking(move || own_store(&data_dir)?.export_bundle(event))
        .await
        .map_err(|e| ApiError::invalid(e.to_string()))?
        .map_err(|e| ApiError::from_store(&e, lang))?;
    let _ = app.emit("bundle-progress", Progress { done: 1, total: 2 });
    recolte_export::write_file_into_existing_folder(&path, &bytes).map_err(|e| storage(e, lang))?;
    let _ = app.emit("bundle-progress", Progress { done: 2, total: 2 });
    state.remember_written(&path);
    Ok(Some(BundleWritten { path: path.display().to_string(), bytes: bytes.len() }))
}

#[derive(Serialize, ts_rs::TS)]
pub struct BundleImported {
    #[serde(flatten)]
    pub report: recolte_store::ImportReport,
    pub path: String,
}

/// Merges a bundle the user chooses; `None` if the dialog was cancelled. A truncated,
/// corrupted or foreign file is refused with the reason, and changes nothing; a bundle of an
/// event this device does not hold (when it holds others) is refused with `other_event`,
/// and `add_event` then imports the file just chosen as an event of its own, without asking
/// for it again.
#[tauri::command]
pub async fn bundle_import(
    app: AppHandle,
    state: State<'_, AppState>,
    add_event: bool,
) -> Result<Option<BundleImported>, ApiError> {
    let lang = state.lang();
    let path = if add_event {
        let picked = state.picked_bundle.lock().unwrap_or_else(|p| p.into_inner()).clone();
        picked.ok_or_else(|| {
            ApiError::invalid(lang.pick("aucun paquet choisi à importer", "no bundle chosen to import").to_owned())
        })?
    } else {
        let chosen = app
            .dialog()
            .file()
            .set_title(lang.pick("Importer un paquet", "Import a bundle"))
            .add_filter(lang.pick("Paquet Récolte", "Récolte bundle"), &["rclt"])
            .blocking_pick_file();
        let Some(path) = chosen.and_then(|p| p.into_path().ok()) else { return Ok(None) };
        *state.picked_bundle.lock().unwrap_or_else(|p| p.into_inner()) = Some(path.clone());
        path
    };
    let bytes = std::fs::read(&path)
        .map_err(|source| storage(recolte_export::ExportError::Read { path: path.clone(), source }, lang))?;
    let data_dir = state.data_dir.clone();
    let emitter = app.clone();
    let other = recolte_store::OtherEvent::from(add_event);
    let report = tauri::async_runtime::spawn_blocking(move || {
        own_store(&data_dir)?.import_bundle_with(&bytes, other, |done, total| {
            let _ = emitter.emit("bundle-progress", Progress { done, total });
        })
    })
    .await
    .map_err(|e| ApiError::invalid(e.to_string()))?
    .map_err(|e| ApiError::from_store(&e, lang))?;
    let _ = app.emit("bundle-progress", Progress { done: report.documents, total: report.documents });
    Ok(Some(BundleImported { report, path: path.display().to_string() }))
}

/// A store connection of the bundle's own: the window's keeps answering while a whole event
/// is written or merged (WAL; the window's documents catch up from the log when next read).
fn own_store(data_dir: &Path) -> Result<recolte_store::Store, recolte_store::Error> {
    recolte_store::Store::open(data_dir)
}

/// Opens a file or folder the app wrote, in the system's application for it. Any other path
/// is refused: the window cannot make the app open arbitrary files.
#[tauri::command(async)]
pub fn open_path(app: AppHandle, state: State<'_, AppState>, path: String) -> Result<(), ApiError> {
    let lang = state.lang();
    let path = PathBuf::from(path);
    if !state.wrote(&path) {
        return Err(ApiError::invalid(
            lang.pick(
                "Récolte n'ouvre que les fichiers qu'il a écrits (exports, feuille d'invitations, paquets)",
                "Récolte only opens the files it wrote (exports, invitation sheet, bundles)",
            )
            .to_owned(),
        ));
    }
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| ApiError::invalid(format!("{}{e}", lang.pick("impossible d'ouvrir : ", "cannot open: "))))
}

/// Whether two paths name the same file or folder.
pub fn same(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Whether `path` is `written` or inside it, once both are resolved (no `..` escapes).
pub fn inside(path: &Path, written: &Path) -> bool {
    match (path.canonicalize(), written.canonicalize()) {
        (Ok(path), Ok(written)) => path.starts_with(written),
        _ => false,
    }
}
