//! The nom parser: filter-pattern text to [`Ast`].
//!
//! One function per production of `grammar/filter-pattern.ebnf`, with the same
//! names. Every function takes the remaining input and returns the rest and
//! its result; byte offsets are recovered from the length of the rest, so the
//! parser works on plain `&str` slices.
//!
//! Errors that mean "this alternative does not apply" are `nom::Err::Error`;
//! every diagnosis is `nom::Err::Failure` with a specific [`ErrorKind`], so no
//! later alternative can hide it. The checks that need the whole tree (regex
//! and wildcard quotas) run after parsing.

use std::borrow::Cow;

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::char;
use nom::combinator::opt;
use nom::{IResult, Parser};

use crate::pattern::ast::{
    Ast, Chain, CmpOp, Condition, DelimitedPattern, Expr, Field, FieldCond, Ident, JsonPattern,
    Paren, RegexLit, Selector, Span, Step, StepKind, Term, TermPrefix, TermsPattern, Test, Value,
    ValueKind,
};
use crate::pattern::error::{ErrorKind, MAX_NESTING, MAX_PATTERN_CHARS, ParseError};

/// At most this many `%regex%` per pattern (a service quota).
pub const MAX_REGEXES: usize = 2;
/// At most this many selectors with a wildcard per pattern (a service quota).
pub const MAX_WILDCARD_SELECTORS: usize = 3;

/// A diagnosis, positioned by the length of the input that remained where it
/// starts (`at`) and ends (`end_at`).
#[derive(Debug, Clone)]
pub(crate) struct PErr {
    kind: ErrorKind,
    at: usize,
    end_at: usize,
    // Borrowed for the backtracking errors nom makes on every failed
    // alternative, so that trying an alternative never allocates.
    message: Cow<'static, str>,
    help: Option<String>,
}

impl<'a> nom::error::ParseError<&'a str> for PErr {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        PErr {
            kind: ErrorKind::ExpectedCondition,
            at: input.len(),
            end_at: input.len(),
            message: Cow::Borrowed("unexpected input"),
            help: None,
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, PErr>;

/// Fail at `at` (the rest where the fault starts) covering `len` bytes.
fn fail<T>(
    at: &str,
    len: usize,
    kind: ErrorKind,
    message: impl Into<Cow<'static, str>>,
    help: Option<String>,
) -> Result<T, nom::Err<PErr>> {
    let len = len.min(at.len());
    Err(nom::Err::Failure(PErr {
        kind,
        at: at.len(),
        end_at: at.len() - len,
        message: message.into(),
        help,
    }))
}

/// Parse a filter pattern.
///
/// ```
/// use cis_filters::pattern::{parse, Ast};
/// let ast = parse(r#"{ $.eventName = "ConsoleLogin" }"#)?;
/// assert!(matches!(ast, Ast::Json(_)));
/// # Ok::<(), cis_filters::pattern::ParseError>(())
/// ```
pub fn parse(text: &str) -> Result<Ast, ParseError> {
    // A character is at least one byte: short texts need no count.
    if text.len() > MAX_PATTERN_CHARS {
        let chars = text.chars().count();
        if chars > MAX_PATTERN_CHARS {
            return Err(ParseError::too_long(text, chars, text.len()));
        }
    }
    let p = P { full: text.len() };
    match p.pattern(text) {
        Ok((_, ast)) => match check_quotas(&ast) {
            Ok(()) => Ok(ast),
            Err((kind, span, message, help)) => {
                Err(ParseError::new(kind, span, text, message, help))
            }
        },
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(p.to_error(text, e)),
        Err(nom::Err::Incomplete(_)) => Err(ParseError::new(
            ErrorKind::ExpectedCondition,
            Span::new(text.len(), text.len()),
            text,
            "the pattern ends too early".into(),
            None,
        )),
    }
}

/// Whitespace: space, tab, CR and LF.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Characters of a bare value or term: letters, digits and `_ . * - +`.
pub fn is_bare_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '*' | '-' | '+')
}

/// Characters of a property name in a selector: letters, digits, `_` and `-`.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
}

/// Characters allowed inside `%regex%` (besides letters and digits).
fn is_regex_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            ':' | '_'
                | '#'
                | '='
                | '@'
                | '/'
                | ';'
                | ','
                | '-'
                | '^'
                | '$'
                | '?'
                | '['
                | ']'
                | '{'
                | '}'
                | '|'
                | '\\'
                | '*'
                | '+'
                | '.'
        )
}

/// Where a bare token ends in JSON and delimited patterns.
fn is_value_end(c: char) -> bool {
    is_ws(c) || matches!(c, ')' | '}' | '&' | '|' | ']' | ',')
}

/// Split off the longest prefix of ASCII bytes satisfying `pred`: a byte
/// scan, with no UTF-8 decoding (every class here is ASCII, so the split is
/// always on a character boundary).
fn ascii_run(i: &str, pred: fn(u8) -> bool) -> PResult<'_, &str> {
    let n = i.bytes().position(|b| !pred(b)).unwrap_or(i.len());
    match (i.get(n..), i.get(..n)) {
        (Some(rest), Some(run)) => Ok((rest, run)),
        _ => Ok((i, "")),
    }
}

fn ws_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

fn bare_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'*' | b'-' | b'+')
}

fn ws0(i: &str) -> PResult<'_, &str> {
    ascii_run(i, ws_byte)
}

/// `ws? op ws?`: the rest after `op` and the whitespace around it, or
/// `None` (without building an error) when `op` is not next.
fn logical_op<'a>(i: &'a str, op: &str) -> Option<&'a str> {
    let (r, _) = ws0(i).ok()?;
    let (r, _) = ws0(r.strip_prefix(op)?).ok()?;
    Some(r)
}

fn ws1(i: &str) -> PResult<'_, &str> {
    let (r, w) = ascii_run(i, ws_byte)?;
    if w.is_empty() {
        return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
            i,
            nom::error::ErrorKind::MultiSpace,
        )));
    }
    Ok((r, w))
}

/// The first word (letters only) of `i`, possibly empty.
fn word_at(i: &str) -> &str {
    let n = i
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(i.len());
    i.get(..n).unwrap_or("")
}

/// The length of the run up to the next whitespace or structural character.
fn token_len(i: &str) -> usize {
    i.find(|c: char| is_value_end(c) || matches!(c, '(' | '{' | '['))
        .unwrap_or(i.len())
        .max(i.chars().next().map_or(0, char::len_utf8))
}

struct P {
    full: usize,
}

impl P {
    fn off(&self, rest: &str) -> usize {
        self.full - rest.len()
    }

    fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.off(from), self.off(to))
    }

    fn to_error(&self, text: &str, e: PErr) -> ParseError {
        let start = self.full.saturating_sub(e.at);
        let end = self.full.saturating_sub(e.end_at).max(start);
        ParseError::new(
            e.kind,
            Span::new(start, end),
            text,
            e.message.into_owned(),
            e.help,
        )
    }

    /// pattern = json | delimited | regex | terms | empty
    fn pattern<'a>(&self, i: &'a str) -> PResult<'a, Ast> {
        let (body, lead) = ws0(i)?;
        if body.is_empty() {
            let at = self.off(i);
            return Ok((
                body,
                Ast::Empty {
                    span: Span::new(at, at),
                },
            ));
        }
        let first = body.chars().next().unwrap_or(' ');
        if matches!(first, '{' | '[' | '%') {
            if !lead.is_empty() {
                return fail(
                    i,
                    lead.len(),
                    ErrorKind::SurroundingWhitespace,
                    format!("whitespace before `{first}`"),
                    Some(format!(
                        "CloudWatch Logs recognises the pattern's kind by its first character: remove the whitespace before `{first}`"
                    )),
                );
            }
            let (rest, ast) = match first {
                '{' => {
                    let (r, j) = self.json(body)?;
                    (r, Ast::Json(j))
                }
                '[' => {
                    let (r, d) = self.delimited(body)?;
                    (r, Ast::Delimited(d))
                }
                _ => {
                    let (r, x) = self.regex_pattern(body)?;
                    (r, Ast::Regex(x))
                }
            };
            return self.end_of_pattern(rest, first).map(|r| (r, ast));
        }
        let (rest, t) = self.terms(body)?;
        Ok((rest, Ast::Terms(t)))
    }

    /// After a `{…}`, `[…]` or `%…%` pattern: nothing may follow.
    fn end_of_pattern<'a>(&self, rest: &'a str, first: char) -> Result<&'a str, nom::Err<PErr>> {
        if rest.is_empty() {
            return Ok(rest);
        }
        let close = match first {
            '{' => '}',
            '[' => ']',
            _ => '%',
        };
        let (after, trailing) = ws0(rest)?;
        if after.is_empty() {
            return fail(
                rest,
                trailing.len(),
                ErrorKind::SurroundingWhitespace,
                format!("whitespace after the closing `{close}`"),
                Some(
                    "remove it: the service has rejected patterns with surrounding whitespace"
                        .into(),
                ),
            );
        }
        let help = if first == '{' && (after.starts_with("&&") || after.starts_with("||")) {
            Some(
                "several `{…}` blocks cannot be joined outside the braces: put the whole expression inside one pair, e.g. `{ ($.a = 1) || ($.b = 2) }`"
                    .to_owned(),
            )
        } else if first == '{' && after.starts_with('{') {
            Some(
                "a pattern has one `{…}` block: join the conditions inside it with `&&` or `||`"
                    .into(),
            )
        } else if first == '{' && after.starts_with(')') {
            return fail(
                after,
                1,
                ErrorKind::UnmatchedParen,
                "`)` has no matching `(`",
                None,
            );
        } else {
            None
        };
        fail(
            after,
            after.len(),
            ErrorKind::TrailingInput,
            format!("unexpected text after the closing `{close}`"),
            help,
        )
    }

    // -- JSON ---------------------------------------------------------------

    /// json = "{" ws? or_expr ws? "}"
    fn json<'a>(&self, i: &'a str) -> PResult<'a, JsonPattern> {
        let (r, _) = char('{').parse(i)?;
        let (r, _) = ws0(r)?;
        if r.starts_with('}') {
            return fail(
                i,
                self.off(r) - self.off(i) + 1,
                ErrorKind::EmptyExpression,
                "`{}` has no condition",
                Some("write a condition such as `{ $.eventName = \"ConsoleLogin\" }`, or use the empty pattern to match every event".into()),
            );
        }
        let (r, expr) = self.or_expr(r, 0)?;
        let (r, _) = ws0(r)?;
        match r.chars().next() {
            Some('}') => {
                let rest = r.get(1..).unwrap_or("");
                Ok((
                    rest,
                    JsonPattern {
                        span: self.span(i, rest),
                        expr,
                    },
                ))
            }
            None => fail(
                i,
                1,
                ErrorKind::UnclosedBrace,
                "this `{` is never closed",
                Some("a pattern that starts with `{` must end with `}`".into()),
            ),
            Some(_) => self.after_operand(r, '}'),
        }
    }

    /// The error after a complete operand that is not followed by `&&`,
    /// `||` or the expected closing character.
    fn after_operand<T>(&self, r: &str, close: char) -> Result<T, nom::Err<PErr>> {
        let w = word_at(r);
        if r.starts_with(')') {
            return fail(
                r,
                1,
                ErrorKind::UnmatchedParen,
                "`)` has no matching `(`",
                None,
            );
        }
        if (r.starts_with('|') && !r.starts_with("||"))
            || (r.starts_with('&') && !r.starts_with("&&"))
        {
            let op = r.get(..1).unwrap_or("|");
            return fail(
                r,
                1,
                ErrorKind::LoneOperator,
                format!("`{op}` is not an operator"),
                Some(format!("write `{op}{op}`")),
            );
        }
        if matches!(w.to_ascii_uppercase().as_str(), "AND" | "OR" | "NOT") {
            let sym = match w.to_ascii_uppercase().as_str() {
                "AND" => "use `&&`",
                "OR" => "use `||`",
                _ => {
                    "there is no negation of an expression; use `!=` or `NOT EXISTS` on a selector"
                }
            };
            return fail(
                r,
                w.len(),
                ErrorKind::WordOperator,
                format!("`{w}` is not an operator in filter patterns"),
                Some(sym.into()),
            );
        }
        let what = if close == '}' {
            "`&&`, `||` or `}`"
        } else {
            "`&&`, `||` or `)`"
        };
        fail(
            r,
            token_len(r),
            ErrorKind::ExpectedLogicalOperator,
            format!(
                "expected {what}, found `{}`",
                r.get(..token_len(r)).unwrap_or("")
            ),
            if r.starts_with('"') || r.starts_with('\'') {
                Some("a value with spaces must be one double-quoted string: `\"Failed authentication\"`".into())
            } else {
                None
            },
        )
    }

    /// or_expr = and_expr ( ws? "||" ws? and_expr )*
    fn or_expr<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        self.chain_of(i, "||", Expr::Or, &|r| self.and_expr(r, depth))
    }

    /// and_expr = primary ( ws? "&&" ws? primary )*
    fn and_expr<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        self.chain_of(i, "&&", Expr::And, &|r| self.primary(r, depth))
    }

    /// `operand ( ws? op ws? operand )*` as one chain; a single operand is
    /// returned as it is, without allocating.
    fn chain_of<'a, C>(
        &self,
        i: &'a str,
        op: &'static str,
        make: fn(Chain<C>) -> Expr<C>,
        operand: &dyn Fn(&'a str) -> PResult<'a, Expr<C>>,
    ) -> PResult<'a, Expr<C>> {
        let (mut r, first) = operand(i)?;
        let mut ops = Vec::new();
        while let Some(r2) = logical_op(r, op) {
            let (r2, e) = operand(r2)?;
            if ops.is_empty() {
                ops.reserve(4);
            }
            ops.push(e);
            r = r2;
        }
        if ops.is_empty() {
            return Ok((r, first));
        }
        ops.insert(0, first);
        Ok((
            r,
            make(Chain {
                operands: ops,
                span: self.span(i, r),
            }),
        ))
    }

    /// primary = "(" ws? or_expr ws? ")" | condition
    fn primary<'a>(&self, i: &'a str, depth: usize) -> PResult<'a, Expr<Condition>> {
        if !i.starts_with('(') {
            return self.condition(i).map(|(r, c)| (r, Expr::Leaf(c)));
        }
        if depth >= MAX_NESTING {
            return fail(
                i,
                1,
                ErrorKind::TooDeep,
                format!("parentheses are nested more than {MAX_NESTING} deep"),
                Some("remove redundant parentheses".into()),
            );
        }
        let (r, _) = char('(').parse(i)?;
        let (r, _) = ws0(r)?;
        if r.starts_with(')') {
            return fail(
                i,
                self.off(r) - self.off(i) + 1,
                ErrorKind::EmptyExpression,
                "`()` has no condition",
                None,
            );
        }
        let (r, inner) = self.or_expr(r, depth + 1)?;
        let (r, _) = ws0(r)?;
        if let Some(rest) = r.strip_prefix(')') {
            return Ok((
                rest,
                Expr::Paren(Box::new(Paren {
                    inner,
                    span: self.span(i, rest),
                })),
            ));
        }
        if r.is_empty() || r.starts_with('}') {
            return fail(
                i,
                1,
                ErrorKind::UnclosedParen,
                "this `(` is never closed",
                None,
            );
        }
        self.after_operand(r, ')')
    }

    /// condition = selector ws? test
    fn condition<'a>(&self, i: &'a str) -> PResult<'a, Condition> {
        let (r, selector) = self.selector(i)?;
        let (r, test) = self.test(r, &selector)?;
        Ok((
            r,
            Condition {
                selector,
                test,
                span: self.span(i, r),
            },
        ))
    }

    /// The error where a condition should start but does not.
    fn expected_condition<T>(&self, i: &str) -> Result<T, nom::Err<PErr>> {
        if i.is_empty() {
            return fail(
                i,
                0,
                ErrorKind::UnclosedBrace,
                "the pattern ends where a condition should start",
                Some("a pattern that starts with `{` must end with `}`".into()),
            );
        }
        let w: &str = i
            .get(
                ..i.find(|c: char| !is_name_char(c) && c != '.')
                    .unwrap_or(i.len()),
            )
            .unwrap_or("");
        if w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            return fail(
                i,
                w.len(),
                ErrorKind::SelectorWithoutRoot,
                format!("`{w}` is not a selector"),
                Some(format!("selectors start with `$.`: write `$.{w}`")),
            );
        }
        let found = i.get(..token_len(i)).unwrap_or("");
        let help = if i.starts_with("&&") || i.starts_with("||") {
            Some("an operator needs a condition on both sides".to_owned())
        } else if i.starts_with('}') || i.starts_with(')') {
            Some("remove the dangling operator before it".to_owned())
        } else {
            Some("a condition starts with a selector such as `$.eventName`, or with `(`".to_owned())
        };
        fail(
            i,
            token_len(i),
            ErrorKind::ExpectedCondition,
            format!("expected a condition, found `{found}`"),
            help,
        )
    }

    /// selector = "$" step+
    fn selector<'a>(&self, i: &'a str) -> PResult<'a, Selector> {
        let Some(mut r) = i.strip_prefix('$') else {
            return self.expected_condition(i);
        };
        if !r.starts_with('.') {
            let w = r
                .get(..r.find(|c: char| !is_name_char(c)).unwrap_or(r.len()))
                .unwrap_or("");
            let help = if w.is_empty() {
                "a selector names a property after `$.`, e.g. `$.eventName`".to_owned()
            } else {
                format!("write `$.{w}`")
            };
            return fail(
                i,
                1 + w.len(),
                ErrorKind::EmptySelector,
                "`$` must be followed by `.` and a property name",
                Some(help),
            );
        }
        let mut steps = Vec::with_capacity(4);
        while r.starts_with('.') || r.starts_with('[') {
            let (r2, s) = self.step(r)?;
            steps.push(s);
            r = r2;
        }
        let selector = Selector {
            steps,
            span: self.span(i, r),
        };
        if selector.wildcard_count() > 1 {
            return fail(
                i,
                self.off(r) - self.off(i),
                ErrorKind::TooManyWildcardsInSelector,
                "a selector may have at most one wildcard (`[*]` or `.*`)",
                None,
            );
        }
        Ok((r, selector))
    }

    /// step = "." name | "." "*" | "." "[" "'" key "'" "]" | "[" index "]" | "[" "*" "]"
    fn step<'a>(&self, i: &'a str) -> PResult<'a, Step> {
        let at = |r: &'a str, kind| {
            Ok((
                r,
                Step {
                    kind,
                    span: self.span(i, r),
                },
            ))
        };
        if let Some(r) = i.strip_prefix(".*") {
            return at(r, StepKind::AnyField);
        }
        if let Some(r) = i.strip_prefix(".[") {
            let (r, key) = self.bracket_key(i, r)?;
            return at(r, StepKind::Key(key));
        }
        if let Some(r) = i.strip_prefix('.') {
            let (r2, name) = ascii_run(r, name_byte)?;
            if name.is_empty() {
                let next = r.chars().next();
                let help = match next {
                    Some(c)
                        if !is_ws(c) && !matches!(c, '.' | ')' | '}' | '=' | '!' | '<' | '>') =>
                    {
                        Some(format!(
                            "a name with `{c}` needs bracket notation: `$.['…']`"
                        ))
                    }
                    _ => None,
                };
                return fail(
                    i,
                    1 + next.map_or(0, char::len_utf8),
                    ErrorKind::InvalidSelector,
                    "expected a property name after `.`",
                    help,
                );
            }
            return at(r2, StepKind::Field(name.to_owned()));
        }
        // "[" …
        let r = i.get(1..).unwrap_or("");
        if let Some(r) = r.strip_prefix("*]") {
            return at(r, StepKind::AnyIndex);
        }
        if r.starts_with('\'') || r.starts_with('"') {
            return fail(
                i,
                1,
                ErrorKind::InvalidSelector,
                "a bracket key needs a `.` before it",
                Some("write `.['key']`, e.g. `$.['cluster.name']`".into()),
            );
        }
        let (r2, digits) = ascii_run(r, |b| b.is_ascii_digit())?;
        let close_len = r.find(']').map_or(r.len(), |p| p + 1);
        if digits.is_empty() || !r2.starts_with(']') {
            return fail(
                i,
                1 + close_len,
                ErrorKind::InvalidIndex,
                "an array index is a non-negative whole number: `[0]`, or `[*]` for any element",
                None,
            );
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return fail(
                i,
                1 + close_len,
                ErrorKind::InvalidIndex,
                "an array index has no leading zeros",
                Some(format!(
                    "write `[{}]`",
                    digits.trim_start_matches('0').max("0")
                )),
            );
        }
        let Ok(n) = digits.parse::<u32>() else {
            return fail(
                i,
                1 + close_len,
                ErrorKind::InvalidIndex,
                "the array index is too large",
                None,
            );
        };
        at(r2.get(1..).unwrap_or(""), StepKind::Index(n))
    }

    /// key = "'" key_char* "'" "]"   (after ".[")
    fn bracket_key<'a>(&self, step: &'a str, r: &'a str) -> PResult<'a, String> {
        let Some(inner) = r.strip_prefix('\'') else {
            let help = if r.starts_with('"') {
                Some("bracket keys use single quotes: `$.['key']`".to_owned())
            } else {
                Some("write the key in single quotes: `$.['key']`".to_owned())
            };
            return fail(
                step,
                2,
                ErrorKind::InvalidBracketKey,
                "expected `'` after `.[`",
                help,
            );
        };
        let Some(end) = inner.find('\'') else {
            return fail(
                step,
                step.len(),
                ErrorKind::InvalidBracketKey,
                "this bracket key is never closed",
                Some("end it with `']`".into()),
            );
        };
        let key = inner.get(..end).unwrap_or("");
        let after = inner.get(end + 1..).unwrap_or("");
        if key.is_empty() || key.chars().any(char::is_control) {
            return fail(
                step,
                2 + end + 2,
                ErrorKind::InvalidBracketKey,
                "a bracket key must be non-empty printable text",
                None,
            );
        }
        match after.strip_prefix(']') {
            Some(rest) => Ok((rest, key.to_owned())),
            None => fail(
                step,
                2 + end + 2,
                ErrorKind::InvalidBracketKey,
                "expected `]` after the bracket key",
                None,
            ),
        }
    }

    /// test = ws? cmp_op ws? value | ws "IS" ws ( "NULL" | "TRUE" | "FALSE" ) | ws "NOT" ws "EXISTS"
    fn test<'a>(&self, i: &'a str, selector: &Selector) -> PResult<'a, Test> {
        let (r, lead) = ws0(i)?;
        if r.starts_with("==") {
            return fail(
                r,
                2,
                ErrorKind::DoubleEquals,
                "`==` is not an operator",
                Some("use `=`".into()),
            );
        }
        if let Ok((r2, op)) = cmp_op(r) {
            let op_span = self.span(r, r2);
            let (r3, _) = ws0(r2)?;
            let (r4, value) = self.value(r3)?;
            check_numeric(op, &value, r3)?;
            return Ok((r4, Test::Compare { op, op_span, value }));
        }
        // `$.userIdentity.invokedByNOT EXISTS`: a keyword glued to the name.
        if let Some(StepKind::Field(name)) = selector.steps.last().map(|s| &s.kind) {
            let next = word_at(r);
            for (kw, follows) in [
                ("NOT", &["EXISTS"][..]),
                ("IS", &["NULL", "TRUE", "FALSE"][..]),
            ] {
                if name.len() > kw.len()
                    && name.ends_with(kw)
                    && !lead.is_empty()
                    && follows.contains(&next)
                {
                    let start = selector.span.end.saturating_sub(kw.len());
                    let fixed = name.get(..name.len() - kw.len()).unwrap_or("");
                    return self.fail_abs(
                        Span::new(start, selector.span.end),
                        ErrorKind::GluedKeyword,
                        format!("`{kw}` is glued to the property name `{name}`"),
                        Some(format!("put a space before it: `{fixed} {kw} {next}`")),
                    );
                }
            }
        }
        let w = word_at(r);
        let upper = w.to_ascii_uppercase();
        if !lead.is_empty() && matches!(upper.as_str(), "IS" | "NOT" | "EXISTS") {
            if w != upper {
                return fail(
                    r,
                    w.len(),
                    ErrorKind::KeywordCase,
                    format!("`{w}` must be written in upper case"),
                    Some(format!("write `{upper}`")),
                );
            }
            let after_kw = r.get(w.len()..).unwrap_or("");
            return match w {
                "IS" => self.is_test(r, after_kw),
                "NOT" => self.not_exists(r, after_kw),
                _ => fail(
                    r,
                    w.len(),
                    ErrorKind::ExistsUnsupported,
                    "`EXISTS` is not supported; only `NOT EXISTS` is",
                    Some(
                        "to require a field, compare it with `= *` (matches any string or number)"
                            .into(),
                    ),
                ),
            };
        }
        if r.is_empty()
            || r.starts_with('}')
            || r.starts_with(')')
            || r.starts_with("&&")
            || r.starts_with("||")
        {
            return fail(
                r,
                token_len(r).min(2),
                ErrorKind::ExpectedOperator,
                "expected an operator after the selector",
                Some("use `=`, `!=`, `<`, `<=`, `>`, `>=`, `IS NULL`, `IS TRUE`, `IS FALSE` or `NOT EXISTS`".into()),
            );
        }
        fail(
            r,
            token_len(r),
            ErrorKind::ExpectedOperator,
            format!("expected an operator after the selector, found `{}`", r.get(..token_len(r)).unwrap_or("")),
            Some("use `=`, `!=`, `<`, `<=`, `>`, `>=`, `IS NULL`, `IS TRUE`, `IS FALSE` or `NOT EXISTS`".into()),
        )
    }

    /// Fail at an absolute span of the pattern.
    fn fail_abs<T>(
        &self,
        span: Span,
        kind: ErrorKind,
        message: impl Into<Cow<'static, str>>,
        help: Option<String>,
    ) -> Result<T, nom::Err<PErr>> {
        Err(nom::Err::Failure(PErr {
            kind,
            at: self.full.saturating_sub(span.start),
            end_at: self.full.saturating_sub(span.end),
            message: message.into(),
            help,
        }))
    }

    /// "IS" ws ( "NULL" | "TRUE" | "FALSE" )
    fn is_test<'a>(&self, is_kw: &'a str, r: &'a str) -> PResult<'a, Test> {
        let (r, _) = match ws1(r) {
            Ok(x) => x,
            Err(_) => {
                return fail(
                    is_kw,
                    2,
                    ErrorKind::ExpectedIsKeyword,
                    "expected `NULL`, `TRUE` or `FALSE` after `IS`",
                    None,
                );
            }
        };
        let w = word_at(r);
        let rest = r.get(w.len()..).unwrap_or("");
        let span = self.span(is_kw, rest);
        match w {
            "NULL" => Ok((rest, Test::IsNull { span })),
            "TRUE" => Ok((rest, Test::IsTrue { span })),
            "FALSE" => Ok((rest, Test::IsFalse { span })),
            "NOT" => fail(
                is_kw,
                self.off(rest) - self.off(is_kw),
                ErrorKind::IsNotUnsupported,
                "`IS NOT` is not supported",
                Some("there is no `IS NOT NULL`; to require a value compare with `= *` (strings and numbers), or test `IS TRUE`/`IS FALSE`".into()),
            ),
            _ if matches!(w.to_ascii_uppercase().as_str(), "NULL" | "TRUE" | "FALSE") => fail(
                r,
                w.len(),
                ErrorKind::KeywordCase,
                format!("`{w}` must be written in upper case"),
                Some(format!("write `{}`", w.to_ascii_uppercase())),
            ),
            _ => fail(
                r,
                token_len(r),
                ErrorKind::ExpectedIsKeyword,
                "expected `NULL`, `TRUE` or `FALSE` after `IS`",
                None,
            ),
        }
    }

    /// "NOT" ws "EXISTS"
    fn not_exists<'a>(&self, not_kw: &'a str, r: &'a str) -> PResult<'a, Test> {
        let (r, _) = match ws1(r) {
            Ok(x) => x,
            Err(_) => {
                return fail(
                    not_kw,
                    3,
                    ErrorKind::ExpectedExists,
                    "expected `EXISTS` after `NOT`",
                    None,
                );
            }
        };
        let w = word_at(r);
        let rest = r.get(w.len()..).unwrap_or("");
        match w {
            "EXISTS" => Ok((
                rest,
                Test::NotExists {
                    span: self.span(not_kw, rest),
                },
            )),
            _ if w.eq_ignore_ascii_case("EXISTS") => fail(
                r,
                w.len(),
                ErrorKind::KeywordCase,
                format!("`{w}` must be written in upper case"),
                Some("write `EXISTS`".into()),
            ),
            _ => fail(
                r,
                token_len(r),
                ErrorKind::ExpectedExists,
                "expected `EXISTS` after `NOT`",
                None,
            ),
        }
    }

    /// value = dquoted | regex | bare
    fn value<'a>(&self, i: &'a str) -> PResult<'a, Value> {
        let (r, kind) = match i.chars().next() {
            Some('"') => {
                let (r, raw) = self.dquoted(i)?;
                (r, ValueKind::Quoted(raw.to_owned()))
            }
            Some('%') => {
                let (r, body) = self.regex(i)?;
                (r, ValueKind::Regex(body.to_owned()))
            }
            Some('\'') => {
                let len = i
                    .get(1..)
                    .and_then(|t| t.find('\''))
                    .map_or(token_len(i), |p| p + 2);
                let inner = i.get(1..len.saturating_sub(1)).unwrap_or("");
                return fail(
                    i,
                    len,
                    ErrorKind::SingleQuotedValue,
                    "single quotes do not delimit values",
                    Some(format!("use double quotes: `\"{inner}\"`")),
                );
            }
            _ => {
                let (r, bare) = self.bare(i)?;
                (r, ValueKind::Bare(bare.to_owned()))
            }
        };
        Ok((
            r,
            Value {
                kind,
                span: self.span(i, r),
            },
        ))
    }

    /// dquoted = '"' ( '\"' | '\\' | [^"\\] )* '"'   — returns the raw text between the quotes.
    fn dquoted<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let body = i.get(1..).unwrap_or("");
        let mut chars = body.char_indices();
        while let Some((p, c)) = chars.next() {
            match c {
                '"' => {
                    let raw = body.get(..p).unwrap_or("");
                    return Ok((body.get(p + 1..).unwrap_or(""), raw));
                }
                '\\' => match chars.next() {
                    Some((_, '"' | '\\')) => {}
                    Some((_, n)) => {
                        let at = body.get(p..).unwrap_or("");
                        return fail(
                            at,
                            1 + n.len_utf8(),
                            ErrorKind::InvalidEscape,
                            format!("`\\{}` is not an escape", n.escape_debug()),
                            Some("only `\\\"` and `\\\\` are escapes inside a quoted value; write `\\\\` for a backslash".into()),
                        );
                    }
                    None => break,
                },
                _ => {}
            }
        }
        fail(
            i,
            i.len(),
            ErrorKind::UnclosedString,
            "this string is never closed",
            Some("end it with `\"`".into()),
        )
    }

    /// regex = "%" regex_char+ "%"   — returns the text between the `%`.
    fn regex<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let body = i.get(1..).unwrap_or("");
        let Some(end) = body.find('%') else {
            return fail(
                i,
                i.len(),
                ErrorKind::UnclosedRegex,
                "this regex is never closed",
                Some("end it with `%`".into()),
            );
        };
        let re = body.get(..end).unwrap_or("");
        if re.is_empty() {
            return fail(i, 2, ErrorKind::InvalidRegex, "the regex is empty", None);
        }
        if let Some((p, c)) = re.char_indices().find(|&(_, c)| !is_regex_char(c)) {
            let at = body.get(p..).unwrap_or("");
            let help = match c {
                '(' | ')' => {
                    "groups are not supported; match a literal parenthesis with `\\x28` or `\\x29`"
                        .to_owned()
                }
                c if is_ws(c) => "match whitespace with `\\s`".to_owned(),
                c if !c.is_ascii() => {
                    "only ASCII characters are allowed; use `\\xhh` escapes".to_owned()
                }
                _ => format!("use `\\x{:02x}` to match `{c}`", u32::from(c)),
            };
            return fail(
                at,
                c.len_utf8(),
                ErrorKind::InvalidRegex,
                format!("`{}` is not allowed in a regex", c.escape_debug()),
                Some(help),
            );
        }
        Ok((body.get(end + 1..).unwrap_or(""), re))
    }

    /// bare = bare_char+
    fn bare<'a>(&self, i: &'a str) -> PResult<'a, &'a str> {
        let (r, b) = ascii_run(i, bare_byte)?;
        let next = r.chars().next();
        if next.is_none_or(is_value_end) && !b.is_empty() {
            return Ok((r, b));
        }
        if b.is_empty() && next.is_none_or(is_value_end) {
            return fail(
                i,
                token_len(i).min(2),
                ErrorKind::ExpectedValue,
                "expected a value after the operator",
                Some("write a quoted string, a number, `*` or a `%regex%`".into()),
            );
        }
        let len = i.find(is_value_end).unwrap_or(i.len());
        let tok = i.get(..len).unwrap_or("");
        fail(
            i,
            len,
            ErrorKind::InvalidBareValue,
            format!("invalid character(s) in `{tok}`"),
            Some(format!(
                "put the value in double quotes: `\"{}\"`",
                tok.replace('\\', "\\\\").replace('"', "\\\"")
            )),
        )
    }

    // -- space-delimited ----------------------------------------------------

    /// delimited = "[" ws? field ( ws? "," ws? field )* ws? "]"
    fn delimited<'a>(&self, i: &'a str) -> PResult<'a, DelimitedPattern> {
        let (mut r, _) = (char('['), ws0).parse(i)?;
        let mut fields = Vec::new();
        loop {
            if r.starts_with(']') && fields.is_empty() {
                return fail(
                    i,
                    self.off(r) - self.off(i) + 1,
                    ErrorKind::InvalidDelimited,
                    "`[]` has no fields",
                    None,
                );
            }
            if r.starts_with(']') || r.starts_with(',') {
                return fail(
                    r,
                    1,
                    ErrorKind::InvalidDelimited,
                    "expected a field name before this",
                    Some("remove the extra `,`".into()),
                );
            }
            let (r2, f) = self.field(r)?;
            fields.push(f);
            let (r2, _) = ws0(r2)?;
            match r2.chars().next() {
                Some(',') => r = ws0(r2.get(1..).unwrap_or(""))?.0,
                Some(']') => {
                    let rest = r2.get(1..).unwrap_or("");
                    return Ok((
                        rest,
                        DelimitedPattern {
                            fields,
                            span: self.span(i, rest),
                        },
                    ));
                }
                None => {
                    return fail(
                        i,
                        1,
                        ErrorKind::InvalidDelimited,
                        "this `[` is never closed",
                        Some("end the pattern with `]`".into()),
                    );
                }
                Some(_) => {
                    return fail(
                        r2,
                        token_len(r2),
                        ErrorKind::InvalidDelimited,
                        format!("expected `,` or `]`, found `{}`", r2.get(..token_len(r2)).unwrap_or("")),
                        Some("separate fields with `,`; join conditions on one field with `&&` or `||`".into()),
                    );
                }
            }
        }
    }

    /// field = "..." | field_or | name
    fn field<'a>(&self, i: &'a str) -> PResult<'a, Field> {
        if let Ok((r, _)) = tag::<_, _, PErr>("...").parse(i) {
            return Ok((
                r,
                Field::Ellipsis {
                    span: self.span(i, r),
                },
            ));
        }
        let (r, name) = self.ident(i)?;
        let (probe, _) = ws0(r)?;
        if cmp_op(probe).is_err() && !probe.starts_with("==") {
            return Ok((r, Field::Name(name)));
        }
        let (r, e) = self.field_or(i, &name.name)?;
        Ok((r, Field::Cond(e)))
    }

    /// name = name_char+
    fn ident<'a>(&self, i: &'a str) -> PResult<'a, Ident> {
        let (r, n) = ascii_run(i, name_byte)?;
        if n.is_empty() {
            let help = if i.starts_with('(') {
                Some("parentheses are not supported in space-delimited patterns".to_owned())
            } else {
                None
            };
            return fail(
                i,
                token_len(i),
                ErrorKind::InvalidDelimited,
                format!(
                    "expected a field name, found `{}`",
                    i.get(..token_len(i)).unwrap_or("")
                ),
                help,
            );
        }
        Ok((
            r,
            Ident {
                name: n.to_owned(),
                span: self.span(i, r),
            },
        ))
    }

    /// field_or = field_and ( ws? "||" ws? field_and )*
    fn field_or<'a>(&self, i: &'a str, field: &str) -> PResult<'a, Expr<FieldCond>> {
        self.chain_of(i, "||", Expr::Or, &|r| self.field_and(r, field))
    }

    /// field_and = field_cond ( ws? "&&" ws? field_cond )*
    fn field_and<'a>(&self, i: &'a str, field: &str) -> PResult<'a, Expr<FieldCond>> {
        self.chain_of(i, "&&", Expr::And, &|r| {
            self.field_cond(r, field).map(|(r, c)| (r, Expr::Leaf(c)))
        })
    }

    /// field_cond = name ws? cmp_op ws? value
    fn field_cond<'a>(&self, i: &'a str, field: &str) -> PResult<'a, FieldCond> {
        let (r, name) = self.ident(i)?;
        if name.name != field {
            return fail(
                i,
                name.name.len(),
                ErrorKind::DelimitedFieldMismatch,
                format!("a condition in the `{field}` field names `{}`", name.name),
                Some(format!(
                    "conditions joined with `&&`/`||` in one field must all test `{field}`; separate fields with `,`"
                )),
            );
        }
        let (r, _) = ws0(r)?;
        if r.starts_with("==") {
            return fail(
                r,
                2,
                ErrorKind::DoubleEquals,
                "`==` is not an operator",
                Some("use `=`".into()),
            );
        }
        let Ok((r2, op)) = cmp_op(r) else {
            return fail(
                r,
                token_len(r),
                ErrorKind::ExpectedOperator,
                format!("expected an operator after `{field}`"),
                Some("use `=`, `!=`, `<`, `<=`, `>` or `>=`".into()),
            );
        };
        let op_span = self.span(r, r2);
        let (r3, _) = ws0(r2)?;
        let (r4, value) = self.value(r3)?;
        check_numeric(op, &value, r3)?;
        Ok((
            r4,
            FieldCond {
                name,
                op,
                op_span,
                value,
                span: self.span(i, r4),
            },
        ))
    }

    // -- regex and terms ----------------------------------------------------

    /// regex_pattern = regex
    fn regex_pattern<'a>(&self, i: &'a str) -> PResult<'a, RegexLit> {
        let (r, body) = self.regex(i)?;
        Ok((
            r,
            RegexLit {
                body: body.to_owned(),
                span: self.span(i, r),
            },
        ))
    }

    /// terms = term ( ws term )* ws?
    fn terms<'a>(&self, i: &'a str) -> PResult<'a, TermsPattern> {
        let mut terms = Vec::new();
        let mut r = i;
        while !r.is_empty() {
            let (r2, t) = self.term(r)?;
            terms.push(t);
            let (r3, sep) = ws0(r2)?;
            if sep.is_empty() && !r3.is_empty() {
                return fail(
                    r3,
                    token_len(r3),
                    ErrorKind::InvalidTerm,
                    "terms must be separated by whitespace",
                    None,
                );
            }
            r = r3;
        }
        let span = match (terms.first(), terms.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => Span::new(self.off(i), self.off(i)),
        };
        Ok((r, TermsPattern { terms, span }))
    }

    /// term = ( "?" | "-" )? ( dquoted | word )
    fn term<'a>(&self, i: &'a str) -> PResult<'a, Term> {
        let (r, prefix) = opt(alt((char('?'), char('-')))).parse(i)?;
        let prefix = match prefix {
            Some('?') => TermPrefix::Optional,
            Some(_) => TermPrefix::Exclude,
            None => TermPrefix::Required,
        };
        let (r, value) = match r.chars().next() {
            Some('"') => self.value(r)?,
            Some('\'') => self.value(r)?,
            Some('%') => {
                return fail(
                    r,
                    token_len(r),
                    ErrorKind::InvalidTerm,
                    "a regex must be the whole pattern",
                    Some("a pattern is either `%regex%` alone or unstructured terms".into()),
                );
            }
            None => {
                return fail(
                    i,
                    1,
                    ErrorKind::InvalidTerm,
                    format!("`{}` needs a term after it", prefix.as_str()),
                    None,
                );
            }
            Some(c) if is_ws(c) => {
                return fail(
                    i,
                    1,
                    ErrorKind::InvalidTerm,
                    format!("`{}` needs a term right after it", prefix.as_str()),
                    Some("remove the space".into()),
                );
            }
            Some(_) => {
                let (r2, w) = ascii_run(r, bare_byte)?;
                if w.is_empty() || r2.chars().next().is_some_and(|c| !is_ws(c)) {
                    let len = r.find(is_ws).unwrap_or(r.len());
                    let tok = r.get(..len).unwrap_or("");
                    let help = if tok.starts_with('}') || tok.starts_with(']') {
                        "a JSON or space-delimited pattern must start with `{` or `[` as its very first character".to_owned()
                    } else if tok.starts_with("$.") || tok.starts_with("($") {
                        "JSON conditions go inside braces: `{ $.field = \"value\" }`".to_owned()
                    } else {
                        format!(
                            "put the term in double quotes: `\"{}\"`",
                            tok.replace('\\', "\\\\").replace('"', "\\\"")
                        )
                    };
                    return fail(
                        r,
                        len,
                        ErrorKind::InvalidBareValue,
                        format!("invalid character(s) in term `{tok}`"),
                        Some(help),
                    );
                }
                (
                    r2,
                    Value {
                        kind: ValueKind::Bare(w.to_owned()),
                        span: self.span(r, r2),
                    },
                )
            }
        };
        Ok((
            r,
            Term {
                prefix,
                value,
                span: self.span(i, r),
            },
        ))
    }
}

