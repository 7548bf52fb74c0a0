//! The event as read: sessions, sub-groups, proposals, search hits, consolidated proposals,
//! duplicate suggestions and the lexicon, the panel's summary and a session's clock.

use recolte_core::model::{Consolidated, Proposal, SearchHit, SessionInfo, Subgroup};
use recolte_core::schema::SetAsideReason;
use recolte_core::Lang;
use recolte_store::EventView;

use super::{print, Out};
use crate::CliError;

impl Out {
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

    /// Proposals, with why the rapporteur set one aside (`aside`), in words and as `set_aside`
    /// in JSON (`off_topic`, `exact_duplicate`, `other`, or null).
    pub fn proposals(
        &self,
        proposals: &[Proposal],
        aside: &std::collections::HashMap<recolte_core::ids::ProposalId, SetAsideReason>,
    ) -> Result<(), CliError> {
        if self.json {
            #[derive(serde::Serialize)]
            struct Listed<'a> {
                #[serde(flatten)]
                proposal: &'a Proposal,
                set_aside: Option<SetAsideReason>,
            }
            let listed: Vec<Listed> =
                proposals.iter().map(|p| Listed { proposal: p, set_aside: aside.get(&p.id).copied() }).collect();
            return self.json(&listed);
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
            if let Some(reason) = aside.get(&p.id) {
                flags.push(format!("{} {}", self.pick("mise de côté :", "set aside:"), reason.label(self.lang)));
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

    /// Said on stderr before an empty list of a theme's synthesis that this device does not hold.
    pub fn not_held_synthesis(&self, theme: u32) {
        eprintln!(
            "{}",
            match self.lang {
                Lang::Fr => format!(
                    "cet appareil ne détient pas la synthèse du thème {theme} (son invitation ne la lit pas, ou elle n'est pas encore arrivée) : la liste ci-dessous ne dit rien de ce que le rapporteur a fusionné"
                ),
                _ => format!(
                    "this device does not hold the synthesis of theme {theme} (its invitation does not read it, or it has not arrived yet): the list below says nothing of what the rapporteur merged"
                ),
            }
        );
    }

    pub fn consolidated(&self, records: &[Consolidated]) -> Result<(), CliError> {
        if self.json {
            return self.json(&records);
        }
        let mut text = String::new();
        // Numbered by place, as Synthèse and the exports do; a merge undone (with --all) has none.
        let mut place = 0;
        for c in records {
            let priority = if c.deleted {
                String::new()
            } else {
                place += 1;
                format!(" P{place}")
            };
            // Listed with --all, a merge undone is said so, as the JSON's `deleted` says.
            let undone = if c.deleted { self.pick(" (fusion défaite)", " (merge undone)") } else { "" };
            text.push_str(&format!("{}  [{}{priority}]{undone} {}\n", c.id, c.status.label(self.lang), c.title));
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
            // A decimal comma in French.
            let score = format!("{:.2}", s.score);
            let score = if self.lang == recolte_core::Lang::Fr { score.replace('.', ",") } else { score };
            text.push_str(&format!("{}. score {score} — {reason}\n", i + 1));
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
                    item.status.label(self.lang),
                    self.count(item.votes as usize, ("point", "points"), ("dot", "dots"))
                ));
                for source in &item.sources {
                    lines.push(format!(
                        "      ← {}",
                        if source.title.is_empty() { source.proposal_id.to_string() } else { source.title.clone() }
                    ));
                }
                for comment in &item.comments {
                    let by = match comment.author.trim() {
                        "" => String::new(),
                        author => format!("{author}{} ", self.pick(" :", ":")),
                    };
                    lines.push(format!("      {by}{}{}{}", self.pick("« ", "“"), comment.text, self.pick(" »", "”")));
                }
            }
        }
        if !summary.alike.is_empty() {
            lines.push(self.pick("Se ressemblent d'un thème à l'autre", "Alike across themes").to_owned());
        }
        for group in &summary.alike {
            for id in &group.consolidated {
                let found = summary
                    .themes
                    .iter()
                    .find_map(|t| t.consolidated.iter().find(|c| c.id == *id).map(|c| (t.number, c)));
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
                "{phase}{} {} {}{paused} ({} {})",
                self.pick(" :", ":"),
                minutes(clock.remaining_seconds),
                self.pick("restantes", "left"),
                minutes(clock.session_remaining_seconds),
                self.pick("pour la session", "for the session")
            ),
            _ => self.pick("session terminée", "session over").to_owned(),
        })
    }

    /// Said on stderr after a programme made a second event of a name this device held.
    pub fn second_event_of_a_name(&self) {
        eprintln!(
            "{}",
            self.pick(
                "attention : cet appareil tenait déjà un événement de ce nom ; en voici un second, qui ne \
                 fusionnera jamais avec le premier. Pour travailler sur l'événement de l'organisation, \
                 rejoignez-le avec une invitation (recolte join --invitation LIEN)",
                "warning: this device already held an event of this name; here is a second one, which will \
                 never merge with the first. To work on the organisers' event, join it with an invitation \
                 (recolte join --invitation LINK)",
            )
        );
    }
}
