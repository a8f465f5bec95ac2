//! The nom parser: filter-pattern text to [`Ast`].
//!
//! One function per production of `grammar/filter-pattern.ebnf`, with the same
//! names, in one file per section of the grammar:
//!
//! - this file: `pattern`, the entry, and what every section shares;
//! - [`json`]: JSON patterns: `json`, `or_expr`, `and_expr`, `primary`, `condition`;
//! - [`selector`]: `selector`, `step`, `bracket_key`;
//! - [`compare`]: `test`, `is_test`, `not_exists`, `cmp_op`;
//! - [`value`]: `value`, `dquoted`, `regex`, `bare`;
//! - [`delimited`]: space-delimited patterns;
//! - [`terms`]: the standalone regex and unstructured terms;
//! - [`lex`]: whitespace, words and tokens (the character classes are
//!   [`crate::pattern::chars`]);
//! - [`quotas`]: the checks that need the whole tree.
//!
//! Every function takes the remaining input and returns the rest and its
//! result; byte offsets are recovered from the length of the rest, so the
//! parser works on plain `&str` slices.
//!
//! Errors that mean "this alternative does not apply" are `nom::Err::Error`;
//! every diagnosis is `nom::Err::Failure` with a specific [`ErrorKind`], so no
//! later alternative can hide it. The parser only says which kind, at which
//! span: the messages and help texts are written on [`ErrorKind`]. The checks
//! that need the whole tree (regex and wildcard quotas) run after parsing.

mod compare;
mod delimited;
mod json;
mod lex;
mod quotas;
mod selector;
mod terms;
mod value;

use nom::IResult;

use crate::pattern::ast::{Ast, Chain, Expr, Span};
use crate::pattern::error::{ErrorKind, MAX_PATTERN_CHARS, ParseError};

use lex::{logical_op, ws0};

/// A diagnosis, positioned by the length of the input that remained where it
/// starts (`at`) and ends (`end_at`).
#[derive(Debug, Clone)]
pub(crate) struct PErr {
    kind: ErrorKind,
    at: usize,
    end_at: usize,
}

impl<'a> nom::error::ParseError<&'a str> for PErr {
    /// A failed alternative: no message is built (it never allocates).
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        PErr {
            kind: ErrorKind::ExpectedCondition {
                found: None,
                operator: false,
            },
            at: input.len(),
            end_at: input.len(),
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, PErr>;

/// Fail at `at` (the rest where the fault starts) covering `len` bytes.
fn fail<T>(at: &str, len: usize, kind: ErrorKind) -> Result<T, nom::Err<PErr>> {
    let len = len.min(at.len());
    Err(nom::Err::Failure(PErr {
        kind,
        at: at.len(),
        end_at: at.len() - len,
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
        Ok((_, ast)) => match quotas::check_quotas(&ast) {
            Ok(()) => Ok(ast),
            Err((kind, span)) => Err(ParseError::new(kind, span, text)),
        },
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => Err(p.to_error(text, e)),
        // The parsers are all `complete`: nom never asks for more input.
        Err(nom::Err::Incomplete(_)) => Err(ParseError::new(
            ErrorKind::ExpectedCondition {
                found: None,
                operator: false,
            },
            Span::new(text.len(), text.len()),
            text,
        )),
    }
}

/// The parser: the length of the whole input, to turn rests into offsets.
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
        ParseError::new(e.kind, Span::new(start, end), text)
    }

    /// Fail at an absolute span of the pattern.
    fn fail_abs<T>(&self, span: Span, kind: ErrorKind) -> Result<T, nom::Err<PErr>> {
        Err(nom::Err::Failure(PErr {
            kind,
            at: self.full.saturating_sub(span.start),
            end_at: self.full.saturating_sub(span.end),
        }))
    }

    /// pattern = json | delimited | regex_pattern | terms | empty
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
                    ErrorKind::SurroundingWhitespace {
                        bracket: first,
                        after: false,
                    },
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
                ErrorKind::SurroundingWhitespace {
                    bracket: close,
                    after: true,
                },
            );
        }
        if first == '{' && after.starts_with(')') {
            return fail(after, 1, ErrorKind::UnmatchedParen);
        }
        fail(
            after,
            after.len(),
            ErrorKind::TrailingInput {
                close,
                found: after.to_owned(),
            },
        )
    }

    /// `operand ( ws? op ws? operand )*` as one chain; a single operand is
    /// returned as it is, without allocating. (`or_expr`, `and_expr`,
    /// `field_or` and `field_and` are chains.)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::ast::Test;
    use crate::pattern::error::MAX_NESTING;
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
        assert!(matches!(e.kind(), ErrorKind::TrailingInput { .. }));
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
        assert!(matches!(e.kind(), ErrorKind::InvalidBareValue { .. }));
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
        let ebnf = include_str!("../../../grammar/filter-pattern.ebnf");
        let source = [
            include_str!("mod.rs"),
            include_str!("json.rs"),
            include_str!("selector.rs"),
            include_str!("compare.rs"),
            include_str!("value.rs"),
            include_str!("delimited.rs"),
            include_str!("terms.rs"),
        ]
        .concat();
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
