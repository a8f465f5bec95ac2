//! Classifying a pattern without a control: which controls it is close to,
//! by shared conditions.

use std::hash::{Hash, Hasher};

use super::compare::compare_row;
use super::forms::{RowForms, Shape};
use super::{CLOSE_SCORE, Candidate, Classification, MatchMode};
use crate::cis::benchmarks::{Benchmark, PatternRow};
use crate::pattern::normal::NCond;
use crate::pattern::{Normal, parse};

/// Classify `pattern` against every control of `benchmark`: the closest
/// control(s) by shared conditions, and the verdict against the best one.
pub fn classify(pattern: &str, benchmark: &Benchmark, mode: MatchMode) -> Classification {
    let Ok(ast) = parse(pattern) else {
        return Classification {
            best: None,
            candidates: Vec::new(),
        };
    };
    let shape = Shape::new(&ast);
    let mut scored: Vec<(f64, &PatternRow)> = benchmark
        .rows
        .iter()
        .map(|r| (row_score(r, &shape), r))
        .filter(|(s, _)| *s >= CLOSE_SCORE)
        .collect();
    // Stable: equal scores keep the benchmark's order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let candidates = scored
        .iter()
        .map(|(s, r)| Candidate {
            control: r.control.to_owned(),
            score: (s * 1000.0).round() / 1000.0,
        })
        .collect();
    let best = scored
        .first()
        .map(|(_, r)| compare_row(&ast, Some(&shape), benchmark, r, mode));
    Classification { best, candidates }
}

/// How close `pattern` is to `control` of `benchmark`, from 0 to 1: the
/// score [`classify`] ranks controls by, so a pattern is close to the
/// control when it reaches [`CLOSE_SCORE`] (scores below it may be reported
/// as 0). A pattern that does not parse scores 0; `None` when the benchmark
/// has no such control.
pub fn closeness(pattern: &str, benchmark: &Benchmark, control: &str) -> Option<f64> {
    let row = benchmark.row(control)?;
    Some(match parse(pattern) {
        Ok(ast) => row_score(row, &Shape::new(&ast)),
        Err(_) => 0.0,
    })
}

/// The best score of a pattern's shape against a row's forms (0 when no
/// form can be close).
fn row_score(row: &PatternRow, shape: &Shape) -> f64 {
    RowForms::of(row)
        .iter()
        .filter(|(_, f)| may_be_close(&f.shape, shape))
        .map(|(_, f)| score(&f.shape, shape))
        .fold(0.0, f64::max)
}

/// Whether [`score`] can reach [`CLOSE_SCORE`]: shared and changed
/// conditions pair one leaf of each side, so the score is at most twice the
/// smaller leaf count over both counts. (Equal normal forms have equal
/// counts, so the bound is then 1.)
fn may_be_close(a: &Shape, b: &Shape) -> bool {
    let (x, y) = (a.keys.len(), b.keys.len());
    x + y == 0 || 2.0 * x.min(y) as f64 >= CLOSE_SCORE * (x + y) as f64
}

/// How close a pattern is to a canonical form, from 0 to 1: shared
/// conditions count fully, conditions that only share a selector a quarter
/// (Dice coefficient over the leaves). Equal normal forms score 1.
fn score(canon: &Shape, p: &Shape) -> f64 {
    if canon.same(p) {
        return 1.0;
    }
    let (a, b) = (canon.keys.as_slice(), p.keys.as_slice());
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    let (shared, same_selector) = pairing(a, b);
    // Cap below 1: only equal normal forms score 1.
    ((2.0 * shared as f64 + 0.5 * same_selector as f64) / total as f64).min(0.999)
}

