//! The nom parser: `fieldSelectionCriteria` text to [`Criteria`].
//!
//! One function per production of `grammar/field-selection-criteria.ebnf`,
//! with the same names. Every function takes the remaining input and returns
//! the rest and its result; byte offsets are recovered from the length of the
//! rest. Every diagnosis is a `nom::Err::Failure` with a specific
//! [`ErrorKind`]; the checks on values (account IDs, Region codes) run as
//! each value is read, so their errors point at the value.

use nom::character::complete::char;
use nom::{IResult, Parser};

use crate::criteria::ast::{
    Chain, Comparison, Criteria, Expr, Field, List, Op, Paren, Rhs, Span, Str,
};
use crate::criteria::error::{CriteriaError, ErrorKind, MAX_CRITERIA_CHARS, MAX_NESTING};

/// A diagnosis, positioned by the length of the input that remained where it
/// starts (`rest`), covering `len` bytes.
#[derive(Debug)]
pub(crate) struct Fault {
    kind: ErrorKind,
    rest: usize,
    len: usize,
    message: String,
    help: Option<String>,
}

impl<'a> nom::error::ParseError<&'a str> for Fault {
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        Fault {
            kind: ErrorKind::ExpectedCondition,
            rest: input.len(),
            len: 0,
            message: String::new(),
            help: None,
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, Fault>;

/// Fail at `at` (the rest where the fault starts), covering `len` bytes.
fn fail<T>(
    at: &str,
    len: usize,
    kind: ErrorKind,
    message: impl Into<String>,
    help: Option<String>,
) -> Result<T, nom::Err<Fault>> {
    Err(nom::Err::Failure(Fault {
        kind,
        rest: at.len(),
        len: len.min(at.len()),
        message: message.into(),
        help,
    }))
}

/// Parse a `fieldSelectionCriteria`.
///
/// ```
/// use cis_filters::criteria::{evaluate, parse};
/// let c = parse(r#"@aws.account IN ["111111111111", "222222222222"] AND @aws.region = "us-east-1""#)?;
/// assert!(evaluate(&c, "222222222222", "us-east-1"));
/// assert!(!evaluate(&c, "222222222222", "eu-west-1"));
/// # Ok::<(), cis_filters::criteria::CriteriaError>(())
/// ```
pub fn parse(text: &str) -> Result<Criteria, CriteriaError> {
    let chars = text.chars().count();
    if chars > MAX_CRITERIA_CHARS {
        let cut = text
            .char_indices()
            .nth(MAX_CRITERIA_CHARS)
            .map_or(text.len(), |(i, _)| i);
        return Err(CriteriaError::new(
            ErrorKind::TooLong { chars },
            Span::new(cut, text.len()),
            text,
            format!(
                "the criteria are {chars} characters long; CloudWatch Logs accepts at most {MAX_CRITERIA_CHARS}"
            ),
            Some("list fewer values, or split the metric filter in two".into()),
        ));
    }
    let p = P { text };
    match p.criteria(text) {
        Ok((_, c)) => Ok(c),
        Err(nom::Err::Error(f) | nom::Err::Failure(f)) => Err(p.to_error(f)),
        Err(nom::Err::Incomplete(_)) => Err(CriteriaError::new(
            ErrorKind::ExpectedCondition,
            Span::new(text.len(), text.len()),
            text,
            "the criteria end too early".into(),
            None,
        )),
    }
}

/// Whitespace: space, tab, CR and LF.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Split off leading whitespace: (rest, whitespace).
fn ws0(i: &str) -> (&str, &str) {
    let n = i.len() - i.trim_start_matches(is_ws).len();
    (i.get(n..).unwrap_or(""), i.get(..n).unwrap_or(""))
}

/// The leading run of ASCII letters (possibly empty): a keyword candidate.
fn word_at(i: &str) -> &str {
    let n = i
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(i.len());
    i.get(..n).unwrap_or("")
}

/// Characters of a field-name token: `@aws.account`, and the near misses
/// the parser diagnoses (`aws.account`, `$.account`, `@aws.accountId`).
fn is_field_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '$')
}

/// Characters of an unquoted value the parser diagnoses.
fn is_bare_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '*' | ':' | '/')
}

/// The length of the token at the start of `i`: up to whitespace or a
/// structural character, at least one character (none at the end).
fn token_len(i: &str) -> usize {
    i.find(|c: char| is_ws(c) || matches!(c, '(' | ')' | '[' | ']' | ',' | '"' | '\''))
        .unwrap_or(i.len())
        .max(i.chars().next().map_or(0, char::len_utf8))
}

/// The token at the start of `i`, for messages.
fn token(i: &str) -> &str {
    i.get(..token_len(i)).unwrap_or("")
}

/// Whether `s` is a 12-digit account ID.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` has the shape of a Region code: lower-case words joined by
/// `-`, at least two of them, then a number (`us-east-1`, `us-gov-west-1`,
/// `eusc-de-east-1`).
pub fn is_region_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let last = parts.next_back().unwrap_or("");
    let words: Vec<&str> = parts.collect();
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// A logical operator between conditions.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Logic {
    And,
    Or,
}

