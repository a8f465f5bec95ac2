//! The spanned surface syntax tree of a filter pattern.
//!
//! The [`Ast`] is faithful to the text it came from: parentheses, quoting and
//! operator spelling are kept, and every node carries the byte [`Span`] it was
//! parsed from, so diagnostics can point at it and the printer can give the
//! same tokens back. Comparison and matching use the span-free
//! [`Normal`](crate::pattern::Normal) form instead.
//!
//! Spans never take part in equality: [`Span`]'s `PartialEq` is always true
//! and its `Hash` writes nothing, so two trees parsed from differently spaced
//! text compare equal when their tokens do.

use std::hash::{Hash, Hasher};

use serde::Serialize;

/// A half-open byte range `start..end` into the pattern text.
///
/// Equality and hashing ignore the offsets (see the module docs); compare
/// [`Span::start`] and [`Span::end`] directly when the position matters.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range form, for slicing.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl Hash for Span {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

/// A parsed filter pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ast {
    /// The empty pattern (matches every event).
    Empty {
        /// Always `0..0` (surrounding whitespace is not part of it).
        span: Span,
    },
    /// A JSON pattern `{ … }`.
    Json(JsonPattern),
    /// A space-delimited pattern `[ … ]`.
    Delimited(DelimitedPattern),
    /// Unstructured terms: `ERROR -DEBUG ?WARN "a phrase"`.
    Terms(TermsPattern),
    /// A standalone regular expression `%…%`.
    Regex(RegexLit),
}

impl Ast {
    /// The kind name used in JSON output: `empty`, `json`, `delimited`, `terms` or `regex`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Ast::Empty { .. } => "empty",
            Ast::Json(_) => "json",
            Ast::Delimited(_) => "delimited",
            Ast::Terms(_) => "terms",
            Ast::Regex(_) => "regex",
        }
    }

    /// The span the whole pattern covers.
    pub fn span(&self) -> Span {
        match self {
            Ast::Empty { span } => *span,
            Ast::Json(j) => j.span,
            Ast::Delimited(d) => d.span,
            Ast::Terms(t) => t.span,
            Ast::Regex(r) => r.span,
        }
    }
}

/// `{ expression }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct JsonPattern {
    /// From `{` to `}` inclusive.
    pub span: Span,
    /// The boolean expression inside the braces.
    pub expr: Expr<Condition>,
}

/// A boolean expression over leaves of type `C`, as written.
///
/// A run of the same operator is one [`Chain`] (`a || b || c` has three
/// operands); parentheses are explicit [`Expr::Paren`] nodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr<C> {
    /// Two or more operands joined by `||`.
    Or(Chain<C>),
    /// Two or more operands joined by `&&`.
    And(Chain<C>),
    /// `( expression )`.
    Paren(Box<Paren<C>>),
    /// A single condition.
    Leaf(C),
}

/// Operands of one `&&` or `||` run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Chain<C> {
    /// At least two operands, in source order.
    pub operands: Vec<Expr<C>>,
    /// From the first operand to the last.
    pub span: Span,
}

/// A parenthesised expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Paren<C> {
    /// The expression inside.
    pub inner: Expr<C>,
    /// From `(` to `)` inclusive.
    pub span: Span,
}

/// Something with a source span.
pub trait Spanned {
    /// The bytes it was parsed from.
    fn span(&self) -> Span;
}

impl<C: Spanned> Spanned for Expr<C> {
    fn span(&self) -> Span {
        match self {
            Expr::Or(c) | Expr::And(c) => c.span,
            Expr::Paren(p) => p.span,
            Expr::Leaf(l) => l.span(),
        }
    }
}

impl<C> Expr<C> {
    /// Call `f` on every leaf, left to right, without allocating.
    pub fn for_each_leaf<'a>(&'a self, f: &mut impl FnMut(&'a C)) {
        match self {
            Expr::Or(c) | Expr::And(c) => c.operands.iter().for_each(|o| o.for_each_leaf(f)),
            Expr::Paren(p) => p.inner.for_each_leaf(f),
            Expr::Leaf(l) => f(l),
        }
    }

    /// Every leaf, left to right.
    pub fn leaves(&self) -> Vec<&C> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Or(c) | Expr::And(c) => stack.extend(c.operands.iter().rev()),
                Expr::Paren(p) => stack.push(&p.inner),
                Expr::Leaf(l) => out.push(l),
            }
        }
        out
    }
}

/// One JSON condition: `selector test`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Condition {
    /// The property selector, `$.a.b`.
    pub selector: Selector,
    /// What is tested about the selected value.
    pub test: Test,
    /// From the selector to the end of the test.
    pub span: Span,
}

impl Spanned for Condition {
    fn span(&self) -> Span {
        self.span
    }
}

/// What a JSON condition tests.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "test", rename_all = "snake_case")]
pub enum Test {
    /// `= != < <= > >=` and a value.
    Compare {
        /// The operator.
        op: CmpOp,
        /// Where the operator is written.
        op_span: Span,
        /// The right-hand side.
        value: Value,
    },
    /// `IS NULL`.
    IsNull {
        /// From `IS` to `NULL`.
        span: Span,
    },
    /// `IS TRUE`.
    IsTrue {
        /// From `IS` to `TRUE`.
        span: Span,
    },
    /// `IS FALSE`.
    IsFalse {
        /// From `IS` to `FALSE`.
        span: Span,
    },
    /// `NOT EXISTS`.
    NotExists {
        /// From `NOT` to `EXISTS`.
        span: Span,
    },
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum CmpOp {
    /// `=`
    #[serde(rename = "=")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    /// How the operator is written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// `<`, `<=`, `>` or `>=`: these need a bare number on the right.
    pub fn is_ordering(self) -> bool {
        matches!(self, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge)
    }
}

/// A property selector: `$` and one or more steps.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Selector {
    /// The steps after `$`, at least one.
    pub steps: Vec<Step>,
    /// From `$` to the end of the last step.
    pub span: Span,
}

