//! Suggesting likely duplicates among a theme's proposals, on the device, in French.
//!
//! Each proposal becomes a list of *concepts*: its words folded (lower case, no accents),
//! elisions and stop words dropped, stemmed by the Snowball French stemmer, and read through
//! a public-sector lexicon written for Récolte (`LEXICON`: synonyms, abbreviations, clipped
//! words and periphrases that workshops use for one idea). Two proposals are similar when
//! their concepts overlap, each concept weighted by its rarity among the proposals compared
//! (a stock sentence that every sub-group writes weighs little), a title counting more than a
//! body; concepts also meet when one stem extends the other ("simplif" / "simplifi") or when
//! they differ by a typo. Groups are made by complete linkage: every member is close to every
//! other, never through a chain, and a group stops growing at [`MAX_GROUP`]. Each group says
//! why, in words: the pairs that met ("appli ≈ application") and the words they share.

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
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
pub struct Suggestion {
    pub proposals: Vec<ProposalId>,
    /// 0 to 1: the lowest similarity between two members of the group.
    pub score: f64,
    /// Why, in French: the words that met.
    pub reason: String,
    /// The same in English.
    pub reason_en: String,
}

/// Pairs at or above this score are suggested: the best F1 with a precision of at least 0.7 on
/// the tuning half of the labelled set (`tests/fixtures/duplicates/tune.json`), the higher
/// precision between equals; the README gives the figures on both halves.
pub const THRESHOLD: f64 = 0.34;

/// A group grows no further: beyond this it is a topic, not duplicates.
pub const MAX_GROUP: usize = 6;

mod words;

use words::{LEXICON, STOP_WORDS};

/// Lower case without accents, ligatures spelled out. Accents written as combining marks
/// (text pasted from a Mac: "e" then U+0301) are dropped too.
pub fn fold(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.nfc().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
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

/// A word as the text wrote it and the concept it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Word {
    concept: String,
    written: String,
}

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French))
}

fn lexicon() -> &'static HashMap<Vec<&'static str>, &'static str> {
    static LEX: std::sync::OnceLock<HashMap<Vec<&'static str>, &'static str>> = std::sync::OnceLock::new();
    LEX.get_or_init(|| LEXICON.iter().map(|(phrase, concept)| (phrase.split(' ').collect(), *concept)).collect())
}

const LONGEST_PHRASE: usize = 4;

/// For a phrase of the lexicon with one word that carries meaning among words that do not
/// ("faire remonter", "dès le début") and a concept of one word: the stem of that word, and the
/// concepts such phrases stand for. Phrases of two meaningful words ("prix de l'innovation")
/// are left out: linking "innovation" to "trophée" would make every proposal about innovation
/// meet every prize.
fn phrase_words() -> &'static HashMap<String, Vec<String>> {
    static WORDS: std::sync::OnceLock<HashMap<String, Vec<String>>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (phrase, concept) in
            LEXICON.iter().filter(|(phrase, concept)| phrase.contains(' ') && !concept.contains(' '))
        {
            let meaningful: Vec<&str> =
                phrase.split(' ').filter(|w| w.chars().count() >= 4 && !STOP_WORDS.contains(w)).collect();
            let [word] = meaningful[..] else { continue };
            let (stem, concept) = (stemmer().stem(word).into_owned(), stemmer().stem(concept).into_owned());
            let entry = map.entry(stem.clone()).or_default();
            if concept != stem && !entry.contains(&concept) {
                entry.push(concept);
            }
        }
        map
    })
}

/// The concepts of a text, in order, with the words that wrote them.
fn words(text: &str) -> Vec<Word> {
    let folded = fold(text);
    // Elisions (l', d', qu') and hyphens split words; the lexicon sees the words in order.
    let raw: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    // The same words as written (accents kept), for the reasons shown to people.
    let lower = text.to_lowercase();
    let shown: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let shown = if shown.len() == raw.len() { shown } else { raw.clone() };
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let found = (1..=LONGEST_PHRASE.min(raw.len() - i))
            .rev()
            .find_map(|n| lexicon().get(&raw[i..i + n]).map(|concept| (n, *concept)));
        if let Some((n, concept)) = found {
            let written = shown[i..i + n].join(" ");
            // Stemmed too, so that a word outside the lexicon meets the idea it names.
            out.extend(
                concept.split(' ').map(|c| Word { concept: stemmer().stem(c).into_owned(), written: written.clone() }),
            );
            i += n;
            continue;
        }
        let (word, written) = (raw[i], shown[i]);
        i += 1;
        if word.chars().count() < 2 || STOP_WORDS.contains(&word) || word.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        out.push(Word { concept: stemmer().stem(word).into_owned(), written: written.to_owned() });
    }
    out
}

