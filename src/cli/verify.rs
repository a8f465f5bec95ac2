//! `cis-filters verify`: audit an account snapshot against the CIS AWS
//! Foundations Benchmark v1.2.0 and report every control.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_FAIL, EXIT_OK, UsageError, colour_enabled, out, usage_error};
use crate::audit::{self, Procedure, Snapshot};
use crate::cis::{self, Control, MatchMode};
use crate::report::audit::Format;
use crate::snapshot::MAX_SNAPSHOT_BYTES;

/// Audit an AWS account against the CIS AWS Foundations Benchmark v1.2.0.
#[derive(Debug, Args)]
#[command(after_help = "\
Every control of the benchmark is reported, with one or more findings per resource:
PASSED, FAILED, WARNING (what the check needs is in another account or region) or
NOT_AVAILABLE (the data could not be read, or the control is manual). The metric-filter
controls (1.1, 3.1-3.14) name the whole chain they used, or the closest chain and its
first broken link, with Security Hub's reason codes.

Statuses follow Security Hub's rules. Where the CIS audit procedure reads a control more
strictly, `--procedure cis` applies the CIS reading: 2.3 fails a policy statement allowing a
public principal whatever its conditions and Block Public Access, 2.4 asks for a delivery to
CloudWatch Logs within the last day, 2.5 for a recorder whose last status is SUCCESS
(docs/report.md has the table for every control).

Examples:
  cis-filters verify --profile audit --regions us-east-1,eu-west-1    (live: docs/aws.md)
  cis-filters verify --snapshot examples/snapshots/mixed.json
  cis-filters verify --snapshot snap.json --controls 3.1,3.4,4.1 --match strict
  cis-filters verify --snapshot snap.json --procedure cis
  cis-filters verify --snapshot org-snapshot/                        (an organization: docs/report.md)
  cis-filters verify --snapshot shard-1/ shard-2/ --format json      (the shards of one run)
  cis-filters verify --organization --role-name CisAudit             (live, every account: docs/aws.md)
  cis-filters verify --snapshot snap.json --fail-on-not-available     (CI: unread data fails)
  cis-filters verify --snapshot snap.json --format asff --output findings.json
  cis-filters verify --snapshot snap.json --format asff-batches --output batches.jsonl
  cis-filters verify --snapshot snap.json --format junit --output cis.xml
  cis-filters verify --snapshot snap.json --format html --output report.html
  cis-filters verify --snapshot snap.json --format ocsf --output findings.ocsf.json

Formats: table (default; coloured on a terminal), json (docs/report.md), asff (Security Hub's
finding format, a JSON array), asff-batches (BatchImportFindings request bodies of at most 100
findings, one per line; the import recipe is in docs/report.md), ocsf (OCSF 1.5.0 Compliance
Finding events), sarif (2.1.0), csv, junit, html (one self-contained page with the chain
diagrams, for people). The snapshot format is docs/snapshot.md.

Exit codes: 0 no control FAILED, 1 at least one control FAILED (in any account), 2 usage or input error,
3 no control FAILED but nothing could be evaluated (every control NOT_AVAILABLE) or, with
--fail-on-not-available, some automated control is NOT_AVAILABLE.")]
pub struct VerifyArgs {
    /// The account snapshot (JSON) to audit; `-` reads stdin. Several paths, or a directory:
    /// an organization snapshot (a directory with organization.json; several for the shards
    /// of one run) or account snapshots, audited together.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    snapshot: Vec<PathBuf>,

    // The help lists the benchmarks of the registry.
    #[arg(long, value_name = "NAME", default_value = cis::DEFAULT_BENCHMARK, help = format!(
        "The benchmark whose canonical metric-filter patterns apply: {}",
        cis::benchmark_names(true)
    ))]
    benchmark: String,

    /// Which filter verdicts pass: `strict` (exact tokens only, as Security Hub) or
    /// `normalized` (also logically equivalent patterns).
    #[arg(long = "match", value_name = "MODE", default_value = "normalized")]
    match_mode: String,

    /// Whose reading decides the controls where Security Hub and the CIS procedure differ:
    /// `securityhub` (the default) or `cis` (the CIS v1.2.0 audit procedure's stricter reading
    /// of 2.3, 2.4 and 2.5).
    #[arg(long, value_name = "NAME", default_value = "securityhub")]
    procedure: String,

    /// Exit 3 when any automated control is NOT_AVAILABLE (data that could not be read),
    /// not only when every control is.
    #[arg(long)]
    fail_on_not_available: bool,

    /// Only these controls, comma-separated (`3.1,4.1`; Security Hub ids such as
    /// `CloudWatch.2` work too).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    controls: Vec<String>,

    /// The report format: table, json, asff, asff-batches, ocsf, sarif, csv, junit or html.
    #[arg(long, value_name = "FORMAT", default_value = "table")]
    format: String,

    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,

    /// Live audit (without --snapshot): how to reach the account.
    #[cfg(feature = "aws")]
    #[command(flatten, next_help_heading = "Live audit (without --snapshot)")]
    aws: super::collect::AwsArgs,

    /// Live audit of an AWS Organization: collect every account (as `collect
    /// --organization` does, into a temporary directory), then audit it.
    #[cfg(feature = "aws")]
    #[command(flatten)]
    org: super::collect::OrgArgs,
}

