//! `cis-filters check`: compare a pattern with a CIS control's canonical
//! pattern, or find the control it is closest to.

use std::io::IsTerminal;

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{EXIT_FAIL, EXIT_OK, colour_enabled, outln, text_arg_or_stdin, usage_error};
use crate::cis::{
    BENCHMARKS, Benchmark, Change, Classification, Comparison, DEFAULT_BENCHMARK, Difference,
    MatchMode, Verdict, benchmark, classify, compare,
};
use crate::pattern;
use crate::report::escape;

/// Output format of `check`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum CheckFormat {
    /// The pattern, the verdict and the differences, aligned.
    #[default]
    Text,
    /// One JSON object (docs/check.md).
    Json,
}

/// Compare a filter pattern with a CIS control's canonical pattern.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters check --control 3.6 '{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failedauthentication\")}'\n  \
    cis-filters check --control CloudWatch.3 --benchmark securityhub < pattern.txt\n  \
    cis-filters check --benchmark cis-2.0 --control 4.1 --format json '{ ... }'\n  \
    cis-filters check '{($.eventName=CreateTrail) || ($.eventName=UpdateTrail)}'   (which control is it?)\n\n\
    Verdicts: exact (same tokens as the canonical pattern, whitespace aside: what Security Hub\n\
    accepts), equivalent (same meaning; parentheses, operand order or quotes differ),\n\
    different (with the missing, extra and changed conditions and structural changes,\n\
    then the relation to the canonical pattern with example events: narrower is a blind\n\
    spot, broader only adds events; see `cis-filters compare`), invalid (does not parse).\n\
    With --match normalized (the default) exact and equivalent pass; with --match strict\n\
    only exact passes.\n\
    Without --control the closest controls are listed with a score, and the verdict is\n\
    against the best one. Benchmarks: cis-1.2 (default), securityhub, cis-1.4, cis-2.0,\n\
    cis-3.0, cis-5.0; `cis-filters controls --benchmark NAME` lists their patterns.\n\
    Exit codes: 0 passes, 1 does not pass (or no control is close), 2 usage error.")]
pub struct CheckArgs {
    /// The pattern; `-` or nothing reads it from stdin (one trailing newline is dropped).
    pattern: Option<String>,
    /// The control: its number in the benchmark (`3.1`; `4.1` with cis-1.4 and later)
    /// or a Security Hub id (`CloudWatch.2`).
    #[arg(long, value_name = "ID")]
    control: Option<String>,
    /// The benchmark whose canonical patterns to compare with.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_BENCHMARK)]
    benchmark: String,
    /// Which verdicts pass: `strict` (exact only) or `normalized` (exact and equivalent).
    #[arg(long = "match", value_name = "MODE", default_value = "normalized")]
    match_mode: MatchMode,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: CheckFormat,
}

