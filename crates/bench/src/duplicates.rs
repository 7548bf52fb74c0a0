//! `cargo run --release -p recolte-bench -- duplicates [--quick]`: the duplicate suggestions
//! on a theme of 200 proposals (4 sessions × 6 sub-groups × 8) and of 2,000, made from the
//! labelled set's proposals (varied so that no two are identical) with the stock sentences
//! that workshop bodies repeat; and the quality on the labelled set, per kind of paraphrase.

use std::time::{Duration, Instant};

use recolte_core::dedupe::{labelled, suggest, Candidate, THRESHOLD};
use recolte_core::ids::ProposalId;

const TUNE: &str = include_str!("../../../tests/fixtures/duplicates/tune.json");
const MEASURE: &str = include_str!("../../../tests/fixtures/duplicates/measure.json");
const PLACES: &[&str] = &["à Nancy", "en Lorraine", "dans les Vosges", "en Meurthe-et-Moselle", "à Metz", "à Épinal"];

fn theme(n: usize) -> Vec<Candidate> {
    let mut texts: Vec<(String, String)> = Vec::new();
    for set in [TUNE, MEASURE] {
        for item in labelled::read(set).expect("labelled set") {
            texts.push((item.candidate.title, item.candidate.body));
        }
    }
    (0..n)
        .map(|i| {
            let (title, body) = &texts[i % texts.len()];
            let round = i / texts.len();
            let title =
                if round == 0 { title.clone() } else { format!("{title} {}", PLACES[(round - 1) % PLACES.len()]) };
            Candidate { id: ProposalId::new(), title, body: body.clone() }
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

pub fn run(quick: bool) {
    for (n, runs) in [(200, if quick { 3 } else { 11 }), (2_000, if quick { 1 } else { 5 })] {
        let candidates = theme(n);
        let mut groups = 0;
        let times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                groups = suggest(&candidates).len();
                start.elapsed()
            })
            .collect();
        println!(
            "| duplicate suggestions, one theme of {n} proposals (median of {runs}) | {:.1} ms, {groups} groups |",
            median(times).as_secs_f64() * 1000.0
        );
    }
    for (name, set) in [("tuning half", TUNE), ("measured half", MEASURE)] {
        let m = labelled::measure(&labelled::read(set).expect("labelled set"), THRESHOLD);
        let kinds: Vec<String> =
            m.recall_by_kind.iter().map(|(kind, (found, total))| format!("{kind} {found}/{total}")).collect();
        println!(
            "| duplicates, labelled set, {name}: precision / recall / F1 | {:.2} / {:.2} / {:.2} ({}) |",
            m.precision,
            m.recall,
            m.f1,
            kinds.join(", ")
        );
    }
}
