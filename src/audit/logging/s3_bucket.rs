//! 2.3 and 2.6: the trails' S3 buckets are not public and log access.

use super::cloudtrail::Trails;
use super::public_policy::{PUBLIC_GROUPS, public_policy_statements};
use crate::audit::Procedure;
use crate::audit::common::account_finding;
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{Bucket, BucketAcl, CollectionError, PublicAccessBlock, Snapshot, Trail};

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
                reason::BUCKET_NOT_FOUND,
                "the trail's bucket does not exist: the trail delivers no log files, and \
                 whoever creates a bucket of that name may receive them",
            ),
            None => Finding::new(
                Status::NotAvailable,
                ResourceType::S3Bucket,
                arn,
                None,
                reason::DATA_NOT_AVAILABLE,
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
            reason::DATA_NOT_AVAILABLE,
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

/// The row of [`trail_bucket_not_public`] and its CIS-procedure variant [`trail_bucket_not_public_cis`].
pub static TRAIL_BUCKET_NOT_PUBLIC: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_BUCKET_NOT_PUBLIC,
    how: How::Procedures {
        securityhub: trail_bucket_not_public,
        cis: trail_bucket_not_public_cis,
    },
    resource_type: ResourceType::S3Bucket,
    reasons: &[
        reason::BUCKET_NOT_FOUND,
        reason::BUCKET_NOT_PUBLIC,
        reason::BUCKET_POLICY_UNREADABLE,
        reason::BUCKET_PUBLIC,
        reason::BUCKET_PUBLIC_ACCESS_BLOCKED,
    ],
};

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
    per_bucket(s, |b| judge_bucket_exposure(s, b, procedure))
}

/// 2.3 for one bucket: read its ACL and policy, find the public grants, then
/// weigh them against Block Public Access.
fn judge_bucket_exposure(s: &Snapshot, b: &Bucket, procedure: Procedure) -> Finding {
    let cis = procedure == Procedure::Cis;
    let acl = match b.acl.get() {
        Err(e) => return bucket_unreadable(s, b, "the bucket ACL", e),
        Ok(a) => a,
    };
    let policy = match b.policy.get() {
        Err(e) => return bucket_unreadable(s, b, "the bucket policy", e),
        Ok(p) => p,
    };
    let public_grants = public_acl_grants(acl);
    let public_statements = match policy.as_ref().map(|p| public_policy_statements(p, cis)) {
        None => Vec::new(),
        Some(Ok(list)) => list,
        Some(Err(why)) => {
            return bucket_finding(
                s,
                b,
                Status::NotAvailable,
                reason::BUCKET_POLICY_UNREADABLE,
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
            reason::BUCKET_NOT_PUBLIC,
            "neither the ACL nor the policy grants public access",
        )
        .with("procedure", procedure.as_str());
    }
    weigh_public_grants(s, b, procedure, public_grants, public_statements)
}

/// A finding for a bucket item that could not be read.
fn bucket_unreadable(s: &Snapshot, b: &Bucket, what: &str, e: &CollectionError) -> Finding {
    Finding::unreadable(
        ResourceType::S3Bucket,
        format!("arn:{}:s3:::{}", s.partition, b.name),
        None,
        what,
        e,
    )
}

/// The ACL's grants to AllUsers or AuthenticatedUsers, as `PERMISSION to URI`.
fn public_acl_grants(acl: &BucketAcl) -> Vec<String> {
    acl.grants
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
        .collect()
}

/// Public grants exist: FAILED unless Block Public Access (bucket or account)
/// neutralises them, which the CIS procedure does not look at.
fn weigh_public_grants(
    s: &Snapshot,
    b: &Bucket,
    procedure: Procedure,
    public_grants: Vec<String>,
    public_statements: Vec<String>,
) -> Finding {
    let cis = procedure == Procedure::Cis;
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
    if !(acl_public || policy_public) {
        return evidence(bucket_finding(
            s,
            b,
            Status::Passed,
            reason::BUCKET_PUBLIC_ACCESS_BLOCKED,
            "public grants exist but Block Public Access neutralises them",
        ));
    }
    // A block we could not read might still neutralise it.
    let unread = b
        .public_access_block
        .error()
        .or(s.s3.account_public_access_block.error());
    if let Some(e) = unread.filter(|_| !cis) {
        return evidence(bucket_unreadable(s, b, "the public access block", e));
    }
    evidence(bucket_finding(
        s,
        b,
        Status::Failed,
        reason::BUCKET_PUBLIC,
        match (acl_public, policy_public) {
            (true, true) => "the bucket ACL and policy grant public access",
            (true, false) => "the bucket ACL grants public access",
            _ if cis => "the bucket policy allows a public principal",
            _ => "the bucket policy allows a public principal without a condition that limits it",
        },
    ))
}

/// The row of [`trail_bucket_logging`].
pub static TRAIL_BUCKET_LOGGING: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_BUCKET_LOGGING,
    how: How::Check(trail_bucket_logging),
    resource_type: ResourceType::S3Bucket,
    reasons: &[
        reason::BUCKET_LOGGING_DISABLED,
        reason::BUCKET_LOGGING_ENABLED,
        reason::BUCKET_NOT_FOUND,
    ],
};

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
            reason::BUCKET_LOGGING_ENABLED,
            "server access logging is on",
        )
        .with("target_bucket", l.target_bucket.as_str()),
        Ok(None) => bucket_finding(
            s,
            b,
            Status::Failed,
            reason::BUCKET_LOGGING_DISABLED,
            "server access logging is off",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::{Collected, Grant, PublicAccessBlock};
    use serde_json::json;

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
}
