//! Récolte's outputs as Commons. The event's own theme 8 asks that what workshops produce be
//! documented, open and shared: this crate writes what a public body needs to publish the
//! results and carry on the work elsewhere, readable without Récolte.
//!
//! - [`opendata`]: CSV and JSON files, a JSON Schema per JSON file, a data card;
//! - [`report`]: Markdown and one self-contained HTML file that prints to A4;
//! - [`decidim`]: the proposals import file of Decidim;
//! - restoring an event from its open data, ids and lineage included ([`restore`]).

pub mod data;
pub mod decidim;
pub mod opendata;
pub mod report;
pub mod text;

use std::path::{Path, PathBuf};

use recolte_core::ids::EventId;
use recolte_core::{Lang, Localize};
use recolte_store::Store;

pub use data::{gather, OpenData};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
    #[error(transparent)]
    Core(recolte_core::Error),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{file} is not valid open data of Récolte: {detail}")]
    Malformed { file: String, detail: String },
    #[error("cannot encode the export: {0}")]
    Encode(String),
    #[error("the output must end in .csv or .json: {0}")]
    UnknownFormat(String),
}

impl Localize for ExportError {
    fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (ExportError::Store(e), _) => e.localize(lang),
            (ExportError::Core(e), _) => e.localize(lang),
            (_, Lang::En) => self.to_string(),
            (ExportError::Write { path, source }, _) => format!("impossible d'écrire {} : {source}", path.display()),
            (ExportError::Read { path, source }, _) => format!("impossible de lire {} : {source}", path.display()),
            (ExportError::Malformed { file, detail }, _) => {
                format!("{file} n'est pas un fichier de données ouvertes Récolte valide : {detail}")
            }
            (ExportError::Encode(detail), _) => format!("impossible d'encoder l'export : {detail}"),
            (ExportError::UnknownFormat(path), _) => {
                format!("le fichier de sortie doit finir par .csv ou .json : {path}")
            }
        }
    }
}

/// Writes next to the target then renames: a reader never sees half a file.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let error = |source| ExportError::Write { path: path.to_owned(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(error)?;
    }
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes).map_err(error)?;
    std::fs::rename(&tmp, path).map_err(error)
}

pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `recolte export report`: `rapport.md` and `rapport.html` in `dir`.
pub fn export_report(
    store: &Store,
    event: EventId,
    dir: &Path,
    theme: Option<u32>,
    lang: Lang,
) -> Result<Vec<PathBuf>, ExportError> {
    if let Some(theme) = theme {
        store.consolidated(event, theme, false)?;
    }
    let data = gather(store, event, false)?;
    let stem = if lang == Lang::En { "report" } else { "rapport" };
    let (md, html) = (dir.join(format!("{stem}.md")), dir.join(format!("{stem}.html")));
    let at = now();
    write_file(&md, report::markdown_report(&data, theme, lang, &at).as_bytes())?;
    write_file(&html, report::html_report(&data, theme, lang, &at).as_bytes())?;
    Ok(vec![md, html])
}

/// `recolte export opendata`.
pub fn export_opendata(
    store: &Store,
    event: EventId,
    dir: &Path,
    include_names: bool,
    licence: &str,
) -> Result<opendata::Written, ExportError> {
    let data = gather(store, event, include_names)?;
    opendata::write(dir, &data, licence, &now())
}

/// `recolte export decidim`: CSV or JSON, after the file's extension.
pub fn export_decidim(store: &Store, event: EventId, path: &Path, theme: Option<u32>) -> Result<(), ExportError> {
    if let Some(theme) = theme {
        store.consolidated(event, theme, false)?;
    }
    let data = gather(store, event, false)?;
    let text = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("csv") => decidim::csv(&data, theme)?,
        Some("json") => decidim::json(&data, theme)?,
        _ => return Err(ExportError::UnknownFormat(path.display().to_string())),
    };
    write_file(path, text.as_bytes())
}

/// `recolte import opendata`: restores the event into this store (where it must not be).
pub fn restore(store: &mut Store, dir: &Path) -> Result<EventId, ExportError> {
    let data = opendata::read(dir)?;
    let snapshot = data.snapshot()?;
    Ok(store.restore(&snapshot)?)
}
