//! Character classes that no set tells apart, and DFAs over them.

use std::collections::HashMap;

use super::budget::{Budget, Exhausted};
use super::charset::{CharSet, MAX_CHAR};
use super::nfa::Nfa;

/// The most DFA states one automaton may determinize into.
pub const MAX_DFA_STATES: usize = 4_096;

/// Classes of characters that no set of the automata involved tells apart,
/// each with one representative character.
#[derive(Clone, Debug)]
pub struct Alphabet {
    pub(super) reps: Vec<char>,
}

/// Characters preferred as representatives, so that witnesses read well.
const NICE: &str = "xyzabcdefghijklmnopqrstuvwXYZABCDEFGHIJKLMNOPQRSTUVW0123456789-_. :/@";

impl Alphabet {
    pub(super) fn of<'a>(sets: impl Iterator<Item = &'a CharSet>) -> Alphabet {
        let mut cuts = vec![0u32, MAX_CHAR + 1];
        for s in sets {
            for &(lo, hi) in &s.0 {
                cuts.push(lo);
                cuts.push(hi + 1);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut reps = Vec::new();
        for w in cuts.windows(2) {
            let [lo, next] = w else { continue };
            let hi = next - 1;
            if let Some(c) = representative(*lo, hi) {
                reps.push(c);
            }
        }
        Alphabet { reps }
    }
}

fn representative(lo: u32, hi: u32) -> Option<char> {
    if let Some(c) = NICE.chars().find(|&c| (lo..=hi).contains(&u32::from(c))) {
        return Some(c);
    }
    // The first printable character, else the first character at all.
    let printable = (lo.max(0x21)..=hi)
        .take(256)
        .filter_map(char::from_u32)
        .find(|c| !c.is_control() && !c.is_whitespace());
    printable.or_else(|| (lo..=hi).take(0x900).find_map(char::from_u32))
}

/// A DFA over an [`Alphabet`]: `trans[state * classes + class]`.
pub(super) struct Dfa {
    pub(super) classes: usize,
    pub(super) trans: Vec<u32>,
    pub(super) accept: Vec<bool>,
    /// Some accepting state is reachable.
    pub(super) can_accept: Vec<bool>,
    /// Some rejecting state is reachable.
    pub(super) can_reject: Vec<bool>,
}

impl Dfa {
    pub(super) fn build(
        nfa: &Nfa,
        alpha: &Alphabet,
        budget: &mut Budget,
    ) -> Result<Dfa, Exhausted> {
        let classes = alpha.reps.len();
        // Which sets contain each class.
        let member: Vec<Vec<bool>> = nfa
            .sets
            .iter()
            .map(|s| alpha.reps.iter().map(|&c| s.contains(c)).collect())
            .collect();
        let mut index: HashMap<(Vec<usize>, bool), u32> = HashMap::new();
        let mut sets: Vec<(Vec<usize>, bool)> = Vec::new();
        let first = (nfa.closure(&[nfa.start], true, false), true);
        index.insert(first.clone(), 0);
        sets.push(first);
        let mut trans = Vec::new();
        let mut accept = Vec::new();
        let mut i = 0;
        while let Some((set, initial)) = sets.get(i).cloned() {
            budget.spend(1, "determinizing an automaton")?;
            accept.push(nfa.accepts_set(&set, initial));
            for class in 0..classes {
                let key = (
                    nfa.closure(&moves(nfa, &member, &set, class), false, false),
                    false,
                );
                trans.push(state_of(key, &mut index, &mut sets)?);
            }
            i += 1;
        }
        let can_accept = backward_reach(&trans, classes, &accept);
        let rejecting: Vec<bool> = accept.iter().map(|a| !a).collect();
        let can_reject = backward_reach(&trans, classes, &rejecting);
        Ok(Dfa {
            classes,
            trans,
            accept,
            can_accept,
            can_reject,
        })
    }

    pub(super) fn next(&self, s: u32, class: usize) -> u32 {
        self.trans
            .get(s as usize * self.classes + class)
            .copied()
            .unwrap_or(0)
    }

    pub(super) fn flag(v: &[bool], s: u32) -> bool {
        v.get(s as usize).copied().unwrap_or(false)
    }
}

/// The NFA states that `set` moves to on character class `class`, before closure.
fn moves(nfa: &Nfa, member: &[Vec<bool>], set: &[usize], class: usize) -> Vec<usize> {
    let mut next = Vec::new();
    for &s in set {
        let Some(st) = nfa.states.get(s) else {
            continue;
        };
        for &(sid, to) in &st.moves {
            if member
                .get(sid)
                .and_then(|m| m.get(class))
                .copied()
                .unwrap_or(false)
            {
                next.push(to);
            }
        }
    }
    next
}

/// The DFA state for a closed NFA state set, numbering it when it is new.
fn state_of(
    key: (Vec<usize>, bool),
    index: &mut HashMap<(Vec<usize>, bool), u32>,
    sets: &mut Vec<(Vec<usize>, bool)>,
) -> Result<u32, Exhausted> {
    if let Some(&id) = index.get(&key) {
        return Ok(id);
    }
    if sets.len() >= MAX_DFA_STATES {
        return Err(Exhausted(format!(
            "an automaton needs more than {MAX_DFA_STATES} states"
        )));
    }
    let id = u32::try_from(sets.len()).unwrap_or(u32::MAX);
    index.insert(key.clone(), id);
    sets.push(key);
    Ok(id)
}

/// The states from which some state where `target` holds is reachable.
fn backward_reach(trans: &[u32], classes: usize, target: &[bool]) -> Vec<bool> {
    let n = target.len();
    let mut rev: Vec<Vec<usize>> = vec![Vec::new(); n];
    for s in 0..n {
        for c in 0..classes {
            if let Some(&t) = trans.get(s * classes + c)
                && let Some(r) = rev.get_mut(t as usize)
            {
                r.push(s);
            }
        }
    }
    let mut ok = target.to_vec();
    let mut stack: Vec<usize> = (0..n)
        .filter(|&s| target.get(s).copied().unwrap_or(false))
        .collect();
    while let Some(t) = stack.pop() {
        for &s in rev.get(t).map(Vec::as_slice).unwrap_or_default() {
            if let Some(v) = ok.get_mut(s)
                && !*v
            {
                *v = true;
                stack.push(s);
            }
        }
    }
    ok
}
