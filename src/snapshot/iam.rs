//! IAM: the credential report, password policy, account summary, MFA
//! devices, users, customer-managed policies and AWSSupportAccess.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Collected, Timestamp};

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
