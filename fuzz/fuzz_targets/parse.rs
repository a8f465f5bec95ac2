//! The parser never panics, and every span it reports, in a tree or in an
//! error, lies inside the input on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Patterns are text: the input bytes are the pattern, verbatim.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cis_filters_fuzz::properties::check_parse(text);
    }
});
