//! A whole AWS Organization: the accounts from AWS Organizations, then one
//! account snapshot per account, written into an organization snapshot
//! directory as each account is done (`docs/snapshot.md`).
//!
//! The caller is the management account or a delegated administrator. Its own
//! account is collected with its own credentials; every other account through
//! STS `AssumeRole` of `arn:<partition>:iam::<id>:role/<role name>`. Each
//! account is an ordinary single-account collection ([`super::collect_with`])
//! with its own request budget (`--max-in-flight`) and its own retry
//! partition, so throttling slows only the account that met it; at most
//! `--max-accounts-in-flight` accounts run at once.

mod account;
mod listing;
mod output;
mod scope;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_types::SdkConfig;

use crate::snapshot::Timestamp;
use crate::snapshot::{
    AccountFailure, ORGANIZATION_SCHEMA_VERSION, OrganizationAccount, OrganizationScope,
    OrganizationSnapshot, Shard,
};

use super::Progress;
use super::call::{CODE_NETWORK, CODE_TIMEOUT, Ctx};
use super::client::{self, PlainHttpWarning, Settings, SetupError};

pub(crate) use account::AccountConfig;
pub use account::role_arn;
use account::{Fleet, fan_out};
use listing::{Listing, list};
#[cfg(test)]
use output::prepare_output;
use output::write_organization;
pub use output::{account_path, already_done, finished_accounts, write_atomically};
pub use scope::{
    is_account_id, is_external_id, is_role_name, parse_account_list, parse_shard, select,
};

/// Most accounts collected at once (`--max-accounts-in-flight`).
pub const MAX_ACCOUNTS_IN_FLIGHT: usize = 64;

/// Default of `--max-accounts-in-flight`.
pub const DEFAULT_ACCOUNTS_IN_FLIGHT: usize = 4;

/// Deepest nesting of organizational units followed (AWS allows five levels
/// under the root).
pub const MAX_OU_DEPTH: usize = 10;

/// Most organizational units read.
pub const MAX_UNITS: usize = 10_000;

/// What an organization run collects, beyond the single-account [`Settings`].
#[derive(Debug, Clone)]
pub struct OrgSettings {
    /// The output directory.
    pub output: PathBuf,
    /// `--role-name`: the role assumed in each member account.
    pub role_name: String,
    /// `--external-id` for `AssumeRole`.
    pub external_id: Option<String>,
    /// `--ou`: only accounts under this unit (or root).
    pub ou: Option<String>,
    /// `--accounts`: only these.
    pub accounts: Vec<String>,
    /// `--exclude-accounts`: not these.
    pub exclude_accounts: Vec<String>,
    /// `--shard i/n`.
    pub shard: Option<Shard>,
    /// Accounts collected at once.
    pub max_accounts_in_flight: usize,
    /// `--resume`: skip accounts whose file exists in the output directory.
    pub resume: bool,
}

/// Why an organization run could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgError {
    /// The caller's credentials or settings (as for one account).
    Setup(SetupError),
    /// AWS Organizations could not be read.
    Organization(String),
    /// The output directory cannot be used.
    Output(String),
}

