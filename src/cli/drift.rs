//! `cis-filters drift`: compare the metric filters and alarms of Terraform
//! and CloudFormation files with the ones deployed in an account.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_FAIL, EXIT_OK, EXIT_USAGE, UsageError, out, usage_error};
use crate::drift::{self, Options};
use crate::lint;
use crate::snapshot::{MAX_SNAPSHOT_BYTES, Snapshot};

/// Output format of `drift`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DriftFormat {
    /// One block per pair, drift first (for a pull-request comment).
    Human,
    /// A stable JSON document (docs/drift.md).
    Json,
    /// SARIF 2.1.0: drift at the code's location.
    Sarif,
}

/// Compare the metric filters and alarms of Terraform/CloudFormation with the account.
#[derive(Debug, Args)]
#[command(after_help = "\
Pairs every metric filter and alarm the files declare (read as `cis-filters lint` reads
them) with the one deployed: filters by log group and filter name, then by metric name and
namespace; alarms by alarm name, then by metric. Each pair is:
  same             the same pattern text and settings
  rewritten        the same meaning written differently (equal normal forms)
  different        a known value differs: the pattern's missing/extra terms and whether the
                   deployed pattern is broader, narrower, overlapping or disjoint
  unknown          the code leaves a value unknown (a variable without a default, a
                   resource reference), or the account's data could not be read
  only in code     declared, not deployed
  only in the account
                   deployed on a log group the code declares filters on (every deployed
                   filter and alarm with --all), not declared
Alarms compare metric, namespace, threshold, comparison, period, evaluation periods,
statistic and actions, where the code sets them.

Examples:
  cis-filters drift --snapshot snap.json infra/
  cis-filters drift --snapshot snap.json --snapshot-regions us-east-1 infra/monitoring
  cis-filters drift --snapshot snap.json --format json templates/cis.yaml
  cis-filters drift --snapshot snap.json --format sarif . > drift.sarif
  cis-filters drift --profile audit --regions us-east-1 infra/     (live: docs/aws.md)

Exit codes: 0 no drift (unknown pairs are not drift), 1 drift (different, only in code,
only in the account), 2 usage or input error (a path or snapshot that cannot be read, a
file that names a filter resource type and cannot be parsed). The JSON format is in
docs/drift.md.")]
pub struct DriftArgs {
    /// Terraform/CloudFormation files or directories (default: the current directory).
    paths: Vec<PathBuf>,

    /// The account snapshot (JSON, docs/snapshot.md); `-` reads stdin. Without it, the
    /// account is read live (needs the `aws` feature).
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,

    /// Only these regions of the account (comma-separated).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    snapshot_regions: Vec<String>,

    /// Report every deployed filter and alarm the code does not declare, not only those
    /// on the code's log groups and metrics.
    #[arg(long)]
    all: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DriftFormat::Human)]
    format: DriftFormat,

    /// Live (without --snapshot): how to reach the account.
    #[cfg(feature = "aws")]
    #[command(flatten, next_help_heading = "Live (without --snapshot)")]
    aws: super::collect::AwsArgs,
}

/// Run `drift`; the exit code is returned.
pub fn run(args: DriftArgs) -> u8 {
    match drift_cmd(args) {
        Ok(code) => code,
        Err(e) => usage_error(e),
    }
}

fn drift_cmd(args: DriftArgs) -> Result<u8, UsageError> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let collected = super::lint::collect_paths(&paths);
    if let Some(m) = collected.problems.first() {
        return Err(UsageError(m.clone()));
    }
    for s in &collected.skipped {
        eprintln!(
            "skipped: `{}`: {}",
            crate::report::escape::line(&s.path),
            crate::report::escape::line(&s.reason)
        );
    }
    let snapshot = match &args.snapshot {
        Some(path) => {
            let text = super::read::read_text(path, MAX_SNAPSHOT_BYTES as u64, "snapshot")?;
            Snapshot::from_json(&text)
                .map_err(|e| UsageError(format!("{}: {e}", path.display())))?
        }
        None => match live(&args) {
            Ok(s) => s,
            Err(code) => return Ok(code),
        },
    };
    for r in &args.snapshot_regions {
        if !snapshot.regions.iter().any(|x| x.region == *r) {
            return Err(UsageError(format!(
                "--snapshot-regions: the snapshot has no region `{r}` (it has {})",
                snapshot
                    .regions
                    .iter()
                    .map(|x| x.region.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let extraction = lint::extract(&collected.files, &lint::Options::default());
    let report = drift::drift(
        &extraction,
        &snapshot,
        &Options {
            regions: args.snapshot_regions.clone(),
            all: args.all,
        },
    );
    out(&match args.format {
        DriftFormat::Human => drift::human(&report),
        DriftFormat::Json => drift::json(&report),
        DriftFormat::Sarif => drift::sarif(&report),
    });
    if !extraction.problems.is_empty() {
        for d in &extraction.problems {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{}:{}:{}: ", l.path, l.line, l.column))
                .unwrap_or_default();
            eprintln!(
                "error: {}{}",
                crate::report::escape::line(&at),
                crate::report::escape::line(&d.message)
            );
        }
        return Ok(EXIT_USAGE);
    }
    Ok(if report.has_drift() {
        EXIT_FAIL
    } else {
        EXIT_OK
    })
}

/// The account read now, through the collector `verify` uses (docs/aws.md).
#[cfg(feature = "aws")]
fn live(args: &DriftArgs) -> Result<Snapshot, u8> {
    super::collect::run(&args.aws).map(|c| c.snapshot)
}

/// The account read now. This build has no AWS code.
#[cfg(not(feature = "aws"))]
fn live(_args: &DriftArgs) -> Result<Snapshot, u8> {
    Err(usage_error(
        "no --snapshot given, and this build of cis-filters cannot read an account live: \
         that needs the `aws` feature (cargo install cis-filters --features aws). \
         Compare with a saved snapshot with `--snapshot FILE` (see docs/snapshot.md)",
    ))
}
