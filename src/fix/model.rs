//! The plan as data: what changes, on which resource, for which controls.

use serde::Serialize;

use crate::snapshot::{Grant, IpPermission, PasswordPolicy};

/// Everything to change in one account, in the order it must be applied
/// (what is created comes before what refers to it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The account.
    pub account: String,
    /// Its partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The benchmark whose pattern text the metric filters get.
    pub benchmark: &'static str,
    /// The region that holds the account-wide resources the plan creates
    /// (the logs bucket, global resource recording): the home region of the
    /// account's trail, else the first region audited.
    pub home_region: String,
    /// The changes.
    pub items: Vec<Item>,
}

impl Plan {
    /// The items that serve `control` (a CIS v1.2.0 id).
    pub fn items_for(&self, control: &str) -> Vec<&Item> {
        self.items
            .iter()
            .filter(|i| i.controls.contains(&control))
            .collect()
    }

    /// Whether the plan fixes `control` by itself: it has changes for it and
    /// no item that leaves it to people.
    pub fn fixes(&self, control: &str) -> bool {
        let items = self.items_for(control);
        !items.is_empty() && items.iter().all(|i| i.kind != Kind::Guidance)
    }

    /// Whether some item needs the subscription endpoint the user provides.
    pub fn needs_alarm_endpoint(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.action, Action::Topic { .. }))
    }
}

/// What an item does to the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Creates or changes resources; nobody loses access.
    Change,
    /// Changes that take access away (network rules, public grants): the
    /// item lists what is removed.
    RemovesAccess,
    /// Not automated: steps for people (manual controls, and changes to
    /// credentials and permissions that the tool does not make for a user).
    Guidance,
}

impl Kind {
    /// `change`, `removes_access` or `guidance`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Change => "change",
            Kind::RemovesAccess => "removes_access",
            Kind::Guidance => "guidance",
        }
    }
}

/// One change to one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// A stable key, unique in the plan (`trail:ARN`, `filter:REGION:GROUP:NAME`, …).
    pub key: String,
    /// The controls (CIS v1.2.0 ids) this item is part of the fix of.
    pub controls: Vec<&'static str>,
    /// What kind of change.
    pub kind: Kind,
    /// The resource: an ARN or a name.
    pub resource: String,
    /// Its region; `None` for global resources (IAM, the account).
    pub region: Option<String>,
    /// One line: what the item does.
    pub summary: String,
    /// Each change, for people (`is_multi_region_trail: false -> true`).
    pub changes: Vec<String>,
    /// What the change takes away (rules, grants, alarm actions); empty when nothing.
    pub removes: Vec<String>,
    /// The change itself.
    pub action: Action,
}

/// The change itself, with the whole desired state of the resource where a
/// renderer needs it (Terraform and CloudFormation declare whole resources).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// The account's IAM password policy (1.5–1.11 in one change).
    PasswordPolicy {
        /// The policy after the change.
        policy: PasswordPolicy,
        /// Whether the account has a policy already (imported, then changed).
        existing: bool,
    },
    /// A new role that AWS Support can be managed with (1.20).
    SupportRole {
        /// The role name.
        role_name: String,
    },
    /// A new S3 bucket for server access logs, VPC flow logs and AWS Config
    /// deliveries, with a policy that lets those services write to it.
    LogsBucket {
        /// The bucket name.
        name: String,
        /// Its region.
        region: String,
    },
    /// A new customer-managed KMS key (rotation on) with a key policy that
    /// lets CloudTrail encrypt log files, and its alias.
    TrailKey {
        /// The key's region (a trail's home region).
        region: String,
        /// `alias/…`.
        alias: String,
    },
    /// A new IAM role that CloudTrail assumes to write to CloudWatch Logs.
    CloudTrailLogsRole {
        /// The role name.
        role_name: String,
    },
    /// A new CloudWatch Logs log group for a trail.
    LogGroup {
        /// Its region.
        region: String,
        /// Its name.
        name: String,
    },
    /// A new SNS topic with one subscription whose endpoint the user sets.
    Topic {
        /// Its region.
        region: String,
        /// Its name.
        name: String,
    },
    /// A trail's settings.
    Trail(TrailState),
    /// A metric filter, new or edited.
    MetricFilter(FilterState),
    /// A metric alarm, new or edited.
    Alarm(AlarmState),
    /// Block Public Access on a trail bucket, and its public ACL grants removed.
    BucketPublicAccess {
        /// The bucket.
        bucket: String,
        /// The ACL grants to AllUsers or AuthenticatedUsers that are removed.
        remove_grants: Vec<Grant>,
    },
    /// Server access logging on a trail bucket.
    BucketLogging {
        /// The trail bucket.
        bucket: String,
        /// The bucket receiving the access logs.
        target_bucket: String,
        /// The key prefix of the logs.
        target_prefix: String,
    },
    /// The AWS Config service-linked role (`AWSServiceRoleForConfig`).
    ConfigServiceRole,
    /// AWS Config in one region: recorder, delivery channel, recording.
    Config(ConfigState),
    /// Automatic rotation of a customer key.
    KeyRotation {
        /// Its region.
        region: String,
        /// The key id.
        key_id: String,
        /// The key ARN.
        key_arn: String,
    },
    /// A flow log of a VPC, recording rejected traffic to the logs bucket.
    FlowLog {
        /// Its region.
        region: String,
        /// The VPC.
        vpc_id: String,
        /// The bucket (name) receiving the flow log.
        bucket: String,
    },
    /// Rules removed from a security group.
    SecurityGroup(GroupState),
    /// Steps for people.
    Guidance {
        /// The steps, in order.
        steps: Vec<String>,
    },
}

