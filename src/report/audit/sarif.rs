//! SARIF 2.1.0 of an audit, built on the shared [`crate::report::sarif`]
//! model: one rule per control, one result per finding that is not PASSED
//! (FAILED → `error`, WARNING → `warning`, NOT_AVAILABLE → `note`), located
//! logically at the AWS resource.

use crate::audit::{Audit, Status};
use crate::report::sarif::{Level, Log, ReportingDescriptor, Run, SarifResult, Tool};

fn level(s: Status) -> Level {
    match s {
        Status::Failed => Level::Error,
        Status::Warning => Level::Warning,
        Status::NotAvailable => Level::Note,
        Status::Passed => Level::None,
    }
}

fn score(sev: crate::cis::Severity) -> f32 {
    match sev {
        crate::cis::Severity::Low => 3.0,
        crate::cis::Severity::Medium => 5.5,
        crate::cis::Severity::High => 8.0,
        crate::cis::Severity::Critical => 9.5,
    }
}

/// The SARIF log.
pub fn log(a: &Audit) -> Log {
    let mut run = Run::new(Tool::new(
        "cis-filters",
        env!("CARGO_PKG_VERSION"),
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ));
    for (i, c) in a.controls.iter().enumerate() {
        run.tool.driver.rules.push(
            ReportingDescriptor::new(c.control.id, &kebab(c.control.title), c.control.title)
                .full(c.control.description)
                .level(Level::Error)
                .tags(&["security", "cis-aws-foundations-1.2.0"])
                .security_severity(score(c.control.severity)),
        );
        for f in c.findings.iter().filter(|f| f.status != Status::Passed) {
            let mut r = SarifResult::new(
                c.control.id,
                level(f.status),
                &format!(
                    "{} {}: {} ({})",
                    c.control.id, f.status, f.reason, f.reason_code
                ),
            )
            .resource(&f.resource, "resource");
            r.rule_index = Some(i);
            r.partial_fingerprints.insert(
                "cisFinding/v1".to_owned(),
                format!(
                    "{}|{}|{}|{}",
                    a.account, c.control.id, f.resource, f.reason_code
                ),
            );
            run.results.push(r);
        }
    }
    Log::new(vec![run])
}

fn kebab(title: &str) -> String {
    let mut out = String::new();
    for w in title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w.to_ascii_lowercase());
    }
    out
}

/// SARIF JSON with a trailing newline.
pub fn render(a: &Audit) -> String {
    log(a).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn results_for_problems_only() {
        let a = audit_of(&testkit::mixed());
        let v: serde_json::Value = serde_json::from_str(&render(&a)).unwrap();
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 49);
        let results = run["results"].as_array().unwrap();
        assert!(!results.is_empty());
        for r in results {
            assert_ne!(r["level"], "none");
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(run["tool"]["driver"]["rules"][i]["id"], r["ruleId"]);
            assert!(r["locations"][0]["logicalLocations"][0]["name"].is_string());
        }
        assert!(
            results
                .iter()
                .any(|r| r["ruleId"] == "3.7" && r["level"] == "warning")
        );
        assert_eq!(
            kebab("Ensure MFA is enabled (root)"),
            "ensure-mfa-is-enabled-root"
        );
    }
}
