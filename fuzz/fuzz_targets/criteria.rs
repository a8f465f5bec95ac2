//! `fieldSelectionCriteria`: parsing never panics and its errors point inside
//! the input; for every input that parses, the spans, the house-style and
//! canonical round trips, and the agreement of the tree and the normal form
//! on what they select (see `src/criteria.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cis_filters_fuzz::criteria::check_criteria(text);
    }
});
