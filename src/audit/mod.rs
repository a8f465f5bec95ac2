//! Account audit: the [`snapshot::Snapshot`] of an account and the CIS checks
//! that judge it. Pure: no I/O, no clock, no AWS calls; a collection failure
//! is data in the snapshot and becomes NOT_AVAILABLE, never PASSED.
//!
//! - [`snapshot`]: the versioned serde model of one account.
//! - [`time`]: RFC 3339 timestamps (ages are measured against the snapshot's time).
//! - [`finding`]: findings per resource, statuses and their roll-up.
//! - [`iam`], [`logging`], [`networking`]: one pure function per control.
//! - [`monitoring`]: the metric-filter chain walker (1.1, 3.1–3.14).
//!
//! [`run`] evaluates every control of the catalog (or a chosen few).

pub mod common;
pub mod finding;
pub mod iam;
pub mod logging;
pub mod monitoring;
pub mod networking;
pub mod snapshot;
pub mod time;

#[cfg(test)]
pub(crate) mod testkit;

pub use finding::{ControlResult, Finding, ResourceType, Status};
pub use snapshot::{Collected, CollectionError, Snapshot, SnapshotError};
pub use time::Timestamp;

use crate::cis::{Benchmark, CONTROLS, CheckKind, Control, MatchMode};

/// A check over the snapshot.
pub type Check = fn(&Snapshot) -> Vec<Finding>;

/// The check of an automated control, by CIS v1.2.0 id.
pub fn check_for(id: &str) -> Option<Check> {
    let c: Check = match id {
        "1.2" => iam::mfa_for_console_users,
        "1.3" => iam::unused_credentials,
        "1.4" => iam::access_keys_rotated,
        "1.5" => iam::policy_uppercase,
        "1.6" => iam::policy_lowercase,
        "1.7" => iam::policy_symbols,
        "1.8" => iam::policy_numbers,
        "1.9" => iam::policy_length,
        "1.10" => iam::policy_reuse,
        "1.11" => iam::policy_max_age,
        "1.12" => iam::no_root_access_keys,
        "1.13" => iam::root_mfa_enabled,
        "1.14" => iam::root_hardware_mfa,
        "1.16" => iam::no_user_policies,
        "1.20" => iam::support_role,
        "1.22" => iam::no_full_admin_policies,
        "2.1" => logging::cloudtrail_all_regions,
        "2.2" => logging::log_file_validation,
        "2.3" => logging::trail_bucket_not_public,
        "2.4" => logging::cloudwatch_logs_integration,
        "2.5" => logging::config_enabled,
        "2.6" => logging::trail_bucket_logging,
        "2.7" => logging::trail_kms_encryption,
        "2.8" => logging::kms_rotation,
        "2.9" => logging::vpc_flow_logs,
        "4.1" => networking::no_world_ssh,
        "4.2" => networking::no_world_rdp,
        "4.3" => networking::default_group_closed,
        _ => return None,
    };
    Some(c)
}

/// What to audit and how.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The benchmark whose canonical patterns the chain controls use.
    pub benchmark: &'static Benchmark,
    /// Which verdicts pass.
    pub mode: MatchMode,
    /// Only these controls (CIS v1.2.0 ids), in catalog order; `None` for all.
    pub controls: Option<&'a [&'static Control]>,
}

/// The outcome of an audit.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The benchmark's name.
    pub benchmark: &'static str,
    /// The match mode.
    pub mode: MatchMode,
    /// The account audited.
    pub account: String,
    /// Its partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// The regions the snapshot covers.
    pub regions: Vec<String>,
    /// When the snapshot was taken.
    pub taken_at: Timestamp,
    /// One result per control, in catalog order.
    pub controls: Vec<ControlResult>,
}

impl Audit {
    /// Whether any control FAILED.
    pub fn any_failed(&self) -> bool {
        self.controls.iter().any(|c| c.status == Status::Failed)
    }

    /// How many controls have each status.
    pub fn count(&self, status: Status) -> usize {
        self.controls.iter().filter(|c| c.status == status).count()
    }
}

/// Evaluate the controls against the snapshot.
pub fn run(s: &Snapshot, opts: &Options<'_>) -> Audit {
    let selected: Vec<&'static Control> = match opts.controls {
        Some(list) => CONTROLS
            .iter()
            .filter(|c| list.iter().any(|x| x.id == c.id))
            .collect(),
        None => CONTROLS.iter().collect(),
    };
    let needs_chain = selected.iter().any(|c| c.check == CheckKind::MetricFilter);
    let index = needs_chain.then(|| monitoring::Index::build(s, opts.benchmark, opts.mode));
    let controls = selected
        .into_iter()
        .map(|c| ControlResult::new(c, evaluate(s, c, index.as_ref())))
        .collect();
    Audit {
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        account: s.account_id.clone(),
        partition: s.partition.clone(),
        regions: s.regions.iter().map(|r| r.region.clone()).collect(),
        taken_at: s.taken_at.clone(),
        controls,
    }
}

fn evaluate(
    s: &Snapshot,
    c: &'static Control,
    index: Option<&monitoring::Index<'_>>,
) -> Vec<Finding> {
    match c.check {
        CheckKind::Manual => vec![common::account_finding(
            s,
            None,
            Status::NotAvailable,
            finding::MANUAL_CONTROL,
            "manual control",
        )],
        CheckKind::MetricFilter => match index {
            Some(ix) => vec![ix.walk(c)],
            None => Vec::new(),
        },
        CheckKind::Automated => match check_for(c.id) {
            Some(check) => check(s),
            None => vec![common::account_finding(
                s,
                None,
                Status::NotAvailable,
                "NOT_IMPLEMENTED",
                "this version of cis-filters has no check for the control",
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::benchmark;

    fn statuses(s: &Snapshot, mode: MatchMode) -> Vec<(&'static str, Status)> {
        let opts = Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode,
            controls: None,
        };
        run(s, &opts)
            .controls
            .iter()
            .map(|c| (c.control.id, c.status))
            .collect()
    }

    #[test]
    fn every_automated_control_has_a_check() {
        for c in CONTROLS {
            match c.check {
                CheckKind::Automated => assert!(check_for(c.id).is_some(), "{}", c.id),
                _ => assert!(check_for(c.id).is_none(), "{}", c.id),
            }
        }
    }

    #[test]
    fn compliant_passes_every_automated_control() {
        for (id, st) in statuses(&testkit::compliant(), MatchMode::Normalized) {
            let manual = crate::cis::control(id).unwrap().check == CheckKind::Manual;
            let want = if manual {
                Status::NotAvailable
            } else {
                Status::Passed
            };
            assert_eq!(st, want, "{id}");
        }
    }

    #[test]
    fn noncompliant_fails_every_automated_control() {
        for (id, st) in statuses(&testkit::noncompliant(), MatchMode::Normalized) {
            let manual = crate::cis::control(id).unwrap().check == CheckKind::Manual;
            let want = if manual {
                Status::NotAvailable
            } else {
                Status::Failed
            };
            assert_eq!(st, want, "{id}");
        }
    }

    #[test]
    fn selected_controls_only() {
        let s = testkit::compliant();
        let pick: Vec<_> = ["4.1", "3.1"]
            .iter()
            .map(|i| crate::cis::control(i).unwrap())
            .collect();
        let opts = Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode: MatchMode::Normalized,
            controls: Some(&pick),
        };
        let a = run(&s, &opts);
        let ids: Vec<_> = a.controls.iter().map(|c| c.control.id).collect();
        assert_eq!(ids, ["3.1", "4.1"]);
        assert!(!a.any_failed());
    }
}
