//! Rendering of findings and diagnostics for other tools.
//!
//! - [`sarif`]: a generic SARIF 2.1.0 model for code-scanning uploads.
//! - [`audit`]: an account audit as table, JSON, ASFF, OCSF, SARIF, CSV or JUnit XML.
//! - [`escape`]: outside text made safe for a terminal (control characters shown as escapes).
//! - [`organization`]: an organization's (or several accounts') audit in every `verify` format.
//! - [`html`]: self-contained HTML pages of an audit or a lint run.
//! - [`lint`]: a lint run as human text, JSON, SARIF or GitHub workflow commands.

pub mod audit;
pub mod escape;
pub mod html;
pub mod lint;
pub mod organization;
pub mod sarif;
