//! Replicas that only meet through bundle files end identical: same documents, same
//! projections, whatever the order of the exchanges.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use recolte_core::ids::{EventId, ProposalId, SessionId};
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate, Store};
use tempfile::TempDir;

use crate::common::{Replica, SAMPLE};

/// Asserts that every replica has the same documents and the same projections.
fn assert_converged(stores: &mut [Store], event: EventId) {
    let names = stores[0].documents(event).unwrap();
    let reference: Vec<String> = names.iter().map(|n| stores[0].document_json(n).unwrap()).collect();
    let projections = stores[0].dump_projections().unwrap();
    for (i, store) in stores.iter_mut().enumerate().skip(1) {
        assert_eq!(store.documents(event).unwrap(), names, "replica {i} lists other documents");
        for (name, expected) in names.iter().zip(&reference) {
            assert_eq!(&store.document_json(name).unwrap(), expected, "replica {i} differs on {name}");
        }
        assert_eq!(store.dump_projections().unwrap(), projections, "replica {i} has other projections");
    }
}

#[test]
fn two_devices_editing_the_same_title_offline_both_keep_their_edit() {
    let (a, _) = Replica::with_sample();
    let b = Replica::new();
    b.import(&a.export("setup.rclt"));
    let session = a.sessions(3)[0].clone();
    let id = a.ok(&["proposal", "add", "--session", &session, "--title", "Révéler l'innovation invisible"]);
    b.import(&a.export("with-proposal.rclt"));

    // Offline, each edits another part of the same title, and captures something new.
    a.ok(&["proposal", "edit", &id, "--title", "Révéler et valoriser l'innovation invisible"]);
    b.ok(&["proposal", "edit", &id, "--title", "Révéler l'innovation invisible des agents"]);
    a.ok(&["proposal", "add", "--session", &session, "--title", "Un prix de l'innovation ordinaire"]);
    b.ok(&["proposal", "add", "--session", &session, "--title", "Une carte des initiatives"]);

    let from_a = a.export("a.rclt");
    let from_b = b.export("b.rclt");
    b.import(&from_a);
    a.import(&from_b);
    let (pa, pb) = (a.proposals(), b.proposals());
    assert_eq!(pa, pb);
    let merged = pa.as_array().unwrap().iter().find(|p| p["id"] == id.as_str()).unwrap();
    assert_eq!(merged["title"], "Révéler et valoriser l'innovation invisible des agents");
    assert_eq!(pa.as_array().unwrap().len(), 3);

    let mut stores = [Store::open(a.path()).unwrap(), Store::open(b.path()).unwrap()];
    let event = stores[0].resolve_event(None).unwrap();
    assert_converged(&mut stores, event);
}

struct Device {
    dir: TempDir,
    store: Store,
}

