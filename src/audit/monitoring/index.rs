//! The snapshot's filters, alarms and topics, indexed once per audit.

use std::collections::{HashMap, HashSet};

use super::super::common::LogGroupRef;
use super::super::logging::Trails;
use super::Rows;
use crate::cis::{Benchmark, MatchMode};
use crate::pattern::normal::{NTest, NValue};
use crate::pattern::{Normal, normalize};
use crate::snapshot::{MetricAlarm, MetricFilter, Region, Snapshot, Topic};

/// The longest value of a JSON normal form that holds no `"` and no `\`.
///
/// Normalization decodes only the escapes `\"` and `\\` and drops quotes, so
/// such a value appears verbatim in the text of every pattern with this
/// normal form: a text without it cannot have it.
pub(super) fn anchor(n: &Normal) -> Option<String> {
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

/// The snapshot's filters, alarms and topics indexed for the walk. Build
/// once per audit; it serves all fifteen chain controls.
pub struct Index<'a> {
    pub(super) snapshot: &'a Snapshot,
    pub(super) benchmark: &'a Benchmark,
    pub(super) mode: MatchMode,
    pub(super) trails: Trails<'a>,
    pub(super) regions: HashMap<&'a str, &'a Region>,
    /// (region, log group name) → filters, for the trails' log groups only,
    /// each with the benchmark rows whose canonical normal form it has.
    pub(super) filters: HashMap<(&'a str, &'a str), Vec<(&'a MetricFilter, Rows)>>,
    /// (region, metric name, namespace) → alarms.
    pub(super) alarms: HashMap<(&'a str, &'a str, &'a str), Vec<&'a MetricAlarm>>,
    /// topic ARN → topic.
    pub(super) topics: HashMap<&'a str, &'a Topic>,
    /// The account whose events the filters must count: the snapshot's
    /// own, or a member account an organization trail covers.
    pub(super) subject: &'a str,
    /// The regions whose events the filters must count.
    pub(super) subject_regions: Vec<&'a str>,
}

/// The benchmark's canonical normal forms, each with the rows it is
/// canonical for, and the forms' anchor values: a pattern can only have a
/// canonical normal form if it contains one of them verbatim (see
/// [`anchor`]); `None` when some form has no anchor, and every pattern must
/// be normalized.
struct Canonical {
    rows: HashMap<Normal, Vec<&'static str>>,
    anchors: Option<Vec<String>>,
}

impl Canonical {
    fn of(benchmark: &Benchmark) -> Self {
        let mut rows: HashMap<Normal, Vec<&'static str>> = HashMap::new();
        let mut anchors: Option<Vec<String>> = Some(Vec::new());
        for row in benchmark.rows {
            for text in row.canonical {
                if let Ok(n) = normalize(text) {
                    match (anchor(&n), anchors.as_mut()) {
                        (Some(a), Some(list)) => list.push(a),
                        (None, _) => anchors = None,
                        _ => {}
                    }
                    let list = rows.entry(n).or_default();
                    if !list.contains(&row.control) {
                        list.push(row.control);
                    }
                }
            }
        }
        Canonical { rows, anchors }
    }

    /// The rows a pattern text is canonical for, one normalization.
    fn rows_of(&self, text: &str) -> Rows {
        let maybe = self
            .anchors
            .as_ref()
            .is_none_or(|list| list.iter().any(|a| text.contains(a.as_str())));
        if !maybe {
            return Rows::new();
        }
        normalize(text)
            .ok()
            .and_then(|n| self.rows.get(&n).cloned())
            .unwrap_or_default()
    }
}

/// The log groups (region, name) of this account that any trail delivers
/// to: only their filters matter.
fn wanted_groups<'a>(trails: &Trails<'a>, account: &str) -> HashSet<(&'a str, &'a str)> {
    trails
        .trails
        .iter()
        .filter_map(|t| {
            t.cloud_watch_logs_log_group_arn
                .as_deref()
                .and_then(LogGroupRef::parse)
        })
        .filter(|lg| lg.account == account)
        .map(|lg| (lg.region, lg.name))
        .collect()
}

impl<'a> Index<'a> {
    /// Index a snapshot for one benchmark and match mode.
    pub fn build(snapshot: &'a Snapshot, benchmark: &'a Benchmark, mode: MatchMode) -> Self {
        let regions = snapshot.regions.iter().map(|r| r.region.as_str()).collect();
        Self::build_for(snapshot, benchmark, mode, &snapshot.account_id, regions)
    }

    /// Index a snapshot whose filters must count the events of `subject`
    /// (an account id) in `subject_regions`: a filter whose
    /// `fieldSelectionCriteria` leave one of them out counts for nothing.
    pub fn build_for(
        snapshot: &'a Snapshot,
        benchmark: &'a Benchmark,
        mode: MatchMode,
        subject: &'a str,
        subject_regions: Vec<&'a str>,
    ) -> Self {
        let trails = Trails::of(snapshot);
        let regions: HashMap<&str, &Region> = snapshot
            .regions
            .iter()
            .map(|r| (r.region.as_str(), r))
            .collect();
        let wanted = wanted_groups(&trails, &snapshot.account_id);
        let mut ix = Index {
            snapshot,
            benchmark,
            mode,
            trails,
            regions,
            filters: HashMap::new(),
            alarms: HashMap::new(),
            topics: HashMap::new(),
            subject,
            subject_regions,
        };
        let canonical = Canonical::of(benchmark);
        // pattern text → the rows it is canonical for, one normalization each.
        let mut rows_of: HashMap<&str, Rows> = HashMap::new();
        for r in &snapshot.regions {
            let region = r.region.as_str();
            for f in r.metric_filters.get().into_iter().flatten() {
                let key = (region, f.log_group_name.as_str());
                if wanted.contains(&key) {
                    let rows = rows_of
                        .entry(f.filter_pattern.as_str())
                        .or_insert_with(|| canonical.rows_of(&f.filter_pattern))
                        .clone();
                    ix.filters.entry(key).or_default().push((f, rows));
                }
            }
            ix.index_alarms_and_topics(r);
        }
        ix
    }

    /// Why a filter counts for nothing for the subject account: its
    /// `fieldSelectionCriteria` do not parse, or leave out the account in
    /// some region. `None`: it counts.
    pub(super) fn gate(&self, f: &MetricFilter) -> Option<String> {
        let criteria = f.field_selection_criteria.as_deref()?;
        for region in &self.subject_regions {
            match crate::criteria::selects(Some(criteria), self.subject, region) {
                Err(e) => {
                    return Some(format!(
                        "its fieldSelectionCriteria do not parse ({})",
                        format_args!("{} at byte {}", e.message(), e.span().start)
                    ));
                }
                Ok(false) => {
                    return Some(format!(
                        "its fieldSelectionCriteria leave out account {} in {region}",
                        self.subject
                    ));
                }
                Ok(true) => {}
            }
        }
        None
    }

    /// A region's alarms by (region, metric, namespace), and its topics.
    fn index_alarms_and_topics(&mut self, r: &'a Region) {
        let region = r.region.as_str();
        for a in r.alarms.get().into_iter().flatten() {
            if let (Some(m), Some(ns)) = (a.metric_name.as_deref(), a.namespace.as_deref()) {
                self.alarms.entry((region, m, ns)).or_default().push(a);
            }
        }
        for t in r.topics.get().into_iter().flatten() {
            self.topics.insert(t.topic_arn.as_str(), t);
        }
    }
}
