//! 2.4: the trails deliver to CloudWatch Logs.

use super::cloudtrail::{per_trail, trail_finding};
use crate::audit::Procedure;
use crate::audit::finding::{Finding, ResourceType, Status, error_json};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{Snapshot, Trail, TrailStatus};

/// The row of [`cloudwatch_logs_integration`] and its CIS-procedure variant [`cloudwatch_logs_integration_cis`].
pub static CLOUDWATCH_LOGS_INTEGRATION: CheckDef = CheckDef {
    name: names::CLOUDTRAIL_CLOUDWATCH_LOGS,
    how: How::Procedures {
        securityhub: cloudwatch_logs_integration,
        cis: cloudwatch_logs_integration_cis,
    },
    resource_type: ResourceType::Trail,
    reasons: &[
        reason::CLOUDWATCH_LOGS_CONFIGURED,
        reason::CLOUDWATCH_LOGS_DELIVERING,
        reason::CLOUDWATCH_LOGS_DELIVERY_STALE,
        reason::CLOUDWATCH_LOGS_NOT_CONFIGURED,
        reason::CLOUDWATCH_LOGS_NO_DELIVERY,
    ],
};

/// 2.4 as Security Hub reads it (the Config rule
/// `cloud-trail-cloud-watch-logs-enabled`): every trail names a CloudWatch
/// Logs log group. The delivery facts (last delivery, its age, the last
/// error) are evidence only.
pub fn cloudwatch_logs_integration(s: &Snapshot) -> Vec<Finding> {
    cloudwatch_logs(s, Procedure::SecurityHub)
}

/// 2.4 as the CIS audit procedure reads it: every trail names a log group
/// and delivered to it within the day before the snapshot.
pub fn cloudwatch_logs_integration_cis(s: &Snapshot) -> Vec<Finding> {
    cloudwatch_logs(s, Procedure::Cis)
}

/// Seconds in a day: the CIS procedure's bound on the age of the last
/// delivery to CloudWatch Logs.
const ONE_DAY: i64 = 86_400;

fn cloudwatch_logs(s: &Snapshot, procedure: Procedure) -> Vec<Finding> {
    per_trail(s, |t| {
        let Some(lg) = &t.cloud_watch_logs_log_group_arn else {
            return trail_finding(
                t,
                Status::Failed,
                reason::CLOUDWATCH_LOGS_NOT_CONFIGURED,
                "the trail sends no events to CloudWatch Logs",
            )
            .with("procedure", procedure.as_str());
        };
        let f = match t.status.get() {
            Err(e) if procedure == Procedure::Cis => Finding::unreadable(
                ResourceType::Trail,
                t.trail_arn.as_str(),
                Some(&t.home_region),
                "the trail status",
                e,
            ),
            Err(e) => trail_finding(
                t,
                Status::Passed,
                reason::CLOUDWATCH_LOGS_CONFIGURED,
                "the trail sends events to CloudWatch Logs (its delivery status could not be read)",
            )
            .with("delivery_status_error", error_json(e)),
            Ok(st) => delivery_finding(s, t, st, procedure),
        };
        f.with("log_group", lg.as_str())
            .with("procedure", procedure.as_str())
    })
}

