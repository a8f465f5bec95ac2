//! Space-delimited patterns.
//!
//! Decided exactly when neither pattern has `...`: the message then has
//! exactly as many fields as the pattern has slots, so two patterns with
//! different slot counts share no event, and with the same count each
//! field is independent of the others. Per field, the tests of both
//! patterns split the field's possible texts into cells
//! ([`cells::field_cells`]); `A && !B` holds on some message when every
//! field has a cell where `A`'s slot holds and one field has a cell where,
//! in addition, `B`'s slot fails.
//!
//! One pattern alone is decided with `...` too (every slot needs a field
//! its conditions accept; `...` can be empty). Comparisons with `...`
//! are left to the witness search of [`super`].

use super::Answer;
use super::automata::Budget;
use super::cells::{self, Compiled, Test};
use super::logic::{F, Tri};
use crate::pattern::normal::{NField, NFieldCond};

/// One slot's condition as a formula over the tests of its field.
#[derive(Clone, Debug)]
enum Slot {
    Ellipsis,
    Any,
    Cond(F),
}

/// A delimited pattern, its conditions numbered per field.
#[derive(Debug)]
pub struct Fields {
    slots: Vec<Slot>,
    /// Per slot, the tests its formula refers to.
    tests: Vec<Vec<Test>>,
}

impl Fields {
    /// The slots of a delimited normal form (`None` if a number does not parse).
    pub fn of(fields: &[NField]) -> Option<Fields> {
        let mut slots = Vec::new();
        let mut tests = Vec::new();
        for f in fields {
            let mut ts: Vec<Test> = Vec::new();
            let slot = match f {
                NField::Ellipsis => Slot::Ellipsis,
                NField::Name(_) => Slot::Any,
                NField::Cond(e) => Slot::Cond(F::of_expr(e, &mut |c: &NFieldCond| {
                    let t = Test::of(&crate::pattern::normal::NTest::Cmp {
                        op: c.op,
                        value: c.value.clone(),
                    })?;
                    let i = match ts.iter().position(|x| *x == t) {
                        Some(i) => i,
                        None => {
                            ts.push(t);
                            ts.len() - 1
                        }
                    };
                    Some(F::Atom(i))
                })?),
            };
            slots.push(slot);
            tests.push(ts);
        }
        Some(Fields { slots, tests })
    }

    /// Whether the pattern has `...`.
    pub fn has_ellipsis(&self) -> bool {
        self.slots.iter().any(|s| matches!(s, Slot::Ellipsis))
    }
}

/// A field text written so that splitting gives it back.
fn render(text: &str) -> Option<String> {
    let bare =
        !text.is_empty() && !text.contains(char::is_whitespace) && !text.starts_with(['"', '[']);
    if bare {
        Some(text.to_owned())
    } else if !text.contains('"') {
        Some(format!("\"{text}\""))
    } else if !text.contains(']') {
        Some(format!("[{text}]"))
    } else {
        None
    }
}

fn message(texts: &[String]) -> Option<String> {
    let parts: Option<Vec<String>> = texts.iter().map(|t| render(t)).collect();
    let m = parts?.join(" ");
    // CloudWatch Logs events are never empty; zero fields is a blank.
    Some(if m.is_empty() { " ".to_owned() } else { m })
}

/// Per field, the realizable (A holds, B holds) pairs with a text each.
type Pairs = Vec<Vec<((bool, bool), String)>>;

fn field_pairs(a: &Fields, b: Option<&Fields>, budget: &mut Budget) -> (Pairs, Option<String>) {
    let mut out = Vec::new();
    let mut inexact = None;
    for i in 0..a.slots.len() {
        let ta = a.tests.get(i).cloned().unwrap_or_default();
        let tb = b.and_then(|b| b.tests.get(i)).cloned().unwrap_or_default();
        let all: Vec<Test> = ta.iter().chain(&tb).cloned().collect();
        let compiled: Vec<Compiled> = all.into_iter().filter_map(Compiled::new).collect();
        let (cells, why) = cells::field_cells(&compiled, budget);
        if inexact.is_none() {
            inexact = why;
        }
        let truth = |slot: Option<&Slot>, bits: &[bool]| -> bool {
            match slot {
                Some(Slot::Cond(f)) => {
                    let v: Vec<Tri> = bits.iter().map(|&x| Tri::from(x)).collect();
                    f.eval(&v) == Tri::True
                }
                Some(_) => true,
                None => false,
            }
        };
        let mut pairs: Vec<((bool, bool), String)> = Vec::new();
        for (text, bits) in cells {
            let (ba, bb) = bits.split_at(ta.len().min(bits.len()));
            let p = (
                truth(a.slots.get(i), ba),
                b.is_some_and(|b| truth(b.slots.get(i), bb)),
            );
            if !pairs.iter().any(|(q, _)| *q == p) {
                pairs.push((p, text));
            }
        }
        out.push(pairs);
    }
    (out, inexact)
}

