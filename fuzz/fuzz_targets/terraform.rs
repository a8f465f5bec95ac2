//! The Terraform evaluator never panics and stays within its budget on any
//! module: the input is a module's `main.tf` and, after the line `--8<--`,
//! the `main.tf` of a module it may call as `./m`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cis_filters_fuzz::properties::check_terraform(data);
});
