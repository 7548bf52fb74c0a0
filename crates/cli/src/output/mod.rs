//! Printing results: JSON for scripts, short readable text for people. One file per kind of
//! result: the event and its proposals, history, the store and its files, the network and
//! invitations; here, the printing itself and the plain answers (an id, done, unchanged, a
//! value, the files written, Decidim's answers).

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

use recolte_core::Lang;
use serde::Serialize;

use crate::CliError;

mod event;
mod history;
mod network;
pub(crate) use network::status_line;
mod store;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
    /// The event's time zone, in which times are shown (the system's when the store holds no
    /// one event): people read them on the venue's clock and type them back into `--at`.
    pub timezone: Option<String>,
}

/// Text typed on other devices reaches this terminal (a stock Yjs client writes anything): a
/// control character (an escape sequence that recolours, moves the cursor or retitles the
/// window) is shown as �, not obeyed.
pub fn shown(text: impl Display) -> String {
    // (and the bidirectional embeddings, overrides and isolates another device's text may hold:
    // one turns the rest of the terminal's line around)
    let hidden = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    text.to_string()
        .chars()
        .map(|c| if (c.is_control() && c != '\n' && c != '\t') || hidden(c) { '\u{fffd}' } else { c })
        .collect()
}

pub(crate) fn print(text: impl Display) -> Result<(), CliError> {
    let text = shown(text);
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`recolte … | head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        // A full disk behind `> file`, a terminal gone: said, with a failing exit status.
        Err(source) => Err(CliError::File { path: "stdout".into(), reading: false, source }),
    }
}

impl Out {
    /// A moment (RFC 3339, as the store keeps it) on the event's clock: `2025-10-01 15:30`.
    /// JSON keeps the stored form.
    fn time(&self, at: &str) -> String {
        recolte_store::local_moment(at, self.timezone.as_deref())
    }

    fn pick<'a>(&self, fr: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(fr, en)
    }

    /// A count in words in the output's language, singular or plural as it counts:
    /// `(1, ("fichier", "fichiers"), ("file", "files"))` → « 1 fichier ».
    fn count(&self, n: usize, fr: (&str, &str), en: (&str, &str)) -> String {
        let (one, other) = match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        };
        self.lang.count(n, one, other)
    }

    fn json(&self, value: &impl Serialize) -> Result<(), CliError> {
        print(serde_json::to_string_pretty(value).unwrap_or_default())
    }

    /// The id of what was just created: alone on its line, so that scripts can capture it.
    pub fn id(&self, id: &impl Display) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "id": id.to_string() }));
        }
        print(id)
    }

    /// A merge: the new consolidated proposal's id (alone on its line), and the word pairs it
    /// taught the theme's lexicon (on standard error; in the JSON beside the id).
    pub fn merged(&self, id: &impl Display, learned: &[(String, String)]) -> Result<(), CliError> {
        if self.json {
            let learned: Vec<_> = learned.iter().map(|(a, b)| serde_json::json!({ "a": a, "b": b })).collect();
            return self.json(&serde_json::json!({ "id": id.to_string(), "learned": learned }));
        }
        if !learned.is_empty() {
            let pairs: Vec<String> = learned.iter().map(|(a, b)| format!("{a} ≈ {b}")).collect();
            eprintln!("{} {}", self.pick("lexique du thème, appris :", "theme's lexicon, learned:"), pairs.join(", "));
        }
        print(id)
    }

    pub fn done(&self) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "ok": true }));
        }
        print(self.pick("fait", "done"))
    }

    /// Success with nothing to do: said, so that a script or a person knows nothing changed.
    /// "fait" when the command changed something, else that there was nothing to change.
    pub fn done_if(&self, changed: bool) -> Result<(), CliError> {
        if changed {
            return self.done();
        }
        self.unchanged("rien à changer : c'était déjà ainsi", "nothing to change: it was already so")
    }

    pub fn unchanged(&self, fr: &str, en: &str) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "ok": true, "changed": false }));
        }
        print(self.pick(fr, en))
    }

    pub fn text(&self, text: &str) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "value": text }));
        }
        print(text)
    }

    pub fn written(&self, place: &Path, files: &[String]) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": place, "files": files }));
        }
        let files = self.count(files.len(), ("fichier", "fichiers"), ("file", "files"));
        print(format!("{} {} ({files})", self.pick("écrit :", "written:"), place.display()))
    }

    /// The answers written, and on standard error what was left unanswered and why.
    pub fn answers(&self, path: &Path, answers: &recolte_export::decidim::Answers) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": path, "answers": answers }));
        }
        let list = |titles: &[String]| {
            titles
                .iter()
                .map(|t| self.pick(&format!("« {t} »"), &format!("“{t}”")).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !answers.unmatched.is_empty() {
            eprintln!(
                "{} {}",
                self.pick(
                    "introuvables dans l'export de Decidim (titre modifié ?) :",
                    "not found in Decidim's export (title changed?):"
                ),
                list(&answers.unmatched)
            );
        }
        if !answers.ambiguous.is_empty() {
            eprintln!(
                "{} {}",
                self.pick(
                    "ambiguës (plusieurs propositions de Decidim identiques) :",
                    "ambiguous (several identical proposals in Decidim):"
                ),
                list(&answers.ambiguous)
            );
        }
        if !answers.drafts.is_empty() {
            eprintln!("{} {}", self.pick("brouillons, sans réponse :", "drafts, not answered:"), list(&answers.drafts));
        }
        let answered = self.count(answers.answered, ("réponse", "réponses"), ("answer", "answers"));
        print(format!("{} {} ({answered})", self.pick("écrit :", "written:"), path.display()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_from_other_devices_are_shown_not_obeyed() {
        assert_eq!(super::shown("A\u{1b}]0;pwned\u{7}\u{9b}31mB\nC\tD"), "A\u{fffd}]0;pwned\u{fffd}\u{fffd}31mB\nC\tD");
        // A right-to-left override would turn the rest of the line around.
        assert_eq!(super::shown("Élus \u{202E}sulé\u{2066}x"), "Élus \u{fffd}sulé\u{fffd}x");
        assert_eq!(super::shown("مرحبا \u{200F}"), "مرحبا \u{200F}");
    }
}
