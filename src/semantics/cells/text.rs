//! Text values covering every combination of wildcard and regex tests.

use super::eval::{Compiled, Val};
use crate::semantics::automata::{self, Budget, Nfa};

/// Texts that cover every combination of the text tests `langs` (and no
/// other text does better), within the constraints. `direct` checks the
/// constraints on one text. The second value is why the list may be
/// incomplete.
pub(super) fn text_witnesses(
    langs: &[&Compiled],
    required: &[&Nfa],
    forbidden: &[&Nfa],
    direct: &dyn Fn(&str) -> bool,
    samples: &[&str],
    budget: &mut Budget,
) -> (Vec<String>, Option<String>) {
    let literal = |c: &&Compiled| matches!(c.lang(), Some(Val::Text(t)) if !t.contains('*'));
    let literals: Vec<&str> = langs
        .iter()
        .filter_map(|c| match c.lang() {
            Some(Val::Text(t)) if !t.contains('*') => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let other = || -> Option<String> {
        samples
            .iter()
            .map(|s| (*s).to_owned())
            .chain(["x".to_owned()])
            .chain((1..=langs.len() + 1).map(|i| format!("x{i}")))
            .chain((0..=langs.len() + 1).map(|i| i.to_string()))
            .find(|s| direct(s) && !literals.contains(&s.as_str()))
    };
    if langs.iter().all(literal) {
        let mut out: Vec<String> = literals
            .iter()
            .filter(|t| direct(t))
            .map(|t| (*t).to_owned())
            .collect();
        out.extend(other());
        return (out, None);
    }
    // Candidates: samples, the literal texts and each wildcard's shortest instance.
    let mut candidates: Vec<String> = samples.iter().map(|s| (*s).to_owned()).collect();
    for c in langs {
        if let Some(Val::Text(t)) = c.lang() {
            candidates.push(t.replace('*', ""));
        }
    }
    candidates.retain(|s| direct(s));
    let nfas: Result<Vec<Nfa>, automata::Unsupported> = langs
        .iter()
        .map(|c| match c.lang() {
            Some(Val::Regex(r)) => Nfa::regex_search(r),
            Some(Val::Text(t)) => Nfa::glob(t),
            _ => Nfa::glob("*"),
        })
        .collect();
    let explored = nfas.map_err(|e| e.0).and_then(|nfas| {
        let refs: Vec<&Nfa> = nfas.iter().collect();
        automata::explore(&refs, required, forbidden, budget).map_err(|e| e.0)
    });
    match explored {
        Ok(found) => {
            let vector = |s: &str| -> u64 {
                langs.iter().enumerate().fold(0u64, |m, (i, c)| {
                    if c.on_text(s) == Some(true) && i < 64 {
                        m | (1 << i)
                    } else {
                        m
                    }
                })
            };
            let out = found
                .into_iter()
                .map(|(bits, w)| {
                    candidates
                        .iter()
                        .find(|c| vector(c) == bits)
                        .cloned()
                        .unwrap_or(w)
                })
                .collect();
            (out, None)
        }
        Err(reason) => {
            candidates.extend(other());
            (candidates, Some(reason))
        }
    }
}
