//! Section 1: identity and access management (1.2–1.22; 1.1 is the
//! metric-filter chain in [`super::monitoring`]).
//!
//! The credential report drives 1.2–1.4: its cells are text (`true`,
//! `false`, `N/A`, `no_information`, `not_supported`, or an ISO 8601 date).
//! Ages are measured against the snapshot's `taken_at`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::common::{
    account_finding, age_days, older_than_90_days, one_or_many, policy_statements,
};
use super::finding::{Finding, ResourceType, Status};
use super::snapshot::{CredentialReport, PasswordPolicy, Snapshot, Timestamp};

/// The root user's row in the credential report.
pub const ROOT_ROW: &str = "<root_account>";

type Row = BTreeMap<String, String>;

/// The credential report, or the NOT_AVAILABLE finding saying why not.
fn report(s: &Snapshot) -> Result<&CredentialReport, Vec<Finding>> {
    s.iam.credential_report.get().map_err(|e| {
        vec![Finding::unreadable(
            ResourceType::Account,
            super::common::account_resource(s),
            None,
            "the IAM credential report",
            e,
        )]
    })
}

fn cell<'a>(row: &'a Row, col: &str) -> Option<&'a str> {
    row.get(col).map(String::as_str)
}

fn is_true(row: &Row, col: &str) -> bool {
    cell(row, col) == Some("true")
}

/// A date cell, or `None` for `N/A`, `no_information`, `not_supported`.
fn date(row: &Row, col: &str) -> Option<Timestamp> {
    cell(row, col).and_then(|v| Timestamp::parse(v).ok())
}

fn user_arn(row: &Row) -> String {
    cell(row, "arn")
        .or_else(|| cell(row, "user"))
        .unwrap_or("unknown user")
        .to_owned()
}

/// The user rows (not root) of the report; a row without the needed columns
/// yields a NOT_AVAILABLE finding instead, and so does a report without the
/// root row (IAM always lists it: without it the report is incomplete).
fn user_rows<'a>(
    s: &Snapshot,
    report: &'a CredentialReport,
    needed: &[&str],
    out: &mut Vec<Finding>,
) -> Vec<&'a Row> {
    let mut rows = Vec::new();
    if !report
        .rows
        .iter()
        .any(|r| cell(r, "user") == Some(ROOT_ROW))
    {
        out.push(
            Finding::new(
                Status::NotAvailable,
                ResourceType::Account,
                super::common::account_resource(s),
                None,
                "CREDENTIAL_REPORT_INCOMPLETE",
                format!(
                    "the credential report has no `{ROOT_ROW}` row, which IAM always lists, so it is incomplete"
                ),
            )
            .with("rows", report.rows.len()),
        );
    }
    for row in &report.rows {
        if cell(row, "user") == Some(ROOT_ROW) {
            continue;
        }
        let missing: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|c| !row.contains_key(*c))
            .collect();
        if missing.is_empty() {
            rows.push(row);
        } else {
            out.push(
                Finding::new(
                    Status::NotAvailable,
                    ResourceType::IamUser,
                    user_arn(row),
                    None,
                    "CREDENTIAL_REPORT_INCOMPLETE",
                    format!(
                        "the credential report row lacks the column(s) {}",
                        missing.join(", ")
                    ),
                )
                .with("missing_columns", missing),
            );
        }
    }
    rows
}

fn no_users(s: &Snapshot, out: &mut Vec<Finding>, what: &str) {
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_IAM_USERS",
            format!("the credential report lists no IAM user {what}"),
        ));
    }
}

/// 1.2: every user with a console password has MFA.
pub fn mfa_for_console_users(s: &Snapshot) -> Vec<Finding> {
    let report = match report(s) {
        Ok(r) => r,
        Err(f) => return f,
    };
    let mut out = Vec::new();
    for row in user_rows(s, report, &["password_enabled", "mfa_active"], &mut out) {
        let arn = user_arn(row);
        let f = if !is_true(row, "password_enabled") {
            Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                arn,
                None,
                "NO_CONSOLE_PASSWORD",
                "the user has no console password",
            )
        } else if is_true(row, "mfa_active") {
            Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                arn,
                None,
                "MFA_ACTIVE",
                "the user has a console password and an MFA device",
            )
        } else {
            Finding::new(
                Status::Failed,
                ResourceType::IamUser,
                arn,
                None,
                "MFA_NOT_ENABLED",
                "the user has a console password but no MFA device",
            )
        };
        out.push(
            f.with("password_enabled", true_false(row, "password_enabled"))
                .with("mfa_active", true_false(row, "mfa_active")),
        );
    }
    no_users(s, &mut out, "");
    out
}

