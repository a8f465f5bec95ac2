//! JSON patterns over JSON events: is there an event on which one formula
//! holds (`A && !B`, say), and which?
//!
//! The selectors of both patterns form a tree of *positions* (`$.a`,
//! `$.a.b`, `$.a[0]`). An event is a choice of one cell per position
//! ([`cells`]): missing, `null`, a boolean, a string or number cell, an
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
//! unknown. Steps are bounded by the [`Budget`].

use std::collections::{HashMap, HashSet};

use super::Answer;
use super::automata::{Budget, Exhausted};
use super::cells::{self, Choice, Compiled, Scalar, Shape, Test};
use super::cloudtrail;
use super::logic::{F, Tri};
use crate::pattern::ast::StepKind;
use crate::pattern::normal::{NCond, NExpr, NTest};

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

/// A JSON value of a witness.
#[derive(Clone, Debug, PartialEq)]
pub enum WVal {
    /// `null`
    Null,
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
    /// A number, as written.
    Num(String),
    /// An array.
    Arr(Vec<WVal>),
    /// An object, fields in order.
    Obj(Vec<(String, WVal)>),
}

impl WVal {
    fn of(s: &Scalar) -> Option<WVal> {
        Some(match s {
            Scalar::Missing => return None,
            Scalar::Null => WVal::Null,
            Scalar::Bool(b) => WVal::Bool(*b),
            Scalar::Str(t) => WVal::Str(t.clone()),
            Scalar::Num(t) => WVal::Num(t.clone()),
            Scalar::Obj => WVal::Obj(Vec::new()),
            Scalar::Arr => WVal::Arr(Vec::new()),
        })
    }

    /// Compact JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            WVal::Null => out.push_str("null"),
            WVal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            WVal::Num(t) => out.push_str(t),
            WVal::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            WVal::Arr(xs) => {
                out.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    x.write(out);
                }
                out.push(']');
            }
            WVal::Obj(fs) => {
                out.push('{');
                for (i, (k, v)) in fs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(k).unwrap_or_default());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Compact JSON text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
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

struct Builder<'b> {
    pos: Vec<Position>,
    groups: Vec<Group>,
    atoms: Vec<Atom>,
    index: HashMap<Atom, usize>,
    budget: &'b mut Budget,
}

