//! The report as a PDF, with no browser on the machine: typeset by Typst, used as a library.
//!
//! Why Typst: it is a maintained typesetting engine (line breaking and hyphenation in French,
//! page numbers, contents with page references, embedded fonts, tagged PDF), so the report is
//! laid out by the same rules as the rest of its PDFs rather than by lines we would place by
//! hand with a bare PDF writer (printpdf, krilla). The template is `report.typ`; the text
//! people wrote travels to it as JSON data, never as markup.

use std::sync::OnceLock;

use recolte_core::Lang;
use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::layout::PagedDocument;
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::data::OpenData;
use crate::report::{
    counts, counts_line, generated_line, incomplete, labels, meta, ordered, provenance, sources, themes,
};
use crate::text::french_spaces;
use crate::ExportError;

const TEMPLATE: &str = include_str!("report.typ");

#[derive(Serialize)]
struct Report {
    lang: &'static str,
    title: String,
    event: String,
    generated: String,
    warning: Option<String>,
    labels: ReportLabels,
    summary_head: [String; 6],
    themes: Vec<Theme>,
}

#[derive(Serialize)]
struct ReportLabels {
    summary: &'static str,
    theme: &'static str,
    contents: &'static str,
    nothing: &'static str,
    carried_mark: &'static str,
    comments: &'static str,
    sources: &'static str,
}

#[derive(Serialize)]
struct Theme {
    number: u32,
    title: String,
    captured: usize,
    consolidated: usize,
    retained: usize,
    carried: usize,
    votes: u32,
    counts: String,
    proposals: Vec<Proposal>,
}

#[derive(Serialize)]
struct Proposal {
    /// A label the theme's contents link to.
    anchor: String,
    title: String,
    meta: String,
    carried: bool,
    /// Paragraphs, each a list of lines.
    body: Vec<Vec<String>>,
    comments: Vec<String>,
    sources: Vec<String>,
}

fn paragraphs(text: &str) -> Vec<Vec<String>> {
    text.split("\n\n")
        .map(|p| p.lines().map(french_spaces).collect::<Vec<_>>())
        .filter(|lines| lines.iter().any(|line| !line.trim().is_empty()))
        .collect()
}

fn report(data: &OpenData, only: Option<u32>, lang: Lang, generated_at: &str) -> Report {
    let l = labels(lang);
    let themes = themes(data, only)
        .into_iter()
        .map(|t| {
            let c = counts(data, t.number);
            let rows = ordered(data, t.number);
            let votes = rows.iter().map(|r| r.votes).sum();
            Theme {
                number: t.number,
                title: french_spaces(&t.title),
                captured: c.captured,
                consolidated: c.consolidated,
                retained: c.retained,
                carried: c.carried,
                votes,
                counts: counts_line(&c, lang),
                proposals: rows
                    .into_iter()
                    .map(|c| Proposal {
                        anchor: format!("proposal-{}", c.id),
                        title: french_spaces(&c.title),
                        meta: meta(c, &l, lang).join(" · "),
                        carried: c.carry_forward,
                        body: paragraphs(&c.body),
                        comments: data
                            .comments
                            .iter()
                            .filter(|m| m.consolidated_id == c.id)
                            .map(|m| french_spaces(&m.text))
                            .collect(),
                        sources: sources(data, c)
                            .into_iter()
                            .map(|p| format!("{} — {}", french_spaces(&p.title), provenance(p, &l)))
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect();
    Report {
        lang: if lang == Lang::En { "en" } else { "fr" },
        title: l.title.to_owned(),
        event: french_spaces(&data.event.name),
        generated: generated_line(data, &l, generated_at),
        warning: incomplete(data, lang).map(|w| french_spaces(&w)),
        labels: ReportLabels {
            summary: l.summary,
            theme: l.theme,
            contents: l.contents,
            nothing: l.nothing,
            carried_mark: l.carried_mark,
            comments: l.comments,
            sources: l.sources,
        },
        summary_head: [l.theme, l.captured, l.consolidated, l.retained, l.carried, l.votes].map(capitalise),
        themes,
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The fonts Typst ships (Libertinus Serif for the text, DejaVu for the glyphs it lacks),
/// read once: the PDF never depends on the fonts of the machine.
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

/// The whole world the template sees: itself, its data, the fonts; no file system, no network.
struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    data: Bytes,
}

impl ReportWorld {
    fn data_id() -> FileId {
        FileId::new(None, VirtualPath::new("/data.json"))
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == Self::data_id() {
            Ok(self.data.clone())
        } else {
            Err(FileError::NotFound(id.vpath().as_rootless_path().into()))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        // The template does not print the date (the data carries when the report was made).
        None
    }
}

/// The report as PDF bytes: A4, page numbers, a contents page and one per theme.
pub fn pdf_report(data: &OpenData, only: Option<u32>, lang: Lang, generated_at: &str) -> Result<Vec<u8>, ExportError> {
    let report = report(data, only, lang, generated_at);
    let json = serde_json::to_vec(&report).map_err(|e| ExportError::Encode(e.to_string()))?;
    let main = Source::new(FileId::new(None, VirtualPath::new("/report.typ")), TEMPLATE.to_owned());
    let world = ReportWorld { library: LazyHash::new(Library::builder().build()), main, data: Bytes::new(json) };
    let typeset = |errors: typst::ecow::EcoVec<typst::diag::SourceDiagnostic>| {
        ExportError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(typeset)?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(typeset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_keep_their_lines_and_drop_empty_ones() {
        assert_eq!(
            paragraphs("Un : deux\ntrois\n\n\n\nquatre ?"),
            vec![vec!["Un\u{a0}: deux".to_owned(), "trois".to_owned()], vec!["quatre\u{202f}?".to_owned()]]
        );
        assert!(paragraphs("").is_empty());
    }
}
