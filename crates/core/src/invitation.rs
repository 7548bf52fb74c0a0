//! Invitations: one link that carries everything a device needs to join an event.
//!
//! ```text
//! recolte://join?v=1&n=EVENT_NAME&h=ws://192.168.1.20:4455&h=…&f=SHA256&t=TOKEN
//! ```
//!
//! - `v`: version of the link format (1);
//! - `n`: the event's name, shown before joining (the event's id is in the token's scope);
//! - `h`: a hub address, `ws://` or `wss://` (repeatable, tried in order; none: the device
//!   looks for the hub that serves the event on the local network);
//! - `f`: the SHA-256 fingerprint of the hub's own certificate, for `wss://` without a
//!   certificate authority (optional);
//! - `t`: the signed access token (see [`crate::token`]), last because it is the longest.
//!
//! The token is the secret: whoever holds the link holds the access it grants, until it
//! expires or is revoked.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use crate::access::{Role, Scope};
use crate::ids::EventId;
use crate::lang::{Lang, Localize};
use crate::schema::EventRecord;
use crate::token::{self, Grant, TokenError};

/// What a query value escapes: everything but what stays readable and unambiguous in a query
/// (`:` and `/` of hub addresses, the token's base64url and dots), so that the link, and its
/// QR code, stay short.
const QUERY_VALUE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b':').remove(b'/');

/// The scheme the app is registered for.
pub const SCHEME: &str = "recolte";
const VERSION: &str = "1";

/// What an invitation link holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Invitation {
    pub event: EventId,
    pub event_name: String,
    /// Hub addresses, in the order to try them. Empty: the hub found on the local network.
    pub hubs: Vec<String>,
    /// SHA-256 of the hub's certificate (hex), when the hub serves its own.
    pub fingerprint: Option<String>,
    pub token: String,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq, Localize)]
pub enum InvitationError {
    #[error("this is not an invitation link: an invitation link starts with recolte://join? (copy it whole from the message or the card)")]
    #[fr("ce n'est pas un lien d'invitation : un lien d'invitation commence par recolte://join? (copiez-le en entier depuis le message ou la carte)")]
    NotALink,
    #[error("this invitation link was made by a newer Récolte (format {0}); update the app")]
    #[fr(
        "ce lien d'invitation vient d'une version plus récente de Récolte (format {0}) ; mettez l'application à jour"
    )]
    Version(String),
    #[error("the invitation link is incomplete: {} is missing (was it cut when copied?)", missing_en(part))]
    #[fr("le lien d'invitation est incomplet : il y manque {} (a-t-il été coupé en le copiant ?)", missing_fr(part))]
    Missing { part: &'static str },
    #[error("the invitation's token is for another event than the one the link names")]
    #[fr("le jeton de l'invitation est pour un autre événement que celui que le lien nomme")]
    EventMismatch,
    #[error("“{0}” is not a certificate fingerprint: it is the certificate's SHA-256, 64 hexadecimal digits (colons and spaces between them are allowed)")]
    #[fr("« {0} » n'est pas une empreinte de certificat : c'est le SHA-256 du certificat, 64 chiffres hexadécimaux (deux-points et espaces entre eux admis)")]
    Fingerprint(String),
    #[error("invalid hub address {hub:?}: {} (for example ws://192.168.1.20:4455)", why.en)]
    #[fr("adresse de serveur invalide « {hub} » : {} (par exemple ws://192.168.1.20:4455)", why.fr)]
    Hub { hub: String, why: crate::Both },
    #[error("this invitation link is damaged: its token does not read (cut or changed when copied); copy the link again whole from the message or the card, or ask the organisers for a new one")]
    #[fr("ce lien d'invitation est abîmé : son jeton ne se lit pas (coupé ou modifié en le copiant) ; recopiez le lien en entier depuis le message ou la carte, ou demandez-en un nouveau à l'organisation")]
    Damaged,
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// What a missing part of a link is, named for a person: its key, and what it holds.
fn missing_fr(key: &str) -> String {
    match key {
        "t" => "t (le jeton)".to_owned(),
        "v" => "v (la version du format)".to_owned(),
        other => other.to_owned(),
    }
}

fn missing_en(key: &str) -> String {
    match key {
        "t" => "t (the token)".to_owned(),
        "v" => "v (the format's version)".to_owned(),
        other => other.to_owned(),
    }
}

/// Checks a certificate fingerprint as people copy it (`AB:CD:…`, spaces, capitals): the
/// SHA-256 as 64 lowercase hexadecimal digits. A wrong one would make every connection fail
/// with "wrong certificate" at the event, not when the invitation is made.
pub fn normalize_fingerprint(text: &str) -> Result<String, InvitationError> {
    let digits: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect::<String>().to_ascii_lowercase();
    if digits.len() == 64 && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(digits)
    } else {
        Err(InvitationError::Fingerprint(text.chars().take(80).collect()))
    }
}

