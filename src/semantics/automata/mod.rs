//! Small finite automata over characters: the languages of wildcard values,
//! `%regex%` values, substring terms and number syntaxes, and a product
//! exploration that finds which combinations of them a single text can
//! satisfy, each with a shortest witness.
//!
//! Every automaton is a Thompson NFA whose moves are labelled with character
//! sets ([`CharSet`](charset::CharSet)). To explore several at once, the
//! characters are split into classes that no set distinguishes
//! ([`Alphabet`]); each NFA is then determinized over those classes and the
//! product of the DFAs is searched breadth first. Work is bounded by a [`Budget`]; running out is reported,
//! never guessed around.

mod budget;
mod charset;
mod dfa;
mod nfa;
mod product;

pub use budget::{Budget, Exhausted};
pub use nfa::{Nfa, Unsupported};

use dfa::{Alphabet, Dfa};
use product::Product;

/// The most languages one exploration observes at once.
pub const MAX_OBSERVED: usize = 64;

/// Which combinations of the `observed` languages a single text can belong
/// to, among the texts accepted by every `required` automaton and by no
/// `forbidden` one. Each combination (bit `i` set when the text is in
/// `observed[i]`) comes with a shortest text. The search stops early once
/// every combination has been seen.
pub fn explore(
    observed: &[&Nfa],
    required: &[&Nfa],
    forbidden: &[&Nfa],
    budget: &mut Budget,
) -> Result<Vec<(u64, String)>, Exhausted> {
    if observed.len() > MAX_OBSERVED {
        return Err(Exhausted(format!(
            "more than {MAX_OBSERVED} wildcard or regex values on one selector"
        )));
    }
    let all: Vec<&Nfa> = observed
        .iter()
        .chain(required)
        .chain(forbidden)
        .copied()
        .collect();
    let alpha = Alphabet::of(all.iter().flat_map(|n| n.sets.iter()));
    let dfas: Vec<Dfa> = all
        .iter()
        .map(|n| Dfa::build(n, &alpha, budget))
        .collect::<Result<_, _>>()?;
    let product = Product {
        dfas,
        n_obs: observed.len(),
        n_req: required.len(),
    };
    let search = product.search(alpha.reps.len(), budget)?;
    Ok(search
        .found
        .iter()
        .map(|&(bits, at)| (bits, search.witness(at, &alpha)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::charset::CharSet;
    use super::*;

    fn b() -> Budget {
        Budget::new(1_000_000)
    }

    #[test]
    fn charsets() {
        let s = CharSet::from_ranges([(0x61, 0x63), (0x62, 0x65), (0x67, 0x67)]);
        assert_eq!(s.0, vec![(0x61, 0x65), (0x67, 0x67)]);
        assert!(s.contains('e') && !s.contains('f') && s.contains('g'));
        let n = s.negate();
        assert!(n.contains('f') && !n.contains('a') && n.contains('\u{10FFFF}'));
        assert!(
            !CharSet::any()
                .0
                .iter()
                .any(|&(lo, hi)| lo <= 0xD800 && hi >= 0xD800)
        );
    }

    #[test]
    fn globs_terms_and_numbers() {
        let g = Nfa::glob("ab*ba").unwrap();
        assert!(g.accepts("abba") && !g.accepts("aba") && g.accepts("abxxba"));
        let any = Nfa::glob("*").unwrap();
        assert!(any.accepts("") && any.accepts("x\ny"));
        let t = Nfa::contains("ERR").unwrap();
        assert!(t.accepts("an ERROR") && !t.accepts("ER R"));
        let j = Nfa::json_number().unwrap();
        for ok in ["0", "-1", "1.5", "1e3", "-0.0E-7", "123"] {
            assert!(j.accepts(ok), "{ok}");
        }
        for bad in ["", "01", "+1", "1.", ".5", "1e", "-", "0x1"] {
            assert!(!j.accepts(bad), "{bad}");
        }
        let l = Nfa::number_literal().unwrap();
        assert!(l.accepts("+007") && l.accepts("1e-3") && !l.accepts("1.") && !l.accepts(""));
        let f = Nfa::field_value().unwrap();
        assert!(f.accepts("abc") && f.accepts("a b") && f.accepts("") && f.accepts("a\"]"));
        assert!(!f.accepts("\"a b]") && !f.accepts("[\"]"));
    }

    #[test]
    fn regexes_agree_with_the_regex_crate() {
        let cases = [
            ("AUTHORIZED", "UNAUTHORIZED"),
            ("^AUTHORIZED", "UNAUTHORIZED"),
            ("ZED$", "UNAUTHORIZED"),
            ("^$", ""),
            ("^$", "x"),
            ("gra|ey", "hey"),
            ("a{2,3}b", "caab"),
            ("a{,2}b$", "b"),
            (r"^\d+$", "123"),
            (r"^\d+$", "12a"),
            ("^a.c$", "a\nc"),
            ("[^a]", "\n"),
            ("x^y", "x^y"),
        ];
        for (body, text) in cases {
            let ours = Nfa::regex_search(body).unwrap().accepts(text);
            let theirs = crate::matcher::dialect::compile(body)
                .unwrap()
                .is_match(text);
            assert_eq!(ours, theirs, "%{body}% on {text:?}");
        }
    }

    #[test]
    fn exploration_finds_every_combination() {
        let a = Nfa::glob("*UnauthorizedOperation").unwrap();
        let d = Nfa::glob("AccessDenied*").unwrap();
        let found = explore(&[&a, &d], &[], &[], &mut b()).unwrap();
        let mut bits: Vec<u64> = found.iter().map(|(m, _)| *m).collect();
        bits.sort_unstable();
        assert_eq!(bits, vec![0, 1, 2, 3]);
        for (m, w) in &found {
            assert_eq!(a.accepts(w), m & 1 != 0, "{w}");
            assert_eq!(d.accepts(w), m & 2 != 0, "{w}");
        }
        // Shortest: both at once needs both texts.
        let both = found.iter().find(|(m, _)| *m == 3).unwrap();
        assert_eq!(both.1, "AccessDeniedUnauthorizedOperation");
    }

    #[test]
    fn constraints_and_budget() {
        let one = Nfa::glob("1*").unwrap();
        let num = Nfa::json_number().unwrap();
        let found = explore(&[&one], &[&num], &[], &mut b()).unwrap();
        assert_eq!(found.len(), 2);
        for (m, w) in &found {
            assert!(num.accepts(w));
            assert_eq!(one.accepts(w), *m == 1);
        }
        let big = Nfa::regex_search("a.{200}b").unwrap();
        let e = explore(&[&big], &[], &[], &mut Budget::new(50));
        assert!(e.is_err());
    }
}
