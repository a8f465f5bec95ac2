//! `verify --format html`: the audit of one account as a page — a header
//! (account, benchmark, match mode, procedure, snapshot time, tool version),
//! counts per status and severity, the controls table (filterable), every
//! monitoring control's chain as a diagram, and the findings of every
//! control with their evidence.

use maud::{Markup, html};

use super::{Page, chain, filter_bar, json_text, status_mark};
use crate::audit::{Audit, ControlResult, Status};
use crate::cis::{CheckKind, Severity};

/// An anchor-safe form of a control id (`3.2` → `3-2`).
pub fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

/// The counts per status and per severity (controls), and per status
/// (findings).
fn summary(a: &Audit) -> Markup {
    let findings = |s: Status| {
        a.controls
            .iter()
            .flat_map(|c| &c.findings)
            .filter(|f| f.status == s)
            .count()
    };
    let cell = |sev: Severity, st: Option<Status>| {
        a.controls
            .iter()
            .filter(|c| c.control.severity == sev && st.is_none_or(|s| c.status == s))
            .count()
    };
    html! {
        div.cards {
            @for s in Status::ALL {
                div.card data-status=(s.as_str()) {
                    span.n { (a.count(s)) }
                    span.l { (status_mark(s)) br; "controls" }
                }
            }
        }
        table.small {
            thead {
                tr {
                    th { "Severity" }
                    @for s in Status::ALL { th.num { (status_mark(s)) } }
                    th.num { "Controls" }
                }
            }
            tbody {
                @for sev in SEVERITIES {
                    @if cell(sev, None) > 0 {
                        tr {
                            td { span class={ "sev sev-" (sev.as_str()) } { (sev.as_str()) } }
                            @for s in Status::ALL { td.num { (cell(sev, Some(s))) } }
                            td.num { (cell(sev, None)) }
                        }
                    }
                }
                tr {
                    td { "Findings (resources)" }
                    @for s in Status::ALL { td.num { (findings(s)) } }
                    td.num { (a.controls.iter().map(|c| c.findings.len()).sum::<usize>()) }
                }
            }
        }
    }
}

/// The controls table.
fn controls(a: &Audit) -> Markup {
    html! {
        (filter_bar(&[("FAILED", "FAILED"), ("WARNING", "WARNING"), ("NOT_AVAILABLE", "NOT_AVAILABLE"), ("PASSED", "PASSED")]))
        table id="filterable" {
            thead {
                tr { th { "Control" } th { "Status" } th { "Severity" } th { "Title" } th { "Reason" } th.num { "Findings" } }
            }
            tbody {
                @for c in &a.controls {
                    tr data-status=(c.status.as_str()) {
                        td { a href={ "#control-" (anchor(c.control.id)) } { (c.control.id) } }
                        td { (status_mark(c.status)) }
                        td { span class={ "sev sev-" (c.control.severity.as_str()) } { (c.control.severity.as_str()) } }
                        td.title { (c.control.title) }
                        td.small { (c.reason()) }
                        td.num { (c.findings.len()) }
                    }
                }
            }
        }
    }
}

/// Every monitoring control's chain.
fn chains(a: &Audit) -> Markup {
    html! {
        p.small.muted {
            "Each control passes when one chain is complete: a multi-region trail → its CloudWatch Logs log group → a metric filter with the control's pattern → an alarm on the filter's metric → an SNS topic → a confirmed subscription. "
            "The diagram shows the complete chain, or the one that got furthest and the link where it broke."
        }
        @for c in a.controls.iter().filter(|c| c.control.check == CheckKind::MetricFilter) {
            @for f in &c.findings {
                (chain::block(c.control, c.status, f))
            }
        }
    }
}

