//! Comparison of a pair: the code's and the account's view of each side,
//! and how their settings and patterns differ.

use super::{
    AccountAlarm, AccountFilter, AlarmPair, CodeAlarm, CodeFilter, CodeList, CodeValue, FieldDiff,
    FilterPair, Place, Status,
};
use crate::cis::verdict::{Difference, term_diff};
use crate::lint::Extraction;
use crate::lint::model::{AlarmDetail, Filter, PatternValue, Setting};
use crate::semantics::Relation;
use crate::snapshot::{MetricAlarm, MetricFilter};

pub(super) fn code_filter(code: &Extraction<'_>, f: &Filter) -> CodeFilter {
    CodeFilter {
        resource: f.resource.clone(),
        variant: f.variant.clone(),
        location: Place::of(&code.locate(&f.anchor)),
        log_group_name: f.log_group.as_ref().map(CodeValue::of),
        filter_name: f.filter_name.as_ref().map(CodeValue::of),
        pattern: match &f.pattern {
            PatternValue::Known(t) => CodeValue::Known(t.as_str().to_owned()),
            PatternValue::Unknown(why) => CodeValue::Unknown {
                unknown: why.clone(),
            },
        },
        metric_name: f.metric.as_ref().map(|m| CodeValue::of_key(&m.name)),
        metric_namespace: f
            .metric
            .as_ref()
            .and_then(|m| m.namespace.as_ref())
            .map(CodeValue::of_key),
    }
}

pub(super) fn account_filter(region: &str, d: &MetricFilter) -> AccountFilter {
    let t = d.metric_transformations.first();
    AccountFilter {
        region: region.to_owned(),
        log_group_name: d.log_group_name.clone(),
        filter_name: d.filter_name.clone(),
        pattern: d.filter_pattern.clone(),
        metric_name: t.map(|t| t.metric_name.clone()),
        metric_namespace: t.map(|t| t.metric_namespace.clone()),
    }
}

pub(super) fn code_alarm(code: &Extraction<'_>, a: &AlarmDetail) -> CodeAlarm {
    let v = |s: &Option<Setting>| s.as_ref().map(CodeValue::of);
    CodeAlarm {
        resource: a.resource.clone(),
        location: Place::of(&code.locate(&a.anchor)),
        alarm_name: v(&a.name),
        metric_name: a.metric.as_ref().map(|m| CodeValue::of_key(&m.name)),
        namespace: a
            .metric
            .as_ref()
            .and_then(|m| m.namespace.as_ref())
            .map(CodeValue::of_key),
        threshold: v(&a.threshold),
        comparison_operator: v(&a.comparison),
        period: v(&a.period),
        evaluation_periods: v(&a.evaluation_periods),
        statistic: v(&a.statistic),
        alarm_actions: a.actions.as_ref().map(|s| match s {
            Setting::Known(v) => CodeList::Known(v.clone()),
            Setting::Unknown(e) => CodeList::Unknown { unknown: e.clone() },
        }),
    }
}

pub(super) fn account_alarm(region: &str, d: &MetricAlarm) -> AccountAlarm {
    AccountAlarm {
        region: region.to_owned(),
        alarm_name: d.alarm_name.clone(),
        metric_name: d.metric_name.clone(),
        namespace: d.namespace.clone(),
        threshold: d.threshold,
        comparison_operator: d.comparison_operator.clone(),
        period: d.period,
        evaluation_periods: d.evaluation_periods,
        statistic: d.statistic.clone(),
        alarm_actions: d.alarm_actions.clone(),
    }
}

/// Compares settings one by one: the differences between known values,
/// and the settings the code leaves unknown.
#[derive(Default)]
pub(super) struct Fields {
    differences: Vec<FieldDiff>,
    unknown: Vec<String>,
}

impl Fields {
    /// Compare a code value (not compared when the code does not set it)
    /// with the account's, equal by `eq`.
    pub(super) fn check(
        &mut self,
        field: &'static str,
        code: Option<&CodeValue>,
        account: Option<String>,
        eq: impl Fn(&str, &str) -> bool,
    ) {
        match code {
            None => {}
            Some(CodeValue::Unknown { unknown }) => {
                self.unknown.push(format!("{field} = {unknown}"));
            }
            Some(CodeValue::Known(c)) if account.as_deref().is_none_or(|a| !eq(c, a)) => {
                self.differences.push(FieldDiff {
                    field,
                    code: c.clone(),
                    account,
                });
            }
            Some(CodeValue::Known(_)) => {}
        }
    }

    /// The status when the rest is `same` (or `rewritten`): `different` on
    /// a difference between known values, else `unknown` when the code
    /// leaves a value unknown.
    pub(super) fn status(&self, rest: Status) -> (Status, Option<String>) {
        if !self.differences.is_empty() {
            (Status::Different, None)
        } else if !self.unknown.is_empty() {
            (
                Status::Unknown,
                Some(format!("not known statically: {}", self.unknown.join("; "))),
            )
        } else {
            (rest, None)
        }
    }
}

pub(super) fn text_eq(a: &str, b: &str) -> bool {
    a == b
}

