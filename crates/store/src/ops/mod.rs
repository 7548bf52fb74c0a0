//! The edits people make, one file per moment of the day: capture (the programme, sub-groups
//! and proposals), synthesis (merges, setting aside, what the rapporteurs teach), the panel
//! (marks, dots, comments) and the session's clock. Here: what they share, the checks every
//! typed text goes through, and the lookups of where a consolidated proposal lives and of a
//! session's theme.

use recolte_core::ids::{ConsolidatedId, EventId, ProposalId, SessionId};
use recolte_core::model::Kind;
use recolte_core::schema::{self, DocName};
use rusqlite::{params, OptionalExtension};
use yrs::{ReadTxn, StateVector, Transact};

use crate::error::{Error, Field, ResultExt};
use crate::projection;
use crate::Store;

mod capture;
mod clock;
mod panel;
pub use panel::OverDots;
mod synthesis;

/// A proposal as typed by a facilitator. The sub-group is named by id or by name.
#[derive(Clone, Debug, Default)]
pub struct ProposalInput {
    pub title: String,
    pub body: String,
    pub kind: Kind,
    pub subgroup: Option<String>,
    pub tags: Vec<String>,
    pub author: Option<String>,
}

/// Changes to a proposal; `None` leaves a field unchanged.
#[derive(Clone, Debug, Default)]
pub struct ProposalUpdate {
    pub title: Option<String>,
    pub body: Option<String>,
    /// What the editor's field showed before they typed (the live-saved cards): their change
    /// is rebased onto the text as it is now, so a colleague's words typed meanwhile stay.
    pub title_base: Option<String>,
    pub body_base: Option<String>,
    pub kind: Option<Kind>,
    /// `Some(None)` takes the proposal out of its sub-group.
    pub subgroup: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
}

/// A tag written « x; y » is two tags: open data joins a proposal's tags with « ; », which a
/// tag of its own could not hold without being read back as two.
pub(crate) fn clean_tags(tags: &[String]) -> Result<Vec<String>, Error> {
    let mut clean = Vec::with_capacity(tags.len());
    for tag in tags.iter().flat_map(|tag| tag.split(';')) {
        let tag = within(tag, Field::Tag)?;
        if !tag.is_empty() {
            clean.push(tag);
        }
    }
    clean.sort();
    clean.dedup();
    Ok(clean)
}

/// The text trimmed and without control characters: a NUL, or an escape sequence pasted from a
/// terminal, taken out whole (`ESC[31m`, not only its ESC). Line breaks and tabs stay in a text
/// or a comment, and become a space in a one-line field (a title pasted on two lines keeps its
/// words apart). Bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069) go too: one in a title turns the rest of any line it is shown on around, in
/// a list, a CSV file or a terminal, and can make a text read as another (right-to-left words
/// are shown right to left without them; the marks U+200E and U+200F stay).
fn clean(value: &str, what: Field) -> String {
    let multiline = matches!(what, Field::Body | Field::Comment);
    let mut kept = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        // A Windows line break (CR LF) or an old Mac one (CR alone) is one line break.
        let c = if c == '\r' {
            chars.next_if_eq(&'\n');
            '\n'
        } else {
            c
        };
        match c {
            '\u{1b}' => skip_escape_sequence(&mut chars),
            '\n' | '\t' if multiline => kept.push(c),
            '\n' | '\t' => kept.push(' '),
            c if c.is_control() => {}
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            c => kept.push(c),
        }
    }
    kept.trim().to_owned()
}

/// Skips what follows an ESC: a CSI sequence (`[`, parameters, a final letter), an OSC one
/// (`]` up to BEL or ESC `\`, and never past the line), or the one character of a short one
/// (`@` to `_`). Anything else after a stray ESC is text, and stays.
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            while let Some(c) = chars.next_if(|c| *c != '\n') {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        }
        Some(']') => {
            chars.next();
            while let Some(c) = chars.next_if(|c| *c != '\n') {
                if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
        }
        Some(c) if ('@'..='_').contains(c) => {
            chars.next();
        }
        _ => {}
    }
}

