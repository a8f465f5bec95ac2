//! The IAM credential report: its rows and cells (text: `true`, `false`,
//! `N/A`, `no_information`, `not_supported`, or an ISO 8601 date).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::audit::common::account_finding;
use crate::audit::finding::{Finding, ResourceType, Status};
use crate::audit::reason;
use crate::snapshot::{CredentialReport, Snapshot, Timestamp};

/// The root user's row in the credential report.
pub const ROOT_ROW: &str = "<root_account>";

pub(super) type Row = BTreeMap<String, String>;

/// The credential report, or the NOT_AVAILABLE finding saying why not.
pub(super) fn report(s: &Snapshot) -> Result<&CredentialReport, Vec<Finding>> {
    s.iam.credential_report.get().map_err(|e| {
        vec![Finding::unreadable(
            ResourceType::Account,
            crate::audit::common::account_resource(s),
            None,
            "the IAM credential report",
            e,
        )]
    })
}

pub(super) fn cell<'a>(row: &'a Row, col: &str) -> Option<&'a str> {
    row.get(col).map(String::as_str)
}

pub(super) fn is_true(row: &Row, col: &str) -> bool {
    cell(row, col) == Some("true")
}

/// A date cell, or `None` for `N/A`, `no_information`, `not_supported`.
pub(super) fn date(row: &Row, col: &str) -> Option<Timestamp> {
    cell(row, col).and_then(|v| Timestamp::parse(v).ok())
}

pub(super) fn user_arn(row: &Row) -> String {
    cell(row, "arn")
        .or_else(|| cell(row, "user"))
        .unwrap_or("unknown user")
        .to_owned()
}

/// The user rows (not root) of the report; a row without the needed columns
/// yields a NOT_AVAILABLE finding instead, and so does a report without the
/// root row (IAM always lists it: without it the report is incomplete).
pub(super) fn user_rows<'a>(
    s: &Snapshot,
    report: &'a CredentialReport,
    needed: &[&str],
    out: &mut Vec<Finding>,
) -> Vec<&'a Row> {
    let mut rows = Vec::new();
    if !report
        .rows
        .iter()
        .any(|r| cell(r, "user") == Some(ROOT_ROW))
    {
        out.push(
            Finding::new(
                Status::NotAvailable,
                ResourceType::Account,
                crate::audit::common::account_resource(s),
                None,
                reason::CREDENTIAL_REPORT_INCOMPLETE,
                format!(
                    "the credential report has no `{ROOT_ROW}` row, which IAM always lists, so it is incomplete"
                ),
            )
            .with("rows", report.rows.len()),
        );
    }
    for row in &report.rows {
        if cell(row, "user") == Some(ROOT_ROW) {
            continue;
        }
        let missing: Vec<&str> = needed
            .iter()
            .copied()
            .filter(|c| !row.contains_key(*c))
            .collect();
        if missing.is_empty() {
            rows.push(row);
        } else {
            out.push(
                Finding::new(
                    Status::NotAvailable,
                    ResourceType::IamUser,
                    user_arn(row),
                    None,
                    reason::CREDENTIAL_REPORT_INCOMPLETE,
                    format!(
                        "the credential report row lacks the column(s) {}",
                        missing.join(", ")
                    ),
                )
                .with("missing_columns", missing),
            );
        }
    }
    rows
}

pub(super) fn no_users(s: &Snapshot, out: &mut Vec<Finding>, what: &str) {
    if out.is_empty() {
        out.push(account_finding(
            s,
            None,
            Status::Passed,
            reason::NO_IAM_USERS,
            format!("the credential report lists no IAM user {what}"),
        ));
    }
}

pub(super) fn true_false(row: &Row, col: &str) -> Value {
    cell(row, col).map_or(Value::Null, |v| Value::String(v.to_owned()))
}
