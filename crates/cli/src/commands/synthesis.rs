//! The rapporteur's and the closing plenary's commands.

use recolte_core::schema::{ConsolidatedPatch, DocName};
use recolte_store::{ProposalFilter, Store};

use crate::args::{PanelCmd, SynthesisCmd};
use crate::commands::Context;
use crate::output::Out;
use crate::CliError;

/// `recolte synthesis`: the rapporteur's merges, suggestions, set-asides and lexicon.
pub(crate) fn synthesis(store: &mut Store, ctx: &Context, command: SynthesisCmd, out: &Out) -> Result<(), CliError> {
    match command {
        SynthesisCmd::Merge { theme, title, body, proposals, author } => {
            let ids = proposals.iter().map(|p| p.parse()).collect::<Result<Vec<_>, _>>()?;
            let (id, learned) = store.merge_and_learn(
                ctx.event(store)?,
                theme,
                &title,
                body.as_deref().unwrap_or(""),
                &ids,
                author.as_deref(),
            )?;
            out.merged(&id, &learned)
        }
        SynthesisCmd::Suggest { theme } => {
            let event = ctx.event(store)?;
            let suggestions = store.suggest_duplicates(event, theme)?;
            let proposals = store.proposals(event, &ProposalFilter { theme: Some(theme), ..Default::default() })?;
            out.suggestions(&suggestions, &proposals)
        }
        SynthesisCmd::Dismiss { theme, proposals } => {
            let ids = proposals.iter().map(|p| p.parse()).collect::<Result<Vec<_>, _>>()?;
            store.dismiss_duplicates(ctx.event(store)?, theme, &ids)?;
            out.done_if(ctx.changed(store)?)
        }
        SynthesisCmd::SetAside { proposal, reason, clear } => {
            let reason = if clear { None } else { reason.as_deref().map(str::parse).transpose()? };
            match store.set_proposal_aside(proposal.parse()?, reason)? {
                true => out.done(),
                false if clear => out.unchanged(
                    "rien à reprendre : cette proposition n'est pas écartée",
                    "nothing to take back: this proposal is not set aside",
                ),
                false => out.unchanged(
                    "rien à changer : cette proposition est déjà écartée pour cette raison",
                    "nothing to change: this proposal is already set aside for this reason",
                ),
            }
        }
        SynthesisCmd::Lexicon { theme, add, remove } => {
            let event = ctx.event(store)?;
            match (add, remove) {
                (Some(pair), _) => store.set_lexicon(event, theme, &pair[0], &pair[1], false)?,
                (_, Some(pair)) => store.set_lexicon(event, theme, &pair[0], &pair[1], true)?,
                (None, None) => return out.lexicon(&store.triage(event, theme)?.lexicon),
            }
            out.done_if(ctx.changed(store)?)
        }
        SynthesisCmd::List { theme, all } => {
            let event = ctx.event(store)?;
            let list = store.consolidated(event, theme, all)?;
            // An empty list on a device that does not hold the synthesis says nothing true.
            if list.is_empty() && store.missing_documents(event)?.contains(&DocName::Synthesis(event, theme)) {
                out.not_held_synthesis(theme);
            }
            out.consolidated(&list)
        }
        SynthesisCmd::Edit { id, title, body, status, priority, no_priority } => {
            let patch = ConsolidatedPatch {
                title,
                body,
                status: status.as_deref().map(str::parse).transpose()?,
                priority: if no_priority { Some(None) } else { priority.map(Some) },
                ..Default::default()
            };
            store.edit_consolidated(id.parse()?, &patch)?;
            out.done_if(ctx.changed(store)?)
        }
        SynthesisCmd::Delete { id } => match store.set_consolidated_deleted(id.parse()?, true)? {
            true => out.done(),
            false => {
                out.unchanged("rien à défaire : cette fusion l'est déjà", "nothing to undo: this merge already is")
            }
        },
        SynthesisCmd::Restore { id } => match store.set_consolidated_deleted(id.parse()?, false)? {
            true => out.done(),
            false => out.unchanged(
                "rien à rétablir : cette fusion n'est pas défaite",
                "nothing to bring back: this merge is not undone",
            ),
        },
    }
}

/// `recolte panel`: the closing plenary's marks, comments and votes.
pub(crate) fn panel(store: &mut Store, ctx: &Context, command: PanelCmd, out: &Out) -> Result<(), CliError> {
    match command {
        PanelCmd::Mark { id, clear, by } => match store.mark(id.parse()?, !clear, by.as_deref())? {
            true => out.done(),
            false if clear => out.unchanged(
                "rien à retirer : cette proposition n'est pas marquée « à porter »",
                "nothing to take off: this proposal is not marked to carry forward",
            ),
            false => out.unchanged(
                "rien à changer : cette proposition est déjà marquée « à porter »",
                "nothing to change: this proposal is already marked to carry forward",
            ),
        },
        PanelCmd::Comment { id, text, author } => {
            let comment = store.comment(id.parse()?, &text, author.as_deref())?;
            out.id(&comment)
        }
        PanelCmd::Uncomment { id, restore } => match store.set_comment_deleted(id.parse()?, !restore)? {
            true => out.done(),
            false if restore => out.unchanged(
                "rien à rétablir : ce commentaire n'est pas supprimé",
                "nothing to bring back: this comment is not deleted",
            ),
            false => out.unchanged(
                "rien à supprimer : ce commentaire l'est déjà",
                "nothing to delete: this comment already is",
            ),
        },
        PanelCmd::Vote { id, clear, dots, member } => {
            let id = id.parse()?;
            match (clear, dots) {
                (true, _) => store.vote(id, 0, member.as_deref())?,
                (false, Some(dots)) => store.vote(id, dots, member.as_deref())?,
                (false, None) => store.vote_once_more(id, member.as_deref())?,
            }
            out.done_if(ctx.changed(store)?)
        }
        PanelCmd::Summary => out.summary(&store.panel_summary(ctx.event(store)?)?),
        PanelCmd::Dots { dots } => {
            let event = ctx.event(store)?;
            store.set_dots_per_theme(event, dots)?;
            // Dots given before stay counted: said, so that the organiser can ask for them back.
            for recolte_store::OverDots { member, theme, given } in store.members_over_dots(event, dots)? {
                eprintln!(
                    "{} {}",
                    out.lang.pick("attention :", "warning:"),
                    match out.lang {
                        recolte_core::Lang::Fr => format!(
                            "{member} a déjà donné {given} points sur le thème {theme} ; ils restent comptés tant que ce membre ne les retire pas"
                        ),
                        recolte_core::Lang::En => format!(
                            "{member} has given {given} dots on theme {theme} already; they stay counted until taken back"
                        ),
                    }
                );
            }
            out.done_if(ctx.changed(store)?)
        }
    }
}
