//! The sample programme, the JSON Schema and the validator agree.
#![allow(clippy::unwrap_used)]

use recolte_core::programme;
use serde_json::{json, Value};

use recolte_core::programme::SAMPLE;
const SCHEMA: &str = include_str!("../../../docs/programme.schema.json");

fn schema() -> jsonschema::Validator {
    jsonschema::validator_for(&serde_json::from_str::<Value>(SCHEMA).unwrap()).unwrap()
}

#[test]
fn the_sample_programme_is_the_real_assises_2025() {
    let programme = programme::parse(SAMPLE).unwrap();
    assert_eq!(programme.themes.len(), 10);
    assert_eq!(
        programme.slots.iter().map(|s| (s.day, s.start.as_str())).collect::<Vec<_>>(),
        [(1, "14:00"), (1, "16:00"), (2, "09:15"), (2, "11:15")]
    );
    assert!(programme.slots.iter().all(|s| s.duration_minutes == 105));
    assert_eq!(programme.sessions.len(), 36);
    for theme in 1..=8 {
        assert_eq!(programme.sessions.iter().filter(|s| s.theme == theme).count(), 4, "theme {theme}");
    }
    let day_of = |slot: &str| programme.slots.iter().find(|s| s.id == slot).unwrap().day;
    assert!(programme.sessions.iter().filter(|s| s.theme == 9).all(|s| day_of(&s.slot) == 1));
    assert!(programme.sessions.iter().filter(|s| s.theme == 10).all(|s| day_of(&s.slot) == 2));
    assert_eq!(programme.run_sheet.iter().map(|p| p.minutes).sum::<u32>(), 105);
}

#[test]
fn the_sample_programme_follows_the_published_schema() {
    let sample: Value = serde_json::from_str(SAMPLE).unwrap();
    let errors: Vec<String> = schema().iter_errors(&sample).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn what_the_schema_refuses_the_validator_refuses_too() {
    let sample: Value = serde_json::from_str(SAMPLE).unwrap();
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<(&str, Edit)> = vec![
        ("wrong format", Box::new(|v| v["format"] = json!("recolte-programme/9"))),
        ("unknown field", Box::new(|v| v["event"]["nom"] = json!("x"))),
        ("blank title", Box::new(|v| v["themes"][2]["title"] = json!("   "))),
        ("bad start", Box::new(|v| v["slots"][0]["start"] = json!("25:00"))),
        (
            "missing place",
            Box::new(|v| {
                v["sessions"][0].as_object_mut().unwrap().remove("place");
            }),
        ),
        ("theme as text", Box::new(|v| v["sessions"][0]["theme"] = json!("1"))),
    ];
    let validator = schema();
    for (what, edit) in edits {
        let mut value = sample.clone();
        edit(&mut value);
        assert!(!validator.is_valid(&value), "the schema accepted: {what}");
        assert!(programme::validate(&value).is_err(), "the validator accepted: {what}");
    }
}
