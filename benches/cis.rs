//! Verdict speed: one pattern against one control, and classification
//! against every control of the default benchmark.

use std::hint::black_box;

use cis_filters::cis::{BENCHMARKS, DEFAULT_BENCHMARK, MatchMode, benchmark, classify, compare};
use criterion::{Criterion, criterion_group, criterion_main};

fn verdicts(c: &mut Criterion) {
    let Some(b) = benchmark(DEFAULT_BENCHMARK) else {
        return;
    };
    // A near miss of 3.4 (one event name changed), the largest v1.2 pattern.
    let iam = "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicies)}";
    let exact = r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#;
    // Warm the cache of parsed canonical forms.
    let _ = compare(exact, b, "3.6", MatchMode::Normalized);
    c.bench_function("parse/3.4", |x| {
        x.iter(|| cis_filters::pattern::parse(black_box(iam)))
    });
    let iam_exact = iam.replace("DetachGroupPolicies", "DetachGroupPolicy");
    c.bench_function("verdict/exact 3.4", |x| {
        x.iter(|| compare(black_box(&iam_exact), b, "3.4", MatchMode::Normalized))
    });
    c.bench_function("verdict/exact 3.6", |x| {
        x.iter(|| compare(black_box(exact), b, "3.6", MatchMode::Normalized))
    });
    c.bench_function("verdict/different 3.4", |x| {
        x.iter(|| compare(black_box(iam), b, "3.4", MatchMode::Normalized))
    });
    c.bench_function("classify/exact 3.6", |x| {
        x.iter(|| classify(black_box(exact), b, MatchMode::Normalized))
    });
    c.bench_function("classify/different 3.4", |x| {
        x.iter(|| classify(black_box(iam), b, MatchMode::Normalized))
    });
    // The same near miss against every other benchmark (more rows, more
    // accepted variants).
    for other in BENCHMARKS.iter().skip(1) {
        let _ = classify(exact, other, MatchMode::Normalized);
        c.bench_function(&format!("classify/different 3.4 in {}", other.name), |x| {
            x.iter(|| classify(black_box(iam), other, MatchMode::Normalized))
        });
    }
}

criterion_group!(benches, verdicts);
criterion_main!(benches);
