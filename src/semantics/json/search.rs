//! The search: assign variables parent first, evaluate the formula in
//! three-valued logic after each step, backtrack, then minimize the event.

use super::{Assignment, Atom, Edge, MISSING, Model, Var};
use crate::semantics::Answer;
use crate::semantics::automata::{Budget, Exhausted};
use crate::semantics::cells::Scalar;
use crate::semantics::logic::{F, Tri};

impl Model {
    pub(super) fn scalar(&self, p: usize, asg: &Assignment) -> Option<&Scalar> {
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
}
