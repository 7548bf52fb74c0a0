//! The open-data folder as a Frictionless Data Package (`datapackage.json`): a Table Schema
//! for each CSV (types, constraints, primary and foreign keys), the licence, the sources, and
//! each file's size and SHA-256, so that any reader can check what it received. The tables
//! are described once, here: the package, the standalone table schemas (`schemas/*.tableschema.json`,
//! as schema.data.gouv.fr publishes them) and the columns of the data card all come from it.

use std::path::Path;

use recolte_core::Both;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::data::{OpenData, FORMAT};
use crate::ExportError;

/// What a column holds, as Table Schema types it and as the data card says it in French.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Uuid,
    /// A whole number, at least this.
    Integer(i64),
    Text,
    Boolean,
    /// RFC 3339 in UTC, with milliseconds.
    Datetime,
    /// AAAA-MM-JJ.
    Date,
    /// HH:MM.
    Clock,
    /// One of these values.
    Choice(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub description: &'static str,
}

const fn field(name: &'static str, kind: Kind, required: bool, description: &'static str) -> Field {
    Field { name, kind, required, description }
}

#[derive(Clone, Debug)]
pub struct ForeignKey {
    pub fields: &'static [&'static str],
    pub resource: &'static str,
    pub reference: &'static [&'static str],
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: &'static str,
    pub title: &'static str,
    pub fields: Vec<Field>,
    pub primary_key: &'static [&'static str],
    pub foreign_keys: Vec<ForeignKey>,
}

impl Table {
    pub fn path(&self) -> String {
        format!("{}.csv", self.name)
    }

    pub fn schema_path(&self) -> String {
        format!("schemas/{}.tableschema.json", self.name)
    }

