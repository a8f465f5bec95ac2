//! The one integration-test binary: CLI tests on the real binary and
//! data-driven tests over `grammar/corpus`.
