//! KMS: customer keys, their metadata and rotation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Collected, Timestamp};

/// A KMS key from `ListKeys`, with what `DescribeKey` and
/// `GetKeyRotationStatus` said about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// The key id.
    pub key_id: String,
    /// The key ARN.
    pub key_arn: String,
    /// `DescribeKey`.
    pub metadata: Collected<KeyMetadata>,
    /// `GetKeyRotationStatus`; absent when the collector did not ask
    /// (keys that are AWS managed, asymmetric or not enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation_enabled: Option<Collected<bool>>,
}

/// `DescribeKey`'s `KeyMetadata`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyMetadata {
    /// `AWS` or `CUSTOMER`.
    pub key_manager: String,
    /// E.g. `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`.
    pub key_spec: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub key_state: String,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, `GENERATE_VERIFY_MAC`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<String>,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The key's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the key was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<Timestamp>,
}
