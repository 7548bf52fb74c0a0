//! Usage errors (an unknown option, a missing argument, a value that is not one) in the
//! reader's language: clap writes them in English only. The help is localised in `help.rs`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use recolte_core::Lang;

/// The language asked for on the command line (`--lang fr`, `--lang=en`), read before the
/// arguments are parsed, since parsing is what failed; else the locale's.
pub fn lang_of(args: &[String]) -> Lang {
    let mut asked = None;
    for (i, arg) in args.iter().enumerate() {
        if let Some(value) = arg.strip_prefix("--lang=") {
            asked = Lang::parse(value);
        } else if arg == "--lang" {
            asked = args.get(i + 1).and_then(|v| Lang::parse(v));
        }
    }
    asked.unwrap_or_else(Lang::from_env)
}

fn text(error: &clap::Error, kind: ContextKind) -> Option<String> {
    match error.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) => Some(list.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(list) => Some(list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The range a number must be in, as clap's ranged parsers say it in English ("10 is not in
/// 1024..", "0 is not in 1..=60").
fn range_fr(error: &clap::Error) -> String {
    let said = std::error::Error::source(error).map(|source| source.to_string()).unwrap_or_default();
    let Some((_, bounds)) = said.split_once(" is not in ") else { return String::new() };
    let Some((low, high)) = bounds.split_once("..") else { return String::new() };
    // An open range is written up to the type's largest value (1024..18446744073709551615).
    let highest = match high.strip_prefix('=') {
        Some(inclusive) => inclusive.parse::<u128>().ok(),
        None => high.parse::<u128>().ok().map(|exclusive| exclusive.saturating_sub(1)),
    };
    match highest {
        Some(highest) if highest < u128::from(u32::MAX) - 1 => format!(" (de {low} à {highest})"),
        _ => format!(" (au moins {low})"),
    }
}

/// The message in French, or `None` for what clap prints as it is (help, version). `args`
/// are the command line as typed, to quote a text that begins with "-" whole.
pub fn french(error: &clap::Error, args: &[String]) -> Option<String> {
    let arg = || text(error, ContextKind::InvalidArg).unwrap_or_default();
    let value = || text(error, ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return None,
        ErrorKind::UnknownArgument if arg().starts_with('-') && !arg().starts_with("--") => {
            // clap names the first letters (-C of -Camille): quote what was typed.
            let typed =
                args.iter().find(|a| a.starts_with(&arg()) && !a.starts_with("--")).cloned().unwrap_or_else(arg);
            format!("argument inattendu « {typed} » ; un texte qui commence par « - » s'écrit après « -- » (par exemple -- {typed})")
        }
        ErrorKind::UnknownArgument => format!("argument inattendu « {} »", arg()),
        ErrorKind::InvalidSubcommand => {
            format!("commande « {} » inconnue", text(error, ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::MissingSubcommand => "il manque la commande".to_owned(),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "il manque la commande (la liste suit)".to_owned(),
        ErrorKind::MissingRequiredArgument => format!("il manque : {}", arg()),
        ErrorKind::InvalidValue if value().is_empty() => format!("il manque la valeur de {}", arg()),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("« {} » n'est pas une valeur possible de {}{}", value(), arg(), range_fr(error))
        }
        ErrorKind::ArgumentConflict => match text(error, ContextKind::PriorArg) {
            Some(prior) if prior == arg() => format!("{} ne se donne qu'une fois", arg()),
            Some(prior) => format!("{} ne va pas avec {prior}", arg()),
            None => format!("{} n'est pas possible ici", arg()),
        },
        ErrorKind::TooManyValues => format!("trop de valeurs pour {} (« {} » de trop)", arg(), value()),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            // At least N (MinValues, for a list) or exactly N.
            let number = |kind| text(error, kind).and_then(|n| n.parse::<usize>().ok());
            match (number(ContextKind::MinValues), number(ContextKind::ExpectedNumValues)) {
                (Some(least), _) => format!("{} attend au moins {}", arg(), Lang::Fr.count(least, "valeur", "valeurs")),
                (None, expected) => {
                    format!("{} attend {}", arg(), Lang::Fr.count(expected.unwrap_or(1), "valeur", "valeurs"))
                }
            }
        }
        ErrorKind::NoEquals => format!("{} s'écrit avec = (par exemple {}=VALEUR)", arg(), arg()),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8".to_owned(),
        _ => "arguments incorrects".to_owned(),
    };
    if let Some(valid) = text(error, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
        message.push_str(&format!(" ; valeurs possibles : {valid}"));
    }
    let suggested = text(error, ContextKind::SuggestedArg)
        .or_else(|| text(error, ContextKind::SuggestedSubcommand))
        .or_else(|| text(error, ContextKind::SuggestedValue));
    if let Some(suggested) = suggested {
        message.push_str(&format!(" ; vouliez-vous dire « {suggested} » ?"));
    }
    if let Some(usage) = text(error, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        message.push_str(&format!("\n\nUtilisation : {usage}"));
    }
    message.push_str("\n\nPour l'aide : recolte --help, ou recolte COMMANDE --help.");
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn french_of(error: &clap::Error) -> Option<String> {
        french(error, &[])
    }

    fn error(args: &[&str]) -> clap::Error {
        crate::args::Cli::try_parse_from(std::iter::once("recolte").chain(args.iter().copied())).unwrap_err()
    }

    #[test]
    fn usage_errors_are_told_in_french() {
        let missing = french_of(&error(&["proposal", "add", "--session", "s"])).unwrap();
        assert!(missing.starts_with("il manque : --title"), "{missing}");
        assert!(missing.contains("Utilisation : recolte proposal add"), "{missing}");
        let unknown = french_of(&error(&["proposal", "add", "--sesion", "x", "--title", "y"])).unwrap();
        assert!(unknown.starts_with("argument inattendu « --sesion »"), "{unknown}");
        assert!(unknown.contains("vouliez-vous dire « --session » ?"), "{unknown}");
        let lang = french_of(&error(&["--lang", "de", "session", "list"])).unwrap();
        assert!(lang.starts_with("« de » n'est pas une valeur possible de --lang"), "{lang}");
        assert!(lang.contains("valeurs possibles : fr, en"), "{lang}");
        let number = french_of(&error(&["synthesis", "list", "--theme", "abc"])).unwrap();
        assert!(number.starts_with("« abc » n'est pas une valeur possible de --theme"), "{number}");
        let one = french_of(&error(&["synthesis", "dismiss", "--theme", "8", "P1"])).unwrap();
        assert!(one.contains("attend au moins 2 valeurs"), "{one}");
        let small = french_of(&error(&["hub", "--max-message-bytes", "10"])).unwrap();
        assert!(
            small.contains("« 10 » n'est pas une valeur possible de --max-message-bytes")
                && small.contains("(au moins 1024)"),
            "{small}"
        );
        let long = french_of(&error(&["session", "extend", "S", "--minutes", "600"])).unwrap();
        assert!(
            long.contains("« 600 » n'est pas une valeur possible de --minutes") && long.contains("(de 1 à 60)"),
            "{long}"
        );
        assert_eq!(french_of(&error(&["--help"])), None, "help is clap's own");
        let twice = french_of(&error(&["proposal", "list", "--theme", "1", "--theme", "2"])).unwrap();
        assert!(twice.starts_with("--theme <THEME> ne se donne qu'une fois"), "{twice}");
        // A search's words are not a name: one that begins with "-" goes after "--".
        let typed: Vec<String> = ["recolte", "search", "-papier"].iter().map(|s| s.to_string()).collect();
        let dash = french(&error(&["search", "-papier"]), &typed).unwrap();
        assert!(dash.starts_with("argument inattendu « -papier »") && dash.contains("-- -papier"), "{dash}");
    }

    #[test]
    fn the_language_is_read_before_the_arguments() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(lang_of(&args(&["recolte", "--lang", "en", "x"])), Lang::En);
        assert_eq!(lang_of(&args(&["recolte", "x", "--lang=fr"])), Lang::Fr);
    }
}
