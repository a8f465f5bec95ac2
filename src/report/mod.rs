//! Rendering of findings and diagnostics for other tools.
//!
//! - [`sarif`]: a generic SARIF 2.1.0 model for code-scanning uploads.
//! - [`audit`]: an account audit as table, JSON, ASFF, SARIF, CSV or JUnit XML.

pub mod audit;
pub mod sarif;
