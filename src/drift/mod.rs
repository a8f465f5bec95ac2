//! Drift between infrastructure code and an account: the metric filters and
//! alarms that Terraform and CloudFormation files declare (as the linter
//! extracts them) paired with the ones deployed (from a snapshot), and how
//! each pair differs. The user documentation is `docs/drift.md`.
//!
//! Pairs are made by the log group and filter name (alarms: the alarm
//! name), falling back to the metric name and namespace. A pair is `same`
//! (the same pattern text and settings), `rewritten` (the same meaning: the
//! patterns' normal forms are equal), `different` (a known value differs:
//! the term diff and the semantic relation say how), `unknown` (a value the
//! code leaves unknown, or account data that could not be read, decides
//! it), `only_in_code` or `only_in_account`.

mod render;

use serde::Serialize;

use crate::cis::verdict::{Difference, term_diff};
use crate::lint::model::{
    AlarmDetail, Filter, FilterKind, Metric, MetricKey, PatternValue, Setting,
};
use crate::lint::{Extraction, Location};
use crate::semantics::Relation;
use crate::snapshot::{MetricAlarm, MetricFilter, Snapshot};

pub use render::{human, json, sarif};

/// What to compare.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only these regions of the snapshot (all when empty).
    pub regions: Vec<String>,
    /// Report every deployed filter and alarm the code does not declare,
    /// not only those on the log groups (and metrics) the code names.
    pub all: bool,
}

/// How a pair compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The same text and settings.
    Same,
    /// The same meaning, written differently (equal normal forms).
    Rewritten,
    /// Not decided: the code leaves a value unknown, or the account's data
    /// could not be read.
    Unknown,
    /// A known value differs.
    Different,
    /// Declared in the code, not deployed.
    OnlyInCode,
    /// Deployed, not declared in the code.
    OnlyInAccount,
}

impl Status {
    /// `same`, `rewritten`, `unknown`, `different`, `only_in_code` or
    /// `only_in_account`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Rewritten => "rewritten",
            Status::Unknown => "unknown",
            Status::Different => "different",
            Status::OnlyInCode => "only_in_code",
            Status::OnlyInAccount => "only_in_account",
        }
    }

    /// Whether this is drift (exit code 1).
    pub fn is_drift(self) -> bool {
        matches!(
            self,
            Status::Different | Status::OnlyInCode | Status::OnlyInAccount
        )
    }
}

/// A value as the code gives it: the value, or the expression that could
/// not be resolved (`{"unknown": "var.name"}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CodeValue {
    /// Known statically.
    Known(String),
    /// Not known statically: the expression, or why.
    Unknown {
        /// The expression as written, or why the value is not known.
        unknown: String,
    },
}

impl CodeValue {
    fn of(s: &Setting) -> CodeValue {
        match s {
            Setting::Known(v) => CodeValue::Known(v.clone()),
            Setting::Unknown(e) => CodeValue::Unknown { unknown: e.clone() },
        }
    }

    fn of_key(k: &MetricKey) -> CodeValue {
        match k {
            MetricKey::Literal(v) => CodeValue::Known(v.clone()),
            MetricKey::Symbol(e) => CodeValue::Unknown { unknown: e.clone() },
        }
    }

    /// The value, when known.
    pub fn known(&self) -> Option<&str> {
        match self {
            CodeValue::Known(v) => Some(v),
            CodeValue::Unknown { .. } => None,
        }
    }

    /// As shown to people: the value, or `<unknown: EXPR>`.
    pub fn shown(&self) -> String {
        match self {
            CodeValue::Known(v) => v.clone(),
            CodeValue::Unknown { unknown } => format!("<unknown: {unknown}>"),
        }
    }
}

/// Where something is written in the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// Where it ends: line.
    pub end_line: usize,
    /// Where it ends: column.
    pub end_column: usize,
    #[serde(skip)]
    bytes: (usize, usize),
}

impl Place {
    fn of(l: &Location) -> Place {
        Place {
            path: l.path.clone(),
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            bytes: (l.byte_start, l.byte_end),
        }
    }

    /// The byte range in the file.
    pub fn bytes(&self) -> (usize, usize) {
        self.bytes
    }
}

