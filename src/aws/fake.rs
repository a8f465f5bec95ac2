//! A replayed AWS for unit tests: an HTTP connector that answers the real SDK's
//! signed requests with canned wire responses (XML for the query and REST-XML
//! protocols, JSON for the JSON protocols), chosen by service and operation.
//!
//! It covers what moto cannot show (multi-page answers, URL-encoded policy
//! documents, the credential report's root row, pending subscriptions, …) and
//! the fault paths (AccessDenied, throttling then success, a hung call). It is
//! built on the SDK's public `HttpConnector` trait, so no `test-util` feature
//! of any SDK crate is needed and test builds reuse the normal build of the SDK.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_types::SdkConfig;
use aws_types::region::Region;

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    body: String,
    headers: Vec<(String, String)>,
    delay: Duration,
}

impl Reply {
    /// HTTP 200 with `body`.
    pub fn ok(body: impl Into<String>) -> Self {
        Self::status(200, body)
    }

    /// Any status with `body`.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// An awsQuery / EC2 / REST-XML error (`<Error><Code>…`).
    pub fn xml_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(
            status,
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ),
        )
    }

    /// An EC2 error (`<Response><Errors><Error>…`).
    pub fn ec2_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(
            status,
            format!(
                "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>r</RequestID></Response>"
            ),
        )
    }

    /// An S3 error (`<Error><Code>…` at the root).
    pub fn s3_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(
            status,
            format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"),
        )
    }

    /// An awsJson error (`{"__type": …}`).
    pub fn json_error(status: u16, code: &str, message: &str) -> Self {
        Self::status(
            status,
            format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
        )
        .header("content-type", "application/x-amz-json-1.1")
    }

    /// Add a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answer only after `d` (to make a call time out).
    pub fn after(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Service signing name (`iam`, `logs`, …).
    pub service: String,
    /// Operation name.
    pub operation: String,
    /// Signing region.
    pub region: String,
    /// Request body.
    pub body: String,
    /// Request URI.
    pub uri: String,
    /// The access key that signed the request.
    pub access_key: String,
}

/// Which requests a scoped route answers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum When {
    /// Signed with this access key (an account's assumed credentials).
    Key(String),
    /// Whose body contains this text.
    Body(String),
}

impl When {
    fn matches(&self, seen: &Seen) -> bool {
        match self {
            Self::Key(k) => seen.access_key == *k,
            Self::Body(b) => seen.body.contains(b.as_str()),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    routes: HashMap<(String, String), VecDeque<Reply>>,
    /// Routes for some requests only, tried before `routes`.
    scoped: Vec<(When, (String, String), VecDeque<Reply>)>,
    seen: Vec<Seen>,
}

/// The next reply of a route: the last one repeats.
fn next(q: &mut VecDeque<Reply>) -> Option<Reply> {
    if q.len() > 1 {
        q.pop_front()
    } else {
        q.front().cloned()
    }
}

/// The fake AWS. Clone it freely: clones share their routes and log.
#[derive(Debug, Clone, Default)]
pub struct Fake(Arc<Mutex<State>>);

impl Fake {
    /// A fake with no routes: every request gets a 400 `UnknownOperation`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Answer `service`'s `operation` with `replies` in order; the last one repeats.
    pub fn on(&self, service: &str, operation: &str, replies: Vec<Reply>) -> &Self {
        self.0
            .lock()
            .unwrap()
            .routes
            .insert((service.into(), operation.into()), replies.into());
        self
    }

    /// As [`Fake::on`], for the requests signed with access key `key` only.
    pub fn on_key(&self, key: &str, service: &str, operation: &str, replies: Vec<Reply>) -> &Self {
        self.scoped(When::Key(key.into()), service, operation, replies)
    }

    /// As [`Fake::on`], for the requests whose body contains `text` only.
    pub fn on_body(
        &self,
        text: &str,
        service: &str,
        operation: &str,
        replies: Vec<Reply>,
    ) -> &Self {
        self.scoped(When::Body(text.into()), service, operation, replies)
    }

    fn scoped(&self, when: When, service: &str, operation: &str, replies: Vec<Reply>) -> &Self {
        let key = (service.to_owned(), operation.to_owned());
        let mut st = self.0.lock().unwrap();
        st.scoped.retain(|(w, k, _)| !(*w == when && *k == key));
        st.scoped.push((when, key, replies.into()));
        drop(st);
        self
    }

    /// Every request received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().seen.clone()
    }

    /// How many requests `service`'s `operation` received.
    pub fn count(&self, service: &str, operation: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.service == service && s.operation == operation)
            .count()
    }

