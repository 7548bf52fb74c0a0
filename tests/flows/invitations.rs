//! Invitations on real binaries and a real hub: a link joins a device with its role, the
//! hub enforces it, a revocation travels in the event's documents and closes the device's
//! connections within seconds, expired invitations say so, and the printed sheet's QR codes
//! read back as their links.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{wait_for, Replica, Watching};
use crate::sync::HubProcess;

/// The organiser's laptop with the sample event, a hub trusting it, and the organiser's own
/// device joined to the hub by invitation (so that the hub holds the programme).
struct Event {
    organiser: Replica,
    hub: HubProcess,
    _hub_dir: tempfile::TempDir,
}

impl Event {
    fn new() -> Event {
        let (organiser, _) = Replica::with_sample();
        let key = organiser.json(&["event", "show"])["public_key"].as_str().unwrap().to_owned();
        let hub_dir = tempfile::tempdir().unwrap();
        let hub = HubProcess::start(hub_dir.path(), &key);
        let event = Event { organiser, hub, _hub_dir: hub_dir };
        let link = event.invite(&["--role", "organiser", "--for", "Organisation"]);
        event.organiser.ok(&["join", "--invitation", &link, "--name", "Organisation"]);
        event
    }

    /// Creates an invitation for this hub; returns its link.
    fn invite(&self, args: &[&str]) -> String {
        let mut all = vec!["invite", "create", "--hub", &self.hub.url];
        all.extend_from_slice(args);
        self.organiser.ok(&all)
    }

    fn invitations(&self) -> Vec<Value> {
        self.organiser.json(&["invite", "list"]).as_array().unwrap().clone()
    }
}

/// An invitation made with no `--hub` names the hub the organiser's device syncs with, and
/// says so; with none known, it names no hub, and a warning says how such a card is joined.
#[test]
fn invitations_without_a_hub_name_the_one_this_device_syncs_with_or_say_they_name_none() {
    let (alone, _) = Replica::with_sample();
    let output = alone.run(&["invite", "create", "--role", "panel"]);
    assert!(output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("ne nomment aucun serveur") && said.contains("--hub"), "{said}");
    let link = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(!link.contains("&h="), "{link}");

    let event = Event::new();
    let output = event.organiser.run(&["--lang", "en", "invite", "create", "--role", "panel"]);
    assert!(output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("the hub this device syncs with"), "{said}");
    let link = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let invitation = recolte_core::invitation::Invitation::parse(&link).unwrap();
    assert_eq!(invitation.hubs, std::slice::from_ref(&event.hub.url));
}

/// A facilitator whose card covers one session captures without its id: the session is the
/// card's (its id was the only way, and nothing pointed it out); an organiser is told what is
/// missing and where the ids are.
#[test]
fn a_facilitator_with_one_session_captures_without_typing_its_id() {
    let event = Event::new();
    let session = event.organiser.sessions(1)[0].clone();
    let link = event.invite(&["--role", "facilitator", "--session", &session, "--for", "Camille"]);
    let camille = Replica::new();
    camille.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    camille.ok(&["subgroup", "add", "Groupe A"]);
    let id = camille.ok(&["proposal", "add", "--title", "Un référent par direction", "--subgroup", "Groupe A"]);
    let listed = camille.json(&["proposal", "list", "--session", &session]);
    assert_eq!(listed[0]["id"], id.as_str(), "{listed}");
    // The same clock as the session's own (its run-sheet and start; the seconds left move on).
    let (own, named) = (camille.json(&["session", "clock"]), camille.json(&["session", "clock", &session]));
    assert_eq!((&own["started_at"], &own["phases"]), (&named["started_at"], &named["phases"]));
    let stderr = event.organiser.fails(&["subgroup", "add", "Groupe B"]);
    assert!(stderr.contains("il manque --session") && stderr.contains("recolte session list"), "{stderr}");
    // Invitations are the organiser's device's: said by the event's name, before anything else
    // (it listed « aucune invitation », or named the hub the cards would carry, then refused).
    let name = camille.json(&["event", "show"])["name"].as_str().unwrap().to_owned();
    for command in [&["invite", "list"][..], &["invite", "create", "--role", "panel"][..]] {
        let refused = camille.fails(command);
        assert!(
            refused.starts_with(&format!(
                "erreur : cet appareil ne détient pas la clé de signature de l'événement « {name} »"
            )),
            "{refused}"
        );
    }
}

fn status(device: &Replica) -> Value {
    device.json(&["status"])
}

