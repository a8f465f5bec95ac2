//! Findings: what a check concluded about one resource, and how a control's
//! status rolls up from its findings.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::cis::Control;
use crate::snapshot::CollectionError;

/// The status of a finding or a control, as Security Hub names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// The resource complies.
    Passed,
    /// What the check needs was found elsewhere (another account or region)
    /// and could not be followed; look at it by hand.
    Warning,
    /// The check could not be evaluated: the data it needs could not be read,
    /// or the control is manual.
    NotAvailable,
    /// The resource does not comply.
    Failed,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 4] = [
        Status::Passed,
        Status::Failed,
        Status::Warning,
        Status::NotAvailable,
    ];

    /// `PASSED`, `FAILED`, `WARNING` or `NOT_AVAILABLE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "PASSED",
            Status::Failed => "FAILED",
            Status::Warning => "WARNING",
            Status::NotAvailable => "NOT_AVAILABLE",
        }
    }

    /// The control status from its findings: FAILED if any failed, else
    /// NOT_AVAILABLE if any could not be evaluated, else WARNING if any
    /// warned, else PASSED. No finding at all is NOT_AVAILABLE: a control is
    /// never PASSED on no evidence.
    pub fn roll_up<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Status {
        // The derived order is Passed < Warning < NotAvailable < Failed.
        statuses
            .into_iter()
            .copied()
            .max()
            .unwrap_or(Status::NotAvailable)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of AWS resource a finding is about (Security Hub's resource
/// type names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ResourceType {
    /// The account, or one region of it.
    #[serde(rename = "AwsAccount")]
    Account,
    /// An IAM user.
    #[serde(rename = "AwsIamUser")]
    IamUser,
    /// An IAM managed policy.
    #[serde(rename = "AwsIamPolicy")]
    IamPolicy,
    /// A CloudTrail trail.
    #[serde(rename = "AwsCloudTrailTrail")]
    Trail,
    /// An S3 bucket.
    #[serde(rename = "AwsS3Bucket")]
    S3Bucket,
    /// A KMS key.
    #[serde(rename = "AwsKmsKey")]
    KmsKey,
    /// A VPC.
    #[serde(rename = "AwsEc2Vpc")]
    Vpc,
    /// A security group.
    #[serde(rename = "AwsEc2SecurityGroup")]
    SecurityGroup,
}

impl ResourceType {
    /// Security Hub's name for the type (`AwsIamUser`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Account => "AwsAccount",
            ResourceType::IamUser => "AwsIamUser",
            ResourceType::IamPolicy => "AwsIamPolicy",
            ResourceType::Trail => "AwsCloudTrailTrail",
            ResourceType::S3Bucket => "AwsS3Bucket",
            ResourceType::KmsKey => "AwsKmsKey",
            ResourceType::Vpc => "AwsEc2Vpc",
            ResourceType::SecurityGroup => "AwsEc2SecurityGroup",
        }
    }
}

/// Reason codes of unreadable data and of manual controls (see [`super::reason`]).
pub use super::reason::{DATA_NOT_AVAILABLE, MANUAL_CONTROL};

/// What a check concluded about one resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The verdict.
    pub status: Status,
    /// The resource: an ARN where there is one, else an id.
    pub resource: String,
    /// The kind of resource (used by ASFF; not part of the JSON report).
    #[serde(skip)]
    pub resource_type: ResourceType,
    /// The region, or `None` for global resources (IAM, the account).
    pub region: Option<String>,
    /// A stable upper-case code (Security Hub's where it has one).
    pub reason_code: &'static str,
    /// One sentence for people.
    pub reason: Cow<'static, str>,
    /// The facts the verdict rests on (a JSON object).
    pub evidence: Value,
}

impl Finding {
    /// A finding with empty evidence.
    pub fn new(
        status: Status,
        resource_type: ResourceType,
        resource: impl Into<String>,
        region: Option<&str>,
        reason_code: &'static str,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        Finding {
            status,
            resource: resource.into(),
            resource_type,
            region: region.map(str::to_owned),
            reason_code,
            reason: reason.into(),
            evidence: Value::Object(Map::new()),
        }
    }

    /// A NOT_AVAILABLE finding for data that could not be read.
    pub fn unreadable(
        resource_type: ResourceType,
        resource: impl Into<String>,
        region: Option<&str>,
        what: &str,
        error: &CollectionError,
    ) -> Self {
        Finding::new(
            Status::NotAvailable,
            resource_type,
            resource,
            region,
            DATA_NOT_AVAILABLE,
            format!("{what} could not be read: {error}"),
        )
        .with("error", error_json(error))
    }

    /// Add one evidence field.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        if let Value::Object(m) = &mut self.evidence {
            m.insert(key.to_owned(), value.into());
        }
        self
    }
}

/// A collection error as evidence.
pub fn error_json(e: &CollectionError) -> Value {
    serde_json::to_value(e).unwrap_or(Value::Null)
}

/// The outcome of one control.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlResult {
    /// The control.
    pub control: &'static Control,
    /// Rolled up from the findings ([`Status::roll_up`]).
    pub status: Status,
    /// One or more findings.
    pub findings: Vec<Finding>,
}

impl ControlResult {
    /// A result whose status rolls up from `findings`.
    pub fn new(control: &'static Control, findings: Vec<Finding>) -> Self {
        let status = Status::roll_up(findings.iter().map(|f| &f.status));
        ControlResult {
            control,
            status,
            findings,
        }
    }

    /// The one-line reason for a table: that of the first finding with the
    /// control's status.
    pub fn reason(&self) -> &str {
        self.findings
            .iter()
            .find(|f| f.status == self.status)
            .map_or("no finding", |f| f.reason.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roll_up_order() {
        use Status::*;
        assert_eq!(Status::roll_up(&[]), NotAvailable);
        assert_eq!(Status::roll_up(&[Passed, Passed]), Passed);
        assert_eq!(Status::roll_up(&[Passed, Warning]), Warning);
        assert_eq!(
            Status::roll_up(&[Warning, NotAvailable, Passed]),
            NotAvailable
        );
        assert_eq!(Status::roll_up(&[NotAvailable, Failed, Warning]), Failed);
    }

    #[test]
    fn serialises_statuses_and_skips_type() {
        let f = Finding::new(
            Status::NotAvailable,
            ResourceType::IamUser,
            "arn:aws:iam::123456789012:user/a",
            None,
            "X",
            "r",
        )
        .with("k", 1);
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["status"], "NOT_AVAILABLE");
        assert_eq!(v["region"], Value::Null);
        assert_eq!(v["evidence"]["k"], 1);
        assert!(v.get("resource_type").is_none());
        assert_eq!(ResourceType::IamUser.as_str(), "AwsIamUser");
    }
}
