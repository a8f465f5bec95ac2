//! Dead and redundant parts found by the semantic comparison
//! ([`Rule::NeverMatches`], [`Rule::RedundantTerm`]).

use super::{PatternFinding, Rule};
use crate::pattern::ast::{Ast, Span};
use crate::semantics::parts::{PartKind, dead_and_redundant};

/// What the semantic comparison finds in a JSON pattern's parts
/// (`crate::semantics::parts`): a pattern that matches no event at all and
/// `||` alternatives that never hold ([`Rule::NeverMatches`], only where
/// `syntactic` — the findings of
/// [`never_matches`](super::contradiction::never_matches) — has none that
/// explains them), and conditions or alternatives the pattern matches the same
/// events without ([`Rule::RedundantTerm`]). Nothing is reported for a
/// part that is not decided within the comparison's work bound. Each part
/// costs a comparison: the linter runs this only for filters that do not
/// pass their CIS control.
pub fn semantic_parts(ast: &Ast, syntactic: &[PatternFinding]) -> Vec<PatternFinding> {
    let explained = |span: Span| {
        syntactic.iter().any(|f| {
            f.rule == Rule::NeverMatches && f.span.start >= span.start && f.span.end <= span.end
        })
    };
    let mut out = Vec::new();
    for part in dead_and_redundant(ast) {
        let (rule, message, help) = match part.kind {
            PartKind::PatternNeverMatches => {
                if !syntactic.is_empty() {
                    continue;
                }
                (
                    Rule::NeverMatches,
                    "no log event can match this pattern: its conditions cannot all hold at once",
                    "check the values and ranges the conditions require; `cis-filters compare` with the intended pattern shows the events this one misses",
                )
            }
            PartKind::NeverHolds => {
                if explained(part.span) {
                    continue;
                }
                (
                    Rule::NeverMatches,
                    "this `||` alternative can never hold, so it adds no match",
                    "fix its conditions, or remove it",
                )
            }
            PartKind::RedundantAlternative => (
                Rule::RedundantTerm,
                "this `||` alternative is redundant: the other alternatives match every event it matches",
                "remove it: the pattern matches the same events without it",
            ),
            PartKind::RedundantCondition => (
                Rule::RedundantTerm,
                "this condition is redundant: the rest of the pattern implies it",
                "remove it: the pattern matches the same events without it",
            ),
        };
        out.push(PatternFinding {
            rule,
            span: part.span,
            message: message.to_owned(),
            help: Some(help.to_owned()),
            related: Vec::new(),
        });
    }
    out
}
