//! JSON patterns over JSON events: is there an event on which one formula
//! holds (`A && !B`, say), and which?
//!
//! The selectors of both patterns form a tree of *positions* (`$.a`,
//! `$.a.b`, `$.a[0]`). An event is a choice of one cell per position
//! ([`cells`](crate::semantics::cells)): missing, `null`, a boolean, a string or number cell, an
//! object or an array — a position below one that is not an object (or
//! not an array, for `[N]`) is missing, and `$.a[2]` present means
//! `$.a[0]` present too.
//!
//! A wildcard selector (`$.a[*].b = 1`, `$.*.k = 2`, at most one wildcard
//! per selector) is existential: some element satisfies it. Each wildcard
//! is a *group* at its position. The elements it sees are the named
//! children there (`$.a[0]` is an element of `$.a[*]`; they get a copy of
//! the group's inner selectors, so their cells decide their part) and any
//! number of unnamed ones, whose possible *types* (the inner conditions
//! each satisfies) are listed bottom up. The group's choice is a set of
//! types, written as the union of their conditions, with the fewest
//! elements that give it; an array has room only below its first missing
//! named index. `NOT EXISTS` behind a wildcard is "no element is there".
//!
//! The search assigns positions parent first, evaluates the formula in
//! three-valued logic after each step (stopping as soon as it is decided),
//! and tries one cell only of a position that can no longer change the
//! result. It is exact: a found event satisfies the formula, and no event
//! exists when none is found — unless a position's cells were inexact
//! (numbers compared both as numbers and as text), which turns "none" into
//! unknown. Steps are bounded by the [`Budget`](crate::semantics::automata::Budget).

mod build;
mod search;
mod types;
mod witness;

use super::cells::{Choice, Compiled, Test};
use crate::pattern::ast::StepKind;

pub use witness::WVal;

/// The most positions (with the copies wildcards make) one comparison models.
pub const MAX_POSITIONS: usize = 1_000;

/// The most elements a witness array may have.
pub const MAX_WITNESS_ELEMENTS: u64 = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Edge {
    Field(String),
    Index(u32),
    AnyField,
    AnyIndex,
}

impl Edge {
    fn of(s: &StepKind) -> Edge {
        match s {
            StepKind::Field(n) | StepKind::Key(n) => Edge::Field(n.clone()),
            StepKind::Index(i) => Edge::Index(*i),
            StepKind::AnyField => Edge::AnyField,
            StepKind::AnyIndex => Edge::AnyIndex,
        }
    }

    fn is_wildcard(&self) -> bool {
        matches!(self, Edge::AnyField | Edge::AnyIndex)
    }
}

#[derive(Debug)]
struct Position {
    parent: usize,
    edge: Edge,
    fields: Vec<(String, usize)>,
    indexes: Vec<(u32, usize)>,
    /// `.*` and `[*]` groups here.
    any_field: Option<usize>,
    any_index: Option<usize>,
    tests: Vec<Compiled>,
    /// The dotted field path from the root, when every step is a field.
    path: Option<String>,
    choices: Vec<Choice>,
    /// The tests' truth when the position is missing.
    missing: Vec<bool>,
    /// Prefer a present value (a field CloudTrail always writes).
    prefer_present: bool,
    /// A choice of text that no test names (a realistic value, not a literal).
    neutral: Option<usize>,
}

