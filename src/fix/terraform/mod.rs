//! The plan as Terraform (1.5 or later, AWS provider 5): one file, formatted
//! the way `terraform fmt` leaves it, with references between the resources
//! it creates and `import` blocks for the existing resources it changes.
//!
//! [`RESOURCE_TYPES`] lists every resource type the output may declare, with
//! the arguments and nested blocks it sets (a test holds the output to it).

mod hcl;
mod items;

use std::collections::{BTreeSet, HashMap};

use hcl::{E, V, a, render_top, s, x};
use items::item;

use super::model::{Action, Plan, names};
use super::text::{header, ident, item_comment, one_line};

/// Every resource type the output may declare, with the arguments and
/// nested blocks it sets, on purpose.
pub const RESOURCE_TYPES: &[(&str, &[&str])] = &[
    (
        "aws_iam_account_password_policy",
        &[
            "minimum_password_length",
            "require_lowercase_characters",
            "require_numbers",
            "require_uppercase_characters",
            "require_symbols",
            "allow_users_to_change_password",
            "max_password_age",
            "password_reuse_prevention",
            "hard_expiry",
        ],
    ),
    ("aws_iam_role", &["name", "assume_role_policy"]),
    ("aws_iam_role_policy", &["name", "role", "policy"]),
    ("aws_iam_role_policy_attachment", &["role", "policy_arn"]),
    ("aws_iam_service_linked_role", &["aws_service_name"]),
    ("aws_s3_bucket", &["provider", "bucket"]),
    (
        "aws_s3_bucket_public_access_block",
        &[
            "provider",
            "bucket",
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ],
    ),
    ("aws_s3_bucket_policy", &["provider", "bucket", "policy"]),
    ("aws_s3_bucket_acl", &["provider", "bucket", "acl"]),
    (
        "aws_s3_bucket_logging",
        &["provider", "bucket", "target_bucket", "target_prefix"],
    ),
    (
        "aws_kms_key",
        &[
            "provider",
            "description",
            "enable_key_rotation",
            "policy",
            "lifecycle",
        ],
    ),
    ("aws_kms_alias", &["provider", "name", "target_key_id"]),
    ("aws_cloudwatch_log_group", &["provider", "name"]),
    ("aws_sns_topic", &["provider", "name"]),
    (
        "aws_sns_topic_subscription",
        &["provider", "topic_arn", "protocol", "endpoint"],
    ),
    (
        "aws_cloudtrail",
        &[
            "provider",
            "name",
            "s3_bucket_name",
            "s3_key_prefix",
            "is_multi_region_trail",
            "include_global_service_events",
            "is_organization_trail",
            "enable_log_file_validation",
            "enable_logging",
            "kms_key_id",
            "cloud_watch_logs_group_arn",
            "cloud_watch_logs_role_arn",
            "event_selector",
            "lifecycle",
        ],
    ),
    (
        "aws_cloudwatch_log_metric_filter",
        &[
            "provider",
            "name",
            "log_group_name",
            "pattern",
            "metric_transformation",
        ],
    ),
    (
        "aws_cloudwatch_metric_alarm",
        &[
            "provider",
            "alarm_name",
            "metric_name",
            "namespace",
            "statistic",
            "period",
            "evaluation_periods",
            "threshold",
            "comparison_operator",
            "actions_enabled",
            "alarm_actions",
            "lifecycle",
        ],
    ),
    (
        "aws_config_configuration_recorder",
        &["provider", "name", "role_arn", "recording_group"],
    ),
    (
        "aws_config_delivery_channel",
        &["provider", "name", "s3_bucket_name", "depends_on"],
    ),
    (
        "aws_config_configuration_recorder_status",
        &["provider", "name", "is_enabled", "depends_on"],
    ),
    (
        "aws_flow_log",
        &[
            "provider",
            "vpc_id",
            "traffic_type",
            "log_destination_type",
            "log_destination",
        ],
    ),
    (
        "aws_security_group",
        &[
            "provider",
            "name",
            "description",
            "vpc_id",
            "ingress",
            "egress",
            "lifecycle",
        ],
    ),
    ("aws_default_security_group", &["provider", "vpc_id"]),
];

/// The state of the rendering: names given, references to what the plan creates.
struct Ctx<'a> {
    p: &'a Plan,
    /// literal value → expression referring to the resource that creates it.
    refs: HashMap<String, String>,
    used: BTreeSet<String>,
    regions: BTreeSet<String>,
}

impl Ctx<'_> {
    fn name(&mut self, kind: &str, base: &str) -> String {
        let base = ident(base);
        let mut n = base.clone();
        let mut k = 2;
        while !self.used.insert(format!("{kind}.{n}")) {
            n = format!("{base}_{k}");
            k += 1;
        }
        n
    }

    fn val(&self, lit: &str) -> V {
        match self.refs.get(lit) {
            Some(e) => V::X(e.clone()),
            None => s(lit),
        }
    }

    /// `provider = aws.<region>` for resources outside the home region.
    fn provider(&mut self, region: &str) -> Vec<E> {
        if region == self.p.home_region {
            vec![]
        } else {
            self.regions.insert(region.to_owned());
            vec![a("provider", x(format!("aws.{}", ident(region))))]
        }
    }
}

