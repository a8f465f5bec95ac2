//! The organization snapshot: an AWS Organization's accounts and structure,
//! written next to one account snapshot per audited account.
//!
//! An organization snapshot is a directory (see `docs/snapshot.md`):
//!
//! ```text
//! org-snapshot/
//!   organization.json          OrganizationSnapshot: written first
//!   accounts/111111111111.json an account Snapshot, written when complete
//!   accounts/222222222222.error.json  AccountFailure: the account could not be audited
//! ```
//!
//! Each account file is written (to a temporary name, then renamed) as soon
//! as that account is done, so a run that stops keeps every finished account
//! and the whole organization is never held in memory. An account with
//! neither file was not collected (the run stopped, or another shard has
//! it). Shards of one run write separate directories that `verify` reads
//! together. Each `accounts/<id>.json` is an ordinary account snapshot:
//! `verify --snapshot accounts/<id>.json` audits that account alone.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError, Timestamp};

/// The organization snapshot format version this build writes and reads.
pub const ORGANIZATION_SCHEMA_VERSION: u32 = 1;

/// The organization file's name inside an organization snapshot directory.
pub const ORGANIZATION_FILE: &str = "organization.json";

/// The folder of account files inside an organization snapshot directory.
pub const ACCOUNTS_DIR: &str = "accounts";

/// An AWS Organization as seen by the management account or a delegated
/// administrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSnapshot {
    /// The organization format version ([`ORGANIZATION_SCHEMA_VERSION`]).
    #[schemars(range(min = 1, max = 1))]
    pub organization_schema: u32,
    /// The organization id, `o-` and 10 to 32 characters.
    pub organization_id: String,
    /// The organization ARN.
    pub organization_arn: String,
    /// The management account's id.
    pub management_account_id: String,
    /// The account whose credentials ran the collection (the management
    /// account or a delegated administrator).
    pub caller_account_id: String,
    /// The partition: `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// When the account list was read.
    pub taken_at: Timestamp,
    /// What produced the snapshot, e.g. `cis-filters 0.1.0` (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector: Option<String>,
    /// How the accounts were chosen (`--ou`, `--accounts`, `--exclude-accounts`,
    /// `--shard`, `--role-name`).
    pub scope: OrganizationScope,
    /// The root and organizational units (Organizations `ListRoots`,
    /// `ListOrganizationalUnitsForParent`).
    pub organizational_units: Collected<Vec<OrganizationalUnit>>,
    /// Delegated administrators (Organizations `ListDelegatedAdministrators`,
    /// `ListDelegatedServicesForAccount`).
    pub delegated_administrators: Collected<Vec<DelegatedAdministrator>>,
    /// Every account in scope (Organizations `ListAccounts` or
    /// `ListAccountsForParent`), sorted by id. The accounts of every shard
    /// are listed; each shard collects its own.
    pub accounts: Vec<OrganizationAccount>,
}

/// How the accounts of a run were chosen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationScope {
    /// `--ou`: only accounts under this organizational unit (or root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou: Option<String>,
    /// `--accounts`: only these accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// `--exclude-accounts`: not these accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_accounts: Vec<String>,
    /// `--shard i/n`: this directory holds the accounts of shard `index`
    /// (1-based) of `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// `--role-name`: the role assumed in each member account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
}

/// One shard of a run split over several collectors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

/// A root or organizational unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationalUnit {
    /// `r-…` for the root, `ou-…` for a unit.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The parent's id; absent for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// A delegated administrator account and the services it administers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegatedAdministrator {
    /// The account id.
    pub account_id: String,
    /// Service principals, e.g. `cloudtrail.amazonaws.com`.
    #[serde(default)]
    pub service_principals: Vec<String>,
}

/// A member (or the management) account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationAccount {
    /// The 12-digit account id.
    pub id: String,
    /// The account name.
    #[serde(default)]
    pub name: String,
    /// The account's e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// `ACTIVE`, `SUSPENDED` or `PENDING_CLOSURE`. Only `ACTIVE` accounts are
    /// audited; the others are listed with their state.
    pub status: String,
    /// The id of the root or organizational unit the account is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// `accounts/<id>.error.json`: an account that could not be audited at all
/// (its role could not be assumed, or every call was denied). Every control
/// of the account is NOT_AVAILABLE with this error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountFailure {
    /// The organization format version ([`ORGANIZATION_SCHEMA_VERSION`]).
    pub organization_schema: u32,
    /// The 12-digit account id.
    pub account_id: String,
    /// When the attempt was made.
    pub taken_at: Timestamp,
    /// What failed, e.g. STS `AssumeRole` with `AccessDenied`.
    pub error: CollectionError,
}

impl OrganizationSnapshot {
    /// The JSON Schema of `organization.json`, as shipped in
    /// `schema/organization.schema.json`.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(OrganizationSnapshot);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The account `id`, if it is listed.
    pub fn account(&self, id: &str) -> Option<&OrganizationAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

impl AccountFailure {
    /// The JSON Schema of `accounts/<id>.error.json`, as shipped in
    /// `schema/account-failure.schema.json`.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(AccountFailure);
        let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_schema_file(name: &str, generated: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema")
            .join(name);
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, generated).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == generated,
            "schema/{name} is out of date: run `UPDATE_SCHEMA=1 cargo test --lib schema_file`"
        );
    }

    /// The shipped schemas are the generated ones. `UPDATE_SCHEMA=1 cargo
    /// test schema_file` rewrites them.
    #[test]
    fn schema_file_organization_is_current() {
        check_schema_file(
            "organization.schema.json",
            &OrganizationSnapshot::json_schema(),
        );
        check_schema_file(
            "account-failure.schema.json",
            &AccountFailure::json_schema(),
        );
    }

    #[test]
    fn organization_round_trips_and_rejects_unknown_fields() {
        let text = r#"{
  "organization_schema": 1,
  "organization_id": "o-abcdefghij",
  "organization_arn": "arn:aws:organizations::111111111111:organization/o-abcdefghij",
  "management_account_id": "111111111111",
  "caller_account_id": "111111111111",
  "partition": "aws",
  "taken_at": "2026-12-01T00:00:00Z",
  "scope": {"role_name": "CisAudit"},
  "organizational_units": {"ok": [{"id": "r-ab12", "name": "Root"}]},
  "delegated_administrators": {"ok": []},
  "accounts": [
    {"id": "111111111111", "name": "management", "status": "ACTIVE", "parent_id": "r-ab12"},
    {"id": "222222222222", "name": "closed", "status": "SUSPENDED", "parent_id": "r-ab12"}
  ]
}"#;
        let org: OrganizationSnapshot = serde_json::from_str(text).unwrap();
        assert_eq!(org.account("222222222222").unwrap().status, "SUSPENDED");
        let back: OrganizationSnapshot =
            serde_json::from_str(&serde_json::to_string(&org).unwrap()).unwrap();
        assert_eq!(back, org);
        let bad = text.replace("\"partition\"", "\"partitio\"");
        assert!(serde_json::from_str::<OrganizationSnapshot>(&bad).is_err());
    }
}
