//! `cis-filters replay`: which CIS alarms would these CloudTrail events have fired?

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::test_cmd::{Tally, for_each_event};
use super::{EXIT_OK, out, outln, read, usage_error};
use crate::cis::benchmarks::{self, BENCHMARKS, Benchmark, DEFAULT_BENCHMARK};
use crate::matcher::{Matcher, MatcherSet};
use crate::report::escape;

/// The most example events kept per control (`--examples`).
pub const MAX_EXAMPLES: u16 = 100;

/// An example keeps at most this many characters of each field.
const MAX_FIELD_CHARS: usize = 256;

/// Output format of `replay`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ReplayFormat {
    /// A table: one row per control, with example events.
    #[default]
    Table,
    /// One JSON object (docs/matching.md, "replay --format json").
    Json,
}

/// Run every CIS control's canonical metric-filter pattern over CloudTrail logs.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters replay 123456789012_CloudTrail_us-east-1_20240301T1200Z_abc.json.gz\n  \
    cis-filters replay --benchmark securityhub --format json logs/*.json.gz\n  \
    aws s3 cp s3://trail-bucket/AWSLogs/.../file.json.gz - | cis-filters replay -\n\n\
    For each metric-filter control of the benchmark, the first canonical pattern is run\n\
    over every event: the count says how often that CIS alarm would have fired, and a few\n\
    examples show which events fired it. Events are read as by `cis-filters test`\n\
    (CloudTrail {\"Records\": [...]} files, gzip, JSON lines).\n\
    Files are streamed: memory does not grow with their size. An event longer than 1 MiB\n\
    (the most CloudWatch Logs accepts) is skipped and counted.\n\
    Exit codes: 0 replayed (whether or not any alarm fired), 2 unknown benchmark or\n\
    unreadable input (then no report is printed).")]
pub struct ReplayArgs {
    /// CloudTrail log files (`-` reads stdin).
    #[arg(required = true)]
    files: Vec<String>,
    /// The benchmark whose canonical patterns are replayed.
    #[arg(long, default_value = DEFAULT_BENCHMARK)]
    benchmark: String,
    /// How many example events to show per control (at most 100).
    #[arg(long, default_value_t = 3,
          value_parser = clap::value_parser!(u16).range(..=i64::from(MAX_EXAMPLES)))]
    examples: u16,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReplayFormat,
}

struct Row {
    control: &'static str,
    securityhub_id: Option<&'static str>,
    title: &'static str,
    pattern: &'static str,
    matched: usize,
    examples: Vec<Value>,
}

/// A field of an example, kept small: a string cut to [`MAX_FIELD_CHARS`]
/// characters (with `…`), any other value dropped (null) when its JSON is
/// longer than that.
fn clipped(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(s)) if s.chars().count() > MAX_FIELD_CHARS => {
            let mut cut: String = s.chars().take(MAX_FIELD_CHARS - 1).collect();
            cut.push('…');
            Value::String(cut)
        }
        Some(Value::Array(_) | Value::Object(_))
            if v.is_some_and(|v| v.to_string().len() > MAX_FIELD_CHARS) =>
        {
            Value::Null
        }
        Some(v) => v.clone(),
        None => Value::Null,
    }
}

/// The short identity of a CloudTrail record for the table.
fn summary(message: &str) -> (Value, String) {
    let v: Value = serde_json::from_str(message).unwrap_or(Value::Null);
    let field = |k: &str| match clipped(v.get(k)) {
        Value::String(s) => s,
        _ => "-".to_owned(),
    };
    let who = match clipped(v.pointer("/userIdentity/type")) {
        Value::String(s) => s,
        _ => "-".to_owned(),
    };
    let short = format!(
        "{} {} {} ({who})",
        field("eventTime"),
        field("eventSource"),
        field("eventName"),
    );
    let keep = json!({
        "eventTime": clipped(v.get("eventTime")),
        "eventSource": clipped(v.get("eventSource")),
        "eventName": clipped(v.get("eventName")),
        "eventID": clipped(v.get("eventID")),
    });
    (keep, short)
}

/// Run `replay`.
pub fn run(args: ReplayArgs) -> u8 {
    let Some(bench) = benchmarks::benchmark(&args.benchmark) else {
        let names: Vec<&str> = BENCHMARKS.iter().map(|b| b.name).collect();
        return usage_error(format!(
            "unknown benchmark `{}`; known: {}",
            args.benchmark,
            names.join(", ")
        ));
    };
    let logs = match read::open_logs(&args.files) {
        Ok(l) => l,
        Err(e) => return usage_error(e),
    };
    let files: Vec<String> = logs.iter().map(|l| l.name.clone()).collect();
    let (set, mut rows) = match compile(bench) {
        Ok(x) => x,
        Err(e) => return usage_error(e),
    };
    let examples = usize::from(args.examples);
    let mut json_events = 0usize;
    let mut tally = Tally::default();
    let mut shorts: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
    // The table or document is printed at the end: progress may be drawn.
    let result = for_each_event(logs, &mut tally, true, |name, ev| {
        let p = set.prepare(ev.message);
        json_events += usize::from(p.is_json());
        for (i, row) in rows.iter_mut().enumerate() {
            if !p.matches(i) {
                continue;
            }
            row.matched += 1;
            if row.examples.len() < examples {
                let (mut keep, short) = summary(ev.message);
                if let Some(o) = keep.as_object_mut() {
                    o.insert("source".into(), json!(name));
                    o.insert("line".into(), json!(ev.line));
                }
                row.examples.push(keep);
                if let Some(s) = shorts.get_mut(i) {
                    s.push(format!("{short}  {name}:{}", ev.line));
                }
            }
        }
    });
    if let Err(e) = result {
        return usage_error(e);
    }
    let total = tally.total;
    if json_events < total {
        eprintln!(
            "note: {} of {total} event{} are not JSON objects; no CIS pattern matches them",
            total - json_events,
            if total == 1 { "" } else { "s" }
        );
    }
    tally.note();
    match args.format {
        ReplayFormat::Json => outln(&document(bench, &files, &rows, total, json_events, &tally)),
        ReplayFormat::Table => out(&table(bench, &rows, &shorts, total)),
    }
    EXIT_OK
}

/// The JSON document of `replay --format json` (docs/matching.md).
fn document(
    bench: &Benchmark,
    files: &[String],
    rows: &[Row],
    total: usize,
    json_events: usize,
    tally: &Tally,
) -> String {
    let controls: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "control": r.control,
                "securityhub_id": r.securityhub_id,
                "title": r.title,
                "pattern": r.pattern,
                "matched": r.matched,
                "examples": r.examples,
            })
        })
        .collect();
    let mut doc = json!({
        "benchmark": bench.name,
        "files": files,
        "total": total,
        "json_events": json_events,
        "controls": controls,
    });
    if let (true, Some(o)) = (tally.too_large > 0, doc.as_object_mut()) {
        o.insert("too_large".into(), json!(tally.too_large));
    }
    doc.to_string()
}

fn compile(bench: &Benchmark) -> Result<(MatcherSet, Vec<Row>), String> {
    let mut matchers = Vec::new();
    let mut rows = Vec::new();
    for r in bench.rows {
        let Some(&pattern) = r.canonical.first() else {
            continue;
        };
        let m = Matcher::new(pattern).map_err(|e| {
            format!(
                "the canonical pattern of {} {} does not compile: {e}",
                bench.name, r.control
            )
        })?;
        matchers.push(m);
        rows.push(Row {
            control: r.control,
            securityhub_id: r.securityhub_id,
            title: r.title,
            pattern,
            matched: 0,
            examples: Vec::new(),
        });
    }
    Ok((MatcherSet::new(matchers), rows))
}

fn table(bench: &Benchmark, rows: &[Row], shorts: &[Vec<String>], total: usize) -> String {
    let mut s = format!(
        "{} — {total} event{} replayed\n\n",
        bench.title,
        if total == 1 { "" } else { "s" }
    );
    let w = rows
        .iter()
        .map(|r| r.control.len())
        .max()
        .unwrap_or(7)
        .max(7);
    s.push_str(&format!("{:<w$}  {:>7}  TITLE\n", "CONTROL", "MATCHED"));
    for (r, ex) in rows.iter().zip(shorts) {
        s.push_str(&format!(
            "{:<w$}  {:>7}  {}\n",
            r.control, r.matched, r.title
        ));
        for e in ex {
            s.push_str(&format!(
                "{:<w$}  {:>7}    e.g. {}\n",
                "",
                "",
                escape::line(e)
            ));
        }
    }
    let fired = rows.iter().filter(|r| r.matched > 0).count();
    s.push_str(&format!(
        "\n{fired} of {} alarms would have fired.\n",
        rows.len()
    ));
    s
}
