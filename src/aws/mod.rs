//! Live collection from AWS (feature `aws`): the AWS SDK fills a
//! [`Snapshot`]. This is the only module that talks to the network.
//!
//! Read-only: only `Describe*`, `Get*` and `List*` calls, plus IAM
//! `GenerateCredentialReport`, which asks IAM to prepare the credential report
//! and changes nothing in the account. `docs/aws.md` lists every action.
//!
//! Regions run concurrently (one task each), and so do the services within a
//! region and the per-item calls within a service; a semaphore bounds the
//! requests in flight over the whole run. Each request has a timeout, the
//! SDK's adaptive retry handles throttling, and a failed call is recorded in
//! the snapshot where its data would have been, so the run goes on.

pub mod call;
pub mod client;
pub mod iam;
pub mod organization;
pub mod regional;
pub mod s3;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_types::SdkConfig;

use crate::snapshot::Timestamp;
use crate::snapshot::{self as m, Snapshot};

pub use call::{CallError, Ctx, StatsSnapshot};
pub use client::{Regions, Settings, SetupError};

use client::{GlobalClients, PlainHttpWarning, RegionClients};

/// Groups of calls per region, for progress reporting.
const REGION_GROUPS: usize = 6;
/// Groups of global calls (IAM report, users, policies; S3 account and buckets).
const GLOBAL_GROUPS: usize = 5;

/// Receives progress while collecting: one step per finished group of calls,
/// and warnings about the run itself.
pub trait Progress: Send + Sync {
    /// `what` (e.g. `ec2`) finished in `region`; `done` of `total` groups are done.
    fn step(&self, region: &str, what: &str, done: usize, total: usize);

    /// Something the user should know about the run (one line, said once),
    /// such as requests going over plain http://. Default: stderr.
    fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }

    /// An attempt of a request is sent; `retry` when it is not the first.
    /// Default: nothing.
    fn attempt(&self, retry: bool) {
        let _ = retry;
    }

    /// An answer said the caller was throttled. Default: nothing.
    fn throttled(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn step(&self, _: &str, _: &str, _: usize, _: usize) {}
}

/// The result of a collection.
#[derive(Debug)]
pub struct Collection {
    /// The snapshot, failures recorded in place.
    pub snapshot: Snapshot,
    /// Every failed call, also recorded in the snapshot where its data belongs.
    pub failures: Vec<CallError>,
    /// Request counters.
    pub stats: StatsSnapshot,
    /// Wall time of the collection.
    pub elapsed: Duration,
    /// The regions collected.
    pub regions: Vec<String>,
}

/// Collects one account. Cheap to share: clients are reference-counted.
pub(crate) struct Collector {
    ctx: Arc<Ctx>,
    config: SdkConfig,
    home: String,
    account_id: String,
    partition: String,
    global: GlobalClients,
    plain_http: PlainHttpWarning,
    clients: Mutex<HashMap<String, RegionClients>>,
    trail_cache: regional::TrailCache,
    progress: Arc<dyn Progress>,
    done: AtomicUsize,
    total: AtomicUsize,
    report_poll_interval: Duration,
}

impl Collector {
    /// Clients for `region`, built once.
    pub(crate) fn clients(&self, region: &str) -> RegionClients {
        let mut cache = match self.clients.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        cache
            .entry(region.to_owned())
            .or_insert_with(|| RegionClients::new(&self.config, region, &self.plain_http))
            .clone()
    }

    /// Await `fut`, then report that `what` is done in `region`.
    pub(crate) async fn progress_of<T>(
        &self,
        region: &str,
        what: &str,
        fut: impl Future<Output = T>,
    ) -> T {
        let out = fut.await;
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        self.progress
            .step(region, what, done, self.total.load(Ordering::Relaxed));
        out
    }

    /// Record `e` and return it as snapshot data.
    pub(crate) fn fail<T>(&self, e: CallError) -> m::Collected<T> {
        m::Collected::Error(self.fail_err(e))
    }