impl std::fmt::Display for OrgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Setup(e) => e.fmt(f),
            Self::Organization(m) | Self::Output(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for OrgError {}

/// Hears how the run goes: accounts, calls, retries and throttles.
pub trait OrgProgress: Progress {
    /// The number of accounts to collect in this run is known.
    fn accounts(&self, total: usize);
    /// An account is done (`ok`: its snapshot was written).
    fn account_done(&self, id: &str, ok: bool);
}

/// Counters of a whole organization run, shared by every account.
#[derive(Debug, Default)]
pub struct OrgCounters {
    /// Requests sent (each page counts).
    pub calls: AtomicU64,
    /// SDK retries.
    pub retries: AtomicU64,
    /// Answers that said the caller was throttled.
    pub throttles: AtomicU64,
}

/// The outcome of an organization run.
#[derive(Debug)]
pub struct OrgRun {
    /// `organization.json` as written.
    pub organization: OrganizationSnapshot,
    /// Accounts whose snapshot was written in this run.
    pub collected: Vec<String>,
    /// Accounts that could not be audited (`accounts/<id>.error.json`).
    pub failed: Vec<AccountFailure>,
    /// Accounts skipped by `--resume` (a file existed).
    pub resumed: Vec<String>,
    /// Accounts in scope that are not ACTIVE, with their state: listed, not collected.
    pub not_active: Vec<(String, String)>,
    /// `--accounts` ids that are not in the organization (or not under `--ou`).
    pub unknown: Vec<String>,
    /// Accounts of other shards.
    pub other_shards: usize,
    /// Requests sent over the run, the organization's own included.
    pub calls: u64,
    /// SDK retries.
    pub retries: u64,
    /// Throttled answers.
    pub throttles: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Regions per account.
    pub regions: usize,
}

fn now() -> Timestamp {
    Timestamp::from_unix(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    )
}

/// Forwards one account's collection to the run's progress and counters.
struct AccountProgress {
    run: Arc<dyn OrgProgress>,
    counters: Arc<OrgCounters>,
}

impl Progress for AccountProgress {
    fn step(&self, _: &str, _: &str, _: usize, _: usize) {}

    fn warn(&self, message: &str) {
        self.run.warn(message);
    }

    fn attempt(&self, retry: bool) {
        if retry {
            self.counters.retries.fetch_add(1, Ordering::Relaxed);
        }
        self.run.attempt(retry);
    }

    fn throttled(&self) {
        self.counters.throttles.fetch_add(1, Ordering::Relaxed);
        self.run.throttled();
    }
}

/// Collect the organization of the caller's credentials into `org.output`.
pub async fn collect_organization(
    settings: &Settings,
    org: &OrgSettings,
    progress: Arc<dyn OrgProgress>,
) -> Result<OrgRun, OrgError> {
    let config = client::load(settings).await.map_err(OrgError::Setup)?;
    let settings = Settings {
        chain_budget: settings.chain_budget.max(settings.call_timeout),
        ..settings.clone()
    };
    collect_organization_with(config, &settings, org, progress).await
}

/// [`collect_organization`] with a ready SDK configuration.
pub(crate) async fn collect_organization_with(
    config: SdkConfig,
    settings: &Settings,
    org: &OrgSettings,
    progress: Arc<dyn OrgProgress>,
) -> Result<OrgRun, OrgError> {
    collect_organization_adjusted(config, settings, org, progress, None).await
}

/// [`collect_organization_with`], with `adjust` applied to each account's
/// SDK configuration.
pub(crate) async fn collect_organization_adjusted(
    config: SdkConfig,
    settings: &Settings,
    org: &OrgSettings,
    progress: Arc<dyn OrgProgress>,
    adjust: Option<AccountConfig>,
) -> Result<OrgRun, OrgError> {
    let started = Instant::now();
    let taken_at = now();
    let counters = Arc::new(OrgCounters::default());
    let sink: Arc<dyn Progress> = Arc::new(AccountProgress {
        run: progress.clone(),
        counters: counters.clone(),
    });
    let ctx = Ctx::new(settings.max_in_flight, settings.call_timeout)
        .with_chain_budget(settings.chain_budget);
    let home = client::home_region(&config);
    let plain = PlainHttpWarning::new(sink.clone());
    let (caller, partition) = caller_identity(&ctx, &config, &plain, &home).await?;
    let client = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&config)
            .interceptor(plain.clone())
            .build(),
    );
    let listing = list(&ctx, &client, &home, org.ou.as_deref()).await?;
    let (in_scope, unknown) = narrow(&listing.accounts, org);
    let (selected, not_active, other_shards) = select(&in_scope, org.shard);
    let organization = organization_snapshot(listing, in_scope, org, &caller, &partition, taken_at);
    write_organization(&org.output, &organization, org.resume)?;

    let (resumed, todo): (Vec<String>, Vec<String>) = selected
        .into_iter()
        .partition(|id| org.resume && already_done(&org.output, id));
    progress.accounts(todo.len());
    let fleet = Arc::new(Fleet {
        config,
        settings: settings.clone(),
        org: org.clone(),
        caller,
        partition,
        sink,
        adjust,
    });
    let done = fan_out(fleet, todo, progress.as_ref()).await?;
    let regions = match &settings.regions {
        client::Regions::List(l) => l.len(),
        client::Regions::All => 0,
    };
    Ok(OrgRun {
        organization,
        collected: done.collected,
        failed: done.failed,
        resumed,
        not_active,
        unknown,
        other_shards,
        calls: ctx.stats().calls + done.calls,
        retries: counters.retries.load(Ordering::Relaxed),
        throttles: counters.throttles.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
        regions,
    })
}

