//! What a pattern means, compared with another: the relation of the sets of
//! log events two filter patterns match, proved with witness events.
//!
//! ```
//! use cis_filters::semantics::{Relation, compare};
//! let c = compare(
//!     r#"{ ($.eventSource = iam.amazonaws.com) && ($.eventName = DetachGroupPolicy) }"#,
//!     r#"{ $.eventName = DetachGroupPolicy }"#,
//! )?;
//! assert_eq!(c.relation, Relation::Narrower);
//! // An event the second pattern matches and the first does not:
//! assert_eq!(
//!     c.only_b.as_deref(),
//!     Some(r#"{"eventSource":"ec2.amazonaws.com","eventName":"DetachGroupPolicy"}"#)
//! );
//! # Ok::<(), cis_filters::semantics::CompareError>(())
//! ```
//!
//! Three questions decide everything: is there an event that `A` matches
//! and `B` does not, one that `B` matches and `A` does not, and one both
//! match? Each answer is yes (with the event), no, or unknown (with the
//! reason). The relation follows ([`Relation`]); a pattern that matches no
//! event at all is `never`.
//!
//! How each kind of pattern is decided:
//! - JSON patterns against JSON patterns: [`json`], exact, with the
//!   matcher's semantics (`docs/matching.md`) — text against numbers,
//!   wildcards and regexes through automata, `!=` and missing fields,
//!   `NOT EXISTS`, `IS NULL/TRUE/FALSE`, `[N]` and `[*]`, `.*`, numeric
//!   comparisons as intervals, `&&`/`||`.
//! - Unstructured terms, a standalone regex and the empty pattern against
//!   each other: [`text`], exact.
//! - Space-delimited patterns against each other: [`delimited`], exact when
//!   neither has `...`.
//! - Anything else (a JSON pattern against terms, `...` patterns): exact
//!   for "does it match anything"; the rest by trying example events built
//!   from both patterns, unknown when no example settles a question.
//!
//! Every event shown was run through the matcher ([`crate::matcher`]) and
//! gave the answer claimed; an event the matcher does not confirm is never
//! shown (the answer becomes unknown). Work is bounded ([`DEFAULT_BUDGET`]):
//! past the bound the answer is unknown, never a guess. The algorithm,
//! its limits and bounds are described in `docs/semantics.md`.

mod automata;
mod cells;
mod cloudtrail;
mod delimited;
mod json;
mod logic;
pub mod parts;
mod text;

use std::fmt;

use serde::Serialize;

use crate::matcher::{CompileError, MatchError, Matcher};
use crate::pattern::{Normal, ParseError};
use automata::Budget;
use logic::F;

pub use cloudtrail::{
    always_present as cloudtrail_always_present, is_record_field as cloudtrail_field,
};

/// The work allowed for one comparison: product states of automata plus
/// search steps. Past it the answer is unknown.
pub const DEFAULT_BUDGET: u64 = 200_000;

/// How the events `A` matches relate to the events `B` matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same events.
    Equivalent,
    /// Every event `A` matches, `B` matches; `B` matches more.
    Narrower,
    /// Every event `B` matches, `A` matches; `A` matches more.
    Broader,
    /// Some events both match, and each matches events the other does not.
    Overlapping,
    /// No event matches both.
    Disjoint,
    /// One of the patterns (or both) matches no event at all.
    Never,
    /// Not decided (see the reason).
    Unknown,
}

