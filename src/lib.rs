//! cis-filters: CloudWatch Logs filter patterns, parsed and compared exactly,
//! and the CIS AWS Foundations Benchmark checks built on them.
//!
//! Layers (`docs/design.md` says more, with the dependency directions):
//! - [`pattern`]: the filter-pattern language: spanned [`pattern::Ast`], nom
//!   parser, errors with spans, the span-free [`pattern::Normal`] form and the
//!   printers. Pure.
//! - [`matcher`]: evaluate patterns against log events with CloudWatch Logs
//!   semantics (JSON, space-delimited, terms, regex). Pure.
//! - [`semantics`]: the relation of two patterns (equivalent, narrower,
//!   broader, overlapping, disjoint, never) with witness events the matcher
//!   confirms. Pure.
//! - [`cis`]: the CIS control catalog, canonical patterns per benchmark and verdicts. Pure.
//! - [`criteria`]: the `fieldSelectionCriteria` language of metric filters (which
//!   accounts and Regions a central filter counts): parser, normal form, evaluation. Pure.
//! - [`snapshot`]: the account [`snapshot::Snapshot`], one module per AWS
//!   service, and reading it from JSON. Plain data. Pure.
//! - [`audit`]: the CIS checks over a snapshot. Pure.
//! - [`lint`]: filter patterns in Terraform and CloudFormation, extracted with exact positions and checked. Pure.
//! - [`drift`]: the code's filters and alarms (from [`lint`]) paired with a
//!   snapshot's, and how each pair differs. Pure.
//! - [`report`]: output formats shared by lint and audit (SARIF 2.1.0).
//! - `aws` (feature `aws`, off by default): the only network code; collects a
//!   snapshot of an account with the AWS SDK. It does not need `cli`: a
//!   library user takes `default-features = false, features = ["aws"]`.
//! - `cli` (feature `cli`, the default): the `cis-filters` command line.

pub mod audit;
pub mod cis;
pub mod criteria;
pub mod drift;
pub mod lint;
pub mod matcher;
pub mod pattern;
pub mod report;
pub mod semantics;
pub mod snapshot;

#[cfg(feature = "aws")]
pub mod aws;

#[cfg(feature = "cli")]
pub mod cli;