fn true_false(row: &Row, col: &str) -> Value {
    cell(row, col).map_or(Value::Null, |v| Value::String(v.to_owned()))
}

/// The columns of one access key: name, active, last used, last rotated.
const KEYS: [(&str, &str, &str, &str); 2] = [
    (
        "access_key_1",
        "access_key_1_active",
        "access_key_1_last_used_date",
        "access_key_1_last_rotated",
    ),
    (
        "access_key_2",
        "access_key_2_active",
        "access_key_2_last_used_date",
        "access_key_2_last_rotated",
    ),
];

/// One credential of a user, for 1.3: when it was last used or, never used,
/// since when it has existed.
struct Credential {
    name: &'static str,
    last_used: Option<Timestamp>,
    since: Option<Timestamp>,
}

fn credentials(row: &Row) -> Vec<Credential> {
    let mut out = Vec::new();
    if is_true(row, "password_enabled") {
        out.push(Credential {
            name: "password",
            last_used: date(row, "password_last_used"),
            since: date(row, "password_last_changed").or_else(|| date(row, "user_creation_time")),
        });
    }
    for (name, active, used, rotated) in KEYS {
        if is_true(row, active) {
            out.push(Credential {
                name,
                last_used: date(row, used),
                since: date(row, rotated).or_else(|| date(row, "user_creation_time")),
            });
        }
    }
    out
}

/// 1.3: credentials unused for 90 days are disabled.
pub fn unused_credentials(s: &Snapshot) -> Vec<Finding> {
    let report = match report(s) {
        Ok(r) => r,
        Err(f) => return f,
    };
    let needed = [
        "password_enabled",
        "password_last_used",
        "access_key_1_active",
        "access_key_1_last_used_date",
        "access_key_2_active",
        "access_key_2_last_used_date",
    ];
    let mut out = Vec::new();
    for row in user_rows(s, report, &needed, &mut out) {
        let mut stale = Vec::new();
        let mut unknown = Vec::new();
        let mut oldest: Option<i64> = None;
        for c in credentials(row) {
            let (when, basis) = match (&c.last_used, &c.since) {
                (Some(t), _) => (t, "last_used"),
                (None, Some(t)) => (t, "never_used_since"),
                (None, None) => {
                    unknown.push(c.name);
                    continue;
                }
            };
            let age = age_days(s, when);
            oldest = Some(oldest.map_or(age, |o| o.max(age)));
            if older_than_90_days(s, when) {
                stale.push(json!({ "credential": c.name, basis: when.as_str(), "age_days": age }));
            }
        }
        let arn = user_arn(row);
        let f = if !stale.is_empty() {
            let names: Vec<&str> = stale
                .iter()
                .filter_map(|v| v.get("credential").and_then(Value::as_str))
                .collect();
            let reason = format!(
                "enabled credential(s) unused for more than 90 days: {}",
                names.join(", ")
            );
            Finding::new(
                Status::Failed,
                ResourceType::IamUser,
                arn,
                None,
                "CREDENTIALS_UNUSED_90_DAYS",
                reason,
            )
            .with("stale", stale)
        } else if !unknown.is_empty() {
            Finding::new(
                Status::NotAvailable,
                ResourceType::IamUser,
                arn,
                None,
                "CREDENTIAL_DATES_UNKNOWN",
                format!(
                    "the report gives no usable date for: {}",
                    unknown.join(", ")
                ),
            )
        } else {
            Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                arn,
                None,
                "CREDENTIALS_USED",
                "every enabled credential was used (or created) within 90 days",
            )
        };
        out.push(f.with("oldest_age_days", oldest));
    }
    no_users(s, &mut out, "");
    out
}

