//! Verdicts: how a filter pattern compares with a control's canonical
//! pattern(s) in a benchmark.
//!
//! - [`Verdict::Exact`]: the same tokens as an accepted canonical form,
//!   whitespace outside quotes aside ([`crate::pattern::lexical_eq`]); this
//!   is what Security Hub accepts.
//! - [`Verdict::Equivalent`]: the same [`Normal`] form — parentheses, operand
//!   order or optional quotes differ. Logically identical, but Security Hub's
//!   near-literal comparison may still reject it.
//! - [`Verdict::Different`]: explained term by term ([`Difference`]):
//!   missing and extra conditions, changed values or operators on the same
//!   selector, and structural changes (`&&` where `||` belongs, grouping).
//! - [`Verdict::Invalid`]: the pattern does not parse.
//!
//! Without a control, [`classify`] finds the closest control(s) by shared
//! conditions and gives the verdict against the best one.
//!
//! Conditions in differences are printed in normal form (`$.eventName =
//! "CreateTrail"`: text values always quoted, operands in sorted order), so
//! the same condition always reads the same whatever its spelling.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::str::FromStr;
use std::sync::OnceLock;

use serde::Serialize;
use serde::ser::SerializeStruct;

use super::benchmarks::{BENCHMARKS, Benchmark, PatternRow};
use crate::pattern::ast::{Ast, Expr};
use crate::pattern::normal::{NCond, NExpr, Node};
use crate::pattern::print::{Token, tokens};
use crate::pattern::{Normal, ParseError, parse};

/// Which verdicts pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Only [`Verdict::Exact`] passes (Security Hub parity).
    Strict,
    /// [`Verdict::Exact`] and [`Verdict::Equivalent`] pass (the default).
    #[default]
    Normalized,
}

impl MatchMode {
    /// `strict` or `normalized`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Strict => "strict",
            MatchMode::Normalized => "normalized",
        }
    }

    /// Whether a verdict passes in this mode.
    pub fn passes(self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Exact => true,
            Verdict::Equivalent => self == MatchMode::Normalized,
            Verdict::Different | Verdict::Invalid => false,
        }
    }
}

impl fmt::Display for MatchMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MatchMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(MatchMode::Strict),
            "normalized" | "normalised" => Ok(MatchMode::Normalized),
            _ => Err(format!(
                "unknown match mode `{s}`: expected `strict` or `normalized`"
            )),
        }
    }
}

/// How a pattern compares with a canonical pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Same tokens as an accepted canonical form, whitespace aside.
    Exact,
    /// Same normal form: logically identical, spelled differently.
    Equivalent,
    /// Something else; see the differences.
    Different,
    /// The pattern does not parse.
    Invalid,
}

impl Verdict {
    /// `exact`, `equivalent`, `different` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Exact => "exact",
            Verdict::Equivalent => "equivalent",
            Verdict::Different => "different",
            Verdict::Invalid => "invalid",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A canonical condition the pattern lacks.
    Missing,
    /// A condition the canonical pattern does not have.
    Extra,
    /// The same selector with another value or operator.
    Changed,
    /// The same conditions combined differently: `&&` for `||`, grouping,
    /// or another kind of pattern altogether.
    Structure,
}

impl Change {
    /// `missing`, `extra`, `changed` or `structure`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Missing => "missing",
            Change::Extra => "extra",
            Change::Changed => "changed",
            Change::Structure => "structure",
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One term-level difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What kind of difference.
    pub change: Change,
    /// The condition (missing, extra), the selector (changed) or what is
    /// structurally wrong (structure).
    pub term: String,
    /// What the canonical pattern has; `None` for extra terms.
    pub expected: Option<String>,
    /// What the pattern has; `None` for missing terms.
    pub found: Option<String>,
}

/// The result of comparing one pattern with one control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The benchmark's name.
    pub benchmark: &'static str,
    /// The control, in the benchmark's numbering.
    pub control: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether the verdict passes in the requested [`MatchMode`].
    pub passes: bool,
    /// The canonical form compared with: the one matched, or the closest.
    pub canonical: String,
    /// Term-level differences (empty unless `different`).
    pub differences: Vec<Difference>,
    /// Advice: why an equivalent pattern may still fail Security Hub, an
    /// accepted variant, an `&&`/`||` precedence trap.
    pub note: Option<String>,
    /// The parse error when `invalid`.
    pub error: Option<ParseError>,
}

/// A parse error as it appears in JSON output.
#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    start: usize,
    end: usize,
}

impl<'a> From<&'a ParseError> for ErrorJson<'a> {
    fn from(e: &'a ParseError) -> Self {
        ErrorJson {
            kind: e.kind().code(),
            message: e.message(),
            help: e.help(),
            start: e.span().start,
            end: e.span().end,
        }
    }
}

