//! The rapporteur's work from the command line: merges, duplicate suggestions with their
//! reasons, set-asides, the lexicon it teaches, suggestions dismissed.

use crate::common::Replica;

#[test]
fn a_rapporteur_merges_proposals_of_a_theme() {
    let (replica, _) = Replica::with_sample();
    let sessions = replica.sessions(4);
    let a = replica.ok(&["proposal", "add", "--session", &sessions[0], "--title", "Évaluer autrement"]);
    let b = replica.ok(&["proposal", "add", "--session", &sessions[2], "--title", "Des méthodes d'évaluation souples"]);
    let merged =
        replica.ok(&["synthesis", "merge", "--theme", "4", "--title", "Évaluer avec des méthodes souples", &a, &b]);
    replica.ok(&["synthesis", "edit", &merged, "--status", "retained", "--priority", "1"]);
    let synthesis = replica.json(&["synthesis", "list", "--theme", "4"]);
    let c = &synthesis[0];
    assert_eq!(c["id"], merged.as_str());
    assert_eq!(c["status"], "retained");
    assert_eq!(c["priority"], 1);
    let mut sources: Vec<&str> =
        c["sources"].as_array().unwrap().iter().map(|s| s["proposal_id"].as_str().unwrap()).collect();
    sources.sort();
    let mut expected = vec![a.as_str(), b.as_str()];
    expected.sort();
    assert_eq!(sources, expected);
    assert!(replica.proposals().as_array().unwrap().iter().all(|p| p["merged_into"][0] == merged.as_str()));
    replica.ok(&["panel", "mark", &merged, "--by", "Panel"]);
    replica.ok(&["panel", "comment", &merged, "À porter en région"]);
}

