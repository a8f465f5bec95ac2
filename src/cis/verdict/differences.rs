//! Term-level differences of a pattern from a canonical form: missing,
//! extra and changed conditions, then structure.

use std::collections::HashMap;
use std::fmt;

use super::closeness::{LeafMatch, match_leaves};
use super::forms::Shape;
use super::{Change, Difference};
use crate::pattern::Normal;
use crate::pattern::ast::{Ast, Expr};
use crate::pattern::normal::{NCond, NExpr, Node};

/// The term-level differences of pattern `found` from pattern `expected`:
/// the conditions `found` lacks (`missing`), adds (`extra`) or changes, as
/// against a canonical pattern. Empty when the normal forms are equal, and
/// when `expected` is not a JSON pattern (only JSON patterns have terms).
pub fn term_diff(expected: &Ast, found: &Ast) -> Vec<Difference> {
    let (e, f) = (Shape::new(expected), Shape::new(found));
    if e.same(&f) {
        return Vec::new();
    }
    differences(&e, &f)
}

/// The term-level differences between a canonical form and a pattern whose
/// normal forms differ.
pub(super) fn differences(canon: &Shape, p: &Shape) -> Vec<Difference> {
    let c = match canon.expr() {
        Some(c) => c,
        None => return Vec::new(),
    };
    let Some(q) = p.expr() else {
        return vec![Difference {
            change: Change::Structure,
            term: "pattern type".to_owned(),
            expected: Some("a JSON pattern `{ … }`".to_owned()),
            found: Some(kind_description(&p.normal).to_owned()),
        }];
    };
    let (cl, ql) = (c.leaves(), q.leaves());
    let m = match_leaves(&cl, &ql, &canon.leaf_keys, &p.leaf_keys);
    let mut out = leaf_differences(&cl, &ql, &m);
    // Two chains of leaves under the same operator (or a single leaf) hold
    // the same leaves once brought to the same conditions, so only other
    // shapes need the structural comparison.
    if only_leaves(c)
        && only_leaves(q)
        && (op_of(c) == op_of(q) || op_of(c).zip(op_of(q)).is_none())
    {
        return out;
    }
    structure_differences(c, q, &cl, &m, &mut out);
    out
}

/// The conditions missing from, extra in, or changed in the pattern.
fn leaf_differences(cl: &[&NCond], ql: &[&NCond], m: &LeafMatch) -> Vec<Difference> {
    let mut out = Vec::new();
    for l in m.missing.iter().filter_map(|&i| cl.get(i)) {
        let t = l.to_string();
        out.push(Difference {
            change: Change::Missing,
            term: t.clone(),
            expected: Some(t),
            found: None,
        });
    }
    for l in m.extra.iter().filter_map(|&j| ql.get(j)) {
        let t = l.to_string();
        out.push(Difference {
            change: Change::Extra,
            term: t.clone(),
            expected: None,
            found: Some(t),
        });
    }
    for &(i, j) in &m.changed {
        if let (Some(a), Some(b)) = (cl.get(i), ql.get(j)) {
            let mut sel = String::new();
            // Writing to a String cannot fail.
            let _ = crate::pattern::normal::write_selector(&mut sel, &a.selector);
            out.push(Difference {
                change: Change::Changed,
                term: sel,
                expected: Some(a.to_string()),
                found: Some(b.to_string()),
            });
        }
    }
    out
}

/// Structure: bring both sides to the same conditions (drop what is missing
/// or extra, undo what changed) and compare what is left.
fn structure_differences(
    c: &NExpr<NCond>,
    q: &NExpr<NCond>,
    cl: &[&NCond],
    m: &LeafMatch,
    out: &mut Vec<Difference>,
) {
    let mut replacement: HashMap<usize, &NCond> = HashMap::new();
    for &(i, j) in &m.changed {
        if let Some(a) = cl.get(i) {
            replacement.insert(j, a);
        }
    }
    let mut k = 0;
    let c_proj = project(c, &mut k, &mut |i, l| {
        (!m.missing.contains(&i)).then_some(l)
    });
    let mut k = 0;
    let q_proj = project(q, &mut k, &mut |j, l| {
        if m.extra.contains(&j) {
            None
        } else {
            Some(replacement.get(&j).copied().unwrap_or(l))
        }
    });
    if let (Some(cp), Some(qp)) = (c_proj, q_proj) {
        structure(&cp, &qp, out);
    }
}

fn kind_description(n: &Normal) -> &'static str {
    match n {
        Normal::MatchAll => "the empty pattern (matches every event)",
        Normal::Json(_) => "a JSON pattern",
        Normal::Delimited(_) => "a space-delimited pattern `[ … ]`",
        Normal::Terms(_) => "unstructured terms",
        Normal::Regex(_) => "a regular expression `%…%`",
    }
}

/// `e` with each leaf (numbered in [`NExpr::leaves`] order) replaced by
/// `f(index, leaf)`, or dropped when it returns `None`; re-normalised.
fn project<'a>(
    e: &'a NExpr<NCond>,
    next: &mut usize,
    f: &mut dyn FnMut(usize, &'a NCond) -> Option<&'a NCond>,
) -> Option<NExpr<&'a NCond>> {
    match e.node() {
        Node::Leaf(l) => {
            let i = *next;
            *next += 1;
            f(i, l).map(NExpr::leaf)
        }
        Node::And(ops) | Node::Or(ops) => {
            let kept: Vec<_> = ops.iter().filter_map(|o| project(o, next, f)).collect();
            if kept.is_empty() {
                None
            } else if matches!(e.node(), Node::And(_)) {
                Some(NExpr::and(kept))
            } else {
                Some(NExpr::or(kept))
            }
        }
    }
}

