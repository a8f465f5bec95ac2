//! Space-delimited patterns: `[ip, user, ..., status = 4*]`.

use nom::Parser;
use nom::bytes::complete::tag;
use nom::character::complete::char;

use crate::pattern::ast::{DelimitedPattern, Expr, Field, FieldCond, Ident};
use crate::pattern::chars::is_name_byte;
use crate::pattern::error::{DelimitedProblem, ErrorKind};

use super::compare::{check_numeric, cmp_op};
use super::lex::{ascii_run, token, token_len, ws0};
use super::{P, PErr, PResult, fail};

impl P {
    /// delimited = "[" ws? field ( ws? "," ws? field )* ws? "]"
    pub(super) fn delimited<'a>(&self, i: &'a str) -> PResult<'a, DelimitedPattern> {
        let (mut r, _) = (char('['), ws0).parse(i)?;
        let mut fields = Vec::new();
        loop {
            if r.starts_with(']') && fields.is_empty() {
                return fail(
                    i,
                    self.off(r) - self.off(i) + 1,
                    ErrorKind::InvalidDelimited(DelimitedProblem::NoFields),
                );
            }
            if r.starts_with(']') || r.starts_with(',') {
                return fail(
                    r,
                    1,
                    ErrorKind::InvalidDelimited(DelimitedProblem::MissingName),
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
                        ErrorKind::InvalidDelimited(DelimitedProblem::Unclosed),
                    );
                }
                Some(_) => {
                    return fail(
                        r2,
                        token_len(r2),
                        ErrorKind::InvalidDelimited(DelimitedProblem::ExpectedSeparator {
                            found: token(r2),
                        }),
                    );
                }
            }
        }
    }

    /// field = "..." | field_or | ident
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

    /// ident = name_char+
    fn ident<'a>(&self, i: &'a str) -> PResult<'a, Ident> {
        let (r, n) = ascii_run(i, is_name_byte)?;
        if n.is_empty() {
            return fail(
                i,
                token_len(i),
                ErrorKind::InvalidDelimited(DelimitedProblem::ExpectedName { found: token(i) }),
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

    /// field_cond = ident ws? cmp_op ws? value
    fn field_cond<'a>(&self, i: &'a str, field: &str) -> PResult<'a, FieldCond> {
        let (r, name) = self.ident(i)?;
        if name.name != field {
            return fail(
                i,
                name.name.len(),
                ErrorKind::DelimitedFieldMismatch {
                    field: field.to_owned(),
                    name: name.name,
                },
            );
        }
        let (r, _) = ws0(r)?;
        if r.starts_with("==") {
            return fail(r, 2, ErrorKind::DoubleEquals);
        }
        let Ok((r2, op)) = cmp_op(r) else {
            return fail(
                r,
                token_len(r),
                ErrorKind::ExpectedOperator {
                    field: Some(field.to_owned()),
                    found: None,
                },
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
}
