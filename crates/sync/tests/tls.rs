//! A hub behind a TLS reverse proxy, reached with `wss://`: devices sync through it when they
//! trust its certificate, and refuse it, saying why, when they do not. Its own test binary:
//! it sets `SSL_CERT_FILE`, which is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use recolte_store::Store;
use recolte_sync::client::{self, SyncError, Target};
use recolte_sync::hub::{self, HubConfig};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Terminates TLS for `localhost` and forwards each connection to `upstream`, as nginx or
/// Caddy would in front of a hub.
async fn tls_proxy(upstream: SocketAddr, cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> SocketAddr {
    let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![cert], key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut client) = acceptor.accept(client).await else { return };
                let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_sync_through_wss_when_they_trust_the_certificate() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let certs = tempfile::tempdir().unwrap();
    let trusted = certs.path().join("trusted.pem");
    std::fs::write(&trusted, certified.cert.pem()).unwrap();
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let untrusted = certs.path().join("other.pem");
    std::fs::write(&untrusted, other.cert.pem()).unwrap();

    let (organiser, event, key, token) = recolte_test_support::organiser_with_event();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub =
        hub::start(HubConfig::new("127.0.0.1:0".parse().unwrap(), hub_dir.path().to_owned(), vec![key])).await.unwrap();
    let proxy = tls_proxy(
        hub.addr,
        certified.cert.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der())),
    )
    .await;
    let target = Target::new(format!("wss://localhost:{}", proxy.port()), token);
    let organiser = organiser.store.clone();

    // A certificate this device does not trust: refused, and the reason says so.
    std::env::set_var("SSL_CERT_FILE", &untrusted);
    match client::sync_once(organiser.clone(), &target).await {
        Err(SyncError::UnknownCertificate { reason, .. }) => {
            assert!(reason.en.contains("certificate") && reason.fr.contains("certificat du serveur"), "{reason:?}")
        }
        other => panic!("an untrusted certificate was accepted: {other:?}"),
    }

    // Trusted (as an administration's own authority would be, in the system's store).
    std::env::set_var("SSL_CERT_FILE", &trusted);
    client::sync_once(organiser.clone(), &target).await.unwrap();
    let device_dir = tempfile::tempdir().unwrap();
    let device = Arc::new(Mutex::new(Store::open(device_dir.path()).unwrap()));
    let report = client::sync_once(device.clone(), &target).await.unwrap();
    assert!(report.updates_received > 0);
    assert_eq!(device.lock().unwrap().sessions(event, None).unwrap().len(), 36);
    hub.stop().await.unwrap();
}
