//! Récolte's outputs as Commons. The event's own theme 8 asks that what workshops produce be
//! documented, open and shared: this crate writes what a public body needs to publish the
//! results and carry on the work elsewhere, readable without Récolte.
//!
//! - [`opendata`]: CSV and JSON files, a JSON Schema per JSON file, a data card; with
//!   [`package`], a Frictionless Data Package (`datapackage.json`, a Table Schema per CSV);
//! - [`report`]: Markdown and one self-contained HTML file that prints to A4;
//! - [`pdf`]: the report as a PDF, typeset in Rust (no browser needed);
//! - [`decidim`]: the proposals import file of Decidim;
//! - restoring an event from its open data, ids and lineage included ([`restore`]).

pub mod data;
pub mod decidim;
pub mod opendata;
pub mod package;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod report;
pub mod sheet;
pub mod text;

use std::path::{Path, PathBuf};

use recolte_core::ids::EventId;
use recolte_core::{Lang, Localize};
use recolte_store::Store;

pub use data::{gather, OpenData};

#[derive(Debug, thiserror::Error, Localize)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
    #[error(transparent)]
    Core(recolte_core::Error),
    #[error("cannot write {}: {}", path.display(), recolte_core::lang::io_en(source))]
    #[fr("impossible d'écrire {} : {}", path.display(), recolte_core::lang::io_fr(source))]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read {}: {}", path.display(), recolte_core::lang::io_en(source))]
    #[fr("impossible de lire {} : {}", path.display(), recolte_core::lang::io_fr(source))]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the folder {} does not exist (is the USB key plugged in and mounted?): nothing was written", folder.display())]
    #[fr("le dossier {} n'existe pas (la clé USB est-elle branchée et montée ?) : rien n'a été écrit", folder.display())]
    NoFolder { folder: PathBuf },
    #[error("{file} is not valid open data of Récolte: {}", detail.en)]
    #[fr("{file} n'est pas un fichier de données ouvertes Récolte valide : {}", detail.fr)]
    Malformed { file: String, detail: recolte_core::Both },
    #[error("cannot encode the export: {0}")]
    #[fr("impossible d'encoder l'export : {0}")]
    Encode(String),
    #[error("the output must end in .csv or .json: {0}")]
    #[fr("le fichier de sortie doit finir par .csv ou .json : {0}")]
    UnknownFormat(String),
    #[error("unknown kind of export {0:?}: report, opendata or decidim")]
    #[fr("type d'export inconnu « {0} » : report, opendata ou decidim")]
    UnknownKind(String),
    #[error("cannot typeset the PDF report: {0}")]
    #[fr("impossible de composer le rapport PDF : {0}")]
    Pdf(String),
    #[error("{}", nothing_to_export(*theme, *captured, Lang::En))]
    #[fr("{}", nothing_to_export(*theme, *captured, lang))]
    NothingToExport { theme: Option<u32>, captured: bool },
    #[error("{}", not_held_here(*theme, *captured, Lang::En))]
    #[fr("{}", not_held_here(*theme, *captured, lang))]
    NotHeldHere { theme: Option<u32>, captured: bool },
    #[error("{0:?} is not a locale as Decidim names its columns (fr, en, ca, pt-BR…)")]
    #[fr("« {0} » n'est pas une langue comme Decidim nomme ses colonnes (fr, en, ca, pt-BR…)")]
    InvalidLocale(String),
    #[error("{0} differs from what datapackage.json describes (size or SHA-256): it was changed after the export")]
    #[fr(
        "{0} ne correspond pas à ce que décrit datapackage.json (taille ou SHA-256) : il a été modifié après l'export"
    )]
    PackageMismatch(String),
    #[error("{file} is not a proposals export of Decidim: {}", detail.en)]
    #[fr("{file} n'est pas un export des propositions de Decidim : {}", detail.fr)]
    DecidimExport { file: String, detail: recolte_core::Both },
    #[error("no answer to write: none of the retained or set-aside proposals was found in Decidim's export ({unmatched} not found, {ambiguous} ambiguous, {} not answered)", Lang::En.count(*drafts, "draft", "drafts"))]
    #[fr("aucune réponse à écrire : aucune proposition retenue ou écartée n'a été trouvée dans l'export de Decidim ({}, {}, {} sans réponse)", Lang::Fr.count(*unmatched, "introuvable", "introuvables"), Lang::Fr.count(*ambiguous, "ambiguë", "ambiguës"), Lang::Fr.count(*drafts, "brouillon", "brouillons"))]
    NothingToAnswer { unmatched: usize, ambiguous: usize, drafts: usize },
    #[error("the invitation {id} {}: its card would let no one in; nothing was written (make a new invitation instead)", if *revoked { "was revoked" } else { "has expired" })]
    #[fr("l'invitation {id} {} : sa carte ne permettrait à personne d'entrer ; rien n'a été écrit (faites plutôt une nouvelle invitation)", if *revoked { "a été révoquée" } else { "a expiré" })]
    UnusableInvitation { id: String, revoked: bool },
    #[error("{} is a folder: give the path of a file to write; nothing was written", path.display())]
    #[fr("{} est un dossier : donnez le chemin d'un fichier à écrire ; rien n'a été écrit", path.display())]
    IsFolder { path: PathBuf },
    #[error("{} already holds {file}, which no Récolte export wrote: choose an empty folder (or a new one) for this export; nothing was written", folder.display())]
    #[fr("{} contient déjà {file}, qu'aucun export de Récolte n'a écrit : choisissez un dossier vide (ou nouveau) pour cet export ; rien n'a été écrit", folder.display())]
    WouldOverwrite { folder: PathBuf, file: String },
    #[error("{} holds open data that is not this event's (its datapackage.json lists a file of the same name): choose another folder for this export; nothing was written", folder.display())]
    #[fr("{} contient des données ouvertes qui ne sont pas celles de cet événement (son datapackage.json liste un fichier du même nom) : choisissez un autre dossier pour cet export ; rien n'a été écrit", folder.display())]
    AnotherPackage { folder: PathBuf },
    #[error("{file} in {} was changed since Récolte wrote it: rename it to keep those changes, or choose another folder for this export; nothing was written", folder.display())]
    #[fr("{file} dans {} a été modifié depuis que Récolte l'a écrit : renommez-le pour garder ces modifications, ou choisissez un autre dossier pour cet export ; rien n'a été écrit", folder.display())]
    EditedSince { folder: PathBuf, file: String },
    #[error("{} already exists and no Récolte export wrote it: give another file name; nothing was written", path.display())]
    #[fr("{} existe déjà et aucun export de Récolte ne l'a écrit : donnez un autre nom de fichier ; rien n'a été écrit", path.display())]
    WouldReplace { path: PathBuf },
    #[error("{} holds a datapackage.json that cannot be read ({reason}): choose another folder for this export, or remove that file; nothing was written", folder.display())]
    #[fr("{} contient un datapackage.json illisible ({reason}) : choisissez un autre dossier pour cet export, ou retirez ce fichier ; rien n'a été écrit", folder.display())]
    UnreadablePackage { folder: PathBuf, reason: String },
    #[error("{0:?} is not a licence this export can name: give etalab-2.0 (the Licence Ouverte), CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, ODbL-1.0, or the address of the licence's text (https://…)")]
    #[fr("« {0} » n'est pas une licence que l'export sait nommer : donnez etalab-2.0 (la Licence Ouverte), CC-BY-4.0, CC-BY-SA-4.0, CC0-1.0, ODbL-1.0, ou l'adresse du texte de la licence (https://…)")]
    UnknownLicence(String),
    #[error("{} is a file where a folder is needed; nothing was written", path.display())]
    #[fr("{} est un fichier, là où il faut un dossier ; rien n'a été écrit", path.display())]
    IsFile { path: PathBuf },
    #[error("{} is not an ordinary file (a device, a pipe…): nothing was written", path.display())]
    #[fr("{} n'est pas un fichier ordinaire (un périphérique, un tube…) : rien n'a été écrit", path.display())]
    NotOrdinary { path: PathBuf },
    #[error("the invitation sheet is an HTML page: name the file .html (print it to PDF from the browser), not {}", path.display())]
    #[fr("la feuille des invitations est une page HTML : nommez le fichier .html (imprimez-la en PDF depuis le navigateur), pas {}", path.display())]
    SheetIsHtml { path: PathBuf },
}