/// A metric filter as the code declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeFilter {
    /// The resource address or logical id.
    pub resource: String,
    /// The branch of a conditional, if any.
    pub variant: Option<String>,
    /// Where the pattern is written.
    pub location: Place,
    /// The log group name.
    pub log_group_name: Option<CodeValue>,
    /// The filter name.
    pub filter_name: Option<CodeValue>,
    /// The pattern.
    pub pattern: CodeValue,
    /// The metric it publishes.
    pub metric_name: Option<CodeValue>,
    /// The metric's namespace.
    pub metric_namespace: Option<CodeValue>,
}

/// A metric filter as deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountFilter {
    /// The region.
    pub region: String,
    /// The log group name.
    pub log_group_name: String,
    /// The filter name.
    pub filter_name: String,
    /// The pattern, verbatim.
    pub pattern: String,
    /// The metric it publishes (the first transformation).
    pub metric_name: Option<String>,
    /// The metric's namespace.
    pub metric_namespace: Option<String>,
}

/// A setting that differs: what the code says and what is deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldDiff {
    /// The field (`pattern`, `metric_name`, `threshold`, …).
    pub field: &'static str,
    /// The code's value.
    pub code: String,
    /// The account's value (`None`: not set).
    pub account: Option<String>,
}

/// A code filter and a deployed filter, paired, or one of them alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterPair {
    /// How they compare.
    pub status: Status,
    /// How the pair was made: `name` (log group and filter name) or
    /// `metric` (metric name and namespace); `None` for one side alone.
    pub paired_by: Option<&'static str>,
    /// The code's side.
    pub code: Option<CodeFilter>,
    /// The account's side.
    pub account: Option<AccountFilter>,
    /// Settings with different known values.
    pub differences: Vec<FieldDiff>,
    /// Term-level differences of the deployed pattern from the code's:
    /// `missing` is a condition the code declares and the account lacks,
    /// `extra` one the account has and the code does not.
    pub pattern_diff: Vec<Difference>,
    /// What the deployed pattern matches, relative to the code's
    /// (`broader`: more events), when the patterns differ.
    pub relation: Option<Relation>,
    /// Why the pair is `unknown`.
    pub reason: Option<String>,
}

/// An alarm as the code declares it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeAlarm {
    /// The resource address or logical id.
    pub resource: String,
    /// Where the resource is declared.
    pub location: Place,
    /// The alarm name.
    pub alarm_name: Option<CodeValue>,
    /// The metric watched.
    pub metric_name: Option<CodeValue>,
    /// Its namespace.
    pub namespace: Option<CodeValue>,
    /// The threshold.
    pub threshold: Option<CodeValue>,
    /// The comparison operator.
    pub comparison_operator: Option<CodeValue>,
    /// The period in seconds.
    pub period: Option<CodeValue>,
    /// The number of periods.
    pub evaluation_periods: Option<CodeValue>,
    /// The statistic.
    pub statistic: Option<CodeValue>,
    /// The actions on ALARM: the ARNs, or the expression.
    pub alarm_actions: Option<CodeList>,
}

/// A list as the code gives it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CodeList {
    /// Every item known.
    Known(Vec<String>),
    /// Not known statically.
    Unknown {
        /// The expression as written.
        unknown: String,
    },
}

/// An alarm as deployed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountAlarm {
    /// The region.
    pub region: String,
    /// The alarm name.
    pub alarm_name: String,
    /// The metric watched.
    pub metric_name: Option<String>,
    /// Its namespace.
    pub namespace: Option<String>,
    /// The threshold.
    pub threshold: Option<f64>,
    /// The comparison operator.
    pub comparison_operator: Option<String>,
    /// The period in seconds.
    pub period: Option<i64>,
    /// The number of periods.
    pub evaluation_periods: Option<i64>,
    /// The statistic.
    pub statistic: Option<String>,
    /// The actions on ALARM.
    pub alarm_actions: Vec<String>,
}

/// A code alarm and a deployed alarm, paired, or one of them alone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmPair {
    /// How they compare (never `rewritten`).
    pub status: Status,
    /// `name` (alarm name) or `metric` (metric name and namespace).
    pub paired_by: Option<&'static str>,
    /// The code's side.
    pub code: Option<CodeAlarm>,
    /// The account's side.
    pub account: Option<AccountAlarm>,
    /// Settings with different known values.
    pub differences: Vec<FieldDiff>,
    /// Why the pair is `unknown`.
    pub reason: Option<String>,
}