#[derive(Debug)]
struct Group {
    at: usize,
    field: bool,
    /// Inner selectors and tests (`NOT EXISTS` turned into `Exists`).
    inner: Vec<(Vec<Edge>, Test)>,
    /// Per inner condition: the tests at named elements that decide it there.
    contrib: Vec<Vec<(usize, usize)>>,
    /// Unnamed element types: the inner conditions each satisfies, and one value.
    types: Vec<(u64, WVal)>,
    /// Reachable unions of types, fewest elements first: (union, types used).
    domain: Vec<(u64, Vec<usize>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Atom {
    Direct(usize, usize),
    Exists(usize, usize),
}

#[derive(Clone, Copy, Debug)]
enum Var {
    Pos(usize),
    Group(usize),
}

/// Which cell each position holds (`MISSING` for a missing one) and which
/// union each group takes.
#[derive(Clone, Debug)]
struct Assignment {
    pos: Vec<Option<usize>>,
    group: Vec<Option<usize>>,
}

const MISSING: usize = usize::MAX;

/// The positions, groups and atoms of a set of JSON patterns.
#[derive(Debug)]
pub struct Model {
    pos: Vec<Position>,
    groups: Vec<Group>,
    atoms: Vec<Atom>,
    vars: Vec<Var>,
    /// Per variable, the atoms its choice can change.
    influence: Vec<Vec<usize>>,
    /// Why "no event" may be wrong.
    inexact: Option<String>,
    cloudtrail: bool,
}

/// Why a set of patterns cannot be modelled (the answer is then unknown).
pub type Trouble = String;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Matcher;
    use crate::pattern::Normal;
    use crate::pattern::normal::{NCond, NExpr};
    use crate::semantics::Answer;
    use crate::semantics::automata::Budget;
    use crate::semantics::logic::F;

    fn expr(p: &str) -> NExpr<NCond> {
        match crate::pattern::normalize(p).unwrap() {
            Normal::Json(e) => e,
            other => panic!("not JSON: {other:?}"),
        }
    }

    /// Solve `a && !b` and check the witness with the matcher.
    fn only(a: &str, b: &str) -> Answer {
        let (ea, eb) = (expr(a), expr(b));
        let mut budget = Budget::new(1_000_000);
        let (m, f) = Model::build(&[&ea, &eb], &mut budget).unwrap();
        let sat = m.solve(&F::and_not(&f[0], &f[1]), &mut budget);
        if let Answer::Yes(w) = &sat {
            assert!(Matcher::new(a).unwrap().matches(w), "{a} should match {w}");
            assert!(
                !Matcher::new(b).unwrap().matches(w),
                "{b} should not match {w}"
            );
        }
        sat
    }

    #[test]
    fn equalities() {
        assert_eq!(
            only(r#"{ $.a = "x" }"#, r#"{ $.a = "x" || $.b = 1 }"#),
            Answer::No
        );
        assert_eq!(
            only(r#"{ $.a = "x" || $.b = 1 }"#, r#"{ $.a = "x" }"#),
            Answer::Yes(r#"{"b":1}"#.to_owned())
        );
        assert_eq!(only(r#"{ $.a = 1 }"#, r#"{ $.a = 1.0 }"#), Answer::No);
        assert!(matches!(
            only(r#"{ $.a = "1" }"#, r#"{ $.a = 1 }"#),
            Answer::Yes(_)
        ));
    }

    #[test]
    fn absent_field_trap() {
        let sat = only(
            r#"{ $.eventName = "ConsoleLogin" && ($.additionalEventData.MFAUsed != "Yes" || $.additionalEventData.MFAUsed NOT EXISTS) }"#,
            r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" }"#,
        );
        assert_eq!(
            sat,
            Answer::Yes(r#"{"eventName":"ConsoleLogin"}"#.to_owned())
        );
    }

    #[test]
    fn wildcards() {
        assert_eq!(
            only(r#"{ $.a[0] = "x" }"#, r#"{ $.a[*] = "x" }"#),
            Answer::No
        );
        assert!(matches!(
            only(r#"{ $.a[*] = "x" }"#, r#"{ $.a[0] = "x" }"#),
            Answer::Yes(_)
        ));
        assert!(matches!(
            only(
                r#"{ $.a[*] = "x" && $.a[*] = "y" }"#,
                r#"{ $.a[0] = "x" || $.a[0] = "y" }"#
            ),
            Answer::Yes(_)
        ));
        assert_eq!(
            only(r#"{ $.a[2] = 1 }"#, r#"{ $.a[*] != "z" }"#),
            Answer::No
        );
        assert!(matches!(
            only(r#"{ $.a[*] NOT EXISTS }"#, r#"{ $.a NOT EXISTS }"#),
            Answer::Yes(_)
        ));
        assert_eq!(
            only(
                r#"{ $.a[1] NOT EXISTS && $.a[*] = 1 && $.a[*] = 2 }"#,
                r#"{ $.x = 1 }"#
            ),
            Answer::No
        );
        assert!(matches!(
            only(r#"{ $.* = "x" }"#, r#"{ $.b = "x" }"#),
            Answer::Yes(_)
        ));
        assert_eq!(only(r#"{ $.b = "x" }"#, r#"{ $.* = "x" }"#), Answer::No);
    }
}
