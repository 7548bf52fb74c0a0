//! Access tokens from a URL's query: verifying and peeking never panic, and nothing made up
//! verifies.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use recolte_core::token;

fn key() -> &'static token::PublicKey {
    static KEY: OnceLock<token::PublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let keys = token::generate_keys().expect("keys");
        token::parse_public_key(&keys.public).expect("key")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    assert!(token::verify(text, std::slice::from_ref(key())).is_err(), "a made-up token verified");
    let _ = token::peek(text);
    let _ = token::parse_public_key(text);
    let _ = token::parse_duration(text);
});