fn findings_of(c: &ControlResult) -> Markup {
    let chain = c.control.check == CheckKind::MetricFilter;
    html! {
        details.control id={ "control-" (anchor(c.control.id)) } data-status=(c.status.as_str())
            open[matches!(c.status, Status::Failed | Status::Warning)] {
            summary {
                (status_mark(c.status))
                span.title { (c.control.id) " " (c.control.title) }
                span class={ "sev sev-" (c.control.severity.as_str()) } { (c.control.severity.as_str()) }
                @if let Some(sh) = c.control.securityhub_id { span.muted.small { "Security Hub " (sh) } }
            }
            p.small.muted { (c.control.description) }
            @if chain {
                p.small { a href={ "#chain-" (anchor(c.control.id)) } { "The chain of " (c.control.id) " is drawn above." } }
            }
            table.small {
                thead { tr { th { "Status" } th { "Resource" } th { "Region" } th { "Reason" } } }
                tbody {
                    @for f in &c.findings {
                        tr data-status=(f.status.as_str()) {
                            td { (status_mark(f.status)) }
                            td.mono { (f.resource) }
                            td { (f.region.as_deref().unwrap_or("global")) }
                            td {
                                code { (f.reason_code) } " " (f.reason)
                                @if f.evidence.as_object().is_some_and(|m| !m.is_empty()) {
                                    details { summary { "evidence" } pre { (json_text(&f.evidence)) } }
                                }
                            }
                        }
                    }
                }
            }
            @if c.status != Status::Passed && c.status != Status::NotAvailable {
                details.small { summary { "How to fix" } p { (c.control.remediation) } }
            }
        }
    }
}

/// The sections of an account's audit, in order. A report over several
/// accounts can put its own sections before or after these.
pub fn sections(a: &Audit, page: &mut Page) {
    page.section("summary", "Summary", summary(a));
    page.section("controls", "Controls", controls(a));
    if a.controls
        .iter()
        .any(|c| c.control.check == CheckKind::MetricFilter)
    {
        page.section("chains", "Monitoring chains", chains(a));
    }
    page.section(
        "findings",
        "Findings by control",
        html! { @for c in &a.controls { (findings_of(c)) } },
    );
}

/// The header facts of an account's audit.
pub fn facts(a: &Audit, page: &mut Page) {
    page.fact("Account", format!("{} ({})", a.account, a.partition));
    page.fact(
        "Benchmark",
        format!("{} (controls of CIS v1.2.0)", a.benchmark),
    );
    page.fact("Match mode", a.mode.as_str());
    page.fact("Procedure", a.procedure.as_str());
    page.fact("Snapshot taken", a.taken_at.as_str());
    page.fact(
        "Regions",
        if a.regions.is_empty() {
            "none".to_owned()
        } else {
            format!("{} ({})", a.regions.len(), a.regions.join(", "))
        },
    );
    page.fact("Tool", concat!("cis-filters ", env!("CARGO_PKG_VERSION")));
}

/// The HTML report of an audit.
pub fn render(a: &Audit) -> String {
    let mut page = Page::new(format!(
        "CIS AWS Foundations audit of account {}",
        a.account
    ));
    facts(a, &mut page);
    sections(a, &mut page);
    page.render()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn every_control_and_chain_is_there() {
        let a = audit_of(&testkit::mixed());
        let s = render(&a);
        for c in &a.controls {
            assert!(
                s.contains(&format!("id=\"control-{}\"", anchor(c.control.id))),
                "{}",
                c.control.id
            );
        }
        // 1.1 and 3.1–3.14 have a diagram.
        assert_eq!(s.matches("<svg class=\"diagram\"").count(), 15);
        assert!(s.contains(r#"data-control="3.2" data-status="FAILED""#));
        assert!(s.contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID"));
        assert!(s.contains("$.additionalEventData.MFAUsed"));
        assert!(s.contains("Procedure"));
        assert!(s.contains(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn account_text_is_escaped_everywhere() {
        let mut a = audit_of(&testkit::mixed());
        let evil = "<img src=x onerror=alert(1)>\"'&";
        a.account = evil.to_owned();
        a.regions.push(evil.to_owned());
        for c in &mut a.controls {
            for f in &mut c.findings {
                f.resource = evil.to_owned();
                f.reason = evil.to_owned().into();
                f.region = Some(evil.to_owned());
                if let Some(m) = f.evidence.as_object_mut() {
                    m.insert("x".into(), evil.into());
                    if let Some(ch) = m.get_mut("chain").and_then(|c| c.as_object_mut()) {
                        ch.insert("trail".into(), evil.into());
                        ch.insert(
                            "metric_filter".into(),
                            serde_json::json!({"name": evil, "pattern": evil}),
                        );
                    }
                }
            }
        }
        let s = render(&a);
        assert!(!s.contains("<img"), "unescaped markup");
        assert!(!s.contains("onerror=alert(1)>"));
        assert!(s.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }
}