impl Relation {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Equivalent => "equivalent",
            Relation::Narrower => "narrower",
            Relation::Broader => "broader",
            Relation::Overlapping => "overlapping",
            Relation::Disjoint => "disjoint",
            Relation::Never => "never",
            Relation::Unknown => "unknown",
        }
    }

    /// The relation with the patterns swapped.
    pub fn swapped(self) -> Relation {
        match self {
            Relation::Narrower => Relation::Broader,
            Relation::Broader => Relation::Narrower,
            other => other,
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The relation of two patterns, with witness events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The relation.
    pub relation: Relation,
    /// Whether `A` matches no event at all (`None`: not decided).
    pub a_matches_nothing: Option<bool>,
    /// Whether `B` matches no event at all (`None`: not decided).
    pub b_matches_nothing: Option<bool>,
    /// An event `A` matches and `B` does not.
    pub only_a: Option<String>,
    /// An event `B` matches and `A` does not.
    pub only_b: Option<String>,
    /// An event both match.
    pub both: Option<String>,
    /// Why the relation is unknown.
    pub reason: Option<String>,
}

impl Comparison {
    /// The comparison with the patterns swapped.
    #[must_use]
    pub fn swapped(&self) -> Comparison {
        Comparison {
            relation: self.relation.swapped(),
            a_matches_nothing: self.b_matches_nothing,
            b_matches_nothing: self.a_matches_nothing,
            only_a: self.only_b.clone(),
            only_b: self.only_a.clone(),
            both: self.both.clone(),
            reason: self.reason.clone(),
        }
    }
}

/// Why two patterns could not be compared: one does not parse, or cannot
/// be compiled.
#[derive(Clone, Debug)]
pub enum CompareError {
    /// Pattern `A` (`0`) or `B` (`1`) does not parse.
    Parse(usize, ParseError),
    /// Pattern `A` (`0`) or `B` (`1`) cannot be compiled.
    Compile(usize, CompileError),
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::Parse(_, e) => write!(f, "{e}"),
            CompareError::Compile(_, e) => write!(f, "error: {e}"),
        }
    }
}

impl std::error::Error for CompareError {}

/// One answer: an event, none, or not decided.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Answer {
    /// This event.
    Yes(String),
    /// No event.
    No,
    /// Not decided, and why.
    Unknown(String),
}

/// Test helper: the events of the answers for `A && !B`, `!A && B` and
/// `A && B` are confirmed by the matcher.
#[cfg(test)]
pub(crate) fn assert_confirmed(a: &str, b: &str, out: &[Answer; 3]) {
    let (ma, mb) = (
        Matcher::new(a).unwrap_or_else(|e| panic!("{a}: {e}")),
        Matcher::new(b).unwrap_or_else(|e| panic!("{b}: {e}")),
    );
    let want = [(true, false), (false, true), (true, true)];
    for (ans, want) in out.iter().zip(want) {
        if let Answer::Yes(w) = ans {
            assert_eq!((ma.matches(w), mb.matches(w)), want, "{a} vs {b} on {w:?}");
        }
    }
}

/// Parse both patterns and compare them.
pub fn compare(a: &str, b: &str) -> Result<Comparison, CompareError> {
    let na = crate::pattern::normalize(a).map_err(|e| CompareError::Parse(0, e))?;
    let nb = crate::pattern::normalize(b).map_err(|e| CompareError::Parse(1, e))?;
    compare_normal(&na, &nb).map_err(|e| match e {
        (side, MatchError::Compile(c)) => CompareError::Compile(side, c),
        (side, MatchError::Parse(p)) => CompareError::Parse(side, p),
    })
}

/// Compare two patterns in normal form, with the default work bound.
pub fn compare_normal(a: &Normal, b: &Normal) -> Result<Comparison, (usize, MatchError)> {
    compare_within(a, b, DEFAULT_BUDGET)
}

/// Compare two patterns in normal form within `budget` units of work.
pub fn compare_within(
    a: &Normal,
    b: &Normal,
    budget: u64,
) -> Result<Comparison, (usize, MatchError)> {
    let ma = Matcher::from_normal(a).map_err(|e| (0, MatchError::Compile(e)))?;
    let mb = Matcher::from_normal(b).map_err(|e| (1, MatchError::Compile(e)))?;
    let mut budget = Budget::new(budget);
    let answers = if a == b {
        // The same normal form: the same events.
        let alone = solve_alone(a, &mut budget);
        [Answer::No, Answer::No, alone]
    } else {
        solve(a, b, &ma, &mb, &mut budget)
    };
    let [ab, ba, both] = confirm(answers, &ma, &mb);
    Ok(relate(ab, ba, both))
}

