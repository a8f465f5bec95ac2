//! What follows a selector: a comparison, `IS …` or `NOT EXISTS`.

use crate::pattern::ast::{
    CmpOp, Selector, Span, StepKind, Test, Value, ValueKind, is_number_literal,
};
use crate::pattern::error::ErrorKind;

use super::lex::{token, token_len, word_at, ws0, ws1};
use super::{P, PErr, PResult, fail};

impl P {
    /// test = ws? cmp_op ws? value | ws is_test | ws not_exists
    pub(super) fn test<'a>(&self, i: &'a str, selector: &Selector) -> PResult<'a, Test> {
        let (r, lead) = ws0(i)?;
        if r.starts_with("==") {
            return fail(r, 2, ErrorKind::DoubleEquals);
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
                let Some(&follow) = follows.iter().find(|&&f| f == next) else {
                    continue;
                };
                if name.len() > kw.len() && name.ends_with(kw) && !lead.is_empty() {
                    let start = selector.span.end.saturating_sub(kw.len());
                    return self.fail_abs(
                        Span::new(start, selector.span.end),
                        ErrorKind::GluedKeyword {
                            keyword: kw,
                            name: name.clone(),
                            next: follow,
                        },
                    );
                }
            }
        }
        let w = word_at(r);
        let upper = w.to_ascii_uppercase();
        if !lead.is_empty() && matches!(upper.as_str(), "IS" | "NOT" | "EXISTS") {
            if w != upper {
                return fail(r, w.len(), ErrorKind::KeywordCase { word: w.to_owned() });
            }
            let after_kw = r.get(w.len()..).unwrap_or("");
            return match w {
                "IS" => self.is_test(r, after_kw),
                "NOT" => self.not_exists(r, after_kw),
                _ => fail(r, w.len(), ErrorKind::ExistsUnsupported),
            };
        }
        let at_end = r.is_empty()
            || r.starts_with('}')
            || r.starts_with(')')
            || r.starts_with("&&")
            || r.starts_with("||");
        let (len, found) = if at_end {
            (token_len(r).min(2), None)
        } else {
            (token_len(r), Some(token(r)))
        };
        fail(r, len, ErrorKind::ExpectedOperator { field: None, found })
    }

    /// is_test = "IS" ws ( "NULL" | "TRUE" | "FALSE" )
    fn is_test<'a>(&self, is_kw: &'a str, r: &'a str) -> PResult<'a, Test> {
        let Ok((r, _)) = ws1(r) else {
            return fail(is_kw, 2, ErrorKind::ExpectedIsKeyword);
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
            ),
            _ if matches!(w.to_ascii_uppercase().as_str(), "NULL" | "TRUE" | "FALSE") => {
                fail(r, w.len(), ErrorKind::KeywordCase { word: w.to_owned() })
            }
            _ => fail(r, token_len(r), ErrorKind::ExpectedIsKeyword),
        }
    }

    /// not_exists = "NOT" ws "EXISTS"
    fn not_exists<'a>(&self, not_kw: &'a str, r: &'a str) -> PResult<'a, Test> {
        let Ok((r, _)) = ws1(r) else {
            return fail(not_kw, 3, ErrorKind::ExpectedExists);
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
            _ if w.eq_ignore_ascii_case("EXISTS") => {
                fail(r, w.len(), ErrorKind::KeywordCase { word: w.to_owned() })
            }
            _ => fail(r, token_len(r), ErrorKind::ExpectedExists),
        }
    }
}

/// cmp_op = "!=" | "<=" | ">=" | "=" | "<" | ">"
#[inline]
pub(super) fn cmp_op(i: &str) -> PResult<'_, CmpOp> {
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
#[inline]
pub(super) fn check_numeric(op: CmpOp, value: &Value, at: &str) -> Result<(), nom::Err<PErr>> {
    if !op.is_ordering() || value.is_number() {
        return Ok(());
    }
    let quoted_number = match &value.kind {
        ValueKind::Quoted(q) if is_number_literal(q) => Some(q.clone()),
        _ => None,
    };
    fail(
        at,
        value.span.end - value.span.start,
        ErrorKind::NumericOperatorNeedsNumber { op, quoted_number },
    )
}
