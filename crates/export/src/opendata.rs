//! The open-data folder: CSV for spreadsheets, JSON for programs (and for restoring), a JSON
//! Schema per JSON file, and a data card (README.md) that says what every column means.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use recolte_core::ids::EventId;
use recolte_core::Lang;

use crate::data::{OpenData, FORMAT};
use crate::text::csv_cell;
use crate::ExportError;

pub const DEFAULT_LICENCE: &str =
    "Licence Ouverte / Open Licence version 2.0 (Etalab), https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

const SCHEMAS: &[(&str, &str)] = &[
    ("event.schema.json", include_str!("../schemas/event.schema.json")),
    ("proposals.schema.json", include_str!("../schemas/proposals.schema.json")),
    ("consolidated.schema.json", include_str!("../schemas/consolidated.schema.json")),
    ("subgroups.schema.json", include_str!("../schemas/subgroups.schema.json")),
    ("lineage.schema.json", include_str!("../schemas/lineage.schema.json")),
    ("panel_comments.schema.json", include_str!("../schemas/panel_comments.schema.json")),
];

/// What was written, for the message to the user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Written {
    pub folder: String,
    pub files: Vec<String>,
}

fn json_text<T: Serialize>(value: &T) -> Result<String, ExportError> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| ExportError::Encode(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<String, ExportError> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(header).map_err(|e| ExportError::Encode(e.to_string()))?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| csv_cell(cell))).map_err(|e| ExportError::Encode(e.to_string()))?;
    }
    let bytes = writer.into_inner().map_err(|e| ExportError::Encode(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Encode(e.to_string()))
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// Writes the folder. Author names appear only if the data holds them (`--include-names`).
/// `report`: the report as PDF, for people who read rather than compute.
pub fn write(
    dir: &Path,
    data: &OpenData,
    licence: &str,
    generated_at: &str,
    report: Option<&[u8]>,
) -> Result<Written, ExportError> {
    let names = data.proposals.iter().any(|p| p.author.is_some())
        || data.consolidated.iter().any(|c| c.author.is_some())
        || data.comments.iter().any(|c| c.author.is_some());
    let tables = crate::package::tables(names);
    let header = |name: &str| tables.iter().find(|t| t.name == name).map(|t| t.header()).unwrap_or_default();
    let mut files: Vec<(String, String)> = vec![
        ("event.json".into(), json_text(&data.event)?),
        ("subgroups.json".into(), json_text(&data.subgroups)?),
        ("proposals.json".into(), json_text(&data.proposals)?),
        ("consolidated.json".into(), json_text(&data.consolidated)?),
        ("lineage.json".into(), json_text(&data.lineage)?),
        ("panel_comments.json".into(), json_text(&data.comments)?),
    ];
    files.push((
        "proposals.csv".into(),
        csv_text(
            &header("proposals"),
            data.proposals.iter().map(|p| {
                let mut row = vec![
                    p.id.to_string(),
                    p.theme.to_string(),
                    p.session_id.to_string(),
                    p.day.to_string(),
                    p.start.clone(),
                    p.subgroup_id.map(|s| s.to_string()).unwrap_or_default(),
                    opt(&p.subgroup),
                    p.kind.as_str().into(),
                    p.title.clone(),
                    p.body.clone(),
                    p.tags.join("; "),
                    p.created_at.clone(),
                    p.merged_into.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" "),
                    p.set_aside.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                ];
                if names {
                    row.push(opt(&p.author));
                }
                row
            }),
        )?,
    ));
    files.push((
        "consolidated.csv".into(),
        csv_text(
            &header("consolidated"),
            data.consolidated.iter().map(|c| {
                let mut row = vec![
                    c.id.to_string(),
                    c.theme.to_string(),
                    c.title.clone(),
                    c.body.clone(),
                    c.status.as_str().into(),
                    c.priority.map(|p| p.to_string()).unwrap_or_default(),
                    c.sources.to_string(),
                    c.carry_forward.to_string(),
                    c.votes.to_string(),
                    c.created_at.clone(),
                ];
                if names {
                    row.push(opt(&c.author));
                }
                row
            }),
        )?,
    ));
    files.push((
        "lineage.csv".into(),
        csv_text(
            &header("lineage"),
            data.lineage
                .iter()
                .map(|l| vec![l.consolidated_id.to_string(), l.proposal_id.to_string(), l.session_id.to_string()]),
        )?,
    ));
    files.push((
        "panel_comments.csv".into(),
        csv_text(
            &header("panel_comments"),
            data.comments.iter().map(|c| {
                let mut row =
                    vec![c.id.to_string(), c.consolidated_id.to_string(), c.text.clone(), c.created_at.clone()];
                if names {
                    row.push(opt(&c.author));
                }
                row
            }),
        )?,
    ));
    files.push((
        "sessions.csv".into(),
        csv_text(
            &header("sessions"),
            data.event.sessions.iter().map(|s| {
                vec![
                    s.id.to_string(),
                    s.theme.to_string(),
                    s.slot.clone(),
                    s.day.to_string(),
                    s.date.clone(),
                    s.start.clone(),
                    s.duration_minutes.to_string(),
                    s.place.clone(),
                    opt(&s.room),
                ]
            }),
        )?,
    ));
    files.push((
        "subgroups.csv".into(),
        csv_text(
            &header("subgroups"),
            data.subgroups.iter().map(|g| {
                vec![
                    g.id.to_string(),
                    g.session_id.to_string(),
                    g.theme.to_string(),
                    g.name.clone(),
                    g.created_at.clone(),
                ]
            }),
        )?,
    ));
    files.push((
        "themes.csv".into(),
        csv_text(
            &header("themes"),
            data.event.themes.iter().map(|t| vec![t.number.to_string(), t.title.clone(), t.description.clone()]),
        )?,
    ));
    for (name, schema) in SCHEMAS {
        files.push((format!("schemas/{name}"), (*schema).to_owned()));
    }
    let licensed = crate::package::licence(licence)?;
    for t in &tables {
        files.push((t.schema_path(), json_text(&crate::package::schema_file(t, &licensed))?));
    }
    files.push(("README.md".into(), data_card(data, licence, generated_at, names, report.is_some())));
    let mut files: Vec<(String, Vec<u8>)> = files.into_iter().map(|(name, text)| (name, text.into_bytes())).collect();
    if let Some(pdf) = report {
        files.push((crate::package::REPORT.into(), pdf.to_vec()));
    }
    // Last: it describes every other file, with its size and SHA-256.
    let package = crate::package::descriptor(data, &licensed, generated_at, names, &files);
    files.push(("datapackage.json".into(), json_text(&package)?.into_bytes()));
    keeps_what_is_not_ours(dir, &files, data.event.id)?;
    crate::write_files(dir, &files)?;
    Ok(Written { folder: dir.display().to_string(), files: files.into_iter().map(|(n, _)| n).collect() })
}