fn nothing_to_export(theme: Option<u32>, captured: bool, lang: Lang) -> String {
    let scope = match (theme, lang) {
        (Some(n), Lang::Fr) => format!(" du thème {n}"),
        (Some(n), Lang::En) => format!(" in theme {n}"),
        (None, _) => String::new(),
    };
    match (captured, lang) {
        (false, Lang::Fr) => format!(
            "rien à exporter pour Decidim : aucune proposition consolidée{scope}. Fusionnez d'abord des propositions dans Synthèse, ou exportez les propositions saisies à la place (« Decidim : propositions saisies » dans l'app, --captured en ligne de commande)"
        ),
        (false, Lang::En) => format!(
            "nothing to export for Decidim: no consolidated proposal{scope}. Merge proposals in Synthesis first, or export the captured proposals instead (\"Decidim: captured proposals\" in the app, --captured on the command line)"
        ),
        (true, Lang::Fr) => format!("rien à exporter pour Decidim : aucune proposition saisie{scope}"),
        (true, Lang::En) => format!("nothing to export for Decidim: no captured proposal{scope}"),
    }
}

/// Nothing to export because this device does not hold what would be exported (a
/// facilitator's device, which never receives the syntheses): said as such, not as « merge
/// first » while the rapporteur has merged everything.
fn not_held_here(theme: Option<u32>, captured: bool, lang: Lang) -> String {
    let what = match (captured, theme, lang) {
        (false, Some(n), Lang::Fr) => format!("la synthèse du thème {n}"),
        (false, Some(n), Lang::En) => format!("the synthesis of theme {n}"),
        (false, None, Lang::Fr) => "les synthèses des thèmes".to_owned(),
        (false, None, Lang::En) => "the themes' syntheses".to_owned(),
        (true, Some(n), Lang::Fr) => format!("les sessions du thème {n}"),
        (true, Some(n), Lang::En) => format!("the sessions of theme {n}"),
        (true, None, Lang::Fr) => "les sessions".to_owned(),
        (true, None, Lang::En) => "the sessions".to_owned(),
    };
    match lang {
        Lang::Fr => format!(
            "rien à exporter pour Decidim : cet appareil ne détient pas {what} (son invitation ne les lit pas, ou elles ne sont pas encore arrivées) ; exportez depuis l'appareil du rapporteur ou de l'organisation, ou synchronisez d'abord"
        ),
        Lang::En => format!(
            "nothing to export for Decidim: this device does not hold {what} (its invitation does not read them, or they have not arrived yet); export from the rapporteur's or the organisers' device, or sync first"
        ),
    }
}

