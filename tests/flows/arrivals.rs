//! The arrivals board on real binaries: three devices of two sessions sync through a hub on
//! the organiser's store; the board counts what reached the hub per session, shows a device
//! connected and then not, marks sessions with nothing after their slot, and is for
//! organisers only.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{recolte, Replica};
use crate::sync::serve_store;

fn board(organiser: &Replica, hub: &str) -> Value {
    organiser.json(&["arrivals", "--hub", hub])
}

fn session<'a>(board: &'a Value, id: &str) -> &'a Value {
    board["sessions"].as_array().unwrap().iter().find(|s| s["id"] == id).unwrap()
}

#[test]
fn the_arrivals_board_shows_what_reached_the_hub_per_session_and_who_was_there() {
    let (organiser, _) = Replica::with_sample();
    let hub = serve_store(&organiser);
    let (one, two) = (organiser.sessions(6)[0].clone(), organiser.sessions(7)[0].clone());
    let join = |session: &str, name: &str| {
        let link =
            organiser.ok(&["invite", "create", "--role", "facilitator", "--session", session, "--hub", &hub.url]);
        let device = Replica::new();
        device.ok(&["join", "--invitation", &link, "--name", name]);
        device
    };
    let (ana, bea, cyr) = (join(&one, "Ana"), join(&one, "Béa"), join(&two, "Cyr"));
    for (device, session, title) in [(&ana, &one, "Première"), (&bea, &one, "Deuxième"), (&cyr, &two, "Troisième")] {
        device.ok(&["proposal", "add", "--session", session, "--title", title]);
        device.ok(&["sync"]);
    }

    // Béa keeps syncing: she is shown connected in her session.
    let mut watching = recolte()
        .arg("--data-dir")
        .arg(bea.path())
        .args(["sync", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    let connected = loop {
        let now = board(&organiser, &hub.url);
        if session(&now, &one)["devices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "Béa" && d["connected"] == true)
        {
            break now;
        }
        assert!(Instant::now() < until, "Béa is not shown connected: {}", session(&now, &one));
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(session(&connected, &one)["proposals"], 2);
    assert_eq!(session(&connected, &two)["proposals"], 1);
    assert!(session(&connected, &one)["last_change"].is_string());
    assert_eq!(session(&connected, &one)["missing"], false);
    // The sample's slots are in 2025: every session that received nothing is marked.
    let missing = connected["sessions"].as_array().unwrap().iter().filter(|s| s["missing"] == true).count();
    assert_eq!(missing, 34, "36 sessions, 2 with proposals");
    let report = connected["devices"].as_array().unwrap().iter().find(|d| d["name"] == "Béa").cloned();
    assert_eq!(report.as_ref().map(|r| r["unsent"].clone()), Some(Value::from(0)), "{connected}");
    // Cyr synced once and left: still on the board, seen, with nothing left to share.
    let cyr_line =
        session(&connected, &two)["devices"].as_array().unwrap().iter().find(|d| d["name"] == "Cyr").cloned();
    let cyr_line =
        cyr_line.unwrap_or_else(|| panic!("a device that synced once is missing: {}", session(&connected, &two)));
    assert_eq!(cyr_line["connected"], false, "{cyr_line}");
    assert!(cyr_line["last_seen"].is_string(), "{cyr_line}");
    assert_eq!(connected["themes"].as_array().unwrap().len(), 10);

    // She leaves: shown as seen, no longer connected.
    watching.kill().unwrap();
    watching.wait().unwrap();
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let now = board(&organiser, &hub.url);
        let bea_line = session(&now, &one)["devices"].as_array().unwrap().iter().find(|d| d["name"] == "Béa").cloned();
        if bea_line.as_ref().is_some_and(|d| d["connected"] == false && d["last_seen"].is_string()) {
            break;
        }
        assert!(Instant::now() < until, "Béa still shown connected: {}", session(&now, &one));
        std::thread::sleep(Duration::from_millis(200));
    }

    // Facilitators do not see the board.
    let refused = ana.fails(&["arrivals", "--hub", &hub.url, "--token", &facilitator_token(&organiser, &one)]);
    assert!(refused.contains("hors de vos droits") || refused.contains("refuse"), "{refused}");
}

fn facilitator_token(organiser: &Replica, session: &str) -> String {
    organiser.ok(&["token", "create", "--role", "facilitator", "--session", session])
}
