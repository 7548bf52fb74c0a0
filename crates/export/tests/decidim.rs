//! Decidim's files as Decidim reads them: our import files parsed by Ruby's own CSV and JSON
//! (`tests/decidim/reader.rb`, mirroring decidim-admin's readers and verifiers), and the
//! answers made from Decidim's export of what it imported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use recolte_core::ids::{ConsolidatedId, EventId};
use recolte_core::model::Status;
use recolte_core::schema::ConsolidatedPatch;
use recolte_export::decidim::{self, Options, Published};
use recolte_export::ExportError;
use recolte_store::Store;
use serde_json::Value;
use tempfile::TempDir;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn restored() -> (TempDir, Store, EventId) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let event = recolte_export::restore(
        &mut store,
        &Path::new(ROOT).join("tests/fixtures/opendata-sample"),
        recolte_store::OtherEvent::Refuse,
    )
    .unwrap();
    (dir, store, event)
}

/// What Decidim's importer makes of a file: `{"rows": [...], "errors": [...]}`.
fn decidim_reads(kind: &str, file: &Path, locale: &str) -> Value {
    let output = Command::new("ruby")
        .arg(Path::new(ROOT).join("tests/decidim/reader.rb"))
        .args([kind, file.to_str().unwrap(), locale])
        .output()
        .expect("ruby is not installed (bash .ci/run installs Debian's ruby)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn decidim_reads_our_csv_and_json_alike_with_the_text_as_written() {
    let (dir, store, event) = restored();
    let data = recolte_export::gather(&store, event, false).unwrap();
    for options in [Options::default(), Options { captured: true, ..Default::default() }] {
        let csv = write(dir.path(), "decidim.csv", &decidim::csv(&data, &options).unwrap());
        let json = write(dir.path(), "decidim.json", &decidim::json(&data, &options).unwrap());
        let (from_csv, from_json) = (decidim_reads("proposals", &csv, "fr"), decidim_reads("proposals", &json, "fr"));
        assert_eq!(from_csv["errors"], Value::Array(vec![]), "Decidim refuses our CSV: {from_csv}");
        assert_eq!(from_json["errors"], Value::Array(vec![]), "Decidim refuses our JSON: {from_json}");
        let texts = |read: &Value| -> Vec<(String, String)> {
            read["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["title/fr"].as_str().unwrap().to_owned(), r["body/fr"].as_str().unwrap().to_owned()))
                .collect()
        };
        assert_eq!(texts(&from_csv), texts(&from_json), "the CSV and the JSON give the same titles and bodies");
        // What the rapporteur set aside (the sample's « pot de fin », off topic) does not go.
        let captured = data.proposals.iter().filter(|p| p.set_aside.is_none()).count();
        assert!(captured < data.proposals.len());
        let expected = if options.captured { captured } else { data.consolidated.len() };
        assert_eq!(texts(&from_csv).len(), expected);
        if options.captured {
            assert!(!texts(&from_csv).iter().any(|(title, _)| title.contains("pot de fin")));
            // A title that a spreadsheet would run is stored by Decidim as typed: no apostrophe.
            assert!(texts(&from_csv).iter().any(|(title, _)| title == "=HYPERLINK(\"http://evil\")"));
        }
        for (_, body) in texts(&from_csv) {
            assert!(body.starts_with("<p>") && body.ends_with("</p>"), "{body}");
            assert!(!body.contains('\n'), "line breaks are <br>, shown as rich or plain text: {body}");
        }
    }
}

#[test]
fn bodies_are_minimal_html_with_the_text_escaped() {
    assert_eq!(
        decidim::paragraphs("Un <b>gras</b> & co\nligne 2\n\n\nfin"),
        "<p>Un &lt;b&gt;gras&lt;/b&gt; &amp; co<br>ligne 2</p><p>fin</p>"
    );
    assert_eq!(decidim::paragraphs(""), "");
    assert_eq!(decidim::plain("<p>a &amp; b<br>c</p><p>d</p>"), "a & b c d");
}

#[test]
fn the_locale_names_the_columns_and_a_bad_one_is_refused() {
    let (dir, store, event) = restored();
    let data = recolte_export::gather(&store, event, false).unwrap();
    let english = Options { locale: "en".to_owned(), ..Default::default() };
    let csv = write(dir.path(), "en.csv", &decidim::csv(&data, &english).unwrap());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("title/en;body/en;recolte_id\r\n"));
    // What Récolte adds to a body is in the columns' language.
    assert!(
        text.contains("Drawn from the proposals of the workshops of the event") && !text.contains("Issue des"),
        "{text}"
    );
    assert_eq!(decidim_reads("proposals", &csv, "en")["errors"], Value::Array(vec![]));
    // Decidim with French as its default locale refuses it, naming the columns.
    let refused = decidim_reads("proposals", &csv, "fr");
    assert_eq!(refused["errors"][0], "missing column(s) title/fr, body/fr");
    for bad in ["FR", "français", "fr_FR", "", "f"] {
        let options = Options { locale: bad.to_owned(), ..Default::default() };
        assert!(matches!(decidim::csv(&data, &options), Err(ExportError::InvalidLocale(_))), "{bad}");
    }
}

#[test]
fn nothing_to_export_is_an_error_that_says_what_to_do() {
    let (dir, store, event) = restored();
    let path = dir.path().join("decidim.csv");
    let options = Options { theme: Some(3), ..Default::default() };
    let error = recolte_export::export_decidim(&store, event, &path, &options).unwrap_err();
    assert!(matches!(error, ExportError::NothingToExport { theme: Some(3), captured: false }));
    let message = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(
        message.contains("aucune proposition consolidée du thème 3") && message.contains("--captured"),
        "{message}"
    );
    assert!(!path.exists(), "no header-only file that Decidim would refuse");
}

fn consolidate(store: &mut Store, event: EventId, title: &str, body: &str, status: Status) -> ConsolidatedId {
    let filter = recolte_store::ProposalFilter { theme: Some(8), ..Default::default() };
    let sources: Vec<_> = store.proposals(event, &filter).unwrap().into_iter().map(|p| p.id).take(1).collect();
    let id = store.merge(event, 8, title, body, &sources, None).unwrap();
    let patch = ConsolidatedPatch { status: Some(status), ..Default::default() };
    store.edit_consolidated(id, &patch).unwrap();
    id
}

/// Decidim's import then export, as Decidim 0.30 does it: new ids, bodies as plain text.
fn imported_by_decidim(entries: &[decidim::Entry], skip: &str) -> Vec<Published> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.title != skip)
        .map(|(i, e)| Published { id: (500 + i).to_string(), title: e.title.clone(), body: decidim::plain(&e.body) })
        .collect()
}

