//! Moments as people read them: on the event's clock (or the system's), to the second.

use jiff::Timestamp;

/// The clock this process shows times on when a message has no event at hand (an invitation's
/// expiry in a hub's refusal, an id's creation in an ambiguity): the event the command line or
/// the window works on, once known. Unset, the system's.
static SHOWN_CLOCK: std::sync::RwLock<Option<String>> = std::sync::RwLock::new(None);

/// Shows times on `timezone` (the event's) from now on, where no other is given.
pub fn show_times_in(timezone: &str) {
    if jiff::tz::TimeZone::get(timezone).is_ok() {
        *SHOWN_CLOCK.write().unwrap_or_else(|p| p.into_inner()) = Some(timezone.to_owned());
    }
}

/// A moment (RFC 3339) as the store's `parse_moment` reads it back, in `timezone` (the event's;
/// when none is given, the one set with [`show_times_in`], else the system's): `2025-10-01
/// 15:30:12`, seconds left out when they are zero. People read the day's times on the venue's
/// clock, and type them back into `--at` as they read them. Text that is not a moment is given
/// back as it is.
pub fn local_moment(at: &str, timezone: Option<&str>) -> String {
    let Ok(moment) = at.trim().parse::<Timestamp>() else {
        return at.to_owned();
    };
    let shown = SHOWN_CLOCK.read().unwrap_or_else(|p| p.into_inner()).clone();
    let zone = timezone
        .or(shown.as_deref())
        .and_then(|name| jiff::tz::TimeZone::get(name).ok())
        .unwrap_or_else(|| jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC));
    let civil = moment.to_zoned(zone).datetime();
    let shown =
        if civil.second() == 0 { civil.strftime("%Y-%m-%d %H:%M") } else { civil.strftime("%Y-%m-%d %H:%M:%S") };
    shown.to_string()
}

/// When a slot of the programme ends: its date and start on the event's clock (`timezone`,
/// UTC when unknown) plus its length. `None` for a date or time that does not read, or one at
/// the calendar's end (a peer may have written any duration: never a panic).
pub fn slot_end(date: &str, start: &str, duration_minutes: u32, timezone: &str) -> Option<Timestamp> {
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let start: jiff::civil::DateTime = format!("{date}T{start}").parse().ok()?;
    start
        .to_zoned(zone)
        .ok()?
        .timestamp()
        .checked_add(jiff::SignedDuration::from_mins(i64::from(duration_minutes)))
        .ok()
}

/// When an invitation made "for the event" stops: at the end of the day after the event's last
/// day (`dates`, `YYYY-MM-DD`), on the event's clock (`timezone`, UTC when unknown). The day
/// after is for the rapporteurs' and the panel's last words and the report. `None` when no
/// date reads.
pub fn event_over<'a>(dates: impl IntoIterator<Item = &'a str>, timezone: &str) -> Option<Timestamp> {
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let last = dates.into_iter().filter_map(|date| date.trim().parse::<jiff::civil::Date>().ok()).max()?;
    last.checked_add(jiff::Span::new().days(2)).ok()?.to_zoned(zone).ok().map(|end| end.timestamp())
}

#[cfg(test)]
mod slot_tests {
    #![allow(clippy::unwrap_used)]

    #[test]
    fn an_invitation_for_the_event_lasts_until_the_end_of_the_day_after_its_last_day() {
        let over = super::event_over(["2025-10-02", "2025-10-01", "pas une date"], "Europe/Paris").unwrap();
        assert_eq!(over.to_string(), "2025-10-03T22:00:00Z", "midnight in Paris at the end of 3 October");
        assert!(super::event_over(["demain"], "Europe/Paris").is_none());
        assert!(super::event_over(["9999-12-31"], "UTC").is_none(), "never a panic at the calendar's end");
    }

    #[test]
    fn a_slot_ends_on_the_event_s_clock_and_a_bad_one_has_no_end() {
        let end = super::slot_end("2025-10-01", "14:00", 105, "Europe/Paris").unwrap();
        assert_eq!(end.to_string(), "2025-10-01T13:45:00Z", "Paris is UTC+2 in October");
        assert!(super::slot_end("2025-10-01", "25:00", 105, "Europe/Paris").is_none());
        assert!(super::slot_end("9999-12-31", "23:59", u32::MAX, "UTC").is_none());
    }
}
