//! An edit reported as saved survives `kill -9` of the process at any moment.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use rand::{RngExt, SeedableRng};
use recolte_store::{ProposalFilter, Store};

use crate::common::{recolte, Replica};

#[test]
fn proposals_reported_saved_survive_sigkill() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(6)[0].clone();
    let seed: u64 = std::env::var("RECOLTE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    eprintln!("crash test seed {seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut reported: BTreeSet<String> = BTreeSet::new();

    for round in 0..8 {
        let mut child = recolte()
            .args(["--data-dir", replica.path().to_str().unwrap(), "proposal", "add-batch", "--session", &session])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            for i in 0..1000 {
                let line = format!("{{\"title\": \"Proposition {round}-{i} : reconnaître les innovateurs\", \"body\": \"{}\", \"tags\": [\"r{round}\"]}}\n", "texte ".repeat(i % 40));
                if stdin.write_all(line.as_bytes()).is_err() {
                    return;
                }
            }
        });
        // Kill after a random number of saves, and after a random extra moment, so that the
        // kill lands anywhere: between saves, inside SQLite's commit, while parsing…
        let kill_after = rng.random_range(1..300);
        let extra_micros = rng.random_range(0..3000);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for _ in 0..kill_after {
            match lines.next() {
                Some(Ok(id)) => {
                    reported.insert(id.trim().to_owned());
                }
                _ => break,
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(extra_micros));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        // Lines printed between our last read and the kill were saved too: count them.
        for id in lines.map_while(Result::ok) {
            reported.insert(id.trim().to_owned());
        }
        let _ = feeder.join();

        let mut store = Store::open(replica.path()).unwrap();
        let event = store.resolve_event(None).unwrap();
        let present: BTreeSet<String> =
            store.proposals(event, &ProposalFilter::default()).unwrap().into_iter().map(|p| p.id.to_string()).collect();
        let missing: Vec<&String> = reported.difference(&present).collect();
        assert!(
            missing.is_empty(),
            "round {round} (seed {seed}): {} saved proposal(s) lost: {missing:?}",
            missing.len()
        );
        assert!(store.integrity_check(recolte_core::Lang::En).unwrap().is_empty());
        let projections = store.dump_projections().unwrap();
        store.rebuild().unwrap();
        assert_eq!(store.dump_projections().unwrap(), projections, "round {round}: projections differ from a rebuild");
    }
    assert!(reported.len() >= 8, "the child saved almost nothing: the test proved little");
}

/// Two writers and a compactor on one store at once, as when the app is open while an
/// organiser runs a script: every save each writer reported is there at the end.
#[test]
fn concurrent_processes_and_compaction_lose_nothing() {
    let (replica, _) = Replica::with_sample();
    let session = replica.sessions(7)[0].clone();
    let writer = |name: &'static str| {
        let mut child = recolte()
            .args(["--data-dir", replica.path().to_str().unwrap(), "proposal", "add-batch", "--session", &session])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let lines: String =
            (0..150).map(|i| format!("{{\"title\": \"{name} {i}\", \"author\": \"{name}\"}}\n")).collect();
        let feeder = std::thread::spawn(move || stdin.write_all(lines.as_bytes()).unwrap());
        (child, feeder)
    };
    let (mut first, feed_first) = writer("poste A");
    let (mut second, feed_second) = writer("poste B");
    // Compact again and again while both writers are saving.
    let mut compactions = 0;
    while first.try_wait().unwrap().is_none() || second.try_wait().unwrap().is_none() {
        replica.ok(&["store", "compact"]);
        compactions += 1;
    }
    assert!(compactions >= 1);
    eprintln!("{compactions} compactions during the writes");
    feed_first.join().unwrap();
    feed_second.join().unwrap();
    let mut outputs = Vec::new();
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        outputs.push(String::from_utf8(output.stdout).unwrap());
    }
    let reported: BTreeSet<String> = outputs.iter().flat_map(|o| o.lines().map(str::to_owned)).collect();
    assert_eq!(reported.len(), 300);
    let mut store = Store::open(replica.path()).unwrap();
    let event = store.resolve_event(None).unwrap();
    let present: BTreeSet<String> =
        store.proposals(event, &ProposalFilter::default()).unwrap().into_iter().map(|p| p.id.to_string()).collect();
    assert_eq!(present, reported);
    let projections = store.dump_projections().unwrap();
    store.rebuild().unwrap();
    assert_eq!(store.dump_projections().unwrap(), projections);
}
