//! Matcher throughput over a generated CloudTrail log (a few MB):
//! - `serde_json_value`: parsing each record into `serde_json::Value`, the baseline;
//! - `one_pattern`: the CIS 3.1 pattern;
//! - `all_14_patterns`: the 14 CIS v1.2.0 monitoring patterns through one `MatcherSet`
//!   (each record read once for all of them).
//!
//! Run: `cargo bench --bench matcher`.

// Benchmark set-up may panic: a panic is a broken benchmark.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::hint::black_box;

use cis_filters::cis::benchmarks;
use cis_filters::matcher::{Matcher, MatcherSet, input};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A CloudTrail log file of `n` records, varied like a real account's.
fn cloudtrail(n: usize) -> String {
    const EVENTS: &[(&str, &str)] = &[
        ("ec2.amazonaws.com", "DescribeInstances"),
        ("ec2.amazonaws.com", "RunInstances"),
        ("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress"),
        ("s3.amazonaws.com", "GetBucketAcl"),
        ("s3.amazonaws.com", "PutBucketPolicy"),
        ("iam.amazonaws.com", "ListRoles"),
        ("iam.amazonaws.com", "PutUserPolicy"),
        ("kms.amazonaws.com", "Decrypt"),
        ("sts.amazonaws.com", "AssumeRole"),
        ("signin.amazonaws.com", "ConsoleLogin"),
        ("cloudtrail.amazonaws.com", "LookupEvents"),
        ("config.amazonaws.com", "DescribeConfigRules"),
    ];
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        let (source, name) = EVENTS[i % EVENTS.len()];
        let kind = if i % 97 == 0 {
            "Root"
        } else if i % 3 == 0 {
            "AssumedRole"
        } else {
            "IAMUser"
        };
        let mut r = serde_json::json!({
            "eventVersion": "1.08",
            "userIdentity": {
                "type": kind,
                "principalId": format!("AROAEXAMPLE{i:08}:session"),
                "arn": format!("arn:aws:sts::123456789012:assumed-role/role-{}/session", i % 17),
                "accountId": "123456789012",
                "accessKeyId": format!("ASIAEXAMPLE{i:09}"),
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": "arn:aws:iam::123456789012:role/role", "accountId": "123456789012", "userName": "role"},
                    "attributes": {"creationDate": "2024-03-01T11:00:00Z", "mfaAuthenticated": "false"}
                }
            },
            "eventTime": format!("2024-03-01T12:{:02}:{:02}Z", i / 60 % 60, i % 60),
            "eventSource": source,
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": format!("203.0.113.{}", i % 250),
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2023 prompt/off command/ec2.describe-instances",
            "requestParameters": {"instancesSet": {"items": [{"instanceId": format!("i-{i:017x}")}]}, "filterSet": {}, "includeAllInstances": false},
            "responseElements": null,
            "requestID": format!("{i:08x}-1111-2222-3333-444455556666"),
            "eventID": format!("{i:08x}-aaaa-bbbb-cccc-ddddeeeeffff"),
            "readOnly": name.starts_with("Describe") || name.starts_with("Get") || name.starts_with("List"),
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "123456789012",
            "eventCategory": "Management",
            "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": format!("{}", source)}
        });
        if i % 11 == 0 {
            r["errorCode"] = serde_json::json!(if i % 2 == 0 {
                "Client.UnauthorizedOperation"
            } else {
                "AccessDenied"
            });
            r["errorMessage"] =
                serde_json::json!("You are not authorized to perform this operation.");
        }
        if name == "ConsoleLogin" {
            r["additionalEventData"] = serde_json::json!({"MFAUsed": if i % 2 == 0 { "Yes" } else { "No" }, "MobileVersion": "No"});
        }
        records.push(serde_json::to_string(&r).unwrap());
    }
    format!("{{\"Records\":[{}]}}", records.join(","))
}

fn bench(c: &mut Criterion) {
    let file = cloudtrail(5000);
    let (_, events) = input::split(&file).unwrap();
    let messages: Vec<&str> = events.iter().map(|e| e.message).collect();
    let bytes: usize = messages.iter().map(|m| m.len()).sum();
    let bench = benchmarks::benchmark("cis-1.2").unwrap();
    let patterns: Vec<&str> = bench
        .rows
        .iter()
        .filter(|r| r.control.starts_with("3."))
        .map(|r| r.canonical[0])
        .collect();
    assert_eq!(patterns.len(), 14);
    let all = MatcherSet::new(patterns.iter().map(|p| Matcher::new(p).unwrap()).collect());
    let one = Matcher::new(patterns[0]).unwrap();

    let mut g = c.benchmark_group("cloudtrail");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for m in &messages {
                let v: serde_json::Value = serde_json::from_str(m).unwrap();
                n += usize::from(v.is_object());
            }
            black_box(n)
        })
    });
    g.bench_function("one_pattern", |b| {
        b.iter(|| messages.iter().filter(|m| one.matches(m)).count())
    });
    g.bench_function("all_14_patterns", |b| {
        b.iter(|| {
            let mut fired = 0usize;
            for m in &messages {
                let p = all.prepare(m);
                for i in 0..all.len() {
                    fired += usize::from(p.matches(i));
                }
            }
            black_box(fired)
        })
    });
    g.bench_function("split_file", |b| {
        b.iter(|| input::split(black_box(&file)).unwrap().1.len())
    });
    g.finish();
    eprintln!("events: {}, bytes: {bytes}", messages.len());
}

criterion_group!(benches, bench);
criterion_main!(benches);