impl Logic {
    fn as_str(self) -> &'static str {
        match self {
            Logic::And => "AND",
            Logic::Or => "OR",
        }
    }
}

struct P<'t> {
    text: &'t str,
}

impl<'t> P<'t> {
    fn off(&self, rest: &str) -> usize {
        self.text.len().saturating_sub(rest.len())
    }

    fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.off(from), self.off(to))
    }

    /// The character just before `rest` in the text.
    fn prev_char(&self, rest: &str) -> Option<char> {
        self.text.get(..self.off(rest))?.chars().next_back()
    }

    fn to_error(&self, f: Fault) -> CriteriaError {
        let start = self.text.len().saturating_sub(f.rest);
        let message = if f.message.is_empty() {
            "unexpected input".to_owned()
        } else {
            f.message
        };
        CriteriaError::new(
            f.kind,
            Span::new(start, start + f.len),
            self.text,
            message,
            f.help,
        )
    }

    /// criteria = ws? ( expr ws? )?
    fn criteria(&self, i: &'t str) -> PResult<'t, Criteria> {
        let span = Span::new(0, self.text.len());
        let (r, _) = ws0(i);
        if r.is_empty() {
            return Ok((r, Criteria { expr: None, span }));
        }
        let (r, expr) = self.expr(r, 0)?;
        let (r, _) = ws0(r);
        if !r.is_empty() {
            return self.after_operand(r, false);
        }
        Ok((
            r,
            Criteria {
                expr: Some(expr),
                span,
            },
        ))
    }

    /// expr = primary ( logical_op primary )*   — one operator per expr
    fn expr(&self, i: &'t str, depth: usize) -> PResult<'t, Expr<Comparison>> {
        let (mut r, first) = self.primary(i, depth)?;
        let mut chain: Option<Logic> = None;
        let mut operands = Vec::new();
        while let Some((op, kw, after)) = self.logical_op(r)? {
            if let Some(prev) = chain
                && prev != op
            {
                let (a, b) = (prev.as_str(), op.as_str());
                return fail(
                    kw,
                    b.len(),
                    ErrorKind::MixedAndOr,
                    format!("`{b}` follows `{a}` in the same group"),
                    Some(format!(
                        "AWS does not document whether AND binds tighter than OR: group the conditions with parentheses, e.g. `(x {a} y) {b} z` or `x {a} (y {b} z)`"
                    )),
                );
            }
            chain = Some(op);
            let (r2, e) = self.primary(after, depth)?;
            operands.push(e);
            r = r2;
        }
        let Some(op) = chain else {
            return Ok((r, first));
        };
        operands.insert(0, first);
        let c = Chain {
            operands,
            span: self.span(i, r),
        };
        Ok((
            r,
            match op {
                Logic::And => Expr::And(c),
                Logic::Or => Expr::Or(c),
            },
        ))
    }

    /// logical_op = ws? ( "AND" | "OR" ) ws?   — whitespace on each side
    /// unless a parenthesis touches the keyword.
    ///
    /// `None` when the next word is not `AND` or `OR`; otherwise the
    /// operator, the rest at the keyword, and the rest after it.
    #[allow(clippy::type_complexity)]
    fn logical_op(&self, i: &'t str) -> Result<Option<(Logic, &'t str, &'t str)>, nom::Err<Fault>> {
        let (r, lead) = ws0(i);
        let w = word_at(r);
        let upper = w.to_ascii_uppercase();
        let op = match upper.as_str() {
            "AND" => Logic::And,
            "OR" => Logic::Or,
            _ => return Ok(None),
        };
        if w != upper {
            return fail(
                r,
                w.len(),
                ErrorKind::KeywordCase,
                format!("`{w}` must be written in upper case"),
                Some(format!("write `{upper}`")),
            );
        }
        if lead.is_empty() && self.prev_char(r) != Some(')') {
            return fail(
                r,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is glued to the text before it"),
                Some(format!("put a space before `{w}`")),
            );
        }
        let after_kw = r.get(w.len()..).unwrap_or("");
        let (after, trail) = ws0(after_kw);
        if trail.is_empty() && !after_kw.is_empty() && !after_kw.starts_with(['(', ')']) {
            return fail(
                r,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is glued to the text after it"),
                Some(format!("put a space after `{w}`")),
            );
        }
        Ok(Some((op, r, after)))
    }

    /// primary = "(" ws? expr ws? ")" | comparison
    fn primary(&self, i: &'t str, depth: usize) -> PResult<'t, Expr<Comparison>> {
        if !i.starts_with('(') {
            return self.comparison(i).map(|(r, c)| (r, Expr::Leaf(c)));
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
        let (r, _) = ws0(r);
        if r.starts_with(')') {
            return fail(
                i,
                self.off(r) - self.off(i) + 1,
                ErrorKind::EmptyExpression,
                "`()` has no condition",
                None,
            );
        }
        let (r, inner) = self.expr(r, depth + 1)?;
        let (r, _) = ws0(r);
        if let Some(rest) = r.strip_prefix(')') {
            return Ok((
                rest,
                Expr::Paren(Box::new(Paren {
                    inner,
                    span: self.span(i, rest),
                })),
            ));
        }
        if r.is_empty() {
            return fail(
                i,
                1,
                ErrorKind::UnclosedParen,
                "this `(` is never closed",
                Some("add `)` at the end of the group".into()),
            );
        }
        self.after_operand(r, true)
    }

    /// The error after a complete condition or group that is not followed
    /// by `AND`, `OR`, the closing `)` (inside parentheses) or the end.
    fn after_operand<T>(&self, r: &str, in_paren: bool) -> Result<T, nom::Err<Fault>> {
        if r.starts_with(')') && !in_paren {
            return fail(
                r,
                1,
                ErrorKind::UnmatchedParen,
                "`)` has no matching `(`",
                None,
            );
        }
        for (sym, word) in [("&&", "AND"), ("||", "OR"), ("&", "AND"), ("|", "OR")] {
            if r.starts_with(sym) {
                return fail(
                    r,
                    sym.len(),
                    ErrorKind::SymbolOperator,
                    format!("`{sym}` is not an operator in fieldSelectionCriteria"),
                    Some(format!("write `{word}`")),
                );
            }
        }
        let w = word_at(r);
        if w.eq_ignore_ascii_case("NOT") {
            return fail(
                r,
                w.len(),
                ErrorKind::ExpectedLogicalOperator,
                format!("`{w}` cannot join two conditions"),
                Some(
                    "there is no negation of a group: use `!=` or `NOT IN` inside a condition"
                        .into(),
                ),
            );
        }
        let what = if in_paren {
            "`AND`, `OR` or `)`"
        } else {
            "`AND`, `OR` or the end"
        };
        let help = if r.starts_with('"') || r.starts_with('\'') || r.starts_with(',') {
            Some("to compare with several values, use a list: `@aws.account IN [\"111111111111\", \"222222222222\"]`".to_owned())
        } else {
            None
        };
        fail(
            r,
            token_len(r),
            ErrorKind::ExpectedLogicalOperator,
            format!("expected {what}, found `{}`", token(r)),
            help,
        )
    }

    /// The error where a condition should start but does not.
    fn expected_condition<T>(&self, i: &str) -> Result<T, nom::Err<Fault>> {
        if i.is_empty() {
            return fail(
                i,
                0,
                ErrorKind::ExpectedCondition,
                "the criteria end where a condition should start",
                Some("an operator needs a condition on each side".into()),
            );
        }
        if i.starts_with('!') {
            return fail(
                i,
                1,
                ErrorKind::SymbolOperator,
                "`!` is not an operator in fieldSelectionCriteria",
                Some(
                    "there is no negation of a group: use `!=` or `NOT IN` inside a condition"
                        .into(),
                ),
            );
        }
        let w = word_at(i);
        let upper = w.to_ascii_uppercase();
        let help = if matches!(upper.as_str(), "AND" | "OR" | "IN") {
            "an operator needs a condition on each side"
        } else if upper == "NOT" {
            "there is no negation of a group: use `!=` or `NOT IN` inside a condition"
        } else if i.starts_with('"') || i.starts_with('\'') {
            "a condition starts with the field, without quotes: `@aws.account = \"111111111111\"`"
        } else if i.starts_with(')') {
            "remove the dangling operator before it"
        } else {
            "a condition starts with `@aws.account` or `@aws.region`, or with `(`"
        };
        let len = if w.is_empty() { token_len(i) } else { w.len() };
        fail(
            i,
            len,
            ErrorKind::ExpectedCondition,
            format!(
                "expected a condition, found `{}`",
                i.get(..len).unwrap_or("")
            ),
            Some(help.into()),
        )
    }

    /// comparison = field ws? operator ws? ( value | list )
    fn comparison(&self, i: &'t str) -> PResult<'t, Comparison> {
        let (r, field) = self.field(i)?;
        let field_span = self.span(i, r);
        let (r, _) = ws0(r);
        let (after_op, op) = self.operator(r)?;
        let op_span = self.span(r, after_op);
        let (r, _) = ws0(after_op);
        let (r, rhs) = if op.takes_list() {
            let (r, l) = self.list(r, field, op)?;
            (r, Rhs::List(l))
        } else {
            let (r, s) = self.value(r, field, op)?;
            (r, Rhs::Value(s))
        };
        Ok((
            r,
            Comparison {
                field,
                field_span,
                op,
                op_span,
                rhs,
                span: self.span(i, r),
            },
        ))
    }

    /// field = "@aws.account" | "@aws.region"
    fn field(&self, i: &'t str) -> PResult<'t, Field> {
        let n = i.find(|c: char| !is_field_char(c)).unwrap_or(i.len());
        let tok = i.get(..n).unwrap_or("");
        let rest = i.get(n..).unwrap_or("");
        if let Some(f) = Field::ALL.into_iter().find(|f| f.name() == tok) {
            return Ok((rest, f));
        }
        let upper = tok.to_ascii_uppercase();
        if tok.is_empty() || matches!(upper.as_str(), "AND" | "OR" | "NOT" | "IN") {
            return self.expected_condition(i);
        }
        // `@aws.accountIN [...]`: a keyword glued to the field.
        for f in Field::ALL {
            for kw in ["NOT", "IN"] {
                if tok.len() == f.name().len() + kw.len()
                    && tok.starts_with(f.name())
                    && upper.ends_with(kw)
                {
                    let at = i.get(f.name().len()..).unwrap_or("");
                    return fail(
                        at,
                        kw.len(),
                        ErrorKind::GluedKeyword,
                        format!("`{kw}` is glued to the field `{}`", f.name()),
                        Some(format!("put a space before it: `{} {kw}`", f.name())),
                    );
                }
            }
        }
        let lower = tok.to_ascii_lowercase();
        let help = if let Some(f) = Field::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(tok))
        {
            format!("field names are case-sensitive: write `{}`", f.name())
        } else if lower.contains("account") {
            "write `@aws.account`".to_owned()
        } else if lower.contains("region") {
            "write `@aws.region`".to_owned()
        } else {
            "fieldSelectionCriteria selects on `@aws.account` and `@aws.region` only".to_owned()
        };
        fail(
            i,
            n,
            ErrorKind::UnknownField,
            format!("`{tok}` is not a field of fieldSelectionCriteria"),
            Some(help),
        )
    }

    /// operator = "=" | "!=" | "IN" | "NOT" ws "IN"
    fn operator(&self, i: &'t str) -> PResult<'t, Op> {
        const USE: &str = "use `=`, `!=`, `IN [...]` or `NOT IN [...]`";
        if i.starts_with("==") {
            return fail(
                i,
                2,
                ErrorKind::DoubleEquals,
                "`==` is not an operator",
                Some("use `=`".into()),
            );
        }
        if let Some(r) = i.strip_prefix("!=") {
            return Ok((r, Op::Ne));
        }
        if i.starts_with("<>") {
            return fail(
                i,
                2,
                ErrorKind::UnsupportedOperator,
                "`<>` is not an operator in fieldSelectionCriteria",
                Some("use `!=`".into()),
            );
        }
        for sym in ["<=", ">=", "<", ">"] {
            if i.starts_with(sym) {
                return fail(
                    i,
                    sym.len(),
                    ErrorKind::UnsupportedOperator,
                    format!("`{sym}` does not compare accounts or Regions"),
                    Some(USE.into()),
                );
            }
        }
        if let Some(r) = i.strip_prefix('=') {
            return Ok((r, Op::Eq));
        }
        if i.starts_with('!') {
            return fail(
                i,
                1,
                ErrorKind::SymbolOperator,
                "`!` is not an operator",
                Some("use `!=` or `NOT IN [...]`".into()),
            );
        }
        let w = word_at(i);
        let upper = w.to_ascii_uppercase();
        let after = i.get(w.len()..).unwrap_or("");
        match upper.as_str() {
            "IN" => {
                self.keyword_case(i, w)?;
                self.space_after(i, w, after)?;
                Ok((after, Op::In))
            }
            "NOT" => {
                self.keyword_case(i, w)?;
                let (r, gap) = ws0(after);
                let w2 = word_at(r);
                let upper2 = w2.to_ascii_uppercase();
                if gap.is_empty() || !matches!(upper2.as_str(), "IN" | "LIKE") {
                    return fail(
                        i,
                        w.len(),
                        ErrorKind::ExpectedOperator,
                        "expected `IN` after `NOT`",
                        Some(USE.into()),
                    );
                }
                if upper2 == "LIKE" {
                    return self.like(i, self.off(r) - self.off(i) + w2.len());
                }
                self.keyword_case(r, w2)?;
                let after2 = r.get(w2.len()..).unwrap_or("");
                self.space_after(r, w2, after2)?;
                Ok((after2, Op::NotIn))
            }
            "NOTIN" => fail(
                i,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is two keywords glued together"),
                Some("write `NOT IN`".into()),
            ),
            "LIKE" => self.like(i, w.len()),
            _ => {
                let (message, len) = if i.is_empty() {
                    ("expected an operator after the field".to_owned(), 0)
                } else if i.starts_with(['"', '\'', '[']) {
                    (
                        "expected an operator between the field and the value".to_owned(),
                        1,
                    )
                } else {
                    (
                        format!("expected an operator, found `{}`", token(i)),
                        token_len(i),
                    )
                };
                fail(
                    i,
                    len,
                    ErrorKind::ExpectedOperator,
                    message,
                    Some(USE.into()),
                )
            }
        }
    }

    /// `LIKE` and `NOT LIKE`: the syntax of another AWS filter language.
    fn like<T>(&self, i: &str, len: usize) -> Result<T, nom::Err<Fault>> {
        fail(
            i,
            len,
            ErrorKind::UnsupportedOperator,
            format!(
                "`{}` is not an operator in fieldSelectionCriteria",
                i.get(..len).unwrap_or("LIKE")
            ),
            Some("`LIKE` belongs to the log-group filters of cross-account observability links; list the values with `IN [...]`".into()),
        )
    }

    /// Keywords are upper case.
    fn keyword_case(&self, at: &str, w: &str) -> Result<(), nom::Err<Fault>> {
        let upper = w.to_ascii_uppercase();
        if w == upper {
            return Ok(());
        }
        fail(
            at,
            w.len(),
            ErrorKind::KeywordCase,
            format!("`{w}` must be written in upper case"),
            Some(format!("write `{upper}`")),
        )
    }

    /// After `IN`: whitespace or `[` (or the end, which the list reports).
    fn space_after(&self, at: &str, w: &str, after: &str) -> Result<(), nom::Err<Fault>> {
        match after.chars().next() {
            None | Some('[') => Ok(()),
            Some(c) if is_ws(c) => Ok(()),
            Some(_) => fail(
                at,
                w.len(),
                ErrorKind::GluedKeyword,
                format!("`{w}` is glued to the text after it"),
                Some(format!("put a space after `{w}`")),
            ),
        }
    }

    /// list = "[" ws? value ( ws? "," ws? value )* ws? "]"
    fn list(&self, i: &'t str, field: Field, op: Op) -> PResult<'t, List> {
        let Some(body) = i.strip_prefix('[') else {
            let help = if i.starts_with('(') {
                "write the values in square brackets and double quotes: `[\"a\", \"b\"]` (parentheses are the syntax of cross-account observability link filters)".to_owned()
            } else if i.starts_with('"') {
                format!(
                    "write `{} [{}]`, or use `{}` for one value",
                    op.as_str(),
                    token_quoted(i),
                    if op == Op::In { "=" } else { "!=" }
                )
            } else {
                format!("write `{} [\"a\", \"b\"]`", op.as_str())
            };
            let len = if i.starts_with('"') {
                token_quoted(i).len()
            } else {
                token_len(i)
            };
            return fail(
                i,
                len,
                ErrorKind::ExpectedList,
                format!("`{}` takes a list in square brackets", op.as_str()),
                Some(help),
            );
        };
        let (mut r, _) = ws0(body);
        if let Some(rest) = r.strip_prefix(']') {
            return fail(
                i,
                self.off(rest) - self.off(i),
                ErrorKind::EmptyList,
                "the list has no value",
                Some(format!(
                    "an empty list selects {}; list at least one value, or drop the condition",
                    if op == Op::In {
                        "nothing"
                    } else {
                        "everything"
                    }
                )),
            );
        }
        let mut items = Vec::new();
        loop {
            if r.is_empty() {
                return self.unclosed_list(i);
            }
            let (r2, s) = self.value(r, field, op)?;
            items.push(s);
            let (r2, _) = ws0(r2);
            if let Some(rest) = r2.strip_prefix(']') {
                return Ok((
                    rest,
                    List {
                        items,
                        span: self.span(i, rest),
                    },
                ));
            }
            if let Some(after_comma) = r2.strip_prefix(',') {
                let (r3, _) = ws0(after_comma);
                if r3.starts_with(']') {
                    return fail(
                        r2,
                        1,
                        ErrorKind::InvalidList,
                        "a comma with no value after it",
                        Some("remove the trailing comma".into()),
                    );
                }
                r = r3;
                continue;
            }
            if r2.is_empty() {
                return self.unclosed_list(i);
            }
            return fail(
                r2,
                token_len(r2),
                ErrorKind::InvalidList,
                format!("expected `,` or `]` after a value, found `{}`", token(r2)),
                Some("separate the values with commas: `[\"a\", \"b\"]`".into()),
            );
        }
    }

    fn unclosed_list<T>(&self, open: &str) -> Result<T, nom::Err<Fault>> {
        fail(
            open,
            1,
            ErrorKind::UnclosedList,
            "this `[` is never closed",
            Some("end the list with `]`".into()),
        )
    }

    /// value = string   — checked against the field: a 12-digit account ID
    /// for `@aws.account`, a Region code for `@aws.region`.
    fn value(&self, i: &'t str, field: Field, op: Op) -> PResult<'t, Str> {
        match i.chars().next() {
            Some('"') => {
                let (r, s) = self.string(i)?;
                self.check_value(i, field, &s)?;
                Ok((r, s))
            }
            Some('\'') => {
                let len = i
                    .get(1..)
                    .and_then(|t| t.find('\''))
                    .map_or(token_len(i), |p| p + 2);
                let inner = i.get(1..len.saturating_sub(1)).unwrap_or("");
                fail(
                    i,
                    len,
                    ErrorKind::SingleQuotedValue,
                    "single quotes do not delimit values",
                    Some(format!("use double quotes: `\"{inner}\"`")),
                )
            }
            Some('[') if !op.takes_list() => fail(
                i,
                1,
                ErrorKind::ExpectedValue,
                format!("`{}` compares with one value, not a list", op.as_str()),
                Some(format!(
                    "for a list write `{}`",
                    if op == Op::Eq {
                        "IN [...]"
                    } else {
                        "NOT IN [...]"
                    }
                )),
            ),
            Some(c) if is_bare_char(c) => {
                let n = i.find(|c: char| !is_bare_char(c)).unwrap_or(i.len());
                let bare = i.get(..n).unwrap_or("");
                fail(
                    i,
                    n,
                    ErrorKind::UnquotedValue,
                    format!("the value `{bare}` is not in double quotes"),
                    Some(format!("write `\"{bare}\"`")),
                )
            }
            None => fail(
                i,
                0,
                ErrorKind::ExpectedValue,
                "the criteria end where a value should be",
                Some(format!(
                    "write a value in double quotes, e.g. `{} \"{}\"`",
                    op.as_str(),
                    example(field)
                )),
            ),
            Some(_) => fail(
                i,
                token_len(i),
                ErrorKind::ExpectedValue,
                format!("expected a value in double quotes, found `{}`", token(i)),
                Some(format!("e.g. `\"{}\"`", example(field))),
            ),
        }
    }

    /// string = '"' str_char* '"'   — no escapes: a backslash is an error.
    fn string(&self, i: &'t str) -> PResult<'t, Str> {
        let body = i.get(1..).unwrap_or("");
        match body.find(['"', '\\']) {
            Some(p) if body.get(p..).is_some_and(|t| t.starts_with('"')) => {
                let rest = body.get(p + 1..).unwrap_or("");
                Ok((
                    rest,
                    Str {
                        value: body.get(..p).unwrap_or("").to_owned(),
                        span: self.span(i, rest),
                    },
                ))
            }
            Some(p) => {
                let at = body.get(p..).unwrap_or("");
                let next = at.chars().nth(1);
                fail(
                    at,
                    1 + next.map_or(0, char::len_utf8),
                    ErrorKind::InvalidEscape,
                    "a backslash is not allowed in a value",
                    Some("account IDs and Region codes need no escapes".into()),
                )
            }
            None => fail(
                i,
                i.len(),
                ErrorKind::UnclosedString,
                "this string is never closed",
                Some("end it with `\"`".into()),
            ),
        }
    }

    /// The value's shape must fit its field.
    fn check_value(&self, at: &str, field: Field, s: &Str) -> Result<(), nom::Err<Fault>> {
        let v = s.value.as_str();
        let len = s.span.end - s.span.start;
        let wildcard = "wildcards are not supported: list the values with `IN [...]`, or drop the condition to select every one";
        match field {
            Field::Account if is_account_id(v) => Ok(()),
            Field::Region if is_region_code(v) => Ok(()),
            Field::Account => {
                let digits: String = v.chars().filter(|c| *c != '-' && *c != ' ').collect();
                let help = if v.contains(',') {
                    MISSING_QUOTE.to_owned()
                } else if v.contains('*') {
                    wildcard.to_owned()
                } else if is_region_code(v) {
                    "this is a Region code: compare it with `@aws.region`".to_owned()
                } else if v != digits && is_account_id(&digits) {
                    format!("write it without separators: `\"{digits}\"`")
                } else if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    format!(
                        "an account ID has exactly 12 digits, leading zeros included (this one has {})",
                        v.len()
                    )
                } else {
                    "an account ID is 12 digits, e.g. `\"111111111111\"`".to_owned()
                };
                fail(
                    at,
                    len,
                    ErrorKind::InvalidAccountId,
                    format!("`\"{v}\"` is not an account ID"),
                    Some(help),
                )
            }
            Field::Region => {
                let lower = v.to_ascii_lowercase();
                let help = if v.contains(',') {
                    MISSING_QUOTE.to_owned()
                } else if v.contains('*') {
                    wildcard.to_owned()
                } else if is_account_id(v) {
                    "this is an account ID: compare it with `@aws.account`".to_owned()
                } else if is_region_code(&lower) {
                    format!("Region codes are lower case: `\"{lower}\"`")
                } else {
                    "a Region code looks like `\"us-east-1\"`".to_owned()
                };
                fail(
                    at,
                    len,
                    ErrorKind::InvalidRegion,
                    format!("`\"{v}\"` is not a Region code"),
                    Some(help),
                )
            }
        }
    }
}

/// Help for a value with a comma: a quote is probably missing.
const MISSING_QUOTE: &str =
    "a quote is probably missing: quote each value on its own, `[\"a\", \"b\"]`";

/// A quoted token at the start of `i` (`"…"` up to the closing quote), or
/// the plain token.
fn token_quoted(i: &str) -> &str {
    match i.get(1..).and_then(|t| t.find('"')) {
        Some(p) => i.get(..p + 2).unwrap_or(i),
        None => token(i),
    }
}

/// An example value for a field, for help texts.
fn example(field: Field) -> &'static str {
    match field {
        Field::Account => "111111111111",
        Field::Region => "us-east-1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> CriteriaError {
        match parse(text) {
            Ok(c) => panic!("{text:?} parsed: {c:?}"),
            Err(e) => e,
        }
    }

    fn kind(text: &str) -> &'static str {
        err(text).kind().code()
    }

    /// The error's span as text.
    fn at(text: &str) -> String {
        let e = err(text);
        text.get(e.span().range()).unwrap().to_owned()
    }

    #[test]
    fn documented_examples_parse() {
        for t in [
            r#"@aws.region = "us-east-1""#,
            r#"@aws.account IN ["123456789012", "987654321098"]"#,
            "",
            " \n\t",
            r#"(@aws.account = "111111111111" OR @aws.account = "222222222222") AND @aws.region NOT IN ["eu-west-1"]"#,
            r#"@aws.region != "us-gov-west-1""#,
            r#"@aws.account IN["111111111111"]"#,
            r#"(@aws.region="eusc-de-east-1")AND(@aws.account="111111111111")"#,
        ] {
            assert!(parse(t).is_ok(), "{t:?}: {}", parse(t).unwrap_err());
        }
    }

    #[test]
    fn tree_and_spans() {
        let t =
            r#"@aws.account IN ["111111111111", "222222222222"] OR (@aws.region = "us-east-1")"#;
        let c = parse(t).unwrap();
        let Some(Expr::Or(chain)) = &c.expr else {
            panic!("{c:?}")
        };
        assert_eq!(chain.operands.len(), 2);
        let Expr::Leaf(cmp) = &chain.operands[0] else {
            panic!()
        };
        assert_eq!(cmp.field, Field::Account);
        assert_eq!(cmp.op, Op::In);
        assert_eq!(&t[cmp.field_span.range()], "@aws.account");
        assert_eq!(&t[cmp.op_span.range()], "IN");
        let Rhs::List(l) = &cmp.rhs else { panic!() };
        assert_eq!(&t[l.span.range()], r#"["111111111111", "222222222222"]"#);
        assert_eq!(&t[l.items[1].span.range()], r#""222222222222""#);
        assert_eq!(l.items[1].value, "222222222222");
        let Expr::Paren(p) = &chain.operands[1] else {
            panic!()
        };
        assert_eq!(&t[p.span.range()], r#"(@aws.region = "us-east-1")"#);
        let t = r#"@aws.region NOT  IN ["us-east-1"]"#;
        let Some(Expr::Leaf(cmp)) = parse(t).unwrap().expr else {
            panic!()
        };
        assert_eq!(&t[cmp.op_span.range()], "NOT  IN");
        assert_eq!(&t[cmp.span.range()], t);
    }

    #[test]
    fn region_and_account_shapes() {
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "eusc-de-east-1",
            "us-isob-east-1",
            "ap-southeast-7",
        ] {
            assert!(is_region_code(r), "{r}");
        }
        for r in [
            "US-EAST-1",
            "us-east",
            "east-1",
            "us--east-1",
            "us-east-1a",
            "",
            "-",
            "us-east-",
        ] {
            assert!(!is_region_code(r), "{r}");
        }
        assert!(is_account_id("012345678901"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("1234567890123"));
        assert!(!is_account_id("12345678901a"));
    }

    #[test]
    fn errors_point_at_the_fault() {
        assert_eq!(kind(r#"@aws.region = 'us-east-1'"#), "single_quoted_value");
        assert_eq!(at(r#"@aws.region = 'us-east-1'"#), "'us-east-1'");
        assert_eq!(kind(r#"@aws.account = 123456789012"#), "unquoted_value");
        assert_eq!(at(r#"@aws.account = 123456789012"#), "123456789012");
        assert_eq!(kind(r#"@aws.account == "123456789012""#), "double_equals");
        assert_eq!(at(r#"@aws.account == "123456789012""#), "==");
        assert_eq!(kind(r#"@aws.accountId = "123456789012""#), "unknown_field");
        assert_eq!(at(r#"@aws.accountId = "123456789012""#), "@aws.accountId");
        assert_eq!(kind(r#"@aws.account in ["123456789012"]"#), "keyword_case");
        assert_eq!(at(r#"@aws.account in ["123456789012"]"#), "in");
        assert_eq!(kind(r#"@aws.accountIN ["123456789012"]"#), "glued_keyword");
        assert_eq!(at(r#"@aws.accountIN ["123456789012"]"#), "IN");
        assert_eq!(
            kind(r#"@aws.account NOTIN ["123456789012"]"#),
            "glued_keyword"
        );
        assert_eq!(
            kind(r#"@aws.account = "123456789012"AND @aws.region = "us-east-1""#),
            "glued_keyword"
        );
        assert_eq!(
            kind(r#"@aws.account = "123456789012" ANDx"#),
            "expected_logical_operator"
        );
        assert_eq!(
            kind(r#"@aws.account = "123456789012" && @aws.region = "us-east-1""#),
            "symbol_operator"
        );
        let t = r#"@aws.account = "111111111111" OR @aws.account = "222222222222" AND @aws.region = "us-east-1""#;
        assert_eq!(kind(t), "mixed_and_or");
        assert_eq!(at(t), "AND");
        assert_eq!(
            kind(r#"@aws.account = "12345678901""#),
            "invalid_account_id"
        );
        assert_eq!(at(r#"@aws.account = "12345678901""#), r#""12345678901""#);
        assert_eq!(kind(r#"@aws.region = "US-EAST-1""#), "invalid_region");
        assert!(
            err(r#"@aws.region = "US-EAST-1""#)
                .help()
                .unwrap()
                .contains(r#""us-east-1""#)
        );
        assert_eq!(kind(r#"@aws.account IN []"#), "empty_list");
        assert_eq!(at(r#"@aws.account IN [ ]"#), "[ ]");
        assert_eq!(kind(r#"@aws.account IN ["111111111111","#), "unclosed_list");
        assert_eq!(kind(r#"@aws.account IN ["111111111111",]"#), "invalid_list");
        assert_eq!(
            kind(r#"@aws.account IN ["111111111111" "222222222222"]"#),
            "invalid_list"
        );
        assert_eq!(kind(r#"@aws.account IN ('111111111111')"#), "expected_list");
        assert_eq!(kind(r#"@aws.account IN "111111111111""#), "expected_list");
        assert_eq!(at(r#"@aws.account IN "111111111111""#), r#""111111111111""#);
        assert_eq!(kind(r#"@aws.account = ["111111111111"]"#), "expected_value");
        assert_eq!(kind(r#"@aws.account ="#), "expected_value");
        assert_eq!(kind(r#"@aws.account LIKE "1%""#), "unsupported_operator");
        assert_eq!(at(r#"@aws.account NOT LIKE "1%""#), "NOT LIKE");
        assert_eq!(
            kind(r#"@aws.account <> "111111111111""#),
            "unsupported_operator"
        );
        assert_eq!(kind(r#"@aws.account "111111111111""#), "expected_operator");
        assert_eq!(
            kind(r#"@aws.account NOT "111111111111""#),
            "expected_operator"
        );
        assert_eq!(kind(r#"@aws.region = "us-east-1"#), "unclosed_string");
        assert_eq!(kind(r#"@aws.region = "us\"east""#), "invalid_escape");
        assert_eq!(kind(r#"(@aws.region = "us-east-1""#), "unclosed_paren");
        assert_eq!(kind(r#"@aws.region = "us-east-1")"#), "unmatched_paren");
        assert_eq!(kind("()"), "empty_expression");
        assert_eq!(
            kind(r#"AND @aws.region = "us-east-1""#),
            "expected_condition"
        );
        assert_eq!(
            kind(r#"@aws.region = "us-east-1" AND"#),
            "expected_condition"
        );
        assert_eq!(
            kind(r#"NOT (@aws.region = "us-east-1")"#),
            "expected_condition"
        );
        assert_eq!(kind(r#"!(@aws.region = "us-east-1")"#), "symbol_operator");
        assert_eq!(kind(&"(".repeat(40)), "too_deep");
        let long = format!(
            r#"@aws.account IN [{}]"#,
            vec![r#""111111111111""#; 200].join(", ")
        );
        assert_eq!(kind(&long), "too_long");
    }

    #[test]
    fn nesting_up_to_the_limit_parses() {
        let t = format!(
            r#"{}@aws.region = "us-east-1"{}"#,
            "(".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(parse(&t).is_ok());
        let t = format!(
            r#"{}@aws.region = "us-east-1"{}"#,
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert_eq!(kind(&t), "too_deep");
    }

    #[test]
    fn errors_render_with_a_caret() {
        let r = err("@aws.region = 'us-east-1'").to_string();
        assert_eq!(
            r,
            "error: single quotes do not delimit values\n  |\n1 | @aws.region = 'us-east-1'\n  |               ^^^^^^^^^^^\n  = help: use double quotes: `\"us-east-1\"`"
        );
    }

    #[test]
    fn every_grammar_rule_has_its_parser_function() {
        let ebnf = include_str!("../../grammar/field-selection-criteria.ebnf");
        let source = include_str!("parser.rs");
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
        assert!(names.len() >= 9, "{names:?}");
        for n in &names {
            assert!(
                source.contains(&format!("fn {n}(")) || source.contains(&format!("fn {n}<")),
                "grammar rule `{n}` has no parser function"
            );
        }
    }
}