/// Checks a hub address as people type it: trims it, drops a trailing `/`, and insists on
/// `ws://` or `wss://` with a host.
pub fn normalize_hub(hub: &str) -> Result<String, InvitationError> {
    use crate::Both;
    let typed = hub.trim();
    let hub = typed.trim_end_matches('/');
    let wrong = |fr: &str, en: &str| InvitationError::Hub { hub: typed.to_owned(), why: Both::new(fr, en) };
    let scheme = || wrong("elle doit commencer par ws:// ou wss://", "it must start with ws:// or wss://");
    if hub.is_empty() {
        return Err(wrong("elle est vide", "it is empty"));
    }
    let parsed = url::Url::parse(typed).map_err(|error| match error {
        url::ParseError::InvalidPort => {
            wrong("le port est un nombre de 1 à 65535", "the port is a number from 1 to 65535")
        }
        url::ParseError::EmptyHost => wrong(
            "il manque le nom ou l'adresse de l'ordinateur qui sert",
            "the name or address of the serving computer is missing",
        ),
        url::ParseError::InvalidDomainCharacter | url::ParseError::IdnaError => wrong(
            "le nom de l'ordinateur contient un caractère qui n'a pas sa place dans une adresse (une espace ?)",
            "the computer's name holds a character that has no place in an address (a space?)",
        ),
        url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => {
            wrong("l'adresse IP n'en est pas une", "the IP address is not one")
        }
        _ => scheme(),
    })?;
    if !matches!(parsed.scheme(), "ws" | "wss") {
        return Err(scheme());
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(wrong(
            "il manque le nom ou l'adresse de l'ordinateur qui sert",
            "the name or address of the serving computer is missing",
        ));
    }
    if parsed.port() == Some(0) {
        return Err(wrong("le port est un nombre de 1 à 65535", "the port is a number from 1 to 65535"));
    }
    Ok(hub.to_owned())
}

/// A link as people paste it from a message: a link holds no space (its values are
/// percent-encoded), so the line breaks and indents a mail client wraps it with, the « > » it
/// quotes a message with, and the < > it puts around links are what the copy added.
fn as_copied(link: &str) -> String {
    let joined: String =
        link.lines().map(|line| line.trim_start_matches(|c: char| c == '>' || c.is_whitespace()).trim_end()).collect();
    let joined: String = joined.chars().filter(|c| !c.is_whitespace()).collect();
    joined.strip_prefix('<').and_then(|l| l.strip_suffix('>')).map(str::to_owned).unwrap_or(joined)
}

impl Invitation {
    /// The link, as printed on the invitation sheet and opened by the app.
    pub fn link(&self) -> String {
        let mut pairs = vec![("v", VERSION), ("n", self.event_name.as_str())];
        pairs.extend(self.hubs.iter().map(|hub| ("h", hub.as_str())));
        if let Some(fingerprint) = &self.fingerprint {
            pairs.push(("f", fingerprint.as_str()));
        }
        pairs.push(("t", self.token.as_str()));
        let query: Vec<String> =
            pairs.iter().map(|(key, value)| format!("{key}={}", utf8_percent_encode(value, QUERY_VALUE))).collect();
        format!("{SCHEME}://join?{}", query.join("&"))
    }

