//! Why a sync did not happen, as the person reads it, in both languages.

use recolte_core::token::TokenError;
use recolte_core::{Lang, Localize};

use crate::refusal::RefusalCode;

#[derive(Debug, thiserror::Error, Localize)]
pub enum SyncError {
    #[error("cannot reach the hub at {hub}: {} (nothing is lost: your changes stay on this device)", reason.en)]
    #[fr("impossible de joindre le serveur {hub} : {} (rien n'est perdu : vos modifications restent sur cet appareil)", reason.fr)]
    Unreachable { hub: String, reason: recolte_core::Both },
    /// The hub answers with a certificate this device neither trusts nor was told of (a room
    /// laptop's own, reached by its address alone). Shown as out of reach (background sync
    /// keeps trying, as for a hub away); refused when set up by hand, before it is remembered.
    #[error("cannot reach the hub at {hub}: {} (nothing is lost: your changes stay on this device)", reason.en)]
    #[fr("impossible de joindre le serveur {hub} : {} (rien n'est perdu : vos modifications restent sur cet appareil)", reason.fr)]
    UnknownCertificate { hub: String, reason: recolte_core::Both },
    #[error("{}", refusal_message(.doc, .reason, .refusal, .expires_at, Lang::En))]
    #[fr("{}", refusal_message(doc, reason, refusal, expires_at, lang))]
    Refused {
        doc: String,
        /// The close code the hub sent, and its reason (English, from the hub).
        code: u16,
        reason: String,
        /// What the code means, when it is one of ours.
        refusal: Option<RefusalCode>,
        /// The token's expiry, to say when it expired.
        expires_at: Option<String>,
    },
    #[error("the connection to the hub was lost while syncing {doc} (nothing is lost, try again)")]
    #[fr("la connexion au serveur a été perdue pendant la synchronisation de {doc} (rien n'est perdu, réessayez)")]
    Lost { doc: String },
    #[error("the hub sent something that is not the y-websocket protocol for {doc}: {reason}")]
    #[fr("le serveur a envoyé pour {doc} autre chose que le protocole y-websocket : {reason}")]
    Protocol { doc: String, reason: String },
    #[error("the hub at {hub} does not show the certificate the invitation names: another computer may be posing as the hub; nothing was sent")]
    #[fr("le serveur {hub} ne présente pas le certificat que l'invitation désigne : un autre ordinateur se fait peut-être passer pour lui ; rien n'a été envoyé")]
    WrongCertificate { hub: String },
    #[error("this invitation names no hub address and no hub serving its event was found on the local network: ask the organisers for an invitation with the hub's address, or bring the event on a USB key (bundle)")]
    #[fr("cette invitation ne donne aucune adresse de serveur, et aucun serveur de cet événement n'a été trouvé sur le réseau local : demandez une invitation avec l'adresse du serveur, ou apportez l'événement sur une clé USB (paquet)")]
    NoHub,
    #[error("a hub serving this event was found on the local network, but not with the certificate this invitation names (or with none, where its token would travel in clear): it was not given the invitation; ask the organisers for a card of that laptop, or for it to serve the event from the app")]
    #[fr("un serveur de cet événement a été trouvé sur le réseau local, mais pas avec le certificat que nomme cette invitation (ou sans certificat, où son jeton circulerait en clair) : l'invitation ne lui a pas été confiée ; demandez à l'organisation une invitation de ce portable, ou qu'il serve l'événement depuis l'app")]
    UntrustedNearby,
    #[error("this invitation names no hub address, and this computer cannot look for hubs on the local network ({}): ask the organisers for an invitation with the hub's address, or bring the event on a USB key (bundle)", recolte_core::Localize::localize(.0, recolte_core::Lang::En))]
    #[fr("cette invitation ne donne aucune adresse de serveur, et cet ordinateur ne peut pas chercher de serveur sur le réseau local ({}) : demandez une invitation avec l'adresse du serveur, ou apportez l'événement sur une clé USB (paquet)", recolte_core::Localize::localize(_0, recolte_core::Lang::Fr))]
    CannotLookNearby(crate::nearby::NearbyError),
    #[error("the hub at {hub} does not hold this event yet (its organisers have not synced it there): ask them to, or bring the event on a USB key (bundle), then join again; nothing changed on this device")]
    #[fr("le serveur {hub} ne détient pas encore cet événement (l'organisation ne l'y a pas encore synchronisé) : demandez-le-lui, ou apportez l'événement sur une clé USB (paquet), puis rejoignez de nouveau ; rien n'a changé sur cet appareil")]
    EventNotOnHub { hub: String },
    #[error("the hub at {hub} holds nothing of this event (its organisers have not synced it there): this device stays with the hub it syncs with; ask the organisers to sync the event there")]
    #[fr("le serveur {hub} ne détient rien de cet événement (l'organisation ne l'y a pas synchronisé) : cet appareil reste avec le serveur avec lequel il se synchronise ; demandez à l'organisation d'y synchroniser l'événement")]
    HubWithoutEvent { hub: String },
    #[error("this device syncs the event “{event}”, and {}: joining another event would stop syncing it; sync first, then join; nothing changed", unshared_en(*.unshared))]
    #[fr("cet appareil synchronise l'événement « {event} », dont {} : rejoindre un autre événement arrêterait sa synchronisation ; synchronisez d'abord, puis rejoignez ; rien n'a changé", unshared_fr(*unshared))]
    UnsharedElsewhere { event: String, unshared: usize },
    #[error("the hub does not trust this event's key, with which this device signs its own access: it serves another event, or this event was restored from its open data (a restored event is an archive, with a key of its own); a hub serves it when started with --trust and the key `recolte event show` gives; nothing was sent")]
    #[fr("le serveur ne fait pas confiance à la clé de cet événement, avec laquelle cet appareil signe son propre accès : il sert un autre événement, ou cet événement a été restauré depuis ses données ouvertes (un événement restauré est une archive, avec sa propre clé) ; un serveur le sert lancé avec --trust et la clé que donne `recolte event show` ; rien n'a été envoyé")]
    KeyNotTrusted,
    #[error("give your name (--name on the command line): it signs your proposals and tells the organisers who joined; nothing changed")]
    #[fr("indiquez votre nom (--name en ligne de commande) : il signe vos propositions et dit à l'organisation qui a rejoint ; rien n'a changé")]
    NameNeeded,
    #[error("this invitation is not signed with the key of the event “{event}” that this device holds: it may be forged (it would send this device's work to someone else's hub); ask the organisers for a new one (if they restored the event from its open data, it has a new key: tell them); nothing changed")]
    #[fr("cette invitation n'est pas signée par la clé de l'événement « {event} » que cet appareil détient : elle est peut-être falsifiée (elle enverrait le travail de cet appareil au serveur de quelqu'un d'autre) ; demandez-en une nouvelle à l'organisation (si elle a restauré l'événement depuis ses données ouvertes, il a une nouvelle clé : dites-le-lui) ; rien n'a changé")]
    NotSignedByTheEvent { event: String },
    #[error(transparent)]
    Invitation(#[from] recolte_core::invitation::InvitationError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    Store(#[from] recolte_store::Error),
}

/// "1 change made here is not shared yet", the verb agreeing with the count.
fn unshared_en(n: usize) -> String {
    let said = Lang::En.count(n, "change made here", "changes made here");
    if n == 1 {
        format!("{said} is not shared yet")
    } else {
        format!("{said} are not shared yet")
    }
}

/// « 1 modification faite ici n'est pas encore partagée », the verb agreeing with the count.
fn unshared_fr(n: usize) -> String {
    let said = Lang::Fr.count(n, "modification faite ici", "modifications faites ici");
    if n < 2 {
        format!("{said} n'est pas encore partagée")
    } else {
        format!("{said} ne sont pas encore partagées")
    }
}

fn refusal_message(
    doc: &str,
    reason: &str,
    refusal: &Option<RefusalCode>,
    expires_at: &Option<String>,
    lang: Lang,
) -> String {
    match refusal {
        Some(refusal) if refusal.applies_to_every_document() => {
            let why = refusal.explain(expires_at.as_deref(), lang);
            match lang {
                Lang::Fr => format!("le serveur refuse cet appareil : {why}"),
                Lang::En => format!("the hub refuses this device: {why}"),
            }
        }
        _ => {
            let why = refusal.as_ref().map_or_else(|| reason.to_owned(), |r| r.explain(expires_at.as_deref(), lang));
            match lang {
                Lang::Fr => format!("le serveur refuse l'accès à {doc} : {why}"),
                Lang::En => format!("the hub refused access to {doc}: {why}"),
            }
        }
    }
}

impl SyncError {
    /// This error, on the device that signed its token itself with the event's key: an unknown
    /// signature is then that key not trusted by the hub, not a damaged invitation (it has
    /// none), which is what the refusal says otherwise.
    pub fn of_own_key(self) -> SyncError {
        match self.refusal() {
            Some(RefusalCode::BadSignature) => SyncError::KeyNotTrusted,
            _ => self,
        }
    }

    /// What went wrong, as the status names it; `None` for a connection lost midway or a
    /// local problem.
    pub fn refusal(&self) -> Option<RefusalCode> {
        match self {
            SyncError::Refused { refusal, .. } => *refusal,
            SyncError::Unreachable { .. } | SyncError::UnknownCertificate { .. } => Some(RefusalCode::Unreachable),
            SyncError::WrongCertificate { .. } => Some(RefusalCode::WrongCertificate),
            SyncError::Token(TokenError::Expired(_)) => Some(RefusalCode::Expired),
            SyncError::Token(TokenError::Malformed) => Some(RefusalCode::UnreadableToken),
            _ => None,
        }
    }
}
