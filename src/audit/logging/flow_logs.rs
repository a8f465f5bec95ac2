//! 2.9: VPC flow logs.

use std::collections::HashMap;

use crate::audit::common::{account_finding, account_resource, ec2_arn, no_regions};
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::audit::registry::{CheckDef, How};
use crate::cis::names;
use crate::snapshot::{CollectionError, FlowLog, Snapshot};

/// What a flow log's status and traffic type say about 2.9.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlowLogState {
    /// Active, recording rejected (or all) traffic.
    Good,
    /// Inactive, or recording accepted traffic only.
    Insufficient,
    /// The status or the traffic type was not reported.
    Unknown,
}

fn flow_log_state(l: &FlowLog) -> FlowLogState {
    let active = l.flow_log_status.as_deref().map(|st| st == "ACTIVE");
    let rejected = l
        .traffic_type
        .as_deref()
        .map(|t| matches!(t, "ALL" | "REJECT"));
    match (active, rejected) {
        (Some(true), Some(true)) => FlowLogState::Good,
        (Some(false), _) | (_, Some(false)) => FlowLogState::Insufficient,
        _ => FlowLogState::Unknown,
    }
}

/// The row of [`vpc_flow_logs`].
pub static VPC_FLOW_LOGS: CheckDef = CheckDef {
    name: names::VPC_FLOW_LOGS,
    how: How::Check(vpc_flow_logs),
    resource_type: ResourceType::Vpc,
    reasons: &[
        reason::FLOW_LOGS_ENABLED,
        reason::FLOW_LOGS_INSUFFICIENT,
        reason::FLOW_LOGS_NOT_ENABLED,
        reason::FLOW_LOG_STATUS_UNKNOWN,
        reason::NO_VPCS,
    ],
};

/// 2.9: every VPC has an active flow log recording rejected traffic.
pub fn vpc_flow_logs(s: &Snapshot) -> Vec<Finding> {
    if let Some(f) = no_regions(s) {
        return vec![f];
    }
    let mut out = Vec::new();
    let mut regions_read = 0usize;
    for r in &s.regions {
        let region = r.region.as_str();
        let unreadable = |what: &str, e: &CollectionError| {
            Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                what,
                e,
            )
        };
        let (vpcs, logs) = match (r.vpcs.get(), r.flow_logs.get()) {
            (Err(e), _) => {
                out.push(unreadable("the VPCs", e));
                continue;
            }
            (_, Err(e)) => {
                out.push(unreadable("the flow logs", e));
                continue;
            }
            (Ok(v), Ok(l)) => (v, l),
        };
        regions_read += 1;
        let mut by_vpc: HashMap<&str, Vec<&FlowLog>> = HashMap::new();
        for l in logs {
            by_vpc.entry(l.resource_id.as_str()).or_default().push(l);
        }
        for v in vpcs {
            let logs = by_vpc
                .get(v.vpc_id.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            out.push(vpc_flow_log_finding(s, region, &v.vpc_id, logs));
        }
    }
    if regions_read > 0 && !out.iter().any(|f| f.resource_type == ResourceType::Vpc) {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            reason::NO_VPCS,
            "no VPC in the regions read",
        ));
    }
    out
}

