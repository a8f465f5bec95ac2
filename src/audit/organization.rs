//! Organization audits: a member account covered by an organization trail.
//!
//! An organization trail (`IsOrganizationTrail`) belongs to the management
//! account or a delegated administrator and logs every member account's
//! events to the owner's bucket and log group; the CIS filters, alarms and
//! topic of such a set-up live in the owner's account. Members see the trail
//! as a shadow copy (real AWS) or not at all (moto), so coverage rests on the
//! owners' own snapshots, never on the member's view.
//!
//! For a member that does not pass a control on its own:
//! - 1.1 and 3.x walk the owner's chain ([`Index::build_for`]) for the
//!   member: the owner's log group, its filters whose
//!   `fieldSelectionCriteria` select the member in every region the member's
//!   snapshot covers, the owner's alarms and topics. The finding says
//!   "covered by organization trail T of account A, whose chain is complete"
//!   (or "broken at …").
//! - 2.1 (a multi-region trail) is the organization trail's own 2.1 finding.
//! - 2.2, 2.3, 2.4, 2.6 and 2.7 (per trail or per trail bucket) judge the
//!   organization trail and its bucket as the owner's snapshot shows them, next
//!   to the member's own trails: the member's account is logged by both.
//! - When no readable owner has an organization trail but an account that may
//!   own one could not be read (its snapshot is an error file or is not in
//!   the run), a FAILED that only an organization trail could change is
//!   WARNING `CLOUDTRAIL_OTHER_ACCOUNT`, as Security Hub reports a trail of
//!   another account: never PASSED, never a false FAILED.
//!
//! Pure: the owners' snapshots and the member's come in as data.

use std::borrow::Cow;

use serde_json::json;

use super::common::{Arn, account_resource};
use super::finding::{ControlResult, Finding, Status, error_json};
use super::logging::Trails;
use super::monitoring::Index;
use super::{Audit, Options, reason, run, selected};
use crate::cis::CheckKind;
use crate::snapshot::{CollectionError, Snapshot, Timestamp};

/// The 2.x controls that read the account's trails: their ids, and whether
/// one good trail is enough (2.1) or every trail is judged (the others).
const TRAIL_CONTROLS: [(&str, bool); 6] = [
    ("2.1", true),
    ("2.2", false),
    ("2.3", false),
    ("2.4", false),
    ("2.6", false),
    ("2.7", false),
];

/// An account that owns organization trails, read from its own snapshot.
struct Owner {
    /// The owner's snapshot with only its own organization trails.
    view: Snapshot,
    /// The organization trails (name, ARN).
    trails: Vec<(String, String)>,
    /// The 2.x findings of the organization trails, by control id.
    logging: Vec<(&'static str, Vec<Finding>)>,
}

/// The organization trails of a run, from the snapshots of the accounts
/// that may own one, and the accounts that may own one but could not be read.
pub struct Coverage {
    owners: Vec<Owner>,
    unread: Vec<(String, String)>,
}

/// The organization trails a snapshot owns (distinct, home-region copies).
fn own_org_trails(s: &Snapshot) -> Vec<(String, String)> {
    Trails::of(s)
        .trails
        .into_iter()
        .filter(|t| t.is_organization_trail && Arn::account_of(&t.trail_arn) == Some(&s.account_id))
        .map(|t| (t.name.clone(), t.trail_arn.clone()))
        .collect()
}

impl Coverage {
    /// Coverage from the snapshots of the accounts that may own an
    /// organization trail (`owners`), and the accounts that may but could not
    /// be read, each with why (`unread`).
    pub fn new<'s>(
        owners: impl IntoIterator<Item = &'s Snapshot>,
        unread: Vec<(String, String)>,
        opts: &Options<'_>,
    ) -> Self {
        let owners = owners
            .into_iter()
            .filter_map(|s| {
                let trails = own_org_trails(s);
                if trails.is_empty() {
                    return None;
                }
                let mut view = s.clone();
                for r in &mut view.regions {
                    if let crate::snapshot::Collected::Ok(ts) = &mut r.trails {
                        ts.retain(|t| trails.iter().any(|(_, arn)| *arn == t.trail_arn));
                    }
                }
                let logging = TRAIL_CONTROLS
                    .iter()
                    .filter_map(|(id, _)| {
                        let check = super::check_for(id, opts.procedure)?;
                        let control = crate::cis::control(id)?;
                        Some((control.id, check(&view)))
                    })
                    .collect();
                Some(Owner {
                    view,
                    trails,
                    logging,
                })
            })
            .collect();
        Coverage { owners, unread }
    }

