//! A labelled set (`tests/fixtures/duplicates/*.json`), measured as a rapporteur meets it: one
//! theme at a time.

use super::*;

#[derive(Debug)]
pub struct Item {
    pub candidate: Candidate,
    pub theme: u32,
    pub group: String,
    pub kind: String,
}

pub fn read(json: &str) -> Result<Vec<Item>, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(json)?;
    Ok(value["proposals"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| Item {
                    candidate: Candidate {
                        id: ProposalId::new(),
                        title: item["title"].as_str().unwrap_or("").to_owned(),
                        body: item["body"].as_str().unwrap_or("").to_owned(),
                    },
                    theme: item["theme"].as_u64().unwrap_or(0) as u32,
                    group: item["group"].as_str().unwrap_or("").to_owned(),
                    kind: item["kind"].as_str().unwrap_or("").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Precision, recall and F1 over the pairs, theme by theme; and the recall of each kind of
/// paraphrase (a member found with its group's first one).
#[derive(Debug)]
pub struct Measure {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub recall_by_kind: BTreeMap<String, (usize, usize)>,
}

pub fn measure(items: &[Item], threshold: f64) -> Measure {
    let themes: BTreeSet<u32> = items.iter().map(|i| i.theme).collect();
    let (mut predicted, mut actual, mut correct) = (0usize, 0usize, 0usize);
    let mut recall_by_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for theme in themes {
        let members: Vec<&Item> = items.iter().filter(|i| i.theme == theme).collect();
        let candidates: Vec<Candidate> = members.iter().map(|i| i.candidate.clone()).collect();
        let suggestions = suggest_with(&candidates, threshold);
        let together = |a: &ProposalId, b: &ProposalId| {
            suggestions.iter().any(|s| s.proposals.contains(a) && s.proposals.contains(b))
        };
        for (k, a) in members.iter().enumerate() {
            for b in &members[k + 1..] {
                let same = a.group == b.group;
                let found = together(&a.candidate.id, &b.candidate.id);
                actual += usize::from(same);
                predicted += usize::from(found);
                correct += usize::from(same && found);
            }
            if a.kind != "original" && a.kind != "none" {
                let first = members.iter().find(|o| o.group == a.group && o.kind == "original");
                let entry = recall_by_kind.entry(a.kind.clone()).or_default();
                entry.1 += 1;
                if first.is_some_and(|o| together(&o.candidate.id, &a.candidate.id)) {
                    entry.0 += 1;
                }
            }
        }
    }
    let precision = if predicted == 0 { 1.0 } else { correct as f64 / predicted as f64 };
    let recall = if actual == 0 { 1.0 } else { correct as f64 / actual as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Measure { precision, recall, f1, recall_by_kind }
}

/// Every pair's similarity among these proposals (indices into them, the first lower), before
/// any grouping: for measuring the engine against another signal on the labelled set.
pub fn pair_scores(candidates: &[Candidate]) -> Vec<(usize, usize, f64)> {
    let (prepared, vocabulary) = prepare(candidates);
    let mut out = Vec::new();
    for (i, a) in prepared.iter().enumerate() {
        for (j, b) in prepared.iter().enumerate().skip(i + 1) {
            out.push((i, j, similarity(a, b, &vocabulary)));
        }
    }
    out
}
