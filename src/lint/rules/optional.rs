//! `!=` on a CloudTrail field that is not in every record
//! ([`Rule::NeOnOptionalField`]).

use super::{PatternFinding, Rule, field_path, selector_text};
use crate::pattern::ast::{Ast, CmpOp, Condition, Test};
use crate::semantics::parts::{AbsentMiss, absent_field_miss, cloudtrail_optional_prefix};

/// `!=` conditions on a CloudTrail record field that CloudTrail does not
/// write in every record ([`cloudtrail_optional_prefix`]): such a
/// condition is false for an event without the field. Reported with an
/// event the pattern misses that way (confirmed by the matcher); not
/// reported when the pattern misses no such event (another condition needs
/// the field anyway, or the pattern also lets events without it match), or
/// when the field is in `exempt` (the `!=` fields of the CIS pattern the
/// filter is meant to follow: the benchmark prescribes them, so they are
/// not the author's slip). When the comparison is not decided, the warning
/// is given without an event unless the pattern also tests the field with
/// `NOT EXISTS` or `IS NULL`.
pub fn ne_on_optional(ast: &Ast, exempt: &[String]) -> Vec<PatternFinding> {
    let Ast::Json(j) = ast else { return Vec::new() };
    let leaves = j.expr.leaves();
    let mut out = Vec::new();
    for c in &leaves {
        let Test::Compare { op: CmpOp::Ne, .. } = c.test else {
            continue;
        };
        let path = field_path(&c.selector.steps);
        if exempt.contains(&path) {
            continue;
        }
        let Some(optional) = cloudtrail_optional_prefix(&path) else {
            continue;
        };
        let message = match absent_field_miss(ast, c.span) {
            AbsentMiss::NotMissed => continue,
            AbsentMiss::Missed(event) => format!(
                "`!=` never matches events without `{optional}`, which CloudTrail does not write in every record: this pattern does not match {event}"
            ),
            AbsentMiss::Unknown => {
                let handled = leaves.iter().any(|o| {
                    matches!(o.test, Test::NotExists { .. } | Test::IsNull { .. })
                        && field_path(&o.selector.steps).starts_with(optional)
                });
                if handled {
                    continue;
                }
                format!(
                    "`!=` never matches events without `{optional}`, which CloudTrail does not write in every record"
                )
            }
        };
        let sel = selector_text(&c.selector.steps);
        out.push(PatternFinding {
            rule: Rule::NeOnOptionalField,
            span: c.span,
            message,
            help: Some(format!(
                "if events without the field should match too, write `({} || {sel} NOT EXISTS)`",
                pattern_slice_hint(c)
            )),
            related: Vec::new(),
        });
    }
    out
}

/// The field paths a pattern tests with `!=` (for [`ne_on_optional`]'s exemptions).
pub fn ne_paths(ast: &Ast) -> Vec<String> {
    let Ast::Json(j) = ast else { return Vec::new() };
    j.expr
        .leaves()
        .into_iter()
        .filter(|c| matches!(c.test, Test::Compare { op: CmpOp::Ne, .. }))
        .map(|c| field_path(&c.selector.steps))
        .collect()
}

fn pattern_slice_hint(c: &Condition) -> String {
    match &c.test {
        Test::Compare { value, .. } => format!(
            "{} != {}",
            selector_text(&c.selector.steps),
            match &value.kind {
                crate::pattern::ast::ValueKind::Quoted(q) => format!("\"{q}\""),
                crate::pattern::ast::ValueKind::Bare(b) => b.clone(),
                crate::pattern::ast::ValueKind::Regex(r) => format!("%{r}%"),
            }
        ),
        _ => selector_text(&c.selector.steps),
    }
}
