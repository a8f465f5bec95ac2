//! 1.12–1.14: the root user's access keys and MFA.

use serde_json::{Value, json};

use super::credential_report::{ROOT_ROW, Row, cell};
use crate::audit::common::account_finding;
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::Snapshot;

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
                        reason::DATA_NOT_AVAILABLE,
                        format!(
                            "the account summary has no {summary_key} and the credential report no root row"
                        ),
                    ))
                }),
        },
        Err(e) => match row_value {
            Some(b) => Ok((
                b,
                json!({ "credential_report_root": b, "account_summary_error": crate::audit::finding::error_json(e) }),
            )),
            None => Err(Box::new(Finding::unreadable(
                ResourceType::Account,
                crate::audit::common::account_resource(s),
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

/// The row of [`no_root_access_keys`].
pub static NO_ROOT_ACCESS_KEYS: CheckDef = CheckDef {
    name: names::IAM_NO_ROOT_ACCESS_KEY,
    how: How::Check(no_root_access_keys),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::NO_ROOT_ACCESS_KEYS,
        reason::ROOT_ACCESS_KEYS_PRESENT,
    ],
};

/// 1.12: the root user has no access keys.
pub fn no_root_access_keys(s: &Snapshot) -> Vec<Finding> {
    let f = match root_fact(s, "AccountAccessKeysPresent", true, root_has_keys) {
        Err(f) => *f,
        Ok((true, ev)) => Finding::new(
            Status::Failed,
            ResourceType::Account,
            root_arn(s),
            None,
            reason::ROOT_ACCESS_KEYS_PRESENT,
            "the root user has an access key",
        )
        .with("sources", ev),
        Ok((false, ev)) => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root_arn(s),
            None,
            reason::NO_ROOT_ACCESS_KEYS,
            "the root user has no access key",
        )
        .with("sources", ev),
    };
    vec![f]
}

/// The row of [`root_mfa_enabled`].
pub static ROOT_MFA_ENABLED: CheckDef = CheckDef {
    name: names::IAM_ROOT_MFA,
    how: How::Check(root_mfa_enabled),
    resource_type: ResourceType::Account,
    reasons: &[reason::ROOT_MFA_ENABLED, reason::ROOT_MFA_NOT_ENABLED],
};

/// 1.13: MFA is enabled for the root user.
pub fn root_mfa_enabled(s: &Snapshot) -> Vec<Finding> {
    let f = match root_fact(s, "AccountMFAEnabled", false, root_mfa) {
        Err(f) => *f,
        Ok((true, ev)) => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root_arn(s),
            None,
            reason::ROOT_MFA_ENABLED,
            "the root user has MFA",
        )
        .with("sources", ev),
        Ok((false, ev)) => Finding::new(
            Status::Failed,
            ResourceType::Account,
            root_arn(s),
            None,
            reason::ROOT_MFA_NOT_ENABLED,
            "the root user has no MFA device",
        )
        .with("sources", ev),
    };
    vec![f]
}

/// The row of [`root_hardware_mfa`].
pub static ROOT_HARDWARE_MFA: CheckDef = CheckDef {
    name: names::IAM_ROOT_HARDWARE_MFA,
    how: How::Check(root_hardware_mfa),
    resource_type: ResourceType::Account,
    reasons: &[
        reason::ROOT_MFA_HARDWARE,
        reason::ROOT_MFA_NOT_ENABLED,
        reason::ROOT_MFA_VIRTUAL,
    ],
};

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
            reason::ROOT_MFA_NOT_ENABLED,
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
            reason::ROOT_MFA_VIRTUAL,
            "the root user's MFA is a virtual device, not a hardware one",
        )
        .with("virtual_mfa_device", d.serial_number.as_str()),
        None => Finding::new(
            Status::Passed,
            ResourceType::Account,
            root,
            None,
            reason::ROOT_MFA_HARDWARE,
            "the root user has MFA and no virtual MFA device is assigned to it",
        ),
    }]
}

#[cfg(test)]
mod tests {
    use super::super::tests::set;
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

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
        d.push(crate::snapshot::VirtualMfaDevice {
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
}
