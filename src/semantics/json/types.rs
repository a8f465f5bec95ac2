//! Element types of a wildcard group: the values an unnamed element can
//! take, grouped by the inner conditions they satisfy, and the unions of
//! types reachable by adding elements one at a time.

use super::{Edge, MAX_WITNESS_ELEMENTS, Trouble, WVal};
use crate::semantics::automata::{Budget, Exhausted};
use crate::semantics::cells::{self, Compiled, Scalar, Shape, Test};

/// Reachable unions of element types, fewest elements first: (union, the
/// types used).
pub(super) type Domain = Vec<(u64, Vec<usize>)>;

/// The element types of a group with inner selectors `inner` (the values
/// an unnamed element can take, with the inner conditions each satisfies)
/// and the unions of types reachable from them.
pub(super) fn element_types(
    inner: &[(Vec<Edge>, Test)],
    budget: &mut Budget,
    inexact: &mut Option<String>,
) -> Result<(Vec<(u64, WVal)>, Domain), Trouble> {
    if inner.len() > 64 {
        return Err("more than 64 conditions behind one wildcard".to_owned());
    }
    let tree = inner_tree(inner)?;
    let types = realize(&tree, 0, true, budget, inexact).map_err(|e| e.0)?;
    let types: Vec<(u64, WVal)> = types
        .into_iter()
        .filter_map(|(m, v)| Some((m, v?)))
        .collect();
    let domain = unions(&types, budget).map_err(|e| e.0)?;
    Ok((types, domain))
}

/// A small tree of the inner selectors of one group, for element types.
#[derive(Default)]
struct Inner {
    fields: Vec<(String, usize)>,
    indexes: Vec<(u32, usize)>,
    tests: Vec<(Compiled, usize)>,
}

fn inner_tree(inner: &[(Vec<Edge>, Test)]) -> Result<Vec<Inner>, Trouble> {
    let mut nodes = vec![Inner::default()];
    for (i, (path, test)) in inner.iter().enumerate() {
        let mut cur = 0;
        for e in path {
            let node = nodes
                .get(cur)
                .ok_or_else(|| "internal: inner tree".to_owned())?;
            let found = match e {
                Edge::Field(n) => node.fields.iter().find(|(k, _)| k == n).map(|(_, c)| *c),
                Edge::Index(x) => node.indexes.iter().find(|(k, _)| k == x).map(|(_, c)| *c),
                _ => return Err("a selector with two wildcards".to_owned()),
            };
            cur = match found {
                Some(c) => c,
                None => {
                    let id = nodes.len();
                    nodes.push(Inner::default());
                    let node = nodes
                        .get_mut(cur)
                        .ok_or_else(|| "internal: inner tree".to_owned())?;
                    match e {
                        Edge::Field(n) => node.fields.push((n.clone(), id)),
                        Edge::Index(x) => {
                            node.indexes.push((*x, id));
                            node.indexes.sort_unstable();
                        }
                        _ => {}
                    }
                    id
                }
            };
        }
        let c = Compiled::new(test.clone()).ok_or_else(|| "a regex does not compile".to_owned())?;
        if let Some(n) = nodes.get_mut(cur) {
            n.tests.push((c, i));
        }
    }
    Ok(nodes)
}

/// The values an inner tree position can take: (inner conditions they
/// satisfy, the value or `None` for missing), one per distinct set.
fn realize(
    nodes: &[Inner],
    at: usize,
    is_element: bool,
    budget: &mut Budget,
    inexact: &mut Option<String>,
) -> Result<Vec<(u64, Option<WVal>)>, Exhausted> {
    let Some(node) = nodes.get(at) else {
        return Ok(Vec::new());
    };
    let compiled: Vec<Compiled> = node
        .tests
        .iter()
        .filter_map(|(c, _)| Compiled::new(c.test.clone()))
        .collect();
    let shape = Shape {
        can_be_missing: !is_element,
        object: !node.fields.is_empty(),
        array: !node.indexes.is_empty(),
        prefer_present: false,
        keep_missing: true,
    };
    let (choices, why) = cells::json_cells(&compiled, shape, &[], budget);
    if inexact.is_none() {
        *inexact = why;
    }
    let mut out: Vec<(u64, Option<WVal>)> = Vec::new();
    let push = |out: &mut Vec<(u64, Option<WVal>)>, m: u64, v: Option<WVal>| {
        if !out.iter().any(|(k, _)| *k == m) {
            out.push((m, v));
        }
    };
    for ch in choices {
        budget.spend(1, "listing element types")?;
        let base = ch
            .bits
            .iter()
            .zip(&node.tests)
            .filter(|(b, _)| **b)
            .fold(0u64, |m, (_, (_, i))| m | (1u64 << (*i).min(63)));
        match ch.value {
            Scalar::Obj if shape.object => {
                for (m, v) in object_values(nodes, node, base, budget, inexact)? {
                    push(&mut out, m, Some(v));
                }
            }
            Scalar::Arr if shape.array => {
                for (m, v) in array_values(nodes, node, base, budget, inexact)? {
                    push(&mut out, m, Some(v));
                }
            }
            ref s => push(&mut out, base, WVal::of(s)),
        }
    }
    Ok(out)
}

