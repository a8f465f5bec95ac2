//! What went wrong in a pattern, and how to say it: every message and help
//! text of the parser is written here.

use std::borrow::Cow;
use std::fmt;

use super::{MAX_NESTING, MAX_PATTERN_CHARS, MAX_REGEXES, MAX_WILDCARD_SELECTORS};
use crate::pattern::ast::{CmpOp, TermPrefix};
use crate::pattern::chars::is_ws;
use crate::pattern::normal::write_quoted;

/// What went wrong, with what the message needs to say it. New kinds may be
/// added in minor releases.
///
/// Every message and help text is written here: [`fmt::Display`] gives the
/// one-line message and [`ErrorKind::help`] the advice; the parser only
/// says which kind, at which span.
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
    /// Whitespace before a `{`, `[` or `%` pattern, or after its closing
    /// character. The service recognises a JSON or space-delimited pattern by
    /// its first character, so leading whitespace turns it into invalid terms.
    SurroundingWhitespace {
        /// The opening character (before) or the closing one (after).
        bracket: char,
        /// The whitespace follows the pattern.
        after: bool,
    },
    /// A JSON pattern whose `{` has no matching `}`.
    UnclosedBrace {
        /// The pattern ends where a condition should start (`{ $.a = 1 &&`).
        condition_expected: bool,
    },
    /// `{}` or `( )`: no condition where one is needed.
    EmptyExpression {
        /// `{` or `(`.
        open: char,
    },
    /// Text after the closing `}` or `]`.
    TrailingInput {
        /// The closing character of the pattern.
        close: char,
        /// The text after it.
        found: String,
    },
    /// Something else where a condition (`$.field …` or `(`) must start.
    ExpectedCondition {
        /// The token found there; `None` where no token can be named.
        found: Option<String>,
        /// The token is `&&` or `||`.
        operator: bool,
    },
    /// A property name without the `$.` that every selector starts with.
    SelectorWithoutRoot {
        /// The name as written.
        name: String,
    },
    /// `$` with no step after it, or `$` not followed by `.` or `[`.
    EmptySelector {
        /// The name right after `$` (`$eventName`), possibly empty.
        name: String,
    },
    /// A malformed selector step (`$.a..b`, `$.["x"]`).
    InvalidSelector(SelectorProblem),
    /// A bracket key `$.['…']` that is not closed or not single-quoted.
    InvalidBracketKey(BracketKeyProblem),
    /// An array index that is negative, a slice, or too large.
    InvalidIndex(IndexProblem),
    /// More than one wildcard (`[*]`, `.*`) in one selector.
    TooManyWildcardsInSelector,
    /// More than three selectors with wildcards in one pattern.
    TooManyWildcardSelectors,
    /// No operator after a selector or a delimited field name.
    ExpectedOperator {
        /// The delimited field name (`[code 404]`), or `None` after a selector.
        field: Option<String>,
        /// The token found after a selector, if any.
        found: Option<String>,
    },
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
    KeywordCase {
        /// The keyword as written.
        word: String,
    },
    /// A keyword glued to the selector: `$.userIdentity.invokedByNOT EXISTS`.
    GluedKeyword {
        /// `NOT` or `IS`.
        keyword: &'static str,
        /// The property name it is glued to, keyword included.
        name: String,
        /// The keyword that follows (`EXISTS`, `NULL`, …).
        next: &'static str,
    },
    /// No value after an operator.
    ExpectedValue,
    /// A value in single quotes: they are not string delimiters.
    SingleQuotedValue {
        /// The text between the quotes.
        inner: String,
    },
    /// A `"` string with no closing quote.
    UnclosedString,
    /// A backslash escape other than `\"` and `\\` inside a quoted string.
    InvalidEscape {
        /// The character after the backslash.
        escaped: char,
    },
    /// A bare value or term with characters that need double quotes.
    InvalidBareValue {
        /// The value or term as written.
        value: String,
        /// It is an unstructured term, not a value after an operator.
        term: bool,
    },
    /// `<`, `<=`, `>` or `>=` with something other than a bare number.
    NumericOperatorNeedsNumber {
        /// The operator.
        op: CmpOp,
        /// The number, when the value is a quoted number (`"123"`).
        quoted_number: Option<String>,
    },
    /// A `%regex%` with no closing `%`.
    UnclosedRegex,
    /// A character the regex dialect does not allow (parentheses, most
    /// punctuation, non-ASCII), or an empty regex.
    InvalidRegex {
        /// The character, or `None` for an empty regex.
        found: Option<char>,
    },
    /// More than two regexes in one pattern.
    TooManyRegexes,
    /// A `(` with no matching `)`.
    UnclosedParen,
    /// A `)` with no matching `(`.
    UnmatchedParen,
    /// A lone `|` or `&`: the operators are `||` and `&&`.
    LoneOperator {
        /// `|` or `&`.
        op: char,
    },
    /// A word operator such as `AND`, `OR` or `NOT` between conditions.
    WordOperator {
        /// The word as written.
        word: String,
    },
    /// Something other than `&&`, `||` or the end of the group after a condition.
    ExpectedLogicalOperator {
        /// The character that would end the group: `}` or `)`.
        close: char,
        /// The token found instead.
        found: String,
    },
    /// A malformed space-delimited pattern (missing `,` or `]`, empty field).
    InvalidDelimited(DelimitedProblem),
    /// A condition inside a space-delimited slot that names another field.
    DelimitedFieldMismatch {
        /// The field the slot tests.
        field: String,
        /// The name the condition tests instead.
        name: String,
    },
    /// A malformed unstructured term (a lone `-` or `?`, or a stray `{`, `}`, `]`).
    InvalidTerm(TermProblem),
}

