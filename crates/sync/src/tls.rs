//! Encryption in the room without a certificate authority: the hub makes a certificate once
//! and keeps it; invitations and the hub's announcement carry its SHA-256 fingerprint; devices
//! accept that certificate and no other (pinning), whatever name or authority it claims.
//! A hub behind a real TLS proxy keeps working as before: without a fingerprint, devices check
//! the system's authorities.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use recolte_core::Localize;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, Localize)]
pub enum TlsError {
    #[error("cannot make the hub's certificate: {0}")]
    #[fr("impossible de créer le certificat du serveur : {0}")]
    Generate(String),
    #[error("cannot read or write the hub's certificate in {}: {}", path.display(), recolte_core::lang::io_en(source))]
    #[fr("impossible de lire ou d'écrire le certificat du serveur dans {} : {}", path.display(), recolte_core::lang::io_fr(source))]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{first} and {second} serve different certificates, and an invitation carries one: make one invitation per hub; no invitation was made")]
    #[fr("{first} et {second} servent des certificats différents, et une invitation n'en porte qu'un : faites une invitation par serveur ; aucune invitation n'a été créée")]
    TwoCertificates { first: String, second: String },
    #[error("the hub's certificate in {0} is damaged: remove the folder to make a new one (invitations will need the new fingerprint)")]
    #[fr("le certificat du serveur dans {} est endommagé : supprimez ce dossier pour en créer un nouveau (les invitations devront porter la nouvelle empreinte)", _0.display())]
    Damaged(PathBuf),
}

/// The hub's certificate and key.
#[derive(Clone)]
pub struct HubIdentity {
    pub cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl std::fmt::Debug for HubIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubIdentity").field("fingerprint", &self.fingerprint()).finish()
    }
}

/// Where a data folder keeps its hub's certificate.
pub fn identity_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("hub-certificate")
}

/// SHA-256 of a certificate, lowercase hex: what invitations and announcements carry.
pub fn fingerprint_of(cert_der: &[u8]) -> String {
    Sha256::digest(cert_der).iter().map(|b| format!("{b:02x}")).collect()
}

impl HubIdentity {
    /// The certificate kept in `dir`, made the first time.
    pub fn load_or_create(dir: &Path) -> Result<HubIdentity, TlsError> {
        let (cert_path, key_path) = (dir.join("cert.der"), dir.join("key.der"));
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| TlsError::Io { path, source }
        };
        if cert_path.exists() {
            let cert_der = std::fs::read(&cert_path).map_err(io(&cert_path))?;
            let key_der = std::fs::read(&key_path).map_err(io(&key_path))?;
            if cert_der.is_empty() || key_der.is_empty() {
                return Err(TlsError::Damaged(dir.to_owned()));
            }
            return Ok(HubIdentity { cert_der, key_der });
        }
        let certified = rcgen::generate_simple_self_signed(vec!["recolte-hub".to_owned(), "localhost".to_owned()])
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        let identity =
            HubIdentity { cert_der: certified.cert.der().to_vec(), key_der: certified.key_pair.serialize_der() };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        write_private(&key_path, &identity.key_der).map_err(io(&key_path))?;
        std::fs::write(&cert_path, &identity.cert_der).map_err(io(&cert_path))?;
        Ok(identity)
    }

    pub fn fingerprint(&self) -> String {
        fingerprint_of(&self.cert_der)
    }

    pub(crate) fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Generate(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(self.cert_der.clone())], key)
            .map_err(|e| TlsError::Generate(e.to_string()))?;
        Ok(Arc::new(config))
    }
}

/// The key is readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Whether a fingerprint applies to a hub address: `wss://` to an IP address, `localhost` or a
/// `.local` name, where a laptop serves its own certificate. A name on the Internet is checked
/// against the system's authorities, so that a server behind a real TLS proxy keeps working
/// beside the laptop on the same invitation.
pub fn pins(hub: &str) -> bool {
    let Ok(url) = url::Url::parse(hub) else { return false };
    url.scheme() == "wss"
        && match url.host() {
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
            Some(url::Host::Domain(name)) => name == "localhost" || name.ends_with(".local"),
            None => false,
        }
}

/// The fingerprint of the certificate this data folder's hub serves, if it has one.
pub fn local_fingerprint(data_dir: &Path) -> Option<String> {
    std::fs::read(identity_dir(data_dir).join("cert.der")).ok().filter(|d| !d.is_empty()).map(|d| fingerprint_of(&d))
}

/// The fingerprint an invitation made on this device carries, for the hubs it names that pin
/// (see [`pins`]): the one this device pinned when it synced with that hub (`synced`, the hub
/// it syncs with), else the certificate its own hub serves, made now if it never served (cards
/// printed before the laptop first serves, or for an address it will have in the room, are
/// right). It read this data folder's certificate for every address, so cards for the hub the
/// device syncs with on another laptop carried the wrong one, or none. An invitation carries one
/// fingerprint: hubs serving different certificates are refused by name.
pub fn invitation_fingerprint(
    data_dir: &Path,
    hubs: &[String],
    synced: Option<&crate::client::Target>,
) -> Result<Option<String>, TlsError> {
    let same = |a: &str, b: &str| {
        let normal = |hub: &str| recolte_core::invitation::normalize_hub(hub).unwrap_or_else(|_| hub.to_owned());
        normal(a) == normal(b)
    };
    let mut chosen: Option<(&String, String)> = None;
    for hub in hubs.iter().filter(|hub| pins(hub)) {
        let pinned = synced.filter(|t| same(&t.hub, hub)).and_then(|t| t.fingerprint.clone());
        let fingerprint = match pinned {
            Some(pinned) => pinned,
            None => HubIdentity::load_or_create(&identity_dir(data_dir))?.fingerprint(),
        };
        match &chosen {
            Some((first, known)) if *known != fingerprint => {
                return Err(TlsError::TwoCertificates { first: (*first).clone(), second: hub.clone() })
            }
            Some(_) => {}
            None => chosen = Some((hub, fingerprint)),
        }
    }
    Ok(chosen.map(|(_, fingerprint)| fingerprint))
}