impl Builder<'_> {
    fn child(&mut self, at: usize, edge: &Edge) -> Result<usize, Trouble> {
        let existing = self.pos.get(at).and_then(|p| match edge {
            Edge::Field(n) => p.fields.iter().find(|(k, _)| k == n).map(|(_, c)| *c),
            Edge::Index(i) => p.indexes.iter().find(|(k, _)| k == i).map(|(_, c)| *c),
            _ => None,
        });
        if let Some(c) = existing {
            return Ok(c);
        }
        if self.pos.len() >= MAX_POSITIONS {
            return Err(format!(
                "the patterns select more than {MAX_POSITIONS} positions"
            ));
        }
        let id = self.pos.len();
        let path = match (self.pos.get(at).and_then(|p| p.path.as_ref()), edge) {
            (Some(p), Edge::Field(n)) if p.is_empty() => Some(n.clone()),
            (Some(p), Edge::Field(n)) => Some(format!("{p}.{n}")),
            _ => None,
        };
        self.pos.push(Position {
            parent: at,
            edge: edge.clone(),
            fields: Vec::new(),
            indexes: Vec::new(),
            any_field: None,
            any_index: None,
            tests: Vec::new(),
            path,
            choices: Vec::new(),
            missing: Vec::new(),
            prefer_present: false,
            neutral: None,
        });
        let parent = self
            .pos
            .get_mut(at)
            .ok_or_else(|| "internal: no parent".to_owned())?;
        match edge {
            Edge::Field(n) => parent.fields.push((n.clone(), id)),
            Edge::Index(i) => {
                parent.indexes.push((*i, id));
                parent.indexes.sort_unstable();
            }
            _ => return Err("internal: a wildcard is not a position".to_owned()),
        }
        Ok(id)
    }

    fn path(&mut self, from: usize, edges: &[Edge]) -> Result<usize, Trouble> {
        let mut cur = from;
        for e in edges {
            if e.is_wildcard() {
                return Err("a selector with two wildcards".to_owned());
            }
            cur = self.child(cur, e)?;
        }
        Ok(cur)
    }

    fn test(&mut self, at: usize, test: Test) -> Result<usize, Trouble> {
        let p = self
            .pos
            .get_mut(at)
            .ok_or_else(|| "internal: no position".to_owned())?;
        if let Some(i) = p.tests.iter().position(|c| c.test == test) {
            return Ok(i);
        }
        let c = Compiled::new(test).ok_or_else(|| "a regex does not compile".to_owned())?;
        p.tests.push(c);
        Ok(p.tests.len() - 1)
    }

    fn group(&mut self, at: usize, field: bool) -> Result<usize, Trouble> {
        let p = self
            .pos
            .get(at)
            .ok_or_else(|| "internal: no position".to_owned())?;
        let existing = if field { p.any_field } else { p.any_index };
        if let Some(g) = existing {
            return Ok(g);
        }
        let id = self.groups.len();
        self.groups.push(Group {
            at,
            field,
            inner: Vec::new(),
            contrib: Vec::new(),
            types: Vec::new(),
            domain: Vec::new(),
        });
        if let Some(p) = self.pos.get_mut(at) {
            if field {
                p.any_field = Some(id);
            } else {
                p.any_index = Some(id);
            }
        }
        Ok(id)
    }

    fn atom(&mut self, a: Atom) -> usize {
        if let Some(&i) = self.index.get(&a) {
            return i;
        }
        self.atoms.push(a);
        self.index.insert(a, self.atoms.len() - 1);
        self.atoms.len() - 1
    }

    /// The formula of one condition.
    fn leaf(&mut self, c: &NCond) -> Result<F, Trouble> {
        let edges: Vec<Edge> = c.selector.iter().map(Edge::of).collect();
        let test = Test::of(&c.test).ok_or_else(|| "a number does not parse".to_owned())?;
        match edges.iter().position(Edge::is_wildcard) {
            None => {
                let at = self.path(0, &edges)?;
                let t = self.test(at, test)?;
                Ok(F::Atom(self.atom(Atom::Direct(at, t))))
            }
            Some(w) => {
                let (head, rest) = edges.split_at(w);
                let (wild, inner) = rest
                    .split_first()
                    .ok_or_else(|| "internal: no wildcard".to_owned())?;
                let at = self.path(0, head)?;
                let g = self.group(at, *wild == Edge::AnyField)?;
                let (itest, negated) = if c.test == NTest::NotExists {
                    (Test::Exists, true)
                } else {
                    (test, false)
                };
                if inner.iter().any(Edge::is_wildcard) {
                    return Err("a selector with two wildcards".to_owned());
                }
                let group = self
                    .groups
                    .get_mut(g)
                    .ok_or_else(|| "internal: no group".to_owned())?;
                let key = (inner.to_vec(), itest);
                let i = match group.inner.iter().position(|k| *k == key) {
                    Some(i) => i,
                    None => {
                        group.inner.push(key);
                        group.contrib.push(Vec::new());
                        group.inner.len() - 1
                    }
                };
                let a = F::Atom(self.atom(Atom::Exists(g, i)));
                Ok(if negated { F::Not(Box::new(a)) } else { a })
            }
        }
    }

    /// Give every named element of every group a copy of the group's inner
    /// selectors, until no copy adds a new element.
    fn copy_inner(&mut self) -> Result<(), Trouble> {
        let mut done: HashSet<(usize, usize)> = HashSet::new();
        loop {
            let mut work = Vec::new();
            for (g, group) in self.groups.iter().enumerate() {
                let Some(p) = self.pos.get(group.at) else {
                    continue;
                };
                let elements: Vec<usize> = if group.field {
                    p.fields.iter().map(|(_, c)| *c).collect()
                } else {
                    p.indexes.iter().map(|(_, c)| *c).collect()
                };
                for e in elements {
                    if !done.contains(&(g, e)) {
                        work.push((g, e));
                    }
                }
            }
            if work.is_empty() {
                return Ok(());
            }
            for (g, e) in work {
                done.insert((g, e));
                let inner = self
                    .groups
                    .get(g)
                    .map(|gr| gr.inner.clone())
                    .unwrap_or_default();
                for (i, (path, test)) in inner.into_iter().enumerate() {
                    let at = self.path(e, &path)?;
                    let t = self.test(at, test)?;
                    if let Some(c) = self.groups.get_mut(g).and_then(|gr| gr.contrib.get_mut(i)) {
                        c.push((at, t));
                    }
                }
            }
        }
    }
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
                for (m, fs) in acc {
                    push(&mut out, m, Some(WVal::Obj(fs)));
                }
            }
            Scalar::Arr if shape.array => {
                // (conditions, elements, an index was missing already)
                type Partial = (u64, Vec<(u32, WVal)>, bool);
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
                    push(&mut out, m, Some(WVal::Arr(arr)));
                }
            }
            ref s => push(&mut out, base, WVal::of(s)),
        }
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

