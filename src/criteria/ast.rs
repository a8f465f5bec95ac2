//! The spanned syntax tree of a `fieldSelectionCriteria` expression.
//!
//! The tree is faithful to the text: parentheses, the operator as written
//! (`=` or `IN [...]`) and the order of values are kept, and every node
//! carries the byte [`Span`] it was parsed from. The boolean structure reuses
//! the filter-pattern tree's [`Expr`] (chains of one operator, explicit
//! parentheses), with [`Comparison`] leaves. Spans never take part in
//! equality (see [`Span`]).

use serde::Serialize;

pub use crate::pattern::ast::{Chain, Expr, Paren, Span, Spanned};

/// A parsed `fieldSelectionCriteria`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Criteria {
    /// The expression; `None` for the empty text (or whitespace only), which
    /// selects every account and Region.
    pub expr: Option<Expr<Comparison>>,
    /// The whole text, surrounding whitespace included.
    pub span: Span,
}

/// A system field the criteria may test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Field {
    /// `@aws.account`: the account the log event came from.
    #[serde(rename = "@aws.account")]
    Account,
    /// `@aws.region`: the Region the log event came from.
    #[serde(rename = "@aws.region")]
    Region,
}

impl Field {
    /// Every field, in sort order.
    pub const ALL: [Field; 2] = [Field::Account, Field::Region];

    /// The field's name as written: `@aws.account` or `@aws.region`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Account => "@aws.account",
            Field::Region => "@aws.region",
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Op {
    /// `=`: the field equals the value.
    #[serde(rename = "=")]
    Eq,
    /// `!=`: the field differs from the value.
    #[serde(rename = "!=")]
    Ne,
    /// `IN [...]`: the field is one of the values.
    #[serde(rename = "IN")]
    In,
    /// `NOT IN [...]`: the field is none of the values.
    #[serde(rename = "NOT IN")]
    NotIn,
}

impl Op {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
        }
    }

    /// `!=` and `NOT IN`: the field must be none of the values.
    pub fn is_negated(self) -> bool {
        matches!(self, Op::Ne | Op::NotIn)
    }

    /// `IN` and `NOT IN` take a bracketed list; `=` and `!=` one value.
    pub fn takes_list(self) -> bool {
        matches!(self, Op::In | Op::NotIn)
    }
}

/// One condition: `field op value` or `field op [values]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Comparison {
    /// The field tested.
    pub field: Field,
    /// Where the field name is written.
    pub field_span: Span,
    /// The operator (`operator` in JSON: `op` names the node kind there).
    #[serde(rename = "operator")]
    pub op: Op,
    /// Where the operator is written (`NOT IN` covers both words).
    #[serde(rename = "operator_span")]
    pub op_span: Span,
    /// The right-hand side: one value for `=` and `!=`, a list for `IN` and
    /// `NOT IN`.
    pub rhs: Rhs,
    /// From the field to the end of the right-hand side.
    pub span: Span,
}

impl Spanned for Comparison {
    fn span(&self) -> Span {
        self.span
    }
}

impl Comparison {
    /// The values compared with, in source order.
    pub fn values(&self) -> &[Str] {
        match &self.rhs {
            Rhs::Value(s) => std::slice::from_ref(s),
            Rhs::List(l) => &l.items,
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Rhs {
    /// One double-quoted value.
    Value(Str),
    /// `[ "a", "b" ]`.
    List(List),
}

/// A bracketed list of values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct List {
    /// At least one value, in source order (duplicates kept).
    pub items: Vec<Str>,
    /// From `[` to `]` inclusive.
    pub span: Span,
}

/// A double-quoted value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Str {
    /// The text between the quotes (it never contains `"` or `\`).
    pub value: String,
    /// From the opening to the closing quote inclusive.
    pub span: Span,
}
