//! One AWS call: a bound on requests in flight, a timeout, counting, logging,
//! progress, and turning SDK errors into plain data.
//!
//! Every request the collector sends goes through [`Ctx::call`]. Pagination is
//! done here too ([`Ctx::pages`]), so that each page is one bounded, timed,
//! counted request.

use std::collections::HashSet;
use std::error::Error as StdError;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;

/// Error code recorded when a call did not finish within its timeout.
pub const CODE_TIMEOUT: &str = "Timeout";
/// Error code recorded when no response arrived (connection refused, DNS, TLS).
pub const CODE_NETWORK: &str = "NetworkError";
/// Error code recorded when a response could not be understood.
pub const CODE_BAD_RESPONSE: &str = "InvalidResponse";
/// Error code recorded when the request could not be built (e.g. no credentials).
pub const CODE_REQUEST: &str = "RequestConstructionFailed";
/// Error code recorded when a paginated listing never ended: a repeated page
/// token, more than [`MAX_PAGES`] pages, or its time budget spent.
pub const CODE_PAGINATION: &str = "PaginationLimitExceeded";

/// Most pages one listing may take; a service that keeps returning tokens
/// beyond this is treated as a failure of that listing, not an endless loop.
pub const MAX_PAGES: usize = 10_000;

/// Default time budget of one call chain (the pages of a listing, the polls
/// of the credential report): the sum of the times of its requests. Time spent
/// waiting for a free request slot is not counted, so that a large account
/// whose many calls queue behind each other does not run out of it.
pub const CHAIN_BUDGET: Duration = Duration::from_secs(600);

/// A failed call, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    /// Service name as in IAM actions (`iam`, `cloudtrail`, `logs`, …).
    pub service: &'static str,
    /// Operation name (`DescribeTrails`).
    pub operation: &'static str,
    /// Region the call went to (global services: the home region).
    pub region: String,
    /// The service's error code (`AccessDenied`) or one of the `CODE_*` constants.
    pub code: String,
    /// Human-readable message.
    pub message: String,
}

impl CallError {
    /// An error of the collector's own (not an AWS answer) about a call.
    pub fn new(
        service: &'static str,
        operation: &'static str,
        region: &str,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            service,
            operation,
            region: region.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// Whether the error code is `code` (service codes sometimes carry an
    /// `Exception` suffix in one protocol and not in another).
    pub fn is(&self, code: &str) -> bool {
        self.code == code || self.code.strip_suffix("Exception") == Some(code)
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} in {}: {}: {}",
            self.service, self.operation, self.region, self.code, self.message
        )
    }
}

/// Counters of one collection run.
#[derive(Debug, Default)]
pub struct Stats {
    calls: AtomicU64,
    failed: AtomicU64,
    latency_micros: AtomicU64,
}

/// A copy of [`Stats`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Requests sent (each page counts; SDK retries of one request do not).
    pub calls: u64,
    /// Requests that ended in an error (expected absences included).
    pub failed: u64,
    /// Sum of the wall time of every request.
    pub latency: Duration,
}

/// Shared state of a collection run.
#[derive(Debug)]
pub struct Ctx {
    permits: Arc<Semaphore>,
    timeout: Duration,
    chain_budget: Duration,
    stats: Stats,
    failures: Mutex<Vec<CallError>>,
}