/// cmp_op = "!=" | "<=" | ">=" | "=" | "<" | ">"
fn cmp_op(i: &str) -> PResult<'_, CmpOp> {
    // Two-byte operators first; a byte match, since failed alternatives
    // would each build an error.
    let b = i.as_bytes();
    let (op, len) = match (b.first(), b.get(1)) {
        (Some(b'!'), Some(b'=')) => (CmpOp::Ne, 2),
        (Some(b'<'), Some(b'=')) => (CmpOp::Le, 2),
        (Some(b'>'), Some(b'=')) => (CmpOp::Ge, 2),
        (Some(b'='), _) => (CmpOp::Eq, 1),
        (Some(b'<'), _) => (CmpOp::Lt, 1),
        (Some(b'>'), _) => (CmpOp::Gt, 1),
        _ => {
            return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
                i,
                nom::error::ErrorKind::Tag,
            )));
        }
    };
    Ok((i.get(len..).unwrap_or(""), op))
}

/// `<`, `<=`, `>`, `>=` need a bare number.
fn check_numeric(op: CmpOp, value: &Value, at: &str) -> Result<(), nom::Err<PErr>> {
    if !op.is_ordering() || value.is_number() {
        return Ok(());
    }
    let len = value.span.end - value.span.start;
    let help = match &value.kind {
        ValueKind::Quoted(q) if crate::pattern::ast::is_number_literal(q) => {
            Some(format!("remove the quotes: `{q}`"))
        }
        _ => Some("compare strings with `=` or `!=`".to_owned()),
    };
    fail(
        at,
        len,
        ErrorKind::NumericOperatorNeedsNumber,
        format!("`{}` needs a number on its right", op.as_str()),
        help,
    )
}

