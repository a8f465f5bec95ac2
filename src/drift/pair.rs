//! Pairing: each code filter (alarm) with the deployed ones it names, and
//! the deployed ones in scope that nothing in the code pairs with.

use super::compare::{
    account_alarm, account_filter, code_alarm, code_filter, compare_alarm, compare_filter,
};
use super::{AlarmPair, Deployed, FilterPair, Options, Status};
use crate::lint::Extraction;
use crate::lint::model::{AlarmDetail, Filter, FilterKind, Metric, MetricKey, Setting};
use crate::snapshot::{MetricAlarm, MetricFilter};

/// The code's metric filters grouped by resource (the branches of a
/// conditional are one resource: the best of them decides).
pub(super) fn filter_groups<'c>(code: &'c Extraction<'_>) -> Vec<Vec<&'c Filter>> {
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
    groups
}

/// The filter pairs: each code filter with what it pairs with (or alone),
/// then the deployed filters on the code's log groups (every one with
/// `--all`) that nothing pairs with.
pub(super) fn filters(
    code: &Extraction<'_>,
    groups: &[Vec<&Filter>],
    deployed: &Deployed<'_>,
    opts: &Options,
) -> Vec<FilterPair> {
    let mut taken = vec![false; deployed.filters.len()];
    let mut filters = Vec::new();
    for g in groups {
        let Some(head) = g.first() else { continue };
        let found = pair_filter(head, &deployed.filters, &taken);
        if found.is_empty() {
            let (status, reason) = alone_in_code(
                &deployed.filters_unread,
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
            let Some(&(region, d)) = deployed.filters.get(i) else {
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
    for (i, &(region, d)) in deployed.filters.iter().enumerate() {
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
    filters
}

/// The alarm pairs: each code alarm with what it pairs with (or alone),
/// then the deployed alarms on the metrics of the filters in scope (every
/// one with `--all`) that nothing pairs with.
pub(super) fn alarms(
    code: &Extraction<'_>,
    groups: &[Vec<&Filter>],
    filters: &[FilterPair],
    deployed: &Deployed<'_>,
    opts: &Options,
) -> Vec<AlarmPair> {
    let details: Vec<&AlarmDetail> = code
        .units
        .iter()
        .flat_map(|u| &u.alarms)
        .flat_map(|a| &a.instances)
        .collect();
    let mut alarm_taken = vec![false; deployed.alarms.len()];
    let mut alarms = Vec::new();
    for a in &details {
        let found = pair_alarm(a, &deployed.alarms, &alarm_taken);
        if found.is_empty() {
            let (status, reason) = alone_in_code(
                &deployed.alarms_unread,
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
            if let Some(&(region, d)) = deployed.alarms.get(i) {
                alarms.push(compare_alarm(code, a, region, d, by));
            }
        }
    }
    // Deployed alarms not in the code, on the metrics of the filters in scope.
    let metrics_in_scope = metrics_in_scope(groups, filters);
    for (i, &(region, d)) in deployed.alarms.iter().enumerate() {
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
    alarms
}

/// The metrics (name, namespace) of the deployed filters paired or in
/// scope, and of the code's filters where known.
fn metrics_in_scope(groups: &[Vec<&Filter>], filters: &[FilterPair]) -> Vec<(String, String)> {
    let mut metrics: Vec<(String, String)> = filters
        .iter()
        .filter_map(|p| p.account.as_ref())
        .filter_map(|a| Some((a.metric_name.clone()?, a.metric_namespace.clone()?)))
        .collect();
    metrics.extend(
        groups
            .iter()
            .flatten()
            .filter_map(|f| known_metric(f.metric.as_ref()))
            .map(|(n, ns)| (n.to_owned(), ns.to_owned())),
    );
    metrics
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
