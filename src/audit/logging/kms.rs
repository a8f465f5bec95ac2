//! 2.8: rotation of customer-managed KMS keys.

use crate::audit::common::{account_finding, no_regions, readable};
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::Snapshot;

/// The row of [`kms_rotation`].
pub static KMS_ROTATION: CheckDef = CheckDef {
    name: names::KMS_ROTATION,
    how: How::Check(kms_rotation),
    resource_type: ResourceType::KmsKey,
    reasons: &[
        reason::KEY_ROTATION_DISABLED,
        reason::KEY_ROTATION_ENABLED,
        reason::NO_CUSTOMER_KEYS,
    ],
};

/// 2.8: rotation is on for every enabled, customer-managed, symmetric key.
pub fn kms_rotation(s: &Snapshot) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    for r in &s.regions {
        let region = r.region.as_str();
        let Some(keys) = readable(s, region, &r.kms_keys, "the KMS keys", &mut out) else {
            continue;
        };
        let before = out.len();
        for k in keys {
            let key_f = |st: Status, code: &'static str, reason: &'static str| {
                Finding::new(
                    st,
                    ResourceType::KmsKey,
                    k.key_arn.as_str(),
                    Some(region),
                    code,
                    reason,
                )
            };
            let md = match k.metadata.get() {
                Err(e) => {
                    out.push(Finding::unreadable(
                        ResourceType::KmsKey,
                        k.key_arn.as_str(),
                        Some(region),
                        "the key's metadata",
                        e,
                    ));
                    continue;
                }
                Ok(m) => m,
            };
            let eligible = md.key_manager == "CUSTOMER"
                && md.key_spec == "SYMMETRIC_DEFAULT"
                && md.key_state == "Enabled"
                && md.origin.as_deref().is_none_or(|o| o == "AWS_KMS");
            if !eligible {
                continue;
            }
            out.push(match &k.rotation_enabled {
                None => key_f(
                    Status::NotAvailable,
                    reason::DATA_NOT_AVAILABLE,
                    "the key's rotation status was not collected",
                ),
                Some(c) => match c.get() {
                    Err(e) => Finding::unreadable(
                        ResourceType::KmsKey,
                        k.key_arn.as_str(),
                        Some(region),
                        "the key's rotation status",
                        e,
                    ),
                    Ok(true) => key_f(
                        Status::Passed,
                        reason::KEY_ROTATION_ENABLED,
                        "automatic rotation is on",
                    ),
                    Ok(false) => key_f(
                        Status::Failed,
                        reason::KEY_ROTATION_DISABLED,
                        "automatic rotation is off",
                    ),
                },
            });
        }
        if out.len() == before {
            out.push(account_finding(
                s,
                Some(region),
                Status::Passed,
                reason::NO_CUSTOMER_KEYS,
                "no enabled customer-managed symmetric key in the region",
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

    #[test]
    fn kms_rotation_cases() {
        let mut s = compliant();
        let f = kms_rotation(&s);
        assert_eq!(status(&f), Status::Passed);
        // The AWS-managed and the asymmetric keys are not judged.
        assert_eq!(
            with_status(&f, Status::Passed)
                .iter()
                .filter(|f| f.resource.contains(":key/"))
                .count(),
            2
        );
        let set = |s: &mut Snapshot, v: Option<Collected<bool>>| {
            let Collected::Ok(keys) = &mut s.regions[1].kms_keys else {
                panic!()
            };
            let k = keys
                .iter_mut()
                .find(|k| k.metadata.ok().unwrap().key_manager == "CUSTOMER")
                .unwrap();
            k.rotation_enabled = v;
        };
        set(&mut s, Some(Collected::Ok(false)));
        assert_eq!(status(&kms_rotation(&s)), Status::Failed);
        set(
            &mut s,
            Some(Collected::Error(denied("kms", "GetKeyRotationStatus"))),
        );
        assert_eq!(status(&kms_rotation(&s)), Status::NotAvailable);
        set(&mut s, None);
        assert_eq!(status(&kms_rotation(&s)), Status::NotAvailable);
    }
}