/// What is wrong with a selector step ([`ErrorKind::InvalidSelector`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SelectorProblem {
    /// No property name after `.` (`$.a..b`); the character found there.
    NoName {
        /// The character after the `.`, if any.
        next: Option<char>,
    },
    /// A quoted bracket key without the `.` before it (`$["k"]`).
    KeyWithoutDot,
}

/// What is wrong with a bracket key ([`ErrorKind::InvalidBracketKey`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BracketKeyProblem {
    /// `.[` not followed by `'`.
    NotQuoted {
        /// It is followed by `"` instead.
        double: bool,
    },
    /// No closing `'`.
    Unclosed,
    /// An empty key, or one with control characters.
    Empty,
    /// No `]` after the closing `'`.
    NoBracket,
}

/// What is wrong with an array index ([`ErrorKind::InvalidIndex`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IndexProblem {
    /// Not digits followed by `]`.
    NotANumber,
    /// Leading zeros (`[007]`).
    LeadingZeros {
        /// The digits as written.
        digits: String,
    },
    /// More than a 32-bit index.
    TooLarge,
}

/// What is wrong with a space-delimited pattern ([`ErrorKind::InvalidDelimited`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DelimitedProblem {
    /// `[]`.
    NoFields,
    /// A `,` or `]` where a field name should be (`[a,]`).
    MissingName,
    /// The `[` is never closed.
    Unclosed,
    /// Something other than `,` or `]` after a field.
    ExpectedSeparator {
        /// The token found.
        found: String,
    },
    /// Something other than a field name where one should be.
    ExpectedName {
        /// The token found.
        found: String,
    },
}

/// What is wrong with an unstructured term ([`ErrorKind::InvalidTerm`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TermProblem {
    /// Two terms with no whitespace between them.
    NotSeparated,
    /// A `%regex%` among terms.
    Regex,
    /// A `-` or `?` at the end of the pattern.
    Missing {
        /// The prefix.
        prefix: TermPrefix,
    },
    /// Whitespace after a `-` or `?`.
    SpaceAfterPrefix {
        /// The prefix.
        prefix: TermPrefix,
    },
}

/// The advice after `expected an operator after the selector`.
const SELECTOR_OPERATORS: &str =
    "use `=`, `!=`, `<`, `<=`, `>`, `>=`, `IS NULL`, `IS TRUE`, `IS FALSE` or `NOT EXISTS`";

/// The advice after `invalid character(s) in …`.
fn quote_it(what: &str, text: &str) -> String {
    let mut quoted = String::new();
    let _ = write_quoted(&mut quoted, text);
    format!("put the {what} in double quotes: `{quoted}`")
}