    /// Reads a link; checks its form and that its token is a Récolte token for the event it
    /// names. The signature is the hub's to check.
    pub fn parse(link: &str) -> Result<Invitation, InvitationError> {
        let link = as_copied(link);
        let parsed = url::Url::parse(&link).map_err(|_| InvitationError::NotALink)?;
        if parsed.scheme() != SCHEME || parsed.host_str() != Some("join") {
            return Err(InvitationError::NotALink);
        }
        let (mut version, mut event, mut name, mut hubs, mut fingerprint, mut token) =
            (None, None::<String>, None, Vec::new(), None, None);
        for (key, value) in parsed.query_pairs() {
            match key.as_ref() {
                "v" => version = Some(value.into_owned()),
                // Optional: the token names the event; a link that names it too must agree.
                "e" => event = Some(value.into_owned()),
                "n" => name = Some(value.into_owned()),
                "h" => hubs.push(normalize_hub(&value)?),
                "f" => fingerprint = Some(normalize_fingerprint(&value)?),
                "t" => token = Some(value.into_owned()),
                // Later versions may add parameters an older app can ignore.
                _ => {}
            }
        }
        match version.as_deref() {
            Some(VERSION) => {}
            Some(other) => return Err(InvitationError::Version(other.to_owned())),
            None => return Err(InvitationError::Missing { part: "v" }),
        }
        let token = token.filter(|t| !t.is_empty()).ok_or(InvitationError::Missing { part: "t" })?;
        // A link's token that does not read was damaged on its way: said of the link, not of
        // a token the person never saw (« rejoignez avec le lien d'invitation » was the advice).
        let grant = token::peek(&token).map_err(|error| match error {
            TokenError::Malformed => InvitationError::Damaged,
            other => other.into(),
        })?;
        let named = event;
        let event = grant.scope.event;
        if named.is_some_and(|named| named.parse::<EventId>().map_or(true, |named| named != event)) {
            return Err(InvitationError::EventMismatch);
        }
        Ok(Invitation { event, event_name: name.unwrap_or_default(), hubs, fingerprint, token })
    }

    /// What the token grants (read without checking its signature: the hub checks it).
    pub fn grant(&self) -> Result<Grant, TokenError> {
        token::peek(&self.token)
    }
}

/// What a scope is for, in words, as an invitation card or list shows it:
/// "Thème 3 · Titre · jour 1, 14:00 · Salle Gallé", "Rapporteur · thème 8 · Titre", "Panel de clôture".
pub fn describe(scope: &Scope, event: Option<&EventRecord>, lang: Lang) -> String {
    let theme_title = |number: u32| {
        event.and_then(|e| e.themes.iter().find(|t| t.number == number)).map(|t| t.title.clone()).unwrap_or_default()
    };
    let theme = |number: u32| {
        let title = theme_title(number);
        let head = format!("{} {number}", lang.pick("Thème", "Theme"));
        if title.is_empty() {
            head
        } else {
            format!("{head} · {title}")
        }
    };
    match scope.role {
        Role::Organiser => lang.pick("Organisation", "Organiser").to_owned(),
        Role::Panel => lang.pick("Panel de clôture", "Closing panel").to_owned(),
        Role::Rapporteur => {
            let themes: Vec<String> = scope.themes.iter().map(|n| theme(*n)).collect();
            format!("{} · {}", lang.pick("Rapporteur", "Rapporteur"), themes.join(" ; "))
        }
        Role::Facilitator if event.is_none() => {
            // Before the programme is on this device, sessions have no names yet.
            let n = scope.sessions.len();
            match lang {
                Lang::Fr => format!("Animation · {n} session{}", if n > 1 { "s" } else { "" }),
                Lang::En => format!("Facilitation · {n} session{}", if n > 1 { "s" } else { "" }),
            }
        }
        Role::Facilitator => {
            let sessions: Vec<String> = scope
                .sessions
                .iter()
                .map(|id| {
                    let Some((session, event)) =
                        event.and_then(|e| e.sessions.iter().find(|s| s.id == *id).map(|s| (s, e)))
                    else {
                        return format!("{} {id}", lang.pick("Session", "Session"));
                    };
                    let mut parts = vec![theme(session.theme)];
                    if let Some(slot) = event.slots.iter().find(|s| s.id == session.slot) {
                        parts.push(format!("{} {}, {}", lang.pick("jour", "day"), slot.day, slot.start));
                    }
                    let place = event.places.iter().find(|p| p.id == session.place).map(|p| p.name.clone());
                    if let Some(room) = session.room.clone().or(place) {
                        parts.push(room);
                    }
                    parts.join(" · ")
                })
                .collect();
            format!("{} · {}", lang.pick("Animation", "Facilitation"), sessions.join(" ; "))
        }
    }
}

