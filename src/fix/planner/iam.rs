//! Section 1, identity and access: the password policy, the support role,
//! and the steps for what the tool leaves to people.

use serde_json::Value;

use super::{Builder, failed};
use crate::audit::ControlResult;
use crate::fix::model::{Action, Item, Kind, names};
use crate::snapshot::PasswordPolicy;

impl Builder<'_> {
    /// 1.16: the policies of each failing user.
    pub(super) fn user_policies(&self, c: &ControlResult) -> Vec<String> {
        failed(c)
            .filter_map(|f| {
                let list = |k: &str| -> Vec<String> {
                    f.evidence
                        .get(k)
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (attached, inline) = (list("attached_policies"), list("inline_policies"));
                (!attached.is_empty() || !inline.is_empty()).then(|| {
                    format!(
                        "{}: attached policies [{}], inline policies [{}]",
                        f.resource,
                        attached.join(", "),
                        inline.join(", ")
                    )
                })
            })
            .collect()
    }

    /// 1.22: who each failing policy is attached to, as far as the snapshot says.
    pub(super) fn admin_policies(&self, c: &ControlResult) -> Vec<String> {
        let users = self.s.iam.users.ok().map(Vec::as_slice).unwrap_or_default();
        failed(c)
            .map(|f| {
                let holders: Vec<&str> = users
                    .iter()
                    .filter(|u| {
                        u.attached_policies
                            .ok()
                            .is_some_and(|ps| ps.iter().any(|p| p.policy_arn == f.resource))
                    })
                    .map(|u| u.user_name.as_str())
                    .collect();
                format!(
                    "{}: attached to users [{}] (groups and roles: see `aws iam list-entities-for-policy --policy-arn {}`)",
                    f.resource,
                    holders.join(", "),
                    f.resource
                )
            })
            .collect()
    }

    pub(super) fn password_policy(&mut self, id: &'static str) {
        let current = self.s.iam.password_policy.ok().cloned().flatten();
        let existing = current.is_some();
        let p = current.clone().unwrap_or(PasswordPolicy {
            minimum_password_length: None,
            require_symbols: false,
            require_numbers: false,
            require_uppercase_characters: false,
            require_lowercase_characters: false,
            allow_users_to_change_password: true,
            expire_passwords: false,
            max_password_age: None,
            password_reuse_prevention: None,
            hard_expiry: None,
        });
        let age = p
            .max_password_age
            .filter(|n| (1..=90).contains(n))
            .unwrap_or(90);
        let want = PasswordPolicy {
            minimum_password_length: Some(p.minimum_password_length.unwrap_or(0).clamp(14, 128)),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: p.allow_users_to_change_password,
            expire_passwords: true,
            max_password_age: Some(age),
            password_reuse_prevention: Some(24),
            hard_expiry: p.hard_expiry,
        };
        let changes = policy_changes(current.as_ref(), &want);
        self.add(Item {
            key: "password-policy".into(),
            controls: vec![id],
            kind: Kind::Change,
            resource: crate::audit::common::account_resource(self.s),
            region: None,
            summary: if existing {
                "strengthen the account password policy (one change for 1.5 to 1.11)".into()
            } else {
                "set an account password policy (one change for 1.5 to 1.11)".into()
            },
            changes,
            removes: vec![],
            action: Action::PasswordPolicy {
                policy: want,
                existing,
            },
        });
    }

    pub(super) fn support_role(&mut self, id: &'static str) {
        let role = names::SUPPORT_ROLE;
        self.add(Item {
            key: format!("support-role:{role}"),
            controls: vec![id],
            kind: Kind::Change,
            resource: format!("arn:{}:iam::{}:role/{role}", self.s.partition, self.s.account_id),
            region: None,
            summary: format!(
                "create the role `{role}`, assumable by the account's IAM principals allowed to, with AWSSupportAccess attached"
            ),
            changes: vec![
                "new role trusting the account root (IAM policies then say who may assume it)".into(),
                "AWSSupportAccess attached to it".into(),
            ],
            removes: vec![],
            action: Action::SupportRole {
                role_name: role.into(),
            },
        });
    }
}

/// The settings that move, for people (`require_symbols: false -> true`).
fn policy_changes(old: Option<&PasswordPolicy>, want: &PasswordPolicy) -> Vec<String> {
    let mut changes = Vec::new();
    let show = |v: &Option<i64>| v.map_or_else(|| "unset".to_owned(), |n| n.to_string());
    let diff = |name: &str, a: String, b: String, out: &mut Vec<String>| {
        if a != b {
            out.push(format!("{name}: {a} -> {b}"));
        }
    };
    diff(
        "minimum_password_length",
        show(&old.and_then(|p| p.minimum_password_length)),
        show(&want.minimum_password_length),
        &mut changes,
    );
    for (name, a, b) in [
        ("require_symbols", old.map(|p| p.require_symbols), true),
        ("require_numbers", old.map(|p| p.require_numbers), true),
        (
            "require_uppercase_characters",
            old.map(|p| p.require_uppercase_characters),
            true,
        ),
        (
            "require_lowercase_characters",
            old.map(|p| p.require_lowercase_characters),
            true,
        ),
    ] {
        diff(
            name,
            a.map_or_else(|| "unset".into(), |v| v.to_string()),
            b.to_string(),
            &mut changes,
        );
    }
    diff(
        "password_reuse_prevention",
        show(&old.and_then(|p| p.password_reuse_prevention)),
        show(&want.password_reuse_prevention),
        &mut changes,
    );
    diff(
        "max_password_age",
        show(&old.and_then(|p| p.max_password_age)),
        show(&want.max_password_age),
        &mut changes,
    );
    changes
}