/// 2.9 for one VPC, from its flow logs: one active flow log recording
/// rejected traffic passes.
fn vpc_flow_log_finding(s: &Snapshot, region: &str, vpc_id: &str, logs: &[&FlowLog]) -> Finding {
    let ids = |state: FlowLogState| {
        logs.iter()
            .filter(|l| flow_log_state(l) == state)
            .map(|l| l.flow_log_id.clone())
            .collect::<Vec<_>>()
    };
    let vpc_f = |status: Status, code: &'static str, reason: &'static str| {
        Finding::new(
            status,
            ResourceType::Vpc,
            ec2_arn(s, region, "vpc", vpc_id),
            Some(region),
            code,
            reason,
        )
    };
    let good = logs
        .iter()
        .find(|l| flow_log_state(l) == FlowLogState::Good);
    let unknown = ids(FlowLogState::Unknown);
    match good {
        Some(l) => vpc_f(
            Status::Passed,
            reason::FLOW_LOGS_ENABLED,
            "an active flow log records rejected traffic",
        )
        .with("flow_log_id", l.flow_log_id.as_str()),
        None if logs.is_empty() => vpc_f(
            Status::Failed,
            reason::FLOW_LOGS_NOT_ENABLED,
            "the VPC has no flow log",
        ),
        None if !unknown.is_empty() => vpc_f(
            Status::NotAvailable,
            reason::FLOW_LOG_STATUS_UNKNOWN,
            "the VPC's flow logs do not report their status or traffic type",
        )
        .with("flow_logs", unknown),
        None => vpc_f(
            Status::Failed,
            reason::FLOW_LOGS_INSUFFICIENT,
            "the VPC's flow logs are inactive or record accepted traffic only",
        )
        .with("flow_logs", ids(FlowLogState::Insufficient)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::*;
    use crate::snapshot::Collected;

    #[test]
    fn flow_log_cases() {
        let mut s = compliant();
        assert_eq!(status(&vpc_flow_logs(&s)), Status::Passed);
        let Collected::Ok(logs) = &mut s.regions[0].flow_logs else {
            panic!()
        };
        logs[0].traffic_type = Some("ACCEPT".into());
        logs.remove(1);
        let f = vpc_flow_logs(&s);
        assert_eq!(
            about(&f, "vpc/vpc-0a1b2c3d4e5f60718").reason_code,
            "FLOW_LOGS_INSUFFICIENT"
        );
        assert_eq!(
            about(&f, "vpc/vpc-04d2c7e9a1b3f5d6e").reason_code,
            "FLOW_LOGS_NOT_ENABLED"
        );
        s.regions[0].flow_logs = Collected::Error(denied("ec2", "DescribeFlowLogs"));
        assert_eq!(
            with_status(&vpc_flow_logs(&s), Status::NotAvailable).len(),
            1
        );
    }

    /// A flow log that does not report its status or traffic type is
    /// unknown, never active.
    #[test]
    fn flow_log_status_unknown() {
        let vpc = "vpc/vpc-0a1b2c3d4e5f60718";
        fn only_log(s: &mut Snapshot) -> &mut crate::snapshot::FlowLog {
            let Collected::Ok(logs) = &mut s.regions[0].flow_logs else {
                panic!()
            };
            let mut mine = logs
                .iter_mut()
                .filter(|l| l.resource_id == "vpc-0a1b2c3d4e5f60718");
            let log = mine.next().unwrap();
            assert!(mine.next().is_none());
            log
        }
        let mut s = compliant();
        only_log(&mut s).flow_log_status = None;
        let f = vpc_flow_logs(&s);
        assert_eq!(
            (about(&f, vpc).status, about(&f, vpc).reason_code),
            (Status::NotAvailable, "FLOW_LOG_STATUS_UNKNOWN")
        );
        assert_eq!(status(&f), Status::NotAvailable);
        let mut s = compliant();
        only_log(&mut s).traffic_type = None;
        assert_eq!(about(&vpc_flow_logs(&s), vpc).status, Status::NotAvailable);
        // Known to record accepted traffic only: insufficient whatever the status.
        let mut s = compliant();
        let l = only_log(&mut s);
        l.flow_log_status = None;
        l.traffic_type = Some("ACCEPT".into());
        assert_eq!(
            about(&vpc_flow_logs(&s), vpc).reason_code,
            "FLOW_LOGS_INSUFFICIENT"
        );
    }

    /// A region that was read and has no VPC is a fact, not a gap.
    #[test]
    fn no_vpcs_in_regions_read_passes() {
        let mut s = compliant();
        for r in &mut s.regions {
            r.vpcs = Collected::Ok(vec![]);
            r.flow_logs = Collected::Ok(vec![]);
        }
        let f = vpc_flow_logs(&s);
        assert_eq!((status(&f), f[0].reason_code), (Status::Passed, "NO_VPCS"));
        s.regions[0].vpcs = Collected::Error(denied("ec2", "DescribeVpcs"));
        assert_eq!(status(&vpc_flow_logs(&s)), Status::NotAvailable);
    }
}
