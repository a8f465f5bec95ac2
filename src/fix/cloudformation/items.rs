//! The resources of each kind of item, or the reason the template does
//! not hold it.

use serde_json::{Map, Value, json};

use super::Ctx;
use crate::fix::model::{Action, AlarmState, ConfigState, FilterState, Item, TrailState, names};
use crate::fix::text::{
    cloudtrail_logs_policy, item_comment, logs_bucket_policy, trail_key_policy, trust,
    trust_account,
};

fn retained(kind: &str, props: Value) -> Value {
    json!({
        "Type": kind,
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": props,
    })
}

fn new(kind: &str, props: Value) -> Value {
    json!({ "Type": kind, "Properties": props })
}

/// The resources of one item (or why the template does not hold it);
/// `created` is the logical id of what it creates.
pub(super) fn item(ctx: &mut Ctx<'_>, i: &Item, created: Option<String>) {
    let (part, acct) = (ctx.p.partition.clone(), ctx.p.account.clone());
    let comment = item_comment(i);
    let created = created.unwrap_or_default();
    match &i.action {
        Action::PasswordPolicy { .. } => {
            ctx.skip(
                i,
                "CloudFormation has no resource for the account password policy",
            );
        }
        Action::KeyRotation { .. } => ctx.skip(
            i,
            "a template that declares an existing key must restate its whole key policy",
        ),
        Action::SecurityGroup(_) => ctx.skip(
            i,
            "removing rules from an existing security group is done in place, not by a stack",
        ),
        Action::Guidance { steps } => {
            ctx.skipped.push(String::new());
            ctx.skipped.extend(item_comment(i));
            ctx.skipped
                .extend(steps.iter().map(|s| format!("  step: {s}")));
        }
        Action::SupportRole { role_name } => support_role(ctx, comment, &part, &acct, role_name),
        Action::LogsBucket { name, .. } => logs_bucket(ctx, comment, &part, &acct, created, name),
        Action::TrailKey { alias, .. } => trail_key(ctx, comment, &part, &acct, created, alias),
        Action::CloudTrailLogsRole { role_name } => {
            cloudtrail_logs_role(ctx, comment, &part, &acct, created, role_name)
        }
        Action::LogGroup { name, .. } => log_group(ctx, comment, created, name),
        Action::Topic { name, .. } => topic(ctx, comment, created, name),
        Action::Trail(t) => trail(ctx, comment, t),
        Action::MetricFilter(f) => metric_filter(ctx, comment, f),
        Action::Alarm(a) => alarm(ctx, comment, a),
        Action::BucketPublicAccess { bucket, .. } => bucket_public_access(ctx, comment, bucket),
        Action::BucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => bucket_logging(ctx, comment, bucket, target_bucket, target_prefix),
        Action::ConfigServiceRole => config_service_role(ctx, comment),
        Action::Config(c) => config(ctx, comment, &part, &acct, c),
        Action::FlowLog { vpc_id, bucket, .. } => flow_log(ctx, comment, &part, vpc_id, bucket),
    }
}

fn support_role(ctx: &mut Ctx<'_>, comment: Vec<String>, part: &str, acct: &str, role_name: &str) {
    let id = ctx.id("SupportRole");
    ctx.add(
        comment,
        id,
        new(
            "AWS::IAM::Role",
            json!({
                "RoleName": role_name,
                "AssumeRolePolicyDocument": trust_account(part, acct),
                "ManagedPolicyArns": [format!("arn:{part}:iam::aws:policy/AWSSupportAccess")],
            }),
        ),
    );
}

fn logs_bucket(
    ctx: &mut Ctx<'_>,
    comment: Vec<String>,
    part: &str,
    acct: &str,
    created: String,
    name: &str,
) {
    ctx.add(
        comment,
        created.clone(),
        json!({
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": name,
                "PublicAccessBlockConfiguration": block_all(),
            },
        }),
    );
    let id = ctx.id("CisLogsBucketPolicy");
    ctx.add(
        vec![],
        id,
        new(
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": { "Ref": created },
                "PolicyDocument": logs_bucket_policy(part, acct, name),
            }),
        ),
    );
}

fn trail_key(
    ctx: &mut Ctx<'_>,
    comment: Vec<String>,
    part: &str,
    acct: &str,
    created: String,
    alias: &str,
) {
    ctx.add(
        comment,
        created.clone(),
        json!({
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": "CloudTrail log files (cis-filters fix)",
                "EnableKeyRotation": true,
                "KeyPolicy": trail_key_policy(part, acct),
            },
        }),
    );
    let id = ctx.id("CloudTrailKeyAlias");
    ctx.add(
        vec![],
        id,
        new(
            "AWS::KMS::Alias",
            json!({ "AliasName": alias, "TargetKeyId": { "Ref": created } }),
        ),
    );
}