/// 2.4 for a trail that names a log group and whose status was read: the
/// CIS procedure judges the last delivery, Security Hub only reports it.
fn delivery_finding(s: &Snapshot, t: &Trail, st: &TrailStatus, procedure: Procedure) -> Finding {
    let cis = procedure == Procedure::Cis;
    let last = st.latest_cloud_watch_logs_delivery_time.as_ref();
    let age = last.map(|w| w.days_until(&s.taken_at));
    let f = match last {
        None if cis => trail_finding(
            t,
            Status::Failed,
            reason::CLOUDWATCH_LOGS_NO_DELIVERY,
            "the trail names a log group but has never delivered to it",
        ),
        Some(w) if cis && w.seconds_until(&s.taken_at) > ONE_DAY => trail_finding(
            t,
            Status::Failed,
            reason::CLOUDWATCH_LOGS_DELIVERY_STALE,
            format!(
                "the last delivery to CloudWatch Logs was {} day(s) before the snapshot",
                age.unwrap_or_default()
            ),
        ),
        Some(_) if cis => trail_finding(
            t,
            Status::Passed,
            reason::CLOUDWATCH_LOGS_DELIVERING,
            "the trail delivers to CloudWatch Logs (last delivery within a day)",
        ),
        None => trail_finding(
            t,
            Status::Passed,
            reason::CLOUDWATCH_LOGS_CONFIGURED,
            "the trail sends events to CloudWatch Logs (no delivery recorded yet)",
        ),
        Some(_) => trail_finding(
            t,
            Status::Passed,
            reason::CLOUDWATCH_LOGS_CONFIGURED,
            format!(
                "the trail sends events to CloudWatch Logs (last delivery {} day(s) before the snapshot)",
                age.unwrap_or_default()
            ),
        ),
    };
    f.with("latest_delivery", last.map(|w| w.as_str().to_owned()))
        .with("latest_delivery_age_days", age)
        .with(
            "latest_delivery_error",
            st.latest_cloud_watch_logs_delivery_error.clone(),
        )
}

#[cfg(test)]
mod tests {
    use super::super::tests::each_trail;
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;
    use serde_json::Value;

    fn set_delivery(s: &mut Snapshot, when: Option<&str>) {
        each_trail(s, |t| {
            if let Collected::Ok(st) = &mut t.status {
                st.latest_cloud_watch_logs_delivery_time =
                    when.map(|w| crate::audit::Timestamp::parse(w).unwrap());
            }
        });
    }

    /// Security Hub's 2.4 asks for a log group only; the delivery facts are
    /// evidence. (The snapshot was taken 2026-11-20T09:30Z.)
    #[test]
    fn cloudwatch_logs_security_hub_reads_the_log_group_only() {
        let mut s = compliant();
        set_delivery(&mut s, None);
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(f[0].reason_code, "CLOUDWATCH_LOGS_CONFIGURED");
        assert_eq!(f[0].evidence["latest_delivery"], Value::Null);
        assert_eq!(f[0].evidence["procedure"], "securityhub");
        set_delivery(&mut s, Some("2026-11-18T09:00:00Z"));
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(f[0].evidence["latest_delivery"], "2026-11-18T09:00:00Z");
        assert_eq!(f[0].evidence["latest_delivery_age_days"], 2);
        assert!(f[0].reason.contains("2 day(s)"), "{}", f[0].reason);
        // The status only adds facts: unreadable, the log group still decides.
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        let f = cloudwatch_logs_integration(&s);
        assert_eq!(status(&f), Status::Passed);
        assert_eq!(
            f[0].evidence["delivery_status_error"]["operation"],
            "GetTrailStatus"
        );
    }

    /// The CIS procedure also asks for a delivery within the last day.
    #[test]
    fn cloudwatch_logs_cis_asks_for_a_recent_delivery() {
        let mut s = compliant();
        let f = cloudwatch_logs_integration_cis(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Passed, "CLOUDWATCH_LOGS_DELIVERING")
        );
        assert_eq!(f[0].evidence["procedure"], "cis");
        set_delivery(&mut s, None);
        assert_eq!(
            cloudwatch_logs_integration_cis(&s)[0].reason_code,
            "CLOUDWATCH_LOGS_NO_DELIVERY"
        );
        set_delivery(&mut s, Some("2026-11-18T09:00:00Z"));
        let f = cloudwatch_logs_integration_cis(&s);
        assert_eq!(
            (status(&f), f[0].reason_code),
            (Status::Failed, "CLOUDWATCH_LOGS_DELIVERY_STALE")
        );
        assert_eq!(f[0].evidence["latest_delivery_age_days"], 2);
        // Exactly a day old is still within the day.
        set_delivery(&mut s, Some("2026-11-19T09:30:00Z"));
        assert_eq!(status(&cloudwatch_logs_integration_cis(&s)), Status::Passed);
        each_trail(&mut s, |t| {
            t.status = Collected::Error(denied("cloudtrail", "GetTrailStatus"))
        });
        assert_eq!(
            status(&cloudwatch_logs_integration_cis(&s)),
            Status::NotAvailable
        );
    }
}
