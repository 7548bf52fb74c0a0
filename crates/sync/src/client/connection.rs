//! Opening a room's WebSocket (plain, or TLS pinned to the certificate an invitation names),
//! and reading a connection's failure or the hub's refusal into a [`SyncError`].

use std::future::Future;

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
    let connecting = open(url, config, connector);
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
        } else if matches!(&e, tokio_tungstenite::tungstenite::Error::Io(io) if io.to_string().contains("certificate"))
        {
            SyncError::UnknownCertificate { hub: target.hub.clone(), reason: connection_problem(&e) }
        } else {
            SyncError::Unreachable { hub: target.hub.clone(), reason: connection_problem(&e) }
        }
    })?;
    Ok(socket)
}

/// A WebSocket over a TCP connection that notes when it last heard from the hub.
async fn open(
    url: &str,
    config: tokio_tungstenite::tungstenite::protocol::WebSocketConfig,
    connector: Option<tokio_tungstenite::Connector>,
) -> Result<(Socket, tokio_tungstenite::tungstenite::handshake::client::Response), tokio_tungstenite::tungstenite::Error>
{
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::error::UrlError;
    use tokio_tungstenite::tungstenite::Error as E;
    let request = url.into_client_request()?;
    let uri = request.uri();
    let host = uri.host().ok_or(E::Url(UrlError::NoHostName))?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host).to_owned();
    let port = uri
        .port_u16()
        .or(match uri.scheme_str() {
            Some("wss") => Some(443),
            Some("ws") => Some(80),
            _ => None,
        })
        .ok_or(E::Url(UrlError::UnsupportedUrlScheme))?;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(E::Io)?;
    // Keystrokes go out at once, not held back for the peer's delayed acknowledgement.
    tcp.set_nodelay(true).map_err(E::Io)?;
    let heard = Heard::new(tcp, WRITE_STALL_LIMIT);
    tokio_tungstenite::client_async_tls_with_config(request, heard, Some(config), connector).await
}

/// How long since the hub was last heard from: any byte received, or data it took in after
/// this device had to wait for it to (a long upload on a slow network). A whole WebSocket
/// message may take longer than that to arrive: a catch-up of megabytes on a venue's Wi-Fi.
pub(crate) fn since_heard(socket: &Socket) -> std::time::Duration {
    use tokio_tungstenite::MaybeTlsStream;
    match socket.get_ref() {
        MaybeTlsStream::Plain(heard) => heard.last.elapsed(),
        MaybeTlsStream::Rustls(tls) => tls.get_ref().0.last.elapsed(),
        _ => std::time::Duration::ZERO,
    }
}

/// How long a write may wait without a byte taken in before the connection is given up.
/// Reads cannot tell it: a hub that still sends (its pings, others' edits) but no longer takes
/// this device's data in (a one-way failure of the Wi-Fi, a hub whose reading is stuck) would
/// hold what was typed until the hub lets the connection go (10 minutes). Longer than the
/// silence allowed to reads, since the system signals room to write only once a good part of
/// its buffer has drained, which on a crawling network takes a while.
const WRITE_STALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// A connection that notes when the other side was last heard from, and gives up a write that
/// has waited [`WRITE_STALL_LIMIT`] without progress.
pub(crate) struct Heard<S> {
    inner: S,
    last: std::time::Instant,
    /// A write had to wait: the next one that goes through means the peer took data in.
    waited: bool,
    stall_limit: std::time::Duration,
    /// Since a write has been waiting without progress: wakes it when it waited too long.
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<S> Heard<S> {
    fn new(inner: S, stall_limit: std::time::Duration) -> Heard<S> {
        Heard { inner, last: std::time::Instant::now(), waited: false, stall_limit, stalled: None }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Heard<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.last = std::time::Instant::now();
        }
        polled
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Heard<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let polled = std::pin::Pin::new(&mut self.inner).poll_write(cx, data);
        match &polled {
            std::task::Poll::Pending => {
                self.waited = true;
                let limit = self.stall_limit;
                let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
                if stalled.as_mut().poll(cx).is_ready() {
                    return std::task::Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the hub took nothing in for too long",
                    )));
                }
            }
            std::task::Poll::Ready(Ok(written)) if *written > 0 => {
                self.stalled = None;
                if self.waited {
                    self.waited = false;
                    self.last = std::time::Instant::now();
                }
            }
            _ => {}
        }
        polled
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Why a connection failed, in both languages: tungstenite tells it in English only.
fn connection_problem(error: &tokio_tungstenite::tungstenite::Error) -> recolte_core::Both {
    use tokio_tungstenite::tungstenite::Error as E;
    match error {
        E::Io(io) if io.to_string().contains("certificate") => recolte_core::Both::new(
            format!(
                "cet appareil ne reconnaît pas le certificat du serveur ({io}) : choisissez-le parmi les \
                 événements servis à proximité, ou rejoignez avec le lien d'invitation, qui portent l'empreinte \
                 du certificat du serveur de la salle"
            ),
            format!(
                "this device does not recognise the hub's certificate ({io}): pick it among the events served \
                 nearby, or join with the invitation link, which carry the fingerprint of the room hub's \
                 certificate"
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::Heard;

    /// A peer that stops taking data in fails the write after the limit; one that takes it in
    /// slowly never does, however long the whole write lasts.
    #[tokio::test(start_paused = true)]
    async fn a_write_the_peer_stopped_taking_in_fails_and_a_slow_one_goes_on() {
        let (ours, mut theirs) = tokio::io::duplex(1024);
        let mut heard = Heard::new(ours, Duration::from_secs(60));
        let started = tokio::time::Instant::now();
        let error =
            tokio::time::timeout(Duration::from_secs(3600), heard.write_all(&[7u8; 8192])).await.unwrap().unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed().as_secs(), 60, "given up after the limit, not before");
        let mut buffer = vec![0u8; 8192];
        theirs.read_exact(&mut buffer[..1024]).await.unwrap();

        // 256 bytes every 30 s: four minutes for 8 KiB, never 60 s without progress.
        let (ours, mut theirs) = tokio::io::duplex(1024);
        let mut heard = Heard::new(ours, Duration::from_secs(60));
        let reader = tokio::spawn(async move {
            let mut got = 0;
            let mut chunk = [0u8; 256];
            while got < 8192 {
                tokio::time::sleep(Duration::from_secs(30)).await;
                got += theirs.read(&mut chunk).await.unwrap();
            }
            got
        });
        heard.write_all(&[7u8; 8192]).await.unwrap();
        heard.flush().await.unwrap();
        assert_eq!(reader.await.unwrap(), 8192);
    }
}
