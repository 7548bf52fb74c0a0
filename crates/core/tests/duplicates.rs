//! The duplicate suggestions measured on the labelled set written for them
//! (`tests/fixtures/duplicates/`, 240 proposals, 50 groups of paraphrases, 70 near-misses, across
//! the 10 themes). The threshold is chosen on `tune.json`; `measure.json` is only measured.
//! Floors fail the build when quality drops.
//!
//!   cargo test -p recolte-core --test duplicates -- --nocapture      (figures per kind)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use recolte_core::dedupe::{labelled, THRESHOLD};

fn set(name: &str) -> Vec<labelled::Item> {
    let path = format!("{}/../../tests/fixtures/duplicates/{name}.json", env!("CARGO_MANIFEST_DIR"));
    labelled::read(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn report(name: &str, m: &labelled::Measure) {
    println!("{name}: precision {:.2}, recall {:.2}, F1 {:.2}", m.precision, m.recall, m.f1);
    for (kind, (found, total)) in &m.recall_by_kind {
        println!("  {kind}: {found}/{total} found with their group's first proposal");
    }
}

#[test]
fn quality_on_the_labelled_set() {
    let (tune, measure) = (labelled::measure(&set("tune"), THRESHOLD), labelled::measure(&set("measure"), THRESHOLD));
    let early = labelled::measure(&set("early"), THRESHOLD);
    report("tune", &tune);
    report("measure", &measure);
    report("early (written beside the first engine)", &early);
    // Floors a little below what the engine reaches today (README): a drop fails the build.
    // The goal (F1 ≥ 0.75 with precision ≥ 0.8 on both halves) is not reached yet.
    assert!(tune.precision >= 0.75 && tune.recall >= 0.64 && tune.f1 >= 0.7, "tune: {tune:?}");
    assert!(measure.precision >= 0.53 && measure.recall >= 0.3 && measure.f1 >= 0.39, "measure: {measure:?}");
    assert!(early.precision >= 0.9 && early.recall >= 0.95, "early: {early:?}");
}

/// `cargo test -p recolte-core --test duplicates sweep -- --ignored --nocapture`: the tuning
/// half at several thresholds, to choose THRESHOLD.
#[test]
#[ignore]
fn sweep() {
    let tune = set("tune");
    for t in [0.25, 0.28, 0.31, 0.34, 0.37, 0.4, 0.43, 0.46, 0.5, 0.55] {
        let m = labelled::measure(&tune, t);
        println!("threshold {t:.2}: precision {:.2}, recall {:.2}, F1 {:.2}", m.precision, m.recall, m.f1);
    }
}

/// `cargo test -p recolte-core --test duplicates misses -- --ignored --nocapture`: on the
/// tuning half only, the pairs missed and the pairs wrongly suggested.
#[test]
#[ignore]
fn misses() {
    let tune = set("tune");
    let themes: std::collections::BTreeSet<u32> = tune.iter().map(|i| i.theme).collect();
    for theme in themes {
        let members: Vec<&labelled::Item> = tune.iter().filter(|i| i.theme == theme).collect();
        let candidates: Vec<_> = members.iter().map(|i| i.candidate.clone()).collect();
        let suggestions = recolte_core::dedupe::suggest(&candidates);
        let together = |a: &labelled::Item, b: &labelled::Item| {
            suggestions.iter().any(|s| s.proposals.contains(&a.candidate.id) && s.proposals.contains(&b.candidate.id))
        };
        for (k, a) in members.iter().enumerate() {
            for b in &members[k + 1..] {
                let (same, found) = (a.group == b.group, together(a, b));
                if same != found {
                    println!(
                        "{} [{}] {:?} / {:?}",
                        if same { "MISSED" } else { "WRONG " },
                        b.kind,
                        a.candidate.title,
                        b.candidate.title
                    );
                }
            }
        }
    }
}

/// `PAIRS=FILE cargo test -p recolte-core --test duplicates pair_scores -- --ignored`: every
/// pair of the tuning half within a theme, with its score, as tab-separated lines (theme, same
/// group, score, both titles), to weigh the engine against another signal.
#[test]
#[ignore]
fn pair_scores() {
    let tune = set("tune");
    let path = std::env::var("PAIRS").expect("PAIRS: where to write the pairs");
    let mut lines = String::from("theme\tsame\tscore\ttitle_a\ttitle_b\n");
    let themes: std::collections::BTreeSet<u32> = tune.iter().map(|i| i.theme).collect();
    for theme in themes {
        let members: Vec<&labelled::Item> = tune.iter().filter(|i| i.theme == theme).collect();
        let candidates: Vec<_> = members.iter().map(|i| i.candidate.clone()).collect();
        for (i, j, score) in labelled::pair_scores(&candidates) {
            let (a, b) = (members[i], members[j]);
            let one_line = |title: &str| title.replace(['\t', '\n', '\r'], " ");
            lines.push_str(&format!(
                "{theme}\t{}\t{score:.4}\t{}\t{}\n",
                a.group == b.group,
                one_line(&a.candidate.title),
                one_line(&b.candidate.title)
            ));
        }
    }
    std::fs::write(path, lines).expect("write the pairs");
}