/// How many pairs of each status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `same` pairs.
    pub same: usize,
    /// `rewritten` pairs.
    pub rewritten: usize,
    /// `different` pairs.
    pub different: usize,
    /// `unknown` pairs.
    pub unknown: usize,
    /// `only_in_code`.
    pub only_in_code: usize,
    /// `only_in_account`.
    pub only_in_account: usize,
}

impl Summary {
    fn add(&mut self, s: Status) {
        let n = match s {
            Status::Same => &mut self.same,
            Status::Rewritten => &mut self.rewritten,
            Status::Different => &mut self.different,
            Status::Unknown => &mut self.unknown,
            Status::OnlyInCode => &mut self.only_in_code,
            Status::OnlyInAccount => &mut self.only_in_account,
        };
        *n += 1;
    }

    /// Pairs that are drift.
    pub fn drift(&self) -> usize {
        self.different + self.only_in_code + self.only_in_account
    }
}

/// The version of the JSON output (`docs/drift.md`).
pub const JSON_VERSION: u32 = 1;

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The version of this format ([`JSON_VERSION`]).
    pub version: u32,
    /// The account compared with.
    pub account_id: String,
    /// The regions of the account looked at.
    pub regions: Vec<String>,
    /// `code` (deployed filters on the code's log groups, alarms on their
    /// metrics) or `all` (every deployed filter and alarm).
    pub scope: &'static str,
    /// Metric filters.
    pub filters: Vec<FilterPair>,
    /// Alarms.
    pub alarms: Vec<AlarmPair>,
    /// Filters and alarms together.
    pub summary: Summary,
    /// Account data that could not be read (pairs it affects are `unknown`).
    pub unreadable: Vec<String>,
}

impl Report {
    /// Whether anything drifted.
    pub fn has_drift(&self) -> bool {
        self.summary.drift() > 0
    }
}

