//! `--help` in the reader's language. clap writes the help from the English doc comments of
//! `args.rs`; for a French reader, each command's and each argument's text is replaced by its
//! French text ([`help_fr::FRENCH`]), and clap's own words (Usage, Commands, Print help, the
//! default and possible values) by French ones. A test keeps the two in step: a command or an
//! argument without its French text fails it.

use clap::{Arg, ArgAction, Command};
use recolte_core::Lang;

use crate::help_fr::FRENCH;

/// The command line's grammar, its help in `lang`.
pub fn localized(command: Command, lang: Lang) -> Command {
    match lang {
        Lang::En => command,
        Lang::Fr => {
            let command = command.disable_version_flag(true).arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help("Affiche la version")
                    .help_heading(OPTIONS),
            );
            let mut command = french(command, "");
            // The `help` subcommands exist once the grammar is built.
            command.build();
            french_help_commands(command)
        }
    }
}

/// clap follows a heading with « : » directly; French puts a space before it.
const OPTIONS: &str = "Options ";

/// The `help` subcommand clap adds beside every command's subcommands, in French.
fn french_help_commands(command: Command) -> Command {
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    names.into_iter().fold(command, |command, name| {
        if name == "help" {
            command.mut_subcommand("help", |help| {
                let ids: Vec<String> = help.get_arguments().map(|a| a.get_id().to_string()).collect();
                let help = help
                    .about("Affiche cette aide, ou celle de la commande donnée")
                    .help_template(TEMPLATE)
                    .subcommand_help_heading("Commandes ");
                ids.into_iter().fold(help, |help, id| {
                    help.mut_arg(id, |arg| arg.help("La commande dont afficher l'aide").help_heading("Arguments "))
                })
            })
        } else {
            command.mut_subcommand(name, french_help_commands)
        }
    })
}

/// clap's layout, with its one English word ("Usage:") in French.
const TEMPLATE: &str = "{before-help}{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// The key of a command in [`FRENCH`]: its path below `recolte` ("proposal add"); of an
/// argument: the command's path and `--` its id ("proposal add --title").
fn arg_key(path: &str, id: &str) -> String {
    format!("{path} --{id}").trim_start().to_owned()
}

/// clap's own flags (the root's `--version`, every command's `--help`), said in French here.
fn builtin(path: &str, id: &str) -> bool {
    id == "help" || (path.is_empty() && id == "version")
}

fn text(key: &str) -> Option<&'static str> {
    FRENCH.iter().find(|(k, _)| *k == key).map(|(_, text)| *text)
}

fn french(command: Command, path: &str) -> Command {
    let mut command = command
        .help_template(TEMPLATE)
        .subcommand_help_heading("Commandes ")
        .subcommand_value_name("COMMANDE")
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Affiche l'aide")
                .help_heading(OPTIONS),
        );
    if let Some(about) = text(path) {
        command = command.about(about).long_about(None);
    }
    let ids: Vec<String> =
        command.get_arguments().map(|a| a.get_id().to_string()).filter(|id| !builtin(path, id)).collect();
    for id in ids {
        let key = arg_key(path, &id);
        command = command.mut_arg(id, |arg| french_arg(arg, text(&key)));
    }
    let names: Vec<String> = command.get_subcommands().map(|s| s.get_name().to_owned()).collect();
    for name in names {
        let sub_path = format!("{path} {name}").trim_start().to_owned();
        command = command.mut_subcommand(name, |sub| french(sub, &sub_path));
    }
    command
}

