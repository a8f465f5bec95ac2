//! The blocks of each kind of item.

use super::Ctx;
use super::hcl::{E, OrLiteral, V, a, import, lifecycle, resource, s, x};
use crate::fix::model::{
    Action, AlarmState, ConfigState, FilterState, GroupState, Item, TrailState, names,
};
use crate::fix::text::{
    cloudtrail_logs_policy, logs_bucket_policy, trail_key_policy, trust, trust_account,
};
use crate::snapshot::{IpPermission, PasswordPolicy};

/// The blocks of one item; `created` names what it creates.
pub(super) fn item(ctx: &mut Ctx<'_>, i: &Item, created: Option<String>, out: &mut Vec<E>) {
    let (part, acct) = (ctx.p.partition.clone(), ctx.p.account.clone());
    let created = created.unwrap_or_default();
    match &i.action {
        Action::PasswordPolicy { policy, existing } => password_policy(ctx, out, policy, *existing),
        Action::SupportRole { role_name } => support_role(ctx, out, &part, &acct, role_name),
        Action::LogsBucket { name, region } => {
            logs_bucket(ctx, out, &part, &acct, &created, name, region)
        }
        Action::TrailKey { region, alias } => {
            trail_key(ctx, out, &part, &acct, &created, region, alias)
        }
        Action::CloudTrailLogsRole { role_name } => {
            cloudtrail_logs_role(ctx, out, &part, &acct, &created, role_name)
        }
        Action::LogGroup { region, name } => log_group(ctx, out, &created, region, name),
        Action::Topic { region, name } => topic(ctx, out, &created, region, name),
        Action::Trail(t) => trail(ctx, out, t),
        Action::MetricFilter(f) => metric_filter(ctx, out, f),
        Action::Alarm(al) => alarm(ctx, out, al),
        Action::BucketPublicAccess { bucket, .. } => bucket_public_access(ctx, out, bucket),
        Action::BucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => bucket_logging(ctx, out, bucket, target_bucket, target_prefix),
        Action::ConfigServiceRole => config_service_role(out, &created),
        Action::Config(c) => config(ctx, out, c),
        Action::KeyRotation { region, key_id, .. } => key_rotation(ctx, out, region, key_id),
        Action::FlowLog {
            region,
            vpc_id,
            bucket,
        } => flow_log(ctx, out, &part, region, vpc_id, bucket),
        Action::SecurityGroup(g) => security_group(ctx, out, g),
        Action::Guidance { steps } => guidance(out, steps),
    }
}

fn password_policy(ctx: &mut Ctx<'_>, out: &mut Vec<E>, policy: &PasswordPolicy, existing: bool) {
    let kind = "aws_iam_account_password_policy";
    let n = ctx.name(kind, "this");
    if existing {
        out.push(import(kind, &n, "iam-account-password-policy"));
    }
    let mut b = vec![
        a(
            "minimum_password_length",
            x(policy.minimum_password_length.unwrap_or(14)),
        ),
        a("require_lowercase_characters", x(true)),
        a("require_numbers", x(true)),
        a("require_uppercase_characters", x(true)),
        a("require_symbols", x(true)),
        a(
            "allow_users_to_change_password",
            x(policy.allow_users_to_change_password),
        ),
        a("max_password_age", x(policy.max_password_age.unwrap_or(90))),
        a(
            "password_reuse_prevention",
            x(policy.password_reuse_prevention.unwrap_or(24)),
        ),
    ];
    if let Some(h) = policy.hard_expiry {
        b.push(a("hard_expiry", x(h)));
    }
    out.push(resource(kind, &n, b));
}