/// 1.4: active access keys rotated within 90 days.
pub fn access_keys_rotated(s: &Snapshot) -> Vec<Finding> {
    let report = match report(s) {
        Ok(r) => r,
        Err(f) => return f,
    };
    let needed = [
        "access_key_1_active",
        "access_key_1_last_rotated",
        "access_key_2_active",
        "access_key_2_last_rotated",
    ];
    let mut out = Vec::new();
    for row in user_rows(s, report, &needed, &mut out) {
        let arn = user_arn(row);
        let mut any = false;
        for (n, (name, active, _, rotated)) in (1..).zip(KEYS) {
            if !is_true(row, active) {
                continue;
            }
            any = true;
            let f = match date(row, rotated) {
                None => Finding::new(
                    Status::NotAvailable,
                    ResourceType::IamUser,
                    arn.clone(),
                    None,
                    "CREDENTIAL_DATES_UNKNOWN",
                    format!("access key {n} is active but the report gives no rotation date"),
                ),
                Some(t) if older_than_90_days(s, &t) => Finding::new(
                    Status::Failed,
                    ResourceType::IamUser,
                    arn.clone(),
                    None,
                    "ACCESS_KEY_NOT_ROTATED",
                    format!(
                        "access key {n} was last rotated {} days ago",
                        age_days(s, &t)
                    ),
                )
                .with("last_rotated", t.as_str()),
                Some(t) => Finding::new(
                    Status::Passed,
                    ResourceType::IamUser,
                    arn.clone(),
                    None,
                    "ACCESS_KEY_ROTATED",
                    format!("access key {n} was rotated {} days ago", age_days(s, &t)),
                )
                .with("last_rotated", t.as_str()),
            };
            out.push(f.with("key", name));
        }
        if !any {
            out.push(Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                arn,
                None,
                "NO_ACTIVE_ACCESS_KEY",
                "the user has no active access key",
            ));
        }
    }
    no_users(s, &mut out, "");
    out
}

/// 1.5–1.11: one requirement of the account password policy.
fn password_policy(
    s: &Snapshot,
    setting: &str,
    ok: impl Fn(&PasswordPolicy) -> bool,
    value: impl Fn(&PasswordPolicy) -> Value,
    want: &str,
) -> Vec<Finding> {
    let policy = match s.iam.password_policy.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                super::common::account_resource(s),
                None,
                "the account password policy",
                e,
            )];
        }
        Ok(p) => p,
    };
    let f = match policy {
        None => account_finding(
            s,
            None,
            Status::Failed,
            "PASSWORD_POLICY_MISSING",
            "the account has no password policy",
        ),
        Some(p) if ok(p) => account_finding(
            s,
            None,
            Status::Passed,
            "PASSWORD_POLICY_OK",
            format!("the password policy sets {setting} as required ({want})"),
        )
        .with(setting, value(p)),
        Some(p) => account_finding(
            s,
            None,
            Status::Failed,
            "PASSWORD_POLICY_WEAK",
            format!("the password policy does not meet {setting}: {want} is required"),
        )
        .with(setting, value(p)),
    };
    vec![f.with("required", want)]
}

/// 1.5: the password policy requires an uppercase letter.
pub fn policy_uppercase(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "require_uppercase_characters",
        |p| p.require_uppercase_characters,
        |p| p.require_uppercase_characters.into(),
        "true",
    )
}

/// 1.6: … a lowercase letter.
pub fn policy_lowercase(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "require_lowercase_characters",
        |p| p.require_lowercase_characters,
        |p| p.require_lowercase_characters.into(),
        "true",
    )
}

/// 1.7: … a symbol.
pub fn policy_symbols(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "require_symbols",
        |p| p.require_symbols,
        |p| p.require_symbols.into(),
        "true",
    )
}

/// 1.8: … a number.
pub fn policy_numbers(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "require_numbers",
        |p| p.require_numbers,
        |p| p.require_numbers.into(),
        "true",
    )
}

/// 1.9: … a minimum length of 14 or more.
pub fn policy_length(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "minimum_password_length",
        |p| p.minimum_password_length.is_some_and(|n| n >= 14),
        |p| p.minimum_password_length.into(),
        "14 or more",
    )
}

/// 1.10: … prevents reuse of the last 24 passwords (Security Hub accepts 24 only).
pub fn policy_reuse(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "password_reuse_prevention",
        |p| p.password_reuse_prevention == Some(24),
        |p| p.password_reuse_prevention.into(),
        "24",
    )
}

/// 1.11: … expires passwords within 90 days.
pub fn policy_max_age(s: &Snapshot) -> Vec<Finding> {
    password_policy(
        s,
        "max_password_age",
        |p| p.max_password_age.is_some_and(|n| (1..=90).contains(&n)),
        |p| p.max_password_age.into(),
        "90 days or less",
    )
}

/// What the root row of the credential report says, if there is one.
fn root_row(s: &Snapshot) -> Option<&Row> {
    s.iam
        .credential_report
        .ok()?
        .rows
        .iter()
        .find(|r| cell(r, "user") == Some(ROOT_ROW))
}

fn root_arn(s: &Snapshot) -> String {
    format!("arn:{}:iam::{}:root", s.partition, s.account_id)
}

