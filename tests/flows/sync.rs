//! Devices converging through a real `recolte hub` process on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use recolte_store::Store;

use crate::common::{recolte, wait_for, Replica, Watching};

/// A `recolte hub` process, killed when dropped.
pub struct HubProcess {
    child: Child,
    pub url: String,
}

impl HubProcess {
    /// `recolte --data-dir DIR hub --listen 127.0.0.1:0 EXTRA…`, once it accepts connections.
    pub fn spawn(data_dir: &Path, extra: &[&str]) -> HubProcess {
        HubProcess::spawn_at(data_dir, "127.0.0.1:0", extra)
    }

    /// The same at a given address (`127.0.0.1:PORT`): a hub started again where it was.
    pub fn spawn_at(data_dir: &Path, address: &str, extra: &[&str]) -> HubProcess {
        let mut child = recolte()
            .args(["--data-dir", data_dir.to_str().unwrap(), "hub", "--listen", address])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The hub prints its address once it accepts connections: no waiting on a timer.
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("ws://") || line.starts_with("wss://"), "the hub did not start: {line:?}");
        HubProcess { child, url: line.trim().to_owned() }
    }

    pub fn start(data_dir: &Path, trust: &str) -> HubProcess {
        HubProcess::spawn(data_dir, &["--trust", trust])
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL
        self.child.wait().unwrap();
    }

    /// The hub's counters, read over plain HTTP.
    pub fn metrics(&self) -> serde_json::Value {
        let address = self.url.trim_start_matches("ws://");
        let mut stream = TcpStream::connect(address).unwrap();
        write!(stream, "GET /metrics HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(body).unwrap_or_default()
    }
}

impl Drop for HubProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn public_key(replica: &Replica) -> String {
    replica.json(&["event", "show"])["public_key"].as_str().unwrap().to_owned()
}

fn organiser_token(replica: &Replica) -> String {
    replica.ok(&["token", "create", "--role", "organiser", "--name", "test"])
}

fn assert_identical(replicas: &[&Replica]) {
    let mut stores: Vec<Store> = replicas.iter().map(|r| Store::open(r.path()).unwrap()).collect();
    let event = stores[0].resolve_event(None).unwrap();
    let names = stores[0].documents(event).unwrap();
    let reference: Vec<String> = names.iter().map(|n| stores[0].document_json(n).unwrap()).collect();
    let projections = stores[0].dump_projections().unwrap();
    for (i, store) in stores.iter_mut().enumerate().skip(1) {
        for (name, expected) in names.iter().zip(&reference) {
            assert_eq!(&store.document_json(name).unwrap(), expected, "replica {i} differs on {name}");
        }
        assert_eq!(store.dump_projections().unwrap(), projections, "replica {i} has other projections");
    }
}

#[test]
fn three_devices_that_edited_offline_converge_through_a_hub_in_any_order() {
    for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
        let (organiser, _) = Replica::with_sample();
        let hub_dir = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(hub_dir.path(), &public_key(&organiser));
        let token = organiser_token(&organiser);
        organiser.ok(&["sync", "--hub", &hub.url, "--token", &token]);
        let session = organiser.sessions(2)[0].clone();
        let shared = organiser.ok(&["proposal", "add", "--session", &session, "--title", "Le droit à l'erreur"]);
        organiser.ok(&["sync"]);
        let facilitator_token = organiser.ok(&["token", "create", "--role", "facilitator", "--session", &session]);
        let (b, c) = (Replica::new(), Replica::new());
        b.ok(&["join", "--hub", &hub.url, "--token", &facilitator_token]);
        c.ok(&["join", "--hub", &hub.url, "--token", &token]);

        // Offline: all three change the same title in different places, and add their own.
        let replicas = [&organiser, &b, &c];
        let titles = ["Le droit à l'erreur pour tous", "Garantir le droit à l'erreur", "Le droit à l'erreur assumé"];
        for (replica, title) in replicas.iter().zip(titles) {
            replica.ok(&["proposal", "edit", &shared, "--title", title]);
            replica.ok(&["proposal", "add", "--session", &session, "--title", &format!("Idée de {title}")]);
        }
        for round in 0..2 {
            for &i in &order {
                let output = replicas[i].ok(&["--json", "sync"]);
                let report: serde_json::Value = serde_json::from_str(&output).unwrap();
                assert!(report["documents"].as_u64().unwrap() >= 2, "round {round}: {report}");
            }
        }
        assert_identical(&replicas);
        let listed = organiser.json(&["proposal", "list", "--session", &session]);
        let merged = listed.as_array().unwrap().iter().find(|p| p["id"] == shared.as_str()).unwrap();
        // Two insertions at the same place are ordered by the devices' client ids: either
        // order is right, as long as every edit is kept.
        let title = merged["title"].as_str().unwrap();
        assert!(
            ["Garantir le droit à l'erreur pour tous assumé", "Garantir le droit à l'erreur assumé pour tous"]
                .contains(&title),
            "order {order:?}: {title}"
        );
        assert_eq!(listed.as_array().unwrap().len(), 4);
    }
}

