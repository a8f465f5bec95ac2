//! Patterns that read the whole message: unstructured terms, a standalone
//! `%regex%` and the empty pattern.
//!
//! Terms alone are decided by reasoning on substrings. A pattern is a
//! disjunction of clauses "contains every `required`, none of the
//! `excluded`" (`?` terms alone are one clause each; the empty pattern is
//! one empty clause). A set of such constraints is satisfiable exactly when
//! no excluded term occurs inside a required one, and then the required
//! terms joined by a character none of the terms contains is a message
//! that satisfies it. So `A && !B` is satisfiable when one clause of `A`,
//! plus a way to break every clause of `B` (leave out one of its required
//! terms, or put in one of its excluded ones), is.
//!
//! With a regex, the languages ("contains t", "the regex is found") go
//! through the automata of [`automata`], which give every combination a
//! message can realize. Both ways are exact; messages are non-empty
//! (CloudWatch Logs refuses empty events).

use super::Answer;
use super::automata::{self, Budget, Nfa};
use crate::pattern::Normal;

/// A pattern over whole messages.
#[derive(Clone, Debug)]
pub enum Msg {
    /// Every message.
    All,
    /// Terms.
    Terms {
        /// Must all occur.
        required: Vec<String>,
        /// Must not occur.
        excluded: Vec<String>,
        /// `?` terms (they count only without the others).
        optional: Vec<String>,
    },
    /// A standalone regex (its body).
    Regex(String),
}

impl Msg {
    /// The message pattern of a normal form, if it is one.
    pub fn of(n: &Normal) -> Option<Msg> {
        match n {
            Normal::MatchAll => Some(Msg::All),
            Normal::Terms(t) => {
                if t.required.is_empty() && t.excluded.is_empty() && t.optional.is_empty() {
                    Some(Msg::All)
                } else {
                    Some(Msg::Terms {
                        required: t.required.clone(),
                        excluded: t.excluded.clone(),
                        optional: t.optional.clone(),
                    })
                }
            }
            Normal::Regex(r) => Some(Msg::Regex(r.clone())),
            _ => None,
        }
    }

    /// The pattern as clauses (required, excluded), or `None` for a regex.
    fn clauses(&self) -> Option<Vec<Clause>> {
        match self {
            Msg::All => Some(vec![Clause::default()]),
            Msg::Terms {
                required,
                excluded,
                optional,
            } => {
                if required.is_empty() && excluded.is_empty() {
                    Some(
                        optional
                            .iter()
                            .map(|o| Clause {
                                required: vec![o.clone()],
                                excluded: Vec::new(),
                            })
                            .collect(),
                    )
                } else {
                    Some(vec![Clause {
                        required: required.clone(),
                        excluded: excluded.clone(),
                    }])
                }
            }
            Msg::Regex(_) => None,
        }
    }

