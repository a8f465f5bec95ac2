//! KMS: the keys of a region, their metadata and rotation.

use futures_util::future::join_all;

use crate::snapshot as m;

use super::{opt, ts, txt};
use crate::aws::Collector;
use crate::aws::call::CallError;
use crate::aws::client::RegionClients;

impl Collector {
    pub(super) async fn kms(&self, c: &RegionClients) -> m::Collected<Vec<m::KmsKey>> {
        let r = &c.region;
        let keys = self.ctx.pages("kms", "ListKeys", r, |marker| {
            let req = c.kms.list_keys().set_marker(marker).send();
            async move {
                let o = req.await?;
                let items: Vec<(String, String)> = o
                    .keys()
                    .iter()
                    .map(|k| (txt(k.key_id()), txt(k.key_arn())))
                    .collect();
                let next = if o.truncated() {
                    o.next_marker().map(str::to_owned)
                } else {
                    None
                };
                Ok((items, next))
            }
        });
        match keys.await {
            Err(e) => self.fail(e),
            // A key deleted since ListKeys listed it is left out.
            Ok(keys) => m::Collected::Ok(
                join_all(keys.into_iter().map(|(id, arn)| self.kms_key(c, id, arn)))
                    .await
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
        }
    }

    /// The key, or `None` when KMS answers `NotFoundException`.
    async fn kms_key(
        &self,
        c: &RegionClients,
        key_id: String,
        key_arn: String,
    ) -> Option<m::KmsKey> {
        let r = &c.region;
        let described = self
            .ctx
            .call(
                "kms",
                "DescribeKey",
                r,
                c.kms.describe_key().key_id(&key_id).send(),
            )
            .await
            .map(|o| o.key_metadata().map(key_metadata));
        let metadata = match described {
            Ok(Some(md)) => m::Collected::Ok(md),
            Ok(None) => self.fail(CallError::new(
                "kms",
                "DescribeKey",
                r,
                crate::aws::call::CODE_BAD_RESPONSE,
                "the answer has no KeyMetadata",
            )),
            Err(e) if e.is("NotFound") => return None,
            Err(e) => self.fail(e),
        };
        let rotation_enabled = if metadata.ok().is_some_and(rotation_applies) {
            let r = self
                .ctx
                .call(
                    "kms",
                    "GetKeyRotationStatus",
                    r,
                    c.kms.get_key_rotation_status().key_id(&key_id).send(),
                )
                .await
                .map(|o| o.key_rotation_enabled());
            if r.as_ref().is_err_and(|e| e.is("NotFound")) {
                return None;
            }
            Some(self.collected(r))
        } else {
            None
        };
        Some(m::KmsKey {
            key_id,
            key_arn,
            metadata,
            rotation_enabled,
        })
    }
}

fn key_metadata(k: &aws_sdk_kms::types::KeyMetadata) -> m::KeyMetadata {
    m::KeyMetadata {
        key_manager: k
            .key_manager()
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        key_spec: k
            .key_spec()
            .map(|v| v.as_str().to_owned())
            .unwrap_or_else(|| "SYMMETRIC_DEFAULT".to_owned()),
        key_state: k
            .key_state()
            .map(|v| v.as_str().to_owned())
            .unwrap_or_default(),
        key_usage: k.key_usage().map(|v| v.as_str().to_owned()),
        origin: k.origin().map(|v| v.as_str().to_owned()),
        description: opt(k.description()),
        creation_date: ts(k.creation_date()),
    }
}

/// Rotation only exists for enabled, customer-managed symmetric keys of AWS
/// KMS origin; asking about other keys is an error by design.
fn rotation_applies(md: &m::KeyMetadata) -> bool {
    md.key_manager == "CUSTOMER"
        && md.key_spec == "SYMMETRIC_DEFAULT"
        && md.key_state == "Enabled"
        && md.origin.as_deref().is_none_or(|o| o == "AWS_KMS")
}