/// Messages for `A && !B`, `!A && B` and `A && B`, neither pattern having
/// `...`; with `b` `None`, the first is a message `a` matches.
pub fn solve(a: &Fields, b: Option<&Fields>, budget: &mut Budget) -> [Answer; 3] {
    let unknown = |why: &str| Answer::Unknown(why.to_owned());
    if a.has_ellipsis() || b.is_some_and(Fields::has_ellipsis) {
        if b.is_none() {
            return [alone(a, budget), Answer::No, Answer::No];
        }
        let why = "patterns with `...` are compared by example only";
        return [unknown(why), unknown(why), unknown(why)];
    }
    let Some(b) = b else {
        return [alone(a, budget), Answer::No, Answer::No];
    };
    if a.slots.len() != b.slots.len() {
        return [alone(a, budget), alone(b, budget), Answer::No];
    }
    let (pairs, inexact) = field_pairs(a, Some(b), budget);
    let pick = |want: (bool, bool)| -> Answer {
        // Every field must allow (want.0, *) and (*, want.1) at once where
        // both are required; one field must give the "fails" side.
        let ok = |p: (bool, bool)| (!want.0 || p.0) && (!want.1 || p.1);
        let mut texts = Vec::new();
        for field in &pairs {
            match field.iter().find(|(p, _)| ok(*p)) {
                Some((_, t)) => texts.push(t.clone()),
                None => return Answer::No,
            }
        }
        if want.0 && want.1 {
            return message(&texts).map_or(Answer::No, Answer::Yes);
        }
        // One field where the other pattern fails.
        for (i, field) in pairs.iter().enumerate() {
            if let Some((_, t)) = field.iter().find(|(p, _)| *p == want) {
                let mut texts = texts.clone();
                if let Some(slot) = texts.get_mut(i) {
                    *slot = t.clone();
                }
                if let Some(m) = message(&texts) {
                    return Answer::Yes(m);
                }
            }
        }
        Answer::No
    };
    let mut out = [pick((true, false)), pick((false, true)), pick((true, true))];
    if let Some(why) = inexact {
        for f in &mut out {
            if *f == Answer::No {
                *f = Answer::Unknown(why.clone());
            }
        }
    }
    out
}

/// A message `a` matches: a field for every slot but `...`.
fn alone(a: &Fields, budget: &mut Budget) -> Answer {
    let (pairs, inexact) = field_pairs(a, None, budget);
    let mut texts = Vec::new();
    for (slot, field) in a.slots.iter().zip(&pairs) {
        if matches!(slot, Slot::Ellipsis) {
            continue;
        }
        match field.iter().find(|(p, _)| p.0) {
            Some((_, t)) => texts.push(t.clone()),
            None => {
                return match inexact {
                    Some(why) => Answer::Unknown(why),
                    None => Answer::No,
                };
            }
        }
    }
    message(&texts).map_or(Answer::No, Answer::Yes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::Normal;

    fn fields(p: &str) -> Fields {
        match crate::pattern::normalize(p).unwrap() {
            Normal::Delimited(f) => Fields::of(&f).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    fn run(a: &str, b: &str) -> [Answer; 3] {
        let out = solve(&fields(a), Some(&fields(b)), &mut Budget::new(1_000_000));
        crate::semantics::assert_confirmed(a, b, &out);
        out
    }

    #[test]
    fn fixed_arity() {
        let [ab, ba, _] = run(
            "[ip, user, status = 404]",
            "[ip, user, status = 404 || status = 410]",
        );
        assert_eq!(ab, Answer::No);
        assert!(matches!(ba, Answer::Yes(_)));
        // `+404` is the number 404 but does not start with `4`.
        let [ab, ba, both] = run("[ip, status = 404]", "[ip, status = 4*]");
        assert!(
            matches!(ab, Answer::Yes(_))
                && matches!(ba, Answer::Yes(_))
                && matches!(both, Answer::Yes(_))
        );
        let [ab, ba, both] = run("[a, b]", "[a, b, c]");
        assert!(matches!(ab, Answer::Yes(_)) && matches!(ba, Answer::Yes(_)));
        assert_eq!(both, Answer::No);
        let [ab, _, _] = run("[a = x, b]", "[a = x || a = y, b]");
        assert_eq!(ab, Answer::No);
        let [ab, _, _] = run("[a, b > 100]", "[a, b != 5]");
        assert_eq!(ab, Answer::No);
        let [_, ba, _] = run("[a, b > 100]", "[a, b != 5]");
        assert!(matches!(ba, Answer::Yes(_)));
    }

    #[test]
    fn texts_with_spaces_are_quoted() {
        let [ab, _, _] = run(r#"[a = "x y"]"#, "[a = x]");
        assert_eq!(ab, Answer::Yes("\"x y\"".to_owned()));
    }
}