    /// An SDK configuration whose every client talks to this fake, with static
    /// credentials, home region `us-east-1` and the given timeout.
    pub fn sdk_config(&self, call_timeout: Duration) -> SdkConfig {
        let fake = self.clone();
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::from_static("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDFAKE", "secret", None, None, "fake",
            )))
            .http_client(http_client_fn(move |_, _| {
                SharedHttpConnector::new(fake.clone())
            }))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(1)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(call_timeout)
                    .build(),
            )
            .build()
    }
}

/// `(service, region, access key)` from the SigV4 credential scope of the request.
fn scope(req: &HttpRequest) -> (String, String, String) {
    let auth = req.headers().get("authorization").unwrap_or_default();
    // Credential=AKID/20240101/us-east-1/iam/aws4_request
    let cred = auth
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split(',').next())
        .unwrap_or_default();
    let parts: Vec<&str> = cred.split('/').collect();
    match parts.as_slice() {
        [key, _, region, service, _] => ((*service).into(), (*region).into(), (*key).into()),
        _ => (String::new(), String::new(), String::new()),
    }
}

/// The operation name of a request of any of the protocols the collector uses.
fn operation(req: &HttpRequest, service: &str, body: &str) -> String {
    if let Some(target) = req.headers().get("x-amz-target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    if let Some(action) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
        return action.to_owned();
    }
    let uri = req.uri();
    let query = uri.split_once('?').map(|(_, q)| q).unwrap_or("");
    let has = |k: &str| {
        query
            .split('&')
            .any(|kv| kv == k || kv.starts_with(&format!("{k}=")))
    };
    match service {
        "s3" if req
            .uri()
            .contains("/v20180820/configuration/publicAccessBlock") =>
        {
            "GetPublicAccessBlock".into()
        }
        "s3" if has("acl") => "GetBucketAcl".into(),
        "s3" if has("policy") => "GetBucketPolicy".into(),
        "s3" if has("publicAccessBlock") => "GetPublicAccessBlock".into(),
        "s3" if has("logging") => "GetBucketLogging".into(),
        "s3" if has("location") => "GetBucketLocation".into(),
        _ => format!("{} {}", req.method(), uri),
    }
}

impl HttpConnector for Fake {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let body = request
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let (service, region, access_key) = scope(&request);
        let op = operation(&request, &service, &body);
        let reply = {
            let mut st = self.0.lock().unwrap();
            let seen = Seen {
                service: service.clone(),
                operation: op.clone(),
                region,
                body,
                uri: request.uri().to_owned(),
                access_key,
            };
            let route = (service.clone(), op.clone());
            let scoped = st
                .scoped
                .iter_mut()
                .find(|(when, r, _)| *r == route && when.matches(&seen))
                .and_then(|(_, _, q)| next(q));
            st.seen.push(seen);
            scoped.or_else(|| st.routes.get_mut(&route).and_then(next))
        }
        .unwrap_or_else(|| {
            Reply::xml_error(
                400,
                "UnknownOperation",
                &format!("no fake for {service} {op}"),
            )
        });
        HttpConnectorFuture::new(async move {
            if !reply.delay.is_zero() {
                tokio::time::sleep(reply.delay).await;
            }
            let mut resp = HttpResponse::new(
                StatusCode::try_from(reply.status).unwrap(),
                SdkBody::from(reply.body),
            );
            for (k, v) in reply.headers {
                resp.headers_mut().insert(k, v);
            }
            Ok(resp)
        })
    }
}
