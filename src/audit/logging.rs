//! Section 2: logging — CloudTrail, its S3 bucket, AWS Config, KMS rotation
//! and VPC flow logs.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::Procedure;
use super::common::{
    account_finding, account_resource, ec2_arn, no_regions, one_or_many, policy_statements,
    readable,
};
use super::finding::{DATA_NOT_AVAILABLE, Finding, ResourceType, Status, error_json};
use super::snapshot::{
    AdvancedEventSelector, Bucket, CollectionError, EventSelectors, PublicAccessBlock, Snapshot,
    Trail,
};

/// Every trail of the account once (trails appear in each region as shadow
/// copies), preferring the copy listed in the trail's home region, plus the
/// errors of regions whose trails could not be listed.
pub struct Trails<'a> {
    /// The distinct trails, in snapshot order.
    pub trails: Vec<&'a Trail>,
    /// `(region, error)` for regions whose `DescribeTrails` failed.
    pub errors: Vec<(&'a str, &'a CollectionError)>,
}

impl<'a> Trails<'a> {
    /// Collect the distinct trails of a snapshot.
    pub fn of(s: &'a Snapshot) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut trails: Vec<&Trail> = Vec::new();
        let mut errors = Vec::new();
        for r in &s.regions {
            match r.trails.get() {
                Err(e) => errors.push((r.region.as_str(), e)),
                Ok(list) => {
                    for t in list {
                        match index.get(t.trail_arn.as_str()) {
                            Some(&i) => {
                                if r.region == t.home_region
                                    && let Some(slot) = trails.get_mut(i)
                                {
                                    *slot = t;
                                }
                            }
                            None => {
                                index.insert(t.trail_arn.as_str(), trails.len());
                                trails.push(t);
                            }
                        }
                    }
                }
            }
        }
        Trails { trails, errors }
    }

    /// When there is no trail: FAILED, or NOT_AVAILABLE if some region's
    /// trails could not be listed or the snapshot covers no region.
    pub fn none_finding(&self, s: &Snapshot) -> Finding {
        if let Some(f) = no_regions(s) {
            return f;
        }
        match self.errors.first() {
            Some((region, e)) => Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                "the trails",
                e,
            ),
            None => account_finding(
                s,
                None,
                Status::Failed,
                "CLOUDTRAIL_NOT_PRESENT",
                "the account has no CloudTrail trail",
            ),
        }
    }
}

fn advanced_records_all_management(sel: &AdvancedEventSelector) -> bool {
    let mut management = false;
    for f in &sel.field_selectors {
        if f.field == "eventCategory" {
            management = f.equals.iter().any(|v| v == "Management")
                && f.not_equals.is_empty()
                && f.starts_with.is_empty()
                && f.ends_with.is_empty();
        } else {
            // readOnly, eventSource or any other condition narrows it.
            return false;
        }
    }
    management
}

/// Whether selectors record every management event, read and write, with no
/// excluded event source. No selector at all is CloudTrail's default, which
/// records all management events.
pub fn records_all_management_events(sel: &EventSelectors) -> bool {
    if sel.event_selectors.is_empty() && sel.advanced_event_selectors.is_empty() {
        return true;
    }
    sel.event_selectors.iter().any(|e| {
        e.include_management_events
            && e.read_write_type == "All"
            && e.exclude_management_event_sources.is_empty()
    }) || sel
        .advanced_event_selectors
        .iter()
        .any(advanced_records_all_management)
}

/// How a trail measures up as the account's multi-region trail (2.1 and the
/// first link of the metric-filter chain).
pub enum TrailFitness<'a> {
    /// Multi-region, logging, all management events.
    Fit,
    /// Something is missing: why.
    Unfit(String),
    /// Status or selectors could not be read.
    Unknown(&'static str, &'a CollectionError),
}

/// Judge one trail for 2.1.
pub fn trail_fitness(t: &Trail) -> TrailFitness<'_> {
    if !t.is_multi_region_trail {
        return TrailFitness::Unfit("the trail is not multi-region".into());
    }
    let status = match t.status.get() {
        Err(e) => return TrailFitness::Unknown("the trail status", e),
        Ok(st) => st,
    };
    if !status.is_logging {
        return TrailFitness::Unfit("the trail is not logging".into());
    }
    match t.event_selectors.get() {
        Err(e) => TrailFitness::Unknown("the trail's event selectors", e),
        Ok(sel) if !records_all_management_events(sel) => TrailFitness::Unfit(
            "the trail does not record all management events (read and write, no excluded sources)"
                .into(),
        ),
        Ok(_) => TrailFitness::Fit,
    }
}

fn trail_finding(
    t: &Trail,
    status: Status,
    code: &'static str,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Finding {
    Finding::new(
        status,
        ResourceType::Trail,
        t.trail_arn.as_str(),
        Some(&t.home_region),
        code,
        reason,
    )
}

/// 2.1: a multi-region trail that is logging and records all management events.
pub fn cloudtrail_all_regions(s: &Snapshot) -> Vec<Finding> {
    let all = Trails::of(s);
    if all.trails.is_empty() {
        return vec![all.none_finding(s)];
    }
    let mut unknown = None;
    let mut why_not = serde_json::Map::new();
    for t in &all.trails {
        match trail_fitness(t) {
            TrailFitness::Fit => {
                return vec![
                    trail_finding(
                        t,
                        Status::Passed,
                        "MULTI_REGION_TRAIL_PRESENT",
                        "a multi-region trail is logging all management events",
                    )
                    .with("is_organization_trail", t.is_organization_trail),
                ];
            }
            TrailFitness::Unfit(why) => {
                why_not.insert(t.trail_arn.clone(), Value::String(why));
            }
            TrailFitness::Unknown(what, e) => {
                why_not.insert(
                    t.trail_arn.clone(),
                    json!({ "unreadable": what, "error": error_json(e) }),
                );
                unknown.get_or_insert((*t, what, e));
            }
        }
    }
    let f = match unknown {
        Some((t, what, e)) => Finding::unreadable(
            ResourceType::Trail,
            t.trail_arn.as_str(),
            Some(&t.home_region),
            what,
            e,
        ),
        None => account_finding(
            s,
            None,
            Status::Failed,
            "CLOUDTRAIL_MULTI_REGION_NOT_PRESENT",
            "no trail is multi-region, logging and recording all management events",
        ),
    };
    vec![f.with("trails", Value::Object(why_not))]
}

