//! The plan as a bash script of AWS CLI commands: `set -euo pipefail`,
//! idempotent where the API allows (a second run changes nothing and does
//! not fail), every item introduced by a comment naming its controls.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::model::{
    Action, AlarmState, ConfigState, FilterState, GroupState, Item, Plan, TrailState, names,
};
use super::text::{
    cloudtrail_logs_policy, header, item_comment, logs_bucket_policy, one_line, sh_quote,
    trail_key_policy, trust, trust_account,
};
use crate::snapshot::PasswordPolicy;

/// The helpers every script starts with.
const PRELUDE: &str = r#"set -euo pipefail

# Run a command that creates something; "already exists" (and, when removing
# a rule, "not found") counts as done, so the script can run twice.
ensure() {
  local out
  if ! out="$("$@" 2>&1)"; then
    case "$out" in
      *AlreadyExists* | *EntityAlreadyExists* | *BucketAlreadyOwnedByYou* | *"has been taken"* | \
        *InvalidPermission.NotFound* | *InvalidPermission.Duplicate*)
        echo "  (already done)" >&2 ;;
      *) printf '%s\n' "$out" >&2; return 1 ;;
    esac
  fi
}

# Retry a command that may fail while a new IAM role propagates.
retry() {
  local n=0
  until "$@"; do
    n=$((n + 1))
    if [ "$n" -ge 6 ]; then return 1; fi
    echo "  (retrying in 10 s)" >&2
    sleep 10
  done
}
"#;

/// The plan as a bash script.
pub fn render(p: &Plan) -> String {
    let mut out = String::from("#!/usr/bin/env bash\n");
    for l in header(p, "AWS CLI script") {
        let _ = writeln!(out, "# {l}");
    }
    out.push_str(
        "#\n# Run with credentials that may make these changes; AWS_ENDPOINT_URL is honoured.\n",
    );
    out.push_str(PRELUDE);
    if p.needs_alarm_endpoint() {
        let _ = writeln!(
            out,
            "\n# The email address that receives the CIS alarms (it must confirm the subscription).\n: \"${{{v}:?set {v} to the email address that receives the CIS alarms}}\"",
            v = names::SH_ENDPOINT_VAR
        );
    }
    for i in &p.items {
        out.push('\n');
        for l in item_comment(i) {
            let _ = writeln!(out, "# {l}");
        }
        item(&mut out, p, i);
    }
    out
}

fn json_arg(v: &Value) -> String {
    sh_quote(&v.to_string())
}

fn cmd(out: &mut String, words: &[String]) {
    out.push_str(&words.join(" "));
    out.push('\n');
}

fn w(s: &str) -> String {
    s.to_owned()
}

fn q(s: &str) -> String {
    sh_quote(s)
}

fn region_args(region: &str) -> [String; 2] {
    [w("--region"), q(region)]
}

/// The commands of one item.
fn item(out: &mut String, p: &Plan, i: &Item) {
    let (part, acct) = (p.partition.as_str(), p.account.as_str());
    match &i.action {
        Action::PasswordPolicy { policy, .. } => password_policy(out, policy),
        Action::SupportRole { role_name } => support_role(out, part, acct, role_name),
        Action::LogsBucket { name, region } => logs_bucket(out, part, acct, name, region),
        Action::TrailKey { region, alias } => trail_key(out, part, acct, region, alias),
        Action::CloudTrailLogsRole { role_name } => {
            cloudtrail_logs_role(out, part, acct, role_name)
        }
        Action::LogGroup { region, name } => log_group(out, region, name),
        Action::Topic { region, name } => topic(out, region, name),
        Action::Trail(t) => trail(out, t),
        Action::MetricFilter(f) => metric_filter(out, f),
        Action::Alarm(a) => alarm(out, a),
        Action::BucketPublicAccess { bucket, .. } => bucket_public_access(out, bucket),
        Action::BucketLogging {
            bucket,
            target_bucket,
            target_prefix,
        } => bucket_logging(out, bucket, target_bucket, target_prefix),
        Action::ConfigServiceRole => config_service_role(out),
        Action::Config(c) => config(out, c),
        Action::KeyRotation { region, key_id, .. } => key_rotation(out, region, key_id),
        Action::FlowLog {
            region,
            vpc_id,
            bucket,
        } => flow_log(out, part, region, vpc_id, bucket),
        Action::SecurityGroup(g) => security_group(out, g),
        Action::Guidance { steps } => guidance(out, steps),
    }
}