/// Run `verify`; the exit code is returned.
pub fn verify(args: VerifyArgs) -> u8 {
    match run(args) {
        Ok(code) => code,
        Err(e) => usage_error(e),
    }
}

fn run(args: VerifyArgs) -> Result<u8, UsageError> {
    let benchmark = benchmark_arg(&args.benchmark)?;
    let mode: MatchMode = args.match_mode.parse().map_err(UsageError)?;
    let procedure: Procedure = args.procedure.parse().map_err(UsageError)?;
    let format: Format = args.format.parse().map_err(UsageError)?;
    let controls = select(&args.controls)?;
    let opts = audit::Options {
        benchmark,
        mode,
        controls: controls.as_deref(),
        procedure,
    };
    #[cfg(feature = "aws")]
    let (args, _collected) = match live_organization(args)? {
        Live::Done(code) => return Ok(code),
        Live::Audit(args, dir) => (args, dir),
    };
    if !args.snapshot.is_empty() && !super::org_input::is_single(&args.snapshot) {
        let colour = format == Format::Table
            && args.output.is_none()
            && colour_enabled(std::io::stdout().is_terminal());
        let code = match &args.output {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    UsageError(format!(
                        "cannot write the report to `{}`: {e}",
                        path.display()
                    ))
                })?;
                org_report(&args, &opts, format, colour, std::io::BufWriter::new(file))?
            }
            None => org_report(
                &args,
                &opts,
                format,
                colour,
                std::io::BufWriter::new(std::io::stdout().lock()),
            )?,
        };
        return Ok(code);
    }
    let snapshot = match args.snapshot.first() {
        Some(path) => read_snapshot(path)?,
        None => match live_snapshot(&args) {
            Ok(s) => s,
            // The collector has said why on stderr.
            Err(LiveError::Reported(code)) => return Ok(code),
            Err(LiveError::Usage(e)) => return Err(e),
        },
    };
    let report = audit::run(&snapshot, &opts);
    let code = exit_code(&report, args.fail_on_not_available);
    let colour = format == Format::Table
        && args.output.is_none()
        && colour_enabled(std::io::stdout().is_terminal());
    write_report(args.output.as_deref(), &format.render(&report, colour))?;
    Ok(code)
}

/// Audit the accounts of `--snapshot`, writing the report to `w` as each
/// account is done; the exit code.
fn org_report(
    args: &VerifyArgs,
    opts: &audit::Options<'_>,
    format: Format,
    colour: bool,
    w: impl std::io::Write,
) -> Result<u8, UsageError> {
    let mut stream =
        crate::report::organization::Stream::new(format, colour, w, tempfile::tempfile).map_err(
            |e| {
                UsageError(format!(
                    "{e} (in {}: TMPDIR sets the directory)",
                    std::env::temp_dir().display()
                ))
            },
        )?;
    let org = super::org_input::audit_paths(&args.snapshot, opts, &mut stream)?;
    match stream.finish(&org) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(UsageError(format!("cannot write the report: {e}")));
        }
        _ => {}
    }
    Ok(org_exit_code(&org, args.fail_on_not_available))
}

/// The report to `path`, or to stdout.
fn write_report(path: Option<&std::path::Path>, text: &str) -> Result<(), UsageError> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            UsageError(format!(
                "cannot write the report to `{}`: {e}",
                path.display()
            ))
        }),
        None => {
            out(text);
            Ok(())
        }
    }
}

/// 1 when an account has a FAILED control; else 3 when no account could be
/// evaluated, or with `--fail-on-not-available` some automated control of an
/// audited account is NOT_AVAILABLE; else 0.
fn org_exit_code(o: &crate::audit::organization::OrgAudit, fail_on_not_available: bool) -> u8 {
    if o.any_failed() {
        EXIT_FAIL
    } else if o.evaluated_nothing() || (fail_on_not_available && o.any_not_available()) {
        EXIT_NOT_AVAILABLE
    } else {
        EXIT_OK
    }
}

/// The exit code of an audit in which no control FAILED but nothing could be
/// evaluated (every control NOT_AVAILABLE), or, with
/// `--fail-on-not-available`, some automated control was NOT_AVAILABLE.
pub const EXIT_NOT_AVAILABLE: u8 = 3;

