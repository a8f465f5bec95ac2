//! Small finite automata over characters: the languages of wildcard values,
//! `%regex%` values, substring terms and number syntaxes, and a product
//! exploration that finds which combinations of them a single text can
//! satisfy, each with a shortest witness.
//!
//! Every automaton is a Thompson NFA whose moves are labelled with character
//! sets ([`CharSet`]). To explore several at once, the characters are split
//! into classes that no set distinguishes ([`Alphabet`]); each NFA is then
//! determinized over those classes and the product of the DFAs is searched
//! breadth first. Work is bounded by a [`Budget`]; running out is reported,
//! never guessed around.

use std::collections::HashMap;

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The most NFA states one automaton may have (a `{1000}` repetition of a
/// class is a thousand states).
pub const MAX_NFA_STATES: usize = 20_000;

/// The most DFA states one automaton may determinize into.
pub const MAX_DFA_STATES: usize = 4_096;

/// The most languages one exploration observes at once.
pub const MAX_OBSERVED: usize = 64;

/// Work left for one comparison: every product state explored and every
/// search step costs one unit.
#[derive(Clone, Debug)]
pub struct Budget {
    left: u64,
}

/// The work bound of one comparison was reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exhausted(pub String);

impl Budget {
    /// A budget of `units`.
    pub fn new(units: u64) -> Budget {
        Budget { left: units }
    }

    /// Spend `n` units; an error once the budget is gone.
    pub fn spend(&mut self, n: u64, what: &str) -> Result<(), Exhausted> {
        if self.left < n {
            self.left = 0;
            return Err(Exhausted(what.to_owned()));
        }
        self.left -= n;
        Ok(())
    }
}

const SURROGATES: (u32, u32) = (0xD800, 0xDFFF);
const MAX_CHAR: u32 = 0x10_FFFF;

/// A set of characters: sorted, disjoint, non-adjacent inclusive ranges of
/// scalar values (surrogates never included).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CharSet(Vec<(u32, u32)>);

impl CharSet {
    /// The set of these ranges (any order, overlaps allowed).
    pub fn from_ranges(ranges: impl IntoIterator<Item = (u32, u32)>) -> CharSet {
        let mut v: Vec<(u32, u32)> = Vec::new();
        for (lo, hi) in ranges {
            let (lo, hi) = (lo.min(MAX_CHAR), hi.min(MAX_CHAR));
            if lo > hi {
                continue;
            }
            // Cut the surrogate gap out.
            if hi < SURROGATES.0 || lo > SURROGATES.1 {
                v.push((lo, hi));
            } else {
                if lo < SURROGATES.0 {
                    v.push((lo, SURROGATES.0 - 1));
                }
                if hi > SURROGATES.1 {
                    v.push((SURROGATES.1 + 1, hi));
                }
            }
        }
        v.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(v.len());
        for (lo, hi) in v {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        CharSet(out)
    }

    /// Every character.
    pub fn any() -> CharSet {
        CharSet::from_ranges([(0, MAX_CHAR)])
    }

    /// One character.
    pub fn single(c: char) -> CharSet {
        CharSet(vec![(u32::from(c), u32::from(c))])
    }

    /// The characters listed.
    pub fn of(chars: &str) -> CharSet {
        CharSet::from_ranges(chars.chars().map(|c| (u32::from(c), u32::from(c))))
    }

    /// Every character not in this set.
    pub fn negate(&self) -> CharSet {
        let mut out = Vec::new();
        let mut next = 0u32;
        for &(lo, hi) in &self.0 {
            if lo > next {
                out.push((next, lo - 1));
            }
            next = hi.saturating_add(1);
        }
        if next <= MAX_CHAR {
            out.push((next, MAX_CHAR));
        }
        CharSet::from_ranges(out)
    }

    /// Whether `c` is in the set.
    pub fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

/// The characters `char::is_whitespace` accepts (Unicode White_Space).
pub fn whitespace() -> CharSet {
    CharSet::from_ranges([
        (0x09, 0x0D),
        (0x20, 0x20),
        (0x85, 0x85),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ])
}

#[derive(Clone, Debug, Default)]
struct State {
    /// Unconditional empty moves.
    eps: Vec<usize>,
    /// Empty moves allowed only at the start of the text (`^`).
    bol: Vec<usize>,
    /// Empty moves allowed only at the end of the text (`$`).
    eol: Vec<usize>,
    /// Moves on one character of a set (an index into `Nfa::sets`).
    moves: Vec<(usize, usize)>,
    accept: bool,
}

/// A nondeterministic automaton over characters.
#[derive(Clone, Debug)]
pub struct Nfa {
    states: Vec<State>,
    sets: Vec<CharSet>,
    start: usize,
}

/// An automaton could not be built: too large, or a construct it does not
/// model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

struct Builder {
    states: Vec<State>,
    sets: Vec<CharSet>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            states: Vec::new(),
            sets: Vec::new(),
        }
    }

    fn state(&mut self) -> Result<usize, Unsupported> {
        if self.states.len() >= MAX_NFA_STATES {
            return Err(Unsupported(format!(
                "a regex needs more than {MAX_NFA_STATES} automaton states"
            )));
        }
        self.states.push(State::default());
        Ok(self.states.len() - 1)
    }

    fn at(&mut self, s: usize) -> Result<&mut State, Unsupported> {
        self.states
            .get_mut(s)
            .ok_or_else(|| Unsupported("internal: no such state".to_owned()))
    }

    fn eps(&mut self, from: usize, to: usize) -> Result<(), Unsupported> {
        self.at(from)?.eps.push(to);
        Ok(())
    }

    fn set_id(&mut self, set: CharSet) -> usize {
        match self.sets.iter().position(|s| *s == set) {
            Some(i) => i,
            None => {
                self.sets.push(set);
                self.sets.len() - 1
            }
        }
    }

    fn mv(&mut self, from: usize, set: CharSet, to: usize) -> Result<(), Unsupported> {
        let id = self.set_id(set);
        self.at(from)?.moves.push((id, to));
        Ok(())
    }

    /// A new state reached from `from` on one character of `set`.
    fn step(&mut self, from: usize, set: CharSet) -> Result<usize, Unsupported> {
        let to = self.state()?;
        self.mv(from, set, to)?;
        Ok(to)
    }

    fn text(&mut self, from: usize, text: &str) -> Result<usize, Unsupported> {
        let mut cur = from;
        for c in text.chars() {
            cur = self.step(cur, CharSet::single(c))?;
        }
        Ok(cur)
    }

    fn any_loop(&mut self, s: usize) -> Result<(), Unsupported> {
        self.mv(s, CharSet::any(), s)
    }

    fn finish(mut self, start: usize, accept: usize) -> Result<Nfa, Unsupported> {
        self.at(accept)?.accept = true;
        Ok(Nfa {
            states: self.states,
            sets: self.sets,
            start,
        })
    }

    /// The fragment for `hir`, starting at `from`; returns its end state.
    fn hir(&mut self, hir: &Hir, from: usize, depth: usize) -> Result<usize, Unsupported> {
        if depth > 64 {
            return Err(Unsupported("a regex nests too deeply".to_owned()));
        }
        match hir.kind() {
            HirKind::Empty => Ok(from),
            HirKind::Literal(lit) => {
                let text = std::str::from_utf8(&lit.0)
                    .map_err(|_| Unsupported("a regex literal is not UTF-8".to_owned()))?;
                self.text(from, text)
            }
            HirKind::Class(Class::Unicode(cls)) => {
                let set = CharSet::from_ranges(
                    cls.ranges()
                        .iter()
                        .map(|r| (u32::from(r.start()), u32::from(r.end()))),
                );
                self.step(from, set)
            }
            HirKind::Class(Class::Bytes(cls)) => {
                // Only ASCII byte ranges are characters.
                if cls.ranges().iter().any(|r| r.end() > 0x7F) {
                    return Err(Unsupported("a byte class in a regex".to_owned()));
                }
                let set = CharSet::from_ranges(
                    cls.ranges()
                        .iter()
                        .map(|r| (u32::from(r.start()), u32::from(r.end()))),
                );
                self.step(from, set)
            }
            HirKind::Look(look) => {
                let to = self.state()?;
                match look {
                    Look::Start => self.at(from)?.bol.push(to),
                    Look::End => self.at(from)?.eol.push(to),
                    other => {
                        return Err(Unsupported(format!(
                            "the regex assertion {other:?} is not modelled"
                        )));
                    }
                }
                Ok(to)
            }
            HirKind::Repetition(rep) => {
                let mut cur = from;
                for _ in 0..rep.min {
                    cur = self.hir(&rep.sub, cur, depth + 1)?;
                }
                match rep.max {
                    None => {
                        let head = self.state()?;
                        self.eps(cur, head)?;
                        let end = self.hir(&rep.sub, head, depth + 1)?;
                        self.eps(end, head)?;
                        Ok(head)
                    }
                    Some(max) => {
                        let out = self.state()?;
                        self.eps(cur, out)?;
                        for _ in rep.min..max {
                            cur = self.hir(&rep.sub, cur, depth + 1)?;
                            self.eps(cur, out)?;
                        }
                        Ok(out)
                    }
                }
            }
            HirKind::Capture(cap) => self.hir(&cap.sub, from, depth + 1),
            HirKind::Concat(parts) => {
                let mut cur = from;
                for p in parts {
                    cur = self.hir(p, cur, depth + 1)?;
                }
                Ok(cur)
            }
            HirKind::Alternation(alts) => {
                let out = self.state()?;
                for a in alts {
                    let begin = self.state()?;
                    self.eps(from, begin)?;
                    let end = self.hir(a, begin, depth + 1)?;
                    self.eps(end, out)?;
                }
                Ok(out)
            }
        }
    }
}

impl Nfa {
    /// A wildcard value: `*` is any run of characters, everything else is
    /// literal; the whole text must match.
    pub fn glob(value: &str) -> Result<Nfa, Unsupported> {
        let mut b = Builder::new();
        let start = b.state()?;
        let mut cur = start;
        for c in value.chars() {
            if c == '*' {
                b.any_loop(cur)?;
            } else {
                cur = b.step(cur, CharSet::single(c))?;
            }
        }
        b.finish(start, cur)
    }

    /// Texts that contain `needle` (a term).
    pub fn contains(needle: &str) -> Result<Nfa, Unsupported> {
        let mut b = Builder::new();
        let start = b.state()?;
        b.any_loop(start)?;
        let end = b.text(start, needle)?;
        b.any_loop(end)?;
        b.finish(start, end)
    }

    /// Texts in which a filter-pattern regex (the dialect between `%`) is
    /// found: the translated regex is parsed with `regex-syntax`, exactly as
    /// the matcher's `regex` crate reads it.
    pub fn regex_search(body: &str) -> Result<Nfa, Unsupported> {
        let translated = crate::matcher::dialect::translate(body)
            .map_err(|e| Unsupported(format!("invalid regex: {e}")))?;
        let hir = regex_syntax::parse(&translated)
            .map_err(|e| Unsupported(format!("invalid regex: {e}")))?;
        let mut b = Builder::new();
        let start = b.state()?;
        b.any_loop(start)?;
        let end = b.hir(&hir, start, 0)?;
        let out = b.state()?;
        b.eps(end, out)?;
        b.any_loop(out)?;
        b.finish(start, out)
    }

    /// The texts of JSON numbers (RFC 8259).
    pub fn json_number() -> Result<Nfa, Unsupported> {
        let mut b = Builder::new();
        let start = b.state()?;
        let signed = b.state()?;
        b.eps(start, signed)?;
        b.mv(start, CharSet::single('-'), signed)?;
        // `0`, or digits not starting with `0`.
        let int = b.state()?;
        b.mv(signed, CharSet::single('0'), int)?;
        let lead = b.step(signed, CharSet::of("123456789"))?;
        b.mv(lead, CharSet::of(DIGITS), lead)?;
        b.eps(lead, int)?;
        number_tail(b, start, int)
    }

    /// The texts of number literals in patterns and delimited fields:
    /// `[+-]?digits(.digits)?([eE][+-]?digits)?`.
    pub fn number_literal() -> Result<Nfa, Unsupported> {
        let mut b = Builder::new();
        let start = b.state()?;
        let signed = b.state()?;
        b.eps(start, signed)?;
        b.mv(start, CharSet::of("+-"), signed)?;
        let int = b.step(signed, CharSet::of(DIGITS))?;
        b.mv(int, CharSet::of(DIGITS), int)?;
        number_tail(b, start, int)
    }

    /// Non-empty texts.
    pub fn non_empty() -> Result<Nfa, Unsupported> {
        let mut b = Builder::new();
        let start = b.state()?;
        let end = b.step(start, CharSet::any())?;
        b.any_loop(end)?;
        b.finish(start, end)
    }

    /// The texts a space-delimited field can have: a bare word (no
    /// whitespace, not starting with `"` or `[`), or anything without `"`
    /// (written in quotes), or anything without `]` (written in brackets).
    pub fn field_value() -> Result<Nfa, Unsupported> {
        let ws = whitespace();
        let mut b = Builder::new();
        let start = b.state()?;
        let end = b.state()?;
        // Bare.
        let first = CharSet::from_ranges(ws.0.iter().copied().chain([
            (u32::from('"'), u32::from('"')),
            (u32::from('['), u32::from('[')),
        ]))
        .negate();
        let word = b.step(start, first)?;
        b.mv(word, ws.negate(), word)?;
        b.eps(word, end)?;
        // Quoted or bracketed.
        for close in ['"', ']'] {
            let s = b.state()?;
            b.eps(start, s)?;
            b.mv(s, CharSet::single(close).negate(), s)?;
            b.eps(s, end)?;
        }
        b.finish(start, end)
    }

    fn closure(&self, seeds: &[usize], bol: bool, eol: bool) -> Vec<usize> {
        let mut seen = vec![false; self.states.len()];
        let mut stack: Vec<usize> = seeds.to_vec();
        let mut out = Vec::new();
        while let Some(s) = stack.pop() {
            match seen.get_mut(s) {
                Some(v) if !*v => *v = true,
                _ => continue,
            }
            out.push(s);
            if let Some(st) = self.states.get(s) {
                stack.extend(st.eps.iter().copied());
                if bol {
                    stack.extend(st.bol.iter().copied());
                }
                if eol {
                    stack.extend(st.eol.iter().copied());
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn accepts_set(&self, set: &[usize], initial: bool) -> bool {
        self.closure(set, initial, true)
            .iter()
            .any(|&s| self.states.get(s).is_some_and(|st| st.accept))
    }

    /// Whether the automaton accepts `text` (for tests and checks).
    pub fn accepts(&self, text: &str) -> bool {
        let mut cur = self.closure(&[self.start], true, false);
        let mut initial = true;
        for c in text.chars() {
            let mut next = Vec::new();
            for &s in &cur {
                if let Some(st) = self.states.get(s) {
                    for &(set, to) in &st.moves {
                        if self.sets.get(set).is_some_and(|cs| cs.contains(c)) {
                            next.push(to);
                        }
                    }
                }
            }
            cur = self.closure(&next, false, false);
            initial = false;
        }
        self.accepts_set(&cur, initial)
    }
}

const DIGITS: &str = "0123456789";

/// After the integer part ending at `int`: `(.digits)?([eE][+-]?digits)?`,
/// then accept.
fn number_tail(mut b: Builder, start: usize, int: usize) -> Result<Nfa, Unsupported> {
    let digit = CharSet::of(DIGITS);
    let frac = b.step(int, CharSet::single('.'))?;
    let frac_digits = b.step(frac, digit.clone())?;
    b.mv(frac_digits, digit.clone(), frac_digits)?;
    let mantissa = b.state()?;
    b.eps(int, mantissa)?;
    b.eps(frac_digits, mantissa)?;
    let end = b.state()?;
    b.eps(mantissa, end)?;
    let e = b.step(mantissa, CharSet::of("eE"))?;
    let sign = b.state()?;
    b.eps(e, sign)?;
    b.mv(e, CharSet::of("+-"), sign)?;
    let digits = b.step(sign, digit.clone())?;
    b.mv(digits, digit, digits)?;
    b.eps(digits, end)?;
    b.finish(start, end)
}

/// Classes of characters that no set of the automata involved tells apart,
/// each with one representative character.
#[derive(Clone, Debug)]
pub struct Alphabet {
    reps: Vec<char>,
}

/// Characters preferred as representatives, so that witnesses read well.
const NICE: &str = "xyzabcdefghijklmnopqrstuvwXYZABCDEFGHIJKLMNOPQRSTUVW0123456789-_. :/@";

impl Alphabet {
    fn of<'a>(sets: impl Iterator<Item = &'a CharSet>) -> Alphabet {
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
struct Dfa {
    classes: usize,
    trans: Vec<u32>,
    accept: Vec<bool>,
    /// Some accepting state is reachable.
    can_accept: Vec<bool>,
    /// Some rejecting state is reachable.
    can_reject: Vec<bool>,
}

impl Dfa {
    fn build(nfa: &Nfa, alpha: &Alphabet, budget: &mut Budget) -> Result<Dfa, Exhausted> {
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
                let mut next = Vec::new();
                for &s in &set {
                    if let Some(st) = nfa.states.get(s) {
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
                }
                let key = (nfa.closure(&next, false, false), false);
                let id = match index.get(&key) {
                    Some(&id) => id,
                    None => {
                        if sets.len() >= MAX_DFA_STATES {
                            return Err(Exhausted(format!(
                                "an automaton needs more than {MAX_DFA_STATES} states"
                            )));
                        }
                        let id = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                        index.insert(key.clone(), id);
                        sets.push(key);
                        id
                    }
                };
                trans.push(id);
            }
            i += 1;
        }
        let n = sets.len();
        let reach = |target: &[bool]| -> Vec<bool> {
            // Reverse reachability to states where `target` holds.
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
        };
        let can_accept = reach(&accept);
        let rejecting: Vec<bool> = accept.iter().map(|a| !a).collect();
        let can_reject = reach(&rejecting);
        Ok(Dfa {
            classes,
            trans,
            accept,
            can_accept,
            can_reject,
        })
    }

    fn next(&self, s: u32, class: usize) -> u32 {
        self.trans
            .get(s as usize * self.classes + class)
            .copied()
            .unwrap_or(0)
    }

    fn flag(v: &[bool], s: u32) -> bool {
        v.get(s as usize).copied().unwrap_or(false)
    }
}

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

/// The product of the observed, required and forbidden DFAs, in that order.
struct Product {
    dfas: Vec<Dfa>,
    n_obs: usize,
    n_req: usize,
}

/// The breadth-first search of a [`Product`]: each state's tuple and the
/// (state, class) it was first reached from, and each combination found
/// with the first state that shows it.
struct Search {
    states: Vec<Vec<u32>>,
    parent: Vec<(usize, usize)>,
    found: Vec<(u64, usize)>,
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
    fn search(&self, classes: usize, budget: &mut Budget) -> Result<Search, Exhausted> {
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
    fn witness(&self, at: usize, alpha: &Alphabet) -> String {
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

#[cfg(test)]
mod tests {
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
