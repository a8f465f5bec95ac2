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

use std::collections::{BTreeSet, VecDeque};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_types::SdkConfig;
use aws_types::sdk_config::{SharedTimeSource, TimeSource};

use crate::snapshot::{
    ACCOUNTS_DIR, AccountFailure, DelegatedAdministrator, ORGANIZATION_FILE,
    ORGANIZATION_SCHEMA_VERSION, OrganizationAccount, OrganizationScope, OrganizationSnapshot,
    OrganizationalUnit, Shard,
};
use crate::snapshot::{Collected, CollectionError, Timestamp};

use super::call::{CODE_NETWORK, CODE_TIMEOUT, CallError, Ctx};
use super::client::{self, PlainHttpWarning, Settings, SetupError};
use super::{Progress, iam};

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

/// Write `text` to a temporary file beside `path`, then rename it into place,
/// so a reader never sees half a file. The temporary file has a random name
/// and is created exclusively with mode 0600 (snapshots describe an account's
/// security), which the renamed file keeps.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".cis-filters-snapshot-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Whether `s` is a 12-digit account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parse a comma-separated list of account ids (`--accounts`), sorted and
/// without duplicates.
pub fn parse_account_list(text: &str) -> Result<Vec<String>, String> {
    let mut out = BTreeSet::new();
    for part in text.split(',').map(str::trim) {
        if !is_account_id(part) {
            let shown: String = part.chars().take(40).collect();
            return Err(format!(
                "`{}` is not an account id (12 digits, e.g. 123456789012); use a comma-separated list",
                shown.escape_debug()
            ));
        }
        out.insert(part.to_owned());
    }
    Ok(out.into_iter().collect())
}

/// Parse `--shard i/n` (1-based, `1 <= i <= n <= 10000`).
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let bad = || {
        format!(
            "`{}` is not a shard: use i/n with 1 <= i <= n, e.g. 2/4",
            text.chars().take(40).collect::<String>().escape_debug()
        )
    };
    let (i, n) = text.trim().split_once('/').ok_or_else(bad)?;
    let index: u32 = i.trim().parse().map_err(|_| bad())?;
    let count: u32 = n.trim().parse().map_err(|_| bad())?;
    if index == 0 || index > count || count > 10_000 {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// Whether a role name is one IAM accepts: 1 to 64 of `\w+=,.@-` (a path
/// is not part of the name).
pub fn is_role_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Whether an external id is one STS accepts: 2 to 1224 of `\w+=,.@:/-`.
pub fn is_external_id(s: &str) -> bool {
    (2..=1224).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@:/-".contains(&b))
}

/// Which accounts of the sorted, in-scope `accounts` this run collects: the
/// shard's share (position % n == i - 1 over the sorted ids), ACTIVE only.
/// Returns (to collect, not active with their state, in other shards).
pub fn select(
    accounts: &[OrganizationAccount],
    shard: Option<Shard>,
) -> (Vec<String>, Vec<(String, String)>, usize) {
    let mut sorted: Vec<&OrganizationAccount> = accounts.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut take = Vec::new();
    let mut not_active = Vec::new();
    let mut others = 0;
    for (pos, a) in sorted.into_iter().enumerate() {
        if let Some(s) = shard
            && pos % s.count as usize != (s.index as usize).saturating_sub(1)
        {
            others += 1;
            continue;
        }
        if a.status == "ACTIVE" {
            take.push(a.id.clone());
        } else {
            not_active.push((a.id.clone(), a.status.clone()));
        }
    }
    (take, not_active, others)
}

/// The file of account `id` in `dir`: its snapshot or its failure.
pub fn account_path(dir: &Path, id: &str, failed: bool) -> PathBuf {
    dir.join(ACCOUNTS_DIR).join(if failed {
        format!("{id}.error.json")
    } else {
        format!("{id}.json")
    })
}

/// How many accounts have a file in `dir`: a snapshot or an error file
/// (temporary files being written are not counted).
pub fn finished_accounts(dir: &Path) -> usize {
    std::fs::read_dir(dir.join(ACCOUNTS_DIR)).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                !name.starts_with('.') && name.ends_with(".json")
            })
            .count()
    })
}

/// Whether account `id` already has a file in `dir` (`--resume`).
pub fn already_done(dir: &Path, id: &str) -> bool {
    account_path(dir, id, false).is_file() || account_path(dir, id, true).is_file()
}

fn now() -> Timestamp {
    Timestamp::from_unix(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    )
}

