//! `cis-filters collect`: read an AWS account with the AWS SDK and write its
//! snapshot; also the live half of `verify` (the same options, then the
//! checks run on the snapshot in memory).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use clap::Args;

use crate::aws::organization::{self, OrgRun, OrgSettings, write_atomically};
use crate::aws::{self, Collection, Progress, Regions, Settings};
use crate::report::escape;

use super::EXIT_OK;

/// Exit code when the user interrupts a collection (Ctrl-C), as shells use
/// for SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;

/// How to reach the account: the options shared by `collect` and live `verify`.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// Named profile of ~/.aws/config and ~/.aws/credentials (SSO profiles
    /// too) [default: AWS_PROFILE, else `default`].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Home region, used for the global services (IAM, STS, S3 account
    /// settings) and to list the regions [default: AWS_REGION or the
    /// profile's region, else us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Regions to audit: `all` (every region enabled for the account) or a
    /// comma-separated list such as `us-east-1,eu-west-1`.
    #[arg(long, value_name = "LIST", default_value = "all")]
    pub regions: String,

    /// Send every request to this endpoint instead of AWS (an emulator such
    /// as moto, or a proxy). AWS_ENDPOINT_URL is honoured too. S3 then uses
    /// path-style addressing.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Assume this IAM role (STS AssumeRole) with the credentials found, and
    /// audit with the role's permissions.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,

    /// Most requests in flight at once, over all regions and services.
    #[arg(long, value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_in_flight: u16,

    /// Time limit of one request in seconds, SDK retries included; a request
    /// that takes longer is recorded as a `Timeout` failure.
    #[arg(long, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// No progress and no summary on stderr (errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,

    /// Log each AWS call on stderr (-vv: also the SDK's own debug log).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl AwsArgs {
    fn settings(&self) -> Result<Settings, String> {
        let regions = Regions::parse(&self.regions).map_err(|e| format!("--regions: {e}"))?;
        if let Some(r) = &self.region
            && !aws::client::is_region_name(r)
        {
            return Err(format!(
                "--region: `{r}` is not a region name (expected something like `eu-west-1`)"
            ));
        }
        Ok(Settings {
            profile: self.profile.clone(),
            region: self.region.clone(),
            regions,
            endpoint_url: self.endpoint_url.clone(),
            role_arn: self.role_arn.clone(),
            max_in_flight: usize::from(self.max_in_flight),
            call_timeout: Duration::from_secs(self.timeout),
            ..Settings::default()
        })
    }
}

/// `collect` arguments.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters collect -o snapshot.json\n  \
    cis-filters collect --profile audit --regions us-east-1,eu-west-1 -o snapshot.json\n  \
    cis-filters verify --snapshot snapshot.json\n  \
    cis-filters collect --organization --role-name CisAudit -o org-snapshot\n  \
    cis-filters collect --organization --role-name CisAudit --shard 2/4 -o shard-2\n\n\
    With --organization the caller is the management account or a delegated administrator: \
    the accounts come from AWS Organizations, each member is read through the role \
    --role-name (STS AssumeRole; the caller's own account with the caller's credentials), \
    and DIR receives organization.json and accounts/<id>.json as each account is done \
    (docs/snapshot.md). Suspended accounts are listed, not read.\n\n\
    Credentials come from the usual AWS places: environment variables, --profile (SSO \
    profiles included), web identity, or the container or instance role. Only read-only \
    calls are made; the AWS managed policy SecurityAudit allows all of them (docs/aws.md).\n\n\
    Exit codes: 0 snapshot written (calls that failed are recorded in it), \
    1 --organization: some accounts could not be read (their accounts/<id>.error.json says why), \
    2 usage error, no credentials or nothing could be read, 130 interrupted.")]
pub struct CollectArgs {
    /// Write the snapshot (JSON) to FILE instead of stdout, readable by its
    /// owner only (mode 0600); FILE is replaced only once it is complete.
    /// With --organization: the directory of the organization snapshot.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The organization.
    #[command(flatten)]
    pub org: OrgArgs,

