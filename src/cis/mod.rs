//! The CIS AWS Foundations Benchmark: the control catalog and the canonical
//! metric-filter patterns each benchmark version prescribes.
//!
//! - [`catalog`]: every CIS v1.2.0 control, with severity, the AWS Config rule
//!   and Security Hub control it maps to, and how it is checked.
//!
//! Pure: no I/O, no clock.

#[macro_use]
mod patterns;
pub mod catalog;

pub use catalog::{CONTROLS, CheckKind, Control, Section, Severity, control};
