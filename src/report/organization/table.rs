//! The organization table for people: a matrix of accounts (rows) and
//! controls (columns) with one-letter statuses, headers written vertically
//! so that the 49 columns fit a terminal, a legend, then the findings that
//! FAILED, account by account.

use std::fmt::Write;

use crate::audit::Status;
use crate::audit::organization::{AccountResult, OrgAudit};
use crate::cis::Control;
use crate::report::escape;

const RESET: &str = "\x1b[0m";

/// The status letter and its colour.
fn letter(s: Status) -> (char, &'static str) {
    match s {
        Status::Passed => ('P', "\x1b[32m"),
        Status::Failed => ('F', "\x1b[1;31m"),
        Status::Warning => ('W', "\x1b[33m"),
        Status::NotAvailable => ('-', "\x1b[2m"),
    }
}

/// The legend line.
pub const LEGEND: &str = "P PASSED  F FAILED  W WARNING  - NOT_AVAILABLE (or manual)";

/// The controls of the matrix: those of the first audit (every audit of a
/// run has the same).
fn columns(o: &OrgAudit) -> Vec<&'static Control> {
    o.audits()
        .next()
        .map(|a| a.controls.iter().map(|c| c.control).collect())
        .unwrap_or_default()
}

/// The header: each control id written top to bottom, a blank line
/// between sections.
fn header(cols: &[&'static Control], lead: usize, out: &mut String) {
    let height = cols.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for row in 0..height {
        let mut line = " ".repeat(lead);
        let mut last = None;
        for c in cols {
            if last.is_some_and(|s| s != c.section) {
                line.push(' ');
            }
            last = Some(c.section);
            line.push(c.id.chars().nth(row).unwrap_or(' '));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

fn row(a: &AccountResult, cols: &[&'static Control], id_w: usize, colour: bool) -> String {
    let mut line = format!("{:<id_w$}  ", escape::line(&a.id));
    let Some(audit) = &a.audit else {
        let _ = write!(
            line,
            "{} ({})",
            a.status.as_str(),
            escape::line(a.note.as_deref().unwrap_or(""))
        );
        return line;
    };
    let mut last = None;
    for c in cols {
        if last.is_some_and(|s| s != c.section) {
            line.push(' ');
        }
        last = Some(c.section);
        let st = audit
            .controls
            .iter()
            .find(|r| r.control.id == c.id)
            .map(|r| r.status);
        match st.map(letter) {
            Some((ch, paint)) if colour => {
                let _ = write!(line, "{paint}{ch}{RESET}");
            }
            Some((ch, _)) => line.push(ch),
            None => line.push(' '),
        }
    }
    let failed = audit.count(Status::Failed);
    let _ = write!(line, "  {failed:>2} failed");
    if !a.name.is_empty() {
        let _ = write!(line, "  {}", escape::line(&a.name));
    }
    line
}

/// Render the matrix, the legend and the failing findings.
pub fn render(o: &OrgAudit, colour: bool) -> String {
    let mut out = String::new();
    let what = match &o.organization_id {
        Some(id) => format!("organization {}", escape::line(id)),
        None => "accounts".to_owned(),
    };
    let _ = writeln!(
        out,
        "CIS audit of {what} ({} accounts), benchmark {}, match {}",
        o.accounts.len(),
        o.benchmark,
        o.mode
    );
    out.push('\n');
    let cols = columns(o);
    let id_w = o
        .accounts
        .iter()
        .map(|a| a.id.len())
        .max()
        .unwrap_or(7)
        .max(7);
    header(&cols, id_w + 2, &mut out);
    for a in &o.accounts {
        let _ = writeln!(out, "{}", row(a, &cols, id_w, colour));
    }
    let _ = writeln!(out, "\n{LEGEND}");
    failing(o, &mut out);
    let failed = o.accounts.iter().filter(|a| a.any_failed()).count();
    let _ = writeln!(
        out,
        "\n{failed} of {} accounts have a FAILED control.",
        o.accounts.len()
    );
    out
}

/// The FAILED findings, account by account.
fn failing(o: &OrgAudit, out: &mut String) {
    for a in o.accounts.iter().filter(|a| a.any_failed()) {
        let Some(audit) = &a.audit else { continue };
        let _ = writeln!(
            out,
            "\nFAILED in account {} {}",
            escape::line(&a.id),
            escape::line(&a.name)
        );
        for c in audit.controls.iter().filter(|c| c.status == Status::Failed) {
            for f in c.findings.iter().filter(|f| f.status == Status::Failed) {
                let _ = writeln!(
                    out,
                    "  {:<5} {} {}: {}",
                    c.control.id,
                    escape::line(&f.resource),
                    f.reason_code,
                    escape::line(&f.reason)
                );
            }
        }
    }
}
