//! What makes a bucket policy statement or ACL grant public: S3 Block
//! Public Access's definition, which 2.3 applies.

use serde_json::Value;

use crate::audit::common::{one_or_many, policy_statements};

pub(super) const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// A value with a wildcard or a policy variable: not a fixed value.
fn is_pattern(v: &str) -> bool {
    v.contains(['*', '?']) || v.contains("${")
}

/// Whether a `Principal` admits anyone: `*`, or any principal value with a
/// wildcard (`{"AWS": "*"}`, `arn:aws:iam::*:root`).
fn principal_is_public(p: Option<&Value>) -> bool {
    match p {
        Some(Value::String(s)) => is_pattern(s),
        Some(Value::Object(m)) => m.values().any(|v| {
            one_or_many(Some(v))
                .iter()
                .any(|x| x.as_str().is_some_and(is_pattern))
        }),
        _ => false,
    }
}

/// The condition keys whose fixed values make a grant to anyone non-public,
/// as S3 Block Public Access defines "public" (lower case; `aws:SourceIp` is
/// judged apart).
const RESTRICTING_KEYS: [&str; 7] = [
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Condition operators that limit a key to the values listed.
const LIMITING_OPERATORS: [&str; 5] = [
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
];

/// Whether `v` is an IP address or CIDR block narrow enough to restrict
/// access: a valid range no wider than /8 (IPv4) or /32 (IPv6).
fn narrow_ip_range(v: &str) -> bool {
    let (addr, bits) = match v.split_once('/') {
        Some((a, b)) => match b.parse::<u8>() {
            Ok(n) => (a, Some(n)),
            Err(_) => return false,
        },
        None => (v, None),
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => bits.is_none_or(|b| (8..=32).contains(&b)),
        Ok(std::net::IpAddr::V6(_)) => bits.is_none_or(|b| (32..=128).contains(&b)),
        Err(_) => false,
    }
}

/// Whether one condition (`operator` → `key` → values) limits a grant to
/// fixed values of a key S3 accepts as a restriction.
fn condition_restricts(operator: &str, key: &str, values: &Value) -> bool {
    let op = operator.to_ascii_lowercase();
    // `…IfExists` holds when the key is absent, `ForAllValues:` when it is
    // empty: neither restricts anyone.
    if op.ends_with("ifexists") || op.starts_with("forallvalues:") {
        return false;
    }
    let op = op.strip_prefix("foranyvalue:").unwrap_or(&op);
    let key = key.to_ascii_lowercase();
    let values: Vec<Option<&str>> = one_or_many(Some(values))
        .into_iter()
        .map(Value::as_str)
        .collect();
    if values.is_empty() {
        return false;
    }
    let all = |ok: &dyn Fn(&str) -> bool| values.iter().all(|v| v.is_some_and(ok));
    if key == "aws:sourceip" {
        return op == "ipaddress" && all(&narrow_ip_range);
    }
    if !LIMITING_OPERATORS.contains(&op) || !RESTRICTING_KEYS.contains(&key.as_str()) {
        return false;
    }
    if key == "aws:userid" {
        // A role's sessions (`AROAEXAMPLEID:*`) are a fixed principal too.
        return all(&|v| {
            !is_pattern(v)
                || v.strip_suffix(":*")
                    .is_some_and(|id| !id.is_empty() && !is_pattern(id))
        });
    }
    all(&|v| !is_pattern(v))
}

/// Whether a statement's `Condition` limits it to fixed values of a key S3
/// counts as a restriction (conditions are all required, so one suffices).
fn conditions_restrict(c: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = c else {
        return false;
    };
    ops.iter().any(|(op, block)| match block {
        Value::Object(keys) => keys
            .iter()
            .any(|(key, values)| condition_restricts(op, key, values)),
        _ => false,
    })
}

/// The `Sid`s (or `statement N`) of the statements of a bucket policy that
/// grant public access: `Allow` to a public principal (or with
/// `NotPrincipal`), without a condition that S3 counts as a restriction.
/// With `ignore_conditions` (the CIS procedure's reading) any condition is
/// disregarded. `Err` when the policy is not a policy document.
pub fn public_policy_statements(
    policy: &Value,
    ignore_conditions: bool,
) -> Result<Vec<String>, String> {
    Ok(policy_statements(policy)?
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            st.get("Effect").and_then(Value::as_str) == Some("Allow")
                && (st.get("NotPrincipal").is_some() || principal_is_public(st.get("Principal")))
                && (ignore_conditions || !conditions_restrict(st.get("Condition")))
        })
        .map(|(i, st)| {
            st.get("Sid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("statement {i}"), str::to_owned)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::finding::{Finding, Status};
    use crate::audit::logging::{trail_bucket_not_public, trail_bucket_not_public_cis};
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;
    use serde_json::json;

    /// A bucket whose policy holds `statement` (and no public ACL, no Block
    /// Public Access): is it public under S3's definition (Security Hub) and
    /// under the CIS procedure?
    fn public_under(statement: Value) -> (bool, bool) {
        let mut s = compliant();
        s.s3.buckets[0].public_access_block = Collected::Ok(None);
        s.s3.account_public_access_block = Collected::Ok(None);
        s.s3.buckets[0].policy = Collected::Ok(Some(json!({
            "Version": "2012-10-17",
            "Statement": [statement],
        })));
        let judge = |f: Vec<Finding>| match status(&f) {
            Status::Failed => true,
            Status::Passed => false,
            other => panic!("{other}: {f:#?}"),
        };
        (
            judge(trail_bucket_not_public(&s)),
            judge(trail_bucket_not_public_cis(&s)),
        )
    }

    fn allow(principal: Value, condition: Option<Value>) -> Value {
        let mut st = json!({
            "Sid": "S",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::trail-bucket/*",
        });
        if let Some(c) = condition {
            st["Condition"] = c;
        }
        st
    }

    /// One test per rule of S3's "public": `(under S3/Security Hub, under CIS)`.
    macro_rules! public_cases {
        ($($name:ident: $statement:expr => $want:expr;)*) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(public_under($statement), $want);
                }
            )*
        };
    }

    public_cases! {
        public_star_principal_without_condition:
            allow(json!("*"), None) => (true, true);
        public_aws_star_principal:
            allow(json!({"AWS": ["*"]}), None) => (true, true);
        public_wildcard_account_principal:
            allow(json!({"AWS": "arn:aws:iam::*:root"}), None) => (true, true);
        public_not_principal:
            json!({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::409318256711:root"},
                   "Action": "s3:GetObject", "Resource": "*"}) => (true, true);
        public_secure_transport_only:
            allow(json!("*"), Some(json!({"Bool": {"aws:SecureTransport": "true"}}))) => (true, true);
        public_referer_condition:
            allow(json!("*"), Some(json!({"StringLike": {"aws:Referer": "https://example.com/*"}}))) => (true, true);
        public_principal_org_id_is_not_in_s3s_list:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))) => (true, true);
        not_public_fixed_account_principal:
            allow(json!({"AWS": "arn:aws:iam::409318256711:root"}), None) => (false, false);
        not_public_service_principal:
            allow(json!({"Service": "cloudtrail.amazonaws.com"}), None) => (false, false);
        not_public_deny_statement:
            json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}) => (false, false);
        restricted_source_ip:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.7"]}}))) => (false, true);
        restricted_source_ipv6:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}))) => (false, true);
        public_source_ip_everywhere:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}))) => (true, true);
        public_source_ipv6_everywhere:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}))) => (true, true);
        public_source_ip_wider_than_slash_8:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}))) => (true, true);
        public_source_ip_not_a_range:
            allow(json!("*"), Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/x"}}))) => (true, true);
        public_not_ip_address:
            allow(json!("*"), Some(json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))) => (true, true);
        restricted_source_arn:
            allow(json!("*"), Some(json!({"ArnEquals": {"aws:SourceArn": "arn:aws:cloudtrail:us-east-1:409318256711:trail/t"}}))) => (false, true);
        public_source_arn_with_wildcard:
            allow(json!("*"), Some(json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:409318256711:trail/*"}}))) => (true, true);
        restricted_source_vpc:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:SourceVpc": "vpc-91237329"}}))) => (false, true);
        public_source_vpc_pattern:
            allow(json!("*"), Some(json!({"StringLike": {"aws:SourceVpc": "vpc-*"}}))) => (true, true);
        restricted_source_vpce:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))) => (false, true);
        restricted_source_owner:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:SourceOwner": "409318256711"}}))) => (false, true);
        restricted_source_account:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:SourceAccount": "409318256711"}}))) => (false, true);
        public_source_account_policy_variable:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}))) => (true, true);
        public_source_account_not_equals:
            allow(json!("*"), Some(json!({"StringNotEquals": {"aws:SourceAccount": "409318256711"}}))) => (true, true);
        public_source_account_if_exists:
            allow(json!("*"), Some(json!({"StringEqualsIfExists": {"aws:SourceAccount": "409318256711"}}))) => (true, true);
        public_for_all_values:
            allow(json!("*"), Some(json!({"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}))) => (true, true);
        restricted_for_any_value:
            allow(json!("*"), Some(json!({"ForAnyValue:StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d"]}}))) => (false, true);
        restricted_user_id:
            allow(json!("*"), Some(json!({"StringEquals": {"aws:userid": "AIDAEXAMPLEUSERID"}}))) => (false, true);
        restricted_role_sessions_user_id:
            allow(json!("*"), Some(json!({"StringLike": {"aws:userid": "AROAEXAMPLEROLEID:*"}}))) => (false, true);
        public_user_id_pattern:
            allow(json!("*"), Some(json!({"StringLike": {"aws:userid": "*"}}))) => (true, true);
        restricted_kms_key_id:
            allow(json!("*"), Some(json!({"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:409318256711:key/1234abcd"}}))) => (false, true);
        restricted_by_one_of_several_conditions:
            allow(json!("*"), Some(json!({"Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:SourceAccount": "409318256711"}}))) => (false, true);
    }
}
