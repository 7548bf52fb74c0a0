//! The event document: the programme (event, themes, slots, sessions).

use super::*;

/// A session as the programme lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionRecord {
    pub id: SessionId,
    pub theme: u32,
    pub slot: String,
    pub place: String,
    pub room: Option<String>,
}

/// Everything the event document holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventRecord {
    pub id: EventId,
    pub name: String,
    /// The event's public key (PASERK `k4.public`), which signs access tokens.
    pub public_key: Option<String>,
    pub organiser: Option<String>,
    pub timezone: String,
    pub places: Vec<Place>,
    pub days: Vec<Day>,
    pub run_sheet: Vec<Phase>,
    pub slots: Vec<Slot>,
    pub themes: Vec<Theme>,
    pub sessions: Vec<SessionRecord>,
}

/// Writes a validated programme into an empty event document. Returns the sessions with the
/// ids given to them.
pub fn write_programme(
    txn: &mut TransactionMut,
    event: EventId,
    programme: &Programme,
    public_key: &str,
) -> Vec<SessionRecord> {
    let ids: Vec<SessionId> = programme.sessions.iter().map(|_| SessionId::new()).collect();
    write_programme_with_ids(txn, event, programme, public_key, &ids)
}

/// Writes a programme whose sessions already have ids (`ids[i]` is the id of
/// `programme.sessions[i]`): restoring an event from its open data keeps its ids.
pub fn write_programme_with_ids(
    txn: &mut TransactionMut,
    event: EventId,
    programme: &Programme,
    public_key: &str,
    ids: &[SessionId],
) -> Vec<SessionRecord> {
    let info = txn.get_or_insert_map("event");
    info.insert(txn, "id", event.to_string());
    info.insert(txn, "public_key", public_key);
    info.insert(txn, "name", programme.name.as_str());
    if let Some(organiser) = &programme.organiser {
        info.insert(txn, "organiser", organiser.as_str());
    }
    info.insert(txn, "timezone", programme.timezone.as_str());
    info.insert(txn, "places", to_any(&programme.places));
    info.insert(txn, "days", to_any(&programme.days));
    info.insert(txn, "run_sheet", to_any(&programme.run_sheet));

    let themes = txn.get_or_insert_map("themes");
    for theme in &programme.themes {
        let prelim = MapPrelim::from([
            ("number", yrs::In::Any(Any::from(theme.number))),
            ("title", yrs::In::Any(Any::from(theme.title.as_str()))),
            ("description", yrs::In::Any(Any::from(theme.description.as_str()))),
            ("speakers", yrs::In::Any(to_any(&theme.speakers))),
        ]);
        themes.insert(txn, theme.number.to_string(), prelim);
    }

    let slots = txn.get_or_insert_map("slots");
    for slot in &programme.slots {
        let prelim = MapPrelim::from([
            ("id", yrs::In::Any(Any::from(slot.id.as_str()))),
            ("day", yrs::In::Any(Any::from(u32::from(slot.day)))),
            ("date", yrs::In::Any(Any::from(slot.date.as_str()))),
            ("start", yrs::In::Any(Any::from(slot.start.as_str()))),
            ("duration_minutes", yrs::In::Any(Any::from(slot.duration_minutes))),
            ("label", yrs::In::Any(Any::from(slot.label.as_str()))),
        ]);
        slots.insert(txn, slot.id.as_str(), prelim);
    }

    let sessions = txn.get_or_insert_map("sessions");
    let mut records = Vec::new();
    for (index, planned) in programme.sessions.iter().enumerate() {
        let record = SessionRecord {
            id: ids.get(index).copied().unwrap_or_default(),
            theme: planned.theme,
            slot: planned.slot.clone(),
            place: planned.place.clone(),
            room: planned.room.clone(),
        };
        let room = record.room.as_deref().map(Any::from).unwrap_or(Any::Null);
        let prelim = MapPrelim::from([
            ("id", yrs::In::Any(Any::from(record.id.to_string()))),
            ("theme", yrs::In::Any(Any::from(record.theme))),
            ("slot", yrs::In::Any(Any::from(record.slot.as_str()))),
            ("place", yrs::In::Any(Any::from(record.place.as_str()))),
            ("room", yrs::In::Any(room)),
        ]);
        sessions.insert(txn, record.id.to_string(), prelim);
        records.push(record);
    }
    records
}

/// Reads the event document; `None` if it holds no usable event (not yet synced, or foreign).
pub fn read_event<T: ReadTxn>(txn: &T) -> Option<EventRecord> {
    let info = txn.get_map("event")?;
    let id: EventId = get_str(txn, &info, "id")?.parse().ok()?;
    let name = get_str(txn, &info, "name").unwrap_or_default();
    let mut themes: Vec<Theme> = child_maps(txn, "themes")
        .into_iter()
        .filter_map(|(_, map)| {
            Some(Theme {
                number: get_u32(txn, &map, "number")?,
                title: get_str(txn, &map, "title").unwrap_or_default(),
                description: get_str(txn, &map, "description").unwrap_or_default(),
                speakers: from_json::<Vec<Speaker>>(get_json(txn, &map, "speakers")),
            })
        })
        .collect();
    themes.sort_by_key(|t| t.number);
    let mut slots: Vec<Slot> = child_maps(txn, "slots")
        .into_iter()
        .filter_map(|(_, map)| {
            Some(Slot {
                id: get_str(txn, &map, "id")?,
                day: get_u32(txn, &map, "day").and_then(|d| u8::try_from(d).ok())?,
                date: get_str(txn, &map, "date").unwrap_or_default(),
                start: get_str(txn, &map, "start").unwrap_or_default(),
                duration_minutes: get_u32(txn, &map, "duration_minutes").unwrap_or(0),
                label: get_str(txn, &map, "label").unwrap_or_default(),
            })
        })
        .collect();
    slots.sort_by(|a, b| (a.day, &a.start, &a.id).cmp(&(b.day, &b.start, &b.id)));
    let sessions = child_maps(txn, "sessions")
        .into_iter()
        .filter_map(|(key, map)| {
            let id: SessionId = key.parse().ok()?;
            Some(SessionRecord {
                id,
                theme: get_u32(txn, &map, "theme")?,
                slot: get_str(txn, &map, "slot")?,
                place: get_str(txn, &map, "place").unwrap_or_default(),
                room: get_str(txn, &map, "room"),
            })
        })
        .collect();
    Some(EventRecord {
        id,
        name,
        public_key: get_str(txn, &info, "public_key"),
        organiser: get_str(txn, &info, "organiser"),
        timezone: get_str(txn, &info, "timezone").unwrap_or_else(|| "Europe/Paris".into()),
        places: from_json(get_json(txn, &info, "places")),
        days: from_json(get_json(txn, &info, "days")),
        run_sheet: from_json(get_json(txn, &info, "run_sheet")),
        slots,
        themes,
        sessions,
    })
}
