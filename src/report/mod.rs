//! Rendering of findings and diagnostics for other tools.
//!
//! - [`sarif`]: a generic SARIF 2.1.0 model for code-scanning uploads.

pub mod sarif;
