//! 2.8: rotation of customer-managed KMS keys.

use crate::audit::common::{account_finding, no_regions, readable};
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{Collected, CollectionError, KeyMetadata, KmsKey, Snapshot};

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
        out.extend(keys.iter().filter_map(|k| key_rotation(region, k)));
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

/// Whether 2.8 judges a key: enabled, customer-managed, symmetric, with key
/// material from KMS.
fn rotation_applies(md: &KeyMetadata) -> bool {
    md.key_manager == "CUSTOMER"
        && md.key_spec == "SYMMETRIC_DEFAULT"
        && md.key_state == "Enabled"
        && md.origin.as_deref().is_none_or(|o| o == "AWS_KMS")
}

/// 2.8 for one key: `None` when the key is not one 2.8 judges.
fn key_rotation(region: &str, k: &KmsKey) -> Option<Finding> {
    let unreadable = |what: &str, e: &CollectionError| {
        Finding::unreadable(
            ResourceType::KmsKey,
            k.key_arn.as_str(),
            Some(region),
            what,
            e,
        )
    };
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
    match k.metadata.get() {
        Err(e) => return Some(unreadable("the key's metadata", e)),
        Ok(md) if !rotation_applies(md) => return None,
        Ok(_) => {}
    }
    Some(match k.rotation_enabled.as_ref().map(Collected::get) {
        None => key_f(
            Status::NotAvailable,
            reason::DATA_NOT_AVAILABLE,
            "the key's rotation status was not collected",
        ),
        Some(Err(e)) => unreadable("the key's rotation status", e),
        Some(Ok(true)) => key_f(
            Status::Passed,
            reason::KEY_ROTATION_ENABLED,
            "automatic rotation is on",
        ),
        Some(Ok(false)) => key_f(
            Status::Failed,
            reason::KEY_ROTATION_DISABLED,
            "automatic rotation is off",
        ),
    })
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