/// A root fact from the account summary, with the credential report's root
/// row as the second source. Where the two disagree, the one that is worse
/// for the account (`worse`) wins. `Err` holds the NOT_AVAILABLE finding.
fn root_fact(
    s: &Snapshot,
    summary_key: &str,
    worse: bool,
    from_row: impl Fn(&Row) -> Option<bool>,
) -> Result<(bool, Value), Box<Finding>> {
    let row_value = root_row(s).and_then(&from_row);
    match s.iam.account_summary.get() {
        Ok(map) => match map.get(summary_key) {
            Some(v) => {
                let from_summary = *v > 0;
                let fact = if row_value == Some(worse) {
                    worse
                } else {
                    from_summary
                };
                Ok((
                    fact,
                    json!({ summary_key: v, "credential_report_root": row_value }),
                ))
            }
            None => row_value
                .map(|b| (b, json!({ "credential_report_root": b })))
                .ok_or_else(|| {
                    Box::new(account_finding(
                        s,
                        None,
                        Status::NotAvailable,
                        "DATA_NOT_AVAILABLE",
                        format!(
                            "the account summary has no {summary_key} and the credential report no root row"
                        ),
                    ))
                }),
        },
        Err(e) => match row_value {
            Some(b) => Ok((
                b,
                json!({ "credential_report_root": b, "account_summary_error": super::finding::error_json(e) }),
            )),
            None => Err(Box::new(Finding::unreadable(
                ResourceType::Account,
                super::common::account_resource(s),
                None,
                "the account summary",
                e,
            ))),
        },
    }
}

fn root_has_keys(row: &Row) -> Option<bool> {
    let a = cell(row, "access_key_1_active")?;
    let b = cell(row, "access_key_2_active")?;
    Some(a == "true" || b == "true")
}

fn root_mfa(row: &Row) -> Option<bool> {
    cell(row, "mfa_active").map(|v| v == "true")
}

/// 1.12: the root user has no access keys.
pub fn no_root_access_keys(s: &Snapshot) -> Vec<Finding> {
    let f = match root_fact(s, "AccountAccessKeysPresent", true, root_has_keys) {
        Err(f) => *f,
        Ok((true, ev)) => Finding::new(
            Status::Failed,
            ResourceType::Account,
            root_arn(s),
            None,
            "ROOT_ACCESS_KEYS_PRESENT",
            "the root user has an access key",
        )
        .with("sources", ev),
        Ok((false, ev)) => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root_arn(s),
            None,
            "NO_ROOT_ACCESS_KEYS",
            "the root user has no access key",
        )
        .with("sources", ev),
    };
    vec![f]
}

/// 1.13: MFA is enabled for the root user.
pub fn root_mfa_enabled(s: &Snapshot) -> Vec<Finding> {
    let f = match root_fact(s, "AccountMFAEnabled", false, root_mfa) {
        Err(f) => *f,
        Ok((true, ev)) => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root_arn(s),
            None,
            "ROOT_MFA_ENABLED",
            "the root user has MFA",
        )
        .with("sources", ev),
        Ok((false, ev)) => Finding::new(
            Status::Failed,
            ResourceType::Account,
            root_arn(s),
            None,
            "ROOT_MFA_NOT_ENABLED",
            "the root user has no MFA device",
        )
        .with("sources", ev),
    };
    vec![f]
}

/// 1.14: the root user's MFA is a hardware device (MFA enabled and no
/// virtual device assigned to root).
pub fn root_hardware_mfa(s: &Snapshot) -> Vec<Finding> {
    let mfa = match root_fact(s, "AccountMFAEnabled", false, root_mfa) {
        Err(f) => return vec![*f],
        Ok((mfa, _)) => mfa,
    };
    let root = root_arn(s);
    if !mfa {
        return vec![Finding::new(
            Status::Failed,
            ResourceType::Account,
            root,
            None,
            "ROOT_MFA_NOT_ENABLED",
            "the root user has no MFA device at all",
        )];
    }
    let devices = match s.iam.virtual_mfa_devices.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                root,
                None,
                "the virtual MFA devices",
                e,
            )];
        }
        Ok(d) => d,
    };
    let virtual_root = devices.iter().find(|d| {
        d.user_arn.as_deref() == Some(root.as_str())
            || d.serial_number.ends_with(":mfa/root-account-mfa-device")
    });
    vec![match virtual_root {
        Some(d) => Finding::new(
            Status::Failed,
            ResourceType::Account,
            root,
            None,
            "ROOT_MFA_VIRTUAL",
            "the root user's MFA is a virtual device, not a hardware one",
        )
        .with("virtual_mfa_device", d.serial_number.as_str()),
        None => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root,
            None,
            "ROOT_MFA_HARDWARE",
            "the root user has MFA and no virtual MFA device is assigned to it",
        ),
    }]
}