fn doc_status<'a>(status: &'a Value, session: &str) -> &'a Value {
    status["documents"].as_array().unwrap().iter().find(|d| d["doc"].as_str().unwrap().ends_with(session)).unwrap()
}

fn titles(device: &Replica) -> Vec<String> {
    let list = device.json(&["proposal", "list"]);
    let mut titles: Vec<String> =
        list.as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap().to_owned()).collect();
    titles.sort();
    titles
}

#[test]
fn an_invitation_link_joins_a_facilitator_who_writes_its_session_and_not_another() {
    let event = Event::new();
    let sessions = event.organiser.sessions(3);
    let (own, other) = (&sessions[0], &event.organiser.sessions(4)[0]);

    let created = event.organiser.json(&[
        "invite",
        "create",
        "--role",
        "facilitator",
        "--session",
        own,
        "--hub",
        &event.hub.url,
        "--for",
        "Camille Dupré",
        "--valid",
        "2d",
    ]);
    for field in ["id", "link", "role", "sessions", "themes", "for", "expires_at"] {
        assert!(created.get(field).is_some(), "{field} missing from {created}");
    }
    assert_eq!(created["role"], "facilitator");
    assert_eq!(created["for"], "Camille Dupré");
    let link = created["link"].as_str().unwrap();
    assert!(link.starts_with("recolte://join?v=1&"), "{link}");

    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", link, "--name", "Camille"]);
    assert_eq!(facilitator.ok(&["device", "name"]), "Camille", "the name signs the device's proposals");
    // The programme and its own session, nothing else.
    assert_eq!(facilitator.sessions(3).len(), event.organiser.sessions(3).len());
    facilitator.ok(&["proposal", "add", "--session", own, "--title", "Des élus formés à l'innovation"]);
    // Another session is not this invitation's: refused, said why, nothing saved.
    let before = titles(&facilitator);
    let refused = facilitator.fails(&["proposal", "add", "--session", other, "--title", "Hors de mes droits"]);
    assert!(refused.contains("ne lui permet pas d'écrire dans cette session"), "{refused}");
    assert!(refused.contains("rien n'a été enregistré"), "{refused}");
    assert_eq!(titles(&facilitator), before);
    // The theme's synthesis is not this device's to hold: said so, never « nothing merged ».
    let listed = facilitator.run(&["synthesis", "list", "--theme", "3"]);
    assert!(String::from_utf8_lossy(&listed.stderr).contains("ne détient pas la synthèse du thème 3"));
    let out = facilitator.path().join("decidim.json");
    let refused = facilitator.fails(&["export", "decidim", "--theme", "3", "--out", out.to_str().unwrap()]);
    assert!(refused.contains("cet appareil ne détient pas la synthèse du thème 3"), "{refused}");

    // A change made while the invitation covered it, before a narrower one replaced it, and
    // that the wider one can no longer share (it was revoked meanwhile): kept, and counted
    // apart, never shown as shared. (While the wider one could, the join shares it first.)
    let wider = event.organiser.json(&[
        "invite",
        "create",
        "--role",
        "facilitator",
        "--session",
        own,
        "--session",
        other,
        "--hub",
        &event.hub.url,
    ]);
    facilitator.ok(&["join", "--invitation", wider["link"].as_str().unwrap(), "--name", "Camille"]);
    facilitator.ok(&["proposal", "add", "--session", other, "--title", "Hors de mes droits"]);
    event.organiser.ok(&["invite", "revoke", wider["id"].as_str().unwrap()]);
    event.organiser.ok(&["sync"]);
    facilitator.ok(&["join", "--invitation", link, "--name", "Camille"]);
    let synced = facilitator.ok(&["sync"]);
    assert!(
        synced.contains("mais 1 modification hors de vos droits : ce serveur ne la prendra pas avec cette invitation ; un paquet (recolte bundle export) la porte"),
        "{synced}"
    );

    let after = status(&facilitator);
    let own_line = doc_status(&after, own);
    assert_eq!((own_line["access"].as_str(), own_line["unsent"].as_u64()), (Some("write"), Some(0)), "{own_line}");
    assert!(own_line["last_exchange"].is_string(), "{own_line}");
    assert!(own_line["error"].is_null(), "{own_line}");
    // The other session's change is counted apart, never shown as shared.
    let other_line = doc_status(&after, other);
    assert_eq!(other_line["out_of_rights"], true, "{other_line}");
    assert_eq!(other_line["unsent"], 1, "{other_line}");
    assert_eq!(after["summary"]["state"], "out_of_rights", "{after}");

    event.organiser.ok(&["sync"]);
    assert_eq!(titles(&event.organiser), ["Des élus formés à l'innovation"]);
    let invitation = event.invitations().into_iter().find(|i| i["for"] == "Camille Dupré").unwrap();
    assert_eq!(invitation["state"], "joined", "{invitation}");
    assert_eq!(invitation["joined_by"], "Camille", "{invitation}");
    assert!(invitation["joined_at"].is_string());
    assert!(invitation["scope"]["label"].as_str().unwrap().contains("Thème 3"), "{invitation}");
}

