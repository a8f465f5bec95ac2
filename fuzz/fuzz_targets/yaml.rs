//! The YAML reader (CloudFormation templates, JSON included) never panics
//! and stays within its memory bound on any text: the tree, every scalar
//! decoded with its map back to the file, and the template extraction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        cis_filters_fuzz::properties::check_yaml(text);
    }
});
