//! The check registry: one row per control, keyed by the check's stable,
//! version-free name ([`crate::cis::names`]).
//!
//! A row ([`CheckDef`]) sits next to its check function (in [`super::iam`],
//! [`super::logging`], [`super::networking`]; the metric-filter chains in
//! [`super::monitoring`]; the manual controls here) and says how the control
//! is evaluated, under either procedure, what kind of resource its findings
//! are about and which reason codes it gives. The benchmark-facing text of the
//! control (title, severity, Config rule, Security Hub id, description,
//! remediation) is the catalog row with the same name ([`CheckDef::control`]);
//! each benchmark maps its own ids to the names in its pattern table.
//! [`CHECKS`] lists every row, in CIS v1.2.0 order; the tests below hold it
//! to the catalog.

use super::finding::ResourceType;
use super::{Check, Procedure, iam, logging, monitoring, networking, reason};
use crate::cis::{CONTROLS, Control, names};

/// How a control is evaluated.
#[derive(Clone, Copy, Debug)]
pub enum How {
    /// One check, the same under both procedures.
    Check(Check),
    /// Security Hub's check, and the stricter reading of the CIS audit
    /// procedure (`--procedure cis`).
    Procedures {
        /// The default: Security Hub's rule.
        securityhub: Check,
        /// The CIS v1.2.0 audit procedure's reading.
        cis: Check,
    },
    /// The metric-filter chain with the canonical pattern of the benchmark
    /// row that maps to this check name (1.1 runs the chain of
    /// [`names::FILTER_ROOT_USAGE`] where a benchmark has no row of its own).
    Chain(&'static str),
    /// Not automatable: NOT_AVAILABLE, `MANUAL_CONTROL`.
    Manual,
}

/// One control's check: its name, how it runs, what it reports on.
#[derive(Debug)]
pub struct CheckDef {
    /// The stable, version-free name ([`crate::cis::names`]).
    pub name: &'static str,
    /// How the control is evaluated.
    pub how: How,
    /// What its findings are about (account-level findings, e.g. of unreadable
    /// data, are [`ResourceType::Account`] whatever this says).
    pub resource_type: ResourceType,
    /// The reason codes it gives, besides `DATA_NOT_AVAILABLE`.
    pub reasons: &'static [&'static str],
}

impl CheckDef {
    /// The check function under `procedure`; `None` for chains and manual controls.
    pub fn check(&self, procedure: Procedure) -> Option<Check> {
        match (self.how, procedure) {
            (How::Check(c), _) => Some(c),
            (How::Procedures { securityhub, .. }, Procedure::SecurityHub) => Some(securityhub),
            (How::Procedures { cis, .. }, Procedure::Cis) => Some(cis),
            (How::Chain(_) | How::Manual, _) => None,
        }
    }

    /// The catalog row of the control (title, severity, Config rule, …).
    pub fn control(&self) -> Option<&'static Control> {
        CONTROLS.iter().find(|c| c.name == self.name)
    }
}

/// The reason codes of a metric-filter chain.
pub const CHAIN_REASONS: &[&str] = &[
    reason::BENCHMARK_HAS_NO_PATTERN,
    reason::CHAIN_COMPLETE,
    reason::CLOUDTRAIL_METRIC_FILTERS_NOT_PRESENT,
    reason::CLOUDTRAIL_METRIC_FILTER_NOT_VALID,
    reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT,
    reason::CLOUDTRAIL_OTHER_ACCOUNT,
    reason::CLOUDTRAIL_OTHER_REGION,
    reason::CLOUDWATCH_ALARMS_NOT_PRESENT,
    reason::CLOUDWATCH_ALARM_ACTIONS_NOT_VALID,
    reason::METRIC_FILTER_ON_TRANSFORMED_LOGS,
    reason::SNS_SUBSCRIPTION_NOT_PRESENT,
    reason::SNS_TOPIC_CROSS_ACCOUNT,
    reason::SNS_TOPIC_CROSS_ACCOUNT_CROSS_REGION,
    reason::SNS_TOPIC_INVALID,
];

/// A manual control's row.
macro_rules! manual {
    ($name:ident) => {
        #[doc = concat!("The row of the manual control `", stringify!($name), "`.")]
        pub static $name: CheckDef = CheckDef {
            name: names::$name,
            how: How::Manual,
            resource_type: ResourceType::Account,
            reasons: &[reason::MANUAL_CONTROL],
        };
    };
}

