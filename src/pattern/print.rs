//! Printing an [`Ast`] back to text.
//!
//! [`tokens`] gives the pattern's tokens without whitespace: two patterns
//! with equal token lists differ only in whitespace outside quotes and
//! regexes, which is what Security Hub appears to tolerate ([`lexical_eq`]).
//! [`house`] lays the same tokens out in the project's house style, which is
//! what `cis-filters fmt` prints: one space around `&&`, `||` and comparison
//! operators and inside the braces, none inside parentheses, `, ` between
//! space-delimited fields.

use std::borrow::Cow;
use std::fmt::Write;

use crate::pattern::ast::{
    Ast, Condition, Expr, Field, FieldCond, Selector, Term, Test, Value, ValueKind,
};
use crate::pattern::normal::write_selector;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `{ } ( ) [ ] ,`
    Punct,
    /// `&& ||`
    Logic,
    /// `= != < <= > >=`
    Cmp,
    /// `IS NULL TRUE FALSE NOT EXISTS`
    Keyword,
    /// A selector such as `$.a.b[0]`.
    Selector,
    /// A value as written: `"quoted"`, `bare`, `%regex%`.
    Value,
    /// A space-delimited field name.
    Name,
    /// `...`
    Ellipsis,
    /// An unstructured term with its prefix.
    Term,
}

/// One token: its kind and its exact text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// How it is written (borrowed for fixed punctuation and keywords).
    pub text: Cow<'static, str>,
}

impl Token {
    fn new(kind: TokenKind, text: impl Into<Cow<'static, str>>) -> Self {
        Token {
            kind,
            text: text.into(),
        }
    }
}

/// Same tokens: the two patterns differ at most in whitespace outside
/// quotes and regexes. `invokedBy NOT EXISTS` and `invokedByNOT EXISTS` are
/// never equal (the second does not even parse).
pub fn lexical_eq(a: &Ast, b: &Ast) -> bool {
    tokens(a) == tokens(b)
}

/// The tokens of a pattern, in order, without whitespace.
pub fn tokens(ast: &Ast) -> Vec<Token> {
    let mut out = Vec::new();
    match ast {
        Ast::Empty { .. } => {}
        Ast::Json(j) => {
            out.push(Token::new(TokenKind::Punct, "{"));
            expr_tokens(&j.expr, &mut out, &cond_tokens);
            out.push(Token::new(TokenKind::Punct, "}"));
        }
        Ast::Delimited(d) => {
            out.push(Token::new(TokenKind::Punct, "["));
            for (i, f) in d.fields.iter().enumerate() {
                if i > 0 {
                    out.push(Token::new(TokenKind::Punct, ","));
                }
                match f {
                    Field::Ellipsis { .. } => out.push(Token::new(TokenKind::Ellipsis, "...")),
                    Field::Name(id) => out.push(Token::new(TokenKind::Name, id.name.clone())),
                    Field::Cond(e) => expr_tokens(e, &mut out, &field_cond_tokens),
                }
            }
            out.push(Token::new(TokenKind::Punct, "]"));
        }
        Ast::Terms(t) => out.extend(t.terms.iter().map(term_token)),
        Ast::Regex(r) => out.push(Token::new(TokenKind::Value, format!("%{}%", r.body))),
    }
    out
}

fn expr_tokens<C>(e: &Expr<C>, out: &mut Vec<Token>, leaf: &dyn Fn(&C, &mut Vec<Token>)) {
    match e {
        Expr::Or(c) | Expr::And(c) => {
            let op = if matches!(e, Expr::Or(_)) { "||" } else { "&&" };
            for (i, o) in c.operands.iter().enumerate() {
                if i > 0 {
                    out.push(Token::new(TokenKind::Logic, op));
                }
                expr_tokens(o, out, leaf);
            }
        }
        Expr::Paren(p) => {
            out.push(Token::new(TokenKind::Punct, "("));
            expr_tokens(&p.inner, out, leaf);
            out.push(Token::new(TokenKind::Punct, ")"));
        }
        Expr::Leaf(c) => leaf(c, out),
    }
}

