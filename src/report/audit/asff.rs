//! AWS Security Finding Format (ASFF): a JSON array of findings that
//! Security Hub's `BatchImportFindings` accepts, or ([`render_batches`]) the
//! same findings as import-ready request bodies of at most [`BATCH_SIZE`]
//! findings each, one per line.
//!
//! Every field keeps to the API's limits (`Title` 256 characters,
//! `Description` 1024, `Remediation.Recommendation.Text` 512,
//! `ProductFields` 50 pairs of at most 2048 characters), and no finding is
//! larger than [`MAX_FINDING_BYTES`]: the evidence goes into `ProductFields`
//! in parts (`Evidence`, or `Evidence.1`…`Evidence.N` with `EvidenceParts`),
//! and what does not fit is cut with a marker (`EvidenceTruncated`).
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

/// The most findings `BatchImportFindings` takes in one call.
pub const BATCH_SIZE: usize = 100;
/// The largest finding `BatchImportFindings` takes (240 KB).
pub const MAX_FINDING_BYTES: usize = 240 * 1024;
/// The longest `ProductFields` value, in characters.
pub const MAX_PRODUCT_FIELD_CHARS: usize = 2048;
/// At most this many `ProductFields` parts carry the evidence (the API takes
/// 50 pairs; the other keys use the rest).
pub const MAX_EVIDENCE_PARTS: usize = 40;
/// What replaces the end of a value that was cut.
pub const TRUNCATED: &str = "…[truncated]";

/// The Security Hub standard of CIS v1.2.0.
const STANDARD: &str = "ruleset/cis-aws-foundations-benchmark/v/1.2.0";

/// At most `max` characters of `s`; a cut value ends with [`TRUNCATED`].
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let keep = max.saturating_sub(TRUNCATED.chars().count());
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(TRUNCATED);
    out
}

/// The evidence as `ProductFields` entries: one `Evidence` value when it
/// fits, else `Evidence.1`…`Evidence.N` (their concatenation is the JSON)
/// with `EvidenceParts`; past [`MAX_EVIDENCE_PARTS`] parts the rest is
/// dropped and `EvidenceTruncated` says how many characters were.
fn evidence_fields(evidence: &Value, max_parts: usize) -> Vec<(String, String)> {
    let text = serde_json::to_string(evidence).unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_PRODUCT_FIELD_CHARS {
        return vec![("Evidence".to_owned(), text)];
    }
    let parts: Vec<String> = chars
        .chunks(MAX_PRODUCT_FIELD_CHARS)
        .map(|c| c.iter().collect())
        .collect();
    let total = parts.len();
    let kept = total.min(max_parts.max(1));
    let mut out: Vec<(String, String)> = parts
        .into_iter()
        .take(kept)
        .enumerate()
        .map(|(i, p)| (format!("Evidence.{}", i + 1), p))
        .collect();
    out.push(("EvidenceParts".to_owned(), kept.to_string()));
    if kept < total {
        let dropped = chars.len() - kept * MAX_PRODUCT_FIELD_CHARS;
        out.push((
            "EvidenceTruncated".to_owned(),
            format!("{dropped} characters of evidence left out; the JSON report has all of it"),
        ));
    }
    out
}

/// `GeneratorId` of a CIS v1.2.0 control, as Security Hub writes it.
pub fn generator_id(control: &str) -> String {
    format!("arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/{control}")
}

fn region_of(a: &Audit) -> &str {
    a.regions.first().map_or("us-east-1", String::as_str)
}