/// Whether some event matches JSON pattern `a` and not `b` (one of the three
/// questions [`compare_within`] answers): `Some(true)` with an event the
/// matcher confirms, `Some(false)` proved none, `None` not decided or not
/// JSON patterns. Cheaper than a comparison when only containment matters.
pub(crate) fn exists_only_in(a: &Normal, b: &Normal, budget: u64) -> Option<bool> {
    if a == b {
        return Some(false);
    }
    let (Normal::Json(ea), Normal::Json(eb)) = (a, b) else {
        return None;
    };
    let mut budget = Budget::new(budget);
    let (model, f) = json::Model::build(&[ea, eb], &mut budget).ok()?;
    let (fa, fb) = (f.first()?, f.get(1)?);
    match model.solve(&F::and_not(fa, fb), &mut budget) {
        Answer::Yes(w) => {
            let (ma, mb) = (Matcher::from_normal(a).ok()?, Matcher::from_normal(b).ok()?);
            (ma.matches(&w) && !mb.matches(&w)).then_some(true)
        }
        Answer::No => Some(false),
        Answer::Unknown(_) => None,
    }
}

/// What a filter's pattern means next to a control's canonical pattern: the
/// relation and the events that show it, for audit findings of near-miss
/// filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    /// The relation of the filter's pattern to the canonical one.
    pub relation: Relation,
    /// An event the canonical pattern counts and the filter does not (a blind spot).
    pub missed: Option<String>,
    /// An event the filter counts and the canonical pattern does not.
    pub extra: Option<String>,
    /// Why the relation is unknown.
    pub reason: Option<String>,
}

impl NearMiss {
    /// One clause for a finding's reason: does the filter leave a blind
    /// spot, or only differ in form?
    pub fn phrase(&self) -> String {
        let shown = |e: &Option<String>| e.as_deref().unwrap_or("").replace(['\n', '\r'], "⏎");
        match self.relation {
            Relation::Equivalent => {
                "its pattern means the same as the control's (it differs in form only)".to_owned()
            }
            Relation::Narrower => format!(
                "its pattern is narrower than the control's, a blind spot: it misses events such as {}",
                shown(&self.missed)
            ),
            Relation::Broader => format!(
                "its pattern is broader than the control's, no blind spot: it also counts events such as {}",
                shown(&self.extra)
            ),
            Relation::Overlapping => format!(
                "its pattern overlaps the control's, a blind spot: it misses events such as {}",
                shown(&self.missed)
            ),
            Relation::Disjoint => format!(
                "its pattern shares no event with the control's: it misses events such as {}",
                shown(&self.missed)
            ),
            Relation::Never => "its pattern matches no event at all".to_owned(),
            Relation::Unknown => format!(
                "whether it misses events is not decided ({})",
                self.reason.as_deref().unwrap_or("no reason given")
            ),
        }
    }

    /// The JSON object `check` (`semantics`) and audit findings
    /// (`evidence.semantics`) show: the relation, an event only the
    /// filter's pattern matches (`only_pattern`) and one only the canonical
    /// pattern matches (`only_canonical`), each `{"event": TEXT}` or null,
    /// and the reason when unknown.
    pub fn evidence(&self) -> serde_json::Value {
        let event = |w: &Option<String>| match w {
            Some(e) => serde_json::json!({ "event": e }),
            None => serde_json::Value::Null,
        };
        serde_json::json!({
            "relation": self.relation,
            "only_pattern": event(&self.extra),
            "only_canonical": event(&self.missed),
            "reason": self.reason,
        })
    }
}

impl From<Comparison> for NearMiss {
    /// A comparison of a filter's pattern (A) with the canonical one (B).
    fn from(c: Comparison) -> Self {
        NearMiss {
            relation: c.relation,
            missed: c.only_b,
            extra: c.only_a,
            reason: c.reason,
        }
    }
}