    fn terms(&self) -> Vec<&str> {
        match self {
            Msg::Terms {
                required,
                excluded,
                optional,
            } => required
                .iter()
                .chain(excluded)
                .chain(optional)
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Clause {
    required: Vec<String>,
    excluded: Vec<String>,
}

/// A character no term contains, to join terms with.
fn separator(terms: &[&str]) -> char {
    " |;#~^\u{1}"
        .chars()
        .chain((0x21u32..0x3000).filter_map(char::from_u32))
        .find(|c| !terms.iter().any(|t| t.contains(*c)))
        .unwrap_or('\u{E000}')
}

/// A message with every `required` term and none of the `excluded`, when
/// there is one.
fn message(required: &[&str], excluded: &[&str], sep: char) -> Option<String> {
    if excluded
        .iter()
        .any(|x| x.is_empty() || required.iter().any(|r| r.contains(x)))
    {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for r in required {
        // A term inside another one already there needs no copy of its own.
        if !r.is_empty() && !parts.iter().any(|p| p.contains(r)) {
            parts.retain(|p| !r.contains(p));
            parts.push(r);
        }
    }
    if parts.is_empty() {
        return Some(sep.to_string());
    }
    Some(parts.join(&sep.to_string()))
}

/// Messages for `A && !B`, `!A && B` and `A && B` (in that order; `None`
/// as `b` stands for a pattern that matches nothing, to ask about `a`
/// alone).
pub fn solve(a: &Msg, b: Option<&Msg>, budget: &mut Budget) -> [Answer; 3] {
    let none = Msg::Terms {
        required: Vec::new(),
        excluded: vec![String::new()],
        optional: Vec::new(),
    };
    let b = b.unwrap_or(&none);
    match (a.clauses(), b.clauses()) {
        (Some(ca), Some(cb)) => {
            let mut terms = a.terms();
            terms.extend(b.terms());
            let sep = separator(&terms);
            [
                logical(&ca, &cb, sep, budget),
                logical(&cb, &ca, sep, budget),
                both(&ca, &cb, sep),
            ]
        }
        _ => match automaton(a, b, budget) {
            Ok(found) => found,
            Err(why) => [
                Answer::Unknown(why.clone()),
                Answer::Unknown(why.clone()),
                Answer::Unknown(why),
            ],
        },
    }
}

/// A message one clause of `pos` accepts and every clause of `neg` refuses.
fn logical(pos: &[Clause], neg: &[Clause], sep: char, budget: &mut Budget) -> Answer {
    for c in pos {
        // Break each clause of `neg` one way: a required term left out, or
        // an excluded term put in.
        let mut stack: Vec<(usize, Vec<&str>, Vec<&str>)> = vec![(
            0,
            c.required.iter().map(String::as_str).collect(),
            c.excluded.iter().map(String::as_str).collect(),
        )];
        while let Some((k, req, exc)) = stack.pop() {
            if budget.spend(1, "combining terms").is_err() {
                return Answer::Unknown("the search for a message ran out of steps".to_owned());
            }
            let Some(clause) = neg.get(k) else {
                if let Some(m) = message(&req, &exc, sep) {
                    return Answer::Yes(m);
                }
                continue;
            };
            if message(&req, &exc, sep).is_none() {
                continue;
            }
            for r in &clause.required {
                let mut exc = exc.clone();
                exc.push(r);
                stack.push((k + 1, req.clone(), exc));
            }
            for x in &clause.excluded {
                let mut req = req.clone();
                req.push(x);
                stack.push((k + 1, req, exc.clone()));
            }
        }
    }
    Answer::No
}

fn both(a: &[Clause], b: &[Clause], sep: char) -> Answer {
    for ca in a {
        for cb in b {
            let req: Vec<&str> = ca
                .required
                .iter()
                .chain(&cb.required)
                .map(String::as_str)
                .collect();
            let exc: Vec<&str> = ca
                .excluded
                .iter()
                .chain(&cb.excluded)
                .map(String::as_str)
                .collect();
            if let Some(m) = message(&req, &exc, sep) {
                return Answer::Yes(m);
            }
        }
    }
    Answer::No
}

/// Every combination through automata: one observed language per term and
/// regex.
fn automaton(a: &Msg, b: &Msg, budget: &mut Budget) -> Result<[Answer; 3], String> {
    // Languages: terms and regexes of both patterns, each once.
    let mut keys: Vec<(bool, String)> = Vec::new();
    for m in [a, b] {
        match m {
            Msg::Regex(r) => keys.push((true, r.clone())),
            _ => keys.extend(m.terms().into_iter().map(|t| (false, t.to_owned()))),
        }
    }
    keys.sort();
    keys.dedup();
    let nfas: Vec<Nfa> = keys
        .iter()
        .map(|(re, s)| {
            if *re {
                Nfa::regex_search(s)
            } else {
                Nfa::contains(s)
            }
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.0)?;
    let non_empty = Nfa::non_empty().map_err(|e| e.0)?;
    let refs: Vec<&Nfa> = nfas.iter().collect();
    let found = automata::explore(&refs, &[&non_empty], &[], budget).map_err(|e| e.0)?;
    let bit = |bits: u64, key: (bool, &str)| -> bool {
        keys.iter()
            .position(|(r, s)| *r == key.0 && s == key.1)
            .is_some_and(|i| i < 64 && bits & (1 << i) != 0)
    };
    let holds = |m: &Msg, bits: u64| -> bool {
        match m {
            Msg::All => true,
            Msg::Regex(r) => bit(bits, (true, r)),
            Msg::Terms {
                required,
                excluded,
                optional,
            } => {
                if required.is_empty() && excluded.is_empty() {
                    optional.iter().any(|o| bit(bits, (false, o)))
                } else {
                    required.iter().all(|r| bit(bits, (false, r)))
                        && !excluded.iter().any(|x| bit(bits, (false, x)))
                }
            }
        }
    };
    let mut out = [Answer::No, Answer::No, Answer::No];
    for (bits, w) in found {
        let slot = match (holds(a, bits), holds(b, bits)) {
            (true, false) => out.get_mut(0),
            (false, true) => out.get_mut(1),
            (true, true) => out.get_mut(2),
            (false, false) => None,
        };
        if let Some(s) = slot
            && *s == Answer::No
        {
            *s = Answer::Yes(w);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(p: &str) -> Msg {
        Msg::of(&crate::pattern::normalize(p).unwrap()).unwrap()
    }

    fn run(a: &str, b: &str) -> [Answer; 3] {
        let out = solve(&msg(a), Some(&msg(b)), &mut Budget::new(1_000_000));
        crate::semantics::assert_confirmed(a, b, &out);
        out
    }

    #[test]
    fn term_sets() {
        // ERROR -DEBUG is narrower than ERROR.
        let [ab, ba, both] = run("ERROR -DEBUG", "ERROR");
        assert_eq!(ab, Answer::No);
        assert_eq!(ba, Answer::Yes("ERROR DEBUG".to_owned()));
        assert!(matches!(both, Answer::Yes(_)));
        // A longer required term implies a shorter one inside it.
        assert_eq!(run("ERRORS", "ERROR")[0], Answer::No);
        assert!(matches!(run("ERROR", "ERRORS")[0], Answer::Yes(_)));
        // Excluding a substring of a required term matches nothing.
        assert_eq!(run("ERROR -RR", "")[0], Answer::No);
        assert_eq!(run("ERROR -RR", "")[2], Answer::No);
        // `?` terms alone are a disjunction.
        assert_eq!(run("ERROR", "?ERROR ?WARN")[0], Answer::No);
        assert!(matches!(run("?ERROR ?WARN", "ERROR")[0], Answer::Yes(_)));
        // Excluding a longer term is weaker than excluding a shorter one.
        assert_eq!(run("-DEBUG", "-DEBUGGING")[0], Answer::No);
    }

    #[test]
    fn regexes() {
        let [ab, ba, _] = run("%ERR%", "ERROR");
        assert!(matches!(ab, Answer::Yes(_)));
        assert_eq!(ba, Answer::No);
        let [ab, ba, both] = run("%^a$%", "%^b$%");
        assert!(matches!(ab, Answer::Yes(_)) && matches!(ba, Answer::Yes(_)));
        assert_eq!(both, Answer::No);
        assert_eq!(run("%a^%", "")[0], Answer::No);
    }
}