    /// How to reach the account.
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// `collect --organization` options.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Organization")]
pub struct OrgArgs {
    /// Every account of the caller's AWS Organization (run as the management
    /// account or a delegated administrator): `collect` writes them into the
    /// directory --output, `verify` collects them and audits them.
    #[arg(long, requires = "role_name")]
    pub organization: bool,

    // The text is `--help` output, where `<account>` is not an HTML tag.
    #[allow(rustdoc::invalid_html_tags)]
    /// The role assumed in each member account
    /// (arn:<partition>:iam::<account>:role/NAME), e.g. a read-only role with
    /// the SecurityAudit policy (docs/aws.md has a StackSet template).
    #[arg(long, value_name = "NAME", requires = "organization")]
    pub role_name: Option<String>,

    /// External id passed to STS AssumeRole, if the role's trust policy asks for one.
    #[arg(long, value_name = "ID", requires = "organization")]
    pub external_id: Option<String>,

    /// Only the accounts under this organizational unit (or root), at any depth.
    #[arg(long, value_name = "OU_ID", requires = "organization")]
    pub ou: Option<String>,

    /// Only these accounts (comma-separated 12-digit ids).
    #[arg(long, value_name = "IDS", requires = "organization")]
    pub accounts: Option<String>,

    /// Not these accounts (comma-separated 12-digit ids).
    #[arg(long, value_name = "IDS", requires = "organization")]
    pub exclude_accounts: Option<String>,

    /// Accounts collected at once; each has its own --max-in-flight requests.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "organization",
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub max_accounts_in_flight: u16,

    /// Go on with an interrupted run: skip the accounts that already have a
    /// file in DIR (same organization only).
    #[arg(long, requires = "organization")]
    pub resume: bool,

    /// Collect only shard I of N: the accounts at positions p of the sorted
    /// id list with p % N == I - 1. Run N collectors with I = 1..N, then
    /// `verify --snapshot DIR1 DIR2 …` (docs/aws.md has a CI matrix example).
    #[arg(long, value_name = "I/N", requires = "organization")]
    pub shard: Option<String>,
}

impl OrgArgs {
    fn settings(&self, output: PathBuf) -> Result<OrgSettings, String> {
        let role_name = self.role_name.clone().unwrap_or_default();
        if !organization::is_role_name(&role_name) {
            return Err(format!(
                "--role-name: `{}` is not a role name (1 to 64 letters, digits and _+=,.@-; no path)",
                role_name.escape_debug()
            ));
        }
        if let Some(x) = &self.external_id
            && !organization::is_external_id(x)
        {
            return Err("--external-id: 2 to 1224 letters, digits and _+=,.@:/- expected".into());
        }
        if let Some(ou) = &self.ou {
            let ok = (ou.starts_with("ou-") || ou.starts_with("r-"))
                && ou.len() <= 68
                && ou.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !ok {
                return Err(format!(
                    "--ou: `{}` is not an organizational unit or root id (ou-… or r-…)",
                    ou.escape_debug()
                ));
            }
        }
        let list = |flag: &str, v: &Option<String>| -> Result<Vec<String>, String> {
            v.as_deref()
                .map(organization::parse_account_list)
                .transpose()
                .map(Option::unwrap_or_default)
                .map_err(|e| format!("{flag}: {e}"))
        };
        Ok(OrgSettings {
            output,
            role_name,
            external_id: self.external_id.clone(),
            ou: self.ou.clone(),
            accounts: list("--accounts", &self.accounts)?,
            exclude_accounts: list("--exclude-accounts", &self.exclude_accounts)?,
            shard: self
                .shard
                .as_deref()
                .map(organization::parse_shard)
                .transpose()
                .map_err(|e| format!("--shard: {e}"))?,
            max_accounts_in_flight: usize::from(self.max_accounts_in_flight),
            resume: self.resume,
        })
    }
}

/// Run `collect`.
pub fn collect(args: CollectArgs) -> u8 {
    if args.org.organization {
        return collect_organization(&args);
    }
    let collection = match run(&args.aws) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut json = collection.snapshot.to_json();
    json.push('\n');
    match &args.output {
        None => super::out(&json),
        Some(path) => {
            if let Err(e) = write_atomically(path, &json) {
                return super::usage_error(format!("cannot write `{}`: {e}", path.display()));
            }
            if !args.aws.quiet {
                eprintln!("wrote {}", escape::line(&path.display().to_string()));
            }
        }
    }
    EXIT_OK
}

fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .map_err(|e| super::usage_error(format!("cannot start the async runtime: {e}")))
}