    /// Record `e` and convert it.
    pub(crate) fn fail_err(&self, e: CallError) -> m::CollectionError {
        let out = to_model(&e);
        self.ctx.record(e);
        out
    }

    /// The value, or the recorded error.
    pub(crate) fn collected<T>(&self, r: Result<T, CallError>) -> m::Collected<T> {
        match r {
            Ok(v) => m::Collected::Ok(v),
            Err(e) => self.fail(e),
        }
    }
}

/// A call error as the snapshot records it (global services without region).
pub fn to_model(e: &CallError) -> m::CollectionError {
    m::CollectionError {
        service: e.service.to_owned(),
        operation: e.operation.to_owned(),
        region: match e.service {
            "iam" | "s3control" | "sts" => None,
            _ => Some(e.region.clone()),
        },
        code: e.code.clone(),
        message: e.message.clone(),
    }
}

/// The partition of an ARN (`arn:PARTITION:…`).
fn partition_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    match (parts.next(), parts.next()) {
        (Some("arn"), Some(p)) if !p.is_empty() => Some(p),
        _ => None,
    }
}

/// Collect a snapshot of the account of the configured credentials.
pub async fn collect(
    settings: &Settings,
    progress: Arc<dyn Progress>,
) -> Result<Collection, SetupError> {
    let config = client::load(settings).await?;
    // A listing's budget never cuts a request shorter than `--timeout`.
    let settings = Settings {
        chain_budget: settings.chain_budget.max(settings.call_timeout),
        ..settings.clone()
    };
    collect_with(config, &settings, progress, iam::REPORT_POLL_INTERVAL).await
}

