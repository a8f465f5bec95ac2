//! One attempted chain, how far it got, and the finding it becomes.

use serde_json::{Value, json};

use super::super::common::LogGroupRef;
use super::super::finding::{Finding, ResourceType, Status};
use super::codes;
use crate::cis::{Comparison, MatchMode};
use crate::snapshot::{MetricAlarm, MetricFilter, Snapshot, Trail};

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
pub(super) struct Attempt<'a> {
    pub(super) status: Status,
    pub(super) depth: u8,
    pub(super) code: &'static str,
    pub(super) reason: String,
    pub(super) trail: &'a Trail,
    pub(super) log_group: Option<&'a str>,
    pub(super) filter: Option<&'a MetricFilter>,
    pub(super) comparison: Option<Comparison>,
    pub(super) metric: Option<(&'a str, &'a str)>,
    pub(super) alarm: Option<&'a MetricAlarm>,
    pub(super) topic: Option<&'a str>,
    pub(super) subscription: Option<Value>,
    pub(super) error: Option<Value>,
    /// How many filters were compared to find the near miss.
    pub(super) searched: usize,
    /// The near miss's closeness to the control (at least
    /// [`CLOSE_SCORE`](crate::cis::verdict::CLOSE_SCORE)).
    pub(super) closeness: Option<f64>,
    /// When no filter is close: the names of the filters compared.
    pub(super) unlike: Vec<&'a str>,
    /// The log group (region, name) whose filters all failed.
    pub(super) pool: Option<(&'a str, &'a str)>,
    /// The log group's name.
    pub(super) group_name: &'a str,
    /// A filter with the control's pattern that counts for nothing for the
    /// account (its `fieldSelectionCriteria`), and why.
    pub(super) excluded: Option<(&'a MetricFilter, String)>,
}

impl<'a> Attempt<'a> {
    pub(super) fn new(trail: &'a Trail) -> Self {
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
            excluded: None,
        }
    }

    pub(super) fn end(
        mut self,
        status: Status,
        depth: u8,
        code: &'static str,
        reason: String,
    ) -> Self {
        self.status = status;
        self.depth = depth;
        self.code = code;
        self.reason = reason;
        self
    }

    pub(super) fn fail(self, depth: u8, code: &'static str, reason: String) -> Self {
        self.end(Status::Failed, depth, code, reason)
    }

    /// A complete chain beats a warning, which beats an unreadable link,
    /// which beats a broken one; then the further the better.
    pub(super) fn better_than(&self, other: &Attempt) -> bool {
        let rank = |s: Status| match s {
            Status::Passed => 3,
            Status::Warning => 2,
            Status::NotAvailable => 1,
            Status::Failed => 0,
        };
        (rank(self.status), self.depth) > (rank(other.status), other.depth)
    }

    pub(super) fn into_finding(
        mut self,
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
        if let Some(sub) = self.subscription.take() {
            chain.insert("subscription".into(), sub);
        }
        let mut f = Finding::new(
            self.status,
            ResourceType::Account,
            crate::audit::common::account_resource(s),
            Some(region),
            self.code,
            std::mem::take(&mut self.reason),
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
        self.filter_evidence(f)
    }

    /// The evidence about the filters: the verdict, the near-miss search,
    /// a filter the criteria leave out, and a read error.
    fn filter_evidence(self, mut f: Finding) -> Finding {
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
        if let Some((x, why)) = self.excluded {
            f = f.with(
                "excluded_filter",
                json!({
                    "name": x.filter_name,
                    "field_selection_criteria": x.field_selection_criteria,
                    "reason": why,
                }),
            );
        }
        if let Some(e) = self.error {
            f = f.with("error", e);
        }
        f
    }
}