#[test]
fn a_hub_killed_mid_sync_loses_nothing_it_acknowledged() {
    let (organiser, _) = Replica::with_sample();
    let key = public_key(&organiser);
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path(), &key);
    let token = organiser_token(&organiser);
    let session = organiser.sessions(6)[0].clone();
    organiser.ok(&["proposal", "add", "--session", &session, "--title", "Acquis avant l'arrêt"]);
    organiser.ok(&["sync", "--hub", &hub.url, "--token", &token]);

    // A lot to send, and the hub dies while it is being sent.
    let lines: String =
        (0..400).map(|i| format!("{{\"title\": \"Proposition {i}\", \"body\": \"{}\"}}\n", "x".repeat(200))).collect();
    organiser.add_batch(&session, &lines);
    let mut sync = recolte()
        .args(["--data-dir", organiser.path().to_str().unwrap(), "sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let before = hub.metrics()["connections_total"].as_u64().unwrap();
    while hub.metrics()["connections_total"].as_u64().unwrap() == before && sync.try_wait().unwrap().is_none() {}
    hub.kill();
    let _ = sync.wait();

    // Restarted on the same journal: what it acknowledged is there, and the rest arrives.
    let hub = HubProcess::start(hub_dir.path(), &key);
    let newcomer = Replica::new();
    newcomer.ok(&["join", "--hub", &hub.url, "--token", &token]);
    let early = newcomer.json(&["proposal", "list"]);
    assert!(early.as_array().unwrap().iter().any(|p| p["title"] == "Acquis avant l'arrêt"));
    organiser.ok(&["sync", "--hub", &hub.url]);
    newcomer.ok(&["sync"]);
    assert_eq!(newcomer.json(&["proposal", "list"]).as_array().unwrap().len(), 401);
    assert_identical(&[&organiser, &newcomer]);
}

/// A `recolte hub` serving the data folder of the device that holds the event (no --trust).
pub fn serve_store(replica: &Replica) -> HubProcess {
    HubProcess::spawn(replica.path(), &[])
}

/// A facilitator's laptop does not serve the room from the command line either (the app
/// refuses it): a device that joined its session's card would pass on only that session, and
/// everyone syncing through it would read « à jour » while their work reached no one else.
#[test]
fn a_device_with_an_invitation_for_part_of_the_event_does_not_serve_the_room_and_says_what_waits() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(1)[0].clone();
    let hub = serve_store(&organiser);
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    let stderr = facilitator.fails(&["hub", "--listen", "127.0.0.1:0"]);
    assert!(stderr.contains("ne peut pas servir la salle") && stderr.contains("« animation »"), "{stderr}");
    let stderr = facilitator.fails(&["--lang", "en", "hub", "--listen", "127.0.0.1:0"]);
    assert!(stderr.contains("cannot serve the room") && stderr.contains("facilitator invitation"), "{stderr}");
    // The organiser's laptop, which holds the event's key, serves it (as `serve_store` did).
    // A proposal typed since the join: the status, which reads the store and syncs nothing,
    // says it is not synced yet, not that the hub is out of reach (it said « hors ligne »).
    facilitator.ok(&["proposal", "add", "--title", "Après la jonction"]);
    let status = facilitator.ok(&["status"]);
    assert!(status.contains("pas encore synchronisé : recolte sync") && !status.contains("hors ligne"), "{status}");
    facilitator.ok(&["sync"]);
    assert!(!facilitator.ok(&["status"]).contains("pas encore synchronisé"));
}

