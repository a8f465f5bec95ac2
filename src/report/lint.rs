//! Output formats of a lint [`Report`]: human (compiler style), JSON
//! (stable, documented in `docs/lint.md`), SARIF 2.1.0 and GitHub Actions
//! workflow commands.

use serde::Serialize;

use crate::lint::rules::{Level, Rule};
use crate::lint::{Diagnostic, Location, Related, Report};
use crate::pattern::error::excerpt;
use crate::report::{escape, sarif};

/// The version of the JSON output's shape. It changes only when a field is
/// removed or changes meaning; new fields may appear at any time.
pub const JSON_VERSION: u32 = 1;

/// The tool's information URI in SARIF: the language the rules check (the
/// rules themselves are documented in `docs/lint.md`).
pub const DOCS_URI: &str =
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html";

/// Compiler-style text: `level[CODE]: message`, `--> file:line:col`, the
/// source line with a caret, notes and help; then a summary line. Control
/// characters from the files (names, strings) are shown escaped.
pub fn human(report: &Report, colour: bool) -> String {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        human_diagnostic(&mut out, d, &paint);
    }
    out.push_str(&human_summary(report));
    out.push('\n');
    out
}

/// Paints text with an SGR code (or leaves it plain).
type Paint<'a> = dyn Fn(&str, &str) -> String + 'a;

fn esc(s: &str) -> String {
    escape::line(s).into_owned()
}

/// One diagnostic: heading, place with its snippet, related places, notes
/// and help, then a blank line.
fn human_diagnostic(out: &mut String, d: &Diagnostic, paint: &Paint<'_>) {
    let (lvl, colour_code) = match d.level {
        Level::Error => ("error", "1;31"),
        Level::Warning => ("warning", "1;33"),
        Level::Info => ("info", "1;36"),
    };
    out.push_str(&paint(colour_code, &format!("{lvl}[{}]", d.code)));
    out.push_str(&paint("1", &format!(": {}", esc(&d.message))));
    out.push('\n');
    let gutter_width = d
        .location
        .as_ref()
        .map_or(1, |l| l.line.to_string().len())
        .max(
            d.related
                .iter()
                .map(|r| r.location.line.to_string().len())
                .max()
                .unwrap_or(1),
        );
    let gutter = " ".repeat(gutter_width);
    if let Some(loc) = &d.location {
        out.push_str(&format!(
            "{gutter}{} {}:{}:{}\n",
            paint("1;34", "-->"),
            esc(&loc.path),
            loc.line,
            loc.column
        ));
        snippet(out, loc, &gutter, paint, colour_code, "");
    }
    for r in &d.related {
        related(out, d, r, &gutter, paint);
    }
    let mut notes = Vec::new();
    if let Some(res) = &d.resource {
        let mut s = format!("resource `{}`", esc(res));
        if let Some(v) = &d.variant {
            s.push_str(&format!(", {}", esc(v)));
        }
        notes.push(("note", s));
    }
    notes.extend(d.notes.iter().map(|n| ("note", esc(n))));
    notes.extend(d.help.iter().map(|h| ("help", esc(h))));
    for (what, text) in notes {
        out.push_str(&format!("{gutter} {} {what}: {text}\n", paint("1;34", "=")));
    }
    out.push('\n');
}

/// A related place: on the diagnostic's own line, a note with its column;
/// elsewhere, its place and snippet.
fn related(out: &mut String, d: &Diagnostic, r: &Related, gutter: &str, paint: &Paint<'_>) {
    if d.location
        .as_ref()
        .is_some_and(|l| l.line == r.location.line && l.path == r.location.path)
    {
        out.push_str(&format!(
            "{gutter} {} related: {} at column {}\n",
            paint("1;34", "="),
            esc(&r.message),
            r.location.column
        ));
    } else {
        out.push_str(&format!(
            "{gutter}{} {}:{}:{} ({})\n",
            paint("1;34", "::"),
            esc(&r.location.path),
            r.location.line,
            r.location.column,
            esc(&r.message)
        ));
        snippet(out, &r.location, gutter, paint, "1;34", "");
    }
}

/// The last line: filters, files, counts per level, and how many CIS
/// filters pass.
fn human_summary(report: &Report) -> String {
    let (e, w, i) = (
        report.count(Level::Error),
        report.count(Level::Warning),
        report.count(Level::Info),
    );
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    let mut summary = format!(
        "{} in {}: {}, {}, {}",
        plural(report.filters.len(), "filter"),
        plural(report.files_scanned, "file"),
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info")
    );
    if report.suppressed > 0 {
        summary.push_str(&format!(" ({} suppressed)", report.suppressed));
    }
    let passing = report
        .filters
        .iter()
        .filter(|f| f.passes == Some(true))
        .count();
    let cis = report
        .filters
        .iter()
        .filter(|f| f.verdict.is_some())
        .count();
    if cis > 0 {
        summary.push_str(&format!(
            "; {passing} of {cis} CIS filters pass {} ({})",
            report.benchmark, report.mode
        ));
    }
    summary
}

