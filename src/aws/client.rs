//! Settings of a live collection and the SDK configuration built from them:
//! credentials chain, profile, home region, endpoint override, optional role
//! assumption, retries and timeouts.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_sts::config::retry::RetryPartition;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::SdkConfig;
use aws_types::region::Region;

use super::Progress;

/// Region used for global services (IAM, S3 account settings, STS) when no
/// region is configured anywhere.
pub const FALLBACK_HOME_REGION: &str = "us-east-1";

/// Which regions to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Every region enabled for the account (EC2 DescribeRegions).
    All,
    /// Exactly these regions.
    List(Vec<String>),
}

impl Regions {
    /// Parse `all` or a comma-separated list such as `us-east-1,eu-west-1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(Self::All);
        }
        let mut list = Vec::new();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!(
                    "empty region name in `{text}`: use a comma-separated list such as `us-east-1,eu-west-1`, or `all`"
                ));
            }
            if !is_region_name(part) {
                return Err(format!(
                    "`{part}` is not a region name (expected something like `eu-west-1`)"
                ));
            }
            if !list.iter().any(|r| r == part) {
                list.push(part.to_owned());
            }
        }
        Ok(Self::List(list))
    }
}

/// Lower-case letters, digits and dashes, starting with a letter, at least one dash.
pub fn is_region_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.contains('-')
        && !s.ends_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// How to reach AWS and how hard to try.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Named profile (`--profile`); `None`: `AWS_PROFILE` or `default`.
    pub profile: Option<String>,
    /// Home region for global calls (`--region`); `None`: from the environment or profile.
    pub region: Option<String>,
    /// Regions to collect.
    pub regions: Regions,
    /// Endpoint override (`--endpoint-url`; `AWS_ENDPOINT_URL` is read by the SDK itself).
    pub endpoint_url: Option<String>,
    /// Role to assume before collecting (`--role-arn`).
    pub role_arn: Option<String>,
    /// Requests in flight at most, over all regions and services.
    pub max_in_flight: usize,
    /// Limit for one request, SDK retries included.
    pub call_timeout: Duration,
    /// Time budget of one call chain (the pages of a listing, the polls of
    /// the credential report): the sum of its requests' times.
    pub chain_budget: Duration,
    /// Attempts per request (SDK adaptive retry: throttling and transient errors).
    pub max_attempts: u32,
    /// First retry back-off.
    pub initial_backoff: Duration,
    /// The retry partition of the run's clients (an organization run gives
    /// each account its own, so that throttling slows only that account);
    /// `None`: the SDK's default partition per service and region.
    pub retry_partition: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            regions: Regions::All,
            endpoint_url: None,
            role_arn: None,
            max_in_flight: 16,
            call_timeout: Duration::from_secs(60),
            chain_budget: super::call::CHAIN_BUDGET,
            max_attempts: 6,
            initial_backoff: Duration::from_millis(500),
            retry_partition: None,
        }
    }
}

/// Why a collection could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupError {
    /// No credentials anywhere in the chain.
    NoCredentials(String),
    /// The credentials were found but do not work (STS GetCallerIdentity failed).
    BadCredentials(String),
    /// A setting is malformed.
    Invalid(String),
    /// The regions to collect could not be determined.
    Regions(String),
    /// AWS (or the endpoint override) did not answer.
    Unreachable(String),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoCredentials(detail) => write!(
                f,
                "no AWS credentials found ({detail}); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
                 pass --profile NAME (run `aws sso login --profile NAME` for SSO), or run on a host with an instance or container role"
            ),
            Self::BadCredentials(detail) => {
                write!(f, "the AWS credentials were rejected: {detail}")
            }
            Self::Invalid(detail) | Self::Regions(detail) => f.write_str(detail),
            Self::Unreachable(detail) => write!(f, "cannot reach AWS: {detail}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// Retry and timeout settings for every client.
fn retry_and_timeouts(settings: &Settings) -> (RetryConfig, TimeoutConfig) {
    let retry = RetryConfig::adaptive()
        .with_max_attempts(settings.max_attempts.max(1))
        .with_initial_backoff(settings.initial_backoff);
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(10))
        .operation_timeout(settings.call_timeout)
        .build();
    (retry, timeouts)
}