/// How the leaves of two sorted key lists pair up: `(shared, changed)`,
/// the equal conditions and then, per selector, the rest paired as changed
/// (as [`match_leaves`] pairs them). A hash collision can only make both
/// counts larger than the true ones.
fn pairing(a: &[(u64, u64)], b: &[(u64, u64)]) -> (usize, usize) {
    // Both lists are sorted by selector first: walk them a selector at a
    // time.
    let (mut i, mut j, mut shared, mut changed) = (0, 0, 0usize, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let sel = x.0.min(y.0);
        let (mut na, mut nb, mut s) = (0usize, 0usize, 0usize);
        loop {
            let x = a.get(i).filter(|k| k.0 == sel);
            let y = b.get(j).filter(|k| k.0 == sel);
            let (step_a, step_b) = match (x, y) {
                (Some(x), Some(y)) => match x.1.cmp(&y.1) {
                    std::cmp::Ordering::Equal => {
                        s += 1;
                        (true, true)
                    }
                    std::cmp::Ordering::Less => (true, false),
                    std::cmp::Ordering::Greater => (false, true),
                },
                (Some(_), None) => (true, false),
                (None, Some(_)) => (false, true),
                (None, None) => break,
            };
            na += usize::from(step_a);
            nb += usize::from(step_b);
            i += usize::from(step_a);
            j += usize::from(step_b);
        }
        shared += s;
        changed += (na - s).min(nb - s);
    }
    (shared, changed)
}

/// At least how many differences two JSON patterns have: their missing,
/// extra and changed conditions, counted from the keys alone (structure may
/// add one more; see `differences::structure`).
pub(super) fn leaf_difference_floor(a: &[(u64, u64)], b: &[(u64, u64)]) -> usize {
    let (shared, changed) = pairing(a, b);
    (a.len() + b.len()).saturating_sub(2 * shared + changed)
}

/// The `(selector, condition)` hash keys of a JSON pattern's leaves, in
/// [`NExpr::leaves`](crate::pattern::normal::NExpr::leaves) order.
pub(super) fn leaf_keys(n: &Normal) -> Vec<(u64, u64)> {
    let Normal::Json(e) = n else {
        return Vec::new();
    };
    e.leaves()
        .into_iter()
        .map(|l| (hash(&l.selector), hash(&l.test)))
        .collect()
}

/// A fast, deterministic hash of a value (not for tables of untrusted keys;
/// here it only speeds up comparisons, and scoring).
pub(super) fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = WordHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// Hashes eight bytes per multiplication, then mixes the result
/// (MurmurHash3's finaliser), so nearby inputs give unrelated hashes.
#[derive(Default)]
pub(super) struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            if let Some(head) = w.get_mut(..rest.len()) {
                head.copy_from_slice(rest);
            }
            // The length keeps "a" and "a\0" apart.
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// How the leaves of two expressions pair up, by index into each list.
#[derive(Default)]
pub(super) struct LeafMatch {
    pub(super) exact: Vec<(usize, usize)>,
    pub(super) changed: Vec<(usize, usize)>,
    pub(super) missing: Vec<usize>,
    pub(super) extra: Vec<usize>,
}