/// What the device says when the certificate is not the one its invitation names.
pub const WRONG_CERTIFICATE: &str = "the hub's certificate is not the one the invitation names";

/// Accepts the one certificate whose SHA-256 is `fingerprint`; signatures are still checked.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if fingerprint_of(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(WRONG_CERTIFICATE.into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A client configuration that trusts only the certificate with this fingerprint.
pub(crate) fn pinned_client_config(fingerprint: &str) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        Arc::new(Pinned { fingerprint: fingerprint.trim().to_ascii_lowercase(), provider: provider.clone() });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Generate(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Accepts TLS connections: each handshake runs in its own task (a slow or silent client
/// never holds the others back) and gives up after a while.
pub(crate) struct TlsListener {
    ready: tokio::sync::mpsc::Receiver<(tokio_rustls::server::TlsStream<tokio::net::TcpStream>, std::net::SocketAddr)>,
    local: std::net::SocketAddr,
}

impl TlsListener {
    pub(crate) fn new(
        listener: tokio::net::TcpListener,
        config: Arc<rustls::ServerConfig>,
        lang: recolte_core::Lang,
    ) -> TlsListener {
        let local = listener.local_addr().unwrap_or_else(|_| std::net::SocketAddr::from(([0, 0, 0, 0], 0)));
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        let (done, ready) = tokio::sync::mpsc::channel(64);
        tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        crate::hub::hub_log!(
                            warn,
                            lang,
                            "impossible d'accepter une connexion : {}",
                            "accepting a connection: {}",
                            lang.pick(&recolte_core::lang::io_fr(&error), &recolte_core::lang::io_en(&error)),
                        );
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Keystrokes are tiny frames: no waiting for the peer's delayed acknowledgement.
                let _ = tcp.set_nodelay(true);
                let (acceptor, handed) = (acceptor.clone(), done.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => {
                            let _ = handed.send((stream, peer)).await;
                        }
                        Ok(Err(error)) => tracing::debug!("TLS handshake with {peer} failed: {error}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                });
                if done.is_closed() {
                    return;
                }
            }
        });
        TlsListener { ready, local }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The acceptor stopped: nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_laptops_own_addresses_are_pinned() {
        assert!(pins("wss://192.168.1.20:4455"));
        assert!(pins("wss://[fd00::20]:4455"));
        assert!(pins("wss://salle-3.local:4455"));
        assert!(!pins("wss://recolte.example.fr"));
        assert!(!pins("ws://192.168.1.20:4455"));
    }

    #[test]
    fn a_hub_keeps_its_certificate_and_its_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let first = HubIdentity::load_or_create(dir.path()).unwrap();
        let again = HubIdentity::load_or_create(dir.path()).unwrap();
        assert_eq!(first.fingerprint(), again.fingerprint());
        assert_eq!(first.fingerprint().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("key.der")).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key is private");
        }
        let other = tempfile::tempdir().unwrap();
        assert_ne!(HubIdentity::load_or_create(other.path()).unwrap().fingerprint(), first.fingerprint());
    }

    /// Cards for another laptop's hub carried this device's certificate (or none): each hub's
    /// own fingerprint now, or a refusal that names the hub.
    #[test]
    fn an_invitation_carries_the_certificate_of_the_hub_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let hubs = |list: &[&str]| list.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>();
        // Another computer (TEST-NET-1, never this one), as this device synced with it.
        let elsewhere = "wss://192.0.2.10:4455";
        let synced = crate::client::Target::new(elsewhere, "t").pinned(Some("ab".repeat(32)));
        let carried = invitation_fingerprint(dir.path(), &hubs(&[elsewhere]), Some(&synced)).unwrap();
        assert_eq!(carried, Some("ab".repeat(32)));
        assert!(!identity_dir(dir.path()).exists(), "its own certificate is not made for another hub");
        // Any other address (this computer's, or one it will have in the room): its own hub's
        // certificate, made now if it never served.
        let own = invitation_fingerprint(dir.path(), &hubs(&["wss://192.0.2.11:4455"]), Some(&synced)).unwrap();
        assert_eq!(own, Some(HubIdentity::load_or_create(&identity_dir(dir.path())).unwrap().fingerprint()));
        // Two certificates cannot ride one invitation; an address that does not pin needs none.
        let both = invitation_fingerprint(dir.path(), &hubs(&["wss://127.0.0.1:4455", elsewhere]), Some(&synced));
        assert!(matches!(both, Err(TlsError::TwoCertificates { .. })), "{both:?}");
        assert_eq!(invitation_fingerprint(dir.path(), &hubs(&["ws://192.0.2.11:4455"]), None).unwrap(), None);
    }
}