    /// Whether `account` owns an organization trail of the run.
    pub fn is_owner(&self, account: &str) -> bool {
        self.owners.iter().any(|o| o.view.account_id == account)
    }

    /// Audit a member account: its own audit, with the controls it does not
    /// pass on its own judged on the organization trails that cover it.
    pub fn audit(&self, s: &Snapshot, opts: &Options<'_>) -> Audit {
        let mut audit = run(s, opts);
        if self.is_owner(&s.account_id) {
            return audit;
        }
        let regions: Vec<&str> = s.regions.iter().map(|r| r.region.as_str()).collect();
        let indexes: Vec<(&Owner, Index<'_>)> = self
            .owners
            .iter()
            .map(|o| {
                let ix = Index::build_for(
                    &o.view,
                    opts.benchmark,
                    opts.mode,
                    &s.account_id,
                    regions.clone(),
                );
                (o, ix)
            })
            .collect();
        for c in &mut audit.controls {
            let own = std::mem::take(&mut c.findings);
            let findings = if c.control.check == CheckKind::MetricFilter {
                self.chain(s, c.control, own, &indexes)
            } else if let Some((_, any)) = TRAIL_CONTROLS.iter().find(|(id, _)| *id == c.control.id)
            {
                self.trail_control(s, c.control.id, *any, own)
            } else {
                own
            };
            *c = ControlResult::new(c.control, findings);
        }
        audit
    }

    /// 1.1 and 3.x: the member's own chain if complete, else the best chain
    /// of an organization trail for the member.
    fn chain(
        &self,
        s: &Snapshot,
        control: &'static crate::cis::Control,
        own: Vec<Finding>,
        indexes: &[(&Owner, Index<'_>)],
    ) -> Vec<Finding> {
        if roll_up(&own) == Status::Passed {
            return own;
        }
        let mut best: Option<(&Owner, Finding)> = None;
        for (o, ix) in indexes {
            let f = ix.walk(control);
            if best
                .as_ref()
                .is_none_or(|(_, b)| rank(f.status) > rank(b.status))
            {
                best = Some((o, f));
            }
        }
        let Some((o, mut f)) = best else {
            return self.unread_owner(own);
        };
        let arn = f
            .evidence
            .pointer("/chain/trail")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let name = o
            .trails
            .iter()
            .find(|(_, a)| *a == arn)
            .map_or(arn.as_str(), |(n, _)| n.as_str());
        let state = match f.evidence.get("broken_link").and_then(|v| v.as_str()) {
            None => "complete".to_owned(),
            Some(link) => format!("broken at the {link}"),
        };
        let own_status = roll_up(&own);
        f.reason = Cow::Owned(format!(
            "covered by organization trail `{name}` of account {}, whose chain is {state}: {}",
            o.view.account_id, f.reason
        ));
        f.resource = account_resource(s);
        vec![
            f.with(
                "organization_trail",
                json!({ "trail": arn, "owner": o.view.account_id }),
            )
            .with("own_status", own_status.as_str()),
        ]
    }

    /// 2.1 and the per-trail 2.x controls for a member.
    fn trail_control(&self, s: &Snapshot, id: &str, any: bool, own: Vec<Finding>) -> Vec<Finding> {
        let org: Vec<(&Owner, &Finding)> = self
            .owners
            .iter()
            .flat_map(|o| {
                o.logging
                    .iter()
                    .filter(|(c, _)| *c == id)
                    .flat_map(move |(_, fs)| fs.iter().map(move |f| (o, f)))
            })
            .collect();
        if org.is_empty() {
            return self.unread_owner(own);
        }
        if any && roll_up(&own) == Status::Passed {
            return own;
        }
        let covered = org.into_iter().map(|(o, f)| {
            let mut f = f.clone();
            f.reason = Cow::Owned(format!(
                "covered by an organization trail of account {}: {}",
                o.view.account_id, f.reason
            ));
            f.with("organization_trail_owner", o.view.account_id.as_str())
        });
        if any {
            return covered.collect();
        }
        // The member's own trails are judged too; its view of another
        // account's trail (a shadow copy) and "no trail" are not.
        let mut out: Vec<Finding> = own
            .into_iter()
            .filter(|f| f.reason_code != reason::CLOUDTRAIL_NOT_PRESENT)
            .filter(|f| Arn::account_of(&f.resource).is_none_or(|a| a == s.account_id))
            .collect();
        out.extend(covered);
        out
    }

    /// No readable organization trail: a FAILED that an organization trail
    /// of an account not read could change is WARNING.
    fn unread_owner(&self, own: Vec<Finding>) -> Vec<Finding> {
        let Some((account, why)) = self.unread.first() else {
            return own;
        };
        own.into_iter()
            .map(|mut f| {
                let no_trail = matches!(
                    f.reason_code,
                    reason::CLOUDTRAIL_NOT_PRESENT | reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT
                ) || f.evidence.get("chain").is_some();
                if f.status == Status::Failed && no_trail {
                    f.status = Status::Warning;
                    f.reason = Cow::Owned(format!(
                        "{}; an organization trail of account {account} may cover this account, but that account could not be read ({why})",
                        f.reason
                    ));
                    f.reason_code = reason::CLOUDTRAIL_OTHER_ACCOUNT;
                    f = f.with("unread_owner", account.as_str());
                }
                f
            })
            .collect()
    }
}

fn roll_up(fs: &[Finding]) -> Status {
    Status::roll_up(fs.iter().map(|f| &f.status))
}

/// A complete chain beats a warning, which beats an unreadable link, which
/// beats a broken one.
fn rank(s: Status) -> u8 {
    match s {
        Status::Passed => 3,
        Status::Warning => 2,
        Status::NotAvailable => 1,
        Status::Failed => 0,
    }
}

/// The audit of an account that could not be audited at all: every
/// selected control NOT_AVAILABLE with the recorded error.
pub fn not_audited(
    account: &str,
    partition: &str,
    taken_at: &Timestamp,
    error: &CollectionError,
    opts: &Options<'_>,
) -> Audit {
    let controls = selected(opts)
        .into_iter()
        .map(|c| {
            let f = Finding::new(
                Status::NotAvailable,
                super::ResourceType::Account,
                format!("AWS::::Account:{account}"),
                None,
                reason::ACCOUNT_NOT_AUDITED,
                format!("the account could not be audited: {error}"),
            )
            .with("error", error_json(error));
            ControlResult::new(c, vec![f])
        })
        .collect();
    Audit {
        benchmark: opts.benchmark.name,
        mode: opts.mode,
        procedure: opts.procedure,
        account: account.to_owned(),
        partition: partition.to_owned(),
        regions: Vec::new(),
        taken_at: taken_at.clone(),
        controls,
    }
}

/// Why an account listed in the organization has no audit, or that it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountStatus {
    /// Audited from its snapshot.
    Audited,
    /// Its snapshot is an error file: every control is NOT_AVAILABLE.
    NotAudited,
    /// Suspended or closing: listed, not audited.
    Suspended,
    /// Listed, but no file of it is in the run (another shard, or the run stopped).
    NotCollected,
}

impl AccountStatus {
    /// Every status, in the order of their names.
    pub const ALL: [AccountStatus; 4] = [
        AccountStatus::Audited,
        AccountStatus::NotAudited,
        AccountStatus::NotCollected,
        AccountStatus::Suspended,
    ];

    /// `AUDITED`, `NOT_AUDITED`, `SUSPENDED` or `NOT_COLLECTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Audited => "AUDITED",
            AccountStatus::NotAudited => "NOT_AUDITED",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::NotCollected => "NOT_COLLECTED",
        }
    }
}

