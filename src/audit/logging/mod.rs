//! Section 2: logging — CloudTrail, its S3 bucket, AWS Config, KMS rotation
//! and VPC flow logs.

mod cloudtrail;
mod cloudwatch;
mod config;
mod flow_logs;
mod kms;
mod public_policy;
mod s3_bucket;

pub use cloudtrail::{
    CLOUDTRAIL_ALL_REGIONS, LOG_FILE_VALIDATION, TRAIL_KMS_ENCRYPTION, TrailFitness, Trails,
    cloudtrail_all_regions, log_file_validation, records_all_management_events, trail_fitness,
    trail_kms_encryption,
};
pub use cloudwatch::{
    CLOUDWATCH_LOGS_INTEGRATION, cloudwatch_logs_integration, cloudwatch_logs_integration_cis,
};
pub use config::{CONFIG_ENABLED, config_enabled, config_enabled_cis};
pub use flow_logs::{VPC_FLOW_LOGS, vpc_flow_logs};
pub use kms::{KMS_ROTATION, kms_rotation};
pub use public_policy::public_policy_statements;
pub use s3_bucket::{
    TRAIL_BUCKET_LOGGING, TRAIL_BUCKET_NOT_PUBLIC, trail_bucket_logging, trail_bucket_not_public,
    trail_bucket_not_public_cis,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Status;
    use crate::audit::testkit::*;
    use crate::snapshot::{Collected, Snapshot, Trail};

    /// Apply `f` to every trail of every region.
    pub(super) fn each_trail(s: &mut Snapshot, f: impl Fn(&mut Trail)) {
        for r in &mut s.regions {
            if let Collected::Ok(ts) = &mut r.trails {
                ts.iter_mut().for_each(&f);
            }
        }
    }

    /// With no region in the snapshot nothing regional was read: no check
    /// over the regions passes.
    #[test]
    fn no_region_read_is_not_a_pass() {
        let mut s = compliant();
        s.regions.clear();
        for check in [
            cloudtrail_all_regions,
            log_file_validation,
            trail_bucket_not_public,
            trail_bucket_not_public_cis,
            cloudwatch_logs_integration,
            cloudwatch_logs_integration_cis,
            config_enabled,
            config_enabled_cis,
            trail_bucket_logging,
            trail_kms_encryption,
            kms_rotation,
            vpc_flow_logs,
        ] {
            let f = check(&s);
            assert_eq!(status(&f), Status::NotAvailable, "{f:#?}");
            assert!(f[0].reason.contains("no region"), "{}", f[0].reason);
        }
    }
}