fn devices(count: usize) -> (Vec<Device>, EventId) {
    let first_dir = tempfile::tempdir().unwrap();
    let mut first = Store::open(first_dir.path()).unwrap();
    let event = first.import_programme(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let setup = first.export_bundle(event).unwrap();
    let mut devices = vec![Device { dir: first_dir, store: first }];
    for _ in 1..count {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.import_bundle(&setup).unwrap();
        devices.push(Device { dir, store });
    }
    (devices, event)
}

fn send(devices: &mut [Device], from: usize, to: usize, event: EventId) {
    let bundle = devices[from].store.export_bundle(event).unwrap();
    devices[to].store.import_bundle(&bundle).unwrap();
}

#[test]
fn three_devices_converge_whatever_the_order_of_exchanges() {
    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for order in orders {
        let (mut devices, event) = devices(3);
        let session = devices[0].store.sessions(event, Some(5)).unwrap()[0].id;
        let shared = devices[0]
            .store
            .add_proposal(session, &ProposalInput { title: "Coopérer entre services".into(), ..Default::default() })
            .unwrap();
        for to in 1..3 {
            send(&mut devices, 0, to, event);
        }
        for (i, device) in devices.iter_mut().enumerate() {
            let title = [
                "Coopérer vraiment entre services",
                "Coopérer entre services et territoires",
                "Mieux coopérer entre services",
            ][i];
            device
                .store
                .edit_proposal(shared, &ProposalUpdate { title: Some(title.into()), ..Default::default() })
                .unwrap();
            device
                .store
                .add_proposal(session, &ProposalInput { title: format!("Idée du poste {i}"), ..Default::default() })
                .unwrap();
        }
        devices[order[2]].store.set_proposal_deleted(shared, true).unwrap();
        devices[order[1]].store.set_proposal_deleted(shared, false).unwrap();
        // A chain around the ring and one more hop reaches everyone.
        for (from, to) in [(order[0], order[1]), (order[1], order[2]), (order[2], order[0]), (order[0], order[1])] {
            send(&mut devices, from, to, event);
        }
        let (_dirs, mut stores): (Vec<TempDir>, Vec<Store>) = devices.into_iter().map(|d| (d.dir, d.store)).unzip();
        assert_converged(&mut stores, event);
        let titles: Vec<String> = stores[0]
            .proposals(event, &ProposalFilter { all: true, ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|p| p.title)
            .collect();
        assert_eq!(titles.len(), 4, "order {order:?}: {titles:?}");
        assert!(
            titles.contains(&"Mieux coopérer vraiment entre services et territoires".to_owned()),
            "order {order:?}: {titles:?}"
        );
    }
}

const WORDS: &[&str] = &[
    "élus",
    "agents",
    "innovation",
    "communs",
    "laboratoire",
    "confiance",
    "évaluation",
    "citoyens",
    "🌱",
    "«",
    "»",
    "l'",
    "—",
];

/// One random step of a replica's life.
fn random_step(rng: &mut StdRng, devices: &mut [Device], event: EventId, sessions: &[SessionId]) {
    let n = devices.len();
    let who = rng.random_range(0..n);
    let store = &mut devices[who].store;
    let known: Vec<(ProposalId, u32, String)> = store
        .proposals(event, &ProposalFilter { all: true, ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.theme, p.title))
        .collect();
    match rng.random_range(0..100) {
        0..=24 => {
            let session = *sessions.choose(rng).unwrap();
            let title = format!("{} {}", WORDS.choose(rng).unwrap(), WORDS.choose(rng).unwrap());
            store
                .add_proposal(
                    session,
                    &ProposalInput { title, author: Some(format!("poste {who}")), ..Default::default() },
                )
                .unwrap();
        }
        25..=54 if !known.is_empty() => {
            let (id, _, title) = known.choose(rng).unwrap();
            let chars: Vec<char> = title.chars().collect();
            let at = rng.random_range(0..=chars.len());
            let mut new: String = chars[..at].iter().collect();
            if rng.random_bool(0.7) || chars.len() < 4 {
                new.push_str(&format!(" {}", WORDS.choose(rng).unwrap()));
                new.extend(&chars[at..]);
            } else {
                let end = (at + rng.random_range(1..4)).min(chars.len());
                new.extend(&chars[end..]);
            }
            if !new.trim().is_empty() {
                store.edit_proposal(*id, &ProposalUpdate { title: Some(new), ..Default::default() }).unwrap();
            }
        }
        55..=64 if !known.is_empty() => {
            let (id, _, _) = known.choose(rng).unwrap();
            store.set_proposal_deleted(*id, rng.random_bool(0.6)).unwrap();
        }
        65..=72 if known.len() >= 2 => {
            let (first, theme, _) = known.choose(rng).unwrap();
            let partners: Vec<ProposalId> =
                known.iter().filter(|(id, t, _)| t == theme && id != first).map(|(id, _, _)| *id).collect();
            if let Some(second) = partners.choose(rng) {
                store.merge(event, *theme, "Proposition consolidée", "", &[*first, *second], None).unwrap();
            }
        }
        73..=77 => {
            let session = *sessions.choose(rng).unwrap();
            store.add_subgroup(session, &format!("Groupe {}", rng.random_range(1..9))).unwrap();
        }
        _ => {
            let to = (who + rng.random_range(1..n)) % n;
            send(devices, who, to, event);
        }
    }
}

#[test]
fn seeded_random_scenarios_converge() {
    let base: u64 = std::env::var("RECOLTE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let scenarios = std::env::var("RECOLTE_SCENARIOS").ok().and_then(|s| s.parse().ok()).unwrap_or(4u64);
    for k in 0..scenarios {
        let seed = base.wrapping_add(k);
        eprintln!("convergence scenario seed {seed} (replay with RECOLTE_SEED={seed} RECOLTE_SCENARIOS=1)");
        let mut rng = StdRng::seed_from_u64(seed);
        let count = rng.random_range(3..=5);
        let (mut devices, event) = devices(count);
        // A few sessions of two themes, so that edits collide and merges have partners.
        let mut sessions: Vec<SessionId> =
            devices[0].store.sessions(event, Some(1)).unwrap().iter().map(|s| s.id).collect();
        sessions.extend(devices[0].store.sessions(event, Some(7)).unwrap().iter().take(2).map(|s| s.id));
        sessions.shuffle(&mut rng);
        sessions.truncate(3);
        for _ in 0..150 {
            random_step(&mut rng, &mut devices, event, &sessions);
        }
        // Everyone meets everyone.
        for _ in 0..2 {
            for from in 0..count {
                for to in 0..count {
                    if from != to {
                        send(&mut devices, from, to, event);
                    }
                }
            }
        }
        let (_dirs, mut stores): (Vec<TempDir>, Vec<Store>) = devices.into_iter().map(|d| (d.dir, d.store)).unzip();
        assert_converged(&mut stores, event);
    }
}
