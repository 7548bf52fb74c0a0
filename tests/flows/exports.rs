//! The exports through the CLI, and the HTML report printed to PDF by headless Chromium
//! (Debian's, as CI installs it): what the closing plenary projects also prints.

use std::process::Command;

use crate::common::Replica;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/opendata-sample");

fn restored() -> Replica {
    let replica = Replica::new();
    replica.ok(&["import", "opendata", FIXTURE]);
    replica
}

#[test]
fn an_organiser_exports_everything_and_restores_it_elsewhere() {
    let replica = restored();
    let out = replica.path().join("out");
    let written = replica.json(&["export", "opendata", "--out", out.to_str().unwrap(), "--include-names"]);
    assert_eq!(written["files"].as_array().unwrap().len(), 29);
    // The reports beside the data, as the app writes them: a theme's under its own name, and
    // the whole event's PDF in place of the package's, whose checksum follows (the restore
    // below would refuse the package otherwise).
    replica.ok(&["export", "report", "--out", out.to_str().unwrap(), "--theme", "8", "--pdf"]);
    let consolidated = replica.json(&["synthesis", "list", "--theme", "8"]);
    let first = consolidated.as_array().unwrap()[0]["id"].as_str().unwrap().to_owned();
    let priority = consolidated.as_array().unwrap()[0]["priority"].to_string();
    // A report that differs from the package's (made a moment later, after an edit).
    replica.ok(&["synthesis", "edit", &first, "--priority", "7"]);
    replica.ok(&["export", "report", "--out", out.to_str().unwrap(), "--pdf"]);
    replica.ok(&["synthesis", "edit", &first, "--priority", &priority]);
    // Again without its PDF: the one written before stays (it may be the one printed), said.
    let again = replica.run(&["export", "report", "--out", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success() && said.contains("rapport.pdf est d'un export précédent"), "{said}");
    replica.ok(&["export", "report", "--out", out.to_str().unwrap(), "--pdf"]);
    replica.ok(&["--lang", "en", "export", "report", "--out", out.to_str().unwrap()]);
    replica.ok(&["export", "decidim", "--out", out.join("decidim.json").to_str().unwrap()]);
    for file in [
        "rapport-theme-8.pdf",
        "rapport-theme-8.html",
        "rapport.html",
        "rapport.md",
        "report.html",
        "decidim.json",
        "README.md",
        "schemas/lineage.schema.json",
        "datapackage.json",
    ] {
        assert!(out.join(file).exists(), "{file} was not written");
    }
    let stderr = replica.fails(&["export", "decidim", "--out", out.join("decidim.xlsx").to_str().unwrap()]);
    assert!(stderr.contains(".csv ou .json"), "{stderr}");
    let stderr = replica.fails(&["export", "report", "--out", out.to_str().unwrap(), "--theme", "42"]);
    assert!(stderr.contains("thème n° 42"), "{stderr}");
    // A report of someone else's of the same name is not replaced.
    let project = replica.path().join("project");
    std::fs::create_dir(&project).unwrap();
    std::fs::write(project.join("rapport.md"), "# Mon rapport\n").unwrap();
    let stderr = replica.fails(&["export", "report", "--out", project.to_str().unwrap()]);
    assert!(stderr.contains("rapport.md, qu'aucun export de Récolte n'a écrit"), "{stderr}");
    assert_eq!(std::fs::read_to_string(project.join("rapport.md")).unwrap(), "# Mon rapport\n");
    assert!(!project.join("rapport.html").exists(), "nothing written");
    // Its own report, exported again, is replaced; once edited (the Markdown is made for it),
    // it is not: the edits were lost at the next export.
    let own = replica.path().join("own");
    std::fs::create_dir(&own).unwrap();
    replica.ok(&["export", "report", "--out", own.to_str().unwrap()]);
    replica.ok(&["export", "report", "--out", own.to_str().unwrap()]);
    let edited = std::fs::read_to_string(own.join("rapport.md")).unwrap().replacen("\n", "\nNotes de la DITP.\n", 1);
    std::fs::write(own.join("rapport.md"), &edited).unwrap();
    let stderr = replica.fails(&["export", "report", "--out", own.to_str().unwrap()]);
    assert!(stderr.contains("rapport.md dans") && stderr.contains("a été modifié depuis"), "{stderr}");
    assert_eq!(std::fs::read_to_string(own.join("rapport.md")).unwrap(), edited);
    // A descriptor there that does not read could list the report: not written over.
    let damaged = replica.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    std::fs::write(damaged.join("datapackage.json"), "{ \"resources\": [").unwrap();
    let stderr = replica.fails(&["export", "report", "--out", damaged.to_str().unwrap()]);
    assert!(stderr.contains("datapackage.json illisible"), "{stderr}");
    assert!(!damaged.join("rapport.html").exists(), "nothing written");
    // Decidim: nothing consolidated in theme 3 is said, with what to do; the captured ones go.
    let empty = out.join("theme3.csv");
    let stderr = replica.fails(&["export", "decidim", "--theme", "3", "--out", empty.to_str().unwrap()]);
    assert!(stderr.contains("aucune proposition consolidée du thème 3") && stderr.contains("--captured"), "{stderr}");
    assert!(!empty.exists());
    let captured = out.join("captured.csv");
    replica.ok(&["export", "decidim", "--captured", "--out", captured.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&captured).unwrap().contains("=HYPERLINK(\"\"http://evil\"\")"));
    let stderr = replica.fails(&["export", "decidim", "--locale", "FR", "--out", captured.to_str().unwrap()]);
    assert!(stderr.contains("« FR » n'est pas une langue"), "{stderr}");
    // Decidim's answers, from Decidim's export of what it imported.
    let decidim_export = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/decidim/proposals-export-0.28.csv");
    let answers = out.join("answers.csv");
    let written = replica.json(&[
        "export",
        "decidim-answers",
        "--decidim-export",
        decidim_export,
        "--out",
        answers.to_str().unwrap(),
    ]);
    assert_eq!(written["answers"]["answered"], 1);
    assert!(std::fs::read_to_string(&answers).unwrap().starts_with("id;state;answer/fr\r\n412;accepted;"));
    let stderr =
        replica.fails(&["export", "decidim-answers", "--decidim-export", FIXTURE, "--out", answers.to_str().unwrap()]);
    assert!(stderr.contains("impossible de lire"), "{stderr}");

    let elsewhere = Replica::new();
    let id = elsewhere.ok(&["import", "opendata", out.to_str().unwrap()]);
    assert_eq!(elsewhere.json(&["event", "show"])["id"], id.as_str());
    assert_eq!(
        elsewhere.json(&["synthesis", "list", "--theme", "8"]),
        replica.json(&["synthesis", "list", "--theme", "8"])
    );
    let stderr = elsewhere.fails(&["import", "opendata", out.to_str().unwrap()]);
    assert!(stderr.contains("déjà dans ce stockage"), "{stderr}");
    // Into a store that holds another event: said, with how to add it beside.
    let holding = Replica::new();
    holding.ok(&["event", "import", concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/assises-2025.json")]);
    let stderr = holding.fails(&["import", "opendata", out.to_str().unwrap()]);
    assert!(
        stderr.contains("rien n'a été restauré") && stderr.contains("recolte import opendata --add-event"),
        "{stderr}"
    );
    holding.ok(&["import", "opendata", "--add-event", out.to_str().unwrap()]);
    // Another event's report is not slipped into this event's package.
    let programme = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/assises-2025.json");
    let other = replica.ok(&["event", "import", programme]);
    let refused = replica.fails(&["--event", &other, "export", "report", "--out", out.to_str().unwrap(), "--pdf"]);
    assert!(refused.contains("ne sont pas celles de cet événement"), "{refused}");
}

#[test]
fn the_html_report_prints_to_a4_one_theme_per_page() {
    let replica = restored();
    let out = replica.path().join("report");
    replica.ok(&["export", "report", "--out", out.to_str().unwrap()]);
    let pdf = out.join("navigateur.pdf");
    let profile = replica.path().join("chromium-profile");
    let status = Command::new(std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into()))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ])
        .args(["--disable-sync", "--no-first-run", "--no-pdf-header-footer"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("rapport.html").display()))
        .output()
        .expect("chromium is not installed (bash .ci/run installs it)");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    // Page objects are `/Type /Page` (the page tree is `/Type /Pages`).
    let count = |needle: &[u8]| {
        bytes.windows(needle.len() + 1).filter(|w| w.starts_with(needle) && w[needle.len()] != b's').count()
    };
    let pages = count(b"/Type /Page") + count(b"/Type/Page");
    // The summary, then each of the 10 themes on a page of its own.
    assert_eq!(pages, 11, "the PDF has {pages} pages");
}

