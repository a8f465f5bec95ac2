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

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::time::{Timestamp, TimestampError};

/// The snapshot format version this build writes.
///
/// 2 added `s3.missing_buckets` (a trail's bucket that S3 says does not
/// exist) and made a metric alarm's `actions_enabled` optional (unknown when
/// the service does not say).
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest format version this build reads. A schema-1 snapshot is a
/// schema-2 snapshot without the fields version 2 added.
pub const MIN_SCHEMA_VERSION: u32 = 1;

/// Whether this build reads snapshots of format version `v`.
fn readable_version(v: u64) -> bool {
    (u64::from(MIN_SCHEMA_VERSION)..=u64::from(SCHEMA_VERSION)).contains(&v)
}

/// Largest snapshot text accepted by [`Snapshot::from_json`] (1 GiB).
pub const MAX_SNAPSHOT_BYTES: usize = 1 << 30;

// ---------------------------------------------------------------------------
// Data or a recorded error
// ---------------------------------------------------------------------------

/// One collected item: the data, or the error that prevented reading it.
///
/// JSON: `{"ok": <data>}` or `{"error": {"service": …, "operation": …,
/// "region": …, "code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Collected_{T}")]
pub enum Collected<T> {
    /// The data as read.
    Ok(T),
    /// Reading failed; the checks that need this item report NOT_AVAILABLE.
    Error(CollectionError),
}

impl<T> Collected<T> {
    /// The data, or the recorded error.
    pub fn get(&self) -> Result<&T, &CollectionError> {
        match self {
            Collected::Ok(v) => Ok(v),
            Collected::Error(e) => Err(e),
        }
    }

    /// The data, if it was read.
    pub fn ok(&self) -> Option<&T> {
        self.get().ok()
    }

    /// The recorded error, if reading failed.
    pub fn error(&self) -> Option<&CollectionError> {
        self.get().err()
    }
}

impl<T> From<Result<T, CollectionError>> for Collected<T> {
    fn from(r: Result<T, CollectionError>) -> Self {
        match r {
            Ok(v) => Collected::Ok(v),
            Err(e) => Collected::Error(e),
        }
    }
}

/// Why an item could not be collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    /// The AWS service, as in its endpoint prefix: `cloudtrail`, `iam`, `s3`, …
    pub service: String,
    /// The API operation, e.g. `DescribeTrails`.
    pub operation: String,
    /// The region the call went to; absent for global calls (IAM, S3 Control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The AWS error code (`AccessDeniedException`, `ThrottlingException`, …),
    /// or a code of the collector's own such as `Timeout` or `NetworkError`.
    pub code: String,
    /// The error message.
    pub message: String,
}

impl fmt::Display for CollectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Some(r) = &self.region {
            write!(f, " in {r}")?;
        }
        write!(f, " failed: {}: {}", self.code, self.message)
    }
}

// ---------------------------------------------------------------------------
// The snapshot
// ---------------------------------------------------------------------------

/// Everything the checks need to know about one AWS account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// The format version: 1 or 2 ([`MIN_SCHEMA_VERSION`] to [`SCHEMA_VERSION`]).
    #[schemars(range(min = 1, max = 2))]
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

// ---------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------

/// A trail as `DescribeTrails` returns it, with its status and selectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    /// The trail name.
    pub name: String,
    /// The trail ARN (its account is the owner of the trail).
    pub trail_arn: String,
    /// The region the trail was created in.
    pub home_region: String,
    /// Whether the trail records events in every region.
    pub is_multi_region_trail: bool,
    /// Whether this is an AWS Organizations trail.
    #[serde(default)]
    pub is_organization_trail: bool,
    /// Whether global service events (IAM, STS, …) are included.
    #[serde(default)]
    pub include_global_service_events: bool,
    /// The S3 bucket receiving the log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The key prefix inside the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The CloudWatch Logs log group ARN receiving the events
    /// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The role CloudTrail assumes to write to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs_role_arn: Option<String>,
    /// The KMS key encrypting the log files (ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Whether log file integrity validation is on.
    pub log_file_validation_enabled: bool,
    /// `GetTrailStatus`.
    pub status: Collected<TrailStatus>,
    /// `GetEventSelectors`.
    pub event_selectors: Collected<EventSelectors>,
}

