//! Linting never panics on any files: the input is up to four files
//! (`main.tf`, `m/main.tf`, `t.yaml`, `x.tf.json`) separated by the line
//! `--8<--`. Every location lies inside its file, and every output format
//! renders.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cis_filters_fuzz::properties::check_lint(data);
});