/// One account of an organization audit.
#[derive(Clone, Debug)]
pub struct AccountResult {
    /// The 12-digit account id.
    pub id: String,
    /// The account name from the organization ("" when not listed).
    pub name: String,
    /// Audited, or why not.
    pub status: AccountStatus,
    /// Why there is no audit, or the error of a NOT_AUDITED account.
    pub note: Option<String>,
    /// The audit (every control NOT_AVAILABLE for NOT_AUDITED).
    pub audit: Option<Audit>,
}

impl AccountResult {
    /// Whether the account has a FAILED control.
    pub fn any_failed(&self) -> bool {
        self.audit.as_ref().is_some_and(Audit::any_failed)
    }
}

/// Where the accounts of an organization run go as they are audited: the
/// run's facts first, then each account's full result, once.
pub trait Sink {
    /// The run's facts (its [`Tally`] is empty).
    fn begin(&mut self, head: &OrgAudit) -> std::io::Result<()>;
    /// One account, with its whole audit.
    fn account(&mut self, a: &AccountResult) -> std::io::Result<()>;
}

/// How many controls have each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// PASSED.
    pub passed: usize,
    /// FAILED.
    pub failed: usize,
    /// WARNING.
    pub warning: usize,
    /// NOT_AVAILABLE.
    pub not_available: usize,
}

