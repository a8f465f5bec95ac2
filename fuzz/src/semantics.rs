//! The properties of the semantic comparison (`cis_filters::semantics`),
//! for the `semantics` fuzz target and the integration tests.
//!
//! [`check_semantics`] takes two patterns separated by the first newline
//! of the input. For every pair that parses and compiles:
//! - comparing never panics, and never reports an internal error (a
//!   witness the matcher does not confirm would be one);
//! - every witness is confirmed by the matcher: `only_a` matches A and not
//!   B, `only_b` the reverse, `both` both;
//! - the relation agrees with the witnesses (`narrower` has no `only_a`
//!   but an `only_b`, `disjoint` no `both`, …);
//! - swapping the patterns swaps the relation;
//! - a pattern is equivalent to itself and to its normal form's text
//!   (or, when it matches nothing, `never` on both sides).

use cis_filters::matcher::Matcher;
use cis_filters::pattern::normalize;
use cis_filters::semantics::{Comparison, Relation, compare};

/// Check the properties on two patterns: the input up to the first newline
/// is A, the rest is B.
pub fn check_semantics(text: &str) {
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(c) = compare(a, b) else { return };
    check_one(a, b, &c);
    let s = compare(b, a).unwrap_or_else(|e| panic!("{b:?} / {a:?} fails swapped: {e}"));
    assert_eq!(
        s.relation,
        c.relation.swapped(),
        "{a:?} / {b:?}: {c:?}\nswapped: {s:?}"
    );
    for p in [a, b] {
        let Ok(n) = normalize(p) else { continue };
        let canonical = n.to_string();
        for other in [p, canonical.as_str()] {
            let Ok(same) = compare(p, other) else {
                continue;
            };
            check_one(p, other, &same);
            let ok = match same.relation {
                Relation::Equivalent | Relation::Unknown => true,
                Relation::Never => {
                    same.a_matches_nothing == Some(true) && same.b_matches_nothing == Some(true)
                }
                _ => false,
            };
            assert!(ok, "{p:?} vs {other:?} should be equivalent: {same:?}");
        }
    }
}

fn check_one(a: &str, b: &str, c: &Comparison) {
    if let Some(r) = &c.reason {
        assert!(!r.contains("internal"), "{a:?} / {b:?}: {r}");
    }
    let (Ok(ma), Ok(mb)) = (Matcher::new(a), Matcher::new(b)) else {
        panic!("{a:?} / {b:?} compared but do not compile");
    };
    for (w, want) in [
        (&c.only_a, (true, false)),
        (&c.only_b, (false, true)),
        (&c.both, (true, true)),
    ] {
        if let Some(w) = w {
            assert_eq!(
                (ma.matches(w), mb.matches(w)),
                want,
                "{a:?} / {b:?}: the witness {w:?} is not confirmed"
            );
        }
    }
    let (ab, ba, both) = (c.only_a.is_some(), c.only_b.is_some(), c.both.is_some());
    let consistent = match c.relation {
        Relation::Equivalent => !ab && !ba,
        Relation::Narrower => !ab && ba,
        Relation::Broader => ab && !ba,
        Relation::Overlapping => ab && ba && both,
        Relation::Disjoint => ab && ba && !both,
        Relation::Never => c.a_matches_nothing == Some(true) || c.b_matches_nothing == Some(true),
        Relation::Unknown => c.reason.is_some(),
    };
    assert!(
        consistent,
        "{a:?} / {b:?}: relation and witnesses disagree: {c:?}"
    );
}