#[test]
fn a_revoked_invitation_is_refused_within_seconds_and_the_device_keeps_its_data() {
    let event = Event::new();
    let session = event.organiser.sessions(5)[0].clone();
    let link = event.invite(&["--role", "facilitator", "--session", &session, "--for", "Dominique"]);
    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", &link, "--name", "Dominique"]);
    facilitator.ok(&["proposal", "add", "--session", &session, "--title", "Partagée avant"]);
    facilitator.ok(&["sync"]);

    // The facilitator keeps syncing in the background, connected to the hub.
    let watching = Watching::start(&facilitator);
    wait_for("the watching device connects", Duration::from_secs(10), || {
        event.hub.metrics()["clients"].as_u64() >= Some(2)
    });
    let connected = event.hub.metrics()["clients"].as_u64().unwrap();

    let id =
        event.invitations().into_iter().find(|i| i["for"] == "Dominique").unwrap()["id"].as_str().unwrap().to_owned();
    event.organiser.ok(&["invite", "revoke", &id]);
    let revoked_at = Instant::now();
    event.organiser.ok(&["sync"]);
    // The hub closes the device's connections, and the device says why.
    wait_for("the hub closes the revoked connections", Duration::from_secs(5), || {
        event.hub.metrics()["clients"].as_u64().unwrap() < connected
    });
    wait_for("the device's status says revoked", Duration::from_secs(5), || {
        status(&facilitator)["summary"]["error"]["code"] == "revoked"
    });
    assert!(revoked_at.elapsed() < Duration::from_secs(5));
    // The watch says it refused, and why, in words (not « hors ligne »); what is typed
    // meanwhile is counted as waiting.
    wait_for("the watch says refused", Duration::from_secs(5), || {
        watching.printed().contains(" ; l'organisation a révoqué votre invitation")
    });
    facilitator.ok(&["proposal", "add", "--session", &session, "--title", "Pendant le refus"]);
    wait_for("the watch counts what waits", Duration::from_secs(5), || {
        watching.printed().lines().last().is_some_and(|line| line.contains("1 modification non partagée"))
    });
    drop(watching);

    facilitator.ok(&["proposal", "add", "--session", &session, "--title", "Écrite après la révocation"]);
    let refused = facilitator.fails(&["sync"]);
    assert!(refused.contains("révoqué"), "{refused}");
    let after = status(&facilitator);
    assert_eq!(after["summary"]["state"], "refused", "{after}");
    assert_eq!(doc_status(&after, &session)["error"]["code"], "revoked");
    assert_eq!(doc_status(&after, &session)["unsent"], 2);
    assert_eq!(event.invitations().into_iter().find(|i| i["id"] == id.as_str()).unwrap()["state"], "revoked");

    // Nothing it saved is lost; with a new invitation it shares again.
    assert_eq!(titles(&facilitator), ["Partagée avant", "Pendant le refus", "Écrite après la révocation"]);
    let again = event.invite(&["--role", "facilitator", "--session", &session, "--for", "Dominique"]);
    facilitator.ok(&["join", "--invitation", &again, "--name", "Dominique"]);
    let after = status(&facilitator);
    assert_eq!(doc_status(&after, &session)["unsent"], 0, "{after}");
    assert!(doc_status(&after, &session)["error"].is_null(), "{after}");
    event.organiser.ok(&["sync"]);
    assert_eq!(titles(&event.organiser), ["Partagée avant", "Pendant le refus", "Écrite après la révocation"]);
}

