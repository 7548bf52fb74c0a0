//! Access tokens: PASETO v4.public (Ed25519) tokens signed with the event's key, carrying a
//! [`Scope`], a label and an expiry. The hub needs no database of tokens: it trusts the
//! event's public key and reads the scope from the token. No hand-made crypto: `pasetors`.

use pasetors::claims::{Claims, ClaimsValidationRules};
use pasetors::keys::{AsymmetricKeyPair, AsymmetricPublicKey, AsymmetricSecretKey, Generate};
use pasetors::paserk::FormatAsPaserk;
use pasetors::token::UntrustedToken;
use pasetors::version4::V4;
use pasetors::{public, Public};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::access::Scope;
use crate::lang::Localize;

/// Tokens are bound to Récolte: a PASETO signed by the same key for another use does not pass.
const IMPLICIT_ASSERTION: &[u8] = b"recolte-access-v1";

/// A public key that verifies tokens.
pub type PublicKey = AsymmetricPublicKey<V4>;

/// An event's signing keys in PASERK form (`k4.secret.…`, `k4.public.…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventKeys {
    pub secret: String,
    pub public: String,
}

/// What a verified token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    #[serde(flatten)]
    pub scope: Scope,
    /// Who the token was given to ("Atelier 3, Camille").
    pub name: Option<String>,
    /// RFC 3339.
    pub expires_at: String,
    pub issued_at: String,
    /// Unique id of the token.
    pub id: String,
}

impl Grant {
    /// Is its validity over (a date that cannot be read counts as not over: the hub decides)?
    pub fn expired(&self) -> bool {
        OffsetDateTime::parse(&self.expires_at, &Rfc3339).is_ok_and(|at| at <= OffsetDateTime::now_utc())
    }
}

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq, Localize)]
pub enum TokenError {
    #[error("the token is malformed (it is not a Récolte access token, or it was cut while copied): copy it whole, or join with the invitation link")]
    #[fr("le jeton est mal formé (ce n'est pas un jeton d'accès Récolte, ou il a été coupé en le copiant) : copiez-le en entier, ou rejoignez avec le lien d'invitation")]
    Malformed,
    #[error("the token's signature is not from a trusted event key (forged, or for another hub)")]
    #[fr(
        "la signature du jeton ne vient pas d'une clé d'événement reconnue (jeton falsifié, ou pour un autre serveur)"
    )]
    Untrusted,
    #[error("this invitation expired on {}; ask the organisers for a new one", crate::moment::local_moment(.0, None))]
    #[fr(
        "cette invitation a expiré le {} ; demandez-en une nouvelle à l'organisation",
        crate::moment::local_moment(_0, None)
    )]
    Expired(String),
    #[error("“{0}” is not an event's public key (k4.public…, as recolte event show --json prints it)")]
    #[fr(
        "« {0} » n'est pas la clé publique d'un événement (k4.public…, telle que recolte event show --json l'affiche)"
    )]
    InvalidKey(String),
    #[error("this device's signing key for the event is damaged (not a k4.secret key)")]
    #[fr("la clé de signature de l'événement sur cet appareil est endommagée (ce n'est pas une clé k4.secret)")]
    InvalidSecretKey,
    #[error("cannot create the token: {0}")]
    #[fr("impossible de créer le jeton : {0}")]
    Signing(String),
}

pub fn generate_keys() -> Result<EventKeys, TokenError> {
    let pair = AsymmetricKeyPair::<V4>::generate().map_err(|e| TokenError::Signing(e.to_string()))?;
    let mut secret = String::new();
    let mut public = String::new();
    pair.secret.fmt(&mut secret).map_err(|e| TokenError::Signing(e.to_string()))?;
    pair.public.fmt(&mut public).map_err(|e| TokenError::Signing(e.to_string()))?;
    Ok(EventKeys { secret, public })
}

/// Checks that a string is a public key, as `--trust` receives it.
pub fn parse_public_key(key: &str) -> Result<AsymmetricPublicKey<V4>, TokenError> {
    AsymmetricPublicKey::<V4>::try_from(key.trim()).map_err(|_| TokenError::InvalidKey(key.trim().to_owned()))
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| OffsetDateTime::now_utc())
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

/// Signs a token for `scope`, valid for `valid_for`.
pub fn issue(secret: &str, scope: &Scope, name: Option<&str>, valid_for: time::Duration) -> Result<String, TokenError> {
    let key = AsymmetricSecretKey::<V4>::try_from(secret).map_err(|_| TokenError::InvalidSecretKey)?;
    let signing = |e: pasetors::errors::Error| TokenError::Signing(e.to_string());
    let issued = now();
    let mut claims = Claims::new().map_err(signing)?;
    claims.issuer("recolte").map_err(signing)?;
    claims.issued_at(&rfc3339(issued)).map_err(signing)?;
    claims.not_before(&rfc3339(issued)).map_err(signing)?;
    let expires = issued.checked_add(valid_for).ok_or_else(|| TokenError::Signing("validity out of range".into()))?;
    claims.expiration(&rfc3339(expires)).map_err(signing)?;
    claims.token_identifier(&uuid::Uuid::now_v7().to_string()).map_err(signing)?;
    claims.subject(scope.role.as_str()).map_err(signing)?;
    let scope_json = serde_json::to_value(scope).map_err(|e| TokenError::Signing(e.to_string()))?;
    claims.add_additional("scope", scope_json).map_err(signing)?;
    if let Some(name) = name {
        claims.add_additional("name", name).map_err(signing)?;
    }
    public::sign(&key, &claims, None, Some(IMPLICIT_ASSERTION)).map_err(signing)
}

