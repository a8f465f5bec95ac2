//! For every input that parses: normalising is idempotent through the
//! canonical text, and a house-style re-layout does not change the normal form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        cis_filters_fuzz::properties::check_normalize(text);
    }
});
