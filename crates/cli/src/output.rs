//! Printing results: JSON for scripts, short readable text for people.

use std::fmt::Display;
use std::io::Write;
use std::path::Path;

use recolte_core::model::{Consolidated, Proposal, SearchHit, SessionInfo, Subgroup};
use recolte_core::Lang;
use recolte_store::{CompactReport, EventView, ImportReport, LogStats, RebuildReport};
use serde::Serialize;

use crate::CliError;

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

/// Text typed on other devices reaches this terminal (a stock Yjs client writes anything): a
/// control character (an escape sequence that recolours, moves the cursor or retitles the
/// window) is shown as �, not obeyed.
pub fn shown(text: impl Display) -> String {
    text.to_string().chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{fffd}' } else { c }).collect()
}

fn print(text: impl Display) -> Result<(), CliError> {
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

/// A session's proposals as they stood, one line each: id, title, kind, sub-group.
fn session_lines(session: &recolte_store::SessionContent) -> Vec<String> {
    let groups: std::collections::HashMap<_, _> = session.subgroups.iter().map(|g| (g.id, g.name.as_str())).collect();
    session
        .proposals
        .iter()
        .filter(|p| !p.deleted)
        .map(|p| {
            let group = p.subgroup.and_then(|g| groups.get(&g).copied()).unwrap_or("");
            format!("{}  {} — {} {group}", p.id, p.title, p.kind.as_str())
        })
        .collect()
}

/// A theme's consolidated proposals as they stood, one line each.
fn synthesis_lines(consolidated: &[recolte_core::schema::ConsolidatedRecord]) -> Vec<String> {
    consolidated
        .iter()
        .filter(|c| !c.deleted)
        .map(|c| format!("{}  {} — {} ({} sources)", c.id, c.title, c.status.as_str(), c.sources.len()))
        .collect()
}

impl Out {
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

    pub fn done(&self) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "ok": true }));
        }
        print(self.pick("fait", "done"))
    }

    /// Success with nothing to do: said, so that a script or a person knows nothing changed.
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

    pub fn grant(&self, grant: &recolte_core::token::Grant) -> Result<(), CliError> {
        if self.json {
            return self.json(grant);
        }
        let scope = &grant.scope;
        let mut text = format!(
            "{} {}\n{} {}\n{} {}",
            self.pick("événement :", "event:"),
            scope.event,
            self.pick("rôle :", "role:"),
            scope.role.label(self.lang),
            self.pick("expire le :", "expires:"),
            grant.expires_at
        );
        if let Some(name) = &grant.name {
            text.push_str(&format!("\n{} {name}", self.pick("pour :", "for:")));
        }
        for session in &scope.sessions {
            text.push_str(&format!("\n{} {session}", self.pick("session :", "session:")));
        }
        for theme in &scope.themes {
            text.push_str(&format!("\n{} {theme}", self.pick("thème :", "theme:")));
        }
        print(text)
    }

    pub fn synced(&self, report: &recolte_sync::client::SyncReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        print(match self.lang {
            Lang::Fr => format!(
                "à jour : {documents}, {}, {} ({} octets envoyés, {} enregistrés)",
                self.lang.count(report.updates_sent, "mise à jour envoyée", "mises à jour envoyées"),
                self.lang.count(report.updates_received, "reçue", "reçues"),
                report.bytes_sent,
                report.bytes_received
            ),
            Lang::En => format!(
                "up to date: {documents}, {} sent, {} received ({} bytes sent, {} saved)",
                self.lang.count(report.updates_sent, "update", "updates"),
                report.updates_received,
                report.bytes_sent,
                report.bytes_received
            ),
        })
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
        let list = |titles: &[String]| titles.iter().map(|t| format!("« {t} »")).collect::<Vec<_>>().join(", ");
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

    pub fn history(&self, versions: &[recolte_store::Version]) -> Result<(), CliError> {
        if self.json {
            return self.json(&versions);
        }
        let lines: Vec<String> = versions
            .iter()
            .map(|v| {
                let deleted = if v.deleted { self.pick(" (supprimée)", " (deleted)") } else { "" };
                let by = v.by.as_deref().map(|by| format!(" ({by})")).unwrap_or_default();
                let text = if v.title.is_empty() { &v.body } else { &v.title };
                let group = v.subgroup.as_deref().map(|g| format!(" · {g}")).unwrap_or_default();
                format!("v{}  {}  {:<8} {text} — {}{group}{deleted}{by}", v.version, v.at, v.origin, v.state)
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn session_at(&self, moment: &recolte_store::Moment<recolte_store::SessionContent>) -> Result<(), CliError> {
        if self.json {
            return self.json(moment);
        }
        let mut lines = vec![format!("{} {}", self.pick("état au", "as of"), moment.at)];
        lines.extend(session_lines(&moment.content));
        print(lines.join("\n"))
    }

    pub fn synthesis_at(
        &self,
        moment: &recolte_store::Moment<Vec<recolte_core::schema::ConsolidatedRecord>>,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(moment);
        }
        let mut lines = vec![format!("{} {}", self.pick("état au", "as of"), moment.at)];
        lines.extend(synthesis_lines(&moment.content));
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
                format!("{:<36}  {}  {label}{by}{shared}", s.id, s.taken_at)
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
        let mut lines = vec![format!("{} — {}", self.pick(&snapshot.label, &snapshot.label_en), snapshot.taken_at)];
        match content {
            recolte_store::SnapshotContent::Session(session) => lines.extend(session_lines(session)),
            recolte_store::SnapshotContent::Synthesis { consolidated } => lines.extend(synthesis_lines(consolidated)),
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
        print(match &restored.before {
            None => self
                .pick(
                    "rien à restaurer : le document est déjà dans cet état",
                    "nothing to restore: the document already stands so",
                )
                .to_owned(),
            Some(before) => format!(
                "{} ({} {}) ; {} {}",
                self.pick("restauré", "restored"),
                restored.written,
                self.pick("champs réécrits", "fields written back"),
                self.pick("l'état remplacé est gardé dans l'instantané", "what it replaced is kept in snapshot"),
                before.id
            ),
        })
    }

    pub fn undone(&self, outcome: &recolte_store::UndoOutcome) -> Result<(), CliError> {
        if self.json {
            return self.json(outcome);
        }
        let what = match (outcome.action, outcome.written) {
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
            "{what} ({} {}, {} {})",
            outcome.can_undo,
            self.pick("à annuler", "left to undo"),
            outcome.can_redo,
            self.pick("à rétablir", "to redo")
        ))
    }

    pub fn lexicon(&self, entries: &[recolte_core::schema::LexiconEntry]) -> Result<(), CliError> {
        if self.json {
            return self.json(&entries);
        }
        if entries.is_empty() {
            return print(self.pick("lexique vide", "empty lexicon"));
        }
        let lines: Vec<String> = entries
            .iter()
            .map(|e| {
                let origin =
                    if e.learned { self.pick(" (appris d'une fusion)", " (learned from a merge)") } else { "" };
                format!("{} ≈ {}{origin}", e.a, e.b)
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn listening(&self, url: &str) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "url": url }));
        }
        print(url)
    }

    pub fn event(&self, event: &EventView) -> Result<(), CliError> {
        if self.json {
            return self.json(event);
        }
        let mut text = format!("{}\n{}\n", event.name, event.id);
        if let Some(organiser) = &event.organiser {
            text.push_str(&format!("{} {organiser}\n", self.pick("Organisateur :", "Organiser:")));
        }
        text.push_str(&format!("\n{}\n", self.pick("Thèmes", "Themes")));
        for theme in &event.themes {
            let count = event.sessions.iter().filter(|s| s.theme == theme.number).count();
            let sessions = self.count(count, ("session", "sessions"), ("session", "sessions"));
            text.push_str(&format!("  {:>2}. {} ({sessions})\n", theme.number, theme.title));
        }
        text.push_str(&format!("\n{}\n", self.pick("Créneaux", "Slots")));
        for slot in &event.slots {
            text.push_str(&format!(
                "  {} {} {} ({} min) {}\n",
                slot.id, slot.date, slot.start, slot.duration_minutes, slot.label
            ));
        }
        text.push_str(&format!("\n{} {}", self.pick("Sessions :", "Sessions:"), event.sessions.len()));
        print(text)
    }

    pub fn sessions(&self, sessions: &[SessionInfo]) -> Result<(), CliError> {
        if self.json {
            return self.json(&sessions);
        }
        let mut text = String::new();
        for s in sessions {
            let place = match &s.room {
                Some(room) => format!("{}, {room}", s.place),
                None => s.place.clone(),
            };
            text.push_str(&format!(
                "{}  {} {} {}  {:>2}. {}  — {place}\n",
                s.id,
                self.pick("jour", "day"),
                s.day,
                s.start,
                s.theme,
                s.theme_title
            ));
        }
        text.push_str(&self.lang.count(sessions.len(), "session", "sessions"));
        print(text)
    }

    pub fn subgroups(&self, subgroups: &[Subgroup]) -> Result<(), CliError> {
        if self.json {
            return self.json(&subgroups);
        }
        let lines: Vec<String> = subgroups
            .iter()
            .map(|g| {
                format!("{}  {}{}", g.id, g.name, if g.deleted { self.pick(" (supprimé)", " (deleted)") } else { "" })
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn proposals(&self, proposals: &[Proposal]) -> Result<(), CliError> {
        if self.json {
            return self.json(&proposals);
        }
        let mut text = String::new();
        for p in proposals {
            let mut flags = Vec::new();
            if p.deleted {
                flags.push(self.pick("supprimée", "deleted").to_owned());
            }
            if !p.merged_into.is_empty() {
                flags.push(self.pick("fusionnée", "merged").to_owned());
            }
            let flags = if flags.is_empty() { String::new() } else { format!(" [{}]", flags.join(", ")) };
            text.push_str(&format!("{}  {:>2}. {} — {}{flags}\n", p.id, p.theme, p.kind.label(self.lang), p.title));
            if let Some(group) = &p.subgroup_name {
                text.push_str(&format!("      {} {group}\n", self.pick("sous-groupe :", "sub-group:")));
            }
            if !p.body.is_empty() {
                text.push_str(&format!("      {}\n", p.body.replace('\n', "\n      ")));
            }
            if !p.tags.is_empty() {
                text.push_str(&format!("      #{}\n", p.tags.join(" #")));
            }
        }
        text.push_str(&self.count(proposals.len(), ("proposition", "propositions"), ("proposal", "proposals")));
        print(text)
    }

    pub fn hits(&self, hits: &[SearchHit]) -> Result<(), CliError> {
        if self.json {
            return self.json(&hits);
        }
        let mut text = String::new();
        for hit in hits {
            let what = match hit.record.as_str() {
                "consolidated" => self.pick("consolidée", "consolidated"),
                _ => self.pick("proposition", "proposal"),
            };
            text.push_str(&format!("{}  {:>2}. [{what}] {}\n      {}\n", hit.id, hit.theme, hit.title, hit.snippet));
        }
        text.push_str(&self.count(hits.len(), ("résultat", "résultats"), ("result", "results")));
        print(text)
    }

    pub fn consolidated(&self, records: &[Consolidated]) -> Result<(), CliError> {
        if self.json {
            return self.json(&records);
        }
        let mut text = String::new();
        for c in records {
            let priority = c.priority.map(|p| format!(" P{p}")).unwrap_or_default();
            text.push_str(&format!("{}  [{}{priority}] {}\n", c.id, c.status.label(self.lang), c.title));
            if !c.body.is_empty() {
                text.push_str(&format!("      {}\n", c.body.replace('\n', "\n      ")));
            }
            text.push_str(&format!("      {} {}\n", self.pick("sources :", "sources:"), c.sources.len()));
        }
        text.push_str(&self.count(
            records.len(),
            ("proposition consolidée", "propositions consolidées"),
            ("consolidated proposal", "consolidated proposals"),
        ));
        print(text)
    }

    pub fn suggestions(
        &self,
        suggestions: &[recolte_core::dedupe::Suggestion],
        proposals: &[Proposal],
    ) -> Result<(), CliError> {
        if self.json {
            let rows: Vec<serde_json::Value> = suggestions
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "proposals": s.proposals,
                        "score": s.score,
                        "reason": self.lang.pick(&s.reason, &s.reason_en),
                    })
                })
                .collect();
            return self.json(&rows);
        }
        let mut text = String::new();
        for (i, s) in suggestions.iter().enumerate() {
            let reason = self.lang.pick(&s.reason, &s.reason_en);
            text.push_str(&format!("{}. {} {:.2} — {reason}\n", i + 1, self.pick("score", "score"), s.score));
            for id in &s.proposals {
                let title = proposals.iter().find(|p| p.id == *id).map(|p| p.title.as_str()).unwrap_or("");
                text.push_str(&format!("   {id}  {title}\n"));
            }
        }
        text.push_str(&self.count(
            suggestions.len(),
            ("groupe de doublons probables", "groupes de doublons probables"),
            ("group of likely duplicates", "groups of likely duplicates"),
        ));
        print(text)
    }

    pub fn bundle_written(&self, path: &Path, bytes: usize) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": path, "bytes": bytes }));
        }
        print(format!(
            "{} {} ({bytes} {})",
            self.pick("paquet écrit :", "bundle written:"),
            path.display(),
            self.pick("octets", "bytes")
        ))
    }

    pub fn bundle_imported(&self, report: &ImportReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        print(match self.lang {
            Lang::Fr => format!(
                "paquet importé : {documents}, {} avec du nouveau ({} octets enregistrés)",
                report.changed, report.bytes_saved
            ),
            Lang::En => format!(
                "bundle imported: {documents}, {} with something new ({} bytes saved)",
                report.changed, report.bytes_saved
            ),
        })
    }

    pub fn rebuilt(&self, report: &RebuildReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        let proposals = self.count(report.proposals, ("proposition", "propositions"), ("proposal", "proposals"));
        let consolidated = self.count(report.consolidated, ("consolidée", "consolidées"), ("consolidated", "consolidated"));
        print(match self.lang {
            Lang::Fr => format!("tables reconstruites depuis {documents} : {proposals}, {consolidated}"),
            Lang::En => format!("tables rebuilt from {documents}: {proposals}, {consolidated}"),
        })
    }

    pub fn compacted(&self, report: &CompactReport) -> Result<(), CliError> {
        if self.json {
            return self.json(report);
        }
        let compacted = self.count(report.compacted, ("document compacté", "documents compactés"), ("document", "documents"));
        print(match self.lang {
            Lang::Fr => format!(
                "{compacted} : {} → {} mises à jour, {} → {} octets",
                report.updates_before, report.updates_after, report.bytes_before, report.bytes_after
            ),
            Lang::En => format!(
                "{compacted} compacted: {} → {} updates, {} → {} bytes",
                report.updates_before, report.updates_after, report.bytes_before, report.bytes_after
            ),
        })
    }

    pub fn checked(&self, problems: &[String]) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "ok": problems.is_empty(), "problems": problems }));
        }
        if problems.is_empty() {
            return print(self.pick("stockage intact", "store is sound"));
        }
        print(problems.join("\n"))
    }

    pub fn info(&self, path: &Path, stats: &LogStats) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "path": path, "log": stats }));
        }
        print(format!(
            "{} {}\n{} {}, {}, {} {}",
            self.pick("stockage :", "store:"),
            path.display(),
            self.pick("journal :", "log:"),
            self.count(stats.documents, ("document", "documents"), ("document", "documents")),
            self.count(stats.updates, ("mise à jour", "mises à jour"), ("update", "updates")),
            stats.bytes,
            self.pick("octets", "bytes")
        ))
    }
}

