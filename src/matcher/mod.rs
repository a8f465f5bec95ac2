//! Evaluate filter patterns against log events, with CloudWatch Logs semantics.
//!
//! A pattern is compiled once into a [`Matcher`] (from its
//! [`Normal`] form). A JSON pattern's matcher knows
//! which fields it reads, and parses only those out of an event; a
//! [`MatcherSet`] does the same for many patterns at once, so matching all of
//! them against one event reads the event once ([`MatcherSet::prepare`]).
//!
//! ```
//! use cis_filters::matcher::Matcher;
//! let m = Matcher::new(r#"{ $.eventName = "ConsoleLogin" && $.errorMessage = "Failed authentication" }"#)?;
//! assert!(m.matches(r#"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication"}"#));
//! assert!(!m.matches(r#"{"eventName":"ConsoleLogin"}"#));
//! assert!(!m.matches("ConsoleLogin Failed authentication")); // not JSON
//! # Ok::<(), cis_filters::matcher::MatchError>(())
//! ```
//!
//! The semantics, and every choice made where AWS documents nothing, are in
//! `docs/matching.md` of the project. In short:
//! - JSON patterns match only events that are a JSON object. A
//!   missing field fails `=`, `!=` and the comparisons and satisfies
//!   `NOT EXISTS`; `IS NULL` needs a present `null`, `IS TRUE`/`IS FALSE` a
//!   boolean; a number literal compares numerically with numbers and never
//!   equals a string; a string compares with a number's JSON text as written;
//!   arrays, objects, booleans and `null` satisfy neither `=` nor `!=`;
//!   `[*]` and `.*` hold when any selected value satisfies the condition.
//! - `*` in a value is a glob; `%regex%` is a search in the filter regex
//!   dialect (`matcher/dialect.rs`); everything is case-sensitive.
//! - Space-delimited patterns split the message into fields (`matcher/delimited.rs`);
//!   unstructured terms are substring searches (`?` terms count only when the
//!   pattern has nothing else); the empty pattern matches every event.
//! - An event longer than [`MAX_EVENT_BYTES`] (CloudWatch Logs' own limit) is
//!   never evaluated and matches no pattern; [`Prepared::too_large`] tells it
//!   apart. This bounds the work per event on every path.

mod compile;
pub(crate) mod delimited;
pub(crate) mod dialect;
mod eval;
pub(crate) mod glob;
pub mod input;
pub(crate) mod json;
mod program;

use std::cell::OnceCell;
use std::fmt;

pub use program::{Explanation, Reason};
pub(crate) use program::{number, ordering};

use crate::pattern::{Ast, Normal, ParseError};
use eval::Event;
use json::Projection;
use program::Program;

/// The longest event evaluated, in bytes of UTF-8: 1 MiB, the most
/// CloudWatch Logs accepts in one event (`PutLogEvents`). A longer event
/// matches no pattern.
pub const MAX_EVENT_BYTES: usize = 1024 * 1024;

/// Why a [`Normal`] pattern could not be compiled into a matcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    message: String,
}

impl CompileError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        CompileError {
            message: message.into(),
        }
    }

    /// What is wrong, one lowercase line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// Why [`Matcher::new`] failed: the pattern does not parse, or it cannot be
/// compiled (a regex the `regex` engine refuses, for example).
#[derive(Clone, Debug)]
pub enum MatchError {
    /// The pattern does not parse.
    Parse(ParseError),
    /// The pattern parses but cannot be evaluated.
    Compile(CompileError),
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchError::Parse(e) => write!(f, "{e}"),
            MatchError::Compile(e) => write!(f, "error: {e}"),
        }
    }
}

impl std::error::Error for MatchError {}

impl From<ParseError> for MatchError {
    fn from(e: ParseError) -> Self {
        MatchError::Parse(e)
    }
}

impl From<CompileError> for MatchError {
    fn from(e: CompileError) -> Self {
        MatchError::Compile(e)
    }
}

