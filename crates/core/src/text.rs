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

/// A name as two people would compare it: case aside, whatever the Unicode form it was typed in
/// (« Équipe » composed, or "E" then a combining accent as a Mac pastes it).
pub fn same_name(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let key = |name: &str| name.nfc().collect::<String>().to_lowercase();
    key(a) == key(b)
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
