//! Full-text search: the index caught up first, the typed words made a safe FTS5 query, and
//! the extracts made for the hits kept only.

use recolte_core::ids::EventId;
use recolte_core::model::SearchHit;
use rusqlite::params;

use super::collect;
use crate::error::Error;
use crate::Store;

impl Store {
    /// Full-text search over titles and bodies of proposals and consolidated proposals,
    /// ignoring case and accents; the last word matches as a prefix (search as you type).
    /// SQLite ranks; extracts are made here, for the hits kept only (FTS5's `snippet()` ran on
    /// every match before the ranking cut them, half the time of a search at 100,000
    /// proposals).
    pub fn search(&self, event: EventId, query: &str, limit: usize) -> Result<Vec<SearchHit>, Error> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // A search finds every saved word: the index first catches up with the edits typed
        // since it last did. If it cannot (a read-only or full disk, or another writer holding
        // the lock longer than a search may wait), the search answers from the index as it
        // stands: the words of those edits are not found yet, and a proposal edited since may
        // still be found by a word it lost (its extract then marks nothing).
        if let Err(error) = crate::search_index::catch_up_for_search(&self.conn) {
            tracing::warn!("searching without the latest edits: {error}");
        }
        let words = search_words(query);
        // The index is a copy of the tables: damaged, it is said so, not as a damaged store.
        collect(
            self,
            "SELECT * FROM (
               SELECT 'proposal', p.id, COALESCE(s.theme, 0), p.session_id, p.title, p.body,
                      bm25(proposals_fts) AS score
               FROM proposals_fts JOIN proposals p ON p.rowid = proposals_fts.rowid
               LEFT JOIN sessions s ON s.id = p.session_id
               WHERE proposals_fts MATCH ?1 AND p.deleted = 0
               UNION ALL
               SELECT 'consolidated', c.id, c.theme, NULL, c.title, c.body, bm25(consolidated_fts) AS score
               FROM consolidated_fts JOIN consolidated c ON c.rowid = consolidated_fts.rowid
               WHERE consolidated_fts MATCH ?1 AND c.deleted = 0
             ) ORDER BY score, 2 LIMIT ?2",
            params![format!("event_key : {} AND {{title body}} : ({fts})", event.0.simple()), limit as i64],
            |r| {
                let (title, body): (String, String) = (r.get(4)?, r.get(5)?);
                Ok(SearchHit {
                    record: r.get(0)?,
                    id: r.get(1)?,
                    theme: r.get(2)?,
                    session_id: r.get::<_, Option<String>>(3)?.and_then(|s| s.parse().ok()),
                    snippet: snippet(&title, &body, &words),
                    title,
                })
            },
            ("recherche", "searching"),
        )
        .map_err(|error| match error.sqlite_cause() {
            Some(cause) if error.is_corrupt() => Error::SearchIndexDamaged { cause },
            _ => error,
        })
    }
}

/// Words a search looks for, folded as the index folds them (case and accents).
fn search_words(input: &str) -> Vec<String> {
    input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(recolte_core::dedupe::fold).collect()
}

/// Tokens of an extract, at most.
const SNIPPET_TOKENS: usize = 12;

/// The title's extract when a word is found there, else the body's: up to 12 words around the
/// first one found, found words in brackets, `…` where the text was cut.
fn snippet(title: &str, body: &str, words: &[String]) -> String {
    match extract(title, words) {
        (marked, true) => marked,
        (marked, false) => match extract(body, words) {
            (in_body, true) => in_body,
            _ => marked,
        },
    }
}

/// One text's extract, and whether a word was found in it. Words are runs of letters and
/// digits, as the index's tokenizer cuts them; the last searched word matches as a prefix.
fn extract(text: &str, words: &[String]) -> (String, bool) {
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                tokens.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push((s, text.len()));
    }
    let found = |token: &str| {
        let token = recolte_core::dedupe::fold(token);
        words
            .iter()
            .enumerate()
            .any(|(i, w)| if i + 1 == words.len() { token.starts_with(w.as_str()) } else { token == *w })
    };
    let hits: Vec<bool> = tokens.iter().map(|&(s, e)| found(&text[s..e])).collect();
    let first = hits.iter().position(|&h| h);
    // A little context before the first word found, and the window kept full near the end.
    let end = (first.map_or(0, |f| f.saturating_sub(3)) + SNIPPET_TOKENS).min(tokens.len());
    let begin = end.saturating_sub(SNIPPET_TOKENS);
    let mut out = String::new();
    let mut at = if begin == 0 { 0 } else { tokens[begin].0 };
    if begin > 0 {
        out.push('…');
    }
    for (&(s, e), &hit) in tokens[begin..end].iter().zip(&hits[begin..end]) {
        out.push_str(&text[at..s]);
        if hit {
            out.push('[');
            out.push_str(&text[s..e]);
            out.push(']');
        } else {
            out.push_str(&text[s..e]);
        }
        at = e;
    }
    if end < tokens.len() {
        out.push('…');
    } else {
        out.push_str(&text[at..]);
    }
    (out, first.is_some())
}

/// Whether a search text holds a word to look for (letters or digits): "", "-" or "« »" do not,
/// and a search for them finds nothing.
pub fn has_search_words(input: &str) -> bool {
    fts_query(input).is_some()
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word
/// quoted, all required, the last one a prefix.
fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let (last, rest) = words.split_last()?;
    let mut query: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    query.push(format!("\"{last}\"*"));
    Some(query.join(" "))
}

#[cfg(test)]
mod tests {
    use super::{fts_query, search_words, snippet};

    #[test]
    fn extracts_mark_the_words_found_ignoring_case_and_accents() {
        let words = search_words("ELUS form");
        assert_eq!(snippet("Former les élus", "", &words), "[Former] les [élus]");
        assert_eq!(
            snippet(
                "Un titre",
                "Il faut que les décideurs et les élus aient un vrai temps de formation à l'innovation, chaque année",
                &words
            ),
            "…décideurs et les [élus] aient un vrai temps de [formation] à l…"
        );
        // Nothing found (the index matched otherwise): the title, whole or cut.
        assert_eq!(snippet("Un titre", "Rien ici", &search_words("absent")), "Un titre");
        assert_eq!(snippet("", "", &words), "");
        // Only the last word is a prefix.
        assert_eq!(snippet("Les élusives", "", &search_words("élus x")), "Les élusives");
    }

    proptest::proptest! {
        /// Whatever the text and the query: no panic, and the extract is the text's own
        /// characters with brackets and ellipses added.
        #[test]
        fn extracts_are_made_of_the_text(title in ".{0,80}", body in ".{0,300}", query in ".{0,30}") {
            let extract = snippet(&title, &body, &search_words(&query));
            let bare: String = extract.chars().filter(|c| !matches!(c, '[' | ']' | '…')).collect();
            let from = |text: &str| text.chars().filter(|c| !matches!(c, '[' | ']' | '…')).collect::<String>();
            proptest::prop_assert!(from(&title).contains(&bare) || from(&body).contains(&bare), "{:?}", extract);
        }
    }

    #[test]
    fn typed_text_becomes_a_safe_fts_query() {
        assert_eq!(fts_query("élus format").as_deref(), Some("\"élus\" \"format\"*"));
        assert_eq!(fts_query("\"OR\" NEAR( -x :*").as_deref(), Some("\"OR\" \"NEAR\" \"x\"*"));
        assert_eq!(fts_query("  ,;  "), None);
    }
}
