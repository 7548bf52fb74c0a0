//! The programme file: the JSON an organiser writes to create an event (format documented in
//! `docs/programme-format.md`, schema in `docs/programme.schema.json`).
//!
//! Validation walks the raw JSON rather than deserialising it, so that it can report *every*
//! problem with its JSON path in one go: an organiser fixing a file should not have to run
//! the import ten times. Nothing is imported unless the whole file is valid.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lang::{Both, Lang, Localize};
use crate::model::{Phase, Slot, Speaker, Theme};

pub const FORMAT: &str = "recolte-programme/1";

/// The programme of the Assises de l'innovation publique 2025: the app's sample event
/// ("Charger l'exemple"), and what tests and benchmarks import.
pub const SAMPLE: &str = include_str!("../../../examples/assises-2025.json");

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Place {
    pub id: String,
    pub name: String,
    pub address: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Day {
    pub day: u8,
    pub date: String,
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedSession {
    pub theme: u32,
    pub slot: String,
    pub place: String,
    pub room: Option<String>,
}

/// A programme that passed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Programme {
    pub name: String,
    pub organiser: Option<String>,
    pub timezone: String,
    pub places: Vec<Place>,
    pub days: Vec<Day>,
    pub run_sheet: Vec<Phase>,
    pub slots: Vec<Slot>,
    pub themes: Vec<Theme>,
    pub sessions: Vec<PlannedSession>,
}

/// One thing wrong in a programme file, at a JSON path such as `$.sessions[3].theme`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
}

