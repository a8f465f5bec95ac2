//! The Snapshot: everything the CIS checks need to know about one AWS account,
//! collected once and judged offline ("collect, then judge").
//!
//! A snapshot is plain data, stored as JSON (see `docs/snapshot.md` and
//! `schema/snapshot.schema.json`). It mirrors what the AWS APIs return, so the
//! live collector only copies fields, and the checks never call AWS.
//!
//! # Conventions
//! - Field names are `snake_case` versions of the AWS API member names
//!   (`IsMultiRegionTrail` → `is_multi_region_trail`).
//! - Unknown fields are **rejected**: a misspelt field is an error with its
//!   path, not silently ignored data. New fields come with a new `schema`
//!   number.
//! - Optional API members are optional here (absent or `null`); lists that the
//!   API omits when empty default to `[]`.
//! - Times are RFC 3339 strings ([`Timestamp`]); ages are measured against
//!   [`Snapshot::taken_at`], never the clock.
//! - Every collected item is a [`Collected`]: `{"ok": data}` or
//!   `{"error": {service, operation, region, code, message}}`. A check that
//!   needs an item that holds an error reports NOT_AVAILABLE with that error.
//!
//! # Which API fills which part
//! | part | API |
//! |---|---|
//! | `account_id` | STS `GetCallerIdentity` |
//! | `regions[]` | the regions audited (EC2 `DescribeRegions`, or the user's list) |
//! | `regions[].trails` | CloudTrail `DescribeTrails` (`includeShadowTrails=true`) in that region |
//! | `…trails[].status` | CloudTrail `GetTrailStatus` |
//! | `…trails[].event_selectors` | CloudTrail `GetEventSelectors` (in the trail's home region) |
//! | `regions[].log_groups` | CloudWatch Logs `DescribeLogGroups` |
//! | `regions[].metric_filters` | CloudWatch Logs `DescribeMetricFilters` |
//! | `regions[].alarms` | CloudWatch `DescribeAlarms` (metric alarms) |
//! | `regions[].topics` | SNS `ListTopics`, `GetTopicAttributes` (`Owner`) |
//! | `…topics[].subscriptions` | SNS `ListSubscriptionsByTopic` |
//! | `regions[].config_recorders` | Config `DescribeConfigurationRecorders` |
//! | `regions[].config_recorder_statuses` | Config `DescribeConfigurationRecorderStatus` |
//! | `regions[].delivery_channels` | Config `DescribeDeliveryChannels` |
//! | `regions[].kms_keys` | KMS `ListKeys`; `…metadata` `DescribeKey`; `…rotation_enabled` `GetKeyRotationStatus` |
//! | `regions[].vpcs` | EC2 `DescribeVpcs` |
//! | `regions[].flow_logs` | EC2 `DescribeFlowLogs` |
//! | `regions[].security_groups` | EC2 `DescribeSecurityGroups` |
//! | `iam.credential_report` | IAM `GenerateCredentialReport` + `GetCredentialReport` (CSV decoded into rows) |
//! | `iam.password_policy` | IAM `GetAccountPasswordPolicy` (`NoSuchEntity` → `{"ok": null}`) |
//! | `iam.account_summary` | IAM `GetAccountSummary` (`SummaryMap`) |
//! | `iam.virtual_mfa_devices` | IAM `ListVirtualMFADevices` |
//! | `iam.users` | IAM `ListUsers`; `…attached_policies` `ListAttachedUserPolicies`; `…inline_policies` `ListUserPolicies` |
//! | `iam.policies` | IAM `ListPolicies` (`Scope=Local`); `…document` `GetPolicyVersion` (default version, URL-decoded) |
//! | `iam.support_access` | IAM `ListEntitiesForPolicy` on `arn:<partition>:iam::aws:policy/AWSSupportAccess` |
//! | `s3.account_public_access_block` | S3 Control `GetPublicAccessBlock` (`NoSuchPublicAccessBlockConfiguration` → `{"ok": null}`) |
//! | `s3.buckets[]` | the trails' buckets: S3 `GetBucketAcl`, `GetBucketPolicy`, `GetPublicAccessBlock`, `GetBucketLogging` |
//! | `s3.missing_buckets` | the trails' buckets S3 answers `NoSuchBucket` for |