/// [`collect`] with a ready SDK configuration (tests give one whose HTTP
/// client is a fake).
pub(crate) async fn collect_with(
    config: SdkConfig,
    settings: &Settings,
    progress: Arc<dyn Progress>,
    report_poll_interval: Duration,
) -> Result<Collection, SetupError> {
    let started = std::time::Instant::now();
    let taken_at = Timestamp::from_unix(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    );
    let ctx = Arc::new(
        Ctx::new(settings.max_in_flight, settings.call_timeout)
            .with_chain_budget(settings.chain_budget),
    );
    let home = client::home_region(&config);
    let plain_http = PlainHttpWarning::new(progress.clone())
        .with_retry_partition(settings.retry_partition.as_deref());
    let global = GlobalClients::new(&config, &plain_http);

    let who = ctx
        .call(
            "sts",
            "GetCallerIdentity",
            &home,
            global.sts.get_caller_identity().send(),
        )
        .await
        .map_err(|e| {
            let detail = format!("sts:GetCallerIdentity in {home}: {}: {}", e.code, e.message);
            if e.code == call::CODE_TIMEOUT || e.code == call::CODE_NETWORK {
                SetupError::Unreachable(detail)
            } else {
                SetupError::BadCredentials(detail)
            }
        })?;
    let account_id = who.account().unwrap_or_default().to_owned();
    let partition = who.arn().and_then(partition_of).unwrap_or("aws").to_owned();

    let regions = match &settings.regions {
        Regions::List(list) => list.clone(),
        Regions::All => {
            let c = RegionClients::new(&config, &home, &plain_http);
            let out = ctx
                .call(
                    "ec2",
                    "DescribeRegions",
                    &home,
                    c.ec2.describe_regions().all_regions(false).send(),
                )
                .await
                .map_err(|e| {
                    SetupError::Regions(format!(
                        "cannot list the account's regions (ec2:DescribeRegions in {home}: {}: {}); name them with --regions",
                        e.code, e.message
                    ))
                })?;
            let mut names: Vec<String> = out
                .regions()
                .iter()
                .filter(|r| {
                    r.opt_in_status()
                        .is_none_or(|s| s == "opt-in-not-required" || s == "opted-in")
                })
                .filter_map(|r| r.region_name().map(str::to_owned))
                .collect();
            names.sort();
            names.dedup();
            names
        }
    };

    let collector = Arc::new(Collector {
        ctx: ctx.clone(),
        config,
        home: home.clone(),
        account_id: account_id.clone(),
        partition: partition.clone(),
        global,
        plain_http,
        clients: Mutex::new(HashMap::new()),
        trail_cache: regional::TrailCache::default(),
        progress,
        done: AtomicUsize::new(0),
        total: AtomicUsize::new(regions.len() * REGION_GROUPS + GLOBAL_GROUPS),
        report_poll_interval,
    });

    // One task per region, so that regions use every core; the JoinSet
    // aborts them all if this future is dropped (Ctrl-C).
    let mut tasks = tokio::task::JoinSet::new();
    for (i, r) in regions.iter().enumerate() {
        let c = collector.clone();
        let r = r.clone();
        tasks.spawn(async move { (i, c.region(&r).await) });
    }
    let global_part = {
        let c = collector.clone();
        async move {
            let h = c.home.clone();
            tokio::join!(
                c.iam(),
                c.progress_of(&h, "s3 account", c.account_public_access_block())
            )
        }
    };
    let regional_part = async {
        let mut out: Vec<Option<m::Region>> = vec![None; regions.len()];
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((i, region)) => {
                    if let Some(slot) = out.get_mut(i) {
                        *slot = Some(region);
                    }
                }
                Err(e) => {
                    // A collector task cannot panic by design (no unwraps);
                    // should it, the region is reported as not collected.
                    ctx.record(CallError::new(
                        "collector",
                        "region",
                        "",
                        "InternalError",
                        e.to_string(),
                    ));
                }
            }
        }
        out
    };
    let ((iam, account_block), region_slots) = tokio::join!(global_part, regional_part);
    let mut snapshot_regions = Vec::with_capacity(regions.len());
    for (name, slot) in regions.iter().zip(region_slots) {
        snapshot_regions.push(slot.unwrap_or_else(|| failed_region(name)));
    }

    // The trails' buckets, once the trails are known.
    let mut bucket_names: Vec<String> = snapshot_regions
        .iter()
        .filter_map(|r| r.trails.ok())
        .flatten()
        .filter_map(|t| t.s3_bucket_name.clone())
        .collect();
    bucket_names.sort();
    bucket_names.dedup();
    let (buckets, missing_buckets) = collector
        .progress_of(&home, "s3 buckets", collector.buckets(&bucket_names))
        .await;

    let snapshot = Snapshot {
        schema: m::SCHEMA_VERSION,
        account_id,
        partition,
        taken_at,
        collector: Some(format!("cis-filters {}", env!("CARGO_PKG_VERSION"))),
        regions: snapshot_regions,
        iam,
        s3: m::S3 {
            account_public_access_block: account_block,
            buckets,
            missing_buckets,
        },
    };
    Ok(Collection {
        snapshot,
        failures: ctx.failures(),
        stats: ctx.stats(),
        elapsed: started.elapsed(),
        regions,
    })
}

/// A region whose task did not finish: every item an error.
fn failed_region(name: &str) -> m::Region {
    fn e<T>(name: &str) -> m::Collected<T> {
        m::Collected::Error(m::CollectionError {
            service: "collector".into(),
            operation: "region".into(),
            region: Some(name.to_owned()),
            code: "InternalError".into(),
            message: "the collection of this region did not finish".into(),
        })
    }
    m::Region {
        region: name.to_owned(),
        trails: e(name),
        log_groups: e(name),
        metric_filters: e(name),
        alarms: e(name),
        topics: e(name),
        config_recorders: e(name),
        config_recorder_statuses: e(name),
        delivery_channels: e(name),
        kms_keys: e(name),
        vpcs: e(name),
        flow_logs: e(name),
        security_groups: e(name),
    }
}
