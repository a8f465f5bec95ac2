//! One account's collection: the role assumed in it, the single-account
//! collection, its file; and the fan-out over the accounts.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_types::SdkConfig;
use aws_types::sdk_config::{SharedTimeSource, TimeSource};

use crate::snapshot::CollectionError;
use crate::snapshot::{AccountFailure, ORGANIZATION_SCHEMA_VERSION};

use crate::aws::call::{CODE_NETWORK, CallError};
use crate::aws::client::{self, Settings, SetupError};
use crate::aws::{Progress, iam};

use super::output::write_failure;

use super::*;

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

/// The first failure, when every request of an account's collection failed
/// but STS `GetCallerIdentity` (which needs no permission): the account
/// refused the role everything, so nothing of it could be audited.
fn nothing_read(c: &crate::aws::Collection) -> Option<&CallError> {
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
pub(super) struct Fleet {
    pub(super) config: SdkConfig,
    pub(super) settings: Settings,
    pub(super) org: OrgSettings,
    pub(super) caller: String,
    pub(super) partition: String,
    pub(super) sink: Arc<dyn Progress>,
    pub(super) adjust: Option<AccountConfig>,
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
    match crate::aws::collect_with(
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
fn write_collection(dir: &Path, account: &str, c: &crate::aws::Collection) -> Outcome {
    let calls = c.stats.calls;
    if let Some(e) = nothing_read(c) {
        let f = failure(account, crate::aws::to_model(e));
        return write_failure(dir, f).map(|f| (calls, Err(f)));
    }
    let mut json = c.snapshot.to_json();
    json.push('\n');
    let path = account_path(dir, account, false);
    write_atomically(&path, &json)
        .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    Ok((calls, Ok(())))
}

/// The accounts a run finished.
#[derive(Default)]
pub(super) struct Done {
    pub(super) collected: Vec<String>,
    pub(super) failed: Vec<AccountFailure>,
    pub(super) calls: u64,
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
pub(super) async fn fan_out(
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
