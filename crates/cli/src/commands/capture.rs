//! The capture's commands: the programme, the sessions and their clock, sub-groups, proposals, search.

use std::io::BufRead;

use recolte_core::ids::SessionId;
use recolte_core::schema::ClockAction;
use recolte_core::Localize;
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate, Store};

use crate::args::{EventCmd, ProposalCmd, SessionCmd, SubgroupCmd};
use crate::commands::{files::read_file, Context};
use crate::output::Out;
use crate::CliError;

/// `recolte event`: the programme brought in, and shown.
pub(crate) fn event(store: &mut Store, ctx: &Context, command: EventCmd, out: &Out) -> Result<(), CliError> {
    match command {
        EventCmd::Import { file } => {
            let bytes = read_file(&file)?;
            let text = String::from_utf8_lossy(&bytes);
            let before = store.events()?;
            let id = store.import_programme(&text)?;
            // Two imports of one programme make two events that never merge: the usual slip
            // of a device that should have joined with an invitation.
            let name = store.event(id)?.name;
            if before.iter().any(|e| !e.practice && e.name.trim().to_lowercase() == name.trim().to_lowercase()) {
                out.second_event_of_a_name();
            }
            out.id(&id)
        }
        EventCmd::Show => {
            let view = store.event(ctx.event(store)?)?;
            out.event(&view)
        }
    }
}

/// `recolte session`: the sessions, and their shared clock.
pub(crate) fn session(store: &mut Store, ctx: &Context, command: SessionCmd, out: &Out) -> Result<(), CliError> {
    match command {
        SessionCmd::List { theme } => {
            let sessions = store.sessions(ctx.event(store)?, theme)?;
            out.sessions(&sessions)
        }
        SessionCmd::Clock { session } => out.clock(&store.session_clock(session_of(store, session)?)?),
        SessionCmd::Start { session } => clock(store, ctx, session, ClockAction::Start, None, None, out),
        SessionCmd::Pause { session } => clock(store, ctx, session, ClockAction::Pause, None, None, out),
        SessionCmd::Resume { session } => clock(store, ctx, session, ClockAction::Resume, None, None, out),
        SessionCmd::Extend { session, minutes, phase } => {
            clock(store, ctx, session, ClockAction::Extend, Some(minutes), phase, out)
        }
        SessionCmd::Next { session, phase } => clock(store, ctx, session, ClockAction::Next, None, phase, out),
    }
}

/// `recolte subgroup`: the sub-groups of a session.
pub(crate) fn subgroup(store: &mut Store, ctx: &Context, command: SubgroupCmd, out: &Out) -> Result<(), CliError> {
    match command {
        SubgroupCmd::Add { session, name } => {
            let id = store.add_subgroup(session_of(store, session)?, &name)?;
            out.id(&id)
        }
        SubgroupCmd::List { session, all } => out.subgroups(&store.subgroups(session_of(store, session)?, all)?),
        SubgroupCmd::Rename { session, subgroup, name } => {
            store.rename_subgroup(session_of(store, session)?, &subgroup, &name)?;
            out.done_if(ctx.changed(store)?)
        }
    }
}

/// `recolte proposal`: what the sub-groups propose.
pub(crate) fn proposal(store: &mut Store, ctx: &Context, command: ProposalCmd, out: &Out) -> Result<(), CliError> {
    match command {
        ProposalCmd::Add { session, title, body, kind, subgroup, tags, author } => {
            let input = ProposalInput {
                title,
                body: body.unwrap_or_default(),
                kind: kind.as_deref().map(str::parse).transpose()?.unwrap_or_default(),
                subgroup,
                tags,
                author,
            };
            let id = store.add_proposal(session_of(store, session)?, &input)?;
            out.id(&id)
        }
        ProposalCmd::AddBatch { session } => add_batch(store, session, out),
        ProposalCmd::Edit { id, title, body, kind, subgroup, no_subgroup, tags, clear_tags } => {
            let update = ProposalUpdate {
                title,
                body,
                kind: kind.as_deref().map(str::parse).transpose()?,
                subgroup: if no_subgroup { Some(None) } else { subgroup.map(Some) },
                tags: if clear_tags {
                    Some(Vec::new())
                } else if tags.is_empty() {
                    None
                } else {
                    Some(tags)
                },
                // The command line states the whole new text: no field that showed an older one.
                ..Default::default()
            };
            store.edit_proposal(id.parse()?, &update)?;
            out.done_if(ctx.changed(store)?)
        }
        ProposalCmd::Delete { id } => match store.set_proposal_deleted(id.parse()?, true)? {
            true => out.done(),
            false => out.unchanged(
                "rien à supprimer : la proposition l'est déjà",
                "nothing to delete: the proposal already is",
            ),
        },
        ProposalCmd::Restore { id } => match store.set_proposal_deleted(id.parse()?, false)? {
            true => out.done(),
            false => out.unchanged(
                "rien à restaurer : la proposition n'est pas supprimée",
                "nothing to restore: the proposal is not deleted",
            ),
        },
        ProposalCmd::List { session, theme, all, untreated } => {
            let event = ctx.event(store)?;
            let filter = ProposalFilter { session: session.as_deref().map(str::parse).transpose()?, theme, all };
            // What the rapporteurs set aside, from the themes' syntheses: one that does not read
            // does not stop a facilitator's listing (said, and its set-asides left unmarked).
            let aside: std::collections::HashMap<_, _> = match store.set_aside_in_event(event) {
                Ok(records) => records.into_iter().map(|r| (r.proposal_id, r.reason)).collect(),
                Err(error) if !untreated => {
                    eprintln!("{} {}", out.lang.pick("attention :", "warning:"), error.localize(out.lang));
                    Default::default()
                }
                Err(error) => return Err(error.into()),
            };
            let mut proposals = store.proposals(event, &filter)?;
            if untreated {
                proposals.retain(|p| p.merged_into.is_empty() && !aside.contains_key(&p.id));
            }
            out.proposals(&proposals, &aside)
        }
    }
}

