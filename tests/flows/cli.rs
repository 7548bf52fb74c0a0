//! The CLI contract that organisers' scripts and our checks rely on.

use serde_json::Value;

use crate::common::{recolte, Replica, SAMPLE};

#[test]
fn an_organiser_imports_the_programme_and_lists_its_sessions() {
    let (replica, event) = Replica::with_sample();
    let shown = replica.json(&["event", "show"]);
    assert_eq!(shown["id"], event.as_str());
    assert_eq!(shown["name"], "Assises de l'innovation publique 2025");
    assert_eq!(shown["themes"].as_array().unwrap().len(), 10);
    assert_eq!(shown["sessions"].as_array().unwrap().len(), 36);
    let session = &replica.json(&["session", "list", "--theme", "10"])[0];
    for field in ["id", "theme", "day", "start", "room", "place"] {
        assert!(session.get(field).is_some(), "session has no {field}: {session}");
    }
    assert_eq!(session["day"], 2);
    assert_eq!(session["start"], "09:15");
    assert!(replica.ok(&["--lang", "en", "session", "list"]).ends_with("36 sessions"));
}

#[test]
fn a_facilitator_captures_edits_deletes_and_restores() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(1)[0].clone();
    let group = replica.ok(&["subgroup", "add", "--session", &session, "Groupe A"]);
    let id = replica.ok(&[
        "proposal",
        "add",
        "--session",
        &session,
        "--title",
        "Former les élus",
        "--body",
        "Un module court",
        "--kind",
        "concrete_action",
        "--subgroup",
        "Groupe A",
        "--tag",
        "formation",
        "--author",
        "Camille",
    ]);
    replica.ok(&["proposal", "edit", &id, "--title", "Former tous les élus", "--tag", "élus", "--tag", "formation"]);
    let listed = replica.json(&["proposal", "list", "--session", &session]);
    let p = &listed[0];
    assert_eq!(p["id"], id.as_str());
    assert_eq!(p["title"], "Former tous les élus");
    assert_eq!(p["kind"], "concrete_action");
    assert_eq!(p["subgroup"], group.as_str());
    assert_eq!(p["tags"], serde_json::json!(["formation", "élus"]));
    assert_eq!(p["author"], "Camille");
    assert_eq!(p["deleted"], false);
    for field in ["session_id", "theme", "body", "created_at"] {
        assert!(p.get(field).is_some(), "proposal has no {field}");
    }

    replica.ok(&["proposal", "delete", &id]);
    assert_eq!(replica.json(&["proposal", "list"]), Value::Array(vec![]));
    assert_eq!(replica.proposals()[0]["deleted"], true);
    replica.ok(&["proposal", "restore", &id]);
    assert_eq!(replica.json(&["proposal", "list", "--theme", "1"]).as_array().unwrap().len(), 1);

    let hits = replica.json(&["search", "ELUS"]);
    assert_eq!(hits[0]["id"], id.as_str());
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let (replica, _) = Replica::with_sample();
    let before = replica.proposals();
    let unknown = "01a20000-0000-7000-8000-000000000000";

    let stderr = replica.fails(&["proposal", "edit", unknown, "--title", "x"]);
    assert!(stderr.contains("aucune proposition"), "{stderr}");
    let stderr = replica.fails(&["--lang", "en", "proposal", "edit", "not-an-id", "--title", "x"]);
    assert!(stderr.contains("malformed proposal id"), "{stderr}");
    let stderr = replica.fails(&["subgroup", "add", "--session", unknown, "A"]);
    assert!(stderr.contains("aucune session"), "{stderr}");
    let stderr = replica.fails(&["synthesis", "merge", "--theme", "99", "--title", "x", unknown]);
    assert!(stderr.contains("thème n° 99"), "{stderr}");
    let stderr = replica.fails(&["session", "list", "--theme", "99"]);
    assert!(stderr.contains("thème n° 99"), "a theme the programme lacks is not an empty list: {stderr}");

    // A programme with several problems: all are named with their JSON path.
    let mut programme: Value = serde_json::from_str(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    programme["sessions"][3]["theme"] = Value::from(42);
    programme["themes"][0].as_object_mut().unwrap().remove("title");
    programme["slots"][1]["start"] = Value::from("15:00");
    let path = replica.path().join("broken.json");
    std::fs::write(&path, programme.to_string()).unwrap();
    let stderr = replica.fails(&["--lang", "en", "event", "import", path.to_str().unwrap()]);
    for expected in [
        "$.slots[1]: this slot overlaps",
        "$.themes[0].title: required field is missing",
        "$.sessions[3].theme: unknown theme: \"42\"",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in {stderr}");
    }
    assert_eq!(replica.json(&["event", "show"])["sessions"].as_array().unwrap().len(), 36, "nothing was imported");

    // Bundles that are truncated, corrupted or foreign.
    let source = replica.export("good.rclt");
    let bytes = std::fs::read(&source).unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("truncated.rclt", bytes[..bytes.len() / 2].to_vec(), "tronqué"),
        (
            "corrupted.rclt",
            {
                let mut b = bytes.clone();
                let n = b.len() - 40;
                b[n] ^= 0xff;
                b
            },
            "abîmé",
        ),
        ("foreign.rclt", b"%PDF-1.7 not a bundle".to_vec(), "n'est pas un paquet"),
    ];
    for (name, content, message) in cases {
        let path = replica.path().join(name);
        std::fs::write(&path, content).unwrap();
        let stderr = replica.fails(&["bundle", "import", path.to_str().unwrap()]);
        assert!(stderr.contains(message), "{name}: {stderr}");
    }
    let stderr = replica.fails(&["bundle", "import", "/nonexistent/file.rclt"]);
    assert!(stderr.contains("impossible de lire"), "{stderr}");
    assert_eq!(replica.proposals(), before);
}

