//! Printing a [`Criteria`] tree back to text, in house style: the tokens and
//! structure as written (operators, parentheses, value order), one space
//! around `AND`, `OR` and the comparison operators, none inside parentheses
//! and brackets, `, ` between values. The result parses back to an equal
//! tree. The normal form's canonical text is
//! [`Selection`](crate::criteria::Selection)'s `Display`.

use std::fmt::Write;

use crate::criteria::ast::{Comparison, Criteria, Expr, Rhs, Str};

/// The criteria in house style (empty for empty criteria).
pub fn house(c: &Criteria) -> String {
    let mut out = String::new();
    if let Some(e) = &c.expr {
        expr(&mut out, e);
    }
    out
}

fn expr(out: &mut String, e: &Expr<Comparison>) {
    match e {
        Expr::Or(c) | Expr::And(c) => {
            let sep = if matches!(e, Expr::Or(_)) {
                " OR "
            } else {
                " AND "
            };
            for (i, op) in c.operands.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                expr(out, op);
            }
        }
        Expr::Paren(p) => {
            out.push('(');
            expr(out, &p.inner);
            out.push(')');
        }
        Expr::Leaf(c) => comparison(out, c),
    }
}

fn comparison(out: &mut String, c: &Comparison) {
    let _ = write!(out, "{} {} ", c.field.name(), c.op.as_str());
    match &c.rhs {
        Rhs::Value(s) => string(out, s),
        Rhs::List(l) => {
            out.push('[');
            for (i, s) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                string(out, s);
            }
            out.push(']');
        }
    }
}

fn string(out: &mut String, s: &Str) {
    out.push('"');
    out.push_str(&s.value);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::parse;

    #[test]
    fn house_style_keeps_tokens_and_structure() {
        let t = "( @aws.region=\"us-east-1\"OR@aws.region IN[ \"eu-west-1\" ,\"us-east-1\"] )AND\n@aws.account!=\"111111111111\"";
        // The glued `OR` is an error; with spaces it parses.
        assert!(parse(t).is_err());
        let t = t.replace("\"OR@", "\" OR @");
        let c = parse(&t).unwrap();
        let h = house(&c);
        assert_eq!(
            h,
            r#"(@aws.region = "us-east-1" OR @aws.region IN ["eu-west-1", "us-east-1"]) AND @aws.account != "111111111111""#
        );
        assert_eq!(parse(&h).unwrap(), c);
        assert_eq!(house(&parse("  ").unwrap()), "");
    }
}