/// The meaningful concepts of a text (for search and tests).
pub fn stems(text: &str) -> BTreeSet<String> {
    words(text).into_iter().map(|w| w.concept).collect()
}

/// Whether two concepts differ by one edit (a typo), for words long enough to mean it.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// How well two different concepts meet: one stem extending the other (a verb and its noun
/// the stemmer left apart), or a typo.
fn near(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    (short.len() >= 5 && long.starts_with(short)) || one_edit(a, b)
}

const NEAR: f64 = 0.85;
const BODY: f64 = 0.5;

/// One proposal, ready to compare: its concepts with their weight (rarity × where they are).
/// Concept index → (weight, the word as written).
type Concepts = BTreeMap<usize, (f64, String)>;

struct Prepared {
    /// Title and body.
    concepts: Concepts,
    total: f64,
    /// The title's alone.
    title: Concepts,
    title_total: f64,
}

struct Vocabulary {
    index: HashMap<String, usize>,
    names: Vec<String>,
    /// For each concept, the others it meets (see [`near`]), and how much a meeting counts.
    neighbours: Vec<Vec<(usize, f64)>>,
}

fn prepare(candidates: &[Candidate]) -> (Vec<Prepared>, Vocabulary) {
    let mut vocabulary = Vocabulary { index: HashMap::new(), names: Vec::new(), neighbours: Vec::new() };
    let intern = |concept: &str, vocabulary: &mut Vocabulary| -> usize {
        if let Some(&i) = vocabulary.index.get(concept) {
            return i;
        }
        vocabulary.names.push(concept.to_owned());
        vocabulary.index.insert(concept.to_owned(), vocabulary.names.len() - 1);
        vocabulary.names.len() - 1
    };
    // Concept → (position weight, written), per proposal; title before body.
    let mut raw: Vec<(Concepts, BTreeSet<usize>)> = Vec::with_capacity(candidates.len());
    let mut document_frequency: HashMap<usize, usize> = HashMap::new();
    for c in candidates {
        let mut concepts: Concepts = BTreeMap::new();
        let mut in_title = BTreeSet::new();
        for (text, weight) in [(&c.title, 1.0), (&c.body, BODY)] {
            for w in words(text) {
                let i = intern(&w.concept, &mut vocabulary);
                if weight == 1.0 {
                    in_title.insert(i);
                }
                let entry = concepts.entry(i).or_insert((0.0, w.written.clone()));
                if weight > entry.0 {
                    *entry = (weight, w.written);
                }
            }
        }
        for i in concepts.keys() {
            *document_frequency.entry(*i).or_default() += 1;
        }
        raw.push((concepts, in_title));
    }
    vocabulary.neighbours = vec![Vec::new(); vocabulary.names.len()];
    // Neighbours by a shared first three letters, so that the vocabulary is not compared whole.
    let mut by_start: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, name) in vocabulary.names.iter().enumerate() {
        by_start.entry(name.chars().take(3).collect()).or_default().push(i);
    }
    for members in by_start.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if near(&vocabulary.names[a], &vocabulary.names[b]) {
                    vocabulary.neighbours[a].push((b, NEAR));
                    vocabulary.neighbours[b].push((a, NEAR));
                }
            }
        }
    }
    // A phrase of the lexicon stands for its concept as a whole; the one word that carries it
    // still meets that concept, so that "faire remonter" (signaler) meets "la remontée".
    // That word's other forms too: « remonter » stems to remont, « remontée » to remonte.
    for (word, concepts) in phrase_words() {
        let start: String = word.chars().take(3).collect();
        let forms = by_start.get(&start).into_iter().flatten().filter(|&&i| {
            let name = &vocabulary.names[i];
            name == word || near(name, word)
        });
        for &i in forms {
            for j in concepts.iter().filter_map(|c| vocabulary.index.get(c).copied()) {
                if i != j && !vocabulary.neighbours[i].iter().any(|(n, _)| *n == j) {
                    vocabulary.neighbours[i].push((j, NEAR));
                    vocabulary.neighbours[j].push((i, NEAR));
                }
            }
        }
    }
    // Rarity among the proposals compared: a concept every proposal has weighs little.
    let n = candidates.len().max(1) as f64;
    let rarity = |i: usize| ((n + 1.0) / (document_frequency[&i] as f64 + 0.5)).ln().max(0.05);
    let prepared = raw
        .into_iter()
        .map(|(concepts, in_title)| {
            let concepts: Concepts =
                concepts.into_iter().map(|(i, (w, written))| (i, (w * rarity(i), written))).collect();
            let total = concepts.values().map(|(w, _)| w).sum();
            let title: Concepts = concepts
                .iter()
                .filter(|(i, _)| in_title.contains(i))
                .map(|(i, (_, written))| (*i, (rarity(*i), written.clone())))
                .collect();
            let title_total = title.values().map(|(w, _)| w).sum();
            Prepared { concepts, total, title, title_total }
        })
        .collect();
    (prepared, vocabulary)
}

