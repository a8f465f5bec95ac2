//! The plan played on the snapshot model: the account as it will be read
//! once the changes are made. The tests audit the result to prove that each
//! item fixes the controls it names and moves no other.
//!
//! What the model assumes happens after the change: a new subscription is
//! confirmed by its recipient; CloudTrail delivers to a log group it was just
//! pointed at; a recorder that was started reports SUCCESS; a new flow log is
//! ACTIVE. Guidance items change nothing.

use super::model::{
    Action, AlarmState, ConfigState, FilterState, GroupState, Item, Plan, TrailState, names,
};
use crate::snapshot::{
    Collected, ConfigRecorder, ConfigRecorderStatus, DeliveryChannel, EventSelector,
    EventSelectors, FlowLog, Grant, KeyMetadata, KmsKey, LogGroup, MetricAlarm, MetricFilter,
    MetricTransformation, PublicAccessBlock, RecordingGroup, Region, Snapshot, Subscription, Topic,
};

/// The snapshot after every item of `plan` (guidance changes nothing).
pub fn apply(plan: &Plan, s: &Snapshot) -> Snapshot {
    apply_items(plan.items.iter(), s)
}

/// The snapshot after `items`, in order.
pub fn apply_items<'a>(items: impl IntoIterator<Item = &'a Item>, s: &Snapshot) -> Snapshot {
    let mut out = s.clone();
    for i in items {
        apply_one(&mut out, &i.action);
    }
    out
}

fn region_mut<'a>(s: &'a mut Snapshot, name: &str) -> Option<&'a mut Region> {
    s.regions.iter_mut().find(|r| r.region == name)
}

/// Push onto a collected list that was read; a list that could not be read
/// stays an error (the audit still cannot judge it).
fn with_list<T>(c: &mut Collected<Vec<T>>, f: impl FnOnce(&mut Vec<T>)) {
    if let Collected::Ok(v) = c {
        f(v);
    }
}

fn apply_one(s: &mut Snapshot, a: &Action) {
    match a {
        Action::PasswordPolicy { policy, .. } => {
            s.iam.password_policy = Collected::Ok(Some(policy.clone()));
        }
        Action::SupportRole { role_name } => {
            if let Collected::Ok(e) = &mut s.iam.support_access
                && !e.policy_roles.contains(role_name)
            {
                e.policy_roles.push(role_name.clone());
            }
        }
        // New resources that no check reads directly (a new bucket is not a
        // trail bucket; roles are not judged).
        Action::LogsBucket { .. }
        | Action::CloudTrailLogsRole { .. }
        | Action::ConfigServiceRole => {}
        Action::TrailKey { region, alias } => trail_key(s, region, alias),
        Action::LogGroup { region, name } => log_group(s, region, name),
        Action::Topic { region, name } => topic(s, region, name),
        Action::Trail(t) => trail(s, t),
        Action::MetricFilter(f) => filter(s, f),
        Action::Alarm(a) => alarm(s, a),
        Action::BucketPublicAccess {
            bucket,
            remove_grants,
        } => bucket_public_access(s, bucket, remove_grants),
        Action::BucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => bucket_logging(s, bucket, target_bucket, target_prefix),
        Action::Config(c) => config(s, c),
        Action::KeyRotation {
            region, key_arn, ..
        } => key_rotation(s, region, key_arn),
        Action::FlowLog {
            region,
            vpc_id,
            bucket,
        } => flow_log(s, region, vpc_id, bucket),
        Action::SecurityGroup(g) => group(s, g),
        Action::Guidance { .. } => {}
    }
}

fn trail_key(s: &mut Snapshot, region: &str, alias: &str) {
    let (partition, account) = (s.partition.clone(), s.account_id.clone());
    let taken_at = s.taken_at.clone();
    if let Some(r) = region_mut(s, region) {
        with_list(&mut r.kms_keys, |keys| {
            let arn = format!("arn:{partition}:kms:{region}:{account}:{alias}");
            if !keys.iter().any(|k| k.key_arn == arn) {
                keys.push(KmsKey {
                    key_id: alias.to_owned(),
                    key_arn: arn,
                    metadata: Collected::Ok(KeyMetadata {
                        key_manager: "CUSTOMER".into(),
                        key_spec: "SYMMETRIC_DEFAULT".into(),
                        key_state: "Enabled".into(),
                        key_usage: Some("ENCRYPT_DECRYPT".into()),
                        origin: Some("AWS_KMS".into()),
                        description: None,
                        creation_date: Some(taken_at.clone()),
                    }),
                    rotation_enabled: Some(Collected::Ok(true)),
                });
            }
        });
    }
}