#[test]
fn a_rapporteur_gets_duplicate_suggestions_with_their_reason() {
    let (replica, _) = Replica::with_sample();
    let sessions = replica.sessions(1);
    let a = replica.ok(&["proposal", "add", "--session", &sessions[0], "--title", "Former les élus à l'innovation"]);
    let b = replica.ok(&[
        "proposal",
        "add",
        "--session",
        &sessions[2],
        "--title",
        "Formation des décideurs aux démarches d'innovation",
    ]);
    replica.ok(&["proposal", "add", "--session", &sessions[1], "--title", "Un budget pluriannuel pour innover"]);
    let suggestions = replica.json(&["synthesis", "suggest", "--theme", "1"]);
    assert_eq!(suggestions.as_array().unwrap().len(), 1, "{suggestions}");
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    let mut got: Vec<String> =
        suggestions[0]["proposals"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
    got.sort();
    assert_eq!(got, expected);
    assert!(suggestions[0]["score"].as_f64().unwrap() > 0.3);
    assert!(suggestions[0]["reason"].as_str().unwrap().contains("formation"));
    // Once merged, they are no longer suggested.
    replica.ok(&["synthesis", "merge", "--theme", "1", "--title", "Former les élus", &a, &b]);
    assert_eq!(replica.json(&["synthesis", "suggest", "--theme", "1"]), serde_json::json!([]));
}

#[test]
fn the_rapporteur_triages_teaches_words_and_dismisses_suggestions() {
    let (replica, _) = Replica::with_sample();
    let sessions = replica.sessions(2);
    let add = |session: &str, title: &str| replica.ok(&["proposal", "add", "--session", session, "--title", title]);
    let glossary = add(&sessions[0], "Un almanach de l'innovation publique");
    let lexicon = add(&sessions[1], "Un calendrier de l'innovation publique");
    let off_topic = add(&sessions[1], "Réparer la machine à café");
    // As in a real theme, "innovation publique" is in most titles: it says little.
    for title in [
        "Mesurer l'innovation publique",
        "Financer l'innovation publique",
        "Un prix de l'innovation publique",
        "Enseigner l'innovation publique",
        "Raconter l'innovation publique",
        "Outiller l'innovation publique",
    ] {
        add(&sessions[2], title);
    }
    assert_eq!(replica.json(&["synthesis", "suggest", "--theme", "2"]), serde_json::json!([]));
    // Set aside without a merge, then back.
    replica.ok(&["synthesis", "set-aside", &off_topic, "--reason", "off_topic"]);
    // The list says it, and what is left to treat leaves it out.
    let listed = replica.json(&["proposal", "list", "--theme", "2"]);
    let row = listed.as_array().unwrap().iter().find(|p| p["id"] == off_topic.as_str()).unwrap();
    assert_eq!(row["set_aside"], "off_topic", "{row}");
    assert!(replica.ok(&["proposal", "list", "--theme", "2"]).contains("[mise de côté : hors sujet]"));
    let queue = replica.json(&["proposal", "list", "--theme", "2", "--untreated"]);
    assert!(queue.as_array().unwrap().iter().all(|p| p["id"] != off_topic.as_str()), "{queue}");
    assert_eq!(queue.as_array().unwrap().len(), listed.as_array().unwrap().len() - 1);
    let stderr = replica.fails(&["synthesis", "set-aside", &off_topic, "--reason", "boring"]);
    assert!(stderr.contains("raison « boring » inconnue"), "{stderr}");
    // Set aside, it is treated: a merge asks to take it back first, and merges nothing.
    let before = replica.json(&["synthesis", "list", "--theme", "2", "--all"]);
    let stderr = replica.fails(&["synthesis", "merge", "--theme", "2", "--title", "Les deux", &off_topic, &glossary]);
    assert!(stderr.contains("est mise de côté : reprenez-la d'abord pour la fusionner"), "{stderr}");
    assert_eq!(replica.json(&["synthesis", "list", "--theme", "2", "--all"]), before);
    // A merge made by hand teaches the pair of words that differ (two the built-in lexicon does not
    // know as one); then the pair is in the event's lexicon.
    let output =
        replica.run(&["synthesis", "merge", "--theme", "2", "--title", "Un almanach partagé", &glossary, &lexicon]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("almanach ≈ calendrier"), "{output:?}");
    let words = replica.json(&["synthesis", "lexicon", "--theme", "2"]);
    assert_eq!(words[0]["a"], "almanach");
    assert_eq!(words[0]["b"], "calendrier");
    assert_eq!(words[0]["learned"], true);
    // It now finds the same paraphrase in other proposals.
    let again = add(&sessions[3], "Rédiger un almanach des démarches");
    let twin = add(&sessions[3], "Rédiger un calendrier des démarches");
    let suggestions = replica.json(&["synthesis", "suggest", "--theme", "2"]);
    assert_eq!(suggestions.as_array().unwrap().len(), 1, "{suggestions}");
    assert!(suggestions[0]["reason"].as_str().unwrap().contains("almanach ≈ calendrier"), "{suggestions}");
    // "Pas des doublons": never suggested again.
    replica.ok(&["synthesis", "dismiss", "--theme", "2", &again, &twin]);
    assert_eq!(replica.json(&["synthesis", "suggest", "--theme", "2"]), serde_json::json!([]));
    // A pair taken out of the lexicon no longer counts.
    replica.ok(&["synthesis", "lexicon", "--theme", "2", "--remove", "calendrier", "almanach"]);
    assert_eq!(replica.json(&["synthesis", "lexicon", "--theme", "2"]), serde_json::json!([]));
    replica.ok(&["synthesis", "lexicon", "--theme", "2", "--add", "Appli", "application"]);
    assert_eq!(replica.json(&["synthesis", "lexicon", "--theme", "2"])[0]["a"], "appli");
    // In JSON, a merge gives the pairs it taught beside its id, as the text gives them.
    let grimoire = add(&sessions[0], "Un grimoire des démarches");
    let vademecum = add(&sessions[1], "Un vademecum des démarches");
    let taught = replica.json(&[
        "synthesis",
        "merge",
        "--theme",
        "2",
        "--title",
        "Un guide des démarches",
        &grimoire,
        &vademecum,
    ]);
    assert!(taught["id"].as_str().is_some_and(|id| !id.is_empty()), "{taught}");
    assert_eq!(taught["learned"], serde_json::json!([{ "a": "grimoire", "b": "vademecum" }]), "{taught}");
}