/// The plan as one Terraform file.
pub fn render(p: &Plan) -> String {
    let mut ctx = Ctx {
        p,
        refs: HashMap::new(),
        used: BTreeSet::new(),
        regions: BTreeSet::new(),
    };
    // Names and references of what the plan creates, first.
    let mut names_of: HashMap<String, String> = HashMap::new();
    for i in &p.items {
        if let Some(n) = name_created(&mut ctx, &i.action) {
            names_of.insert(i.key.clone(), n);
        }
    }
    let mut blocks: Vec<E> = Vec::new();
    for i in &p.items {
        blocks.push(E::C(String::new()));
        blocks.extend(item_comment(i).into_iter().map(E::C));
        let name = names_of.get(&i.key).cloned();
        item(&mut ctx, i, name, &mut blocks);
    }
    let mut out = String::new();
    for l in header(p, "Terraform") {
        out.push_str("# ");
        out.push_str(&one_line(&l));
        out.push('\n');
    }
    out.push('\n');
    let mut all = settings(p, &ctx.regions);
    all.extend(blocks);
    render_top(&all, &mut out);
    out
}

/// The resource name of what `action` creates, with the references to it
/// recorded in `ctx`; `None` when it creates nothing others refer to.
fn name_created(ctx: &mut Ctx<'_>, action: &Action) -> Option<String> {
    let (part, acct) = (&ctx.p.partition, &ctx.p.account);
    match action {
        Action::LogsBucket { name, .. } => {
            let n = ctx.name("aws_s3_bucket", "cis_logs");
            ctx.refs
                .insert(name.clone(), format!("aws_s3_bucket.{n}.id"));
            ctx.refs.insert(
                names::bucket_arn(part, name),
                format!("aws_s3_bucket.{n}.arn"),
            );
            Some(n)
        }
        Action::TrailKey { region, alias } => {
            let n = ctx.name("aws_kms_key", &format!("cloudtrail_{region}"));
            ctx.refs.insert(
                names::regional(region, alias),
                format!("aws_kms_key.{n}.arn"),
            );
            Some(n)
        }
        Action::CloudTrailLogsRole { role_name } => {
            let n = ctx.name("aws_iam_role", "cloudtrail_logs");
            ctx.refs.insert(
                format!("arn:{part}:iam::{acct}:role/{role_name}"),
                format!("aws_iam_role.{n}.arn"),
            );
            Some(n)
        }
        Action::ConfigServiceRole => {
            let n = ctx.name("aws_iam_service_linked_role", "config");
            ctx.refs.insert(
                names::config_role_arn(part, acct),
                format!("aws_iam_service_linked_role.{n}.arn"),
            );
            Some(n)
        }
        Action::LogGroup { region, name } => {
            let n = ctx.name("aws_cloudwatch_log_group", name);
            ctx.refs.insert(
                names::regional(region, name),
                format!("aws_cloudwatch_log_group.{n}.name"),
            );
            ctx.refs.insert(
                format!("arn:{part}:logs:{region}:{acct}:log-group:{name}:*"),
                format!("\"${{aws_cloudwatch_log_group.{n}.arn}}:*\""),
            );
            Some(n)
        }
        Action::Topic { region, name } => {
            let n = ctx.name("aws_sns_topic", &format!("{name}_{region}"));
            ctx.refs.insert(
                format!("arn:{part}:sns:{region}:{acct}:{name}"),
                format!("aws_sns_topic.{n}.arn"),
            );
            Some(n)
        }
        _ => None,
    }
}

/// The `terraform` block, the providers (one per region outside the home
/// region) and the variable of the alarm endpoint.
fn settings(p: &Plan, regions: &BTreeSet<String>) -> Vec<E> {
    let mut top = vec![E::B(
        "terraform".into(),
        vec![],
        vec![
            a("required_version", s(">= 1.5")),
            E::B(
                "required_providers".into(),
                vec![],
                vec![a(
                    "aws",
                    V::O(vec![
                        ("source".into(), s("hashicorp/aws")),
                        ("version".into(), s(">= 5.0")),
                    ]),
                )],
            ),
        ],
    )];
    top.push(E::B(
        "provider".into(),
        vec!["aws".into()],
        vec![a("region", s(&p.home_region))],
    ));
    for r in regions {
        top.push(E::B(
            "provider".into(),
            vec!["aws".into()],
            vec![a("alias", s(&ident(r))), a("region", s(r))],
        ));
    }
    if p.needs_alarm_endpoint() {
        top.push(E::B(
            "variable".into(),
            vec![names::TF_ENDPOINT_VAR.into()],
            vec![
                a(
                    "description",
                    s("The email address that receives the CIS alarms (it must confirm the subscription)."),
                ),
                a("type", x("string")),
            ],
        ));
    }
    top
}
