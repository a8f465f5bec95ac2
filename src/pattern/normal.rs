//! The span-free normal form of a pattern, for comparison and matching.
//!
//! Two patterns with the same [`Normal`] mean the same thing by construction:
//! - `&&` and `||` chains are flattened (`a && (b && c)` is one chain);
//! - redundant parentheses disappear (the tree has no parenthesis node);
//! - the operands of each chain are sorted and de-duplicated;
//! - quotes are dropped where they do not change meaning: `"Root"` and `Root`
//!   are both [`NValue::Text`]. A quoted number stays text and a bare number
//!   stays a [`NValue::Number`], because they match differently.
//!
//! [`NExpr`] can only be built through its smart constructors
//! ([`NExpr::or`], [`NExpr::and`], [`NExpr::leaf`]), which keep these
//! invariants. `Display` prints the canonical string, which parses back to the
//! same normal form.

use std::fmt;

use crate::pattern::chars::is_name;

use crate::pattern::ast::{
    Ast, CmpOp, Condition, Expr, Field, FieldCond, StepKind, Term, TermPrefix, Test, Value,
    ValueKind, is_number_literal,
};

/// A pattern in normal form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Normal {
    /// Matches every event: the empty pattern, `""` and `" "`.
    MatchAll,
    /// A JSON pattern.
    Json(NExpr<NCond>),
    /// A space-delimited pattern: the fields in order.
    Delimited(Vec<NField>),
    /// Unstructured terms.
    Terms(NTerms),
    /// A standalone regex (the text between `%`).
    Regex(String),
}

/// A flattened, sorted boolean expression. Build it with [`NExpr::or`],
/// [`NExpr::and`] and [`NExpr::leaf`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NExpr<C>(Node<C>);

/// The shape of an [`NExpr`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node<C> {
    /// One condition. (Declared first: leaves sort before chains.)
    Leaf(C),
    /// Two or more operands, none of them an `And`, sorted and distinct.
    And(Vec<NExpr<C>>),
    /// Two or more operands, none of them an `Or`, sorted and distinct.
    Or(Vec<NExpr<C>>),
}

impl<C> NExpr<C> {
    /// The shape of this expression.
    pub fn node(&self) -> &Node<C> {
        &self.0
    }

    /// Every leaf, in the sorted order of the tree.
    pub fn leaves(&self) -> Vec<&C> {
        let mut out = Vec::with_capacity(16);
        let mut stack = Vec::with_capacity(16);
        stack.push(self);
        while let Some(e) = stack.pop() {
            match &e.0 {
                Node::Or(ops) | Node::And(ops) => stack.extend(ops.iter().rev()),
                Node::Leaf(c) => out.push(c),
            }
        }
        out
    }
}

impl<C: Ord> NExpr<C> {
    /// A single condition.
    pub fn leaf(c: C) -> Self {
        NExpr(Node::Leaf(c))
    }

    /// The disjunction of `operands`: nested `Or`s are flattened, operands
    /// sorted and de-duplicated; a single operand is returned as it is.
    /// An empty list gives an empty `Or` (matches nothing); the parser never
    /// builds one.
    pub fn or(operands: Vec<NExpr<C>>) -> Self {
        Self::chain(operands, true)
    }

    /// The conjunction of `operands`, normalised like [`NExpr::or`].
    pub fn and(operands: Vec<NExpr<C>>) -> Self {
        Self::chain(operands, false)
    }

    fn chain(operands: Vec<NExpr<C>>, is_or: bool) -> Self {
        let nested = |op: &NExpr<C>| match op.0 {
            Node::Or(_) => is_or,
            Node::And(_) => !is_or,
            Node::Leaf(_) => false,
        };
        // Flatten into a new list only when an operand has the same operator.
        let mut flat = if operands.iter().any(nested) {
            let mut flat = Vec::with_capacity(operands.len());
            for op in operands {
                match op.0 {
                    Node::Or(inner) if is_or => flat.extend(inner),
                    Node::And(inner) if !is_or => flat.extend(inner),
                    other => flat.push(NExpr(other)),
                }
            }
            flat
        } else {
            operands
        };
        flat.sort_unstable();
        flat.dedup();
        if flat.len() == 1
            && let Some(only) = flat.pop()
        {
            return only;
        }
        NExpr(if is_or {
            Node::Or(flat)
        } else {
            Node::And(flat)
        })
    }
}

/// A JSON condition without spans.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NCond {
    /// The selector's steps after `$`.
    pub selector: Vec<StepKind>,
    /// What is tested.
    pub test: NTest,
}

/// What a normal condition tests.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NTest {
    /// A comparison.
    Cmp {
        /// The operator.
        op: CmpOp,
        /// The value.
        value: NValue,
    },
    /// `IS NULL`
    IsNull,
    /// `IS TRUE`
    IsTrue,
    /// `IS FALSE`
    IsFalse,
    /// `NOT EXISTS`
    NotExists,
}

