//! The plan as Terraform (1.5 or later, AWS provider 5): one file, formatted
//! the way `terraform fmt` leaves it, with references between the resources
//! it creates and `import` blocks for the existing resources it changes.
//!
//! [`RESOURCE_TYPES`] lists every resource type the output may declare, with
//! the arguments and nested blocks it sets (a test holds the output to it).

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::model::{
    Action, AlarmState, ConfigState, FilterState, GroupState, Item, Plan, TrailState, names,
};
use super::text::{
    cloudtrail_logs_policy, header, ident, item_comment, logs_bucket_policy, one_line,
    trail_key_policy, trust, trust_account,
};
use crate::snapshot::{IpPermission, PasswordPolicy};

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

/// An HCL value.
enum V {
    /// A quoted string.
    S(String),
    /// An expression written as is (numbers, booleans, references).
    X(String),
    /// A list.
    L(Vec<V>),
    /// An object.
    O(Vec<(String, V)>),
    /// `jsonencode(<object>)`.
    Json(Value),
}

/// A body entry.
enum E {
    A(String, V),
    B(String, Vec<String>, Vec<E>),
    C(String),
}

fn s(x: &str) -> V {
    V::S(x.to_owned())
}

fn x(x: impl std::fmt::Display) -> V {
    V::X(x.to_string())
}

fn a(k: &str, v: V) -> E {
    E::A(k.to_owned(), v)
}

/// An HCL string literal's content.
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// JSON as an HCL value (for `jsonencode`).
fn from_json(v: &Value) -> V {
    match v {
        Value::String(t) => s(t),
        Value::Array(items) => V::L(items.iter().map(from_json).collect()),
        Value::Object(m) => V::O(m.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
        other => x(other),
    }
}

fn key(k: &str) -> String {
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        k.to_owned()
    } else {
        format!("\"{}\"", escape(k))
    }
}

/// The value on one line, if it fits on one.
fn single(v: &V) -> Option<String> {
    match v {
        V::S(t) => Some(format!("\"{}\"", escape(t))),
        V::X(t) => Some(t.clone()),
        V::L(items) => {
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    V::S(_) | V::X(_) => single(i),
                    _ => None,
                })
                .collect();
            parts.map(|p| format!("[{}]", p.join(", ")))
        }
        V::O(items) if items.is_empty() => Some("{}".into()),
        V::O(_) | V::Json(_) => None,
    }
}

fn pad(n: usize) -> String {
    "  ".repeat(n)
}

