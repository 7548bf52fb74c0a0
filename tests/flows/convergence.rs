//! Replicas that meet through bundle files and through a hub end identical: same documents,
//! same projections, whatever the order of the exchanges.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use std::sync::MutexGuard;

use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, ProposalId, SessionId};
use recolte_store::{ProposalFilter, ProposalInput, ProposalUpdate, Store};
use recolte_sync::client::{self, Target};
use recolte_sync::hub::{HubConfig, RunningHub};
use recolte_test_support::Device;
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

/// A device of the campaign, and whether it ever reaches the hub (the others only see
/// bundles).
struct Peer {
    device: Device,
    online: bool,
}

impl Peer {
    fn open(dir: TempDir, store: Store) -> Peer {
        Peer { device: Device::holding(dir, store), online: true }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.device.store()
    }
}

fn devices(count: usize) -> (Vec<Peer>, EventId) {
    let first_dir = tempfile::tempdir().unwrap();
    let mut first = Store::open(first_dir.path()).unwrap();
    let event = first.import_programme(&std::fs::read_to_string(SAMPLE).unwrap()).unwrap();
    let setup = first.export_bundle(event).unwrap();
    let mut devices = vec![Peer::open(first_dir, first)];
    for _ in 1..count {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        store.import_bundle(&setup).unwrap();
        devices.push(Peer::open(dir, store));
    }
    (devices, event)
}

fn send(devices: &[Peer], from: usize, to: usize, event: EventId) {
    let bundle = devices[from].store().export_bundle(event).unwrap();
    devices[to].store().import_bundle(&bundle).unwrap();
}

fn into_stores(devices: Vec<Peer>) -> (Vec<TempDir>, Vec<Store>) {
    devices.into_iter().map(|peer| peer.device.into_store()).unzip()
}

/// A hub served in this process on 127.0.0.1, with its journal in a temporary folder.
struct Hub {
    runtime: tokio::runtime::Runtime,
    journal: TempDir,
    config: HubConfig,
    running: Option<RunningHub>,
    target: Target,
}

impl Hub {
    fn start(device: &Peer, event: EventId) -> Hub {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let journal = tempfile::tempdir().unwrap();
        let (key, token) = {
            let store = device.store();
            let scope = Scope { event, role: Role::Organiser, sessions: vec![], themes: vec![] };
            let token = store.issue_token(&scope, Some("campagne"), time::Duration::hours(1)).unwrap();
            (store.event_keys(event).unwrap().unwrap().public, token)
        };
        let mut config = HubConfig::new("127.0.0.1:0".parse().unwrap(), journal.path().to_owned(), vec![key]);
        let running = runtime.block_on(recolte_sync::hub::start(config.clone())).unwrap();
        // Restarts come back on the same address, as a hub on a laptop does.
        config.listen = running.addr;
        let target = Target::new(format!("ws://{}", running.addr), token);
        Hub { runtime, journal, config, running: Some(running), target }
    }

    fn sync(&self, device: &Peer) {
        self.runtime.block_on(client::sync_once(device.device.store.clone(), &self.target)).unwrap();
    }

    /// Stops the hub and starts it again on its journal, or on an empty one: a hub laptop
    /// that was replaced must be refilled by the devices without losing anything.
    fn restart(&mut self, lose_journal: bool) {
        let running = self.running.take().unwrap();
        self.runtime.block_on(running.stop()).unwrap();
        if lose_journal {
            self.journal = tempfile::tempdir().unwrap();
            self.config.data_dir = self.journal.path().to_owned();
        }
        self.running = Some(self.runtime.block_on(recolte_sync::hub::start(self.config.clone())).unwrap());
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = self.runtime.block_on(running.stop());
        }
    }
}

