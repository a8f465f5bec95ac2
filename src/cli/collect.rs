//! `cis-filters collect`: read an AWS account with the AWS SDK and write its
//! snapshot; also the live half of `verify` (the same options, then the
//! checks run on the snapshot in memory).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

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
    cis-filters verify --snapshot snapshot.json\n\n\
    Credentials come from the usual AWS places: environment variables, --profile (SSO \
    profiles included), web identity, or the container or instance role. Only read-only \
    calls are made; the AWS managed policy SecurityAudit allows all of them (docs/aws.md).\n\n\
    Exit codes: 0 snapshot written (calls that failed are recorded in it), \
    2 usage error, no credentials or nothing could be read, 130 interrupted.")]
pub struct CollectArgs {
    /// Write the snapshot (JSON) to FILE instead of stdout, readable by its
    /// owner only (mode 0600); FILE is replaced only once it is complete.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// How to reach the account.
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Run `collect`.
pub fn collect(args: CollectArgs) -> u8 {
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

/// Write to a temporary file beside `path`, then rename it into place, so a
/// reader never sees half a snapshot. The temporary file has a random name
/// and is created exclusively with mode 0600 (the snapshot describes the
/// account's security), which the renamed file keeps.
fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cis-filters-snapshot-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Collect with `args`: logging, progress, Ctrl-C, and a summary of what
/// failed. `Err` holds the exit code after the message was printed.
pub fn run(args: &AwsArgs) -> Result<Collection, u8> {
    let settings = args.settings().map_err(super::usage_error)?;
    init_tracing(args.verbose);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
        .map_err(|e| super::usage_error(format!("cannot start the async runtime: {e}")))?;
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