impl Serialize for Comparison {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Comparison", 8)?;
        st.serialize_field("benchmark", self.benchmark)?;
        st.serialize_field("control", &self.control)?;
        st.serialize_field("verdict", &self.verdict)?;
        st.serialize_field("passes", &self.passes)?;
        st.serialize_field("canonical", &self.canonical)?;
        st.serialize_field("differences", &self.differences)?;
        st.serialize_field("note", &self.note)?;
        st.serialize_field("error", &self.error.as_ref().map(ErrorJson::from))?;
        st.end()
    }
}

/// A control the pattern resembles, with how closely (0 to 1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// The control, in the benchmark's numbering.
    pub control: String,
    /// Shared conditions, weighted: 1 when the normal forms are equal.
    pub score: f64,
}

/// The closest control(s) to a pattern.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    /// The verdict against the closest control; `None` when no control is
    /// close or the pattern does not parse.
    pub best: Option<Comparison>,
    /// Every close control, best first (ties in benchmark order).
    pub candidates: Vec<Candidate>,
}

/// The lowest score that counts as close. A condition that merely shares a
/// selector scores a quarter of a shared condition, so a pattern needs at
/// least one condition in common with a control to reach it.
pub const CLOSE_SCORE: f64 = 0.3;

// ---------------------------------------------------------------------------
// Canonical forms, parsed once.

/// What comparing needs of a parsed pattern besides its syntax tree.
struct Shape {
    normal: Normal,
    /// A hash of `normal`, compared before the trees themselves: of its
    /// sorted leaf keys for a JSON pattern (equal normal forms have equal
    /// leaves; the tree decides the rare rest), of the whole form otherwise.
    normal_hash: u64,
    /// Hash keys of the JSON leaves, `(selector, condition)`, sorted (empty
    /// for other kinds): scoring merges these instead of comparing
    /// conditions, which share long selectors and values.
    keys: Vec<(u64, u64)>,
    /// The same keys in [`NExpr::leaves`] order, for pairing leaves.
    leaf_keys: Vec<(u64, u64)>,
}

impl Shape {
    /// The shape of `ast`.
    fn new(ast: &Ast) -> Shape {
        let normal = Normal::from_ast(ast);
        let leaf_keys = leaf_keys(&normal);
        let mut keys = leaf_keys.clone();
        keys.sort_unstable();
        Shape {
            normal_hash: if leaf_keys.is_empty() {
                hash(&normal)
            } else {
                hash(&keys)
            },
            keys,
            leaf_keys,
            normal,
        }
    }

    /// Equal normal forms, deciding most unequal pairs by their hashes.
    fn same(&self, other: &Shape) -> bool {
        self.normal_hash == other.normal_hash && self.normal == other.normal
    }

    fn expr(&self) -> Option<&NExpr<NCond>> {
        match &self.normal {
            Normal::Json(e) => Some(e),
            _ => None,
        }
    }
}

/// A canonical form: its syntax tree, its tokens and its shape.
struct Form {
    ast: Ast,
    tokens: Vec<Token>,
    shape: Shape,
}

impl Form {
    fn new(text: &str) -> Result<Form, ParseError> {
        let ast = parse(text)?;
        Ok(Form {
            tokens: tokens(&ast),
            shape: Shape::new(&ast),
            ast,
        })
    }
}

/// Hash maps keyed by addresses: hashing a key costs one multiplication.
type AddressMap<V> = HashMap<(usize, usize), V, BuildHasherDefault<WordHasher>>;

/// The address and length of a static string or slice: the cache key of a
/// built-in canonical string or row. Hashing it is constant time, where
/// hashing the text would cost as much as the comparison.
fn address<T>(s: &'static [T]) -> (usize, usize) {
    (s.as_ptr() as usize, s.len())
}

/// Every canonical string of the built-in benchmarks, parsed once.
fn cached_forms() -> &'static AddressMap<Form> {
    static FORMS: OnceLock<AddressMap<Form>> = OnceLock::new();
    FORMS.get_or_init(|| {
        let mut m = AddressMap::default();
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    if let std::collections::hash_map::Entry::Vacant(v) =
                        m.entry(address(c.as_bytes()))
                        && let Ok(f) = Form::new(c)
                    {
                        v.insert(f);
                    }
                }
            }
        }
        m
    })
}

/// The parsed forms of every built-in row, keyed by its `canonical` slice.
fn cached_rows() -> &'static AddressMap<Vec<(&'static str, &'static Form)>> {
    static ROWS: OnceLock<AddressMap<Vec<(&'static str, &'static Form)>>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let forms = cached_forms();
        let mut m = AddressMap::default();
        for b in BENCHMARKS {
            for r in b.rows {
                let parsed = r
                    .canonical
                    .iter()
                    .filter_map(|c| forms.get(&address(c.as_bytes())).map(|f| (*c, f)))
                    .collect();
                m.insert(address(r.canonical), parsed);
            }
        }
        m
    })
}

