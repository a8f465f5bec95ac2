//! `verify --format html` for an organization: a header (organization,
//! benchmark, match mode, procedure, tool), a heatmap of accounts (rows) ×
//! controls (columns), then a section per account with its controls.
//!
//! Each account's heatmap row ([`row`]) and section ([`account`]) are made
//! as the account is audited, kept in temporary files, and written into
//! the page by [`write()`].

use std::io::{self, Write};

use maud::{Markup, PreEscaped, html};

use super::{Page, mark, status_mark};
use crate::audit::Status;
use crate::audit::organization::{AccountResult, OrgAudit};
use crate::cis::Control;
use crate::report::organization::spill::Records;

fn letter(s: Status) -> &'static str {
    match s {
        Status::Passed => "P",
        Status::Failed => "F",
        Status::Warning => "W",
        Status::NotAvailable => "-",
    }
}

/// Where the column count goes in the row of an account without an audit:
/// `<>` is never in escaped text.
const COLSPAN: &str = "<>";
/// Where the heatmap's rows and the accounts' sections go in the page.
const ROWS: &str = "<>rows<>";
const SECTIONS: &str = "<>sections<>";

/// An account's row of the heatmap: the whole row, or for an account
/// without an audit the row before and after its `colspan` (the number of
/// columns, known once some account has an audit).
pub fn row(a: &AccountResult) -> (String, Option<String>) {
    let markup = html! {
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
                    td colspan=(PreEscaped(COLSPAN)) { (a.status.as_str()) ": " (a.note.as_deref().unwrap_or("")) }
                }
            }
        }
    }
    .into_string();
    match (&a.audit, markup.split_once(COLSPAN)) {
        (None, Some((before, after))) => (before.to_owned(), Some(after.to_owned())),
        _ => (markup, None),
    }
}

fn heatmap(cols: &[&'static Control]) -> Markup {
    html! {
        div.scroll {
            table.small.heatmap {
                thead {
                    tr {
                        th { "Account" }
                        @for c in cols { th title=(c.title) { (c.id) } }
                    }
                }
                tbody { (PreEscaped(ROWS)) }
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

/// Write the HTML report of an organization audit: the heatmap of `cols`
/// with the `rows` of the accounts (tag 0: a whole row; tag 1: the row
/// around its column count, from [`row`]), then the accounts' `sections`
/// ([`account`]).
pub fn write(
    o: &OrgAudit,
    cols: &[&'static Control],
    rows: Records,
    sections: Records,
    w: &mut impl Write,
) -> io::Result<()> {
    let title = match &o.organization_id {
        Some(id) => format!("CIS AWS Foundations audit of organization {id}"),
        None => format!("CIS AWS Foundations audit of {} accounts", o.tally.accounts),
    };
    let mut page = Page::new(title);
    if let Some(id) = &o.organization_id {
        page.fact("Organization", id.clone());
    }
    if let Some(m) = &o.management_account_id {
        page.fact("Management account", m.clone());
    }
    page.fact("Accounts", o.tally.accounts.to_string());
    page.fact(
        "Accounts with a FAILED control",
        o.tally.accounts_failed.to_string(),
    );
    page.fact("Benchmark", o.benchmark);
    page.fact("Match mode", o.mode.as_str());
    page.fact("Procedure", o.procedure.as_str());
    page.fact("Tool", concat!("cis-filters ", env!("CARGO_PKG_VERSION")));
    page.section("heatmap", "Accounts × controls", heatmap(cols));
    page.section("accounts", "Accounts", html! { (PreEscaped(SECTIONS)) });
    let page = page.render();
    let (start, rest) = page.split_once(ROWS).unwrap_or((&page, ""));
    let (middle, end) = rest.split_once(SECTIONS).unwrap_or((rest, ""));
    w.write_all(start.as_bytes())?;
    for r in rows {
        let r = r?;
        w.write_all(r.a.as_bytes())?;
        if r.tag == 1 {
            write!(w, "{}", cols.len())?;
            w.write_all(r.b.as_bytes())?;
        }
    }
    w.write_all(middle.as_bytes())?;
    for r in sections {
        w.write_all(r?.a.as_bytes())?;
    }
    w.write_all(end.as_bytes())
}
