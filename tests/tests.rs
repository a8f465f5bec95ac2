//! The one integration-test binary: CLI tests on the real binary and
//! data-driven tests over `grammar/corpus`. Each area has its own module
//! under `tests/it/`.

#[allow(dead_code)]
#[path = "it/common.rs"]
mod common;