/// A value without its spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NValue {
    /// Text, quotes dropped and escapes resolved; `*` is a wildcard.
    Text(String),
    /// A bare number literal, compared numerically.
    Number(String),
    /// A regex (the text between `%`).
    Regex(String),
}

/// One slot of a space-delimited pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NField {
    /// `...`
    Ellipsis,
    /// A named field with no condition.
    Name(String),
    /// Conditions on the field.
    Cond(NExpr<NFieldCond>),
}

/// A condition on a space-delimited field.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NFieldCond {
    /// The field name.
    pub name: String,
    /// The operator.
    pub op: CmpOp,
    /// The value.
    pub value: NValue,
}

/// Unstructured terms, decoded, sorted and de-duplicated per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NTerms {
    /// Terms every matching event contains.
    pub required: Vec<String>,
    /// `-` terms no matching event contains.
    pub excluded: Vec<String>,
    /// `?` terms.
    pub optional: Vec<String>,
}

impl Normal {
    /// The normal form of a parsed pattern.
    pub fn from_ast(ast: &Ast) -> Normal {
        match ast {
            Ast::Empty { .. } => Normal::MatchAll,
            Ast::Json(j) => Normal::Json(norm_expr(&j.expr, &norm_cond)),
            Ast::Delimited(d) => Normal::Delimited(
                d.fields
                    .iter()
                    .map(|f| match f {
                        Field::Ellipsis { .. } => NField::Ellipsis,
                        Field::Name(id) => NField::Name(id.name.clone()),
                        Field::Cond(e) => NField::Cond(norm_expr(e, &norm_field_cond)),
                    })
                    .collect(),
            ),
            Ast::Terms(t) => norm_terms(&t.terms),
            Ast::Regex(r) => Normal::Regex(r.body.clone()),
        }
    }
}

impl Normal {
    /// [`Normal::from_ast`] for a caller done with the tree: the text of a
    /// JSON pattern's conditions is moved rather than copied, which halves
    /// the allocations (`parse --batch` prints only the normal form).
    pub fn from_ast_owned(ast: Ast) -> Normal {
        match ast {
            Ast::Json(j) => Normal::Json(norm_expr_owned(j.expr)),
            other => Normal::from_ast(&other),
        }
    }
}

fn norm_expr_owned(e: Expr<Condition>) -> NExpr<NCond> {
    match e {
        Expr::Or(c) => NExpr::or(c.operands.into_iter().map(norm_expr_owned).collect()),
        Expr::And(c) => NExpr::and(c.operands.into_iter().map(norm_expr_owned).collect()),
        Expr::Paren(p) => norm_expr_owned(p.inner),
        Expr::Leaf(c) => {
            let test = match c.test {
                Test::Compare { op, value, .. } => NTest::Cmp {
                    op,
                    value: norm_value_owned(value),
                },
                other => norm_test(&other),
            };
            NExpr::leaf(NCond {
                selector: c.selector.steps.into_iter().map(|s| s.kind).collect(),
                test,
            })
        }
    }
}

/// [`norm_value`], taking the text.
fn norm_value_owned(v: Value) -> NValue {
    match v.kind {
        ValueKind::Quoted(raw) if !raw.contains('\\') => NValue::Text(raw),
        ValueKind::Bare(t) if is_number_literal(&t) => match t.strip_prefix('+') {
            Some(unsigned) => NValue::Number(unsigned.to_owned()),
            None => NValue::Number(t),
        },
        ValueKind::Bare(t) => NValue::Text(t),
        ValueKind::Regex(r) => NValue::Regex(r),
        ValueKind::Quoted(raw) => NValue::Text(unescape(&raw)),
    }
}

fn norm_expr<C, N: Ord>(e: &Expr<C>, leaf: &dyn Fn(&C) -> N) -> NExpr<N> {
    match e {
        Expr::Or(c) => NExpr::or(c.operands.iter().map(|o| norm_expr(o, leaf)).collect()),
        Expr::And(c) => NExpr::and(c.operands.iter().map(|o| norm_expr(o, leaf)).collect()),
        Expr::Paren(p) => norm_expr(&p.inner, leaf),
        Expr::Leaf(c) => NExpr::leaf(leaf(c)),
    }
}

fn norm_cond(c: &Condition) -> NCond {
    NCond {
        selector: c.selector.steps.iter().map(|s| s.kind.clone()).collect(),
        test: norm_test(&c.test),
    }
}

fn norm_test(t: &Test) -> NTest {
    match t {
        Test::Compare { op, value, .. } => NTest::Cmp {
            op: *op,
            value: norm_value(value),
        },
        Test::IsNull { .. } => NTest::IsNull,
        Test::IsTrue { .. } => NTest::IsTrue,
        Test::IsFalse { .. } => NTest::IsFalse,
        Test::NotExists { .. } => NTest::NotExists,
    }
}