impl Ctx {
    /// A context allowing `max_in_flight` requests at once, each limited to
    /// `timeout`, each call chain to [`CHAIN_BUDGET`].
    pub fn new(max_in_flight: usize, timeout: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
            timeout,
            chain_budget: CHAIN_BUDGET,
            stats: Stats::default(),
            failures: Mutex::new(Vec::new()),
        }
    }

    /// The same with another time budget per call chain.
    pub fn with_chain_budget(mut self, budget: Duration) -> Self {
        self.chain_budget = budget;
        self
    }

    /// A call chain of `operation`: its requests share one time budget.
    pub fn chain<'a>(
        &'a self,
        service: &'static str,
        operation: &'static str,
        region: &'a str,
    ) -> Chain<'a> {
        Chain {
            ctx: self,
            service,
            operation,
            region,
            spent: Duration::ZERO,
            requests: 0,
            ran_out: false,
        }
    }

    /// Send one request: wait for a permit, run it under the timeout, count it.
    /// The error is returned, not recorded: the caller decides whether it is a
    /// failure ([`Ctx::record`]) or an expected answer such as "no policy".
    pub fn call<'a, T, E, Fut>(
        &'a self,
        service: &'static str,
        operation: &'static str,
        region: &'a str,
        request: Fut,
    ) -> impl Future<Output = Result<T, CallError>> + 'a
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>> + 'a,
        T: 'a,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        // SDK request futures are large: on the heap at once, they do not
        // add up in the state of the task that awaits many of them.
        let sent = self.call_limited(service, operation, region, Box::pin(request), self.timeout);
        async move { sent.await.0 }
    }

    /// [`Ctx::call`] with a time limit of its own; also gives the time the
    /// request took once it had a permit.
    async fn call_limited<T, E, Fut>(
        &self,
        service: &'static str,
        operation: &'static str,
        region: &str,
        request: Pin<Box<Fut>>,
        limit: Duration,
    ) -> (Result<T, CallError>, Duration)
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let fail = |code: &str, message: String| CallError {
            service,
            operation,
            region: region.to_owned(),
            code: code.to_owned(),
            message,
        };
        let Ok(_permit) = self.permits.acquire().await else {
            return (
                Err(fail(CODE_REQUEST, "the collector is shutting down".into())),
                Duration::ZERO,
            );
        };
        let started = Instant::now();
        let result = tokio::time::timeout(limit, request).await;
        let elapsed = started.elapsed();
        self.stats.calls.fetch_add(1, Ordering::Relaxed);
        self.stats.latency_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        let out = match result {
            Err(_) => Err(fail(
                CODE_TIMEOUT,
                format!("no answer within {} s", limit.as_secs_f64()),
            )),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(sdk_error(e, &fail)),
        };
        match &out {
            Ok(_) => tracing::info!(
                target: "cis_filters::aws",
                service, operation, region, ms = elapsed.as_millis() as u64, "call"
            ),
            Err(e) => {
                self.stats.failed.fetch_add(1, Ordering::Relaxed);
                tracing::info!(
                    target: "cis_filters::aws",
                    service, operation, region, ms = elapsed.as_millis() as u64,
                    code = %e.code, "call failed: {}", e.message
                );
            }
        }
        (out, elapsed)
    }

    /// Walk a paginated listing. `page(token)` sends one request and returns
    /// the page's items and the next token (`None` on the last page). A token
    /// seen before, more than [`MAX_PAGES`] pages, or more request time than
    /// the chain budget ends the walk with a [`CODE_PAGINATION`] error.
    pub async fn pages<T, E, F, Fut>(
        &self,
        service: &'static str,
        operation: &'static str,
        region: &str,
        mut page: F,
    ) -> Result<Vec<T>, CallError>
    where
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>), SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let mut chain = self.chain(service, operation, region);
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        // Hashes of the tokens seen (tokens themselves can be large); the
        // random keys keep a hostile endpoint from forging a collision.
        let keys = RandomState::new();
        let mut seen: HashSet<u64> = HashSet::new();
        for _ in 0..MAX_PAGES {
            let (mut batch, next) = chain
                .call(page(token.take()))
                .await
                .map_err(|e| chain.spent_error(e, CODE_PAGINATION, "listing"))?;
            items.append(&mut batch);
            match next.filter(|t| !t.is_empty()) {
                None => return Ok(items),
                Some(t) => {
                    if !seen.insert(keys.hash_one(&t)) {
                        return Err(CallError::new(
                            service,
                            operation,
                            region,
                            CODE_PAGINATION,
                            format!(
                                "the service repeated a pagination token after {} pages",
                                chain.requests
                            ),
                        ));
                    }
                    token = Some(t);
                }
            }
        }
        Err(CallError::new(
            service,
            operation,
            region,
            CODE_PAGINATION,
            format!("more than {MAX_PAGES} pages"),
        ))
    }

    /// Keep a failure for the snapshot.
    pub fn record(&self, error: CallError) {
        if let Ok(mut v) = self.failures.lock() {
            v.push(error);
        }
    }

    /// [`Ctx::record`] the error of `r` and return its value, if any.
    pub fn ok<T>(&self, r: Result<T, CallError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.record(e);
                None
            }
        }
    }

    /// The failures recorded so far, in a stable order.
    pub fn failures(&self) -> Vec<CallError> {
        let mut v = self.failures.lock().map(|v| v.clone()).unwrap_or_default();
        v.sort_by(|a, b| {
            (a.service, a.operation, &a.region, &a.code, &a.message).cmp(&(
                b.service,
                b.operation,
                &b.region,
                &b.code,
                &b.message,
            ))
        });
        v
    }

    /// Counters so far.
    pub fn stats(&self) -> StatsSnapshot {
        StatsSnapshot {
            calls: self.stats.calls.load(Ordering::Relaxed),
            failed: self.stats.failed.load(Ordering::Relaxed),
            latency: Duration::from_micros(self.stats.latency_micros.load(Ordering::Relaxed)),
        }
    }
}