/// A pair of words that met, for the reason.
type Met = (String, String);

/// The weight of the concepts of `from` found in `to` (a neighbour counting [`NEAR`]), and the
/// words that met when they are asked for: only a suggestion's members need them, and
/// keeping them for every pair compared made a peak of 24 MB at a theme of 192 proposals.
fn found(from: &Concepts, to: &Concepts, vocabulary: &Vocabulary, mut met: Option<&mut Vec<Met>>) -> f64 {
    let mut sum = 0.0;
    for (concept, (weight, written)) in from {
        if let Some((_, other)) = to.get(concept) {
            sum += weight;
            if let Some(met) = met.as_deref_mut() {
                met.push((written.clone(), other.clone()));
            }
        } else if let Some((factor, other)) = vocabulary.neighbours[*concept]
            .iter()
            .filter_map(|(n, factor)| to.get(n).map(|(_, other)| (*factor, other)))
            .max_by(|x, y| x.0.total_cmp(&y.0))
        {
            sum += weight * factor;
            if let Some(met) = met.as_deref_mut() {
                met.push((written.clone(), other.clone()));
            }
        }
    }
    sum
}

/// Overlap of two weighted concept sets: the mean of their Dice coefficient and of how much of
/// the smaller the larger covers (a title against the sentence that says it with a subject).
fn overlap(
    a: &Concepts,
    a_total: f64,
    b: &Concepts,
    b_total: f64,
    vocabulary: &Vocabulary,
    met: Option<&mut Vec<Met>>,
) -> f64 {
    if a_total == 0.0 || b_total == 0.0 {
        return 0.0;
    }
    let from_a = found(a, b, vocabulary, met);
    let from_b = found(b, a, vocabulary, None);
    let dice = (from_a + from_b) / (a_total + b_total);
    let cover = if a_total <= b_total { from_a / a_total } else { from_b / b_total };
    (dice + COVER * cover) / (1.0 + COVER)
}

const COVER: f64 = 0.5;

/// Similarity of two proposals (0 to 1): of their titles, or of all their text, whichever
/// says more.
fn similarity(a: &Prepared, b: &Prepared, vocabulary: &Vocabulary) -> f64 {
    let titles = overlap(&a.title, a.title_total, &b.title, b.title_total, vocabulary, None);
    let all = overlap(&a.concepts, a.total, &b.concepts, b.total, vocabulary, None);
    all.max(titles)
}

/// The words that met in what [`similarity`] scored: the titles, or all the text.
fn words_met(a: &Prepared, b: &Prepared, vocabulary: &Vocabulary) -> Vec<Met> {
    let (mut titles_met, mut all_met) = (Vec::new(), Vec::new());
    let titles = overlap(&a.title, a.title_total, &b.title, b.title_total, vocabulary, Some(&mut titles_met));
    let all = overlap(&a.concepts, a.total, &b.concepts, b.total, vocabulary, Some(&mut all_met));
    if all > titles {
        all_met
    } else {
        titles_met
    }
}

/// What the event's rapporteurs taught the engine: proposals they said are not duplicates,
/// and pairs of words that mean the same thing at this event.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    pub not_duplicates: std::collections::HashSet<(ProposalId, ProposalId)>,
    pub lexicon: Vec<(String, String)>,
}