#[test]
fn a_batch_with_a_bad_line_says_what_it_saved_before_it() {
    let (replica, _) = Replica::with_sample();
    // A batch with a bad line: how many were saved before it, and that the rest was not read.
    let batch = |lines: &str| {
        use std::io::Write;
        let session = replica.sessions(1)[0].clone();
        let mut child = recolte()
            .arg("--data-dir")
            .arg(replica.path())
            .args(["proposal", "add-batch", "--session", &session])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The command may stop reading at the bad line before all is written: that is its answer.
        let _ = child.stdin.take().unwrap().write_all(lines.as_bytes());
        String::from_utf8(child.wait_with_output().unwrap().stderr).unwrap()
    };
    let said = batch("{\"title\": \"Une\"}\n{\"title\": \"Deux\"}\n{oops}\n{\"title\": \"Trois\"}\n");
    assert!(
        said.contains("ligne 3 de l'entrée") && said.contains("les 2 propositions précédentes sont enregistrées"),
        "{said}"
    );
    assert!(said.contains("les lignes suivantes n'ont pas été lues"), "{said}");
    let said = batch("{oops}\n");
    assert!(said.contains("rien n'a été enregistré"), "{said}");
    let titles: Vec<Value> = replica.proposals().as_array().unwrap().iter().map(|p| p["title"].clone()).collect();
    assert_eq!(titles, ["Une", "Deux"], "saved up to the bad line, nothing after it");
}

/// A document is named in words, never by the ids its log keeps; a moment asked of a document
/// with nothing yet is now.
#[test]
fn documents_and_moments_are_said_in_words() {
    let (replica, _) = Replica::with_sample();
    let said = replica.fails(&["snapshot", "create", "--panel", "--name", "Avant"]);
    assert!(said.starts_with("erreur : le document du panel ne contient encore rien"), "{said}");
    let moment = replica.json(&["history", "theme", "9"]);
    assert!(moment["at"].as_str().is_some_and(|at| at.len() == 20 && at.ends_with('Z')), "{moment}");
}

/// A mistyped data folder is not checked as an empty store said to be sound.
#[test]
fn checking_a_folder_without_a_store_says_so_and_makes_nothing() {
    let replica = Replica::new();
    for command in ["check", "info", "compact", "rebuild"] {
        let said = replica.fails(&["store", command]);
        assert!(said.contains("aucun stockage Récolte dans"), "{command}: {said}");
    }
    assert!(!replica.path().join("recolte.sqlite").exists(), "nothing made");
}

#[test]
fn without_an_event_commands_say_what_to_do() {
    let replica = Replica::new();
    let stderr = replica.fails(&["session", "list"]);
    assert!(stderr.contains("recolte event import"), "{stderr}");
}

