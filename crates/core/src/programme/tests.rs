use super::*;
use serde_json::json;

fn minimal() -> Value {
    json!({
        "format": FORMAT,
        "event": {"name": "Test", "places": [{"id": "p", "name": "Salle"}]},
        "days": [{"day": 1, "date": "2025-10-01"}],
        "slots": [{"id": "a", "day": 1, "start": "14:00", "duration_minutes": 105}],
        "themes": [{"number": 1, "title": "Un"}],
        "sessions": [{"theme": 1, "slot": "a", "place": "p"}]
    })
}

fn paths(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn a_file_not_in_utf8_is_refused_and_a_byte_order_mark_is_accepted() {
    let text = minimal().to_string().replace("Salle", "Salle Gallé");
    let latin1: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let problems = parse(&String::from_utf8_lossy(&latin1)).unwrap_err();
    assert_eq!(problems[0].kind, ProblemKind::NotUtf8);
    assert!(problems[0].kind.localize(Lang::Fr).contains("n'est pas du texte UTF-8"));
    let programme = parse(&format!("\u{FEFF}{text}")).expect("a UTF-8 file with a byte-order mark");
    assert_eq!(programme.places[0].name, "Salle Gallé");
}

#[test]
fn a_minimal_programme_is_valid() {
    let programme = validate(&minimal()).expect("valid");
    assert_eq!(programme.sessions.len(), 1);
    assert_eq!(programme.timezone, "Europe/Paris");
}

#[test]
fn every_problem_is_reported_with_its_path() {
    let mut value = minimal();
    value["sessions"] = json!([
        {"theme": 12, "slot": "a", "place": "p"},
        {"theme": 1, "slot": "zz", "place": "p"},
    ]);
    value["themes"][0]["title"] = json!("  ");
    value["slots"].as_array_mut().unwrap().push(json!({"id": "b", "day": 1, "start": "15:00", "duration_minutes": 60}));
    value["event"]["nmae"] = json!("typo");
    let problems = validate(&value).expect_err("invalid");
    assert_eq!(
        paths(&problems),
        ["$.event.nmae", "$.slots[1]", "$.themes[0].title", "$.sessions[0].theme", "$.sessions[1].slot"],
        "{problems:?}"
    );
    assert!(problems[1].localize(Lang::Fr).contains("chevauche"));
}

#[test]
fn missing_fields_and_wrong_types_are_named() {
    let problems = validate(
        &json!({"format": FORMAT, "event": {"places": []}, "days": "x", "slots": [], "themes": [], "sessions": []}),
    )
    .expect_err("invalid");
    let text: Vec<String> = problems.iter().map(|p| p.localize(Lang::En)).collect();
    assert!(text.contains(&"$.event.name: required field is missing".to_owned()), "{text:?}");
    assert!(text.contains(&"$.days: wrong type, expected array".to_owned()), "{text:?}");
    assert!(text.contains(&"$.sessions: the programme has no session".to_owned()), "{text:?}");
}

#[test]
fn an_unknown_time_zone_and_an_overlong_name_are_problems() {
    let mut value = minimal();
    value["event"]["timezone"] = json!("Mars/Olympus");
    value["event"]["name"] = json!("a".repeat(501));
    let problems = validate(&value).expect_err("invalid");
    let text: Vec<String> = problems.iter().map(|p| p.localize(Lang::Fr)).collect();
    assert!(text.contains(&"$.event.timezone: fuseau horaire inconnu « Mars/Olympus » (un nom de la base tz, par exemple Europe/Paris)".to_owned()), "{text:?}");
    assert!(text.contains(&"$.event.name: trop long : 501 caractères, au plus 500".to_owned()), "{text:?}");
}

#[test]
fn not_json_is_one_problem_at_the_root() {
    let problems = parse("{ not json").expect_err("invalid");
    assert_eq!(paths(&problems), ["$"]);
    assert_eq!(problems[0].localize(Lang::Fr), "$: ce n'est pas du JSON valide (ligne 1, colonne 3)");
}

#[test]
fn a_run_sheet_longer_than_a_slot_is_refused() {
    let mut value = minimal();
    value["run_sheet"] = json!([{"key": "talk", "label": "Talk", "minutes": 200}]);
    let problems = validate(&value).expect_err("invalid");
    assert_eq!(paths(&problems), ["$.run_sheet"]);
}

#[test]
fn times_are_checked() {
    assert_eq!(parse_time("09:15"), Some(555));
    assert_eq!(parse_time("9:15"), None);
    assert_eq!(parse_time("24:00"), None);
}