impl Knowledge {
    fn dismissed(&self, a: ProposalId, b: ProposalId) -> bool {
        self.not_duplicates.contains(&(a.min(b), a.max(b)))
    }
}

/// Groups of likely duplicates, most similar first.
pub fn suggest(candidates: &[Candidate]) -> Vec<Suggestion> {
    suggest_knowing(candidates, &Knowledge::default(), THRESHOLD)
}

pub fn suggest_with(candidates: &[Candidate], threshold: f64) -> Vec<Suggestion> {
    suggest_knowing(candidates, &Knowledge::default(), threshold)
}

/// The words of a lexicon entry, as concepts.
fn concepts_of(text: &str) -> Vec<String> {
    words(text).into_iter().map(|w| w.concept).collect()
}

/// Word pairs a merge made by hand teaches: between two of its sources' titles, the words
/// each has that the other lacks, when there are one or two on each side ("glossaire" /
/// "lexique") and, beyond one word for one other, the titles say the rest alike (at least as
/// many words in common as differ on the side with fewer: two titles about different things
/// merged together teach nothing). One word against two is one word for a phrase (« almanach » / « calendrier partagé »); two against two are
/// paired in the order they come (« les maraîchers au grimoire » / « les jardiniers au
/// vademecum »: maraîchers ≈ jardiniers, grimoire ≈ vademecum, not maraîchers ≈ vademecum).
/// Shown to the rapporteurs, who may take any out.
pub fn learned_pairs(sources: &[Candidate]) -> Vec<(String, String)> {
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    let titles: Vec<Vec<Word>> = sources.iter().map(|c| words(&c.title)).collect();
    let meets =
        |w: &Word, others: &[Word]| others.iter().any(|o| o.concept == w.concept || near(&o.concept, &w.concept));
    for (i, a) in titles.iter().enumerate() {
        for b in &titles[i + 1..] {
            let missing = |x: &[Word], y: &[Word]| -> Vec<String> {
                let mut out: Vec<String> = x
                    .iter()
                    .filter(|w| !meets(w, y))
                    .filter(|w| w.written.chars().count() >= 3)
                    .map(|w| w.written.clone())
                    .collect();
                out.dedup();
                out
            };
            let (only_a, only_b) = (missing(a, b), missing(b, a));
            let shared = a.iter().filter(|w| meets(w, b)).map(|w| &w.concept).collect::<BTreeSet<_>>().len();
            if !(1..=2).contains(&only_a.len()) || !(1..=2).contains(&only_b.len()) {
                continue;
            }
            // One word for one other is what the merge says, whatever else the titles share.
            if shared < only_a.len().min(only_b.len()) && only_a.len().max(only_b.len()) > 1 {
                continue;
            }
            let mut learn = |x: &String, y: &String| {
                pairs.insert(if x <= y { (x.clone(), y.clone()) } else { (y.clone(), x.clone()) });
            };
            if only_a.len() == 2 && only_b.len() == 2 {
                only_a.iter().zip(&only_b).for_each(|(x, y)| learn(x, y));
            } else {
                only_a.iter().for_each(|x| only_b.iter().for_each(|y| learn(x, y)));
            }
        }
    }
    pairs.into_iter().collect()
}

/// What a meeting through the event's own lexicon counts: the rapporteurs said so.
const LEARNED: f64 = 1.0;