/// The forms of a row that parse, in order: cached for the built-in
/// benchmarks, parsed now for others.
enum RowForms {
    Cached(&'static [(&'static str, &'static Form)]),
    Parsed(Vec<(&'static str, Form)>),
}

impl RowForms {
    fn of(row: &PatternRow) -> RowForms {
        match cached_rows().get(&address(row.canonical)) {
            Some(v) => RowForms::Cached(v),
            None => RowForms::Parsed(
                row.canonical
                    .iter()
                    .filter_map(|c| Form::new(c).ok().map(|f| (*c, f)))
                    .collect(),
            ),
        }
    }

    fn iter(&self) -> FormIter<'_> {
        match self {
            RowForms::Cached(v) => FormIter::Cached(v.iter()),
            RowForms::Parsed(v) => FormIter::Parsed(v.iter()),
        }
    }
}

enum FormIter<'a> {
    Cached(std::slice::Iter<'a, (&'static str, &'static Form)>),
    Parsed(std::slice::Iter<'a, (&'static str, Form)>),
}

impl<'a> Iterator for FormIter<'a> {
    type Item = (&'static str, &'a Form);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            FormIter::Cached(i) => i.next().map(|(t, f)| (*t, *f)),
            FormIter::Parsed(i) => i.next().map(|(t, f)| (*t, f)),
        }
    }
}

// ---------------------------------------------------------------------------
// Comparing.

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
fn compare_row(
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

/// The term-level differences of pattern `found` from pattern `expected`:
/// the conditions `found` lacks (`missing`), adds (`extra`) or changes, as
/// against a canonical pattern. Empty when the normal forms are equal, and
/// when `expected` is not a JSON pattern (only JSON patterns have terms).
pub fn term_diff(expected: &Ast, found: &Ast) -> Vec<Difference> {
    let (e, f) = (Shape::new(expected), Shape::new(found));
    if e.same(&f) {
        return Vec::new();
    }
    differences(&e, &f)
}

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
/// add one more; see [`structure`]).
fn leaf_difference_floor(a: &[(u64, u64)], b: &[(u64, u64)]) -> usize {
    let (shared, changed) = pairing(a, b);
    (a.len() + b.len()).saturating_sub(2 * shared + changed)
}

/// The `(selector, condition)` hash keys of a JSON pattern's leaves, in
/// [`NExpr::leaves`] order.
fn leaf_keys(n: &Normal) -> Vec<(u64, u64)> {
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
fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = WordHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// Hashes eight bytes per multiplication, then mixes the result
/// (MurmurHash3's finaliser), so nearby inputs give unrelated hashes.
#[derive(Default)]
struct WordHasher(u64);

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
struct LeafMatch {
    exact: Vec<(usize, usize)>,
    changed: Vec<(usize, usize)>,
    missing: Vec<usize>,
    extra: Vec<usize>,
}

/// Pair canonical leaves with pattern leaves: equal conditions first, then
/// the remaining ones with the same selector, most similar first. `ck` and
/// `pk` are the leaves' hash keys ([`leaf_keys`]).
fn match_leaves(
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

/// The term-level differences between a canonical form and a pattern whose
/// normal forms differ.
fn differences(canon: &Shape, p: &Shape) -> Vec<Difference> {
    let c = match canon.expr() {
        Some(c) => c,
        None => return Vec::new(),
    };
    let Some(q) = p.expr() else {
        return vec![Difference {
            change: Change::Structure,
            term: "pattern type".to_owned(),
            expected: Some("a JSON pattern `{ … }`".to_owned()),
            found: Some(kind_description(&p.normal).to_owned()),
        }];
    };
    let (cl, ql) = (c.leaves(), q.leaves());
    let m = match_leaves(&cl, &ql, &canon.leaf_keys, &p.leaf_keys);
    let mut out = Vec::new();
    for &i in &m.missing {
        if let Some(l) = cl.get(i) {
            let t = l.to_string();
            out.push(Difference {
                change: Change::Missing,
                term: t.clone(),
                expected: Some(t),
                found: None,
            });
        }
    }
    for &j in &m.extra {
        if let Some(l) = ql.get(j) {
            let t = l.to_string();
            out.push(Difference {
                change: Change::Extra,
                term: t.clone(),
                expected: None,
                found: Some(t),
            });
        }
    }
    for &(i, j) in &m.changed {
        if let (Some(a), Some(b)) = (cl.get(i), ql.get(j)) {
            let mut sel = String::new();
            // Writing to a String cannot fail.
            let _ = crate::pattern::normal::write_selector(&mut sel, &a.selector);
            out.push(Difference {
                change: Change::Changed,
                term: sel,
                expected: Some(a.to_string()),
                found: Some(b.to_string()),
            });
        }
    }
    // Structure: bring both sides to the same conditions (drop what is
    // missing or extra, undo what changed) and compare what is left. Two
    // chains of leaves under the same operator (or a single leaf) then hold
    // the same leaves, so only other shapes need the comparison.
    if only_leaves(c)
        && only_leaves(q)
        && (op_of(c) == op_of(q) || op_of(c).zip(op_of(q)).is_none())
    {
        return out;
    }
    let mut replacement: HashMap<usize, &NCond> = HashMap::new();
    for &(i, j) in &m.changed {
        if let Some(a) = cl.get(i) {
            replacement.insert(j, a);
        }
    }
    let mut k = 0;
    let c_proj = project(c, &mut k, &mut |i, l| {
        (!m.missing.contains(&i)).then_some(l)
    });
    let mut k = 0;
    let q_proj = project(q, &mut k, &mut |j, l| {
        if m.extra.contains(&j) {
            None
        } else {
            Some(replacement.get(&j).copied().unwrap_or(l))
        }
    });
    if let (Some(cp), Some(qp)) = (c_proj, q_proj) {
        structure(&cp, &qp, &mut out);
    }
    out
}

fn kind_description(n: &Normal) -> &'static str {
    match n {
        Normal::MatchAll => "the empty pattern (matches every event)",
        Normal::Json(_) => "a JSON pattern",
        Normal::Delimited(_) => "a space-delimited pattern `[ … ]`",
        Normal::Terms(_) => "unstructured terms",
        Normal::Regex(_) => "a regular expression `%…%`",
    }
}

/// `e` with each leaf (numbered in [`NExpr::leaves`] order) replaced by
/// `f(index, leaf)`, or dropped when it returns `None`; re-normalised.
fn project<'a>(
    e: &'a NExpr<NCond>,
    next: &mut usize,
    f: &mut dyn FnMut(usize, &'a NCond) -> Option<&'a NCond>,
) -> Option<NExpr<&'a NCond>> {
    match e.node() {
        Node::Leaf(l) => {
            let i = *next;
            *next += 1;
            f(i, l).map(NExpr::leaf)
        }
        Node::And(ops) | Node::Or(ops) => {
            let kept: Vec<_> = ops.iter().filter_map(|o| project(o, next, f)).collect();
            if kept.is_empty() {
                None
            } else if matches!(e.node(), Node::And(_)) {
                Some(NExpr::and(kept))
            } else {
                Some(NExpr::or(kept))
            }
        }
    }
}

/// Structural differences between two expressions over the same conditions.
fn structure<C: Ord + Clone + fmt::Display>(c: &NExpr<C>, p: &NExpr<C>, out: &mut Vec<Difference>) {
    if c == p {
        return;
    }
    match (c.node(), p.node()) {
        (Node::And(cs), Node::And(ps)) | (Node::Or(cs), Node::Or(ps)) => {
            let c_rest: Vec<_> = cs.iter().filter(|x| !ps.contains(x)).collect();
            let p_rest: Vec<_> = ps.iter().filter(|x| !cs.contains(x)).collect();
            if let ([a], [b]) = (c_rest.as_slice(), p_rest.as_slice()) {
                // One operand differs: look inside it.
                return structure(a, b, out);
            }
            out.push(Difference {
                change: Change::Structure,
                term: regrouping_term(c, &c_rest, &p_rest),
                expected: Some(show(c, true)),
                found: Some(show(p, true)),
            });
        }
        _ => out.push(Difference {
            change: Change::Structure,
            term: operator_term(c, p),
            expected: Some(show(c, true)),
            found: Some(show(p, true)),
        }),
    }
}

fn op_of<C>(e: &NExpr<C>) -> Option<&'static str> {
    match e.node() {
        Node::And(_) => Some("&&"),
        Node::Or(_) => Some("||"),
        Node::Leaf(_) => None,
    }
}

