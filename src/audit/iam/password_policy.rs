//! 1.5–1.11: the account password policy.

use serde_json::Value;

use crate::audit::common::account_finding;
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{PasswordPolicy, Snapshot};

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
                crate::audit::common::account_resource(s),
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
            reason::PASSWORD_POLICY_MISSING,
            "the account has no password policy",
        ),
        Some(p) if ok(p) => account_finding(
            s,
            None,
            Status::Passed,
            reason::PASSWORD_POLICY_OK,
            format!("the password policy sets {setting} as required ({want})"),
        )
        .with(setting, value(p)),
        Some(p) => account_finding(
            s,
            None,
            Status::Failed,
            reason::PASSWORD_POLICY_WEAK,
            format!("the password policy does not meet {setting}: {want} is required"),
        )
        .with(setting, value(p)),
    };
    vec![f.with("required", want)]
}

/// The row of [`policy_uppercase`].
pub static POLICY_UPPERCASE: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_UPPERCASE,
    how: How::Check(policy_uppercase),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_lowercase`].
pub static POLICY_LOWERCASE: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_LOWERCASE,
    how: How::Check(policy_lowercase),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_symbols`].
pub static POLICY_SYMBOLS: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_SYMBOL,
    how: How::Check(policy_symbols),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_numbers`].
pub static POLICY_NUMBERS: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_NUMBER,
    how: How::Check(policy_numbers),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_length`].
pub static POLICY_LENGTH: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_LENGTH,
    how: How::Check(policy_length),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_reuse`].
pub static POLICY_REUSE: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_REUSE,
    how: How::Check(policy_reuse),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

/// The row of [`policy_max_age`].
pub static POLICY_MAX_AGE: CheckDef = CheckDef {
    name: names::IAM_PASSWORD_MAX_AGE,
    how: How::Check(policy_max_age),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::PASSWORD_POLICY_MISSING,
        reason::PASSWORD_POLICY_OK,
        reason::PASSWORD_POLICY_WEAK,
    ],
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

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
}
