//! A realistic corpus of filter patterns, one per line, for measuring
//! `cis-filters parse --batch`: what an account or an IaC repository holds.
//!
//! Deterministic for a given seed. About half the lines are canonical
//! patterns of the built-in benchmarks, spelt as written, in house style or
//! in normal form, some with an event name changed, dropped or added (the
//! near misses a real account has); a third are the valid patterns of
//! `grammar/corpus/valid` and generated application filters (JSON, terms,
//! space-delimited); about 5% are invalid (`grammar/corpus/invalid` and
//! typical typos). Lines average about 195 bytes.
//!
//! Used by `benches/pattern.rs` and by `examples/batch_corpus.rs`, which
//! writes it to stdout for end-to-end measurements.

use std::path::Path;

use cis_filters::cis::BENCHMARKS;
use cis_filters::pattern::{Normal, parse, print};

/// SplitMix64: a small deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

const VERBS: &[&str] = &[
    "Create",
    "Delete",
    "Put",
    "Update",
    "Attach",
    "Detach",
    "Modify",
    "Disable",
    "Enable",
    "Start",
    "Stop",
    "Authorize",
    "Revoke",
    "Replace",
    "Associate",
    "Disassociate",
];
const NOUNS: &[&str] = &[
    "Bucket",
    "BucketPolicy",
    "Role",
    "RolePolicy",
    "User",
    "UserPolicy",
    "Group",
    "Key",
    "Trail",
    "LogGroup",
    "SecurityGroupIngress",
    "NetworkAcl",
    "Route",
    "RouteTable",
    "Vpc",
    "Instance",
    "Snapshot",
    "AccessKey",
    "LoginProfile",
    "Function",
    "Stack",
    "Alias",
];
const SOURCES: &[&str] = &[
    "iam",
    "s3",
    "ec2",
    "kms",
    "cloudtrail",
    "config",
    "lambda",
    "rds",
    "sts",
    "signin",
];
const ERROR_CODES: &[&str] = &[
    "AccessDenied",
    "*UnauthorizedOperation",
    "AccessDenied*",
    "Client.UnauthorizedOperation",
    "ThrottlingException",
    "InvalidClientTokenId",
];
const WORDS: &[&str] = &[
    "ERROR",
    "WARN",
    "Exception",
    "timeout",
    "FATAL",
    "denied",
    "OutOfMemory",
    "panic",
    "\"Connection reset\"",
    "\"status=500\"",
];

fn event_name(rng: &mut Rng) -> String {
    let v = rng.pick(VERBS).copied().unwrap_or("Create");
    let n = rng.pick(NOUNS).copied().unwrap_or("Bucket");
    format!("{v}{n}")
}

/// Each of `text`'s `$.eventName` conditions: the byte range of its value
/// without quotes, and where the value ends with them.
fn event_name_values(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    let bytes = text.as_bytes();
    while let Some(at) = text.get(from..).and_then(|t| t.find("$.eventName")) {
        let mut i = from + at + "$.eventName".len();
        while bytes.get(i).is_some_and(|b| *b == b' ') {
            i += 1;
        }
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).is_some_and(|b| *b == b' ') {
                i += 1;
            }
            let quoted = bytes.get(i) == Some(&b'"');
            let start = i + usize::from(quoted);
            let mut end = start;
            while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            if end > start {
                out.push((start, end, end + usize::from(quoted)));
            }
            i = end;
        }
        from = i;
    }
    out
}

/// A near miss of a canonical pattern: one event name replaced, misspelt,
/// or another event name added.
fn near_miss(rng: &mut Rng, text: &str) -> String {
    let values = event_name_values(text);
    let Some(&(start, end, after)) = rng.pick(&values) else {
        return text.to_owned();
    };
    let (head, tail) = (
        text.get(..start).unwrap_or(""),
        text.get(end..).unwrap_or(""),
    );
    let old = text.get(start..end).unwrap_or("");
    match rng.below(3) {
        0 => format!("{head}{}{tail}", event_name(rng)),
        1 => format!("{head}{old}s{tail}"),
        _ => {
            let (head, tail) = (
                text.get(..after).unwrap_or(""),
                text.get(after..).unwrap_or(""),
            );
            format!("{head} || $.eventName = {}{tail}", event_name(rng))
        }
    }
}