/// A per-trail check over the distinct trails.
fn per_trail(s: &Snapshot, judge: impl Fn(&Trail) -> Finding) -> Vec<Finding> {
    let all = Trails::of(s);
    if all.trails.is_empty() {
        return vec![all.none_finding(s)];
    }
    let mut out: Vec<Finding> = all.trails.iter().map(|t| judge(t)).collect();
    for (region, e) in &all.errors {
        out.push(Finding::unreadable(
            ResourceType::Account,
            account_resource(s),
            Some(region),
            "the trails",
            e,
        ));
    }
    out
}

/// 2.2: every trail validates its log files.
pub fn log_file_validation(s: &Snapshot) -> Vec<Finding> {
    per_trail(s, |t| {
        if t.log_file_validation_enabled {
            trail_finding(
                t,
                Status::Passed,
                "LOG_FILE_VALIDATION_ENABLED",
                "log file validation is on",
            )
        } else {
            trail_finding(
                t,
                Status::Failed,
                "LOG_FILE_VALIDATION_DISABLED",
                "log file validation is off",
            )
        }
    })
}

/// 2.4 as Security Hub reads it (the Config rule
/// `cloud-trail-cloud-watch-logs-enabled`): every trail names a CloudWatch
/// Logs log group. The delivery facts (last delivery, its age, the last
/// error) are evidence only.
pub fn cloudwatch_logs_integration(s: &Snapshot) -> Vec<Finding> {
    cloudwatch_logs(s, Procedure::SecurityHub)
}

/// 2.4 as the CIS audit procedure reads it: every trail names a log group
/// and delivered to it within the day before the snapshot.
pub fn cloudwatch_logs_integration_cis(s: &Snapshot) -> Vec<Finding> {
    cloudwatch_logs(s, Procedure::Cis)
}

/// Seconds in a day: the CIS procedure's bound on the age of the last
/// delivery to CloudWatch Logs.
const ONE_DAY: i64 = 86_400;

fn cloudwatch_logs(s: &Snapshot, procedure: Procedure) -> Vec<Finding> {
    per_trail(s, |t| {
        let Some(lg) = &t.cloud_watch_logs_log_group_arn else {
            return trail_finding(
                t,
                Status::Failed,
                "CLOUDWATCH_LOGS_NOT_CONFIGURED",
                "the trail sends no events to CloudWatch Logs",
            )
            .with("procedure", procedure.as_str());
        };
        let cis = procedure == Procedure::Cis;
        let f = match t.status.get() {
            Err(e) if cis => Finding::unreadable(
                ResourceType::Trail,
                t.trail_arn.as_str(),
                Some(&t.home_region),
                "the trail status",
                e,
            ),
            Err(e) => trail_finding(
                t,
                Status::Passed,
                "CLOUDWATCH_LOGS_CONFIGURED",
                "the trail sends events to CloudWatch Logs (its delivery status could not be read)",
            )
            .with("delivery_status_error", error_json(e)),
            Ok(st) => {
                let last = st.latest_cloud_watch_logs_delivery_time.as_ref();
                let age = last.map(|w| w.days_until(&s.taken_at));
                let f = match last {
                    None if cis => trail_finding(
                        t,
                        Status::Failed,
                        "CLOUDWATCH_LOGS_NO_DELIVERY",
                        "the trail names a log group but has never delivered to it",
                    ),
                    Some(w) if cis && w.seconds_until(&s.taken_at) > ONE_DAY => trail_finding(
                        t,
                        Status::Failed,
                        "CLOUDWATCH_LOGS_DELIVERY_STALE",
                        format!(
                            "the last delivery to CloudWatch Logs was {} day(s) before the snapshot",
                            age.unwrap_or_default()
                        ),
                    ),
                    Some(_) if cis => trail_finding(
                        t,
                        Status::Passed,
                        "CLOUDWATCH_LOGS_DELIVERING",
                        "the trail delivers to CloudWatch Logs (last delivery within a day)",
                    ),
                    None => trail_finding(
                        t,
                        Status::Passed,
                        "CLOUDWATCH_LOGS_CONFIGURED",
                        "the trail sends events to CloudWatch Logs (no delivery recorded yet)",
                    ),
                    Some(_) => trail_finding(
                        t,
                        Status::Passed,
                        "CLOUDWATCH_LOGS_CONFIGURED",
                        format!(
                            "the trail sends events to CloudWatch Logs (last delivery {} day(s) before the snapshot)",
                            age.unwrap_or_default()
                        ),
                    ),
                };
                f.with("latest_delivery", last.map(|w| w.as_str().to_owned()))
                    .with("latest_delivery_age_days", age)
                    .with(
                        "latest_delivery_error",
                        st.latest_cloud_watch_logs_delivery_error.clone(),
                    )
            }
        };
        f.with("log_group", lg.as_str())
            .with("procedure", procedure.as_str())
    })
}

/// 2.7: every trail encrypts its logs with KMS.
pub fn trail_kms_encryption(s: &Snapshot) -> Vec<Finding> {
    per_trail(s, |t| match &t.kms_key_id {
        Some(k) => trail_finding(
            t,
            Status::Passed,
            "TRAIL_ENCRYPTED",
            "the trail's logs are encrypted with KMS",
        )
        .with("kms_key_id", k.as_str()),
        None => trail_finding(
            t,
            Status::Failed,
            "TRAIL_NOT_ENCRYPTED",
            "the trail's logs are not encrypted with a KMS key",
        ),
    })
}

/// The trails' buckets, once each, with the trails that use them.
fn trail_buckets<'a>(s: &'a Snapshot, trails: &[&'a Trail]) -> Vec<(&'a str, Vec<&'a str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for t in trails {
        if let Some(b) = &t.s3_bucket_name {
            match out.iter_mut().find(|(n, _)| n == b) {
                Some((_, ts)) => ts.push(&t.trail_arn),
                None => out.push((b, vec![&t.trail_arn])),
            }
        }
    }
    let _ = s;
    out
}

