//! The network: accesses and invitations, syncs, the hub listening, arrivals, hubs nearby,
//! joining, and the sync status.

use std::path::Path;

use recolte_core::Lang;

use super::{print, Out};
use crate::CliError;

impl Out {
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
            self.time(&grant.expires_at)
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

    /// What a sync did, and the changes it could not share: those outside this device's
    /// rights stay here, and are said, never folded into "up to date".
    pub fn synced(&self, report: &recolte_sync::client::SyncReport, out_of_rights: usize) -> Result<(), CliError> {
        if self.json {
            let mut value =
                serde_json::to_value(report).map_err(|e| CliError::Usage { fr: e.to_string(), en: e.to_string() })?;
            value["out_of_rights"] = serde_json::json!(out_of_rights);
            return self.json(&value);
        }
        let documents = self.count(report.documents, ("document", "documents"), ("document", "documents"));
        let lang = self.lang;
        let mut line = match lang {
            Lang::Fr => format!(
                "à jour : {documents}, {}, {} ({}, {})",
                lang.count(report.updates_sent, "mise à jour envoyée", "mises à jour envoyées"),
                lang.count(report.updates_received, "reçue", "reçues"),
                lang.count(report.bytes_sent, "octet envoyé", "octets envoyés"),
                lang.count(report.bytes_received, "octet enregistré", "octets enregistrés"),
            ),
            Lang::En => format!(
                "up to date: {documents}, {} sent, {} received ({} sent, {} saved)",
                lang.count(report.updates_sent, "update", "updates"),
                report.updates_received,
                lang.count(report.bytes_sent, "byte", "bytes"),
                lang.count(report.bytes_received, "byte", "bytes"),
            ),
        };
        if out_of_rights > 0 {
            line.push_str(&match lang {
                Lang::Fr => format!(
                    "\nmais {} : ce serveur ne {} prendra pas avec cette invitation ; un paquet (recolte bundle export) {} porte à l'organisation (recolte status)",
                    lang.count(out_of_rights, "modification hors de vos droits", "modifications hors de vos droits"),
                    if out_of_rights > 1 { "les" } else { "la" },
                    if out_of_rights > 1 { "les" } else { "la" },
                ),
                Lang::En => format!(
                    "\nbut {} outside your rights: this hub will not take {} with this invitation; a bundle (recolte bundle export) carries {} to the organisers (recolte status)",
                    lang.count(out_of_rights, "change", "changes"),
                    if out_of_rights > 1 { "them" } else { "it" },
                    if out_of_rights > 1 { "them" } else { "it" },
                ),
            });
        }
        print(line)
    }

