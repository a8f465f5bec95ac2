//! Errors of the criteria parser: a kind, a span and the input.
//!
//! [`CriteriaError`]'s `Display` renders the text with a caret under the
//! offending bytes and a `help:` line, with the renderer the pattern errors
//! use ([`render_caret`]):
//!
//! ```text
//! error: single quotes do not delimit values
//!   |
//! 1 | @aws.region = 'us-east-1'
//!   |               ^^^^^^^^^^^
//!   = help: use double quotes: `"us-east-1"`
//! ```

use std::fmt;

use crate::pattern::ast::Span;
use crate::pattern::error::render_caret;

/// The longest `fieldSelectionCriteria` CloudWatch Logs accepts, in characters.
pub const MAX_CRITERIA_CHARS: usize = 2000;

/// The deepest nesting of parentheses the parser accepts.
pub const MAX_NESTING: usize = 32;

/// What went wrong. New kinds may be added in minor releases.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is longer than 2000 characters (the service's limit).
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// Parentheses are nested deeper than [`MAX_NESTING`].
    TooDeep,
    /// `()`: no condition where one is needed.
    EmptyExpression,
    /// Something else where a condition (`@aws.… op …` or `(`) must start.
    ExpectedCondition,
    /// A field other than `@aws.account` and `@aws.region`.
    UnknownField,
    /// No operator after the field.
    ExpectedOperator,
    /// `==`: the operator is `=`.
    DoubleEquals,
    /// An operator of another language: `<>`, `<`, `>=`, `LIKE`, ….
    UnsupportedOperator,
    /// A keyword in lower or mixed case (`in`, `And`).
    KeywordCase,
    /// A keyword not separated from its neighbours: `"x"AND`, `NOTIN`.
    GluedKeyword,
    /// `&&`, `||`, `&`, `|` or `!` where `AND`, `OR` or `NOT IN` is meant.
    SymbolOperator,
    /// Something other than `AND`, `OR`, `)` or the end after a condition.
    ExpectedLogicalOperator,
    /// `AND` and `OR` in one group without parentheses.
    MixedAndOr,
    /// A `(` with no matching `)`.
    UnclosedParen,
    /// A `)` with no matching `(`.
    UnmatchedParen,
    /// No value after `=` or `!=`.
    ExpectedValue,
    /// A value in single quotes.
    SingleQuotedValue,
    /// A value without double quotes.
    UnquotedValue,
    /// A `"` with no closing quote.
    UnclosedString,
    /// A backslash inside a value.
    InvalidEscape,
    /// An `@aws.account` value that is not a 12-digit account ID.
    InvalidAccountId,
    /// An `@aws.region` value that is not a Region code such as `us-east-1`.
    InvalidRegion,
    /// `IN` or `NOT IN` not followed by `[`.
    ExpectedList,
    /// `[]`: a list with no value.
    EmptyList,
    /// A `[` with no matching `]`.
    UnclosedList,
    /// A malformed list: a missing or trailing comma.
    InvalidList,
}