fn per_bucket(s: &Snapshot, judge: impl Fn(&Bucket) -> Finding) -> Vec<Finding> {
    let all = Trails::of(s);
    if all.trails.is_empty() {
        return vec![all.none_finding(s)];
    }
    let mut out = Vec::new();
    for (name, trails) in trail_buckets(s, &all.trails) {
        let arn = format!("arn:{}:s3:::{name}", s.partition);
        let f = match s.s3.buckets.iter().find(|b| b.name == name) {
            Some(b) => judge(b),
            None if s.s3.missing_buckets.iter().any(|m| m == name) => Finding::new(
                Status::Failed,
                ResourceType::S3Bucket,
                arn,
                None,
                "BUCKET_NOT_FOUND",
                "the trail's bucket does not exist: the trail delivers no log files, and \
                 whoever creates a bucket of that name may receive them",
            ),
            None => Finding::new(
                Status::NotAvailable,
                ResourceType::S3Bucket,
                arn,
                None,
                "DATA_NOT_AVAILABLE",
                "the trail's bucket is not in the snapshot",
            ),
        };
        out.push(f.with("trails", trails));
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::NotAvailable,
            "DATA_NOT_AVAILABLE",
            "no trail names an S3 bucket",
        ));
    }
    out
}

fn bucket_finding(
    s: &Snapshot,
    b: &Bucket,
    status: Status,
    code: &'static str,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Finding {
    Finding::new(
        status,
        ResourceType::S3Bucket,
        format!("arn:{}:s3:::{}", s.partition, b.name),
        None,
        code,
        reason,
    )
}

const PUBLIC_GROUPS: [&str; 2] = [
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

/// 2.3 as Security Hub and S3 read it: the trails' buckets are not publicly
/// accessible. A grant to anyone is public unless a condition limits it to
/// fixed values S3 accepts (Block Public Access's definition), and Block
/// Public Access (bucket or account) neutralises public grants.
pub fn trail_bucket_not_public(s: &Snapshot) -> Vec<Finding> {
    bucket_not_public(s, Procedure::SecurityHub)
}

/// 2.3 as the CIS v1.2.0 procedure reads it: no ACL grant to AllUsers or
/// AuthenticatedUsers and no policy statement allowing a public principal,
/// whatever its conditions and whatever Block Public Access says (the
/// procedure predates it).
pub fn trail_bucket_not_public_cis(s: &Snapshot) -> Vec<Finding> {
    bucket_not_public(s, Procedure::Cis)
}

fn bucket_not_public(s: &Snapshot, procedure: Procedure) -> Vec<Finding> {
    let cis = procedure == Procedure::Cis;
    per_bucket(s, |b| {
        let unreadable = |what: &str, e: &CollectionError| {
            Finding::unreadable(
                ResourceType::S3Bucket,
                format!("arn:{}:s3:::{}", s.partition, b.name),
                None,
                what,
                e,
            )
        };
        let acl = match b.acl.get() {
            Err(e) => return unreadable("the bucket ACL", e),
            Ok(a) => a,
        };
        let policy = match b.policy.get() {
            Err(e) => return unreadable("the bucket policy", e),
            Ok(p) => p,
        };
        let public_grants: Vec<String> = acl
            .grants
            .iter()
            .filter(|g| {
                g.grantee_uri
                    .as_deref()
                    .is_some_and(|u| PUBLIC_GROUPS.contains(&u))
            })
            .map(|g| {
                format!(
                    "{} to {}",
                    g.permission,
                    g.grantee_uri.as_deref().unwrap_or("")
                )
            })
            .collect();
        let public_statements = match policy.as_ref().map(|p| public_policy_statements(p, cis)) {
            None => Vec::new(),
            Some(Ok(list)) => list,
            Some(Err(why)) => {
                return bucket_finding(
                    s,
                    b,
                    Status::NotAvailable,
                    "BUCKET_POLICY_UNREADABLE",
                    format!("the bucket policy cannot be judged: {why}"),
                )
                .with("procedure", procedure.as_str());
            }
        };
        if public_grants.is_empty() && public_statements.is_empty() {
            return bucket_finding(
                s,
                b,
                Status::Passed,
                "BUCKET_NOT_PUBLIC",
                "neither the ACL nor the policy grants public access",
            )
            .with("procedure", procedure.as_str());
        }
        // Block Public Access (bucket or account) may neutralise them; the
        // CIS procedure does not look at it.
        let blocks: Vec<&Option<PublicAccessBlock>> = [
            b.public_access_block.ok(),
            s.s3.account_public_access_block.ok(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let ignore_acls = blocks
            .iter()
            .any(|p| p.as_ref().is_some_and(|p| p.ignore_public_acls));
        let restrict_policy = blocks
            .iter()
            .any(|p| p.as_ref().is_some_and(|p| p.restrict_public_buckets));
        let acl_public = !public_grants.is_empty() && (cis || !ignore_acls);
        let policy_public = !public_statements.is_empty() && (cis || !restrict_policy);
        let evidence = |f: Finding| {
            f.with("public_acl_grants", public_grants.clone())
                .with("public_policy_statements", public_statements.clone())
                .with("ignore_public_acls", ignore_acls)
                .with("restrict_public_buckets", restrict_policy)
                .with("procedure", procedure.as_str())
        };
        if acl_public || policy_public {
            // A block we could not read might still neutralise it.
            let unread = b
                .public_access_block
                .error()
                .or(s.s3.account_public_access_block.error());
            if let Some(e) = unread.filter(|_| !cis) {
                return evidence(unreadable("the public access block", e));
            }
            return evidence(bucket_finding(
                s,
                b,
                Status::Failed,
                "BUCKET_PUBLIC",
                match (acl_public, policy_public) {
                    (true, true) => "the bucket ACL and policy grant public access",
                    (true, false) => "the bucket ACL grants public access",
                    _ if cis => "the bucket policy allows a public principal",
                    _ => {
                        "the bucket policy allows a public principal without a condition that limits it"
                    }
                },
            ));
        }
        evidence(bucket_finding(
            s,
            b,
            Status::Passed,
            "BUCKET_PUBLIC_ACCESS_BLOCKED",
            "public grants exist but Block Public Access neutralises them",
        ))
    })
}

/// 2.6: the trails' buckets have server access logging.
pub fn trail_bucket_logging(s: &Snapshot) -> Vec<Finding> {
    per_bucket(s, |b| match b.logging.get() {
        Err(e) => Finding::unreadable(
            ResourceType::S3Bucket,
            format!("arn:{}:s3:::{}", s.partition, b.name),
            None,
            "the bucket's logging configuration",
            e,
        ),
        Ok(Some(l)) => bucket_finding(
            s,
            b,
            Status::Passed,
            "BUCKET_LOGGING_ENABLED",
            "server access logging is on",
        )
        .with("target_bucket", l.target_bucket.as_str()),
        Ok(None) => bucket_finding(
            s,
            b,
            Status::Failed,
            "BUCKET_LOGGING_DISABLED",
            "server access logging is off",
        ),
    })
}

/// 2.5 as Security Hub reads it (Config.1): in every region a recorder
/// records all supported resources, is recording, its last status is not
/// FAILURE, and a delivery channel exists. Global resource types (IAM) need
/// recording in one region only: one account-level FAILED finding
/// (`CONFIG_GLOBAL_RESOURCES_NOT_RECORDED`) when no region records them.
pub fn config_enabled(s: &Snapshot) -> Vec<Finding> {
    config(s, Procedure::SecurityHub)
}

/// 2.5 as the CIS procedure reads it: as [`config_enabled`], and the
/// recorder's last status must be SUCCESS (not merely not FAILURE).
pub fn config_enabled_cis(s: &Snapshot) -> Vec<Finding> {
    config(s, Procedure::Cis)
}

fn config(s: &Snapshot, procedure: Procedure) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    // Regions whose working recorder includes global resource types, and
    // regions that could not be read (they might).
    let mut globals_in: Vec<&str> = Vec::new();
    let mut unread: Vec<&str> = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let unreadable = |what: &str, e: &CollectionError| {
            Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                what,
                e,
            )
        };
        let (recorders, statuses, channels) = match (
            r.config_recorders.get(),
            r.config_recorder_statuses.get(),
            r.delivery_channels.get(),
        ) {
            (Err(e), _, _) => {
                out.push(unreadable("the configuration recorders", e));
                unread.push(region);
                continue;
            }
            (_, Err(e), _) => {
                out.push(unreadable("the recorder status", e));
                unread.push(region);
                continue;
            }
            (_, _, Err(e)) => {
                out.push(unreadable("the delivery channels", e));
                unread.push(region);
                continue;
            }
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        };
        let f = config_region(s, region, procedure, recorders, statuses, channels);
        if f.status == Status::Passed
            && recorders.iter().any(|rec| {
                rec.recording_group
                    .as_ref()
                    .is_some_and(|g| g.all_supported && g.include_global_resource_types)
            })
        {
            globals_in.push(region);
        }
        out.push(f.with("procedure", procedure.as_str()));
    }
    if globals_in.is_empty() {
        let f = if unread.is_empty() {
            account_finding(
                s,
                None,
                Status::Failed,
                "CONFIG_GLOBAL_RESOURCES_NOT_RECORDED",
                "no region records global resource types (IAM users, groups, roles, policies); one region must",
            )
        } else {
            account_finding(
                s,
                None,
                Status::NotAvailable,
                DATA_NOT_AVAILABLE,
                "no region that could be read records global resource types (IAM); a region that could not be read may",
            )
            .with("unreadable_regions", unread)
        };
        out.push(f.with("regions_read", s.regions.len()));
    }
    out
}

