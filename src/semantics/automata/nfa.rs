//! Thompson NFAs for wildcard values, `%regex%` values, substring terms
//! and number syntaxes.

use regex_syntax::hir::{Class, Hir, HirKind, Look, Repetition};

use super::charset::{CharSet, whitespace};

/// The most NFA states one automaton may have (a `{1000}` repetition of a
/// class is a thousand states).
pub const MAX_NFA_STATES: usize = 20_000;

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    /// Unconditional empty moves.
    eps: Vec<usize>,
    /// Empty moves allowed only at the start of the text (`^`).
    bol: Vec<usize>,
    /// Empty moves allowed only at the end of the text (`$`).
    eol: Vec<usize>,
    /// Moves on one character of a set (an index into `Nfa::sets`).
    pub(super) moves: Vec<(usize, usize)>,
    accept: bool,
}

/// A nondeterministic automaton over characters.
#[derive(Clone, Debug)]
pub struct Nfa {
    pub(super) states: Vec<State>,
    pub(super) sets: Vec<CharSet>,
    pub(super) start: usize,
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
            HirKind::Class(class) => self.step(from, class_set(class)?),
            HirKind::Look(look) => self.look(from, *look),
            HirKind::Repetition(rep) => self.repetition(rep, from, depth),
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

    /// A `^` or `$` anchor; other assertions are not modelled.
    fn look(&mut self, from: usize, look: Look) -> Result<usize, Unsupported> {
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

    /// `sub{min,max}`: `min` copies in a row, then a loop or `max - min` optional copies.
    fn repetition(
        &mut self,
        rep: &Repetition,
        from: usize,
        depth: usize,
    ) -> Result<usize, Unsupported> {
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

    pub(super) fn closure(&self, seeds: &[usize], bol: bool, eol: bool) -> Vec<usize> {
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

    pub(super) fn accepts_set(&self, set: &[usize], initial: bool) -> bool {
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

/// The characters of a regex class; byte classes only where they stay within ASCII.
fn class_set(class: &Class) -> Result<CharSet, Unsupported> {
    match class {
        Class::Unicode(cls) => Ok(CharSet::from_ranges(
            cls.ranges()
                .iter()
                .map(|r| (u32::from(r.start()), u32::from(r.end()))),
        )),
        Class::Bytes(cls) => {
            // Only ASCII byte ranges are characters.
            if cls.ranges().iter().any(|r| r.end() > 0x7F) {
                return Err(Unsupported("a byte class in a regex".to_owned()));
            }
            Ok(CharSet::from_ranges(
                cls.ranges()
                    .iter()
                    .map(|r| (u32::from(r.start()), u32::from(r.end()))),
            ))
        }
    }
}
