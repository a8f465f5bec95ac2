//! For every input that parses: the house-style text parses back to an equal
//! tree with the same tokens, and the normal form's canonical text parses
//! back to the same normal form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        cis_filters_fuzz::properties::check_roundtrip(text);
    }
});