fn norm_field_cond(c: &FieldCond) -> NFieldCond {
    NFieldCond {
        name: c.name.name.clone(),
        op: c.op,
        value: norm_value(&c.value),
    }
}

/// The normal form of a value: quotes dropped, escapes resolved.
pub(crate) fn norm_value(v: &Value) -> NValue {
    match &v.kind {
        ValueKind::Quoted(raw) => NValue::Text(unescape(raw)),
        ValueKind::Bare(t) if v.is_number() => {
            NValue::Number(t.strip_prefix('+').unwrap_or(t).to_owned())
        }
        ValueKind::Bare(t) => NValue::Text(t.clone()),
        ValueKind::Regex(r) => NValue::Regex(r.clone()),
    }
}

/// Resolve `\"` and `\\` in the raw text of a quoted string. The parser
/// rejects every other escape, so any other backslash is kept as it is.
pub(crate) fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('"' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn norm_terms(terms: &[Term]) -> Normal {
    let mut t = NTerms::default();
    for term in terms {
        let text = match &term.value.kind {
            ValueKind::Quoted(raw) => unescape(raw),
            ValueKind::Bare(s) | ValueKind::Regex(s) => s.clone(),
        };
        match term.prefix {
            TermPrefix::Required => t.required.push(text),
            TermPrefix::Exclude => t.excluded.push(text),
            TermPrefix::Optional => t.optional.push(text),
        }
    }
    // `""` and `" "` alone are the documented match-all patterns.
    if t.excluded.is_empty()
        && t.optional.is_empty()
        && t.required.iter().all(|r| r.trim().is_empty())
    {
        return Normal::MatchAll;
    }
    for v in [&mut t.required, &mut t.excluded, &mut t.optional] {
        v.sort_unstable();
        v.dedup();
    }
    Normal::Terms(t)
}

// ---------------------------------------------------------------------------
// The canonical string.

/// Something with a canonical text, written to any [`fmt::Write`]: the
/// printer is monomorphised for `String` (fast) as well as used by
/// `Display`.
pub trait Print {
    /// Write the canonical text.
    fn print<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result;
}

fn write_expr<C: Print, W: fmt::Write + ?Sized>(
    w: &mut W,
    e: &NExpr<C>,
    parent_is_and: bool,
) -> fmt::Result {
    match &e.0 {
        Node::Leaf(c) => c.print(w),
        Node::And(ops) => join(w, ops, " && ", true),
        Node::Or(ops) if parent_is_and => {
            w.write_str("(")?;
            join(w, ops, " || ", false)?;
            w.write_str(")")
        }
        Node::Or(ops) => join(w, ops, " || ", false),
    }
}

fn join<C: Print, W: fmt::Write + ?Sized>(
    w: &mut W,
    ops: &[NExpr<C>],
    sep: &str,
    is_and: bool,
) -> fmt::Result {
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            w.write_str(sep)?;
        }
        write_expr(w, op, is_and)?;
    }
    Ok(())
}

/// Write a selector: `$` and its steps. Every selector printer uses this:
/// a field whose name has characters other than `name_char` is written in
/// brackets (`.['a.b']`), so what is written parses back.
pub(crate) fn write_selector<W: fmt::Write + ?Sized>(f: &mut W, steps: &[StepKind]) -> fmt::Result {
    write_selector_as(f, steps, KeyStyle::Bracketed)
}

/// How [`write_selector_as`] writes a bracket key (`.['a.b']`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyStyle {
    /// In brackets, so that the text parses back: every pattern printer.
    Bracketed,
    /// As a dotted step (`.a.b`): the dotted field path that the linter's
    /// messages show and its CloudTrail field lookups take
    /// (`semantics::parts::cloudtrail_optional_prefix`).
    Dotted,
}

/// Write a selector with bracket keys in the given style.
pub(crate) fn write_selector_as<'s, W: fmt::Write + ?Sized>(
    f: &mut W,
    steps: impl IntoIterator<Item = &'s StepKind>,
    keys: KeyStyle,
) -> fmt::Result {
    f.write_str("$")?;
    for s in steps {
        match s {
            StepKind::Field(n) if keys == KeyStyle::Dotted || is_name(n) => {
                f.write_str(".")?;
                f.write_str(n)?;
            }
            StepKind::Key(n) if keys == KeyStyle::Dotted => {
                f.write_str(".")?;
                f.write_str(n)?;
            }
            StepKind::Field(k) | StepKind::Key(k) => {
                f.write_str(".['")?;
                f.write_str(k)?;
                f.write_str("']")?;
            }
            StepKind::Index(i) => write!(f, "[{i}]")?,
            StepKind::AnyIndex => f.write_str("[*]")?,
            StepKind::AnyField => f.write_str(".*")?,
        }
    }
    Ok(())
}

