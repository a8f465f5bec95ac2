//! The properties the `fieldSelectionCriteria` parser, printers, normal form
//! and evaluation must keep for every input. Each check panics with a
//! message naming the input when a property fails, so the same code serves
//! the `criteria` fuzz target and the tests in `tests/it/criteria.rs`.
//!
//! [`check_criteria`]:
//! - parsing never panics; an error's span lies inside the input on
//!   character boundaries, its message is one line, and it renders;
//! - every span of a parsed tree lies inside its parent and covers exactly
//!   its token;
//! - the house-style text parses back to an equal tree and is a fixed point;
//! - the normal form's canonical text parses back to the same normal form,
//!   and a house-style re-layout does not change it;
//! - the tree and the normal form select exactly the same accounts and
//!   Regions, and `extent` agrees with them.
//!
//! One allowance, as for patterns: printing may add spaces, so valid
//! criteria close to the 2000-character limit can print to a longer text
//! that the parser rightly rejects as too long.

use std::collections::BTreeSet;

use cis_filters::criteria::ast::{Comparison, Criteria, Expr, Rhs, Span};
use cis_filters::criteria::print::house;
use cis_filters::criteria::{
    CriteriaError, ErrorKind, Extent, Field, MAX_CRITERIA_CHARS, Selection, evaluate, parse,
};

/// Check every property on `text`; returns what parsing gave.
pub fn check_criteria(text: &str) -> Result<Criteria, CriteriaError> {
    let result = parse(text);
    let c = match &result {
        Err(e) => {
            check_error(text, e);
            return result;
        }
        Ok(c) => c,
    };
    check_spans(text, c);
    let normal = Selection::from_criteria(c);
    check_same_selection(text, c, &normal);

    let printed = house(c);
    if let Some(again) = reparse(text, &printed, "house style") {
        assert_eq!(
            &again, c,
            "house style changed the tree of {text:?}\n  printed: {printed:?}"
        );
        assert_eq!(
            house(&again),
            printed,
            "house style is not a fixed point for {text:?}"
        );
        assert_eq!(
            Selection::from_criteria(&again),
            normal,
            "house style changed the normal form of {text:?}"
        );
    }

    let canonical = normal.to_string();
    if let Some(again) = reparse(text, &canonical, "canonical text") {
        let renormal = Selection::from_criteria(&again);
        assert_eq!(
            renormal, normal,
            "the normal form of {text:?} does not survive its canonical text {canonical:?}"
        );
        assert_eq!(
            renormal.to_string(),
            canonical,
            "the canonical text of {text:?} is not a fixed point"
        );
    }
    result
}

/// The error refers to this input, points inside it and reads as one line.
pub fn check_error(text: &str, e: &CriteriaError) {
    let s = e.span();
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "error span {}..{} outside the input ({} bytes) for {text:?}",
        s.start,
        s.end,
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "error span {}..{} not on character boundaries for {text:?}",
        s.start,
        s.end
    );
    assert_eq!(e.input(), text, "the error carries another input");
    assert!(!e.kind().code().is_empty());
    for line in [Some(e.message()), e.help()].into_iter().flatten() {
        assert!(
            !line.is_empty() && !line.contains(['\n', '\r']),
            "a message of {text:?} is not one line: {line:?}"
        );
    }
    let rendered = e.render(Some("criteria"));
    assert!(rendered.contains(e.message()), "{rendered}");
}

/// Parse text printed from `original`'s tree. `None` only when the printed
/// text is over the length limit.
fn reparse(original: &str, printed: &str, what: &str) -> Option<Criteria> {
    match parse(printed) {
        Ok(c) => Some(c),
        Err(e)
            if matches!(e.kind(), ErrorKind::TooLong { .. })
                && printed.chars().count() > MAX_CRITERIA_CHARS =>
        {
            None
        }
        Err(e) => panic!(
            "the {what} of {original:?} does not parse\n  printed: {printed:?}\n{}",
            e.render(Some(what))
        ),
    }
}

