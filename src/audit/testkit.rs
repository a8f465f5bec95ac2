//! Test fixtures: the example snapshots, and small helpers to look at findings.

use super::finding::{Finding, Status};
use crate::snapshot::{CollectionError, Snapshot};

/// `examples/snapshots/compliant.json`: every automated control passes.
pub fn compliant() -> Snapshot {
    Snapshot::from_json(include_str!("../../examples/snapshots/compliant.json")).unwrap()
}

/// `examples/snapshots/noncompliant.json`.
pub fn noncompliant() -> Snapshot {
    Snapshot::from_json(include_str!("../../examples/snapshots/noncompliant.json")).unwrap()
}

/// `examples/snapshots/mixed.json`.
pub fn mixed() -> Snapshot {
    Snapshot::from_json(include_str!("../../examples/snapshots/mixed.json")).unwrap()
}

/// An AccessDenied error.
pub fn denied(service: &str, operation: &str) -> CollectionError {
    CollectionError {
        service: service.into(),
        operation: operation.into(),
        region: None,
        code: "AccessDenied".into(),
        message: "denied by test".into(),
    }
}

/// The rolled-up status of findings.
pub fn status(findings: &[Finding]) -> Status {
    Status::roll_up(findings.iter().map(|f| &f.status))
}

/// The findings with this status.
pub fn with_status(findings: &[Finding], st: Status) -> Vec<&Finding> {
    findings.iter().filter(|f| f.status == st).collect()
}

/// The single finding about a resource whose id ends with `suffix`.
pub fn about<'a>(findings: &'a [Finding], suffix: &str) -> &'a Finding {
    let hits: Vec<_> = findings
        .iter()
        .filter(|f| f.resource.ends_with(suffix))
        .collect();
    assert_eq!(hits.len(), 1, "findings about {suffix}: {findings:#?}");
    hits[0]
}
