//! Suggesting likely duplicates among a theme's proposals, on the device, in French.
//!
//! Each proposal becomes a set of normalised word stems (lower case, accents removed,
//! elisions and stop words dropped, a light French stemmer, a small table of synonyms that
//! workshops use interchangeably) and a set of character trigrams of its title. Two
//! proposals are similar when their stems overlap enough (weighted Jaccard, title counting
//! double) or their titles are near-paraphrases by trigrams. Similar pairs are grouped
//! (single link), and each group says why: the words they share.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::ids::ProposalId;

/// A proposal as the engine needs it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: ProposalId,
    pub title: String,
    pub body: String,
}

/// A group of proposals that likely say the same thing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub proposals: Vec<ProposalId>,
    /// 0 to 1: the lowest similarity that links the group.
    pub score: f64,
    /// Why, in French: the shared words.
    pub reason: String,
    /// The same in English.
    pub reason_en: String,
}

/// Pairs at or above this score are suggested. Chosen on the labelled set in
/// `tests/fixtures/duplicates.json` (see the README for its precision and recall).
pub const THRESHOLD: f64 = 0.38;

const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles", "en", "entre",
    "est", "et", "etre", "faire", "il", "ils", "la", "le", "les", "leur", "leurs", "mais", "meme", "ni", "nos",
    "notre", "nous", "on", "ou", "par", "pas", "plus", "pour", "qu", "que", "qui", "sa", "sans", "se", "ses", "son",
    "sont", "sur", "ta", "tous", "tout", "toute", "toutes", "un", "une", "vers", "via", "vos", "votre", "vous", "y",
    "afin", "bien", "chaque", "comme", "donc", "ainsi", "aussi", "tres", "peu", "car", "lors", "etc", "the", "of",
    "and", "to",
];

/// Words the workshops use for the same thing, mapped to one canonical stem (after stemming).
const SYNONYMS: &[(&str, &str)] = &[
    ("decideur", "elu"),
    ("dirigeant", "elu"),
    ("fonctionnair", "agent"),
    ("salari", "agent"),
    ("personnel", "agent"),
    ("usag", "citoyen"),
    ("habitant", "citoyen"),
    ("administr", "citoyen"),
    ("form", "formation"),
    ("formation", "formation"),
    ("acculturation", "formation"),
    ("sensibilis", "formation"),
    ("lab", "laboratoir"),
    ("labo", "laboratoir"),
    ("experiment", "test"),
    ("test", "test"),
    ("pilot", "test"),
    ("partag", "mutualis"),
    ("mutualis", "mutualis"),
    ("capitalis", "document"),
    ("document", "document"),
    ("commun", "commun"),
    ("collectivit", "territoir"),
    ("territorial", "territoir"),
    ("reseau", "reseau"),
    ("cooper", "cooper"),
    ("collabor", "cooper"),
    ("transversal", "cooper"),
    ("evaluer", "evalu"),
    ("evaluation", "evalu"),
    ("mesur", "evalu"),
    ("budget", "financ"),
    ("financ", "financ"),
    ("moyen", "financ"),
    ("valoris", "reconnaiss"),
    ("reconnaitr", "reconnaiss"),
    ("reconnaiss", "reconnaiss"),
    ("erreur", "erreur"),
    ("echec", "erreur"),
];

/// Lower case without accents, ligatures spelled out.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | 'ʼ' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A light French stemmer: plural and the most common derivational endings, so that
/// "formations", "former", "formé" and "formation" meet.
pub fn stem(word: &str) -> String {
    let mut w = word.to_owned();
    for plural in ["aux", "eux"] {
        if w.len() > 5 && w.ends_with(plural) {
            w.truncate(w.len() - 1);
        }
    }
    if w.len() > 3 && (w.ends_with('s') || w.ends_with('x')) {
        w.pop();
    }
    const SUFFIXES: &[&str] = &[
        "issements",
        "issement",
        "ements",
        "ement",
        "ations",
        "ation",
        "atrices",
        "atrice",
        "ateurs",
        "ateur",
        "ments",
        "ment",
        "ites",
        "ite",
        "ives",
        "ive",
        "ifs",
        "if",
        "euses",
        "euse",
        "iques",
        "ique",
        "ismes",
        "isme",
        "istes",
        "iste",
        "ables",
        "able",
        "ances",
        "ance",
        "ences",
        "ence",
        "ees",
        "ee",
        "er",
        "es",
        "e",
        "ir",
        "ant",
        "ent",
    ];
    for suffix in SUFFIXES {
        if w.len() >= suffix.len() + 4 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            break;
        }
    }
    w
}

