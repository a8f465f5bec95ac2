//! 1.2–1.4: the users' credentials in the credential report (console MFA,
//! unused credentials, access key rotation).

use serde_json::{Value, json};

use super::credential_report::{
    Row, date, is_true, no_users, report, true_false, user_arn, user_rows,
};
use crate::audit::common::{age_days, older_than_90_days};
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{Snapshot, Timestamp};

/// The row of [`mfa_for_console_users`].
pub static MFA_FOR_CONSOLE_USERS: CheckDef = CheckDef {
    name: names::IAM_USER_MFA_CONSOLE,
    how: How::Check(mfa_for_console_users),
    resource_type: ResourceType::IamUser,
    reasons: &[
        reason::CREDENTIAL_REPORT_INCOMPLETE,
        reason::MFA_ACTIVE,
        reason::MFA_NOT_ENABLED,
        reason::NO_CONSOLE_PASSWORD,
        reason::NO_IAM_USERS,
    ],
};

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
                reason::NO_CONSOLE_PASSWORD,
                "the user has no console password",
            )
        } else if is_true(row, "mfa_active") {
            Finding::new(
                Status::Passed,
                ResourceType::IamUser,
                arn,
                None,
                reason::MFA_ACTIVE,
                "the user has a console password and an MFA device",
            )
        } else {
            Finding::new(
                Status::Failed,
                ResourceType::IamUser,
                arn,
                None,
                reason::MFA_NOT_ENABLED,
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

/// The row of [`unused_credentials`].
pub static UNUSED_CREDENTIALS: CheckDef = CheckDef {
    name: names::IAM_UNUSED_CREDENTIALS,
    how: How::Check(unused_credentials),
    resource_type: ResourceType::IamUser,
    reasons: &[
        reason::CREDENTIALS_UNUSED_90_DAYS,
        reason::CREDENTIALS_USED,
        reason::CREDENTIAL_DATES_UNKNOWN,
        reason::CREDENTIAL_REPORT_INCOMPLETE,
        reason::NO_IAM_USERS,
    ],
};

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
        out.push(unused_finding(user_arn(row), credential_ages(s, row)));
    }
    no_users(s, &mut out, "");
    out
}

/// What 1.3 reads from the dates of one user's enabled credentials.
struct CredentialAges {
    /// The credentials unused for more than 90 days, as evidence.
    stale: Vec<Value>,
    /// The credentials the report gives no usable date for.
    unknown: Vec<&'static str>,
    /// The age in days of the oldest dated credential.
    oldest: Option<i64>,
}

/// Date each enabled credential of a user: by its last use or, never used,
/// by when it was created or last rotated.
fn credential_ages(s: &Snapshot, row: &Row) -> CredentialAges {
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
    CredentialAges {
        stale,
        unknown,
        oldest,
    }
}

/// 1.3 for one user: FAILED with a stale credential, NOT_AVAILABLE with an
/// undated one, PASSED otherwise.
fn unused_finding(arn: String, ages: CredentialAges) -> Finding {
    let CredentialAges {
        stale,
        unknown,
        oldest,
    } = ages;
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
            reason::CREDENTIALS_UNUSED_90_DAYS,
            reason,
        )
        .with("stale", stale)
    } else if !unknown.is_empty() {
        Finding::new(
            Status::NotAvailable,
            ResourceType::IamUser,
            arn,
            None,
            reason::CREDENTIAL_DATES_UNKNOWN,
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
            reason::CREDENTIALS_USED,
            "every enabled credential was used (or created) within 90 days",
        )
    };
    f.with("oldest_age_days", oldest)
}

/// The row of [`access_keys_rotated`].
pub static ACCESS_KEYS_ROTATED: CheckDef = CheckDef {
    name: names::IAM_ACCESS_KEYS_ROTATED,
    how: How::Check(access_keys_rotated),
    resource_type: ResourceType::IamUser,
    reasons: &[
        reason::ACCESS_KEY_NOT_ROTATED,
        reason::ACCESS_KEY_ROTATED,
        reason::CREDENTIAL_DATES_UNKNOWN,
        reason::CREDENTIAL_REPORT_INCOMPLETE,
        reason::NO_ACTIVE_ACCESS_KEY,
        reason::NO_IAM_USERS,
    ],
};

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
                    reason::CREDENTIAL_DATES_UNKNOWN,
                    format!("access key {n} is active but the report gives no rotation date"),
                ),
                Some(t) if older_than_90_days(s, &t) => Finding::new(
                    Status::Failed,
                    ResourceType::IamUser,
                    arn.clone(),
                    None,
                    reason::ACCESS_KEY_NOT_ROTATED,
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
                    reason::ACCESS_KEY_ROTATED,
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
                reason::NO_ACTIVE_ACCESS_KEY,
                "the user has no active access key",
            ));
        }
    }
    no_users(s, &mut out, "");
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::set;
    use super::*;
    use crate::audit::iam::ROOT_ROW;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

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
}
