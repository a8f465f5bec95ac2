//! `cis-filters parse` and `cis-filters fmt`.

use std::io::BufRead;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{EXIT_FAIL, EXIT_OK, EXIT_USAGE, outln, text_arg_or_stdin, usage_error};
use crate::pattern::{self, Ast, Normal, ParseError};

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
    printf '%s\\n' '{ $.a = 1 }' '{ $.a == 1 }' | cis-filters parse --batch\n\n\
    The normal form drops redundant parentheses, sorts the operands of && and ||, and\n\
    quotes every text value, so two patterns that mean the same print the same.\n\
    Exit codes: 0 valid, 1 invalid (the error is printed on stderr), 2 usage error.")]
pub struct ParseArgs {
    /// The pattern; `-` or nothing reads it from stdin (one trailing newline is dropped).
    pattern: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ParseFormat,
    /// Read one pattern per stdin line (verbatim but for the newline) and print
    /// one JSON object per line, with `"line": N`. Exit 1 if any is invalid.
    #[arg(long, conflicts_with = "pattern")]
    batch: bool,
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

/// The JSON object for one parse result.
pub fn parse_json(result: &Result<Ast, ParseError>) -> serde_json::Value {
    match result {
        Ok(ast) => json!({
            "ok": true,
            "kind": ast.kind_name(),
            "normal": Normal::from_ast(ast).to_string(),
            "ast": ast,
        }),
        Err(e) => json!({
            "ok": false,
            "error": error_json(e),
        }),
    }
}

/// The JSON object of a parse error: kind code, message, byte span, help.
pub fn error_json(e: &ParseError) -> serde_json::Value {
    json!({
        "kind": e.kind().code(),
        "message": e.message(),
        "start": e.span().start,
        "end": e.span().end,
        "help": e.help(),
    })
}

/// `cis-filters parse`.
pub fn parse(args: ParseArgs) -> u8 {
    if args.batch {
        return parse_batch();
    }
    let text = match text_arg_or_stdin(args.pattern.as_deref(), "pattern") {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let result = pattern::parse(&text);
    match args.format {
        ParseFormat::Json => {
            outln(&parse_json(&result).to_string());
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

fn parse_batch() -> u8 {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let mut any_invalid = false;
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot read stdin: {e}");
                return EXIT_USAGE;
            }
        }
        line_no += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        let mut obj = match std::str::from_utf8(&buf) {
            Ok(line) => {
                let r = pattern::parse(line);
                any_invalid |= r.is_err();
                parse_json(&r)
            }
            Err(e) => {
                any_invalid = true;
                json!({"ok": false, "error": {
                    "kind": "invalid_utf8",
                    "message": "the line is not valid UTF-8",
                    "start": e.valid_up_to(), "end": e.valid_up_to() + 1, "help": null}})
            }
        };
        if let Some(m) = obj.as_object_mut() {
            m.insert("line".into(), json!(line_no));
        }
        outln(&obj.to_string());
    }
    if any_invalid { EXIT_FAIL } else { EXIT_OK }
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
