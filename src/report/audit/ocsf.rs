//! OCSF: a JSON array of Open Cybersecurity Schema Framework events of the
//! class Compliance Finding (`class_uid` 2003, schema version
//! [`OCSF_VERSION`]), one per finding, as Security Hub and security data
//! lakes ingest them. The contract is in `docs/report.md`.
//!
//! - `compliance`: the standard, the control, its requirement, the status
//!   (`status_id` 1 Pass, 2 Warning — OCSF's "did not yield a result due to
//!   missing information", for WARNING and NOT_AVAILABLE — 3 Fail), the
//!   reason code as `status_code` and the reason as `status_detail`;
//! - `resources[0]` the resource (Security Hub's type name, ARN or id,
//!   region, partition) and `cloud` the account and region;
//! - `evidences[0]` the metric-filter chain of a monitoring control, one
//!   resource per link reached, and `unmapped` the whole evidence and what
//!   OCSF has no field for (exact status, benchmark, match mode, procedure).

use serde_json::{Map, Value, json};

use crate::audit::{Audit, ControlResult, Finding, Status};
use crate::cis::{Control, Severity};

/// The OCSF schema version the events follow.
pub const OCSF_VERSION: &str = "1.5.0";
/// Compliance Finding.
pub const CLASS_UID: u32 = 2003;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// Activity `Create`.
const ACTIVITY_CREATE: u32 = 1;