#[test]
fn with_two_events_the_event_must_be_named() {
    let (replica, first) = Replica::with_sample();
    let second = replica.ok(&["event", "import", SAMPLE]);
    let stderr = replica.fails(&["session", "list"]);
    assert!(stderr.contains("--event"), "{stderr}");
    assert_eq!(replica.json(&["--event", &second, "session", "list"]).as_array().unwrap().len(), 36);
    assert_ne!(first, second);
}

/// A command that names an event changes that event only: another event's record, named by
/// its id, is refused, and nothing of either event changes.
#[test]
fn a_record_of_another_event_is_refused_under_an_event_named() {
    let (replica, first) = Replica::with_sample();
    let session = replica.sessions(1)[0].clone();
    let p = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    let q = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les cadres"]);
    let merged = replica.ok(&["synthesis", "merge", "--theme", "1", "--title", "Former", &p, &q]);
    let second = replica.ok(&["event", "import", SAMPLE]);
    let before = replica.json(&["--event", &first, "synthesis", "list", "--theme", "1"]);
    let proposals = replica.json(&["--event", &first, "proposal", "list"]);
    let snapshots = replica.json(&["--event", &first, "snapshot", "list", "--theme", "1"]);
    let snapshot = match &snapshots[0]["id"] {
        serde_json::Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap().to_owned(),
    };
    for args in [
        vec!["history", "restore", &p, "--version", "1"],
        vec!["snapshot", "restore", &snapshot],
        vec!["proposal", "edit", &p, "--title", "Ailleurs"],
        vec!["synthesis", "edit", &merged, "--title", "Ailleurs"],
        vec!["panel", "vote", &merged, "--dots", "1", "--member", "Inès"],
        vec!["history", "proposal", &p],
        vec!["session", "clock", &session],
        vec!["subgroup", "add", "--session", &session, "Groupe A"],
    ] {
        let mut named = vec!["--event", &second];
        named.extend(&args);
        let error = replica.fails(&named);
        assert!(error.contains("appartient à un autre événement que") && error.contains(&second), "{args:?}: {error}");
    }
    assert_eq!(replica.json(&["--event", &first, "synthesis", "list", "--theme", "1"]), before);
    assert_eq!(replica.json(&["--event", &first, "proposal", "list"]), proposals);
    // Named with its own event, the same edit goes through.
    replica.ok(&["--event", &first, "proposal", "edit", &p, "--title", "Former les élus locaux"]);
    // A command that brings the event in may name it before it is there.
    let bundle = replica.path().join("premier.rclt");
    replica.ok(&["--event", &first, "bundle", "export", "--out", bundle.to_str().unwrap()]);
    let newcomer = Replica::new();
    newcomer.ok(&["--event", &first, "bundle", "import", bundle.to_str().unwrap()]);
    assert_eq!(newcomer.json(&["proposal", "list"]), replica.json(&["--event", &first, "proposal", "list"]));
}

#[test]
fn store_maintenance_keeps_every_proposal() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(2)[0].clone();
    for i in 0..5 {
        let id = replica.ok(&["proposal", "add", "--session", &session, "--title", &format!("Idée {i}")]);
        replica.ok(&["proposal", "edit", &id, "--body", &format!("Détails {i}")]);
    }
    let before = replica.proposals();
    let compacted = replica.json(&["store", "compact"]);
    assert!(compacted["updates_after"].as_u64() < compacted["updates_before"].as_u64());
    replica.ok(&["store", "rebuild"]);
    replica.ok(&["store", "check"]);
    assert_eq!(replica.proposals(), before);
    // What the compaction folded is no longer undone step by step, and the refusal says why.
    let stderr = replica.fails(&["undo", "--session", &session]);
    assert!(stderr.contains("le stockage a été compacté") && stderr.contains("snapshot list"), "{stderr}");
    let stderr = replica.fails(&["--lang", "en", "undo", "--session", &session]);
    assert!(stderr.contains("the store was compacted"), "{stderr}");
}