/// Load the SDK configuration: credentials chain (environment, profile, SSO,
/// web identity, container and instance roles), region, endpoint override,
/// retries, timeouts, then the role to assume, if any. Credentials are
/// resolved once here so that their absence is one clear error up front.
pub async fn load(settings: &Settings) -> Result<SdkConfig, SetupError> {
    if let Some(url) = &settings.endpoint_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(SetupError::Invalid(format!(
            "--endpoint-url `{url}` must start with http:// or https://"
        )));
    }
    let (retry, timeouts) = retry_and_timeouts(settings);
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &settings.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &settings.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        config = config
            .into_builder()
            .region(Region::from_static(FALLBACK_HOME_REGION))
            .build();
    }
    if let Some(role) = &settings.role_arn {
        if !role.starts_with("arn:") || !role.contains(":role/") {
            return Err(SetupError::Invalid(format!(
                "--role-arn `{role}` is not a role ARN (arn:aws:iam::123456789012:role/NAME)"
            )));
        }
        check_credentials(&config).await?;
        let provider = aws_config::sts::AssumeRoleProvider::builder(role.clone())
            .session_name("cis-filters")
            .configure(&config)
            .build()
            .await;
        config = config
            .into_builder()
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            )
            .build();
    }
    check_credentials(&config).await?;
    Ok(config)
}

async fn check_credentials(config: &SdkConfig) -> Result<(), SetupError> {
    let Some(provider) = config.credentials_provider() else {
        return Err(SetupError::NoCredentials("no credentials provider".into()));
    };
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(e) => {
            use aws_credential_types::provider::error::CredentialsError as C;
            let detail = match &e {
                C::CredentialsNotLoaded(_) => {
                    "the environment, the profiles and the instance or container role have none"
                        .to_owned()
                }
                _ => error_chain(&e),
            };
            Err(SetupError::NoCredentials(detail))
        }
    }
}

/// An error and its sources as one short line: `a: b: c`, at most 300 bytes.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    let mut line = parts.join(": ").replace('\n', " ");
    if line.len() > 300 {
        let mut cut = 300;
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        line.truncate(cut);
        line.push('…');
    }
    line
}

/// The home region of a loaded configuration.
pub fn home_region(config: &SdkConfig) -> String {
    config
        .region()
        .map(|r| r.as_ref().to_owned())
        .unwrap_or_else(|| FALLBACK_HOME_REGION.to_owned())
}

/// Whether the configuration sends requests to an endpoint override
/// (an emulator or a proxy) rather than AWS's own endpoints.
pub fn has_endpoint_override(config: &SdkConfig) -> bool {
    config.endpoint_url().is_some()
}

/// A service config builder with its retry partition set (`None`: the
/// SDK's default).
macro_rules! partitioned {
    ($builder:expr, $partition:expr) => {{
        let mut b = $builder;
        b.set_retry_partition($partition);
        b
    }};
}

/// A client of SDK crate `$sdk` for `$region` (a `Region`, named `$name`
/// in the retry partition) with `$plain` watching its requests.
macro_rules! region_client {
    ($sdk:ident, $config:expr, $region:expr, $plain:expr, $service:literal, $name:expr) => {
        $sdk::Client::from_conf(
            partitioned!(
                $sdk::config::Builder::from($config)
                    .region($region.clone())
                    .interceptor($plain.clone()),
                $plain.partition($service, $name)
            )
            .build(),
        )
    };
}

/// Clients for one region.
#[derive(Debug, Clone)]
pub struct RegionClients {
    /// The region.
    pub region: String,
    /// CloudTrail.
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    /// CloudWatch Logs.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// CloudWatch.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// SNS.
    pub sns: aws_sdk_sns::Client,
    /// KMS.
    pub kms: aws_sdk_kms::Client,
    /// AWS Config.
    pub config: aws_sdk_config::Client,
    /// EC2.
    pub ec2: aws_sdk_ec2::Client,
    /// S3 (bucket calls are sent to the bucket's region).
    pub s3: aws_sdk_s3::Client,
}

impl RegionClients {
    /// Clients for `region` from the shared configuration; `plain` watches
    /// every request for plain http:// to a host that is not this machine.
    pub fn new(config: &SdkConfig, region: &str, plain: &PlainHttpWarning) -> Self {
        let r = Region::new(region.to_owned());
        let path_style = has_endpoint_override(config);
        Self {
            region: region.to_owned(),
            cloudtrail: region_client!(aws_sdk_cloudtrail, config, r, plain, "cloudtrail", region),
            logs: region_client!(
                aws_sdk_cloudwatchlogs,
                config,
                &r,
                plain,
                "cloudwatchlogs",
                region
            ),
            cloudwatch: region_client!(aws_sdk_cloudwatch, config, r, plain, "cloudwatch", region),
            sns: region_client!(aws_sdk_sns, config, r, plain, "sns", region),
            kms: region_client!(aws_sdk_kms, config, r, plain, "kms", region),
            config: region_client!(aws_sdk_config, config, r, plain, "config", region),
            ec2: region_client!(aws_sdk_ec2, config, r, plain, "ec2", region),
            // Emulators and proxies cannot serve virtual-host bucket names.
            s3: aws_sdk_s3::Client::from_conf(
                partitioned!(
                    aws_sdk_s3::config::Builder::from(config)
                        .region(r)
                        .force_path_style(path_style)
                        .interceptor(plain.clone()),
                    plain.partition("s3", region)
                )
                .build(),
            ),
        }
    }
}

