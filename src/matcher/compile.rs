//! From a pattern's normal form to a [`Program`].

use super::CompileError;
use super::dialect;
use super::glob::Glob;
use super::json::PathStep;
use super::program::{Bool, FieldCond, JsonCond, Program, Slot, Term, Test, ValueTest};
use crate::pattern::ast::{
    CmpOp, Condition, Expr, Field, FieldCond as AstFieldCond, StepKind, Test as AstTest,
    is_number_literal,
};
use crate::pattern::chars::is_bare;
use crate::pattern::normal::{
    NCond, NExpr, NField, NFieldCond, NTest, NValue, Node, norm_value, write_quoted, write_selector,
};
use crate::pattern::{Ast, Normal};

/// The deepest `&&`/`||` nesting compiled (the parser allows less).
pub const MAX_DEPTH: usize = 64;

/// The most steps in one selector.
pub const MAX_STEPS: usize = 256;

pub(crate) fn program(normal: &Normal) -> Result<Program, CompileError> {
    Ok(match normal {
        Normal::MatchAll => Program::MatchAll,
        Normal::Json(expr) => Program::Json(boolean(expr, 0, &json_cond)?),
        Normal::Delimited(fields) => Program::Delimited(
            fields
                .iter()
                .map(|f| match f {
                    NField::Ellipsis => Ok(Slot::Ellipsis),
                    NField::Name(n) => Ok(Slot::Any(n.clone())),
                    NField::Cond(expr) => {
                        let name = first_leaf(expr).map(|c| c.name.clone()).unwrap_or_default();
                        Ok(Slot::Cond(name, boolean(expr, 0, &field_cond)?))
                    }
                })
                .collect::<Result<_, CompileError>>()?,
        ),
        Normal::Terms(t) => {
            // `""` and `" "` alone are `Normal::MatchAll` already; with other
            // terms a phrase of spaces is an ordinary phrase.
            let required: Vec<Term> = t.required.iter().map(|s| Term::new(s)).collect();
            let excluded: Vec<Term> = t.excluded.iter().map(|s| Term::new(s)).collect();
            let optional: Vec<Term> = t.optional.iter().map(|s| Term::new(s)).collect();
            if required.is_empty() && excluded.is_empty() && optional.is_empty() {
                Program::MatchAll
            } else {
                Program::Terms {
                    required,
                    excluded,
                    optional,
                }
            }
        }
        Normal::Regex(body) => Program::Regex {
            re: regex(body)?,
            body: body.clone(),
        },
    })
}

fn first_leaf<C: Ord>(e: &NExpr<C>) -> Option<&C> {
    let mut e = e;
    loop {
        match e.node() {
            Node::Leaf(c) => return Some(c),
            Node::Or(xs) | Node::And(xs) => e = xs.first()?,
        }
    }
}

fn boolean<C: Ord, T>(
    e: &NExpr<C>,
    depth: usize,
    leaf: &impl Fn(&C) -> Result<T, CompileError>,
) -> Result<Bool<T>, CompileError> {
    check_depth(depth)?;
    let many = |xs: &[NExpr<C>]| -> Result<Vec<Bool<T>>, CompileError> {
        xs.iter().map(|x| boolean(x, depth + 1, leaf)).collect()
    };
    Ok(match e.node() {
        Node::Or(xs) => Bool::Or(many(xs)?),
        Node::And(xs) => Bool::And(many(xs)?),
        Node::Leaf(c) => Bool::Leaf(leaf(c)?),
    })
}

fn check_depth(depth: usize) -> Result<(), CompileError> {
    if depth > MAX_DEPTH {
        return Err(CompileError::new(format!(
            "the pattern nests `&&` and `||` deeper than {MAX_DEPTH} levels"
        )));
    }
    Ok(())
}

fn regex(body: &str) -> Result<regex::Regex, CompileError> {
    dialect::compile(body).map_err(|e| CompileError::new(e.message))
}

fn value_test(v: &NValue) -> Result<ValueTest, CompileError> {
    Ok(match v {
        NValue::Text(t) => ValueTest::Text(Glob::new(t)),
        NValue::Number(n) => ValueTest::Number(number(n)?),
        NValue::Regex(r) => ValueTest::Regex(regex(r)?),
    })
}

fn number(n: &str) -> Result<f64, CompileError> {
    super::program::number(n).ok_or_else(|| CompileError::new(format!("`{n}` is not a number")))
}

fn test(op: CmpOp, v: &NValue) -> Result<Test, CompileError> {
    Ok(match op {
        CmpOp::Eq => Test::Eq(value_test(v)?),
        CmpOp::Ne => Test::Ne(value_test(v)?),
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => match v {
            NValue::Number(n) => Test::Ord(op, number(n)?),
            _ => {
                return Err(CompileError::new(format!(
                    "`{}` needs a number, not `{}`",
                    op.as_str(),
                    value_text(v)
                )));
            }
        },
    })
}

