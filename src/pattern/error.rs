//! Errors of the pattern parser: a kind, a span and the input.
//!
//! [`ParseError`]'s `Display` renders the pattern with a caret under the
//! offending bytes and a `help:` line, like this:
//!
//! ```text
//! error: single quotes do not delimit values
//!   |
//! 1 | { $.userIdentity.type = 'Root' }
//!   |                         ^^^^^^
//!   = help: use double quotes: `"Root"`
//! ```
//!
//! Messages are lowercase, one line, with user text in backticks.

use std::fmt;

use crate::pattern::ast::Span;

/// The longest pattern CloudWatch Logs accepts, in characters.
pub const MAX_PATTERN_CHARS: usize = 1024;

/// The deepest nesting of parentheses the parser accepts.
pub const MAX_NESTING: usize = 32;

/// What went wrong. New kinds may be added in minor releases.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The pattern is longer than 1024 characters (the service's limit).
    TooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// Parentheses are nested deeper than [`MAX_NESTING`].
    TooDeep,
    /// Whitespace before a `{` or `[` pattern, or after its closing bracket.
    /// The service recognises a JSON or space-delimited pattern by its first
    /// character, so leading whitespace turns it into invalid terms.
    SurroundingWhitespace,
    /// A JSON pattern whose `{` has no matching `}`.
    UnclosedBrace,
    /// `{}` or `( )`: no condition where one is needed.
    EmptyExpression,
    /// Text after the closing `}` or `]`.
    TrailingInput,
    /// Something else where a condition (`$.field …` or `(`) must start.
    ExpectedCondition,
    /// A property name without the `$.` that every selector starts with.
    SelectorWithoutRoot,
    /// `$` with no step after it, or `$` not followed by `.` or `[`.
    EmptySelector,
    /// A malformed selector step (`$.a..b`, `$.[x]`, `$.a[`).
    InvalidSelector,
    /// A bracket key `$.['…']` that is not closed or not single-quoted.
    InvalidBracketKey,
    /// An array index that is negative, a slice, or too large.
    InvalidIndex,
    /// More than one wildcard (`[*]`, `.*`) in one selector.
    TooManyWildcardsInSelector,
    /// More than three selectors with wildcards in one pattern.
    TooManyWildcardSelectors,
    /// No operator after a selector.
    ExpectedOperator,
    /// `==`: the language has only `=`.
    DoubleEquals,
    /// `IS NOT NULL` (or `IS NOT` anything): not supported by the service.
    IsNotUnsupported,
    /// A selector followed by `EXISTS`: only `NOT EXISTS` exists.
    ExistsUnsupported,
    /// `IS` followed by something other than `NULL`, `TRUE` or `FALSE`.
    ExpectedIsKeyword,
    /// `NOT` followed by something other than `EXISTS`.
    ExpectedExists,
    /// A keyword written in lower or mixed case (`is null`, `Not Exists`).
    KeywordCase,
    /// A keyword glued to the selector: `$.userIdentity.invokedByNOT EXISTS`.
    GluedKeyword,
    /// No value after an operator.
    ExpectedValue,
    /// A value in single quotes: they are not string delimiters.
    SingleQuotedValue,
    /// A `"` string with no closing quote.
    UnclosedString,
    /// A backslash escape other than `\"` and `\\` inside a quoted string.
    InvalidEscape,
    /// A bare value or term with characters that need double quotes.
    InvalidBareValue,
    /// `<`, `<=`, `>` or `>=` with something other than a bare number.
    NumericOperatorNeedsNumber,
    /// A `%regex%` with no closing `%`.
    UnclosedRegex,
    /// A character the regex dialect does not allow (parentheses, most
    /// punctuation, non-ASCII), or an empty regex.
    InvalidRegex,
    /// More than two regexes in one pattern.
    TooManyRegexes,
    /// A `(` with no matching `)`.
    UnclosedParen,
    /// A `)` with no matching `(`.
    UnmatchedParen,
    /// A lone `|` or `&`: the operators are `||` and `&&`.
    LoneOperator,
    /// A word operator such as `AND`, `OR` or `NOT` between conditions.
    WordOperator,
    /// Something other than `&&`, `||` or the end of the group after a condition.
    ExpectedLogicalOperator,
    /// A malformed space-delimited pattern (missing `,` or `]`, empty field).
    InvalidDelimited,
    /// A condition inside a space-delimited slot that names another field.
    DelimitedFieldMismatch,
    /// A malformed unstructured term (a lone `-` or `?`, or a stray `{`, `}`, `]`).
    InvalidTerm,
}

