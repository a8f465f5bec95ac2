//! `cis-filters compare A B`: how the events two patterns match relate,
//! with witness events.

use clap::{Args, ValueEnum};
use serde_json::{Value, json};

use super::{EXIT_FAIL, EXIT_OK, EXIT_USAGE, outln, text_arg_or_stdin, usage_error};
use crate::semantics::{CompareError, Comparison, NearMiss, Relation, compare};

/// Exit code of `compare` when the relation could not be decided.
pub const EXIT_UNKNOWN: u8 = 3;

/// Output format of `compare`.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum CompareFormat {
    /// The relation and witness events, aligned.
    #[default]
    Text,
    /// One JSON object (docs/semantics.md).
    Json,
}

/// Compare what two filter patterns match.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    cis-filters compare 'ERROR -DEBUG' 'ERROR'\n  \
    cis-filters compare '{ $.eventName = \"ConsoleLogin\" && $.additionalEventData.MFAUsed != \"Yes\" }' \\\n    \
    '{ $.eventName = \"ConsoleLogin\" && ($.additionalEventData.MFAUsed != \"Yes\" || $.additionalEventData.MFAUsed NOT EXISTS) }'\n  \
    cis-filters controls --benchmark cis-2.0 --format json | ...   (canonical patterns to compare with)\n  \
    cis-filters compare --format json \"$MY_FILTER\" - < canonical.txt\n\n\
    Relations, from A's side: equivalent (the same events), narrower (A matches only events B\n\
    matches, and fewer), broader (A matches every event B matches, and more), overlapping,\n\
    disjoint, never (a pattern matches no event at all), unknown (not decided: the reason says why).\n\
    For every direction that is not contained, an event that one pattern matches and the other\n\
    does not is shown; every event shown was checked with the matcher (`cis-filters test`).\n\
    Exit codes: 0 equivalent, 1 any other relation, 2 invalid pattern or usage error,\n\
    3 unknown.")]
pub struct CompareArgs {
    /// Pattern A; `-` reads it from stdin (one trailing newline is dropped).
    a: String,
    /// Pattern B; `-` reads it from stdin.
    b: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: CompareFormat,
}