/// The finding's `ProductFields`: who produced it, the standard and control
/// ARNs, the benchmark and reason code, and, with `evidence_parts`, the
/// evidence cut into fields.
fn product_fields(
    a: &Audit,
    control: &crate::cis::Control,
    f: &Finding,
    evidence_parts: usize,
) -> serde_json::Map<String, Value> {
    let product_region = region_of(a);
    let mut product_fields = serde_json::Map::new();
    for (k, v) in [
        ("ProviderName", "cis-filters".to_owned()),
        ("ProviderVersion", env!("CARGO_PKG_VERSION").to_owned()),
        (
            "StandardsGuideArn",
            format!("arn:{}:securityhub:::{STANDARD}", a.partition),
        ),
        (
            "StandardsControlArn",
            format!(
                "arn:{}:securityhub:{product_region}:{}:control/cis-aws-foundations-benchmark/v/1.2.0/{}",
                a.partition, a.account, control.id
            ),
        ),
        ("RuleId", control.id.to_owned()),
        ("Benchmark", a.benchmark.to_owned()),
        ("ReasonCode", f.reason_code.to_owned()),
    ] {
        product_fields.insert(
            k.to_owned(),
            Value::String(clip(&v, MAX_PRODUCT_FIELD_CHARS)),
        );
    }
    if evidence_parts > 0 && f.evidence.as_object().is_some_and(|m| !m.is_empty()) {
        for (k, v) in evidence_fields(&f.evidence, evidence_parts) {
            product_fields.insert(k, Value::String(v));
        }
    }
    product_fields
}

/// The finding's `Compliance`: its status, the reason when it did not pass,
/// and Security Hub's control id where the control has one.
fn compliance(control: &crate::cis::Control, f: &Finding) -> Value {
    let mut reasons = Vec::new();
    if f.status != Status::Passed {
        reasons.push(json!({ "ReasonCode": f.reason_code, "Description": clip(&f.reason, MAX_PRODUCT_FIELD_CHARS) }));
    }
    let mut compliance = json!({
        "Status": f.status.as_str(),
        "StatusReasons": reasons,
        "RelatedRequirements": [format!("CIS AWS Foundations {}", control.id)],
    });
    if let (Some(sh), Some(m)) = (control.securityhub_id, compliance.as_object_mut()) {
        m.insert("SecurityControlId".into(), sh.into());
        m.insert(
            "AssociatedStandards".into(),
            json!([{ "StandardsId": STANDARD }]),
        );
    }
    compliance
}

