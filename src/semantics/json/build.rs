//! Building the model: positions and groups from the selectors, the cells
//! of every position, the element types of every group, and the order in
//! which the search assigns them.

use std::collections::HashMap;
use std::collections::HashSet;

use super::types::element_types;
use super::{Atom, Edge, Group, MAX_POSITIONS, Model, Position, Trouble, Var};
use crate::pattern::ast::StepKind;
use crate::pattern::normal::{NCond, NExpr, NTest};
use crate::semantics::automata::Budget;
use crate::semantics::cells::{self, Choice, Compiled, Scalar, Shape, Test};
use crate::semantics::cloudtrail;
use crate::semantics::logic::F;

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

impl<'b> Builder<'b> {
    fn new(budget: &'b mut Budget) -> Self {
        Builder {
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
        }
    }

    /// The formula of each expression, and whether every selector starts
    /// with a CloudTrail record field.
    fn formulas(&mut self, exprs: &[&NExpr<NCond>]) -> Result<(Vec<F>, bool), Trouble> {
        let mut cloudtrail = true;
        let mut formulas = Vec::new();
        for e in exprs {
            let mut trouble = None;
            let f = F::of_expr(e, &mut |c: &NCond| {
                if !matches!(c.selector.first(), Some(StepKind::Field(n) | StepKind::Key(n)) if cloudtrail::is_record_field(n))
                {
                    cloudtrail = false;
                }
                match self.leaf(c) {
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
        Ok((formulas, cloudtrail))
    }

    /// The cells of position `id` (and the position's missing truth values,
    /// CloudTrail preference and neutral choice); why they are inexact.
    fn position_cells(&mut self, id: usize, cloudtrail: bool) -> Option<String> {
        let p = self.pos.get(id)?;
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
            let prefer = cloudtrail && p.path.as_deref().is_some_and(cloudtrail::usually_present);
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
            cells::json_cells(&p.tests, shape, samples, self.budget)
        };
        if let Some(p) = self.pos.get_mut(id) {
            p.prefer_present =
                id != 0 && cloudtrail && p.path.as_deref().is_some_and(cloudtrail::usually_present);
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
        why
    }

    /// The element types of every group.
    fn group_types(&mut self, inexact: &mut Option<String>) -> Result<(), Trouble> {
        for g in 0..self.groups.len() {
            let Some(group) = self.groups.get(g) else {
                continue;
            };
            let (types, domain) = element_types(&group.inner, self.budget, inexact)?;
            if let Some(group) = self.groups.get_mut(g) {
                group.types = types;
                group.domain = domain;
            }
        }
        Ok(())
    }
}

impl Model {
    /// The model of the JSON expressions `exprs`, and the formula of each.
    pub fn build(exprs: &[&NExpr<NCond>], budget: &mut Budget) -> Result<(Model, Vec<F>), Trouble> {
        let mut b = Builder::new(budget);
        let (formulas, cloudtrail) = b.formulas(exprs)?;
        b.copy_inner()?;
        let mut inexact: Option<String> = None;
        for id in 0..b.pos.len() {
            let why = b.position_cells(id, cloudtrail);
            if inexact.is_none() {
                inexact = why;
            }
        }
        b.group_types(&mut inexact)?;
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
        self.vars = self.var_order();
        let (at_pos, at_group) = self.decided_atoms();
        self.influence = self
            .vars
            .iter()
            .map(|v| self.influence(*v, &at_pos, &at_group))
            .collect();
    }

    /// Variables parent first: a position, its children, then its groups.
    fn var_order(&self) -> Vec<Var> {
        let mut vars = Vec::new();
        let mut stack = vec![Var::Pos(0)];
        while let Some(v) = stack.pop() {
            vars.push(v);
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
        vars
    }

    /// The atoms decided at each position, and by each group.
    fn decided_atoms(&self) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
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
        (at_pos, at_group)
    }

    /// The atoms decided in the subtrees of `roots`, including groups below.
    fn subtree_atoms(
        &self,
        roots: &[usize],
        at_pos: &[Vec<usize>],
        at_group: &[Vec<usize>],
    ) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = roots.to_vec();
        while let Some(p) = stack.pop() {
            out.extend(at_pos.get(p).cloned().unwrap_or_default());
            if let Some(pos) = self.pos.get(p) {
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
    }

    /// The atoms the choice of `v` can change.
    fn influence(&self, v: Var, at_pos: &[Vec<usize>], at_group: &[Vec<usize>]) -> Vec<usize> {
        match v {
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
                        let mut out = self.subtree_atoms(&siblings, at_pos, at_group);
                        if let Some(g) = self.pos.get(parent).and_then(|pp| pp.any_index) {
                            out.extend(at_group.get(g).cloned().unwrap_or_default());
                        }
                        out
                    }
                    _ => self.subtree_atoms(&[p], at_pos, at_group),
                }
            }
        }
    }
}
