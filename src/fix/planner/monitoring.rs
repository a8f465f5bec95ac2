//! Section 3, the monitoring chains: trail, log group, metric filter,
//! alarm, topic with a confirmed subscription.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Builder, push_unique};
use crate::audit::Finding;
use crate::audit::common::Arn;
use crate::audit::logging::{TrailFitness, Trails, trail_fitness};
use crate::cis::{self, Benchmark, CLOSE_SCORE, closeness, compare, names as cn};
use crate::fix::model::{Action, AlarmState, FilterState, Item, Kind, names};
use crate::snapshot::{MetricAlarm, MetricFilter, Region};

impl Builder<'_> {
    pub(super) fn chain(
        &mut self,
        id: &'static str,
        row: &'static cis::PatternRow,
        chain: &'static str,
        f: &Finding,
        bench: &'static Benchmark,
    ) {
        let trail_arn = f
            .evidence
            .pointer("/chain/trail")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let trail = trail_arn.as_deref().and_then(|a| self.trail_by_arn(a));
        let Some(t) = trail.or_else(|| {
            let all = Trails::of(self.s);
            all.trails
                .iter()
                .find(|t| Arn::account_of(&t.trail_arn) == Some(self.s.account_id.as_str()))
                .map(|t| (*t).clone())
        }) else {
            self.add(Item {
                key: format!("guidance:{id}"),
                controls: vec![id],
                kind: Kind::Guidance,
                resource: crate::audit::common::account_resource(self.s),
                region: None,
                summary: "the account has no trail of its own: create a multi-region trail that sends its events to CloudWatch Logs, then run `fix` again".into(),
                changes: vec![],
                removes: vec![],
                action: Action::Guidance {
                    steps: vec![f.reason.to_string()],
                },
            });
            return;
        };
        if !matches!(trail_fitness(&t), TrailFitness::Fit) {
            self.make_fit(id, &t);
        }
        let (region, group) = self.ensure_log_group(id, &t);
        let Some(reg) = self.s.regions.iter().find(|r| r.region == region) else {
            return;
        };
        let filters: Vec<&MetricFilter> = reg
            .metric_filters
            .ok()
            .map(|l| l.iter().filter(|m| m.log_group_name == group).collect())
            .unwrap_or_default();
        let near_name = f
            .evidence
            .pointer("/chain/metric_filter/name")
            .and_then(Value::as_str);
        let (filter, metric) =
            self.filter_link(id, row, chain, &region, &group, &filters, near_name, bench);
        let _ = filter;
        self.alarm_link(id, reg, &metric, chain);
    }

    /// The filter link: a passing filter on the log group, else the near miss
    /// edited, else a new filter. Returns the filter's name and its metric.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn filter_link(
        &mut self,
        id: &'static str,
        row: &'static cis::PatternRow,
        chain: &'static str,
        region: &str,
        group: &str,
        filters: &[&MetricFilter],
        near_name: Option<&str>,
        bench: &'static Benchmark,
    ) -> (String, (String, String)) {
        let link = FilterLink {
            id,
            row,
            region,
            group,
            bench,
            canonical: row
                .canonical
                .first()
                .copied()
                .unwrap_or_default()
                .to_owned(),
        };
        // Already planned (1.1 and 3.3 share a row).
        if let Some(planned) = self.planned_filter(&link) {
            return planned;
        }
        if let Some(m) = filters.iter().find(|m| self.passes(m, bench, row.control))
            && let Some(metric) = metric_of(m)
        {
            return (m.filter_name.clone(), metric);
        }
        match self
            .near_miss(&link, filters, near_name)
            .and_then(|m| metric_of(m).map(|x| (m, x)))
        {
            Some((m, metric)) => self.edit_filter(link, m, metric),
            None => self.new_filter(link, chain, filters),
        }
    }

    /// Whether the filter's pattern passes the benchmark's row of `control`.
    fn passes(&self, m: &MetricFilter, bench: &'static Benchmark, control: &str) -> bool {
        compare(&m.filter_pattern, bench, control, self.mode).is_some_and(|c| c.passes)
    }

    /// The filter the plan already has for the row on this log group, which
    /// now serves `link.id` too.
    fn planned_filter(&mut self, link: &FilterLink<'_>) -> Option<(String, (String, String))> {
        let i = self.items.iter_mut().find(|i| {
            matches!(&i.action, Action::MetricFilter(fs)
                if fs.region == link.region && fs.log_group == link.group && fs.pattern == link.canonical)
        })?;
        push_unique(&mut i.controls, link.id);
        match &i.action {
            Action::MetricFilter(fs) => Some((
                fs.filter_name.clone(),
                (fs.metric_name.clone(), fs.namespace.clone()),
            )),
            _ => None,
        }
    }

    /// The near miss to edit: the audit's, else the closest by the same
    /// measure; never a filter that serves another row or that the plan
    /// edits for another row.
    fn near_miss<'f>(
        &self,
        link: &FilterLink<'_>,
        filters: &[&'f MetricFilter],
        near_name: Option<&str>,
    ) -> Option<&'f MetricFilter> {
        let (bench, row) = (link.bench, link.row);
        let serves_other = |m: &MetricFilter| {
            bench
                .rows
                .iter()
                .any(|r| r.control != row.control && self.passes(m, bench, r.control))
        };
        let taken = |m: &MetricFilter| {
            self.edited.iter().any(|((r, g, n), other)| {
                r == link.region && g == link.group && *n == m.filter_name && *other != row.control
            })
        };
        let usable = |m: &MetricFilter| !serves_other(m) && !taken(m) && metric_of(m).is_some();
        near_name
            .and_then(|n| filters.iter().find(|m| m.filter_name == n))
            .copied()
            .filter(|m| usable(m))
            .or_else(|| {
                let mut best: Option<(f64, &MetricFilter)> = None;
                for m in filters {
                    if !usable(m) {
                        continue;
                    }
                    let score = closeness(&m.filter_pattern, bench, row.control).unwrap_or(0.0);
                    if score >= CLOSE_SCORE && best.is_none_or(|(s, _)| score > s) {
                        best = Some((score, m));
                    }
                }
                best.map(|(_, m)| m)
            })
    }

    /// The near miss edited to the benchmark's pattern, keeping its metric.
    fn edit_filter(
        &mut self,
        link: FilterLink<'_>,
        m: &MetricFilter,
        metric: (String, String),
    ) -> (String, (String, String)) {
        let FilterLink {
            id,
            row,
            region,
            group,
            bench,
            canonical,
        } = link;
        let diff: Vec<String> = compare(&m.filter_pattern, bench, row.control, self.mode)
            .map(|c| {
                c.differences
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {}: expected {}, found {}",
                            d.change.as_str(),
                            d.term,
                            d.expected.as_deref().unwrap_or("nothing"),
                            d.found.as_deref().unwrap_or("nothing")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.edited.push((
            (region.to_owned(), group.to_owned(), m.filter_name.clone()),
            row.control,
        ));
        let value = m
            .metric_transformations
            .first()
            .map_or_else(|| "1".to_owned(), |t| t.metric_value.clone());
        let mut changes = vec![format!("pattern: {} -> {}", m.filter_pattern, canonical)];
        changes.extend(diff.iter().map(|d| format!("closes: {d}")));
        self.add(Item {
            key: filter_key(region, group, &m.filter_name),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("logs", region, &format!("log-group:{group}")),
            region: Some(region.to_owned()),
            summary: format!(
                "edit the metric filter `{}` on `{group}` to the pattern {} accepts (the near miss is edited, no second filter is added)",
                m.filter_name, bench.name
            ),
            changes,
            removes: vec![],
            action: Action::MetricFilter(FilterState {
                region: region.to_owned(),
                log_group: group.to_owned(),
                filter_name: m.filter_name.clone(),
                pattern: canonical,
                metric_name: metric.0.clone(),
                namespace: metric.1.clone(),
                metric_value: value,
                replaces: Some(m.filter_pattern.clone()),
                term_diff: diff,
            }),
        });
        (m.filter_name.clone(), metric)
    }

    /// A new filter with the benchmark's pattern, publishing to the
    /// plan's namespace.
    fn new_filter(
        &mut self,
        link: FilterLink<'_>,
        chain: &'static str,
        filters: &[&MetricFilter],
    ) -> (String, (String, String)) {
        let FilterLink {
            id,
            region,
            group,
            bench,
            canonical,
            ..
        } = link;
        let metric = metric_name(chain);
        let mut name = format!("CIS-{id}-{metric}");
        if filters.iter().any(|m| m.filter_name == name) {
            name = format!("{name}-fixed");
        }
        self.add(Item {
            key: filter_key(region, group, &name),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("logs", region, &format!("log-group:{group}")),
            region: Some(region.to_owned()),
            summary: format!(
                "add the metric filter `{name}` on `{group}` with the pattern {} accepts",
                bench.name
            ),
            changes: vec![
                format!("pattern: {canonical}"),
                format!("metric: {}/{metric}", names::NAMESPACE),
            ],
            removes: vec![],
            action: Action::MetricFilter(FilterState {
                region: region.to_owned(),
                log_group: group.to_owned(),
                filter_name: name.clone(),
                pattern: canonical,
                metric_name: metric.to_owned(),
                namespace: names::NAMESPACE.to_owned(),
                metric_value: "1".into(),
                replaces: None,
                term_diff: vec![],
            }),
        });
        (name, (metric.to_owned(), names::NAMESPACE.to_owned()))
    }

    /// A topic of this account in the region with a confirmed subscription.
    pub(super) fn good_topic(&self, reg: &Region) -> Option<String> {
        reg.topics.ok()?.iter().find_map(|t| {
            let own = Arn::account_of(&t.topic_arn) == Some(self.s.account_id.as_str());
            let confirmed = t
                .subscriptions
                .ok()
                .is_some_and(|subs| subs.iter().any(|x| x.is_confirmed()));
            (own && confirmed).then(|| t.topic_arn.clone())
        })
    }

    pub(super) fn alarm_good(&self, reg: &Region, al: &MetricAlarm) -> bool {
        if al.actions_enabled != Some(true) {
            return false;
        }
        let topics = reg.topics.ok().map(Vec::as_slice).unwrap_or_default();
        al.alarm_actions.iter().any(|a| {
            topics.iter().any(|t| {
                &t.topic_arn == a
                    && Arn::account_of(a) == Some(self.s.account_id.as_str())
                    && t.subscriptions
                        .ok()
                        .is_some_and(|subs| subs.iter().any(|x| x.is_confirmed()))
            })
        })
    }

    /// The alarm link: a good alarm on the filter's metric, else the first
    /// alarm on it made to notify a topic with a confirmed subscription,
    /// else a new alarm (and a new topic when the region has no good one).
    pub(super) fn alarm_link(
        &mut self,
        id: &'static str,
        reg: &Region,
        metric: &(String, String),
        chain: &'static str,
    ) {
        let region = reg.region.clone();
        let alarms: Vec<&MetricAlarm> = reg
            .alarms
            .ok()
            .map(|l| {
                l.iter()
                    .filter(|a| {
                        a.metric_name.as_deref() == Some(metric.0.as_str())
                            && a.namespace.as_deref() == Some(metric.1.as_str())
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Already planned for this metric (1.1 and 3.3).
        if self.planned_alarm(id, &region, metric) {
            return;
        }
        if alarms.iter().any(|a| self.alarm_good(reg, a)) {
            return;
        }
        let topic = self.alarm_topic(id, &region, reg);
        let (state, removes) = match alarms.first() {
            Some(a) => existing_alarm(a, &region, metric, &topic),
            None => (new_alarm(reg, id, chain, metric, &topic), vec![]),
        };
        self.topic_serves(&topic, id);
        self.add_alarm(id, state, removes);
    }

    /// Whether the plan has an alarm on the metric already; it then serves
    /// `id` too.
    fn planned_alarm(&mut self, id: &'static str, region: &str, metric: &(String, String)) -> bool {
        let Some(i) = self.items.iter_mut().find(|i| {
            matches!(&i.action, Action::Alarm(a)
                if a.region == region && a.metric_name == metric.0 && a.namespace == metric.1)
        }) else {
            return false;
        };
        push_unique(&mut i.controls, id);
        if let Action::Alarm(a) = &i.action {
            let topic = a.topic_arn.clone();
            self.topic_serves(&topic, id);
        }
        true
    }

    /// The topic the alarm notifies: a good one of the region, else a new one.
    fn alarm_topic(&mut self, id: &'static str, region: &str, reg: &Region) -> String {
        if let Some(t) = self.good_topic(reg) {
            return t;
        }
        let name = names::TOPIC;
        let arn = self.arn("sns", region, name);
        self.add(Item {
            key: format!("topic:{arn}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: arn.clone(),
            region: Some(region.to_owned()),
            summary: format!(
                "create the topic `{name}` with a subscription to the address you set ({}); the alarm chain is complete once the subscription is confirmed",
                names::SH_ENDPOINT_VAR
            ),
            changes: vec![
                "new topic".into(),
                "new email subscription; its endpoint is a variable you must set, and the recipient must confirm it".into(),
            ],
            removes: vec![],
            action: Action::Topic {
                region: region.to_owned(),
                name: name.into(),
            },
        });
        arn
    }

    fn add_alarm(&mut self, id: &'static str, state: AlarmState, removes: Vec<String>) {
        let region = state.region.clone();
        let mut changes = vec![
            format!("watches {}/{}", state.namespace, state.metric_name),
            "actions enabled".into(),
            format!("notifies {}", state.topic_arn),
        ];
        if !state.existing {
            changes.push(format!(
                "{} of the {} over {} s >= {}",
                state.statistic, state.metric_name, state.period, state.threshold
            ));
        }
        self.add(Item {
            key: format!("alarm:{region}:{}", state.alarm_name),
            controls: vec![id],
            kind: Kind::Change,
            resource: self.arn("cloudwatch", &region, &format!("alarm:{}", state.alarm_name)),
            region: Some(region.clone()),
            summary: if state.existing {
                format!(
                    "make the alarm `{}` notify a topic with a confirmed subscription, actions enabled",
                    state.alarm_name
                )
            } else {
                format!(
                    "add the alarm `{}` on the filter's metric, notifying a topic",
                    state.alarm_name
                )
            },
            changes,
            removes,
            action: Action::Alarm(state),
        });
    }

    /// A topic the plan creates also serves `id`.
    pub(super) fn topic_serves(&mut self, topic: &str, id: &'static str) {
        if let Some(i) = self
            .items
            .iter_mut()
            .find(|i| i.key == format!("topic:{topic}"))
        {
            push_unique(&mut i.controls, id);
        }
    }
}

/// The metric name new filters publish, per check name.
fn metric_name(check: &str) -> &'static str {
    match check {
        cn::FILTER_UNAUTHORIZED_API_CALLS => "UnauthorizedAPICalls",
        cn::FILTER_CONSOLE_WITHOUT_MFA => "ConsoleSigninWithoutMFA",
        cn::FILTER_ROOT_USAGE | cn::IAM_AVOID_ROOT_USAGE => "RootAccountUsage",
        cn::FILTER_IAM_POLICY_CHANGES => "IAMPolicyChanges",
        cn::FILTER_CLOUDTRAIL_CHANGES => "CloudTrailConfigChanges",
        cn::FILTER_CONSOLE_AUTH_FAILURES => "ConsoleAuthenticationFailures",
        cn::FILTER_CMK_DISABLED_OR_DELETED => "DisableOrDeleteCMK",
        cn::FILTER_S3_BUCKET_POLICY_CHANGES => "S3BucketPolicyChanges",
        cn::FILTER_CONFIG_CHANGES => "AWSConfigChanges",
        cn::FILTER_SECURITY_GROUP_CHANGES => "SecurityGroupChanges",
        cn::FILTER_NACL_CHANGES => "NACLChanges",
        cn::FILTER_NETWORK_GATEWAY_CHANGES => "NetworkGatewayChanges",
        cn::FILTER_ROUTE_TABLE_CHANGES => "RouteTableChanges",
        cn::FILTER_VPC_CHANGES => "VPCChanges",
        cn::FILTER_ORGANIZATIONS_CHANGES => "OrganizationsChanges",
        _ => "CISMetric",
    }
}

/// Where a chain's filter goes, and the pattern it must have.
struct FilterLink<'x> {
    id: &'static str,
    row: &'static cis::PatternRow,
    region: &'x str,
    group: &'x str,
    bench: &'static Benchmark,
    /// The benchmark's pattern for the row.
    canonical: String,
}

/// A filter's metric: (name, namespace).
fn metric_of(m: &MetricFilter) -> Option<(String, String)> {
    m.metric_transformations
        .first()
        .map(|t| (t.metric_name.clone(), t.metric_namespace.clone()))
}

fn filter_key(region: &str, group: &str, name: &str) -> String {
    format!("filter:{region}:{group}:{name}")
}

/// An existing alarm on the metric, made to notify `topic`; and the alarm
/// actions it loses.
fn existing_alarm(
    a: &MetricAlarm,
    region: &str,
    metric: &(String, String),
    topic: &str,
) -> (AlarmState, Vec<String>) {
    let removed: Vec<String> = a
        .alarm_actions
        .iter()
        .filter(|x| **x != topic && Arn::parse(x).is_some_and(|p| p.service == "sns"))
        .map(|x| format!("alarm action {x} (a topic that does not exist, is not this account's, or has no confirmed subscription)"))
        .collect();
    (
        AlarmState {
            region: region.to_owned(),
            alarm_name: a.alarm_name.clone(),
            metric_name: metric.0.clone(),
            namespace: metric.1.clone(),
            statistic: a.statistic.clone().unwrap_or_else(|| "Sum".into()),
            period: a.period.unwrap_or(300),
            evaluation_periods: a.evaluation_periods.unwrap_or(1),
            threshold: a.threshold.unwrap_or(1.0),
            comparison_operator: a
                .comparison_operator
                .clone()
                .unwrap_or_else(|| "GreaterThanOrEqualToThreshold".into()),
            topic_arn: topic.to_owned(),
            existing: true,
        },
        removed,
    )
}

/// A new alarm on the metric, named after the control, notifying `topic`.
fn new_alarm(
    reg: &Region,
    id: &str,
    chain: &str,
    metric: &(String, String),
    topic: &str,
) -> AlarmState {
    let taken: BTreeSet<&str> = reg
        .alarms
        .ok()
        .map(|l| l.iter().map(|a| a.alarm_name.as_str()).collect())
        .unwrap_or_default();
    let mut name = format!("CIS-{id}-{}", metric_name(chain));
    if taken.contains(name.as_str()) {
        name = format!("{name}-fixed");
    }
    AlarmState {
        region: reg.region.clone(),
        alarm_name: name,
        metric_name: metric.0.clone(),
        namespace: metric.1.clone(),
        statistic: "Sum".into(),
        period: 300,
        evaluation_periods: 1,
        threshold: 1.0,
        comparison_operator: "GreaterThanOrEqualToThreshold".into(),
        topic_arn: topic.to_owned(),
        existing: false,
    }
}
