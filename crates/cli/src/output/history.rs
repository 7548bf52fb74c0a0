//! History: every wording a text had, a session or a synthesis at a moment, named snapshots
//! and undo.

use super::{print, Out};
use crate::CliError;

use recolte_core::Lang;

/// A version's state in words: a proposal's kind, a consolidated proposal's status, a comment.
fn state_words(state: &str, lang: Lang) -> String {
    if let Ok(kind) = state.parse::<recolte_core::model::Kind>() {
        return kind.label(lang).to_owned();
    }
    if let Ok(status) = state.parse::<recolte_core::model::Status>() {
        return status.label(lang).to_owned();
    }
    match state {
        "comment" => lang.pick("commentaire", "comment").to_owned(),
        other => other.to_owned(),
    }
}

/// Where a version came from, in words (as the app says it).
fn origin_words(origin: &str, lang: Lang) -> &str {
    match origin {
        "local" => lang.pick("sur cet appareil", "on this device"),
        "hub" => lang.pick("reçue du serveur", "from the hub"),
        "room" => lang.pick("reçue d'un appareil de la salle", "from a device in the room"),
        "bundle" => lang.pick("reçue par un paquet", "from a bundle"),
        "snapshot" => lang.pick("état compacté", "compacted state"),
        other => other,
    }
}

/// A session's proposals as they stood, one line each: id, title, kind, sub-group.
fn session_lines(session: &recolte_store::SessionContent, lang: Lang) -> Vec<String> {
    let groups: std::collections::HashMap<_, _> = session.subgroups.iter().map(|g| (g.id, g.name.as_str())).collect();
    session
        .proposals
        .iter()
        .filter(|p| !p.deleted)
        .map(|p| {
            let group = p.subgroup.and_then(|g| groups.get(&g).copied()).unwrap_or("");
            format!("{}  {} — {} {group}", p.id, p.title, p.kind.label(lang))
        })
        .collect()
}

/// A theme's consolidated proposals as they stood, one line each.
fn synthesis_lines(consolidated: &[recolte_core::schema::ConsolidatedRecord], lang: Lang) -> Vec<String> {
    consolidated
        .iter()
        .filter(|c| !c.deleted)
        .map(|c| {
            let sources = lang.count(c.sources.len(), "source", "sources");
            format!("{}  {} — {} ({sources})", c.id, c.title, c.status.label(lang))
        })
        .collect()
}