/// Numbers written differently (`1`, `1.0`) are equal.
pub(super) fn number_eq(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

pub(super) fn compare_filter(
    code: &Extraction<'_>,
    f: &Filter,
    region: &str,
    d: &MetricFilter,
    by: &'static str,
) -> FilterPair {
    let c = code_filter(code, f);
    let a = account_filter(region, d);
    let mut fields = Fields::default();
    fields.check(
        "log_group_name",
        c.log_group_name.as_ref(),
        Some(a.log_group_name.clone()),
        text_eq,
    );
    fields.check(
        "filter_name",
        c.filter_name.as_ref(),
        Some(a.filter_name.clone()),
        text_eq,
    );
    fields.check(
        "metric_name",
        c.metric_name.as_ref(),
        a.metric_name.clone(),
        text_eq,
    );
    fields.check(
        "metric_namespace",
        c.metric_namespace.as_ref(),
        a.metric_namespace.clone(),
        text_eq,
    );
    let (pattern_status, pattern_diff, relation) =
        compare_pattern(&c.pattern, &a.pattern, &mut fields);
    let (status, reason) = fields.status(pattern_status);
    FilterPair {
        status,
        paired_by: Some(by),
        code: Some(c),
        account: Some(a),
        differences: fields.differences,
        pattern_diff,
        relation,
        reason,
    }
}

pub(super) fn compare_alarm(
    code: &Extraction<'_>,
    al: &AlarmDetail,
    region: &str,
    d: &MetricAlarm,
    by: &'static str,
) -> AlarmPair {
    let c = code_alarm(code, al);
    let a = account_alarm(region, d);
    let mut fields = Fields::default();
    let num = |v: Option<i64>| v.map(|n| n.to_string());
    let settings: [(&'static str, Option<&CodeValue>, Option<String>, Eq); 8] = [
        (
            "alarm_name",
            c.alarm_name.as_ref(),
            Some(a.alarm_name.clone()),
            text_eq,
        ),
        (
            "metric_name",
            c.metric_name.as_ref(),
            a.metric_name.clone(),
            text_eq,
        ),
        (
            "namespace",
            c.namespace.as_ref(),
            a.namespace.clone(),
            text_eq,
        ),
        (
            "threshold",
            c.threshold.as_ref(),
            a.threshold.map(|t| t.to_string()),
            number_eq,
        ),
        (
            "comparison_operator",
            c.comparison_operator.as_ref(),
            a.comparison_operator.clone(),
            text_eq,
        ),
        ("period", c.period.as_ref(), num(a.period), number_eq),
        (
            "evaluation_periods",
            c.evaluation_periods.as_ref(),
            num(a.evaluation_periods),
            number_eq,
        ),
        (
            "statistic",
            c.statistic.as_ref(),
            a.statistic.clone(),
            text_eq,
        ),
    ];
    for (field, code, account, eq) in settings {
        fields.check(field, code, account, eq);
    }
    compare_actions(c.alarm_actions.as_ref(), &a.alarm_actions, &mut fields);
    let (status, reason) = fields.status(Status::Same);
    AlarmPair {
        status,
        paired_by: Some(by),
        code: Some(c),
        account: Some(a),
        differences: fields.differences,
        reason,
    }
}

/// The patterns compared: `same` (same text, or the code's is unknown: that
/// is noted in `fields`), `rewritten` (equal normal forms) or `different`
/// (with the term diff and the semantic relation, when both parse).
fn compare_pattern(
    code: &CodeValue,
    account: &str,
    fields: &mut Fields,
) -> (Status, Vec<Difference>, Option<Relation>) {
    let mut pattern_diff = Vec::new();
    let mut relation = None;
    let status = match code {
        CodeValue::Unknown { unknown } => {
            fields.unknown.push(format!("pattern: {unknown}"));
            Status::Same
        }
        CodeValue::Known(p) if *p == account => Status::Same,
        CodeValue::Known(p) => {
            let (pc, pa) = (
                crate::pattern::parse(p).ok(),
                crate::pattern::parse(account).ok(),
            );
            let (nc, na) = (
                pc.as_ref().map(crate::pattern::Normal::from_ast),
                pa.as_ref().map(crate::pattern::Normal::from_ast),
            );
            if nc.is_some() && nc == na {
                Status::Rewritten
            } else {
                if let (Some(pc), Some(pa)) = (&pc, &pa) {
                    pattern_diff = term_diff(pc, pa);
                }
                if let (Some(nc), Some(na)) = (&nc, &na) {
                    relation = crate::semantics::compare_normal(na, nc)
                        .ok()
                        .map(|r| r.relation);
                }
                fields.differences.insert(
                    0,
                    FieldDiff {
                        field: "pattern",
                        code: p.clone(),
                        account: Some(account.to_owned()),
                    },
                );
                Status::Different
            }
        }
    };
    (status, pattern_diff, relation)
}

/// How a setting's values are compared.
type Eq = fn(&str, &str) -> bool;

/// The alarm actions, compared as sets.
fn compare_actions(code: Option<&CodeList>, account: &[String], fields: &mut Fields) {
    match code {
        None => {}
        Some(CodeList::Unknown { unknown }) => {
            fields.unknown.push(format!("alarm_actions = {unknown}"));
        }
        Some(CodeList::Known(list)) => {
            let (mut x, mut y) = (list.clone(), account.to_vec());
            x.sort();
            y.sort();
            if x != y {
                fields.differences.push(FieldDiff {
                    field: "alarm_actions",
                    code: x.join(", "),
                    account: Some(y.join(", ")),
                });
            }
        }
    }
}