/// `organization.json`: the organization, the run's scope and the accounts
/// in scope.
fn organization_snapshot(
    listing: Listing,
    in_scope: Vec<OrganizationAccount>,
    org: &OrgSettings,
    caller: &str,
    partition: &str,
    taken_at: Timestamp,
) -> OrganizationSnapshot {
    OrganizationSnapshot {
        organization_schema: ORGANIZATION_SCHEMA_VERSION,
        organization_id: listing.id,
        organization_arn: listing.arn,
        management_account_id: listing.management,
        caller_account_id: caller.to_owned(),
        partition: partition.to_owned(),
        taken_at,
        collector: Some(format!("cis-filters {}", env!("CARGO_PKG_VERSION"))),
        scope: OrganizationScope {
            ou: org.ou.clone(),
            accounts: org.accounts.clone(),
            exclude_accounts: org.exclude_accounts.clone(),
            shard: org.shard,
            role_name: Some(org.role_name.clone()),
        },
        organizational_units: listing.units,
        delegated_administrators: listing.admins,
        accounts: in_scope,
    }
}

/// The caller's account and partition (STS `GetCallerIdentity`).
async fn caller_identity(
    ctx: &Ctx,
    config: &SdkConfig,
    plain: &PlainHttpWarning,
    home: &str,
) -> Result<(String, String), OrgError> {
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(config)
            .interceptor(plain.clone())
            .build(),
    );
    let who = ctx
        .call(
            "sts",
            "GetCallerIdentity",
            home,
            sts.get_caller_identity().send(),
        )
        .await
        .map_err(|e| {
            let detail = format!("sts:GetCallerIdentity in {home}: {}: {}", e.code, e.message);
            OrgError::Setup(if e.code == CODE_TIMEOUT || e.code == CODE_NETWORK {
                SetupError::Unreachable(detail)
            } else {
                SetupError::BadCredentials(detail)
            })
        })?;
    let caller = who.account().unwrap_or_default().to_owned();
    let partition = who
        .arn()
        .and_then(crate::aws::partition_of)
        .unwrap_or("aws")
        .to_owned();
    Ok((caller, partition))
}