#[test]
fn an_expired_invitation_is_refused_with_its_date_and_changes_nothing() {
    let event = Event::new();
    // Signed an hour ago for one minute: what a card kept too long looks like.
    let store = recolte_store::Store::open(event.organiser.path()).unwrap();
    let id = store.resolve_event(None).unwrap();
    let keys = store.event_keys(id).unwrap().unwrap();
    let scope = recolte_core::access::Scope {
        event: id,
        role: recolte_core::access::Role::Panel,
        sessions: vec![],
        themes: vec![],
    };
    let token = recolte_core::token::issue(&keys.secret, &scope, Some("Panel"), time::Duration::minutes(-60)).unwrap();
    drop(store);
    let link = recolte_core::invitation::Invitation {
        event: id,
        event_name: "Assises".into(),
        hubs: vec![event.hub.url.clone()],
        fingerprint: None,
        token,
    }
    .link();

    let device = Replica::new();
    let refused = device.fails(&["join", "--invitation", &link, "--name", "Panel"]);
    assert!(refused.contains("expiré"), "{refused}");
    assert!(device.fails(&["event", "show"]).contains("aucun événement"), "nothing was set up");

    // A device that joined in time, then kept its token too long: the hub refuses it, and the
    // status says so with the date.
    let short = recolte_core::token::issue(&keys.secret, &scope, Some("Panel"), time::Duration::seconds(3)).unwrap();
    let started = Instant::now();
    let joined = device.run(&["join", "--hub", &event.hub.url, "--token", &short]);
    assert!(joined.status.success(), "{joined:?}");
    // Named as the link form names it: the event and what the invitation lets this device do.
    let said = String::from_utf8_lossy(&joined.stderr);
    let name = device.json(&["event", "show"])["name"].as_str().unwrap().to_owned();
    assert!(said.contains(&format!("{name} — Panel de clôture")), "{said}");
    std::thread::sleep(Duration::from_secs(4).saturating_sub(started.elapsed()));
    let refused = device.fails(&["sync"]);
    assert!(refused.contains("expiré le"), "{refused}");
    // On the event's clock, as `invite list` and the status give it (it was this machine's).
    let timezone = device.json(&["event", "show"])["timezone"].as_str().unwrap().to_owned();
    let expires = recolte_core::token::peek(&short).unwrap().expires_at;
    let shown = recolte_core::moment::local_moment(&expires, Some(&timezone));
    assert!(refused.contains(&shown), "{refused} does not say {shown}");
    let after = status(&device);
    assert_eq!(after["summary"]["state"], "refused", "{after}");
    assert_eq!(after["summary"]["error"]["code"], "expired", "{after}");
}

#[test]
fn a_wrong_link_and_an_unreachable_hub_are_told_in_words() {
    let device = Replica::new();
    let error = device.fails(&["join", "--invitation", "https://example.org/join?t=abc"]);
    assert!(error.contains("lien d'invitation"), "{error}");
    let event = Event::new();
    let session = event.organiser.sessions(1)[0].clone();
    let link = event.organiser.facilitator_card(&session, &["ws://127.0.0.1:9"]);
    // Cut when copied, in its token: said of the link (it spoke of « le jeton », and told to
    // join with the link, which was just done).
    let cut = &link[..link.len() - 40];
    let error = device.fails(&["join", "--invitation", cut]);
    assert!(error.contains("ce lien d'invitation est abîmé") && !error.contains("rejoignez avec"), "{error}");
    // No hub answers: the invitation is kept for later, and the command says so.
    let output = device.run(&["join", "--invitation", &link, "--name", "Alix"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("impossible de joindre"), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("invitation enregistrée"), "{output:?}");
    assert_eq!(status(&device)["summary"]["error"]["code"], "unreachable");
    // The event is on its way: not « join one », which was just done.
    let waiting = device.fails(&["proposal", "list"]);
    assert!(waiting.contains("l'événement n'est pas encore arrivé"), "{waiting}");
}

/// Prints the sheet to PDF with Chromium, rasterises it as a printer would (poppler's
/// pdftoppm, 200 dpi) and reads every QR code back with zbar (zbarimg), all from Debian.
fn decode_printed_sheet(sheet: &Path) -> Vec<String> {
    let dir = sheet.parent().unwrap();
    let pdf = dir.join("sheet.pdf");
    let tool = |name: &str| {
        Command::new(name).arg("--version").output().map(|_| ()).unwrap_or_else(|_| {
            panic!("{name} is needed to read the printed sheet back (Debian: chromium, poppler-utils, zbar-tools)")
        })
    };
    tool("chromium");
    tool("pdftoppm");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", sheet.display()))
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success() && pdf.exists(), "chromium did not print the sheet");
    let status = Command::new("pdftoppm").args(["-r", "200", "-png"]).arg(&pdf).arg(dir.join("page")).status().unwrap();
    assert!(status.success());
    let mut pages: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("page"))
        .collect();
    pages.sort();
    let mut links = Vec::new();
    for page in pages {
        let output = Command::new("zbarimg")
            .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
            .arg(&page)
            .output()
            .expect("zbarimg (Debian: zbar-tools) reads the QR codes");
        links.extend(String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned));
    }
    links
}

