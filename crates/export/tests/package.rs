//! The open-data folder as a data package, validated by the tools its readers use:
//! `frictionless validate` (Frictionless Data) and `validata` (validata-table, the French
//! public sector's validator), both from PyPI at pinned versions in a virtual environment that
//! `scripts/test.sh` makes (`$RECOLTE_VALIDATORS`, default `target/validators`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use recolte_export::{package, ExportError};
use recolte_store::Store;
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn validators() -> PathBuf {
    let dir = std::env::var_os("RECOLTE_VALIDATORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(ROOT).join("target/validators"));
    assert!(
        dir.join("bin/frictionless").exists(),
        "the validators are not installed in {} (bash scripts/test.sh installs them: frictionless, validata-table)",
        dir.display()
    );
    dir
}

/// The committed fixture (quotes, newlines, a formula, an emoji, right-to-left text, markup),
/// exported again into a fresh folder.
fn exported(include_names: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("store")).unwrap();
    let event = recolte_export::restore(
        &mut store,
        &Path::new(ROOT).join("tests/fixtures/opendata-sample"),
        recolte_store::OtherEvent::Refuse,
    )
    .unwrap();
    let out = dir.path().join("donnees");
    recolte_export::export_opendata(&store, event, &out, include_names, recolte_export::opendata::DEFAULT_LICENCE)
        .unwrap();
    (dir, out)
}

fn frictionless(dir: &Path) -> Value {
    let output = Command::new(validators().join("bin/frictionless"))
        .args(["validate", "--json", "datapackage.json"])
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("frictionless said: {e}\n{}", String::from_utf8_lossy(&output.stderr)))
}

/// validata's own command line, called through Python (its console script points at a module
/// that the 0.12 wheel does not ship).
fn validata(dir: &Path, table: &str) -> Value {
    let script = format!(
        "import sys; sys.argv = ['validata', '{table}.csv', '--schema', 'schemas/{table}.tableschema.json']\nfrom validata_core.domain.cli import cli\ncli()"
    );
    let output = Command::new(validators().join("bin/python")).args(["-c", &script]).current_dir(dir).output().unwrap();
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("validata said: {e}\n{}", String::from_utf8_lossy(&output.stderr)))
}

#[test]
fn frictionless_and_validata_find_no_error_in_the_folder() {
    for names in [false, true] {
        let (_dir, out) = exported(names);
        let report = frictionless(&out);
        assert_eq!(report["valid"], true, "frictionless: {report:#}");
        assert_eq!(
            report["tasks"].as_array().unwrap().len(),
            14,
            "every CSV and JSON file, and the PDF, is a resource"
        );
        for table in package::tables(names) {
            let report = validata(&out, table.name);
            assert_eq!(report["valid"], true, "validata, {}: {report:#}", table.name);
            assert_eq!(report["stats"]["errors"], 0);
        }
    }
}

#[test]
fn a_file_changed_after_the_export_is_caught_by_the_validators_and_refused_on_restore() {
    let (dir, out) = exported(false);
    let csv = std::fs::read_to_string(out.join("consolidated.csv")).unwrap();
    std::fs::write(out.join("consolidated.csv"), csv.replace(",retained,", ",bogus,")).unwrap();
    let report = frictionless(&out);
    assert_eq!(report["valid"], false);
    let kinds: Vec<&str> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["errors"].as_array().unwrap())
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(kinds.contains(&"constraint-error") && kinds.contains(&"hash-count"), "{kinds:?}");
    assert_eq!(validata(&out, "consolidated")["valid"], false);

    // The JSON files are what a restore reads: one changed by a byte is refused, naming it.
    let json = std::fs::read_to_string(out.join("proposals.json")).unwrap();
    std::fs::write(out.join("proposals.json"), json.replacen("Base commune", "Base Commune", 1)).unwrap();
    let mut store = Store::open(&dir.path().join("elsewhere")).unwrap();
    let error = recolte_export::restore(&mut store, &out, recolte_store::OtherEvent::Refuse).unwrap_err();
    assert!(
        matches!(&error, ExportError::PackageMismatch(file) if file == "consolidated.csv" || file == "proposals.json"),
        "{error}"
    );
    let message = recolte_core::Localize::localize(&error, recolte_core::Lang::Fr);
    assert!(message.contains("ne correspond pas à ce que décrit datapackage.json"), "{message}");
    assert!(store.events().unwrap().is_empty(), "nothing restored");
    // A descriptor that points outside the folder is refused too.
    let descriptor = std::fs::read_to_string(out.join("datapackage.json")).unwrap();
    std::fs::write(
        out.join("datapackage.json"),
        descriptor.replacen("\"path\": \"proposals.csv\"", "\"path\": \"../x.csv\"", 1),
    )
    .unwrap();
    assert!(matches!(
        recolte_export::restore(&mut store, &out, recolte_store::OtherEvent::Refuse),
        Err(ExportError::Malformed { .. })
    ));
}

#[test]
fn the_data_card_and_the_package_describe_the_same_columns() {
    let (_dir, out) = exported(true);
    let card = std::fs::read_to_string(out.join("README.md")).unwrap();
    let descriptor: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("datapackage.json")).unwrap()).unwrap();
    for resource in descriptor["resources"].as_array().unwrap().iter().filter(|r| r["schema"].is_object()) {
        let name = resource["name"].as_str().unwrap();
        let header = std::fs::read_to_string(out.join(resource["path"].as_str().unwrap())).unwrap();
        let header = header.lines().next().unwrap().to_owned();
        let fields: Vec<&str> =
            resource["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(header, fields.join(","), "{name}: the CSV's header is the schema's fields");
        for field in resource["schema"]["fields"].as_array().unwrap() {
            let line = format!("| `{}` |", field["name"].as_str().unwrap());
            let description = field["description"].as_str().unwrap();
            let section = &card[card.find(&format!("### `{name}`")).unwrap()..];
            let row = section
                .lines()
                .find(|l| l.starts_with(&line))
                .unwrap_or_else(|| panic!("{name}: {line} not in the card"));
            assert!(row.contains(description), "{name}: {row}");
        }
    }
    assert_eq!(descriptor["licenses"][0]["name"], "etalab-2.0");
}

#[test]
fn a_restored_event_does_not_merge_with_another_copy_signed_with_another_key() {
    let fixture = Path::new(ROOT).join("tests/fixtures/opendata-sample");
    let (first_dir, second_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut first = Store::open(first_dir.path()).unwrap();
    let mut second = Store::open(second_dir.path()).unwrap();
    let event = recolte_export::restore(&mut first, &fixture, recolte_store::OtherEvent::Refuse).unwrap();
    assert_eq!(
        recolte_export::restore(&mut second, &fixture, recolte_store::OtherEvent::Refuse).unwrap(),
        event,
        "the same id, restored twice"
    );
    let before = first.dump_projections().unwrap();
    let refused = first.import_bundle(&second.export_bundle(event).unwrap()).unwrap_err();
    assert!(matches!(refused, recolte_store::Error::BundleOfAnotherKey { .. }), "{refused:?}");
    let said = recolte_core::Localize::localize(&refused, recolte_core::Lang::Fr);
    assert!(said.contains("signé d'une autre clé") && said.contains("rien n'a été importé"), "{said}");
    assert_eq!(first.dump_projections().unwrap(), before, "nothing changed");
    // Its own bundle, signed with its own key, merges as always.
    let own = first.export_bundle(event).unwrap();
    first.import_bundle(&own).unwrap();
}
