//! Decidim's files, as Decidim reads them.
//!
//! **Proposals** ("Import proposals from a file", decidim-admin `Import::Readers::CSV` and
//! `ProposalsVerifier`): `title/<locale>` and `body/<locale>` for the organisation's default
//! locale, at least one row, a title and a body in every row. The CSV reader uses
//! `col_sep: Decidim.default_csv_col_sep` (`;` unless the site sets
//! `DECIDIM_DEFAULT_CSV_COL_SEP`) and `encoding: "BOM|UTF-8"` (a BOM is accepted, not needed),
//! with Ruby's standard quoting. Decidim stores the text as it comes: no formula guard here
//! (this file is not for a spreadsheet, and Decidim would keep the apostrophe), and bodies are
//! minimal HTML (`<p>`, `<br>`, every character of the text escaped), so that line breaks show
//! whether Decidim renders the body as plain text or as rich text (imported proposals are
//! official, hence rich text, since Decidim PR #17301). `recolte_id` travels along for whoever
//! traces a proposal back; Decidim ignores columns it does not read.
//!
//! **Answers** (`ProposalsAnswersVerifier`, `ProposalAnswerCreator`): `id;state;answer/<locale>`
//! where `id` is Decidim's own proposal id, known only after the import. They are made from
//! Decidim's proposals export, matched to our consolidated proposals by title and body.

use recolte_core::model::Status;
use recolte_core::schema::DocName;
use recolte_core::{Both, Lang};

use crate::data::{ConsolidatedRow, OpenData, ProposalRow};
use crate::text::html;
use crate::ExportError;

/// What to export, and in which locale's columns.
#[derive(Clone, Debug)]
pub struct Options {
    pub theme: Option<u32>,
    /// The Decidim organisation's default locale: `fr` for the Assises.
    pub locale: String,
    /// The captured proposals instead of the consolidated ones (before any merge).
    pub captured: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options { theme: None, locale: "fr".to_owned(), captured: false }
    }
}

/// One proposal for Decidim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    /// Minimal HTML.
    pub body: String,
    pub recolte_id: String,
}

/// Decidim's answer state for a status; a draft has none (never "evaluating" for a draft:
/// that would publish an answer nobody gave).
pub fn state(status: Status) -> Option<&'static str> {
    match status {
        Status::Retained => Some("accepted"),
        Status::SetAside => Some("rejected"),
        Status::Draft => None,
    }
}

/// A locale as Decidim names its columns: `fr`, `en`, `ca`, `pt-BR`.
pub fn check_locale(locale: &str) -> Result<(), ExportError> {
    let mut parts = locale.splitn(2, '-');
    let language = parts.next().unwrap_or("");
    let region_ok =
        parts.next().is_none_or(|r| (2..=4).contains(&r.len()) && r.chars().all(|c| c.is_ascii_alphanumeric()));
    if (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase()) && region_ok {
        Ok(())
    } else {
        Err(ExportError::InvalidLocale(locale.chars().take(20).collect()))
    }
}

/// Text as HTML paragraphs: a blank line separates paragraphs, a line break stays one.
pub fn paragraphs(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.trim_matches('\n'))
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>", p.lines().map(html).collect::<Vec<_>>().join("<br>")))
        .collect()
}

fn theme_title(data: &OpenData, theme: u32) -> &str {
    data.event.themes.iter().find(|t| t.number == theme).map(|t| t.title.as_str()).unwrap_or("")
}

