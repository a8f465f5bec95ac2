//! Regional collection: CloudTrail, CloudWatch Logs, CloudWatch, SNS, AWS
//! Config, KMS and EC2 of one region.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use aws_smithy_types::DateTime;
use futures_util::future::join_all;
use tokio::sync::{Mutex, OnceCell};

use crate::snapshot as m;
use crate::snapshot::Timestamp;

use super::Collector;
use super::call::CallError;
use super::client::RegionClients;

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

    // --- CloudTrail ----------------------------------------------------------

    async fn trails(&self, c: &RegionClients) -> m::Collected<Vec<m::Trail>> {
        let r = &c.region;
        let out = self
            .ctx
            .call(
                "cloudtrail",
                "DescribeTrails",
                r,
                c.cloudtrail
                    .describe_trails()
                    .include_shadow_trails(true)
                    .send(),
            )
            .await;
        let list = match out {
            Ok(o) => o.trail_list().to_vec(),
            Err(e) => return self.fail(e),
        };
        let trails = join_all(list.iter().map(|t| self.trail(r, t))).await;
        // A trail deleted since DescribeTrails listed it is left out.
        m::Collected::Ok(trails.into_iter().flatten().collect())
    }

    async fn trail(&self, region: &str, t: &aws_sdk_cloudtrail::types::Trail) -> Option<m::Trail> {
        let arn = txt(t.trail_arn());
        let known_home = t.home_region().or_else(|| arn_field(&arn, 3));
        let home = known_home.unwrap_or(region).to_owned();
        // "Not found" proves the trail is gone only for a trail of this
        // account asked in its home region; an organization trail of another
        // account may merely be out of sight.
        let own = known_home.is_some() && arn_field(&arn, 4) == Some(self.account_id.as_str());
        let cell = self.trail_cache.cell(&arn).await;
        let (status, event_selectors) = cell
            .get_or_init(|| self.trail_details(&home, &arn, own))
            .await
            .clone()?;
        Some(m::Trail {
            name: txt(t.name()),
            trail_arn: arn,
            home_region: home,
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            include_global_service_events: t.include_global_service_events().unwrap_or(false),
            s3_bucket_name: opt(t.s3_bucket_name()),
            s3_key_prefix: opt(t.s3_key_prefix()),
            cloud_watch_logs_log_group_arn: opt(t.cloud_watch_logs_log_group_arn()),
            cloud_watch_logs_role_arn: opt(t.cloud_watch_logs_role_arn()),
            kms_key_id: opt(t.kms_key_id()),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            status,
            event_selectors,
        })
    }

    /// GetTrailStatus and GetEventSelectors, asked in the trail's home region
    /// (elsewhere CloudTrail answers TrailNotFoundException for some trails).
    /// `None` when the trail is `own` (this account's) and either call says
    /// it does not exist.
    async fn trail_details(&self, home: &str, arn: &str, own: bool) -> TrailDetails {
        let c = self.clients(home);
        let (status, selectors) = tokio::join!(
            self.ctx.call(
                "cloudtrail",
                "GetTrailStatus",
                home,
                c.cloudtrail.get_trail_status().name(arn).send()
            ),
            self.ctx.call(
                "cloudtrail",
                "GetEventSelectors",
                home,
                c.cloudtrail.get_event_selectors().trail_name(arn).send()
            ),
        );
        let gone = |e: &CallError| e.is("TrailNotFound");
        if own && (status.as_ref().is_err_and(gone) || selectors.as_ref().is_err_and(gone)) {
            return None;
        }
        let status = match status {
            Ok(st) => m::Collected::Ok(m::TrailStatus {
                is_logging: st.is_logging().unwrap_or(false),
                latest_cloud_watch_logs_delivery_time: ts(
                    st.latest_cloud_watch_logs_delivery_time()
                ),
                latest_cloud_watch_logs_delivery_error: opt(
                    st.latest_cloud_watch_logs_delivery_error()
                ),
                latest_delivery_time: ts(st.latest_delivery_time()),
                latest_delivery_error: opt(st.latest_delivery_error()),
                start_logging_time: ts(st.start_logging_time()),
                stop_logging_time: ts(st.stop_logging_time()),
            }),
            Err(e) => self.fail(e),
        };
        let selectors = match selectors {
            Ok(sel) => m::Collected::Ok(m::EventSelectors {
                event_selectors: sel
                    .event_selectors()
                    .iter()
                    .map(|e| m::EventSelector {
                        read_write_type: e
                            .read_write_type()
                            .map(|v| v.as_str().to_owned())
                            // The API's documented default.
                            .unwrap_or_else(|| "All".to_owned()),
                        include_management_events: e.include_management_events().unwrap_or(true),
                        exclude_management_event_sources: e
                            .exclude_management_event_sources()
                            .to_vec(),
                        data_resources: e
                            .data_resources()
                            .iter()
                            .map(|d| m::DataResource {
                                kind: txt(d.r#type()),
                                values: d.values().to_vec(),
                            })
                            .collect(),
                    })
                    .collect(),
                advanced_event_selectors: sel
                    .advanced_event_selectors()
                    .iter()
                    .map(|a| m::AdvancedEventSelector {
                        name: opt(a.name()),
                        field_selectors: a
                            .field_selectors()
                            .iter()
                            .map(|f| m::AdvancedFieldSelector {
                                field: f.field().to_owned(),
                                equals: f.equals().to_vec(),
                                starts_with: f.starts_with().to_vec(),
                                ends_with: f.ends_with().to_vec(),
                                not_equals: f.not_equals().to_vec(),
                                not_starts_with: f.not_starts_with().to_vec(),
                                not_ends_with: f.not_ends_with().to_vec(),
                            })
                            .collect(),
                    })
                    .collect(),
            }),
            Err(e) => self.fail(e),
        };
        Some((status, selectors))
    }

    // --- CloudWatch Logs -------------------------------------------------------

    /// The log groups named in `groups` (their descriptions) and their
    /// metric filters: `DescribeLogGroups` with the name as prefix (the
    /// exact name kept) and `DescribeMetricFilters` with `logGroupName`, so
    /// the calls do not grow with the number of log groups in the region.
    async fn logs(
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

    // --- CloudWatch alarms and SNS ----------------------------------------------

    async fn alarms_and_topics(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::MetricAlarm>>,
        m::Collected<Vec<m::Topic>>,
    ) {
        let r = &c.region;
        let alarms = self.ctx.pages("cloudwatch", "DescribeAlarms", r, |token| {
            let req = c.cloudwatch.describe_alarms().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::MetricAlarm> = o
                    .metric_alarms()
                    .iter()
                    .map(|a| m::MetricAlarm {
                        alarm_name: txt(a.alarm_name()),
                        alarm_arn: txt(a.alarm_arn()),
                        metric_name: opt(a.metric_name()),
                        namespace: opt(a.namespace()),
                        statistic: a.statistic().map(|v| v.as_str().to_owned()),
                        actions_enabled: a.actions_enabled(),
                        alarm_actions: a.alarm_actions().to_vec(),
                        ok_actions: a.ok_actions().to_vec(),
                        insufficient_data_actions: a.insufficient_data_actions().to_vec(),
                        threshold: a.threshold(),
                        comparison_operator: a.comparison_operator().map(|v| v.as_str().to_owned()),
                        period: a.period().map(i64::from),
                        evaluation_periods: a.evaluation_periods().map(i64::from),
                        state_value: a.state_value().map(|v| v.as_str().to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let listed = self.ctx.pages("sns", "ListTopics", r, |token| {
            let req = c.sns.list_topics().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<String> = o
                    .topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_owned))
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let (alarms, listed) = tokio::join!(alarms, listed);
        // Topics the alarms of this region notify, wherever they live: a topic
        // of another account or region is not in ListTopics but is part of
        // the alarm chain, so it is looked at too (the call may be denied,
        // which is then recorded with the topic).
        let mut arns: BTreeSet<String> = BTreeSet::new();
        if let Ok(list) = &listed {
            arns.extend(list.iter().cloned());
        }
        if let Ok(alarms) = &alarms {
            for a in alarms {
                arns.extend(
                    a.alarm_actions
                        .iter()
                        .filter(|x| x.starts_with("arn:") && x.split(':').nth(2) == Some("sns"))
                        .cloned(),
                );
            }
        }
        let topics = match listed {
            Err(e) => self.fail(e),
            // A topic SNS says does not exist (an alarm may still name a
            // deleted topic) is left out: the list holds the topics that exist.
            Ok(_) => m::Collected::Ok(
                join_all(arns.iter().map(|arn| self.topic(r, arn)))
                    .await
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
        };
        (self.collected(alarms), topics)
    }

    /// The topic, or `None` when SNS answers `NotFound` to either call.
    async fn topic(&self, region: &str, arn: &str) -> Option<m::Topic> {
        // A topic is served by its own region.
        let topic_region = arn_field(arn, 3).unwrap_or(region);
        let c = self.clients(topic_region);
        let attrs = self.ctx.call(
            "sns",
            "GetTopicAttributes",
            topic_region,
            c.sns.get_topic_attributes().topic_arn(arn).send(),
        );
        let subs = self
            .ctx
            .pages("sns", "ListSubscriptionsByTopic", topic_region, |token| {
                let req = c
                    .sns
                    .list_subscriptions_by_topic()
                    .topic_arn(arn)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<m::Subscription> = o
                        .subscriptions()
                        .iter()
                        .map(|x| m::Subscription {
                            subscription_arn: txt(x.subscription_arn()),
                            protocol: txt(x.protocol()),
                            endpoint: opt(x.endpoint()),
                            owner: opt(x.owner()),
                        })
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            });
        let (attrs, subs) = tokio::join!(attrs, subs);
        let gone = |e: &CallError| e.is("NotFound");
        if attrs.as_ref().is_err_and(gone) || subs.as_ref().is_err_and(gone) {
            return None;
        }
        let owner = match attrs {
            Ok(a) => a.attributes().and_then(|m| m.get("Owner")).cloned(),
            Err(e) => {
                // The owner is optional (the ARN names the account); the
                // failure is still kept for the record.
                self.ctx.record(e);
                None
            }
        };
        Some(m::Topic {
            topic_arn: arn.to_owned(),
            owner,
            subscriptions: self.collected(subs),
        })
    }

    // --- AWS Config ----------------------------------------------------------------

    async fn config(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::ConfigRecorder>>,
        m::Collected<Vec<m::ConfigRecorderStatus>>,
        m::Collected<Vec<m::DeliveryChannel>>,
    ) {
        let r = &c.region;
        let (recorders, statuses, channels) = tokio::join!(
            self.ctx.call(
                "config",
                "DescribeConfigurationRecorders",
                r,
                c.config.describe_configuration_recorders().send()
            ),
            self.ctx.call(
                "config",
                "DescribeConfigurationRecorderStatus",
                r,
                c.config.describe_configuration_recorder_status().send()
            ),
            self.ctx.call(
                "config",
                "DescribeDeliveryChannels",
                r,
                c.config.describe_delivery_channels().send()
            ),
        );
        let recorders = recorders.map(|o| {
            o.configuration_recorders()
                .iter()
                .map(|x| m::ConfigRecorder {
                    name: txt(x.name()),
                    role_arn: opt(x.role_arn()),
                    recording_group: x.recording_group().map(|g| m::RecordingGroup {
                        all_supported: g.all_supported(),
                        include_global_resource_types: g.include_global_resource_types(),
                        resource_types: g
                            .resource_types()
                            .iter()
                            .map(|t| t.as_str().to_owned())
                            .collect(),
                        recording_strategy: g
                            .recording_strategy()
                            .and_then(|st| st.use_only())
                            .map(|u| u.as_str().to_owned()),
                    }),
                })
                .collect()
        });
        let statuses = statuses.map(|o| {
            o.configuration_recorders_status()
                .iter()
                .map(|x| m::ConfigRecorderStatus {
                    name: txt(x.name()),
                    recording: x.recording(),
                    last_status: x.last_status().map(|v| v.as_str().to_owned()),
                    last_error_code: opt(x.last_error_code()),
                    last_error_message: opt(x.last_error_message()),
                    last_status_change_time: ts(x.last_status_change_time()),
                })
                .collect()
        });
        let channels = channels.map(|o| {
            o.delivery_channels()
                .iter()
                .map(|x| m::DeliveryChannel {
                    name: txt(x.name()),
                    s3_bucket_name: opt(x.s3_bucket_name()),
                    s3_key_prefix: opt(x.s3_key_prefix()),
                    sns_topic_arn: opt(x.sns_topic_arn()),
                })
                .collect()
        });
        (
            self.collected(recorders),
            self.collected(statuses),
            self.collected(channels),
        )
    }

    // --- KMS ---------------------------------------------------------------------------

    async fn kms(&self, c: &RegionClients) -> m::Collected<Vec<m::KmsKey>> {
        let r = &c.region;
        let keys = self.ctx.pages("kms", "ListKeys", r, |marker| {
            let req = c.kms.list_keys().set_marker(marker).send();
            async move {
                let o = req.await?;
                let items: Vec<(String, String)> = o
                    .keys()
                    .iter()
                    .map(|k| (txt(k.key_id()), txt(k.key_arn())))
                    .collect();
                let next = if o.truncated() {
                    o.next_marker().map(str::to_owned)
                } else {
                    None
                };
                Ok((items, next))
            }
        });
        match keys.await {
            Err(e) => self.fail(e),
            // A key deleted since ListKeys listed it is left out.
            Ok(keys) => m::Collected::Ok(
                join_all(keys.into_iter().map(|(id, arn)| self.kms_key(c, id, arn)))
                    .await
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
        }
    }

    /// The key, or `None` when KMS answers `NotFoundException`.
    async fn kms_key(
        &self,
        c: &RegionClients,
        key_id: String,
        key_arn: String,
    ) -> Option<m::KmsKey> {
        let r = &c.region;
        let described = self
            .ctx
            .call(
                "kms",
                "DescribeKey",
                r,
                c.kms.describe_key().key_id(&key_id).send(),
            )
            .await
            .map(|o| {
                o.key_metadata().map(|k| m::KeyMetadata {
                    key_manager: k
                        .key_manager()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    key_spec: k
                        .key_spec()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
                    key_state: k
                        .key_state()
                        .map(|v| v.as_str().to_owned())
                        .unwrap_or_default(),
                    key_usage: k.key_usage().map(|v| v.as_str().to_owned()),
                    origin: k.origin().map(|v| v.as_str().to_owned()),
                    description: opt(k.description()),
                    creation_date: ts(k.creation_date()),
                })
            });
        let metadata = match described {
            Ok(Some(md)) => m::Collected::Ok(md),
            Ok(None) => self.fail(CallError::new(
                "kms",
                "DescribeKey",
                r,
                super::call::CODE_BAD_RESPONSE,
                "the answer has no KeyMetadata",
            )),
            Err(e) if e.is("NotFound") => return None,
            Err(e) => self.fail(e),
        };
        // Rotation only exists for enabled, customer-managed symmetric keys
        // of AWS KMS origin; asking about other keys is an error by design.
        let rotation_applies = metadata.ok().is_some_and(|md| {
            md.key_manager == "CUSTOMER"
                && md.key_spec == "SYMMETRIC_DEFAULT"
                && md.key_state == "Enabled"
                && md.origin.as_deref().is_none_or(|o| o == "AWS_KMS")
        });
        let rotation_enabled = if rotation_applies {
            let r = self
                .ctx
                .call(
                    "kms",
                    "GetKeyRotationStatus",
                    r,
                    c.kms.get_key_rotation_status().key_id(&key_id).send(),
                )
                .await
                .map(|o| o.key_rotation_enabled());
            if r.as_ref().is_err_and(|e| e.is("NotFound")) {
                return None;
            }
            Some(self.collected(r))
        } else {
            None
        };
        Some(m::KmsKey {
            key_id,
            key_arn,
            metadata,
            rotation_enabled,
        })
    }

    // --- EC2 -------------------------------------------------------------------------------

    async fn ec2(
        &self,
        c: &RegionClients,
    ) -> (
        m::Collected<Vec<m::Vpc>>,
        m::Collected<Vec<m::FlowLog>>,
        m::Collected<Vec<m::SecurityGroup>>,
    ) {
        let r = &c.region;
        let vpcs = self.ctx.pages("ec2", "DescribeVpcs", r, |token| {
            let req = c.ec2.describe_vpcs().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::Vpc> = o
                    .vpcs()
                    .iter()
                    .map(|v| m::Vpc {
                        vpc_id: txt(v.vpc_id()),
                        owner_id: opt(v.owner_id()),
                        cidr_block: opt(v.cidr_block()),
                        is_default: v.is_default().unwrap_or(false),
                        state: v.state().map(|x| x.as_str().to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let flows = self.ctx.pages("ec2", "DescribeFlowLogs", r, |token| {
            let req = c.ec2.describe_flow_logs().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<m::FlowLog> = o
                    .flow_logs()
                    .iter()
                    .map(|f| m::FlowLog {
                        flow_log_id: txt(f.flow_log_id()),
                        resource_id: txt(f.resource_id()),
                        traffic_type: f.traffic_type().map(|x| x.as_str().to_owned()),
                        flow_log_status: opt(f.flow_log_status()),
                        deliver_logs_status: opt(f.deliver_logs_status()),
                        log_destination_type: f
                            .log_destination_type()
                            .map(|x| x.as_str().to_owned()),
                        log_destination: opt(f.log_destination()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let groups = self.ctx.pages("ec2", "DescribeSecurityGroups", r, |token| {
            let req = c
                .ec2
                .describe_security_groups()
                .set_next_token(token)
                .send();
            async move {
                let o = req.await?;
                let items: Vec<m::SecurityGroup> =
                    o.security_groups().iter().map(security_group).collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        });
        let (vpcs, flows, groups) = tokio::join!(vpcs, flows, groups);
        (
            self.collected(vpcs),
            self.collected(flows),
            self.collected(groups),
        )
    }
}

fn security_group(g: &aws_sdk_ec2::types::SecurityGroup) -> m::SecurityGroup {
    m::SecurityGroup {
        group_id: txt(g.group_id()),
        group_name: txt(g.group_name()),
        vpc_id: opt(g.vpc_id()),
        owner_id: opt(g.owner_id()),
        description: opt(g.description()),
        ip_permissions: g.ip_permissions().iter().map(permission).collect(),
        ip_permissions_egress: g.ip_permissions_egress().iter().map(permission).collect(),
    }
}

fn permission(p: &aws_sdk_ec2::types::IpPermission) -> m::IpPermission {
    m::IpPermission {
        ip_protocol: txt(p.ip_protocol()),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|x| m::IpRange {
                cidr_ip: txt(x.cidr_ip()),
                description: opt(x.description()),
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .map(|x| m::Ipv6Range {
                cidr_ipv6: txt(x.cidr_ipv6()),
                description: opt(x.description()),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|x| m::UserIdGroupPair {
                group_id: opt(x.group_id()),
                user_id: opt(x.user_id()),
                description: opt(x.description()),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .map(|x| m::PrefixListId {
                prefix_list_id: txt(x.prefix_list_id()),
                description: opt(x.description()),
            })
            .collect(),
    }
}