/// A document, in words: "Programme", "Session · Thème 3 · … · jour 1, 14:00 · Salle",
/// "Synthèse · Thème 3 · …", "Panel".
pub fn describe_doc(doc: &crate::schema::DocName, event: Option<&EventRecord>, lang: Lang) -> String {
    use crate::schema::DocName;
    match doc {
        DocName::Event(_) => lang.pick("Programme", "Programme").to_owned(),
        DocName::Panel(_) => lang.pick("Panel de clôture", "Closing panel").to_owned(),
        DocName::Session(id, session) => {
            let scope = Scope { event: *id, role: Role::Facilitator, sessions: vec![*session], themes: vec![] };
            let described = describe(&scope, event, lang);
            let what = described.split_once(" · ").map(|(_, rest)| rest.to_owned()).unwrap_or(described);
            format!("{} · {what}", lang.pick("Session", "Session"))
        }
        DocName::Synthesis(id, theme) => {
            let scope = Scope { event: *id, role: Role::Rapporteur, sessions: vec![], themes: vec![*theme] };
            let described = describe(&scope, event, lang);
            let what = described.split_once(" · ").map(|(_, rest)| rest.to_owned()).unwrap_or(described);
            format!("{} · {what}", lang.pick("Synthèse", "Synthesis"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SessionId;

    fn invitation(hubs: Vec<String>) -> (Invitation, token::EventKeys) {
        let keys = token::generate_keys().unwrap();
        let scope =
            Scope { event: EventId::new(), role: Role::Facilitator, sessions: vec![SessionId::new()], themes: vec![] };
        let token = token::issue(&keys.secret, &scope, Some("Camille Dupré"), time::Duration::days(3)).unwrap();
        let invitation = Invitation {
            event: scope.event,
            event_name: "Assises de l'innovation publique & co = 2025 ?".into(),
            hubs,
            fingerprint: None,
            token,
        };
        (invitation, keys)
    }

    #[test]
    fn a_link_reads_back_as_the_same_invitation() {
        let (invitation, _) = invitation(vec!["ws://192.168.1.20:4455".into(), "wss://[fd00::20]:4455".into()]);
        let link = invitation.link();
        assert!(link.starts_with("recolte://join?v=1&n=Assises"), "{link}");
        assert!(link.contains("&h=ws://192.168.1.20:4455&"), "hub addresses stay readable: {link}");
        assert_eq!(Invitation::parse(&link).unwrap(), invitation);
        assert_eq!(Invitation::parse(&format!("  {link}\n")).unwrap(), invitation, "pasted with spaces");
        // As mail clients hand it on: wrapped and indented, quoted, between < >, with CR LF.
        let lines: Vec<String> = link.as_bytes().chunks(60).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        for pasted in [
            lines.join("\n    "),
            lines.iter().map(|l| format!("> > {l}")).collect::<Vec<_>>().join("\n"),
            format!("<{link}>"),
            lines.join("\r\n "),
        ] {
            assert_eq!(Invitation::parse(&pasted).unwrap(), invitation, "{pasted:?}");
        }
        let with_print = Invitation { fingerprint: Some("ab".repeat(32)), ..invitation };
        assert_eq!(Invitation::parse(&with_print.link()).unwrap(), with_print);
    }

    #[test]
    fn a_link_fits_a_qr_code_read_off_paper() {
        // QR version 20 at level M holds 666 bytes (97 modules: under 0.5 mm each on a 48 mm
        // card, which a phone reads at arm's length). A facilitator's invitation with one hub
        // fits; the sheet's tests check the code's version itself.
        let (one_hub, _) = invitation(vec!["ws://192.168.100.200:4455".into()]);
        let length = one_hub.link().len();
        assert!(length <= 666, "{length} bytes");
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let (invitation, _) = invitation(vec![]);
        let link = invitation.link();
        assert_eq!(Invitation::parse("https://example.org/?t=x"), Err(InvitationError::NotALink));
        assert_eq!(Invitation::parse("bonjour"), Err(InvitationError::NotALink));
        let cut = &link[..link.find("&t=").unwrap() + 10];
        assert!(matches!(Invitation::parse(cut), Err(InvitationError::Damaged)), "{cut}");
        let no_token = &link[..link.find("&t=").unwrap()];
        let missing = Invitation::parse(no_token).unwrap_err();
        assert!(missing.localize(Lang::Fr).contains("il y manque t (le jeton)"), "{missing}");
        assert!(missing.localize(Lang::En).contains("t (the token) is missing"), "{missing}");
        assert!(matches!(Invitation::parse(&link.replace("v=1", "v=7")), Err(InvitationError::Version(v)) if v == "7"));
        let other_event = link.replace("v=1&", &format!("v=1&e={}&", EventId::new()));
        assert_eq!(Invitation::parse(&other_event), Err(InvitationError::EventMismatch));
        let same_event = link.replace("v=1&", &format!("v=1&e={}&", invitation.event));
        assert_eq!(Invitation::parse(&same_event).unwrap(), invitation);
        let bad_hub = Invitation { hubs: vec!["http://x".into()], ..invitation.clone() }.link();
        assert!(matches!(Invitation::parse(&bad_hub), Err(InvitationError::Hub { .. })));
        for (typed, said) in [
            ("", "elle est vide"),
            ("ws://127.0.0.1:99999", "le port est un nombre de 1 à 65535"),
            ("ws://127.0.0.1:0", "le port est un nombre de 1 à 65535"),
            ("ws://my host:4455", "une espace ?"),
            ("ws://:4455", "il manque le nom"),
            ("ws://", "« ws:// » : il manque le nom"),
            ("http://hub:4455", "ws:// ou wss://"),
        ] {
            let error = normalize_hub(typed).unwrap_err().localize(crate::Lang::Fr);
            assert!(error.contains(said), "{typed}: {error}");
        }
        assert_eq!(normalize_hub(" ws://hub.local:4455/ ").unwrap(), "ws://hub.local:4455");
        let bad_print = Invitation { fingerprint: Some("zz".into()), ..invitation.clone() }.link();
        assert!(matches!(Invitation::parse(&bad_print), Err(InvitationError::Fingerprint(f)) if f == "zz"));
        for error in [InvitationError::NotALink, InvitationError::EventMismatch, InvitationError::Missing { part: "t" }]
        {
            assert_ne!(error.localize(Lang::Fr), error.localize(Lang::En));
        }
    }

    #[test]
    fn fingerprints_are_checked_as_copied() {
        let print = "ab".repeat(32);
        assert_eq!(normalize_fingerprint(&print).unwrap(), print);
        let copied = print
            .to_uppercase()
            .as_bytes()
            .chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(":");
        assert_eq!(normalize_fingerprint(&format!(" {copied} ")).unwrap(), print);
        for bad in ["zz", "", &"ab".repeat(31), &"gg".repeat(32), &"ab".repeat(33)] {
            let error = normalize_fingerprint(bad).unwrap_err();
            assert!(error.localize(Lang::Fr).contains("64 chiffres hexadécimaux"), "{bad}");
        }
    }

    #[test]
    fn hub_addresses_are_checked_as_typed() {
        assert_eq!(normalize_hub(" ws://192.168.1.20:4455/ ").unwrap(), "ws://192.168.1.20:4455");
        assert_eq!(normalize_hub("wss://recolte.example.fr").unwrap(), "wss://recolte.example.fr");
        for bad in ["192.168.1.20:4455", "http://x", "ws://", ""] {
            assert!(normalize_hub(bad).is_err(), "{bad}");
        }
    }
}