/// 2.5 in one region whose recorders, statuses and channels were read.
fn config_region(
    s: &Snapshot,
    region: &str,
    procedure: Procedure,
    recorders: &[super::snapshot::ConfigRecorder],
    statuses: &[super::snapshot::ConfigRecorderStatus],
    channels: &[super::snapshot::DeliveryChannel],
) -> Finding {
    let fail = |code: &'static str, reason: &'static str| {
        account_finding(s, Some(region), Status::Failed, code, reason)
    };
    if recorders.is_empty() {
        return fail("CONFIG_RECORDER_NOT_PRESENT", "no configuration recorder");
    }
    let Some((rec, group)) = recorders.iter().find_map(|rec| {
        rec.recording_group
            .as_ref()
            .filter(|g| g.all_supported)
            .map(|g| (rec, g))
    }) else {
        return fail(
            "CONFIG_RECORDER_INCOMPLETE",
            "the recorder does not record all supported resource types",
        );
    };
    let st = statuses.iter().find(|st| st.name == rec.name);
    let last = st.and_then(|st| st.last_status.as_deref());
    let f = match st {
        None => fail(
            "CONFIG_RECORDER_NOT_RECORDING",
            "the recorder has no status",
        ),
        Some(st) if !st.recording => fail(
            "CONFIG_RECORDER_NOT_RECORDING",
            "the recorder is not recording",
        ),
        Some(st) if last.is_some_and(|l| l.eq_ignore_ascii_case("failure")) => fail(
            "CONFIG_RECORDER_FAILING",
            "the recorder's last status is FAILURE",
        )
        .with("last_error_code", st.last_error_code.clone()),
        Some(_)
            if procedure == Procedure::Cis
                && !last.is_some_and(|l| l.eq_ignore_ascii_case("success")) =>
        {
            fail(
                "CONFIG_RECORDER_NOT_SUCCEEDED",
                "the recorder's last status is not SUCCESS, as the CIS procedure asks",
            )
        }
        Some(_) if channels.is_empty() => {
            fail("CONFIG_DELIVERY_CHANNEL_NOT_PRESENT", "no delivery channel")
        }
        Some(_) => account_finding(
            s,
            Some(region),
            Status::Passed,
            "CONFIG_ENABLED",
            "AWS Config records all supported resources and has a delivery channel",
        ),
    };
    f.with("recorder", rec.name.as_str())
        .with("last_status", last)
        .with(
            "include_global_resource_types",
            group.include_global_resource_types,
        )
}