/// Clients for the global services, in the home region.
#[derive(Debug, Clone)]
pub struct GlobalClients {
    /// The home region.
    pub region: String,
    /// IAM.
    pub iam: aws_sdk_iam::Client,
    /// STS.
    pub sts: aws_sdk_sts::Client,
    /// S3 Control (account-level public access block).
    pub s3control: aws_sdk_s3control::Client,
}

impl GlobalClients {
    /// Clients for the home region of `config`; `plain` as for [`RegionClients::new`].
    pub fn new(config: &SdkConfig, plain: &PlainHttpWarning) -> Self {
        let home = home_region(config);
        let mut s3control = partitioned!(
            aws_sdk_s3control::config::Builder::from(config).interceptor(plain.clone()),
            plain.partition("s3control", &home)
        );
        if let Some(url) = config.endpoint_url() {
            // S3 Control puts the account id into the host name
            // (`123456789012.s3-control…`); an emulator or proxy at a fixed
            // address cannot be reached that way, so with an override the
            // requests go to the override itself (the account id still
            // travels in the `x-amz-account-id` header).
            s3control = s3control.endpoint_resolver(FixedEndpoint(url.to_owned()));
        }
        Self {
            iam: aws_sdk_iam::Client::from_conf(
                partitioned!(
                    aws_sdk_iam::config::Builder::from(config).interceptor(plain.clone()),
                    plain.partition("iam", &home)
                )
                .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                partitioned!(
                    aws_sdk_sts::config::Builder::from(config).interceptor(plain.clone()),
                    plain.partition("sts", &home)
                )
                .build(),
            ),
            region: home,
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
        }
    }
}

/// Whether `host` (as a URL writes it: `[::1]` in brackets) is this machine:
/// 127.0.0.0/8, `::1` (also as `::ffff:127.x.y.z`) or `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if bare.eq_ignore_ascii_case("localhost") || bare.eq_ignore_ascii_case("localhost.") {
        return true;
    }
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => a.is_loopback(),
        Ok(IpAddr::V6(a)) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// The warning for a request to `url`: `Some` when it is plain `http://` to a
/// host that is not a loopback address, naming the scheme, host and port.
pub fn plain_http_warning(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    if !uri
        .scheme_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("http"))
    {
        return None;
    }
    let authority = uri.authority()?;
    if is_loopback_host(authority.host()) {
        return None;
    }
    let port = authority
        .port_u16()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    Some(format!(
        "requests go to http://{}{port} without TLS: the signed requests and the account's \
         data cross the network unencrypted (plain http:// is meant for an emulator on this \
         machine; use https:// for anything else)",
        authority.host()
    ))
}

/// Watches every request (an SDK interceptor on each client) and warns once,
/// through [`Progress::warn`], when one goes over plain http:// to a host that
/// is not this machine, whichever setting chose the endpoint (`--endpoint-url`,
/// `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, a profile).
///
/// It also tells `sink` of every retry and every throttled answer
/// ([`Progress::attempt`], [`Progress::throttled`]), and names the run's
/// retry partition ([`Settings::retry_partition`]) for each client.
#[derive(Clone)]
pub struct PlainHttpWarning {
    warned: Arc<AtomicBool>,
    sink: Arc<dyn Progress>,
    partition: Option<Arc<str>>,
}

impl PlainHttpWarning {
    /// A watcher that reports to `sink`.
    pub fn new(sink: Arc<dyn Progress>) -> Self {
        Self {
            warned: Arc::new(AtomicBool::new(false)),
            sink,
            partition: None,
        }
    }

    /// The same with the clients' retry partitions named after `scope`.
    pub fn with_retry_partition(mut self, scope: Option<&str>) -> Self {
        self.partition = scope.map(Arc::from);
        self
    }

    /// The retry partition of `service`'s client in `region`: `None` (the
    /// SDK's default, shared by the process) unless a scope was given.
    pub fn partition(&self, service: &str, region: &str) -> Option<RetryPartition> {
        self.partition
            .as_ref()
            .map(|scope| RetryPartition::new(format!("{service}-{region}-{scope}")))
    }