impl Out {
    /// A new invitation: its link alone on its line (for scripts), or the JSON record.
    pub fn invitation(&self, invitation: &recolte_store::InvitationRecord) -> Result<(), CliError> {
        if self.json {
            return self.json(invitation);
        }
        print(&invitation.link)
    }

    pub fn invitations(&self, invitations: &[recolte_store::InvitationRecord]) -> Result<(), CliError> {
        if self.json {
            let rows: Vec<serde_json::Value> = invitations
                .iter()
                .map(|i| {
                    let mut row = serde_json::to_value(i).unwrap_or_default();
                    row["scope"] = serde_json::json!({ "sessions": i.sessions, "themes": i.themes, "label": i.label });
                    row
                })
                .collect();
            return self.json(&rows);
        }
        if invitations.is_empty() {
            return print(self.pick("aucune invitation", "no invitations"));
        }
        let lines: Vec<String> = invitations
            .iter()
            .map(|i| {
                let state = match (&i.joined_by, &i.joined_at) {
                    (Some(by), Some(at)) if i.state == recolte_store::InvitationState::Joined => {
                        format!("{} ({by}, {at})", i.state.label(self.lang))
                    }
                    _ => i.state.label(self.lang).to_owned(),
                };
                format!(
                    "{}  {}  {}  {} {}  {}",
                    i.id,
                    i.label,
                    i.for_name.as_deref().unwrap_or("—"),
                    self.pick("jusqu'au", "until"),
                    i.expires_at,
                    state
                )
            })
            .collect();
        print(lines.join("\n"))
    }

