//! The plan as one CloudFormation template (YAML) for the home region, with
//! a parameter for what the user provides (the alarm subscription's email).
//!
//! A template is deployed in one region and declares whole resources, so
//! what it cannot hold is written as comments that name the item and point
//! to the `cli` or `terraform` output: items in other regions, the account
//! password policy (no resource type), rotation of an existing key (a key
//! resource must restate its key policy), and rules removed from existing
//! security groups. Existing resources that the template changes (trail,
//! metric filters, alarms, Config recorder, trail bucket) carry
//! `DeletionPolicy: Retain` and are listed in the template's `Metadata`
//! for a change set of type IMPORT.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::model::{Action, AlarmState, ConfigState, FilterState, Item, Plan, TrailState, names};
use super::text::{
    camel, cloudtrail_logs_policy, header, item_comment, logs_bucket_policy, one_line,
    trail_key_policy, trust, trust_account,
};

/// One resource of the template, with its comment.
struct Res {
    comment: Vec<String>,
    id: String,
    body: Value,
}

struct Ctx<'a> {
    p: &'a Plan,
    /// literal → intrinsic that refers to the resource creating it.
    refs: BTreeMap<String, Value>,
    used: Vec<String>,
    resources: Vec<Res>,
    skipped: Vec<String>,
    imports: Vec<Value>,
    /// Trail bucket → (logical id index into resources).
    buckets: BTreeMap<String, usize>,
}

impl Ctx<'_> {
    fn id(&mut self, base: &str) -> String {
        let base = camel(base);
        let mut n = base.clone();
        let mut k = 2;
        while self.used.contains(&n) {
            n = format!("{base}{k}");
            k += 1;
        }
        self.used.push(n.clone());
        n
    }

    fn val(&self, lit: &str) -> Value {
        self.refs
            .get(lit)
            .cloned()
            .unwrap_or_else(|| Value::String(lit.to_owned()))
    }

    fn add(&mut self, comment: Vec<String>, id: String, body: Value) {
        self.resources.push(Res { comment, id, body });
    }

    fn import(&mut self, id: &str, kind: &str, key: &str, value: &str) {
        self.import_by(id, kind, json!({ key: value }));
    }

    fn import_by(&mut self, id: &str, kind: &str, identifier: Value) {
        self.imports.push(json!({
            "ResourceType": kind,
            "LogicalResourceId": id,
            "ResourceIdentifier": identifier,
        }));
    }

    fn skip(&mut self, i: &Item, why: &str) {
        self.skipped.push(String::new());
        self.skipped.extend(item_comment(i));
        self.skipped.push(format!(
            "  not in this template: {why}; use `cis-filters fix --format cli` or `--format terraform`"
        ));
    }
}

/// The plan as one CloudFormation template.
pub fn render(p: &Plan) -> String {
    let mut ctx = Ctx {
        p,
        refs: BTreeMap::new(),
        used: Vec::new(),
        resources: Vec::new(),
        skipped: Vec::new(),
        imports: Vec::new(),
        buckets: BTreeMap::new(),
    };
    // Logical ids of what the template creates, and the references to them.
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for i in p.items.iter().filter(|i| in_home(p, i)) {
        if let Some(id) = id_created(&mut ctx, &i.action) {
            ids.insert(i.key.clone(), id);
        }
    }
    for i in &p.items {
        if !in_home(p, i) {
            ctx.skip(i, "it is in another region than the template's");
            continue;
        }
        item(&mut ctx, i, ids.get(&i.key).cloned());
    }
    let mut out = String::new();
    write_head(&ctx, &mut out);
    write_resources(&ctx.resources, &mut out);
    write_skipped(&ctx.skipped, &mut out);
    out
}