    pub fn header(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

/// The report as PDF, in the folder beside the data.
pub const REPORT: &str = "rapport.pdf";

pub const KINDS: &[&str] = &["proposal", "concrete_action", "obstacle", "question"];
pub const STATUSES: &[&str] = &["draft", "retained", "set_aside"];
pub const SET_ASIDE_REASONS: &[&str] = &["off_topic", "exact_duplicate", "other"];

const AUTHOR: Field = field(
    "author",
    Kind::Text,
    false,
    "nom affiché de la personne qui a saisi (donnée personnelle, exportée à la demande)",
);

fn fk(fields: &'static [&'static str], resource: &'static str, reference: &'static [&'static str]) -> ForeignKey {
    ForeignKey { fields, resource, reference }
}

/// Every CSV of the folder, in the order of the data card. `names`: the `author` columns.
pub fn tables(names: bool) -> Vec<Table> {
    let with_author = |mut fields: Vec<Field>| {
        if names {
            fields.push(AUTHOR);
        }
        fields
    };
    vec![
        Table {
            name: "proposals",
            title: "Propositions saisies",
            fields: with_author(vec![
                field("id", Kind::Uuid, true, "identifiant de la proposition"),
                field("theme", Kind::Integer(1), true, "numéro du thème (`themes.csv`)"),
                field("session_id", Kind::Uuid, true, "session où elle a été saisie (`sessions.csv`)"),
                field("day", Kind::Integer(1), true, "jour de l’événement"),
                field("start", Kind::Clock, true, "heure de début de la session"),
                field("subgroup_id", Kind::Uuid, false, "sous-groupe qui l’a formulée (vide si aucun)"),
                field("subgroup", Kind::Text, false, "nom de ce sous-groupe"),
                field("kind", Kind::Choice(KINDS), true, "proposition, action concrète, frein, question"),
                field("title", Kind::Text, false, "énoncé, tel que saisi"),
                field("body", Kind::Text, false, "développement, tel que saisi"),
                field("tags", Kind::Text, false, "étiquettes, séparées par « ; » en CSV (liste en JSON)"),
                field("created_at", Kind::Datetime, true, "moment de la saisie"),
                field(
                    "merged_into",
                    Kind::Text,
                    false,
                    "propositions consolidées qui la citent, identifiants séparés par des espaces en CSV (liste en JSON)",
                ),
                field(
                    "set_aside",
                    Kind::Choice(SET_ASIDE_REASONS),
                    false,
                    "écartée par le rapporteur sans fusion, et pourquoi : off_topic (hors sujet), exact_duplicate (doublon exact), other (autre raison) ; vide sinon",
                ),
            ]),
            primary_key: &["id"],
            foreign_keys: vec![
                fk(&["theme"], "themes", &["number"]),
                fk(&["session_id"], "sessions", &["id"]),
                fk(&["subgroup_id"], "subgroups", &["id"]),
            ],
        },
        Table {
            name: "subgroups",
            title: "Sous-groupes des sessions",
            fields: vec![
                field("id", Kind::Uuid, true, "identifiant du sous-groupe"),
                field("session_id", Kind::Uuid, true, "sa session (`sessions.csv`)"),
                field("theme", Kind::Integer(1), true, "numéro du thème de sa session"),
                field("name", Kind::Text, true, "nom du sous-groupe, tel que saisi"),
                field("created_at", Kind::Datetime, true, "moment de sa création"),
            ],
            primary_key: &["id"],
            foreign_keys: vec![fk(&["session_id"], "sessions", &["id"]), fk(&["theme"], "themes", &["number"])],
        },
        Table {
            name: "consolidated",
            title: "Propositions consolidées",
            fields: with_author(vec![
                field("id", Kind::Uuid, true, "identifiant de la proposition consolidée"),
                field("theme", Kind::Integer(1), true, "numéro du thème"),
                field("title", Kind::Text, false, "énoncé consolidé, rédigé par le rapporteur"),
                field("body", Kind::Text, false, "développement"),
                field("status", Kind::Choice(STATUSES), true, "brouillon, retenue, écartée"),
                field("priority", Kind::Integer(1), false, "rang dans le thème, dans l'ordre du rapporteur (1 = la plus prioritaire)"),
                field("sources", Kind::Integer(0), true, "nombre de propositions sources (`lineage`)"),
                field("carry_forward", Kind::Boolean, true, "marquée « à porter » par le panel de clôture"),
                field(
                    "votes",
                    Kind::Integer(0),
                    true,
                    "points donnés par les membres du panel de clôture (somme ; les noms ne sont pas publiés)",
                ),
                field("created_at", Kind::Datetime, true, "moment de la consolidation"),
            ]),
            primary_key: &["id"],
            foreign_keys: vec![fk(&["theme"], "themes", &["number"])],
        },
        Table {
            name: "lineage",
            title: "Provenance des propositions consolidées",
            fields: vec![
                field("consolidated_id", Kind::Uuid, true, "la proposition consolidée"),
                field("proposal_id", Kind::Uuid, true, "une proposition dont elle provient"),
                field("session_id", Kind::Uuid, true, "la session où cette proposition a été saisie"),
            ],
            primary_key: &["consolidated_id", "proposal_id"],
            foreign_keys: vec![
                fk(&["consolidated_id"], "consolidated", &["id"]),
                fk(&["proposal_id"], "proposals", &["id"]),
                fk(&["session_id"], "sessions", &["id"]),
            ],
        },
        Table {
            name: "panel_comments",
            title: "Commentaires du panel de clôture",
            fields: with_author(vec![
                field("id", Kind::Uuid, true, "identifiant du commentaire"),
                field("consolidated_id", Kind::Uuid, true, "la proposition consolidée commentée"),
                field("text", Kind::Text, true, "le commentaire"),
                field("created_at", Kind::Datetime, true, "moment du commentaire"),
            ]),
            primary_key: &["id"],
            foreign_keys: vec![fk(&["consolidated_id"], "consolidated", &["id"])],
        },
        Table {
            name: "sessions",
            title: "Sessions d’atelier",
            fields: vec![
                field("id", Kind::Uuid, true, "identifiant de la session"),
                field("theme", Kind::Integer(1), true, "numéro du thème"),
                field("slot", Kind::Text, true, "identifiant du créneau"),
                field("day", Kind::Integer(1), true, "jour de l’événement"),
                field("date", Kind::Date, true, "date"),
                field("start", Kind::Clock, true, "heure de début (heure locale de l’événement)"),
                field("duration_minutes", Kind::Integer(1), true, "durée en minutes"),
                field("place", Kind::Text, true, "lieu"),
                field("room", Kind::Text, false, "salle"),
            ],
            primary_key: &["id"],
            foreign_keys: vec![fk(&["theme"], "themes", &["number"])],
        },
        Table {
            name: "themes",
            title: "Thèmes",
            fields: vec![
                field("number", Kind::Integer(1), true, "numéro du thème"),
                field("title", Kind::Text, true, "intitulé, tel que le programme le donne"),
                field("description", Kind::Text, false, "présentation, telle que le programme la donne"),
            ],
            primary_key: &["number"],
            foreign_keys: vec![],
        },
    ]
}

fn field_schema(f: &Field) -> Value {
    let mut constraints = Map::new();
    if f.required {
        constraints.insert("required".into(), json!(true));
    }
    let mut out = json!({ "name": f.name, "description": f.description });
    match f.kind {
        Kind::Uuid => {
            out["type"] = json!("string");
            out["format"] = json!("uuid");
        }
        Kind::Integer(minimum) => {
            out["type"] = json!("integer");
            constraints.insert("minimum".into(), json!(minimum));
        }
        Kind::Text => out["type"] = json!("string"),
        Kind::Boolean => {
            out["type"] = json!("boolean");
            out["trueValues"] = json!(["true"]);
            out["falseValues"] = json!(["false"]);
        }
        Kind::Datetime => out["type"] = json!("datetime"),
        Kind::Date => out["type"] = json!("date"),
        Kind::Clock => {
            out["type"] = json!("string");
            constraints.insert("pattern".into(), json!("([01][0-9]|2[0-3]):[0-5][0-9]"));
        }
        Kind::Choice(values) => {
            out["type"] = json!("string");
            constraints.insert("enum".into(), json!(values));
        }
    }
    if !constraints.is_empty() {
        out["constraints"] = Value::Object(constraints);
    }
    out
}

/// The Table Schema of one table.
pub fn table_schema(t: &Table) -> Value {
    let foreign: Vec<Value> = t
        .foreign_keys
        .iter()
        .map(|k| json!({ "fields": k.fields, "reference": { "resource": k.resource, "fields": k.reference } }))
        .collect();
    let mut schema = json!({
        "fields": t.fields.iter().map(field_schema).collect::<Vec<_>>(),
        "primaryKey": t.primary_key,
        "missingValues": [""],
    });
    if !foreign.is_empty() {
        schema["foreignKeys"] = json!(foreign);
    }
    schema
}

/// A standalone table schema file, as schema.data.gouv.fr publishes them (what validata reads).
pub fn schema_file(t: &Table, licence: &Value) -> Value {
    let mut schema = json!({
        "$schema": "https://frictionlessdata.io/schemas/table-schema.json",
        "name": format!("recolte-{}", t.name.replace('_', "-")),
        "title": t.title,
        "description": format!("{} — données ouvertes produites par Récolte ({FORMAT}).", t.title),
        "countryCode": "FR",
        "version": "1.0.0",
        "licenses": [licence],
    });
    if let (Value::Object(out), Value::Object(body)) = (&mut schema, table_schema(t)) {
        // A standalone schema names no other table: its foreign keys live in the package.
        out.extend(body.into_iter().filter(|(k, _)| k != "foreignKeys"));
    }
    schema
}

/// Licences a package names by their Open Definition identifier (what the Data Package
/// specification asks for in `licenses[].name`), with the words people also write for them.
const LICENCES: &[(&str, &str, &str, &[&str])] = &[
    (
        "etalab-2.0",
        "Licence Ouverte / Open Licence version 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        &["licence ouverte", "licence ouverte 2.0", "open licence", "open licence 2.0", "lo 2.0", "etalab"],
    ),
    (
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
        &["cc by 4.0", "cc by"],
    ),
    (
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share-Alike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        &["cc by sa 4.0", "cc by sa"],
    ),
    ("CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/", &["cc0"]),
    (
        "ODbL-1.0",
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        &["odbl"],
    ),
];

/// The licence as a package names it: by its identifier for the licences above (given by it,
/// by their usual words, or by the default's text), by its address for any other; any other
/// words are refused, since the specification wants a name or a path a program can follow.
pub fn licence(text: &str) -> Result<Value, crate::ExportError> {
    let words =
        |t: &str| t.to_lowercase().replace(['-', '_', '/'], " ").split_whitespace().collect::<Vec<_>>().join(" ");
    let asked = words(text);
    let known = LICENCES.iter().find(|(id, _, _, also)| {
        asked == words(id)
            || also.iter().any(|a| asked == words(a))
            || (text == crate::opendata::DEFAULT_LICENCE && *id == "etalab-2.0")
    });
    if let Some((id, title, path, _)) = known {
        return Ok(json!({ "name": id, "title": title, "path": path }));
    }
    let text = text.trim();
    if (text.starts_with("https://") || text.starts_with("http://")) && !text.contains(char::is_whitespace) {
        return Ok(json!({ "path": text, "title": text }));
    }
    Err(crate::ExportError::UnknownLicence(text.to_owned()))
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    // Accents folded, not dropped: « l'édition » is `l-edition`, not `l-dition`.
    for c in recolte_core::dedupe::fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(60).collect::<String>();
    if out.is_empty() {
        "licence".to_owned()
    } else {
        out
    }
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn resource_file(path: &str, bytes: &[u8]) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("path".into(), json!(path));
    out.insert("bytes".into(), json!(bytes.len()));
    out.insert("hash".into(), json!(format!("sha256:{}", sha256(bytes))));
    out
}

/// The package of `event`'s open data in `dir` brought up to date with files about to replace
/// some of its own (the report written beside the data): its text, or `None` when there is no
/// package or it lists none of them. Its other files are left as they are. A package that
/// lists one of them and is not this event's Récolte package is not touched: the export is
/// refused (the other event's package would otherwise carry this event's report, its checksum
/// made to match).
pub fn refreshed(
    dir: &Path,
    event: recolte_core::ids::EventId,
    files: &[(String, Vec<u8>)],
) -> Result<Option<Vec<u8>>, ExportError> {
    // A descriptor that is there and does not read could list the report's name: the report
    // is not written over a file it may describe (its checksum would no longer match).
    let unreadable = |reason: String| ExportError::UnreadablePackage { folder: dir.to_owned(), reason };
    let text = match std::fs::read_to_string(dir.join("datapackage.json")) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(recolte_core::lang::io_en(&error))),
    };
    let mut package = serde_json::from_str::<Value>(&text).map_err(|error| unreadable(error.to_string()))?;
    let lists = |package: &Value| {
        package["resources"]
            .as_array()
            .is_some_and(|all| all.iter().any(|r| files.iter().any(|(name, _)| r["path"].as_str() == Some(name))))
    };
    if !lists(&package) {
        return Ok(None);
    }
    let family = format!("{}/", FORMAT.split('/').next().unwrap_or(FORMAT));
    let ours = package["version"].as_str().is_some_and(|v| v.starts_with(&family))
        && package["id"].as_str() == Some(event.to_string().as_str());
    if !ours {
        return Err(ExportError::AnotherPackage { folder: dir.to_owned() });
    }
    let mut changed = false;
    for resource in package.get_mut("resources").and_then(Value::as_array_mut).into_iter().flatten() {
        let Some(path) = resource.get("path").and_then(Value::as_str) else { continue };
        let Some((_, bytes)) = files.iter().find(|(name, _)| name == path) else { continue };
        let fresh = resource_file(path, bytes);
        if let Some(resource) = resource.as_object_mut() {
            resource.insert("bytes".into(), fresh["bytes"].clone());
            resource.insert("hash".into(), fresh["hash"].clone());
            changed = true;
        }
    }
    if !changed {
        return Ok(None);
    }
    let mut text = serde_json::to_string_pretty(&package).map_err(|e| ExportError::Encode(e.to_string()))?;
    text.push('\n');
    Ok(Some(text.into_bytes()))
}

