//! `cis-filters replay`: which CIS alarms would these CloudTrail events have fired?

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::test_cmd::read_inputs;
use super::{EXIT_OK, out, outln, usage_error};
use crate::cis::benchmarks::{self, BENCHMARKS, Benchmark, DEFAULT_BENCHMARK};
use crate::matcher::input;
use crate::matcher::{Matcher, MatcherSet};

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
    Exit codes: 0 replayed (whether or not any alarm fired), 2 unknown benchmark or\n\
    unreadable input.")]
pub struct ReplayArgs {
    /// CloudTrail log files (`-` reads stdin).
    #[arg(required = true)]
    files: Vec<String>,
    /// The benchmark whose canonical patterns are replayed.
    #[arg(long, default_value = DEFAULT_BENCHMARK)]
    benchmark: String,
    /// How many example events to show per control.
    #[arg(long, default_value_t = 3)]
    examples: usize,
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

/// The short identity of a CloudTrail record for the table.
fn summary(message: &str) -> (Value, String) {
    let v: Value = serde_json::from_str(message).unwrap_or(Value::Null);
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("-").to_owned();
    let short = format!(
        "{} {} {} ({})",
        field("eventTime"),
        field("eventSource"),
        field("eventName"),
        v.pointer("/userIdentity/type")
            .and_then(Value::as_str)
            .unwrap_or("-"),
    );
    let keep = json!({
        "eventTime": v.get("eventTime"),
        "eventSource": v.get("eventSource"),
        "eventName": v.get("eventName"),
        "eventID": v.get("eventID"),
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
    let inputs = match read_inputs(&args.files) {
        Ok(i) => i,
        Err(e) => return usage_error(e),
    };
    let (set, mut rows) = match compile(bench) {
        Ok(x) => x,
        Err(e) => return usage_error(e),
    };
    let (mut total, mut json_events) = (0usize, 0usize);
    let mut shorts: Vec<Vec<String>> = vec![Vec::new(); rows.len()];
    for inp in &inputs {
        let (_, evs) = input::split(&inp.text);
        for ev in evs {
            total += 1;
            let p = set.prepare(ev.message);
            json_events += usize::from(p.is_json());
            for (i, row) in rows.iter_mut().enumerate() {
                if !p.matches(i) {
                    continue;
                }
                row.matched += 1;
                if row.examples.len() < args.examples {
                    let (mut keep, short) = summary(ev.message);
                    if let Some(o) = keep.as_object_mut() {
                        o.insert("source".into(), json!(inp.name));
                        o.insert("line".into(), json!(ev.line));
                    }
                    row.examples.push(keep);
                    if let Some(s) = shorts.get_mut(i) {
                        s.push(format!("{short}  {}:{}", inp.name, ev.line));
                    }
                }
            }
        }
    }
    if json_events < total {
        eprintln!(
            "note: {} of {total} event{} are not JSON objects; no CIS pattern matches them",
            total - json_events,
            if total == 1 { "" } else { "s" }
        );
    }
    match args.format {
        ReplayFormat::Json => {
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
            let files: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            outln(
                &json!({
                    "benchmark": bench.name,
                    "files": files,
                    "total": total,
                    "json_events": json_events,
                    "controls": controls,
                })
                .to_string(),
            );
        }
        ReplayFormat::Table => out(&table(bench, &rows, &shorts, total)),
    }
    EXIT_OK
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
            s.push_str(&format!("{:<w$}  {:>7}    e.g. {e}\n", "", ""));
        }
    }
    let fired = rows.iter().filter(|r| r.matched > 0).count();
    s.push_str(&format!(
        "\n{fired} of {} alarms would have fired.\n",
        rows.len()
    ));
    s
}