/// 2.8: rotation is on for every enabled, customer-managed, symmetric key.
pub fn kms_rotation(s: &Snapshot) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let Some(keys) = readable(s, region, &r.kms_keys, "the KMS keys", &mut out) else {
            continue;
        };
        let before = out.len();
        for k in keys {
            let key_f = |st: Status, code: &'static str, reason: &'static str| {
                Finding::new(
                    st,
                    ResourceType::KmsKey,
                    k.key_arn.as_str(),
                    Some(region),
                    code,
                    reason,
                )
            };
            let md = match k.metadata.get() {
                Err(e) => {
                    out.push(Finding::unreadable(
                        ResourceType::KmsKey,
                        k.key_arn.as_str(),
                        Some(region),
                        "the key's metadata",
                        e,
                    ));
                    continue;
                }
                Ok(m) => m,
            };
            let eligible = md.key_manager == "CUSTOMER"
                && md.key_spec == "SYMMETRIC_DEFAULT"
                && md.key_state == "Enabled"
                && md.origin.as_deref().is_none_or(|o| o == "AWS_KMS");
            if !eligible {
                continue;
            }
            out.push(match &k.rotation_enabled {
                None => key_f(
                    Status::NotAvailable,
                    "DATA_NOT_AVAILABLE",
                    "the key's rotation status was not collected",
                ),
                Some(c) => match c.get() {
                    Err(e) => Finding::unreadable(
                        ResourceType::KmsKey,
                        k.key_arn.as_str(),
                        Some(region),
                        "the key's rotation status",
                        e,
                    ),
                    Ok(true) => key_f(
                        Status::Passed,
                        "KEY_ROTATION_ENABLED",
                        "automatic rotation is on",
                    ),
                    Ok(false) => key_f(
                        Status::Failed,
                        "KEY_ROTATION_DISABLED",
                        "automatic rotation is off",
                    ),
                },
            });
        }
        if out.len() == before {
            out.push(account_finding(
                s,
                Some(region),
                Status::Passed,
                "NO_CUSTOMER_KEYS",
                "no enabled customer-managed symmetric key in the region",
            ));
        }
    }
    out
}

/// What a flow log's status and traffic type say about 2.9.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlowLogState {
    /// Active, recording rejected (or all) traffic.
    Good,
    /// Inactive, or recording accepted traffic only.
    Insufficient,
    /// The status or the traffic type was not reported.
    Unknown,
}

fn flow_log_state(l: &super::snapshot::FlowLog) -> FlowLogState {
    let active = l.flow_log_status.as_deref().map(|st| st == "ACTIVE");
    let rejected = l
        .traffic_type
        .as_deref()
        .map(|t| matches!(t, "ALL" | "REJECT"));
    match (active, rejected) {
        (Some(true), Some(true)) => FlowLogState::Good,
        (Some(false), _) | (_, Some(false)) => FlowLogState::Insufficient,
        _ => FlowLogState::Unknown,
    }
}

