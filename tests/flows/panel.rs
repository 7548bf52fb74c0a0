//! The closing plenary on real binaries: a panel device joined by invitation reads every
//! source by its title; two panel members vote offline on the same proposals and their dots
//! add up on every device; a member cannot give more dots than the event allows per theme.

use serde_json::Value;

use crate::common::Replica;
use crate::sync::serve_store;

fn item<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["themes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["consolidated"].as_array().unwrap())
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn panel_members_read_the_sources_and_their_dots_add_up() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(2)[0].clone();
    let add = |title: &str| organiser.ok(&["proposal", "add", "--session", &session, "--title", title]);
    let (p1, p2, p3) =
        (add("Des labos dans chaque direction"), add("Un labo par direction"), add("Former les managers"));
    let c1 =
        organiser.ok(&["synthesis", "merge", "--theme", "2", "--title", "Des laboratoires d'innovation", &p1, &p2]);
    let c2 = organiser.ok(&["synthesis", "merge", "--theme", "2", "--title", "Managers formés", &p3]);
    let hub = serve_store(&organiser);

    let join = |name: &str| {
        let link = organiser.ok(&["invite", "create", "--role", "panel", "--hub", &hub.url, "--for", name]);
        let device = Replica::new();
        device.ok(&["join", "--invitation", &link, "--name", name]);
        device
    };
    let (ana, ben) = (join("Ana"), join("Ben"));

    // Provenance by title, and the sessions' proposals readable on a panel device.
    let summary = ana.json(&["panel", "summary"]);
    let titles: Vec<&str> =
        item(&summary, &c1)["sources"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2);
    assert!(
        titles.contains(&"Des labos dans chaque direction") && titles.contains(&"Un labo par direction"),
        "{titles:?}"
    );
    assert_eq!(ana.json(&["proposal", "list", "--all"]).as_array().unwrap().len(), 3);

    // Both vote while offline (the hub is not asked), then meet through the hub.
    ana.ok(&["panel", "vote", &c1]);
    ben.ok(&["panel", "vote", &c1]);
    ben.ok(&["panel", "vote", &c2]);
    ben.ok(&["panel", "vote", &c2]);
    for device in [&ana, &ben, &ana] {
        device.ok(&["sync"]);
    }
    for device in [&ana, &ben, &organiser] {
        let summary = device.json(&["panel", "summary"]);
        assert_eq!((item(&summary, &c1)["votes"].as_u64(), item(&summary, &c2)["votes"].as_u64()), (Some(2), Some(2)));
    }

    // Three dots per theme by default: Ben has given 3, a fourth is refused, with why.
    let refused = ben.fails(&["panel", "vote", &c1]);
    assert!(refused.contains("3 points du thème 2"), "{refused}");
    // More dots on one proposal than a member has for the theme: that is what is said.
    let refused = ana.fails(&["panel", "vote", &c2, "--dots", "5"]);
    assert!(refused.contains("5 points sur une proposition, c'est plus que les 3"), "{refused}");
    // Some left, fewer than asked: how many went elsewhere and how many may go here (it said
    // « a déjà donné ses 3 points » with one left).
    ben.ok(&["panel", "vote", &c2, "--dots", "2"]);
    let refused = ben.fails(&["panel", "vote", &c1, "--dots", "2"]);
    assert!(
        refused.contains(
            "Ben a donné 2 de ses 3 points du thème 2 à d'autres propositions : un point au plus sur celle-ci"
        ),
        "{refused}"
    );
    let refused = ben.fails(&["--lang", "en", "panel", "vote", &c1, "--dots", "2"]);
    assert!(refused.contains("one dot at most on this one"), "{refused}");
    ben.ok(&["panel", "vote", &c2, "--clear"]);
    ben.ok(&["panel", "vote", &c1]);
    assert_eq!(item(&ben.json(&["panel", "summary"]), &c1)["votes"], 3);
    // Fewer dots per theme than a member gave: kept, and the organiser is told who.
    let lowered = organiser.run(&["panel", "dots", "2"]);
    assert!(lowered.status.success());
    let said = String::from_utf8_lossy(&lowered.stderr);
    assert!(said.contains("Ben a déjà donné 3 points sur le thème 2"), "{said}");
    organiser.ok(&["panel", "dots", "3"]);
    // A dot is given by someone: the organiser's device, with no name, is told how to give one.
    let refused = organiser.fails(&["panel", "vote", &c1]);
    assert!(refused.contains("aucun nom pour voter") && refused.contains("--member"), "{refused}");

    // The tallies leave in the open data (sums, no names), and come back with a restore.
    // (the hub serves the organiser's store: what Ben sends is there at once)
    ben.ok(&["sync"]);
    let data = organiser.path().join("donnees");
    organiser.ok(&["export", "opendata", "--out", data.to_str().unwrap()]);
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(data.join("consolidated.json")).unwrap()).unwrap();
    let votes = |id: &str| rows.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap()["votes"].clone();
    assert_eq!((votes(&c1), votes(&c2)), (Value::from(3), Value::from(0)));
    assert!(!std::fs::read_to_string(data.join("consolidated.csv")).unwrap().contains("Ben"), "no names");
    let elsewhere = Replica::new();
    elsewhere.ok(&["import", "opendata", data.to_str().unwrap()]);
    assert_eq!(item(&elsewhere.json(&["panel", "summary"]), &c1)["votes"], 3);

    // A source deleted after the merge: the panel reads what the report will show, not more.
    organiser.ok(&["proposal", "delete", &p2]);
    let sources = item(&organiser.json(&["panel", "summary"]), &c1)["sources"].clone();
    let titles: Vec<&str> = sources.as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Des labos dans chaque direction"]);
    // The panel's comments are read in the text summary too, not only in its JSON.
    organiser.ok(&["panel", "comment", &c1, "À porter au comité de direction"]);
    let said = organiser.ok(&["panel", "summary"]);
    assert!(said.contains("« À porter au comité de direction »"), "{said}");
}