/// `recolte search`.
pub(crate) fn search(
    store: &mut Store,
    ctx: &Context,
    query: &[String],
    limit: usize,
    out: &Out,
) -> Result<(), CliError> {
    let query = query.join(" ");
    if !recolte_store::has_search_words(&query) {
        return Err(CliError::Usage {
            fr: "rien à chercher : donnez au moins un mot (des lettres ou des chiffres)".into(),
            en: "nothing to search for: give at least one word (letters or digits)".into(),
        });
    }
    out.hits(&store.search(ctx.event(store)?, &query, limit)?)
}

fn clock(
    store: &mut Store,
    ctx: &Context,
    session: Option<String>,
    action: ClockAction,
    minutes: Option<u32>,
    seen: Option<usize>,
    out: &Out,
) -> Result<(), CliError> {
    let clock = store.clock_action(session_of(store, session)?, action, minutes, seen)?;
    // A press meant for a phase that another facilitator ended meanwhile does nothing: said,
    // beside the clock as it now stands.
    if let (ClockAction::Next, Some(phase), false) = (action, seen, ctx.changed(store)?) {
        let ended = clock.phase_index.is_none_or(|current| phase < current);
        let said = match (out.lang, ended) {
            (recolte_core::Lang::Fr, true) => {
                format!("rien n'a été fait : la phase {phase} était déjà terminée (quelqu'un est passé à la suivante)")
            }
            (recolte_core::Lang::En, true) => {
                format!("nothing was done: phase {phase} had already ended (someone went on to the next)")
            }
            (recolte_core::Lang::Fr, false) => format!("rien n'a été fait : la phase {phase} n'a pas encore commencé"),
            (recolte_core::Lang::En, false) => format!("nothing was done: phase {phase} has not begun yet"),
        };
        eprintln!("{said}");
    }
    out.clock(&clock)
}

/// One proposal per line of standard input (JSON), each saved and its id printed before the
/// next is read: a script, or a crash test, knows exactly what is saved.
fn add_batch(store: &mut Store, session: Option<String>, out: &Out) -> Result<(), CliError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        title: String,
        #[serde(default)]
        body: String,
        #[serde(default)]
        kind: Option<String>,
        #[serde(default)]
        subgroup: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        author: Option<String>,
    }
    let session = session_of(store, session)?;
    let stdin = std::io::stdin();
    let mut saved = 0;
    for (index, line) in stdin.lock().lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| CliError::BatchLine {
            line: number,
            saved,
            detail: out.lang.pick(&recolte_core::lang::io_fr(&e), &recolte_core::lang::io_en(&e)).to_owned(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line).map_err(|e| CliError::BatchLine {
            line: number,
            saved,
            detail: recolte_core::Both::json(&e).pick(out.lang).to_owned(),
        })?;
        let kind = parsed.kind.as_deref().map(str::parse).transpose().map_err(|e: recolte_core::Error| {
            CliError::BatchLine { line: number, detail: e.localize(out.lang), saved }
        })?;
        let input = ProposalInput {
            title: parsed.title,
            body: parsed.body,
            kind: kind.unwrap_or_default(),
            subgroup: parsed.subgroup,
            tags: parsed.tags,
            author: parsed.author,
        };
        let id = store.add_proposal(session, &input).map_err(|e| CliError::BatchLine {
            line: number,
            detail: e.localize(out.lang),
            saved,
        })?;
        saved += 1;
        out.id(&id)?;
    }
    Ok(())
}

/// The session a capture command is about: the one given, else the one session this device's
/// invitation covers (a facilitator's card names one: typing its id was the only way).
fn session_of(store: &Store, given: Option<String>) -> Result<SessionId, CliError> {
    if let Some(given) = given {
        return Ok(given.parse()?);
    }
    let covered = recolte_sync::join::remembered_target(store)?
        .and_then(|target| recolte_core::token::peek(&target.token).ok())
        .map(|grant| grant.scope.sessions)
        .unwrap_or_default();
    match covered[..] {
        [only] => Ok(only),
        [] => Err(CliError::Usage {
            fr: "il manque --session : l'identifiant d'une session (recolte session list les donne)".into(),
            en: "--session is missing: a session's id (recolte session list gives them)".into(),
        }),
        _ => Err(CliError::Usage {
            fr: format!(
                "il manque --session : votre invitation couvre {} sessions (recolte session list les donne)",
                covered.len()
            ),
            en: format!(
                "--session is missing: your invitation covers {} sessions (recolte session list gives them)",
                covered.len()
            ),
        }),
    }
}