#[test]
fn the_invitation_sheet_has_one_qr_code_per_invitation_that_reads_back_as_its_link() {
    let (organiser, _) = Replica::with_sample();
    let sheet = organiser.path().join("print").join("invitations.html");
    std::fs::create_dir_all(sheet.parent().unwrap()).unwrap();
    let written = organiser.json(&[
        "invite",
        "all",
        "--hub",
        "ws://192.168.1.20:4455",
        "--valid",
        "3d",
        "--sheet",
        sheet.to_str().unwrap(),
    ]);
    let invitations = written["invitations"].as_array().unwrap();
    // 36 sessions, 10 themes, the panel.
    assert_eq!(invitations.len(), 47);
    let html = std::fs::read_to_string(&sheet).unwrap();
    assert_eq!(html.matches("<svg").count(), 47);
    // Every card holds a token: the file is its owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&sheet).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let mut expected: Vec<String> = invitations.iter().map(|i| i["link"].as_str().unwrap().to_owned()).collect();
    let mut decoded = decode_printed_sheet(&sheet);
    expected.sort();
    decoded.sort();
    assert_eq!(decoded, expected, "every card's code reads back as its link, and only those");
    // The sheet names what each card is for.
    assert!(html.contains("Rapporteur · Thème 8"), "a rapporteur's card");
    assert!(html.contains("Panel de clôture"));

    // A revoked invitation's card is not printed: not among the rest, and not when named.
    let revoked = invitations[0]["id"].as_str().unwrap();
    organiser.ok(&["invite", "revoke", revoked]);
    let again = organiser.path().join("print").join("again.html");
    let refused = organiser.fails(&["invite", "sheet", "--out", again.to_str().unwrap(), revoked]);
    assert!(refused.contains("a été révoquée") && refused.contains(revoked), "{refused}");
    assert!(!again.exists(), "nothing written");
    organiser.ok(&["invite", "sheet", "--out", again.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&again).unwrap().matches("<svg").count(), 46);

    // Made again for all: only the revoked one is made anew; the sheet holds all 47 again.
    let third = organiser.path().join("print").join("third.html");
    let hub = "ws://192.168.1.20:4455";
    let remade = organiser.json(&["invite", "all", "--hub", hub, "--sheet", third.to_str().unwrap()]);
    assert_eq!(remade["invitations"].as_array().unwrap().len(), 47);
    assert_eq!(remade["created"], 1, "{remade}");
    assert_eq!(organiser.json(&["invite", "list"]).as_array().unwrap().len(), 48, "one made, 46 kept");
    let said = organiser.ok(&["invite", "all", "--hub", hub, "--sheet", third.to_str().unwrap()]);
    assert!(said.contains("(47 cartes : 0 faite maintenant, 47 gardées)"), "{said}");
    assert_eq!(std::fs::read_to_string(&third).unwrap().matches("<svg").count(), 47);
    // To another hub, the links change: all are made for it.
    let moved = organiser.path().join("print").join("moved.html");
    organiser.ok(&["invite", "all", "--hub", "ws://10.0.0.2:4455", "--sheet", moved.to_str().unwrap()]);
    assert_eq!(organiser.json(&["invite", "list"]).as_array().unwrap().len(), 95);
    // Asked for longer than those cards have left: made anew too.
    let longer = organiser.path().join("print").join("longer.html");
    organiser.ok(&[
        "invite",
        "all",
        "--hub",
        "ws://10.0.0.2:4455",
        "--valid",
        "2w",
        "--sheet",
        longer.to_str().unwrap(),
    ]);
    assert_eq!(organiser.json(&["invite", "list"]).as_array().unwrap().len(), 142);
}

