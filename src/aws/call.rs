//! One AWS call: a bound on requests in flight, a timeout, counting, logging,
//! progress, and turning SDK errors into plain data.
//!
//! Every request the collector sends goes through [`Ctx::call`]. Pagination is
//! done here too ([`Ctx::pages`]), so that each page is one bounded, timed,
//! counted request.

use std::error::Error as StdError;
use std::future::Future;
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
/// Error code recorded when a paginated listing never ended.
pub const CODE_PAGINATION: &str = "PaginationLimitExceeded";

/// Most pages one listing may take; a service that keeps returning tokens
/// beyond this is treated as a failure of that listing, not an endless loop.
pub const MAX_PAGES: usize = 10_000;

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
    stats: Stats,
    failures: Mutex<Vec<CallError>>,
}

impl Ctx {
    /// A context allowing `max_in_flight` requests at once, each limited to `timeout`.
    pub fn new(max_in_flight: usize, timeout: Duration) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_in_flight.max(1))),
            timeout,
            stats: Stats::default(),
            failures: Mutex::new(Vec::new()),
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
        let request = Box::pin(request);
        async move {
            let fail = |code: &str, message: String| CallError {
                service,
                operation,
                region: region.to_owned(),
                code: code.to_owned(),
                message,
            };
            let Ok(_permit) = self.permits.acquire().await else {
                return Err(fail(CODE_REQUEST, "the collector is shutting down".into()));
            };
            let started = Instant::now();
            let result = tokio::time::timeout(self.timeout, request).await;
            let elapsed = started.elapsed();
            self.stats.calls.fetch_add(1, Ordering::Relaxed);
            self.stats.latency_micros.fetch_add(
                u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
                Ordering::Relaxed,
            );
            let out = match result {
                Err(_) => Err(fail(
                    CODE_TIMEOUT,
                    format!("no answer within {} s", self.timeout.as_secs_f64()),
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
            out
        }
    }

    /// Walk a paginated listing. `page(token)` sends one request and returns
    /// the page's items and the next token (`None` on the last page). A token
    /// seen before, or more than [`MAX_PAGES`] pages, ends the walk with an error.
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
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES {
            let (mut batch, next) = self
                .call(service, operation, region, page(token.take()))
                .await?;
            items.append(&mut batch);
            match next.filter(|t| !t.is_empty()) {
                None => return Ok(items),
                Some(t) => {
                    if !seen.insert(t.clone()) {
                        return Err(CallError {
                            service,
                            operation,
                            region: region.to_owned(),
                            code: CODE_PAGINATION.into(),
                            message: "the service repeated a pagination token".into(),
                        });
                    }
                    token = Some(t);
                }
            }
        }
        Err(CallError {
            service,
            operation,
            region: region.to_owned(),
            code: CODE_PAGINATION.into(),
            message: format!("more than {MAX_PAGES} pages"),
        })
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