impl Model {
    /// The model of the JSON expressions `exprs`, and the formula of each.
    pub fn build(exprs: &[&NExpr<NCond>], budget: &mut Budget) -> Result<(Model, Vec<F>), Trouble> {
        let mut b = Builder {
            pos: vec![Position {
                parent: usize::MAX,
                edge: Edge::Field(String::new()),
                fields: Vec::new(),
                indexes: Vec::new(),
                any_field: None,
                any_index: None,
                tests: Vec::new(),
                path: Some(String::new()),
                choices: Vec::new(),
                missing: Vec::new(),
                prefer_present: false,
                neutral: None,
            }],
            groups: Vec::new(),
            atoms: Vec::new(),
            index: HashMap::new(),
            budget,
        };
        let mut cloudtrail = true;
        let mut formulas = Vec::new();
        for e in exprs {
            let mut trouble = None;
            let f = F::of_expr(e, &mut |c: &NCond| {
                if !matches!(c.selector.first(), Some(StepKind::Field(n) | StepKind::Key(n)) if cloudtrail::is_record_field(n))
                {
                    cloudtrail = false;
                }
                match b.leaf(c) {
                    Ok(f) => Some(f),
                    Err(t) => {
                        trouble = Some(t);
                        None
                    }
                }
            });
            match f {
                Some(f) => formulas.push(f),
                None => {
                    return Err(
                        trouble.unwrap_or_else(|| "the pattern nests too deeply".to_owned())
                    );
                }
            }
        }
        b.copy_inner()?;
        let mut inexact: Option<String> = None;
        // Cells of every position.
        for id in 0..b.pos.len() {
            let Some(p) = b.pos.get(id) else { continue };
            let missing: Vec<bool> = p
                .tests
                .iter()
                .map(|c| cells::eval_json(c, &Scalar::Missing))
                .collect();
            let (choices, why) = if id == 0 {
                (
                    vec![Choice {
                        value: Scalar::Obj,
                        bits: p
                            .tests
                            .iter()
                            .map(|c| cells::eval_json(c, &Scalar::Obj))
                            .collect(),
                    }],
                    None,
                )
            } else {
                let prefer =
                    cloudtrail && p.path.as_deref().is_some_and(cloudtrail::usually_present);
                let shape = Shape {
                    can_be_missing: true,
                    object: !p.fields.is_empty() || p.any_field.is_some(),
                    array: !p.indexes.is_empty() || p.any_index.is_some(),
                    prefer_present: prefer,
                    keep_missing: matches!(p.edge, Edge::Index(_)),
                };
                let samples = if cloudtrail {
                    p.path
                        .as_deref()
                        .map(cloudtrail::samples)
                        .unwrap_or_default()
                } else {
                    &[]
                };
                cells::json_cells(&p.tests, shape, samples, b.budget)
            };
            if inexact.is_none() {
                inexact = why;
            }
            if let Some(p) = b.pos.get_mut(id) {
                p.prefer_present = id != 0
                    && cloudtrail
                    && p.path.as_deref().is_some_and(cloudtrail::usually_present);
                // A record field with fields of its own (`userIdentity`) is
                // an object in every record; others get a text no test names.
                let container = !p.fields.is_empty() || p.any_field.is_some();
                p.neutral = choices.iter().position(|c| match &c.value {
                    Scalar::Obj => container,
                    Scalar::Str(t) => !container && !p.tests.iter().any(|x| {
                        matches!(&x.test, Test::Eq(cells::Val::Text(l)) | Test::Ne(cells::Val::Text(l)) if l == t)
                    }),
                    _ => false,
                });
                p.choices = choices;
                p.missing = missing;
            }
        }
        // Element types of every group.
        for g in 0..b.groups.len() {
            let Some(group) = b.groups.get(g) else {
                continue;
            };
            if group.inner.len() > 64 {
                return Err("more than 64 conditions behind one wildcard".to_owned());
            }
            let tree = inner_tree(&group.inner)?;
            let types = realize(&tree, 0, true, b.budget, &mut inexact).map_err(|e| e.0)?;
            let types: Vec<(u64, WVal)> = types
                .into_iter()
                .filter_map(|(m, v)| Some((m, v?)))
                .collect();
            let domain = unions(&types, b.budget).map_err(|e| e.0)?;
            if let Some(group) = b.groups.get_mut(g) {
                group.types = types;
                group.domain = domain;
            }
        }
        let Builder {
            pos, groups, atoms, ..
        } = b;
        let mut model = Model {
            pos,
            groups,
            atoms,
            vars: Vec::new(),
            influence: Vec::new(),
            inexact,
            cloudtrail,
        };
        model.order();
        Ok((model, formulas))
    }