/// `collect --organization`: the organization snapshot directory.
fn collect_organization(args: &CollectArgs) -> u8 {
    let Some(dir) = args.output.clone() else {
        return super::usage_error("--organization needs --output DIR");
    };
    organization_into(&args.aws, &args.org, dir)
}

/// Collect the organization into `dir`, with progress and a summary on
/// stderr; the exit code of `collect --organization`.
pub(super) fn organization_into(aws: &AwsArgs, org_args: &OrgArgs, dir: PathBuf) -> u8 {
    let settings = match aws.settings() {
        Ok(s) => s,
        Err(e) => return super::usage_error(e),
    };
    let org = match org_args.settings(dir.clone()) {
        Ok(o) => o,
        Err(e) => return super::usage_error(e),
    };
    init_tracing(aws.verbose);
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let show = !aws.quiet && std::io::stderr().is_terminal() && aws.verbose == 0;
    let progress = Arc::new(OrgTermProgress::new(show));
    let sink: Arc<dyn organization::OrgProgress> = progress.clone();
    let result = runtime.block_on(async {
        tokio::select! {
            r = organization::collect_organization(&settings, &org, sink) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    progress.bar.finish_and_clear();
    let shown = escape::line(&dir.display().to_string()).into_owned();
    match result {
        None => {
            // An account being written when Ctrl-C came finishes its file
            // (or drops its temporary file) before the files are counted.
            runtime.shutdown_timeout(Duration::from_secs(5));
            let done = organization::finished_accounts(&dir);
            eprintln!(
                "interrupted: {done} account{} complete in {shown}; run the same command with --resume to go on",
                if done == 1 { " is" } else { "s are" }
            );
            EXIT_INTERRUPTED
        }
        Some(Err(e)) => {
            runtime.shutdown_background();
            super::usage_error(e)
        }
        Some(Ok(run)) => {
            runtime.shutdown_background();
            if !aws.quiet {
                eprint!("{}", org_summary(&run, &shown));
            }
            if run.failed.is_empty() {
                EXIT_OK
            } else {
                EXIT_ACCOUNTS_FAILED
            }
        }
    }
}

/// Exit code of `collect --organization` when some accounts could not be read.
pub const EXIT_ACCOUNTS_FAILED: u8 = 1;

/// What an organization run did, for stderr.
fn org_summary(run: &OrgRun, dir: &str) -> String {
    use std::fmt::Write as _;
    let o = &run.organization;
    let mut out = format!(
        "organization {} ({} account{} in scope): {} collected, {} failed, {} skipped by --resume, \
         {} not active, {} in other shards; {} calls, {} retries, {} throttled answers in {:.2} s; wrote {dir}\n",
        escape::line(&o.organization_id),
        o.accounts.len(),
        if o.accounts.len() == 1 { "" } else { "s" },
        run.collected.len(),
        run.failed.len(),
        run.resumed.len(),
        run.not_active.len(),
        run.other_shards,
        run.calls,
        run.retries,
        run.throttles,
        run.elapsed.as_secs_f64(),
    );
    for (id, state) in &run.not_active {
        let _ = writeln!(
            out,
            "  {} is {}: listed, not audited",
            escape::line(id),
            escape::line(state)
        );
    }
    for id in &run.unknown {
        let _ = writeln!(
            out,
            "warning: --accounts names {} which is not in the organization{}: not collected",
            escape::line(id),
            if o.scope.ou.is_some() {
                " under --ou"
            } else {
                ""
            }
        );
    }
    if !run.failed.is_empty() {
        let _ = writeln!(
            out,
            "error: {} account{} could not be audited (every control NOT_AVAILABLE):",
            run.failed.len(),
            if run.failed.len() == 1 { "" } else { "s" }
        );
        for f in &run.failed {
            let e = &f.error;
            let _ = writeln!(
                out,
                "  {}: {}:{}: {}: {}",
                escape::line(&f.account_id),
                escape::line(&e.service),
                escape::line(&e.operation),
                escape::line(&e.code),
                escape::line(&e.message)
            );
        }
    }
    out
}

/// The organization run's bar: accounts done of all, calls, retries,
/// throttles, elapsed; drawn only on a terminal.
struct OrgTermProgress {
    bar: indicatif::ProgressBar,
    calls: AtomicU64,
    retries: AtomicU64,
    throttles: AtomicU64,
    failed: AtomicU64,
}

impl OrgTermProgress {
    fn new(show: bool) -> Self {
        Self {
            bar: super::progress::accounts(show),
            calls: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            throttles: AtomicU64::new(0),
            failed: AtomicU64::new(0),
        }
    }

    fn redraw(&self) {
        self.bar.set_message(format!(
            "{} failed, {} calls, {} retries, {} throttled",
            self.failed.load(Ordering::Relaxed),
            self.calls.load(Ordering::Relaxed),
            self.retries.load(Ordering::Relaxed),
            self.throttles.load(Ordering::Relaxed)
        ));
    }
}

impl Progress for OrgTermProgress {
    fn step(&self, _: &str, _: &str, _: usize, _: usize) {}

    fn warn(&self, message: &str) {
        self.bar
            .suspend(|| eprintln!("warning: {}", escape::line(message)));
    }

    fn attempt(&self, retry: bool) {
        if retry {
            self.retries.fetch_add(1, Ordering::Relaxed);
        } else {
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        // The bar redraws on its own tick; the message is cheap to set.
        self.redraw();
    }

    fn throttled(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }
}

impl organization::OrgProgress for OrgTermProgress {
    fn accounts(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.redraw();
    }

    fn account_done(&self, _: &str, ok: bool) {
        if !ok {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.bar.inc(1);
        self.redraw();
    }
}

/// Collect with `args`: logging, progress, Ctrl-C, and a summary of what
/// failed. `Err` holds the exit code after the message was printed.
pub fn run(args: &AwsArgs) -> Result<Collection, u8> {
    let settings = args.settings().map_err(super::usage_error)?;
    init_tracing(args.verbose);
    let runtime = runtime()?;
    let show_progress = !args.quiet && std::io::stderr().is_terminal() && args.verbose == 0;
    let bar = super::progress::steps("collecting", show_progress);
    let progress: Arc<dyn Progress> = Arc::new(TermProgress { bar: bar.clone() });
    let result = runtime.block_on(async {
        tokio::select! {
            r = aws::collect(&settings, progress) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    bar.finish_and_clear();
    // Do not wait for requests still in flight after Ctrl-C.
    runtime.shutdown_background();
    let collection = match result {
        None => {
            eprintln!("interrupted: nothing was written");
            return Err(EXIT_INTERRUPTED);
        }
        Some(Err(e)) => return Err(super::usage_error(e)),
        Some(Ok(c)) => c,
    };
    if !args.quiet {
        summarise(&collection);
    }
    Ok(collection)
}

fn summarise(c: &Collection) {
    eprint!("{}", summary(c));
}

/// What was collected and what failed, for stderr. Account data (ids,
/// region names, AWS error messages) has its control characters escaped.
fn summary(c: &Collection) -> String {
    use std::fmt::Write as _;
    let s = &c.stats;
    let mut out = format!(
        "collected account {} in {} region{}: {} calls ({} answered with an error) in {:.2} s; \
         sum of call times {:.2} s\n",
        escape::line(&c.snapshot.account_id),
        c.regions.len(),
        if c.regions.len() == 1 { "" } else { "s" },
        s.calls,
        s.failed,
        c.elapsed.as_secs_f64(),
        s.latency.as_secs_f64(),
    );
    if !c.failures.is_empty() {
        let _ = writeln!(
            out,
            "warning: {} call{} failed; controls that need their data will be NOT_AVAILABLE:",
            c.failures.len(),
            if c.failures.len() == 1 { "" } else { "s" }
        );
        for f in c.failures.iter().take(20) {
            let _ = writeln!(out, "  {}", escape::line(&f.to_string()));
        }
        if c.failures.len() > 20 {
            let _ = writeln!(
                out,
                "  … and {} more (all are in the snapshot)",
                c.failures.len() - 20
            );
        }
    }
    out
}

/// A bar on stderr over the groups of calls, drawn only on a terminal.
struct TermProgress {
    bar: indicatif::ProgressBar,
}

impl Progress for TermProgress {
    fn step(&self, region: &str, what: &str, done: usize, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
        self.bar.set_message(format!(
            "{} {} done",
            escape::line(region),
            escape::line(what)
        ));
    }

    fn warn(&self, message: &str) {
        self.bar
            .suspend(|| eprintln!("warning: {}", escape::line(message)));
    }
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if verbose == 0 {
        return;
    }
    let mut targets = Targets::new().with_target("cis_filters", LevelFilter::INFO);
    if verbose > 1 {
        targets = targets
            .with_target("aws_smithy_runtime", LevelFilter::DEBUG)
            .with_target("aws_config", LevelFilter::DEBUG);
    }
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(super::colour_enabled(std::io::stderr().is_terminal()))
                .with_target(false),
        )
        .with(targets)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct T {
        #[command(flatten)]
        aws: AwsArgs,
    }

    #[test]
    fn settings_from_args() {
        let t = T::parse_from(["x", "--regions", "eu-west-1,us-east-1", "--timeout", "5"]);
        let s = t.aws.settings().unwrap();
        assert_eq!(
            s.regions,
            Regions::List(vec!["eu-west-1".into(), "us-east-1".into()])
        );
        assert_eq!(s.call_timeout, Duration::from_secs(5));
        let t = T::parse_from(["x"]);
        assert_eq!(t.aws.settings().unwrap().regions, Regions::All);
        let t = T::parse_from(["x", "--region", "Mars"]);
        assert!(t.aws.settings().unwrap_err().contains("--region"));
        let t = T::parse_from(["x", "--regions", "us-east-1,"]);
        assert!(t.aws.settings().unwrap_err().contains("--regions"));
        assert!(T::try_parse_from(["x", "--max-in-flight", "0"]).is_err());
    }

    #[test]
    fn summary_escapes_what_the_account_sent() {
        let c = Collection {
            snapshot: crate::audit::testkit::mixed(),
            failures: vec![aws::CallError::new(
                "config",
                "DescribeConfigurationRecorders",
                "eu-west-1\x1b]0;pwned\x07",
                "AccessDenied",
                "denied\r\x1b[2Jall clear",
            )],
            stats: Default::default(),
            elapsed: Duration::from_secs(1),
            regions: vec!["eu-west-1".into()],
        };
        let text = summary(&c);
        assert!(
            text.contains(
                "  config:DescribeConfigurationRecorders in eu-west-1\\x1b]0;pwned\\x07: AccessDenied: denied\\r\\x1b[2Jall clear\n"
            ),
            "{text}"
        );
        assert!(!text.contains(['\x1b', '\x07', '\r']), "{text}");
    }

    #[test]
    fn atomic_write() {
        let dir = std::env::temp_dir().join(format!("cis-collect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("snap.json");
        write_atomically(&p, "{}\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}\n");
        assert!(write_atomically(&dir.join("missing/x.json"), "{}").is_err());
        let leftovers = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(leftovers, 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_snapshot_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("cis-collect-mode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A new file, and one that replaces a world-readable file.
        let new = dir.join("new.json");
        write_atomically(&new, "{}\n").unwrap();
        assert_eq!(mode(&new), 0o600);
        let old = dir.join("old.json");
        std::fs::write(&old, "old").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_atomically(&old, "{}\n").unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "{}\n");
        // Nothing else is left in the directory.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
