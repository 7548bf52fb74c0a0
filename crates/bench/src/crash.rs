//! `recolte-bench crash [--runs 20]`: the crash campaign. Each run starts `recolte proposal
//! add-batch` with 1,000 scripted proposals and a `recolte store compact` beside it, then
//! SIGKILLs the writer at a random moment; in half the runs a second compaction is started
//! and SIGKILLed mid-way too.
//! After each run: every proposal reported saved is there, SQLite's integrity check and the
//! search index check pass, and the projections equal a rebuild from the logs.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use recolte_store::{ProposalFilter, Store};

fn recolte() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    let path = exe.with_file_name("recolte");
    assert!(path.exists(), "build the CLI first: cargo build --release -p recolte-cli ({} is missing)", path.display());
    path
}

fn run_once(bin: &Path, dir: &Path, rng: &mut StdRng) -> Result<(usize, bool), String> {
    let data = dir.to_str().ok_or("dir")?;
    let session = {
        let store = Store::open(dir).map_err(|e| e.to_string())?;
        let event = store.resolve_event(None).map_err(|e| e.to_string())?;
        store.sessions(event, Some(1 + rng.random_range(0..8))).map_err(|e| e.to_string())?[0].id.to_string()
    };
    let mut writer = Command::new(bin)
        .args(["--data-dir", data, "proposal", "add-batch", "--session", &session])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = writer.stdin.take().ok_or("stdin")?;
    let feeder = std::thread::spawn(move || {
        for i in 0..1000 {
            let line = format!(
                "{{\"title\": \"Édition scriptée {i}\", \"body\": \"{}\", \"kind\": \"action\"}}\n",
                "texte ".repeat(i % 50)
            );
            if stdin.write_all(line.as_bytes()).is_err() {
                return;
            }
        }
    });
    let mut compactor = Command::new(bin)
        .args(["--data-dir", data, "store", "compact"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let kill_compaction = rng.random_bool(0.5);
    let kill_after = rng.random_range(1..600);
    let mut reported = BTreeSet::new();
    let mut lines = BufReader::new(writer.stdout.take().ok_or("stdout")?).lines();
    for n in 0..kill_after {
        match lines.next() {
            Some(Ok(id)) => {
                reported.insert(id.trim().to_owned());
            }
            _ => break,
        }
        if kill_compaction && n == kill_after / 2 {
            let _ = compactor.kill();
            let _ = compactor.wait();
            compactor = Command::new(bin)
                .args(["--data-dir", data, "store", "compact"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| e.to_string())?;
            std::thread::sleep(Duration::from_micros(rng.random_range(0..20_000)));
            let _ = compactor.kill();
        }
    }
    std::thread::sleep(Duration::from_micros(rng.random_range(0..3000)));
    let _ = writer.kill();
    let _ = writer.wait();
    let _ = compactor.wait();
    reported.extend(lines.map_while(Result::ok).map(|l| l.trim().to_owned()));
    let _ = feeder.join();

    let mut store = Store::open(dir).map_err(|e| e.to_string())?;
    let event = store.resolve_event(None).map_err(|e| e.to_string())?;
    let present: BTreeSet<String> = store
        .proposals(event, &ProposalFilter::default())
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|p| p.id.to_string())
        .collect();
    let missing = reported.difference(&present).count();
    if missing > 0 {
        return Err(format!("{missing} proposal(s) reported saved are missing"));
    }
    let problems = store.integrity_check(recolte_core::Lang::En).map_err(|e| e.to_string())?;
    if !problems.is_empty() {
        return Err(format!("integrity: {problems:?}"));
    }
    let before = store.dump_projections().map_err(|e| e.to_string())?;
    store.rebuild().map_err(|e| e.to_string())?;
    if store.dump_projections().map_err(|e| e.to_string())? != before {
        return Err("the projections differ from a rebuild".into());
    }
    Ok((reported.len(), kill_compaction))
}

pub fn run(base: &Path) {
    let runs = std::env::args()
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[0] == "--runs")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(20usize);
    let seed: u64 = std::env::var("RECOLTE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let mut rng = StdRng::seed_from_u64(seed);
    let bin = recolte();
    let dir = tempfile::tempdir_in(base).expect("temp dir");
    let status = Command::new(&bin)
        .args(["--data-dir", dir.path().to_str().expect("dir"), "event", "import", crate::SAMPLE_PATH])
        .output()
        .expect("import");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let (mut saved, mut compactions_killed, mut failures) = (0, 0, 0);
    for run in 0..runs {
        match run_once(&bin, dir.path(), &mut rng) {
            Ok((n, killed)) => {
                saved += n;
                compactions_killed += usize::from(killed);
            }
            Err(problem) => {
                failures += 1;
                println!("| run {run} (seed {seed}) | FAILED: {problem} |");
            }
        }
    }
    println!("| crash campaign (seed {seed}) | {runs} runs, {saved} proposals reported saved, {compactions_killed} runs with a compaction killed too: {failures} failure(s) |");
    println!("{} passed, {failures} failed", runs - failures);
    if failures > 0 {
        std::process::exit(1);
    }
}
