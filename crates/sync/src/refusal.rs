//! Why a hub refuses a device, as a close code on the wire and a code the status shows.
//!
//! The hub closes a refused connection with a close code of ours (4xxx, the range the
//! WebSocket RFC leaves to applications) and a reason in English for any other client; a
//! Récolte device reads the code and says in its user's language what happened and what to do.

use recolte_core::Lang;
use serde::Serialize;

/// What went wrong between a device and a hub, as `recolte status --json` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The token's validity is over.
    Expired,
    /// The organiser revoked the invitation.
    Revoked,
    /// The token is for another event than the room's.
    WrongEvent,
    /// The token is forged, or signed by a key this hub or event does not trust.
    BadSignature,
    /// The token does not read (cut or changed by a copy, or this device's setting damaged).
    UnreadableToken,
    /// The token does not cover this document.
    OutOfScope,
    /// The hub could not be reached (or the connection failed before any answer).
    Unreachable,
    /// The hub serves as many connections as it can; the device retries.
    HubFull,
    /// The hub's certificate is not the one the invitation names.
    WrongCertificate,
    /// The hub cannot save what it receives (its disk full or read-only): nothing sent is
    /// kept there, and the device keeps it and retries.
    HubCannotSave,
}

/// Close codes the hub sends; 4xxx are ours, modelled on HTTP statuses.
pub mod close {
    pub const GOING_AWAY: u16 = 1001;
    pub const TOO_BIG: u16 = 1009;
    pub const INTERNAL: u16 = 1011;
    /// Too slow to keep up: reconnect to resync.
    pub const TRY_AGAIN: u16 = 1013;
    pub const MALFORMED: u16 = 4400;
    /// Missing or malformed token.
    pub const UNAUTHORIZED: u16 = 4401;
    pub const FORBIDDEN: u16 = 4403;
    pub const UNKNOWN_ROOM: u16 = 4404;
    pub const REVOKED: u16 = 4410;
    pub const EXPIRED: u16 = 4411;
    pub const WRONG_EVENT: u16 = 4412;
    pub const BAD_SIGNATURE: u16 = 4413;
    pub const HUB_FULL: u16 = 4429;
    /// The hub cannot save (HTTP's 507, insufficient storage).
    pub const CANNOT_SAVE: u16 = 4507;
}