impl StatusCounts {
    /// Count one more `s`.
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Warning => self.warning += 1,
            Status::NotAvailable => self.not_available += 1,
        }
    }

    /// The statuses of an audit's controls.
    pub fn of(a: &Audit) -> Self {
        let mut c = StatusCounts::default();
        a.controls.iter().for_each(|r| c.add(r.status));
        c
    }
}

/// What a run keeps of its accounts once each has been written: counts,
/// whose size does not depend on the number of accounts.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// The accounts.
    pub accounts: usize,
    /// The accounts per [`AccountStatus`], in the order of
    /// [`AccountStatus::ALL`].
    pub by_status: [usize; 4],
    /// The accounts with a FAILED control.
    pub accounts_failed: usize,
    /// The controls of every audit, counted per status (in the order of the
    /// first audit that has them).
    pub controls: Vec<(&'static crate::cis::Control, StatusCounts)>,
    /// The audits.
    pub audits: usize,
    /// The audits in which every control is NOT_AVAILABLE.
    pub audits_evaluated_nothing: usize,
    /// The audits with an automated control NOT_AVAILABLE.
    pub audits_not_available: usize,
}

impl Tally {
    /// Count one account.
    pub fn add(&mut self, a: &AccountResult) {
        self.accounts += 1;
        if let Some(n) = AccountStatus::ALL
            .iter()
            .position(|s| *s == a.status)
            .and_then(|i| self.by_status.get_mut(i))
        {
            *n += 1;
        }
        let Some(audit) = &a.audit else { return };
        self.audits += 1;
        self.accounts_failed += usize::from(audit.any_failed());
        self.audits_evaluated_nothing += usize::from(audit.evaluated_nothing());
        self.audits_not_available += usize::from(audit.any_not_available());
        for c in &audit.controls {
            match self.controls.iter_mut().find(|(x, _)| x.id == c.control.id) {
                Some((_, counts)) => counts.add(c.status),
                None => {
                    let mut counts = StatusCounts::default();
                    counts.add(c.status);
                    self.controls.push((c.control, counts));
                }
            }
        }
    }

    /// Every control of every audit, counted per status.
    pub fn total(&self) -> StatusCounts {
        let mut t = StatusCounts::default();
        for (_, c) in &self.controls {
            t.passed += c.passed;
            t.failed += c.failed;
            t.warning += c.warning;
            t.not_available += c.not_available;
        }
        t
    }
}