fn canonical(stem: &str) -> String {
    SYNONYMS
        .iter()
        .find(|(from, _)| stem == *from || (from.len() >= 5 && stem.starts_with(from)))
        .map(|(_, to)| (*to).to_owned())
        .unwrap_or_else(|| stem.to_owned())
}

/// The meaningful stems of a text.
pub fn stems(text: &str) -> BTreeSet<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter_map(|word| {
            // Elisions: l', d', qu', j'… keep what follows the apostrophe.
            let word = word.rsplit('\'').next().unwrap_or(word);
            (word.chars().count() > 1 && !STOP_WORDS.contains(&word)).then(|| canonical(&stem(word)))
        })
        .collect()
}

fn trigrams(text: &str) -> BTreeSet<String> {
    let folded: Vec<char> =
        format!("  {}  ", fold(text).split_whitespace().collect::<Vec<_>>().join(" ")).chars().collect();
    folded.windows(3).map(|w| w.iter().collect()).collect()
}

struct Prepared {
    title: BTreeSet<String>,
    body: BTreeSet<String>,
    grams: BTreeSet<String>,
}

fn weighted_jaccard(a: &Prepared, b: &Prepared) -> (f64, Vec<String>) {
    let weight = |p: &Prepared| -> BTreeMap<String, f64> {
        let mut w = BTreeMap::new();
        for s in &p.body {
            w.insert(s.clone(), 1.0);
        }
        for s in &p.title {
            w.insert(s.clone(), 2.0);
        }
        w
    };
    let (wa, wb) = (weight(a), weight(b));
    let mut shared = Vec::new();
    let (mut inter, mut union) = (0.0, 0.0);
    let keys: BTreeSet<&String> = wa.keys().chain(wb.keys()).collect();
    for key in keys {
        let (x, y) = (wa.get(key).copied().unwrap_or(0.0), wb.get(key).copied().unwrap_or(0.0));
        inter += x.min(y);
        union += x.max(y);
        if x > 0.0 && y > 0.0 {
            shared.push(key.clone());
        }
    }
    (if union == 0.0 { 0.0 } else { inter / union }, shared)
}

fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// Similarity of two proposals (0 to 1) and the stems they share.
fn similarity(a: &Prepared, b: &Prepared) -> (f64, Vec<String>) {
    let (jaccard, shared) = weighted_jaccard(a, b);
    let titles = dice(&a.grams, &b.grams);
    // Trigrams catch near-identical wording (typos, word forms the stemmer misses); they
    // are discounted so that two titles sharing only their frame ("Créer un …") do not meet.
    (jaccard.max(0.85 * titles - 0.15), shared)
}

/// Groups of likely duplicates, most similar first.
pub fn suggest(candidates: &[Candidate]) -> Vec<Suggestion> {
    suggest_with(candidates, THRESHOLD)
}

