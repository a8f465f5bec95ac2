//! `cis-filters controls`: the CIS control catalog, or a benchmark's
//! canonical patterns.

use clap::{Args, ValueEnum};
use serde_json::json;

use super::check::find_benchmark;
use super::{EXIT_OK, outln, usage_error};
use crate::cis::{Benchmark, CONTROLS, Control};

/// Output format of `controls`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ControlsFormat {
    /// Aligned columns.
    #[default]
    Table,
    /// One JSON object (docs/check.md).
    Json,
    /// A Markdown table.
    Markdown,
}

/// List the CIS v1.2.0 controls, or a benchmark's canonical patterns.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters controls                              every CIS v1.2.0 control\n  \
    cis-filters controls --format markdown > CONTROLS.md\n  \
    cis-filters controls --benchmark cis-2.0         the 4.x patterns of CIS v2.0.0\n  \
    cis-filters controls --benchmark securityhub --format json\n\n\
    Without --benchmark: id, severity, how it is checked (automated, metric_filter, manual),\n\
    the Security Hub control and the AWS Config rule of each control. With --benchmark: each\n\
    metric-filter control of that benchmark with its recommended pattern (the first accepted\n\
    form) and the number of accepted forms.\n\
    Exit codes: 0 listed, 2 usage error.")]
pub struct ControlsArgs {
    // The help lists the benchmarks of the registry.
    #[arg(long, value_name = "NAME", help = format!(
        "List this benchmark's canonical patterns instead of the catalog ({})",
        crate::cis::benchmark_names(false)
    ))]
    benchmark: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ControlsFormat,
}

/// Run `controls`.
pub fn controls(args: ControlsArgs) -> u8 {
    let text = match &args.benchmark {
        None => catalog(args.format),
        Some(name) => match find_benchmark(name) {
            Ok(b) => patterns(b, args.format),
            Err(e) => return usage_error(e),
        },
    };
    outln(&text);
    EXIT_OK
}

fn catalog(format: ControlsFormat) -> String {
    let cells = |c: &Control| {
        vec![
            c.id.to_owned(),
            c.severity.to_string(),
            c.check.to_string(),
            c.securityhub_id.unwrap_or("-").to_owned(),
            c.config_rule.unwrap_or("-").to_owned(),
            c.title.to_owned(),
        ]
    };
    let header = [
        "ID",
        "SEVERITY",
        "CHECK",
        "SECURITY HUB",
        "CONFIG RULE",
        "TITLE",
    ];
    match format {
        ControlsFormat::Json => json!({ "benchmark": "cis-1.2", "controls": CONTROLS }).to_string(),
        ControlsFormat::Table => table(&header, CONTROLS.iter().map(cells).collect()),
        ControlsFormat::Markdown => markdown(&header, CONTROLS.iter().map(cells).collect()),
    }
}

fn patterns(b: &Benchmark, format: ControlsFormat) -> String {
    let rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .map(|r| {
            vec![
                r.control.to_owned(),
                r.securityhub_id.unwrap_or("-").to_owned(),
                r.canonical.len().to_string(),
                r.title.to_owned(),
                r.canonical.first().copied().unwrap_or_default().to_owned(),
            ]
        })
        .collect();
    let header = ["CONTROL", "SECURITY HUB", "FORMS", "TITLE", "PATTERN"];
    match format {
        ControlsFormat::Json => json!(b).to_string(),
        ControlsFormat::Table => format!("{}\n\n{}", b.title, table(&header, rows)),
        ControlsFormat::Markdown => format!("## {}\n\n{}", b.title, markdown(&header, rows)),
    }
}

/// Columns padded to their widest cell; the last column is not padded.
fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let n = cells.len();
        cells
            .into_iter()
            .zip(&widths)
            .enumerate()
            .map(
                |(i, (c, w))| {
                    if i + 1 == n { c } else { format!("{c:<w$}") }
                },
            )
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = vec![line(header.iter().map(|h| (*h).to_owned()).collect())];
    out.extend(rows.into_iter().map(line));
    out.join("\n")
}

/// A Markdown table; `|` in cells is escaped.
fn markdown(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = vec![
        format!("| {} |", header.join(" | ")),
        format!("|{}", "---|".repeat(header.len())),
    ];
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|c| {
                if c.starts_with('{') {
                    format!("`{}`", esc(c))
                } else {
                    esc(c)
                }
            })
            .collect();
        out.push(format!("| {} |", cells.join(" | ")));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every help text that lists the benchmarks lists all of them (`check`'s
    /// is written by hand, for its line breaks).
    #[test]
    fn help_texts_list_every_benchmark() {
        let mut cli = super::super::Cli::command();
        for sub in ["check", "controls", "verify", "lint"] {
            let Some(cmd) = cli.find_subcommand_mut(sub) else {
                panic!("no subcommand {sub}")
            };
            let help = cmd.render_long_help().to_string().replace('\n', " ");
            let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
            for b in crate::cis::BENCHMARKS {
                assert!(
                    help.contains(b.name),
                    "`{sub} --help` does not name {}",
                    b.name
                );
            }
        }
    }
}
