//! Byte compatibility with the standard Yjs tools from npm, both ways: a stock y-websocket
//! client reads and writes through `recolte hub`, and `recolte sync` works against the
//! reference y-websocket server. Needs Node and `npm ci --prefix tests/interop` (CI does it).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::common::Replica;
use crate::sync::HubProcess;

fn interop_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/interop"));
    assert!(
        dir.join("node_modules/y-websocket").exists(),
        "the npm packages are missing: run `npm ci --prefix tests/interop` (bash .ci/run does)"
    );
    dir
}

fn node(script: &str, args: &[&str]) -> Command {
    let mut command = Command::new("node");
    command.current_dir(interop_dir()).arg(script).args(args);
    command
}

struct ReferenceServer {
    child: Child,
    url: String,
}

impl ReferenceServer {
    fn start() -> ReferenceServer {
        let mut child =
            node("reference-server.mjs", &[]).stdout(Stdio::piped()).spawn().expect("node is not installed");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("ws://"), "the reference server did not start: {line:?}");
        ReferenceServer { child, url: line.trim().to_owned() }
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_stock_yjs_client_reads_and_writes_through_the_hub() {
    let (organiser, event) = Replica::with_sample();
    let key = organiser.json(&["event", "show"])["public_key"].as_str().unwrap().to_owned();
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = HubProcess::start(hub_dir.path(), &key);
    let session = organiser.sessions(8)[0].clone();
    organiser.ok(&["proposal", "add", "--session", &session, "--title", "Des communs documentés", "--tag", "communs"]);
    let token = organiser.ok(&["token", "create", "--role", "organiser"]);
    organiser.ok(&["sync", "--hub", &hub.url, "--token", &token]);

    let facilitator = organiser.ok(&["token", "create", "--role", "facilitator", "--session", &session]);
    let room = format!("{event}/session/{session}");
    let output = node("js-client.mjs", &[&hub.url, &room, &facilitator, "Écrit depuis JavaScript"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let read: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(read["titles"], serde_json::json!(["Des communs documentés"]));

    organiser.ok(&["sync"]);
    let proposals = organiser.json(&["proposal", "list", "--session", &session]);
    let from_js =
        proposals.as_array().unwrap().iter().find(|p| p["title"] == "Écrit depuis JavaScript").expect("not synced");
    assert_eq!(from_js["kind"], "question");
    assert_eq!(from_js["tags"], serde_json::json!(["interop"]));
    assert_eq!(from_js["author"], "Client JavaScript");
    assert_eq!(organiser.json(&["search", "javascript"]).as_array().unwrap().len(), 1);
}

#[test]
fn recolte_syncs_through_the_reference_yjs_server() {
    let server = ReferenceServer::start();
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(7)[0].clone();
    organiser.ok(&["proposal", "add", "--session", &session, "--title", "Associer les citoyens dès le début"]);
    let token = organiser.ok(&["token", "create", "--role", "organiser"]);
    // The reference server checks no token: it only relays and keeps rooms in memory.
    organiser.ok(&["sync", "--hub", &server.url, "--token", &token]);

    let other = Replica::new();
    other.ok(&["join", "--hub", &server.url, "--token", &token]);
    assert_eq!(other.json(&["session", "list"]).as_array().unwrap().len(), 36);
    other.ok(&["proposal", "add", "--session", &session, "--title", "Un budget participatif"]);
    other.ok(&["sync"]);
    organiser.ok(&["sync"]);
    let titles: Vec<String> = organiser
        .json(&["proposal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Un budget participatif".to_owned()));
}