/// Write text as a double-quoted string, escaping `"` and `\`. Every
/// quoted-value printer uses this.
pub(crate) fn write_quoted<W: fmt::Write + ?Sized>(f: &mut W, text: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut rest = text;
    // Runs without `"` or `\` are written whole.
    while let Some(at) = rest.find(['"', '\\']) {
        let (run, tail) = rest.split_at(at);
        f.write_str(run)?;
        f.write_char('\\')?;
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            f.write_char(c)?;
        }
        rest = chars.as_str();
    }
    f.write_str(rest)?;
    f.write_char('"')
}

impl Print for NValue {
    fn print<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        match self {
            NValue::Text(t) => write_quoted(w, t),
            NValue::Number(n) => w.write_str(n),
            NValue::Regex(r) => {
                w.write_str("%")?;
                w.write_str(r)?;
                w.write_str("%")
            }
        }
    }
}

impl Print for NCond {
    fn print<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        write_selector(w, &self.selector)?;
        match &self.test {
            NTest::Cmp { op, value } => {
                w.write_str(" ")?;
                w.write_str(op.as_str())?;
                w.write_str(" ")?;
                value.print(w)
            }
            NTest::IsNull => w.write_str(" IS NULL"),
            NTest::IsTrue => w.write_str(" IS TRUE"),
            NTest::IsFalse => w.write_str(" IS FALSE"),
            NTest::NotExists => w.write_str(" NOT EXISTS"),
        }
    }
}

impl Print for NFieldCond {
    fn print<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        w.write_str(&self.name)?;
        w.write_str(" ")?;
        w.write_str(self.op.as_str())?;
        w.write_str(" ")?;
        self.value.print(w)
    }
}

impl<C: Print> Print for NExpr<C> {
    fn print<W: fmt::Write + ?Sized>(&self, w: &mut W) -> fmt::Result {
        write_expr(w, self, false)
    }
}

impl Print for Normal {
    fn print<W: fmt::Write + ?Sized>(&self, f: &mut W) -> fmt::Result {
        match self {
            Normal::MatchAll => Ok(()),
            Normal::Json(e) => {
                f.write_str("{ ")?;
                e.print(f)?;
                f.write_str(" }")
            }
            Normal::Delimited(fields) => {
                f.write_str("[")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    match field {
                        NField::Ellipsis => f.write_str("...")?,
                        NField::Name(n) => f.write_str(n)?,
                        NField::Cond(e) => e.print(f)?,
                    }
                }
                f.write_str("]")
            }
            Normal::Terms(t) => {
                let mut first = true;
                for (prefix, list) in [("", &t.required), ("-", &t.excluded), ("?", &t.optional)] {
                    for term in list {
                        if !first {
                            f.write_str(" ")?;
                        }
                        first = false;
                        f.write_str(prefix)?;
                        write_quoted(f, term)?;
                    }
                }
                Ok(())
            }
            Normal::Regex(r) => {
                f.write_str("%")?;
                f.write_str(r)?;
                f.write_str("%")
            }
        }
    }
}

/// `Display` through [`Print`].
macro_rules! display_by_print {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.print(f)
            }
        }
    )*};
}

display_by_print!(Normal, NValue, NCond, NFieldCond);

impl<C: Print> fmt::Display for NExpr<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.print(f)
    }
}

impl Normal {
    /// The canonical string, as `Display` gives it, printed without the
    /// formatting machinery.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.print(&mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(n: u8) -> NExpr<u8> {
        NExpr::leaf(n)
    }

    #[test]
    fn smart_constructors_flatten_sort_dedup() {
        let e = NExpr::or(vec![l(3), NExpr::or(vec![l(1), l(2)]), l(1)]);
        assert_eq!(e.node(), &Node::Or(vec![l(1), l(2), l(3)]));
        let e = NExpr::and(vec![
            l(2),
            NExpr::and(vec![l(1)]),
            NExpr::or(vec![l(5), l(4)]),
        ]);
        assert_eq!(
            e.node(),
            &Node::And(vec![l(1), l(2), NExpr::or(vec![l(4), l(5)])])
        );
        assert_eq!(NExpr::or(vec![l(7), l(7)]), l(7));
        // An And inside an Or is not flattened into it.
        let e = NExpr::or(vec![NExpr::and(vec![l(1), l(2)]), l(3)]);
        assert!(matches!(e.node(), Node::Or(ops) if ops.len() == 2));
    }

    #[test]
    fn unescape_resolves_only_quote_and_backslash() {
        assert_eq!(unescape(r#"a\"b\\c"#), r#"a"b\c"#);
        assert_eq!(unescape(r"x\n"), r"x\n");
        assert_eq!(unescape("trailing\\"), "trailing\\");
    }
}