/// A quota violation: kind, span, message, help.
type QuotaError = (ErrorKind, Span, String, Option<String>);

/// The service's per-pattern quotas: regexes and wildcard selectors.
fn check_quotas(ast: &Ast) -> Result<(), QuotaError> {
    let mut regexes = Vec::new();
    let mut wildcard_selectors = Vec::new();
    match ast {
        Ast::Json(j) => j.expr.for_each_leaf(&mut |c: &Condition| {
            if c.selector.wildcard_count() > 0 {
                wildcard_selectors.push(c.selector.span);
            }
            if let Test::Compare { value, .. } = &c.test
                && value.is_regex()
            {
                regexes.push(value.span);
            }
        }),
        Ast::Delimited(d) => {
            for f in &d.fields {
                if let Field::Cond(e) = f {
                    e.for_each_leaf(&mut |c: &FieldCond| {
                        if c.value.is_regex() {
                            regexes.push(c.value.span);
                        }
                    });
                }
            }
        }
        _ => {}
    }
    if let Some(s) = regexes.get(MAX_REGEXES) {
        return Err((
            ErrorKind::TooManyRegexes,
            *s,
            format!("a pattern may contain at most {MAX_REGEXES} regexes"),
            Some("split the pattern, or combine alternatives with `|` inside one regex".into()),
        ));
    }
    if let Some(s) = wildcard_selectors.get(MAX_WILDCARD_SELECTORS) {
        return Err((
            ErrorKind::TooManyWildcardSelectors,
            *s,
            format!(
                "a pattern may contain at most {MAX_WILDCARD_SELECTORS} selectors with wildcards"
            ),
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::normal::Normal;

    fn ok(s: &str) -> Ast {
        parse(s).unwrap_or_else(|e| panic!("{s:?} should parse:\n{e}"))
    }

    fn err(s: &str) -> ParseError {
        match parse(s) {
            Ok(a) => panic!("{s:?} should fail, got {a:?}"),
            Err(e) => e,
        }
    }

    /// The kind code and the text under the span.
    fn at(s: &str) -> (&'static str, String) {
        let e = err(s);
        let span = e.span();
        assert!(
            span.start <= span.end && span.end <= s.len(),
            "span {span:?} out of {s:?}"
        );
        (e.kind().code(), s.get(span.range()).unwrap().to_owned())
    }

    #[test]
    fn canonical_cis_patterns_parse() {
        for p in [
            r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
            r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
            "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}",
            r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
        ] {
            ok(p);
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let Ast::Json(j) = ok(r#"{ $.a = "x" || $.b = "y" && $.c = "z" }"#) else {
            panic!()
        };
        let Expr::Or(c) = &j.expr else {
            panic!("{:?}", j.expr)
        };
        assert_eq!(c.operands.len(), 2);
        assert!(matches!(c.operands[0], Expr::Leaf(_)));
        assert!(matches!(&c.operands[1], Expr::And(a) if a.operands.len() == 2));
    }

    #[test]
    fn every_syntax_form() {
        for p in [
            "{ $.a = 1 }",
            "{ $.a != -1.5e3 }",
            "{ $.a < 10 }",
            "{ $.a <= +10 }",
            "{ $.a > 1E+3 }",
            "{ $.a >= 0.5 }",
            "{ $.a IS NULL }",
            "{ $.a IS TRUE }",
            "{ $.a IS FALSE }",
            "{ $.a NOT EXISTS }",
            "{ $.a = * }",
            r#"{ $.a = "*" }"#,
            "{ $.a = %ab[0-9]{2,}$% }",
            "{ $.['cluster.name'] = \"c\" }",
            "{ $.a.['b.c'][0][*] = x }",
            "{ $.* = x }",
            "{ $.coordinates[0][1] = \"nonmatch\" }",
            r#"{ $.a = "say \"hi\" \\ bye" }"#,
            "{ $.ISSUE = 1 }",
            "{ $.NOTE NOT EXISTS }",
            "{\n\t$.a = 1\r\n}",
            "[ip, user, ..., status_code = 4*, bytes]",
            "[w1=ERROR, w2]",
            "[..., code = 404 || code = 410]",
            "[a, b > 1000 && b < 2000]",
            "[ip=%127\\.0\\.0\\.[1-9]%, ...]",
            "ERROR",
            "ERROR -DEBUG ?WARN \"quoted phrase\"",
            "?ERROR ?ARGUMENTS REQUEST",
            "\"\"",
            "\" \"",
            "%AUTHORIZED%",
            "",
            "   ",
        ] {
            ok(p);
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(ok("").kind_name(), "empty");
        assert_eq!(ok("{ $.a = 1 }").kind_name(), "json");
        assert_eq!(ok("[a]").kind_name(), "delimited");
        assert_eq!(ok("a b").kind_name(), "terms");
        assert_eq!(ok("%a%").kind_name(), "regex");
    }

    #[test]
    fn spans_point_at_the_source() {
        let s = r#"{ $.eventName = "ConsoleLogin" }"#;
        let Ast::Json(j) = ok(s) else { panic!() };
        let Expr::Leaf(c) = &j.expr else { panic!() };
        assert_eq!(&s[c.selector.span.range()], "$.eventName");
        let Test::Compare { value, op_span, .. } = &c.test else {
            panic!()
        };
        assert_eq!(&s[value.span.range()], "\"ConsoleLogin\"");
        assert_eq!(&s[op_span.range()], "=");
        assert_eq!(&s[c.span.range()], r#"$.eventName = "ConsoleLogin""#);
        assert_eq!((j.span.start, j.span.end), (0, s.len()));
    }

    #[test]
    fn documented_rules_have_their_own_errors() {
        assert_eq!(at(&"a".repeat(1025)).0, "too_long");
        assert_eq!(
            at("{ $.n > \"123\" }"),
            ("numeric_operator_needs_number", "\"123\"".into())
        );
        assert_eq!(
            at("{ $.n > abc }"),
            ("numeric_operator_needs_number", "abc".into())
        );
        assert_eq!(
            at("{ $.a = %x% || $.b = %y% || $.c = %z% }"),
            ("too_many_regexes", "%z%".into())
        );
        assert_eq!(
            at("{ $.*.x.* = \"y\" }"),
            ("too_many_wildcards_in_selector", "$.*.x.*".into())
        );
        assert_eq!(
            at("{ $.a[*] = 1 && $.b[*] = 1 && $.c[*] = 1 && $.d[*] = 1 }"),
            ("too_many_wildcard_selectors", "$.d[*]".into())
        );
        assert_eq!(at("%(a|b)%"), ("invalid_regex", "(".into()));
        assert_eq!(at("{ $ = 1 }"), ("empty_selector", "$".into()));
    }

    #[test]
    fn hints_for_what_users_probably_meant() {
        assert_eq!(
            at("{ $.userIdentity.type = 'Root' }"),
            ("single_quoted_value", "'Root'".into())
        );
        assert_eq!(at("{ $.a == \"x\" }"), ("double_equals", "==".into()));
        assert_eq!(
            at("{ $.a IS NOT NULL }"),
            ("is_not_unsupported", "IS NOT".into())
        );
        assert_eq!(
            at("{ $.a EXISTS }"),
            ("exists_unsupported", "EXISTS".into())
        );
        assert_eq!(at("{ $.a is null }"), ("keyword_case", "is".into()));
        assert_eq!(at("{ $.a IS null }"), ("keyword_case", "null".into()));
        assert_eq!(at("{ $.a NOT exists }"), ("keyword_case", "exists".into()));
        assert_eq!(
            at("{ status = \"401\" }"),
            ("selector_without_root", "status".into())
        );
        assert_eq!(at("{ $.a = 1 | $.b = 2 }"), ("lone_operator", "|".into()));
        assert_eq!(at("{ $.a = 1 & $.b = 2 }"), ("lone_operator", "&".into()));
        assert_eq!(at("{ $.a = 1 } x"), ("trailing_input", "x".into()));
        let e = err("{ $.a = 1 } && { $.b = 2 }");
        assert_eq!(e.kind(), &ErrorKind::TrailingInput);
        assert!(e.help().unwrap().contains("one pair"), "{e}");
        assert_eq!(
            at(r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedByNOT EXISTS }"#),
            ("glued_keyword", "NOT".into())
        );
        assert_eq!(
            at("{ ($eventName=DetachRolePolicy) }"),
            ("empty_selector", "$eventName".into())
        );
        assert_eq!(
            at("{ $.a = 1 AND $.b = 2 }"),
            ("word_operator", "AND".into())
        );
        assert_eq!(
            at(" {$.ThisFlag IS TRUE}"),
            ("surrounding_whitespace", " ".into())
        );
        assert_eq!(
            at("{$.ThisFlag IS TRUE} "),
            ("surrounding_whitespace", " ".into())
        );
        assert_eq!(
            at("{ $.errorMessage = Failed authentication }"),
            ("expected_logical_operator", "authentication".into())
        );
    }

    #[test]
    fn structural_errors() {
        assert_eq!(at("{ $.a = 1 "), ("unclosed_brace", "{".into()));
        assert_eq!(at("{}"), ("empty_expression", "{}".into()));
        assert_eq!(at("{ () }"), ("empty_expression", "()".into()));
        assert_eq!(at("{ ($.a = 1 }"), ("unclosed_paren", "(".into()));
        assert_eq!(at("{ $.a = 1) }"), ("unmatched_paren", ")".into()));
        assert_eq!(at("{ $.a = 1 && }"), ("expected_condition", "}".into()));
        assert_eq!(at("{ $.a = }"), ("expected_value", "}".into()));
        assert_eq!(at("{ $.a }"), ("expected_operator", "}".into()));
        assert_eq!(at("{ $.a = \"x }"), ("unclosed_string", "\"x }".into()));
        assert_eq!(at(r#"{ $.a = "x\y" }"#), ("invalid_escape", "\\y".into()));
        assert_eq!(at("{ $.a = a@b }"), ("invalid_bare_value", "a@b".into()));
        assert_eq!(at("{ $.a = %x }"), ("unclosed_regex", "%x }".into()));
        assert_eq!(at("{ $.a..b = 1 }"), ("invalid_selector", "..".into()));
        assert_eq!(
            at("{ $.[\"k\"] = 1 }"),
            ("invalid_bracket_key", ".[".into())
        );
        assert_eq!(at("{ $.a[-1] = 1 }"), ("invalid_index", "[-1]".into()));
        assert_eq!(
            at("{ $.a[99999999999] = 1 }"),
            ("invalid_index", "[99999999999]".into())
        );
        assert_eq!(at("[]").0, "invalid_delimited");
        assert_eq!(at("[a,]"), ("invalid_delimited", "]".into()));
        assert_eq!(at("[a b]"), ("invalid_delimited", "b".into()));
        assert_eq!(
            at("[..., status_code = 4* && bytes > 1000]"),
            ("delimited_field_mismatch", "bytes".into())
        );
        assert_eq!(at("ERROR -"), ("invalid_term", "-".into()));
        assert_eq!(at("ERROR a@b"), ("invalid_bare_value", "a@b".into()));
        assert_eq!(at("ERROR %x%"), ("invalid_term", "%x%".into()));
        let e = err("$.eventName = ConsoleLogin");
        assert_eq!(e.kind(), &ErrorKind::InvalidBareValue);
        assert!(e.help().unwrap().contains("inside braces"), "{e}");
        assert_eq!(at("{ $.a = f(x) }"), ("invalid_bare_value", "f(x".into()));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(40), ")".repeat(40));
        assert_eq!(err(&deep).kind(), &ErrorKind::TooDeep);
        let fine = format!(
            "{{ {}$.a = 1{} }}",
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        ok(&fine);
        // Far beyond the limit and the length cap: an error, never a stack overflow.
        let huge = "(".repeat(100_000);
        assert_eq!(
            err(&format!("{{{huge}")).kind(),
            &ErrorKind::TooLong { chars: 100_001 }
        );
    }

    #[test]
    fn normal_form_ignores_layout_order_and_optional_quotes() {
        let a = Normal::from_ast(&ok(
            r#"{ ($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion") }"#,
        ));
        let b = Normal::from_ast(&ok(
            "{$.eventName=ScheduleKeyDeletion||(($.eventName=DisableKey))}",
        ));
        assert_eq!(a, b);
        let n1 = Normal::from_ast(&ok("{ $.n = 123 }"));
        let n2 = Normal::from_ast(&ok("{ $.n = \"123\" }"));
        assert_ne!(n1, n2, "a quoted number is text");
        let s = a.to_string();
        assert_eq!(
            s,
            r#"{ $.eventName = "DisableKey" || $.eventName = "ScheduleKeyDeletion" }"#
        );
        assert_eq!(Normal::from_ast(&ok(&s)), a);
    }

    #[test]
    fn normal_form_keeps_structure() {
        let or_first = Normal::from_ast(&ok("{ ($.a = 1 || $.b = 2) && $.c = 3 }"));
        let and_first = Normal::from_ast(&ok("{ $.a = 1 || $.b = 2 && $.c = 3 }"));
        assert_ne!(or_first, and_first);
        assert_eq!(or_first.to_string(), "{ $.c = 3 && ($.a = 1 || $.b = 2) }");
        assert_eq!(Normal::from_ast(&ok(&or_first.to_string())), or_first);
        assert_eq!(Normal::from_ast(&ok("\" \"")), Normal::MatchAll);
        assert_eq!(Normal::from_ast(&ok("")), Normal::MatchAll);
    }

    #[test]
    fn errors_render_with_a_caret() {
        let e = err("{ $.a = 'x' }");
        let r = e.to_string();
        assert!(
            r.starts_with("error: single quotes do not delimit values\n"),
            "{r}"
        );
        assert!(r.contains("1 | { $.a = 'x' }\n  |         ^^^\n"), "{r}");
        assert!(r.contains("= help: use double quotes: `\"x\"`"), "{r}");
    }

    #[test]
    fn every_grammar_rule_has_its_parser_function() {
        let ebnf = include_str!("../../grammar/filter-pattern.ebnf");
        let source = include_str!("parser.rs");
        // Rules are the productions before the character classes.
        let rules = ebnf.split("(* -- characters").next().unwrap();
        let mut names = Vec::new();
        for line in rules.lines() {
            if let Some((lhs, _)) = line.split_once(" = ") {
                let lhs = lhs.trim();
                if !lhs.is_empty() && lhs.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    names.push(lhs.to_owned());
                }
            }
        }
        assert!(names.len() >= 20, "{names:?}");
        for n in &names {
            assert!(
                source.contains(&format!("fn {n}<")) || source.contains(&format!("fn {n}(")),
                "grammar rule `{n}` has no parser function"
            );
        }
    }
}