/// An argument's help in French, with the default, the possible values and the environment
/// variable said in French (clap says them in English).
fn french_arg(arg: Arg, help: Option<&'static str>) -> Arg {
    let mut said = help.map(str::to_owned).unwrap_or_else(|| arg.get_help().map(|h| h.to_string()).unwrap_or_default());
    // A flag's "true" or "false" is not worth saying; clap asks that only values be hidden.
    let takes_values = arg.get_action().takes_values();
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    let possible: Vec<String> = arg.get_possible_values().iter().map(|v| v.get_name().to_owned()).collect();
    if takes_values && !defaults.is_empty() {
        said.push_str(&format!(" [par défaut : {}]", defaults.join(", ")));
    }
    if takes_values && !possible.is_empty() {
        said.push_str(&format!(" [valeurs : {}]", possible.join(", ")));
    }
    if let Some(variable) = arg.get_env() {
        said.push_str(&format!(" [variable : {}]", variable.to_string_lossy()));
    }
    let heading = if arg.is_positional() { "Arguments " } else { OPTIONS };
    let arg = arg.help(said).long_help(None).hide_env(true).help_heading(heading);
    if takes_values {
        arg.hide_default_value(true).hide_possible_values(true)
    } else {
        arg
    }
}

/// Every command and argument of the grammar, with its key and its English help.
#[cfg(test)]
fn english(command: &Command, path: &str, out: &mut Vec<(String, String)>) {
    out.push((path.to_owned(), command.get_about().map(|a| a.to_string()).unwrap_or_default()));
    for arg in command.get_arguments() {
        let id = arg.get_id().to_string();
        if !builtin(path, &id) {
            out.push((arg_key(path, &id), arg.get_help().map(|h| h.to_string()).unwrap_or_default()));
        }
    }
    for sub in command.get_subcommands() {
        english(sub, format!("{path} {}", sub.get_name()).trim_start(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_and_argument_has_its_french_help_and_no_other() {
        let mut all = Vec::new();
        english(&crate::args::Cli::command(), "", &mut all);
        if std::env::var_os("RECOLTE_DUMP_HELP").is_some() {
            for (key, help) in &all {
                println!("{key:?} => {help:?}");
            }
        }
        let missing: Vec<&str> = all.iter().map(|(k, _)| k.as_str()).filter(|k| text(k).is_none()).collect();
        assert!(missing.is_empty(), "no French help for: {missing:?}");
        let known: std::collections::HashSet<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
        let unused: Vec<&str> = FRENCH.iter().map(|(k, _)| *k).filter(|k| !known.contains(k)).collect();
        assert!(unused.is_empty(), "French help for what no longer exists: {unused:?}");
        // The English help is the doc comment in args.rs: none may be left without one.
        let silent: Vec<&str> =
            all.iter().filter(|(_, help)| help.trim().is_empty()).map(|(k, _)| k.as_str()).collect();
        assert!(silent.is_empty(), "no English help for: {silent:?}");
    }

    fn help_of(args: &[&str], lang: Lang) -> String {
        let command = localized(crate::args::Cli::command(), lang);
        let error = command.try_get_matches_from(std::iter::once("recolte").chain(args.iter().copied())).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp);
        error.render().to_string()
    }

    #[test]
    fn help_is_french_for_a_french_reader_and_english_otherwise() {
        let french = help_of(&["proposal", "add", "--help"], Lang::Fr);
        assert!(french.contains("Utilisation : recolte proposal add"), "{french}");
        assert!(french.contains("Affiche l'aide"), "{french}");
        assert!(!french.contains("Print help") && !french.contains("[default"), "{french}");
        let root = help_of(&["--help"], Lang::Fr);
        assert!(root.contains("Commandes :") && root.contains("Options :"), "{root}");
        let nested = help_of(&["proposal", "--help"], Lang::Fr);
        assert!(nested.contains("Affiche cette aide, ou celle de la commande donnée"), "{nested}");
        assert!(!nested.contains("Print") && !nested.contains("(s)"), "{nested}");
        assert!(root.contains("[valeurs : fr, en]") && root.contains("[variable : RECOLTE_DATA_DIR]"), "{root}");
        let english = help_of(&["proposal", "add", "--help"], Lang::En);
        assert!(english.contains("Usage: recolte proposal add") && english.contains("Print help"), "{english}");
        // The parsed result does not depend on the language of the help.
        let command = localized(crate::args::Cli::command(), Lang::Fr);
        let matches = command.try_get_matches_from(["recolte", "--lang", "fr", "session", "list"]).unwrap();
        assert!(<crate::args::Cli as clap::FromArgMatches>::from_arg_matches(&matches).is_ok());
    }
}
