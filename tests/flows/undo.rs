//! Undo and redo of one's own changes, and restoring a former wording, between two devices
//! that meet through bundles: what the other device changed always stays.

use crate::common::Replica;
use serde_json::Value;

fn proposal(replica: &Replica, id: &str) -> Value {
    replica.proposals().as_array().unwrap().iter().find(|p| p["id"] == id).cloned().unwrap()
}

/// A and B meet: each takes the other's changes.
fn meet(a: &Replica, b: &Replica) {
    b.import(&a.export("a.rclt"));
    a.import(&b.export("b.rclt"));
}

#[test]
fn undo_takes_back_my_changes_only_and_both_devices_converge() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(1)[0].clone();
    let id = a.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    a.ok(&["proposal", "edit", &id, "--title", "Former tous les élus"]);
    let b = Replica::new();
    b.import(&a.export("a.rclt"));
    b.ok(&["proposal", "edit", &id, "--body", "Dans chaque collectivité", "--kind", "obstacle"]);
    a.import(&b.export("b.rclt"));

    // A's last change was the title; B's body and kind, which came after, stay.
    let undone = a.json(&["undo", "--session", &session]);
    assert_eq!(
        (undone["written"].as_u64(), undone["can_undo"].as_u64(), undone["can_redo"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    meet(&a, &b);
    for replica in [&a, &b] {
        let p = proposal(replica, &id);
        assert_eq!(
            (p["title"].as_str(), p["body"].as_str(), p["kind"].as_str()),
            (Some("Former les élus"), Some("Dans chaque collectivité"), Some("obstacle"))
        );
    }
    // B has nothing of its own to undo in the programme's other sessions, and cannot undo A's
    // changes: its only change in this session is its own edit.
    b.ok(&["undo", "--session", &session]);
    assert_eq!(proposal(&b, &id)["body"], "");
    assert!(b.fails(&["undo", "--session", &session]).contains("rien à annuler dans cette session"));
    meet(&a, &b);

    // Undoing A's first change (the creation) deletes the proposal; redo brings it back.
    a.ok(&["undo", "--session", &session]);
    assert_eq!(proposal(&a, &id)["deleted"], true);
    assert!(a.fails(&["undo", "--session", &session]).contains("rien à annuler"));
    a.ok(&["redo", "--session", &session]);
    assert_eq!(proposal(&a, &id)["deleted"], false);
    a.ok(&["redo", "--session", &session]);
    assert_eq!(proposal(&a, &id)["title"], "Former tous les élus");
    assert!(a.fails(&["redo", "--session", &session]).contains("rien à rétablir dans cette session"));

    // The clock's controls are not changes to undo: they neither count nor end a redo.
    a.ok(&["undo", "--session", &session]);
    a.ok(&["session", "start", &session]);
    a.ok(&["session", "pause", &session]);
    let depth = a.json(&["redo", "--session", &session]);
    assert_eq!((depth["can_undo"].as_u64(), depth["can_redo"].as_u64()), (Some(2), Some(0)), "{depth}");
    assert_eq!(proposal(&a, &id)["title"], "Former tous les élus");

    // A new change after an undo ends what could be redone.
    a.ok(&["undo", "--session", &session]);
    a.ok(&["proposal", "edit", &id, "--kind", "question"]);
    assert!(a.fails(&["redo", "--session", &session]).contains("rien à rétablir"));
    assert_eq!(proposal(&a, &id)["title"], "Former les élus");

    // A change that another device has overtaken since writes nothing back, and says so.
    meet(&a, &b);
    b.ok(&["proposal", "edit", &id, "--kind", "concrete_action"]);
    a.import(&b.export("b.rclt"));
    let undone = a.json(&["undo", "--session", &session]);
    assert_eq!(undone["written"], 0);
    assert_eq!(proposal(&a, &id)["kind"], "concrete_action");
}

/// Undoing the creation of a proposal that another device has written to since does not hide
/// their work: nothing is deleted, and the undo says it was overtaken.
#[test]
fn undoing_a_creation_keeps_what_another_device_wrote_into_it() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(2)[0].clone();
    let id = a.ok(&["proposal", "add", "--session", &session, "--title", "Un guichet unique"]);
    let b = Replica::new();
    b.import(&a.export("a.rclt"));
    b.ok(&["proposal", "edit", &id, "--body", "Le texte de Bob, écrit après"]);
    a.import(&b.export("b.rclt"));
    let undone = a.json(&["undo", "--session", &session]);
    assert_eq!(undone["written"], 0, "{undone}");
    let p = proposal(&a, &id);
    assert_eq!((p["deleted"].as_bool(), p["body"].as_str()), (Some(false), Some("Le texte de Bob, écrit après")));
}

#[test]
fn a_merge_is_undone_and_redone_in_the_theme_and_the_panel_has_its_own_stack() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(1)[0].clone();
    let p1 = a.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    let p2 = a.ok(&["proposal", "add", "--session", &session, "--title", "Acculturer les décideurs"]);
    let merged = a.ok(&["synthesis", "merge", "--theme", "1", "--title", "Former les élus", &p1, &p2]);
    a.ok(&["panel", "mark", &merged]);
    // The panel's stack is its own: undoing there leaves the merge.
    // The message names the proposal the change was about.
    let undone = a.json(&["undo", "--panel"]);
    assert_eq!(undone["about"][0], "Former les élus", "{undone}");
    assert!(a.fails(&["undo", "--panel"]).contains("rien à annuler au panel"));
    let list = a.json(&["synthesis", "list", "--theme", "1"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    a.ok(&["undo", "--theme", "1"]);
    assert_eq!(a.json(&["synthesis", "list", "--theme", "1"]).as_array().unwrap().len(), 0, "the merge is undone");
    a.ok(&["redo", "--theme", "1"]);
    let list = a.json(&["synthesis", "list", "--theme", "1"]);
    assert_eq!(list[0]["id"], merged.as_str());
    // The session's stack is untouched by all that: its last change is the second proposal.
    // While a merge cites it, an undo there leaves it (crates/store/tests/undo.rs): the merge
    // is undone first.
    a.ok(&["undo", "--theme", "1"]);
    a.ok(&["undo", "--session", &session]);
    assert_eq!(proposal(&a, &p2)["deleted"], true);
    assert_eq!(proposal(&a, &p1)["deleted"], false);
    // Places that do not exist are named.
    assert!(a.fails(&["undo", "--theme", "42"]).contains("aucun thème n° 42"));
    let unknown = "0190a5c4-0000-7000-8000-000000000000";
    assert!(a.fails(&["undo", "--session", unknown]).contains(unknown));
}

#[test]
fn a_wording_restored_by_its_author_wins_on_both_devices() {
    let (a, _) = Replica::with_sample();
    a.ok(&["device", "name", "Camille"]);
    let session = a.sessions(2)[0].clone();
    let id = a.ok(&["proposal", "add", "--session", &session, "--title", "Ouvrir les données des collectivités"]);
    let b = Replica::new();
    b.ok(&["device", "name", "Maëlle"]);
    b.import(&a.export("a.rclt"));
    b.ok(&["proposal", "edit", &id, "--title", "Open data"]);
    a.import(&b.export("b.rclt"));
    let versions = a.json(&["history", "proposal", &id]);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    // Each version names the person behind it, on either device, whoever made it.
    for replica in [&a, &b] {
        let by: Vec<_> =
            replica.json(&["history", "proposal", &id]).as_array().unwrap().iter().map(|v| v["by"].clone()).collect();
        assert_eq!(by, ["Camille", "Maëlle"]);
    }
    a.ok(&["history", "restore", &id, "--version", "1"]);
    meet(&a, &b);
    for replica in [&a, &b] {
        assert_eq!(proposal(replica, &id)["title"], "Ouvrir les données des collectivités");
    }
}

#[test]
fn a_session_and_a_synthesis_are_read_as_they_stood_at_a_moment() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(3)[0].clone();
    let first = a.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    // Its first version alone in its second: times are shown to the second (below).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    a.ok(&["proposal", "add", "--session", &session, "--title", "Ouvrir les données"]);
    std::thread::sleep(std::time::Duration::from_millis(30));
    a.ok(&["proposal", "edit", &first, "--title", "Former tous les élus"]);
    let now = a.json(&["history", "session", &session]);
    let moments: Vec<String> =
        now["moments"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_owned()).collect();
    assert_eq!(moments.len(), 3, "{now}");
    assert_eq!(now["content"]["proposals"].as_array().unwrap().len(), 2);
    let then = a.json(&["history", "session", &session, "--at", &moments[0]]);
    let titles: Vec<&str> =
        then["content"]["proposals"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Former les élus"]);
    // Nothing was merged at the first moment; the merge shows afterwards.
    let merged = a.ok(&["synthesis", "merge", "--theme", "3", "--title", "Former les élus", &first]);
    assert_eq!(a.json(&["history", "theme", "3", "--at", &moments[0]])["content"].as_array().unwrap().len(), 0);
    assert_eq!(a.json(&["history", "theme", "3"])["content"][0]["id"], merged.as_str());
    assert!(a.ok(&["history", "session", &session]).contains("Former tous les élus"));
    // A wording restored by the moment it stood at.
    let versions = a.json(&["history", "proposal", &first]);
    let first_at = versions[0]["at"].as_str().unwrap().to_owned();
    a.ok(&["history", "restore", &first, "--at", &first_at]);
    assert!(a.ok(&["proposal", "list"]).contains("Former les élus"));
    // Times are shown on the event's clock (Paris, an hour ahead of UTC in winter), to the
    // second, and read back as shown: the version a line shows stood at the moment it shows.
    let shown = a.ok(&["history", "proposal", &first]);
    let v1 = shown.lines().next().unwrap();
    let at: String = v1.split("  ").nth(1).unwrap().to_owned();
    assert!(at.len() >= 16 && at.as_bytes()[10] == b' ' && !at.contains(['T', 'Z']), "{shown}");
    a.ok(&["proposal", "edit", &first, "--title", "Autre chose"]);
    a.ok(&["history", "restore", &first, "--at", &at]);
    let restored = a.json(&["proposal", "list"]);
    assert!(restored.as_array().unwrap().iter().any(|p| p["title"] == "Former les élus"), "{restored}");
    let stderr = a.fails(&["history", "restore", &first, "--at", "2000-01-01 10:00"]);
    assert!(stderr.contains("aucune version à 2000-01-01 10:00 :"), "{stderr}");
    let stderr = a.fails(&["history", "session", &session, "--at", "demain matin"]);
    assert!(stderr.contains("« demain matin » n'est pas un moment"), "{stderr}");
}

#[test]
fn snapshots_are_taken_before_merges_undos_and_imports_and_a_restore_converges() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(4)[0].clone();
    let p1 = a.ok(&["proposal", "add", "--session", &session, "--title", "Évaluer les expérimentations"]);
    let p2 = a.ok(&["proposal", "add", "--session", &session, "--title", "Mesurer l'impact des expés"]);
    let b = Replica::new();
    b.import(&a.export("a.rclt"));
    a.ok(&["device", "name", "Camille"]);
    let kept = a.json(&["snapshot", "create", "--session", &session, "--name", "-- avant les retouches"]);
    assert_eq!(kept[0]["label"], "-- avant les retouches", "a name may begin with a dash");
    let kept = kept[0]["id"].as_str().unwrap().to_owned();
    a.ok(&["proposal", "edit", &p1, "--title", "Évaluer"]);
    let merged = a.ok(&["synthesis", "merge", "--theme", "4", "--title", "Évaluer", &p1, &p2]);
    a.ok(&["undo", "--theme", "4"]);
    let reasons: Vec<String> = a
        .json(&["snapshot", "list", "--theme", "4"])
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(reasons, ["merge", "undo_merge"]);

    // B receives A's changes from a bundle: what B held before is a snapshot.
    b.import(&a.export("a.rclt"));
    let on_b = b.json(&["snapshot", "list", "--session", &session]);
    let import = on_b.as_array().unwrap().iter().find(|s| s["reason"] == "import").unwrap().clone();
    assert!(import["label"].as_str().unwrap().starts_with("Avant l'import d'un paquet du "), "{import}");
    let shown = b.json(&["snapshot", "show", import["id"].as_str().unwrap()]);
    let titles: Vec<&str> =
        shown["content"]["proposals"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Évaluer les expérimentations", "Mesurer l'impact des expés"]);

    // The snapshot taken by hand travelled with the session: B reads it, and restores it; the
    // edit made since is written back, on both devices.
    let on_b = b.json(&["snapshot", "list", "--session", &session]);
    let shared = on_b.as_array().unwrap().iter().find(|s| s["id"] == kept.as_str()).unwrap().clone();
    assert_eq!((shared["shared"].as_bool(), shared["taken_by"].as_str()), (Some(true), Some("Camille")), "{shared}");
    let restored = b.json(&["snapshot", "restore", &kept]);
    assert_eq!(restored["written"], 1, "{restored}");
    meet(&b, &a);
    for replica in [&a, &b] {
        assert_eq!(proposal(replica, &p1)["title"], "Évaluer les expérimentations");
    }
    // What the restore replaced was kept on B, not shared.
    assert_eq!(restored["before"]["shared"], false);
    // The restore is a change of B like any other: undone with Ctrl+Z.
    b.ok(&["undo", "--session", &session]);
    assert_eq!(proposal(&b, &p1)["title"], "Évaluer");
    // The undo of the merge left the merge restorable from its snapshot.
    let before_undo = a.json(&["snapshot", "list", "--theme", "4"])[1]["id"].as_str().unwrap().to_owned();
    a.ok(&["snapshot", "restore", &before_undo]);
    assert_eq!(a.json(&["synthesis", "list", "--theme", "4"])[0]["id"], merged.as_str());

    // A panel comment has its history too, and restoring it brings back a deleted one.
    let comment = a.ok(&["panel", "comment", &merged, "À garder pour 2026"]);
    a.ok(&["panel", "uncomment", &comment]);
    let versions = a.json(&["history", "comment", &comment]);
    assert_eq!(versions.as_array().unwrap().len(), 2, "{versions}");
    assert_eq!(versions[1]["deleted"], true);
    a.ok(&["history", "restore", &comment, "--version", "1"]);
    assert_eq!(a.json(&["history", "comment", &comment]).as_array().unwrap().last().unwrap()["deleted"], false);

    // A restore that takes a proposal added since away from everyone names it.
    a.ok(&["proposal", "add", "--session", &session, "--title", "Ajoutée depuis l'instantané"]);
    let said = a.ok(&["snapshot", "restore", &kept]);
    assert!(said.contains("retiré pour tous : la proposition « Ajoutée depuis l'instantané »"), "{said}");

    // Wrong input is named and changes nothing.
    assert!(a.fails(&["snapshot", "show", "999"]).contains("aucun instantané 999"));
    assert!(a.fails(&["snapshot", "restore", "pas-un-instantané"]).contains("aucun instantané pas-un-instantané"));
    assert!(a
        .fails(&["snapshot", "create", "--theme", "4", "--name", " "])
        .contains("le champ nom ne peut pas être vide"));
    assert!(a.fails(&["snapshot", "create", "--theme", "42", "--name", "x"]).contains("aucun thème n° 42"));
}

#[test]
fn a_version_keeps_its_sub_group_and_restoring_it_moves_the_proposal_back() {
    let (a, _) = Replica::with_sample();
    let session = a.sessions(5)[0].clone();
    a.ok(&["subgroup", "add", "--session", &session, "Groupe A"]);
    a.ok(&["subgroup", "add", "--session", &session, "Groupe B"]);
    let id =
        a.ok(&["proposal", "add", "--session", &session, "--subgroup", "Groupe A", "--title", "Mutualiser les achats"]);
    a.ok(&["proposal", "edit", &id, "--subgroup", "Groupe B"]);
    let versions = a.json(&["history", "proposal", &id]);
    let groups: Vec<_> = versions.as_array().unwrap().iter().map(|v| v["subgroup"].clone()).collect();
    assert_eq!(groups, ["Groupe A", "Groupe B"], "{versions}");
    a.ok(&["history", "restore", &id, "--version", "1"]);
    assert_eq!(proposal(&a, &id)["subgroup_name"], "Groupe A");
}