/// Writes the printable invitation sheet of an event: the invitations named by `ids`, or all
/// of them that can still be used (neither revoked nor expired) when `ids` is empty. A card
/// printed for a revoked or expired invitation would be handed out and refused at the door.
pub fn export_invitation_sheet(
    store: &mut Store,
    event: EventId,
    ids: &[String],
    path: &Path,
    lang: Lang,
) -> Result<Vec<recolte_store::InvitationRecord>, ExportError> {
    check_sheet_name(path)?;
    let view = store.event(event)?;
    let all = store.invitations(event, lang)?;
    let chosen: Vec<_> = if ids.is_empty() {
        all.into_iter()
            .filter(|i| {
                !matches!(i.state, recolte_store::InvitationState::Revoked | recolte_store::InvitationState::Expired)
            })
            .collect()
    } else {
        for id in ids {
            let Some(invitation) = all.iter().find(|i| &i.id == id) else {
                return Err(recolte_store::Error::UnknownInvitation(id.clone()).into());
            };
            use recolte_store::InvitationState::{Expired, Revoked};
            if matches!(invitation.state, Revoked | Expired) {
                let revoked = invitation.state == Revoked;
                return Err(ExportError::UnusableInvitation { id: id.clone(), revoked });
            }
        }
        all.into_iter().filter(|i| ids.contains(&i.id)).collect()
    };
    let html = sheet::invitation_sheet(&view.name, &view.timezone, &chosen, lang)?;
    // Every card holds a token: readable by its owner only, as the event's keys are.
    let file = path.file_name().ok_or_else(|| ExportError::IsFolder { path: path.to_owned() })?;
    stage_and_rename(path.parent().unwrap_or(Path::new("")), &[(file, html.as_bytes())], Privacy::Owner)?;
    Ok(chosen)
}

/// An invitation sheet is HTML: a file named .pdf would hold a web page that no PDF reader opens.
pub fn check_sheet_name(path: &Path) -> Result<(), ExportError> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        None | Some("html" | "htm") => Ok(()),
        Some(_) => Err(ExportError::SheetIsHtml { path: path.to_owned() }),
    }
}