/// The names of the built-in benchmarks, for messages.
pub(crate) fn benchmark_names() -> String {
    BENCHMARKS
        .iter()
        .map(|b| format!("`{}`", b.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The benchmark called `name`, or a usage error naming the known ones.
pub(crate) fn find_benchmark(name: &str) -> Result<&'static Benchmark, String> {
    benchmark(name).ok_or_else(|| {
        format!(
            "unknown benchmark `{name}`: expected one of {}",
            benchmark_names()
        )
    })
}

/// Run `check`.
pub fn check(args: CheckArgs) -> u8 {
    let bench = match find_benchmark(&args.benchmark) {
        Ok(b) => b,
        Err(e) => return usage_error(e),
    };
    let text = match text_arg_or_stdin(args.pattern.as_deref(), "pattern") {
        Ok(t) => t,
        Err(e) => return usage_error(e),
    };
    let colour = colour_enabled(std::io::stdout().is_terminal());
    if let Some(id) = args.control.as_deref() {
        return check_control(&text, bench, id, &args, colour);
    }
    // No control: an invalid pattern is reported as such, with no control.
    if let Err(e) = pattern::parse(&text) {
        return check_invalid(&text, bench, e, args.format, colour);
    }
    let cl = classify(&text, bench, args.match_mode);
    match (&cl.best, args.format) {
        (Some(c), CheckFormat::Json) => outln(&comparison_json(&text, c, Some(&cl)).to_string()),
        (Some(c), CheckFormat::Text) => outln(&explain(&text, bench, c, Some(&cl), colour)),
        (None, CheckFormat::Json) => outln(
            &json!({
                "benchmark": bench.name,
                "control": null,
                "verdict": Verdict::Different,
                "passes": false,
                "canonical": null,
                "differences": [],
                "note": no_match_note(bench),
                "error": null,
                "semantics": null,
                "candidates": [],
            })
            .to_string(),
        ),
        (None, CheckFormat::Text) => outln(&format!(
            "pattern     {}\nverdict     {}\nnote        {}",
            one_line(&text),
            paint("different (fails)", Paint::Bad, colour),
            no_match_note(bench)
        )),
    }
    match cl.best {
        Some(c) if c.passes => EXIT_OK,
        _ => EXIT_FAIL,
    }
}

/// `check --control ID`: the pattern against that one control.
fn check_control(
    text: &str,
    bench: &'static Benchmark,
    id: &str,
    args: &CheckArgs,
    colour: bool,
) -> u8 {
    let Some(c) = compare(text, bench, id, args.match_mode) else {
        let ids = bench
            .rows
            .iter()
            .map(|r| r.control)
            .collect::<Vec<_>>()
            .join(", ");
        return usage_error(format!(
            "benchmark `{}` has no metric-filter control `{id}`: its controls are {ids}, \
             or their Security Hub ids (CloudWatch.1-14)",
            bench.name
        ));
    };
    match args.format {
        CheckFormat::Json => outln(&comparison_json(text, &c, None).to_string()),
        CheckFormat::Text => outln(&explain(text, bench, &c, None, colour)),
    }
    if c.passes { EXIT_OK } else { EXIT_FAIL }
}

/// A pattern that does not parse, checked with no control: reported as invalid.
fn check_invalid(
    text: &str,
    bench: &'static Benchmark,
    error: pattern::ParseError,
    format: CheckFormat,
    colour: bool,
) -> u8 {
    let c = Comparison {
        benchmark: bench.name,
        control: String::new(),
        verdict: Verdict::Invalid,
        passes: false,
        canonical: String::new(),
        differences: Vec::new(),
        note: None,
        error: Some(error),
    };
    let empty = Classification {
        best: None,
        candidates: Vec::new(),
    };
    match format {
        CheckFormat::Json => outln(&comparison_json(text, &c, Some(&empty)).to_string()),
        CheckFormat::Text => outln(&explain(text, bench, &c, Some(&empty), colour)),
    }
    EXIT_FAIL
}

fn no_match_note(b: &Benchmark) -> String {
    format!(
        "no control of `{}` is close to this pattern (a score of {} or more); name one with `--control` to see the differences",
        b.name,
        crate::cis::CLOSE_SCORE
    )
}

/// The JSON object of a comparison (docs/check.md). With a classification,
/// `candidates` is added; an invalid pattern without a control has
/// `control` and `canonical` null. `semantics` is the relation of `text`
/// to the canonical pattern.
pub fn comparison_json(text: &str, c: &Comparison, cl: Option<&Classification>) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        let related = (c.error.is_none())
            .then(|| super::compare::relation_to_canonical(text, &c.canonical))
            .flatten();
        m.insert(
            "semantics".into(),
            super::compare::relation_json(related.as_ref()),
        );
        if c.control.is_empty() {
            m.insert("control".into(), Value::Null);
            m.insert("canonical".into(), Value::Null);
        }
        if let Some(cl) = cl {
            m.insert(
                "candidates".into(),
                serde_json::to_value(&cl.candidates).unwrap_or(Value::Null),
            );
        }
    }
    v
}

