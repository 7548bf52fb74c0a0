//! History, undo and redo, and named snapshots.

use recolte_store::{Store, UndoPlace};

use crate::args::{HistoryCmd, SnapshotCmd, UndoArgs};
use crate::commands::Context;
use crate::output::Out;
use crate::CliError;

/// `recolte snapshot`: named moments of a document, and putting one back.
pub(crate) fn snapshot(store: &mut Store, ctx: &Context, command: SnapshotCmd, out: &Out) -> Result<(), CliError> {
    match command {
        SnapshotCmd::Create { place, name } => {
            let event = ctx.event(store)?;
            let doc = store.undo_document(event, undo_place(&place)?)?;
            out.snapshots(&[store.take_snapshot(&doc, &name)?])
        }
        SnapshotCmd::List { session, theme, panel } => {
            let event = ctx.event(store)?;
            let place = match (session, theme, panel) {
                (Some(session), _, _) => Some(UndoPlace::Session(session.parse()?)),
                (None, Some(theme), _) => Some(UndoPlace::Theme(theme)),
                (None, None, true) => Some(UndoPlace::Panel),
                (None, None, false) => None,
            };
            let doc = place.map(|place| store.undo_document(event, place)).transpose()?;
            out.snapshots(&store.snapshots(event, doc.as_ref())?)
        }
        SnapshotCmd::Show { id } => {
            let snapshot = store.snapshot(&id)?;
            out.snapshot_content(&snapshot, &store.snapshot_content(&id)?)
        }
        SnapshotCmd::Restore { id } => out.snapshot_restored(&store.restore_snapshot(&id)?),
    }
}

/// `recolte history`: who changed what, a document at a moment, and a version put back.
pub(crate) fn history(store: &mut Store, ctx: &Context, command: HistoryCmd, out: &Out) -> Result<(), CliError> {
    match command {
        HistoryCmd::Proposal { id } => out.history(&store.proposal_history(id.parse()?)?),
        HistoryCmd::Consolidated { id } => out.history(&store.consolidated_history(id.parse()?)?),
        HistoryCmd::Comment { id } => out.history(&store.comment_history(id.parse()?)?),
        HistoryCmd::Session { id, at } => out.session_at(&store.session_at(id.parse()?, at.as_deref())?),
        HistoryCmd::Theme { number, at } => {
            out.synthesis_at(&store.synthesis_at(ctx.event(store)?, number, at.as_deref())?)
        }
        HistoryCmd::Restore { id, version, at } => {
            // The argument parser asks for one of --version and --at.
            let version = match (version, at) {
                (Some(version), _) => version,
                (None, at) => store.version_at(&id, at.as_deref().unwrap_or_default())?,
            };
            store.restore_version(&id, version)?;
            out.done_if(ctx.changed(store)?)
        }
    }
}

/// `recolte undo` and `recolte redo`.
pub(crate) fn undo(store: &mut Store, ctx: &Context, place: &UndoArgs, redo: bool, out: &Out) -> Result<(), CliError> {
    let event = ctx.event(store)?;
    let doc = store.undo_document(event, undo_place(place)?)?;
    out.undone(&if redo { store.redo(&doc)? } else { store.undo(&doc)? })
}

fn undo_place(place: &UndoArgs) -> Result<UndoPlace, CliError> {
    Ok(match (&place.session, place.theme) {
        (Some(session), _) => UndoPlace::Session(session.parse()?),
        (None, Some(theme)) => UndoPlace::Theme(theme),
        (None, None) => UndoPlace::Panel,
    })
}