/// `GetTrailStatus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrailStatus {
    /// Whether the trail is currently logging.
    pub is_logging: bool,
    /// The last time CloudTrail delivered events to CloudWatch Logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_time: Option<Timestamp>,
    /// The last CloudWatch Logs delivery error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloud_watch_logs_delivery_error: Option<String>,
    /// The last time a log file was delivered to S3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_time: Option<Timestamp>,
    /// The last S3 delivery error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_error: Option<String>,
    /// When logging was last started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_logging_time: Option<Timestamp>,
    /// When logging was last stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_logging_time: Option<Timestamp>,
}

/// `GetEventSelectors`: basic or advanced selectors (a trail uses one kind).
/// Both empty means the trail has never been given selectors, and CloudTrail
/// then records all management events (its default).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSelectors {
    /// Basic event selectors.
    #[serde(default)]
    pub event_selectors: Vec<EventSelector>,
    /// Advanced event selectors.
    #[serde(default)]
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
}

/// A basic event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Whether management events are recorded.
    pub include_management_events: bool,
    /// Event sources whose management events are not recorded
    /// (e.g. `kms.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
    /// Data event resources.
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
}

/// A data event resource of a basic selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataResource {
    /// The resource type, e.g. `AWS::S3::Object`.
    #[serde(rename = "type")]
    pub kind: String,
    /// ARN prefixes.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    /// The selector's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The field conditions, all of which must hold.
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// The field: `eventCategory`, `readOnly`, `eventSource`, …
    pub field: String,
    /// Values the field equals (any of).
    #[serde(default)]
    pub equals: Vec<String>,
    /// Prefixes the field starts with (any of).
    #[serde(default)]
    pub starts_with: Vec<String>,
    /// Suffixes the field ends with (any of).
    #[serde(default)]
    pub ends_with: Vec<String>,
    /// Values the field does not equal (all of).
    #[serde(default)]
    pub not_equals: Vec<String>,
    /// Prefixes the field does not start with (all of).
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    /// Suffixes the field does not end with (all of).
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}

// ---------------------------------------------------------------------------
// CloudWatch Logs, CloudWatch, SNS
// ---------------------------------------------------------------------------

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    /// The log group name.
    pub log_group_name: String,
    /// The log group ARN without the trailing `:*`.
    pub arn: String,
    /// Retention in days; absent means never expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<i64>,
    /// The KMS key encrypting the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// A CloudWatch Logs metric filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricFilter {
    /// The filter name.
    pub filter_name: String,
    /// The log group the filter belongs to (name, in this region).
    pub log_group_name: String,
    /// The filter pattern, verbatim (empty matches every event).
    #[serde(default)]
    pub filter_pattern: String,
    /// The metrics the filter publishes.
    pub metric_transformations: Vec<MetricTransformation>,
}

/// A metric published by a metric filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricTransformation {
    /// The metric name.
    pub metric_name: String,
    /// The metric namespace.
    pub metric_namespace: String,
    /// The value published per matching event, e.g. `1`.
    pub metric_value: String,
    /// The value published when nothing matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<f64>,
    /// The metric unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A CloudWatch metric alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricAlarm {
    /// The alarm name.
    pub alarm_name: String,
    /// The alarm ARN.
    pub alarm_arn: String,
    /// The metric watched (absent for metric-math alarms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_name: Option<String>,
    /// The metric's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The statistic, e.g. `Sum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// Whether actions run on state changes; absent (or `null`) when
    /// `DescribeAlarms` did not say, which the checks read as unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions_enabled: Option<bool>,
    /// Actions on entering ALARM (ARNs).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    /// Actions on entering OK.
    #[serde(default)]
    pub ok_actions: Vec<String>,
    /// Actions on entering INSUFFICIENT_DATA.
    #[serde(default)]
    pub insufficient_data_actions: Vec<String>,
    /// The threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// E.g. `GreaterThanOrEqualToThreshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparison_operator: Option<String>,
    /// The period in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i64>,
    /// The number of periods compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_periods: Option<i64>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_value: Option<String>,
}

/// An SNS topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// The topic ARN.
    pub topic_arn: String,
    /// The owning account (`GetTopicAttributes` `Owner`); absent when not
    /// read, in which case the ARN's account is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The topic's subscriptions.
    pub subscriptions: Collected<Vec<Subscription>>,
}

/// An SNS subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscription {
    /// The subscription ARN, or `PendingConfirmation` (or `Deleted`) while
    /// the subscription is not confirmed.
    pub subscription_arn: String,
    /// `email`, `sqs`, `lambda`, `https`, …
    pub protocol: String,
    /// Where notifications go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The subscribing account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