/// The relation of a filter's pattern to a control's canonical pattern;
/// `None` when either does not parse or compile, or `canonical` is empty.
pub fn near_miss(filter: &str, canonical: &str) -> Option<NearMiss> {
    if canonical.is_empty() {
        return None;
    }
    compare(filter, canonical).ok().map(NearMiss::from)
}

/// Keep only witnesses the matcher confirms.
fn confirm(answers: [Answer; 3], ma: &Matcher, mb: &Matcher) -> [Answer; 3] {
    let want = [(true, false), (false, true), (true, true)];
    let mut out = answers;
    for (ans, want) in out.iter_mut().zip(want) {
        if let Answer::Yes(e) = ans {
            let got = (ma.matches(e), mb.matches(e));
            if got != want {
                *ans = Answer::Unknown(format!(
                    "internal error: the matcher does not confirm the event {e} (please report it)"
                ));
            }
        }
    }
    out
}

fn relate(ab: Answer, ba: Answer, both: Answer) -> Comparison {
    use Answer::{No, Unknown, Yes};
    let nothing = |only: &Answer, both: &Answer| match (only, both) {
        (No, No) => Some(true),
        (Yes(_), _) | (_, Yes(_)) => Some(false),
        _ => None,
    };
    let a_nothing = nothing(&ab, &both);
    let b_nothing = nothing(&ba, &both);
    let mut reason = None;
    let relation = if a_nothing == Some(true) || b_nothing == Some(true) {
        Relation::Never
    } else {
        match (&ab, &ba, &both) {
            (No, No, _) => Relation::Equivalent,
            (No, Yes(_), _) => Relation::Narrower,
            (Yes(_), No, _) => Relation::Broader,
            (Yes(_), Yes(_), Yes(_)) => Relation::Overlapping,
            (Yes(_), Yes(_), No) => Relation::Disjoint,
            _ => {
                reason = [&ab, &ba, &both].into_iter().find_map(|a| match a {
                    Unknown(r) => Some(r.clone()),
                    _ => None,
                });
                Relation::Unknown
            }
        }
    };
    let event = |a: Answer| match a {
        Yes(e) => Some(e),
        _ => None,
    };
    Comparison {
        relation,
        a_matches_nothing: a_nothing,
        b_matches_nothing: b_nothing,
        only_a: event(ab),
        only_b: event(ba),
        both: event(both),
        reason,
    }
}

/// The three answers for two different normal forms.
fn solve(a: &Normal, b: &Normal, ma: &Matcher, mb: &Matcher, budget: &mut Budget) -> [Answer; 3] {
    match (a, b) {
        (Normal::Json(ea), Normal::Json(eb)) => match json::Model::build(&[ea, eb], budget) {
            Ok((model, f)) => {
                let (fa, fb) = (f.first().cloned(), f.get(1).cloned());
                let (Some(fa), Some(fb)) = (fa, fb) else {
                    return unknown3("internal: formulas missing");
                };
                [
                    model.solve(&F::and_not(&fa, &fb), budget),
                    model.solve(&F::not_and(&fa, &fb), budget),
                    model.solve(&F::both(&fa, &fb), budget),
                ]
            }
            Err(why) => unknown3(&why),
        },
        _ => {
            if let (Some(ta), Some(tb)) = (text::Msg::of(a), text::Msg::of(b)) {
                return text::solve(&ta, Some(&tb), budget);
            }
            if let (Normal::Delimited(fa), Normal::Delimited(fb)) = (a, b)
                && let (Some(da), Some(db)) = (delimited::Fields::of(fa), delimited::Fields::of(fb))
                && !da.has_ellipsis()
                && !db.has_ellipsis()
            {
                return delimited::solve(&da, Some(&db), budget);
            }
            by_example(a, b, ma, mb, budget)
        }
    }
}

fn unknown3(why: &str) -> [Answer; 3] {
    [
        Answer::Unknown(why.to_owned()),
        Answer::Unknown(why.to_owned()),
        Answer::Unknown(why.to_owned()),
    ]
}

