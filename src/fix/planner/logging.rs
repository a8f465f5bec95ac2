//! The rest of section 2: the trail bucket (2.3, 2.6), AWS Config (2.5),
//! key rotation (2.8), VPC flow logs (2.9).

use serde_json::Value;

use super::{Builder, failed};
use crate::audit::ControlResult;
use crate::audit::common::Arn;
use crate::fix::model::{Action, ConfigState, Item, Kind, names};

impl Builder<'_> {
    pub(super) fn bucket_name(resource: &str) -> Option<&str> {
        Arn::parse(resource).and_then(|a| (a.service == "s3").then_some(a.resource))
    }

    pub(super) fn bucket_public(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(name) = Self::bucket_name(&f.resource) else {
                continue;
            };
            let Some(b) = self.s.s3.buckets.iter().find(|b| b.name == name) else {
                self.guidance(c, "the bucket is not in the snapshot", &[]);
                continue;
            };
            let grants: Vec<_> = b
                .acl
                .ok()
                .map(|a| {
                    a.grants
                        .iter()
                        .filter(|g| {
                            g.grantee_uri.as_deref().is_some_and(|u| {
                                u.ends_with("/global/AllUsers")
                                    || u.ends_with("/global/AuthenticatedUsers")
                            })
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let mut removes: Vec<String> = grants
                .iter()
                .map(|g: &crate::snapshot::Grant| {
                    format!(
                        "ACL grant of {} to {}",
                        g.permission,
                        g.grantee_uri.as_deref().unwrap_or_default()
                    )
                })
                .collect();
            let statements: Vec<String> = f
                .evidence
                .get("public_policy_statements")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            removes.extend(
                statements
                    .iter()
                    .map(|s| format!("public access through the bucket policy ({s}), blocked by RestrictPublicBuckets")),
            );
            self.add(Item {
                key: format!("bucket-public:{name}"),
                controls: vec![c.control.id],
                kind: Kind::RemovesAccess,
                resource: f.resource.clone(),
                region: None,
                summary: format!("turn on Block Public Access for `{name}` and remove its public ACL grants"),
                changes: vec![
                    "Block Public Access: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets all on".into(),
                    "ACL: the grants to AllUsers and AuthenticatedUsers removed (canned ACL `private`)".into(),
                ],
                removes,
                action: Action::BucketPublicAccess {
                    bucket: name.to_owned(),
                    remove_grants: grants,
                },
            });
        }
    }

    pub(super) fn bucket_logging(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(name) = Self::bucket_name(&f.resource).map(str::to_owned) else {
                continue;
            };
            if !self.s.s3.buckets.iter().any(|b| b.name == name) {
                self.guidance(c, "the trail's bucket does not exist: create it or point the trail at a bucket that does", &[]);
                continue;
            }
            let target = self.logs_bucket(c.control.id);
            self.add(Item {
                key: format!("bucket-logging:{name}"),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: f.resource.clone(),
                region: None,
                summary: format!("turn on server access logging for `{name}`"),
                changes: vec![format!("access logs to s3://{target}/{name}/")],
                removes: vec![],
                action: Action::BucketLogging {
                    bucket: name.clone(),
                    target_bucket: target,
                    target_prefix: format!("{name}/"),
                },
            });
        }
    }

    pub(super) fn config(&mut self, c: &ControlResult) {
        let id = c.control.id;
        let mut regions: Vec<String> = Vec::new();
        let mut globals = false;
        for f in failed(c) {
            match (&f.region, f.reason_code) {
                (_, "CONFIG_RECORDER_FAILING") => {
                    self.guidance(c, "the recorder fails: fix what its last error names (usually the delivery bucket's policy or the role)", &[]);
                }
                (Some(r), _) => regions.push(r.clone()),
                (None, _) => globals = true,
            }
        }
        // Global resource types: recorded in one region, the home region.
        let global_region = if globals {
            Some(self.home.clone())
        } else {
            None
        };
        if let Some(g) = &global_region
            && !regions.contains(g)
        {
            regions.push(g.clone());
        }
        for region in regions {
            let Some(reg) = self.s.regions.iter().find(|r| r.region == region) else {
                continue;
            };
            let rec = reg.config_recorders.ok().and_then(|l| l.first());
            let chan = reg.delivery_channels.ok().and_then(|l| l.first());
            let role_arn = match rec.and_then(|r| r.role_arn.clone()) {
                Some(r) => r,
                None => self.config_service_role(id),
            };
            let had_global = rec
                .and_then(|r| r.recording_group.as_ref())
                .is_some_and(|g| g.all_supported && g.include_global_resource_types);
            let include_global = had_global || global_region.as_deref() == Some(region.as_str());
            let (channel_name, channel_bucket, existing_channel) = match chan {
                Some(ch) => (
                    ch.name.clone(),
                    ch.s3_bucket_name.clone().unwrap_or_default(),
                    true,
                ),
                None => ("default".to_owned(), self.logs_bucket(id), false),
            };
            let mut changes = vec![
                "recorder records all supported resource types".into(),
                "recording started".into(),
            ];
            if include_global && !had_global {
                changes.push("recorder includes global resource types (IAM); this is the one region that does".into());
            }
            if !existing_channel {
                changes.push(format!("new delivery channel to s3://{channel_bucket}"));
            }
            self.add(Item {
                key: format!("config:{region}"),
                controls: vec![id],
                kind: Kind::Change,
                resource: crate::audit::common::account_resource(self.s),
                region: Some(region.clone()),
                summary: format!("turn AWS Config on in {region}"),
                changes,
                removes: vec![],
                action: Action::Config(ConfigState {
                    region: region.clone(),
                    recorder_name: rec.map_or_else(|| "default".to_owned(), |r| r.name.clone()),
                    existing_recorder: rec.is_some(),
                    role_arn,
                    include_global,
                    channel_name,
                    channel_bucket,
                    existing_channel,
                }),
            });
        }
    }

    /// AWS Config's service-linked role, created by the plan; its ARN.
    fn config_service_role(&mut self, id: &'static str) -> String {
        self.add(Item {
            key: "config-role".into(),
            controls: vec![id],
            kind: Kind::Change,
            resource: names::config_role_arn(&self.s.partition, &self.s.account_id),
            region: None,
            summary: "create AWS Config's service-linked role".into(),
            changes: vec!["new service-linked role AWSServiceRoleForConfig".into()],
            removes: vec![],
            action: Action::ConfigServiceRole,
        });
        names::config_role_arn(&self.s.partition, &self.s.account_id)
    }

    pub(super) fn key_rotation(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(region) = f.region.clone() else {
                continue;
            };
            let key = self
                .s
                .regions
                .iter()
                .find(|r| r.region == region)
                .and_then(|r| r.kms_keys.ok())
                .and_then(|ks| ks.iter().find(|k| k.key_arn == f.resource));
            let Some(k) = key else { continue };
            self.add(Item {
                key: format!("key-rotation:{}", k.key_arn),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: k.key_arn.clone(),
                region: Some(region.clone()),
                summary: format!("turn on automatic rotation of the key `{}`", k.key_id),
                changes: vec!["key rotation: off -> on (yearly)".into()],
                removes: vec![],
                action: Action::KeyRotation {
                    region,
                    key_id: k.key_id.clone(),
                    key_arn: k.key_arn.clone(),
                },
            });
        }
    }

    pub(super) fn flow_logs(&mut self, c: &ControlResult) {
        for f in failed(c) {
            let Some(region) = f.region.clone() else {
                continue;
            };
            let Some(vpc) = Arn::parse(&f.resource).and_then(|a| a.resource.strip_prefix("vpc/"))
            else {
                continue;
            };
            let vpc = vpc.to_owned();
            let bucket = self.logs_bucket(c.control.id);
            self.add(Item {
                key: format!("flow-log:{region}:{vpc}"),
                controls: vec![c.control.id],
                kind: Kind::Change,
                resource: f.resource.clone(),
                region: Some(region.clone()),
                summary: format!("add a flow log to `{vpc}` recording rejected traffic"),
                changes: vec![format!("new flow log, traffic REJECT, to s3://{bucket}/")],
                removes: vec![],
                action: Action::FlowLog {
                    region,
                    vpc_id: vpc,
                    bucket,
                },
            });
        }
    }
}
