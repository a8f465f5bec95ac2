//! What a build of `cis-filters` is and how it fits into a shell:
//! `--version` (version, git commit, features, target), `completions SHELL`,
//! `man`, and the message for a command that this build left out.

use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, EXIT_OK, out, usage_error};

/// `-V`: one line, the version, the commit and the features of this build
/// (the commit and features come from `build.rs`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CIS_FILTERS_GIT_COMMIT"),
    ", features: ",
    env!("CIS_FILTERS_FEATURES"),
    ")"
);

#[cfg(feature = "aws")]
macro_rules! live_audits {
    () => {
        "live audits: yes (feature aws: `verify` without --snapshot, `collect`)"
    };
}
#[cfg(not(feature = "aws"))]
macro_rules! live_audits {
    () => {
        "live audits: no (this build has no AWS SDK; release binaries, the container image and \
         `cargo install cis-filters --features aws` have it)"
    };
}

/// `--version`: [`VERSION`], the target and whether this build audits live.
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("CIS_FILTERS_GIT_COMMIT"),
    ", features: ",
    env!("CIS_FILTERS_FEATURES"),
    ")\ntarget: ",
    env!("CIS_FILTERS_TARGET"),
    "\n",
    live_audits!()
);

/// Print a completion script for a shell.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters completions bash > ~/.local/share/bash-completion/completions/cis-filters\n  \
    cis-filters completions zsh > ~/.zfunc/_cis-filters     (with fpath+=~/.zfunc before compinit)\n  \
    cis-filters completions fish > ~/.config/fish/completions/cis-filters.fish\n  \
    cis-filters completions powershell >> $PROFILE\n\n\
    The script completes commands, options and their values; open a new shell to use it.\n\
    Exit codes: 0 printed, 2 usage error.")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// Run `completions`.
pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "cis-filters", &mut buf);
    out(&String::from_utf8_lossy(&buf));
    EXIT_OK
}

/// Print the manual page (roff), or write one page per command.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters man | man -l -                      read it now\n  \
    cis-filters man > ~/.local/share/man/man1/cis-filters.1\n  \
    cis-filters man --out-dir ~/.local/share/man/man1   cis-filters.1, cis-filters-lint.1, …\n\n\
    The pages are generated from the same definitions as --help.\n\
    Exit codes: 0 written, 2 usage error or a directory that cannot be written.")]
pub struct ManArgs {
    /// Write cis-filters.1 and a page for each command (cis-filters-lint.1,
    /// …) into this directory, which is created if needed, instead of
    /// printing cis-filters.1.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
}

/// Run `man`.
pub fn man(args: &ManArgs) -> u8 {
    let cmd = Cli::command();
    match &args.out_dir {
        None => {
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(cmd).render(&mut buf) {
                return usage_error(format_args!("cannot render the manual page: {e}"));
            }
            out(&String::from_utf8_lossy(&buf));
        }
        Some(dir) => {
            let written =
                std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir));
            if let Err(e) = written {
                return usage_error(format_args!(
                    "cannot write the manual pages to {}: {e}",
                    dir.display()
                ));
            }
            eprintln!("wrote the manual pages to {}", dir.display());
        }
    }
    EXIT_OK
}

/// The arguments of a command that this build does not have.
#[cfg(not(feature = "aws"))]
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct MissingArgs {
    /// Whatever was given; not read.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    args: Vec<std::ffi::OsString>,
}

/// `collect` in a build without the `aws` feature: say how to get one.
#[cfg(not(feature = "aws"))]
pub fn collect_without_aws(_args: &MissingArgs) -> u8 {
    usage_error(
        "`collect` is not in this build of cis-filters: reading an AWS account needs the \
         `aws` feature (release binaries and the container image have it; from source: \
         cargo install cis-filters --features aws). See docs/install.md",
    )
}
