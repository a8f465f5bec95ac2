//! The JSON report (schema 1), documented in `docs/report.md`:
//!
//! ```json
//! {"schema":1,"benchmark":"cis-1.2","account":"…","taken_at":"…",
//!  "controls":[{"id":"3.1","title":"…","severity":"LOW","status":"PASSED",
//!    "findings":[{"status":"…","resource":"…","region":"…","reason_code":"…","reason":"…","evidence":{…}}]}],
//!  "summary":{"PASSED":n,"FAILED":n,"WARNING":n,"NOT_AVAILABLE":n}}
//! ```

use serde::Serialize;

use crate::audit::{Audit, Finding, Status};
use crate::cis::Severity;

/// The report's format version.
pub const REPORT_SCHEMA: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema: u32,
    benchmark: &'a str,
    account: &'a str,
    taken_at: &'a str,
    controls: Vec<ControlJson<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct ControlJson<'a> {
    id: &'a str,
    title: &'a str,
    severity: Severity,
    status: Status,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Summary {
    #[serde(rename = "PASSED")]
    passed: usize,
    #[serde(rename = "FAILED")]
    failed: usize,
    #[serde(rename = "WARNING")]
    warning: usize,
    #[serde(rename = "NOT_AVAILABLE")]
    not_available: usize,
}

/// The report as a JSON value.
pub fn value(a: &Audit) -> serde_json::Value {
    serde_json::to_value(report(a)).unwrap_or(serde_json::Value::Null)
}

fn report(a: &Audit) -> Report<'_> {
    Report {
        schema: REPORT_SCHEMA,
        benchmark: a.benchmark,
        account: &a.account,
        taken_at: a.taken_at.as_str(),
        controls: a
            .controls
            .iter()
            .map(|c| ControlJson {
                id: c.control.id,
                title: c.control.title,
                severity: c.control.severity,
                status: c.status,
                findings: &c.findings,
            })
            .collect(),
        summary: Summary {
            passed: a.count(Status::Passed),
            failed: a.count(Status::Failed),
            warning: a.count(Status::Warning),
            not_available: a.count(Status::NotAvailable),
        },
    }
}

/// Pretty-printed JSON with a trailing newline.
pub fn render(a: &Audit) -> String {
    super::pretty(&report(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn shape() {
        let text = render(&audit_of(&testkit::mixed()));
        // Fields come out in the documented order.
        let order = [
            "\"schema\"",
            "\"benchmark\"",
            "\"account\"",
            "\"taken_at\"",
            "\"controls\"",
            "\"summary\"",
        ];
        let pos: Vec<usize> = order.iter().map(|k| text.find(k).unwrap()).collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{pos:?}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys = |v: &serde_json::Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        assert_eq!(
            keys(&v),
            [
                "account",
                "benchmark",
                "controls",
                "schema",
                "summary",
                "taken_at"
            ]
        );
        assert_eq!(v["schema"], 1);
        assert_eq!(v["benchmark"], "cis-1.2");
        assert_eq!(v["account"], "409318256711");
        assert_eq!(
            v["controls"].as_array().unwrap().len(),
            crate::cis::CONTROLS.len()
        );
        let c = &v["controls"][0];
        assert_eq!(keys(c), ["findings", "id", "severity", "status", "title"]);
        assert_eq!(
            keys(&c["findings"][0]),
            [
                "evidence",
                "reason",
                "reason_code",
                "region",
                "resource",
                "status"
            ]
        );
        let sum = &v["summary"];
        let total: u64 = ["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"]
            .iter()
            .map(|k| sum[k].as_u64().unwrap())
            .sum();
        assert_eq!(total as usize, crate::cis::CONTROLS.len());
    }
}
