//! Comparing two patterns never panics, and its answer is consistent: the
//! input's first line is pattern A, the rest pattern B. See
//! `fuzz/src/semantics.rs` for the properties.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        cis_filters_fuzz::semantics::check_semantics(text);
    }
});