fn one(
    a: &Audit,
    control: &crate::cis::Control,
    f: &Finding,
    seq: usize,
    evidence_parts: usize,
) -> Value {
    let region = f.region.as_deref().unwrap_or_else(|| region_of(a));
    let product_region = region_of(a);
    let severity = if f.status == Status::Passed {
        "INFORMATIONAL"
    } else {
        control.severity.as_str()
    };
    let product_fields = product_fields(a, control, f, evidence_parts);
    let compliance = compliance(control, f);
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
        "Title": clip(&format!("{} {}", control.id, control.title), 256),
        "Description": clip(control.description, 1024),
        "Remediation": { "Recommendation": { "Text": clip(control.remediation, 512) } },
        "ProductFields": product_fields,
        "Region": region,
        "Resources": [{
            "Type": f.resource_type.as_str(),
            "Id": f.resource,
            "Partition": a.partition,
            "Region": region,
        }],
        "Compliance": compliance,
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
            // The evidence in as many parts as keep the finding within the
            // API's size; the other fields are bounded on their own.
            let mut parts = MAX_EVIDENCE_PARTS;
            let mut v = one(a, c.control, f, *n, parts);
            while parts > 0 && serde_json::to_string(&v).map_or(0, |t| t.len()) > MAX_FINDING_BYTES
            {
                parts /= 2;
                v = one(a, c.control, f, *n, parts);
            }
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

/// The findings as `BatchImportFindings` request bodies, `{"Findings": […]}`
/// with at most [`BATCH_SIZE`] findings each.
pub fn batches(a: &Audit) -> Vec<Value> {
    findings(a)
        .chunks(BATCH_SIZE)
        .map(|c| json!({ "Findings": c }))
        .collect()
}

/// [`batches`] as JSON Lines: one compact request body per line, ready for
/// `aws securityhub batch-import-findings --cli-input-json file://…`.
pub fn render_batches(a: &Audit) -> String {
    let mut out = String::new();
    for b in batches(a) {
        out.push_str(&serde_json::to_string(&b).unwrap_or_default());
        out.push('\n');
    }
    out
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
        assert_eq!(f["Compliance"]["SecurityControlId"], "CloudWatch.3");
        assert_eq!(
            f["Compliance"]["AssociatedStandards"][0]["StandardsId"],
            "ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        );
        assert_eq!(
            f["ProductFields"]["StandardsControlArn"],
            "arn:aws:securityhub:us-east-1:409318256711:control/cis-aws-foundations-benchmark/v/1.2.0/3.2"
        );
        let ev: Value =
            serde_json::from_str(f["ProductFields"]["Evidence"].as_str().unwrap()).unwrap();
        assert_eq!(ev["broken_link"], "metric_filter");
    }

    /// Every limit of `BatchImportFindings` on a finding.
    fn within_limits(f: &Value) {
        let len = |v: &Value| v.as_str().unwrap().chars().count();
        assert!(serde_json::to_string(f).unwrap().len() <= MAX_FINDING_BYTES);
        assert!(len(&f["Title"]) <= 256);
        assert!(len(&f["Description"]) <= 1024);
        assert!(len(&f["Remediation"]["Recommendation"]["Text"]) <= 512);
        let pf = f["ProductFields"].as_object().unwrap();
        assert!(pf.len() <= 50);
        for (k, v) in pf {
            assert!(k.chars().count() <= 128);
            assert!(len(v) <= MAX_PRODUCT_FIELD_CHARS, "{k}");
        }
    }

    #[test]
    fn batches_of_at_most_100() {
        let mut a = audit_of(&testkit::mixed());
        // Enough findings for three batches.
        let c = a
            .controls
            .iter_mut()
            .find(|c| c.control.id == "1.2")
            .unwrap();
        let f = c.findings[0].clone();
        for i in 0..230 {
            let mut g = f.clone();
            g.resource = format!("arn:aws:iam::409318256711:user/u{i}");
            c.findings.push(g);
        }
        let all = findings(&a);
        let b = batches(&a);
        assert_eq!(b.len(), all.len().div_ceil(BATCH_SIZE));
        assert!(b.len() >= 3);
        let mut n = 0;
        for batch in &b {
            let list = batch["Findings"].as_array().unwrap();
            assert!(!list.is_empty() && list.len() <= BATCH_SIZE);
            n += list.len();
        }
        assert_eq!(n, all.len());
        let text = render_batches(&a);
        assert_eq!(text.lines().count(), b.len());
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["Findings"].is_array());
        }
    }

    #[test]
    fn huge_evidence_is_cut_with_a_marker() {
        let mut a = audit_of(&testkit::mixed());
        let c = a
            .controls
            .iter_mut()
            .find(|c| c.control.id == "3.9")
            .unwrap();
        let names: Vec<String> = (0..20_000)
            .map(|i| format!("filter-{i:05}-{}", "x".repeat(40)))
            .collect();
        c.findings[0].evidence["log_group_filters"] = names.into();
        c.findings[0].reason = "r".repeat(10_000).into();
        let all = findings(&a);
        for f in &all {
            within_limits(f);
        }
        let f = all
            .iter()
            .find(|f| f["ProductFields"]["RuleId"] == "3.9")
            .unwrap();
        let pf = &f["ProductFields"];
        assert!(
            pf["EvidenceTruncated"]
                .as_str()
                .unwrap()
                .contains("left out")
        );
        let parts: usize = pf["EvidenceParts"].as_str().unwrap().parse().unwrap();
        assert!((1..=MAX_EVIDENCE_PARTS).contains(&parts));
        assert!(
            f["Compliance"]["StatusReasons"][0]["Description"]
                .as_str()
                .unwrap()
                .ends_with(TRUNCATED)
        );
        // The parts join into the start of the evidence's JSON.
        let joined: String = (1..=parts)
            .map(|i| pf[format!("Evidence.{i}")].as_str().unwrap())
            .collect();
        assert!(joined.starts_with('{'));
    }

    #[test]
    fn evidence_split_and_joined() {
        let v = serde_json::json!({"k": "é".repeat(5000)});
        let fields = evidence_fields(&v, MAX_EVIDENCE_PARTS);
        assert_eq!(fields.last().unwrap().0, "EvidenceParts");
        let joined: String = fields
            .iter()
            .filter(|(k, _)| k.starts_with("Evidence."))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(serde_json::from_str::<Value>(&joined).unwrap(), v);
        assert_eq!(clip("abcdef", 100), "abcdef");
        assert!(clip(&"a".repeat(300), 256).chars().count() == 256);
    }
}
