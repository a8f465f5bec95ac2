//! Offline `verify` of a synthetic 1,000-account organization snapshot
//! (`scripts/gen-org-snapshot.py DIR --accounts 1000`: the management
//! account with an organization trail and the CIS chain, and 999 members,
//! each a copy of the noncompliant example without a trail of its own, so
//! that every member's chain controls are walked on the management
//! account's trail).
//!
//! `cargo bench --bench organization` reads and audits the whole directory
//! (the organization file, the management account once, then each member
//! read, audited and dropped) and renders the JSON report, as
//! `verify --snapshot DIR --format json` does. The directory is written
//! once under the target directory.
//!
//! Memory is measured outside criterion, on the release binary:
//! `scripts/org-rss.sh target/release/cis-filters` prints the peak RSS of
//! every `--format` at 100, 1,000 and 3,000 accounts. The figures (about
//! 10 MB whatever the number of accounts: the run keeps counts, and the
//! table's and HTML's per-account parts wait in temporary files) are in
//! docs/report.md, "Speed".

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use cis_filters::audit::{Options, Procedure};
use cis_filters::cis::{MatchMode, benchmark};
use cis_filters::cli::org_input::audit_paths;
use cis_filters::report::audit::Format;
use cis_filters::report::organization::Stream;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// The synthetic organization of `n` accounts, generated once.
fn organization(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("org-{n}"));
    if !dir.join("organization.json").is_file() {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-org-snapshot.py");
        let ok = Command::new("python3")
            .arg(script)
            .arg(&dir)
            .arg("--accounts")
            .arg(n.to_string())
            .status()
            .expect("python3 runs scripts/gen-org-snapshot.py");
        assert!(ok.success(), "gen-org-snapshot.py failed");
    }
    dir
}

fn bench(c: &mut Criterion) {
    let opts = Options {
        benchmark: benchmark("cis-1.2").unwrap(),
        mode: MatchMode::Normalized,
        controls: None,
        procedure: Procedure::SecurityHub,
    };
    let mut g = c.benchmark_group("organization_verify");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(40))
        .warm_up_time(Duration::from_secs(1));
    for n in [100, 1_000] {
        let dir = vec![organization(n)];
        g.bench_with_input(BenchmarkId::new("accounts", n), &dir, |b, dir| {
            b.iter(|| {
                let mut out =
                    Stream::new(Format::Json, false, std::io::sink(), tempfile::tempfile).unwrap();
                let org = audit_paths(dir, &opts, &mut out).unwrap();
                out.finish(&org).unwrap();
                org.tally.accounts
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