impl Subscription {
    /// Whether the subscription is confirmed (its ARN is an ARN).
    pub fn is_confirmed(&self) -> bool {
        self.subscription_arn.starts_with("arn:")
    }
}

// ---------------------------------------------------------------------------
// AWS Config, KMS, EC2
// ---------------------------------------------------------------------------

/// An AWS Config configuration recorder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorder {
    /// The recorder name.
    pub name: String,
    /// The role the recorder uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// What the recorder records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_group: Option<RecordingGroup>,
}

/// What a configuration recorder records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingGroup {
    /// Every supported resource type.
    #[serde(default)]
    pub all_supported: bool,
    /// Global resource types (IAM) too.
    #[serde(default)]
    pub include_global_resource_types: bool,
    /// An explicit list of resource types.
    #[serde(default)]
    pub resource_types: Vec<String>,
    /// `ALL_SUPPORTED_RESOURCE_TYPES`, `EXCLUSION_BY_RESOURCE_TYPES` or
    /// `INCLUSION_BY_RESOURCE_TYPES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_strategy: Option<String>,
}

/// A configuration recorder's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigRecorderStatus {
    /// The recorder name.
    pub name: String,
    /// Whether the recorder is recording.
    pub recording: bool,
    /// `Pending`, `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    /// The last error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<String>,
    /// The last error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_message: Option<String>,
    /// When the status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status_change_time: Option<Timestamp>,
}

/// An AWS Config delivery channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryChannel {
    /// The channel name.
    pub name: String,
    /// The bucket receiving configuration snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    /// The key prefix in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The topic receiving notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<String>,
}

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

/// A VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    /// The VPC id.
    pub vpc_id: String,
    /// The owning account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// The primary IPv4 CIDR block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// Whether this is the region's default VPC.
    #[serde(default)]
    pub is_default: bool,
    /// `pending` or `available`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A VPC flow log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowLog {
    /// The flow log id.
    pub flow_log_id: String,
    /// The VPC, subnet or interface logged.
    pub resource_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`; absent when not reported (unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<String>,
    /// `ACTIVE` when the flow log is running; absent when not reported,
    /// which the checks read as unknown (never as active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_log_status: Option<String>,
    /// `SUCCESS` or `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_logs_status: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_destination_type: Option<String>,
    /// The destination ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_destination: Option<String>,
}

/// An EC2 security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// The group id.
    pub group_id: String,
    /// The group name (`default` for a VPC's default group).
    pub group_name: String,
    /// The VPC of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// The owning account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Inbound rules.
    #[serde(default)]
    pub ip_permissions: Vec<IpPermission>,
    /// Outbound rules.
    #[serde(default)]
    pub ip_permissions_egress: Vec<IpPermission>,
}

/// A security group rule (inbound or outbound).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all.
    pub ip_protocol: String,
    /// First port (or ICMP type); absent for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    /// Last port (or ICMP code); absent for all protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    /// IPv4 ranges.
    #[serde(default)]
    pub ip_ranges: Vec<IpRange>,
    /// IPv6 ranges.
    #[serde(default)]
    pub ipv6_ranges: Vec<Ipv6Range>,
    /// Other security groups.
    #[serde(default)]
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
    /// Managed prefix lists.
    #[serde(default)]
    pub prefix_list_ids: Vec<PrefixListId>,
}

/// An IPv4 range of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IpRange {
    /// E.g. `0.0.0.0/0`.
    pub cidr_ip: String,
    /// The rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An IPv6 range of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ipv6Range {
    /// E.g. `::/0`.
    pub cidr_ipv6: String,
    /// The rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A security-group source or destination of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIdGroupPair {
    /// The other group's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The other group's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A prefix-list source or destination of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefixListId {
    /// The prefix list id.
    pub prefix_list_id: String,
    /// The rule description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------

/// IAM data, global to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Iam {
    /// The credential report.
    pub credential_report: Collected<CredentialReport>,
    /// The password policy; `{"ok": null}` when the account has none.
    pub password_policy: Collected<Option<PasswordPolicy>>,
    /// `GetAccountSummary`'s `SummaryMap` (`AccountMFAEnabled`,
    /// `AccountAccessKeysPresent`, …).
    pub account_summary: Collected<BTreeMap<String, i64>>,
    /// Virtual MFA devices, assigned or not.
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
    /// IAM users with their policies.
    pub users: Collected<Vec<User>>,
    /// Customer-managed policies with their default version's document.
    pub policies: Collected<Vec<ManagedPolicy>>,
    /// The entities the AWS managed policy `AWSSupportAccess` is attached to.
    pub support_access: Collected<PolicyEntities>,
}