impl RefusalCode {
    pub const ALL: [RefusalCode; 10] = [
        RefusalCode::Expired,
        RefusalCode::Revoked,
        RefusalCode::WrongEvent,
        RefusalCode::BadSignature,
        RefusalCode::UnreadableToken,
        RefusalCode::OutOfScope,
        RefusalCode::Unreachable,
        RefusalCode::HubFull,
        RefusalCode::WrongCertificate,
        RefusalCode::HubCannotSave,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::Expired => "expired",
            RefusalCode::Revoked => "revoked",
            RefusalCode::WrongEvent => "wrong_event",
            RefusalCode::BadSignature => "bad_signature",
            RefusalCode::UnreadableToken => "unreadable_token",
            RefusalCode::OutOfScope => "out_of_scope",
            RefusalCode::Unreachable => "unreachable",
            RefusalCode::HubFull => "hub_full",
            RefusalCode::WrongCertificate => "wrong_certificate",
            RefusalCode::HubCannotSave => "hub_cannot_save",
        }
    }

    pub fn parse(code: &str) -> Option<RefusalCode> {
        RefusalCode::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The refusal a close code means, if it is one.
    pub fn from_close(code: u16) -> Option<RefusalCode> {
        Some(match code {
            close::REVOKED => RefusalCode::Revoked,
            close::EXPIRED => RefusalCode::Expired,
            close::WRONG_EVENT => RefusalCode::WrongEvent,
            close::BAD_SIGNATURE => RefusalCode::BadSignature,
            close::UNAUTHORIZED => RefusalCode::UnreadableToken,
            close::FORBIDDEN | close::UNKNOWN_ROOM => RefusalCode::OutOfScope,
            close::HUB_FULL => RefusalCode::HubFull,
            close::CANNOT_SAVE => RefusalCode::HubCannotSave,
            _ => return None,
        })
    }

    /// Whether trying again with the same token can work: a refused token stays refused
    /// until the device gets a new invitation.
    pub fn is_final(self) -> bool {
        !matches!(self, RefusalCode::Unreachable | RefusalCode::HubFull | RefusalCode::HubCannotSave)
    }

    /// Whether the refusal is about the token or the hub, and so holds for every document.
    pub fn applies_to_every_document(self) -> bool {
        !matches!(self, RefusalCode::OutOfScope)
    }

    /// A few words for the status pill.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            RefusalCode::Expired => lang.pick("invitation expirée", "invitation expired"),
            RefusalCode::Revoked => lang.pick("invitation révoquée", "invitation revoked"),
            RefusalCode::WrongEvent => lang.pick("pour un autre événement", "for another event"),
            RefusalCode::BadSignature => lang.pick("signature inconnue", "unknown signature"),
            RefusalCode::UnreadableToken => lang.pick("invitation illisible", "unreadable invitation"),
            RefusalCode::OutOfScope => lang.pick("hors de vos droits", "out of your rights"),
            RefusalCode::Unreachable => lang.pick("serveur injoignable", "hub unreachable"),
            RefusalCode::HubFull => lang.pick("serveur plein", "hub full"),
            RefusalCode::WrongCertificate => lang.pick("certificat inconnu", "unknown certificate"),
            RefusalCode::HubCannotSave => lang.pick("le serveur ne peut plus enregistrer", "the hub cannot save"),
        }
    }

    /// What happened and what to do, in the user's words. `expires_at` is the token's.
    pub fn explain(self, expires_at: Option<&str>, lang: Lang) -> String {
        self.explain_in(expires_at, None, lang)
    }

    /// [`RefusalCode::explain`], an expiry shown on the event's clock (`timezone`), as the
    /// status shows its other times; on this device's clock when the event is not known.
    pub fn explain_in(self, expires_at: Option<&str>, timezone: Option<&str>, lang: Lang) -> String {
        let date = expires_at.map(|d| recolte_core::moment::local_moment(d, timezone)).unwrap_or_default();
        match (self, lang) {
            (RefusalCode::Expired, Lang::Fr) => format!(
                "votre invitation a expiré le {date} : demandez-en une nouvelle à l'organisation ; vos données restent sur cet appareil"
            ),
            (RefusalCode::Expired, Lang::En) => format!(
                "your invitation expired on {date}: ask the organisers for a new one; your data stays on this device"
            ),
            (RefusalCode::Revoked, _) => lang.pick(
                "l'organisation a révoqué votre invitation : le serveur ne l'accepte plus ; vos données restent sur cet appareil ; rejoignez avec une nouvelle invitation pour partager à nouveau",
                "the organisers revoked your invitation: the hub no longer accepts it; your data stays on this device; join with a new invitation to share again",
            ).to_owned(),
            (RefusalCode::WrongEvent, _) => lang.pick(
                "votre invitation est pour un autre événement que celui de ce serveur",
                "your invitation is for another event than this hub's",
            ).to_owned(),
            (RefusalCode::BadSignature, _) => lang.pick(
                "le serveur ne reconnaît pas la signature de votre invitation (un lien abîmé par une copie, une invitation falsifiée, ou le serveur d'un autre événement) : recopiez le lien en entier, ou demandez une nouvelle invitation à l'organisation",
                "the hub does not recognise your invitation's signature (a link damaged by a copy, a forged invitation, or a hub of another event): copy the link again whole, or ask the organisers for a new invitation",
            ).to_owned(),
            (RefusalCode::UnreadableToken, _) => lang.pick(
                "votre invitation est illisible (un lien coupé ou modifié par une copie, ou un réglage de cet appareil abîmé) : rejoignez de nouveau avec le lien d'invitation en entier ; vos données restent sur cet appareil",
                "your invitation does not read (a link cut or changed by a copy, or a damaged setting of this device): join again with the whole invitation link; your data stays on this device",
            ).to_owned(),
            (RefusalCode::OutOfScope, _) => lang.pick(
                "votre invitation ne donne pas accès à ce document",
                "your invitation does not give access to this document",
            ).to_owned(),
            (RefusalCode::Unreachable, _) => lang.pick(
                "le serveur est injoignable : rien n'est perdu, vos modifications restent sur cet appareil et partiront à la reconnexion",
                "the hub cannot be reached: nothing is lost, your changes stay on this device and leave when it reconnects",
            ).to_owned(),
            (RefusalCode::WrongCertificate, _) => lang.pick(
                "le serveur ne présente pas le certificat que votre invitation désigne : un autre ordinateur se fait peut-être passer pour lui ; rien n'a été envoyé",
                "the hub does not show the certificate your invitation names: another computer may be posing as it; nothing was sent",
            ).to_owned(),
            (RefusalCode::HubCannotSave, _) => lang.pick(
                "le serveur ne peut plus rien enregistrer (son disque est plein ou en lecture seule) : prévenez l'organisation ; rien n'est perdu, vos modifications restent sur cet appareil et partiront quand il pourra de nouveau enregistrer",
                "the hub cannot save anything (its disk is full or read-only): tell the organisers; nothing is lost, your changes stay on this device and leave once it can save again",
            ).to_owned(),
            (RefusalCode::HubFull, _) => lang.pick(
                "le serveur est plein pour l'instant : l'appareil réessaie tout seul",
                "the hub is full for now: the device retries by itself",
            ).to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_reads_back_from_its_code_and_its_close_code() {
        for code in RefusalCode::ALL {
            assert_eq!(RefusalCode::parse(code.as_str()), Some(code));
            assert_ne!(code.explain(Some("2025-10-01T12:00:00Z"), Lang::Fr), code.explain(None, Lang::En));
        }
        assert_eq!(RefusalCode::from_close(close::REVOKED), Some(RefusalCode::Revoked));
        assert_eq!(RefusalCode::from_close(close::CANNOT_SAVE), Some(RefusalCode::HubCannotSave));
        assert_eq!(RefusalCode::from_close(close::UNAUTHORIZED), Some(RefusalCode::UnreadableToken));
        assert!(!RefusalCode::HubCannotSave.is_final(), "the device retries once the hub can save");
        assert_eq!(RefusalCode::from_close(close::TRY_AGAIN), None, "a slow client reconnects; it is not refused");
        // On the device's own clock, as its holder reads it.
        let shown = recolte_core::moment::local_moment("2025-10-01T12:00:00Z", None);
        assert!(RefusalCode::Expired.explain(Some("2025-10-01T12:00:00Z"), Lang::Fr).contains(&shown));
        assert!(!RefusalCode::Expired.explain(Some("2025-10-01T12:00:00Z"), Lang::Fr).contains("UTC"));
    }
}