fn support_role(ctx: &mut Ctx<'_>, out: &mut Vec<E>, part: &str, acct: &str, role_name: &str) {
    let n = ctx.name("aws_iam_role", role_name);
    out.push(resource(
        "aws_iam_role",
        &n,
        vec![
            a("name", s(role_name)),
            a("assume_role_policy", V::Json(trust_account(part, acct))),
        ],
    ));
    let m = ctx.name("aws_iam_role_policy_attachment", role_name);
    out.push(resource(
        "aws_iam_role_policy_attachment",
        &m,
        vec![
            a("role", x(format!("aws_iam_role.{n}.name"))),
            a(
                "policy_arn",
                s(&format!("arn:{part}:iam::aws:policy/AWSSupportAccess")),
            ),
        ],
    ));
}

fn logs_bucket(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<E>,
    part: &str,
    acct: &str,
    created: &str,
    name: &str,
    region: &str,
) {
    let mut b = ctx.provider(region);
    b.push(a("bucket", s(name)));
    out.push(resource("aws_s3_bucket", created, b));
    let mut b = ctx.provider(region);
    b.push(a("bucket", x(format!("aws_s3_bucket.{created}.id"))));
    b.extend(block_all());
    let n = ctx.name("aws_s3_bucket_public_access_block", created);
    out.push(resource("aws_s3_bucket_public_access_block", &n, b));
    let mut b = ctx.provider(region);
    b.push(a("bucket", x(format!("aws_s3_bucket.{created}.id"))));
    b.push(a("policy", V::Json(logs_bucket_policy(part, acct, name))));
    let n = ctx.name("aws_s3_bucket_policy", created);
    out.push(resource("aws_s3_bucket_policy", &n, b));
}

fn trail_key(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<E>,
    part: &str,
    acct: &str,
    created: &str,
    region: &str,
    alias: &str,
) {
    let mut b = ctx.provider(region);
    b.push(a(
        "description",
        s("CloudTrail log files (cis-filters fix)"),
    ));
    b.push(a("enable_key_rotation", x(true)));
    b.push(a("policy", V::Json(trail_key_policy(part, acct))));
    out.push(resource("aws_kms_key", created, b));
    let mut b = ctx.provider(region);
    b.push(a("name", s(alias)));
    b.push(a(
        "target_key_id",
        x(format!("aws_kms_key.{created}.key_id")),
    ));
    let n = ctx.name("aws_kms_alias", created);
    out.push(resource("aws_kms_alias", &n, b));
}

fn cloudtrail_logs_role(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<E>,
    part: &str,
    acct: &str,
    created: &str,
    role_name: &str,
) {
    out.push(resource(
        "aws_iam_role",
        created,
        vec![
            a("name", s(role_name)),
            a(
                "assume_role_policy",
                V::Json(trust("cloudtrail.amazonaws.com")),
            ),
        ],
    ));
    let n = ctx.name("aws_iam_role_policy", created);
    out.push(resource(
        "aws_iam_role_policy",
        &n,
        vec![
            a("name", s("cloudwatch-logs")),
            a("role", x(format!("aws_iam_role.{created}.id"))),
            a("policy", V::Json(cloudtrail_logs_policy(part, acct))),
        ],
    ));
}

fn log_group(ctx: &mut Ctx<'_>, out: &mut Vec<E>, created: &str, region: &str, name: &str) {
    let mut b = ctx.provider(region);
    b.push(a("name", s(name)));
    out.push(resource("aws_cloudwatch_log_group", created, b));
}

fn topic(ctx: &mut Ctx<'_>, out: &mut Vec<E>, created: &str, region: &str, name: &str) {
    let mut b = ctx.provider(region);
    b.push(a("name", s(name)));
    out.push(resource("aws_sns_topic", created, b));
    let mut b = ctx.provider(region);
    b.push(a("topic_arn", x(format!("aws_sns_topic.{created}.arn"))));
    b.push(a("protocol", s("email")));
    b.push(a("endpoint", x(format!("var.{}", names::TF_ENDPOINT_VAR))));
    let n = ctx.name("aws_sns_topic_subscription", created);
    out.push(resource("aws_sns_topic_subscription", &n, b));
}