fn severity(sev: Severity) -> (u32, &'static str) {
    match sev {
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// OCSF's compliance status of a finding's status.
fn compliance_status(s: Status) -> (u32, &'static str) {
    match s {
        Status::Passed => (1, "Pass"),
        Status::Warning | Status::NotAvailable => (2, "Warning"),
        Status::Failed => (3, "Fail"),
    }
}

/// The chain's links as OCSF resources (type in CloudFormation's names).
fn chain_resources(
    chain: &Map<String, Value>,
    region: Option<&str>,
    partition: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut push = |ty: &str, uid: Option<&str>, name: Option<&str>, data: Option<Value>| {
        let mut r = Map::new();
        r.insert("type".into(), ty.into());
        if let Some(u) = uid {
            r.insert("uid".into(), u.into());
        }
        if let Some(n) = name {
            r.insert("name".into(), n.into());
        }
        if let Some(reg) = region {
            r.insert("region".into(), reg.into());
        }
        r.insert("cloud_partition".into(), partition.into());
        if let Some(d) = data {
            r.insert("data".into(), d);
        }
        out.push(Value::Object(r));
    };
    let s = |k: &str| chain.get(k).and_then(Value::as_str);
    if let Some(t) = s("trail") {
        push("AWS::CloudTrail::Trail", Some(t), None, None);
    }
    if let Some(g) = s("log_group") {
        push("AWS::Logs::LogGroup", Some(g), None, None);
    }
    if let Some(f) = chain.get("metric_filter") {
        let name = f.get("name").and_then(Value::as_str);
        push(
            "AWS::Logs::MetricFilter",
            None,
            name,
            Some(json!({ "pattern": f.get("pattern"), "metric": chain.get("metric") })),
        );
    }
    if let Some(a) = s("alarm") {
        push("AWS::CloudWatch::Alarm", Some(a), None, None);
    }
    if let Some(t) = s("topic") {
        push("AWS::SNS::Topic", Some(t), None, None);
    }
    if let Some(sub) = chain.get("subscription") {
        let arn = sub.get("arn").and_then(Value::as_str);
        push(
            "AWS::SNS::Subscription",
            arn,
            None,
            Some(json!({ "protocol": sub.get("protocol"), "endpoint": sub.get("endpoint") })),
        );
    }
    out
}

/// One event.
fn event(a: &Audit, c: &ControlResult, f: &Finding, seq: usize) -> Value {
    let control = c.control;
    let time_ms = a.taken_at.unix().saturating_mul(1000);
    let (sev_id, sev) = if f.status == Status::Passed {
        (1, "Informational")
    } else {
        severity(control.severity)
    };
    let uid = format!(
        "cis-filters/{}/cis-aws-foundations-benchmark/v/1.2.0/{}/{}/{}",
        a.account, control.id, f.resource, seq
    );
    let mut ev = json!({
        "metadata": metadata(control, &uid),
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": time_ms,
        "time_dt": a.taken_at.as_str(),
        "severity_id": sev_id,
        "severity": sev,
        "status_id": if f.status == Status::Passed { 4 } else { 1 },
        "status": if f.status == Status::Passed { "Resolved" } else { "New" },
        "status_code": f.status.as_str(),
        "status_detail": f.reason,
        "message": format!("{} {}: {}", control.id, f.status, f.reason),
        "finding_info": {
            "uid": uid,
            "title": format!("{} {}", control.id, control.title),
            "desc": control.description,
            "types": ["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"],
            "created_time": time_ms,
            "created_time_dt": a.taken_at.as_str(),
        },
        "compliance": compliance(control, f),
        "remediation": { "desc": control.remediation },
        "resources": [resource(a, f)],
        "cloud": cloud(a, f),
        "unmapped": unmapped(a, c, f),
    });
    if let Some(evidences) = chain_evidences(a, f)
        && let Some(m) = ev.as_object_mut()
    {
        m.insert("evidences".into(), evidences);
    }
    ev
}

/// The event's `metadata`: OCSF version, event uid and the product.
fn metadata(control: &Control, uid: &str) -> Value {
    json!({
        "version": OCSF_VERSION,
        "uid": uid,
        "event_code": control.id,
        "profiles": ["cloud", "datetime"],
        "product": {
            "name": "cis-filters",
            "vendor_name": "cis-filters",
            "version": env!("CARGO_PKG_VERSION"),
            "uid": "cis-filters",
        },
    })
}

/// The `compliance` object: the standard, the control and its check.
fn compliance(control: &Control, f: &Finding) -> Value {
    let standard = "CIS AWS Foundations Benchmark v1.2.0";
    let (cs_id, cs) = compliance_status(f.status);
    json!({
        "standards": [standard],
        "control": control.id,
        "requirements": [format!("CIS AWS Foundations {}", control.id)],
        "desc": control.title,
        "status_id": cs_id,
        "status": cs,
        "status_code": f.reason_code,
        "status_detail": f.reason,
        "checks": [{
            "uid": control.id,
            "name": control.title,
            "desc": control.description,
            "standards": [standard],
            "version": "1.2.0",
            "severity": control.severity.as_str(),
            "severity_id": severity(control.severity).0,
            "status": cs,
            "status_id": cs_id,
        }],
    })
}

/// The finding's resource, with its region when it has one.
fn resource(a: &Audit, f: &Finding) -> Value {
    let mut resource = json!({
        "type": f.resource_type.as_str(),
        "uid": f.resource,
        "cloud_partition": a.partition,
    });
    if let (Some(r), Some(m)) = (f.region.as_deref(), resource.as_object_mut()) {
        m.insert("region".into(), r.into());
    }
    resource
}

/// The `cloud` object: the account, and the finding's region or else the
/// audit's first region.
fn cloud(a: &Audit, f: &Finding) -> Value {
    let region = f
        .region
        .as_deref()
        .or_else(|| a.regions.first().map(String::as_str));
    let mut cloud = json!({
        "provider": "AWS",
        "account": { "uid": a.account, "name": a.account, "type_id": 10, "type": "AWS Account" },
    });
    if let (Some(r), Some(m)) = (region, cloud.as_object_mut()) {
        m.insert("region".into(), r.into());
    }
    cloud
}

/// The cis-filters fields OCSF has no place for.
fn unmapped(a: &Audit, c: &ControlResult, f: &Finding) -> Value {
    let control = c.control;
    json!({
        "status": f.status.as_str(),
        "control_status": c.status.as_str(),
        "reason_code": f.reason_code,
        "benchmark": a.benchmark,
        "match": a.mode.as_str(),
        "procedure": a.procedure.as_str(),
        "securityhub_control": control.securityhub_id,
        "config_rule": control.config_rule,
        "evidence": f.evidence,
    })
}

/// The metric-filter chain of the evidence as OCSF `evidences`, when the
/// finding has one.
fn chain_evidences(a: &Audit, f: &Finding) -> Option<Value> {
    let chain = f.evidence.get("chain").and_then(Value::as_object)?;
    let links = chain_resources(chain, f.region.as_deref(), &a.partition);
    let mut data = Map::new();
    for k in ["broken_link", "verdict", "closeness", "relation"] {
        if let Some(v) = f.evidence.get(k) {
            data.insert(k.into(), v.clone());
        }
    }
    Some(json!([{ "name": "metric-filter chain", "resources": links, "data": data }]))
}

/// Every finding as an OCSF Compliance Finding event.
pub fn events(a: &Audit) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &a.controls {
        let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for f in &c.findings {
            let n = seen.entry(f.resource.as_str()).or_insert(0);
            *n += 1;
            out.push(event(a, c, f, *n));
        }
    }
    out
}

/// A JSON array of events with a trailing newline.
pub fn render(a: &Audit) -> String {
    super::pretty(&events(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    #[test]
    fn one_compliance_finding_per_finding() {
        let a = audit_of(&testkit::mixed());
        let all = events(&a);
        let total: usize = a.controls.iter().map(|c| c.findings.len()).sum();
        assert_eq!(all.len(), total);
        let mut uids = std::collections::HashSet::new();
        for e in &all {
            assert_eq!(e["class_uid"], 2003);
            assert_eq!(e["category_uid"], 2);
            assert_eq!(e["type_uid"], 200301);
            assert_eq!(e["metadata"]["version"], OCSF_VERSION);
            assert!(e["time"].as_i64().unwrap() > 1_700_000_000_000);
            assert!(uids.insert(e["finding_info"]["uid"].as_str().unwrap().to_owned()));
            let st = e["unmapped"]["status"].as_str().unwrap();
            let id = e["compliance"]["status_id"].as_u64().unwrap();
            match st {
                "PASSED" => assert_eq!(id, 1),
                "FAILED" => assert_eq!(id, 3),
                _ => assert_eq!(id, 2),
            }
        }
        let e = all
            .iter()
            .find(|e| e["compliance"]["control"] == "3.2")
            .unwrap();
        assert_eq!(
            e["compliance"]["status_code"],
            "CLOUDTRAIL_METRIC_FILTER_NOT_VALID"
        );
        assert_eq!(e["severity_id"], 2);
        assert_eq!(e["resources"][0]["type"], "AwsAccount");
        assert_eq!(e["cloud"]["account"]["uid"], "409318256711");
        let links = e["evidences"][0]["resources"].as_array().unwrap();
        assert_eq!(links[0]["type"], "AWS::CloudTrail::Trail");
        assert_eq!(links[2]["type"], "AWS::Logs::MetricFilter");
        assert_eq!(e["evidences"][0]["data"]["broken_link"], "metric_filter");
        assert_eq!(e["unmapped"]["securityhub_control"], "CloudWatch.3");
    }
}