manual!(ACCOUNT_SECURITY_QUESTIONS);
manual!(ACCOUNT_CONTACT_DETAILS);
manual!(ACCOUNT_SECURITY_CONTACT);
manual!(EC2_INSTANCE_ROLES);
manual!(IAM_NO_INITIAL_ACCESS_KEYS);
manual!(VPC_PEERING_LEAST_ACCESS);

/// Every control's row, in CIS v1.2.0 order.
pub static CHECKS: &[&CheckDef] = &[
    &monitoring::IAM_AVOID_ROOT_USAGE,
    &iam::MFA_FOR_CONSOLE_USERS,
    &iam::UNUSED_CREDENTIALS,
    &iam::ACCESS_KEYS_ROTATED,
    &iam::POLICY_UPPERCASE,
    &iam::POLICY_LOWERCASE,
    &iam::POLICY_SYMBOLS,
    &iam::POLICY_NUMBERS,
    &iam::POLICY_LENGTH,
    &iam::POLICY_REUSE,
    &iam::POLICY_MAX_AGE,
    &iam::NO_ROOT_ACCESS_KEYS,
    &iam::ROOT_MFA_ENABLED,
    &iam::ROOT_HARDWARE_MFA,
    &ACCOUNT_SECURITY_QUESTIONS,
    &iam::NO_USER_POLICIES,
    &ACCOUNT_CONTACT_DETAILS,
    &ACCOUNT_SECURITY_CONTACT,
    &EC2_INSTANCE_ROLES,
    &iam::SUPPORT_ROLE,
    &IAM_NO_INITIAL_ACCESS_KEYS,
    &iam::NO_FULL_ADMIN_POLICIES,
    &logging::CLOUDTRAIL_ALL_REGIONS,
    &logging::LOG_FILE_VALIDATION,
    &logging::TRAIL_BUCKET_NOT_PUBLIC,
    &logging::CLOUDWATCH_LOGS_INTEGRATION,
    &logging::CONFIG_ENABLED,
    &logging::TRAIL_BUCKET_LOGGING,
    &logging::TRAIL_KMS_ENCRYPTION,
    &logging::KMS_ROTATION,
    &logging::VPC_FLOW_LOGS,
    &monitoring::FILTER_UNAUTHORIZED_API_CALLS,
    &monitoring::FILTER_CONSOLE_WITHOUT_MFA,
    &monitoring::FILTER_ROOT_USAGE,
    &monitoring::FILTER_IAM_POLICY_CHANGES,
    &monitoring::FILTER_CLOUDTRAIL_CHANGES,
    &monitoring::FILTER_CONSOLE_AUTH_FAILURES,
    &monitoring::FILTER_CMK_DISABLED_OR_DELETED,
    &monitoring::FILTER_S3_BUCKET_POLICY_CHANGES,
    &monitoring::FILTER_CONFIG_CHANGES,
    &monitoring::FILTER_SECURITY_GROUP_CHANGES,
    &monitoring::FILTER_NACL_CHANGES,
    &monitoring::FILTER_NETWORK_GATEWAY_CHANGES,
    &monitoring::FILTER_ROUTE_TABLE_CHANGES,
    &monitoring::FILTER_VPC_CHANGES,
    &networking::NO_WORLD_SSH,
    &networking::NO_WORLD_RDP,
    &networking::DEFAULT_GROUP_CLOSED,
    &VPC_PEERING_LEAST_ACCESS,
];