fn snippet(
    out: &mut String,
    loc: &Location,
    gutter: &str,
    paint: &Paint<'_>,
    colour_code: &str,
    label: &str,
) {
    let line = &loc.source_line;
    // Tabs and characters a terminal would act on become spaces, one
    // column each, so the caret below stays under its span.
    let cleaned: String = line
        .chars()
        .map(|c| {
            if c == '\t' || escape::dangerous(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let width = if loc.end_line == loc.line {
        loc.end_column.saturating_sub(loc.column).max(1)
    } else {
        (line.chars().count() + 1).saturating_sub(loc.column).max(1)
    };
    let shown = excerpt(&cleaned, loc.column.saturating_sub(1), width);
    out.push_str(&format!("{gutter} {}\n", paint("1;34", "|")));
    out.push_str(&format!(
        "{} {} {}\n",
        paint("1;34", &format!("{:>w$}", loc.line, w = gutter.len())),
        paint("1;34", "|"),
        shown.line
    ));
    out.push_str(&format!(
        "{gutter} {} {}{}{}\n",
        paint("1;34", "|"),
        " ".repeat(shown.indent),
        paint(colour_code, &"^".repeat(shown.carets)),
        if label.is_empty() {
            String::new()
        } else {
            format!(" {label}")
        }
    ));
}

/// The JSON document (see `docs/lint.md` for the contract).
pub fn json(report: &Report) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        tool: &'static str,
        tool_version: &'static str,
        #[serde(flatten)]
        report: &'a Report,
        summary: Summary,
    }
    #[derive(Serialize)]
    struct Summary {
        errors: usize,
        warnings: usize,
        infos: usize,
        suppressed: usize,
        filters: usize,
    }
    let doc = Doc {
        version: JSON_VERSION,
        tool: "cis-filters",
        tool_version: env!("CARGO_PKG_VERSION"),
        report,
        summary: Summary {
            errors: report.count(Level::Error),
            warnings: report.count(Level::Warning),
            infos: report.count(Level::Info),
            suppressed: report.suppressed,
            filters: report.filters.len(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| String::from("{}"));
    s.push('\n');
    s
}

/// A SARIF 2.1.0 log with one run; every rule is listed in the driver.
pub fn sarif(report: &Report) -> String {
    let mut run = sarif::Run::new(sarif::Tool::new(
        "cis-filters",
        env!("CARGO_PKG_VERSION"),
        DOCS_URI,
    ));
    for r in Rule::ALL {
        run.tool.driver.rules.push(
            sarif::ReportingDescriptor::new(r.code(), r.name(), r.summary())
                .level(sarif_level(r.level()))
                .tags(&["security", "cloudwatch-logs"]),
        );
    }
    for d in &report.diagnostics {
        let rule_index = Rule::ALL.iter().position(|r| r.code() == d.code);
        let mut text = d.message.clone();
        for n in &d.notes {
            text.push_str(&format!("\nnote: {n}"));
        }
        if let Some(h) = &d.help {
            text.push_str(&format!("\nhelp: {h}"));
        }
        let mut res = sarif::SarifResult::new(d.code, sarif_level(d.level), &text);
        res.rule_index = rule_index;
        if let Some(loc) = &d.location {
            res = res.at(&sarif::relative_uri(&loc.path), region(loc));
        }
        if let Some(r) = &d.resource {
            res = res.resource(r, "resource");
        }
        for rel in &d.related {
            res.related_locations.push(
                sarif::Location::file(
                    &sarif::relative_uri(&rel.location.path),
                    Some(region(&rel.location)),
                )
                .message(&rel.message),
            );
        }
        let fingerprint = format!(
            "{}:{}:{}",
            d.code,
            d.resource.as_deref().or(d.control.as_deref()).unwrap_or(""),
            d.variant.as_deref().unwrap_or("")
        );
        res.partial_fingerprints
            .insert("cisFilters/v1".to_owned(), fingerprint);
        run.results.push(res);
    }
    // Paths not linted, as notifications of the tool's own run.
    if !report.skipped.is_empty() {
        run.invocations.push(sarif::Invocation {
            execution_successful: true,
            tool_execution_notifications: report
                .skipped
                .iter()
                .map(|s| sarif::Notification {
                    level: sarif::Level::Note,
                    message: sarif::Message::text(&format!("skipped: {}", s.reason)),
                    locations: vec![sarif::Location::file(&sarif::relative_uri(&s.path), None)],
                })
                .collect(),
        });
    }
    sarif::Log::new(vec![run]).to_json()
}

fn sarif_level(l: Level) -> sarif::Level {
    match l {
        Level::Error => sarif::Level::Error,
        Level::Warning => sarif::Level::Warning,
        Level::Info => sarif::Level::Note,
    }
}

fn region(loc: &Location) -> sarif::Region {
    sarif::Region::new(
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column.max(loc.column),
    )
    .bytes(loc.byte_start, loc.byte_end.saturating_sub(loc.byte_start))
}

/// GitHub Actions workflow commands (`::error file=…,line=…::message`),
/// one per diagnostic, shown as annotations on the pull request.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let cmd = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(l) = &d.location {
            props.push(format!("file={}", escape_property(&l.path)));
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
            if l.end_line != l.line {
                props.push(format!("endLine={}", l.end_line));
            } else {
                props.push(format!("endColumn={}", l.end_column));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.rule))
        ));
        let mut msg = d.message.clone();
        if let Some(r) = &d.resource {
            msg.push_str(&format!("\nresource: {r}"));
        }
        for n in &d.notes {
            msg.push_str(&format!("\nnote: {n}"));
        }
        if let Some(h) = &d.help {
            msg.push_str(&format!("\nhelp: {h}"));
        }
        out.push_str(&format!(
            "::{cmd} {}::{}\n",
            props.join(","),
            escape_data(&msg)
        ));
    }
    out
}