/// Compare what `code` declares with what `snapshot` holds.
pub fn drift(code: &Extraction<'_>, snapshot: &Snapshot, opts: &Options) -> Report {
    let regions: Vec<&crate::snapshot::Region> = snapshot
        .regions
        .iter()
        .filter(|r| opts.regions.is_empty() || opts.regions.contains(&r.region))
        .collect();
    let (mut filters_unread, mut alarms_unread) = (Vec::new(), Vec::new());
    let mut deployed_filters: Vec<(&str, &MetricFilter)> = Vec::new();
    let mut deployed_alarms: Vec<(&str, &MetricAlarm)> = Vec::new();
    for r in &regions {
        match r.metric_filters.get() {
            Ok(v) => deployed_filters.extend(v.iter().map(|f| (r.region.as_str(), f))),
            Err(e) => filters_unread.push(e.to_string()),
        }
        match r.alarms.get() {
            Ok(v) => deployed_alarms.extend(v.iter().map(|a| (r.region.as_str(), a))),
            Err(e) => alarms_unread.push(e.to_string()),
        }
    }
    let unreadable: Vec<String> = filters_unread
        .iter()
        .chain(&alarms_unread)
        .cloned()
        .collect();

    // Code filters, grouped by resource (the branches of a conditional are
    // one resource: the best of them decides).
    let mut groups: Vec<Vec<&Filter>> = Vec::new();
    for f in code
        .units
        .iter()
        .flat_map(|u| &u.filters)
        .filter(|f| f.kind == FilterKind::MetricFilter)
    {
        match groups
            .iter_mut()
            .find(|g| g.first().is_some_and(|h| h.resource == f.resource))
        {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    let mut taken = vec![false; deployed_filters.len()];
    let mut filters = Vec::new();
    for g in &groups {
        let Some(head) = g.first() else { continue };
        let found = pair_filter(head, &deployed_filters, &taken);
        if found.is_empty() {
            let (status, reason) = alone_in_code(
                &filters_unread,
                head.filter_name
                    .as_ref()
                    .is_some_and(|n| n.known().is_some())
                    || known_metric(head.metric.as_ref()).is_some(),
            );
            filters.push(FilterPair {
                status,
                paired_by: None,
                code: Some(code_filter(code, head)),
                account: None,
                differences: Vec::new(),
                pattern_diff: Vec::new(),
                relation: None,
                reason,
            });
            continue;
        }
        for (i, by) in found {
            if let Some(t) = taken.get_mut(i) {
                *t = true;
            }
            let Some(&(region, d)) = deployed_filters.get(i) else {
                continue;
            };
            let best = g
                .iter()
                .map(|f| compare_filter(code, f, region, d, by))
                .min_by_key(|p| p.status);
            filters.extend(best);
        }
    }
    // Deployed filters not in the code, on the code's log groups.
    let code_groups: Vec<&str> = groups
        .iter()
        .flatten()
        .filter_map(|f| f.log_group.as_ref().and_then(Setting::known))
        .map(String::as_str)
        .collect();
    for (i, &(region, d)) in deployed_filters.iter().enumerate() {
        if taken.get(i).copied().unwrap_or(true) {
            continue;
        }
        if opts.all || code_groups.contains(&d.log_group_name.as_str()) {
            filters.push(FilterPair {
                status: Status::OnlyInAccount,
                paired_by: None,
                code: None,
                account: Some(account_filter(region, d)),
                differences: Vec::new(),
                pattern_diff: Vec::new(),
                relation: None,
                reason: None,
            });
        }
    }

    // Alarms.
    let details: Vec<&AlarmDetail> = code
        .units
        .iter()
        .flat_map(|u| &u.alarms)
        .flat_map(|a| &a.instances)
        .collect();
    let mut alarm_taken = vec![false; deployed_alarms.len()];
    let mut alarms = Vec::new();
    for a in &details {
        let found = pair_alarm(a, &deployed_alarms, &alarm_taken);
        if found.is_empty() {
            let (status, reason) = alone_in_code(
                &alarms_unread,
                a.name.as_ref().is_some_and(|n| n.known().is_some())
                    || known_metric(a.metric.as_ref()).is_some(),
            );
            alarms.push(AlarmPair {
                status,
                paired_by: None,
                code: Some(code_alarm(code, a)),
                account: None,
                differences: Vec::new(),
                reason,
            });
            continue;
        }
        for (i, by) in found {
            if let Some(t) = alarm_taken.get_mut(i) {
                *t = true;
            }
            if let Some(&(region, d)) = deployed_alarms.get(i) {
                alarms.push(compare_alarm(code, a, region, d, by));
            }
        }
    }
    // Deployed alarms not in the code, on the metrics of the filters in scope.
    let mut metrics_in_scope: Vec<(String, String)> = filters
        .iter()
        .filter_map(|p| p.account.as_ref())
        .filter_map(|a| Some((a.metric_name.clone()?, a.metric_namespace.clone()?)))
        .collect();
    metrics_in_scope.extend(
        groups
            .iter()
            .flatten()
            .filter_map(|f| known_metric(f.metric.as_ref()))
            .map(|(n, ns)| (n.to_owned(), ns.to_owned())),
    );
    for (i, &(region, d)) in deployed_alarms.iter().enumerate() {
        if alarm_taken.get(i).copied().unwrap_or(true) {
            continue;
        }
        let watched = match (&d.metric_name, &d.namespace) {
            (Some(n), Some(ns)) => metrics_in_scope.iter().any(|(a, b)| a == n && b == ns),
            _ => false,
        };
        if opts.all || watched {
            alarms.push(AlarmPair {
                status: Status::OnlyInAccount,
                paired_by: None,
                code: None,
                account: Some(account_alarm(region, d)),
                differences: Vec::new(),
                reason: None,
            });
        }
    }

    let mut summary = Summary::default();
    for s in filters
        .iter()
        .map(|p| p.status)
        .chain(alarms.iter().map(|p| p.status))
    {
        summary.add(s);
    }
    Report {
        version: JSON_VERSION,
        account_id: snapshot.account_id.clone(),
        regions: regions.iter().map(|r| r.region.clone()).collect(),
        scope: if opts.all { "all" } else { "code" },
        filters,
        alarms,
        summary,
        unreadable,
    }
}

/// The status of a code resource that nothing deployed pairs with:
/// `only_in_code`, unless the account could not be read everywhere or the
/// resource's identity (name, metric) is not known.
fn alone_in_code(unread: &[String], identified: bool) -> (Status, Option<String>) {
    if !unread.is_empty() {
        (
            Status::Unknown,
            Some(format!(
                "nothing deployed pairs with it where the account could be read; not read: {}",
                unread.join("; ")
            )),
        )
    } else if !identified {
        (
            Status::Unknown,
            Some(
                "nothing deployed pairs with it, and its name and metric are not known statically"
                    .to_owned(),
            ),
        )
    } else {
        (Status::OnlyInCode, None)
    }
}

/// A metric's name and namespace, when both are literals.
fn known_metric(m: Option<&Metric>) -> Option<(&str, &str)> {
    match m? {
        Metric {
            name: MetricKey::Literal(n),
            namespace: Some(MetricKey::Literal(ns)),
        } => Some((n, ns)),
        _ => None,
    }
}

/// The deployed filters (not yet taken) a code filter pairs with: by log
/// group and filter name (a log group the code leaves unknown matches any),
/// else by metric name and namespace (on the code's log group, when known).
fn pair_filter(
    f: &Filter,
    deployed: &[(&str, &MetricFilter)],
    taken: &[bool],
) -> Vec<(usize, &'static str)> {
    let free = |i: usize| !taken.get(i).copied().unwrap_or(true);
    let group = f.log_group.as_ref().and_then(Setting::known);
    let group_ok = |d: &MetricFilter| group.is_none_or(|g| *g == d.log_group_name);
    if let Some(name) = f.filter_name.as_ref().and_then(Setting::known) {
        let by_name: Vec<(usize, &'static str)> = deployed
            .iter()
            .enumerate()
            .filter(|(i, (_, d))| free(*i) && d.filter_name == *name && group_ok(d))
            .map(|(i, _)| (i, "name"))
            .collect();
        if !by_name.is_empty() {
            return by_name;
        }
    }
    let Some((metric, namespace)) = known_metric(f.metric.as_ref()) else {
        return Vec::new();
    };
    deployed
        .iter()
        .enumerate()
        .filter(|(i, (_, d))| {
            free(*i)
                && group_ok(d)
                && d.metric_transformations
                    .iter()
                    .any(|t| t.metric_name == metric && t.metric_namespace == namespace)
        })
        .map(|(i, _)| (i, "metric"))
        .collect()
}

/// The deployed alarms (not yet taken) a code alarm pairs with: by name,
/// else by metric name and namespace.
fn pair_alarm(
    a: &AlarmDetail,
    deployed: &[(&str, &MetricAlarm)],
    taken: &[bool],
) -> Vec<(usize, &'static str)> {
    let free = |i: usize| !taken.get(i).copied().unwrap_or(true);
    if let Some(name) = a.name.as_ref().and_then(Setting::known) {
        let by_name: Vec<(usize, &'static str)> = deployed
            .iter()
            .enumerate()
            .filter(|(i, (_, d))| free(*i) && d.alarm_name == *name)
            .map(|(i, _)| (i, "name"))
            .collect();
        if !by_name.is_empty() {
            return by_name;
        }
    }
    let Some((metric, namespace)) = known_metric(a.metric.as_ref()) else {
        return Vec::new();
    };
    deployed
        .iter()
        .enumerate()
        .filter(|(i, (_, d))| {
            free(*i)
                && d.metric_name.as_deref() == Some(metric)
                && d.namespace.as_deref() == Some(namespace)
        })
        .map(|(i, _)| (i, "metric"))
        .collect()
}

fn code_filter(code: &Extraction<'_>, f: &Filter) -> CodeFilter {
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

fn account_filter(region: &str, d: &MetricFilter) -> AccountFilter {
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

fn code_alarm(code: &Extraction<'_>, a: &AlarmDetail) -> CodeAlarm {
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

fn account_alarm(region: &str, d: &MetricAlarm) -> AccountAlarm {
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
struct Fields {
    differences: Vec<FieldDiff>,
    unknown: Vec<String>,
}

impl Fields {
    /// Compare a code value (not compared when the code does not set it)
    /// with the account's, equal by `eq`.
    fn check(
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
    fn status(&self, rest: Status) -> (Status, Option<String>) {
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

fn text_eq(a: &str, b: &str) -> bool {
    a == b
}

/// Numbers written differently (`1`, `1.0`) are equal.
fn number_eq(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn compare_filter(
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
    let mut pattern_diff = Vec::new();
    let mut relation = None;
    let pattern_status = match &c.pattern {
        CodeValue::Unknown { unknown } => {
            fields.unknown.push(format!("pattern: {unknown}"));
            Status::Same
        }
        CodeValue::Known(p) if *p == a.pattern => Status::Same,
        CodeValue::Known(p) => {
            let (pc, pa) = (
                crate::pattern::parse(p).ok(),
                crate::pattern::parse(&a.pattern).ok(),
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
                        account: Some(a.pattern.clone()),
                    },
                );
                Status::Different
            }
        }
    };
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

fn compare_alarm(
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
    fields.check(
        "alarm_name",
        c.alarm_name.as_ref(),
        Some(a.alarm_name.clone()),
        text_eq,
    );
    fields.check(
        "metric_name",
        c.metric_name.as_ref(),
        a.metric_name.clone(),
        text_eq,
    );
    fields.check(
        "namespace",
        c.namespace.as_ref(),
        a.namespace.clone(),
        text_eq,
    );
    fields.check(
        "threshold",
        c.threshold.as_ref(),
        a.threshold.map(|t| t.to_string()),
        number_eq,
    );
    fields.check(
        "comparison_operator",
        c.comparison_operator.as_ref(),
        a.comparison_operator.clone(),
        text_eq,
    );
    fields.check("period", c.period.as_ref(), num(a.period), number_eq);
    fields.check(
        "evaluation_periods",
        c.evaluation_periods.as_ref(),
        num(a.evaluation_periods),
        number_eq,
    );
    fields.check(
        "statistic",
        c.statistic.as_ref(),
        a.statistic.clone(),
        text_eq,
    );
    match &c.alarm_actions {
        None => {}
        Some(CodeList::Unknown { unknown }) => {
            fields.unknown.push(format!("alarm_actions = {unknown}"));
        }
        Some(CodeList::Known(list)) => {
            let (mut x, mut y) = (list.clone(), a.alarm_actions.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{self, SourceFile};

    /// A snapshot of one region holding these metric filters and alarms
    /// (JSON, as `docs/snapshot.md` describes them).
    fn snapshot(filters: serde_json::Value, alarms: serde_json::Value) -> Snapshot {
        let empty = serde_json::json!({"ok": []});
        let err = serde_json::json!({"error": {"service": "iam", "operation": "X",
            "code": "AccessDenied", "message": "not read"}});
        let s = serde_json::json!({
            "schema": 3, "account_id": "111122223333", "partition": "aws",
            "taken_at": "2026-11-20T09:30:00Z",
            "regions": [{"region": "us-east-1", "trails": empty, "log_groups": empty,
                "metric_filters": {"ok": filters}, "alarms": {"ok": alarms},
                "topics": empty, "config_recorders": empty, "config_recorder_statuses": empty,
                "delivery_channels": empty, "kms_keys": empty, "vpcs": empty,
                "flow_logs": empty, "security_groups": empty}],
            "iam": {"credential_report": err, "password_policy": err, "account_summary": err,
                "virtual_mfa_devices": err, "users": err, "policies": err, "support_access": err},
            "s3": {"account_public_access_block": {"ok": null}, "buckets": []}
        });
        Snapshot::from_json(&s.to_string()).unwrap()
    }

    fn filter(name: &str, group: &str, pattern: &str, metric: &str) -> serde_json::Value {
        serde_json::json!({"filter_name": name, "log_group_name": group,
            "filter_pattern": pattern, "metric_transformations": [{"metric_name": metric,
            "metric_namespace": "CIS", "metric_value": "1"}]})
    }

    fn alarm(name: &str, metric: &str, threshold: f64) -> serde_json::Value {
        serde_json::json!({"alarm_name": name, "alarm_arn": format!("arn:aws:cloudwatch:us-east-1:111122223333:alarm:{name}"),
            "metric_name": metric, "namespace": "CIS", "threshold": threshold, "alarm_actions": []})
    }

    fn run(path: &str, text: &str, snap: &Snapshot) -> Report {
        let files = [SourceFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }];
        let e = lint::extract(&files, &lint::Options::default());
        drift(&e, snap, &Options::default())
    }

    /// `for_each` alarms give one alarm per key, each paired by its name;
    /// the branches of a conditional pattern are one filter, whose best
    /// branch decides.
    #[test]
    fn instances_and_branches() {
        let tf = r#"
variable "strict" { default = true }
locals { alarms = { A = "MetricA", B = "MetricB" } }
resource "aws_cloudwatch_log_metric_filter" "f" {
  name           = "F"
  log_group_name = "trail"
  pattern        = var.strict ? "{ $.a = 1 && $.b = 2 }" : "{ $.a = 1 }"
  metric_transformation {
    name      = "MetricA"
    namespace = "CIS"
    value     = "1"
  }
}
resource "aws_cloudwatch_metric_alarm" "a" {
  for_each    = local.alarms
  alarm_name  = "alarm-${each.key}"
  metric_name = each.value
  namespace   = "CIS"
  threshold   = 1
}
"#;
        let snap = snapshot(
            serde_json::json!([filter("F", "trail", "{ $.a = 1 }", "MetricA")]),
            serde_json::json!([
                alarm("alarm-A", "MetricA", 1.0),
                alarm("alarm-B", "MetricB", 2.0)
            ]),
        );
        let r = run("main.tf", tf, &snap);
        let [f] = r.filters.as_slice() else {
            panic!("{:#?}", r.filters)
        };
        assert_eq!(f.status, Status::Same);
        assert_eq!(
            f.code.as_ref().and_then(|c| c.variant.as_deref()),
            Some("when `var.strict` is false")
        );
        let statuses: Vec<(&str, Status)> = r
            .alarms
            .iter()
            .map(|p| {
                (
                    p.code.as_ref().map_or("", |c| c.resource.as_str()),
                    p.status,
                )
            })
            .collect();
        assert_eq!(
            statuses,
            [
                (r#"aws_cloudwatch_metric_alarm.a["A"]"#, Status::Same),
                (r#"aws_cloudwatch_metric_alarm.a["B"]"#, Status::Different),
            ]
        );
    }

    /// A known difference decides even when another value is unknown; an
    /// unknown value alone gives `unknown`.
    #[test]
    fn known_differences_decide_unknown_values_do_not() {
        let cfn = r#"
Parameters:
  Pattern: {Type: String}
Resources:
  F:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: F
      LogGroupName: trail
      FilterPattern: !Ref Pattern
      MetricTransformations: [{MetricName: MetricA, MetricNamespace: Other, MetricValue: "1"}]
  G:
    Type: AWS::Logs::MetricFilter
    Properties:
      FilterName: G
      LogGroupName: trail
      FilterPattern: !Ref Pattern
      MetricTransformations: [{MetricName: MetricG, MetricNamespace: CIS, MetricValue: "1"}]
"#;
        let snap = snapshot(
            serde_json::json!([
                filter("F", "trail", "{ $.a = 1 }", "MetricA"),
                filter("G", "trail", "{ $.g = 1 }", "MetricG")
            ]),
            serde_json::json!([]),
        );
        let r = run("cis.yaml", cfn, &snap);
        let by = |name: &str| {
            r.filters
                .iter()
                .find(|p| p.code.as_ref().is_some_and(|c| c.resource == name))
                .unwrap()
        };
        assert_eq!(by("F").status, Status::Different);
        assert_eq!(by("F").differences.len(), 1);
        assert_eq!(by("G").status, Status::Unknown);
        assert!(by("G").reason.as_deref().unwrap().contains("Pattern"));
    }

    /// Terraform JSON records the log group and filter name too.
    #[test]
    fn terraform_json_filters_are_paired_by_name() {
        let j = r#"{"resource": {"aws_cloudwatch_log_metric_filter": {"x": {"name": "F",
            "log_group_name": "trail", "pattern": "{ $.a = 2 }",
            "metric_transformation": {"name": "M", "namespace": "CIS", "value": "1"}}}}}"#;
        let snap = snapshot(
            serde_json::json!([filter("F", "trail", "{ $.a = 1 }", "M")]),
            serde_json::json!([]),
        );
        let r = run("main.tf.json", j, &snap);
        let [p] = r.filters.as_slice() else {
            panic!("{:#?}", r.filters)
        };
        assert_eq!((p.status, p.paired_by), (Status::Different, Some("name")));
        assert_eq!(p.relation, Some(Relation::Disjoint));
        assert_eq!(p.pattern_diff.len(), 1);
        assert!(r.has_drift());
    }
}