/// Pair canonical leaves with pattern leaves: equal conditions first, then
/// the remaining ones with the same selector, most similar first. `ck` and
/// `pk` are the leaves' hash keys ([`leaf_keys`]).
pub(super) fn match_leaves(
    canon: &[&NCond],
    pat: &[&NCond],
    ck: &[(u64, u64)],
    pk: &[(u64, u64)],
) -> LeafMatch {
    let mut m = LeafMatch::default();
    let mut c_used = vec![false; canon.len()];
    let mut p_used = vec![false; pat.len()];
    m.exact = equal_pairs_by_key(canon, pat, ck, pk).unwrap_or_else(|| equal_pairs(canon, pat));
    for &(i, j) in &m.exact {
        set(&mut c_used, i);
        set(&mut p_used, j);
    }
    let mut pairs = Vec::new();
    for (i, c) in canon.iter().enumerate() {
        if is_set(&c_used, i) {
            continue;
        }
        for (j, q) in pat.iter().enumerate() {
            if !is_set(&p_used, j) && q.selector == c.selector {
                pairs.push((similarity(c, q), i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, j) in pairs {
        if !is_set(&c_used, i) && !is_set(&p_used, j) {
            set(&mut c_used, i);
            set(&mut p_used, j);
            m.changed.push((i, j));
        }
    }
    m.changed.sort_unstable();
    m.missing = (0..canon.len()).filter(|&i| !is_set(&c_used, i)).collect();
    m.extra = (0..pat.len()).filter(|&j| !is_set(&p_used, j)).collect();
    m
}

/// The equal conditions of both sides, `(canonical, pattern)` by index,
/// sorted: a merge of both sides in sorted order, where each canonical leaf
/// takes the first unused equal pattern leaf (O(n log n) where a pairwise
/// search is quadratic).
fn equal_pairs(canon: &[&NCond], pat: &[&NCond]) -> Vec<(usize, usize)> {
    let mut ci: Vec<usize> = (0..canon.len()).collect();
    let mut pi: Vec<usize> = (0..pat.len()).collect();
    ci.sort_by(|&a, &b| canon.get(a).cmp(&canon.get(b)).then(a.cmp(&b)));
    pi.sort_by(|&a, &b| pat.get(a).cmp(&pat.get(b)).then(a.cmp(&b)));
    let mut out = Vec::new();
    let (mut x, mut y) = (0, 0);
    while let (Some(&i), Some(&j)) = (ci.get(x), pi.get(y)) {
        match canon.get(i).cmp(&pat.get(j)) {
            std::cmp::Ordering::Equal => {
                out.push((i, j));
                x += 1;
                y += 1;
            }
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
        }
    }
    out.sort_unstable();
    out
}

/// [`equal_pairs`] merging the leaves' hash keys rather than comparing the
/// conditions: within a key, leaves pair up in index order as they do
/// there. `None` when a pair with equal keys is not equal (a collision) or
/// the keys do not cover the leaves: the caller then compares conditions.
fn equal_pairs_by_key(
    canon: &[&NCond],
    pat: &[&NCond],
    ck: &[(u64, u64)],
    pk: &[(u64, u64)],
) -> Option<Vec<(usize, usize)>> {
    if ck.len() != canon.len() || pk.len() != pat.len() {
        return None;
    }
    let sorted = |keys: &[(u64, u64)]| {
        let mut v: Vec<((u64, u64), usize)> = keys.iter().copied().zip(0..).collect();
        v.sort_unstable();
        v
    };
    let (cs, ps) = (sorted(ck), sorted(pk));
    let mut out = Vec::new();
    let (mut x, mut y) = (0, 0);
    while let (Some(&(a, i)), Some(&(b, j))) = (cs.get(x), ps.get(y)) {
        match a.cmp(&b) {
            std::cmp::Ordering::Equal => {
                if canon.get(i) != pat.get(j) {
                    return None;
                }
                out.push((i, j));
                x += 1;
                y += 1;
            }
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
        }
    }
    out.sort_unstable();
    Some(out)
}

fn set(v: &mut [bool], i: usize) {
    if let Some(x) = v.get_mut(i) {
        *x = true;
    }
}

fn is_set(v: &[bool], i: usize) -> bool {
    v.get(i).copied().unwrap_or(false)
}

/// How alike two conditions on the same selector are, from 0 to 1: their
/// printed tests' edit distance relative to the longer one.
fn similarity(a: &NCond, b: &NCond) -> f64 {
    let (x, y) = (a.to_string(), b.to_string());
    let longest = x.chars().count().max(y.chars().count()).max(1);
    1.0 - edit_distance(&x, &y) as f64 / longest as f64
}

/// Levenshtein distance over characters. A common prefix and suffix do not
/// change it, so only what lies between is compared.
fn edit_distance(a: &str, b: &str) -> usize {
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (a.get(prefix..).unwrap_or(a), b.get(prefix..).unwrap_or(b));
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let a = a.get(..a.len() - suffix).unwrap_or(a);
    let b = b.get(..b.len() - suffix).unwrap_or(b);
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::benchmarks::BENCHMARKS;
    use crate::cis::verdict::CLOSE_SCORE;
    use crate::cis::verdict::differences::differences;
    use crate::cis::verdict::forms::{RowForms, Shape};

    #[test]
    fn pairing_by_keys_is_pairing_by_conditions() {
        let shape = |t: &str| Shape::new(&parse(t).unwrap());
        let texts = [
            "{ $.a = 1 || $.a = 2 || $.b = 1 }",
            "{ $.a = 1 || $.a = 2 || $.a = 3 }",
            "{ ($.a = 1 && $.b = 2) || ($.a = 1 && $.c = 3) || $.a = 1 }",
            "{ $.a = 2 || $.b = 1 || $.c NOT EXISTS }",
            "{ $.a = 1 }",
        ];
        for x in &texts {
            for y in &texts {
                let (c, p) = (shape(x), shape(y));
                let (Some(ce), Some(pe)) = (c.expr(), p.expr()) else {
                    panic!()
                };
                let (cl, pl) = (ce.leaves(), pe.leaves());
                assert_eq!(
                    equal_pairs_by_key(&cl, &pl, &c.leaf_keys, &p.leaf_keys),
                    Some(equal_pairs(&cl, &pl)),
                    "{x} / {y}"
                );
                // Keys that all collide: the result is right, or there is none.
                let same = vec![(0, 0); cl.len()];
                let same_p = vec![(0, 0); pl.len()];
                if let Some(pairs) = equal_pairs_by_key(&cl, &pl, &same, &same_p) {
                    assert_eq!(pairs, equal_pairs(&cl, &pl), "{x} / {y}");
                }
                let m = match_leaves(&cl, &pl, &same, &same_p);
                let n = match_leaves(&cl, &pl, &c.leaf_keys, &p.leaf_keys);
                assert_eq!(
                    (m.exact, m.changed, m.missing, m.extra),
                    (n.exact, n.changed, n.missing, n.extra),
                    "{x} / {y}"
                );
            }
        }
    }

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        // A common prefix and suffix are set aside, whatever their overlap.
        assert_eq!(edit_distance("abcXdef", "abcYYdef"), 2);
        assert_eq!(edit_distance("aa", "aaa"), 1);
        assert_eq!(edit_distance("aba", "a"), 2);
        assert_eq!(edit_distance("héllo", "hallo"), 1);
        assert_eq!(edit_distance("DetachGroupPolicy", "DetachGroupPolicies"), 3);
    }

    #[test]
    fn the_bound_never_drops_a_close_form() {
        let shape = |t: &str| Shape::new(&parse(t).unwrap());
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let p = shape(c);
                    for r2 in b.rows {
                        for (_, f) in RowForms::of(r2).iter() {
                            let s = score(&f.shape, &p);
                            assert!(
                                may_be_close(&f.shape, &p) || s < CLOSE_SCORE,
                                "{} {} against {}: {s}",
                                b.name,
                                r.control,
                                r2.control
                            );
                        }
                    }
                }
            }
        }
        // A 2-term pattern cannot be close to a 16-term one.
        let small = shape("{ ($.a = 1) || ($.b = 2) }");
        let big = shape(&format!(
            "{{ {} }}",
            (0..16)
                .map(|i| format!("($.a = {i})"))
                .collect::<Vec<_>>()
                .join(" || ")
        ));
        assert!(!may_be_close(&small, &big));
        assert!(score(&small, &big) < CLOSE_SCORE);
        assert!(may_be_close(
            &Shape::new(&parse("ERROR").unwrap()),
            &Shape::new(&parse("ERROR").unwrap())
        ));
    }

    #[test]
    fn the_difference_floor_never_exceeds_the_differences() {
        let mut pairs = 0;
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let p = Shape::new(&parse(c).unwrap());
                    for r2 in b.rows {
                        for (_, f) in RowForms::of(r2).iter() {
                            if f.shape.same(&p) {
                                continue;
                            }
                            let d = differences(&f.shape, &p);
                            let floor = leaf_difference_floor(&f.shape.keys, &p.keys);
                            assert!(
                                floor <= d.len(),
                                "{} {} vs {}",
                                b.name,
                                r.control,
                                r2.control
                            );
                            // Leaf differences are exactly the floor; structure adds at most one.
                            assert!(
                                d.len() <= floor + 1,
                                "{} {} vs {}: {d:?}",
                                b.name,
                                r.control,
                                r2.control
                            );
                            pairs += 1;
                        }
                    }
                }
            }
        }
        assert!(pairs > 1000);
    }

    #[test]
    fn hashes_tell_short_values_apart() {
        assert_ne!(hash("a"), hash("a\0"));
        assert_ne!(hash(&[1u8, 2][..]), hash(&[2u8, 1][..]));
        assert_ne!(hash("12345678"), hash("123456789"));
        assert_eq!(hash("eventName"), hash("eventName"));
    }
}