#[test]
fn three_devices_converge_whatever_the_order_of_exchanges() {
    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for order in orders {
        let (devices, event) = devices(3);
        let session = devices[0].store().sessions(event, Some(5)).unwrap()[0].id;
        let shared = devices[0]
            .store()
            .add_proposal(session, &ProposalInput { title: "Coopérer entre services".into(), ..Default::default() })
            .unwrap();
        for to in 1..3 {
            send(&devices, 0, to, event);
        }
        for (i, device) in devices.iter().enumerate() {
            let title = [
                "Coopérer vraiment entre services",
                "Coopérer entre services et territoires",
                "Mieux coopérer entre services",
            ][i];
            device
                .store()
                .edit_proposal(shared, &ProposalUpdate { title: Some(title.into()), ..Default::default() })
                .unwrap();
            device
                .store()
                .add_proposal(session, &ProposalInput { title: format!("Idée du poste {i}"), ..Default::default() })
                .unwrap();
        }
        // A delete on one device, a delete then a restore on another, concurrently.
        devices[order[2]].store().set_proposal_deleted(shared, true).unwrap();
        devices[order[1]].store().set_proposal_deleted(shared, true).unwrap();
        devices[order[1]].store().set_proposal_deleted(shared, false).unwrap();
        // A chain around the ring and one more hop reaches everyone.
        for (from, to) in [(order[0], order[1]), (order[1], order[2]), (order[2], order[0]), (order[0], order[1])] {
            send(&devices, from, to, event);
        }
        let (_dirs, mut stores) = into_stores(devices);
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

/// How many exchanges of each kind a campaign made, so that its report says what it tested.
#[derive(Default)]
struct Tally {
    bundles: usize,
    hub_syncs: usize,
    hub_restarts: usize,
    hub_losses: usize,
}

/// One random step of a replica's life: an edit, a bundle carried to another device, a sync
/// with the hub, or the hub going down.
fn random_step(
    rng: &mut StdRng,
    devices: &[Peer],
    hub: &mut Hub,
    event: EventId,
    sessions: &[SessionId],
    tally: &mut Tally,
) {
    let n = devices.len();
    let who = rng.random_range(0..n);
    let mut store = devices[who].store();
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
                // Deleted here, it is refused (brought back first); deleted on another replica
                // and not yet known here, the edit goes in and meets the deletion later.
                match store.edit_proposal(*id, &ProposalUpdate { title: Some(new), ..Default::default() }) {
                    Ok(()) | Err(recolte_store::Error::Core(recolte_core::Error::DeletedNotEdited(_))) => {}
                    Err(error) => panic!("{error}"),
                }
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
                // A deleted proposal is refused (restored first), and the refusal changes nothing.
                match store.merge(event, *theme, "Proposition consolidée", "", &[*first, *second], None) {
                    Ok(_) | Err(recolte_store::Error::DeletedProposal(_)) => {}
                    Err(error) => panic!("{error}"),
                }
            }
        }
        73..=77 => {
            let session = *sessions.choose(rng).unwrap();
            // A name this device already has is refused (another device may still add it).
            match store.add_subgroup(session, &format!("Groupe {}", rng.random_range(1..9))) {
                Ok(_) | Err(recolte_store::Error::SubgroupExists(_)) => {}
                Err(error) => panic!("{error}"),
            }
        }
        78..=89 if devices[who].online => {
            drop(store);
            hub.sync(&devices[who]);
            tally.hub_syncs += 1;
        }
        90 => {
            drop(store);
            let lose_journal = rng.random_bool(0.3);
            hub.restart(lose_journal);
            tally.hub_restarts += 1;
            tally.hub_losses += usize::from(lose_journal);
        }
        _ => {
            drop(store);
            let to = (who + rng.random_range(1..n)) % n;
            send(devices, who, to, event);
            tally.bundles += 1;
        }
    }
}

/// Every device meets the others: online ones through the hub, offline ones by handing a
/// bundle to an online device and taking one back. Three rounds carry anything anywhere.
fn final_meeting(rng: &mut StdRng, devices: &[Peer], hub: &Hub, event: EventId) {
    let online: Vec<usize> = (0..devices.len()).filter(|&i| devices[i].online).collect();
    for _ in 0..3 {
        for &i in &online {
            hub.sync(&devices[i]);
        }
        for offline in (0..devices.len()).filter(|&i| !devices[i].online) {
            let carrier = *online.choose(rng).unwrap();
            send(devices, offline, carrier, event);
            send(devices, carrier, offline, event);
        }
    }
}

#[test]
fn seeded_random_scenarios_mixing_hub_and_bundles_converge() {
    let base: u64 = std::env::var("RECOLTE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let scenarios = std::env::var("RECOLTE_SCENARIOS").ok().and_then(|s| s.parse().ok()).unwrap_or(4u64);
    let mut tally = Tally::default();
    let mut replicas = 0;
    for k in 0..scenarios {
        let seed = base.wrapping_add(k);
        eprintln!("convergence scenario seed {seed} (replay with RECOLTE_SEED={seed} RECOLTE_SCENARIOS=1)");
        let mut rng = StdRng::seed_from_u64(seed);
        let count = rng.random_range(3..=5);
        replicas += count;
        let (mut devices, event) = devices(count);
        // Device 0 always reaches the hub; each other one does with probability 2/3.
        for device in devices.iter_mut().skip(1) {
            device.online = rng.random_bool(2.0 / 3.0);
        }
        let mut hub = Hub::start(&devices[0], event);
        // A few sessions of two themes, so that edits collide and merges have partners.
        let mut sessions: Vec<SessionId> =
            devices[0].store().sessions(event, Some(1)).unwrap().iter().map(|s| s.id).collect();
        sessions.extend(devices[0].store().sessions(event, Some(7)).unwrap().iter().take(2).map(|s| s.id));
        sessions.shuffle(&mut rng);
        sessions.truncate(3);
        for _ in 0..150 {
            random_step(&mut rng, &devices, &mut hub, event, &sessions, &mut tally);
        }
        final_meeting(&mut rng, &devices, &hub, event);
        // Someone who arrives now and only joins the hub gets the same event.
        let newcomer_dir = tempfile::tempdir().unwrap();
        let newcomer_store = Store::open(newcomer_dir.path()).unwrap();
        let newcomer = Peer::open(newcomer_dir, newcomer_store);
        hub.sync(&newcomer);
        devices.push(newcomer);
        drop(hub);
        let (_dirs, mut stores) = into_stores(devices);
        assert_converged(&mut stores, event);
    }
    eprintln!(
        "{scenarios} scenarios, {replicas} replicas: {} bundles carried, {} hub syncs, {} hub restarts \
         ({} on an empty journal) during the scenarios; 0 divergence",
        tally.bundles, tally.hub_syncs, tally.hub_restarts, tally.hub_losses
    );
}