fn cond_tokens(c: &Condition, out: &mut Vec<Token>) {
    out.push(Token::new(TokenKind::Selector, selector_text(&c.selector)));
    match &c.test {
        Test::Compare { op, value, .. } => {
            out.push(Token::new(TokenKind::Cmp, op.as_str()));
            out.push(Token::new(TokenKind::Value, value_text(value)));
        }
        Test::IsNull { .. } => keywords(out, &["IS", "NULL"]),
        Test::IsTrue { .. } => keywords(out, &["IS", "TRUE"]),
        Test::IsFalse { .. } => keywords(out, &["IS", "FALSE"]),
        Test::NotExists { .. } => keywords(out, &["NOT", "EXISTS"]),
    }
}

fn keywords(out: &mut Vec<Token>, words: &[&'static str]) {
    out.extend(words.iter().map(|w| Token::new(TokenKind::Keyword, *w)));
}

fn field_cond_tokens(c: &FieldCond, out: &mut Vec<Token>) {
    out.push(Token::new(TokenKind::Name, c.name.name.clone()));
    out.push(Token::new(TokenKind::Cmp, c.op.as_str()));
    out.push(Token::new(TokenKind::Value, value_text(&c.value)));
}

fn term_token(t: &Term) -> Token {
    Token::new(
        TokenKind::Term,
        format!("{}{}", t.prefix.as_str(), value_text(&t.value)),
    )
}

/// A selector as written (`$.a.['b.c'][0]`).
pub(crate) fn selector_text(s: &Selector) -> String {
    let steps: Vec<_> = s.steps.iter().map(|s| s.kind.clone()).collect();
    let mut out = String::new();
    let _ = write_selector(&mut out, &steps);
    out
}

/// A value as written: quotes, escapes and `%` kept.
pub fn value_text(v: &Value) -> String {
    match &v.kind {
        ValueKind::Quoted(raw) => format!("\"{raw}\""),
        ValueKind::Bare(b) => b.clone(),
        ValueKind::Regex(r) => format!("%{r}%"),
    }
}

/// The pattern in house style. Parsing the result gives an equal [`Ast`].
pub fn house(ast: &Ast) -> String {
    let toks = tokens(ast);
    let mut out = String::new();
    let mut prev: Option<&Token> = None;
    for t in &toks {
        if prev.is_some_and(|p| space_between(p, t)) {
            out.push(' ');
        }
        let _ = write!(out, "{}", t.text);
        prev = Some(t);
    }
    out
}

fn space_between(a: &Token, b: &Token) -> bool {
    use TokenKind::*;
    match (a.kind, &*a.text, b.kind, &*b.text) {
        (Punct, "(" | "[", _, _) => false,
        (_, _, Punct, ")" | "]" | ",") => false,
        (Punct, "{", _, _) | (_, _, Punct, "}") => true,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::parse;

    fn h(s: &str) -> String {
        house(&parse(s).unwrap())
    }

    #[test]
    fn house_style() {
        assert_eq!(
            h(r#"{($.errorCode="*UnauthorizedOperation")||($.errorCode="AccessDenied*")}"#),
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#
        );
        assert_eq!(
            h("{$.userIdentity.type=\"Root\"&&$.userIdentity.invokedBy   NOT\tEXISTS}"),
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS }"#
        );
        assert_eq!(
            h("[ip,user , ...,status=4*||status=5*]"),
            "[ip, user, ..., status = 4* || status = 5*]"
        );
        assert_eq!(h("  ERROR   -DEBUG ?\"a b\" "), "ERROR -DEBUG ?\"a b\"");
        assert_eq!(h("%AUTH[A-Z]%"), "%AUTH[A-Z]%");
        assert_eq!(h(""), "");
    }

    #[test]
    fn lexical_equality_ignores_only_whitespace() {
        let a = parse(r#"{ $.a = "x" && $.b NOT EXISTS }"#).unwrap();
        let b = parse("{$.a=\"x\"\n&&\t$.b NOT EXISTS}").unwrap();
        let c = parse(r#"{ $.a = x && $.b NOT EXISTS }"#).unwrap();
        let d = parse(r#"{ ($.a = "x") && $.b NOT EXISTS }"#).unwrap();
        assert!(lexical_eq(&a, &b));
        assert!(!lexical_eq(&a, &c), "quotes are tokens");
        assert!(!lexical_eq(&a, &d), "parentheses are tokens");
    }
}
