//! The one integration-test binary: CLI tests on the real binary and
//! data-driven tests over `grammar/corpus`. Each area has its own module
//! under `tests/it/`. Modules that run the binary need the `cli` feature;
//! the end-to-end tests against moto need `aws` too.

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
#[path = "it/criteria.rs"]
mod criteria;

#[cfg(feature = "cli")]
#[path = "it/drift.rs"]
mod drift;
#[path = "it/fix.rs"]
mod fix;
#[cfg(feature = "cli")]
#[path = "it/lint.rs"]
mod lint;
#[cfg(feature = "cli")]
#[path = "it/organization.rs"]
mod organization;
#[cfg(feature = "cli")]
#[path = "it/pattern_cli.rs"]
mod pattern_cli;

#[cfg(feature = "cli")]
#[path = "it/action.rs"]
mod action;
#[cfg(feature = "cli")]
#[path = "it/audit.rs"]
mod audit;
#[cfg(all(feature = "cli", unix))]
#[path = "it/bounded.rs"]
mod bounded;
#[cfg(feature = "cli")]
#[path = "it/cis.rs"]
mod cis;
#[cfg(all(feature = "cli", unix))]
#[path = "it/escape.rs"]
mod escape;
#[cfg(feature = "cli")]
#[path = "it/matcher.rs"]
mod matcher;
#[path = "it/pattern_props.rs"]
mod pattern_props;
#[cfg(all(feature = "cli", unix))]
#[path = "it/progress.rs"]
mod progress;
#[cfg(feature = "cli")]
#[path = "it/report.rs"]
mod report;
#[path = "it/semantics.rs"]
mod semantics;

#[cfg(all(feature = "cli", feature = "aws"))]
#[path = "it/e2e.rs"]
mod e2e;
#[cfg(all(feature = "cli", feature = "aws"))]
#[path = "it/e2e_org.rs"]
mod e2e_org;

#[cfg(feature = "cli")]
#[path = "it/packaging.rs"]
mod packaging;
