//! `verify --format html` for an organization: a header (organization,
//! benchmark, match mode, procedure, tool), a heatmap of accounts (rows) ×
//! controls (columns), then a section per account with its controls.

use maud::{Markup, PreEscaped, html};

use super::{Page, mark, status_mark};
use crate::audit::Status;
use crate::audit::organization::{AccountResult, OrgAudit};
use crate::cis::Control;

fn letter(s: Status) -> &'static str {
    match s {
        Status::Passed => "P",
        Status::Failed => "F",
        Status::Warning => "W",
        Status::NotAvailable => "-",
    }
}

fn columns(o: &OrgAudit) -> Vec<&'static Control> {
    o.audits()
        .next()
        .map(|a| a.controls.iter().map(|c| c.control).collect())
        .unwrap_or_default()
}

fn heatmap(o: &OrgAudit) -> Markup {
    let cols = columns(o);
    html! {
        div.scroll {
            table.small.heatmap {
                thead {
                    tr {
                        th { "Account" }
                        @for c in &cols { th title=(c.title) { (c.id) } }
                    }
                }
                tbody {
                    @for a in &o.accounts {
                        tr data-status=(a.status.as_str()) {
                            th { a href={ "#account-" (a.id) } { (a.id) } " " (a.name) }
                            @match &a.audit {
                                Some(audit) => {
                                    @for r in &audit.controls {
                                        td data-status=(r.status.as_str()) title={ (r.control.id) " " (r.status.as_str()) ": " (r.reason()) } {
                                            (mark(r.status.as_str(), letter(r.status)))
                                        }
                                    }
                                }
                                None => {
                                    td colspan=(cols.len()) { (a.status.as_str()) ": " (a.note.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.small { "P PASSED, F FAILED, W WARNING, - NOT_AVAILABLE (or manual)." }
    }
}

/// The section of one account.
pub fn account(a: &AccountResult) -> Markup {
    html! {
        h3 id={ "account-" (a.id) } { "Account " (a.id) " " (a.name) " — " (a.status.as_str()) }
        @if let Some(note) = &a.note { p { (note) } }
        @if let Some(audit) = &a.audit {
            table.small {
                thead { tr { th { "Control" } th { "Status" } th { "Reason" } } }
                tbody {
                    @for c in &audit.controls {
                        tr data-status=(c.status.as_str()) {
                            td { (c.control.id) " " (c.control.title) }
                            td { (status_mark(c.status)) }
                            td {
                                @for f in c.findings.iter().filter(|f| f.status == c.status) {
                                    div { code { (f.reason_code) } " " (f.reason) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The HTML report of an organization audit: the heatmap from the run,
/// then `accounts`, the accounts' sections ([`account`]) as written.
pub fn render(o: &OrgAudit, accounts: &str) -> String {
    let title = match &o.organization_id {
        Some(id) => format!("CIS AWS Foundations audit of organization {id}"),
        None => format!("CIS AWS Foundations audit of {} accounts", o.accounts.len()),
    };
    let mut page = Page::new(title);
    if let Some(id) = &o.organization_id {
        page.fact("Organization", id.clone());
    }
    if let Some(m) = &o.management_account_id {
        page.fact("Management account", m.clone());
    }
    page.fact("Accounts", o.accounts.len().to_string());
    page.fact(
        "Accounts with a FAILED control",
        o.accounts
            .iter()
            .filter(|a| a.any_failed())
            .count()
            .to_string(),
    );
    page.fact("Benchmark", o.benchmark);
    page.fact("Match mode", o.mode.as_str());
    page.fact("Procedure", o.procedure.as_str());
    page.fact("Tool", concat!("cis-filters ", env!("CARGO_PKG_VERSION")));
    page.section("heatmap", "Accounts × controls", heatmap(o));
    page.section("accounts", "Accounts", html! { (PreEscaped(accounts)) });
    page.render()
}