fn log_group(s: &mut Snapshot, region: &str, name: &str) {
    let (partition, account) = (s.partition.clone(), s.account_id.clone());
    if let Some(r) = region_mut(s, region) {
        with_list(&mut r.log_groups, |groups| {
            if !groups.iter().any(|g| g.log_group_name == name) {
                groups.push(LogGroup {
                    log_group_name: name.to_owned(),
                    arn: format!("arn:{partition}:logs:{region}:{account}:log-group:{name}"),
                    retention_in_days: None,
                    kms_key_id: None,
                });
            }
        });
    }
}

fn topic(s: &mut Snapshot, region: &str, name: &str) {
    let (partition, account) = (s.partition.clone(), s.account_id.clone());
    if let Some(r) = region_mut(s, region) {
        let arn = format!("arn:{partition}:sns:{region}:{account}:{name}");
        with_list(&mut r.topics, |topics| {
            if !topics.iter().any(|t| t.topic_arn == arn) {
                topics.push(Topic {
                    topic_arn: arn.clone(),
                    owner: Some(account.clone()),
                    subscriptions: Collected::Ok(vec![Subscription {
                        subscription_arn: format!("{arn}:confirmed-by-recipient"),
                        protocol: "email".into(),
                        endpoint: None,
                        owner: Some(account.clone()),
                    }]),
                });
            }
        });
    }
}

fn bucket_public_access(s: &mut Snapshot, bucket: &str, remove_grants: &[Grant]) {
    if let Some(b) = s.s3.buckets.iter_mut().find(|b| b.name == bucket) {
        if let Collected::Ok(acl) = &mut b.acl {
            acl.grants.retain(|g| !remove_grants.contains(g));
        }
        b.public_access_block = Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }));
    }
}

fn bucket_logging(s: &mut Snapshot, bucket: &str, target_bucket: &str, target_prefix: &str) {
    if let Some(b) = s.s3.buckets.iter_mut().find(|b| b.name == bucket) {
        b.logging = Collected::Ok(Some(crate::snapshot::BucketLogging {
            target_bucket: target_bucket.to_owned(),
            target_prefix: target_prefix.to_owned(),
        }));
    }
}

fn key_rotation(s: &mut Snapshot, region: &str, key_arn: &str) {
    if let Some(r) = region_mut(s, region) {
        with_list(&mut r.kms_keys, |keys| {
            for k in keys.iter_mut().filter(|k| k.key_arn == key_arn) {
                k.rotation_enabled = Some(Collected::Ok(true));
            }
        });
    }
}

fn flow_log(s: &mut Snapshot, region: &str, vpc_id: &str, bucket: &str) {
    let partition = s.partition.clone();
    if let Some(r) = region_mut(s, region) {
        with_list(&mut r.flow_logs, |logs| {
            logs.push(FlowLog {
                flow_log_id: format!("fl-cis-{vpc_id}"),
                resource_id: vpc_id.to_owned(),
                traffic_type: Some("REJECT".into()),
                flow_log_status: Some("ACTIVE".into()),
                deliver_logs_status: Some("SUCCESS".into()),
                log_destination_type: Some("s3".into()),
                log_destination: Some(names::bucket_arn(&partition, bucket)),
            });
        });
    }
}

fn trail(s: &mut Snapshot, t: &TrailState) {
    let taken_at = s.taken_at.clone();
    for r in &mut s.regions {
        with_list(&mut r.trails, |trails| {
            for x in trails.iter_mut().filter(|x| x.trail_arn == t.arn) {
                x.is_multi_region_trail = t.is_multi_region_trail;
                x.include_global_service_events = t.include_global_service_events;
                x.log_file_validation_enabled = t.log_file_validation;
                x.kms_key_id.clone_from(&t.kms_key_id);
                let new_group =
                    x.cloud_watch_logs_log_group_arn != t.cloud_watch_logs_log_group_arn;
                x.cloud_watch_logs_log_group_arn
                    .clone_from(&t.cloud_watch_logs_log_group_arn);
                x.cloud_watch_logs_role_arn
                    .clone_from(&t.cloud_watch_logs_role_arn);
                if let Collected::Ok(st) = &mut x.status {
                    st.is_logging = t.start_logging;
                    if new_group {
                        st.latest_cloud_watch_logs_delivery_time = Some(taken_at.clone());
                        st.latest_cloud_watch_logs_delivery_error = None;
                    }
                }
                if t.record_all_management_events {
                    x.event_selectors = Collected::Ok(EventSelectors {
                        event_selectors: vec![EventSelector {
                            read_write_type: "All".into(),
                            include_management_events: true,
                            exclude_management_event_sources: vec![],
                            data_resources: vec![],
                        }],
                        advanced_event_selectors: vec![],
                    });
                }
            }
        });
    }
}

