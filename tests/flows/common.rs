//! A replica is a data folder driven through the `recolte` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/assises-2025.json");

pub fn recolte() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_recolte"));
    command.env_remove("RECOLTE_DATA_DIR").env("LANG", "C.UTF-8");
    command
}

pub struct Replica {
    pub dir: TempDir,
}

impl Replica {
    pub fn new() -> Replica {
        Replica { dir: tempfile::tempdir().unwrap() }
    }

    /// A replica holding the sample event.
    pub fn with_sample() -> (Replica, String) {
        let replica = Replica::new();
        let event = replica.ok(&["event", "import", SAMPLE]);
        (replica, event)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        recolte().arg("--data-dir").arg(self.path()).args(args).output().unwrap()
    }

    /// Runs a command that must succeed; returns its trimmed standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(output.status.success(), "recolte {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// Runs a command that must fail; returns its standard error.
    pub fn fails(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_eq!(output.status.code(), Some(1), "recolte {args:?} did not fail as expected");
        assert!(output.stdout.is_empty(), "a failed command printed a result");
        String::from_utf8(output.stderr).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// A facilitator's invitation link for one session, naming `hubs` in order.
    pub fn facilitator_card(&self, session: &str, hubs: &[&str]) -> String {
        let mut args = vec!["invite", "create", "--role", "facilitator", "--session", session];
        for hub in hubs {
            args.extend(["--hub", hub]);
        }
        self.ok(&args)
    }

    pub fn sessions(&self, theme: u32) -> Vec<String> {
        let sessions = self.json(&["session", "list", "--theme", &theme.to_string()]);
        sessions.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
    }

    pub fn export(&self, name: &str) -> PathBuf {
        let path = self.path().join(name);
        self.ok(&["bundle", "export", "--out", path.to_str().unwrap()]);
        path
    }

    pub fn import(&self, bundle: &Path) -> Value {
        self.json(&["bundle", "import", bundle.to_str().unwrap()])
    }

    /// Adds proposals in one go, one JSON object per line (`proposal add-batch`).
    pub fn add_batch(&self, session: &str, lines: &str) {
        use std::io::Write;
        let mut batch = recolte()
            .arg("--data-dir")
            .arg(self.path())
            .args(["proposal", "add-batch", "--session", session])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        batch.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
        assert!(batch.wait().unwrap().success());
    }

    pub fn proposals(&self) -> Value {
        self.json(&["proposal", "list", "--all"])
    }
}

/// `recolte sync --watch`, stopped when dropped; what it prints goes to a file.
pub struct Watching(std::process::Child, tempfile::NamedTempFile);

impl Watching {
    pub fn start(device: &Replica) -> Watching {
        let printed = tempfile::NamedTempFile::new().unwrap();
        let child = recolte()
            .arg("--data-dir")
            .arg(device.path())
            .args(["sync", "--watch"])
            .stdout(Stdio::from(printed.reopen().unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Watching(child, printed)
    }

    pub fn printed(&self) -> String {
        std::fs::read_to_string(self.1.path()).unwrap_or_default()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
