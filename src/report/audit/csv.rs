//! CSV (RFC 4180): a header, then one row per finding.
//! Columns: `control,title,severity,control_status,status,resource,region,reason_code,reason`.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! gets a leading `'`, so that a spreadsheet opening the file does not run
//! it as a formula (OWASP's advice against CSV injection): resource names
//! and reasons come from the account.

use std::borrow::Cow;

use crate::audit::Audit;

/// The header row.
pub const HEADER: &str =
    "control,title,severity,control_status,status,resource,region,reason_code,reason";

/// One field: defused when a spreadsheet would take it for a formula,
/// quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    let s: Cow<'_, str> = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// The CSV text, lines ending in CRLF as RFC 4180 asks.
pub fn render(a: &Audit) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
    rows(a, &[], &mut out);
    out
}

/// One row per finding, each starting with the cells of `lead` (for
/// several accounts: the account's id and name).
pub fn rows(a: &Audit, lead: &[&str], out: &mut String) {
    for c in &a.controls {
        for f in &c.findings {
            let row = [
                c.control.id,
                c.control.title,
                c.control.severity.as_str(),
                c.status.as_str(),
                f.status.as_str(),
                &f.resource,
                f.region.as_deref().unwrap_or(""),
                f.reason_code,
                &f.reason,
            ];
            let cells: Vec<String> = lead.iter().chain(row.iter()).map(|c| field(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn quoting_and_rows() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("plain"), "plain");
        // Formulas are defused; the same characters inside a cell are kept.
        assert_eq!(
            field("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-2+3"), "'-2+3");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx"), "\"'\rx\"");
        assert_eq!(field("a=b-c"), "a=b-c");
        assert_eq!(field(""), "");
        let a = audit_of(&testkit::mixed());
        let text = render(&a);
        let findings: usize = a.controls.iter().map(|c| c.findings.len()).sum();
        assert_eq!(text.matches("\r\n").count(), findings + 1);
        assert!(text.starts_with(HEADER));
    }
}