/// `datapackage.json` for the files written (`files`: path and content of each).
pub fn descriptor(
    data: &OpenData,
    licence: &Value,
    generated_at: &str,
    names: bool,
    files: &[(String, Vec<u8>)],
) -> Value {
    let content = |path: &str| files.iter().find(|(p, _)| p == path).map(|(_, bytes)| bytes.as_slice()).unwrap_or(b"");
    let mut resources: Vec<Value> = tables(names)
        .iter()
        .map(|t| {
            let mut r = resource_file(&t.path(), content(&t.path()));
            r.insert("name".into(), json!(t.name));
            r.insert("title".into(), json!(t.title));
            r.insert("profile".into(), json!("tabular-data-resource"));
            r.insert("format".into(), json!("csv"));
            r.insert("mediatype".into(), json!("text/csv"));
            r.insert("encoding".into(), json!("utf-8"));
            r.insert(
                "dialect".into(),
                json!({ "delimiter": ",", "quoteChar": "\"", "doubleQuote": true, "header": true }),
            );
            r.insert("schema".into(), table_schema(t));
            Value::Object(r)
        })
        .collect();
    for (name, title) in [
        ("event", "Le programme (lieux, jours, déroulé, créneaux, thèmes, sessions)"),
        ("subgroups", "Sous-groupes des sessions (texte exact)"),
        ("proposals", "Propositions saisies (texte exact)"),
        ("consolidated", "Propositions consolidées (texte exact)"),
        ("lineage", "Provenance"),
        ("panel_comments", "Commentaires du panel (texte exact)"),
    ] {
        let path = format!("{name}.json");
        let mut r = resource_file(&path, content(&path));
        r.insert("name".into(), json!(format!("{}-json", name.replace('_', "-"))));
        r.insert("title".into(), json!(title));
        r.insert("format".into(), json!("json"));
        r.insert("mediatype".into(), json!("application/json"));
        r.insert("encoding".into(), json!("utf-8"));
        resources.push(Value::Object(r));
    }
    if files.iter().any(|(path, _)| path == REPORT) {
        let mut r = resource_file(REPORT, content(REPORT));
        r.insert("name".into(), json!("rapport-pdf"));
        r.insert("title".into(), json!("Le rapport des ateliers (PDF)"));
        r.insert("format".into(), json!("pdf"));
        r.insert("mediatype".into(), json!("application/pdf"));
        resources.push(Value::Object(r));
    }
    json!({
        "profile": "data-package",
        "name": format!("recolte-{}", slug(&data.event.name)),
        "id": data.event.id.to_string(),
        "title": format!("{} — propositions des ateliers", data.event.name),
        "description": "Propositions des ateliers saisies pendant les sessions, consolidées par les rapporteurs, revues par le panel de clôture. Le fichier README.md les décrit.",
        "created": generated_at,
        "version": FORMAT,
        "licenses": [licence],
        "sources": [{ "title": format!("Récolte ({FORMAT}), {}", data.event.name) }],
        "contributors": data.event.organiser.as_ref().map(|o| vec![json!({ "title": o, "role": "publisher" })]).unwrap_or_default(),
        "resources": resources,
    })
}