/// The language of the text Récolte adds to a body: French for a French locale's columns,
/// English for any other (Decidim shows `body/en` to an English-speaking site).
fn lang_of(locale: &str) -> Lang {
    if locale == "fr" || locale.starts_with("fr-") {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// A source as a body lists it. Its title is quoted with the marks its own text does not use.
fn origin(p: &ProposalRow, lang: Lang) -> String {
    let group = p.subgroup.as_deref().map(|g| format!(", {g}")).unwrap_or_default();
    let title = match lang {
        Lang::Fr if p.title.contains(['«', '»']) => format!("“{}”", p.title),
        Lang::Fr => format!("« {} »", p.title),
        Lang::En => format!("“{}”", p.title),
    };
    let day = lang.pick("jour", "day");
    format!("{title} ({day} {}, {}{group})", p.day, p.start)
}

fn consolidated_body(data: &OpenData, c: &ConsolidatedRow, lang: Lang) -> String {
    let mut body = paragraphs(&c.body);
    let sources: Vec<String> = data
        .lineage
        .iter()
        .filter(|l| l.consolidated_id == c.id)
        .filter_map(|l| data.proposals.iter().find(|p| p.id == l.proposal_id))
        .map(|p| format!("– {}", origin(p, lang)))
        .collect();
    let theme = theme_title(data, c.theme);
    let event = &data.event.name;
    let mut context = match lang {
        Lang::Fr => vec![
            format!("Thème {} : {theme}", c.theme),
            format!("Issue des propositions des ateliers de l'événement « {event} » :"),
        ],
        Lang::En => vec![
            format!("Theme {}: {theme}", c.theme),
            format!("Drawn from the proposals of the workshops of the event “{event}”:"),
        ],
    };
    context.extend(sources);
    body.push_str(&paragraphs(&context.join("\n")));
    if c.carry_forward {
        body.push_str(&paragraphs(
            lang.pick("Retenue « à porter » par le panel de clôture.", "Carried forward by the closing panel."),
        ));
    }
    body
}

fn captured_body(data: &OpenData, p: &ProposalRow, lang: Lang) -> String {
    let mut body = paragraphs(&p.body);
    let group = p.subgroup.as_deref().map(|g| format!(", {g}")).unwrap_or_default();
    let (theme, event) = (theme_title(data, p.theme), &data.event.name);
    let context = match lang {
        Lang::Fr => [
            format!("Thème {} : {theme}", p.theme),
            format!("Proposition saisie aux ateliers de l'événement « {event} », jour {}, {}{group}.", p.day, p.start),
        ],
        Lang::En => [
            format!("Theme {}: {theme}", p.theme),
            format!("Proposal captured at the workshops of the event “{event}”, day {}, {}{group}.", p.day, p.start),
        ],
    };
    body.push_str(&paragraphs(&context.join("\n")));
    body
}

/// The proposals to import, or why there are none.
pub fn entries(data: &OpenData, options: &Options) -> Result<Vec<Entry>, ExportError> {
    let in_scope = |theme: u32| options.theme.is_none_or(|t| t == theme);
    let lang = lang_of(&options.locale);
    let entries: Vec<Entry> = if options.captured {
        // What a rapporteur set aside (off topic, an exact duplicate) is not for the platform.
        data.proposals
            .iter()
            .filter(|p| in_scope(p.theme) && p.set_aside.is_none())
            .map(|p| Entry { title: p.title.clone(), body: captured_body(data, p, lang), recolte_id: p.id.to_string() })
            .collect()
    } else {
        data.consolidated
            .iter()
            .filter(|c| in_scope(c.theme))
            .map(|c| Entry {
                title: c.title.clone(),
                body: consolidated_body(data, c, lang),
                recolte_id: c.id.to_string(),
            })
            .collect()
    };
    if entries.is_empty() {
        // What would be exported is not on this device, rather than not made yet.
        let session_theme = |session: &recolte_core::ids::SessionId| {
            data.event.sessions.iter().find(|s| s.id == *session).map(|s| s.theme)
        };
        let not_held = data.missing.iter().any(|doc| match doc {
            DocName::Synthesis(_, theme) => !options.captured && in_scope(*theme),
            DocName::Session(_, session) => options.captured && session_theme(session).is_some_and(in_scope),
            _ => false,
        });
        if not_held {
            return Err(ExportError::NotHeldHere { theme: options.theme, captured: options.captured });
        }
        return Err(ExportError::NothingToExport { theme: options.theme, captured: options.captured });
    }
    Ok(entries)
}

fn semicolon_csv(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, ExportError> {
    let mut writer =
        csv::WriterBuilder::new().delimiter(b';').terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let encode = |e: csv::Error| ExportError::Encode(e.to_string());
    writer.write_record(header).map_err(encode)?;
    for row in rows {
        writer.write_record(row).map_err(encode)?;
    }
    let bytes = writer.into_inner().map_err(|e| ExportError::Encode(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode(e.to_string()))
}

/// The proposals import file as CSV: `title/<locale>;body/<locale>;recolte_id`.
pub fn csv(data: &OpenData, options: &Options) -> Result<String, ExportError> {
    check_locale(&options.locale)?;
    let l = &options.locale;
    let header = [format!("title/{l}"), format!("body/{l}"), "recolte_id".to_owned()];
    semicolon_csv(&header, entries(data, options)?.into_iter().map(|e| vec![e.title, e.body, e.recolte_id]))
}

/// The same as JSON (recommended: no separator to agree on).
pub fn json(data: &OpenData, options: &Options) -> Result<String, ExportError> {
    check_locale(&options.locale)?;
    let l = options.locale.as_str();
    let rows: Vec<serde_json::Value> = entries(data, options)?
        .into_iter()
        .map(|e| serde_json::json!({ "title": { l: e.title }, "body": { l: e.body }, "recolte_id": e.recolte_id }))
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).map_err(|e| ExportError::Encode(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// A proposal as Decidim's own export gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub id: String,
    pub title: String,
    pub body: String,
}

fn malformed(file: &str, fr: impl Into<String>, en: impl Into<String>) -> ExportError {
    ExportError::DecidimExport { file: file.to_owned(), detail: Both::new(fr, en) }
}

/// Where a CSV file stops making sense: the csv crate tells it in English only.
fn csv_problem(file: &str, error: &csv::Error) -> ExportError {
    let Some(line) = error.position().map(|p| p.line()) else {
        return malformed(file, "CSV illisible", format!("unreadable CSV ({error})"));
    };
    match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => malformed(
            file,
            format!(
                "la ligne {line} a {}, l'en-tête {expected_len}",
                Lang::Fr.count(*len as usize, "colonne", "colonnes")
            ),
            format!(
                "line {line} has {}, the header {expected_len}",
                Lang::En.count(*len as usize, "column", "columns")
            ),
        ),
        csv::ErrorKind::Utf8 { .. } => malformed(
            file,
            format!("la ligne {line} n'est pas du texte UTF-8"),
            format!("line {line} is not UTF-8 text"),
        ),
        _ => malformed(file, format!("CSV illisible à la ligne {line}"), format!("unreadable CSV at line {line}")),
    }
}

/// Reads Decidim's proposals export (CSV with `;` or `,`, or JSON): id, title and body in
/// `locale` (a plain string is taken as is).
pub fn read_published(name: &str, bytes: &[u8], locale: &str) -> Result<Vec<Published>, ExportError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| malformed(name, "ce n'est pas du texte UTF-8", "not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let published = if text.trim_start().starts_with('[') {
        read_published_json(name, text, locale)
    } else {
        read_published_csv(name, text, locale)
    }?;
    // Decidim's ids are numbers, and its importer reads an answer's id as one (`to_i`): a
    // Récolte id (from our own open data, say) would answer Decidim's proposal n° 1.
    if let Some((row, p)) =
        published.iter().enumerate().find(|(_, p)| p.id.is_empty() || !p.id.bytes().all(|b| b.is_ascii_digit()))
    {
        let id: String = p.id.chars().take(40).collect();
        return Err(malformed(
            name,
            format!("l'id « {id} » de la proposition n° {} n'est pas un nombre, comme Decidim en donne : est-ce bien l'export des propositions de Decidim ?", row + 1),
            format!("the id \"{id}\" of proposal {} is not a number, as Decidim's are: is this Decidim's export of its proposals?", row + 1),
        ));
    }
    Ok(published)
}

fn read_published_json(name: &str, text: &str, locale: &str) -> Result<Vec<Published>, ExportError> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| {
        let Both { fr, en } = Both::json(&e);
        malformed(name, fr, en)
    })?;
    let translated = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(map) => map.get(locale).and_then(|s| s.as_str()).map(str::to_owned),
        _ => None,
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let id = match &row["id"] {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) => s.clone(),
                _ => {
                    return Err(malformed(
                        name,
                        format!("l'enregistrement {} n'a pas d'id", i + 1),
                        format!("record {} has no id", i + 1),
                    ))
                }
            };
            Ok(Published {
                id,
                title: translated(&row["title"]).unwrap_or_default(),
                body: translated(&row["body"]).unwrap_or_default(),
            })
        })
        .collect()
}

