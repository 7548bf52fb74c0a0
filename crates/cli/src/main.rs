//! `recolte`: the command line of Récolte. Thin: it parses arguments, calls the store, and
//! prints the result as text (French or English) or JSON. Exit code 0 on success, 1 on an
//! error (told on stderr), 2 on a usage error.

mod args;
mod help;
mod help_fr;
mod network;
mod output;
mod usage;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use recolte_core::ids::EventId;
use recolte_core::schema::{ClockAction, ConsolidatedPatch, DocName};
use recolte_core::{Lang, Localize};
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate, Store, UndoPlace};

use args::{
    BundleCmd, Cli, Command, DeviceCmd, EventCmd, ExportCmd, HistoryCmd, ImportCmd, InviteCmd, PanelCmd, ProposalCmd,
    SessionCmd, SnapshotCmd, StoreCmd, SubgroupCmd, SynthesisCmd, TokenCmd, UndoArgs,
};
use output::Out;

fn main() -> ExitCode {
    let typed: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args: Vec<String> = typed.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    // The grammar parses alike in both languages; the French one, slower to build, is built
    // only to show help or a usage error.
    let parsed = Cli::try_parse_from(&typed).or_else(|error| match usage::lang_of(&args) {
        Lang::Fr => help::localized(Cli::command(), Lang::Fr)
            .try_get_matches_from(&typed)
            .and_then(|matches| Cli::from_arg_matches(&matches)),
        Lang::En => Err(error),
    });
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => match (usage::lang_of(&args), usage::french(&error, &args)) {
            (Lang::Fr, Some(message)) => {
                eprintln!("erreur : {message}");
                if error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    eprintln!("\n{}", error.render());
                }
                return ExitCode::from(2);
            }
            _ => error.exit(),
        },
    };
    let lang = cli.lang.as_deref().and_then(Lang::parse).unwrap_or_else(Lang::from_env);
    let out = Out { json: cli.json, lang, timezone: None };
    match run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let prefix = lang.pick("erreur :", "error:");
            // Names from other devices (an event's, a sub-group's) reach the terminal here too.
            eprintln!("{prefix} {}", output::shown(error.localize(lang)));
            if matches!(
                error,
                CliError::Store(
                    recolte_store::Error::BundleOfAnotherEvent { .. }
                        | recolte_store::Error::BundleOfAnotherEventSameName { .. }
                )
            ) {
                eprintln!(
                    "{}",
                    lang.pick(
                        "(pour l'ajouter : recolte bundle import --add-event FICHIER)",
                        "(to add it: recolte bundle import --add-event FILE)"
                    )
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// Errors of the command itself (files it reads and writes), beside the store's.
#[derive(Debug, thiserror::Error, Localize)]
enum CliError {
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
    #[error("cannot {} {}: {}", if *.reading { "read" } else { "write" }, .path.display(), recolte_core::lang::io_en(.source))]
    #[fr("impossible {} {} : {}", if *reading { "de lire" } else { "d'écrire" }, path.display(), recolte_core::lang::io_fr(source))]
    File { path: PathBuf, reading: bool, source: std::io::Error },
    #[error("input line {line}: {detail} (the lines before it are saved)")]
    #[fr("ligne {line} de l'entrée : {detail} (les lignes précédentes sont enregistrées)")]
    BatchLine { line: usize, detail: String },
    #[error(transparent)]
    Sync(#[from] recolte_sync::client::SyncError),
    #[error(transparent)]
    Export(recolte_export::ExportError),
    #[error(transparent)]
    Hub(recolte_sync::hub::HubError),
    /// A message made where the command's arguments are read, in both languages there.
    #[error("{en}")]
    #[fr("{fr}")]
    Usage { fr: String, en: String },
}

impl From<recolte_core::Error> for CliError {
    fn from(e: recolte_core::Error) -> Self {
        CliError::Store(e.into())
    }
}

/// The data folder a store lives in.
/// The certificate fingerprint invitations for `hubs` carry: that of the hub this device syncs
/// with, or of its own (see the library's).
fn invitation_fingerprint(store: &Store, hubs: &[String]) -> Result<Option<String>, CliError> {
    let synced = recolte_sync::join::remembered_target(store)?;
    recolte_sync::tls::invitation_fingerprint(&data_dir_of(store), hubs, synced.as_ref())
        .map_err(|e| CliError::Hub(recolte_sync::hub::HubError::Tls(e)))
}

fn data_dir_of(store: &Store) -> PathBuf {
    store.path().parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::File { path: path.to_owned(), reading: true, source })
}

fn run(cli: Cli, out: &Out) -> Result<(), CliError> {
    let dir = Store::data_dir(cli.data_dir);
    // Checking or describing a store that is not there (a mistyped folder) must not make an
    // empty one there and call it sound.
    if matches!(cli.command, Command::Store(StoreCmd::Check | StoreCmd::Info | StoreCmd::Compact | StoreCmd::Rebuild))
        && !dir.join(recolte_store::DB_FILE).exists()
    {
        return Err(CliError::Usage {
            fr: format!(
                "aucun stockage Récolte dans {} : vérifiez le dossier (--data-dir, RECOLTE_DATA_DIR)",
                dir.display()
            ),
            en: format!("no Récolte store in {}: check the folder (--data-dir, RECOLTE_DATA_DIR)", dir.display()),
        });
    }
    let mut store = Store::open(&dir)?;
    if let Some(why) = store.unwritable() {
        eprintln!("{} {}", out.lang.pick("attention :", "warning:"), why.notice(out.lang));
    }
    let given_event: Option<EventId> = cli.event.as_deref().map(str::parse).transpose()?;
    let event = |store: &Store| store.resolve_event(given_event);
    // An --event this store does not hold must not pass unnoticed, and a record named by its
    // id (a session, a proposal, a consolidated proposal, a comment) must be one of its own:
    // a command must not change another event than the one it names.
    // (Not for the commands that bring an event in, or reach a hub for it: the event named
    // may not be here yet.)
    let brings_events = matches!(
        cli.command,
        Command::Event(EventCmd::Import { .. })
            | Command::Bundle(BundleCmd::Import { .. })
            | Command::Import(_)
            | Command::Join { .. }
            | Command::Sync { .. }
            | Command::Status
            | Command::Hub { .. }
            | Command::Discover { .. }
    );
    if given_event.is_some() && !brings_events {
        let named = event(&store)?;
        store.keep_to_event(named);
    }
    let timezone = event(&store).ok().and_then(|e| store.event(e).ok()).map(|view| view.timezone);
    let out = &Out { timezone, ..*out };
    // Whether the command saved anything (an edit to the same text, a pair not in the lexicon):
    // said, instead of a "fait" for nothing.
    // (A log that cannot be read does not stop the commands that diagnose it.)
    let before = store.last_log_seq().ok();
    let changed = |store: &Store| -> Result<bool, CliError> {
        Ok(match before {
            Some(before) => store.last_log_seq()? != before,
            None => true,
        })
    };
    match cli.command {
        Command::Event(EventCmd::Import { file }) => {
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
        Command::Event(EventCmd::Show) => {
            let view = store.event(event(&store)?)?;
            out.event(&view)
        }
        Command::Session(SessionCmd::List { theme }) => {
            let sessions = store.sessions(event(&store)?, theme)?;
            out.sessions(&sessions)
        }
        Command::Session(SessionCmd::Clock { session }) => out.clock(&store.session_clock(session.parse()?)?),
        Command::Session(SessionCmd::Start { session }) => {
            clock(&mut store, &session, ClockAction::Start, None, None, out)
        }
        Command::Session(SessionCmd::Pause { session }) => {
            clock(&mut store, &session, ClockAction::Pause, None, None, out)
        }
        Command::Session(SessionCmd::Resume { session }) => {
            clock(&mut store, &session, ClockAction::Resume, None, None, out)
        }
        Command::Session(SessionCmd::Extend { session, minutes, phase }) => {
            clock(&mut store, &session, ClockAction::Extend, Some(minutes), phase, out)
        }
        Command::Session(SessionCmd::Next { session, phase }) => {
            clock(&mut store, &session, ClockAction::Next, None, phase, out)
        }
        Command::Subgroup(SubgroupCmd::Add { session, name }) => {
            let id = store.add_subgroup(session.parse()?, &name)?;
            out.id(&id)
        }
        Command::Subgroup(SubgroupCmd::List { session, all }) => {
            out.subgroups(&store.subgroups(session.parse()?, all)?)
        }
        Command::Subgroup(SubgroupCmd::Rename { session, subgroup, name }) => {
            store.rename_subgroup(session.parse()?, &subgroup, &name)?;
            out.done_if(changed(&store)?)
        }
        Command::Proposal(ProposalCmd::Add { session, title, body, kind, subgroup, tags, author }) => {
            let input = ProposalInput {
                title,
                body: body.unwrap_or_default(),
                kind: kind.as_deref().map(str::parse).transpose()?.unwrap_or_default(),
                subgroup,
                tags,
                author,
            };
            let id = store.add_proposal(session.parse()?, &input)?;
            out.id(&id)
        }
        Command::Proposal(ProposalCmd::AddBatch { session }) => add_batch(&mut store, &session, out),
        Command::Proposal(ProposalCmd::Edit { id, title, body, kind, subgroup, no_subgroup, tags, clear_tags }) => {
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
            out.done_if(changed(&store)?)
        }
        Command::Proposal(ProposalCmd::Delete { id }) => match store.set_proposal_deleted(id.parse()?, true)? {
            true => out.done(),
            false => out.unchanged(
                "rien à supprimer : la proposition l'est déjà",
                "nothing to delete: the proposal already is",
            ),
        },
        Command::Proposal(ProposalCmd::Restore { id }) => match store.set_proposal_deleted(id.parse()?, false)? {
            true => out.done(),
            false => out.unchanged(
                "rien à restaurer : la proposition n'est pas supprimée",
                "nothing to restore: the proposal is not deleted",
            ),
        },
        Command::Proposal(ProposalCmd::List { session, theme, all }) => {
            let filter = ProposalFilter { session: session.as_deref().map(str::parse).transpose()?, theme, all };
            out.proposals(&store.proposals(event(&store)?, &filter)?)
        }
        Command::Search { query, limit } => {
            let query = query.join(" ");
            if !recolte_store::has_search_words(&query) {
                return Err(CliError::Usage {
                    fr: "rien à chercher : donnez au moins un mot (des lettres ou des chiffres)".into(),
                    en: "nothing to search for: give at least one word (letters or digits)".into(),
                });
            }
            out.hits(&store.search(event(&store)?, &query, limit)?)
        }
        Command::Synthesis(SynthesisCmd::Merge { theme, title, body, proposals, author }) => {
            let ids = proposals.iter().map(|p| p.parse()).collect::<Result<Vec<_>, _>>()?;
            let (id, learned) = store.merge_and_learn(
                event(&store)?,
                theme,
                &title,
                body.as_deref().unwrap_or(""),
                &ids,
                author.as_deref(),
            )?;
            out.merged(&id, &learned)
        }
        Command::Synthesis(SynthesisCmd::Suggest { theme }) => {
            let event = event(&store)?;
            let suggestions = store.suggest_duplicates(event, theme)?;
            let proposals = store.proposals(event, &ProposalFilter { theme: Some(theme), ..Default::default() })?;
            out.suggestions(&suggestions, &proposals)
        }
        Command::Undo(place) => {
            let event = event(&store)?;
            undo(&mut store, event, &place, false, out)
        }
        Command::Redo(place) => {
            let event = event(&store)?;
            undo(&mut store, event, &place, true, out)
        }
        Command::Snapshot(SnapshotCmd::Create { place, name }) => {
            let event = event(&store)?;
            let doc = store.undo_document(event, undo_place(&place)?)?;
            out.snapshots(&[store.take_snapshot(&doc, &name)?])
        }
        Command::Snapshot(SnapshotCmd::List { session, theme, panel }) => {
            let event = event(&store)?;
            let place = match (session, theme, panel) {
                (Some(session), _, _) => Some(UndoPlace::Session(session.parse()?)),
                (None, Some(theme), _) => Some(UndoPlace::Theme(theme)),
                (None, None, true) => Some(UndoPlace::Panel),
                (None, None, false) => None,
            };
            let doc = place.map(|place| store.undo_document(event, place)).transpose()?;
            out.snapshots(&store.snapshots(event, doc.as_ref())?)
        }
        Command::Snapshot(SnapshotCmd::Show { id }) => {
            let snapshot = store.snapshot(&id)?;
            out.snapshot_content(&snapshot, &store.snapshot_content(&id)?)
        }
        Command::Snapshot(SnapshotCmd::Restore { id }) => out.snapshot_restored(&store.restore_snapshot(&id)?),
        Command::History(HistoryCmd::Proposal { id }) => out.history(&store.proposal_history(id.parse()?)?),
        Command::History(HistoryCmd::Consolidated { id }) => out.history(&store.consolidated_history(id.parse()?)?),
        Command::History(HistoryCmd::Comment { id }) => out.history(&store.comment_history(id.parse()?)?),
        Command::History(HistoryCmd::Session { id, at }) => {
            out.session_at(&store.session_at(id.parse()?, at.as_deref())?)
        }
        Command::History(HistoryCmd::Theme { number, at }) => {
            out.synthesis_at(&store.synthesis_at(event(&store)?, number, at.as_deref())?)
        }
        Command::History(HistoryCmd::Restore { id, version, at }) => {
            // The argument parser asks for one of --version and --at.
            let version = match (version, at) {
                (Some(version), _) => version,
                (None, at) => store.version_at(&id, at.as_deref().unwrap_or_default())?,
            };
            store.restore_version(&id, version)?;
            out.done_if(changed(&store)?)
        }
        Command::Synthesis(SynthesisCmd::Dismiss { theme, proposals }) => {
            let ids = proposals.iter().map(|p| p.parse()).collect::<Result<Vec<_>, _>>()?;
            store.dismiss_duplicates(event(&store)?, theme, &ids)?;
            out.done_if(changed(&store)?)
        }
        Command::Synthesis(SynthesisCmd::SetAside { proposal, reason, clear }) => {
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
        Command::Synthesis(SynthesisCmd::Lexicon { theme, add, remove }) => {
            let event = event(&store)?;
            match (add, remove) {
                (Some(pair), _) => store.set_lexicon(event, theme, &pair[0], &pair[1], false)?,
                (_, Some(pair)) => store.set_lexicon(event, theme, &pair[0], &pair[1], true)?,
                (None, None) => return out.lexicon(&store.triage(event, theme)?.lexicon),
            }
            out.done_if(changed(&store)?)
        }
        Command::Synthesis(SynthesisCmd::List { theme, all }) => {
            let event = event(&store)?;
            let list = store.consolidated(event, theme, all)?;
            // An empty list on a device that does not hold the synthesis says nothing true.
            if list.is_empty() && store.missing_documents(event)?.contains(&DocName::Synthesis(event, theme)) {
                out.not_held_synthesis(theme);
            }
            out.consolidated(&list)
        }
        Command::Synthesis(SynthesisCmd::Edit { id, title, body, status, priority, no_priority }) => {
            let patch = ConsolidatedPatch {
                title,
                body,
                status: status.as_deref().map(str::parse).transpose()?,
                priority: if no_priority { Some(None) } else { priority.map(Some) },
                ..Default::default()
            };
            store.edit_consolidated(id.parse()?, &patch)?;
            out.done_if(changed(&store)?)
        }
        Command::Synthesis(SynthesisCmd::Delete { id }) => match store.set_consolidated_deleted(id.parse()?, true)? {
            true => out.done(),
            false => {
                out.unchanged("rien à défaire : cette fusion l'est déjà", "nothing to undo: this merge already is")
            }
        },
        Command::Synthesis(SynthesisCmd::Restore { id }) => match store.set_consolidated_deleted(id.parse()?, false)? {
            true => out.done(),
            false => out.unchanged(
                "rien à rétablir : cette fusion n'est pas défaite",
                "nothing to bring back: this merge is not undone",
            ),
        },
        Command::Panel(PanelCmd::Mark { id, clear, by }) => match store.mark(id.parse()?, !clear, by.as_deref())? {
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
        Command::Panel(PanelCmd::Comment { id, text, author }) => {
            let comment = store.comment(id.parse()?, &text, author.as_deref())?;
            out.id(&comment)
        }
        Command::Panel(PanelCmd::Uncomment { id, restore }) => {
            match store.set_comment_deleted(id.parse()?, !restore)? {
                true => out.done(),
                false if restore => out.unchanged(
                    "rien à rétablir : ce commentaire n'est pas supprimé",
                    "nothing to bring back: this comment is not deleted",
                ),
                false => out.unchanged(
                    "rien à supprimer : ce commentaire l'est déjà",
                    "nothing to delete: this comment already is",
                ),
            }
        }
        Command::Panel(PanelCmd::Vote { id, clear, dots, member }) => {
            let id = id.parse()?;
            match (clear, dots) {
                (true, _) => store.vote(id, 0, member.as_deref())?,
                (false, Some(dots)) => store.vote(id, dots, member.as_deref())?,
                (false, None) => store.vote_once_more(id, member.as_deref())?,
            }
            out.done_if(changed(&store)?)
        }
        Command::Panel(PanelCmd::Summary) => out.summary(&store.panel_summary(event(&store)?)?),
        Command::Panel(PanelCmd::Dots { dots }) => {
            let event = event(&store)?;
            store.set_dots_per_theme(event, dots)?;
            // Dots given before stay counted: said, so that the organiser can ask for them back.
            for (member, theme, given) in store.members_over_dots(event, dots)? {
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
            out.done_if(changed(&store)?)
        }
        Command::Bundle(BundleCmd::Export { out: path }) => {
            let event = event(&store)?;
            let bytes = store.export_bundle(event)?;
            recolte_export::write_file_into_existing_folder(&path, &bytes).map_err(CliError::Export)?;
            out.bundle_written(&path, bytes.len())
        }
        Command::Bundle(BundleCmd::Import { file, add_event }) => {
            let bytes = read_file(&file)?;
            let other = if add_event { recolte_store::OtherEvent::Add } else { recolte_store::OtherEvent::Refuse };
            let report = store.import_bundle_with(&bytes, other, |_, _| {})?;
            out.bundle_imported(&report)
        }
        Command::Store(StoreCmd::Rebuild) => out.rebuilt(&store.rebuild()?),
        Command::Store(StoreCmd::Compact) => out.compacted(&store.compact()?),
        Command::Store(StoreCmd::Check) => {
            let problems = store.integrity_check(out.lang)?;
            out.checked(&problems)?;
            if problems.is_empty() {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Store(StoreCmd::Info) => out.info(store.path(), &store.log_stats()?),
        Command::Token(TokenCmd::Create { scope, expires, name }) => {
            let scope = parse_scope(event(&store)?, scope)?;
            let valid_for = store.invitation_validity(scope.event, &expires)?;
            let token = store.issue_token(&scope, name.as_deref(), valid_for)?;
            out.text(&token)
        }
        Command::Token(TokenCmd::Inspect { token }) => {
            let grant =
                recolte_core::token::peek(&token).map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?;
            out.grant(&grant)
        }
        Command::Hub { listen, trust, max_message_bytes, queue, max_clients, no_announce, tls } => {
            let dir = data_dir_of(&store);
            let limits = network::Limits { max_message_bytes, queue, max_clients };
            network::hub(&mut store, dir, listen, trust, limits, network::Serving { announce: !no_announce, tls }, out)
        }
        Command::Discover { seconds } => network::discover(seconds, out),
        Command::Arrivals { hub, token } => network::arrivals(store, given_event, hub, token, out),
        Command::Sync { hub, token, watch } => network::sync(store, given_event, hub, token, watch, out),
        Command::Join { invitation: Some(link), name, .. } => {
            network::join_invitation(store, &link, name.as_deref(), out)
        }
        Command::Join { hub: Some(hub), token: Some(token), name, .. } => {
            if let Some(name) = name {
                store.set_author(&name)?;
            }
            network::join(store, hub, token, out)
        }
        Command::Join { .. } => Err(CliError::Usage {
            fr: "indiquez --invitation LIEN, ou --hub et --token".into(),
            en: "give --invitation LINK, or --hub and --token".into(),
        }),
        Command::Status => network::status(store, given_event, out),
        Command::Invite(command) => {
            let event = event(&store);
            invite(&mut store, event, command, out)
        }
        Command::Export(ExportCmd::Report { out: dir, theme, pdf }) => {
            recolte_export::check_export_folder(&dir).map_err(CliError::Export)?;
            let files = recolte_export::export_report(&store, event(&store)?, &dir, theme, out.lang, pdf)
                .map_err(CliError::Export)?;
            warn_incomplete(&store, event(&store)?, out)?;
            out.written(&dir, &files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>())
        }
        Command::Export(ExportCmd::Opendata { out: dir, include_names, licence }) => {
            recolte_export::check_export_folder(&dir).map_err(CliError::Export)?;
            let licence = licence.unwrap_or_else(|| recolte_export::opendata::DEFAULT_LICENCE.to_owned());
            let written = recolte_export::export_opendata(&store, event(&store)?, &dir, include_names, &licence)
                .map_err(CliError::Export)?;
            warn_incomplete(&store, event(&store)?, out)?;
            out.written(&dir, &written.files)
        }
        Command::Export(ExportCmd::Decidim { out: path, theme, locale, captured }) => {
            let options = recolte_export::decidim::Options { theme, locale, captured };
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            recolte_export::export_decidim(&store, event(&store)?, &path, &options).map_err(CliError::Export)?;
            warn_incomplete(&store, event(&store)?, out)?;
            out.written(&path, &[path.display().to_string()])
        }
        Command::Export(ExportCmd::DecidimAnswers { decidim_export, out: path, theme, locale }) => {
            let options = recolte_export::decidim::Options { theme, locale, captured: false };
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            let answers =
                recolte_export::export_decidim_answers(&store, event(&store)?, &decidim_export, &path, &options)
                    .map_err(CliError::Export)?;
            out.answers(&path, &answers)
        }
        Command::Import(ImportCmd::Opendata { dir }) => {
            let id = recolte_export::restore(&mut store, &dir).map_err(CliError::Export)?;
            out.id(&id)
        }
        Command::Device(DeviceCmd::Name { name }) => {
            if let Some(name) = name {
                store.set_author(&name)?;
            }
            out.text(&store.author()?)
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

fn clock(
    store: &mut Store,
    session: &str,
    action: ClockAction,
    minutes: Option<u32>,
    seen: Option<usize>,
    out: &Out,
) -> Result<(), CliError> {
    let clock = store.clock_action(session.parse()?, action, minutes, seen)?;
    out.clock(&clock)
}

fn parse_scope(event: EventId, args: args::ScopeArgs) -> Result<recolte_core::access::Scope, CliError> {
    let role = args.role.parse().map_err(|en: String| CliError::Usage {
        fr: format!("rôle « {} » inconnu : utilisez organiser, facilitator, rapporteur ou panel", args.role),
        en,
    })?;
    let sessions = args.sessions.iter().map(|s| s.parse()).collect::<Result<Vec<_>, _>>()?;
    Ok(recolte_core::access::Scope { event, role, sessions, themes: args.themes })
}

fn invite(
    store: &mut Store,
    event: Result<EventId, recolte_store::Error>,
    command: InviteCmd,
    out: &Out,
) -> Result<(), CliError> {
    let event = event?;
    match command {
        InviteCmd::Create { scope, hubs, valid, for_name, fingerprint } => {
            let scope = parse_scope(event, scope)?;
            let request = recolte_store::InvitationRequest {
                role: scope.role,
                sessions: scope.sessions,
                themes: scope.themes,
                for_name,
                valid_for: store.invitation_validity(event, &valid)?,
                fingerprint: match fingerprint {
                    Some(given) => Some(given),
                    None => invitation_fingerprint(store, &hubs)?,
                },
                hubs,
            };
            let invitation = store.create_invitation(event, &request, out.lang)?;
            out.invitation(&invitation)
        }
        InviteCmd::All { hubs, fingerprint, valid, sheet } => {
            let fingerprint = match fingerprint {
                Some(given) => Some(given),
                None => invitation_fingerprint(store, &hubs)?,
            };
            // A sheet that cannot be written must not leave fifty invitations made behind it.
            recolte_export::check_sheet_name(&sheet).map_err(CliError::Export)?;
            recolte_export::check_writable(&sheet).map_err(CliError::Export)?;
            let valid_for = store.invitation_validity(event, &valid)?;
            let created = store.create_all_invitations(event, &hubs, valid_for, fingerprint.as_deref(), out.lang)?;
            let ids: Vec<String> = created.invitations.iter().map(|i| i.id.clone()).collect();
            let written = recolte_export::export_invitation_sheet(store, event, &ids, &sheet, out.lang)
                .map_err(CliError::Export)?;
            out.sheet(&sheet, &written, Some(created.created))
        }
        InviteCmd::List => out.invitations(&store.invitations(event, out.lang)?),
        InviteCmd::Revoke { id } => match store.revoke_invitation(event, &id)? {
            true => out.done(),
            false => out.unchanged("cette invitation était déjà révoquée", "this invitation was already revoked"),
        },
        InviteCmd::Sheet { out: path, ids } => {
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            let written = recolte_export::export_invitation_sheet(store, event, &ids, &path, out.lang)
                .map_err(CliError::Export)?;
            out.sheet(&path, &written, None)
        }
    }
}

/// One proposal per line of standard input (JSON), each saved and its id printed before the
/// next is read: a script, or a crash test, knows exactly what is saved.
fn add_batch(store: &mut Store, session: &str, out: &Out) -> Result<(), CliError> {
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
    let session = session.parse()?;
    let stdin = std::io::stdin();
    for (index, line) in stdin.lock().lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| CliError::BatchLine {
            line: number,
            detail: out.lang.pick(&recolte_core::lang::io_fr(&e), &recolte_core::lang::io_en(&e)).to_owned(),
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(&line).map_err(|e| CliError::BatchLine {
            line: number,
            detail: recolte_core::Both::json(&e).pick(out.lang).to_owned(),
        })?;
        let kind = parsed
            .kind
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: recolte_core::Error| CliError::BatchLine { line: number, detail: e.localize(out.lang) })?;
        let input = ProposalInput {
            title: parsed.title,
            body: parsed.body,
            kind: kind.unwrap_or_default(),
            subgroup: parsed.subgroup,
            tags: parsed.tags,
            author: parsed.author,
        };
        let id = store
            .add_proposal(session, &input)
            .map_err(|e| CliError::BatchLine { line: number, detail: e.localize(out.lang) })?;
        out.id(&id)?;
    }
    Ok(())
}

fn undo_place(place: &UndoArgs) -> Result<UndoPlace, CliError> {
    Ok(match (&place.session, place.theme) {
        (Some(session), _) => UndoPlace::Session(session.parse()?),
        (None, Some(theme)) => UndoPlace::Theme(theme),
        (None, None) => UndoPlace::Panel,
    })
}

fn undo(store: &mut Store, event: EventId, place: &UndoArgs, redo: bool, out: &Out) -> Result<(), CliError> {
    let doc = store.undo_document(event, undo_place(place)?)?;
    out.undone(&if redo { store.redo(&doc)? } else { store.undo(&doc)? })
}
