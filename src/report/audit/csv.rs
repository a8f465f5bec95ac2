//! CSV (RFC 4180): a header, then one row per finding.
//! Columns: `control,title,severity,control_status,status,resource,region,reason_code,reason`.

use crate::audit::Audit;

/// The header row.
pub const HEADER: &str =
    "control,title,severity,control_status,status,resource,region,reason_code,reason";

/// One field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV text, lines ending in CRLF as RFC 4180 asks.
pub fn render(a: &Audit) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
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
            let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
    }
    out
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
        let a = audit_of(&testkit::mixed());
        let text = render(&a);
        let findings: usize = a.controls.iter().map(|c| c.findings.len()).sum();
        assert_eq!(text.matches("\r\n").count(), findings + 1);
        assert!(text.starts_with(HEADER));
    }
}