fn setup_error(e: &CallError, what: &str) -> OrgError {
    let detail = format!("{what}: {e}");
    if e.code == CODE_TIMEOUT || e.code == CODE_NETWORK {
        OrgError::Setup(SetupError::Unreachable(detail))
    } else {
        OrgError::Organization(detail)
    }
}

/// The organization as AWS Organizations describes it.
struct Listing {
    id: String,
    arn: String,
    management: String,
    units: Collected<Vec<OrganizationalUnit>>,
    admins: Collected<Vec<DelegatedAdministrator>>,
    accounts: Vec<OrganizationAccount>,
}

fn account_of(
    a: &aws_sdk_organizations::types::Account,
    parent: Option<&str>,
) -> OrganizationAccount {
    #[allow(deprecated)]
    let status = a
        .state()
        .map(|s| s.as_str().to_owned())
        .or_else(|| a.status().map(|s| s.as_str().to_owned()))
        .unwrap_or_default();
    OrganizationAccount {
        id: a.id().unwrap_or_default().to_owned(),
        name: a.name().unwrap_or_default().to_owned(),
        email: a.email().map(str::to_owned),
        status,
        parent_id: parent.map(str::to_owned),
    }
}

/// Read the organization: description, units, delegated administrators and
/// the accounts in scope (`--ou`).
async fn list(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    ou: Option<&str>,
) -> Result<Listing, OrgError> {
    let described = ctx
        .call(
            "organizations",
            "DescribeOrganization",
            region,
            org.describe_organization().send(),
        )
        .await
        .map_err(|e| {
            if e.is("AWSOrganizationsNotInUse") {
                OrgError::Organization(format!(
                    "the caller's account is not in an AWS Organization ({e})"
                ))
            } else {
                setup_error(&e, "cannot describe the organization")
            }
        })?;
    let o = described.organization();
    let id = o.and_then(|o| o.id()).unwrap_or_default().to_owned();
    let arn = o.and_then(|o| o.arn()).unwrap_or_default().to_owned();
    let management = o
        .and_then(|o| o.master_account_id())
        .unwrap_or_default()
        .to_owned();

    let units = match units(ctx, org, region).await {
        Ok(u) => Collected::Ok(u),
        Err(e) => Collected::Error(super::to_model(&e)),
    };
    let admins = match admins(ctx, org, region).await {
        Ok(a) => Collected::Ok(a),
        Err(e) => Collected::Error(super::to_model(&e)),
    };
    let mut accounts = match ou {
        None => ctx
            .pages("organizations", "ListAccounts", region, |token| {
                let req = org.list_accounts().set_next_token(token).send();
                async move {
                    let o = req.await?;
                    let items = o.accounts().iter().map(|a| account_of(a, None)).collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await
            .map_err(|e| setup_error(&e, "cannot list the organization's accounts"))?,
        Some(ou) => accounts_under(ctx, org, region, ou)
            .await
            .map_err(|e| setup_error(&e, &format!("cannot list the accounts under {ou}")))?,
    };
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    accounts.dedup_by(|a, b| a.id == b.id);
    Ok(Listing {
        id,
        arn,
        management,
        units,
        admins,
        accounts,
    })
}

async fn children(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    parent: &str,
) -> Result<Vec<OrganizationalUnit>, CallError> {
    ctx.pages(
        "organizations",
        "ListOrganizationalUnitsForParent",
        region,
        |token| {
            let req = org
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send();
            async move {
                let o = req.await?;
                let items = o
                    .organizational_units()
                    .iter()
                    .map(|u| OrganizationalUnit {
                        id: u.id().unwrap_or_default().to_owned(),
                        name: u.name().unwrap_or_default().to_owned(),
                        parent_id: Some(parent.to_owned()),
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        },
    )
    .await
}

/// The roots and every unit under them, breadth first, bounded in depth
/// and number.
async fn units(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
) -> Result<Vec<OrganizationalUnit>, CallError> {
    let roots = ctx
        .pages("organizations", "ListRoots", region, |token| {
            let req = org.list_roots().set_next_token(token).send();
            async move {
                let o = req.await?;
                let items: Vec<OrganizationalUnit> = o
                    .roots()
                    .iter()
                    .map(|r| OrganizationalUnit {
                        id: r.id().unwrap_or_default().to_owned(),
                        name: r.name().unwrap_or_default().to_owned(),
                        parent_id: None,
                    })
                    .collect();
                Ok((items, o.next_token().map(str::to_owned)))
            }
        })
        .await?;
    let mut queue: VecDeque<(String, usize)> = roots.iter().map(|r| (r.id.clone(), 0)).collect();
    let mut out = roots;
    while let Some((parent, depth)) = queue.pop_front() {
        if depth >= MAX_OU_DEPTH || out.len() >= MAX_UNITS {
            continue;
        }
        for u in children(ctx, org, region, &parent).await? {
            if out.len() >= MAX_UNITS {
                break;
            }
            queue.push_back((u.id.clone(), depth + 1));
            out.push(u);
        }
    }
    Ok(out)
}

/// The accounts under `ou` and its units, with their parents.
async fn accounts_under(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
    ou: &str,
) -> Result<Vec<OrganizationAccount>, CallError> {
    let mut queue: VecDeque<(String, usize)> = VecDeque::from([(ou.to_owned(), 0)]);
    let mut seen = 0usize;
    let mut out = Vec::new();
    while let Some((parent, depth)) = queue.pop_front() {
        let p = parent.as_str();
        let accounts = ctx
            .pages("organizations", "ListAccountsForParent", region, |token| {
                let req = org
                    .list_accounts_for_parent()
                    .parent_id(p)
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<OrganizationAccount> = o
                        .accounts()
                        .iter()
                        .map(|a| account_of(a, Some(p)))
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            })
            .await?;
        out.extend(accounts);
        if depth < MAX_OU_DEPTH && seen < MAX_UNITS {
            for u in children(ctx, org, region, p).await? {
                seen += 1;
                queue.push_back((u.id, depth + 1));
            }
        }
    }
    Ok(out)
}

async fn admins(
    ctx: &Ctx,
    org: &aws_sdk_organizations::Client,
    region: &str,
) -> Result<Vec<DelegatedAdministrator>, CallError> {
    let ids = ctx
        .pages(
            "organizations",
            "ListDelegatedAdministrators",
            region,
            |token| {
                let req = org
                    .list_delegated_administrators()
                    .set_next_token(token)
                    .send();
                async move {
                    let o = req.await?;
                    let items: Vec<String> = o
                        .delegated_administrators()
                        .iter()
                        .filter_map(|d| d.id().map(str::to_owned))
                        .collect();
                    Ok((items, o.next_token().map(str::to_owned)))
                }
            },
        )
        .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let a = id.as_str();
        let mut services = ctx
            .pages(
                "organizations",
                "ListDelegatedServicesForAccount",
                region,
                |token| {
                    let req = org
                        .list_delegated_services_for_account()
                        .account_id(a)
                        .set_next_token(token)
                        .send();
                    async move {
                        let o = req.await?;
                        let items: Vec<String> = o
                            .delegated_services()
                            .iter()
                            .filter_map(|s| s.service_principal().map(str::to_owned))
                            .collect();
                        Ok((items, o.next_token().map(str::to_owned)))
                    }
                },
            )
            .await?;
        services.sort();
        out.push(DelegatedAdministrator {
            account_id: id,
            service_principals: services,
        });
    }
    out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(out)
}

/// Prepare the output directory: create it, or with `--resume` check that
/// it holds the same organization.
fn prepare_output(dir: &Path, org_id: &str, resume: bool) -> Result<(), OrgError> {
    let file = dir.join(ORGANIZATION_FILE);
    let shown = dir.display().to_string();
    if file.exists() {
        if !resume {
            return Err(OrgError::Output(format!(
                "`{shown}` already holds an organization snapshot: pass --resume to go on with it, or choose another directory"
            )));
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| OrgError::Output(format!("cannot read `{}`: {e}", file.display())))?;
        let old: OrganizationSnapshot = serde_json::from_str(&text).map_err(|e| {
            OrgError::Output(format!(
                "--resume: `{}` is not an organization snapshot: {e}",
                file.display()
            ))
        })?;
        if old.organization_id != org_id {
            return Err(OrgError::Output(format!(
                "--resume: `{shown}` holds organization {}, not {org_id}",
                old.organization_id
            )));
        }
    }
    std::fs::create_dir_all(dir.join(ACCOUNTS_DIR))
        .map_err(|e| OrgError::Output(format!("cannot create `{shown}/{ACCOUNTS_DIR}`: {e}")))
}

/// The role ARN assumed in `account`.
pub fn role_arn(partition: &str, account: &str, role_name: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{role_name}")
}

/// The STS session name: identifies the tool in the member's CloudTrail.
fn session_name(caller: &str) -> String {
    format!("cis-filters-{caller}")
}

/// The system clock, for configurations built without one.
#[derive(Debug)]
struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
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

/// The first failure, when every request of an account's collection failed
/// but STS `GetCallerIdentity` (which needs no permission): the account
/// refused the role everything, so nothing of it could be audited.
fn nothing_read(c: &super::Collection) -> Option<&CallError> {
    (c.stats.calls > 1 && c.stats.failed + 1 >= c.stats.calls)
        .then(|| c.failures.first())
        .flatten()
}

fn failure(account: &str, e: CollectionError) -> AccountFailure {
    AccountFailure {
        organization_schema: ORGANIZATION_SCHEMA_VERSION,
        account_id: account.to_owned(),
        taken_at: now(),
        error: e,
    }
}

/// Adjusts each account's SDK configuration just before its collection
/// (tests give every account its own clock, to see which account the SDK
/// slowed down).
pub(crate) type AccountConfig = Arc<dyn Fn(&str, SdkConfig) -> SdkConfig + Send + Sync>;

/// What every account's collection shares.
struct Fleet {
    config: SdkConfig,
    settings: Settings,
    org: OrgSettings,
    caller: String,
    partition: String,
    sink: Arc<dyn Progress>,
    adjust: Option<AccountConfig>,
}

/// An account's outcome: the calls it cost, and its failure if it could not
/// be audited; `Err`: its file could not be written.
type Outcome = Result<(u64, Result<(), AccountFailure>), String>;

/// Collect one account into its file; the failure, if it could not be audited.
async fn one_account(account: String, fleet: Arc<Fleet>) -> Outcome {
    let config = if account == fleet.caller {
        fleet.config.clone()
    } else {
        match member_config(&account, &fleet).await {
            Ok(c) => c,
            Err(f) => return write_failure(&fleet.org.output, f).map(|f| (0, Err(f))),
        }
    };
    let config = match &fleet.adjust {
        Some(adjust) => adjust(&account, config),
        None => config,
    };
    let settings = Settings {
        retry_partition: Some(account.clone()),
        ..fleet.settings.clone()
    };
    match super::collect_with(
        config,
        &settings,
        fleet.sink.clone(),
        iam::REPORT_POLL_INTERVAL,
    )
    .await
    {
        Err(e) => {
            let f = failure(&account, unreadable_account(&e));
            write_failure(&fleet.org.output, f).map(|f| (0, Err(f)))
        }
        Ok(c) => write_collection(&fleet.org.output, &account, &c),
    }
}

/// The SDK configuration of a member account: the caller's, with the
/// credentials of the role assumed in the member.
async fn member_config(account: &str, fleet: &Fleet) -> Result<SdkConfig, AccountFailure> {
    // AssumeRoleProvider needs a clock; `aws_config::load` always gives one,
    // a hand-built configuration may not.
    let caller_config = if fleet.config.time_source().is_none() {
        fleet
            .config
            .clone()
            .into_builder()
            .time_source(SharedTimeSource::new(SystemClock))
            .build()
    } else {
        fleet.config.clone()
    };
    let arn = role_arn(&fleet.partition, account, &fleet.org.role_name);
    let mut builder = aws_config::sts::AssumeRoleProvider::builder(arn.clone())
        .session_name(session_name(&fleet.caller))
        .configure(&caller_config);
    if let Some(x) = &fleet.org.external_id {
        builder = builder.external_id(x.clone());
    }
    let provider = builder.build().await;
    // Assume the role once up front: a role that cannot be assumed is one
    // clear failure, not one per call. The SDK's identity cache refreshes the
    // credentials before they expire on long runs.
    if let Err(e) = provider.provide_credentials().await {
        return Err(failure(
            account,
            assume_role_error(&arn, &client::error_chain(&e)),
        ));
    }
    // One credentials cache for all the account's clients: the role is
    // assumed again only shortly before its credentials expire.
    Ok(caller_config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(aws_config::identity::IdentityCache::lazy().build())
        .build())
}

/// The recorded error of a role that could not be assumed.
fn assume_role_error(arn: &str, detail: &str) -> CollectionError {
    let code = [
        "AccessDenied",
        "NoSuchEntity",
        "InvalidClientTokenId",
        "ExpiredToken",
    ]
    .into_iter()
    .find(|c| detail.contains(c))
    .unwrap_or("AssumeRoleFailed");
    CollectionError {
        service: "sts".into(),
        operation: "AssumeRole".into(),
        region: None,
        code: code.into(),
        message: format!("cannot assume {arn}: {detail}"),
    }
}

/// The recorded error of an account whose collection could not start.
fn unreadable_account(e: &SetupError) -> CollectionError {
    CollectionError {
        service: "sts".into(),
        operation: "GetCallerIdentity".into(),
        region: None,
        code: match e {
            SetupError::Unreachable(_) => CODE_NETWORK.into(),
            _ => "AccessDenied".into(),
        },
        message: e.to_string(),
    }
}

/// Write an account's snapshot, or its error file when nothing of it could
/// be read.
fn write_collection(dir: &Path, account: &str, c: &super::Collection) -> Outcome {
    let calls = c.stats.calls;
    if let Some(e) = nothing_read(c) {
        let f = failure(account, super::to_model(e));
        return write_failure(dir, f).map(|f| (calls, Err(f)));
    }
    let mut json = c.snapshot.to_json();
    json.push('\n');
    let path = account_path(dir, account, false);
    write_atomically(&path, &json)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok((calls, Ok(())))
}

fn write_failure(dir: &Path, f: AccountFailure) -> Result<AccountFailure, String> {
    let path = account_path(dir, &f.account_id, true);
    let mut json = serde_json::to_string_pretty(&f).unwrap_or_default();
    json.push('\n');
    write_atomically(&path, &json)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok(f)
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
    let organization = OrganizationSnapshot {
        organization_schema: ORGANIZATION_SCHEMA_VERSION,
        organization_id: listing.id,
        organization_arn: listing.arn,
        management_account_id: listing.management,
        caller_account_id: caller.clone(),
        partition: partition.clone(),
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
    };
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
        .and_then(super::partition_of)
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

/// Prepare the output directory and write `organization.json` into it.
fn write_organization(
    dir: &Path,
    organization: &OrganizationSnapshot,
    resume: bool,
) -> Result<(), OrgError> {
    prepare_output(dir, &organization.organization_id, resume)?;
    let mut json = serde_json::to_string_pretty(organization).unwrap_or_default();
    json.push('\n');
    let file = dir.join(ORGANIZATION_FILE);
    write_atomically(&file, &json)
        .map_err(|e| OrgError::Output(format!("cannot write `{}`: {e}", file.display())))
}

/// The accounts a run finished.
#[derive(Default)]
struct Done {
    collected: Vec<String>,
    failed: Vec<AccountFailure>,
    calls: u64,
    write_error: Option<String>,
}

impl Done {
    /// Take in the outcome of a finished account.
    fn finish(
        &mut self,
        joined: Result<(String, Outcome), tokio::task::JoinError>,
        progress: &dyn OrgProgress,
    ) {
        match joined {
            Ok((id, Ok((calls, outcome)))) => {
                self.calls += calls;
                progress.account_done(&id, outcome.is_ok());
                match outcome {
                    Ok(()) => self.collected.push(id),
                    Err(f) => self.failed.push(f),
                }
            }
            Ok((id, Err(e))) => {
                progress.account_done(&id, false);
                self.write_error.get_or_insert(e);
            }
            Err(e) => {
                self.write_error
                    .get_or_insert(format!("an account's collection stopped: {e}"));
            }
        }
    }
}

/// Collect the `todo` accounts, at most `--max-accounts-in-flight` at once;
/// no new account starts once a file could not be written.
async fn fan_out(
    fleet: Arc<Fleet>,
    todo: Vec<String>,
    progress: &dyn OrgProgress,
) -> Result<Done, OrgError> {
    let limit = fleet
        .org
        .max_accounts_in_flight
        .clamp(1, MAX_ACCOUNTS_IN_FLIGHT);
    let mut queue: VecDeque<String> = todo.into();
    // The JoinSet aborts every account in flight if this future is dropped
    // (Ctrl-C); finished accounts are already on disk.
    let mut tasks = tokio::task::JoinSet::new();
    let mut done = Done::default();
    loop {
        while tasks.len() < limit
            && done.write_error.is_none()
            && let Some(id) = queue.pop_front()
        {
            let fut = one_account(id.clone(), fleet.clone());
            tasks.spawn(async move { (id, fut.await) });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        done.finish(joined, progress);
    }
    if let Some(e) = done.write_error {
        return Err(OrgError::Output(e));
    }
    done.collected.sort();
    done.failed.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(done)
}
#[cfg(test)]
mod tests {
    use super::*;

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