/// The message of a workflow command: on one line (`%`, CR and LF
/// percent-encoded, as the Actions runner decodes them), other control
/// characters shown escaped (the log viewer renders ANSI sequences).
fn escape_data(s: &str) -> String {
    escape::text(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property (`file=`, `title=`): also `:` and `,`, which would end it.
fn escape_property(s: &str) -> String {
    escape_data(&escape::line(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Options, SourceFile, lint};

    fn report() -> Report {
        let tf = "resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n  pattern = \"{ $.a = 1 && $.a = 2 }\"\n}\nresource \"aws_cloudwatch_log_subscription_filter\" \"y\" {\n  filter_pattern = \"{ $.a = \\\"x\\\" && }\"\n}\n";
        lint(
            &[SourceFile {
                path: "dir/main, 1.tf".into(),
                bytes: tf.as_bytes().to_vec(),
            }],
            &Options::default(),
        )
    }

    #[test]
    fn human_has_location_caret_and_summary() {
        let h = human(&report(), false);
        assert!(
            h.contains("warning[CF0300]: `$.a` cannot equal both `1` and `2`"),
            "{h}"
        );
        assert!(h.contains(" --> dir/main, 1.tf:2:16\n"), "{h}");
        let caret = format!(
            "2 |   pattern = \"{{ $.a = 1 && $.a = 2 }}\"\n  | {}{}\n",
            " ".repeat(15),
            "^".repeat(18)
        );
        assert!(h.contains("  = related: `$.a = 2` at column 27\n"), "{h}");
        assert!(h.contains(&caret), "{h}");
        assert!(h.contains("error[CF0100]"), "{h}");
        assert!(
            h.ends_with("2 filters in 1 file: 1 error, 1 warning, 0 infos\n"),
            "{h}"
        );
        assert!(!h.contains('\x1b'));
        assert!(human(&report(), true).contains("\x1b[1;31m"));
    }

    #[test]
    fn source_lines_show_control_and_bidi_characters_as_spaces() {
        let tf = "resource \"aws_cloudwatch_log_metric_filter\" \"x\" {\n  pattern = \"{ $.a = \u{202e}1 && $.a = 2 }\"\n}\n";
        let r = lint(
            &[SourceFile {
                path: "bidi.tf".into(),
                bytes: tf.as_bytes().to_vec(),
            }],
            &Options::default(),
        );
        let h = human(&r, false);
        assert!(
            h.contains("2 |   pattern = \"{ $.a =  1 && $.a = 2 }\"\n"),
            "{h}"
        );
        assert!(!h.contains('\u{202e}'), "{h}");
    }

    #[test]
    fn github_commands_escape() {
        let g = github(&report());
        let first = g.lines().nth(1).unwrap();
        assert!(first.starts_with("::error file=dir/main%2C 1.tf,line=5,col=38,endColumn=39,title=CF0100 pattern-syntax::expected a condition"), "{g}");
        assert!(
            first.contains("%0Aresource: aws_cloudwatch_log_subscription_filter.y"),
            "{g}"
        );
        assert!(g.starts_with("::warning "), "{g}");
        assert_eq!(g.lines().count(), 2);
    }

    #[test]
    fn json_and_sarif_shapes() {
        let r = report();
        let j: serde_json::Value = serde_json::from_str(&json(&r)).unwrap();
        assert_eq!(j["version"], 1);
        assert_eq!(j["summary"]["errors"], 1);
        assert_eq!(j["diagnostics"][1]["code"], "CF0100");
        assert_eq!(j["diagnostics"][1]["syntax_error"], "expected_condition");
        assert_eq!(j["diagnostics"][1]["location"]["line"], 5);
        assert_eq!(j["filters"][0]["kind"], "metric_filter");
        let s: serde_json::Value = serde_json::from_str(&sarif(&r)).unwrap();
        assert_eq!(s["runs"][0]["results"][1]["ruleId"], "CF0100");
        assert_eq!(s["runs"][0]["results"][1]["level"], "error");
        assert_eq!(
            s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "dir/main%2C%201.tf"
        );
        assert_eq!(
            s["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            Rule::ALL.len()
        );
        assert!(r.fails(false));
    }
}
