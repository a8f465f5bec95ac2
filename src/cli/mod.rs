//! The `cis-filters` command line: argument parsing, input, output and exit codes.
//!
//! Exit codes: 0 success (pattern valid, check passed, no control failed),
//! 1 a negative result (invalid pattern, failed check or control, lint
//! errors), 2 usage or input errors (bad arguments, unreadable files).
//! Results go to stdout, diagnostics and progress to stderr. Colour only on a
//! terminal and never when `NO_COLOR` is set. A closed stdout (broken pipe)
//! ends the output quietly; the exit code is still the result's.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Parser, Subcommand};

use crate::pattern::batch::MAX_LINE_BYTES;

mod check;
#[cfg(feature = "aws")]
pub mod collect;
mod compare;
mod controls;
mod criteria;
mod drift;
mod fix;
mod install;
mod lint;
pub mod org_input;
mod pattern_cmds;
mod progress;
pub mod read;
mod replay;
mod test_cmd;
mod verify;

/// Exit code: everything passed.
pub const EXIT_OK: u8 = 0;
/// Exit code: a negative result (invalid pattern, failed control, lint error).
pub const EXIT_FAIL: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// Parse, compare and lint CloudWatch Logs filter patterns; audit AWS accounts
/// against the CIS AWS Foundations Benchmark the way Security Hub does.
#[derive(Debug, Parser)]
#[command(name = "cis-filters", version = install::VERSION, long_version = install::LONG_VERSION)]
#[command(about, long_about = None)]
#[command(after_help = "Examples:\n  \
    cis-filters verify --snapshot examples/snapshots/mixed.json    audit a saved account snapshot\n  \
    cis-filters fix --snapshot examples/snapshots/mixed.json --format terraform   what fixes it\n  \
    cis-filters check --control 3.3 '{ $.userIdentity.type = \"Root\" }'   compare with CIS 3.3\n  \
    cis-filters lint infra/                                         lint Terraform/CloudFormation\n  \
    cis-filters drift --snapshot snap.json infra/                   code vs deployed filters and alarms\n  \
    cis-filters parse '{ $.eventName = \"ConsoleLogin\" }'           parse and normalise\n  \
    cis-filters fmt '{($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)}'\n  \
    cis-filters completions bash > ~/.local/share/bash-completion/completions/cis-filters\n\n\
    Every command has --help with examples; `cis-filters man` prints the manual page.\n\
    --version names the commit and the features of this build.\n\
    Exit codes: 0 success, 1 negative result (invalid pattern, failed check or control, lint errors),\n\
    2 usage or input error.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Parse(pattern_cmds::ParseArgs),
    Fmt(pattern_cmds::FmtArgs),
    Check(check::CheckArgs),
    Compare(compare::CompareArgs),
    Controls(controls::ControlsArgs),
    Criteria(criteria::CriteriaArgs),
    Test(test_cmd::TestArgs),
    Replay(replay::ReplayArgs),
    Verify(verify::VerifyArgs),
    Fix(fix::FixArgs),
    /// Lint filter patterns in Terraform and CloudFormation files.
    Lint(lint::LintArgs),
    Drift(drift::DriftArgs),
    /// Read an AWS account (read-only) and write its snapshot as JSON.
    #[cfg(feature = "aws")]
    Collect(collect::CollectArgs),
    /// Not in this build: reading an AWS account needs the `aws` feature.
    #[cfg(not(feature = "aws"))]
    #[command(hide = true)]
    Collect(install::MissingArgs),
    Completions(install::CompletionsArgs),
    Man(install::ManArgs),
}

/// Run the command line; the process exit code is returned.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Parse(args) => pattern_cmds::parse(args),
        Command::Fmt(args) => pattern_cmds::fmt(args),
        Command::Check(args) => check::check(args),
        Command::Compare(args) => compare::run(args),
        Command::Controls(args) => controls::controls(args),
        Command::Criteria(args) => criteria::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Verify(args) => verify::verify(args),
        Command::Fix(args) => fix::fix(args),
        Command::Lint(args) => lint::lint(args),
        Command::Drift(args) => drift::run(args),
        #[cfg(feature = "aws")]
        Command::Collect(args) => collect::collect(args),
        #[cfg(not(feature = "aws"))]
        Command::Collect(args) => install::collect_without_aws(&args),
        Command::Completions(args) => install::completions(&args),
        Command::Man(args) => install::man(&args),
    };
    ExitCode::from(code)
}

/// An error that ends a command with [`EXIT_USAGE`].
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Print `error: msg` to stderr, on one line with its control characters
/// escaped (messages quote file names and input), and return [`EXIT_USAGE`].
pub fn usage_error(msg: impl std::fmt::Display) -> u8 {
    eprintln!("error: {}", crate::report::escape::line(&msg.to_string()));
    EXIT_USAGE
}

/// The pattern given as an argument, or read from stdin when the argument
/// is absent or `-`. A terminal on stdin with no argument is a usage error
/// rather than a silent wait. At most [`MAX_LINE_BYTES`] are
/// read: more is an input error, and the rest of stdin is left unread.
pub fn text_arg_or_stdin(arg: Option<&str>, what: &str) -> Result<String, UsageError> {
    match arg {
        Some(a) if a != "-" => Ok(a.to_owned()),
        _ => {
            let stdin = std::io::stdin();
            if arg.is_none() && stdin.is_terminal() {
                return Err(UsageError(format!(
                    "no {what} given: pass it as an argument, or pipe it on stdin (use `-` to read a terminal)"
                )));
            }
            let cap = MAX_LINE_BYTES;
            let mut bytes = Vec::new();
            stdin
                .lock()
                .take(cap as u64 + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| UsageError(format!("cannot read {what} from stdin: {e}")))?;
            if bytes.len() > cap {
                return Err(UsageError(format!(
                    "the {what} on stdin is longer than {cap} bytes; CloudWatch Logs accepts \
                     at most {} characters",
                    crate::pattern::error::MAX_PATTERN_CHARS
                )));
            }
            let mut s = String::from_utf8(bytes).map_err(|e| {
                UsageError(format!(
                    "cannot read {what} from stdin: not valid UTF-8 at byte {}",
                    e.utf8_error().valid_up_to()
                ))
            })?;
            // One trailing newline is the shell's, not the pattern's.
            if s.ends_with('\n') {
                s.pop();
                if s.ends_with('\r') {
                    s.pop();
                }
            }
            Ok(s)
        }
    }
}

/// Whether to colour output written to a stream with this terminal status.
pub fn colour_enabled(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Set once stdout has been found closed; nothing more is written.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether stdout was found closed (a reader such as `head` went away).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Handle an error writing to stdout: a closed pipe ends the output quietly,
/// and the command goes on to the exit code its result gives
/// (`cis-filters verify … | head` still exits 1 when a control failed);
/// any other error ends the process with [`EXIT_USAGE`].
pub fn stdout_failed(e: &std::io::Error) {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        return;
    }
    eprintln!("error: cannot write to stdout: {e}");
    std::process::exit(i32::from(EXIT_USAGE));
}

/// Write `text` to stdout. After a closed pipe nothing more is written and
/// the command keeps its own exit code (see [`stdout_failed`]).
pub fn out(text: &str) {
    if stdout_closed() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let res = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(e) = res {
        stdout_failed(&e);
    }
}

/// [`out`] with a trailing newline.
pub fn outln(text: &str) {
    let mut s = String::with_capacity(text.len() + 1);
    s.push_str(text);
    s.push('\n');
    out(&s);
}
