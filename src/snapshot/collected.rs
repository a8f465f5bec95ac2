//! Data or a recorded error: every collected item of a snapshot.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One collected item: the data, or the error that prevented reading it.
///
/// JSON: `{"ok": <data>}` or `{"error": {"service": …, "operation": …,
/// "region": …, "code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[schemars(rename = "Collected_{T}")]
pub enum Collected<T> {
    /// The data as read.
    Ok(T),
    /// Reading failed; the checks that need this item report NOT_AVAILABLE.
    Error(CollectionError),
}

impl<T> Collected<T> {
    /// The data, or the recorded error.
    pub fn get(&self) -> Result<&T, &CollectionError> {
        match self {
            Collected::Ok(v) => Ok(v),
            Collected::Error(e) => Err(e),
        }
    }

    /// The data, if it was read.
    pub fn ok(&self) -> Option<&T> {
        self.get().ok()
    }

    /// The recorded error, if reading failed.
    pub fn error(&self) -> Option<&CollectionError> {
        self.get().err()
    }
}

impl<T> From<Result<T, CollectionError>> for Collected<T> {
    fn from(r: Result<T, CollectionError>) -> Self {
        match r {
            Ok(v) => Collected::Ok(v),
            Err(e) => Collected::Error(e),
        }
    }
}

/// Why an item could not be collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionError {
    /// The AWS service, as in its endpoint prefix: `cloudtrail`, `iam`, `s3`, …
    pub service: String,
    /// The API operation, e.g. `DescribeTrails`.
    pub operation: String,
    /// The region the call went to; absent for global calls (IAM, S3 Control).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The AWS error code (`AccessDeniedException`, `ThrottlingException`, …),
    /// or a code of the collector's own such as `Timeout` or `NetworkError`.
    pub code: String,
    /// The error message.
    pub message: String,
}

impl fmt::Display for CollectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Some(r) = &self.region {
            write!(f, " in {r}")?;
        }
        write!(f, " failed: {}: {}", self.code, self.message)
    }
}
