//! The two languages of the interface. French comes first: it is the language of the users.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// `fr`, `en`, `fr_FR.UTF-8`, `en-GB`… Anything else is not a language we speak.
    pub fn parse(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("fr") {
            Some(Lang::Fr)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language of the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), French when the locale
    /// names neither French nor English (the `C` locale of servers and CI included).
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Lang::parse(&value))
            .unwrap_or_default()
    }

    /// Picks the French or the English text.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// A count in words, as this language counts: "0 modification", "1 modification",
    /// "2 modifications" in French (0 and 1 take the singular); "0 changes", "1 change" in
    /// English. `one` and `other` are the words in this language.
    pub fn count(self, n: usize, one: &str, other: &str) -> String {
        let singular = match self {
            Lang::Fr => n < 2,
            Lang::En => n == 1,
        };
        format!("{} {}", self.number(n), if singular { one } else { other })
    }

    /// A whole number as each language writes it: « 22 460 » (a narrow no-break space between
    /// thousands), "22,460".
    pub fn number(self, n: usize) -> String {
        let digits = n.to_string();
        let separator = match self {
            Lang::Fr => '\u{202F}',
            Lang::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }
}

/// Something that can be told to a user in either language. Errors derive it
/// (`#[derive(Localize)]`) from a French message written beside each English one.
pub trait Localize {
    fn localize(&self, lang: Lang) -> String;
}

pub use recolte_messages::Localize;

/// A detail told in both languages, made where it is known (a parser's position, a missing
/// column), for an error that carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Both {
    pub fr: String,
    pub en: String,
}

impl Both {
    pub fn new(fr: impl Into<String>, en: impl Into<String>) -> Both {
        Both { fr: fr.into(), en: en.into() }
    }

    /// Where a JSON text stops making sense: serde_json tells it in English only.
    pub fn json(error: &serde_json::Error) -> Both {
        let (line, column) = (error.line(), error.column());
        match error.classify() {
            serde_json::error::Category::Eof => Both::new(
                format!("le texte s'arrête au milieu du JSON (ligne {line}, colonne {column})"),
                format!("the text stops in the middle of the JSON (line {line}, column {column})"),
            ),
            serde_json::error::Category::Syntax => Both::new(
                format!("ce n'est pas du JSON valide (ligne {line}, colonne {column})"),
                format!("this is not valid JSON (line {line}, column {column})"),
            ),
            // Valid JSON of another shape: which field, as in the file.
            serde_json::error::Category::Data | serde_json::error::Category::Io => {
                let said = error.to_string();
                let quoted = said.split('`').nth(1).unwrap_or_default();
                let what = if said.starts_with("unknown field") {
                    format!("champ « {quoted} » inconnu")
                } else if said.starts_with("missing field") {
                    format!("champ « {quoted} » manquant")
                } else if said.starts_with("unknown variant") {
                    format!("valeur « {quoted} » inconnue")
                } else if said.starts_with("invalid type") {
                    // "invalid type: string \"x\", expected a sequence at line 1 column 5"
                    let expected = said.split(", expected ").nth(1).unwrap_or_default();
                    let expected = expected.split(" at line ").next().unwrap_or_default();
                    match french_json_type(expected) {
                        Some(kind) => format!("une valeur n'a pas le type attendu (attendu : {kind})"),
                        None => "une valeur n'a pas le type attendu".to_owned(),
                    }
                } else {
                    "une valeur n'est pas celle attendue".to_owned()
                };
                Both::new(
                    format!("le JSON n'a pas la forme attendue : {what} (ligne {line}, colonne {column})"),
                    format!("the JSON does not have the expected shape: {error}"),
                )
            }
        }
    }

    pub fn pick(&self, lang: Lang) -> &str {
        lang.pick(&self.fr, &self.en)
    }

    /// An error's message, in both languages.
    pub fn of(error: &impl Localize) -> Both {
        Both::new(error.localize(Lang::Fr), error.localize(Lang::En))
    }
}

/// What serde_json expected, in French words (its own are English and Rust's).
fn french_json_type(expected: &str) -> Option<&'static str> {
    Some(match expected {
        "a sequence" => "une liste [ … ]",
        "a string" => "un texte entre guillemets",
        "a map" => "un objet { … }",
        "a boolean" => "true ou false",
        e if e.starts_with('u') || e.starts_with('i') || e.contains("integer") => "un nombre entier",
        e if e.starts_with('f') => "un nombre",
        e if e.starts_with("struct ") => "un objet { … }",
        _ => return None,
    })
}

