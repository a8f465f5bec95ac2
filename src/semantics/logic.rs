//! Boolean formulas over numbered atoms, evaluated in three-valued
//! (Kleene) logic so that a search can stop as soon as a partial event
//! decides a formula.

use crate::pattern::normal::{NExpr, Node};

/// True, false, or not decided yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    /// Holds whatever the undecided atoms turn out to be.
    True,
    /// Fails whatever the undecided atoms turn out to be.
    False,
    /// Depends on undecided atoms.
    Unknown,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }
}

/// A formula.
#[derive(Clone, Debug, PartialEq)]
pub enum F {
    /// Atom `i`.
    Atom(usize),
    /// Negation.
    Not(Box<F>),
    /// Conjunction (empty: true).
    And(Vec<F>),
    /// Disjunction (empty: false).
    Or(Vec<F>),
}

/// The deepest formula built from a pattern (the parser nests less).
pub const MAX_DEPTH: usize = 80;

impl F {
    /// `a && !b`
    pub fn and_not(a: &F, b: &F) -> F {
        F::And(vec![a.clone(), F::Not(Box::new(b.clone()))])
    }

    /// `!a && b`
    pub fn not_and(a: &F, b: &F) -> F {
        F::And(vec![F::Not(Box::new(a.clone())), b.clone()])
    }

    /// `a && b`
    pub fn both(a: &F, b: &F) -> F {
        F::And(vec![a.clone(), b.clone()])
    }

    /// The formula of a normal-form expression; `leaf` turns each
    /// condition into a formula (an atom, or a negated one). `None` when
    /// `leaf` refuses a condition or the expression is too deep.
    pub fn of_expr<C>(e: &NExpr<C>, leaf: &mut impl FnMut(&C) -> Option<F>) -> Option<F> {
        Self::of_expr_at(e, leaf, 0)
    }

    fn of_expr_at<C>(
        e: &NExpr<C>,
        leaf: &mut impl FnMut(&C) -> Option<F>,
        depth: usize,
    ) -> Option<F> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match e.node() {
            Node::Leaf(c) => leaf(c)?,
            Node::And(xs) => F::And(
                xs.iter()
                    .map(|x| Self::of_expr_at(x, leaf, depth + 1))
                    .collect::<Option<_>>()?,
            ),
            Node::Or(xs) => F::Or(
                xs.iter()
                    .map(|x| Self::of_expr_at(x, leaf, depth + 1))
                    .collect::<Option<_>>()?,
            ),
        })
    }

    /// The value under the atom values `v` (missing atoms are unknown).
    pub fn eval(&self, v: &[Tri]) -> Tri {
        match self {
            F::Atom(i) => v.get(*i).copied().unwrap_or(Tri::Unknown),
            F::Not(x) => match x.eval(v) {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            F::And(xs) => {
                let mut out = Tri::True;
                for x in xs {
                    match x.eval(v) {
                        Tri::False => return Tri::False,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::True => {}
                    }
                }
                out
            }
            F::Or(xs) => {
                let mut out = Tri::False;
                for x in xs {
                    match x.eval(v) {
                        Tri::True => return Tri::True,
                        Tri::Unknown => out = Tri::Unknown,
                        Tri::False => {}
                    }
                }
                out
            }
        }
    }

    /// Mark the undecided atoms that can still change the value: those in
    /// undecided parts of the formula.
    pub fn mark_relevant(&self, v: &[Tri], marks: &mut [bool]) {
        if self.eval(v) != Tri::Unknown {
            return;
        }
        match self {
            F::Atom(i) => {
                if let Some(m) = marks.get_mut(*i) {
                    *m = true;
                }
            }
            F::Not(x) => x.mark_relevant(v, marks),
            F::And(xs) | F::Or(xs) => {
                for x in xs {
                    x.mark_relevant(v, marks);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kleene() {
        let f = F::Or(vec![F::Atom(0), F::And(vec![F::Atom(1), F::Atom(2)])]);
        use Tri::*;
        assert_eq!(f.eval(&[Unknown, False, Unknown]), Unknown);
        assert_eq!(f.eval(&[True, Unknown, Unknown]), True);
        assert_eq!(f.eval(&[False, False, Unknown]), False);
        let mut m = vec![false; 3];
        f.mark_relevant(&[Unknown, False, Unknown], &mut m);
        assert_eq!(m, vec![true, false, false]);
        let mut m = vec![false; 3];
        f.mark_relevant(&[Unknown, True, Unknown], &mut m);
        assert_eq!(m, vec![true, false, true]);
    }
}
