//! Regional collection: CloudTrail, CloudWatch Logs, CloudWatch, SNS, AWS
//! Config, KMS and EC2 of one region.

mod alarms;
mod cloudtrail;
mod config;
mod ec2;
mod kms;
mod logs;

use std::collections::HashMap;
use std::sync::Arc;

use aws_smithy_types::DateTime;
use tokio::sync::{Mutex, OnceCell};

use crate::snapshot as m;
use crate::snapshot::Timestamp;

use super::Collector;

/// The status and selectors of one trail, fetched once per trail ARN however
/// many regions show the trail (multi-region trails appear in each); `None`
/// when CloudTrail says the trail does not exist (deleted since it was listed).
pub(crate) type TrailDetails = Option<(
    m::Collected<m::TrailStatus>,
    m::Collected<m::EventSelectors>,
)>;

/// Per-trail cache shared by all regions.
#[derive(Debug, Default)]
pub(crate) struct TrailCache(Mutex<HashMap<String, Arc<OnceCell<TrailDetails>>>>);

impl TrailCache {
    async fn cell(&self, arn: &str) -> Arc<OnceCell<TrailDetails>> {
        self.0
            .lock()
            .await
            .entry(arn.to_owned())
            .or_default()
            .clone()
    }
}

pub(crate) fn ts(d: Option<&DateTime>) -> Option<Timestamp> {
    d.map(|d| Timestamp::from_unix(d.secs()))
}

fn txt(v: Option<&str>) -> String {
    v.unwrap_or_default().to_owned()
}

fn opt(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

/// The names of the log groups in `region` of `account` that `trails`
/// deliver to (`CloudWatchLogsLogGroupArn`), sorted, each once. A trail's
/// log group is in the trail's home region, where the trail is always
/// listed, so the groups of every trail of the account are found in the
/// region that holds them.
pub(crate) fn trail_log_groups(trails: &[m::Trail], account: &str, region: &str) -> Vec<String> {
    let mut out: Vec<String> = trails
        .iter()
        .filter_map(|t| t.cloud_watch_logs_log_group_arn.as_deref())
        .filter_map(crate::audit::common::LogGroupRef::parse)
        .filter(|g| g.account == account && g.region == region)
        .map(|g| g.name.to_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Field `n` (0-based, `:`-separated) of an ARN, if not empty: 3 is the
/// region, 4 the account.
fn arn_field(arn: &str, n: usize) -> Option<&str> {
    arn.split(':').nth(n).filter(|x| !x.is_empty())
}

impl Collector {
    /// Everything regional for `region`, the groups of calls running concurrently.
    pub(crate) async fn region(&self, region: &str) -> m::Region {
        let c = self.clients(region);
        // The log groups are read once the trails are known: only the groups
        // the trails deliver to, and only their metric filters.
        let trails_then_logs = async {
            let trails = self
                .progress_of(region, "cloudtrail", self.trails(&c))
                .await;
            let logs = match trails.get() {
                Ok(list) => {
                    let groups = trail_log_groups(list, &self.account_id, region);
                    self.progress_of(region, "logs", self.logs(&c, &groups))
                        .await
                }
                // Which groups matter is unknown: neither is read.
                Err(e) => (
                    m::Collected::Error(e.clone()),
                    m::Collected::Error(e.clone()),
                ),
            };
            (trails, logs)
        };
        // Boxed: each group is a large state machine.
        let ((trails, logs), alarms_topics, config, kms_keys, ec2) = tokio::join!(
            Box::pin(trails_then_logs),
            Box::pin(self.progress_of(region, "cloudwatch+sns", self.alarms_and_topics(&c))),
            Box::pin(self.progress_of(region, "config", self.config(&c))),
            Box::pin(self.progress_of(region, "kms", self.kms(&c))),
            Box::pin(self.progress_of(region, "ec2", self.ec2(&c))),
        );
        let (log_groups, metric_filters) = logs;
        let (alarms, topics) = alarms_topics;
        let (config_recorders, config_recorder_statuses, delivery_channels) = config;
        let (vpcs, flow_logs, security_groups) = ec2;
        m::Region {
            region: region.to_owned(),
            trails,
            log_groups,
            metric_filters,
            alarms,
            topics,
            config_recorders,
            config_recorder_statuses,
            delivery_channels,
            kms_keys,
            vpcs,
            flow_logs,
            security_groups,
        }
    }
}