/// The PDF typeset in Rust: read back by poppler (`pdftotext`, `pdftoppm`, as CI installs them).
#[test]
fn the_pdf_report_is_typeset_without_a_browser() {
    let replica = restored();
    let out = replica.path().join("pdf");
    replica.ok(&["export", "report", "--out", out.to_str().unwrap(), "--pdf"]);
    let pdf = out.join("rapport.pdf");
    let text =
        Command::new("pdftotext").args(["-layout"]).arg(&pdf).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8(text.stdout).unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{FIXTURE}/consolidated.json")).unwrap()).unwrap();
    // Every consolidated title, accents included, in its theme's contents and on its page.
    for row in data.as_array().unwrap() {
        let title = row["title"].as_str().unwrap();
        let first_words: String = title.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        assert!(text.contains(&first_words), "the PDF lacks {title:?}");
    }
    assert!(text.contains("Rapport des ateliers") && text.contains("Sommaire"), "title and contents");
    assert!(text.contains("Thème 8."), "the themes head their pages");
    // Page numbers: "1 / N" on the first page, "N / N" on the last.
    let pages = text.matches('\u{c}').count();
    assert!(pages >= 11, "a page per theme after the summary: {pages} pages");
    assert!(text.contains(&format!("{pages} / {pages}")), "the last page is numbered");
    // Text people typed is printed as typed, never typeset as markup.
    assert!(text.contains("=HYPERLINK(\"http://evil\")") && text.contains("Base commune"), "the sources, literally");
    let render = Command::new("pdftoppm").args(["-r", "40", "-png"]).arg(&pdf).arg(out.join("page")).output().unwrap();
    assert!(render.status.success(), "every page renders: {}", String::from_utf8_lossy(&render.stderr));
    let rendered = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("page"))
        .count();
    assert_eq!(rendered, pages);
}

#[test]
fn an_export_made_on_a_device_that_lacks_documents_says_what_it_lacks() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(1)[0].clone();
    let hub = crate::sync::serve_store(&organiser);
    let link = organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
    let facilitator = Replica::new();
    facilitator.ok(&["join", "--invitation", &link, "--name", "Léa"]);

    // A facilitator holds the programme and its session only: its report says so.
    let dir = facilitator.path().join("rapport");
    let output = facilitator.run(&["export", "report", "--out", dir.to_str().unwrap()]);
    assert!(output.status.success());
    let warning = String::from_utf8_lossy(&output.stderr);
    assert!(warning.contains("export incomplet") && warning.contains("la synthèse du thème 8"), "{warning}");
    let report = std::fs::read_to_string(dir.join("rapport.md")).unwrap();
    assert!(report.contains("Rapport incomplet"), "the file says it too");
    let data = facilitator.path().join("donnees");
    facilitator.ok(&["export", "opendata", "--out", data.to_str().unwrap()]);
    assert!(std::fs::read_to_string(data.join("README.md")).unwrap().contains("**Incomplet**"));

    // The organiser's device, which made every document, lacks none.
    let output = organiser.run(&["export", "report", "--out", organiser.path().join("r").to_str().unwrap()]);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}