/// The audit of an organization (or of several account snapshots). The
/// accounts' results went to the run's [`Sink`] as they were audited; the
/// run keeps only their [`Tally`], so its memory does not grow with the
/// number of accounts.
#[derive(Clone, Debug)]
pub struct OrgAudit {
    /// The organization id; `None` for loose account snapshots.
    pub organization_id: Option<String>,
    /// The management account.
    pub management_account_id: Option<String>,
    /// The benchmark's name.
    pub benchmark: &'static str,
    /// The match mode.
    pub mode: crate::cis::MatchMode,
    /// Whose reading decided the controls where Security Hub and CIS differ.
    pub procedure: super::Procedure,
    /// The accounts, counted.
    pub tally: Tally,
}

impl OrgAudit {
    /// Whether any account has a FAILED control.
    pub fn any_failed(&self) -> bool {
        self.tally.accounts_failed > 0
    }

    /// Whether some audited account has an automated control NOT_AVAILABLE.
    pub fn any_not_available(&self) -> bool {
        self.tally.audits_not_available > 0
    }

    /// Whether no audit could evaluate a control (true when there is no
    /// audit at all).
    pub fn evaluated_nothing(&self) -> bool {
        self.tally.audits_evaluated_nothing == self.tally.audits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testkit;
    use crate::audit::{Collected, Procedure};
    use crate::cis::{MatchMode, benchmark};

    const OWNER: &str = "111111111111";

    fn opts() -> Options<'static> {
        Options {
            benchmark: benchmark("cis-1.2").unwrap(),
            mode: MatchMode::Normalized,
            controls: None,
            procedure: Procedure::SecurityHub,
        }
    }

    /// An example snapshot moved to `account` (every ARN with it).
    fn as_account(s: &Snapshot, account: &str) -> Snapshot {
        let text = serde_json::to_string(s)
            .unwrap()
            .replace(&s.account_id, account);
        serde_json::from_str(&text).unwrap()
    }

    /// The management account: the compliant example, its trail an
    /// organization trail, every filter with `criteria`.
    fn owner(criteria: Option<&str>) -> Snapshot {
        let mut s = as_account(&testkit::compliant(), OWNER);
        for r in &mut s.regions {
            if let Collected::Ok(ts) = &mut r.trails {
                ts.iter_mut().for_each(|t| t.is_organization_trail = true);
            }
            if let Collected::Ok(fs) = &mut r.metric_filters {
                for f in fs {
                    f.field_selection_criteria = criteria.map(str::to_owned);
                }
            }
        }
        s
    }

    /// A member with no trail of its own (what moto shows a member).
    fn member(account: &str) -> Snapshot {
        let mut s = as_account(&testkit::noncompliant(), account);
        for r in &mut s.regions {
            r.trails = Collected::Ok(vec![]);
        }
        s
    }