/// A compiled pattern.
#[derive(Debug)]
pub struct Matcher {
    program: Program,
    projection: Projection,
}

impl Matcher {
    /// Parse, normalize and compile `pattern`.
    pub fn new(pattern: &str) -> Result<Matcher, MatchError> {
        let normal = crate::pattern::normalize(pattern)?;
        Ok(Matcher::from_normal(&normal)?)
    }

    /// Compile a pattern's normal form.
    pub fn from_normal(normal: &Normal) -> Result<Matcher, CompileError> {
        Matcher::from_program(compile::program(normal)?)
    }

    /// Compile a parsed pattern as written, without normalizing it (same
    /// answers as [`Matcher::from_normal`]; the normal form is the usual way).
    pub fn from_ast(ast: &Ast) -> Result<Matcher, CompileError> {
        Matcher::from_program(compile::program_from_ast(ast)?)
    }

    fn from_program(program: Program) -> Result<Matcher, CompileError> {
        let mut projection = Projection::none();
        if let Program::Json(expr) = &program {
            projection.want_json();
            for c in expr.leaves() {
                projection.add(&c.path);
            }
        }
        Ok(Matcher {
            program,
            projection,
        })
    }

    /// Whether this is a JSON pattern (only JSON events can match it).
    pub fn is_json(&self) -> bool {
        matches!(self.program, Program::Json(_))
    }

    fn event<'t>(&self, message: &'t str) -> Event<'t> {
        event(&self.projection, message)
    }

    /// Whether the pattern matches the log event `message` (never for a
    /// message longer than [`MAX_EVENT_BYTES`]).
    pub fn matches(&self, message: &str) -> bool {
        self.program.matches(&self.event(message))
    }

    /// Whether the pattern matches `message`, and which terms decided it.
    pub fn explain(&self, message: &str) -> Explanation {
        self.program.explain(&self.event(message))
    }
}

fn event<'t>(projection: &Projection, text: &'t str) -> Event<'t> {
    let too_large = text.len() > MAX_EVENT_BYTES;
    Event {
        text,
        too_large,
        json: if projection.wants_json() && !too_large {
            projection.parse(text)
        } else {
            None
        },
        fields: OnceCell::new(),
    }
}

/// Parse, normalize and compile `pattern`, and match it against `message`.
/// To match many events, build a [`Matcher`] once instead.
pub fn matches(pattern: &str, message: &str) -> Result<bool, MatchError> {
    Ok(Matcher::new(pattern)?.matches(message))
}

/// Several matchers that read each event once.
#[derive(Debug, Default)]
pub struct MatcherSet {
    matchers: Vec<Matcher>,
    projection: Projection,
}

impl MatcherSet {
    /// A set of `matchers`; their indexes are their positions here.
    pub fn new(matchers: Vec<Matcher>) -> MatcherSet {
        let mut projection = Projection::none();
        for m in &matchers {
            projection.merge(&m.projection);
        }
        MatcherSet {
            matchers,
            projection,
        }
    }

    /// How many matchers the set has.
    pub fn len(&self) -> usize {
        self.matchers.len()
    }

    /// Whether the set has no matcher.
    pub fn is_empty(&self) -> bool {
        self.matchers.is_empty()
    }

    /// The matcher at `index`.
    pub fn get(&self, index: usize) -> Option<&Matcher> {
        self.matchers.get(index)
    }

    /// Read `message` once for every matcher of the set.
    pub fn prepare<'s, 't>(&'s self, message: &'t str) -> Prepared<'s, 't> {
        Prepared {
            set: self,
            event: event(&self.projection, message),
        }
    }
}

/// An event read for the matchers of one [`MatcherSet`].
#[derive(Debug)]
pub struct Prepared<'s, 't> {
    set: &'s MatcherSet,
    event: Event<'t>,
}

impl Prepared<'_, '_> {
    /// Whether matcher `index` matches (false for an index out of range).
    pub fn matches(&self, index: usize) -> bool {
        self.set
            .matchers
            .get(index)
            .is_some_and(|m| m.program.matches(&self.event))
    }