fn filter(s: &mut Snapshot, f: &FilterState) {
    let Some(r) = region_mut(s, &f.region) else {
        return;
    };
    with_list(&mut r.metric_filters, |filters| {
        let new = MetricFilter {
            filter_name: f.filter_name.clone(),
            log_group_name: f.log_group.clone(),
            filter_pattern: f.pattern.clone(),
            metric_transformations: vec![MetricTransformation {
                metric_name: f.metric_name.clone(),
                metric_namespace: f.namespace.clone(),
                metric_value: f.metric_value.clone(),
                default_value: None,
                unit: None,
            }],
            field_selection_criteria: None,
            emit_system_field_dimensions: vec![],
            apply_on_transformed_logs: false,
        };
        match filters
            .iter_mut()
            .find(|m| m.filter_name == f.filter_name && m.log_group_name == f.log_group)
        {
            Some(m) => {
                // PutMetricFilter replaces the pattern and transformations;
                // the edited filter keeps the metric it published.
                m.filter_pattern.clone_from(&new.filter_pattern);
                m.metric_transformations = new.metric_transformations;
            }
            None => filters.push(new),
        }
    });
}

fn alarm(s: &mut Snapshot, a: &AlarmState) {
    let partition = s.partition.clone();
    let account = s.account_id.clone();
    let Some(r) = region_mut(s, &a.region) else {
        return;
    };
    with_list(&mut r.alarms, |alarms| {
        let keep: Vec<String> = alarms
            .iter()
            .find(|x| x.alarm_name == a.alarm_name)
            .map(|x| {
                x.alarm_actions
                    .iter()
                    .filter(|act| !act.contains(":sns:"))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let mut actions = keep;
        actions.push(a.topic_arn.clone());
        let new = MetricAlarm {
            alarm_name: a.alarm_name.clone(),
            alarm_arn: format!(
                "arn:{partition}:cloudwatch:{}:{account}:alarm:{}",
                a.region, a.alarm_name
            ),
            metric_name: Some(a.metric_name.clone()),
            namespace: Some(a.namespace.clone()),
            statistic: Some(a.statistic.clone()),
            actions_enabled: Some(true),
            alarm_actions: actions,
            ok_actions: vec![],
            insufficient_data_actions: vec![],
            threshold: Some(a.threshold),
            comparison_operator: Some(a.comparison_operator.clone()),
            period: Some(a.period),
            evaluation_periods: Some(a.evaluation_periods),
            state_value: Some("INSUFFICIENT_DATA".into()),
        };
        match alarms.iter_mut().find(|x| x.alarm_name == a.alarm_name) {
            Some(x) => {
                let ok = std::mem::take(&mut x.ok_actions);
                let insufficient = std::mem::take(&mut x.insufficient_data_actions);
                let state = x.state_value.take();
                *x = MetricAlarm {
                    ok_actions: ok,
                    insufficient_data_actions: insufficient,
                    state_value: state,
                    ..new
                };
            }
            None => alarms.push(new),
        }
    });
}

fn config(s: &mut Snapshot, c: &ConfigState) {
    let Some(r) = region_mut(s, &c.region) else {
        return;
    };
    with_list(&mut r.config_recorders, |recs| {
        let group = RecordingGroup {
            all_supported: true,
            include_global_resource_types: c.include_global,
            resource_types: vec![],
            recording_strategy: None,
        };
        match recs.iter_mut().find(|x| x.name == c.recorder_name) {
            Some(x) => {
                x.recording_group = Some(group);
                x.role_arn = Some(c.role_arn.clone());
            }
            None => recs.push(ConfigRecorder {
                name: c.recorder_name.clone(),
                role_arn: Some(c.role_arn.clone()),
                recording_group: Some(group),
            }),
        }
    });
    with_list(&mut r.config_recorder_statuses, |sts| {
        match sts.iter_mut().find(|x| x.name == c.recorder_name) {
            Some(x) => {
                x.recording = true;
                x.last_status = Some("SUCCESS".into());
                x.last_error_code = None;
                x.last_error_message = None;
            }
            None => sts.push(ConfigRecorderStatus {
                name: c.recorder_name.clone(),
                recording: true,
                last_status: Some("SUCCESS".into()),
                last_error_code: None,
                last_error_message: None,
                last_status_change_time: None,
            }),
        }
    });
    if !c.existing_channel {
        with_list(&mut r.delivery_channels, |chs| {
            if !chs.iter().any(|x| x.name == c.channel_name) {
                chs.push(DeliveryChannel {
                    name: c.channel_name.clone(),
                    s3_bucket_name: Some(c.channel_bucket.clone()),
                    s3_key_prefix: None,
                    sns_topic_arn: None,
                });
            }
        });
    }
}

fn group(s: &mut Snapshot, g: &GroupState) {
    let Some(r) = region_mut(s, &g.region) else {
        return;
    };
    with_list(&mut r.security_groups, |groups| {
        for x in groups.iter_mut().filter(|x| x.group_id == g.group_id) {
            x.ip_permissions.clone_from(&g.keep_ingress);
            x.ip_permissions_egress.clone_from(&g.keep_egress);
        }
    });
}
