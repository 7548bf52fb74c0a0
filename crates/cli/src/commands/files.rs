//! What goes to and comes from files: bundles, exports, open data, and the store itself.

use std::path::Path;

use recolte_core::ids::EventId;
use recolte_store::Store;

use crate::args::{BundleCmd, ExportCmd, ImportCmd, StoreCmd};
use crate::commands::Context;
use crate::output::Out;
use crate::CliError;

/// `recolte bundle`: the event on a USB key, written and merged.
pub(crate) fn bundle(store: &mut Store, ctx: &Context, command: BundleCmd, out: &Out) -> Result<(), CliError> {
    match command {
        BundleCmd::Export { out: path } => {
            let event = ctx.event(store)?;
            let bytes = store.export_bundle(event)?;
            recolte_export::write_file_into_existing_folder(&path, &bytes).map_err(CliError::Export)?;
            out.bundle_written(&path, bytes.len())
        }
        BundleCmd::Import { file, add_event } => {
            let bytes = read_file(&file)?;
            let other = recolte_store::OtherEvent::from(add_event);
            let report = store.import_bundle_with(&bytes, other, |_, _| {})?;
            out.bundle_imported(&report)
        }
    }
}

/// `recolte store`: this device's store, checked, rebuilt, compacted, described.
pub(crate) fn store_command(store: &mut Store, command: StoreCmd, out: &Out) -> Result<(), CliError> {
    match command {
        StoreCmd::Rebuild => out.rebuilt(&store.rebuild()?),
        StoreCmd::Compact => out.compacted(&store.compact()?),
        StoreCmd::Check => {
            let problems = store.integrity_check(out.lang)?;
            out.checked(&problems)?;
            if problems.is_empty() {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        StoreCmd::Info => out.info(store.path(), &store.log_stats()?),
    }
}

/// `recolte export`: the outputs, each as its readers read it.
pub(crate) fn export(store: &mut Store, ctx: &Context, command: ExportCmd, out: &Out) -> Result<(), CliError> {
    match command {
        ExportCmd::Report { out: dir, theme, pdf } => {
            recolte_export::check_export_folder(&dir).map_err(CliError::Export)?;
            let files = recolte_export::export_report(store, ctx.event(store)?, &dir, theme, out.lang, pdf)
                .map_err(CliError::Export)?;
            warn_incomplete(store, ctx.event(store)?, out)?;
            if let Some(older) = recolte_export::older_pdf_report(&dir, theme, out.lang).filter(|_| !pdf) {
                let shown = older.display();
                match out.lang {
                    recolte_core::Lang::Fr => eprintln!(
                        "attention : {shown} est d'un export précédent et ne montre pas ces changements (--pdf pour le refaire)"
                    ),
                    recolte_core::Lang::En => eprintln!(
                        "warning: {shown} is from an earlier export and does not show these changes (--pdf to make it again)"
                    ),
                }
            }
            out.written(&dir, &files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>())
        }
        ExportCmd::Opendata { out: dir, include_names, licence } => {
            recolte_export::check_export_folder(&dir).map_err(CliError::Export)?;
            let licence = licence.unwrap_or_else(|| recolte_export::opendata::DEFAULT_LICENCE.to_owned());
            let written = recolte_export::export_opendata(store, ctx.event(store)?, &dir, include_names, &licence)
                .map_err(CliError::Export)?;
            warn_incomplete(store, ctx.event(store)?, out)?;
            out.written(&dir, &written.files)
        }
        ExportCmd::Decidim { out: path, theme, locale, captured } => {
            let options = recolte_export::decidim::Options { theme, locale, captured };
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            recolte_export::export_decidim(store, ctx.event(store)?, &path, &options).map_err(CliError::Export)?;
            warn_incomplete(store, ctx.event(store)?, out)?;
            out.written(&path, &[path.display().to_string()])
        }
        ExportCmd::DecidimAnswers { decidim_export, out: path, theme, locale } => {
            let options = recolte_export::decidim::Options { theme, locale, captured: false };
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            let answers =
                recolte_export::export_decidim_answers(store, ctx.event(store)?, &decidim_export, &path, &options)
                    .map_err(CliError::Export)?;
            out.answers(&path, &answers)
        }
    }
}

/// `recolte import`: an event brought back from its open data.
pub(crate) fn import(store: &mut Store, command: ImportCmd, out: &Out) -> Result<(), CliError> {
    match command {
        ImportCmd::Opendata { dir, add_event } => {
            let other = recolte_store::OtherEvent::from(add_event);
            let id = recolte_export::restore(store, &dir, other).map_err(CliError::Export)?;
            out.id(&id)
        }
    }
}

/// An export made on a device that lacks documents says so on stderr (the files say it too).
fn warn_incomplete(store: &Store, event: EventId, out: &Out) -> Result<(), CliError> {
    if let Some(note) = recolte_export::missing_note(store, event, out.lang).map_err(CliError::Export)? {
        eprintln!("{} {note}", out.lang.pick("attention :", "warning:"));
    }
    Ok(())
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::File { path: path.to_owned(), reading: true, source })
}