    /// Why matcher `index` matches or not (`None` for an index out of range).
    pub fn explain(&self, index: usize) -> Option<Explanation> {
        self.set
            .matchers
            .get(index)
            .map(|m| m.program.explain(&self.event))
    }

    /// The indexes of the matchers that match, in order.
    pub fn matching(&self) -> Vec<usize> {
        (0..self.set.matchers.len())
            .filter(|&i| self.matches(i))
            .collect()
    }

    /// Whether the event is longer than [`MAX_EVENT_BYTES`], so that no
    /// matcher evaluates it.
    pub fn too_large(&self) -> bool {
        self.event.too_large
    }

    /// Whether the event was read as JSON (it is a JSON object and some
    /// matcher of the set is a JSON pattern).
    pub fn is_json(&self) -> bool {
        self.event.json.is_some()
    }

    /// The message.
    pub fn message(&self) -> &str {
        self.event.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(pattern, event, expected)`: the semantics table of the language
    /// reference (§2.6), its tricky cases (§8) and the choices of
    /// `docs/matching.md`.
    const CASES: &[(&str, &str, bool)] = &[
        // --- missing field (§2.6 row 1) ---
        (r#"{ $.missing = "x" }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing != "x" }"#, r#"{"a":1}"#, false), // DataBiosphere/azul #5884
        (r#"{ $.missing = 1 }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing != 1 }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing > 1 }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing IS NULL }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing IS TRUE }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing IS FALSE }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing NOT EXISTS }"#, r#"{"a":1}"#, true),
        (r#"{ $.missing = * }"#, r#"{"a":1}"#, false),
        (r#"{ $.missing != * }"#, r#"{"a":1}"#, false),
        (r#"{ $.a.b.c != "x" }"#, r#"{"a":{"b":1}}"#, false),
        (r#"{ $.a.b.c NOT EXISTS }"#, r#"{"a":{"b":1}}"#, true),
        // --- string ---
        (r#"{ $.s = "Root" }"#, r#"{"s":"Root"}"#, true),
        (r#"{ $.s = Root }"#, r#"{"s":"Root"}"#, true),
        (r#"{ $.s = "root" }"#, r#"{"s":"Root"}"#, false), // case-sensitive
        (r#"{ $.s != "Root" }"#, r#"{"s":"Root"}"#, false),
        (r#"{ $.s != "Root" }"#, r#"{"s":"IAMUser"}"#, true),
        (r#"{ $.s = 111 }"#, r#"{"s":"111"}"#, false), // number literal never equals a string
        (r#"{ $.s != 111 }"#, r#"{"s":"111.111.111.111"}"#, true), // §8 #12
        (r#"{ $.s > 123 }"#, r#"{"s":"500"}"#, false), // §8 #8
        (r#"{ $.s IS NULL }"#, r#"{"s":"x"}"#, false),
        (r#"{ $.s IS TRUE }"#, r#"{"s":"true"}"#, false),
        (r#"{ $.s NOT EXISTS }"#, r#"{"s":"x"}"#, false),
        (r#"{ $.s = "a\"b\\c" }"#, r#"{"s":"a\"b\\c"}"#, true),
        (r#"{ $.s = "é" }"#, r#"{"s":"\u00e9"}"#, true),
        // --- number ---
        (r#"{ $.n = "123" }"#, r#"{"n":123}"#, true),
        (r#"{ $.n = "123.0" }"#, r#"{"n":123}"#, false), // §8 #10
        (r#"{ $.n != "123.0" }"#, r#"{"n":123}"#, true),
        (r#"{ $.n = 123.0 }"#, r#"{"n":123}"#, true), // §8 #9
        (r#"{ $.n = 12 }"#, r#"{"n":12.0}"#, true),
        (r#"{ $.f != "12" }"#, r#"{"f":12.0}"#, true), // §8 #11
        (r#"{ $.n = 1e3 }"#, r#"{"n":1000}"#, true),
        (r#"{ $.n = +1000 }"#, r#"{"n":1e3}"#, true),
        (r#"{ $.n = "1e3" }"#, r#"{"n":1e3}"#, true),
        // Numbers are IEEE 754 doubles: beyond about 1.8e308 a literal or an
        // event's number is infinity, so all such numbers are equal (grammar/README.md).
        (r#"{ $.n = 1e400 }"#, r#"{"n":2e400}"#, true),
        (r#"{ $.n = 1e400 }"#, r#"{"n":1e308}"#, false),
        (r#"{ $.n > 1e308 }"#, r#"{"n":1e999}"#, true),
        (r#"{ $.n < -1e308 }"#, r#"{"n":-1e999}"#, true),
        (r#"{ $.n = 0 }"#, r#"{"n":1e-400}"#, true),
        (r#"{ $.n = "1*" }"#, r#"{"n":123}"#, true),
        (r#"{ $.n = "*.34" }"#, r#"{"n":12.34}"#, true),
        (r#"{ $.n != 1*4 }"#, r#"{"n":12.34}"#, false),
        (r#"{ $.n > 100 }"#, r#"{"n":123}"#, true),
        (r#"{ $.n >= 123 }"#, r#"{"n":123}"#, true),
        (r#"{ $.n < 123 }"#, r#"{"n":123}"#, false),
        (r#"{ $.n <= -1.5 }"#, r#"{"n":-2}"#, true),
        (r#"{ $.n != 5 }"#, r#"{"n":6}"#, true),
        (r#"{ $.n IS NULL }"#, r#"{"n":0}"#, false),
        (r#"{ $.n = * }"#, r#"{"n":0}"#, true),
        // --- booleans ---
        (r#"{ $.b IS TRUE }"#, r#"{"b":true}"#, true),
        (r#"{ $.b IS FALSE }"#, r#"{"b":true}"#, false),
        (r#"{ $.b IS FALSE }"#, r#"{"b":false}"#, true),
        (r#"{ $.b = true }"#, r#"{"b":true}"#, false), // §8 #39: our choice
        (r#"{ $.b != true }"#, r#"{"b":true}"#, false),
        (r#"{ $.b = * }"#, r#"{"b":true}"#, false),
        (r#"{ $.b > 0 }"#, r#"{"b":true}"#, false),
        (r#"{ $.b IS NULL }"#, r#"{"b":false}"#, false),
        // --- null ---
        (r#"{ $.z IS NULL }"#, r#"{"z":null}"#, true),
        (r#"{ $.z NOT EXISTS }"#, r#"{"z":null}"#, false), // §8 #15
        (r#"{ $.z = "null" }"#, r#"{"z":null}"#, false),
        (r#"{ $.z != "x" }"#, r#"{"z":null}"#, false),
        (r#"{ $.z = * }"#, r#"{"z":null}"#, false),
        (r#"{ $.z IS TRUE }"#, r#"{"z":null}"#, false),
        // --- arrays and objects ---
        (r#"{ $.users = 1 }"#, r#"{"users":[1]}"#, false), // §8 #13
        (r#"{ $.users != 1 }"#, r#"{"users":[1]}"#, false),
        (r#"{ $.o = "x" }"#, r#"{"o":{"a":"x"}}"#, false),
        (r#"{ $.o != "x" }"#, r#"{"o":{"a":"x"}}"#, false),
        (r#"{ $.o = * }"#, r#"{"o":{}}"#, false),
        (r#"{ $.o IS NULL }"#, r#"{"o":{}}"#, false),
        (r#"{ $.o NOT EXISTS }"#, r#"{"o":{}}"#, false),
        (r#"{ $.flag[0] = "value" }"#, r#"{"flag":true}"#, false),
        (r#"{ $.a[1] = "y" }"#, r#"{"a":["x","y"]}"#, true),
        (r#"{ $.a[2] NOT EXISTS }"#, r#"{"a":["x","y"]}"#, true),
        (r#"{ $.c[0][1] = 2 }"#, r#"{"c":[[1,2]]}"#, true),
        (
            r#"{ $.l[1].id = "b" }"#,
            r#"{"l":[{"id":"a"},{"id":"b"}]}"#,
            true,
        ),
        // --- wildcards in selectors (existential) ---
        (r#"{ $.arr[*] = "x" }"#, r#"{"arr":["a","x"]}"#, true), // §8 #37
        (r#"{ $.arr[*] = "x" }"#, r#"{"arr":["a","b"]}"#, false),
        (r#"{ $.arr[*] != "x" }"#, r#"{"arr":["x","y"]}"#, true), // §8 #38: some element differs
        (r#"{ $.arr[*] != "x" }"#, r#"{"arr":["x","x"]}"#, false),
        (r#"{ $.arr[*] != "x" }"#, r#"{"arr":[]}"#, false),
        (r#"{ $.arr[*] NOT EXISTS }"#, r#"{"arr":[]}"#, true),
        (r#"{ $.arr[*] NOT EXISTS }"#, r#"{"arr":[1]}"#, false),
        (
            r#"{ $.arr[*] = %val.{2}% }"#,
            r#"{"arr":["a","valxy"]}"#,
            true,
        ),
        (r#"{ $.* = "x" }"#, r#"{"a":"y","b":"x"}"#, true),
        (r#"{ $.*.k = 1 }"#, r#"{"a":{"k":2},"b":{"k":1}}"#, true),
        (r#"{ $.*.k = 1 }"#, r#"{"a":{"k":2},"b":[1]}"#, false),
        (
            r#"{ $.['cluster.name'] = "c" }"#,
            r#"{"cluster.name":"c","cluster":{"name":"d"}}"#,
            true,
        ), // §8 #22
        (
            r#"{ $.cluster.name = "c" }"#,
            r#"{"cluster.name":"c","cluster":{"name":"d"}}"#,
            false,
        ),
        // --- wildcards in values (§2.5) ---
        (r#"{ $.e = "*" }"#, r#"{"e":""}"#, true), // §8 #17
        (r#"{ $.e = * }"#, r#"{"e":"anything"}"#, true),
        (
            r#"{ $.e = *UnauthorizedOperation }"#,
            r#"{"e":"Client.UnauthorizedOperation"}"#,
            true,
        ),
        (
            r#"{ $.e = "AccessDenied*" }"#,
            r#"{"e":"AccessDeniedException"}"#,
            true,
        ),
        (
            r#"{ $.e = "AccessDenied*" }"#,
            r#"{"e":"accessDenied"}"#,
            false,
        ),
        (
            r#"{ $.s = "*111.111.111" }"#,
            r#"{"s":"111.111.111.111"}"#,
            true,
        ), // §8 #18: glob, not the 2019 anomaly
        (r#"{ $.s != 111*111 }"#, r#"{"s":"111.111.111.111"}"#, false),
        (r#"{ $.s = "Ev*ent" }"#, r#"{"s":"EvXent"}"#, true),
        // --- regex values ---
        (r#"{ $.t = %Trail% }"#, r#"{"t":"CreateTrail"}"#, true),
        (r#"{ $.t = %^Trail% }"#, r#"{"t":"CreateTrail"}"#, false),
        (r#"{ $.t != %Trail% }"#, r#"{"t":"CreateTrail"}"#, false),
        (r#"{ $.t != %Trail% }"#, r#"{"t":"Other"}"#, true),
        (r#"{ $.n = %^12% }"#, r#"{"n":123}"#, true),
        (r#"{ $.t = "%Trail%" }"#, r#"{"t":"%Trail%"}"#, true), // quoted: a literal
        // --- && / || precedence (§8 #1, #29, #30) ---
        (
            r#"{ $.a = "x" || $.b = "y" && $.c = "z" }"#,
            r#"{"a":"x","b":"n","c":"n"}"#,
            true,
        ),
        (
            r#"{ ($.a = "x" || $.b = "y") && $.c = "z" }"#,
            r#"{"a":"x","b":"n","c":"n"}"#,
            false,
        ),
        (
            r#"{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) }"#,
            r#"{"eventSource":"s3.amazonaws.com","eventName":"CreateRouteTable"}"#,
            true,
        ),
        // --- non-JSON events never match JSON patterns (§8 #40) ---
        (r#"{ $.a NOT EXISTS }"#, r#"hello"#, false),
        (r#"{ $.a NOT EXISTS }"#, r#"5"#, false),
        (r#"{ $.a NOT EXISTS }"#, r#"2024-01-01 INFO {"b":1}"#, false),
        (r#"{ $.a NOT EXISTS }"#, r#"{"b":1"#, false),
        (r#"{ $.a NOT EXISTS }"#, r#"[1,2]"#, false), // selectors start at an object
        // --- unstructured terms (§3) ---
        ("ERROR", "ERRORCODE: -1", true),
        ("ERROR", "error", false),
        ("ERROR -ARGUMENTS", "ERROR in ARGUMENTS", false), // §8 #32
        ("ERROR -ARGUMENTS", "ERROR here", true),
        ("ERROR WARN", "WARN ERROR", true),
        ("ERROR WARN", "ERROR", false),
        (
            r#""INTERNAL SERVER ERROR""#,
            "500 INTERNAL SERVER ERROR",
            true,
        ),
        (r#""INTERNAL SERVER ERROR""#, "INTERNAL ERROR SERVER", false),
        ("?ERROR ?WARN", "a WARN", true),
        ("?ERROR ?WARN", "INFO", false),
        ("?ERROR ?ARGUMENTS REQUEST", "REQUEST ok", true), // §8 #31: ? ignored
        ("?ERROR ?ARGUMENTS REQUEST", "ERROR only", false),
        ("-DEBUG", "INFO", true),
        ("-DEBUG", "DEBUG x", false),
        ("?ERROR -DEBUG", "INFO", true), // ? ignored next to -term
        ("ConsoleLogin", r#"{"eventName":"ConsoleLogin"}"#, true), // terms search JSON text too
        // --- match-all (§8 #33) ---
        ("", "anything", true),
        ("\"\"", "anything", true),
        ("\" \"", "nospace", true),
        ("", "", true),
        // --- standalone regex ---
        ("%AUTHORIZED%", "UNAUTHORIZED", true),
        ("%^AUTHORIZED%", "UNAUTHORIZED", false),
        (r"%\d{3}%", "code 404", true),
        // --- space-delimited (§4) ---
        (
            "[ip, user, username, timestamp, request, status_code, bytes]",
            r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#,
            true,
        ),
        (
            "[ip, user, username, timestamp, request = *.html*, status_code = 4*, bytes]",
            r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#,
            true,
        ),
        (
            "[ip, user, username, timestamp, request = *.html*, status_code = 4*, bytes]",
            r#"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 200 1534"#,
            false,
        ),
        (
            "[..., status_code = 404 || status_code = 410, bytes]",
            "a b 410 12",
            true,
        ),
        (
            "[..., status_code = 404 || status_code = 410, bytes]",
            "a b 500 12",
            false,
        ),
        ("[..., bytes > 1000]", "x 1534", true),
        ("[..., bytes > 1000]", "x abc", false),
        ("[..., bytes != 1000]", "x abc", true),
        ("[a, b]", "one", false),
        ("[a, b]", "one two three", false),
        ("[a, ...]", "one two three", true),
        ("[w1 = ERROR, w2]", "ERROR x", true),
        (r"[ip = %127\.0\.0\.[1-9]%, ...]", "127.0.0.5 GET", true),
        (r"[ip = %127\.0\.0\.[1-9]%, ...]", "127.0.0.0 GET", false),
    ];

    #[test]
    fn semantics_table() {
        let mut failures = Vec::new();
        for &(pattern, event, expected) in CASES {
            let m = Matcher::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            if m.matches(event) != expected {
                failures.push(format!("{pattern}  on  {event}: expected {expected}"));
            }
            // The explanation agrees with the answer.
            assert_eq!(
                m.explain(event).matched,
                m.matches(event),
                "{pattern} on {event}"
            );
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    use proptest::prelude::*;

    fn cond() -> impl Strategy<Value = String> {
        let sel = prop::sample::select(vec!["$.a", "$.b", "$.c.d", "$.arr[*]", "$.arr[0]", "$.*"]);
        let test = prop::sample::select(vec![
            "= \"x\"",
            "= x",
            "!= \"x\"",
            "= \"1\"",
            "= 1",
            "= 1.0",
            "!= 1",
            "= *",
            "= \"x*\"",
            "= %x%",
            "!= %^1%",
            "IS NULL",
            "IS TRUE",
            "IS FALSE",
            "NOT EXISTS",
            "> 0",
            "<= 1",
        ]);
        (sel, test).prop_map(|(s, t)| format!("{s} {t}"))
    }

    fn expr() -> impl Strategy<Value = String> {
        cond().prop_recursive(3, 10, 3, |inner| {
            (
                prop::collection::vec(inner, 2..4),
                prop::bool::ANY,
                prop::bool::ANY,
            )
                .prop_map(|(xs, and, paren)| {
                    let joined = xs.join(if and { " && " } else { " || " });
                    if paren { format!("({joined})") } else { joined }
                })
        })
    }

    fn value() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "",
            "\"x\"",
            "\"xy\"",
            "\"1\"",
            "1",
            "1.0",
            "0",
            "-2",
            "null",
            "true",
            "false",
            "[]",
            "[\"x\"]",
            "[1, \"y\"]",
            "{}",
            "{\"d\": \"x\"}",
        ])
        .prop_map(str::to_owned)
    }

    fn event() -> impl Strategy<Value = String> {
        (value(), value(), value(), value()).prop_map(|(a, b, d, arr)| {
            let mut fields = Vec::new();
            for (k, v) in [("a", a), ("b", b), ("arr", arr)] {
                if !v.is_empty() {
                    fields.push(format!("\"{k}\": {v}"));
                }
            }
            if !d.is_empty() {
                fields.push(format!("\"c\": {{\"d\": {d}}}"));
            }
            format!("{{{}}}", fields.join(", "))
        })
    }

    proptest! {
        /// Normalization preserves meaning: the pattern as written and its
        /// normal form's canonical text give the same answer on every event.
        #[test]
        fn same_answer_on_a_pattern_and_its_normal_form(
            e in expr(),
            events in prop::collection::vec(event(), 1..6),
        ) {
            let pattern = format!("{{ {e} }}");
            // Quotas (3 wildcard selectors, 2 regexes) reject some shapes.
            let ast = crate::pattern::parse(&pattern);
            prop_assume!(ast.is_ok());
            let ast = ast.unwrap();
            let written = Matcher::from_ast(&ast).unwrap();
            let canonical = Normal::from_ast(&ast).to_string();
            let normal = Matcher::new(&canonical).unwrap();
            let set = MatcherSet::new(vec![Matcher::from_ast(&ast).unwrap(), Matcher::new(&canonical).unwrap()]);
            for ev in &events {
                let a = written.matches(ev);
                prop_assert_eq!(a, normal.matches(ev), "{} vs {} on {}", pattern, canonical, ev);
                // A set reads the event once for all its matchers, with the same answers.
                let p = set.prepare(ev);
                prop_assert_eq!(p.matches(0), a);
                prop_assert_eq!(p.matches(1), a);
                prop_assert_eq!(written.explain(ev).matched, a);
            }
        }

        #[test]
        fn never_panics_on_any_event(ev in "\\PC{0,64}") {
            for p in [r#"{ $.a = "x" || $.b NOT EXISTS }"#, "[a, ..., b = 1*]", "x -y ?z", "%^a.b%", ""] {
                let m = Matcher::new(p).unwrap();
                let _ = m.matches(&ev);
                let _ = m.explain(&ev);
            }
        }
    }
}