    pub fn listening(&self, url: &str) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "url": url }));
        }
        print(url)
    }

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
                    (Some(by), Some(at))
                        if matches!(
                            i.state,
                            recolte_store::InvitationState::Joined | recolte_store::InvitationState::Expired
                        ) =>
                    {
                        format!("{} ({by}, {})", i.state.label(self.lang), self.time(at))
                    }
                    _ => i.state.label(self.lang).to_owned(),
                };
                format!(
                    "{}  {}  {}  {} {}  {}",
                    i.id,
                    i.label,
                    i.for_name.as_deref().unwrap_or("—"),
                    self.pick("jusqu'au", "until"),
                    self.time(&i.expires_at),
                    state
                )
            })
            .collect();
        print(lines.join("\n"))
    }

    /// `made`: how many of the cards were made now (`invite all`, which keeps those still valid).
    pub fn sheet(
        &self,
        path: &Path,
        invitations: &[recolte_store::InvitationRecord],
        made: Option<usize>,
    ) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({ "sheet": path, "invitations": invitations, "created": made }));
        }
        let cards = self.count(invitations.len(), ("carte", "cartes"), ("card", "cards"));
        let cards = match made {
            Some(made) => format!(
                "{cards}{} {}, {}",
                self.pick(" :", ":"),
                self.count(made, ("faite maintenant", "faites maintenant"), ("made now", "made now")),
                self.count(invitations.len() - made.min(invitations.len()), ("gardée", "gardées"), ("kept", "kept")),
            ),
            None => cards,
        };
        print(format!("{} {} ({cards})", self.pick("feuille d'invitations :", "invitation sheet:"), path.display()))
    }

    pub fn arrivals(&self, board: &recolte_sync::arrivals::ArrivalsBoard) -> Result<(), CliError> {
        if self.json {
            return self.json(board);
        }
        let mut lines = vec![format!("{} {}", self.pick("Arrivées au", "Arrivals at"), self.time(&board.generated_at))];
        for s in &board.sessions {
            let devices: Vec<String> = s
                .devices
                .iter()
                .map(|d| match (&d.connected, &d.last_seen) {
                    (true, _) => format!("{} ({})", d.name, self.pick("connecté", "connected")),
                    (false, Some(at)) => format!("{} ({} {})", d.name, self.pick("vu", "seen"), self.time(at)),
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
                    _ if s.unreadable => self.pick("illisible sur le serveur", "unreadable on the hub").to_owned(),
                    0 if s.missing => self.pick("RIEN REÇU", "NOTHING RECEIVED").to_owned(),
                    n => self.count(n, ("proposition", "propositions"), ("proposal", "proposals")),
                },
                s.last_change.as_deref().map(|at| self.time(at)).unwrap_or_else(|| "—".to_owned()),
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
            let role =
                d.role.as_deref().map(|r| r.parse::<recolte_core::access::Role>().map_or(r, |r| r.label(self.lang)));
            let outside = d.outside.filter(|n| *n > 0).map(|n| match self.lang {
                Lang::Fr => {
                    format!(", {n} hors de son invitation (un paquet {}apporte)", if n > 1 { "les " } else { "l'" })
                }
                _ => format!(", {n} outside its invitation (a bundle brings {})", if n > 1 { "them" } else { "it" }),
            });
            lines.push(format!(
                "{} ({}){} {}{}",
                // A device that gave no name (the organiser's laptop) by its id.
                if d.name.is_empty() { &d.device } else { &d.name },
                role.unwrap_or("?"),
                self.pick(" :", ":"),
                match d.unsent {
                    Some(unsent) =>
                        self.count(unsent, ("non partagée", "non partagées"), ("not yet shared", "not yet shared")),
                    None => self.pick("non partagées : inconnu", "not yet shared: unknown").to_owned(),
                },
                outside.unwrap_or_default(),
            ));
        }
        print(lines.join("\n"))
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

    /// Said on stderr: changes only a former invitation may write, still waiting for its hub.
    pub fn left_behind(&self, waiting: usize) {
        eprintln!(
            "{}",
            match self.lang {
                Lang::Fr if waiting == 1 => "1 modification faite avec l'invitation précédente n'est pas encore partagée : elle partira dès que son serveur, ou celui de la nouvelle invitation, répondra (recolte sync, ou la synchronisation de l'app)".to_owned(),
                Lang::Fr => format!(
                    "{waiting} modifications faites avec l'invitation précédente ne sont pas encore partagées : elles partiront dès que son serveur, ou celui de la nouvelle invitation, répondra (recolte sync, ou la synchronisation de l'app)"
                ),
                _ => format!(
                    "{} made with the former invitation {} not shared yet: {} go as soon as its hub, or the new invitation's, answers (recolte sync, or the app's sync)",
                    self.count(waiting, ("modification", "modifications"), ("change", "changes")),
                    if waiting > 1 { "are" } else { "is" },
                    if waiting > 1 { "they will" } else { "it will" },
                ),
            }
        );
    }

    /// Said on stderr before the few seconds a one-off sync spends trying elsewhere: its hub
    /// again, then the invitation's other hubs (`others`), then the event's nearby (`nearby`).
    pub fn looking_elsewhere(&self, hub: &str, others: bool, nearby: bool) {
        let then = match (others, nearby, self.lang) {
            (true, true, Lang::Fr) => ", puis les autres serveurs de l'invitation et ceux de l'événement à proximité",
            (true, false, Lang::Fr) => ", puis les autres serveurs de l'invitation",
            (false, true, Lang::Fr) => ", puis les serveurs de l'événement à proximité",
            (true, true, _) => ", then the invitation's other hubs and the event's hubs nearby",
            (true, false, _) => ", then the invitation's other hubs",
            (false, true, _) => ", then the event's hubs nearby",
            (false, false, _) => "",
        };
        match self.lang {
            Lang::Fr => eprintln!("{hub} ne répond pas : nouvel essai dans 2 s{then}…"),
            _ => eprintln!("{hub} does not answer: trying again in 2 s{then}…"),
        }
    }

    /// Said on stderr: sync moved to another of the invitation's hubs, or to the event's found
    /// nearby.
    pub fn moved(&self, from: &str, to: &str, found_nearby: bool) {
        let which = match found_nearby {
            true => self.pick("le serveur de l'événement trouvé à proximité", "the event's hub found nearby"),
            false => self.pick("un autre serveur de l'invitation", "another hub of the invitation"),
        };
        match self.lang {
            Lang::Fr => eprintln!("{from} ne répond plus : synchronisation avec {to}, {which}"),
            _ => eprintln!("{from} no longer answers: syncing with {to}, {which}"),
        }
    }

    /// Said on stderr: the invitation's earlier hub, out of reach when this device moved away
    /// from it, takes the sync again.
    pub fn back_on(&self, from: &str, to: &str) {
        match self.lang {
            Lang::Fr => eprintln!("{to} répond de nouveau : synchronisation avec lui, plus avec {from}"),
            _ => eprintln!("{to} answers again: syncing with it, no longer with {from}"),
        }
    }

    /// Said on stderr: another hub that answered a one-off sync whose own hub is out of reach,
    /// and why it was not taken.
    pub fn not_taken(&self, hub: &str, why: &recolte_sync::client::SyncError) {
        let said = recolte_core::Localize::localize(why, self.lang);
        match (why, self.lang) {
            // It names the hub itself.
            (recolte_sync::client::SyncError::HubWithoutEvent { .. }, _) => eprintln!("{said}"),
            (_, Lang::Fr) => eprintln!("{hub} a répondu, mais n'a pas été retenu : {said}"),
            _ => eprintln!("{hub} answered, but was not taken: {said}"),
        }
    }

    /// Said on stderr: changes only a former invitation could write, which it can no longer share.
    pub fn stranded(&self, stranded: usize) {
        eprintln!(
            "{}",
            match self.lang {
                Lang::Fr => format!(
                    "{} avec l'invitation précédente ne {} plus par le réseau : elle a expiré ou a été révoquée ; {} sur cet appareil, et un paquet (recolte bundle export) {} porte à l'organisation",
                    self.count(stranded, ("modification faite", "modifications faites"), ("", "")),
                    if stranded > 1 { "partiront" } else { "partira" },
                    if stranded > 1 { "elles restent" } else { "elle reste" },
                    if stranded > 1 { "les" } else { "la" },
                ),
                _ => format!(
                    "{} made with the former invitation will not go over the network any more: it expired or was revoked; {} on this device, and a bundle (recolte bundle export) carries {} to the organisers",
                    self.count(stranded, ("", ""), ("change", "changes")),
                    if stranded > 1 { "they stay" } else { "it stays" },
                    if stranded > 1 { "them" } else { "it" },
                ),
            }
        );
    }

    pub fn joined(&self, joined: &recolte_sync::join::Joined) -> Result<(), CliError> {
        if self.json {
            return self.json(&serde_json::json!({
                "event": joined.event, "hub": joined.target.hub, "pulled": joined.report.is_some(),
                "report": joined.report, "as_organiser": joined.as_organiser, "left_behind": joined.left_behind,
                "stranded": joined.stranded,
            }));
        }
        if joined.left_behind > 0 {
            self.left_behind(joined.left_behind);
        }
        if joined.stranded > 0 {
            self.stranded(joined.stranded);
        }
        if joined.as_organiser {
            print(self.pick(
                "cet appareil a créé l'événement : il garde ses droits d'organisation et synchronise avec le serveur du lien ; l'invitation reste à donner (elle n'est pas marquée rejointe)",
                "this device made the event: it keeps its organiser rights and syncs with the link's hub; the invitation is still to be given (it is not marked as joined)",
            ))?;
        }
        match &joined.report {
            Some(report) => self.synced(report, 0),
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
            // The former card's session: not this invitation's, and not « no access » either.
            let access =
                if doc.former_invitation { self.pick("invitation précédente", "former invitation") } else { access };
            let mut line = format!("{}  [{access}]", doc.label);
            if doc.out_of_rights {
                let unsent = self.count(doc.unsent, ("non partagée", "non partagées"), ("not shared", "not shared"));
                line.push_str(&format!("  {unsent}{}", self.pick(" : hors de vos droits", ": out of your rights")));
            } else if doc.former_invitation {
                let unsent = self.count(doc.unsent, ("non partagée", "non partagées"), ("not shared", "not shared"));
                let goes = match (self.lang, doc.unsent > 1) {
                    (Lang::Fr, false) => " : partira avec l'invitation précédente, gardée de côté",
                    (Lang::Fr, true) => " : partiront avec l'invitation précédente, gardée de côté",
                    (_, false) => ": goes with the former invitation, kept aside",
                    (_, true) => ": go with the former invitation, kept aside",
                };
                line.push_str(&format!("  {unsent}{goes}"));
            } else if doc.unsent > 0 {
                let unsent =
                    self.count(doc.unsent, ("non partagée", "non partagées"), ("not yet shared", "not yet shared"));
                line.push_str(&format!("  {unsent}"));
            }
            if let Some(at) = &doc.last_exchange {
                line.push_str(&format!("  {} {}", self.pick("dernier échange", "last exchange"), self.time(at)));
            }
            if let Some(error) = &doc.error {
                line.push_str(&format!("\n    {}", error.message));
            }
            lines.push(line);
        }
        if lines.is_empty() {
            lines.push(self.pick("aucun document à synchroniser", "no document to sync").to_owned());
        } else if let Some(hub) = &summary.hub {
            let found = if summary.found_nearby {
                self.pick(
                    " (trouvé à proximité : le serveur prévu ne répondait pas)",
                    " (found nearby: the hub expected did not answer)",
                )
            } else {
                ""
            };
            let line = status_line(summary, false, self.lang);
            lines.insert(0, format!("{hub}{found}{}{line}", self.pick(" : ", ": ")));
        }
        print(lines.join("\n"))
    }
}

/// The status in one line, as the app's pill says it, with the counts. `syncing`: an engine is
/// running (`sync --watch`), whose documents are offline only when a hub went away.
pub(crate) fn status_line(summary: &recolte_sync::status::Summary, syncing: bool, lang: Lang) -> String {
    let mut line = match lang {
        Lang::Fr => format!(
            "{}/{} à jour, {}",
            summary.up_to_date,
            lang.count(summary.documents, "document", "documents"),
            lang.count(summary.unshared, "modification non partagée", "modifications non partagées")
        ),
        Lang::En => format!(
            "{}/{} up to date, {} not yet shared",
            summary.up_to_date,
            lang.count(summary.documents, "document", "documents"),
            lang.count(summary.unshared, "change", "changes")
        ),
    };
    if summary.former_invitation > 0 {
        line.push_str(&match lang {
            Lang::Fr => format!(", dont {} avec l'invitation précédente", summary.former_invitation),
            Lang::En => format!(", {} of them with the former invitation", summary.former_invitation),
        });
    }
    if summary.out_of_rights > 0 {
        line.push_str(&match lang {
            Lang::Fr => format!(", dont {} hors de vos droits", summary.out_of_rights),
            Lang::En => format!(", {} of them outside your rights", summary.out_of_rights),
        });
    }
    use recolte_sync::status::Overall;
    let state = match summary.state {
        Overall::UpToDate => None,
        Overall::Syncing => Some(lang.pick("synchronisation…", "syncing…").to_owned()),
        Overall::OutOfRights => Some(lang.pick("hors de vos droits", "outside your rights").to_owned()),
        Overall::Offline | Overall::Refused | Overall::Off => Some(match &summary.error {
            Some(error) => error.message.clone(),
            None if syncing => lang.pick("hors ligne", "offline").to_owned(),
            // No refusal and no failed try: nothing ran since these changes (`recolte status`
            // reads the store, it does not sync); « hors ligne » said a hub was out of reach.
            None => lang.pick("pas encore synchronisé : recolte sync", "not synced yet: recolte sync").to_owned(),
        }),
    };
    if let Some(state) = state {
        line.push_str(&format!("{}{state}", lang.pick(" ; ", "; ")));
    }
    line
}
