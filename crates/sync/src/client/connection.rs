//! Opening a room's WebSocket (plain, or TLS pinned to the certificate an invitation names),
//! and reading a connection's failure or the hub's refusal into a [`SyncError`].

use recolte_core::schema::DocName;
use recolte_core::token;
use recolte_core::{Lang, Localize};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::{room_url, Socket, SyncError, Target};
use crate::refusal::RefusalCode;

/// `wss://` needs a process-wide crypto provider; installing ours is a no-op once one is set.
fn tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub(super) async fn connect(target: &Target, name: &DocName) -> Result<Socket, SyncError> {
    connect_url(target, &room_url(target, name)).await
}

/// How long opening a connection (TCP, TLS, the WebSocket handshake) may take.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// Opens a WebSocket to an address of the target's hub (`ws://` or `wss://`, pinned to the
/// hub's certificate when the target names its fingerprint).
pub(crate) async fn connect_url(target: &Target, url: &str) -> Result<Socket, SyncError> {
    tls_provider();
    let config =
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(crate::hub::READ_BUFFER);
    let connector =
        match &target.fingerprint {
            Some(fingerprint) if crate::tls::pins(&target.hub) => Some(tokio_tungstenite::Connector::Rustls(
                crate::tls::pinned_client_config(fingerprint).map_err(|e| SyncError::Unreachable {
                    hub: target.hub.clone(),
                    reason: recolte_core::Both::new(e.localize(Lang::Fr), e.localize(Lang::En)),
                })?,
            )),
            _ => None,
        };
    let connecting = tokio_tungstenite::connect_async_tls_with_config(url, Some(config), true, connector);
    // A hub gone silent (a laptop's lid closed, a device dropped by the access point) lets a
    // connection wait minutes for the system to give up: tried again sooner instead.
    let Ok(connected) = tokio::time::timeout(CONNECT_TIMEOUT, connecting).await else {
        let seconds = CONNECT_TIMEOUT.as_secs();
        return Err(SyncError::Unreachable {
            hub: target.hub.clone(),
            reason: recolte_core::Both::new(
                format!("aucune réponse en {seconds} s (le serveur est arrêté, en veille ou hors de portée du réseau)"),
                format!("no answer within {seconds} s (the hub is stopped, asleep or out of the network's reach)"),
            ),
        });
    };
    let (socket, _) = connected.map_err(|e| {
        if e.to_string().contains(crate::tls::WRONG_CERTIFICATE) {
            SyncError::WrongCertificate { hub: target.hub.clone() }
        } else {
            SyncError::Unreachable { hub: target.hub.clone(), reason: connection_problem(&e) }
        }
    })?;
    Ok(socket)
}

/// Why a connection failed, in both languages: tungstenite tells it in English only.
fn connection_problem(error: &tokio_tungstenite::tungstenite::Error) -> recolte_core::Both {
    use tokio_tungstenite::tungstenite::Error as E;
    match error {
        E::Io(io) if io.to_string().contains("certificate") => recolte_core::Both::new(
            format!(
                "cet appareil ne reconnaît pas le certificat du serveur ({io}) : rejoignez avec le lien \
                 d'invitation, qui porte l'empreinte du certificat du serveur de la salle"
            ),
            format!(
                "this device does not recognise the hub's certificate ({io}): join with the invitation link, \
                 which carries the fingerprint of the room hub's certificate"
            ),
        ),
        // A ws:// address on a hub that speaks TLS answers with bytes that are not HTTP.
        E::Protocol(protocol) if protocol.to_string().contains("httparse") => recolte_core::Both::new(
            format!("l'adresse répond, mais pas en clair : ce serveur chiffre ses connexions, essayez wss:// au lieu de ws:// ({protocol})"),
            format!("the address answers, but not in clear: this hub encrypts its connections, try wss:// instead of ws:// ({protocol})"),
        ),
        // A wss:// address on a hub that speaks in clear answers with bytes that are not TLS.
        E::Io(io) if io.to_string().contains("InvalidContentType") => recolte_core::Both::new(
            format!("l'adresse répond, mais en clair : ce serveur ne chiffre pas ses connexions, essayez ws:// au lieu de wss:// ({io})"),
            format!("the address answers, but in clear: this hub does not encrypt its connections, try ws:// instead of wss:// ({io})"),
        ),
        // The name resolver's failure comes as an uncategorised I/O error, in its own words.
        E::Io(io) if io.to_string().contains("lookup address") => recolte_core::Both::new(
            format!("ce nom de serveur est inconnu du réseau (vérifiez l'adresse) ({io})"),
            format!("this hub name is unknown to the network (check the address) ({io})"),
        ),
        E::Io(io) => recolte_core::Both::new(recolte_core::lang::io_fr(io), recolte_core::lang::io_en(io)),
        E::Http(response) => recolte_core::Both::new(
            format!("l'adresse répond, mais pas comme un serveur Récolte (HTTP {})", response.status()),
            format!("the address answers, but not as a Récolte hub (HTTP {})", response.status()),
        ),
        E::Tls(tls) => recolte_core::Both::new(format!("échec de la connexion chiffrée ({tls})"), tls.to_string()),
        E::Url(url) => recolte_core::Both::new(format!("adresse invalide ({url})"), url.to_string()),
        other => recolte_core::Both::new(format!("échec de la connexion ({other})"), other.to_string()),
    }
}

pub(crate) fn refused(
    target: &Target,
    name: &dyn std::fmt::Display,
    frame: Option<tokio_tungstenite::tungstenite::protocol::CloseFrame>,
) -> SyncError {
    match frame {
        Some(frame) if u16::from(frame.code) >= 4000 || frame.code == CloseCode::Policy => {
            let code = u16::from(frame.code);
            SyncError::Refused {
                doc: name.to_string(),
                code,
                reason: frame.reason.to_string(),
                refusal: RefusalCode::from_close(code),
                expires_at: token::peek(&target.token).ok().map(|g| g.expires_at),
            }
        }
        _ => SyncError::Lost { doc: name.to_string() },
    }
}
