//! The import file for Decidim's proposals component ("Import proposals from a file"): one
//! row per consolidated proposal, `title/fr` and `body/fr` with the sources cited in the
//! body. Decidim reads `title/<locale>`, `body/<locale>` (and a few optional columns we do
//! not have); it ignores other columns, so `state` (for Decidim's answers: accepted,
//! rejected, evaluating) and `recolte_id` travel along for whoever continues the work.

use recolte_core::model::Status;

use crate::data::OpenData;
use crate::text::csv_cell;
use crate::ExportError;

pub fn state(status: Status) -> &'static str {
    match status {
        Status::Retained => "accepted",
        Status::SetAside => "rejected",
        Status::Draft => "evaluating",
    }
}

struct Row {
    title: String,
    body: String,
    state: &'static str,
    id: String,
}

fn rows(data: &OpenData, theme: Option<u32>) -> Vec<Row> {
    data.consolidated
        .iter()
        .filter(|c| theme.is_none_or(|t| t == c.theme))
        .map(|c| {
            let theme_title =
                data.event.themes.iter().find(|t| t.number == c.theme).map(|t| t.title.as_str()).unwrap_or("");
            let mut body = c.body.clone();
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(&format!(
                "Thème {} : {theme_title}\nIssue des propositions des ateliers de « {} » :\n",
                c.theme, data.event.name
            ));
            for l in data.lineage.iter().filter(|l| l.consolidated_id == c.id) {
                if let Some(p) = data.proposals.iter().find(|p| p.id == l.proposal_id) {
                    let group = p.subgroup.as_deref().map(|g| format!(", {g}")).unwrap_or_default();
                    body.push_str(&format!("- « {} » (jour {}, {}{group})\n", p.title, p.day, p.start));
                }
            }
            if c.carry_forward {
                body.push_str("Retenue « à porter » par le panel de clôture.\n");
            }
            Row {
                title: c.title.clone(),
                body: body.trim_end().to_owned(),
                state: state(c.status),
                id: c.id.to_string(),
            }
        })
        .collect()
}

pub fn csv(data: &OpenData, theme: Option<u32>) -> Result<String, ExportError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let encode = |e: csv::Error| ExportError::Encode(e.to_string());
    writer.write_record(["title/fr", "body/fr", "state", "recolte_id"]).map_err(encode)?;
    for row in rows(data, theme) {
        writer
            .write_record([csv_cell(&row.title), csv_cell(&row.body), row.state.to_owned(), row.id])
            .map_err(encode)?;
    }
    let bytes = writer.into_inner().map_err(|e| ExportError::Encode(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode(e.to_string()))
}

pub fn json(data: &OpenData, theme: Option<u32>) -> Result<String, ExportError> {
    let rows: Vec<serde_json::Value> = rows(data, theme)
        .into_iter()
        .map(|r| serde_json::json!({ "title": { "fr": r.title }, "body": { "fr": r.body }, "state": r.state, "recolte_id": r.id }))
        .collect();
    let mut text = serde_json::to_string_pretty(&rows).map_err(|e| ExportError::Encode(e.to_string()))?;
    text.push('\n');
    Ok(text)
}
