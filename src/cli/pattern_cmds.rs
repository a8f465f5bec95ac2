//! `parse` and `fmt` (being written).

use clap::Args;

/// Arguments of `parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The pattern; `-` or nothing reads stdin.
    pattern: Option<String>,
}

/// Arguments of `fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The pattern; `-` or nothing reads stdin.
    pattern: Option<String>,
}

pub fn parse(_: ParseArgs) -> u8 {
    super::usage_error("parse: not built yet")
}

pub fn fmt(_: FmtArgs) -> u8 {
    super::usage_error("fmt: not built yet")
}