impl Out {
    pub fn history(&self, versions: &[recolte_store::Version]) -> Result<(), CliError> {
        if self.json {
            return self.json(&versions);
        }
        let lines: Vec<String> = versions
            .iter()
            .map(|v| {
                // A proposal, a consolidated proposal (feminine), or a comment (masculine).
                let deleted = match (v.deleted, v.title.is_empty()) {
                    (false, _) => "",
                    (true, false) => self.pick(" (supprimée)", " (deleted)"),
                    (true, true) => self.pick(" (supprimé)", " (deleted)"),
                };
                let by = v.by.as_deref().map(|by| format!(" ({by})")).unwrap_or_default();
                let text = if v.title.is_empty() { &v.body } else { &v.title };
                let group = v.subgroup.as_deref().map(|g| format!(" · {g}")).unwrap_or_default();
                let (origin, state) = (origin_words(&v.origin, self.lang), state_words(&v.state, self.lang));
                let line =
                    format!("v{}  {}  {origin:<19} {text} — {state}{group}{deleted}{by}", v.version, self.time(&v.at));
                // The text under its title: a version where only the text changed must not
                // look like the one before it when choosing which to restore.
                if v.title.is_empty() || v.body.is_empty() {
                    line
                } else {
                    format!("{line}\n      {}", v.body.replace('\n', "\n      "))
                }
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn session_at(&self, moment: &recolte_store::Moment<recolte_store::SessionContent>) -> Result<(), CliError> {
        if self.json {
            return self.json(moment);
        }
        let mut lines = vec![format!("{} {}", self.pick("état au", "as of"), self.time(&moment.at))];
        lines.extend(session_lines(&moment.content, self.lang));
        print(lines.join("\n"))
    }

    pub fn synthesis_at(
        &self,
        moment: &recolte_store::Moment<Vec<recolte_core::schema::ConsolidatedRecord>>,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(moment);
        }
        let mut lines = vec![format!("{} {}", self.pick("état au", "as of"), self.time(&moment.at))];
        lines.extend(synthesis_lines(&moment.content, self.lang));
        print(lines.join("\n"))
    }

    pub fn snapshots(&self, snapshots: &[recolte_store::NamedSnapshot]) -> Result<(), CliError> {
        if self.json {
            return self.json(&snapshots);
        }
        let lines: Vec<String> = snapshots
            .iter()
            .map(|s| {
                let label = self.pick(&s.label, &s.label_en);
                let by = if s.taken_by.is_empty() { String::new() } else { format!(" ({})", s.taken_by) };
                let shared = if s.shared { self.pick(" [partagé]", " [shared]") } else { "" };
                format!("{:<36}  {}  {label}{by}{shared}", s.id, self.time(&s.taken_at))
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn snapshot_content(
        &self,
        snapshot: &recolte_store::NamedSnapshot,
        content: &recolte_store::SnapshotContent,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "snapshot": snapshot, "content": content }));
        }
        let mut lines =
            vec![format!("{} — {}", self.pick(&snapshot.label, &snapshot.label_en), self.time(&snapshot.taken_at))];
        match content {
            recolte_store::SnapshotContent::Session(session) => lines.extend(session_lines(session, self.lang)),
            recolte_store::SnapshotContent::Synthesis { consolidated } => {
                lines.extend(synthesis_lines(consolidated, self.lang))
            }
            recolte_store::SnapshotContent::Panel { marks, comments, votes } => {
                lines.push(format!(
                    "{} {}, {} {}, {} {}",
                    marks.len(),
                    self.pick("marques", "marks"),
                    comments.iter().filter(|c| !c.deleted).count(),
                    self.pick("commentaires", "comments"),
                    votes.len(),
                    self.pick("votes", "votes")
                ));
            }
        }
        print(lines.join("\n"))
    }

    pub fn snapshot_restored(&self, restored: &recolte_store::SnapshotRestore) -> Result<(), CliError> {
        if self.json {
            return self.json(restored);
        }
        let kept = self.kept(&restored.kept);
        print(match &restored.before {
            None if !kept.is_empty() => format!("{}{kept}", self.pick("rien n'a été restauré", "nothing was restored")),
            None => self
                .pick(
                    "rien à restaurer : le document est déjà dans cet état",
                    "nothing to restore: the document already stands so",
                )
                .to_owned(),
            Some(before) => format!(
                "{} ({}){}{kept}{} {} {}",
                self.pick("restauré", "restored"),
                self.count(
                    restored.written,
                    ("champ réécrit", "champs réécrits"),
                    ("field written back", "fields written back")
                ),
                self.taken_away(&restored.taken_away),
                self.pick(" ;", ";"),
                self.pick("l'état remplacé est gardé dans l'instantané", "what it replaced is kept in snapshot"),
                before.id
            ),
        })
    }

    /// What a restore took away from everyone, named: a colleague's proposal added since the
    /// snapshot is gone from every device, which « 1 champ réécrit » did not say.
    fn taken_away(&self, gone: &[recolte_core::schema::TakenAway]) -> String {
        if gone.is_empty() {
            return String::new();
        }
        let named: Vec<String> = gone
            .iter()
            .map(|record| {
                let what = match (record.kind, self.lang) {
                    ("proposal", Lang::Fr) => "la proposition",
                    ("consolidated", Lang::Fr) => "la proposition consolidée",
                    ("comment", Lang::Fr) => "le commentaire",
                    ("subgroup", Lang::Fr) => "le sous-groupe",
                    ("set_aside", Lang::Fr) => "la mise de côté de",
                    ("not_duplicates", Lang::Fr) => "« pas des doublons » pour",
                    ("lexicon", Lang::Fr) => "la paire du lexique",
                    ("vote", Lang::Fr) => "les points sur",
                    ("mark", Lang::Fr) => "la marque « à porter » sur",
                    ("proposal", _) => "the proposal",
                    ("consolidated", _) => "the consolidated proposal",
                    ("comment", _) => "the comment",
                    ("set_aside", _) => "the setting aside of",
                    ("not_duplicates", _) => "“not duplicates” for",
                    ("lexicon", _) => "the lexicon pair",
                    ("vote", _) => "the dots on",
                    ("mark", _) => "the “carry forward” mark on",
                    _ => "the sub-group",
                };
                let by = match (record.author.trim(), self.lang) {
                    ("", _) => String::new(),
                    (author, Lang::Fr) => format!(" de {author}"),
                    (author, _) => format!(" by {author}"),
                };
                match self.lang {
                    Lang::Fr => format!("{what} « {} »{by}", record.label),
                    _ => format!("{what} “{}”{by}", record.label),
                }
            })
            .collect();
        match self.lang {
            Lang::Fr => {
                format!(" ; ce qui a été ajouté depuis l'instantané est retiré pour tous : {}", named.join(", "))
            }
            _ => format!("; what was added since the snapshot is taken away for everyone: {}", named.join(", ")),
        }
    }

    /// What an undo or a restore left because other documents hold to it, said after it.
    fn kept(&self, titles: &[String]) -> String {
        if titles.is_empty() {
            return String::new();
        }
        let named: Vec<String> =
            titles.iter().map(|t| self.pick(&format!("« {t} »"), &format!("“{t}”")).to_owned()).collect();
        self.pick(
            &format!(
                " ; {} reste : une fusion le cite ou le panel s'en est servi (défaites d'abord cela)",
                named.join(", ")
            ),
            &format!("; {} stays: a merge cites it, or the panel used it (undo that first)", named.join(", ")),
        )
        .to_owned()
    }

    pub fn undone(&self, outcome: &recolte_store::UndoOutcome) -> Result<(), CliError> {
        if self.json {
            return self.json(outcome);
        }
        let kept = self.kept(&outcome.kept);
        let what = match (outcome.action, outcome.written) {
            (_, 0) if !kept.is_empty() => self.pick("rien n'a été annulé", "nothing was undone"),
            (_, 0) => self.pick(
                "rien n'a changé : ce que cette modification avait fait a été modifié depuis",
                "nothing changed: what that change did was changed since",
            ),
            (recolte_store::UndoAction::Undo, _) => self.pick("annulé", "undone"),
            (recolte_store::UndoAction::Redo, _) => self.pick("rétabli", "redone"),
        };
        let about: Vec<String> =
            outcome.about.iter().map(|t| self.pick(&format!("« {t} »"), &format!("“{t}”")).to_owned()).collect();
        let what = if about.is_empty() {
            what.to_owned()
        } else {
            format!("{what}{} {}", self.pick(" :", ":"), about.join(", "))
        };
        print(format!(
            "{what}{kept} ({} {}, {} {})",
            outcome.can_undo,
            self.pick("à annuler", "left to undo"),
            outcome.can_redo,
            self.pick("à rétablir", "to redo")
        ))
    }
}
