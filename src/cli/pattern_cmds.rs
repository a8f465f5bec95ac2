//! `cis-filters parse` and `cis-filters fmt`.

use clap::{Args, ValueEnum};

use super::{EXIT_FAIL, EXIT_OK, outln, text_arg_or_stdin, usage_error};
use crate::pattern::batch::{self, BatchError, result_json};
use crate::pattern::{self, Normal};

/// Output format of `parse`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ParseFormat {
    /// The normal form on stdout; errors rendered with a caret on stderr.
    #[default]
    Text,
    /// One JSON object (see README, "parse --format json").
    Json,
}

/// Parse a filter pattern and print its normal form.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters parse '{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }'\n  \
    cis-filters parse --format json '{ $.errorCode = \"AccessDenied*\" }'\n  \
    printf '%s\\n' '{ $.a = 1 }' '{ $.a == 1 }' | cis-filters parse --batch\n  \
    cis-filters parse --batch --ast < patterns.txt > parsed.jsonl\n\n\
    The normal form drops redundant parentheses, sorts the operands of && and ||, and\n\
    quotes every text value, so two patterns that mean the same print the same.\n\
    --batch prints one JSON object per line, {\"kind\",\"line\",\"normal\",\"ok\":true} or\n\
    {\"error\",\"line\",\"ok\":false}; --ast adds the syntax tree. A line longer than\n\
    64 KiB is reported as too_long without being kept; a pattern on stdin longer than\n\
    that is an input error (a pattern is at most 1024 characters).\n\
    Exit codes: 0 valid, 1 invalid (the error is printed on stderr), 2 usage error.")]
pub struct ParseArgs {
    /// The pattern; `-` or nothing reads it from stdin (one trailing newline is dropped).
    pattern: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ParseFormat,
    /// Read one pattern per stdin line (verbatim but for the newline) and print
    /// one JSON object per line: `ok`, `kind` and `normal`, or `error`, with
    /// `"line": N`. Exit 1 if any is invalid.
    #[arg(long, conflicts_with = "pattern")]
    batch: bool,
    /// With `--batch`: add each pattern's syntax tree (`ast`) to its object,
    /// as `--format json` prints it.
    #[arg(long)]
    ast: bool,
}

/// Print a pattern in house style: tokens and structure unchanged.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  \
    cis-filters fmt '{($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)}'\n  \
    prints { ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }\n\n\
    House style: one space around && || and comparison operators and inside the braces,\n\
    none inside parentheses, \", \" between space-delimited fields. Quotes, parentheses and\n\
    operand order are kept, so the result is what Security Hub compares.\n\
    Exit codes: 0 formatted, 1 invalid pattern, 2 usage error.")]
pub struct FmtArgs {
    /// The pattern; `-` or nothing reads it from stdin (one trailing newline is dropped).
    pattern: Option<String>,
}

/// `cis-filters parse`.
pub fn parse(args: ParseArgs) -> u8 {
    if args.batch {
        return parse_batch(args.ast);
    }
    if args.ast {
        return usage_error(
            "`--ast` goes with `--batch`; for one pattern, `--format json` prints its tree",
        );
    }
    let text = match text_arg_or_stdin(args.pattern.as_deref(), "pattern") {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let result = pattern::parse(&text);
    match args.format {
        ParseFormat::Json => {
            outln(&result_json(&result).to_string());
            if result.is_ok() { EXIT_OK } else { EXIT_FAIL }
        }
        ParseFormat::Text => match result {
            Ok(ast) => {
                outln(&Normal::from_ast(&ast).to_string());
                EXIT_OK
            }
            Err(e) => {
                eprintln!("{}", e.render(Some("pattern")));
                EXIT_FAIL
            }
        },
    }
}

fn parse_batch(ast: bool) -> u8 {
    let input = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
    match batch::run(input, std::io::stdout().lock(), ast) {
        // A closed stdout stops the output, not the verdict: the exit code
        // counts every line.
        Ok(summary) => {
            if summary.invalid > 0 {
                EXIT_FAIL
            } else {
                EXIT_OK
            }
        }
        Err(BatchError::Read(e)) => usage_error(format!("cannot read stdin: {e}")),
        Err(BatchError::Write(e)) => usage_error(format!("cannot write to stdout: {e}")),
    }
}

/// `cis-filters fmt`.
pub fn fmt(args: FmtArgs) -> u8 {
    let text = match text_arg_or_stdin(args.pattern.as_deref(), "pattern") {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    match pattern::parse(&text) {
        Ok(ast) => {
            outln(&pattern::print::house(&ast));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{}", e.render(Some("pattern")));
            EXIT_FAIL
        }
    }
}
