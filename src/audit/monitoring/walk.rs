//! A control's walk: every trail, and the first links of each chain
//! (trail, log group, metric filter).

use super::super::common::{Arn, LogGroupRef, account_finding};
use super::super::finding::{Finding, Status, error_json};
use super::super::logging::{TrailFitness, trail_fitness};
use super::super::registry::How;
use super::attempt::Attempt;
use super::{Index, NEAR_MISS_LIMIT, Rows, codes};
use crate::cis::{CLOSE_SCORE, Comparison, Control, closeness, compare};
use crate::snapshot::{MetricFilter, Region, Trail};

impl<'a> Index<'a> {
    /// root-usage chain in benchmarks without a 1.1 row).
    pub(super) fn row_id(&self, control: &Control) -> Option<&'static str> {
        let chain = match crate::audit::registry::check_def(control.name).map(|d| d.how) {
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
            self.explain_filter(row, &mut best);
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

    /// The reason of a chain whose filters all failed: the closest filter
    /// and how it differs, or the filters' names; and a filter with the
    /// control's pattern whose `fieldSelectionCriteria` leave the account
    /// out.
    fn explain_filter(&self, row: &str, best: &mut Attempt<'a>) {
        if best.comparison.is_none()
            && let Some(key) = best.pool
            && let Some(pool) = self.filters.get(&key)
        {
            self.closest_filter(pool, row, best);
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

        if let Some((f, why)) = &best.excluded
            && best.comparison.is_none()
        {
            best.reason = format!(
                "no metric filter on `{}` that counts this account's events has the control's pattern: `{}` has it, but {why}",
                best.group_name, f.filter_name
            );
        }
    }

    pub(super) fn follow_trail(&self, t: &'a Trail, row: &str) -> Attempt<'a> {
        let (mut a, lg, region) = match self.trail_log_group(Attempt::new(t), t) {
            Ok(found) => found,
            Err(end) => return *end,
        };
        if let Err(e) = region.metric_filters.get() {
            a.error = Some(error_json(e));
            return a.end(
                Status::NotAvailable,
                2,
                crate::audit::finding::DATA_NOT_AVAILABLE,
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
            let b = transformed(self.follow_filter(b, lg.region, region, f), f);
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
    pub(super) fn trail_log_group(
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
                    crate::audit::finding::DATA_NOT_AVAILABLE,
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
    pub(super) fn passing_filters(
        &self,
        a: &mut Attempt<'a>,
        filters: &[(&'a MetricFilter, Rows)],
        row: &str,
    ) -> Vec<(&'a MetricFilter, Comparison)> {
        let mut passing = Vec::new();
        for (f, rows) in filters {
            if !rows.contains(&row) {
                continue;
            }
            if let Some(why) = self.gate(f) {
                if a.excluded.is_none() {
                    a.excluded = Some((f, why));
                }
                continue;
            }
            if let Some(cmp) = compare(&f.filter_pattern, self.benchmark, row, self.mode) {
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
    pub(super) fn closest_filter(
        &self,
        filters: &[(&'a MetricFilter, Rows)],
        row: &str,
        a: &mut Attempt<'a>,
    ) {
        let compared = filters.get(..NEAR_MISS_LIMIT).unwrap_or(filters);
        a.searched = compared.len();
        let mut top: Option<(f64, &MetricFilter, Comparison)> = None;
        for (f, _) in compared {
            if self.gate(f).is_some() {
                continue;
            }
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

/// A complete chain through a filter that reads transformed events is a
/// WARNING: a log transformer may rename or drop the CloudTrail fields the
/// pattern tests, and the transformer is not in the snapshot.
fn transformed<'a>(a: Attempt<'a>, f: &MetricFilter) -> Attempt<'a> {
    if a.status != Status::Passed || !f.apply_on_transformed_logs {
        return a;
    }
    let reason = format!(
        "the chain is complete, but the filter `{}` reads transformed events (applyOnTransformedLogs): a log transformer may rename or drop the CloudTrail fields its pattern tests",
        f.filter_name
    );
    a.end(Status::Warning, 2, codes::TRANSFORMED, reason)
}