/// `--accounts` and `--exclude-accounts` applied to the listed accounts:
/// (the accounts in scope, the `--accounts` ids that are not listed).
fn narrow(
    listed: &[OrganizationAccount],
    org: &OrgSettings,
) -> (Vec<OrganizationAccount>, Vec<String>) {
    let ids: BTreeSet<&str> = listed.iter().map(|a| a.id.as_str()).collect();
    let unknown = org
        .accounts
        .iter()
        .filter(|id| !ids.contains(id.as_str()))
        .cloned()
        .collect();
    let in_scope = listed
        .iter()
        .filter(|a| org.accounts.is_empty() || org.accounts.contains(&a.id))
        .filter(|a| !org.exclude_accounts.contains(&a.id))
        .cloned()
        .collect();
    (in_scope, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{ACCOUNTS_DIR, Collected, ORGANIZATION_FILE};

    fn acct(id: &str, status: &str) -> OrganizationAccount {
        OrganizationAccount {
            id: id.into(),
            name: String::new(),
            email: None,
            status: status.into(),
            parent_id: None,
        }
    }

    #[test]
    fn account_lists_are_validated() {
        assert_eq!(
            parse_account_list("222222222222, 111111111111,222222222222").unwrap(),
            ["111111111111", "222222222222"]
        );
        let e = parse_account_list("111111111111,12345").unwrap_err();
        assert!(e.contains("`12345` is not an account id"), "{e}");
        assert!(parse_account_list("").is_err());
        assert!(parse_account_list("11111111111a").is_err());
    }

    #[test]
    fn shards_are_validated() {
        assert_eq!(parse_shard("2/4").unwrap(), Shard { index: 2, count: 4 });
        for bad in ["0/4", "5/4", "1", "a/b", "1/0", "1/20000", "-1/2"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn role_names_and_external_ids() {
        assert!(is_role_name("CisAudit"));
        assert!(is_role_name("a+b=c,d.e@f-g_h"));
        assert!(!is_role_name(""));
        assert!(!is_role_name("path/role"));
        assert!(!is_role_name(&"r".repeat(65)));
        assert!(is_external_id("ext-123:abc/def"));
        assert!(!is_external_id("x"));
        assert!(!is_external_id("has space"));
    }

    #[test]
    fn shards_split_the_sorted_ids_and_skip_inactive_accounts() {
        let accounts = [
            acct("555555555555", "ACTIVE"),
            acct("111111111111", "ACTIVE"),
            acct("333333333333", "SUSPENDED"),
            acct("222222222222", "ACTIVE"),
            acct("444444444444", "ACTIVE"),
        ];
        let (all, inactive, others) = select(&accounts, None);
        assert_eq!(
            all,
            [
                "111111111111",
                "222222222222",
                "444444444444",
                "555555555555"
            ]
        );
        assert_eq!(
            inactive,
            [("333333333333".to_owned(), "SUSPENDED".to_owned())]
        );
        assert_eq!(others, 0);
        // Positions 0, 2, 4 and 1, 3 of the sorted list.
        let (one, inactive, others) = select(&accounts, Some(Shard { index: 1, count: 2 }));
        assert_eq!(one, ["111111111111", "555555555555"]);
        assert_eq!(inactive.len(), 1);
        assert_eq!(others, 2);
        let (two, _, _) = select(&accounts, Some(Shard { index: 2, count: 2 }));
        assert_eq!(two, ["222222222222", "444444444444"]);
        // Every shard together is the whole, each account once.
        let mut union: Vec<String> = (1..=3)
            .flat_map(|i| select(&accounts, Some(Shard { index: i, count: 3 })).0)
            .collect();
        union.sort();
        assert_eq!(union, all);
    }

    #[test]
    fn resume_needs_the_same_organization() {
        let dir = tempfile::tempdir().unwrap();
        prepare_output(dir.path(), "o-aaaaaaaaaa", false).unwrap();
        assert!(dir.path().join(ACCOUNTS_DIR).is_dir());
        let org = OrganizationSnapshot {
            organization_schema: 1,
            organization_id: "o-aaaaaaaaaa".into(),
            organization_arn: String::new(),
            management_account_id: "111111111111".into(),
            caller_account_id: "111111111111".into(),
            partition: "aws".into(),
            taken_at: Timestamp::from_unix(0),
            collector: None,
            scope: OrganizationScope::default(),
            organizational_units: Collected::Ok(vec![]),
            delegated_administrators: Collected::Ok(vec![]),
            accounts: vec![],
        };
        std::fs::write(
            dir.path().join(ORGANIZATION_FILE),
            serde_json::to_string(&org).unwrap(),
        )
        .unwrap();
        let e = prepare_output(dir.path(), "o-aaaaaaaaaa", false).unwrap_err();
        assert!(e.to_string().contains("--resume"), "{e}");
        prepare_output(dir.path(), "o-aaaaaaaaaa", true).unwrap();
        let e = prepare_output(dir.path(), "o-bbbbbbbbbb", true).unwrap_err();
        assert!(
            e.to_string().contains("holds organization o-aaaaaaaaaa"),
            "{e}"
        );
        assert!(!already_done(dir.path(), "222222222222"));
        std::fs::write(account_path(dir.path(), "222222222222", true), "{}").unwrap();
        assert!(already_done(dir.path(), "222222222222"));
    }
}