impl ErrorKind {
    /// A stable snake_case code for JSON output and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::TooLong { .. } => "too_long",
            ErrorKind::TooDeep => "too_deep",
            ErrorKind::SurroundingWhitespace => "surrounding_whitespace",
            ErrorKind::UnclosedBrace => "unclosed_brace",
            ErrorKind::EmptyExpression => "empty_expression",
            ErrorKind::TrailingInput => "trailing_input",
            ErrorKind::ExpectedCondition => "expected_condition",
            ErrorKind::SelectorWithoutRoot => "selector_without_root",
            ErrorKind::EmptySelector => "empty_selector",
            ErrorKind::InvalidSelector => "invalid_selector",
            ErrorKind::InvalidBracketKey => "invalid_bracket_key",
            ErrorKind::InvalidIndex => "invalid_index",
            ErrorKind::TooManyWildcardsInSelector => "too_many_wildcards_in_selector",
            ErrorKind::TooManyWildcardSelectors => "too_many_wildcard_selectors",
            ErrorKind::ExpectedOperator => "expected_operator",
            ErrorKind::DoubleEquals => "double_equals",
            ErrorKind::IsNotUnsupported => "is_not_unsupported",
            ErrorKind::ExistsUnsupported => "exists_unsupported",
            ErrorKind::ExpectedIsKeyword => "expected_is_keyword",
            ErrorKind::ExpectedExists => "expected_exists",
            ErrorKind::KeywordCase => "keyword_case",
            ErrorKind::GluedKeyword => "glued_keyword",
            ErrorKind::ExpectedValue => "expected_value",
            ErrorKind::SingleQuotedValue => "single_quoted_value",
            ErrorKind::UnclosedString => "unclosed_string",
            ErrorKind::InvalidEscape => "invalid_escape",
            ErrorKind::InvalidBareValue => "invalid_bare_value",
            ErrorKind::NumericOperatorNeedsNumber => "numeric_operator_needs_number",
            ErrorKind::UnclosedRegex => "unclosed_regex",
            ErrorKind::InvalidRegex => "invalid_regex",
            ErrorKind::TooManyRegexes => "too_many_regexes",
            ErrorKind::UnclosedParen => "unclosed_paren",
            ErrorKind::UnmatchedParen => "unmatched_paren",
            ErrorKind::LoneOperator => "lone_operator",
            ErrorKind::WordOperator => "word_operator",
            ErrorKind::ExpectedLogicalOperator => "expected_logical_operator",
            ErrorKind::InvalidDelimited => "invalid_delimited",
            ErrorKind::DelimitedFieldMismatch => "delimited_field_mismatch",
            ErrorKind::InvalidTerm => "invalid_term",
        }
    }

    /// Every kind, one of each (for documentation and corpus checks).
    pub fn all() -> Vec<ErrorKind> {
        vec![
            ErrorKind::TooLong { chars: 0 },
            ErrorKind::TooDeep,
            ErrorKind::SurroundingWhitespace,
            ErrorKind::UnclosedBrace,
            ErrorKind::EmptyExpression,
            ErrorKind::TrailingInput,
            ErrorKind::ExpectedCondition,
            ErrorKind::SelectorWithoutRoot,
            ErrorKind::EmptySelector,
            ErrorKind::InvalidSelector,
            ErrorKind::InvalidBracketKey,
            ErrorKind::InvalidIndex,
            ErrorKind::TooManyWildcardsInSelector,
            ErrorKind::TooManyWildcardSelectors,
            ErrorKind::ExpectedOperator,
            ErrorKind::DoubleEquals,
            ErrorKind::IsNotUnsupported,
            ErrorKind::ExistsUnsupported,
            ErrorKind::ExpectedIsKeyword,
            ErrorKind::ExpectedExists,
            ErrorKind::KeywordCase,
            ErrorKind::GluedKeyword,
            ErrorKind::ExpectedValue,
            ErrorKind::SingleQuotedValue,
            ErrorKind::UnclosedString,
            ErrorKind::InvalidEscape,
            ErrorKind::InvalidBareValue,
            ErrorKind::NumericOperatorNeedsNumber,
            ErrorKind::UnclosedRegex,
            ErrorKind::InvalidRegex,
            ErrorKind::TooManyRegexes,
            ErrorKind::UnclosedParen,
            ErrorKind::UnmatchedParen,
            ErrorKind::LoneOperator,
            ErrorKind::WordOperator,
            ErrorKind::ExpectedLogicalOperator,
            ErrorKind::InvalidDelimited,
            ErrorKind::DelimitedFieldMismatch,
            ErrorKind::InvalidTerm,
        ]
    }
}

/// A pattern that could not be parsed: what, where, and the pattern itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ErrorKind,
    span: Span,
    input: String,
    message: String,
    help: Option<String>,
}

impl ParseError {
    /// A new error. `message` is one lowercase line; `help` is advice.
    pub(crate) fn new(
        kind: ErrorKind,
        span: Span,
        input: &str,
        message: String,
        help: Option<String>,
    ) -> Self {
        // Keep the span inside the input and on character boundaries, whatever the caller did.
        let clamp = |mut o: usize, up: bool| {
            o = o.min(input.len());
            while !input.is_char_boundary(o) {
                if up { o += 1 } else { o -= 1 }
            }
            o
        };
        let start = clamp(span.start, false);
        let end = clamp(span.end.max(start), true);
        ParseError {
            kind,
            span: Span::new(start, end),
            input: input.to_owned(),
            message: one_line(message),
            help: help.map(one_line),
        }
    }