impl fmt::Display for ErrorKind {
    /// The one-line message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind as K;
        match self {
            K::TooLong { chars } => write!(
                f,
                "the pattern is {chars} characters long; CloudWatch Logs accepts at most {MAX_PATTERN_CHARS}"
            ),
            K::TooDeep => write!(f, "parentheses are nested more than {MAX_NESTING} deep"),
            K::SurroundingWhitespace {
                bracket,
                after: false,
            } => write!(f, "whitespace before `{bracket}`"),
            K::SurroundingWhitespace {
                bracket,
                after: true,
            } => write!(f, "whitespace after the closing `{bracket}`"),
            K::UnclosedBrace {
                condition_expected: false,
            } => f.write_str("this `{` is never closed"),
            K::UnclosedBrace {
                condition_expected: true,
            } => f.write_str("the pattern ends where a condition should start"),
            K::EmptyExpression { open: '{' } => f.write_str("`{}` has no condition"),
            K::EmptyExpression { .. } => f.write_str("`()` has no condition"),
            K::TrailingInput { close, .. } => {
                write!(f, "unexpected text after the closing `{close}`")
            }
            K::ExpectedCondition { found: None, .. } => f.write_str("unexpected input"),
            K::ExpectedCondition {
                found: Some(found), ..
            } => write!(f, "expected a condition, found `{found}`"),
            K::SelectorWithoutRoot { name } => write!(f, "`{name}` is not a selector"),
            K::EmptySelector { .. } => {
                f.write_str("`$` must be followed by `.` and a property name")
            }
            K::InvalidSelector(SelectorProblem::NoName { .. }) => {
                f.write_str("expected a property name after `.`")
            }
            K::InvalidSelector(SelectorProblem::KeyWithoutDot) => {
                f.write_str("a bracket key needs a `.` before it")
            }
            K::InvalidBracketKey(p) => f.write_str(match p {
                BracketKeyProblem::NotQuoted { .. } => "expected `'` after `.[`",
                BracketKeyProblem::Unclosed => "this bracket key is never closed",
                BracketKeyProblem::Empty => "a bracket key must be non-empty printable text",
                BracketKeyProblem::NoBracket => "expected `]` after the bracket key",
            }),
            K::InvalidIndex(p) => f.write_str(match p {
                IndexProblem::NotANumber => {
                    "an array index is a non-negative whole number: `[0]`, or `[*]` for any element"
                }
                IndexProblem::LeadingZeros { .. } => "an array index has no leading zeros",
                IndexProblem::TooLarge => "the array index is too large",
            }),
            K::TooManyWildcardsInSelector => {
                f.write_str("a selector may have at most one wildcard (`[*]` or `.*`)")
            }
            K::TooManyWildcardSelectors => write!(
                f,
                "a pattern may contain at most {MAX_WILDCARD_SELECTORS} selectors with wildcards"
            ),
            K::ExpectedOperator {
                field: Some(field), ..
            } => write!(f, "expected an operator after `{field}`"),
            K::ExpectedOperator {
                found: Some(found), ..
            } => write!(
                f,
                "expected an operator after the selector, found `{found}`"
            ),
            K::ExpectedOperator { .. } => f.write_str("expected an operator after the selector"),
            K::DoubleEquals => f.write_str("`==` is not an operator"),
            K::IsNotUnsupported => f.write_str("`IS NOT` is not supported"),
            K::ExistsUnsupported => f.write_str("`EXISTS` is not supported; only `NOT EXISTS` is"),
            K::ExpectedIsKeyword => f.write_str("expected `NULL`, `TRUE` or `FALSE` after `IS`"),
            K::ExpectedExists => f.write_str("expected `EXISTS` after `NOT`"),
            K::KeywordCase { word } => write!(f, "`{word}` must be written in upper case"),
            K::GluedKeyword { keyword, name, .. } => {
                write!(f, "`{keyword}` is glued to the property name `{name}`")
            }
            K::ExpectedValue => f.write_str("expected a value after the operator"),
            K::SingleQuotedValue { .. } => f.write_str("single quotes do not delimit values"),
            K::UnclosedString => f.write_str("this string is never closed"),
            K::InvalidEscape { escaped } => {
                write!(f, "`\\{}` is not an escape", escaped.escape_debug())
            }
            K::InvalidBareValue { value, term: false } => {
                write!(f, "invalid character(s) in `{value}`")
            }
            K::InvalidBareValue { value, term: true } => {
                write!(f, "invalid character(s) in term `{value}`")
            }
            K::NumericOperatorNeedsNumber { op, .. } => {
                write!(f, "`{}` needs a number on its right", op.as_str())
            }
            K::UnclosedRegex => f.write_str("this regex is never closed"),
            K::InvalidRegex { found: None } => f.write_str("the regex is empty"),
            K::InvalidRegex { found: Some(c) } => {
                write!(f, "`{}` is not allowed in a regex", c.escape_debug())
            }
            K::TooManyRegexes => write!(f, "a pattern may contain at most {MAX_REGEXES} regexes"),
            K::UnclosedParen => f.write_str("this `(` is never closed"),
            K::UnmatchedParen => f.write_str("`)` has no matching `(`"),
            K::LoneOperator { op } => write!(f, "`{op}` is not an operator"),
            K::WordOperator { word } => {
                write!(f, "`{word}` is not an operator in filter patterns")
            }
            K::ExpectedLogicalOperator { close, found } => {
                write!(f, "expected `&&`, `||` or `{close}`, found `{found}`")
            }
            K::InvalidDelimited(p) => match p {
                DelimitedProblem::NoFields => f.write_str("`[]` has no fields"),
                DelimitedProblem::MissingName => f.write_str("expected a field name before this"),
                DelimitedProblem::Unclosed => f.write_str("this `[` is never closed"),
                DelimitedProblem::ExpectedSeparator { found } => {
                    write!(f, "expected `,` or `]`, found `{found}`")
                }
                DelimitedProblem::ExpectedName { found } => {
                    write!(f, "expected a field name, found `{found}`")
                }
            },
            K::DelimitedFieldMismatch { field, name } => {
                write!(f, "a condition in the `{field}` field names `{name}`")
            }
            K::InvalidTerm(p) => match p {
                TermProblem::NotSeparated => f.write_str("terms must be separated by whitespace"),
                TermProblem::Regex => f.write_str("a regex must be the whole pattern"),
                TermProblem::Missing { prefix } => {
                    write!(f, "`{}` needs a term after it", prefix.as_str())
                }
                TermProblem::SpaceAfterPrefix { prefix } => {
                    write!(f, "`{}` needs a term right after it", prefix.as_str())
                }
            },
        }
    }
}