/// The row of the check called `name`.
pub fn check_def(name: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().copied().find(|d| d.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit::{compliant, mixed, noncompliant};
    use crate::audit::{Options, run};
    use crate::cis::{BENCHMARKS, CheckKind, MatchMode, benchmark, control};
    use std::collections::HashSet;

    #[test]
    fn one_row_per_catalog_control_in_catalog_order() {
        let rows: Vec<&str> = CHECKS.iter().map(|d| d.name).collect();
        let catalog: Vec<&str> = CONTROLS.iter().map(|c| c.name).collect();
        assert_eq!(rows, catalog);
        let unique: HashSet<&str> = rows.iter().copied().collect();
        assert_eq!(unique.len(), rows.len(), "a name is used twice");
        for d in CHECKS {
            assert!(
                d.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}: not snake_case",
                d.name
            );
            let c = d.control().unwrap();
            let kind = match d.how {
                How::Check(_) | How::Procedures { .. } => CheckKind::Automated,
                How::Chain(_) => CheckKind::MetricFilter,
                How::Manual => CheckKind::Manual,
            };
            assert_eq!(kind, c.check, "{}", c.id);
        }
    }

    #[test]
    fn a_stricter_cis_variant_for_exactly_2_3_2_4_2_5() {
        let stricter: Vec<&str> = CHECKS
            .iter()
            .filter(|d| matches!(d.how, How::Procedures { .. }))
            .map(|d| d.control().unwrap().id)
            .collect();
        assert_eq!(stricter, ["2.3", "2.4", "2.5"]);
        for id in ["2.3", "IAM.5", "CloudWatch.2", "1.15"] {
            let d = check_def(control(id).unwrap().name).unwrap();
            assert_eq!(
                d.check(Procedure::Cis).is_some(),
                d.check(Procedure::SecurityHub).is_some(),
                "{id}"
            );
        }
        assert!(crate::audit::check_for("EC2.13", Procedure::SecurityHub).is_some());
        assert!(crate::audit::check_for("3.1", Procedure::SecurityHub).is_none());
        assert!(crate::audit::check_for("9.9", Procedure::Cis).is_none());
    }

    #[test]
    fn benchmarks_map_their_ids_to_check_names() {
        for (bench, id) in [
            ("cis-1.2", "3.1"),
            ("securityhub", "CloudWatch.2"),
            ("cis-1.4", "4.1"),
            ("cis-5.0", "4.1"),
        ] {
            let row = benchmark(bench).unwrap().row(id).unwrap();
            assert_eq!(
                row.check,
                names::FILTER_UNAUTHORIZED_API_CALLS,
                "{bench} {id}"
            );
        }
        let pattern_only = [names::FILTER_ORGANIZATIONS_CHANGES];
        for b in BENCHMARKS {
            for r in b.rows {
                assert!(
                    check_def(r.check).is_some() || pattern_only.contains(&r.check),
                    "{} {}: unknown check {}",
                    b.name,
                    r.control,
                    r.check
                );
            }
            // Every chain of the catalog finds a row in every benchmark.
            for d in CHECKS {
                if let How::Chain(p) = d.how {
                    assert!(
                        b.row_for_check(d.name)
                            .or_else(|| b.row_for_check(p))
                            .is_some(),
                        "{}: no row for {}",
                        b.name,
                        d.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_registered_reason_belongs_to_a_check() {
        let mut claimed: HashSet<&str> = CHECKS
            .iter()
            .flat_map(|d| d.reasons.iter().copied())
            .collect();
        // Any control can have these (ACCOUNT_NOT_AUDITED: every control of
        // an organization's account that could not be audited).
        claimed.extend([
            reason::DATA_NOT_AVAILABLE,
            reason::NOT_IMPLEMENTED,
            reason::ACCOUNT_NOT_AUDITED,
        ]);
        for r in reason::REASONS {
            assert!(claimed.contains(r.code), "{} is given by no check", r.code);
        }
        for code in &claimed {
            assert!(reason::reason(code).is_some(), "{code} is not registered");
        }
    }

    #[test]
    fn example_findings_match_their_row() {
        for s in [compliant(), mixed(), noncompliant()] {
            for &benchmark in BENCHMARKS {
                for procedure in [Procedure::SecurityHub, Procedure::Cis] {
                    let opts = Options {
                        benchmark,
                        mode: MatchMode::Normalized,
                        controls: None,
                        procedure,
                    };
                    for c in run(&s, &opts).controls {
                        let d = check_def(c.control.name).unwrap();
                        for f in &c.findings {
                            assert!(
                                d.reasons.contains(&f.reason_code)
                                    || f.reason_code == reason::DATA_NOT_AVAILABLE,
                                "{}: {} is not among the row's reasons",
                                c.control.id,
                                f.reason_code
                            );
                            assert!(
                                f.resource_type == d.resource_type
                                    || f.resource_type == ResourceType::Account,
                                "{}: {:?}",
                                c.control.id,
                                f.resource_type
                            );
                        }
                    }
                }
            }
        }
    }
}