/// Writes next to the target, flushes to disk, then renames: a reader (or a USB key pulled
/// out) never sees half a file under its name.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let name = path.file_name().ok_or_else(|| ExportError::IsFolder { path: path.to_owned() })?;
    write_files(path.parent().unwrap_or(Path::new("")), &[(name, bytes)])
}

/// Writes several files that belong together (an open-data package, whose descriptor gives
/// every other file's checksum; a report in its formats) so that a failure leaves the files
/// that were there before: each is first written whole beside its place and flushed, and only
/// when all are written are they renamed into place, which needs no space. A full disk midway
/// used to leave some files of the new export beside the others of the old one, under a
/// descriptor whose checksums no longer matched.
pub fn write_files(dir: &Path, files: &[(impl AsRef<Path>, impl AsRef<[u8]>)]) -> Result<(), ExportError> {
    stage_and_rename(dir, files, Privacy::Shared)
}

/// Who may read what an export writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Privacy {
    /// As the system's defaults have it: these files are made to be handed on.
    Shared,
    /// Its owner only (on Unix): files that hold access tokens.
    Owner,
}

fn stage_and_rename(
    dir: &Path,
    files: &[(impl AsRef<Path>, impl AsRef<[u8]>)],
    privacy: Privacy,
) -> Result<(), ExportError> {
    use std::io::Write;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let staging = files.iter().try_for_each(|(name, bytes)| {
        let path = dir.join(name);
        let bytes = bytes.as_ref();
        let error = |source| ExportError::Write { path: path.clone(), source };
        replaceable(&path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(error)?;
        }
        let tmp = partial_of(&path);
        // Listed before it is written: a failure midway removes it too.
        staged.push((tmp.clone(), path.clone()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if privacy == Privacy::Owner {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&tmp).and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all())).map_err(error)
    });
    if let Err(error) = staging {
        for (tmp, _) in &staged {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(error);
    }
    for (done, (tmp, path)) in staged.iter().enumerate() {
        if let Err(source) = std::fs::rename(tmp, path) {
            for (left, _) in &staged[done..] {
                let _ = std::fs::remove_file(left);
            }
            return Err(ExportError::Write { path: path.clone(), source });
        }
    }
    Ok(())
}

/// Where a file is written before it takes its name: beside it, so that the rename stays on
/// one disk.
fn partial_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    path.with_file_name(name)
}

/// What is at `path` may be replaced by a file: nothing, or an ordinary file. Renaming onto a
/// folder fails late and says little; onto a device (run as root), it replaces the device.
fn replaceable(path: &Path) -> Result<(), ExportError> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(ExportError::IsFolder { path: path.to_owned() }),
        Ok(meta) if !meta.is_file() && !meta.file_type().is_symlink() => {
            Err(ExportError::NotOrdinary { path: path.to_owned() })
        }
        _ => Ok(()),
    }
}

/// The folder a file given on the command line goes into must be there: made when missing,
/// the folder of an unmounted USB key would be made on the computer's own disk.
fn existing_folder_of(path: &Path) -> Result<(), ExportError> {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.is_dir() => Err(ExportError::NoFolder { folder: folder.to_owned() }),
        _ => Ok(()),
    }
}

/// Checks a folder given for an export (a report, open data): its parent is there, and it is
/// not a file. The folder itself is made if missing.
pub fn check_export_folder(dir: &Path) -> Result<(), ExportError> {
    if dir.is_file() {
        return Err(ExportError::IsFile { path: dir.to_owned() });
    }
    if dir.is_dir() {
        return Ok(());
    }
    existing_folder_of(dir)
}

/// Writes a file into a folder that must already be there: a bundle for a USB key. Made
/// missing, the folder of an unmounted key would be made on the computer's own disk, and the
/// person would leave with an empty key.
pub fn write_file_into_existing_folder(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    existing_folder_of(path)?;
    write_file(path, bytes)
}

/// Whether a file can be written at `path`, given on the command line: its folder is there,
/// the path is not a folder, and a probe written beside it (removed at once) succeeds. Checked
/// before the work, so that nothing is left half done when the file cannot be written.
pub fn check_writable(path: &Path) -> Result<(), ExportError> {
    let error = |source| ExportError::Write { path: path.to_owned(), source };
    existing_folder_of(path)?;
    replaceable(path)?;
    let probe = partial_of(path);
    std::fs::File::create(&probe).map_err(error)?;
    std::fs::remove_file(&probe).map_err(error)
}

pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Longest event name kept in a folder name, in characters: with the date, well under the
/// 255 bytes that file systems allow even when every character takes four bytes.
const FOLDER_NAME_CHARS: usize = 48;

/// The folder an export of the event named `event_name` goes to, made at `at` (RFC 3339):
/// `<name> <date> <hh>h<mm>`. The name comes from the programme, which anyone who can edit
/// it may have written, so the result is always one plain path component: separators, dots,
/// control and formatting characters become `_`, and it is cut short.
pub fn folder_name(event_name: &str, at: &str) -> String {
    let mut name = String::new();
    for c in event_name.chars() {
        let keep = c.is_alphanumeric() || " -_'".contains(c);
        let c = if keep { c } else { '_' };
        // Runs of replaced characters or spaces read as one.
        if !(matches!(c, '_' | ' ') && name.ends_with(c)) {
            name.push(c);
        }
    }
    let name: String = name.trim_matches(|c: char| c == ' ' || c == '_').chars().take(FOLDER_NAME_CHARS).collect();
    let name = if name.trim_matches(|c: char| c == ' ' || c == '_').is_empty() { "Récolte".into() } else { name };
    let stamp: String = at
        .get(..16)
        .unwrap_or(at)
        .chars()
        .map(|c| match c {
            'T' => ' ',
            ':' => 'h',
            c if c.is_ascii_digit() || c == '-' => c,
            _ => '_',
        })
        .collect();
    format!("{} {stamp}", name.trim_end())
}

/// `recolte export report`: `rapport.md` and `rapport.html` in `dir`, and `rapport.pdf` with
/// `pdf` (`report.*` in English; a theme's report is `rapport-theme-N.*`, so that it never
/// replaces the whole event's). A file of the same name is replaced only when it is Récolte's
/// report; an open-data package in the folder that lists the PDF is brought up to date with it.
pub fn export_report(
    store: &Store,
    event: EventId,
    dir: &Path,
    theme: Option<u32>,
    lang: Lang,
    pdf: bool,
) -> Result<Vec<PathBuf>, ExportError> {
    if let Some(theme) = theme {
        store.consolidated(event, theme, false)?;
    }
    let data = gather(store, event, false)?;
    let stem = report_stem(theme, lang);
    let at = now();
    let mut files = vec![
        (format!("{stem}.md"), report::sealed(report::markdown_report(&data, theme, lang, &at))),
        (format!("{stem}.html"), report::sealed(report::html_report(&data, theme, lang, &at))),
    ];
    if pdf {
        files.push((format!("{stem}.pdf"), pdf_bytes(&data, theme, lang, &at)?));
    }
    if let Some(edited) = files.iter().map(|(name, _)| name).find(|name| report::edited_report(&dir.join(name))) {
        return Err(ExportError::EditedSince { folder: dir.to_owned(), file: edited.clone() });
    }
    if let Some(clash) = files.iter().map(|(name, _)| name).find(|name| !report::replaceable_report(&dir.join(name))) {
        return Err(ExportError::WouldOverwrite { folder: dir.to_owned(), file: clash.clone() });
    }
    // Written with the files: a package whose report no longer matches its checksum fails
    // validation, and its restore refuses it. (Each file is staged whole before any is put in
    // place, so a full disk leaves the former ones; the renames themselves go one by one.)
    if let Some(package) = package::refreshed(dir, event, &files)? {
        files.push(("datapackage.json".to_owned(), package));
    }
    write_files(dir, &files)?;
    Ok(files.into_iter().map(|(name, _)| dir.join(name)).collect())
}

/// The name a report's files share: `rapport`, `report-theme-3`…
fn report_stem(theme: Option<u32>, lang: Lang) -> String {
    let stem = if lang == Lang::En { "report" } else { "rapport" };
    match theme {
        Some(theme) => format!("{stem}-theme-{theme}"),
        None => stem.to_owned(),
    }
}

