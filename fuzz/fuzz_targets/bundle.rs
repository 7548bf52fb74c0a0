//! Bundle files from a USB key: decoding never panics, and what decodes re-encodes to the
//! same bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use recolte_core::bundle::Bundle;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::decode(data) {
        assert_eq!(bundle.encode(), data, "a bundle that decodes must be canonical");
    }
});
