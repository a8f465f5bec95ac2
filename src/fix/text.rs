//! What the renderers share: the policy documents of the resources the plan
//! creates, and quoting.

use serde_json::{Value, json};

use super::model::{Item, Kind, Plan, names};

/// The trust policy of a role that `service` assumes.
pub fn trust(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// The trust policy of a role that the account's principals assume.
pub fn trust_account(partition: &str, account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
            "Action": "sts:AssumeRole"
        }]
    })
}

/// What the CloudTrail role may do: write to the log groups the plan creates.
pub fn cloudtrail_logs_policy(partition: &str, account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("arn:{partition}:logs:*:{account}:log-group:cloudtrail/*:log-stream:*")
        }]
    })
}

/// The logs bucket's policy: S3 server access logs, VPC flow logs and AWS
/// Config deliveries of this account.
pub fn logs_bucket_policy(partition: &str, account: &str, bucket: &str) -> Value {
    let b = names::bucket_arn(partition, bucket);
    let own = json!({ "StringEquals": { "aws:SourceAccount": account } });
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": { "Service": "logging.s3.amazonaws.com" },
                "Action": "s3:PutObject",
                "Resource": format!("{b}/*"),
                "Condition": own
            },
            {
                "Sid": "DeliveryAclCheck",
                "Effect": "Allow",
                "Principal": { "Service": ["delivery.logs.amazonaws.com", "config.amazonaws.com"] },
                "Action": ["s3:GetBucketAcl", "s3:ListBucket"],
                "Resource": b,
                "Condition": own
            },
            {
                "Sid": "FlowLogsAndConfigWrite",
                "Effect": "Allow",
                "Principal": { "Service": ["delivery.logs.amazonaws.com", "config.amazonaws.com"] },
                "Action": "s3:PutObject",
                "Resource": format!("{b}/AWSLogs/{account}/*"),
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": account,
                        "s3:x-amz-acl": "bucket-owner-full-control"
                    }
                }
            }
        ]
    })
}

/// The trail key's policy: the account administers the key, CloudTrail may
/// encrypt this account's trails' log files, the account may decrypt them.
pub fn trail_key_policy(partition: &str, account: &str) -> Value {
    let trails = format!("arn:{partition}:cloudtrail:*:{account}:trail/*");
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "CloudTrailEncrypts",
                "Effect": "Allow",
                "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": trails }
                }
            },
            {
                "Sid": "CloudTrailDescribes",
                "Effect": "Allow",
                "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "kms:DescribeKey",
                "Resource": "*"
            },
            {
                "Sid": "AccountDecryptsLogs",
                "Effect": "Allow",
                "Principal": { "AWS": "*" },
                "Action": ["kms:Decrypt", "kms:ReEncryptFrom"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": { "kms:CallerAccount": account },
                    "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": trails }
                }
            }
        ]
    })
}

/// The comment lines that introduce an item (without the comment marker).
pub fn item_comment(i: &Item) -> Vec<String> {
    let tag = match i.kind {
        Kind::Change => "change",
        Kind::RemovesAccess => "REMOVES ACCESS",
        Kind::Guidance => "not automated",
    };
    let mut out = vec![format!(
        "[{}] {tag}: {}",
        i.controls.join(", "),
        one_line(&i.summary)
    )];
    out.push(format!("  resource: {}", one_line(&i.resource)));
    out.extend(i.changes.iter().map(|c| format!("  - {}", one_line(c))));
    out.extend(
        i.removes
            .iter()
            .map(|r| format!("  removes: {}", one_line(r))),
    );
    out
}

/// The header comment lines of a rendered plan.
pub fn header(p: &Plan, what: &str) -> Vec<String> {
    let mut out = vec![
        format!(
            "CIS AWS Foundations remediation for account {} ({what}), generated by `cis-filters fix`.",
            p.account
        ),
        format!(
            "Metric filters use the pattern text of the benchmark `{}`. Review before applying:",
            p.benchmark
        ),
        "items marked REMOVES ACCESS take network access or public grants away.".into(),
    ];
    if p.needs_alarm_endpoint() {
        out.push(
            "The alarm topic's subscription endpoint is yours to set (an email address); the recipient must confirm it.".into(),
        );
    }
    out
}

/// A string on one line: control characters become spaces.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` as one shell word in single quotes.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A Terraform/CloudFormation logical name from any text: letters, digits
/// and `_`, starting with a letter.
pub fn ident(s: &str) -> String {
    let mut out = String::new();
    let mut last_us = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            last_us = false;
        } else if !last_us {
            out.push('_');
            last_us = true;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "r_");
    }
    out
}

/// CamelCase logical id for CloudFormation: letters and digits, each word
/// capitalised, starting with a letter.
pub fn camel(s: &str) -> String {
    let mut out: String = s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'R');
    }
    out
}
