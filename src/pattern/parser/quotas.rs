//! The service's per-pattern quotas, checked on the whole tree after
//! parsing: regexes and selectors with wildcards.

use crate::pattern::ast::{Ast, Condition, Field, FieldCond, Span, Test};
use crate::pattern::error::{ErrorKind, MAX_REGEXES, MAX_WILDCARD_SELECTORS};

/// The first quota the pattern exceeds, and where.
pub(super) fn check_quotas(ast: &Ast) -> Result<(), (ErrorKind, Span)> {
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
        return Err((ErrorKind::TooManyRegexes, *s));
    }
    if let Some(s) = wildcard_selectors.get(MAX_WILDCARD_SELECTORS) {
        return Err((ErrorKind::TooManyWildcardSelectors, *s));
    }
    Ok(())
}