fn cloudtrail_logs_role(
    ctx: &mut Ctx<'_>,
    comment: Vec<String>,
    part: &str,
    acct: &str,
    created: String,
    role_name: &str,
) {
    ctx.add(
        comment,
        created,
        new(
            "AWS::IAM::Role",
            json!({
                "RoleName": role_name,
                "AssumeRolePolicyDocument": trust("cloudtrail.amazonaws.com"),
                "Policies": [{
                    "PolicyName": "cloudwatch-logs",
                    "PolicyDocument": cloudtrail_logs_policy(part, acct),
                }],
            }),
        ),
    )
}

fn log_group(ctx: &mut Ctx<'_>, comment: Vec<String>, created: String, name: &str) {
    ctx.add(
        comment,
        created,
        json!({
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": { "LogGroupName": name },
        }),
    )
}

fn topic(ctx: &mut Ctx<'_>, comment: Vec<String>, created: String, name: &str) {
    ctx.add(
        comment,
        created,
        new(
            "AWS::SNS::Topic",
            json!({
                "TopicName": name,
                "Subscription": [{
                    "Protocol": "email",
                    "Endpoint": { "Ref": names::CFN_ENDPOINT_PARAM },
                }],
            }),
        ),
    )
}

fn trail(ctx: &mut Ctx<'_>, comment: Vec<String>, t: &TrailState) {
    let id = ctx.id(&format!("Trail {}", t.name));
    ctx.import(&id, "AWS::CloudTrail::Trail", "TrailName", &t.name);
    let mut props = Map::new();
    props.insert("TrailName".into(), t.name.clone().into());
    if let Some(b) = &t.s3_bucket_name {
        props.insert("S3BucketName".into(), b.clone().into());
    }
    if let Some(pf) = &t.s3_key_prefix {
        props.insert("S3KeyPrefix".into(), pf.clone().into());
    }
    props.insert("IsLogging".into(), t.start_logging.into());
    props.insert("IsMultiRegionTrail".into(), t.is_multi_region_trail.into());
    props.insert(
        "IncludeGlobalServiceEvents".into(),
        t.include_global_service_events.into(),
    );
    if t.is_organization_trail {
        props.insert("IsOrganizationTrail".into(), true.into());
    }
    props.insert(
        "EnableLogFileValidation".into(),
        t.log_file_validation.into(),
    );
    if let Some(k) = &t.kms_key_id {
        props.insert(
            "KMSKeyId".into(),
            ctx.refs
                .get(&names::regional(&t.home_region, k))
                .cloned()
                .unwrap_or_else(|| k.clone().into()),
        );
    }
    if let (Some(lg), Some(role)) = (
        &t.cloud_watch_logs_log_group_arn,
        &t.cloud_watch_logs_role_arn,
    ) {
        props.insert("CloudWatchLogsLogGroupArn".into(), ctx.val(lg));
        props.insert("CloudWatchLogsRoleArn".into(), ctx.val(role));
    }
    if t.record_all_management_events {
        props.insert(
            "EventSelectors".into(),
            json!([{ "ReadWriteType": "All", "IncludeManagementEvents": true }]),
        );
    }
    ctx.add(
        comment,
        id,
        retained("AWS::CloudTrail::Trail", Value::Object(props)),
    );
}

fn metric_filter(ctx: &mut Ctx<'_>, comment: Vec<String>, f: &FilterState) {
    let id = ctx.id(&format!("Filter {}", f.filter_name));
    let props = json!({
        "FilterName": f.filter_name,
        "LogGroupName": ctx.refs.get(&names::regional(&f.region, &f.log_group)).cloned().unwrap_or_else(|| f.log_group.clone().into()),
        "FilterPattern": f.pattern,
        "MetricTransformations": [{
            "MetricName": f.metric_name,
            "MetricNamespace": f.namespace,
            "MetricValue": f.metric_value,
        }],
    });
    let body = if f.replaces.is_some() {
        ctx.import_by(
            &id,
            "AWS::Logs::MetricFilter",
            json!({ "LogGroupName": f.log_group, "FilterName": f.filter_name }),
        );
        retained("AWS::Logs::MetricFilter", props)
    } else {
        new("AWS::Logs::MetricFilter", props)
    };
    ctx.add(comment, id, body);
}

fn alarm(ctx: &mut Ctx<'_>, comment: Vec<String>, a: &AlarmState) {
    let id = ctx.id(&format!("Alarm {}", a.alarm_name));
    let props = json!({
        "AlarmName": a.alarm_name,
        "MetricName": a.metric_name,
        "Namespace": a.namespace,
        "Statistic": a.statistic,
        "Period": a.period,
        "EvaluationPeriods": a.evaluation_periods,
        "Threshold": a.threshold,
        "ComparisonOperator": a.comparison_operator,
        "ActionsEnabled": true,
        "AlarmActions": [ctx.val(&a.topic_arn)],
    });
    let body = if a.existing {
        ctx.import(&id, "AWS::CloudWatch::Alarm", "AlarmName", &a.alarm_name);
        retained("AWS::CloudWatch::Alarm", props)
    } else {
        new("AWS::CloudWatch::Alarm", props)
    };
    ctx.add(comment, id, body);
}

