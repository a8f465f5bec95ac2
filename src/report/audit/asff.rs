//! AWS Security Finding Format (ASFF): a JSON array of findings that
//! Security Hub's `BatchImportFindings` accepts (in batches of up to 100).
//!
//! Every finding carries the required fields (`SchemaVersion`, `Id`,
//! `ProductArn`, `GeneratorId`, `AwsAccountId`, `Types`, `CreatedAt`,
//! `UpdatedAt`, `Severity`, `Title`, `Description`, `Resources`) plus
//! `Compliance` (`Status`, `StatusReasons`, `RelatedRequirements`).
//! `GeneratorId` is Security Hub's CIS v1.2.0 rule form,
//! `arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/3.1`.
//! Times are the snapshot's time. The product ARN is the account's default
//! product in the snapshot's first region.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::audit::{Audit, Finding, Status};

/// `GeneratorId` of a CIS v1.2.0 control, as Security Hub writes it.
pub fn generator_id(control: &str) -> String {
    format!("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/{control}")
}

fn region_of(a: &Audit) -> &str {
    a.regions.first().map_or("us-east-1", String::as_str)
}

fn one(a: &Audit, control: &crate::cis::Control, f: &Finding, seq: usize) -> Value {
    let region = f.region.as_deref().unwrap_or_else(|| region_of(a));
    let product_region = region_of(a);
    let severity = if f.status == Status::Passed {
        "INFORMATIONAL"
    } else {
        control.severity.as_str()
    };
    let mut reasons = Vec::new();
    if f.status != Status::Passed {
        reasons.push(json!({ "ReasonCode": f.reason_code, "Description": f.reason }));
    }
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!(
            "cis-filters/{}/cis-aws-foundations-benchmark/v/1.2.0/{}/{}/{}",
            a.account, control.id, f.resource, seq
        ),
        "ProductArn": format!(
            "arn:{}:securityhub:{product_region}:{}:product/{}/default",
            a.partition, a.account, a.account
        ),
        "GeneratorId": generator_id(control.id),
        "AwsAccountId": a.account,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"],
        "CreatedAt": a.taken_at.as_str(),
        "UpdatedAt": a.taken_at.as_str(),
        "Severity": { "Label": severity },
        "Title": format!("{} {}", control.id, control.title),
        "Description": control.description,
        "Remediation": { "Recommendation": { "Text": control.remediation } },
        "ProductFields": {
            "ProviderName": "cis-filters",
            "StandardsGuideArn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
            "RuleId": control.id,
            "Benchmark": a.benchmark,
            "ReasonCode": f.reason_code,
        },
        "Region": region,
        "Resources": [{
            "Type": f.resource_type.as_str(),
            "Id": f.resource,
            "Partition": a.partition,
            "Region": region,
        }],
        "Compliance": {
            "Status": f.status.as_str(),
            "StatusReasons": reasons,
            "RelatedRequirements": [format!("CIS AWS Foundations {}", control.id)],
        },
        "RecordState": "ACTIVE",
        "Workflow": { "Status": if f.status == Status::Passed { "RESOLVED" } else { "NEW" } },
    })
}

/// The findings as ASFF objects.
pub fn findings(a: &Audit) -> Vec<Value> {
    let mut out = Vec::new();
    for c in &a.controls {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for f in &c.findings {
            let n = seen.entry(f.resource.as_str()).or_insert(0);
            *n += 1;
            let mut v = one(a, c.control, f, *n);
            // `StatusReasons` must not be empty when present.
            if let Some(comp) = v.get_mut("Compliance").and_then(Value::as_object_mut)
                && comp
                    .get("StatusReasons")
                    .and_then(Value::as_array)
                    .is_some_and(Vec::is_empty)
            {
                comp.remove("StatusReasons");
            }
            out.push(v);
        }
    }
    out
}

/// A JSON array of findings with a trailing newline.
pub fn render(a: &Audit) -> String {
    super::pretty(&findings(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::report::audit::tests::audit_of;

    const REQUIRED: [&str; 12] = [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "Types",
        "CreatedAt",
        "UpdatedAt",
        "Severity",
        "Title",
        "Description",
        "Resources",
    ];

    #[test]
    fn required_fields_and_unique_ids() {
        let a = audit_of(&testkit::mixed());
        let all = findings(&a);
        let mut ids = std::collections::HashSet::new();
        for f in &all {
            for k in REQUIRED {
                assert!(f.get(k).is_some(), "{k} missing in {f}");
            }
            assert!(
                ids.insert(f["Id"].as_str().unwrap().to_owned()),
                "duplicate {}",
                f["Id"]
            );
            assert!(f["Id"].as_str().unwrap().len() <= 512);
            let st = f["Compliance"]["Status"].as_str().unwrap();
            assert!(["PASSED", "FAILED", "WARNING", "NOT_AVAILABLE"].contains(&st));
            if st != "PASSED" {
                assert!(
                    !f["Compliance"]["StatusReasons"]
                        .as_array()
                        .unwrap()
                        .is_empty()
                );
            }
        }
        let f = all
            .iter()
            .find(|f| f["ProductFields"]["RuleId"] == "3.2")
            .unwrap();
        assert_eq!(
            f["GeneratorId"],
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/3.2"
        );
        assert_eq!(
            f["Compliance"]["StatusReasons"][0]["ReasonCode"],
            "CLOUDTRAIL_METRIC_FILTER_NOT_VALID"
        );
        assert_eq!(
            f["Compliance"]["RelatedRequirements"][0],
            "CIS AWS Foundations 3.2"
        );
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:us-east-1:409318256711:product/409318256711/default"
        );
        assert_eq!(f["Severity"]["Label"], "LOW");
    }
}
