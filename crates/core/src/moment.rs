//! Moments as people read them: on the event's clock (or the system's), to the second.

use jiff::Timestamp;

/// A moment (RFC 3339) as the store's `parse_moment` reads it back, in `timezone` (the event's; the
/// system's when none is given or it is unknown): `2025-10-01 15:30:12`, seconds left out when
/// they are zero. People read the day's times on the venue's clock, and type them back into
/// `--at` as they read them. Text that is not a moment is given back as it is.
pub fn local_moment(at: &str, timezone: Option<&str>) -> String {
    let Ok(moment) = at.trim().parse::<Timestamp>() else {
        return at.to_owned();
    };
    let zone = timezone
        .and_then(|name| jiff::tz::TimeZone::get(name).ok())
        .unwrap_or_else(|| jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC));
    let civil = moment.to_zoned(zone).datetime();
    let shown =
        if civil.second() == 0 { civil.strftime("%Y-%m-%d %H:%M") } else { civil.strftime("%Y-%m-%d %H:%M:%S") };
    shown.to_string()
}