fn bucket_public_access(ctx: &mut Ctx<'_>, comment: Vec<String>, bucket: &str) {
    let idx = trail_bucket(ctx, bucket, comment);
    if let Some(Value::Object(props)) = ctx
        .resources
        .get_mut(idx)
        .and_then(|r| r.body.get_mut("Properties"))
    {
        props.insert("PublicAccessBlockConfiguration".into(), block_all());
        // ACLs off: the public grants no longer apply.
        props.insert(
            "OwnershipControls".into(),
            json!({ "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] }),
        );
    }
}

fn bucket_logging(
    ctx: &mut Ctx<'_>,
    comment: Vec<String>,
    bucket: &str,
    target_bucket: &str,
    target_prefix: &str,
) {
    let dest = ctx.val(target_bucket);
    let idx = trail_bucket(ctx, bucket, comment);
    if let Some(Value::Object(props)) = ctx
        .resources
        .get_mut(idx)
        .and_then(|r| r.body.get_mut("Properties"))
    {
        props.insert(
            "LoggingConfiguration".into(),
            json!({ "DestinationBucketName": dest, "LogFilePrefix": target_prefix }),
        );
    }
}

fn config_service_role(ctx: &mut Ctx<'_>, comment: Vec<String>) {
    let id = ctx.id("ConfigServiceLinkedRole");
    ctx.add(
        comment,
        id,
        json!({
            "Type": "AWS::IAM::ServiceLinkedRole",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": { "AWSServiceName": "config.amazonaws.com" },
        }),
    );
}

fn config(ctx: &mut Ctx<'_>, comment: Vec<String>, part: &str, acct: &str, c: &ConfigState) {
    let id = ctx.id(&format!("ConfigRecorder {}", c.recorder_name));
    let role = if c.role_arn == names::config_role_arn(part, acct) {
        // The service-linked role's ARN is fixed; no reference needed.
        Value::String(c.role_arn.clone())
    } else {
        ctx.val(&c.role_arn)
    };
    let props = json!({
        "Name": c.recorder_name,
        "RoleARN": role,
        "RecordingGroup": {
            "AllSupported": true,
            "IncludeGlobalResourceTypes": c.include_global,
        },
    });
    let body = if c.existing_recorder {
        ctx.import(
            &id,
            "AWS::Config::ConfigurationRecorder",
            "Name",
            &c.recorder_name,
        );
        retained("AWS::Config::ConfigurationRecorder", props)
    } else {
        new("AWS::Config::ConfigurationRecorder", props)
    };
    let mut comment = comment;
    comment.push(
        "  then start the recorder if it is not recording: aws configservice start-configuration-recorder"
            .into(),
    );
    ctx.add(comment, id.clone(), body);
    if !c.existing_channel {
        let ch = ctx.id(&format!("DeliveryChannel {}", c.channel_name));
        let mut body = new(
            "AWS::Config::DeliveryChannel",
            json!({ "Name": c.channel_name, "S3BucketName": ctx.val(&c.channel_bucket) }),
        );
        if let Value::Object(m) = &mut body {
            m.insert("DependsOn".into(), json!([id]));
        }
        ctx.add(vec![], ch, body);
    }
}

fn flow_log(ctx: &mut Ctx<'_>, comment: Vec<String>, part: &str, vpc_id: &str, bucket: &str) {
    let id = ctx.id(&format!("FlowLog {vpc_id}"));
    let dest = ctx.val(&names::bucket_arn(part, bucket));
    ctx.add(
        comment,
        id,
        new(
            "AWS::EC2::FlowLog",
            json!({
                "ResourceId": vpc_id,
                "ResourceType": "VPC",
                "TrafficType": "REJECT",
                "LogDestinationType": "s3",
                "LogDestination": dest,
            }),
        ),
    );
}

/// The trail bucket's resource (imported, retained), created on first use.
fn trail_bucket(ctx: &mut Ctx<'_>, bucket: &str, comment: Vec<String>) -> usize {
    if let Some(&i) = ctx.buckets.get(bucket) {
        if let Some(r) = ctx.resources.get_mut(i) {
            r.comment.extend(comment);
        }
        return i;
    }
    let id = ctx.id(&format!("TrailBucket {bucket}"));
    ctx.import(&id, "AWS::S3::Bucket", "BucketName", bucket);
    ctx.add(
        comment,
        id,
        retained("AWS::S3::Bucket", json!({ "BucketName": bucket })),
    );
    let i = ctx.resources.len().saturating_sub(1);
    ctx.buckets.insert(bucket.to_owned(), i);
    i
}

fn block_all() -> Value {
    json!({
        "BlockPublicAcls": true,
        "IgnorePublicAcls": true,
        "BlockPublicPolicy": true,
        "RestrictPublicBuckets": true,
    })
}