/// Structural differences between two expressions over the same conditions.
fn structure<C: Ord + Clone + fmt::Display>(c: &NExpr<C>, p: &NExpr<C>, out: &mut Vec<Difference>) {
    if c == p {
        return;
    }
    match (c.node(), p.node()) {
        (Node::And(cs), Node::And(ps)) | (Node::Or(cs), Node::Or(ps)) => {
            let c_rest: Vec<_> = cs.iter().filter(|x| !ps.contains(x)).collect();
            let p_rest: Vec<_> = ps.iter().filter(|x| !cs.contains(x)).collect();
            if let ([a], [b]) = (c_rest.as_slice(), p_rest.as_slice()) {
                // One operand differs: look inside it.
                return structure(a, b, out);
            }
            out.push(Difference {
                change: Change::Structure,
                term: regrouping_term(c, &c_rest, &p_rest),
                expected: Some(show(c, true)),
                found: Some(show(p, true)),
            });
        }
        _ => out.push(Difference {
            change: Change::Structure,
            term: operator_term(c, p),
            expected: Some(show(c, true)),
            found: Some(show(p, true)),
        }),
    }
}

fn op_of<C>(e: &NExpr<C>) -> Option<&'static str> {
    match e.node() {
        Node::And(_) => Some("&&"),
        Node::Or(_) => Some("||"),
        Node::Leaf(_) => None,
    }
}

fn only_leaves<C>(e: &NExpr<C>) -> bool {
    match e.node() {
        Node::And(ops) | Node::Or(ops) => ops.iter().all(|o| matches!(o.node(), Node::Leaf(_))),
        Node::Leaf(_) => true,
    }
}

/// The same tree with every `&&` and `||` exchanged.
fn swapped<C: Ord + Clone>(e: &NExpr<C>) -> NExpr<C> {
    match e.node() {
        Node::Leaf(l) => NExpr::leaf(l.clone()),
        Node::And(ops) => NExpr::or(ops.iter().map(swapped).collect()),
        Node::Or(ops) => NExpr::and(ops.iter().map(swapped).collect()),
    }
}

/// Describe two expressions with different operators at the top.
fn operator_term<C: Ord + Clone>(c: &NExpr<C>, p: &NExpr<C>) -> String {
    match (op_of(c), op_of(p)) {
        (Some(want), Some(got)) if only_leaves(c) && only_leaves(p) => {
            format!("`{got}` where `{want}` belongs")
        }
        (Some(_), Some(_)) if swapped(c) == *p => "`&&` and `||` swapped".to_owned(),
        _ => "grouping".to_owned(),
    }
}

/// Describe a chain whose operands are grouped differently: a sub-group of
/// the other operator spread into the parent (`a && b && c` for
/// `a && (b || c)`), or the reverse; otherwise "grouping".
fn regrouping_term<C>(parent: &NExpr<C>, c_rest: &[&NExpr<C>], p_rest: &[&NExpr<C>]) -> String {
    let parent_op = op_of(parent).unwrap_or("&&");
    let all_leaves = |v: &[&NExpr<C>]| v.iter().all(|e| matches!(e.node(), Node::Leaf(_)));
    match (c_rest, p_rest) {
        ([group], rest) if all_leaves(rest) && only_leaves(group) => {
            let inner = op_of(group).unwrap_or("||");
            format!("`{parent_op}` where `{inner}` belongs")
        }
        (rest, [group]) if all_leaves(rest) && only_leaves(group) => {
            let inner = op_of(group).unwrap_or("||");
            format!("`{inner}` where `{parent_op}` belongs")
        }
        _ => "grouping".to_owned(),
    }
}

/// Print an expression with every nested group in parentheses, so that the
/// grouping never depends on `&&` binding tighter than `||`.
fn show<C: fmt::Display>(e: &NExpr<C>, top: bool) -> String {
    match e.node() {
        Node::Leaf(l) => l.to_string(),
        Node::And(ops) | Node::Or(ops) => {
            let sep = if matches!(e.node(), Node::And(_)) {
                " && "
            } else {
                " || "
            };
            let inner = ops
                .iter()
                .map(|o| show(o, false))
                .collect::<Vec<_>>()
                .join(sep);
            if top { inner } else { format!("({inner})") }
        }
    }
}

/// A note when the pattern mixes `&&` and `||` without parentheses, where
/// `&&` binding tighter decides the meaning.
pub(super) fn precedence_note(ast: &Ast) -> Option<String> {
    let Ast::Json(j) = ast else { return None };
    let mut stack = vec![&j.expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Or(chain) => {
                if chain.operands.iter().any(|o| matches!(o, Expr::And(_))) {
                    let Normal::Json(n) = Normal::from_ast(ast) else {
                        return None;
                    };
                    return Some(format!(
                        "`&&` binds tighter than `||` and this pattern mixes them without \
                         parentheses; it reads as: {}",
                        show(&n, true)
                    ));
                }
                stack.extend(chain.operands.iter());
            }
            Expr::And(chain) => stack.extend(chain.operands.iter()),
            Expr::Paren(p) => stack.push(&p.inner),
            Expr::Leaf(_) => {}
        }
    }
    None
}
