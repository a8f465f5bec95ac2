//! An [`Audit`](crate::audit::Audit) rendered for people and for other tools.
//! Pure: every renderer returns a `String`; the command line writes it.
//!
//! | format | renderer | contract |
//! |---|---|---|
//! | `table` | [`table::render`] | for people; not a contract |
//! | `json` | [`json::render`] | stable, `docs/report.md` |
//! | `asff` | [`asff::render`] | AWS Security Finding Format, for `BatchImportFindings` |
//! | `asff-batches` | [`asff::render_batches`] | the same as request bodies of at most 100 findings, one per line |
//! | `ocsf` | [`ocsf::render`] | OCSF 1.5.0 Compliance Finding events |
//! | `sarif` | [`sarif::render`] | SARIF 2.1.0 |
//! | `csv` | [`csv::render`] | one row per finding |
//! | `junit` | [`junit::render`] | JUnit XML, one test case per control |
//! | `html` | [`crate::report::html::audit::render`] | one self-contained page for people |

pub mod asff;
pub mod csv;
pub mod json;
pub mod junit;
pub mod ocsf;
pub mod sarif;
pub mod table;

use std::fmt;
use std::str::FromStr;

/// An output format of `verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned text (the default).
    #[default]
    Table,
    /// The JSON report.
    Json,
    /// AWS Security Finding Format.
    Asff,
    /// ASFF as `BatchImportFindings` request bodies, one per line.
    AsffBatches,
    /// OCSF Compliance Finding events.
    Ocsf,
    /// SARIF 2.1.0.
    Sarif,
    /// CSV.
    Csv,
    /// JUnit XML.
    Junit,
    /// A self-contained HTML page.
    Html,
}

impl Format {
    /// Every format, in help order.
    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Asff,
        Format::AsffBatches,
        Format::Ocsf,
        Format::Sarif,
        Format::Csv,
        Format::Junit,
        Format::Html,
    ];

    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Asff => "asff",
            Format::AsffBatches => "asff-batches",
            Format::Ocsf => "ocsf",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }

    /// Render an audit in this format (`colour` applies to the table only).
    pub fn render(self, audit: &crate::audit::Audit, colour: bool) -> String {
        match self {
            Format::Table => table::render(audit, colour),
            Format::Json => json::render(audit),
            Format::Asff => asff::render(audit),
            Format::AsffBatches => asff::render_batches(audit),
            Format::Ocsf => ocsf::render(audit),
            Format::Sarif => sarif::render(audit),
            Format::Csv => csv::render(audit),
            Format::Junit => junit::render(audit),
            Format::Html => crate::report::html::audit::render(audit),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format `{s}`: expected one of {}", names.join(", "))
            })
    }
}

/// JSON text with a trailing newline (serialising plain data cannot fail).
fn pretty(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_owned());
    s.push('\n');
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::audit::{Audit, Options, run};
    use crate::cis::{MatchMode, benchmark};

    /// The audit of an example snapshot.
    pub fn audit_of(s: &crate::audit::Snapshot) -> Audit {
        run(
            s,
            &Options {
                benchmark: benchmark("cis-1.2").unwrap(),
                mode: MatchMode::Normalized,
                controls: None,
                procedure: crate::audit::Procedure::SecurityHub,
            },
        )
    }

    #[test]
    fn formats_parse() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        assert!("xml".parse::<Format>().unwrap_err().contains("junit"));
    }
}
