//! Number texts, and the regions numeric literals cut the number line into.

use crate::pattern::ast::is_number_literal;

/// The text of a JSON number whose value is `v`, also a valid number
/// literal (`1e999` stands for infinity: it parses to it).
pub fn number_text(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "1e999" } else { "-1e999" }.to_owned();
    }
    if v == v.trunc() && v.abs() < 1e15 {
        // Exact: |v| < 2^53.
        #[allow(clippy::cast_possible_truncation)]
        return format!("{}", v as i64);
    }
    format!("{v:?}")
}

/// Whether `t` is the text of a JSON number.
pub fn is_json_number(t: &str) -> bool {
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.starts_with(['+', '-']) || !is_number_literal(body) {
        return false;
    }
    // No leading zeros in the integer part.
    let int = body.split(['.', 'e', 'E']).next().unwrap_or_default();
    !(int.len() > 1 && int.starts_with('0'))
}

/// A value strictly between `lo` and `hi` (either may be unbounded), a
/// round one when there is one.
pub(super) fn between(lo: Option<f64>, hi: Option<f64>) -> Option<f64> {
    let inside = |x: f64| lo.is_none_or(|l| x > l) && hi.is_none_or(|h| x < h);
    let mut candidates = Vec::new();
    match (lo, hi) {
        (None, None) => candidates.push(1.0),
        (Some(l), None) => candidates.extend([l.floor() + 1.0, l.next_up(), f64::INFINITY]),
        (None, Some(h)) => candidates.extend([h.ceil() - 1.0, h.next_down(), f64::NEG_INFINITY]),
        (Some(l), Some(h)) => candidates.extend([
            l.floor() + 1.0,
            l / 2.0 + h / 2.0,
            l.next_up(),
            h.next_down(),
        ]),
    }
    candidates
        .into_iter()
        .find(|&x| !x.is_nan() && inside(x))
        .map(|x| if x == 0.0 { 0.0 } else { x })
}

/// The literals' values, sorted, each once.
pub(super) fn sorted(consts: &[f64]) -> Vec<f64> {
    let mut c: Vec<f64> = consts.to_vec();
    c.sort_by(f64::total_cmp);
    c.dedup();
    c
}

/// Every non-empty region the sorted literals `c` cut the number line into
/// (gap `2i` below `c[i]`, point `2i + 1`, gap `2n` above all), with one
/// value each.
pub(super) fn regions(c: &[f64]) -> Vec<(usize, f64)> {
    let mut out = Vec::new();
    let mut prev: Option<f64> = None;
    for (i, &k) in c.iter().enumerate() {
        if let Some(v) = between(prev, Some(k)) {
            out.push((2 * i, v));
        }
        out.push((2 * i + 1, k));
        prev = Some(k);
    }
    if let Some(v) = between(prev, None) {
        out.push((2 * c.len(), v));
    }
    out
}

/// The region (as numbered by [`regions`]) of `x`.
pub(super) fn region_index(c: &[f64], x: f64) -> usize {
    match c.iter().position(|k| *k == x) {
        Some(i) => 2 * i + 1,
        None => 2 * c.iter().filter(|k| **k < x).count(),
    }
}

/// One value of every region the numeric literals cut the number line into.
pub(super) fn region_values(consts: &[f64]) -> Vec<f64> {
    regions(&sorted(consts))
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}