    fn control<'a>(a: &'a Audit, id: &str) -> &'a ControlResult {
        a.controls.iter().find(|c| c.control.id == id).unwrap()
    }

    const CHAIN: [&str; 15] = [
        "1.1", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11",
        "3.12", "3.13", "3.14",
    ];

    #[test]
    fn a_member_is_judged_on_the_owners_chain() {
        let o = owner(None);
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let m = member("222222222222");
        // Alone, the member fails every chain control.
        let alone = run(&m, &opts());
        assert_eq!(control(&alone, "3.1").status, Status::Failed);
        let a = cov.audit(&m, &opts());
        for id in CHAIN {
            let c = control(&a, id);
            assert_eq!(c.status, Status::Passed, "{id}: {:#?}", c.findings);
            let f = &c.findings[0];
            assert!(
                f.reason.starts_with(
                    "covered by organization trail `management-events` of account 111111111111, whose chain is complete"
                ),
                "{}",
                f.reason
            );
            assert_eq!(f.resource, "AWS::::Account:222222222222");
            assert_eq!(f.evidence["organization_trail"]["owner"], OWNER);
            assert_eq!(f.evidence["own_status"], "FAILED");
        }
        // 2.1, 2.2, 2.4 and 2.7 read the organization trail.
        for id in ["2.1", "2.2", "2.4", "2.7"] {
            let c = control(&a, id);
            assert_eq!(c.status, Status::Passed, "{id}: {:#?}", c.findings);
            assert!(
                c.findings[0]
                    .reason
                    .starts_with("covered by an organization trail of account 111111111111")
            );
        }
        // The owner's own audit is its own.
        assert_eq!(cov.audit(&o, &opts()).controls, run(&o, &opts()).controls);
        assert!(cov.is_owner(OWNER) && !cov.is_owner("222222222222"));
    }

    #[test]
    fn criteria_that_leave_a_member_out_count_for_nothing() {
        let o = owner(Some(r#"@aws.account NOT IN ["333333333333"]"#));
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let a = cov.audit(&member("222222222222"), &opts());
        assert_eq!(control(&a, "3.1").status, Status::Passed);
        let a = cov.audit(&member("333333333333"), &opts());
        for id in CHAIN {
            let c = control(&a, id);
            assert_eq!(c.status, Status::Failed, "{id}");
            let f = &c.findings[0];
            assert_eq!(f.reason_code, reason::CLOUDTRAIL_METRIC_FILTER_NOT_VALID);
            assert!(
                f.reason
                    .contains("whose chain is broken at the metric_filter"),
                "{}",
                f.reason
            );
            assert!(
                f.reason.contains("leave out account 333333333333 in "),
                "{}",
                f.reason
            );
            assert!(f.evidence["excluded_filter"]["name"].is_string());
        }
        // The owner's own events are still selected.
        assert_eq!(control(&run(&o, &opts()), "3.1").status, Status::Passed);
        // A region left out is enough.
        let o = owner(Some(r#"@aws.region != "eu-west-1""#));
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let a = cov.audit(&member("222222222222"), &opts());
        let f = &control(&a, "3.4").findings[0];
        assert_eq!(f.status, Status::Failed);
        assert!(f.reason.contains("in eu-west-1"), "{}", f.reason);
    }

    #[test]
    fn unparsable_criteria_count_for_nothing_with_the_error() {
        let o = owner(Some("@aws.account = "));
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let a = cov.audit(&member("222222222222"), &opts());
        let f = &control(&a, "3.2").findings[0];
        assert_eq!(f.status, Status::Failed);
        assert!(
            f.reason.contains("fieldSelectionCriteria do not parse ("),
            "{}",
            f.reason
        );
        assert!(f.reason.contains("at byte "), "{}", f.reason);
        // The owner's own chain does not count such a filter either.
        assert_eq!(control(&run(&o, &opts()), "3.2").status, Status::Failed);
    }

    /// Without the owner's snapshot: WARNING as for a trail of another
    /// account, never PASSED, never FAILED for want of a trail.
    #[test]
    fn an_owner_not_read_is_a_warning() {
        for why in ["it is not in this run", "AssumeRole: AccessDenied"] {
            let cov = Coverage::new([], vec![(OWNER.to_owned(), why.to_owned())], &opts());
            let a = cov.audit(&member("222222222222"), &opts());
            for id in CHAIN.iter().chain(&["2.1", "2.2", "2.4", "2.7"]) {
                let c = control(&a, id);
                assert_eq!(c.status, Status::Warning, "{id}: {:#?}", c.findings);
                let f = &c.findings[0];
                assert_eq!(f.reason_code, reason::CLOUDTRAIL_OTHER_ACCOUNT, "{id}");
                assert!(f.reason.contains(why), "{}", f.reason);
            }
            // Controls that no trail changes keep their status.
            assert_eq!(control(&a, "1.2").status, Status::Failed);
        }
    }

    /// Real AWS shows members the organization trail as a shadow copy: alone
    /// that is WARNING (a trail of another account); with the owner's
    /// snapshot, the owner's chain decides.
    #[test]
    fn a_shadow_trail_is_resolved_by_the_owner() {
        let o = owner(None);
        let mut m = member("222222222222");
        let shadow = o
            .regions
            .iter()
            .find_map(|r| r.trails.ok().and_then(|t| t.first().cloned()))
            .unwrap();
        for r in &mut m.regions {
            r.trails = Collected::Ok(vec![shadow.clone()]);
        }
        let alone = run(&m, &opts());
        assert_eq!(control(&alone, "3.1").status, Status::Warning);
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let a = cov.audit(&m, &opts());
        assert_eq!(control(&a, "3.1").status, Status::Passed);
        assert_eq!(control(&a, "2.2").status, Status::Passed);
    }

    #[test]
    fn a_member_with_its_own_complete_chain_passes_on_its_own() {
        let cov = Coverage::new([], vec![(OWNER.to_owned(), "not read".into())], &opts());
        let m = as_account(&testkit::compliant(), "222222222222");
        let a = cov.audit(&m, &opts());
        assert_eq!(a.controls, run(&m, &opts()).controls);
        let cov = Coverage::new([&owner(None)], Vec::new(), &opts());
        let a = cov.audit(&m, &opts());
        let f = &control(&a, "3.1").findings[0];
        assert_eq!(f.status, Status::Passed);
        assert!(f.evidence.get("organization_trail").is_none());
        assert!(!f.reason.contains("organization"));
    }

    /// A member's own trail is judged next to the organization trail for
    /// the per-trail controls.
    #[test]
    fn own_trails_are_judged_next_to_the_organization_trail() {
        let cov = Coverage::new([&owner(None)], Vec::new(), &opts());
        let m = as_account(&testkit::noncompliant(), "222222222222");
        let a = cov.audit(&m, &opts());
        let c = control(&a, "2.2");
        assert_eq!(c.status, Status::Failed);
        assert!(c.findings.iter().any(|f| f.status == Status::Passed
            && f.reason.starts_with("covered by an organization trail")));
        assert!(
            c.findings
                .iter()
                .any(|f| f.status == Status::Failed && f.resource.contains(":222222222222:trail/"))
        );
        // 2.1 needs one good trail: the organization trail is one.
        assert_eq!(control(&a, "2.1").status, Status::Passed);
    }

    /// A filter over transformed logs may not see CloudTrail's fields: a
    /// chain through it is WARNING, for the owner and its members alike.
    #[test]
    fn a_filter_on_transformed_logs_is_a_warning() {
        let mut o = owner(None);
        for r in &mut o.regions {
            if let Collected::Ok(fs) = &mut r.metric_filters {
                fs.iter_mut()
                    .for_each(|f| f.apply_on_transformed_logs = true);
            }
        }
        let own = control(&run(&o, &opts()), "3.1").findings[0].clone();
        assert_eq!(
            (own.status, own.reason_code),
            (Status::Warning, reason::METRIC_FILTER_ON_TRANSFORMED_LOGS)
        );
        assert_eq!(own.evidence["broken_link"], "metric_filter");
        let cov = Coverage::new([&o], Vec::new(), &opts());
        let a = cov.audit(&member("222222222222"), &opts());
        let f = &control(&a, "3.1").findings[0];
        assert_eq!(f.status, Status::Warning);
        assert!(f.reason.contains("applyOnTransformedLogs"), "{}", f.reason);
        // A raw filter with the same pattern beside it passes.
        let mut o2 = owner(None);
        for r in &mut o2.regions {
            if let Collected::Ok(fs) = &mut r.metric_filters {
                let mut extra: Vec<_> = fs.clone();
                extra
                    .iter_mut()
                    .for_each(|f| f.apply_on_transformed_logs = true);
                extra.append(fs);
                *fs = extra;
            }
        }
        assert_eq!(control(&run(&o2, &opts()), "3.1").status, Status::Passed);
    }

    #[test]
    fn an_account_not_audited_is_not_available_everywhere() {
        let e = testkit::denied("sts", "AssumeRole");
        let a = not_audited(
            "666666666666",
            "aws",
            &testkit::compliant().taken_at,
            &e,
            &opts(),
        );
        assert_eq!(a.controls.len(), crate::cis::CONTROLS.len());
        for c in &a.controls {
            assert_eq!(c.status, Status::NotAvailable);
            assert_eq!(c.findings[0].reason_code, reason::ACCOUNT_NOT_AUDITED);
            assert!(
                c.findings[0].reason.contains("AssumeRole"),
                "{}",
                c.findings[0].reason
            );
            assert_eq!(c.findings[0].evidence["error"]["operation"], "AssumeRole");
        }
        assert!(a.evaluated_nothing() && !a.any_failed());
    }
}