/// What is wrong at a place of the programme; told in both languages from one place each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error, Localize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ProblemKind {
    #[error("{en}")]
    #[fr("{fr}")]
    NotJson { fr: String, en: String },
    #[error("the file is not UTF-8 text (saved as Latin-1 or Windows-1252?): save it again in UTF-8, as spreadsheets and editors offer under \"Save as\"")]
    #[fr("le fichier n'est pas du texte UTF-8 (enregistré en Latin-1 ou Windows-1252 ?) : enregistrez-le à nouveau en UTF-8, comme les tableurs et éditeurs le proposent dans « Enregistrer sous »")]
    NotUtf8,
    #[error("required field is missing")]
    #[fr("champ obligatoire manquant")]
    Missing,
    #[error("wrong type, expected {expected}")]
    #[fr("type incorrect, attendu : {}", french_type(expected))]
    WrongType { expected: &'static str },
    #[error("must not be empty")]
    #[fr("ne doit pas être vide")]
    Empty,
    #[error("unknown field (typo?)")]
    #[fr("champ inconnu (faute de frappe ?)")]
    UnknownField,
    #[error("unsupported format \"{found}\", expected \"{FORMAT}\"")]
    #[fr("format « {found} » non pris en charge, attendu « {FORMAT} »")]
    UnsupportedFormat { found: String },
    #[error("\"{value}\" already appears above")]
    #[fr("« {value} » apparaît déjà plus haut")]
    Duplicate { value: String },
    #[error("unknown {what}: \"{value}\"")]
    #[fr("{} inconnu : « {value} »", french_what(what))]
    UnknownReference { what: &'static str, value: String },
    #[error("invalid date \"{value}\", expected YYYY-MM-DD")]
    #[fr("date invalide « {value} », attendu AAAA-MM-JJ")]
    InvalidDate { value: String },
    #[error("invalid time \"{value}\", expected HH:MM")]
    #[fr("heure invalide « {value} », attendu HH:MM")]
    InvalidTime { value: String },
    #[error("must be between {min} and {max}")]
    #[fr("doit être entre {min} et {max}")]
    OutOfRange { min: i64, max: i64 },
    #[error("this slot overlaps slot \"{other}\" on the same day")]
    #[fr("ce créneau chevauche le créneau « {other} » du même jour")]
    OverlappingSlots { other: String },
    #[error("the run-sheet lasts {total} min, longer than the shortest slot ({shortest_slot} min)")]
    #[fr("le déroulé dure {total} min, plus que le plus court créneau ({shortest_slot} min)")]
    RunSheetTooLong { total: u32, shortest_slot: u32 },
    #[error("the programme has no session")]
    #[fr("le programme ne contient aucune session")]
    NoSessions,
    #[error("unknown time zone \"{value}\" (a name of the tz database, such as Europe/Paris)")]
    #[fr("fuseau horaire inconnu « {value} » (un nom de la base tz, par exemple Europe/Paris)")]
    UnknownTimeZone { value: String },
    #[error("too long: {length} characters, at most {longest}")]
    #[fr("trop long : {length} caractères, au plus {longest}")]
    TooLong { length: usize, longest: usize },
}

/// The longest text of a programme's field: a description may run long, a name or a label
/// is shown in lists, on cards and on the projector.
fn longest(key: &str) -> usize {
    if key == "description" {
        20_000
    } else {
        500
    }
}

impl Localize for Problem {
    fn localize(&self, lang: Lang) -> String {
        format!("{}: {}", self.path, self.kind.localize(lang))
    }
}

fn french_type(expected: &str) -> &str {
    match expected {
        "string" => "texte",
        "object" => "objet",
        "array" => "liste",
        "integer" => "nombre entier",
        other => other,
    }
}

fn french_what(what: &str) -> &str {
    match what {
        "theme" => "thème",
        "slot" => "créneau",
        "place" => "lieu",
        "day" => "jour",
        other => other,
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

/// Parses and validates a programme file's text. On failure, returns every problem found.
pub fn parse(text: &str) -> Result<Programme, Vec<Problem>> {
    // Bytes that were not UTF-8 reach here as U+FFFD (a file read leniently, or by a webview):
    // accents would silently become "�" everywhere.
    if text.contains('\u{FFFD}') {
        return Err(vec![Problem { path: "$".into(), kind: ProblemKind::NotUtf8 }]);
    }
    // Some editors on Windows begin UTF-8 files with a byte-order mark, which JSON does not allow.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let Both { fr, en } = Both::json(&e);
        vec![Problem { path: "$".into(), kind: ProblemKind::NotJson { fr, en } }]
    })?;
    validate(&value)
}

/// Validates an already parsed JSON value.
pub fn validate(value: &Value) -> Result<Programme, Vec<Problem>> {
    let mut v = Validator::default();
    let programme = v.programme(value);
    if v.problems.is_empty() {
        programme.ok_or_else(Vec::new)
    } else {
        Err(v.problems)
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

/// A JSON object being read: remembers which keys were consumed so that unknown ones are reported.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    known: BTreeSet<&'static str>,
}

impl Validator {
    fn problem(&mut self, path: impl Into<String>, kind: ProblemKind) {
        self.problems.push(Problem { path: path.into(), kind });
    }

    fn object<'a>(&mut self, value: &'a Value, path: &str) -> Option<Obj<'a>> {
        match value {
            Value::Object(map) => Some(Obj { map, path: path.to_owned(), known: BTreeSet::new() }),
            _ => {
                self.problem(path, ProblemKind::WrongType { expected: "object" });
                None
            }
        }
    }

    fn finish(&mut self, obj: Obj<'_>) {
        for key in obj.map.keys() {
            if !obj.known.contains(key.as_str()) {
                self.problem(format!("{}.{key}", obj.path), ProblemKind::UnknownField);
            }
        }
    }

    fn field<'a>(&mut self, obj: &mut Obj<'a>, key: &'static str, required: bool) -> Option<&'a Value> {
        obj.known.insert(key);
        match obj.map.get(key) {
            Some(Value::Null) | None => {
                if required {
                    self.problem(format!("{}.{key}", obj.path), ProblemKind::Missing);
                }
                None
            }
            Some(value) => Some(value),
        }
    }

    fn string(&mut self, obj: &mut Obj<'_>, key: &'static str, required: bool) -> Option<String> {
        let value = self.field(obj, key, required)?;
        let path = format!("{}.{key}", obj.path);
        match value {
            Value::String(s) if s.trim().is_empty() => {
                self.problem(path, ProblemKind::Empty);
                None
            }
            Value::String(s) if s.trim().chars().count() > longest(key) => {
                self.problem(path, ProblemKind::TooLong { length: s.trim().chars().count(), longest: longest(key) });
                None
            }
            Value::String(s) => Some(s.trim().to_owned()),
            _ => {
                self.problem(path, ProblemKind::WrongType { expected: "string" });
                None
            }
        }
    }

    fn integer(&mut self, obj: &mut Obj<'_>, key: &'static str, min: i64, max: i64) -> Option<i64> {
        let value = self.field(obj, key, true)?;
        let path = format!("{}.{key}", obj.path);
        match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(_) => {
                self.problem(path, ProblemKind::OutOfRange { min, max });
                None
            }
            None => {
                self.problem(path, ProblemKind::WrongType { expected: "integer" });
                None
            }
        }
    }

    fn array<'a>(&mut self, obj: &mut Obj<'a>, key: &'static str, required: bool) -> &'a [Value] {
        let Some(value) = self.field(obj, key, required) else {
            return &[];
        };
        match value {
            Value::Array(items) => items,
            _ => {
                self.problem(format!("{}.{key}", obj.path), ProblemKind::WrongType { expected: "array" });
                &[]
            }
        }
    }

    fn programme(&mut self, value: &Value) -> Option<Programme> {
        let mut root = self.object(value, "$")?;
        if let Some(format) = self.string(&mut root, "format", true) {
            if format != FORMAT {
                self.problem("$.format", ProblemKind::UnsupportedFormat { found: format });
            }
        }

        let event = self.field(&mut root, "event", true);
        let (name, organiser, timezone, places) = match event.and_then(|e| self.object(e, "$.event")) {
            Some(mut event) => {
                let name = self.string(&mut event, "name", true);
                let organiser = self.string(&mut event, "organiser", false);
                let timezone = self.string(&mut event, "timezone", false).unwrap_or_else(|| "Europe/Paris".into());
                // A zone the clocks cannot read would put every session at the wrong hour.
                if jiff::tz::TimeZone::get(&timezone).is_err() {
                    self.problem("$.event.timezone", ProblemKind::UnknownTimeZone { value: timezone.clone() });
                }
                let places = self.places(&mut event);
                self.finish(event);
                (name, organiser, timezone, places)
            }
            None => (None, None, String::new(), Vec::new()),
        };

        let days = self.days(&mut root);
        let run_sheet = self.run_sheet(&mut root);
        let slots = self.slots(&mut root, &days);
        let themes = self.themes(&mut root);
        let sessions = self.sessions(&mut root, &themes, &slots, &places);
        self.finish(root);

        let shortest = slots.iter().map(|s| s.duration_minutes).min();
        let total: u32 = run_sheet.iter().map(|p| p.minutes).sum();
        if let Some(shortest_slot) = shortest {
            if total > shortest_slot {
                self.problem("$.run_sheet", ProblemKind::RunSheetTooLong { total, shortest_slot });
            }
        }

        Some(Programme { name: name?, organiser, timezone, places, days, run_sheet, slots, themes, sessions })
    }

    fn places(&mut self, event: &mut Obj<'_>) -> Vec<Place> {
        let path = format!("{}.places", event.path);
        let items = self.array(event, "places", true);
        if items.is_empty() && event.map.get("places").is_some_and(Value::is_array) {
            self.problem(&path, ProblemKind::Empty);
        }
        let mut places = Vec::new();
        let mut ids = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let Some(mut obj) = self.object(item, &format!("{path}[{i}]")) else {
                continue;
            };
            let id = self.string(&mut obj, "id", true);
            let name = self.string(&mut obj, "name", true);
            let address = self.string(&mut obj, "address", false);
            if let Some(id) = &id {
                if !ids.insert(id.clone()) {
                    self.problem(format!("{path}[{i}].id"), ProblemKind::Duplicate { value: id.clone() });
                }
            }
            self.finish(obj);
            if let (Some(id), Some(name)) = (id, name) {
                places.push(Place { id, name, address });
            }
        }
        places
    }

    fn days(&mut self, root: &mut Obj<'_>) -> Vec<Day> {
        let items = self.array(root, "days", true);
        if items.is_empty() && root.map.get("days").is_some_and(Value::is_array) {
            self.problem("$.days", ProblemKind::Empty);
        }
        let mut days: Vec<Day> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.days[{i}]");
            let Some(mut obj) = self.object(item, &path) else {
                continue;
            };
            let day = self.integer(&mut obj, "day", 1, 31);
            let date = self.string(&mut obj, "date", true);
            let label = self.string(&mut obj, "label", false);
            self.finish(obj);
            if let Some(date) = &date {
                if parse_date(date).is_none() {
                    self.problem(format!("{path}.date"), ProblemKind::InvalidDate { value: date.clone() });
                    continue;
                }
            }
            if let Some(day) = day {
                if days.iter().any(|d| i64::from(d.day) == day) {
                    self.problem(format!("{path}.day"), ProblemKind::Duplicate { value: day.to_string() });
                    continue;
                }
            }
            if let (Some(day), Some(date)) = (day, date) {
                days.push(Day { day: day as u8, date, label });
            }
        }
        days
    }

    fn run_sheet(&mut self, root: &mut Obj<'_>) -> Vec<Phase> {
        let items = self.array(root, "run_sheet", false);
        let mut phases: Vec<Phase> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.run_sheet[{i}]");
            let Some(mut obj) = self.object(item, &path) else {
                continue;
            };
            let key = self.string(&mut obj, "key", true);
            let label = self.string(&mut obj, "label", true);
            let minutes = self.integer(&mut obj, "minutes", 1, 24 * 60);
            self.finish(obj);
            if let Some(key) = &key {
                if phases.iter().any(|p| &p.key == key) {
                    self.problem(format!("{path}.key"), ProblemKind::Duplicate { value: key.clone() });
                    continue;
                }
            }
            if let (Some(key), Some(label), Some(minutes)) = (key, label, minutes) {
                phases.push(Phase { key, label, minutes: minutes as u32 });
            }
        }
        phases
    }

    fn slots(&mut self, root: &mut Obj<'_>, days: &[Day]) -> Vec<Slot> {
        let items = self.array(root, "slots", true);
        if items.is_empty() && root.map.get("slots").is_some_and(Value::is_array) {
            self.problem("$.slots", ProblemKind::Empty);
        }
        let mut slots: Vec<(usize, Slot)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.slots[{i}]");
            let Some(mut obj) = self.object(item, &path) else {
                continue;
            };
            let id = self.string(&mut obj, "id", true);
            let day = self.integer(&mut obj, "day", 1, 31);
            let start = self.string(&mut obj, "start", true);
            let duration = self.integer(&mut obj, "duration_minutes", 1, 24 * 60);
            let label = self.string(&mut obj, "label", false);
            self.finish(obj);

            let date = day.and_then(|day| {
                let found = days.iter().find(|d| i64::from(d.day) == day);
                if found.is_none() {
                    self.problem(
                        format!("{path}.day"),
                        ProblemKind::UnknownReference { what: "day", value: day.to_string() },
                    );
                }
                found.map(|d| d.date.clone())
            });
            let start = start.and_then(|start| match parse_time(&start) {
                Some(_) => Some(start),
                None => {
                    self.problem(format!("{path}.start"), ProblemKind::InvalidTime { value: start });
                    None
                }
            });
            if let Some(id) = &id {
                if slots.iter().any(|(_, s)| &s.id == id) {
                    self.problem(format!("{path}.id"), ProblemKind::Duplicate { value: id.clone() });
                    continue;
                }
            }
            if let (Some(id), Some(day), Some(date), Some(start), Some(duration)) = (id, day, date, start, duration) {
                let label = label.unwrap_or_else(|| id.clone());
                slots.push((i, Slot { id, day: day as u8, date, start, duration_minutes: duration as u32, label }));
            }
        }
        for (a, (i, slot)) in slots.iter().enumerate() {
            for (_, other) in &slots[..a] {
                if slot.day == other.day && overlaps(slot, other) {
                    self.problem(format!("$.slots[{i}]"), ProblemKind::OverlappingSlots { other: other.id.clone() });
                }
            }
        }
        slots.into_iter().map(|(_, s)| s).collect()
    }

    fn themes(&mut self, root: &mut Obj<'_>) -> Vec<Theme> {
        let items = self.array(root, "themes", true);
        if items.is_empty() && root.map.get("themes").is_some_and(Value::is_array) {
            self.problem("$.themes", ProblemKind::Empty);
        }
        let mut themes: Vec<Theme> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.themes[{i}]");
            let Some(mut obj) = self.object(item, &path) else {
                continue;
            };
            let number = self.integer(&mut obj, "number", 1, 999);
            let title = self.string(&mut obj, "title", true);
            let description = self.string(&mut obj, "description", false).unwrap_or_default();
            let speakers = self.speakers(&mut obj);
            self.finish(obj);
            if let Some(number) = number {
                if themes.iter().any(|t| i64::from(t.number) == number) {
                    self.problem(format!("{path}.number"), ProblemKind::Duplicate { value: number.to_string() });
                    continue;
                }
            }
            // A theme with a bad title still counts as declared, so that its sessions do not
            // each report an unknown theme on top of the one real problem.
            if let Some(number) = number {
                themes.push(Theme { number: number as u32, title: title.unwrap_or_default(), description, speakers });
            }
        }
        themes
    }

    fn speakers(&mut self, theme: &mut Obj<'_>) -> Vec<Speaker> {
        let path = format!("{}.speakers", theme.path);
        let items = self.array(theme, "speakers", false);
        let mut speakers = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(mut obj) = self.object(item, &format!("{path}[{i}]")) else {
                continue;
            };
            let name = self.string(&mut obj, "name", true);
            let role = self.string(&mut obj, "role", false);
            let day_items = self.array(&mut obj, "days", false);
            let mut days = Vec::new();
            for (j, day) in day_items.iter().enumerate() {
                match day.as_u64() {
                    Some(d) if (1..=31).contains(&d) => days.push(d as u8),
                    _ => self.problem(format!("{path}[{i}].days[{j}]"), ProblemKind::OutOfRange { min: 1, max: 31 }),
                }
            }
            self.finish(obj);
            if let Some(name) = name {
                speakers.push(Speaker { name, role, days });
            }
        }
        speakers
    }

    fn sessions(
        &mut self,
        root: &mut Obj<'_>,
        themes: &[Theme],
        slots: &[Slot],
        places: &[Place],
    ) -> Vec<PlannedSession> {
        let items = self.array(root, "sessions", true);
        if items.is_empty() && root.map.get("sessions").is_some_and(Value::is_array) {
            self.problem("$.sessions", ProblemKind::NoSessions);
        }
        let mut sessions: Vec<PlannedSession> = Vec::new();
        let mut seen: BTreeMap<(u32, String), usize> = BTreeMap::new();
        let mut rooms: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("$.sessions[{i}]");
            let Some(mut obj) = self.object(item, &path) else {
                continue;
            };
            let theme = self.integer(&mut obj, "theme", 1, 999);
            let slot = self.string(&mut obj, "slot", true);
            let place = self.string(&mut obj, "place", true);
            let room = self.string(&mut obj, "room", false);
            self.finish(obj);

            if let Some(theme) = theme {
                if !themes.iter().any(|t| i64::from(t.number) == theme) {
                    self.problem(
                        format!("{path}.theme"),
                        ProblemKind::UnknownReference { what: "theme", value: theme.to_string() },
                    );
                }
            }
            if let Some(slot) = &slot {
                if !slots.iter().any(|s| &s.id == slot) {
                    self.problem(
                        format!("{path}.slot"),
                        ProblemKind::UnknownReference { what: "slot", value: slot.clone() },
                    );
                }
            }
            if let Some(place) = &place {
                if !places.iter().any(|p| &p.id == place) {
                    self.problem(
                        format!("{path}.place"),
                        ProblemKind::UnknownReference { what: "place", value: place.clone() },
                    );
                }
            }
            if let (Some(theme), Some(slot), Some(place)) = (theme, slot, place) {
                let theme = theme as u32;
                // A theme runs at most once per slot unless its sessions are told apart by room.
                if room.is_none() && seen.insert((theme, slot.clone()), i).is_some() {
                    self.problem(path.clone(), ProblemKind::Duplicate { value: format!("{theme} @ {slot}") });
                }
                if let Some(room) = &room {
                    if rooms.insert((slot.clone(), place.clone(), room.clone()), i).is_some() {
                        self.problem(
                            format!("{path}.room"),
                            ProblemKind::Duplicate { value: format!("{room} @ {slot}") },
                        );
                    }
                }
                sessions.push(PlannedSession { theme, slot, place, room });
            }
        }
        sessions
    }
}

fn parse_date(value: &str) -> Option<time::Date> {
    time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Minutes since midnight of an `HH:MM` time.
pub fn parse_time(value: &str) -> Option<u32> {
    let (h, m) = value.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn overlaps(a: &Slot, b: &Slot) -> bool {
    match (parse_time(&a.start), parse_time(&b.start)) {
        (Some(a_start), Some(b_start)) => {
            a_start < b_start + b.duration_minutes && b_start < a_start + a.duration_minutes
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