/// 1.16: no user has policies attached directly.
pub fn no_user_policies(s: &Snapshot) -> Vec<Finding> {
    let users = match s.iam.users.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                super::common::account_resource(s),
                None,
                "the IAM users",
                e,
            )];
        }
        Ok(u) => u,
    };
    let mut out = Vec::new();
    for u in users {
        let f = match (u.attached_policies.get(), u.inline_policies.get()) {
            (Err(e), _) => Finding::unreadable(
                ResourceType::IamUser,
                u.arn.as_str(),
                None,
                "the user's attached policies",
                e,
            ),
            (_, Err(e)) => Finding::unreadable(
                ResourceType::IamUser,
                u.arn.as_str(),
                None,
                "the user's inline policies",
                e,
            ),
            (Ok(att), Ok(inl)) if att.is_empty() && inl.is_empty() => Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                u.arn.as_str(),
                None,
                "NO_USER_POLICIES",
                "no policy is attached to the user directly",
            ),
            (Ok(att), Ok(inl)) => Finding::new(
                Status::Failed,
                ResourceType::IamUser,
                u.arn.as_str(),
                None,
                "USER_HAS_POLICIES",
                format!(
                    "the user has {} attached and {} inline polic{} (use groups or roles)",
                    att.len(),
                    inl.len(),
                    if att.len() + inl.len() == 1 {
                        "y"
                    } else {
                        "ies"
                    }
                ),
            )
            .with(
                "attached_policies",
                att.iter().map(|p| p.policy_arn.clone()).collect::<Vec<_>>(),
            )
            .with("inline_policies", inl.clone()),
        };
        out.push(f);
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_IAM_USERS",
            "the account has no IAM users",
        ));
    }
    out
}

/// 1.20: a role can manage incidents with AWS Support.
pub fn support_role(s: &Snapshot) -> Vec<Finding> {
    let policy = format!("arn:{}:iam::aws:policy/AWSSupportAccess", s.partition);
    let f = match s.iam.support_access.get() {
        Err(e) => Finding::unreadable(
            ResourceType::IamPolicy,
            policy,
            None,
            "the entities of AWSSupportAccess",
            e,
        ),
        Ok(ents) if !ents.policy_roles.is_empty() => Finding::new(
            Status::Passed,
            ResourceType::IamPolicy,
            policy,
            None,
            "SUPPORT_ROLE_PRESENT",
            format!(
                "AWSSupportAccess is attached to role(s): {}",
                ents.policy_roles.join(", ")
            ),
        )
        .with("roles", ents.policy_roles.clone()),
        Ok(ents) => Finding::new(
            Status::Failed,
            ResourceType::IamPolicy,
            policy,
            None,
            "SUPPORT_ROLE_NOT_PRESENT",
            "AWSSupportAccess is attached to no role",
        )
        .with("users", ents.policy_users.clone())
        .with("groups", ents.policy_groups.clone()),
    };
    vec![f]
}

/// Whether a policy document has a statement allowing `*` on `*`.
/// `Err` when the document is not a policy document.
pub fn grants_full_admin(doc: &Value) -> Result<bool, String> {
    Ok(policy_statements(doc)?.iter().any(|st| {
        st.get("Effect").and_then(Value::as_str) == Some("Allow")
            && one_or_many(st.get("Action"))
                .iter()
                .any(|a| a.as_str() == Some("*"))
            && one_or_many(st.get("Resource"))
                .iter()
                .any(|r| r.as_str() == Some("*"))
    }))
}