#[test]
fn output_that_cannot_be_written_is_an_error_but_a_closed_pipe_is_not() {
    let (replica, _) = Replica::with_sample();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let output = crate::common::recolte()
        .arg("--data-dir")
        .arg(replica.path())
        .args(["event", "show"])
        .stdout(full)
        .output()
        .unwrap();
    assert!(!output.status.success(), "a full disk behind stdout must fail");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("impossible d'écrire stdout"), "{stderr}");
    // `recolte … | head -1`: the reader leaves early, which is fine.
    let mut child = crate::common::recolte()
        .arg("--data-dir")
        .arg(replica.path())
        .args(["session", "list"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success());
}

#[test]
fn any_text_is_accepted_even_one_that_starts_with_a_dash() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(1)[0].clone();
    replica.ok(&["subgroup", "add", "--session", &session, "-- Groupe du fond"]);
    let id = replica.ok(&[
        "proposal",
        "add",
        "--session",
        &session,
        "--title",
        "-30 % de formulaires",
        "--body",
        "- moins de papier",
    ]);
    replica.ok(&["proposal", "edit", &id, "--title", "-40 % de formulaires"]);
    let list = replica.json(&["proposal", "list"]);
    assert_eq!(list[0]["title"], "-40 % de formulaires");
    assert_eq!(list[0]["body"], "- moins de papier");
    let groups = replica.json(&["subgroup", "list", "--session", &session]);
    assert_eq!(groups[0]["name"], "-- Groupe du fond");
    // Names and tags too.
    replica.ok(&[
        "proposal",
        "add",
        "--session",
        &session,
        "--title",
        "Moins de papier",
        "--subgroup",
        "-- Groupe du fond",
        "--tag",
        "-papier",
        "--author",
        "-Camille",
    ]);
    let list = replica.json(&["proposal", "list"]);
    let added = list.as_array().unwrap().iter().find(|p| p["title"] == "Moins de papier").unwrap();
    assert_eq!(added["subgroup_name"], "-- Groupe du fond");
    assert_eq!(added["tags"][0], "-papier");
    assert_eq!(added["author"], "-Camille");
    // A name is a positional text: taken as it is, "--" still allowed, and help still asked.
    replica.ok(&["device", "name", "-Maëlle"]);
    assert_eq!(replica.ok(&["device", "name"]), "-Maëlle");
    replica.ok(&["device", "name", "--", "--Maëlle"]);
    assert_eq!(replica.ok(&["device", "name"]), "--Maëlle");
    assert!(replica.ok(&["device", "name", "--help"]).contains("recolte device name"));
    assert_eq!(replica.ok(&["device", "name"]), "--Maëlle", "--help is not a name");
    // A search's words are not a name: "--" before a word that begins with "-" (its options
    // come after the words).
    let hits: serde_json::Value = serde_json::from_str(&replica.ok(&["--json", "search", "--", "-papier"])).unwrap();
    assert!(hits.as_array().unwrap().iter().any(|h| h["title"] == "Moins de papier"), "{hits}");
    // A number with its sign needs no "--": « -40 % » is searched as typed, options still read.
    let hits: serde_json::Value =
        serde_json::from_str(&replica.ok(&["--json", "search", "-40", "formulaires", "--limit", "5"])).unwrap();
    assert!(hits.as_array().unwrap().iter().any(|h| h["title"] == "-40 % de formulaires"), "{hits}");
}

