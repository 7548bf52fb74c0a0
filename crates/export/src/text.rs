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

/// Markdown that shows the text as typed: every character with a meaning is escaped.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]<>()#+-.!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace('\n', "  \n")
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
    }
}
