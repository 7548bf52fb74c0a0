//! Programme files: validation never panics, and what it accepts is a coherent programme.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_core::programme;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(programme) = programme::parse(text) {
        for session in &programme.sessions {
            assert!(programme.themes.iter().any(|t| t.number == session.theme));
            assert!(programme.slots.iter().any(|s| s.id == session.slot));
        }
    }
});
