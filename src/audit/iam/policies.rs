//! 1.16 and 1.22: where policies are attached, and what they grant.

use serde_json::Value;

use crate::audit::common::{account_finding, one_or_many, policy_statements};
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::Snapshot;

/// The row of [`no_user_policies`].
pub static NO_USER_POLICIES: CheckDef = CheckDef {
    name: names::IAM_POLICIES_ON_GROUPS_OR_ROLES,
    how: How::Check(no_user_policies),
    resource_type: ResourceType::IamUser,
    reasons: &[
        reason::NO_IAM_USERS,
        reason::NO_USER_POLICIES,
        reason::USER_HAS_POLICIES,
    ],
};

/// 1.16: no user has policies attached directly.
pub fn no_user_policies(s: &Snapshot) -> Vec<Finding> {
    let users = match s.iam.users.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                crate::audit::common::account_resource(s),
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
                reason::NO_USER_POLICIES,
                "no policy is attached to the user directly",
            ),
            (Ok(att), Ok(inl)) => Finding::new(
                Status::Failed,
                ResourceType::IamUser,
                u.arn.as_str(),
                None,
                reason::USER_HAS_POLICIES,
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
            reason::NO_IAM_USERS,
            "the account has no IAM users",
        ));
    }
    out
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

/// The row of [`no_full_admin_policies`].
pub static NO_FULL_ADMIN_POLICIES: CheckDef = CheckDef {
    name: names::IAM_NO_FULL_ADMIN_POLICIES,
    how: How::Check(no_full_admin_policies),
    resource_type: ResourceType::IamPolicy,
    reasons: &[
        reason::NO_ATTACHED_CUSTOMER_POLICIES,
        reason::POLICY_DOCUMENT_UNREADABLE,
        reason::POLICY_GRANTS_FULL_ADMIN,
        reason::POLICY_NOT_FULL_ADMIN,
    ],
};

/// 1.22: no attached customer-managed policy grants `*:*`.
pub fn no_full_admin_policies(s: &Snapshot) -> Vec<Finding> {
    let policies = match s.iam.policies.get() {
        Err(e) => {
            return vec![Finding::unreadable(
                ResourceType::Account,
                crate::audit::common::account_resource(s),
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
                    reason::POLICY_DOCUMENT_UNREADABLE,
                    why,
                ),
                Ok(true) => Finding::new(
                    Status::Failed,
                    ResourceType::IamPolicy,
                    p.arn.as_str(),
                    None,
                    reason::POLICY_GRANTS_FULL_ADMIN,
                    "the policy allows action `*` on resource `*`",
                ),
                Ok(false) => Finding::new(
                    Status::Passed,
                    ResourceType::IamPolicy,
                    p.arn.as_str(),
                    None,
                    reason::POLICY_NOT_FULL_ADMIN,
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
            reason::NO_ATTACHED_CUSTOMER_POLICIES,
            "no customer-managed policy is attached to anything",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;
    use serde_json::json;

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
