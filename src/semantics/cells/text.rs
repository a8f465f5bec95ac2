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
    match explore_langs(langs, required, forbidden, budget) {
        Ok(found) => (prefer_candidates(langs, &candidates, found), None),
        Err(reason) => {
            candidates.extend(other());
            (candidates, Some(reason))
        }
    }
}

/// One text per combination of `langs` the constraints allow, from the automata.
fn explore_langs(
    langs: &[&Compiled],
    required: &[&Nfa],
    forbidden: &[&Nfa],
    budget: &mut Budget,
) -> Result<Vec<(u64, String)>, String> {
    let nfas: Vec<Nfa> = langs
        .iter()
        .map(|c| match c.lang() {
            Some(Val::Regex(r)) => Nfa::regex_search(r),
            Some(Val::Text(t)) => Nfa::glob(t),
            _ => Nfa::glob("*"),
        })
        .collect::<Result<_, automata::Unsupported>>()
        .map_err(|e| e.0)?;
    let refs: Vec<&Nfa> = nfas.iter().collect();
    automata::explore(&refs, required, forbidden, budget).map_err(|e| e.0)
}

/// Each found text, replaced by a candidate that passes the same tests when
/// there is one: samples and literals read better than generated texts.
fn prefer_candidates(
    langs: &[&Compiled],
    candidates: &[String],
    found: Vec<(u64, String)>,
) -> Vec<String> {
    let vector = |s: &str| -> u64 {
        langs.iter().enumerate().fold(0u64, |m, (i, c)| {
            if c.on_text(s) == Some(true) && i < 64 {
                m | (1 << i)
            } else {
                m
            }
        })
    };
    found
        .into_iter()
        .map(|(bits, w)| {
            candidates
                .iter()
                .find(|c| vector(c) == bits)
                .cloned()
                .unwrap_or(w)
        })
        .collect()
}