fn json_cond(c: &NCond) -> Result<JsonCond, CompileError> {
    if c.selector.len() > MAX_STEPS {
        return Err(CompileError::new(format!(
            "a selector has more than {MAX_STEPS} steps"
        )));
    }
    let path = c
        .selector
        .iter()
        .map(|s| match s {
            StepKind::Field(n) | StepKind::Key(n) => PathStep::Field(n.clone()),
            StepKind::Index(i) => PathStep::Index(*i),
            StepKind::AnyIndex => PathStep::AnyIndex,
            StepKind::AnyField => PathStep::AnyField,
        })
        .collect();
    let sel = selector_text(&c.selector);
    let (test, text) = match &c.test {
        NTest::Cmp { op, value } => (
            test(*op, value)?,
            format!("{sel} {} {}", op.as_str(), value_text(value)),
        ),
        NTest::IsNull => (Test::IsNull, format!("{sel} IS NULL")),
        NTest::IsTrue => (Test::IsTrue, format!("{sel} IS TRUE")),
        NTest::IsFalse => (Test::IsFalse, format!("{sel} IS FALSE")),
        NTest::NotExists => (Test::NotExists, format!("{sel} NOT EXISTS")),
    };
    Ok(JsonCond { path, test, text })
}

fn field_cond(c: &NFieldCond) -> Result<FieldCond, CompileError> {
    Ok(FieldCond {
        test: test(c.op, &c.value)?,
        text: format!("{} {} {}", c.name, c.op.as_str(), value_text(&c.value)),
    })
}

/// A selector as a pattern writes it.
pub(crate) fn selector_text(steps: &[StepKind]) -> String {
    let mut s = String::new();
    let _ = write_selector(&mut s, steps);
    s
}

/// A value as a pattern writes it: bare when that reads back the same,
/// quoted otherwise.
pub(crate) fn value_text(v: &NValue) -> String {
    match v {
        NValue::Number(n) => n.clone(),
        NValue::Regex(r) => format!("%{r}%"),
        NValue::Text(t) if is_bare(t) && !is_number_literal(t) => t.clone(),
        NValue::Text(t) => {
            let mut q = String::new();
            let _ = write_quoted(&mut q, t);
            q
        }
    }
}

/// Compile a parsed pattern without normalizing it: `&&`/`||` chains and
/// parentheses as written. Matching must not depend on the difference (the
/// property tests compare the two).
pub(crate) fn program_from_ast(ast: &Ast) -> Result<Program, CompileError> {
    match ast {
        Ast::Json(j) => Ok(Program::Json(boolean_ast(&j.expr, 0, &|c: &Condition| {
            json_cond(&NCond {
                selector: c.selector.steps.iter().map(|s| s.kind.clone()).collect(),
                test: match &c.test {
                    AstTest::Compare { op, value, .. } => NTest::Cmp {
                        op: *op,
                        value: norm_value(value),
                    },
                    AstTest::IsNull { .. } => NTest::IsNull,
                    AstTest::IsTrue { .. } => NTest::IsTrue,
                    AstTest::IsFalse { .. } => NTest::IsFalse,
                    AstTest::NotExists { .. } => NTest::NotExists,
                },
            })
        })?)),
        Ast::Delimited(d) => Ok(Program::Delimited(
            d.fields
                .iter()
                .map(|f| match f {
                    Field::Ellipsis { .. } => Ok(Slot::Ellipsis),
                    Field::Name(id) => Ok(Slot::Any(id.name.clone())),
                    Field::Cond(e) => {
                        let name = e
                            .leaves()
                            .first()
                            .map(|c| c.name.name.clone())
                            .unwrap_or_default();
                        Ok(Slot::Cond(
                            name,
                            boolean_ast(e, 0, &|c: &AstFieldCond| {
                                field_cond(&NFieldCond {
                                    name: c.name.name.clone(),
                                    op: c.op,
                                    value: norm_value(&c.value),
                                })
                            })?,
                        ))
                    }
                })
                .collect::<Result<_, CompileError>>()?,
        )),
        _ => program(&Normal::from_ast(ast)),
    }
}

fn boolean_ast<C, T>(
    e: &Expr<C>,
    depth: usize,
    leaf: &impl Fn(&C) -> Result<T, CompileError>,
) -> Result<Bool<T>, CompileError> {
    check_depth(depth)?;
    let many = |xs: &[Expr<C>]| -> Result<Vec<Bool<T>>, CompileError> {
        xs.iter().map(|x| boolean_ast(x, depth + 1, leaf)).collect()
    };
    Ok(match e {
        Expr::Or(c) => Bool::Or(many(&c.operands)?),
        Expr::And(c) => Bool::And(many(&c.operands)?),
        Expr::Paren(p) => boolean_ast(&p.inner, depth + 1, leaf)?,
        Expr::Leaf(c) => Bool::Leaf(leaf(c)?),
    })
}