/// A multi-line value, from its opening line's end; `depth` is the
/// indentation of the line it starts on.
fn multi(v: &V, depth: usize, out: &mut String) {
    match v {
        V::Json(j) => {
            out.push_str("jsonencode(");
            match from_json(j) {
                inner @ V::O(_) => multi(&inner, depth, out),
                inner => out.push_str(&single(&inner).unwrap_or_default()),
            }
            out.push(')');
        }
        V::O(items) => {
            out.push_str("{\n");
            let entries: Vec<E> = items
                .iter()
                .map(|(k, v)| E::A(key(k), clone_v(v)))
                .collect();
            body(&entries, depth + 1, out);
            out.push_str(&pad(depth));
            out.push('}');
        }
        V::L(items) => {
            out.push_str("[\n");
            for i in items {
                out.push_str(&pad(depth + 1));
                match single(i) {
                    Some(t) => out.push_str(&t),
                    None => multi(i, depth + 1, out),
                }
                out.push_str(",\n");
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        V::S(_) | V::X(_) => out.push_str(&single(v).unwrap_or_default()),
    }
}

fn clone_v(v: &V) -> V {
    match v {
        V::S(t) => V::S(t.clone()),
        V::X(t) => V::X(t.clone()),
        V::L(l) => V::L(l.iter().map(clone_v).collect()),
        V::O(o) => V::O(o.iter().map(|(k, v)| (k.clone(), clone_v(v))).collect()),
        V::Json(j) => V::Json(j.clone()),
    }
}

/// A body: runs of one-line attributes have their `=` aligned, as
/// `terraform fmt` does; a block, a comment or a multi-line value ends a run.
fn body(entries: &[E], depth: usize, out: &mut String) {
    let mut i = 0;
    while let Some(e) = entries.get(i) {
        match e {
            E::A(..) => {
                // The run of one-line attributes starting here.
                let run: Vec<(&String, String)> = entries
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .map_while(|e| match e {
                        E::A(k, v) => single(v).map(|t| (k, t)),
                        _ => None,
                    })
                    .collect();
                if run.is_empty() {
                    if let E::A(k, v) = e {
                        out.push_str(&pad(depth));
                        out.push_str(k);
                        out.push_str(" = ");
                        multi(v, depth, out);
                        out.push('\n');
                    }
                    i += 1;
                    continue;
                }
                let width = run
                    .iter()
                    .map(|(k, _)| k.chars().count())
                    .max()
                    .unwrap_or(0);
                for (k, t) in &run {
                    out.push_str(&pad(depth));
                    out.push_str(k);
                    out.push_str(&" ".repeat(width - k.chars().count()));
                    out.push_str(" = ");
                    out.push_str(t);
                    out.push('\n');
                }
                i += run.len();
            }
            E::B(kind, labels, inner) => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&pad(depth));
                out.push_str(kind);
                for l in labels {
                    out.push_str(&format!(" \"{}\"", escape(l)));
                }
                if inner.is_empty() {
                    out.push_str(" {}\n");
                } else {
                    out.push_str(" {\n");
                    body(inner, depth + 1, out);
                    out.push_str(&pad(depth));
                    out.push_str("}\n");
                }
                if matches!(entries.get(i + 1), Some(E::A(..))) {
                    out.push('\n');
                }
                i += 1;
            }
            E::C(t) => {
                out.push_str(&pad(depth));
                out.push_str("# ");
                out.push_str(&one_line(t));
                out.push('\n');
                i += 1;
            }
        }
    }
}

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

fn resource(kind: &str, name: &str, body: Vec<E>) -> E {
    E::B(
        "resource".into(),
        vec![kind.to_owned(), name.to_owned()],
        body,
    )
}

fn import(kind: &str, name: &str, id: &str) -> E {
    E::B(
        "import".into(),
        vec![],
        vec![a("to", x(format!("{kind}.{name}"))), a("id", s(id))],
    )
}

fn lifecycle(ignore: &[&str]) -> E {
    E::B(
        "lifecycle".into(),
        vec![],
        vec![a("ignore_changes", V::L(ignore.iter().map(x).collect()))],
    )
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

/// Top-level entries: one blank line between blocks; a comment group sticks
/// to the block after it.
fn render_top(entries: &[E], out: &mut String) {
    let mut prev_block = false;
    for e in entries {
        match e {
            E::C(t) if t.is_empty() => {
                if prev_block {
                    out.push('\n');
                }
                prev_block = false;
            }
            E::C(_) => {
                body(std::slice::from_ref(e), 0, out);
                prev_block = false;
            }
            E::B(..) | E::A(..) => {
                if prev_block {
                    out.push('\n');
                }
                let mut one = String::new();
                body(std::slice::from_ref(e), 0, &mut one);
                out.push_str(&one);
                prev_block = true;
            }
        }
    }
}

/// The blocks of one item; `created` names what it creates.
fn item(ctx: &mut Ctx<'_>, i: &Item, created: Option<String>, out: &mut Vec<E>) {
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

trait OrLiteral {
    fn or_literal(self, lit: &str) -> V;
}

impl OrLiteral for V {
    /// A reference found for the key, else the literal itself.
    fn or_literal(self, lit: &str) -> V {
        match self {
            V::S(_) => s(lit),
            other => other,
        }
    }
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