/// A cell as Decidim had it before its CSV export guarded it against spreadsheet formulas
/// (since 0.28, `Decidim::Exporters::CSV` puts an apostrophe before a text that begins with
/// `=`, `+`, `-` or `@`): « -30 % de formulaires » is exported `'-30 % de formulaires`, and
/// would match no title of Récolte's.
fn unsanitized(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    }
}

fn read_published_csv(name: &str, text: &str, locale: &str) -> Result<Vec<Published>, ExportError> {
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_problem(name, &e))?.clone();
    let column = |wanted: &str| headers.iter().position(|h| h == wanted);
    let id = column("id").ok_or_else(|| malformed(name, "pas de colonne id", "no id column"))?;
    let title = column(&format!("title/{locale}")).or_else(|| column("title"));
    let body = column(&format!("body/{locale}")).or_else(|| column("body"));
    let missing = |column: String| malformed(name, format!("pas de colonne {column}"), format!("no {column} column"));
    let title = title.ok_or_else(|| missing(format!("title/{locale}")))?;
    let body = body.ok_or_else(|| missing(format!("body/{locale}")))?;
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| csv_problem(name, &e))?;
            let cell = |i: usize| unsanitized(record.get(i).unwrap_or("")).to_owned();
            Ok(Published { id: cell(id), title: cell(title), body: cell(body) })
        })
        .collect()
}