/// A PDF report Récolte wrote in `dir` before, which a report written now without its PDF
/// leaves as it was: it looks current beside the new files and is not, which the caller says
/// (it is not removed: it may be the one printed for the panel at four).
pub fn older_pdf_report(dir: &Path, theme: Option<u32>, lang: Lang) -> Option<PathBuf> {
    let path = dir.join(format!("{}.pdf", report_stem(theme, lang)));
    (path.is_file() && report::replaceable_report(&path)).then_some(path)
}

#[cfg(feature = "pdf")]
fn pdf_bytes(data: &OpenData, theme: Option<u32>, lang: Lang, at: &str) -> Result<Vec<u8>, ExportError> {
    pdf::pdf_report(data, theme, lang, at)
}

#[cfg(not(feature = "pdf"))]
fn pdf_bytes(_: &OpenData, _: Option<u32>, _: Lang, _: &str) -> Result<Vec<u8>, ExportError> {
    Err(ExportError::Pdf("built without the pdf feature".to_owned()))
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
    let at = now();
    // The report beside the data, when this build typesets PDF (the fuzz build does not).
    let report = if cfg!(feature = "pdf") { Some(pdf_bytes(&data, None, Lang::Fr, &at)?) } else { None };
    opendata::write(dir, &data, licence, &at, report.as_deref())
}

/// What an export made on this device lacks, in words (`None` when it holds every document of
/// the event): said on screen beside the files, which say it too.
pub fn missing_note(store: &Store, event: EventId, lang: Lang) -> Result<Option<String>, ExportError> {
    // Light: the missing documents and the programme, not the whole event gathered again.
    let view = store.event(event)?;
    let session = |id: &recolte_core::ids::SessionId| {
        view.sessions.iter().find(|s| s.id == *id).map(|s| (s.theme, s.day, s.start.clone()))
    };
    let missing = data::missing_in_words(&store.missing_documents(event)?, session, lang);
    Ok((!missing.is_empty()).then(|| match lang {
        Lang::Fr => format!("export incomplet : cet appareil ne détient pas {}", missing.join(", ")),
        Lang::En => format!("incomplete export: this device does not hold {}", missing.join(", ")),
    }))
}

/// `recolte export decidim`: CSV or JSON, after the file's extension.
pub fn export_decidim(
    store: &Store,
    event: EventId,
    path: &Path,
    options: &decidim::Options,
) -> Result<(), ExportError> {
    if let Some(theme) = options.theme {
        store.consolidated(event, theme, false)?;
    }
    let format = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(format.as_deref(), Some("csv" | "json")) {
        return Err(ExportError::UnknownFormat(path.display().to_string()));
    }
    // A file of that name is replaced only when it is a former import file of Récolte's (its
    // rows carry `recolte_id`): a spreadsheet of one's own, a package's proposals.csv, or
    // Decidim's own export were written over.
    replaces_only_its_own(path, |head| head.contains("recolte_id"))?;
    let data = gather(store, event, false)?;
    let text =
        if format.as_deref() == Some("csv") { decidim::csv(&data, options)? } else { decidim::json(&data, options)? };
    write_file(path, text.as_bytes())
}

/// Refuses to write at `path` over a file that `ours` does not recognise (from its first
/// mebibyte: a JSON row may hold a long body before its id) as one Récolte wrote there before.
fn replaces_only_its_own(path: &Path, ours: impl Fn(&str) -> bool) -> Result<(), ExportError> {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    if !path.is_file() {
        return Ok(());
    }
    let mut head = Vec::new();
    file.take(1 << 20).read_to_end(&mut head).map_err(|source| ExportError::Read { path: path.to_owned(), source })?;
    if ours(&String::from_utf8_lossy(&head)) {
        return Ok(());
    }
    Err(ExportError::WouldReplace { path: path.to_owned() })
}

/// `recolte export decidim-answers`: Decidim's answers import file, from Decidim's own export
/// of the proposals imported before (it holds Decidim's ids).
pub fn export_decidim_answers(
    store: &Store,
    event: EventId,
    decidim_export: &Path,
    out: &Path,
    options: &decidim::Options,
) -> Result<decidim::Answers, ExportError> {
    if let Some(theme) = options.theme {
        store.consolidated(event, theme, false)?;
    }
    // Over a former answers file only: never over Decidim's export itself (the only place
    // Decidim's ids are), nor a file of one's own.
    replaces_only_its_own(out, |head| head.trim_start_matches('\u{feff}').starts_with("id;state;answer/"))?;
    let bytes = std::fs::read(decidim_export)
        .map_err(|source| ExportError::Read { path: decidim_export.to_owned(), source })?;
    let name = decidim_export.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let published = decidim::read_published(&name, &bytes, &options.locale)?;
    let data = gather(store, event, false)?;
    let answers = decidim::answers(&data, &published, options)?;
    if answers.answered == 0 {
        return Err(ExportError::NothingToAnswer {
            unmatched: answers.unmatched.len(),
            ambiguous: answers.ambiguous.len(),
            drafts: answers.drafts.len(),
        });
    }
    write_file(out, answers.csv.as_bytes())?;
    Ok(answers)
}