/// 2.9: every VPC has an active flow log recording rejected traffic.
pub fn vpc_flow_logs(s: &Snapshot) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    let mut regions_read = 0usize;
    for r in &s.regions {
        let region = r.region.as_str();
        let unreadable = |what: &str, e: &CollectionError| {
            Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                what,
                e,
            )
        };
        let (vpcs, logs) = match (r.vpcs.get(), r.flow_logs.get()) {
            (Err(e), _) => {
                out.push(unreadable("the VPCs", e));
                continue;
            }
            (_, Err(e)) => {
                out.push(unreadable("the flow logs", e));
                continue;
            }
            (Ok(v), Ok(l)) => (v, l),
        };
        regions_read += 1;
        let mut by_vpc: HashMap<&str, Vec<&super::snapshot::FlowLog>> = HashMap::new();
        for l in logs {
            by_vpc.entry(l.resource_id.as_str()).or_default().push(l);
        }
        for v in vpcs {
            let arn = ec2_arn(s, region, "vpc", &v.vpc_id);
            let logs = by_vpc
                .get(v.vpc_id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let ids = |state: FlowLogState| {
                logs.iter()
                    .filter(|l| flow_log_state(l) == state)
                    .map(|l| l.flow_log_id.clone())
                    .collect::<Vec<_>>()
            };
            let vpc_f = |status: Status, code: &'static str, reason: &'static str| {
                Finding::new(
                    status,
                    ResourceType::Vpc,
                    arn.clone(),
                    Some(region),
                    code,
                    reason,
                )
            };
            let good = logs
                .iter()
                .find(|l| flow_log_state(l) == FlowLogState::Good);
            let unknown = ids(FlowLogState::Unknown);
            let f = match good {
                Some(l) => vpc_f(
                    Status::Passed,
                    "FLOW_LOGS_ENABLED",
                    "an active flow log records rejected traffic",
                )
                .with("flow_log_id", l.flow_log_id.as_str()),
                None if logs.is_empty() => vpc_f(
                    Status::Failed,
                    "FLOW_LOGS_NOT_ENABLED",
                    "the VPC has no flow log",
                ),
                None if !unknown.is_empty() => vpc_f(
                    Status::NotAvailable,
                    "FLOW_LOG_STATUS_UNKNOWN",
                    "the VPC's flow logs do not report their status or traffic type",
                )
                .with("flow_logs", unknown),
                None => vpc_f(
                    Status::Failed,
                    "FLOW_LOGS_INSUFFICIENT",
                    "the VPC's flow logs are inactive or record accepted traffic only",
                )
                .with("flow_logs", ids(FlowLogState::Insufficient)),
            };
            out.push(f);
        }
    }
    if regions_read > 0 && !out.iter().any(|f| f.resource_type == ResourceType::Vpc) {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_VPCS",
            "no VPC in the regions read",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::snapshot::{
        AdvancedFieldSelector, Collected, EventSelector, Grant, PublicAccessBlock,
    };
    use crate::audit::testkit::*;

    fn each_trail(s: &mut Snapshot, f: impl Fn(&mut Trail)) {
        for r in &mut s.regions {
            if let Collected::Ok(ts) = &mut r.trails {
                ts.iter_mut().for_each(&f);
            }
        }
    }

    #[test]
    fn trails_are_deduplicated() {
        let s = compliant();
        let t = Trails::of(&s);
        assert_eq!(t.trails.len(), 1);
        assert!(t.errors.is_empty());
    }

    #[test]
    fn management_event_selectors() {
        let basic = |rw: &str, inc: bool, ex: &[&str]| EventSelectors {
            event_selectors: vec![EventSelector {
                read_write_type: rw.into(),
                include_management_events: inc,
                exclude_management_event_sources: ex.iter().map(|s| s.to_string()).collect(),
                data_resources: vec![],
            }],
            advanced_event_selectors: vec![],
        };
        assert!(records_all_management_events(&EventSelectors::default()));
        assert!(records_all_management_events(&basic("All", true, &[])));
        assert!(!records_all_management_events(&basic(
            "WriteOnly",
            true,
            &[]
        )));
        assert!(!records_all_management_events(&basic("All", false, &[])));
        assert!(!records_all_management_events(&basic(
            "All",
            true,
            &["kms.amazonaws.com"]
        )));
        let field = |f: &str, eq: &[&str]| AdvancedFieldSelector {
            field: f.into(),
            equals: eq.iter().map(|s| s.to_string()).collect(),
            starts_with: vec![],
            ends_with: vec![],
            not_equals: vec![],
            not_starts_with: vec![],
            not_ends_with: vec![],
        };
        let adv = |fs: Vec<AdvancedFieldSelector>| EventSelectors {
            event_selectors: vec![],
            advanced_event_selectors: vec![AdvancedEventSelector {
                name: None,
                field_selectors: fs,
            }],
        };
        assert!(records_all_management_events(&adv(vec![field(
            "eventCategory",
            &["Management"]
        )])));
        assert!(!records_all_management_events(&adv(vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["true"])
        ])));
        assert!(!records_all_management_events(&adv(vec![field(
            "eventCategory",
            &["Data"]
        )])));
    }

    #[test]
    fn cloudtrail_all_regions_cases() {
        let mut s = compliant();
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::NotAvailable);
        each_trail(&mut s, |t| t.is_multi_region_trail = false);
        let f = cloudtrail_all_regions(&s);
        assert_eq!(f[0].reason_code, "CLOUDTRAIL_MULTI_REGION_NOT_PRESENT");
        for r in &mut s.regions {
            r.trails = Collected::Ok(vec![]);
        }
        assert_eq!(
            cloudtrail_all_regions(&s)[0].reason_code,
            "CLOUDTRAIL_NOT_PRESENT"
        );
        s.regions[0].trails = Collected::Error(denied("cloudtrail", "DescribeTrails"));
        assert_eq!(status(&cloudtrail_all_regions(&s)), Status::NotAvailable);
    }

    #[test]
    fn per_trail_checks() {
        let mut s = compliant();
        assert_eq!(status(&log_file_validation(&s)), Status::Passed);
        assert_eq!(status(&cloudwatch_logs_integration(&s)), Status::Passed);
        assert_eq!(status(&trail_kms_encryption(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.log_file_validation_enabled = false;
            t.kms_key_id = None;
        });
        assert_eq!(status(&log_file_validation(&s)), Status::Failed);
        assert_eq!(status(&trail_kms_encryption(&s)), Status::Failed);
        each_trail(&mut s, |t| t.cloud_watch_logs_log_group_arn = None);
        assert_eq!(status(&cloudwatch_logs_integration(&s)), Status::Failed);
        assert_eq!(status(&cloudwatch_logs_integration_cis(&s)), Status::Failed);
    }

    fn set_delivery(s: &mut Snapshot, when: Option<&str>) {
        each_trail(s, |t| {
            if let Collected::Ok(st) = &mut t.status {
                st.latest_cloud_watch_logs_delivery_time =
                    when.map(|w| crate::audit::Timestamp::parse(w).unwrap());
            }
        });
    }

    /// Security Hub's 2.4 asks for a log group only; the delivery facts are
    /// evidence. (The snapshot was taken 2026-11-20T09:30Z.)
    #[test]
    fn cloudwatch_logs_security_hub_reads_the_log_group_only() {
        let mut s = compliant();
        set_delivery(&mut s, None);
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(f[0].reason_code, "CLOUDWATCH_LOGS_CONFIGURED");
        assert_eq!(f[0].evidence["latest_delivery"], Value::Null);
        assert_eq!(f[0].evidence["procedure"], "securityhub");
        set_delivery(&mut s, Some("2026-11-18T09:00:00Z"));
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(f[0].evidence["latest_delivery"], "2026-11-18T09:00:00Z");
        assert_eq!(f[0].evidence["latest_delivery_age_days"], 2);
        assert!(f[0].reason.contains("2 day(s)"), "{}", f[0].reason);
        // The status only adds facts: unreadable, the log group still decides.
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(
            f[0].evidence["delivery_status_error"]["operation"],
            "GetTrailStatus"
        );
    }

    /// The CIS procedure also asks for a delivery within the last day.
    #[test]
    fn cloudwatch_logs_cis_asks_for_a_recent_delivery() {
        let mut s = compliant();
        let f = cloudwatch_logs_integration_cis(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Passed, "CLOUDWATCH_LOGS_DELIVERING")
        );
        assert_eq!(f[0].evidence["procedure"], "cis");
        set_delivery(&mut s, None);
        assert_eq!(
            cloudwatch_logs_integration_cis(&s)[0].reason_code,
            "CLOUDWATCH_LOGS_NO_DELIVERY"
        );
        set_delivery(&mut s, Some("2026-11-18T09:00:00Z"));
        let f = cloudwatch_logs_integration_cis(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Failed, "CLOUDWATCH_LOGS_DELIVERY_STALE")
        );
        assert_eq!(f[0].evidence["latest_delivery_age_days"], 2);
        // Exactly a day old is still within the day.
        set_delivery(&mut s, Some("2026-11-19T09:30:00Z"));
        assert_eq!(status(&cloudwatch_logs_integration_cis(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        assert_eq!(
            status(&cloudwatch_logs_integration_cis(&s)),
            Status::NotAvailable
        );
    }

    #[test]
    fn bucket_public_cases() {
        let mut s = compliant();
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::Passed);
        let Collected::Ok(acl) = &mut s.s3.buckets[0].acl else {
            panic!()
        };
        acl.grants.push(Grant {
            grantee_type: "Group".into(),
            grantee_id: None,
            grantee_uri: Some(PUBLIC_GROUPS[0].into()),
            permission: "READ".into(),
        });
        // Blocked by IgnorePublicAcls; the CIS procedure ignores the block.
        assert_eq!(
            trail_bucket_not_public(&s)[0].reason_code,
            "BUCKET_PUBLIC_ACCESS_BLOCKED"
        );
        let f = trail_bucket_not_public_cis(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Failed, "BUCKET_PUBLIC")
        );
        assert_eq!(f[0].evidence["ignore_public_acls"], true);
        s.s3.buckets[0].public_access_block = Collected::Ok(None);
        s.s3.account_public_access_block = Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: false,
            block_public_policy: true,
            restrict_public_buckets: true,
        }));
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::Failed);
        s.s3.account_public_access_block =
            Collected::Error(denied("s3control", "GetPublicAccessBlock"));
        // The CIS procedure does not look at Block Public Access.
        assert_eq!(status(&trail_bucket_not_public_cis(&s)), Status::Failed);
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
        s.s3.buckets[0].acl = Collected::Error(denied("s3", "GetBucketAcl"));
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
        s.s3.buckets.clear();
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
    }

    /// A bucket policy that is not a policy document cannot pass.
    #[test]
    fn bucket_policy_without_statements_is_not_available() {
        let mut s = compliant();
        s.s3.buckets[0].policy = Collected::Ok(Some(json!({"Version": "2012-10-17"})));
        let f = trail_bucket_not_public(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::NotAvailable, "BUCKET_POLICY_UNREADABLE")
        );
        s.s3.buckets[0].policy = Collected::Ok(Some(json!("{not json")));
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
        // Policy text is read as JSON.
        s.s3.buckets[0].public_access_block = Collected::Ok(None);
        s.s3.account_public_access_block = Collected::Ok(None);
        s.s3.buckets[0].policy = Collected::Ok(Some(json!(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}"#
        )));
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::Failed);
    }

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

    #[test]
    fn a_missing_trail_bucket_fails_2_3_and_2_6() {
        let mut s = compliant();
        let name = s.s3.buckets[0].name.clone();
        s.s3.buckets.clear();
        s.s3.missing_buckets = vec![name];
        for f in [trail_bucket_not_public(&s), trail_bucket_logging(&s)] {
            assert_eq!(status(&f), Status::Failed);
            assert_eq!(f[0].reason_code, "BUCKET_NOT_FOUND");
        }
    }

    #[test]
    fn bucket_logging_cases() {
        let mut s = compliant();
        assert_eq!(status(&trail_bucket_logging(&s)), Status::Passed);
        s.s3.buckets[0].logging = Collected::Ok(None);
        assert_eq!(status(&trail_bucket_logging(&s)), Status::Failed);
        s.s3.buckets[0].logging = Collected::Error(denied("s3", "GetBucketLogging"));
        assert_eq!(status(&trail_bucket_logging(&s)), Status::NotAvailable);
    }

    fn recorder(s: &mut Snapshot, region: usize) -> &mut crate::audit::snapshot::ConfigRecorder {
        let Collected::Ok(rec) = &mut s.regions[region].config_recorders else {
            panic!()
        };
        &mut rec[0]
    }

    fn recorder_status(
        s: &mut Snapshot,
        region: usize,
    ) -> &mut crate::audit::snapshot::ConfigRecorderStatus {
        let Collected::Ok(st) = &mut s.regions[region].config_recorder_statuses else {
            panic!()
        };
        &mut st[0]
    }

    fn set_globals(s: &mut Snapshot, region: usize, on: bool) {
        recorder(s, region)
            .recording_group
            .as_mut()
            .unwrap()
            .include_global_resource_types = on;
    }

    #[test]
    fn config_cases() {
        let mut s = compliant();
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        assert_eq!(config_enabled(&s).len(), s.regions.len());
        recorder_status(&mut s, 1).last_status = Some("FAILURE".into());
        recorder(&mut s, 2)
            .recording_group
            .as_mut()
            .unwrap()
            .all_supported = false;
        s.regions[3].delivery_channels = Collected::Ok(vec![]);
        s.regions[0].config_recorders =
            Collected::Error(denied("config", "DescribeConfigurationRecorders"));
        let f = config_enabled(&s);
        let codes: Vec<_> = f.iter().map(|f| f.reason_code).collect();
        assert_eq!(
            codes,
            [
                "DATA_NOT_AVAILABLE",
                "CONFIG_RECORDER_FAILING",
                "CONFIG_RECORDER_INCOMPLETE",
                "CONFIG_DELIVERY_CHANNEL_NOT_PRESENT",
                // No readable region records the globals; the unread one may.
                "DATA_NOT_AVAILABLE",
            ]
        );
        assert_eq!(f[4].region, None);
        assert_eq!(f[4].evidence["unreadable_regions"], json!(["us-east-1"]));
    }

    /// Global resource types need recording in one region only; a region
    /// without them is not a failure while another records them.
    #[test]
    fn config_global_resources_in_one_region() {
        let mut s = compliant();
        for r in 1..s.regions.len() {
            set_globals(&mut s, r, false);
        }
        let f = config_enabled(&s);
        assert_eq!(status(&f), Status::Passed, "{f:#?}");
        assert_eq!(f.len(), s.regions.len());
        assert_eq!(f[1].evidence["include_global_resource_types"], false);
        // No region records them: one account-level finding fails.
        set_globals(&mut s, 0, false);
        let f = config_enabled(&s);
        assert_eq!(status(&f), Status::Failed);
        let failed = with_status(&f, Status::Failed);
        assert_eq!(failed.len(), 1);
        assert_eq!(
            failed[0].reason_code,
            "CONFIG_GLOBAL_RESOURCES_NOT_RECORDED"
        );
        assert_eq!(failed[0].region, None);
        assert_eq!(failed[0].resource, "AWS::::Account:409318256711");
        // A recorder that records them but is stopped does not count.
        set_globals(&mut s, 0, true);
        recorder_status(&mut s, 0).recording = false;
        let codes: Vec<_> = config_enabled(&s)
            .iter()
            .map(|f| f.reason_code)
            .filter(|c| *c != "CONFIG_ENABLED")
            .collect();
        assert_eq!(
            codes,
            [
                "CONFIG_RECORDER_NOT_RECORDING",
                "CONFIG_GLOBAL_RESOURCES_NOT_RECORDED"
            ]
        );
    }

    /// The CIS procedure asks for last status SUCCESS; Security Hub only for
    /// "not FAILURE".
    #[test]
    fn config_cis_asks_for_success() {
        let mut s = compliant();
        assert_eq!(status(&config_enabled_cis(&s)), Status::Passed);
        recorder_status(&mut s, 1).last_status = Some("PENDING".into());
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        let f = config_enabled_cis(&s);
        assert_eq!(status(&f), Status::Failed);
        assert_eq!(f[1].reason_code, "CONFIG_RECORDER_NOT_SUCCEEDED");
        assert_eq!(f[1].evidence["last_status"], "PENDING");
        assert_eq!(f[1].evidence["procedure"], "cis");
        recorder_status(&mut s, 1).last_status = None;
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        assert_eq!(status(&config_enabled_cis(&s)), Status::Failed);
    }

    #[test]
    fn kms_rotation_cases() {
        let mut s = compliant();
        let f = kms_rotation(&s);
        assert_eq!(status(&f), Status::Passed);
        // The AWS-managed and the asymmetric keys are not judged.
        assert_eq!(
            with_status(&f, Status::Passed)
                .iter()
                .filter(|f| f.resource.contains(":key/"))
                .count(),
            2
        );
        let set = |s: &mut Snapshot, v: Option<Collected<bool>>| {
            let Collected::Ok(keys) = &mut s.regions[1].kms_keys else {
                panic!()
            };
            let k = keys
                .iter_mut()
                .find(|k| k.metadata.ok().unwrap().key_manager == "CUSTOMER")
                .unwrap();
            k.rotation_enabled = v;
        };
        set(&mut s, Some(Collected::Ok(false)));
        assert_eq!(status(&kms_rotation(&s)), Status::Failed);
        set(
            &mut s,
            Some(Collected::Error(denied("kms", "GetKeyRotationStatus"))),
        );
        assert_eq!(status(&kms_rotation(&s)), Status::NotAvailable);
        set(&mut s, None);
        assert_eq!(status(&kms_rotation(&s)), Status::NotAvailable);
    }

    #[test]
    fn flow_log_cases() {
        let mut s = compliant();
        assert_eq!(status(&vpc_flow_logs(&s)), Status::Passed);
        let Collected::Ok(logs) = &mut s.regions[0].flow_logs else {
            panic!()
        };
        logs[0].traffic_type = Some("ACCEPT".into());
        logs.remove(1);
        let f = vpc_flow_logs(&s);
        assert_eq!(
            about(&f, "vpc/vpc-0a1b2c3d4e5f60718").reason_code,
            "FLOW_LOGS_INSUFFICIENT"
        );
        assert_eq!(
            about(&f, "vpc/vpc-04d2c7e9a1b3f5d6e").reason_code,
            "FLOW_LOGS_NOT_ENABLED"
        );
        s.regions[0].flow_logs = Collected::Error(denied("ec2", "DescribeFlowLogs"));
        assert_eq!(
            with_status(&vpc_flow_logs(&s), Status::NotAvailable).len(),
            1
        );
    }

    /// A flow log that does not report its status or traffic type is
    /// unknown, never active.
    #[test]
    fn flow_log_status_unknown() {
        let vpc = "vpc/vpc-0a1b2c3d4e5f60718";
        fn only_log(s: &mut Snapshot) -> &mut crate::audit::snapshot::FlowLog {
            let Collected::Ok(logs) = &mut s.regions[0].flow_logs else {
                panic!()
            };
            let mut mine = logs
                .iter_mut()
                .filter(|l| l.resource_id == "vpc-0a1b2c3d4e5f60718");
            let log = mine.next().unwrap();
            assert!(mine.next().is_none());
            log
        }
        let mut s = compliant();
        only_log(&mut s).flow_log_status = None;
        let f = vpc_flow_logs(&s);
        assert_eq!(
            (about(&f, vpc).status, about(&f, vpc).reason_code),
            (Status::NotAvailable, "FLOW_LOG_STATUS_UNKNOWN")
        );
        assert_eq!(status(&f), Status::NotAvailable);
        let mut s = compliant();
        only_log(&mut s).traffic_type = None;
        assert_eq!(about(&vpc_flow_logs(&s), vpc).status, Status::NotAvailable);
        // Known to record accepted traffic only: insufficient whatever the status.
        let mut s = compliant();
        let l = only_log(&mut s);
        l.flow_log_status = None;
        l.traffic_type = Some("ACCEPT".into());
        assert_eq!(
            about(&vpc_flow_logs(&s), vpc).reason_code,
            "FLOW_LOGS_INSUFFICIENT"
        );
    }

    /// With no region in the snapshot nothing regional was read: no check
    /// over the regions passes.
    #[test]
    fn no_region_read_is_not_a_pass() {
        let mut s = compliant();
        s.regions.clear();
        for check in [
            cloudtrail_all_regions,
            log_file_validation,
            trail_bucket_not_public,
            trail_bucket_not_public_cis,
            cloudwatch_logs_integration,
            cloudwatch_logs_integration_cis,
            config_enabled,
            config_enabled_cis,
            trail_bucket_logging,
            trail_kms_encryption,
            kms_rotation,
            vpc_flow_logs,
        ] {
            let f = check(&s);
            assert_eq!(status(&f), Status::NotAvailable, "{f:#?}");
            assert!(f[0].reason.contains("no region"), "{}", f[0].reason);
        }
    }

    /// A region that was read and has no VPC is a fact, not a gap.
    #[test]
    fn no_vpcs_in_regions_read_passes() {
        let mut s = compliant();
        for r in &mut s.regions {
            r.vpcs = Collected::Ok(vec![]);
            r.flow_logs = Collected::Ok(vec![]);
        }
        let f = vpc_flow_logs(&s);
        assert_eq!((status(&f), f[0].reason_code), (Status::Passed, "NO_VPCS"));
        s.regions[0].vpcs = Collected::Error(denied("ec2", "DescribeVpcs"));
        assert_eq!(status(&vpc_flow_logs(&s)), Status::NotAvailable);
    }
}
