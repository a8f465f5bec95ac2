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

mod comparison;
mod lex;
mod values;

use lex::*;
pub use lex::{is_account_id, is_region_code};

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
        let ebnf = include_str!("../../../grammar/field-selection-criteria.ebnf");
        let source = [
            include_str!("mod.rs"),
            include_str!("comparison.rs"),
            include_str!("values.rs"),
        ]
        .concat();
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