/// A typical mistake that makes a pattern invalid.
fn typo(rng: &mut Rng, text: &str) -> String {
    match rng.below(5) {
        0 => text.replacen('=', "==", 1),
        1 => text.replacen('"', "'", 2),
        2 => text.trim_end_matches('}').to_owned(),
        3 => text.replacen("||", "OR", 1),
        _ => format!(" {text}"),
    }
}

/// An application's own filter: CloudTrail selectors, error codes,
/// unstructured terms, or an access-log layout.
fn application_filter(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 | 1 => {
            let src = rng.pick(SOURCES).copied().unwrap_or("iam");
            let names: Vec<String> = (0..1 + rng.below(10))
                .map(|_| format!("($.eventName = \"{}\")", event_name(rng)))
                .collect();
            format!(
                "{{ ($.eventSource = \"{src}.amazonaws.com\") && ({}) }}",
                names.join(" || ")
            )
        }
        2 => {
            let code = rng.pick(ERROR_CODES).copied().unwrap_or("AccessDenied");
            let user = ["IAMUser", "AssumedRole", "Root"]
                .get(rng.below(3))
                .copied()
                .unwrap_or("IAMUser");
            format!(
                "{{ ($.errorCode = \"{code}\") && ($.userIdentity.type = \"{user}\") && ($.sourceIPAddress != \"10.{}.{}.*\") }}",
                rng.below(256),
                rng.below(256)
            )
        }
        3 => {
            let n = 1 + rng.below(4);
            (0..n)
                .map(|i| {
                    let w = rng.pick(WORDS).copied().unwrap_or("ERROR");
                    if i > 0 && rng.chance(30) {
                        format!("-{w}")
                    } else {
                        w.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        }
        4 => format!(
            "[ip, identity, user, timestamp, request, status_code = {}*, bytes > {}]",
            4 + rng.below(2),
            rng.below(100_000)
        ),
        _ => format!(
            "{{ $.latency > {} && $.level = \"{}\" && $.service.name = \"svc-{}\" && $.tags[0] = \"prod\" }}",
            rng.below(5000),
            ["error", "warn", "fatal"]
                .get(rng.below(3))
                .copied()
                .unwrap_or("error"),
            rng.below(1000)
        ),
    }
}

/// The single-line patterns in a corpus folder, one trailing newline
/// dropped.
fn corpus_lines(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| t.strip_suffix('\n').unwrap_or(&t).to_owned())
        .filter(|t| !t.contains(['\n', '\r']))
        .collect()
}

/// `text` as written, in house style, or in normal form.
fn respelt(rng: &mut Rng, text: &str) -> String {
    match (rng.below(3), parse(text)) {
        (1, Ok(ast)) => print::house(&ast),
        (2, Ok(ast)) => Normal::from_ast(&ast).to_string(),
        _ => text.to_owned(),
    }
}

/// `lines` patterns, one per line (each ending in `\n`), from `seed`.
pub fn generate(lines: usize, seed: u64) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/corpus");
    let valid = corpus_lines(&root.join("valid"));
    let invalid = corpus_lines(&root.join("invalid"));
    let canonical: Vec<&str> = BENCHMARKS
        .iter()
        .flat_map(|b| b.rows.iter())
        .flat_map(|r| r.canonical.iter().copied())
        .collect();
    let mut rng = Rng(seed);
    let mut out = String::with_capacity(lines * 200);
    for _ in 0..lines {
        let roll = rng.below(100);
        let line = if roll < 52 {
            let c = rng.pick(&canonical).copied().unwrap_or("{ $.a = 1 }");
            let c = if rng.chance(30) {
                near_miss(&mut rng, c)
            } else {
                c.to_owned()
            };
            respelt(&mut rng, &c)
        } else if roll < 70 {
            let v = rng.pick(&valid).map_or("ERROR", String::as_str);
            respelt(&mut rng, v)
        } else if roll < 95 {
            application_filter(&mut rng)
        } else if roll < 97 {
            rng.pick(&invalid).cloned().unwrap_or_default()
        } else {
            let c = rng.pick(&canonical).copied().unwrap_or("{ $.a = 1 }");
            typo(&mut rng, c)
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
