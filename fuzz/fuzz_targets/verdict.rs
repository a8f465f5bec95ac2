//! Verdicts and classification never panic and stay consistent in every
//! benchmark: classification reports the comparison with the control it
//! names; `passes`, differences and canonical text agree with the verdict;
//! re-spacing the pattern changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        cis_filters_fuzz::properties::check_verdict(text);
    }
});