/// The logical id of what `action` creates, with the references to it
/// recorded in `ctx`; `None` when it creates nothing others refer to.
fn id_created(ctx: &mut Ctx<'_>, action: &Action) -> Option<String> {
    let (part, acct) = (ctx.p.partition.as_str(), ctx.p.account.as_str());
    let id = match action {
        Action::LogsBucket { name, .. } => {
            let id = ctx.id("CisLogsBucket");
            ctx.refs.insert(name.clone(), json!({ "Ref": id }));
            ctx.refs.insert(
                names::bucket_arn(part, name),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::TrailKey { region, alias } => {
            let id = ctx.id("CloudTrailKey");
            ctx.refs.insert(
                names::regional(region, alias),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::CloudTrailLogsRole { role_name } => {
            let id = ctx.id("CloudTrailLogsRole");
            ctx.refs.insert(
                format!("arn:{part}:iam::{acct}:role/{role_name}"),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::LogGroup { region, name } => {
            let id = ctx.id(&format!("LogGroup {name}"));
            ctx.refs
                .insert(names::regional(region, name), json!({ "Ref": id }));
            ctx.refs.insert(
                format!("arn:{part}:logs:{region}:{acct}:log-group:{name}:*"),
                json!({ "Fn::GetAtt": [id, "Arn"] }),
            );
            id
        }
        Action::Topic { region, name } => {
            let id = ctx.id(&format!("Topic {name}"));
            ctx.refs.insert(
                format!("arn:{part}:sns:{region}:{acct}:{name}"),
                json!({ "Ref": id }),
            );
            id
        }
        _ => return None,
    };
    Some(id)
}

/// The header comments, the template's version and description, the
/// resources to import (`Metadata`) and the parameters.
fn write_head(ctx: &Ctx<'_>, out: &mut String) {
    let p = ctx.p;
    for l in header(p, "CloudFormation") {
        out.push_str(&format!("# {}\n", one_line(&l)));
    }
    out.push_str(&format!(
        "# Deploy in {}. Resources under Metadata.ExistingResources exist already: bring them\n\
         # into the stack with a change set of type IMPORT before updating it (docs/remediation.md).\n",
        p.home_region
    ));
    out.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    out.push_str(&format!(
        "Description: {}\n",
        quote(&format!(
            "CIS AWS Foundations remediation for account {} (cis-filters fix)",
            p.account
        ))
    ));
    if !ctx.imports.is_empty() {
        out.push_str("Metadata:\n");
        yaml(&json!({ "ExistingResources": ctx.imports }), 1, out);
    }
    if p.needs_alarm_endpoint() {
        out.push_str("Parameters:\n");
        yaml(
            &json!({
                names::CFN_ENDPOINT_PARAM: {
                    "Type": "String",
                    "Description": "The email address that receives the CIS alarms (it must confirm the subscription).",
                    "AllowedPattern": ".+@.+",
                }
            }),
            1,
            out,
        );
    }
}

/// `Resources:`, each with its comment.
fn write_resources(resources: &[Res], out: &mut String) {
    out.push_str("Resources:\n");
    if resources.is_empty() {
        // A template needs one resource: a wait condition handle costs nothing.
        out.push_str("  # Nothing in this region to change.\n");
        yaml(
            &json!({ "NothingToChange": { "Type": "AWS::CloudFormation::WaitConditionHandle" } }),
            1,
            out,
        );
    }
    for r in resources {
        for c in &r.comment {
            out.push_str(&format!("  # {}\n", one_line(c)));
        }
        let mut m = Map::new();
        m.insert(r.id.clone(), r.body.clone());
        yaml(&Value::Object(m), 1, out);
    }
}

/// The items the template does not hold, as comments.
fn write_skipped(skipped: &[String], out: &mut String) {
    if !skipped.is_empty() {
        out.push_str("\n# Items this template does not hold:\n");
        for l in skipped {
            if l.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str(&format!("# {}\n", one_line(l)));
            }
        }
    }
}

/// Whether the item's resource is in the template's region (global
/// resources are).
fn in_home(p: &Plan, i: &Item) -> bool {
    i.region.as_deref().is_none_or(|r| r == p.home_region)
}

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
fn item(ctx: &mut Ctx<'_>, i: &Item, created: Option<String>) {
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

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn yaml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()) {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(quote(s)),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(_) | Value::Object(_) => None,
        other => Some(other.to_string()),
    }
}

/// Block-style YAML of a mapping's entries at `depth` (two spaces each).
fn yaml(v: &Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push_str(&pad);
                out.push_str(&yaml_key(k));
                out.push(':');
                match scalar(v) {
                    Some(s) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        yaml(v, depth + 1, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for it in items {
                out.push_str(&pad);
                out.push_str("- ");
                match scalar(it) {
                    Some(s) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        // The item's first line follows the dash; the rest
                        // is indented under it.
                        let mut inner = String::new();
                        yaml(it, depth + 1, &mut inner);
                        let trimmed = inner.trim_start_matches(' ');
                        out.push_str(trimmed);
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other).unwrap_or_default());
            out.push('\n');
        }
    }
}
