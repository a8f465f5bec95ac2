//! Section 3 (and 1.1): the metric-filter chain walker.
//!
//! A control passes when one chain is complete:
//! trail (multi-region, logging, all management events, owned by the
//! account) → its CloudWatch Logs log group (by full ARN: region and
//! account) → a metric filter on it whose pattern passes the control's
//! verdict under the chosen [`MatchMode`] → an alarm in that region on the
//! filter's metric (name and namespace) with actions enabled → an SNS topic
//! → a confirmed subscription.
//!
//! The walker tries every chain and reports the complete one, or the chain
//! that got furthest and its first broken link, with Security Hub's reason
//! codes. Where a chain leads out of the snapshot (a trail or log group of
//! another account, a region not looked at, a topic of another account) the
//! control is WARNING: it may well be fine, but cannot be followed here.
//!
//! Cost is linear: filters, alarms and topics are indexed once in hash maps
//! ([`Index::build`]); each distinct filter pattern on a trail's log group
//! is normalized once, and looked up among the benchmark's canonical normal
//! forms. A verdict that passes is `exact` (same tokens) or `equivalent`
//! (same normal form), so only filters whose normal form is a canonical one
//! can pass; those are then compared with the control ([`compare`]) for the
//! official verdict. For a control without a passing filter, the closest
//! filter is looked for among at most [`NEAR_MISS_LIMIT`] filters of the log
//! group, and reported only if it is close by `check`'s measure
//! ([`closeness`] reaches [`CLOSE_SCORE`]); otherwise the finding lists the
//! filters' names.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::common::{Arn, LogGroupRef, account_finding};
use super::finding::{Finding, ResourceType, Status, error_json};
use super::logging::{TrailFitness, Trails, trail_fitness};
use super::registry::{CHAIN_REASONS, CheckDef, How};
use crate::cis::names;
use crate::cis::{Benchmark, CLOSE_SCORE, Comparison, Control, MatchMode, closeness, compare};
use crate::pattern::normal::{NTest, NValue};
use crate::pattern::{Normal, normalize};
use crate::snapshot::{MetricAlarm, MetricFilter, Region, Snapshot, Topic, Trail};

/// The longest value of a JSON normal form that holds no `"` and no `\`.
///
/// Normalization decodes only the escapes `\"` and `\\` and drops quotes, so
/// such a value appears verbatim in the text of every pattern with this
/// normal form: a text without it cannot have it.
fn anchor(n: &Normal) -> Option<String> {
    let Normal::Json(e) = n else {
        return None;
    };
    e.leaves()
        .into_iter()
        .filter_map(|c| match &c.test {
            NTest::Cmp {
                value: NValue::Text(v) | NValue::Number(v),
                ..
            } if !v.is_empty() && !v.contains(['"', '\\']) => Some(v.clone()),
            _ => None,
        })
        .max_by_key(String::len)
}

/// A metric-filter control's row: the chain with the pattern of `$pattern`
/// (by default its own).
macro_rules! chain {
    ($name:ident) => {
        chain!($name, $name);
    };
    ($name:ident, $pattern:ident) => {
        #[doc = concat!("The row of the metric-filter control `", stringify!($name), "`.")]
        pub static $name: CheckDef = CheckDef {
            name: names::$name,
            how: How::Chain(names::$pattern),
            resource_type: ResourceType::Account,
            reasons: CHAIN_REASONS,
        };
    };
}

chain!(IAM_AVOID_ROOT_USAGE, FILTER_ROOT_USAGE);
chain!(FILTER_UNAUTHORIZED_API_CALLS);
chain!(FILTER_CONSOLE_WITHOUT_MFA);
chain!(FILTER_ROOT_USAGE);
chain!(FILTER_IAM_POLICY_CHANGES);
chain!(FILTER_CLOUDTRAIL_CHANGES);
chain!(FILTER_CONSOLE_AUTH_FAILURES);
chain!(FILTER_CMK_DISABLED_OR_DELETED);
chain!(FILTER_S3_BUCKET_POLICY_CHANGES);
chain!(FILTER_CONFIG_CHANGES);
chain!(FILTER_SECURITY_GROUP_CHANGES);
chain!(FILTER_NACL_CHANGES);
chain!(FILTER_NETWORK_GATEWAY_CHANGES);
chain!(FILTER_ROUTE_TABLE_CHANGES);
chain!(FILTER_VPC_CHANGES);

/// The benchmark rows a filter's normal form is canonical for (usually none).
type Rows = Vec<&'static str>;

/// How many filters of one log group are compared to find a near miss.
pub const NEAR_MISS_LIMIT: usize = 500;

/// Reason codes (Security Hub's, plus our own for chains leaving the snapshot).
pub mod codes {
    /// No trail is multi-region, logging all management events, with a log group.
    pub const TRAIL: &str = crate::audit::reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT;
    /// The trail's log group has no metric filter.
    pub const FILTERS: &str = crate::audit::reason::CLOUDTRAIL_METRIC_FILTERS_NOT_PRESENT;
    /// No metric filter has a pattern that passes.
    pub const FILTER: &str = crate::audit::reason::CLOUDTRAIL_METRIC_FILTER_NOT_VALID;
    /// No alarm watches the filter's metric.
    pub const ALARMS: &str = crate::audit::reason::CLOUDWATCH_ALARMS_NOT_PRESENT;
    /// The alarm has actions disabled or no SNS action.
    pub const ACTIONS: &str = crate::audit::reason::CLOUDWATCH_ALARM_ACTIONS_NOT_VALID;
    /// The alarm's topic does not exist.
    pub const TOPIC: &str = crate::audit::reason::SNS_TOPIC_INVALID;
    /// The topic has no confirmed subscription.
    pub const SUBSCRIPTION: &str = crate::audit::reason::SNS_SUBSCRIPTION_NOT_PRESENT;
    /// The topic belongs to another account (WARNING).
    pub const CROSS_ACCOUNT: &str = crate::audit::reason::SNS_TOPIC_CROSS_ACCOUNT;
    /// The topic belongs to another account and region (WARNING).
    pub const CROSS_ACCOUNT_REGION: &str =
        crate::audit::reason::SNS_TOPIC_CROSS_ACCOUNT_CROSS_REGION;
    /// The trail or its log group belongs to another account (WARNING).
    pub const TRAIL_OTHER_ACCOUNT: &str = crate::audit::reason::CLOUDTRAIL_OTHER_ACCOUNT;
    /// The trail's log group is in a region the snapshot does not cover (WARNING).
    pub const TRAIL_OTHER_REGION: &str = crate::audit::reason::CLOUDTRAIL_OTHER_REGION;
    /// The complete chain.
    pub const COMPLETE: &str = crate::audit::reason::CHAIN_COMPLETE;
    /// The benchmark has no pattern for the control.
    pub const NO_PATTERN: &str = crate::audit::reason::BENCHMARK_HAS_NO_PATTERN;
}