pub fn suggest_knowing(candidates: &[Candidate], knowledge: &Knowledge, threshold: f64) -> Vec<Suggestion> {
    let (prepared, mut vocabulary) = prepare(candidates);
    for (a, b) in &knowledge.lexicon {
        let (from, to) = (concepts_of(a), concepts_of(b));
        for x in from.iter().filter_map(|c| vocabulary.index.get(c).copied()) {
            for y in to.iter().filter_map(|c| vocabulary.index.get(c).copied()) {
                if x != y {
                    vocabulary.neighbours[x].retain(|(n, _)| *n != y);
                    vocabulary.neighbours[y].retain(|(n, _)| *n != x);
                    vocabulary.neighbours[x].push((y, LEARNED));
                    vocabulary.neighbours[y].push((x, LEARNED));
                }
            }
        }
    }
    // Only pairs that share a concept (or a neighbour of one) are compared.
    let mut holders: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        for concept in p.concepts.keys() {
            holders.entry(*concept).or_default().push(i);
        }
    }
    let mut scores: HashMap<(usize, usize), f64> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        let mut others: BTreeSet<usize> = BTreeSet::new();
        for concept in p.concepts.keys() {
            let related = std::iter::once(concept).chain(vocabulary.neighbours[*concept].iter().map(|(n, _)| n));
            for c in related {
                others.extend(holders.get(c).into_iter().flatten().filter(|&&j| j > i));
            }
        }
        for j in others {
            if knowledge.dismissed(candidates[i].id, candidates[j].id) {
                continue;
            }
            let score = similarity(p, &prepared[j], &vocabulary);
            if score >= threshold * 0.8 {
                scores.insert((i, j), score);
            }
        }
    }
    let score_of = |a: usize, b: usize| scores.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0);
    // Complete linkage: the strongest pairs first; two groups join only if every member of one
    // is close enough to every member of the other.
    let mut pairs: Vec<(usize, usize, f64)> =
        scores.iter().filter(|(_, s)| **s >= threshold).map(|((i, j), s)| (*i, *j, *s)).collect();
    pairs.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let mut group_of: Vec<usize> = (0..candidates.len()).collect();
    let mut members: HashMap<usize, Vec<usize>> = (0..candidates.len()).map(|i| (i, vec![i])).collect();
    for (i, j, _) in pairs {
        let (gi, gj) = (group_of[i], group_of[j]);
        if gi == gj {
            continue;
        }
        let (a, b) = (&members[&gi], &members[&gj]);
        if a.len() + b.len() > MAX_GROUP {
            continue;
        }
        let close = a.iter().all(|&x| b.iter().all(|&y| score_of(x, y) >= threshold * 0.8));
        if !close {
            continue;
        }
        let moved = members.remove(&gj).unwrap_or_default();
        for &m in &moved {
            group_of[m] = gi;
        }
        if let Some(group) = members.get_mut(&gi) {
            group.extend(moved);
        }
    }
    let mut suggestions: Vec<Suggestion> = members
        .into_values()
        .filter(|m| m.len() > 1)
        .map(|m| {
            let mut weakest = f64::MAX;
            let mut met: BTreeMap<Met, usize> = BTreeMap::new();
            for (k, &x) in m.iter().enumerate() {
                for &y in &m[k + 1..] {
                    weakest = weakest.min(score_of(x, y));
                    let (first, second) = (x.min(y), x.max(y));
                    if scores.contains_key(&(first, second)) {
                        for pair in words_met(&prepared[first], &prepared[second], &vocabulary) {
                            *met.entry(pair).or_default() += 1;
                        }
                    }
                }
            }
            let (reason, reason_en) = reason(met);
            let mut proposals: Vec<ProposalId> = m.iter().map(|&i| candidates[i].id).collect();
            proposals.sort();
            Suggestion { proposals, score: (weakest * 100.0).round() / 100.0, reason, reason_en }
        })
        .collect();
    suggestions.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.proposals.cmp(&b.proposals)));
    suggestions
}

/// The reason in words: the pairs of different words that met, then the words shared.
fn reason(met: BTreeMap<Met, usize>) -> (String, String) {
    let mut met: Vec<(Met, usize)> = met.into_iter().collect();
    met.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut equivalences: Vec<String> = Vec::new();
    let mut shared: Vec<String> = Vec::new();
    for ((a, b), _) in met {
        if a == b {
            if !shared.contains(&a) {
                shared.push(a);
            }
        } else {
            let (x, y) = if a < b { (a, b) } else { (b, a) };
            let said = format!("{x} ≈ {y}");
            if !equivalences.contains(&said) {
                equivalences.push(said);
            }
        }
    }
    equivalences.truncate(3);
    shared.truncate(4);
    match (equivalences.is_empty(), shared.is_empty()) {
        (true, true) => ("formulations très proches".to_owned(), "very close wording".to_owned()),
        (true, false) => {
            (format!("mots en commun : {}", shared.join(", ")), format!("shared words: {}", shared.join(", ")))
        }
        (false, true) => (equivalences.join(", "), equivalences.join(", ")),
        (false, false) => (
            format!("{} ; mots en commun : {}", equivalences.join(", "), shared.join(", ")),
            format!("{}; shared words: {}", equivalences.join(", "), shared.join(", ")),
        ),
    }
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

pub mod labelled;

#[cfg(test)]
mod tests;
