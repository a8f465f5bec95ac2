//! EC2: VPCs, flow logs and security groups.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