/// The data card's columns, from the same description.
pub fn card_columns(names: bool, timezone: &str) -> String {
    let kind = |k: Kind| match k {
        Kind::Uuid => "UUID".to_owned(),
        Kind::Integer(0) => "entier ≥ 0".to_owned(),
        Kind::Integer(_) => "entier ≥ 1".to_owned(),
        Kind::Text => "texte".to_owned(),
        Kind::Boolean => "`true`, `false`".to_owned(),
        Kind::Datetime => "date-heure (RFC 3339, UTC)".to_owned(),
        Kind::Date => "AAAA-MM-JJ".to_owned(),
        Kind::Clock => format!("HH:MM (heure de {timezone})"),
        Kind::Choice(values) => values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
    };
    let mut out = String::new();
    for t in tables(names) {
        out.push_str(&format!(
            "### `{}` — {}\n\n| colonne | type | obligatoire | description |\n|---|---|---|---|\n",
            t.name, t.title
        ));
        for f in &t.fields {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                f.name,
                kind(f.kind),
                if f.required { "oui" } else { "non" },
                f.description
            ));
        }
        let keys = |fields: &[&str]| fields.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        out.push_str(&format!("\nClé : {}.", keys(t.primary_key)));
        for k in &t.foreign_keys {
            out.push_str(&format!(" {} renvoie à `{}.csv` ({}).", keys(k.fields), k.resource, keys(k.reference)));
        }
        out.push_str("\n\n");
    }
    out
}

