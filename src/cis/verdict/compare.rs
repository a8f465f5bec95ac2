//! Comparing a pattern with one control's canonical forms.

use super::closeness::leaf_difference_floor;
use super::differences::{differences, precedence_note};
use super::forms::{RowForms, Shape};
use super::{Comparison, Difference, MatchMode, Verdict};
use crate::cis::benchmarks::{Benchmark, PatternRow};
use crate::pattern::ast::Ast;
use crate::pattern::parse;
use crate::pattern::print::tokens;

/// Compare `pattern` with `control`'s canonical pattern(s) in `benchmark`.
/// `control` is the benchmark's number (`3.1`, `4.1`) or a Security Hub id
/// (`CloudWatch.2`). `None` when the benchmark has no such control.
pub fn compare(
    pattern: &str,
    benchmark: &Benchmark,
    control: &str,
    mode: MatchMode,
) -> Option<Comparison> {
    let row = benchmark.row(control)?;
    Some(match parse(pattern) {
        Ok(ast) => compare_row(&ast, None, benchmark, row, mode),
        Err(e) => {
            let mut cmp = blank(benchmark, row);
            cmp.canonical = recommended(row).to_owned();
            cmp.error = Some(e);
            cmp
        }
    })
}

/// The form to recommend: a row's first.
fn recommended(row: &PatternRow) -> &'static str {
    row.canonical.first().copied().unwrap_or_default()
}

/// A comparison not yet decided: invalid, failing, no canonical text.
fn blank(benchmark: &Benchmark, row: &PatternRow) -> Comparison {
    Comparison {
        benchmark: benchmark.name,
        control: row.control.to_owned(),
        verdict: Verdict::Invalid,
        passes: false,
        canonical: String::new(),
        differences: Vec::new(),
        note: None,
        error: None,
    }
}

/// The verdict of a parsed pattern against one row. `shape` is the
/// pattern's, when the caller has it already.
pub(super) fn compare_row(
    ast: &Ast,
    shape: Option<&Shape>,
    benchmark: &Benchmark,
    row: &PatternRow,
    mode: MatchMode,
) -> Comparison {
    let forms = RowForms::of(row);
    let mut cmp = blank(benchmark, row);
    let precedence = precedence_note(ast);
    // Equal trees (spans aside) print equal tokens, so the common case of
    // an exact pattern needs neither tokens nor a normal form.
    if let Some((text, _)) = forms.iter().find(|(_, f)| f.ast == *ast) {
        exact(&mut cmp, row, text);
    } else {
        let owned;
        let shape = match shape {
            Some(s) => s,
            None => {
                owned = Shape::new(ast);
                &owned
            }
        };
        judge(&mut cmp, ast, shape, &forms, row);
        if cmp.verdict == Verdict::Different {
            cmp.note = precedence.clone();
        }
    }
    if cmp.verdict != Verdict::Different
        && let Some(n) = precedence
    {
        cmp.note = Some(match cmp.note.take() {
            Some(prev) => format!("{prev}. {n}"),
            None => n,
        });
    }
    cmp.passes = mode.passes(cmp.verdict);
    cmp
}

/// Record an exact match with the form `text`.
fn exact(cmp: &mut Comparison, row: &PatternRow, text: &'static str) {
    let recommended = recommended(row);
    cmp.verdict = Verdict::Exact;
    cmp.canonical = text.to_owned();
    if text != recommended {
        cmp.note = Some(format!(
            "an accepted variant of {}; the form to recommend is: {recommended}",
            row.control
        ));
    }
}

/// The verdict of a pattern whose tree equals no form's.
fn judge(cmp: &mut Comparison, ast: &Ast, shape: &Shape, forms: &RowForms, row: &PatternRow) {
    // Equal tokens imply an equal normal form, so the pattern's tokens are
    // only built when some form has its normal form.
    let mut same_normal = forms.iter().filter(|(_, f)| f.shape.same(shape)).peekable();
    if same_normal.peek().is_some() {
        let p_tokens = tokens(ast);
        let mut first = None;
        for (text, f) in same_normal {
            if f.tokens == p_tokens {
                return exact(cmp, row, text);
            }
            first = first.or(Some(text));
        }
        if let Some(text) = first {
            cmp.verdict = Verdict::Equivalent;
            cmp.canonical = text.to_owned();
            cmp.note = Some(format!(
                "logically the same as the canonical pattern but not token for token \
                 (parentheses, operand order or quotes differ); Security Hub compares \
                 near-literally and may still report CLOUDTRAIL_METRIC_FILTER_NOT_VALID. \
                 Use the canonical text: {text}"
            ));
            return;
        }
    }
    cmp.verdict = Verdict::Different;
    // The closest accepted form: the fewest differences, the first on a tie.
    // Between JSON patterns the leaf keys give a floor on the number of
    // differences, which rules most other forms out without computing them.
    let p_keys = &shape.keys;
    let mut best: Option<(&str, Vec<Difference>)> = None;
    for (k, (text, f)) in forms.iter().enumerate() {
        // Forms that differ only in spelling give the same differences.
        if forms.iter().take(k).any(|(_, g)| g.shape.same(&f.shape)) {
            continue;
        }
        if let Some((_, b)) = &best
            && f.shape.expr().is_some()
            && shape.expr().is_some()
            && leaf_difference_floor(&f.shape.keys, p_keys) >= b.len()
        {
            continue;
        }
        let d = differences(&f.shape, shape);
        if best.as_ref().is_none_or(|(_, b)| d.len() < b.len()) {
            best = Some((text, d));
        }
    }
    let (text, d) = best.unwrap_or((recommended(row), Vec::new()));
    cmp.canonical = text.to_owned();
    cmp.differences = d;
}
