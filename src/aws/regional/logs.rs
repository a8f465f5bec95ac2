//! CloudWatch Logs: the log groups trails deliver to and their metric filters.

use futures_util::future::join_all;

use crate::snapshot as m;

use super::{opt, txt};
use crate::aws::Collector;
use crate::aws::call::CallError;
use crate::aws::client::RegionClients;

impl Collector {
    /// The log groups named in `groups` (their descriptions) and their
    /// metric filters: `DescribeLogGroups` with the name as prefix (the
    /// exact name kept) and `DescribeMetricFilters` with `logGroupName`, so
    /// the calls do not grow with the number of log groups in the region.
    pub(super) async fn logs(
        &self,
        c: &RegionClients,
        groups: &[String],
    ) -> (
        m::Collected<Vec<m::LogGroup>>,
        m::Collected<Vec<m::MetricFilter>>,
    ) {
        let (described, filters) = tokio::join!(
            join_all(groups.iter().map(|g| self.log_group(c, g))),
            join_all(groups.iter().map(|g| self.metric_filters(c, g))),
        );
        let mut all_groups = Vec::new();
        let mut groups_error = None;
        for r in described {
            match r {
                Ok(list) => all_groups.extend(list),
                Err(e) => {
                    groups_error.get_or_insert(e);
                }
            }
        }
        let mut all_filters = Vec::new();
        let mut filters_error = None;
        for r in filters {
            match r {
                Ok(list) => all_filters.extend(list),
                Err(e) => {
                    filters_error.get_or_insert(e);
                }
            }
        }
        // One failed group makes the region's list incomplete: the error
        // stands for the whole list, so no check reads a partial one.
        let log_groups = match groups_error {
            Some(e) => self.fail(e),
            None => m::Collected::Ok(all_groups),
        };
        let metric_filters = match filters_error {
            Some(e) => self.fail(e),
            None => m::Collected::Ok(all_filters),
        };
        (log_groups, metric_filters)
    }

    /// The description of the log group `name` (none if it does not exist).
    async fn log_group(
        &self,
        c: &RegionClients,
        name: &str,
    ) -> Result<Vec<m::LogGroup>, CallError> {
        let r = &c.region;
        self.ctx
            .pages("logs", "DescribeLogGroups", r, |token| {
                let req = c
                    .logs
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<m::LogGroup> =
                        o.log_groups()
                            .iter()
                            .filter(|g| g.log_group_name() == Some(name))
                            .map(|g| m::LogGroup {
                                log_group_name: txt(g.log_group_name()),
                                arn: g.log_group_arn().map(str::to_owned).unwrap_or_else(|| {
                                    txt(g.arn()).trim_end_matches(":*").to_owned()
                                }),
                                retention_in_days: g.retention_in_days().map(i64::from),
                                kms_key_id: opt(g.kms_key_id()),
                            })
                            .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await
    }

    /// The metric filters of the log group `name`; none if the group does
    /// not exist (the chain then breaks at the log group's filters).
    async fn metric_filters(
        &self,
        c: &RegionClients,
        name: &str,
    ) -> Result<Vec<m::MetricFilter>, CallError> {
        let r = &c.region;
        let listed = self
            .ctx
            .pages("logs", "DescribeMetricFilters", r, |token| {
                let req = c
                    .logs
                    .describe_metric_filters()
                    .log_group_name(name)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<m::MetricFilter> = o
                        .metric_filters()
                        .iter()
                        .map(|f| m::MetricFilter {
                            filter_name: txt(f.filter_name()),
                            log_group_name: txt(f.log_group_name()),
                            filter_pattern: txt(f.filter_pattern()),
                            metric_transformations: f
                                .metric_transformations()
                                .iter()
                                .map(|t| m::MetricTransformation {
                                    metric_name: t.metric_name().to_owned(),
                                    metric_namespace: t.metric_namespace().to_owned(),
                                    metric_value: t.metric_value().to_owned(),
                                    default_value: t.default_value(),
                                    unit: t.unit().map(|u| u.as_str().to_owned()),
                                })
                                .collect(),
                            field_selection_criteria: opt(f.field_selection_criteria()),
                            emit_system_field_dimensions: f.emit_system_field_dimensions().to_vec(),
                            apply_on_transformed_logs: f.apply_on_transformed_logs(),
                        })
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await;
        match listed {
            Err(e) if e.is("ResourceNotFound") => Ok(Vec::new()),
            other => other,
        }
    }
}
