//! Benchmarks of the pattern parser and normal form.
//!
//! - `parse/<id>` and `parse_normalize/<id>`: each canonical Security Hub
//!   pattern (CloudWatch.1–14, plus the current page's variants of .4 and
//!   .13), with its length as the throughput;
//! - `canonical_set/*`: the whole set in one iteration, as bytes per second
//!   (targets on one core: parse ≥ 100 MB/s, parse + normalise ≥ 50 MB/s);
//! - `limits/*`: a pattern of exactly 1024 bytes (the service's maximum) and
//!   the deepest nesting the parser accepts;
//! - `batch/*`: the `parse --batch` engine over 2,000 lines of the generated
//!   corpus (`benches/support/batch_corpus.rs`, ~195 bytes a line, 5%
//!   invalid), input in memory, output discarded: `default` (without the
//!   trees, target ≥ 50 MB/s end to end) and `ast`.
//!
//! Run with `cargo bench --no-default-features --bench pattern`.

use std::hint::black_box;
use std::time::Duration;

use cis_filters::pattern::error::{MAX_NESTING, MAX_PATTERN_CHARS};
use cis_filters::pattern::{Normal, batch, normalize, parse};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The Security Hub strings, byte for byte as the Security Hub user guide
/// gives them (see `reference/canonical-patterns.md` in the shared folder,
/// §3: blocks 3.1, 1.1, 2.2, 4.1, 4.5, 5.1 … 14.1).
const CANONICAL: &[(&str, &str)] = &[
    (
        "cloudwatch_1",
        r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
    ),
    (
        "cloudwatch_2",
        r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
    ),
    (
        "cloudwatch_3",
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
    ),
    (
        "cloudwatch_4",
        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
    ),
    (
        "cloudwatch_4_current",
        "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}",
    ),
    (
        "cloudwatch_5",
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    ),
    (
        "cloudwatch_6",
        r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#,
    ),
    (
        "cloudwatch_7",
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    ),
    (
        "cloudwatch_8",
        "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    ),
    (
        "cloudwatch_9",
        "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    ),
    (
        "cloudwatch_10",
        "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    ),
    (
        "cloudwatch_11",
        "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    ),
    (
        "cloudwatch_12",
        "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    ),
    (
        "cloudwatch_13",
        "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
    ),
    (
        "cloudwatch_13_current",
        "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
    ),
    (
        "cloudwatch_14",
        "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    ),
];

/// A valid JSON pattern of exactly [`MAX_PATTERN_CHARS`] bytes: a chain of
/// `||` over quoted event names, the last one padded to fit.
fn longest_pattern() -> String {
    let mut out = String::from("{ ");
    let mut n = 0;
    // Each clause is at most 40 bytes; leave room for the last one and `}`.
    while out.len() + 80 < MAX_PATTERN_CHARS {
        out.push_str(&format!("($.eventName = \"Event{n:04}\") || "));
        n += 1;
    }
    let tail_fixed = "($.eventName = \"\") }".len();
    let pad = MAX_PATTERN_CHARS - out.len() - tail_fixed;
    out.push_str(&format!("($.eventName = \"{}\") }}", "x".repeat(pad)));
    out
}

/// `depth` nested parentheses with an `||` at every level:
/// `{ ($.a = 0 || ($.a = 1 || (…))) }`.
fn nested_pattern(depth: usize) -> String {
    let mut out = String::from("{ ");
    for i in 0..depth {
        out.push_str(&format!("($.a = {i} || "));
    }
    out.push_str("$.a = \"last\"");
    out.push_str(&")".repeat(depth));
    out.push_str(" }");
    out
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

fn canonical(c: &mut Criterion) {
    for (id, text) in CANONICAL {
        assert!(parse(text).is_ok(), "{id} does not parse");
    }
    let mut g = c.benchmark_group("parse");
    for (id, text) in CANONICAL {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(id), text, |b, t| {
            b.iter(|| parse(black_box(t)))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("parse_normalize");
    for (id, text) in CANONICAL {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(id), text, |b, t| {
            b.iter(|| normalize(black_box(t)))
        });
    }
    g.finish();

    let total: usize = CANONICAL.iter().map(|(_, t)| t.len()).sum();
    let mut g = c.benchmark_group("canonical_set");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (_, t) in CANONICAL {
                let _ = black_box(parse(black_box(t)));
            }
        })
    });
    g.bench_function("parse_normalize", |b| {
        b.iter(|| {
            for (_, t) in CANONICAL {
                let _ = black_box(parse(black_box(t)).map(|a| Normal::from_ast(&a)));
            }
        })
    });
    g.finish();
}

fn limits(c: &mut Criterion) {
    let longest = longest_pattern();
    assert_eq!(longest.len(), MAX_PATTERN_CHARS);
    assert!(
        parse(&longest).is_ok(),
        "the 1024-byte pattern does not parse"
    );
    let deepest = nested_pattern(MAX_NESTING);
    assert!(
        parse(&deepest).is_ok(),
        "the deepest pattern does not parse"
    );
    let too_deep = parse(&nested_pattern(MAX_NESTING + 1)).map_err(|e| e.kind().code());
    assert_eq!(too_deep, Err("too_deep"), "one more level must be too deep");

    let mut g = c.benchmark_group("limits");
    for (id, text) in [("1024_bytes", &longest), ("deepest_nesting", &deepest)] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_with_input(BenchmarkId::new("parse", id), text, |b, t| {
            b.iter(|| parse(black_box(t)))
        });
        g.bench_with_input(BenchmarkId::new("parse_normalize", id), text, |b, t| {
            b.iter(|| normalize(black_box(t)))
        });
    }
    g.finish();
}

#[path = "support/batch_corpus.rs"]
mod batch_corpus;

fn batch_path(c: &mut Criterion) {
    let corpus = batch_corpus::generate(2_000, 1);
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Bytes(corpus.len() as u64));
    for (id, ast) in [("default", false), ("ast", true)] {
        g.bench_function(id, |b| {
            b.iter(|| {
                batch::run(black_box(corpus.as_bytes()), std::io::sink(), ast).map(|s| s.lines)
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = canonical, limits, batch_path
}
criterion_main!(benches);