/// The folder chosen may hold other files (the report and Decidim's files beside it, in the
/// app's folder): they stay. But a file of the same name as one of ours (a `README.md` in a
/// project, at the root of a USB key) is replaced only when it is a former export of this
/// event: its `datapackage.json` names Récolte's format and this event's id (or, without one,
/// its data card says Récolte made it). Another event's package is refused, never replaced (it
/// was, whatever its event); a text that only mentions the format is not a data card.
fn keeps_what_is_not_ours(dir: &Path, files: &[(String, Vec<u8>)], event: EventId) -> Result<(), ExportError> {
    let clashes: Vec<&String> = files.iter().map(|(name, _)| name).filter(|name| dir.join(name).exists()).collect();
    if clashes.is_empty() {
        return Ok(());
    }
    // Any version of the format: an export of an older Récolte is ours too.
    let family = format!("{}/", FORMAT.split('/').next().unwrap_or(FORMAT));
    let descriptor = std::fs::read_to_string(dir.join("datapackage.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .filter(|package| package["version"].as_str().is_some_and(|v| v.starts_with(&family)));
    if let Some(package) = descriptor {
        if package["id"].as_str() != Some(event.to_string().as_str()) {
            return Err(ExportError::AnotherPackage { folder: dir.to_owned() });
        }
        // A file changed since this package was written (a CSV mended by hand) is not
        // replaced: its descriptor holds every file's SHA-256.
        for resource in package["resources"].as_array().into_iter().flatten() {
            let (Some(name), Some(hash)) = (resource["path"].as_str(), resource["hash"].as_str()) else { continue };
            let Ok(bytes) = std::fs::read(dir.join(name)) else { continue };
            if clashes.iter().any(|clash| *clash == name)
                && hash != format!("sha256:{}", crate::package::sha256(&bytes))
            {
                return Err(ExportError::EditedSince { folder: dir.to_owned(), file: name.to_owned() });
            }
        }
        return Ok(());
    }
    // A package whose descriptor was lost: its data card, as Récolte writes it (a text that
    // only names the format is not one).
    let card = format!("Produit par Récolte ({family}");
    if std::fs::read_to_string(dir.join("README.md")).is_ok_and(|text| text.contains(&card)) {
        return Ok(());
    }
    // The report the app wrote there a moment before.
    let ours = |name: &str| name.ends_with(".pdf") && crate::report::replaceable_report(&dir.join(name));
    match clashes.into_iter().find(|name| !ours(name)) {
        Some(clash) => Err(ExportError::WouldOverwrite { folder: dir.to_owned(), file: clash.clone() }),
        None => Ok(()),
    }
}

fn data_card(data: &OpenData, licence: &str, generated_at: &str, names: bool, report: bool) -> String {
    let e = &data.event;
    format!(
        r#"# {name} — données ouvertes

Propositions des ateliers de l’événement « {name} »{organiser}, saisies pendant les sessions
par les animatrices et animateurs, consolidées par les rapporteurs, revues par le panel de
clôture. Produit par Récolte ({format}).

- **Licence** : {licence}
- **Généré le** : {generated} (fuseau horaire {timezone})
- **Contenu** : {content}.{incomplete}
- **Données personnelles** : {personal}
- **Encodage** : UTF-8 ; CSV selon la RFC 4180 (séparateur virgule, guillemets doubles, fins de
  ligne CRLF). Une cellule qui commence par `=`, `+`, `-` ou `@` est précédée d’une apostrophe
  pour qu’un tableur ne l’exécute pas comme une formule ; les fichiers JSON gardent le texte exact.
  Les fichiers pour Decidim (`recolte export decidim`, hors de ce dossier) ne sont pas faits pour
  un tableur et gardent eux aussi le texte exact, sans apostrophe.

## Comment les données ont été recueillies

Chaque session d’atelier (1 h 45) comporte deux interventions, une discussion, un travail en
sous-groupes et une restitution. Pendant la session, les propositions des sous-groupes sont
saisies telles qu’elles sont formulées (titre, texte, type, sous-groupe, étiquettes). Après
l’événement, un rapporteur par thème regroupe les propositions proches en propositions
consolidées, dont il reformule l’énoncé ; chaque proposition consolidée garde la liste de ses
sources (`lineage`). Le panel de clôture marque celles à porter et les commente. Les
propositions supprimées pendant la saisie et les fusions défaites ne sont pas exportées ; une
proposition supprimée après avoir été fusionnée non plus, ni son lien de provenance.

## Fichiers

| fichier | contenu | lignes |
|---|---|---|
| `event.json` | le programme : lieux, jours, déroulé d’une session, créneaux, thèmes, sessions (avec leurs identifiants), et les points de chaque membre du panel par thème (`panel_dots`) | 1 |
| `themes.csv` | les thèmes | {themes} |
| `sessions.csv` | les sessions | {sessions} |
| `subgroups.csv`, `subgroups.json` | les sous-groupes de chaque session, y compris ceux qui n’ont rien proposé | {subgroups} |
| `proposals.csv`, `proposals.json` | les propositions saisies | {proposals} |
| `consolidated.csv`, `consolidated.json` | les propositions consolidées | {consolidated} |
| `lineage.csv`, `lineage.json` | une ligne par lien d’une proposition consolidée vers une proposition source | {lineage} |
| `panel_comments.csv`, `panel_comments.json` | les commentaires du panel | {comments} |
| `schemas/*.schema.json` | le schéma JSON (draft 2020-12) de chaque fichier JSON | |
| `schemas/*.tableschema.json` | le schéma de chaque fichier CSV (Table Schema, comme les publie schema.data.gouv.fr) | |
{report}| `datapackage.json` | le paquet de données (Frictionless Data Package) : chaque fichier, son schéma, ses clés, sa taille et son empreinte SHA-256 | |

Les identifiants sont des UUID v7 ; ils relient les fichiers entre eux (clés et renvois ci-dessous,
déclarés aussi dans `datapackage.json`). Une cellule vide est une valeur absente.

## Colonnes

{columns}"#,
        columns = crate::package::card_columns(names, &e.timezone),
        report = if report {
            "| `rapport.pdf` | le rapport des ateliers, à lire et imprimer (synthèse, puis chaque thème et ses propositions consolidées avec leurs sources) | |\n"
        } else {
            ""
        },
        name = e.name,
        organiser = e.organiser.as_ref().map(|o| format!(" ({o})")).unwrap_or_default(),
        format = FORMAT,
        generated = recolte_store::local_moment(generated_at, Some(&e.timezone)),
        timezone = e.timezone,
        content = {
            let count = |n: usize, one: &str, other: &str| Lang::Fr.count(n, one, other);
            [
                count(e.themes.len(), "thème", "thèmes"),
                count(e.sessions.len(), "session", "sessions"),
                count(data.subgroups.len(), "sous-groupe", "sous-groupes"),
                count(data.proposals.len(), "proposition saisie", "propositions saisies"),
                count(data.consolidated.len(), "proposition consolidée", "propositions consolidées"),
                count(data.lineage.len(), "lien de provenance", "liens de provenance"),
                count(data.comments.len(), "commentaire du panel", "commentaires du panel"),
            ]
            .join(", ")
        },
        themes = e.themes.len(),
        sessions = e.sessions.len(),
        subgroups = data.subgroups.len(),
        proposals = data.proposals.len(),
        consolidated = data.consolidated.len(),
        lineage = data.lineage.len(),
        incomplete = match data.missing_in_words(recolte_core::Lang::Fr) {
            missing if missing.is_empty() => String::new(),
            missing => format!(
                "\n- **Incomplet** : l’appareil qui a produit ces fichiers ne détient pas {} ; ce qu’ils contiennent n’y figure pas.",
                missing.join(", ")
            ),
        },
        comments = data.comments.len(),
        personal = if names {
            "les noms affichés des personnes qui ont saisi sont inclus (colonne `author`) ; ils ont été exportés à la demande de l’organisation."
        } else {
            "aucune : les noms des personnes qui ont saisi ne sont pas exportés."
        },
    )
}

fn read_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, ExportError> {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).map_err(|source| ExportError::Read { path: path.clone(), source })?;
    serde_json::from_str(&text)
        .map_err(|e| ExportError::Malformed { file: name.to_owned(), detail: recolte_core::Both::json(&e) })
}

/// Reads an open-data folder back (its JSON files: they hold the exact text).
pub fn read(dir: &Path) -> Result<OpenData, ExportError> {
    let event: crate::data::EventFile = read_json(dir, "event.json")?;
    if event.format != FORMAT {
        return Err(ExportError::Malformed {
            file: "event.json".into(),
            detail: recolte_core::Both::new(
                format!("format « {} », attendu « {FORMAT} »", event.format),
                format!("format {:?}, expected {FORMAT:?}", event.format),
            ),
        });
    }
    let mut proposals: Vec<crate::data::ProposalRow> = read_json(dir, "proposals.json")?;
    // Packages written before the sub-groups had a file of their own: each sub-group is read
    // from the proposals that name it (those that wrote nothing are not known); a proposal
    // naming one without its name, or one first named in another session, keeps none: the
    // package does not say which sub-group it was.
    let subgroups = if dir.join("subgroups.json").exists() {
        read_json(dir, "subgroups.json")?
    } else {
        let subgroups = subgroups_named_by(&event, &proposals);
        for p in &mut proposals {
            if !p.names_a_subgroup_of_its_session(&subgroups) {
                p.subgroup_id = None;
            }
        }
        subgroups
    };
    Ok(OpenData {
        event,
        subgroups,
        proposals,
        consolidated: read_json(dir, "consolidated.json")?,
        lineage: read_json(dir, "lineage.json")?,
        comments: read_json(dir, "panel_comments.json")?,
        missing: Vec::new(),
    })
}

/// The sub-groups the proposals name, each once, dated by its first proposal.
fn subgroups_named_by(
    event: &crate::data::EventFile,
    proposals: &[crate::data::ProposalRow],
) -> Vec<crate::data::SubgroupRow> {
    let mut subgroups: Vec<crate::data::SubgroupRow> = Vec::new();
    for p in proposals {
        let (Some(id), Some(name)) = (p.subgroup_id, &p.subgroup) else { continue };
        if subgroups.iter().any(|g| g.id == id) {
            continue;
        }
        let theme = event.sessions.iter().find(|s| s.id == p.session_id).map_or(p.theme, |s| s.theme);
        subgroups.push(crate::data::SubgroupRow {
            id,
            session_id: p.session_id,
            theme,
            name: name.clone(),
            created_at: p.created_at.clone(),
        });
    }
    subgroups
}