/// IAM's credential report, decoded from CSV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialReport {
    /// When IAM generated the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_time: Option<Timestamp>,
    /// The CSV header, in its order (22 columns today: `user`, `arn`,
    /// `user_creation_time`, `password_enabled`, …, `cert_2_last_rotated`).
    pub columns: Vec<String>,
    /// One row per user plus `<root_account>`: column name → cell text,
    /// verbatim (`true`, `N/A`, `no_information`, `2024-05-01T12:00:00+00:00`).
    pub rows: Vec<BTreeMap<String, String>>,
}

/// `GetAccountPasswordPolicy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    /// Minimum password length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_password_length: Option<i64>,
    /// At least one symbol.
    #[serde(default)]
    pub require_symbols: bool,
    /// At least one digit.
    #[serde(default)]
    pub require_numbers: bool,
    /// At least one uppercase letter.
    #[serde(default)]
    pub require_uppercase_characters: bool,
    /// At least one lowercase letter.
    #[serde(default)]
    pub require_lowercase_characters: bool,
    /// Users may change their own password.
    #[serde(default)]
    pub allow_users_to_change_password: bool,
    /// Passwords expire.
    #[serde(default)]
    pub expire_passwords: bool,
    /// Days before a password expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_password_age: Option<i64>,
    /// Number of previous passwords that cannot be reused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<i64>,
    /// Expired passwords need an administrator reset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_expiry: Option<bool>,
}

/// A virtual MFA device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VirtualMfaDevice {
    /// The serial number (an ARN), e.g.
    /// `arn:aws:iam::123456789012:mfa/root-account-mfa-device`.
    pub serial_number: String,
    /// The ARN of the user it is assigned to (the root user's is
    /// `arn:aws:iam::123456789012:root`); absent when unassigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_arn: Option<String>,
    /// When it was enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_date: Option<Timestamp>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The user name.
    pub user_name: String,
    /// The stable user id.
    pub user_id: String,
    /// The user ARN.
    pub arn: String,
    /// When the user was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<Timestamp>,
    /// `ListAttachedUserPolicies`.
    pub attached_policies: Collected<Vec<AttachedPolicy>>,
    /// `ListUserPolicies`: inline policy names.
    pub inline_policies: Collected<Vec<String>>,
}

/// A managed policy attached to a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    /// The policy name.
    pub policy_name: String,
    /// The policy ARN.
    pub policy_arn: String,
}

/// A customer-managed policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    /// The policy name.
    pub policy_name: String,
    /// The policy id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    /// The policy ARN.
    pub arn: String,
    /// The default version id, e.g. `v3`.
    pub default_version_id: String,
    /// How many users, groups and roles it is attached to.
    pub attachment_count: i64,
    /// The default version's document (JSON, URL-decoded).
    pub document: Collected<serde_json::Value>,
}

/// `ListEntitiesForPolicy`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyEntities {
    /// Group names.
    #[serde(default)]
    pub policy_groups: Vec<String>,
    /// User names.
    #[serde(default)]
    pub policy_users: Vec<String>,
    /// Role names.
    #[serde(default)]
    pub policy_roles: Vec<String>,
}

// ---------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Why a snapshot could not be read. Display gives one line naming the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// Larger than [`MAX_SNAPSHOT_BYTES`].
    TooLarge {
        /// The size in bytes.
        size: usize,
    },
    /// Not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A `schema` outside [`MIN_SCHEMA_VERSION`]..=[`SCHEMA_VERSION`], or none.
    Version {
        /// The version found, if any.
        found: Option<String>,
    },
    /// Valid JSON that does not fit the model (missing or unknown field,
    /// wrong type, bad timestamp).
    Data {
        /// Where: `regions[0].trails.ok[1].name`.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// Fits the model but is inconsistent (e.g. a region listed twice).
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::TooLarge { size } => write!(
                f,
                "snapshot is {size} bytes, more than the limit of {MAX_SNAPSHOT_BYTES} bytes"
            ),
            SnapshotError::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot is not valid JSON: line {line}, column {column}: {message}"
            ),
            SnapshotError::Version { found: Some(v) } => write!(
                f,
                "snapshot has `schema` {v}, but this version of cis-filters reads schema {MIN_SCHEMA_VERSION} to {SCHEMA_VERSION}"
            ),
            SnapshotError::Version { found: None } => write!(
                f,
                "snapshot has no `schema` field (expected `\"schema\": {SCHEMA_VERSION}` at the top level)"
            ),
            SnapshotError::Data {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "snapshot does not fit the model at `{path}` (line {line}, column {column}): {message}"
            ),
            SnapshotError::Invalid { path, message } => {
                write!(f, "snapshot is inconsistent at `{path}`: {message}")
            }
        }
    }
}