fn trail(ctx: &mut Ctx<'_>, out: &mut Vec<E>, t: &TrailState) {
    let kind = "aws_cloudtrail";
    let n = ctx.name(kind, &t.name);
    out.push(import(kind, &n, &t.arn));
    let mut b = ctx.provider(&t.home_region);
    b.push(a("name", s(&t.name)));
    if let Some(bk) = &t.s3_bucket_name {
        b.push(a("s3_bucket_name", s(bk)));
    }
    if let Some(pf) = &t.s3_key_prefix {
        b.push(a("s3_key_prefix", s(pf)));
    }
    b.push(a("is_multi_region_trail", x(t.is_multi_region_trail)));
    b.push(a(
        "include_global_service_events",
        x(t.include_global_service_events),
    ));
    if t.is_organization_trail {
        b.push(a("is_organization_trail", x(true)));
    }
    b.push(a("enable_log_file_validation", x(t.log_file_validation)));
    b.push(a("enable_logging", x(t.start_logging)));
    if let Some(k) = &t.kms_key_id {
        let v = ctx
            .refs
            .get(&names::regional(&t.home_region, k))
            .map_or_else(|| s(k), x);
        b.push(a("kms_key_id", v));
    }
    if let (Some(lg), Some(role)) = (
        &t.cloud_watch_logs_log_group_arn,
        &t.cloud_watch_logs_role_arn,
    ) {
        b.push(a("cloud_watch_logs_group_arn", ctx.val(lg)));
        b.push(a("cloud_watch_logs_role_arn", ctx.val(role)));
    }
    if t.record_all_management_events {
        b.push(E::B(
            "event_selector".into(),
            vec![],
            vec![
                a("read_write_type", s("All")),
                a("include_management_events", x(true)),
            ],
        ));
        b.push(lifecycle(&[
            "advanced_event_selector",
            "insight_selector",
            "tags",
        ]));
    } else {
        b.push(lifecycle(&[
            "event_selector",
            "advanced_event_selector",
            "insight_selector",
            "tags",
        ]));
    }
    out.push(resource(kind, &n, b));
}

fn metric_filter(ctx: &mut Ctx<'_>, out: &mut Vec<E>, f: &FilterState) {
    let kind = "aws_cloudwatch_log_metric_filter";
    let n = ctx.name(kind, &f.filter_name);
    if f.replaces.is_some() {
        out.push(import(
            kind,
            &n,
            &format!("{}:{}", f.log_group, f.filter_name),
        ));
    }
    let mut b = ctx.provider(&f.region);
    b.push(a("name", s(&f.filter_name)));
    b.push(a(
        "log_group_name",
        ctx.val(&names::regional(&f.region, &f.log_group))
            .or_literal(&f.log_group),
    ));
    b.push(a("pattern", s(&f.pattern)));
    b.push(E::B(
        "metric_transformation".into(),
        vec![],
        vec![
            a("name", s(&f.metric_name)),
            a("namespace", s(&f.namespace)),
            a("value", s(&f.metric_value)),
        ],
    ));
    out.push(resource(kind, &n, b));
}

fn alarm(ctx: &mut Ctx<'_>, out: &mut Vec<E>, al: &AlarmState) {
    let kind = "aws_cloudwatch_metric_alarm";
    let n = ctx.name(kind, &al.alarm_name);
    if al.existing {
        out.push(import(kind, &n, &al.alarm_name));
    }
    let mut b = ctx.provider(&al.region);
    b.push(a("alarm_name", s(&al.alarm_name)));
    b.push(a("metric_name", s(&al.metric_name)));
    b.push(a("namespace", s(&al.namespace)));
    b.push(a("statistic", s(&al.statistic)));
    b.push(a("period", x(al.period)));
    b.push(a("evaluation_periods", x(al.evaluation_periods)));
    b.push(a("threshold", x(al.threshold)));
    b.push(a("comparison_operator", s(&al.comparison_operator)));
    b.push(a("actions_enabled", x(true)));
    b.push(a("alarm_actions", V::L(vec![ctx.val(&al.topic_arn)])));
    if al.existing {
        b.push(lifecycle(&[
            "alarm_description",
            "ok_actions",
            "insufficient_data_actions",
            "tags",
        ]));
    }
    out.push(resource(kind, &n, b));
}