    /// Warn about `url` if it needs it and nothing was said yet.
    pub fn check(&self, url: &str) {
        if self.warned.load(Ordering::Relaxed) {
            return;
        }
        if let Some(message) = plain_http_warning(url)
            && !self.warned.swap(true, Ordering::Relaxed)
        {
            self.sink.warn(&message);
        }
    }
}

impl std::fmt::Debug for PlainHttpWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainHttpWarning")
            .field("warned", &self.warned)
            .finish_non_exhaustive()
    }
}

impl Intercept for PlainHttpWarning {
    fn name(&self) -> &'static str {
        "PlainHttpWarning"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.check(context.request().uri());
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempts = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        self.sink.attempt(attempts > 1);
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let status = response.status().as_u16();
        if status == 429
            || (status >= 400
                && response.body().bytes().is_some_and(|b| {
                    let head = b.get(..b.len().min(2048)).unwrap_or_default();
                    is_throttling(&String::from_utf8_lossy(head))
                }))
        {
            self.sink.throttled();
        }
        Ok(())
    }
}

/// Whether an error answer's body names a throttling error code.
pub fn is_throttling(body: &str) -> bool {
    [
        "Throttling",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "ProvisionedThroughputExceeded",
        "Rate exceeded",
    ]
    .iter()
    .any(|c| body.contains(c))
}

/// An endpoint resolver that always answers the same URL.
#[derive(Debug)]
struct FixedEndpoint(String);

impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(
        &'a self,
        _params: &'a aws_sdk_s3control::config::endpoint::Params,
    ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
        aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
            aws_sdk_s3control::config::endpoint::Endpoint::builder()
                .url(self.0.clone())
                .build(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse() {
        assert_eq!(Regions::parse("all"), Ok(Regions::All));
        assert_eq!(Regions::parse(" ALL "), Ok(Regions::All));
        assert_eq!(
            Regions::parse("us-east-1,eu-west-1,us-east-1"),
            Ok(Regions::List(vec!["us-east-1".into(), "eu-west-1".into()]))
        );
        assert_eq!(
            Regions::parse("us-east-1, eu-west-1"),
            Ok(Regions::List(vec!["us-east-1".into(), "eu-west-1".into()]))
        );
        assert!(
            Regions::parse("us-east-1,,eu-west-1")
                .unwrap_err()
                .contains("empty region")
        );
        assert!(Regions::parse("").unwrap_err().contains("empty region"));
        assert!(
            Regions::parse("US-EAST-1")
                .unwrap_err()
                .contains("not a region")
        );
        assert!(
            Regions::parse("useast1")
                .unwrap_err()
                .contains("not a region")
        );
        assert!(
            Regions::parse("us-east-1/../x")
                .unwrap_err()
                .contains("not a region")
        );
    }

    #[test]
    fn error_chain_is_one_short_line() {
        #[derive(Debug)]
        struct E(&'static str, Option<Box<E>>);
        impl std::fmt::Display for E {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for E {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|e| e as _)
            }
        }
        let e = E("outer", Some(Box::new(E("inner\nline", None))));
        assert_eq!(error_chain(&e), "outer: inner line");
        let long = E(Box::leak("x".repeat(400).into_boxed_str()), None);
        assert!(error_chain(&long).chars().count() <= 301);
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "127.0.0.1",
            "127.255.0.9",
            "localhost",
            "LOCALHOST",
            "[::1]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in [
            "128.0.0.1",
            "10.0.0.1",
            "[::2]",
            "localhost.example.com",
            "mylocalhost",
            "0.0.0.0",
            "",
        ] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(plain_http_warning("http://127.0.0.1:5000/x").is_none());
        assert!(plain_http_warning("https://10.0.0.1/").is_none());
        assert!(plain_http_warning("not a url").is_none());
        let w = plain_http_warning("http://user@10.0.0.1:4566/bucket?acl").unwrap();
        assert!(w.contains("http://10.0.0.1:4566 "), "{w}");
        assert!(!w.contains("user"), "{w}");
        let w = plain_http_warning("HTTP://proxy.example.com/").unwrap();
        assert!(w.contains("http://proxy.example.com "), "{w}");
    }

    #[test]
    fn setup_error_says_how_to_provide_credentials() {
        let s = SetupError::NoCredentials("none".into()).to_string();
        assert!(s.contains("AWS_ACCESS_KEY_ID"), "{s}");
        assert!(s.contains("--profile"), "{s}");
        assert!(!s.contains('\n'), "one line: {s}");
    }
}
