//! Stage 4, require: the controls `--require` asks for, each with the
//! metric filters that pass it, and a `CF0400` error for each without one.

use super::model::{FilterKind, PatternValue, Unit};
use super::rules::Rule;
use super::suppress::Ctx;
use super::{Diagnostic, Options, Require, Requirement, diagnostic};
use crate::cis;

/// The required controls, adding a diagnostic to `diags` for each that no
/// metric filter passes. `passing` lists (control, resource) of the metric
/// filters that passed the control they are meant for.
pub(super) fn required(
    units: &[Unit],
    passing: &[(String, String)],
    opts: &Options,
    diags: &mut Vec<(Diagnostic, Option<Ctx>)>,
) -> Vec<Requirement> {
    let wanted: Vec<&cis::PatternRow> = match &opts.require {
        Require::Nothing => Vec::new(),
        Require::All => opts.benchmark.rows.iter().collect(),
        Require::Controls(ids) => ids.iter().filter_map(|id| opts.benchmark.row(id)).collect(),
    };
    let mut required = Vec::new();
    for row in wanted {
        let passed_by = passed_by(units, passing, row, opts);
        if passed_by.is_empty() {
            diags.push((
                Diagnostic {
                    control: Some(row.control.to_owned()),
                    help: Some(format!(
                        "add a metric filter with the pattern `{}`",
                        row.canonical.first().copied().unwrap_or("")
                    )),
                    ..diagnostic(
                        Rule::CisMissing,
                        format!(
                            "no metric filter in these files passes {} {} ({}) under `{}` matching",
                            opts.benchmark.name, row.control, row.title, opts.mode
                        ),
                    )
                },
                None,
            ));
        }
        required.push(Requirement {
            control: row.control.to_owned(),
            title: row.title.to_owned(),
            passed_by,
        });
    }
    required
}

/// The metric filters that pass `row`: those meant for it that passed, or
/// else any that passes it (a filter meant for another control may pass
/// this one too: 3.3 and 1.1 share a pattern in cis-1.2).
fn passed_by(
    units: &[Unit],
    passing: &[(String, String)],
    row: &cis::PatternRow,
    opts: &Options,
) -> Vec<String> {
    let mut passed_by: Vec<String> = passing
        .iter()
        .filter(|(c, _)| c == row.control)
        .map(|(_, r)| r.clone())
        .collect();
    if passed_by.is_empty() {
        for f in units.iter().flat_map(|u| &u.filters) {
            if let (FilterKind::MetricFilter, PatternValue::Known(t)) = (f.kind, &f.pattern)
                && cis::verdict::compare(t.as_str(), opts.benchmark, row.control, opts.mode)
                    .is_some_and(|c| c.passes)
            {
                passed_by.push(f.resource.clone());
            }
        }
    }
    passed_by.dedup();
    passed_by
}