fn only_leaves<C>(e: &NExpr<C>) -> bool {
    match e.node() {
        Node::And(ops) | Node::Or(ops) => ops.iter().all(|o| matches!(o.node(), Node::Leaf(_))),
        Node::Leaf(_) => true,
    }
}

/// The same tree with every `&&` and `||` exchanged.
fn swapped<C: Ord + Clone>(e: &NExpr<C>) -> NExpr<C> {
    match e.node() {
        Node::Leaf(l) => NExpr::leaf(l.clone()),
        Node::And(ops) => NExpr::or(ops.iter().map(swapped).collect()),
        Node::Or(ops) => NExpr::and(ops.iter().map(swapped).collect()),
    }
}

/// Describe two expressions with different operators at the top.
fn operator_term<C: Ord + Clone>(c: &NExpr<C>, p: &NExpr<C>) -> String {
    match (op_of(c), op_of(p)) {
        (Some(want), Some(got)) if only_leaves(c) && only_leaves(p) => {
            format!("`{got}` where `{want}` belongs")
        }
        (Some(_), Some(_)) if swapped(c) == *p => "`&&` and `||` swapped".to_owned(),
        _ => "grouping".to_owned(),
    }
}

/// Describe a chain whose operands are grouped differently: a sub-group of
/// the other operator spread into the parent (`a && b && c` for
/// `a && (b || c)`), or the reverse; otherwise "grouping".
fn regrouping_term<C>(parent: &NExpr<C>, c_rest: &[&NExpr<C>], p_rest: &[&NExpr<C>]) -> String {
    let parent_op = op_of(parent).unwrap_or("&&");
    let all_leaves = |v: &[&NExpr<C>]| v.iter().all(|e| matches!(e.node(), Node::Leaf(_)));
    match (c_rest, p_rest) {
        ([group], rest) if all_leaves(rest) && only_leaves(group) => {
            let inner = op_of(group).unwrap_or("||");
            format!("`{parent_op}` where `{inner}` belongs")
        }
        (rest, [group]) if all_leaves(rest) && only_leaves(group) => {
            let inner = op_of(group).unwrap_or("||");
            format!("`{inner}` where `{parent_op}` belongs")
        }
        _ => "grouping".to_owned(),
    }
}

