//! Section 2: logging — CloudTrail, its S3 bucket, AWS Config, KMS rotation
//! and VPC flow logs.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::common::{account_finding, account_resource, ec2_arn, readable};
use super::finding::{Finding, ResourceType, Status, error_json};
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
    /// trails could not be listed.
    pub fn none_finding(&self, s: &Snapshot) -> Finding {
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

/// 2.4: every trail delivers to CloudWatch Logs, and did so within the last day.
pub fn cloudwatch_logs_integration(s: &Snapshot) -> Vec<Finding> {
    per_trail(s, |t| {
        let Some(lg) = &t.cloud_watch_logs_log_group_arn else {
            return trail_finding(
                t,
                Status::Failed,
                "CLOUDWATCH_LOGS_NOT_CONFIGURED",
                "the trail sends no events to CloudWatch Logs",
            );
        };
        let status = match t.status.get() {
            Err(e) => {
                return Finding::unreadable(
                    ResourceType::Trail,
                    t.trail_arn.as_str(),
                    Some(&t.home_region),
                    "the trail status",
                    e,
                )
                .with("log_group", lg.as_str());
            }
            Ok(st) => st,
        };
        match &status.latest_cloud_watch_logs_delivery_time {
            None => trail_finding(
                t,
                Status::Failed,
                "CLOUDWATCH_LOGS_NO_DELIVERY",
                "the trail names a log group but has never delivered to it",
            ),
            Some(when) if when.seconds_until(&s.taken_at) > 86_400 => trail_finding(
                t,
                Status::Failed,
                "CLOUDWATCH_LOGS_DELIVERY_STALE",
                format!(
                    "the last delivery to CloudWatch Logs was {} day(s) before the snapshot",
                    when.days_until(&s.taken_at)
                ),
            )
            .with("latest_delivery", when.as_str()),
            Some(when) => trail_finding(
                t,
                Status::Passed,
                "CLOUDWATCH_LOGS_DELIVERING",
                "the trail delivers to CloudWatch Logs (last delivery within a day)",
            )
            .with("latest_delivery", when.as_str()),
        }
        .with("log_group", lg.as_str())
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

fn principal_is_public(p: Option<&Value>) -> bool {
    match p {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => m.get("AWS").is_some_and(|v| match v {
            Value::String(s) => s == "*",
            Value::Array(a) => a.iter().any(|x| x.as_str() == Some("*")),
            _ => false,
        }),
        _ => false,
    }
}

/// The `Sid`s (or indexes) of statements allowing a `*` principal without a condition.
pub fn public_policy_statements(policy: &Value) -> Vec<String> {
    let sts = match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    sts.into_iter()
        .enumerate()
        .filter(|(_, st)| {
            st.get("Effect").and_then(Value::as_str) == Some("Allow")
                && principal_is_public(st.get("Principal"))
                && st
                    .get("Condition")
                    .is_none_or(|c| c.as_object().is_none_or(|m| m.is_empty()))
        })
        .map(|(i, st)| {
            st.get("Sid")
                .and_then(Value::as_str)
                .map_or_else(|| format!("statement {i}"), str::to_owned)
        })
        .collect()
}

/// 2.3: the trails' buckets are not publicly accessible.
pub fn trail_bucket_not_public(s: &Snapshot) -> Vec<Finding> {
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
        let public_statements = policy
            .as_ref()
            .map(public_policy_statements)
            .unwrap_or_default();
        if public_grants.is_empty() && public_statements.is_empty() {
            return bucket_finding(
                s,
                b,
                Status::Passed,
                "BUCKET_NOT_PUBLIC",
                "neither the ACL nor the policy grants public access",
            );
        }
        // Block Public Access (bucket or account) may neutralise them.
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
        let acl_public = !public_grants.is_empty() && !ignore_acls;
        let policy_public = !public_statements.is_empty() && !restrict_policy;
        let evidence = |f: Finding| {
            f.with("public_acl_grants", public_grants.clone())
                .with("public_policy_statements", public_statements.clone())
                .with("ignore_public_acls", ignore_acls)
                .with("restrict_public_buckets", restrict_policy)
        };
        if acl_public || policy_public {
            // A block we could not read might still neutralise it.
            let unread = b
                .public_access_block
                .error()
                .or(s.s3.account_public_access_block.error());
            if let Some(e) = unread {
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
                    _ => "the bucket policy allows any principal without a condition",
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

/// 2.5: AWS Config records everything, globals included, in every region.
pub fn config_enabled(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
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
                continue;
            }
            (_, Err(e), _) => {
                out.push(unreadable("the recorder status", e));
                continue;
            }
            (_, _, Err(e)) => {
                out.push(unreadable("the delivery channels", e));
                continue;
            }
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
        };
        let fail = |code: &'static str, reason: &'static str| {
            account_finding(s, Some(region), Status::Failed, code, reason)
        };
        let f =
            if recorders.is_empty() {
                fail("CONFIG_RECORDER_NOT_PRESENT", "no configuration recorder")
            } else {
                let complete = recorders.iter().find(|rec| {
                    rec.recording_group
                        .as_ref()
                        .is_some_and(|g| g.all_supported && g.include_global_resource_types)
                });
                match complete {
                    None => fail(
                        "CONFIG_RECORDER_INCOMPLETE",
                        "the recorder does not record all resource types including global ones",
                    ),
                    Some(rec) => {
                        let st = statuses.iter().find(|st| st.name == rec.name);
                        match st {
                        None => fail("CONFIG_RECORDER_NOT_RECORDING", "the recorder has no status"),
                        Some(st) if !st.recording => {
                            fail("CONFIG_RECORDER_NOT_RECORDING", "the recorder is not recording")
                        }
                        Some(st)
                            if st
                                .last_status
                                .as_deref()
                                .is_some_and(|l| l.eq_ignore_ascii_case("failure")) =>
                        {
                            fail("CONFIG_RECORDER_FAILING", "the recorder's last status is FAILURE")
                                .with("last_error_code", st.last_error_code.clone())
                        }
                        Some(_) if channels.is_empty() => {
                            fail("CONFIG_DELIVERY_CHANNEL_NOT_PRESENT", "no delivery channel")
                        }
                        Some(_) => account_finding(
                            s,
                            Some(region),
                            Status::Passed,
                            "CONFIG_ENABLED",
                            "AWS Config records all resources, global ones included, and delivers",
                        ),
                    }
                    .with("recorder", rec.name.as_str())
                    }
                }
            };
        out.push(f);
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::NotAvailable,
            "DATA_NOT_AVAILABLE",
            "the snapshot covers no region",
        ));
    }
    out
}

/// 2.8: rotation is on for every enabled, customer-managed, symmetric key.
pub fn kms_rotation(s: &Snapshot) -> Vec<Finding> {
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

/// 2.9: every VPC has an active flow log recording rejected traffic.
pub fn vpc_flow_logs(s: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
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
            let good = logs.iter().find(|l| {
                l.flow_log_status.as_deref().is_none_or(|st| st == "ACTIVE")
                    && matches!(l.traffic_type.as_deref(), Some("ALL" | "REJECT") | None)
            });
            let f = match good {
                Some(l) => Finding::new(
                    Status::Passed,
                    ResourceType::Vpc,
                    arn,
                    Some(region),
                    "FLOW_LOGS_ENABLED",
                    "an active flow log records rejected traffic",
                )
                .with("flow_log_id", l.flow_log_id.as_str()),
                None if logs.is_empty() => Finding::new(
                    Status::Failed,
                    ResourceType::Vpc,
                    arn,
                    Some(region),
                    "FLOW_LOGS_NOT_ENABLED",
                    "the VPC has no flow log",
                ),
                None => Finding::new(
                    Status::Failed,
                    ResourceType::Vpc,
                    arn,
                    Some(region),
                    "FLOW_LOGS_INSUFFICIENT",
                    "the VPC's flow logs are inactive or record accepted traffic only",
                )
                .with(
                    "flow_logs",
                    logs.iter()
                        .map(|l| l.flow_log_id.clone())
                        .collect::<Vec<_>>(),
                ),
            };
            out.push(f);
        }
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_VPCS",
            "no VPC in the regions looked at",
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
        // Delivery older than a day.
        each_trail(&mut s, |t| {
            if let Collected::Ok(st) = &mut t.status {
                st.latest_cloud_watch_logs_delivery_time =
                    Some(crate::audit::Timestamp::parse("2026-11-18T09:00:00Z").unwrap());
            }
        });
        assert_eq!(
            cloudwatch_logs_integration(&s)[0].reason_code,
            "CLOUDWATCH_LOGS_DELIVERY_STALE"
        );
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        assert_eq!(
            status(&cloudwatch_logs_integration(&s)),
            Status::NotAvailable
        );
        each_trail(&mut s, |t| t.cloud_watch_logs_log_group_arn = None);
        assert_eq!(status(&cloudwatch_logs_integration(&s)), Status::Failed);
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
        // Blocked by IgnorePublicAcls.
        assert_eq!(
            trail_bucket_not_public(&s)[0].reason_code,
            "BUCKET_PUBLIC_ACCESS_BLOCKED"
        );
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
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
        s.s3.buckets[0].acl = Collected::Error(denied("s3", "GetBucketAcl"));
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
        s.s3.buckets.clear();
        assert_eq!(status(&trail_bucket_not_public(&s)), Status::NotAvailable);
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
    fn public_policy_detection() {
        let p = json!({"Statement":[
            {"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
            {"Sid":"B","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
            {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"},
            {"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"},
            {"Sid":"E","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:*","Resource":"*"}
        ]});
        assert_eq!(public_policy_statements(&p), vec!["A", "statement 2"]);
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

    #[test]
    fn config_cases() {
        let mut s = compliant();
        assert_eq!(status(&config_enabled(&s)), Status::Passed);
        assert_eq!(config_enabled(&s).len(), s.regions.len());
        let Collected::Ok(st) = &mut s.regions[1].config_recorder_statuses else {
            panic!()
        };
        st[0].last_status = Some("FAILURE".into());
        let Collected::Ok(rec) = &mut s.regions[2].config_recorders else {
            panic!()
        };
        rec[0]
            .recording_group
            .as_mut()
            .unwrap()
            .include_global_resource_types = false;
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
                "CONFIG_DELIVERY_CHANNEL_NOT_PRESENT"
            ]
        );
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
}