/// What a system error means, in French and in English, for the errors people meet (a full
/// disk, a folder given for a file, nothing listening at an address); `None` for the others.
fn io_words(kind: std::io::ErrorKind) -> Option<(&'static str, &'static str)> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => ("fichier ou dossier introuvable", "no such file or folder"),
        K::PermissionDenied => ("accès refusé", "access denied"),
        K::ReadOnlyFilesystem => ("le disque est en lecture seule", "the disk is read-only"),
        K::StorageFull => ("le disque est plein", "the disk is full"),
        K::QuotaExceeded => ("le quota de ce disque est atteint", "the disk quota is reached"),
        K::AlreadyExists => ("existe déjà", "already exists"),
        K::IsADirectory => ("c'est un dossier, pas un fichier", "it is a folder, not a file"),
        K::NotADirectory => ("ce n'est pas un dossier", "it is not a folder"),
        K::DirectoryNotEmpty => ("le dossier n'est pas vide", "the folder is not empty"),
        K::FileTooLarge => ("fichier trop gros", "file too large"),
        K::ConnectionRefused => {
            ("connexion refusée : rien n'écoute à cette adresse", "connection refused: nothing listens at this address")
        }
        K::ConnectionReset | K::ConnectionAborted => {
            ("connexion coupée par l'autre côté", "connection cut by the other side")
        }
        K::NotConnected | K::BrokenPipe => ("connexion fermée", "connection closed"),
        K::AddrInUse => ("adresse déjà utilisée", "address already in use"),
        K::AddrNotAvailable => {
            ("cette adresse n'est pas une adresse de cet appareil", "this address is not one of this device's")
        }
        K::NetworkUnreachable => ("réseau injoignable", "network unreachable"),
        K::HostUnreachable => ("machine injoignable", "host unreachable"),
        K::NetworkDown => ("le réseau est coupé", "the network is down"),
        K::TimedOut => ("délai dépassé", "timed out"),
        K::UnexpectedEof => ("le fichier s'arrête trop tôt", "the file ends too early"),
        K::InvalidData => ("contenu illisible", "unreadable content"),
        K::OutOfMemory => ("mémoire insuffisante", "out of memory"),
        _ => return None,
    })
}

fn io_said(error: &std::io::Error, lang: Lang) -> String {
    let Some((fr, en)) = io_words(error.kind()) else {
        return match lang {
            Lang::Fr => format!("erreur du système ({error})"),
            Lang::En => format!("system error ({error})"),
        };
    };
    let said = lang.pick(fr, en);
    // A library's own error (not the system's) keeps its words: they say what it refused.
    match error.get_ref() {
        Some(inner) => format!("{said} ({inner})"),
        None => said.to_owned(),
    }
}

/// A system error in French words.
pub fn io_fr(error: &std::io::Error) -> String {
    io_said(error, Lang::Fr)
}

/// A system error in English words, as `io_fr` says it in French (not "os error 111").
pub fn io_en(error: &std::io::Error) -> String {
    io_said(error, Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_singular_as_each_language_does() {
        assert_eq!(Lang::Fr.count(0, "session", "sessions"), "0 session");
        assert_eq!(Lang::Fr.count(1, "session", "sessions"), "1 session");
        assert_eq!(Lang::Fr.count(36, "session", "sessions"), "36 sessions");
        assert_eq!(Lang::En.count(0, "session", "sessions"), "0 sessions");
        assert_eq!(Lang::En.count(1, "session", "sessions"), "1 session");
        assert_eq!(Lang::Fr.count(22_460, "octet", "octets"), "22\u{202F}460 octets");
        assert_eq!(Lang::En.count(1_234_567, "byte", "bytes"), "1,234,567 bytes");
        assert_eq!(Lang::Fr.number(999), "999");
        assert_eq!(Lang::Fr.number(1000), "1\u{202F}000");
    }

    #[test]
    fn locale_tags_map_to_languages() {
        assert_eq!(Lang::parse("fr_FR.UTF-8"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), None);
        assert_eq!(Lang::parse("de_DE"), None);
    }

    #[test]
    fn json_errors_say_where_in_both_languages() {
        let error = serde_json::from_str::<serde_json::Value>("{\n  \"a\": x }").unwrap_err();
        let said = Both::json(&error);
        assert_eq!(said.fr, "ce n'est pas du JSON valide (ligne 2, colonne 8)");
        assert_eq!(said.en, "this is not valid JSON (line 2, column 8)");
        let cut = serde_json::from_str::<serde_json::Value>("{\"a\": [1,").unwrap_err();
        assert!(Both::json(&cut).fr.starts_with("le texte s'arrête au milieu du JSON"));
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Line {
            title: String,
        }
        let typo = serde_json::from_str::<Line>("{\"title\": \"a\", \"tittle\": \"b\"}").unwrap_err();
        assert_eq!(
            Both::json(&typo).fr,
            "le JSON n'a pas la forme attendue : champ « tittle » inconnu (ligne 1, colonne 23)"
        );
        let missing = serde_json::from_str::<Line>("{}").unwrap_err();
        assert!(Both::json(&missing).fr.contains("champ « title » manquant"), "{:?}", Both::json(&missing));
        let list = serde_json::from_str::<Vec<Line>>("{\"title\": \"a\"}").unwrap_err();
        assert!(Both::json(&list).fr.contains("(attendu : une liste [ … ])"), "{:?}", Both::json(&list));
    }

    #[test]
    fn system_errors_are_told_in_french() {
        let missing = std::fs::read("/nonexistent/recolte").unwrap_err();
        assert_eq!(io_fr(&missing), "fichier ou dossier introuvable");
        assert_eq!(io_en(&missing), "no such file or folder");
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(io_fr(&full), "le disque est plein");
        let other = std::io::Error::other("odd");
        assert_eq!(io_fr(&other), "erreur du système (odd)");
        let refused = std::io::Error::new(std::io::ErrorKind::InvalidData, "invalid peer certificate: BadSignature");
        assert_eq!(io_fr(&refused), "contenu illisible (invalid peer certificate: BadSignature)");
    }
}