/// Run `compare`.
pub fn run(args: CompareArgs) -> u8 {
    if args.a == "-" && args.b == "-" {
        return usage_error("only one of the patterns can be read from stdin (`-`)");
    }
    let read = |arg: &str| text_arg_or_stdin(Some(arg), "pattern");
    let (a, b) = match (read(&args.a), read(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return usage_error(e),
    };
    let c = match compare(&a, &b) {
        Ok(c) => c,
        Err(e) => {
            let (side, text) = match &e {
                CompareError::Parse(0, p) => ("A", p.render(Some("A"))),
                CompareError::Parse(_, p) => ("B", p.render(Some("B"))),
                CompareError::Compile(0, c) => ("A", format!("error: pattern A: {c}")),
                CompareError::Compile(_, c) => ("B", format!("error: pattern B: {c}")),
            };
            match args.format {
                CompareFormat::Json => outln(
                    &json!({"error": {"pattern": side, "message": e.to_string()}}).to_string(),
                ),
                CompareFormat::Text => eprintln!("{text}"),
            }
            return EXIT_USAGE;
        }
    };
    match args.format {
        CompareFormat::Json => outln(&comparison_json(&a, &b, &c).to_string()),
        CompareFormat::Text => outln(&explain(&a, &b, &c)),
    }
    match c.relation {
        Relation::Equivalent => EXIT_OK,
        Relation::Unknown => EXIT_UNKNOWN,
        _ => EXIT_FAIL,
    }
}

/// The sentence that says what the relation means.
pub fn meaning(c: &Comparison) -> String {
    match c.relation {
        Relation::Equivalent => "A and B match the same events".to_owned(),
        Relation::Narrower => "every event A matches, B matches too; B matches more".to_owned(),
        Relation::Broader => "every event B matches, A matches too; A matches more".to_owned(),
        Relation::Overlapping => {
            "some events match both; each matches events the other does not".to_owned()
        }
        Relation::Disjoint => "no event matches both".to_owned(),
        Relation::Never => match (c.a_matches_nothing, c.b_matches_nothing) {
            (Some(true), Some(true)) => "neither pattern matches any event".to_owned(),
            (Some(true), _) => "A matches no event at all".to_owned(),
            _ => "B matches no event at all".to_owned(),
        },
        Relation::Unknown => format!(
            "not decided: {}",
            c.reason.as_deref().unwrap_or("no reason given")
        ),
    }
}

/// The text report: both patterns, the relation and the witnesses.
pub fn explain(a: &str, b: &str, c: &Comparison) -> String {
    let one_line = |t: &str| t.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎");
    let mut out = vec![
        format!("A           {}", one_line(a)),
        format!("B           {}", one_line(b)),
        format!("relation    {}: {}", c.relation, meaning(c)),
    ];
    for (label, w) in [
        ("only A      ", &c.only_a),
        ("only B      ", &c.only_b),
        ("both        ", &c.both),
    ] {
        if let Some(w) = w {
            out.push(format!("{label}{}", one_line(w)));
        }
    }
    out.join("\n")
}

/// The JSON object of a comparison (docs/semantics.md).
pub fn comparison_json(a: &str, b: &str, c: &Comparison) -> Value {
    let event = |w: &Option<String>| match w {
        Some(e) => json!({ "event": e }),
        None => Value::Null,
    };
    json!({
        "relation": c.relation,
        "a": {"pattern": a, "matches_nothing": c.a_matches_nothing},
        "b": {"pattern": b, "matches_nothing": c.b_matches_nothing},
        "only_a": event(&c.only_a),
        "only_b": event(&c.only_b),
        "both": event(&c.both),
        "reason": c.reason,
    })
}

/// The relation of a checked pattern to the canonical pattern it was
/// compared with (`None` when there is nothing to compare: an invalid
/// pattern, or no canonical pattern).
pub fn relation_to_canonical(pattern: &str, canonical: &str) -> Option<Comparison> {
    if canonical.is_empty() {
        return None;
    }
    compare(pattern, canonical).ok()
}

/// `check`'s lines for the relation: what the pattern misses and what it
/// matches beyond the canonical pattern, each with an event.
pub fn relation_lines(c: &Comparison) -> Vec<String> {
    let first = match c.relation {
        Relation::Equivalent => {
            "equivalent: matches exactly the events the canonical pattern matches".to_owned()
        }
        Relation::Narrower | Relation::Broader | Relation::Overlapping | Relation::Disjoint => {
            c.relation.to_string()
        }
        Relation::Never => match c.a_matches_nothing {
            Some(true) => "never: the pattern matches no event at all".to_owned(),
            _ => "never: the canonical pattern matches no event at all".to_owned(),
        },
        Relation::Unknown => format!("unknown: {}", c.reason.as_deref().unwrap_or("not decided")),
    };
    let mut parts = Vec::new();
    if let Some(e) = &c.only_b {
        parts.push(format!("misses events such as {e}"));
    }
    if let Some(e) = &c.only_a {
        parts.push(format!("also matches events such as {e}"));
    }
    let mut out = Vec::new();
    let mut parts = parts.into_iter();
    match parts.next() {
        Some(p) if c.relation != Relation::Never => {
            out.push(format!("relation    {first}: {p}"));
            out.extend(parts.map(|p| format!("            and {p}")));
        }
        _ => out.push(format!("relation    {first}")),
    }
    out
}

/// `check`'s JSON for the relation (docs/check.md): `null` when there is
/// nothing to compare.
pub fn relation_json(c: Option<&Comparison>) -> Value {
    c.map_or(Value::Null, |c| NearMiss::from(c.clone()).evidence())
}