    pub fn sheet(&self, path: &Path, invitations: &[recolte_store::InvitationRecord]) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "sheet": path, "invitations": invitations }));
        }
        print(format!(
            "{} {} ({})",
            self.pick("feuille d'invitations :", "invitation sheet:"),
            path.display(),
            self.count(invitations.len(), ("carte", "cartes"), ("card", "cards"))
        ))
    }

    pub fn arrivals(&self, board: &recolte_sync::arrivals::ArrivalsBoard) -> Result<(), CliError> {
        if self.json {
            return self.json(board);
        }
        let mut lines = vec![format!("{} {}", self.pick("Arrivées au", "Arrivals at"), board.generated_at)];
        for s in &board.sessions {
            let devices: Vec<String> = s
                .devices
                .iter()
                .map(|d| match (&d.connected, &d.last_seen) {
                    (true, _) => format!("{} ({})", d.name, self.pick("connecté", "connected")),
                    (false, Some(at)) => format!("{} ({} {at})", d.name, self.pick("vu", "seen")),
                    (false, None) => d.name.clone(),
                })
                .collect();
            lines.push(format!(
                "{}{} {} {}, {}  {} {} {}  {}  {}",
                if s.missing { "!! " } else { "   " },
                self.pick("jour", "day"),
                s.day,
                s.start,
                s.room.as_deref().unwrap_or(""),
                self.pick("thème", "theme"),
                s.theme,
                match s.proposals {
                    0 if s.missing => self.pick("RIEN REÇU", "NOTHING RECEIVED").to_owned(),
                    n => self.count(n, ("proposition", "propositions"), ("proposal", "proposals")),
                },
                s.last_change.as_deref().unwrap_or("—"),
                devices.join(", ")
            ));
        }
        for t in &board.themes {
            lines.push(format!(
                "{} {}: {} ({}, {}, {})",
                self.pick("thème", "theme"),
                t.number,
                self.count(t.consolidated, ("consolidée", "consolidées"), ("consolidated", "consolidated")),
                self.count(t.retained, ("retenue", "retenues"), ("retained", "retained")),
                self.count(t.set_aside, ("écartée", "écartées"), ("set aside", "set aside")),
                self.count(t.draft, ("brouillon", "brouillons"), ("draft", "drafts")),
            ));
        }
        for d in &board.devices {
            lines.push(format!(
                "{} ({}) : {}",
                d.name,
                d.role.as_deref().unwrap_or("?"),
                self.count(d.unsent.unwrap_or(0), ("non partagée", "non partagées"), ("not yet shared", "not yet shared"))
            ));
        }
        print(lines.join("\n"))
    }

    pub fn summary(&self, summary: &recolte_store::PanelSummary) -> Result<(), CliError> {
        if self.json {
            return self.json(summary);
        }
        let mut lines = Vec::new();
        for theme in &summary.themes {
            lines.push(format!("{} {} · {}", self.pick("Thème", "Theme"), theme.number, theme.title));
            for item in &theme.consolidated {
                lines.push(format!(
                    "  {}{}  [{}] {}",
                    if item.carry_forward { "★ " } else { "" },
                    item.title,
                    item.status.as_str(),
                    self.count(item.votes as usize, ("point", "points"), ("dot", "dots"))
                ));
                for source in &item.sources {
                    lines.push(format!(
                        "      ← {}",
                        if source.title.is_empty() { source.proposal_id.to_string() } else { source.title.clone() }
                    ));
                }
            }
        }
        if !summary.alike.is_empty() {
            lines.push(self.pick("Se ressemblent d'un thème à l'autre", "Alike across themes").to_owned());
        }
        for group in &summary.alike {
            for id in &group.consolidated {
                let found = summary.themes.iter().find_map(|t| t.consolidated.iter().find(|c| c.id == *id).map(|c| (t.number, c)));
                if let Some((theme, item)) = found {
                    lines.push(format!("  {} {theme} · {}", self.pick("thème", "theme"), item.title));
                }
            }
            lines.push(format!("    {}", self.pick(&group.reason, &group.reason_en)));
        }
        print(lines.join("\n"))
    }

    pub fn clock(&self, clock: &recolte_core::schema::SessionClock) -> Result<(), CliError> {
        if self.json {
            return self.json(clock);
        }
        let minutes = |s: i64| format!("{} min {:02} s", s / 60, s % 60);
        let paused = if clock.paused { self.pick(" (en pause)", " (paused)") } else { "" };
        print(match (clock.stage, &clock.phase) {
            ("before", _) => format!("{} {}", self.pick("début dans", "starts in"), minutes(clock.remaining_seconds)),
            ("during", Some(phase)) => format!(
                "{phase} : {} {}{paused} ({} {})",
                minutes(clock.remaining_seconds),
                self.pick("restantes", "left"),
                minutes(clock.session_remaining_seconds),
                self.pick("pour la session", "for the session")
            ),
            _ => self.pick("session terminée", "session over").to_owned(),
        })
    }

    pub fn nearby(&self, hubs: &[recolte_sync::nearby::NearbyHub]) -> Result<(), CliError> {
        if self.json {
            return self.json(&hubs);
        }
        if hubs.is_empty() {
            return print(self.pick(
                "aucun serveur Récolte annoncé sur ce réseau (le multicast y est peut-être bloqué : utilisez l'adresse de l'invitation, ou un paquet)",
                "no Récolte hub announced on this network (multicast may be blocked there: use the invitation's address, or a bundle)",
            ));
        }
        let lines: Vec<String> =
            hubs.iter().map(|h| format!("{}  {}  {}", h.event_name, h.event_id, h.urls.join(" "))).collect();
        print(lines.join("\n"))
    }

    pub fn joined(&self, joined: &recolte_sync::join::Joined) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({
                "event": joined.event, "hub": joined.target.hub, "pulled": joined.report.is_some(),
                "report": joined.report,
            }));
        }
        match &joined.report {
            Some(report) => self.synced(report),
            None => print(format!(
                "{} {}",
                self.pick("invitation enregistrée ; en attente du serveur", "invitation saved; waiting for the hub"),
                joined.target.hub
            )),
        }
    }

    pub fn status(
        &self,
        docs: &[recolte_sync::status::DocReport],
        summary: &recolte_sync::status::Summary,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "summary": summary, "documents": docs }));
        }
        let mut lines = Vec::new();
        for doc in docs {
            let access = match doc.access {
                recolte_core::access::Access::Write => self.pick("écriture", "write"),
                recolte_core::access::Access::Read => self.pick("lecture", "read"),
                recolte_core::access::Access::None => self.pick("aucun accès", "no access"),
            };
            let mut line = format!("{}  [{access}]", doc.label);
            if doc.out_of_rights {
                let unsent = self.count(doc.unsent, ("non partagée", "non partagées"), ("not shared", "not shared"));
                line.push_str(&format!("  {unsent}{}", self.pick(" : hors de vos droits", ": out of your rights")));
            } else if doc.unsent > 0 {
                let unsent = self.count(doc.unsent, ("non partagée", "non partagées"), ("not yet shared", "not yet shared"));
                line.push_str(&format!("  {unsent}"));
            }
            if let Some(at) = &doc.last_exchange {
                line.push_str(&format!("  {} {at}", self.pick("dernier échange", "last exchange")));
            }
            if let Some(error) = &doc.error {
                line.push_str(&format!("\n    {}", error.message));
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(self.pick("aucun document à synchroniser", "no document to sync").to_owned());
        }
        print(lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_from_other_devices_are_shown_not_obeyed() {
        assert_eq!(super::shown("A\u{1b}]0;pwned\u{7}\u{9b}31mB\nC\tD"), "A\u{fffd}]0;pwned\u{fffd}\u{fffd}31mB\nC\tD");
    }
}