/// Print an expression with every nested group in parentheses, so that the
/// grouping never depends on `&&` binding tighter than `||`.
fn show<C: fmt::Display>(e: &NExpr<C>, top: bool) -> String {
    match e.node() {
        Node::Leaf(l) => l.to_string(),
        Node::And(ops) | Node::Or(ops) => {
            let sep = if matches!(e.node(), Node::And(_)) {
                " && "
            } else {
                " || "
            };
            let inner = ops
                .iter()
                .map(|o| show(o, false))
                .collect::<Vec<_>>()
                .join(sep);
            if top { inner } else { format!("({inner})") }
        }
    }
}

/// A note when the pattern mixes `&&` and `||` without parentheses, where
/// `&&` binding tighter decides the meaning.
fn precedence_note(ast: &Ast) -> Option<String> {
    let Ast::Json(j) = ast else { return None };
    let mut stack = vec![&j.expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Or(chain) => {
                if chain.operands.iter().any(|o| matches!(o, Expr::And(_))) {
                    let Normal::Json(n) = Normal::from_ast(ast) else {
                        return None;
                    };
                    return Some(format!(
                        "`&&` binds tighter than `||` and this pattern mixes them without \
                         parentheses; it reads as: {}",
                        show(&n, true)
                    ));
                }
                stack.extend(chain.operands.iter());
            }
            Expr::And(chain) => stack.extend(chain.operands.iter()),
            Expr::Paren(p) => stack.push(&p.inner),
            Expr::Leaf(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::benchmarks::{CIS_1_2, CIS_1_4, CIS_2_0, CIS_5_0, SECURITYHUB, benchmark};
    use crate::pattern::ast::{Chain, JsonPattern};
    use crate::pattern::print::{TokenKind, house};

    fn cmp(p: &str, b: &Benchmark, c: &str) -> Comparison {
        compare(p, b, c, MatchMode::Normalized).unwrap()
    }

    fn changes(c: &Comparison) -> Vec<(Change, &str)> {
        c.differences
            .iter()
            .map(|d| (d.change, d.term.as_str()))
            .collect()
    }

    #[test]
    fn every_canonical_string_is_exact_against_its_own_row() {
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let v = cmp(c, b, r.control);
                    assert_eq!(v.verdict, Verdict::Exact, "{} {}: {c}", b.name, r.control);
                    assert!(v.passes && v.differences.is_empty());
                    let strict = compare(c, b, r.control, MatchMode::Strict).unwrap();
                    assert!(strict.passes);
                }
            }
        }
    }

    #[test]
    fn classification_is_right_for_every_canonical_pattern() {
        for b in BENCHMARKS {
            for r in b.rows {
                for c in r.canonical {
                    let cl = classify(c, b, MatchMode::Normalized);
                    let best = cl.best.unwrap();
                    assert_eq!(best.verdict, Verdict::Exact, "{} {}", b.name, r.control);
                    // Rows that share the string (cis-1.2's 1.1 and 3.3) may win a tie.
                    let winner = b.row(&best.control).unwrap();
                    assert!(
                        winner.control == r.control || winner.canonical.contains(c),
                        "{} {}: classified as {}",
                        b.name,
                        r.control,
                        best.control
                    );
                    assert_eq!(cl.candidates.first().unwrap().score, 1.0);
                }
            }
        }
    }

    #[test]
    fn unrelated_and_invalid_patterns_classify_as_nothing() {
        for p in [
            "ERROR",
            "{ $.foo = 1 }",
            "{ $.eventName = Foo }",
            "[ip, user, ...]",
            "",
        ] {
            let cl = classify(p, &CIS_1_2, MatchMode::Normalized);
            assert!(cl.best.is_none() && cl.candidates.is_empty(), "{p}: {cl:?}");
        }
        let cl = classify("{ $.a = ", &CIS_1_2, MatchMode::Normalized);
        assert!(cl.best.is_none());
    }

    #[test]
    fn classification_of_near_misses() {
        let cl = classify(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#,
            &CIS_1_2,
            MatchMode::Normalized,
        );
        let best = cl.best.unwrap();
        assert_eq!(best.control, "3.6");
        assert_eq!(changes(&best), [(Change::Changed, "$.errorMessage")]);
        // One event name dropped from the VPC list.
        let p = crate::cis::benchmarks::CIS_1_2
            .row("3.14")
            .unwrap()
            .canonical[0]
            .replace(" || ($.eventName=EnableVpcClassicLink)", "");
        let cl = classify(&p, &CIS_1_2, MatchMode::Normalized);
        let best = cl.best.unwrap();
        assert_eq!(best.control, "3.14");
        assert_eq!(
            changes(&best),
            [(Change::Missing, r#"$.eventName = "EnableVpcClassicLink""#)]
        );
        assert!(cl.candidates.first().unwrap().score > 0.9);
    }

    #[test]
    fn changed_values_and_operators() {
        let v = cmp(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failedauthentication")}"#,
            &CIS_1_2,
            "3.6",
        );
        assert_eq!(v.verdict, Verdict::Different);
        assert!(!v.passes);
        let d = v.differences.first().unwrap();
        assert_eq!(d.change, Change::Changed);
        assert_eq!(d.term, "$.errorMessage");
        assert_eq!(
            d.expected.as_deref(),
            Some(r#"$.errorMessage = "Failed authentication""#)
        );
        assert_eq!(
            d.found.as_deref(),
            Some(r#"$.errorMessage = "Failedauthentication""#)
        );
        let v = cmp(
            r#"{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed = "No")}"#,
            &CIS_1_2,
            "3.2",
        );
        assert_eq!(
            changes(&v),
            [(Change::Changed, "$.additionalEventData.MFAUsed")]
        );
        let d = v.differences.first().unwrap();
        assert_eq!(
            d.expected.as_deref(),
            Some(r#"$.additionalEventData.MFAUsed != "Yes""#)
        );
        // Two spaces inside a quoted value are a different value.
        let v = cmp(
            r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed  authentication")}"#,
            &CIS_1_2,
            "CloudWatch.6",
        );
        assert_eq!(changes(&v), [(Change::Changed, "$.errorMessage")]);
    }

    #[test]
    fn cross_version_differences() {
        let v12 = |c: &str| CIS_1_2.row(c).unwrap().canonical[0];
        let row = |b: &Benchmark, c: &str| b.row(c).unwrap().canonical[0];
        // CIS 2.0's 4.1 against CIS 1.2's 3.1: the two exclusions are extra.
        let v = cmp(row(&CIS_2_0, "4.1"), &CIS_1_2, "3.1");
        assert_eq!(
            changes(&v),
            [
                (Change::Extra, r#"$.eventName != "HeadBucket""#),
                (
                    Change::Extra,
                    r#"$.sourceIPAddress != "delivery.logs.amazonaws.com""#
                ),
            ]
        );
        assert!(v.note.unwrap().contains("binds tighter"));
        // And the reverse: missing.
        let v = cmp(v12("3.1"), &CIS_2_0, "4.1");
        assert_eq!(v.differences.len(), 2);
        assert!(v.differences.iter().all(|d| d.change == Change::Missing));
        // CIS 1.4's all-`||` form against CIS 2.0's `A || B && C && D`.
        let v = cmp(row(&CIS_1_4, "4.1"), &CIS_2_0, "4.1");
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`||` where `&&` belongs")]
        );
        // The parenthesised form against CIS 2.0: a different grouping.
        let nozaq = r#"{(($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}"#;
        let v = cmp(nozaq, &CIS_2_0, "4.1");
        assert_eq!(changes(&v), [(Change::Structure, "grouping")]);
        let d = v.differences.first().unwrap();
        assert!(d.expected.as_deref().unwrap().contains("|| ("), "{d:?}");
        // CIS 5.0 adds ModifySecurityGroupRules to 4.10.
        let v = cmp(v12("3.10"), &CIS_5_0, "4.10");
        assert_eq!(
            changes(&v),
            [(
                Change::Missing,
                r#"$.eventName = "ModifySecurityGroupRules""#
            )]
        );
        // The four-term MFA form against CIS 1.2's two terms: two extra terms.
        let v = cmp(row(&SECURITYHUB, "CloudWatch.3"), &CIS_1_2, "3.2");
        assert_eq!(v.differences.len(), 2);
        assert!(v.differences.iter().all(|d| d.change == Change::Extra));
        // Security Hub accepts the two-term form as a variant, with a note.
        let v = cmp(v12("3.2"), &SECURITYHUB, "CloudWatch.3");
        assert_eq!(v.verdict, Verdict::Exact);
        assert!(v.note.unwrap().contains("accepted variant"));
        // The eventSource-scoped route-table form: one extra term for CIS 1.2.
        let v = cmp(
            SECURITYHUB.row("CloudWatch.13").unwrap().canonical[1],
            &CIS_1_2,
            "3.13",
        );
        assert_eq!(
            changes(&v),
            [(Change::Extra, r#"$.eventSource = "ec2.amazonaws.com""#)]
        );
        // The v1.2 route-table form passes CIS 3.0 (Prowler requires eventSource).
        let v = cmp(v12("3.13"), benchmark("cis-3.0").unwrap(), "4.13");
        assert_eq!(v.verdict, Verdict::Exact);
    }

    #[test]
    fn invalid_patterns_carry_the_parse_error() {
        let v = cmp(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedByNOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            &CIS_1_2,
            "3.3",
        );
        assert_eq!(v.verdict, Verdict::Invalid);
        assert!(!v.passes);
        assert_eq!(v.error.unwrap().kind().code(), "glued_keyword");
        let json = serde_json::to_value(cmp("{", &CIS_1_2, "3.3")).unwrap();
        assert_eq!(json["verdict"], "invalid");
        assert!(json["error"]["kind"].is_string());
    }

    #[test]
    fn other_kinds_of_pattern_are_a_structure_difference() {
        let v = cmp("ConsoleLogin", &CIS_1_2, "3.6");
        assert_eq!(changes(&v), [(Change::Structure, "pattern type")]);
        assert_eq!(cmp("", &CIS_1_2, "3.6").verdict, Verdict::Different);
    }

    #[test]
    fn unknown_controls_give_none() {
        assert!(compare("{ $.a = 1 }", &CIS_1_2, "4.1", MatchMode::Strict).is_none());
        assert!(compare("{ $.a = 1 }", &CIS_1_4, "3.1", MatchMode::Strict).is_none());
    }

    #[test]
    fn match_modes() {
        assert_eq!("strict".parse(), Ok(MatchMode::Strict));
        assert_eq!("Normalized".parse(), Ok(MatchMode::Normalized));
        assert!("loose".parse::<MatchMode>().is_err());
        assert_eq!(MatchMode::default(), MatchMode::Normalized);
        assert_eq!(MatchMode::Strict.to_string(), "strict");
    }

    // --- The peers' acceptance matrix (reference peers.md §2), for every
    // Security Hub pattern of CIS v1.2.0.

    fn rebuild(text: &str, join: &dyn Fn(&[Token]) -> String) -> String {
        join(&tokens(&parse(text).unwrap()))
    }

    fn wordy(t: &Token) -> bool {
        matches!(
            t.kind,
            TokenKind::Selector | TokenKind::Keyword | TokenKind::Value
        )
    }

    /// Tokens with no whitespace except where two words would merge.
    fn tight(ts: &[Token]) -> String {
        let mut out = String::new();
        let mut prev: Option<&Token> = None;
        for t in ts {
            if prev.is_some_and(|p| wordy(p) && wordy(t)) {
                out.push(' ');
            }
            out.push_str(&t.text);
            prev = Some(t);
        }
        out
    }

    fn spaced(ts: &[Token]) -> String {
        ts.iter().map(|t| &*t.text).collect::<Vec<_>>().join(" ")
    }

    fn newlines(ts: &[Token]) -> String {
        ts.iter()
            .map(|t| {
                if t.kind == TokenKind::Logic {
                    format!("{}\n", t.text)
                } else {
                    t.text.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn quoted(ts: &[Token]) -> String {
        let q: Vec<Token> = ts
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.kind == TokenKind::Value && !t.text.starts_with(['"', '%']) {
                    t.text = format!("\"{}\"", t.text).into();
                }
                t
            })
            .collect();
        spaced(&q)
    }

    fn swapped_ops(ts: &[Token]) -> String {
        let q: Vec<Token> = ts
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.kind == TokenKind::Logic {
                    t.text = if t.text == "&&" { "||" } else { "&&" }.into();
                }
                t
            })
            .collect();
        spaced(&q)
    }

    fn reverse_expr<C>(e: &mut Expr<C>) {
        match e {
            Expr::Or(Chain { operands, .. }) | Expr::And(Chain { operands, .. }) => {
                operands.reverse();
                operands.iter_mut().for_each(reverse_expr);
            }
            Expr::Paren(p) => reverse_expr(&mut p.inner),
            Expr::Leaf(_) => {}
        }
    }

    fn reversed(text: &str) -> String {
        let mut ast = parse(text).unwrap();
        if let Ast::Json(JsonPattern { expr, .. }) = &mut ast {
            reverse_expr(expr);
        }
        house(&ast)
    }

    fn extra_term(text: &str) -> String {
        let body = text.trim_end().strip_suffix('}').unwrap();
        format!("{body} || ($.eventName = Foo)}}")
    }

    #[test]
    fn peers_acceptance_matrix() {
        for r in CIS_1_2.rows {
            let sh = r.canonical[0];
            let id = r.control;
            let verdict = |p: &str| cmp(p, &CIS_1_2, id).verdict;
            assert_eq!(verdict(sh), Verdict::Exact, "{id}");
            assert_eq!(
                verdict(&rebuild(sh, &spaced)),
                Verdict::Exact,
                "{id} spaced"
            );
            assert_eq!(verdict(&rebuild(sh, &tight)), Verdict::Exact, "{id} tight");
            assert_eq!(
                verdict(&rebuild(sh, &newlines)),
                Verdict::Exact,
                "{id} newlines"
            );
            assert_eq!(
                verdict(&house(&parse(sh).unwrap())),
                Verdict::Exact,
                "{id} house"
            );
            // Quoting bare values changes tokens but not meaning.
            let q = rebuild(sh, &quoted);
            let want = if tokens(&parse(&q).unwrap()) == tokens(&parse(sh).unwrap()) {
                Verdict::Exact
            } else {
                Verdict::Equivalent
            };
            let v = cmp(&q, &CIS_1_2, id);
            assert_eq!(v.verdict, want, "{id} quoted: {q}");
            if want == Verdict::Equivalent {
                assert!(v.passes);
                assert!(
                    v.note
                        .unwrap()
                        .contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID")
                );
                let strict = compare(&q, &CIS_1_2, id, MatchMode::Strict).unwrap();
                assert!(!strict.passes, "{id}: equivalent passes strict");
            }
            // Reversed operands: equivalent.
            let rev = reversed(sh);
            assert_eq!(verdict(&rev), Verdict::Equivalent, "{id} reversed: {rev}");
            // One extra term: different, naming it.
            let v = cmp(&extra_term(sh), &CIS_1_2, id);
            assert_eq!(
                changes(&v),
                [(Change::Extra, r#"$.eventName = "Foo""#)],
                "{id} extra"
            );
            // `&&` and `||` swapped: a structure difference, never a pass.
            let sw = rebuild(sh, &swapped_ops);
            let v = cmp(&sw, &CIS_1_2, id);
            assert_eq!(v.verdict, Verdict::Different, "{id} swapped: {sw}");
            assert!(
                v.differences.iter().all(|d| d.change == Change::Structure),
                "{id} swapped: {:?}",
                v.differences
            );
            assert!(!v.differences.is_empty());
        }
    }

    #[test]
    fn swapped_operators_are_named() {
        let v = cmp(
            "{($.eventSource=kms.amazonaws.com) || (($.eventName=DisableKey) && ($.eventName=ScheduleKeyDeletion))}",
            &CIS_1_2,
            "3.7",
        );
        assert_eq!(changes(&v), [(Change::Structure, "`&&` and `||` swapped")]);
        let v = cmp(
            "{($.eventName=CreateTrail) && ($.eventName=UpdateTrail) && ($.eventName=DeleteTrail) && ($.eventName=StartLogging) && ($.eventName=StopLogging)}",
            &CIS_1_2,
            "3.5",
        );
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`&&` where `||` belongs")]
        );
        // `&&` spread over a group that should be `||`.
        let v = cmp(
            "{($.eventSource=kms.amazonaws.com) && ($.eventName=DisableKey) && ($.eventName=ScheduleKeyDeletion)}",
            &CIS_1_2,
            "3.7",
        );
        assert_eq!(
            changes(&v),
            [(Change::Structure, "`&&` where `||` belongs")]
        );
    }

    #[test]
    fn extra_parentheses_are_equivalent_not_exact() {
        let v = cmp(
            r#"{ (($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")) }"#,
            &CIS_1_2,
            "3.1",
        );
        assert_eq!(v.verdict, Verdict::Equivalent);
        let v = cmp(
            r#"{ ($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") }"#,
            &CIS_1_2,
            "CloudWatch.2",
        );
        assert_eq!(v.verdict, Verdict::Exact);
    }

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

    /// A benchmark that is not built in: its rows are parsed on each call.
    static CUSTOM: Benchmark = Benchmark {
        name: "custom",
        title: "Custom",
        rows: &[PatternRow {
            control: "x.1",
            securityhub_id: None,
            check: "custom_trail_changes",
            title: "Trail changes",
            canonical: &[
                "{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }",
                "{ $.eventSource = cloudtrail.amazonaws.com }",
            ],
            source: "a test",
        }],
    };

    #[test]
    fn benchmarks_outside_the_cache_work_alike() {
        let v = cmp(
            "{($.eventName=CreateTrail)||($.eventName=DeleteTrail)}",
            &CUSTOM,
            "x.1",
        );
        assert_eq!(v.verdict, Verdict::Exact);
        let v = cmp(
            r#"{ $.eventSource = "cloudtrail.amazonaws.com" }"#,
            &CUSTOM,
            "x.1",
        );
        assert_eq!(v.verdict, Verdict::Equivalent);
        assert_eq!(v.canonical, "{ $.eventSource = cloudtrail.amazonaws.com }");
        assert!(
            v.note
                .unwrap()
                .contains("CLOUDTRAIL_METRIC_FILTER_NOT_VALID")
        );
        let v = cmp("{ ($.eventName = CreateTrail) }", &CUSTOM, "x.1");
        assert_eq!(
            changes(&v),
            [(Change::Missing, r#"$.eventName = "DeleteTrail""#)]
        );
        let cl = classify("{ $.eventName = DeleteTrail }", &CUSTOM, MatchMode::Strict);
        assert_eq!(cl.best.unwrap().control, "x.1");
        assert!(cl.candidates.first().unwrap().score > 0.6);
    }
}