/// The objects node `node` can hold: every combination of its fields'
/// values, one per distinct set of conditions (starting from `base`).
fn object_values(
    nodes: &[Inner],
    node: &Inner,
    base: u64,
    budget: &mut Budget,
    inexact: &mut Option<String>,
) -> Result<Vec<(u64, WVal)>, Exhausted> {
    let mut acc: Vec<(u64, Vec<(String, WVal)>)> = vec![(base, Vec::new())];
    for (name, child) in &node.fields {
        let options = realize(nodes, *child, false, budget, inexact)?;
        let mut next: Vec<(u64, Vec<(String, WVal)>)> = Vec::new();
        for (m, fs) in &acc {
            for (mc, vc) in &options {
                budget.spend(1, "listing element types")?;
                let key = m | mc;
                if next.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                let mut fs = fs.clone();
                if let Some(v) = vc {
                    fs.push((name.clone(), v.clone()));
                }
                next.push((key, fs));
            }
        }
        acc = next;
    }
    Ok(acc.into_iter().map(|(m, fs)| (m, WVal::Obj(fs))).collect())
}

/// The arrays node `node` can hold: every combination of its indexes'
/// values where no present index follows a missing one, one per distinct
/// set of conditions (starting from `base`).
fn array_values(
    nodes: &[Inner],
    node: &Inner,
    base: u64,
    budget: &mut Budget,
    inexact: &mut Option<String>,
) -> Result<Vec<(u64, WVal)>, Exhausted> {
    // (conditions, elements, an index was missing already)
    type Partial = (u64, Vec<(u32, WVal)>, bool);
    let mut out = Vec::new();
    let mut acc: Vec<Partial> = vec![(base, Vec::new(), false)];
    for (index, child) in &node.indexes {
        let options = realize(nodes, *child, false, budget, inexact)?;
        let mut next: Vec<Partial> = Vec::new();
        for (m, xs, closed) in &acc {
            for (mc, vc) in &options {
                budget.spend(1, "listing element types")?;
                if *closed && vc.is_some() {
                    continue;
                }
                let key = (m | mc, *closed || vc.is_none());
                if next.iter().any(|(k, _, c)| (*k, *c) == key) {
                    continue;
                }
                let mut xs = xs.clone();
                if let Some(v) = vc {
                    xs.push((*index, v.clone()));
                }
                next.push((key.0, xs, key.1));
            }
        }
        acc = next;
    }
    for (m, xs, _) in acc {
        let len = xs.last().map_or(0, |(i, _)| u64::from(*i) + 1);
        if len > MAX_WITNESS_ELEMENTS {
            *inexact = Some(format!("a witness would need an array of {len} elements"));
            continue;
        }
        let mut arr = Vec::new();
        for (i, v) in xs {
            while (arr.len() as u64) < u64::from(i) {
                arr.push(WVal::Null);
            }
            arr.push(v);
        }
        out.push((m, WVal::Arr(arr)));
    }
    Ok(out)
}

/// The unions of element types reachable by taking elements one at a time,
/// each with the fewest types that give it.
fn unions(types: &[(u64, WVal)], budget: &mut Budget) -> Result<Vec<(u64, Vec<usize>)>, Exhausted> {
    let mut out: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new())];
    let mut i = 0;
    while let Some((m, used)) = out.get(i).cloned() {
        for (t, (tm, _)) in types.iter().enumerate() {
            budget.spend(1, "combining element types")?;
            let n = m | tm;
            if !out.iter().any(|(k, _)| *k == n) {
                if out.len() >= 4_096 {
                    return Err(Exhausted(
                        "more than 4096 combinations of wildcard elements".to_owned(),
                    ));
                }
                let mut u = used.clone();
                u.push(t);
                out.push((n, u));
            }
        }
        i += 1;
    }
    Ok(out)
}
