//! `lint --format html`: a lint run as a page — the header (benchmark, match
//! mode, files, tool version), counts per level, the diagnostics (filterable,
//! with the source line, notes and help), the `--require` table and every
//! filter found with its verdict.

use maud::{Markup, html};

use super::{Page, filter_bar, mark};
use crate::lint::{Level, Location, Report};

fn level_kind(l: Level) -> &'static str {
    match l {
        Level::Error => "FAILED",
        Level::Warning => "WARNING",
        Level::Info => "INFO",
    }
}

fn level_name(l: Level) -> &'static str {
    match l {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "info",
    }
}

fn place(l: &Location) -> String {
    format!("{}:{}:{}", l.path, l.line, l.column)
}

/// The source line with the span underlined.
fn snippet(l: &Location) -> Markup {
    let line: String = l
        .source_line
        .chars()
        .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
        .collect();
    let width = if l.end_line == l.line {
        l.end_column.saturating_sub(l.column).max(1)
    } else {
        (line.chars().count() + 1).saturating_sub(l.column).max(1)
    };
    let caret = format!(
        "{}{}",
        " ".repeat(l.column.saturating_sub(1)),
        "^".repeat(width)
    );
    html! { pre.snippet { (l.line) " | " (line) "\n" (" ".repeat(l.line.to_string().len())) " | " (caret) } }
}

fn summary(r: &Report) -> Markup {
    let passing = r.filters.iter().filter(|f| f.passes == Some(true)).count();
    let judged = r.filters.iter().filter(|f| f.verdict.is_some()).count();
    html! {
        div.cards {
            @for l in [Level::Error, Level::Warning, Level::Info] {
                div.card { span.n { (r.count(l)) } span.l { (mark(level_kind(l), level_name(l))) br; "diagnostics" } }
            }
            div.card { span.n { (r.filters.len()) } span.l { "filters in " (r.files_scanned) " files" } }
            div.card { span.n { (passing) " / " (judged) } span.l { "CIS filters pass" } }
            @if r.suppressed > 0 {
                div.card { span.n { (r.suppressed) } span.l { "suppressed" } }
            }
        }
    }
}

fn diagnostics(r: &Report) -> Markup {
    html! {
        @if r.diagnostics.is_empty() {
            p { (mark("PASSED", "No diagnostics.")) }
        } @else {
            (filter_bar(&[("FAILED", "error"), ("WARNING", "warning"), ("INFO", "info")]))
            table id="filterable" {
                thead { tr { th { "Level" } th { "Rule" } th { "Where" } th { "Message" } } }
                tbody {
                    @for d in &r.diagnostics {
                        tr data-status=(level_kind(d.level)) {
                            td { (mark(level_kind(d.level), level_name(d.level))) }
                            td { code { (d.code) } br; span.small.muted { (d.rule) } }
                            td.mono.small.where {
                                @if let Some(l) = &d.location { (place(l)) } @else { "(run)" }
                                @if let Some(res) = &d.resource { br; (res) }
                                @if let Some(v) = &d.variant { br; span.muted { (v) } }
                            }
                            td {
                                (d.message)
                                @if let Some(l) = &d.location { (snippet(l)) }
                                @for rel in &d.related {
                                    p.small { (place(&rel.location)) ": " (rel.message) }
                                }
                                @for n in &d.notes { p.small { "note: " (n) } }
                                @if let Some(h) = &d.help { p.small { strong { "help: " } (h) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn required(r: &Report) -> Markup {
    html! {
        table.small {
            thead { tr { th { "Control" } th { "Status" } th { "Title" } th { "Passed by" } } }
            tbody {
                @for q in &r.required {
                    tr {
                        td { (q.control) }
                        td { @if q.passed_by.is_empty() { (mark("FAILED", "missing")) } @else { (mark("PASSED", "present")) } }
                        td { (q.title) }
                        td.mono { (q.passed_by.join(", ")) }
                    }
                }
            }
        }
    }
}

fn filters(r: &Report) -> Markup {
    html! {
        table.small {
            thead { tr { th { "Where" } th { "Resource" } th { "Control" } th { "Verdict" } th { "Pattern" } } }
            tbody {
                @for f in &r.filters {
                    tr {
                        td.mono.where { (place(&f.location)) }
                        td.mono { (f.resource) @if let Some(v) = &f.variant { br; span.muted { (v) } } }
                        td { (f.control.as_deref().unwrap_or("—")) @if let Some(m) = f.matched_by { br; span.muted { "by " (m) } } }
                        td {
                            @match (f.passes, &f.verdict) {
                                (Some(true), Some(v)) => (mark("PASSED", v.as_str())),
                                (Some(false), Some(v)) => (mark("FAILED", v.as_str())),
                                _ => @if f.valid == Some(false) { (mark("FAILED", "invalid")) } @else { span.muted { "—" } },
                            }
                        }
                        td { @if let Some(p) = &f.pattern { code { (p) } } @else { span.muted { "not statically known" } } }
                    }
                }
            }
        }
    }
}

/// The HTML report of a lint run.
pub fn render(r: &Report) -> String {
    let mut page = Page::new("cis-filters lint");
    page.fact("Benchmark", r.benchmark);
    page.fact("Match mode", r.mode.as_str());
    page.fact("Files scanned", r.files_scanned.to_string());
    page.fact("Filters", r.filters.len().to_string());
    page.fact("Tool", concat!("cis-filters ", env!("CARGO_PKG_VERSION")));
    page.section("summary", "Summary", summary(r));
    page.section("diagnostics", "Diagnostics", diagnostics(r));
    if !r.required.is_empty() {
        page.section("required", "Required controls", required(r));
    }
    page.section("filters", "Filters found", filters(r));
    page.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Options, SourceFile, lint};

    #[test]
    fn diagnostics_and_patterns_are_escaped() {
        let tf = r#"resource "aws_cloudwatch_log_metric_filter" "x<script>" {
  name           = "a"
  log_group_name = "g"
  pattern        = "{ $.eventName = \"<img src=x>\" || }"
  metric_transformation {
    name      = "m"
    namespace = "n"
    value     = "1"
  }
}
"#;
        let files = [SourceFile {
            path: "main<b>.tf".into(),
            bytes: tf.as_bytes().to_vec(),
        }];
        let report = lint(&files, &Options::default());
        assert!(!report.diagnostics.is_empty());
        let s = render(&report);
        assert!(!s.contains("<img"), "{s}");
        assert!(!s.contains("<b>"));
        assert!(s.contains("main&lt;b&gt;.tf"));
        assert!(s.contains("CF0100"));
        assert!(s.contains(r#"data-status="FAILED""#));
    }
}