impl std::error::Error for SnapshotError {}

/// serde_json reports "at line L column C" inside its messages; the place is
/// given separately, so drop it.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}

/// The version check of a snapshot that did not parse: its `schema` field
/// alone. A document that is not even JSON passes here, and the parse error
/// is reported instead.
fn check_version(text: &str) -> Result<(), SnapshotError> {
    #[derive(Deserialize)]
    struct Probe {
        schema: Option<serde_json::Value>,
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(Probe {
            schema: Some(serde_json::Value::Number(n)),
        }) if n.as_u64().is_some_and(readable_version) => Ok(()),
        Ok(Probe { schema: Some(v) }) => Err(SnapshotError::Version {
            found: Some(v.to_string()),
        }),
        Ok(Probe { schema: None }) => Err(SnapshotError::Version { found: None }),
        Err(_) => Ok(()),
    }
}

impl Snapshot {
    /// Read a snapshot from JSON text, checking the schema version first.
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge { size: text.len() });
        }
        // One full parse; only when it fails is the version looked at, so
        // that a snapshot of another version gets a version error rather than
        // a confusing field error.
        let mut de = serde_json::Deserializer::from_str(text);
        let parsed: Result<Snapshot, _> = serde_path_to_error::deserialize(&mut de);
        if parsed.is_ok()
            && let Err(e) = de.end()
        {
            return Err(SnapshotError::Syntax {
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            });
        }
        let snap = match parsed {
            Ok(snap) if readable_version(u64::from(snap.schema)) => snap,
            Ok(snap) => {
                return Err(SnapshotError::Version {
                    found: Some(snap.schema.to_string()),
                });
            }
            Err(e) => {
                check_version(text)?;
                let path = e.path().to_string();
                let inner = e.into_inner();
                // serde_json calls some misfits (an extra key in `{"ok": …}`)
                // syntax errors; valid JSON is a data error with its path.
                let valid_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
                return Err(match inner.classify() {
                    _ if valid_json => SnapshotError::Data {
                        path,
                        line: inner.line(),
                        column: inner.column(),
                        message: strip_position(&inner.to_string()),
                    },
                    _ => SnapshotError::Syntax {
                        line: inner.line(),
                        column: inner.column(),
                        message: strip_position(&inner.to_string()),
                    },
                });
            }
        };
        snap.validate()?;
        Ok(snap)
    }

    /// The snapshot as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serialising these plain types cannot fail (string keys only).
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks serde cannot express: the account id and partition look right,
    /// no region appears twice.
    pub fn validate(&self) -> Result<(), SnapshotError> {
        if self.account_id.len() != 12 || !self.account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SnapshotError::Invalid {
                path: "account_id".to_owned(),
                message: format!("`{}` is not a 12-digit account id", self.account_id),
            });
        }
        if !matches!(self.partition.as_str(), "aws" | "aws-cn" | "aws-us-gov") {
            return Err(SnapshotError::Invalid {
                path: "partition".to_owned(),
                message: format!(
                    "`{}` is not a partition (expected `aws`, `aws-cn` or `aws-us-gov`)",
                    self.partition
                ),
            });
        }
        let mut seen = HashSet::new();
        for (i, r) in self.regions.iter().enumerate() {
            if !seen.insert(r.region.as_str()) {
                return Err(SnapshotError::Invalid {
                    path: format!("regions[{i}].region"),
                    message: format!("region `{}` appears more than once", r.region),
                });
            }
        }
        Ok(())
    }

    /// The JSON Schema (draft 2020-12) of the snapshot format, as shipped in
    /// `schema/snapshot.schema.json`.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Snapshot);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The region named `name`, if it was looked at.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.region == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid snapshot: every collected item an error or empty.
    pub(crate) fn minimal_json() -> String {
        let err = r#"{"error":{"service":"iam","operation":"GetAccountSummary","code":"AccessDenied","message":"denied"}}"#;
        format!(
            r#"{{
  "schema": 1,
  "account_id": "123456789012",
  "partition": "aws",
  "taken_at": "2024-05-01T12:00:00Z",
  "regions": [],
  "iam": {{
    "credential_report": {err},
    "password_policy": {{"ok": null}},
    "account_summary": {err},
    "virtual_mfa_devices": {{"ok": []}},
    "users": {{"ok": []}},
    "policies": {{"ok": []}},
    "support_access": {{"ok": {{}}}}
  }},
  "s3": {{ "account_public_access_block": {{"ok": null}} }}
}}"#
        )
    }

    #[test]
    fn reads_minimal_and_round_trips() {
        let s = Snapshot::from_json(&minimal_json()).unwrap();
        assert_eq!(s.account_id, "123456789012");
        assert_eq!(s.taken_at.unix(), 1_714_564_800);
        assert!(s.iam.account_summary.error().is_some());
        assert_eq!(s.iam.password_policy, Collected::Ok(None));
        let again = Snapshot::from_json(&s.to_json()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let text = minimal_json().replace("\"partition\": \"aws\",", "\"partition\": \"aws\"");
        let e = Snapshot::from_json(&text).unwrap_err();
        match &e {
            SnapshotError::Syntax { line, .. } => assert_eq!(*line, 5),
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("line 5"), "{e}");
    }

    #[test]
    fn version_checked_first() {
        let text = minimal_json().replace("\"schema\": 1", "\"schema\": 3");
        let e = Snapshot::from_json(&text).unwrap_err();
        assert_eq!(
            e,
            SnapshotError::Version {
                found: Some("3".into())
            }
        );
        // Schema 1 and 2 are both read.
        for v in ["1", "2"] {
            let text = minimal_json().replace("\"schema\": 1", &format!("\"schema\": {v}"));
            assert!(Snapshot::from_json(&text).is_ok(), "schema {v}");
        }
        let text = minimal_json().replace("\"schema\": 1,", "");
        assert_eq!(
            Snapshot::from_json(&text).unwrap_err(),
            SnapshotError::Version { found: None }
        );
        assert!(matches!(
            Snapshot::from_json("[1]").unwrap_err(),
            SnapshotError::Data { .. }
        ));
    }

    #[test]
    fn missing_field_names_path() {
        let text = minimal_json().replace("\"users\": {\"ok\": []},", "");
        let e = Snapshot::from_json(&text).unwrap_err();
        match &e {
            SnapshotError::Data { path, message, .. } => {
                assert_eq!(path, "iam");
                assert!(message.contains("missing field `users`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_field_and_bad_time_rejected_with_path() {
        let text = minimal_json().replace(
            "\"users\": {\"ok\": []}",
            "\"users\": {\"ok\": [], \"x\": 1}",
        );
        let e = Snapshot::from_json(&text).unwrap_err();
        assert!(matches!(e, SnapshotError::Data { .. }), "{e}");
        let text = minimal_json().replace("2024-05-01T12:00:00Z", "yesterday");
        match Snapshot::from_json(&text).unwrap_err() {
            SnapshotError::Data { path, line, .. } => {
                assert_eq!(path, "taken_at");
                assert_eq!(line, 5);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn semantic_checks() {
        let text = minimal_json().replace("123456789012", "12345");
        assert!(matches!(
            Snapshot::from_json(&text).unwrap_err(),
            SnapshotError::Invalid { .. }
        ));
        let text = minimal_json().replace("\"aws\"", "\"azure\"");
        assert!(
            Snapshot::from_json(&text)
                .unwrap_err()
                .to_string()
                .contains("partition")
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for t in [
            "",
            "{",
            "null",
            "\"x\"",
            "{\"schema\":1}",
            "{\"schema\":\"1\"}",
            "\u{feff}{}",
        ] {
            assert!(Snapshot::from_json(t).is_err(), "{t}");
        }
    }

    /// The shipped schema is the generated one. `UPDATE_SCHEMA=1 cargo test
    /// schema_file` rewrites it.
    #[test]
    fn schema_file_is_current() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/snapshot.schema.json");
        let generated = Snapshot::json_schema();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/snapshot.schema.json is out of date: run `UPDATE_SCHEMA=1 cargo test --lib schema_file`"
        );
        let v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
        assert_eq!(v["additionalProperties"], false);
        assert!(
            v["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == "taken_at")
        );
    }

    #[test]
    fn subscription_confirmation() {
        let s = |arn: &str| Subscription {
            subscription_arn: arn.into(),
            protocol: "email".into(),
            endpoint: None,
            owner: None,
        };
        assert!(s("arn:aws:sns:us-east-1:123456789012:t:abc").is_confirmed());
        assert!(!s("PendingConfirmation").is_confirmed());
        assert!(!s("Deleted").is_confirmed());
    }
}
