//! Breadth-first search of the product of several DFAs.

use std::collections::HashMap;

use super::budget::{Budget, Exhausted};
use super::dfa::{Alphabet, Dfa};

/// The product of the observed, required and forbidden DFAs, in that order.
pub(super) struct Product {
    pub(super) dfas: Vec<Dfa>,
    pub(super) n_obs: usize,
    pub(super) n_req: usize,
}

/// The breadth-first search of a [`Product`]: each state's tuple and the
/// (state, class) it was first reached from, and each combination found
/// with the first state that shows it.
pub(super) struct Search {
    states: Vec<Vec<u32>>,
    parent: Vec<(usize, usize)>,
    pub(super) found: Vec<(u64, usize)>,
}

impl Product {
    /// Whether a required text can still be accepted and a forbidden one
    /// still rejected from `tuple`.
    fn alive(&self, tuple: &[u32]) -> bool {
        tuple
            .iter()
            .zip(&self.dfas)
            .enumerate()
            .all(|(i, (&s, d))| {
                if i < self.n_obs {
                    true
                } else if i < self.n_obs + self.n_req {
                    Dfa::flag(&d.can_accept, s)
                } else {
                    Dfa::flag(&d.can_reject, s)
                }
            })
    }

    fn accepted(&self, tuple: &[u32], k: usize) -> bool {
        tuple
            .get(k)
            .zip(self.dfas.get(k))
            .is_some_and(|(&s, d)| Dfa::flag(&d.accept, s))
    }

    /// The combination of observed languages the texts reaching `tuple`
    /// belong to, when they satisfy the required and forbidden automata.
    fn combination(&self, tuple: &[u32]) -> Option<u64> {
        let (n_obs, n_req) = (self.n_obs, self.n_req);
        let ok_req = (n_obs..n_obs + n_req).all(|k| self.accepted(tuple, k));
        let ok_forb = (n_obs + n_req..self.dfas.len()).all(|k| !self.accepted(tuple, k));
        if !(ok_req && ok_forb) {
            return None;
        }
        let mut bits = 0u64;
        for k in 0..n_obs {
            if self.accepted(tuple, k) {
                bits |= 1 << k;
            }
        }
        Some(bits)
    }

    /// Breadth first from the start tuple until every combination is found
    /// or no new state is reachable.
    pub(super) fn search(&self, classes: usize, budget: &mut Budget) -> Result<Search, Exhausted> {
        let possible: u64 = if self.n_obs >= 64 {
            u64::MAX
        } else {
            1u64 << self.n_obs
        };
        let start: Vec<u32> = vec![0; self.dfas.len()];
        let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut search = Search {
            states: Vec::new(),
            parent: Vec::new(),
            found: Vec::new(),
        };
        if self.alive(&start) {
            index.insert(start.clone(), 0);
            search.states.push(start);
            search.parent.push((usize::MAX, 0));
        }
        let mut i = 0;
        while let Some(tuple) = search.states.get(i).cloned() {
            budget.spend(1, "exploring texts")?;
            if let Some(bits) = self.combination(&tuple)
                && !search.found.iter().any(|&(b, _)| b == bits)
            {
                search.found.push((bits, i));
                if search.found.len() as u64 >= possible {
                    break;
                }
            }
            for class in 0..classes {
                let next: Vec<u32> = tuple
                    .iter()
                    .zip(&self.dfas)
                    .map(|(&s, d)| d.next(s, class))
                    .collect();
                if index.contains_key(&next) || !self.alive(&next) {
                    continue;
                }
                index.insert(next.clone(), search.states.len());
                search.states.push(next);
                search.parent.push((i, class));
            }
            i += 1;
        }
        Ok(search)
    }
}

impl Search {
    /// The shortest text reaching state `at`: the class representatives on
    /// the path from the start.
    pub(super) fn witness(&self, at: usize, alpha: &Alphabet) -> String {
        let mut chars = Vec::new();
        let mut cur = at;
        while let Some(&(p, class)) = self.parent.get(cur) {
            if p == usize::MAX {
                break;
            }
            chars.push(alpha.reps.get(class).copied().unwrap_or('x'));
            cur = p;
        }
        chars.reverse();
        chars.into_iter().collect()
    }
}
