//! Remediation: for every FAILED control of an audit, the smallest change
//! that makes it pass, addressed to the account's real resources.
//!
//! Pure, like the audit: [`plan`] turns an [`Audit`](crate::audit::Audit)
//! and the [`Snapshot`](crate::snapshot::Snapshot) it judged into a
//! [`Plan`] (data: one [`Item`] per resource changed, created or to be
//! looked at by hand); [`apply()`] plays a plan on the snapshot model, which
//! is how the tests prove that each item fixes what it says and nothing
//! else moves; one renderer per format writes the plan for people and tools:
//! [`terraform::render`], [`cloudformation::render`] and [`shell::render`]
//! (AWS CLI). Nothing here calls AWS; the output is for the user to review
//! and run. `docs/remediation.md` describes the fix of every control.

mod apply;
pub mod cloudformation;
mod model;
mod planner;
pub mod shell;
pub mod terraform;
mod text;

pub use apply::{apply, apply_items};
pub use model::*;
pub use planner::plan;

#[cfg(test)]
mod tests;
