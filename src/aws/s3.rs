//! S3: the account-level public access block (S3 Control) and, for every
//! bucket a trail delivers to, its ACL, policy, public access block and
//! access logging. Bucket calls go to the bucket's own region.

use futures_util::future::join_all;

use crate::snapshot as m;

use super::Collector;
use super::call::{CODE_BAD_RESPONSE, CallError};

fn opt(v: Option<&str>) -> Option<String> {
    v.map(str::to_owned)
}

/// The region of a bucket from its `LocationConstraint` (absent or empty:
/// `us-east-1`; the legacy `EU`: `eu-west-1`).
pub fn bucket_region(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(r) => r.to_owned(),
    }
}

fn pab(
    c: Option<&aws_sdk_s3::types::PublicAccessBlockConfiguration>,
) -> Option<m::PublicAccessBlock> {
    c.map(|c| m::PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    })
}

impl Collector {
    /// The account-level public access block.
    pub(crate) async fn account_public_access_block(
        &self,
    ) -> m::Collected<Option<m::PublicAccessBlock>> {
        let r = self
            .ctx
            .call(
                "s3control",
                "GetPublicAccessBlock",
                &self.home,
                self.global
                    .s3control
                    .get_public_access_block()
                    .account_id(&self.account_id)
                    .send(),
            )
            .await;
        match r {
            Ok(o) => m::Collected::Ok(o.public_access_block_configuration().map(|c| {
                m::PublicAccessBlock {
                    block_public_acls: c.block_public_acls().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                }
            })),
            Err(e) if e.is("NoSuchPublicAccessBlockConfiguration") => m::Collected::Ok(None),
            Err(e) => self.fail(e),
        }
    }

    /// The buckets named by `names`, concurrently, and the names of those
    /// that S3 says do not exist (`NoSuchBucket`).
    pub(crate) async fn buckets(&self, names: &[String]) -> (Vec<m::Bucket>, Vec<String>) {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for (name, b) in names
            .iter()
            .zip(join_all(names.iter().map(|n| self.bucket(n))).await)
        {
            match b {
                Some(b) => found.push(b),
                None => missing.push(name.clone()),
            }
        }
        (found, missing)
    }

    /// The bucket, or `None` when S3 answers `NoSuchBucket` to any call
    /// (deleted before, or while, it was read).
    async fn bucket(&self, name: &str) -> Option<m::Bucket> {
        // S3 answers bucket calls only in the bucket's region.
        let region = match self.bucket_location(name).await {
            Ok(region) => region,
            Err(e) if e.is("NoSuchBucket") => return None,
            // Without the region every bucket call would fail the same way.
            Err(e) => return Some(unreadable_bucket(name, self.fail_err(e))),
        };
        let s3 = self.clients(&region).s3;
        let (acl, policy, block, logging) = tokio::join!(
            self.ctx.call(
                "s3",
                "GetBucketAcl",
                &region,
                s3.get_bucket_acl().bucket(name).send()
            ),
            self.ctx.call(
                "s3",
                "GetBucketPolicy",
                &region,
                s3.get_bucket_policy().bucket(name).send()
            ),
            self.ctx.call(
                "s3",
                "GetPublicAccessBlock",
                &region,
                s3.get_public_access_block().bucket(name).send()
            ),
            self.ctx.call(
                "s3",
                "GetBucketLogging",
                &region,
                s3.get_bucket_logging().bucket(name).send()
            ),
        );
        if [
            acl.as_ref().err(),
            policy.as_ref().err(),
            block.as_ref().err(),
            logging.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        .any(|e| e.is("NoSuchBucket"))
        {
            return None;
        }
        let acl = acl.map(|o| bucket_acl(&o));
        let policy = self.bucket_policy(policy, &region, name);
        let public_access_block = match block {
            Ok(o) => m::Collected::Ok(pab(o.public_access_block_configuration())),
            Err(e) if e.is("NoSuchPublicAccessBlockConfiguration") => m::Collected::Ok(None),
            Err(e) => self.fail(e),
        };
        let logging = logging.map(|o| {
            o.logging_enabled().map(|l| m::BucketLogging {
                target_bucket: l.target_bucket().to_owned(),
                target_prefix: l.target_prefix().to_owned(),
            })
        });
        Some(m::Bucket {
            name: name.to_owned(),
            acl: self.collected(acl),
            policy,
            public_access_block,
            logging: self.collected(logging),
        })
    }

    /// The bucket's region (`GetBucketLocation`, asked in the home region).
    async fn bucket_location(&self, name: &str) -> Result<String, CallError> {
        self.ctx
            .call(
                "s3",
                "GetBucketLocation",
                &self.home,
                self.clients(&self.home)
                    .s3
                    .get_bucket_location()
                    .bucket(name)
                    .send(),
            )
            .await
            .map(|o| bucket_region(o.location_constraint().map(|c| c.as_str())))
    }

    /// The bucket policy as JSON; none when the bucket has no policy.
    fn bucket_policy(
        &self,
        answer: Result<aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput, CallError>,
        region: &str,
        name: &str,
    ) -> m::Collected<Option<serde_json::Value>> {
        match answer {
            Ok(o) => match o.policy() {
                None => m::Collected::Ok(None),
                Some(text) => match serde_json::from_str(text) {
                    Ok(v) => m::Collected::Ok(Some(v)),
                    Err(e) => self.fail(CallError::new(
                        "s3",
                        "GetBucketPolicy",
                        region,
                        CODE_BAD_RESPONSE,
                        format!("the policy of bucket {name} is not JSON: {e}"),
                    )),
                },
            },
            Err(e) if e.is("NoSuchBucketPolicy") => m::Collected::Ok(None),
            Err(e) => self.fail(e),
        }
    }
}

/// A bucket whose region could not be read: every part has the error.
fn unreadable_bucket(name: &str, err: m::CollectionError) -> m::Bucket {
    m::Bucket {
        name: name.to_owned(),
        acl: m::Collected::Error(err.clone()),
        policy: m::Collected::Error(err.clone()),
        public_access_block: m::Collected::Error(err.clone()),
        logging: m::Collected::Error(err),
    }
}

fn bucket_acl(o: &aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput) -> m::BucketAcl {
    m::BucketAcl {
        owner_id: o.owner().and_then(|w| opt(w.id())),
        grants: o
            .grants()
            .iter()
            .filter_map(|g| {
                let grantee = g.grantee()?;
                Some(m::Grant {
                    grantee_type: grantee.r#type().as_str().to_owned(),
                    grantee_id: opt(grantee.id()),
                    grantee_uri: opt(grantee.uri()),
                    permission: g
                        .permission()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_regions() {
        assert_eq!(bucket_region(None), "us-east-1");
        assert_eq!(bucket_region(Some("")), "us-east-1");
        assert_eq!(bucket_region(Some("EU")), "eu-west-1");
        assert_eq!(bucket_region(Some("ap-south-1")), "ap-south-1");
    }
}