fn bucket_public_access(ctx: &mut Ctx<'_>, out: &mut Vec<E>, bucket: &str) {
    let n = ctx.name("aws_s3_bucket_public_access_block", bucket);
    let mut b = vec![a("bucket", s(bucket))];
    b.extend(block_all());
    out.push(resource("aws_s3_bucket_public_access_block", &n, b));
    let n = ctx.name("aws_s3_bucket_acl", bucket);
    out.push(resource(
        "aws_s3_bucket_acl",
        &n,
        vec![a("bucket", s(bucket)), a("acl", s("private"))],
    ));
}

fn bucket_logging(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<E>,
    bucket: &str,
    target_bucket: &str,
    target_prefix: &str,
) {
    let n = ctx.name("aws_s3_bucket_logging", bucket);
    out.push(resource(
        "aws_s3_bucket_logging",
        &n,
        vec![
            a("bucket", s(bucket)),
            a("target_bucket", ctx.val(target_bucket)),
            a("target_prefix", s(target_prefix)),
        ],
    ));
}

fn config_service_role(out: &mut Vec<E>, created: &str) {
    out.push(resource(
        "aws_iam_service_linked_role",
        created,
        vec![a("aws_service_name", s("config.amazonaws.com"))],
    ));
}

fn config(ctx: &mut Ctx<'_>, out: &mut Vec<E>, c: &ConfigState) {
    let kind = "aws_config_configuration_recorder";
    let n = ctx.name(kind, &format!("{}_{}", c.recorder_name, c.region));
    if c.existing_recorder {
        out.push(import(kind, &n, &c.recorder_name));
    }
    let mut b = ctx.provider(&c.region);
    b.push(a("name", s(&c.recorder_name)));
    b.push(a("role_arn", ctx.val(&c.role_arn)));
    b.push(E::B(
        "recording_group".into(),
        vec![],
        vec![
            a("all_supported", x(true)),
            a("include_global_resource_types", x(c.include_global)),
        ],
    ));
    out.push(resource(kind, &n, b));
    let mut after = format!("aws_config_configuration_recorder.{n}");
    if !c.existing_channel {
        let m = ctx.name(
            "aws_config_delivery_channel",
            &format!("{}_{}", c.channel_name, c.region),
        );
        let mut b = ctx.provider(&c.region);
        b.push(a("name", s(&c.channel_name)));
        b.push(a("s3_bucket_name", ctx.val(&c.channel_bucket)));
        b.push(a("depends_on", V::L(vec![x(&after)])));
        out.push(resource("aws_config_delivery_channel", &m, b));
        after = format!("aws_config_delivery_channel.{m}");
    }
    let m = ctx.name(
        "aws_config_configuration_recorder_status",
        &format!("{}_{}", c.recorder_name, c.region),
    );
    let mut b = ctx.provider(&c.region);
    b.push(a(
        "name",
        x(format!("aws_config_configuration_recorder.{n}.name")),
    ));
    b.push(a("is_enabled", x(true)));
    b.push(a("depends_on", V::L(vec![x(&after)])));
    out.push(resource("aws_config_configuration_recorder_status", &m, b));
}

fn key_rotation(ctx: &mut Ctx<'_>, out: &mut Vec<E>, region: &str, key_id: &str) {
    let n = ctx.name("aws_kms_key", key_id);
    out.push(import("aws_kms_key", &n, key_id));
    let mut b = ctx.provider(region);
    b.push(a("enable_key_rotation", x(true)));
    b.push(lifecycle(&["description", "policy", "tags"]));
    out.push(resource("aws_kms_key", &n, b));
}