impl ErrorKind {
    /// Advice on what the user probably meant, if any: one line, shown as
    /// `= help:` under the caret.
    pub fn help(&self) -> Option<Cow<'static, str>> {
        use ErrorKind as K;
        let text: Cow<'static, str> = match self {
            K::TooLong { .. } => "split it into several metric filters, or shorten it".into(),
            K::TooDeep => "remove redundant parentheses".into(),
            K::SurroundingWhitespace {
                bracket,
                after: false,
            } => format!(
                "CloudWatch Logs recognises the pattern's kind by its first character: remove the whitespace before `{bracket}`"
            )
            .into(),
            K::SurroundingWhitespace { after: true, .. } => {
                "remove it: the service has rejected patterns with surrounding whitespace".into()
            }
            K::UnclosedBrace { .. } => "a pattern that starts with `{` must end with `}`".into(),
            K::EmptyExpression { open: '{' } => "write a condition such as `{ $.eventName = \"ConsoleLogin\" }`, or use the empty pattern to match every event".into(),
            K::TrailingInput { close: '}', found } if found.starts_with("&&") || found.starts_with("||") => {
                "several `{…}` blocks cannot be joined outside the braces: put the whole expression inside one pair, e.g. `{ ($.a = 1) || ($.b = 2) }`".into()
            }
            K::TrailingInput { close: '}', found } if found.starts_with('{') => {
                "a pattern has one `{…}` block: join the conditions inside it with `&&` or `||`".into()
            }
            K::ExpectedCondition {
                found: Some(found),
                operator,
            } => {
                if *operator {
                    "an operator needs a condition on both sides".into()
                } else if found.starts_with('}') || found.starts_with(')') {
                    "remove the dangling operator before it".into()
                } else {
                    "a condition starts with a selector such as `$.eventName`, or with `(`".into()
                }
            }
            K::SelectorWithoutRoot { name } => {
                format!("selectors start with `$.`: write `$.{name}`").into()
            }
            K::EmptySelector { name } if name.is_empty() => {
                "a selector names a property after `$.`, e.g. `$.eventName`".into()
            }
            K::EmptySelector { name } => format!("write `$.{name}`").into(),
            K::InvalidSelector(SelectorProblem::NoName { next: Some(c) })
                if !is_ws(*c) && !matches!(c, '.' | ')' | '}' | '=' | '!' | '<' | '>') =>
            {
                format!("a name with `{c}` needs bracket notation: `$.['…']`").into()
            }
            K::InvalidSelector(SelectorProblem::KeyWithoutDot) => {
                "write `.['key']`, e.g. `$.['cluster.name']`".into()
            }
            K::InvalidBracketKey(BracketKeyProblem::NotQuoted { double: true }) => {
                "bracket keys use single quotes: `$.['key']`".into()
            }
            K::InvalidBracketKey(BracketKeyProblem::NotQuoted { double: false }) => {
                "write the key in single quotes: `$.['key']`".into()
            }
            K::InvalidBracketKey(BracketKeyProblem::Unclosed) => "end it with `']`".into(),
            K::InvalidIndex(IndexProblem::LeadingZeros { digits }) => {
                format!("write `[{}]`", digits.trim_start_matches('0').max("0")).into()
            }
            K::ExpectedOperator { field: Some(_), .. } => {
                "use `=`, `!=`, `<`, `<=`, `>` or `>=`".into()
            }
            K::ExpectedOperator { field: None, .. } => SELECTOR_OPERATORS.into(),
            K::DoubleEquals => "use `=`".into(),
            K::IsNotUnsupported => "there is no `IS NOT NULL`; to require a value compare with `= *` (strings and numbers), or test `IS TRUE`/`IS FALSE`".into(),
            K::ExistsUnsupported => {
                "to require a field, compare it with `= *` (matches any string or number)".into()
            }
            K::KeywordCase { word } => format!("write `{}`", word.to_ascii_uppercase()).into(),
            K::GluedKeyword {
                keyword,
                name,
                next,
            } => {
                let fixed = name.strip_suffix(keyword).unwrap_or(name);
                format!("put a space before it: `{fixed} {keyword} {next}`").into()
            }
            K::ExpectedValue => "write a quoted string, a number, `*` or a `%regex%`".into(),
            K::SingleQuotedValue { inner } => format!("use double quotes: `\"{inner}\"`").into(),
            K::UnclosedString => "end it with `\"`".into(),
            K::InvalidEscape { .. } => "only `\\\"` and `\\\\` are escapes inside a quoted value; write `\\\\` for a backslash".into(),
            K::InvalidBareValue { value, term: false } => quote_it("value", value).into(),
            K::InvalidBareValue { value, term: true } => {
                if value.starts_with('}') || value.starts_with(']') {
                    "a JSON or space-delimited pattern must start with `{` or `[` as its very first character".into()
                } else if value.starts_with("$.") || value.starts_with("($") {
                    "JSON conditions go inside braces: `{ $.field = \"value\" }`".into()
                } else {
                    quote_it("term", value).into()
                }
            }
            K::NumericOperatorNeedsNumber {
                quoted_number: Some(q),
                ..
            } => format!("remove the quotes: `{q}`").into(),
            K::NumericOperatorNeedsNumber { .. } => "compare strings with `=` or `!=`".into(),
            K::UnclosedRegex => "end it with `%`".into(),
            K::InvalidRegex { found: Some(c) } => match c {
                '(' | ')' => {
                    "groups are not supported; match a literal parenthesis with `\\x28` or `\\x29`"
                        .into()
                }
                c if is_ws(*c) => "match whitespace with `\\s`".into(),
                c if !c.is_ascii() => {
                    "only ASCII characters are allowed; use `\\xhh` escapes".into()
                }
                _ => format!("use `\\x{:02x}` to match `{c}`", u32::from(*c)).into(),
            },
            K::TooManyRegexes => {
                "split the pattern, or combine alternatives with `|` inside one regex".into()
            }
            K::LoneOperator { op } => format!("write `{op}{op}`").into(),
            K::WordOperator { word } => match word.to_ascii_uppercase().as_str() {
                "AND" => "use `&&`".into(),
                "OR" => "use `||`".into(),
                _ => "there is no negation of an expression; use `!=` or `NOT EXISTS` on a selector"
                    .into(),
            },
            K::ExpectedLogicalOperator { found, .. }
                if found.starts_with('"') || found.starts_with('\'') =>
            {
                "a value with spaces must be one double-quoted string: `\"Failed authentication\"`"
                    .into()
            }
            K::InvalidDelimited(DelimitedProblem::MissingName) => "remove the extra `,`".into(),
            K::InvalidDelimited(DelimitedProblem::Unclosed) => "end the pattern with `]`".into(),
            K::InvalidDelimited(DelimitedProblem::ExpectedSeparator { .. }) => {
                "separate fields with `,`; join conditions on one field with `&&` or `||`".into()
            }
            K::InvalidDelimited(DelimitedProblem::ExpectedName { found })
                if found.starts_with('(') =>
            {
                "parentheses are not supported in space-delimited patterns".into()
            }
            K::DelimitedFieldMismatch { field, .. } => format!(
                "conditions joined with `&&`/`||` in one field must all test `{field}`; separate fields with `,`"
            )
            .into(),
            K::InvalidTerm(TermProblem::Regex) => {
                "a pattern is either `%regex%` alone or unstructured terms".into()
            }
            K::InvalidTerm(TermProblem::SpaceAfterPrefix { .. }) => "remove the space".into(),
            _ => return None,
        };
        Some(text)
    }

    /// A stable snake_case code for JSON output and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::TooLong { .. } => "too_long",
            ErrorKind::TooDeep => "too_deep",
            ErrorKind::SurroundingWhitespace { .. } => "surrounding_whitespace",
            ErrorKind::UnclosedBrace { .. } => "unclosed_brace",
            ErrorKind::EmptyExpression { .. } => "empty_expression",
            ErrorKind::TrailingInput { .. } => "trailing_input",
            ErrorKind::ExpectedCondition { .. } => "expected_condition",
            ErrorKind::SelectorWithoutRoot { .. } => "selector_without_root",
            ErrorKind::EmptySelector { .. } => "empty_selector",
            ErrorKind::InvalidSelector(_) => "invalid_selector",
            ErrorKind::InvalidBracketKey(_) => "invalid_bracket_key",
            ErrorKind::InvalidIndex(_) => "invalid_index",
            ErrorKind::TooManyWildcardsInSelector => "too_many_wildcards_in_selector",
            ErrorKind::TooManyWildcardSelectors => "too_many_wildcard_selectors",
            ErrorKind::ExpectedOperator { .. } => "expected_operator",
            ErrorKind::DoubleEquals => "double_equals",
            ErrorKind::IsNotUnsupported => "is_not_unsupported",
            ErrorKind::ExistsUnsupported => "exists_unsupported",
            ErrorKind::ExpectedIsKeyword => "expected_is_keyword",
            ErrorKind::ExpectedExists => "expected_exists",
            ErrorKind::KeywordCase { .. } => "keyword_case",
            ErrorKind::GluedKeyword { .. } => "glued_keyword",
            ErrorKind::ExpectedValue => "expected_value",
            ErrorKind::SingleQuotedValue { .. } => "single_quoted_value",
            ErrorKind::UnclosedString => "unclosed_string",
            ErrorKind::InvalidEscape { .. } => "invalid_escape",
            ErrorKind::InvalidBareValue { .. } => "invalid_bare_value",
            ErrorKind::NumericOperatorNeedsNumber { .. } => "numeric_operator_needs_number",
            ErrorKind::UnclosedRegex => "unclosed_regex",
            ErrorKind::InvalidRegex { .. } => "invalid_regex",
            ErrorKind::TooManyRegexes => "too_many_regexes",
            ErrorKind::UnclosedParen => "unclosed_paren",
            ErrorKind::UnmatchedParen => "unmatched_paren",
            ErrorKind::LoneOperator { .. } => "lone_operator",
            ErrorKind::WordOperator { .. } => "word_operator",
            ErrorKind::ExpectedLogicalOperator { .. } => "expected_logical_operator",
            ErrorKind::InvalidDelimited(_) => "invalid_delimited",
            ErrorKind::DelimitedFieldMismatch { .. } => "delimited_field_mismatch",
            ErrorKind::InvalidTerm(_) => "invalid_term",
        }
    }

    /// Every kind, one of each (for documentation and corpus checks).
    pub fn all() -> Vec<ErrorKind> {
        let s = String::new;
        vec![
            ErrorKind::TooLong { chars: 0 },
            ErrorKind::TooDeep,
            ErrorKind::SurroundingWhitespace {
                bracket: '{',
                after: false,
            },
            ErrorKind::UnclosedBrace {
                condition_expected: false,
            },
            ErrorKind::EmptyExpression { open: '{' },
            ErrorKind::TrailingInput {
                close: '}',
                found: s(),
            },
            ErrorKind::ExpectedCondition {
                found: None,
                operator: false,
            },
            ErrorKind::SelectorWithoutRoot { name: s() },
            ErrorKind::EmptySelector { name: s() },
            ErrorKind::InvalidSelector(SelectorProblem::KeyWithoutDot),
            ErrorKind::InvalidBracketKey(BracketKeyProblem::Unclosed),
            ErrorKind::InvalidIndex(IndexProblem::NotANumber),
            ErrorKind::TooManyWildcardsInSelector,
            ErrorKind::TooManyWildcardSelectors,
            ErrorKind::ExpectedOperator {
                field: None,
                found: None,
            },
            ErrorKind::DoubleEquals,
            ErrorKind::IsNotUnsupported,
            ErrorKind::ExistsUnsupported,
            ErrorKind::ExpectedIsKeyword,
            ErrorKind::ExpectedExists,
            ErrorKind::KeywordCase { word: s() },
            ErrorKind::GluedKeyword {
                keyword: "NOT",
                name: s(),
                next: "EXISTS",
            },
            ErrorKind::ExpectedValue,
            ErrorKind::SingleQuotedValue { inner: s() },
            ErrorKind::UnclosedString,
            ErrorKind::InvalidEscape { escaped: 'x' },
            ErrorKind::InvalidBareValue {
                value: s(),
                term: false,
            },
            ErrorKind::NumericOperatorNeedsNumber {
                op: CmpOp::Lt,
                quoted_number: None,
            },
            ErrorKind::UnclosedRegex,
            ErrorKind::InvalidRegex { found: None },
            ErrorKind::TooManyRegexes,
            ErrorKind::UnclosedParen,
            ErrorKind::UnmatchedParen,
            ErrorKind::LoneOperator { op: '|' },
            ErrorKind::WordOperator { word: s() },
            ErrorKind::ExpectedLogicalOperator {
                close: '}',
                found: s(),
            },
            ErrorKind::InvalidDelimited(DelimitedProblem::NoFields),
            ErrorKind::DelimitedFieldMismatch {
                field: s(),
                name: s(),
            },
            ErrorKind::InvalidTerm(TermProblem::NotSeparated),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_one_line_lowercase_message() {
        for kind in ErrorKind::all() {
            let m = kind.to_string();
            assert!(!m.is_empty() && !m.contains('\n'), "{kind:?}: {m}");
            assert!(!m.starts_with(char::is_uppercase), "{kind:?}: {m}");
            assert!(!m.ends_with('.'), "{kind:?}: {m}");
            if let Some(h) = kind.help() {
                assert!(!h.is_empty() && !h.contains('\n'), "{kind:?}: {h}");
            }
        }
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
