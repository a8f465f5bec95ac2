//! Helpers the checks share: resource names, ARN parts, ages.

use serde_json::Value;

use super::finding::{DATA_NOT_AVAILABLE, Finding, ResourceType, Status};
use super::snapshot::{Collected, Snapshot, Timestamp};

/// Security Hub's resource id of an account: `AWS::::Account:123456789012`.
pub fn account_resource(s: &Snapshot) -> String {
    format!("AWS::::Account:{}", s.account_id)
}

/// The data of a per-region item, or `None` after adding the NOT_AVAILABLE
/// account finding that names `what` and the recorded error.
pub fn readable<'a, T>(
    s: &Snapshot,
    region: &str,
    item: &'a Collected<T>,
    what: &str,
    out: &mut Vec<Finding>,
) -> Option<&'a T> {
    match item.get() {
        Ok(v) => Some(v),
        Err(e) => {
            out.push(Finding::unreadable(
                ResourceType::Account,
                account_resource(s),
                Some(region),
                what,
                e,
            ));
            None
        }
    }
}

/// For a check over the regions: the NOT_AVAILABLE finding when the
/// snapshot covers no region at all. Nothing was read, so an empty result
/// would be a gap, not the fact "no resource".
pub fn no_regions(s: &Snapshot) -> Option<Finding> {
    s.regions.is_empty().then(|| {
        account_finding(
            s,
            None,
            Status::NotAvailable,
            DATA_NOT_AVAILABLE,
            "the snapshot covers no region, so nothing regional was read",
        )
    })
}

/// An account-level finding (optionally for one region).
pub fn account_finding(
    s: &Snapshot,
    region: Option<&str>,
    status: Status,
    code: &'static str,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Finding {
    Finding::new(
        status,
        ResourceType::Account,
        account_resource(s),
        region,
        code,
        reason,
    )
}

/// The ARN of an EC2 resource (`vpc/vpc-…`, `security-group/sg-…`).
pub fn ec2_arn(s: &Snapshot, region: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{}:{kind}/{id}",
        s.partition, s.account_id
    )
}

/// The parts of an ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'a str,
    /// `logs`, `sns`, …
    pub service: &'a str,
    /// The region (empty for global services).
    pub region: &'a str,
    /// The account (empty for S3).
    pub account: &'a str,
    /// Everything after the account.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Split an ARN; `None` when it is not one.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut it = text.splitn(6, ':');
        if it.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: it.next()?,
            service: it.next()?,
            region: it.next()?,
            account: it.next()?,
            resource: it.next()?,
        })
    }

    /// The account of an ARN, if it parses.
    pub fn account_of(text: &str) -> Option<&str> {
        Arn::parse(text).map(|a| a.account)
    }
}

/// A log group named by a trail: region, account and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogGroupRef<'a> {
    /// The region of the log group.
    pub region: &'a str,
    /// The account owning it.
    pub account: &'a str,
    /// The log group name.
    pub name: &'a str,
}

impl<'a> LogGroupRef<'a> {
    /// Parse `arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`.
    pub fn parse(arn: &'a str) -> Option<LogGroupRef<'a>> {
        let a = Arn::parse(arn)?;
        if a.service != "logs" {
            return None;
        }
        let name = a.resource.strip_prefix("log-group:")?;
        let name = name.strip_suffix(":*").unwrap_or(name);
        (!name.is_empty()).then_some(LogGroupRef {
            region: a.region,
            account: a.account,
            name,
        })
    }
}

/// A JSON value that may be one item or a list of them, as a list.
pub fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    }
}

/// The statements of an IAM or S3 policy document, which may arrive as JSON
/// or as its text. `Err` says why it is not a policy document.
pub fn policy_statements(doc: &Value) -> Result<Vec<Value>, String> {
    let parsed;
    let doc = match doc {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text)
                .map_err(|e| format!("the policy document is not JSON: {e}"))?;
            &parsed
        }
        d => d,
    };
    match doc.get("Statement") {
        Some(st) => Ok(one_or_many(Some(st)).into_iter().cloned().collect()),
        None => Err("the policy document has no Statement".to_owned()),
    }
}

/// Seconds in 90 days.
pub const NINETY_DAYS: i64 = 90 * 86_400;

/// Whole days from `then` to the snapshot's time.
pub fn age_days(s: &Snapshot, then: &Timestamp) -> i64 {
    then.days_until(&s.taken_at)
}

/// Whether `then` is more than 90 days before the snapshot's time.
pub fn older_than_90_days(s: &Snapshot, then: &Timestamp) -> bool {
    then.seconds_until(&s.taken_at) > NINETY_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        let a = Arn::parse("arn:aws:sns:us-east-1:123456789012:topic:with:colons").unwrap();
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.resource, "topic:with:colons");
        assert!(Arn::parse("PendingConfirmation").is_none());
        assert!(Arn::parse("arn:aws:sns").is_none());
        let lg = LogGroupRef::parse("arn:aws:logs:eu-west-1:123456789012:log-group:a/b:*").unwrap();
        assert_eq!(
            (lg.region, lg.account, lg.name),
            ("eu-west-1", "123456789012", "a/b")
        );
        let lg = LogGroupRef::parse("arn:aws:logs:eu-west-1:123456789012:log-group:x").unwrap();
        assert_eq!(lg.name, "x");
        assert!(LogGroupRef::parse("arn:aws:logs:eu-west-1:123456789012:log-group::*").is_none());
        assert!(LogGroupRef::parse("arn:aws:s3:::bucket").is_none());
    }
}
