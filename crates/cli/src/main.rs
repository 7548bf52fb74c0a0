//! `recolte`: the command line of Récolte. Thin: it parses arguments, calls the store, and
//! prints the result as text (French or English) or JSON. Exit code 0 on success, 1 on an
//! error (told on stderr), 2 on a usage error.

mod args;
mod commands;
mod help;
mod help_fr;
mod network;
mod output;
mod usage;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser};
use recolte_core::ids::EventId;
use recolte_core::{Lang, Localize};
use recolte_store::Store;

use args::{BundleCmd, Cli, Command, EventCmd, StoreCmd};
use commands::{access, capture, files, history, synthesis, Context};
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
            if matches!(
                error,
                CliError::Export(recolte_export::ExportError::Store(
                    recolte_store::Error::RestoreBesideAnotherEvent { .. }
                ))
            ) {
                eprintln!(
                    "{}",
                    lang.pick(
                        "(pour l'ajouter : recolte import opendata --add-event DOSSIER)",
                        "(to add it: recolte import opendata --add-event FOLDER)"
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
    #[error("input line {line}: {detail} ({}; the lines after it were not read)", match saved { 0 => "nothing was saved".to_owned(), 1 => "the proposal before it is saved".to_owned(), n => format!("the {n} proposals before it are saved") })]
    #[fr("ligne {line} de l'entrée : {detail} ({} ; les lignes suivantes n'ont pas été lues)", match saved { 0 => "rien n'a été enregistré".to_owned(), 1 => "la proposition précédente est enregistrée".to_owned(), n => format!("les {n} propositions précédentes sont enregistrées") })]
    BatchLine { line: usize, detail: String, saved: usize },
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

fn data_dir_of(store: &Store) -> PathBuf {
    store.path().parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
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
        let named = store.resolve_event(given_event)?;
        store.keep_to_event(named);
    }
    // The event named, the only one here, or else the one this device syncs (two events held:
    // `status` reports on that one, and its times were on UTC).
    let shown = store
        .resolve_event(given_event)
        .ok()
        .or_else(|| given_event.map_or_else(|| recolte_sync::join::synced_event(&store), |_| None));
    let timezone = shown.and_then(|e| store.event(e).ok()).map(|view| view.timezone);
    // Every time a message says, on the event's clock (an expiry in a hub's refusal too).
    if let Some(timezone) = &timezone {
        recolte_core::moment::show_times_in(timezone);
    }
    let out = &Out { timezone, ..*out };
    // (A log that cannot be read does not stop the commands that diagnose it.)
    let ctx = &Context { given_event, before: store.last_log_seq().ok() };
    match cli.command {
        Command::Event(command) => capture::event(&mut store, ctx, command, out),
        Command::Session(command) => capture::session(&mut store, ctx, command, out),
        Command::Subgroup(command) => capture::subgroup(&mut store, ctx, command, out),
        Command::Proposal(command) => capture::proposal(&mut store, ctx, command, out),
        Command::Search { query, limit } => capture::search(&mut store, ctx, &query, limit, out),
        Command::Synthesis(command) => synthesis::synthesis(&mut store, ctx, command, out),
        Command::Panel(command) => synthesis::panel(&mut store, ctx, command, out),
        Command::Undo(place) => history::undo(&mut store, ctx, &place, false, out),
        Command::Redo(place) => history::undo(&mut store, ctx, &place, true, out),
        Command::Snapshot(command) => history::snapshot(&mut store, ctx, command, out),
        Command::History(command) => history::history(&mut store, ctx, command, out),
        Command::Bundle(command) => files::bundle(&mut store, ctx, command, out),
        Command::Store(command) => files::store_command(&mut store, command, out),
        Command::Export(command) => files::export(&mut store, ctx, command, out),
        Command::Import(command) => files::import(&mut store, command, out),
        Command::Token(command) => access::token(&mut store, ctx, command, out),
        Command::Invite(command) => access::invite(&mut store, ctx, command, out),
        Command::Device(command) => access::device(&mut store, command, out),
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
    }
}