mod cloudtrail;
mod cloudwatch;
mod collected;
mod config;
mod ec2;
mod iam;
mod kms;
mod logs;
mod organization;
mod read;
mod s3;
mod sns;
mod time;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use cloudtrail::*;
pub use cloudwatch::*;
pub use collected::*;
pub use config::*;
pub use ec2::*;
pub use iam::*;
pub use kms::*;
pub use logs::*;
pub use organization::*;
pub use read::*;
pub use s3::*;
pub use sns::*;
pub use time::{Timestamp, TimestampError};

/// The snapshot format version this build writes.
///
/// 3 added a metric filter's `field_selection_criteria`,
/// `emit_system_field_dimensions` and `apply_on_transformed_logs`.
/// 2 added `s3.missing_buckets` (a trail's bucket that S3 says does not
/// exist) and made a metric alarm's `actions_enabled` optional (unknown when
/// the service does not say).
pub const SCHEMA_VERSION: u32 = 3;

/// The oldest format version this build reads. A schema-1 snapshot is a
/// schema-2 snapshot without the fields version 2 added.
pub const MIN_SCHEMA_VERSION: u32 = 1;

/// Whether this build reads snapshots of format version `v`.
fn readable_version(v: u64) -> bool {
    (u64::from(MIN_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION)).contains(&v)
}

/// Largest snapshot text accepted by [`Snapshot::from_json`] (1 GiB).
pub const MAX_SNAPSHOT_BYTES: usize = 1 << 30;

/// Everything the checks need to know about one AWS account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The format version: 1 to 3 ([`MIN_SCHEMA_VERSION`] to [`SCHEMA_VERSION`]).
    #[schemars(range(min = 1, max = 3))]
    pub schema: u32,
    /// The 12-digit account id.
    pub account_id: String,
    /// The partition: `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// When the snapshot was taken. Ages ("used within 90 days") are measured
    /// against this time.
    pub taken_at: Timestamp,
    /// What produced the snapshot, e.g. `cis-filters 0.1.0` (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<String>,
    /// The regions looked at, each with its regional resources.
    pub regions: Vec<Region>,
    /// IAM: global to the account.
    pub iam: Iam,
    /// S3: the account-level public access block and the trails' buckets.
    pub s3: S3,
}

/// Resources of one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// The region name, e.g. `eu-west-1`.
    pub region: String,
    /// CloudTrail trails visible in this region, shadow copies of multi-region
    /// trails homed elsewhere included.
    pub trails: Collected<Vec<Trail>>,
    /// CloudWatch Logs log groups.
    pub log_groups: Collected<Vec<LogGroup>>,
    /// CloudWatch Logs metric filters of every log group in the region.
    pub metric_filters: Collected<Vec<MetricFilter>>,
    /// CloudWatch metric alarms.
    pub alarms: Collected<Vec<MetricAlarm>>,
    /// SNS topics with their subscriptions.
    pub topics: Collected<Vec<Topic>>,
    /// AWS Config configuration recorders.
    pub config_recorders: Collected<Vec<ConfigRecorder>>,
    /// AWS Config recorder statuses.
    pub config_recorder_statuses: Collected<Vec<ConfigRecorderStatus>>,
    /// AWS Config delivery channels.
    pub delivery_channels: Collected<Vec<DeliveryChannel>>,
    /// KMS keys.
    pub kms_keys: Collected<Vec<KmsKey>>,
    /// VPCs.
    pub vpcs: Collected<Vec<Vpc>>,
    /// VPC flow logs.
    pub flow_logs: Collected<Vec<FlowLog>>,
    /// EC2 security groups.
    pub security_groups: Collected<Vec<SecurityGroup>>,
}
