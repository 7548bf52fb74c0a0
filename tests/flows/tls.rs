//! Encrypted in the room without a certificate authority: a laptop hub serves wss:// with a
//! certificate it keeps, invitations carry its fingerprint, devices pin it. Checked on the
//! wire: a relay between device and hub records every byte, and the token never crosses in
//! clear (while the same relay sees it over plain ws://); a hub with another certificate at
//! the same address is refused, saying why.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use crate::common::Replica;
use crate::sync::HubProcess;

/// A TCP relay to a hub that can be changed, recording what devices send.
struct Relay {
    addr: SocketAddr,
    upstream: Arc<Mutex<SocketAddr>>,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Relay {
    fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (upstream, sent) = (Arc::new(Mutex::new(upstream)), Arc::new(Mutex::new(Vec::new())));
        let (to, record) = (upstream.clone(), sent.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(*to.lock().unwrap()) else { continue };
                let (mut client_in, mut server_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let record = record.clone();
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 16384];
                    while let Ok(n) = client_in.read(&mut buffer) {
                        if n == 0 || server_out.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                        record.lock().unwrap().extend_from_slice(&buffer[..n]);
                    }
                    let _ = server_out.shutdown(std::net::Shutdown::Both);
                });
                let (mut server_in, mut client_out) = (server, client);
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut server_in, &mut client_out);
                    let _ = client_out.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        Relay { addr, upstream, sent }
    }

    fn saw(&self, text: &str) -> bool {
        let sent = self.sent.lock().unwrap();
        sent.windows(text.len()).any(|w| w == text.as_bytes())
    }
}

fn serve(replica: &Replica, tls: bool) -> HubProcess {
    let extra: &[&str] = if tls { &["--no-announce", "--tls"] } else { &["--no-announce"] };
    HubProcess::spawn(replica.path(), extra)
}

fn port(url: &str) -> SocketAddr {
    url.split("://").nth(1).unwrap().parse().unwrap()
}

fn token_of(link: &str) -> String {
    link.split("&t=").nth(1).unwrap().to_owned()
}

#[test]
fn a_device_pins_the_laptops_certificate_and_no_token_crosses_in_clear() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(4)[0].clone();
    let hub = serve(&organiser, true);
    let relay = Relay::start(port(&hub.url));
    let address = format!("wss://{}", relay.addr);
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &address]);
    assert!(link.contains("&f="), "the invitation carries the certificate's fingerprint: {link}");

    let device = Replica::new();
    device.ok(&["join", "--invitation", &link, "--name", "Jo"]);
    device.ok(&["proposal", "add", "--session", &session, "--title", "Chiffrée de bout en bout"]);
    device.ok(&["sync"]);
    assert!(organiser.ok(&["proposal", "list"]).contains("Chiffrée de bout en bout"));
    let token = token_of(&link);
    assert!(!relay.saw(&token) && !relay.saw(&token[token.len() - 40..]), "the token crossed the wire in clear");
    assert!(!relay.saw("Chiffrée"), "a proposal crossed the wire in clear");

    // Another computer at the same address, with another certificate: refused, nothing sent.
    let (impostor, _) = Replica::with_sample();
    let other = serve(&impostor, true);
    *relay.upstream.lock().unwrap() = port(&other.url);
    device.ok(&["proposal", "add", "--session", &session, "--title", "Pour le vrai serveur seulement"]);
    let refused = device.fails(&["sync"]);
    assert!(refused.contains("certificat"), "{refused}");
    let status = device.json(&["status"]);
    assert_eq!(status["summary"]["error"]["code"], "wrong_certificate", "{status}");
    assert!(!impostor.ok(&["proposal", "list", "--all"]).contains("Pour le vrai serveur"));
}

#[test]
fn the_wrong_scheme_or_no_fingerprint_is_told_with_what_to_do() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(4)[0].clone();
    let hub = serve(&organiser, true);
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    let token = token_of(&link);
    let device = Replica::new();
    // ws:// to a hub that speaks TLS.
    let plain = hub.url.replacen("wss://", "ws://", 1);
    let refused = device.fails(&["sync", "--hub", &plain, "--token", &token]);
    assert!(refused.contains("essayez wss:// au lieu de ws://"), "{refused}");
    // wss:// with a token alone: the certificate's fingerprint is in the invitation link.
    let refused = device.fails(&["sync", "--hub", &hub.url, "--token", &token]);
    assert!(refused.contains("rejoignez avec le lien d'invitation"), "{refused}");
    // wss:// to a hub that speaks in clear.
    let clear = serve(&organiser, false);
    let secure = clear.url.replacen("ws://", "wss://", 1);
    let refused = device.fails(&["sync", "--hub", &secure, "--token", &token]);
    assert!(refused.contains("essayez ws:// au lieu de wss://"), "{refused}");
}

#[test]
fn over_plain_ws_the_same_relay_sees_the_token() {
    // The control of the test above: the relay does record what crosses.
    let (organiser, _) = Replica::with_sample();
    let hub = serve(&organiser, false);
    let relay = Relay::start(port(&hub.url));
    let link = organiser.ok(&["invite", "create", "--role", "panel", "--hub", &format!("ws://{}", relay.addr)]);
    assert!(!link.contains("&f="), "no fingerprint for a plain ws:// hub");
    Replica::new().ok(&["join", "--invitation", &link, "--name", "Panel"]);
    assert!(relay.saw(&token_of(&link)));
}