    /// The pattern is longer than [`MAX_PATTERN_CHARS`]: `chars` characters
    /// and `bytes` bytes in all, of which `head` is the start. A reader that
    /// stops keeping a long input passes what it kept; the span then runs
    /// from the first character over the limit to `bytes`, past the end of
    /// [`ParseError::input`].
    pub(crate) fn too_long(head: &str, chars: usize, bytes: usize) -> Self {
        let cut = head
            .char_indices()
            .nth(MAX_PATTERN_CHARS)
            .map_or(head.len(), |(i, _)| i);
        let mut e = ParseError::new(
            ErrorKind::TooLong { chars },
            Span::new(cut, cut),
            head,
            format!(
                "the pattern is {chars} characters long; CloudWatch Logs accepts at most {MAX_PATTERN_CHARS}"
            ),
            Some("split it into several metric filters, or shorten it".into()),
        );
        e.span.end = bytes.max(cut);
        e
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The bytes of the input at fault (may be empty: a position). For a
    /// `too_long` pattern of which only the start was kept, `end` is the
    /// length of the whole pattern.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The pattern that failed.
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
    /// (e.g. `pattern` or `main.tf:12:7`).
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

/// Show control characters of user text escaped (`\n`, `\u{1}`), so that a
/// message is always one line.
fn one_line(s: String) -> String {
    if !s.chars().any(char::is_control) {
        return s;
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

impl std::error::Error for ParseError {}

/// Render `text` with `message`, a caret line under `span`, and a help line.
///
/// Multi-line text shows the line the span starts on. Tabs are shown as one
/// space so the caret lines up.
pub fn render_caret(
    text: &str,
    span: Span,
    message: &str,
    help: Option<&str>,
    origin: Option<&str>,
) -> String {
    let start = span.start.min(text.len());
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |p| p + 1);
    let line_end = text
        .get(start..)
        .and_then(|t| t.find(['\n', '\r']))
        .map_or(text.len(), |p| start + p);
    let line_no = text
        .get(..line_start)
        .map_or(0, |t| t.matches('\n').count())
        + 1;
    let line = text.get(line_start..line_end).unwrap_or("");
    let shown: String = line
        .chars()
        .map(|c| if c == '\t' || c.is_control() { ' ' } else { c })
        .collect();
    let col = text.get(line_start..start).map_or(0, |t| t.chars().count());
    let end = span.end.clamp(start, line_end.max(start));
    let width = text.get(start..end).map_or(0, |t| t.chars().count()).max(1);
    let gutter = " ".repeat(line_no.to_string().len());
    let mut out = format!("error: {message}\n");
    if let Some(origin) = origin {
        out.push_str(&format!("{gutter}--> {origin}:{line_no}:{}\n", col + 1));
    }
    out.push_str(&format!("{gutter} |\n"));
    out.push_str(&format!("{line_no} | {shown}\n"));
    out.push_str(&format!(
        "{gutter} | {}{}",
        " ".repeat(col),
        "^".repeat(width)
    ));
    if let Some(help) = help {
        out.push_str(&format!("\n{gutter} = help: {help}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_span() {
        let r = render_caret(
            "{ $.a == 1 }",
            Span::new(6, 8),
            "`==` is not an operator",
            Some("use `=`"),
            None,
        );
        assert_eq!(
            r,
            "error: `==` is not an operator\n  |\n1 | { $.a == 1 }\n  |       ^^\n  = help: use `=`"
        );
    }

    #[test]
    fn caret_on_second_line_and_at_end() {
        let r = render_caret(
            "{ $.a = 1\n&& }",
            Span::new(13, 14),
            "expected a condition",
            None,
            Some("pattern"),
        );
        assert!(r.contains("--> pattern:2:4"), "{r}");
        assert!(r.contains("2 | && }\n  |    ^"), "{r}");
        let r = render_caret("{ $.a", Span::new(5, 5), "unclosed", None, None);
        assert!(r.ends_with("1 | { $.a\n  |      ^"), "{r}");
    }

    #[test]
    fn messages_and_help_are_one_line() {
        let e = ParseError::new(
            ErrorKind::SingleQuotedValue,
            Span::new(0, 1),
            "x",
            "bad `a\nb`".into(),
            Some("use `\"x\ty\"`".into()),
        );
        assert_eq!(e.message(), "bad `a\\nb`");
        assert_eq!(e.help(), Some("use `\"x\\ty\"`"));
    }

    #[test]
    fn codes_are_unique() {
        let all = ErrorKind::all();
        let mut codes: Vec<_> = all.iter().map(ErrorKind::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
