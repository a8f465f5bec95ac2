//! Section 3 (and 1.1): the metric-filter chain walker.
//!
//! A control passes when one chain is complete:
//! trail (multi-region, logging, all management events, owned by the
//! account) → its CloudWatch Logs log group (by full ARN: region and
//! account) → a metric filter on it whose pattern passes the control's
//! verdict under the chosen [`MatchMode`](crate::cis::MatchMode) → an alarm in that region on the
//! filter's metric (name and namespace) with actions enabled → an SNS topic
//! → a confirmed subscription.
//!
//! The walker tries every chain and reports the complete one, or the chain
//! that got furthest and its first broken link, with Security Hub's reason
//! codes. Where a chain leads out of the snapshot (a trail or log group of
//! another account, a region not looked at, a topic of another account) the
//! control is WARNING: it may well be fine, but cannot be followed here.
//!
//! Cost is linear: filters, alarms and topics are indexed once in hash maps
//! ([`Index::build`]); each distinct filter pattern on a trail's log group
//! is normalized once, and looked up among the benchmark's canonical normal
//! forms. A verdict that passes is `exact` (same tokens) or `equivalent`
//! (same normal form), so only filters whose normal form is a canonical one
//! can pass; those are then compared with the control ([`compare`](crate::cis::compare)) for the
//! official verdict. For a control without a passing filter, the closest
//! filter is looked for among at most [`NEAR_MISS_LIMIT`] filters of the log
//! group, and reported only if it is close by `check`'s measure
//! ([`closeness`](crate::cis::closeness) reaches
//! [`CLOSE_SCORE`](crate::cis::CLOSE_SCORE)); otherwise the finding lists the
//! filters' names.
//!
//! - [`index`]: the snapshot indexed once for the walk ([`Index::build`]).
//! - [`walk`]: a control's walk over every trail, and the first links
//!   (trail, log group, metric filter).
//! - [`follow`]: the last links (alarm, actions, topic, subscription).
//! - [`attempt`]: one attempted chain, and the finding it becomes.

mod attempt;
mod follow;
mod index;
mod walk;

#[cfg(test)]
mod tests;

use crate::audit::finding::ResourceType;
use crate::audit::registry::{CHAIN_REASONS, CheckDef, How};
use crate::cis::names;

pub use index::Index;

/// A metric-filter control's row: the chain with the pattern of `$pattern`
/// (by default its own).
macro_rules! chain {
    ($name:ident) => {
        chain!($name, $name);
    };
    ($name:ident, $pattern:ident) => {
        #[doc = concat!("The row of the metric-filter control `", stringify!($name), "`.")]
        pub static $name: CheckDef = CheckDef {
            name: names::$name,
            how: How::Chain(names::$pattern),
            resource_type: ResourceType::Account,
            reasons: CHAIN_REASONS,
        };
    };
}

chain!(IAM_AVOID_ROOT_USAGE, FILTER_ROOT_USAGE);
chain!(FILTER_UNAUTHORIZED_API_CALLS);
chain!(FILTER_CONSOLE_WITHOUT_MFA);
chain!(FILTER_ROOT_USAGE);
chain!(FILTER_IAM_POLICY_CHANGES);
chain!(FILTER_CLOUDTRAIL_CHANGES);
chain!(FILTER_CONSOLE_AUTH_FAILURES);
chain!(FILTER_CMK_DISABLED_OR_DELETED);
chain!(FILTER_S3_BUCKET_POLICY_CHANGES);
chain!(FILTER_CONFIG_CHANGES);
chain!(FILTER_SECURITY_GROUP_CHANGES);
chain!(FILTER_NACL_CHANGES);
chain!(FILTER_NETWORK_GATEWAY_CHANGES);
chain!(FILTER_ROUTE_TABLE_CHANGES);
chain!(FILTER_VPC_CHANGES);

/// The benchmark rows a filter's normal form is canonical for (usually none).
type Rows = Vec<&'static str>;

/// How many filters of one log group are compared to find a near miss.
pub const NEAR_MISS_LIMIT: usize = 500;

/// Reason codes (Security Hub's, plus our own for chains leaving the snapshot).
pub mod codes {
    /// No trail is multi-region, logging all management events, with a log group.
    pub const TRAIL: &str = crate::audit::reason::CLOUDTRAIL_MULTI_REGION_NOT_PRESENT;
    /// The trail's log group has no metric filter.
    pub const FILTERS: &str = crate::audit::reason::CLOUDTRAIL_METRIC_FILTERS_NOT_PRESENT;
    /// No metric filter has a pattern that passes.
    pub const FILTER: &str = crate::audit::reason::CLOUDTRAIL_METRIC_FILTER_NOT_VALID;
    /// No alarm watches the filter's metric.
    pub const ALARMS: &str = crate::audit::reason::CLOUDWATCH_ALARMS_NOT_PRESENT;
    /// The alarm has actions disabled or no SNS action.
    pub const ACTIONS: &str = crate::audit::reason::CLOUDWATCH_ALARM_ACTIONS_NOT_VALID;
    /// The alarm's topic does not exist.
    pub const TOPIC: &str = crate::audit::reason::SNS_TOPIC_INVALID;
    /// The topic has no confirmed subscription.
    pub const SUBSCRIPTION: &str = crate::audit::reason::SNS_SUBSCRIPTION_NOT_PRESENT;
    /// The topic belongs to another account (WARNING).
    pub const CROSS_ACCOUNT: &str = crate::audit::reason::SNS_TOPIC_CROSS_ACCOUNT;
    /// The topic belongs to another account and region (WARNING).
    pub const CROSS_ACCOUNT_REGION: &str =
        crate::audit::reason::SNS_TOPIC_CROSS_ACCOUNT_CROSS_REGION;
    /// The trail or its log group belongs to another account (WARNING).
    pub const TRAIL_OTHER_ACCOUNT: &str = crate::audit::reason::CLOUDTRAIL_OTHER_ACCOUNT;
    /// The trail's log group is in a region the snapshot does not cover (WARNING).
    pub const TRAIL_OTHER_REGION: &str = crate::audit::reason::CLOUDTRAIL_OTHER_REGION;
    /// The complete chain.
    pub const COMPLETE: &str = crate::audit::reason::CHAIN_COMPLETE;
    /// The only passing filter reads transformed events (WARNING).
    pub const TRANSFORMED: &str = crate::audit::reason::METRIC_FILTER_ON_TRANSFORMED_LOGS;
    /// The benchmark has no pattern for the control.
    pub const NO_PATTERN: &str = crate::audit::reason::BENCHMARK_HAS_NO_PATTERN;
}
