//! Editing a `Y.Text` by difference. Replacing a whole title would make two offline edits of
//! different words of it collide (both delete everything, both insert their version, and the
//! merge shows the text twice); applying only the difference keeps both edits.

use dissimilar::Chunk;
use yrs::{GetString, Text, TextRef, TransactionMut};

/// Turns the current content of `text` into `new` with the smallest edits that `dissimilar`
/// finds. Offsets are UTF-16 code units: every document is created with `OffsetKind::Utf16`,
/// as in JavaScript Yjs.
pub fn apply_diff(text: &TextRef, txn: &mut TransactionMut, new: &str) {
    let old = text.get_string(txn);
    if old == new {
        return;
    }
    let mut position: u32 = 0;
    for chunk in dissimilar::diff(&old, new) {
        match chunk {
            Chunk::Equal(s) => position += utf16_len(s),
            Chunk::Delete(s) => text.remove_range(txn, position, utf16_len(s)),
            Chunk::Insert(s) => {
                text.insert(txn, position, s);
                position += utf16_len(s);
            }
        }
    }
}

/// Turns `text` into what its editor meant: they changed `base` (the text their field showed)
/// into `new`, while `text` may have received another person's edits since. Their edits are
/// rebased onto it instead of the whole field replacing it: a colleague's words typed meanwhile
/// in the same text stay (a field saved whole deleted them). Where both changed the same
/// letters, this editor's change is applied to what is left of them.
pub fn apply_rebased(text: &TextRef, txn: &mut TransactionMut, base: &str, new: &str) {
    let current = text.get_string(txn);
    if current == base {
        return apply_diff(text, txn, new);
    }
    let (base_chars, current_chars): (Vec<char>, Vec<char>) = (base.chars().collect(), current.chars().collect());
    // For each character of `base`, where it stands in `current` (None: deleted there); and for
    // each gap before a character of `base` (and the end), where an insertion there goes.
    let mut kept: Vec<Option<usize>> = Vec::with_capacity(base_chars.len());
    let mut gap: Vec<usize> = Vec::with_capacity(base_chars.len() + 1);
    let mut at = 0;
    for chunk in dissimilar::diff(base, &current) {
        match chunk {
            Chunk::Equal(s) => {
                for _ in s.chars() {
                    gap.push(at);
                    kept.push(Some(at));
                    at += 1;
                }
            }
            Chunk::Delete(s) => {
                for _ in s.chars() {
                    gap.push(at);
                    kept.push(None);
                }
            }
            Chunk::Insert(s) => at += s.chars().count(),
        }
    }
    gap.push(at);
    debug_assert_eq!(kept.len(), base_chars.len());
    // This editor's edits, as (position in `current`, characters to delete there, text to insert).
    let mut edits: Vec<(usize, Vec<usize>, String)> = Vec::new();
    let mut position = 0;
    for chunk in dissimilar::diff(base, new) {
        match chunk {
            Chunk::Equal(s) => position += s.chars().count(),
            Chunk::Delete(s) => {
                let n = s.chars().count();
                let gone: Vec<usize> =
                    (position..position + n).filter_map(|i| kept.get(i).copied().flatten()).collect();
                edits.push((gap[position.min(gap.len() - 1)], gone, String::new()));
                position += n;
            }
            Chunk::Insert(s) => edits.push((gap[position.min(gap.len() - 1)], Vec::new(), s.to_owned())),
        }
    }
    // Positions in UTF-16 code units of `current`, as the document counts them.
    let mut units = Vec::with_capacity(current_chars.len() + 1);
    let mut total = 0u32;
    for c in &current_chars {
        units.push(total);
        total += c.len_utf16() as u32;
    }
    units.push(total);
    // From the last backwards, in the order the difference gave them (by position, and at one
    // position as they come): an edit never moves the places of the ones still to apply. (A
    // sort by position put an insertion before the deletion that shares its place, whose
    // offsets then pointed into the text just inserted.)
    for (at, gone, inserted) in edits.into_iter().rev() {
        for &i in gone.iter().rev() {
            text.remove_range(txn, units[i], current_chars[i].len_utf16() as u32);
        }
        if !inserted.is_empty() {
            text.insert(txn, units[at], &inserted);
        }
    }
}

/// A name as two people would compare it: case aside, whatever the Unicode form it was typed in
/// (« Équipe » composed, or "E" then a combining accent as a Mac pastes it).
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// What [`same_name`] compares: the name in one Unicode form, case aside, its spaces one
/// apart (« Table  One », typed with two, is « Table One »).
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect::<String>().to_lowercase()
}