/// Whether a text shows nothing: only spaces and invisible characters (zero-width spaces,
/// joiners, a byte-order mark).
pub(crate) fn blank(value: &str) -> bool {
    value.chars().all(|c| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'))
}

/// The text cleaned, if it is not longer than its field allows.
pub(crate) fn within(value: &str, what: Field) -> Result<String, Error> {
    let value = clean(value, what);
    let length = value.chars().count();
    if length > what.longest() {
        return Err(Error::TooLong { field: what, longest: what.longest(), length });
    }
    Ok(value)
}

pub(crate) fn non_empty(value: &str, what: Field) -> Result<String, Error> {
    filled(within(value, what)?, what)
}

/// The text, if it is not empty.
fn filled(value: String, what: Field) -> Result<String, Error> {
    if blank(&value) {
        return Err(Error::Empty(what));
    }
    Ok(value)
}

/// An edited text within its field's length, or no longer than it already was: a text that
/// came longer from another device can still be corrected, not made longer.
fn within_or_no_longer(
    value: &str,
    what: Field,
    before: impl FnOnce() -> Result<usize, Error>,
) -> Result<String, Error> {
    match within(value, what) {
        Err(Error::TooLong { length, .. }) if length <= before()? => Ok(clean(value, what)),
        other => other,
    }
}

impl Store {
    /// The event and theme of a consolidated proposal.
    pub fn consolidated_theme(&self, id: ConsolidatedId) -> Result<(EventId, u32), Error> {
        self.consolidated_home(id)
    }

    pub(crate) fn consolidated_home(&self, id: ConsolidatedId) -> Result<(EventId, u32), Error> {
        let found: Option<(String, u32)> = self.lookup(
            "SELECT event_id, theme FROM consolidated WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
            ("recherche de la proposition consolidée", "looking up the consolidated proposal"),
        )?;
        let home = found
            .and_then(|(e, t)| Some((e.parse().ok()?, t)))
            .ok_or_else(|| recolte_core::Error::UnknownConsolidated(id.to_string()))?;
        self.within_scope(home.0, &id.to_string())?;
        Ok(home)
    }

    /// Where a consolidated proposal lives, and whether its merge stands: the panel votes,
    /// marks and comments, and the rapporteur words, only merges that were not undone.
    fn standing_consolidated(&self, id: ConsolidatedId) -> Result<(EventId, u32, Result<(), Error>), Error> {
        let found: Option<(String, u32, bool, String)> = self.lookup(
            "SELECT event_id, theme, deleted, title FROM consolidated WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            ("recherche de la proposition consolidée", "looking up the consolidated proposal"),
        )?;
        let (event, theme, deleted, title) = found
            .and_then(|(e, t, d, title)| Some((e.parse().ok()?, t, d, title)))
            .ok_or_else(|| recolte_core::Error::UnknownConsolidated(id.to_string()))?;
        self.within_scope(event, &id.to_string())?;
        Ok((event, theme, if deleted { Err(Error::UndoneMerge(title)) } else { Ok(()) }))
    }

    fn session_theme(&self, session: SessionId) -> Result<u32, Error> {
        self.lookup(
            "SELECT theme FROM sessions WHERE id = ?1",
            [session.to_string()],
            |r| r.get(0),
            ("recherche de la session", "looking up the session"),
        )?
        .ok_or_else(|| Error::UnknownSession(session.to_string()))
    }

    pub(crate) fn check_theme(&self, event: EventId, theme: u32) -> Result<(), Error> {
        let found: Option<u32> = self.lookup(
            "SELECT number FROM themes WHERE event_id = ?1 AND number = ?2",
            params![event.to_string(), theme],
            |r| r.get(0),
            ("recherche du thème", "looking up the theme"),
        )?;
        found.map(|_| ()).ok_or(Error::UnknownTheme(theme))
    }

    /// The state vector of a document: what this store has of it. Used to build bundles that
    /// carry only what another device lacks.
    pub fn state_vector(&mut self, name: &DocName) -> Result<StateVector, Error> {
        Ok(self.read_doc(name)?.transact().state_vector())
    }
}

/// The texts an editor's typing was rebased into (see `recolte_core::text::apply_rebased`)
/// keep to their field's bounds: a title left empty (each kept the words the other deleted),
/// or a text longer than its field allows (both added words) and than it was, is refused and
/// nothing is saved. `rebased` says which of title and body were sent with a base, `now` is
/// the record's title and body after the edit (`None`: the record is gone). `table` is the
/// projection, which still holds the texts as they were before this edit.
fn rebased_within(
    conn: &rusqlite::Connection,
    table: &str,
    id: &str,
    rebased: [bool; 2],
    now: Option<[&str; 2]>,
) -> Result<(), Error> {
    let Some(now) = now else { return Ok(()) };
    for ((field, was_rebased), text) in [Field::Title, Field::Body].into_iter().zip(rebased).zip(now) {
        if was_rebased {
            one_rebased_within(conn, table, id, field, text)?;
        }
    }
    Ok(())
}

fn one_rebased_within(
    conn: &rusqlite::Connection,
    table: &str,
    id: &str,
    field: Field,
    text: &str,
) -> Result<(), Error> {
    if field == Field::Title && blank(text) {
        return Err(Error::Empty(field));
    }
    let length = text.chars().count();
    if length <= field.longest() {
        return Ok(());
    }
    let column = if field == Field::Title { "title" } else { "body" };
    let before: Option<i64> = conn
        .prepare_cached(&format!("SELECT length({column}) FROM {table} WHERE id = ?1"))
        .and_then(|mut stmt| stmt.query_row([id], |r| r.get(0)))
        .optional()
        .ctx("lecture d'un texte", "reading a text")?
        .flatten();
    if i64::try_from(length).is_ok_and(|length| length <= before.unwrap_or(0)) {
        return Ok(());
    }
    Err(Error::TooLong { field, longest: field.longest(), length })
}

fn project_proposal(
    conn: &rusqlite::Connection,
    txn: &yrs::Transaction,
    event: EventId,
    session: SessionId,
    id: ProposalId,
) -> Result<(), Error> {
    match schema::read_proposal(txn, id) {
        Some(record) => projection::upsert_proposal(conn, event, session, &record),
        None => Ok(()),
    }
}

fn project_consolidated(
    conn: &rusqlite::Connection,
    txn: &yrs::Transaction,
    event: EventId,
    theme: u32,
    id: ConsolidatedId,
) -> Result<(), Error> {
    match schema::read_consolidated(txn, id) {
        Some(record) => projection::upsert_consolidated(conn, event, theme, &record),
        None => Ok(()),
    }
}

impl Store {
    /// Gives the consolidated proposals, in this order, the priorities 1, 2, 3…, as one change
    /// of their theme's synthesis: one undo takes the whole move back (written card by card, a
    /// move was several steps, and the first undo seemed to do nothing).
    /// Merges undone meanwhile (on another device) are passed over: they are no longer listed.
    pub fn reorder_consolidated(&mut self, order: &[ConsolidatedId]) -> Result<(), Error> {
        // By theme, in the order given: a list mixing themes orders each within its own.
        let mut themes: Vec<((EventId, u32), Vec<ConsolidatedId>)> = Vec::new();
        for id in order {
            let (event, theme, standing) = self.standing_consolidated(*id)?;
            if standing.is_err() {
                continue;
            }
            match themes.iter_mut().find(|(home, _)| *home == (event, theme)) {
                Some((_, ids)) if !ids.contains(id) => ids.push(*id),
                Some(_) => {}
                None => themes.push(((event, theme), vec![*id])),
            }
        }
        for ((event, theme), ids) in themes {
            let priorities: Vec<(ConsolidatedId, u32)> =
                ids.iter().enumerate().map(|(index, id)| (*id, index as u32 + 1)).collect();
            if let Some((_, last)) = priorities.last() {
                crate::error::Setting::Priority.check(i64::from(*last))?;
            }
            self.edit(
                &DocName::Synthesis(event, theme),
                |txn| {
                    for (id, priority) in &priorities {
                        let patch = schema::ConsolidatedPatch { priority: Some(Some(*priority)), ..Default::default() };
                        schema::edit_consolidated(txn, *id, &patch)?;
                    }
                    Ok(())
                },
                |conn, txn, ()| {
                    for (id, _) in &priorities {
                        project_consolidated(conn, txn, event, theme, *id)?;
                    }
                    Ok(())
                },
            )?;
        }
        Ok(())
    }
}

/// Keeps the signing key of an event this device creates (imports, restores): the key that
/// makes it the event's organiser's device.
pub(crate) fn save_event_keys(
    conn: &rusqlite::Connection,
    event: EventId,
    keys: &recolte_core::token::EventKeys,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO event_keys (event_id, secret_key, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![event.to_string(), keys.secret, keys.public, schema::now()],
    )
    .ctx("enregistrement de la clé de l'événement", "saving the event's key")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn texts_keep_their_words_and_lose_what_does_not_show() {
        assert_eq!(within("ligne 1\nligne 2", Field::Title).unwrap(), "ligne 1 ligne 2");
        assert_eq!(within("ligne 1\r\nligne 2", Field::Body).unwrap(), "ligne 1\nligne 2");
        assert_eq!(within("ligne 1\rligne 2", Field::Body).unwrap(), "ligne 1\nligne 2");
        assert_eq!(within("ligne 1\r\nligne 2", Field::Title).unwrap(), "ligne 1 ligne 2");
        assert_eq!(within("a\u{1b}École", Field::Title).unwrap(), "aÉcole", "a stray ESC takes nothing with it");
        assert_eq!(within("a\u{1b}]8;;lien\nsuite", Field::Body).unwrap(), "a\nsuite", "never past the line");
        assert_eq!(within("Élus 🇫🇷 e\u{301}\tfin", Field::Body).unwrap(), "Élus 🇫🇷 e\u{301}\tfin");
        assert_eq!(within("Titre\u{1b}[31mrouge\u{1b}[0m", Field::Title).unwrap(), "Titrerouge");
        assert_eq!(within("Lien \u{1b}]8;;https://x\u{7}ici\u{1b}]8;;\u{1b}\\", Field::Title).unwrap(), "Lien ici");
        assert_eq!(within("a\u{0}b", Field::Title).unwrap(), "ab");
        assert!(matches!(non_empty("\u{200B}\u{200B} ", Field::Title), Err(Error::Empty(Field::Title))));
        assert_eq!(non_empty("Élus\u{200B}", Field::Title).unwrap(), "Élus\u{200B}");
        // A right-to-left override would show "Former les élus" as read backwards, and every
        // text after it on the same line.
        assert_eq!(within("Former \u{202E}sulé sel\u{202C} élus", Field::Title).unwrap(), "Former sulé sel élus");
        assert_eq!(within("a\u{2067}b\u{2069}c", Field::Body).unwrap(), "abc");
        assert_eq!(
            within("مرحبا \u{200F}Récolte", Field::Title).unwrap(),
            "مرحبا \u{200F}Récolte",
            "marks and right-to-left words stay"
        );
    }
}
