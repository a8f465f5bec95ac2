//! `cis-filters fix`: the changes that make the FAILED controls pass, as
//! Terraform, CloudFormation or an AWS CLI script. Read-only: it prints.

use std::path::PathBuf;

use clap::Args;

use super::{EXIT_OK, UsageError, out, usage_error};
use crate::audit::{self, Procedure};
use crate::cis::{self, MatchMode};
use crate::fix;

/// Print the changes that fix the FAILED controls: Terraform, CloudFormation or an AWS CLI script.
#[derive(Debug, Args)]
#[command(after_help = "\
The account is audited exactly as `verify` does it (same options); then, for every FAILED
control, the smallest change that makes it pass is written for the account's real resources:

  1.1, 3.x  the first broken link of the closest chain: the trail made multi-region, its log
            group, the near-miss metric filter edited to the benchmark's text (the term
            difference it closes is shown; no second filter is added), the alarm on its metric,
            a topic with a confirmed subscription (else a new topic whose subscription endpoint
            you set)
  1.5-1.11  one password policy change;  1.20 a support role
  2.x       trail settings, KMS key with its key policy, bucket access logging, AWS Config per
            region (global resources in one), key rotation, VPC flow logs
  2.3, 4.x  marked REMOVES ACCESS, with every rule or grant removed
  others    steps for people (credentials, MFA, who may do what, manual controls)

Nothing is changed in the account: the output is for you to review and apply.
docs/remediation.md describes every control's fix and how it was verified.

Examples:
  cis-filters fix --snapshot examples/snapshots/mixed.json --format cli > fix.sh
  ALARM_EMAIL=secops@example.com bash fix.sh
  cis-filters fix --snapshot snap.json --format terraform --output cis-fix.tf
  cis-filters fix --snapshot snap.json --format cloudformation --controls 3.1,3.4
  cis-filters fix --snapshot snap.json --format plan          (the plan as JSON)
  cis-filters fix --profile audit --regions us-east-1 --format cli   (live: docs/aws.md)

Formats: terraform (Terraform 1.5 or later: import blocks for resources that exist and
change), cloudformation (one YAML template for the home region, parameters for what you
provide), cli (a bash script of aws commands, idempotent where the API allows), plan (JSON).

Exit codes: 0 the output was written (whether or not there was anything to fix), 2 usage or
input error.")]
pub struct FixArgs {
    /// The account snapshot (JSON) to audit; `-` reads stdin. Without it, the account is read
    /// live (builds with the `aws` feature).
    #[arg(long, value_name = "FILE")]
    snapshot: Option<PathBuf>,

    /// The output: terraform, cloudformation, cli or plan.
    #[arg(long, value_name = "FORMAT", default_value = "cli")]
    format: String,

    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,

    /// Only fix these controls, comma-separated (`3.1,4.1`; Security Hub ids work too).
    #[arg(long, value_name = "IDS", value_delimiter = ',', alias = "control")]
    controls: Vec<String>,

    // The help lists the benchmarks of the registry.
    #[arg(long, value_name = "NAME", default_value = cis::DEFAULT_BENCHMARK, help = format!(
        "The benchmark whose metric-filter pattern text the filters get: {}",
        cis::benchmark_names(true)
    ))]
    benchmark: String,

    /// Which filter verdicts pass: `strict` or `normalized` (as `verify`).
    #[arg(long = "match", value_name = "MODE", default_value = "normalized")]
    match_mode: String,

    /// Live audit (without --snapshot): how to reach the account.
    #[cfg(feature = "aws")]
    #[command(flatten, next_help_heading = "Live audit (without --snapshot)")]
    aws: super::collect::AwsArgs,
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Terraform,
    CloudFormation,
    Cli,
    Plan,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "terraform" | "tf" => Ok(Format::Terraform),
            "cloudformation" | "cfn" => Ok(Format::CloudFormation),
            "cli" | "sh" | "bash" => Ok(Format::Cli),
            "plan" | "json" => Ok(Format::Plan),
            _ => Err(format!(
                "unknown format `{s}`: expected terraform, cloudformation, cli or plan"
            )),
        }
    }
}

/// Run `fix`; the exit code is returned.
pub fn fix(args: FixArgs) -> u8 {
    match run(args) {
        Ok(code) => code,
        Err(e) => usage_error(e),
    }
}

fn run(args: FixArgs) -> Result<u8, UsageError> {
    let benchmark = super::verify::benchmark_arg(&args.benchmark)?;
    let mode: MatchMode = args.match_mode.parse().map_err(UsageError)?;
    let format: Format = args.format.parse().map_err(UsageError)?;
    let controls = super::verify::select(&args.controls)?;
    let snapshot = match &args.snapshot {
        Some(path) => super::verify::read_snapshot(path)?,
        None => match live(&args) {
            Ok(s) => s,
            Err(code) => return Ok(code),
        },
    };
    let report = audit::run(
        &snapshot,
        &audit::Options {
            benchmark,
            mode,
            controls: controls.as_deref(),
            procedure: Procedure::SecurityHub,
        },
    );
    let plan = fix::plan(&report, &snapshot);
    let text = match format {
        Format::Terraform => fix::terraform::render(&plan),
        Format::CloudFormation => fix::cloudformation::render(&plan),
        Format::Cli => fix::shell::render(&plan),
        Format::Plan => {
            let mut t = serde_json::to_string_pretty(&plan)
                .map_err(|e| UsageError(format!("cannot write the plan: {e}")))?;
            t.push('\n');
            t
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| UsageError(format!("cannot write to `{}`: {e}", path.display())))?,
        None => out(&text),
    }
    Ok(EXIT_OK)
}

/// The account read now (docs/aws.md); `Err` is the exit code after the
/// collector said why.
#[cfg(feature = "aws")]
fn live(args: &FixArgs) -> Result<crate::snapshot::Snapshot, u8> {
    super::collect::run(&args.aws).map(|c| c.snapshot)
}

#[cfg(not(feature = "aws"))]
fn live(_args: &FixArgs) -> Result<crate::snapshot::Snapshot, u8> {
    Err(usage_error(
        "no --snapshot given, and this build of cis-filters cannot read an account live: \
         that needs the `aws` feature (cargo install cis-filters --features aws). \
         Use `--snapshot FILE` (see docs/snapshot.md)",
    ))
}
