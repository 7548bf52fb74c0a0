//! Who may connect: a room and a token in, an admission or a refusal (with its close code) out.

use recolte_core::access::Access;
use recolte_core::schema::DocName;
use recolte_core::token::{self, TokenError};
use recolte_core::{Both, Lang, Localize};

use super::connection::truncate;
use super::{close, lock, Shared};

/// Why a connection is not admitted: the English text is the close reason, the other the log's.
pub(super) struct Refusal {
    pub(super) code: u16,
    pub(super) reason: Both,
}

pub(super) fn revoked_reason() -> Both {
    Both::new("révoquée : l'organisation a révoqué cette invitation", "revoked: the organisers revoked this invitation")
}

/// Who a connection is, once admitted.
pub(super) struct Admission {
    pub(super) name: DocName,
    pub(super) access: Access,
    pub(super) token_id: String,
    pub(super) role: recolte_core::access::Role,
    /// When the token ends (RFC 3339): the connection is closed then.
    pub(super) expires_at: String,
}

pub(super) fn authorize(shared: &Shared, room: &str, token: Option<&str>) -> Result<Admission, Refusal> {
    let name: DocName = room.trim_start_matches('/').parse().map_err(|_| Refusal {
        code: close::UNKNOWN_ROOM,
        reason: Both::new(
            format!("salle inconnue « {} »", truncate(room, 80).escape_debug()),
            format!("unknown room {:?}", truncate(room, 80)),
        ),
    })?;
    let token = token.filter(|t| !t.is_empty()).ok_or_else(|| Refusal {
        code: close::UNAUTHORIZED,
        reason: Both::new(
            "jeton manquant : ajoutez ?token=… à l'adresse",
            "missing token: add ?token=… to the address",
        ),
    })?;
    let trusted = lock(&shared.trusted).clone();
    let grant = token::verify(token, &trusted).map_err(|e| Refusal {
        code: match e {
            TokenError::Expired(_) => close::EXPIRED,
            TokenError::Untrusted => close::BAD_SIGNATURE,
            _ => close::UNAUTHORIZED,
        },
        reason: Both::of(&e),
    })?;
    // Before any room is touched: a token never opens another event's rooms (and cannot make
    // the hub load rooms of events it names at random).
    if grant.scope.event != name.event() {
        return Err(Refusal {
            code: close::WRONG_EVENT,
            reason: Both::new(
                format!(
                    "un jeton « {} » d'un autre événement ne donne pas accès à {name}",
                    grant.scope.role.label(Lang::Fr)
                ),
                format!("a {} token of another event does not give access to {name}", grant.scope.role),
            ),
        });
    }
    // The event's copy cannot be read (a journal entry damaged, the disk busy): the token can
    // be checked neither against the event's key nor its revocations, so the device waits and
    // tries again (a retryable close), rather than being let in, or refused for good.
    let unreadable = |error: recolte_store::Error| Refusal {
        code: close::INTERNAL,
        reason: Both::new(
            format!(
                "le serveur ne peut pas relire le programme de l'événement ({}) ; réessayez",
                error.localize(Lang::Fr)
            ),
            format!("the hub cannot read the event's programme back ({}); try again", error.localize(Lang::En)),
        ),
    };
    let event = shared.event_record(name.event()).map_err(unreadable)?;
    // A token must be signed by its own event's key: a key trusted for one event does not
    // open another event's rooms.
    if let Some(key) = event.as_ref().and_then(|e| e.public_key.as_deref()) {
        let own =
            token::parse_public_key(key).map_err(|e| Refusal { code: close::BAD_SIGNATURE, reason: Both::of(&e) })?;
        token::verify(token, &[own]).map_err(|_| Refusal {
            code: close::BAD_SIGNATURE,
            reason: Both::new(
                "le jeton n'est pas signé par la clé de cet événement",
                "the token is not signed by this event's key",
            ),
        })?;
    }
    if shared.revoked(name.event()).map_err(unreadable)?.contains(&grant.id) {
        return Err(Refusal { code: close::REVOKED, reason: revoked_reason() });
    }
    match grant.scope.access(&name, event.as_ref()) {
        Access::None => Err(Refusal {
            code: close::FORBIDDEN,
            reason: Both::new(
                format!("un jeton « {} » ne donne pas accès à {name}", grant.scope.role.label(Lang::Fr)),
                format!("a {} token does not give access to {name}", grant.scope.role),
            ),
        }),
        access => {
            Ok(Admission { name, access, token_id: grant.id, role: grant.scope.role, expires_at: grant.expires_at })
        }
    }
}