fn grant_from(claims: &Claims) -> Result<Grant, TokenError> {
    let text = |key: &str| claims.get_claim(key).and_then(|v| v.as_str()).map(str::to_owned);
    let scope: Scope =
        claims.get_claim("scope").and_then(|v| serde_json::from_value(v.clone()).ok()).ok_or(TokenError::Malformed)?;
    Ok(Grant {
        scope,
        name: text("name"),
        expires_at: text("exp").ok_or(TokenError::Malformed)?,
        issued_at: text("iat").unwrap_or_default(),
        id: text("jti").unwrap_or_default(),
    })
}

/// Verifies a token against the trusted public keys and checks its expiry.
pub fn verify(token: &str, trusted: &[AsymmetricPublicKey<V4>]) -> Result<Grant, TokenError> {
    let untrusted = UntrustedToken::<Public, V4>::try_from(token.trim()).map_err(|_| TokenError::Malformed)?;
    // Time is checked below, to tell "expired" apart from "forged".
    let mut rules = ClaimsValidationRules::new();
    rules.disable_valid_at();
    rules.allow_non_expiring();
    for key in trusted {
        match public::verify(key, &untrusted, &rules, None, Some(IMPLICIT_ASSERTION)) {
            Ok(verified) => {
                let claims = verified.payload_claims().ok_or(TokenError::Malformed)?;
                return grant_from(claims);
            }
            // The signature is good (claims are checked after it): the token is only too old.
            Err(pasetors::errors::Error::ClaimValidation(pasetors::errors::ClaimValidationError::Exp)) => {
                return Err(TokenError::Expired(peek(token)?.expires_at));
            }
            Err(_) => continue,
        }
    }
    Err(TokenError::Untrusted)
}

/// Reads a token's scope without verifying it: a device joining an event learns from its
/// token which event and documents to ask for. The hub verifies it.
pub fn peek(token: &str) -> Result<Grant, TokenError> {
    let untrusted = UntrustedToken::<Public, V4>::try_from(token.trim()).map_err(|_| TokenError::Malformed)?;
    let claims = Claims::from_bytes(untrusted.untrusted_payload()).map_err(|_| TokenError::Malformed)?;
    grant_from(&claims)
}

/// Parses a duration such as `90m`, `12h`, `3d`, `2w`.
pub fn parse_duration(text: &str) -> Option<time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok().filter(|n| *n > 0)?;
    let unit_seconds: i64 = match unit {
        "m" | "min" => 60,
        "h" => 3600,
        "d" | "j" => 86_400,
        "w" | "sem" => 604_800,
        _ => return None,
    };
    // A token for more than ten years is a typo, not a plan (and would overflow dates).
    let seconds = n.checked_mul(unit_seconds).filter(|s| *s <= 10 * 366 * 86_400)?;
    Some(time::Duration::seconds(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::ids::{EventId, SessionId};

    fn scope() -> Scope {
        Scope { event: EventId::new(), role: Role::Facilitator, sessions: vec![SessionId::new()], themes: vec![] }
    }

    #[test]
    fn a_token_carries_its_scope_and_verifies_with_its_key() {
        let keys = generate_keys().unwrap();
        let scope = scope();
        let token = issue(&keys.secret, &scope, Some("Atelier 3"), time::Duration::hours(2)).unwrap();
        let grant = verify(&token, &[parse_public_key(&keys.public).unwrap()]).unwrap();
        assert_eq!(grant.scope, scope);
        assert_eq!(grant.name.as_deref(), Some("Atelier 3"));
        assert_eq!(peek(&token).unwrap(), grant);
    }

    #[test]
    fn forged_altered_and_expired_tokens_are_refused() {
        let keys = generate_keys().unwrap();
        let other = generate_keys().unwrap();
        let trusted = [parse_public_key(&keys.public).unwrap()];
        let forged = issue(&other.secret, &scope(), None, time::Duration::hours(1)).unwrap();
        assert_eq!(verify(&forged, &trusted), Err(TokenError::Untrusted));

        let token = issue(&keys.secret, &scope(), None, time::Duration::hours(1)).unwrap();
        let mut altered = token.clone().into_bytes();
        let at = altered.len() - 20;
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        assert!(verify(&String::from_utf8(altered).unwrap(), &trusted).is_err());
        assert_eq!(verify("v4.public.not-base64!", &trusted), Err(TokenError::Malformed));
        assert_eq!(verify("hello", &trusted), Err(TokenError::Malformed));

        let expired = issue(&keys.secret, &scope(), None, time::Duration::seconds(-5)).unwrap();
        let result = verify(&expired, &trusted);
        assert!(matches!(result, Err(TokenError::Expired(_))), "{result:?}");
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90m"), Some(time::Duration::minutes(90)));
        assert_eq!(parse_duration("3d"), Some(time::Duration::days(3)));
        assert_eq!(parse_duration("2j"), Some(time::Duration::days(2)));
        assert_eq!(parse_duration("0h"), None);
        assert_eq!(parse_duration("soon"), None);
        // Found by fuzzing: this overflowed and panicked.
        assert_eq!(parse_duration("5587458746026894w"), None);
        assert_eq!(parse_duration("11000d"), None);
    }
}