#[test]
fn the_organisers_device_syncs_its_own_event_without_an_invitation() {
    let (organiser, _) = Replica::with_sample();
    let key = organiser.json(&["event", "show"])["public_key"].as_str().unwrap().to_owned();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path(), &key);
    // No hub known and no invitation yet: said, with what to do.
    let lost = organiser.fails(&["sync"]);
    assert!(lost.contains("aucun serveur connu"), "{lost}");

    // Its invitations name the hub: that is where it syncs, signing itself an organiser token.
    let session = organiser.sessions(1)[0].clone();
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    organiser.ok(&["sync"]);
    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    assert_eq!(facilitator.sessions(1).len(), organiser.sessions(1).len(), "the event reached the hub");

    // Revoked, then `recolte sync` as the README says: the hub learns it.
    let id = organiser.json(&["invite", "list"])[0]["id"].as_str().unwrap().to_owned();
    organiser.ok(&["invite", "revoke", &id]);
    organiser.ok(&["sync"]);
    let refused = facilitator.fails(&["sync"]);
    assert!(refused.contains("révoqu"), "{refused}");

    // A device with no key and no invitation is told how to get one.
    let stranger = Replica::new();
    let told = stranger.fails(&["sync", "--hub", &hub.url]);
    assert!(told.contains("recolte join --invitation"), "{told}");
}

#[test]
fn joining_a_hub_that_does_not_hold_the_event_yet_says_so_and_changes_nothing() {
    // A hub trusting the event's key, to which the organisers have not synced it yet.
    let (organiser, _) = Replica::with_sample();
    let key = organiser.json(&["event", "show"])["public_key"].as_str().unwrap().to_owned();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path(), &key);
    let session = organiser.sessions(3)[0].clone();
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    let device = Replica::new();
    let refused = device.fails(&["join", "--invitation", &link, "--name", "Camille"]);
    assert!(
        refused.contains("ne détient pas encore cet événement") && refused.contains("rien n'a changé"),
        "{refused}"
    );
    // Nothing remembered, no event: what to do next is to join, not to import a programme
    // (which would make a second event).
    let empty = device.fails(&["proposal", "list"]);
    assert!(empty.contains("rejoignez-en un avec l'invitation reçue"), "{empty}");
    // Once the organisers synced it there, the same link joins.
    let own = organiser.ok(&["invite", "create", "--role", "organiser", "--hub", &hub.url]);
    organiser.ok(&["join", "--invitation", &own, "--name", "Organisation"]);
    device.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    assert_eq!(device.sessions(3).len(), organiser.sessions(3).len());
}

#[test]
fn joining_another_event_first_sends_what_is_not_shared_and_waits_when_it_cannot() {
    let event = Event::new();
    let session = event.organiser.sessions(3)[0].clone();
    let link = event.invite(&["--role", "facilitator", "--session", &session]);
    let (other, _) = Replica::with_sample();
    // Another event's invitation (its hub need not even answer).
    let elsewhere = other.ok(&["invite", "create", "--role", "panel", "--hub", "ws://127.0.0.1:9"]);

    // The first event's hub answers: what was typed goes there first, then the device moves.
    let device = Replica::new();
    device.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    device.ok(&["proposal", "add", "--session", &session, "--title", "Partagée avant de partir"]);
    let moved = device.run(&["join", "--invitation", &elsewhere]);
    assert!(!String::from_utf8_lossy(&moved.stderr).contains("pas encore partagée"));
    event.organiser.ok(&["sync"]);
    assert!(titles(&event.organiser).contains(&"Partagée avant de partir".to_owned()));

    // It no longer answers: the join waits, and the device still syncs the first event.
    let stuck = Replica::new();
    stuck.ok(&["join", "--invitation", &link, "--name", "Karim"]);
    stuck.ok(&["proposal", "add", "--session", &session, "--title", "Pas encore partagée"]);
    let Event { hub, .. } = event;
    hub.kill();
    let refused = stuck.fails(&["join", "--invitation", &elsewhere]);
    assert!(refused.contains("dont 1 modification faite ici n'est pas encore partagée"), "{refused}");
    assert_eq!(stuck.json(&["status"])["summary"]["unshared"], 1, "still syncing the first event");
}

/// A device that holds two events (it joined one, and imported another's programme): its
/// status reports on the event it syncs, with the times on that event's clock, as
/// `--event … status` gives them (they were in UTC).
#[test]
fn the_status_of_a_device_holding_two_events_is_on_the_synced_events_clock() {
    let event = Event::new();
    let session = event.organiser.sessions(1)[0].clone();
    let link = event.invite(&["--role", "facilitator", "--session", &session]);
    let device = Replica::new();
    device.ok(&["join", "--invitation", &link, "--name", "Camille"]);
    let synced = device.json(&["event", "show"])["id"].as_str().unwrap().to_owned();
    device.ok(&["event", "import", concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/assises-2025.json")]);
    let named = device.ok(&["--event", &synced, "status"]);
    assert!(named.contains(':'), "{named}");
    assert_eq!(device.ok(&["status"]), named);
}
