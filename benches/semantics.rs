//! Semantic comparison speed on the canonical CIS patterns: every pair of
//! versions of one control across the benchmarks, every pair of distinct
//! canonical patterns at all (one iteration compares them all), and the
//! pairs that take longest.

use std::hint::black_box;
use std::time::Instant;

use cis_filters::cis::BENCHMARKS;
use cis_filters::pattern::{Normal, normalize};
use cis_filters::semantics::compare_normal;
use criterion::{Criterion, criterion_group, criterion_main};

/// Every distinct canonical pattern, with the control (Security Hub id, or
/// the CIS number when there is none) it belongs to.
fn canonical() -> Vec<(String, String, Normal)> {
    let mut out: Vec<(String, String, Normal)> = Vec::new();
    for b in BENCHMARKS {
        for row in b.rows {
            let key = row.securityhub_id.unwrap_or(row.control).to_owned();
            for p in row.canonical {
                if out.iter().any(|(_, t, _)| t == p) {
                    continue;
                }
                if let Ok(n) = normalize(p) {
                    out.push((key.clone(), (*p).to_owned(), n));
                }
            }
        }
    }
    out
}

fn semantics(c: &mut Criterion) {
    let all = canonical();
    let same_control: Vec<(&Normal, &Normal)> = all
        .iter()
        .enumerate()
        .flat_map(|(i, (k, _, a))| {
            all.iter()
                .skip(i + 1)
                .filter(move |(k2, _, _)| k2 == k)
                .map(move |(_, _, b)| (a, b))
        })
        .collect();
    let every: Vec<(&Normal, &Normal)> = all
        .iter()
        .flat_map(|(_, _, a)| all.iter().map(move |(_, _, b)| (a, b)))
        .collect();
    // The slowest single pairs, measured once, named for the report.
    let mut timed: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (_, _, a)) in all.iter().enumerate() {
        for (j, (_, _, b)) in all.iter().enumerate() {
            let t = Instant::now();
            for _ in 0..5 {
                let _ = black_box(compare_normal(a, b));
            }
            timed.push((t.elapsed().as_secs_f64() / 5.0, i, j));
        }
    }
    timed.sort_by(|x, y| y.0.total_cmp(&x.0));
    c.bench_function(
        &format!("semantics/{} same-control pairs, all", same_control.len()),
        |x| {
            x.iter(|| {
                for (a, b) in &same_control {
                    let _ = black_box(compare_normal(a, b));
                }
            })
        },
    );
    let mut g = c.benchmark_group("semantics");
    g.sample_size(10);
    g.bench_function(
        format!("{} pairs of canonical patterns, all", every.len()),
        |x| {
            x.iter(|| {
                for (a, b) in &every {
                    let _ = black_box(compare_normal(a, b));
                }
            })
        },
    );
    g.finish();
    for (_, i, j) in timed.iter().take(3) {
        let (Some((ka, _, a)), Some((kb, _, b))) = (all.get(*i), all.get(*j)) else {
            continue;
        };
        c.bench_function(
            &format!("semantics/slow pair {ka} #{i} vs {kb} #{j}"),
            |x| x.iter(|| compare_normal(black_box(a), black_box(b))),
        );
    }
}

criterion_group!(benches, semantics);
criterion_main!(benches);
