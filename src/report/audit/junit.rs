//! JUnit XML for CI systems: one `<testsuite>` per CIS section, one
//! `<testcase>` per control. FAILED is a `<failure>`, NOT_AVAILABLE is
//! `<skipped>`, WARNING passes with the findings in `<system-out>`.

use std::fmt::Write;

use crate::audit::{Audit, ControlResult, Status};
use crate::cis::Section;

/// XML text with `& < > " '` escaped and characters XML 1.0 forbids dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn details(c: &ControlResult, statuses: &[Status]) -> String {
    let mut s = String::new();
    for f in c.findings.iter().filter(|f| statuses.contains(&f.status)) {
        let _ = writeln!(
            s,
            "{} {} [{}] {}: {}",
            f.status,
            f.resource,
            f.region.as_deref().unwrap_or("global"),
            f.reason_code,
            f.reason
        );
    }
    s
}

/// The JUnit XML document.
pub fn render(a: &Audit) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cis-filters verify {}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        escape(&a.account),
        a.controls.len(),
        a.count(Status::Failed),
        a.count(Status::NotAvailable)
    );
    suites(a, "", &mut out);
    out.push_str("</testsuites>\n");
    out
}

/// One `<testsuite>` per CIS section of the audit, each named after
/// `prefix` (empty for one account; `account 111122223333 ` for several).
pub fn suites(a: &Audit, prefix: &str, out: &mut String) {
    for section in [
        Section::Iam,
        Section::Logging,
        Section::Monitoring,
        Section::Networking,
    ] {
        let cs: Vec<&ControlResult> = a
            .controls
            .iter()
            .filter(|c| c.control.section == section)
            .collect();
        if cs.is_empty() {
            continue;
        }
        let count = |st| cs.iter().filter(|c| c.status == st).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}{} {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" timestamp=\"{}\">",
            escape(prefix),
            section.number(),
            escape(section.title()),
            cs.len(),
            count(Status::Failed),
            count(Status::NotAvailable),
            escape(a.taken_at.as_str())
        );
        for c in cs {
            let _ = write!(
                out,
                "    <testcase classname=\"cis-{}.{}\" name=\"{} {}\"",
                escape(a.benchmark),
                section.number(),
                escape(c.control.id),
                escape(c.control.title)
            );
            match c.status {
                Status::Passed => out.push_str("/>\n"),
                Status::Failed => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                        escape(c.reason()),
                        c.control.severity,
                        escape(&details(c, &[Status::Failed]))
                    );
                }
                Status::NotAvailable => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        escape(c.reason())
                    );
                }
                Status::Warning => {
                    let _ = writeln!(
                        out,
                        ">\n      <system-out>{}</system-out>\n    </testcase>",
                        escape(&details(c, &[Status::Warning]))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn counts_and_balance() {
        let a = audit_of(&testkit::mixed());
        let x = render(&a);
        assert_eq!(x.matches("<testcase ").count(), 49);
        assert_eq!(x.matches("<failure ").count(), a.count(Status::Failed));
        assert_eq!(
            x.matches("<skipped ").count(),
            a.count(Status::NotAvailable)
        );
        assert_eq!(
            x.matches("<testsuite ").count(),
            x.matches("</testsuite>").count()
        );
        assert!(x.contains("name=\"3.2 "));
    }
}