    /// Variables parent first (a position, its children, then its groups),
    /// and what each can influence.
    fn order(&mut self) {
        let mut stack = vec![Var::Pos(0)];
        while let Some(v) = stack.pop() {
            self.vars.push(v);
            if let Var::Pos(p) = v
                && let Some(pos) = self.pos.get(p)
            {
                for g in [pos.any_index, pos.any_field].into_iter().flatten() {
                    stack.push(Var::Group(g));
                }
                for (_, c) in pos.indexes.iter().rev() {
                    stack.push(Var::Pos(*c));
                }
                for (_, c) in pos.fields.iter().rev() {
                    stack.push(Var::Pos(*c));
                }
            }
        }
        // Atoms decided at each position, and by each group.
        let mut at_pos: Vec<Vec<usize>> = vec![Vec::new(); self.pos.len()];
        let mut at_group: Vec<Vec<usize>> = vec![Vec::new(); self.groups.len()];
        for (i, a) in self.atoms.iter().enumerate() {
            match *a {
                Atom::Direct(p, _) => {
                    if let Some(v) = at_pos.get_mut(p) {
                        v.push(i);
                    }
                }
                Atom::Exists(g, inner) => {
                    if let Some(v) = at_group.get_mut(g) {
                        v.push(i);
                    }
                    let contrib = self
                        .groups
                        .get(g)
                        .and_then(|gr| gr.contrib.get(inner))
                        .cloned()
                        .unwrap_or_default();
                    for (p, _) in contrib {
                        if let Some(v) = at_pos.get_mut(p) {
                            v.push(i);
                        }
                    }
                }
            }
        }
        // Subtree of each position, including groups below it.
        let influence_of = |model: &Model, roots: &[usize]| -> Vec<usize> {
            let mut out = Vec::new();
            let mut stack: Vec<usize> = roots.to_vec();
            while let Some(p) = stack.pop() {
                out.extend(at_pos.get(p).cloned().unwrap_or_default());
                if let Some(pos) = model.pos.get(p) {
                    for g in [pos.any_field, pos.any_index].into_iter().flatten() {
                        out.extend(at_group.get(g).cloned().unwrap_or_default());
                    }
                    stack.extend(pos.fields.iter().map(|(_, c)| *c));
                    stack.extend(pos.indexes.iter().map(|(_, c)| *c));
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        };
        let mut influence = Vec::new();
        for v in &self.vars {
            influence.push(match *v {
                Var::Group(g) => at_group.get(g).cloned().unwrap_or_default(),
                Var::Pos(p) => {
                    let pos = self.pos.get(p);
                    match pos.map(|x| &x.edge) {
                        // A missing index makes every later one missing, and
                        // changes the room left for unnamed elements.
                        Some(Edge::Index(i)) => {
                            let parent = pos.map_or(usize::MAX, |x| x.parent);
                            let siblings: Vec<usize> = self
                                .pos
                                .get(parent)
                                .map(|pp| {
                                    pp.indexes
                                        .iter()
                                        .filter(|(k, _)| k >= i)
                                        .map(|(_, c)| *c)
                                        .collect()
                                })
                                .unwrap_or_default();
                            let mut out = influence_of(self, &siblings);
                            if let Some(g) = self.pos.get(parent).and_then(|pp| pp.any_index) {
                                out.extend(at_group.get(g).cloned().unwrap_or_default());
                            }
                            out
                        }
                        _ => influence_of(self, &[p]),
                    }
                }
            });
        }
        self.influence = influence;
    }

    fn scalar(&self, p: usize, asg: &Assignment) -> Option<&Scalar> {
        match asg.pos.get(p).copied().flatten() {
            None => None,
            Some(MISSING) => Some(&Scalar::Missing),
            Some(c) => self
                .pos
                .get(p)
                .and_then(|x| x.choices.get(c))
                .map(|ch| &ch.value),
        }
    }

    fn test_value(&self, p: usize, t: usize, asg: &Assignment) -> Tri {
        let Some(pos) = self.pos.get(p) else {
            return Tri::Unknown;
        };
        match asg.pos.get(p).copied().flatten() {
            None => Tri::Unknown,
            Some(MISSING) => Tri::from(pos.missing.get(t).copied().unwrap_or(false)),
            Some(c) => Tri::from(
                pos.choices
                    .get(c)
                    .and_then(|ch| ch.bits.get(t))
                    .copied()
                    .unwrap_or(false),
            ),
        }
    }

    fn atom_values(&self, asg: &Assignment, out: &mut [Tri]) {
        for (i, a) in self.atoms.iter().enumerate() {
            let v = match *a {
                Atom::Direct(p, t) => self.test_value(p, t, asg),
                Atom::Exists(g, inner) => {
                    let Some(group) = self.groups.get(g) else {
                        continue;
                    };
                    let mut unknown = false;
                    let mut holds = false;
                    for &(p, t) in group
                        .contrib
                        .get(inner)
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                    {
                        match self.test_value(p, t, asg) {
                            Tri::True => holds = true,
                            Tri::Unknown => unknown = true,
                            Tri::False => {}
                        }
                    }
                    match asg.group.get(g).copied().flatten() {
                        None => unknown = true,
                        Some(d) => {
                            if group
                                .domain
                                .get(d)
                                .is_some_and(|(m, _)| inner < 64 && m & (1 << inner) != 0)
                            {
                                holds = true;
                            }
                        }
                    }
                    if holds {
                        Tri::True
                    } else if unknown {
                        Tri::Unknown
                    } else {
                        Tri::False
                    }
                }
            };
            if let Some(o) = out.get_mut(i) {
                *o = v;
            }
        }
    }

    /// The choices open to variable `k` given the earlier ones, preferred first.
    fn allowed(&self, k: usize, asg: &Assignment) -> Vec<usize> {
        match self.vars.get(k) {
            Some(Var::Pos(0)) => vec![0],
            Some(&Var::Pos(p)) => {
                let Some(pos) = self.pos.get(p) else {
                    return vec![MISSING];
                };
                let parent = self.scalar(pos.parent, asg);
                let open = match &pos.edge {
                    Edge::Field(_) => parent == Some(&Scalar::Obj),
                    Edge::Index(i) => {
                        parent == Some(&Scalar::Arr)
                            && self.pos.get(pos.parent).is_some_and(|pp| {
                                pp.indexes
                                    .iter()
                                    .filter(|(k, _)| k < i)
                                    .all(|(_, c)| self.scalar(*c, asg) != Some(&Scalar::Missing))
                            })
                    }
                    _ => false,
                };
                if open {
                    (0..pos.choices.len()).collect()
                } else {
                    vec![MISSING]
                }
            }
            Some(&Var::Group(g)) => {
                let Some(group) = self.groups.get(g) else {
                    return vec![0];
                };
                let container = self.scalar(group.at, asg);
                if group.field {
                    if container == Some(&Scalar::Obj) {
                        (0..group.domain.len()).collect()
                    } else {
                        vec![0]
                    }
                } else if container == Some(&Scalar::Arr) {
                    let room = self.room(group.at, asg);
                    (0..group.domain.len())
                        .filter(|&d| {
                            group.domain.get(d).is_some_and(|(_, used)| {
                                room.is_none_or(|r| used.len() as u64 <= r)
                            })
                        })
                        .collect()
                } else {
                    vec![0]
                }
            }
            None => Vec::new(),
        }
    }

    /// How many unnamed elements fit in the array at `p`: below the first
    /// missing named index, beside the named ones present (`None`: any).
    fn room(&self, p: usize, asg: &Assignment) -> Option<u64> {
        let pos = self.pos.get(p)?;
        for (present, (i, c)) in pos.indexes.iter().enumerate() {
            if self.scalar(*c, asg) == Some(&Scalar::Missing) {
                return Some(u64::from(*i).saturating_sub(present as u64));
            }
        }
        None
    }

    fn set(&self, asg: &mut Assignment, k: usize, choice: Option<usize>) {
        match self.vars.get(k) {
            Some(&Var::Pos(p)) => {
                let c = choice.map(|c| {
                    // A choice whose value is "missing" is the missing position.
                    match self.pos.get(p).and_then(|x| x.choices.get(c)) {
                        Some(ch) if ch.value == Scalar::Missing => MISSING,
                        _ => c,
                    }
                });
                if let Some(slot) = asg.pos.get_mut(p) {
                    *slot = c;
                }
            }
            Some(&Var::Group(g)) => {
                if let Some(slot) = asg.group.get_mut(g) {
                    *slot = choice;
                }
            }
            None => {}
        }
    }

    fn relevant(&self, k: usize, q: &F, vals: &[Tri]) -> bool {
        let mut marks = vec![false; self.atoms.len()];
        q.mark_relevant(vals, &mut marks);
        self.influence.get(k).is_some_and(|atoms| {
            atoms
                .iter()
                .any(|&a| marks.get(a).copied().unwrap_or(false))
        })
    }

    /// Whether some event satisfies `q`, with one when it does.
    pub fn solve(&self, q: &F, budget: &mut Budget) -> Answer {
        match self.search(q, budget) {
            Err(e) => Answer::Unknown(e.0),
            Ok(None) => match &self.inexact {
                Some(why) => Answer::Unknown(why.clone()),
                None => Answer::No,
            },
            Ok(Some(asg)) => match self.witness(&asg) {
                Ok(v) => Answer::Yes(v.text()),
                Err(why) => Answer::Unknown(why),
            },
        }
    }

    fn search(&self, q: &F, budget: &mut Budget) -> Result<Option<Assignment>, Exhausted> {
        let n = self.vars.len();
        let mut asg = Assignment {
            pos: vec![None; self.pos.len()],
            group: vec![None; self.groups.len()],
        };
        let mut vals = vec![Tri::Unknown; self.atoms.len()];
        let mut frames: Vec<(Vec<usize>, usize)> = Vec::new();
        loop {
            budget.spend(1, "searching for an event")?;
            self.atom_values(&asg, &mut vals);
            let t = q.eval(&vals);
            let depth = frames.len();
            if t == Tri::True {
                for k in depth..n {
                    let first = self.allowed(k, &asg).first().copied();
                    self.set(&mut asg, k, first);
                }
                self.minimize(q, &mut asg, budget)?;
                return Ok(Some(asg));
            }
            let mut advanced = false;
            if t == Tri::Unknown && depth < n {
                let mut allowed = self.allowed(depth, &asg);
                if allowed.len() > 1 && !self.relevant(depth, q, &vals) {
                    allowed.truncate(1);
                }
                if let Some(&first) = allowed.first() {
                    self.set(&mut asg, depth, Some(first));
                    frames.push((allowed, 0));
                    advanced = true;
                }
            }
            if advanced {
                continue;
            }
            // Backtrack.
            loop {
                let k = frames.len().saturating_sub(1);
                let Some((allowed, at)) = frames.last_mut() else {
                    return Ok(None);
                };
                *at += 1;
                if let Some(&c) = allowed.get(*at) {
                    self.set(&mut asg, k, Some(c));
                    break;
                }
                frames.pop();
                self.set(&mut asg, k, None);
            }
        }
    }

    /// Whether every variable's choice is open to it given the others.
    fn valid(&self, asg: &Assignment) -> bool {
        (0..self.vars.len()).all(|k| {
            let current = match self.vars.get(k) {
                Some(&Var::Pos(p)) => asg.pos.get(p).copied().flatten(),
                Some(&Var::Group(g)) => asg.group.get(g).copied().flatten(),
                None => None,
            };
            let Some(c) = current else { return false };
            let allowed = self.allowed(k, asg);
            allowed.contains(&c)
                || (c == MISSING
                    && allowed.iter().any(|&a| {
                        matches!(self.vars.get(k), Some(&Var::Pos(p))
                            if self.pos.get(p).and_then(|x| x.choices.get(a)).is_some_and(|ch| ch.value == Scalar::Missing))
                    }))
        })
    }

    /// Make a witness smaller while it still satisfies `q`: leave out the
    /// fields that do not matter, and give a field CloudTrail always writes
    /// a value no test names instead of a literal that does not matter.
    fn minimize(&self, q: &F, asg: &mut Assignment, budget: &mut Budget) -> Result<(), Exhausted> {
        let mut vals = vec![Tri::Unknown; self.atoms.len()];
        let mut changed = true;
        while changed {
            changed = false;
            for k in 1..self.vars.len() {
                let Some(&Var::Pos(p)) = self.vars.get(k) else {
                    continue;
                };
                let Some(pos) = self.pos.get(p) else { continue };
                let current = asg.pos.get(p).copied().flatten();
                let Some(current) = current.filter(|&c| c != MISSING) else {
                    continue;
                };
                let missing = |c: usize| asg.pos.get(c).copied().flatten() == Some(MISSING);
                let leaf = pos.fields.iter().all(|(_, c)| missing(*c))
                    && pos.indexes.iter().all(|(_, c)| missing(*c));
                let simpler = if pos.prefer_present {
                    pos.neutral.filter(|&n| n != current && leaf)
                } else if leaf {
                    Some(MISSING)
                } else {
                    None
                };
                let Some(simpler) = simpler else { continue };
                budget.spend(1, "simplifying an event")?;
                if let Some(slot) = asg.pos.get_mut(p) {
                    *slot = Some(simpler);
                }
                self.atom_values(asg, &mut vals);
                if self.valid(asg) && q.eval(&vals) == Tri::True {
                    changed = true;
                } else if let Some(slot) = asg.pos.get_mut(p) {
                    *slot = Some(current);
                }
            }
        }
        Ok(())
    }

    fn value(&self, p: usize, asg: &Assignment) -> Result<Option<WVal>, Trouble> {
        let Some(pos) = self.pos.get(p) else {
            return Ok(None);
        };
        let Some(s) = self.scalar(p, asg) else {
            return Ok(None);
        };
        match s {
            Scalar::Obj => {
                let mut fields: Vec<(String, WVal)> = Vec::new();
                for (name, c) in &pos.fields {
                    if let Some(v) = self.value(*c, asg)? {
                        fields.push((name.clone(), v));
                    }
                }
                if p == 0 && self.cloudtrail {
                    fields.sort_by_key(|(k, _)| cloudtrail::order(k));
                }
                if let Some(g) = pos.any_field {
                    let mut n = 0;
                    for v in self.unnamed(g, asg) {
                        let name = loop {
                            n += 1;
                            let name = format!("field{n}");
                            if !pos.fields.iter().any(|(k, _)| *k == name) {
                                break name;
                            }
                        };
                        fields.push((name, v));
                    }
                }
                Ok(Some(WVal::Obj(fields)))
            }
            Scalar::Arr => {
                let mut named: Vec<(u32, WVal)> = Vec::new();
                for (i, c) in &pos.indexes {
                    if let Some(v) = self.value(*c, asg)? {
                        named.push((*i, v));
                    }
                }
                let unnamed = pos
                    .any_index
                    .map(|g| self.unnamed(g, asg))
                    .unwrap_or_default();
                let top = named.last().map_or(0, |(i, _)| u64::from(*i) + 1);
                let len = top.max(named.len() as u64 + unnamed.len() as u64);
                if len > MAX_WITNESS_ELEMENTS {
                    return Err(format!(
                        "a witness would need an array of {len} elements (more than {MAX_WITNESS_ELEMENTS})"
                    ));
                }
                // Free places take the unnamed elements, then copies of an
                // element already there (which change no condition).
                let filler = unnamed.first().or(named.first().map(|(_, v)| v)).cloned();
                let mut unnamed = unnamed.into_iter();
                let mut named = named.into_iter().peekable();
                let mut out = Vec::new();
                for at in 0..len {
                    match named.peek() {
                        Some((i, _)) if u64::from(*i) == at => {
                            if let Some((_, v)) = named.next() {
                                out.push(v);
                            }
                        }
                        _ => match unnamed.next().or_else(|| filler.clone()) {
                            Some(v) => out.push(v),
                            None => {
                                return Err("internal: nothing to fill an array with".to_owned());
                            }
                        },
                    }
                }
                Ok(Some(WVal::Arr(out)))
            }
            other => Ok(WVal::of(other)),
        }
    }

    fn unnamed(&self, g: usize, asg: &Assignment) -> Vec<WVal> {
        let Some(group) = self.groups.get(g) else {
            return Vec::new();
        };
        let d = asg.group.get(g).copied().flatten().unwrap_or(0);
        group
            .domain
            .get(d)
            .map(|(_, used)| {
                used.iter()
                    .filter_map(|&t| group.types.get(t).map(|(_, v)| v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn witness(&self, asg: &Assignment) -> Result<WVal, Trouble> {
        self.value(0, asg)?
            .ok_or_else(|| "internal: the event has no root".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Matcher;
    use crate::pattern::Normal;

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