/// 1.22: no attached customer-managed policy grants `*:*`.
pub fn no_full_admin_policies(s: &Snapshot) -> Vec<Finding> {
    let policies = match s.iam.policies.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                super::common::account_resource(s),
                None,
                "the customer-managed policies",
                e,
            )];
        }
        Ok(p) => p,
    };
    let mut out = Vec::new();
    for p in policies.iter().filter(|p| p.attachment_count > 0) {
        let f = match p.document.get() {
            Err(e) => Finding::unreadable(
                ResourceType::IamPolicy,
                p.arn.as_str(),
                None,
                "the policy's default version",
                e,
            ),
            Ok(doc) => match grants_full_admin(doc) {
                Err(why) => Finding::new(
                    Status::NotAvailable,
                    ResourceType::IamPolicy,
                    p.arn.as_str(),
                    None,
                    "POLICY_DOCUMENT_UNREADABLE",
                    why,
                ),
                Ok(true) => Finding::new(
                    Status::Failed,
                    ResourceType::IamPolicy,
                    p.arn.as_str(),
                    None,
                    "POLICY_GRANTS_FULL_ADMIN",
                    "the policy allows action `*` on resource `*`",
                ),
                Ok(false) => Finding::new(
                    Status::Passed,
                    ResourceType::IamPolicy,
                    p.arn.as_str(),
                    None,
                    "POLICY_NOT_FULL_ADMIN",
                    "no statement allows `*` on `*`",
                ),
            },
        };
        out.push(
            f.with("default_version_id", p.default_version_id.as_str())
                .with("attachment_count", p.attachment_count),
        );
    }
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            "NO_ATTACHED_CUSTOMER_POLICIES",
            "no customer-managed policy is attached to anything",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::snapshot::Collected;
    use crate::audit::testkit::*;

    fn set(s: &mut Snapshot, user: &str, col: &str, v: &str) {
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        let row = r.rows.iter_mut().find(|r| r["user"] == user).unwrap();
        row.insert(col.into(), v.into());
    }

    #[test]
    fn mfa_for_console_users_cases() {
        let mut s = compliant();
        let f = mfa_for_console_users(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(
            about(&f, "user/ci-deploy").reason_code,
            "NO_CONSOLE_PASSWORD"
        );
        set(&mut s, "bob", "mfa_active", "false");
        let f = mfa_for_console_users(&s);
        assert_eq!(status(&f), Status::Failed);
        assert_eq!(about(&f, "user/bob").reason_code, "MFA_NOT_ENABLED");
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        r.rows[1].remove("mfa_active");
        assert_eq!(
            with_status(&mfa_for_console_users(&s), Status::NotAvailable).len(),
            1
        );
        s.iam.credential_report = Collected::Error(denied("iam", "GetCredentialReport"));
        let f = mfa_for_console_users(&s);
        assert_eq!(status(&f), Status::NotAvailable);
        assert!(f[0].reason.contains("AccessDenied"), "{}", f[0].reason);
    }

    #[test]
    fn unused_credentials_cases() {
        let mut s = compliant();
        assert_eq!(status(&unused_credentials(&s)), Status::Passed);
        // Used 91 days before the snapshot (taken 2026-11-20T09:30Z).
        set(
            &mut s,
            "bob",
            "password_last_used",
            "2026-08-21T09:00:00+00:00",
        );
        let f = unused_credentials(&s);
        assert_eq!(about(&f, "user/bob").status, Status::Failed);
        // Exactly 90 days is still fine.
        set(
            &mut s,
            "bob",
            "password_last_used",
            "2026-08-22T09:30:00+00:00",
        );
        assert_eq!(
            about(&unused_credentials(&s), "user/bob").status,
            Status::Passed
        );
        // Never used: counts from the last change.
        set(&mut s, "bob", "password_last_used", "no_information");
        set(
            &mut s,
            "bob",
            "password_last_changed",
            "2025-01-01T00:00:00+00:00",
        );
        assert_eq!(
            about(&unused_credentials(&s), "user/bob").status,
            Status::Failed
        );
        // Never used key, rotated recently: fine.
        set(&mut s, "ci-deploy", "access_key_1_last_used_date", "N/A");
        assert_eq!(
            about(&unused_credentials(&s), "user/ci-deploy").status,
            Status::Passed
        );
        // No date at all: not evaluable.
        set(&mut s, "ci-deploy", "access_key_1_last_rotated", "N/A");
        set(&mut s, "ci-deploy", "user_creation_time", "N/A");
        assert_eq!(
            about(&unused_credentials(&s), "user/ci-deploy").status,
            Status::NotAvailable
        );
    }

    #[test]
    fn access_keys_rotated_cases() {
        let mut s = compliant();
        assert_eq!(status(&access_keys_rotated(&s)), Status::Passed);
        set(&mut s, "alice", "access_key_2_active", "true");
        set(
            &mut s,
            "alice",
            "access_key_2_last_rotated",
            "2025-11-20T09:30:00+00:00",
        );
        let f = access_keys_rotated(&s);
        assert_eq!(status(&f), Status::Failed);
        assert!(
            f.iter()
                .any(|f| f.reason == "access key 2 was last rotated 365 days ago")
        );
        set(&mut s, "alice", "access_key_2_last_rotated", "N/A");
        assert_eq!(status(&access_keys_rotated(&s)), Status::NotAvailable);
        s.iam.credential_report = Collected::Error(denied("iam", "GetCredentialReport"));
        assert_eq!(status(&access_keys_rotated(&s)), Status::NotAvailable);
    }

    #[test]
    fn password_policy_cases() {
        let mut s = compliant();
        for check in [
            policy_uppercase,
            policy_lowercase,
            policy_symbols,
            policy_numbers,
            policy_length,
            policy_reuse,
            policy_max_age,
        ] {
            assert_eq!(status(&check(&s)), Status::Passed);
        }
        let Collected::Ok(Some(p)) = &mut s.iam.password_policy else {
            panic!()
        };
        p.minimum_password_length = Some(13);
        p.password_reuse_prevention = Some(23);
        p.max_password_age = None;
        p.require_symbols = false;
        assert_eq!(status(&policy_length(&s)), Status::Failed);
        assert_eq!(status(&policy_reuse(&s)), Status::Failed);
        assert_eq!(status(&policy_max_age(&s)), Status::Failed);
        assert_eq!(status(&policy_symbols(&s)), Status::Failed);
        assert_eq!(status(&policy_numbers(&s)), Status::Passed);
        s.iam.password_policy = Collected::Ok(None);
        assert_eq!(
            policy_uppercase(&s)[0].reason_code,
            "PASSWORD_POLICY_MISSING"
        );
        s.iam.password_policy = Collected::Error(denied("iam", "GetAccountPasswordPolicy"));
        assert_eq!(status(&policy_lowercase(&s)), Status::NotAvailable);
    }

    #[test]
    fn root_checks() {
        let mut s = compliant();
        assert_eq!(status(&no_root_access_keys(&s)), Status::Passed);
        assert_eq!(status(&root_mfa_enabled(&s)), Status::Passed);
        assert_eq!(status(&root_hardware_mfa(&s)), Status::Passed);
        // The report's root row shows a key the summary does not: failed.
        set(&mut s, ROOT_ROW, "access_key_1_active", "true");
        assert_eq!(status(&no_root_access_keys(&s)), Status::Failed);
        // Summary unreadable: the root row decides.
        s.iam.account_summary = Collected::Error(denied("iam", "GetAccountSummary"));
        assert_eq!(status(&no_root_access_keys(&s)), Status::Failed);
        assert_eq!(status(&root_mfa_enabled(&s)), Status::Passed);
        // Neither source: not available.
        s.iam.credential_report = Collected::Error(denied("iam", "GetCredentialReport"));
        assert_eq!(status(&no_root_access_keys(&s)), Status::NotAvailable);
        assert_eq!(status(&root_hardware_mfa(&s)), Status::NotAvailable);
        // Virtual MFA on root.
        let mut s = compliant();
        let Collected::Ok(d) = &mut s.iam.virtual_mfa_devices else {
            panic!()
        };
        d.push(crate::audit::snapshot::VirtualMfaDevice {
            serial_number: "arn:aws:iam::409318256711:mfa/root-account-mfa-device".into(),
            user_arn: Some("arn:aws:iam::409318256711:root".into()),
            enable_date: None,
        });
        assert_eq!(root_hardware_mfa(&s)[0].reason_code, "ROOT_MFA_VIRTUAL");
        s.iam.virtual_mfa_devices = Collected::Error(denied("iam", "ListVirtualMFADevices"));
        assert_eq!(status(&root_hardware_mfa(&s)), Status::NotAvailable);
        let Collected::Ok(m) = &mut s.iam.account_summary else {
            panic!()
        };
        m.insert("AccountMFAEnabled".into(), 0);
        assert_eq!(status(&root_mfa_enabled(&s)), Status::Failed);
        assert_eq!(status(&root_hardware_mfa(&s)), Status::Failed);
    }

    /// IAM always lists `<root_account>`: a report without it is incomplete,
    /// and an empty one is no evidence that there are no users.
    #[test]
    fn credential_report_without_root_row_is_a_gap() {
        let mut s = compliant();
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        r.rows.clear();
        for check in [
            mfa_for_console_users,
            unused_credentials,
            access_keys_rotated,
        ] {
            let f = check(&s);
            assert_eq!(
                (status(&f), f[0].reason_code),
                (Status::NotAvailable, "CREDENTIAL_REPORT_INCOMPLETE"),
                "{f:#?}"
            );
        }
        // Users without the root row: still judged, but nothing passes.
        let mut s = compliant();
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        r.rows.retain(|row| row["user"] != ROOT_ROW);
        assert_eq!(status(&mfa_for_console_users(&s)), Status::NotAvailable);
        set(&mut s, "bob", "mfa_active", "false");
        assert_eq!(status(&mfa_for_console_users(&s)), Status::Failed);
        // The root row alone: an account without users, a fact.
        let mut s = compliant();
        let Collected::Ok(r) = &mut s.iam.credential_report else {
            panic!()
        };
        r.rows.retain(|row| row["user"] == ROOT_ROW);
        let f = mfa_for_console_users(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Passed, "NO_IAM_USERS")
        );
    }

    /// Where the account summary and the report's root row disagree about
    /// root MFA, the worse source wins.
    #[test]
    fn root_mfa_sources_disagreeing() {
        let mut s = compliant();
        set(&mut s, ROOT_ROW, "mfa_active", "false");
        let f = root_mfa_enabled(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Failed, "ROOT_MFA_NOT_ENABLED")
        );
        assert_eq!(f[0].evidence["sources"]["AccountMFAEnabled"], 1);
        assert_eq!(f[0].evidence["sources"]["credential_report_root"], false);
        assert_eq!(status(&root_hardware_mfa(&s)), Status::Failed);
        let mut s = compliant();
        let Collected::Ok(m) = &mut s.iam.account_summary else {
            panic!()
        };
        m.insert("AccountMFAEnabled".into(), 0);
        assert_eq!(status(&root_mfa_enabled(&s)), Status::Failed);
        assert_eq!(status(&root_hardware_mfa(&s)), Status::Failed);
    }

    #[test]
    fn user_policies_cases() {
        let mut s = compliant();
        assert_eq!(status(&no_user_policies(&s)), Status::Passed);
        let Collected::Ok(users) = &mut s.iam.users else {
            panic!()
        };
        users[0].inline_policies = Collected::Ok(vec!["scratch".into()]);
        users[1].attached_policies = Collected::Error(denied("iam", "ListAttachedUserPolicies"));
        let f = no_user_policies(&s);
        assert_eq!(about(&f, "user/alice").status, Status::Failed);
        assert_eq!(about(&f, "user/bob").status, Status::NotAvailable);
        assert_eq!(status(&f), Status::Failed);
        let Collected::Ok(users) = &mut s.iam.users else {
            panic!()
        };
        users.clear();
        assert_eq!(no_user_policies(&s)[0].reason_code, "NO_IAM_USERS");
    }

    #[test]
    fn support_role_cases() {
        let mut s = compliant();
        assert_eq!(status(&support_role(&s)), Status::Passed);
        s.iam.support_access = Collected::Ok(Default::default());
        assert_eq!(status(&support_role(&s)), Status::Failed);
        s.iam.support_access = Collected::Error(denied("iam", "ListEntitiesForPolicy"));
        assert_eq!(status(&support_role(&s)), Status::NotAvailable);
    }

    #[test]
    fn full_admin_detection() {
        let yes = [
            json!({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}),
            json!({"Statement":[{"Effect":"Allow","Action":["s3:*","*"],"Resource":["*"]}]}),
            json!(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
        ];
        for d in &yes {
            assert_eq!(grants_full_admin(d), Ok(true), "{d}");
        }
        let no = [
            json!({"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}),
            json!({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}),
            json!({"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}),
            json!({"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}),
        ];
        for d in &no {
            assert_eq!(grants_full_admin(d), Ok(false), "{d}");
        }
        assert!(grants_full_admin(&json!({"Version":"2012-10-17"})).is_err());
        assert!(grants_full_admin(&json!("%7B")).is_err());
    }

    #[test]
    fn full_admin_policy_cases() {
        let mut s = compliant();
        assert_eq!(status(&no_full_admin_policies(&s)), Status::Passed);
        let Collected::Ok(ps) = &mut s.iam.policies else {
            panic!()
        };
        ps[0].document =
            Collected::Ok(json!({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}));
        ps[1].document = Collected::Error(denied("iam", "GetPolicyVersion"));
        let f = no_full_admin_policies(&s);
        assert_eq!(about(&f, "policy/DeployPipeline").status, Status::Failed);
        assert_eq!(
            about(&f, "policy/BillingReadOnly").status,
            Status::NotAvailable
        );
        // Unattached policies are not judged.
        let Collected::Ok(ps) = &mut s.iam.policies else {
            panic!()
        };
        ps[0].attachment_count = 0;
        ps[1].attachment_count = 0;
        assert_eq!(
            no_full_admin_policies(&s)[0].reason_code,
            "NO_ATTACHED_CUSTOMER_POLICIES"
        );
    }
}