pub fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::new_doc;
    use proptest::prelude::*;
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

    fn text_of(doc: &Doc) -> String {
        let text = doc.get_or_insert_text("t");
        text.get_string(&doc.transact())
    }

    fn set(doc: &Doc, value: &str) {
        let text = doc.get_or_insert_text("t");
        let mut txn = doc.transact_mut();
        apply_diff(&text, &mut txn, value);
    }

    fn sync(from: &Doc, to: &Doc) {
        let update = from.transact().encode_state_as_update_v1(&StateVector::default());
        to.transact_mut().apply_update(Update::decode_v1(&update).unwrap()).unwrap();
    }

    /// What `base` → `new` gives once rebased on `current`.
    fn rebased(current: &str, base: &str, new: &str) -> String {
        let doc = new_doc();
        set(&doc, current);
        let text = doc.get_or_insert_text("t");
        apply_rebased(&text, &mut doc.transact_mut(), base, new);
        text_of(&doc)
    }

    #[test]
    fn an_edit_saved_from_a_stale_field_keeps_a_colleague_s_words() {
        // B inserted « tous » while A, whose field still showed the base, added « locaux ».
        assert_eq!(
            rebased("Former tous les élus", "Former les élus", "Former les élus locaux"),
            "Former tous les élus locaux"
        );
        // B mended a typo at the start while A rewrote the end.
        assert_eq!(
            rebased("Ouvrir les données", "Ouvrir les donées", "Ouvrir les donées publiques"),
            "Ouvrir les données publiques"
        );
        assert_eq!(
            rebased("Ouvrir les données", "Ouvri les données", "Ouvri toutes les données"),
            "Ouvrir toutes les données"
        );
        // A deletes a word B left alone; B's emoji before it counts in UTF-16 units.
        assert_eq!(rebased("🌱 Base commune ouverte", "Base commune ouverte", "Base ouverte"), "🌱 Base ouverte");
        // Nothing changed elsewhere: the plain difference.
        assert_eq!(rebased("abc", "abc", "abd"), "abd");
        // Both deleted the same word: gone once, nothing else touched.
        assert_eq!(rebased("a c", "a b c", "a c"), "a c");
        // The colleague deleted the words between this editor's insertion and deletion.
        assert_eq!(rebased("Former locaux", "Former les élus locaux", "Former tous les élus"), "Former tous ");
        assert_eq!(
            rebased("Former publics", "Former les agents publics", "Former tous les agents et élus publics"),
            "Former tous et élus publics"
        );
    }

    proptest! {
        /// Whatever the three texts, the rebase ends on text made of theirs (no panic, no
        /// offset past the end), and is the plain difference when nothing changed meanwhile.
        #[test]
        fn a_rebase_never_breaks(base in "[a-cé🌱 ]{0,8}", current in "[a-cé🌱 ]{0,8}", new in "[a-cé🌱 ]{0,8}") {
            let merged = rebased(&current, &base, &new);
            prop_assert!(!merged.contains('\u{fffd}'), "an emoji cut in two: {:?}", merged);
            prop_assert_eq!(rebased(&base, &base, &new), new.clone());
        }
    }

    #[test]
    fn offline_edits_of_different_words_both_survive() {
        let (a, b) = (new_doc(), new_doc());
        set(&a, "Former les élus à l'innovation");
        sync(&a, &b);
        set(&a, "Former tous les élus à l'innovation");
        set(&b, "Former les élus à l'innovation publique");
        sync(&a, &b);
        sync(&b, &a);
        assert_eq!(text_of(&a), "Former tous les élus à l'innovation publique");
        assert_eq!(text_of(&b), text_of(&a));
    }

    #[test]
    fn astral_characters_are_counted_in_utf16() {
        let doc = new_doc();
        set(&doc, "Idée 🌱 verte");
        set(&doc, "Idée 🌱🌻 très verte");
        assert_eq!(text_of(&doc), "Idée 🌱🌻 très verte");
    }

    proptest! {
        #[test]
        fn any_text_becomes_any_other(old in "\\PC{0,40}", new in "\\PC{0,40}") {
            let doc = new_doc();
            set(&doc, &old);
            set(&doc, &new);
            prop_assert_eq!(text_of(&doc), new);
        }
    }
}
