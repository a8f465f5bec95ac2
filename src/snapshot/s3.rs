//! S3: the account's public access block and the trails' buckets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Collected;

/// S3 data: the account's public access block and the trails' buckets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    /// The account-level public access block; `{"ok": null}` when none is set.
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    /// Every bucket some trail delivers to.
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    /// Buckets some trail names that S3 says do not exist (`NoSuchBucket`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_buckets: Vec<String>,
}

/// An S3 bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// `GetBucketAcl`.
    pub acl: Collected<BucketAcl>,
    /// `GetBucketPolicy`, parsed; `{"ok": null}` when the bucket has none.
    pub policy: Collected<Option<serde_json::Value>>,
    /// `GetPublicAccessBlock`; `{"ok": null}` when none is set.
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// `GetBucketLogging`; `{"ok": null}` when access logging is off.
    pub logging: Collected<Option<BucketLogging>>,
}

/// A bucket ACL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketAcl {
    /// The owner's canonical user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// The grants.
    #[serde(default)]
    pub grants: Vec<Grant>,
}

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// The canonical user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_id: Option<String>,
    /// The group URI, e.g. `http://acs.amazonaws.com/groups/global/AllUsers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_uri: Option<String>,
    /// `FULL_CONTROL`, `READ`, `WRITE`, `READ_ACP` or `WRITE_ACP`.
    pub permission: String,
}

/// A public access block configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    /// Reject new public ACLs.
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    pub block_public_policy: bool,
    /// Restrict access under public policies to AWS services and the owner.
    pub restrict_public_buckets: bool,
}

/// Server access logging of a bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BucketLogging {
    /// The bucket receiving the access logs.
    pub target_bucket: String,
    /// The key prefix.
    #[serde(default)]
    pub target_prefix: String,
}