impl ErrorKind {
    /// A stable snake_case code for JSON output and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::TooLong { .. } => "too_long",
            ErrorKind::TooDeep => "too_deep",
            ErrorKind::EmptyExpression => "empty_expression",
            ErrorKind::ExpectedCondition => "expected_condition",
            ErrorKind::UnknownField => "unknown_field",
            ErrorKind::ExpectedOperator => "expected_operator",
            ErrorKind::DoubleEquals => "double_equals",
            ErrorKind::UnsupportedOperator => "unsupported_operator",
            ErrorKind::KeywordCase => "keyword_case",
            ErrorKind::GluedKeyword => "glued_keyword",
            ErrorKind::SymbolOperator => "symbol_operator",
            ErrorKind::ExpectedLogicalOperator => "expected_logical_operator",
            ErrorKind::MixedAndOr => "mixed_and_or",
            ErrorKind::UnclosedParen => "unclosed_paren",
            ErrorKind::UnmatchedParen => "unmatched_paren",
            ErrorKind::ExpectedValue => "expected_value",
            ErrorKind::SingleQuotedValue => "single_quoted_value",
            ErrorKind::UnquotedValue => "unquoted_value",
            ErrorKind::UnclosedString => "unclosed_string",
            ErrorKind::InvalidEscape => "invalid_escape",
            ErrorKind::InvalidAccountId => "invalid_account_id",
            ErrorKind::InvalidRegion => "invalid_region",
            ErrorKind::ExpectedList => "expected_list",
            ErrorKind::EmptyList => "empty_list",
            ErrorKind::UnclosedList => "unclosed_list",
            ErrorKind::InvalidList => "invalid_list",
        }
    }

    /// Every kind, one of each (for documentation and corpus checks).
    pub fn all() -> Vec<ErrorKind> {
        vec![
            ErrorKind::TooLong { chars: 0 },
            ErrorKind::TooDeep,
            ErrorKind::EmptyExpression,
            ErrorKind::ExpectedCondition,
            ErrorKind::UnknownField,
            ErrorKind::ExpectedOperator,
            ErrorKind::DoubleEquals,
            ErrorKind::UnsupportedOperator,
            ErrorKind::KeywordCase,
            ErrorKind::GluedKeyword,
            ErrorKind::SymbolOperator,
            ErrorKind::ExpectedLogicalOperator,
            ErrorKind::MixedAndOr,
            ErrorKind::UnclosedParen,
            ErrorKind::UnmatchedParen,
            ErrorKind::ExpectedValue,
            ErrorKind::SingleQuotedValue,
            ErrorKind::UnquotedValue,
            ErrorKind::UnclosedString,
            ErrorKind::InvalidEscape,
            ErrorKind::InvalidAccountId,
            ErrorKind::InvalidRegion,
            ErrorKind::ExpectedList,
            ErrorKind::EmptyList,
            ErrorKind::UnclosedList,
            ErrorKind::InvalidList,
        ]
    }
}

/// Criteria that could not be parsed: what, where, and the text itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriteriaError {
    kind: ErrorKind,
    span: Span,
    input: String,
    message: String,
    help: Option<String>,
}

impl CriteriaError {
    /// A new error. `message` is one lowercase line; `help` is advice. The
    /// span is kept inside the input and on character boundaries, and
    /// control characters in the texts are shown escaped.
    pub(crate) fn new(
        kind: ErrorKind,
        span: Span,
        input: &str,
        message: String,
        help: Option<String>,
    ) -> Self {
        let start = floor_boundary(input, span.start);
        let end = ceil_boundary(input, span.end.max(start));
        CriteriaError {
            kind,
            span: Span::new(start, end),
            input: input.to_owned(),
            message: crate::pattern::error::one_line(message),
            help: help.map(crate::pattern::error::one_line),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The bytes of the input at fault (may be empty: a position).
    pub fn span(&self) -> Span {
        self.span
    }

    /// The criteria that failed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The one-line message, without the rendering.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Advice on what the user probably meant, if any.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Render with a caret under the span; `origin` names the source
    /// (e.g. `criteria` or `main.tf:12:7`).
    pub fn render(&self, origin: Option<&str>) -> String {
        render_caret(
            &self.input,
            self.span,
            &self.message,
            self.help.as_deref(),
            origin,
        )
    }
}

impl fmt::Display for CriteriaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

impl std::error::Error for CriteriaError {}

/// The largest character boundary of `s` at or before `at` (clamped to `s`).
fn floor_boundary(s: &str, at: usize) -> usize {
    (0..=at.min(s.len()))
        .rev()
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0)
}

/// The smallest character boundary of `s` at or after `at` (clamped to `s`).
fn ceil_boundary(s: &str, at: usize) -> usize {
    (at.min(s.len())..=s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let all = ErrorKind::all();
        let mut codes: Vec<_> = all.iter().map(ErrorKind::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn spans_are_clamped_to_boundaries_and_texts_to_one_line() {
        let e = CriteriaError::new(
            ErrorKind::InvalidRegion,
            Span::new(2, 99),
            "é\u{e9}x",
            "bad `a\nb`".into(),
            Some("x\ty".into()),
        );
        assert_eq!((e.span().start, e.span().end), (2, 5));
        assert_eq!(e.message(), "bad `a\\nb`");
        assert_eq!(e.help(), Some("x\\ty"));
        let e = CriteriaError::new(ErrorKind::TooDeep, Span::new(1, 1), "é", "m".into(), None);
        assert_eq!((e.span().start, e.span().end), (0, 2));
    }
}
