//! 1.20: a support role.

use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::Snapshot;

/// The row of [`support_role`].
pub static SUPPORT_ROLE: CheckDef = CheckDef {
    name: names::IAM_SUPPORT_ROLE,
    how: How::Check(support_role),
    resource_type: ResourceType::IamPolicy,
    reasons: &[
        reason::SUPPORT_ROLE_NOT_PRESENT,
        reason::SUPPORT_ROLE_PRESENT,
    ],
};

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
            reason::SUPPORT_ROLE_PRESENT,
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
            reason::SUPPORT_ROLE_NOT_PRESENT,
            "AWSSupportAccess is attached to no role",
        )
        .with("users", ents.policy_users.clone())
        .with("groups", ents.policy_groups.clone()),
    };
    vec![f]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

    #[test]
    fn support_role_cases() {
        let mut s = compliant();
        assert_eq!(status(&support_role(&s)), Status::Passed);
        s.iam.support_access = Collected::Ok(Default::default());
        assert_eq!(status(&support_role(&s)), Status::Failed);
        s.iam.support_access = Collected::Error(denied("iam", "ListEntitiesForPolicy"));
        assert_eq!(status(&support_role(&s)), Status::NotAvailable);
    }
}
