//! The organization JSON report (`docs/report.md`, "Organizations"),
//! written account by account:
//!
//! ```json
//! {"schema":1,"kind":"organization","organization_id":"o-…","management_account_id":"…",
//!  "benchmark":"cis-1.2","match":"normalized","procedure":"securityhub",
//!  "accounts":[{"id":"…","name":"…","status":"AUDITED","note":null,
//!               "counts":{"PASSED":n,…},"report":{…the single-account report…}}],
//!  "summary":{"accounts":n,"accounts_by_status":{"AUDITED":n,…},"accounts_failed":n,
//!             "controls":{"PASSED":n,"FAILED":n,"WARNING":n,"NOT_AVAILABLE":n}},
//!  "controls":[{"id":"3.1","title":"…","counts":{"PASSED":n,…}}]}
//! ```

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::organization::{AccountResult, AccountStatus, OrgAudit, StatusCounts};

/// The organization report's format version.
pub const ORGANIZATION_REPORT_SCHEMA: u32 = 1;

/// Counts per status, every status present.
#[derive(Serialize, Default, Clone, Copy)]
struct Counts {
    #[serde(rename = "PASSED")]
    passed: usize,
    #[serde(rename = "FAILED")]
    failed: usize,
    #[serde(rename = "WARNING")]
    warning: usize,
    #[serde(rename = "NOT_AVAILABLE")]
    not_available: usize,
}

impl From<StatusCounts> for Counts {
    fn from(c: StatusCounts) -> Self {
        Counts {
            passed: c.passed,
            failed: c.failed,
            warning: c.warning,
            not_available: c.not_available,
        }
    }
}

#[derive(Serialize)]
struct ControlCounts {
    id: &'static str,
    title: &'static str,
    counts: Counts,
}

/// Pretty JSON of `v` with every line after the first indented by `n`.
fn pretty(v: &Value, n: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".to_owned());
    text.replace('\n', &format!("\n{}", " ".repeat(n)))
}

/// The report up to the opening of `accounts`.
pub fn head(o: &OrgAudit) -> String {
    let v = |x: Value| pretty(&x, 2);
    format!(
        "{{\n  \"schema\": {},\n  \"kind\": \"organization\",\n  \"organization_id\": {},\n  \"management_account_id\": {},\n  \"benchmark\": {},\n  \"match\": {},\n  \"procedure\": {},\n  \"accounts\": [",
        ORGANIZATION_REPORT_SCHEMA,
        v(json!(o.organization_id)),
        v(json!(o.management_account_id)),
        v(json!(o.benchmark)),
        v(json!(o.mode.as_str())),
        v(json!(o.procedure.as_str())),
    )
}

/// One element of `accounts`: the account and its whole report.
pub fn account(a: &AccountResult) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "status": a.status.as_str(),
        "note": a.note,
        "counts": a.audit.as_ref().map(|x| Counts::from(StatusCounts::of(x))),
        "report": a.audit.as_ref().map(crate::report::audit::json::value),
    })
}

/// The end of the report after `items` accounts: the summary and the
/// counts per control, from the run's tally.
pub fn tail(o: &OrgAudit, items: usize) -> String {
    let t = &o.tally;
    let by_status: BTreeMap<&str, usize> = AccountStatus::ALL
        .iter()
        .zip(t.by_status)
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (s.as_str(), n))
        .collect();
    let controls: Vec<ControlCounts> = t
        .controls
        .iter()
        .map(|(c, counts)| ControlCounts {
            id: c.id,
            title: c.title,
            counts: Counts::from(*counts),
        })
        .collect();
    let summary = json!({
        "accounts": t.accounts,
        "accounts_by_status": by_status,
        "accounts_failed": t.accounts_failed,
        "controls": Counts::from(t.total()),
    });
    let controls = serde_json::to_value(controls).unwrap_or(Value::Null);
    let close = if items == 0 { "]" } else { "\n  ]" };
    format!(
        "{close},\n  \"summary\": {},\n  \"controls\": {}\n}}\n",
        pretty(&summary, 2),
        pretty(&controls, 2)
    )
}
