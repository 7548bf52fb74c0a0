//! Every command the window can call is registered three times: in the handler (src/lib.rs),
//! in build.rs (so that Tauri makes an `allow-…` permission for it) and in the main window's
//! capability. A command missing from either of the last two is refused at run time with
//! « Command not found », which only the real app shows: checked here instead.

use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_registered_command_is_declared_and_allowed_to_the_window() {
    let lib = read("src/lib.rs");
    let start = lib.find("generate_handler![").expect("the handler list");
    let end = start + lib[start..].find(']').expect("its end");
    let handled: BTreeSet<String> = lib[start..end]
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty() && !name.contains('['))
        .map(str::to_owned)
        .collect();
    assert!(handled.len() > 50, "{handled:?}");

    let build = read("build.rs");
    let start = build.find("const COMMANDS").expect("COMMANDS in build.rs");
    let end = start + build[start..].find("];").expect("its end");
    let declared: BTreeSet<String> = build[start..end].split('"').skip(1).step_by(2).map(str::to_owned).collect();

    let capability: serde_json::Value = serde_json::from_str(&read("capabilities/default.json")).unwrap();
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|name| name.replace('-', "_")))
        .collect();

    let undeclared: Vec<_> = handled.difference(&declared).collect();
    assert!(undeclared.is_empty(), "registered but not in build.rs's COMMANDS: {undeclared:?}");
    let refused: Vec<_> = handled.difference(&allowed).collect();
    assert!(refused.is_empty(), "registered but not allowed in capabilities/default.json: {refused:?}");
    let stale: Vec<_> = declared.difference(&handled).collect();
    assert!(stale.is_empty(), "in build.rs's COMMANDS but not registered: {stale:?}");
}