fn password_policy(out: &mut String, policy: &PasswordPolicy) {
    let mut words = vec![
        w("aws iam update-account-password-policy"),
        format!(
            "--minimum-password-length {}",
            policy.minimum_password_length.unwrap_or(14)
        ),
        w(
            "--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters",
        ),
        format!(
            "--max-password-age {} --password-reuse-prevention {}",
            policy.max_password_age.unwrap_or(90),
            policy.password_reuse_prevention.unwrap_or(24)
        ),
    ];
    words.push(w(if policy.allow_users_to_change_password {
        "--allow-users-to-change-password"
    } else {
        "--no-allow-users-to-change-password"
    }));
    if let Some(h) = policy.hard_expiry {
        words.push(w(if h {
            "--hard-expiry"
        } else {
            "--no-hard-expiry"
        }));
    }
    cmd(out, &words);
}

fn support_role(out: &mut String, part: &str, acct: &str, role_name: &str) {
    cmd(
        out,
        &[
            w("ensure aws iam create-role --role-name"),
            q(role_name),
            w("--assume-role-policy-document"),
            json_arg(&trust_account(part, acct)),
        ],
    );
    cmd(
        out,
        &[
            w("aws iam attach-role-policy --role-name"),
            q(role_name),
            w("--policy-arn"),
            q(&format!("arn:{part}:iam::aws:policy/AWSSupportAccess")),
        ],
    );
}