#[test]
fn a_hub_on_the_organisers_store_serves_it_at_once_and_saves_into_it() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(2)[0].clone();
    organiser.ok(&["proposal", "add", "--session", &session, "--title", "Écrite avant que le hub démarre"]);
    let hub = serve_store(&organiser);

    // A device joins: it gets everything the store holds, though nobody synced to the hub.
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", &link, "--name", "Sacha"]);
    let titles = |replica: &Replica| -> Vec<String> {
        let mut titles: Vec<String> = replica
            .json(&["proposal", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect();
        titles.sort();
        titles
    };
    assert_eq!(titles(&facilitator), ["Écrite avant que le hub démarre"]);

    // What it sends is in the organiser's store at once, projected: no sync of the organiser.
    facilitator.ok(&["proposal", "add", "--session", &session, "--title", "Envoyée au hub"]);
    facilitator.ok(&["sync"]);
    assert_eq!(titles(&organiser), ["Envoyée au hub", "Écrite avant que le hub démarre"]);

    // What the organiser writes in its store while the hub runs reaches the devices.
    organiser.ok(&["proposal", "add", "--session", &session, "--title", "Écrite pendant que le hub sert"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        facilitator.ok(&["sync"]);
        if titles(&facilitator).len() == 3 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the organiser's edit did not reach the device");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // A SIGKILL of the hub loses nothing it acknowledged: it is in the store.
    facilitator.ok(&["proposal", "add", "--session", &session, "--title", "Juste avant le SIGKILL"]);
    facilitator.ok(&["sync"]);
    hub.kill();
    assert!(titles(&organiser).contains(&"Juste avant le SIGKILL".to_owned()));
    organiser.ok(&["store", "check"]);
    let again = serve_store(&organiser);
    let newcomer = Replica::new();
    let link = organiser.ok(&["invite", "create", "--role", "organiser", "--hub", &again.url]);
    newcomer.ok(&["join", "--invitation", &link, "--name", "Relève"]);
    assert_eq!(titles(&newcomer), titles(&organiser));
}

/// The organiser's laptop serves the room and syncs with the event's server at once: what the
/// room's devices send it reaches the server while its sync keeps running, and it counts as
/// not yet shared until the server has it (it was logged as coming from a hub, and waited for
/// the laptop's next reconnection while the status said « 0 non partagée »).
#[test]
fn a_laptop_serving_the_room_passes_the_rooms_work_on_to_the_server_it_syncs_with() {
    let (organiser, _) = Replica::with_sample();
    let server_dir = tempfile::tempdir().unwrap();
    let server = HubProcess::start(server_dir.path(), &public_key(&organiser));
    let token = organiser_token(&organiser);
    organiser.ok(&["sync", "--hub", &server.url, "--token", &token]);
    let session = organiser.sessions(4)[0].clone();
    let room = serve_store(&organiser);
    let watching = Watching::start(&organiser);
    wait_for("the laptop's sync is up to date", Duration::from_secs(15), || {
        watching.printed().lines().last().is_some_and(|line| line.contains("0 modification non partagée"))
    });

    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &room.url]);
    let in_the_room = Replica::new();
    in_the_room.ok(&["join", "--invitation", &link, "--name", "Sacha"]);
    in_the_room.ok(&["proposal", "add", "--session", &session, "--title", "Passée par le portable"]);
    in_the_room.ok(&["sync"]);

    let elsewhere = Replica::new();
    elsewhere.ok(&["join", "--hub", &server.url, "--token", &token]);
    wait_for("the room's proposal reaches the server", Duration::from_secs(15), || {
        elsewhere.ok(&["sync"]);
        elsewhere.json(&["proposal", "list"]).as_array().unwrap().iter().any(|p| p["title"] == "Passée par le portable")
    });
    wait_for("the laptop says everything is shared", Duration::from_secs(15), || {
        watching.printed().lines().last().is_some_and(|line| line.contains("0 modification non partagée"))
    });
    let listed = organiser.json(&["proposal", "list", "--session", &session]);
    let relayed = listed.as_array().unwrap().iter().find(|p| p["title"] == "Passée par le portable").unwrap();
    let history = organiser.ok(&["history", "proposal", relayed["id"].as_str().unwrap()]);
    assert!(history.contains("reçue d'un appareil de la salle"), "{history}");
}

/// A TCP relay between devices and a hub that can fall silent: it keeps every connection open
/// and passes nothing on, as a hub whose laptop went to sleep or a device the access point
/// dropped without a word.
struct SilentRelay {
    url: String,
    silent: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl SilentRelay {
    /// The same, passing at most `rate` bytes per second from the hub to devices (a crowded
    /// venue Wi-Fi).
    fn throttled(hub_url: &str, rate: Option<usize>) -> SilentRelay {
        use std::sync::atomic::Ordering;
        let hub = hub_url.trim_start_matches("ws://").to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let silent = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let quiet = silent.clone();
        std::thread::spawn(move || {
            for device in listener.incoming() {
                let Ok(device) = device else { return };
                let Ok(upstream) = TcpStream::connect(&hub) else { continue };
                for (mut from, mut to, rate) in
                    [(device.try_clone().unwrap(), upstream.try_clone().unwrap(), None), (upstream, device, rate)]
                {
                    let quiet = quiet.clone();
                    std::thread::spawn(move || {
                        let mut buffer = [0u8; 4 << 10];
                        while let Ok(n @ 1..) = from.read(&mut buffer) {
                            if !quiet.load(Ordering::SeqCst) && to.write_all(&buffer[..n]).is_err() {
                                return;
                            }
                            if let Some(rate) = rate {
                                std::thread::sleep(Duration::from_secs_f64(n as f64 / rate as f64));
                            }
                        }
                    });
                }
            }
        });
        SilentRelay { url, silent }
    }

    fn fall_silent(&self, silent: bool) {
        self.silent.store(silent, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An organiser syncing with a hub, and a facilitator of one session of `theme` that reaches
/// the hub through a relay (that may fall silent, or pass `rate` bytes per second).
struct BehindRelay {
    organiser: Replica,
    session: String,
    relay: SilentRelay,
    device: Replica,
    _hub: (HubProcess, tempfile::TempDir),
}

impl BehindRelay {
    fn new(theme: u32, rate: Option<usize>) -> BehindRelay {
        let (organiser, _) = Replica::with_sample();
        let hub_dir = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(hub_dir.path(), &public_key(&organiser));
        organiser.ok(&["sync", "--hub", &hub.url, "--token", &organiser_token(&organiser)]);
        let session = organiser.sessions(theme)[0].clone();
        let token = organiser.ok(&["token", "create", "--role", "facilitator", "--session", &session]);
        let relay = SilentRelay::throttled(&hub.url, rate);
        let device = Replica::new();
        device.ok(&["join", "--hub", &relay.url, "--token", &token]);
        BehindRelay { organiser, session, relay, device, _hub: (hub, hub_dir) }
    }
}

/// A hub that stops answering without closing the connection: the watching device says it is
/// no longer up to date within seconds, tries again, and what was typed meanwhile goes out once
/// the hub answers (it said « à jour » for as long as the system kept the dead connection).
#[test]
fn a_hub_fallen_silent_is_noticed_and_the_device_reconnects() {
    // The hub lives as long as `_hub` does.
    let BehindRelay { organiser, session, relay, device, _hub } = BehindRelay::new(7, None);
    let watching = Watching::start(&device);
    let last_line = || watching.printed().lines().last().unwrap_or_default().to_owned();
    wait_for("the device is up to date", Duration::from_secs(15), || last_line().starts_with("2/2 "));

    relay.fall_silent(true);
    device.ok(&["proposal", "add", "--session", &session, "--title", "Écrite pendant le silence"]);
    wait_for("the device notices the silence", Duration::from_secs(40), || last_line().starts_with("0/2 "));

    relay.fall_silent(false);
    wait_for("the device is up to date again", Duration::from_secs(40), || {
        last_line().starts_with("2/2 ") && last_line().contains("0 modification non partagée")
    });
    organiser.ok(&["sync"]);
    let listed = organiser.json(&["proposal", "list", "--session", &session]);
    assert!(listed.as_array().unwrap().iter().any(|p| p["title"] == "Écrite pendant le silence"), "{listed}");
}

/// On a slow network a catch-up of hundreds of kilobytes takes longer than the silence limit to
/// arrive as one message: the device hears it coming, byte after byte, and waits for it (it
/// took the hub for silent, reconnected, and started again, for ever).
#[test]
fn a_catch_up_slower_than_the_silence_limit_still_arrives() {
    let BehindRelay { organiser, session, device, _hub, .. } = BehindRelay::new(8, Some(12_000));

    // Text that does not compress, as the day's text does not compress to nothing.
    let mut seed: u64 = 2026;
    let mut next = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed >> 33
    };
    let mut words = |n: usize| -> String {
        (0..n)
            .map(|_| {
                let len = 3 + (next() % 8) as usize;
                (0..len).map(|_| (b'a' + (next() % 26) as u8) as char).collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let lines: String =
        (0..40).map(|i| format!("{{\"title\": \"Longue {i}\", \"body\": \"{}\"}}\n", words(2_000))).collect();
    organiser.add_batch(&session, &lines);
    organiser.ok(&["sync"]);

    let watching = Watching::start(&device);
    let last_line = || watching.printed().lines().last().unwrap_or_default().to_owned();
    let started = std::time::Instant::now();
    wait_for("the slow catch-up arrives", Duration::from_secs(90), || last_line().starts_with("2/2 "));
    // Longer than the device's 20 s silence limit, or this proves nothing.
    assert!(started.elapsed() > Duration::from_secs(21), "too quick to test anything: {:?}", started.elapsed());
    assert!(!watching.printed().contains(" 1 hors ligne"), "it gave up on the hub: {}", watching.printed());
    assert_eq!(device.json(&["proposal", "list", "--session", &session]).as_array().unwrap().len(), 40);
}

/// The hub's log is read by whoever runs it: in the language asked for. What a refused device
/// is told stays the protocol's English close reason, which devices translate by its code.
#[test]
fn the_hubs_log_speaks_the_language_of_the_person_running_it() {
    let (organiser, _) = Replica::with_sample();
    // The token names whom it was for: the log says it, so the organiser knows whom to call.
    let token = organiser.ok(&["token", "create", "--role", "panel", "--name", "Camille"]);
    for (lang, listening, refused) in [
        (
            "fr",
            "serveur à l'écoute sur",
            "connexion refusée à « pas-une-salle » (invitation de « Camille ») : salle inconnue",
        ),
        (
            "en",
            "hub listening on",
            "refused a connection to \"pas-une-salle\" (invitation of \"Camille\"): unknown room",
        ),
    ] {
        let log_path = organiser.path().join(format!("hub-{lang}.log"));
        let mut child = recolte()
            .args(["--data-dir", organiser.path().to_str().unwrap(), "--lang", lang])
            .args(["hub", "--listen", "127.0.0.1:0", "--no-announce"])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().trim_start_matches("ws://").to_owned();
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "GET /pas-une-salle?token={token} HTTP/1.1\r\nHost: {address}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.contains("unknown room"), "the close reason stays English on the wire: {answer}");
        child.kill().unwrap();
        child.wait().unwrap();
        let log = std::fs::read_to_string(&log_path).unwrap();
        assert!(log.contains(listening) && log.contains(refused), "{lang}: {log}");
    }
}

/// An invitation names two hubs and the device joined the first; that one goes (the laptop
/// left): `recolte sync` takes the invitation's other hub, says so, and stays with it.
#[test]
fn a_sync_whose_hub_is_gone_takes_the_invitations_other_hub() {
    let (organiser, _) = Replica::with_sample();
    let key = public_key(&organiser);
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (first, second) = (HubProcess::start(first_dir.path(), &key), HubProcess::start(second_dir.path(), &key));
    for hub in [&first.url, &second.url] {
        organiser.ok(&["sync", "--hub", hub]);
    }
    let session = organiser.sessions(2)[0].clone();
    let link = organiser.facilitator_card(&session, &[&first.url, &second.url]);
    let device = Replica::new();
    device.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    let first_url = first.url.clone();
    first.kill();
    device.ok(&["proposal", "add", "--session", &session, "--title", "Partie par l'autre serveur"]);
    let output = device.run(&["sync"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("ne répond plus : synchronisation avec") && said.contains(&second.url), "{said}");
    assert_eq!(device.json(&["status"])["summary"]["hub"], second.url.as_str());
    organiser.ok(&["sync", "--hub", &second.url]);
    assert!(organiser.ok(&["proposal", "list"]).contains("Partie par l'autre serveur"));

    // The first hub back (after a one-second outage, say): the next sync goes back there with
    // what was typed meanwhile, where the devices that never left it are; it stayed on the
    // second for good, every device reading « à jour » on its own hub.
    let address = first_url.trim_start_matches("ws://").to_owned();
    let _back = HubProcess::spawn_at(first_dir.path(), &address, &["--trust", &key]);
    device.ok(&["proposal", "add", "--session", &session, "--title", "Revenue sur le premier"]);
    let output = device.run(&["sync"]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains(&format!("{first_url} répond de nouveau : synchronisation avec lui")), "{said}");
    assert_eq!(device.json(&["status"])["summary"]["hub"], first_url.as_str());
    organiser.ok(&["sync", "--hub", &first_url]);
    let listed = organiser.ok(&["proposal", "list"]);
    assert!(listed.contains("Revenue sur le premier"), "{listed}");
    // A hub typed by hand that does not answer is said, not replaced by the invitation's.
    let typo = "ws://127.0.0.1:9";
    let refused = device.fails(&["sync", "--hub", typo]);
    assert!(refused.contains(typo) && !refused.contains("synchronisation avec"), "{refused}");
    assert_eq!(device.json(&["status"])["summary"]["hub"], first_url.as_str(), "nothing remembered");
    // Told where to sync by hand, it stays there.
    device.ok(&["sync", "--hub", &second.url]);
    let output = device.run(&["sync"]);
    assert!(!String::from_utf8_lossy(&output.stderr).contains("répond de nouveau"), "{output:?}");
    assert_eq!(device.json(&["status"])["summary"]["hub"], second.url.as_str());
}

/// An event restored from its open data is an archive with a key of its own: synced with the
/// original's hub, it is told that hub does not trust its key (it was told its invitation link
/// was damaged, on a device that has none).
#[test]
fn a_restored_archive_synced_with_the_originals_hub_is_told_the_key_is_not_trusted() {
    let (organiser, _) = Replica::with_sample();
    let key = public_key(&organiser);
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path(), &key);
    organiser.ok(&["sync", "--hub", &hub.url]);
    let data = tempfile::tempdir().unwrap();
    organiser.ok(&["export", "opendata", "--out", data.path().to_str().unwrap()]);
    let archive = Replica::new();
    archive.ok(&["import", "opendata", data.path().to_str().unwrap()]);
    let refused = archive.fails(&["sync", "--hub", &hub.url]);
    assert!(
        refused.contains("ne fait pas confiance à la clé de cet événement") && !refused.contains("recopiez"),
        "{refused}"
    );
}
