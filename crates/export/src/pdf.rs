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
/// read once: a report in the languages they cover never depends on the fonts of the machine.
fn fonts() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect())
}

/// The machine's fonts for what Typst's own lack (emoji; Chinese, Japanese, Korean; other
/// scripts), as Debian's packages install them: the app's package recommends
/// `fonts-noto-color-emoji`, `fonts-noto-cjk` and `fonts-dejavu-core`; `fonts-droid-fallback`
/// also covers Chinese, Japanese and Korean. Each family (its regular and bold files) is read
/// only for a report that has a character no font before it draws, and let go with the report
/// (the CJK ones are 20 MB or more). Without them those characters show as empty boxes, as they
/// did before.
const MACHINE_FALLBACKS: [&[&str]; 4] = [
    &["/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"],
    &[
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    ],
    &["/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"],
    &["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"],
];

/// The report's fonts: Typst's own, and the machine's families that draw what those lack.
fn fonts_for(text: &str, fallbacks: &[&[&str]]) -> Vec<Font> {
    let mut fonts = fonts().to_vec();
    let mut missing: Vec<char> = undrawn(text, &fonts);
    for family in fallbacks {
        if missing.is_empty() {
            break;
        }
        // A font that is not there, or not readable, is one fewer fallback, not an error:
        // the report is still made, with boxes for what nothing draws.
        let faces: Vec<Font> = family
            .iter()
            .filter_map(|path| std::fs::read(path).ok())
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let draws = |face: &Font| missing.iter().any(|c| face.info().coverage.contains(u32::from(*c)));
        if faces.iter().any(draws) {
            fonts.extend(faces);
            missing = undrawn(&missing.iter().collect::<String>(), &fonts);
        }
    }
    fonts
}

/// The characters of `text` that none of `fonts` draws, each once; marks that only shape
/// their neighbours (joiners, variation selectors) and spaces are not counted.
fn undrawn(text: &str, fonts: &[Font]) -> Vec<char> {
    let shapes_only = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{206f}' | '\u{fe00}'..='\u{fe0f}' | '\u{ad}')
            || ('\u{e0000}'..='\u{e007f}').contains(&c)
    };
    let distinct: std::collections::BTreeSet<char> = text.chars().filter(|c| !shapes_only(*c)).collect();
    distinct.into_iter().filter(|c| !fonts.iter().any(|font| font.info().coverage.contains(u32::from(*c)))).collect()
}

/// The whole world the template sees: itself, its data, its fonts; no file system (the fonts
/// were read before), no network.
struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    data: Bytes,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
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
        &self.book
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
        self.fonts.get(index).cloned()
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
    let fonts = fonts_for(&String::from_utf8_lossy(&json), &MACHINE_FALLBACKS);
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    let world =
        ReportWorld { library: LazyHash::new(Library::builder().build()), main, data: Bytes::new(json), book, fonts };
    let typeset = |errors: typst::ecow::EcoVec<typst::diag::SourceDiagnostic>| {
        ExportError::Pdf(errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
    };
    let document = typst::compile::<PagedDocument>(&world).output.map_err(typeset);
    let pdf =
        document.and_then(|document| typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(typeset));
    // Typst memoizes what it computed, fonts included: let go of it with the report, or each
    // export with the machine's fonts would keep their 20 MB for the life of the app.
    typst::comemo::evict(0);
    pdf
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

    /// The machine's fonts named in MACHINE_FALLBACKS, as `bash .ci/run` installs them.
    fn machine_has_fallbacks() {
        for path in MACHINE_FALLBACKS[..2].iter().flat_map(|family| family.iter()) {
            assert!(
                std::path::Path::new(path).exists(),
                "{path} is missing: install fonts-noto-color-emoji fonts-noto-cjk fonts-dejavu-core (bash .ci/run does)"
            );
        }
    }

    #[test]
    fn a_report_in_the_bundled_fonts_reads_no_font_of_the_machine() {
        let text = "Capitaliser en communs : « œuvre » — 12 €, ✓ ; Ελληνικά, русский\u{a0}; des mots\u{202f}!";
        assert!(undrawn(text, super::fonts()).is_empty(), "{:?}", undrawn(text, super::fonts()));
        assert_eq!(fonts_for(text, &MACHINE_FALLBACKS).len(), super::fonts().len());
    }

    #[test]
    fn emoji_and_chinese_japanese_korean_text_take_the_machines_fonts_and_nothing_else() {
        machine_has_fallbacks();
        let text = "Base commune 🌱 数据开放 データ 데이터 👩\u{200d}💻 ✍\u{fe0f}";
        let bundled = super::fonts();
        // What shows as boxes without them.
        assert_eq!(undrawn(text, bundled).iter().filter(|c| **c == '🌱' || **c == '数').count(), 2);
        // A font that is not there is skipped; the others draw every character.
        let paths: [&[&str]; 4] =
            [&["/nonexistent/font.ttf"], MACHINE_FALLBACKS[0], MACHINE_FALLBACKS[1], MACHINE_FALLBACKS[3]];
        let fonts = fonts_for(text, &paths);
        assert_eq!(undrawn(text, &fonts), Vec::<char>::new());
        let families: std::collections::BTreeSet<&str> =
            fonts[bundled.len()..].iter().map(|f| f.info().family.as_str()).collect();
        assert!(families.contains("Noto Color Emoji"), "{families:?}");
        assert!(families.iter().any(|f| f.starts_with("Noto Serif CJK")), "{families:?}");
        // Its bold with it, for the titles.
        assert!(fonts
            .iter()
            .any(|f| f.info().family.starts_with("Noto Serif CJK") && f.info().variant.weight.to_number() >= 700));
        // Read only for what they draw: the emoji alone does not bring the CJK fonts.
        let emoji_only = fonts_for("Base commune 🌱", &MACHINE_FALLBACKS);
        assert_eq!(
            emoji_only.len(),
            bundled.len() + 1,
            "{:?}",
            emoji_only.iter().map(|f| &f.info().family).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_pdf_embeds_the_fonts_that_draw_emoji_and_cjk_titles() {
        machine_has_fallbacks();
        let mut data = crate::opendata::read(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/opendata-sample"
        )))
        .unwrap();
        data.consolidated[0].title = "Ouvrir les données 数据开放 🌱".into();
        let pdf = pdf_report(&data, None, Lang::Fr, "2025-10-02T18:00:00Z").unwrap();
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"NotoSerifCJK"), "the CJK font is embedded");
        // Colour emoji travel as pictures in a font of their own (Type 3).
        assert!(has(b"/Type3"), "the emoji are drawn");
    }
}
