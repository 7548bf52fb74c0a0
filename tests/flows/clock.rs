//! The session clock, shared: two facilitators of one session see the same clock through a
//! hub, including a pause made on one while the other was offline and an extension made on
//! the other meanwhile.

use serde_json::Value;

use crate::common::Replica;
use crate::sync::serve_store;

fn clock(device: &Replica, session: &str) -> Value {
    device.json(&["session", "clock", session])
}

#[test]
fn two_facilitators_share_the_clock_through_a_hub_even_after_an_offline_pause() {
    let (organiser, _) = Replica::with_sample();
    let session = organiser.sessions(3)[1].clone();
    let hub = serve_store(&organiser);
    let join = |name: &str| {
        let link =
            organiser.ok(&["invite", "create", "--role", "facilitator", "--session", &session, "--hub", &hub.url]);
        let device = Replica::new();
        device.ok(&["join", "--invitation", &link, "--name", name]);
        device
    };
    let (ines, omar) = (join("Inès"), join("Omar"));

    // Inès starts the session now; Omar sees the same start once he syncs.
    let started = ines.json(&["session", "start", &session]);
    assert_eq!((started["stage"].as_str(), started["phase_index"].as_u64()), (Some("during"), Some(0)));
    assert_eq!(started["started_by_hand"], true);
    ines.ok(&["sync"]);
    omar.ok(&["sync"]);
    assert_eq!(clock(&omar, &session)["started_at"], started["started_at"]);

    // Omar, offline, pauses; Inès gives the first phase 5 more minutes. They meet again.
    omar.ok(&["session", "pause", &session]);
    ines.ok(&["session", "extend", &session, "--minutes", "5"]);
    for device in [&omar, &ines, &omar] {
        device.ok(&["sync"]);
    }
    let (a, b) = (clock(&ines, &session), clock(&omar, &session));
    assert_eq!(a["paused"], true, "{a}");
    assert_eq!(b["paused"], true, "{b}");
    assert_eq!(a["phases"], b["phases"]);
    assert_eq!(a["phases"][0]["extra_seconds"], 300, "{a}");
    // The first phase is 20 minutes, now 25: about 25 minutes left, on both devices.
    for side in [&a, &b] {
        let left = side["remaining_seconds"].as_i64().unwrap();
        assert!((24 * 60..=25 * 60).contains(&left), "{side}");
    }

    // Resumed on Inès's device, skipped to the next phase on Omar's: both see phase 2.
    ines.ok(&["session", "resume", &session]);
    ines.ok(&["sync"]);
    omar.ok(&["sync"]);
    omar.ok(&["session", "next", &session]);
    omar.ok(&["sync"]);
    ines.ok(&["sync"]);
    let (a, b) = (clock(&ines, &session), clock(&omar, &session));
    assert_eq!((a["phase_index"].as_u64(), b["phase_index"].as_u64()), (Some(1), Some(1)));
    assert_eq!((a["paused"].clone(), b["paused"].clone()), (Value::Bool(false), Value::Bool(false)));

    // Both press « Phase suivante » on the second phase; Omar's press reaches Inès's device
    // first. Hers, meant for the second phase too, ends it once, not it and the third; her
    // « +5 min » meant for it is refused in words, and nothing is written.
    omar.ok(&["session", "next", &session, "--phase", "1"]);
    omar.ok(&["sync"]);
    ines.ok(&["sync"]);
    let log = ines.json(&["store", "info"]);
    let pressed = ines.run(&["session", "next", &session, "--phase", "1", "--json"]);
    assert!(pressed.status.success());
    let said = String::from_utf8_lossy(&pressed.stderr);
    assert!(said.contains("rien n'a été fait : la phase 1 était déjà terminée"), "{said}");
    let after: serde_json::Value = serde_json::from_slice(&pressed.stdout).unwrap();
    assert_eq!(after["phase_index"].as_u64(), Some(2), "{after}");
    let refused = ines.fails(&["session", "extend", &session, "--phase", "1"]);
    assert!(refused.contains("est passée entre-temps à la phase « Mise en discussion »"), "{refused}");
    assert_eq!(ines.json(&["store", "info"]), log, "nothing written");
    // Meant for the phase current now, both act.
    let extended = ines.json(&["session", "extend", &session, "--phase", "2"]);
    assert_eq!(extended["phases"][2]["extra_seconds"], 300, "{extended}");
    assert_eq!(ines.json(&["session", "next", &session, "--phase", "2"])["phase_index"].as_u64(), Some(3));

    // Resumed again on a running clock: nothing changes (it once reopened the closed pause).
    let again = ines.json(&["session", "resume", &session]);
    assert_eq!(again["paused"], false, "{again}");
    assert_eq!(ines.json(&["session", "pause", &session])["paused"], true);
    assert_eq!(ines.json(&["session", "resume", &session])["paused"], false);
    let refused = ines.run(&["session", "extend", &session, "--minutes", "600"]);
    assert_eq!(refused.status.code(), Some(2), "a usage error");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("(de 1 à 60)"), "{said}");

    // Started by hand and running, it is not started again (every device's clock would go
    // back to the first phase): said, and nothing changes.
    let before = clock(&ines, &session);
    let refused = ines.fails(&["session", "start", &session]);
    assert!(refused.contains("a déjà été démarrée et tourne"), "{refused}");
    assert_eq!(clock(&ines, &session)["phase_index"], before["phase_index"]);

    // The last phase ended by two presses: the second, meant for it too, does nothing (it once
    // said the clock was not running); « +5 min » meant for it is refused as for a clock
    // that does not run; a phase the run-sheet does not have is refused by its number.
    // A press meant for a phase still to come does nothing either, and says so truly.
    let ahead = ines.run(&["session", "next", &session, "--phase", "4"]);
    assert!(String::from_utf8_lossy(&ahead.stderr).contains("la phase 4 n'a pas encore commencé"), "{ahead:?}");
    assert_eq!(ines.json(&["session", "next", &session, "--phase", "3"])["phase_index"].as_u64(), Some(4));
    let ended = ines.json(&["session", "next", &session, "--phase", "4"]);
    assert_eq!(ended["stage"], "after", "{ended}");
    assert_eq!(ines.json(&["session", "next", &session, "--phase", "4"])["stage"], "after");
    assert!(ines.fails(&["session", "extend", &session, "--phase", "4"]).contains("ne tourne pas"));
    let unknown = ines.fails(&["session", "next", &session, "--phase", "9"]);
    assert!(unknown.contains("pas de phase 9") && unknown.contains("il en a 5"), "{unknown}");

    // Before the start or after the end, there is nothing to extend, pause or resume: said in
    // words, and nothing is written.
    let (other, _) = Replica::with_sample();
    let past = other.sessions(1)[0].clone();
    let log = other.json(&["store", "info"]);
    for action in ["extend", "pause", "resume"] {
        let refused = other.fails(&["session", action, &past]);
        assert!(refused.contains("ne tourne pas") && refused.contains("rien n'a été changé"), "{action}: {refused}");
    }
    assert_eq!(other.json(&["store", "info"]), log, "nothing written");
}