/// An event the pattern matches, none, or unknown.
fn solve_alone(n: &Normal, budget: &mut Budget) -> Answer {
    match n {
        Normal::Json(e) => match json::Model::build(&[e], budget) {
            Ok((model, f)) => match f.first() {
                Some(f) => model.solve(f, budget),
                None => Answer::Unknown("internal: formula missing".to_owned()),
            },
            Err(why) => Answer::Unknown(why),
        },
        Normal::Delimited(fields) => match delimited::Fields::of(fields) {
            Some(d) => {
                let [first, ..] = delimited::solve(&d, None, budget);
                first
            }
            None => Answer::Unknown("a number does not parse".to_owned()),
        },
        other => match text::Msg::of(other) {
            Some(m) => {
                let [first, ..] = text::solve(&m, None, budget);
                first
            }
            None => Answer::Unknown("internal: unknown pattern kind".to_owned()),
        },
    }
}

/// Patterns of different kinds (or with `...`): whether each matches
/// anything is decided; the rest is tried on example events built from
/// both, and stays unknown when no example settles it.
fn by_example(
    a: &Normal,
    b: &Normal,
    ma: &Matcher,
    mb: &Matcher,
    budget: &mut Budget,
) -> [Answer; 3] {
    let wa = solve_alone(a, budget);
    let wb = solve_alone(b, budget);
    let mut candidates: Vec<String> = Vec::new();
    for w in [&wa, &wb] {
        if let Answer::Yes(e) = w {
            candidates.extend(variants(e));
        }
    }
    if let (Answer::Yes(x), Answer::Yes(y)) = (&wa, &wb) {
        candidates.push(format!("{x} {y}"));
        candidates.push(format!("{y} {x}"));
        for (j, t) in [(x, y), (y, x)] {
            if let Some(obj) = j.strip_suffix('}')
                && j.starts_with('{')
            {
                let sep = if obj.trim_end().ends_with('{') {
                    ""
                } else {
                    ","
                };
                let quoted = serde_json::to_string(t).unwrap_or_default();
                candidates.push(format!("{obj}{sep}\"message\":{quoted}}}"));
            }
        }
    }
    candidates.extend(["x".to_owned(), "{}".to_owned(), "x y z".to_owned()]);
    let mut out = [Answer::No, Answer::No, Answer::No];
    let mut seen = [false; 3];
    for c in &candidates {
        if budget.spend(1, "trying examples").is_err() {
            break;
        }
        let slot = match (ma.matches(c), mb.matches(c)) {
            (true, false) => 0,
            (false, true) => 1,
            (true, true) => 2,
            (false, false) => continue,
        };
        if let (Some(s), Some(o)) = (seen.get_mut(slot), out.get_mut(slot))
            && !*s
        {
            *s = true;
            *o = Answer::Yes(c.clone());
        }
    }
    let never = |w: &Answer| *w == Answer::No;
    let matches_all = |n: &Normal| matches!(n, Normal::MatchAll);
    let why = "patterns of different kinds are compared by example, and no example settled this";
    let mut settle = |slot: usize, impossible: bool| {
        if let (Some(false), Some(o)) = (seen.get(slot).copied(), out.get_mut(slot)) {
            *o = if impossible {
                Answer::No
            } else {
                Answer::Unknown(why.to_owned())
            };
        }
    };
    settle(0, never(&wa) || matches_all(b));
    settle(1, never(&wb) || matches_all(a));
    settle(2, never(&wa) || never(&wb));
    out
}

/// The same event written in other ways that the JSON and term patterns
/// read differently: spaced, with strings escaped, with a leading blank.
fn variants(event: &str) -> Vec<String> {
    let mut out = vec![event.to_owned()];
    if event.starts_with('{') {
        out.push(format!(" {event}"));
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(event) {
            if let Ok(p) = serde_json::to_string_pretty(&v) {
                out.push(p);
            }
            out.push(escaped(&v));
        }
    }
    out
}