/// On restore: a `datapackage.json`, when there is one, must describe the files beside it —
/// every file it lists present, with its size and SHA-256. Folders from before it are read as
/// they are.
pub fn check(dir: &Path) -> Result<(), ExportError> {
    let path = dir.join("datapackage.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(ExportError::Read { path, source }),
    };
    let malformed = |detail: Both| ExportError::Malformed { file: "datapackage.json".into(), detail };
    let descriptor: Value = serde_json::from_str(&text).map_err(|e| malformed(Both::json(&e)))?;
    let resources = descriptor["resources"]
        .as_array()
        .ok_or_else(|| malformed(Both::new("pas de « resources »", "no resources")))?;
    for resource in resources {
        let name = resource["path"]
            .as_str()
            .ok_or_else(|| malformed(Both::new("une ressource n'a pas de « path »", "a resource has no path")))?;
        // Only files of this folder: no path that climbs out of it.
        if name.contains("..") || name.starts_with('/') || name.contains('\\') {
            return Err(malformed(Both::new(
                format!("le chemin « {name} » sort du dossier"),
                format!("the path {name:?} leaves the folder"),
            )));
        }
        let bytes =
            std::fs::read(dir.join(name)).map_err(|source| ExportError::Read { path: dir.join(name), source })?;
        let hash = format!("sha256:{}", sha256(&bytes));
        if resource["hash"].as_str() != Some(hash.as_str()) || resource["bytes"].as_u64() != Some(bytes.len() as u64) {
            return Err(ExportError::PackageMismatch(name.to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_package_name_keeps_the_letters_of_accented_words() {
        assert_eq!(super::slug("Rencontres « Communs » — l'édition 2026"), "rencontres-communs-l-edition-2026");
        assert_eq!(super::slug("Œuvres à Noël"), "oeuvres-a-noel");
    }
}