fn logs_bucket(out: &mut String, part: &str, acct: &str, name: &str, region: &str) {
    let mut create = vec![w("ensure aws s3api create-bucket --bucket"), q(name)];
    create.extend(region_args(region));
    if region != "us-east-1" {
        create.push(format!(
            "--create-bucket-configuration LocationConstraint={region}"
        ));
    }
    cmd(out, &create);
    cmd(
        out,
        &[
            w("aws s3api put-public-access-block --bucket"),
            q(name),
            w("--public-access-block-configuration"),
            w(
                "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            ),
        ],
    );
    cmd(
        out,
        &[
            w("aws s3api put-bucket-policy --bucket"),
            q(name),
            w("--policy"),
            json_arg(&logs_bucket_policy(part, acct, name)),
        ],
    );
}

fn trail_key(out: &mut String, part: &str, acct: &str, region: &str, alias: &str) {
    let r = region_args(region).join(" ");
    let _ = writeln!(
        out,
        "if ! aws kms describe-key {r} --key-id {a} >/dev/null 2>&1; then\n  \
         key_id=\"$(aws kms create-key {r} --description 'CloudTrail log files (cis-filters fix)' --policy {pol} --query KeyMetadata.KeyId --output text)\"\n  \
         aws kms create-alias {r} --alias-name {a} --target-key-id \"$key_id\"\n\
         fi\n\
         aws kms enable-key-rotation {r} --key-id \"$(aws kms describe-key {r} --key-id {a} --query KeyMetadata.KeyId --output text)\"",
        a = q(alias),
        pol = json_arg(&trail_key_policy(part, acct)),
    );
}

fn cloudtrail_logs_role(out: &mut String, part: &str, acct: &str, role_name: &str) {
    cmd(
        out,
        &[
            w("ensure aws iam create-role --role-name"),
            q(role_name),
            w("--assume-role-policy-document"),
            json_arg(&trust("cloudtrail.amazonaws.com")),
        ],
    );
    cmd(
        out,
        &[
            w("aws iam put-role-policy --role-name"),
            q(role_name),
            w("--policy-name cloudwatch-logs --policy-document"),
            json_arg(&cloudtrail_logs_policy(part, acct)),
        ],
    );
}

fn log_group(out: &mut String, region: &str, name: &str) {
    let mut c = vec![
        w("ensure aws logs create-log-group"),
        w("--log-group-name"),
        q(name),
    ];
    c.extend(region_args(region));
    cmd(out, &c);
}

fn topic(out: &mut String, region: &str, name: &str) {
    let r = region_args(region).join(" ");
    let _ = writeln!(
        out,
        "topic_arn=\"$(aws sns create-topic {r} --name {n} --query TopicArn --output text)\"\n\
         aws sns subscribe {r} --topic-arn \"$topic_arn\" --protocol email --notification-endpoint \"${v}\" >/dev/null",
        n = q(name),
        v = names::SH_ENDPOINT_VAR
    );
}

fn trail(out: &mut String, t: &TrailState) {
    let r = region_args(&t.home_region).join(" ");
    let mut c = vec![
        format!("retry aws cloudtrail update-trail {r} --name"),
        q(&t.name),
    ];
    c.push(w(if t.is_multi_region_trail {
        "--is-multi-region-trail"
    } else {
        "--no-is-multi-region-trail"
    }));
    c.push(w(if t.include_global_service_events {
        "--include-global-service-events"
    } else {
        "--no-include-global-service-events"
    }));
    c.push(w(if t.log_file_validation {
        "--enable-log-file-validation"
    } else {
        "--no-enable-log-file-validation"
    }));
    if let Some(k) = &t.kms_key_id {
        c.push(w("--kms-key-id"));
        c.push(q(k));
    }
    if let (Some(lg), Some(role)) = (
        &t.cloud_watch_logs_log_group_arn,
        &t.cloud_watch_logs_role_arn,
    ) {
        c.push(w("--cloud-watch-logs-log-group-arn"));
        c.push(q(lg));
        c.push(w("--cloud-watch-logs-role-arn"));
        c.push(q(role));
    }
    c.push(w(">/dev/null"));
    cmd(out, &c);
    if t.record_all_management_events {
        cmd(
            out,
            &[
                format!("aws cloudtrail put-event-selectors {r} --trail-name"),
                q(&t.name),
                w("--event-selectors"),
                json_arg(&json!([{ "ReadWriteType": "All", "IncludeManagementEvents": true }])),
                w(">/dev/null"),
            ],
        );
    }
    if t.start_logging {
        cmd(
            out,
            &[
                format!("aws cloudtrail start-logging {r} --name"),
                q(&t.name),
            ],
        );
    }
}

fn metric_filter(out: &mut String, f: &FilterState) {
    if let Some(old) = &f.replaces {
        let _ = writeln!(out, "# was: {}", one_line(old));
    }
    let transform = json!([{
        "metricName": f.metric_name,
        "metricNamespace": f.namespace,
        "metricValue": f.metric_value,
    }]);
    let mut c = vec![
        w("aws logs put-metric-filter"),
        w("--log-group-name"),
        q(&f.log_group),
        w("--filter-name"),
        q(&f.filter_name),
        w("--filter-pattern"),
        q(&f.pattern),
        w("--metric-transformations"),
        json_arg(&transform),
    ];
    c.extend(region_args(&f.region));
    cmd(out, &c);
}

fn alarm(out: &mut String, a: &AlarmState) {
    let mut c = vec![
        w("aws cloudwatch put-metric-alarm"),
        w("--alarm-name"),
        q(&a.alarm_name),
        w("--metric-name"),
        q(&a.metric_name),
        w("--namespace"),
        q(&a.namespace),
        w("--statistic"),
        q(&a.statistic),
        format!("--period {}", a.period),
        format!("--evaluation-periods {}", a.evaluation_periods),
        format!("--threshold {}", a.threshold),
        w("--comparison-operator"),
        q(&a.comparison_operator),
        w("--actions-enabled --alarm-actions"),
        q(&a.topic_arn),
    ];
    c.extend(region_args(&a.region));
    cmd(out, &c);
}

fn bucket_public_access(out: &mut String, bucket: &str) {
    cmd(
        out,
        &[
            w("aws s3api put-public-access-block --bucket"),
            q(bucket),
            w("--public-access-block-configuration"),
            w(
                "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
            ),
        ],
    );
    cmd(
        out,
        &[
            w("aws s3api put-bucket-acl --bucket"),
            q(bucket),
            w("--acl private"),
        ],
    );
}

fn bucket_logging(out: &mut String, bucket: &str, target_bucket: &str, target_prefix: &str) {
    let status = json!({ "LoggingEnabled": { "TargetBucket": target_bucket, "TargetPrefix": target_prefix } });
    cmd(
        out,
        &[
            w("aws s3api put-bucket-logging --bucket"),
            q(bucket),
            w("--bucket-logging-status"),
            json_arg(&status),
        ],
    );
}

fn config_service_role(out: &mut String) {
    cmd(
        out,
        &[w(
            "ensure aws iam create-service-linked-role --aws-service-name config.amazonaws.com",
        )],
    );
}

fn config(out: &mut String, c: &ConfigState) {
    let r = region_args(&c.region).join(" ");
    let recorder = json!({
        "name": c.recorder_name,
        "roleARN": c.role_arn,
        "recordingGroup": { "allSupported": true, "includeGlobalResourceTypes": c.include_global },
    });
    cmd(
        out,
        &[
            format!(
                "retry aws configservice put-configuration-recorder {r} --configuration-recorder"
            ),
            json_arg(&recorder),
        ],
    );
    if !c.existing_channel {
        let ch = json!({ "name": c.channel_name, "s3BucketName": c.channel_bucket });
        cmd(
            out,
            &[
                format!("aws configservice put-delivery-channel {r} --delivery-channel"),
                json_arg(&ch),
            ],
        );
    }
    cmd(
        out,
        &[
            format!(
                "aws configservice start-configuration-recorder {r} --configuration-recorder-name"
            ),
            q(&c.recorder_name),
        ],
    );
}

fn key_rotation(out: &mut String, region: &str, key_id: &str) {
    let mut c = vec![w("aws kms enable-key-rotation --key-id"), q(key_id)];
    c.extend(region_args(region));
    cmd(out, &c);
}

fn flow_log(out: &mut String, part: &str, region: &str, vpc_id: &str, bucket: &str) {
    let r = region_args(region).join(" ");
    let dest = names::bucket_arn(part, bucket);
    let _ = writeln!(
        out,
        "if [ \"$(aws ec2 describe-flow-logs {r} --filter Name=resource-id,Values={v} --query 'length(FlowLogs[?TrafficType==`REJECT` || TrafficType==`ALL`])' --output text)\" = 0 ]; then\n  \
         aws ec2 create-flow-logs {r} --resource-type VPC --resource-ids {v} --traffic-type REJECT --log-destination-type s3 --log-destination {d} >/dev/null\n\
         fi",
        v = q(vpc_id),
        d = q(&dest),
    );
}

fn security_group(out: &mut String, g: &GroupState) {
    let r = region_args(&g.region).join(" ");
    for rule in &g.revoke_ingress {
        cmd(
            out,
            &[
                format!("ensure aws ec2 revoke-security-group-ingress {r} --group-id"),
                q(&g.group_id),
                w("--ip-permissions"),
                json_arg(&ip_permission(rule)),
            ],
        );
    }
    for rule in &g.revoke_egress {
        cmd(
            out,
            &[
                format!("ensure aws ec2 revoke-security-group-egress {r} --group-id"),
                q(&g.group_id),
                w("--ip-permissions"),
                json_arg(&ip_permission(rule)),
            ],
        );
    }
}

fn guidance(out: &mut String, steps: &[String]) {
    for s in steps {
        let _ = writeln!(out, "#   step: {}", one_line(s));
    }
    out.push_str(":\n");
}

/// A rule as the EC2 API's `IpPermissions` member.
pub(super) fn ip_permission(r: &crate::snapshot::IpPermission) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("IpProtocol".into(), r.ip_protocol.clone().into());
    if r.ip_protocol != "-1" {
        if let Some(f) = r.from_port {
            m.insert("FromPort".into(), f.into());
        }
        if let Some(t) = r.to_port {
            m.insert("ToPort".into(), t.into());
        }
    }
    if !r.ip_ranges.is_empty() {
        m.insert(
            "IpRanges".into(),
            r.ip_ranges
                .iter()
                .map(|x| json!({ "CidrIp": x.cidr_ip }))
                .collect(),
        );
    }
    if !r.ipv6_ranges.is_empty() {
        m.insert(
            "Ipv6Ranges".into(),
            r.ipv6_ranges
                .iter()
                .map(|x| json!({ "CidrIpv6": x.cidr_ipv6 }))
                .collect(),
        );
    }
    let pairs: Vec<Value> = r
        .user_id_group_pairs
        .iter()
        .filter_map(|p| p.group_id.as_ref().map(|g| json!({ "GroupId": g })))
        .collect();
    if !pairs.is_empty() {
        m.insert("UserIdGroupPairs".into(), pairs.into());
    }
    if !r.prefix_list_ids.is_empty() {
        m.insert(
            "PrefixListIds".into(),
            r.prefix_list_ids
                .iter()
                .map(|x| json!({ "PrefixListId": x.prefix_list_id }))
                .collect(),
        );
    }
    Value::Array(vec![Value::Object(m)])
}