/// A JSON value written with every string character as a `\u` escape.
fn escaped(v: &serde_json::Value) -> String {
    use serde_json::Value;
    let s = |t: &str| -> String {
        let mut o = String::from("\"");
        for u in t.encode_utf16() {
            o.push_str(&format!("\\u{u:04x}"));
        }
        o.push('"');
        o
    };
    match v {
        Value::String(t) => s(t),
        Value::Array(xs) => format!("[{}]", xs.iter().map(escaped).collect::<Vec<_>>().join(",")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", s(k), escaped(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: &str, b: &str) -> Comparison {
        let c = compare(a, b).unwrap();
        // Swapping the patterns swaps the relation.
        let s = compare(b, a).unwrap();
        assert_eq!(s.relation, c.relation.swapped(), "{a} vs {b}");
        c
    }

    #[test]
    fn relations() {
        assert_eq!(
            rel(r#"{ $.a = "x" }"#, r#"{ $.a = x }"#).relation,
            Relation::Equivalent
        );
        assert_eq!(
            rel(r#"{ $.a = "x" }"#, r#"{ $.a = "x*" }"#).relation,
            Relation::Narrower
        );
        assert_eq!(
            rel(r#"{ $.a = "x" }"#, r#"{ $.a = "y" }"#).relation,
            Relation::Disjoint
        );
        assert_eq!(
            rel(r#"{ $.a = "x*" }"#, r#"{ $.a = "*y" }"#).relation,
            Relation::Overlapping
        );
        let c = rel(r#"{ $.a = "x" && $.a = "y" }"#, r#"{ $.a = "y" }"#);
        assert_eq!(c.relation, Relation::Never);
        assert_eq!(c.a_matches_nothing, Some(true));
        assert_eq!(c.b_matches_nothing, Some(false));
        assert_eq!(rel("ERROR -DEBUG", "ERROR").relation, Relation::Narrower);
        assert_eq!(rel("", r#"{ $.a = 1 }"#).relation, Relation::Broader);
        assert_eq!(
            rel("[a, b = 1]", "[a, b = 1 || b = 2]").relation,
            Relation::Narrower
        );
    }

    #[test]
    fn near_misses_say_whether_they_leave_a_blind_spot() {
        let canonical =
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#;
        let n = near_miss(r#"{ $.eventName = ConsoleLogin }"#, canonical).unwrap();
        assert_eq!(n.relation, Relation::Broader);
        assert!(n.phrase().contains("no blind spot"), "{}", n.phrase());
        assert_eq!(n.evidence()["only_canonical"], serde_json::Value::Null);
        assert!(n.evidence()["only_pattern"]["event"].is_string());
        let n = near_miss(r#"{ $.errorMessage = "Failed authentication" && $.eventName = ConsoleLogin && $.userIdentity.type = IAMUser }"#, canonical).unwrap();
        assert_eq!(n.relation, Relation::Narrower);
        assert!(n.phrase().contains("a blind spot"), "{}", n.phrase());
        assert!(n.evidence()["only_canonical"]["event"].is_string());
        assert_eq!(n.evidence()["reason"], serde_json::Value::Null);
        assert!(near_miss("{ $.a == 1 }", canonical).is_none());
    }

    #[test]
    fn numbers_past_the_double_range_are_infinity_as_in_the_matcher() {
        assert_eq!(
            rel("{ $.n = 1e400 }", "{ $.n = 2e400 }").relation,
            Relation::Equivalent
        );
        assert_eq!(
            rel("{ $.n = 1e400 }", "{ $.n > 1e308 }").relation,
            Relation::Narrower
        );
        assert_eq!(
            rel("{ $.n = 1e400 }", "{ $.n = -1e400 }").relation,
            Relation::Disjoint
        );
    }

    #[test]
    fn mixed_kinds_by_example() {
        let c = rel(r#"{ $.eventName = "ConsoleLogin" }"#, "ConsoleLogin");
        assert_eq!(c.relation, Relation::Overlapping, "{c:?}");
    }
}