fn flow_log(
    ctx: &mut Ctx<'_>,
    out: &mut Vec<E>,
    part: &str,
    region: &str,
    vpc_id: &str,
    bucket: &str,
) {
    let n = ctx.name("aws_flow_log", vpc_id);
    let mut b = ctx.provider(region);
    b.push(a("vpc_id", s(vpc_id)));
    b.push(a("traffic_type", s("REJECT")));
    b.push(a("log_destination_type", s("s3")));
    b.push(a(
        "log_destination",
        ctx.val(&names::bucket_arn(part, bucket)),
    ));
    out.push(resource("aws_flow_log", &n, b));
}

fn security_group(ctx: &mut Ctx<'_>, out: &mut Vec<E>, g: &GroupState) {
    let mut b = ctx.provider(&g.region);
    if g.default_group {
        // Adopted, not imported: with no rule declared, every rule goes.
        let n = ctx.name("aws_default_security_group", &g.group_id);
        if let Some(v) = &g.vpc_id {
            b.push(a("vpc_id", s(v)));
        }
        out.push(resource("aws_default_security_group", &n, b));
    } else {
        let kind = "aws_security_group";
        let n = ctx.name(kind, &g.group_id);
        out.push(import(kind, &n, &g.group_id));
        b.push(a("name", s(&g.group_name)));
        if let Some(d) = &g.description {
            b.push(a("description", s(d)));
        }
        if let Some(v) = &g.vpc_id {
            b.push(a("vpc_id", s(v)));
        }
        b.extend(g.keep_ingress.iter().map(|r| rule_block("ingress", r)));
        b.extend(g.keep_egress.iter().map(|r| rule_block("egress", r)));
        b.push(lifecycle(&["description", "tags"]));
        out.push(resource(kind, &n, b));
    }
}

fn guidance(out: &mut Vec<E>, steps: &[String]) {
    out.extend(steps.iter().map(|t| E::C(format!("  step: {t}"))));
}

fn block_all() -> Vec<E> {
    vec![
        a("block_public_acls", x(true)),
        a("block_public_policy", x(true)),
        a("ignore_public_acls", x(true)),
        a("restrict_public_buckets", x(true)),
    ]
}

/// An inline rule of `aws_security_group`.
fn rule_block(kind: &str, r: &IpPermission) -> E {
    let all = r.ip_protocol == "-1";
    let from = if all { 0 } else { r.from_port.unwrap_or(0) };
    let to = if all { 0 } else { r.to_port.unwrap_or(0) };
    let mut b = vec![
        a("from_port", x(from)),
        a("to_port", x(to)),
        a("protocol", s(&r.ip_protocol)),
    ];
    if !r.ip_ranges.is_empty() {
        b.push(a(
            "cidr_blocks",
            V::L(r.ip_ranges.iter().map(|x| s(&x.cidr_ip)).collect()),
        ));
    }
    if !r.ipv6_ranges.is_empty() {
        b.push(a(
            "ipv6_cidr_blocks",
            V::L(r.ipv6_ranges.iter().map(|x| s(&x.cidr_ipv6)).collect()),
        ));
    }
    let groups: Vec<V> = r
        .user_id_group_pairs
        .iter()
        .filter_map(|p| p.group_id.as_deref().map(s))
        .collect();
    if !groups.is_empty() {
        b.push(a("security_groups", V::L(groups)));
    }
    if !r.prefix_list_ids.is_empty() {
        b.push(a(
            "prefix_list_ids",
            V::L(
                r.prefix_list_ids
                    .iter()
                    .map(|x| s(&x.prefix_list_id))
                    .collect(),
            ),
        ));
    }
    E::B(kind.to_owned(), vec![], b)
}