/// A trail after the change (the whole trail: Terraform and CloudFormation
/// declare every setting).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrailState {
    /// The trail name.
    pub name: String,
    /// The trail ARN.
    pub arn: String,
    /// Its home region.
    pub home_region: String,
    /// The S3 bucket of the log files.
    pub s3_bucket_name: Option<String>,
    /// The key prefix in the bucket.
    pub s3_key_prefix: Option<String>,
    /// Multi-region.
    pub is_multi_region_trail: bool,
    /// Global service events included.
    pub include_global_service_events: bool,
    /// An organization trail.
    pub is_organization_trail: bool,
    /// Log file validation.
    pub log_file_validation: bool,
    /// The KMS key: an existing key's ARN, or the `alias/…` of the plan's key.
    pub kms_key_id: Option<String>,
    /// The log group ARN (`…:log-group:NAME:*`).
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// The role CloudTrail assumes to write to CloudWatch Logs.
    pub cloud_watch_logs_role_arn: Option<String>,
    /// Event selectors replaced by one that records all management events.
    pub record_all_management_events: bool,
    /// Logging started.
    pub start_logging: bool,
}

/// A metric filter after the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FilterState {
    /// Its region.
    pub region: String,
    /// The log group (name).
    pub log_group: String,
    /// The filter name.
    pub filter_name: String,
    /// The pattern: the benchmark's text.
    pub pattern: String,
    /// The metric name.
    pub metric_name: String,
    /// The metric namespace.
    pub namespace: String,
    /// The value published per match.
    pub metric_value: String,
    /// The pattern the filter had, when an existing filter is edited.
    pub replaces: Option<String>,
    /// The term differences the edit closes, for people.
    pub term_diff: Vec<String>,
}

/// A metric alarm after the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmState {
    /// Its region.
    pub region: String,
    /// The alarm name.
    pub alarm_name: String,
    /// The metric watched.
    pub metric_name: String,
    /// Its namespace.
    pub namespace: String,
    /// The statistic.
    pub statistic: String,
    /// The period in seconds.
    pub period: i64,
    /// The number of periods.
    pub evaluation_periods: i64,
    /// The threshold.
    pub threshold: f64,
    /// The comparison.
    pub comparison_operator: String,
    /// The topic notified (ARN).
    pub topic_arn: String,
    /// Whether the alarm exists already (imported, then changed).
    pub existing: bool,
}

/// AWS Config in one region after the change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConfigState {
    /// The region.
    pub region: String,
    /// The recorder name (the existing recorder's, else `default`).
    pub recorder_name: String,
    /// Whether the recorder exists already.
    pub existing_recorder: bool,
    /// The role the recorder uses.
    pub role_arn: String,
    /// Whether this region records the global resource types (IAM); exactly
    /// one region of the plan's account does.
    pub include_global: bool,
    /// The delivery channel's name.
    pub channel_name: String,
    /// The delivery channel's bucket.
    pub channel_bucket: String,
    /// Whether the delivery channel exists already (then it is kept as is).
    pub existing_channel: bool,
}

/// A security group after its rules are removed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupState {
    /// The region.
    pub region: String,
    /// The group id.
    pub group_id: String,
    /// The group name.
    pub group_name: String,
    /// Its VPC.
    pub vpc_id: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// Whether it is a VPC's default group (4.3: every rule goes).
    pub default_group: bool,
    /// Inbound rules (or the parts of them) removed.
    pub revoke_ingress: Vec<IpPermission>,
    /// Outbound rules removed.
    pub revoke_egress: Vec<IpPermission>,
    /// Inbound rules kept (Terraform declares the whole group).
    pub keep_ingress: Vec<IpPermission>,
    /// Outbound rules kept.
    pub keep_egress: Vec<IpPermission>,
}

/// The names of what the plan creates, and the variable the user sets.
pub mod names {
    /// The KMS alias of the key the plan creates for trails.
    pub const TRAIL_KEY_ALIAS: &str = "alias/cis-cloudtrail";
    /// The role CloudTrail assumes to deliver to CloudWatch Logs.
    pub const CLOUDTRAIL_LOGS_ROLE: &str = "cis-cloudtrail-to-cloudwatch-logs";
    /// The role that manages AWS Support cases (1.20).
    pub const SUPPORT_ROLE: &str = "cis-aws-support";
    /// The topic the plan creates when the account has no topic with a
    /// confirmed subscription in a region.
    pub const TOPIC: &str = "cis-alarms";
    /// The metric namespace of new filters.
    pub const NAMESPACE: &str = "CISBenchmark";
    /// Terraform's variable of the subscription endpoint.
    pub const TF_ENDPOINT_VAR: &str = "alarm_email";
    /// CloudFormation's parameter of the subscription endpoint.
    pub const CFN_ENDPOINT_PARAM: &str = "AlarmEmail";
    /// The shell script's variable of the subscription endpoint.
    pub const SH_ENDPOINT_VAR: &str = "ALARM_EMAIL";

    /// The bucket for access logs, flow logs and Config deliveries.
    pub fn logs_bucket(account: &str) -> String {
        format!("cis-remediation-logs-{account}")
    }

    /// The log group the plan creates for a trail.
    pub fn trail_log_group(trail: &str) -> String {
        format!("cloudtrail/{trail}")
    }

    /// A bucket's ARN.
    pub fn bucket_arn(partition: &str, bucket: &str) -> String {
        format!("arn:{partition}:s3:::{bucket}")
    }

    /// How the renderers key a key alias or a log group the plan creates:
    /// the name qualified by its region.
    pub(crate) fn regional(region: &str, name: &str) -> String {
        format!("{region}|{name}")
    }

    /// The Config service-linked role's ARN.
    pub fn config_role_arn(partition: &str, account: &str) -> String {
        format!(
            "arn:{partition}:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        )
    }
}
