//! The CIS AWS Foundations Benchmark: the control catalog and the canonical
//! metric-filter patterns each benchmark version prescribes.
//!
//! - [`catalog`]: every CIS v1.2.0 control, with severity, the AWS Config rule
//!   and Security Hub control it maps to, and how it is checked.
//! - [`benchmarks`]: the canonical metric-filter patterns per benchmark
//!   version (`cis-1.2`, `securityhub`, `cis-1.4`, `cis-2.0`, `cis-3.0`,
//!   `cis-5.0`), as data.
//! - [`verdict`]: exact / equivalent / different / invalid, with a
//!   term-level explanation, and classification without a control.
//!
//! Pure: no I/O, no clock.

#[macro_use]
mod patterns;
pub mod benchmarks;
pub mod catalog;
pub mod verdict;

pub use benchmarks::{BENCHMARKS, Benchmark, DEFAULT_BENCHMARK, PatternRow, benchmark};
pub use catalog::{CONTROLS, CheckKind, Control, Section, Severity, control};
pub use verdict::{
    CLOSE_SCORE, Candidate, Change, Classification, Comparison, Difference, MatchMode, Verdict,
    classify, closeness, compare,
};
