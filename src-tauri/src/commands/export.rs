//! The Commons exports from the app: written to a dated folder under the user's documents,
//! whose path is given back to show.

use std::path::PathBuf;

use recolte_core::ids::EventId;
use serde::Serialize;
use tauri::State;

use super::parse;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Serialize, ts_rs::TS)]
pub struct Written {
    pub folder: String,
    pub files: Vec<String>,
    /// What the export lacks (this device does not hold every document), in words.
    pub incomplete: Option<String>,
}

/// `~/Documents/Récolte/<event> <date>` (or the data folder's `exports` without a documents
/// folder). The event's name is synced data: `folder_name` keeps it one plain component.
pub(crate) fn folder(state: &AppState, event_name: &str) -> PathBuf {
    let folder = exports_base(state).join(recolte_export::folder_name(event_name, &recolte_export::now()));
    state.remember_written(&folder);
    folder
}

/// Where exports go: `~/Documents/Récolte`, else the data folder's `exports`.
pub(crate) fn exports_base(state: &AppState) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|dirs| dirs.document_dir().map(|d| d.join("Récolte")))
        .unwrap_or_else(|| state.data_dir.join("exports"))
}

/// A written file as the window lists it: its name within the export's folder.
fn relative(path: &std::path::Path, dir: &std::path::Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

#[tauri::command]
pub async fn export_write(
    state: State<'_, AppState>,
    event: String,
    kind: String,
    theme: Option<u32>,
) -> Result<Written, ApiError> {
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let name = state.with_store(|store| Ok(store.event(event)?.name))?;
    let dir = folder(&state, &name);
    let data_dir = state.data_dir.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        // A connection of its own: the window keeps working while a long export reads (WAL).
        let store = recolte_store::Store::open(&data_dir)?;
        let files: Vec<String> = match kind.as_str() {
            // The app writes the PDF too: it is what people open and print.
            "report" => recolte_export::export_report(&store, event, &dir, theme, lang, true)?
                .iter()
                .map(|p| relative(p, &dir))
                .collect(),
            "opendata" => {
                recolte_export::export_opendata(&store, event, &dir, false, recolte_export::opendata::DEFAULT_LICENCE)?
                    .files
            }
            "decidim" | "decidim-captured" => {
                // Both: JSON is what the README recommends, CSV what most admins try first.
                let captured = kind == "decidim-captured";
                let options = recolte_export::decidim::Options { theme, captured, ..Default::default() };
                // Named by what they hold: both exports made in one minute share a folder, and
                // one replaced the other under the same names.
                let stem = if captured { "decidim-propositions-saisies" } else { "decidim" };
                let (json, csv) = (dir.join(format!("{stem}.json")), dir.join(format!("{stem}.csv")));
                recolte_export::export_decidim(&store, event, &json, &options)?;
                recolte_export::export_decidim(&store, event, &csv, &options)?;
                vec![relative(&json, &dir), relative(&csv, &dir)]
            }
            other => return Err(recolte_export::ExportError::UnknownKind(other.chars().take(40).collect())),
        };
        let incomplete = recolte_export::missing_note(&store, event, lang)?;
        Ok::<_, recolte_export::ExportError>(Written { folder: dir.display().to_string(), files, incomplete })
    })
    .await
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    result.map_err(|e| ApiError {
        code: crate::error::ErrorCode::Storage,
        message: recolte_core::Localize::localize(&e, lang),
    })
}

#[derive(Serialize, ts_rs::TS)]
pub struct AnswersWritten {
    #[serde(flatten)]
    pub written: Written,
    #[serde(flatten)]
    pub answers: recolte_export::decidim::Answers,
}

/// Decidim's answers file, from Decidim's export of the imported proposals, chosen in the
/// system's dialog; `None` if the dialog was cancelled.
#[tauri::command]
pub async fn decidim_answers(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    event: String,
) -> Result<Option<AnswersWritten>, ApiError> {
    use tauri_plugin_dialog::DialogExt;
    let event: EventId = parse(&state, &event)?;
    let lang = state.lang();
    let chosen = app
        .dialog()
        .file()
        .set_title(lang.pick(
            "L'export des propositions téléchargé depuis Decidim",
            "The proposals export downloaded from Decidim",
        ))
        .add_filter(lang.pick("Export de Decidim", "Decidim export"), &["csv", "json"])
        .blocking_pick_file();
    let Some(export) = chosen.and_then(|p| p.into_path().ok()) else { return Ok(None) };
    let name = state.with_store(|store| Ok(store.event(event)?.name))?;
    let dir = folder(&state, &name);
    let out = dir.join(lang.pick("decidim-reponses.csv", "decidim-answers.csv"));
    let data_dir = state.data_dir.clone();
    let path = out.clone();
    let answers = tauri::async_runtime::spawn_blocking(move || {
        let store = recolte_store::Store::open(&data_dir)?;
        let options = recolte_export::decidim::Options::default();
        recolte_export::export_decidim_answers(&store, event, &export, &path, &options)
    })
    .await
    .map_err(|e| ApiError::invalid(e.to_string()))?
    .map_err(|e| ApiError {
        code: crate::error::ErrorCode::Storage,
        message: recolte_core::Localize::localize(&e, lang),
    })?;
    let written = Written { folder: dir.display().to_string(), files: vec![relative(&out, &dir)], incomplete: None };
    Ok(Some(AnswersWritten { written, answers }))
}
