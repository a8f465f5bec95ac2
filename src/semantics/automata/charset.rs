//! Sets of characters as sorted ranges of scalar values.

const SURROGATES: (u32, u32) = (0xD800, 0xDFFF);
pub(super) const MAX_CHAR: u32 = 0x10_FFFF;

/// A set of characters: sorted, disjoint, non-adjacent inclusive ranges of
/// scalar values (surrogates never included).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CharSet(pub(super) Vec<(u32, u32)>);

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