#[test]
fn answers_follow_decidims_ids_with_drafts_left_unanswered() {
    let (dir, mut store, event) = restored();
    let set_aside = consolidate(&mut store, event, "Ouvrir les données des ateliers", "", Status::SetAside);
    store.comment(set_aside, "Déjà fait par la DINUM ; à relayer.", None).unwrap();
    consolidate(&mut store, event, "Former les agents au numérique", "", Status::Draft);
    consolidate(&mut store, event, "Un référent innovation", "Dans chaque service.", Status::Retained);
    consolidate(&mut store, event, "Un référent innovation", "Dans chaque direction.", Status::Retained);
    consolidate(&mut store, event, "Titre changé dans Decidim", "", Status::Retained);
    let data = recolte_export::gather(&store, event, false).unwrap();
    let entries = decidim::entries(&data, &Options::default()).unwrap();
    let published = imported_by_decidim(&entries, "Titre changé dans Decidim");

    let answers = decidim::answers(&data, &published, &Options::default()).unwrap();
    assert_eq!(answers.answered, 4);
    assert_eq!(answers.drafts, ["Former les agents au numérique"]);
    assert_eq!(answers.unmatched, ["Titre changé dans Decidim"]);
    assert!(answers.ambiguous.is_empty());
    let file = write(dir.path(), "answers.csv", &answers.csv);
    let read = decidim_reads("answers", &file, "fr");
    assert_eq!(read["errors"], Value::Array(vec![]), "Decidim refuses our answers: {read}");
    let rows = read["rows"].as_array().unwrap();
    let id_of = |title: &str, body: &str| {
        published.iter().find(|p| p.title == title && p.body.starts_with(body)).unwrap().id.clone()
    };
    let answer = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap_or_else(|| panic!("no answer for {id}"));
    assert_eq!(answer(&id_of("Capitaliser en communs", ""))["state"], "accepted");
    let aside = answer(&id_of("Ouvrir les données des ateliers", ""));
    assert_eq!(aside["state"], "rejected");
    assert!(aside["answer/fr"].as_str().unwrap().contains("Déjà fait par la DINUM ; à relayer."));
    // Same title twice: told apart by their bodies.
    assert_eq!(answer(&id_of("Un référent innovation", "Dans chaque service."))["state"], "accepted");
    assert_eq!(answer(&id_of("Un référent innovation", "Dans chaque direction."))["state"], "accepted");
    assert!(rows.iter().all(|r| r["state"] != "evaluating"), "never an answer for a draft");

    // Identical twice in Decidim: ambiguous, said, not guessed.
    let mut doubled = published.clone();
    doubled.push(Published { id: "999".to_owned(), ..published[0].clone() });
    let answers = decidim::answers(&data, &doubled, &Options::default()).unwrap();
    assert_eq!(answers.ambiguous, [published[0].title.clone()]);
}

