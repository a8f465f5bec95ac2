//! The one integration-test binary: CLI tests on the real binary and
//! data-driven tests over `grammar/corpus`. Each area has its own module
//! under `tests/it/`.

// Test code may panic: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[allow(dead_code)]
#[path = "it/common.rs"]
mod common;

#[path = "it/corpus.rs"]
mod corpus;

#[path = "it/lint.rs"]
mod lint;
#[path = "it/pattern_cli.rs"]
mod pattern_cli;

#[path = "it/audit.rs"]
mod audit;
#[path = "it/cis.rs"]
mod cis;
#[path = "it/matcher.rs"]
mod matcher;
#[path = "it/pattern_props.rs"]
mod pattern_props;

#[cfg(feature = "aws")]
#[path = "it/e2e.rs"]
mod e2e;