/// `recolte import opendata`: restores the event into this store (where it must not be; beside
/// another event only when `other` says so).
pub fn restore(store: &mut Store, dir: &Path, other: recolte_store::OtherEvent) -> Result<EventId, ExportError> {
    if dir.is_file() {
        return Err(ExportError::IsFile { path: dir.to_owned() });
    }
    if !dir.is_dir() {
        let source = std::io::Error::from(std::io::ErrorKind::NotFound);
        return Err(ExportError::Read { path: dir.to_owned(), source });
    }
    package::check(dir)?;
    let data = opendata::read(dir)?;
    let snapshot = data.snapshot()?;
    Ok(store.restore(&snapshot, other)?)
}

#[cfg(test)]
mod tests {
    /// Whether Windows accepts `name` as a file or folder name: no reserved device name (with
    /// or without an extension), no forbidden character, no trailing dot or space.
    fn windows_accepts(name: &str) -> bool {
        const RESERVED: &[&str] = &[
            "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1",
            "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
        ];
        let stem = name.split('.').next().unwrap_or(name).trim_end();
        !name.is_empty()
            && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
            && !name.chars().any(|c| c < ' ' || "<>:\"/\\|?*".contains(c))
            && !name.ends_with(['.', ' '])
    }

    #[test]
    fn folder_names_are_accepted_by_windows() {
        for event in
            ["CON", "aux.txt", "nul", "Lpt1.", "Assises. ", "trailing... ", "a:b|c?d*e", "  ", "..", "COM9 ", "<>"]
        {
            let name = folder_name(event, "2026-11-26T19:05:11Z");
            assert!(windows_accepts(&name), "{event:?} gave {name:?}");
            assert!(windows_accepts(&format!("{name}.rclt")), "{event:?} gave {name:?}.rclt");
        }
        assert!(
            !windows_accepts("CON")
                && !windows_accepts("aux.txt")
                && !windows_accepts("name.")
                && !windows_accepts("a:b")
        );
    }

    use std::path::{Component, Path};

    use proptest::prelude::*;

    use super::folder_name;

    const AT: &str = "2026-11-22T09:41:07Z";

    fn is_one_plain_component(name: &str) -> bool {
        let mut components = Path::new(name).components();
        matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none()
    }

    #[test]
    fn an_event_name_becomes_a_readable_folder() {
        assert_eq!(
            folder_name("Assises de l'innovation publique 2025", AT),
            "Assises de l'innovation publique 2025 2026-11-22 09h41"
        );
    }

    #[test]
    fn hostile_event_names_stay_inside_the_exports_folder() {
        for hostile in
            ["../../../etc", "/etc/passwd", "..", ".", "a/../../b", "C:\\Windows", "x\0y", "\u{202e}gpj.exe", ""]
        {
            let name = folder_name(hostile, AT);
            assert!(is_one_plain_component(&name), "{hostile:?} gave {name:?}");
            assert!(!name.starts_with('.') && !name.contains('/') && !name.contains('\\'), "{hostile:?} gave {name:?}");
        }
        assert_eq!(folder_name("../..", AT), "Récolte 2026-11-22 09h41");
    }

    #[test]
    fn a_very_long_event_name_is_cut_short() {
        let name = folder_name(&"𝕽é".repeat(5000), AT);
        assert!(name.len() < 255, "{} bytes", name.len());
        assert!(name.ends_with(" 2026-11-22 09h41"));
    }

    proptest! {
        #[test]
        fn any_event_name_gives_one_short_plain_component(event_name in any::<String>(), at in any::<String>()) {
            let name = folder_name(&event_name, &at);
            prop_assert!(is_one_plain_component(&name), "{:?}", name);
            prop_assert!(!name.starts_with('.'));
            prop_assert!(name.len() < 255);
        }
    }
}