#[test]
fn decidims_own_export_files_are_read_in_both_formats() {
    let fixtures = Path::new(ROOT).join("tests/fixtures/decidim");
    for name in ["proposals-export-0.28.csv", "proposals-export-0.30.json"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let published = decidim::read_published(name, &bytes, "fr").unwrap();
        assert_eq!(published.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["411", "412", "413"], "{name}");
        assert_eq!(published[1].title, "Capitaliser en communs");
        assert!(published[2].body.contains('\n'), "a multi-line body read whole: {name}");
    }
    // The exported event's one consolidated proposal is proposal 412 in both.
    let (dir, store, event) = restored();
    for name in ["proposals-export-0.28.csv", "proposals-export-0.30.json"] {
        let out = dir.path().join(format!("answers-{name}.csv"));
        let answers =
            recolte_export::export_decidim_answers(&store, event, &fixtures.join(name), &out, &Options::default())
                .unwrap();
        assert_eq!(answers.answered, 1, "{name}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("id;state;answer/fr\r\n412;accepted;"), "{text}");
    }
    // Decidim's CSV guards a text that begins like a formula with an apostrophe: read as
    // the title Récolte sent, not as another (it matched nothing: never answered).
    let guarded = "id;title/fr;body/fr\r\n7;'-30 % de formulaires;'=A1\r\n8;'Déjà;x\r\n";
    let published = decidim::read_published("guarded.csv", guarded.as_bytes(), "fr").unwrap();
    assert_eq!((published[0].title.as_str(), published[0].body.as_str()), ("-30 % de formulaires", "=A1"));
    assert_eq!(published[1].title, "'Déjà", "an apostrophe of the text itself stays");
    // What is not Decidim's export is refused with the reason, and nothing is written.
    for (name, bytes) in [("vide.csv", &b""[..]), ("autre.csv", b"nom;prenom\r\na;b\r\n"), ("liste.json", b"[1, 2]")] {
        let error = decidim::read_published(name, bytes, "fr").unwrap_err();
        assert!(matches!(error, ExportError::DecidimExport { .. }), "{name}: {error}");
    }
    // Our own open data has the columns, but its ids are not Decidim's: Decidim would read
    // « 01a2… » as its proposal n° 1.
    let ours = b"id,title,body\r\n01a220e5-c0d4-7000-8000-000000000001,Former les \xc3\xa9lus,x\r\n";
    let error = decidim::read_published("proposals.csv", ours, "fr").unwrap_err();
    assert!(error.to_string().contains("is not a number, as Decidim's are"), "{error}");
}

/// The import and answers files are written over a former one of Récolte's only: never over a
/// file of one's own, a package's proposals.csv, or Decidim's own export (the only place its
/// ids are).
#[test]
fn decidim_files_never_replace_what_recolte_did_not_write() {
    let (dir, mut store, event) = restored();
    consolidate(&mut store, event, "Un référent innovation", "", Status::Retained);
    let options = Options::default();
    let notes = dir.path().join("notes.csv");
    std::fs::write(&notes, "mes notes\n").unwrap();
    let refused = recolte_export::export_decidim(&store, event, &notes, &options);
    assert!(matches!(refused, Err(ExportError::WouldReplace { .. })), "{refused:?}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mes notes\n");
    // A former import file is ours: written again.
    let ours = dir.path().join("decidim.json");
    recolte_export::export_decidim(&store, event, &ours, &options).unwrap();
    recolte_export::export_decidim(&store, event, &ours, &options).unwrap();

    let data = recolte_export::gather(&store, event, false).unwrap();
    let published = imported_by_decidim(&decidim::entries(&data, &options).unwrap(), "");
    let export = dir.path().join("export-decidim.json");
    let rows: Vec<Value> = published
        .iter()
        .map(|p| serde_json::json!({ "id": p.id.parse::<u64>().unwrap(), "title": { "fr": p.title }, "body": { "fr": p.body } }))
        .collect();
    std::fs::write(&export, serde_json::to_string(&rows).unwrap()).unwrap();
    let before = std::fs::read(&export).unwrap();
    let refused = recolte_export::export_decidim_answers(&store, event, &export, &export, &options);
    assert!(matches!(refused, Err(ExportError::WouldReplace { .. })), "{refused:?}");
    assert_eq!(std::fs::read(&export).unwrap(), before, "Decidim's export is left as it was");
    let answers = dir.path().join("reponses.csv");
    recolte_export::export_decidim_answers(&store, event, &export, &answers, &options).unwrap();
    recolte_export::export_decidim_answers(&store, event, &export, &answers, &options).unwrap();
}