/// Text as a reader sees it: tags dropped (paragraphs and breaks become spaces), the usual
/// entities decoded, spaces collapsed. Decidim's export strips HTML in recent versions and
/// keeps it in older ones; both compare equal to what we sent.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answers file and what could not be answered.
#[derive(Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Answers {
    #[serde(skip)]
    pub csv: String,
    pub answered: usize,
    /// Titles of our drafts (not answered on purpose).
    pub drafts: Vec<String>,
    /// Titles of ours with no proposal of Decidim's export.
    pub unmatched: Vec<String>,
    /// Titles of ours that match several of Decidim's, even by body.
    pub ambiguous: Vec<String>,
}

fn answer_text(data: &OpenData, c: &ConsolidatedRow, lang: Lang) -> String {
    let event = &data.event.name;
    let mut lines = vec![match (c.status, lang) {
        (Status::Retained, Lang::Fr) => {
            format!("Proposition retenue à l'issue des ateliers de l'événement « {event} ».")
        }
        (Status::Retained, Lang::En) => {
            format!("Proposal retained at the end of the workshops of the event “{event}”.")
        }
        (_, Lang::Fr) => format!("Proposition écartée par les rapporteurs des ateliers de l'événement « {event} »."),
        (_, Lang::En) => format!("Proposal set aside by the rapporteurs of the workshops of the event “{event}”."),
    }];
    if c.carry_forward {
        lines.push(lang.pick("Portée par le panel de clôture.", "Carried forward by the closing panel.").to_owned());
    }
    let mut text = paragraphs(&lines.join("\n"));
    let comments: Vec<&str> =
        data.comments.iter().filter(|m| m.consolidated_id == c.id).map(|m| m.text.as_str()).collect();
    if !comments.is_empty() {
        let mut lines = vec![lang.pick("Commentaires du panel :", "The panel's comments:").to_owned()];
        lines.extend(comments.iter().map(|m| format!("– {m}")));
        text.push_str(&paragraphs(&lines.join("\n")));
    }
    text
}

/// `id;state;answer/<locale>` for each of our retained or set-aside consolidated proposals
/// found in Decidim's export: by exact title, then by body where titles repeat.
pub fn answers(data: &OpenData, published: &[Published], options: &Options) -> Result<Answers, ExportError> {
    check_locale(&options.locale)?;
    let lang = lang_of(&options.locale);
    let normal = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut result = Answers { csv: String::new(), answered: 0, drafts: vec![], unmatched: vec![], ambiguous: vec![] };
    let mut rows = Vec::new();
    let mut used = std::collections::HashSet::new();
    for c in data.consolidated.iter().filter(|c| options.theme.is_none_or(|t| t == c.theme)) {
        let Some(state) = state(c.status) else {
            result.drafts.push(c.title.clone());
            continue;
        };
        let by_title: Vec<&Published> = published.iter().filter(|p| normal(&p.title) == normal(&c.title)).collect();
        let found: Vec<&Published> = if by_title.len() > 1 {
            // By the rapporteur's own text, which leads the body: what Récolte adds after it
            // (the theme, the sources) was worded otherwise by earlier versions, or in another
            // language; without a text of its own, the body as this version writes it.
            let own = plain(&paragraphs(&c.body));
            let body = plain(&consolidated_body(data, c, lang));
            by_title
                .into_iter()
                .filter(|p| if own.is_empty() { plain(&p.body) == body } else { plain(&p.body).starts_with(&own) })
                .collect()
        } else {
            by_title
        };
        match found.as_slice() {
            [one] if used.insert(one.id.clone()) => {
                rows.push(vec![one.id.clone(), state.to_owned(), answer_text(data, c, lang)]);
                result.answered += 1;
            }
            [] => result.unmatched.push(c.title.clone()),
            _ => result.ambiguous.push(c.title.clone()),
        }
    }
    let header = ["id".to_owned(), "state".to_owned(), format!("answer/{}", options.locale)];
    result.csv = semicolon_csv(&header, rows)?;
    Ok(result)
}