pub fn suggest_with(candidates: &[Candidate], threshold: f64) -> Vec<Suggestion> {
    let prepared: Vec<Prepared> = candidates
        .iter()
        .map(|c| Prepared { title: stems(&c.title), body: stems(&c.body), grams: trigrams(&c.title) })
        .collect();
    // Union-find over the pairs above the threshold.
    let mut parent: Vec<usize> = (0..candidates.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut links: Vec<(usize, usize, f64, Vec<String>)> = Vec::new();
    for i in 0..candidates.len() {
        for j in i + 1..candidates.len() {
            let (score, shared) = similarity(&prepared[i], &prepared[j]);
            if score >= threshold {
                links.push((i, j, score, shared));
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    /// Members, weakest link, and how often each shared word links them.
    type Group = (BTreeSet<usize>, f64, BTreeMap<String, usize>);
    let mut groups: HashMap<usize, Group> = HashMap::new();
    for (i, j, score, shared) in links {
        let r = root(&mut parent, i);
        let entry = groups.entry(r).or_insert_with(|| (BTreeSet::new(), f64::MAX, BTreeMap::new()));
        entry.0.insert(i);
        entry.0.insert(j);
        entry.1 = entry.1.min(score);
        for word in shared {
            *entry.2.entry(word).or_default() += 1;
        }
    }
    let mut suggestions: Vec<Suggestion> = groups
        .into_values()
        .map(|(members, score, words)| {
            let mut words: Vec<(String, usize)> = words.into_iter().collect();
            words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let words: Vec<String> = words.into_iter().take(4).map(|(w, _)| w).collect();
            let (reason, reason_en) = if words.is_empty() {
                ("formulations très proches".to_owned(), "very close wording".to_owned())
            } else {
                (format!("mots en commun : {}", words.join(", ")), format!("shared words: {}", words.join(", ")))
            };
            let mut proposals: Vec<ProposalId> = members.into_iter().map(|i| candidates[i].id).collect();
            proposals.sort();
            Suggestion { proposals, score: (score * 100.0).round() / 100.0, reason, reason_en }
        })
        .collect();
    suggestions.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.proposals.cmp(&b.proposals)));
    suggestions
}

/// Pairwise precision and recall of suggestions against labelled groups.
pub fn precision_recall(suggestions: &[Suggestion], labels: &HashMap<ProposalId, String>) -> (f64, f64) {
    let mut predicted: BTreeSet<(ProposalId, ProposalId)> = BTreeSet::new();
    for s in suggestions {
        for (i, a) in s.proposals.iter().enumerate() {
            for b in &s.proposals[i + 1..] {
                predicted.insert((*a.min(b), *a.max(b)));
            }
        }
    }
    let mut actual: BTreeSet<(ProposalId, ProposalId)> = BTreeSet::new();
    let ids: Vec<&ProposalId> = labels.keys().collect();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            if labels[*a] == labels[*b] {
                actual.insert((**a.min(b), **a.max(b)));
            }
        }
    }
    let true_positives = predicted.intersection(&actual).count() as f64;
    let precision = if predicted.is_empty() { 1.0 } else { true_positives / predicted.len() as f64 };
    let recall = if actual.is_empty() { 1.0 } else { true_positives / actual.len() as f64 };
    (precision, recall)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(title: &str, body: &str) -> Candidate {
        Candidate { id: ProposalId::new(), title: title.into(), body: body.into() }
    }

    #[test]
    fn accents_case_plurals_and_elisions_meet() {
        assert_eq!(stems("Former les Élus"), stems("formations des élus"));
        assert!(stems("l'évaluation").contains("evalu"));
        assert!(stems("des décideurs").contains("elu"), "synonyms meet");
    }

    #[test]
    fn paraphrases_are_grouped_and_near_misses_are_not() {
        let a = candidate("Former les élus à l'innovation", "");
        let b = candidate("Formation des décideurs aux démarches d'innovation", "");
        let c = candidate("Créer un budget participatif", "");
        let suggestions = suggest(&[a.clone(), b.clone(), c]);
        assert_eq!(suggestions.len(), 1, "{suggestions:?}");
        let mut expected = vec![a.id, b.id];
        expected.sort();
        assert_eq!(suggestions[0].proposals, expected);
        assert!(suggestions[0].reason.contains("formation"), "{}", suggestions[0].reason);
    }

    #[test]
    fn the_labelled_set_is_found_with_good_precision_and_recall() {
        let (precision, recall) = labelled_set_quality();
        assert!(precision >= 0.8, "precision {precision:.2}");
        assert!(recall >= 0.7, "recall {recall:.2}");
    }

    /// Runs the engine on `tests/fixtures/duplicates.json`.
    pub(crate) fn labelled_set_quality() -> (f64, f64) {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/duplicates.json")).expect("fixture");
        let mut candidates = Vec::new();
        let mut labels = HashMap::new();
        for item in fixture["proposals"].as_array().expect("proposals") {
            let c = candidate(item["title"].as_str().unwrap_or(""), item["body"].as_str().unwrap_or(""));
            labels.insert(c.id, item["group"].as_str().unwrap_or("").to_owned());
            candidates.push(c);
        }
        precision_recall(&suggest(&candidates), &labels)
    }
}

#[cfg(test)]
mod sweep {
    use super::*;

    /// `cargo test -p recolte-core sweep -- --ignored --nocapture`: precision and recall of
    /// the labelled set at several thresholds, to choose [`THRESHOLD`].
    #[test]
    #[ignore]
    fn threshold_sweep() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/fixtures/duplicates.json")).expect("fixture");
        let mut candidates = Vec::new();
        let mut labels = HashMap::new();
        for item in fixture["proposals"].as_array().expect("proposals") {
            let c = Candidate {
                id: ProposalId::new(),
                title: item["title"].as_str().unwrap_or("").into(),
                body: item["body"].as_str().unwrap_or("").into(),
            };
            labels.insert(c.id, item["group"].as_str().unwrap_or("").to_owned());
            candidates.push(c);
        }
        for t in [0.2, 0.25, 0.3, 0.34, 0.38, 0.42, 0.46, 0.5, 0.6] {
            let (p, r) = precision_recall(&suggest_with(&candidates, t), &labels);
            println!("threshold {t:.2}: precision {p:.2}, recall {r:.2}");
        }
    }
}
