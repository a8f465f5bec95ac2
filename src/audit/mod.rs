//! Account audit: the CIS checks that judge an account's [`Snapshot`] (the
//! versioned serde model in [`crate::snapshot`]; ages are measured against
//! the snapshot's time, never the clock). Pure: no I/O, no clock, no AWS
//! calls; a collection failure is data in the snapshot and becomes
//! NOT_AVAILABLE, never PASSED.
//!
//! - [`finding`]: findings per resource, statuses and their roll-up.
//! - [`iam`], [`logging`], [`networking`]: one pure function per control.
//! - [`monitoring`]: the metric-filter chain walker (1.1, 3.1–3.14).
//! - [`organization`]: member accounts covered by an organization trail.
//!
//! [`run`] evaluates every control of the catalog (or a chosen few), the way
//! Security Hub does or, with [`Procedure::Cis`], with the stricter reading
//! of the CIS audit procedure where the two differ (`docs/report.md`).

pub mod common;
pub mod finding;
pub mod iam;
pub mod logging;
pub mod monitoring;
pub mod networking;
pub mod organization;
pub mod reason;
pub mod registry;

#[cfg(test)]
pub(crate) mod testkit;

pub use crate::snapshot::{Collected, CollectionError, Snapshot, SnapshotError, Timestamp};
pub use finding::{ControlResult, Finding, ResourceType, Status};

use serde::Serialize;

use crate::cis::{Benchmark, CONTROLS, CheckKind, Control, MatchMode};

/// A check over the snapshot.
pub type Check = fn(&Snapshot) -> Vec<Finding>;

/// Whose reading of a control decides its status where Security Hub's rule
/// and the CIS audit procedure differ (2.3, 2.4 and 2.5; the table is in
/// `docs/report.md`). Every other control reads the same in both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Procedure {
    /// Security Hub's rule (the default).
    #[default]
    #[serde(rename = "securityhub")]
    SecurityHub,
    /// The CIS v1.2.0 audit procedure, where it is stricter.
    #[serde(rename = "cis")]
    Cis,
}

impl Procedure {
    /// `securityhub` or `cis`.
    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::SecurityHub => "securityhub",
            Procedure::Cis => "cis",
        }
    }
}

impl std::str::FromStr for Procedure {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "securityhub" | "security-hub" => Ok(Procedure::SecurityHub),
            "cis" => Ok(Procedure::Cis),
            _ => Err(format!(
                "unknown procedure `{s}`: expected `securityhub` or `cis`"
            )),
        }
    }
}

/// The check of an automated control under `procedure`, by CIS v1.2.0 id or
/// Security Hub id (through the catalog's check name and [`registry`]).
pub fn check_for(id: &str, procedure: Procedure) -> Option<Check> {
    let control = crate::cis::control(id)?;
    registry::check_def(control.name)?.check(procedure)
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
    /// Security Hub's reading of the controls, or the CIS procedure's.
    pub procedure: Procedure,
}

/// The outcome of an audit.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The benchmark's name.
    pub benchmark: &'static str,
    /// The match mode.
    pub mode: MatchMode,
    /// Whose reading decided the controls where Security Hub and CIS differ.
    pub procedure: Procedure,
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

    /// Whether no control could be evaluated: every one is NOT_AVAILABLE
    /// (manual controls always are), so the audit read nothing it could judge.
    pub fn evaluated_nothing(&self) -> bool {
        self.controls
            .iter()
            .all(|c| c.status == Status::NotAvailable)
    }

    /// Whether some automated control (not a manual one) is NOT_AVAILABLE.
    pub fn any_not_available(&self) -> bool {
        self.controls
            .iter()
            .any(|c| c.status == Status::NotAvailable && c.control.check != CheckKind::Manual)
    }
}

/// Evaluate the controls against the snapshot.
pub fn run(s: &Snapshot, opts: &Options<'_>) -> Audit {
    let selected = selected(opts);
    let needs_chain = selected.iter().any(|c| c.check == CheckKind::MetricFilter);
    let index = needs_chain.then(|| monitoring::Index::build(s, opts.benchmark, opts.mode));
    let controls = selected
        .into_iter()
        .map(|c| ControlResult::new(c, evaluate(s, c, index.as_ref(), opts.procedure)))
        .collect();
    Audit {
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        procedure: opts.procedure,
        account: s.account_id.clone(),
        partition: s.partition.clone(),
        regions: s.regions.iter().map(|r| r.region.clone()).collect(),
        taken_at: s.taken_at.clone(),
        controls,
    }
}