#[derive(Clone, Copy)]
enum Paint {
    Good,
    Warn,
    Bad,
    Dim,
}

fn paint(text: &str, p: Paint, colour: bool) -> String {
    if !colour {
        return text.to_owned();
    }
    let code = match p {
        Paint::Good => "32",
        Paint::Warn => "33",
        Paint::Bad => "31",
        Paint::Dim => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// A multi-line pattern shown on one line, newlines as `⏎`, other control
/// characters escaped.
fn one_line(text: &str) -> String {
    let text = text.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎");
    escape::line(&text).into_owned()
}

/// The text explanation: the pattern, the control, the verdict, the
/// canonical form and the differences aligned under each other.
pub fn explain(
    text: &str,
    bench: &Benchmark,
    c: &Comparison,
    cl: Option<&Classification>,
    colour: bool,
) -> String {
    let mut out = Vec::new();
    out.push(format!("pattern     {}", one_line(text)));
    if let Some(row) = bench.row(&c.control) {
        let sh = row
            .securityhub_id
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        out.push(format!(
            "control     {} {} ({}{sh})",
            row.control, row.title, bench.name
        ));
    }
    let (label, p) = match (c.verdict, c.passes) {
        (Verdict::Exact, _) => ("exact (passes)", Paint::Good),
        (Verdict::Equivalent, true) => ("equivalent (passes)", Paint::Warn),
        (Verdict::Equivalent, false) => ("equivalent (fails in strict mode)", Paint::Bad),
        (Verdict::Different, _) => ("different (fails)", Paint::Bad),
        (Verdict::Invalid, _) => ("invalid (fails)", Paint::Bad),
    };
    out.push(format!("verdict     {}", paint(label, p, colour)));
    if !c.canonical.is_empty() && c.verdict != Verdict::Exact {
        out.push(format!("canonical   {}", escape::line(&c.canonical)));
    }
    if let Some(e) = &c.error {
        out.push(String::new());
        out.push(e.render(Some("pattern")));
    }
    if !c.differences.is_empty() {
        out.push(String::new());
        out.push("differences".to_owned());
        for d in &c.differences {
            difference_lines(&mut out, d, colour);
        }
    }
    if c.verdict == Verdict::Different
        && let Some(r) = super::compare::relation_to_canonical(text, &c.canonical)
    {
        out.push(String::new());
        out.extend(super::compare::relation_lines(&r));
    }
    if let Some(n) = &c.note {
        out.push(String::new());
        out.push(format!("note        {}", escape::line(n)));
    }
    if let Some(cl) = cl
        && !cl.candidates.is_empty()
    {
        let list = cl
            .candidates
            .iter()
            .map(|k| format!("{} ({:.3})", k.control, k.score))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!("candidates  {list}"));
    }
    out.join("\n")
}

/// The lines of one term difference: the change and the term, and for a
/// changed term or a structure change what was expected and what was found.
fn difference_lines(out: &mut Vec<String>, d: &Difference, colour: bool) {
    let kind = format!("{:<10}", d.change.as_str());
    let kind = paint(
        &kind,
        match d.change {
            Change::Missing | Change::Changed | Change::Structure => Paint::Bad,
            Change::Extra => Paint::Warn,
        },
        colour,
    );
    out.push(format!("  {kind} {}", escape::line(&d.term)));
    if !matches!(d.change, Change::Changed | Change::Structure) {
        return;
    }
    if let Some(e) = &d.expected {
        out.push(format!(
            "             {}  {}",
            paint("expected", Paint::Dim, colour),
            escape::line(e)
        ));
    }
    if let Some(f) = &d.found {
        out.push(format!(
            "             {}     {}",
            paint("found", Paint::Dim, colour),
            escape::line(f)
        ));
    }
}
