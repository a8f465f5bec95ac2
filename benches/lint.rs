//! Lint of a generated tree of 1,000 template files (~10 MB): Terraform
//! modules, CloudFormation YAML and CloudFormation JSON, each file with the
//! 14 CIS metric filters and their alarms, some of them broken.
//!
//! Two measurements: the pure linter over the files in memory (criterion),
//! and one timed end-to-end pass that writes the tree to a temporary
//! directory, walks it, reads every file and lints it (printed as
//! `tree: … files, … MB, … ms`). The target is under 1 s.

use std::hint::black_box;
use std::time::Instant;

use cis_filters::lint::{Options, SourceFile, lint};
use criterion::{Criterion, criterion_group, criterion_main};

const PATTERNS: &[(&str, &str)] = &[
    (
        "UnauthorizedAPICalls",
        r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
    ),
    (
        "NoMFAConsoleSignin",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
    ),
    (
        "RootUsage",
        r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    ),
    (
        "IAMChanges",
        "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}",
    ),
    (
        "CloudTrailCfgChanges",
        "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
    ),
    (
        "ConsoleSigninFailures",
        r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    ),
    (
        "DisableOrDeleteCMK",
        "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
    ),
    (
        "S3BucketPolicyChanges",
        "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
    ),
    (
        "AWSConfigChanges",
        "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
    ),
    (
        "SecurityGroupChanges",
        "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
    ),
    (
        "NACLChanges",
        "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
    ),
    (
        "NetworkGWChanges",
        "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
    ),
    (
        "RouteTableChanges",
        "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
    ),
    (
        "VPCChanges",
        "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
    ),
];

/// The pattern of file `i`, filter `k`: every 7th one is broken.
fn pattern(i: usize, k: usize) -> String {
    let p = PATTERNS.get(k).map_or("", |(_, p)| p);
    if (i + k).is_multiple_of(7) {
        p.replacen("||", "|||", 1)
    } else {
        p.to_owned()
    }
}

fn terraform(i: usize) -> String {
    let mut s = String::from("variable \"namespace\" {\n  default = \"CISBenchmark\"\n}\n\n");
    for (k, (name, _)) in PATTERNS.iter().enumerate() {
        let p = pattern(i, k).replace('\\', "\\\\").replace('"', "\\\"");
        s.push_str(&format!(
            "resource \"aws_cloudwatch_log_metric_filter\" \"f{k}\" {{\n  name           = \"{name}-{i}\"\n  pattern        = \"{p}\"\n  log_group_name = var.log_group\n\n  metric_transformation {{\n    name      = \"{name}-{i}\"\n    namespace = var.namespace\n    value     = \"1\"\n  }}\n}}\n\nresource \"aws_cloudwatch_metric_alarm\" \"a{k}\" {{\n  alarm_name          = \"{name}-{i}\"\n  metric_name         = \"{name}-{i}\"\n  namespace           = var.namespace\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n  evaluation_periods  = 1\n  period              = 300\n  statistic           = \"Sum\"\n  threshold           = 1\n}}\n\n"
        ));
    }
    s
}

fn yaml(i: usize) -> String {
    let mut s = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nDescription: generated\nResources:\n",
    );
    for (k, (name, _)) in PATTERNS.iter().enumerate() {
        let p = pattern(i, k).replace('\'', "''");
        s.push_str(&format!(
            "  Filter{k}:\n    Type: AWS::Logs::MetricFilter\n    Properties:\n      LogGroupName: !Ref TrailLogGroup\n      FilterPattern: '{p}'\n      MetricTransformations:\n        - MetricName: {name}{i}\n          MetricNamespace: CIS\n          MetricValue: '1'\n  Alarm{k}:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      AlarmName: {name}{i}\n      MetricName: {name}{i}\n      Namespace: CIS\n      Statistic: Sum\n      Period: 300\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n"
        ));
    }
    s
}

fn json(i: usize) -> String {
    let mut res = Vec::new();
    for (k, (name, _)) in PATTERNS.iter().enumerate() {
        let p = serde_json::to_string(&pattern(i, k)).unwrap_or_default();
        res.push(format!(
            "    \"Filter{k}\": {{\n      \"Type\": \"AWS::Logs::MetricFilter\",\n      \"Properties\": {{\n        \"LogGroupName\": {{ \"Ref\": \"TrailLogGroup\" }},\n        \"FilterPattern\": {p},\n        \"MetricTransformations\": [{{ \"MetricName\": \"{name}{i}\", \"MetricNamespace\": \"CIS\", \"MetricValue\": \"1\" }}]\n      }}\n    }},\n    \"Alarm{k}\": {{\n      \"Type\": \"AWS::CloudWatch::Alarm\",\n      \"Properties\": {{ \"MetricName\": \"{name}{i}\", \"Namespace\": \"CIS\", \"Statistic\": \"Sum\", \"Period\": 300, \"EvaluationPeriods\": 1, \"Threshold\": 1 }}\n    }}"
        ));
    }
    format!(
        "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {{\n{}\n  }}\n}}\n",
        res.join(",\n")
    )
}

/// 1,000 files: 400 Terraform (one module per directory), 400 YAML, 200 JSON.
fn tree() -> Vec<SourceFile> {
    (0..1000)
        .map(|i| {
            let (path, text) = match i % 5 {
                0 | 1 => (format!("tf/m{i}/main.tf"), terraform(i)),
                2 | 3 => (format!("cfn/t{i}.yaml"), yaml(i)),
                _ => (format!("cfn/t{i}.json"), json(i)),
            };
            SourceFile {
                path,
                bytes: text.into_bytes(),
            }
        })
        .collect()
}

fn walk(dir: &std::path::Path, out: &mut Vec<SourceFile>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(SourceFile {
                path: path.to_string_lossy().into_owned(),
                bytes: std::fs::read(&path)?,
            });
        }
    }
    Ok(())
}

fn bench(c: &mut Criterion) {
    let files = tree();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let opts = Options::default();

    // End to end, once: write, walk, read, lint.
    let dir = std::env::temp_dir().join(format!("cis-filters-lint-bench-{}", std::process::id()));
    let written = files.iter().try_for_each(|f| {
        let p = dir.join(&f.path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(p, &f.bytes)
    });
    if written.is_ok() {
        let start = Instant::now();
        let mut read = Vec::new();
        if walk(&dir, &mut read).is_ok() {
            let report = lint(&read, &opts);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            println!(
                "tree: {} files, {:.1} MB, {} filters, {} diagnostics, walk+read+lint {ms:.0} ms",
                read.len(),
                bytes as f64 / 1e6,
                report.filters.len(),
                report.diagnostics.len()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);

    let mut g = c.benchmark_group("lint");
    g.sample_size(10);
    g.bench_function("1000 files in memory", |b| {
        b.iter(|| lint(black_box(&files), &opts))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