/// 1 when a control FAILED; else 3 when the audit read too little
/// ([`EXIT_NOT_AVAILABLE`]); else 0.
fn exit_code(report: &audit::Audit, fail_on_not_available: bool) -> u8 {
    if report.any_failed() {
        EXIT_FAIL
    } else if report.evaluated_nothing() || (fail_on_not_available && report.any_not_available()) {
        EXIT_NOT_AVAILABLE
    } else {
        EXIT_OK
    }
}

/// The benchmark named by `--benchmark`.
pub(super) fn benchmark_arg(name: &str) -> Result<&'static cis::Benchmark, UsageError> {
    cis::benchmark(name).ok_or_else(|| {
        let names: Vec<&str> = cis::BENCHMARKS.iter().map(|b| b.name).collect();
        UsageError(format!(
            "unknown benchmark `{name}`: expected one of {}",
            names.join(", ")
        ))
    })
}

/// The controls named on the command line, in catalog order; `None` for all.
pub(super) fn select(ids: &[String]) -> Result<Option<Vec<&'static Control>>, UsageError> {
    let ids: Vec<&str> = ids
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    let mut picked = Vec::new();
    for id in ids {
        let found: Vec<&'static Control> = match cis::control(id) {
            Some(c) => vec![c],
            None => cis::CONTROLS
                .iter()
                .filter(|c| c.securityhub_id.is_some_and(|s| s.eq_ignore_ascii_case(id)))
                .collect(),
        };
        if found.is_empty() {
            return Err(UsageError(format!(
                "unknown control `{id}`: expected a CIS v1.2.0 id (1.1 to 4.4) or a Security Hub id such as CloudWatch.2"
            )));
        }
        picked.extend(found);
    }
    Ok(Some(picked))
}

pub(super) fn read_snapshot(path: &std::path::Path) -> Result<Snapshot, UsageError> {
    let text = super::read::read_text(path, MAX_SNAPSHOT_BYTES as u64, "snapshot")?;
    Snapshot::from_json(&text).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// What `verify --organization` leaves to do.
#[cfg(feature = "aws")]
enum Live {
    /// The collection failed or was interrupted: this exit code.
    Done(u8),
    /// Audit these arguments (with the directory collected into, kept until
    /// the audit is done).
    Audit(Box<VerifyArgs>, Option<tempfile::TempDir>),
}

/// `verify --organization`: collect the organization into a temporary
/// directory and point `--snapshot` at it. Without `--organization`, the
/// arguments as given.
#[cfg(feature = "aws")]
fn live_organization(mut args: VerifyArgs) -> Result<Live, UsageError> {
    if !args.org.organization {
        return Ok(Live::Audit(Box::new(args), None));
    }
    if !args.snapshot.is_empty() {
        return Err(UsageError(
            "--organization audits live: it cannot be used with --snapshot".into(),
        ));
    }
    if args.org.resume {
        return Err(UsageError(
            "--resume continues a `collect --organization` directory; verify collects afresh each time"
                .into(),
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("cis-filters-org-")
        .tempdir()
        .map_err(|e| UsageError(format!("cannot create a temporary directory: {e}")))?;
    let code = super::collect::organization_into(&args.aws, &args.org, dir.path().to_path_buf());
    // Accounts that could not be read are in the directory as error files
    // and become NOT_AVAILABLE in the report; anything else ends the run.
    if code != EXIT_OK && code != super::collect::EXIT_ACCOUNTS_FAILED {
        return Ok(Live::Done(code));
    }
    args.snapshot = vec![dir.path().to_path_buf()];
    Ok(Live::Audit(Box::new(args), Some(dir)))
}

/// Why a live snapshot could not be taken.
enum LiveError {
    /// Already printed; end with this exit code.
    #[cfg_attr(not(feature = "aws"), allow(dead_code))]
    Reported(u8),
    /// Print this and end with a usage error.
    #[cfg_attr(feature = "aws", allow(dead_code))]
    Usage(UsageError),
}

/// A snapshot taken from the account now, with the AWS SDK (docs/aws.md).
#[cfg(feature = "aws")]
fn live_snapshot(args: &VerifyArgs) -> Result<Snapshot, LiveError> {
    super::collect::run(&args.aws)
        .map(|c| c.snapshot)
        .map_err(LiveError::Reported)
}

/// A snapshot taken from the account now. This build has no AWS code.
#[cfg(not(feature = "aws"))]
fn live_snapshot(_args: &VerifyArgs) -> Result<Snapshot, LiveError> {
    Err(LiveError::Usage(UsageError(
        "no --snapshot given, and this build of cis-filters cannot audit an account live: \
         that needs the `aws` feature (cargo install cis-filters --features aws). \
         Audit a saved snapshot with `--snapshot FILE` (see docs/snapshot.md)"
            .to_owned(),
    )))
}
