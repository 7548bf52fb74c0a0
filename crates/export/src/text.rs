//! Writing other people's text into files that other programs open: CSV cells that cannot
//! become spreadsheet formulas, HTML and Markdown that cannot become markup.

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula: such cells get a leading apostrophe, which spreadsheets
/// hide and which makes the cell plain text. The JSON files keep the exact text.
pub fn csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text with its line breaks kept, for HTML.
pub fn html_paragraphs(text: &str) -> String {
    html(text).replace('\n', "<br>")
}

/// Markdown that shows the text as typed: every character with a meaning is escaped (`=`, of a
/// line `===` that made the line above a heading, and `&`, of `&lt;b&gt;` shown as `<b>`, too),
/// and a line's leading spaces dropped (four of them made a code block).
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("  \n");
        }
        for c in line.trim_start_matches([' ', '\t']).chars() {
            if "\\`*_{}[]<>()#+-.!|~=&".contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// French typography for print: the space typed before `: ; ! ? %` and inside « » becomes
/// non-breaking (narrow before `; ! ?`, as the Imprimerie nationale's rules have it), so a line
/// never begins with the punctuation, and l'apostrophe droite devient ’. Only spaces already
/// typed change: a colon with none stays a colon (times such as 15:30, addresses). The open
/// data keep the text exactly as typed; only the reports use this.
pub fn french_spaces(text: &str) -> String {
    const NBSP: char = '\u{a0}';
    const NARROW: char = '\u{202f}';
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let replaced = match (c, previous, next) {
            // The typewriter apostrophe between two letters is the typographic one in print.
            ('\'', Some(p), Some(n)) if p.is_alphabetic() && n.is_alphabetic() => '’',
            (' ', _, Some(';' | '!' | '?')) => NARROW,
            (' ', _, Some(':' | '%' | '»')) => NBSP,
            (' ', Some('«'), _) => NBSP,
            _ => c,
        };
        out.push(replaced);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(csv_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Former les élus"), "Former les élus");
    }

    #[test]
    fn markup_is_shown_not_run() {
        assert_eq!(html("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)&gt;");
        assert_eq!(markdown("# titre *gras* [lien](x)"), "\\# titre \\*gras\\* \\[lien\\]\\(x\\)");
        // A heading by underline, a code block by indent, an entity: shown as typed.
        assert_eq!(markdown("Objectif\n==="), "Objectif  \n\\=\\=\\=");
        assert_eq!(markdown("Liste :\n    code"), "Liste :  \ncode");
        assert_eq!(markdown("&lt;b&gt;"), "\\&lt;b\\&gt;");
    }

    #[test]
    fn french_punctuation_keeps_to_its_word() {
        assert_eq!(
            french_spaces("Pourquoi ? « Simplifier » : oui ; 30 % !"),
            "Pourquoi\u{202f}? «\u{a0}Simplifier\u{a0}»\u{a0}: oui\u{202f}; 30\u{a0}%\u{202f}!"
        );
        assert_eq!(french_spaces("à 15:30, https://x.fr?a=1"), "à 15:30, https://x.fr?a=1");
        assert_eq!(french_spaces("l'élu 'cité'"), "l’élu 'cité'");
    }
}