/// Every account the criteria name, and one they do not; the same for
/// Regions. Conditions only ask whether a field is one of the named values,
/// so two selections that agree on this grid agree everywhere.
///
/// The unnamed account and Region are texts the parser never accepts as a
/// value, so no criteria can name them (a valid ID such as `999999999999`
/// could be named, and then the grid would have no unnamed account).
pub fn grid(c: &Criteria) -> (Vec<String>, Vec<String>) {
    let mut accounts = BTreeSet::from([UNNAMED_ACCOUNT.to_owned()]);
    let mut regions = BTreeSet::from([UNNAMED_REGION.to_owned()]);
    if let Some(e) = &c.expr {
        for cmp in e.leaves() {
            let set = match cmp.field {
                Field::Account => &mut accounts,
                Field::Region => &mut regions,
            };
            set.extend(cmp.values().iter().map(|s| s.value.clone()));
        }
    }
    (
        accounts.into_iter().collect(),
        regions.into_iter().collect(),
    )
}

/// An account no criteria can name: not 12 digits.
pub const UNNAMED_ACCOUNT: &str = "unnamed-account";
/// A Region no criteria can name: not a Region code.
pub const UNNAMED_REGION: &str = "unnamed-region";

/// The tree and the normal form select the same, and `extent` agrees.
pub fn check_same_selection(text: &str, c: &Criteria, normal: &Selection) {
    let (accounts, regions) = grid(c);
    let (mut any, mut all) = (false, true);
    for a in &accounts {
        for r in &regions {
            let s = evaluate(c, a, r);
            assert_eq!(
                s,
                normal.selects(a, r),
                "the tree and the normal form of {text:?} disagree on {a} in {r} (normal form: {normal})"
            );
            any |= s;
            all &= s;
        }
    }
    let want = match (any, all) {
        (_, true) => Extent::All,
        (false, _) => Extent::None,
        _ => Extent::Some,
    };
    assert_eq!(normal.extent(), want, "the extent of {text:?}");
}

/// Every span lies inside its parent and covers exactly its token.
pub fn check_spans(text: &str, c: &Criteria) {
    let whole = Span::new(0, text.len());
    inside(text, c.span, whole, "criteria");
    if let Some(e) = &c.expr {
        check_expr(text, e, c.span);
    }
}

fn check_expr(text: &str, e: &Expr<Comparison>, parent: Span) {
    match e {
        Expr::Or(ch) | Expr::And(ch) => {
            inside(text, ch.span, parent, "chain");
            let mut last = ch.span.start;
            for op in &ch.operands {
                let s = expr_span(op);
                assert!(s.start >= last, "operands out of order in {text:?}");
                last = s.end;
                check_expr(text, op, ch.span);
            }
        }
        Expr::Paren(p) => {
            let t = inside(text, p.span, parent, "parenthesis");
            assert!(
                t.starts_with('(') && t.ends_with(')'),
                "parenthesis span {t:?} in {text:?}"
            );
            check_expr(text, &p.inner, p.span);
        }
        Expr::Leaf(cmp) => {
            inside(text, cmp.span, parent, "comparison");
            let f = inside(text, cmp.field_span, cmp.span, "field");
            assert_eq!(f, cmp.field.name(), "field span in {text:?}");
            let op = inside(text, cmp.op_span, cmp.span, "operator");
            let words: Vec<&str> = op.split_whitespace().collect();
            assert_eq!(
                words.join(" "),
                cmp.op.as_str(),
                "operator span in {text:?}"
            );
            let values_parent = match &cmp.rhs {
                Rhs::Value(_) => cmp.span,
                Rhs::List(l) => {
                    let t = inside(text, l.span, cmp.span, "list");
                    assert!(
                        t.starts_with('[') && t.ends_with(']'),
                        "list span {t:?} in {text:?}"
                    );
                    l.span
                }
            };
            for s in cmp.values() {
                let t = inside(text, s.span, values_parent, "value");
                assert_eq!(t, format!("\"{}\"", s.value), "value span in {text:?}");
            }
        }
    }
}

fn expr_span(e: &Expr<Comparison>) -> Span {
    match e {
        Expr::Or(ch) | Expr::And(ch) => ch.span,
        Expr::Paren(p) => p.span,
        Expr::Leaf(c) => c.span,
    }
}

/// The text under `span`, which must lie inside `parent`.
fn inside<'t>(text: &'t str, span: Span, parent: Span, what: &str) -> &'t str {
    assert!(
        parent.start <= span.start && span.start <= span.end && span.end <= parent.end,
        "{what} span {}..{} is not inside {}..{} in {text:?}",
        span.start,
        span.end,
        parent.start,
        parent.end
    );
    match text.get(span.range()) {
        Some(s) => s,
        None => panic!(
            "{what} span {}..{} is not on character boundaries in {text:?}",
            span.start, span.end
        ),
    }
}