impl Selector {
    /// How many wildcard steps (`[*]`, `.*`) it has.
    pub fn wildcard_count(&self) -> usize {
        self.steps.iter().filter(|s| s.kind.is_wildcard()).count()
    }
}

/// One step of a selector.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Step {
    /// What the step selects.
    pub kind: StepKind,
    /// Where it is written, including its `.` or brackets.
    pub span: Span,
}

/// What a selector step selects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "step", content = "value", rename_all = "snake_case")]
pub enum StepKind {
    /// `.name`
    Field(String),
    /// `.['key.with.dots']`
    Key(String),
    /// `[N]`
    Index(u32),
    /// `[*]`: any element of an array.
    AnyIndex,
    /// `.*`: any field of an object.
    AnyField,
}

impl StepKind {
    /// `[*]` or `.*`.
    pub fn is_wildcard(&self) -> bool {
        matches!(self, StepKind::AnyIndex | StepKind::AnyField)
    }
}

/// The right-hand side of a comparison, or the text of a term.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Value {
    /// How it is written.
    pub kind: ValueKind,
    /// Where it is written, quotes or `%` included.
    pub span: Span,
}

/// How a value is written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "form", content = "text", rename_all = "snake_case")]
pub enum ValueKind {
    /// `"…"`: the text between the quotes, escapes as written.
    Quoted(String),
    /// A bare token: a word, a number or a `*` wildcard.
    Bare(String),
    /// `%…%`: the regex between the percent signs.
    Regex(String),
}

impl Value {
    /// A bare token that is a number literal (`400`, `-1.5`, `1e3`).
    pub fn is_number(&self) -> bool {
        matches!(&self.kind, ValueKind::Bare(t) if is_number_literal(t))
    }

    /// A `%regex%`.
    pub fn is_regex(&self) -> bool {
        matches!(self.kind, ValueKind::Regex(_))
    }
}

/// Whether `text` is a number literal: `[+-]? digits ('.' digits)? ([eE] [+-]? digits)?`.
pub fn is_number_literal(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let at = |i: usize| b.get(i).copied();
    if matches!(at(i), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while at(*i).is_some_and(|c| c.is_ascii_digit()) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if at(i) == Some(b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

/// A standalone `%regex%` pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RegexLit {
    /// The text between the percent signs.
    pub body: String,
    /// From the first `%` to the last.
    pub span: Span,
}

/// `[ field, field, … ]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DelimitedPattern {
    /// The fields in order.
    pub fields: Vec<Field>,
    /// From `[` to `]` inclusive.
    pub span: Span,
}

/// One slot of a space-delimited pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Field {
    /// `...`: any number of fields.
    Ellipsis {
        /// Where it is written.
        span: Span,
    },
    /// A field name with no condition.
    Name(Ident),
    /// Conditions on the field, all naming it: `status = 4* || status = 5*`.
    Cond(Expr<FieldCond>),
}

/// A name and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// `name op value` inside a space-delimited slot.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FieldCond {
    /// The field the condition tests.
    pub name: Ident,
    /// The operator.
    pub op: CmpOp,
    /// Where the operator is written.
    pub op_span: Span,
    /// The right-hand side.
    pub value: Value,
    /// From the name to the value.
    pub span: Span,
}

impl Spanned for FieldCond {
    fn span(&self) -> Span {
        self.span
    }
}

/// Unstructured terms.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TermsPattern {
    /// The terms in order, at least one.
    pub terms: Vec<Term>,
    /// From the first term to the last.
    pub span: Span,
}

/// One unstructured term.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Term {
    /// `-` (exclude), `?` (any of) or nothing (required).
    pub prefix: TermPrefix,
    /// The word or quoted phrase.
    pub value: Value,
    /// From the prefix to the end of the value.
    pub span: Span,
}

/// The prefix of an unstructured term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermPrefix {
    /// No prefix: the event must contain the term.
    Required,
    /// `-term`: the event must not contain it.
    Exclude,
    /// `?term`: any of the `?` terms.
    Optional,
}

impl TermPrefix {
    /// How the prefix is written.
    pub fn as_str(self) -> &'static str {
        match self {
            TermPrefix::Required => "",
            TermPrefix::Exclude => "-",
            TermPrefix::Optional => "?",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_do_not_take_part_in_equality() {
        assert_eq!(Span::new(0, 1), Span::new(5, 9));
        let a = Ident {
            name: "a".into(),
            span: Span::new(0, 1),
        };
        let b = Ident {
            name: "a".into(),
            span: Span::new(3, 4),
        };
        assert_eq!(a, b);
        let c = Ident {
            name: "c".into(),
            span: Span::new(0, 1),
        };
        assert_ne!(a, c);
    }

    #[test]
    fn number_literals() {
        for ok in [
            "0", "400", "+1000", "-1", "55.5", "10e3", "1e-3", "1E+3", "-2.5e10",
        ] {
            assert!(is_number_literal(ok), "{ok}");
        }
        for bad in [
            "", "+", "1.", ".5", "1e", "1e+", "4*", "1.2.3", "abc", "1-2", "0x10",
        ] {
            assert!(!is_number_literal(bad), "{bad}");
        }
    }
}
