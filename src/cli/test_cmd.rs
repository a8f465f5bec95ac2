//! `cis-filters test`: which log events a pattern matches, offline.

use std::io::Read;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{EXIT_FAIL, EXIT_OK, EXIT_USAGE, UsageError, out, outln, usage_error};
use crate::matcher::input;
use crate::matcher::{MatchError, Matcher, MatcherSet};

/// The largest input accepted, after decompression.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Output format of `test`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// The matching events, one per line.
    #[default]
    Text,
    /// One JSON object: `{"matched":n,"total":n,"events":[…]}` (docs/matching.md).
    Json,
}

/// Run a filter pattern over log events and print the ones it matches.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters test '{ $.eventName = \"ConsoleLogin\" }' events.jsonl\n  \
    cis-filters test --count '{ $.errorCode = \"AccessDenied*\" }' 123456789012_CloudTrail_us-east-1_20240301T1200Z.json.gz\n  \
    aws logs filter-log-events --log-group-name app --query 'events[].message' --output text | cis-filters test 'ERROR -DEBUG'\n  \
    cis-filters test --explain '{ $.a != \"x\" }' <<< '{\"b\": 1}'\n\n\
    Events: a CloudTrail log file ({\"Records\": [...]}, also gzip-compressed), a JSON array,\n\
    one JSON document, or one event per line (JSON lines or plain text; blank lines are\n\
    skipped). Matching follows CloudWatch Logs: a JSON pattern only matches JSON objects,\n\
    a field that is missing fails `=` and `!=`, everything is case-sensitive (see\n\
    docs/matching.md). With --explain every event is printed with the terms that decided it.\n\
    Exit codes: 0 some event matched, 1 none matched, 2 invalid pattern or unreadable input.")]
pub struct TestArgs {
    /// The filter pattern.
    pattern: String,
    /// Log files; none or `-` reads stdin.
    files: Vec<String>,
    /// Print only the number of matching events.
    #[arg(long)]
    count: bool,
    /// Print every event with the terms that decided whether it matched.
    #[arg(long, conflicts_with = "count")]
    explain: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TestFormat,
}

/// One input: its name for messages and its text.
pub struct Input {
    /// The file name, or `<stdin>`.
    pub name: String,
    /// The whole text, decompressed.
    pub text: String,
}

/// Read every file (stdin for none or `-`), decompressing gzip.
pub fn read_inputs(files: &[String]) -> Result<Vec<Input>, UsageError> {
    if files.is_empty() {
        return Ok(vec![read_input("-")?]);
    }
    files.iter().map(|f| read_input(f)).collect()
}

fn read_input(file: &str) -> Result<Input, UsageError> {
    let (name, bytes) = if file == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|e| UsageError(format!("cannot read stdin: {e}")))?;
        ("<stdin>".to_owned(), buf)
    } else {
        let mut buf = Vec::new();
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf))
            .map_err(|e| UsageError(format!("cannot read `{file}`: {e}")))?;
        (file.to_owned(), buf)
    };
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes.as_slice())
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| UsageError(format!("cannot decompress `{name}`: {e}")))?;
        out
    } else {
        bytes
    };
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(UsageError(format!(
            "`{name}` is larger than {} MiB; split it into smaller files",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        UsageError(format!(
            "`{name}` is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(Input { name, text })
}

/// Run `test`.
pub fn run(args: TestArgs) -> u8 {
    let matcher = match Matcher::new(&args.pattern) {
        Ok(m) => m,
        Err(MatchError::Parse(e)) => {
            eprintln!("{}", e.render(None).trim_end());
            return EXIT_USAGE;
        }
        Err(MatchError::Compile(e)) => return usage_error(e),
    };
    let inputs = match read_inputs(&args.files) {
        Ok(i) => i,
        Err(e) => return usage_error(e),
    };
    let is_json_pattern = matcher.is_json();
    let set = MatcherSet::new(vec![matcher]);
    let many = inputs.len() > 1;
    let (mut total, mut matched, mut not_json) = (0usize, 0usize, 0usize);
    let mut events = Vec::new();
    let mut text = String::new();
    for input in &inputs {
        let (_, evs) = input::split(&input.text);
        for ev in evs {
            total += 1;
            let prepared = set.prepare(ev.message);
            if is_json_pattern && !prepared.is_json() {
                not_json += 1;
            }
            let hit = prepared.matches(0);
            matched += usize::from(hit);
            if args.count || !(hit || args.explain) {
                continue;
            }
            let explanation = args.explain.then(|| prepared.explain(0)).flatten();
            match args.format {
                TestFormat::Json => {
                    let mut e = json!({
                        "source": input.name,
                        "line": ev.line,
                        "message": ev.message,
                    });
                    if let (Some(x), Some(obj)) = (&explanation, e.as_object_mut()) {
                        obj.insert("matched".into(), json!(hit));
                        obj.insert("explanation".into(), json!(x.decided_by));
                    }
                    events.push(e);
                }
                TestFormat::Text => {
                    if many || args.explain {
                        text.push_str(&format!("{}:{}: ", input.name, ev.line));
                    }
                    text.push_str(ev.message);
                    text.push('\n');
                    if let Some(x) = explanation {
                        for line in x.to_string().lines() {
                            text.push_str("  ");
                            text.push_str(line);
                            text.push('\n');
                        }
                    }
                    if text.len() > 1 << 16 {
                        out(&text);
                        text.clear();
                    }
                }
            }
        }
    }
    if is_json_pattern && not_json > 0 {
        eprintln!(
            "note: {not_json} of {total} event{} are not JSON objects; a JSON pattern never matches them",
            if total == 1 { "" } else { "s" }
        );
    }
    match args.format {
        TestFormat::Json => {
            let mut doc = json!({ "matched": matched, "total": total });
            if !args.count
                && let Some(obj) = doc.as_object_mut()
            {
                obj.insert("events".into(), json!(events));
            }
            outln(&doc.to_string());
        }
        TestFormat::Text if args.count => outln(&matched.to_string()),
        TestFormat::Text => out(&text),
    }
    if matched > 0 { EXIT_OK } else { EXIT_FAIL }
}
