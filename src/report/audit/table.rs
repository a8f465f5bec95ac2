//! The table for people: one row per control (id, status, severity, title,
//! reason), then the findings that FAILED or WARNED, then a summary line.
//! Text from the account (names, patterns, AWS error messages) is shown
//! with its control characters escaped ([`escape::line`]).

use std::fmt::Write;

use crate::audit::{Audit, Status};
use crate::report::escape;

const RESET: &str = "\x1b[0m";

fn paint(status: Status) -> &'static str {
    match status {
        Status::Passed => "\x1b[32m",
        Status::Failed => "\x1b[1;31m",
        Status::Warning => "\x1b[33m",
        Status::NotAvailable => "\x1b[2m",
    }
}

/// `text` padded to `width` characters, coloured for `status` when asked.
fn cell(text: &str, width: usize, status: Option<Status>, colour: bool) -> String {
    let pad = width.saturating_sub(text.chars().count());
    match status {
        Some(st) if colour => format!("{}{text}{RESET}{}", paint(st), " ".repeat(pad)),
        _ => format!("{text}{}", " ".repeat(pad)),
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Render the table; `colour` adds ANSI colours to statuses.
pub fn render(a: &Audit, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "CIS audit of account {} (snapshot {}), benchmark {}, match {}",
        escape::line(&a.account),
        escape::line(a.taken_at.as_str()),
        a.benchmark,
        a.mode
    );
    out.push('\n');
    let id_w = a
        .controls
        .iter()
        .map(|c| c.control.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    control_rows(&mut out, a, id_w, colour);
    problems(&mut out, a, id_w, colour);
    let _ = writeln!(
        out,
        "\n{} passed, {} failed, {} warning, {} not available ({} controls)",
        a.count(Status::Passed),
        a.count(Status::Failed),
        a.count(Status::Warning),
        a.count(Status::NotAvailable),
        a.controls.len()
    );
    out
}

/// The header and one row per control.
fn control_rows(out: &mut String, a: &Audit, id_w: usize, colour: bool) {
    let _ = writeln!(
        out,
        "{}  {}  {}  {:<50}  REASON",
        cell("ID", id_w, None, false),
        cell("STATUS", 13, None, false),
        cell("SEVERITY", 8, None, false),
        "TITLE"
    );
    for c in &a.controls {
        let _ = writeln!(
            out,
            "{}  {}  {}  {:<50}  {}",
            cell(c.control.id, id_w, None, false),
            cell(c.status.as_str(), 13, Some(c.status), colour),
            cell(c.control.severity.as_str(), 8, None, false),
            clip(c.control.title, 50),
            escape::line(c.reason())
        );
    }
}

/// The findings that failed or warned, each with its verdict's term
/// differences when it has them.
fn problems(out: &mut String, a: &Audit, id_w: usize, colour: bool) {
    let problems: Vec<_> = a
        .controls
        .iter()
        .flat_map(|c| c.findings.iter().map(move |f| (c, f)))
        .filter(|(_, f)| matches!(f.status, Status::Failed | Status::Warning))
        .collect();
    if problems.is_empty() {
        return;
    }
    out.push_str("\nFindings that failed or warned:\n");
    for (c, f) in problems {
        let region = f.region.as_deref().unwrap_or("global");
        let _ = writeln!(
            out,
            "  {} {} {} [{}] {}: {}",
            cell(c.control.id, id_w, None, false),
            cell(f.status.as_str(), 7, Some(f.status), colour),
            escape::line(&f.resource),
            escape::line(region),
            f.reason_code,
            escape::line(&f.reason)
        );
        let differences = f
            .evidence
            .get("verdict")
            .and_then(|v| v.get("differences"))
            .and_then(|d| d.as_array());
        for d in differences.into_iter().flatten() {
            let _ = writeln!(out, "{}", escape::line(&difference(d)));
        }
    }
}

/// One term difference of a verdict's evidence, as an indented line:
/// `      missing: term (expected X, found Y)`.
fn difference(d: &serde_json::Value) -> String {
    let text = |k: &str| d.get(k).and_then(|x| x.as_str());
    let mut line = format!(
        "      {}: {}",
        text("change").unwrap_or(""),
        text("term").unwrap_or("")
    );
    match (text("expected"), text("found")) {
        (Some(e), Some(f)) => {
            let _ = write!(line, " (expected {e}, found {f})");
        }
        (Some(e), None) => {
            let _ = write!(line, " (expected {e})");
        }
        (None, Some(f)) => {
            let _ = write!(line, " (found {f})");
        }
        (None, None) => {}
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn term_differences_say_what_was_expected_and_found() {
        let line = |d: serde_json::Value| difference(&d);
        assert_eq!(
            line(
                serde_json::json!({"change": "changed", "term": "$.a", "expected": "1", "found": "2"})
            ),
            "      changed: $.a (expected 1, found 2)"
        );
        assert_eq!(
            line(serde_json::json!({"change": "missing", "term": "$.a", "expected": "1"})),
            "      missing: $.a (expected 1)"
        );
        assert_eq!(
            line(serde_json::json!({"change": "extra", "term": "$.b", "found": "2"})),
            "      extra: $.b (found 2)"
        );
        assert_eq!(
            line(serde_json::json!({"change": "structure", "term": "||"})),
            "      structure: ||"
        );
        assert_eq!(line(serde_json::json!({})), "      : ");
    }

    #[test]
    fn plain_and_coloured() {
        let a = audit_of(&testkit::mixed());
        let plain = render(&a, false);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains("3.2  FAILED"), "{plain}");
        assert!(plain.contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID"));
        assert!(plain.lines().last().unwrap().ends_with("(49 controls)"));
        let colour = render(&a, true);
        assert!(colour.contains("\x1b[1;31mFAILED\x1b[0m"));
    }

    #[test]
    fn clipping() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}