#[test]
fn every_wording_a_proposal_had_is_kept_and_one_can_be_restored() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(1)[0].clone();
    let id = replica.ok(&[
        "proposal",
        "add",
        "--session",
        &session,
        "--title",
        "Former les élus",
        "--body",
        "Un module court",
    ]);
    replica.ok(&["proposal", "edit", &id, "--title", "Former les élus à l'innovation"]);
    replica.ok(&["proposal", "edit", &id, "--title", "Acculturer les décideurs", "--kind", "concrete_action"]);
    let versions = replica.json(&["history", "proposal", &id]);
    let titles: Vec<&str> = versions.as_array().unwrap().iter().map(|v| v["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Former les élus", "Former les élus à l'innovation", "Acculturer les décideurs"]);
    assert_eq!(versions[0]["origin"], "local");
    assert_eq!(versions[2]["state"], "concrete_action");
    // Restoring the first wording is a new edit: the history grows, nothing is rewritten.
    replica.ok(&["history", "restore", &id, "--version", "1"]);
    let proposal = replica
        .json(&["proposal", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(proposal["title"], "Former les élus");
    assert_eq!(proposal["kind"], "proposal");
    assert_eq!(replica.json(&["history", "proposal", &id]).as_array().unwrap().len(), 4);
    let stderr = replica.fails(&["history", "restore", &id, "--version", "9"]);
    assert!(stderr.contains("pas de version 9 : cet enregistrement en a 4"), "{stderr}");
    // A consolidated proposal's wordings too.
    let merged = replica.ok(&["synthesis", "merge", "--theme", "1", "--title", "Former les élus", &id]);
    replica.ok(&["synthesis", "edit", &merged, "--title", "Former les élus et les DGS", "--status", "retained"]);
    let versions = replica.json(&["history", "consolidated", &merged]);
    assert_eq!(versions.as_array().unwrap().len(), 2, "{versions}");
    replica.ok(&["history", "restore", &merged, "--version", "1"]);
    let list = replica.json(&["synthesis", "list", "--theme", "1"]);
    assert_eq!(list[0]["title"], "Former les élus");
    assert_eq!(list[0]["status"], "draft");
}

#[test]
fn bad_arguments_and_accesses_that_grant_nothing_are_refused_in_both_languages() {
    let (replica, _) = Replica::with_sample();
    replica.ok(&["device", "name", "Camille"]);
    let usage = |args: &[&str]| {
        let output = replica.run(args);
        assert_eq!(output.status.code(), Some(2), "recolte {args:?}");
        String::from_utf8(output.stderr).unwrap()
    };
    let fr = usage(&["--lang", "fr", "proposal", "add", "--subgroup", "A"]);
    assert!(fr.starts_with("erreur : il manque : --title"), "{fr}");
    let en = usage(&["--lang", "en", "proposal", "add", "--subgroup", "A"]);
    assert!(en.contains("required arguments were not provided"), "{en}");
    // With no session given nor one covered by an invitation: said, not a usage error.
    let fr = replica.fails(&["--lang", "fr", "proposal", "add", "--title", "x"]);
    assert!(fr.contains("il manque --session") && fr.contains("recolte session list"), "{fr}");
    let lang = usage(&["--lang", "de", "session", "list"]);
    assert!(lang.contains("valeurs possibles : fr, en"), "{lang}");
    let zero = usage(&["hub", "--max-clients", "0"]);
    assert!(zero.contains("« 0 » n'est pas une valeur possible de --max-clients"), "{zero}");
    let dash = usage(&["proposal", "list", "-x"]);
    assert!(dash.contains("s'écrit après « -- »"), "{dash}");
    let nothing = usage(&["synthesis", "edit", "01a2ffff-0000-7000-8000-000000000001"]);
    assert!(nothing.contains("il manque : <--title"), "{nothing}");
    let licence = usage(&["export", "opendata", "--out", "ailleurs", "--licence", ""]);
    assert!(licence.contains("il manque la valeur de --licence"), "{licence}");
    let no_words = replica.fails(&["search", " « - » "]);
    assert!(no_words.contains("rien à chercher : donnez au moins un mot"), "{no_words}");
    let no_words = replica.fails(&["--lang", "en", "search", ""]);
    assert!(no_words.contains("nothing to search for"), "{no_words}");

    // A name that would sign nothing, and accesses that would let their holder write nowhere.
    let blank = replica.fails(&["device", "name", "  "]);
    assert!(blank.contains("le champ nom ne peut pas être vide"), "{blank}");
    assert_eq!(replica.ok(&["device", "name"]), "Camille");
    let facilitator = replica.fails(&["token", "create", "--role", "facilitator", "--name", "X"]);
    assert!(facilitator.contains("un accès d'animation doit nommer les sessions animées"), "{facilitator}");
    let rapporteur = replica.fails(&["--lang", "en", "invite", "create", "--role", "rapporteur"]);
    assert!(rapporteur.contains("a rapporteur's access must name the themes they consolidate"), "{rapporteur}");
    // Grants the role would silently ignore, and a fingerprint that would fail every connection.
    let panel = replica.fails(&["token", "create", "--role", "panel", "--theme", "1"]);
    assert!(panel.contains("seul un accès de rapporteur nomme des thèmes"), "{panel}");
    let session = replica.sessions(1)[0].clone();
    let organiser = replica.fails(&["invite", "create", "--role", "organiser", "--session", &session]);
    assert!(organiser.contains("seul un accès d'animation nomme des sessions"), "{organiser}");
    let print =
        replica.fails(&["invite", "create", "--role", "panel", "--hub", "wss://10.0.0.1:4455", "--fingerprint", "zz"]);
    assert!(print.contains("« zz » n'est pas une empreinte de certificat"), "{print}");
    assert_eq!(replica.json(&["invite", "list"]).as_array().unwrap().len(), 0);
}

#[test]
fn importing_a_programme_a_second_time_warns_that_it_makes_a_second_event() {
    let (replica, _) = Replica::with_sample();
    let output = recolte().arg("--data-dir").arg(replica.path()).args(["event", "import", SAMPLE]).output().unwrap();
    assert!(output.status.success());
    let warned = String::from_utf8_lossy(&output.stderr);
    assert!(warned.contains("en voici un second, qui ne fusionnera jamais avec le premier"), "{warned}");
    assert!(warned.contains("recolte join --invitation"), "{warned}");
}

#[test]
fn a_bundle_for_a_key_that_is_not_there_is_refused_and_no_folder_is_made() {
    let (replica, _) = Replica::with_sample();
    let key = replica.path().join("media").join("usb");
    let refused = replica.fails(&["bundle", "export", "--out", key.join("atelier-8.rclt").to_str().unwrap()]);
    assert!(refused.contains("n'existe pas (la clé USB est-elle branchée et montée ?)"), "{refused}");
    assert!(refused.contains("rien n'a été écrit"), "{refused}");
    assert!(!key.exists(), "the folder of an unmounted key was made on the disk");
    std::fs::create_dir_all(&key).unwrap();
    replica.ok(&["bundle", "export", "--out", key.join("atelier-8.rclt").to_str().unwrap()]);
    assert!(key.join("atelier-8.rclt").is_file());
}

#[test]
fn a_bundle_of_another_event_is_named_and_added_only_when_asked() {
    let (ours, _) = Replica::with_sample();
    let (theirs, their_event) = Replica::with_sample();
    let file = theirs.path().join("theirs.rclt");
    theirs.ok(&["bundle", "export", "--out", file.to_str().unwrap()]);
    let refused = ours.fails(&["bundle", "import", file.to_str().unwrap()]);
    assert!(
        refused.contains("ce paquet est celui d'un autre événement") && refused.contains("--add-event"),
        "{refused}"
    );
    assert_eq!(ours.json(&["event", "show"])["name"], theirs.json(&["event", "show"])["name"], "one event, as before");
    ours.ok(&["bundle", "import", "--add-event", file.to_str().unwrap()]);
    ours.ok(&["--event", &their_event, "event", "show"]);
}

#[test]
fn what_changes_nothing_says_so() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(1)[0].clone();
    let id = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    assert_eq!(replica.ok(&["proposal", "restore", &id]), "rien à restaurer : la proposition n'est pas supprimée");
    assert_eq!(replica.ok(&["proposal", "delete", &id]), "fait");
    assert_eq!(replica.ok(&["--lang", "en", "proposal", "delete", &id]), "nothing to delete: the proposal already is");
    replica.ok(&["proposal", "restore", &id]);
    let other = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les cadres"]);
    let merged = replica.ok(&["synthesis", "merge", "--theme", "1", "--title", "Former", &id, &other]);
    assert_eq!(replica.ok(&["synthesis", "restore", &merged]), "rien à rétablir : cette fusion n'est pas défaite");
    let comment = replica.ok(&["panel", "comment", &merged, "À porter"]);
    assert_eq!(replica.ok(&["panel", "uncomment", &comment]), "fait");
    assert_eq!(replica.ok(&["panel", "uncomment", &comment]), "rien à supprimer : ce commentaire l'est déjà");
    assert_eq!(replica.ok(&["synthesis", "delete", &merged]), "fait");
    assert_eq!(replica.ok(&["synthesis", "delete", &merged]), "rien à défaire : cette fusion l'est déjà");
    replica.ok(&["synthesis", "restore", &merged]);
    assert_eq!(
        replica.ok(&["panel", "mark", "--clear", &merged]),
        "rien à retirer : cette proposition n'est pas marquée « à porter »"
    );
    assert_eq!(replica.ok(&["panel", "mark", &merged]), "fait");
    assert_eq!(
        replica.ok(&["panel", "mark", &merged]),
        "rien à changer : cette proposition est déjà marquée « à porter »"
    );
    let aside = replica.ok(&["proposal", "add", "--session", &session, "--title", "Hors sujet"]);
    let clear = ["synthesis", "set-aside", "--clear", aside.as_str()];
    assert_eq!(replica.ok(&clear), "rien à reprendre : cette proposition n'est pas écartée");
    assert_eq!(replica.ok(&["synthesis", "set-aside", &aside, "--reason", "off_topic"]), "fait");
    assert_eq!(
        replica.ok(&["synthesis", "set-aside", &aside, "--reason", "off_topic"]),
        "rien à changer : cette proposition est déjà écartée pour cette raison"
    );
    assert_eq!(replica.ok(&["synthesis", "set-aside", &aside, "--reason", "other"]), "fait");
    assert_eq!(replica.ok(&clear), "fait");
    let nothing = replica.run(&["proposal", "edit", &id]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("il manque : <--title"), "{nothing:?}");
    let link = replica.ok(&["invite", "create", "--role", "panel", "--hub", "ws://127.0.0.1:4455"]);
    let invitation = replica.json(&["invite", "list"])[0]["id"].as_str().unwrap().to_owned();
    assert!(!link.is_empty());
    assert_eq!(replica.ok(&["invite", "revoke", &invitation]), "fait");
    assert_eq!(replica.ok(&["invite", "revoke", &invitation]), "cette invitation était déjà révoquée");
}