/// The snapshot's filters, alarms and topics indexed for the walk. Build
/// once per audit; it serves all fifteen chain controls.
pub struct Index<'a> {
    snapshot: &'a Snapshot,
    benchmark: &'a Benchmark,
    mode: MatchMode,
    trails: Trails<'a>,
    regions: HashMap<&'a str, &'a Region>,
    /// (region, log group name) → filters, for the trails' log groups only,
    /// each with the benchmark rows whose canonical normal form it has.
    filters: HashMap<(&'a str, &'a str), Vec<(&'a MetricFilter, Rows)>>,
    /// (region, metric name, namespace) → alarms.
    alarms: HashMap<(&'a str, &'a str, &'a str), Vec<&'a MetricAlarm>>,
    /// topic ARN → topic.
    topics: HashMap<&'a str, &'a Topic>,
}

impl<'a> Index<'a> {
    /// Index a snapshot for one benchmark and match mode.
    pub fn build(snapshot: &'a Snapshot, benchmark: &'a Benchmark, mode: MatchMode) -> Self {
        let trails = Trails::of(snapshot);
        let regions: HashMap<&str, &Region> = snapshot
            .regions
            .iter()
            .map(|r| (r.region.as_str(), r))
            .collect();
        // The log groups any trail delivers to: only their filters matter.
        let mut wanted: HashMap<(&str, &str), ()> = HashMap::new();
        for t in &trails.trails {
            if let Some(lg) = t
                .cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(LogGroupRef::parse)
                && lg.account == snapshot.account_id
            {
                wanted.insert((lg.region, lg.name), ());
            }
        }
        let mut filters: HashMap<(&str, &str), Vec<(&MetricFilter, Rows)>> = HashMap::new();
        // pattern text → the rows it is canonical for, one normalization each.
        let mut rows_of: HashMap<&str, Rows> = HashMap::new();
        let mut canonical: HashMap<Normal, Vec<&'static str>> = HashMap::new();
        // A pattern can only have a canonical normal form if it contains one
        // of the forms' anchor values verbatim (see `anchor`); `None` when
        // some form has no anchor, and every pattern must be normalized.
        let mut anchors: Option<Vec<String>> = Some(Vec::new());
        for row in benchmark.rows {
            for text in row.canonical {
                if let Ok(n) = normalize(text) {
                    match (anchor(&n), anchors.as_mut()) {
                        (Some(a), Some(list)) => list.push(a),
                        (None, _) => anchors = None,
                        _ => {}
                    }
                    let rows = canonical.entry(n).or_default();
                    if !rows.contains(&row.control) {
                        rows.push(row.control);
                    }
                }
            }
        }
        let mut alarms: HashMap<(&str, &str, &str), Vec<&MetricAlarm>> = HashMap::new();
        let mut topics: HashMap<&str, &Topic> = HashMap::new();
        for r in &snapshot.regions {
            let region = r.region.as_str();
            if let Ok(list) = r.metric_filters.get() {
                for f in list {
                    let key = (region, f.log_group_name.as_str());
                    if wanted.contains_key(&key) {
                        let rows = rows_of
                            .entry(f.filter_pattern.as_str())
                            .or_insert_with(|| {
                                let text = f.filter_pattern.as_str();
                                let maybe = anchors.as_ref().is_none_or(|list| {
                                    list.iter().any(|a| text.contains(a.as_str()))
                                });
                                if !maybe {
                                    return Rows::new();
                                }
                                normalize(text)
                                    .ok()
                                    .and_then(|n| canonical.get(&n).cloned())
                                    .unwrap_or_default()
                            })
                            .clone();
                        filters.entry(key).or_default().push((f, rows));
                    }
                }
            }
            if let Ok(list) = r.alarms.get() {
                for a in list {
                    if let (Some(m), Some(ns)) = (a.metric_name.as_deref(), a.namespace.as_deref())
                    {
                        alarms.entry((region, m, ns)).or_default().push(a);
                    }
                }
            }
            if let Ok(list) = r.topics.get() {
                for t in list {
                    topics.insert(t.topic_arn.as_str(), t);
                }
            }
        }
        Index {
            snapshot,
            benchmark,
            mode,
            trails,
            regions,
            filters,
            alarms,
            topics,
        }
    }

    /// The benchmark row id for a catalog control: the row that maps to the
    /// control's check name, else the row of the chain it runs (1.1 runs the
    /// root-usage chain in benchmarks without a 1.1 row).
    fn row_id(&self, control: &Control) -> Option<&'static str> {
        let chain = match super::registry::check_def(control.name).map(|d| d.how) {
            Some(How::Chain(pattern)) => pattern,
            _ => control.name,
        };
        self.benchmark
            .row_for_check(control.name)
            .or_else(|| self.benchmark.row_for_check(chain))
            .map(|r| r.control)
    }

    /// Walk the chain for one control: one finding.
    pub fn walk(&self, control: &Control) -> Finding {
        let s = self.snapshot;
        let Some(row) = self.row_id(control) else {
            return account_finding(
                s,
                None,
                Status::NotAvailable,
                codes::NO_PATTERN,
                format!(
                    "the benchmark `{}` has no metric-filter pattern for control {}",
                    self.benchmark.name, control.id
                ),
            );
        };
        if self.trails.trails.is_empty() {
            let mut f = self.trails.none_finding(s);
            if f.status == Status::Failed {
                f.reason_code = codes::TRAIL;
            }
            return f;
        }
        let mut best: Option<Attempt> = None;
        for t in &self.trails.trails {
            let a = self.follow_trail(t, row);
            let done = a.status == Status::Passed;
            if best.as_ref().is_none_or(|b| a.better_than(b)) {
                best = Some(a);
            }
            if done {
                break;
            }
        }
        let Some(mut best) = best else {
            return self.trails.none_finding(s);
        };
        if best.code == codes::FILTER && best.reason.is_empty() {
            if best.comparison.is_none()
                && let Some(key) = best.pool
                && let Some(pool) = self.filters.get(&key)
            {
                self.closest_filter(pool, row, &mut best);
            }
            best.reason = match (&best.filter, &best.comparison) {
                (Some(f), Some(c)) if c.differences.is_empty() => format!(
                    "no metric filter on `{}` matches the control's pattern; the closest, `{}`, is {}",
                    best.group_name, f.filter_name, c.verdict
                ),
                (Some(f), Some(c)) => format!(
                    "no metric filter on `{}` matches the control's pattern; the closest, `{}`, differs in {} term(s)",
                    best.group_name,
                    f.filter_name,
                    c.differences.len()
                ),
                _ => format!(
                    "no metric filter on `{}` resembles the control's pattern; its filters: {}",
                    best.group_name,
                    name_list(&best.unlike)
                ),
            };
        }
        // A filter that fails its verdict: what it means for alerting (a
        // blind spot, or a difference in form only), with an event.
        let near = match (&best.filter, &best.comparison) {
            (Some(f), Some(c)) if !c.passes => {
                crate::semantics::near_miss(&f.filter_pattern, &c.canonical)
            }
            _ => None,
        };
        if let Some(n) = &near {
            best.reason = format!("{}; {}", best.reason, n.phrase());
        }
        let others = self.trails.trails.len().saturating_sub(1);
        let f = best.into_finding(s, row, self.benchmark.name, self.mode, others);
        match near {
            Some(n) => f.with("semantics", n.evidence()),
            None => f,
        }
    }

    fn follow_trail(&self, t: &'a Trail, row: &str) -> Attempt<'a> {
        let (mut a, lg, region) = match self.trail_log_group(Attempt::new(t), t) {
            Ok(found) => found,
            Err(end) => return *end,
        };
        if let Err(e) = region.metric_filters.get() {
            a.error = Some(error_json(e));
            return a.end(
                Status::NotAvailable,
                2,
                super::finding::DATA_NOT_AVAILABLE,
                format!("the metric filters could not be read: {e}"),
            );
        }
        let filters = self
            .filters
            .get(&(lg.region, lg.name))
            .map(Vec::as_slice)
            .unwrap_or_default();
        if filters.is_empty() {
            return a.fail(
                2,
                codes::FILTERS,
                format!("the log group `{}` has no metric filter", lg.name),
            );
        }
        let passing = self.passing_filters(&mut a, filters, row);
        if passing.is_empty() {
            // The closest filter is looked for only if this chain is the one
            // reported (see `walk`).
            if a.comparison.is_none() {
                a.pool = Some((lg.region, lg.name));
            }
            a.group_name = lg.name;
            return a.fail(3, codes::FILTER, String::new());
        }
        // Follow every passing filter; keep the best continuation.
        let mut best: Option<Attempt> = None;
        for (f, cmp) in passing {
            let mut b = a.clone();
            b.filter = Some(f);
            b.comparison = Some(cmp);
            let b = self.follow_filter(b, lg.region, region, f);
            let done = b.status == Status::Passed;
            if best.as_ref().is_none_or(|x| b.better_than(x)) {
                best = Some(b);
            }
            if done {
                break;
            }
        }
        best.unwrap_or(a)
    }

    /// The first links: a fit trail of this account, its log group in this
    /// account and in a region of the snapshot. `Err` is the attempt, ended
    /// at the link that broke.
    fn trail_log_group(
        &self,
        mut a: Attempt<'a>,
        t: &'a Trail,
    ) -> Result<(Attempt<'a>, LogGroupRef<'a>, &'a Region), Box<Attempt<'a>>> {
        let s = self.snapshot;
        match trail_fitness(t) {
            TrailFitness::Unfit(why) => return Err(Box::new(a.fail(0, codes::TRAIL, why))),
            TrailFitness::Unknown(what, e) => {
                a.error = Some(error_json(e));
                return Err(Box::new(a.end(
                    Status::NotAvailable,
                    0,
                    super::finding::DATA_NOT_AVAILABLE,
                    format!("{what} could not be read: {e}"),
                )));
            }
            TrailFitness::Fit => {}
        }
        if Arn::account_of(&t.trail_arn).is_some_and(|acct| acct != s.account_id) {
            return Err(Box::new(a.end(
                Status::Warning,
                1,
                codes::TRAIL_OTHER_ACCOUNT,
                "the multi-region trail belongs to another account (an organization trail?); its log group, filters and alarms are not in this snapshot".into(),
            )));
        }
        let Some(lg_arn) = t.cloud_watch_logs_log_group_arn.as_deref() else {
            return Err(Box::new(a.fail(
                1,
                codes::TRAIL,
                "the multi-region trail sends no events to CloudWatch Logs".into(),
            )));
        };
        a.log_group = Some(lg_arn);
        let Some(lg) = LogGroupRef::parse(lg_arn) else {
            return Err(Box::new(a.fail(
                1,
                codes::TRAIL,
                format!("the trail's log group ARN `{lg_arn}` is not a log group ARN"),
            )));
        };
        if lg.account != s.account_id {
            return Err(Box::new(a.end(
                Status::Warning,
                1,
                codes::TRAIL_OTHER_ACCOUNT,
                format!(
                    "the trail's log group belongs to account {}, not this one",
                    lg.account
                ),
            )));
        }
        let Some(region) = self.regions.get(lg.region).copied() else {
            return Err(Box::new(a.end(
                Status::Warning,
                1,
                codes::TRAIL_OTHER_REGION,
                format!(
                    "the trail's log group is in {}, a region the snapshot does not cover",
                    lg.region
                ),
            )));
        };
        Ok((a, lg, region))
    }

    /// The filters whose normal form equals a canonical form of this
    /// control, confirmed by the verdict. The first that fails the verdict
    /// is kept in `a` as the near miss.
    fn passing_filters(
        &self,
        a: &mut Attempt<'a>,
        filters: &[(&'a MetricFilter, Rows)],
        row: &str,
    ) -> Vec<(&'a MetricFilter, Comparison)> {
        let mut passing = Vec::new();
        for (f, rows) in filters {
            if rows.contains(&row)
                && let Some(cmp) = compare(&f.filter_pattern, self.benchmark, row, self.mode)
            {
                if cmp.passes {
                    passing.push((*f, cmp));
                } else if a.comparison.is_none() {
                    a.filter = Some(f);
                    a.comparison = Some(cmp);
                }
            }
        }
        passing
    }

    /// The closest non-passing filter, with its verdict, if one is close:
    /// its [`closeness`] to the control reaches [`CLOSE_SCORE`], the bound
    /// `check` uses (the highest score wins; on a tie, the fewest term
    /// differences, then the first). Otherwise the names of the filters
    /// compared, none of which resembles the pattern.
    fn closest_filter(&self, filters: &[(&'a MetricFilter, Rows)], row: &str, a: &mut Attempt<'a>) {
        let compared = filters.get(..NEAR_MISS_LIMIT).unwrap_or(filters);
        a.searched = compared.len();
        let mut top: Option<(f64, &MetricFilter, Comparison)> = None;
        for (f, _) in compared {
            let score = closeness(&f.filter_pattern, self.benchmark, row).unwrap_or(0.0);
            if score < CLOSE_SCORE || top.as_ref().is_some_and(|(s, _, _)| score < *s) {
                continue;
            }
            let Some(cmp) = compare(&f.filter_pattern, self.benchmark, row, self.mode) else {
                continue;
            };
            let better = top
                .as_ref()
                .is_none_or(|(s, _, c)| score > *s || cmp.differences.len() < c.differences.len());
            if better {
                top = Some((score, f, cmp));
            }
        }
        match top {
            Some((score, f, cmp)) => {
                a.filter = Some(f);
                a.comparison = Some(cmp);
                a.closeness = Some(score);
            }
            None => {
                a.unlike = compared
                    .iter()
                    .map(|(f, _)| f.filter_name.as_str())
                    .collect()
            }
        }
    }

    fn follow_filter(
        &self,
        a: Attempt<'a>,
        region_name: &'a str,
        region: &'a Region,
        f: &'a MetricFilter,
    ) -> Attempt<'a> {
        if let Err(e) = region.alarms.get() {
            let mut a = a;
            a.error = Some(error_json(e));
            return a.end(
                Status::NotAvailable,
                4,
                super::finding::DATA_NOT_AVAILABLE,
                format!("the alarms could not be read: {e}"),
            );
        }
        let mut best: Option<Attempt> = None;
        let mut any_alarm = false;
        for m in &f.metric_transformations {
            let Some(alarms) = self.alarms.get(&(
                region_name,
                m.metric_name.as_str(),
                m.metric_namespace.as_str(),
            )) else {
                continue;
            };
            for al in alarms {
                any_alarm = true;
                let mut b = a.clone();
                b.metric = Some((m.metric_name.as_str(), m.metric_namespace.as_str()));
                b.alarm = Some(al);
                let b = self.follow_alarm(b, al);
                let done = b.status == Status::Passed;
                if best.as_ref().is_none_or(|x| b.better_than(x)) {
                    best = Some(b);
                }
                if done {
                    return best.unwrap_or(a);
                }
            }
        }
        match best {
            Some(b) => b,
            None => {
                debug_assert!(!any_alarm);
                let metrics: Vec<String> = f
                    .metric_transformations
                    .iter()
                    .map(|m| format!("{}/{}", m.metric_namespace, m.metric_name))
                    .collect();
                a.fail(
                    4,
                    codes::ALARMS,
                    format!(
                        "no alarm in {region_name} watches the filter's metric {}",
                        metrics.join(", ")
                    ),
                )
            }
        }
    }

    fn follow_alarm(&self, a: Attempt<'a>, al: &'a MetricAlarm) -> Attempt<'a> {
        if al.actions_enabled == Some(false) {
            return a.fail(
                5,
                codes::ACTIONS,
                format!("the alarm `{}` has its actions disabled", al.alarm_name),
            );
        }
        let sns: Vec<&str> = al
            .alarm_actions
            .iter()
            .map(String::as_str)
            .filter(|x| Arn::parse(x).is_some_and(|arn| arn.service == "sns"))
            .collect();
        if sns.is_empty() {
            return a.fail(
                5,
                codes::ACTIONS,
                format!("the alarm `{}` notifies no SNS topic", al.alarm_name),
            );
        }
        let mut best: Option<Attempt> = None;
        for topic in sns {
            let mut b = a.clone();
            b.topic = Some(topic);
            let b = self.follow_topic(b, al, topic);
            let done = b.status == Status::Passed;
            if best.as_ref().is_none_or(|x| b.better_than(x)) {
                best = Some(b);
            }
            if done {
                break;
            }
        }
        let best = best.unwrap_or(a);
        // Actions that may be disabled cannot complete a chain.
        if al.actions_enabled.is_none() && best.status == Status::Passed {
            return best.end(
                Status::NotAvailable,
                5,
                super::finding::DATA_NOT_AVAILABLE,
                format!(
                    "the alarm `{}` does not report whether its actions are enabled; the rest of the chain is complete",
                    al.alarm_name
                ),
            );
        }
        best
    }

    fn follow_topic(&self, a: Attempt<'a>, al: &'a MetricAlarm, topic: &'a str) -> Attempt<'a> {
        let s = self.snapshot;
        let Some(arn) = Arn::parse(topic) else {
            return a.fail(6, codes::TOPIC, format!("`{topic}` is not a topic ARN"));
        };
        let alarm_region = Arn::parse(&al.alarm_arn)
            .map(|x| x.region)
            .unwrap_or_default();
        if arn.account != s.account_id {
            let (code, where_) = if arn.region != alarm_region {
                (codes::CROSS_ACCOUNT_REGION, "another account and region")
            } else {
                (codes::CROSS_ACCOUNT, "another account")
            };
            return a.end(
                Status::Warning,
                6,
                code,
                format!("the alarm notifies a topic of {where_} ({}); its subscriptions cannot be checked here", arn.account),
            );
        }
        let Some(t) = self.topics.get(topic) else {
            return match self.regions.get(arn.region).map(|r| r.topics.get()) {
                Some(Err(e)) => {
                    let mut a = a;
                    a.error = Some(error_json(e));
                    a.end(
                        Status::NotAvailable,
                        6,
                        super::finding::DATA_NOT_AVAILABLE,
                        format!("the SNS topics could not be read: {e}"),
                    )
                }
                None => a.end(
                    Status::Warning,
                    6,
                    codes::TRAIL_OTHER_REGION,
                    format!(
                        "the topic is in {}, a region the snapshot does not cover",
                        arn.region
                    ),
                ),
                Some(Ok(_)) => a.fail(
                    6,
                    codes::TOPIC,
                    format!("the alarm's topic `{topic}` does not exist"),
                ),
            };
        };
        match t.subscriptions.get() {
            Err(e) => {
                let mut a = a;
                a.error = Some(error_json(e));
                a.end(
                    Status::NotAvailable,
                    7,
                    super::finding::DATA_NOT_AVAILABLE,
                    format!("the topic's subscriptions could not be read: {e}"),
                )
            }
            Ok(subs) => match subs.iter().find(|x| x.is_confirmed()) {
                Some(sub) => {
                    let mut a = a;
                    a.subscription = Some(json!({
                        "arn": sub.subscription_arn,
                        "protocol": sub.protocol,
                        "endpoint": sub.endpoint,
                    }));
                    a.end(Status::Passed, 8, codes::COMPLETE, "a complete chain: trail, log group, metric filter, alarm, topic and confirmed subscription".into())
                }
                None => {
                    let pending = subs.len();
                    a.fail(
                        7,
                        codes::SUBSCRIPTION,
                        if pending == 0 {
                            "the topic has no subscription".to_owned()
                        } else {
                            format!("the topic's {pending} subscription(s) are not confirmed")
                        },
                    )
                }
            },
        }
    }
}

/// How many filter names a reason lists before "and N more".
const NAMES_IN_REASON: usize = 5;

/// `a`, `b`, `c` and 4 more.
fn name_list(names: &[&str]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(NAMES_IN_REASON)
        .map(|n| format!("`{n}`"))
        .collect();
    let rest = names.len().saturating_sub(NAMES_IN_REASON);
    if rest > 0 {
        format!("{} and {rest} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The names of the links, in order; `depth` counts the links that held.
const LINKS: [&str; 8] = [
    "trail",
    "log_group",
    "metric_filter",
    "metric_filter",
    "alarm",
    "alarm_actions",
    "topic",
    "subscription",
];

/// One attempted chain and where it ended.
#[derive(Clone)]
struct Attempt<'a> {
    status: Status,
    depth: u8,
    code: &'static str,
    reason: String,
    trail: &'a Trail,
    log_group: Option<&'a str>,
    filter: Option<&'a MetricFilter>,
    comparison: Option<Comparison>,
    metric: Option<(&'a str, &'a str)>,
    alarm: Option<&'a MetricAlarm>,
    topic: Option<&'a str>,
    subscription: Option<Value>,
    error: Option<Value>,
    /// How many filters were compared to find the near miss.
    searched: usize,
    /// The near miss's closeness to the control (at least [`CLOSE_SCORE`]).
    closeness: Option<f64>,
    /// When no filter is close: the names of the filters compared.
    unlike: Vec<&'a str>,
    /// The log group (region, name) whose filters all failed.
    pool: Option<(&'a str, &'a str)>,
    /// The log group's name.
    group_name: &'a str,
}

impl<'a> Attempt<'a> {
    fn new(trail: &'a Trail) -> Self {
        Attempt {
            status: Status::Failed,
            depth: 0,
            code: codes::TRAIL,
            reason: String::new(),
            trail,
            log_group: None,
            filter: None,
            comparison: None,
            metric: None,
            alarm: None,
            topic: None,
            subscription: None,
            error: None,
            searched: 0,
            closeness: None,
            unlike: Vec::new(),
            pool: None,
            group_name: "",
        }
    }

    fn end(mut self, status: Status, depth: u8, code: &'static str, reason: String) -> Self {
        self.status = status;
        self.depth = depth;
        self.code = code;
        self.reason = reason;
        self
    }

    fn fail(self, depth: u8, code: &'static str, reason: String) -> Self {
        self.end(Status::Failed, depth, code, reason)
    }

    /// A complete chain beats a warning, which beats an unreadable link,
    /// which beats a broken one; then the further the better.
    fn better_than(&self, other: &Attempt) -> bool {
        let rank = |s: Status| match s {
            Status::Passed => 3,
            Status::Warning => 2,
            Status::NotAvailable => 1,
            Status::Failed => 0,
        };
        (rank(self.status), self.depth) > (rank(other.status), other.depth)
    }

    fn into_finding(
        self,
        s: &Snapshot,
        row: &str,
        benchmark: &str,
        mode: MatchMode,
        others: usize,
    ) -> Finding {
        let region = self
            .log_group
            .and_then(LogGroupRef::parse)
            .map_or(self.trail.home_region.as_str(), |lg| lg.region);
        let mut chain = serde_json::Map::new();
        chain.insert("trail".into(), self.trail.trail_arn.as_str().into());
        if let Some(lg) = self.log_group {
            chain.insert("log_group".into(), lg.into());
        }
        if let Some(f) = self.filter {
            chain.insert(
                "metric_filter".into(),
                json!({ "name": f.filter_name, "pattern": f.filter_pattern }),
            );
        }
        if let Some((name, ns)) = self.metric {
            chain.insert("metric".into(), json!({ "name": name, "namespace": ns }));
        }
        if let Some(al) = self.alarm {
            chain.insert("alarm".into(), al.alarm_arn.as_str().into());
        }
        if let Some(t) = self.topic {
            chain.insert("topic".into(), t.into());
        }
        if let Some(sub) = self.subscription {
            chain.insert("subscription".into(), sub);
        }
        let mut f = Finding::new(
            self.status,
            ResourceType::Account,
            super::common::account_resource(s),
            Some(region),
            self.code,
            self.reason,
        )
        .with("benchmark", benchmark)
        .with("benchmark_control", row)
        .with("match", mode.as_str())
        .with("chain", Value::Object(chain))
        .with("other_trails", others);
        if self.status != Status::Passed {
            let link = LINKS
                .get(usize::from(self.depth))
                .copied()
                .unwrap_or("subscription");
            f = f.with("broken_link", link);
        }
        if let Some(c) = self.comparison {
            f = f.with("verdict", serde_json::to_value(&c).unwrap_or(Value::Null));
        }
        if self.searched > 0 {
            f = f.with("filters_compared", self.searched);
        }
        if let Some(c) = self.closeness {
            f = f.with("closeness", (c * 1000.0).round() / 1000.0);
        }
        if !self.unlike.is_empty() {
            f = f.with("log_group_filters", self.unlike);
        }
        if let Some(e) = self.error {
            f = f.with("error", e);
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::cis::{benchmark, control};
    use crate::snapshot::Collected;

    fn walk(s: &Snapshot, id: &str) -> Finding {
        walk_with(s, id, "cis-1.2", MatchMode::Normalized)
    }

    fn walk_with(s: &Snapshot, id: &str, bench: &str, mode: MatchMode) -> Finding {
        let b = benchmark(bench).unwrap();
        Index::build(s, b, mode).walk(control(id).unwrap())
    }

    fn home(s: &mut Snapshot) -> &mut Region {
        s.regions
            .iter_mut()
            .find(|r| r.region == "us-east-1")
            .unwrap()
    }

    const ALL: [&str; 15] = [
        "1.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11",
        "3.12", "3.13", "3.14",
    ];

    #[test]
    fn compliant_chains_complete() {
        let s = compliant();
        for id in ALL {
            let f = walk(&s, id);
            assert_eq!(f.status, Status::Passed, "{id}: {f:#?}");
            assert_eq!(f.reason_code, codes::COMPLETE);
            assert_eq!(f.evidence["verdict"]["verdict"], "exact", "{id}");
            assert!(f.evidence["chain"]["subscription"]["arn"].is_string());
            assert!(f.evidence.get("broken_link").is_none());
        }
        // The Security Hub benchmark accepts the same filters.
        for id in ALL {
            assert_eq!(
                walk_with(&s, id, "securityhub", MatchMode::Strict).status,
                Status::Passed,
                "{id}"
            );
        }
    }

    #[test]
    fn mixed_breaks_each_link() {
        let s = mixed();
        let code = |id| {
            let f = walk(&s, id);
            (f.status, f.reason_code)
        };
        assert_eq!(code("3.1"), (Status::Passed, codes::COMPLETE));
        assert_eq!(code("3.2"), (Status::Failed, codes::FILTER));
        assert_eq!(code("3.3"), (Status::Passed, codes::COMPLETE));
        assert_eq!(code("3.4"), (Status::Failed, codes::ACTIONS));
        assert_eq!(code("3.5"), (Status::Failed, codes::ALARMS));
        assert_eq!(code("3.6"), (Status::Failed, codes::SUBSCRIPTION));
        assert_eq!(code("3.7"), (Status::Warning, codes::CROSS_ACCOUNT));
        assert_eq!(code("3.8"), (Status::Failed, codes::TOPIC));
        assert_eq!(code("3.9"), (Status::Failed, codes::FILTER));
        // The near miss carries the term differences and how close it is.
        let f = walk(&s, "3.2");
        assert_eq!(f.evidence["verdict"]["verdict"], "different");
        assert!(f.evidence["closeness"].as_f64().unwrap() >= CLOSE_SCORE);
        assert!(f.evidence.get("log_group_filters").is_none());
        assert_eq!(
            f.evidence["chain"]["metric_filter"]["name"],
            "CIS-3.2-ConsoleSigninWithoutMFA"
        );
        assert!(
            !f.evidence["verdict"]["differences"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(f.evidence["broken_link"], "metric_filter");
        // An equivalent filter passes normalized, fails strict with its verdict.
        let f = walk_with(&s, "3.3", "cis-1.2", MatchMode::Strict);
        assert_eq!(f.status, Status::Failed);
        assert_eq!(f.reason_code, codes::FILTER);
        assert_eq!(f.evidence["verdict"]["verdict"], "equivalent");
        assert_eq!(
            walk_with(&s, "1.1", "cis-1.2", MatchMode::Strict).status,
            Status::Failed
        );
    }

    /// No filter on the log group resembles the control's pattern: no
    /// "closest" filter and no term diff, but the filters' names.
    #[test]
    fn near_miss_only_when_near() {
        let s = mixed();
        let f = walk(&s, "3.9");
        assert_eq!(f.reason_code, codes::FILTER);
        assert!(f.evidence.get("verdict").is_none(), "{f:#?}");
        assert!(f.evidence["chain"].get("metric_filter").is_none());
        assert!(f.evidence.get("closeness").is_none());
        let names = f.evidence["log_group_filters"].as_array().unwrap();
        assert_eq!(names.len(), 13);
        assert!(names.iter().any(|n| n == "CIS-3.7-DisableOrDeleteCMK"));
        assert_eq!(f.evidence["filters_compared"], 13);
        assert!(
            f.reason
                .contains("resembles the control's pattern; its filters: `CIS-3.1-")
                && f.reason.ends_with("and 8 more"),
            "{}",
            f.reason
        );
        // A filter that shares a condition with the control is close.
        let mut s = mixed();
        if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
            fs[0].filter_pattern =
                r#"{ ($.eventSource = config.amazonaws.com) && ($.eventName = StopConfigurationRecorder) }"#
                    .into();
        }
        let f = walk(&s, "3.9");
        assert_eq!(f.evidence["verdict"]["verdict"], "different");
        assert!(f.evidence.get("log_group_filters").is_none());
        assert!(f.reason.contains("the closest"), "{}", f.reason);
    }

    /// The bound is `check`'s: a filter is close to a control exactly when
    /// `classify` lists the control among its candidates.
    #[test]
    fn closeness_is_the_bound_check_uses() {
        let b = benchmark("cis-1.2").unwrap();
        let s = mixed();
        for f in s
            .regions
            .iter()
            .filter_map(|r| r.metric_filters.ok())
            .flatten()
        {
            let listed = crate::cis::classify(&f.filter_pattern, b, MatchMode::Normalized)
                .candidates
                .into_iter()
                .map(|c| c.control)
                .collect::<Vec<_>>();
            for row in b.rows {
                let close = closeness(&f.filter_pattern, b, row.control).unwrap() >= CLOSE_SCORE;
                assert_eq!(
                    close,
                    listed.iter().any(|c| c == row.control),
                    "{} vs {}",
                    f.filter_pattern,
                    row.control
                );
            }
        }
        assert_eq!(closeness("{", b, "3.1"), Some(0.0));
        assert_eq!(closeness("{ $.a = 1 }", b, "9.9"), None);
    }

    /// An alarm that does not say whether its actions are enabled cannot
    /// complete a chain; a later broken link still fails it.
    #[test]
    fn alarm_actions_unknown() {
        let mut s = compliant();
        if let Collected::Ok(al) = &mut home(&mut s).alarms {
            for a in al {
                a.actions_enabled = None;
            }
        }
        let f = walk(&s, "3.1");
        assert_eq!(
            (f.status, f.reason_code),
            (
                Status::NotAvailable,
                super::super::finding::DATA_NOT_AVAILABLE
            )
        );
        assert_eq!(f.evidence["broken_link"], "alarm_actions");
        assert!(f.evidence["chain"]["subscription"].is_object());
        if let Collected::Ok(ts) = &mut home(&mut s).topics {
            ts.clear();
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::TOPIC);
    }

    #[test]
    fn no_region_read_is_not_a_pass() {
        let mut s = compliant();
        s.regions.clear();
        for id in ALL {
            assert_eq!(walk(&s, id).status, Status::NotAvailable, "{id}");
        }
    }

    #[test]
    fn trail_links() {
        let mut s = compliant();
        for r in &mut s.regions {
            if let Collected::Ok(ts) = &mut r.trails {
                for t in ts {
                    t.is_multi_region_trail = false;
                }
            }
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::TRAIL);
        let mut s = compliant();
        for r in &mut s.regions {
            r.trails = Collected::Ok(vec![]);
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::TRAIL);
        s.regions[1].trails = Collected::Error(denied("cloudtrail", "DescribeTrails"));
        assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
        // Organization trail owned by the management account.
        let mut s = compliant();
        for r in &mut s.regions {
            if let Collected::Ok(ts) = &mut r.trails {
                for t in ts {
                    t.trail_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org".into();
                    t.is_organization_trail = true;
                }
            }
        }
        let f = walk(&s, "3.4");
        assert_eq!(
            (f.status, f.reason_code),
            (Status::Warning, codes::TRAIL_OTHER_ACCOUNT)
        );
        // A log group in a region the snapshot does not cover.
        let mut s = compliant();
        s.regions.retain(|r| r.region != "us-east-1");
        let f = walk(&s, "3.4");
        assert_eq!(
            (f.status, f.reason_code),
            (Status::Warning, codes::TRAIL_OTHER_REGION)
        );
    }

    #[test]
    fn filter_and_alarm_links() {
        let mut s = compliant();
        home(&mut s).metric_filters = Collected::Error(denied("logs", "DescribeMetricFilters"));
        let f = walk(&s, "3.1");
        assert_eq!(f.status, Status::NotAvailable);
        assert!(f.evidence["error"]["code"].is_string());
        let mut s = compliant();
        home(&mut s).metric_filters = Collected::Ok(vec![]);
        assert_eq!(walk(&s, "3.1").reason_code, codes::FILTERS);
        let mut s = compliant();
        home(&mut s).alarms = Collected::Error(denied("cloudwatch", "DescribeAlarms"));
        assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
        // A filter in the wrong log group does not count.
        let mut s = compliant();
        if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
            for f in fs {
                f.log_group_name = "/aws/lambda/billing-export".into();
            }
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::FILTERS);
        // An alarm on the right name in another namespace does not count.
        let mut s = compliant();
        if let Collected::Ok(al) = &mut home(&mut s).alarms {
            for a in al {
                a.namespace = Some("Other".into());
            }
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::ALARMS);
    }

    #[test]
    fn topic_links() {
        let mut s = compliant();
        home(&mut s).topics = Collected::Error(denied("sns", "ListTopics"));
        assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
        let mut s = compliant();
        if let Collected::Ok(ts) = &mut home(&mut s).topics {
            ts[0].subscriptions = Collected::Error(denied("sns", "ListSubscriptionsByTopic"));
        }
        assert_eq!(walk(&s, "3.1").status, Status::NotAvailable);
        let mut s = compliant();
        if let Collected::Ok(al) = &mut home(&mut s).alarms {
            for a in al {
                a.alarm_actions = vec!["arn:aws:sns:eu-west-1:111122223333:central".into()];
            }
        }
        assert_eq!(walk(&s, "3.1").reason_code, codes::CROSS_ACCOUNT_REGION);
        // One good chain among broken ones is enough.
        let mut s = compliant();
        if let Collected::Ok(al) = &mut home(&mut s).alarms {
            let mut broken = al[0].clone();
            broken.actions_enabled = Some(false);
            al.insert(0, broken);
        }
        assert_eq!(walk(&s, "3.1").status, Status::Passed);
    }

    #[test]
    fn every_canonical_form_has_an_anchor_and_passes() {
        // The pre-filter is sound only if every form has an anchor it contains.
        for b in crate::cis::BENCHMARKS {
            for row in b.rows {
                for text in row.canonical {
                    let n = normalize(text).unwrap();
                    let a = anchor(&n)
                        .unwrap_or_else(|| panic!("{} {}: no anchor", b.name, row.control));
                    assert!(text.contains(a.as_str()), "{text} lacks {a}");
                }
            }
        }
        // Every accepted form of every cis-1.2 row completes the chain.
        let b = benchmark("cis-1.2").unwrap();
        for id in ALL {
            let row = b.row(id).unwrap();
            for form in row.canonical {
                let mut s = compliant();
                if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
                    let n = if id == "1.1" { "3.3" } else { id };
                    let f = fs
                        .iter_mut()
                        .find(|f| f.filter_name.starts_with(&format!("CIS-{n}-")))
                        .unwrap();
                    f.filter_pattern = (*form).to_owned();
                }
                assert_eq!(walk(&s, id).status, Status::Passed, "{id}: {form}");
            }
        }
    }

    #[test]
    fn benchmark_rows_by_security_hub_id() {
        let s = compliant();
        let f = walk_with(&s, "3.3", "cis-1.4", MatchMode::Normalized);
        assert_eq!(f.evidence["benchmark_control"], "4.3");
        assert_eq!(f.status, Status::Passed, "{f:#?}");
        static EMPTY: Benchmark = Benchmark {
            name: "empty",
            title: "no rows",
            rows: &[],
        };
        let f = Index::build(&s, &EMPTY, MatchMode::Normalized).walk(control("3.1").unwrap());
        assert_eq!(
            (f.status, f.reason_code),
            (Status::NotAvailable, codes::NO_PATTERN)
        );
    }

    /// A near-miss filter's finding says whether it leaves a blind spot,
    /// with an event the matcher confirms; a filter that differs in form
    /// only says so.
    #[test]
    fn near_miss_carries_the_relation_and_a_witness() {
        use crate::matcher::Matcher;
        let s = mixed();
        let f = walk(&s, "3.2");
        let sem = &f.evidence["semantics"];
        assert_eq!(sem["relation"], "disjoint", "{f:#?}");
        assert!(f.reason.contains("shares no event"), "{}", f.reason);
        let canonical = f.evidence["verdict"]["canonical"].as_str().unwrap();
        let filter = f.evidence["chain"]["metric_filter"]["pattern"]
            .as_str()
            .unwrap();
        let missed = sem["only_canonical"]["event"].as_str().unwrap();
        assert!(f.reason.contains(missed), "{}", f.reason);
        assert!(Matcher::new(canonical).unwrap().matches(missed));
        assert!(!Matcher::new(filter).unwrap().matches(missed));
        // Narrower: a blind spot, and the event it misses.
        let mut s = mixed();
        if let Collected::Ok(fs) = &mut home(&mut s).metric_filters {
            let f = fs
                .iter_mut()
                .find(|f| f.filter_name.starts_with("CIS-3.2-"))
                .unwrap();
            f.filter_pattern = r#"{ $.eventName = "ConsoleLogin" && $.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = "IAMUser" }"#.into();
        }
        let f = walk(&s, "3.2");
        assert_eq!(f.evidence["semantics"]["relation"], "narrower", "{f:#?}");
        assert!(f.reason.contains("a blind spot"), "{}", f.reason);
        assert!(f.evidence["semantics"]["only_canonical"]["event"].is_string());
        assert_eq!(f.evidence["semantics"]["only_pattern"], Value::Null);
        // Equivalent but not exact fails strict matching: form only.
        let f = walk_with(&mixed(), "3.3", "cis-1.2", MatchMode::Strict);
        assert_eq!(f.evidence["semantics"]["relation"], "equivalent");
        assert!(f.reason.contains("differs in form only"), "{}", f.reason);
        // Passing chains and chains without a near miss carry no relation.
        assert!(
            walk(&compliant(), "3.2")
                .evidence
                .get("semantics")
                .is_none()
        );
        assert!(walk(&mixed(), "3.9").evidence.get("semantics").is_none());
    }
}