/// The controls to evaluate, in catalog order.
fn selected(opts: &Options<'_>) -> Vec<&'static Control> {
    match opts.controls {
        Some(list) => CONTROLS
            .iter()
            .filter(|c| list.iter().any(|x| x.id == c.id))
            .collect(),
        None => CONTROLS.iter().collect(),
    }
}

fn evaluate(
    s: &Snapshot,
    c: &'static Control,
    index: Option<&monitoring::Index<'_>>,
    procedure: Procedure,
) -> Vec<Finding> {
    let Some(def) = registry::check_def(c.name) else {
        return vec![common::account_finding(
            s,
            None,
            Status::NotAvailable,
            reason::NOT_IMPLEMENTED,
            "this version of cis-filters has no check for the control",
        )];
    };
    match def.how {
        registry::How::Manual => vec![common::account_finding(
            s,
            None,
            Status::NotAvailable,
            finding::MANUAL_CONTROL,
            "manual control",
        )],
        registry::How::Chain(_) => match index {
            Some(ix) => vec![ix.walk(c)],
            None => Vec::new(),
        },
        registry::How::Check(_) | registry::How::Procedures { .. } => {
            def.check(procedure).map_or_else(Vec::new, |check| check(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cis::benchmark;
    use crate::snapshot::Collected;

    fn statuses(s: &Snapshot, mode: MatchMode) -> Vec<(&'static str, Status)> {
        let opts = Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode,
            controls: None,
            procedure: Procedure::SecurityHub,
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
            for p in [Procedure::SecurityHub, Procedure::Cis] {
                match c.check {
                    CheckKind::Automated => assert!(check_for(c.id, p).is_some(), "{}", c.id),
                    _ => assert!(check_for(c.id, p).is_none(), "{}", c.id),
                }
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

    /// The procedure changes only the controls where Security Hub and CIS
    /// differ, and is recorded in the audit.
    #[test]
    fn procedure_changes_only_2_3_to_2_5() {
        let mut s = testkit::compliant();
        // Delivered to CloudWatch Logs two days before the snapshot.
        for r in &mut s.regions {
            if let Ok(ts) = r.trails.get() {
                let mut ts = ts.clone();
                for t in &mut ts {
                    if let Collected::Ok(st) = &mut t.status {
                        st.latest_cloud_watch_logs_delivery_time =
                            Some(Timestamp::parse("2026-11-18T09:00:00Z").unwrap());
                    }
                }
                r.trails = Collected::Ok(ts);
            }
        }
        let run_with = |procedure| {
            run(
                &s,
                &Options {
                    benchmark: benchmark("cis-1.2").unwrap(),
                    mode: MatchMode::Normalized,
                    controls: None,
                    procedure,
                },
            )
        };
        let (sh, cis) = (run_with(Procedure::SecurityHub), run_with(Procedure::Cis));
        assert_eq!(
            (sh.procedure, cis.procedure),
            (Procedure::SecurityHub, Procedure::Cis)
        );
        for (a, b) in sh.controls.iter().zip(&cis.controls) {
            let want = if a.control.id == "2.4" {
                Status::Failed
            } else {
                a.status
            };
            assert_eq!(b.status, want, "{}", a.control.id);
        }
        assert!(!sh.any_failed());
        assert_eq!("CIS".parse::<Procedure>(), Ok(Procedure::Cis));
        assert_eq!(
            "securityhub".parse::<Procedure>(),
            Ok(Procedure::SecurityHub)
        );
        assert!(
            "loose"
                .parse::<Procedure>()
                .unwrap_err()
                .contains("`securityhub` or `cis`")
        );
    }

    /// A snapshot that read nothing evaluates nothing; one gap is a
    /// NOT_AVAILABLE control, never a PASSED one.
    #[test]
    fn nothing_read_evaluates_nothing() {
        let mut s = testkit::compliant();
        s.regions.clear();
        let e = |op: &str| testkit::denied("iam", op);
        s.iam.credential_report = Collected::Error(e("GetCredentialReport"));
        s.iam.password_policy = Collected::Error(e("GetAccountPasswordPolicy"));
        s.iam.account_summary = Collected::Error(e("GetAccountSummary"));
        s.iam.virtual_mfa_devices = Collected::Error(e("ListVirtualMFADevices"));
        s.iam.users = Collected::Error(e("ListUsers"));
        s.iam.policies = Collected::Error(e("ListPolicies"));
        s.iam.support_access = Collected::Error(e("ListEntitiesForPolicy"));
        let opts = Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode: MatchMode::Normalized,
            controls: None,
            procedure: Procedure::SecurityHub,
        };
        let a = run(&s, &opts);
        assert!(a.evaluated_nothing(), "{:#?}", a.controls);
        assert!(a.any_not_available());
        let ok = run(&testkit::compliant(), &opts);
        assert!(!ok.evaluated_nothing() && !ok.any_not_available());
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
            procedure: Procedure::SecurityHub,
        };
        let a = run(&s, &opts);
        let ids: Vec<_> = a.controls.iter().map(|c| c.control.id).collect();
        assert_eq!(ids, ["3.1", "4.1"]);
        assert!(!a.any_failed());
    }
}