#[test]
fn an_invitation_sheet_that_cannot_be_written_leaves_no_invitation_behind() {
    let (replica, _) = Replica::with_sample();
    let blocked = replica.path().join("a-file");
    std::fs::write(&blocked, "").unwrap();
    let sheet = blocked.join("sheet.html");
    let error = replica.fails(&["invite", "all", "--hub", "ws://127.0.0.1:4455", "--sheet", sheet.to_str().unwrap()]);
    assert!(error.contains("n'existe pas"), "{error}");
    // A folder given as the sheet's file.
    let folder = replica.path().join("print");
    std::fs::create_dir(&folder).unwrap();
    let error = replica.fails(&["invite", "all", "--hub", "ws://127.0.0.1:4455", "--sheet", folder.to_str().unwrap()]);
    assert!(error.contains("est un dossier"), "{error}");
    assert_eq!(replica.json(&["invite", "list"]).as_array().unwrap().len(), 0);
}

/// An output on the command line goes into a folder that is there (an unmounted USB key must
/// not become a folder on the computer's disk), never onto a folder or a device.
#[test]
fn exports_write_only_where_they_were_told_and_say_why_not() {
    let (replica, _) = Replica::with_sample();
    let missing = replica.path().join("usb-key-not-mounted");
    for args in [
        vec!["export", "decidim", "--captured", "--out"],
        vec!["export", "report", "--out"],
        vec!["export", "opendata", "--out"],
        vec!["invite", "sheet", "--out"],
    ] {
        let target = missing.join("out").join("x.json");
        let mut all = args.clone();
        all.push(target.to_str().unwrap());
        let error = replica.fails(&all);
        assert!(error.contains("n'existe pas"), "{args:?}: {error}");
        assert!(!missing.exists(), "{args:?} made the folder");
    }
    let file = replica.path().join("a-file.txt");
    std::fs::write(&file, "gardé").unwrap();
    let error = replica.fails(&["export", "report", "--out", file.to_str().unwrap()]);
    assert!(error.contains("est un fichier"), "{error}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "gardé");
    let error = replica.fails(&["--lang", "en", "bundle", "export", "--out", replica.path().to_str().unwrap()]);
    assert!(error.contains("is a folder"), "{error}");
    let error = replica.fails(&["bundle", "export", "--out", "/dev/null"]);
    assert!(error.contains("n'est pas un fichier ordinaire"), "{error}");
    let pdf = replica.path().join("invitations.pdf");
    let error = replica.fails(&["invite", "all", "--hub", "ws://127.0.0.1:4455", "--sheet", pdf.to_str().unwrap()]);
    assert!(error.contains("nommez le fichier .html"), "{error}");
    assert_eq!(replica.json(&["invite", "list"]).as_array().unwrap().len(), 0, "no invitation made");
}

/// An id or a number this event does not have is named, never listed as nothing.
#[test]
fn unknown_themes_sessions_and_events_are_named_not_listed_empty() {
    let (replica, _) = Replica::with_sample();
    let unknown = "01a20094-5763-77ed-987c-fe069732c223";
    for (args, said) in [
        (vec!["proposal", "list", "--theme", "99"], "99"),
        (vec!["proposal", "list", "--theme", "0"], "0"),
        (vec!["proposal", "list", "--session", unknown], unknown),
        (vec!["subgroup", "list", "--session", unknown], unknown),
        (vec!["--event", unknown, "proposal", "list"], unknown),
    ] {
        let error = replica.fails(&args);
        assert!(error.contains(said) && error.contains("aucun"), "{args:?}: {error}");
    }
    let session = replica.sessions(1)[0].clone();
    let before = replica.proposals();
    let error = replica.fails(&["--event", unknown, "proposal", "add", "--session", &session, "--title", "x"]);
    assert!(error.contains(unknown), "{error}");
    assert_eq!(replica.proposals(), before, "nothing saved");
}

/// A command that saves nothing says so, instead of "fait".
#[test]
fn a_command_that_changes_nothing_says_so() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(8)[0].clone();
    let id = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les élus"]);
    assert_eq!(
        replica.ok(&["proposal", "edit", &id, "--title", "Former les élus"]),
        "rien à changer : c'était déjà ainsi"
    );
    assert_eq!(replica.ok(&["proposal", "edit", &id, "--title", "Former tous les élus"]), "fait");
    replica.ok(&["subgroup", "add", "--session", &session, "Groupe A"]);
    let renamed = replica.ok(&["subgroup", "rename", "--session", &session, "Groupe A", "Groupe A"]);
    assert_eq!(renamed, "rien à changer : c'était déjà ainsi");
    let json = replica.json(&["proposal", "edit", &id, "--title", "Former tous les élus"]);
    assert_eq!(json["changed"], false, "{json}");

    // The same for the rapporteur's and the panel's settings: asked twice, written once.
    let other = replica.ok(&["proposal", "add", "--session", &session, "--title", "Former les cadres"]);
    let merged = replica.ok(&["synthesis", "merge", "--theme", "8", "--title", "Former", &id, &other]);
    let same = "rien à changer : c'était déjà ainsi";
    for args in [
        vec!["proposal", "edit", &id, "--kind", "proposal"],
        vec!["synthesis", "edit", &merged, "--status", "draft"],
        vec!["synthesis", "edit", &merged, "--no-priority"],
        vec!["panel", "vote", &merged, "--dots", "0", "--member", "Inès"],
        vec!["panel", "dots", "3"],
    ] {
        assert_eq!(replica.ok(&args), same, "{args:?}");
    }
    let third = replica.ok(&["proposal", "add", "--session", &session, "--title", "Un laboratoire"]);
    let fourth = replica.ok(&["proposal", "add", "--session", &session, "--title", "Une fabrique"]);
    for (args, first) in [
        (vec!["synthesis", "edit", &merged, "--status", "retained"], "fait"),
        (vec!["synthesis", "edit", &merged, "--priority", "2"], "fait"),
        (vec!["panel", "vote", &merged, "--dots", "2", "--member", "Inès"], "fait"),
        (vec!["panel", "dots", "4"], "fait"),
        (vec!["synthesis", "dismiss", "--theme", "8", &third, &fourth], "fait"),
        (vec!["synthesis", "lexicon", "--theme", "8", "--add", "labo", "fabrique"], "fait"),
    ] {
        assert_eq!(replica.ok(&args), first, "{args:?}");
        assert_eq!(replica.ok(&args), same, "again: {args:?}");
    }
    let absent = ["synthesis", "lexicon", "--theme", "8", "--remove", "tortue", "lièvre"];
    assert_eq!(replica.ok(&absent), same);
    let punctuation = replica.fails(&["synthesis", "lexicon", "--theme", "8", "--add", "!!", "??"]);
    assert!(punctuation.contains("« !! » n'a ni lettre ni chiffre"), "{punctuation}");
}