/// Requests that share one time budget ([`Ctx::chain`]): the pages of a
/// listing, the polls of the credential report. Each request is limited to
/// the smaller of the request timeout and what is left of the budget.
#[derive(Debug)]
pub struct Chain<'a> {
    ctx: &'a Ctx,
    service: &'static str,
    operation: &'static str,
    region: &'a str,
    spent: Duration,
    /// Requests sent so far.
    pub requests: usize,
    ran_out: bool,
}

impl<'a> Chain<'a> {
    /// Send the next request of the chain. When the budget is spent, or the
    /// request is cut by what was left of it, the error is a [`CODE_TIMEOUT`]
    /// that says so; [`Chain::spent_error`] gives it another code.
    pub fn call<'s, T, E, Fut>(
        &'s mut self,
        request: Fut,
    ) -> impl Future<Output = Result<T, CallError>> + use<'s, 'a, T, E, Fut>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        // Boxed at once, as in [`Ctx::call`].
        let request = Box::pin(request);
        self.send(request)
    }

    async fn send<T, E, Fut>(&mut self, request: Pin<Box<Fut>>) -> Result<T, CallError>
    where
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let left = self.ctx.chain_budget.saturating_sub(self.spent);
        if left.is_zero() {
            self.ran_out = true;
            return Err(self.exhausted());
        }
        let limit = left.min(self.ctx.timeout);
        let (result, took) = self
            .ctx
            .call_limited(self.service, self.operation, self.region, request, limit)
            .await;
        self.spent += took;
        self.requests += 1;
        match result {
            Err(e) if e.code == CODE_TIMEOUT && limit < self.ctx.timeout => {
                self.ran_out = true;
                Err(self.exhausted())
            }
            other => other,
        }
    }

    fn exhausted(&self) -> CallError {
        CallError::new(
            self.service,
            self.operation,
            self.region,
            CODE_TIMEOUT,
            format!(
                "did not finish within its time budget of {} s ({} requests)",
                self.ctx.chain_budget.as_secs_f64(),
                self.requests
            ),
        )
    }

    /// `e`, with `code` and a message naming `what` (`listing`) when the
    /// chain's budget ran out; other errors as they are.
    pub fn spent_error(&self, e: CallError, code: &str, what: &str) -> CallError {
        if self.ran_out {
            CallError {
                code: code.to_owned(),
                message: format!("the {what} {}", e.message),
                ..e
            }
        } else {
            e
        }
    }
}

/// An SDK error as a code and a message.
fn sdk_error<E>(e: SdkError<E, HttpResponse>, fail: &dyn Fn(&str, String) -> CallError) -> CallError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    match &e {
        SdkError::ServiceError(se) => {
            let err = se.err();
            let status = se.raw().status().as_u16();
            let code = err
                .code()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("HTTP{status}"));
            let message = err
                .message()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("HTTP status {status}"));
            fail(&code, message)
        }
        SdkError::TimeoutError(_) => fail(CODE_TIMEOUT, DisplayErrorContext(&e).to_string()),
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            fail(CODE_TIMEOUT, DisplayErrorContext(&e).to_string())
        }
        SdkError::DispatchFailure(_) => fail(CODE_NETWORK, DisplayErrorContext(&e).to_string()),
        SdkError::ResponseError(_) => fail(CODE_BAD_RESPONSE, DisplayErrorContext(&e).to_string()),
        _ => fail(CODE_REQUEST, DisplayErrorContext(&e).to_string()),
    }
}
